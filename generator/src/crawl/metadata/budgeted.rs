//! Metadata documents parsed within a budget, for the crawl stage: at most `max_metadata_values`
//! JSON values are materialised from one store's documents in all (a value costs tens of bytes as
//! a `serde_json::Value`, far more than its text; the count is shared by documents parsed at
//! once), and the entries of consolidated metadata
//! (`metadata` of `.zmetadata`, `consolidated_metadata.metadata` of `zarr.json`) past
//! `max_arrays` arrays and as many groups are skipped while parsing — counted, never built.

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// What a document may cost.
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget {
    /// Object keys leading to the consolidated entries; empty for a document without them.
    pub entries_at: &'static [&'static str],
    /// Zarr 2 entries (`air/.zarray`, `air/.zattrs`); otherwise Zarr 3 (`air` → its `zarr.json`).
    pub v2: bool,
    /// Arrays kept, and groups kept.
    pub max_arrays: usize,
    /// JSON values materialised.
    pub max_values: u64,
}

/// Consolidated entries left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Skipped {
    pub arrays: u64,
    pub groups: u64,
}

/// The marker of the error a document over its value budget gives.
pub(super) const OVER_BUDGET: &str = "`[crawl.limits] max_metadata_values`";

struct State<'u> {
    budget: Budget,
    /// Values built from the store's documents so far, this one included.
    used: &'u AtomicU64,
    /// Values built from this document.
    values: Cell<u64>,
    arrays: Cell<usize>,
    groups: Cell<usize>,
    others: Cell<usize>,
    skipped_arrays: Cell<u64>,
    skipped_groups: Cell<u64>,
}

impl State<'_> {
    fn count<E: serde::de::Error>(&self) -> Result<(), E> {
        self.values.set(self.values.get() + 1);
        let used = self.used.fetch_add(1, Ordering::Relaxed) + 1;
        if used > self.budget.max_values {
            return Err(E::custom(format!(
                "the store's metadata holds more than {} JSON values, the {OVER_BUDGET} limit",
                self.budget.max_values
            )));
        }
        Ok(())
    }

    /// Gives back the values built since `before` (a dropped entry).
    fn release(&self, before: u64) {
        let built = self.values.get().saturating_sub(before);
        self.used.fetch_sub(built, Ordering::Relaxed);
        self.values.set(before);
    }
}

