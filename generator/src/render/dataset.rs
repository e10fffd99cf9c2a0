//! The dataset page's own parts: image, spatial extent map, temporal extents, variables and
//! dimensions tables, one access panel per store (URL, Zarr version, public, size, xarray and
//! pystac snippets, crawl failure), feedstock and build provenance, JupyterHub and Binder
//! links, how to cite, and the raw STAC JSON and graph files.

use almanac_model::{BoundingBox, Crawl, Dataset, StoreFacts, StoreScheme, VariableRole};
use serde_json::{Value, json};

use super::markdown::is_safe_url;
use super::{SiteInfo, cite, lists, map, snippets};
use crate::stac::{Placement, place};

const ROOT: &str = "../../";

/// The latest build time of the dataset's stores, as written (RFC 3339 in practice).
#[must_use]
pub fn built_at(datasets: &[Dataset], id: &str) -> Option<String> {
    let index = datasets.binary_search_by(|d| d.id.as_str().cmp(id)).ok()?;
    datasets[index]
        .stores
        .iter()
        .filter_map(|s| match &s.crawl {
            Some(Crawl::Ok { facts }) => facts.provenance.built_at.clone(),
            _ => None,
        })
        .max()
}

/// A size for people; `u64::MAX` (sizes saturate there) reads "more than 16 EiB".
fn human_bytes(bytes: u64) -> String {
    crate::crawl::limits::human_bytes(Some(bytes))
}

fn joined(values: &[u64]) -> String {
    values
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" × ")
}

fn short(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

fn structure(facts: &StoreFacts) -> Value {
    let variables: Vec<Value> = facts
        .arrays
        .iter()
        .map(|a| {
            json!({
                "name": a.path,
                "data": a.role == Some(VariableRole::Data),
                "role": a.role.map(|r| match r {
                    VariableRole::Data => "data",
                    VariableRole::Coordinate => "coordinate",
                    VariableRole::Auxiliary => "auxiliary coordinate",
                    VariableRole::Bounds => "bounds",
                    VariableRole::GridMapping => "grid mapping",
                }),
                "long_name": a.long_name,
                "standard_name": a.standard_name,
                "standard_name_url": a.standard_name.as_ref().filter(|_| a.role == Some(VariableRole::Data)).map(|n| format!("{ROOT}datasets/standard-names/{}/", lists::slug(n))),
                "units": a.units,
                "dimensions": a.dimensions.join(", "),
                "dtype": a.dtype,
                "shape": joined(&a.shape),
                "chunks": joined(&a.chunks),
                "size": human_bytes(a.uncompressed_bytes),
            })
        })
        .collect();
    let dimensions: Vec<Value> = facts
        .dimensions
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "size": d.size,
                "axis": format!("{:?}", d.axis).to_lowercase().replace("other", "—"),
                "extent": d.extent.map(|[a, b]| format!("{} to {}", short(a), short(b))),
                "step": d.step.map(short),
                "units": d.units,
            })
        })
        .collect();
    json!({"variables": variables, "dimensions": dimensions})
}

fn calendar_note(calendar: &str) -> Option<&'static str> {
    match calendar {
        "360_day" => Some("every month has 30 days"),
        "noleap" | "365_day" => Some("no leap days"),
        "all_leap" | "366_day" => Some("every year has a 29 February"),
        "julian" => Some("Julian calendar dates"),
        _ => None,
    }
}

