//! Interop with xarray: `tests/interop/xarray_stores.py` (run with the project's `.venv`) writes
//! CF stores with xarray — every CF calendar but the standard one in its own case, curvilinear
//! grids, 0–360 longitudes and regions across the antimeridian, packed values, Zarr 2 and 3,
//! consolidated and not — and records what xarray reports about each. The crawler reads the same
//! stores; its facts must be xarray's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use almanac_model::{StoreFacts, VariableRole};
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use serde::Deserialize;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Debug, Deserialize)]
struct Expected {
    zarr_format: u8,
    consolidated: bool,
    variables: BTreeMap<String, Variable>,
    time: Time,
    ranges: BTreeMap<String, [f64; 2]>,
    bbox: Bbox,
}

#[derive(Debug, Deserialize)]
struct Variable {
    dimensions: Vec<String>,
    shape: Vec<u64>,
    dtype: String,
    chunks: Vec<u64>,
    data: bool,
}

#[derive(Debug, Deserialize)]
struct Time {
    start: String,
    end: String,
    units: String,
    calendar: String,
}

#[derive(Debug, Deserialize)]
struct Bbox {
    south: f64,
    north: f64,
    west_east: [f64; 2],
}

/// Runs the Python side once into a temporary folder.
fn write_stores() -> (tempfile::TempDir, BTreeMap<String, Expected>) {
    let python = repository().join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup-python.sh (scripts/test.sh does)",
        python.display()
    );
    let folder = tempfile::tempdir().expect("temporary folder");
    let output = Command::new(&python)
        .arg(repository().join("tests/interop/xarray_stores.py"))
        .arg(folder.path())
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "xarray_stores.py failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(folder.path().join("expected.json")).expect("expected.json");
    let expected = serde_json::from_str(&text).expect("expected.json parses");
    (folder, expected)
}

fn crawl(store: &Path) -> StoreFacts {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let local: Arc<dyn ObjectStore> =
        Arc::new(LocalFileSystem::new_with_prefix(store).expect("store folder"));
    let (facts, warnings) = runtime
        .block_on(almanac::crawl::inspect_store(
            local,
            &object_store::path::Path::default(),
        ))
        .unwrap_or_else(|problem| panic!("{}: {problem:?}", store.display()));
    assert!(warnings.is_empty(), "{}: {warnings:?}", store.display());
    facts
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn facts_equal_what_xarray_reports() {
    let (folder, cases) = write_stores();
    assert_eq!(cases.len(), 13, "every case of xarray_stores.py");
    let mut calendars = std::collections::BTreeSet::new();
    for (name, expected) in &cases {
        let facts = crawl(&folder.path().join(format!("{name}.zarr")));
        let at = |what: &str| format!("{name}: {what}");
        assert_eq!(
            facts.zarr_format,
            expected.zarr_format,
            "{}",
            at("zarr_format")
        );
        assert_eq!(
            facts.consolidated,
            expected.consolidated,
            "{}",
            at("consolidated")
        );

        // Arrays: the same set, each with xarray's dimensions, shape, dtype and chunks, and data
        // variables exactly where xarray has them.
        let arrays: BTreeMap<&str, _> = facts.arrays.iter().map(|a| (a.path.as_str(), a)).collect();
        assert_eq!(
            arrays.keys().copied().collect::<Vec<_>>(),
            expected
                .variables
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            "{}",
            at("arrays")
        );
        for (path, variable) in &expected.variables {
            let array = arrays[path.as_str()];
            let at = |what: &str| format!("{name}/{path}: {what}");
            assert_eq!(
                array.dimensions,
                variable.dimensions,
                "{}",
                at("dimensions")
            );
            assert_eq!(array.shape, variable.shape, "{}", at("shape"));
            assert_eq!(array.dtype, variable.dtype, "{}", at("dtype"));
            assert_eq!(array.chunks, variable.chunks, "{}", at("chunks"));
            assert_eq!(
                array.role == Some(VariableRole::Data),
                variable.data,
                "{}",
                at(&format!("role {:?}", array.role))
            );
        }

        // Time, decoded in the store's calendar.
        let time = facts
            .time
            .as_ref()
            .unwrap_or_else(|| panic!("{}", at("no time")));
        assert_eq!(
            (&time.start, &time.end, &time.units, &time.calendar),
            (
                &expected.time.start,
                &expected.time.end,
                &expected.time.units,
                &expected.time.calendar
            ),
            "{}",
            at("time")
        );
        calendars.insert(time.calendar.clone());

        // Ranges of 1-D coordinates, unpacked.
        for (dimension, [low, high]) in &expected.ranges {
            let facts = facts
                .dimensions
                .iter()
                .find(|d| &d.name == dimension)
                .unwrap_or_else(|| panic!("{}", at(dimension)));
            let [a, b] = facts.extent.unwrap_or_else(|| panic!("{}", at("extent")));
            assert!(
                close(a, *low) && close(b, *high),
                "{}: {a}..{b}",
                at(dimension)
            );
        }

        // The bounding box of the decoded latitudes and longitudes.
        let bbox = facts.bbox.unwrap_or_else(|| panic!("{}", at("no bbox")));
        let [west, east] = expected.bbox.west_east;
        assert!(
            close(bbox.south, expected.bbox.south)
                && close(bbox.north, expected.bbox.north)
                && close(bbox.west, west)
                && close(bbox.east, east),
            "{}: {bbox:?} vs {:?}",
            at("bbox"),
            expected.bbox
        );
    }
    assert_eq!(
        calendars.into_iter().collect::<Vec<_>>(),
        [
            "360_day",
            "all_leap",
            "julian",
            "noleap",
            "proleptic_gregorian",
            "standard"
        ]
    );
}
