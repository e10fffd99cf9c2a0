//! The datacube extension from crawled facts: `cube:dimensions` (spatial x/y/z, temporal, and
//! the rest) and `cube:variables` (data variables and auxiliary coordinates) of a store's root
//! group. Times in a calendar that ISO 8601 cannot express (360_day, noleap, …) are an
//! additional dimension of type `temporal` with numeric extent in the CF units, as the
//! extension requires.

use almanac_model::{ArrayFacts, Axis, DimensionFacts, StoreFacts, Value as Field, VariableRole};
use serde_json::{Map, Value, json};

use super::{crs, time};

/// `cube:dimensions` and `cube:variables` of `facts`, inserted into `object`.
pub fn insert(object: &mut Map<String, Value>, facts: &StoreFacts) {
    object.insert("cube:dimensions".into(), Value::Object(dimensions(facts)));
    object.insert("cube:variables".into(), Value::Object(variables(facts)));
}

/// One Dimension Object per dimension of the root group, by name.
pub fn dimensions(facts: &StoreFacts) -> Map<String, Value> {
    let time_dimension = facts
        .dimensions
        .iter()
        .filter(|d| d.axis == Axis::T)
        .map(|d| d.name.as_str())
        .next();
    facts
        .dimensions
        .iter()
        .map(|dimension| {
            let object = match dimension.axis {
                Axis::X | Axis::Y => horizontal(dimension, facts),
                Axis::Z => vertical(dimension, facts),
                Axis::T if Some(dimension.name.as_str()) == time_dimension => {
                    temporal(dimension, facts)
                }
                Axis::T | Axis::Other => additional(dimension, "other"),
            };
            (dimension.name.clone(), object)
        })
        .collect()
}

fn horizontal(dimension: &DimensionFacts, facts: &StoreFacts) -> Value {
    let Some(extent) = dimension.extent else {
        return additional(dimension, "spatial index");
    };
    let mut object = json!({
        "type": "spatial",
        "axis": if dimension.axis == Axis::X { "x" } else { "y" },
        "extent": extent,
    });
    if let Some(step) = dimension.step {
        object["step"] = json!(step);
    }
    if let Some(units) = &dimension.units {
        object["unit"] = json!(units);
    }
    reference_system(&mut object, dimension, facts);
    object
}

fn vertical(dimension: &DimensionFacts, facts: &StoreFacts) -> Value {
    let Some(extent) = dimension.extent else {
        return additional(dimension, "vertical index");
    };
    let mut object = json!({
        "type": "spatial",
        "axis": "z",
        "extent": extent,
    });
    if let Some(step) = dimension.step {
        object["step"] = json!(step);
    }
    if let Some(units) = &dimension.units {
        object["unit"] = json!(units);
    }
    if let Some(vertical) = facts
        .vertical
        .as_ref()
        .filter(|v| v.dimension == dimension.name)
        && let Some(positive) = &vertical.positive
    {
        object["description"] = json!(format!("Positive {positive}."));
    }
    object
}

/// The horizontal reference system: the grid mapping's EPSG code or WKT, else WKT2 written
/// from its CF parameters (rotated pole, stereographic); nothing (EPSG:4326, the extension's
/// default) for latitude/longitude; a description of the grid mapping otherwise.
fn reference_system(object: &mut Value, dimension: &DimensionFacts, facts: &StoreFacts) {
    let geographic = dimension
        .units
        .as_deref()
        .is_some_and(|u| u.starts_with("degree"));
    match &facts.crs {
        Some(crs) if crs.epsg.is_some() => object["reference_system"] = json!(crs.epsg),
        Some(crs) if crs.wkt.is_some() => object["reference_system"] = json!(crs.wkt),
        Some(crs) if crs.name != "latitude_longitude" && crs::wkt(crs).is_some() => {
            object["reference_system"] = json!(crs::wkt(crs));
        }
        Some(crs) if crs.name != "latitude_longitude" || !geographic => {
            object["description"] = json!(format!(
                "Coordinate of the CF grid mapping `{}` (variable `{}`); the store gives no \
                 EPSG code or WKT for it.",
                crs.name, crs.variable
            ));
        }
        _ => {}
    }
}

