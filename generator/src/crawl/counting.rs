//! An object store wrapper that counts requests by kind, for the crawl stage: the crawl reports
//! how many requests each store cost, and tests assert that reading metadata stays cheap.

use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

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

use crate::crawl::cache::{Fingerprint, Listing, ObjectStamp, Stamp, is_metadata_key};

/// Requests made through a [`CountingStore`], by kind. Each call counts once: a listing the
/// store pages through, or the parts of a multipart upload, are not counted separately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Whole-object reads.
    pub get: u64,
    /// Byte-range reads, including each (coalesced) read of a `get_ranges` call.
    pub get_range: u64,
    /// Metadata-only requests.
    pub head: u64,
    /// `get_ranges` calls (their reads are counted in `get_range`).
    pub get_ranges: u64,
    /// Single-request uploads.
    pub put: u64,
    /// Multipart uploads started.
    pub put_multipart: u64,
    /// Objects deleted.
    pub delete: u64,
    /// Recursive listings (`list`, `list_with_offset`).
    pub list: u64,
    /// One-level listings.
    pub list_with_delimiter: u64,
    /// Copies.
    pub copy: u64,
    /// Renames.
    pub rename: u64,
}

impl RequestCounts {
    /// All requests (`get_ranges` calls are counted through their reads).
    #[must_use]
    pub fn total(&self) -> u64 {
        self.get
            + self.get_range
            + self.head
            + self.put
            + self.put_multipart
            + self.delete
            + self.list
            + self.list_with_delimiter
            + self.copy
            + self.rename
    }
}

#[derive(Debug, Default)]
struct Counts {
    get: AtomicU64,
    get_range: AtomicU64,
    head: AtomicU64,
    get_ranges: AtomicU64,
    put: AtomicU64,
    put_multipart: AtomicU64,
    delete: AtomicU64,
    list: AtomicU64,
    list_with_delimiter: AtomicU64,
    copy: AtomicU64,
    rename: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// An [`ObjectStore`] that passes every call to `inner` and counts it. It also records the
/// [`Fingerprint`] of what was read: every Zarr metadata object fetched (or found missing) and
/// every one-level listing. Clones share counts and fingerprint.
#[derive(Clone)]
pub struct CountingStore {
    inner: Arc<dyn ObjectStore>,
    counts: Arc<Counts>,
    fingerprint: Arc<Mutex<Fingerprint>>,
}

impl CountingStore {
    /// Counts the requests made to `inner`, from zero.
    #[must_use]
    pub fn new(inner: Arc<dyn ObjectStore>) -> Self {
        Self {
            inner,
            counts: Arc::default(),
            fingerprint: Arc::default(),
        }
    }

    /// The metadata objects and listings read so far, sorted.
    #[must_use]
    pub fn fingerprint(&self) -> Fingerprint {
        let mut fingerprint = self
            .fingerprint
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        fingerprint.normalize();
        fingerprint
    }

    /// The wrapped store.
    #[must_use]
    pub fn inner(&self) -> &Arc<dyn ObjectStore> {
        &self.inner
    }

    /// Requests so far.
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.counts().total()
    }

    /// Requests so far, by kind.
    #[must_use]
    pub fn counts(&self) -> RequestCounts {
        let c = &self.counts;
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        RequestCounts {
            get: load(&c.get),
            get_range: load(&c.get_range),
            head: load(&c.head),
            get_ranges: load(&c.get_ranges),
            put: load(&c.put),
            put_multipart: load(&c.put_multipart),
            delete: load(&c.delete),
            list: load(&c.list),
            list_with_delimiter: load(&c.list_with_delimiter),
            copy: load(&c.copy),
            rename: load(&c.rename),
        }
    }
}

// By hand, naming the inner store by its Display: some stores' Debug output shows credentials.
impl fmt::Debug for CountingStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CountingStore")
            .field("inner", &self.inner.to_string())
            .field("counts", &self.counts())
            .finish()
    }
}

impl fmt::Display for CountingStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountingStore({})", self.inner)
    }
}

