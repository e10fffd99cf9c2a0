//! Credentials written into content, for the content stage: what counts as one (user info,
//! signed-query parameters, secret option names) and the public form of a URL or an options
//! value without them. Stores are sanitised once, where they are read, so every writer (pages,
//! STAC, graph, search, `library.json`) only ever sees the public form.

mod names;
mod text;
mod values;

pub use self::names::{is_secret_name, is_secret_parameter};
pub use self::text::{left_out, public_text, redact, redact_parameters, secrets_in};
pub use self::values::{
    public_extra, public_map, public_urls, public_value, scrub_facts, scrub_library,
};

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
    // `user:1234/pass@host`: an unencoded `/`, `?` or `#` in a numeric-looking password ends
    // the authority early, and the rest of the password and the real host follow, after an `@`.
    // Such a URL is withheld whole.
    // Likewise `user:p@ss?w@host`: user info, then another `@` after the authority.
    let port = !host.starts_with('[') && host.contains(':');
    if (authority.contains('@') || port)
        && (path.contains('@')
            || query.is_some_and(|q| q.contains('@'))
            || fragment.is_some_and(|f| f.contains('@')))
    {
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

    /// A small deterministic generator (xorshift), so the sweep below needs no crate.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            let n = u64::try_from(items.len()).expect("small");
            items[usize::try_from(self.next() % n).expect("small")]
        }
    }

    #[test]
    fn a_sweep_of_generated_urls_never_shows_a_planted_secret() {
        const MARK: &str = "zqmarkzq";
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        let schemes = [
            "https", "http", "s3", "S3", "gs", "abfs", "az", "file", "s3a",
        ];
        let hosts = [
            "h.example.org",
            "h.example.org:8443",
            "[2001:db8::1]",
            "[::1]:9000",
            "bucket",
            "acct.dfs.core.windows.net",
        ];
        let secret_names = [
            "token",
            "X-Amz-Signature",
            "x-goog-credential",
            "sig",
            "se",
            "api_key",
            "APIKEY",
            "%74oken",
            "access_token",
            "Password",
            "client-secret",
            "sessionToken",
        ];
        let public_names = ["v", "part", "format", "keywords", "monkey"];
        let hostile = [
            "", "/", "?", "#", "@", ":", "%40", "%2F", "1234/", "99?", "7#", " ",
        ];
        for round in 0..20_000 {
            let scheme = random.pick(&schemes);
            let host = random.pick(&hosts);
            let mut url = format!("{scheme}://");
            let mut planted = false;
            match random.next() % 4 {
                0 => {}
                // Azure's `container@account`: a container, not a secret.
                1 if matches!(scheme, "abfs" | "az") => url.push_str("container@"),
                1 => {
                    url.push_str(&format!("{MARK}@"));
                    planted = true;
                }
                _ => {
                    let before = random.pick(&hostile);
                    let after = random.pick(&hostile);
                    url.push_str(&format!("user:{before}{MARK}{after}@"));
                    planted = true;
                }
            }
            url.push_str(host);
            url.push_str("/path/x.zarr");
            let mut pairs = Vec::new();
            let mut kept = Vec::new();
            for _ in 0..(random.next() % 4) {
                if random.next().is_multiple_of(2) {
                    let name = random.pick(&secret_names);
                    let value = format!("{MARK}{}", random.pick(&["", "%2F", "-x", "=="]));
                    pairs.push(format!("{name}={value}"));
                    planted = true;
                } else {
                    let name = random.pick(&public_names);
                    let value = format!("keep{round}");
                    kept.push(format!("{name}={value}"));
                    pairs.push(format!("{name}={value}"));
                }
            }
            if !pairs.is_empty() {
                url.push('?');
                url.push_str(&pairs.join("&"));
            }
            if random.next().is_multiple_of(3) {
                url.push_str(&format!("#access_token={MARK}&state=ok"));
                planted = true;
            }
            let public = public_url(&url);
            let lower = public.url.to_lowercase();
            assert!(!lower.contains(MARK), "{url} -> {}", public.url);
            assert_eq!(public.changed(), planted, "{url} -> {}", public.url);
            assert!(
                !public_url(&public.url).changed(),
                "{url} -> {}",
                public.url
            );
            if !public.withheld {
                for pair in &kept {
                    assert!(public.url.contains(pair.as_str()), "{url} lost {pair}");
                }
            }
            // In prose, white space ends a URL: a password with a space cannot be told from
            // two words, so only URLs without one are checked there.
            if !url.contains(' ') {
                let text = format!("See [the data]({url}) or <{url}>.");
                let shown = public_text(&text).unwrap_or(text);
                assert!(
                    !shown.to_lowercase().contains(MARK),
                    "{url} in text -> {shown}"
                );
            }
        }
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
}
