//! Credentials written into content, for the content stage: what counts as one (user info,
//! signed-query parameters, secret option names) and the public form of a URL or an options
//! value without them. Stores are sanitised once, where they are read, so every writer (pages,
//! STAC, graph, search, `library.json`) only ever sees the public form.

use std::collections::BTreeMap;

use almanac_model::{Library, StoreAccess, StoreFacts, Value};

/// The host of a URL that could not be split safely and was replaced whole
/// (`.invalid` is reserved for names that never resolve, RFC 2606).
pub const WITHHELD_HOST: &str = "redacted.invalid";

/// What a store written with credentials says about its access (STAC, graph).
pub const NEEDS_CREDENTIALS: &str = "Reading this store needs credentials: those written into its URL or options are not published.";

/// A URL without its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// The URL to publish.
    pub url: String,
    /// What was removed, by name only (`user info`, `X-Amz-Signature`), for diagnostics.
    pub removed: Vec<String>,
    /// The URL could not be split safely, so none of it (but its scheme) is kept.
    pub withheld: bool,
}

impl PublicUrl {
    /// Whether anything was removed.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.withheld || !self.removed.is_empty()
    }

    fn withheld(scheme: Option<&str>) -> Self {
        Self {
            url: scheme.map_or_else(
                || WITHHELD_HOST.to_owned(),
                |s| format!("{s}://{WITHHELD_HOST}/"),
            ),
            removed: vec!["the whole URL (it could not be read safely)".to_owned()],
            withheld: true,
        }
    }
}

/// `url` without user info (Azure's `container@account` keeps its container, not a password),
/// secret query and fragment parameters (signatures, tokens, keys, Azure SAS fields) and query
/// values that are URLs with credentials. Local paths are returned as they are unless they carry
/// such parameters or look like user info (`KEY:SECRET@bucket/x`). A URL that cannot be split
/// safely (bad scheme, white space or control characters, an unbalanced IPv6 host, a port that is
/// not a number) is replaced whole by `scheme://redacted.invalid/`: it is never echoed.
#[must_use]
pub fn public_url(url: &str) -> PublicUrl {
    let Some((scheme, rest)) = url.split_once("://") else {
        return public_path(url);
    };
    let valid_scheme = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return PublicUrl::withheld(None);
    }
    if rest
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return PublicUrl::withheld(Some(scheme));
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let mut removed = Vec::new();
    let mut out = format!("{scheme}://");
    let host = match authority.rsplit_once('@') {
        Some((info, host)) => {
            let azure = matches!(
                scheme.to_ascii_lowercase().as_str(),
                "abfs" | "abfss" | "az" | "adl" | "azure"
            );
            match info.split_once(':') {
                Some((container, _)) if azure => {
                    out.push_str(container);
                    out.push('@');
                    removed.push("the password of the user info".to_owned());
                }
                None if azure => {
                    out.push_str(info);
                    out.push('@');
                }
                _ => removed.push("user info".to_owned()),
            }
            host
        }
        None => authority,
    };
    if !valid_host(host) {
        return PublicUrl::withheld(Some(scheme));
    }
    out.push_str(host);
    out.push_str(path);
    push_parameters(&mut out, '?', query, &mut removed);
    push_parameters(&mut out, '#', fragment, &mut removed);
    PublicUrl {
        url: out,
        removed,
        withheld: false,
    }
}

/// A local path (no `scheme://`): secret parameters after `?` are removed; anything that looks
/// like user info before the first `/` withholds the whole path.
fn public_path(path: &str) -> PublicUrl {
    let first = path.split('/').next().unwrap_or_default();
    if first.contains('@') && (first.contains(':') || path.contains('\\')) {
        return PublicUrl::withheld(None);
    }
    let (rest, query) = match path.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (path, None),
    };
    let mut removed = Vec::new();
    let mut out = rest.to_owned();
    push_parameters(&mut out, '?', query, &mut removed);
    if removed.is_empty() {
        // Nothing secret: the path as written (a `#` or `?` in a file name stays).
        out = path.to_owned();
    } else {
        // A folder has no query: what is left of it would only make the path wrong.
        out = rest.to_owned();
    }
    PublicUrl {
        url: out,
        removed,
        withheld: false,
    }
}

