//! Store URLs for the crawl stage: splitting them without a URL library, turning their paths
//! into object keys, and keeping the credentials they may carry out of what is shown.

use object_store::path::Path;

/// A URL split into its parts. No Debug: the parts can hold credentials.
pub(super) struct UrlParts<'a> {
    /// The whole URL, as written.
    pub original: String,
    /// Lowercased.
    pub scheme: String,
    /// `user:password@host:port`.
    pub authority: &'a str,
    pub userinfo: Option<&'a str>,
    /// Host and port.
    pub host: &'a str,
    /// From the first `/` after the authority up to `?` or `#`; may be empty.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    /// `None` for anything without `scheme://`: a local path.
    pub fn split(url: &'a str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let valid = scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid {
            return None;
        }
        let (rest, fragment) = match rest.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (rest, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        Some(Self {
            original: url.to_owned(),
            scheme: scheme.to_ascii_lowercase(),
            authority,
            userinfo,
            host,
            path,
            query,
            fragment,
        })
    }

    /// Azure's `abfs://container@account…` puts a container, not a user, before the `@`.
    fn userinfo_is_container(&self) -> bool {
        matches!(
            self.scheme.as_str(),
            "abfs" | "abfss" | "az" | "adl" | "azure"
        )
    }
}

/// `url` without user info and secret query values (signatures, tokens, keys): the public form
/// of [`crate::credentials::public_url`]. Local paths are returned as they are.
#[must_use]
pub fn redact_url(url: &str) -> String {
    crate::credentials::public_url(url).url
}

/// The secrets written into `url`: its password (or all of its user info), the values of
/// secret query and fragment parameters, and every other piece of it that its public form leaves
/// out — raw and percent-decoded.
pub(super) fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some(parts) = UrlParts::split(url) {
        if let Some(info) = parts.userinfo {
            match info.split_once(':') {
                Some((_, password)) => secrets.push(password.to_owned()),
                None if !parts.userinfo_is_container() => secrets.push(info.to_owned()),
                None => {}
            }
        }
        let parameters = parts.query.into_iter().chain(parts.fragment);
        for pair in parameters.flat_map(|text| text.split(['&', ';'])) {
            if let Some((name, value)) = pair.split_once('=')
                && crate::credentials::is_secret_parameter(name)
            {
                secrets.push(value.to_owned());
            }
        }
    }
    // Whatever the public form drops (a withheld URL drops everything but its scheme).
    secrets.extend(crate::credentials::left_out(url));
    let decoded: Vec<String> = secrets
        .iter()
        .filter_map(|s| percent_decode(s).ok())
        .collect();
    secrets.extend(decoded);
    secrets.sort();
    secrets.dedup();
    secrets
}

/// `text` with each of `secrets` replaced by `***` (see [`crate::credentials::redact`]), and
/// every URL in it that still carries credentials (a short password, a request URL an error
/// repeats) in its public form.
pub(super) fn redact_text(text: &str, secrets: &[String]) -> String {
    crate::credentials::redact(text, secrets)
}

/// An error and its sources on one line, without repeating what an outer message already says.
pub(super) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

pub(super) fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            out.push(value);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{text:?} is not UTF-8 once decoded"))
}

/// A key as written in `s3://bucket/key` (not percent-encoded).
pub(super) fn parse_key(path: &str) -> Result<Path, String> {
    Path::parse(path.trim_matches('/')).map_err(|e| format!("invalid path {path:?}: {e}"))
}

/// A key from the path of an `http(s)://` URL (percent-encoded).
pub(super) fn parse_url_key(path: &str) -> Result<Path, String> {
    Path::from_url_path(path.trim_matches('/')).map_err(|e| format!("invalid path {path:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_user_info_and_secret_query_values() {
        assert_eq!(
            redact_url("https://user:pa55word@example.org/a.zarr"),
            "https://example.org/a.zarr"
        );
        assert_eq!(
            redact_url(
                "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abcdef#f"
            ),
            "https://b.s3.amazonaws.com/k#f"
        );
        assert_eq!(
            redact_url("az://container/x?sv=2022&sig=c2VjcmV0&token=t0ken"),
            "az://container/x"
        );
        assert_eq!(
            redact_url("abfss://fs@account.dfs.core.windows.net/p"),
            "abfss://fs@account.dfs.core.windows.net/p"
        );
        assert_eq!(redact_url("data/x.zarr"), "data/x.zarr");
        assert_eq!(redact_url("s3://bucket/key"), "s3://bucket/key");
    }

    #[test]
    fn short_secrets_in_urls_of_messages_are_removed_too() {
        let secrets = url_secrets("http://me:pw@h/x?token=abc");
        let text = "Error performing GET http://me:pw@h/x/.zmetadata?token=abc&v=1: 403";
        assert_eq!(
            redact_text(text, &secrets),
            "Error performing GET http://h/x/.zmetadata?v=1: 403"
        );
    }

    #[test]
    fn redacts_known_secrets_in_text() {
        let secrets = url_secrets("https://me:s%40cret@h/x?sig=abcd1234");
        let text = "failed for s%40cret, s@cret and abcd1234; short";
        assert_eq!(
            redact_text(text, &secrets),
            "failed for ***, *** and ***; short"
        );
    }
}
