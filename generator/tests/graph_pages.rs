//! The pages' side of the knowledge graph on the demo library: the
//! schema.org JSON-LD each entity page embeds (the Dataset Search fields, and
//! every statement checked against the graph), inverse links on pages, the
//! per-entity neighbourhood files, and the queries shipped in docs/queries.

use std::path::{Path, PathBuf};
use std::process::Command;

use almanac::Config;
use almanac::graph::{self, Iris, query::ResultFormat};
use almanac::links::Links;
use almanac_model::{EntityKind, EntityRef};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::store::Store;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_almanac");

mod graph_common;

use graph_common::{ask, demo, iris, repo, turtle_store};

fn script(html: &str) -> &str {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").expect("end of script");
    &html[start..end]
}

fn page_jsonld(public: &Path, target: &EntityRef) -> Value {
    let html = std::fs::read_to_string(public.join(target.url()).join("index.html")).expect("page");
    let text = script(&html);
    assert!(
        !text.contains('<'),
        "unescaped < in the JSON-LD of {target:?}"
    );
    serde_json::from_str(text).expect("the embedded JSON-LD is JSON")
}

#[test]
fn dataset_pages_carry_what_dataset_search_reads() {
    let (public, library) = demo();
    let cmip6 = page_jsonld(
        public,
        &EntityRef::new(EntityKind::Dataset, "cmip6-air-temperature"),
    );
    assert_eq!(cmip6["@context"], "https://schema.org/");
    assert_eq!(cmip6["@type"], "Dataset");
    for field in [
        "name",
        "description",
        "url",
        "license",
        "creator",
        "keywords",
        "variableMeasured",
        "spatialCoverage",
        "temporalCoverage",
        "distribution",
        "includedInDataCatalog",
        "citation",
        "isAccessibleForFree",
    ] {
        assert!(!cmip6[field].is_null(), "no {field} in {cmip6:#}");
    }
    assert_eq!(cmip6["isAccessibleForFree"], true);
    assert_eq!(cmip6["license"], "http://spdx.org/licenses/CC-BY-SA-4.0");
    let creators = cmip6["creator"].as_array().expect("creators");
    assert!(
        creators.iter().any(|c| c["@type"] == "Person"
            && c["@id"]
                .as_str()
                .is_some_and(|id| id.starts_with("https://orcid.org/"))),
        "a creator with an ORCID: {creators:#?}"
    );
    assert_eq!(cmip6["variableMeasured"]["name"], "ta");
    assert_eq!(
        cmip6["variableMeasured"]["propertyID"],
        "http://vocab.nerc.ac.uk/standard_name/air_temperature/"
    );
    assert_eq!(cmip6["spatialCoverage"]["geo"]["@type"], "GeoShape");
    assert_eq!(cmip6["includedInDataCatalog"]["@type"], "DataCatalog");
    for distribution in cmip6["distribution"].as_array().expect("distributions") {
        assert_eq!(
            distribution["encodingFormat"],
            "application/vnd.zarr; version=3"
        );
    }

    // Remote stores have a content URL.
    let climsim = page_jsonld(public, &EntityRef::new(EntityKind::Dataset, "climsim"));
    assert_eq!(
        climsim["distribution"]["contentUrl"],
        "gs://leap-persistent-ro/data-library/feedstocks/climsim_feedstock/climsim_lowres_mli.zarr"
    );
    assert_eq!(
        climsim["distribution"]["encodingFormat"],
        "application/vnd.zarr"
    );

    // No demo dataset has a DOI of its own; one with a DOI is named by it.
    let mut with_doi = library.clone();
    with_doi.datasets[0].doi = Some("10.5281/zenodo.0000001".into());
    let config = Config::default();
    let links = Links::new(&with_doi);
    let built = graph::build(&with_doi, &links, &config);
    let target = EntityRef::new(EntityKind::Dataset, &with_doi.datasets[0].id);
    let document = graph::schema_org::document(&built, &Iris::new(&with_doi, &config), &target)
        .expect("document");
    assert_eq!(document["@id"], "https://doi.org/10.5281/zenodo.0000001");
    assert_eq!(
        document["identifier"],
        "https://doi.org/10.5281/zenodo.0000001"
    );
    assert_eq!(
        document["url"],
        format!(
            "https://almanac.invalid/datasets/{}/",
            with_doi.datasets[0].id
        )
    );
}

#[test]
fn page_jsonld_says_only_what_the_graph_says() {
    let (public, library) = demo();
    let store = turtle_store();
    let iris = iris(library);
    let mut statements = 0;
    for (target, _) in iris.all() {
        let mut document = page_jsonld(public, target);
        // Parsed offline: schema.org's context maps every term to http://schema.org/.
        document["@context"] = serde_json::json!({"@vocab": "http://schema.org/"});
        let text = serde_json::to_string(&document).expect("json");
        let page = Store::new().expect("store");
        page.load_from_reader(
            RdfParser::from_format(RdfFormat::from_extension("jsonld").expect("format")),
            text.as_bytes(),
        )
        .unwrap_or_else(|e| panic!("{target:?}: the page JSON-LD is not RDF: {e}"));
        for quad in page.iter() {
            let quad = quad.expect("quad");
            let value = match &quad.object {
                oxigraph::model::Term::NamedNode(node) => node.as_str().to_owned(),
                oxigraph::model::Term::Literal(literal) => literal.value().to_owned(),
                other => panic!("{target:?}: blank node {other} in the page JSON-LD"),
            };
            let value = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            let query = format!(
                "ASK {{ {} <{}> ?o FILTER(STR(?o) = \"{value}\") }}",
                quad.subject,
                quad.predicate.as_str()
            );
            assert!(
                ask(store, &query),
                "{target:?}: the page says {quad}, the graph does not"
            );
            statements += 1;
        }
    }
    assert!(statements > 500, "{statements}");
}

