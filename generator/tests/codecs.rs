//! The codecs real stores use: `tests/sites/codecs/` holds one store per numcodecs codec,
//! written by zarr-python and numcodecs (`make_stores.py` there). Each store's coordinates are
//! read (the bounding box is the grid's) and a quicklook is drawn from its data variable,
//! except for the codec zarrs cannot decode, which is reported once per array instead.

use std::collections::BTreeMap;
use std::path::Path;

use almanac::BuildOptions;
use almanac_model::Crawl;

/// Codecs that must be decoded.
const DECODED: [&str; 5] = [
    "adler32",
    "bitround",
    "fixedscaleoffset",
    "fletcher32",
    "pcodec",
];
/// Codecs zarrs does not implement: `numcodecs.delta` has no zarrs codec.
const UNDECODED: [&str; 1] = ["delta"];

#[test]
fn every_codec_store_is_read_and_drawn() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sites/codecs");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut options = BuildOptions::for_project(&project).expect("config");
    options.output = Some(tmp.path().join("public"));
    let report = almanac::build(&options).expect("the codec library builds");

    let mut bboxes = BTreeMap::new();
    for dataset in &report.library.datasets {
        let store = dataset.stores.first().expect("one store");
        match &store.crawl {
            Some(Crawl::Ok { facts }) => {
                bboxes.insert(dataset.id.clone(), facts.bbox);
            }
            other => panic!("{}: not read: {other:?}", dataset.id),
        }
    }
    for codec in DECODED {
        let bbox = bboxes[codec].unwrap_or_else(|| panic!("{codec}: no bounding box"));
        // Latitudes are the decoded cell centres; 8 longitudes 45° apart go round the globe.
        assert_eq!(
            [bbox.west, bbox.south, bbox.east, bbox.north],
            [-180.0, -67.5, 180.0, 67.5],
            "{codec}"
        );
        let quicklook = tmp
            .path()
            .join(format!("public/datasets/{codec}/quicklook.png"));
        let bytes =
            std::fs::read(&quicklook).unwrap_or_else(|e| panic!("{codec}: no quicklook ({e})"));
        assert!(bytes.starts_with(b"\x89PNG"), "{codec}: not a PNG");
    }

    let undecodable: Vec<String> = report
        .diagnostics
        .items()
        .iter()
        .filter(|d| d.code == "unknown-codec")
        .map(|d| d.location.file.clone())
        .collect();
    for codec in DECODED {
        assert!(
            !undecodable
                .iter()
                .any(|file| file.contains(&format!("{codec}.zarr"))),
            "{codec} reported as undecodable: {undecodable:?}"
        );
    }
    for codec in UNDECODED {
        assert!(
            undecodable
                .iter()
                .any(|file| file.contains(&format!("{codec}.zarr/tas"))),
            "{codec}: expected an unknown-codec warning, got {undecodable:?}"
        );
        assert!(
            !tmp.path()
                .join(format!("public/datasets/{codec}/quicklook.png"))
                .exists(),
            "{codec}: a quicklook from values that cannot be decoded"
        );
    }
}
