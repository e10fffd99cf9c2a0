//! Zarr hierarchy metadata for the crawl stage: finds every group and array of a store (Zarr 2 or
//! Zarr 3, consolidated or not) through `object_store` with as few requests as it can, reports
//! what each array is (shape, chunks, data type, codecs, dimension names, attributes), and builds
//! `zarrs` arrays from that metadata so a later step can read coordinate chunks.
//!
//! How a store is read:
//!
//! - The root is probed with GETs, first hit wins: `zarr.json`, `.zmetadata`, `.zgroup`,
//!   `.zarray` (with [`ReadOptions::zarr_format`] `Some(2)`: the Zarr 2 documents first). A store
//!   with consolidated metadata therefore costs one request when its format is probed first (two
//!   otherwise: a missed probe is a request too). Like zarr-python, a node with both `zarr.json`
//!   and `.zarray` is read as Zarr 3 (unless hinted otherwise), without a warning: noticing the
//!   other document would cost a request per node.
//! - Consolidated metadata (`.zmetadata`, or `consolidated_metadata` in the root `zarr.json`) is
//!   trusted as it is: nothing else is read, so an entry whose own document was deleted since is
//!   still reported, as xarray and zarr-python do.
//! - Otherwise each group is listed one level deep (`list_with_delimiter`) and each sub-folder is
//!   read as a node: `.zarray` + `.zattrs`, else `.zgroup` (Zarr 2), or `zarr.json` (Zarr 3).
//!   Folders without node metadata are skipped. Array folders are never listed (they hold the
//!   chunks). Plain HTTP servers cannot be listed: there only consolidated metadata (or a store
//!   that is a single array) works, and the error says so.
//!
//! Fatal problems are an `Err(MetadataProblem)` with a stable [`code`]; problems that leave the
//! metadata readable (an array zarrs cannot decode, malformed dimension names) are warnings in
//! [`Hierarchy::warnings`].

pub mod bounded;
mod budgeted;
mod decode;
mod json;
mod reader;
mod storage;
mod v2;
mod v3;

use std::fmt;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::path::Path;
use serde::Serialize;
use serde_json::{Map, Value};

pub use self::decode::{zarrs_array, zarrs_array_guarded};
use self::reader::Reader;
use crate::crawl::limits::CrawlLimits;

/// The stable codes of [`MetadataProblem`]s.
pub mod code {
    /// Nothing Zarr at the prefix (fatal).
    pub const NOT_A_ZARR_STORE: &str = "not-a-zarr-store";
    /// A metadata document is not JSON, or a field has the wrong type (fatal).
    pub const CORRUPT_METADATA: &str = "corrupt-metadata";
    /// `zarr_format` (or `zarr_consolidated_format`) is a version Almanac does not read (fatal).
    pub const UNSUPPORTED_ZARR_FORMAT: &str = "unsupported-zarr-format";
    /// The pre-release zarrita v3 draft layout, not Zarr 3 (fatal).
    pub const ZARRITA_V3_DRAFT: &str = "zarrita-v3-draft";
    /// A group has to be listed and the store cannot list (plain HTTP) or the listing failed
    /// (fatal).
    pub const CANNOT_LIST: &str = "cannot-list";
    /// The object store failed (network, permissions; fatal). The message holds the store's
    /// error text.
    pub const STORE_ERROR: &str = "store-error";
    /// The store's host could not be reached at all (no network, DNS failure, connection
    /// refused or timed out, after the retries): a warning, not a content error — the same
    /// content builds where there is a network. The store is not described in this build.
    pub const HOST_UNREACHABLE: &str = "host-unreachable";
    /// An array uses a codec zarrs cannot decode: its metadata is kept, its values cannot be read.
    pub const UNKNOWN_CODEC: &str = "unknown-codec";
    /// An array's data type is one zarrs cannot decode: metadata kept, values unreadable.
    pub const UNSUPPORTED_DATA_TYPE: &str = "unsupported-data-type";
    /// zarrs cannot build the array for another reason (its message says which): metadata kept,
    /// values unreadable.
    pub const UNSUPPORTED_ARRAY: &str = "unsupported-array";
    /// `_ARRAY_DIMENSIONS` or `dimension_names` is not one name per dimension: ignored.
    pub const INVALID_DIMENSION_NAMES: &str = "invalid-dimension-names";
    /// A document holds bare `NaN` / `Infinity` (Python's `json` writes them; JSON has no such
    /// tokens): read as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    pub const NON_STANDARD_JSON: &str = "non-standard-json";
    /// A coordinate's values cannot be read (missing or corrupt chunk): no extent from it.
    pub const COORDINATE_UNREADABLE: &str = "coordinate-unreadable";
    /// A time coordinate's units or calendar cannot be decoded: no temporal extent.
    pub const TIME_UNDECODABLE: &str = "time-undecodable";

