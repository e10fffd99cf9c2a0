//! Site settings from `almanac.toml`. Every key has a default, so a library
//! without the file still builds; unknown keys are errors.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The whole `almanac.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// How the site presents itself.
    pub site: Site,
    /// Where the build reads and writes.
    pub build: Build,
    /// The preview server.
    pub serve: Serve,
    /// Reading Zarr stores.
    pub crawl: crate::crawl::location::CrawlSettings,
    /// Feedstocks fetched over HTTP(S).
    pub sources: crate::sources::SourcesSettings,
    /// Bounds on the work one content file may cause.
    pub limits: Limits,
}

/// `[site]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Site {
    /// Site name.
    pub title: String,
    /// One-paragraph description.
    pub description: String,
    /// Public URL the site is served from, ending in `/`.
    pub base_url: Option<String>,
    /// Theme name (a folder of `themes/`) or path.
    pub theme: String,
    /// JupyterHub URL for nbgitpuller links.
    pub hub_url: Option<String>,
    /// BinderHub URL.
    pub binder_url: Option<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// Ids of datasets shown first on the home page.
    pub featured: Vec<String>,
}

impl Default for Site {
    fn default() -> Self {
        Self {
            title: "Almanac".into(),
            description:
                "A catalog of analysis-ready climate datasets and the research built on them."
                    .into(),
            base_url: None,
            theme: "default".into(),
            hub_url: None,
            binder_url: None,
            language: "en".into(),
            featured: Vec::new(),
        }
    }
}

/// `[build]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Build {
    /// Content folder, relative to `almanac.toml`.
    pub content_dir: PathBuf,
    /// Output folder, relative to `almanac.toml`.
    pub output_dir: PathBuf,
    /// Crawl cache folder, relative to `almanac.toml`.
    pub cache_dir: PathBuf,
}

impl Default for Build {
    fn default() -> Self {
        Self {
            content_dir: "content".into(),
            output_dir: "public".into(),
            cache_dir: ".almanac-cache".into(),
        }
    }
}

/// `[serve]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Serve {
    /// TCP port on 127.0.0.1.
    pub port: u16,
}

impl Default for Serve {
    fn default() -> Self {
        Self { port: 8000 }
    }
}

/// `[limits]`: how much work one content file may cause. Each limit, when
/// hit, is one diagnostic naming the file; the file (or the part over the
/// limit) is skipped and the build goes on. Store limits are `[crawl.limits]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest content file read, in bytes (YAML, Markdown, BibTeX, CFF).
    pub content_file_bytes: u64,
    /// Most nodes one YAML document may hold, counting every copy that
    /// anchors and aliases make.
    pub yaml_nodes: usize,
    /// Most nodes that alias expansion (`*name`) may copy in one YAML document.
    pub yaml_alias_nodes: usize,
    /// Deepest nesting of Markdown blocks, inline markup and raw HTML elements;
    /// deeper markup is flattened (raw HTML beyond it is shown as text).
    pub markdown_depth: usize,
    /// Most bytes that `@string` macro expansion may produce in one BibTeX file.
    pub bibtex_macro_bytes: usize,
}

impl Limits {
    /// The defaults: generous for real libraries (a 20 MB description still
    /// builds), small enough that no file can exhaust memory or time.
    pub const DEFAULT: Self = Self {
        content_file_bytes: 64 * 1024 * 1024,
        yaml_nodes: 1_000_000,
        yaml_alias_nodes: 100_000,
        markdown_depth: 64,
        bibtex_macro_bytes: 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Config {
    /// Reads `path`; a missing file gives the defaults.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the file exists but is not valid TOML, has
    /// unknown keys or wrong types (the message has the line and column).
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => return Err(Error::io(path, error)),
        };
        Self::parse(&text).map_err(|message| Error::Config {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses the text of an `almanac.toml`.
    ///
    /// # Errors
    ///
    /// The parser's message, with line and column, when the text is invalid.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let config: Self = toml::from_str(text).map_err(|error| {
            let position = error.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{line}:{column}: ")
            });
            format!("{}{}", position.unwrap_or_default(), error.message())
        })?;
        // The schema in schemas/ is the contract; serde only maps the fields.
        let value: toml::Value =
            toml::from_str(text).map_err(|error| error.message().to_owned())?;
        let json = serde_json::to_value(&value).map_err(|error| error.to_string())?;
        let violations =
            crate::content::schema::violations(crate::content::schema::Schema::Config, &json);
        if let Some((pointer, message)) = violations.into_iter().next() {
            let key = pointer.trim_start_matches('/').replace('/', ".");
            let line = key
                .rsplit('.')
                .next()
                .and_then(|leaf| text.lines().position(|l| l.trim_start().starts_with(leaf)))
                .map_or_else(String::new, |index| format!("{}:1: ", index + 1));
            return Err(format!("{line}{key}: {message}"));
        }
        if let Some(base) = &config.site.base_url
            && !base.ends_with('/')
        {
            return Err(format!("site.base_url `{base}` must end with `/`"));
        }
        Ok(config)
    }

    /// The base path of the public URL (`/` or `/catalog/`), for the front end.
    #[must_use]
    pub fn base_path(&self) -> String {
        let Some(base) = &self.site.base_url else {
            return "/".into();
        };
        let after_scheme = base
            .split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest);
        after_scheme
            .find('/')
            .map_or_else(|| "/".into(), |i| after_scheme[i..].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        assert_eq!(Config::parse("").expect("parse"), Config::default());
    }

    #[test]
    fn unknown_keys_fail_with_position() {
        let error = Config::parse("[site]\ntitle = \"x\"\ntitel = \"y\"\n").expect_err("typo");
        assert!(error.starts_with("3:1: "), "{error}");
        assert!(error.contains("titel"), "{error}");
    }

    #[test]
    fn limits_have_safe_defaults_and_can_be_set() {
        assert_eq!(Config::default().limits, Limits::DEFAULT);
        let config =
            Config::parse("[limits]\nmarkdown_depth = 32\nyaml_alias_nodes = 10\n").expect("parse");
        assert_eq!(config.limits.markdown_depth, 32);
        assert_eq!(config.limits.yaml_alias_nodes, 10);
        assert_eq!(config.limits.yaml_nodes, Limits::DEFAULT.yaml_nodes);
        let error = Config::parse("[limits]\nyaml_aliases = 10\n").expect_err("typo");
        assert!(error.contains("yaml_aliases"), "{error}");
        let error = Config::parse("[limits]\nmarkdown_depth = 0\n").expect_err("zero");
        assert!(error.starts_with("2:1: "), "{error}");
    }

    #[test]
    fn base_path_from_url() {
        let config =
            Config::parse("[site]\nbase_url = \"https://example.org/catalog/\"\n").expect("parse");
        assert_eq!(config.base_path(), "/catalog/");
        assert!(Config::parse("[site]\nbase_url = \"https://example.org\"\n").is_err());
    }

    #[test]
    fn schema_rules_apply() {
        for bad in [
            "[site]\ntitle = \"\"\n",
            "[serve]\nport = 0\n",
            "[site]\nlanguage = \"en_US\"\n",
            "[site]\nhub_url = \"hub.example.org\"\n",
            "[build]\noutput_dir = \"\"\n",
        ] {
            let error = Config::parse(bad).expect_err(bad);
            assert!(error.starts_with("2:1: "), "{bad}: {error}");
        }
    }
}
