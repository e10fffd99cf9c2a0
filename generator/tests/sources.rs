//! The sources stage against a real HTTP server on 127.0.0.1 that serves copies of LEAP's
//! feedstock files (`../shared/samples/leap`) the way GitHub does: `/<owner>/<repo>/blob/…`
//! redirects to `/<owner>/<repo>/raw/…`, raw files carry an ETag and answer `304` to
//! `If-None-Match`. The catalogs' `ncviewjs:meta_yaml_url` name the server instead of
//! github.com. A feedstock list (`catalog/input.yaml`) names every feedstock by its blob URL,
//! one by its `meta.yaml` (LEAP's real quirk), plus URLs that answer 404, 500, a web page and
//! broken YAML.
//!
//! Checked: the site equals the site built from the same files in `content/datasets/<id>/`
//! (every file's bytes; only the dataset's source file differs — the listed URL instead of
//! `datasets/<id>/feedstock/meta.yaml` — and is normalised); each broken URL is one diagnostic
//! naming it; a second build revalidates (only `304`s), an offline build reads the cache alone;
//! private hosts are refused unless allowed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use almanac::{BuildOptions, Diagnostic, Severity};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn samples() -> PathBuf {
    repo().join("../shared/samples/leap")
}

/// One request the server answered: path and status.
type Log = Arc<Mutex<Vec<(String, u16)>>>;

