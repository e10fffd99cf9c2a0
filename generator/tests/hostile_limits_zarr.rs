//! Hostile Zarr stores (issue 12, point 4: `[crawl.limits]`): the `limits-zarr-*` cases of
//! `tests/sites/hostile/` give their diagnostics (with the store key in the message) through
//! `almanac check` and `almanac build`; stores with the big payloads of the issue — a 2 GiB zlib
//! bomb, a coordinate of 10^15 values with no chunk, a 2^32 × 2^32 grid, a zarr.json listing
//! 100,000 arrays — are made at test time and built under an address-space limit, with peak
//! memory, time and output size checked.

mod cases;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use cases::{BIN, check_expected_lines, compare, expected_exit, lines, name, run};
use serde_json::Value;

fn limit_cases() -> Vec<PathBuf> {
    cases::cases("hostile")
        .into_iter()
        .filter(|case| name(case).starts_with("limits-zarr-"))
        .collect()
}

/// Every message of a `--format json` report.
fn messages(stdout: &[u8]) -> Vec<String> {
    serde_json::from_slice::<Value>(stdout)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d["message"].as_str().map(str::to_owned))
        .collect()
}

/// What a case's store-limit message must say (the key, and which limit).
fn must_say(case: &str) -> &'static [&'static str] {
    match case {
        "limits-zarr-fill-value-1e15" => &["store.zarr/lat/0", "max_chunk_bytes", "7.1 PiB"],
        "limits-zarr-zlib-bomb"
        | "limits-zarr-gzip-bomb"
        | "limits-zarr-bz2-bomb"
        | "limits-zarr-zstd-header"
        | "limits-zarr-blosc-header" => &["store.zarr/lat", "lat/0", "decompression bomb"],
        "limits-zarr-sharded-bomb" => &["store.zarr/lat", "lat/c/0", "decompression bomb"],
        "limits-zarr-attributes-sum" => &["max_metadata_values", "store's metadata"],
        "limits-zarr-many-folders" => &["store.zarr/.zgroup", "max_arrays", "folders not read"],
        "limits-zarr-many-arrays" => &["store.zarr/zarr.json", "max_arrays", "5 arrays"],
        "limits-zarr-metadata-size" => &["store.zarr/.zmetadata", "max_metadata_bytes"],
        "limits-zarr-chunk-object" => &["store.zarr/lat", "max_object_bytes"],
        "limits-zarr-shard-index" => &["store.zarr/lat/c/0", "shard index", "16.0 TiB"],
        "limits-zarr-read-size" => &["store.zarr/lat", "max_read_bytes"],
        _ => &[],
    }
}

