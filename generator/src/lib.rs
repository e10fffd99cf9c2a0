//! Almanac: builds a climate data library into a website, a static STAC
//! catalog and a knowledge graph.
//!
//! The pipeline is a chain of stages over plain data, each pushing content
//! problems into one [`Diagnostics`] list:
//! [`content`] (read files; [`sources`] fetches listed feedstocks) → [`resolve`] (link
//! entities) → outputs
//! ([`render`] pages, `library.json`, the front end's entity index). STAC,
//! the graph and the search index plug in after `resolve` the same way.

pub mod config;
pub mod content;
pub mod crawl;
pub mod credentials;
pub mod diagnostics;
pub mod embedded;
pub mod error;
pub mod graph;
pub mod links;
pub mod output;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod site;
pub mod sources;
pub mod stac;
pub mod thumbnail;

use std::path::{Path, PathBuf};

use almanac_model::{EntityKind, EntityRef, EntitySummary, Library};

pub use crate::config::Config;
pub use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
pub use crate::error::{Error, Result};

/// What `almanac build` needs to know.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The project folder: where `almanac.toml` is and relative paths start.
    pub root: PathBuf,
    /// Settings (usually from `root/almanac.toml`).
    pub config: Config,
    /// Output folder, overriding the configuration.
    pub output: Option<PathBuf>,
    /// Crawl cache and progress (no cache and no progress unless set; the CLI sets both).
    pub crawl: crawl::CrawlRun,
}

impl BuildOptions {
    /// Options for the project in `root`, reading `root/almanac.toml`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the configuration is invalid.
    pub fn for_project(root: &Path) -> Result<Self> {
        Ok(Self {
            root: root.to_path_buf(),
            config: Config::load(&root.join("almanac.toml"))?,
            output: None,
            crawl: crawl::CrawlRun::default(),
        })
    }

    /// Keeps crawl results in `build.cache_dir` between builds; with `refresh`, every store is
    /// read again once (and the cache replaced).
    pub fn use_crawl_cache(&mut self, refresh: bool) {
        self.crawl.cache_dir = Some(self.root.join(&self.config.build.cache_dir));
        self.crawl.refresh = refresh;
    }

    /// The content folder.
    #[must_use]
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.content_dir)
    }

    /// The output folder.
    #[must_use]
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join(&self.config.build.output_dir))
    }

    /// The theme folder laid over the built-in theme: a folder of `root/themes/`, or a path.
    /// `None` for `theme = "default"` (or an empty setting) without a `themes/default/`
    /// folder: the built-in theme alone.
    #[must_use]
    pub fn theme_dir(&self) -> Option<PathBuf> {
        let theme = self.config.site.theme.trim();
        let named = self.root.join("themes").join(theme);
        if theme.is_empty() || (theme == "default" && !named.is_dir()) {
            None
        } else if named.is_dir() {
            Some(named)
        } else {
            Some(self.root.join(theme))
        }
    }
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The resolved library.
    pub library: Library,
    /// Every content problem found.
    pub diagnostics: Diagnostics,
    /// Number of files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Where the site is.
    pub output: PathBuf,
}

/// Loads and resolves the library of a project, without writing anything.
#[must_use]
pub fn load_library(options: &BuildOptions) -> (Library, Diagnostics) {
    let (library, diagnostics, _) = load_library_with_crawl(options);
    (library, diagnostics)
}

/// [`load_library`], with what the crawl did.
#[must_use]
pub fn load_library_with_crawl(
    options: &BuildOptions,
) -> (Library, Diagnostics, crawl::CrawlReport) {
    let mut diagnostics = Diagnostics::new();
    let content_dir = options.content_dir();
    let label = diagnostics::display_path(&content_dir, &options.root);
    let sources = &options.config.sources;
    let mut loaded = if content_dir.exists()
        && !content::boundary::Boundary::new(&options.root).contains(&content_dir)
    {
        // A content folder that is a link to `/etc` would make `/etc` the library.
        diagnostics
            .error(
                "outside-library",
                diagnostics::Location::file(&label),
                "the content folder leads outside the project folder; it is not read",
            )
            .help = Some("make the content folder a folder of the project, not a link".into());
        content::Loaded {
            label: label.clone(),
            ..content::Loaded::default()
        }
    } else if !content_dir.exists() && !sources.feedstock_lists.is_empty() {
        // A repository like LEAP's data-management has its feedstock list and no content folder.
        content::Loaded {
            label: label.clone(),
            ..content::Loaded::default()
        }
    } else {
        content::load_with_limits(
            &content_dir,
            &label,
            &options.config.limits,
            &mut diagnostics,
        )
    };
    sources::load(
        sources,
        &sources::SourcesRun {
            root: &options.root,
            cache_dir: options.crawl.cache_dir.as_deref(),
            refresh: options.crawl.refresh,
            offline: options.config.crawl.offline,
            limits: &options.config.limits,
        },
        &mut loaded,
        &mut diagnostics,
    );
    let mut library = resolve::resolve(loaded, &mut diagnostics);
    let run = crawl::CrawlRun {
        content_label: Some(label.clone()),
        ..options.crawl.clone()
    };
    for (file, place) in credentials::scrub_library(&mut library) {
        let file = diagnostics::source_shown(&label, &file);
        diagnostics
            .warning(
                "url-credentials",
                diagnostics::Location::file(file),
                format!("{place} holds a URL with credentials; they are left out of everything Almanac writes"),
            )
            .help = Some("remove the credentials from the content and rotate any secret that was committed".into());
    }
    let report = crawl::crawl_library(
        &mut library,
        &content_dir,
        &options.config.crawl,
        &run,
        &mut diagnostics,
    );
    diagnostics.sort();
    (library, diagnostics, report)
}

