//! What kind of library file a file is, judged by its name and content, and
//! the warning for files that are not content.

use std::path::Path;

use crate::content::document::{Node, NodeValue};
use crate::diagnostics::{Diagnostics, Location};

/// What a file is, judged by its name and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A feedstock `meta.yaml`.
    FeedstockMeta,
    /// A LEAP `catalog.yaml`.
    FeedstockCatalog,
    /// LEAP's consolidated (or single-feedstock) web catalog JSON: a list of dataset records.
    WebCatalog,
    /// LEAP's catalog input: a list of feedstock `catalog.yaml` URLs.
    FeedstockList,
    /// A GitHub issue form.
    IssueForm,
    /// A `CITATION.cff`.
    CitationCff,
    /// Markdown with front matter.
    Markdown,
    /// BibTeX.
    Bibtex,
    /// Anything else.
    Unknown,
}

/// Recognises a file from its name and, for YAML/JSON, its parsed content.
#[must_use]
pub fn sniff(path: &Path, node: Option<&Node>) -> FileKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name == "citation.cff" || name.ends_with("citation.cff") {
        return FileKind::CitationCff;
    }
    if name.ends_with(".md") {
        return FileKind::Markdown;
    }
    if name.ends_with(".bib") {
        return FileKind::Bibtex;
    }
    let Some(node) = node else {
        return FileKind::Unknown;
    };
    if let NodeValue::Sequence(items) = &node.value {
        let records = items
            .iter()
            .all(|item| item.get("title").is_some() || item.get("stores").is_some());
        return if records && !items.is_empty() {
            FileKind::WebCatalog
        } else {
            FileKind::Unknown
        };
    }
    let has = |key: &str| node.get(key).is_some();
    if has("feedstocks") && !has("title") {
        return FileKind::FeedstockList;
    }
    if has("body") && (has("labels") || has("name")) && !has("provenance") {
        return FileKind::IssueForm;
    }
    if name.ends_with("meta.yaml") || name.ends_with("meta.yml") {
        return FileKind::FeedstockMeta;
    }
    if name.ends_with("catalog.yaml") || name.ends_with("catalog.yml") {
        return FileKind::FeedstockCatalog;
    }
    if has("provenance") || has("recipes") || has("maintainers") {
        return FileKind::FeedstockMeta;
    }
    if has("stores") || has("tags") || has("ncviewjs:meta_yaml_url") || has("data_store_prefix") {
        return FileKind::FeedstockCatalog;
    }
    FileKind::Unknown
}

pub(super) fn unsupported(kind: FileKind, display: &str, diagnostics: &mut Diagnostics) {
    let (message, help) = match kind {
        FileKind::FeedstockList => (
            "this is a list of remote feedstock catalogs; a content folder holds feedstock files in datasets/<id>/",
            "name the list in `[sources] feedstock_lists` of almanac.toml to fetch its feedstocks (docs/sources.md), and move it out of the content folder",
        ),
        FileKind::IssueForm => (
            "this is a GitHub issue form, not library content",
            "move it out of the content folder",
        ),
        _ => (
            "Almanac does not know what this file is",
            "see docs/content.md for the files a library holds",
        ),
    };
    diagnostics
        .warning("unsupported-file", Location::file(display), message)
        .help = Some(help.into());
}
