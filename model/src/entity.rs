//! Entity kinds and references between entities.

use serde::{Deserialize, Serialize};

/// The kinds of entity a library holds. One name everywhere: Rust type,
/// content folder, schema file, URL segment and RDF class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A dataset produced by a feedstock, with one or more Zarr stores.
    Dataset,
    /// A paper, preprint or report.
    Paper,
    /// A trained machine-learning model.
    Model,
    /// A course or educational module.
    Course,
    /// A code repository (feedstocks are code too).
    Code,
    /// A person.
    Person,
    /// An organisation (institution, agency, project).
    Organization,
}

impl EntityKind {
    /// Every kind, in the order pages and indexes list them.
    pub const ALL: [Self; 7] = [
        Self::Dataset,
        Self::Paper,
        Self::Model,
        Self::Course,
        Self::Code,
        Self::Person,
        Self::Organization,
    ];

    /// The URL segment and content folder for this kind, e.g. `datasets`.
    #[must_use]
    pub const fn plural(self) -> &'static str {
        match self {
            Self::Dataset => "datasets",
            Self::Paper => "papers",
            Self::Model => "models",
            Self::Course => "courses",
            Self::Code => "code",
            Self::Person => "people",
            Self::Organization => "organizations",
        }
    }

    /// The singular machine name, e.g. `dataset`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Dataset => "dataset",
            Self::Paper => "paper",
            Self::Model => "model",
            Self::Course => "course",
            Self::Code => "code",
            Self::Person => "person",
            Self::Organization => "organization",
        }
    }

    /// A human label for headings, e.g. `Dataset`.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Dataset => "Dataset",
            Self::Paper => "Paper",
            Self::Model => "Model",
            Self::Course => "Course",
            Self::Code => "Code",
            Self::Person => "Person",
            Self::Organization => "Organization",
        }
    }

    /// The plural human label, e.g. `Datasets`.
    #[must_use]
    pub const fn plural_label(self) -> &'static str {
        match self {
            Self::Dataset => "Datasets",
            Self::Paper => "Papers",
            Self::Model => "Models",
            Self::Course => "Courses",
            Self::Code => "Code",
            Self::Person => "People",
            Self::Organization => "Organizations",
        }
    }

    /// Parses a singular or plural name (`dataset`, `datasets`).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == name || kind.plural() == name)
    }
}

/// A resolved pointer to another entity of the library.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntityRef {
    /// Kind of the target.
    pub kind: EntityKind,
    /// Id of the target within its kind.
    pub id: String,
}

impl EntityRef {
    /// Creates a reference to `kind`/`id`.
    #[must_use]
    pub fn new(kind: EntityKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }

    /// Site-relative URL of the target's page, e.g. `papers/yu-2023/`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("{}/{}/", self.kind.plural(), self.id)
    }
}

/// A reference as written in content, after resolution: either an entity of
/// this library or something outside it (a DOI, a URL).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reference {
    /// An entity of this library.
    Entity {
        /// The target.
        #[serde(flatten)]
        target: EntityRef,
    },
    /// Something outside the library.
    External {
        /// Where it lives (a DOI is written as `https://doi.org/…`).
        url: String,
        /// Optional display label.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
}

impl Reference {
    /// The library entity this points at, if any.
    #[must_use]
    pub fn entity(&self) -> Option<&EntityRef> {
        match self {
            Self::Entity { target } => Some(target),
            Self::External { .. } => None,
        }
    }
}
