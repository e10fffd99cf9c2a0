//! What the sources stage makes of a listed URL: the URL it fetches (a GitHub *blob* page is
//! read as the raw file), how it is shown (its public form, as listed), and the repository name
//! that becomes the dataset's id.

use crate::credentials;

/// The URL to fetch for `url`: `https://github.com/O/R/blob/REF/PATH` becomes
/// `https://raw.githubusercontent.com/O/R/REF/PATH` (the blob URL answers with a web page);
/// every other URL is fetched as it is.
#[must_use]
pub fn raw_url(url: &str) -> String {
    let Some(rest) = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("http://github.com/"))
    else {
        return url.to_owned();
    };
    let mut parts = rest.splitn(4, '/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(owner), Some(repo), Some("blob" | "raw"), Some(tail))
            if !owner.is_empty() && !repo.is_empty() && !tail.is_empty() =>
        {
            format!("https://raw.githubusercontent.com/{owner}/{repo}/{tail}")
        }
        _ => url.to_owned(),
    }
}

/// `url` as diagnostics and pages show it: without credentials (user info, tokens in the query).
#[must_use]
pub fn shown(url: &str) -> String {
    credentials::public_url(url).url
}

/// The name of the repository `url` is in, for the dataset's id: `R` of
/// `https://github.com/O/R/blob/…`, `https://raw.githubusercontent.com/O/R/…` and of any URL
/// shaped like them (`/O/R/blob/…`, `/O/R/raw/…`, GitLab's `/O/R/-/blob/…`); otherwise the
/// folder the file is in (the one above it when that is `feedstock`).
#[must_use]
pub fn repository_name(url: &str) -> Option<String> {
    let public = shown(url);
    let (_, rest) = public.split_once("://")?;
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = path.split_once('/').unwrap_or((path, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if host.eq_ignore_ascii_case("raw.githubusercontent.com") {
        return segments.get(1).map(|s| (*s).to_owned());
    }
    if let Some(marker) = segments
        .iter()
        .position(|s| matches!(*s, "blob" | "raw" | "-"))
        .filter(|&i| i >= 2)
    {
        return Some(segments[marker - 1].to_owned());
    }
    let folders = segments.get(..segments.len().saturating_sub(1))?;
    folders
        .iter()
        .rev()
        .find(|s| !s.eq_ignore_ascii_case("feedstock"))
        .map(|s| (*s).to_owned())
}

/// Whether `url` names a `meta.yaml` (the list may name one directly: then there is no
/// `catalog.yaml` and the dataset comes from `meta.yaml` alone).
#[must_use]
pub fn names_meta(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name == "meta.yaml" || name == "meta.yml"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_blob_urls_are_read_raw() {
        assert_eq!(
            raw_url("https://github.com/leap-stc/chirps_feedstock/blob/main/feedstock/meta.yaml"),
            "https://raw.githubusercontent.com/leap-stc/chirps_feedstock/main/feedstock/meta.yaml"
        );
        assert_eq!(
            raw_url("https://github.com/o/r/raw/v1.2/catalog.yaml?token=x"),
            "https://raw.githubusercontent.com/o/r/v1.2/catalog.yaml?token=x"
        );
        for unchanged in [
            "https://github.com/o/r",
            "https://github.com/o/r/tree/main/feedstock",
            "https://example.org/o/r/blob/main/catalog.yaml",
            "http://127.0.0.1:8000/o/r/blob/main/catalog.yaml",
        ] {
            assert_eq!(raw_url(unchanged), unchanged);
        }
    }

    #[test]
    fn ids_come_from_the_repository() {
        let name = |url| repository_name(url);
        assert_eq!(
            name(
                "https://github.com/leap-stc/arco-era5_feedstock/blob/main/feedstock/catalog.yaml"
            )
            .as_deref(),
            Some("arco-era5_feedstock")
        );
        assert_eq!(
            name("https://raw.githubusercontent.com/leap-stc/CASM/main/feedstock/meta.yaml")
                .as_deref(),
            Some("CASM")
        );
        assert_eq!(
            name("http://127.0.0.1:9/leap-stc/OSTIA_REP/blob/main/feedstock/catalog.yaml")
                .as_deref(),
            Some("OSTIA_REP")
        );
        assert_eq!(
            name("https://gitlab.com/g/sst/-/raw/main/feedstock/catalog.yaml").as_deref(),
            Some("sst")
        );
        assert_eq!(
            name("https://data.example.org/feedstocks/sst/feedstock/catalog.yaml").as_deref(),
            Some("sst")
        );
        assert_eq!(name("https://example.org/catalog.yaml"), None);
        assert_eq!(
            name("https://example.org/o/r/blob/main/x.yaml?token=secret-value").as_deref(),
            Some("r")
        );
    }

    #[test]
    fn meta_yaml_is_known_by_name() {
        assert!(names_meta(
            "https://github.com/o/r/blob/main/feedstock/meta.yaml"
        ));
        assert!(names_meta("https://x.org/META.yml?x=1"));
        assert!(!names_meta(
            "https://github.com/o/r/blob/main/feedstock/catalog.yaml"
        ));
    }
}
