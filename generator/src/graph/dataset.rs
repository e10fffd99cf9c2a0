//! Graph stage: the catalog, datasets and their stores as DCAT 3 and
//! schema.org, variables with CF standard names, extents, and PROV-O lineage
//! (feedstock as plan → build activity → store, upstream sources).

use almanac_model::{
    BoundingBox, Crawl, Dataset, EntityKind, Library, Provenance, ProviderRole, Reference, Store,
    StoreFacts, StoreScheme, VariableRole,
};

use super::vocab::{dcat, dcterms, geo, prov, rdfs, schema, xsd};
use super::{Graph, Iris, Object, agents, iri};
use crate::config::Config;
use crate::render::markdown::to_plain;

/// Longest description written, in characters (Google reads up to 5000).
pub(super) const DESCRIPTION_LIMIT: usize = 5000;

/// The catalog node: the site itself.
pub(super) fn catalog(graph: &mut Graph, iris: &Iris, library: &Library, config: &Config) {
    let me = iris.base().to_owned();
    graph.types(&me, &[dcat::CATALOG, schema::DATA_CATALOG]);
    for predicate in [dcterms::TITLE, schema::NAME] {
        graph.text(&me, predicate, &config.site.title);
    }
    for predicate in [dcterms::DESCRIPTION, schema::DESCRIPTION] {
        graph.text(&me, predicate, &config.site.description);
    }
    graph.link(&me, schema::URL, &me);
    for d in &library.datasets {
        let dataset = iris.of(EntityKind::Dataset, &d.id);
        graph.link(&me, dcat::DATASET_P, &dataset);
        graph.link(&me, schema::DATASET_P, &dataset);
    }
}

/// One dataset with its distributions, variables, extents and lineage.
pub(super) fn dataset(graph: &mut Graph, iris: &Iris, d: &Dataset) {
    let me = iris.of(EntityKind::Dataset, &d.id);
    let page = iris.page(&almanac_model::EntityRef::new(EntityKind::Dataset, &d.id));
    graph.types(&me, &[dcat::DATASET, schema::DATASET]);
    for predicate in [dcterms::TITLE, schema::NAME] {
        graph.text(&me, predicate, &d.title);
    }
    let description = to_plain(&d.description, DESCRIPTION_LIMIT);
    for predicate in [dcterms::DESCRIPTION, schema::DESCRIPTION] {
        graph.text(&me, predicate, &description);
    }
    for tag in &d.tags {
        graph.text(&me, dcat::KEYWORD, tag);
        graph.text(&me, schema::KEYWORDS, tag);
    }
    graph.link(&me, dcat::LANDING_PAGE, &page);
    graph.link(&me, schema::URL, &page);
    graph.link(&me, schema::INCLUDED_IN_DATA_CATALOG, iris.base());
    if let Some(doi) = &d.doi {
        identifier(graph, &me, doi);
    }
    let license = agents::license(graph, iris, EntityKind::Dataset, &d.id, &d.license);
    graph.link(&me, dcterms::LICENSE, &license);
    graph.link(&me, schema::LICENSE, &license);
    graph.add(
        &me,
        schema::IS_ACCESSIBLE_FOR_FREE,
        Object::typed(is_free(d).to_string(), xsd::BOOLEAN),
    );
    for (index, agent) in d.maintainers.iter().enumerate() {
        let person = agents::agent(graph, iris, EntityKind::Dataset, &d.id, index, agent);
        graph.link(&me, schema::MAINTAINER, &person);
        graph.link(&me, schema::CREATOR, &person);
    }
    for (index, provider) in d.providers.iter().enumerate() {
        let org = match &provider.organization {
            Some(id) => iris.of(EntityKind::Organization, id),
            None => {
                let node = iris.part(EntityKind::Dataset, &d.id, &format!("provider-{index}"));
                graph.types(&node, &[schema::ORGANIZATION]);
                graph.text(&node, schema::NAME, &provider.name);
                if let Some(url) = &provider.url {
                    graph.link(&node, schema::URL, url);
                }
                node
            }
        };
        graph.link(&me, schema::PROVIDER, &org);
        if provider.roles.contains(&ProviderRole::Producer) {
            graph.link(&me, schema::CREATOR, &org);
        }
        if provider.roles.contains(&ProviderRole::Licensor) {
            graph.link(&me, dcterms::PUBLISHER, &org);
        }
    }
    for citation in &d.citations {
        match &citation.reference {
            Some(Reference::Entity { target }) => {
                graph.link(&me, schema::CITATION, &iris.entity(target));
            }
            Some(Reference::External { url, .. }) => graph.link(&me, schema::CITATION, url),
            None => graph.text(&me, schema::CITATION, &citation.text),
        }
    }
    // Other links (documentation, data stories): related resources.
    for link in &d.links {
        graph.link(&me, rdfs::SEE_ALSO, &link.url);
    }
    if let Some(thumbnail) = d.thumbnail.as_deref().filter(|t| t.contains("://")) {
        graph.link(&me, schema::THUMBNAIL_URL, thumbnail);
    }
    let feedstock = feedstock(graph, iris, d);
    if let Some(plan) = &feedstock {
        graph.link(&me, prov::WAS_INFLUENCED_BY, plan);
    }
    for store in &d.stores {
        let node = distribution(graph, iris, d, store);
        graph.link(&me, dcat::DISTRIBUTION_P, &node);
        graph.link(&me, schema::DISTRIBUTION, &node);
        lineage(graph, iris, d, store, &node, feedstock.as_deref());
        if let Some(source) = source(graph, iris, d, store) {
            graph.link(&node, prov::WAS_DERIVED_FROM, &source);
            graph.link(&me, prov::WAS_DERIVED_FROM, &source);
        }
    }
    let facts: Vec<&StoreFacts> = d.stores.iter().filter_map(facts_of).collect();
    variables(graph, iris, d, &me, &facts);
    extents(graph, iris, d, &me, &facts);
}

