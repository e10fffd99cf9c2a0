//! The page stage: one static HTML page per entity, a list page per kind,
//! the home page and a 404 page, rendered with the theme's tera templates.
//! Pages link with relative URLs, so the site works from any folder or host.

mod cite;
mod dataset;
mod lists;
mod map;
pub mod markdown;
mod page;
mod snippets;
mod theme;
mod views;

use std::collections::BTreeMap;

use almanac_model::{EntityKind, EntityRef, Library};
use serde_json::json;

use crate::config::Config;
use crate::error::Result;
use crate::links::Links;
use crate::output::Output;

pub use dataset::built_at as dataset_built_at;
pub use lists::{PAGE_SIZE, kind_folder_names, slug};
pub use map::extent_svg;
pub use page::content_security_policy;
pub use theme::{BUILT_IN as BUILT_IN_THEME, Theme};
pub use views::entity_view;

/// The templates of a theme: the built-in theme has them all, and a theme folder or the
/// site's `templates/` may replace any of them.
pub const TEMPLATES: &[&str] = &[
    "base.html",
    "home.html",
    "list.html",
    "entity.html",
    "dataset.html",
    "paper.html",
    "model.html",
    "course.html",
    "code.html",
    "person.html",
    "organization.html",
    "facets.html",
    "tag.html",
    "404.html",
    "search.html",
];

/// An image shown for a dataset: its quicklook or the thumbnail from its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Path inside the output folder, or an absolute URL.
    pub src: String,
    /// Alternative text.
    pub alt: String,
    /// Width and height in pixels, when known.
    pub size: Option<(u32, u32)>,
}

/// What every page needs to know about the site.
#[derive(Debug, Clone)]
pub struct SiteInfo<'a> {
    /// Settings.
    pub config: &'a Config,
    /// Images of datasets, by dataset id.
    pub images: &'a BTreeMap<String, Image>,
}

/// Renders every page of `library` into `output`; returns the site-relative paths of the
/// pages written (`datasets/x/`, `` for the home page), for the sitemap.
///
/// # Errors
///
/// [`Error::Theme`] when a template fails, [`Error::Io`] when writing fails.
pub fn pages(
    library: &Library,
    links: &Links,
    theme: &Theme,
    site: &SiteInfo<'_>,
    output: &mut Output,
) -> Result<Vec<String>> {
    let mut written = Vec::new();
    let mut home = page::context(
        site,
        "",
        None,
        &site.config.site.title,
        &site.config.site.description,
        library,
    );
    home["home"] = views::home(library, site);
    page::write(theme, "home.html", &home, output, &mut written)?;

    lists::write_all(library, theme, site, output, &mut written)?;

    let jsonld = crate::graph::page_jsonld(library, links, site.config);
    for view in views::all_entities(library, links, site.config.limits.markdown_depth) {
        let kind = view.kind;
        let path = format!("{}/{}/", kind.plural(), view.id);
        let mut context =
            page::context(site, &path, Some(kind), &view.title, &view.summary, library);
        context["entity"] = view.data;
        let me = EntityRef::new(kind, &view.id);
        if kind == EntityKind::Dataset
            && let Ok(index) = library.datasets.binary_search_by(|d| d.id.cmp(&view.id))
        {
            dataset::extend(&mut context, &library.datasets[index], site);
        }
        if kind == EntityKind::Course
            && let Some(links) = context["entity"]["links"].as_array_mut()
        {
            for link in links {
                let url = link["url"].as_str().unwrap_or_default().to_owned();
                let (hub, binder) = snippets::notebook_links(
                    site.config.site.hub_url.as_deref(),
                    site.config.site.binder_url.as_deref(),
                    &url,
                );
                link["hub"] = json!(hub);
                link["binder"] = json!(binder);
            }
        }
        // schema.org JSON-LD from the knowledge graph, already escaped for a <script>.
        context["entity"]["jsonld"] = json!(jsonld.get(&me));
        page::write(
            theme,
            &format!("{}.html", kind.name()),
            &context,
            output,
            &mut written,
        )?;
    }

    // The search page: a form without JavaScript, the search app's mount point with it.
    let search = page::context(
        site,
        "search/",
        None,
        "Search",
        &format!("Search {}", site.config.site.title),
        library,
    );
    page::write(theme, "search.html", &search, output, &mut written)?;

    let not_found = page::context(
        site,
        "404.html",
        None,
        "Page not found",
        "There is no page at this address.",
        library,
    );
    output.write("404.html", theme.render("404.html", &not_found)?)?;
    Ok(written)
}
