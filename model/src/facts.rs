//! Facts read from a Zarr store by the crawl stage: hierarchy, arrays,
//! dimensions, extents and provenance. What is right is what xarray reports
//! for the same store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Value;

/// The outcome of crawling one store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Crawl {
    /// The store was read.
    Ok {
        /// What it holds.
        facts: Box<StoreFacts>,
    },
    /// The store could not be read; pages and STAC say so.
    Failed {
        /// Why, in one sentence (never containing credentials).
        reason: String,
    },
    /// The store was not crawled (remote stores in an offline build, or crawling turned off).
    Skipped {
        /// Why.
        reason: String,
    },
}

/// Everything known about one store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreFacts {
    /// 2 or 3.
    pub zarr_format: u8,
    /// True when the metadata came from one consolidated document.
    pub consolidated: bool,
    /// Group paths (`""` is the root), sorted.
    pub groups: Vec<String>,
    /// Arrays, sorted by path.
    pub arrays: Vec<ArrayFacts>,
    /// Dimensions of the root group's arrays, sorted by name.
    pub dimensions: Vec<DimensionFacts>,
    /// Temporal extent, from the CF time coordinate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeExtent>,
    /// Spatial extent in WGS 84 longitude/latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<BoundingBox>,
    /// Vertical extent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical: Option<VerticalExtent>,
    /// Coordinate reference system from a CF `grid_mapping` variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<GridMapping>,
    /// Build provenance written by feedstocks.
    #[serde(default, skip_serializing_if = "Provenance::is_empty")]
    pub provenance: Provenance,
    /// Attributes of the root group.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
    /// Total uncompressed size of all arrays, in bytes.
    pub uncompressed_bytes: u64,
    /// Total number of chunks (or shards) of all arrays.
    pub chunk_count: u64,
}

/// What role an array plays, in CF terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariableRole {
    /// A data variable.
    Data,
    /// A dimension coordinate (1-D, named like its dimension).
    Coordinate,
    /// An auxiliary coordinate (named in another array's `coordinates`).
    Auxiliary,
    /// Cell bounds (named in another array's `bounds`).
    Bounds,
    /// A CF grid mapping variable.
    GridMapping,
}

/// One array of a store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArrayFacts {
    /// Path from the store root (`air` or `group/air`).
    pub path: String,
    /// Role.
    pub role: Option<VariableRole>,
    /// Dimension names (`_ARRAY_DIMENSIONS` or `dimension_names`).
    pub dimensions: Vec<String>,
    /// Shape.
    pub shape: Vec<u64>,
    /// Chunk shape (the inner chunk shape for sharded arrays).
    pub chunks: Vec<u64>,
    /// Shard shape, for sharded arrays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<Vec<u64>>,
    /// Data type as numpy writes it (`float32`, `int64`, `<U8`, …).
    pub dtype: String,
    /// Fill value as stored.
    #[serde(default)]
    pub fill_value: Option<Value>,
    /// Codec and compressor names, in order (`blosc`, `zstd`, `bytes`, …).
    pub codecs: Vec<String>,
    /// `units`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
    /// `long_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_name: Option<String>,
    /// `standard_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_name: Option<String>,
    /// All attributes, as stored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
    /// Uncompressed size in bytes.
    pub uncompressed_bytes: u64,
    /// Number of chunks (shards for sharded arrays).
    pub chunk_count: u64,
}

/// Which axis a dimension is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    /// Longitude / projection x.
    X,
    /// Latitude / projection y.
    Y,
    /// Vertical.
    Z,
    /// Time.
    T,
    /// Anything else (ensemble member, bounds vertex, …).
    Other,
}

/// One dimension with what its coordinate says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionFacts {
    /// Name.
    pub name: String,
    /// Length.
    pub size: u64,
    /// Axis.
    pub axis: Axis,
    /// Minimum and maximum of the coordinate values (decoded), when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent: Option<[f64; 2]>,
    /// Regular step, when the coordinate is evenly spaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    /// Units of the coordinate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
}

/// Temporal extent, decoded with the CF calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExtent {
    /// First time, ISO 8601 (`1850-01-16T12:00:00`), as a date in `calendar`.
    pub start: String,
    /// Last time, ISO 8601.
    pub end: String,
    /// The CF calendar, normalised (`standard`, `proleptic_gregorian`, `noleap`, `all_leap`, `360_day`, `julian`).
    pub calendar: String,
    /// The CF units (`days since 1850-01-01`).
    pub units: String,
    /// A regular step as an ISO 8601 duration (`P1D`, `P1M`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

/// A longitude/latitude box, west may be greater than east across the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    /// Western longitude, −180..180.
    pub west: f64,
    /// Southern latitude.
    pub south: f64,
    /// Eastern longitude, −180..180.
    pub east: f64,
    /// Northern latitude.
    pub north: f64,
}

/// Vertical extent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerticalExtent {
    /// Dimension name.
    pub dimension: String,
    /// Minimum and maximum.
    pub extent: [f64; 2],
    /// Units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
    /// CF `positive` (`up` / `down`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive: Option<String>,
}

/// A CF grid mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridMapping {
    /// The grid mapping variable.
    pub variable: String,
    /// `grid_mapping_name` (`rotated_latitude_longitude`, `latitude_longitude`, …).
    pub name: String,
    /// EPSG code, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epsg: Option<u32>,
    /// WKT, when the variable carries `crs_wkt` or `spatial_ref`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wkt: Option<String>,
    /// All attributes of the variable.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
}

/// Build provenance that feedstocks write into store attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// `pangeo-forge:*` attributes, without the prefix.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pangeo_forge: BTreeMap<String, String>,
    /// Build commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Workflow run URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_run: Option<String>,
    /// Build timestamp, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built_at: Option<String>,
}

impl Provenance {
    /// True when nothing is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pangeo_forge.is_empty()
            && self.commit.is_none()
            && self.workflow_run.is_none()
            && self.built_at.is_none()
    }
}
