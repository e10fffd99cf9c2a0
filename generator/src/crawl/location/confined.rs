//! A local store kept inside the library folder: every key is resolved (links followed) before
//! it is read, and keys that lead outside the library — a chunk that is a link to `/etc/passwd`,
//! a group folder that is a link to `/etc` — are refused on reads and left out of listings.
//! Errors name the key inside the store, never the absolute path on disk.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, OBJECT_STORE_COALESCE_DEFAULT,
    ObjectMeta, ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload,
    PutResult, RenameOptions, Result, coalesce_ranges,
};

use crate::content::boundary::{Boundary, Refusal};

/// The local store in `dir`, read only where it stays inside `boundary`.
#[derive(Clone)]
pub struct ConfinedStore {
    inner: Arc<dyn ObjectStore>,
    dir: PathBuf,
    boundary: Arc<Boundary>,
}

impl ConfinedStore {
    /// `inner`, the local file system store rooted at `dir`, confined to `boundary`.
    #[must_use]
    pub fn new(inner: Arc<dyn ObjectStore>, dir: PathBuf, boundary: Boundary) -> Self {
        Self {
            inner,
            dir,
            boundary: Arc::new(boundary),
        }
    }

    fn leaves(&self, key: &Path) -> bool {
        leaves(&self.boundary, &self.dir, key)
    }

    /// The inner store's error with the folder's absolute path taken out.
    fn scrub(&self, error: object_store::Error) -> object_store::Error {
        scrub(&self.dir, error)
    }
}

fn leaves(boundary: &Boundary, dir: &std::path::Path, key: &Path) -> bool {
    let path = key
        .parts()
        .fold(dir.to_path_buf(), |path, part| path.join(part.as_ref()));
    boundary.resolve(&path) == Err(Refusal::Outside)
}

fn scrub(dir: &std::path::Path, error: object_store::Error) -> object_store::Error {
    let shown = dir.to_string_lossy().into_owned();
    let clean = |text: String| text.replace(&format!("{shown}/"), "").replace(&shown, "");
    match error {
        object_store::Error::NotFound { path, source } => object_store::Error::NotFound {
            path: clean(path),
            source: clean(source.to_string()).into(),
        },
        other => object_store::Error::Generic {
            store: "LocalFileSystem",
            source: clean(other.to_string()).into(),
        },
    }
}

fn outside(key: &Path) -> object_store::Error {
    object_store::Error::Generic {
        store: "LocalFileSystem",
        source: format!("`{key}` leads outside the library folder; it is not read").into(),
    }
}

impl fmt::Debug for ConfinedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfinedStore").finish_non_exhaustive()
    }
}

impl fmt::Display for ConfinedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LocalFileSystem(library)")
    }
}

// Boxed futures by hand, as in `crawl::counting`: the trait is declared with `#[async_trait]`.
impl ObjectStore for ConfinedStore {
    fn put_opts<'s, 'l, 'f>(
        &'s self,
        location: &'l Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> BoxFuture<'f, Result<PutResult>>
    where
        's: 'f,
        'l: 'f,
        Self: 'f,
    {
        self.inner.put_opts(location, payload, opts)
    }

