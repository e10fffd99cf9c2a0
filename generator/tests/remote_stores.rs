//! Remote stores through the crawl stage's `location::open_with` and `CountingStore`: an
//! S3-compatible server (moto) and an HTTP server with Range support (RangeHTTPServer), both
//! started from the project's `.venv` on loopback ports by `tests/servers/serve.sh`, and the
//! failures a crawl must survive (a closed port, a server that never answers).
//!
//! Needs `.venv`: run `scripts/setup-python.sh` (scripts/test.sh does).

mod cases;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path as FsPath, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use almanac::crawl::counting::CountingStore;
use almanac::crawl::location::{self, CrawlSettings, Environment, Location, StoreSettings};
use almanac_model::StoreScheme;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

const BUCKET: &str = "almanac-test";
const KEY_ID: &str = "almanac-test-key-id";
const SECRET: &str = "almanac-test-secret-0123456789";

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn soi_darwin() -> PathBuf {
    repository().join("content/data/soi-darwin/soi-darwin.zarr")
}

fn taiesm1() -> PathBuf {
    repository().join("content/data/cmip6-air-temperature/taiesm1.zarr")
}

/// A test server started by `tests/servers/serve.sh run`, killed when dropped.
struct Server {
    name: &'static str,
    child: Child,
    port: u16,
    log: tempfile::NamedTempFile,
}

impl Server {
    /// Starts `serve.sh run <args> <free port>` and waits (30 s at most) until it answers HTTP.
    fn start(name: &'static str, args: &[&FsPath]) -> Self {
        let venv = repository().join(".venv");
        assert!(
            venv.join("bin/moto_server").is_file(),
            "{} has no moto_server: run scripts/setup-python.sh first (it installs \
             tests/requirements.txt into .venv)",
            venv.display()
        );
        let port = free_port();
        let log = tempfile::NamedTempFile::new().expect("log file");
        let started = Instant::now();
        let child = Command::new("bash")
            .arg(repository().join("tests/servers/serve.sh"))
            .arg("run")
            .arg(name)
            .args(args)
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(log.reopen().expect("log file"))
            .stderr(log.reopen().expect("log file"))
            .spawn()
            .expect("bash runs tests/servers/serve.sh");
        let mut server = Self {
            name,
            child,
            port,
            log,
        };
        server.wait_until_ready(Duration::from_secs(30));
        eprintln!(
            "{name} server on port {port} answered after {:.2} s",
            started.elapsed().as_secs_f64()
        );
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_ready(&mut self, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("server status") {
                panic!("{} server exited ({status}):\n{}", self.name, self.log());
            }
            if http(self.port, "HEAD / HTTP/1.0\r\n\r\n").is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} server did not answer within {limit:?}:\n{}",
            self.name,
            self.log()
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // serve.sh execs the server, so this is the server's own process.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a loopback port");
    listener.local_addr().expect("bound address").port()
}

/// Sends a raw request; returns the response's status line, or `None` when nothing answers.
fn http(port: u16, request: &str) -> Option<String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    text.starts_with("HTTP/")
        .then(|| text.lines().next().unwrap_or_default().to_owned())
}

fn credentials() -> Environment {
    Environment::new([
        ("AWS_ACCESS_KEY_ID", KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ])
}

fn s3_settings(endpoint: &str, anonymous: bool) -> CrawlSettings {
    CrawlSettings {
        timeout_seconds: 10,
        stores: vec![StoreSettings {
            prefix: format!("s3://{BUCKET}/"),
            endpoint: Some(endpoint.to_owned()),
            anonymous: Some(anonymous),
            allow_http: Some(true),
            ..StoreSettings::default()
        }],
        ..CrawlSettings::default()
    }
}

fn open(url: &str, settings: &CrawlSettings) -> (Location, CountingStore) {
    let location = location::open_with(url, &repository(), settings, &credentials())
        .unwrap_or_else(|e| {
            panic!("{e}");
        });
    let counting = CountingStore::new(Arc::clone(&location.store));
    (location, counting)
}

/// Every file under `dir`, as (key relative to `dir`, path).
fn files(dir: &FsPath) -> Vec<(Vec<String>, PathBuf)> {
    let mut out = Vec::new();
    let mut pending = vec![(Vec::new(), dir.to_path_buf())];
    while let Some((key, path)) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("readable folder") {
                let entry = entry.expect("folder entry");
                let mut child = key.clone();
                child.push(entry.file_name().into_string().expect("UTF-8 file name"));
                pending.push((child, entry.path()));
            }
        } else {
            out.push((key, path));
        }
    }
    out
}

