//! Integration test of the content stage against real metadata: every LEAP
//! and Pangeo Forge sample in `../shared/samples` and the Zanna group's Hugo
//! bibliography load without a crash, valid files without errors, messy ones
//! with the lint diagnostics listed here, and nothing is silently dropped.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use almanac::content::dataset::role_name;
use almanac::content::document::{self, Node, NodeValue};
use almanac::content::identifier;
use almanac::content::{self, Draft, Loaded};
use almanac::diagnostics::{Diagnostic, Diagnostics, Severity};
use almanac::resolve;
use almanac_model::{Dataset, EntityKind, Library, Paper, Reference, Value};

/// The shared samples; the repository sits next to `shared/` (in CI too).
const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/samples");

const CONSOLIDATED: &str =
    "leap/leap-stc__data-management__catalog__output__consolidated-web-catalog.json";
const BIBLIOGRAPHY: &str = "outputs/bibliography/zanna-research-group";
const PROFILE: &str = "outputs/bibliography/zanna-research-group/author_admin_index.md";

fn samples() -> PathBuf {
    let dir = PathBuf::from(SAMPLES);
    assert!(
        dir.is_dir(),
        "the shared samples are missing: expected them at {} (check out `shared/` next to the \
         repository)",
        dir.display()
    );
    dir
}

// --- Diagnostics as `file:line severity[code]`, so that failures print nicely ---

/// A file as shown in failures: relative to the samples folder when inside it.
fn short(file: &str) -> &str {
    file.strip_prefix(SAMPLES)
        .map_or(file, |rest| rest.trim_start_matches('/'))
}

fn render(d: &Diagnostic) -> String {
    let file = short(&d.location.file);
    match d.location.position {
        Some(p) => format!("{file}:{} {}[{}]", p.line, d.severity, d.code),
        None => format!("{file} {}[{}]", d.severity, d.code),
    }
}

/// Every diagnostic with its message, one per line.
fn listing(diagnostics: &Diagnostics) -> String {
    let lines = diagnostics.items().iter();
    let lines = lines.map(|d| format!("  {}: {}", render(d), d.message));
    lines.collect::<Vec<_>>().join("\n")
}

fn rendered(diagnostics: &Diagnostics, code: &str) -> Vec<String> {
    let matching = diagnostics.items().iter().filter(|d| d.code == code);
    matching.map(render).collect()
}

fn errors(diagnostics: &Diagnostics) -> Vec<String> {
    let errors = diagnostics.items().iter();
    let errors = errors.filter(|d| d.severity == Severity::Error);
    errors.map(render).collect()
}

/// The rows of a text table: `a | b | c` per line; blank lines and `#` comments skipped.
fn table(text: &'static str) -> Vec<Vec<&'static str>> {
    let rows = text.lines().map(str::trim);
    let rows = rows.filter(|l| !l.is_empty() && !l.starts_with('#'));
    rows.map(|row| row.split('|').map(str::trim).collect())
        .collect()
}

/// Collects the failures of a table-driven test, to report them all at once.
fn check(failures: &[String]) {
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// --- The feedstock samples: one case per dataset (meta + catalog) or lone file ---

/// One thing to load: a feedstock's `meta.yaml` and/or `catalog.yaml`, or a lone file.
#[derive(Debug)]
struct Case {
    name: String,
    files: Vec<PathBuf>,
}

impl Case {
    /// The file whose name ends with `suffix`.
    fn part(&self, suffix: &str) -> Option<&Path> {
        let mut files = self.files.iter();
        let part = files.find(|f| f.to_string_lossy().ends_with(suffix));
        part.map(PathBuf::as_path)
    }
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let entries = entries.map(|entry| entry.expect("a readable directory entry").path());
    let mut paths: Vec<PathBuf> = entries.collect();
    paths.sort();
    paths
}

fn file_name(path: &Path) -> String {
    let name = path.file_name().expect("a file name");
    name.to_string_lossy().into_owned()
}

/// Every file of `samples/leap` and `samples/pangeo-forge`, read at test time so that
/// a new sample is covered (and must be added to [`EXPECTED`]). `<prefix>__meta.yaml`
/// and `<prefix>__catalog.yaml` are one dataset.
fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for folder in ["leap", "pangeo-forge"] {
        let files = list(&samples().join(folder)).into_iter();
        let files: Vec<PathBuf> = files.filter(|p| p.is_file()).collect();
        assert!(!files.is_empty(), "samples/{folder} holds no samples");
        for path in files {
            let file = file_name(&path);
            let dataset = file.strip_suffix("__meta.yaml");
            let name = dataset.or_else(|| file.strip_suffix("__catalog.yaml"));
            let name = name.unwrap_or(&file).to_owned();
            match cases.iter_mut().find(|case| case.name == name) {
                Some(case) => case.files.push(path),
                None => cases.push(Case {
                    name,
                    files: vec![path],
                }),
            }
        }
    }
    cases
}

/// A sample prefix's dataset id is its repository (`leap-stc__OSTIA_REP__feedstock` → `ostia-rep`).
fn dataset_id(prefix: &str) -> String {
    identifier::slug(prefix.split("__").nth(1).unwrap_or(prefix))
}

/// Loads one case; a panic is caught and returned as its message.
fn load(case: &Case) -> Result<(Loaded, Diagnostics), String> {
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut diagnostics = Diagnostics::new();
        let (meta, catalog) = (case.part("__meta.yaml"), case.part("__catalog.yaml"));
        let loaded = if meta.is_some() || catalog.is_some() {
            let id = dataset_id(&case.name);
            let draft = content::load_dataset_folder(&id, meta, catalog, &mut diagnostics);
            Loaded {
                datasets: draft.into_iter().collect(),
                ..Loaded::default()
            }
        } else {
            content::load_file(&case.files[0], &mut diagnostics)
        };
        (loaded, diagnostics)
    }));
    result.map_err(|payload| {
        let text = payload.downcast_ref::<&str>().map(|s| (*s).to_owned());
        let text = payload.downcast_ref::<String>().cloned().or(text);
        text.unwrap_or_else(|| "no message".into())
    })
}

fn load_case(name: &str) -> (Loaded, Diagnostics) {
    let case = cases().into_iter().find(|c| c.name == name);
    let case = case.unwrap_or_else(|| panic!("no sample `{name}`"));
    load(&case).unwrap_or_else(|e| panic!("{name}: panic: {e}"))
}

/// The dataset of sample `prefix`; `prefix#id` picks one of a catalog's records.
fn load_dataset(prefix: &str) -> Draft<Dataset> {
    let (name, id) = prefix.split_once('#').unwrap_or((prefix, ""));
    let mut datasets = load_case(name).0.datasets;
    if id.is_empty() {
        assert_eq!(datasets.len(), 1, "{name} should load one dataset");
        return datasets.remove(0);
    }
    let found = datasets.into_iter().find(|d| d.entity.id == id);
    found.unwrap_or_else(|| panic!("{name} has no dataset `{id}`"))
}

