//! CF packing and masking of array values, the way xarray decodes them (`scale_factor`,
//! `add_offset`, `_FillValue`, `missing_value`, `_Unsigned`), for coordinate extents, quicklooks
//! and the STAC `nodata` of Zarr v3 arrays.
//!
//! What is right is what `xr.open_zarr` (2026.9, zarr-python 3) reports for the same store:
//! masks come from `missing_value` and `_FillValue`. For Zarr v2 the array's `fill_value` *is*
//! the `_FillValue` (it overrides the attribute); for Zarr v3 the array's `fill_value` is
//! ignored and `_FillValue` is an attribute, base64 of a little-endian `f64` for floats.
//! `valid_min`, `valid_max` and `valid_range` are read but not applied: xarray does not mask
//! with them.

use serde_json::{Map, Value};

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
pub(crate) fn json_number(value: &Value) -> Option<f64> {
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
/// Also used for the STAC `nodata` of Zarr v3 arrays.
#[must_use]
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
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
}
