//! Finding and reading the files of a library folder, and recognising what
//! kind of file each one is.

use std::fs;
use std::path::{Path, PathBuf};

use crate::content::boundary::Boundary;
use crate::content::dataset::{self, Part, Sources};
use crate::content::document::{self, Node};
use crate::content::schema::{self, Schema};
use crate::content::{
    Draft, Loaded, MarkdownFile, bibtex, code, course, identifier, model, organization, paper,
    person, thumbnail,
};
use crate::diagnostics::{Diagnostics, Location, Position};

mod confine;
mod kind;
mod single;

pub use kind::{FileKind, sniff};
pub use single::{load_dataset_folder, load_file, load_kind_folder};

use confine::{entries, inside};
use kind::unsupported;

/// Where files are shown from in diagnostics, and the folder they must stay inside.
struct Paths<'a> {
    root: &'a Path,
    label: &'a str,
    boundary: Boundary,
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

/// Loads every entity in the library folder `root`. `label` is how the folder
/// is shown in diagnostics (e.g. `content`).
pub fn load(root: &Path, label: &str, diagnostics: &mut Diagnostics) -> Loaded {
    let paths = Paths {
        root,
        label,
        boundary: Boundary::new(root),
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

fn read(path: &Path, paths: &Paths<'_>, diagnostics: &mut Diagnostics) -> Option<String> {
    let display = paths.display(path);
    let display = display.as_str();
    if !inside(path, paths, diagnostics) {
        return None;
    }
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                diagnostics.error(
                    "unreadable-file",
                    Location::file(display),
                    "the file is not UTF-8 text",
                );
                None
            }
        },
        Err(error) => {
            diagnostics.error(
                "unreadable-file",
                Location::file(display),
                format!("cannot read the file: {error}"),
            );
            None
        }
    }
}

