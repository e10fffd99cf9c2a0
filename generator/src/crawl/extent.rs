//! Extents from decoded coordinate values, for the crawl stage: the CF axis of a coordinate,
//! and the bounding box, vertical and temporal extents of a store. Pure functions: the caller
//! reads the arrays (values unpacked by `crawl::packing`), these say what the values mean.
//!
//! What is right is what `xr.open_zarr` (2026.9, zarr-python 3) reports for the same store:
//!
//! - Extents are the minimum and maximum of the coordinate values, not of the cell edges (as
//!   xarray shows them and as xstac computes STAC extents); masked values (NaN) are skipped.
//! - Longitudes are brought into −180..180 with at most one exact ±360 per wrap; a box that
//!   covers every longitude is −180..180, one across the antimeridian has `west > east`.

use almanac_model::{Axis, BoundingBox, TimeExtent, VerticalExtent};
use serde_json::{Map, Value};

use super::cftime::{self, Calendar};

type Attributes = Map<String, Value>;

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
mod tests;