    /// Consolidated metadata that disagrees with the store's root listing: an array or group
    /// it names is missing, or one in the store is not in it.
    pub const STALE_CONSOLIDATED: &str = "stale-consolidated-metadata";

    /// A `[crawl.limits]` limit was hit: a document, chunk or read too big, too many arrays.
    /// Fatal for a metadata document too big to read; otherwise a warning and the rest of the
    /// store is described.
    pub const STORE_LIMIT: &str = "store-limit";

    /// The codes that are warnings (the crawl goes on), for replaying cached crawls.
    pub const WARNINGS: &[&str] = &[
        STALE_CONSOLIDATED,
        UNKNOWN_CODEC,
        UNSUPPORTED_DATA_TYPE,
        UNSUPPORTED_ARRAY,
        INVALID_DIMENSION_NAMES,
        NON_STANDARD_JSON,
        COORDINATE_UNREADABLE,
        TIME_UNDECODABLE,
        STORE_LIMIT,
    ];
}

/// Every group and array of one Zarr store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hierarchy {
    /// 2 or 3.
    pub zarr_format: u8,
    /// The metadata came from `.zmetadata` (Zarr 2) or `consolidated_metadata` in the root
    /// `zarr.json` (Zarr 3).
    pub consolidated: bool,
    /// Groups sorted by path; the root group is `""`. Empty when the store is a single array.
    pub groups: Vec<GroupMeta>,
    /// Arrays sorted by path (`""` when the store is a single array).
    pub arrays: Vec<ArrayMeta>,
    /// Problems that did not stop the read, sorted by key.
    pub warnings: Vec<MetadataProblem>,
    /// Requests made to the object store: GETs (hits and misses) and listings. A listing the
    /// store pages through counts once.
    pub requests: u64,
}

/// A group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMeta {
    /// Path from the store root, `/`-separated, without leading `/` (root: `""`).
    pub path: String,
    /// User attributes (`.zattrs` or `attributes` in `zarr.json`).
    pub attributes: Map<String, Value>,
}

