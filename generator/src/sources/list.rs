//! Feedstock lists: YAML files of the project with a `feedstocks:` list of URLs (LEAP's
//! `catalog/input.yaml`), read into the URLs and where each is written.

use std::path::Path;

use crate::config::Limits;
use crate::content::boundary::Boundary;
use crate::content::document::{Node, NodeValue};
use crate::diagnostics::{Diagnostics, Location};

/// The code of a problem with a list file.
const LIST: &str = "source-list";

/// One URL of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The URL as written.
    pub url: String,
    /// Where it is written (`catalog/input.yaml:7:5`).
    pub location: Location,
}

/// The URLs of the list `path` (relative to `root`), in order; each URL once. Problems with the
/// file are diagnostics; what can be read of it is returned.
pub fn read(
    root: &Path,
    path: &Path,
    limits: &Limits,
    diagnostics: &mut Diagnostics,
) -> Vec<Listed> {
    let full = root.join(path);
    let display = crate::diagnostics::display_path(&full, root);
    let Some(text) = read_text(root, &full, &display, limits, diagnostics) else {
        return Vec::new();
    };
    let Some(node) = crate::content::parse_document(&text, &display, limits, diagnostics) else {
        return Vec::new();
    };
    let Some(list) = node.get("feedstocks") else {
        diagnostics
            .error(
                LIST,
                Location::at(&display, node.position),
                "the file has no `feedstocks:` list",
            )
            .help = Some("write `feedstocks:` followed by one `- <URL>` line per feedstock".into());
        return Vec::new();
    };
    if !matches!(list.value, NodeValue::Sequence(_) | NodeValue::Null) {
        diagnostics.error(
            LIST,
            Location::at(&display, list.position),
            "`feedstocks` must be a list of URLs",
        );
        return Vec::new();
    }
    let mut listed: Vec<Listed> = Vec::new();
    for item in list.items() {
        let location = Location::at(&display, item.position);
        let Some(url) = item
            .as_text()
            .filter(|_| matches!(item.value, NodeValue::String(_)))
        else {
            diagnostics.error(LIST, location, "this entry is not a URL");
            continue;
        };
        let url = url.trim().to_owned();
        if let Some(first) = listed.iter().find(|l| l.url == url) {
            diagnostics.warning(
                LIST,
                location,
                format!(
                    "`{}` is listed already, at line {}; read once",
                    crate::sources::urls::shown(&url),
                    first.location.position.map_or(0, |p| p.line)
                ),
            );
            continue;
        }
        listed.push(Listed { url, location });
    }
    listed
}

fn read_text(
    root: &Path,
    full: &Path,
    display: &str,
    limits: &Limits,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    if !full.is_file() {
        diagnostics
            .error(
                LIST,
                Location::file(display),
                "the feedstock list does not exist",
            )
            .help = Some("fix `[sources] feedstock_lists` in almanac.toml".into());
        return None;
    }
    if !Boundary::new(root).contains(full) {
        diagnostics.error(
            "outside-library",
            Location::file(display),
            "the feedstock list leads outside the project folder; it is not read",
        );
        return None;
    }
    crate::content::walk::read_bounded(full, display, limits.content_file_bytes, diagnostics)
}

/// The `ncviewjs:meta_yaml_url` of a parsed `catalog.yaml` and where its value is.
#[must_use]
pub fn meta_yaml_url(catalog: &Node) -> Option<(String, crate::diagnostics::Position)> {
    let node = catalog.get("ncviewjs:meta_yaml_url")?;
    let url = node.as_text()?.trim().to_owned();
    (!url.is_empty()).then_some((url, node.position))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_give_urls_with_their_lines() {
        let folder = tempfile::tempdir().expect("temporary folder");
        std::fs::create_dir_all(folder.path().join("catalog")).expect("mkdir");
        std::fs::write(
            folder.path().join("catalog/input.yaml"),
            "feedstocks:\n  - https://github.com/o/a/blob/main/feedstock/catalog.yaml\n  - 12\n  - https://github.com/o/a/blob/main/feedstock/catalog.yaml\n  - https://github.com/o/b/blob/main/feedstock/meta.yaml\n",
        )
        .expect("write");
        let mut diagnostics = Diagnostics::new();
        let listed = read(
            folder.path(),
            Path::new("catalog/input.yaml"),
            &Limits::DEFAULT,
            &mut diagnostics,
        );
        let shown: Vec<String> = listed
            .iter()
            .map(|l| format!("{} {}", l.location, l.url))
            .collect();
        assert_eq!(
            shown,
            [
                "catalog/input.yaml:2:5 https://github.com/o/a/blob/main/feedstock/catalog.yaml",
                "catalog/input.yaml:5:5 https://github.com/o/b/blob/main/feedstock/meta.yaml",
            ]
        );
        let text = diagnostics.to_text(false);
        assert!(
            text.contains("catalog/input.yaml:3:5: error[source-list]: this entry is not a URL"),
            "{text}"
        );
        assert!(
            text.contains("catalog/input.yaml:4:5: warning[source-list]"),
            "{text}"
        );

        let mut diagnostics = Diagnostics::new();
        assert!(
            read(
                folder.path(),
                Path::new("missing.yaml"),
                &Limits::DEFAULT,
                &mut diagnostics
            )
            .is_empty()
        );
        assert!(
            diagnostics
                .to_text(false)
                .contains("missing.yaml: error[source-list]")
        );
    }
}