fn load_sample_file(relative: &str) -> (Loaded, Diagnostics) {
    let path = samples().join(relative);
    assert!(path.is_file(), "missing sample {}", path.display());
    let mut diagnostics = Diagnostics::new();
    let loaded = content::load_file(&path, &mut diagnostics);
    (loaded, diagnostics)
}

fn resolved(loaded: Loaded) -> (Library, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let library = resolve::resolve(loaded, &mut diagnostics);
    (library, diagnostics)
}

fn entity_count(loaded: &Loaded) -> usize {
    let Loaded {
        datasets,
        papers,
        models,
        courses,
        code,
        people,
        organizations,
        label: _,
    } = loaded;
    let counts = [datasets.len(), papers.len(), models.len(), courses.len()];
    counts.iter().sum::<usize>() + code.len() + people.len() + organizations.len()
}

/// A case's diagnostics as `[meta |catalog ]severity[code][ xN]`, sorted.
fn summary(diagnostics: &Diagnostics) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for d in diagnostics.items() {
        let file = &d.location.file;
        let role = if file.ends_with("__meta.yaml") {
            "meta "
        } else if file.ends_with("__catalog.yaml") {
            "catalog "
        } else {
            ""
        };
        let key = format!("{role}{}[{}]", d.severity, d.code);
        *counts.entry(key).or_default() += 1;
    }
    let counted = counts.into_iter();
    let counted = counted.map(|(k, n)| if n == 1 { k } else { format!("{k} x{n}") });
    counted.collect()
}

/// What each sample gives: `sample | entities loaded | diagnostics`, each diagnostic
/// justified by the file's content (the comment above it). Store ids must be id-shaped
/// (lower-case letters, digits, `-`, `_`, `.`): capitals, spaces and brackets get `id-format`.
const EXPECTED: &str = "
# store id `GCB-2023_dataprod_LDEO-HPD_…` (capitals); licence `CC BY` names no version
carbonplan__ocean-carbon-sink-data-feedstock__feedstock | 1 | catalog warning[id-format], \
    meta warning[unknown-license]
# licence `unknown`
leap-stc__CASM__feedstock | 1 | meta warning[unknown-license]
# store id `Caravan - Version 1.6`; a provider's `version` (kept in its extra), role
# `distributor` (host), licence `CC 4.0` (no terms)
leap-stc__Caravan__feedstock | 1 | catalog warning[id-format], meta note[unknown-field], \
    meta warning[provider-role], meta warning[unknown-license]
# `ags:` for `tags:`; roles `research institution` x2 (no STAC equivalent) and `data provider`
# (producer); licence `Creative Commons Attribution 4.0 International (CC BY 4.0)`
leap-stc__GLAB-CSIF__feedstock | 1 | catalog warning[unknown-field], \
    meta warning[license-not-spdx], meta warning[provider-role] x3
# store id `GRACE-GRACE-FO-TWS`; roles `data provider` x2, `research institution` x2;
# licence `Creative Commons Attribution 4.0 (CC BY 4.0)`
leap-stc__GRACE-GRACE-FO-TWS__feedstock | 1 | catalog warning[id-format], \
    meta warning[license-not-spdx], meta warning[provider-role] x4
# licence `Just a Test`
leap-stc__LEAP_template_feedstock__feedstock | 1 | meta warning[unknown-license]
leap-stc__LEAP_template_feedstock__output__single-feedstock-web-catalog.json | 1 | warning[unknown-license]
# the recipe `- id: LLC4320-12hourly` has no `object`, and is kept as it is
leap-stc__LLC4320_12h_3D-regions_feedstock__feedstock | 1 |
# store id `OSTIA-REP`; role `distributor`; the licence is a DOI URL
leap-stc__OSTIA_REP__feedstock | 1 | catalog warning[id-format], meta warning[provider-role], \
    meta warning[unknown-license]
# store id `SRTMGL1-DEM`; roles `data provider` x2, `research institution` x2;
# licence `Creative Commons Attribution 4.0 (CC BY 4.0)`
leap-stc__SRTMGL1_DEM__feedstock | 1 | catalog warning[id-format], \
    meta warning[license-not-spdx], meta warning[provider-role] x4
# roles `data provider` x2; licence `Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 …`
leap-stc__VOD-GLAB__feedstock | 1 | meta warning[license-not-spdx], meta warning[provider-role] x2
# licence `Apache Version 2.0` (the two recipes with only an `id` are kept)
leap-stc__arco-era5_feedstock__feedstock | 1 | meta warning[license-not-spdx]
# licence `Just a Test`
leap-stc__chirps_feedstock__feedstock | 1 | meta warning[unknown-license]
leap-stc__climsim_feedstock__feedstock | 1 |
# a CITATION.cff is code
leap-stc__cmip6-leap-feedstock__CITATION.cff | 1 |
# the catalog lists no stores
leap-stc__cmip6-leap-feedstock__feedstock | 1 | catalog warning[no-stores]
# not library content
leap-stc__data-management__.github__ISSUE_TEMPLATE__new_dataset.yaml | 0 | warning[unsupported-file]
leap-stc__data-management__catalog__input.yaml | 0 | warning[unsupported-file]
# 32 records: CorrDiff's 42 `.nc` store URLs, CM2-O's `\"description\": \"\"`, CMIP6's
# `\"stores\": null`, 15 store ids that are not id-shaped (`OSTIA-REP`, `CESM.zarr`,
# `NOAA Coastwatch Geo-Polar SST`, …), and the free-text licences (9 mapped; 10 not:
# `Open Data`, `Unknown`, `CC-BY`, …) and non-STAC roles (`data provider` x8,
# `research institution` x7, `curator` x4, `distributor` x2, `archive`, `doi`) of the
# feedstocks here and of those not sampled here
leap-stc__data-management__catalog__output__consolidated-web-catalog.json | 32 | \
    warning[id-format] x15, warning[license-not-spdx] x9, warning[missing-field], \
    warning[no-stores], warning[provider-role] x23, warning[store-not-zarr] x42, \
    warning[unknown-license] x10
# licence `unknown`
leap-stc__eNATL_feedstock__feedstock | 1 | meta warning[unknown-license]
# licence `No constraints on data access or use.`
leap-stc__gpcp-feedstock__feedstock | 1 | meta warning[unknown-license]
leap-stc__metaflux_feedstock__feedstock | 1 |
# store id `AVISO (Pangeo Legacy copy)`; role `curator` (processor)
leap-stc__sea-surface-altimetry-data-from-copernicus-feedstock__feedstock | 1 | \
    catalog warning[id-format], meta warning[provider-role]
