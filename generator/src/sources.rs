//! The sources stage: feedstocks named by URL in the project's feedstock lists (`[sources]
//! feedstock_lists`, like LEAP's `catalog/input.yaml`), fetched over HTTP(S) and read exactly
//! as if their `catalog.yaml` and `meta.yaml` were a folder of the library. Each `catalog.yaml`
//! names its `meta.yaml` by `ncviewjs:meta_yaml_url`; a list entry may name a `meta.yaml`
//! itself. A URL that cannot be fetched is one diagnostic at its list entry (or at the
//! `catalog.yaml` line that names it) and the rest builds; problems in a fetched file are shown
//! at `URL:line:col`. Files are cached between builds and revalidated (see [`cache`]).

pub mod cache;
pub mod fetch;
pub mod guard;
pub mod list;
pub mod settings;
pub mod urls;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use futures::StreamExt;

pub use self::settings::{PrivateHosts, SourcesSettings};

use crate::config::Limits;
use crate::content::dataset::Part;
use crate::content::document::Node;
use crate::content::{self, Loaded, RemoteFeedstock};
use crate::diagnostics::{Diagnostics, Location, Position};
use crate::sources::cache::{Entry, SourceCache};
use crate::sources::fetch::{Fetched, Fetcher, How, Problem};
use crate::sources::list::Listed;

/// How one load of the sources runs, beyond `[sources]`.
#[derive(Debug, Clone, Copy)]
pub struct SourcesRun<'a> {
    /// The project folder, which list paths are relative to.
    pub root: &'a Path,
    /// The build's cache folder (`build.cache_dir`); the sources cache is its `sources/`.
    /// `None`: no cache.
    pub cache_dir: Option<&'a Path>,
    /// Download every file again, without conditional requests.
    pub refresh: bool,
    /// Fetch nothing: use the cache only (`[crawl] offline`).
    pub offline: bool,
    /// Bounds on one file (`content_file_bytes`) and on its YAML.
    pub limits: &'a Limits,
}

/// What the sources stage did, per file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourcesReport {
    /// Files downloaded.
    pub downloaded: usize,
    /// Files the server said were unchanged (`304`).
    pub revalidated: usize,
    /// Files taken from the cache without asking (offline).
    pub cached: usize,
    /// Files whose fetch failed, replaced by the copy of an earlier build.
    pub stale: usize,
    /// Files that could not be had.
    pub failed: usize,
}

/// One listed feedstock once its first file is parsed.
struct Pending<'a> {
    listed: &'a Listed,
    shown: String,
    first: Node,
    /// The `meta.yaml` a `catalog.yaml` names: the URL, its position in the catalog.
    meta: Option<(String, Position)>,
}