#[test]
fn neighbourhood_files_list_nodes_and_edges_both_ways() {
    let (public, library) = demo();
    let iris = iris(library);
    for (target, _) in iris.all() {
        let path = public.join(format!("graph/{}/{}.json", target.kind.plural(), target.id));
        assert!(path.is_file(), "{} missing", path.display());
    }
    let climsim: Value = serde_json::from_slice(
        &std::fs::read(public.join("graph/datasets/climsim.json")).expect("read"),
    )
    .expect("json");
    assert_eq!(climsim["id"], "https://almanac.invalid/datasets/climsim/");
    let nodes: Vec<&str> = climsim["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["entity"].as_str())
        .collect();
    assert!(nodes.contains(&"dataset/climsim"));
    assert!(nodes.contains(&"model/climsim-mlp"), "{nodes:?}");
    assert!(nodes.contains(&"paper/yu-2023-climsim"), "{nodes:?}");
    let edges = climsim["edges"].as_array().expect("edges");
    assert!(edges.iter().any(|e| e["relation"] == "trained_on"
        && e["source"] == "https://almanac.invalid/models/climsim-mlp/"
        && e["target"] == "https://almanac.invalid/datasets/climsim/"
        && e["predicates"][0] == "fair4ml:trainedOn"
        && e["label"] == "Models trained on this"));
}

#[test]
fn pages_show_inverse_links() {
    let (public, _) = demo();
    let read = |path: &str| std::fs::read_to_string(public.join(path)).expect(path);
    let climsim = read("datasets/climsim/index.html");
    for heading in [
        "Papers using this data",
        "Models trained on this",
        "Models evaluated on this",
        "Taught in",
    ] {
        assert!(
            climsim.contains(&format!("<h2>{heading}</h2>")),
            "{heading}"
        );
    }
    assert!(climsim.contains("../../models/climsim-mlp/"));
    let stern = read("people/charles-stern/index.html");
    assert!(stern.contains("<h2>Authored</h2>") && stern.contains("<h2>Maintains</h2>"));
    assert!(stern.contains("../../datasets/cmip6-air-temperature/"));
}

fn shipped_queries() -> Vec<PathBuf> {
    let mut queries: Vec<PathBuf> = std::fs::read_dir(repo().join("docs/queries"))
        .expect("docs/queries")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    queries.sort();
    queries
}

#[test]
fn shipped_queries_return_rows_on_the_demo() {
    let queries = shipped_queries();
    assert!(queries.len() >= 3, "{queries:?}");
    let (public, _) = demo();
    let built = graph::query::load(&public.join("graph/graph.nt")).expect("load");
    for query in &queries {
        let text = std::fs::read_to_string(query).expect("read");
        let answer = graph::query::run(&built, &text, ResultFormat::Json)
            .unwrap_or_else(|e| panic!("{}: {e}", query.display()));
        assert!(answer.rows >= 1, "{} returns no rows", query.display());
    }
    // The command, from content, as JSON and as CSV.
    let query = repo().join("docs/queries/papers-using-data-derived-from-source.rq");
    let output = Command::new(BIN)
        .arg("-C")
        .arg(repo())
        .args(["query", "--results", "json", "--file"])
        .arg(&query)
        .output()
        .expect("run almanac query");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value = serde_json::from_slice(&output.stdout).expect("SPARQL JSON results");
    let bindings = results["results"]["bindings"].as_array().expect("bindings");
    assert!(
        bindings
            .iter()
            .any(|b| b["paper"]["value"] == "https://doi.org/10.1029/2021MS002954")
    );
    let csv = Command::new(BIN)
        .arg("-C")
        .arg(repo())
        .args([
            "-q",
            "query",
            "--results",
            "csv",
            "ASK { ?d a dcat:Dataset }",
        ])
        .output()
        .expect("run almanac query");
    assert!(csv.status.success());
    let table = Command::new(BIN)
        .arg("-C")
        .arg(repo())
        .args(["-q", "query", "--graph"])
        .arg(public.join("graph/graph.ttl"))
        .arg("SELECT ?m WHERE { ?m a fair4ml:MLModel } ORDER BY ?m")
        .output()
        .expect("run almanac query");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("m\n-"), "{text}");
    assert!(
        text.contains("<https://almanac.invalid/models/climsim-mlp/>"),
        "{text}"
    );
    let bad = Command::new(BIN)
        .arg("-C")
        .arg(repo())
        .args(["query", "SELECT nonsense"])
        .output()
        .expect("run almanac query");
    assert_eq!(bad.status.code(), Some(2));
}
