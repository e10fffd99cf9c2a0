//! The STAC catalog: every emitted file validated offline against the official STAC 1.1 and
//! extension schemas (mirrored in `../shared/stac-schemas`, loaded by URL), snapshots of two
//! demo collections (Gregorian and 360_day), relative links that resolve in a built site,
//! paging of a library of 100,000 stores, and the Python interop check (pystac, xarray,
//! xpystac) in `tests/interop/stac_interop.py`.

mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use almanac::BuildOptions;
use almanac::links::Links;
use almanac::stac::{self, Contents, File, Settings, extensions};
use almanac_model::{Crawl, Library};
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

#[path = "stac/synthetic.rs"]
mod synthetic;

use synthetic::synthetic_library;

const UPDATE_ENV: &str = "ALMANAC_UPDATE_SNAPSHOTS";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

fn mirror() -> PathBuf {
    repo().join("../shared/stac-schemas")
}

/// The schema file for an `https://host/path` URL, inside the mirror.
fn mirrored(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let path = mirror().join(rest);
    path.is_file().then_some(path)
}

/// Resolves `$ref`s by retrieval URL from the mirror; never touches the network.
struct Mirror;

impl Retrieve for Mirror {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = mirrored(uri.as_str())
            .ok_or_else(|| format!("{} is not in the schema mirror", uri.as_str()))?;
        Ok(serde_json::from_str(&fs::read_to_string(path)?)?)
    }
}

/// Compiled validators by schema URL.
#[derive(Default)]
struct Schemas {
    validators: BTreeMap<String, Validator>,
}

impl Schemas {
    fn validator(&mut self, url: &str) -> &Validator {
        self.validators.entry(url.to_owned()).or_insert_with(|| {
            let path = mirrored(url).unwrap_or_else(|| panic!("{url} is not mirrored"));
            let schema: Value =
                serde_json::from_str(&fs::read_to_string(&path).expect("schema")).expect("json");
            jsonschema::options()
                .with_retriever(Mirror)
                .with_base_uri(url)
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{url} compiles: {e}"))
        })
    }

