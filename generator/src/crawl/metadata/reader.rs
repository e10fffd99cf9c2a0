//! The object store as the metadata reader sees it: GETs of metadata documents and one-level
//! listings of groups, each counted, with problems keyed by store-relative keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::StreamExt;
use object_store::path::Path;
use object_store::{GetResult, ObjectStore, ObjectStoreExt};
use serde_json::{Map, Value};

use super::budgeted::Budget;
use super::{MetadataProblem, code, join, json};
use crate::crawl::limits::{CrawlLimits, human_bytes};

/// A store and the prefix where the Zarr store starts.
pub(super) struct Reader {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    requests: AtomicU64,
    concurrency: usize,
    limits: CrawlLimits,
    /// Consolidated entries skipped past `max_arrays`: arrays, groups.
    skipped: [AtomicU64; 2],
    /// JSON values built from this store's documents, against `max_metadata_values`.
    values: AtomicU64,
}

impl Reader {
    pub(super) fn new(store: Arc<dyn ObjectStore>, prefix: Path, concurrency: usize) -> Self {
        Self {
            store,
            prefix,
            requests: AtomicU64::new(0),
            concurrency: concurrency.max(1),
            limits: CrawlLimits::default(),
            skipped: [AtomicU64::new(0), AtomicU64::new(0)],
            values: AtomicU64::new(0),
        }
    }

    /// Consolidated entries skipped while parsing (arrays, groups).
    pub(super) fn skipped(&self) -> (u64, u64) {
        (
            self.skipped[0].load(Ordering::Relaxed),
            self.skipped[1].load(Ordering::Relaxed),
        )
    }

    /// The same reader with `limits`.
    pub(super) fn with_limits(mut self, limits: CrawlLimits) -> Self {
        self.limits = limits;
        self
    }

    pub(super) fn limits(&self) -> &CrawlLimits {
        &self.limits
    }

    pub(super) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(super) fn concurrency(&self) -> usize {
        self.concurrency
    }