/// Parses `bytes` as JSON within `budget`, counting the values built in `used` (shared by the
/// documents of one store).
///
/// # Errors
///
/// serde_json's error (with line and column) for text that is not JSON, or for a store over
/// the value budget (its message then holds [`OVER_BUDGET`]). A document that fails gives its
/// values back.
pub(super) fn parse(
    bytes: &[u8],
    budget: Budget,
    used: &AtomicU64,
) -> Result<(Value, Skipped), serde_json::Error> {
    let state = State {
        budget,
        used,
        values: Cell::new(0),
        arrays: Cell::new(0),
        groups: Cell::new(0),
        others: Cell::new(0),
        skipped_arrays: Cell::new(0),
        skipped_groups: Cell::new(0),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let path = (!budget.entries_at.is_empty()).then_some(budget.entries_at);
    let parsed = Any {
        state: &state,
        path,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    let value = match parsed {
        Ok(value) => value,
        Err(error) => {
            state.release(0);
            return Err(error);
        }
    };
    Ok((
        value,
        Skipped {
            arrays: state.skipped_arrays.get(),
            groups: state.skipped_groups.get(),
        },
    ))
}

/// A value: counted. `path` is `Some` on the way to the consolidated entries (`Some([])`: this
/// object is them).
#[derive(Clone, Copy)]
struct Any<'s, 'u> {
    state: &'s State<'u>,
    path: Option<&'static [&'static str]>,
}

impl<'de> DeserializeSeed<'de> for Any<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Any<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::from(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.state.count()?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.state.count()?;
        let inner = Any {
            state: self.state,
            path: None,
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.state.count()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = match self.path {
                Some([]) => self.entry(&key, &mut map)?,
                Some([first, rest @ ..]) if key == *first => Some(map.next_value_seed(Any {
                    state: self.state,
                    path: Some(rest),
                })?),
                _ => Some(map.next_value_seed(Any {
                    state: self.state,
                    path: None,
                })?),
            };
            if let Some(value) = value {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

impl Any<'_, '_> {
    /// One consolidated entry: kept (`Some`) within the budget, otherwise skipped and counted.
    fn entry<'de, A: MapAccess<'de>>(
        self,
        key: &str,
        map: &mut A,
    ) -> Result<Option<Value>, A::Error> {
        let state = self.state;
        let max = state.budget.max_arrays;
        let plain = Any { state, path: None };
        let keep = |kept: &Cell<usize>, limit: usize| {
            let fits = kept.get() < limit;
            if fits {
                kept.set(kept.get() + 1);
            }
            fits
        };
        if state.budget.v2 {
            let file = key.rsplit('/').next().unwrap_or(key);
            let (fits, skipped) = match file {
                ".zarray" => (keep(&state.arrays, max), Some(&state.skipped_arrays)),
                ".zgroup" if key == ".zgroup" => (true, None),
                ".zgroup" => (keep(&state.groups, max), Some(&state.skipped_groups)),
                // Attributes of kept nodes come with them, in any order.
                _ => (
                    keep(&state.others, max.saturating_mul(2).saturating_add(1)),
                    None,
                ),
            };
            if fits {
                return map.next_value_seed(plain).map(Some);
            }
            map.next_value::<IgnoredAny>()?;
            if let Some(skipped) = skipped {
                skipped.set(skipped.get() + 1);
            }
            return Ok(None);
        }
        // Zarr 3: the entry says what it is; one past the budget is parsed, counted and dropped.
        let before = state.values.get();
        let value = map.next_value_seed(plain)?;
        let is_array = value.get("node_type").and_then(Value::as_str) == Some("array");
        let (kept, skipped) = if is_array {
            (&state.arrays, &state.skipped_arrays)
        } else {
            (&state.groups, &state.skipped_groups)
        };
        if keep(kept, max) {
            return Ok(Some(value));
        }
        skipped.set(skipped.get() + 1);
        state.release(before);
        Ok(None)
    }
}

/// A custom error that says the value budget was exceeded, for tests.
#[cfg(test)]
fn over_budget(error: &serde_json::Error) -> bool {
    error.to_string().contains(OVER_BUDGET)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn budget(entries_at: &'static [&'static str], v2: bool, max_arrays: usize) -> Budget {
        Budget {
            entries_at,
            v2,
            max_arrays,
            max_values: 1_000,
        }
    }

    #[test]
    fn plain_documents_parse_as_serde_json_does() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true], "b": {"c": {}}}"#;
        let (value, skipped) =
            parse(text.as_bytes(), budget(&[], false, 1), &AtomicU64::new(0)).expect("parses");
        assert_eq!(value, serde_json::from_str::<Value>(text).expect("parses"));
        assert_eq!(skipped, Skipped::default());
        assert!(parse(b"{\"a\": 1} x", budget(&[], false, 1), &AtomicU64::new(0)).is_err());
    }

    fn json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e300f64..1e300).prop_map(Value::from),
            ".{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                proptest::collection::btree_map(".{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 256, failure_persistence: None, ..Default::default()
        })]

        /// Within its budget, the parser builds what serde_json builds, and counts every value.
        #[test]
        fn within_budget_it_is_serde_json(value in json()) {
            let text = value.to_string();
            let big = Budget { max_values: u64::MAX, ..budget(&[], false, 1) };
            let used = AtomicU64::new(0);
            let (parsed, _) = parse(text.as_bytes(), big, &used).expect("parses");
            proptest::prop_assert_eq!(&parsed, &serde_json::from_str::<Value>(&text).expect("json"));
            fn count(value: &Value) -> u64 {
                1 + match value {
                    Value::Array(items) => items.iter().map(count).sum(),
                    Value::Object(map) => map.values().map(count).sum(),
                    _ => 0,
                }
            }
            proptest::prop_assert_eq!(used.load(Ordering::Relaxed), count(&value));
        }
    }

    #[test]
    fn values_past_the_budget_are_an_error() {
        let text = format!("[{}0]", "0,".repeat(2_000));
        let error = parse(text.as_bytes(), budget(&[], false, 1), &AtomicU64::new(0))
            .expect_err("over budget");
        assert!(over_budget(&error), "{error}");
    }

    #[test]
    fn the_value_budget_is_shared_by_the_documents_of_a_store() {
        let used = AtomicU64::new(0);
        let text = format!("[{}0]", "0,".repeat(599));
        assert!(parse(text.as_bytes(), budget(&[], false, 1), &used).is_ok());
        assert_eq!(used.load(Ordering::Relaxed), 601);
        let error = parse(text.as_bytes(), budget(&[], false, 1), &used).expect_err("over");
        assert!(over_budget(&error), "{error}");
        // A failed document gives its values back.
        assert_eq!(used.load(Ordering::Relaxed), 601);
    }

    #[test]
    fn zarr3_entries_past_the_budget_are_counted_not_kept() {
        let mut entries = Map::new();
        for i in 0..50 {
            entries.insert(
                format!("a{i:02}"),
                json!({"node_type": "array", "shape": [i]}),
            );
        }
        entries.insert("g".into(), json!({"node_type": "group"}));
        let document = json!({"zarr_format": 3, "consolidated_metadata": {"metadata": entries}});
        let text = document.to_string();
        let (value, skipped) = parse(
            text.as_bytes(),
            budget(&["consolidated_metadata", "metadata"], false, 3),
            &AtomicU64::new(0),
        )
        .expect("parses: skipped entries do not count against the value budget");
        let kept = value["consolidated_metadata"]["metadata"]
            .as_object()
            .expect("an object");
        assert_eq!(kept.len(), 4);
        assert!(kept.contains_key("g") && kept.contains_key("a00"));
        assert_eq!(
            skipped,
            Skipped {
                arrays: 47,
                groups: 0
            }
        );
    }

    #[test]
    fn zarr2_entries_are_budgeted_by_their_file() {
        let mut entries = Map::new();
        entries.insert(".zgroup".into(), json!({"zarr_format": 2}));
        for i in 0..10 {
            entries.insert(format!("a{i}/.zarray"), json!({"shape": [1]}));
            entries.insert(format!("a{i}/.zattrs"), json!({}));
            entries.insert(format!("g{i}/.zgroup"), json!({"zarr_format": 2}));
        }
        let text = json!({"metadata": entries, "zarr_consolidated_format": 1}).to_string();
        let (value, skipped) = parse(
            text.as_bytes(),
            budget(&["metadata"], true, 2),
            &AtomicU64::new(0),
        )
        .expect("parses");
        let kept = value["metadata"].as_object().expect("an object");
        assert!(kept.contains_key(".zgroup"));
        assert_eq!(kept.keys().filter(|k| k.ends_with("/.zarray")).count(), 2);
        assert_eq!(
            skipped,
            Skipped {
                arrays: 8,
                groups: 8
            }
        );
        assert_eq!(value["zarr_consolidated_format"], 1);
    }
}
