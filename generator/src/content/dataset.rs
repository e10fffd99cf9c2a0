//! Datasets from feedstock metadata, read as they are: LEAP `catalog.yaml` +
//! `meta.yaml`, Pangeo Forge `meta.yaml`, and records of LEAP's consolidated
//! web catalog JSON (a `meta.yaml` and `catalog.yaml` merged).

use std::collections::BTreeMap;

use almanac_model::{Citation, Dataset, Feedstock, License, Link, Recipe};

use crate::content::Draft;
use crate::content::document::{Node, NodeValue};
use crate::content::fields::{Reader, wrong_type};
use crate::content::license;
use crate::content::{file_name, identifier};
use crate::diagnostics::{Diagnostics, Location};

mod local;
mod provider;
mod store;

pub(crate) use local::store_url_location;
pub use local::vet_local_stores;
use provider::providers;
pub use provider::role_name;
use store::read_store;
pub use store::{classify_url, join_relative, repository_of};

/// Fields of a feedstock `meta.yaml` that Almanac reads.
pub const META_FIELDS: &[&str] = &[
    "title",
    "description",
    "pangeo_forge_version",
    "pangeo_notebook_version",
    "recipes",
    "provenance",
    "maintainers",
    "bakery",
    "doi",
    "citation",
    "acknowledgements",
    "contact",
];

/// Fields of a LEAP `catalog.yaml` that Almanac reads.
pub const CATALOG_FIELDS: &[&str] = &[
    "ncviewjs:meta_yaml_url",
    "title",
    "description",
    "tags",
    "stores",
    "links",
    "thumbnail",
    "quicklook",
];

/// One parsed file that describes (part of) a dataset.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// File path for diagnostics.
    pub file: &'a str,
    /// The parsed document.
    pub node: &'a Node,
}

/// The files of one dataset. For consolidated-catalog records `meta` and
/// `catalog` are the same record.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The `meta.yaml`.
    pub meta: Option<Part<'a>>,
    /// The `catalog.yaml`.
    pub catalog: Option<Part<'a>>,
    /// Folder the files are in, relative to the content folder, for relative store paths.
    pub base_dir: &'a str,
    /// The file that `source_file` should name.
    pub source_file: &'a str,
}

