//! Papers: Markdown with front matter (Almanac's format, and Hugo Academic
//! publication bundles as they are), and BibTeX entries.

use almanac_model::Paper;

use crate::content::bibtex;
use crate::content::document::Node;
use crate::content::fields::{AgentSpec, Reader};
use crate::content::{Draft, MarkdownFile, identifier};
use crate::diagnostics::{Diagnostics, Location, Position};

/// Front-matter fields of a paper. `publication`, `abstract`, `publishDate`
/// and `url_*` are Hugo Academic's spellings, read as they are.
pub const FIELDS: &[&str] = &[
    "title",
    "authors",
    "date",
    "year",
    "venue",
    "doi",
    "url",
    "tags",
    "datasets",
    "models",
    "code",
    "cites",
    "publication",
    "abstract",
    "summary",
    "publishDate",
    "publication_types",
    "publication_short",
    "url_pdf",
    "url_code",
    "url_dataset",
    "url_DOI",
    "url_project",
    "url_slides",
    "url_source",
    "url_video",
    "featured",
    "image",
    "projects",
    "slides",
    "links",
];

/// Loads a paper from a Markdown file.
pub fn from_markdown(
    id: &str,
    file: &MarkdownFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Draft<Paper> {
    let reader = Reader::new(file.path, &file.front_matter, FIELDS, diagnostics);
    let title = reader
        .required("title", diagnostics)
        .unwrap_or_else(|| id.to_owned());
    let date = reader
        .string("date", diagnostics)
        .map(|d| d.chars().take(10).collect::<String>());
    let year = reader
        .string("year", diagnostics)
        .and_then(|y| y.parse().ok())
        .or_else(|| {
            date.as_deref()
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse().ok())
        });
    let doi =
        read_doi(&reader, "doi", diagnostics).or_else(|| read_doi(&reader, "url_DOI", diagnostics));
    let venue = reader
        .string("venue", diagnostics)
        .or_else(|| reader.string("publication", diagnostics))
        .map(|v| v.trim_matches('*').trim().to_owned())
        .filter(|v| !v.is_empty());
    let summary = if file.body.trim().is_empty() {
        reader
            .string("summary", diagnostics)
            .or_else(|| reader.string("abstract", diagnostics))
            .unwrap_or_default()
    } else {
        file.body.to_owned()
    };
    let mut draft = Draft::new(Paper {
        id: id.to_owned(),
        source_file: file.source_file.to_owned(),
        title,
        authors: Vec::new(),
        year,
        date,
        venue,
        doi,
        url: reader.string("url", diagnostics).or_else(|| {
            reader
                .string("url_pdf", diagnostics)
                .filter(|u| u.starts_with("http"))
        }),
        summary,
        tags: reader
            .strings("tags", diagnostics)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
        datasets: Vec::new(),
        models: Vec::new(),
        code: Vec::new(),
        cites: Vec::new(),
        bibtex: None,
    });
    draft.agents = reader.agents("authors", diagnostics);
    for field in ["datasets", "models", "code", "cites"] {
        draft.refs.extend(reader.refs(field, diagnostics));
    }
    if draft.agents.is_empty() {
        diagnostics.warning(
            "missing-field",
            Location::file(file.path),
            format!("paper `{id}` lists no authors"),
        );
    }
    draft
}

fn read_doi(reader: &Reader<'_>, key: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    let text = reader.string(key, diagnostics)?;
    let position = reader
        .get(key)
        .map_or_else(Position::default, |n: &Node| n.position);
    if let Some(doi) = identifier::doi(&text) {
        if doi.starts_with("10.48550/arXiv:") {
            let fixed = doi.replacen("arXiv:", "arXiv.", 1);
            diagnostics
                .warning(
                    "malformed-doi",
                    reader.at(position),
                    format!("`{doi}` is not a valid arXiv DOI; read as `{fixed}`"),
                )
                .help = Some(format!("write `{key}: {fixed}`"));
            return Some(fixed);
        }
        return Some(doi);
    }
    diagnostics
        .warning(
            "malformed-doi",
            reader.at(position),
            format!("`{text}` is not a DOI"),
        )
        .help = Some("a DOI starts with `10.`, e.g. `10.1029/2021MS002477`".into());
    None
}

