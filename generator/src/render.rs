//! The page stage: one static HTML page per entity, a list page per kind,
//! the home page and a 404 page, rendered with the theme's tera templates.
//! Pages link with relative URLs, so the site works from any folder or host.

pub mod markdown;
mod views;

use std::fs;
use std::path::{Path, PathBuf};

use almanac_model::{EntityKind, Library};
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::links::Links;
use crate::output::Output;

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
        let mut sources: Vec<(String, String)> = Vec::new();
        for name in TEMPLATES {
            let site_file = overrides.map(|o| o.join(name)).filter(|p| p.is_file());
            let path = site_file.unwrap_or_else(|| dir.join("templates").join(name));
            let text = fs::read_to_string(&path)
                .map_err(|e| theme_error(format!("{}: {e}", path.display())))?;
            sources.push(((*name).to_owned(), text));
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

    fn render(&self, template: &str, context: &Value) -> Result<String> {
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

/// What every page needs to know about the site.
#[derive(Debug, Clone)]
pub struct SiteInfo<'a> {
    /// Settings.
    pub config: &'a Config,
    /// True when the WASM front end is part of the output.
    pub app: bool,
}

/// Renders every page of `library` into `output`.
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
) -> Result<()> {
    let home = page_context(
        site,
        "",
        None,
        "",
        &site.config.site.title,
        &site.config.site.description,
        library,
    );
    let mut home = home;
    home["home"] = views::home(library);
    output.write("index.html", theme.render("home.html", &home)?)?;

    for kind in EntityKind::ALL {
        if library.count(kind) == 0 {
            continue;
        }
        let path = format!("{}/", kind.plural());
        let description = format!("{} in {}", kind.plural_label(), site.config.site.title);
        let mut context = page_context(
            site,
            "../",
            Some(kind),
            &path,
            kind.plural_label(),
            &description,
            library,
        );
        context["list"] = views::list(library, kind);
        output.write(
            &format!("{path}index.html"),
            theme.render("list.html", &context)?,
        )?;
    }

    let jsonld = crate::graph::page_jsonld(library, links, site.config);
    for view in views::all_entities(library, links) {
        let kind = view.kind;
        let path = format!("{}/{}/", kind.plural(), view.id);
        let mut context = page_context(
            site,
            "../../",
            Some(kind),
            &path,
            &view.title,
            &view.summary,
            library,
        );
        context["entity"] = view.data;
        // schema.org JSON-LD from the knowledge graph, already escaped for a <script>.
        context["entity"]["jsonld"] =
            json!(jsonld.get(&almanac_model::EntityRef::new(kind, &view.id)));
        output.write(
            &format!("{path}index.html"),
            theme.render(&format!("{}.html", kind.name()), &context)?,
        )?;
    }

    let not_found = page_context(
        site,
        "/",
        None,
        "404.html",
        "Page not found",
        "There is no page at this address.",
        library,
    );
    output.write("404.html", theme.render("404.html", &not_found)?)?;

    // The search page: a form without JavaScript, the search app's mount point with it.
    let search = page_context(
        site,
        "../",
        None,
        "search/",
        "Search",
        &format!("Search {}", site.config.site.title),
        library,
    );
    output.write("search/index.html", theme.render("search.html", &search)?)?;
    Ok(())
}

fn page_context(
    site: &SiteInfo<'_>,
    root: &str,
    kind: Option<EntityKind>,
    path: &str,
    title: &str,
    description: &str,
    library: &Library,
) -> Value {
    let config = site.config;
    // The 404 page is served at any depth, so it links from the site's base path.
    let root = if root == "/" {
        config.base_path()
    } else {
        root.to_owned()
    };
    let nav: Vec<Value> = EntityKind::ALL
        .into_iter()
        .filter(|k| library.count(*k) > 0 && !matches!(k, EntityKind::Organization))
        .map(|k| json!({"label": k.plural_label(), "url": format!("{root}{}/", k.plural()), "current": Some(k) == kind, "count": library.count(k)}))
        .collect();
    json!({
        "site": {
            "title": config.site.title,
            "description": config.site.description,
            "language": config.site.language,
            "base_path": config.base_path(),
        },
        "root": root,
        "app": site.app,
        "nav": nav,
        "page": {
            "title": title,
            "description": markdown::to_plain(description, 200),
            "kind": kind.map(EntityKind::name),
            "kind_label": kind.map(EntityKind::label),
            "path": path,
            "canonical": config.site.base_url.as_ref().map(|base| format!("{base}{}", path.trim_end_matches("index.html"))),
        },
    })
}
