//! The files of the search index and their encoding: the JSON entry file, and the binary
//! facet and extent shards (term shards are in `terms.rs`). [`FacetShard::encode`] and
//! [`FacetShard::decode`] (and the same pair on the other shards) are the only writer and
//! reader of each format.

use serde::{Deserialize, Serialize};

use super::codec::{DecodeError, Reader, Writer};

/// Version of the format; `index.json` and every binary file carry it.
pub const FORMAT_VERSION: u32 = 2;
/// Version byte of every binary file.
pub(super) const BINARY_VERSION: u8 = 2;

/// `search/index.json`: the small file a page fetches first. It names every other file of the
/// index, relative to the `search/` folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// [`FORMAT_VERSION`] of the writer.
    pub version: u32,
    /// Number of documents; documents are numbered `0..documents`.
    pub documents: u32,
    /// Term shards, sorted by their first key; each holds the terms of every key from its own
    /// up to the next shard's.
    pub shards: Vec<ShardRef>,
    /// One file per facet.
    pub facets: Vec<FacetRef>,
    /// The file of time ranges and bounding boxes, when any document has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extents: Option<String>,
    /// Folder of the per-document fragments, ending in `/` (`docs/<hash>/`); document `n` is
    /// `<folder><n>.json`.
    pub fragments: String,
}

/// Where the terms of a range of shard keys are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRef {
    /// The first [`super::shard_key`] the shard holds; it holds every key up to the next
    /// shard's first.
    pub key: String,
    /// File name relative to `search/`.
    pub file: String,
}

/// Where the values of one facet are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetRef {
    /// The facet.
    pub facet: Facet,
    /// File name relative to `search/`.
    pub file: String,
}

/// A property results can be filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    /// The kind of entity (`dataset`, `paper`, …).
    Kind,
    /// Tags and keywords.
    Tag,
    /// Variable names and CF standard names of a dataset's stores.
    Variable,
    /// Providers of a dataset.
    Provider,
    /// Licence (SPDX identifier where known).
    License,
}

impl Facet {
    /// Every facet, in the order the search page shows them.
    pub const ALL: [Self; 5] = [
        Self::Kind,
        Self::Tag,
        Self::Variable,
        Self::Provider,
        Self::License,
    ];

    /// The name used in URLs and file names (`kind`, `tag`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Tag => "tag",
            Self::Variable => "variable",
            Self::Provider => "provider",
            Self::License => "license",
        }
    }

    /// A heading for the facet.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Kind => "Kind",
            Self::Tag => "Tags",
            Self::Variable => "Variables",
            Self::Provider => "Providers",
            Self::License => "Licence",
        }
    }

    /// Parses [`Facet::name`].
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|facet| facet.name() == name)
    }
}

impl IndexEntry {
    /// Reads `index.json`.
    ///
    /// # Errors
    ///
    /// [`DecodeError::Json`] when it is not an entry file, [`DecodeError::Header`] when it was
    /// written by another format version.
    pub fn from_json(bytes: &[u8]) -> Result<Self, DecodeError> {
        let entry: Self =
            serde_json::from_slice(bytes).map_err(|error| DecodeError::Json(error.to_string()))?;
        if entry.version != FORMAT_VERSION {
            return Err(DecodeError::Header {
                expected: "search index entry",
            });
        }
        Ok(entry)
    }

    /// Writes `index.json`.
    #[must_use]
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The file of the shard that holds the terms with shard key `key`, if any shard could.
    #[must_use]
    pub fn shard_file(&self, key: &str) -> Option<&str> {
        self.shard_ref(key).map(|shard| shard.file.as_str())
    }

    /// The shard that holds the terms with shard key `key`.
    #[must_use]
    pub fn shard_ref(&self, key: &str) -> Option<&ShardRef> {
        let after = self
            .shards
            .partition_point(|shard| shard.key.as_str() <= key);
        after.checked_sub(1).map(|index| &self.shards[index])
    }

    /// The file of `facet`, if the index has it.
    #[must_use]
    pub fn facet_file(&self, facet: Facet) -> Option<&str> {
        self.facets
            .iter()
            .find(|r| r.facet == facet)
            .map(|r| r.file.as_str())
    }

