//! Where each STAC file lives inside the output folder, and relative hrefs between them.

use std::path::{Component, Path};

/// The file of a dataset's collection, in its folder.
pub const COLLECTION_FILE: &str = "collection.json";

/// The folder of page catalogs, next to the catalog or collection they page.
pub const PAGES: &str = "pages";

/// The stem of a collection's copied thumbnail (`thumbnail`, `thumbnail.png`).
pub const THUMBNAIL: &str = "thumbnail";

/// Names the STAC stage writes in `stac/` itself, beside the datasets' folders: no dataset
/// id may be one of them.
pub const ROOT_FOLDER_NAMES: &[&str] = &["catalog.json", PAGES];

/// Names the STAC stage writes in a collection's folder, beside its Items' folders: no store
/// id may be one of them (`thumbnail.*`: the thumbnail with any extension).
pub const COLLECTION_FOLDER_NAMES: &[&str] = &[COLLECTION_FILE, PAGES, THUMBNAIL, "thumbnail.*"];

/// `stac/<dataset>/collection.json`.
pub fn collection(dataset: &str) -> String {
    format!("stac/{dataset}/{COLLECTION_FILE}")
}

/// `stac/<dataset>/<store>/<store>.json`.
pub fn item(dataset: &str, store: &str) -> String {
    format!("stac/{dataset}/{store}/{store}.json")
}

/// The href that leads from the file `from` to `to`, both `/`-separated paths relative to
/// the output folder (`to` may climb out of it with leading `..`, or end in `/` for a folder).
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let mut common = 0;
    while common < from_dirs.len()
        && common + 1 < to_parts.len()
        && from_dirs[common] == to_parts[common]
        && to_parts[common] != ".."
    {
        common += 1;
    }
    let up = from_dirs.len() - common;
    let rest = to_parts[common..].join("/");
    if up == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(up))
    }
}

/// `to` as a folder URL relative to the folder `from` (`../content/`), when both can be made
/// absolute and share a root.
pub fn relative_dir(from: &Path, to: &Path) -> Option<String> {
    let absolute = |p: &Path| {
        std::fs::canonicalize(p)
            .ok()
            .or_else(|| {
                // The output folder may not exist yet: resolve its parent.
                let parent = std::fs::canonicalize(p.parent()?).ok()?;
                Some(parent.join(p.file_name()?))
            })
            .or_else(|| std::path::absolute(p).ok())
    };
    let from = absolute(from)?;
    let to = absolute(to)?;
    let from_parts: Vec<Component<'_>> = from.components().collect();
    let to_parts: Vec<Component<'_>> = to.components().collect();
    if from_parts.first() != to_parts.first() {
        return None;
    }
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_parts.len() - common);
    for part in &to_parts[common..] {
        url.push_str(part.as_os_str().to_str()?);
        url.push('/');
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hrefs() {
        assert_eq!(
            relative("stac/catalog.json", "stac/a/collection.json"),
            "./a/collection.json"
        );
        assert_eq!(
            relative("stac/a/collection.json", "stac/catalog.json"),
            "../catalog.json"
        );
        assert_eq!(
            relative("stac/a/s/s.json", "stac/a/collection.json"),
            "../collection.json"
        );
        assert_eq!(
            relative("stac/a/collection.json", "datasets/a/"),
            "../../datasets/a/"
        );
        assert_eq!(
            relative("stac/a/collection.json", "../content/data/x.zarr"),
            "../../../content/data/x.zarr"
        );
        assert_eq!(
            relative("stac/a/pages/1-00001/catalog.json", "stac/a/s/s.json"),
            "../../s/s.json"
        );
    }

    #[test]
    fn reserved_names_are_the_names_written() {
        assert_eq!(super::super::ROOT, format!("stac/{}", ROOT_FOLDER_NAMES[0]));
        assert!(collection("d").ends_with(COLLECTION_FOLDER_NAMES[0]));
        let layout = super::super::pages::layout("stac/d/collection.json", "d", many(3), 2);
        assert!(
            layout
                .parent_of("stac/d/s0/s0.json")
                .is_some_and(|p| p.starts_with(&format!("stac/d/{PAGES}/")))
        );
    }

    fn many(n: usize) -> Vec<super::super::pages::Child> {
        (0..n)
            .map(|i| super::super::pages::Child {
                path: item("d", &format!("s{i}")),
                rel: super::super::pages::Rel::Item,
                title: String::new(),
            })
            .collect()
    }

    #[test]
    fn relative_folders() {
        let dir = tempfile::tempdir().expect("tempdir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).expect("mkdir");
        assert_eq!(
            relative_dir(&dir.path().join("public"), &content).as_deref(),
            Some("../content/")
        );
        assert_eq!(
            relative_dir(&dir.path().join("out/site"), &content).as_deref(),
            Some("../../content/")
        );
    }
}
