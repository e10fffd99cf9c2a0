//! The knowledge graph of the demo library: every file parsed back (Turtle,
//! N-Triples, JSON-LD) and checked with SPARQL, every link written in content
//! found as a triple, stable IRIs, and rdflib + pyshacl against the SHACL
//! shapes. The pages' side (JSON-LD, neighbourhoods, queries) is in
//! graph_pages.rs.

use std::collections::BTreeSet;
use std::process::Command;

use almanac::graph::{self};
use almanac::links::Links;
use almanac::{BuildOptions, Config};
use almanac_model::{EntityKind, EntityRef, Reference};
use oxigraph::store::Store;
use serde_json::Value;

mod graph_common;

use graph_common::{ask, demo, iris, parse, repo, turtle_store};

fn lines(store: &Store) -> BTreeSet<String> {
    store
        .iter()
        .map(|quad| quad.expect("quad").to_string())
        .collect()
}

#[test]
fn the_three_serialisations_hold_the_same_graph() {
    let (public, library) = demo();
    let turtle = lines(turtle_store());
    let ntriples = lines(&parse(&public.join("graph/graph.nt")));
    let jsonld = lines(&parse(&public.join("graph/graph.jsonld")));
    assert!(turtle.len() > 1000, "{} triples", turtle.len());
    assert_eq!(turtle, ntriples, "Turtle and N-Triples differ");
    assert_eq!(turtle, jsonld, "Turtle and JSON-LD differ");
    let options = BuildOptions::for_project(&repo()).expect("config");
    let in_memory = graph::build(library, &Links::new(library), &options.config);
    assert_eq!(in_memory.len(), turtle.len());

    let document: Value =
        serde_json::from_slice(&std::fs::read(public.join("graph/graph.jsonld")).expect("read"))
            .expect("JSON");
    assert_eq!(
        document["@context"]["dcat"], "http://www.w3.org/ns/dcat#",
        "compacted with a context of prefixes"
    );
    let first = &document["@graph"][0];
    assert!(first["@id"].is_string() && first["@type"].is_string() || first["@type"].is_array());
    let nt = std::fs::read_to_string(public.join("graph/graph.nt")).expect("read");
    let mut sorted: Vec<&str> = nt.lines().collect();
    let written = sorted.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(written.len(), sorted.len(), "no duplicate triples");
}

#[test]
fn every_dataset_has_a_title_a_licence_and_a_distribution() {
    let store = turtle_store();
    assert!(ask(store, "ASK { ?d a dcat:Dataset }"));
    for (what, pattern) in [
        ("a title", "?d dcterms:title ?x"),
        ("a licence", "?d dcterms:license ?x"),
        ("a distribution", "?d dcat:distribution ?x"),
        ("a schema.org name", "?d schema:name ?x"),
        ("a landing page", "?d dcat:landingPage ?x"),
    ] {
        let missing = format!("ASK {{ ?d a dcat:Dataset FILTER NOT EXISTS {{ {pattern} }} }}");
        assert!(!ask(store, &missing), "a dataset without {what}");
    }
    assert!(
        !ask(
            store,
            "ASK { ?d a dcat:Distribution FILTER NOT EXISTS { ?d dcterms:format ?f ; dcat:accessURL ?u } }"
        ),
        "a distribution without format or access URL"
    );
}

#[test]
fn no_node_is_blank_and_every_entity_has_its_iri() {
    let (_, library) = demo();
    let store = turtle_store();
    assert!(!ask(
        store,
        "ASK { { ?s ?p ?o FILTER isBlank(?s) } UNION { ?s ?p ?o FILTER isBlank(?o) } }"
    ));
    let iris = iris(library);
    let mut count = 0;
    for (target, iri) in iris.all() {
        assert!(
            ask(store, &format!("ASK {{ <{iri}> a ?type ; ?p ?o }}")),
            "{target:?} is not in the graph as <{iri}>"
        );
        count += 1;
    }
    assert_eq!(
        count,
        EntityKind::ALL
            .iter()
            .map(|k| library.count(*k))
            .sum::<usize>()
    );
    for person in &library.people {
        if let Some(orcid) = &person.orcid {
            let iri = format!("https://orcid.org/{orcid}");
            assert!(
                ask(store, &format!("ASK {{ <{iri}> a schema:Person }}")),
                "{} is not named by the ORCID",
                person.id
            );
        }
    }
    for org in &library.organizations {
        if let Some(ror) = &org.ror {
            let iri = format!("https://ror.org/{ror}");
            assert!(ask(
                store,
                &format!("ASK {{ <{iri}> a schema:Organization }}")
            ));
        }
    }
    for paper in &library.papers {
        if let Some(doi) = &paper.doi {
            let iri = format!("https://doi.org/{doi}");
            assert!(ask(
                store,
                &format!("ASK {{ <{iri}> a schema:ScholarlyArticle }}")
            ));
        }
    }
}