/// An array, as its metadata describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrayMeta {
    /// Path from the store root, `/`-separated, without leading `/`.
    pub path: String,
    /// Length of each dimension.
    pub shape: Vec<u64>,
    /// Chunk shape: the inner chunks of a sharded array, the first chunk of a rectilinear grid.
    pub chunks: Vec<u64>,
    /// Shard shape of a Zarr 3 `sharding_indexed` array.
    pub shards: Option<Vec<u64>>,
    /// numpy-style data type: `float32`, `int16`, `uint8`, `bool`, `complex64`,
    /// `datetime64[ns]`, `timedelta64[10ms]`, `<U8` (fixed-length UTF-32), `|S4` (fixed-length
    /// bytes), `|V2` (raw bytes), `string` and `bytes` (variable length; Zarr 2 `|O` with a
    /// `vlen-utf8` / `vlen-bytes` filter), `object` (other Zarr 2 `|O`). Byte order is left out of
    /// numbers (`>f4` is `float32`) as numpy's `dtype.name` does. Other Zarr 3 data types keep
    /// their name (`optional`, `struct`); Zarr 2 structured types are their JSON.
    pub dtype: String,
    /// The fill value as the metadata writes it (`"NaN"`, `0`, `null`, …).
    pub fill_value: Value,
    /// Codec names in order. Zarr 2: filter ids, then the compressor id, Blosc with its inner
    /// compressor (`["delta", "blosc/lz4"]`). Zarr 3: names as written, a `sharding_indexed`
    /// codec followed by its inner codecs (`["sharding_indexed", "bytes", "gzip"]`).
    pub codecs: Vec<String>,
    /// `_ARRAY_DIMENSIONS` (Zarr 2 attributes) or `dimension_names` (Zarr 3; a Zarr 3 array
    /// without them falls back to `_ARRAY_DIMENSIONS`); unnamed Zarr 3 dimensions are `""`.
    /// Empty when absent or invalid (then with an `invalid-dimension-names` warning).
    pub dimension_names: Vec<String>,
    /// User attributes without `_ARRAY_DIMENSIONS`.
    pub attributes: Map<String, Value>,
    /// The array's own metadata document: `.zarray` (Zarr 2) or `zarr.json` (Zarr 3, its
    /// consolidated entry completed with `zarr_format` and `node_type` when they were left out).
    /// [`zarrs_array`] builds from it.
    pub metadata: Value,
    /// zarrs can decode the array's chunks ([`zarrs_array`] succeeds). When false, a warning
    /// (`unknown-codec`, `unsupported-data-type` or `unsupported-array`) says why.
    pub decodable: bool,
}

impl ArrayMeta {
    /// 2 or 3: the format of [`Self::metadata`].
    #[must_use]
    pub fn zarr_format(&self) -> u8 {
        if self.metadata.get("zarr_format").and_then(Value::as_u64) == Some(2) {
            2
        } else {
            3
        }
    }

    /// The name of the array's metadata document: `.zarray` or `zarr.json`.
    #[must_use]
    pub fn metadata_file(&self) -> &'static str {
        if self.zarr_format() == 2 {
            v2::ZARRAY
        } else {
            v3::ZARR_JSON
        }
    }
}

/// A problem with a store's metadata: fatal as the `Err` of [`read_hierarchy`], otherwise one of
/// [`Hierarchy::warnings`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct MetadataProblem {
    /// The object involved, relative to the store (prefix included), e.g. `air/.zarray`; for a
    /// problem with the whole store, the prefix (`""` at the root).
    pub key: String,
    /// One of [`code`].
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl MetadataProblem {
    pub(crate) fn new(
        key: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            key: key.into(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for MetadataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.code, self.message)
        } else {
            write!(f, "{}: {}: {}", self.key, self.code, self.message)
        }
    }
}

impl std::error::Error for MetadataProblem {}

/// How to read a hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The format to read first, as zarr-python's `zarr_format=`, when known (from
    /// configuration or an earlier crawl): its documents are probed first, which saves a request
    /// on consolidated Zarr 2 stores. A wrong guess costs requests, never a different result —
    /// except in a store holding both formats' metadata side by side, which is read in the
    /// hinted format (without a hint Zarr 3 wins, as in zarr-python).
    pub zarr_format: Option<u8>,
    /// How many requests may be in flight at once while walking an unconsolidated hierarchy.
    pub concurrency: usize,
    /// `[crawl.limits]`: the largest metadata document read, the most arrays described.
    pub limits: CrawlLimits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            zarr_format: None,
            concurrency: 16,
            limits: CrawlLimits::default(),
        }
    }
}

