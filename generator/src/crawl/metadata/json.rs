//! Metadata documents as JSON: parsing (with serde_json's line and column on errors, and the bare
//! `NaN` that Python writes), and reading fields with messages that name the field and what was
//! found instead.

use std::sync::atomic::AtomicU64;

use serde_json::{Map, Value};

use super::budgeted::{self, Budget, OVER_BUDGET, Skipped};
use super::{MetadataProblem, code};

/// Where a document came from, for problems: its own object (`air/.zarray`), or an entry of a
/// consolidated document (key `.zmetadata`, entry `air/.zarray`).
#[derive(Debug, Clone)]
pub(super) struct Origin {
    /// The store-relative key of the object read.
    pub key: String,
    /// The entry inside a consolidated document.
    pub entry: Option<String>,
}

impl Origin {
    pub(super) fn object(key: String) -> Self {
        Self { key, entry: None }
    }

    pub(super) fn entry(key: String, entry: String) -> Self {
        Self {
            key,
            entry: Some(entry),
        }
    }

    pub(super) fn problem(&self, code: &'static str, message: impl AsRef<str>) -> MetadataProblem {
        let message = message.as_ref();
        let message = match &self.entry {
            Some(entry) => format!("entry `{entry}`: {message}"),
            None => message.to_owned(),
        };
        MetadataProblem::new(self.key.clone(), code, message)
    }

    pub(super) fn corrupt(&self, message: impl AsRef<str>) -> MetadataProblem {
        self.problem(code::CORRUPT_METADATA, message)
    }
}

/// Parses `bytes` (the object at `key`) as a JSON object within `budget` (see `budgeted.rs`),
/// with the consolidated entries it skipped.
pub(super) fn parse(
    key: &str,
    bytes: &[u8],
    warnings: &mut Vec<MetadataProblem>,
    budget: Budget,
    used: &AtomicU64,
) -> Result<(Map<String, Value>, Skipped), MetadataProblem> {
    let over = |error: &serde_json::Error| {
        MetadataProblem::new(
            key,
            code::STORE_LIMIT,
            format!("{error}: the store is not described"),
        )
    };
    let (value, skipped) = match budgeted::parse(bytes, budget, used) {
        Ok(parsed) => parsed,
        Err(error) if error.to_string().contains(OVER_BUDGET) => return Err(over(&error)),
        Err(error) => {
            // Python's json module writes float('nan') as a bare NaN; zarr-python 2 and xarray
            // attributes are full of them. Read them as strings rather than refuse the store.
            let reparsed =
                python_floats_as_strings(bytes).map(|fixed| budgeted::parse(&fixed, budget, used));
            let parsed = match reparsed {
                Some(Ok(parsed)) => parsed,
                Some(Err(again)) if again.to_string().contains(OVER_BUDGET) => {
                    return Err(over(&again));
                }
                _ => {
                    return Err(MetadataProblem::new(
                        key,
                        code::CORRUPT_METADATA,
                        format!("not valid JSON: {error}"),
                    ));
                }
            };
            warnings.push(MetadataProblem::new(
                key,
                code::NON_STANDARD_JSON,
                "bare NaN / Infinity (not JSON; Python writes them) read as the strings \
                 \"NaN\" / \"Infinity\" / \"-Infinity\"",
            ));
            parsed
        }
    };
    match value {
        Value::Object(map) => Ok((map, skipped)),
        other => Err(MetadataProblem::new(
            key,
            code::CORRUPT_METADATA,
            format!("must be a JSON object, found {}", describe(&other)),
        )),
    }
}

/// `bytes` with bare `NaN`, `Infinity` and `-Infinity` outside strings quoted; `None` when there
/// are none (the document is broken some other way).
fn python_floats_as_strings(bytes: &[u8]) -> Option<Vec<u8>> {
    const TOKENS: [&[u8]; 3] = [b"-Infinity", b"Infinity", b"NaN"];
    let mut out = Vec::with_capacity(bytes.len() + 16);
    let (mut in_string, mut escaped, mut changed) = (false, false, false);
    let mut i = 0;
    'bytes: while i < bytes.len() {
        let byte = bytes[i];
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        } else {
            for token in TOKENS {
                if bytes[i..].starts_with(token) {
                    out.push(b'"');
                    out.extend_from_slice(token);
                    out.push(b'"');
                    i += token.len();
                    changed = true;
                    continue 'bytes;
                }
            }
        }
        out.push(byte);
        i += 1;
    }
    changed.then_some(out)
}

/// A short rendering of `value` for messages.
pub(super) fn describe(value: &Value) -> String {
    const LIMIT: usize = 60;
    let text = value.to_string();
    if text.chars().count() <= LIMIT {
        text
    } else {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}…")
    }
}

/// Field `field` as a list of non-negative integers.
pub(super) fn integers(
    doc: &Map<String, Value>,
    field: &str,
    origin: &Origin,
) -> Result<Vec<u64>, MetadataProblem> {
    let value = doc
        .get(field)
        .ok_or_else(|| origin.corrupt(format!("has no `{field}`")))?;
    integer_list(value).ok_or_else(|| {
        origin.corrupt(format!(
            "`{field}` must be a list of non-negative integers, found {}",
            describe(value)
        ))
    })
}

/// `value` as a list of non-negative integers.
pub(super) fn integer_list(value: &Value) -> Option<Vec<u64>> {
    value.as_array()?.iter().map(Value::as_u64).collect()
}

