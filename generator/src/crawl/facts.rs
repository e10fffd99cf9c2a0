//! Store facts from Zarr metadata alone, for the crawl stage: CF roles of
//! arrays, dimensions and their axes, sizes, grid mapping and build
//! provenance. Extents from coordinate values are added by the caller.

use std::collections::{BTreeMap, BTreeSet};

use almanac_model::{
    ArrayFacts, DimensionFacts, GridMapping, Provenance, StoreFacts, Value, VariableRole,
};
use serde_json::Map;

use crate::crawl::extent::axis_of;
use crate::crawl::limits::decoded_bytes;
use crate::crawl::metadata::{ArrayMeta, Hierarchy};

/// Facts that metadata alone gives.
#[must_use]
pub fn from_hierarchy(hierarchy: &Hierarchy) -> StoreFacts {
    let roles = roles(&hierarchy.arrays);
    let arrays: Vec<ArrayFacts> = hierarchy
        .arrays
        .iter()
        .map(|array| array_facts(array, roles.get(array.path.as_str()).copied()))
        .collect();
    let root_attributes = hierarchy
        .groups
        .iter()
        .find(|g| g.path.is_empty())
        .map(|g| to_values(&g.attributes))
        .unwrap_or_default();
    StoreFacts {
        zarr_format: hierarchy.zarr_format,
        consolidated: hierarchy.consolidated,
        groups: hierarchy.groups.iter().map(|g| g.path.clone()).collect(),
        dimensions: dimensions(&hierarchy.arrays),
        time: None,
        bbox: None,
        vertical: None,
        crs: grid_mapping(&hierarchy.arrays),
        provenance: provenance(&root_attributes),
        // Saturating: a store's declared sizes can pass u64::MAX, which reads "more than 16 EiB".
        uncompressed_bytes: arrays
            .iter()
            .fold(0u64, |sum, a| sum.saturating_add(a.uncompressed_bytes)),
        chunk_count: arrays
            .iter()
            .fold(0u64, |sum, a| sum.saturating_add(a.chunk_count)),
        attributes: root_attributes,
        arrays,
    }
}

/// The name of an array inside its group (`group/air` → `air`).
fn leaf(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The group an array is in (`group/air` → `group`, `air` → ``).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(group, _)| group)
}

fn text<'a>(attrs: &'a Map<String, serde_json::Value>, key: &str) -> Option<&'a str> {
    attrs.get(key).and_then(serde_json::Value::as_str)
}

/// CF roles: variables named in `coordinates` are auxiliary coordinates, in
/// `bounds` cell bounds, in `grid_mapping` grid mappings; a 1-D array named
/// like its dimension is a dimension coordinate; the rest are data.
fn roles(arrays: &[ArrayMeta]) -> BTreeMap<&str, VariableRole> {
    let mut named: BTreeMap<String, VariableRole> = BTreeMap::new();
    for array in arrays {
        let group = parent(&array.path);
        let in_group = |name: &str| {
            if group.is_empty() {
                name.to_owned()
            } else {
                format!("{group}/{name}")
            }
        };
        if let Some(list) = text(&array.attributes, "coordinates") {
            for name in list.split_whitespace() {
                named
                    .entry(in_group(name))
                    .or_insert(VariableRole::Auxiliary);
            }
        }
        if let Some(name) = text(&array.attributes, "bounds") {
            named.insert(in_group(name.trim()), VariableRole::Bounds);
        }
        if let Some(mapping) = text(&array.attributes, "grid_mapping") {
            // `crs` or the extended form `crs: x y crs2: lat lon`.
            for token in mapping
                .split_whitespace()
                .filter(|t| t.ends_with(':') || !mapping.contains(':'))
            {
                named.insert(
                    in_group(token.trim_end_matches(':')),
                    VariableRole::GridMapping,
                );
            }
        }
    }
    arrays
        .iter()
        .map(|array| {
            let role = if array.dimension_names.len() == 1
                && array.dimension_names[0] == leaf(&array.path)
            {
                VariableRole::Coordinate
            } else {
                named
                    .get(&array.path)
                    .copied()
                    .unwrap_or(VariableRole::Data)
            };
            (array.path.as_str(), role)
        })
        .collect()
}