/// Reads the hierarchy at `prefix` of `store` with the default [`ReadOptions`]. `prefix` names
/// objects as they are (`Path::parse`, not `Path::from`, which percent-encodes `[`, `~`, …).
/// One GET of
/// the root `zarr.json` when it holds consolidated metadata, two (a missed `zarr.json`, then
/// `.zmetadata`) for consolidated Zarr 2; otherwise `.zgroup` / `.zattrs` / `.zarray` or
/// `zarr.json` per node, discovering nodes by listing (`list_with_delimiter`).
///
/// # Errors
///
/// A [`MetadataProblem`] when the hierarchy cannot be read: `not-a-zarr-store`,
/// `corrupt-metadata`, `unsupported-zarr-format`, `zarrita-v3-draft`, `cannot-list` (plain HTTP
/// stores cannot be listed: they need consolidated metadata) or `store-error`.
pub async fn read_hierarchy(
    store: Arc<dyn ObjectStore>,
    prefix: &Path,
) -> Result<Hierarchy, MetadataProblem> {
    read_hierarchy_with(store, prefix, &ReadOptions::default()).await
}

/// [`read_hierarchy`] with options.
///
/// # Errors
///
/// As [`read_hierarchy`].
pub async fn read_hierarchy_with(
    store: Arc<dyn ObjectStore>,
    prefix: &Path,
    options: &ReadOptions,
) -> Result<Hierarchy, MetadataProblem> {
    let reader = Reader::new(Arc::clone(&store), prefix.clone(), options.concurrency)
        .with_limits(options.limits);
    let nodes = read_nodes(&reader, options.zarr_format).await?;
    Ok(finish(&store, prefix, nodes, reader.requests()))
}

/// Compares a consolidated hierarchy with one listing of the store's root, at the cost of that
/// one request: the children of the root named in the consolidated metadata must be there, and
/// the folders there must be named in it. Finds consolidated metadata written before arrays or
/// groups were added to or removed from the root; an array folder that lost only its `.zarray`
/// is not found (that would take a request per array). Nothing for unconsolidated hierarchies,
/// arrays at the root, stores that cannot list (plain HTTP) and failed listings.
pub async fn stale_consolidated(
    store: &Arc<dyn ObjectStore>,
    prefix: &Path,
    hierarchy: &Hierarchy,
) -> Vec<MetadataProblem> {
    let root_is_array = hierarchy.arrays.iter().any(|a| a.path.is_empty());
    // Past `max_arrays` the hierarchy is cut short on purpose: the store would look stale.
    let cut = hierarchy
        .warnings
        .iter()
        .any(|w| w.code == code::STORE_LIMIT);
    if !hierarchy.consolidated || root_is_array || cut || store.to_string().contains("HttpStore") {
        return Vec::new();
    }
    let listed = (!prefix.as_ref().is_empty()).then_some(prefix);
    let Ok(listing) = store.list_with_delimiter(listed).await else {
        return Vec::new();
    };
    let present: std::collections::BTreeSet<String> = listing
        .common_prefixes
        .iter()
        .filter_map(|path| path.filename().map(str::to_owned))
        .filter(|name| !name.starts_with('.'))
        .collect();
    let named: std::collections::BTreeSet<String> = hierarchy
        .arrays
        .iter()
        .map(|a| a.path.as_str())
        .chain(hierarchy.groups.iter().map(|g| g.path.as_str()))
        .filter_map(|path| path.split('/').next().filter(|first| !first.is_empty()))
        .map(str::to_owned)
        .collect();
    let document = if hierarchy.zarr_format == 2 {
        v2::ZMETADATA
    } else {
        v3::ZARR_JSON
    };
    let key = join(prefix.as_ref(), document);
    let mut problems = Vec::new();
    for name in named.difference(&present) {
        problems.push(MetadataProblem::new(
            &key,
            code::STALE_CONSOLIDATED,
            format!(
                "the consolidated metadata names `{name}`, but the store has no `{name}/`: it is \
                 older than the store; consolidate again (zarr.consolidate_metadata)"
            ),
        ));
    }
    for name in present.difference(&named) {
        problems.push(MetadataProblem::new(
            &key,
            code::STALE_CONSOLIDATED,
            format!(
                "the store holds `{name}/`, which the consolidated metadata does not name: it is \
                 older than the store, so `{name}` is left out; consolidate again \
                 (zarr.consolidate_metadata)"
            ),
        ));
    }
    problems
}

