//! Graph stage: papers (CiTO), models (FAIR4ML), courses (schema:Course /
//! LearningResource) and code (CodeMeta / schema:SoftwareSourceCode), and the
//! one mapping from the library's typed links to RDF predicates.

use almanac_model::{Agent, EntityKind, EntityRef, Library, License, Reference};

use super::vocab::{cito, codemeta, dcterms, fair4ml, prov, rdfs, schema, xsd};
use super::{Graph, Iris, Object, agents, dataset};
use crate::links::{Edge, Relation};
use crate::render::markdown::to_plain;

/// The predicates a link of `relation` from an entity of kind `from` becomes.
#[must_use]
pub fn predicates(relation: Relation, from: EntityKind) -> &'static [&'static str] {
    match relation {
        Relation::UsesData => &[cito::USES_DATA_FROM, cito::CITES_AS_DATA_SOURCE],
        Relation::UsesCode if from == EntityKind::Model => &[codemeta::HAS_SOURCE_CODE],
        Relation::UsesModel | Relation::UsesCode | Relation::Teaches | Relation::Processes => {
            &[dcterms::REFERENCES]
        }
        Relation::Cites => &[cito::CITES],
        Relation::TrainedOn => &[fair4ml::TRAINED_ON],
        Relation::EvaluatedOn => &[fair4ml::EVALUATED_ON],
        Relation::DescribedBy if from == EntityKind::Code => &[codemeta::REFERENCE_PUBLICATION],
        Relation::DescribedBy | Relation::CiteAs => &[schema::CITATION],
        Relation::ProducedBy => &[prov::WAS_INFLUENCED_BY],
        Relation::ProvidedBy => &[schema::PROVIDER],
        Relation::AffiliatedWith => &[schema::AFFILIATION],
        Relation::AuthoredBy => &[schema::AUTHOR],
        Relation::TaughtBy => &[schema::CREATOR],
        Relation::MaintainedBy => &[schema::MAINTAINER],
    }
}

/// Writes one typed link between two entities of the library.
pub(super) fn edge(graph: &mut Graph, iris: &Iris, edge: &Edge) {
    let from = iris.entity(&edge.from);
    let to = iris.entity(&edge.to);
    for predicate in predicates(edge.relation, edge.from.kind) {
        graph.link(&from, predicate, &to);
    }
}

/// Writes references as written in content: library entities and external DOIs or URLs.
fn references(
    graph: &mut Graph,
    iris: &Iris,
    me: &EntityRef,
    relation: Relation,
    references: &[Reference],
) {
    let from = iris.entity(me);
    for reference in references {
        let to = match reference {
            Reference::Entity { target } => iris.entity(target),
            Reference::External { url, .. } => url.clone(),
        };
        for predicate in predicates(relation, me.kind) {
            graph.link(&from, predicate, &to);
        }
    }
}

/// Name, description, tags, page URL and licence: what every work has.
struct Work<'a> {
    kind: EntityKind,
    id: &'a str,
    title: &'a str,
    markdown: &'a str,
    tags: &'a [String],
    license: Option<&'a License>,
}

fn work(graph: &mut Graph, iris: &Iris, work: &Work<'_>, classes: &[&'static str]) -> String {
    let target = EntityRef::new(work.kind, work.id);
    let me = iris.entity(&target);
    graph.types(&me, classes);
    graph.text(&me, schema::NAME, work.title);
    graph.text(&me, rdfs::LABEL, work.title);
    graph.text(
        &me,
        schema::DESCRIPTION,
        &to_plain(work.markdown, dataset::DESCRIPTION_LIMIT),
    );
    for tag in work.tags {
        graph.text(&me, schema::KEYWORDS, tag);
    }
    graph.link(&me, schema::URL, &iris.page(&target));
    if let Some(license) = work.license {
        let node = agents::license(graph, iris, work.kind, work.id, license);
        graph.link(&me, schema::LICENSE, &node);
        graph.link(&me, dcterms::LICENSE, &node);
    }
    me
}

fn people(
    graph: &mut Graph,
    iris: &Iris,
    me: &str,
    kind: EntityKind,
    id: &str,
    predicate: &'static str,
    list: &[Agent],
) {
    for (index, person) in list.iter().enumerate() {
        let node = agents::agent(graph, iris, kind, id, index, person);
        graph.link(me, predicate, &node);
    }
}

pub(super) fn papers(graph: &mut Graph, iris: &Iris, library: &Library) {
    for p in &library.papers {
        let kind = EntityKind::Paper;
        let info = Work {
            kind,
            id: &p.id,
            title: &p.title,
            markdown: &p.summary,
            tags: &p.tags,
            license: None,
        };
        let me = work(graph, iris, &info, &[schema::SCHOLARLY_ARTICLE]);
        graph.text(&me, dcterms::TITLE, &p.title);
        if let Some(date) = published(p.date.as_deref(), p.year) {
            graph.add(&me, schema::DATE_PUBLISHED, date.clone());
            graph.add(&me, dcterms::ISSUED, date);
        }
        if let Some(doi) = &p.doi {
            dataset::identifier(graph, &me, doi);
        }
        if let Some(url) = &p.url {
            graph.link(&me, schema::SAME_AS, url);
        }
        people(graph, iris, &me, kind, &p.id, schema::AUTHOR, &p.authors);
        let target = EntityRef::new(kind, &p.id);
        references(graph, iris, &target, Relation::UsesData, &p.datasets);
        references(graph, iris, &target, Relation::UsesModel, &p.models);
        references(graph, iris, &target, Relation::UsesCode, &p.code);
        references(graph, iris, &target, Relation::Cites, &p.cites);
    }
}