    fn count(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// The store-relative key of `file` in node `node` (either may be `""`).
    pub(super) fn key(&self, node: &str, file: &str) -> String {
        join(&join(self.prefix.as_ref(), node), file)
    }

    fn location(&self, node: &str, file: &str) -> Path {
        location(&self.key(node, file))
    }

    /// "at the root of <store>" or "under `<prefix>` in <store>", for messages.
    pub(super) fn describe_location(&self) -> String {
        if self.prefix.as_ref().is_empty() {
            format!("at the root of {}", self.store)
        } else {
            format!("under `{}` in {}", self.prefix, self.store)
        }
    }

    /// Plain HTTP: `object_store` lists it with WebDAV `PROPFIND`, which ordinary web servers
    /// refuse or answer with 404 — and a 404 reads as an empty folder, so never list there.
    fn is_http(&self) -> bool {
        self.store.to_string().contains("HttpStore")
    }

    /// The bytes of `file` in `node`, `None` when there is no such object.
    async fn get(&self, node: &str, file: &str) -> Result<Option<bytes::Bytes>, MetadataProblem> {
        let location = self.location(node, file);
        self.count();
        let limit = self.limits.max_metadata_bytes;
        let too_big = |size: u64| {
            MetadataProblem::new(
                self.key(node, file),
                code::STORE_LIMIT,
                format!(
                    "the document is {}, more than the {} `[crawl.limits] max_metadata_bytes` \
                     limit: the store is not described",
                    if size > limit {
                        human_bytes(Some(size))
                    } else {
                        format!("more than {}", human_bytes(Some(limit)))
                    },
                    human_bytes(Some(limit))
                ),
            )
        };
        let result = match self.store.get(&location).await {
            Ok(result) => {
                let size = result.range.end.saturating_sub(result.range.start);
                if size > limit {
                    return Err(too_big(size));
                }
                read_capped(result, limit).await
            }
            Err(error) => Err(error),
        };
        match result {
            Ok(Ok(bytes)) => Ok(Some(bytes)),
            Ok(Err(seen)) => Err(too_big(seen)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) if unreachable(&error) => Err(MetadataProblem::new(
                self.key(node, file),
                code::HOST_UNREACHABLE,
                format!("cannot reach the store's host: {error}"),
            )),
            Err(error) => Err(MetadataProblem::new(
                self.key(node, file),
                code::STORE_ERROR,
                format!("cannot read it: {error}"),
            )),
        }
    }

    /// `file` in `node` parsed as a JSON object; `None` when there is no such object.
    pub(super) async fn document(
        &self,
        node: &str,
        file: &str,
        warnings: &mut Vec<MetadataProblem>,
    ) -> Result<Option<Map<String, Value>>, MetadataProblem> {
        let Some(bytes) = self.get(node, file).await? else {
            return Ok(None);
        };
        let budget = Budget {
            entries_at: match file {
                ".zmetadata" => &["metadata"],
                "zarr.json" => &["consolidated_metadata", "metadata"],
                _ => &[],
            },
            v2: file == ".zmetadata",
            max_arrays: self.limits.max_arrays,
            max_values: self.limits.max_metadata_values,
        };
        let (document, skipped) = json::parse(
            &self.key(node, file),
            &bytes,
            warnings,
            budget,
            &self.values,
        )?;
        self.skipped[0].fetch_add(skipped.arrays, Ordering::Relaxed);
        self.skipped[1].fetch_add(skipped.groups, Ordering::Relaxed);
        Ok(Some(document))
    }

    /// The names of the sub-folders of group `node`, sorted. `metadata_file` is the group's own
    /// document (`.zgroup`, `zarr.json`), already read: a listing without it is not to be
    /// trusted (a web server answering the WebDAV listing with 404 reads as an empty folder).
    pub(super) async fn sub_folders(
        &self,
        node: &str,
        metadata_file: &str,
    ) -> Result<Vec<String>, MetadataProblem> {
        let key = self.key(node, metadata_file);
        let cannot_list = |why: String| {
            MetadataProblem::new(
                &key,
                code::CANNOT_LIST,
                format!(
                    "this group has no consolidated metadata, so Almanac must list it to find its \
                     arrays, and {why}; consolidate the store (zarr.consolidate_metadata writes \
                     .zmetadata for Zarr 2 and consolidated_metadata in zarr.json for Zarr 3) or \
                     read it through its object store (s3://, gs://, az://)"
                ),
            )
        };
        if self.is_http() {
            return Err(cannot_list(format!(
                "{} serves it over plain HTTP, which cannot be listed",
                self.store
            )));
        }
        let location = self.location(node, "");
        self.count();
        let listing = self
            .store
            .list_with_delimiter(Some(&location))
            .await
            .map_err(|error| cannot_list(format!("listing it failed: {error}")))?;
        let lists_itself = listing
            .objects
            .iter()
            .any(|object| object.location.filename() == Some(metadata_file));
        if !lists_itself {
            return Err(cannot_list(format!(
                "{} lists it without its own {metadata_file}: the store cannot list (a plain \
                 HTTP server?)",
                self.store
            )));
        }
        let mut names = listing
            .common_prefixes
            .iter()
            .filter_map(|path| path.filename().map(str::to_owned))
            .collect::<Vec<_>>();
        names.sort();
        Ok(names)
    }

    /// Everything directly in `node` (folders with a trailing `/`), sorted, for messages; `None`
    /// when the store cannot say.
    pub(super) async fn entries(&self, node: &str) -> Option<Vec<String>> {
        if self.is_http() {
            return None;
        }
        let location = self.location(node, "");
        self.count();
        let listing = self.store.list_with_delimiter(Some(&location)).await.ok()?;
        let folders = listing
            .common_prefixes
            .iter()
            .filter_map(|path| path.filename().map(|name| format!("{name}/")));
        let files = listing
            .objects
            .iter()
            .filter_map(|object| object.location.filename().map(str::to_owned));
        let mut entries = folders.chain(files).collect::<Vec<_>>();
        entries.sort();
        Some(entries)
    }
}

/// The body of `result`, read until it ends or passes `cap` bytes: `Ok(Err(n))` when it passed
/// (after `n` bytes), whatever size the store declared.
pub(super) async fn read_capped(
    result: GetResult,
    cap: u64,
) -> Result<Result<bytes::Bytes, u64>, object_store::Error> {
    let declared = result.range.end.saturating_sub(result.range.start);
    let mut stream = result.into_stream();
    let mut body = Vec::with_capacity(usize::try_from(declared.min(cap)).unwrap_or(0));
    while let Some(part) = stream.next().await {
        let part = part?;
        let seen = (body.len() as u64).saturating_add(part.len() as u64);
        if seen > cap {
            return Ok(Err(seen));
        }
        body.extend_from_slice(&part);
    }
    Ok(Ok(bytes::Bytes::from(body)))
}

/// The object at store key `key` (names `/`-separated, as they are). `Path::from` would
/// percent-encode `[`, `]`, `~`, `%`, … and so name another object: stores list names, and keep
/// them, as they are.
pub(super) fn location(key: &str) -> Path {
    Path::parse(key).unwrap_or_else(|_| Path::from(key))
}

/// True when `error` is the network failing before any answer came (connecting, resolving the
/// host, or a timeout), not the store answering with an error.
fn unreachable(error: &object_store::Error) -> bool {
    use object_store::client::{HttpError, HttpErrorKind};
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(http) = cause.downcast_ref::<HttpError>() {
            return matches!(http.kind(), HttpErrorKind::Connect | HttpErrorKind::Timeout);
        }
        source = cause.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;
    use object_store::{ObjectStoreExt, PutPayload};

    use super::*;

    #[test]
    fn locations_keep_names_as_they_are() {
        assert_eq!(location("a[1]/~b/c%d").as_ref(), "a[1]/~b/c%d");
        assert_eq!(location("").as_ref(), "");
    }

    #[tokio::test]
    async fn keys_include_the_prefix_and_names_round_trip() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let reader = Reader::new(Arc::clone(&store), location("bucket/data.zarr"), 4);
        assert_eq!(reader.key("air", ".zarray"), "bucket/data.zarr/air/.zarray");
        assert_eq!(reader.key("", ""), "bucket/data.zarr");

        let odd = "t[0]";
        for (node, file) in [("", ".zgroup"), (odd, ".zarray")] {
            let location = reader.location(node, file);
            let payload = PutPayload::from_static(b"{}");
            store.put(&location, payload).await.expect("in-memory put");
        }
        let folders = reader.sub_folders("", ".zgroup").await.expect("listable");
        assert_eq!(folders, [odd]);
        let mut warnings = Vec::new();
        assert!(
            reader
                .document(odd, ".zarray", &mut warnings)
                .await
                .expect("succeeds")
                .is_some()
        );
        assert!(
            reader
                .document(odd, ".zgroup", &mut warnings)
                .await
                .expect("succeeds")
                .is_none()
        );
        assert_eq!(reader.requests(), 3);
    }
}
