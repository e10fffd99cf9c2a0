//! The resolved library: every entity with its references resolved.
//!
//! This is what the generator's later stages (STAC, graph, search, pages)
//! read, and what `library.json` holds. Markdown fields hold Markdown source;
//! rendering is the page stage's job.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Crawl, EntityKind, EntityRef, Reference, Value};

/// Every entity of one library, each list sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    /// Datasets (from feedstocks).
    pub datasets: Vec<Dataset>,
    /// Papers.
    pub papers: Vec<Paper>,
    /// Trained ML models.
    pub models: Vec<Model>,
    /// Courses and educational modules.
    pub courses: Vec<Course>,
    /// Code repositories.
    pub code: Vec<Code>,
    /// People.
    pub people: Vec<Person>,
    /// Organisations.
    pub organizations: Vec<Organization>,
}

impl Library {
    /// Number of entities of `kind`.
    #[must_use]
    pub fn count(&self, kind: EntityKind) -> usize {
        match kind {
            EntityKind::Dataset => self.datasets.len(),
            EntityKind::Paper => self.papers.len(),
            EntityKind::Model => self.models.len(),
            EntityKind::Course => self.courses.len(),
            EntityKind::Code => self.code.len(),
            EntityKind::Person => self.people.len(),
            EntityKind::Organization => self.organizations.len(),
        }
    }

    /// The display title of the entity `target` points at, if it exists.
    #[must_use]
    pub fn title_of(&self, target: &EntityRef) -> Option<&str> {
        fn find<'a, T>(
            items: &'a [T],
            id: &str,
            key: fn(&T) -> &str,
            title: fn(&T) -> &str,
        ) -> Option<&'a str> {
            items
                .binary_search_by(|item| key(item).cmp(id))
                .ok()
                .map(|index| title(&items[index]))
        }
        let id = target.id.as_str();
        match target.kind {
            EntityKind::Dataset => find(&self.datasets, id, |d| &d.id, |d| &d.title),
            EntityKind::Paper => find(&self.papers, id, |p| &p.id, |p| &p.title),
            EntityKind::Model => find(&self.models, id, |m| &m.id, |m| &m.title),
            EntityKind::Course => find(&self.courses, id, |c| &c.id, |c| &c.title),
            EntityKind::Code => find(&self.code, id, |c| &c.id, |c| &c.title),
            EntityKind::Person => find(&self.people, id, |p| &p.id, |p| &p.name),
            EntityKind::Organization => find(&self.organizations, id, |o| &o.id, |o| &o.name),
        }
    }
}

/// A licence as written, with its SPDX identifier where one is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct License {
    /// SPDX identifier (`CC-BY-4.0`), or `proprietary` / `other` as STAC allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spdx: Option<String>,
    /// The licence text as the author wrote it.
    pub text: String,
    /// A link to the licence terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The title of the licence link, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_title: Option<String>,
}

/// A labelled hyperlink.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Target URL.
    pub url: String,
    /// Display label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The STAC provider roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderRole {
    /// Owns the licence.
    Licensor,
    /// Produced the data.
    Producer,
    /// Processed the data.
    Processor,
    /// Hosts the data.
    Host,
}

/// An organisation that produced, processed, licensed or hosts a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    /// Name as written.
    pub name: String,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Roles mapped to STAC provider roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<ProviderRole>,
    /// Roles as written that have no STAC equivalent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_roles: Vec<String>,
    /// Homepage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The organisation entity this provider is, when the library has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Fields Almanac does not model, kept as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
}

/// A work to cite for a dataset, as written, with the paper it is when known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The citation as text (authors, year, title, venue, volume, pages).
    pub text: String,
    /// DOI, bare, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// The paper of this library, or the DOI link, once resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
}

/// A person named as author, maintainer or instructor: always a name, and the
/// person entity when the library knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// Display name.
    pub name: String,
    /// Id of the person entity, when resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

/// How a store's URL is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreScheme {
    /// A local path or `file://` URL.
    File,
    /// `s3://` (AWS or an S3-compatible endpoint).
    S3,
    /// `gs://` (Google Cloud Storage).
    Gcs,
    /// `az://` / `abfs://` (Azure Blob Storage).
    Azure,
    /// `http://` or `https://`.
    Http,
}

/// One Zarr store of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Store {
    /// Id, unique within the dataset.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// URL as written in content, without the credentials it may carry (user info, signed
    /// query parameters): the only form any output holds.
    pub url: String,
    /// How the store is reached.
    pub scheme: StoreScheme,
    /// For local stores: the path relative to the content folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_path: Option<String>,
    /// What the store holds, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the store is publicly readable, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// Description of the upstream source this store was derived from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// URL of the upstream source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Keyword arguments for `xarray.open_dataset` / `open_zarr`, as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub xarray_open_kwargs: BTreeMap<String, Value>,
    /// Fields Almanac does not model, kept as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
    /// What the crawl stage found, once it has run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crawl: Option<Crawl>,
    /// The store was written with credentials (in its URL or its `storage_options`) that were
    /// removed from everything Almanac writes: reading it needs credentials of one's own.
    #[serde(default, skip_serializing_if = "is_false")]
    pub needs_credentials: bool,
    /// How the crawl reaches the store when that differs from `url`: the URL as written,
    /// credentials included. In memory only: never serialised, hidden from `Debug`.
    #[serde(skip)]
    pub access: Option<StoreAccess>,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
const fn is_false(value: &bool) -> bool {
    !*value
}