# an old-style catalog: `data_store_prefix`, `catalog_store_prefix`, `recipes`, no stores
leap-stc__wavewatch3_feedstock__feedstock | 1 | catalog note[unknown-field] x3, catalog warning[no-stores]
pangeo-forge__CMIP6-PMIP-feedstock__feedstock | 1 |
# licence `No constraints on data access or use.`
pangeo-forge__GPM_3IMERGDL-feedstock__feedstock | 1 | meta warning[unknown-license]
pangeo-forge__cesm-atm-025deg-feedstock__feedstock | 1 |
pangeo-forge__cmip6-feedstock__feedstock | 1 |
pangeo-forge__eNATL60-feedstock__feedstock | 1 |
# a provider's `orcid` and `github` (kept in its extra), role `provider` (producer), licence `CC0`
pangeo-forge__liveocean-feedstock__feedstock | 1 | meta note[unknown-field] x2, \
    meta warning[license-not-spdx], meta warning[provider-role]
";

#[test]
fn every_feedstock_sample_loads_with_the_expected_diagnostics() {
    let (cases, expected) = (cases(), table(EXPECTED));
    let mut failures = Vec::new();
    for case in &cases {
        let name = &case.name;
        let (loaded, diagnostics) = match load(case) {
            Ok(result) => result,
            Err(message) => {
                failures.push(format!("{name}: panicked: {message}"));
                continue;
            }
        };
        let (entities, actual) = (entity_count(&loaded), summary(&diagnostics));
        let all = listing(&diagnostics);
        let Some(row) = expected.iter().find(|row| row[0] == name) else {
            let found = format!("{entities} | {actual:?}");
            failures.push(format!("{name}: not in EXPECTED: {found}\n{all}"));
            continue;
        };
        if entities.to_string() != row[1] {
            failures.push(format!("{name}: {entities} entities, expected {}", row[1]));
        }
        let want: Vec<&str> = row[2].split(", ").filter(|c| !c.is_empty()).collect();
        if actual != want {
            let diff = format!("expected {want:?}\n  found    {actual:?}");
            failures.push(format!("{name}:\n  {diff}\n{all}"));
        }
        // Nothing in these samples is an error; unknown fields are notes or typo warnings.
        let errors = errors(&diagnostics);
        if !errors.is_empty() {
            failures.push(format!("{name}: errors {errors:?}"));
        }
    }
    for name in expected.iter().map(|row| row[0]) {
        if !cases.iter().any(|c| c.name == name) {
            failures.push(format!("{name}: in EXPECTED but there is no such sample"));
        }
    }
    let count = cases.len();
    let differ = failures.len();
    assert!(
        failures.is_empty(),
        "{differ} of {count} samples differ:\n\n{}",
        failures.join("\n\n")
    );
}

/// Diagnostics that must point at these lines of the samples.
const AT_LINES: &[&str] = &[
    // `ags:` is the second line of the catalog.
    "leap/leap-stc__GLAB-CSIF__feedstock__catalog.yaml:2 warning[unknown-field]",
    // `research institution`, `data provider`, `research institution`, the licence.
    "leap/leap-stc__GLAB-CSIF__feedstock__meta.yaml:11 warning[provider-role]",
    "leap/leap-stc__GLAB-CSIF__feedstock__meta.yaml:16 warning[provider-role]",
    "leap/leap-stc__GLAB-CSIF__feedstock__meta.yaml:17 warning[provider-role]",
    "leap/leap-stc__GLAB-CSIF__feedstock__meta.yaml:24 warning[license-not-spdx]",
    // The provider's `version`, its role `distributor`, the licence, the store's `id`.
    "leap/leap-stc__Caravan__feedstock__meta.yaml:11 note[unknown-field]",
    "leap/leap-stc__Caravan__feedstock__meta.yaml:13 warning[provider-role]",
    "leap/leap-stc__Caravan__feedstock__meta.yaml:15 warning[unknown-license]",
    "leap/leap-stc__Caravan__feedstock__catalog.yaml:10 warning[id-format]",
    "leap/leap-stc__sea-surface-altimetry-data-from-copernicus-feedstock__feedstock__catalog.yaml:15 warning[id-format]",
    "leap/leap-stc__LEAP_template_feedstock__feedstock__meta.yaml:11 warning[unknown-license]",
    "leap/leap-stc__wavewatch3_feedstock__feedstock__catalog.yaml:2 note[unknown-field]",
    "pangeo-forge/pangeo-forge__liveocean-feedstock__feedstock__meta.yaml:15 note[unknown-field]",
    "pangeo-forge/pangeo-forge__liveocean-feedstock__feedstock__meta.yaml:18 warning[provider-role]",
    "pangeo-forge/pangeo-forge__liveocean-feedstock__feedstock__meta.yaml:21 warning[license-not-spdx]",
    // The first `.nc` store URL, CM2-O's record (no description), CMIP6's `"stores": null`,
    // `"roles": ["archive", "doi"]`, Caravan's store id.
    "leap/leap-stc__data-management__catalog__output__consolidated-web-catalog.json:39 warning[store-not-zarr]",
    "leap/leap-stc__data-management__catalog__output__consolidated-web-catalog.json:849 warning[missing-field]",
    "leap/leap-stc__data-management__catalog__output__consolidated-web-catalog.json:934 warning[no-stores]",
    "leap/leap-stc__data-management__catalog__output__consolidated-web-catalog.json:1618 warning[provider-role]",
    "leap/leap-stc__data-management__catalog__output__consolidated-web-catalog.json:2089 warning[id-format]",
];

#[test]
fn diagnostics_point_at_the_offending_line() {
    let mut all = Vec::new();
    for case in cases() {
        let (_, diagnostics) = load(&case).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        all.extend(diagnostics.items().iter().map(render));
    }
    let missing = AT_LINES
        .iter()
        .filter(|want| !all.iter().any(|d| d == *want));
    let missing: Vec<&&str> = missing.collect();
    let all = all.join("\n");
    assert!(missing.is_empty(), "missing {missing:#?}\namong\n{all}");
}

// --- What each dataset keeps ---

