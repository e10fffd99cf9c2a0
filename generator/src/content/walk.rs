//! Finding and reading the files of a library folder, and recognising what
//! kind of file each one is.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::config::Limits;
use crate::content::boundary::Boundary;
use crate::content::document::{self, Node};
use crate::content::schema::{self, Schema};
use crate::content::{
    Loaded, MarkdownFile, code, course, file_name, identifier, model, organization, paper, person,
};
use crate::diagnostics::{Diagnostics, Location, Position};

mod bib;
mod confine;
mod depth;
mod feedstock;
mod kind;
mod remote;
mod single;

pub use kind::{FileKind, sniff};
pub use remote::{RemoteFeedstock, parse_document, push_remote_feedstock};
pub use single::{load_dataset_folder, load_file, load_kind_folder};

use bib::{PaperIndex, bib_entries, merge_or_push};
use confine::{entries, inside};
use feedstock::{load_dataset_files, load_datasets, web_catalog};

/// Where files are shown from in diagnostics, and the folder they must stay inside.
struct Paths<'a> {
    root: &'a Path,
    label: &'a str,
    boundary: Boundary,
    /// Bounds on the work one file may cause.
    limits: Limits,
}

impl Paths<'_> {
    /// Path relative to the content folder, `/`-separated.
    fn relative(&self, path: &Path) -> String {
        crate::diagnostics::display_path(path, self.root)
    }

    /// Path as shown in diagnostics.
    fn display(&self, path: &Path) -> String {
        let relative = self.relative(path);
        if self.label.is_empty() {
            relative
        } else {
            format!("{}/{relative}", self.label.trim_end_matches('/'))
        }
    }
}

/// Loads every entity in the library folder `root` with the default
/// [`Limits`]. `label` is how the folder is shown in diagnostics (e.g. `content`).
pub fn load(root: &Path, label: &str, diagnostics: &mut Diagnostics) -> Loaded {
    load_with_limits(root, label, &Limits::DEFAULT, diagnostics)
}

/// [`load`] with the `[limits]` of `almanac.toml`.
pub fn load_with_limits(
    root: &Path,
    label: &str,
    limits: &Limits,
    diagnostics: &mut Diagnostics,
) -> Loaded {
    let paths = Paths {
        root,
        label,
        boundary: Boundary::new(root),
        limits: *limits,
    };
    let mut loaded = Loaded {
        label: label.to_owned(),
        ..Loaded::default()
    };
    if !root.is_dir() {
        diagnostics.error(
            "missing-content",
            Location::file(paths.label),
            "the content folder does not exist",
        );
        return loaded;
    }
    for entry in entries(root, &paths, diagnostics) {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || !entry.is_dir() {
            continue;
        }
        match name.as_str() {
            "datasets" => load_datasets(&entry, &paths, &mut loaded, diagnostics),
            "papers" | "models" | "courses" | "code" | "people" | "organizations" => {
                load_markdown_kind(&name, &entry, &paths, &mut loaded, diagnostics);
            }
            "data" | "static" | "images" => {}
            _ => {
                diagnostics.note(
                    "unknown-folder",
                    Location::file(paths.display(&entry)),
                    format!("folder `{name}` is not a content kind; ignored"),
                );
            }
        }
    }
    loaded
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|read| read.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

/// Reads a content file as UTF-8 text, at most `limits.content_file_bytes` of it: a
/// larger file (or a device that never ends) is reported and skipped. Files outside the
/// library are refused first.
fn read(path: &Path, paths: &Paths<'_>, diagnostics: &mut Diagnostics) -> Option<String> {
    let display = paths.display(path);
    let display = display.as_str();
    if !inside(path, paths, diagnostics) {
        return None;
    }
    read_bounded(path, display, paths.limits.content_file_bytes, diagnostics)
}

/// The text of the file at `path` (shown as `display`), read up to `max` bytes: a larger file,
/// an unreadable one or one that is not UTF-8 is one diagnostic and `None`.
pub(crate) fn read_bounded(
    path: &Path,
    display: &str,
    max: u64,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let mut bytes = Vec::new();
    let result = fs::File::open(path)
        .and_then(|file| file.take(max.saturating_add(1)).read_to_end(&mut bytes));
    if let Err(error) = result {
        diagnostics.error(
            "unreadable-file",
            Location::file(display),
            format!("cannot read the file: {error}"),
        );
        return None;
    }
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        diagnostics
            .error(
                "file-too-large",
                Location::file(display),
                format!(
                    "the file is larger than {max} bytes (`limits.content_file_bytes`); skipped"
                ),
            )
            .help =
            Some("split the file, or raise `[limits] content_file_bytes` in almanac.toml".into());
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(_) => {
            diagnostics.error(
                "unreadable-file",
                Location::file(display),
                "the file is not UTF-8 text",
            );
            None
        }
    }
}

