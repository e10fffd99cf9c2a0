//! Where stores live, for the crawl stage: turns a store URL (`s3://`, `gs://`, `az://`,
//! `https://`, `file://`) or a local path into an [`ObjectStore`] and a prefix inside it, with
//! the `[crawl]` settings of `almanac.toml` applied (per-bucket endpoints, anonymous access,
//! timeouts, retries), and keeps credentials out of everything it prints.

mod clients;
mod confined;
mod url;

use std::fmt;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use almanac_model::StoreScheme;
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use object_store::path::Path;

use self::clients::Built;
pub use self::confined::ConfinedStore;
pub use self::url::redact_url;
use self::url::{UrlParts, error_chain, parse_key, percent_decode, redact_text, url_secrets};
use crate::content::boundary::{Boundary, Refusal};
use crate::crawl::limits::CrawlLimits;

/// Per-store (or per-bucket, per-host) settings from `almanac.toml` `[[crawl.stores]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSettings {
    /// The URL prefix these settings apply to, e.g. `s3://leap-pangeo-pipeline/` or
    /// `https://nyu1.osn.mghpcc.org/`. The longest matching prefix wins.
    pub prefix: String,
    /// S3-compatible endpoint (path-style requests), GCS base URL or Azure endpoint. For an
    /// `http(s)://` prefix, an endpoint the URLs start with means "read these as S3": the first
    /// path segment is the bucket (e.g. the Open Storage Network).
    pub endpoint: Option<String>,
    /// S3 region; the environment's `AWS_REGION`, else `us-east-1`.
    pub region: Option<String>,
    /// `true`: unsigned requests. `false`: always sign (credentials from the environment, or the
    /// provider's instance metadata). Unset: sign only when the environment holds credentials, so
    /// public data never waits on a metadata endpoint that is not there.
    pub anonymous: Option<bool>,
    /// S3 requester-pays buckets.
    pub requester_pays: Option<bool>,
    /// Allow plain `http://` (stores and endpoints). An `http://` endpoint allows it by itself.
    pub allow_http: Option<bool>,
}

/// `[crawl]` in `almanac.toml`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrawlSettings {
    /// When false, no store is read and pages list stores without their facts
    /// (for checking content alone).
    pub enabled: bool,
    /// How many requests may be in flight at once.
    pub concurrency: usize,
    /// Limit for one request, in seconds; retries stop once this much time has passed.
    pub timeout_seconds: u64,
    /// Retries of a failed request (transient errors only).
    pub retries: usize,
    /// When true, remote stores are skipped (only local stores are read).
    pub offline: bool,
    /// When true, crawl results are cached between builds (see `crawl::cache`).
    pub cache: bool,
    /// Settings per URL prefix.
    pub stores: Vec<StoreSettings>,
    /// `[crawl.limits]`: how much of one store is read at most.
    pub limits: CrawlLimits,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            concurrency: 16,
            timeout_seconds: 30,
            retries: 3,
            offline: false,
            cache: true,
            stores: Vec::new(),
            limits: CrawlLimits::default(),
        }
    }
}

impl CrawlSettings {
    /// The settings for `url`: those with the longest prefix that matches it at a segment
    /// boundary (`s3://bucket` matches `s3://bucket/x`, not `s3://bucket-2/x`), or defaults.
    #[must_use]
    pub fn settings_for(&self, url: &str) -> StoreSettings {
        self.stores
            .iter()
            .filter(|s| prefix_matches(&s.prefix, url))
            .max_by_key(|s| s.prefix.trim_end_matches('/').len())
            .cloned()
            .unwrap_or_default()
    }
}

/// Whether `prefix` covers `url` at a segment boundary; a trailing `/` on the prefix is optional
/// (`s3://bucket/` covers `s3://bucket`).
fn prefix_matches(prefix: &str, url: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    !prefix.is_empty()
        && url.starts_with(prefix)
        && (url.len() == prefix.len() || matches!(url.as_bytes()[prefix.len()], b'/' | b'?' | b'#'))
}

/// An opened store location.
pub struct Location {
    /// The store: a bucket, container, host or local directory.
    pub store: Arc<dyn ObjectStore>,
    /// Where the Zarr store starts inside `store` (empty for local stores).
    pub prefix: Path,
    /// The URL with credentials, user info and secret query values removed.
    pub display: String,
    /// How the store is reached (`S3` for `http(s)://` URLs read through an S3 endpoint).
    pub scheme: StoreScheme,
    /// The settings that applied (longest matching prefix; defaults when none matched).
    pub settings: StoreSettings,
    secrets: Vec<String>,
}

