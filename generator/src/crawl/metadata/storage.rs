//! zarrs storage over `object_store`, for reading chunks: what `zarrs_object_store` does, except
//! that keys name objects as they are. `zarrs_object_store` 0.7 makes paths with `Path::from`,
//! which percent-encodes `[`, `]`, `~`, `%`, …, so an array under such a name (say `t[0]`, or a
//! store under `~user/`) finds no chunk and reads as all fill value, without an error.

use std::sync::Arc;

use futures::future::BoxFuture;
use futures::{StreamExt, stream};
use object_store::{ObjectStore, ObjectStoreExt};
use zarrs::storage::byte_range::{ByteRange, ByteRangeIterator};
use zarrs::storage::{
    AsyncMaybeBytesIterator, AsyncReadableStorageTraits, MaybeBytes, StorageError, StoreKey,
};

use super::bounded::ChunkGuard;
use super::reader::{location, read_capped};

/// Reads keys of an object store for zarrs; with a guard, chunks are fetched and decoded within
/// `[crawl.limits]` (see `bounded.rs`).
pub(super) struct ObjectStorage {
    store: Arc<dyn ObjectStore>,
    guard: Option<ChunkGuard>,
}

impl ObjectStorage {
    pub(super) fn new(store: Arc<dyn ObjectStore>, guard: Option<ChunkGuard>) -> Self {
        Self { store, guard }
    }

    fn admit(&self, key: &StoreKey, size: u64) -> Result<(), StorageError> {
        match &self.guard {
            Some(guard) => guard.admit(key.as_str(), size).map_err(StorageError::Other),
            None => Ok(()),
        }
    }

    fn check(&self, key: &StoreKey, bytes: &[u8]) -> Result<(), StorageError> {
        match &self.guard {
            Some(guard) => guard
                .check(key.as_str(), bytes)
                .map_err(StorageError::Other),
            None => Ok(()),
        }
    }

    fn object_cap(&self) -> u64 {
        self.guard.as_ref().map_or(u64::MAX, |g| g.max_object_bytes)
    }
}

/// `range` of an object of `size` bytes, `None` when it does not fit in it.
fn within(range: &ByteRange, size: u64) -> Option<std::ops::Range<u64>> {
    let (start, end) = match *range {
        ByteRange::FromStart(offset, None) => (offset, size),
        ByteRange::FromStart(offset, Some(length)) => (offset, offset.checked_add(length)?),
        ByteRange::Suffix(length) => (size.checked_sub(length)?, size),
    };
    (start <= end && end <= size).then_some(start..end)
}

fn storage_error(error: &object_store::Error) -> StorageError {
    StorageError::Other(error.to_string())
}

// The trait is declared with `#[async_trait]`; its methods are written in the form that macro
// expands to (boxed futures), which spares the generator a dependency on the macro crate.
impl AsyncReadableStorageTraits for ObjectStorage {
    fn get<'s, 'k, 'f>(
        &'s self,
        key: &'k StoreKey,
    ) -> BoxFuture<'f, Result<MaybeBytes, StorageError>>
    where
        's: 'f,
        'k: 'f,
        Self: 'f,
    {
        Box::pin(async move {
            let result = match self.store.get(&location(key.as_str())).await {
                Ok(result) => result,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(error) => return Err(storage_error(&error)),
            };
            self.admit(key, result.range.end.saturating_sub(result.range.start))?;
            let bytes = match read_capped(result, self.object_cap()).await {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(seen)) => {
                    // The store sent more than it declared.
                    self.admit(key, seen)?;
                    return Err(StorageError::Other(format!(
                        "{key}: more bytes than declared"
                    )));
                }
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(error) => return Err(storage_error(&error)),
            };
            self.check(key, &bytes)?;
            Ok(Some(bytes))
        })
    }

    fn get_partial_many<'a, 'k, 'f>(
        &'a self,
        key: &'k StoreKey,
        byte_ranges: ByteRangeIterator<'a>,
    ) -> BoxFuture<'f, Result<AsyncMaybeBytesIterator<'a>, StorageError>>
    where
        'a: 'f,
        'k: 'f,
        Self: 'f,
    {
        Box::pin(async move {
            let Some(size) = self.size_key(key).await? else {
                return Ok(None);
            };
            // Not `ByteRange::to_range`: a suffix longer than the object (a shard index bigger
            // than a hostile shard) underflows there.
            let ranges = byte_ranges
                .map(|range| within(&range, size))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    StorageError::Other(format!(
                        "{key}: a byte range reaches past the end of the object ({size} bytes)"
                    ))
                })?;
            for range in &ranges {
                self.admit(key, range.end.saturating_sub(range.start))?;
            }
            let parts = match self
                .store
                .get_ranges(&location(key.as_str()), &ranges)
                .await
            {
                Ok(parts) => parts,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(error) => return Err(storage_error(&error)),
            };
            let name = key.to_string();
            let checked: Vec<_> = ranges
                .into_iter()
                .zip(parts)
                .map(|(range, bytes)| {
                    let expected = range.end.saturating_sub(range.start);
                    if bytes.len() as u64 == expected {
                        self.check(key, &bytes).map(|()| bytes)
                    } else {
                        Err(StorageError::Other(format!(
                            "{name}: expected {expected} bytes of a range, got {}",
                            bytes.len()
                        )))
                    }
                })
                .collect();
            Ok(Some(stream::iter(checked).boxed()))
        })
    }

    fn size_key<'s, 'k, 'f>(
        &'s self,
        key: &'k StoreKey,
    ) -> BoxFuture<'f, Result<Option<u64>, StorageError>>
    where
        's: 'f,
        'k: 'f,
        Self: 'f,
    {
        Box::pin(async move {
            match self.store.head(&location(key.as_str())).await {
                Ok(meta) => Ok(Some(meta.size)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(error) => Err(storage_error(&error)),
            }
        })
    }

    fn supports_get_partial(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_never_underflow() {
        assert_eq!(within(&ByteRange::Suffix(16), 64), Some(48..64));
        assert_eq!(within(&ByteRange::Suffix(1 << 44), 64), None);
        assert_eq!(within(&ByteRange::FromStart(8, None), 64), Some(8..64));
        assert_eq!(within(&ByteRange::FromStart(8, Some(100)), 64), None);
        assert_eq!(within(&ByteRange::FromStart(u64::MAX, Some(2)), 64), None);
        assert_eq!(within(&ByteRange::FromStart(65, None), 64), None);
    }
}