fn array_facts(array: &ArrayMeta, role: Option<VariableRole>) -> ArrayFacts {
    let per_chunk = array.shards.as_ref().unwrap_or(&array.chunks);
    let chunk_count = if array.shape.is_empty() {
        1
    } else {
        array
            .shape
            .iter()
            .zip(per_chunk)
            .map(|(size, chunk)| {
                if *chunk == 0 {
                    0
                } else {
                    size.div_ceil(*chunk)
                }
            })
            .fold(1u64, u64::saturating_mul)
    };
    let attr = |key: &str| text(&array.attributes, key).map(str::to_owned);
    ArrayFacts {
        path: array.path.clone(),
        role,
        dimensions: array.dimension_names.clone(),
        shape: array.shape.clone(),
        chunks: array.chunks.clone(),
        shards: array.shards.clone(),
        dtype: array.dtype.clone(),
        fill_value: Some(to_value(&array.fill_value)),
        codecs: array.codecs.clone(),
        units: attr("units"),
        long_name: attr("long_name"),
        standard_name: attr("standard_name"),
        attributes: to_values(&array.attributes),
        uncompressed_bytes: decoded_bytes(&array.shape, item_size(&array.dtype))
            .unwrap_or(u64::MAX),
        chunk_count,
    }
}

/// Bytes per element of a numpy-style dtype name (`float32` → 4, `<U8` → 32, `|S4` → 4).
#[must_use]
pub fn item_size(dtype: &str) -> u64 {
    let digits = |s: &str| {
        s.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u64>()
            .ok()
    };
    let lower = dtype.to_ascii_lowercase();
    if lower.starts_with("bool") {
        return 1;
    }
    if let Some(rest) = lower
        .trim_start_matches(['<', '>', '|', '='])
        .strip_prefix('u')
        .filter(|r| !r.starts_with("int"))
    {
        // numpy unicode strings: 4 bytes per character.
        return digits(rest).unwrap_or(1) * 4;
    }
    if let Some(rest) = lower
        .trim_start_matches(['<', '>', '|', '='])
        .strip_prefix('s')
    {
        return digits(rest).unwrap_or(1);
    }
    if lower.starts_with("datetime64") || lower.starts_with("timedelta64") {
        return 8;
    }
    if lower.starts_with("complex") {
        return digits(&lower).map_or(16, |bits| bits / 8);
    }
    digits(&lower).map_or(8, |bits| (bits / 8).max(1))
}

/// Dimensions of the root group's arrays, with the axis of each.
fn dimensions(arrays: &[ArrayMeta]) -> Vec<DimensionFacts> {
    let mut sizes: BTreeMap<&str, u64> = BTreeMap::new();
    for array in arrays.iter().filter(|a| parent(&a.path).is_empty()) {
        for (name, size) in array.dimension_names.iter().zip(&array.shape) {
            sizes.entry(name.as_str()).or_insert(*size);
        }
    }
    sizes
        .into_iter()
        .map(|(name, size)| {
            // The axis comes from the dimension coordinate, else from an
            // auxiliary coordinate that spans only this dimension.
            let coordinate = arrays.iter().find(|a| a.path == name).or_else(|| {
                arrays
                    .iter()
                    .find(|a| a.dimension_names.len() == 1 && a.dimension_names[0] == name)
            });
            let empty = Map::new();
            let attrs = coordinate.map_or(&empty, |a| &a.attributes);
            DimensionFacts {
                name: name.to_owned(),
                size,
                axis: axis_of(name, attrs),
                extent: None,
                step: None,
                units: text(attrs, "units").map(str::to_owned),
            }
        })
        .collect()
}