/// `sample[#record id] | JSON pointer into the dataset as serialised | value` (`-`: absent).
const KEPT: &str = "
# `ags:` is read as `tags:`, and not kept a second time in `extra`.
leap-stc__GLAB-CSIF__feedstock | /tags/0 | solar-induced chlorophyll fluorescence
leap-stc__GLAB-CSIF__feedstock | /tags/7 | LCSPP
leap-stc__GLAB-CSIF__feedstock | /tags/8 | -
leap-stc__GLAB-CSIF__feedstock | /extra/ags | -
# Known fields without a field of their own go to `extra`, without a note.
pangeo-forge__cmip6-feedstock__feedstock | /extra/pangeo_forge_version | 0.8.3
pangeo-forge__cmip6-feedstock__feedstock | /extra/pangeo_notebook_version | 2021.12.02
pangeo-forge__CMIP6-PMIP-feedstock__feedstock | /extra/pangeo_notebook_version | 2021.12.02
pangeo-forge__GPM_3IMERGDL-feedstock__feedstock | /extra/pangeo_notebook_version | 2022.06.02
pangeo-forge__liveocean-feedstock__feedstock | /extra/pangeo_forge_version | 0.9.0
pangeo-forge__liveocean-feedstock__feedstock | /extra/pangeo_notebook_version | 2022.07.13
pangeo-forge__cesm-atm-025deg-feedstock__feedstock | /extra/pangeo_forge_version | 0.8.3
pangeo-forge__cesm-atm-025deg-feedstock__feedstock | /extra/pangeo_notebook_version | 2022.05.02
leap-stc__GRACE-GRACE-FO-TWS__feedstock | /extra/contact/email | grace@nasa.gov
# A provider's unknown keys go to its own `extra` (the unknown-field notes say so).
pangeo-forge__liveocean-feedstock__feedstock | /providers/0/extra/orcid | 0000-0002-8070-8062
pangeo-forge__liveocean-feedstock__feedstock | /providers/0/extra/github | parkermac
leap-stc__Caravan__feedstock | /providers/0/extra/version | 1.6
# `license_link: {title, url}`: both kept.
leap-stc__sea-surface-altimetry-data-from-copernicus-feedstock__feedstock | /license/link_title | \
    Service Commitments and Licence
leap-stc__data-management__catalog__output__consolidated-web-catalog.json#eobs-feedstock | \
    /license/link_title | ECA&D and E-OBS terms and conditions of use
# Recipes with only an `id` are kept, without an object.
leap-stc__LLC4320_12h_3D-regions_feedstock__feedstock | /feedstock/recipes/0/id | LLC4320-12hourly
leap-stc__LLC4320_12h_3D-regions_feedstock__feedstock | /feedstock/recipes/0/object | -
leap-stc__arco-era5_feedstock__feedstock | /feedstock/recipes/0/id | 0_25_deg_pressure_surface_levels
leap-stc__arco-era5_feedstock__feedstock | /feedstock/recipes/1/id | 0_25_deg_model_levels
# Store ids that are not id-shaped are reported (EXPECTED), and kept as written.
leap-stc__Caravan__feedstock | /stores/0/id | Caravan - Version 1.6
# An old-style catalog's unknown keys.
leap-stc__wavewatch3_feedstock__feedstock | /extra/data_store_prefix | \
    gs://leap-scratch/jbusecke/proto_feedstock/latest/data
leap-stc__wavewatch3_feedstock__feedstock | /extra/catalog_store_prefix | \
    gs://leap-scratch/jbusecke/proto_feedstock/latest/catalog
# A web-catalog store's `public` and `xarray_open_kwargs`.
leap-stc__LEAP_template_feedstock__output__single-feedstock-web-catalog.json | /stores/0/public | false
leap-stc__LEAP_template_feedstock__output__single-feedstock-web-catalog.json | \
    /stores/0/xarray_open_kwargs/engine | zarr
";

/// The value at `pointer`, as text; `-` when there is none.
fn text_at(value: &serde_json::Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        None => "-".into(),
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

#[test]
fn fields_without_a_place_of_their_own_are_kept() {
    let mut failures = Vec::new();
    for row in table(KEPT) {
        let dataset = load_dataset(row[0]).entity;
        let json = serde_json::to_value(&dataset).expect("a dataset serialises");
        let found = text_at(&json, row[1]);
        let (sample, pointer, want) = (row[0], row[1], row[2]);
        if found != want {
            failures.push(format!("{sample} {pointer}: `{found}`, expected `{want}`"));
        }
    }
    check(&failures);
}

#[test]
fn consolidated_catalog_keeps_every_record_and_store() {
    let (loaded, _) = load_sample_file(CONSOLIDATED);
    let datasets: Vec<&Dataset> = loaded.datasets.iter().map(|d| &d.entity).collect();
    // Every record is a dataset with an id of its own.
    let mut ids: Vec<&str> = datasets.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 32);
    // NetCDF files declared as stores are reported (see EXPECTED), and still listed.
    let corrdiff = datasets.iter().find(|d| d.id == "corrdiff-feedstock");
    let netcdf = corrdiff.expect("CorrDiff").stores.iter();
    assert_eq!(netcdf.filter(|s| s.url.ends_with(".nc")).count(), 42);
    // Store fields without a place of their own go to `store.extra`; nulls are nothing to keep.
    let stores: Vec<_> = datasets.iter().flat_map(|d| &d.stores).collect();
    let geospatial = Some(&Value::Bool(true));
    let count = stores
        .iter()
        .filter(|s| s.extra.get("geospatial") == geospatial);
    let count = count.count();
    assert!(
        count >= 10,
        "stores with `geospatial: true` in extra: {count}"
    );
    let nulls = stores
        .iter()
        .filter(|s| s.extra.values().any(|v| *v == Value::Null));
    assert_eq!(nulls.count(), 0, "stores with null values in extra");
    // The three `license_link`s keep their titles.
    let titles = datasets
        .iter()
        .filter_map(|d| d.license.link_title.as_deref());
    let want = [
        "ECA&D and E-OBS terms and conditions of use",
        "UK Non-Commercial Government License",
        "Service Commitments and Licence",
    ];
    assert_eq!(titles.collect::<Vec<_>>(), want);
}

#[test]
fn catalog_keys_named_like_meta_fields_are_kept() {
    // The catalog's `recipes:` is a mapping (`small: {pyramid_store_path, extra_metadata}`),
    // not meta.yaml's recipe list, which is read.
    let wavewatch = load_dataset("leap-stc__wavewatch3_feedstock__feedstock");
    let extra = wavewatch.entity.extra;
    let recipes = extra.get("recipes");
    let small = matches!(recipes, Some(Value::Map(map)) if map.contains_key("small"));
    assert!(small, "{extra:?}");
}

#[test]
fn citations_are_kept_as_text_with_their_doi() {
    let grace = load_dataset("leap-stc__GRACE-GRACE-FO-TWS__feedstock");
    let (library, _) = resolved(Loaded {
        datasets: vec![grace],
        ..Loaded::default()
    });
    let citations = &library.datasets[0].citations;
    // `doi | parts of the text`: authors, year, title, journal, volume, pages.
    let want = table(
        "10.1029/2011WR011453 | Landerer, F.W., Swenson, S.C | 2012 | \
            Accuracy of scaled GRACE terrestrial water storage estimates. | \
            Water Resources Research, 48, W04531
        10.1029/98JB02844 | Wahr, J., Molenaar, M., & Bryan, F | 1998 | \
            Time-variable gravity from satellite observations. | \
            Journal of Geophysical Research, 103, 30205-30229",
    );
    assert_eq!(citations.len(), want.len(), "{citations:#?}");
    for (citation, row) in citations.iter().zip(want) {
        let doi = row[0];
        assert_eq!(citation.doi.as_deref(), Some(doi));
        for part in &row[1..] {
            assert!(citation.text.contains(part), "`{part}` in {citation:?}");
        }
        // No paper of this library has the DOI: the reference is the DOI link.
        let Some(Reference::External { url, .. }) = &citation.reference else {
            panic!("no DOI link: {citation:?}");
        };
        assert_eq!(*url, format!("https://doi.org/{doi}"));
    }
}

