//! Credentials in structured values, for the content and crawl stages: option maps
//! (`storage_options` at any depth), unknown fields, the whole library before the crawl, and
//! the facts a store reports about itself.

use std::collections::BTreeMap;

use almanac_model::{Library, StoreAccess, StoreFacts, Value};

use super::names::{is_mode_value, is_secret_name};
use super::public_text;

/// `value` with secrets removed at any depth: entries whose name is secret (but booleans and
/// `token: anon`-like modes) and URL strings with credentials (replaced by their public form).
/// Each removal is recorded in `removed` as a path (`storage_options.secret`).
#[must_use]
pub fn public_value(value: &Value, path: &str, removed: &mut Vec<String>) -> Value {
    public_strings(value, path, removed, true)
}

/// `value` with the URLs in its strings, at any depth, replaced by their public form (names are
/// not looked at: for fields that are not options). Each change is recorded in `removed`.
#[must_use]
pub fn public_urls(value: &Value, path: &str, removed: &mut Vec<String>) -> Value {
    public_strings(value, path, removed, false)
}

/// The walk behind [`public_value`] (`by_name`: secret entries of maps are dropped too) and
/// [`public_urls`].
fn public_strings(value: &Value, path: &str, removed: &mut Vec<String>, by_name: bool) -> Value {
    match value {
        Value::String(text) => match public_text(text) {
            Some(public) => {
                removed.push(path.to_owned());
                Value::String(public)
            }
            None => value.clone(),
        },
        Value::List(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| public_strings(item, &format!("{path}[{i}]"), removed, by_name))
                .collect(),
        ),
        Value::Map(map) if by_name => Value::Map(public_map(map, path, removed)),
        Value::Map(map) => Value::Map(
            map.iter()
                .map(|(name, item)| {
                    let here = format!("{path}.{name}");
                    (name.clone(), public_strings(item, &here, removed, false))
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// An unknown field of an entity without its secrets: `None` when its name is a secret
/// (`api_key: …`, `credentials: {…}`); option maps (`storage_options`, `*_kwargs`, `auth`)
/// lose their secret entries at any depth; URLs elsewhere lose their credentials. Each removal
/// is recorded in `removed`.
#[must_use]
pub fn public_extra(name: &str, value: &Value, removed: &mut Vec<String>) -> Option<Value> {
    if is_secret_name(name) && !is_mode_value(value) {
        removed.push(name.to_owned());
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if ["option", "kwargs", "storage", "config", "auth"]
        .iter()
        .any(|w| lower.contains(w))
    {
        Some(public_value(value, name, removed))
    } else {
        Some(public_urls(value, name, removed))
    }
}

/// [`public_value`] for a map (an entity's extra fields, `xarray_open_kwargs`).
#[must_use]
pub fn public_map(
    map: &BTreeMap<String, Value>,
    path: &str,
    removed: &mut Vec<String>,
) -> BTreeMap<String, Value> {
    map.iter()
        .filter_map(|(name, value)| {
            let here = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if is_secret_name(name) && !is_mode_value(value) {
                removed.push(here);
                return None;
            }
            Some((name.clone(), public_value(value, &here, removed)))
        })
        .collect()
}

/// Every string of `library` with the URLs in it that carry credentials replaced by their
/// public form: the last guard before the crawl and every writer, for text no field reader saw
/// (Markdown bodies, BibTeX fields). Returns where it changed something: the entity's content
/// file and ``<kind> `<id>`: <path>``. The in-memory store access survives.
#[must_use]
pub fn scrub_library(library: &mut Library) -> Vec<(String, String)> {
    let Ok(mut value) = serde_json::to_value(&*library) else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    scrub_json(&mut value, "", &mut changed);
    if changed.is_empty() {
        return Vec::new();
    }
    let named: Vec<(String, String)> = changed
        .iter()
        .map(|path| describe_path(&value, path))
        .collect();
    let access: Vec<Vec<Option<StoreAccess>>> = library
        .datasets
        .iter()
        .map(|d| d.stores.iter().map(|s| s.access.clone()).collect())
        .collect();
    if let Ok(mut scrubbed) = serde_json::from_value::<Library>(value) {
        for (dataset, stores) in scrubbed.datasets.iter_mut().zip(access) {
            for (store, access) in dataset.stores.iter_mut().zip(stores) {
                store.access = access;
            }
        }
        *library = scrubbed;
    }
    named
}

fn scrub_json(value: &mut serde_json::Value, path: &str, changed: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => {
            if let Some(public) = public_text(text) {
                *text = public;
                changed.push(path.to_owned());
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                scrub_json(item, &format!("{path}/{i}"), changed);
            }
        }
        serde_json::Value::Object(map) => {
            for (name, item) in map.iter_mut() {
                scrub_json(item, &format!("{path}/{name}"), changed);
            }
        }
        _ => {}
    }
}

/// `/datasets/3/stores/0/description` as the dataset's content file and
/// ``dataset `sst`: stores/0/description``.
fn describe_path(library: &serde_json::Value, path: &str) -> (String, String) {
    let mut parts = path.trim_start_matches('/').splitn(3, '/');
    let (kind, index, rest) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let entity = &library[kind][index.parse::<usize>().unwrap_or(usize::MAX)];
    let id = entity["id"].as_str().unwrap_or("?");
    let file = entity["source_file"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (
        file,
        format!("{} `{id}`: {rest}", kind.trim_end_matches('s')),
    )
}

/// What a store's own metadata says, without credentials: URLs in attributes (at any depth),
/// names, units, the CRS and build provenance lose them — a hostile store writes these, and the
/// crawl cache and every writer read them. Returns the changed places (`attributes.source`,
/// `arrays/sst/long_name`).
#[must_use]
pub fn scrub_facts(facts: &mut StoreFacts) -> Vec<String> {
    fn text(value: &mut String, path: String, changed: &mut Vec<String>) {
        if let Some(public) = public_text(value) {
            *value = public;
            changed.push(path);
        }
    }
    fn map(values: &mut BTreeMap<String, Value>, path: &str, changed: &mut Vec<String>) {
        for (name, value) in values.iter_mut() {
            let mut removed = Vec::new();
            *value = public_urls(value, &format!("{path}.{name}"), &mut removed);
            changed.extend(removed);
        }
    }
    let mut changed = Vec::new();
    map(&mut facts.attributes, "attributes", &mut changed);
    for array in &mut facts.arrays {
        let path = format!("arrays/{}", array.path);
        map(
            &mut array.attributes,
            &format!("{path}/attributes"),
            &mut changed,
        );
        for (name, value) in [
            ("long_name", &mut array.long_name),
            ("standard_name", &mut array.standard_name),
            ("units", &mut array.units),
        ] {
            if let Some(value) = value {
                text(value, format!("{path}/{name}"), &mut changed);
            }
        }
    }
    if let Some(crs) = &mut facts.crs {
        map(&mut crs.attributes, "crs/attributes", &mut changed);
        if let Some(wkt) = &mut crs.wkt {
            text(wkt, "crs/wkt".to_owned(), &mut changed);
        }
    }
    let provenance = &mut facts.provenance;
    for (name, value) in &mut provenance.pangeo_forge {
        text(value, format!("provenance/{name}"), &mut changed);
    }
    for (name, value) in [
        ("commit", &mut provenance.commit),
        ("workflow_run", &mut provenance.workflow_run),
        ("built_at", &mut provenance.built_at),
    ] {
        if let Some(value) = value {
            text(value, format!("provenance/{name}"), &mut changed);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_is_scrubbed_and_keeps_store_access() {
        let mut library: Library = serde_json::from_value(serde_json::json!({
            "datasets": [{"id": "d", "source_file": "datasets/d/meta.yaml", "title": "T",
                "description": "See https://u:SECRET-fake@h/x", "license": {"text": "CC-BY-4.0"}, "feedstock": {},
                "stores": [{"id": "s", "url": "s3://b/x", "scheme": "s3"}]}],
            "papers": [], "models": [], "courses": [], "code": [], "people": [],
            "organizations": []
        }))
        .expect("a library");
        library.datasets[0].stores[0].access = Some(StoreAccess {
            url: "s3://K:S@b/x".into(),
            local_path: None,
        });
        let changed = scrub_library(&mut library);
        assert_eq!(
            changed,
            [(
                "datasets/d/meta.yaml".to_owned(),
                "dataset `d`: description".to_owned()
            )]
        );
        assert_eq!(library.datasets[0].description, "See https://h/x");
        assert_eq!(library.datasets[0].stores[0].access_url(), "s3://K:S@b/x");
        assert!(scrub_library(&mut library).is_empty());
    }

    #[test]
    fn store_facts_lose_the_credentials_of_their_urls() {
        let mut facts = StoreFacts::default();
        facts.attributes.insert(
            "source".into(),
            Value::String("https://u:SECRET-fake@h/raw.nc".into()),
        );
        facts
            .attributes
            .insert("title".into(), Value::String("plain".into()));
        facts.provenance.workflow_run = Some("https://ci.example.org/1?token=T-fake".into());
        let changed = scrub_facts(&mut facts);
        assert_eq!(changed, ["attributes.source", "provenance/workflow_run"]);
        let text = serde_json::to_string(&facts).expect("serialises");
        assert!(!text.contains("fake"), "{text}");
        assert!(text.contains("https://h/raw.nc"), "{text}");
    }

    #[test]
    fn option_values_lose_secrets_at_any_depth() {
        let options: BTreeMap<String, Value> = serde_json::from_str(
            r#"{"storage_options": {"key": "AKIAFAKE", "secret": "s", "anon": false,
                "token": "anon", "client_kwargs": {"credentials": {"client_secret": "c"},
                "endpoint_url": "https://u:p@minio.example.org"},
                "list": [{"sas_token": "x"}, "https://h/x?sig=y"]},
               "consolidated": true, "keywords": ["a"]}"#,
        )
        .expect("valid JSON");
        let mut removed = Vec::new();
        let public = public_map(&options, "", &mut removed);
        let text = serde_json::to_string(&public).expect("serialises");
        assert_eq!(
            text,
            r#"{"consolidated":true,"keywords":["a"],"storage_options":{"anon":false,"client_kwargs":{"endpoint_url":"https://minio.example.org"},"list":[{},"https://h/x"],"token":"anon"}}"#
        );
        assert_eq!(
            removed,
            [
                "storage_options.client_kwargs.credentials",
                "storage_options.client_kwargs.endpoint_url",
                "storage_options.key",
                "storage_options.list[0].sas_token",
                "storage_options.list[1]",
                "storage_options.secret",
            ]
        );
    }
}
