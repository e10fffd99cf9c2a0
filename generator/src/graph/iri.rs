//! Graph stage: stable IRIs for every node. An entity's IRI is its global
//! identifier where it has one (`https://doi.org/…` for papers, datasets and
//! code with a DOI, `https://orcid.org/…` for people, `https://ror.org/…`
//! for organisations), else the URL of its page under the site's base URL.
//! Nodes that belong to an entity (stores, variables, extents, builds) are
//! fragments of the entity's page URL. Without `site.base_url` the base is
//! [`DEFAULT_BASE`], a reserved `.invalid` host that says plainly that the
//! site's public address is not known.

use std::collections::{BTreeMap, BTreeSet};

use almanac_model::{EntityKind, EntityRef, Library, License};

use crate::config::Config;

/// The base used when `site.base_url` is not set. `.invalid` is reserved
/// (RFC 2606), so these IRIs never collide with anyone's real URLs.
pub const DEFAULT_BASE: &str = "https://almanac.invalid/";

/// IRIs of one library under one base.
#[derive(Debug, Clone)]
pub struct Iris {
    base: String,
    entities: BTreeMap<EntityRef, String>,
}

impl Iris {
    /// The IRIs of every entity of `library`, with `config.site.base_url` as base.
    #[must_use]
    pub fn new(library: &Library, config: &Config) -> Self {
        let base = config
            .site
            .base_url
            .clone()
            .unwrap_or_else(|| DEFAULT_BASE.to_owned());
        let mut iris = Self {
            base,
            entities: BTreeMap::new(),
        };
        let mut taken = BTreeSet::new();
        let mut claim = |iris: &mut Self, kind: EntityKind, id: &str, global: Option<String>| {
            let target = EntityRef::new(kind, id);
            // Two entities with one DOI (a paper and its code, say) must stay
            // two nodes: the later one in kind order keeps its page IRI.
            let iri = global
                .filter(|g| !taken.contains(g))
                .unwrap_or_else(|| iris.page(&target));
            taken.insert(iri.clone());
            iris.entities.insert(target, iri);
        };
        for d in &library.datasets {
            claim(
                &mut iris,
                EntityKind::Dataset,
                &d.id,
                d.doi.as_deref().map(doi),
            );
        }
        for p in &library.papers {
            claim(
                &mut iris,
                EntityKind::Paper,
                &p.id,
                p.doi.as_deref().map(doi),
            );
        }
        for m in &library.models {
            claim(&mut iris, EntityKind::Model, &m.id, None);
        }
        for c in &library.courses {
            claim(&mut iris, EntityKind::Course, &c.id, None);
        }
        for c in &library.code {
            claim(
                &mut iris,
                EntityKind::Code,
                &c.id,
                c.doi.as_deref().map(doi),
            );
        }
        for p in &library.people {
            claim(
                &mut iris,
                EntityKind::Person,
                &p.id,
                p.orcid.as_deref().map(orcid),
            );
        }
        for o in &library.organizations {
            claim(
                &mut iris,
                EntityKind::Organization,
                &o.id,
                o.ror.as_deref().map(ror),
            );
        }
        iris
    }

    /// The base (ends with `/`); also the IRI of the catalog.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of an entity's page.
    #[must_use]
    pub fn page(&self, target: &EntityRef) -> String {
        format!(
            "{}{}/{}/",
            self.base,
            target.kind.plural(),
            encode(&target.id)
        )
    }

    /// The IRI of an entity (its page URL when the library does not have it).
    #[must_use]
    pub fn entity(&self, target: &EntityRef) -> String {
        self.entities
            .get(target)
            .cloned()
            .unwrap_or_else(|| self.page(target))
    }

    /// The IRI of `kind`/`id`.
    #[must_use]
    pub fn of(&self, kind: EntityKind, id: &str) -> String {
        self.entity(&EntityRef::new(kind, id))
    }

    /// A node that belongs to an entity: `<page>#<name>`.
    #[must_use]
    pub fn part(&self, kind: EntityKind, id: &str, name: &str) -> String {
        format!("{}#{}", self.page(&EntityRef::new(kind, id)), encode(name))
    }

    /// Every entity with its IRI.
    pub fn all(&self) -> impl Iterator<Item = (&EntityRef, &str)> {
        self.entities.iter().map(|(k, v)| (k, v.as_str()))
    }
}

/// `https://doi.org/<doi>`.
#[must_use]
pub fn doi(doi: &str) -> String {
    format!("https://doi.org/{}", encode(doi))
}

/// `https://orcid.org/<orcid>`.
#[must_use]
pub fn orcid(orcid: &str) -> String {
    format!("https://orcid.org/{}", encode(orcid))
}

/// `https://ror.org/<ror>`.
#[must_use]
pub fn ror(ror: &str) -> String {
    format!("https://ror.org/{}", encode(ror))
}

/// The CF standard name as a term of the NERC Vocabulary Server's P07 collection.
#[must_use]
pub fn cf_standard_name(name: &str) -> String {
    format!("http://vocab.nerc.ac.uk/standard_name/{}/", encode(name))
}

/// `http://spdx.org/licenses/<id>` for a licence with a real SPDX id
/// (not `other` or `proprietary`).
#[must_use]
pub fn spdx(license: &License) -> Option<String> {
    license
        .spdx
        .as_deref()
        .filter(|id| !matches!(*id, "other" | "proprietary" | "") && id.chars().all(is_spdx_char))
        .map(|id| format!("{}{id}", super::vocab::spdx::NS))
}

fn is_spdx_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+')
}

/// Percent-encodes what may not appear in an IRI path or fragment (space,
/// `<>"{}|\^`` ` ``, `#`, `%`, `?` and controls); other characters, including
/// `/` and non-ASCII letters, are kept.
#[must_use]
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let unsafe_ascii =
            c.is_ascii() && (c.is_ascii_control() || " <>\"{}|\\^`#%?[]".contains(c));
        if unsafe_ascii || c.is_control() || c.is_whitespace() {
            let mut buffer = [0; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_identifiers_win_and_collisions_fall_back() {
        let config = Config::default();
        let mut library = Library::default();
        library.papers.push(paper("a", Some("10.1/x")));
        library.code.push(almanac_model::Code {
            id: "c".into(),
            source_file: "code/c.md".into(),
            title: "C".into(),
            description: String::new(),
            repository: None,
            license: None,
            doi: Some("10.1/x".into()),
            version: None,
            language: None,
            authors: vec![],
            datasets: vec![],
            papers: vec![],
            tags: vec![],
        });
        let iris = Iris::new(&library, &config);
        assert_eq!(iris.of(EntityKind::Paper, "a"), "https://doi.org/10.1/x");
        assert_eq!(
            iris.of(EntityKind::Code, "c"),
            "https://almanac.invalid/code/c/"
        );
        assert_eq!(
            iris.part(EntityKind::Dataset, "d", "store-a b"),
            "https://almanac.invalid/datasets/d/#store-a%20b"
        );
        assert_eq!(
            doi("10.1002/(SICI)1<2>"),
            "https://doi.org/10.1002/(SICI)1%3C2%3E"
        );
    }

    fn paper(id: &str, doi: Option<&str>) -> almanac_model::Paper {
        almanac_model::Paper {
            id: id.into(),
            source_file: format!("papers/{id}.md"),
            title: id.into(),
            authors: vec![],
            year: None,
            date: None,
            venue: None,
            doi: doi.map(Into::into),
            url: None,
            summary: String::new(),
            tags: vec![],
            datasets: vec![],
            models: vec![],
            code: vec![],
            cites: vec![],
            bibtex: None,
        }
    }
}