impl fmt::Debug for Location {
    // By hand: the stores' own Debug output can include credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Location")
            .field("store", &self.redact(&self.store.to_string()))
            .field("prefix", &self.prefix.as_ref())
            .field("display", &self.display)
            .field("scheme", &self.scheme)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Location {
    /// The object at `key` (e.g. `.zmetadata`, `SOI_Darwin/0`) inside the store.
    #[must_use]
    pub fn path(&self, key: &str) -> Path {
        self.prefix.parts().chain(Path::from(key).parts()).collect()
    }

    /// For a local store (`url` a path or a `file://` URL), the same location with every key
    /// read only where it stays inside `library` (see [`ConfinedStore`]); remote ones as they
    /// are.
    #[must_use]
    pub fn confined(mut self, url: &str, library: &Boundary) -> Self {
        if self.scheme == StoreScheme::File
            && let Some(dir) = local_dir(url, library.root())
        {
            self.store = Arc::new(ConfinedStore::new(self.store, dir, library.clone()));
        }
        self
    }

    /// Text with every credential this location knows of replaced by `***`: for messages of
    /// errors that came from its store.
    #[must_use]
    pub fn redact(&self, text: &str) -> String {
        redact_text(text, &self.secrets)
    }

    /// An error of this location's store as one line: its cause chain, credentials removed,
    /// white space (of HTML error pages, say) collapsed and the whole cut at 1,000 characters.
    #[must_use]
    pub fn error_message(&self, error: &object_store::Error) -> String {
        let text = self.redact(&error_chain(error));
        let mut line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((cut, _)) = line.char_indices().nth(1000) {
            line.truncate(cut);
            line.push('…');
        }
        line
    }
}

/// A store that could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {message}")]
pub struct LocationError {
    /// The URL or path, redacted.
    pub url: String,
    /// What went wrong, redacted.
    pub message: String,
}

/// The variables cloud clients read credentials and options from: `AWS_*`, `GOOGLE_*`,
/// `AZURE_*`, `SERVICE_ACCOUNT` and `IDENTITY_ENDPOINT` (what object_store's `from_env` reads),
/// captured once so that tests can pass their own.
#[derive(Clone, Default)]
pub struct Environment {
    vars: Vec<(String, String)>,
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.vars.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Environment")
            .field("names", &names)
            .finish()
    }
}

