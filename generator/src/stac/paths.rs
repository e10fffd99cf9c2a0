//! Where each STAC file lives inside the output folder, and relative hrefs between them.

use std::path::{Component, Path};

/// `stac/<dataset>/collection.json`.
pub fn collection(dataset: &str) -> String {
    format!("stac/{dataset}/collection.json")
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