fn temporal(dimension: &DimensionFacts, facts: &StoreFacts) -> Value {
    let Some(time) = &facts.time else {
        return additional(dimension, "temporal");
    };
    if time::is_iso(time)
        && let (Some(start), Some(end)) = (time::rfc3339(&time.start), time::rfc3339(&time.end))
    {
        let mut object = json!({
            "type": "temporal",
            "extent": [start, end],
        });
        if let Some(step) = &time.step {
            object["step"] = json!(step);
        }
        return object;
    }
    let Some(extent) = dimension.extent else {
        return additional(dimension, "temporal");
    };
    let mut description = format!(
        "Time in the CF calendar `{}`, from {} to {}",
        time.calendar, time.start, time.end
    );
    if let Some(step) = &time.step {
        description.push_str(&format!(", every {step}"));
    }
    description.push_str(
        ". The values are numbers in the CF units; ISO 8601 dates cannot express this calendar.",
    );
    let mut object = json!({
        "type": "temporal",
        "description": description,
        "extent": extent,
    });
    if let Some(step) = dimension.step {
        object["step"] = json!(step);
    }
    object["unit"] = json!(time.units);
    object["reference_system"] = json!(time.calendar);
    object
}

/// An Additional Dimension Object: the coordinate's extent when it was read, else the index
/// range `0 … size − 1`.
fn additional(dimension: &DimensionFacts, kind: &str) -> Value {
    match dimension.extent {
        Some(extent) => {
            let mut object = json!({ "type": kind, "extent": extent });
            if let Some(step) = dimension.step {
                object["step"] = json!(step);
            }
            if let Some(units) = &dimension.units {
                object["unit"] = json!(units);
            }
            object
        }
        None => json!({
            "type": kind,
            "description": format!(
                "{} positions; the store has no coordinate values for this dimension.",
                dimension.size
            ),
            "extent": [0, dimension.size.saturating_sub(1)],
            "step": 1,
        }),
    }
}

/// One Variable Object per data variable and auxiliary coordinate (or bounds) of the root group.
pub fn variables(facts: &StoreFacts) -> Map<String, Value> {
    facts
        .arrays
        .iter()
        .filter(|array| !array.path.contains('/'))
        .filter_map(|array| {
            let kind = match array.role {
                Some(VariableRole::Data) | None => "data",
                Some(VariableRole::Auxiliary | VariableRole::Bounds) => "auxiliary",
                Some(VariableRole::Coordinate | VariableRole::GridMapping) => return None,
            };
            Some((array.path.clone(), variable(array, kind, facts.zarr_format)))
        })
        .collect()
}

fn variable(array: &ArrayFacts, kind: &str, zarr_format: u8) -> Value {
    let mut object = json!({
        "dimensions": array.dimensions,
        "type": kind,
    });
    if let Some(text) = array.long_name.as_ref().or(array.standard_name.as_ref()) {
        object["description"] = json!(text);
    }
    if let Some(units) = &array.units {
        object["unit"] = json!(units);
    }
    object["data_type"] = json!(data_type(&array.dtype));
    if let Some(nodata) = nodata(array, zarr_format) {
        object["nodata"] = nodata;
    }
    object
}

/// The STAC data type of a numpy dtype (`float32`, `<f4`), `other` for the rest.
pub fn data_type(dtype: &str) -> &'static str {
    let bare = dtype.trim_start_matches(['<', '>', '|', '=']);
    match bare {
        "int8" | "i1" => "int8",
        "int16" | "i2" => "int16",
        "int32" | "i4" => "int32",
        "int64" | "i8" => "int64",
        "uint8" | "u1" => "uint8",
        "uint16" | "u2" => "uint16",
        "uint32" | "u4" => "uint32",
        "uint64" | "u8" => "uint64",
        "float16" | "f2" => "float16",
        "float32" | "f4" => "float32",
        "float64" | "f8" => "float64",
        "complex64" | "c8" => "cfloat32",
        "complex128" | "c16" => "cfloat64",
        _ => "other",
    }
}

