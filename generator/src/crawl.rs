//! The crawl stage: reads the Zarr stores of every dataset (local or remote)
//! for their facts — hierarchy, arrays, dimensions, extents, provenance — and
//! records them on the library's stores. Stores that cannot be read are
//! diagnostics and are marked as failed; the build goes on.

pub mod anchor;
pub mod cache;
pub mod cftime;
pub mod coords;
pub mod counting;
pub mod extent;
pub mod facts;
pub mod limits;
pub mod location;
pub mod metadata;
pub mod packing;
pub mod progress;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use almanac_model::{Axis, Crawl, Library, StoreFacts, StoreScheme, VariableRole};
use futures::StreamExt;

use crate::content::boundary::Boundary;
use crate::crawl::cache::{CachedWarning, CrawlCache, Entry};
use crate::crawl::coords::ValueReader;
use crate::crawl::counting::CountingStore;
use crate::crawl::limits::CrawlLimits;
use crate::crawl::location::CrawlSettings;
use crate::crawl::metadata::{ArrayMeta, Hierarchy, code};
use crate::crawl::progress::{Done, Progress, Reporter};
use crate::diagnostics::{Diagnostics, Location as At};

/// The warning for credentials in a store's own metadata (the content stage's code for the same).
const URL_CREDENTIALS: &str = "url-credentials";

/// What a crawl did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CrawlReport {
    /// Stores read.
    pub read: usize,
    /// Stores unchanged since the last build, whose facts came from the cache.
    pub cached: usize,
    /// Stores that could not be read.
    pub failed: usize,
    /// Stores skipped (remote stores in offline mode).
    pub skipped: usize,
    /// Object-store requests made.
    pub requests: u64,
    /// Of those, reads of object contents (GET, whole or a byte range); the rest are HEADs and
    /// listings.
    pub reads: u64,
}

/// How one crawl runs, beyond the `[crawl]` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlRun {
    /// The cache folder; `None` for no cache.
    pub cache_dir: Option<PathBuf>,
    /// Re-read every store, ignoring (and then replacing) the cache.
    pub refresh: bool,
    /// Progress on stderr.
    pub progress: Progress,
    /// How diagnostics name the content folder (`content`); its path when unset.
    pub content_label: Option<String>,
}

