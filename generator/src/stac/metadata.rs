//! What a collection says about its dataset besides the stores: licence, providers, the
//! scientific extension (DOI, citation, publications) and links to everything around it
//! (`license`, `cite-as`, `via`, `derived_from`, `describedby`, `related`).

use std::collections::BTreeSet;

use almanac_model::{Dataset, EntityKind, EntityRef, Library, Paper};
use serde_json::{Map, Value, json};

use super::{Settings, paths};
use crate::content::dataset::role_name;
use crate::links::{Links, Relation};

/// The STAC `license`: the SPDX identifier, or `other` when there is none (or it is an
/// expression the field cannot hold).
pub fn license(dataset: &Dataset) -> String {
    match dataset.license.spdx.as_deref() {
        Some(id)
            if id != "proprietary"
                && !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '+' | '_')) =>
        {
            id.to_owned()
        }
        _ => "other".to_owned(),
    }
}

/// Providers with their STAC roles. Roles with no STAC equivalent were reported by the
/// content loader (`provider-role`) and are named in the description.
pub fn providers(dataset: &Dataset) -> Vec<Value> {
    dataset
        .providers
        .iter()
        .map(|provider| {
            let mut object = Map::new();
            object.insert("name".into(), json!(provider.name));
            let mut description = provider.description.clone().unwrap_or_default();
            if !provider.other_roles.is_empty() {
                if !description.is_empty() {
                    description.push(' ');
                }
                description.push_str(&format!(
                    "Other roles: {}.",
                    provider.other_roles.join(", ")
                ));
            }
            if !description.is_empty() {
                object.insert("description".into(), json!(description));
            }
            if !provider.roles.is_empty() {
                let roles: Vec<&str> = provider.roles.iter().map(|r| role_name(*r)).collect();
                object.insert("roles".into(), json!(roles));
            }
            // The schema wants an absolute IRI here; content may hold a bare host name.
            if let Some(url) = provider.url.as_ref().filter(|u| u.contains("://")) {
                object.insert("url".into(), json!(url));
            }
            Value::Object(object)
        })
        .collect()
}

/// True when `doi` fits the scientific extension's pattern (`10.NNNN/…`, no spaces).
fn valid_doi(doi: &str) -> bool {
    let Some((prefix, suffix)) = doi.split_once('/') else {
        return false;
    };
    prefix.strip_prefix("10.").is_some_and(|registrant| {
        registrant.len() >= 4 && registrant.chars().all(|c| c.is_ascii_alphanumeric())
    }) && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace)
}

/// `sci:doi`, `sci:citation` and `sci:publications`: the dataset's DOI, its first citation,
/// and every work cited for it or using its data (papers of the library), without repeats.
pub fn scientific(
    library: &Library,
    links: &Links,
    dataset: &Dataset,
    object: &mut Map<String, Value>,
) {
    if let Some(doi) = dataset.doi.as_deref().filter(|d| valid_doi(d)) {
        object.insert("sci:doi".into(), json!(doi));
    }
    if let Some(first) = dataset.citations.first() {
        object.insert("sci:citation".into(), json!(first.text));
    }
    let mut seen = BTreeSet::new();
    let mut publications = Vec::new();
    let mut add = |doi: Option<&str>, citation: String| {
        let doi = doi.filter(|d| valid_doi(d));
        if let Some(doi) = doi
            && !seen.insert(doi.to_lowercase())
        {
            return;
        }
        let mut publication = Map::new();
        if let Some(doi) = doi {
            publication.insert("doi".into(), json!(doi));
        }
        publication.insert("citation".into(), json!(citation));
        publications.push(Value::Object(publication));
    };
    for citation in &dataset.citations {
        add(citation.doi.as_deref(), citation.text.clone());
    }
    let me = EntityRef::new(EntityKind::Dataset, &dataset.id);
    for edge in links.to(&me) {
        if edge.relation == Relation::UsesData
            && edge.from.kind == EntityKind::Paper
            && let Ok(index) = library
                .papers
                .binary_search_by(|p| p.id.as_str().cmp(&edge.from.id))
        {
            let paper = &library.papers[index];
            add(paper.doi.as_deref(), paper_citation(paper));
        }
    }
    if !publications.is_empty() {
        object.insert("sci:publications".into(), Value::Array(publications));
    }
}

/// "Authors (year). Title. Venue." for a paper of the library.
fn paper_citation(paper: &Paper) -> String {
    let authors: Vec<&str> = paper.authors.iter().map(|a| a.name.as_str()).collect();
    let mut text = authors.join(", ");
    if let Some(year) = paper.year {
        text.push_str(&format!(" ({year})"));
    }
    if !text.is_empty() {
        text.push_str(". ");
    }
    text.push_str(paper.title.trim_end_matches('.'));
    text.push('.');
    if let Some(venue) = &paper.venue {
        text.push_str(&format!(" {venue}."));
    }
    text
}

/// Links from the collection at `path` to what is around the dataset.
pub fn links(dataset: &Dataset, path: &str, settings: &Settings) -> Vec<Value> {
    let mut out = Vec::new();
    let licence_title = dataset
        .license
        .link_title
        .clone()
        .unwrap_or_else(|| dataset.license.text.clone());
    let spdx = license(dataset);
    let licence_url =
        dataset.license.url.clone().or_else(|| {
            (spdx != "other").then(|| format!("https://spdx.org/licenses/{spdx}.html"))
        });
    if let Some(url) = licence_url {
        out.push(json!({ "rel": "license", "href": url, "title": licence_title }));
    }
    let doi_link = |doi: &str, title: &str| json!({ "rel": "cite-as", "href": format!("https://doi.org/{doi}"), "title": title });
    match dataset.doi.as_deref() {
        Some(doi) => out.push(doi_link(doi, "Dataset DOI")),
        None => {
            for citation in &dataset.citations {
                if let Some(doi) = &citation.doi {
                    out.push(doi_link(doi, &citation.text));
                }
            }
        }
    }
    if let Some(repository) = &dataset.feedstock.repository {
        out.push(json!({
            "rel": "via",
            "href": repository,
            "type": "text/html",
            "title": "Feedstock repository",
        }));
    }
    let mut sources = BTreeSet::new();
    for store in &dataset.stores {
        if let Some(url) = &store.source_url
            && sources.insert(url.clone())
        {
            out.push(json!({
                "rel": "derived_from",
                "href": url,
                "title": store.source.clone().unwrap_or_else(|| "Upstream source".into()),
            }));
        }
    }
    out.push(page_link(
        &EntityRef::new(EntityKind::Dataset, &dataset.id),
        path,
        settings,
        &dataset.title,
    ));
    for link in &dataset.links {
        let mut value = json!({ "rel": "related", "href": link.url });
        if let Some(label) = &link.label {
            value["title"] = json!(label);
        }
        out.push(value);
    }
    out
}

/// `describedby` to an entity's HTML page: absolute with a base URL, else relative.
pub fn page_link(entity: &EntityRef, from: &str, settings: &Settings, title: &str) -> Value {
    let href = match &settings.base_url {
        Some(base) => format!("{base}{}", entity.url()),
        None => paths::relative(from, &entity.url()),
    };
    json!({
        "rel": "describedby",
        "href": href,
        "type": "text/html",
        "title": format!("{title} (web page)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois() {
        assert!(valid_doi("10.5194/gmd-9-1937-2016"));
        assert!(valid_doi("10.48550/arXiv.2306.08754"));
        assert!(!valid_doi("10.12/abc"));
        assert!(!valid_doi("doi:10.5194/x"));
        assert!(!valid_doi("10.5194/a b"));
    }
}
