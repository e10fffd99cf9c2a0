//! Array values, unpacked the CF way: for the crawl stage, only the parts of coordinate
//! arrays that extents need (the first chunk and the last value of a monotonic 1-D
//! coordinate; whole small arrays otherwise); for quicklooks, one slice of a data variable.
//!
//! Reads stay within `[crawl.limits]`: a chunk whose declared decoded size is over the limit is
//! never decoded (when its object is absent the values are its fill value, computed without
//! materialising it), a read of more values than the limit is refused, and chunks are fetched
//! and decoded through a guard (`metadata/bounded.rs`).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use zarrs::array::Array;
use zarrs::storage::AsyncReadableStorageTraits;

use crate::crawl::facts::item_size;
use crate::crawl::limits::{CrawlLimits, decoded_bytes, elements, human_bytes};
use crate::crawl::metadata::bounded::{ChunkGuard, StoreBudget, compressors, expansion};
use crate::crawl::metadata::{ArrayMeta, code, zarrs_array_guarded};
use crate::crawl::packing::{Packing, json_number};

/// Arrays with more elements than this are not read whole (2-D coordinates of huge grids).
pub const MAX_WHOLE_ELEMENTS: u64 = 16 * 1024 * 1024;

/// Why values could not be read: a [`code`] (`coordinate-unreadable`, or `store-limit` when a
/// `[crawl.limits]` limit stopped the read), the store-relative key involved and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadProblem {
    /// `coordinate-unreadable` or `store-limit`.
    pub code: &'static str,
    /// The array's path, or the chunk's key.
    pub key: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

impl ReadProblem {
    fn unreadable(array: &ArrayMeta, message: String) -> Self {
        // The guard's refusals come back through zarrs as storage errors.
        let code = if message.contains("[crawl.limits]") {
            code::STORE_LIMIT
        } else {
            code::COORDINATE_UNREADABLE
        };
        Self {
            code,
            key: array.path.clone(),
            message,
        }
    }

    fn limit(key: impl Into<String>, message: String) -> Self {
        Self {
            code: code::STORE_LIMIT,
            key: key.into(),
            message,
        }
    }
}