/// Probes the root documents in order (see the module documentation); the first found decides
/// how the store is read.
async fn read_nodes(reader: &Reader, hint: Option<u8>) -> Result<Nodes, MetadataProblem> {
    use self::v2::{ZARRAY, ZGROUP, ZMETADATA};
    use self::v3::ZARR_JSON;
    let order = if hint == Some(2) {
        [ZMETADATA, ZGROUP, ZARRAY, ZARR_JSON]
    } else {
        [ZARR_JSON, ZMETADATA, ZGROUP, ZARRAY]
    };
    for file in order {
        let mut warnings = Vec::new();
        let Some(document) = reader.document("", file, &mut warnings).await? else {
            continue;
        };
        let mut nodes = match file {
            ZARR_JSON => v3::read(reader, document).await?,
            ZMETADATA => v2::consolidated(reader, &document)?,
            ZGROUP => v2::walk(reader, &document).await?,
            _ => v2::root_array(reader, &document).await?,
        };
        nodes.warnings.extend(warnings);
        let (arrays, groups) = reader.skipped();
        nodes.skipped_arrays += arrays;
        nodes.skipped_groups += groups;
        if let Some(problem) = nodes.over_budget(&reader.key("", file)) {
            nodes.warnings.push(problem);
        }
        return Ok(nodes);
    }
    Err(not_a_store(reader).await)
}

async fn not_a_store(reader: &Reader) -> MetadataProblem {
    let location = reader.describe_location();
    let mut message = format!("no .zgroup, .zarray, .zmetadata or zarr.json {location}");
    // One more request, only on this path, to say what is there instead.
    match reader.entries("").await.as_deref() {
        None => {}
        Some([]) => message.push_str(" (nothing is there)"),
        Some(entries) => {
            const SHOWN: usize = 8;
            let mut shown = entries[..entries.len().min(SHOWN)].join(", ");
            if entries.len() > SHOWN {
                shown.push_str(&format!(", … ({} entries)", entries.len()));
            }
            message.push_str(&format!(" (it holds {shown})"));
        }
    }
    MetadataProblem::new(reader.key("", ""), code::NOT_A_ZARR_STORE, message)
}

/// A node of a hierarchy, as a format reader reads it.
enum Node {
    Array(Box<ArrayMeta>),
    Group(GroupMeta),
}

