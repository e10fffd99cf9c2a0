//! The graph stage: the resolved library as an RDF knowledge graph in
//! established vocabularies (DCAT 3, schema.org, PROV-O, CiTO, CodeMeta,
//! FAIR4ML), written as Turtle, N-Triples and compacted JSON-LD, with small
//! per-entity neighbourhood files for the front end's explorer, and loaded
//! into an in-memory oxigraph store for SPARQL.
//!
//! Triples are plain sorted data here ([`Graph`]); oxigraph types appear only
//! at the edges (serialising, querying). There are no blank nodes: every
//! node has an IRI derived from ids, DOIs, ORCIDs or ROR ids (see [`iri`]),
//! so the output is deterministic and links into the graph stay valid.

mod agents;
mod dataset;
pub mod iri;
mod neighbourhood;
pub mod query;
pub mod schema_org;
mod serialize;
pub mod vocab;
mod works;

use std::collections::BTreeSet;

use almanac_model::Library;
use oxigraph::model as ox;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::links::Links;
use crate::output::Output;

pub use iri::Iris;
pub use serialize::{jsonld, ntriples, turtle};
pub use works::predicates;

/// The object of a triple.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Object {
    /// A node.
    Iri(String),
    /// A literal with its datatype IRI (`None` for `xsd:string`).
    Literal {
        /// Lexical form.
        value: String,
        /// Datatype IRI, `None` for a plain string.
        datatype: Option<&'static str>,
    },
}

impl Object {
    /// A plain string literal.
    #[must_use]
    pub fn text(value: impl Into<String>) -> Self {
        Self::Literal {
            value: value.into(),
            datatype: None,
        }
    }

    /// A typed literal.
    #[must_use]
    pub fn typed(value: impl Into<String>, datatype: &'static str) -> Self {
        Self::Literal {
            value: value.into(),
            datatype: Some(datatype),
        }
    }

    /// A node for `iri` when it is a valid absolute IRI, else an `xsd:anyURI`
    /// literal (content URLs are untrusted text).
    #[must_use]
    pub fn link(iri: &str) -> Self {
        if ox::NamedNode::new(iri).is_ok() {
            Self::Iri(iri.to_owned())
        } else {
            Self::typed(iri, vocab::xsd::ANY_URI)
        }
    }

    /// The IRI, if this is a node.
    #[must_use]
    pub fn as_iri(&self) -> Option<&str> {
        match self {
            Self::Iri(iri) => Some(iri),
            Self::Literal { .. } => None,
        }
    }

    /// The IRI or lexical form.
    #[must_use]
    pub fn value(&self) -> &str {
        match self {
            Self::Iri(value) | Self::Literal { value, .. } => value,
        }
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Triple {
    /// Subject IRI.
    pub subject: String,
    /// Predicate IRI.
    pub predicate: &'static str,
    /// Object.
    pub object: Object,
}

/// The knowledge graph: a set of triples, iterated in a stable order
/// (subject, `rdf:type` first, then predicate and object).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    triples: BTreeSet<Triple>,
}

impl Graph {
    /// Adds `subject predicate object`. A subject that is not a valid IRI
    /// (only possible through a malformed URL in content) is left out rather
    /// than failing the build; an object IRI that is not valid becomes an
    /// `xsd:anyURI` literal.
    pub fn add(&mut self, subject: &str, predicate: &'static str, object: Object) {
        if ox::NamedNodeRef::new(subject).is_err() {
            return;
        }
        let object = match object {
            Object::Iri(iri) => Object::link(&iri),
            literal @ Object::Literal { .. } => literal,
        };
        self.triples.insert(Triple {
            subject: subject.to_owned(),
            predicate,
            object,
        });
    }

    /// Adds `subject predicate <iri>` (an `xsd:anyURI` literal when `iri` is not a valid IRI).
    pub fn link(&mut self, subject: &str, predicate: &'static str, iri: &str) {
        self.add(subject, predicate, Object::link(iri));
    }

