//! The crawl inside whole builds: broken stores (truncated chunk, corrupt JSON, unknown codec,
//! stale consolidated metadata, empty directory) are diagnostics and the build goes on; the
//! crawl cache makes a rebuild with unchanged stores read no data; progress goes to stderr as
//! plain lines when it is not a terminal, and not at all with `--quiet`.

use std::path::{Path, PathBuf};
use std::process::Command;

use almanac::BuildOptions;
use almanac::crawl::CrawlReport;
use almanac_model::{Crawl, Library};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A site: the minimal fixture plus a dataset `stores` whose stores are copies of demo and
/// shared stores, named by what was done to them.
fn site(stores: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path();
    copy_tree(&repo().join("tests/sites/minimal"), root);
    std::fs::write(
        root.join("almanac.toml"),
        "[site]\ntitle = \"Crawl fixture\"\n",
    )
    .expect("config");
    let data = root.join("content/data/stores");
    let soi = repo().join("content/data/soi-darwin/soi-darwin.zarr");
    for name in stores {
        let store = data.join(format!("{name}.zarr"));
        match *name {
            "good" => copy_tree(&soi, &store),
            "ostia-v3" => copy_tree(
                &repo().join("content/data/ostia-monthly-sst/ostia-monthly-v3.zarr"),
                &store,
            ),
            "truncated-chunk" => {
                copy_tree(&soi, &store);
                let chunk = store.join("time/0");
                let bytes = std::fs::read(&chunk).expect("chunk");
                std::fs::write(&chunk, &bytes[..bytes.len() / 2]).expect("truncate");
            }
            "corrupt-json" => {
                copy_tree(&soi, &store);
                std::fs::write(store.join(".zmetadata"), "{\"metadata\": {,}").expect("corrupt");
            }
            "unknown-codec" => copy_tree(
                &repo().join("../shared/zarr/zarrs_tests_data/v2/array_zfpy_C.zarr"),
                &store,
            ),
            "stale-zmetadata" => {
                copy_tree(&soi, &store);
                std::fs::remove_dir_all(store.join("SOI_Darwin")).expect("remove array");
            }
            "empty" => std::fs::create_dir_all(&store).expect("mkdir"),
            other => panic!("no such fixture store {other}"),
        }
    }
    let dataset = root.join("content/datasets/stores");
    std::fs::create_dir_all(&dataset).expect("mkdir");
    let meta = std::fs::read_to_string(root.join("content/datasets/sea-ice-extent/meta.yaml"))
        .expect("meta.yaml");
    std::fs::write(
        dataset.join("meta.yaml"),
        meta.replace("Arctic Sea Ice Extent", "Stores in every state"),
    )
    .expect("meta.yaml");
    let mut catalog = String::from("stores:\n");
    for name in stores {
        catalog.push_str(&format!(
            "  - id: {name}\n    name: {name}\n    url: ../../data/stores/{name}.zarr\n"
        ));
    }
    std::fs::write(dataset.join("catalog.yaml"), catalog).expect("catalog.yaml");
    dir
}

fn load(root: &Path, refresh: bool) -> (Library, Vec<String>, CrawlReport) {
    let mut options = BuildOptions::for_project(root).expect("config");
    options.use_crawl_cache(refresh);
    let (library, diagnostics, report) = almanac::load_library_with_crawl(&options);
    let shown = diagnostics
        .items()
        .iter()
        .map(|d| format!("{}: {}[{}]: {}", d.location, d.severity, d.code, d.message))
        .collect();
    (library, shown, report)
}

fn status(library: &Library, store: &str) -> &'static str {
    let store = library
        .datasets
        .iter()
        .flat_map(|d| &d.stores)
        .find(|s| s.id == store)
        .unwrap_or_else(|| panic!("store {store}"));
    match store.crawl {
        Some(Crawl::Ok { .. }) => "ok",
        Some(Crawl::Failed { .. }) => "failed",
        Some(Crawl::Skipped { .. }) => "skipped",
        None => "none",
    }
}

