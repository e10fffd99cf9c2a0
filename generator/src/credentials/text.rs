//! Credentials in text, for the content stage and every message: URLs inside prose or a
//! quoted value, secret parameters of partly quoted URLs, and the secrets of a document.

use almanac_model::Value;

use super::names::{is_mode_value, is_secret_name, is_secret_parameter};
use super::{decode, public_url};

/// `text` (prose, Markdown, a field value) with each URL in it that carries credentials
/// replaced by its public form; `None` when nothing changed. A URL starts at its scheme and
/// ends at white space, a quote, `<`, `>`, `` ` ``, `)` or `]` (so Markdown links and HTML
/// attributes keep their syntax).
#[must_use]
pub fn public_text(text: &str) -> Option<String> {
    if !text.contains("://") {
        return redact_parameters(text);
    }
    let ends = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | ')' | ']');
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("://") {
        let at = search + found;
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .last()
            .map_or(at, |(i, _)| i);
        // The scheme starts with a letter: skip leading digits and signs.
        let start = text[start..at]
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or(at, |i| start + i);
        // `]` ends a URL unless it closes an IPv6 host's `[`.
        let mut open = false;
        let end = text[at..]
            .char_indices()
            .find(|&(_, c)| match c {
                '[' => {
                    open = true;
                    false
                }
                ']' if open => {
                    open = false;
                    false
                }
                c => ends(c),
            })
            .map_or(text.len(), |(i, _)| at + i);
        search = end.max(at + 3);
        if start < copied || start == at {
            continue;
        }
        let public = public_url(&text[start..end]);
        if public.changed() {
            changed = true;
            out.push_str(&text[copied..start]);
            out.push_str(&public.url);
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    // What is left of a URL that white space cut in two (`…/x.zarr ?token=…`).
    match redact_parameters(&out) {
        Some(redacted) => Some(redacted),
        None => changed.then_some(out),
    }
}

/// `text` with the values of secret `name=value` parameters that follow `?`, `&`, `;` or `#`
/// replaced by `***`, wherever they are (a message may quote part of a URL without its
/// scheme); `None` when nothing changed.
#[must_use]
pub fn redact_parameters(text: &str) -> Option<String> {
    let is_name = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '%' | '+');
    let is_value_end =
        |c: char| c.is_whitespace() || matches!(c, '&' | ';' | '#' | '"' | '\'' | '`' | '<' | '>');
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(at) = rest.find(['?', '&', ';', '#']) {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        let name_len = after.find(|c: char| !is_name(c)).unwrap_or(after.len());
        let (name, tail) = after.split_at(name_len);
        match tail.strip_prefix('=') {
            Some(value) if !name.is_empty() && is_secret_parameter(&decode(name)) => {
                let end = value.find(is_value_end).unwrap_or(value.len());
                out.push_str(name);
                out.push('=');
                if end > 0 {
                    out.push_str("***");
                    changed = true;
                }
                rest = &value[end..];
            }
            _ => {
                out.push_str(name);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The secret strings of a document: values under secret names (at any depth, but modes such as
/// `token: anon`) and the pieces of each URL that its public form leaves out. For redacting
/// messages that quote the document (schema violations).
#[must_use]
pub fn secrets_in(value: &serde_json::Value) -> Vec<String> {
    fn walk(value: &serde_json::Value, under_secret: bool, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(text) => {
                if under_secret && !is_mode_value(&Value::String(text.clone())) {
                    out.push(text.clone());
                }
                for word in text.split_whitespace().filter(|w| w.contains("://")) {
                    out.extend(left_out(word));
                }
            }
            serde_json::Value::Number(number) if under_secret => out.push(number.to_string()),
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, under_secret, out);
                }
            }
            serde_json::Value::Object(map) => {
                for (name, item) in map {
                    walk(item, under_secret || is_secret_name(name), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, false, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The pieces of `url` (between `/ : @ ? & = # ;`) that its public form does not show.
#[must_use]
pub fn left_out(url: &str) -> Vec<String> {
    let public = public_url(url);
    if !public.changed() {
        return Vec::new();
    }
    let pieces = |text: &str| -> Vec<String> {
        text.split(['/', ':', '@', '?', '&', '=', '#', ';'])
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let shown = pieces(&public.url);
    // Parameter names (`token`, `X-Amz-Signature`) are not secrets: only what they hold is.
    let names: Vec<&str> = url
        .find(['?', '#'])
        .map(|i| &url[i + 1..])
        .unwrap_or_default()
        .split(['&', ';', '?', '#'])
        .filter_map(|pair| pair.split_once('=').map(|(name, _)| name))
        .collect();
    pieces(url)
        .into_iter()
        .filter(|p| !shown.contains(p) && !names.contains(&p.as_str()))
        .collect()
}

/// `text` with each of `secrets` (longest first; those under 4 characters are ignored, they
/// would blank out ordinary words) replaced by `***`, raw and percent-decoded, and every URL
/// in it that still carries credentials in its public form.
#[must_use]
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut all: Vec<String> = secrets.to_vec();
    all.extend(
        secrets
            .iter()
            .map(|s| decode(s))
            .filter(|d| !secrets.contains(d)),
    );
    all.retain(|s| s.chars().count() >= 4);
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut text = text.to_owned();
    for secret in all {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), "***");
        }
    }
    // URLs in the message that still carry credentials (too short to list, or not known),
    // and secret parameters of URLs quoted only in part.
    let text = public_text(&text).unwrap_or(text);
    redact_parameters(&text).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_inside_text() {
        assert_eq!(
            public_text("see https://u:SECRET-fake@h/x and s3://b/y").as_deref(),
            Some("see https://h/x and s3://b/y")
        );
        assert_eq!(public_text("see https://h/x"), None);
        assert_eq!(public_text("no URL here"), None);
        assert_eq!(
            public_text("[docs](https://example.org/docs) and <https://a.org/>"),
            None
        );
        assert_eq!(
            public_text("[data](https://h/x.zarr?sig=SECRET-fake) (<a href=\"s3://K:S@b/y\">)")
                .as_deref(),
            Some("[data](https://h/x.zarr) (<a href=\"s3://b/y\">)")
        );
        assert_eq!(
            public_text("1https://u:p@h/x").as_deref(),
            Some("1https://h/x")
        );
    }

    #[test]
    fn secrets_of_a_document_are_redacted_from_messages() {
        let document = serde_json::json!({
            "stores": [{"url": "https://me:hunter2-fake@h/x?sig=c2lnLWZha2U%3D",
                        "xarray_open_kwargs": {"storage_options": {"secret": "wJalr-fake",
                            "token": "anon", "client_kwargs": {"key": 12345678}}}}],
        });
        let secrets = secrets_in(&document);
        let message = format!("{document} is not valid; sig-fake= and 'sig-fake='");
        let redacted = redact(&message, &secrets);
        for fake in ["hunter2-fake", "c2lnLWZha2U", "wJalr-fake", "12345678"] {
            assert!(!redacted.contains(fake), "{fake} in {redacted}");
        }
        assert!(redacted.contains("\"token\":\"anon\""), "{redacted}");
        assert!(redacted.contains("https://"), "{redacted}");
    }

    #[test]
    fn left_out_pieces_are_values_not_names() {
        let pieces = left_out("https://me:hunter2-secret@h/x?token=my-api-key-value&v=1");
        assert!(pieces.contains(&"hunter2-secret".to_owned()), "{pieces:?}");
        assert!(
            pieces.contains(&"my-api-key-value".to_owned()),
            "{pieces:?}"
        );
        assert!(!pieces.contains(&"token".to_owned()), "{pieces:?}");
        assert!(left_out("https://h/x?v=1").is_empty());
    }

    #[test]
    fn parameters_of_partly_quoted_urls() {
        assert_eq!(
            redact_parameters("`@h.example.org/list?token=stray-token-fa…` is not").as_deref(),
            Some("`@h.example.org/list?token=***` is not")
        );
        assert_eq!(
            redact_parameters("a?v=1&X-Amz-Signature=abc;sig=d#code=e f").as_deref(),
            Some("a?v=1&X-Amz-Signature=***;sig=***#code=*** f")
        );
        assert_eq!(redact_parameters("a?v=1&keywords=x & token"), None);
        assert_eq!(redact_parameters("what? nothing"), None);
    }
}