async fn upload(store: &dyn ObjectStore, name: &str, dir: &FsPath) -> usize {
    let files = files(dir);
    for (key, path) in &files {
        let location: Path = std::iter::once(name)
            .chain(key.iter().map(String::as_str))
            .collect();
        let bytes = std::fs::read(path).expect("readable file");
        store
            .put(&location, PutPayload::from(bytes))
            .await
            .expect("upload to moto");
    }
    files.len()
}

async fn get_json(location: &Location, store: &CountingStore, key: &str) -> serde_json::Value {
    let bytes = store
        .get(&location.path(key))
        .await
        .unwrap_or_else(|e| panic!("{}", location.error_message(&e)))
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("JSON")
}

fn assert_no_secrets(text: &str) {
    assert!(
        !text.contains(SECRET) && !text.contains(KEY_ID),
        "credentials leaked: {text}"
    );
}

#[tokio::test]
async fn s3_compatible_store() {
    let moto = Server::start("s3", &[]);
    let endpoint = moto.url();
    // moto does not enforce ACLs (nor signatures): the anonymous read below proves that
    // object_store sends unsigned requests and the server takes them, not that the bucket is public.
    let created = http(
        moto.port,
        &format!(
            "PUT /{BUCKET} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nx-amz-acl: public-read\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n",
            moto.port
        ),
    );
    assert!(
        created.as_deref().is_some_and(|s| s.contains(" 200 ")),
        "creating the bucket: {created:?}"
    );

    let settings = s3_settings(&endpoint, false);
    let (bucket, uploads) = open(&format!("s3://{BUCKET}"), &settings);
    let mut files = upload(&uploads, "soi-darwin.zarr", &soi_darwin()).await;
    files += upload(&uploads, "taiesm1.zarr", &taiesm1()).await;
    assert_eq!(uploads.counts().put as usize, files);
    assert!(bucket.prefix.is_root());

    // Zarr v2, consolidated: one GET reads the whole hierarchy's metadata.
    let started = Instant::now();
    let (soi, store) = open(&format!("s3://{BUCKET}/soi-darwin.zarr"), &settings);
    assert_eq!(soi.scheme, StoreScheme::S3);
    assert_eq!(soi.settings.prefix, format!("s3://{BUCKET}/"));
    let zmetadata = get_json(&soi, &store, ".zmetadata").await;
    assert!(zmetadata["metadata"]["SOI_Darwin/.zarray"].is_object());
    assert_eq!(store.requests(), 1);
    assert_eq!(store.counts().get, 1);
    eprintln!(
        "s3: .zmetadata in {} request, {:.1} ms",
        store.requests(),
        started.elapsed().as_secs_f64() * 1e3
    );

    // A byte range of a chunk, and one level of listing.
    let chunk = std::fs::read(soi_darwin().join("SOI_Darwin/0")).expect("readable chunk");
    let range = store
        .get_range(&soi.path("SOI_Darwin/0"), 10..110)
        .await
        .expect("range read");
    assert_eq!(range.as_ref(), &chunk[10..110]);
    let level = store
        .list_with_delimiter(Some(&soi.prefix))
        .await
        .expect("S3 lists");
    let mut names: Vec<String> = level
        .common_prefixes
        .iter()
        .chain(level.objects.iter().map(|o| &o.location))
        .map(|p| p.filename().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".zattrs", ".zgroup", ".zmetadata", "SOI_Darwin", "time"]
    );
    assert_eq!(store.requests(), 3);

    // Zarr v3: the root zarr.json carries the consolidated metadata.
    let (v3, store) = open(&format!("s3://{BUCKET}/taiesm1.zarr"), &settings);
    let root = get_json(&v3, &store, "zarr.json").await;
    assert_eq!(root["node_type"], "group");
    assert!(root["consolidated_metadata"]["metadata"]["ta"].is_object());
    assert_eq!(store.requests(), 1);

    // Anonymous (unsigned) requests.
    let anonymous = s3_settings(&endpoint, true);
    let (soi, store) = open(&format!("s3://{BUCKET}/soi-darwin.zarr"), &anonymous);
    let zmetadata = get_json(&soi, &store, ".zmetadata").await;
    assert!(zmetadata["metadata"]["SOI_Darwin/.zarray"].is_object());
    assert_eq!(store.requests(), 1);

    // An http(s) URL of an S3-compatible host (like the Open Storage Network) read as S3,
    // because its settings name the endpoint: listing works, unlike plain HTTP.
    let by_host = CrawlSettings {
        stores: vec![StoreSettings {
            prefix: format!("{endpoint}/"),
            endpoint: Some(endpoint.clone()),
            allow_http: Some(true),
            ..StoreSettings::default()
        }],
        ..CrawlSettings::default()
    };
    let (soi, store) = open(&format!("{endpoint}/{BUCKET}/soi-darwin.zarr"), &by_host);
    assert_eq!(soi.scheme, StoreScheme::S3);
    let zmetadata = get_json(&soi, &store, ".zmetadata").await;
    assert!(zmetadata["metadata"]["time/.zarray"].is_object());
    let level = store
        .list_with_delimiter(Some(&soi.prefix))
        .await
        .expect("S3 lists");
    assert_eq!(level.common_prefixes.len(), 2);
    assert_eq!(store.requests(), 2);

    // A missing object is NotFound, and its message shows no credentials.
    let (soi, store) = open(&format!("s3://{BUCKET}/soi-darwin.zarr"), &settings);
    let error = store.get(&soi.path("zarr.json")).await.expect_err("fails");
    assert!(
        matches!(error, object_store::Error::NotFound { .. }),
        "{error}"
    );
    assert_no_secrets(&soi.error_message(&error));
    assert_no_secrets(&format!("{soi:?} {store:?}"));
}