/// Loads one dataset with id `id` from its files.
pub fn load(id: &str, sources: Sources<'_>, diagnostics: &mut Diagnostics) -> Draft<Dataset> {
    let same_record = matches!((sources.meta, sources.catalog), (Some(m), Some(c)) if std::ptr::eq(m.node, c.node));
    let merged_fields: Vec<&'static str> =
        META_FIELDS.iter().chain(CATALOG_FIELDS).copied().collect();
    let meta = sources.meta.map(|part| {
        let known = if same_record {
            merged_fields.as_slice()
        } else {
            META_FIELDS
        };
        (part, Reader::new(part.file, part.node, known, diagnostics))
    });
    let catalog = match sources.catalog {
        Some(_) if same_record => None,
        Some(part) => Some((
            part,
            Reader::new(part.file, part.node, CATALOG_FIELDS, diagnostics),
        )),
        None => None,
    };
    // catalog.yaml fields come from the catalog when there is one, else from the merged record.
    let catalog_reader = catalog.as_ref().or(meta.as_ref().filter(|_| same_record));
    let first_file = sources
        .meta
        .or(sources.catalog)
        .map_or(sources.source_file, |p| p.file);

    let first_location = match sources.meta.or(sources.catalog) {
        Some(part) if same_record => Location::at(first_file, part.node.position),
        _ => Location::file(first_file),
    };
    let mut draft = Draft::new(Dataset {
        id: id.to_owned(),
        source_file: sources.source_file.to_owned(),
        title: id.to_owned(),
        description: String::new(),
        tags: Vec::new(),
        license: License::default(),
        providers: Vec::new(),
        maintainers: Vec::new(),
        stores: Vec::new(),
        links: Vec::new(),
        doi: None,
        citations: Vec::new(),
        thumbnail: None,
        acknowledgements: None,
        feedstock: Feedstock::default(),
        extra: BTreeMap::new(),
    });

    let title = meta
        .as_ref()
        .and_then(|(_, r)| r.string("title", diagnostics))
        .or_else(|| catalog_reader.and_then(|(_, r)| r.string("title", diagnostics)));
    match title {
        Some(title) => draft.entity.title = title,
        None => {
            diagnostics
                .error(
                    "missing-field",
                    first_location.clone(),
                    "the dataset has no `title`",
                )
                .help = Some("add `title:` to meta.yaml".into());
        }
    }
    draft.entity.description = meta
        .as_ref()
        .and_then(|(_, r)| r.string("description", diagnostics))
        .or_else(|| catalog_reader.and_then(|(_, r)| r.string("description", diagnostics)))
        .unwrap_or_default();
    if draft.entity.description.is_empty() {
        diagnostics.warning(
            "missing-field",
            first_location.clone(),
            "the dataset has no `description`",
        );
    }

    if let Some((part, reader)) = &meta {
        read_meta(part, reader, &mut draft, diagnostics);
    } else {
        diagnostics.warning(
            "missing-file",
            first_location,
            "the dataset has no meta.yaml",
        );
    }
    if let Some((part, reader)) = catalog_reader {
        read_catalog(part, reader, sources.base_dir, &mut draft, diagnostics);
    }
    // Known fields that the model has no place for are kept in `extra` without a note.
    let unmodeled = [
        "pangeo_forge_version",
        "pangeo_notebook_version",
        "contact",
        "quicklook",
    ];
    let modeled: Vec<&str> = merged_fields
        .iter()
        .copied()
        .filter(|f| !unmodeled.contains(f))
        .collect();
    let without_unmodeled = |fields: &[&'static str]| -> Vec<&'static str> {
        fields
            .iter()
            .copied()
            .filter(|f| !unmodeled.contains(f))
            .collect()
    };
    // A merged record is read against both field lists; separate files each against their own.
    let meta_modeled = if same_record {
        modeled.clone()
    } else {
        without_unmodeled(META_FIELDS)
    };
    if let Some((_, reader)) = &meta {
        draft
            .entity
            .extra
            .extend(reader.extra(&meta_modeled, diagnostics));
    }
    if let Some((_, reader)) = &catalog {
        draft
            .entity
            .extra
            .extend(reader.extra(&without_unmodeled(CATALOG_FIELDS), diagnostics));
    }
    draft
}

fn read_meta(
    part: &Part<'_>,
    reader: &Reader<'_>,
    draft: &mut Draft<Dataset>,
    diagnostics: &mut Diagnostics,
) {
    let dataset = &mut draft.entity;
    dataset.feedstock.recipes = recipes(reader, diagnostics);
    dataset.feedstock.bakery = reader
        .get("bakery")
        .and_then(|bakery| bakery.get("id").or(Some(bakery)))
        .and_then(Node::as_text);
    dataset.acknowledgements = reader.string("acknowledgements", diagnostics);
    if let Some(text) = reader.string("doi", diagnostics) {
        match identifier::doi(&text) {
            Some(doi) => dataset.doi = Some(doi),
            None => {
                let position = reader.get("doi").map_or(part.node.position, |n| n.position);
                diagnostics.warning(
                    "malformed-doi",
                    reader.at(position),
                    format!("`{text}` is not a DOI"),
                );
            }
        }
    }
    for item in reader.get("citation").map(Node::items).unwrap_or_default() {
        let doi = item
            .get("doi")
            .and_then(Node::as_text)
            .and_then(|d| identifier::doi(&d));
        let text = citation_text(item);
        if text.is_empty() && doi.is_none() {
            diagnostics.warning(
                "missing-field",
                reader.at(item.position),
                "this citation is empty",
            );
            continue;
        }
        if doi.is_none() {
            diagnostics.note(
                "citation-without-doi",
                reader.at(item.position),
                "this citation has no DOI, so it is shown as text only",
            );
        }
        dataset.citations.push(Citation {
            text,
            doi,
            reference: None,
        });
    }

    let maintainers = reader.agents("maintainers", diagnostics);
    draft.agents.extend(maintainers);

    let Some(provenance) = reader.get("provenance") else {
        diagnostics.warning(
            "missing-field",
            reader.at(part.node.position),
            "no `provenance`: the dataset has no providers and no licence",
        );
        return;
    };
    let provenance_reader = Reader::new(
        reader.file(),
        provenance,
        &["providers", "license", "license_link"],
        diagnostics,
    );
    dataset.providers = providers(&provenance_reader, diagnostics);
    let provenance_extra =
        provenance_reader.extra(&["providers", "license", "license_link"], diagnostics);
    if !provenance_extra.is_empty() {
        dataset.extra.insert(
            "provenance".into(),
            almanac_model::Value::Map(provenance_extra),
        );
    }
    let license_link = provenance_reader.get("license_link");
    let license_url = license_link
        .and_then(|link| link.get("url").or(Some(link)))
        .and_then(Node::as_text);
    dataset.license = read_license(&provenance_reader, license_url, diagnostics);
    dataset.license.link_title = license_link
        .and_then(|link| link.get("title"))
        .and_then(Node::as_text);
}

/// A citation mapping (`authors`, `year`, `title`, `journal`, `volume`, `pages`) or string as one line of text.
fn citation_text(item: &Node) -> String {
    if let Some(text) = item.as_text() {
        return text;
    }
    let field = |key: &str| {
        let node = item.get(key)?;
        let text = match node.items() {
            [] => node.as_text()?,
            items => items
                .iter()
                .filter_map(Node::as_text)
                .collect::<Vec<_>>()
                .join(", "),
        };
        Some(text.trim().to_owned()).filter(|t| !t.is_empty())
    };
    // "Authors (Year). Title. Journal, volume, pages." without doubling the
    // full stops that authors' initials and titles already end with.
    let mut text = String::new();
    let end_sentence = |text: &mut String| {
        if !text.is_empty() && !text.ends_with('.') {
            text.push('.');
        }
    };
    if let Some(authors) = field("authors").or_else(|| field("author")) {
        text.push_str(&authors);
    }
    if let Some(year) = field("year") {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("({year})"));
    }
    if let Some(title) = field("title") {
        end_sentence(&mut text);
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&title);
    }
    let venue: Vec<String> = ["journal", "volume", "pages"]
        .into_iter()
        .filter_map(field)
        .collect();
    if !venue.is_empty() {
        end_sentence(&mut text);
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&venue.join(", "));
    }
    end_sentence(&mut text);
    text
}

