//! The site stage: quicklooks and content thumbnails, every HTML page, and what crawlers read
//! besides pages — `sitemap.xml` (when the site has a base URL), `robots.txt` and the Atom
//! feed `feed.xml` of datasets by build time.

mod feed;
mod sitemap;

use std::collections::BTreeMap;
use std::path::Path;

use almanac_model::Library;

use crate::BuildOptions;
use crate::content::boundary::Boundary;
use crate::content::thumbnail::{self, Thumbnail};
use crate::error::Result;
use crate::links::Links;
use crate::output::Output;
use crate::render::{self, Image, SiteInfo, Theme};

pub use feed::atom;
pub use sitemap::{robots, sitemap};

/// Writes the quicklooks, pages, sitemap, robots.txt and feed of `library` into `output`.
///
/// # Errors
///
/// [`crate::Error::Theme`] when a template fails, [`crate::Error::Io`] when writing fails.
pub fn write(
    options: &BuildOptions,
    library: &Library,
    links: &Links,
    theme: &Theme,
    output: &mut Output,
) -> Result<()> {
    let quicklooks = crate::thumbnail::write(options, library, output)?;
    let images = images(library, &options.content_dir(), &quicklooks, output)?;
    let site = SiteInfo {
        config: &options.config,
        images: &images,
    };
    let pages = render::pages(library, links, theme, &site, output)?;
    let config = &options.config;
    if let Some(base) = &config.site.base_url {
        output.write("sitemap.xml", sitemap(base, &pages))?;
    }
    output.write("robots.txt", robots(config.site.base_url.as_deref()))?;
    output.write("feed.xml", atom(library, config))?;
    Ok(())
}

/// The image of every dataset: the thumbnail its content names (a URL, or a local file copied
/// next to its page), else its quicklook.
fn images(
    library: &Library,
    content_dir: &Path,
    quicklooks: &crate::thumbnail::Quicklooks,
    output: &mut Output,
) -> Result<BTreeMap<String, Image>> {
    let mut images = BTreeMap::new();
    let boundary = Boundary::new(content_dir);
    for dataset in &library.datasets {
        let alt = format!("Thumbnail of {}", dataset.title);
        // Checked again here (the content stage reported refusals): only what passes is used.
        let checked = dataset.thumbnail.as_deref().and_then(|written| {
            thumbnail::check(written, &dataset.source_file, content_dir, &boundary).ok()
        });
        match checked {
            Some(Thumbnail::Link(url)) => {
                images.insert(
                    dataset.id.clone(),
                    Image {
                        src: url,
                        alt,
                        size: None,
                    },
                );
                continue;
            }
            Some(Thumbnail::File(image)) => {
                let path = format!(
                    "datasets/{}/thumbnail.{}",
                    dataset.id,
                    image.header.format.extension()
                );
                output.write(&path, image.bytes)?;
                images.insert(
                    dataset.id.clone(),
                    Image {
                        src: path,
                        alt,
                        size: None,
                    },
                );
                continue;
            }
            None => {}
        }
        if let Some(quicklook) = quicklooks.made.get(&dataset.id) {
            images.insert(
                dataset.id.clone(),
                Image {
                    src: quicklook.path.clone(),
                    alt: quicklook.alt.clone(),
                    size: Some((quicklook.width, quicklook.height)),
                },
            );
        }
    }
    Ok(images)
}