/// A GitHub-like file server on 127.0.0.1; stops when dropped.
struct Server {
    port: u16,
    server: Arc<tiny_http::Server>,
    log: Log,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `files` (raw path → body); `files_for(port)` makes them once the port is known.
    fn start(files_for: impl FnOnce(u16) -> HashMap<String, String>) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a loopback port"));
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .expect("an IP address");
        let files = files_for(port);
        let log: Log = Arc::default();
        let (serving, logging) = (Arc::clone(&server), Arc::clone(&log));
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let path = request.url().to_owned();
                let tag = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("If-None-Match"))
                    .map(|h| h.value.as_str().to_owned());
                let (status, response) = answer(port, &path, tag.as_deref(), &files);
                logging.lock().expect("log").push((path, status));
                let _ = request.respond(response);
            }
        });
        Self {
            port,
            server,
            log,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests answered so far, and forgets them.
    fn take_log(&self) -> Vec<(String, u16)> {
        std::mem::take(&mut *self.log.lock().expect("log"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a header")
}

fn answer(
    port: u16,
    path: &str,
    if_none_match: Option<&str>,
    files: &HashMap<String, String>,
) -> (u16, Response) {
    let segments: Vec<&str> = path.trim_start_matches('/').splitn(4, '/').collect();
    if segments.first() == Some(&"broken") {
        return (
            500,
            tiny_http::Response::from_string("server error").with_status_code(500),
        );
    }
    if segments.first() == Some(&"page") {
        let page = tiny_http::Response::from_string("<!doctype html><title>repo</title>")
            .with_header(header("Content-Type", "text/html; charset=utf-8"));
        return (200, page);
    }
    if let [owner, repo, "blob", rest] = segments.as_slice() {
        let raw = format!("http://127.0.0.1:{port}/{owner}/{repo}/raw/{rest}");
        let redirect = tiny_http::Response::from_string("")
            .with_status_code(302)
            .with_header(header("Location", &raw));
        return (302, redirect);
    }
    let Some(body) = files.get(path) else {
        return (
            404,
            tiny_http::Response::from_string("Not Found").with_status_code(404),
        );
    };
    let tag = format!("\"{:x}-{}\"", fnv(body), body.len());
    if if_none_match == Some(tag.as_str()) {
        let unchanged = tiny_http::Response::from_string("")
            .with_status_code(304)
            .with_header(header("ETag", &tag));
        return (304, unchanged);
    }
    let full = tiny_http::Response::from_string(body.clone())
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("ETag", &tag));
    (200, full)
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One sample feedstock: owner, repository, its files with `meta_yaml_url` on the server.
struct Feedstock {
    owner: String,
    repo: String,
    catalog: String,
    meta: String,
    /// The raw path the catalog names its meta.yaml at (another repository's for the template).
    meta_path: String,
}

impl Feedstock {
    fn id(&self) -> String {
        almanac::content::identifier::slug(&self.repo)
    }

    /// Listed by its meta.yaml (no catalog.yaml is read), as LEAP's list does for one.
    fn meta_only(&self) -> bool {
        self.repo == "chirps_feedstock"
    }

    fn listed(&self, server: &Server) -> String {
        let file = if self.meta_only() { "meta" } else { "catalog" };
        server.url(&format!(
            "/{}/{}/blob/main/feedstock/{file}.yaml",
            self.owner, self.repo
        ))
    }
}

/// Every sample feedstock whose catalog names its meta.yaml, its URLs moved to `port`.
fn feedstocks(port: u16) -> Vec<Feedstock> {
    let mut found = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(samples())
        .expect("../shared/samples/leap")
        .map(|e| e.expect("an entry").path())
        .collect();
    names.sort();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(prefix) = name.strip_suffix("__feedstock__catalog.yaml") else {
            continue;
        };
        let Some((owner, repo)) = prefix.split_once("__") else {
            continue;
        };
        let catalog = std::fs::read_to_string(&path).expect("catalog.yaml");
        let Some(line) = catalog
            .lines()
            .find(|l| l.contains("ncviewjs:meta_yaml_url"))
        else {
            continue; // the old prototype schema names no meta.yaml
        };
        let moved = line.replace("https://github.com/", &format!("http://127.0.0.1:{port}/"));
        let meta_path = moved
            .split('"')
            .find(|part| part.starts_with("http://"))
            .and_then(|url| url.split_once(&format!("{port}")))
            .map(|(_, path)| path.replace("/blob/", "/raw/"))
            .expect("a meta_yaml_url");
        found.push(Feedstock {
            owner: owner.to_owned(),
            repo: repo.to_owned(),
            catalog: catalog.replace(line, &moved),
            meta: std::fs::read_to_string(
                samples().join(format!("{prefix}__feedstock__meta.yaml")),
            )
            .expect("meta.yaml"),
            meta_path,
        });
    }
    assert!(found.len() >= 15, "only {} sample feedstocks", found.len());
    found
}

/// What the server holds for `feedstocks`, plus a catalog with broken YAML.
fn files(feedstocks: &[Feedstock]) -> HashMap<String, String> {
    let mut files = HashMap::new();
    for f in feedstocks {
        let raw = format!("/{}/{}/raw/main/feedstock", f.owner, f.repo);
        if !f.meta_only() {
            files.insert(format!("{raw}/catalog.yaml"), f.catalog.clone());
        }
        files.insert(f.meta_path.clone(), f.meta.clone());
        if f.meta_only() {
            files.insert(format!("{raw}/meta.yaml"), f.meta.clone());
        }
    }
    files.insert(
        "/leap-stc/bad-yaml/raw/main/feedstock/catalog.yaml".into(),
        "title: Broken\ntags: [one, two\nstores: []\n".into(),
    );
    files
}

/// The broken list entries, after the good ones: (path, expected code).
const BROKEN: [(&str, &str); 4] = [
    (
        "/leap-stc/gone/blob/main/feedstock/catalog.yaml",
        "source-http-status",
    ),
    (
        "/broken/feedstock/blob/main/feedstock/catalog.yaml",
        "source-http-status",
    ),
    ("/page/feedstock", "source-not-yaml"),
    (
        "/leap-stc/bad-yaml/blob/main/feedstock/catalog.yaml",
        "syntax",
    ),
];

fn config(extra: &str) -> String {
    format!("[site]\ntitle = \"LEAP\"\n\n[crawl]\nenabled = false\n{extra}")
}

/// A server with every sample feedstock (and the broken URLs) and a project listing them that
/// allows the server's address.
fn served_project() -> (Server, Vec<Feedstock>, tempfile::TempDir) {
    let mut all = Vec::new();
    let server = Server::start(|port| {
        all = feedstocks(port);
        files(&all)
    });
    let project = remote_project(&server, &all, "allow_private_hosts = [\"127.0.0.1\"]\n");
    (server, all, project)
}

/// A project that lists `feedstocks` (and the broken URLs) in `catalog/input.yaml`.
fn remote_project(server: &Server, feedstocks: &[Feedstock], sources: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut list = String::from("# Feedstocks of the test library.\nfeedstocks:\n");
    for f in feedstocks {
        list.push_str(&format!("  - {}\n", f.listed(server)));
    }
    for (path, _) in BROKEN {
        list.push_str(&format!("  - {}\n", server.url(path)));
    }
    std::fs::create_dir_all(dir.path().join("catalog")).expect("mkdir");
    std::fs::write(dir.path().join("catalog/input.yaml"), list).expect("input.yaml");
    std::fs::write(
        dir.path().join("almanac.toml"),
        config(&format!(
            "\n[sources]\nfeedstock_lists = [\"catalog/input.yaml\"]\nretries = 1\ntimeout_seconds = 10\n{sources}"
        )),
    )
    .expect("almanac.toml");
    dir
}

/// The same feedstocks as files: `content/datasets/<id>/feedstock/{catalog,meta}.yaml`.
fn disk_project(feedstocks: &[Feedstock]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for f in feedstocks {
        let folder = dir
            .path()
            .join("content/datasets")
            .join(f.id())
            .join("feedstock");
        std::fs::create_dir_all(&folder).expect("mkdir");
        if !f.meta_only() {
            std::fs::write(folder.join("catalog.yaml"), &f.catalog).expect("catalog.yaml");
        }
        std::fs::write(folder.join("meta.yaml"), &f.meta).expect("meta.yaml");
    }
    std::fs::write(dir.path().join("almanac.toml"), config("")).expect("almanac.toml");
    dir
}

/// Builds `root` into `root/public` with the cache in `root/.almanac-cache`.
fn build(root: &Path) -> (almanac::BuildReport, Vec<Diagnostic>) {
    let mut options = BuildOptions::for_project(root).expect("config");
    options.use_crawl_cache(false);
    let report = almanac::build(&options).expect("the build runs");
    let diagnostics = report.diagnostics.items().to_vec();
    (report, diagnostics)
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(relative, std::fs::read(&path).expect("readable"));
            }
        }
    }
    files
}