/// `xsd:date`, `xsd:gYearMonth` or `xsd:gYear` for a publication date.
fn published(date: Option<&str>, year: Option<i32>) -> Option<Object> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if let Some(date) = date {
        let parts: Vec<&str> = date.split('-').collect();
        let well_formed =
            parts.iter().all(|p| digits(p)) && parts.first().is_some_and(|y| y.len() == 4);
        match parts.len() {
            3 if well_formed => return Some(Object::typed(date, xsd::DATE)),
            2 if well_formed => return Some(Object::typed(date, xsd::G_YEAR_MONTH)),
            _ => {}
        }
    }
    year.map(|y| Object::typed(format!("{y:04}"), xsd::G_YEAR))
}

pub(super) fn models(graph: &mut Graph, iris: &Iris, library: &Library) {
    for m in &library.models {
        let kind = EntityKind::Model;
        let info = Work {
            kind,
            id: &m.id,
            title: &m.title,
            markdown: &m.description,
            tags: &m.tags,
            license: m.license.as_ref(),
        };
        let me = work(
            graph,
            iris,
            &info,
            &[fair4ml::ML_MODEL, schema::CREATIVE_WORK],
        );
        if let Some(task) = &m.task {
            graph.text(&me, fair4ml::ML_TASK, task);
        }
        if let Some(architecture) = &m.architecture {
            graph.text(&me, fair4ml::MODEL_CATEGORY, architecture);
        }
        if let Some(framework) = &m.framework {
            graph.text(&me, schema::KEYWORDS, framework);
        }
        if let Some(weights) = &m.weights {
            graph.link(&me, rdfs::SEE_ALSO, weights);
        }
        people(graph, iris, &me, kind, &m.id, schema::AUTHOR, &m.authors);
        let target = EntityRef::new(kind, &m.id);
        references(graph, iris, &target, Relation::TrainedOn, &m.trained_on);
        references(graph, iris, &target, Relation::EvaluatedOn, &m.evaluated_on);
        references(graph, iris, &target, Relation::DescribedBy, &m.papers);
        references(graph, iris, &target, Relation::UsesCode, &m.code);
    }
}

pub(super) fn courses(graph: &mut Graph, iris: &Iris, library: &Library) {
    for c in &library.courses {
        let kind = EntityKind::Course;
        let info = Work {
            kind,
            id: &c.id,
            title: &c.title,
            markdown: &c.description,
            tags: &c.tags,
            license: c.license.as_ref(),
        };
        let me = work(
            graph,
            iris,
            &info,
            &[schema::COURSE, schema::LEARNING_RESOURCE],
        );
        if let Some(level) = &c.level {
            graph.text(&me, schema::EDUCATIONAL_LEVEL, level);
        }
        if let Some(url) = &c.url {
            graph.link(&me, schema::SAME_AS, url);
        }
        for notebook in &c.notebooks {
            let node = Object::link(&notebook.url);
            if let Some(iri) = node.as_iri() {
                graph.types(iri, &[schema::LEARNING_RESOURCE]);
                graph.text(iri, schema::NAME, notebook.label.as_deref().unwrap_or(iri));
            }
            graph.add(&me, schema::HAS_PART, node);
        }
        people(
            graph,
            iris,
            &me,
            kind,
            &c.id,
            schema::CREATOR,
            &c.instructors,
        );
        let target = EntityRef::new(kind, &c.id);
        references(graph, iris, &target, Relation::Teaches, &c.datasets);
        references(graph, iris, &target, Relation::Teaches, &c.models);
        references(graph, iris, &target, Relation::Teaches, &c.papers);
        references(graph, iris, &target, Relation::UsesCode, &c.code);
    }
}

pub(super) fn code(graph: &mut Graph, iris: &Iris, library: &Library) {
    for c in &library.code {
        let kind = EntityKind::Code;
        let info = Work {
            kind,
            id: &c.id,
            title: &c.title,
            markdown: &c.description,
            tags: &c.tags,
            license: c.license.as_ref(),
        };
        let me = work(graph, iris, &info, &[schema::SOFTWARE_SOURCE_CODE]);
        if let Some(repository) = &c.repository {
            graph.link(&me, schema::CODE_REPOSITORY, repository);
        }
        if let Some(doi) = &c.doi {
            dataset::identifier(graph, &me, doi);
        }
        if let Some(version) = &c.version {
            graph.text(&me, schema::VERSION, version);
        }
        if let Some(language) = &c.language {
            graph.text(&me, schema::PROGRAMMING_LANGUAGE, language);
        }
        people(graph, iris, &me, kind, &c.id, schema::AUTHOR, &c.authors);
        let target = EntityRef::new(kind, &c.id);
        references(graph, iris, &target, Relation::Processes, &c.datasets);
        references(graph, iris, &target, Relation::DescribedBy, &c.papers);
    }
}