/// Builds the site: loads, resolves and renders everything into a staging
/// folder, then swaps it in for the output folder. Content errors do not stop
/// the build; they are in the report.
///
/// # Errors
///
/// [`Error`] for failures of the program or environment (theme, I/O); the
/// previous output is then left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let (library, mut diagnostics) = load_library(options);
    let theme_dir = options.theme_dir();
    let theme = render::Theme::load(theme_dir.as_deref(), Some(&options.root.join("templates")))?;
    let output_dir = options.output_dir();
    let content_dir = options.content_dir();
    let mut kept: Vec<&Path> = vec![&options.root, &content_dir];
    kept.extend(theme_dir.as_deref());
    output::Output::guard(&output_dir, &kept)?;
    let mut output = output::Output::start(&output_dir)?;
    match write_site(options, &library, &theme, &mut output) {
        Ok(()) => {
            report_refusals(&output, &output_dir, &options.root, &mut diagnostics);
            let (files, bytes) = (output.len(), output.bytes());
            output.commit()?;
            Ok(BuildReport {
                library,
                diagnostics,
                files,
                bytes,
                output: output_dir,
            })
        }
        Err(error) => {
            output.abandon();
            Err(error)
        }
    }
}

/// Every write the output refused becomes an error: the content gave a path that would have
/// left the output folder or replaced another page (the id checks of [`resolve`] should have
/// caught it first).
fn report_refusals(
    output: &output::Output,
    output_dir: &Path,
    root: &Path,
    diagnostics: &mut Diagnostics,
) {
    if output.refused().is_empty() {
        return;
    }
    let shown = diagnostics::display_path(output_dir, root);
    for refusal in output.refused() {
        diagnostics
            .error(
                "output-refused",
                diagnostics::Location::file(format!(
                    "{}/{}",
                    shown.trim_end_matches('/'),
                    refusal.path.escape_debug()
                )),
                format!("{refusal}; nothing was written there"),
            )
            .help = Some(
            "an id or file name in the content leads outside the output folder or onto another page; rename it".into(),
        );
    }
    diagnostics.sort();
}

fn write_site(
    options: &BuildOptions,
    library: &Library,
    theme: &render::Theme,
    output: &mut output::Output,
) -> Result<()> {
    // The front end is always part of the site: the binary carries it (`embedded`).
    let links = links::Links::new(library);
    site::write(options, library, &links, theme, output)?;
    theme.copy_static(output)?;
    for (path, bytes) in embedded::APP {
        output.write(&format!("app/{path}"), bytes)?;
    }
    stac::write(options, library, &links, output)?;
    graph::write(library, &links, &options.config, output)?;
    output.write("library.json", to_json(library))?;
    output.write("index/entities.json", to_json(&summaries(library)))?;
    search::write(library, output)?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One summary per entity, for list pages and the front end's index.
#[must_use]
pub fn summaries(library: &Library) -> Vec<EntitySummary> {
    let summary =
        |kind: EntityKind, id: &str, title: &str, markdown: &str, tags: &[String]| EntitySummary {
            kind,
            id: id.to_owned(),
            title: title.to_owned(),
            url: EntityRef::new(kind, id).url(),
            summary: render::markdown::to_plain(markdown, 240),
            tags: tags.to_vec(),
        };
    let mut out = Vec::new();
    out.extend(library.datasets.iter().map(|d| {
        summary(
            EntityKind::Dataset,
            &d.id,
            &d.title,
            &d.description,
            &d.tags,
        )
    }));
    out.extend(
        library
            .papers
            .iter()
            .map(|p| summary(EntityKind::Paper, &p.id, &p.title, &p.summary, &p.tags)),
    );
    out.extend(
        library
            .models
            .iter()
            .map(|m| summary(EntityKind::Model, &m.id, &m.title, &m.description, &m.tags)),
    );
    out.extend(
        library
            .courses
            .iter()
            .map(|c| summary(EntityKind::Course, &c.id, &c.title, &c.description, &c.tags)),
    );
    out.extend(
        library
            .code
            .iter()
            .map(|c| summary(EntityKind::Code, &c.id, &c.title, &c.description, &c.tags)),
    );
    out.extend(
        library
            .people
            .iter()
            .map(|p| summary(EntityKind::Person, &p.id, &p.name, &p.bio, &[])),
    );
    out.extend(library.organizations.iter().map(|o| {
        summary(
            EntityKind::Organization,
            &o.id,
            &o.name,
            &o.description,
            &[],
        )
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_writes_become_errors_naming_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let public = dir.path().join("public");
        let mut output = output::Output::start(&public).expect("start");
        output
            .write("stac/d/../../../escaped.json", "x")
            .expect("refused, not an error");
        output.write("ok.txt", "x").expect("write");
        let mut diagnostics = Diagnostics::new();
        report_refusals(&output, &public, dir.path(), &mut diagnostics);
        output.abandon();
        let items = diagnostics.items();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].code, "output-refused");
        assert_eq!(items[0].severity, Severity::Error);
        assert_eq!(
            items[0].location.file,
            "public/stac/d/../../../escaped.json"
        );
        assert!(
            items[0].message.contains("climbs out"),
            "{}",
            items[0].message
        );
    }
}