/// `bytes` with each listed URL replaced by the file the same dataset has on disk, in the
/// forms pages write it (as it is, and HTML-escaped).
fn normalised(bytes: &[u8], replacements: &[(String, String)]) -> Vec<u8> {
    let Ok(mut text) = String::from_utf8(bytes.to_vec()) else {
        return bytes.to_vec();
    };
    let escape = |s: &str| s.replace('&', "&amp;").replace('/', "&#x2F;");
    for (url, file) in replacements {
        text = text.replace(url, file).replace(&escape(url), &escape(file));
    }
    text.into_bytes()
}

fn shown(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}: {}[{}]: {}\n",
                d.location, d.severity, d.code, d.message
            )
        })
        .collect()
}

#[test]
fn remote_feedstocks_build_the_same_site_as_their_files_on_disk() {
    let (server, all, remote) = served_project();
    let disk = disk_project(&all);
    let (remote_report, remote_diagnostics) = build(remote.path());
    let (disk_report, _) = build(disk.path());

    // Every good feedstock is a dataset, with the id its folder has on disk.
    let ids = |report: &almanac::BuildReport| -> Vec<String> {
        report
            .library
            .datasets
            .iter()
            .map(|d| d.id.clone())
            .collect()
    };
    assert_eq!(ids(&remote_report), ids(&disk_report));
    assert_eq!(remote_report.library.datasets.len(), all.len());

    // Each broken URL is one diagnostic naming it, at its line of the list (problems inside a
    // fetched file at the URL's own line and column).
    let text = shown(&remote_diagnostics);
    for (index, (path, code)) in BROKEN.iter().enumerate() {
        let url = server.url(path);
        let about: Vec<&Diagnostic> = remote_diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| d.location.file == url || d.message.contains(&format!("`{url}`")))
            .collect();
        assert_eq!(about.len(), 1, "{url}:\n{text}");
        assert_eq!(about[0].code, *code, "{text}");
        if *code == "syntax" {
            assert_eq!(
                about[0].location.to_string(),
                format!("{url}:3:7"),
                "{text}"
            );
        } else {
            let line = 3 + all.len() + index;
            assert_eq!(
                about[0].location.to_string(),
                format!("catalog/input.yaml:{line}:5"),
                "{text}"
            );
        }
    }

    // The same pages, STAC catalog and graph, byte for byte, once the source file is the same.
    let replacements: Vec<(String, String)> = all
        .iter()
        .map(|f| {
            (
                f.listed(&server),
                format!("datasets/{}/feedstock/meta.yaml", f.id()),
            )
        })
        .collect();
    let remote_site = tree(&remote_report.output);
    let disk_site = tree(&disk_report.output);
    assert_eq!(
        remote_site.keys().collect::<Vec<_>>(),
        disk_site.keys().collect::<Vec<_>>()
    );
    let mut differing = Vec::new();
    for (path, bytes) in &remote_site {
        if normalised(bytes, &replacements) != disk_site[path] {
            differing.push(path.clone());
        }
    }
    assert!(differing.is_empty(), "files that differ: {differing:?}");
    for folder in ["stac/", "graph/", "datasets/"] {
        assert!(
            remote_site.keys().filter(|p| p.starts_with(folder)).count() > all.len(),
            "{folder} is nearly empty"
        );
    }
    // The page says where the dataset comes from: the URL as listed.
    let page = String::from_utf8_lossy(&remote_site["datasets/arco-era5-feedstock/index.html"])
        .replace("&#x2F;", "/");
    assert!(
        page.contains("/leap-stc/arco-era5_feedstock/blob/main/feedstock/catalog.yaml"),
        "{page}"
    );
}

