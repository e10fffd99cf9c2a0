//! What templates see: plain JSON views of entities with their Markdown
//! rendered, their facts as escaped HTML rows, and their links both ways.

use std::collections::BTreeMap;

use almanac_model::{Agent, EntityKind, EntityRef, Library, License, Link, Reference};
use serde_json::{Value, json};

use crate::content::dataset::role_name;
use crate::links::Links;
use crate::render::markdown::{self, escape, is_safe_url, to_html_limited, to_plain};

/// An entity ready for its template.
#[derive(Debug, Clone)]
pub struct EntityView {
    /// Kind.
    pub kind: EntityKind,
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Plain-text summary for meta tags.
    pub summary: String,
    /// Everything the template reads.
    pub data: Value,
}

const ROOT: &str = "../../";

fn entity_url(target: &EntityRef) -> String {
    format!("{ROOT}{}", target.url())
}

fn link_html(url: &str, text: &str) -> String {
    if is_safe_url(url) {
        format!("<a href=\"{}\">{}</a>", escape(url), escape(text))
    } else {
        escape(text)
    }
}

fn license_html(license: &License) -> String {
    let label = license
        .spdx
        .as_deref()
        .filter(|s| *s != "other")
        .unwrap_or(&license.text);
    let label = if label.is_empty() {
        "not stated"
    } else {
        label
    };
    let spdx_url = license
        .spdx
        .as_deref()
        .filter(|s| !matches!(*s, "other" | "proprietary"))
        .map(|s| format!("https://spdx.org/licenses/{s}.html"));
    match license.url.as_ref().or(spdx_url.as_ref()) {
        Some(url) => link_html(url, label),
        None => escape(label),
    }
}

/// Rows of a facts table: (label, HTML).
struct Facts(Vec<(String, String)>);

impl Facts {
    fn text(&mut self, label: &str, value: Option<&str>) {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            self.0.push((label.into(), escape(value)));
        }
    }
    fn html(&mut self, label: &str, html: String) {
        if !html.is_empty() {
            self.0.push((label.into(), html));
        }
    }
    fn link(&mut self, label: &str, url: Option<&str>) {
        if let Some(url) = url.filter(|u| !u.is_empty()) {
            self.0.push((label.into(), link_html(url, url)));
        }
    }
    fn doi(&mut self, doi: Option<&str>) {
        if let Some(doi) = doi {
            self.0.push((
                "DOI".into(),
                link_html(&format!("https://doi.org/{doi}"), doi),
            ));
        }
    }
    fn into_value(self) -> Value {
        Value::Array(
            self.0
                .into_iter()
                .map(|(label, html)| json!({"label": label, "html": html}))
                .collect(),
        )
    }
}

fn people_value(label: &str, agents: &[Agent]) -> Value {
    let items: Vec<Value> = agents
        .iter()
        .map(|a| json!({"name": a.name, "url": a.person.as_ref().map(|p| entity_url(&EntityRef::new(EntityKind::Person, p)))}))
        .collect();
    json!({"label": label, "items": items})
}

fn externals(references: &[&[Reference]]) -> Vec<Value> {
    let mut out = Vec::new();
    for list in references {
        for reference in *list {
            if let Reference::External { url, label } = reference
                && is_safe_url(url)
            {
                out.push(
                    json!({"url": url, "label": label.clone().unwrap_or_else(|| url.clone())}),
                );
            }
        }
    }
    out
}

