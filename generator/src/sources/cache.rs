//! The sources cache: the body of every file the last build fetched, with its `ETag` and
//! `Last-Modified`, so that the next build asks "changed since?" (`If-None-Match`,
//! `If-Modified-Since`) and a `304 Not Modified` reuses the body; offline builds read it alone.
//!
//! It lives in `<build.cache_dir>/sources/`: `index.json` (URL → validators and body file) and
//! one body file per URL, named by a hash of the URL. URLs are keyed in their public form, so no
//! token of a URL's query is written to disk. Files are written atomically; an unreadable or
//! outdated index is an empty cache. Entries the last build did not use are dropped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Bumped whenever the meaning of the index changes.
const FORMAT: u32 = 1;

/// The index file inside the cache folder.
const INDEX: &str = "index.json";

/// What is known of one fetched URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The body file, inside the cache folder.
    pub file: String,
    /// The `ETag` the server gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
    /// The `Last-Modified` the server gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// A cached file: its validators and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    /// Validators.
    pub entry: Entry,
    /// The body, as text.
    pub text: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IndexFile {
    format: u32,
    entries: BTreeMap<String, Entry>,
}

/// The cache of one project: the entries of the last build, read once.
#[derive(Debug, Default)]
pub struct SourceCache {
    folder: Option<PathBuf>,
    previous: BTreeMap<String, Entry>,
}

impl SourceCache {
    /// A cache that remembers nothing and writes nothing.
    #[must_use]
    pub fn disabled() -> Self {
        Self::default()
    }

    /// The cache in `folder`; a missing, unreadable or outdated index is an empty cache.
    #[must_use]
    pub fn open(folder: &Path) -> Self {
        let previous = std::fs::read(folder.join(INDEX))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<IndexFile>(&bytes).ok())
            .filter(|index| index.format == FORMAT)
            .map(|index| index.entries)
            .unwrap_or_default();
        Self {
            folder: Some(folder.to_path_buf()),
            previous,
        }
    }

    /// The cached file of `key`, when its body is still there.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Cached> {
        let folder = self.folder.as_ref()?;
        let entry = self.previous.get(key)?;
        let text = std::fs::read_to_string(folder.join(&entry.file)).ok()?;
        Some(Cached {
            entry: entry.clone(),
            text,
        })
    }

    /// The body file name for `key`: a hash of it (FNV-1a, stable across builds and versions).
    #[must_use]
    pub fn file_name(key: &str) -> String {
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{hash:016x}.txt")
    }

    /// Writes `entries` as the cache: the bodies given (new or changed), the index, and removes
    /// body files no entry names. Returns the error text when it cannot (the build goes on; the
    /// next one downloads again).
    ///
    /// # Errors
    ///
    /// The I/O error, as text with the path.
    pub fn save(
        &self,
        entries: BTreeMap<String, Entry>,
        bodies: &BTreeMap<String, String>,
    ) -> Result<(), String> {
        let Some(folder) = &self.folder else {
            return Ok(());
        };
        let describe = |path: &Path, error: std::io::Error| format!("{}: {error}", path.display());
        std::fs::create_dir_all(folder).map_err(|e| describe(folder, e))?;
        for (file, text) in bodies {
            write_atomically(&folder.join(file), text.as_bytes())
                .map_err(|e| describe(&folder.join(file), e))?;
        }
        let index = IndexFile {
            format: FORMAT,
            entries,
        };
        let bytes = serde_json::to_vec_pretty(&index).map_err(|error| error.to_string())?;
        let path = folder.join(INDEX);
        write_atomically(&path, &bytes).map_err(|e| describe(&path, e))?;
        let kept: Vec<&str> = index.entries.values().map(|e| e.file.as_str()).collect();
        for stale in std::fs::read_dir(folder)
            .map_err(|e| describe(folder, e))?
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".txt") && !kept.contains(&name.as_str()))
        {
            let _ = std::fs::remove_file(folder.join(stale));
        }
        Ok(())
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_drops_what_was_not_used() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let cache = SourceCache::open(folder.path());
        assert!(cache.get("https://x.org/a.yaml").is_none());
        let entry = |key: &str, tag: &str| Entry {
            file: SourceCache::file_name(key),
            e_tag: Some(tag.to_owned()),
            last_modified: None,
        };
        let (a, b) = ("https://x.org/a.yaml", "https://x.org/b.yaml");
        cache
            .save(
                BTreeMap::from([
                    (a.to_owned(), entry(a, "\"1\"")),
                    (b.to_owned(), entry(b, "\"2\"")),
                ]),
                &BTreeMap::from([
                    (SourceCache::file_name(a), "a: 1\n".to_owned()),
                    (SourceCache::file_name(b), "b: 2\n".to_owned()),
                ]),
            )
            .expect("writable");
        let reopened = SourceCache::open(folder.path());
        let cached = reopened.get(a).expect("cached");
        assert_eq!(cached.text, "a: 1\n");
        assert_eq!(cached.entry.e_tag.as_deref(), Some("\"1\""));
        // A build that used only `b` keeps only `b`, body file included.
        reopened
            .save(
                BTreeMap::from([(b.to_owned(), entry(b, "\"2\""))]),
                &BTreeMap::new(),
            )
            .expect("writable");
        let last = SourceCache::open(folder.path());
        assert!(last.get(a).is_none());
        assert_eq!(last.get(b).map(|c| c.text).as_deref(), Some("b: 2\n"));
        assert!(!folder.path().join(SourceCache::file_name(a)).exists());
        std::fs::write(folder.path().join(INDEX), "{ not json").expect("writable");
        assert!(SourceCache::open(folder.path()).get(b).is_none());
    }

    #[test]
    fn file_names_are_stable() {
        assert_eq!(SourceCache::file_name(""), "cbf29ce484222325.txt");
        assert_ne!(
            SourceCache::file_name("https://x.org/a.yaml"),
            SourceCache::file_name("https://x.org/b.yaml")
        );
    }
}
