//! Validation of content files against the JSON Schemas in `schemas/`, which
//! are compiled into the binary. Violations become diagnostics that point at
//! the offending field in the source file.

mod plain;

use std::sync::OnceLock;

use jsonschema::{Retrieve, Uri, Validator};

use crate::content::document::Node;
use crate::diagnostics::{Diagnostics, Location};

/// Base URL of the schemas' `$id`s.
pub const BASE: &str = "https://leap-stc.github.io/almanac/schemas/";

/// Every schema file, by name, with its text.
pub const FILES: &[(&str, &str)] = &[
    (
        "common.schema.json",
        include_str!("../../../schemas/common.schema.json"),
    ),
    (
        "dataset-meta.schema.json",
        include_str!("../../../schemas/dataset-meta.schema.json"),
    ),
    (
        "dataset-catalog.schema.json",
        include_str!("../../../schemas/dataset-catalog.schema.json"),
    ),
    (
        "paper.schema.json",
        include_str!("../../../schemas/paper.schema.json"),
    ),
    (
        "model.schema.json",
        include_str!("../../../schemas/model.schema.json"),
    ),
    (
        "course.schema.json",
        include_str!("../../../schemas/course.schema.json"),
    ),
    (
        "code.schema.json",
        include_str!("../../../schemas/code.schema.json"),
    ),
    (
        "person.schema.json",
        include_str!("../../../schemas/person.schema.json"),
    ),
    (
        "organization.schema.json",
        include_str!("../../../schemas/organization.schema.json"),
    ),
    (
        "citation-cff.schema.json",
        include_str!("../../../schemas/citation-cff.schema.json"),
    ),
    (
        "almanac-config.schema.json",
        include_str!("../../../schemas/almanac-config.schema.json"),
    ),
];

/// The kinds of file there is a schema for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// A feedstock `meta.yaml`.
    DatasetMeta,
    /// A LEAP `catalog.yaml`.
    DatasetCatalog,
    /// One record of LEAP's web catalog JSON (both of the above in one object).
    WebCatalogRecord,
    /// Paper front matter.
    Paper,
    /// Model front matter.
    Model,
    /// Course front matter.
    Course,
    /// Code front matter.
    Code,
    /// Person front matter.
    Person,
    /// Organisation front matter.
    Organization,
    /// `CITATION.cff`.
    CitationCff,
    /// `almanac.toml`.
    Config,
}

impl Schema {
    fn files(self) -> &'static [&'static str] {
        match self {
            Self::DatasetMeta => &["dataset-meta.schema.json"],
            Self::DatasetCatalog => &["dataset-catalog.schema.json"],
            Self::WebCatalogRecord => &["dataset-meta.schema.json", "dataset-catalog.schema.json"],
            Self::Paper => &["paper.schema.json"],
            Self::Model => &["model.schema.json"],
            Self::Course => &["course.schema.json"],
            Self::Code => &["code.schema.json"],
            Self::Person => &["person.schema.json"],
            Self::Organization => &["organization.schema.json"],
            Self::CitationCff => &["citation-cff.schema.json"],
            Self::Config => &["almanac-config.schema.json"],
        }
    }
}

/// Resolves `$ref`s between our schemas without a network.
struct Embedded;

impl Retrieve for Embedded {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().strip_prefix(BASE).unwrap_or(uri.as_str());
        let name = name.split('#').next().unwrap_or(name);
        let text = FILES
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| *text)
            .ok_or_else(|| format!("no embedded schema `{}`", uri.as_str()))?;
        Ok(serde_json::from_str(text)?)
    }
}

fn validator(file: &str) -> Option<&'static Validator> {
    static VALIDATORS: OnceLock<Vec<(&'static str, Option<Validator>)>> = OnceLock::new();
    let validators = VALIDATORS.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                let validator = serde_json::from_str(text).ok().and_then(|schema| {
                    jsonschema::options()
                        .with_retriever(Embedded)
                        .build(&schema)
                        .ok()
                });
                (*name, validator)
            })
            .collect()
    });
    validators
        .iter()
        .find(|(name, _)| *name == file)
        .and_then(|(_, v)| v.as_ref())
}

/// Checks that every embedded schema parses and compiles; returns the names of those that do not.
#[must_use]
pub fn broken_schemas() -> Vec<&'static str> {
    FILES
        .iter()
        .filter(|(name, _)| validator(name).is_none())
        .map(|(name, _)| *name)
        .collect()
}

/// Every violation of `schema` by a JSON value: (JSON pointer, message).
#[must_use]
pub fn violations(schema: Schema, instance: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in schema.files() {
        if let Some(validator) = validator(name) {
            out.extend(
                validator
                    .iter_errors(instance)
                    .map(|e| (e.instance_path().as_str().to_owned(), e.to_string())),
            );
        }
    }
    out
}

/// Validates `node` (from `file`) against `schema`, reporting each violation at its field.
pub fn validate(schema: Schema, node: &Node, file: &str, diagnostics: &mut Diagnostics) {
    let instance = node.to_json();
    // Messages quote the values they are about: none of them may show a credential.
    let secrets = crate::credentials::secrets_in(&instance);
    for name in schema.files() {
        let Some(validator) = validator(name) else {
            continue;
        };
        for error in validator.iter_errors(&instance) {
            // Loaders report missing required fields themselves, with help.
            if matches!(
                error.kind(),
                jsonschema::error::ValidationErrorKind::Required { .. }
            ) {
                continue;
            }
            let pointer = error.instance_path().as_str().to_owned();
            let position = if pointer.is_empty() {
                node.position
            } else {
                node.key_position(&pointer)
            };
            let field = if pointer.is_empty() {
                String::from("the document")
            } else {
                format!("`{}`", pointer.trim_start_matches('/').replace('/', "."))
            };
            let subject = node.at_pointer(&pointer).position;
            let diagnostic = diagnostics.error(
                "schema",
                Location::at(file, position),
                crate::credentials::redact(
                    &format!("{field}: {}", plain::describe(&error, name)),
                    &secrets,
                ),
            );
            diagnostic.help = Some(format!("see schemas/{name}"));
            diagnostic.subject = Some(subject);
        }
    }
}
#[cfg(test)]
mod tests {
    #[test]
    fn every_schema_compiles() {
        assert_eq!(super::broken_schemas(), Vec::<&str>::new());
    }
}