pub(super) fn identifier(graph: &mut Graph, me: &str, doi: &str) {
    let doi_iri = iri::doi(doi);
    graph.text(me, dcterms::IDENTIFIER, doi);
    graph.link(me, schema::IDENTIFIER, &doi_iri);
    if me != doi_iri {
        graph.link(me, schema::SAME_AS, &doi_iri);
    }
}

fn facts_of(store: &Store) -> Option<&StoreFacts> {
    match &store.crawl {
        Some(Crawl::Ok { facts }) => Some(facts),
        _ => None,
    }
}

/// Free unless the licence is proprietary or every store says it is not public.
fn is_free(d: &Dataset) -> bool {
    let proprietary = d.license.spdx.as_deref() == Some("proprietary");
    let all_private = !d.stores.is_empty() && d.stores.iter().all(|s| s.public == Some(false));
    !proprietary && !all_private
}

/// The media type of a store: Zarr, with its version once crawled.
pub(super) fn media_type(store: &Store) -> String {
    facts_of(store).map_or_else(
        || "application/vnd.zarr".to_owned(),
        |f| format!("application/vnd.zarr; version={}", f.zarr_format),
    )
}

fn distribution(graph: &mut Graph, iris: &Iris, d: &Dataset, store: &Store) -> String {
    let node = iris.part(EntityKind::Dataset, &d.id, &format!("store-{}", store.id));
    graph.types(
        &node,
        &[dcat::DISTRIBUTION, schema::DATA_DOWNLOAD, prov::ENTITY],
    );
    let name = store.name.as_deref().unwrap_or(&store.id);
    graph.text(&node, dcterms::TITLE, name);
    graph.text(&node, schema::NAME, name);
    if let Some(description) = &store.description {
        let text = to_plain(description, DESCRIPTION_LIMIT);
        graph.text(&node, dcterms::DESCRIPTION, &text);
        graph.text(&node, schema::DESCRIPTION, &text);
    }
    let media_type = media_type(store);
    graph.text(&node, dcterms::FORMAT, &media_type);
    graph.text(&node, schema::ENCODING_FORMAT, &media_type);
    if store.scheme == StoreScheme::File {
        // A store inside the content folder has no public address; its
        // access panel on the dataset page is where to go.
        graph.link(&node, dcat::ACCESS_URL, &node);
    } else {
        graph.link(&node, dcat::ACCESS_URL, &store.url);
        graph.link(&node, schema::CONTENT_URL, &store.url);
    }
    if store.needs_credentials {
        graph.text(
            &node,
            dcterms::ACCESS_RIGHTS,
            crate::credentials::NEEDS_CREDENTIALS,
        );
    }
    node
}

/// The feedstock as a plan: the code entity when the library has it, else a
/// node of the dataset page with the repository URL.
fn feedstock(graph: &mut Graph, iris: &Iris, d: &Dataset) -> Option<String> {
    let node = match (&d.feedstock.code, &d.feedstock.repository) {
        (Some(code), _) => iris.of(EntityKind::Code, code),
        (None, Some(_)) => iris.part(EntityKind::Dataset, &d.id, "feedstock"),
        (None, None) => return None,
    };
    graph.types(&node, &[prov::PLAN, schema::SOFTWARE_SOURCE_CODE]);
    if let Some(repository) = &d.feedstock.repository {
        graph.link(&node, schema::CODE_REPOSITORY, repository);
        if d.feedstock.code.is_none() {
            let name = repository
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(repository);
            graph.text(&node, schema::NAME, name);
        }
    }
    Some(node)
}

