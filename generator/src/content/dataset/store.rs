//! Stores of a dataset (`catalog.yaml` `stores[]`): ids, URLs and how they
//! are reached, with lints for NetCDF files declared as stores.

use std::collections::BTreeMap;

use almanac_model::{Store, StoreScheme};

use crate::content::document::Node;
use crate::content::fields::Reader;
use crate::content::{file_name, identifier};
use crate::diagnostics::Diagnostics;

const STORE_FIELDS: &[&str] = &[
    "id",
    "name",
    "url",
    "public",
    "rechunking",
    "xarray_open_kwargs",
    "geospatial",
    "last_updated",
    "source",
    "source_url",
    "description",
];

pub(super) fn read_store(
    reader: &Reader<'_>,
    item: &Node,
    base_dir: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Store> {
    let fields = Reader::new(reader.file(), item, STORE_FIELDS, diagnostics);
    let url = fields.required("url", diagnostics)?;
    let url_position = fields.get("url").map_or(item.position, |n| n.position);
    let id = fields.string("id", diagnostics).unwrap_or_else(|| {
        let stem = url.trim_end_matches('/').rsplit('/').next().unwrap_or(&url);
        identifier::slug(stem.trim_end_matches(".zarr"))
    });
    let id_position = fields.get("id").map_or(item.position, |n| n.position);
    // The id names the store's STAC Item folder and file: `stac/<dataset>/<id>/<id>.json`.
    if let Some(problem) = file_name::problem(&id, crate::stac::COLLECTION_FOLDER_NAMES) {
        diagnostics
            .error(
                problem.code(),
                fields.at(id_position),
                format!("store id `{}` {problem}", file_name::shown(&id)),
            )
            .help = Some(match problem {
            file_name::Problem::Reserved(_) => {
                "this store is left out: its STAC Item would replace a file of the dataset's collection; rename it".into()
            }
            _ => "this store is left out; use an id of a-z, 0-9 and `-`".into(),
        });
        return None;
    }
    if !identifier::is_id(&id) {
        let position = id_position;
        diagnostics
            .warning(
                "id-format",
                fields.at(position),
                format!("store id `{id}` has characters other than a-z, 0-9, `-`, `_`"),
            )
            .help = Some(format!(
            "use `{}` so STAC item ids and URLs stay simple",
            identifier::slug(&id)
        ));
    }
    let Some((scheme, local_path)) = classify_url(&url, base_dir) else {
        diagnostics
            .error(
                "unsupported-store-url",
                fields.at(url_position),
                format!("store URL `{url}` has a scheme Almanac cannot read"),
            )
            .help = Some("use s3://, gs://, az://, https://, file:// or a relative path".into());
        return None;
    };
    let lower = url.to_lowercase();
    if [".nc", ".nc4", ".netcdf", ".h5", ".hdf5"]
        .iter()
        .any(|ext| lower.trim_end_matches('/').ends_with(ext))
    {
        diagnostics
            .warning(
                "store-not-zarr",
                fields.at(url_position),
                format!("store `{id}` points at a NetCDF/HDF5 file, not a Zarr store"),
            )
            .help = Some(
            "Almanac catalogs Zarr stores; convert the file to Zarr or list it as a link".into(),
        );
    }
    let extra = fields.extra(&[
        "id",
        "name",
        "url",
        "public",
        "source",
        "source_url",
        "xarray_open_kwargs",
        "description",
    ]);
    let xarray_open_kwargs = match fields.get("xarray_open_kwargs").map(Node::to_value) {
        Some(almanac_model::Value::Map(map)) => map,
        _ => BTreeMap::new(),
    };
    Some(Store {
        id,
        name: fields.string("name", diagnostics),
        description: fields.string("description", diagnostics),
        url,
        scheme,
        local_path,
        public: fields.bool("public", diagnostics),
        source: fields.string("source", diagnostics),
        source_url: fields.string("source_url", diagnostics),
        xarray_open_kwargs,
        extra,
        crawl: None,
    })
}

/// The scheme of a store URL and, for local stores, the path relative to the content folder.
#[must_use]
pub fn classify_url(url: &str, base_dir: &str) -> Option<(StoreScheme, Option<String>)> {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.to_lowercase(), rest),
        None => return Some((StoreScheme::File, Some(join_relative(base_dir, url)))),
    };
    let scheme = match scheme.as_str() {
        "s3" => StoreScheme::S3,
        "gs" | "gcs" => StoreScheme::Gcs,
        "az" | "abfs" | "abfss" | "azure" => StoreScheme::Azure,
        "http" | "https" => StoreScheme::Http,
        // `file://localhost/x` is `/x`, as `file:///x` is.
        "file" => {
            let path = rest
                .strip_prefix("localhost")
                .filter(|p| p.starts_with('/'))
                .unwrap_or(rest);
            return Some((StoreScheme::File, Some(path.to_owned())));
        }
        _ => return None,
    };
    Some((scheme, None))
}

/// Joins a relative path onto a folder, resolving `.` and `..` lexically.
#[must_use]
pub fn join_relative(base_dir: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return relative.to_owned();
    }
    let mut parts: Vec<&str> = base_dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The repository of a `…/blob/<branch>/…` URL on GitHub.
#[must_use]
pub fn repository_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://github.com/")?;
    let mut parts = rest.split('/');
    let owner = parts.next()?;
    let repo = parts.next()?;
    Some(format!("https://github.com/{owner}/{repo}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls_are_classified() {
        assert_eq!(
            classify_url("gs://b/x.zarr", "datasets/a"),
            Some((StoreScheme::Gcs, None))
        );
        assert_eq!(
            classify_url("../../data/a/x.zarr", "datasets/a"),
            Some((StoreScheme::File, Some("data/a/x.zarr".into())))
        );
        assert_eq!(classify_url("ftp://x", ""), None);
        assert_eq!(
            classify_url("file://localhost/etc", "datasets/a"),
            Some((StoreScheme::File, Some("/etc".into())))
        );
        assert_eq!(
            repository_of("https://github.com/leap-stc/OSTIA_REP/blob/main/feedstock/meta.yaml")
                .as_deref(),
            Some("https://github.com/leap-stc/OSTIA_REP")
        );
    }
}
