//! Where a store is declared, for the crawl stage's `store-limit` diagnostics: the `url:` line
//! of the dataset's `catalog.yaml` (file, line and column), so that a limit hit in a store
//! points at the content that named it; the message then names the store URL and key.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use almanac_model::Dataset;

use crate::diagnostics::{Location, Position};

/// Catalog files larger than this are not searched (the position is left out).
const MAX_SEARCHED: u64 = 4 * 1024 * 1024;

/// A catalog file as diagnostics show it, and the line and column of each `url:` value.
type Positions = (String, BTreeMap<String, (usize, usize)>);

/// Where the stores of a library are declared, looked up only for the stores that need it and
/// read once per dataset (a dataset may list thousands of stores).
#[derive(Debug)]
pub struct Anchors<'a> {
    content_dir: &'a Path,
    label: &'a str,
    /// Per dataset: the file as diagnostics show it, and the position of each `url:` value.
    files: HashMap<usize, Positions>,
}

impl<'a> Anchors<'a> {
    /// `label` is how diagnostics name the content folder (`content`).
    #[must_use]
    pub fn new(content_dir: &'a Path, label: &'a str) -> Self {
        Self {
            content_dir,
            label,
            files: HashMap::new(),
        }
    }

    /// The location of `url` in the files of `dataset` (number `index` of the library): its
    /// `catalog.yaml` (or the file it came from), at the `url:` line that names it when there
    /// is one.
    pub fn location(&mut self, index: usize, dataset: &Dataset, url: &str) -> Location {
        let (shown, positions) = self
            .files
            .entry(index)
            .or_insert_with(|| read(self.content_dir, self.label, dataset));
        match positions.get(url) {
            Some(&(line, column)) => Location::at(shown.clone(), Position { line, column }),
            None => Location::file(shown.clone()),
        }
    }
}

fn read(content_dir: &Path, label: &str, dataset: &Dataset) -> Positions {
    if dataset.source_file.contains("://") {
        // Fetched by the sources stage: not a file of the content folder.
        return (dataset.source_file.clone(), BTreeMap::new());
    }
    let source = Path::new(&dataset.source_file);
    let folder = source.parent().unwrap_or(Path::new(""));
    let catalog = folder.join("catalog.yaml");
    let relative: PathBuf = if content_dir.join(&catalog).is_file() {
        catalog
    } else {
        source.to_path_buf()
    };
    let relative_text = relative.to_string_lossy().replace('\\', "/");
    let shown = if label.is_empty() {
        relative_text
    } else {
        format!("{label}/{relative_text}")
    };
    let path = content_dir.join(&relative);
    let text = std::fs::metadata(&path)
        .ok()
        .filter(|m| m.len() <= MAX_SEARCHED)
        .and_then(|_| std::fs::read_to_string(&path).ok())
        .unwrap_or_default();
    (shown, url_positions(&text))
}

/// Line and column (1-based, in characters) of the value of each `url:` key (quoted or not),
/// by value; the first wins.
fn url_positions(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut positions = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let Some(start) = line.find("url:") else {
            continue;
        };
        if !line[..start]
            .trim_start_matches([' ', '-', '\t'])
            .is_empty()
        {
            continue;
        }
        let value_part = &line[start + 4..];
        let value = value_part.trim_start();
        let unquoted = value
            .trim_end()
            .trim_matches(|c| c == '"' || c == '\'')
            .trim();
        let offset = start + 4 + (value_part.len() - value.len());
        positions
            .entry(unquoted.to_owned())
            .or_insert((index + 1, line[..offset].chars().count() + 1));
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_url_line_and_column() {
        let text = "tags: [x]\nstores:\n  - id: a\n    url: \"stores/a.zarr\"\n  - url: b.zarr\n  - url: b.zarr\n";
        let positions = url_positions(text);
        assert_eq!(positions.get("stores/a.zarr"), Some(&(4, 10)));
        assert_eq!(positions.get("b.zarr"), Some(&(5, 10)));
        assert_eq!(positions.get("c.zarr"), None);
        assert!(url_positions("source_url: b.zarr\n").is_empty());
    }
}
