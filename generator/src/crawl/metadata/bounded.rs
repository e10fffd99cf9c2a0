//! Chunk reads within `[crawl.limits]`, for the crawl stage: every chunk object zarrs asks for
//! is fetched with a size cap, counted against the store's budget, and — when it is compressed —
//! decoded once here with a cap on the output before zarrs decodes it. zarrs 0.23 decodes zlib,
//! gzip and bz2 with `read_to_end` (no bound), zstd into a buffer as large as the frame header
//! says, and Blosc into the size its header declares: a 2 MB chunk can ask for gigabytes. Here
//! the output stops at the chunk's declared decoded size (chunk shape × item size), so a chunk
//! that decodes to more is refused before zarrs sees it.

use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use crate::crawl::limits::human_bytes;

/// Bytes fetched from one store, against `max_store_bytes`.
#[derive(Debug)]
pub struct StoreBudget {
    fetched: AtomicU64,
    limit: u64,
}

impl StoreBudget {
    /// A budget of `limit` bytes.
    #[must_use]
    pub fn new(limit: u64) -> Self {
        Self {
            fetched: AtomicU64::new(0),
            limit,
        }
    }

    /// Takes `bytes` from the budget; `Err` (with the message) when that goes past it.
    fn take(&self, bytes: u64) -> Result<(), String> {
        let before = self.fetched.fetch_add(bytes, Ordering::Relaxed);
        if before.saturating_add(bytes) > self.limit {
            Err(format!(
                "reading it would fetch more than {} of chunks from this store in all, the \
                 `[crawl.limits] max_store_bytes` limit",
                human_bytes(Some(self.limit))
            ))
        } else {
            Ok(())
        }
    }
}

/// A bytes-to-bytes codec, as far as bounding its output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compressor {
    /// `zlib`.
    Zlib,
    /// `gzip`.
    Gzip,
    /// `bz2`.
    Bz2,
    /// `zstd`.
    Zstd,
    /// `blosc`: its header declares the decoded size.
    Blosc,
    /// A checksum at the end (`crc32c`, `adler32`, `fletcher32`): 4 bytes.
    Checksum,
    /// A codec not known here: the trial decode stops before it.
    Other,
}

impl Compressor {
    fn named(name: &str) -> Self {
        match name {
            "zlib" => Self::Zlib,
            "gzip" => Self::Gzip,
            "bz2" => Self::Bz2,
            "zstd" => Self::Zstd,
            "blosc" => Self::Blosc,
            "crc32c" | "adler32" | "fletcher32" => Self::Checksum,
            _ => Self::Other,
        }
    }
}

/// How the chunks of one array are checked as they are fetched.
#[derive(Debug, Clone)]
pub struct ChunkGuard {
    /// The array's node (prefix included), to tell chunk keys from metadata keys.
    pub node: String,
    /// Most bytes the compressors of one chunk may output: its declared decoded size, times
    /// [`expansion`] for filters that widen values.
    pub decoded: u64,
    /// Bytes-to-bytes codecs of a chunk, in the order they encode.
    pub compressors: Vec<Compressor>,
    /// Most bytes fetched per object or range.
    pub max_object_bytes: u64,
    /// The store's budget.
    pub budget: Arc<StoreBudget>,
}

impl ChunkGuard {
    /// Refuses an object (or range) of `size` bytes before it is fetched.
    ///
    /// # Errors
    ///
    /// Why it is not fetched.
    pub fn admit(&self, key: &str, size: u64) -> Result<(), String> {
        if self.is_metadata(key) {
            return Ok(());
        }
        if size > self.max_object_bytes {
            return Err(format!(
                "{key}: the object is {}, more than the {} `[crawl.limits] max_object_bytes` \
                 limit",
                human_bytes(Some(size)),
                human_bytes(Some(self.max_object_bytes))
            ));
        }
        self.budget.take(size).map_err(|m| format!("{key}: {m}"))
    }

    /// Decodes `bytes` (a chunk, or a part of a shard) with the output capped, and refuses
    /// them when they decode to more than the chunk's declared size. Bytes that do not decode
    /// pass: zarrs then reports them as it would.
    ///
    /// # Errors
    ///
    /// Why the chunk is refused.
    pub fn check(&self, key: &str, bytes: &[u8]) -> Result<(), String> {
        if self.is_metadata(key) || self.compressors.is_empty() {
            return Ok(());
        }
        // Stages before the last are kept (they are the next stage's input); the slack covers
        // what a compressor adds to incompressible data.
        let cap = self
            .decoded
            .saturating_add(self.decoded / 8)
            .saturating_add(64 * 1024);
        let mut data: Cow<'_, [u8]> = Cow::Borrowed(bytes);
        for (index, compressor) in self.compressors.iter().enumerate().rev() {
            let keep = index > 0;
            data = match trial(*compressor, &data, cap, keep) {
                Trial::Over => {
                    return Err(format!(
                        "{key}: the chunk decodes to more than {}, though its shape and data \
                         type make {}: refused as a decompression bomb (`[crawl.limits]`: \
                         decoding stops at the declared size)",
                        human_bytes(Some(cap)),
                        human_bytes(Some(self.decoded))
                    ));
                }
                Trial::Stop => return Ok(()),
                Trial::Decoded(_) if !keep => return Ok(()),
                Trial::Decoded(output) => Cow::Owned(output),
                Trial::Stripped(length) => match data {
                    Cow::Borrowed(all) => Cow::Borrowed(&all[..length]),
                    Cow::Owned(mut all) => {
                        all.truncate(length);
                        Cow::Owned(all)
                    }
                },
            };
        }
        Ok(())
    }