    fn put_multipart_opts<'s, 'l, 'f>(
        &'s self,
        location: &'l Path,
        opts: PutMultipartOptions,
    ) -> BoxFuture<'f, Result<Box<dyn MultipartUpload>>>
    where
        's: 'f,
        'l: 'f,
        Self: 'f,
    {
        self.inner.put_multipart_opts(location, opts)
    }

    fn get_opts<'s, 'l, 'f>(
        &'s self,
        location: &'l Path,
        options: GetOptions,
    ) -> BoxFuture<'f, Result<GetResult>>
    where
        's: 'f,
        'l: 'f,
        Self: 'f,
    {
        if self.leaves(location) {
            let error = outside(location);
            return Box::pin(async move { Err(error) });
        }
        let request = self.inner.get_opts(location, options);
        Box::pin(async move { request.await.map_err(|e| self.scrub(e)) })
    }

    fn get_ranges<'s, 'l, 'r, 'f>(
        &'s self,
        location: &'l Path,
        ranges: &'r [Range<u64>],
    ) -> BoxFuture<'f, Result<Vec<Bytes>>>
    where
        's: 'f,
        'l: 'f,
        'r: 'f,
        Self: 'f,
    {
        Box::pin(coalesce_ranges(
            ranges,
            |range| self.get_range(location, range),
            OBJECT_STORE_COALESCE_DEFAULT,
        ))
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        if prefix.is_some_and(|p| self.leaves(p)) {
            return futures::stream::empty().boxed();
        }
        let (boundary, dir) = (Arc::clone(&self.boundary), self.dir.clone());
        self.inner
            .list(prefix)
            .filter_map(move |item| {
                let kept = match item {
                    Ok(meta) if leaves(&boundary, &dir, &meta.location) => None,
                    Ok(meta) => Some(Ok(meta)),
                    Err(error) => Some(Err(scrub(&dir, error))),
                };
                futures::future::ready(kept)
            })
            .boxed()
    }

    fn list_with_delimiter<'s, 'p, 'f>(
        &'s self,
        prefix: Option<&'p Path>,
    ) -> BoxFuture<'f, Result<ListResult>>
    where
        's: 'f,
        'p: 'f,
        Self: 'f,
    {
        if prefix.is_some_and(|p| self.leaves(p)) {
            return Box::pin(async {
                Ok(ListResult {
                    common_prefixes: Vec::new(),
                    objects: Vec::new(),
                    extensions: object_store::Extensions::default(),
                })
            });
        }
        let request = self.inner.list_with_delimiter(prefix);
        Box::pin(async move {
            let mut listing = request.await.map_err(|e| self.scrub(e))?;
            listing.common_prefixes.retain(|p| !self.leaves(p));
            listing.objects.retain(|o| !self.leaves(&o.location));
            Ok(listing)
        })
    }

    fn copy_opts<'s, 'a, 'b, 'f>(
        &'s self,
        from: &'a Path,
        to: &'b Path,
        options: CopyOptions,
    ) -> BoxFuture<'f, Result<()>>
    where
        's: 'f,
        'a: 'f,
        'b: 'f,
        Self: 'f,
    {
        self.inner.copy_opts(from, to, options)
    }

    fn rename_opts<'s, 'a, 'b, 'f>(
        &'s self,
        from: &'a Path,
        to: &'b Path,
        options: RenameOptions,
    ) -> BoxFuture<'f, Result<()>>
    where
        's: 'f,
        'a: 'f,
        'b: 'f,
        Self: 'f,
    {
        self.inner.rename_opts(from, to, options)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use futures::TryStreamExt;
    use object_store::local::LocalFileSystem;

    use super::*;

    #[tokio::test]
    async fn keys_leading_outside_the_library_are_neither_read_nor_listed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let library = tmp.path().join("content");
        let store_dir = library.join("data/x.zarr");
        std::fs::create_dir_all(store_dir.join("inside")).expect("mkdir");
        std::fs::write(store_dir.join(".zgroup"), b"{\"zarr_format\": 2}").expect("write");
        std::fs::create_dir_all(tmp.path().join("outside")).expect("mkdir");
        std::fs::write(tmp.path().join("outside/secret"), b"root:x:0:0").expect("write");
        std::os::unix::fs::symlink("../../../outside/secret", store_dir.join(".zattrs"))
            .expect("link");
        std::os::unix::fs::symlink(tmp.path().join("outside"), store_dir.join("escape"))
            .expect("link");
        std::os::unix::fs::symlink("../.zgroup", store_dir.join("inside/.zgroup")).expect("link");
        let inner: Arc<dyn ObjectStore> =
            Arc::new(LocalFileSystem::new_with_prefix(&store_dir).expect("local store"));
        let store = ConfinedStore::new(inner, store_dir.clone(), Boundary::new(&library));

        let read = |key: &'static str| {
            let store = store.clone();
            async move {
                match store.get(&Path::from(key)).await {
                    Ok(got) => Ok(got.bytes().await.expect("bytes").to_vec()),
                    Err(error) => Err(error.to_string()),
                }
            }
        };
        assert_eq!(read(".zgroup").await, Ok(b"{\"zarr_format\": 2}".to_vec()));
        assert_eq!(
            read("inside/.zgroup").await,
            Ok(b"{\"zarr_format\": 2}".to_vec())
        );
        for key in [".zattrs", "escape/secret"] {
            let error = read(key).await.expect_err("refused");
            assert!(error.contains("outside the library"), "{error}");
            assert!(!error.contains("root:x"), "{error}");
        }
        let missing = read("absent/.zarray").await.expect_err("missing");
        assert!(
            !missing.contains(&*store_dir.to_string_lossy()),
            "{missing}"
        );

        let listed: Vec<String> = store
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .expect("listing");
        assert!(listed.contains(&".zgroup".to_owned()), "{listed:?}");
        assert!(
            listed
                .iter()
                .all(|key| !key.starts_with("escape") && key != ".zattrs"),
            "{listed:?}"
        );
        let level = store.list_with_delimiter(None).await.expect("listing");
        let prefixes: Vec<String> = level
            .common_prefixes
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(prefixes, ["inside"]);
        let objects: Vec<String> = level
            .objects
            .iter()
            .map(|o| o.location.to_string())
            .collect();
        assert_eq!(objects, [".zgroup"]);
        let escaped = store
            .list_with_delimiter(Some(&Path::from("escape")))
            .await
            .expect("listing");
        assert!(escaped.objects.is_empty() && escaped.common_prefixes.is_empty());
    }
}