/// One store's outcome.
struct Outcome {
    dataset: usize,
    store: usize,
    crawl: Crawl,
    problems: Vec<(String, &'static str, String, bool)>,
    requests: u64,
    reads: u64,
    /// Facts taken from the cache.
    cached: bool,
    /// What to keep in the cache for the next build.
    entry: Option<(String, Entry)>,
}

/// Crawls every store of `library`, with local paths resolved against `content_dir`.
pub fn crawl_library(
    library: &mut Library,
    content_dir: &Path,
    settings: &CrawlSettings,
    run: &CrawlRun,
    diagnostics: &mut Diagnostics,
) -> CrawlReport {
    if !settings.enabled {
        return CrawlReport::default();
    }
    let label = run
        .content_label
        .clone()
        .unwrap_or_else(|| content_dir.to_string_lossy().into_owned());
    let mut targets = Vec::new();
    for (d, dataset) in library.datasets.iter().enumerate() {
        for (s, store) in dataset.stores.iter().enumerate() {
            // The URL as written (credentials included) is used to read the store, nowhere else.
            targets.push((
                d,
                s,
                store.access_url().to_owned(),
                store.access_local_path().map(str::to_owned),
                store.scheme,
            ));
        }
    }
    let mut anchors = anchor::Anchors::new(content_dir, &label);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            diagnostics.error(
                "crawl-failed",
                At::file("almanac"),
                format!("cannot start the crawler: {error}"),
            );
            return CrawlReport::default();
        }
    };
    let cache = match (&run.cache_dir, settings.cache) {
        (Some(folder), true) => CrawlCache::open(folder, run.refresh),
        _ => CrawlCache::disabled(),
    };
    let concurrency = settings.concurrency.max(1);
    let mut reporter = Reporter::new(run.progress, targets.len());
    let cache_ref = &cache;
    let mut outcomes: Vec<Outcome> = runtime.block_on(async {
        let mut stream = futures::stream::iter(targets.into_iter().map(
            |(d, s, url, local, scheme)| async move {
                let target = Target {
                    dataset: d,
                    store: s,
                    url: &url,
                    local: local.as_deref(),
                    scheme,
                };
                crawl_target(&target, content_dir, settings, cache_ref).await
            },
        ))
        .buffer_unordered(concurrency);
        let mut outcomes = Vec::new();
        while let Some(outcome) = stream.next().await {
            reporter.store_done(match (&outcome.crawl, outcome.cached) {
                (Crawl::Ok { .. }, true) => Done::Cached,
                (Crawl::Ok { .. }, false) => Done::Read,
                (Crawl::Failed { .. }, _) => Done::Failed,
                (Crawl::Skipped { .. }, _) => Done::Skipped,
            });
            outcomes.push(outcome);
        }
        outcomes
    });
    let mut report = CrawlReport::default();
    let mut entries = BTreeMap::new();
    outcomes.sort_by_key(|o| (o.dataset, o.store));
    for outcome in outcomes {
        report.requests += outcome.requests;
        report.reads += outcome.reads;
        match &outcome.crawl {
            Crawl::Ok { .. } if outcome.cached => report.cached += 1,
            Crawl::Ok { .. } => report.read += 1,
            Crawl::Failed { .. } => report.failed += 1,
            Crawl::Skipped { .. } => report.skipped += 1,
        }
        for (location, code, message, error) in outcome.problems {
            // A limit points at the content that named the store; the message names the key.
            let (at, message) = if code == code::STORE_LIMIT {
                let dataset = &library.datasets[outcome.dataset];
                let url = &dataset.stores[outcome.store].url;
                (
                    anchors.location(outcome.dataset, dataset, url),
                    format!("{location}: {message}"),
                )
            } else {
                (At::file(location), message)
            };
            if error {
                diagnostics.error(code, at, message);
            } else {
                diagnostics.warning(code, at, message);
            }
        }
        if let Some((key, entry)) = outcome.entry {
            entries.insert(key, entry);
        }
        library.datasets[outcome.dataset].stores[outcome.store].crawl = Some(outcome.crawl);
    }
    reporter.finish(report.requests, report.reads);
    if let Err(message) = cache.save(entries) {
        diagnostics.warning(
            "crawl-cache",
            At::file("almanac"),
            format!(
                "cannot write the crawl cache ({message}); the next build reads every store again"
            ),
        );
    }
    report
}

/// One store to crawl.
struct Target<'a> {
    dataset: usize,
    store: usize,
    url: &'a str,
    local: Option<&'a str>,
    scheme: StoreScheme,
}

