//! The crawl cache: what the last build read of each store, reused while the store's metadata is
//! unchanged.
//!
//! A crawl records a [`Fingerprint`] of every store it reads: each metadata object it asked for
//! (`zarr.json`, `.zmetadata`, `.zarray`, `.zattrs`, `.zgroup`) with its size, ETag and
//! modification time — or its absence — and each group listing it made. The next build checks
//! the fingerprint (one HEAD per metadata object, one listing per listed group: one or two
//! requests for a consolidated store) and, when nothing changed, takes the facts from the cache
//! instead of reading metadata and coordinate chunks again. Only successful crawls are cached;
//! failed stores are retried on every build.
//!
//! The cache is one JSON file, written atomically (temporary file, then rename), keyed by the
//! store as shown in diagnostics (without credentials) and the settings it was read with. A
//! cache written by another version of Almanac is ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use almanac_model::StoreFacts;
use futures::StreamExt;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use serde::{Deserialize, Serialize};

/// Bumped whenever the meaning of cached facts changes.
const FORMAT: u32 = 1;

/// The cache file inside the cache folder.
const FILE_NAME: &str = "crawl.json";

/// Names of Zarr metadata objects; everything else in a store is data.
const METADATA_FILES: [&str; 5] = ["zarr.json", ".zmetadata", ".zarray", ".zattrs", ".zgroup"];

/// Whether `key` names a Zarr metadata object.
#[must_use]
pub fn is_metadata_key(key: &str) -> bool {
    let name = key.rsplit('/').next().unwrap_or(key);
    METADATA_FILES.contains(&name)
}

/// What a metadata object looked like when it was read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stamp {
    /// Its key in the object store.
    pub key: String,
    /// Size, ETag and modification time; `None` when there was no such object.
    pub meta: Option<ObjectStamp>,
}

/// The identity of one version of an object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectStamp {
    /// Bytes.
    pub size: u64,
    /// The store's ETag, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    /// Last modification, RFC 3339.
    pub modified: String,
}

impl ObjectStamp {
    /// The stamp of `meta`.
    #[must_use]
    pub fn of(meta: &ObjectMeta) -> Self {
        Self {
            size: meta.size,
            e_tag: meta.e_tag.clone(),
            modified: meta.last_modified.to_rfc3339(),
        }
    }
}

/// What one group listing held: its sub-folders (with a trailing `/`) and metadata objects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Listing {
    /// The listed prefix.
    pub prefix: String,
    /// Sorted names.
    pub names: Vec<String>,
}

impl Listing {
    /// The listing of `prefix` from a store's answer.
    #[must_use]
    pub fn of(prefix: &str, result: &object_store::ListResult) -> Self {
        let folders = result
            .common_prefixes
            .iter()
            .filter_map(|path| path.filename().map(|name| format!("{name}/")));
        let files = result
            .objects
            .iter()
            .filter_map(|object| object.location.filename())
            .filter(|name| is_metadata_key(name))
            .map(str::to_owned);
        let mut names: Vec<String> = folders.chain(files).collect();
        names.sort();
        Self {
            prefix: prefix.to_owned(),
            names,
        }
    }
}

/// Everything a store's metadata read depended on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Metadata objects read (or looked for), sorted by key.
    pub objects: Vec<Stamp>,
    /// Group listings made, sorted by prefix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listings: Vec<Listing>,
}

impl Fingerprint {
    /// Sorts and de-duplicates (a key read twice keeps its first stamp).
    pub fn normalize(&mut self) {
        self.objects.sort_by(|a, b| a.key.cmp(&b.key));
        self.objects.dedup_by(|a, b| a.key == b.key);
        self.listings.sort_by(|a, b| a.prefix.cmp(&b.prefix));
        self.listings.dedup_by(|a, b| a.prefix == b.prefix);
    }

