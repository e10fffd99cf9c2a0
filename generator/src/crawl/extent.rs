//! Extents from decoded coordinate values, for the crawl stage: CF packing and masking the way
//! xarray decodes them, the CF axis of a coordinate, and the bounding box, vertical and temporal
//! extents of a store. Pure functions: the caller reads the arrays, these say what the values
//! mean.
//!
//! What is right is what `xr.open_zarr` (2026.9, zarr-python 3) reports for the same store:
//!
//! - Masks come from `missing_value` and `_FillValue`. For Zarr v2 the array's `fill_value`
//!   *is* the `_FillValue` (it overrides the attribute); for Zarr v3 the array's `fill_value` is
//!   ignored and `_FillValue` is an attribute, base64 of a little-endian `f64` for floats.
//!   `valid_min`, `valid_max` and `valid_range` are read but not applied: xarray does not mask
//!   with them.
//! - Extents are the minimum and maximum of the coordinate values, not of the cell edges (as
//!   xarray shows them and as xstac computes STAC extents); masked values (NaN) are skipped.
//! - Longitudes are brought into −180..180 with at most one exact ±360 per wrap; a box that
//!   covers every longitude is −180..180, one across the antimeridian has `west > east`.

use almanac_model::{Axis, BoundingBox, TimeExtent, VerticalExtent};
use serde_json::{Map, Value};

use super::cftime::{self, Calendar};

type Attributes = Map<String, Value>;

/// CF packing and missing values of one variable, from its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Packing {
    /// `scale_factor` (1 when absent).
    pub scale_factor: f64,
    /// `add_offset` (0 when absent).
    pub add_offset: f64,
    /// `_FillValue` and `missing_value` (scalar or list), in packed units; NaN never listed
    /// (NaN is masked anyway).
    pub fill: Vec<f64>,
    /// `valid_min` or the first of `valid_range`, in packed units. Not applied by [`Self::unpack`].
    pub valid_min: Option<f64>,
    /// `valid_max` or the second of `valid_range`, in packed units. Not applied by [`Self::unpack`].
    pub valid_max: Option<f64>,
    /// `_Unsigned`: the stored integers are reread with the other signedness first.
    reinterpret: Option<Reinterpret>,
}

/// How `_Unsigned` rereads stored integers of some width.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reinterpret {
    /// Signed storage read as unsigned (`_Unsigned = "true"`): negatives gain 2^bits.
    ToUnsigned { modulus: f64 },
    /// Unsigned storage read as signed (`_Unsigned = "false"`): the upper half loses 2^bits.
    ToSigned { modulus: f64 },
}

impl Reinterpret {
    fn apply(self, value: f64) -> f64 {
        match self {
            Self::ToUnsigned { modulus } if value < 0.0 => value + modulus,
            Self::ToSigned { modulus } if value >= modulus / 2.0 => value - modulus,
            _ => value,
        }
    }
}

/// The storage types that matter for fill values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Storage {
    Float32,
    Float,
    Integer { bits: u32, signed: bool },
    Other,
}

impl Storage {
    /// A Zarr v2 typestr (`<f4`, `|u1`) or a Zarr v3 data type name (`float32`, `uint8`).
    fn parse(dtype: &str) -> Self {
        let integer = |bits, signed| Self::Integer { bits, signed };
        match dtype.trim_start_matches(['<', '>', '|', '=']) {
            "f4" | "float32" => Self::Float32,
            "f2" | "f8" | "float16" | "float64" => Self::Float,
            "i1" | "int8" => integer(8, true),
            "i2" | "int16" => integer(16, true),
            "i4" | "int32" => integer(32, true),
            "i8" | "int64" => integer(64, true),
            "u1" | "uint8" => integer(8, false),
            "u2" | "uint16" => integer(16, false),
            "u4" | "uint32" => integer(32, false),
            "u8" | "uint64" => integer(64, false),
            _ => Self::Other,
        }
    }

    /// A Zarr v2 `fill_value` as zarr-python hands it to xarray: cast to the array's type.
    fn cast(self, value: f64) -> f64 {
        match self {
            Self::Float32 => f64::from(value as f32),
            Self::Integer { .. } => value.trunc(),
            Self::Float | Self::Other => value,
        }
    }
}

impl Packing {
    /// Reads `scale_factor`, `add_offset`, `_FillValue`, `missing_value`, `valid_*` and
    /// `_Unsigned`. `fill_value` is the array's Zarr `fill_value` and `dtype` its data type
    /// (v2 typestr or v3 name), as stored.
    ///
    /// `zarr_format` decides what the array's `fill_value` means, as in xarray: in v2 it is the
    /// CF `_FillValue` (a `null` one leaves the attribute, if any, in charge), in v3 it is
    /// ignored and the `_FillValue` attribute is decoded instead (base64 of a little-endian
    /// `f64` for floats; leniently also 4-byte `f32`, `"NaN"`-style names and plain numbers,
    /// which xarray rejects).
    ///
    /// Fill values are compared with the stored values as `f64`, which is what numpy does for
    /// them: a v2 `fill_value` is first cast to the array's type (a `<f4` array's `-99.9`
    /// masks the `f32` value), attribute fills are not (a `missing_value` of `-99.9` masks
    /// nothing in `f32` data).
    #[must_use]
    pub fn from_attributes(
        attrs: &Attributes,
        fill_value: &Value,
        dtype: &str,
        zarr_format: u8,
    ) -> Self {
        let storage = Storage::parse(dtype);
        let number = |key: &str| attrs.get(key).and_then(json_number);
        let mut fill: Vec<f64> = attrs
            .get("missing_value")
            .map(json_numbers)
            .unwrap_or_default();
        let fill_attribute = attrs.get("_FillValue");
        let fill_value = if zarr_format == 2 && !fill_value.is_null() {
            json_number(fill_value).map(|value| storage.cast(value))
        } else if zarr_format >= 3 {
            fill_attribute.and_then(|value| v3_fill_value(value, storage))
        } else {
            // A v2 array without `fill_value` keeps a `_FillValue` attribute as written.
            fill_attribute.and_then(json_number)
        };
        let reinterpret = match (attrs.get("_Unsigned").and_then(Value::as_str), storage) {
            (Some("true"), Storage::Integer { bits, signed: true }) => {
                Some(Reinterpret::ToUnsigned {
                    modulus: 2f64.powi(bits as i32),
                })
            }
            (
                Some("false"),
                Storage::Integer {
                    bits,
                    signed: false,
                },
            ) => Some(Reinterpret::ToSigned {
                modulus: 2f64.powi(bits as i32),
            }),
            _ => None,
        };
        // xarray rereads `_FillValue` (not `missing_value`) with the new signedness.
        fill.extend(fill_value.map(|value| reinterpret.map_or(value, |r| r.apply(value))));
        fill.retain(|value| !value.is_nan());
        let range = attrs
            .get("valid_range")
            .map(json_numbers)
            .unwrap_or_default();
        Self {
            scale_factor: number("scale_factor").unwrap_or(1.0),
            add_offset: number("add_offset").unwrap_or(0.0),
            fill,
            valid_min: number("valid_min").or(range.first().copied()),
            valid_max: number("valid_max").or(range.get(1).copied()),
            reinterpret,
        }
    }

