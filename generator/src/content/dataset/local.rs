//! Local stores of a dataset (a relative path or a `file://` URL), checked where content is
//! read: one that leads outside the library folder (`/etc`, `file:///etc`, more `../` than
//! folders, a link to outside) is an error on its `url:` field and is dropped, so that nothing
//! lists, reads or describes that folder. The crawl checks again before it opens a store.

use std::path::Path;

use almanac_model::{Dataset, StoreScheme};

use crate::content::Draft;
use crate::content::boundary::{Boundary, Refusal, escapes};
use crate::content::document::Node;
use crate::diagnostics::{Diagnostics, Location};

/// Drops the local stores of `draft` that lead outside the library folder `content_dir`, with
/// an error on each one's `url:` in `stores` (the `stores:` list of `file`). `base_dir` is the
/// dataset file's folder relative to the library folder.
pub fn vet_local_stores(
    draft: &mut Draft<Dataset>,
    stores: Option<&Node>,
    file: &str,
    base_dir: &str,
    content_dir: &Path,
    boundary: &Boundary,
    diagnostics: &mut Diagnostics,
) {
    draft.entity.stores.retain(|store| {
        if store.scheme != StoreScheme::File {
            return true;
        }
        let Some(local) = store.local_path.as_deref() else {
            return true;
        };
        let relative = !store.url.contains("://") && !Path::new(&store.url).is_absolute();
        let leaves = (relative && escapes(&format!("{base_dir}/{}", store.url)))
            || boundary.resolve(&content_dir.join(local)) == Err(Refusal::Outside);
        if !leaves {
            return true;
        }
        let location = store_url_location(stores, &store.url, file);
        diagnostics
            .error(
                "store-outside-library",
                location,
                format!(
                    "store `{}` names a local folder outside the library folder; it is not read",
                    store.id
                ),
            )
            .help = Some(
            "a local store must be a folder inside the library (e.g. `../../data/<id>/<store>.zarr`); name remote stores by their s3://, gs://, az:// or https:// URL"
                .into(),
        );
        false
    });
}

/// Where the `url:` of the store with `url` is in `stores` (the `stores` list of a
/// `catalog.yaml`), or the whole `file` when it is not found.
pub(crate) fn store_url_location(stores: Option<&Node>, url: &str, file: &str) -> Location {
    stores
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item.get("url"))
        .find(|node| node.as_text().as_deref() == Some(url))
        .map_or_else(
            || Location::file(file),
            |node| Location::at(file, node.position),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::dataset::classify_url;
    use crate::content::document::parse_yaml;

    fn dataset(urls: &[&str], base_dir: &str) -> Draft<Dataset> {
        let stores: Vec<serde_json::Value> = urls
            .iter()
            .enumerate()
            .map(|(i, url)| {
                let (scheme, local_path) = classify_url(url, base_dir).expect("a scheme");
                serde_json::json!({
                    "id": format!("s{i}"), "url": url, "scheme": scheme, "local_path": local_path,
                })
            })
            .collect();
        Draft::new(
            serde_json::from_value(serde_json::json!({
                "id": "d", "source_file": "datasets/d/catalog.yaml", "title": "D",
                "description": "", "license": {"text": ""}, "feedstock": {}, "stores": stores,
            }))
            .expect("a dataset"),
        )
    }

    #[cfg(unix)]
    #[test]
    fn stores_outside_the_library_are_dropped_with_an_error_on_their_url() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let content = tmp.path().join("content");
        std::fs::create_dir_all(content.join("data/ok.zarr")).expect("mkdir");
        std::fs::create_dir_all(content.join("datasets/d")).expect("mkdir");
        std::os::unix::fs::symlink("/etc", content.join("data/etc.zarr")).expect("link");
        let inside = content.join("data/ok.zarr").to_string_lossy().into_owned();
        let urls = [
            "../../data/ok.zarr",
            "/etc",
            "file:///etc",
            "../../../../../../etc",
            "../../data/etc.zarr",
            "../../data/missing.zarr",
            inside.as_str(),
            "s3://bucket/x.zarr",
        ];
        let yaml: String = urls
            .iter()
            .map(|url| format!("  - url: \"{url}\"\n"))
            .collect();
        let node = parse_yaml(&format!("stores:\n{yaml}"), 0).expect("YAML");
        let mut draft = dataset(&urls, "datasets/d");
        let mut diagnostics = Diagnostics::new();
        vet_local_stores(
            &mut draft,
            node.get("stores"),
            "content/datasets/d/catalog.yaml",
            "datasets/d",
            &content,
            &Boundary::new(&content),
            &mut diagnostics,
        );
        let kept: Vec<&str> = draft.entity.stores.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            kept,
            [
                "../../data/ok.zarr",
                "../../data/missing.zarr",
                inside.as_str(),
                "s3://bucket/x.zarr"
            ]
        );
        let shown = diagnostics.to_text(false);
        for line in [3, 4, 5, 6] {
            assert!(
                shown.contains(&format!(
                    "content/datasets/d/catalog.yaml:{line}:10: error[store-outside-library]"
                )),
                "{shown}"
            );
        }
        assert!(
            !shown.contains(&tmp.path().to_string_lossy().into_owned()),
            "{shown}"
        );
    }
}