/// The build that wrote `store`: an activity following the feedstock plan,
/// with the commit, workflow run and time the store's attributes record.
fn lineage(
    graph: &mut Graph,
    iris: &Iris,
    d: &Dataset,
    store: &Store,
    node: &str,
    plan: Option<&str>,
) {
    let empty = Provenance::default();
    let provenance = facts_of(store).map_or(&empty, |f| &f.provenance);
    if plan.is_none() && provenance.is_empty() {
        return;
    }
    let activity = iris.part(EntityKind::Dataset, &d.id, &format!("build-{}", store.id));
    graph.types(&activity, &[prov::ACTIVITY]);
    graph.text(
        &activity,
        rdfs::LABEL,
        &format!("Build of {}", store.name.as_deref().unwrap_or(&store.id)),
    );
    graph.link(node, prov::WAS_GENERATED_BY, &activity);
    if let Some(plan) = plan {
        let association = iris.part(
            EntityKind::Dataset,
            &d.id,
            &format!("build-{}-association", store.id),
        );
        graph.types(&association, &[prov::ASSOCIATION]);
        graph.link(&association, prov::HAD_PLAN, plan);
        graph.link(&activity, prov::QUALIFIED_ASSOCIATION, &association);
        graph.link(&activity, prov::USED, plan);
    }
    if let Some(commit) = &provenance.commit {
        let revision = match d.feedstock.repository.as_deref() {
            Some(repo)
                if repo.starts_with("https://github.com/")
                    && Object::link(repo).as_iri().is_some() =>
            {
                format!(
                    "{}/commit/{}",
                    repo.trim_end_matches('/'),
                    iri::encode(commit)
                )
            }
            _ => iris.part(
                EntityKind::Dataset,
                &d.id,
                &format!("build-{}-commit", store.id),
            ),
        };
        graph.types(&revision, &[prov::ENTITY, schema::SOFTWARE_SOURCE_CODE]);
        graph.text(&revision, schema::VERSION, commit);
        let short: String = commit.chars().take(12).collect();
        graph.text(
            &revision,
            schema::NAME,
            &format!("Feedstock at commit {short}"),
        );
        if let Some(plan) = plan {
            graph.link(&revision, prov::SPECIALIZATION_OF, plan);
        }
        graph.link(&activity, prov::USED, &revision);
    }
    if let Some(run) = &provenance.workflow_run {
        graph.link(&activity, rdfs::SEE_ALSO, run);
    }
    if let Some(time) = &provenance.built_at {
        graph.add(&activity, prov::ENDED_AT_TIME, date_time(time, "standard"));
    }
}

/// The upstream source of a store, as a `prov:Entity`.
fn source(graph: &mut Graph, iris: &Iris, d: &Dataset, store: &Store) -> Option<String> {
    let node = match (&store.source_url, &store.source) {
        (Some(url), _) if Object::link(url).as_iri().is_some() => url.clone(),
        (_, Some(_)) | (Some(_), None) => {
            iris.part(EntityKind::Dataset, &d.id, &format!("source-{}", store.id))
        }
        (None, None) => return None,
    };
    graph.types(&node, &[prov::ENTITY]);
    if let Some(label) = store.source.as_deref().or(store.source_url.as_deref()) {
        graph.text(&node, rdfs::LABEL, label);
    }
    Some(node)
}

/// Data variables of every crawled store, once per name (the first store's facts win).
fn variables(graph: &mut Graph, iris: &Iris, d: &Dataset, me: &str, facts: &[&StoreFacts]) {
    let mut seen = std::collections::BTreeSet::new();
    for array in facts.iter().flat_map(|f| &f.arrays) {
        if array.role != Some(VariableRole::Data) || !seen.insert(array.path.as_str()) {
            continue;
        }
        let node = iris.part(
            EntityKind::Dataset,
            &d.id,
            &format!("variable-{}", array.path),
        );
        graph.types(&node, &[schema::PROPERTY_VALUE]);
        graph.text(&node, schema::NAME, &array.path);
        if let Some(long_name) = &array.long_name {
            graph.text(&node, schema::DESCRIPTION, long_name);
        }
        if let Some(units) = &array.units {
            graph.text(&node, schema::UNIT_TEXT, units);
        }
        if let Some(standard_name) = &array.standard_name {
            graph.link(
                &node,
                schema::PROPERTY_ID,
                &iri::cf_standard_name(standard_name),
            );
        }
        graph.link(me, schema::VARIABLE_MEASURED, &node);
    }
}