    /// Unpacks raw values; masked values become NaN. Computed as xarray does with attributes
    /// read from JSON: in `f64`, `raw * scale_factor + add_offset`, two roundings.
    #[must_use]
    pub fn unpack(&self, raw: &[f64]) -> Vec<f64> {
        raw.iter()
            .map(|&value| {
                let value = self.reinterpret.map_or(value, |r| r.apply(value));
                if self.fill.contains(&value) {
                    f64::NAN
                } else {
                    value * self.scale_factor + self.add_offset
                }
            })
            .collect()
    }
}

/// A JSON number, or one of the names Zarr writes for special floats.
fn json_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(name) => match name.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        // numpy's `.item()` of a one-element array, which xarray applies to packing attributes.
        Value::Array(items) if items.len() == 1 => json_number(&items[0]),
        _ => None,
    }
}

/// A scalar or a list of numbers (what `np.ravel` makes of an attribute).
fn json_numbers(value: &Value) -> Vec<f64> {
    match value {
        Value::Array(items) => items.iter().filter_map(json_number).collect(),
        scalar => json_number(scalar).into_iter().collect(),
    }
}

/// A Zarr v3 `_FillValue` attribute, as xarray's `FillValueCoder.decode` reads it.
fn v3_fill_value(value: &Value, storage: Storage) -> Option<f64> {
    match (storage, value) {
        (Storage::Float32 | Storage::Float, Value::String(text)) => {
            json_number(value).or_else(|| match *base64_decode(text)?.as_slice() {
                [a, b, c, d, e, f, g, h] => Some(f64::from_le_bytes([a, b, c, d, e, f, g, h])),
                [a, b, c, d] => Some(f64::from(f32::from_le_bytes([a, b, c, d]))),
                _ => None,
            })
        }
        (Storage::Integer { .. }, _) => json_number(value).map(f64::trunc),
        _ => json_number(value),
    }
}

/// Standard base64 (`+`, `/`, `=` padding). Python's `base64.standard_b64decode` skips other
/// characters; here they make the value unreadable (no fill value rather than a wrong one).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let sextet = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6 | u32::from(sextet)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
        }
    }
    Some(bytes)
}

/// Which axis a coordinate variable is, by CF rules, first match wins: the `axis` attribute
/// (`X`, `Y`, `Z`, `T`); the `standard_name` (`latitude`, `grid_latitude`,
/// `projection_y_coordinate`, `time`, `height`, `depth`, `air_pressure`, the dimensionless
/// vertical coordinates, …; `forecast_reference_time` and `forecast_period` are times but not
/// the axis the data run along, so `Other`); the units (`degrees_north` and its variants → Y,
/// `degrees_east` → X, `<unit> since <date>` → T, pressure → Z); a `positive` attribute → Z;
/// and last the name (`lat`, `latitude`, `nav_lat`, `y`, `rlat`; `lon`, …; `time`,
/// `time_counter`; `lev`, `level`, `plev`, `depth`, `height`, …).
///
/// Meant for coordinate variables: by these rules a data variable in Pa would be Z. Rotated-pole
/// and projected coordinates are X and Y too; use [`geographic_axis`] to pick the ones a
/// bounding box can be made from.
#[must_use]
pub fn axis_of(name: &str, attrs: &Attributes) -> Axis {
    let text = |key: &str| attrs.get(key).and_then(Value::as_str).map(str::trim);
    let from_axis = text("axis").and_then(|axis| match axis.to_ascii_uppercase().as_str() {
        "X" => Some(Axis::X),
        "Y" => Some(Axis::Y),
        "Z" => Some(Axis::Z),
        "T" => Some(Axis::T),
        _ => None,
    });
    from_axis
        .or_else(|| text("standard_name").and_then(axis_of_standard_name))
        .or_else(|| text("units").and_then(axis_of_units))
        .or_else(|| {
            text("positive")
                .filter(|p| p.eq_ignore_ascii_case("up") || p.eq_ignore_ascii_case("down"))
                .map(|_| Axis::Z)
        })
        .unwrap_or_else(|| axis_of_name(name))
}

/// `Some(Y)` for a true latitude and `Some(X)` for a true longitude (`standard_name`
/// `latitude`/`longitude`, or without one, `degrees_north`/`degrees_east` units, or without
/// telling units, the name), `None` for everything else: rotated-pole `grid_latitude`,
/// projection coordinates, time, ….
#[must_use]
pub fn geographic_axis(name: &str, attrs: &Attributes) -> Option<Axis> {
    let text = |key: &str| attrs.get(key).and_then(Value::as_str).map(str::trim);
    if let Some(standard_name) = text("standard_name") {
        return match standard_name {
            "latitude" => Some(Axis::Y),
            "longitude" => Some(Axis::X),
            _ => None,
        };
    }
    match text("units") {
        Some(units) if axis_of_units(units).is_some() => {
            axis_of_units(units).filter(|axis| matches!(axis, Axis::X | Axis::Y))
        }
        Some(units) if !matches!(units, "degrees" | "degree" | "") => None,
        _ => match name.to_ascii_lowercase().as_str() {
            "lat" | "latitude" | "nav_lat" => Some(Axis::Y),
            "lon" | "longitude" | "nav_lon" => Some(Axis::X),
            _ => None,
        },
    }
}

fn axis_of_standard_name(name: &str) -> Option<Axis> {
    Some(match name {
        "latitude"
        | "grid_latitude"
        | "projection_y_coordinate"
        | "projection_y_angular_coordinate" => Axis::Y,
        "longitude"
        | "grid_longitude"
        | "projection_x_coordinate"
        | "projection_x_angular_coordinate" => Axis::X,
        "time" => Axis::T,
        "forecast_reference_time" | "forecast_period" => Axis::Other,
        "air_pressure"
        | "sea_water_pressure"
        | "height"
        | "depth"
        | "altitude"
        | "geopotential_height"
        | "height_above_geopotential_datum"
        | "height_above_reference_ellipsoid"
        | "height_above_mean_sea_level"
        | "model_level_number"
        | "atmosphere_ln_pressure_coordinate"
        | "atmosphere_sigma_coordinate"
        | "atmosphere_hybrid_sigma_pressure_coordinate"
        | "atmosphere_hybrid_height_coordinate"
        | "atmosphere_sleve_coordinate"
        | "ocean_sigma_coordinate"
        | "ocean_s_coordinate"
        | "ocean_s_coordinate_g1"
        | "ocean_s_coordinate_g2"
        | "ocean_sigma_z_coordinate"
        | "ocean_double_sigma_coordinate" => Axis::Z,
        _ => return None,
    })
}

fn axis_of_units(units: &str) -> Option<Axis> {
    match units {
        "degrees_north" | "degree_north" | "degrees_N" | "degree_N" | "degreesN" | "degreeN" => {
            Some(Axis::Y)
        }
        "degrees_east" | "degree_east" | "degrees_E" | "degree_E" | "degreesE" | "degreeE" => {
            Some(Axis::X)
        }
        _ if is_pressure(units) => Some(Axis::Z),
        _ => {
            let since = units.split_whitespace().nth(1);
            since
                .filter(|word| word.eq_ignore_ascii_case("since"))
                .map(|_| Axis::T)
        }
    }
}

fn is_pressure(units: &str) -> bool {
    matches!(
        units,
        "Pa" | "hPa"
            | "kPa"
            | "pascal"
            | "pascals"
            | "mbar"
            | "millibar"
            | "millibars"
            | "mb"
            | "bar"
            | "dbar"
            | "decibar"
            | "atm"
    )
}

