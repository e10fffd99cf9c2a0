//! Hostile input, issue 12 point 2: credentials written into stores (user info, signed queries,
//! Azure SAS, tokens, `storage_options` secrets, URLs that cannot be split safely) never reach
//! any output. Each `tests/sites/hostile/secrets-*/` case is copied to a temporary folder,
//! checked and built there (JSON and human output, progress on), and every file the build
//! wrote — site, STAC, graph, search shards, `library.json`, the crawl cache — and every
//! stdout/stderr is searched, case-insensitively, for each string of its `forbidden.txt`.
//! Then a loopback HTTP server checks that the crawl still sends the credentials to the store
//! (the store is read and described) while no output shows them, even when the server echoes
//! them back in an error page.

mod cases;
mod walk;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

use cases::{compare, copy_tree, expected_exit, lines, name, run};

/// Files of the copied case that hold the secrets on purpose (the input and its expectations).
fn is_input(relative: &str) -> bool {
    relative.starts_with("content/")
        || relative == "almanac.toml"
        || relative.ends_with(".txt") && !relative.contains('/')
}

/// Every place a forbidden string shows up: output files of `root` and the commands' output.
fn leaks(root: &Path, outputs: &[(&str, &Output)], forbidden: &[String]) -> Vec<String> {
    // A message may cut a secret short: its first 12 characters are forbidden too.
    let mut forbidden = forbidden.to_vec();
    forbidden.extend(
        forbidden
            .clone()
            .iter()
            .filter_map(|f| f.char_indices().nth(12).map(|(i, _)| f[..i].to_owned())),
    );
    let forbidden = &forbidden;
    let mut found = Vec::new();
    let lowered: Vec<String> = forbidden.iter().map(|f| f.to_lowercase()).collect();
    let mut search = |place: &str, text: &str| {
        let text = text.to_lowercase();
        for (secret, lower) in forbidden.iter().zip(&lowered) {
            if text.contains(lower.as_str()) {
                found.push(format!("`{secret}` in {place}"));
            }
        }
    };
    for (relative, path) in walk::files(root) {
        if is_input(&relative) {
            continue;
        }
        let bytes = fs::read(&path).expect("readable output file");
        search(&relative, &String::from_utf8_lossy(&bytes));
    }
    for (command, output) in outputs {
        search(
            &format!("stdout of `{command}`"),
            &String::from_utf8_lossy(&output.stdout),
        );
        search(
            &format!("stderr of `{command}`"),
            &String::from_utf8_lossy(&output.stderr),
        );
    }
    found
}

/// The files a build wrote under `root` (not the copied input).
fn written(root: &Path) -> Vec<String> {
    walk::files(root)
        .into_iter()
        .map(|(relative, _)| relative)
        .filter(|relative| !is_input(relative))
        .collect()
}

struct Built {
    root: tempfile::TempDir,
    outputs: Vec<(String, Output)>,
}

impl Built {
    fn output(&self, command: &str) -> &Output {
        &self
            .outputs
            .iter()
            .find(|(c, _)| c == command)
            .expect("command ran")
            .1
    }