/// Reads array values of one store.
pub struct ValueReader {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    limits: CrawlLimits,
    budget: Arc<StoreBudget>,
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

impl fmt::Debug for ValueReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The store's own Debug output can hold credentials.
        f.debug_struct("ValueReader")
            .field("prefix", &self.prefix)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl ValueReader {
    /// A reader for the store at `prefix` of `store`, with the default limits.
    #[must_use]
    pub fn new(store: Arc<dyn ObjectStore>, prefix: Path) -> Self {
        Self::with_limits(store, prefix, CrawlLimits::default())
    }

    /// A reader for the store at `prefix` of `store` within `limits`.
    #[must_use]
    pub fn with_limits(store: Arc<dyn ObjectStore>, prefix: Path, limits: CrawlLimits) -> Self {
        Self {
            store,
            prefix,
            limits,
            budget: Arc::new(StoreBudget::new(limits.max_store_bytes)),
        }
    }

    /// The first chunk and last value of a 1-D coordinate; when the first chunk is not
    /// monotonic, the whole array (so min/max are right for unsorted coordinates). A chunk over
    /// `max_chunk_bytes` whose object is absent is its fill value, one value standing for all.
    ///
    /// # Errors
    ///
    /// Why the values cannot be read (codec, missing or corrupt chunk, a limit).
    pub async fn sample(&self, array: &ArrayMeta) -> Result<Sample, ReadProblem> {
        let length = array.shape.first().copied().unwrap_or(0);
        let chunk = array.chunks.first().copied().unwrap_or(length).max(1);
        let first_end = chunk.min(length);
        if let Some(refusal) = self.oversized_chunk(array) {
            let first = self.fill_if_absent(array, 0, &refusal).await?;
            if first_end >= length {
                return Ok(Sample {
                    first_chunk: vec![first],
                    last: None,
                    whole: true,
                });
            }
            let per_object = array.shards.as_ref().and_then(|s| s.first()).copied();
            let last_chunk = (length - 1) / per_object.unwrap_or(chunk).max(1);
            let last = self.fill_if_absent(array, last_chunk, &refusal).await?;
            return Ok(Sample {
                first_chunk: vec![first],
                last: Some(last),
                whole: false,
            });
        }
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
    pub async fn whole(&self, array: &ArrayMeta) -> Result<Option<Vec<f64>>, ReadProblem> {
        if elements(&array.shape).is_none_or(|n| n > MAX_WHOLE_ELEMENTS) {
            return Ok(None);
        }
        let ranges: Vec<Range<u64>> = array.shape.iter().map(|n| 0..*n).collect();
        self.read(array, &ranges).await.map(Some)
    }

    async fn read_1d(&self, array: &ArrayMeta, range: Range<u64>) -> Result<Vec<f64>, ReadProblem> {
        self.read(array, std::slice::from_ref(&range)).await
    }

    /// The values of `ranges` (one per dimension) of `array`, unpacked the CF way (scale,
    /// offset, fill values as NaN), as `f64` whatever the numeric data type.
    ///
    /// # Errors
    ///
    /// Why the values cannot be read (codec, data type, missing or corrupt chunk, a limit).
    pub async fn read(
        &self,
        array: &ArrayMeta,
        ranges: &[Range<u64>],
    ) -> Result<Vec<f64>, ReadProblem> {
        if let Some(refusal) = self.oversized_chunk(array) {
            return Err(ReadProblem::limit(array.path.clone(), refusal));
        }
        let lengths: Vec<u64> = ranges
            .iter()
            .map(|r| r.end.saturating_sub(r.start))
            .collect();
        // Values are held as the stored type and as f64 at once.
        let per_value = item_size(&array.dtype).saturating_add(8);
        let wanted = decoded_bytes(&lengths, per_value);
        if wanted.is_none_or(|bytes| bytes > self.limits.max_read_bytes) {
            return Err(ReadProblem::limit(
                array.path.clone(),
                format!(
                    "reading {} values would take {}, more than the {} `[crawl.limits] \
                     max_read_bytes` limit; they are not read",
                    elements(&lengths).map_or_else(|| "too many".to_owned(), |n| n.to_string()),
                    human_bytes(wanted),
                    human_bytes(Some(self.limits.max_read_bytes))
                ),
            ));
        }
        let zarr = self.zarrs(array)?;
        let raw = raw_values(&zarr, &array.dtype, ranges).await.map_err(|e| {
            ReadProblem::unreadable(array, format!("cannot read `{}`: {e}", array.path))
        })?;
        Ok(packing(array).unpack(&raw))
    }

    fn zarrs(
        &self,
        array: &ArrayMeta,
    ) -> Result<Array<dyn AsyncReadableStorageTraits>, ReadProblem> {
        let item = item_size(&array.dtype);
        let guard = ChunkGuard {
            node: join(self.prefix.as_ref(), &array.path),
            decoded: decoded_bytes(&array.chunks, item)
                .unwrap_or(u64::MAX)
                .saturating_mul(expansion(&array.metadata)),
            compressors: compressors(&array.metadata, array.shards.is_some()),
            max_object_bytes: self.limits.max_object_bytes,
            budget: Arc::clone(&self.budget),
        };
        zarrs_array_guarded(Arc::clone(&self.store), &self.prefix, array, Some(guard))
            .map_err(|p| ReadProblem::unreadable(array, p.message))
    }

    /// Why a chunk of `array` may not be decoded: its declared decoded size (or, sharded, its
    /// shard index) over `max_chunk_bytes`.
    fn oversized_chunk(&self, array: &ArrayMeta) -> Option<String> {
        let limit = self.limits.max_chunk_bytes;
        let chunk = decoded_bytes(&array.chunks, item_size(&array.dtype));
        if chunk.is_none_or(|bytes| bytes > limit) {
            return Some(format!(
                "a chunk of `{}` decodes to {}, more than the {} `[crawl.limits] \
                 max_chunk_bytes` limit",
                array.path,
                human_bytes(chunk),
                human_bytes(Some(limit))
            ));
        }
        let shards = array.shards.as_ref()?;
        let per_shard: Option<Vec<u64>> = shards
            .iter()
            .zip(&array.chunks)
            .map(|(shard, inner)| shard.checked_div(*inner))
            .collect();
        // 16 bytes (offset, length) per inner chunk.
        let index = per_shard.and_then(|counts| decoded_bytes(&counts, 16));
        index.is_none_or(|bytes| bytes > limit).then(|| {
            format!(
                "a shard index of `{}` takes {}, more than the {} `[crawl.limits] \
                 max_chunk_bytes` limit",
                array.path,
                human_bytes(index),
                human_bytes(Some(limit))
            )
        })
    }

    /// The unpacked fill value of chunk `index` (of the first dimension, the others at 0) when
    /// its object is absent: a chunk too big to decode is then known without decoding it.
    async fn fill_if_absent(
        &self,
        array: &ArrayMeta,
        index: u64,
        refusal: &str,
    ) -> Result<f64, ReadProblem> {
        let zarr = self.zarrs(array)?;
        let mut indices = vec![0; array.shape.len().max(1)];
        indices[0] = index;
        let key = zarr.chunk_key(&indices);
        let key = key.as_str().to_owned();
        let refused = |why: &str| {
            ReadProblem::limit(
                key.clone(),
                format!("{refusal}; {why}, so its values are not read"),
            )
        };
        match self
            .store
            .head(&crate::crawl::metadata::object_path(&key))
            .await
        {
            Err(object_store::Error::NotFound { .. }) => {}
            Ok(_) => return Err(refused("the chunk is there")),
            Err(error) => {
                return Err(refused(&format!(
                    "cannot tell whether it is there ({error})"
                )));
            }
        }
        let fill = if array.fill_value.is_null() {
            Some(0.0)
        } else {
            json_number(&array.fill_value)
        };
        match fill {
            Some(raw) => Ok(packing(array)
                .unpack(&[raw])
                .first()
                .copied()
                .unwrap_or(f64::NAN)),
            None => Err(refused(
                "the chunk is absent but its fill value is not a number",
            )),
        }
    }
}

fn packing(array: &ArrayMeta) -> Packing {
    Packing::from_attributes(
        &array.attributes,
        &array.fill_value,
        &array.dtype,
        array.zarr_format(),
    )
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (_, true) => prefix.to_owned(),
        _ => format!("{prefix}/{path}"),
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

#[cfg(test)]
mod tests {
    use object_store::PutPayload;
    use object_store::memory::InMemory;
    use serde_json::{Map, Value, json};

    use super::*;

    fn array(shape: &[u64], chunks: &[u64], fill: Value, attributes: &Value) -> ArrayMeta {
        let metadata = json!({
            "zarr_format": 2, "shape": shape, "chunks": chunks, "dtype": "<f8",
            "compressor": null, "fill_value": fill, "filters": null, "order": "C"
        });
        ArrayMeta {
            path: "t".into(),
            shape: shape.to_vec(),
            chunks: chunks.to_vec(),
            shards: None,
            dtype: "float64".into(),
            fill_value: fill,
            codecs: Vec::new(),
            dimension_names: vec!["t".into()],
            attributes: attributes.as_object().cloned().unwrap_or_else(Map::new),
            metadata,
            decodable: true,
        }
    }

    #[tokio::test]
    async fn a_huge_absent_chunk_is_its_fill_value_without_materialising_it() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let reader = ValueReader::new(Arc::clone(&store), Path::default());
        let e15 = 1_000_000_000_000_000;
        let whole = array(&[e15], &[e15], Value::Null, &json!({}));
        let sample = reader.sample(&whole).await.expect("fill value");
        assert_eq!(
            sample,
            Sample {
                first_chunk: vec![0.0],
                last: None,
                whole: true
            }
        );

        let split = array(&[e15], &[e15 / 2], json!(7.0), &json!({"_FillValue": 7.0}));
        let sample = reader.sample(&split).await.expect("fill value");
        assert!(sample.first_chunk[0].is_nan() && sample.last.is_some_and(f64::is_nan));

        store
            .put(&Path::from("t/0"), PutPayload::from_static(b"01234567"))
            .await
            .expect("in-memory put");
        let problem = reader.sample(&whole).await.expect_err("refused");
        assert_eq!(problem.code, code::STORE_LIMIT);
        assert_eq!(problem.key, "t/0");
        assert!(problem.message.contains("7.1 PiB"), "{}", problem.message);
    }

    #[tokio::test]
    async fn reads_past_the_limits_are_refused_before_any_request() {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let limits = CrawlLimits {
            max_read_bytes: 1024,
            ..CrawlLimits::default()
        };
        let reader = ValueReader::with_limits(store, Path::default(), limits);
        let long = array(&[1000], &[1000], Value::Null, &json!({}));
        let problem = reader
            .read(&long, std::slice::from_ref(&(0..1000)))
            .await
            .expect_err("refused");
        assert_eq!(problem.code, code::STORE_LIMIT);
        assert!(
            problem.message.contains("max_read_bytes"),
            "{}",
            problem.message
        );
        // 2^32 × 2^32 elements: too big to read whole, without overflowing.
        let grid = array(
            &[1 << 32, 1 << 32],
            &[1 << 16, 1 << 16],
            Value::Null,
            &json!({}),
        );
        assert_eq!(reader.whole(&grid).await, Ok(None));
        let problem = reader
            .read(&grid, &[0..1, 0..1])
            .await
            .expect_err("chunk too big");
        assert!(problem.message.contains("32.0 GiB"), "{}", problem.message);
    }
}
