//! `almanac init`: a new library from the files in `generator/assets/init/` — `almanac.toml`
//! with every setting, one cross-linked example of each kind of content, a `.gitignore` and
//! GitHub workflows. Files are embedded by `build.rs`; a name whose first segment starts with
//! `_` is written with a `.` instead (`_github/` → `.github/`), because dot files are not
//! embedded.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::embedded;
use crate::error::{Error, Result};

/// The path a scaffold file is written to, relative to the new library's folder.
#[must_use]
pub fn target_name(embedded_name: &str) -> String {
    embedded_name
        .strip_prefix('_')
        .map_or_else(|| embedded_name.to_owned(), |rest| format!(".{rest}"))
}

/// Writes the scaffold into `dir` (created when missing) and returns the files written,
/// relative to `dir`, in order.
///
/// # Errors
///
/// [`Error::Output`] when any scaffold file exists already (nothing is written then), and
/// [`Error::Io`] when a folder or file cannot be made.
pub fn write(dir: &Path) -> Result<Vec<String>> {
    let files: Vec<(String, &[u8])> = embedded::INIT
        .iter()
        .map(|(name, bytes)| (target_name(name), *bytes))
        .collect();
    let existing: Vec<&str> = files
        .iter()
        .filter(|(name, _)| dir.join(name).symlink_metadata().is_ok())
        .map(|(name, _)| name.as_str())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Output {
            path: dir.to_path_buf(),
            message: format!(
                "already has {}; `almanac init` never overwrites a file (choose an empty folder)",
                existing.join(", ")
            ),
        });
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path: PathBuf = dir.join(&name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        // `create_new`: a file that appeared since the check above is not replaced.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.write_all(bytes).map_err(|e| Error::io(&path, e))?;
        written.push(name);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_folders_are_written_with_their_dot() {
        assert_eq!(target_name("_gitignore"), ".gitignore");
        assert_eq!(
            target_name("_github/workflows/site.yml"),
            ".github/workflows/site.yml"
        );
        assert_eq!(target_name("content/papers/x.md"), "content/papers/x.md");
    }

    #[test]
    fn init_writes_everything_once_and_then_refuses() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("library");
        let written = write(&dir).expect("first init");
        for name in [
            "almanac.toml",
            ".gitignore",
            ".github/workflows/site.yml",
            ".github/workflows/check.yml",
        ] {
            assert!(written.iter().any(|w| w == name), "{name} not written");
            assert!(dir.join(name).is_file(), "{name} missing");
        }
        fs::write(dir.join("almanac.toml"), "[site]\ntitle = \"Mine\"\n").expect("edit");
        let error = write(&dir).expect_err("second init").to_string();
        assert!(
            error.contains("almanac.toml") && error.contains("never overwrites"),
            "{error}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("almanac.toml")).expect("read"),
            "[site]\ntitle = \"Mine\"\n",
            "the user's file is untouched"
        );
    }

    #[test]
    fn the_configuration_lists_every_setting_and_parses() {
        let file = embedded::file(embedded::INIT, "almanac.toml").unwrap_or_default();
        let text = std::str::from_utf8(file).expect("UTF-8");
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/almanac-config.schema.json"))
                .expect("schema");
        let mut missing = Vec::new();
        settings(&schema, "", &mut missing, text);
        assert!(
            missing.is_empty(),
            "init's almanac.toml does not mention {missing:?}"
        );
        let parsed: crate::Config = toml::from_str(text).expect("init's almanac.toml parses");
        assert_eq!(
            parsed.crawl,
            crate::Config::default().crawl,
            "commented defaults only"
        );
        // Uncommented, the `# key = value` lines (and the example store) must parse, and the
        // values the comment calls defaults must be the defaults.
        let uncommented: String = text
            .lines()
            .map(|line| {
                let bare = line.strip_prefix("# ").unwrap_or(line);
                let is_setting = bare.starts_with("[[")
                    || bare.split_once(" = ").is_some_and(|(key, _)| {
                        !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    });
                if is_setting { bare } else { line }.to_owned() + "\n"
            })
            .collect();
        let all: crate::Config = toml::from_str(&uncommented).expect("uncommented, it parses");
        let defaults = crate::Config::default();
        assert_eq!(all.site.theme, defaults.site.theme);
        assert_eq!(all.site.language, defaults.site.language);
        assert_eq!(all.build, defaults.build);
        assert_eq!(all.serve, defaults.serve);
        assert_eq!(all.limits, defaults.limits);
        assert_eq!(all.crawl.limits, defaults.crawl.limits);
        assert_eq!(
            all.sources.timeout_seconds,
            defaults.sources.timeout_seconds
        );
        assert_eq!(all.sources.retries, defaults.sources.retries);
        assert_eq!(all.sources.concurrency, defaults.sources.concurrency);
        assert_eq!(
            all.sources.allow_private_hosts,
            defaults.sources.allow_private_hosts
        );
        assert_eq!(all.crawl.stores.len(), 1, "the example store");
        let mut crawl = all.crawl;
        crawl.stores.clear();
        assert_eq!(crawl, defaults.crawl);
    }

    /// Adds to `missing` every property path of `schema` whose key is not in `text`.
    fn settings(schema: &serde_json::Value, prefix: &str, missing: &mut Vec<String>, text: &str) {
        let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) else {
            return;
        };
        for (key, value) in properties {
            let path = format!("{prefix}{key}");
            let is_table = value.get("properties").is_some()
                || value
                    .get("items")
                    .is_some_and(|i| i.get("properties").is_some());
            let mentioned = if is_table {
                text.contains(&format!("[{path}]")) || text.contains(&format!("[[{path}]]"))
            } else {
                text.lines().any(|line| {
                    line.trim_start_matches("# ")
                        .starts_with(&format!("{key} = "))
                })
            };
            if !mentioned {
                missing.push(path.clone());
            }
            settings(value, &format!("{path}."), missing, text);
            if let Some(items) = value.get("items") {
                settings(items, &format!("{path}."), missing, text);
            }
        }
    }
}
