//! Graph stage: writing the graph as Turtle and N-Triples (with oxigraph's
//! serialisers, fed in sorted order so that Turtle groups each subject) and
//! as compacted JSON-LD (written here: oxigraph writes expanded JSON-LD only).

use std::collections::BTreeMap;

use oxigraph::io::{RdfFormat, RdfSerializer};
use serde_json::{Map, Value, json};

use super::vocab::{self, PREFIXES, rdf};
use super::{Graph, Object, graph_error};
use crate::error::Result;

/// Turtle with the prefixes of [`PREFIXES`].
///
/// # Errors
///
/// [`crate::Error::Io`] when a triple cannot be serialised.
pub fn turtle(graph: &Graph) -> Result<Vec<u8>> {
    let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle);
    for (prefix, namespace) in PREFIXES {
        serializer = serializer
            .with_prefix(*prefix, *namespace)
            .map_err(graph_error)?;
    }
    write(graph, serializer)
}

/// N-Triples, one triple a line, sorted.
///
/// # Errors
///
/// [`crate::Error::Io`] when a triple cannot be serialised.
pub fn ntriples(graph: &Graph) -> Result<Vec<u8>> {
    write(graph, RdfSerializer::from_format(RdfFormat::NTriples))
}

fn write(graph: &Graph, serializer: RdfSerializer) -> Result<Vec<u8>> {
    let mut writer = serializer.for_writer(Vec::new());
    for triple in graph.to_oxigraph()? {
        writer.serialize_triple(&triple).map_err(graph_error)?;
    }
    writer.finish().map_err(graph_error)
}

/// Compacted JSON-LD: a `@context` of prefixes and a `@graph` of node
/// objects, one per subject in IRI order, keys and values sorted.
#[must_use]
pub fn jsonld(graph: &Graph) -> Vec<u8> {
    let context: Map<String, Value> = PREFIXES
        .iter()
        .map(|(prefix, namespace)| ((*prefix).to_owned(), json!(namespace)))
        .collect();
    let mut nodes: BTreeMap<&str, BTreeMap<String, Vec<Value>>> = BTreeMap::new();
    for triple in graph.sorted() {
        let node = nodes.entry(&triple.subject).or_default();
        if triple.predicate == rdf::TYPE {
            let class = triple.object.value();
            node.entry("@type".to_owned()).or_default().push(json!(
                vocab::compact(class).unwrap_or_else(|| class.to_owned())
            ));
        } else {
            let key =
                vocab::compact(triple.predicate).unwrap_or_else(|| triple.predicate.to_owned());
            node.entry(key).or_default().push(value(&triple.object));
        }
    }
    let graph: Vec<Value> = nodes
        .into_iter()
        .map(|(subject, properties)| {
            let mut object = Map::new();
            object.insert("@id".into(), json!(subject));
            for (key, mut values) in properties {
                let value = if values.len() == 1 {
                    values.remove(0)
                } else {
                    Value::Array(values)
                };
                object.insert(key, value);
            }
            Value::Object(object)
        })
        .collect();
    let document = json!({"@context": context, "@graph": graph});
    let mut bytes = serde_json::to_vec_pretty(&document).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn value(object: &Object) -> Value {
    match object {
        Object::Iri(iri) => json!({"@id": iri}),
        Object::Literal {
            value,
            datatype: None,
        } => json!(value),
        Object::Literal {
            value,
            datatype: Some(datatype),
        } => json!({
            "@value": value,
            "@type": vocab::compact(datatype).unwrap_or_else(|| (*datatype).to_owned()),
        }),
    }
}