#[test]
fn citation_authors_keep_their_last_initial() {
    let grace = load_dataset("leap-stc__GRACE-GRACE-FO-TWS__feedstock");
    let citations = grace.entity.citations;
    let texts: Vec<&str> = citations.iter().map(|c| c.text.as_str()).collect();
    assert!(texts[0].contains("Swenson, S.C."), "{texts:?}");
    assert!(texts[1].contains("& Bryan, F."), "{texts:?}");
}

/// `sample | SPDX id | licence as written`: free text mapped to SPDX where the
/// meaning is unambiguous, `other` where not; the text is always kept.
const LICENSES: &str = "
leap-stc__GLAB-CSIF__feedstock | CC-BY-4.0 | Creative Commons Attribution 4.0 International (CC BY 4.0)
leap-stc__GRACE-GRACE-FO-TWS__feedstock | CC-BY-4.0 | Creative Commons Attribution 4.0 (CC BY 4.0)
leap-stc__VOD-GLAB__feedstock | CC-BY-NC-ND-4.0 | Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International (CC BY-NC-ND 4.0)
leap-stc__arco-era5_feedstock__feedstock | Apache-2.0 | Apache Version 2.0
pangeo-forge__liveocean-feedstock__feedstock | CC0-1.0 | CC0
leap-stc__LLC4320_12h_3D-regions_feedstock__feedstock | CC-BY-NC-4.0 | CC-BY-NC-4.0
leap-stc__sea-surface-altimetry-data-from-copernicus-feedstock__feedstock | proprietary | proprietary
leap-stc__LEAP_template_feedstock__feedstock | other | Just a Test
carbonplan__ocean-carbon-sink-data-feedstock__feedstock | other | CC BY
leap-stc__Caravan__feedstock | other | CC 4.0
leap-stc__OSTIA_REP__feedstock | other | https://doi.org/10.48670/moi-00168
pangeo-forge__GPM_3IMERGDL-feedstock__feedstock | other | No constraints on data access or use.
";

#[test]
fn licences_are_mapped_to_spdx_and_kept_as_written() {
    let mut failures = Vec::new();
    for row in table(LICENSES) {
        let license = load_dataset(row[0]).entity.license;
        if license.spdx.as_deref() != Some(row[1]) || license.text != row[2] {
            failures.push(format!("{}: {license:?}", row[0]));
        }
    }
    check(&failures);
    // `proprietary` with a `license_link` takes the link's URL, and its title.
    let prefix = "leap-stc__sea-surface-altimetry-data-from-copernicus-feedstock__feedstock";
    let license = load_dataset(prefix).entity.license;
    let link = "https://marine.copernicus.eu/user-corner/service-commitments-and-licence";
    assert_eq!(license.url.as_deref(), Some(link));
    let title = license.link_title.as_deref();
    assert_eq!(title, Some("Service Commitments and Licence"));
}

/// `sample | provider | STAC roles | other roles`: non-STAC roles are mapped where
/// possible (`data provider`, `provider` → producer; `distributor` → host; `curator` →
/// processor) and kept as text where not.
const ROLES: &str = "
leap-stc__GLAB-CSIF__feedstock | Columbia University | producer | research institution
leap-stc__GLAB-CSIF__feedstock | Seoul National University | producer | research institution
leap-stc__OSTIA_REP__feedstock | NASA PODAAC | producer host |
leap-stc__Caravan__feedstock | Zendodo | licensor host |
leap-stc__sea-surface-altimetry-data-from-copernicus-feedstock__feedstock | LEAP | processor |
pangeo-forge__liveocean-feedstock__feedstock | Parker MacCready | licensor producer |
pangeo-forge__cesm-atm-025deg-feedstock__feedstock | National Center for Atmospheric Research | \
    licensor producer processor |
";

#[test]
fn provider_roles_are_mapped_to_stac() {
    let mut failures = Vec::new();
    for row in table(ROLES) {
        let dataset = load_dataset(row[0]).entity;
        let Some(provider) = dataset.providers.iter().find(|p| p.name == row[1]) else {
            failures.push(format!("{}: no provider `{}`", row[0], row[1]));
            continue;
        };
        let roles: Vec<&str> = provider.roles.iter().map(|r| role_name(*r)).collect();
        let other = &provider.other_roles;
        if roles.join(" ") != row[2] || other.join(" ") != row[3] {
            failures.push(format!("{} / {}: {roles:?} {other:?}", row[0], row[1]));
        }
    }
    check(&failures);
}

#[test]
fn orcids_with_and_without_prefix_are_one_person() {
    // meta.yaml writes the ORCIDs bare, CITATION.cff as https://orcid.org/ URLs.
    let cmip6 = load_dataset("leap-stc__cmip6-leap-feedstock__feedstock");
    let (citation, _) = load_sample_file("leap/leap-stc__cmip6-leap-feedstock__CITATION.cff");
    assert_eq!(citation.code.len(), 1);
    let cff_orcid = citation.code[0].agents[0].orcid.as_deref();
    assert_eq!(cff_orcid, Some("https://orcid.org/0000-0001-8571-865X"));
    let meta_orcid = cmip6.agents[0].orcid.as_deref();
    assert_eq!(meta_orcid, Some("0000-0001-8571-865X"));

    let (library, diagnostics) = resolved(Loaded {
        datasets: vec![cmip6],
        code: citation.code,
        ..Loaded::default()
    });
    assert!(errors(&diagnostics).is_empty(), "{}", listing(&diagnostics));
    // `ORCID | name in meta.yaml | name in CITATION.cff`
    let same = table(
        "0000-0001-8571-865X | Julius Busecke | Julius J. M. Busecke
        0000-0002-4078-0852 | Charles Stern | Charles I. Stern",
    );
    let (maintainers, authors) = (&library.datasets[0].maintainers, &library.code[0].authors);
    for row in same {
        let (orcid, meta_name, cff_name) = (row[0], row[1], row[2]);
        let people = library.people.iter();
        let people = people.filter(|p| p.orcid.as_deref() == Some(orcid));
        let people: Vec<_> = people.collect();
        let all = &library.people;
        assert_eq!(people.len(), 1, "one person for {orcid}: {all:?}");
        let id = Some(people[0].id.as_str());
        let maintainer = maintainers.iter().find(|a| a.name == meta_name);
        let author = authors.iter().find(|a| a.name == cff_name);
        let maintainer = maintainer.expect(meta_name).person.as_deref();
        assert_eq!(maintainer, id, "{meta_name}");
        assert_eq!(author.expect(cff_name).person.as_deref(), id, "{cff_name}");
    }

    // A prefixed ORCID on its own is stored bare too.
    let prefixed = table(
        "leap-stc__eNATL_feedstock__feedstock | 0000-0003-1994-1153
        leap-stc__climsim_feedstock__feedstock | 0000-0002-5631-889X",
    );
    for row in prefixed {
        let datasets = vec![load_dataset(row[0])];
        let people = resolved(Loaded {
            datasets,
            ..Loaded::default()
        });
        let people = people.0.people;
        let found = people.iter().any(|p| p.orcid.as_deref() == Some(row[1]));
        assert!(found, "{}: {people:?}", row[0]);
    }
}