/// The CF missing-data value: `_FillValue` (for Zarr v2 written as the array's fill value),
/// else `missing_value`.
fn nodata(array: &ArrayFacts, zarr_format: u8) -> Option<Value> {
    let attribute = |name: &str| array.attributes.get(name);
    match attribute("_FillValue") {
        Some(value @ (Field::Integer(_) | Field::Float(_))) => return number(value),
        // xarray writes `_FillValue` of Zarr v3 arrays as the base64 of its little-endian bytes.
        Some(Field::String(text)) if zarr_format == 3 => {
            return decode_fill(text, &array.dtype)
                .or_else(|| number(&Field::String(text.clone())));
        }
        _ => {}
    }
    if zarr_format == 2
        && let Some(value) = array.fill_value.as_ref().and_then(number)
    {
        return Some(value);
    }
    attribute("missing_value").and_then(number)
}

/// A base64 `_FillValue` as the number its little-endian bytes hold, read as the array's kind
/// (float, signed or unsigned integer) at the width of the bytes.
fn decode_fill(text: &str, dtype: &str) -> Option<Value> {
    let bytes = crate::crawl::packing::base64_decode(text)?;
    let kind = dtype
        .trim_start_matches(['<', '>', '|', '='])
        .chars()
        .next()?;
    let float = |f: f64| number(&Field::Float(f));
    match (kind, bytes.len()) {
        ('f', 8) => float(f64::from_le_bytes(bytes.try_into().ok()?)),
        ('f', 4) => float(f64::from(f32::from_le_bytes(bytes.try_into().ok()?))),
        ('i', 8) => Some(json!(i64::from_le_bytes(bytes.try_into().ok()?))),
        ('i', 4) => Some(json!(i32::from_le_bytes(bytes.try_into().ok()?))),
        ('i', 2) => Some(json!(i16::from_le_bytes(bytes.try_into().ok()?))),
        ('i', 1) => Some(json!(i8::from_le_bytes(bytes.try_into().ok()?))),
        ('u', 8) => Some(json!(u64::from_le_bytes(bytes.try_into().ok()?))),
        ('u', 4) => Some(json!(u32::from_le_bytes(bytes.try_into().ok()?))),
        ('u', 2) => Some(json!(u16::from_le_bytes(bytes.try_into().ok()?))),
        ('u', 1) => Some(json!(bytes[0])),
        _ => None,
    }
}

fn number(value: &Field) -> Option<Value> {
    match value {
        Field::Integer(n) => Some(json!(n)),
        Field::Float(f) if f.is_nan() => Some(json!("nan")),
        Field::Float(f) if f.is_infinite() => Some(json!(if *f > 0.0 { "inf" } else { "-inf" })),
        Field::Float(f) => Some(json!(f)),
        Field::String(text) => match text.as_str() {
            "NaN" | "nan" => Some(json!("nan")),
            "Infinity" | "inf" => Some(json!("inf")),
            "-Infinity" | "-inf" => Some(json!("-inf")),
            _ => None,
        },
        Field::List(items) if items.len() == 1 => number(&items[0]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_types() {
        assert_eq!(data_type("float32"), "float32");
        assert_eq!(data_type("<f8"), "float64");
        assert_eq!(data_type("|u1"), "uint8");
        assert_eq!(data_type("<U8"), "other");
        assert_eq!(data_type("bool"), "other");
        assert_eq!(data_type("complex128"), "cfloat64");
    }

    #[test]
    fn fill_values() {
        let mut array = ArrayFacts {
            fill_value: Some(Field::String("NaN".into())),
            ..ArrayFacts::default()
        };
        assert_eq!(nodata(&array, 2), Some(json!("nan")));
        // Zarr v3 arrays always have a fill value; only `_FillValue` makes it missing data.
        assert_eq!(nodata(&array, 3), None);
        array.dtype = "float32".into();
        array
            .attributes
            .insert("_FillValue".into(), Field::String("AAAAAAAA+H8=".into()));
        assert_eq!(nodata(&array, 3), Some(json!("nan")));
        // What xarray writes for 1e20 in a float32 array (as float64 bytes).
        array
            .attributes
            .insert("_FillValue".into(), Field::String("AAAAgB2vFUQ=".into()));
        assert_eq!(nodata(&array, 3), Some(json!(1.000_000_020_040_877_3e20)));
        array.dtype = "int16".into();
        array
            .attributes
            .insert("_FillValue".into(), Field::String("AYA=".into()));
        assert_eq!(nodata(&array, 3), Some(json!(-32767)));
        array
            .attributes
            .insert("_FillValue".into(), Field::Integer(-999));
        assert_eq!(nodata(&array, 3), Some(json!(-999)));
    }
}
