//! Loading single files and folders on their own, outside a library folder
//! (`almanac check FILE`, feedstock CI, tests), including Hugo pages found
//! outside kind folders.

use std::fs;
use std::path::{Path, PathBuf};

use super::kind::{FileKind, sniff, unsupported};
use super::{
    Paths, bib_entries, load_dataset_files, load_markdown_kind, markdown_entity, merge_or_push,
    parse, parse_file, read, sorted_entries, web_catalog,
};
use crate::content::boundary::Boundary;
use crate::content::document;
use crate::content::{Draft, Loaded, MarkdownFile, code, identifier, paper, person};
use crate::diagnostics::{Diagnostics, Location};

/// Loads one file on its own, recognising its kind (used by `almanac check FILE` and tests).
pub fn load_file(path: &Path, diagnostics: &mut Diagnostics) -> Loaded {
    let root = path.parent().unwrap_or(Path::new(""));
    let display = path.to_string_lossy().into_owned();
    let label = display_parent(&display);
    let paths = Paths {
        root,
        label: &label,
        boundary: Boundary::new(root),
    };
    let mut loaded = Loaded::default();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = identifier::slug(stem.trim_end_matches(".meta").trim_end_matches(".catalog"));
    let node = match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml" | "json" | "cff") => match parse_file(path, &paths, diagnostics) {
            Some(node) => Some(node),
            None => return loaded,
        },
        _ => None,
    };
    match sniff(path, node.as_ref()) {
        FileKind::FeedstockMeta => loaded.datasets.extend(load_dataset_files(
            &id,
            Some(path),
            None,
            &paths,
            diagnostics,
        )),
        FileKind::FeedstockCatalog => loaded.datasets.extend(load_dataset_files(
            &id,
            None,
            Some(path),
            &paths,
            diagnostics,
        )),
        FileKind::WebCatalog => {
            if let Some(node) = &node {
                web_catalog(
                    node,
                    &paths.display(path),
                    &paths.relative(path),
                    "",
                    &paths,
                    &mut loaded,
                    diagnostics,
                );
            }
        }
        FileKind::CitationCff => {
            if let Some(node) = &node {
                loaded.code.push(code::from_citation_cff(
                    &id,
                    &paths.display(path),
                    &paths.relative(path),
                    node,
                    diagnostics,
                ));
            }
        }
        FileKind::Bibtex => {
            for entry in bib_entries(path, &paths, diagnostics) {
                let draft = paper::from_bibtex(
                    &entry,
                    &paths.display(path),
                    &paths.relative(path),
                    diagnostics,
                );
                merge_or_push(draft, &mut loaded.papers);
            }
        }
        FileKind::Markdown => {
            // The folder names the kind (`models/x.md`); outside kind folders the
            // front matter decides: a publication, a Hugo author profile, or neither.
            let folder_kind = path
                .ancestors()
                .filter_map(|a| a.file_name().and_then(|n| n.to_str()))
                .find(|n| {
                    matches!(
                        *n,
                        "papers" | "models" | "courses" | "code" | "people" | "organizations"
                    )
                });
            let kind = match folder_kind {
                Some(kind) => kind,
                None => match markdown_shape(path, &paths.boundary) {
                    MarkdownShape::Publication => "papers",
                    MarkdownShape::AuthorProfile => {
                        if let Some(draft) = hugo_profile(path, &paths, diagnostics) {
                            loaded.people.push(draft);
                        }
                        return loaded;
                    }
                    MarkdownShape::Other => {
                        diagnostics
                            .warning(
                                "unsupported-file",
                                Location::file(paths.display(path)),
                                "this Markdown page is neither a publication nor an author profile",
                            )
                            .help = Some("put it in a kind folder (papers/, organizations/, …) to read it as that kind".into());
                        return loaded;
                    }
                },
            };
            let id = if stem == "index" {
                display_parent(&display)
                    .rsplit('/')
                    .next()
                    .unwrap_or("index")
                    .to_owned()
            } else {
                stem.clone()
            };
            let mut bibs: Vec<PathBuf> = path
                .parent()
                .map(sorted_entries)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "bib"))
                .filter(|p| paths.boundary.contains(p))
                .collect();
            if stem != "index" {
                bibs.clear();
            }
            markdown_entity(kind, &id, path, &mut bibs, &paths, &mut loaded, diagnostics);
        }
        kind => unsupported(kind, &paths.display(path), diagnostics),
    }
    loaded
}

