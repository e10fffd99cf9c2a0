//! Where a store is declared, for the crawl stage's `store-limit` diagnostics: the `url:` line
//! of the dataset's `catalog.yaml` (file, line and column), so that a limit hit in a store
//! points at the content that named it; the message then names the store URL and key.

use std::path::Path;

use almanac_model::Dataset;

use crate::diagnostics::{Location, Position};

/// Catalog files larger than this are not searched (the position is left out).
const MAX_SEARCHED: u64 = 4 * 1024 * 1024;

/// The location of `url` in the files of `dataset`: its `catalog.yaml` (or the file it came
/// from), at the `url:` line that names it when there is one. `label` is how diagnostics name
/// the content folder (`content`).
#[must_use]
pub fn store_location(content_dir: &Path, label: &str, dataset: &Dataset, url: &str) -> Location {
    let source = Path::new(&dataset.source_file);
    let folder = source.parent().unwrap_or(Path::new(""));
    let catalog = folder.join("catalog.yaml");
    let relative = if content_dir.join(&catalog).is_file() {
        catalog
    } else {
        source.to_path_buf()
    };
    let shown = if label.is_empty() {
        relative.to_string_lossy().replace('\\', "/")
    } else {
        format!("{label}/{}", relative.to_string_lossy().replace('\\', "/"))
    };
    let path = content_dir.join(&relative);
    let text = std::fs::metadata(&path)
        .ok()
        .filter(|m| m.len() <= MAX_SEARCHED)
        .and_then(|_| std::fs::read_to_string(&path).ok());
    match text.and_then(|text| url_position(&text, url)) {
        Some((line, column)) => Location::at(shown, Position { line, column }),
        None => Location::file(shown),
    }
}

/// Line and column (1-based, in characters) of the value of the first `url:` key whose value is
/// `url` (quoted or not).
fn url_position(text: &str, url: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let start = line.find("url:")?;
        let before = line[..start].trim_start_matches([' ', '-', '\t']);
        if !before.is_empty() {
            return None;
        }
        let value_part = &line[start + 4..];
        let value = value_part.trim_start();
        let unquoted = value
            .trim_end()
            .trim_matches(|c| c == '"' || c == '\'')
            .trim();
        (unquoted == url).then(|| {
            let offset = start + 4 + (value_part.len() - value.len());
            (index + 1, line[..offset].chars().count() + 1)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_url_line_and_column() {
        let text = "tags: [x]\nstores:\n  - id: a\n    url: \"stores/a.zarr\"\n  - url: b.zarr\n";
        assert_eq!(url_position(text, "stores/a.zarr"), Some((4, 10)));
        assert_eq!(url_position(text, "b.zarr"), Some((5, 10)));
        assert_eq!(url_position(text, "c.zarr"), None);
        assert_eq!(url_position("source_url: b.zarr\n", "b.zarr"), None);
    }
}
