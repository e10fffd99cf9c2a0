//! Array values, unpacked the CF way: for the crawl stage, only the parts of coordinate
//! arrays that extents need (the first chunk and the last value of a monotonic 1-D
//! coordinate; whole small arrays otherwise); for quicklooks, one slice of a data variable.

use std::ops::Range;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::path::Path;
use zarrs::array::Array;
use zarrs::storage::AsyncReadableStorageTraits;

use crate::crawl::metadata::{ArrayMeta, zarrs_array};
use crate::crawl::packing::Packing;

/// Arrays with more elements than this are not read whole (2-D coordinates of huge grids).
pub const MAX_WHOLE_ELEMENTS: u64 = 16 * 1024 * 1024;

/// Reads array values of one store.
pub struct ValueReader {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

/// Values read from a 1-D coordinate: the first chunk, and the last value when the
/// first chunk does not reach the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Unpacked values of the first chunk (or the whole array).
    pub first_chunk: Vec<f64>,
    /// The last value, when it is not in `first_chunk`.
    pub last: Option<f64>,
    /// True when `first_chunk` is the whole array.
    pub whole: bool,
}

impl Sample {
    /// The values known: the first chunk and the last value.
    #[must_use]
    pub fn known(&self) -> Vec<f64> {
        let mut values = self.first_chunk.clone();
        values.extend(self.last);
        values
    }
}

impl std::fmt::Debug for ValueReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The store's own Debug output can hold credentials.
        f.debug_struct("ValueReader")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl ValueReader {
    /// A reader for the store at `prefix` of `store`.
    #[must_use]
    pub fn new(store: Arc<dyn ObjectStore>, prefix: Path) -> Self {
        Self { store, prefix }
    }

    /// The first chunk and last value of a 1-D coordinate; when the first chunk is not
    /// monotonic, the whole array (so min/max are right for unsorted coordinates).
    ///
    /// # Errors
    ///
    /// Why the values cannot be read (codec, missing or corrupt chunk), in one sentence.
    pub async fn sample(&self, array: &ArrayMeta) -> Result<Sample, String> {
        let length = array.shape.first().copied().unwrap_or(0);
        let chunk = array.chunks.first().copied().unwrap_or(length).max(1);
        let first_end = chunk.min(length);
        let first_chunk = self.read_1d(array, 0..first_end).await?;
        if first_end >= length {
            return Ok(Sample {
                first_chunk,
                last: None,
                whole: true,
            });
        }
        if !crate::crawl::extent::is_monotonic(&first_chunk) && length <= MAX_WHOLE_ELEMENTS {
            let all = self.read_1d(array, 0..length).await?;
            return Ok(Sample {
                first_chunk: all,
                last: None,
                whole: true,
            });
        }
        let last = self
            .read_1d(array, length - 1..length)
            .await?
            .first()
            .copied();
        Ok(Sample {
            first_chunk,
            last,
            whole: false,
        })
    }

    /// Every value of a (small) array, unpacked; `Ok(None)` when it is too big to read whole.
    ///
    /// # Errors
    ///
    /// Why the values cannot be read.
    pub async fn whole(&self, array: &ArrayMeta) -> Result<Option<Vec<f64>>, String> {
        let elements: u64 = array.shape.iter().product();
        if elements > MAX_WHOLE_ELEMENTS {
            return Ok(None);
        }
        let ranges: Vec<Range<u64>> = array.shape.iter().map(|n| 0..*n).collect();
        self.read(array, &ranges).await.map(Some)
    }

    async fn read_1d(&self, array: &ArrayMeta, range: Range<u64>) -> Result<Vec<f64>, String> {
        self.read(array, std::slice::from_ref(&range)).await
    }

    /// The values of `ranges` (one per dimension) of `array`, unpacked the CF way (scale,
    /// offset, fill values as NaN), as `f64` whatever the numeric data type.
    ///
    /// # Errors
    ///
    /// Why the values cannot be read (codec, data type, missing or corrupt chunk).
    pub async fn read(&self, array: &ArrayMeta, ranges: &[Range<u64>]) -> Result<Vec<f64>, String> {
        let zarr =
            zarrs_array(Arc::clone(&self.store), &self.prefix, array).map_err(|p| p.message)?;
        let raw = raw_values(&zarr, &array.dtype, ranges)
            .await
            .map_err(|e| format!("cannot read `{}`: {e}", array.path))?;
        let packing = Packing::from_attributes(
            &array.attributes,
            &array.fill_value,
            &array.dtype,
            array.zarr_format(),
        );
        Ok(packing.unpack(&raw))
    }
}

/// Reads `ranges` of `array` as `f64`, whatever its numeric data type.
async fn raw_values(
    array: &Array<dyn AsyncReadableStorageTraits>,
    dtype: &str,
    ranges: &[Range<u64>],
) -> Result<Vec<f64>, String> {
    macro_rules! read_as {
        ($t:ty) => {
            array
                .async_retrieve_array_subset::<Vec<$t>>(&ranges)
                .await
                .map(|values| values.into_iter().map(|v| v as f64).collect())
                .map_err(|e| e.to_string())
        };
    }
    let name = dtype.trim_start_matches(['<', '>', '|', '=']);
    match name {
        "float64" | "f8" => read_as!(f64),
        "float32" | "f4" => read_as!(f32),
        "int64" | "i8" => read_as!(i64),
        "int32" | "i4" => read_as!(i32),
        "int16" | "i2" => read_as!(i16),
        "int8" | "i1" => read_as!(i8),
        "uint64" | "u8" => read_as!(u64),
        "uint32" | "u4" => read_as!(u32),
        "uint16" | "u2" => read_as!(u16),
        "uint8" | "u1" => read_as!(u8),
        other => Err(format!("data type `{other}` is not numeric")),
    }
}