    /// Adds a plain string literal, unless it is empty.
    pub fn text(&mut self, subject: &str, predicate: &'static str, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.add(subject, predicate, Object::text(text));
        }
    }

    /// Adds `subject rdf:type class` for each class.
    pub fn types(&mut self, subject: &str, classes: &[&'static str]) {
        for class in classes {
            self.add(subject, vocab::rdf::TYPE, Object::Iri((*class).to_owned()));
        }
    }

    /// Number of triples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.triples.len()
    }

    /// True when there are no triples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    /// True when the graph holds this triple.
    #[must_use]
    pub fn contains(&self, subject: &str, predicate: &str, object: &Object) -> bool {
        self.about(subject)
            .any(|t| t.predicate == predicate && &t.object == object)
    }

    /// Triples in output order: by subject, `rdf:type` first, then by predicate and object.
    #[must_use]
    pub fn sorted(&self) -> Vec<&Triple> {
        let mut triples: Vec<&Triple> = self.triples.iter().collect();
        triples.sort_by(|a, b| {
            (
                &a.subject,
                a.predicate != vocab::rdf::TYPE,
                a.predicate,
                &a.object,
            )
                .cmp(&(
                    &b.subject,
                    b.predicate != vocab::rdf::TYPE,
                    b.predicate,
                    &b.object,
                ))
        });
        triples
    }

    /// Triples with `subject`, in set order.
    pub fn about<'a>(&'a self, subject: &'a str) -> impl Iterator<Item = &'a Triple> + 'a {
        // Triples order by subject first, and "" and `Object::Iri("")` are
        // the smallest predicate and object, so this is where `subject` starts.
        let start = Triple {
            subject: subject.to_owned(),
            predicate: "",
            object: Object::Iri(String::new()),
        };
        self.triples
            .range(start..)
            .take_while(move |t| t.subject == subject)
    }

    /// The graph as oxigraph triples.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when an IRI or datatype is invalid (a bug: IRIs are
    /// checked when added).
    pub fn to_oxigraph(&self) -> Result<Vec<ox::Triple>> {
        self.sorted().into_iter().map(to_oxigraph).collect()
    }

    /// Loads the graph into a new in-memory oxigraph store.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the store cannot be filled.
    pub fn to_store(&self) -> Result<oxigraph::store::Store> {
        let store = oxigraph::store::Store::new().map_err(graph_error)?;
        for triple in self.to_oxigraph()? {
            store
                .insert(ox::QuadRef::new(
                    &triple.subject,
                    &triple.predicate,
                    &triple.object,
                    ox::GraphNameRef::DefaultGraph,
                ))
                .map_err(graph_error)?;
        }
        Ok(store)
    }
}

fn to_oxigraph(triple: &Triple) -> Result<ox::Triple> {
    let subject = ox::NamedNode::new(&triple.subject).map_err(graph_error)?;
    let predicate = ox::NamedNode::new(triple.predicate).map_err(graph_error)?;
    let object: ox::Term = match &triple.object {
        Object::Iri(iri) => ox::NamedNode::new(iri).map_err(graph_error)?.into(),
        Object::Literal {
            value,
            datatype: None,
        } => ox::Literal::new_simple_literal(value).into(),
        Object::Literal {
            value,
            datatype: Some(datatype),
        } => ox::Literal::new_typed_literal(
            value,
            ox::NamedNode::new(*datatype).map_err(graph_error)?,
        )
        .into(),
    };
    Ok(ox::Triple::new(subject, predicate, object))
}

/// Failures here are serialiser I/O or invalid IRIs (a bug: IRIs are checked
/// when added); both are reported as I/O errors on the graph folder.
pub(crate) fn graph_error(error: impl std::fmt::Display) -> Error {
    Error::io("graph", std::io::Error::other(error.to_string()))
}