/// Optional field `field` as an object (missing or `null`: empty).
pub(super) fn object_or_empty(
    doc: &Map<String, Value>,
    field: &str,
    origin: &Origin,
) -> Result<Map<String, Value>, MetadataProblem> {
    match doc.get(field) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(other) => Err(origin.corrupt(format!(
            "`{field}` must be an object, found {}",
            describe(other)
        ))),
    }
}

/// Checks that `zarr_format` of the document at `origin` is `expected` (2 or 3), telling an
/// unknown version, the other version's document and the zarrita draft apart.
pub(super) fn check_zarr_format(
    doc: &Map<String, Value>,
    expected: u8,
    origin: &Origin,
) -> Result<(), MetadataProblem> {
    let Some(value) = doc.get("zarr_format") else {
        return Err(origin.corrupt("has no `zarr_format`"));
    };
    match value {
        Value::Number(number) => match number.as_u64() {
            Some(found) if found == u64::from(expected) => Ok(()),
            Some(found @ (2 | 3)) => Err(origin.corrupt(format!(
                "declares zarr_format {found}, but Zarr {found} metadata is in {}, and this \
                 document belongs to Zarr {expected}",
                if found == 2 {
                    ".zgroup / .zarray"
                } else {
                    "zarr.json"
                }
            ))),
            _ => Err(origin.problem(
                code::UNSUPPORTED_ZARR_FORMAT,
                format!("zarr_format {number} is not a Zarr version Almanac reads (2 or 3)"),
            )),
        },
        Value::String(url) if url.contains("zarr/spec/protocol/core/3") => Err(origin.problem(
            code::ZARRITA_V3_DRAFT,
            format!(
                "zarr_format \"{url}\" marks the zarrita v3 *draft* layout (meta/root.group.json, \
                 meta/root/*.array.json, data/root/...), a pre-release format that is not Zarr v3 \
                 and that current Zarr libraries do not read; re-write the store with \
                 zarr-python 3 (zarr_format=3)"
            ),
        )),
        other => Err(origin.corrupt(format!(
            "`zarr_format` must be an integer (2 or 3), found {}",
            describe(other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn plain() -> Budget {
        Budget {
            entries_at: &[],
            v2: false,
            max_arrays: 10,
            max_values: 1_000,
        }
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let mut warnings = Vec::new();
        let error = parse(
            "a/.zarray",
            b"{\n  \"shape\": [1,\n}",
            &mut warnings,
            plain(),
            &AtomicU64::new(0),
        )
        .expect_err("fails");
        assert_eq!(error.code, code::CORRUPT_METADATA);
        assert_eq!(error.key, "a/.zarray");
        assert!(
            error.message.contains("line 3 column 1"),
            "{}",
            error.message
        );
        let error =
            parse("k", b"[1]", &mut warnings, plain(), &AtomicU64::new(0)).expect_err("fails");
        assert_eq!(error.message, "must be a JSON object, found [1]");
        assert!(warnings.is_empty());
        let many = format!("{{\"a\": [{}0]}}", "0,".repeat(1_000));
        let error = parse(
            "k",
            many.as_bytes(),
            &mut warnings,
            plain(),
            &AtomicU64::new(0),
        )
        .expect_err("fails");
        assert_eq!(error.code, code::STORE_LIMIT);
        assert!(
            error.message.contains("max_metadata_values"),
            "{}",
            error.message
        );
    }

    #[test]
    fn bare_nan_outside_strings_is_read_with_a_warning() {
        let mut warnings = Vec::new();
        let doc = parse(
            "t/.zattrs",
            br#"{"a": NaN, "b": [-Infinity, Infinity], "c": "NaN inside", "d": "q\"NaN"}"#,
            &mut warnings,
            plain(),
            &AtomicU64::new(0),
        )
        .expect("succeeds")
        .0;
        assert_eq!(
            Value::Object(doc),
            json!({"a": "NaN", "b": ["-Infinity", "Infinity"], "c": "NaN inside", "d": "q\"NaN"})
        );
        assert_eq!(warnings[0].code, code::NON_STANDARD_JSON);
        assert_eq!(warnings[0].key, "t/.zattrs");
    }

    #[test]
    fn zarr_format_checks_name_the_version() {
        let origin = Origin::object("zarr.json".into());
        let check = |value: Value| {
            let doc = json!({ "zarr_format": value });
            check_zarr_format(doc.as_object().expect("object"), 3, &origin)
        };
        assert!(check(json!(3)).is_ok());
        let error = check(json!(4)).expect_err("fails");
        assert_eq!(error.code, code::UNSUPPORTED_ZARR_FORMAT);
        assert_eq!(
            error.message,
            "zarr_format 4 is not a Zarr version Almanac reads (2 or 3)"
        );
        assert_eq!(
            check(json!(2)).expect_err("fails").code,
            code::CORRUPT_METADATA
        );
        assert_eq!(
            check(json!("3")).expect_err("fails").code,
            code::CORRUPT_METADATA
        );
        let draft =
            check(json!("https://purl.org/zarr/spec/protocol/core/3.0")).expect_err("fails");
        assert_eq!(draft.code, code::ZARRITA_V3_DRAFT);
    }

    #[test]
    fn integer_lists_say_what_they_found() {
        let origin = Origin::entry(".zmetadata".into(), "air/.zarray".into());
        let doc = json!({"shape": [2, "x"]});
        let error =
            integers(doc.as_object().expect("object"), "shape", &origin).expect_err("fails");
        assert_eq!(error.key, ".zmetadata");
        assert_eq!(
            error.message,
            "entry `air/.zarray`: `shape` must be a list of non-negative integers, found [2,\"x\"]"
        );
    }
}