fn axis_of_name(name: &str) -> Axis {
    match name.to_ascii_lowercase().as_str() {
        "lat" | "latitude" | "nav_lat" | "y" | "rlat" => Axis::Y,
        "lon" | "longitude" | "nav_lon" | "x" | "rlon" => Axis::X,
        "time" | "time_counter" => Axis::T,
        "lev" | "level" | "plev" | "depth" | "height" | "altitude" | "z" | "deptht" | "depthu"
        | "depthv" | "depthw" => Axis::Z,
        _ => Axis::Other,
    }
}

/// Minimum and maximum of the values, NaN skipped (numpy's `nanmin`/`nanmax`); `None` when
/// nothing is left. What a dimension's extent is.
#[must_use]
pub fn value_range(values: &[f64]) -> Option<[f64; 2]> {
    values
        .iter()
        .filter(|v| !v.is_nan())
        .fold(None, |range, &v| match range {
            None => Some([v, v]),
            Some([low, high]) => Some([low.min(v), high.max(v)]),
        })
}

/// Bounding box from latitude and longitude values: 1-D each, or 2-D curvilinear flattened in
/// storage order; NaN (masked) values are skipped. Coordinate values, not cell edges, bound the
/// box, as xarray shows them and as xstac computes STAC extents; `None` when either axis has
/// no value.
///
/// Latitudes: minimum and maximum, whatever their order. Longitudes (0–360, −180–180, mixed,
/// or unwrapped beyond) are brought into −180..180 (values beyond get ±360, exact in floating
/// point) and the box is the complement of the largest gap between them around the circle, so
/// `350..10` gives −10..10 and `170..190` gives `west = 170 > east = −170`. Longitudes cover the
/// globe (−180..180) when no gap reaches 1.5 steps, or with a known step when they span at least
/// 360° less 1.5 steps. The step is `lon_step` when the caller knows it (a regular 1-D axis),
/// otherwise the median distance between consecutive values as given (for a flattened 2-D grid,
/// mostly neighbours along a row).
#[must_use]
pub fn bounding_box(
    latitudes: &[f64],
    longitudes: &[f64],
    lon_step: Option<f64>,
) -> Option<BoundingBox> {
    let [south, north] = value_range(latitudes)?;
    let [west, east] = longitude_range(longitudes, lon_step)?;
    Some(BoundingBox {
        west,
        south,
        east,
        north,
    })
}

fn longitude_range(values: &[f64], lon_step: Option<f64>) -> Option<[f64; 2]> {
    let [low, high] = value_range(values)?;
    let known = lon_step
        .map(f64::abs)
        .filter(|step| step.is_finite() && *step > 0.0);
    if known.is_some_and(|step| high - low + 1.5 * step >= 360.0) {
        return Some([-180.0, 180.0]);
    }
    let mut sorted: Vec<f64> = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| normalise_longitude(v))
        .collect();
    sorted.sort_by(f64::total_cmp);
    let (&first, &last) = (sorted.first()?, sorted.last()?);
    // The gap across the antimeridian first, so a tie keeps the box from crossing it.
    let (mut gap, mut after) = (first + 360.0 - last, 0);
    for (i, pair) in sorted.windows(2).enumerate() {
        if pair[1] - pair[0] > gap {
            (gap, after) = (pair[1] - pair[0], i + 1);
        }
    }
    let step = known.or_else(|| typical_step(values));
    if step.is_some_and(|step| gap < 1.5 * step) {
        return Some([-180.0, 180.0]);
    }
    let (west, east) = match after {
        0 => (first, last),
        i => (sorted[i], sorted[i - 1]),
    };
    // ±180 are one meridian: write it so the box does not cross the antimeridian for nothing.
    let west = if west == 180.0 { -180.0 } else { west };
    let east = if east == -180.0 { 180.0 } else { east };
    Some([west, east])
}

/// Into −180..180 by whole turns; one turn is exact for |value| ≤ 540 (Sterbenz), so 350.1
/// becomes exactly the `f64` that numpy's `lon - 360` gives.
fn normalise_longitude(mut value: f64) -> f64 {
    while value > 180.0 {
        value -= 360.0;
    }
    while value < -180.0 {
        value += 360.0;
    }
    value
}

/// Median circular distance between consecutive distinct values, as given.
fn typical_step(values: &[f64]) -> Option<f64> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let mut steps: Vec<f64> = finite
        .windows(2)
        .map(|pair| (pair[1] - pair[0]).abs().rem_euclid(360.0))
        .map(|step| step.min(360.0 - step))
        .filter(|&step| step > 0.0)
        .collect();
    steps.sort_by(f64::total_cmp);
    steps.get(steps.len() / 2).copied()
}

/// A regular step of 1-D values: every consecutive difference equals the mean one within a
/// relative tolerance of 1e-6 or an absolute 1e-9 (or, when all values are `f32`, two `f32`
/// ulps of the largest value, since storing rounded each of them). The sign is kept
/// (descending latitudes give a negative step); `None` for fewer than 2 values, NaN, equal
/// values or irregular ones.
#[must_use]
pub fn regular_step(values: &[f64]) -> Option<f64> {
    let (&first, &last) = (values.first()?, values.last()?);
    if values.len() < 2 {
        return None;
    }
    let step = (last - first) / (values.len() - 1) as f64;
    if !step.is_finite() || step == 0.0 {
        return None;
    }
    let largest = values.iter().fold(0f64, |m, v| m.max(v.abs()));
    let single = values.iter().all(|&v| f64::from(v as f32) == v);
    let f32_ulp = if single {
        let largest = largest as f32;
        f64::from(largest.next_up() - largest)
    } else {
        0.0
    };
    let tolerance = (step.abs() * 1e-6).max(1e-9).max(2.0 * f32_ulp);
    values
        .windows(2)
        .all(|pair| (pair[1] - pair[0] - step).abs() <= tolerance)
        .then_some(step)
}

/// True when 1-D values are monotonic (never decreasing or never increasing) and NaN-free:
/// then their first and last values are their extremes, and only the first and last chunks
/// need reading. Fewer than 2 values are monotonic.
#[must_use]
pub fn is_monotonic(values: &[f64]) -> bool {
    !values.iter().any(|v| v.is_nan())
        && (values.windows(2).all(|pair| pair[0] <= pair[1])
            || values.windows(2).all(|pair| pair[0] >= pair[1]))
}

