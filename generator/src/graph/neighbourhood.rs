//! Graph stage: one small JSON file per entity with its neighbourhood (the
//! entity, the entities it links to and those linking to it, and the edges
//! between them), for the front end's graph explorer. Nodes carry their
//! graph IRI, so the explorer and the RDF files name things the same way.

use std::collections::BTreeMap;

use almanac_model::{EntityRef, Library};
use serde_json::{Value, json};

use super::Iris;
use super::vocab;
use super::works::predicates;
use crate::links::{Edge, Links, Relation};

/// `(path, bytes)` for every entity: `graph/<kind>/<id>.json`.
pub(super) fn files(library: &Library, links: &Links, iris: &Iris) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (target, _) in iris.all() {
        let document = neighbourhood(library, links, iris, target);
        let mut bytes = serde_json::to_vec_pretty(&document).unwrap_or_default();
        bytes.push(b'\n');
        files.push((
            format!("graph/{}/{}.json", target.kind.plural(), target.id),
            bytes,
        ));
    }
    files
}

/// The neighbourhood of one entity.
#[must_use]
pub fn neighbourhood(library: &Library, links: &Links, iris: &Iris, me: &EntityRef) -> Value {
    let mut nodes: BTreeMap<EntityRef, Value> = BTreeMap::new();
    let node = |target: &EntityRef| {
        json!({
            "id": iris.entity(target),
            "kind": target.kind.name(),
            "entity": format!("{}/{}", target.kind.name(), target.id),
            "title": library.title_of(target).unwrap_or(&target.id),
            "url": target.url(),
        })
    };
    nodes.insert(me.clone(), node(me));
    let mut edges: Vec<Value> = Vec::new();
    let mut add = |edge: &Edge, inverse: bool| {
        let other = if inverse { &edge.from } else { &edge.to };
        nodes.entry(other.clone()).or_insert_with(|| node(other));
        let preds: Vec<String> = predicates(edge.relation, edge.from.kind)
            .iter()
            .map(|p| vocab::compact(p).unwrap_or_else(|| (*p).to_owned()))
            .collect();
        edges.push(json!({
            "source": iris.entity(&edge.from),
            "target": iris.entity(&edge.to),
            "relation": relation_name(edge.relation),
            "label": if inverse { edge.relation.inverse_label() } else { edge.relation.label() },
            "predicates": preds,
        }));
    };
    for edge in links.from(me) {
        add(edge, false);
    }
    for edge in links.to(me) {
        add(edge, true);
    }
    json!({
        "id": iris.entity(me),
        "kind": me.kind.name(),
        "nodes": nodes.into_values().collect::<Vec<_>>(),
        "edges": edges,
    })
}

/// `UsesData` → `uses_data`.
fn relation_name(relation: Relation) -> String {
    let mut out = String::new();
    for (index, c) in format!("{relation:?}").chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_names_are_snake_case() {
        assert_eq!(relation_name(Relation::UsesData), "uses_data");
        assert_eq!(relation_name(Relation::Cites), "cites");
    }
}
