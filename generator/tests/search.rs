//! The search index of the demo, built into a temp folder and read back with the decoder the
//! browser runs: every file decodes, names are content hashes, terms sit in the shard the
//! entry names for them, queries rank as the field weights say, facets and extents are there,
//! and two builds give the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use almanac::BuildOptions;
use almanac_model::EntitySummary;
use almanac_model::search::{
    DocSet, ExtentFilter, ExtentShard, Facet, FacetShard, IndexEntry, Query, Searcher, TermShard,
    days_from_iso, shard_key,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

fn build(folder: &str) -> PathBuf {
    let public = Path::new(env!("CARGO_TARGET_TMPDIR")).join(folder);
    let mut options = BuildOptions::for_project(&repo()).expect("the demo's almanac.toml");
    options.output = Some(public.clone());
    almanac::build(&options).expect("the demo builds");
    public.join("search")
}

/// The demo's index, decoded: entry, term shards by file, and fragments.
struct Index {
    dir: PathBuf,
    entry: IndexEntry,
    shards: BTreeMap<String, TermShard>,
    fragments: Vec<EntitySummary>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = build("search-demo/public");
        let entry = IndexEntry::from_json(&read(&dir.join("index.json"))).expect("entry");
        let shards = entry
            .shards
            .iter()
            .map(|shard| {
                let bytes = read(&dir.join(&shard.file));
                (
                    shard.file.clone(),
                    TermShard::decode(&bytes).expect("term shard"),
                )
            })
            .collect();
        let fragments = (0..entry.documents)
            .map(|doc| {
                serde_json::from_slice(&read(&dir.join(entry.fragment_file(doc))))
                    .expect("fragment")
            })
            .collect();
        Index {
            dir,
            entry,
            shards,
            fragments,
        }
    })
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn search(text: &str) -> Vec<&'static EntitySummary> {
    let index = index();
    let searcher = Searcher::new(
        &index.entry,
        index
            .shards
            .iter()
            .map(|(file, shard)| (file.as_str(), shard)),
    );
    searcher
        .search(&Query::parse(text))
        .unwrap_or_default()
        .iter()
        .map(|hit| &index.fragments[hit.doc as usize])
        .collect()
}

fn facet(facet: Facet) -> FacetShard {
    let index = index();
    let file = index.entry.facet_file(facet).expect("facet file");
    FacetShard::decode(&read(&index.dir.join(file))).expect("facet shard")
}

#[test]
fn every_entity_is_a_document_and_the_entry_is_small() {
    let index = index();
    let entities: Vec<EntitySummary> =
        serde_json::from_slice(&read(&index.dir.join("../index/entities.json"))).expect("list");
    assert_eq!(index.fragments, entities);
    let entry_bytes = read(&index.dir.join("index.json")).len();
    assert!(entry_bytes < 4096, "index.json is {entry_bytes} bytes");
}

#[test]
fn terms_are_in_the_shard_the_entry_names() {
    let index = index();
    for (file, shard) in &index.shards {
        assert!(!shard.terms.is_empty(), "{file} is empty");
        for term in &shard.terms {
            assert_eq!(
                index.entry.shard_file(shard_key(&term.text)),
                Some(file.as_str()),
                "{}",
                term.text
            );
        }
    }
}

#[test]
fn file_names_carry_content_hashes() {
    // Build again elsewhere: same names, same bytes.
    let again = build("search-demo-again/public");
    let index = index();
    assert_eq!(
        read(&again.join("index.json")),
        read(&index.dir.join("index.json"))
    );
    for shard in &index.entry.shards {
        assert_eq!(
            read(&again.join(&shard.file)),
            read(&index.dir.join(&shard.file))
        );
    }
    let mut names: Vec<&str> = index.entry.shards.iter().map(|s| s.file.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        index.entry.shards.len(),
        "two shards share a name"
    );
    assert!(index.entry.fragments.starts_with("docs/") && index.entry.fragments.len() > 12);
}

#[test]
fn queries_match_stems_prefixes_and_typos() {
    let titles =
        |text: &str| -> Vec<String> { search(text).iter().map(|s| s.title.clone()).collect() };
    let sst = titles("sea surface temperature ");
    assert!(sst[0].contains("Sea Surface Temperature"), "{sst:?}");
    assert!(titles("temperatures ").len() >= 8);
    assert_eq!(titles("temperatures "), titles("temperature "));
    // While typing, "tempe" finds everything "temperature" finds (and more, e.g. "temporary").
    let typed = titles("tempe");
    assert!(titles("temperature ").iter().all(|t| typed.contains(t)));
    assert!(titles("temprature ").len() >= 8, "typo");
    assert!(titles("qwertyuiop ").is_empty());
}

#[test]
fn the_title_outranks_the_description() {
    // "ClimSim" is the title of a dataset and named in the text of papers and models that use
    // it; the dataset comes first.
    let hits = search("climsim ");
    assert!(hits.len() > 2, "{hits:?}");
    assert_eq!(hits[0].title, "ClimSim");
}

#[test]
fn facets_hold_kinds_tags_variables_providers_and_licences() {
    let kinds = facet(Facet::Kind);
    let all = DocSet::full(index().entry.documents);
    let counts: BTreeMap<&str, u32> = kinds.counts(&all).into_iter().collect();
    assert_eq!(counts.get("dataset"), Some(&13));
    assert_eq!(counts.values().sum::<u32>(), index().entry.documents);
    let tags = facet(Facet::Tag);
    assert!(tags.values.iter().any(|v| v.value == "ocean"));
    let variables = facet(Facet::Variable);
    assert!(
        variables
            .values
            .iter()
            .any(|v| v.value == "sea_water_potential_temperature"),
        "CF standard names are variable facet values"
    );
    assert!(!facet(Facet::Provider).values.is_empty());
    assert!(
        facet(Facet::License)
            .values
            .iter()
            .any(|v| v.value.starts_with("CC-BY"))
    );
}

#[test]
fn extents_filter_by_time_and_region() {
    let index = index();
    let file = index.entry.extents.as_ref().expect("the demo has extents");
    let shard = ExtentShard::decode(&read(&index.dir.join(file))).expect("extent shard");
    assert!(shard.extents.len() >= 8, "{} extents", shard.extents.len());
    let n = index.entry.documents;
    let arctic = ExtentFilter {
        time: None,
        bbox: Some([-180.0, 80.0, 180.0, 90.0]),
    };
    let titles: Vec<&str> = arctic
        .docs(&shard, n)
        .iter()
        .map(|doc| index.fragments[doc as usize].title.as_str())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("North Pole")),
        "{titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.contains("Equatorial")),
        "{titles:?}"
    );
    let nineteenth_century = ExtentFilter {
        time: Some([
            days_from_iso("1850-01-01").expect("day"),
            days_from_iso("1899-12-31").expect("day"),
        ]),
        bbox: None,
    };
    let old = nineteenth_century.docs(&shard, n);
    assert!(!old.is_empty());
    assert!(old.len() < shard.extents.len());
}

#[test]
fn the_search_command_ranks_like_the_site() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_almanac"))
        .args(["-q", "--format", "json", "-C"])
        .arg(repo())
        .args(["search", "climsim ", "-n", "3"])
        .output()
        .expect("almanac runs");
    assert!(output.status.success(), "{output:?}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["title"], "ClimSim");
    assert_eq!(rows[0]["url"], "datasets/climsim/");
}