/// `sample | recipes as id = object dict_object`: a list of `id`/`object` recipes, a
/// `dict_object` as a mapping (`recipes: {dict_object: …}`) or in a list, or only an `id`.
const RECIPES: &str = "
pangeo-forge__eNATL60-feedstock__feedstock | \
    eNATL60_wtides_1d_mld = recipe:eNATL60_wtides_1d_mld false, \
    eNATL60_wtides_1d_tsw60m = recipe:eNATL60_wtides_1d_tsw60m false, \
    eNATL60_wtides_1d_tsw600m = recipe:eNATL60_wtides_1d_tsw600m false
pangeo-forge__cmip6-feedstock__feedstock | recipes = recipe:recipes true
pangeo-forge__CMIP6-PMIP-feedstock__feedstock | recipes = recipe:recipes true
leap-stc__cmip6-leap-feedstock__feedstock | recipes = recipe:recipes true
leap-stc__LLC4320_12h_3D-regions_feedstock__feedstock | LLC4320-12hourly = - false
leap-stc__arco-era5_feedstock__feedstock | 0_25_deg_pressure_surface_levels = - false, \
    0_25_deg_model_levels = - false
";

#[test]
fn recipes_as_a_list_a_dict_object_or_an_id() {
    let mut failures = Vec::new();
    for row in table(RECIPES) {
        let recipes = load_dataset(row[0]).entity.feedstock.recipes;
        let recipes = recipes.iter().map(|r| {
            let object = r.object.as_deref().unwrap_or("-");
            format!("{} = {object} {}", r.id, r.dict_object)
        });
        let recipes = recipes.collect::<Vec<_>>().join(", ");
        if recipes != row[1] {
            failures.push(format!("{}: {recipes}", row[0]));
        }
    }
    check(&failures);
    let liveocean = load_dataset("pangeo-forge__liveocean-feedstock__feedstock");
    let bakery = liveocean.entity.feedstock.bakery;
    assert_eq!(bakery.as_deref(), Some("pangeo-ldeo-nsf-earthcube"));
}

// --- Never a silent drop: every value of a source file is loaded or reported ---

/// A scalar of a source file: its text, its line, and the lines of the collections around it.
type Leaf = (String, usize, Vec<usize>);

/// The scalars under `node`. The `root` (the document itself) is no ancestor: a
/// diagnostic at its first line is about that line, not about every value of the file.
fn leaves(node: &Node, ancestors: &mut Vec<usize>, out: &mut Vec<Leaf>, root: bool) {
    let children: Vec<&Node> = match &node.value {
        NodeValue::Mapping(entries) => entries.iter().map(|(_, value)| value).collect(),
        NodeValue::Sequence(items) => items.iter().collect(),
        NodeValue::Null | NodeValue::Bool(_) => return,
        NodeValue::String(_) | NodeValue::Integer(_) | NodeValue::Float(_) => {
            let text = node.as_text().unwrap_or_default().trim().to_owned();
            if !text.is_empty() {
                out.push((text, node.position.line, ancestors.clone()));
            }
            return;
        }
    };
    if !root {
        ancestors.push(node.position.line);
    }
    for child in children {
        leaves(child, ancestors, out, false);
    }
    if !root {
        ancestors.pop();
    }
}

/// Values of `node` (the document `name`) that appear nowhere in the resolved library
/// and that no warning or error (at their line or an enclosing collection's) accounts
/// for, as `name:line`. Diagnostics that something is missing account for nothing.
fn dropped(name: &str, node: &Node, library: &Library, diagnostics: &Diagnostics) -> Vec<String> {
    let output = serde_json::to_string(library).expect("the library serialises");
    let kept = |text: &str| {
        let escaped = serde_json::to_string(text).expect("a string serialises");
        output.contains(&escaped[1..escaped.len() - 1])
    };
    let absence = ["missing-field", "missing-file", "no-stores"];
    let reported = diagnostics.items().iter().filter(|d| {
        d.severity != Severity::Note
            && d.location.file.ends_with(name)
            && !absence.contains(&d.code)
    });
    let reported: Vec<usize> = reported
        .filter_map(|d| d.location.position.map(|p| p.line))
        .collect();
    let mut values = Vec::new();
    leaves(node, &mut Vec::new(), &mut values, true);
    values.retain(|(value, line, ancestors)| {
        // ORCIDs, DOIs and GitHub handles are stored bare.
        let bare = match identifier::orcid(value) {
            identifier::Orcid::Valid(bare) => Some(bare),
            _ => identifier::doi(value).or_else(|| identifier::github(value)),
        };
        !kept(value)
            && !bare.is_some_and(|bare| kept(&bare))
            && !reported.contains(line)
            && !ancestors.iter().any(|a| reported.contains(a))
    });
    let values = values.into_iter();
    values
        .map(|(value, line, _)| format!("{name}:{line} `{value}`"))
        .collect()
}

fn parse(path: &Path, front_matter: bool) -> Node {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (yaml, offset) = if front_matter {
        let split = document::split_front_matter(&text);
        (split.yaml.to_owned(), split.yaml_line_offset)
    } else {
        (text, 0)
    };
    document::parse_yaml(&yaml, offset)
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message))
}

/// Values dropped today without a word, as `file:line,line…`, each with its reason.
/// When one is kept, the test asks for its entry to go.
/// Values that are neither loaded nor reported, as `file:line,line`. Empty: a
/// value that starts being dropped fails the test below.
const KNOWN_DROPS: &[&str] = &[];