#[tokio::test]
async fn http_store_with_range_requests() {
    let data = repository().join("content/data");
    let server = Server::start("http", &[&data]);
    let settings = CrawlSettings {
        stores: vec![StoreSettings {
            prefix: format!("{}/", server.url()),
            allow_http: Some(true),
            ..StoreSettings::default()
        }],
        ..CrawlSettings::default()
    };
    let (soi, store) = open(
        &format!("{}/soi-darwin/soi-darwin.zarr", server.url()),
        &settings,
    );
    assert_eq!(soi.scheme, StoreScheme::Http);
    assert_eq!(soi.prefix.as_ref(), "soi-darwin/soi-darwin.zarr");

    let zmetadata = get_json(&soi, &store, ".zmetadata").await;
    assert!(zmetadata["metadata"]["SOI_Darwin/.zarray"].is_object());
    assert_eq!(store.requests(), 1);

    // The server honours Range: exactly the asked-for bytes come back.
    let chunk = std::fs::read(soi_darwin().join("SOI_Darwin/0")).expect("readable chunk");
    let range = store
        .get_range(&soi.path("SOI_Darwin/0"), 100..164)
        .await
        .expect("range read");
    assert_eq!(range.len(), 64);
    assert_eq!(range.as_ref(), &chunk[100..164]);
    let meta = store.head(&soi.path("SOI_Darwin/0")).await.expect("HEAD");
    assert_eq!(meta.size, chunk.len() as u64);
    let counts = store.counts();
    assert_eq!((counts.get, counts.get_range, counts.head), (1, 1, 1));

    // HTTP cannot list: object_store's HttpStore lists with WebDAV PROPFIND, which a plain file
    // server refuses (501), so HTTP stores need consolidated metadata.
    let listed: Result<Vec<_>, _> =
        futures::TryStreamExt::try_collect(store.list(Some(&soi.prefix))).await;
    let error = listed.expect_err("fails");
    let message = soi.error_message(&error);
    eprintln!("http list: {message}");
    assert!(message.contains("501"), "{message}");
    assert!(store.list_with_delimiter(Some(&soi.prefix)).await.is_err());

    let missing = store.get(&soi.path("zarr.json")).await.expect_err("fails");
    assert!(
        matches!(missing, object_store::Error::NotFound { .. }),
        "{missing}"
    );
}