#[test]
fn every_link_written_in_content_is_a_triple() {
    let (_, library) = demo();
    let store = turtle_store();
    let iris = iris(library);
    let links = Links::new(library);
    let mut checked = 0;
    for edge in links.all() {
        let from = iris.entity(&edge.from);
        let to = iris.entity(&edge.to);
        for predicate in graph::predicates(edge.relation, edge.from.kind) {
            assert!(
                ask(store, &format!("ASK {{ <{from}> <{predicate}> <{to}> }}")),
                "{edge:?} is missing as <{from}> <{predicate}> <{to}>"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links");

    // References to things outside the library (DOIs, URLs) are kept too.
    let mut external = 0;
    let mut check = |kind: EntityKind, id: &str, predicate: &str, refs: &[Reference]| {
        let from = iris.entity(&EntityRef::new(kind, id));
        for reference in refs {
            if let Reference::External { url, .. } = reference {
                assert!(
                    ask(store, &format!("ASK {{ <{from}> {predicate} <{url}> }}")),
                    "{id} {predicate} {url}"
                );
                external += 1;
            }
        }
    };
    for p in &library.papers {
        check(EntityKind::Paper, &p.id, "cito:usesDataFrom", &p.datasets);
        check(EntityKind::Paper, &p.id, "cito:cites", &p.cites);
    }
    for d in &library.datasets {
        let from = iris.entity(&EntityRef::new(EntityKind::Dataset, &d.id));
        for link in &d.links {
            let query = format!(
                "ASK {{ <{from}> rdfs:seeAlso ?o FILTER(STR(?o) = \"{}\") }}",
                link.url
            );
            assert!(ask(store, &query), "{}: {}", d.id, link.url);
        }
    }
    for m in &library.models {
        check(EntityKind::Model, &m.id, "fair4ml:trainedOn", &m.trained_on);
        check(
            EntityKind::Model,
            &m.id,
            "fair4ml:evaluatedOn",
            &m.evaluated_on,
        );
    }
    assert!(external > 0, "the demo has external references");
}

#[test]
fn lineage_variables_and_extents_are_in_the_graph() {
    let store = turtle_store();
    for query in [
        // feedstock (plan) → build activity → store
        "ASK { ?store a dcat:Distribution ; prov:wasGeneratedBy ?build .
               ?build a prov:Activity ; prov:qualifiedAssociation/prov:hadPlan ?plan .
               ?plan a prov:Plan ; schema:codeRepository ?repo }",
        // the build time a store records
        "ASK { ?store prov:wasGeneratedBy/prov:endedAtTime ?t FILTER(datatype(?t) = xsd:dateTime) }",
        // upstream sources
        "ASK { ?d a dcat:Dataset ; prov:wasDerivedFrom ?source . ?source a prov:Entity }",
        // variables with CF standard names
        "ASK { ?d schema:variableMeasured ?v . ?v schema:name \"ta\" ;
               schema:propertyID <http://vocab.nerc.ac.uk/standard_name/air_temperature/> }",
        "ASK { ?d dcterms:temporal [ dcat:startDate ?s ; dcat:endDate ?e ] }",
        "ASK { ?d dcterms:spatial/dcat:bbox ?box FILTER(datatype(?box) = geo:wktLiteral) }",
        // a 360-day calendar date is not passed off as a Gregorian xsd:dateTime
        "ASK { <https://almanac.invalid/datasets/hadgem2-ao-a1b-north-america/#temporal>
               dcat:startDate ?s FILTER(datatype(?s) = xsd:string) }",
        "ASK { ?m a fair4ml:MLModel ; fair4ml:trainedOn ?d . ?d a dcat:Dataset }",
        "ASK { ?c a schema:Course , schema:LearningResource ; dcterms:references ?d . ?d a dcat:Dataset }",
        "ASK { ?p a schema:ScholarlyArticle ; cito:usesDataFrom ?d ; cito:citesAsDataSource ?d }",
        "ASK { ?code a schema:SoftwareSourceCode ; codemeta:referencePublication ?paper }",
        "ASK { ?d dcterms:license ?l FILTER(STRSTARTS(STR(?l), \"http://spdx.org/licenses/\")) }",
        "ASK { ?person a schema:Person ; schema:affiliation ?org . ?org a schema:Organization }",
    ] {
        assert!(ask(store, query), "{query}");
    }
}

#[test]
fn iris_follow_the_base_url_and_are_stable() {
    let (_, library) = demo();
    let config = Config::parse("[site]\nbase_url = \"https://data.example.org/library/\"\n")
        .expect("config");
    let links = Links::new(library);
    let first = graph::build(library, &links, &config);
    let second = graph::build(library, &links, &config);
    assert_eq!(first, second);
    assert_eq!(
        graph::ntriples(&first).expect("nt"),
        graph::ntriples(&second).expect("nt")
    );
    let turtle = String::from_utf8(graph::turtle(&first).expect("ttl")).expect("utf-8");
    assert!(turtle.contains("<https://data.example.org/library/datasets/climsim/> a "));
    assert!(!turtle.contains("almanac.invalid"));
}

#[test]
fn rdflib_and_pyshacl_accept_the_graph() {
    let python = repo().join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup-python.sh first (it installs tests/requirements.txt \
         into .venv)",
        python.display()
    );
    let (public, _) = demo();
    let output = Command::new(&python)
        .arg(repo().join("tests/interop/graph_shacl.py"))
        .arg(public.join("graph"))
        .arg(repo().join("schemas/shacl/almanac-shapes.ttl"))
        .output()
        .expect("run python");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).expect("a JSON report");
    assert_eq!(report["conforms"], true);
    assert_eq!(report["catches_missing_license"], true);
    assert_eq!(report["catches_person_not_named_by_orcid"], true);
    assert_eq!(report["jsonld_same"], true);
}
