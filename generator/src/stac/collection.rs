//! One dataset as a STAC Collection, with its Items and their page catalogs: metadata,
//! extents, summaries, the stores that cover the collection as assets (datacube fields at the
//! top when they all agree), storage schemes and links.

use std::collections::{BTreeMap, BTreeSet};

use almanac_model::{Crawl, Dataset, Library, StoreFacts, VariableRole};
use serde_json::{Map, Value, json};

use super::asset::{StoreAsset, store_asset};
use super::extent::{bbox_array, interval, union_box, union_interval};
use super::pages::{self, Child, Rel};
use super::placement::{Placement, place};
use super::{Contents, File, ROOT, STAC_VERSION, Settings, extensions, item, metadata, paths};
use crate::content::boundary::Boundary;
use crate::content::thumbnail::{self as content_thumbnail, Thumbnail};
use crate::links::Links;

/// Hands the collection of `dataset` (linked from `parent`) and the files below it (Items,
/// page catalogs, a thumbnail) to `emit`.
pub fn files(
    library: &Library,
    links: &Links,
    dataset: &Dataset,
    parent: &str,
    settings: &Settings,
    emit: &mut impl FnMut(File),
) {
    let path = paths::collection(&dataset.id);
    let placement = place(dataset);
    let children: Vec<Child> = dataset
        .stores
        .iter()
        .zip(&placement)
        .filter(|(_, p)| **p == Placement::Item)
        .map(|(store, _)| Child {
            path: paths::item(&dataset.id, &store.id),
            rel: Rel::Item,
            title: store.name.clone().unwrap_or_else(|| store.id.clone()),
        })
        .collect();
    let layout = pages::layout(&path, &dataset.id, children, settings.page_size);
    for (store, _) in dataset
        .stores
        .iter()
        .zip(&placement)
        .filter(|(_, p)| **p == Placement::Item)
    {
        let item_path = paths::item(&dataset.id, &store.id);
        let item_parent = layout.parent_of(&item_path).unwrap_or(&path).to_owned();
        emit(File {
            contents: Contents::Json(item::item(
                dataset,
                store,
                &item_path,
                &item_parent,
                settings,
            )),
            path: item_path,
        });
    }
    for page in layout.page_files(ROOT, "Stores") {
        emit(page);
    }
    let assets: Vec<(&str, StoreAsset)> = dataset
        .stores
        .iter()
        .zip(&placement)
        .filter(|(_, p)| **p == Placement::Asset)
        .map(|(store, _)| (store.id.as_str(), store_asset(store, &path, settings)))
        .collect();
    let mut object = Map::new();
    object.insert("type".into(), json!("Collection"));
    object.insert("stac_version".into(), json!(STAC_VERSION));
    object.insert("id".into(), json!(dataset.id));
    object.insert("title".into(), json!(dataset.title));
    object.insert("description".into(), json!(description(dataset)));
    if !dataset.tags.is_empty() {
        object.insert("keywords".into(), json!(dataset.tags));
    }
    object.insert("license".into(), json!(metadata::license(dataset)));
    let providers = metadata::providers(dataset);
    if !providers.is_empty() {
        object.insert("providers".into(), Value::Array(providers));
    }
    object.insert("extent".into(), extent(dataset));
    let summaries = summaries(dataset);
    if !summaries.is_empty() {
        object.insert("summaries".into(), Value::Object(summaries));
    }
    let shared_cube = shared_cube(&assets);
    if let Some(cube) = &shared_cube {
        object.extend(cube.clone());
    }
    metadata::scientific(library, links, dataset, &mut object);
    let schemes: BTreeMap<String, Value> = assets
        .iter()
        .filter_map(|(_, a)| a.access.as_ref())
        .map(|a| (a.key.clone(), a.scheme.clone()))
        .collect();
    if !schemes.is_empty() {
        object.insert("storage:schemes".into(), json!(schemes));
    }
    let mut link_list = vec![
        json!({ "rel": "root", "href": paths::relative(&path, ROOT), "type": "application/json" }),
        json!({ "rel": "parent", "href": paths::relative(&path, parent), "type": "application/json" }),
    ];
    link_list.extend(layout.links(&path));
    link_list.extend(assets.iter().map(|(_, a)| a.link.clone()));
    link_list.extend(metadata::links(dataset, &path, settings));
    object.insert("links".into(), Value::Array(link_list));
    let mut asset_map = Map::new();
    for (key, store) in assets {
        let mut asset = store.asset;
        if shared_cube.is_some()
            && let Some(fields) = asset.as_object_mut()
        {
            fields.remove("cube:dimensions");
            fields.remove("cube:variables");
        }
        asset_map.insert(key.to_owned(), asset);
    }
    if let Some((asset, copy)) = thumbnail(dataset, settings) {
        asset_map.insert("thumbnail".into(), asset);
        if let Some(copy) = copy {
            emit(copy);
        }
    }
    if let Some(definition) = item_assets(dataset, &placement) {
        object.insert("item_assets".into(), definition);
    }
    if !asset_map.is_empty() {
        object.insert("assets".into(), Value::Object(asset_map));
    }
    let mut value = Value::Object(object);
    extensions::declare(&mut value);
    emit(File {
        path,
        contents: Contents::Json(value),
    });
}