    /// The fragment file of document `doc`, relative to `search/`.
    #[must_use]
    pub fn fragment_file(&self, doc: u32) -> String {
        format!("{}{doc}.json", self.fragments)
    }
}

/// One value of a facet and the documents that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    /// The value as shown (`CC-BY-4.0`, `ocean`, `sea_surface_temperature`).
    pub value: String,
    /// Documents, sorted.
    pub docs: Vec<u32>,
}

/// Every value of one facet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetShard {
    /// Which facet.
    pub facet: Facet,
    /// Values, sorted.
    pub values: Vec<FacetValue>,
}

impl FacetShard {
    /// Encodes the shard.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::header(b"ALMF", BINARY_VERSION);
        w.str(self.facet.name());
        w.len(self.values.len());
        for value in &self.values {
            w.str(&value.value);
            w.len(value.docs.len());
            let mut last = 0;
            for &doc in &value.docs {
                w.uint(u64::from(doc - last));
                last = doc;
            }
        }
        w.bytes
    }

    /// Decodes [`FacetShard::encode`]'s output.
    ///
    /// # Errors
    ///
    /// [`DecodeError`] when the bytes are not a facet shard of this version.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::header(bytes, b"ALMF", BINARY_VERSION, "search facet shard")?;
        let facet = Facet::parse(r.str()?).ok_or(DecodeError::Invalid("facet name"))?;
        let count = r.len()?;
        let mut values = Vec::with_capacity(count);
        for _ in 0..count {
            let value = r.str()?.to_owned();
            let docs_count = r.len()?;
            let mut docs = Vec::with_capacity(docs_count);
            let mut doc = 0u32;
            for _ in 0..docs_count {
                doc = doc
                    .checked_add(r.u32()?)
                    .ok_or(DecodeError::Invalid("document number"))?;
                docs.push(doc);
            }
            values.push(FacetValue { value, docs });
        }
        r.finish()?;
        Ok(Self { facet, values })
    }

    /// The documents that have any of `selected` (all documents' union; empty when nothing is
    /// selected).
    #[must_use]
    pub fn docs_with_any(&self, selected: &[String], documents: u32) -> DocSet {
        let mut set = DocSet::empty(documents);
        for value in self.values.iter().filter(|v| selected.contains(&v.value)) {
            for &doc in &value.docs {
                set.insert(doc);
            }
        }
        set
    }

    /// How many documents of `within` have each value, largest first (then by value); values
    /// with none are left out.
    #[must_use]
    pub fn counts(&self, within: &DocSet) -> Vec<(&str, u32)> {
        let mut counts: Vec<(&str, u32)> = self
            .values
            .iter()
            .map(|value| {
                let n = value
                    .docs
                    .iter()
                    .filter(|&&doc| within.contains(doc))
                    .count();
                (value.value.as_str(), u32::try_from(n).unwrap_or(u32::MAX))
            })
            .filter(|&(_, n)| n > 0)
            .collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        counts
    }
}

/// The time range and bounding box of one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    /// First and last day, as days since 1970-01-01 (see [`super::days_from_iso`]).
    pub time: Option<[i32; 2]>,
    /// West, south, east, north in degrees (west > east across the antimeridian), stored to
    /// 0.01°.
    pub bbox: Option<[f64; 4]>,
}

/// Time ranges and bounding boxes of the documents that have them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtentShard {
    /// `(document, extent)`, sorted by document.
    pub extents: Vec<(u32, Extent)>,
}