/// Fetches every feedstock of the lists in `settings` and adds their datasets to `loaded`.
pub fn load(
    settings: &SourcesSettings,
    run: &SourcesRun<'_>,
    loaded: &mut Loaded,
    diagnostics: &mut Diagnostics,
) -> SourcesReport {
    let mut report = SourcesReport::default();
    let mut listed: Vec<Listed> = Vec::new();
    for path in &settings.feedstock_lists {
        for entry in list::read(run.root, path, run.limits, diagnostics) {
            if !listed.iter().any(|l| l.url == entry.url) {
                listed.push(entry);
            }
        }
    }
    if listed.is_empty() {
        return report;
    }
    let cache = Arc::new(match run.cache_dir {
        Some(folder) => SourceCache::open(&folder.join("sources")),
        None => SourceCache::disabled(),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let (mut fetcher, runtime) = match (
        Fetcher::new(settings, Arc::clone(&cache), run.limits.content_file_bytes),
        runtime,
    ) {
        (Ok(fetcher), Ok(runtime)) => (fetcher, runtime),
        (Err(message), _) => return cannot_start(&message, diagnostics),
        (_, Err(error)) => return cannot_start(&error.to_string(), diagnostics),
    };
    fetcher.offline = run.offline;
    fetcher.refresh = run.refresh;
    let concurrency = settings.concurrency.max(1);
    let mut kept = Kept::default();

    let urls: Vec<String> = listed.iter().map(|l| l.url.clone()).collect();
    let firsts = runtime.block_on(fetch_all(&fetcher, &urls, concurrency));
    let mut pending = Vec::new();
    for (entry, result) in listed.iter().zip(firsts) {
        let shown = urls::shown(&entry.url);
        let Some(text) = kept.take(result, &shown, &entry.location, &mut report, diagnostics)
        else {
            continue;
        };
        let Some(first) = content::parse_document(&text, &shown, run.limits, diagnostics) else {
            continue;
        };
        let meta = if urls::names_meta(&entry.url) {
            None
        } else {
            list::meta_yaml_url(&first).map(|(url, at)| (joined(&entry.url, &url), at))
        };
        pending.push(Pending {
            listed: entry,
            shown,
            first,
            meta,
        });
    }

    let mut meta_urls: Vec<String> = pending
        .iter()
        .filter_map(|p| p.meta.as_ref().map(|(url, _)| url.clone()))
        .collect();
    meta_urls.sort();
    meta_urls.dedup();
    let metas: BTreeMap<String, Result<Fetched, Problem>> = meta_urls
        .iter()
        .cloned()
        .zip(runtime.block_on(fetch_all(&fetcher, &meta_urls, concurrency)))
        .collect();

    for feedstock in &pending {
        let meta_node = match &feedstock.meta {
            None => None,
            Some((url, at)) => {
                let shown = urls::shown(url);
                let named_at = Location::at(&feedstock.shown, *at);
                let result = metas.get(url).cloned().unwrap_or_else(|| {
                    Err(Problem {
                        code: "source-unreachable",
                        message: "not fetched".into(),
                        help: None,
                    })
                });
                let Some(text) = kept.take(result, &shown, &named_at, &mut report, diagnostics)
                else {
                    continue;
                };
                let Some(node) = content::parse_document(&text, &shown, run.limits, diagnostics)
                else {
                    continue;
                };
                Some((shown, node))
            }
        };
        let first = Part {
            file: &feedstock.shown,
            node: &feedstock.first,
        };
        let (meta, catalog) = if urls::names_meta(&feedstock.listed.url) {
            (Some(first), None)
        } else {
            let meta = meta_node.as_ref().map(|(file, node)| Part { file, node });
            (meta, Some(first))
        };
        let name = urls::repository_name(&feedstock.listed.url);
        content::push_remote_feedstock(
            RemoteFeedstock {
                name: name.as_deref(),
                listed: &feedstock.shown,
                origin: &feedstock.listed.location,
                meta,
                catalog,
            },
            loaded,
            diagnostics,
        );
    }
    if let Err(message) = cache.save(kept.entries, &kept.bodies) {
        diagnostics.warning(
            "source-cache",
            Location::file("almanac"),
            format!("cannot write the sources cache ({message}); the next build downloads every file again"),
        );
    }
    report
}

/// What goes into the cache: the entries this build used, and the bodies it downloaded.
#[derive(Default)]
struct Kept {
    entries: BTreeMap<String, Entry>,
    bodies: BTreeMap<String, String>,
}

impl Kept {
    /// The text of `result`, counted in `report` and kept for the cache; a failure (or a stale
    /// copy) is a diagnostic at `at` naming `shown`.
    fn take(
        &mut self,
        result: Result<Fetched, Problem>,
        shown: &str,
        at: &Location,
        report: &mut SourcesReport,
        diagnostics: &mut Diagnostics,
    ) -> Option<String> {
        match result {
            Ok(fetched) => {
                match fetched.how {
                    How::Downloaded => report.downloaded += 1,
                    How::Revalidated => report.revalidated += 1,
                    How::Cached => report.cached += 1,
                    How::Stale => report.stale += 1,
                }
                if let Some(problem) = &fetched.stale_because {
                    diagnostics
                        .warning(
                            problem.code,
                            at.clone(),
                            format!(
                                "`{shown}`: {}; the copy an earlier build fetched is used",
                                problem.message
                            ),
                        )
                        .help = problem.help.map(Into::into);
                }
                if let Some((key, entry)) = fetched.entry {
                    if fetched.how == How::Downloaded {
                        self.bodies.insert(entry.file.clone(), fetched.text.clone());
                    }
                    self.entries.insert(key, entry);
                }
                Some(fetched.text)
            }
            Err(problem) => {
                report.failed += 1;
                let message = format!("`{shown}`: {}", problem.message);
                let diagnostic = if problem.code == "source-offline" {
                    diagnostics.warning(problem.code, at.clone(), message)
                } else {
                    diagnostics.error(problem.code, at.clone(), message)
                };
                diagnostic.help = Some(problem.help.map_or_else(
                    || "the rest of the library is still built; this feedstock is left out".into(),
                    Into::into,
                ));
                None
            }
        }
    }
}

/// Fetches `urls`, `concurrency` at a time; results in the order of `urls`.
async fn fetch_all(
    fetcher: &Fetcher,
    urls: &[String],
    concurrency: usize,
) -> Vec<Result<Fetched, Problem>> {
    let mut results: Vec<(usize, Result<Fetched, Problem>)> = futures::stream::iter(
        urls.iter()
            .enumerate()
            .map(|(index, url)| async move { (index, fetcher.fetch(url).await) }),
    )
    .buffer_unordered(concurrency)
    .collect()
    .await;
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// `url` (a `meta_yaml_url`) as an absolute URL: relative ones are read against the URL of the
/// `catalog.yaml` that names them.
fn joined(base: &str, url: &str) -> String {
    if url.contains("://") {
        return url.to_owned();
    }
    reqwest::Url::parse(base)
        .and_then(|base| base.join(url))
        .map_or_else(|_| url.to_owned(), String::from)
}

fn cannot_start(message: &str, diagnostics: &mut Diagnostics) -> SourcesReport {
    diagnostics.error(
        "source-unreachable",
        Location::file("almanac"),
        format!("cannot start fetching feedstock lists: {message}"),
    );
    SourcesReport::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_meta_urls_are_read_against_the_catalog() {
        let base = "https://github.com/o/r/blob/main/feedstock/catalog.yaml";
        assert_eq!(
            joined(base, "meta.yaml"),
            "https://github.com/o/r/blob/main/feedstock/meta.yaml"
        );
        assert_eq!(
            joined(base, "https://example.org/meta.yaml"),
            "https://example.org/meta.yaml"
        );
    }
}
