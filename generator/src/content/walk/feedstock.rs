//! Datasets of a library folder: feedstock folders (`datasets/<id>/` with `meta.yaml` and
//! `catalog.yaml`, directly or in `feedstock/`), LEAP web-catalog JSON files, and feedstocks
//! fetched by the sources stage, all read by one function once their files are parsed.

use std::path::Path;

use super::kind::{FileKind, sniff, unsupported};
use super::{Paths, check_id, entries, parse_file};
use crate::content::dataset::{self, Part, Sources};
use crate::content::document::Node;
use crate::content::schema::{self, Schema};
use crate::content::{Draft, Loaded, identifier, thumbnail};
use crate::diagnostics::{Diagnostics, Location};

pub(super) fn load_datasets(
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
            if let Some(mut draft) = dataset_folder(&id, &entry, paths, diagnostics) {
                // The folder's name is the id.
                draft.origin = Some(Location::file(display));
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

pub(super) fn load_dataset_files(
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
    let anchor = catalog_path.or(meta_path);
    let base_dir = anchor
        .and_then(Path::parent)
        .map(|p| paths.relative(p))
        .unwrap_or_default();
    let source_file = meta_path
        .or(catalog_path)
        .map(|p| paths.relative(p))
        .unwrap_or_default();
    let meta = meta_node.as_ref().map(|node| Part {
        file: &meta_display,
        node,
    });
    let catalog = catalog_node.as_ref().map(|node| Part {
        file: &catalog_display,
        node,
    });
    let mut draft = from_documents(id, meta, catalog, &base_dir, &source_file, diagnostics);
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

/// A dataset from its parsed `meta.yaml` and `catalog.yaml`, wherever they came from (a
/// folder of the library, or URLs): both validated against their schemas, then read.
/// Local stores and thumbnails are for the caller to check.
pub(super) fn from_documents(
    id: &str,
    meta: Option<Part<'_>>,
    catalog: Option<Part<'_>>,
    base_dir: &str,
    source_file: &str,
    diagnostics: &mut Diagnostics,
) -> Draft<almanac_model::Dataset> {
    if let Some(part) = meta {
        schema::validate(Schema::DatasetMeta, part.node, part.file, diagnostics);
    }
    if let Some(part) = catalog {
        schema::validate(Schema::DatasetCatalog, part.node, part.file, diagnostics);
    }
    dataset::load(
        id,
        Sources {
            meta,
            catalog,
            base_dir,
            source_file,
        },
        diagnostics,
    )
}

pub(super) fn web_catalog(
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
        // The record's name or title gave the id.
        draft.origin = Some(Location::at(display, record.position));
        loaded.datasets.push(draft);
    }
}

pub(super) fn unique_id(id: String, loaded: &Loaded) -> String {
    // An empty id stays empty (`-2` would hide it); resolve reports each as `empty-id`.
    if id.is_empty() || !loaded.datasets.iter().any(|d| d.entity.id == id) {
        return id;
    }
    (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| !loaded.datasets.iter().any(|d| &d.entity.id == candidate))
        .unwrap_or(id)
}
