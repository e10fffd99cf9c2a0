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
mod views;

use std::fs;
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use almanac_model::{EntityKind, EntityRef, Library};
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::links::Links;
use crate::output::Output;

pub use dataset::built_at as dataset_built_at;
pub use lists::{PAGE_SIZE, kind_folder_names, slug};
pub use map::extent_svg;
pub use page::content_security_policy;
pub use views::entity_view;

/// Templates every theme provides.
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

/// A loaded theme: templates (site overrides applied) and static files.
#[derive(Debug)]
pub struct Theme {
    dir: PathBuf,
    tera: Tera,
}

impl Theme {
    /// Loads the theme in `dir`, with templates in `overrides` (the site's own
    /// `templates/` folder) replacing the theme's of the same name.
    ///
    /// # Errors
    ///
    /// [`Error::Theme`] when a template is missing or does not parse.
    pub fn load(dir: &Path, overrides: Option<&Path>) -> Result<Self> {
        let theme_error = |message: String| Error::Theme {
            theme: dir.to_path_buf(),
            message,
        };
        // Every `.html` of the theme, then of the site's folder (same name replaces); the
        // templates of TEMPLATES must exist.
        let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
        for folder in [
            Some(dir.join("templates")),
            overrides.map(Path::to_path_buf),
        ]
        .into_iter()
        .flatten()
        {
            for path in html_files(&folder) {
                if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                    files.insert(name.to_owned(), path.clone());
                }
            }
        }
        let mut sources: Vec<(String, String)> = Vec::new();
        for name in TEMPLATES {
            if !files.contains_key(*name) {
                return Err(theme_error(format!(
                    "{}: the theme has no template `{name}`",
                    dir.join("templates").join(name).display()
                )));
            }
        }
        for (name, path) in &files {
            let text = fs::read_to_string(path)
                .map_err(|e| theme_error(format!("{}: {e}", path.display())))?;
            sources.push((name.clone(), text));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(sources)
            .map_err(|e| theme_error(error_chain(&e)))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            tera,
        })
    }

    /// True when the theme (or the site) has a template of this name.
    #[must_use]
    pub fn has(&self, template: &str) -> bool {
        self.tera.get_template_names().any(|name| name == template)
    }

    /// Renders `template` with `context` (a JSON object).
    ///
    /// # Errors
    ///
    /// [`Error::Theme`] when the template fails.
    pub fn render(&self, template: &str, context: &Value) -> Result<String> {
        let context = Context::from_serialize(context).map_err(|e| Error::Theme {
            theme: self.dir.clone(),
            message: error_chain(&e),
        })?;
        self.tera
            .render(template, &context)
            .map_err(|e| Error::Theme {
                theme: self.dir.clone(),
                message: format!("{template}: {}", error_chain(&e)),
            })
    }

    /// Copies the theme's `static/` folder into the output's `static/`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a file cannot be read or written.
    pub fn copy_static(&self, output: &mut Output) -> Result<()> {
        copy_tree(&self.dir.join("static"), "static", output)
    }
}

/// Copies every file under `dir` into `prefix/` of the output, in sorted order.
///
/// # Errors
///
/// [`Error::Io`] when a file cannot be read or written.
pub fn copy_tree(dir: &Path, prefix: &str, output: &mut Output) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = format!("{prefix}/{name}");
        if path.is_dir() {
            copy_tree(&path, &target, output)?;
        } else {
            output.copy(&target, &path)?;
        }
    }
    Ok(())
}

fn html_files(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "html"))
        .collect();
    paths.sort();
    paths
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

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
    /// True when the WASM front end is part of the output.
    pub app: bool,
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
