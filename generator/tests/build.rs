//! Whole builds of fixture sites into temporary folders: the pages of the
//! minimal site, byte-identical rebuilds of the demo, atomic output when a
//! build is interrupted, a broken file that skips only itself, and the
//! preview server.

mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use almanac::BuildOptions;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_almanac");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

fn minimal() -> PathBuf {
    repo().join("tests/sites/minimal")
}

/// Every file under `dir`, by `/`-separated relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk::files(dir)
        .into_iter()
        .map(|(relative, path)| (relative, fs::read(path).expect("read")))
        .collect()
}

/// Every HTML page under `dir`.
fn pages(dir: &Path) -> BTreeSet<String> {
    files(dir)
        .into_keys()
        .filter(|path| path.ends_with(".html"))
        .collect()
}

fn entries(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

/// Copies a project's almanac.toml and content/ to `to` (the theme is built in).
fn copy_project(from: &Path, to: &Path) {
    copy_tree(&from.join("content"), &to.join("content"));
    fs::copy(from.join("almanac.toml"), to.join("almanac.toml")).expect("copy almanac.toml");
}

fn demo_options(output: &Path) -> BuildOptions {
    let mut options = BuildOptions::for_project(&repo()).expect("the demo's almanac.toml is valid");
    options.output = Some(output.to_path_buf());
    options
}

/// The exit code `almanac build` should give for the project in `root`.
fn expected_build_code(root: &Path) -> i32 {
    let options = BuildOptions::for_project(root).expect("config");
    let (_, diagnostics) = almanac::load_library(&options);
    i32::from(diagnostics.has_errors())
}

#[test]
fn minimal_site_builds_every_page_with_relative_links() {
    let out = tempfile::tempdir().expect("tempdir");
    let public = out.path().join("public");
    let mut options = BuildOptions::for_project(&minimal()).expect("config");
    options.output = Some(public.clone());
    let report = almanac::build(&options).expect("build");

    assert!(
        report.diagnostics.is_empty(),
        "the minimal site should be clean:\n{}",
        report.diagnostics.to_text(true)
    );
    assert_eq!(report.library.datasets.len(), 1);
    assert_eq!(report.library.papers.len(), 1);
    assert_eq!(report.library.people.len(), 1);
    assert_eq!(report.output, public);
    let written = files(&public);
    assert_eq!(report.files, written.len(), "{:?}", written.keys());
    assert_eq!(
        entries(out.path()),
        BTreeSet::from(["public".to_owned()]),
        "no staging folder is left"
    );

    for page in [
        "index.html",
        "404.html",
        "library.json",
        "index/entities.json",
        "datasets/index.html",
        "datasets/sea-ice-extent/index.html",
        "papers/index.html",
        "papers/example-2024/index.html",
        "people/index.html",
        "people/ada-example/index.html",
    ] {
        assert!(
            written.contains_key(page),
            "{page} was not written: {:?}",
            written.keys()
        );
    }

    let text = |path: &str| String::from_utf8_lossy(&written[path]).into_owned();
    let paper = text("papers/example-2024/index.html");
    assert!(paper.contains("Sea Ice Extent in a Minimal Library"));
    assert!(
        paper.contains(r#"href="../../datasets/sea-ice-extent/""#),
        "the paper links to its dataset with a relative URL:\n{paper}"
    );
    assert!(
        paper.contains(r#"href="../../people/ada-example/""#),
        "the paper links to its author:\n{paper}"
    );
    assert!(
        !paper.contains(r#"href="/datasets/"#),
        "no root-relative links:\n{paper}"
    );

    let dataset = text("datasets/sea-ice-extent/index.html");
    assert!(dataset.contains("Arctic Sea Ice Extent"));
    let section = dataset
        .split_once("Papers using this data")
        .and_then(|(_, rest)| rest.split_once("</section>"))
        .map(|(section, _)| section)
        .unwrap_or_else(|| panic!("no \"Papers using this data\" section:\n{dataset}"));
    assert!(
        section.contains(r#"href="../../papers/example-2024/""#),
        "the dataset lists the paper that uses it:\n{section}"
    );
    assert!(
        dataset.contains(r#"href="../../people/ada-example/""#),
        "the dataset links to its maintainer (matched by ORCID):\n{dataset}"
    );

    let library: Value = serde_json::from_slice(&written["library.json"]).expect("library.json");
    assert_eq!(library["datasets"][0]["id"], "sea-ice-extent");
    let index: Value =
        serde_json::from_slice(&written["index/entities.json"]).expect("entities.json");
    let urls: BTreeSet<&str> = index
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|e| e["url"].as_str())
        .collect();
    assert_eq!(urls.len(), 3, "{index}");
    assert!(
        urls.iter().any(|u| u.contains("datasets/sea-ice-extent")),
        "{urls:?}"
    );
}

#[test]
fn demo_builds_are_byte_identical() {
    let first = tempfile::tempdir().expect("tempdir");
    let second = tempfile::tempdir().expect("tempdir");
    let a = almanac::build(&demo_options(&first.path().join("public"))).expect("first build");
    let b = almanac::build(&demo_options(&second.path().join("public"))).expect("second build");
    assert!(a.files > 50, "the demo builds many files, not {}", a.files);
    assert_eq!(a.files, b.files);
    assert_eq!(a.bytes, b.bytes);
    let a = files(&first.path().join("public"));
    let b = files(&second.path().join("public"));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same file list"
    );
    let different: Vec<&String> = a
        .iter()
        .filter(|(path, bytes)| b[*path] != **bytes)
        .map(|(path, _)| path)
        .collect();
    assert!(
        different.is_empty(),
        "files differ between builds: {different:?}"
    );
}

#[test]
fn interrupted_build_leaves_the_previous_site_intact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let public = tmp.path().join("public");
    almanac::build(&demo_options(&public)).expect("first build");
    let before = files(&public);
    assert!(before.contains_key("index.html"));

    let interrupted = Command::new(BIN)
        .arg("-C")
        .arg(repo())
        .args(["-q", "build", "-o"])
        .arg(&public)
        .env(almanac::output::FAIL_AFTER_ENV, "5")
        .current_dir(tmp.path())
        .output()
        .expect("the almanac binary runs");
    assert!(
        !interrupted.status.success(),
        "the test hook should abort the build:\n{}",
        String::from_utf8_lossy(&interrupted.stderr)
    );
    assert!(
        files(&public) == before,
        "the interrupted build changed public/"
    );
    let staging: Vec<String> = entries(tmp.path())
        .into_iter()
        .filter(|name| name.starts_with(".public.staging-"))
        .collect();
    assert_eq!(
        staging.len(),
        1,
        "the aborted build's staging folder: {staging:?}"
    );
    assert_eq!(
        files(&tmp.path().join(&staging[0])).len(),
        5,
        "the build was aborted after writing 5 files"
    );

    let rebuilt = Command::new(BIN)
        .arg("-C")
        .arg(repo())
        .args(["-q", "build", "-o"])
        .arg(&public)
        .output()
        .expect("the almanac binary runs");
    assert_eq!(
        rebuilt.status.code(),
        Some(expected_build_code(&repo())),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    let left: Vec<String> = entries(tmp.path())
        .into_iter()
        .filter(|name| name.starts_with(".public."))
        .collect();
    assert!(
        left.is_empty(),
        "staging or old folders left behind: {left:?}"
    );
    assert!(
        files(&public) == before,
        "a rebuild of the same content is identical"
    );
}

#[test]
fn a_broken_paper_is_reported_and_skipped_while_the_rest_builds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    copy_project(&repo(), &site);

    let clean = tmp.path().join("clean");
    let clean_build = Command::new(BIN)
        .arg("-C")
        .arg(&site)
        .args(["-q", "build", "-o"])
        .arg(&clean)
        .output()
        .expect("the almanac binary runs");
    assert_ne!(
        clean_build.status.code(),
        Some(2),
        "the copied demo should build:\n{}",
        String::from_utf8_lossy(&clean_build.stderr)
    );
    let clean_pages = pages(&clean);
    let broken_page = "papers/beucler-2021/index.html";
    assert!(
        clean_pages.contains(broken_page),
        "the demo has paper beucler-2021"
    );
    // People named only by the broken paper lose their implicit page with it.
    let options = BuildOptions::for_project(&site).expect("config");
    let (library, _) = almanac::load_library(&options);
    let mut may_go: BTreeSet<String> = library
        .people
        .iter()
        .filter(|p| p.implicit && p.source_file == "papers/beucler-2021.md")
        .map(|p| format!("people/{}/index.html", p.id))
        .collect();
    may_go.insert(broken_page.to_owned());

    let paper = site.join("content/papers/beucler-2021.md");
    let text = fs::read_to_string(&paper).expect("paper");
    let title_line = text
        .lines()
        .position(|line| line.starts_with("title:"))
        .expect("a title line")
        + 1;
    let broken_title = r#"title: "Broken" front matter"#;
    let broken: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let line = if i + 1 == title_line {
                broken_title
            } else {
                line
            };
            format!("{line}\n")
        })
        .collect();
    fs::write(&paper, broken).expect("write");
    let column = r#"title: "Broken" "#.len() + 1;
    let expected = format!("content/papers/beucler-2021.md:{title_line}:{column}: error[syntax]");

    // `check` reports the same and writes nothing.
    let before = entries(&site);
    let check = Command::new(BIN)
        .arg("-C")
        .arg(&site)
        .arg("check")
        .output()
        .expect("the almanac binary runs");
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains(&expected),
        "`check` should report `{expected}`:\n{stderr}"
    );
    assert_eq!(entries(&site), before, "`check` wrote something");
    assert!(!site.join("public").exists());

    let build = Command::new(BIN)
        .arg("-C")
        .arg(&site)
        .arg("build")
        .output()
        .expect("the almanac binary runs");
    assert_eq!(build.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(
        stderr.contains(&expected),
        "`build` should report `{expected}`:\n{stderr}"
    );
    let built = pages(&site.join("public"));
    assert!(!built.contains(broken_page), "the broken paper has no page");
    let extra: Vec<&String> = built.difference(&clean_pages).collect();
    assert!(
        extra.is_empty(),
        "pages that a clean build does not have: {extra:?}"
    );
    // Tags used only by the broken paper lose their tag page with it.
    let missing: Vec<&String> = clean_pages
        .difference(&built)
        .filter(|page| !may_go.contains(*page) && !page.starts_with("tags/"))
        .collect();
    assert!(
        missing.is_empty(),
        "pages lost because of one broken paper: {missing:?}"
    );
}

#[test]
fn building_into_the_project_folder_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    copy_project(&minimal(), &site);
    let build = Command::new(BIN)
        .arg("-C")
        .arg(&site)
        .args(["-q", "build", "-o"])
        .arg(&site)
        .output()
        .expect("the almanac binary runs");
    assert!(
        site.join("almanac.toml").is_file(),
        "almanac.toml was deleted"
    );
    assert!(
        site.join("content/papers/example-2024.md").is_file(),
        "content/ was deleted"
    );
    assert_eq!(
        build.status.code(),
        Some(2),
        "an output folder that holds the project is a usage error"
    );
}