#[test]
fn limits_zarr_cases_give_their_diagnostics_and_the_build_goes_on() {
    let cases = limit_cases();
    assert!(cases.len() >= 15, "{} limits-zarr cases", cases.len());
    let mut report = String::new();
    for case in &cases {
        let case_name = name(case);
        let mut problems = Vec::new();
        if let Err(problem) = check_expected_lines(case) {
            problems.push(problem);
        }
        let exit = expected_exit(case);
        let expected = cases::expected(case);
        let out = tempfile::tempdir().expect("tempdir");
        let public = out.path().join("public");
        let public_arg = public.to_string_lossy().into_owned();
        let check = run(case, &["check", "--format", "json"]);
        let build = run(case, &["--format", "json", "build", "-o", &public_arg]);
        let forbidden = lines(&case.join("forbidden.txt")).unwrap_or_default();
        for (command, output) in [("check", &check), ("build", &build)] {
            if output.status.code() != Some(exit) {
                problems.push(format!(
                    "`{command}` exited with {:?}, expected {exit}; stderr:\n{}",
                    output.status.code(),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            problems.extend(compare(command, output, &expected));
            let said = messages(&output.stdout).join("\n");
            for needle in must_say(&case_name) {
                if !said.contains(needle) {
                    problems.push(format!("`{command}` never says `{needle}`:\n{said}"));
                }
            }
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            for string in &forbidden {
                if all.contains(string.as_str()) {
                    problems.push(format!("`{command}` printed the forbidden `{string}`"));
                }
            }
        }
        if !public.join("datasets/store/index.html").is_file() {
            problems.push("the build did not write the dataset's page".into());
        }
        if !problems.is_empty() {
            let _ = writeln!(report, "{case_name}:\n  {}", problems.join("\n  "));
        }
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn fill_values_are_known_without_materialising_and_huge_sizes_do_not_overflow() {
    let case = cases::group_dir("hostile").join("limits-zarr-fill-value-1e15");
    let out = tempfile::tempdir().expect("tempdir");
    let public = out.path().join("public");
    let output = run(&case, &["build", "-o", &public.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(0));
    let library: Value =
        serde_json::from_slice(&fs::read(public.join("library.json")).expect("library.json"))
            .expect("library.json parses");
    let facts = &library["datasets"][0]["stores"][0]["crawl"]["facts"];
    // `time` has no chunk: every value is the fill value 0, "days since 2000-01-01".
    let time = facts["time"].to_string();
    assert!(
        time.contains("2000-01-01"),
        "time extent from the fill value: {time}"
    );

    let case = cases::group_dir("hostile").join("limits-zarr-overflow-2d");
    let public = out.path().join("overflow");
    let output = run(&case, &["build", "-o", &public.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(0));
    let page = fs::read_to_string(public.join("datasets/store/index.html")).expect("page");
    assert!(page.contains("more than 16 EiB"), "the size saturates");
    assert!(!page.contains(">0 B<"), "no wrapped size");
}

// ---- big payloads, made at test time ----

const MIB: u64 = 1024 * 1024;

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
}

fn dataset(content: &Path, id: &str) -> PathBuf {
    let folder = content.join("datasets").join(id);
    write(
        &folder.join("meta.yaml"),
        format!(
            "title: \"{id}\"\ndescription: \"Hostile store.\"\nprovenance:\n  providers:\n    - name: \"Example\"\n      roles: [host]\n  license: \"CC-BY-4.0\"\n"
        ),
    );
    write(
        &folder.join("catalog.yaml"),
        "tags: [hostile]\nstores:\n  - id: \"store\"\n    url: \"store.zarr\"\n",
    );
    folder.join("store.zarr")
}

fn v2_coordinate(store: &Path, name: &str, shape: &[u64], chunks: &[u64], compressor: &Value) {
    let dims: Vec<String> = if shape.len() == 1 {
        vec![name.to_owned()]
    } else {
        vec!["y".into(), "x".into()]
    };
    let standard = if name == "lon" {
        "longitude"
    } else {
        "latitude"
    };
    write(&store.join(".zgroup"), r#"{"zarr_format": 2}"#);
    write(
        &store.join(name).join(".zarray"),
        serde_json::json!({
            "zarr_format": 2, "shape": shape, "chunks": chunks, "dtype": "<f8",
            "compressor": compressor, "fill_value": 0.0, "filters": null, "order": "C"
        })
        .to_string(),
    );
    write(
        &store.join(name).join(".zattrs"),
        serde_json::json!({"_ARRAY_DIMENSIONS": dims, "standard_name": standard}).to_string(),
    );
}

/// A 2 GiB zlib stream of zeros (about 2 MB), written without holding 2 GiB.
fn zlib_bomb(path: &Path) {
    let file = fs::File::create(path).expect("create");
    let mut encoder = flate2::write::ZlibEncoder::new(file, flate2::Compression::best());
    let zeros = vec![0u8; MIB as usize];
    for _ in 0..2048 {
        encoder.write_all(&zeros).expect("write");
    }
    encoder.finish().expect("finish");
}

/// A Zarr 3 root `zarr.json` with consolidated metadata naming `count` arrays.
fn many_arrays(store: &Path, count: usize) {
    let mut text = String::from(
        r#"{"zarr_format":3,"node_type":"group","attributes":{},"consolidated_metadata":{"kind":"inline","must_understand":false,"metadata":{"#,
    );
    for i in 0..count {
        if i > 0 {
            text.push(',');
        }
        let _ = write!(
            text,
            r#""var{i:06}":{{"zarr_format":3,"node_type":"array","shape":[4],"data_type":"float32","chunk_grid":{{"name":"regular","configuration":{{"chunk_shape":[4]}}}},"chunk_key_encoding":{{"name":"default","configuration":{{"separator":"/"}}}},"fill_value":0.0,"codecs":[{{"name":"bytes","configuration":{{"endian":"little"}}}}],"dimension_names":["dim{i:06}"],"attributes":{{"long_name":"variable {i}"}}}}"#
        );
    }
    text.push_str("}}}");
    write(&store.join("zarr.json"), text);
}

fn hostile_library(root: &Path) {
    write(
        &root.join("almanac.toml"),
        "[site]\ntitle = \"Hostile\"\n\n[crawl]\ncache = false\n",
    );
    let content = root.join("content");
    // A coordinate chunk declared as 1,000 values that inflates to 2 GiB.
    let store = dataset(&content, "zlib-bomb");
    v2_coordinate(
        &store,
        "lat",
        &[1000],
        &[1000],
        &serde_json::json!({"id": "zlib", "level": 9}),
    );
    zlib_bomb(&store.join("lat/0"));
    // The same bomb declared at its size: refused before it is read.
    let store = dataset(&content, "zlib-bomb-declared");
    v2_coordinate(
        &store,
        "lat",
        &[1 << 28],
        &[1 << 28],
        &serde_json::json!({"id": "zlib", "level": 9}),
    );
    fs::copy(
        content.join("datasets/zlib-bomb/store.zarr/lat/0"),
        store.join("lat/0"),
    )
    .expect("copy");
    // Shape and chunks [10^15], no chunk.
    let store = dataset(&content, "fill-1e15");
    v2_coordinate(
        &store,
        "lat",
        &[1_000_000_000_000_000],
        &[1_000_000_000_000_000],
        &Value::Null,
    );
    // 2-D latitude and longitude of 2^32 × 2^32.
    let store = dataset(&content, "overflow-2d");
    v2_coordinate(
        &store,
        "lat",
        &[1 << 32, 1 << 32],
        &[1 << 16, 1 << 16],
        &Value::Null,
    );
    v2_coordinate(
        &store,
        "lon",
        &[1 << 32, 1 << 32],
        &[1 << 16, 1 << 16],
        &Value::Null,
    );
    // 100,000 arrays.
    let store = dataset(&content, "many-arrays");
    many_arrays(&store, 100_000);
}

fn files_under(dir: &Path) -> usize {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() { files_under(&path) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn big_hostile_stores_build_within_memory_time_and_output_budgets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("library");
    hostile_library(&root);
    let public = dir.path().join("public");
    let limiter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tools/run_limited.py");
    // 4 GiB of address space: tokio's and glibc's reservations fit, an 8 PB allocation or a
    // 2 GiB buffer does not go unnoticed (the RSS check below is the real budget).
    let output = Command::new("python3")
        .arg(&limiter)
        .arg((4 * 1024 * MIB).to_string())
        .arg("300")
        .arg(BIN)
        .arg("-C")
        .arg(&root)
        .args(["--format", "json", "build", "-o"])
        .arg(&public)
        .output()
        .expect("python3 runs");
    let result: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "run_limited.py: {e}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let stderr = result["stderr"].as_str().unwrap_or_default();
    let code = result["code"].as_i64();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {:?}; stderr:\n{stderr}",
        result["code"]
    );
    let rss_mib = result["max_rss_kib"].as_u64().unwrap_or(u64::MAX) / 1024;
    let seconds = result["seconds"].as_f64().unwrap_or(f64::MAX);
    eprintln!("hostile Zarr build: {rss_mib} MiB peak RSS, {seconds} s");
    assert!(rss_mib < 512, "peak RSS {rss_mib} MiB");
    assert!(seconds < 120.0, "{seconds} s");

    let diagnostics: Vec<Value> =
        serde_json::from_str(result["stdout"].as_str().unwrap_or("[]")).expect("JSON report");
    let limits: BTreeSet<String> = diagnostics
        .iter()
        .filter(|d| d["code"] == "store-limit")
        .map(|d| {
            format!(
                "{} {}",
                d["file"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    let said = limits.iter().cloned().collect::<Vec<_>>().join("\n");
    for needle in [
        "content/datasets/zlib-bomb/catalog.yaml datasets/zlib-bomb/store.zarr/lat",
        "decompression bomb",
        "content/datasets/zlib-bomb-declared/catalog.yaml datasets/zlib-bomb-declared/store.zarr/lat/0",
        "2.0 GiB, more than the 64.0 MiB",
        "content/datasets/many-arrays/catalog.yaml datasets/many-arrays/store.zarr/zarr.json",
        "98000 arrays",
    ] {
        assert!(said.contains(needle), "no `{needle}` in:\n{said}");
    }
    assert!(
        diagnostics.len() < 50,
        "{} diagnostics: warnings are aggregated",
        diagnostics.len()
    );
    let files = files_under(&public);
    assert!(files < 12_000, "{files} files written");
    let page =
        fs::read_to_string(public.join("datasets/overflow-2d/index.html")).expect("overflow page");
    assert!(page.contains("more than 16 EiB"));
}