#[test]
fn a_second_build_revalidates_and_an_offline_build_reads_the_cache() {
    let (server, all, project) = served_project();
    let (first, _) = build(project.path());
    let first_site = tree(&first.output);
    let requests = server.take_log();
    let downloads = requests.iter().filter(|(_, s)| *s == 200).count();
    // Every catalog and meta.yaml, the broken YAML and the web page.
    assert_eq!(downloads, 2 * all.len() - 1 + 2, "{requests:?}");

    let (second, second_diagnostics) = build(project.path());
    let requests = server.take_log();
    let bodies: Vec<&(String, u16)> = requests
        .iter()
        .filter(|(p, s)| *s == 200 && !p.starts_with("/page/"))
        .collect();
    assert!(bodies.is_empty(), "downloaded again: {bodies:?}");
    let revalidated = requests.iter().filter(|(_, s)| *s == 304).count();
    assert_eq!(revalidated, 2 * all.len() - 1 + 1, "{requests:?}");
    assert_eq!(tree(&second.output), first_site);
    assert_eq!(
        second_diagnostics
            .iter()
            .filter(|d| d.code.starts_with("source-"))
            .count(),
        3,
        "{}",
        shown(&second_diagnostics)
    );

    // Offline: nothing is requested, the site is the same, and the URLs no build could fetch
    // are warnings.
    let config = std::fs::read_to_string(project.path().join("almanac.toml")).expect("config");
    std::fs::write(
        project.path().join("almanac.toml"),
        config.replace("enabled = false\n", "enabled = false\noffline = true\n"),
    )
    .expect("config");
    let (offline, offline_diagnostics) = build(project.path());
    assert!(server.take_log().is_empty());
    assert_eq!(tree(&offline.output), first_site);
    let offline_warnings: Vec<&Diagnostic> = offline_diagnostics
        .iter()
        .filter(|d| d.code == "source-offline")
        .collect();
    assert_eq!(offline_warnings.len(), 3, "{}", shown(&offline_diagnostics));
    assert!(
        offline_warnings
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn private_hosts_are_refused_unless_allowed() {
    let mut all = Vec::new();
    let server = Server::start(|port| {
        all = feedstocks(port);
        let mut files = files(&all);
        // A catalog whose meta.yaml is on `localhost`, which resolves to a loopback address.
        files.insert(
            "/leap-stc/inward/raw/main/feedstock/catalog.yaml".into(),
            format!(
                "title: Inward\n\"ncviewjs:meta_yaml_url\": \"http://localhost:{port}/leap-stc/OSTIA_REP/blob/main/feedstock/meta.yaml\"\nstores: []\n"
            ),
        );
        files
    });
    let inward = server.url("/leap-stc/inward/blob/main/feedstock/catalog.yaml");
    let project = remote_project(
        &server,
        &all[..1],
        "allow_private_hosts = [\"127.0.0.1\"]\n",
    );
    let list = project.path().join("catalog/input.yaml");
    let text = std::fs::read_to_string(&list).expect("list");
    std::fs::write(&list, format!("{text}  - {inward}\n")).expect("list");
    let (report, diagnostics) = build(project.path());
    let refused: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.code == "source-private-host")
        .collect();
    assert_eq!(refused.len(), 1, "{}", shown(&diagnostics));
    assert_eq!(refused[0].location.to_string(), format!("{inward}:2:27"));
    assert!(
        refused[0].message.contains("localhost"),
        "{}",
        refused[0].message
    );
    assert!(!report.library.datasets.iter().any(|d| d.id == "inward"));
    assert_eq!(report.library.datasets.len(), 1);
    let requests = server.take_log();
    assert!(
        !requests
            .iter()
            .any(|(p, _)| p.starts_with("/leap-stc/OSTIA_REP")),
        "{requests:?}"
    );

    // Without the allowance even the listed URLs on 127.0.0.1 are refused, before any request.
    std::fs::write(
        project.path().join("almanac.toml"),
        std::fs::read_to_string(project.path().join("almanac.toml"))
            .expect("config")
            .replace("allow_private_hosts = [\"127.0.0.1\"]\n", ""),
    )
    .expect("config");
    let (report, diagnostics) = build(project.path());
    assert!(server.take_log().is_empty());
    assert!(report.library.datasets.is_empty());
    let refused = diagnostics
        .iter()
        .filter(|d| d.code == "source-private-host" && d.location.file == "catalog/input.yaml")
        .count();
    assert_eq!(refused, 1 + BROKEN.len() + 1, "{}", shown(&diagnostics));
}

#[test]
fn files_over_the_limit_are_refused_and_a_server_gone_leaves_the_cached_copies() {
    let (server, all, project) = served_project();
    let (first, _) = build(project.path());
    let first_site = tree(&first.output);
    let config_path = project.path().join("almanac.toml");
    let config = std::fs::read_to_string(&config_path).expect("config");

    // A limit smaller than some files (and larger than the list): each such file is one error,
    // is not read past the limit, and its feedstock is left out.
    let list = std::fs::metadata(project.path().join("catalog/input.yaml")).expect("list");
    let limit = usize::try_from(list.len()).expect("a size") + 1;
    std::fs::write(
        &config_path,
        format!("{config}\n[limits]\ncontent_file_bytes = {limit}\n"),
    )
    .expect("config");
    let over = |f: &Feedstock| {
        usize::from(f.meta.len() > limit) + usize::from(!f.meta_only() && f.catalog.len() > limit)
    };
    let large: usize = all.iter().map(over).sum();
    let left_out = all.iter().filter(|f| over(f) > 0).count();
    assert!(large > 0, "no sample is over {limit} bytes");
    // Without the cache (the library API's default), so the first build's copies stay.
    let options = BuildOptions::for_project(project.path()).expect("config");
    let (library, diagnostics) = almanac::load_library(&options);
    let too_large: Vec<&Diagnostic> = diagnostics
        .items()
        .iter()
        .filter(|d| d.code == "source-too-large")
        .collect();
    assert_eq!(too_large.len(), large, "{}", shown(diagnostics.items()));
    assert!(too_large.iter().all(|d| d.severity == Severity::Error));
    assert_eq!(library.datasets.len(), all.len() - left_out);

    // With the server gone, every file comes from the copy the first build cached, with one
    // warning each, and the site is the same.
    std::fs::write(&config_path, &config).expect("config");
    let files = 2 * all.len() - 1 + 1;
    drop(server);
    let (gone, diagnostics) = build(project.path());
    let stale = diagnostics
        .iter()
        .filter(|d| d.code == "source-unreachable" && d.severity == Severity::Warning)
        .count();
    assert_eq!(stale, files, "{}", shown(&diagnostics));
    assert_eq!(tree(&gone.output), first_site);
}