fn parse(
    text: &str,
    line_offset: usize,
    display: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Node> {
    match document::parse_yaml(text, line_offset) {
        Ok(node) => Some(node),
        Err(error) => {
            diagnostics
                .error(
                    "syntax",
                    Location::at(display, error.position),
                    format!("invalid YAML: {}", error.message),
                )
                .help = Some("the rest of the library is still built; this file is skipped".into());
            None
        }
    }
}

fn parse_file(path: &Path, paths: &Paths<'_>, diagnostics: &mut Diagnostics) -> Option<Node> {
    let display = paths.display(path);
    let text = read(path, paths, diagnostics)?;
    parse(&text, 0, &display, diagnostics)
}

fn load_datasets(
    dir: &Path,
    paths: &Paths<'_>,
    loaded: &mut Loaded,
    diagnostics: &mut Diagnostics,
) {
    for entry in entries(dir, paths, diagnostics) {
        let display = paths.display(&entry);
        if entry.is_dir() {
            let id = entry
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if id.starts_with('.') {
                continue;
            }
            check_id(&id, &display, diagnostics);
            if let Some(draft) = dataset_folder(&id, &entry, paths, diagnostics) {
                loaded.datasets.push(draft);
            }
            continue;
        }
        let Some(node) = parse_file(&entry, paths, diagnostics) else {
            continue;
        };
        match sniff(&entry, Some(&node)) {
            FileKind::WebCatalog => {
                let base = paths.relative(dir);
                web_catalog(
                    &node,
                    &display,
                    &paths.relative(&entry),
                    &base,
                    paths,
                    loaded,
                    diagnostics,
                );
            }
            kind => unsupported(kind, &display, diagnostics),
        }
    }
}

fn check_id(id: &str, display: &str, diagnostics: &mut Diagnostics) {
    if !identifier::is_id(id) {
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

fn dataset_folder(
    id: &str,
    dir: &Path,
    paths: &Paths<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Draft<almanac_model::Dataset>> {
    let find = |name: &str| {
        [dir.join(name), dir.join("feedstock").join(name)]
            .into_iter()
            .find(|p| p.is_file())
    };
    let meta_path = find("meta.yaml").or_else(|| find("meta.yml"));
    let catalog_path = find("catalog.yaml").or_else(|| find("catalog.yml"));
    if meta_path.is_none() && catalog_path.is_none() {
        diagnostics.warning(
            "missing-file",
            Location::file(paths.display(dir)),
            "dataset folder has neither meta.yaml nor catalog.yaml; skipped",
        );
        return None;
    }
    load_dataset_files(
        id,
        meta_path.as_deref(),
        catalog_path.as_deref(),
        paths,
        diagnostics,
    )
}

fn load_dataset_files(
    id: &str,
    meta_path: Option<&Path>,
    catalog_path: Option<&Path>,
    paths: &Paths<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Draft<almanac_model::Dataset>> {
    let meta_display = meta_path.map(|p| paths.display(p)).unwrap_or_default();
    let catalog_display = catalog_path.map(|p| paths.display(p)).unwrap_or_default();
    let meta_node = meta_path.and_then(|p| parse_file(p, paths, diagnostics));
    let catalog_node = catalog_path.and_then(|p| parse_file(p, paths, diagnostics));
    // A file that does not parse has been reported; a dataset built from the
    // rest would be wrong (a title-less page, a "missing" meta.yaml), so skip it.
    if meta_path.is_some() != meta_node.is_some()
        || catalog_path.is_some() != catalog_node.is_some()
    {
        return None;
    }
    if let Some(node) = &meta_node {
        schema::validate(Schema::DatasetMeta, node, &meta_display, diagnostics);
    }
    if let Some(node) = &catalog_node {
        schema::validate(Schema::DatasetCatalog, node, &catalog_display, diagnostics);
    }
    let anchor = catalog_path.or(meta_path);
    let base_dir = anchor
        .and_then(Path::parent)
        .map(|p| paths.relative(p))
        .unwrap_or_default();
    let source_file = meta_path
        .or(catalog_path)
        .map(|p| paths.relative(p))
        .unwrap_or_default();
    let mut draft = dataset::load(
        id,
        Sources {
            meta: meta_node.as_ref().map(|node| Part {
                file: &meta_display,
                node,
            }),
            catalog: catalog_node.as_ref().map(|node| Part {
                file: &catalog_display,
                node,
            }),
            base_dir: &base_dir,
            source_file: &source_file,
        },
        diagnostics,
    );
    // Stores and the thumbnail are read from catalog.yaml.
    dataset::vet_local_stores(
        &mut draft,
        catalog_node.as_ref().and_then(|node| node.get("stores")),
        &catalog_display,
        &base_dir,
        paths.root,
        &paths.boundary,
        diagnostics,
    );
    thumbnail::vet(
        &mut draft,
        catalog_node.as_ref().and_then(|node| node.get("thumbnail")),
        &catalog_display,
        paths.root,
        &paths.boundary,
        diagnostics,
    );
    Some(draft)
}

fn web_catalog(
    node: &Node,
    display: &str,
    source_file: &str,
    base_dir: &str,
    paths: &Paths<'_>,
    loaded: &mut Loaded,
    diagnostics: &mut Diagnostics,
) {
    for record in node.items() {
        schema::validate(Schema::WebCatalogRecord, record, display, diagnostics);
        let id = record
            .get("ncviewjs:meta_yaml_url")
            .and_then(Node::as_text)
            // The id must not carry what the URL's query may hold (`?token=…`).
            .and_then(|url| dataset::repository_of(&crate::credentials::public_url(&url).url))
            .and_then(|repo| repo.rsplit('/').next().map(identifier::slug))
            .or_else(|| {
                record
                    .get("title")
                    .and_then(Node::as_text)
                    .map(|t| identifier::slug(&t))
            })
            .unwrap_or_else(|| format!("record-{}", record.position.line));
        let id = unique_id(id, loaded);
        let part = Part {
            file: display,
            node: record,
        };
        let mut draft = dataset::load(
            &id,
            Sources {
                meta: Some(part),
                catalog: Some(part),
                base_dir,
                source_file,
            },
            diagnostics,
        );
        dataset::vet_local_stores(
            &mut draft,
            record.get("stores"),
            display,
            base_dir,
            paths.root,
            &paths.boundary,
            diagnostics,
        );
        thumbnail::vet(
            &mut draft,
            record.get("thumbnail"),
            display,
            paths.root,
            &paths.boundary,
            diagnostics,
        );
        loaded.datasets.push(draft);
    }
}

fn unique_id(id: String, loaded: &Loaded) -> String {
    if !loaded.datasets.iter().any(|d| d.entity.id == id) {
        return id;
    }
    (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| !loaded.datasets.iter().any(|d| &d.entity.id == candidate))
        .unwrap_or(id)
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
            merge_or_push(draft, &mut loaded.papers);
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
    let Some(front_matter) = parse(split.yaml, split.yaml_line_offset, &display, diagnostics)
    else {
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

/// Adds a BibTeX paper, merging it into a Markdown paper with the same DOI or id.
fn merge_or_push(
    draft: Draft<almanac_model::Paper>,
    papers: &mut Vec<Draft<almanac_model::Paper>>,
) {
    let same = papers.iter_mut().find(|p| {
        p.entity.id == draft.entity.id
            || (p.entity.doi.is_some()
                && p.entity.doi.as_deref().map(str::to_lowercase)
                    == draft.entity.doi.as_deref().map(str::to_lowercase))
    });
    match same {
        Some(existing) => paper::merge(existing, draft),
        None => papers.push(draft),
    }
}

fn bib_entries(
    path: &Path,
    paths: &Paths<'_>,
    diagnostics: &mut Diagnostics,
) -> Vec<bibtex::Entry> {
    let display = paths.display(path);
    let Some(text) = read(path, paths, diagnostics) else {
        return Vec::new();
    };
    let (entries, problems) = bibtex::parse(&text, 0);
    for problem in problems {
        diagnostics
            .warning(
                "bibtex",
                Location::at(
                    &display,
                    Position::new(problem.position.line, problem.position.column),
                ),
                problem.message,
            )
            .help =
            Some("the entry is read as far as possible; fix the BibTeX so nothing is lost".into());
    }
    entries
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
