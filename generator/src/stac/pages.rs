//! Paging long lists of children: a catalog or collection with more children than fit in one
//! file links to page catalogs instead, each listing at most `page_size` of them (and pages
//! of pages when even those are too many), so no file grows with the size of the library.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Contents, File, STAC_VERSION, extensions, paths};

/// At most this many `child` or `item` links in one file.
pub const DEFAULT_PAGE_SIZE: usize = 1000;

/// How a parent links to a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rel {
    /// A catalog or collection (`rel: child`).
    Child,
    /// An item (`rel: item`).
    Item,
}

impl Rel {
    const fn name(self) -> &'static str {
        match self {
            Self::Child => "child",
            Self::Item => "item",
        }
    }
}

/// One child of a catalog or collection.
#[derive(Debug, Clone)]
pub struct Child {
    /// Its file, inside the output folder.
    pub path: String,
    /// How it is linked.
    pub rel: Rel,
    /// Link title.
    pub title: String,
}

/// A page catalog: a slice of the children of one owner.
#[derive(Debug, Clone)]
struct Page {
    path: String,
    id: String,
    title: String,
    children: Vec<Child>,
}

/// Where every child of one owner is linked from.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    top: Vec<Child>,
    pages: Vec<Page>,
    parents: BTreeMap<String, String>,
}

/// Places `children` of the file `owner` (whose STAC id is `id`): directly when they fit in
/// one file, else in pages of at most `page_size` children, under `<owner folder>/pages/`.
pub fn layout(owner: &str, id: &str, children: Vec<Child>, page_size: usize) -> Layout {
    let page_size = page_size.max(2);
    let folder = owner.rsplit_once('/').map_or("", |(folder, _)| folder);
    let total = children.len();
    let mut level = children;
    let mut pages = Vec::new();
    let mut depth = 0;
    // Each entry of `spans` is the range of original children below the node at that index.
    let mut spans: Vec<(usize, usize)> = (0..total).map(|i| (i, i + 1)).collect();
    while level.len() > page_size {
        depth += 1;
        let mut next = Vec::new();
        let mut next_spans = Vec::new();
        for (number, (chunk, chunk_spans)) in level
            .chunks(page_size)
            .zip(spans.chunks(page_size))
            .enumerate()
        {
            let first = chunk_spans.first().map_or(0, |s| s.0);
            let last = chunk_spans.last().map_or(0, |s| s.1);
            let path = format!(
                "{folder}/{}/{depth}-{:05}/catalog.json",
                paths::PAGES,
                number + 1
            );
            let title = format!("{} to {} of {total}", first + 1, last);
            pages.push(Page {
                path: path.clone(),
                id: format!("{id}-page-{depth}-{:05}", number + 1),
                title: title.clone(),
                children: chunk.to_vec(),
            });
            next.push(Child {
                path,
                rel: Rel::Child,
                title,
            });
            next_spans.push((first, last));
        }
        level = next;
        spans = next_spans;
    }
    let mut parents = BTreeMap::new();
    for page in &pages {
        for child in &page.children {
            parents.insert(child.path.clone(), page.path.clone());
        }
    }
    for child in &level {
        parents.insert(child.path.clone(), owner.to_owned());
    }
    Layout {
        top: level,
        pages,
        parents,
    }
}

impl Layout {
    /// The file whose `child`/`item` link points at `path`.
    pub fn parent_of(&self, path: &str) -> Option<&str> {
        self.parents.get(path).map(String::as_str)
    }

    /// The owner's links to its children (or to its first level of pages).
    pub fn links(&self, owner: &str) -> Vec<Value> {
        child_links(owner, &self.top)
    }

    /// The page catalogs; `what` names the children in descriptions ("Stores", "Datasets").
    pub fn page_files(&self, root: &str, what: &str) -> Vec<File> {
        self.pages
            .iter()
            .map(|page| {
                let parent = self.parent_of(&page.path).unwrap_or(root);
                let mut links = vec![
                    json!({
                        "rel": "root",
                        "href": paths::relative(&page.path, root),
                        "type": "application/json",
                    }),
                    json!({
                        "rel": "parent",
                        "href": paths::relative(&page.path, parent),
                        "type": "application/json",
                    }),
                ];
                links.extend(child_links(&page.path, &page.children));
                let mut value = json!({
                    "type": "Catalog",
                    "stac_version": STAC_VERSION,
                    "id": page.id,
                    "title": format!("{what} {}", page.title),
                    "description": format!(
                        "{what} {}, in catalog order. This page exists so that no file of \
                         the catalog lists more than a bounded number of children.",
                        page.title
                    ),
                    "links": links,
                });
                extensions::declare(&mut value);
                File {
                    path: page.path.clone(),
                    contents: Contents::Json(value),
                }
            })
            .collect()
    }
}

fn child_links(owner: &str, children: &[Child]) -> Vec<Value> {
    children
        .iter()
        .map(|child| {
            json!({
                "rel": child.rel.name(),
                "href": paths::relative(owner, &child.path),
                "type": if child.rel == Rel::Item { "application/geo+json" } else { "application/json" },
                "title": child.title,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn children(n: usize) -> Vec<Child> {
        (0..n)
            .map(|i| Child {
                path: format!("stac/d/s{i:06}/s{i:06}.json"),
                rel: Rel::Item,
                title: format!("s{i}"),
            })
            .collect()
    }

    #[test]
    fn small_lists_are_not_paged() {
        let layout = layout("stac/d/collection.json", "d", children(3), 10);
        assert_eq!(layout.links("stac/d/collection.json").len(), 3);
        assert!(layout.page_files("stac/catalog.json", "Stores").is_empty());
        assert_eq!(
            layout.parent_of("stac/d/s000001/s000001.json"),
            Some("stac/d/collection.json")
        );
    }

    #[test]
    fn pages_of_pages() {
        let layout = layout("stac/d/collection.json", "d", children(25), 3);
        // 25 items → 9 pages → 3 pages of pages.
        assert_eq!(layout.links("stac/d/collection.json").len(), 3);
        let pages = layout.page_files("stac/catalog.json", "Stores");
        assert_eq!(pages.len(), 12);
        for page in &pages {
            let Contents::Json(value) = &page.contents else {
                panic!("json");
            };
            let listed = value["links"].as_array().map_or(0, |l| {
                l.iter()
                    .filter(|l| l["rel"] != "root" && l["rel"] != "parent")
                    .count()
            });
            assert!(listed <= 3, "{}: {listed}", page.path);
        }
        assert_eq!(
            layout.parent_of("stac/d/s000024/s000024.json"),
            Some("stac/d/pages/1-00009/catalog.json")
        );
        assert_eq!(
            layout.parent_of("stac/d/pages/1-00009/catalog.json"),
            Some("stac/d/pages/2-00003/catalog.json")
        );
        assert_eq!(
            layout.parent_of("stac/d/pages/2-00003/catalog.json"),
            Some("stac/d/collection.json")
        );
    }
}