fn read_license(
    reader: &Reader<'_>,
    url: Option<String>,
    diagnostics: &mut Diagnostics,
) -> License {
    let Some(text) = reader.string("license", diagnostics) else {
        diagnostics.warning(
            "missing-license",
            reader.at(reader
                .entry("license")
                .map_or_else(Default::default, |(k, _)| k.position)),
            "no licence is given",
        );
        return License {
            spdx: Some("other".into()),
            text: String::new(),
            url,
            link_title: None,
        };
    };
    let position = reader
        .entry("license")
        .map_or_else(Default::default, |(_, node)| node.position);
    let spdx = crate::content::license_to_spdx(&text, &reader.at(position), "license", diagnostics);
    let url = url.or_else(|| license::spdx_url(&spdx));
    License {
        spdx: Some(spdx),
        text,
        url,
        link_title: None,
    }
}

fn recipes(reader: &Reader<'_>, diagnostics: &mut Diagnostics) -> Vec<Recipe> {
    let Some(node) = reader.get("recipes") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &node.value {
        NodeValue::Sequence(items) => items.iter().collect(),
        NodeValue::Mapping(_) => vec![node],
        _ => {
            wrong_type(
                diagnostics,
                reader.at(node.position),
                "recipes",
                "a list or a `dict_object` mapping",
                node,
            );
            return Vec::new();
        }
    };
    let mut recipes = Vec::new();
    for item in items {
        let text = |key: &str| item.get(key).and_then(Node::as_text);
        let extra = item
            .entries()
            .iter()
            .filter(|(key, node)| {
                !matches!(key.name.as_str(), "id" | "object" | "dict_object") && !node.is_null()
            })
            .map(|(key, node)| (key.name.clone(), node.to_value()))
            .collect();
        if let Some(object) = text("dict_object") {
            let id = object.rsplit(':').next().unwrap_or(&object).to_owned();
            recipes.push(Recipe {
                id,
                object: Some(object),
                dict_object: true,
                extra,
            });
        } else if let Some(id) = text("id")
            .or_else(|| text("object").map(|o| o.rsplit(':').next().unwrap_or(&o).to_owned()))
        {
            recipes.push(Recipe {
                id,
                object: text("object"),
                dict_object: false,
                extra,
            });
        } else {
            diagnostics.warning(
                "malformed-recipe",
                reader.at(item.position),
                "a recipe needs an `id`, an `object` (e.g. `recipe:name`) or a `dict_object`",
            );
        }
    }
    recipes
}

