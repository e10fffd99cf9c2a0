//! Zarr layouts through the crawl stage's metadata reader (`crawl::metadata`): every store under
//! `shared/zarr` against a table of what zarr-python reports, broken stores made in temporary
//! folders, zarr-python's own metadata test documents, stores served over plain HTTP, and the
//! request counts of consolidated reads.
//!
//! The table's facts (data type, shape, chunks, codecs, dimension names, first values of chunk
//! 0) were checked by hand with zarr-python 3.1.6 + numcodecs 0.16.6 (`zarr.open(store)`,
//! `array.metadata`, `array[...]`); the reference image's pixels were read with Pillow. The test
//! itself never calls Python. Where zarr-python and Almanac differ, the row says why.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::ops::Range;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use almanac::crawl::metadata::{
    ArrayMeta, Hierarchy, MetadataProblem, ReadOptions, code, read_hierarchy, read_hierarchy_with,
    zarrs_array,
};
use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    ClientOptions, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};
use serde_json::{Value, json};
use zarrs::array::ArrayBytes;

const ZARR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/zarr");

// ---------------------------------------------------------------------------------------------
// A counting store, independent of the crate's own, so the reader's `requests` is checked.

/// Passes every call to `inner`; counts reads (GET, ranged GET, HEAD: all `get_opts`),
/// `get_ranges` and listings. A blind one lists every folder as empty, as object_store's HTTP
/// store does when a web server answers its WebDAV listing with 404.
#[derive(Debug)]
struct Counting {
    inner: Arc<dyn ObjectStore>,
    requests: AtomicU64,
    blind: bool,
}

impl Counting {
    fn new(inner: Arc<dyn ObjectStore>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            requests: AtomicU64::new(0),
            blind: false,
        })
    }

    fn blind(inner: Arc<dyn ObjectStore>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            requests: AtomicU64::new(0),
            blind: true,
        })
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn count(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

impl fmt::Display for Counting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Counting({})", self.inner)
    }
}

// The trait is declared with `#[async_trait]`: its methods are written in the form that macro
// expands to, so the test needs no dependency on it.
impl ObjectStore for Counting {
    fn put_opts<'s, 'l, 'f>(
        &'s self,
        location: &'l Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> BoxFuture<'f, Result<PutResult>>
    where
        's: 'f,
        'l: 'f,
        Self: 'f,
    {
        self.inner.put_opts(location, payload, opts)
    }

    fn put_multipart_opts<'s, 'l, 'f>(
        &'s self,
        location: &'l Path,
        opts: PutMultipartOptions,
    ) -> BoxFuture<'f, Result<Box<dyn MultipartUpload>>>
    where
        's: 'f,
        'l: 'f,
        Self: 'f,
    {
        self.inner.put_multipart_opts(location, opts)
    }

    fn get_opts<'s, 'l, 'f>(
        &'s self,
        location: &'l Path,
        options: GetOptions,
    ) -> BoxFuture<'f, Result<GetResult>>
    where
        's: 'f,
        'l: 'f,
        Self: 'f,
    {
        self.count();
        self.inner.get_opts(location, options)
    }

    fn get_ranges<'s, 'l, 'r, 'f>(
        &'s self,
        location: &'l Path,
        ranges: &'r [Range<u64>],
    ) -> BoxFuture<'f, Result<Vec<Bytes>>>
    where
        's: 'f,
        'l: 'f,
        'r: 'f,
        Self: 'f,
    {
        self.count();
        self.inner.get_ranges(location, ranges)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.count();
        self.inner.list(prefix)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        self.count();
        self.inner.list_with_offset(prefix, offset)
    }

    fn list_with_delimiter<'s, 'p, 'f>(
        &'s self,
        prefix: Option<&'p Path>,
    ) -> BoxFuture<'f, Result<ListResult>>
    where
        's: 'f,
        'p: 'f,
        Self: 'f,
    {
        self.count();
        if self.blind {
            let empty = ListResult {
                common_prefixes: Vec::new(),
                objects: Vec::new(),
                extensions: object_store::Extensions::default(),
            };
            return Box::pin(async { Ok(empty) });
        }
        self.inner.list_with_delimiter(prefix)
    }

    fn copy_opts<'s, 'a, 'b, 'f>(
        &'s self,
        from: &'a Path,
        to: &'b Path,
        options: CopyOptions,
    ) -> BoxFuture<'f, Result<()>>
    where
        's: 'f,
        'a: 'f,
        'b: 'f,
        Self: 'f,
    {
        self.inner.copy_opts(from, to, options)
    }

    fn rename_opts<'s, 'a, 'b, 'f>(
        &'s self,
        from: &'a Path,
        to: &'b Path,
        options: RenameOptions,
    ) -> BoxFuture<'f, Result<()>>
    where
        's: 'f,
        'a: 'f,
        'b: 'f,
        Self: 'f,
    {
        self.inner.rename_opts(from, to, options)
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn local(dir: &FsPath) -> Arc<dyn ObjectStore> {
    Arc::new(LocalFileSystem::new_with_prefix(dir).expect("store folder exists"))
}

/// Reads the store in `dir` (empty prefix) through a counting store and checks that the
/// reader's own count agrees.
async fn read_dir(dir: &FsPath, options: &ReadOptions) -> Result<Hierarchy, MetadataProblem> {
    read_counted(local(dir), &Path::default(), options).await
}

async fn read_counted(
    store: Arc<dyn ObjectStore>,
    prefix: &Path,
    options: &ReadOptions,
) -> Result<Hierarchy, MetadataProblem> {
    let counting = Counting::new(store);
    let result = read_hierarchy_with(counting.clone(), prefix, options).await;
    if let Ok(hierarchy) = &result {
        assert_eq!(
            hierarchy.requests,
            counting.requests(),
            "the reader counts every request"
        );
    }
    result
}

fn hint(zarr_format: u8) -> ReadOptions {
    ReadOptions {
        zarr_format: Some(zarr_format),
        ..ReadOptions::default()
    }
}

/// Folders under `root` with `.zgroup`, `.zarray`, `.zmetadata` or `zarr.json` at their top,
/// not inside another such folder; `/`-separated, relative, sorted.
fn discover_stores(root: &FsPath) -> BTreeSet<String> {
    const MARKERS: [&str; 4] = [".zgroup", ".zarray", ".zmetadata", "zarr.json"];
    let mut stores = BTreeSet::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        if MARKERS.iter().any(|marker| dir.join(marker).is_file()) {
            let relative = dir.strip_prefix(root).expect("under the root");
            stores.insert(relative.to_string_lossy().replace('\\', "/"));
            continue;
        }
        for entry in fs::read_dir(&dir).expect("readable folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                pending.push(path);
            }
        }
    }
    stores
}

fn copy_dir(from: &FsPath, to: &FsPath) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("readable folder") {
        let entry = entry.expect("readable entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file named one of `names` under `dir`, by `/`-separated relative path.
fn documents(dir: &FsPath, names: &[&str]) -> BTreeMap<String, Value> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("readable folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if names
                .iter()
                .any(|name| path.file_name() == Some(name.as_ref()))
            {
                let relative = path.strip_prefix(dir).expect("under dir");
                let text = fs::read(&path).expect("readable file");
                let value = serde_json::from_slice(&text).expect("fixture documents are JSON");
                found.insert(relative.to_string_lossy().replace('\\', "/"), value);
            }
        }
    }
    found
}

/// Writes `.zmetadata` as `zarr.consolidate_metadata` does for Zarr 2 (zarr-python 2 and 3 write
/// the same structure; compared with one written by xarray 2026.9 + zarr 3.1.6).
fn consolidate_v2(dir: &FsPath) {
    let metadata = documents(dir, &[".zgroup", ".zarray", ".zattrs"]);
    let document = json!({"metadata": metadata, "zarr_consolidated_format": 1});
    fs::write(dir.join(".zmetadata"), document.to_string()).expect("write .zmetadata");
}