/// Builds the knowledge graph of `library`.
#[must_use]
pub fn build(library: &Library, links: &Links, config: &Config) -> Graph {
    let iris = Iris::new(library, config);
    let mut graph = Graph::default();
    dataset::catalog(&mut graph, &iris, library, config);
    for d in &library.datasets {
        dataset::dataset(&mut graph, &iris, d);
    }
    works::papers(&mut graph, &iris, library);
    works::models(&mut graph, &iris, library);
    works::courses(&mut graph, &iris, library);
    works::code(&mut graph, &iris, library);
    agents::people(&mut graph, &iris, library);
    agents::organizations(&mut graph, &iris, library);
    // Every typed edge of the library, so that no link written in content is lost.
    for edge in links.all() {
        works::edge(&mut graph, &iris, edge);
    }
    graph
}

/// Builds the graph and writes `graph/graph.ttl`, `graph/graph.nt`,
/// `graph/graph.jsonld` and one neighbourhood file per entity,
/// `graph/<kind>/<id>.json`.
///
/// # Errors
///
/// [`Error::Io`] when serialising or writing fails.
pub fn write(library: &Library, links: &Links, config: &Config, output: &mut Output) -> Result<()> {
    let graph = build(library, links, config);
    output.write("graph/graph.ttl", turtle(&graph)?)?;
    output.write("graph/graph.nt", ntriples(&graph)?)?;
    output.write("graph/graph.jsonld", jsonld(&graph))?;
    let iris = Iris::new(library, config);
    for (path, bytes) in neighbourhood::files(library, links, &iris) {
        output.write(&path, bytes)?;
    }
    Ok(())
}

/// The schema.org JSON-LD of every entity page, as text safe to embed in a
/// `<script type="application/ld+json">` element.
#[must_use]
pub fn page_jsonld(
    library: &Library,
    links: &Links,
    config: &Config,
) -> std::collections::BTreeMap<almanac_model::EntityRef, String> {
    let graph = build(library, links, config);
    let iris = Iris::new(library, config);
    schema_org::pages(&graph, &iris).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Untrusted content: markup in text, URLs that are not IRIs.
    fn hostile() -> Library {
        let dataset = serde_json::json!({
            "id": "evil",
            "source_file": "datasets/evil/meta.yaml",
            "title": "</script><script>alert(1)</script>",
            "description": "A \"quoted\"\nline & <b>bold</b>",
            "license": {"text": "who knows", "url": "not a url"},
            "stores": [{
                "id": "s 1",
                "url": "https://example.org/a b.zarr",
                "scheme": "http",
                "source": "somewhere",
                "source_url": "https://example.org/{x}",
                "crawl": {"status": "ok", "facts": {
                    "zarr_format": 2, "consolidated": true, "groups": [""],
                    "arrays": [], "dimensions": [], "uncompressed_bytes": 0, "chunk_count": 0,
                    "provenance": {"commit": "abc def", "built_at": "yesterday"}
                }}
            }],
            "feedstock": {"repository": "https://github.com/x/y z"}
        });
        Library {
            datasets: vec![serde_json::from_value(dataset).expect("a dataset")],
            ..Library::default()
        }
    }

    #[test]
    fn hostile_content_still_gives_a_valid_graph() {
        let library = hostile();
        let config = Config::default();
        let links = Links::new(&library);
        let graph = build(&library, &links, &config);
        let nt = ntriples(&graph).expect("every triple serialises");
        let store = oxigraph::store::Store::new().expect("store");
        store
            .load_from_reader(oxigraph::io::RdfFormat::NTriples, nt.as_slice())
            .expect("parses back");
        assert_eq!(store.len().expect("len"), graph.len());
        turtle(&graph).expect("turtle");
        let page = page_jsonld(&library, &links, &config);
        let script =
            &page[&almanac_model::EntityRef::new(almanac_model::EntityKind::Dataset, "evil")];
        assert!(!script.contains('<'), "{script}");
        let value: serde_json::Value = serde_json::from_str(script).expect("JSON");
        assert_eq!(value["name"], "</script><script>alert(1)</script>");
        let store_node = "https://almanac.invalid/datasets/evil/#store-s%201";
        assert!(graph.contains(
            store_node,
            vocab::schema::CONTENT_URL,
            &Object::typed("https://example.org/a b.zarr", vocab::xsd::ANY_URI)
        ));
    }
}