/// Temporal extent of a CF time coordinate from its values (NaN = masked, skipped) and its
/// `units` and `calendar` attributes (`standard` when absent, as CF says). `first_chunk` holds
/// the first chunk's values, from which the step is found (with [`cftime::regular_step`]);
/// `last_value` is the coordinate's last value when the chunk does not reach it. The extent
/// runs from the least to the greatest of all these values, which for a monotonic coordinate
/// are its ends; pass every value as `first_chunk` for an unsorted one. `Ok(None)` without a
/// `units` attribute or without any value.
///
/// # Errors
///
/// When `units` or `calendar` is not a string, the calendar is unknown, the units do not parse,
/// or the first or last time does not decode (a unit the calendar does not take, an
/// overflowing value, …); the message names the attribute value.
pub fn time_extent(
    first_chunk: &[f64],
    last_value: Option<f64>,
    attrs: &Attributes,
) -> Result<Option<TimeExtent>, String> {
    let Some(units_value) = attrs.get("units") else {
        return Ok(None);
    };
    let Some(units_text) = units_value.as_str() else {
        return Err(format!("time units {units_value} are not a string"));
    };
    let calendar = match attrs.get("calendar") {
        None => Calendar::Standard,
        Some(Value::String(name)) => {
            Calendar::parse(name.trim()).ok_or_else(|| format!("unknown calendar {name:?}"))?
        }
        Some(other) => return Err(format!("calendar {other} is not a string")),
    };
    let units = cftime::parse_units(units_text)
        .map_err(|error| format!("time units {units_text:?}: {error}"))?;
    let mut values = first_chunk.to_vec();
    values.extend(last_value);
    let Some([low, high]) = value_range(&values) else {
        return Ok(None);
    };
    let decode = |value: f64| {
        cftime::decode(value, &units, calendar)
            .map(|date| date.iso())
            .map_err(|error| {
                let calendar = calendar.name();
                format!("time value {value} in {units_text:?} ({calendar} calendar): {error}")
            })
    };
    Ok(Some(TimeExtent {
        start: decode(low)?,
        end: decode(high)?,
        calendar: calendar.name().to_owned(),
        units: units_text.to_owned(),
        step: cftime::regular_step(first_chunk, &units, calendar),
    }))
}