impl Store {
    /// The URL to open the store with: as written, credentials included.
    #[must_use]
    pub fn access_url(&self) -> &str {
        self.access.as_ref().map_or(&self.url, |a| &a.url)
    }

    /// For local stores, the path to open, relative to the content folder.
    #[must_use]
    pub fn access_local_path(&self) -> Option<&str> {
        match &self.access {
            Some(access) => access.local_path.as_deref(),
            None => self.local_path.as_deref(),
        }
    }
}

/// A store's URL as written, with its credentials, for reading the store; never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreAccess {
    /// The URL as written.
    pub url: String,
    /// For local stores: the path as written, relative to the content folder.
    pub local_path: Option<String>,
}

impl std::fmt::Debug for StoreAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreAccess(***)")
    }
}

/// One recipe of a feedstock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// Recipe id (or the dict object name for `dict_object` recipes).
    pub id: String,
    /// The Python object path, e.g. `recipe:recipes`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// True when `object` names a dict of recipes rather than one recipe.
    #[serde(default)]
    pub dict_object: bool,
    /// Fields Almanac does not model (descriptions, per-recipe provenance), kept as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
}

/// The feedstock a dataset was produced by.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Feedstock {
    /// Repository URL (derived from `ncviewjs:meta_yaml_url` when not stated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// URL of the `meta.yaml`, as LEAP's catalog records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_yaml_url: Option<String>,
    /// Recipes declared in `meta.yaml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipes: Vec<Recipe>,
    /// Pangeo Forge bakery id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bakery: Option<String>,
    /// The code entity for the feedstock repository, when the library has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A dataset: what a feedstock produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// Id (the dataset's folder name).
    pub id: String,
    /// Content file the dataset was read from, relative to the content folder.
    pub source_file: String,
    /// Title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Licence.
    pub license: License,
    /// Providers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<Provider>,
    /// Maintainers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Agent>,
    /// Zarr stores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<Store>,
    /// Other links (documentation, DOI badges, data stories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// DOI of the dataset itself, bare (`10.5281/zenodo.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Works to cite for this dataset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
    /// Thumbnail image URL or content-relative path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// Markdown acknowledgements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledgements: Option<String>,
    /// The feedstock that produces it.
    pub feedstock: Feedstock,
    /// Fields Almanac does not model, kept as written (`meta.yaml` and `catalog.yaml` merged).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
}

/// A paper, preprint or report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paper {
    /// Id (file stem or BibTeX key).
    pub id: String,
    /// Content file it was read from.
    pub source_file: String,
    /// Title.
    pub title: String,
    /// Authors in order.
    pub authors: Vec<Agent>,
    /// Publication year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Publication date (`YYYY-MM-DD` or `YYYY-MM`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Journal, conference or repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// DOI, bare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Landing page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Markdown summary, written for this library.
    pub summary: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Datasets whose data the paper uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<Reference>,
    /// Models the paper introduces or uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Reference>,
    /// Code the paper uses or publishes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Reference>,
    /// Papers this paper cites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<Reference>,
    /// BibTeX for the paper, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bibtex: Option<String>,
}

/// A trained machine-learning model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Id (file stem).
    pub id: String,
    /// Content file it was read from.
    pub source_file: String,
    /// Name.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// The task, e.g. `emulation`, `parameterization`, `downscaling`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Framework, e.g. `PyTorch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// Architecture, e.g. `U-Net`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// Licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
    /// Where the trained weights are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<String>,
    /// Authors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Agent>,
    /// Datasets it was trained on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trained_on: Vec<Reference>,
    /// Datasets it was evaluated on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluated_on: Vec<Reference>,
    /// Papers describing it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub papers: Vec<Reference>,
    /// Code that trains or runs it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Reference>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A course or educational module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    /// Id (file stem).
    pub id: String,
    /// Content file it was read from.
    pub source_file: String,
    /// Title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Level, e.g. `graduate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Homepage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Licence of the material.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
    /// Instructors and authors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructors: Vec<Agent>,
    /// Notebooks or lessons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notebooks: Vec<Link>,
    /// Datasets used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<Reference>,
    /// Models used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Reference>,
    /// Papers read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub papers: Vec<Reference>,
    /// Code used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Reference>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A code repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Code {
    /// Id (file stem or folder name).
    pub id: String,
    /// Content file it was read from.
    pub source_file: String,
    /// Name.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Repository URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
    /// DOI, bare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Programming language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Authors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Agent>,
    /// Datasets it produces or reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<Reference>,
    /// Papers it belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub papers: Vec<Reference>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Id (file stem, or derived from the name for people named only in other entities).
    pub id: String,
    /// Content file it was read from (the first mention for implicit people).
    pub source_file: String,
    /// Full name.
    pub name: String,
    /// ORCID iD, bare (`0000-0001-8571-865X`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
    /// GitHub handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<String>,
    /// Homepage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Organisations the person is affiliated with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<Reference>,
    /// Markdown biography.
    #[serde(default)]
    pub bio: String,
    /// True when the person has no file of their own and was gathered from
    /// author or maintainer lists.
    #[serde(default)]
    pub implicit: bool,
    /// Fields Almanac does not model (e.g. a Hugo profile's role and interests), kept as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Id (file stem).
    pub id: String,
    /// Content file it was read from.
    pub source_file: String,
    /// Name.
    pub name: String,
    /// ROR id, bare (`00hj8s172`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ror: Option<String>,
    /// Homepage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Markdown description.
    #[serde(default)]
    pub description: String,
    /// True when the organisation has no file of its own and was named in an
    /// affiliation list.
    #[serde(default)]
    pub implicit: bool,
}