/// A host (`name`, `name:port`, `[v6]`, `[v6]:port`, or empty) that holds nothing else.
fn valid_host(host: &str) -> bool {
    let port_ok = |port: &str| port.chars().all(|c| c.is_ascii_digit());
    if let Some(v6) = host.strip_prefix('[') {
        return match v6.split_once(']') {
            Some((address, after)) => {
                !address.is_empty()
                    && address
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '%'))
                    && (after.is_empty() || after.strip_prefix(':').is_some_and(port_ok))
            }
            None => false,
        };
    }
    if host.contains(['[', ']', '@']) {
        return false;
    }
    match host.rsplit_once(':') {
        Some((name, port)) => !name.contains(':') && port_ok(port),
        None => true,
    }
}

/// Appends `separator` and the parameters of `text` that are not secret; records the names of
/// those removed. Text that is not `name=value` pairs is kept as it is.
fn push_parameters(
    out: &mut String,
    separator: char,
    text: Option<&str>,
    removed: &mut Vec<String>,
) {
    let Some(text) = text else {
        return;
    };
    if separator == '#' && !text.contains('=') {
        out.push('#');
        out.push_str(text);
        return;
    }
    let kept: Vec<&str> = text
        .split(['&', ';'])
        .filter(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(name);
            let secret = is_secret_parameter(&name)
                || (value.contains("://") || decode(value).contains("://"))
                    && public_url(&decode(value)).changed();
            if secret {
                removed.push(shown_name(&name));
            }
            !secret
        })
        .collect();
    if !kept.is_empty() {
        out.push(separator);
        out.push_str(&kept.join("&"));
    }
}

/// A parameter's name for a message: itself when short and plain, else a description.
fn shown_name(name: &str) -> String {
    if !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        format!("`{name}`")
    } else {
        "a query parameter".to_owned()
    }
}

/// Percent-decoded (and `+` as a space), lossily: for comparing names, never for output.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (hex, bytes[i]) {
            (Some(value), _) => {
                out.push(value);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, byte) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` (prose, Markdown, a field value) with each URL in it that carries credentials
/// replaced by its public form; `None` when nothing changed. A URL starts at its scheme and
/// ends at white space, a quote, `<`, `>`, `` ` ``, `)` or `]` (so Markdown links and HTML
/// attributes keep their syntax).
#[must_use]
pub fn public_text(text: &str) -> Option<String> {
    if !text.contains("://") {
        return None;
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
    changed.then_some(out)
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

/// The words of a name: split at anything not a letter or digit and at lower-to-upper case
/// changes (`X-Amz-Signature`, `sas_token`, `accessToken`), lowercased.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether an option or field name (`key`, `secret`, `sas_token`, `client_secret`,
/// `account_key`, `accessToken`, `credentials`, …) names a secret: one of its words is a
/// credential word. `keywords` or `monkey` are not.
#[must_use]
pub fn is_secret_name(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "key",
        "keys",
        "apikey",
        "accesskey",
        "secretkey",
        "privatekey",
        "secret",
        "secrets",
        "token",
        "tokens",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "credential",
        "credentials",
        "creds",
        "sig",
        "signature",
        "auth",
        "authorization",
        "session",
        "sas",
        "jwt",
        "bearer",
        "cookie",
        "cookies",
        "connection",
    ];
    words(name).iter().any(|w| WORDS.contains(&w.as_str()))
}

/// Whether a query parameter is a credential: a secret name, any `X-Amz-*`, `X-Goog-*` or
/// `X-Ms-*` parameter of a signed URL, an Azure SAS field (`sv`, `se`, `sp`, `sig`, …), an
/// OAuth `code`, CloudFront's `Policy`. Case-insensitive.
#[must_use]
pub fn is_secret_parameter(name: &str) -> bool {
    const NAMES: &[&str] = &[
        // Azure shared access signatures.
        "sv", "ss", "srt", "sp", "se", "st", "spr", "sip", "sr", "sig", "si", "skoid", "sktid",
        "skt", "ske", "sks", "skv", "saoid", "suoid", "scid", "sdd", "ses",
        // OAuth, CloudFront, and short password names.
        "code", "policy", "expires", "pw", "pass", "otp",
    ];
    let lower = name.trim().to_ascii_lowercase();
    is_secret_name(name)
        || NAMES.contains(&lower.as_str())
        || ["x-amz-", "x-goog-", "x-ms-", "x_amz_", "x_goog_"]
            .iter()
            .any(|p| lower.starts_with(p))
}

/// gcsfs `token` modes and similar values that name a way to authenticate, not a secret.
fn is_mode_value(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) => true,
        Value::String(text) => matches!(
            text.as_str(),
            "anon" | "anonymous" | "google_default" | "cloud" | "browser" | "cache" | ""
        ),
        _ => false,
    }
}