/// Loads a paper from a BibTeX entry.
pub fn from_bibtex(
    entry: &bibtex::Entry,
    file: &str,
    source_file: &str,
    diagnostics: &mut Diagnostics,
) -> Draft<Paper> {
    let field = |name: &str| {
        entry
            .field(name)
            .map(|f| f.value.clone())
            .filter(|v| !v.is_empty())
    };
    let at = |position: bibtex::Position| {
        Location::at(file, Position::new(position.line, position.column))
    };
    let title = field("title").unwrap_or_else(|| {
        diagnostics.error(
            "missing-field",
            at(entry.position),
            format!("BibTeX entry `{}` has no title", entry.key),
        );
        entry.key.clone()
    });
    let doi = field("doi").and_then(|text| {
        let doi = identifier::doi(&text);
        if doi.is_none() {
            let position = entry.field("doi").map_or(entry.position, |f| f.position);
            diagnostics.warning(
                "malformed-doi",
                at(position),
                format!("`{text}` is not a DOI"),
            );
        }
        doi
    });
    let arxiv_doi = || {
        let eprint = field("eprint")?;
        let archive = field("archiveprefix").unwrap_or_default();
        archive
            .eq_ignore_ascii_case("arxiv")
            .then(|| format!("10.48550/arXiv.{eprint}"))
    };
    let venue = field("journal")
        .or_else(|| field("booktitle"))
        .or_else(|| field("publisher"))
        .or_else(|| {
            field("archiveprefix").map(|a| {
                if a.eq_ignore_ascii_case("arxiv") {
                    "arXiv".to_owned()
                } else {
                    a
                }
            })
        });
    let mut draft = Draft::new(Paper {
        id: identifier::slug(&entry.key),
        source_file: source_file.to_owned(),
        title,
        authors: Vec::new(),
        year: field("year").and_then(|y| y.trim().get(..4).and_then(|y| y.parse().ok())),
        date: None,
        venue,
        doi: doi.or_else(arxiv_doi),
        url: field("url"),
        summary: String::new(),
        tags: field("keywords")
            .map(|k| {
                k.split([',', ';'])
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        datasets: Vec::new(),
        models: Vec::new(),
        code: Vec::new(),
        cites: Vec::new(),
        bibtex: Some(entry.raw.trim().to_owned()),
    });
    // The entry's key gave the id.
    draft.origin = Some(at(entry.position));
    let location = entry.field("author").map_or(entry.position, |f| f.position);
    draft.agents = entry
        .authors()
        .into_iter()
        .map(|name| AgentSpec {
            field: "authors",
            name: Some(name),
            location: at(location),
            ..AgentSpec::default()
        })
        .collect();
    if draft.agents.is_empty() {
        diagnostics.warning(
            "missing-field",
            at(entry.position),
            format!("BibTeX entry `{}` has no authors", entry.key),
        );
    }
    draft
}

/// True when two records describe the same work: same DOI, or the same title
/// once case, punctuation and TeX braces are ignored.
#[must_use]
pub fn same_work(a: &Paper, b: &Paper) -> bool {
    if let (Some(x), Some(y)) = (&a.doi, &b.doi)
        && x.eq_ignore_ascii_case(y)
    {
        return true;
    }
    let words = |text: &str| -> String {
        text.to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let (x, y) = (words(&a.title), words(&b.title));
    !x.is_empty()
        && (x == y || (x.len().min(y.len()) >= 20 && (x.starts_with(&y) || y.starts_with(&x))))
}

/// Merges a BibTeX draft into a Markdown draft of the same paper: the
/// Markdown front matter wins, BibTeX fills the gaps.
pub fn merge(markdown: &mut Draft<Paper>, bib: Draft<Paper>) {
    let paper = &mut markdown.entity;
    let other = bib.entity;
    paper.year = paper.year.or(other.year);
    paper.venue = paper.venue.take().or(other.venue);
    paper.doi = paper.doi.take().or(other.doi);
    paper.url = paper.url.take().or(other.url);
    paper.bibtex = paper.bibtex.take().or(other.bibtex);
    if paper.tags.is_empty() {
        paper.tags = other.tags;
    }
    // Hugo front matter lists "admin" and short names; BibTeX has full names.
    let markdown_has_full_names = markdown
        .agents
        .iter()
        .all(|a| a.orcid.is_some() || a.person.is_some());
    if markdown.agents.is_empty()
        || (!markdown_has_full_names && bib.agents.len() >= markdown.agents.len())
    {
        markdown.agents = bib.agents;
    }
}