fn display_parent(display: &str) -> String {
    display
        .rsplit_once('/')
        .map(|(parent, _)| parent.to_owned())
        .unwrap_or_default()
}

/// Loads a dataset from a `meta.yaml` and/or `catalog.yaml` anywhere on disk
/// (tests, `almanac check`); `None` when one of the files does not parse.
pub fn load_dataset_folder(
    id: &str,
    meta: Option<&Path>,
    catalog: Option<&Path>,
    diagnostics: &mut Diagnostics,
) -> Option<Draft<almanac_model::Dataset>> {
    let anchor = meta
        .or(catalog)
        .and_then(Path::parent)
        .unwrap_or(Path::new(""));
    let label = anchor.to_string_lossy().into_owned();
    // The library is the folder that holds both files (`catalog.yaml` may sit one folder above
    // `feedstock/meta.yaml`).
    let library = [meta, catalog]
        .into_iter()
        .flatten()
        .filter_map(Path::parent)
        .min_by_key(|p| p.components().count())
        .filter(|outer| {
            [meta, catalog]
                .into_iter()
                .flatten()
                .all(|f| f.starts_with(outer))
        })
        .unwrap_or(anchor);
    let paths = Paths {
        root: anchor,
        label: &label,
        boundary: Boundary::new(library),
    };
    load_dataset_files(id, meta, catalog, &paths, diagnostics)
}

/// Loads one kind's folder on its own (e.g. a Hugo Academic `publication/`
/// folder read as papers), showing paths under `label`.
pub fn load_kind_folder(
    kind: almanac_model::EntityKind,
    dir: &Path,
    label: &str,
    diagnostics: &mut Diagnostics,
) -> Loaded {
    let parent = dir.parent().unwrap_or(Path::new(""));
    let paths = Paths {
        root: parent,
        label,
        boundary: Boundary::new(parent),
    };
    let mut loaded = Loaded::default();
    load_markdown_kind(kind.plural(), dir, &paths, &mut loaded, diagnostics);
    loaded
}

/// What a Markdown file outside a kind folder looks like.
enum MarkdownShape {
    Publication,
    AuthorProfile,
    Other,
}

fn markdown_shape(path: &Path, boundary: &Boundary) -> MarkdownShape {
    if !boundary.contains(path) {
        return MarkdownShape::Publication; // the loader refuses it with a diagnostic
    }
    let Ok(text) = fs::read_to_string(path) else {
        return MarkdownShape::Publication; // the loader reports the read error
    };
    let split = document::split_front_matter(&text);
    let Ok(node) = document::parse_yaml(split.yaml, split.yaml_line_offset) else {
        return MarkdownShape::Publication; // the loader reports the syntax error
    };
    let has = |key: &str| node.get(key).is_some();
    if has("doi")
        || has("publication")
        || has("publication_types")
        || has("authors")
        || has("venue")
    {
        MarkdownShape::Publication
    } else if has("superuser") || has("social") || has("role") || has("user_groups") {
        MarkdownShape::AuthorProfile
    } else {
        MarkdownShape::Other
    }
}

/// A Hugo Academic author profile (`content/authors/<name>/_index.md`) read as a person.
fn hugo_profile(
    path: &Path,
    paths: &Paths<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Draft<almanac_model::Person>> {
    let display = paths.display(path);
    let text = read(path, paths, diagnostics)?;
    let split = document::split_front_matter(&text);
    let node = parse(split.yaml, split.yaml_line_offset, &display, diagnostics)?;
    let source_file = paths.relative(path);
    let file = MarkdownFile {
        path: &display,
        source_file: &source_file,
        front_matter: node,
        body: split.body,
    };
    Some(person::from_hugo_profile(&file, diagnostics))
}
