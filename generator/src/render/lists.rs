//! List pages: one per kind, paginated (`datasets/`, `datasets/page/2/`), static facet pages
//! of datasets (`datasets/tags/<tag>/`, `datasets/variables/<name>/`,
//! `datasets/standard-names/<name>/`, `datasets/providers/<name>/`, `datasets/licenses/<id>/`)
//! and tag pages across every kind (`tags/<tag>/`). Every page is a real file.

use std::collections::BTreeMap;

use almanac_model::{Crawl, Dataset, EntityKind, EntitySummary, Library, VariableRole};
use serde_json::{Value, json};

use super::page::{self, root_of};
use super::{SiteInfo, Theme};
use crate::error::Result;
use crate::output::Output;

/// Cards on one list page.
pub const PAGE_SIZE: usize = 12;

/// The folder of a list's later pages (`datasets/page/2/`).
pub const PAGE_SEGMENT: &str = "page";

/// Names the list renderers write in a kind's folder (`<kind>/index.html`, `<kind>/page/2/`,
/// and for datasets every facet's folder): no entity id of that kind may be one of them.
#[must_use]
pub fn kind_folder_names(kind: EntityKind) -> Vec<&'static str> {
    let mut names = vec![page::INDEX, PAGE_SEGMENT];
    if kind == EntityKind::Dataset {
        names.extend(FACETS.iter().map(|f| f.segment));
    }
    names
}

/// Longest slug, in bytes: a facet value (a tag, a provider, a variable name a store
/// declares) can be any length, but a folder name cannot be longer than 255.
pub const MAX_SLUG_BYTES: usize = 80;

/// A URL path segment for `text`: the content ids' slug (lower-case ASCII letters and digits,
/// accents folded, other runs as `-`); text with none of those becomes `x` and its bytes in hex.
/// A slug longer than [`MAX_SLUG_BYTES`] is cut and ends in a hash of the whole text, so
/// that long values stay apart.
#[must_use]
pub fn slug(text: &str) -> String {
    let slug = crate::content::identifier::slug(text);
    let slug = if slug.is_empty() {
        let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
        format!("x{hex}")
    } else {
        slug
    };
    if slug.len() <= MAX_SLUG_BYTES {
        return slug;
    }
    // FNV-1a: stable across builds and platforms.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    // The slug is ASCII, so any byte index is a character boundary.
    let head = slug[..MAX_SLUG_BYTES - 17].trim_end_matches('-');
    format!("{head}-{hash:016x}")
}

/// A dataset facet: its URL segment, heading, and the values of one dataset.
struct Facet {
    segment: &'static str,
    label: &'static str,
    singular: &'static str,
    values: fn(&Dataset) -> Vec<String>,
}

fn data_arrays(dataset: &Dataset) -> impl Iterator<Item = &almanac_model::ArrayFacts> {
    dataset.stores.iter().flat_map(|store| match &store.crawl {
        Some(Crawl::Ok { facts }) => facts
            .arrays
            .iter()
            .filter(|a| a.role == Some(VariableRole::Data))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    })
}

/// The licence as a label: its SPDX id, else the text as written.
pub fn license_label(dataset: &Dataset) -> String {
    dataset
        .license
        .spdx
        .clone()
        .filter(|s| s != "other")
        .or_else(|| Some(dataset.license.text.clone()).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| "not stated".into())
}

const FACETS: &[Facet] = &[
    Facet {
        segment: "tags",
        label: "Tags",
        singular: "tag",
        values: |d| d.tags.clone(),
    },
    Facet {
        segment: "variables",
        label: "Variables",
        singular: "variable",
        values: |d| data_arrays(d).map(|a| a.path.clone()).collect(),
    },
    Facet {
        segment: "standard-names",
        label: "CF standard names",
        singular: "CF standard name",
        values: |d| {
            data_arrays(d)
                .filter_map(|a| a.standard_name.clone())
                .collect()
        },
    },
    Facet {
        segment: "providers",
        label: "Providers",
        singular: "provider",
        values: |d| d.providers.iter().map(|p| p.name.clone()).collect(),
    },
    Facet {
        segment: "licenses",
        label: "Licences",
        singular: "licence",
        values: |d| vec![license_label(d)],
    },
];