#[tokio::test]
async fn closed_port_fails_fast_without_credentials_in_the_error() {
    let port = free_port(); // bound and released: nothing listens there now
    let mut settings = s3_settings(&format!("http://127.0.0.1:{port}"), false);
    settings.timeout_seconds = 5;
    let (soi, store) = open(&format!("s3://{BUCKET}/soi-darwin.zarr"), &settings);
    let started = Instant::now();
    let error = store.get(&soi.path(".zmetadata")).await.expect_err("fails");
    let elapsed = started.elapsed();
    let message = soi.error_message(&error);
    eprintln!("closed port: failed after {elapsed:?}: {message}");
    assert!(
        elapsed < Duration::from_secs(settings.timeout_seconds),
        "{elapsed:?}"
    );
    assert!(!message.is_empty());
    assert_no_secrets(&message);
    assert_no_secrets(&format!("{error:?}"));
}

#[tokio::test]
async fn silent_server_times_out() {
    // Accepts connections (the kernel does, into the backlog) and never answers.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a loopback port");
    let port = listener.local_addr().expect("bound address").port();
    let mut settings = s3_settings(&format!("http://127.0.0.1:{port}"), false);
    settings.timeout_seconds = 2;
    settings.retries = 1;
    let (soi, store) = open(&format!("s3://{BUCKET}/soi-darwin.zarr"), &settings);
    let started = Instant::now();
    let error = store.get(&soi.path(".zmetadata")).await.expect_err("fails");
    let elapsed = started.elapsed();
    let message = soi.error_message(&error);
    eprintln!("silent server: failed after {elapsed:?}: {message}");
    // One request of timeout_seconds; no retry starts once timeout_seconds have passed.
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_no_secrets(&message);
    drop(listener);
}

/// The demo's committed stores, as (name, folder).
fn demo_stores() -> Vec<(String, PathBuf)> {
    let mut stores = Vec::new();
    for dataset in std::fs::read_dir(repository().join("content/data")).expect("content/data") {
        let dataset = dataset.expect("entry").path();
        for store in std::fs::read_dir(&dataset).into_iter().flatten().flatten() {
            let path = store.path();
            if path.extension().is_some_and(|e| e == "zarr") {
                let name = path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                stores.push((name, path));
            }
        }
    }
    stores.sort();
    stores
}

/// The numbers of the crawl's summary line on stderr: stores read, unchanged, failed; reads.
fn crawl_summary(stderr: &str) -> (usize, usize, usize, u64) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("crawl: ") && l.contains(" stores in "))
        .unwrap_or_else(|| panic!("no crawl summary in:\n{stderr}"));
    let number = |label: &str| -> u64 {
        line.split([':', ',', ';', '('])
            .map(str::trim)
            .find_map(|part| part.strip_suffix(label)?.trim().parse().ok())
            .unwrap_or(0)
    };
    let count = |label: &str| usize::try_from(number(label)).expect("small");
    (
        count(" read"),
        count(" unchanged"),
        count(" failed"),
        number(" reads)"),
    )
}