    fn is_metadata(&self, key: &str) -> bool {
        let name = key
            .strip_prefix(self.node.as_str())
            .unwrap_or(key)
            .trim_start_matches('/');
        matches!(name, ".zarray" | ".zattrs" | ".zgroup" | "zarr.json")
    }
}

/// What a capped decode of one stage found.
enum Trial {
    /// More output than the cap.
    Over,
    /// The bytes do not decode, or the codec is not known here: nothing more to check.
    Stop,
    /// The output (empty when it was only counted).
    Decoded(Vec<u8>),
    /// A checksum: the first `usize` bytes are the payload.
    Stripped(usize),
}

fn trial(compressor: Compressor, input: &[u8], cap: u64, keep: bool) -> Trial {
    match compressor {
        Compressor::Zlib => capped(flate2::read::ZlibDecoder::new(input), cap, keep),
        Compressor::Gzip => capped(flate2::read::GzDecoder::new(input), cap, keep),
        Compressor::Bz2 => capped(bzip2::read::BzDecoder::new(input), cap, keep),
        Compressor::Zstd => {
            // zarrs allocates what the frame headers promise before decoding.
            if let Some(bound) = zstd::bulk::Decompressor::upper_bound(input)
                && bound as u64 > cap
            {
                return Trial::Over;
            }
            match zstd::stream::read::Decoder::new(input) {
                Ok(decoder) => capped(decoder, cap, keep),
                Err(_) => Trial::Stop,
            }
        }
        Compressor::Blosc => match blosc_sizes(input) {
            Some((decoded, block)) if decoded > cap || block > cap => Trial::Over,
            // Blosc decodes into the size its header declares: bounded now, decoded by zarrs.
            _ => Trial::Stop,
        },
        Compressor::Checksum => input
            .len()
            .checked_sub(4)
            .map_or(Trial::Stop, Trial::Stripped),
        Compressor::Other => Trial::Stop,
    }
}

/// Reads `reader` to its end or to one byte past `cap`, whichever comes first.
fn capped(reader: impl Read, cap: u64, keep: bool) -> Trial {
    let mut limited = reader.take(cap.saturating_add(1));
    let read = if keep {
        let mut output = Vec::new();
        limited.read_to_end(&mut output).map(|n| (n as u64, output))
    } else {
        std::io::copy(&mut limited, &mut std::io::sink()).map(|n| (n, Vec::new()))
    };
    match read {
        Ok((n, _)) if n > cap => Trial::Over,
        Ok((_, output)) => Trial::Decoded(output),
        Err(_) => Trial::Stop,
    }
}

/// The decoded size and block size a Blosc header declares.
fn blosc_sizes(input: &[u8]) -> Option<(u64, u64)> {
    let word = |at: usize| -> Option<u64> {
        let bytes: [u8; 4] = input.get(at..at + 4)?.try_into().ok()?;
        Some(u64::from(u32::from_le_bytes(bytes)))
    };
    Some((word(4)?, word(8)?))
}

/// How much wider than the array's values the compressor's output may be: Zarr 2 filters run
/// before the compressor, and `astype` may store `uint8` values as `float64` (8×); other
/// filters keep or shrink the size (2× to be safe). 1 without filters (and for Zarr 3, whose
/// array-to-array codecs keep the size).
#[must_use]
pub fn expansion(metadata: &Value) -> u64 {
    let filters = metadata
        .get("filters")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if filters.is_empty() {
        1
    } else if filters
        .iter()
        .any(|f| f.get("id").and_then(Value::as_str) == Some("astype"))
    {
        8
    } else {
        2
    }
}

