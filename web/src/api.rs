//! Every request the front end makes, and the site base path they are relative to.
//!
//! Pages carry their base path in `<body data-base="/…/">`; all URLs the app builds (index
//! files, entity pages) are that base joined with a site-relative path.

use almanac_model::EntitySummary;
use gloo_net::http::Request;

/// Site-relative path of the list of every entity, written by the generator.
const ENTITIES_PATH: &str = "index/entities.json";

/// Why a request for an index file failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request did not complete (offline, blocked, CORS).
    #[error("could not fetch {url}: {message}")]
    Network {
        /// The URL requested.
        url: String,
        /// The browser's reason.
        message: String,
    },
    /// The server answered with a non-success status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL requested.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The body is not what the generator writes.
    #[error("{url} is not a valid entity list: {message}")]
    Parse {
        /// The URL requested.
        url: String,
        /// What serde reported.
        message: String,
    },
}

/// The site's base path from `<body data-base>`, always ending in `/`; `/` when absent.
pub fn base_path() -> String {
    let raw = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.body())
        .and_then(|body| body.dataset().get("base"))
        .unwrap_or_default();
    normalize_base(&raw)
}

/// Makes a `data-base` value usable as a URL prefix: trimmed, non-empty, ending in `/`.
fn normalize_base(raw: &str) -> String {
    let base = raw.trim();
    if base.is_empty() {
        "/".to_owned()
    } else if base.ends_with('/') {
        base.to_owned()
    } else {
        format!("{base}/")
    }
}

/// Joins the base path and a site-relative path such as `datasets/ostia/`.
pub fn site_url(base: &str, path: &str) -> String {
    format!("{base}{}", path.trim_start_matches('/'))
}

/// Fetches `<base>index/entities.json`: one summary per entity of the library.
///
/// # Errors
///
/// [`ApiError`] when the request fails, the status is not 2xx, or the body is not a JSON array
/// of entity summaries.
pub async fn entities(base: &str) -> Result<Vec<EntitySummary>, ApiError> {
    let url = site_url(base, ENTITIES_PATH);
    let network = |error: gloo_net::Error| ApiError::Network {
        url: url.clone(),
        message: error.to_string(),
    };
    let response = Request::get(&url).send().await.map_err(network)?;
    if !response.ok() {
        return Err(ApiError::Status {
            url,
            status: response.status(),
        });
    }
    let body = response.text().await.map_err(network)?;
    serde_json::from_str(&body).map_err(|error| ApiError::Parse {
        url,
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_always_ends_in_a_slash() {
        assert_eq!(normalize_base(""), "/");
        assert_eq!(normalize_base("  "), "/");
        assert_eq!(normalize_base("/"), "/");
        assert_eq!(normalize_base("/catalog"), "/catalog/");
        assert_eq!(normalize_base("/catalog/"), "/catalog/");
    }

    #[test]
    fn site_urls_join_without_double_slashes() {
        assert_eq!(site_url("/", "datasets/ostia/"), "/datasets/ostia/");
        assert_eq!(
            site_url("/catalog/", "/index/entities.json"),
            "/catalog/index/entities.json"
        );
    }
}