/// Walks an unconsolidated hierarchy breadth-first from the root: lists every group of a level
/// (its own document is `metadata_file`; `cannot-list` where listing fails), reads each
/// sub-folder with `read` (`None`: not a node), and goes on with the groups found. Listings
/// and reads run `reader.concurrency()` at a time; results keep the listing order.
async fn walk_groups<F, Fut>(
    reader: &Reader,
    nodes: &mut Nodes,
    metadata_file: &str,
    read: F,
) -> Result<(), MetadataProblem>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<(Option<Node>, Vec<MetadataProblem>), MetadataProblem>>,
{
    use futures::{StreamExt, TryStreamExt, stream};
    let mut frontier = vec![String::new()];
    while !frontier.is_empty() {
        let children = stream::iter(&frontier)
            .map(|group| async move {
                let names = reader.sub_folders(group, metadata_file).await?;
                Ok::<_, MetadataProblem>(
                    names
                        .iter()
                        .map(|name| join(group, name))
                        .collect::<Vec<_>>(),
                )
            })
            .buffered(reader.concurrency())
            .try_collect::<Vec<_>>()
            .await?;
        let mut children: Vec<String> = children.into_iter().flatten().collect();
        // Each folder costs a request: read no more of them than the budget can take.
        let room = nodes
            .budget
            .saturating_mul(2)
            .saturating_sub(nodes.arrays.len() + nodes.groups.len());
        if children.len() > room {
            nodes.unread = nodes.unread.saturating_add((children.len() - room) as u64);
            children.truncate(room);
        }
        let read = stream::iter(children)
            .map(&read)
            .buffered(reader.concurrency())
            .try_collect::<Vec<_>>()
            .await?;
        frontier.clear();
        for (node, warnings) in read {
            nodes.warnings.extend(warnings);
            match node {
                Some(Node::Array(array)) if nodes.admit(true) => nodes.arrays.push(*array),
                Some(Node::Group(group)) if nodes.admit(false) => {
                    frontier.push(group.path.clone());
                    nodes.groups.push(group);
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// What a format reader found, before the arrays are checked against zarrs.
#[derive(Debug)]
struct Nodes {
    zarr_format: u8,
    consolidated: bool,
    groups: Vec<GroupMeta>,
    arrays: Vec<ArrayMeta>,
    warnings: Vec<MetadataProblem>,
    /// Most arrays (and, apart, most groups) kept: `[crawl.limits] max_arrays`.
    budget: usize,
    /// Arrays and groups found past the budget.
    skipped_arrays: u64,
    skipped_groups: u64,
    /// Folders of an unconsolidated store not read at all, past the budget.
    unread: u64,
}

impl Nodes {
    fn new(zarr_format: u8, consolidated: bool, budget: usize) -> Self {
        Self {
            zarr_format,
            consolidated,
            groups: Vec::new(),
            arrays: Vec::new(),
            warnings: Vec::new(),
            budget,
            skipped_arrays: 0,
            skipped_groups: 0,
            unread: 0,
        }
    }

    /// Whether one more array (or group) fits the budget; the ones that do not are counted.
    /// The root group always fits.
    fn admit(&mut self, array: bool) -> bool {
        if array && self.arrays.len() < self.budget {
            return true;
        }
        if !array && (self.groups.len() < self.budget || self.groups.is_empty()) {
            return true;
        }
        if array {
            self.skipped_arrays += 1;
        } else {
            self.skipped_groups += 1;
        }
        false
    }

    /// One `store-limit` warning at `key` when anything was left out.
    fn over_budget(&self, key: &str) -> Option<MetadataProblem> {
        if self.skipped_arrays + self.skipped_groups + self.unread == 0 {
            return None;
        }
        let mut left = Vec::new();
        for (count, one, many) in [
            (self.skipped_arrays, "array", "arrays"),
            (self.skipped_groups, "group", "groups"),
            (self.unread, "folder not read", "folders not read"),
        ] {
            match count {
                0 => {}
                1 => left.push(format!("1 {one}")),
                _ => left.push(format!("{count} {many}")),
            }
        }
        Some(MetadataProblem::new(
            key,
            code::STORE_LIMIT,
            format!(
                "the store holds more than {} arrays or groups, the `[crawl.limits] max_arrays` \
                 limit: the first {} of each are described, and left out: {}",
                self.budget,
                self.budget,
                left.join(", ")
            ),
        ))
    }
}

fn finish(store: &Arc<dyn ObjectStore>, prefix: &Path, nodes: Nodes, requests: u64) -> Hierarchy {
    let Nodes {
        zarr_format,
        consolidated,
        mut groups,
        mut arrays,
        mut warnings,
        ..
    } = nodes;
    for array in &mut arrays {
        match zarrs_array(Arc::clone(store), prefix, array) {
            Ok(_) => array.decodable = true,
            Err(problem) => {
                array.decodable = false;
                warnings.push(problem);
            }
        }
    }
    groups.sort_by(|a, b| a.path.cmp(&b.path));
    arrays.sort_by(|a, b| a.path.cmp(&b.path));
    warnings.sort();
    warnings.dedup();
    Hierarchy {
        zarr_format,
        consolidated,
        groups,
        arrays,
        warnings,
        requests,
    }
}

/// The object at store key `key`, named as it is (see `reader.rs`), for reads outside zarrs.
#[must_use]
pub fn object_path(key: &str) -> Path {
    reader::location(key)
}

/// Joins a node path and a child name (`""` is the root).
fn join(parent: &str, name: &str) -> String {
    match (parent.is_empty(), name.is_empty()) {
        (true, _) => name.to_owned(),
        (_, true) => parent.to_owned(),
        _ => format!("{parent}/{name}"),
    }
}

/// Takes `_ARRAY_DIMENSIONS` out of `attributes`.
fn take_array_dimensions(attributes: &mut Map<String, Value>) -> Option<Value> {
    attributes.remove("_ARRAY_DIMENSIONS")
}

/// Dimension names from `_ARRAY_DIMENSIONS` or `dimension_names`: one string (or, in Zarr 3,
/// `null`) per dimension; otherwise none, with a warning at `key`.
fn dimension_names(
    value: Option<&Value>,
    field: &str,
    ndim: usize,
    key: &str,
    warnings: &mut Vec<MetadataProblem>,
) -> Vec<String> {
    let Some(value) = value else {
        return Vec::new();
    };
    if value.is_null() && field == "dimension_names" {
        return Vec::new();
    }
    let names = value.as_array().and_then(|items| {
        items
            .iter()
            .map(|item| match item {
                Value::String(name) => Some(name.clone()),
                Value::Null if field == "dimension_names" => Some(String::new()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
    });
    match names {
        Some(names) if names.len() == ndim => names,
        Some(names) => {
            warnings.push(MetadataProblem::new(
                key,
                code::INVALID_DIMENSION_NAMES,
                format!(
                    "`{field}` names {} dimensions but the array has {ndim}; ignored",
                    names.len()
                ),
            ));
            Vec::new()
        }
        None => {
            warnings.push(MetadataProblem::new(
                key,
                code::INVALID_DIMENSION_NAMES,
                format!(
                    "`{field}` must be a list of names, found {}; ignored",
                    json::describe(value)
                ),
            ));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_node_paths() {
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("a", "b"), "a/b");
        assert_eq!(join("a", ""), "a");
        assert_eq!(join("", ""), "");
    }

    #[test]
    fn dimension_names_must_name_each_dimension() {
        let mut warnings = Vec::new();
        let names = serde_json::json!(["time", "lat"]);
        assert_eq!(
            dimension_names(Some(&names), "_ARRAY_DIMENSIONS", 2, "k", &mut warnings),
            ["time", "lat"]
        );
        assert!(
            dimension_names(Some(&names), "_ARRAY_DIMENSIONS", 3, "k", &mut warnings).is_empty()
        );
        let unnamed = serde_json::json!(["x", null]);
        assert_eq!(
            dimension_names(Some(&unnamed), "dimension_names", 2, "k", &mut warnings),
            ["x", ""]
        );
        assert!(
            dimension_names(Some(&unnamed), "_ARRAY_DIMENSIONS", 2, "k", &mut warnings).is_empty()
        );
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings
                .iter()
                .all(|w| w.code == code::INVALID_DIMENSION_NAMES)
        );
    }

    #[test]
    fn problems_display_with_their_key() {
        let problem = MetadataProblem::new("air/.zarray", code::CORRUPT_METADATA, "bad");
        assert_eq!(problem.to_string(), "air/.zarray: corrupt-metadata: bad");
        let root = MetadataProblem::new("", code::NOT_A_ZARR_STORE, "nothing");
        assert_eq!(root.to_string(), "not-a-zarr-store: nothing");
    }

    async fn memory(files: &[(&str, String)]) -> Arc<dyn ObjectStore> {
        use object_store::{ObjectStoreExt, PutPayload};
        let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
        for (key, text) in files {
            store
                .put(
                    &Path::from(*key),
                    PutPayload::from(text.clone().into_bytes()),
                )
                .await
                .expect("in-memory put");
        }
        store
    }

    fn limited(max_arrays: usize, max_metadata_bytes: u64) -> ReadOptions {
        ReadOptions {
            limits: CrawlLimits {
                max_arrays,
                max_metadata_bytes,
                ..CrawlLimits::default()
            },
            ..ReadOptions::default()
        }
    }

    fn v3_entry(name: &str) -> String {
        format!(
            r#""{name}":{{"zarr_format":3,"node_type":"array","shape":[4],"data_type":"float32","chunk_grid":{{"name":"regular","configuration":{{"chunk_shape":[4]}}}},"chunk_key_encoding":{{"name":"default"}},"fill_value":0,"codecs":[{{"name":"bytes"}}]}}"#
        )
    }

    #[tokio::test]
    async fn consolidated_hierarchies_are_described_within_the_array_budget() {
        let entries: Vec<String> = (0..10).map(|i| v3_entry(&format!("v{i}"))).collect();
        let root = format!(
            r#"{{"zarr_format":3,"node_type":"group","consolidated_metadata":{{"kind":"inline","metadata":{{{}}}}}}}"#,
            entries.join(",")
        );
        let store = memory(&[("zarr.json", root)]).await;
        let hierarchy =
            read_hierarchy_with(Arc::clone(&store), &Path::default(), &limited(3, 1 << 20))
                .await
                .expect("readable");
        let paths: Vec<&str> = hierarchy.arrays.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["v0", "v1", "v2"]);
        let limits: Vec<_> = hierarchy
            .warnings
            .iter()
            .filter(|w| w.code == code::STORE_LIMIT)
            .collect();
        assert_eq!(limits.len(), 1, "{:?}", hierarchy.warnings);
        assert_eq!(limits[0].key, "zarr.json");
        assert!(
            limits[0].message.contains("7 arrays"),
            "{}",
            limits[0].message
        );
        assert!(
            stale_consolidated(&store, &Path::default(), &hierarchy)
                .await
                .is_empty()
        );
    }

    #[tokio::test]
    async fn listed_hierarchies_stop_reading_folders_past_the_budget() {
        let mut files = vec![(".zgroup", r#"{"zarr_format":2}"#.to_owned())];
        let zarray = r#"{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":"<f4","compressor":null,"fill_value":0,"filters":null,"order":"C"}"#;
        let keys: Vec<String> = (0..12).map(|i| format!("a{i:02}/.zarray")).collect();
        for key in &keys {
            files.push((key.as_str(), zarray.to_owned()));
        }
        let store = memory(&files).await;
        let hierarchy = read_hierarchy_with(store, &Path::default(), &limited(2, 1 << 20))
            .await
            .expect("readable");
        assert_eq!(hierarchy.arrays.len(), 2);
        let warning = hierarchy
            .warnings
            .iter()
            .find(|w| w.code == code::STORE_LIMIT)
            .expect("one store-limit warning");
        assert!(
            warning.message.contains("folders not read"),
            "{}",
            warning.message
        );
        // The root's probes, attributes and listing (5), then 3 folders of 2 documents each
        // (the budget is 2 arrays and 2 groups, the root one of them): not 12 folders.
        assert_eq!(hierarchy.requests, 11);
    }

    #[tokio::test]
    async fn a_metadata_document_over_the_limit_is_not_read() {
        let big = format!(r#"{{"zarr_format":2,"padding":"{}"}}"#, "x".repeat(4096));
        let store = memory(&[(".zgroup", big)]).await;
        let problem = read_hierarchy_with(store, &Path::default(), &limited(10, 1024))
            .await
            .expect_err("refused");
        assert_eq!(problem.code, code::STORE_LIMIT);
        assert_eq!(problem.key, ".zgroup");
        assert!(
            problem.message.contains("4.0 KiB, more than the 1.0 KiB"),
            "{}",
            problem.message
        );
    }
}