#[test]
fn no_value_of_a_source_file_is_silently_dropped() {
    let mut drops = Vec::new();
    for case in cases() {
        let Ok((loaded, mut diagnostics)) = load(&case) else {
            continue; // every_feedstock_sample_loads_with_the_expected_diagnostics reports it
        };
        if loaded.datasets.is_empty() {
            continue; // not dataset metadata: the issue form, the catalog input, CITATION.cff
        }
        let library = resolve::resolve(loaded, &mut diagnostics);
        for file in &case.files {
            let node = parse(file, false);
            drops.extend(dropped(&file_name(file), &node, &library, &diagnostics));
        }
    }
    // The Hugo author profile's front matter.
    let (loaded, mut diagnostics) = load_sample_file(PROFILE);
    let library = resolve::resolve(loaded, &mut diagnostics);
    let node = parse(&samples().join(PROFILE), true);
    let profile = dropped("author_admin_index.md", &node, &library, &diagnostics);
    drops.extend(profile);

    let known = KNOWN_DROPS.iter().flat_map(|entry| {
        let (file, lines) = entry.rsplit_once(':').expect("file:lines");
        lines.split(',').map(move |line| format!("{file}:{line}"))
    });
    let known: Vec<String> = known.collect();
    let at = |drop: &String| drop.split(' ').next().unwrap_or_default().to_owned();
    let new: Vec<&String> = drops.iter().filter(|d| !known.contains(&at(d))).collect();
    let fixed = known.iter().filter(|k| !drops.iter().any(|d| at(d) == **k));
    let fixed: Vec<&String> = fixed.collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "values neither loaded nor reported: {new:#?}\nin KNOWN_DROPS but now kept (delete them): \
         {fixed:?}"
    );
}

// --- The bibliography: Hugo Academic publication bundles and BibTeX ---

/// Folders of `publication/` that are page bundles (`<slug>/index.md`).
fn bundles() -> Vec<String> {
    let dir = samples().join(BIBLIOGRAPHY).join("publication");
    let bundles = list(&dir).into_iter();
    let bundles = bundles.filter(|path| path.join("index.md").is_file());
    bundles.map(|path| file_name(&path)).collect()
}

fn load_publications() -> (Loaded, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let dir = samples().join(BIBLIOGRAPHY).join("publication");
    let label = "zanna-research-group";
    let loaded = content::load_kind_folder(EntityKind::Paper, &dir, label, &mut diagnostics);
    (loaded, diagnostics)
}

fn paper<'a>(loaded: &'a Loaded, id: &str) -> &'a Draft<Paper> {
    let paper = loaded.papers.iter().find(|p| p.entity.id == id);
    paper.unwrap_or_else(|| panic!("no paper `{id}`"))
}

fn check_papers(loaded: &Loaded) {
    for paper in &loaded.papers {
        let (id, title) = (&paper.entity.id, &paper.entity.title);
        assert!(!title.is_empty() && title != id, "{id} has no title");
        assert!(!paper.agents.is_empty(), "{id} has no authors");
    }
}

#[test]
fn publication_bundles_load_as_papers_without_errors() {
    let bundles = bundles();
    let (loaded, diagnostics) = load_publications();
    let ids: Vec<&str> = loaded.papers.iter().map(|p| p.entity.id.as_str()).collect();
    assert_eq!(
        ids, bundles,
        "one paper per bundle; `_index.md` is the section page"
    );
    check_papers(&loaded);
    // Hugo's `doi: ''` (Liu, gregory-b, newsom-2023, wu) is no DOI, and no schema error.
    let errors = errors(&diagnostics);
    assert!(
        errors.is_empty(),
        "errors in valid Hugo bundles: {errors:#?}"
    );
    let doi = |id: &str| paper(&loaded, id).entity.doi.clone();
    let none = ["Liu-et-al-2021", "gregory-et-al-2023b", "wu-et-al-2023"];
    for id in none {
        assert_eq!(doi(id), None, "{id}: `doi: ''` is no DOI");
    }
    let dois = [
        // newsom-et-al-2023's cite.bib has `eprint={2307.11902}`.
        ("newsom-et-al-2023", "10.48550/arXiv.2307.11902"),
        ("yu-et-al-2023", "10.48550/arXiv.2306.08754"),
        ("guillaumin-zanna-2021", "10.1029/2021MS002534"),
        // `doi: 'https://doi.org/10.48550/arXiv:2306.09045'` is fixed and reported.
        ("sane-et-al-2023", "10.48550/arXiv.2306.09045"),
    ];
    for (id, want) in dois {
        assert_eq!(doi(id).as_deref(), Some(want), "{id}");
    }
    let sane = "zanna-research-group/publication/sane-et-al-2023/index.md:9 warning[malformed-doi]";
    assert_eq!(rendered(&diagnostics, "malformed-doi"), [sane]);

    // Capitalised folder names make ids that are not URL-safe.
    let capitalised = bundles.iter().filter(|b| b.chars().any(char::is_uppercase));
    let capitalised = capitalised
        .map(|b| format!("zanna-research-group/publication/{b}/index.md warning[id-format]"));
    let capitalised: Vec<String> = capitalised.collect();
    assert_eq!(rendered(&diagnostics, "id-format"), capitalised);
    // Hugo keys Almanac does not read (`url_poster`) are notes.
    let notes = diagnostics.items().iter();
    for d in notes.filter(|d| d.severity == Severity::Note) {
        assert_eq!(d.code, "unknown-field", "{}", render(d));
    }
}

/// `bundle | its own title | its first author | the title of the paper its cite.bib
/// (as published) describes instead`.
const MISMATCHED: &str = "
camps-valls-et-al-2023 | Discovering causal relations and equations from data | G. Camps-Valls | \
    ClimSim: An open large-scale dataset
falasca-et-al-2023b | Causal inference in spatiotemporal climate fields through linear response \
    theory | Fabrizio_Falasca | Exploring the nonstationarity of coastal sea level
gregory-et-al-2023 | Deep learning of systematic sea ice model errors from data assimilation \
    increments | W. Gregory | Generative data-driven approaches
perezhogin-et-al-2023 | Generative data-driven approaches for stochastic subgrid \
    parameterizations in an idealized ocean model | Pavel_Perezhogin | \
    Deep learning of systematic sea ice
";

#[test]
fn publication_cite_bib_fills_gaps_and_reports_malformed_entries() {
    let (loaded, diagnostics) = load_publications();
    let dir = samples().join(BIBLIOGRAPHY).join("publication");
    let mismatched: Vec<&str> = table(MISMATCHED).iter().map(|row| row[0]).collect();
    for bundle in bundles() {
        if dir.join(&bundle).join("cite.bib").is_file() && !mismatched.contains(&&*bundle) {
            let bibtex = &paper(&loaded, &bundle).entity.bibtex;
            assert!(bibtex.is_some(), "{bundle}: cite.bib not merged");
        }
    }
    // Hugo lists `admin` and initials; cite.bib has the full author list.
    assert_eq!(paper(&loaded, "Liu-et-al-2021").agents.len(), 11);
    // `year={…}` without a comma, then `abstract` (Ross) or `keywords` (Yankovsky), on line 9.
    let at = |bundle: &str| {
        format!("zanna-research-group/publication/{bundle}/cite.bib:9 warning[bibtex]")
    };
    let want = [at("Ross-et-al-2022"), at("Yankovsky-2022")];
    assert_eq!(rendered(&diagnostics, "bibtex"), want);
    // The rest of a malformed entry still loads.
    let yankovsky = paper(&loaded, "Yankovsky-2022").entity.bibtex.as_deref();
    let eddies = yankovsky.is_some_and(|b| b.contains("Mesoscale eddies"));
    assert!(eddies, "{yankovsky:?}");
}