    /// Whether the store still looks as it did: each metadata object has the same size, ETag
    /// and modification time (or is still absent), and each listing the same names. Any error
    /// means "changed". Requests run `concurrency` at a time.
    pub async fn unchanged(&self, store: &Arc<dyn ObjectStore>, concurrency: usize) -> bool {
        if self.objects.is_empty() {
            return false;
        }
        let objects = self.objects.iter().map(|stamp| async move {
            let Ok(path) = object_store::path::Path::parse(&stamp.key) else {
                return false;
            };
            match (store.head(&path).await, &stamp.meta) {
                (Ok(meta), Some(seen)) => ObjectStamp::of(&meta) == *seen,
                (Err(object_store::Error::NotFound { .. }), None) => true,
                _ => false,
            }
        });
        let listings = self.listings.iter().map(|listing| async move {
            let Ok(path) = object_store::path::Path::parse(&listing.prefix) else {
                return false;
            };
            let prefix = (!listing.prefix.is_empty()).then_some(&path);
            match store.list_with_delimiter(prefix).await {
                Ok(result) => Listing::of(&listing.prefix, &result) == *listing,
                Err(_) => false,
            }
        });
        let checks = futures::stream::iter(objects)
            .buffer_unordered(concurrency.max(1))
            .chain(futures::stream::iter(listings).buffer_unordered(concurrency.max(1)));
        futures::pin_mut!(checks);
        while let Some(same) = checks.next().await {
            if !same {
                return false;
            }
        }
        true
    }
}

/// A warning the crawl of a store gave, replayed when its facts come from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedWarning {
    /// Store URL and key.
    pub location: String,
    /// Diagnostic code.
    pub code: String,
    /// Message.
    pub message: String,
}

/// One store's cached crawl.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// What the facts depend on.
    pub fingerprint: Fingerprint,
    /// The facts.
    pub facts: StoreFacts,
    /// Warnings of the crawl.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<CachedWarning>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    almanac: String,
    stores: BTreeMap<String, Entry>,
}

/// The cache of one project: entries of the last build, read once; entries of this build,
/// written at the end.
#[derive(Debug, Default)]
pub struct CrawlCache {
    path: Option<PathBuf>,
    previous: BTreeMap<String, Entry>,
}

impl CrawlCache {
    /// A cache that remembers nothing and writes nothing.
    #[must_use]
    pub fn disabled() -> Self {
        Self::default()
    }

    /// The cache in `folder`. With `refresh`, the previous entries are ignored (and replaced
    /// when the crawl is written). A missing, unreadable or outdated file is an empty cache.
    #[must_use]
    pub fn open(folder: &Path, refresh: bool) -> Self {
        let path = folder.join(FILE_NAME);
        let previous = if refresh {
            BTreeMap::new()
        } else {
            std::fs::read(&path)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
                .filter(|file| file.format == FORMAT && file.almanac == env!("CARGO_PKG_VERSION"))
                .map(|file| file.stores)
                .unwrap_or_default()
        };
        Self {
            path: Some(path),
            previous,
        }
    }

