//! The crawl stage on the demo library's committed stores, and on broken
//! stores in a fixture site: facts match what xarray reports for the same
//! stores (values checked with xarray 2026.9 / cftime 1.6.6), broken stores
//! are diagnostics and are marked failed on their dataset page.

mod walk;

use std::path::{Path, PathBuf};

use almanac::BuildOptions;
use almanac_model::{Crawl, Library, StoreFacts};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn demo() -> Library {
    let options = BuildOptions::for_project(&repo()).expect("demo almanac.toml");
    almanac::load_library(&options).0
}

fn facts<'a>(library: &'a Library, dataset: &str, store: &str) -> &'a StoreFacts {
    let dataset = library
        .datasets
        .iter()
        .find(|d| d.id == dataset)
        .expect("dataset");
    let store = dataset
        .stores
        .iter()
        .find(|s| s.id == store)
        .expect("store");
    match store.crawl.as_ref() {
        Some(Crawl::Ok { facts }) => facts,
        other => panic!("{}/{}: {other:?}", dataset.id, store.id),
    }
}

#[test]
fn every_local_demo_store_is_read_and_remote_ones_are_skipped_offline() {
    let library = demo();
    for dataset in &library.datasets {
        for store in &dataset.stores {
            let crawl = store
                .crawl
                .as_ref()
                .expect("every store is crawled or skipped");
            match (store.scheme, crawl) {
                (almanac_model::StoreScheme::File, Crawl::Ok { .. }) => {}
                (almanac_model::StoreScheme::File, other) => {
                    panic!("{}/{}: {other:?}", dataset.id, store.id)
                }
                (_, Crawl::Skipped { .. }) => {}
                (_, other) => panic!(
                    "{}/{} is remote but was not skipped: {other:?}",
                    dataset.id, store.id
                ),
            }
        }
    }
}

#[test]
fn time_extents_match_xarray_in_every_calendar() {
    let library = demo();
    for (dataset, store, start, end, calendar, step) in [
        (
            "cmip6-air-temperature",
            "taiesm1",
            "1950-01-16T12:00:00",
            "2014-12-16T12:00:00",
            "noleap",
            Some("P1M"),
        ),
        (
            "cmip6-air-temperature",
            "awi-cm-1-1-mr",
            "1950-01-16T12:00:00",
            "2014-12-16T12:00:00",
            "proleptic_gregorian",
            Some("P1M"),
        ),
        (
            "hadgem2-ao-a1b-north-america",
            "a1b-north-america",
            "1860-06-01T00:00:00",
            "2090-06-01T00:00:00",
            "360_day",
            Some("P10Y"),
        ),
        (
            "ostia-monthly-sst",
            "ostia-monthly-v3",
            "2007-01-16T12:00:00",
            "2007-12-16T12:00:00",
            "standard",
            Some("P1M"),
        ),
        (
            "soi-darwin",
            "soi-darwin",
            "1866-01-01T00:00:00",
            "2013-12-01T00:00:00",
            "standard",
            Some("P1M"),
        ),
        (
            "rotated-pole-sea-level-pressure",
            "rotated-pole",
            "2006-06-15T00:00:00",
            "2006-06-15T00:00:00",
            "standard",
            None,
        ),
    ] {
        let time = facts(&library, dataset, store)
            .time
            .as_ref()
            .unwrap_or_else(|| panic!("{dataset}: no time"));
        assert_eq!(
            (
                time.start.as_str(),
                time.end.as_str(),
                time.calendar.as_str(),
                time.step.as_deref()
            ),
            (start, end, calendar, step),
            "{dataset}/{store}"
        );
    }
}

#[test]
fn bounding_boxes_cover_regional_global_and_curvilinear_grids() {
    let library = demo();
    let a1b = facts(
        &library,
        "hadgem2-ao-a1b-north-america",
        "a1b-north-america",
    )
    .bbox
    .expect("bbox");
    assert_eq!(
        (a1b.west, a1b.south, a1b.east, a1b.north),
        (-135.0, 15.0, -45.0, 60.0)
    );
    let ostia = facts(&library, "ostia-monthly-sst", "ostia-monthly-v2")
        .bbox
        .expect("bbox");
    assert_eq!(
        (ostia.west, ostia.east),
        (-180.0, 180.0),
        "a 0–360 global band is global"
    );
    assert!(
        (ostia.south + 5.0).abs() < 1e-4 && (ostia.north - 4.44445).abs() < 1e-4,
        "{ostia:?}"
    );
    let orca = facts(&library, "nemo-orca2-temperature", "orca2-votemper")
        .bbox
        .expect("curvilinear bbox");
    assert_eq!((orca.west, orca.east), (-180.0, 180.0));
    assert!(orca.south < -78.0 && orca.north > 89.0, "{orca:?}");
    assert!(
        facts(&library, "rotated-pole-sea-level-pressure", "rotated-pole")
            .bbox
            .is_none(),
        "rotated grids need the rotation, not min/max"
    );
}