fn grid_mapping(arrays: &[ArrayMeta]) -> Option<GridMapping> {
    let names: BTreeSet<&str> = arrays
        .iter()
        .filter_map(|a| text(&a.attributes, "grid_mapping"))
        .collect();
    let variable = names
        .iter()
        .filter_map(|n| n.split_whitespace().next())
        .map(|n| n.trim_end_matches(':'))
        .find_map(|name| arrays.iter().find(|a| leaf(&a.path) == name))
        .or_else(|| {
            arrays
                .iter()
                .find(|a| a.attributes.contains_key("grid_mapping_name"))
        })?;
    let attrs = &variable.attributes;
    let wkt = text(attrs, "crs_wkt")
        .or_else(|| text(attrs, "spatial_ref"))
        .map(str::to_owned);
    let epsg = attrs
        .get("epsg_code")
        .and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
        .and_then(|code| {
            code.trim_start_matches("EPSG:")
                .trim_start_matches("epsg:")
                .parse()
                .ok()
        })
        .or_else(|| wkt.as_deref().and_then(epsg_from_wkt));
    Some(GridMapping {
        variable: variable.path.clone(),
        name: text(attrs, "grid_mapping_name")
            .unwrap_or("unknown")
            .to_owned(),
        epsg,
        wkt,
        attributes: to_values(attrs),
    })
}

/// The EPSG code of the outermost object of a WKT1 (`AUTHORITY["EPSG","4326"]]` at the end) or WKT2 (`ID["EPSG",4326]]`) string.
fn epsg_from_wkt(wkt: &str) -> Option<u32> {
    let tail = wkt.trim_end().trim_end_matches(']');
    let start = tail
        .rfind("AUTHORITY[\"EPSG\"")
        .or_else(|| tail.rfind("ID[\"EPSG\""))?;
    let digits: String = tail[start..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Attribute keys feedstocks and CI systems use for build provenance.
const COMMIT_KEYS: &[&str] = &[
    "commit",
    "git_commit",
    "build_commit",
    "github_sha",
    "source_commit",
    "pangeo-forge:recipe_commit",
];
const RUN_KEYS: &[&str] = &[
    "workflow_run",
    "github_run_url",
    "build_url",
    "workflow_url",
    "pangeo-forge:workflow_run",
];
const TIME_KEYS: &[&str] = &[
    "build_timestamp",
    "date_created",
    "created",
    "creation_date",
    "pangeo-forge:timestamp",
];

fn provenance(attributes: &BTreeMap<String, Value>) -> Provenance {
    let find = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| attributes.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
    };
    Provenance {
        pangeo_forge: attributes
            .iter()
            .filter_map(|(key, value)| {
                let name = key.strip_prefix("pangeo-forge:")?;
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => serde_json::to_string(other).unwrap_or_default(),
                };
                Some((name.to_owned(), text))
            })
            .collect(),
        commit: find(COMMIT_KEYS),
        workflow_run: find(RUN_KEYS),
        built_at: find(TIME_KEYS),
    }
}

/// JSON to the model's value type.
#[must_use]
pub fn to_value(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n.as_i64().map_or_else(
            || Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            Value::Integer,
        ),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(to_value).collect()),
        serde_json::Value::Object(map) => Value::Map(to_values(map)),
    }
}

fn to_values(map: &Map<String, serde_json::Value>) -> BTreeMap<String, Value> {
    map.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_sizes() {
        assert_eq!(item_size("float32"), 4);
        assert_eq!(item_size("float64"), 8);
        assert_eq!(item_size("int16"), 2);
        assert_eq!(item_size("uint8"), 1);
        assert_eq!(item_size("bool"), 1);
        assert_eq!(item_size("<U8"), 32);
        assert_eq!(item_size("|S4"), 4);
        assert_eq!(item_size("datetime64[ns]"), 8);
        assert_eq!(item_size("complex64"), 8);
    }

    #[test]
    fn wkt_epsg() {
        assert_eq!(
            epsg_from_wkt(r#"GEOGCS["WGS 84",DATUM["WGS_1984"],AUTHORITY["EPSG","4326"]]"#),
            Some(4326)
        );
        assert_eq!(
            epsg_from_wkt(r#"GEOGCRS["WGS 84",ID["EPSG",4326]]"#),
            Some(4326)
        );
        assert_eq!(epsg_from_wkt("LOCAL_CS[\"x\"]"), None);
    }
}
