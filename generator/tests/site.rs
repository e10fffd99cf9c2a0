//! The public catalog site, built from the demo library into a temporary folder: snapshots
//! of the home page and two dataset pages, every internal link and anchor, what crawlers read
//! (title, meta tags, CSP, sitemap, robots.txt, Atom feed), quicklooks, the HTML validator
//! (vnu), axe-core in headless Chromium, and content with script payloads that must not run.
//!
//! The browser and validator checks need `bash scripts/setup-browser.sh` (Chromium, Java and
//! tests/browser/node_modules); `scripts/test.sh` runs it first.

mod links;
mod walk;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use almanac::BuildOptions;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

/// The demo, built once for every test of this file.
fn demo() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let public = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-demo/public");
        let mut options = BuildOptions::for_project(&repo()).expect("the demo's almanac.toml");
        options.output = Some(public.clone());
        almanac::build(&options).expect("the demo builds");
        public
    })
}

/// Every file under `dir`, `/`-separated and relative.
fn files(dir: &Path) -> BTreeSet<String> {
    walk::files(dir)
        .into_iter()
        .map(|(relative, _)| relative)
        .collect()
}

fn html_pages(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .collect()
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn snapshots_of_the_home_page_and_two_dataset_pages() {
    let public = demo();
    let folder = repo().join("generator/tests/snapshots/site");
    let update = std::env::var_os("ALMANAC_UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for (page, snapshot) in [
        ("index.html", "home.html"),
        (
            "datasets/hadgem2-ao-a1b-north-america/index.html",
            "dataset-hadgem2-ao-a1b-north-america.html",
        ),
        (
            "datasets/cmip6-air-temperature/index.html",
            "dataset-cmip6-air-temperature.html",
        ),
    ] {
        let html = read(public, page);
        let path = folder.join(snapshot);
        if update {
            fs::create_dir_all(&folder).expect("mkdir");
            fs::write(&path, &html).expect("write snapshot");
            continue;
        }
        let expected = fs::read_to_string(&path).unwrap_or_default();
        if expected != html {
            stale.push(format!("{page} differs from {}", path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n(rerun with ALMANAC_UPDATE_SNAPSHOTS=1 and review the diff)",
        stale.join("\n")
    );
}

/// The value of every `attribute="…"` in `html`, unescaped.
#[test]
fn every_internal_link_and_anchor_resolves() {
    let public = demo();
    let pages = html_pages(public);
    let (checked, broken) = links::broken(public);
    assert!(
        broken.is_empty(),
        "{} broken of {checked} internal links:\n{}",
        broken.len(),
        broken.join("\n")
    );
    assert!(checked > 5000, "only {checked} links checked");
    eprintln!(
        "link check: {checked} internal links in {} pages",
        pages.len()
    );
}

#[test]
fn every_page_is_ready_for_crawlers_and_safe() {
    let public = demo();
    for page in html_pages(public) {
        if page.starts_with("app/") {
            continue;
        }
        let html = read(public, &page);
        for needle in [
            "<title>",
            "<meta name=\"description\" content=\"",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;self&#39;",
            "<meta property=\"og:title\"",
            "<meta name=\"twitter:card\"",
            "<div id=\"almanac-app\"></div>",
            "<main id=\"main\"",
        ] {
            assert!(html.contains(needle), "{page} has no {needle}");
        }
        assert!(
            !html.contains("<script>") && !html.contains("<script type=\"module\">"),
            "{page} has an inline script, which the CSP blocks"
        );
    }
    let dataset = read(public, "datasets/cmip6-air-temperature/index.html");
    for needle in [
        "<script type=\"application/ld+json\">",
        "<svg class=\"extent-map\"",
        "Open with xarray",
        "Open with pystac + xpystac",
        "Open in JupyterHub",
        "Open in Binder",
        "@misc{cmip6_air_temperature,",
        "[Data set]",
        "../../stac/cmip6-air-temperature/collection.json",
        "../../graph/datasets/cmip6-air-temperature.json",
        "noleap <span class=\"muted\">(no leap days)</span>",
        "<caption id=\"variables-caption-taiesm1\">",
        "<caption id=\"dimensions-caption-taiesm1\">",
        "quicklook.png",
    ] {
        assert!(dataset.contains(needle), "the CMIP6 page has no {needle}");
    }
    // A store that was not read says why.
    let climsim = read(public, "datasets/climsim/index.html");
    assert!(
        climsim.contains("Not read in this build: remote stores are not read in offline mode"),
        "{climsim}"
    );
    // Public GCS stores are opened anonymously.
    let cm26 = read(public, "datasets/gfdl-cm2-6/index.html");
    assert!(cm26.contains(r#"storage_options={&quot;token&quot;: &quot;anon&quot;}"#));
    // Lists are paginated, facets and tags are real pages.
    for page in [
        "papers/page/2/index.html",
        "datasets/tags/index.html",
        "datasets/variables/index.html",
        "datasets/standard-names/air-temperature/index.html",
        "datasets/providers/index.html",
        "datasets/licenses/index.html",
        "tags/index.html",
        "feed.xml",
        "robots.txt",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    let feed = read(public, "feed.xml");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(
        feed.matches("<entry>").count(),
        13,
        "one entry per demo dataset"
    );
    assert!(
        feed.find("cmip6-air-temperature") < feed.find("climsim"),
        "the dataset with a build time comes first"
    );
    assert!(
        !public.join("sitemap.xml").exists(),
        "no sitemap without a base URL"
    );
}

#[test]
fn quicklooks_are_small_pngs_of_local_stores() {
    let public = demo();
    let quicklooks: Vec<String> = files(public)
        .into_iter()
        .filter(|p| p.ends_with("/quicklook.png"))
        .collect();
    assert!(quicklooks.len() >= 6, "{quicklooks:?}");
    for path in &quicklooks {
        let bytes = fs::read(public.join(path)).expect("png");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{path}");
        assert!(bytes.len() < 64 * 1024, "{path}: {} bytes", bytes.len());
    }
    // Remote stores are not read offline; 1-D data has no quicklook.
    assert!(!public.join("datasets/climsim/quicklook.png").exists());
    assert!(!public.join("datasets/soi-darwin/quicklook.png").exists());
    let home = read(public, "index.html");
    assert!(home.contains("Featured datasets") && home.contains("class=\"card-image\""));
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

/// The minimal site in `dir`, with the repository's theme and `extra` appended to its
/// almanac.toml.
fn minimal_site(dir: &Path, extra: &str) -> PathBuf {
    let root = dir.join("site");
    copy_tree(
        &repo().join("tests/sites/minimal/content"),
        &root.join("content"),
    );
    let config = format!("[site]\ntitle = \"Minimal Almanac\"\n{extra}");
    fs::write(root.join("almanac.toml"), config).expect("almanac.toml");
    root
}

#[test]
fn a_base_url_gives_canonical_urls_a_sitemap_and_absolute_feed_links() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = minimal_site(tmp.path(), "base_url = \"https://example.org/lib/\"\n");
    let public = root.join("public");
    let mut options = BuildOptions::for_project(&root).expect("config");
    options.output = Some(public.clone());
    almanac::build(&options).expect("build");
    let sitemap = read(&public, "sitemap.xml");
    for page in html_pages(&public) {
        if page == "404.html" {
            assert!(
                !sitemap.contains("404"),
                "the 404 page is not in the sitemap"
            );
            continue;
        }
        let url = format!(
            "<loc>https://example.org/lib/{}</loc>",
            page.trim_end_matches("index.html")
        );
        assert!(sitemap.contains(&url), "{url} missing from the sitemap");
        let html = read(&public, &page);
        let canonical = format!(
            "<link rel=\"canonical\" href=\"https://example.org/lib/{}\">",
            page.trim_end_matches("index.html")
        );
        assert!(html.contains(&canonical), "{page}: no {canonical}");
    }
    assert!(read(&public, "robots.txt").contains("Sitemap: https://example.org/lib/sitemap.xml"));
    let feed = read(&public, "feed.xml");
    assert!(feed.contains("<id>https://example.org/lib/datasets/sea-ice-extent/</id>"));
    let dataset = read(&public, "datasets/sea-ice-extent/index.html");
    assert!(
        dataset.contains(
            "pystac.Collection.from_file(&quot;https://example.org/lib/stac/sea-ice-extent/collection.json&quot;)"
        ),
        "{dataset}"
    );
}

#[test]
fn a_site_template_overrides_the_theme() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = minimal_site(tmp.path(), "");
    fs::create_dir_all(root.join("templates")).expect("mkdir");
    fs::write(
        root.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>Lost at sea</h1>{% endblock main %}",
    )
    .expect("write");
    let public = root.join("public");
    let mut options = BuildOptions::for_project(&root).expect("config");
    options.output = Some(public.clone());
    almanac::build(&options).expect("build");
    let not_found = read(&public, "404.html");
    assert!(not_found.contains("<h1>Lost at sea</h1>"));
    assert!(
        not_found.contains("static/almanac.css"),
        "still the theme's base"
    );
}

#[test]
fn a_theme_folder_replaces_only_the_files_it_has() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = minimal_site(tmp.path(), "");
    let config = fs::read_to_string(root.join("almanac.toml")).expect("config");
    fs::write(
        root.join("almanac.toml"),
        config.replace("[site]\n", "[site]\ntheme = \"sea\"\n"),
    )
    .expect("write");
    let theme = root.join("themes/sea");
    fs::create_dir_all(theme.join("templates")).expect("mkdir");
    fs::create_dir_all(theme.join("static/img")).expect("mkdir");
    fs::write(
        theme.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>Off the chart</h1>{% endblock main %}",
    )
    .expect("write");
    fs::write(theme.join("static/almanac.css"), "body { color: navy }\n").expect("write");
    fs::write(theme.join("static/img/wave.svg"), "<svg/>").expect("write");
    let public = root.join("public");
    let mut options = BuildOptions::for_project(&root).expect("config");
    options.output = Some(public.clone());
    almanac::build(&options).expect("build");
    assert!(read(&public, "404.html").contains("<h1>Off the chart</h1>"));
    assert_eq!(
        read(&public, "static/almanac.css"),
        "body { color: navy }\n"
    );
    assert_eq!(read(&public, "static/img/wave.svg"), "<svg/>");
    // Everything the folder does not have comes from the built-in theme.
    assert!(read(&public, "index.html").contains("static/almanac.css"));
    assert!(public.join("static/almanac.js").is_file());
    assert!(public.join("app/almanac_web_bg.wasm").is_file());
}

#[test]
fn a_theme_that_is_not_there_stops_the_build_naming_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = minimal_site(tmp.path(), "");
    let config = fs::read_to_string(root.join("almanac.toml")).expect("config");
    fs::write(
        root.join("almanac.toml"),
        config.replace("[site]\n", "[site]\ntheme = \"missing\"\n"),
    )
    .expect("write");
    let mut options = BuildOptions::for_project(&root).expect("config");
    options.output = Some(root.join("public"));
    let error = almanac::build(&options)
        .expect_err("no such theme")
        .to_string();
    assert!(
        error.contains("missing") && error.contains("no such folder"),
        "{error}"
    );
    assert!(!root.join("public").exists(), "nothing is written");
}

#[test]
fn quicklook_settings_are_part_of_the_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = minimal_site(tmp.path(), "");
    let catalog = root.join("content/datasets/sea-ice-extent/catalog.yaml");
    let text = fs::read_to_string(&catalog).expect("catalog");
    fs::write(
        &catalog,
        format!("{text}quicklook:\n  variable: extent\n  enabled: false\n"),
    )
    .expect("write");
    let options = BuildOptions::for_project(&root).expect("config");
    let (library, diagnostics) = almanac::load_library(&options);
    assert!(
        diagnostics.is_empty(),
        "quicklook is a known field:\n{}",
        diagnostics.to_text(true)
    );
    let settings = almanac::thumbnail::settings(&library.datasets[0]);
    assert!(!settings.enabled);
    assert_eq!(settings.variable.as_deref(), Some("extent"));
    fs::write(&catalog, format!("{text}quicklook: [1]\n")).expect("write");
    let (_, diagnostics) = almanac::load_library(&options);
    assert!(diagnostics.has_errors(), "the schema rejects a list");
}

fn browser_tools() -> PathBuf {
    let modules = repo().join("tests/browser/node_modules");
    assert!(
        modules.join("axe-core").is_dir() && modules.join("vnu-jar").is_dir(),
        "tests/browser/node_modules is missing: run `bash scripts/setup-browser.sh`"
    );
    modules
}

#[test]
fn the_html_validator_finds_no_errors() {
    let public = demo();
    let jar = browser_tools().join("vnu-jar/build/dist/vnu.jar");
    let pages: Vec<PathBuf> = html_pages(public)
        .into_iter()
        .map(|p| public.join(p))
        .collect();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json"])
        .args(&pages)
        .output()
        .expect("java runs (bash scripts/setup-browser.sh installs it)");
    let report: serde_json::Value = serde_json::from_slice(&output.stderr)
        .or_else(|_| serde_json::from_slice(&output.stdout))
        .unwrap_or_else(|e| {
            panic!(
                "vnu's report is not JSON ({e}):\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let errors: Vec<String> = report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["type"] == "error")
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "{} vnu errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    eprintln!("vnu: {} pages, 0 errors", pages.len());
}

fn node(script: &str, site: &Path, pages: &[String]) -> (bool, String) {
    let output = Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .arg(site)
        .args(pages)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}{stderr}"))
}

#[test]
fn axe_finds_no_accessibility_violations() {
    let public = demo();
    browser_tools();
    let all = html_pages(public);
    // Every list, facet index and dataset page, and one page of every other kind.
    let mut pages: Vec<String> = vec!["404-test/".into()];
    let mut kinds_seen = BTreeSet::new();
    for page in &all {
        let folder = page.trim_end_matches("index.html").to_owned();
        let depth = folder.matches('/').count();
        let kind = folder.split('/').next().unwrap_or_default().to_owned();
        let take = page == "index.html"
            || depth == 1
            || folder.starts_with("datasets/") && depth == 2
            || folder.starts_with("papers/page/")
            || (depth == 2 || depth == 3) && kinds_seen.insert(kind);
        if take && page.ends_with("index.html") {
            pages.push(folder);
        }
    }
    let (ok, report) = node("site_axe.mjs", public, &pages);
    assert!(ok, "axe-core found violations:\n{report}");
    let summary = report.lines().last().unwrap_or_default();
    eprintln!("axe: {summary}");
    assert!(pages.len() >= 30, "{pages:?}");
}

const PAYLOAD_TITLE: &str = "Ice <script>window.__almanacXss='title'</script>";

#[test]
fn script_payloads_in_content_never_run() {
    browser_tools();
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = minimal_site(tmp.path(), "");
    let datasets = root.join("content/datasets/sea-ice-extent");
    let catalog = fs::read_to_string(datasets.join("catalog.yaml")).expect("catalog");
    let catalog = catalog.replace(
        "  - arctic\n",
        "  - arctic\n  - \"\\\"><img src=x onerror=window.__almanacXss='tag'>\"\n",
    ) + "links:\n  - label: \"<b onmouseover=window.__almanacXss='label'>docs</b>\"\n    url: \"javascript:window.__almanacXss='link'\"\nthumbnail: \"javascript:alert('thumbnail')\"\n";
    fs::write(datasets.join("catalog.yaml"), catalog).expect("write");
    let meta = fs::read_to_string(datasets.join("meta.yaml")).expect("meta");
    let meta = meta
        .replace(
            "title: \"Arctic Sea Ice Extent\"",
            &format!("title: \"{PAYLOAD_TITLE}\""),
        )
        .replace(
            "description: >\n  Monthly Arctic sea ice extent, a small fixture dataset for Almanac's tests.",
            "description: |\n  Monthly <script>window.__almanacXss='description'</script> extent.\n  <img src=x onerror=\"window.__almanacXss='img'\"> [click](javascript:alert('md'))\n  <a href=\"javascript:alert('a')\">a</a> <svg onload=\"alert('svg')\"></svg>\n  <iframe src=\"javascript:alert('iframe')\"></iframe> <div style=\"x\" onclick=\"alert(1)\">d</div>",
        );
    fs::write(datasets.join("meta.yaml"), meta).expect("write");
    fs::write(
        root.join("content/papers/hostile.md"),
        "---\ntitle: \"</title><script>alert('paper')</script>\"\nauthors:\n  - name: \"<img src=x onerror=alert('author')>\"\nyear: 2024\nurl: \"javascript:alert('url')\"\ndatasets: [sea-ice-extent]\ntags: [\"<svg/onload=alert('t')>\"]\n---\n<script>alert('body')</script>\n\n<details open ontoggle=\"alert('toggle')\">x</details>\n\n[x](JaVaScRiPt:alert('case'))\n",
    )
    .expect("write");
    let public = root.join("public");
    let mut options = BuildOptions::for_project(&root).expect("config");
    options.output = Some(public.clone());
    let report = almanac::build(&options).expect("the hostile site builds");
    assert_eq!(report.library.papers.len(), 2, "the hostile paper is read");
    let pages: Vec<String> = html_pages(&public)
        .into_iter()
        .map(|p| p.trim_end_matches("index.html").to_owned())
        .collect();
    // The payloads are on the pages, as text.
    let dataset = read(&public, "datasets/sea-ice-extent/index.html");
    assert!(
        dataset.contains("Ice &lt;script&gt;window.__almanacXss="),
        "{dataset}"
    );
    for page in html_pages(&public) {
        let html = read(&public, &page).to_lowercase();
        for raw in [
            "href=\"javascript",
            "src=\"javascript",
            "<img src=x",
            "<script>window",
            "<script>alert",
            "<svg onload",
            "<svg/onload",
            "ontoggle=",
            "<iframe",
        ] {
            assert!(!html.contains(raw), "{page} has `{raw}` as markup");
        }
    }
    let (ok, output) = node("site_xss.mjs", &public, &pages);
    assert!(ok, "a payload ran:\n{output}");
    eprintln!("xss: {}", output.lines().last().unwrap_or_default());
}