/// Adds `consolidated_metadata` to the root `zarr.json` as zarr-python 3.1.6 writes it: every
/// descendant at the root under its full path, each group entry with an empty
/// `consolidated_metadata` of its own.
fn consolidate_v3(dir: &FsPath) {
    let mut metadata = serde_json::Map::new();
    for (path, mut document) in documents(dir, &["zarr.json"]) {
        let Some(node) = path.strip_suffix("/zarr.json") else {
            continue;
        };
        if document["node_type"] == "group" {
            document["consolidated_metadata"] =
                json!({"kind": "inline", "must_understand": false, "metadata": {}});
        }
        metadata.insert(node.to_owned(), document);
    }
    let root_path = dir.join("zarr.json");
    let mut root: Value = serde_json::from_slice(&fs::read(&root_path).expect("root zarr.json"))
        .expect("root zarr.json is JSON");
    root["consolidated_metadata"] =
        json!({"kind": "inline", "must_understand": false, "metadata": metadata});
    fs::write(root_path, root.to_string()).expect("write zarr.json");
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn write(path: &FsPath, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(path, text).expect("write file");
}

fn array<'h>(hierarchy: &'h Hierarchy, path: &str) -> &'h ArrayMeta {
    hierarchy
        .arrays
        .iter()
        .find(|array| array.path == path)
        .unwrap_or_else(|| panic!("no array {path:?} in {:?}", paths(hierarchy)))
}

fn paths(hierarchy: &Hierarchy) -> Vec<&str> {
    hierarchy
        .arrays
        .iter()
        .map(|array| array.path.as_str())
        .collect()
}

fn warning_set(hierarchy: &Hierarchy) -> BTreeSet<(String, &'static str)> {
    hierarchy
        .warnings
        .iter()
        .map(|w| (w.key.clone(), w.code))
        .collect()
}

/// The hierarchy without its request count, to compare reads that differ only in cost.
fn without_requests(hierarchy: &Hierarchy) -> Hierarchy {
    Hierarchy {
        requests: 0,
        ..hierarchy.clone()
    }
}

/// Reads chunk 0 (the first shard of a sharded array) of `meta`.
async fn first_chunk(
    store: Arc<dyn ObjectStore>,
    prefix: &Path,
    meta: &ArrayMeta,
) -> std::result::Result<ArrayBytes<'static>, String> {
    let array = zarrs_array(store, prefix, meta).map_err(|p| p.to_string())?;
    let origin = vec![0; meta.shape.len()];
    array
        .async_retrieve_chunk::<ArrayBytes<'static>>(&origin)
        .await
        .map_err(|e| e.to_string())
}

/// The first values of chunk 0 of a numeric array, as f64.
async fn first_values(store: Arc<dyn ObjectStore>, meta: &ArrayMeta, n: usize) -> Vec<f64> {
    let array = zarrs_array(store, &Path::default(), meta).expect("decodable");
    let origin = vec![0; meta.shape.len()];
    macro_rules! read {
        ($t:ty) => {
            array
                .async_retrieve_chunk::<Vec<$t>>(&origin)
                .await
                .expect("chunk decodes")
                .into_iter()
                .take(n)
                .map(|v| v as f64)
                .collect()
        };
    }
    match meta.dtype.as_str() {
        "float32" => read!(f32),
        "float64" => read!(f64),
        "int32" => read!(i32),
        "int64" => read!(i64),
        "uint8" => read!(u8),
        "uint16" => read!(u16),
        "bool" => array
            .async_retrieve_chunk::<Vec<bool>>(&origin)
            .await
            .expect("chunk decodes")
            .into_iter()
            .take(n)
            .map(|v| f64::from(u8::from(v)))
            .collect(),
        other => panic!("no numeric reader for {other}"),
    }
}

