//! The quicklook stage: one small PNG per dataset, drawn at build time from a 2-D slice of one
//! data variable of one of its stores (the first time step, every other leading dimension at
//! index 0), downsampled by striding and coloured with viridis.
//!
//! Reads are bounded: the chunks that hold the slice are read only when their decoded size is
//! at most [`MAX_BYTES`]. Stores that were not crawled, remote stores in an offline build and
//! datasets with a thumbnail of their own get no quicklook; a dataset turns it off, or picks
//! the store and variable, with `quicklook:` in its `catalog.yaml` (see docs/content.md).

mod image;
mod select;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use almanac_model::{Crawl, Dataset, Library, StoreScheme};

use crate::BuildOptions;
use crate::content::boundary::Boundary;
use crate::crawl::coords::ValueReader;
use crate::crawl::location::{self, CrawlSettings};
use crate::crawl::metadata::{ReadOptions, read_hierarchy_with};
use crate::error::Result;
use crate::output::Output;

pub use self::select::{Choice, Settings, choose, settings};

/// Most bytes (decoded) a quicklook may read from one store.
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// Longest side of a quicklook, in pixels.
pub const MAX_SIDE: usize = 256;

/// A quicklook that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quicklook {
    /// Path inside the output folder, e.g. `datasets/soi-darwin/quicklook.png`.
    pub path: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The variable and store it shows, for the image's alternative text.
    pub alt: String,
}

/// What the stage did for every dataset: a quicklook, or why there is none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quicklooks {
    /// Quicklooks by dataset id.
    pub made: BTreeMap<String, Quicklook>,
    /// Why a dataset has none, by dataset id.
    pub skipped: BTreeMap<String, String>,
}

/// Draws the quicklook of every dataset that should have one and writes it into `output`.
///
/// # Errors
///
/// [`crate::Error::Io`] when a PNG cannot be written; a store that cannot be read only
/// skips its dataset.
pub fn write(options: &BuildOptions, library: &Library, output: &mut Output) -> Result<Quicklooks> {
    let mut result = Quicklooks::default();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            for dataset in &library.datasets {
                result
                    .skipped
                    .insert(dataset.id.clone(), format!("no runtime: {error}"));
            }
            return Ok(result);
        }
    };
    let content_dir = options.content_dir();
    for dataset in &library.datasets {
        match draw(&runtime, dataset, &content_dir, &options.config.crawl) {
            Ok((png, width, height, alt)) => {
                let path = format!("datasets/{}/quicklook.png", dataset.id);
                output.write(&path, png)?;
                result.made.insert(
                    dataset.id.clone(),
                    Quicklook {
                        path,
                        width,
                        height,
                        alt,
                    },
                );
            }
            Err(reason) => {
                result.skipped.insert(dataset.id.clone(), reason);
            }
        }
    }
    Ok(result)
}

type Drawn = (Vec<u8>, u32, u32, String);

fn draw(
    runtime: &tokio::runtime::Runtime,
    dataset: &Dataset,
    content_dir: &Path,
    crawl: &CrawlSettings,
) -> std::result::Result<Drawn, String> {
    if dataset.thumbnail.is_some() {
        return Err("the dataset has a thumbnail of its own".into());
    }
    let wanted = settings(dataset);
    if !wanted.enabled {
        return Err("turned off in the dataset's quicklook settings".into());
    }
    let choice = choose(dataset, &wanted).ok_or("no read store has a 2-D numeric variable")?;
    let store = &dataset.stores[choice.store];
    if crawl.offline && store.scheme != StoreScheme::File {
        return Err("remote stores are not read in offline mode".into());
    }
    let Some(Crawl::Ok { facts }) = &store.crawl else {
        return Err("the store was not read".into());
    };
    let array_facts = &facts.arrays[choice.array];
    let opened = store.access_local_path().unwrap_or(store.access_url());
    let library = Boundary::new(content_dir);
    location::confine(opened, &library).map_err(|e| e.message)?;
    let location = location::open(opened, content_dir, crawl)
        .map_err(|e| e.message)?
        .confined(opened, &library);
    let slice = select::slice(array_facts, &facts.dimensions);
    if slice.bytes > MAX_BYTES {
        return Err(format!(
            "the slice would read {} bytes, more than {MAX_BYTES}",
            slice.bytes
        ));
    }
    let values = runtime.block_on(async {
        let options = ReadOptions {
            limits: crawl.limits,
            ..ReadOptions::default()
        };
        let hierarchy =
            read_hierarchy_with(Arc::clone(&location.store), &location.prefix, &options)
                .await
                .map_err(|p| p.message)?;
        let meta = hierarchy
            .arrays
            .iter()
            .find(|a| a.path == array_facts.path)
            .ok_or_else(|| format!("`{}` is no longer in the store", array_facts.path))?;
        ValueReader::with_limits(
            Arc::clone(&location.store),
            location.prefix.clone(),
            crawl.limits,
        )
        .read(meta, &slice.ranges)
        .await
        .map_err(|p| p.message)
    })?;
    let grid = image::Grid::new(values, slice.height, slice.width, slice.flip);
    let (png, width, height) = image::render(&grid, MAX_SIDE)?;
    let name = array_facts
        .long_name
        .clone()
        .unwrap_or_else(|| array_facts.path.clone());
    let alt = format!(
        "Quicklook of {name}{}, {}",
        slice.label,
        store.name.as_deref().unwrap_or(&store.id)
    );
    Ok((png, width, height, alt))
}