#[test]
fn arrays_have_roles_sizes_and_codecs() {
    let library = demo();
    let v2 = facts(&library, "ostia-monthly-sst", "ostia-monthly-v2");
    let v3 = facts(&library, "ostia-monthly-sst", "ostia-monthly-v3");
    assert_eq!(
        (
            v2.zarr_format,
            v2.consolidated,
            v3.zarr_format,
            v3.consolidated
        ),
        (2, true, 3, true)
    );
    let sst = |f: &StoreFacts| {
        f.arrays
            .iter()
            .find(|a| a.path == "surface_temperature")
            .cloned()
            .expect("sst")
    };
    let (a, b) = (sst(v2), sst(v3));
    assert_eq!(a.role, Some(almanac_model::VariableRole::Data));
    assert_eq!(
        (a.shape.clone(), a.dimensions.clone()),
        (
            vec![12, 18, 216],
            vec![
                "time".to_owned(),
                "latitude".to_owned(),
                "longitude".to_owned()
            ]
        )
    );
    assert_eq!(
        (a.shape, a.dtype.clone(), a.uncompressed_bytes),
        (b.shape, b.dtype, b.uncompressed_bytes)
    );
    assert_eq!(a.uncompressed_bytes, 12 * 18 * 216 * 4);
    assert_eq!(a.standard_name.as_deref(), Some("surface_temperature"));
    assert!(
        a.codecs.iter().any(|c| c.starts_with("blosc")),
        "{:?}",
        a.codecs
    );
    let hybrid = facts(
        &library,
        "hybrid-height-potential-temperature",
        "hybrid-height",
    );
    let theta = hybrid
        .arrays
        .iter()
        .find(|a| a.path == "air_potential_temperature")
        .expect("theta");
    assert!(
        theta.shards.is_some(),
        "the sharded array reports its shard shape"
    );
    let vertical = hybrid.vertical.as_ref().expect("vertical extent");
    assert_eq!(vertical.extent, [1.0, 15.0]);
}

#[test]
fn metadata_and_coordinates_take_few_requests() {
    use std::sync::Arc;

    use almanac::crawl::counting::CountingStore;
    use object_store::local::LocalFileSystem;

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // (store, requests): metadata (a v3 `zarr.json` probe first, so v2 costs one miss), one
    // listing of the root to find stale consolidated metadata, plus one read per coordinate
    // chunk that extents need.
    for (store, expected) in [
        // `.zmetadata` after the probe, the listing, then `time` (one chunk).
        ("soi-darwin/soi-darwin.zarr", 4),
        // `zarr.json`, the listing, then `time`, `latitude` and `longitude` (one chunk each).
        ("ostia-monthly-sst/ostia-monthly-v3.zarr", 5),
    ] {
        let dir = repo().join("content/data").join(store);
        let local = LocalFileSystem::new_with_prefix(&dir).expect("store");
        let counting = Arc::new(CountingStore::new(Arc::new(local)));
        let prefix = object_store::path::Path::default();
        let (facts, warnings) = runtime
            .block_on(almanac::crawl::inspect_store(
                Arc::clone(&counting) as _,
                &prefix,
            ))
            .expect("readable");
        assert!(warnings.is_empty(), "{store}: {warnings:?}");
        assert!(facts.time.is_some(), "{store}");
        assert_eq!(
            counting.requests(),
            expected,
            "{store}: {:?}",
            counting.counts()
        );
    }
}

#[test]
fn a_broken_store_is_a_diagnostic_and_the_page_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).expect("mkdir");
        for (relative, entry) in walk::files(from) {
            let target = to.join(relative);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&entry, &target).expect("copy");
        }
    };
    copy(&repo().join("tests/sites/minimal"), root);
    std::fs::write(
        root.join("almanac.toml"),
        "[site]\ntitle = \"Broken store\"\n",
    )
    .expect("config");
    let store = root.join("content/data/broken.zarr");
    copy(
        &repo().join("content/data/soi-darwin/soi-darwin.zarr"),
        &store,
    );
    std::fs::write(store.join(".zmetadata"), "{\"metadata\": {,}").expect("corrupt");
    let catalog = std::fs::read_dir(root.join("content/datasets"))
        .expect("datasets")
        .flatten()
        .next()
        .expect("a dataset")
        .path()
        .join("catalog.yaml");
    let text = std::fs::read_to_string(&catalog).expect("catalog");
    let text = text.replacen(
        "stores:",
        "stores:\n  - id: broken\n    name: Broken\n    url: ../../data/broken.zarr",
        1,
    );
    std::fs::write(&catalog, text).expect("write");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_almanac"))
        .args([
            "-C",
            &root.to_string_lossy(),
            "build",
            "-o",
            &root.join("public").to_string_lossy(),
        ])
        .output()
        .expect("run almanac");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("broken.zarr/.zmetadata: error[corrupt-metadata]"),
        "{stderr}"
    );
    let page = walk::files(&root.join("public/datasets"))
        .into_iter()
        .map(|(_, path)| path)
        .find(|p| {
            // The dataset's own page, not a list or facet page.
            p.ends_with("index.html")
                && std::fs::read_to_string(p).is_ok_and(|html| html.contains("entity-dataset"))
        })
        .expect("dataset page");
    let html = std::fs::read_to_string(page).expect("page");
    assert!(html.contains("This store could not be read"), "{html}");
}