fn description(dataset: &Dataset) -> String {
    let mut text = dataset.description.trim().to_owned();
    if text.is_empty() {
        text.clone_from(&dataset.title);
    }
    if let Some(thanks) = dataset
        .acknowledgements
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        text.push_str("\n\n## Acknowledgements\n\n");
        text.push_str(thanks);
    }
    text
}

fn read_facts(dataset: &Dataset) -> impl Iterator<Item = &StoreFacts> {
    dataset
        .stores
        .iter()
        .filter_map(|store| match &store.crawl {
            Some(Crawl::Ok { facts }) => Some(facts.as_ref()),
            _ => None,
        })
}

/// The union of the stores' extents; the whole globe and an open interval when no store
/// could be read (STAC requires both).
fn extent(dataset: &Dataset) -> Value {
    let bbox = union_box(read_facts(dataset).filter_map(|f| f.bbox.as_ref()))
        .map_or_else(|| json!([-180.0, -90.0, 180.0, 90.0]), |b| bbox_array(&b));
    let intervals: Vec<_> = read_facts(dataset).filter_map(interval).collect();
    let interval =
        union_interval(&intervals).map_or_else(|| json!([null, null]), |i| json!([i.start, i.end]));
    json!({
        "spatial": { "bbox": [bbox] },
        "temporal": { "interval": [interval] },
    })
}

/// Data variables, their CF standard names and the calendars of all read stores.
fn summaries(dataset: &Dataset) -> Map<String, Value> {
    let mut variables = BTreeSet::new();
    let mut standard_names = BTreeSet::new();
    let mut calendars = BTreeSet::new();
    for facts in read_facts(dataset) {
        for array in facts
            .arrays
            .iter()
            .filter(|a| !a.path.contains('/') && matches!(a.role, Some(VariableRole::Data) | None))
        {
            variables.insert(array.path.clone());
            if let Some(name) = &array.standard_name {
                standard_names.insert(name.clone());
            }
        }
        if let Some(time) = &facts.time {
            calendars.insert(time.calendar.clone());
        }
    }
    let mut out = Map::new();
    for (key, set) in [
        ("almanac:variables", variables),
        ("almanac:standard_names", standard_names),
        ("almanac:calendars", calendars),
    ] {
        if !set.is_empty() {
            out.insert(key.into(), json!(set));
        }
    }
    out
}

/// The datacube fields shared by every read collection-level store, when they all agree.
fn shared_cube(assets: &[(&str, StoreAsset)]) -> Option<Map<String, Value>> {
    let mut cubes = assets.iter().filter_map(|(_, a)| {
        let dimensions = a.asset.get("cube:dimensions")?;
        let variables = a.asset.get("cube:variables")?;
        let mut cube = Map::new();
        cube.insert("cube:dimensions".into(), dimensions.clone());
        cube.insert("cube:variables".into(), variables.clone());
        Some(cube)
    });
    let first = cubes.next()?;
    cubes.all(|c| c == first).then_some(first)
}

/// `item_assets`: what the one asset of every Item is (with the Zarr version when all agree).
fn item_assets(dataset: &Dataset, placement: &[Placement]) -> Option<Value> {
    let types: BTreeSet<String> = dataset
        .stores
        .iter()
        .zip(placement)
        .filter(|(_, p)| **p == Placement::Item)
        .map(|(store, _)| super::asset::media_type(store))
        .collect();
    let media_type = match types.len() {
        0 => return None,
        1 => types.into_iter().next()?,
        _ => "application/vnd.zarr".to_owned(),
    };
    Some(json!({
        item::ASSET_KEY: {
            "title": "Zarr store",
            "type": media_type,
            "roles": ["data"],
        }
    }))
}

/// The thumbnail asset, and the file to copy when the thumbnail is a local image. Only what
/// `content::thumbnail` accepts is used: an http(s) link, or a PNG, JPEG or WebP image inside
/// the library (named for its decoded format, not for what the content called it).
fn thumbnail(dataset: &Dataset, settings: &Settings) -> Option<(Value, Option<File>)> {
    let written = dataset.thumbnail.as_deref()?;
    let checked = match settings.content_dir.as_deref() {
        Some(dir) => {
            content_thumbnail::check(written, &dataset.source_file, dir, &Boundary::new(dir))
                .ok()?
        }
        None => Thumbnail::Link(content_thumbnail::link(written)?),
    };
    let (href, copy, media_type) = match checked {
        Thumbnail::Link(url) => {
            let extension = url
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .filter(|e| !e.contains('/'))
                .unwrap_or_default();
            let media_type = match extension.as_str() {
                "png" => Some("image/png"),
                "jpg" | "jpeg" => Some("image/jpeg"),
                "gif" => Some("image/gif"),
                "webp" => Some("image/webp"),
                "svg" => Some("image/svg+xml"),
                _ => None,
            };
            (url, None, media_type)
        }
        Thumbnail::File(image) => {
            let name = format!("thumbnail.{}", image.header.format.extension());
            let copy = File {
                path: format!("stac/{}/{name}", dataset.id),
                contents: Contents::Copy(image.path),
            };
            (
                format!("./{name}"),
                Some(copy),
                Some(image.header.format.media_type()),
            )
        }
    };
    let mut asset = json!({ "href": href, "title": "Thumbnail", "roles": ["thumbnail"] });
    if let Some(media_type) = media_type {
        asset["type"] = json!(media_type);
    }
    Some((asset, copy))
}