impl Environment {
    /// The relevant variables of this process.
    #[must_use]
    pub fn from_process() -> Self {
        Self::new(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// These variables (the irrelevant ones are dropped).
    pub fn new<K: Into<String>, V: Into<String>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, _)| {
                ["AWS_", "GOOGLE_", "AZURE_"]
                    .iter()
                    .any(|p| k.starts_with(p))
                    || k == "SERVICE_ACCOUNT"
                    || k == "IDENTITY_ENDPOINT"
            })
            .collect();
        Self { vars }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (String, &'a str)> {
        self.vars
            .iter()
            .filter(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
    }

    fn has_credentials(&self, prefix: &str, words: &[&str]) -> bool {
        self.vars.iter().any(|(k, v)| {
            k.starts_with(prefix) && !v.is_empty() && words.iter().any(|w| k.contains(w))
        })
    }

    /// Values that must never be shown.
    fn secrets(&self) -> impl Iterator<Item = &str> {
        const WORDS: [&str; 6] = ["SECRET", "TOKEN", "KEY", "PASSWORD", "SAS", "CREDENTIAL"];
        self.vars
            .iter()
            .filter(|(k, _)| WORDS.iter().any(|w| k.contains(w)))
            .map(|(_, v)| v.as_str())
    }
}

/// How `url` is reached; `None` for a scheme Almanac cannot read.
#[must_use]
pub fn scheme(url: &str) -> Option<StoreScheme> {
    UrlParts::split(url).map_or(Some(StoreScheme::File), |parts| scheme_of(&parts))
}

fn scheme_of(parts: &UrlParts<'_>) -> Option<StoreScheme> {
    match parts.scheme.as_str() {
        "file" => Some(StoreScheme::File),
        "s3" | "s3a" => Some(StoreScheme::S3),
        "gs" | "gcs" => Some(StoreScheme::Gcs),
        "az" | "abfs" | "abfss" | "adl" | "azure" => Some(StoreScheme::Azure),
        "http" | "https" => Some(StoreScheme::Http),
        _ => None,
    }
}

/// Opens `url` (or a local path, resolved against `base`, the content folder) with the
/// longest-prefix-matching settings and credentials from the process environment.
///
/// # Errors
///
/// [`LocationError`] for an unsupported scheme, a malformed URL, a missing local directory,
/// a remote store while `offline` is set, or a client that cannot be configured. Nothing is
/// fetched here: a store that does not answer fails at its first request.
pub fn open(url: &str, base: &FsPath, settings: &CrawlSettings) -> Result<Location, LocationError> {
    open_with(url, base, settings, &Environment::from_process())
}

/// [`open`] with credentials and options from `environment` instead of the process's.
///
/// # Errors
///
/// As [`open`].
pub fn open_with(
    url: &str,
    base: &FsPath,
    settings: &CrawlSettings,
    environment: &Environment,
) -> Result<Location, LocationError> {
    // Settings match the public form: user info must not keep a URL from its prefix.
    let store_settings = settings.settings_for(&redact_url(url));
    let mut secrets: Vec<String> = environment.secrets().map(str::to_owned).collect();
    secrets.extend(url_secrets(url));
    let opened = match UrlParts::split(url) {
        None => local(&base.join(url)).map(|store| (store, Path::default(), StoreScheme::File)),
        Some(parts) => open_url(&parts, base, settings, &store_settings, environment),
    };
    match opened {
        Ok((store, prefix, scheme)) => Ok(Location {
            store,
            prefix,
            display: redact_url(url),
            scheme,
            settings: store_settings,
            secrets,
        }),
        Err(message) => Err(LocationError {
            url: redact_url(url),
            message: redact_text(&message, &secrets),
        }),
    }
}

fn open_url(
    parts: &UrlParts<'_>,
    base: &FsPath,
    settings: &CrawlSettings,
    store: &StoreSettings,
    environment: &Environment,
) -> Result<(Arc<dyn ObjectStore>, Path, StoreScheme), String> {
    let Some(scheme) = scheme_of(parts) else {
        return Err(format!(
            "unsupported scheme {:?}: use a local path, file://, s3://, gs://, az://, abfs:// or https://",
            parts.scheme
        ));
    };
    if scheme == StoreScheme::File {
        if !matches!(parts.host, "" | "localhost") {
            return Err(format!("file URLs name no host (found {:?})", parts.host));
        }
        let dir = base.join(PathBuf::from(percent_decode(parts.path)?));
        return local(&dir).map(|s| (s, Path::default(), scheme));
    }
    if settings.offline {
        return Err("remote stores are not read while crawl.offline is set".to_owned());
    }
    let options = clients::client_options(settings, store);
    let retry = clients::retry(settings);
    let built = match scheme {
        StoreScheme::S3 => clients::s3(parts.host, environment, store, options, retry),
        StoreScheme::Gcs => clients::gcs(parts.host, environment, store, options, retry),
        StoreScheme::Azure => clients::azure(&parts.original, environment, store, options, retry),
        _ => return clients::http_or_s3(parts, environment, store, options, retry),
    };
    Ok((built?, parse_key(parts.path)?, scheme))
}

// The messages name no path: the store's URL is shown beside them, and the folder the build
// runs in is nobody's business.
fn local(dir: &FsPath) -> Built {
    if !dir.exists() {
        return Err("no such directory".to_owned());
    }
    if !dir.is_dir() {
        return Err("not a directory".to_owned());
    }
    let store = LocalFileSystem::new_with_prefix(dir)
        .map_err(|_| "the directory cannot be opened".to_owned())?;
    Ok(Arc::new(store))
}

/// The folder a local store (a path, or a `file://` URL) names, resolved against `base`;
/// `None` for remote stores and malformed URLs.
#[must_use]
pub fn local_dir(url: &str, base: &FsPath) -> Option<PathBuf> {
    match UrlParts::split(url) {
        None => Some(base.join(url)),
        Some(parts) if scheme_of(&parts) == Some(StoreScheme::File) => {
            Some(base.join(PathBuf::from(percent_decode(parts.path).ok()?)))
        }
        Some(_) => None,
    }
}

/// Refuses a local store that resolves (links followed) outside `library`, the library folder,
/// before anything in it is listed or read. Remote stores pass.
///
/// # Errors
///
/// [`LocationError`] whose message says the store leads outside the library folder, naming
/// neither where it leads nor the library folder.
pub fn confine(url: &str, library: &Boundary) -> Result<(), LocationError> {
    let Some(dir) = local_dir(url, library.root()) else {
        return Ok(());
    };
    match library.resolve(&dir) {
        Ok(_) | Err(Refusal::Missing) => Ok(()),
        Err(Refusal::Outside) => Err(LocationError {
            url: redact_url(url),
            message: OUTSIDE.to_owned(),
        }),
    }
}

/// Why a local store outside the library folder is not read.
pub const OUTSIDE: &str = "the store leads outside the library folder; it is not read";

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI-test-secret";