    /// The previous entry of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.previous.get(key)
    }

    /// Writes `entries` as the cache, atomically. Returns the error text when it cannot (the
    /// build goes on; the next one reads everything again).
    ///
    /// # Errors
    ///
    /// The I/O error, as text with the path.
    pub fn save(&self, entries: BTreeMap<String, Entry>) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let file = CacheFile {
            format: FORMAT,
            almanac: env!("CARGO_PKG_VERSION").to_owned(),
            stores: entries,
        };
        let bytes = serde_json::to_vec(&file).map_err(|error| error.to_string())?;
        let describe = |error: std::io::Error| format!("{}: {error}", path.display());
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(describe)?;
        }
        let temporary = path.with_extension(format!("json.{}.tmp", std::process::id()));
        std::fs::write(&temporary, bytes).map_err(describe)?;
        std::fs::rename(&temporary, path).map_err(|error| {
            let _ = std::fs::remove_file(&temporary);
            describe(error)
        })
    }
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;
    use object_store::path::Path as Key;
    use object_store::{ObjectStoreExt as _, PutPayload};

    use super::*;

    #[test]
    fn metadata_keys_are_known_by_name() {
        assert!(is_metadata_key("a/b/.zarray"));
        assert!(is_metadata_key("zarr.json"));
        assert!(!is_metadata_key("a/b/0.0"));
        assert!(!is_metadata_key("a/c/0/0"));
    }

    async fn put(store: &Arc<dyn ObjectStore>, key: &str, body: &'static [u8]) -> ObjectStamp {
        let path = Key::from(key);
        store
            .put(&path, PutPayload::from_static(body))
            .await
            .expect("in-memory store");
        ObjectStamp::of(&store.head(&path).await.expect("in-memory store"))
    }

    #[tokio::test]
    async fn a_changed_or_new_object_changes_the_fingerprint() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let zmetadata = put(&store, "s/.zmetadata", b"{}").await;
        let mut fingerprint = Fingerprint {
            objects: vec![
                Stamp {
                    key: "s/zarr.json".into(),
                    meta: None,
                },
                Stamp {
                    key: "s/.zmetadata".into(),
                    meta: Some(zmetadata),
                },
            ],
            listings: Vec::new(),
        };
        fingerprint.normalize();
        assert!(fingerprint.unchanged(&store, 4).await);
        // A chunk written next to it changes nothing.
        put(&store, "s/time/0", b"0123").await;
        assert!(fingerprint.unchanged(&store, 4).await);
        // A v3 document appearing where none was does.
        put(&store, "s/zarr.json", b"{}").await;
        assert!(!fingerprint.unchanged(&store, 4).await);
        store
            .delete(&Key::from("s/zarr.json"))
            .await
            .expect("in-memory store");
        assert!(fingerprint.unchanged(&store, 4).await);
        // So does rewriting the consolidated metadata.
        put(&store, "s/.zmetadata", b"{ }").await;
        assert!(!fingerprint.unchanged(&store, 4).await);
    }

    #[tokio::test]
    async fn listings_catch_new_arrays() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let group = put(&store, "s/.zgroup", b"{}").await;
        put(&store, "s/a/.zarray", b"{}").await;
        put(&store, "s/a/0", b"1").await;
        let listing = Listing::of(
            "s",
            &store
                .list_with_delimiter(Some(&Key::from("s")))
                .await
                .expect("in-memory store"),
        );
        assert_eq!(listing.names, [".zgroup", "a/"]);
        let fingerprint = Fingerprint {
            objects: vec![Stamp {
                key: "s/.zgroup".into(),
                meta: Some(group),
            }],
            listings: vec![listing],
        };
        assert!(fingerprint.unchanged(&store, 4).await);
        put(&store, "s/b/.zarray", b"{}").await;
        assert!(!fingerprint.unchanged(&store, 4).await);
    }

    #[test]
    fn round_trips_and_ignores_other_versions() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let entry = Entry {
            fingerprint: Fingerprint {
                objects: vec![Stamp {
                    key: "zarr.json".into(),
                    meta: Some(ObjectStamp {
                        size: 3,
                        e_tag: Some("x".into()),
                        modified: "2026-01-01T00:00:00+00:00".into(),
                    }),
                }],
                listings: Vec::new(),
            },
            facts: StoreFacts::default(),
            warnings: vec![CachedWarning {
                location: "s/a".into(),
                code: "unknown-codec".into(),
                message: "m".into(),
            }],
        };
        let cache = CrawlCache::open(folder.path(), false);
        assert!(cache.get("k").is_none());
        cache
            .save(BTreeMap::from([("k".to_owned(), entry.clone())]))
            .expect("writable");
        assert_eq!(
            CrawlCache::open(folder.path(), false).get("k"),
            Some(&entry)
        );
        assert!(CrawlCache::open(folder.path(), true).get("k").is_none());
        let file = folder.path().join(FILE_NAME);
        let text = std::fs::read_to_string(&file).expect("written");
        std::fs::write(&file, text.replace("\"format\":1", "\"format\":0")).expect("writable");
        assert!(CrawlCache::open(folder.path(), false).get("k").is_none());
        std::fs::write(&file, "{ not json").expect("writable");
        assert!(CrawlCache::open(folder.path(), false).get("k").is_none());
    }
}