impl ExtentShard {
    /// Encodes the shard.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::header(b"ALMX", BINARY_VERSION);
        w.len(self.extents.len());
        let mut last = 0;
        for (doc, extent) in &self.extents {
            w.uint(u64::from(doc - last));
            last = *doc;
            w.byte(u8::from(extent.time.is_some()) | (u8::from(extent.bbox.is_some()) << 1));
            if let Some([start, end]) = extent.time {
                w.int(i64::from(start));
                w.int(i64::from(end) - i64::from(start));
            }
            if let Some(bbox) = extent.bbox {
                for value in bbox {
                    #[expect(clippy::cast_possible_truncation, reason = "degrees × 100 fit")]
                    w.int((value * 100.0).round() as i64);
                }
            }
        }
        w.bytes
    }

    /// Decodes [`ExtentShard::encode`]'s output.
    ///
    /// # Errors
    ///
    /// [`DecodeError`] when the bytes are not an extent shard of this version.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::header(bytes, b"ALMX", BINARY_VERSION, "search extent shard")?;
        let count = r.len()?;
        let mut extents = Vec::with_capacity(count);
        let mut doc = 0u32;
        let day = |value: i64| i32::try_from(value).map_err(|_| DecodeError::Invalid("day"));
        for _ in 0..count {
            doc = doc
                .checked_add(r.u32()?)
                .ok_or(DecodeError::Invalid("document number"))?;
            let flags = r.byte()?;
            let time = if flags & 1 == 1 {
                let start = r.int()?;
                let end = start
                    .checked_add(r.int()?)
                    .ok_or(DecodeError::Invalid("day"))?;
                Some([day(start)?, day(end)?])
            } else {
                None
            };
            let bbox = if flags & 2 == 2 {
                let mut bbox = [0.0; 4];
                for value in &mut bbox {
                    #[expect(clippy::cast_precision_loss, reason = "hundredths of degrees")]
                    let degrees = r.int()? as f64 / 100.0;
                    *value = degrees;
                }
                Some(bbox)
            } else {
                None
            };
            extents.push((doc, Extent { time, bbox }));
        }
        r.finish()?;
        Ok(Self { extents })
    }
}

/// A set of document numbers (a bit set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSet {
    bits: Vec<u64>,
    documents: u32,
}

impl DocSet {
    /// No documents of `documents`.
    #[must_use]
    pub fn empty(documents: u32) -> Self {
        Self {
            bits: vec![0; (documents as usize).div_ceil(64)],
            documents,
        }
    }

    /// All documents `0..documents`.
    #[must_use]
    pub fn full(documents: u32) -> Self {
        let mut set = Self::empty(documents);
        for doc in 0..documents {
            set.insert(doc);
        }
        set
    }

    /// Adds `doc` (ignored when out of range).
    pub fn insert(&mut self, doc: u32) {
        if doc < self.documents {
            self.bits[(doc / 64) as usize] |= 1 << (doc % 64);
        }
    }

    /// True when `doc` is in the set.
    #[must_use]
    pub fn contains(&self, doc: u32) -> bool {
        doc < self.documents && self.bits[(doc / 64) as usize] & (1 << (doc % 64)) != 0
    }

    /// Keeps only the documents also in `other`.
    pub fn intersect(&mut self, other: &Self) {
        for (word, other) in self.bits.iter_mut().zip(&other.bits) {
            *word &= other;
        }
    }

    /// Number of documents in the set.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bits
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    /// True when the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&word| word == 0)
    }

    /// The documents in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.documents).filter(|&doc| self.contains(doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_and_extent_shards_round_trip() {
        let facet = FacetShard {
            facet: Facet::Tag,
            values: vec![
                FacetValue {
                    value: "ocean".into(),
                    docs: vec![1, 2, 9],
                },
                FacetValue {
                    value: "sst".into(),
                    docs: vec![2],
                },
            ],
        };
        assert_eq!(FacetShard::decode(&facet.encode()), Ok(facet.clone()));
        let within = DocSet::full(10);
        assert_eq!(facet.counts(&within), [("ocean", 3), ("sst", 1)]);
        let docs: Vec<u32> = facet.docs_with_any(&["sst".into()], 10).iter().collect();
        assert_eq!(docs, [2]);

        let extents = ExtentShard {
            extents: vec![
                (
                    0,
                    Extent {
                        time: Some([-43_800, 20_000]),
                        bbox: Some([170.5, -10.25, -170.0, 10.0]),
                    },
                ),
                (
                    5,
                    Extent {
                        time: None,
                        bbox: None,
                    },
                ),
            ],
        };
        assert_eq!(ExtentShard::decode(&extents.encode()), Ok(extents));
    }

    #[test]
    fn doc_sets() {
        let mut set = DocSet::empty(130);
        set.insert(0);
        set.insert(64);
        set.insert(129);
        set.insert(130);
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 64, 129]);
        let mut other = DocSet::full(130);
        assert_eq!(other.len(), 130);
        other.intersect(&set);
        assert_eq!(other.len(), 3);
        assert!(!other.is_empty());
    }
}