/// Crawls the same stores locally, from moto (as `s3://`, signed with credentials from the
/// environment) and over HTTP, through whole builds of the `almanac` binary: the facts must be
/// the same wherever a store lives, and a second build with the cache reads nothing from either
/// server.
#[test]
fn whole_crawls_from_s3_and_http_equal_local_crawls() {
    let stores = demo_stores();
    assert_eq!(stores.len(), 12, "{stores:?}");
    let moto = Server::start("s3", &[]);
    let data = repository().join("content/data");
    let web = Server::start("http", &[&data]);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let settings = s3_settings(&moto.url(), false);
    runtime.block_on(async {
        let (_, store) = open(&format!("s3://{BUCKET}"), &settings);
        let created = http(
            moto.port,
            &format!(
                "PUT /{BUCKET} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\
                 Connection: close\r\n\r\n",
                moto.port
            ),
        );
        assert!(created.is_some_and(|s| s.contains("200")), "bucket created");
        for (name, folder) in &stores {
            upload(store.inner().as_ref(), name, folder).await;
        }
    });

    // One site, three datasets: local paths, s3:// URLs and http:// URLs of the same stores.
    let site = tempfile::tempdir().expect("temporary folder");
    let root = site.path();
    std::fs::write(
        root.join("almanac.toml"),
        format!(
            "[site]\n\n[crawl]\nconcurrency = 8\n\n[[crawl.stores]]\n\
             prefix = \"s3://{BUCKET}/\"\nendpoint = \"{}\"\nallow_http = true\n\n\
             [[crawl.stores]]\nprefix = \"{}/\"\nallow_http = true\n",
            moto.url(),
            web.url()
        ),
    )
    .expect("config");
    let meta = std::fs::read_to_string(
        repository().join("tests/sites/minimal/content/datasets/sea-ice-extent/meta.yaml"),
    )
    .expect("meta.yaml");
    for dataset in ["local", "s3", "http"] {
        let folder = root.join("content/datasets").join(dataset);
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(
            folder.join("meta.yaml"),
            meta.replace("Arctic Sea Ice Extent", dataset),
        )
        .expect("meta.yaml");
        let mut catalog = String::from("stores:\n");
        for (name, path) in &stores {
            let url = match dataset {
                // Local stores are read only inside the library: a copy under its content/.
                "local" => {
                    let relative = path.strip_prefix(&data).expect("under content/data");
                    let copy = root.join("content/data").join(relative);
                    cases::copy_tree(path, &copy);
                    copy.to_string_lossy().into_owned()
                }
                "s3" => format!("s3://{BUCKET}/{name}"),
                _ => {
                    let relative = path.strip_prefix(&data).expect("under content/data");
                    format!("{}/{}", web.url(), relative.to_string_lossy())
                }
            };
            let id = name.trim_end_matches(".zarr");
            catalog.push_str(&format!("  - id: {id}\n    name: {id}\n    url: {url}\n"));
        }
        std::fs::write(folder.join("catalog.yaml"), catalog).expect("catalog.yaml");
    }
    let build = || {
        let output = Command::new(env!("CARGO_BIN_EXE_almanac"))
            .arg("-C")
            .arg(root)
            .arg("build")
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE")
            .output()
            .expect("almanac runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_no_secrets(&stderr);
        let library: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join("public/library.json")).expect("library.json"),
        )
        .expect("JSON");
        (output.status.code(), stderr, library)
    };

    let (code, stderr, library) = build();
    // Plain HTTP cannot list, so the two unconsolidated Zarr 3 stores cannot be read there;
    // nothing else fails.
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error[")).collect();
    assert_eq!(errors.len(), 2, "{stderr}\n{}", moto.log());
    for unconsolidated in [
        "/e1-north-america.zarr/zarr.json: error[cannot-list]",
        "/orca2-votemper.zarr/zarr.json: error[cannot-list]",
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&web.url()) && e.contains(unconsolidated)),
            "{errors:#?}"
        );
    }
    assert_eq!(code, Some(1), "{stderr}");
    let (read, unchanged, failed, cold_reads) = crawl_summary(&stderr);
    assert_eq!((read, unchanged, failed), (34, 0, 2), "{stderr}");
    let facts = |library: &serde_json::Value, dataset: &str| -> Vec<(String, serde_json::Value)> {
        library["datasets"]
            .as_array()
            .expect("datasets")
            .iter()
            .find(|d| d["id"] == dataset)
            .expect("dataset")["stores"]
            .as_array()
            .expect("stores")
            .iter()
            .map(|s| (s["id"].as_str().expect("id").to_owned(), s["crawl"].clone()))
            .collect()
    };
    let local = facts(&library, "local");
    assert!(
        local.iter().all(|(_, crawl)| crawl["status"] == "ok"),
        "{local:?}"
    );
    assert_eq!(local, facts(&library, "s3"), "S3 facts equal local facts");
    for ((id, here), (_, there)) in local.iter().zip(facts(&library, "http")) {
        if id == "e1-north-america" || id == "orca2-votemper" {
            assert_eq!(there["status"], "failed", "{id}");
        } else {
            assert_eq!(*here, there, "HTTP facts of {id} equal local facts");
        }
    }

    // Unchanged stores: the second build checks metadata stamps and reads nothing but the two
    // stores that failed (one zarr.json each).
    let (code, stderr, again) = build();
    assert_eq!(code, Some(1));
    let (read, unchanged, failed, warm_reads) = crawl_summary(&stderr);
    assert_eq!((read, unchanged, failed), (0, 34, 2), "{stderr}");
    assert_eq!(warm_reads, 2, "{stderr}");
    assert!(cold_reads > 34, "{cold_reads}");
    assert_eq!(library, again);
}