fn same_values(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

// ---------------------------------------------------------------------------------------------
// The table of stores under shared/zarr

#[derive(Debug)]
struct Case {
    store: &'static str,
    expect: Expect,
}

#[derive(Debug)]
enum Expect {
    Ok(Expected),
    Err(&'static str),
}

#[derive(Debug, Default)]
struct Expected {
    zarr_format: u8,
    consolidated: bool,
    groups: usize,
    arrays: usize,
    facts: Vec<Fact>,
    /// Every warning, by key and code.
    warnings: Vec<(&'static str, &'static str)>,
    /// Decodable arrays whose chunk 0 is known not to decode.
    chunk_fails: Vec<&'static str>,
    /// The store also holds Zarr 2 metadata (`.zarray` next to `zarr.json`).
    both_formats: bool,
}

#[derive(Debug, Default)]
struct Fact {
    path: &'static str,
    dtype: &'static str,
    shape: Vec<u64>,
    chunks: Vec<u64>,
    shards: Option<Vec<u64>>,
    codecs: Vec<&'static str>,
    dims: Vec<&'static str>,
    /// First values of chunk 0, row-major, as zarr-python reads them.
    first: Option<Vec<f64>>,
}

fn ok(store: &'static str, zarr_format: u8, groups: usize, arrays: usize) -> Case {
    Case {
        store,
        expect: Expect::Ok(Expected {
            zarr_format,
            groups,
            arrays,
            ..Expected::default()
        }),
    }
}

fn err(store: &'static str, code: &'static str) -> Case {
    Case {
        store,
        expect: Expect::Err(code),
    }
}

impl Case {
    fn expected(&mut self) -> &mut Expected {
        match &mut self.expect {
            Expect::Ok(expected) => expected,
            Expect::Err(_) => panic!("{}: an error case has no facts", self.store),
        }
    }

    fn fact(&mut self) -> &mut Fact {
        let store = self.store;
        self.expected()
            .facts
            .last_mut()
            .unwrap_or_else(|| panic!("{store}: .array(...) first"))
    }

    fn array(
        mut self,
        path: &'static str,
        dtype: &'static str,
        shape: &[u64],
        chunks: &[u64],
        codecs: &[&'static str],
    ) -> Self {
        self.expected().facts.push(Fact {
            path,
            dtype,
            shape: shape.to_vec(),
            chunks: chunks.to_vec(),
            codecs: codecs.to_vec(),
            ..Fact::default()
        });
        self
    }

    fn shards(mut self, shards: &[u64]) -> Self {
        self.fact().shards = Some(shards.to_vec());
        self
    }

    fn dims(mut self, dims: &[&'static str]) -> Self {
        self.fact().dims = dims.to_vec();
        self
    }

    fn first(mut self, values: &[f64]) -> Self {
        self.fact().first = Some(values.to_vec());
        self
    }

    fn warning(mut self, key: &'static str, code: &'static str) -> Self {
        self.expected().warnings.push((key, code));
        self
    }

    fn chunk_fails(mut self, path: &'static str) -> Self {
        self.expected().chunk_fails.push(path);
        self
    }

    fn both_formats(mut self) -> Self {
        self.expected().both_formats = true;
        self
    }
}

/// The zarrs test arrays: float32 10×10 in 5×5 chunks holding 0..100 row by row.
fn tens(store: &'static str, zarr_format: u8, codecs: &[&'static str]) -> Case {
    ok(store, zarr_format, 0, 1)
        .array("", "float32", &[10, 10], &[5, 5], codecs)
        .first(&[0.0, 1.0, 2.0, 3.0])
}

/// zarr-python's v2 fixtures: int64 2×2 holding 1..4, Blosc/LZ4.
fn two_by_two(store: &'static str, first: &[f64]) -> Case {
    ok(store, 2, 0, 1)
        .array("", "int64", &[2, 2], &[2, 2], &["blosc/lz4"])
        .first(first)
}

/// numpy datetime / timedelta arrays from zarr-python 3 (bytes + zstd); zarrs reads them.
fn time_array(store: &'static str, dtype: &'static str, length: u64) -> Case {
    ok(store, 3, 0, 1).array("", dtype, &[length], &[5], &["bytes", "zstd"])
}

#[rustfmt::skip]
#[expect(clippy::approx_constant, reason = "3.14 is the fixture's value, not π")]
fn table() -> Vec<Case> {
    const IMAGE: [u64; 3] = [512, 512, 3];
    const IMAGE_CHUNKS: [u64; 3] = [100, 100, 1];
    // None of these stores is consolidated: consolidated copies are made in temporary folders.
    vec![
        // zarr-python's own v2 fixtures (tag v2.18.7).
        two_by_two("zarr-python/v2_fixture/flat", &[1.0, 2.0, 3.0, 4.0]),
        two_by_two("zarr-python/v2_fixture/flat_legacy", &[1.0, 2.0, 3.0, 4.0]),
        two_by_two("zarr-python/v2_fixture/meta", &[1.0, 2.0, 3.0, 4.0]),
        two_by_two("zarr-python/v2_fixture/nested", &[1.0, 2.0, 3.0, 4.0]),
        // Chunks nested (`0/0`) without `dimension_separator`: the default `.` finds no chunk,
        // so zarrs reads the fill value — exactly as zarr-python 3 does (zarr-python 2 read it
        // only through NestedDirectoryStore). Not detectable from metadata alone.
        two_by_two("zarr-python/v2_fixture/nested_legacy", &[0.0, 0.0, 0.0, 0.0]),
        ok("zarr-python/v2_fixture/utf8attrs", 2, 1, 0),
        // zarr_implementations: every array is reference_image.png (checked pixel by pixel below).
        ok("zarr_implementations/zarr-python.zr", 2, 1, 2)
            .array("blosc", "uint8", &IMAGE, &IMAGE_CHUNKS, &["blosc/lz4"])
            .first(&[154.0, 109.0, 63.0, 54.0])
            .array("gzip", "uint8", &IMAGE, &IMAGE_CHUNKS, &["gzip"])
            .first(&[154.0, 109.0, 63.0, 54.0]),
        // z5py wrote zlib streams (`78 5e`) under the id "gzip": the metadata is fine, the chunks
        // decode neither in zarrs nor in zarr-python 3 (BadGzipFile).
        ok("zarr_implementations/z5py.zr", 2, 1, 1)
            .array("gzip", "uint8", &IMAGE, &IMAGE_CHUNKS, &["gzip"])
            .chunk_fails("gzip"),
        // zarr-python 3 fails on it too (TypeError on `metadata_encoding`).
        err("zarr_implementations/zarrita-v3draft.zr3", code::ZARRITA_V3_DRAFT),
        // zarrs' test data (commit 85b26a34).
        ok("zarrs_tests_data/array_write_read.zarr", 3, 2, 1)
            .array("group/array", "float32", &[8, 8], &[4, 4], &["bytes"])
            .dims(&["y", "x"])
            .first(&[f64::NAN; 4]),
        // zarr-python: UnknownCodecError 'bitround'; zarrs decodes it (the `bitround` feature).
        ok("zarrs_tests_data/codec/bitround/bitround_float32.zarr", 3, 0, 1)
            .array("", "float32", &[9], &[9], &["bitround", "bytes"]),
        ok("zarrs_tests_data/codec/bitround/bitround_uint8.zarr", 3, 0, 1)
            .array("", "uint8", &[10], &[10], &["bitround", "bytes"]),
        ok("zarrs_tests_data/hierarchy.zarr", 3, 3, 2)
            .array("a/baz", "float64", &[10000, 1000], &[1000, 100], &["bytes", "gzip"])
            .dims(&["rows", "columns"])
            .first(&[f64::NAN; 4])
            .array("a/foo", "float64", &[10000, 1000], &[1000, 100], &["bytes", "gzip"])
            .dims(&["rows", "columns"]),
        ok("zarrs_tests_data/issue_287.zarr", 3, 2, 3)
            .array("meta/bbox", "string", &[3], &[3], &["vlen-utf8", "zstd"])
            .array("meta/collection", "string", &[3], &[3], &["vlen-utf8", "zstd"])
            .array("meta/date", "datetime64[ms]", &[3], &[3], &["bytes", "zstd"]),
        // The folder above `group` has no zarr.json: the store is `group`.
        ok("zarrs_tests_data/sharded_array_write_read.zarr/group", 3, 1, 1)
            .array("array", "uint16", &[8, 8], &[4, 4], &["sharding_indexed", "bytes", "gzip"])
            .shards(&[4, 8])
            .dims(&["y", "x"])
            .first(&[0.0, 1.0, 2.0, 3.0]),
        tens("zarrs_tests_data/v2/array_blosc_C.zarr", 2, &["blosc/zstd"]),
        tens("zarrs_tests_data/v2/array_blosc_F.zarr", 2, &["blosc/zstd"]),
        tens("zarrs_tests_data/v2/array_bz2_C.zarr", 2, &["bz2"]),
        tens("zarrs_tests_data/v2/array_gzip_C.zarr", 2, &["gzip"]),
        tens("zarrs_tests_data/v2/array_none_C.zarr", 2, &[]),
        tens("zarrs_tests_data/v2/array_none_F.zarr", 2, &[]),
        // pcodec and zfpy: zarr-python 3 cannot open these (codec not available); zarrs reads
        // pcodec (the `pcodec` feature) and has zfpy behind a feature we leave off (it builds
        // the C library with CMake).
        tens("zarrs_tests_data/v2/array_pcodec_C.zarr", 2, &["pcodec"]),
        ok("zarrs_tests_data/v2/array_zfpy_C.zarr", 2, 0, 1)
            .array("", "float32", &[10, 10], &[5, 5], &["zfpy"])
            .warning(".zarray", code::UNKNOWN_CODEC),
        tens("zarrs_tests_data/v2/array_zstd_C.zarr", 2, &["zstd"]),
        // zarrs_tests_data/v3/*: both zarr.json and .zarray in one folder (zarrs' conversion
        // tests). zarr-python 3 warns and uses zarr.json; so does Almanac (without the warning:
        // seeing .zarray would cost a request per array).
        tens("zarrs_tests_data/v3/array_blosc.zarr", 3, &["bytes", "blosc"]).both_formats(),
        tens("zarrs_tests_data/v3/array_blosc_transpose.zarr", 3, &["transpose", "bytes", "blosc"]).both_formats(),
        tens("zarrs_tests_data/v3/array_bz2.zarr", 3, &["bytes", "numcodecs.bz2"]).both_formats(),
        tens("zarrs_tests_data/v3/array_gzip.zarr", 3, &["bytes", "gzip"]).both_formats(),
        tens("zarrs_tests_data/v3/array_none.zarr", 3, &["bytes"]).both_formats(),
        tens("zarrs_tests_data/v3/array_none_transpose.zarr", 3, &["transpose", "bytes"]).both_formats(),
        // zarrs' experimental `optional` data type and codec (zarr-python: no such data type),
        // written when the codec was called `optional`; zarrs 0.23 knows only `zarrs.optional`.
        ok("zarrs_tests_data/v3/array_optional.zarr/array", 3, 0, 1)
            .array("", "optional", &[4, 4], &[2, 2], &["optional"])
            .dims(&["y", "x"])
            .warning("zarr.json", code::UNKNOWN_CODEC),
        ok("zarrs_tests_data/v3/array_optional_nested.zarr/array", 3, 0, 1)
            .array("", "optional", &[4, 4], &[2, 2], &["optional"])
            .dims(&["y", "x"])
            .warning("zarr.json", code::UNKNOWN_CODEC),
        tens("zarrs_tests_data/v3/array_pcodec.zarr", 3, &["numcodecs.pcodec"]).both_formats(),
        ok("zarrs_tests_data/v3/array_zfpy.zarr", 3, 0, 1)
            .array("", "float32", &[10, 10], &[5, 5], &["numcodecs.zfpy"])
            .warning("zarr.json", code::UNKNOWN_CODEC)
            .both_formats(),
        tens("zarrs_tests_data/v3/array_zstd.zarr", 3, &["bytes", "zstd"]).both_formats(),
        // Written by zarr-python 3 with numcodecs' Zarr 3 wrappers.
        tens("zarrs_tests_data/v3_zarr_python/array_adler32.zarr", 3, &["bytes", "numcodecs.adler32"]),
        tens("zarrs_tests_data/v3_zarr_python/array_blosc.zarr", 3, &["bytes", "blosc"]),
        tens("zarrs_tests_data/v3_zarr_python/array_bz2.zarr", 3, &["bytes", "numcodecs.bz2"]),
        tens("zarrs_tests_data/v3_zarr_python/array_fletcher32.zarr", 3, &["bytes", "numcodecs.fletcher32"]),
        tens("zarrs_tests_data/v3_zarr_python/array_gzip.zarr", 3, &["bytes", "gzip"]),
        tens("zarrs_tests_data/v3_zarr_python/array_none.zarr", 3, &["bytes"]),
        tens("zarrs_tests_data/v3_zarr_python/array_pcodec.zarr", 3, &["numcodecs.pcodec"]),
        ok("zarrs_tests_data/v3_zarr_python/array_zfpy.zarr", 3, 0, 1)
            .array("", "float32", &[10, 10], &[5, 5], &["numcodecs.zfpy"])
            .warning("zarr.json", code::UNKNOWN_CODEC),
        tens("zarrs_tests_data/v3_zarr_python/array_zlib.zarr", 3, &["bytes", "numcodecs.zlib"]),
        tens("zarrs_tests_data/v3_zarr_python/array_zstd.zarr", 3, &["bytes", "zstd"]),
        // zarr-python compatibility data.
        ok("zarrs_tests_data/zarr_python_compat/adler32.zarr", 2, 0, 1)
            .array("", "uint16", &[100, 100], &[50, 50], &["adler32"]),
        ok("zarrs_tests_data/zarr_python_compat/bool_v2_fv_null.zarr", 2, 0, 1)
            .array("", "bool", &[5], &[2], &[])
            .first(&[1.0, 0.0]),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[10ms].zarr", "datetime64[10ms]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[10us].zarr", "datetime64[10us]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[D].zarr", "datetime64[D]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[W].zarr", "datetime64[W]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[Y].zarr", "datetime64[Y]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[h].zarr", "datetime64[h]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[m].zarr", "datetime64[m]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[ms].zarr", "datetime64[ms]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[ns].zarr", "datetime64[ns]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[s].zarr", "datetime64[s]", 6),
        time_array("zarrs_tests_data/zarr_python_compat/datetime64[us].zarr", "datetime64[us]", 6),
        ok("zarrs_tests_data/zarr_python_compat/fixed_length_utf32_v2_be.zarr", 2, 0, 1)
            .array("", ">U4", &[5], &[5], &[]),
        ok("zarrs_tests_data/zarr_python_compat/fixed_length_utf32_v2_le.zarr", 2, 0, 1)
            .array("", "<U4", &[5], &[5], &[]),
        ok("zarrs_tests_data/zarr_python_compat/fixed_length_utf32_v3_le.zarr", 3, 0, 1)
            .array("", "<U4", &[5], &[5], &["bytes"]),
        ok("zarrs_tests_data/zarr_python_compat/fletcher32.zarr", 2, 0, 1)
            .array("", "uint16", &[100, 100], &[50, 50], &["fletcher32"]),
        ok("zarrs_tests_data/zarr_python_compat/float_v2_fv_null.zarr", 2, 0, 1)
            .array("", "float32", &[5], &[2], &[])
            .first(&[f64::from(3.14_f32), f64::from(2.71_f32)]),
        ok("zarrs_tests_data/zarr_python_compat/int_v2_fv_null.zarr", 2, 0, 1)
            .array("", "int32", &[5], &[2], &[])
            .first(&[42.0, 123.0]),
        // `|O` + vlen-utf8: zarr-python 3 says StringDType(), numpy 1 / xarray `object`.
        ok("zarrs_tests_data/zarr_python_compat/str_v2_fv_0.zarr", 2, 0, 1)
            .array("", "string", &[5], &[2], &["vlen-utf8"]),
        ok("zarrs_tests_data/zarr_python_compat/str_v2_fv_null.zarr", 2, 0, 1)
            .array("", "string", &[5], &[2], &["vlen-utf8"]),
        time_array("zarrs_tests_data/zarr_python_compat/timedelta64[10ms].zarr", "timedelta64[10ms]", 11),
        time_array("zarrs_tests_data/zarr_python_compat/timedelta64[10us].zarr", "timedelta64[10us]", 11),
        time_array("zarrs_tests_data/zarr_python_compat/timedelta64[ms].zarr", "timedelta64[ms]", 11),
        time_array("zarrs_tests_data/zarr_python_compat/timedelta64[ns].zarr", "timedelta64[ns]", 11),
        time_array("zarrs_tests_data/zarr_python_compat/timedelta64[ps].zarr", "timedelta64[ps]", 11),
        time_array("zarrs_tests_data/zarr_python_compat/timedelta64[us].zarr", "timedelta64[us]", 11),
        // `variable_length_bytes` (zarr-python: object dtype of bytes).
        ok("zarrs_tests_data/zarr_python_compat/v3_bytes.zarr", 3, 0, 1)
            .array("", "bytes", &[3], &[1000], &["vlen-bytes"]),
    ]
}

/// Pixels of reference_image.png (512×512 RGB), read with Pillow: (row, column, [r, g, b]).
const PIXELS: [(u64, u64, [u8; 3]); 8] = [
    (0, 0, [154, 147, 151]),
    (0, 1, [109, 103, 124]),
    (1, 0, [177, 171, 171]),
    (99, 99, [187, 176, 174]),
    (137, 42, [84, 6, 21]),
    (250, 300, [96, 76, 93]),
    (505, 3, [189, 174, 180]),
    (511, 511, [0, 0, 0]),
];

/// Checks an image array (512×512×3 in 100×100×1 chunks) against [`PIXELS`].
async fn assert_reference_image(store: Arc<dyn ObjectStore>, prefix: &Path, meta: &ArrayMeta) {
    let array = zarrs_array(store, prefix, meta).expect("image arrays are decodable");
    let mut chunks: HashMap<[u64; 3], Vec<u8>> = HashMap::new();
    for (row, column, rgb) in PIXELS {
        for (channel, expected) in (0_u64..).zip(rgb) {
            let index = [row / 100, column / 100, channel];
            let chunk = match chunks.entry(index) {
                Entry::Occupied(chunk) => chunk.into_mut(),
                Entry::Vacant(slot) => slot.insert(
                    array
                        .async_retrieve_chunk::<Vec<u8>>(&index)
                        .await
                        .unwrap_or_else(|e| panic!("{}: chunk {index:?}: {e}", meta.path)),
                ),
            };
            let offset = usize::try_from((row % 100) * 100 + column % 100).expect("small");
            assert_eq!(
                chunk[offset], expected,
                "{}: pixel ({row}, {column}) channel {channel}",
                meta.path
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_store_under_shared_zarr_reads_as_zarr_python_reports() {
    let root = PathBuf::from(ZARR);
    let cases = table();
    let listed: BTreeSet<String> = cases.iter().map(|case| case.store.to_owned()).collect();
    assert_eq!(listed.len(), cases.len(), "a store is listed twice");
    let found = discover_stores(&root);
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "stores under {ZARR} not in the table (add a row): {unlisted:?}; rows for stores that \
         are not there: {missing:?}"
    );

    let mut failures = Vec::new();
    for case in &cases {
        let dir = root.join(case.store);
        let result = read_dir(&dir, &ReadOptions::default()).await;
        if let Err(message) = check_case(case, &dir, result).await {
            failures.push(format!("{}: {message}", case.store));
        }
    }
    assert!(
        failures.is_empty(),
        "{} stores differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn check_case(
    case: &Case,
    dir: &FsPath,
    result: Result<Hierarchy, MetadataProblem>,
) -> std::result::Result<(), String> {
    let (expected, hierarchy) = match (&case.expect, result) {
        (Expect::Err(code), Err(problem)) if problem.code == *code => return Ok(()),
        (Expect::Err(code), other) => return Err(format!("expected error {code}, got {other:?}")),
        (Expect::Ok(_), Err(problem)) => return Err(format!("unexpected error: {problem}")),
        (Expect::Ok(expected), Ok(hierarchy)) => (expected, hierarchy),
    };
    let summary = (
        hierarchy.zarr_format,
        hierarchy.consolidated,
        hierarchy.groups.len(),
        hierarchy.arrays.len(),
    );
    let wanted = (
        expected.zarr_format,
        expected.consolidated,
        expected.groups,
        expected.arrays,
    );
    if summary != wanted {
        return Err(format!(
            "(format, consolidated, groups, arrays) = {summary:?}, expected {wanted:?}"
        ));
    }
    let warnings = warning_set(&hierarchy);
    let expected_warnings: BTreeSet<(String, &str)> = expected
        .warnings
        .iter()
        .map(|(key, code)| ((*key).to_owned(), *code))
        .collect();
    if warnings != expected_warnings {
        return Err(format!(
            "warnings {:?}, expected {expected_warnings:?}",
            hierarchy.warnings
        ));
    }
    for fact in &expected.facts {
        let Some(meta) = hierarchy.arrays.iter().find(|a| a.path == fact.path) else {
            return Err(format!("no array {:?}", fact.path));
        };
        let got = (
            meta.dtype.as_str(),
            &meta.shape,
            &meta.chunks,
            &meta.shards,
            meta.codecs.iter().map(String::as_str).collect::<Vec<_>>(),
            meta.dimension_names
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        let want = (
            fact.dtype,
            &fact.shape,
            &fact.chunks,
            &fact.shards,
            fact.codecs.clone(),
            fact.dims.clone(),
        );
        if got != want {
            return Err(format!("{:?}: got {got:?}, expected {want:?}", fact.path));
        }
        if let Some(first) = &fact.first {
            let values = first_values(local(dir), meta, first.len()).await;
            if !same_values(&values, first) {
                return Err(format!(
                    "{:?}: first values {values:?}, expected {first:?}",
                    fact.path
                ));
            }
        }
    }
    for meta in &hierarchy.arrays {
        if !meta.decodable {
            // The warning says why; zarrs_array refuses with the same code.
            let problem = zarrs_array(local(dir), &Path::default(), meta)
                .err()
                .ok_or_else(|| format!("{:?}: not decodable, yet zarrs_array builds", meta.path))?;
            if !hierarchy.warnings.contains(&problem) {
                return Err(format!(
                    "{:?}: {problem} is not among the warnings",
                    meta.path
                ));
            }
            continue;
        }
        if meta.shape.contains(&0) {
            continue;
        }
        let read = first_chunk(local(dir), &Path::default(), meta).await;
        let fails = expected.chunk_fails.contains(&meta.path.as_str());
        match (read, fails) {
            (Ok(_), false) | (Err(_), true) => {}
            (Ok(_), true) => return Err(format!("{:?}: chunk 0 decodes now", meta.path)),
            (Err(e), false) => return Err(format!("{:?}: chunk 0: {e}", meta.path)),
        }
        if case.store.starts_with("zarr_implementations/") && !fails {
            assert_reference_image(local(dir), &Path::default(), meta).await;
        }
    }
    // A format hint changes the number of requests, never the result — except where both
    // formats are there: then, as zarr-python's `zarr_format=2`, the hint picks Zarr 2.
    for zarr_format in [2, 3] {
        let hinted = read_dir(dir, &hint(zarr_format))
            .await
            .map_err(|p| p.to_string())?;
        if expected.both_formats && zarr_format == 2 {
            let facts = |h: &Hierarchy| -> Vec<(String, Vec<u64>, Vec<u64>, String)> {
                let arrays = h.arrays.iter();
                arrays
                    .map(|a| {
                        (
                            a.path.clone(),
                            a.shape.clone(),
                            a.chunks.clone(),
                            a.dtype.clone(),
                        )
                    })
                    .collect()
            };
            if hinted.zarr_format != 2 || facts(&hinted) != facts(&hierarchy) {
                return Err(format!(
                    "with hint 2, expected the same arrays in Zarr 2: {hinted:?}"
                ));
            }
        } else if without_requests(&hinted) != without_requests(&hierarchy) {
            return Err(format!(
                "reading with zarr_format hint {zarr_format} differs"
            ));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prefix_inside_a_store_reads_the_same_hierarchy() {
    let direct = read_dir(
        &PathBuf::from(ZARR).join("zarrs_tests_data/v2/array_zfpy_C.zarr"),
        &ReadOptions::default(),
    )
    .await
    .expect("readable");
    let prefix = Path::from("zarrs_tests_data/v2/array_zfpy_C.zarr");
    let store = local(FsPath::new(ZARR));
    let prefixed = read_counted(Arc::clone(&store), &prefix, &ReadOptions::default())
        .await
        .expect("readable");
    assert_eq!(prefixed.arrays, direct.arrays);
    assert_eq!(prefixed.warnings.len(), 1);
    assert_eq!(
        prefixed.warnings[0].key,
        "zarrs_tests_data/v2/array_zfpy_C.zarr/.zarray"
    );

    let image = Path::from("zarr_implementations/zarr-python.zr");
    let hierarchy = read_hierarchy(Arc::clone(&store), &image)
        .await
        .expect("readable");
    assert_eq!(paths(&hierarchy), ["blosc", "gzip"]);
    for meta in &hierarchy.arrays {
        assert_reference_image(Arc::clone(&store), &image, meta).await;
    }

    // Names object_store percent-encodes (`[`, `]`), in the prefix and in the hierarchy.
    // (`Path::parse` keeps names as they are, as stores list them; `Path::from` would encode them.)
    let odd = Path::parse("zarrs_tests_data/zarr_python_compat/timedelta64[ns].zarr")
        .expect("a valid path");
    let hierarchy = read_counted(Arc::clone(&store), &odd, &ReadOptions::default())
        .await
        .expect("readable");
    let meta = array(&hierarchy, "");
    let values = zarrs_array(Arc::clone(&store), &odd, meta)
        .expect("decodable")
        .async_retrieve_chunk_if_exists::<ArrayBytes<'static>>(&[0])
        .await
        .expect("chunk decodes")
        .expect("chunk found through the encoded prefix");
    assert_eq!(values.size(), 5 * 8);
    let dir = temp();
    copy_dir(
        &PathBuf::from(ZARR).join("zarrs_tests_data/v2/array_gzip_C.zarr"),
        &dir.path().join("t[0]"),
    );
    write(&dir.path().join(".zgroup"), r#"{"zarr_format": 2}"#);
    let hierarchy = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    assert_eq!(paths(&hierarchy), ["t[0]"]);
    assert_eq!(
        first_values(local(dir.path()), &hierarchy.arrays[0], 2).await,
        [0.0, 1.0]
    );
}

// ---------------------------------------------------------------------------------------------
// Consolidated metadata and request counts

/// zarr-python.zr with xarray-style `_ARRAY_DIMENSIONS` on one array, in `dir`.
fn image_store(dir: &FsPath) {
    copy_dir(
        &PathBuf::from(ZARR).join("zarr_implementations/zarr-python.zr"),
        dir,
    );
    write(
        &dir.join("gzip/.zattrs"),
        r#"{"_ARRAY_DIMENSIONS": ["y", "x", "band"], "long_name": "reference image"}"#,
    );
    write(&dir.join(".zattrs"), r#"{"title": "reference"}"#);
}

#[tokio::test(flavor = "multi_thread")]
async fn consolidated_zarr_2_is_one_request() {
    let dir = temp();
    image_store(dir.path());
    let walked = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    // Root: zarr.json, .zmetadata (misses), .zgroup, .zattrs; one listing; per array .zarray +
    // .zattrs.
    assert_eq!(walked.requests, 9);
    assert!(!walked.consolidated);
    let gzip = array(&walked, "gzip");
    assert_eq!(gzip.dimension_names, ["y", "x", "band"]);
    assert_eq!(
        Value::Object(gzip.attributes.clone()),
        json!({"long_name": "reference image"})
    );
    assert_eq!(walked.groups[0].attributes["title"], "reference");

    consolidate_v2(dir.path());
    let hinted = read_dir(dir.path(), &hint(2)).await.expect("readable");
    assert_eq!(hinted.requests, 1, "one GET of .zmetadata");
    assert!(hinted.consolidated);
    assert_eq!(hinted.groups, walked.groups);
    assert_eq!(hinted.arrays, walked.arrays);
    assert_eq!(hinted.warnings, walked.warnings);
    // Without the hint zarr.json is probed first: one missed GET more.
    let unhinted = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    assert_eq!(unhinted.requests, 2);
    assert_eq!(without_requests(&unhinted), without_requests(&hinted));
    let store = local(dir.path());
    for meta in &hinted.arrays {
        assert_reference_image(Arc::clone(&store), &Path::default(), meta).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn consolidated_zarr_3_is_one_request() {
    let dir = temp();
    copy_dir(
        &PathBuf::from(ZARR).join("zarrs_tests_data/hierarchy.zarr"),
        dir.path(),
    );
    let walked = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    // zarr.json; listings of /, a, b; zarr.json of a, b, a/baz, a/foo.
    assert_eq!(walked.requests, 8);

    consolidate_v3(dir.path());
    let consolidated = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    assert_eq!(consolidated.requests, 1, "one GET of the root zarr.json");
    assert!(consolidated.consolidated);
    assert_eq!(consolidated.groups, walked.groups);
    assert_eq!(consolidated.arrays, walked.arrays);
    assert_eq!(
        consolidated
            .groups
            .iter()
            .map(|g| g.path.as_str())
            .collect::<Vec<_>>(),
        ["", "a", "b"]
    );
    assert_eq!(consolidated.groups[2].attributes["test_key"], "test_value");
    // A wrong hint costs a missed GET of .zmetadata.
    let hinted = read_dir(dir.path(), &hint(2)).await.expect("readable");
    assert_eq!(
        hinted.requests, 4,
        ".zmetadata, .zgroup, .zarray, then zarr.json"
    );
    assert_eq!(without_requests(&hinted), without_requests(&consolidated));
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_zmetadata_is_trusted_as_xarray_does() {
    // Verified by hand with xarray 2026.9 + zarr 3.1.6 on a store whose `air/.zarray` (case 1) or
    // whole `air/` folder (case 2) was deleted after consolidation: `open_zarr(consolidated=True)`
    // and the default still list `air`; case 1 reads its values, case 2 reads all NaN (the fill
    // value) without a warning; only `consolidated=False` drops the variable. Detecting it here
    // would cost a request per array, so the consolidated read reports the array as listed.
    let dir = temp();
    image_store(dir.path());
    consolidate_v2(dir.path());
    fs::remove_file(dir.path().join("gzip/.zarray")).expect("delete .zarray");
    fs::remove_dir_all(dir.path().join("blosc")).expect("delete the array");

    let hierarchy = read_dir(dir.path(), &hint(2))
        .await
        .expect("consolidated read succeeds");
    assert_eq!(hierarchy.requests, 1);
    assert_eq!(paths(&hierarchy), ["blosc", "gzip"]);
    assert!(hierarchy.warnings.is_empty());
    let store = local(dir.path());
    // Chunks still there: the values read.
    assert_reference_image(
        Arc::clone(&store),
        &Path::default(),
        array(&hierarchy, "gzip"),
    )
    .await;
    // Chunks gone: zarrs reads the fill value (0), as zarr-python does.
    let blosc = zarrs_array(
        Arc::clone(&store),
        &Path::default(),
        array(&hierarchy, "blosc"),
    )
    .expect("decodable");
    let chunk = blosc
        .async_retrieve_chunk::<Vec<u8>>(&[0, 0, 0])
        .await
        .expect("fill value");
    assert!(chunk.iter().all(|&v| v == 0));

    // Without .zmetadata the walk finds neither: gzip has no .zarray, blosc no folder.
    fs::remove_file(dir.path().join(".zmetadata")).expect("delete .zmetadata");
    let walked = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    assert!(walked.arrays.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Broken stores

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_chunk_is_a_later_problem() {
    let dir = temp();
    image_store(dir.path());
    let chunk = dir.path().join("gzip/0.0.0");
    let bytes = fs::read(&chunk).expect("chunk");
    fs::write(&chunk, &bytes[..bytes.len() / 2]).expect("truncate");
    let hierarchy = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("metadata is fine");
    let gzip = array(&hierarchy, "gzip");
    assert!(gzip.decodable);
    let error = first_chunk(local(dir.path()), &Path::default(), gzip)
        .await
        .expect_err("a truncated gzip stream does not decode");
    assert!(!error.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn corrupt_zmetadata_names_the_key_line_and_column() {
    let dir = temp();
    write(&dir.path().join(".zgroup"), r#"{"zarr_format": 2}"#);
    write(
        &dir.path().join(".zmetadata"),
        "{\"metadata\": {\".zgroup\": {\"zarr_format\": 2},}\n, \"zarr_consolidated_format\": 1}",
    );
    let problem = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect_err("not readable");
    assert_eq!(
        (problem.key.as_str(), problem.code),
        (".zmetadata", code::CORRUPT_METADATA)
    );
    assert!(
        problem
            .message
            .contains("trailing comma at line 1 column 45"),
        "{problem}"
    );

    // Wrong types inside a consolidated entry: the object is the key, the entry is named.
    write(
        &dir.path().join(".zmetadata"),
        &json!({"zarr_consolidated_format": 1, "metadata": {
            ".zgroup": {"zarr_format": 2},
            "t/.zarray": {"zarr_format": 2, "shape": "10", "chunks": [5], "dtype": "<f8",
                          "compressor": null, "fill_value": null, "order": "C", "filters": null}
        }})
        .to_string(),
    );
    let problem = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect_err("not readable");
    assert_eq!(
        (problem.key.as_str(), problem.code),
        (".zmetadata", code::CORRUPT_METADATA)
    );
    assert_eq!(
        problem.message,
        "entry `t/.zarray`: `shape` must be a list of non-negative integers, found \"10\""
    );
}

fn zarray(compressor: &Value, filters: &Value) -> String {
    json!({"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<f4", "compressor": compressor,
           "fill_value": "NaN", "order": "C", "filters": filters})
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_codecs_keep_the_array_with_a_warning() {
    let dir = temp();
    write(&dir.path().join(".zgroup"), r#"{"zarr_format": 2}"#);
    write(
        &dir.path().join("x/.zarray"),
        &zarray(&json!({"id": "mystery", "level": 3}), &Value::Null),
    );
    write(
        &dir.path().join("x/.zattrs"),
        r#"{"_ARRAY_DIMENSIONS": ["t"], "units": "K"}"#,
    );
    write(
        &dir.path().join("d/.zarray"),
        &zarray(
            &json!({"id": "zlib", "level": 1}),
            &json!([{"id": "delta", "dtype": "<f4"}]),
        ),
    );
    let hierarchy = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    let x = array(&hierarchy, "x");
    assert!(!x.decodable);
    assert_eq!(
        (x.codecs.as_slice(), x.dimension_names.as_slice()),
        (&["mystery".to_owned()][..], &["t".to_owned()][..])
    );
    assert_eq!(x.attributes["units"], "K");
    let d = array(&hierarchy, "d");
    assert_eq!(d.codecs, ["delta", "zlib"]);
    assert!(!d.decodable);
    let warnings: Vec<_> = hierarchy
        .warnings
        .iter()
        .map(|w| (w.key.as_str(), w.code))
        .collect();
    assert_eq!(
        warnings,
        [
            ("d/.zarray", code::UNKNOWN_CODEC),
            ("x/.zarray", code::UNKNOWN_CODEC)
        ]
    );
    assert!(
        hierarchy.warnings[1].message.contains("`mystery`"),
        "{}",
        hierarchy.warnings[1]
    );
    assert!(
        hierarchy.warnings[0].message.contains("`delta`"),
        "{}",
        hierarchy.warnings[0]
    );

    // Zarr 3, inside a shard.
    let dir = temp();
    write(
        &dir.path().join("zarr.json"),
        r#"{"zarr_format": 3, "node_type": "group"}"#,
    );
    write(
        &dir.path().join("s/zarr.json"),
        &json!({"zarr_format": 3, "node_type": "array", "shape": [8], "data_type": "int16",
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [8]}},
                "chunk_key_encoding": {"name": "default"}, "fill_value": 0,
                "codecs": [{"name": "sharding_indexed", "configuration": {"chunk_shape": [4],
                    "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "mystery"}],
                    "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}]}}],
                "dimension_names": ["x"]})
        .to_string(),
    );
    let hierarchy = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    let s = array(&hierarchy, "s");
    assert_eq!(
        (s.chunks.as_slice(), s.shards.as_deref()),
        (&[4][..], Some(&[8][..]))
    );
    assert_eq!(s.codecs, ["sharding_indexed", "bytes", "mystery"]);
    assert!(!s.decodable);
    assert_eq!(
        warning_set(&hierarchy),
        BTreeSet::from([("s/zarr.json".to_owned(), code::UNKNOWN_CODEC)])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_folder_is_not_a_zarr_store() {
    let dir = temp();
    let problem = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect_err("not readable");
    assert_eq!(problem.code, code::NOT_A_ZARR_STORE);
    assert!(
        problem
            .message
            .starts_with("no .zgroup, .zarray, .zmetadata or zarr.json at the root of"),
        "{problem}"
    );
    assert!(problem.message.ends_with("(nothing is there)"), "{problem}");

    // Pointing at the folder above a store says what is there.
    write(&dir.path().join("notes.txt"), "x");
    write(
        &dir.path().join("data.zarr/.zgroup"),
        r#"{"zarr_format": 2}"#,
    );
    let problem = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect_err("not readable");
    assert!(
        problem
            .message
            .ends_with("(it holds data.zarr/, notes.txt)"),
        "{problem}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn zarr_format_4_is_unsupported_wherever_it_is() {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[(".zgroup", r#"{"zarr_format": 4}"#)], ".zgroup"),
        (
            &[("zarr.json", r#"{"zarr_format": 4, "node_type": "group"}"#)],
            "zarr.json",
        ),
        (
            &[
                (".zgroup", r#"{"zarr_format": 2}"#),
                ("a/.zarray", r#"{"zarr_format": 4}"#),
            ],
            "a/.zarray",
        ),
        (
            &[(
                ".zmetadata",
                r#"{"zarr_consolidated_format": 1, "metadata": {".zgroup": {"zarr_format": 4}}}"#,
            )],
            ".zmetadata",
        ),
    ];
    for (files, key) in cases {
        let dir = temp();
        for (name, text) in files {
            write(&dir.path().join(name), text);
        }
        let problem = read_dir(dir.path(), &ReadOptions::default())
            .await
            .expect_err("not readable");
        assert_eq!(
            (problem.key.as_str(), problem.code),
            (key, code::UNSUPPORTED_ZARR_FORMAT)
        );
        assert!(
            problem
                .message
                .ends_with("zarr_format 4 is not a Zarr version Almanac reads (2 or 3)"),
            "{problem}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_zarrita_draft_is_named_as_such() {
    let problem = read_dir(
        &PathBuf::from(ZARR).join("zarr_implementations/zarrita-v3draft.zr3"),
        &ReadOptions::default(),
    )
    .await
    .expect_err("not readable");
    assert_eq!(
        (problem.key.as_str(), problem.code),
        ("zarr.json", code::ZARRITA_V3_DRAFT)
    );
    assert!(
        problem.message.contains("zarrita v3 *draft* layout"),
        "{problem}"
    );
    assert!(problem.message.contains("not Zarr v3"), "{problem}");
    assert!(problem.message.contains("zarr-python 3"), "{problem}");
}

#[tokio::test(flavor = "multi_thread")]
async fn python_nan_in_attributes_is_read_with_a_warning() {
    // zarr-python 2 and xarray write attributes with json.dumps(allow_nan=True).
    let dir = temp();
    write(&dir.path().join(".zgroup"), r#"{"zarr_format": 2}"#);
    write(
        &dir.path().join("t/.zarray"),
        &zarray(&Value::Null, &Value::Null),
    );
    write(
        &dir.path().join("t/.zattrs"),
        r#"{"missing_value": NaN, "_ARRAY_DIMENSIONS": ["t"]}"#,
    );
    let hierarchy = read_dir(dir.path(), &ReadOptions::default())
        .await
        .expect("readable");
    assert_eq!(array(&hierarchy, "t").attributes["missing_value"], "NaN");
    assert_eq!(
        warning_set(&hierarchy),
        BTreeSet::from([("t/.zattrs".to_owned(), code::NON_STANDARD_JSON)])
    );
}

// ---------------------------------------------------------------------------------------------
// zarr-python's metadata test documents (packages/zarr-metadata/tests)

#[tokio::test(flavor = "multi_thread")]
async fn zarr_python_metadata_documents() {
    let documents = PathBuf::from(ZARR).join("zarr-python/metadata_json");
    // (file, dtype, codecs, warning code)
    #[rustfmt::skip]
    let v2: [(&str, &str, &[&str], Option<&str>); 4] = [
        ("blosc_compressor_with_filters", "float64", &["delta", "blosc/lz4"], Some(code::UNKNOWN_CODEC)),
        ("empty_filters_list", "uint8", &["gzip"], None),
        ("simple_dtype_no_compressor", "int32", &[], None),
        (
            "structured_dtype",
            r#"[["x","<f4"],["y","<f4"],["coords","<i4",[3]]]"#,
            &[],
            Some(code::UNSUPPORTED_DATA_TYPE),
        ),
    ];
    for (name, dtype, codecs, warning) in v2 {
        let dir = temp();
        write(&dir.path().join(".zgroup"), r#"{"zarr_format": 2}"#);
        let text =
            fs::read_to_string(documents.join(format!("v2/array/{name}.json"))).expect("document");
        write(&dir.path().join("a/.zarray"), &text);
        let hierarchy = read_dir(dir.path(), &ReadOptions::default())
            .await
            .expect(name);
        let a = array(&hierarchy, "a");
        assert_eq!(
            (
                a.dtype.as_str(),
                a.codecs.iter().map(String::as_str).collect::<Vec<_>>()
            ),
            (dtype, codecs.to_vec()),
            "{name}"
        );
        let codes: Vec<_> = hierarchy.warnings.iter().map(|w| w.code).collect();
        assert_eq!(
            codes,
            warning.into_iter().collect::<Vec<_>>(),
            "{name}: {:?}",
            hierarchy.warnings
        );
        assert_eq!(a.decodable, warning.is_none(), "{name}");
    }

    // (file, dtype, chunks, shards, codecs, dims, warning code)
    #[rustfmt::skip]
    type V3Case<'a> = (&'a str, &'a str, &'a [u64], Option<&'a [u64]>, &'a [&'a str], &'a [&'a str], Option<&'a str>);
    #[rustfmt::skip]
    let v3: [V3Case; 12] = [
        ("blosc_codec", "int32", &[256], None, &["bytes", "blosc"], &[], None),
        ("datatype_named_config", "datetime64[ns]", &[10], None, &["bytes"], &[], None),
        ("gzip_codec", "uint16", &[64], None, &["bytes", "gzip"], &[], None),
        ("rectilinear_grid", "float64", &[10, 50], None, &["bytes"], &[], None),
        ("rectilinear_grid_with_rle", "int16", &[10, 15], None, &["bytes"], &[], None),
        ("regular_grid_default_encoding", "int32", &[10, 10], None, &["bytes"], &[], None),
        ("regular_grid_v2_encoding", "uint8", &[25], None, &["bytes"], &[], None),
        ("sharding_indexed_codec", "uint16", &[64, 64], Some(&[256, 256]), &["sharding_indexed", "bytes", "gzip"], &[], None),
        ("transpose_and_crc32c_codecs", "float32", &[5, 10, 15], None, &["transpose", "bytes", "crc32c"], &[], None),
        ("with_extra_field", "int32", &[10], None, &["bytes"], &[], None),
        ("with_optionals", "float64", &[5, 10, 15], None, &["bytes"], &["t", "y", "x"], None),
        ("zstd_codec", "int8", &[64], None, &["bytes", "zstd"], &[], None),
    ];
    for (name, dtype, chunks, shards, codecs, dims, warning) in v3 {
        let dir = temp();
        write(
            &dir.path().join("zarr.json"),
            r#"{"zarr_format": 3, "node_type": "group"}"#,
        );
        let text =
            fs::read_to_string(documents.join(format!("v3/array/{name}.json"))).expect("document");
        write(&dir.path().join("a/zarr.json"), &text);
        let hierarchy = read_dir(dir.path(), &ReadOptions::default())
            .await
            .expect(name);
        let a = array(&hierarchy, "a");
        let got = (
            a.dtype.as_str(),
            a.chunks.as_slice(),
            a.shards.as_deref(),
            a.codecs.iter().map(String::as_str).collect::<Vec<_>>(),
            a.dimension_names
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            got,
            (dtype, chunks, shards, codecs.to_vec(), dims.to_vec()),
            "{name}"
        );
        let codes: Vec<_> = hierarchy.warnings.iter().map(|w| w.code).collect();
        assert_eq!(
            codes,
            warning.into_iter().collect::<Vec<_>>(),
            "{name}: {:?}",
            hierarchy.warnings
        );
    }

    // Consolidated documents: Zarr 2 as .zmetadata, Zarr 3 inside a root group's zarr.json.
    for (name, arrays, groups) in [("minimal", 0, 1), ("with_array_and_group", 1, 1)] {
        let dir = temp();
        let text = fs::read_to_string(documents.join(format!("v2/consolidated/{name}.json")))
            .expect("document");
        write(&dir.path().join(".zmetadata"), &text);
        let hierarchy = read_dir(dir.path(), &hint(2)).await.expect(name);
        assert_eq!(
            (
                hierarchy.requests,
                hierarchy.arrays.len(),
                hierarchy.groups.len()
            ),
            (1, arrays, groups),
            "v2 {name}"
        );
    }
    let dir = temp();
    let text = fs::read_to_string(documents.join("v2/consolidated/with_array_and_group.json"))
        .expect("document");
    write(&dir.path().join(".zmetadata"), &text);
    let hierarchy = read_dir(dir.path(), &hint(2)).await.expect("readable");
    assert_eq!(
        hierarchy.groups[0].attributes["description"],
        "root group attrs"
    );
    assert_eq!(array(&hierarchy, "data").attributes["units"], "meters");

    for (name, arrays, groups) in [("minimal", 0, 1), ("with_array_and_group", 1, 2)] {
        let dir = temp();
        let consolidated: Value = serde_json::from_slice(
            &fs::read(documents.join(format!("v3/consolidated/{name}.json"))).expect("document"),
        )
        .expect("JSON");
        let root =
            json!({"zarr_format": 3, "node_type": "group", "consolidated_metadata": consolidated});
        write(&dir.path().join("zarr.json"), &root.to_string());
        let hierarchy = read_dir(dir.path(), &ReadOptions::default())
            .await
            .expect(name);
        assert_eq!(
            (
                hierarchy.requests,
                hierarchy.arrays.len(),
                hierarchy.groups.len()
            ),
            (1, arrays, groups),
            "v3 {name}"
        );
        assert!(hierarchy.consolidated);
    }

    for name in ["minimal", "with_attributes", "with_extra_field"] {
        let dir = temp();
        let text =
            fs::read_to_string(documents.join(format!("v3/group/{name}.json"))).expect("document");
        write(&dir.path().join("zarr.json"), &text);
        let hierarchy = read_dir(dir.path(), &ReadOptions::default())
            .await
            .expect(name);
        assert_eq!(
            (hierarchy.groups.len(), hierarchy.arrays.len()),
            (1, 0),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP: no listing

/// A loopback HTTP server for `dir`: GET and HEAD (with single byte ranges), 404 for missing
/// files, 405 for anything else (a WebDAV `PROPFIND` listing included), as ordinary web servers
/// do. Stops when dropped.
struct HttpServer {
    server: Arc<tiny_http::Server>,
    thread: Option<thread::JoinHandle<()>>,
    url: String,
}

impl HttpServer {
    fn start(dir: PathBuf) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("loopback port"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let serving = Arc::clone(&server);
        let thread = thread::spawn(move || {
            for request in serving.incoming_requests() {
                let _ = respond(&dir, request);
            }
        });
        Self {
            server,
            thread: Some(thread),
            url: format!("http://127.0.0.1:{port}/"),
        }
    }

    fn store(&self) -> Arc<dyn ObjectStore> {
        let store = object_store::http::HttpBuilder::new()
            .with_url(&self.url)
            .with_client_options(ClientOptions::new().with_allow_http(true))
            .build()
            .expect("HTTP store");
        Arc::new(store)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(dir: &FsPath, request: tiny_http::Request) -> std::io::Result<()> {
    use tiny_http::{Method, Response};
    let head = *request.method() == Method::Head;
    if *request.method() != Method::Get && !head {
        return request.respond(Response::empty(405));
    }
    let relative = request
        .url()
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_start_matches('/');
    let Ok(data) = fs::read(dir.join(relative)) else {
        return request.respond(Response::empty(404));
    };
    let range = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Range"))
        .and_then(|h| h.value.as_str().strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .and_then(|(start, end)| Some((start.parse::<usize>().ok()?, end.parse::<usize>().ok()?)));
    let (status, body, content_range) = match range {
        Some((start, end)) if start < data.len() => {
            let end = end.min(data.len() - 1);
            let header = format!("bytes {start}-{end}/{}", data.len());
            (206, data[start..=end].to_vec(), Some(header))
        }
        _ => (200, data, None),
    };
    let body = if head { Vec::new() } else { body };
    let mut response = Response::from_data(body).with_status_code(status);
    if let Some(content_range) = content_range {
        let header = tiny_http::Header::from_bytes("Content-Range", content_range).expect("header");
        response = response.with_header(header);
    }
    request.respond(response)
}

#[tokio::test(flavor = "multi_thread")]
async fn http_stores_need_consolidated_metadata() {
    // Consolidated Zarr 2: one request, and chunks read over HTTP.
    let dir = temp();
    image_store(dir.path());
    consolidate_v2(dir.path());
    let server = HttpServer::start(dir.path().to_path_buf());
    let hierarchy = read_counted(server.store(), &Path::default(), &hint(2))
        .await
        .expect("readable");
    assert_eq!((hierarchy.requests, hierarchy.arrays.len()), (1, 2));
    for meta in &hierarchy.arrays {
        assert_reference_image(server.store(), &Path::default(), meta).await;
    }

    // Not consolidated: the group cannot be listed, and the error says so.
    fs::remove_file(dir.path().join(".zmetadata")).expect("delete .zmetadata");
    let problem = read_counted(server.store(), &Path::default(), &ReadOptions::default())
        .await
        .expect_err("not readable");
    assert_eq!(
        (problem.key.as_str(), problem.code),
        (".zgroup", code::CANNOT_LIST)
    );
    assert!(
        problem
            .message
            .contains("plain HTTP, which cannot be listed"),
        "{problem}"
    );
    assert!(problem.message.contains("consolidated"), "{problem}");

    // Behind a wrapper that hides the HTTP store, the empty listing is still caught: a group's
    // listing must hold the group's own document.
    let blind = Counting::blind(local(dir.path()));
    let problem = read_hierarchy(blind, &Path::default())
        .await
        .expect_err("not readable");
    assert_eq!(
        (problem.key.as_str(), problem.code),
        (".zgroup", code::CANNOT_LIST)
    );
    assert!(
        problem.message.contains("without its own .zgroup"),
        "{problem}"
    );

    let v3 = HttpServer::start(PathBuf::from(ZARR).join("zarrs_tests_data/hierarchy.zarr"));
    let problem = read_counted(v3.store(), &Path::default(), &ReadOptions::default())
        .await
        .expect_err("not readable");
    assert_eq!(
        (problem.key.as_str(), problem.code),
        ("zarr.json", code::CANNOT_LIST)
    );

    // A store that is one array needs no listing.
    let single =
        HttpServer::start(PathBuf::from(ZARR).join("zarrs_tests_data/v2/array_blosc_C.zarr"));
    let hierarchy = read_counted(single.store(), &Path::default(), &hint(2))
        .await
        .expect("readable");
    let meta = array(&hierarchy, "");
    let values = zarrs_array(single.store(), &Path::default(), meta)
        .expect("decodable")
        .async_retrieve_chunk::<Vec<f32>>(&[1, 1])
        .await
        .expect("chunk over HTTP");
    assert_eq!(values[..3], [55.0, 56.0, 57.0]);

    // A consolidated Zarr 3 store over HTTP: one request.
    let dir = temp();
    copy_dir(
        &PathBuf::from(ZARR).join("zarrs_tests_data/hierarchy.zarr"),
        dir.path(),
    );
    consolidate_v3(dir.path());
    let server = HttpServer::start(dir.path().to_path_buf());
    let hierarchy = read_counted(server.store(), &Path::default(), &ReadOptions::default())
        .await
        .expect("readable");
    assert_eq!((hierarchy.requests, hierarchy.arrays.len()), (1, 2));
}
