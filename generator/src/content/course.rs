//! Courses and educational modules: Markdown with front matter.

use almanac_model::{Course, Link};

use crate::content::document::Node;
use crate::content::fields::Reader;
use crate::content::{Draft, MarkdownFile, read_license_field};
use crate::diagnostics::Diagnostics;

/// Front-matter fields of a course.
pub const FIELDS: &[&str] = &[
    "title",
    "instructors",
    "level",
    "url",
    "license",
    "notebooks",
    "datasets",
    "models",
    "papers",
    "code",
    "tags",
];

/// Loads a course from a Markdown file.
pub fn from_markdown(
    id: &str,
    file: &MarkdownFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Draft<Course> {
    let reader = Reader::new(file.path, &file.front_matter, FIELDS, diagnostics);
    let mut notebooks = Vec::new();
    for item in reader.get("notebooks").map(Node::items).unwrap_or_default() {
        if let Some(url) = item.as_text() {
            notebooks.push(Link { url, label: None });
            continue;
        }
        let fields = Reader::new(file.path, item, &["title", "url"], diagnostics);
        if let Some(url) = fields.required("url", diagnostics) {
            notebooks.push(Link {
                url,
                label: fields.string("title", diagnostics),
            });
        }
    }
    let mut draft = Draft::new(Course {
        id: id.to_owned(),
        source_file: file.source_file.to_owned(),
        title: reader
            .required("title", diagnostics)
            .unwrap_or_else(|| id.to_owned()),
        description: file.body.to_owned(),
        level: reader.string("level", diagnostics),
        url: reader.string("url", diagnostics),
        license: read_license_field(&reader, "license", diagnostics),
        instructors: Vec::new(),
        notebooks,
        datasets: Vec::new(),
        models: Vec::new(),
        papers: Vec::new(),
        code: Vec::new(),
        tags: reader
            .strings("tags", diagnostics)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
    });
    draft.agents = reader.agents("instructors", diagnostics);
    for field in ["datasets", "models", "papers", "code"] {
        draft.refs.extend(reader.refs(field, diagnostics));
    }
    draft
}
