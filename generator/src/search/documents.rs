//! Search stage: one document per entity, with its text in weighted fields, its facet values,
//! its time range and region, and the summary shown on a result card.

use std::collections::BTreeSet;

use almanac_model::search::{Extent, Facet, days_from_iso};
use almanac_model::{Agent, Crawl, Dataset, EntitySummary, Library, License, StoreFacts};

use crate::render::markdown::to_plain;

/// A field of a document; matches in earlier fields rank higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The title.
    Title,
    /// Variable names, long names and CF standard names of a dataset's stores.
    Variables,
    /// Tags and keywords.
    Tags,
    /// Names of people, providers and venues, the id, task, framework and the like.
    Other,
    /// The description, summary or biography.
    Description,
}

impl Field {
    /// Every field, by weight.
    pub const ALL: [Self; 5] = [
        Self::Title,
        Self::Variables,
        Self::Tags,
        Self::Other,
        Self::Description,
    ];

    /// Weight of one occurrence in the field (BM25F): title > variables > tags > description.
    #[must_use]
    pub const fn weight(self) -> f32 {
        match self {
            Self::Title => 10.0,
            Self::Variables => 5.0,
            Self::Tags => 3.0,
            Self::Other => 2.0,
            Self::Description => 1.0,
        }
    }
}

/// One entity as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// What a result card shows.
    pub summary: EntitySummary,
    /// Text per field.
    pub fields: Vec<(Field, String)>,
    /// Facet values (sorted, without repeats per facet).
    pub facets: Vec<(Facet, String)>,
    /// Time range and region, for datasets whose stores were read.
    pub extent: Option<Extent>,
}

impl Document {
    fn new(summary: EntitySummary) -> Self {
        let mut document = Self {
            fields: vec![(Field::Title, summary.title.clone())],
            facets: vec![(Facet::Kind, summary.kind.name().to_owned())],
            extent: None,
            summary,
        };
        for tag in document.summary.tags.clone() {
            document.facet(Facet::Tag, &tag);
            document.text(Field::Tags, &tag);
        }
        document
    }

    fn text(&mut self, field: Field, text: &str) {
        if !text.trim().is_empty() {
            self.fields.push((field, text.to_owned()));
        }
    }

    fn facet(&mut self, facet: Facet, value: &str) {
        let value = value.trim();
        if !value.is_empty() && !self.facets.iter().any(|(f, v)| *f == facet && v == value) {
            self.facets.push((facet, value.to_owned()));
        }
    }

    fn agents(&mut self, agents: &[Agent]) {
        for agent in agents {
            self.text(Field::Other, &agent.name);
        }
    }

    fn license(&mut self, license: Option<&License>) {
        if let Some(license) = license {
            let value = license.spdx.as_deref().unwrap_or(&license.text);
            self.facet(Facet::License, value);
        }
    }

    fn description(&mut self, markdown: &str) {
        self.text(Field::Description, &to_plain(markdown, usize::MAX));
    }
}

/// Every entity of `library` as a document, in the order of [`crate::summaries`] (which
/// numbers the documents).
#[must_use]
pub fn documents(library: &Library) -> Vec<Document> {
    let mut out: Vec<Document> = crate::summaries(library)
        .into_iter()
        .map(Document::new)
        .collect();
    let mut next = out.iter_mut();
    // `summaries` lists the kinds in this order, each sorted as the library is.
    for dataset in &library.datasets {
        if let Some(document) = next.next() {
            add_dataset(document, dataset);
        }
    }
    for paper in &library.papers {
        if let Some(d) = next.next() {
            d.description(&paper.summary);
            d.agents(&paper.authors);
            for text in [&paper.venue, &paper.doi].into_iter().flatten() {
                d.text(Field::Other, text);
            }
            if let Some(year) = paper.year {
                d.text(Field::Other, &year.to_string());
            }
        }
    }
    for model in &library.models {
        if let Some(d) = next.next() {
            d.description(&model.description);
            d.agents(&model.authors);
            for text in [&model.task, &model.framework, &model.architecture]
                .into_iter()
                .flatten()
            {
                d.text(Field::Other, text);
            }
            d.license(model.license.as_ref());
        }
    }
    for course in &library.courses {
        if let Some(d) = next.next() {
            d.description(&course.description);
            d.agents(&course.instructors);
            if let Some(level) = &course.level {
                d.text(Field::Other, level);
            }
            d.license(course.license.as_ref());
        }
    }
    for code in &library.code {
        if let Some(d) = next.next() {
            d.description(&code.description);
            d.agents(&code.authors);
            for text in [&code.language, &code.repository].into_iter().flatten() {
                d.text(Field::Other, text);
            }
            d.license(code.license.as_ref());
        }
    }
    for person in &library.people {
        if let Some(d) = next.next() {
            d.description(&person.bio);
            for text in [&person.github, &person.orcid].into_iter().flatten() {
                d.text(Field::Other, text);
            }
        }
    }
    for organization in &library.organizations {
        if let Some(d) = next.next() {
            d.description(&organization.description);
        }
    }
    for document in &mut out {
        document.text(Field::Other, &document.summary.id.clone());
        document.facets.sort();
    }
    out
}

fn add_dataset(d: &mut Document, dataset: &Dataset) {
    d.description(&dataset.description);
    d.agents(&dataset.maintainers);
    d.license(Some(&dataset.license));
    for provider in &dataset.providers {
        d.facet(Facet::Provider, &provider.name);
        d.text(Field::Other, &provider.name);
    }
    let facts: Vec<&StoreFacts> = dataset
        .stores
        .iter()
        .filter_map(|store| match &store.crawl {
            Some(Crawl::Ok { facts }) => Some(facts.as_ref()),
            _ => None,
        })
        .collect();
    let mut variables = BTreeSet::new();
    for array in facts.iter().flat_map(|facts| &facts.arrays) {
        if array.role != Some(almanac_model::VariableRole::Data) {
            continue;
        }
        let name = array.path.rsplit('/').next().unwrap_or(&array.path);
        variables.insert(name.to_owned());
        if let Some(standard) = &array.standard_name {
            variables.insert(standard.clone());
        }
        if let Some(long_name) = &array.long_name {
            d.text(Field::Variables, long_name);
        }
    }
    for variable in &variables {
        d.facet(Facet::Variable, variable);
        d.text(Field::Variables, variable);
    }
    d.extent = extent(&facts);
}

/// The union of the stores' time ranges and bounding boxes.
fn extent(facts: &[&StoreFacts]) -> Option<Extent> {
    let mut time: Option<[i32; 2]> = None;
    for range in facts.iter().filter_map(|facts| facts.time.as_ref()) {
        if let (Some(start), Some(end)) = (days_from_iso(&range.start), days_from_iso(&range.end)) {
            time = Some(match time {
                None => [start, end],
                Some([a, b]) => [a.min(start), b.max(end)],
            });
        }
    }
    let mut bbox: Option<[f64; 4]> = None;
    for b in facts.iter().filter_map(|facts| facts.bbox) {
        let next = [b.west, b.south, b.east, b.north];
        bbox = Some(match bbox {
            None => next,
            // Boxes across the antimeridian are not merged; the first one stands.
            Some(have) if have[0] > have[2] || next[0] > next[2] => have,
            Some(have) => [
                have[0].min(next[0]),
                have[1].min(next[1]),
                have[2].max(next[2]),
                have[3].max(next[3]),
            ],
        });
    }
    (time.is_some() || bbox.is_some()).then_some(Extent { time, bbox })
}