fn extents(graph: &mut Graph, iris: &Iris, d: &Dataset, me: &str, facts: &[&StoreFacts]) {
    let times: Vec<_> = facts.iter().filter_map(|f| f.time.as_ref()).collect();
    let start = times.iter().min_by(|a, b| a.start.cmp(&b.start));
    let end = times.iter().max_by(|a, b| a.end.cmp(&b.end));
    if let (Some(start), Some(end)) = (start, end) {
        let node = iris.part(EntityKind::Dataset, &d.id, "temporal");
        graph.types(&node, &[dcterms::PERIOD_OF_TIME]);
        graph.add(
            &node,
            dcat::START_DATE,
            date_time(&start.start, &start.calendar),
        );
        graph.add(&node, dcat::END_DATE, date_time(&end.end, &end.calendar));
        graph.link(me, dcterms::TEMPORAL, &node);
        if let Some(step) = &start.step {
            graph.add(
                me,
                dcat::TEMPORAL_RESOLUTION,
                Object::typed(step, xsd::DURATION),
            );
        }
        graph.text(
            me,
            schema::TEMPORAL_COVERAGE,
            &format!("{}/{}", start.start, end.end),
        );
    }
    let boxes: Vec<BoundingBox> = facts.iter().filter_map(|f| f.bbox).collect();
    if let Some(bbox) = union(&boxes) {
        let node = iris.part(EntityKind::Dataset, &d.id, "spatial");
        graph.types(&node, &[dcterms::LOCATION]);
        graph.add(
            &node,
            dcat::BBOX,
            Object::typed(wkt(bbox), geo::WKT_LITERAL),
        );
        graph.link(me, dcterms::SPATIAL, &node);
        let place = iris.part(EntityKind::Dataset, &d.id, "place");
        let shape = iris.part(EntityKind::Dataset, &d.id, "shape");
        graph.types(&place, &[schema::PLACE]);
        graph.types(&shape, &[schema::GEO_SHAPE]);
        graph.link(&place, schema::GEO, &shape);
        // schema.org boxes are "south west north east".
        graph.text(
            &shape,
            schema::BOX,
            &format!("{} {} {} {}", bbox.south, bbox.west, bbox.north, bbox.east),
        );
        graph.link(me, schema::SPATIAL_COVERAGE, &place);
    }
}

/// The smallest box around `boxes`; the first box when one crosses the antimeridian.
fn union(boxes: &[BoundingBox]) -> Option<BoundingBox> {
    let first = *boxes.first()?;
    if boxes.iter().any(|b| b.west > b.east) {
        return Some(first);
    }
    Some(boxes.iter().fold(first, |a, b| BoundingBox {
        west: a.west.min(b.west),
        south: a.south.min(b.south),
        east: a.east.max(b.east),
        north: a.north.max(b.north),
    }))
}

fn wkt(b: BoundingBox) -> String {
    format!(
        "POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))",
        w = b.west,
        s = b.south,
        e = b.east,
        n = b.north
    )
}

/// An `xsd:dateTime` for a valid Gregorian date and time; a plain literal for
/// dates of other CF calendars (`2000-02-30` in `360_day`) or anything else.
pub(super) fn date_time(text: &str, calendar: &str) -> Object {
    let gregorian = matches!(calendar, "standard" | "gregorian" | "proleptic_gregorian");
    if gregorian && is_date_time(text) {
        Object::typed(text, xsd::DATE_TIME)
    } else {
        Object::text(text)
    }
}

fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    let time = time.trim_end_matches('Z');
    let parts: Vec<&str> = date.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4), number(month, 2), number(day, 2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    let clock: Vec<&str> = time.split(':').collect();
    let [hour, minute, second] = clock.as_slice() else {
        return false;
    };
    let (whole, fraction) = second.split_once('.').unwrap_or((second, "0"));
    (1..=days).contains(&day)
        && number(hour, 2).is_some_and(|h| h < 24)
        && number(minute, 2).is_some_and(|m| m < 60)
        && number(whole, 2).is_some_and(|s| s < 60)
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_typed_only_when_gregorian_and_valid() {
        assert_eq!(
            date_time("2007-01-16T12:00:00", "standard"),
            Object::typed("2007-01-16T12:00:00", xsd::DATE_TIME)
        );
        assert_eq!(
            date_time("2020-06-08T08:41:02Z", "standard"),
            Object::typed("2020-06-08T08:41:02Z", xsd::DATE_TIME)
        );
        assert_eq!(
            date_time("2000-02-30T00:00:00", "360_day"),
            Object::text("2000-02-30T00:00:00")
        );
        assert_eq!(
            date_time("2001-02-29T00:00:00", "standard"),
            Object::text("2001-02-29T00:00:00")
        );
        assert_eq!(
            date_time("2009-09-09T17:10:00.000018", "standard").as_iri(),
            None
        );
        assert!(is_date_time("2009-09-09T17:10:00.000018"));
    }
}
