//! Schema violations in plain words: what was found, what is expected (from the schema's own
//! `description` of the field), and one of the schema's `examples`, instead of the validator's
//! wording ("is not valid under any of the schemas listed in the 'anyOf' keyword").

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::{BASE, FILES};

/// Longest quoted value, in characters; longer values are cut with `…`.
const QUOTE: usize = 60;

/// The message for one violation found by the validator of schema file `file`.
#[must_use]
pub fn describe(error: &ValidationError<'_>, file: &str) -> String {
    let found = found(error.instance());
    let field = field_schema(file, error.evaluation_path().as_str());
    let expected = expected(error.kind(), field.as_ref());
    let example = field
        .as_ref()
        .and_then(|f| f.get("examples"))
        .and_then(Value::as_array)
        .and_then(|examples| examples.first())
        .map(|example| format!(" (for example {})", quote(example)))
        .unwrap_or_default();
    format!("found {found}; expected {expected}{example}")
}

/// The instance, in words.
fn found(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => quote(value),
        Value::Array(items) => format!("a list of {} item(s)", items.len()),
        Value::Object(map) => format!("a mapping with {} key(s)", map.len()),
    }
}

/// A value as it would be written, cut to [`QUOTE`] characters.
fn quote(value: &Value) -> String {
    let (text, open, close) = match value {
        Value::String(s) => (s.clone(), '"', '"'),
        other => (other.to_string(), '`', '`'),
    };
    if text.chars().count() <= QUOTE {
        format!("{open}{text}{close}")
    } else {
        let cut: String = text.chars().take(QUOTE).collect();
        format!("{open}{cut}…{close}")
    }
}

/// What the failing keyword wanted, in words.
fn expected(kind: &ValidationErrorKind, field: Option<&Value>) -> String {
    let described = field
        .and_then(|f| f.get("description"))
        .and_then(Value::as_str)
        .map(first_sentence);
    let types = field.and_then(|f| f.get("type")).map(type_words);
    match kind {
        ValidationErrorKind::Enum { options } => one_of(options),
        ValidationErrorKind::Constant { expected_value } => quote(expected_value),
        ValidationErrorKind::Type { .. } => types
            .or(described)
            .unwrap_or_else(|| "another kind of value".into()),
        ValidationErrorKind::MinLength { limit } => format!("at least {limit} character(s)"),
        ValidationErrorKind::MaxLength { limit } => format!("at most {limit} character(s)"),
        ValidationErrorKind::MinItems { limit } => format!("at least {limit} item(s)"),
        ValidationErrorKind::MaxItems { limit } => format!("at most {limit} item(s)"),
        ValidationErrorKind::Minimum { limit } => format!("a number of at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("a number of at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("a number above {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("a number below {limit}"),
        ValidationErrorKind::UniqueItems => "a list without repeated items".into(),
        ValidationErrorKind::AdditionalProperties { unexpected } => format!(
            "no field named {}",
            unexpected
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ValidationErrorKind::Format { format } => format!("a valid {format}"),
        _ => described
            .or(types)
            .unwrap_or_else(|| "a value of the documented form".into()),
    }
}

fn one_of(options: &Value) -> String {
    let options: Vec<String> = options
        .as_array()
        .map(|items| items.iter().map(quote).collect())
        .unwrap_or_default();
    match options.as_slice() {
        [] => "one of the documented values".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("one of {} or {last}", init.join(", ")),
    }
}

fn type_words(types: &Value) -> String {
    let word = |t: &str| match t {
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "nothing",
        _ => "a value",
    };
    match types {
        Value::String(t) => word(t).into(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(word)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".into(),
    }
}

/// The first sentence of a description, lower-cased at the start, as the object of "expected".
fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |at| at);
    let sentence = text[..end].trim_end_matches('.');
    let mut chars = sentence.chars();
    match (chars.next(), chars.clone().next()) {
        // "An ORCID iD" -> "an ORCID iD", but "URL ..." stays as it is.
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => sentence.to_owned(),
    }
}

/// The schema object holding the keyword that failed: the evaluation path (the keywords taken
/// from the root of schema file `file`, `$ref`s included) followed without its last segment.
fn field_schema(file: &str, schema_path: &str) -> Option<Value> {
    let mut segments: Vec<String> = schema_path
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    segments.pop()?;
    let (mut file, mut node) = (file.to_owned(), document(file)?);
    for segment in segments {
        if segment == "$ref" {
            let reference = node.get("$ref")?.as_str()?.to_owned();
            let (target, pointer) = reference.split_once('#').unwrap_or((&reference, ""));
            let target = target.strip_prefix(BASE).unwrap_or(target);
            if !target.is_empty() {
                file = target.to_owned();
            }
            node = document(&file)?.pointer(pointer)?.clone();
        } else {
            let next = match &node {
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                other => other.get(&segment)?,
            };
            node = next.clone();
        }
    }
    Some(node)
}

fn document(file: &str) -> Option<Value> {
    let text = FILES.iter().find(|(name, _)| *name == file)?.1;
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::validator;
    use super::describe;

    fn messages(file: &str, instance: &serde_json::Value) -> Vec<String> {
        validator(file)
            .expect("schema compiles")
            .iter_errors(instance)
            .map(|e| describe(&e, file))
            .collect()
    }

    #[test]
    fn a_pattern_violation_says_what_the_field_is_and_shows_an_example() {
        let found = messages(
            "person.schema.json",
            &json!({"name": "Ada", "url": "javascript:alert(1)"}),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let message = &found[0];
        assert!(
            message.starts_with("found \"javascript:alert(1)\"; expected an absolute"),
            "{message}"
        );
        assert!(message.contains("(for example \"https://"), "{message}");
    }

    #[test]
    fn no_message_uses_the_validators_wording() {
        for (file, instance) in [
            (
                "paper.schema.json",
                json!({"title": 3, "year": [1], "date": "June"}),
            ),
            (
                "person.schema.json",
                json!({"name": "A", "orcid": "1234", "github": "a b"}),
            ),
            (
                "dataset-meta.schema.json",
                json!({"title": 3, "description": ["x"]}),
            ),
        ] {
            let found = messages(file, &instance);
            assert!(!found.is_empty(), "{file}");
            for message in found {
                for words in ["is not valid under", "anyOf", "oneOf", "does not match"] {
                    assert!(!message.contains(words), "{file}: {message}");
                }
                assert!(message.starts_with("found "), "{message}");
            }
        }
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(500);
        let found = messages("person.schema.json", &json!({"name": "A", "url": long}));
        assert!(found[0].contains('…') && found[0].len() < 400, "{found:?}");
    }
}