/// The site path of a dataset facet value's page, e.g. `datasets/tags/ocean/`.
#[must_use]
pub fn facet_path(segment: &str, value: &str) -> String {
    format!("datasets/{segment}/{}/", slug(value))
}

/// The site path of a tag's page across all kinds.
#[must_use]
pub fn tag_path(tag: &str) -> String {
    format!("tags/{}/", slug(tag))
}

/// A card for a list, with URLs relative to the page at `from`.
fn card(summary: &EntitySummary, from: &str, site: &SiteInfo<'_>) -> Value {
    let root = root_of(from, site);
    let tag_base = if summary.kind == EntityKind::Dataset {
        "datasets/tags/"
    } else {
        "tags/"
    };
    let tags: Vec<Value> = summary
        .tags
        .iter()
        .map(|t| json!({"label": t, "url": format!("{root}{tag_base}{}/", slug(t))}))
        .collect();
    let image = (summary.kind == EntityKind::Dataset)
        .then(|| site.images.get(&summary.id))
        .flatten()
        .map(|image| image_value(image, &root));
    json!({
        "title": summary.title,
        "url": format!("{root}{}", summary.url),
        "summary": summary.summary,
        "kind": summary.kind.name(),
        "kind_label": summary.kind.label(),
        "tags": tags,
        "image": image,
    })
}

/// An image for a template, its `src` relative to the page at `root`.
pub fn image_value(image: &super::Image, root: &str) -> Value {
    let src = if image.src.contains("://") {
        image.src.clone()
    } else {
        format!("{root}{}", image.src)
    };
    json!({
        "src": src,
        "alt": image.alt,
        "width": image.size.map(|s| s.0),
        "height": image.size.map(|s| s.1),
    })
}

/// Cards of every entity the library has.
pub fn all_cards(library: &Library) -> Vec<EntitySummary> {
    crate::summaries(library)
}

struct ListPage<'a> {
    base: String,
    title: String,
    description: String,
    kind: Option<EntityKind>,
    intro: Value,
    items: Vec<&'a EntitySummary>,
}

/// Writes a list, split into pages of [`PAGE_SIZE`]: `<base>`, `<base>page/2/`, …
fn paged(
    list: &ListPage<'_>,
    library: &Library,
    theme: &Theme,
    site: &SiteInfo<'_>,
    output: &mut Output,
    written: &mut Vec<String>,
) -> Result<()> {
    let chunks: Vec<&[&EntitySummary]> = if list.items.is_empty() {
        vec![&[]]
    } else {
        list.items.chunks(PAGE_SIZE).collect()
    };
    let total = chunks.len();
    let page_path = |n: usize| {
        if n == 1 {
            list.base.clone()
        } else {
            format!("{}{PAGE_SEGMENT}/{n}/", list.base)
        }
    };
    for (index, chunk) in chunks.iter().enumerate() {
        let number = index + 1;
        let path = page_path(number);
        let root = root_of(&path, site);
        let title = if number == 1 {
            list.title.clone()
        } else {
            format!("{} (page {number} of {total})", list.title)
        };
        let mut context = page::context(site, &path, list.kind, &title, &list.description, library);
        let link = |n: usize| format!("{root}{}", page_path(n));
        let pages: Vec<Value> = (1..=total)
            .map(|n| json!({"number": n, "url": link(n), "current": n == number}))
            .collect();
        context["list"] = json!({
            "label": list.title,
            "kind": list.kind.map(EntityKind::name),
            "intro": list.intro,
            "count": list.items.len(),
            "items": chunk.iter().map(|s| card(s, &path, site)).collect::<Vec<_>>(),
            "pagination": (total > 1).then(|| json!({
                "current": number,
                "total": total,
                "previous": (number > 1).then(|| link(number - 1)),
                "next": (number < total).then(|| link(number + 1)),
                "pages": pages,
            })),
        });
        page::write(theme, "list.html", &context, output, written)?;
    }
    Ok(())
}

