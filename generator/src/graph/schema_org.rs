//! Graph stage: the schema.org JSON-LD embedded in each entity page, for
//! search engines (Google Dataset Search reads the `Dataset` one). It is a
//! projection of the knowledge graph, so a page never says something the
//! graph does not: the entity's `schema:` statements, with the nodes it owns
//! (stores, variables, places) nested and other entities as short references.

use std::collections::BTreeSet;

use almanac_model::EntityRef;
use serde_json::{Map, Value, json};

use super::vocab::{rdf, schema, xsd};
use super::{Graph, Iris, Object};

/// Properties whose values are written as URLs, never as nested nodes.
const URL_PROPERTIES: &[&str] = &[
    "identifier",
    "url",
    "sameAs",
    "contentUrl",
    "codeRepository",
];

/// How deep owned nodes are nested (dataset → place → shape).
const MAX_DEPTH: usize = 4;

/// The JSON-LD document for the page of `target`, or `None` when the graph
/// does not have it.
#[must_use]
pub fn document(graph: &Graph, iris: &Iris, target: &EntityRef) -> Option<Value> {
    let me = iris.entity(target);
    let page = iris.page(target);
    graph.about(&me).next()?;
    let mut visited = BTreeSet::new();
    let mut node = frame(graph, &me, &format!("{page}#"), 0, &mut visited);
    if let Value::Object(map) = &mut node {
        map.insert("@context".into(), json!("https://schema.org/"));
    }
    Some(node)
}

/// The document as text that is safe inside `<script type="application/ld+json">`:
/// `<`, `>` and `&` are written as JSON escapes, so no content string can
/// close the script element.
#[must_use]
pub fn script_text(document: &Value) -> String {
    let text = serde_json::to_string(document).unwrap_or_default();
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The embeddable JSON-LD text for every entity page, keyed by entity.
#[must_use]
pub fn pages(graph: &Graph, iris: &Iris) -> Vec<(EntityRef, String)> {
    iris.all()
        .filter_map(|(target, _)| {
            document(graph, iris, target).map(|doc| (target.clone(), script_text(&doc)))
        })
        .collect()
}

fn local(iri: &str) -> Option<&str> {
    iri.strip_prefix(schema::NS)
}

fn frame(
    graph: &Graph,
    subject: &str,
    owned: &str,
    depth: usize,
    visited: &mut BTreeSet<String>,
) -> Value {
    visited.insert(subject.to_owned());
    let mut map = Map::new();
    map.insert("@id".into(), json!(subject));
    let types: Vec<Value> = graph
        .about(subject)
        .filter(|t| t.predicate == rdf::TYPE)
        .filter_map(|t| local(t.object.value()).map(|l| json!(l)))
        .collect();
    if let Some(first) = types.first() {
        map.insert(
            "@type".into(),
            if types.len() == 1 {
                first.clone()
            } else {
                Value::Array(types.clone())
            },
        );
    }
    let mut properties: Vec<(&str, Value)> = Vec::new();
    for triple in graph.about(subject) {
        let Some(key) = local(triple.predicate) else {
            continue;
        };
        let value = match &triple.object {
            Object::Literal {
                value,
                datatype: Some(datatype),
            } if *datatype == xsd::BOOLEAN => json!(value == "true"),
            Object::Literal { value, .. } => json!(value),
            Object::Iri(iri)
                if iri.starts_with(owned) && depth < MAX_DEPTH && !visited.contains(iri) =>
            {
                frame(graph, iri, owned, depth + 1, visited)
            }
            // Identifiers and links are URLs, even when they name a node.
            Object::Iri(iri) if iri == subject || URL_PROPERTIES.contains(&key) => json!(iri),
            Object::Iri(iri) => reference(graph, iri),
        };
        properties.push((key, value));
    }
    for (key, value) in properties {
        match map.get_mut(key) {
            Some(Value::Array(values)) => values.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                map.insert(key.to_owned(), value);
            }
        }
    }
    Value::Object(map)
}

/// Another node: a short typed reference when the graph describes it with a
/// schema.org type, else its IRI as a URL.
fn reference(graph: &Graph, iri: &str) -> Value {
    let types: Vec<&str> = graph
        .about(iri)
        .filter(|t| t.predicate == rdf::TYPE)
        .filter_map(|t| local(t.object.value()))
        .collect();
    let Some(kind) = types.first() else {
        return json!(iri);
    };
    let mut map = Map::new();
    map.insert("@type".into(), json!(kind));
    map.insert("@id".into(), json!(iri));
    for triple in graph.about(iri) {
        if triple.predicate == schema::NAME || triple.predicate == schema::URL {
            let key = local(triple.predicate).unwrap_or_default().to_owned();
            map.entry(key)
                .or_insert_with(|| json!(triple.object.value()));
        }
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_the_script() {
        let text = script_text(&json!({"name": "</script><script>alert(1)</script> & co"}));
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}