    fn environment() -> Environment {
        Environment::new([
            ("AWS_ACCESS_KEY_ID", "AKIATESTKEYID"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("HOME", "/root"),
        ])
    }

    fn settings(stores: Vec<StoreSettings>) -> CrawlSettings {
        CrawlSettings {
            stores,
            ..CrawlSettings::default()
        }
    }

    fn store(prefix: &str) -> StoreSettings {
        StoreSettings {
            prefix: prefix.to_owned(),
            ..StoreSettings::default()
        }
    }

    fn open_env(url: &str, crawl: &CrawlSettings) -> Result<Location, LocationError> {
        open_with(url, FsPath::new("/nonexistent"), crawl, &environment())
    }

    #[test]
    fn longest_prefix_wins_at_a_segment_boundary() {
        let crawl = settings(vec![
            StoreSettings {
                region: Some("a".into()),
                ..store("s3://bucket")
            },
            StoreSettings {
                region: Some("b".into()),
                ..store("s3://bucket/deep/")
            },
            store("s3://"),
        ]);
        let region = |url: &str| crawl.settings_for(url).region;
        assert_eq!(region("s3://bucket/x.zarr").as_deref(), Some("a"));
        assert_eq!(region("s3://bucket").as_deref(), Some("a"));
        assert_eq!(region("s3://bucket/deep").as_deref(), Some("b"));
        assert_eq!(region("s3://bucket/deep/x.zarr").as_deref(), Some("b"));
        assert_eq!(region("s3://bucket/deeper/x.zarr").as_deref(), Some("a"));
        assert_eq!(crawl.settings_for("s3://bucket-2/x").prefix, "s3://");
        assert_eq!(
            crawl.settings_for("gs://bucket/x"),
            StoreSettings::default()
        );
    }

    #[test]
    fn settings_read_from_toml_with_defaults() {
        let crawl: CrawlSettings = toml::from_str(
            "timeout_seconds = 5\n[[stores]]\nprefix = \"https://nyu1.osn.mghpcc.org/\"\nendpoint = \"https://nyu1.osn.mghpcc.org\"\nanonymous = true\n",
        )
        .expect("valid TOML");
        assert_eq!(
            (crawl.concurrency, crawl.timeout_seconds, crawl.retries),
            (16, 5, 3)
        );
        assert_eq!(crawl.stores[0].anonymous, Some(true));
        assert!(toml::from_str::<CrawlSettings>("[[stores]]\nbucket = \"x\"\n").is_err());
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("data/x.zarr"), Some(StoreScheme::File));
        assert_eq!(scheme("file:///x.zarr"), Some(StoreScheme::File));
        assert_eq!(scheme("S3://b/x"), Some(StoreScheme::S3));
        assert_eq!(scheme("gs://b/x"), Some(StoreScheme::Gcs));
        assert_eq!(scheme("abfs://c/x"), Some(StoreScheme::Azure));
        assert_eq!(scheme("https://h/x"), Some(StoreScheme::Http));
        assert_eq!(scheme("ftp://h/x"), None);
    }

