//! Feedstocks whose files were fetched over HTTP(S) by the sources stage: parsed from text with
//! the URL as the file name of their diagnostics, then read by the same function as a folder of
//! the library. A remote file cannot name local files: local stores and thumbnails in it are
//! refused.

use almanac_model::StoreScheme;

use super::feedstock::{from_documents, unique_id};
use crate::config::Limits;
use crate::content::dataset::{Part, store_url_location};
use crate::content::document::Node;
use crate::content::{Loaded, identifier, thumbnail};
use crate::diagnostics::{Diagnostics, Location};

/// The code of a local path in a remote file.
const LOCAL_PATH: &str = "source-local-path";

/// Parses `text`, the content of a file shown as `display` (a URL), within `limits`; syntax
/// errors and limits hit are diagnostics at `display:line:col`.
pub fn parse_document(
    text: &str,
    display: &str,
    limits: &Limits,
    diagnostics: &mut Diagnostics,
) -> Option<Node> {
    super::parse(text, 0, display, limits, diagnostics)
}

/// One feedstock fetched from URLs, its files parsed.
#[derive(Debug, Clone, Copy)]
pub struct RemoteFeedstock<'a> {
    /// The name of its repository, which (as a slug) becomes the dataset's id.
    pub name: Option<&'a str>,
    /// The URL the feedstock list gives, in its public form: the dataset's `source_file`.
    pub listed: &'a str,
    /// The list entry, where diagnostics about the id point.
    pub origin: &'a Location,
    /// Its `meta.yaml`, shown by URL.
    pub meta: Option<Part<'a>>,
    /// Its `catalog.yaml`, shown by URL.
    pub catalog: Option<Part<'a>>,
}

/// Adds the dataset of `feedstock` to `loaded`, with the id its repository name gives (or its
/// title), `-2`, `-3`, … when a dataset already has it.
pub fn push_remote_feedstock(
    feedstock: RemoteFeedstock<'_>,
    loaded: &mut Loaded,
    diagnostics: &mut Diagnostics,
) {
    let title = || {
        [feedstock.meta, feedstock.catalog]
            .into_iter()
            .flatten()
            .find_map(|part| part.node.get("title").and_then(Node::as_text))
    };
    let id = feedstock
        .name
        .map(identifier::slug)
        .filter(|id| !id.is_empty())
        .or_else(|| title().map(|t| identifier::slug(&t)))
        .unwrap_or_default();
    let id = unique_id(id, loaded);
    let mut draft = from_documents(
        &id,
        feedstock.meta,
        feedstock.catalog,
        "",
        feedstock.listed,
        diagnostics,
    );
    let catalog = feedstock.catalog.or(feedstock.meta);
    let file = catalog.map_or(feedstock.listed, |part| part.file);
    let stores = catalog.and_then(|part| part.node.get("stores"));
    draft.entity.stores.retain(|store| {
        if store.scheme != StoreScheme::File {
            return true;
        }
        let location = store_url_location(stores, &store.url, file);
        diagnostics
            .error(
                LOCAL_PATH,
                location,
                format!(
                    "store `{}` names a local path in a file fetched from a URL; it is not read",
                    store.id
                ),
            )
            .help = Some("name the store by its s3://, gs://, az:// or https:// URL".into());
        false
    });
    let thumbnail_node = catalog.and_then(|part| part.node.get("thumbnail"));
    match draft.entity.thumbnail.as_deref() {
        Some(written) if thumbnail::is_local(written) => {
            let location = thumbnail_node
                .map_or_else(|| Location::file(file), |n| Location::at(file, n.position));
            diagnostics
                .error(
                    LOCAL_PATH,
                    location,
                    "the thumbnail names a local file in a file fetched from a URL; it is not used",
                )
                .help = Some("name an https:// image".into());
            draft.entity.thumbnail = None;
        }
        // A URL touches no file: the checks of a library folder's thumbnails apply as they are.
        Some(_) => thumbnail::vet_link(&mut draft, thumbnail_node, file, diagnostics),
        None => {}
    }
    draft.origin = Some(feedstock.origin.clone());
    loaded.datasets.push(draft);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(catalog: &str, loaded: &mut Loaded) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let url = "https://github.com/o/sst/blob/main/feedstock/catalog.yaml";
        let node = parse_document(catalog, url, &Limits::DEFAULT, &mut diagnostics).expect("YAML");
        let origin = Location::file("catalog/input.yaml");
        push_remote_feedstock(
            RemoteFeedstock {
                name: Some("SST_feedstock"),
                listed: url,
                origin: &origin,
                meta: None,
                catalog: Some(Part {
                    file: url,
                    node: &node,
                }),
            },
            loaded,
            &mut diagnostics,
        );
        diagnostics
    }

    #[test]
    fn remote_files_cannot_name_local_files() {
        let mut loaded = Loaded::default();
        let diagnostics = push(
            "title: SST\nthumbnail: ../../../etc/passwd\nstores:\n  - id: local\n    url: ../../data/x.zarr\n  - id: remote\n    url: s3://bucket/x.zarr\n  - id: file\n    url: file:///etc\n",
            &mut loaded,
        );
        let dataset = &loaded.datasets[0].entity;
        assert_eq!(dataset.id, "sst-feedstock");
        assert_eq!(
            dataset.source_file,
            "https://github.com/o/sst/blob/main/feedstock/catalog.yaml"
        );
        let stores: Vec<&str> = dataset.stores.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(stores, ["remote"]);
        assert_eq!(dataset.thumbnail, None);
        let text = diagnostics.to_text(false);
        for at in ["2:12", "5:10", "9:10"] {
            assert!(
                text.contains(&format!(
                    "https://github.com/o/sst/blob/main/feedstock/catalog.yaml:{at}: error[source-local-path]"
                )),
                "{text}"
            );
        }

        // A second feedstock of the same repository name gets `-2`; an https thumbnail stays.
        let diagnostics = push(
            "title: SST\nthumbnail: https://example.org/sst.png\nstores: []\n",
            &mut loaded,
        );
        assert_eq!(loaded.datasets[1].entity.id, "sst-feedstock-2");
        assert_eq!(
            loaded.datasets[1].entity.thumbnail.as_deref(),
            Some("https://example.org/sst.png")
        );
        assert!(!diagnostics.to_text(false).contains("source-local-path"));
    }
}
