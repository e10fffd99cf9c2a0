//! The JSON Schemas in `schemas/` (the authoring contract): they compile, the
//! binary embeds exactly the files on disk, every property is documented, the
//! demo library satisfies them, and the configuration schema agrees with the
//! configuration parser.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use almanac::content::schema;
use almanac::{BuildOptions, Config};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

/// Names of the `*.schema.json` files in `schemas/`.
fn schema_files_on_disk() -> BTreeSet<String> {
    fs::read_dir(repo().join("schemas"))
        .expect("schemas/ exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".schema.json"))
        .collect()
}

fn parse(name: &str, text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

#[test]
fn every_embedded_schema_compiles() {
    assert_eq!(schema::broken_schemas(), Vec::<&str>::new());
}

#[test]
fn embedded_schemas_are_exactly_the_files_on_disk() {
    let embedded: BTreeSet<String> = schema::FILES
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    assert_eq!(
        embedded.len(),
        schema::FILES.len(),
        "a schema is embedded twice"
    );
    assert_eq!(embedded, schema_files_on_disk());
    for (name, text) in schema::FILES {
        let on_disk = fs::read_to_string(repo().join("schemas").join(name)).expect("schema file");
        assert_eq!(*text, on_disk, "{name} differs from the embedded copy");
        let value = parse(name, text);
        assert_eq!(
            value["$id"].as_str(),
            Some(format!("{}{name}", schema::BASE).as_str()),
            "{name} has the wrong $id"
        );
        assert!(
            value["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty()),
            "{name} has no description"
        );
    }
}

/// Collects the JSON pointers of properties without a description.
fn undocumented(value: &Value, pointer: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (key, property) in properties {
                    let documented = property
                        .get("description")
                        .and_then(Value::as_str)
                        .is_some_and(|d| !d.trim().is_empty());
                    if !documented {
                        out.push(format!("{pointer}/properties/{key}"));
                    }
                }
            }
            for (key, child) in map {
                // Examples and defaults are instances, not schemas.
                if key != "examples" && key != "default" && key != "const" && key != "enum" {
                    undocumented(child, &format!("{pointer}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                undocumented(item, &format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_has_a_description() {
    let mut missing = Vec::new();
    let mut properties = 0;
    for (name, text) in schema::FILES {
        let value = parse(name, text);
        properties += text.matches("\"properties\"").count();
        undocumented(&value, name, &mut missing);
    }
    assert!(
        properties > 10,
        "the walk found only {properties} property lists"
    );
    assert!(
        missing.is_empty(),
        "properties without a description:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_walk_finds_undocumented_properties() {
    let schema: Value = serde_json::json!({
        "properties": {
            "a": {"description": "ok", "type": "object", "properties": {"b": {"type": "string"}}},
            "c": {"description": " "}
        },
        "$defs": {"d": {"properties": {"e": {"$ref": "#/x"}}}}
    });
    let mut missing = Vec::new();
    undocumented(&schema, "s", &mut missing);
    missing.sort();
    assert_eq!(
        missing,
        [
            "s/$defs/d/properties/e",
            "s/properties/a/properties/b",
            "s/properties/c"
        ]
    );
}

#[test]
fn the_demo_library_satisfies_the_schemas() {
    let options = BuildOptions::for_project(&repo()).expect("the demo's almanac.toml is valid");
    let (library, diagnostics) = almanac::load_library(&options);
    assert!(library.datasets.len() > 5, "the demo library loaded");
    let violations: Vec<String> = diagnostics
        .items()
        .iter()
        .filter(|d| d.code == "schema")
        .map(ToString::to_string)
        .collect();
    assert!(
        violations.is_empty(),
        "schema violations in the demo:\n{}",
        violations.join("\n")
    );
}

fn config_validator() -> jsonschema::Validator {
    let (name, text) = schema::FILES
        .iter()
        .find(|(name, _)| *name == "almanac-config.schema.json")
        .expect("the configuration schema is embedded");
    jsonschema::validator_for(&parse(name, text)).expect("the configuration schema compiles")
}

/// The TOML as JSON, the way the schema sees it.
fn toml_to_json(text: &str) -> Value {
    toml::from_str(text).unwrap_or_else(|e| panic!("not TOML ({e}):\n{text}"))
}

#[test]
fn project_configurations_parse_and_satisfy_the_schema() {
    let validator = config_validator();
    for path in [
        repo().join("almanac.toml"),
        repo().join("tests/sites/minimal/almanac.toml"),
    ] {
        let text = fs::read_to_string(&path).expect("almanac.toml");
        let config = Config::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_ne!(
            config,
            Config::default(),
            "{} sets something",
            path.display()
        );
        let errors: Vec<String> = validator
            .iter_errors(&toml_to_json(&text))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    let demo = Config::load(&repo().join("almanac.toml")).expect("load");
    assert_eq!(demo.site.title, "LEAP-Pangeo Data Library");
    assert_eq!(demo.build.content_dir, Path::new("content"));
}

#[test]
fn configuration_schema_and_parser_agree() {
    let validator = config_validator();
    let samples = [
        ("", true),
        (
            "[site]\ntitle = \"x\"\nbase_url = \"https://example.org/catalog/\"\n",
            true,
        ),
        (
            "[site]\nlanguage = \"en-US\"\nhub_url = \"https://hub.example.org/\"\n",
            true,
        ),
        (
            "[build]\ncontent_dir = \"library\"\noutput_dir = \"site\"\n",
            true,
        ),
        ("[serve]\nport = 8080\n", true),
        ("[site]\ntitel = \"typo\"\n", false),
        ("[sight]\ntitle = \"typo\"\n", false),
        ("[serve]\nport = \"8080\"\n", false),
        ("[serve]\nport = 70000\n", false),
        ("[build]\ncontent_dir = 3\n", false),
        ("[site]\ntheme = [\"default\"]\n", false),
    ];
    for (text, valid) in samples {
        assert_eq!(
            Config::parse(text).is_ok(),
            valid,
            "Config::parse on:\n{text}"
        );
        assert_eq!(
            validator.is_valid(&toml_to_json(text)),
            valid,
            "the schema on:\n{text}"
        );
    }
}
