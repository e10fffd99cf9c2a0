//! Every file under a folder, for the tests that read a built site or copy a tree
//! (build.rs, site.rs, crawl.rs, stac.rs).

use std::path::{Path, PathBuf};

/// Every file under `dir`, sorted, with its `/`-separated path relative to `dir`.
pub fn files(dir: &Path) -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            let relative = format!(
                "{prefix}{}",
                path.file_name().expect("name").to_string_lossy()
            );
            if path.is_dir() {
                walk(&path, &format!("{relative}/"), out);
            } else {
                out.push((relative, path));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}