fn parse(
    text: &str,
    line_offset: usize,
    display: &str,
    limits: &Limits,
    diagnostics: &mut Diagnostics,
) -> Option<Node> {
    match document::parse_yaml_limited(text, line_offset, limits) {
        Ok(node) => {
            depth::check_strings(&node, display, limits, diagnostics);
            Some(node)
        }
        Err(error) => {
            let (message, help) = if error.code == "syntax" {
                (
                    format!("invalid YAML: {}", error.message),
                    "the rest of the library is still built; this file is skipped",
                )
            } else {
                (
                    error.message,
                    "write the values out instead of nesting aliases, or raise the limit in \
                     `[limits]` of almanac.toml",
                )
            };
            diagnostics
                .error(error.code, Location::at(display, error.position), message)
                .help = Some(help.into());
            None
        }
    }
}

fn parse_file(path: &Path, paths: &Paths<'_>, diagnostics: &mut Diagnostics) -> Option<Node> {
    let display = paths.display(path);
    let text = read(path, paths, diagnostics)?;
    parse(&text, 0, &display, &paths.limits, diagnostics)
}

fn check_id(id: &str, display: &str, diagnostics: &mut Diagnostics) {
    // An id that cannot be a file name at all is an error of the resolve stage instead.
    if !identifier::is_id(id) && file_name::problem(id, &[]).is_none() {
        diagnostics
            .warning(
                "id-format",
                Location::file(display),
                format!("id `{id}` has characters other than a-z, 0-9, `-`, `_`"),
            )
            .help = Some(format!(
            "rename it to `{}` so URLs stay simple",
            identifier::slug(id)
        ));
    }
}

fn load_markdown_kind(
    kind: &str,
    dir: &Path,
    paths: &Paths<'_>,
    loaded: &mut Loaded,
    diagnostics: &mut Diagnostics,
) {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut bibs: Vec<PathBuf> = Vec::new();
    collect(dir, 0, &mut files, &mut bibs, paths, diagnostics);
    for (id, path) in files {
        check_id(&id, &paths.display(&path), diagnostics);
        markdown_entity(kind, &id, &path, &mut bibs, paths, loaded, diagnostics);
    }
    let mut index = PaperIndex::of(&loaded.papers);
    for bib in bibs {
        if kind != "papers" {
            diagnostics.note(
                "unknown-file",
                Location::file(paths.display(&bib)),
                "BibTeX files are read only under papers/",
            );
            continue;
        }
        for entry in bib_entries(&bib, paths, diagnostics) {
            let draft = paper::from_bibtex(
                &entry,
                &paths.display(&bib),
                &paths.relative(&bib),
                diagnostics,
            );
            merge_or_push(
                draft,
                &mut loaded.papers,
                &mut index,
                paths.label,
                diagnostics,
            );
        }
    }
}