/// The bytes-to-bytes codecs of an array's metadata document, in encoding order: Zarr 2's
/// `compressor` (filters work on arrays, before it), Zarr 3's codecs after the array-to-bytes
/// one — for a sharded array, the inner chunks' (`inner`), whose parts the guard then checks.
#[must_use]
pub fn compressors(metadata: &Value, inner: bool) -> Vec<Compressor> {
    if metadata.get("zarr_format").and_then(Value::as_u64) == Some(2) {
        return metadata
            .get("compressor")
            .and_then(|c| c.get("id"))
            .and_then(Value::as_str)
            .map(|id| vec![Compressor::named(id)])
            .unwrap_or_default();
    }
    let Some(codecs) = metadata.get("codecs").and_then(Value::as_array) else {
        return Vec::new();
    };
    let sharding = codecs
        .iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some("sharding_indexed"));
    let list = match (inner, sharding) {
        (true, Some(codec)) => codec
            .pointer("/configuration/codecs")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice),
        _ => codecs.as_slice(),
    };
    let names: Vec<&str> = list
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .collect();
    let to_bytes = names
        .iter()
        .position(|n| matches!(*n, "bytes" | "endian" | "sharding_indexed" | "vlen-utf8"));
    to_bytes.map_or_else(Vec::new, |at| {
        names[at + 1..]
            .iter()
            .map(|n| Compressor::named(n))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn guard(decoded: u64, compressors: Vec<Compressor>) -> ChunkGuard {
        ChunkGuard {
            node: "s.zarr/lat".into(),
            decoded,
            compressors,
            max_object_bytes: 1 << 20,
            budget: Arc::new(StoreBudget::new(3 << 20)),
        }
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("in memory");
        encoder.finish().expect("in memory")
    }

    #[test]
    fn a_zlib_bomb_is_refused_within_its_declared_size() {
        let zeros = vec![0u8; 8 << 20];
        let bomb = zlib(&zeros);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let small = guard(8 * 1000, vec![Compressor::Zlib]);
        let message = small.check("s.zarr/lat/0", &bomb).expect_err("refused");
        assert!(message.contains("decompression bomb"), "{message}");
        assert!(message.starts_with("s.zarr/lat/0: "), "{message}");
        // The same chunk declared at its real size passes.
        assert!(
            guard(8 << 20, vec![Compressor::Zlib])
                .check("s.zarr/lat/0", &bomb)
                .is_ok()
        );
        // Metadata is never checked, corrupt chunks are left to zarrs.
        assert!(small.check("s.zarr/lat/.zarray", &bomb).is_ok());
        assert!(small.check("s.zarr/lat/0", b"not zlib").is_ok());
    }

    #[test]
    fn checksums_are_stripped_before_the_compressor() {
        let mut chunk = zlib(&vec![1u8; 1 << 20]);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        let g = guard(1000, vec![Compressor::Zlib, Compressor::Checksum]);
        assert!(g.check("s.zarr/lat/c/0", &chunk).is_err());
        let g = guard(1 << 20, vec![Compressor::Zlib, Compressor::Checksum]);
        assert!(g.check("s.zarr/lat/c/0", &chunk).is_ok());
    }

    #[test]
    fn zstd_and_blosc_headers_are_believed_only_within_the_cap() {
        let frame = zstd::bulk::compress(&vec![0u8; 4 << 20], 3).expect("in memory");
        assert!(
            guard(1000, vec![Compressor::Zstd])
                .check("k/0", &frame)
                .is_err()
        );
        assert!(
            guard(4 << 20, vec![Compressor::Zstd])
                .check("k/0", &frame)
                .is_ok()
        );
        let mut header = vec![2u8, 1, 1, 8];
        header.extend_from_slice(&u32::MAX.to_le_bytes());
        header.extend_from_slice(&65536u32.to_le_bytes());
        header.extend_from_slice(&16u32.to_le_bytes());
        assert!(
            guard(1000, vec![Compressor::Blosc])
                .check("k/0", &header)
                .is_err()
        );
    }

    #[test]
    fn objects_and_stores_have_a_fetch_budget() {
        let g = guard(1000, Vec::new());
        assert!(g.admit("s.zarr/lat/.zarray", u64::MAX).is_ok());
        assert!(g.admit("s.zarr/lat/0", 2 << 20).is_err());
        assert!(g.admit("s.zarr/lat/0", 1 << 20).is_ok());
        assert!(g.admit("s.zarr/lat/1", 1 << 20).is_ok());
        assert!(g.admit("s.zarr/lat/2", 1 << 20).is_ok());
        let message = g
            .admit("s.zarr/lat/3", 1)
            .expect_err("over the store budget");
        assert!(message.contains("max_store_bytes"), "{message}");
    }

    #[test]
    fn filters_widen_the_cap() {
        assert_eq!(expansion(&serde_json::json!({"filters": null})), 1);
        assert_eq!(
            expansion(&serde_json::json!({"filters": [{"id": "delta"}]})),
            2
        );
        let astype = serde_json::json!({"filters": [{"id": "astype", "encode_dtype": "<f8"}]});
        assert_eq!(expansion(&astype), 8);
    }

    #[test]
    fn compressors_come_from_either_format() {
        let v2 = serde_json::json!({"zarr_format": 2, "compressor": {"id": "zlib", "level": 1}});
        assert_eq!(compressors(&v2, false), [Compressor::Zlib]);
        let v3 = serde_json::json!({"zarr_format": 3, "codecs": [
            {"name": "sharding_indexed", "configuration": {"codecs": [
                {"name": "bytes"}, {"name": "zstd"}, {"name": "crc32c"}]}},
            {"name": "gzip"}]});
        assert_eq!(
            compressors(&v3, true),
            [Compressor::Zstd, Compressor::Checksum]
        );
        assert_eq!(compressors(&v3, false), [Compressor::Gzip]);
        let plain = serde_json::json!({"zarr_format": 3, "codecs": [{"name": "bytes"}]});
        assert!(compressors(&plain, false).is_empty());
    }
}
