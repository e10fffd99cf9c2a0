//! The STAC stage: turns the resolved library into a static STAC 1.1 catalog under `stac/`.
//!
//! `stac/catalog.json` (root) → one Collection per dataset (`stac/<dataset>/collection.json`)
//! → its stores, placed as the STAC Zarr best practices say: a store that covers the
//! collection is a collection-level asset, a store that is one member of a set is an Item
//! (`stac/<dataset>/<store>/<store>.json`). Every link between these files is relative, so the
//! catalog can be copied anywhere; long lists of children are split into page catalogs.
//! Plain data in, JSON out: the same library gives the same bytes.

mod asset;
mod collection;
mod crs;
mod datacube;
pub mod extensions;
mod extent;
mod item;
mod metadata;
mod pages;
mod paths;
mod placement;
pub(crate) mod storage;
mod time;

use std::path::PathBuf;

use almanac_model::Library;
use serde_json::{Value, json};

use crate::BuildOptions;
use crate::crawl::location::CrawlSettings;
use crate::error::Result;
use crate::links::Links;
use crate::output::Output;

pub use self::pages::DEFAULT_PAGE_SIZE;
pub use self::placement::{Placement, place};

/// The STAC version every file declares.
pub const STAC_VERSION: &str = "1.1.0";

/// Where the root catalog is, inside the output folder.
pub const ROOT: &str = "stac/catalog.json";

/// What the STAC stage needs besides the library.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Title of the root catalog.
    pub title: String,
    /// Description of the root catalog (Markdown).
    pub description: String,
    /// Public URL of the site, ending in `/`: the root then has an absolute `self` link and
    /// links to HTML pages are absolute.
    pub base_url: Option<String>,
    /// The content folder as a URL relative to the output folder (`../content/`), for the
    /// hrefs of local stores; `None` gives `file://` URLs from `content_dir`.
    pub content_url: Option<String>,
    /// The content folder on disk: local thumbnails are copied from it.
    pub content_dir: Option<PathBuf>,
    /// Per-bucket settings (endpoints, anonymous access, requester pays) for `storage:` fields.
    pub crawl: CrawlSettings,
    /// At most this many `child` or `item` links in one file.
    pub page_size: usize,
}

impl Settings {
    /// Settings for a build of `options`.
    #[must_use]
    pub fn for_build(options: &BuildOptions) -> Self {
        let content_dir = options.content_dir();
        Self {
            title: options.config.site.title.clone(),
            description: options.config.site.description.clone(),
            base_url: options.config.site.base_url.clone(),
            content_url: paths::relative_dir(&options.output_dir(), &content_dir),
            content_dir: Some(content_dir),
            crawl: options.config.crawl.clone(),
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// What one output file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Contents {
    /// A STAC object.
    Json(Value),
    /// A file copied from disk (a local thumbnail).
    Copy(PathBuf),
}

/// One file of the catalog, at a `/`-separated path inside the output folder.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Path inside the output folder, e.g. `stac/soi-darwin/collection.json`.
    pub path: String,
    /// What it holds.
    pub contents: Contents,
}

/// Every file of the catalog, sorted by path.
#[must_use]
pub fn catalog(library: &Library, links: &Links, settings: &Settings) -> Vec<File> {
    let mut files = Vec::new();
    for_each_file(library, links, settings, |file| files.push(file));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Hands every file of the catalog to `emit`, one dataset at a time, so that a library of any
/// size never has its whole catalog in memory.
pub fn for_each_file(
    library: &Library,
    links: &Links,
    settings: &Settings,
    mut emit: impl FnMut(File),
) {
    let children = library
        .datasets
        .iter()
        .map(|dataset| pages::Child {
            path: paths::collection(&dataset.id),
            rel: pages::Rel::Child,
            title: dataset.title.clone(),
        })
        .collect();
    let layout = pages::layout(ROOT, "catalog", children, settings.page_size);
    for dataset in &library.datasets {
        let parent = layout
            .parent_of(&paths::collection(&dataset.id))
            .unwrap_or(ROOT);
        collection::files(library, links, dataset, parent, settings, &mut emit);
    }
    for page in layout.page_files(ROOT, "Datasets") {
        emit(page);
    }
    emit(File {
        path: ROOT.to_owned(),
        contents: Contents::Json(root(settings, &layout)),
    });
}

fn root(settings: &Settings, layout: &pages::Layout) -> Value {
    let mut links = vec![json!({
        "rel": "root",
        "href": "./catalog.json",
        "type": "application/json",
        "title": settings.title,
    })];
    if let Some(base) = &settings.base_url {
        links.push(json!({
            "rel": "self",
            "href": format!("{base}{ROOT}"),
            "type": "application/json",
        }));
        links.push(json!({
            "rel": "describedby",
            "href": base,
            "type": "text/html",
            "title": "The library's website",
        }));
    } else {
        links.push(json!({
            "rel": "describedby",
            "href": "../",
            "type": "text/html",
            "title": "The library's website",
        }));
    }
    links.extend(layout.links(ROOT));
    let mut catalog = json!({
        "type": "Catalog",
        "stac_version": STAC_VERSION,
        "id": "catalog",
        "title": settings.title,
        "description": settings.description,
        "links": links,
    });
    extensions::declare(&mut catalog);
    catalog
}

/// Writes the catalog into `output`.
///
/// # Errors
///
/// [`crate::Error::Io`] when a file cannot be written or a thumbnail cannot be read.
pub fn write(
    options: &BuildOptions,
    library: &Library,
    links: &Links,
    output: &mut Output,
) -> Result<()> {
    let settings = Settings::for_build(options);
    let mut result = Ok(());
    for_each_file(library, links, &settings, |file| {
        if result.is_err() {
            return;
        }
        result = match file.contents {
            Contents::Json(value) => output.write(&file.path, to_json(&value)),
            Contents::Copy(source) => output.copy(&file.path, &source),
        };
    });
    result
}

/// Pretty JSON with a trailing newline.
#[must_use]
pub fn to_json(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
