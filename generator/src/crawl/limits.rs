//! Size limits of the crawl stage (`[crawl.limits]` in `almanac.toml`): how much of a store's
//! metadata and chunks Almanac reads before it stops, and sizes computed from declared shapes
//! without overflow. A store's metadata and chunks come from whoever controls its bucket, so
//! every size they declare is checked here before anything is allocated from it.

use serde::{Deserialize, Serialize};

const MIB: u64 = 1024 * 1024;

/// `[crawl.limits]`: the most Almanac reads of one store. Each limit, when hit, is one
/// `store-limit` diagnostic naming the store and key; the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrawlLimits {
    /// Arrays described per store; the rest are left out, with one diagnostic.
    /// Groups have the same budget.
    pub max_arrays: usize,
    /// Bytes of one metadata document (`.zmetadata`, `zarr.json`, `.zarray`, `.zattrs`,
    /// `.zgroup`).
    pub max_metadata_bytes: u64,
    /// JSON values (numbers, strings, lists, objects…) built from one store's metadata documents
    /// in all; a value costs tens of bytes in memory, far more than its text. Consolidated
    /// entries past `max_arrays` are skipped while parsing and do not count.
    pub max_metadata_values: u64,
    /// Decoded bytes of one chunk (chunk shape × item size, or a shard's index), checked before
    /// it is read; a compressed chunk that decodes to more is refused while it is decoded.
    pub max_chunk_bytes: u64,
    /// Decoded bytes of the values of one coordinate read (all the chunks a read touches).
    pub max_read_bytes: u64,
    /// Bytes fetched of one chunk object (or byte range).
    pub max_object_bytes: u64,
    /// Bytes of chunks fetched from one store in all.
    pub max_store_bytes: u64,
    /// Warnings of one code shown per store; the rest are counted in one more.
    pub max_warnings: usize,
}

impl Default for CrawlLimits {
    fn default() -> Self {
        Self {
            max_arrays: 2_000,
            max_metadata_bytes: 64 * MIB,
            max_metadata_values: 1_000_000,
            max_chunk_bytes: 64 * MIB,
            max_read_bytes: 128 * MIB,
            max_object_bytes: 64 * MIB,
            max_store_bytes: 512 * MIB,
            max_warnings: 20,
        }
    }
}

/// The number of elements of `shape` (1 for a scalar), `None` when it does not fit in a `u64`.
#[must_use]
pub fn elements(shape: &[u64]) -> Option<u64> {
    shape
        .iter()
        .try_fold(1u64, |product, &length| product.checked_mul(length))
}

/// Decoded bytes of `shape` elements of `item_size` bytes each, `None` past `u64::MAX`.
#[must_use]
pub fn decoded_bytes(shape: &[u64], item_size: u64) -> Option<u64> {
    elements(shape)?.checked_mul(item_size)
}

/// A byte count for people, in binary units; `None` (a size past `u64::MAX`) and `u64::MAX`
/// itself (a saturated sum) read "more than 16 EiB".
#[must_use]
pub fn human_bytes(bytes: Option<u64>) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let Some(bytes) = bytes.filter(|b| *b != u64::MAX) else {
        return "more than 16 EiB".to_owned();
    };
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_counts_never_overflow() {
        assert_eq!(elements(&[]), Some(1));
        assert_eq!(elements(&[3, 4]), Some(12));
        assert_eq!(elements(&[0, u64::MAX]), Some(0));
        assert_eq!(elements(&[1 << 32, 1 << 32]), None);
        assert_eq!(decoded_bytes(&[1 << 31, 1 << 31], 8), None);
        assert_eq!(
            decoded_bytes(&[1_000_000_000_000_000], 8),
            Some(8 * 10u64.pow(15))
        );
    }

    #[test]
    fn sizes_read_in_binary_units_and_saturate() {
        assert_eq!(human_bytes(Some(0)), "0 B");
        assert_eq!(human_bytes(Some(1023)), "1023 B");
        assert_eq!(human_bytes(Some(2 << 30)), "2.0 GiB");
        assert_eq!(human_bytes(Some(1536)), "1.5 KiB");
        assert_eq!(human_bytes(Some(8 * 10u64.pow(15))), "7.1 PiB");
        assert_eq!(human_bytes(Some(1 << 62)), "4.0 EiB");
        assert_eq!(human_bytes(None), "more than 16 EiB");
        assert_eq!(human_bytes(Some(u64::MAX)), "more than 16 EiB");
    }

    #[test]
    fn limits_read_from_toml_with_defaults() {
        let limits: CrawlLimits = toml::from_str("max_arrays = 3\n").expect("valid TOML");
        assert_eq!(limits.max_arrays, 3);
        assert_eq!(
            limits.max_chunk_bytes,
            CrawlLimits::default().max_chunk_bytes
        );
        assert!(toml::from_str::<CrawlLimits>("max_array = 3\n").is_err());
    }
}