/// Writes every list, facet and tag page.
///
/// # Errors
///
/// When a template fails or a file cannot be written.
pub fn write_all(
    library: &Library,
    theme: &Theme,
    site: &SiteInfo<'_>,
    output: &mut Output,
    written: &mut Vec<String>,
) -> Result<()> {
    let summaries = all_cards(library);
    for kind in EntityKind::ALL {
        if library.count(kind) == 0 {
            continue;
        }
        let items: Vec<&EntitySummary> = summaries.iter().filter(|s| s.kind == kind).collect();
        let base = format!("{}/", kind.plural());
        // Site-relative: the template prefixes them with each page's root.
        let facets: Vec<Value> = if kind == EntityKind::Dataset {
            FACETS
                .iter()
                .map(|f| json!({"label": f.label, "url": format!("datasets/{}/", f.segment)}))
                .collect()
        } else {
            Vec::new()
        };
        paged(
            &ListPage {
                base: base.clone(),
                title: kind.plural_label().to_owned(),
                description: format!("{} in {}", kind.plural_label(), site.config.site.title),
                kind: Some(kind),
                intro: json!({"facets": facets}),
                items,
            },
            library,
            theme,
            site,
            output,
            written,
        )?;
    }
    write_facets(library, &summaries, theme, site, output, written)?;
    write_tags(library, &summaries, theme, site, output, written)
}

fn write_facets(
    library: &Library,
    summaries: &[EntitySummary],
    theme: &Theme,
    site: &SiteInfo<'_>,
    output: &mut Output,
    written: &mut Vec<String>,
) -> Result<()> {
    if library.datasets.is_empty() {
        return Ok(());
    }
    let dataset_cards: BTreeMap<&str, &EntitySummary> = summaries
        .iter()
        .filter(|s| s.kind == EntityKind::Dataset)
        .map(|s| (s.id.as_str(), s))
        .collect();
    for facet in FACETS {
        // slug → (label as first seen, dataset ids)
        let mut values: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
        for dataset in &library.datasets {
            let mut mine = (facet.values)(dataset);
            mine.sort();
            mine.dedup();
            for value in mine {
                let entry = values
                    .entry(slug(&value))
                    .or_insert_with(|| (value.clone(), Vec::new()));
                if entry.1.last() != Some(&dataset.id.as_str()) {
                    entry.1.push(&dataset.id);
                }
            }
        }
        let index_path = format!("datasets/{}/", facet.segment);
        let root = root_of(&index_path, site);
        let sorted = by_label(&values);
        let entries: Vec<Value> = sorted
            .iter()
            .map(|(key, (label, ids))| json!({"label": label, "count": ids.len(), "url": format!("{root}datasets/{}/{key}/", facet.segment)}))
            .collect();
        let others: Vec<Value> = FACETS
            .iter()
            .map(|f| json!({"label": f.label, "url": format!("{root}datasets/{}/", f.segment), "current": f.segment == facet.segment}))
            .collect();
        let title = format!("Datasets by {}", facet.singular);
        let mut context = page::context(
            site,
            &index_path,
            Some(EntityKind::Dataset),
            &title,
            &format!(
                "{} of the datasets in {}",
                facet.label, site.config.site.title
            ),
            library,
        );
        context["facets"] = json!({
            "label": facet.label,
            "title": title,
            "values": entries,
            "others": others,
            "all_url": format!("{root}datasets/"),
        });
        page::write(theme, "facets.html", &context, output, written)?;
        for (key, (label, ids)) in &values {
            let base = format!("datasets/{}/{key}/", facet.segment);
            let items: Vec<&EntitySummary> = ids
                .iter()
                .filter_map(|id| dataset_cards.get(id).copied())
                .collect();
            let everything = (facet.segment == "tags").then(|| tag_path(label));
            paged(
                &ListPage {
                    base,
                    title: format!("Datasets with {} “{label}”", facet.singular),
                    description: format!(
                        "Datasets in {} with {} {label}",
                        site.config.site.title, facet.singular
                    ),
                    kind: Some(EntityKind::Dataset),
                    intro: json!({
                        "facet": {"label": facet.label, "url": format!("datasets/{}/", facet.segment)},
                        "all_url": "datasets/",
                        "everything_url": everything,
                    }),
                    items,
                },
                library,
                theme,
                site,
                output,
                written,
            )?;
        }
    }
    Ok(())
}

