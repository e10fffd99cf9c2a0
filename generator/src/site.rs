//! The site stage: quicklooks and content thumbnails, every HTML page, and what crawlers read
//! besides pages — `sitemap.xml` (when the site has a base URL), `robots.txt` and the Atom
//! feed `feed.xml` of datasets by build time.

mod feed;
mod sitemap;

use std::collections::BTreeMap;
use std::path::Path;

use almanac_model::Library;

use crate::BuildOptions;
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
    app: bool,
    output: &mut Output,
) -> Result<()> {
    let quicklooks = crate::thumbnail::write(options, library, output)?;
    let images = images(library, &options.content_dir(), &quicklooks, output)?;
    let site = SiteInfo {
        config: &options.config,
        app,
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
    for dataset in &library.datasets {
        let alt = format!("Thumbnail of {}", dataset.title);
        if let Some(written) = dataset.thumbnail.as_deref() {
            if written.starts_with("https://") || written.starts_with("http://") {
                images.insert(
                    dataset.id.clone(),
                    Image {
                        src: written.to_owned(),
                        alt,
                        size: None,
                    },
                );
                continue;
            }
            let folder = Path::new(&dataset.source_file)
                .parent()
                .unwrap_or(Path::new(""));
            let source = content_dir.join(folder).join(written);
            let extension = source
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .filter(|e| matches!(e.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg"));
            if let (true, Some(extension)) = (source.is_file(), extension) {
                let path = format!("datasets/{}/thumbnail.{extension}", dataset.id);
                output.copy_content(&path, &source)?;
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
