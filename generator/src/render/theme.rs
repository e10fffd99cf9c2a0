//! The theme: tera templates and static files, in three layers where a later file of the same
//! name wins — the default theme built into the binary, then the site's theme folder (when it
//! names one), then the site's own `templates/`. A theme folder may therefore hold only what it
//! changes.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tera::{Context, Tera};

use super::TEMPLATES;
use crate::embedded;
use crate::error::{Error, Result};
use crate::output::Output;

/// Where a static file comes from.
#[derive(Debug, Clone)]
enum StaticFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// A loaded theme: templates (site overrides applied) and static files.
#[derive(Debug)]
pub struct Theme {
    /// The theme folder, or a label for the built-in theme, for messages.
    label: PathBuf,
    tera: Tera,
    statics: BTreeMap<String, StaticFile>,
}

/// The label of the built-in theme in messages.
pub const BUILT_IN: &str = "(built-in default theme)";

impl Theme {
    /// Loads the built-in theme, the theme folder `dir` over it (when given), and the templates
    /// in `overrides` (the site's own `templates/` folder) over both.
    ///
    /// # Errors
    ///
    /// [`Error::Theme`] when `dir` is given but is not a folder, or a template does not parse.
    pub fn load(dir: Option<&Path>, overrides: Option<&Path>) -> Result<Self> {
        let label = dir.map_or_else(|| PathBuf::from(BUILT_IN), Path::to_path_buf);
        let theme_error = |message: String| Error::Theme {
            theme: label.clone(),
            message,
        };
        if let Some(dir) = dir
            && !dir.is_dir()
        {
            return Err(theme_error(
                "no such folder; `site.theme` names a folder of themes/ or a path to a theme \
                 folder, or is \"default\" for the built-in theme"
                    .into(),
            ));
        }
        let mut sources: BTreeMap<String, String> = BTreeMap::new();
        for (path, bytes) in embedded::THEME {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = std::str::from_utf8(bytes)
                    .map_err(|e| theme_error(format!("built-in {path}: {e}")))?;
                sources.insert(name.to_owned(), text.to_owned());
            }
        }
        for folder in [
            dir.map(|d| d.join("templates")),
            overrides.map(Path::to_path_buf),
        ]
        .into_iter()
        .flatten()
        {
            for path in html_files(&folder) {
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                let text = fs::read_to_string(&path)
                    .map_err(|e| theme_error(format!("{}: {e}", path.display())))?;
                sources.insert(name.to_owned(), text);
            }
        }
        debug_assert!(TEMPLATES.iter().all(|t| sources.contains_key(*t)));
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(sources)
            .map_err(|e| theme_error(error_chain(&e)))?;

        let mut statics = BTreeMap::new();
        for (path, bytes) in embedded::THEME {
            if let Some(name) = path.strip_prefix("static/") {
                statics.insert(name.to_owned(), StaticFile::Embedded(bytes));
            }
        }
        if let Some(dir) = dir {
            let mut files = Vec::new();
            files_under(&dir.join("static"), "", &mut files);
            for (name, path) in files {
                statics.insert(name, StaticFile::Disk(path));
            }
        }
        Ok(Self {
            label,
            tera,
            statics,
        })
    }

    /// True when the theme (or the site) has a template of this name.
    #[must_use]
    pub fn has(&self, template: &str) -> bool {
        self.tera.get_template_names().any(|name| name == template)
    }

    /// Renders `template` with `context` (a JSON object).
    ///
    /// # Errors
    ///
    /// [`Error::Theme`] when the template fails.
    pub fn render(&self, template: &str, context: &Value) -> Result<String> {
        let context = Context::from_serialize(context).map_err(|e| Error::Theme {
            theme: self.label.clone(),
            message: error_chain(&e),
        })?;
        self.tera
            .render(template, &context)
            .map_err(|e| Error::Theme {
                theme: self.label.clone(),
                message: format!("{template}: {}", error_chain(&e)),
            })
    }

    /// Writes the theme's static files into the output's `static/`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a file cannot be read or written.
    pub fn copy_static(&self, output: &mut Output) -> Result<()> {
        for (name, file) in &self.statics {
            let target = format!("static/{name}");
            match file {
                StaticFile::Embedded(bytes) => output.write(&target, bytes)?,
                StaticFile::Disk(path) => output.copy(&target, path)?,
            }
        }
        Ok(())
    }
}

/// Every file under `dir` (following no links out of it is the output's job), as (path relative
/// to `dir` with `/`, path), in sorted order.
fn files_under(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            files_under(&path, &format!("{prefix}{name}/"), files);
        } else {
            files.push((format!("{prefix}{name}"), path));
        }
    }
}

fn html_files(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "html"))
        .collect();
    paths.sort();
    paths
}

pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