/// A free port on the loopback interface.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// `GET path` over HTTP/1.0: the status and the body.
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// `almanac serve` as a child process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(root: &Path, output: &Path, log: PathBuf) -> Self {
        let port = free_port();
        let child = Command::new(BIN)
            .arg("-C")
            .arg(root)
            .args(["serve", "--port", &port.to_string(), "-o"])
            .arg(output)
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("the almanac binary starts");
        let mut server = Self { child, port, log };
        server.wait_until(
            |s| s.get("/").is_ok_and(|(status, _)| status == 200),
            "serves /",
        );
        server
    }

    fn get(&self, path: &str) -> std::io::Result<(u16, String)> {
        get(self.port, path)
    }

    /// Polls `ready` for up to 30 s, failing early if the server exits.
    fn wait_until(&mut self, ready: impl Fn(&Self) -> bool, what: &str) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if ready(self) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "almanac serve exited ({status}) before it {what}:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("almanac serve never {what} within 30 s:\n{}", self.log());
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_serves_pages_and_a_404_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let server = Server::start(
        &minimal(),
        &tmp.path().join("public"),
        tmp.path().join("serve.log"),
    );

    let (status, home) = server.get("/").expect("GET /");
    assert_eq!(status, 200);
    assert!(home.contains("Minimal Almanac"), "{home}");
    assert!(
        home.contains("/__almanac/version"),
        "pages get the reload script"
    );

    let (status, page) = server
        .get("/datasets/sea-ice-extent/")
        .expect("GET dataset");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Arctic Sea Ice Extent"), "{page}");

    let (status, css) = server.get("/static/almanac.css").expect("GET css");
    assert_eq!(status, 200);
    assert!(
        !css.contains("__almanac"),
        "only HTML gets the reload script"
    );

    let (status, missing) = server.get("/no/such/page/").expect("GET missing");
    assert_eq!(status, 404);
    assert!(
        missing.contains("Page not found"),
        "the 404 page:\n{missing}"
    );

    let (status, escape) = server.get("/../almanac.toml").expect("GET outside");
    assert_eq!(status, 404, "{escape}");

    let (status, version) = server.get("/__almanac/version").expect("GET version");
    assert_eq!(status, 200);
    assert!(version.trim().parse::<u64>().is_ok(), "{version:?}");
}

#[test]
fn serve_rebuilds_when_content_changes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    copy_project(&minimal(), &site);
    let mut server = Server::start(
        &site,
        &tmp.path().join("public"),
        tmp.path().join("serve.log"),
    );

    let (_, first) = server.get("/__almanac/version").expect("GET version");
    let meta = site.join("content/datasets/sea-ice-extent/meta.yaml");
    let text = fs::read_to_string(&meta).expect("meta.yaml");
    let edited = text.replace("Arctic Sea Ice Extent", "Antarctic Sea Ice Extent, Edited");
    assert_ne!(text, edited);
    fs::write(&meta, edited).expect("write meta.yaml");

    server.wait_until(
        |s| {
            s.get("/__almanac/version")
                .is_ok_and(|(status, v)| status == 200 && v != first)
        },
        "changed /__almanac/version after an edit",
    );
    let (status, page) = server
        .get("/datasets/sea-ice-extent/")
        .expect("GET dataset");
    assert_eq!(status, 200);
    assert!(
        page.contains("Antarctic Sea Ice Extent, Edited"),
        "the page shows the new title:\n{page}"
    );
}
