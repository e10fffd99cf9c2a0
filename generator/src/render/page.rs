//! What every page's template sees (site, navigation, page metadata for `<title>`, meta
//! description, canonical URL, Open Graph and Twitter cards, the Content-Security-Policy), and
//! writing a page to `<path>index.html`.

use almanac_model::{EntityKind, Library};
use serde_json::{Value, json};

use super::{SiteInfo, Theme, markdown};
use crate::error::Result;
use crate::output::Output;

/// The `sha256` of the live-reload script `almanac serve` injects into pages, so the policy
/// lets it run (see generator/src/cmd/serve.rs); nothing else inline runs.
const RELOAD_SCRIPT_HASH: &str = "sha256-KHFb4XxW5cv8DnonnS7YcfIWw09p8gati2I+YgJ8+7c=";

/// The Content-Security-Policy of every page: scripts only from the site (and WebAssembly
/// compilation for the front end), styles from the site and the style elements the front end
/// adds, images from the site, `data:` and https (remote dataset thumbnails), requests only to
/// the site, no plugins, frames or foreign form targets.
#[must_use]
pub fn content_security_policy() -> String {
    [
        "default-src 'self'".to_owned(),
        format!("script-src 'self' 'wasm-unsafe-eval' '{RELOAD_SCRIPT_HASH}'"),
        "style-src 'self' 'unsafe-inline'".to_owned(),
        "img-src 'self' data: https:".to_owned(),
        "connect-src 'self'".to_owned(),
        "font-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "frame-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
    ]
    .join("; ")
}

/// `../` once per folder of `path` (`datasets/x/` → `../../`); the 404 page, served at any
/// depth, links from the site's base path instead.
#[must_use]
pub fn root_of(path: &str, site: &SiteInfo<'_>) -> String {
    if path == "404.html" {
        return site.config.base_path();
    }
    "../".repeat(path.matches('/').count())
}

/// The context of the page at `path` (site-relative, `` for the home page, folders end in `/`).
pub fn context(
    site: &SiteInfo<'_>,
    path: &str,
    kind: Option<EntityKind>,
    title: &str,
    description: &str,
    library: &Library,
) -> Value {
    let config = site.config;
    let root = root_of(path, site);
    let mut nav: Vec<Value> = EntityKind::ALL
        .into_iter()
        .filter(|k| library.count(*k) > 0 && !matches!(k, EntityKind::Organization))
        .map(|k| json!({"label": k.plural_label(), "url": format!("{root}{}/", k.plural()), "current": Some(k) == kind, "count": library.count(k)}))
        .collect();
    if path.starts_with("tags/") {
        nav.iter_mut()
            .for_each(|item| item["current"] = json!(false));
    }
    let canonical = config
        .site
        .base_url
        .as_ref()
        .map(|base| format!("{base}{}", path.trim_end_matches("index.html")));
    let description = markdown::to_plain(description, 200);
    let description = if description.is_empty() {
        markdown::to_plain(&config.site.description, 200)
    } else {
        description
    };
    json!({
        "site": {
            "title": config.site.title,
            "description": config.site.description,
            "language": config.site.language,
            "base_path": config.base_path(),
            "base_url": config.site.base_url,
        },
        "root": root,
        // Always true since the binary carries the front end; kept for themes that test it.
        "app": true,
        "nav": nav,
        "csp": content_security_policy(),
        "page": {
            "title": title,
            "description": description,
            "kind": kind.map(EntityKind::name),
            "kind_label": kind.map(EntityKind::label),
            "path": path,
            "canonical": canonical,
            "og_type": if kind.is_some() && path.matches('/').count() == 2 { "article" } else { "website" },
            "image": null,
        },
    })
}

/// The file of every page, in its folder (`datasets/index.html`, `datasets/x/index.html`).
pub const INDEX: &str = "index.html";

/// Renders `template` and writes it to `<page.path>index.html`, recording the path.
///
/// # Errors
///
/// When the template fails or the file cannot be written.
pub fn write(
    theme: &Theme,
    template: &str,
    context: &Value,
    output: &mut Output,
    written: &mut Vec<String>,
) -> Result<()> {
    let path = context["page"]["path"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    output.write(&format!("{path}{INDEX}"), theme.render(template, context)?)?;
    written.push(path);
    Ok(())
}