    fn read(&self, relative: &str) -> String {
        let path = self.root.path().join(relative);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// `case` copied to a temporary folder (the theme is built in).
fn copy_case(case: &Path) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("tempdir");
    copy_tree(case, root.path());
    root
}

/// Copies `case` and runs `check` and `build` (twice: JSON diagnostics, then human output
/// with progress, reading the crawl cache the first build wrote).
fn build(case: &Path) -> Built {
    let root = copy_case(case);
    let public = root.path().join("public");
    let public = public.to_string_lossy().into_owned();
    let outputs = vec![
        (
            "check".to_owned(),
            run(root.path(), &["check", "--format", "json"]),
        ),
        (
            "build --format json".to_owned(),
            run(root.path(), &["--format", "json", "build", "-o", &public]),
        ),
        (
            "build -v".to_owned(),
            run(root.path(), &["-v", "build", "-o", &public]),
        ),
    ];
    Built { root, outputs }
}

fn secrets_cases() -> Vec<PathBuf> {
    cases::cases("hostile")
        .into_iter()
        .filter(|case| name(case).starts_with("secrets-"))
        .collect()
}

/// `%XX` escapes decoded (the fixtures' encoded secrets must not show up decoded either).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let Some(value) = hex {
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn no_case_leaks_a_secret_anywhere() {
    let cases = secrets_cases();
    assert!(cases.len() >= 9, "secrets cases: {cases:?}");
    let mut report = Vec::new();
    for case in &cases {
        let forbidden = lines(&case.join("forbidden.txt")).unwrap_or_default();
        assert!(!forbidden.is_empty(), "{}: no forbidden.txt", name(case));
        // The fixture itself must hold every forbidden string, or the search proves nothing.
        let input: String = walk::files(&case.join("content"))
            .iter()
            .map(|(_, path)| fs::read_to_string(path).unwrap_or_default())
            .collect();
        let input = format!("{input}{}", percent_decoded(&input));
        for secret in &forbidden {
            assert!(
                input.contains(secret.as_str()),
                "{}: `{secret}` is not in its content",
                name(case)
            );
        }
        let built = build(case);
        let exit = expected_exit(case);
        for (command, output) in &built.outputs {
            if output.status.code() != Some(exit) {
                report.push(format!(
                    "{}: `{command}` exited with {:?}, expected {exit}: {}",
                    name(case),
                    output.status.code(),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
        let expected = cases::expected(case);
        for command in ["check", "build --format json"] {
            if let Some(problem) = compare(command, built.output(command), &expected) {
                report.push(format!("{}: {problem}", name(case)));
            }
        }
        let files = written(built.root.path());
        for must in [
            "public/index.html",
            "public/library.json",
            "public/graph/graph.ttl",
            "public/graph/graph.nt",
            "public/graph/graph.jsonld",
            "public/datasets/sea-ice-extent/index.html",
            "public/stac/catalog.json",
        ] {
            if !files.iter().any(|f| f == must) {
                report.push(format!("{}: the build did not write {must}", name(case)));
            }
        }
        let outputs: Vec<(&str, &Output)> =
            built.outputs.iter().map(|(c, o)| (c.as_str(), o)).collect();
        for leak in leaks(built.root.path(), &outputs, &forbidden) {
            report.push(format!("{}: {leak}", name(case)));
        }
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

#[test]
fn stores_with_credentials_are_still_described_with_a_note() {
    let built = build(&cases::group_dir("hostile").join("secrets-url-userinfo"));
    let page = built.read("public/datasets/sea-ice-extent/index.html");
    for id in [
        "https-userinfo",
        "s3-userinfo",
        "abfs-password",
        "gcs-token-user",
        "ipv6-userinfo",
        "encoded-at",
        "plain",
    ] {
        assert!(
            page.contains(&format!("id=\"store-{id}\"")),
            "no store {id}"
        );
    }
    assert_eq!(
        page.matches("Reading this store needs credentials.")
            .count(),
        6,
        "one note per store with credentials, none for `plain`"
    );
    // The public forms: user info gone, Azure's container kept, IPv6 host and port kept.
    for public in [
        "https://data.example.org/sea-ice.zarr",
        "s3://example-bucket/sea-ice.zarr",
        "abfs://container@account.dfs.core.windows.net/sea-ice.zarr",
        "gs://example-bucket/sea-ice.zarr",
        "https://[2001:db8::1]:8443/sea-ice.zarr",
    ] {
        assert!(page.contains(public), "page lacks {public}");
    }
    let library: serde_json::Value =
        serde_json::from_str(&built.read("public/library.json")).expect("library.json");
    let stores = library["datasets"][0]["stores"].as_array().expect("stores");
    let needs: Vec<bool> = stores
        .iter()
        .map(|s| s["needs_credentials"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(needs.iter().filter(|n| **n).count(), 6, "{stores:?}");
    assert!(stores.iter().all(|s| s.get("access").is_none()));
    let turtle = built.read("public/graph/graph.ttl");
    assert!(
        turtle.contains("accessRights"),
        "graph notes the credentials"
    );
    assert!(turtle.contains("<s3://example-bucket/sea-ice.zarr>"));
    let check = built.output("check");
    let diagnostics = String::from_utf8_lossy(&check.stdout);
    assert_eq!(diagnostics.matches("store-credentials").count(), 6);
}

#[test]
fn storage_options_keep_what_is_not_secret() {
    let built = build(&cases::group_dir("hostile").join("secrets-storage-options"));
    let library: serde_json::Value =
        serde_json::from_str(&built.read("public/library.json")).expect("library.json");
    let stores = &library["datasets"][0]["stores"];
    let options = &stores[0]["xarray_open_kwargs"]["storage_options"];
    assert_eq!(options["anon"], false, "{options}");
    assert_eq!(
        options["client_kwargs"]["endpoint_url"],
        "https://minio.example.org"
    );
    assert_eq!(stores[0]["xarray_open_kwargs"]["consolidated"], true);
    assert_eq!(
        stores[0]["extra"]["storage_options"]["account_name"],
        "exampleaccount"
    );
    assert_eq!(stores[0]["needs_credentials"], true);
    // `token: anon` is a mode, not a secret: kept, and the store needs nothing.
    assert_eq!(
        stores[1]["xarray_open_kwargs"]["storage_options"]["token"],
        "anon"
    );
    assert!(
        stores[1].get("needs_credentials").is_none(),
        "{}",
        stores[1]
    );
    let page = built.read("public/datasets/sea-ice-extent/index.html");
    assert!(
        page.contains("consolidated=True"),
        "snippet keeps its options"
    );
}

/// A loopback HTTP server for one Zarr folder: answers `GET`/`HEAD` (with `Range`) under
/// `/<name>.zarr/` when the query holds `token=<token>`, 403 otherwise, and for `/echo.zarr/`
/// a 500 page that repeats the request line, as a hostile server would.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(store: PathBuf, name: &'static str, token: &'static str) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || serve(stream, &store, name, token, &seen));
            }
        });
        Self { port, requests }
    }
}

fn serve(mut stream: TcpStream, store: &Path, name: &str, token: &str, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut range = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some(value) = header
                .to_ascii_lowercase()
                .strip_prefix("range: bytes=")
                .map(str::to_owned)
            {
                range = value.split_once('-').map(|(a, b)| {
                    (
                        a.parse::<usize>().unwrap_or(0),
                        b.parse::<usize>().ok().map(|b| b + 1),
                    )
                });
            }
        }
        let line = line.trim_end().to_owned();
        seen.lock().expect("lock").push(line.clone());
        let mut parts = line.split(' ');
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let response = if path.starts_with("/echo.zarr/") {
            let body = format!("<html><body>bad request {line}</body></html>");
            (500, body.into_bytes(), None)
        } else if !query.split('&').any(|p| p == format!("token={token}")) {
            (403, b"forbidden".to_vec(), None)
        } else {
            let key = path.strip_prefix(&format!("/{name}.zarr/")).unwrap_or("");
            match fs::read(store.join(key)).ok().filter(|_| !key.is_empty()) {
                None => (404, b"not found".to_vec(), None),
                Some(bytes) => match range {
                    Some((start, end)) => {
                        let end = end.unwrap_or(bytes.len()).min(bytes.len());
                        let start = start.min(end);
                        let total = bytes.len();
                        let slice = bytes[start..end].to_vec();
                        (206, slice, Some((start, end, total)))
                    }
                    None => (200, bytes, None),
                },
            }
        };
        let (status, body, content_range) = response;
        let reason = match status {
            200 => "OK",
            206 => "Partial Content",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Internal Server Error",
        };
        let mut head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\n",
            body.len()
        );
        if let Some((start, end, total)) = content_range {
            head.push_str(&format!(
                "Content-Range: bytes {start}-{}/{total}\r\n",
                end.saturating_sub(1)
            ));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        if method != "HEAD" && stream.write_all(&body).is_err() {
            return;
        }
        let _ = stream.flush();
        // Keep reading requests on this connection (keep-alive).
        let _ = reader.get_mut().read(&mut []);
    }
}

/// Credentials a hostile store writes into its own attributes.
const ATTRIBUTE_SECRETS: [&str; 8] = [
    "attr-user-fake",
    "attr-pass-fake",
    "attr-token-fake",
    "attr-sig-fake",
    "attr-run-fake",
    "attr-lname-fake",
    "ATTRKEYFAKE",
    "attr-secret-fake",
];

/// Writes URLs with credentials into the root and `extent` attributes of a copied Zarr v2
/// store (`.zattrs` and the consolidated `.zmetadata`).
fn hostile_attributes(store: &Path) {
    let root = serde_json::json!({
        "Conventions": "CF-1.8",
        "title": "Synthetic sea ice extent for tests",
        "source": "https://attr-user-fake:attr-pass-fake@data.example.org/raw.nc?token=attr-token-fake",
        "references": ["see https://data.example.org/doc?X-Amz-Signature=attr-sig-fake"],
        "pangeo-forge:workflow_run": "https://ci.example.org/runs/1?access_token=attr-run-fake",
    });
    let extent = serde_json::json!({
        "_ARRAY_DIMENSIONS": ["time"],
        "long_name": "extent, from https://attr-lname-fake:x@h.example.org/",
        "units": "1e6 km2",
        "history": "copied from s3://ATTRKEYFAKE:attr-secret-fake@bucket/x.zarr",
    });
    fs::write(store.join(".zattrs"), root.to_string()).expect("write");
    fs::write(store.join("extent/.zattrs"), extent.to_string()).expect("write");
    let path = store.join(".zmetadata");
    let mut consolidated: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("JSON");
    consolidated["metadata"][".zattrs"] = root;
    consolidated["metadata"]["extent/.zattrs"] = extent;
    fs::write(&path, consolidated.to_string()).expect("write");
}

#[test]
fn a_token_store_is_read_with_its_token_and_shown_without_it() {
    let minimal = cases::group_dir("minimal");
    let stores = tempfile::tempdir().expect("tempdir");
    let store = stores.path().join("sea-ice.zarr");
    copy_tree(
        &minimal.join("content/data/sea-ice-extent/sea-ice-extent.zarr"),
        &store,
    );
    hostile_attributes(&store);
    let server = Server::start(store, "sea-ice", "http-token-fake-123");
    let root = copy_case(&cases::group_dir("hostile").join("secrets-url-userinfo"));
    let port = server.port;
    fs::write(
        root.path().join("almanac.toml"),
        format!(
            "[site]\ntitle = \"Secrets over HTTP\"\n\n\
             [crawl]\ntimeout_seconds = 5\nretries = 0\n\n\
             [[crawl.stores]]\nprefix = \"http://127.0.0.1:{port}/\"\nallow_http = true\n\
             anonymous = true\n"
        ),
    )
    .expect("almanac.toml");
    fs::write(
        root.path().join("content/datasets/sea-ice-extent/catalog.yaml"),
        format!(
            "tags: [sea ice]\nstores:\n  - id: \"token\"\n    url: \"http://127.0.0.1:{port}/sea-ice.zarr?token=http-token-fake-123&v=1\"\n  \
             - id: \"echo\"\n    url: \"http://echo-user-fake:echo-pass-fake@127.0.0.1:{port}/echo.zarr?X-Amz-Signature=echo-sig-fake-456\"\n"
        ),
    )
    .expect("catalog.yaml");
    let public = root.path().join("public");
    let public = public.to_string_lossy().into_owned();
    let build = run(root.path(), &["--format", "json", "build", "-o", &public]);
    let again = run(root.path(), &["-v", "build", "-o", &public]);
    assert_eq!(
        build.status.code(),
        Some(1),
        "the echo store fails: {}",
        String::from_utf8_lossy(&build.stdout)
    );

    // The crawl sent the token: the store was read with it.
    let requests = server.requests.lock().expect("lock").clone();
    assert!(
        requests
            .iter()
            .any(|r| r.contains("/sea-ice.zarr/") && r.contains("token=http-token-fake-123")),
        "{requests:?}"
    );
    let page = fs::read_to_string(
        root.path()
            .join("public/datasets/sea-ice-extent/index.html"),
    )
    .expect("page");
    assert!(page.contains("Zarr v2"), "the token store was read");
    assert!(page.contains("Reading this store needs credentials."));
    assert!(page.contains(&format!("http://127.0.0.1:{port}/sea-ice.zarr?v=1")));

    // The echo server's error page repeated the signature; the diagnostic does not.
    let diagnostics: serde_json::Value =
        serde_json::from_slice(&build.stdout).expect("JSON diagnostics");
    let echo = format!("http://127.0.0.1:{port}/echo.zarr");
    assert!(
        diagnostics
            .as_array()
            .expect("array")
            .iter()
            .any(|d| d["severity"] == "error"
                && d["file"].as_str().is_some_and(|f| f.starts_with(&echo))),
        "the echo store's failure names its public URL: {diagnostics}"
    );
    let mut forbidden = vec![
        "http-token-fake-123".to_owned(),
        "echo-user-fake".to_owned(),
        "echo-pass-fake".to_owned(),
        "echo-sig-fake-456".to_owned(),
    ];
    forbidden.extend(ATTRIBUTE_SECRETS.iter().map(|s| (*s).to_owned()));
    // The attributes themselves are published, without their credentials.
    let library = fs::read_to_string(root.path().join("public/library.json")).expect("library");
    assert!(
        library.contains("https://data.example.org/raw.nc"),
        "the source attribute is kept, without its credentials"
    );
    let warning = diagnostics
        .as_array()
        .expect("array")
        .iter()
        .find(|d| {
            d["code"] == "url-credentials"
                && d["file"]
                    .as_str()
                    .is_some_and(|f| f.contains("/sea-ice.zarr"))
        })
        .unwrap_or_else(|| panic!("no url-credentials warning for the attributes: {diagnostics}"));
    assert!(
        warning["message"]
            .as_str()
            .is_some_and(|m| m.contains("attributes.source")),
        "{warning}"
    );
    let leaked = leaks(
        root.path(),
        &[("build --format json", &build), ("build -v", &again)],
        &forbidden,
    );
    assert!(leaked.is_empty(), "{leaked:#?}");
    assert!(
        written(root.path())
            .iter()
            .any(|f| f.starts_with(".almanac-cache/")),
        "the crawl cache was written (and searched)"
    );
}

#[test]
fn a_local_store_with_a_token_is_read_by_its_path_and_cached_without_it() {
    let built = build(&cases::group_dir("hostile").join("secrets-local-store"));
    let page = built.read("public/datasets/sea-ice-extent/index.html");
    assert!(page.contains("Zarr v2"), "the store was read");
    assert!(page.contains("Reading this store needs credentials."));
    assert!(page.contains("data/sea-ice-extent.zarr"));
    let cache: Vec<String> = written(built.root.path())
        .into_iter()
        .filter(|f| f.starts_with(".almanac-cache/"))
        .collect();
    assert!(!cache.is_empty(), "the crawl cache was written");
    for file in cache {
        let text = built.read(&file);
        assert!(text.contains("data/sea-ice-extent.zarr"), "{file}: {text}");
        assert!(!text.contains("token"), "{file}: {text}");
    }
}

#[test]
fn withheld_urls_are_described_but_never_opened() {
    let built = build(&cases::group_dir("hostile").join("secrets-withheld-url"));
    let page = built.read("public/datasets/sea-ice-extent/index.html");
    for id in [
        "slash-in-password",
        "space-in-url",
        "scheme-less-userinfo",
        "backslashes",
        "bad-ipv6",
    ] {
        assert!(
            page.contains(&format!("id=\"store-{id}\"")),
            "no store {id}"
        );
    }
    assert!(page.contains("https://redacted.invalid/"));
    let library: serde_json::Value =
        serde_json::from_str(&built.read("public/library.json")).expect("library.json");
    let reasons: Vec<&str> = library["datasets"][0]["stores"]
        .as_array()
        .expect("stores")
        .iter()
        .filter_map(|s| s["crawl"]["reason"].as_str())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("cannot be read safely")),
        "the scheme-less store is not opened: {reasons:?}"
    );
}
