//! A Zarr store as a STAC asset and a `store` link: href (relative for local stores, with
//! credentials removed for remote ones), `application/vnd.zarr; version=N`, roles, `zarr:`,
//! `storage:refs`, `xarray:` and datacube fields, and the crawl status when it was not read.

use almanac_model::{Crawl, Store};
use serde_json::{Map, Value, json};

use super::storage::{self, Access};
use super::{Settings, datacube, paths};
use crate::crawl::location::redact_url;

/// One store, ready to place in a collection or an item.
#[derive(Debug, Clone)]
pub struct StoreAsset {
    /// The asset object.
    pub asset: Value,
    /// The `rel: store` link.
    pub link: Value,
    /// How the store is reached, for `storage:schemes`.
    pub access: Option<Access>,
}

/// The Zarr media type, with the format version when it is known.
pub fn media_type(store: &Store) -> String {
    match &store.crawl {
        Some(Crawl::Ok { facts }) => format!("application/vnd.zarr; version={}", facts.zarr_format),
        _ => "application/vnd.zarr".to_owned(),
    }
}

/// The store's href as seen from the STAC file at `owner`.
pub fn href(store: &Store, owner: &str, settings: &Settings) -> String {
    if let Some(local) = &store.local_path {
        if let Some(content) = &settings.content_url {
            return paths::relative(owner, &format!("{content}{local}"));
        }
        if let Some(dir) = &settings.content_dir
            && let Ok(absolute) = std::path::absolute(dir.join(local))
        {
            return format!("file://{}", absolute.display());
        }
    }
    redact_url(&store.url)
}

/// The asset, link and access details of `store`, for the STAC file at `owner`.
pub fn store_asset(store: &Store, owner: &str, settings: &Settings) -> StoreAsset {
    let href = href(store, owner, settings);
    let media_type = media_type(store);
    let title = store.name.clone().unwrap_or_else(|| store.id.clone());
    let access = storage::access(store, &settings.crawl);
    let mut asset = Map::new();
    asset.insert("href".into(), json!(href));
    asset.insert("type".into(), json!(media_type));
    asset.insert("title".into(), json!(title));
    let mut description = store.description.clone().unwrap_or_default();
    let status = match &store.crawl {
        Some(Crawl::Failed { reason }) => Some(("failed", reason.as_str())),
        Some(Crawl::Skipped { reason }) => Some(("skipped", reason.as_str())),
        None => Some(("skipped", "the crawl stage did not run")),
        Some(Crawl::Ok { .. }) => None,
    };
    if store.needs_credentials {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(crate::credentials::NEEDS_CREDENTIALS);
    }
    if let Some((status, reason)) = status {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        let verb = if status == "failed" {
            "could not be read"
        } else {
            "was not read"
        };
        description.push_str(&format!(
            "This store {verb} when the catalog was built ({reason}), so its structure is not described here."
        ));
    }
    if !description.is_empty() {
        asset.insert("description".into(), json!(description));
    }
    asset.insert("roles".into(), json!(["data"]));
    if let Some(Crawl::Ok { facts }) = &store.crawl {
        asset.insert("zarr:zarr_format".into(), json!(facts.zarr_format));
        asset.insert("zarr:consolidated".into(), json!(facts.consolidated));
        asset.insert("zarr:node_type".into(), json!("group"));
    }
    if let Some(access) = &access {
        asset.insert("storage:refs".into(), json!([access.key]));
    }
    if !store.xarray_open_kwargs.is_empty() {
        asset.insert(
            "xarray:open_kwargs".into(),
            serde_json::to_value(&store.xarray_open_kwargs).unwrap_or(Value::Null),
        );
    }
    if let Some(options) = access.as_ref().and_then(|a| a.storage_options.clone()) {
        asset.insert("xarray:storage_options".into(), options);
    }
    if let Some(Crawl::Ok { facts }) = &store.crawl {
        datacube::insert(&mut asset, facts);
    }
    if let Some((status, reason)) = status {
        asset.insert("almanac:crawl_status".into(), json!(status));
        asset.insert("almanac:crawl_reason".into(), json!(reason));
    }
    let mut link = json!({
        "rel": "store",
        "href": href,
        "type": media_type,
        "title": title,
    });
    if let Some(access) = &access {
        link["storage:refs"] = json!([access.key]);
    }
    StoreAsset {
        asset: Value::Object(asset),
        link,
        access,
    }
}
