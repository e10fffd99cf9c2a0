//! Graph stage: people (`schema:Person`, ORCID IRIs), organisations
//! (`schema:Organization`, ROR IRIs), the agents named on works, and licences
//! (SPDX IRIs).

use almanac_model::{Agent, EntityKind, EntityRef, Library, License, Reference};

use super::vocab::{dcterms, rdfs, schema};
use super::{Graph, Iris, iri};
use crate::render::markdown::to_plain;

pub(super) fn people(graph: &mut Graph, iris: &Iris, library: &Library) {
    for p in &library.people {
        let target = EntityRef::new(EntityKind::Person, &p.id);
        let me = iris.entity(&target);
        graph.types(&me, &[schema::PERSON]);
        graph.text(&me, schema::NAME, &p.name);
        graph.text(&me, rdfs::LABEL, &p.name);
        graph.text(
            &me,
            schema::DESCRIPTION,
            &to_plain(&p.bio, super::dataset::DESCRIPTION_LIMIT),
        );
        if let Some(orcid) = &p.orcid {
            graph.text(&me, schema::IDENTIFIER, orcid);
        }
        if let Some(github) = &p.github {
            graph.link(
                &me,
                schema::SAME_AS,
                &format!("https://github.com/{}", iri::encode(github)),
            );
        }
        if let Some(url) = &p.url {
            graph.link(&me, schema::SAME_AS, url);
        }
        graph.link(&me, schema::URL, &iris.page(&target));
        for affiliation in &p.affiliations {
            let org = match affiliation {
                Reference::Entity { target } => iris.entity(target),
                Reference::External { url, .. } => url.clone(),
            };
            graph.link(&me, schema::AFFILIATION, &org);
        }
    }
}

pub(super) fn organizations(graph: &mut Graph, iris: &Iris, library: &Library) {
    for o in &library.organizations {
        let target = EntityRef::new(EntityKind::Organization, &o.id);
        let me = iris.entity(&target);
        graph.types(&me, &[schema::ORGANIZATION]);
        graph.text(&me, schema::NAME, &o.name);
        graph.text(&me, rdfs::LABEL, &o.name);
        graph.text(
            &me,
            schema::DESCRIPTION,
            &to_plain(&o.description, super::dataset::DESCRIPTION_LIMIT),
        );
        if let Some(ror) = &o.ror {
            graph.text(&me, schema::IDENTIFIER, ror);
        }
        if let Some(url) = &o.url {
            graph.link(&me, schema::SAME_AS, url);
        }
        graph.link(&me, schema::URL, &iris.page(&target));
    }
}

/// The node of an agent named on `owner`: the person's IRI when resolved,
/// else a `schema:Person` node of the owner's page with the name.
pub(super) fn agent(
    graph: &mut Graph,
    iris: &Iris,
    kind: EntityKind,
    owner: &str,
    index: usize,
    agent: &Agent,
) -> String {
    if let Some(person) = &agent.person {
        return iris.of(EntityKind::Person, person);
    }
    let node = iris.part(kind, owner, &format!("agent-{index}"));
    graph.types(&node, &[schema::PERSON]);
    graph.text(&node, schema::NAME, &agent.name);
    node
}

/// The licence node: the SPDX IRI when the licence has a real SPDX id, else
/// the licence URL, else a node of the owner's page labelled with the text.
pub(super) fn license(
    graph: &mut Graph,
    iris: &Iris,
    kind: EntityKind,
    owner: &str,
    license: &License,
) -> String {
    let node = iri::spdx(license)
        .or_else(|| {
            license
                .url
                .clone()
                .filter(|u| super::Object::link(u).as_iri().is_some())
        })
        .unwrap_or_else(|| iris.part(kind, owner, "license"));
    graph.types(&node, &[dcterms::LICENSE_DOCUMENT]);
    let label = license
        .spdx
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(&license.text);
    graph.text(&node, rdfs::LABEL, label);
    if let Some(url) = &license.url
        && url != &node
    {
        graph.link(&node, rdfs::SEE_ALSO, url);
    }
    node
}
