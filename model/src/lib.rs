//! Plain data shared by the Almanac generator and its WASM front end.
//!
//! The generator resolves `content/` into a [`Library`] and writes it as
//! `library.json`; the front end reads [`EntitySummary`] lists and the same
//! entity types. This crate depends on serde only so that it compiles to
//! `wasm32-unknown-unknown` unchanged.

mod entity;
mod facts;
mod library;
pub mod search;
mod value;

pub use entity::{EntityKind, EntityRef, Reference};
pub use facts::{
    ArrayFacts, Axis, BoundingBox, Crawl, DimensionFacts, GridMapping, Provenance, StoreFacts,
    TimeExtent, VariableRole, VerticalExtent,
};
pub use library::{
    Agent, Citation, Code, Course, Dataset, Feedstock, Library, License, Link, Model, Organization,
    Paper, Person, Provider, ProviderRole, Recipe, Store, StoreAccess, StoreScheme,
};
pub use value::Value;

/// One line per entity, enough for a result card or a type-ahead entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EntitySummary {
    /// What kind of entity this is.
    pub kind: EntityKind,
    /// The entity's id, unique within its kind.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Site-relative URL of the entity's page, e.g. `datasets/ostia/`.
    pub url: String,
    /// Plain-text summary, at most a few sentences.
    pub summary: String,
    /// Tags or keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}