fn write_tags(
    library: &Library,
    summaries: &[EntitySummary],
    theme: &Theme,
    site: &SiteInfo<'_>,
    output: &mut Output,
    written: &mut Vec<String>,
) -> Result<()> {
    let mut tags: BTreeMap<String, (String, Vec<&EntitySummary>)> = BTreeMap::new();
    for summary in summaries {
        let mut mine: Vec<&String> = summary.tags.iter().collect();
        mine.sort();
        mine.dedup();
        for tag in mine {
            tags.entry(slug(tag))
                .or_insert_with(|| (tag.clone(), Vec::new()))
                .1
                .push(summary);
        }
    }
    if tags.is_empty() {
        return Ok(());
    }
    let index_path = "tags/";
    let root = root_of(index_path, site);
    let sorted = by_label(&tags);
    let values: Vec<Value> = sorted
        .iter()
        .map(|(key, (label, items))| json!({"label": label, "count": items.len(), "url": format!("{root}tags/{key}/")}))
        .collect();
    let mut context = page::context(
        site,
        index_path,
        None,
        "Tags",
        &format!("Every tag used in {}", site.config.site.title),
        library,
    );
    context["facets"] =
        json!({"label": "Tags", "title": "Tags", "values": values, "others": [], "all_url": null});
    page::write(theme, "facets.html", &context, output, written)?;
    for (key, (label, items)) in &tags {
        let path = format!("tags/{key}/");
        let tag_root = root_of(&path, site);
        let mut groups: Vec<Value> = Vec::new();
        for kind in EntityKind::ALL {
            let cards: Vec<Value> = items
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| card(s, &path, site))
                .collect();
            if !cards.is_empty() {
                groups.push(
                    json!({"label": kind.plural_label(), "kind": kind.name(), "items": cards}),
                );
            }
        }
        let mut context = page::context(
            site,
            &path,
            None,
            &format!("Tagged “{label}”"),
            &format!("Everything in {} tagged {label}", site.config.site.title),
            library,
        );
        let datasets = items.iter().any(|s| s.kind == EntityKind::Dataset);
        context["tag"] = json!({
            "label": label,
            "count": items.len(),
            "groups": groups,
            "all_url": format!("{tag_root}tags/"),
            "datasets_url": datasets.then(|| format!("{tag_root}{}", facet_path("tags", label))),
        });
        page::write(theme, "tag.html", &context, output, written)?;
    }
    Ok(())
}

/// The entries of a map from slug to (label, members), by label ignoring case, then by slug.
fn by_label<T>(values: &BTreeMap<String, (String, T)>) -> Vec<(&String, &(String, T))> {
    let mut sorted: Vec<_> = values.iter().collect();
    sorted.sort_by(|a, b| {
        a.1.0
            .to_lowercase()
            .cmp(&b.1.0.to_lowercase())
            .then(a.0.cmp(b.0))
    });
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_segments() {
        assert_eq!(slug("Sea Surface Temperature"), "sea-surface-temperature");
        assert_eq!(slug("CC-BY-4.0"), "cc-by-4-0");
        assert_eq!(slug("  --a__b  "), "a-b");
        assert_eq!(slug("Température"), "temperature");
        assert_eq!(slug("水"), "xe6b0b4");
        assert_eq!(slug("<script>"), "script");
    }

    #[test]
    fn long_values_give_short_distinct_slugs() {
        let long_a = "t".repeat(300);
        let long_b = format!("{}u", "t".repeat(299));
        let water = "水".repeat(100);
        for text in [&long_a, &long_b, &water] {
            let slug = slug(text);
            assert!(slug.len() <= MAX_SLUG_BYTES, "{slug}");
            assert!(
                crate::output::check(&format!("{}index.html", facet_path("tags", text))).is_ok()
            );
        }
        assert_ne!(slug(&long_a), slug(&long_b));
        assert_eq!(slug(&long_a), slug(&"t".repeat(300)), "stable");
        assert_eq!(
            slug(&"a".repeat(MAX_SLUG_BYTES)),
            "a".repeat(MAX_SLUG_BYTES)
        );
    }

    #[test]
    fn kind_folders_reserve_pages_and_facets() {
        let datasets = kind_folder_names(EntityKind::Dataset);
        for name in [
            "index.html",
            "page",
            "tags",
            "variables",
            "standard-names",
            "providers",
            "licenses",
        ] {
            assert!(datasets.contains(&name), "{name}");
        }
        assert_eq!(
            kind_folder_names(EntityKind::Paper),
            vec!["index.html", "page"]
        );
        assert!(facet_path("tags", "x").starts_with("datasets/tags/"));
    }
}