/// Vertical extent of dimension `dimension` from its coordinate values (minimum and maximum,
/// NaN skipped), with `units` and `positive` (lower-cased; `down` when absent and the units
/// are a pressure, as CF implies). `None` without any value.
#[must_use]
pub fn vertical_extent(
    dimension: &str,
    values: &[f64],
    attrs: &Attributes,
) -> Option<VerticalExtent> {
    let extent = value_range(values)?;
    let units = attrs
        .get("units")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let positive = match attrs.get("positive").and_then(Value::as_str) {
        Some(positive) => Some(positive.trim().to_ascii_lowercase()),
        None => units
            .as_deref()
            .filter(|u| is_pressure(u))
            .map(|_| "down".to_owned()),
    };
    Some(VerticalExtent {
        dimension: dimension.to_owned(),
        extent,
        units,
        positive,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn attrs(value: Value) -> Attributes {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    /// NaN-aware equality of unpacked values (exact, as xarray prints them).
    fn same(actual: &[f64], expected: &[f64]) -> bool {
        actual.len() == expected.len()
            && actual
                .iter()
                .zip(expected)
                .all(|(a, e)| a == e || (a.is_nan() && e.is_nan()))
    }

    fn bbox(west: f64, south: f64, east: f64, north: f64) -> Option<BoundingBox> {
        Some(BoundingBox {
            west,
            south,
            east,
            north,
        })
    }

    /// `count` values from `start`, `step` apart.
    fn grid(start: f64, step: f64, count: usize) -> Vec<f64> {
        (0..count).map(|i| start + step * i as f64).collect()
    }

    // Expected values below were printed by xarray 2026.9 (zarr 3.1.6) for stores written with
    // these attributes.
    const PACKED: [f64; 6] = [-32767.0, -32768.0, 0.0, 100.0, 32767.0, 5.0];

    fn packed_attrs() -> Attributes {
        attrs(json!({
            "scale_factor": 0.01, "add_offset": 273.15,
            "missing_value": [-32768, 32767], "valid_range": [0, 50]
        }))
    }

    #[test]
    fn int16_packing_masks_fill_and_missing_values_and_ignores_valid_range() {
        let v2 = Packing::from_attributes(&packed_attrs(), &json!(-32767), "<i2", 2);
        assert_eq!((v2.scale_factor, v2.add_offset), (0.01, 273.15));
        assert_eq!(v2.fill, [-32768.0, 32767.0, -32767.0]);
        assert_eq!((v2.valid_min, v2.valid_max), (Some(0.0), Some(50.0)));
        let expected = [f64::NAN, f64::NAN, 273.15, 274.15, f64::NAN, 273.2];
        assert!(same(&v2.unpack(&PACKED), &expected));
        // In v3 the array's fill_value is not a mask.
        let v3 = Packing::from_attributes(&packed_attrs(), &json!(-32767), "int16", 3);
        let expected = [
            -54.52000000000004,
            f64::NAN,
            273.15,
            274.15,
            f64::NAN,
            273.2,
        ];
        assert!(same(&v3.unpack(&PACKED), &expected));
    }

    #[test]
    fn valid_min_and_max_override_valid_range() {
        let packing = Packing::from_attributes(
            &attrs(json!({"valid_range": [-5, 5], "valid_max": 3})),
            &Value::Null,
            "<f8",
            2,
        );
        assert_eq!(
            (packing.valid_min, packing.valid_max),
            (Some(-5.0), Some(3.0))
        );
        assert!(packing.fill.is_empty());
        assert_eq!(packing.unpack(&[-9.0, 9.0]), [-9.0, 9.0]);
    }

    #[test]
    fn unsigned_integers_are_reread_before_masking() {
        let unsigned = attrs(json!({"_Unsigned": "true", "_FillValue": -1}));
        let raw = [-1.0, -2.0, 0.0, 5.0];
        // v2: the array fill_value (0) replaces the attribute.
        let v2 = Packing::from_attributes(&unsigned, &json!(0), "|i1", 2);
        assert!(same(&v2.unpack(&raw), &[255.0, 254.0, f64::NAN, 5.0]));
        // v3: the attribute -1 is reread as 255 too.
        let v3 = Packing::from_attributes(&unsigned, &json!(0), "int8", 3);
        assert_eq!(v3.fill, [255.0]);
        assert!(same(&v3.unpack(&raw), &[f64::NAN, 254.0, 0.0, 5.0]));
        let signed = attrs(json!({"_Unsigned": "false"}));
        let packing = Packing::from_attributes(&signed, &Value::Null, "<u2", 2);
        assert_eq!(
            packing.unpack(&[65535.0, 32768.0, 32767.0]),
            [-1.0, -32768.0, 32767.0]
        );
        // Not a string "true": ignored, as xarray compares with the string.
        let boolean = attrs(json!({"_Unsigned": true}));
        let packing = Packing::from_attributes(&boolean, &Value::Null, "<i1", 2);
        assert_eq!(packing.unpack(&[-1.0]), [-1.0]);
    }

    #[test]
    fn float32_fill_values_compare_as_numpy_does() {
        let stored = f64::from(-99.9_f32);
        // soi-darwin: `<f4` with fill_value -99.9000015258789 (v2).
        let soi = Packing::from_attributes(&Attributes::new(), &json!(-99.9000015258789), "<f4", 2);
        assert!(soi.unpack(&[stored, 1.5])[0].is_nan());
        // A v2 fill_value is cast to the array type first, so -99.9 masks the f32 value too …
        let cast = Packing::from_attributes(&Attributes::new(), &json!(-99.9), "<f4", 2);
        assert_eq!(cast.fill, [stored]);
        // … but a missing_value attribute is compared as f64 and masks nothing.
        let missing = attrs(json!({"missing_value": -99.9}));
        let attribute = Packing::from_attributes(&missing, &json!(0.0), "<f4", 2);
        assert!(same(
            &attribute.unpack(&[stored, 0.0, 1.0]),
            &[stored, f64::NAN, 1.0]
        ));
    }

    #[test]
    fn special_float_fill_values() {
        let none = Attributes::new();
        assert!(
            Packing::from_attributes(&none, &json!("NaN"), "<f8", 2)
                .fill
                .is_empty()
        );
        let infinite = Packing::from_attributes(&none, &json!("-Infinity"), "<f8", 2);
        assert!(infinite.unpack(&[f64::NEG_INFINITY])[0].is_nan());
        // A null v2 fill_value leaves a `_FillValue` attribute in charge.
        let attribute = attrs(json!({"_FillValue": 1e20}));
        assert_eq!(
            Packing::from_attributes(&attribute, &Value::Null, "<f8", 2).fill,
            [1e20]
        );
        // v3 ints: the array's default fill_value 0 (forecast_period) masks nothing.
        let period = Packing::from_attributes(&none, &json!(0), "int32", 3);
        assert_eq!(period.unpack(&[0.0, 6.0]), [0.0, 6.0]);
        let int_fill = attrs(json!({"_FillValue": -999}));
        assert_eq!(
            Packing::from_attributes(&int_fill, &json!(0), "int32", 3).fill,
            [-999.0]
        );
    }

    #[test]
    fn v3_fill_values_are_base64_little_endian_f64() {
        let fill = |text: &str| {
            let attributes = attrs(json!({ "_FillValue": text }));
            Packing::from_attributes(&attributes, &json!("NaN"), "float32", 3).fill
        };
        // ostia-monthly-v3 surface_temperature: the f32 1e20, widened.
        assert_eq!(fill("AAAAgB2vFUQ="), [1.0000000200408773e20]);
        assert_eq!(fill("AAAAgB2vFUQ="), [f64::from(1e20_f32)]);
        // orca2-votemper: netCDF's default float fill.
        assert_eq!(fill("AAAAAAAAnkc="), [9.969209968386869e36]);
        assert!(fill("AAAAAAAA+H8=").is_empty(), "NaN is not a mask value");
        assert_eq!(fill("QIy1eB2vFUQ="), [1e20]);
        assert_eq!(fill("mpmZmZn5WMA="), [-99.9]);
        assert_eq!(
            fill("7HitYA=="),
            [f64::from(1e20_f32)],
            "4 bytes read as f32"
        );
        assert!(fill("not base64!").is_empty());
        // The exact f64 is compared: the f64 1e20 does not mask the f32 1e20 (as in xarray).
        let sst = f64::from(1e20_f32);
        let exact = attrs(json!({"_FillValue": "QIy1eB2vFUQ="}));
        let packing = Packing::from_attributes(&exact, &json!(0.0), "float32", 3);
        assert_eq!(packing.unpack(&[sst, 0.0]), [sst, 0.0]);
        let widened = attrs(json!({"_FillValue": "AAAAgB2vFUQ="}));
        let packing = Packing::from_attributes(&widened, &json!(0.0), "float32", 3);
        assert!(same(&packing.unpack(&[sst, 0.0]), &[f64::NAN, 0.0]));
    }

    #[test]
    fn missing_value_lists_and_scalars() {
        let list = attrs(json!({"missing_value": [-999.0, "NaN", -9999]}));
        assert_eq!(
            Packing::from_attributes(&list, &Value::Null, "<f8", 2).fill,
            [-999.0, -9999.0]
        );
        let both = attrs(json!({"missing_value": -1, "scale_factor": [2.0]}));
        let packing = Packing::from_attributes(&both, &json!(-2), "<i4", 2);
        assert!(same(
            &packing.unpack(&[-1.0, -2.0, 3.0]),
            &[f64::NAN, f64::NAN, 6.0]
        ));
    }

    #[test]
    fn base64_decodes_standard_alphabet() {
        assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
        assert_eq!(base64_decode("TWFu").as_deref(), Some(&b"Man"[..]));
        assert_eq!(base64_decode("TWE=").as_deref(), Some(&b"Ma"[..]));
        assert_eq!(base64_decode("TQ==").as_deref(), Some(&b"M"[..]));
        assert_eq!(base64_decode("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64_decode("T-E="), None);
    }

    #[test]
    fn axes_of_the_demo_stores_coordinates() {
        // [name, attributes, axis] as the stores under content/data write them.
        let cases = json!([
            // cmip6 (all three models)
            ["lat", {"axis": "Y", "bounds": "lat_bnds", "units": "degrees_north",
                "standard_name": "latitude", "long_name": "latitude"}, "y"],
            ["lon", {"axis": "X", "bounds": "lon_bnds", "units": "degrees_east",
                "standard_name": "longitude", "long_name": "Longitude"}, "x"],
            ["plev", {"axis": "Z", "units": "Pa", "standard_name": "air_pressure",
                "long_name": "pressure", "positive": "down"}, "z"],
            ["time", {"axis": "T", "bounds": "time_bnds", "standard_name": "time",
                "units": "days since 0001-01-01", "calendar": "365_day"}, "t"],
            // rotated-pole and hybrid-height
            ["grid_latitude", {"axis": "Y", "units": "degrees",
                "standard_name": "grid_latitude"}, "y"],
            ["grid_longitude", {"units": "degrees", "standard_name": "grid_longitude"}, "x"],
            ["level_height", {"bounds": "level_height_bnds", "axis": "Z", "units": "m",
                "standard_name": "atmosphere_hybrid_height_coordinate", "positive": "up"}, "z"],
            ["level_height", {"units": "m",
                "standard_name": "atmosphere_hybrid_height_coordinate"}, "z"],
            ["model_level_number", {"axis": "Z", "units": "1",
                "standard_name": "model_level_number", "positive": "up"}, "z"],
            ["sigma", {"bounds": "sigma_bnds", "units": "1", "long_name": "sigma"}, "other"],
            ["forecast_reference_time", {"standard_name": "forecast_reference_time",
                "units": "hours since 1970-01-01", "calendar": "gregorian"}, "other"],
            ["forecast_period", {"units": "hours", "standard_name": "forecast_period"}, "other"],
            ["height", {"units": "m", "standard_name": "height", "positive": "up"}, "z"],
            // nemo-orca2 (its dimensions dim0/dim1 have no coordinate variable)
            ["nav_lat", {"bounds": "nav_lat_bnds", "units": "degrees",
                "standard_name": "latitude", "long_name": "Latitude"}, "y"],
            ["nav_lon", {"bounds": "nav_lon_bnds", "units": "degrees",
                "standard_name": "longitude", "long_name": "Longitude"}, "x"],
            ["dim0", {}, "other"],
            ["deptht", {"bounds": "deptht_bnds", "units": "m", "standard_name": "depth",
                "long_name": "Vertical T levels", "positive": "down"}, "z"],
            ["time_counter", {"standard_name": "time", "long_name": "Time axis",
                "units": "seconds since 0001-01-01", "calendar": "360_day"}, "t"],
            // toa-brightness-stereographic
            ["x", {"axis": "X", "units": "m", "standard_name": "projection_x_coordinate"}, "x"],
            ["y", {"units": "m", "standard_name": "projection_y_coordinate"}, "y"],
            ["lat", {"units": "degrees_north", "standard_name": "latitude"}, "y"],
            // soi-darwin
            ["time", {"axis": "T", "standard_name": "time", "units": "days since 1800-01-01",
                "calendar": "gregorian"}, "t"]
        ]);
        for case in cases.as_array().expect("a list") {
            let (name, attributes) = (case[0].as_str().expect("a name"), attrs(case[1].clone()));
            let expected: Axis = serde_json::from_value(case[2].clone()).expect("an axis");
            assert_eq!(axis_of(name, &attributes), expected, "{case}");
        }
    }

    #[test]
    fn axis_falls_back_from_attributes_to_units_positive_and_name() {
        let axis = |name: &str, attributes: Value| axis_of(name, &attrs(attributes));
        assert_eq!(axis("a", json!({"axis": "t"})), Axis::T);
        assert_eq!(
            axis("lat", json!({"axis": "Q"})),
            Axis::Y,
            "unknown axis letters skipped"
        );
        assert_eq!(
            axis("lon", json!({"axis": "Y"})),
            Axis::Y,
            "axis beats the name"
        );
        assert_eq!(
            axis(
                "a",
                json!({"standard_name": "air_temperature", "units": "K"})
            ),
            Axis::Other
        );
        assert_eq!(axis("a", json!({"units": "degrees_N"})), Axis::Y);
        assert_eq!(axis("a", json!({"units": "degreeE"})), Axis::X);
        assert_eq!(axis("a", json!({"units": "hPa"})), Axis::Z);
        assert_eq!(
            axis("a", json!({"units": "Days Since 2000-01-01"})),
            Axis::T
        );
        assert_eq!(axis("a", json!({"units": "days"})), Axis::Other);
        assert_eq!(axis("a", json!({"positive": "DOWN"})), Axis::Z);
        assert_eq!(axis("a", json!({"positive": "sideways"})), Axis::Other);
        for (name, expected) in [
            ("latitude", Axis::Y),
            ("NAV_LAT", Axis::Y),
            ("y", Axis::Y),
            ("Longitude", Axis::X),
            ("x", Axis::X),
            ("time", Axis::T),
            ("lev", Axis::Z),
            ("level", Axis::Z),
            ("plev", Axis::Z),
            ("depth", Axis::Z),
            ("height", Axis::Z),
            ("member", Axis::Other),
            ("bnds", Axis::Other),
        ] {
            assert_eq!(axis(name, json!({})), expected, "{name}");
        }
    }

    #[test]
    fn geographic_axes_exclude_rotated_and_projected_coordinates() {
        let geo = |name: &str, attributes: Value| geographic_axis(name, &attrs(attributes));
        assert_eq!(
            geo(
                "nav_lat",
                json!({"units": "degrees", "standard_name": "latitude"})
            ),
            Some(Axis::Y)
        );
        assert_eq!(geo("lon", json!({"units": "degrees_east"})), Some(Axis::X));
        assert_eq!(geo("lon", json!({})), Some(Axis::X));
        assert_eq!(geo("latitude", json!({"units": "degrees"})), Some(Axis::Y));
        assert_eq!(
            geo(
                "grid_latitude",
                json!({"axis": "Y", "units": "degrees",
            "standard_name": "grid_latitude"})
            ),
            None
        );
        assert_eq!(
            geo(
                "x",
                json!({"axis": "X", "units": "m",
            "standard_name": "projection_x_coordinate"})
            ),
            None
        );
        assert_eq!(geo("lat", json!({"units": "m"})), None);
        assert_eq!(geo("time", json!({"units": "days since 2000-01-01"})), None);
        assert_eq!(geo("rlat", json!({"units": "degrees"})), None);
    }

    #[test]
    fn global_0_360_grid_is_the_whole_globe() {
        let lons = grid(0.0, 1.875, 192); // 0 … 358.125
        let lats = grid(-89.0625, 1.875, 96);
        let expected = bbox(-180.0, -89.0625, 180.0, 89.0625);
        assert_eq!(bounding_box(&lats, &lons, Some(1.875)), expected);
        assert_eq!(bounding_box(&lats, &lons, None), expected);
        // Only the ends read (monotonic shortcut) still spans the globe with a known step.
        assert_eq!(bounding_box(&lats, &[0.0, 358.125], Some(1.875)), expected);
        // One column short is not global: the box is the complement of the gap.
        let short = &lons[..191];
        assert_eq!(
            bounding_box(&lats, short, Some(1.875)),
            bbox(0.0, -89.0625, -3.75, 89.0625)
        );
    }

    #[test]
    fn global_minus_180_180_grid_is_the_whole_globe() {
        let lons = grid(-180.0, 1.25, 288); // -180 … 178.75
        assert_eq!(
            bounding_box(&[0.0], &lons, Some(1.25)),
            bbox(-180.0, 0.0, 180.0, 0.0)
        );
        assert_eq!(
            bounding_box(&[0.0], &lons, None),
            bbox(-180.0, 0.0, 180.0, 0.0)
        );
        let closed = grid(-180.0, 1.25, 289); // … 180, a duplicate meridian
        assert_eq!(
            bounding_box(&[0.0], &closed, None),
            bbox(-180.0, 0.0, 180.0, 0.0)
        );
    }

    #[test]
    fn ostia_float32_grid_is_global() {
        let lons: Vec<f64> = (0..216u16)
            .map(|i| f64::from(f32::from(i) * (360.0_f32 / 216.0)))
            .collect();
        assert_eq!(
            (lons[1], lons[108], lons[215]),
            (1.6666666269302368, 180.0, 358.33331298828125)
        );
        let step = regular_step(&lons);
        assert!(step.is_some());
        let lats = [-4.999992370605469, 4.444450378417969];
        let expected = bbox(-180.0, -4.999992370605469, 180.0, 4.444450378417969);
        assert_eq!(bounding_box(&lats, &lons, step), expected);
        assert_eq!(bounding_box(&lats, &lons, None), expected);
    }

    #[test]
    fn regional_box_across_greenwich() {
        let mut lons = grid(350.0, 2.5, 4); // 350 … 357.5
        lons.extend(grid(0.0, 2.5, 5)); // 0 … 10
        assert_eq!(
            bounding_box(&[1.0, 2.0], &lons, None),
            bbox(-10.0, 1.0, 10.0, 2.0)
        );
        let unwrapped = grid(350.0, 2.5, 9); // 350 … 370
        let step = regular_step(&unwrapped);
        assert_eq!(step, Some(2.5));
        assert_eq!(
            bounding_box(&[1.0, 2.0], &unwrapped, step),
            bbox(-10.0, 1.0, 10.0, 2.0)
        );
        let signed = grid(-10.0, 2.5, 9);
        assert_eq!(
            bounding_box(&[1.0, 2.0], &signed, Some(2.5)),
            bbox(-10.0, 1.0, 10.0, 2.0)
        );
    }

    #[test]
    fn regional_box_across_the_antimeridian_has_west_greater_than_east() {
        let lons = grid(170.0, 2.0, 11); // 170 … 190
        let expected = bbox(170.0, -5.0, -170.0, 5.0);
        assert_eq!(bounding_box(&[-5.0, 5.0], &lons, Some(2.0)), expected);
        let mut wrapped = grid(170.0, 2.0, 6); // 170 … 180
        wrapped.extend(grid(-178.0, 2.0, 5)); // -178 … -170
        assert_eq!(bounding_box(&[-5.0, 5.0], &wrapped, None), expected);
        // Touching the antimeridian from either side does not cross it.
        let east = grid(100.0, 10.0, 9); // 100 … 180
        assert_eq!(
            bounding_box(&[0.0], &east, None),
            bbox(100.0, 0.0, 180.0, 0.0)
        );
        let west = grid(180.0, 10.0, 3); // 180 … 200
        assert_eq!(
            bounding_box(&[0.0], &west, None),
            bbox(-180.0, 0.0, -160.0, 0.0)
        );
    }

    #[test]
    fn hadgem_north_america_and_descending_latitudes() {
        let lons = grid(225.0, 1.875, 49); // 225 … 315, as f32 in the store
        let mut lats = grid(15.0, 1.25, 37);
        lats.reverse();
        assert_eq!(regular_step(&lats), Some(-1.25));
        assert_eq!(
            bounding_box(&lats, &lons, Some(1.875)),
            bbox(-135.0, 15.0, -45.0, 60.0)
        );
    }

    #[test]
    fn cmip6_polar_patches_are_small_boxes() {
        let taiesm1 = [88.11518324607329, 89.05759162303664, 90.0];
        assert_eq!(
            bounding_box(&taiesm1, &[0.0, 1.25], regular_step(&[0.0, 1.25])),
            bbox(0.0, 88.11518324607329, 1.25, 90.0)
        );
        let awi = [88.35700351866494, 89.28422753251365];
        assert_eq!(
            bounding_box(&awi, &[0.0, 0.9375, 1.875], None),
            bbox(0.0, 88.35700351866494, 1.875, 89.28422753251365)
        );
    }

    /// An ORCA-like tripolar grid, flattened row by row: longitudes start at 73°E and run past
    /// 360 (unwrapped), rows shift eastwards, the first column repeats the last, and land is
    /// masked.
    #[test]
    fn curvilinear_orca_like_grid_is_global() {
        let (rows, columns) = (12_u32, 91_u32);
        let mut lons = Vec::new();
        let mut lats = Vec::new();
        for j in 0..rows {
            for i in 0..columns {
                let i = i % 90;
                lons.push(73.0 + 4.0 * f64::from(i) + 0.7 * f64::from(j));
                lats.push(-78.0 + 14.0 * f64::from(j) + 0.01 * f64::from(i));
            }
        }
        for masked in [5, 6, 7, 400, 401] {
            lons[masked] = f64::NAN;
            lats[masked] = f64::NAN;
        }
        let box_ = bounding_box(&lats, &lons, None).expect("a box");
        assert_eq!((box_.west, box_.east), (-180.0, 180.0));
        assert_eq!(box_.south, -78.0);
        assert_eq!(box_.north, -78.0 + 14.0 * 11.0 + 0.01 * 89.0);
        // Half of it (90° of columns wide) is a region.
        let part: Vec<f64> = lons
            .chunks(columns as usize)
            .flat_map(|row| row[..23].to_vec())
            .collect();
        let half = bounding_box(&[0.0], &part, None).expect("a box");
        assert_eq!((half.west, half.east), (73.0, 73.0 + 88.0 + 0.7 * 11.0));
    }

    #[test]
    fn polar_cap_covers_every_longitude() {
        let mut lons = Vec::new();
        let mut lats = Vec::new();
        for ring in 0..5 {
            for k in 0..36 {
                lons.push(-180.0 + 10.0 * f64::from(k) + f64::from(ring));
                lats.push(80.0 + 2.0 * f64::from(ring));
            }
        }
        assert_eq!(
            bounding_box(&lats, &lons, None),
            bbox(-180.0, 80.0, 180.0, 88.0)
        );
    }

    #[test]
    fn stereographic_region_is_a_plain_box() {
        // First and last values of toa-brightness rows: a regional 2-D grid.
        let lons = [
            -101.72200012207031,
            -101.05772399902344,
            -100.35684204101562,
            46.7020149230957,
            10.29924201965332,
            10.602853775024414,
        ];
        let lats = [67.96099853515625, 81.19815063476562, 17.109384536743164];
        assert_eq!(
            bounding_box(&lats, &lons, None),
            bbox(
                -101.72200012207031,
                17.109384536743164,
                46.7020149230957,
                81.19815063476562
            )
        );
    }

    #[test]
    fn degenerate_boxes() {
        assert_eq!(
            bounding_box(&[10.0], &[200.0], None),
            bbox(-160.0, 10.0, -160.0, 10.0)
        );
        assert_eq!(bounding_box(&[], &[1.0], None), None);
        assert_eq!(bounding_box(&[1.0], &[], None), None);
        assert_eq!(bounding_box(&[f64::NAN], &[1.0], None), None);
        assert_eq!(bounding_box(&[1.0], &[f64::NAN], None), None);
        assert_eq!(bounding_box(&[1.0], &[f64::INFINITY], None), None);
        assert_eq!(normalise_longitude(-190.0), 170.0);
        assert_eq!(normalise_longitude(720.5), 0.5);
        assert_eq!(normalise_longitude(350.1), 350.1 - 360.0);
    }

    #[test]
    fn value_range_skips_nan() {
        assert_eq!(value_range(&[3.0, f64::NAN, -1.0, 2.0]), Some([-1.0, 3.0]));
        assert_eq!(value_range(&[f64::NAN]), None);
        assert_eq!(value_range(&[]), None);
    }

    #[test]
    fn regular_steps() {
        assert_eq!(regular_step(&grid(0.0, 1.875, 192)), Some(1.875));
        assert_eq!(regular_step(&[90.0, 45.0, 0.0, -45.0, -90.0]), Some(-45.0));
        let tenths: Vec<f64> = (0..100).map(|i| f64::from(i) / 10.0).collect();
        assert_eq!(regular_step(&tenths), Some(9.9 / 99.0));
        assert_eq!(regular_step(&[1.0, 2.0, 4.0]), None);
        assert_eq!(regular_step(&[1.0, 2.0 + 1e-5, 3.0]), None);
        assert!(regular_step(&[1.0, 2.0 + 1e-7, 3.0]).is_some());
        assert_eq!(regular_step(&[1.0]), None);
        assert_eq!(regular_step(&[]), None);
        assert_eq!(regular_step(&[1.0, 1.0, 1.0]), None);
        assert_eq!(regular_step(&[1.0, f64::NAN, 3.0]), None);
        // hybrid-height's float32 level heights are not evenly spaced.
        let level_height = [5.0, 21.666664123535156, 45.0, 75.0, 111.66667938232422];
        assert_eq!(regular_step(&level_height), None);
        // The f32 tolerance does not hide a real irregularity.
        let mut lons: Vec<f64> = (0..216u16)
            .map(|i| f64::from(f32::from(i) * (360.0_f32 / 216.0)))
            .collect();
        lons[100] += 0.01;
        assert_eq!(regular_step(&lons), None);
    }

    #[test]
    fn monotonic_values() {
        assert!(is_monotonic(&[1.0, 2.0, 2.0, 3.0]));
        assert!(is_monotonic(&[3.0, 2.0, -1.0]));
        assert!(is_monotonic(&[5.0]));
        assert!(is_monotonic(&[]));
        assert!(!is_monotonic(&[1.0, 3.0, 2.0]));
        assert!(!is_monotonic(&[1.0, f64::NAN, 2.0]));
        assert!(!is_monotonic(&[f64::NAN]));
    }

    fn time_attrs(units: &str, calendar: Option<&str>) -> Attributes {
        let mut map = attrs(json!({"standard_name": "time", "units": units}));
        if let Some(calendar) = calendar {
            map.insert("calendar".into(), json!(calendar));
        }
        map
    }

    fn extent(
        start: &str,
        end: &str,
        calendar: &str,
        units: &str,
        step: Option<&str>,
    ) -> TimeExtent {
        TimeExtent {
            start: start.into(),
            end: end.into(),
            calendar: calendar.into(),
            units: units.into(),
            step: step.map(Into::into),
        }
    }

    #[test]
    fn monthly_noleap_time_extent() {
        // taiesm1: the first 12 of 780 mid-month values and the last one.
        let chunk = [
            711400.5, 711430.0, 711459.5, 711490.0, 711520.5, 711551.0, 711581.5, 711612.5,
            711643.0, 711673.5, 711704.0, 711734.5,
        ];
        let units = "days since 0001-01-01";
        let got = time_extent(&chunk, Some(735094.5), &time_attrs(units, Some("365_day")));
        let expected = extent(
            "1950-01-16T12:00:00",
            "2014-12-16T12:00:00",
            "noleap",
            units,
            Some("P1M"),
        );
        assert_eq!(got, Ok(Some(expected)));
    }

    #[test]
    fn decadal_360_day_time_extent() {
        // hadgem2-ao: every 10th annual mean, stamped on 1 June.
        let chunk = grid(-946800.0, 86400.0, 12);
        let units = "hours since 1970-01-01";
        let got = time_extent(&chunk, Some(1040400.0), &time_attrs(units, Some("360_day")));
        let expected = extent(
            "1860-06-01T00:00:00",
            "2090-06-01T00:00:00",
            "360_day",
            units,
            Some("P10Y"),
        );
        assert_eq!(got, Ok(Some(expected)));
    }

    #[test]
    fn monthly_standard_time_extents() {
        // ostia: the whole coordinate in one chunk.
        let chunk = [
            324708.0, 325416.0, 326124.0, 326856.0, 327588.0, 328320.0, 329052.0, 329796.0,
            330528.0, 331260.0, 331992.0, 332724.0,
        ];
        let units = "hours since 1970-01-01";
        let got = time_extent(&chunk, None, &time_attrs(units, Some("gregorian")));
        let expected = extent(
            "2007-01-16T12:00:00",
            "2007-12-16T12:00:00",
            "standard",
            units,
            Some("P1M"),
        );
        assert_eq!(got, Ok(Some(expected)));
        // soi-darwin: int64 days on the first of each month; no calendar means standard.
        let chunk = [24106.0, 24137.0, 24165.0, 24196.0, 24226.0, 24257.0];
        let units = "days since 1800-01-01";
        let got = time_extent(&chunk, Some(78131.0), &time_attrs(units, None));
        let expected = extent(
            "1866-01-01T00:00:00",
            "2013-12-01T00:00:00",
            "standard",
            units,
            Some("P1M"),
        );
        assert_eq!(got, Ok(Some(expected)));
        // awi-cm-1-1-mr: proleptic_gregorian.
        let chunk = [36539.5, 36569.0, 36598.5];
        let units = "days since 1850-01-01";
        let attributes = time_attrs(units, Some("proleptic_gregorian"));
        let got =
            time_extent(&chunk, Some(60249.5), &attributes).map(|e| e.map(|e| (e.start, e.end)));
        assert_eq!(
            got,
            Ok(Some((
                "1950-01-16T12:00:00".into(),
                "2014-12-16T12:00:00".into()
            )))
        );
    }

    #[test]
    fn scalar_unsorted_and_masked_times() {
        // orca2 time_counter, a scalar placeholder.
        let units = "seconds since 0001-01-01";
        let got = time_extent(&[43200.0], None, &time_attrs(units, Some("360_day")));
        let expected = extent(
            "0001-01-01T12:00:00",
            "0001-01-01T12:00:00",
            "360_day",
            units,
            None,
        );
        assert_eq!(got, Ok(Some(expected)));
        let units = "days since 2000-01-01";
        let attributes = time_attrs(units, Some("noleap"));
        let got = time_extent(&[5.0, f64::NAN, 1.0, 3.0], None, &attributes);
        let expected = extent(
            "2000-01-02T00:00:00",
            "2000-01-06T00:00:00",
            "noleap",
            units,
            None,
        );
        assert_eq!(got, Ok(Some(expected)));
        // Descending, with the last value beyond the chunk.
        let got = time_extent(&[10.0, 9.0, 8.0], Some(0.0), &attributes);
        let ends = got.map(|e| e.map(|e| (e.start, e.end, e.step)));
        assert_eq!(
            ends,
            Ok(Some((
                "2000-01-01T00:00:00".into(),
                "2000-01-11T00:00:00".into(),
                None
            )))
        );
        assert_eq!(time_extent(&[f64::NAN], None, &attributes), Ok(None));
        assert_eq!(time_extent(&[], None, &attributes), Ok(None));
        assert_eq!(time_extent(&[1.0], None, &Attributes::new()), Ok(None));
    }

    #[test]
    fn time_extent_errors_name_the_attribute_value() {
        let error = |attributes: Attributes| {
            time_extent(&[1.0, 2.0], None, &attributes).expect_err("an error")
        };
        let message = error(time_attrs("days since 2000-01-01", Some("lunar")));
        assert!(message.contains("\"lunar\""), "{message}");
        let message = error(time_attrs("days after 2000-01-01", None));
        assert!(message.contains("\"days after 2000-01-01\""), "{message}");
        let message = error(time_attrs("fortnights since 2000-01-01", None));
        assert!(message.contains("fortnights"), "{message}");
        let message = error(time_attrs("months since 2000-01-01", Some("standard")));
        assert!(message.contains("months since 2000-01-01"), "{message}");
        let message = error(attrs(json!({"units": 5})));
        assert!(message.contains('5'), "{message}");
        let message = error(attrs(
            json!({"units": "days since 2000-01-01", "calendar": 360}),
        ));
        assert!(message.contains("360"), "{message}");
        // months do decode in 360_day.
        let attributes = time_attrs("months since 2000-01-01", Some("360_day"));
        assert!(time_extent(&[1.0, 2.0], None, &attributes).is_ok());
    }

    #[test]
    fn vertical_extents() {
        let plev = attrs(
            json!({"axis": "Z", "units": "Pa", "standard_name": "air_pressure",
            "positive": "down"}),
        );
        let expected = VerticalExtent {
            dimension: "plev".into(),
            extent: [92500.0, 100000.0],
            units: Some("Pa".into()),
            positive: Some("down".into()),
        };
        assert_eq!(
            vertical_extent("plev", &[100000.0, 92500.0], &plev),
            Some(expected)
        );
        // hybrid-height: level_height on dimension model_level_number.
        let level_height = attrs(json!({"axis": "Z", "units": "m", "positive": "UP"}));
        let got = vertical_extent("model_level_number", &[5.0, f64::NAN, 845.0], &level_height)
            .expect("an extent");
        assert_eq!(
            (got.extent, got.positive.as_deref()),
            ([5.0, 845.0], Some("up"))
        );
        let hpa = attrs(json!({"units": "hPa"}));
        let got = vertical_extent("lev", &[850.0], &hpa).expect("an extent");
        assert_eq!(
            got.positive.as_deref(),
            Some("down"),
            "pressure implies down"
        );
        let got = vertical_extent("lev", &[1.0], &Attributes::new()).expect("an extent");
        assert_eq!((got.units, got.positive), (None, None));
        assert_eq!(vertical_extent("lev", &[f64::NAN], &hpa), None);
    }
}