async fn crawl_target(
    target: &Target<'_>,
    content_dir: &Path,
    settings: &CrawlSettings,
    cache: &CrawlCache,
) -> Outcome {
    let mut outcome = Outcome {
        dataset: target.dataset,
        store: target.store,
        crawl: Crawl::Skipped {
            reason: String::new(),
        },
        problems: Vec::new(),
        requests: 0,
        reads: 0,
        cached: false,
        entry: None,
    };
    if settings.offline && target.scheme != StoreScheme::File {
        outcome.crawl = Crawl::Skipped {
            reason: "remote stores are not read in offline mode".into(),
        };
        return outcome;
    }
    if crate::credentials::public_url(target.url).withheld {
        outcome.crawl = Crawl::Failed {
            reason: "its URL cannot be read safely (it is withheld from every output)".into(),
        };
        return outcome;
    }
    let opened = target.local.unwrap_or(target.url);
    // Content chose this path: it is read only when it stays inside the library folder.
    let library = Boundary::new(content_dir);
    if let Err(error) = location::confine(opened, &library) {
        outcome.problems.push((
            error.url.clone(),
            "store-outside-library",
            error.message.clone(),
            true,
        ));
        outcome.crawl = Crawl::Failed {
            reason: error.message,
        };
        return outcome;
    }
    let location = match location::open(opened, content_dir, settings) {
        Ok(location) => location.confined(opened, &library),
        Err(error) => {
            outcome.problems.push((
                error.url.clone(),
                "store-unreachable",
                error.message.clone(),
                true,
            ));
            outcome.crawl = Crawl::Failed {
                reason: error.message,
            };
            return outcome;
        }
    };
    let counting = Arc::new(CountingStore::new(Arc::clone(&location.store)));
    let shown = location.display.clone();
    // Problems name keys of the object store; shown after the store's URL, they are relative.
    let store_prefix = location.prefix.as_ref().to_owned();
    let relative = |key: &str| -> String {
        key.strip_prefix(store_prefix.as_str())
            .map_or(key, |rest| rest.trim_start_matches('/'))
            .to_owned()
    };
    let key = format!(
        "{} {:?}",
        cache_key(&shown, &settings.settings_for(target.url)),
        settings.limits
    );
    if let Some(entry) = cache.get(&key)
        && let Some(warnings) = replayable(&entry.warnings)
    {
        let store: Arc<dyn object_store::ObjectStore> = Arc::clone(&counting) as _;
        if entry.fingerprint.unchanged(&store, 4).await {
            outcome.problems = warnings;
            outcome.crawl = Crawl::Ok {
                facts: Box::new(entry.facts.clone()),
            };
            outcome.cached = true;
            outcome.entry = Some((key, entry.clone()));
            outcome.requests = counting.requests();
            outcome.reads = reads(&counting);
            return outcome;
        }
    }
    let fresh = Arc::new(CountingStore::new(Arc::clone(&location.store)));
    match inspect_store_with(Arc::clone(&fresh) as _, &location.prefix, &settings.limits).await {
        Ok((mut facts, warnings)) => {
            // The store's own metadata is as hostile as its URL: no credential in it is kept,
            // not even in the cache.
            let scrubbed = crate::credentials::scrub_facts(&mut facts);
            if !scrubbed.is_empty() {
                outcome.problems.push((
                    shown.clone(),
                    URL_CREDENTIALS,
                    format!(
                        "the store's metadata holds URLs with credentials ({}); they are left out of everything Almanac writes",
                        scrubbed.join(", ")
                    ),
                    false,
                ));
            }
            for (key, code, message) in aggregate(warnings, settings.limits.max_warnings) {
                outcome.problems.push((
                    format!("{shown}/{}", relative(&key))
                        .trim_end_matches('/')
                        .to_owned(),
                    code,
                    location.redact(&message),
                    false,
                ));
            }
            outcome.entry = Some((
                key,
                Entry {
                    fingerprint: fresh.fingerprint(),
                    facts: facts.clone(),
                    warnings: outcome
                        .problems
                        .iter()
                        .map(|(location, code, message, _)| CachedWarning {
                            location: location.clone(),
                            code: (*code).to_owned(),
                            message: message.clone(),
                        })
                        .collect(),
                },
            ));
            outcome.crawl = Crawl::Ok {
                facts: Box::new(facts),
            };
        }
        Err((key, code, message)) => {
            let message = location.redact(&message);
            outcome.problems.push((
                format!("{shown}/{}", relative(&key))
                    .trim_end_matches('/')
                    .to_owned(),
                code,
                message.clone(),
                // An unreachable host is the build's network, not the content.
                code != code::HOST_UNREACHABLE,
            ));
            outcome.crawl = Crawl::Failed { reason: message };
        }
    }
    outcome.requests = counting.requests() + fresh.requests();
    outcome.reads = reads(&counting) + reads(&fresh);
    outcome
}

/// The cache key of a store: its public URL and the settings that applied, with credentials
/// removed from them too (the cache file is as public as the build's output).
fn cache_key(shown: &str, settings: &location::StoreSettings) -> String {
    let public = |url: &str| crate::credentials::public_url(url).url;
    let settings = location::StoreSettings {
        prefix: public(&settings.prefix),
        endpoint: settings.endpoint.as_deref().map(public),
        ..settings.clone()
    };
    format!("{shown} {settings:?}")
}

fn reads(store: &CountingStore) -> u64 {
    let counts = store.counts();
    counts.get + counts.get_range
}