    /// Validates every JSON file against its core schema and every extension it declares;
    /// a declared schema missing from the mirror is a failure. Returns the schema URLs used.
    fn validate(&mut self, files: &[File]) -> BTreeSet<String> {
        let mut declared = BTreeSet::new();
        let mut failures = Vec::new();
        for file in files {
            let Contents::Json(value) = &file.contents else {
                continue;
            };
            let core = match value["type"].as_str() {
                Some("Catalog") => "catalog-spec/json-schema/catalog.json",
                Some("Collection") => "collection-spec/json-schema/collection.json",
                Some("Feature") => "item-spec/json-schema/item.json",
                other => panic!("{}: unexpected type {other:?}", file.path),
            };
            let mut urls = vec![format!("https://schemas.stacspec.org/v1.1.0/{core}")];
            for url in value["stac_extensions"].as_array().into_iter().flatten() {
                let url = url.as_str().expect("extension URL").to_owned();
                if mirrored(&url).is_none() {
                    failures.push(format!(
                        "{} declares {url}, which is not in the schema mirror",
                        file.path
                    ));
                    continue;
                }
                declared.insert(url.clone());
                urls.push(url);
            }
            for url in urls {
                for error in self.validator(&url).iter_errors(value) {
                    failures.push(format!(
                        "{} against {url}: {} at {}",
                        file.path,
                        error,
                        error.instance_path()
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        declared
    }
}

fn demo_settings(options: &BuildOptions) -> Settings {
    let mut settings = Settings::for_build(options);
    // As in a build into `public/` next to `content/`, wherever the test runs.
    settings.content_url = Some("../content/".into());
    settings
}

fn demo() -> (BuildOptions, Library) {
    let options = BuildOptions::for_project(&repo()).expect("almanac.toml");
    let (library, _) = almanac::load_library(&options);
    (options, library)
}

fn json_of<'a>(files: &'a [File], path: &str) -> &'a Value {
    match files.iter().find(|f| f.path == path).map(|f| &f.contents) {
        Some(Contents::Json(value)) => value,
        _ => panic!("no {path}"),
    }
}

#[test]
fn every_file_validates_against_the_official_schemas() {
    let (options, library) = demo();
    let links = Links::new(&library);
    let mut schemas = Schemas::default();
    let mut settings = demo_settings(&options);
    let files = stac::catalog(&library, &links, &settings);
    assert!(files.len() > library.datasets.len());
    let declared = schemas.validate(&files);
    // Every extension the catalog can emit is declared somewhere in the demo, and so checked.
    let all: BTreeSet<String> = extensions::ALL
        .iter()
        .map(|(_, url)| (*url).to_owned())
        .collect();
    assert_eq!(declared, all, "extensions the demo's catalog declares");

    // The validators do catch mistakes: in the core schema, in an extension, in a format, a
    // storage scheme without its type, a zarr field of the wrong type, an extension that the
    // mirror does not hold.
    let soi = json_of(&files, "stac/soi-darwin/collection.json");
    let climsim = json_of(&files, "stac/climsim/collection.json");
    let ostia = json_of(&files, "stac/ostia-monthly-sst/collection.json");
    for (good, pointer, bad) in [
        (soi, "/license", Value::from("CC BY 4.0")),
        (soi, "/cube:dimensions/time/type", Value::from("spatial")),
        (
            soi,
            "/extent/temporal/interval/0/0",
            Value::from("1866-01-01"),
        ),
        (
            climsim,
            "/storage:schemes/gcs-leap-persistent-ro",
            serde_json::json!({"platform": "https://storage.googleapis.com"}),
        ),
        // The zarr schema wants one valid asset per collection: soi-darwin has one.
        (soi, "/assets/soi-darwin/zarr:zarr_format", Value::from("3")),
        (
            ostia,
            "/assets",
            serde_json::json!({"a": {"href": "x", "zarr:consolidated": "yes"}}),
        ),
        (
            soi,
            "/stac_extensions/0",
            Value::from("https://stac-extensions.github.io/unknown/v9.9.9/schema.json"),
        ),
    ] {
        let mut broken = good.clone();
        *broken
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = bad;
        let file = File {
            path: "broken.json".into(),
            contents: Contents::Json(broken),
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Schemas::default().validate(&[file]);
        }));
        assert!(
            result.is_err(),
            "{pointer}: an invalid value passed validation"
        );
    }

    // With a base URL, the root has an absolute self link (format `iri`).
    settings.base_url = Some("https://example.org/library/".into());
    let files = stac::catalog(&library, &links, &settings);
    schemas.validate(&files);
    let root = json_of(&files, stac::ROOT);
    assert!(root["links"].as_array().expect("links").iter().any(
        |l| l["rel"] == "self" && l["href"] == "https://example.org/library/stac/catalog.json"
    ));

    // And the demo with crawling turned off (no store read): assets only, global extents.
    let mut unread = library;
    for store in unread.datasets.iter_mut().flat_map(|d| d.stores.iter_mut()) {
        store.crawl = None;
    }
    let files = stac::catalog(&unread, &Links::new(&unread), &demo_settings(&options));
    assert!(!files.iter().any(|f| f.path.ends_with("taiesm1.json")));
    schemas.validate(&files);

    // So does the minimal fixture site (a synthetic store).
    let minimal = BuildOptions::for_project(&repo().join("tests/sites/minimal")).expect("config");
    let (minimal_library, _) = almanac::load_library(&minimal);
    let files = stac::catalog(
        &minimal_library,
        &Links::new(&minimal_library),
        &Settings::for_build(&minimal),
    );
    assert!(files.iter().any(|f| f.path.ends_with("collection.json")));
    schemas.validate(&files);

    // A synthetic library with Items, paging and every kind of dimension validates too.
    let synthetic = synthetic_library(1, 120);
    let mut settings = demo_settings(&options);
    settings.page_size = 50;
    let files = stac::catalog(&synthetic, &Links::new(&synthetic), &settings);
    assert!(files.iter().any(|f| f.path.contains("/pages/")));
    schemas.validate(&files);
}

#[test]
fn demo_stores_are_placed_as_the_zarr_best_practices_say() {
    let (options, library) = demo();
    let files = stac::catalog(&library, &Links::new(&library), &demo_settings(&options));
    // Three model runs of one variable: Items.
    let cmip6 = json_of(&files, "stac/cmip6-air-temperature/collection.json");
    let items: Vec<&str> = cmip6["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter(|l| l["rel"] == "item")
        .map(|l| l["href"].as_str().expect("href"))
        .collect();
    assert_eq!(
        items,
        [
            "./taiesm1/taiesm1.json",
            "./awi-cm-1-1-mr/awi-cm-1-1-mr.json",
            "./miroc6/miroc6.json"
        ]
    );
    let taiesm1 = json_of(&files, "stac/cmip6-air-temperature/taiesm1/taiesm1.json");
    assert_eq!(taiesm1["collection"], "cmip6-air-temperature");
    assert_eq!(
        taiesm1["assets"]["zarr"]["type"],
        cmip6["item_assets"]["zarr"]["type"]
    );
    // TaiESM1 uses the noleap calendar: an additional dimension of type temporal.
    let time = &taiesm1["properties"]["cube:dimensions"]["time"];
    assert_eq!(time["type"], "temporal");
    assert!(time["extent"][0].is_number(), "{time}");
    assert_eq!(time["reference_system"], "noleap");
    // The same data as Zarr v2 and v3: two collection-level assets.
    let ostia = json_of(&files, "stac/ostia-monthly-sst/collection.json");
    let assets = ostia["assets"].as_object().expect("assets");
    assert_eq!(
        assets["ostia-monthly-v2"]["type"],
        "application/vnd.zarr; version=2"
    );
    assert_eq!(
        assets["ostia-monthly-v3"]["type"],
        "application/vnd.zarr; version=3"
    );
    // Both describe the same cube, so it is given once, at the top (standard calendar: a
    // temporal dimension with ISO 8601 extent); xarray reads float32 1e20 as the fill value.
    assert!(assets["ostia-monthly-v3"].get("cube:dimensions").is_none());
    let time = &ostia["cube:dimensions"]["time"];
    assert_eq!(time["extent"][0], "2007-01-16T12:00:00Z", "{time}");
    assert_eq!(
        ostia["cube:variables"]["surface_temperature"]["nodata"],
        f64::from(1e20_f32)
    );
    // Remote stores that were not read say so, with their storage scheme.
    let climsim = json_of(&files, "stac/climsim/collection.json");
    let store = &climsim["assets"]["climsim-lowres-mli"];
    assert_eq!(store["almanac:crawl_status"], "skipped");
    assert_eq!(store["storage:refs"][0], "gcs-leap-persistent-ro");
    assert_eq!(
        climsim["storage:schemes"]["gcs-leap-persistent-ro"]["platform"],
        "https://storage.googleapis.com"
    );
}

#[test]
fn collections_match_snapshots() {
    let (options, library) = demo();
    let files = stac::catalog(&library, &Links::new(&library), &demo_settings(&options));
    let dir = repo().join("generator/tests/snapshots/stac");
    let update = std::env::var_os(UPDATE_ENV).is_some();
    let mut mismatches = Vec::new();
    // ostia-monthly-sst: standard calendar; hadgem2-ao-a1b-north-america: 360_day.
    for dataset in ["ostia-monthly-sst", "hadgem2-ao-a1b-north-america"] {
        let actual = stac::to_json(json_of(&files, &format!("stac/{dataset}/collection.json")));
        let path = dir.join(format!("{dataset}.collection.json"));
        if update {
            fs::create_dir_all(&dir).expect("snapshot folder");
            fs::write(&path, &actual).expect("write snapshot");
            continue;
        }
        let expected = fs::read(&path).unwrap_or_default();
        if expected != actual {
            mismatches.push(format!(
                "{} differs from the emitted collection:\n{}",
                path.display(),
                String::from_utf8_lossy(&actual)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n(rerun with {UPDATE_ENV}=1 to accept)",
        mismatches.join("\n")
    );
}

/// A PNG of `width` × `height` grey pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("header");
    writer
        .write_image_data(&vec![128; (width * height) as usize])
        .expect("pixels");
    writer.finish().expect("finish");
    bytes
}

/// A local thumbnail is copied next to the collection and linked relatively; one that is not
/// an image (here: PNG magic bytes and nothing else) is not copied, nor linked.
#[test]
fn local_thumbnails_are_copied() {
    let content = tempfile::tempdir().expect("tempdir");
    let folder = content.path().join("datasets/d00000");
    fs::create_dir_all(&folder).expect("mkdir");
    fs::write(folder.join("map.PNG"), png(4, 3)).expect("write");
    fs::write(folder.join("fake.png"), b"\x89PNG").expect("write");
    let mut library = synthetic_library(2, 1);
    library.datasets[0].thumbnail = Some("map.PNG".into());
    library.datasets[1].thumbnail = Some("fake.png".into());
    library.datasets[1].source_file = library.datasets[0].source_file.clone();
    let mut settings = demo_settings(&BuildOptions::for_project(&repo()).expect("almanac.toml"));
    settings.content_dir = Some(content.path().to_path_buf());
    let files = stac::catalog(&library, &Links::new(&library), &settings);
    let copy = files
        .iter()
        .find(|f| f.path == "stac/d00000/thumbnail.png")
        .expect("thumbnail copied");
    let resolved = folder.join("map.PNG").canonicalize().expect("resolves");
    assert_eq!(copy.contents, Contents::Copy(resolved));
    let other = &library.datasets[1].id;
    assert!(
        !files
            .iter()
            .any(|f| f.path.starts_with(&format!("stac/{other}/thumbnail"))),
        "the fake PNG was copied"
    );
    let collection = json_of(&files, &format!("stac/{other}/collection.json"));
    assert!(
        collection["assets"].get("thumbnail").is_none(),
        "{collection}"
    );
    let collection = json_of(&files, "stac/d00000/collection.json");
    assert_eq!(
        collection["assets"]["thumbnail"],
        serde_json::json!({
            "href": "./thumbnail.png",
            "title": "Thumbnail",
            "roles": ["thumbnail"],
            "type": "image/png",
        })
    );
    Schemas::default().validate(&files);
}

/// Every link between STAC files of a built site resolves, and local store hrefs lead to
/// the stores.
#[test]
fn built_catalog_links_resolve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("site");
    let mut options = BuildOptions::for_project(&repo()).expect("almanac.toml");
    options.output = Some(output.clone());
    almanac::build(&options).expect("build");
    let mut checked = 0;
    for (_, entry) in walk::files(&output.join("stac")) {
        if entry.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let value: Value =
            serde_json::from_str(&fs::read_to_string(&entry).expect("read")).expect("json");
        let base = entry.parent().expect("folder");
        let mut targets: Vec<(&str, &str)> = value["links"]
            .as_array()
            .expect("links")
            .iter()
            .filter(|l| {
                ["root", "parent", "child", "item", "collection", "store"]
                    .contains(&l["rel"].as_str().unwrap_or(""))
            })
            .map(|l| {
                (
                    l["rel"].as_str().unwrap_or(""),
                    l["href"].as_str().expect("href"),
                )
            })
            .collect();
        if let Some(assets) = value["assets"].as_object() {
            targets.extend(
                assets
                    .values()
                    .map(|a| ("asset", a["href"].as_str().expect("href"))),
            );
        }
        for (rel, href) in targets {
            if href.contains("://") {
                continue;
            }
            assert!(
                !href.starts_with('/'),
                "{}: {rel} {href} is relative",
                entry.display()
            );
            let target = base.join(href);
            assert!(
                target.exists(),
                "{}: {rel} {href} does not resolve",
                entry.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} links checked");
}

/// pystac walks and validates the built demo catalog offline; xarray and xpystac open every
/// local store from its asset and get the same dataset as opening the store directly.
#[test]
fn pystac_and_xarray_read_the_built_catalog() {
    let python = repo().join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup-python.sh first (it installs tests/requirements.txt)",
        python.display()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("site");
    let mut options = BuildOptions::for_project(&repo()).expect("almanac.toml");
    options.output = Some(output.clone());
    almanac::build(&options).expect("build");
    let run = Command::new(&python)
        .arg(repo().join("tests/interop/stac_interop.py"))
        .arg(output.join(stac::ROOT))
        .arg(mirror())
        .arg(repo().join("content"))
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(run.status.success(), "stac_interop.py failed");
    let (_, library) = demo();
    let local_read = library
        .datasets
        .iter()
        .flat_map(|d| &d.stores)
        .filter(|s| s.local_path.is_some() && matches!(s.crawl, Some(Crawl::Ok { .. })))
        .count();
    assert!(local_read >= 12, "{local_read} local stores read");
    assert!(
        stdout.contains(&format!("ok: {local_read} Zarr assets")),
        "{stdout}"
    );
}

/// pystac walks a paged catalog (items below page catalogs) and validates it offline.
#[test]
fn pystac_reads_a_paged_catalog() {
    let python = repo().join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup-python.sh",
        python.display()
    );
    let library = synthetic_library(3, 120);
    let mut settings = demo_settings(&BuildOptions::for_project(&repo()).expect("almanac.toml"));
    settings.page_size = 50;
    let dir = tempfile::tempdir().expect("tempdir");
    for file in stac::catalog(&library, &Links::new(&library), &settings) {
        let Contents::Json(value) = &file.contents else {
            continue;
        };
        let path = dir.path().join(&file.path);
        fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        fs::write(&path, stac::to_json(value)).expect("write");
    }
    let run = Command::new(&python)
        .arg(repo().join("tests/interop/stac_interop.py"))
        .arg(dir.path().join(stac::ROOT))
        .arg(mirror())
        .arg(repo().join("content"))
        .arg("--no-stores")
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "stac_interop.py failed");
    assert!(
        stdout.contains("walked 3 collections and 360 items"),
        "{stdout}"
    );
}

/// 100,000 stores: 2,999 datasets of one store and one dataset of 97,001 members. No file
/// lists more than the page size of children.
#[test]
fn a_hundred_thousand_stores_stay_browsable() {
    let mut library = synthetic_library(2_999, 1);
    library
        .datasets
        .extend(synthetic_library(1, 97_001).datasets);
    library.datasets[2_999].id = "zz-ensemble".into();
    let stores: usize = library.datasets.iter().map(|d| d.stores.len()).sum();
    assert_eq!(stores, 100_000);
    let settings = Settings {
        content_url: Some("../content/".into()),
        ..demo_settings(&BuildOptions::for_project(&repo()).expect("almanac.toml"))
    };
    let links = Links::new(&library);
    let (mut files, mut items, mut most) = (0, 0, 0);
    let mut largest = String::new();
    stac::for_each_file(&library, &links, &settings, |file| {
        files += 1;
        let Contents::Json(value) = &file.contents else {
            return;
        };
        if value["type"] == "Feature" {
            items += 1;
        }
        let children = value["links"].as_array().map_or(0, |l| {
            l.iter()
                .filter(|l| l["rel"] == "child" || l["rel"] == "item")
                .count()
        });
        if children > most {
            most = children;
            largest.clone_from(&file.path);
        }
    });
    assert_eq!(items, 97_001, "the members of the ensemble are Items");
    assert!(
        most <= stac::DEFAULT_PAGE_SIZE,
        "{largest} lists {most} children"
    );
    // 3,000 collections, 98 pages of items, 3 pages of collections, the root.
    assert_eq!(files, 2_999 + 1 + 97_001 + 98 + 3 + 1);
}
