//! ML models: Markdown with front matter (FAIR4ML-style fields).

use almanac_model::Model;

use crate::content::fields::Reader;
use crate::content::{Draft, MarkdownFile, read_license_field};
use crate::diagnostics::Diagnostics;

/// Front-matter fields of a model.
pub const FIELDS: &[&str] = &[
    "title",
    "authors",
    "task",
    "framework",
    "architecture",
    "license",
    "weights",
    "trained_on",
    "evaluated_on",
    "papers",
    "code",
    "tags",
];

/// Loads a model from a Markdown file.
pub fn from_markdown(
    id: &str,
    file: &MarkdownFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Draft<Model> {
    let reader = Reader::new(file.path, &file.front_matter, FIELDS, diagnostics);
    let mut draft = Draft::new(Model {
        id: id.to_owned(),
        source_file: file.source_file.to_owned(),
        title: reader
            .required("title", diagnostics)
            .unwrap_or_else(|| id.to_owned()),
        description: file.body.to_owned(),
        task: reader.string("task", diagnostics),
        framework: reader.string("framework", diagnostics),
        architecture: reader.string("architecture", diagnostics),
        license: read_license_field(&reader, "license", diagnostics),
        weights: reader.string("weights", diagnostics),
        authors: Vec::new(),
        trained_on: Vec::new(),
        evaluated_on: Vec::new(),
        papers: Vec::new(),
        code: Vec::new(),
        tags: reader
            .strings("tags", diagnostics)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
    });
    draft.agents = reader.agents("authors", diagnostics);
    for field in ["trained_on", "evaluated_on", "papers", "code"] {
        draft.refs.extend(reader.refs(field, diagnostics));
    }
    draft
}