    #[test]
    fn opens_local_directories_relative_to_the_base() {
        let base = tempfile::tempdir().expect("temporary folder");
        std::fs::create_dir_all(base.path().join("data/my store.zarr")).expect("folder created");
        let crawl = CrawlSettings {
            offline: true,
            ..CrawlSettings::default()
        };
        let local =
            open_with("data/my store.zarr", base.path(), &crawl, &environment()).expect("opens");
        assert_eq!(local.scheme, StoreScheme::File);
        assert!(local.prefix.is_root());
        assert_eq!(local.path(".zmetadata").as_ref(), ".zmetadata");

        let url = format!("file://{}/data/my%20store.zarr", base.path().display());
        let by_url = open_with(&url, FsPath::new("/"), &crawl, &environment()).expect("opens");
        assert_eq!(by_url.display, url);

        let missing =
            open_with("data/none.zarr", base.path(), &crawl, &environment()).expect_err("fails");
        assert!(
            missing.message.starts_with("no such directory"),
            "{missing}"
        );
        assert_eq!(missing.url, "data/none.zarr");
    }

    #[test]
    fn opens_s3_with_endpoint_and_never_shows_credentials() {
        let crawl = settings(vec![StoreSettings {
            endpoint: Some("http://127.0.0.1:9/".into()),
            ..store("s3://bucket/")
        }]);
        let location = open_env("s3://bucket/path/to/x.zarr/", &crawl).expect("opens");
        assert_eq!(location.scheme, StoreScheme::S3);
        assert_eq!(location.store.to_string(), "AmazonS3(bucket)");
        assert_eq!(location.prefix.as_ref(), "path/to/x.zarr");
        assert_eq!(
            location.path("a/.zarray").as_ref(),
            "path/to/x.zarr/a/.zarray"
        );
        assert_eq!(location.settings.prefix, "s3://bucket/");
        let debug = format!("{location:?}");
        assert!(
            !debug.contains(SECRET) && !debug.contains("AKIATESTKEYID"),
            "{debug}"
        );
        assert_eq!(location.redact(&format!("key {SECRET}")), "key ***");
        assert!(!format!("{:?}", environment()).contains(SECRET));
    }

    #[test]
    fn https_is_http_unless_an_endpoint_says_s3() {
        let crawl = settings(vec![StoreSettings {
            endpoint: Some("https://nyu1.osn.mghpcc.org".into()),
            anonymous: Some(true),
            ..store("https://nyu1.osn.mghpcc.org/")
        }]);
        let osn = open_env("https://nyu1.osn.mghpcc.org/bucket/a/x.zarr", &crawl).expect("opens");
        assert_eq!(osn.scheme, StoreScheme::S3);
        assert_eq!(osn.store.to_string(), "AmazonS3(bucket)");
        assert_eq!(osn.prefix.as_ref(), "a/x.zarr");

        let web = open_env("https://example.org/data/my%20x.zarr", &crawl).expect("opens");
        assert_eq!(web.scheme, StoreScheme::Http);
        assert_eq!(web.prefix.as_ref(), "data/my x.zarr");
    }

    #[test]
    fn refuses_plain_http_offline_and_unknown_schemes() {
        let plain =
            open_env("http://example.org/x.zarr", &CrawlSettings::default()).expect_err("fails");
        assert!(plain.message.contains("allow_http = true"), "{plain}");
        let allowed = settings(vec![StoreSettings {
            allow_http: Some(true),
            ..store("http://example.org/")
        }]);
        assert!(open_env("http://example.org/x.zarr", &allowed).is_ok());

        let offline = CrawlSettings {
            offline: true,
            ..CrawlSettings::default()
        };
        let error = open_env("s3://bucket/x.zarr", &offline).expect_err("fails");
        assert!(error.message.contains("offline"), "{error}");

        let error =
            open_env("ftp://user:hunter22@h/x", &CrawlSettings::default()).expect_err("fails");
        assert_eq!(error.url, "ftp://h/x");
        assert!(!error.message.contains("hunter22"), "{error}");
        assert!(error.message.contains("unsupported scheme"), "{error}");
    }

    #[test]
    fn opens_gcs_and_azure() {
        let crawl = CrawlSettings::default();
        let gcs = open_env("gs://bucket/x.zarr", &crawl).expect("opens");
        assert_eq!(
            (gcs.scheme, gcs.prefix.as_ref()),
            (StoreScheme::Gcs, "x.zarr")
        );
        let azure = open_with(
            "az://container/x.zarr",
            FsPath::new("/"),
            &crawl,
            &Environment::new([("AZURE_STORAGE_ACCOUNT_NAME", "account")]),
        )
        .expect("opens");
        assert_eq!(azure.scheme, StoreScheme::Azure);
        assert!(azure.store.to_string().contains("container"));
        assert_eq!(azure.prefix.as_ref(), "x.zarr");
    }
}
