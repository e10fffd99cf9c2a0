//! The STAC extensions the catalog uses, by field prefix, and `stac_extensions` declared from
//! the fields a document really holds (a schema listed without its fields fails validation).

use serde_json::Value;

/// Datacube: `cube:dimensions`, `cube:variables`.
pub const DATACUBE: &str = "https://stac-extensions.github.io/datacube/v2.3.0/schema.json";
/// Scientific citation: `sci:doi`, `sci:citation`, `sci:publications`.
pub const SCIENTIFIC: &str = "https://stac-extensions.github.io/scientific/v1.0.0/schema.json";
/// Storage: `storage:schemes`, `storage:refs`.
pub const STORAGE: &str = "https://stac-extensions.github.io/storage/v2.0.0/schema.json";
/// xarray assets: `xarray:open_kwargs`, `xarray:storage_options`.
pub const XARRAY: &str = "https://stac-extensions.github.io/xarray-assets/v1.0.0/schema.json";
/// Zarr: `zarr:zarr_format`, `zarr:consolidated`, `zarr:node_type`.
pub const ZARR: &str = "https://stac-extensions.github.io/zarr/v1.1.0/schema.json";

/// Field prefix → extension schema, sorted by schema URL.
pub const ALL: [(&str, &str); 5] = [
    ("cube:", DATACUBE),
    ("sci:", SCIENTIFIC),
    ("storage:", STORAGE),
    ("xarray:", XARRAY),
    ("zarr:", ZARR),
];

/// Sets `stac_extensions` of a STAC object to the extensions whose fields it holds (at the top
/// level, in item properties and summaries, in assets and in links), right after
/// `stac_version`; removes it when there are none.
pub fn declare(object: &mut Value) {
    let used = used(object);
    let Some(map) = object.as_object_mut() else {
        return;
    };
    map.remove("stac_extensions");
    if used.is_empty() {
        return;
    }
    // Rebuild the map so that `stac_extensions` follows `stac_version`.
    let old = std::mem::take(map);
    for (key, value) in old {
        let after_version = key == "stac_version";
        map.insert(key, value);
        if after_version {
            map.insert(
                "stac_extensions".into(),
                Value::Array(used.iter().map(|u| Value::String((*u).into())).collect()),
            );
        }
    }
}

/// The extension schemas whose fields `object` holds.
pub fn used(object: &Value) -> Vec<&'static str> {
    fn keys_of<'a>(value: Option<&'a Value>, keys: &mut Vec<&'a str>) {
        if let Some(map) = value.and_then(Value::as_object) {
            keys.extend(map.keys().map(String::as_str));
        }
    }
    let mut keys: Vec<&str> = Vec::new();
    keys_of(Some(object), &mut keys);
    keys_of(object.get("properties"), &mut keys);
    keys_of(object.get("summaries"), &mut keys);
    for group in ["assets", "item_assets"] {
        if let Some(assets) = object.get(group).and_then(Value::as_object) {
            for asset in assets.values() {
                keys_of(Some(asset), &mut keys);
            }
        }
    }
    if let Some(links) = object.get("links").and_then(Value::as_array) {
        for link in links {
            keys_of(Some(link), &mut keys);
        }
    }
    ALL.iter()
        .filter(|(prefix, _)| keys.iter().any(|k| k.starts_with(prefix)))
        .map(|(_, url)| *url)
        .collect()
}
