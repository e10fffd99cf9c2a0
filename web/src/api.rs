//! Every request the front end makes, and the site base path they are relative to.
//!
//! Pages carry their base path in `<body data-base="…">` (relative, like `../../`, or absolute);
//! every URL the app builds (index files, graph files, entity pages) is that base joined with a
//! site-relative path, so the site works from any folder or sub-path.

use gloo_net::http::Request;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request did not complete (offline, blocked).
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
    #[error("{url} is not valid: {message}")]
    Parse {
        /// The URL requested.
        url: String,
        /// What the decoder reported.
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

/// Makes a `data-base` value usable as a URL prefix: trimmed, ending in `/`; an empty value
/// means the page is at the site's root (`./`).
fn normalize_base(raw: &str) -> String {
    let base = raw.trim();
    if base.is_empty() {
        "./".to_owned()
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

/// Fetches `<base><path>` as bytes.
///
/// # Errors
///
/// [`ApiError::Network`] or [`ApiError::Status`].
pub async fn bytes(base: &str, path: &str) -> Result<Vec<u8>, ApiError> {
    let url = site_url(base, path);
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
    response.binary().await.map_err(network)
}

/// Fetches `<base><path>` and decodes it with `decode`.
///
/// # Errors
///
/// [`ApiError`] when the request fails or `decode` rejects the body.
pub async fn decoded<T, E: std::fmt::Display>(
    base: &str,
    path: &str,
    decode: impl FnOnce(&[u8]) -> Result<T, E>,
) -> Result<T, ApiError> {
    let body = bytes(base, path).await?;
    decode(&body).map_err(|error| ApiError::Parse {
        url: site_url(base, path),
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_always_ends_in_a_slash() {
        assert_eq!(normalize_base(""), "./");
        assert_eq!(normalize_base("  "), "./");
        assert_eq!(normalize_base("/"), "/");
        assert_eq!(normalize_base("../.."), "../../");
        assert_eq!(normalize_base("/catalog/"), "/catalog/");
    }

    #[test]
    fn site_urls_join_without_double_slashes() {
        assert_eq!(site_url("/", "datasets/ostia/"), "/datasets/ostia/");
        assert_eq!(
            site_url("../", "/search/index.json"),
            "../search/index.json"
        );
    }
}
