//! A store that is one member of a set, as a STAC Item: its box and time range, the datacube
//! fields in its properties, the store as its one asset, and links back to its collection.

use almanac_model::{Crawl, Dataset, EntityKind, EntityRef, Store};
use serde_json::{Map, Value, json};

use super::asset::store_asset;
use super::extent::{bbox_array, geometry, interval};
use super::{ROOT, STAC_VERSION, Settings, datacube, extensions, metadata, paths};

/// The key of the store's asset in every Item, so that clients find it the same way in each
/// member (and in the collection's `item_assets`).
pub const ASSET_KEY: &str = "zarr";

/// The Item of `store` at `path`, whose `parent` link points at `parent`.
pub fn item(
    dataset: &Dataset,
    store: &Store,
    path: &str,
    parent: &str,
    settings: &Settings,
) -> Value {
    let facts = match &store.crawl {
        Some(Crawl::Ok { facts }) => Some(facts.as_ref()),
        _ => None,
    };
    let mut store_asset = store_asset(store, path, settings);
    if let Some(asset) = store_asset.asset.as_object_mut() {
        // The datacube fields describe the whole Item: they go in its properties.
        asset.remove("cube:dimensions");
        asset.remove("cube:variables");
    }
    let mut properties = Map::new();
    properties.insert(
        "title".into(),
        json!(store.name.clone().unwrap_or_else(|| store.id.clone())),
    );
    if let Some(description) = &store.description {
        properties.insert("description".into(), json!(description));
    }
    match facts.and_then(interval) {
        Some(range) if range.start == range.end => {
            properties.insert("datetime".into(), json!(range.start));
        }
        Some(range) => {
            properties.insert("datetime".into(), Value::Null);
            properties.insert("start_datetime".into(), json!(range.start));
            properties.insert("end_datetime".into(), json!(range.end));
        }
        None => {
            properties.insert("datetime".into(), Value::Null);
        }
    }
    if let Some(facts) = facts {
        datacube::insert(&mut properties, facts);
    }
    if let Some(access) = &store_asset.access {
        let mut schemes = Map::new();
        schemes.insert(access.key.clone(), access.scheme.clone());
        properties.insert("storage:schemes".into(), Value::Object(schemes));
    }
    let collection = paths::collection(&dataset.id);
    let mut links = vec![
        json!({ "rel": "root", "href": paths::relative(path, ROOT), "type": "application/json" }),
        json!({ "rel": "parent", "href": paths::relative(path, parent), "type": "application/json" }),
        json!({
            "rel": "collection",
            "href": paths::relative(path, &collection),
            "type": "application/json",
            "title": dataset.title,
        }),
        std::mem::take(&mut store_asset.link),
    ];
    if let Some(url) = &store.source_url {
        links.push(json!({
            "rel": "derived_from",
            "href": url,
            "title": store.source.clone().unwrap_or_else(|| "Upstream source".into()),
        }));
    }
    links.push(metadata::page_link(
        &EntityRef::new(EntityKind::Dataset, &dataset.id),
        path,
        settings,
        &dataset.title,
    ));
    let mut assets = Map::new();
    assets.insert(ASSET_KEY.to_owned(), store_asset.asset);
    let mut object = Map::new();
    object.insert("type".into(), json!("Feature"));
    object.insert("stac_version".into(), json!(STAC_VERSION));
    object.insert("id".into(), json!(store.id));
    match facts.and_then(|f| f.bbox.as_ref()) {
        Some(bbox) => {
            object.insert("geometry".into(), geometry(bbox));
            object.insert("bbox".into(), bbox_array(bbox));
        }
        None => {
            object.insert("geometry".into(), Value::Null);
        }
    }
    object.insert("properties".into(), Value::Object(properties));
    object.insert("links".into(), Value::Array(links));
    object.insert("assets".into(), Value::Object(assets));
    object.insert("collection".into(), json!(dataset.id));
    let mut value = Value::Object(object);
    extensions::declare(&mut value);
    value
}