/// Sections of links to and from an entity, grouped by relation label.
fn related(library: &Library, links: &Links, me: &EntityRef) -> Value {
    let mut sections: BTreeMap<(u8, &'static str), Vec<Value>> = BTreeMap::new();
    let item = |target: &EntityRef| {
        json!({
            "title": library.title_of(target).unwrap_or(&target.id),
            "url": entity_url(target),
            "kind": target.kind.label(),
        })
    };
    for edge in links.from(me) {
        if edge.to.kind == EntityKind::Person || edge.relation == crate::links::Relation::ProvidedBy
        {
            continue; // people and providers have their own lists on the page
        }
        sections
            .entry((0, edge.relation.label()))
            .or_default()
            .push(item(&edge.to));
    }
    for edge in links.to(me) {
        sections
            .entry((1, edge.relation.inverse_label()))
            .or_default()
            .push(item(&edge.from));
    }
    Value::Array(
        sections
            .into_iter()
            .map(|((_, label), mut items)| {
                items.dedup();
                json!({"label": label, "items": items})
            })
            .collect(),
    )
}

/// Tags linking to their pages: the dataset facet for datasets, the tag page otherwise.
fn tags(kind: EntityKind, tags: &[String]) -> Value {
    let base = if kind == EntityKind::Dataset {
        "datasets/tags/"
    } else {
        "tags/"
    };
    Value::Array(
        tags.iter()
            .map(|t| json!({"label": t, "url": format!("{ROOT}{base}{}/", super::slug(t))}))
            .collect(),
    )
}

fn base(
    depth: usize,
    kind: EntityKind,
    id: &str,
    title: &str,
    markdown: &str,
    source_file: &str,
) -> (Value, String) {
    let summary = to_plain(markdown, 200);
    (
        json!({
            "kind": kind.name(),
            "kind_label": kind.label(),
            "id": id,
            "title": title,
            "html": to_html_limited(markdown, depth),
            "summary": summary,
            "source_file": source_file,
            "tags": [],
            "facts": [],
            "people": [],
            "externals": [],
            "related": [],
            "stores": [],
            "providers": [],
            "links": [],
            "citations": [],
        }),
        summary,
    )
}

fn links_value(links: &[Link]) -> Value {
    Value::Array(
        links
            .iter()
            .filter(|l| is_safe_url(&l.url))
            .map(|l| json!({"url": l.url, "label": l.label.clone().unwrap_or_else(|| l.url.clone())}))
            .collect(),
    )
}

/// The views of every entity, Markdown nested at most `depth` levels deep.
pub fn all_entities(library: &Library, links: &Links, depth: usize) -> Vec<EntityView> {
    let mut views = Vec::new();
    for d in &library.datasets {
        let me = EntityRef::new(EntityKind::Dataset, &d.id);
        let (mut data, summary) = base(
            depth,
            EntityKind::Dataset,
            &d.id,
            &d.title,
            &d.description,
            &d.source_file,
        );
        let mut facts = Facts(Vec::new());
        facts.html("Licence", license_html(&d.license));
        facts.doi(d.doi.as_deref());
        facts.link("Feedstock", d.feedstock.repository.as_deref());
        facts.text(
            "Recipes",
            Some(
                &d.feedstock
                    .recipes
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        );
        facts.text("Bakery", d.feedstock.bakery.as_deref());
        data["facts"] = facts.into_value();
        data["tags"] = tags(EntityKind::Dataset, &d.tags);
        data["people"] = json!([people_value("Maintainers", &d.maintainers)]);
        data["providers"] = Value::Array(
            d.providers
                .iter()
                .map(|p| {
                    let roles: Vec<String> = p.roles.iter().map(|r| role_name(*r).to_owned()).chain(p.other_roles.iter().cloned()).collect();
                    json!({
                        "name": p.name,
                        "url": p.url.as_ref().filter(|u| is_safe_url(u)),
                        "description": p.description,
                        "roles": roles.join(", "),
                        "organization": p.organization.as_ref().map(|o| entity_url(&EntityRef::new(EntityKind::Organization, o))),
                    })
                })
                .collect(),
        );
        data["links"] = links_value(&d.links);
        data["acknowledgements"] = json!(
            d.acknowledgements
                .as_deref()
                .map(|text| to_html_limited(text, depth))
        );
        let cited: Vec<Reference> = d
            .citations
            .iter()
            .filter_map(|c| c.reference.clone())
            .collect();
        data["externals"] = json!(externals(&[&cited]));
        data["citations"] = Value::Array(
            d.citations
                .iter()
                .map(|c| {
                    let url = c.reference.as_ref().map(|r| match r {
                        Reference::Entity { target } => entity_url(target),
                        Reference::External { url, .. } => url.clone(),
                    });
                    let label = match &c.reference {
                        Some(Reference::Entity { .. }) => "In this library",
                        _ => "DOI",
                    };
                    json!({"text": c.text, "url": url, "label": label})
                })
                .collect(),
        );
        data["related"] = related(library, links, &me);
        views.push(EntityView {
            kind: EntityKind::Dataset,
            id: d.id.clone(),
            title: d.title.clone(),
            summary,
            data,
        });
    }
    for p in &library.papers {
        let me = EntityRef::new(EntityKind::Paper, &p.id);
        let (mut data, summary) = base(
            depth,
            EntityKind::Paper,
            &p.id,
            &p.title,
            &p.summary,
            &p.source_file,
        );
        let mut facts = Facts(Vec::new());
        facts.text(
            "Published",
            p.date
                .as_deref()
                .or(p.year.map(|y| y.to_string()).as_deref()),
        );
        facts.text("Venue", p.venue.as_deref());
        facts.doi(p.doi.as_deref());
        facts.link("Link", p.url.as_deref());
        data["facts"] = facts.into_value();
        data["tags"] = tags(EntityKind::Paper, &p.tags);
        data["people"] = json!([people_value("Authors", &p.authors)]);
        data["bibtex"] = json!(p.bibtex);
        data["externals"] = json!(externals(&[&p.datasets, &p.models, &p.code, &p.cites]));
        data["related"] = related(library, links, &me);
        views.push(EntityView {
            kind: EntityKind::Paper,
            id: p.id.clone(),
            title: p.title.clone(),
            summary,
            data,
        });
    }
    for m in &library.models {
        let me = EntityRef::new(EntityKind::Model, &m.id);
        let (mut data, summary) = base(
            depth,
            EntityKind::Model,
            &m.id,
            &m.title,
            &m.description,
            &m.source_file,
        );
        let mut facts = Facts(Vec::new());
        facts.text("Task", m.task.as_deref());
        facts.text("Framework", m.framework.as_deref());
        facts.text("Architecture", m.architecture.as_deref());
        if let Some(license) = &m.license {
            facts.html("Licence", license_html(license));
        }
        facts.link("Weights", m.weights.as_deref());
        data["facts"] = facts.into_value();
        data["tags"] = tags(EntityKind::Model, &m.tags);
        data["people"] = json!([people_value("Authors", &m.authors)]);
        data["externals"] = json!(externals(&[
            &m.trained_on,
            &m.evaluated_on,
            &m.papers,
            &m.code
        ]));
        data["related"] = related(library, links, &me);
        views.push(EntityView {
            kind: EntityKind::Model,
            id: m.id.clone(),
            title: m.title.clone(),
            summary,
            data,
        });
    }
    for c in &library.courses {
        let me = EntityRef::new(EntityKind::Course, &c.id);
        let (mut data, summary) = base(
            depth,
            EntityKind::Course,
            &c.id,
            &c.title,
            &c.description,
            &c.source_file,
        );
        let mut facts = Facts(Vec::new());
        facts.text("Level", c.level.as_deref());
        facts.link("Homepage", c.url.as_deref());
        if let Some(license) = &c.license {
            facts.html("Licence", license_html(license));
        }
        data["facts"] = facts.into_value();
        data["tags"] = tags(EntityKind::Course, &c.tags);
        data["people"] = json!([people_value("Instructors", &c.instructors)]);
        data["links"] = links_value(&c.notebooks);
        data["externals"] = json!(externals(&[&c.datasets, &c.models, &c.papers, &c.code]));
        data["related"] = related(library, links, &me);
        views.push(EntityView {
            kind: EntityKind::Course,
            id: c.id.clone(),
            title: c.title.clone(),
            summary,
            data,
        });
    }
    for c in &library.code {
        let me = EntityRef::new(EntityKind::Code, &c.id);
        let (mut data, summary) = base(
            depth,
            EntityKind::Code,
            &c.id,
            &c.title,
            &c.description,
            &c.source_file,
        );
        let mut facts = Facts(Vec::new());
        facts.link("Repository", c.repository.as_deref());
        if let Some(license) = &c.license {
            facts.html("Licence", license_html(license));
        }
        facts.doi(c.doi.as_deref());
        facts.text("Version", c.version.as_deref());
        facts.text("Language", c.language.as_deref());
        data["facts"] = facts.into_value();
        data["tags"] = tags(EntityKind::Code, &c.tags);
        data["people"] = json!([people_value("Authors", &c.authors)]);
        data["externals"] = json!(externals(&[&c.datasets, &c.papers]));
        data["related"] = related(library, links, &me);
        views.push(EntityView {
            kind: EntityKind::Code,
            id: c.id.clone(),
            title: c.title.clone(),
            summary,
            data,
        });
    }
    for p in &library.people {
        let me = EntityRef::new(EntityKind::Person, &p.id);
        let (mut data, summary) = base(
            depth,
            EntityKind::Person,
            &p.id,
            &p.name,
            &p.bio,
            &p.source_file,
        );
        let mut facts = Facts(Vec::new());
        if let Some(orcid) = &p.orcid {
            facts.html(
                "ORCID",
                link_html(&format!("https://orcid.org/{orcid}"), orcid),
            );
        }
        if let Some(github) = &p.github {
            facts.html(
                "GitHub",
                link_html(&format!("https://github.com/{github}"), github),
            );
        }
        facts.link("Homepage", p.url.as_deref());
        data["facts"] = facts.into_value();
        data["externals"] = json!(externals(&[&p.affiliations]));
        data["related"] = related(library, links, &me);
        views.push(EntityView {
            kind: EntityKind::Person,
            id: p.id.clone(),
            title: p.name.clone(),
            summary,
            data,
        });
    }
    for o in &library.organizations {
        let me = EntityRef::new(EntityKind::Organization, &o.id);
        let (mut data, summary) = base(
            depth,
            EntityKind::Organization,
            &o.id,
            &o.name,
            &o.description,
            &o.source_file,
        );
        let mut facts = Facts(Vec::new());
        if let Some(ror) = &o.ror {
            facts.html("ROR", link_html(&format!("https://ror.org/{ror}"), ror));
        }
        facts.link("Homepage", o.url.as_deref());
        data["facts"] = facts.into_value();
        data["related"] = related(library, links, &me);
        views.push(EntityView {
            kind: EntityKind::Organization,
            id: o.id.clone(),
            title: o.name.clone(),
            summary,
            data,
        });
    }
    views
}

/// The view of one entity (for tests and tools).
#[must_use]
pub fn entity_view(library: &Library, links: &Links, target: &EntityRef) -> Option<EntityView> {
    all_entities(library, links, markdown::DEPTH)
        .into_iter()
        .find(|v| v.kind == target.kind && v.id == target.id)
}

/// The home page's view: counts, featured and latest datasets as cards with images.
#[must_use]
pub fn home(library: &Library, site: &super::SiteInfo<'_>) -> Value {
    let counts: Vec<Value> = EntityKind::ALL
        .into_iter()
        .filter(|k| library.count(*k) > 0)
        .map(|k| json!({"label": k.plural_label(), "count": library.count(k), "url": format!("{}/", k.plural())}))
        .collect();
    let summaries: BTreeMap<String, almanac_model::EntitySummary> = crate::summaries(library)
        .into_iter()
        .filter(|s| s.kind == EntityKind::Dataset)
        .map(|s| (s.id.clone(), s))
        .collect();
    let card = |id: &str| {
        summaries.get(id).map(|s| {
            json!({
                "title": s.title,
                "url": s.url,
                "summary": s.summary,
                "tags": s.tags.iter().map(|t| json!({"label": t, "url": format!("datasets/tags/{}/", super::slug(t))})).collect::<Vec<_>>(),
                "image": site.images.get(id).map(|i| super::lists::image_value(i, "")),
                "updated": super::dataset::built_at(&library.datasets, id),
            })
        })
    };
    let configured = &site.config.site.featured;
    let featured_ids: Vec<&str> = if configured.is_empty() {
        library
            .datasets
            .iter()
            .filter(|d| site.images.contains_key(&d.id))
            .take(3)
            .map(|d| d.id.as_str())
            .collect()
    } else {
        configured.iter().map(String::as_str).collect()
    };
    let featured: Vec<Value> = featured_ids.iter().filter_map(|id| card(id)).collect();
    let mut latest: Vec<(String, &str)> = library
        .datasets
        .iter()
        .map(|d| {
            (
                super::dataset::built_at(&library.datasets, &d.id).unwrap_or_default(),
                d.id.as_str(),
            )
        })
        .collect();
    // Newest build first; datasets without a build time after them, by id.
    latest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let latest: Vec<Value> = latest
        .iter()
        .filter(|(_, id)| !featured_ids.contains(id))
        .take(6)
        .filter_map(|(_, id)| card(id))
        .collect();
    json!({"counts": counts, "featured": featured, "latest": latest, "datasets": library.datasets.len()})
}