// The trait is declared with `#[async_trait]`; its methods are written here in the form that
// macro expands to (boxed futures), which spares the generator a dependency on the macro crate.
impl ObjectStore for CountingStore {
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
        bump(&self.counts.put);
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
        bump(&self.counts.put_multipart);
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
        if options.head {
            bump(&self.counts.head);
        } else if options.range.is_some() {
            bump(&self.counts.get_range);
        } else {
            bump(&self.counts.get);
        }
        let whole_metadata =
            !options.head && options.range.is_none() && is_metadata_key(location.as_ref());
        let request = self.inner.get_opts(location, options);
        if !whole_metadata {
            return request;
        }
        let fingerprint = Arc::clone(&self.fingerprint);
        let key = location.as_ref().to_owned();
        Box::pin(async move {
            let result = request.await;
            let meta = match &result {
                Ok(got) => Some(Some(ObjectStamp::of(&got.meta))),
                Err(object_store::Error::NotFound { .. }) => Some(None),
                Err(_) => None,
            };
            if let Some(meta) = meta {
                fingerprint
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .objects
                    .push(Stamp { key, meta });
            }
            result
        })
    }

    /// Coalesces the ranges as the remote stores' default does, reading each through
    /// [`Self::get_opts`] so that every request is counted (the inner store's own `get_ranges`
    /// would make its requests out of sight).
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
        bump(&self.counts.get_ranges);
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
        let counts = Arc::clone(&self.counts);
        let counted = locations
            .inspect(move |location| {
                if location.is_ok() {
                    bump(&counts.delete);
                }
            })
            .boxed();
        self.inner.delete_stream(counted)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        bump(&self.counts.list);
        self.inner.list(prefix)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        bump(&self.counts.list);
        self.inner.list_with_offset(prefix, offset)
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
        bump(&self.counts.list_with_delimiter);
        let request = self.inner.list_with_delimiter(prefix);
        let fingerprint = Arc::clone(&self.fingerprint);
        let listed = prefix.map_or_else(String::new, |p| p.as_ref().to_owned());
        Box::pin(async move {
            let result = request.await;
            if let Ok(listing) = &result {
                fingerprint
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .listings
                    .push(Listing::of(&listed, listing));
            }
            result
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
        bump(&self.counts.copy);
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
        bump(&self.counts.rename);
        self.inner.rename_opts(from, to, options)
    }
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;
    use object_store::memory::InMemory;

    use super::*;

    fn store() -> CountingStore {
        CountingStore::new(Arc::new(InMemory::new()))
    }

    #[tokio::test]
    async fn counts_each_kind_of_request() {
        let store = store();
        let a = Path::from("data/a");
        let b = Path::from("data/b");
        store
            .put(&a, PutPayload::from_static(b"0123456789"))
            .await
            .expect("in-memory store");
        assert_eq!(
            store
                .get(&a)
                .await
                .expect("in-memory store")
                .bytes()
                .await
                .expect("in-memory store")
                .as_ref(),
            b"0123456789"
        );
        assert_eq!(
            store
                .get_range(&a, 2..5)
                .await
                .expect("in-memory store")
                .as_ref(),
            b"234"
        );
        assert_eq!(store.head(&a).await.expect("in-memory store").size, 10);
        assert_eq!(
            store
                .list(None)
                .try_collect::<Vec<_>>()
                .await
                .expect("in-memory store")
                .len(),
            1
        );
        let level = store
            .list_with_delimiter(None)
            .await
            .expect("in-memory store");
        assert_eq!(level.common_prefixes, vec![Path::from("data")]);
        store.copy(&a, &b).await.expect("in-memory store");
        store
            .rename(&b, &Path::from("data/c"))
            .await
            .expect("in-memory store");
        store
            .delete(&Path::from("data/c"))
            .await
            .expect("in-memory store");

        let counts = store.counts();
        assert_eq!(
            counts,
            RequestCounts {
                get: 1,
                get_range: 1,
                head: 1,
                put: 1,
                list: 1,
                list_with_delimiter: 1,
                copy: 1,
                rename: 1,
                delete: 1,
                ..RequestCounts::default()
            }
        );
        assert_eq!(store.requests(), 9);
    }

    #[tokio::test]
    async fn get_ranges_counts_the_coalesced_reads() {
        let store = store();
        let a = Path::from("a");
        let data = vec![7_u8; 4 << 20];
        store
            .put(&a, PutPayload::from(data))
            .await
            .expect("in-memory store");

        // Close ranges are read in one request...
        let near = store
            .get_ranges(&a, &[0..10, 20..30])
            .await
            .expect("in-memory store");
        assert_eq!(near.iter().map(Bytes::len).collect::<Vec<_>>(), [10, 10]);
        assert_eq!(store.counts().get_range, 1);
        // ...far ones (more than the 1 MiB coalesce distance apart) in one each.
        store
            .get_ranges(&a, &[0..10, (3 << 20)..(3 << 20) + 10])
            .await
            .expect("in-memory store");
        let counts = store.counts();
        assert_eq!((counts.get_ranges, counts.get_range), (2, 3));
        assert_eq!(store.requests(), 4);
    }

    #[tokio::test]
    async fn clones_share_counts_and_failures_count() {
        let store = store();
        let clone = store.clone();
        assert!(clone.get(&Path::from("missing")).await.is_err());
        assert_eq!(store.requests(), 1);
    }

    #[test]
    fn display_and_debug_name_the_inner_store() {
        let store = store();
        assert_eq!(store.to_string(), "CountingStore(InMemory)");
        assert!(format!("{store:?}").contains("inner: \"InMemory\""));
    }
}
