//! Code repositories: Markdown with front matter, or a `CITATION.cff` (1.2.0).

use almanac_model::Code;

use crate::content::document::Node;
use crate::content::fields::{AgentSpec, Reader};
use crate::content::{Draft, MarkdownFile, identifier, read_license_field};
use crate::diagnostics::Diagnostics;

/// Front-matter fields of a code repository.
pub const FIELDS: &[&str] = &[
    "title",
    "authors",
    "repository",
    "license",
    "doi",
    "version",
    "language",
    "datasets",
    "papers",
    "tags",
];

/// Fields of `CITATION.cff` that Almanac reads.
pub const CFF_FIELDS: &[&str] = &[
    "cff-version",
    "message",
    "title",
    "authors",
    "url",
    "repository-code",
    "repository",
    "license",
    "version",
    "doi",
    "abstract",
    "keywords",
    "date-released",
    "type",
    "identifiers",
    "preferred-citation",
];

/// Loads a code repository from a Markdown file.
pub fn from_markdown(
    id: &str,
    file: &MarkdownFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Draft<Code> {
    let reader = Reader::new(file.path, &file.front_matter, FIELDS, diagnostics);
    let mut draft = Draft::new(Code {
        id: id.to_owned(),
        source_file: file.source_file.to_owned(),
        title: reader
            .required("title", diagnostics)
            .unwrap_or_else(|| id.to_owned()),
        description: file.body.to_owned(),
        repository: reader.string("repository", diagnostics),
        license: read_license_field(&reader, "license", diagnostics),
        doi: reader
            .string("doi", diagnostics)
            .and_then(|d| identifier::doi(&d)),
        version: reader.string("version", diagnostics),
        language: reader.string("language", diagnostics),
        authors: Vec::new(),
        datasets: Vec::new(),
        papers: Vec::new(),
        tags: reader
            .strings("tags", diagnostics)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
    });
    draft.agents = reader.agents("authors", diagnostics);
    for field in ["datasets", "papers"] {
        draft.refs.extend(reader.refs(field, diagnostics));
    }
    draft
}

/// Loads a code repository from a parsed `CITATION.cff`.
pub fn from_citation_cff(
    id: &str,
    path: &str,
    source_file: &str,
    node: &Node,
    diagnostics: &mut Diagnostics,
) -> Draft<Code> {
    let reader = Reader::new(path, node, CFF_FIELDS, diagnostics);
    if let Some(version) = reader.string("cff-version", diagnostics)
        && !version.starts_with("1.")
    {
        let position = reader
            .get("cff-version")
            .map_or(node.position, |n| n.position);
        diagnostics.warning(
            "cff-version",
            reader.at(position),
            format!("CITATION.cff version `{version}` is not 1.x; read as 1.2.0"),
        );
    }
    let mut draft = Draft::new(Code {
        id: id.to_owned(),
        source_file: source_file.to_owned(),
        title: reader
            .required("title", diagnostics)
            .unwrap_or_else(|| id.to_owned()),
        description: reader.string("abstract", diagnostics).unwrap_or_default(),
        repository: reader
            .string("repository-code", diagnostics)
            .or_else(|| reader.string("url", diagnostics))
            .or_else(|| reader.string("repository", diagnostics)),
        license: read_license_field(&reader, "license", diagnostics),
        doi: reader
            .string("doi", diagnostics)
            .and_then(|d| identifier::doi(&d)),
        version: reader.string("version", diagnostics),
        language: None,
        authors: Vec::new(),
        datasets: Vec::new(),
        papers: Vec::new(),
        tags: reader
            .strings("keywords", diagnostics)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
    });
    for item in reader.get("authors").map(Node::items).unwrap_or_default() {
        let fields = Reader::new(
            path,
            item,
            &[
                "family-names",
                "given-names",
                "name",
                "orcid",
                "affiliation",
                "email",
                "name-particle",
                "alias",
                "website",
            ],
            diagnostics,
        );
        let name = match (
            fields.string("given-names", diagnostics),
            fields.string("family-names", diagnostics),
        ) {
            (Some(given), Some(family)) => Some(format!("{given} {family}")),
            (None, Some(family)) => Some(family),
            _ => fields.string("name", diagnostics),
        };
        draft.agents.push(AgentSpec {
            field: "authors",
            name,
            orcid: fields.string("orcid", diagnostics),
            github: None,
            person: None,
            location: reader.at(item.position),
        });
    }
    draft
}
