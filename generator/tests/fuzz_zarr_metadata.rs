//! Property test of the Zarr metadata reader (issue 12: hostile stores): arbitrary
//! `.zarray` / `.zattrs` / `.zgroup` / `.zmetadata` / `zarr.json` documents — JSON-ish text,
//! and well-formed skeletons with hostile shapes, chunks, data types, codecs and fill values —
//! and a small chunk, read by `inspect_store_with` (hierarchy, facts, coordinate values) never
//! panic, and never allocate from a declared size: the run happens in a child process under an
//! address-space limit, with its peak memory checked.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use almanac::crawl::inspect_store_with;
use almanac::crawl::limits::CrawlLimits;
use object_store::memory::InMemory;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Lengths a hostile document declares: mostly valid, some enormous.
fn length() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0u64..6,
        1 => Just(1u64 << 32),
        1 => Just(1_000_000_000_000_000u64),
        1 => Just(u64::MAX),
        1 => Just(1u64 << 24),
    ]
}

/// A shape or chunk shape: mostly a list of lengths, sometimes not a shape at all.
fn shape() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => prop::collection::vec(length(), 1..3).prop_map(Value::from),
        1 => prop::sample::select(vec![json!([]), json!(-1), json!([1.5]), json!(["7"]), json!(null)]),
    ]
}

fn dtype() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("<f8"),
        json!("<f8"),
        json!("|u1"),
        json!("<f8"),
        json!("<f4"),
        json!("|u1"),
        json!("<i8"),
        json!("<U99999999999"),
        json!("|S0"),
        json!("|O"),
        json!("float64"),
        json!("uint8"),
        json!({"name": "float32"}),
        json!(["a", "b"]),
        json!(null),
    ])
}

fn compressor() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        Value::Null,
        json!({"id": "zlib", "level": 1}),
        json!({"id": "gzip", "level": 1}),
        json!({"id": "zstd", "level": 1}),
        json!({"id": "bz2", "level": 1}),
        json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1}),
        json!({"id": "nope"}),
        json!("zlib"),
    ])
}

fn codecs() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!([{"name": "bytes", "configuration": {"endian": "little"}}]),
        json!([{"name": "bytes", "configuration": {"endian": "little"}}]),
        json!([{"name": "bytes"}, {"name": "zstd", "configuration": {"level": 1}}]),
        json!([{"name": "bytes"}, {"name": "gzip", "configuration": {"level": 1}}, {"name": "crc32c"}]),
        json!([{"name": "sharding_indexed", "configuration": {
            "chunk_shape": [1], "codecs": [{"name": "bytes"}],
            "index_codecs": [{"name": "bytes"}], "index_location": "end"}}]),
        json!([{"name": "sharding_indexed", "configuration": {"chunk_shape": [0]}}]),
        json!([]),
        json!("bytes"),
    ])
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-zA-Z0-9_ /.:-]{0,12}".prop_map(Value::from),
        Just(json!("NaN")),
    ]
}

fn attributes() -> impl Strategy<Value = Value> {
    let value = scalar().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map(
        prop::sample::select(vec![
            "_ARRAY_DIMENSIONS".to_owned(),
            "standard_name".to_owned(),
            "units".to_owned(),
            "calendar".to_owned(),
            "scale_factor".to_owned(),
            "_FillValue".to_owned(),
            "coordinates".to_owned(),
            "axis".to_owned(),
        ]),
        value,
        0..5,
    )
    .prop_map(|m| Value::Object(m.into_iter().collect()))
}

fn zarray() -> impl Strategy<Value = Value> {
    (shape(), shape(), dtype(), compressor(), scalar()).prop_map(
        |(shape, chunks, dtype, compressor, fill_value)| {
            json!({
                "zarr_format": 2, "shape": shape, "chunks": chunks, "dtype": dtype,
                "compressor": compressor, "fill_value": fill_value, "filters": null,
                "order": "C"
            })
        },
    )
}

fn v3_array() -> impl Strategy<Value = Value> {
    (shape(), shape(), dtype(), codecs(), scalar(), attributes()).prop_map(
        |(shape, chunks, dtype, codecs, fill_value, attributes)| {
            json!({
                "zarr_format": 3, "node_type": "array", "shape": shape, "data_type": dtype,
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunks}},
                "chunk_key_encoding": {"name": "default"},
                "fill_value": fill_value, "codecs": codecs, "attributes": attributes,
                "dimension_names": ["lat"]
            })
        },
    )
}