fn read_catalog(
    part: &Part<'_>,
    reader: &Reader<'_>,
    base_dir: &str,
    draft: &mut Draft<Dataset>,
    diagnostics: &mut Diagnostics,
) {
    let dataset = &mut draft.entity;
    dataset.tags = reader
        .strings("tags", diagnostics)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    dataset.thumbnail = reader.string("thumbnail", diagnostics);
    if let Some(url) = reader.string("ncviewjs:meta_yaml_url", diagnostics) {
        dataset.feedstock.repository = repository_of(&url);
        dataset.feedstock.meta_yaml_url = Some(url);
    }
    for item in reader.get("links").map(Node::items).unwrap_or_default() {
        let fields = Reader::new(reader.file(), item, &["label", "url", "title"], diagnostics);
        if let Some(url) = fields.required("url", diagnostics) {
            let label = fields
                .string("label", diagnostics)
                .or_else(|| fields.string("title", diagnostics));
            if label
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case("doi"))
                && dataset.doi.is_none()
            {
                dataset.doi = identifier::doi(&url);
            }
            dataset.links.push(Link { url, label });
        }
    }
    let stores_node = reader.get("stores");
    if let Some(node) = stores_node.filter(|n| !matches!(n.value, NodeValue::Sequence(_))) {
        wrong_type(
            diagnostics,
            reader.at(node.position),
            "stores",
            "a list",
            node,
        );
    }
    let items = stores_node.map(Node::items).unwrap_or_default();
    if items.is_empty() {
        diagnostics.warning(
            "no-stores",
            reader.at(reader
                .entry("stores")
                .map_or(part.node.position, |(k, _)| k.position)),
            "the dataset lists no stores, so there is no data to crawl or open",
        );
    }
    for item in items {
        if let Some(store) = read_store(reader, item, base_dir, diagnostics) {
            if dataset.stores.iter().any(|s| s.id == store.id) {
                diagnostics.error(
                    "duplicate-id",
                    reader.at(item.position),
                    format!("store id `{}` is used twice in this dataset", store.id),
                );
                continue;
            }
            let key = file_name::collision_key(&store.id);
            if let Some(other) = dataset
                .stores
                .iter()
                .find(|s| file_name::collision_key(&s.id) == key)
            {
                diagnostics
                    .error(
                        "id-collision",
                        reader.at(item.get("id").map_or(item.position, |n| n.position)),
                        format!(
                            "store id `{}` and `{}` {}",
                            file_name::shown_apart(&store.id, &other.id).0,
                            file_name::shown_apart(&store.id, &other.id).1,
                            file_name::collision_reason(&store.id, &other.id),
                        ),
                    )
                    .help = Some("this store is left out; rename one of the two".into());
                continue;
            }
            dataset.stores.push(store);
        }
    }
}
