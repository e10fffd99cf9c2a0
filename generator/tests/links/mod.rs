//! Internal links of a built site: every `href` and `src` of every page that stays inside the
//! site must name a file of it, and a `#fragment` an `id` on that page.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::walk;

/// How many internal links the pages of `public` have, and the broken ones (described).
pub fn broken(public: &Path) -> (usize, Vec<String>) {
    let all: BTreeSet<String> = walk::files(public)
        .into_iter()
        .map(|(relative, _)| relative)
        .collect();
    let read = |path: &str| fs::read_to_string(public.join(path)).unwrap_or_default();
    let mut page_ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in all.iter().filter(|p| p.ends_with(".html")) {
        let html = read(page);
        let mut targets: Vec<String> = attribute_values(&html, "href");
        targets.extend(attribute_values(&html, "src"));
        for href in targets {
            let Some((target, fragment)) = resolve(page, &href) else {
                continue;
            };
            checked += 1;
            if !all.contains(&target) {
                broken.push(format!("{page}: {href} → {target} (no such file)"));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let known = page_ids
                    .entry(target.clone())
                    .or_insert_with(|| ids(&read(&target)));
                if !known.contains(&fragment) {
                    broken.push(format!("{page}: {href} (no id `{fragment}` in {target})"));
                }
            }
        }
    }
    (checked, broken)
}

pub fn attribute_values(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let start = at + needle.len();
            html[start..]
                .find('"')
                .map(|end| html[start..start + end].replace("&amp;", "&"))
        })
        .collect()
}

fn ids(html: &str) -> BTreeSet<String> {
    attribute_values(html, "id").into_iter().collect()
}

/// Where a link from `page` points inside the site, `None` when it leaves the site.
fn resolve(page: &str, href: &str) -> Option<(String, Option<String>)> {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with("//") {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = page.split('/').collect();
        dir.pop();
        dir
    };
    if path.is_empty() {
        return Some((page.to_owned(), fragment));
    }
    for segment in path.trim_start_matches('/').split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut target = parts.join("/");
    if path.ends_with('/') || target.is_empty() {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some((target, fragment))
}