/// Text that is nearly JSON.
fn json_ish() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[\\[\\]{}\",:0-9a-z_. eE+-]{0,120}".prop_map(String::into_bytes),
        Just(b"{\"zarr_format\": 2, \"shape\": [NaN]}".to_vec()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

/// One store: which documents it holds.
#[derive(Debug, Clone)]
struct Store {
    files: Vec<(String, Vec<u8>)>,
}

fn store() -> impl Strategy<Value = Store> {
    let chunk = prop::collection::vec(any::<u8>(), 0..64);
    prop_oneof![
        // Zarr 2, one array under a group, consolidated or not.
        (zarray(), attributes(), chunk.clone(), any::<bool>()).prop_map(
            |(zarray, mut attrs, chunk, consolidated)| {
                if let Value::Object(map) = &mut attrs {
                    map.insert("_ARRAY_DIMENSIONS".into(), json!(["lat"]));
                }
                let mut files = vec![
                    (".zgroup".to_owned(), br#"{"zarr_format": 2}"#.to_vec()),
                    ("lat/.zarray".to_owned(), zarray.to_string().into_bytes()),
                    ("lat/.zattrs".to_owned(), attrs.to_string().into_bytes()),
                    ("lat/0".to_owned(), chunk),
                ];
                if consolidated {
                    let metadata = json!({
                        "zarr_consolidated_format": 1,
                        "metadata": {".zgroup": {"zarr_format": 2}, "lat/.zarray": zarray,
                                     "lat/.zattrs": attrs}
                    });
                    files.push((".zmetadata".to_owned(), metadata.to_string().into_bytes()));
                }
                Store { files }
            }
        ),
        // Zarr 3 with consolidated metadata.
        (v3_array(), chunk).prop_map(|(array, chunk)| {
            let root = json!({
                "zarr_format": 3, "node_type": "group", "attributes": {},
                "consolidated_metadata": {"kind": "inline", "must_understand": false,
                                          "metadata": {"lat": array}}
            });
            Store {
                files: vec![
                    ("zarr.json".to_owned(), root.to_string().into_bytes()),
                    ("lat/zarr.json".to_owned(), array.to_string().into_bytes()),
                    ("lat/c/0".to_owned(), chunk),
                ],
            }
        }),
        // Nearly-JSON documents anywhere.
        (
            prop::sample::select(vec![".zmetadata", "zarr.json", ".zgroup", ".zarray"]),
            json_ish(),
            json_ish()
        )
            .prop_map(|(root, text, inner)| Store {
                files: vec![
                    (root.to_owned(), text),
                    ("lat/.zarray".to_owned(), inner.clone()),
                    ("lat/zarr.json".to_owned(), inner),
                    (".zgroup".to_owned(), br#"{"zarr_format": 2}"#.to_vec()),
                ],
            }),
    ]
}

fn small_limits() -> CrawlLimits {
    CrawlLimits {
        max_arrays: 4,
        max_metadata_bytes: 64 * 1024,
        max_metadata_values: 10_000,
        max_chunk_bytes: 1 << 20,
        max_read_bytes: 1 << 20,
        max_object_bytes: 1 << 20,
        max_store_bytes: 4 << 20,
        max_warnings: 4,
    }
}

/// How many stores were described, and how many refused: both must happen.
static DESCRIBED: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);

async fn inspect(store: &Store) {
    let memory: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    for (key, bytes) in &store.files {
        let path = StorePath::parse(key).expect("fixture keys parse");
        memory
            .put(&path, PutPayload::from(bytes.clone()))
            .await
            .expect("in-memory put");
    }
    // Ok or Err, both fine: what matters is that it returns.
    match inspect_store_with(memory, &StorePath::default(), &small_limits()).await {
        Ok(_) => DESCRIBED.fetch_add(1, Ordering::Relaxed),
        Err(_) => REFUSED.fetch_add(1, Ordering::Relaxed),
    };
}

/// The property itself; run by the test below in a child process with a memory limit.
#[test]
#[ignore = "run by `metadata_reader_survives_hostile_documents`, under a memory limit"]
fn metadata_reader_property() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let config = ProptestConfig {
        cases: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(store in store())| {
        runtime.block_on(inspect(&store));
    });
    let (described, refused) = (
        DESCRIBED.load(Ordering::Relaxed),
        REFUSED.load(Ordering::Relaxed),
    );
    println!("fuzz cases: {described} described, {refused} refused");
    assert_eq!(described + refused, 2_000);
    assert!(
        described > 40 && refused > 40,
        "{described} described, {refused} refused"
    );
}

#[test]
fn metadata_reader_survives_hostile_documents() {
    let limiter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tools/run_limited.py");
    let this = std::env::current_exe().expect("test binary");
    let output = Command::new("python3")
        .arg(&limiter)
        .arg((2u64 << 30).to_string())
        .arg("60")
        .arg(&this)
        .args([
            "metadata_reader_property",
            "--exact",
            "--ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .output()
        .expect("python3 runs");
    let result: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "run_limited.py: {e}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let stdout = result["stdout"].as_str().unwrap_or_default();
    let stderr = result["stderr"].as_str().unwrap_or_default();
    assert_eq!(
        result["code"].as_i64(),
        Some(0),
        "the property failed or the process died:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
    eprintln!(
        "{}",
        stdout
            .lines()
            .find(|l| l.starts_with("fuzz cases"))
            .unwrap_or_default()
    );
    let rss_mib = result["max_rss_kib"].as_u64().unwrap_or(u64::MAX) / 1024;
    let seconds = result["seconds"].as_f64().unwrap_or(f64::MAX);
    eprintln!("fuzz: {rss_mib} MiB peak RSS, {seconds} s");
    assert!(rss_mib < 256, "peak RSS {rss_mib} MiB");
    assert!(seconds < 20.0, "{seconds} s");
}
