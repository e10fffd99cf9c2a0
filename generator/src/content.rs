//! The content stage: reads a library folder (`content/`) into drafts of
//! every entity, with their references still as written, and diagnostics.
//!
//! Files are read as they are; nothing here touches the network or another
//! stage (feedstocks fetched by [`crate::sources`] arrive here as text).
//! Resolution of references happens in [`crate::resolve`].

pub mod bibtex;
pub mod boundary;
pub mod code;
pub mod course;
pub mod dataset;
pub mod document;
pub mod fields;
pub mod file_name;
pub mod identifier;
pub mod license;
pub mod model;
pub mod organization;
pub mod paper;
pub mod person;
pub mod schema;
pub mod thumbnail;
pub(crate) mod walk;

use almanac_model::{Code, Course, Dataset, License, Model, Organization, Paper, Person};

use crate::content::document::Node;
use crate::content::fields::{AgentSpec, Reader, RefSpec};
use crate::content::license::Normalized;
use crate::diagnostics::{Diagnostics, Location};

pub use walk::{
    FileKind, RemoteFeedstock, load, load_dataset_folder, load_file, load_kind_folder,
    load_with_limits, parse_document, push_remote_feedstock, sniff,
};

/// An entity as loaded, with the references and people it names still unresolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft<T> {
    /// The entity; its reference lists are empty until resolution.
    pub entity: T,
    /// References to other entities, by field.
    pub refs: Vec<RefSpec>,
    /// People named in author, maintainer or instructor lists.
    pub agents: Vec<AgentSpec>,
    /// Where the id comes from (the `id:` field, the BibTeX key, the record), when that is
    /// more precise than the entity's file; diagnostics about the id point there.
    pub origin: Option<Location>,
}

impl<T> Draft<T> {
    /// A draft with no references yet.
    pub const fn new(entity: T) -> Self {
        Self {
            entity,
            refs: Vec::new(),
            agents: Vec::new(),
            origin: None,
        }
    }
}

/// Everything loaded from a library folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// How the content folder is shown in diagnostics (e.g. `content`); empty for loose files.
    pub label: String,
    /// Datasets.
    pub datasets: Vec<Draft<Dataset>>,
    /// Papers.
    pub papers: Vec<Draft<Paper>>,
    /// Models.
    pub models: Vec<Draft<Model>>,
    /// Courses.
    pub courses: Vec<Draft<Course>>,
    /// Code.
    pub code: Vec<Draft<Code>>,
    /// People.
    pub people: Vec<Draft<Person>>,
    /// Organisations.
    pub organizations: Vec<Draft<Organization>>,
}

/// A Markdown file split into parsed front matter and body.
#[derive(Debug, Clone)]
pub struct MarkdownFile<'a> {
    /// Path for diagnostics.
    pub path: &'a str,
    /// Path relative to the content folder.
    pub source_file: &'a str,
    /// The parsed front matter (`null` when there is none).
    pub front_matter: Node,
    /// The Markdown body.
    pub body: &'a str,
}

/// Reads an optional licence field of Almanac's own formats.
pub fn read_license_field(
    reader: &Reader<'_>,
    key: &str,
    diagnostics: &mut Diagnostics,
) -> Option<License> {
    let text = reader.string(key, diagnostics)?;
    let position = reader
        .get(key)
        .map_or_else(Default::default, |n| n.position);
    let spdx = license_to_spdx(&text, &reader.at(position), key, diagnostics);
    let url = license::spdx_url(&spdx);
    Some(License {
        link_title: None,
        spdx: Some(spdx),
        text,
        url,
    })
}

/// The SPDX id for a licence as written at `location` (in field `key`),
/// reporting free text that was mapped and text that could not be.
pub fn license_to_spdx(
    text: &str,
    location: &Location,
    key: &str,
    diagnostics: &mut Diagnostics,
) -> String {
    match license::normalize(text) {
        Normalized::Exact(id) => id,
        Normalized::Mapped(id) => {
            diagnostics
                .warning(
                    "license-not-spdx",
                    location.clone(),
                    format!("licence `{text}` is not an SPDX identifier; read as `{id}`"),
                )
                .help = Some(format!("write `{key}: \"{id}\"`"));
            id
        }
        Normalized::Unknown => {
            diagnostics
                .warning(
                    "unknown-license",
                    location.clone(),
                    format!("licence `{text}` is not an SPDX identifier and has no known equivalent"),
                )
                .help = Some(
                "use an id from https://spdx.org/licenses/, or `proprietary` with a link to the terms".into(),
            );
            "other".into()
        }
    }
}