/// `value` with secrets removed at any depth: entries whose name is secret (but booleans and
/// `token: anon`-like modes) and URL strings with credentials (replaced by their public form).
/// Each removal is recorded in `removed` as a path (`storage_options.secret`).
#[must_use]
pub fn public_value(value: &Value, path: &str, removed: &mut Vec<String>) -> Value {
    match value {
        Value::String(text) => match public_text(text) {
            Some(public) => {
                removed.push(path.to_owned());
                Value::String(public)
            }
            None => value.clone(),
        },
        Value::List(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| public_value(item, &format!("{path}[{i}]"), removed))
                .collect(),
        ),
        Value::Map(map) => Value::Map(public_map(map, path, removed)),
        _ => value.clone(),
    }
}

/// `value` with the URLs in its strings, at any depth, replaced by their public form (names are
/// not looked at: for fields that are not options). Each change is recorded in `removed`.
#[must_use]
pub fn public_urls(value: &Value, path: &str, removed: &mut Vec<String>) -> Value {
    match value {
        Value::String(text) => match public_text(text) {
            Some(public) => {
                removed.push(path.to_owned());
                Value::String(public)
            }
            None => value.clone(),
        },
        Value::List(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| public_urls(item, &format!("{path}[{i}]"), removed))
                .collect(),
        ),
        Value::Map(map) => Value::Map(
            map.iter()
                .map(|(name, item)| {
                    (
                        name.clone(),
                        public_urls(item, &format!("{path}.{name}"), removed),
                    )
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// An unknown field of an entity without its secrets: `None` when its name is a secret
/// (`api_key: …`, `credentials: {…}`); option maps (`storage_options`, `*_kwargs`, `auth`)
/// lose their secret entries at any depth; URLs elsewhere lose their credentials. Each removal
/// is recorded in `removed`.
#[must_use]
pub fn public_extra(name: &str, value: &Value, removed: &mut Vec<String>) -> Option<Value> {
    if is_secret_name(name) && !is_mode_value(value) {
        removed.push(name.to_owned());
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if ["option", "kwargs", "storage", "config", "auth"]
        .iter()
        .any(|w| lower.contains(w))
    {
        Some(public_value(value, name, removed))
    } else {
        Some(public_urls(value, name, removed))
    }
}

/// [`public_value`] for a map (an entity's extra fields, `xarray_open_kwargs`).
#[must_use]
pub fn public_map(
    map: &BTreeMap<String, Value>,
    path: &str,
    removed: &mut Vec<String>,
) -> BTreeMap<String, Value> {
    map.iter()
        .filter_map(|(name, value)| {
            let here = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if is_secret_name(name) && !is_mode_value(value) {
                removed.push(here);
                return None;
            }
            Some((name.clone(), public_value(value, &here, removed)))
        })
        .collect()
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

/// Every string of `library` with the URLs in it that carry credentials replaced by their
/// public form: the last guard before the crawl and every writer, for text no field reader saw
/// (Markdown bodies, BibTeX fields). Returns where it changed something: the entity's content
/// file and ``<kind> `<id>`: <path>``. The in-memory store access survives.
#[must_use]
pub fn scrub_library(library: &mut Library) -> Vec<(String, String)> {
    let Ok(mut value) = serde_json::to_value(&*library) else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    scrub_json(&mut value, "", &mut changed);
    if changed.is_empty() {
        return Vec::new();
    }
    let named: Vec<(String, String)> = changed
        .iter()
        .map(|path| describe_path(&value, path))
        .collect();
    let access: Vec<Vec<Option<StoreAccess>>> = library
        .datasets
        .iter()
        .map(|d| d.stores.iter().map(|s| s.access.clone()).collect())
        .collect();
    if let Ok(mut scrubbed) = serde_json::from_value::<Library>(value) {
        for (dataset, stores) in scrubbed.datasets.iter_mut().zip(access) {
            for (store, access) in dataset.stores.iter_mut().zip(stores) {
                store.access = access;
            }
        }
        *library = scrubbed;
    }
    named
}

fn scrub_json(value: &mut serde_json::Value, path: &str, changed: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => {
            if let Some(public) = public_text(text) {
                *text = public;
                changed.push(path.to_owned());
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                scrub_json(item, &format!("{path}/{i}"), changed);
            }
        }
        serde_json::Value::Object(map) => {
            for (name, item) in map.iter_mut() {
                scrub_json(item, &format!("{path}/{name}"), changed);
            }
        }
        _ => {}
    }
}

/// `/datasets/3/stores/0/description` as the dataset's content file and
/// ``dataset `sst`: stores/0/description``.
fn describe_path(library: &serde_json::Value, path: &str) -> (String, String) {
    let mut parts = path.trim_start_matches('/').splitn(3, '/');
    let (kind, index, rest) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let entity = &library[kind][index.parse::<usize>().unwrap_or(usize::MAX)];
    let id = entity["id"].as_str().unwrap_or("?");
    let file = entity["source_file"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (
        file,
        format!("{} `{id}`: {rest}", kind.trim_end_matches('s')),
    )
}

/// What a store's own metadata says, without credentials: URLs in attributes (at any depth),
/// names, units, the CRS and build provenance lose them — a hostile store writes these, and the
/// crawl cache and every writer read them. Returns the changed places (`attributes.source`,
/// `arrays/sst/long_name`).
#[must_use]
pub fn scrub_facts(facts: &mut StoreFacts) -> Vec<String> {
    fn text(value: &mut String, path: String, changed: &mut Vec<String>) {
        if let Some(public) = public_text(value) {
            *value = public;
            changed.push(path);
        }
    }
    fn map(values: &mut BTreeMap<String, Value>, path: &str, changed: &mut Vec<String>) {
        for (name, value) in values.iter_mut() {
            let mut removed = Vec::new();
            *value = public_urls(value, &format!("{path}.{name}"), &mut removed);
            changed.extend(removed);
        }
    }
    let mut changed = Vec::new();
    map(&mut facts.attributes, "attributes", &mut changed);
    for array in &mut facts.arrays {
        let path = format!("arrays/{}", array.path);
        map(
            &mut array.attributes,
            &format!("{path}/attributes"),
            &mut changed,
        );
        for (name, value) in [
            ("long_name", &mut array.long_name),
            ("standard_name", &mut array.standard_name),
            ("units", &mut array.units),
        ] {
            if let Some(value) = value {
                text(value, format!("{path}/{name}"), &mut changed);
            }
        }
    }
    if let Some(crs) = &mut facts.crs {
        map(&mut crs.attributes, "crs/attributes", &mut changed);
        if let Some(wkt) = &mut crs.wkt {
            text(wkt, "crs/wkt".to_owned(), &mut changed);
        }
    }
    let provenance = &mut facts.provenance;
    for (name, value) in &mut provenance.pangeo_forge {
        text(value, format!("provenance/{name}"), &mut changed);
    }
    for (name, value) in [
        ("commit", &mut provenance.commit),
        ("workflow_run", &mut provenance.workflow_run),
        ("built_at", &mut provenance.built_at),
    ] {
        if let Some(value) = value {
            text(value, format!("provenance/{name}"), &mut changed);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(url: &str) -> String {
        public_url(url).url
    }

    #[test]
    fn user_info_is_removed() {
        assert_eq!(
            public("https://user:hunter2-fake@example.org/a.zarr"),
            "https://example.org/a.zarr"
        );
        assert_eq!(
            public("s3://AKIAFAKEFAKEFAKE:wJalrFAKEsecret@bucket/x.zarr"),
            "s3://bucket/x.zarr"
        );
        assert_eq!(public("S3://TOKENONLY@bucket/x"), "S3://bucket/x");
        // The last `@` ends the user info: an unencoded `@` in a password goes with it.
        assert_eq!(public("https://u:p@ss@host/x"), "https://host/x");
        let removed = public_url("https://u:p@host/x").removed;
        assert_eq!(removed, vec!["user info".to_owned()]);
    }

    #[test]
    fn azure_keeps_its_container_not_a_password() {
        assert_eq!(
            public("abfs://container:PASSWORD-fake@acct.dfs.core.windows.net/p.zarr"),
            "abfs://container@acct.dfs.core.windows.net/p.zarr"
        );
        let plain = public_url("abfss://fs@account.dfs.core.windows.net/p");
        assert_eq!(plain.url, "abfss://fs@account.dfs.core.windows.net/p");
        assert!(!plain.changed());
    }

    #[test]
    fn signed_query_parameters_are_removed_case_insensitively() {
        assert_eq!(
            public(
                "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abcdef&X-Amz-Security-Token=t&part=1"
            ),
            "https://b.s3.amazonaws.com/k?part=1"
        );
        assert_eq!(
            public("https://storage.googleapis.com/b/o?x-goog-signature=ab&X-GOOG-CREDENTIAL=c"),
            "https://storage.googleapis.com/b/o"
        );
        assert_eq!(
            public(
                "az://container/x?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030&st=2020&spr=https&sig=c2VjcmV0"
            ),
            "az://container/x"
        );
        for name in [
            "token",
            "access_token",
            "Key",
            "api_key",
            "APIKEY",
            "secret",
            "password",
            "signature",
            "code",
            "AWSAccessKeyId",
            "Signature",
            "Key-Pair-Id",
            "sessionToken",
        ] {
            let url = format!("https://h/x.zarr?{name}=hunter2-fake&v=1");
            assert_eq!(public(&url), "https://h/x.zarr?v=1", "{name}");
        }
        assert_eq!(
            public("https://h/x?keywords=a&monkey=b"),
            "https://h/x?keywords=a&monkey=b"
        );
    }

    #[test]
    fn percent_encoded_names_and_url_values() {
        assert_eq!(
            public("https://h/x?%74oken=abc&X%2DAmz%2DSignature=d"),
            "https://h/x"
        );
        assert_eq!(public("https://h/x?api+key=abc"), "https://h/x");
        assert_eq!(
            public("https://h/x?next=https%3A%2F%2Fu%3Ap%40evil.org%2F&n=https://ok.org/"),
            "https://h/x?n=https://ok.org/"
        );
    }

    #[test]
    fn fragments_are_parameters_too() {
        assert_eq!(
            public("https://h/x.zarr#access_token=abc&state=1"),
            "https://h/x.zarr#state=1"
        );
        assert_eq!(
            public("https://h/x.zarr#section-2"),
            "https://h/x.zarr#section-2"
        );
        assert_eq!(public("https://h/x?a=1#token=z"), "https://h/x?a=1");
    }

    #[test]
    fn ipv6_hosts_and_ports() {
        assert_eq!(
            public("https://user:pw@[2001:db8::1]:8443/x.zarr?token=t"),
            "https://[2001:db8::1]:8443/x.zarr"
        );
        assert_eq!(public("http://[::1]/x"), "http://[::1]/x");
        assert!(!public_url("http://[::1]:9000/x").changed());
        assert!(public_url("http://[::1/x").withheld);
        assert!(public_url("http://[::1]x/y").withheld);
        assert!(!public_url("https://example.org:443/x").changed());
    }

    #[test]
    fn urls_that_cannot_be_split_safely_are_withheld_whole() {
        for url in [
            // A `/` in the password ends the authority early: `pa` would be a port.
            "https://user:pa/ss-fake@host/x",
            "https://user:pa?ss-fake@host/x",
            "https://host with space/x?token=SECRET-fake",
            "https://h/x\n?token=SECRET-fake",
            "https:\\\\user:SECRET-fake@host/x",
            "1s3://KEY:SECRET-fake@bucket/x",
            "s 3://KEY:SECRET-fake@bucket/x",
        ] {
            let public = public_url(url);
            assert!(public.withheld, "{url}");
            assert!(!public.url.contains("fake"), "{url} -> {}", public.url);
            assert!(public.url.contains(WITHHELD_HOST), "{url}");
        }
        assert_eq!(
            public("https://user:pa/ss-fake@host/x"),
            "https://redacted.invalid/"
        );
        assert_eq!(public("s 3://K:S@b/x"), "redacted.invalid");
    }

    #[test]
    fn local_paths() {
        assert_eq!(public("data/x.zarr"), "data/x.zarr");
        assert_eq!(public("../data/my store.zarr"), "../data/my store.zarr");
        assert_eq!(public("data/x.zarr?token=abc&v=1"), "data/x.zarr");
        assert_eq!(public("data/x.zarr?v=1"), "data/x.zarr?v=1");
        assert!(public_url("KEY:SECRET-fake@bucket/x.zarr").withheld);
        assert!(!public_url("data/a@b.zarr").changed());
        assert_eq!(
            public("file:///srv/x.zarr?token=SECRET-fake"),
            "file:///srv/x.zarr"
        );
        assert_eq!(public("s3://bucket/key"), "s3://bucket/key");
    }

    #[test]
    fn public_forms_are_fixed_points() {
        for url in [
            "https://user:pw@[2001:db8::1]:8443/x.zarr?token=t",
            "abfs://container:PASSWORD-fake@acct.dfs.core.windows.net/p.zarr",
            "https://h/x.zarr#access_token=abc&state=1",
            "https://user:pa/ss-fake@host/x",
            "s3://K:S@b/x?X-Amz-Signature=s&part=1",
            "data/x.zarr?token=abc&v=1",
        ] {
            let public = public_url(url).url;
            assert!(!public_url(&public).changed(), "{url} -> {public}");
            assert_eq!(public_text(&format!("see {public}.")), None, "{url}");
        }
        assert_eq!(
            public_text("[v6](https://u:p@[::1]:9/x) end").as_deref(),
            Some("[v6](https://[::1]:9/x) end")
        );
    }

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
    fn the_library_is_scrubbed_and_keeps_store_access() {
        let mut library: Library = serde_json::from_value(serde_json::json!({
            "datasets": [{"id": "d", "source_file": "datasets/d/meta.yaml", "title": "T",
                "description": "See https://u:SECRET-fake@h/x", "license": {"text": "CC-BY-4.0"}, "feedstock": {},
                "stores": [{"id": "s", "url": "s3://b/x", "scheme": "s3"}]}],
            "papers": [], "models": [], "courses": [], "code": [], "people": [],
            "organizations": []
        }))
        .expect("a library");
        library.datasets[0].stores[0].access = Some(StoreAccess {
            url: "s3://K:S@b/x".into(),
            local_path: None,
        });
        let changed = scrub_library(&mut library);
        assert_eq!(
            changed,
            [(
                "datasets/d/meta.yaml".to_owned(),
                "dataset `d`: description".to_owned()
            )]
        );
        assert_eq!(library.datasets[0].description, "See https://h/x");
        assert_eq!(library.datasets[0].stores[0].access_url(), "s3://K:S@b/x");
        assert!(scrub_library(&mut library).is_empty());
    }

    #[test]
    fn store_facts_lose_the_credentials_of_their_urls() {
        let mut facts = StoreFacts::default();
        facts.attributes.insert(
            "source".into(),
            Value::String("https://u:SECRET-fake@h/raw.nc".into()),
        );
        facts
            .attributes
            .insert("title".into(), Value::String("plain".into()));
        facts.provenance.workflow_run = Some("https://ci.example.org/1?token=T-fake".into());
        let changed = scrub_facts(&mut facts);
        assert_eq!(changed, ["attributes.source", "provenance/workflow_run"]);
        let text = serde_json::to_string(&facts).expect("serialises");
        assert!(!text.contains("fake"), "{text}");
        assert!(text.contains("https://h/raw.nc"), "{text}");
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

    #[test]
    fn secret_names_by_word() {
        for name in [
            "key",
            "secret",
            "token",
            "password",
            "credentials",
            "client_secret",
            "account_key",
            "sas_token",
            "accessToken",
            "AWS_SECRET_ACCESS_KEY",
            "connection_string",
            "session_token",
            "apikey",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "keywords",
            "monkey",
            "anon",
            "endpoint_url",
            "consolidated",
            "account_name",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn option_values_lose_secrets_at_any_depth() {
        let options: BTreeMap<String, Value> = serde_json::from_str(
            r#"{"storage_options": {"key": "AKIAFAKE", "secret": "s", "anon": false,
                "token": "anon", "client_kwargs": {"credentials": {"client_secret": "c"},
                "endpoint_url": "https://u:p@minio.example.org"},
                "list": [{"sas_token": "x"}, "https://h/x?sig=y"]},
               "consolidated": true, "keywords": ["a"]}"#,
        )
        .expect("valid JSON");
        let mut removed = Vec::new();
        let public = public_map(&options, "", &mut removed);
        let text = serde_json::to_string(&public).expect("serialises");
        assert_eq!(
            text,
            r#"{"consolidated":true,"keywords":["a"],"storage_options":{"anon":false,"client_kwargs":{"endpoint_url":"https://minio.example.org"},"list":[{},"https://h/x"],"token":"anon"}}"#
        );
        assert_eq!(
            removed,
            [
                "storage_options.client_kwargs.credentials",
                "storage_options.client_kwargs.endpoint_url",
                "storage_options.key",
                "storage_options.list[0].sas_token",
                "storage_options.list[1]",
                "storage_options.secret",
            ]
        );
    }
}