fn almanac(root: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_almanac"))
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .expect("almanac runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn broken_stores_are_diagnostics_and_the_build_goes_on() {
    let stores = [
        "good",
        "truncated-chunk",
        "corrupt-json",
        "unknown-codec",
        "stale-zmetadata",
        "empty",
    ];
    let dir = site(&stores);
    let root = dir.path();
    let (code, stderr) = almanac(root, &["build"]);
    assert_eq!(code, Some(1), "errors for the unreadable stores:\n{stderr}");
    for expected in [
        "stores/truncated-chunk.zarr/time: warning[coordinate-unreadable]",
        "stores/corrupt-json.zarr/.zmetadata: error[corrupt-metadata]",
        "stores/unknown-codec.zarr/.zarray: warning[unknown-codec]",
        "stores/stale-zmetadata.zarr/.zmetadata: warning[stale-consolidated-metadata]",
        "stores/empty.zarr: error[not-a-zarr-store]",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
    assert!(
        stderr.contains("crawl: 7 stores in") && stderr.contains("2 failed"),
        "a progress summary on stderr:\n{stderr}"
    );
    // Every page was written, the broken stores' included.
    let library: Library = serde_json::from_slice(
        &std::fs::read(root.join("public/library.json")).expect("library.json"),
    )
    .expect("library.json parses");
    let statuses: Vec<_> = stores.iter().map(|s| (*s, status(&library, s))).collect();
    assert_eq!(
        statuses,
        [
            ("good", "ok"),
            ("truncated-chunk", "ok"),
            ("corrupt-json", "failed"),
            ("unknown-codec", "ok"),
            ("stale-zmetadata", "ok"),
            ("empty", "failed"),
        ]
    );
    for page in [
        "datasets/stores/index.html",
        "datasets/sea-ice-extent/index.html",
    ] {
        assert!(root.join("public").join(page).is_file(), "{page}");
    }
    // The truncated chunk cost the time extent, nothing else.
    let truncated = library
        .datasets
        .iter()
        .flat_map(|d| &d.stores)
        .find(|s| s.id == "truncated-chunk")
        .and_then(|s| match &s.crawl {
            Some(Crawl::Ok { facts }) => Some(facts),
            _ => None,
        })
        .expect("facts");
    assert!(truncated.time.is_none());
    assert_eq!(truncated.arrays.len(), 2);

    // Quiet: diagnostics only.
    let (code, stderr) = almanac(root, &["-q", "build"]);
    assert_eq!(code, Some(1));
    assert!(!stderr.contains("crawl:"), "{stderr}");
}

#[test]
fn unchanged_stores_come_from_the_cache() {
    let dir = site(&["good", "ostia-v3", "unknown-codec", "corrupt-json"]);
    let root = dir.path();
    let (first, first_diagnostics, cold) = load(root, false);
    assert_eq!(
        (cold.read, cold.cached, cold.failed),
        (4, 0, 1),
        "sea-ice-extent and three copies read, the corrupt one failed"
    );
    assert!(root.join(".almanac-cache/crawl.json").is_file());

    let (second, second_diagnostics, warm) = load(root, false);
    assert_eq!((warm.read, warm.cached, warm.failed), (0, 4, 1));
    assert_eq!(
        serde_json::to_value(&first).expect("json"),
        serde_json::to_value(&second).expect("json"),
        "the same facts"
    );
    assert_eq!(
        first_diagnostics, second_diagnostics,
        "warnings replayed, errors found again"
    );
    assert!(
        second_diagnostics
            .iter()
            .any(|d| d.contains("warning[unknown-codec]")),
        "{second_diagnostics:?}"
    );
    // Checking is a HEAD per metadata object read (or found missing) and the root listing;
    // nothing is read but the corrupt store, again (a missed zarr.json, then .zmetadata).
    assert_eq!(warm.reads, 2, "cold: {cold:?}, warm: {warm:?}");
    assert!(cold.reads > 4 + 2, "cold: {cold:?}");
    assert!(
        warm.requests < cold.requests,
        "cold: {cold:?}, warm: {warm:?}"
    );

    // A rewritten .zmetadata is a changed store; the others stay cached.
    let zmetadata = root.join("content/data/stores/good.zarr/.zmetadata");
    let mut text = std::fs::read_to_string(&zmetadata).expect("zmetadata");
    text.push('\n');
    std::fs::write(&zmetadata, text).expect("rewrite");
    let (_, _, changed) = load(root, false);
    assert_eq!((changed.read, changed.cached), (1, 3));

    // A new array at the root of an unconsolidated-looking store is found by the listing.
    copy_tree(
        &root.join("content/data/stores/good.zarr/time"),
        &root.join("content/data/stores/good.zarr/time2"),
    );
    let (_, diagnostics, listed) = load(root, false);
    assert_eq!((listed.read, listed.cached), (1, 3));
    assert!(
        diagnostics
            .iter()
            .any(|d| d.contains("stale-consolidated-metadata") && d.contains("time2")),
        "{diagnostics:?}"
    );

    // --refresh reads everything.
    let (_, _, refreshed) = load(root, true);
    assert_eq!((refreshed.read, refreshed.cached), (4, 0));

    // `cache = false` neither reads nor writes the cache.
    std::fs::remove_dir_all(root.join(".almanac-cache")).expect("remove cache");
    let config = std::fs::read_to_string(root.join("almanac.toml")).expect("config");
    std::fs::write(
        root.join("almanac.toml"),
        config + "[crawl]\ncache = false\n",
    )
    .expect("config");
    let (_, _, uncached) = load(root, false);
    assert_eq!((uncached.read, uncached.cached), (4, 0));
    assert!(!root.join(".almanac-cache").exists());
}