/// Cached warnings as diagnostics again; `None` when one has a code this version does not
/// give (the entry is then not used).
fn replayable(warnings: &[CachedWarning]) -> Option<Vec<(String, &'static str, String, bool)>> {
    warnings
        .iter()
        .map(|warning| {
            code::WARNINGS
                .iter()
                .chain([&URL_CREDENTIALS])
                .find(|known| **known == warning.code)
                .map(|known| {
                    (
                        warning.location.clone(),
                        *known,
                        warning.message.clone(),
                        false,
                    )
                })
        })
        .collect()
}

type Problem = (String, &'static str, String);

/// At most `most` warnings of each code, in order; past that, one more per code saying how many
/// were left out (keyed by the store itself).
fn aggregate(warnings: Vec<Problem>, most: usize) -> Vec<Problem> {
    let mut shown: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for warning in warnings {
        let count = shown.entry(warning.1).or_default();
        *count += 1;
        if *count <= most {
            kept.push(warning);
        }
    }
    for (code, count) in shown {
        if count > most {
            kept.push((
                String::new(),
                code,
                format!(
                    "{} more `{code}` warnings in this store are not shown (`[crawl.limits] \
                     max_warnings` = {most})",
                    count - most
                ),
            ));
        }
    }
    kept
}

/// Reads the facts of the store at `prefix` of `store`: metadata, then the
/// coordinate values extents need.
///
/// # Errors
///
/// The key, code and message of the problem that stops the read.
pub async fn inspect_store(
    store: Arc<dyn object_store::ObjectStore>,
    prefix: &object_store::path::Path,
) -> Result<(StoreFacts, Vec<Problem>), Problem> {
    inspect_store_with(store, prefix, &CrawlLimits::default()).await
}

/// [`inspect_store`] within `limits` (`[crawl.limits]`).
///
/// # Errors
///
/// As [`inspect_store`].
pub async fn inspect_store_with(
    store: Arc<dyn object_store::ObjectStore>,
    prefix: &object_store::path::Path,
    limits: &CrawlLimits,
) -> Result<(StoreFacts, Vec<Problem>), Problem> {
    let options = metadata::ReadOptions {
        limits: *limits,
        ..metadata::ReadOptions::default()
    };
    let hierarchy = metadata::read_hierarchy_with(Arc::clone(&store), prefix, &options)
        .await
        .map_err(|p| (p.key, p.code, p.message))?;
    let stale = metadata::stale_consolidated(&store, prefix, &hierarchy).await;
    let mut warnings: Vec<Problem> = hierarchy
        .warnings
        .iter()
        .chain(&stale)
        .map(|p| (p.key.clone(), p.code, p.message.clone()))
        .collect();
    let mut facts = facts::from_hierarchy(&hierarchy);
    let reader = ValueReader::with_limits(store, prefix.clone(), *limits);
    add_extents(&hierarchy, &mut facts, &reader, &mut warnings).await;
    Ok((facts, warnings))
}

/// Reads coordinate values and fills in dimension extents, the time extent,
/// the bounding box and the vertical extent.
async fn add_extents(
    hierarchy: &Hierarchy,
    facts: &mut StoreFacts,
    reader: &ValueReader,
    warnings: &mut Vec<Problem>,
) {
    let by_path = |path: &str| hierarchy.arrays.iter().find(|a| a.path == path);
    let readable = |array: &&ArrayMeta| array.decodable;
    let mut latitudes: Vec<f64> = Vec::new();
    let mut longitudes: Vec<f64> = Vec::new();
    let mut lon_step = None;
    for dimension in &mut facts.dimensions {
        let Some(array) = by_path(&dimension.name)
            .filter(readable)
            .filter(|a| a.shape.len() == 1)
        else {
            continue;
        };
        let sample = match reader.sample(array).await {
            Ok(sample) => sample,
            Err(problem) => {
                warnings.push((problem.key, problem.code, problem.message));
                continue;
            }
        };
        let known = sample.known();
        dimension.extent = extent::value_range(&known);
        dimension.step = extent::regular_step(&sample.first_chunk)
            .filter(|_| sample.whole || sample.first_chunk.len() > 1);
        match dimension.axis {
            Axis::T => {
                match extent::time_extent(&sample.first_chunk, sample.last, &array.attributes) {
                    Ok(time) => facts.time = facts.time.take().or(time),
                    Err(message) => {
                        warnings.push((array.path.clone(), code::TIME_UNDECODABLE, message));
                    }
                }
            }
            Axis::Z => {
                if facts.vertical.is_none() {
                    facts.vertical =
                        extent::vertical_extent(&dimension.name, &known, &array.attributes);
                }
            }
            Axis::X | Axis::Y => match extent::geographic_axis(&array.path, &array.attributes) {
                Some(Axis::X) => {
                    lon_step = extent::regular_step(&sample.first_chunk);
                    longitudes.extend(&known);
                }
                Some(Axis::Y) => latitudes.extend(&known),
                _ => {}
            },
            Axis::Other => {}
        }
    }
    if facts.time.is_none() {
        // A single time step is often a scalar (0-D) coordinate, not a dimension.
        let scalar_time = hierarchy.arrays.iter().find(|a| {
            a.decodable
                && a.shape.len() <= 1
                && limits::elements(&a.shape).is_some_and(|n| n <= 1)
                && extent::axis_of(&a.path, &a.attributes) == Axis::T
        });
        if let Some(array) = scalar_time {
            match reader.whole(array).await {
                Ok(Some(values)) => match extent::time_extent(&values, None, &array.attributes) {
                    Ok(time) => facts.time = time,
                    Err(message) => {
                        warnings.push((array.path.clone(), code::TIME_UNDECODABLE, message));
                    }
                },
                Ok(None) => {}
                Err(problem) => {
                    warnings.push((problem.key, problem.code, problem.message));
                }
            }
        }
    }
    if latitudes.is_empty() || longitudes.is_empty() {
        // Curvilinear grids: 2-D latitude/longitude auxiliary coordinates, read whole.
        let mut lat2 = None;
        let mut lon2 = None;
        for array in hierarchy
            .arrays
            .iter()
            .filter(|a| a.decodable && a.shape.len() == 2)
        {
            let role = facts
                .arrays
                .iter()
                .find(|f| f.path == array.path)
                .and_then(|f| f.role);
            if !matches!(
                role,
                Some(VariableRole::Auxiliary | VariableRole::Coordinate | VariableRole::Data)
            ) {
                continue;
            }
            match extent::geographic_axis(&array.path, &array.attributes) {
                Some(Axis::Y) if lat2.is_none() => lat2 = Some(array),
                Some(Axis::X) if lon2.is_none() => lon2 = Some(array),
                _ => {}
            }
        }
        if let (Some(lat), Some(lon)) = (lat2, lon2) {
            match (reader.whole(lat).await, reader.whole(lon).await) {
                (Ok(Some(lat_values)), Ok(Some(lon_values))) => {
                    latitudes = lat_values;
                    longitudes = lon_values;
                    lon_step = None;
                }
                (Err(problem), _) | (_, Err(problem)) => {
                    warnings.push((problem.key, problem.code, problem.message));
                }
                _ => {}
            }
        }
    }
    if !latitudes.is_empty() && !longitudes.is_empty() {
        facts.bbox = extent::bounding_box(&latitudes, &longitudes, lon_step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_past_the_limit_are_counted_in_one() {
        let warnings: Vec<Problem> = (0..30)
            .map(|i| {
                (
                    format!("a{i}/.zarray"),
                    code::INVALID_DIMENSION_NAMES,
                    "bad".to_owned(),
                )
            })
            .chain([("b".to_owned(), code::UNKNOWN_CODEC, "x".to_owned())])
            .collect();
        let kept = aggregate(warnings, 5);
        assert_eq!(kept.len(), 7, "{kept:?}");
        let summary = kept.last().expect("a summary");
        assert_eq!(summary.0, "");
        assert_eq!(summary.1, code::INVALID_DIMENSION_NAMES);
        assert!(
            summary.2.starts_with("25 more `invalid-dimension-names`"),
            "{}",
            summary.2
        );
        assert!(kept.iter().any(|w| w.1 == code::UNKNOWN_CODEC));
    }
}
