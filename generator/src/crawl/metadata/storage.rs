//! zarrs storage over `object_store`, for reading chunks: what `zarrs_object_store` does, except
//! that keys name objects as they are. `zarrs_object_store` 0.7 makes paths with `Path::from`,
//! which percent-encodes `[`, `]`, `~`, `%`, …, so an array under such a name (say `t[0]`, or a
//! store under `~user/`) finds no chunk and reads as all fill value, without an error.

use std::sync::Arc;

use futures::future::BoxFuture;
use futures::{StreamExt, stream};
use object_store::{ObjectStore, ObjectStoreExt};
use zarrs::storage::byte_range::ByteRangeIterator;
use zarrs::storage::{
    AsyncMaybeBytesIterator, AsyncReadableStorageTraits, MaybeBytes, StorageError, StoreKey,
};

use super::reader::location;

/// Reads keys of an object store for zarrs.
pub(super) struct ObjectStorage {
    store: Arc<dyn ObjectStore>,
}

impl ObjectStorage {
    pub(super) fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }
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
                Ok(result) => result.bytes().await,
                Err(error) => Err(error),
            };
            match result {
                Ok(bytes) => Ok(Some(bytes)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(error) => Err(storage_error(&error)),
            }
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
            let ranges = byte_ranges
                .map(|range| range.to_range(size))
                .collect::<Vec<_>>();
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
            let checked = ranges.into_iter().zip(parts).map(move |(range, bytes)| {
                let expected = range.end.saturating_sub(range.start);
                if bytes.len() as u64 == expected {
                    Ok(bytes)
                } else {
                    Err(StorageError::Other(format!(
                        "{name}: expected {expected} bytes of a range, got {}",
                        bytes.len()
                    )))
                }
            });
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