/// Adds the dataset's parts to the page context.
pub fn extend(context: &mut Value, dataset: &Dataset, site: &SiteInfo<'_>) {
    let config = site.config;
    let base_url = config.site.base_url.as_deref();
    let page_url = base_url.map(|b| format!("{b}datasets/{}/", dataset.id));
    let entity = &mut context["entity"];
    if let Some(image) = site.images.get(&dataset.id) {
        entity["image"] = lists::image_value(image, ROOT);
        let absolute = if image.src.contains("://") {
            Some(image.src.clone())
        } else {
            base_url.map(|b| format!("{b}{}", image.src))
        };
        context["page"]["image"] = json!(absolute);
        context["page"]["image_alt"] = json!(image.alt);
    }
    let entity = &mut context["entity"];

    // Extents over the read stores.
    let mut boxes: Vec<BoundingBox> = Vec::new();
    let mut times: Vec<Value> = Vec::new();
    let mut vertical: Vec<Value> = Vec::new();
    let mut structures: Vec<Value> = Vec::new();
    for store in &dataset.stores {
        let Some(Crawl::Ok { facts }) = &store.crawl else {
            continue;
        };
        let name = store.name.clone().unwrap_or_else(|| store.id.clone());
        if let Some(b) = facts.bbox
            && !boxes.contains(&b)
        {
            boxes.push(b);
        }
        if let Some(t) = &facts.time {
            times.push(json!({
                "store": name,
                "start": t.start,
                "end": t.end,
                "calendar": t.calendar,
                "calendar_note": calendar_note(&t.calendar),
                "step": t.step,
                "units": t.units,
            }));
        }
        if let Some(v) = &facts.vertical {
            vertical.push(json!({
                "store": name,
                "dimension": v.dimension,
                "extent": format!("{} to {}", short(v.extent[0]), short(v.extent[1])),
                "units": v.units,
                "positive": v.positive,
            }));
        }
        let mut s = structure(facts);
        s["id"] = json!(store.id);
        s["name"] = json!(name);
        structures.push(s);
    }
    entity["extent"] = json!({
        "map": (!boxes.is_empty()).then(|| map::extent_svg(&dataset.id, &boxes)),
        "boxes": boxes.iter().map(map::describe).collect::<Vec<_>>(),
        "times": times,
        "vertical": vertical,
    });
    entity["structures"] = json!(structures);

    // Access panels.
    let placements = place(dataset);
    let stac_collection = format!("stac/{}/collection.json", dataset.id);
    let access: Vec<Value> = dataset
        .stores
        .iter()
        .enumerate()
        .map(|(index, store)| {
            let item = placements.get(index) == Some(&Placement::Item);
            let stac_path = if item {
                format!("stac/{}/{}/{}.json", dataset.id, store.id, store.id)
            } else {
                stac_collection.clone()
            };
            let asset_key = if item { "zarr" } else { store.id.as_str() };
            let stac_url = base_url.map_or_else(|| stac_path.clone(), |b| format!("{b}{stac_path}"));
            let remote = store.scheme != StoreScheme::File;
            let display = match (&store.local_path, remote) {
                (Some(local), false) => local.clone(),
                _ => crate::crawl::location::redact_url(&store.url),
            };
            let (status, reason, zarr, consolidated, size, provenance) = match &store.crawl {
                Some(Crawl::Ok { facts }) => {
                    let p = &facts.provenance;
                    let repository = dataset.feedstock.repository.as_deref();
                    let commit_url = match (repository, &p.commit) {
                        (Some(r), Some(c)) if r.starts_with("https://github.com/") && c.chars().all(|ch| ch.is_ascii_hexdigit()) => {
                            Some(format!("{}/commit/{c}", r.trim_end_matches('/')))
                        }
                        _ => None,
                    };
                    let provenance = (!p.is_empty()).then(|| json!({
                        "commit": p.commit,
                        "commit_url": commit_url,
                        "built_at": p.built_at,
                        "run": p.workflow_run.as_ref().filter(|u| is_safe_url(u) && u.contains("://")),
                        "recipe": p.pangeo_forge.get("recipe_id").or_else(|| p.pangeo_forge.get("recipe")),
                        "version": p.pangeo_forge.get("version"),
                    }));
                    ("ok", None, Some(facts.zarr_format), facts.consolidated, Some(human_bytes(facts.uncompressed_bytes)), provenance)
                }
                Some(Crawl::Failed { reason }) => ("failed", Some(reason.clone()), None, false, None, None),
                Some(Crawl::Skipped { reason }) => ("skipped", Some(reason.clone()), None, false, None, None),
                None => ("skipped", Some("the crawl stage did not run".to_owned()), None, false, None, None),
            };
            json!({
                "id": store.id,
                "name": store.name.clone().unwrap_or_else(|| store.id.clone()),
                "url": display,
                "link": (remote && is_safe_url(&display) && display.contains("://") && display.starts_with("http")).then(|| display.clone()),
                "remote": remote,
                "scheme": match store.scheme {
                    StoreScheme::File => "local folder",
                    StoreScheme::S3 => "Amazon S3 or S3-compatible",
                    StoreScheme::Gcs => "Google Cloud Storage",
                    StoreScheme::Azure => "Azure Blob Storage",
                    StoreScheme::Http => "HTTP(S)",
                },
                "public": store.public,
                "needs_credentials": store.needs_credentials,
                "status": status,
                "reason": reason,
                "zarr_format": zarr,
                "consolidated": consolidated,
                "size": size,
                "provenance": provenance,
                "stac_href": format!("{ROOT}{stac_path}"),
                "snippets": [
                    {"id": format!("xarray-{}", store.id), "label": "xarray", "code": snippets::xarray(store, &config.crawl)},
                    {"id": format!("pystac-{}", store.id), "label": "pystac + xpystac", "code": snippets::pystac(&stac_url, base_url.is_some(), item, asset_key)},
                ],
            })
        })
        .collect();
    entity["access"] = json!(access);

    // Feedstock, notebooks.
    let repository = dataset
        .feedstock
        .repository
        .as_deref()
        .filter(|r| is_safe_url(r) && r.starts_with("http"));
    entity["feedstock"] = json!({
        "repository": repository,
        "recipes": dataset.feedstock.recipes.iter().map(|r| json!({"id": r.id, "object": r.object})).collect::<Vec<_>>(),
        "bakery": dataset.feedstock.bakery,
        "hub": repository.and(config.site.hub_url.as_deref()).zip(repository).map(|(hub, r)| snippets::hub_link(hub, r)),
        "binder": repository.and(config.site.binder_url.as_deref()).zip(repository).and_then(|(b, r)| snippets::binder_link(b, r)),
    });

    // How to cite.
    let built = dataset
        .stores
        .iter()
        .filter_map(|s| match &s.crawl {
            Some(Crawl::Ok { facts }) => facts.provenance.built_at.clone(),
            _ => None,
        })
        .max();
    let year = built
        .as_deref()
        .and_then(|b| b.get(..4))
        .filter(|y| y.chars().all(|c| c.is_ascii_digit()));
    let citation = cite::dataset(dataset, year, page_url.as_deref(), &config.site.title);
    entity["cite"] = json!({"bibtex": citation.bibtex, "apa": citation.apa});
    entity["doi"] = json!(dataset.doi);

    entity["raw"] = json!({
        "stac": format!("{ROOT}{stac_collection}"),
        "graph": format!("{ROOT}graph/datasets/{}.json", dataset.id),
        "turtle": format!("{ROOT}graph/graph.ttl"),
    });
}
