//! Which store, variable and 2-D slice a quicklook shows: the dataset's `quicklook:` settings
//! (kept in the dataset's extra fields), else the first read store with a numeric data
//! variable whose last two dimensions are both longer than one.

use std::ops::Range;

use almanac_model::{ArrayFacts, Axis, Crawl, Dataset, DimensionFacts, Value, VariableRole};

use crate::crawl::facts::item_size;

/// The `quicklook:` settings of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// False turns the quicklook off.
    pub enabled: bool,
    /// The variable (array path) to draw.
    pub variable: Option<String>,
    /// The store id to read.
    pub store: Option<String>,
}

/// The settings as written: `quicklook: false`, or a map with `enabled`, `variable`, `store`.
#[must_use]
pub fn settings(dataset: &Dataset) -> Settings {
    let mut settings = Settings {
        enabled: true,
        variable: None,
        store: None,
    };
    match dataset.extra.get("quicklook") {
        Some(Value::Bool(enabled)) => settings.enabled = *enabled,
        Some(Value::Map(map)) => {
            if let Some(Value::Bool(enabled)) = map.get("enabled") {
                settings.enabled = *enabled;
            }
            settings.variable = map
                .get("variable")
                .and_then(Value::as_str)
                .map(str::to_owned);
            settings.store = map.get("store").and_then(Value::as_str).map(str::to_owned);
        }
        _ => {}
    }
    settings
}

/// A store (index in the dataset) and an array (index in its facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// Index of the store.
    pub store: usize,
    /// Index of the array in the store's facts.
    pub array: usize,
}

fn numeric(dtype: &str) -> bool {
    let name = dtype.trim_start_matches(['<', '>', '|', '=']);
    name.starts_with("float") || name.starts_with("int") || name.starts_with("uint")
}

fn drawable(array: &ArrayFacts) -> bool {
    let n = array.shape.len();
    n >= 2 && array.shape[n - 2] > 1 && array.shape[n - 1] > 1 && numeric(&array.dtype)
}

/// The store and array to draw, when there is one.
#[must_use]
pub fn choose(dataset: &Dataset, settings: &Settings) -> Option<Choice> {
    for (store_index, store) in dataset.stores.iter().enumerate() {
        if settings.store.as_ref().is_some_and(|id| *id != store.id) {
            continue;
        }
        let Some(Crawl::Ok { facts }) = &store.crawl else {
            continue;
        };
        let found = facts.arrays.iter().position(|array| {
            drawable(array)
                && match &settings.variable {
                    Some(variable) => array.path == *variable,
                    None => array.role == Some(VariableRole::Data),
                }
        });
        if let Some(array) = found {
            return Some(Choice {
                store: store_index,
                array,
            });
        }
    }
    None
}

/// The part of an array to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    /// One range per dimension: index 0 of leading dimensions, all of the last two.
    pub ranges: Vec<Range<u64>>,
    /// Rows (second-to-last dimension).
    pub height: usize,
    /// Columns (last dimension).
    pub width: usize,
    /// True when the rows run south to north, so the image must be flipped to put north up.
    pub flip: bool,
    /// Decoded bytes of the chunks the read touches.
    pub bytes: u64,
    /// ` at time index 0` and the like, for alternative text.
    pub label: String,
}

/// The 2-D slice of `array` a quicklook reads.
#[must_use]
pub fn slice(array: &ArrayFacts, dimensions: &[DimensionFacts]) -> Slice {
    let n = array.shape.len();
    let mut ranges = Vec::with_capacity(n);
    let mut bytes = item_size(&array.dtype).max(1);
    let mut fixed = Vec::new();
    for (index, length) in array.shape.iter().enumerate() {
        let chunk = array.chunks.get(index).copied().unwrap_or(*length).max(1);
        if index + 2 < n {
            ranges.push(0..1.min(*length));
            bytes = bytes.saturating_mul(chunk);
            if let Some(name) = array.dimensions.get(index) {
                fixed.push(format!("first {name}"));
            }
        } else {
            ranges.push(0..*length);
            bytes = bytes.saturating_mul(length.div_ceil(chunk).saturating_mul(chunk));
        }
    }
    let row_dimension = array.dimensions.get(n.saturating_sub(2));
    let rows = row_dimension.and_then(|name| dimensions.iter().find(|d| d.name == *name));
    // Latitudes that grow with the index are drawn bottom-up; a negative step runs north to south.
    let flip = rows.is_some_and(|d| d.axis == Axis::Y && d.step.is_none_or(|s| s > 0.0));
    let label = if fixed.is_empty() {
        String::new()
    } else {
        format!(" ({})", fixed.join(", "))
    };
    Slice {
        ranges,
        height: usize::try_from(array.shape.get(n.saturating_sub(2)).copied().unwrap_or(0))
            .unwrap_or(usize::MAX),
        width: usize::try_from(array.shape.last().copied().unwrap_or(0)).unwrap_or(usize::MAX),
        flip,
        bytes,
        label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn array(dimensions: &[&str], shape: &[u64], chunks: &[u64]) -> ArrayFacts {
        ArrayFacts {
            path: "ta".into(),
            role: Some(VariableRole::Data),
            dimensions: dimensions.iter().map(|d| (*d).to_owned()).collect(),
            shape: shape.to_vec(),
            chunks: chunks.to_vec(),
            dtype: "float32".into(),
            ..ArrayFacts::default()
        }
    }

    #[test]
    fn leading_dimensions_are_fixed_and_bytes_counted_by_chunk() {
        let dims = [DimensionFacts {
            name: "lat".into(),
            size: 90,
            axis: Axis::Y,
            extent: Some([-89.0, 89.0]),
            step: Some(2.0),
            units: None,
        }];
        let s = slice(
            &array(&["time", "lat", "lon"], &[12, 90, 180], &[4, 50, 180]),
            &dims,
        );
        assert_eq!(s.ranges, vec![0..1, 0..90, 0..180]);
        assert_eq!((s.height, s.width), (90, 180));
        assert!(s.flip);
        assert_eq!(s.bytes, 4 * 4 * 100 * 180);
        assert_eq!(s.label, " (first time)");
    }

    #[test]
    fn settings_are_read_from_the_extra_fields() {
        let mut dataset: Dataset = serde_json::from_value(serde_json::json!({
            "id": "d", "source_file": "d/catalog.yaml", "title": "D", "description": "",
            "license": {"text": ""}, "feedstock": {}
        }))
        .expect("a dataset");
        assert!(settings(&dataset).enabled);
        dataset.extra.insert("quicklook".into(), Value::Bool(false));
        assert!(!settings(&dataset).enabled);
        let map = [
            ("variable".to_owned(), Value::String("sst".into())),
            ("store".to_owned(), Value::String("v3".into())),
        ];
        dataset
            .extra
            .insert("quicklook".into(), Value::Map(map.into_iter().collect()));
        let read = settings(&dataset);
        assert!(read.enabled);
        assert_eq!(read.variable.as_deref(), Some("sst"));
        assert_eq!(read.store.as_deref(), Some("v3"));
    }

    #[test]
    fn one_dimensional_arrays_are_not_drawable() {
        assert!(!drawable(&array(&["time"], &[100], &[100])));
        assert!(!drawable(&array(&["x", "y"], &[1, 100], &[1, 100])));
        assert!(drawable(&array(&["y", "x"], &[2, 3], &[2, 3])));
    }
}