/// Loads one Markdown (or CITATION.cff) entity file of `kind`; a Hugo page
/// bundle's `.bib` files are taken out of `bibs` and merged into the paper.
fn markdown_entity(
    kind: &str,
    id: &str,
    path: &Path,
    bibs: &mut Vec<PathBuf>,
    paths: &Paths<'_>,
    loaded: &mut Loaded,
    diagnostics: &mut Diagnostics,
) {
    let display = paths.display(path);
    if path
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("CITATION.cff"))
    {
        if let Some(node) = parse_file(path, paths, diagnostics) {
            schema::validate(Schema::CitationCff, &node, &display, diagnostics);
            loaded.code.push(code::from_citation_cff(
                id,
                &display,
                &paths.relative(path),
                &node,
                diagnostics,
            ));
        }
        return;
    }
    let Some(text) = read(path, paths, diagnostics) else {
        return;
    };
    let split = document::split_front_matter(&text);
    if split.unterminated {
        diagnostics.error(
            "syntax",
            Location::at(&display, Position::new(1, 1)),
            "front matter opened with `---` is never closed",
        );
        return;
    }
    let Some(front_matter) = parse(
        split.yaml,
        split.yaml_line_offset,
        &display,
        &paths.limits,
        diagnostics,
    ) else {
        return;
    };
    if split.yaml.is_empty() {
        diagnostics
            .error(
                "missing-front-matter",
                Location::at(&display, Position::new(1, 1)),
                "the file has no front matter",
            )
            .help = Some("start the file with `---`, the YAML fields, and another `---`".into());
        return;
    }
    depth::check_body(
        split.body,
        split.body_line,
        &display,
        &paths.limits,
        diagnostics,
    );
    let source_file = paths.relative(path);
    let file = MarkdownFile {
        path: &display,
        source_file: &source_file,
        front_matter,
        body: split.body,
    };
    match kind {
        "papers" => {
            schema::validate(Schema::Paper, &file.front_matter, &display, diagnostics);
            let mut draft = paper::from_markdown(id, &file, diagnostics);
            // A Hugo page bundle's cite.bib describes the same paper.
            if let Some(bundle_dir) = path
                .parent()
                .filter(|_| path.file_name().is_some_and(|n| n == "index.md"))
            {
                bibs.retain(|bib| {
                    if bib.parent() != Some(bundle_dir) {
                        return true;
                    }
                    for entry in bib_entries(bib, paths, diagnostics) {
                        let display = paths.display(bib);
                        let bib_draft = paper::from_bibtex(&entry, &display, &paths.relative(bib), diagnostics);
                        if paper::same_work(&draft.entity, &bib_draft.entity) {
                            paper::merge(&mut draft, bib_draft);
                        } else {
                            diagnostics
                                .warning(
                                    "bibtex-mismatch",
                                    Location::at(&display, Position::new(entry.position.line, entry.position.column)),
                                    format!(
                                        "this BibTeX entry describes “{}”, not the bundle's paper “{}”; not merged",
                                        bib_draft.entity.title, draft.entity.title
                                    ),
                                )
                                .help = Some("replace cite.bib with the paper's own citation".into());
                        }
                    }
                    false
                });
            }
            loaded.papers.push(draft);
        }
        "models" => {
            schema::validate(Schema::Model, &file.front_matter, &display, diagnostics);
            loaded
                .models
                .push(model::from_markdown(id, &file, diagnostics));
        }
        "courses" => {
            schema::validate(Schema::Course, &file.front_matter, &display, diagnostics);
            loaded
                .courses
                .push(course::from_markdown(id, &file, diagnostics));
        }
        "code" => {
            schema::validate(Schema::Code, &file.front_matter, &display, diagnostics);
            loaded
                .code
                .push(code::from_markdown(id, &file, diagnostics));
        }
        "people" => {
            schema::validate(Schema::Person, &file.front_matter, &display, diagnostics);
            loaded
                .people
                .push(person::from_markdown(id, &file, diagnostics));
        }
        _ => {
            schema::validate(
                Schema::Organization,
                &file.front_matter,
                &display,
                diagnostics,
            );
            loaded
                .organizations
                .push(organization::from_markdown(id, &file, diagnostics));
        }
    }
}

/// Collects `(id, path)` of entity files: `<id>.md`, `<id>/index.md`, `<id>/CITATION.cff`, and `.bib` files.
fn collect(
    dir: &Path,
    depth: usize,
    files: &mut Vec<(String, PathBuf)>,
    bibs: &mut Vec<PathBuf>,
    paths: &Paths<'_>,
    diagnostics: &mut Diagnostics,
) {
    for entry in entries(dir, paths, diagnostics) {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            let index = ["index.md", "CITATION.cff"]
                .into_iter()
                .map(|f| entry.join(f))
                .find(|p| p.is_file());
            match index {
                Some(index) => {
                    files.push((name.clone(), index));
                    let bundle: Vec<PathBuf> = sorted_entries(&entry)
                        .into_iter()
                        .filter(|p| p.extension().is_some_and(|e| e == "bib"))
                        .collect();
                    bibs.extend(
                        bundle
                            .into_iter()
                            .filter(|bib| inside(bib, paths, diagnostics)),
                    );
                }
                None if depth < 2 => collect(&entry, depth + 1, files, bibs, paths, diagnostics),
                None => {}
            }
            continue;
        }
        let lower = name.to_lowercase();
        if lower.ends_with(".bib") {
            bibs.push(entry);
        } else if lower == "_index.md" || lower == "readme.md" {
            // Section indexes (Hugo) and READMEs describe the folder, not an entity.
        } else if let Some(stem) = name.strip_suffix(".md") {
            files.push((stem.to_owned(), entry));
        } else {
            diagnostics.note(
                "unknown-file",
                Location::file(paths.display(&entry)),
                "not a content file; ignored",
            );
        }
    }
}