#[test]
fn mismatched_cite_bib_is_reported_not_merged() {
    let (loaded, diagnostics) = load_publications();
    let rows = table(MISMATCHED);
    // Each is reported at its entry, the first line of cite.bib.
    let at = |row: &Vec<&str>| {
        let bundle = row[0];
        format!("zanna-research-group/publication/{bundle}/cite.bib:1 warning[bibtex-mismatch]")
    };
    let want: Vec<String> = rows.iter().map(at).collect();
    assert_eq!(rendered(&diagnostics, "bibtex-mismatch"), want);
    let mut failures = Vec::new();
    for row in &rows {
        let (bundle, title, first_author, other) = (row[0], row[1], row[2], row[3]);
        let paper = paper(&loaded, bundle);
        if paper.entity.title != title {
            failures.push(format!("{bundle}: titled `{}`", paper.entity.title));
        }
        let bibtex = paper.entity.bibtex.as_deref().unwrap_or_default();
        if bibtex.contains(other) {
            failures.push(format!("{bundle}: carries the BibTeX of `{other}`"));
        }
        let agents = &paper.agents;
        if agents.iter().any(|a| a.location.file.ends_with("cite.bib")) {
            failures.push(format!("{bundle}: authors from the cite.bib of `{other}`"));
        }
        if agents.first().and_then(|a| a.name.as_deref()) != Some(first_author) {
            failures.push(format!("{bundle}: authors {agents:?}"));
        }
    }
    check(&failures);
}

#[test]
fn bibliography_bib_file_loads_every_entry() {
    let (loaded, diagnostics) = load_sample_file(&format!("{BIBLIOGRAPHY}/all-2021plus.bib"));
    // 27 entries under 25 keys: falasca_brettin_… and yu2023climsim are there twice.
    let ids: Vec<&str> = loaded.papers.iter().map(|p| p.entity.id.as_str()).collect();
    assert_eq!(ids.len(), 25, "{ids:?}");
    check_papers(&loaded);
    assert!(errors(&diagnostics).is_empty(), "{}", listing(&diagnostics));
    // `year={2023}` and `year={2022}` without a comma; the next field starts on lines 89 and 99.
    let file = format!("{BIBLIOGRAPHY}/all-2021plus.bib");
    let at = |line: usize| format!("{file}:{line} warning[bibtex]");
    assert_eq!(rendered(&diagnostics, "bibtex"), [at(89), at(99)]);

    let by_key = |key: &str| {
        let id = identifier::slug(key);
        let paper = loaded.papers.iter().find(|p| p.entity.id == id);
        paper.unwrap_or_else(|| panic!("no entry `{key}`"))
    };
    let names = |key: &str| {
        let names = by_key(key).agents.iter().filter_map(|a| a.name.clone());
        names.collect::<Vec<_>>()
    };
    // Authors are split on `and`; `Last, First` becomes `First Last`.
    let couldrey = names("Couldrey2022");
    assert_eq!(couldrey.len(), 17);
    assert_eq!(couldrey[0], "Matthew Couldrey");
    assert!(couldrey.iter().any(|n| n == "Armin Köhl"), "{couldrey:?}");
    assert_eq!(names("yu2023climsim").len(), 53);
    assert_eq!(names("ross2023benchmarking").len(), 5);
    // The fields after a missing comma still load; DOIs as URLs and arXiv eprints become DOIs.
    let yankovsky = &by_key("yankovsky2022influences").entity;
    assert_eq!(yankovsky.doi.as_deref(), Some("10.1029/2022MS003203"));
    let tags = ["Mesoscale eddies", "Parameterization", "Idealized modeling"];
    assert_eq!(yankovsky.tags, tags);
    let climsim = by_key("yu2023climsim").entity.doi.as_deref();
    assert_eq!(climsim, Some("10.48550/arXiv.2306.08754"));
    assert_eq!(by_key("Loose2022").entity.year, Some(2022));
    // Quoted values, `@article {` with a space, and an entry right after a `}`.
    let relating = by_key("Relatingpatternsofaddedandredistributedoceanwarming");
    let relating = relating.entity.doi.as_deref();
    assert_eq!(relating, Some("10.1175/JCLI-D-21-0827.1"));
    let cheng = &by_key("article-cheng").entity.title;
    assert_eq!(cheng, "Past and future ocean warming");
}

/// Hugo project pages: neither publications nor people, so not library content.
const PROJECT_PAGES: &[&str] = &[
    "projects/Data_Science_Climate.index.md",
    "projects/LEAP.index.md",
    "projects/M2LInES.index.md",
];

#[test]
fn hugo_pages_are_read_by_their_shape() {
    // `authors/admin/_index.md` (`superuser`, `role`, `social`, …) is a person: the name
    // from `title`, ORCID and GitHub from the `social` links, the bio from the body.
    let (loaded, diagnostics) = load_sample_file(PROFILE);
    assert!(errors(&diagnostics).is_empty(), "{}", listing(&diagnostics));
    assert_eq!(entity_count(&loaded), 1, "{loaded:?}");
    let person = &loaded.people[0].entity;
    assert_eq!(person.name, "Laure Zanna");
    assert_eq!(person.orcid.as_deref(), Some("0000-0002-8472-4828"));
    assert_eq!(person.github.as_deref(), Some("LaureZanna"));
    let bio = person.bio.trim_start();
    assert!(bio.starts_with("Laure Zanna is a Professor"), "{bio}");
    // Project pages (a `title` and a `date`) are not library content, and say so.
    for page in PROJECT_PAGES {
        let path = format!("{BIBLIOGRAPHY}/{page}");
        let (loaded, diagnostics) = load_sample_file(&path);
        assert_eq!(entity_count(&loaded), 0, "{page}: {loaded:?}");
        let want = [format!("{path} warning[unsupported-file]")];
        let all: Vec<String> = diagnostics.items().iter().map(render).collect();
        assert_eq!(all, want, "{page}");
    }
}

#[test]
fn hugo_profile_keeps_its_affiliation() {
    let (loaded, _) = load_sample_file(PROFILE);
    let (library, _) = resolved(loaded);
    let person = library.people.iter().find(|p| p.name == "Laure Zanna");
    let person = person.expect("Laure Zanna");
    assert!(!person.affiliations.is_empty(), "{person:?}");
}
