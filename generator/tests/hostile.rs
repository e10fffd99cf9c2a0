//! The hostile test library: `tests/sites/hostile/<case>/`, one small library per attack (see
//! that folder's README). Every case is copied into a temporary folder, then checked and built
//! by the release of `almanac` under an address-space limit and a time limit
//! (`tests/tools/run_limited.py`), into an output folder five levels deep. For each case:
//!
//! - both commands exit 0 or 1 (the case's `expected_exit.txt`, else 1), within the limits, with
//!   peak resident memory under [`RSS_BUDGET_KIB`];
//! - they report exactly the diagnostics of `expected.txt`;
//! - nothing outside the output folder is created, changed or removed (the crawl cache aside);
//! - no line of `forbidden.txt`, no `root:x:0:0` and no absolute path of the build appears in any
//!   output file or file name, no output file is a copy of `/etc/passwd`, and the forbidden
//!   strings appear in neither stdout nor stderr;
//! - the list, facet, pagination, search and STAC root pages are Almanac's own (no entity took
//!   them over), the pages of `expected_pages.txt` are written and those of `absent_pages.txt`
//!   are not;
//! - every JSON file and JSON-LD block parses, and no HTML or SVG file holds executable content.
//!
//! Then every distinct HTML page and SVG file of every case is loaded in headless Chromium with
//! the pages' Content-Security-Policy bypassed and a dialog hook (`tests/browser/site_xss.mjs`):
//! no script from content runs, even where the policy would have stopped it.

mod cases;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cases::{BIN, copy_tree, expected_exit, lines, name};
use serde_json::Value;

/// Address space a command may map. Far above the RSS budget: threads and allocator arenas
/// reserve address space they never touch; the limit is there to turn a runaway allocation into
/// a failed one instead of an exhausted machine.
const ADDRESS_SPACE: u64 = 4 << 30;
/// Peak resident memory a check or build of one hostile case may reach.
const RSS_BUDGET_KIB: u64 = 512 * 1024;
/// Wall time a command may take before it is killed and reported.
const TIMEOUT_SECONDS: u32 = 180;
/// Always forbidden in the output: the first line of `/etc/passwd`.
const PASSWD: &str = "root:x:0:0";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What one limited run of the binary gave.
struct Run {
    code: Value,
    max_rss_kib: u64,
    seconds: f64,
    stdout: String,
    stderr: String,
}

fn run_limited(library: &Path, args: &[&str]) -> Run {
    let output = Command::new("python3")
        .arg(repo().join("tests/tools/run_limited.py"))
        .arg(ADDRESS_SPACE.to_string())
        .arg(TIMEOUT_SECONDS.to_string())
        .arg(BIN)
        .arg("-C")
        .arg(library)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("python3 runs tests/tools/run_limited.py");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "run_limited.py printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Run {
        code: report["code"].clone(),
        max_rss_kib: report["max_rss_kib"].as_u64().unwrap_or(u64::MAX),
        seconds: report["seconds"].as_f64().unwrap_or(f64::NAN),
        stdout: report["stdout"].as_str().unwrap_or_default().to_owned(),
        stderr: report["stderr"].as_str().unwrap_or_default().to_owned(),
    }
}

/// A file system entry as the escape check compares it.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Folder,
    File {
        len: u64,
        modified: std::time::SystemTime,
    },
    Link(PathBuf),
}

/// Every entry under `dir`, without following symbolic links, by path relative to `dir`;
/// entries under `skip` (relative paths) are left out.
fn snapshot(dir: &Path, skip: &[&str]) -> BTreeMap<String, Entry> {
    fn walk(dir: &Path, prefix: &str, skip: &[&str], out: &mut BTreeMap<String, Entry>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let relative = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if skip
                .iter()
                .any(|s| relative == *s || relative.ends_with(&format!("/{s}")))
            {
                continue;
            }
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).unwrap_or_default();
                out.insert(relative, Entry::Link(target));
            } else if meta.is_dir() {
                out.insert(relative.clone(), Entry::Folder);
                walk(&path, &format!("{relative}/"), skip, out);
            } else {
                let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                out.insert(
                    relative,
                    Entry::File {
                        len: meta.len(),
                        modified,
                    },
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", skip, &mut out);
    out
}

/// Every regular file under `dir` (no links followed), `/`-separated relative path first.
fn output_files(dir: &Path) -> Vec<(String, PathBuf)> {
    snapshot(dir, &[])
        .into_iter()
        .filter_map(|(relative, entry)| match entry {
            Entry::File { .. } => Some((relative.clone(), dir.join(relative))),
            Entry::Link(_) => Some((relative.clone(), dir.join(relative))),
            Entry::Folder => None,
        })
        .collect()
}

/// Executable content in an HTML page: scripts other than the theme's own and JSON-LD, event
/// handler attributes, `javascript:` URLs. A plain scan: the markup Almanac writes is regular,
/// and a payload that slips past escaping shows up as one of these byte sequences.
fn html_problems(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut problems = Vec::new();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("<script") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |end| at + end);
        let tag = &rest[at..tag_end];
        let allowed = tag.contains("type=\"application/ld+json\"")
            || (tag.contains(" src=\"") && tag.contains("static/almanac.js"));
        if !allowed {
            problems.push(format!("script element `{tag}>`"));
        }
        rest = &rest[tag_end..];
    }
    for handler in handler_attributes(&lower) {
        problems.push(format!("event handler attribute `{handler}`"));
    }
    for url in [
        "href=\"javascript:",
        "src=\"javascript:",
        "href=\"data:",
        "src=\"data:text",
    ] {
        if lower.contains(url) {
            problems.push(format!("`{url}` URL"));
        }
    }
    problems
}

/// `on…=` attributes inside tags.
fn handler_attributes(lower: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_tag = false;
    let mut quote: Option<char> = None;
    let chars: Vec<char> = lower.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match (in_tag, quote, c) {
            (false, _, '<') => in_tag = true,
            (true, None, '>') => in_tag = false,
            (true, None, '"' | '\'') => quote = Some(c),
            (true, Some(q), _) if c == q => quote = None,
            (true, None, c) if c.is_whitespace() || c == '/' => {
                let name: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let after = chars.get(i + 1 + name.len()).copied();
                if name.len() > 2 && name.starts_with("on") && after == Some('=') {
                    found.push(name);
                }
            }
            _ => {}
        }
    }
    found
}

/// Executable or external content in an SVG file.
fn svg_problems(svg: &str) -> Vec<String> {
    let lower = svg.to_ascii_lowercase();
    let mut problems: Vec<String> = ["<script", "foreignobject", "javascript:", "<iframe"]
        .into_iter()
        .filter(|needle| lower.contains(needle))
        .map(|needle| format!("`{needle}`"))
        .collect();
    for handler in handler_attributes(&lower) {
        problems.push(format!("event handler attribute `{handler}`"));
    }
    for attribute in ["href=\"", "href='"] {
        for (at, _) in lower.match_indices(attribute) {
            let value = &lower[at + attribute.len()..];
            if !value.starts_with('#') {
                problems.push(format!(
                    "external reference `{}`",
                    value.chars().take(40).collect::<String>()
                ));
            }
        }
    }
    problems
}

/// A path as a URL path: every byte but unreserved characters and `/` percent-encoded, so
/// that hostile file names (`#`, `?`, `%`, spaces) reach the server as they are on disk.
fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The JSON-LD blocks of a page.
fn json_ld_blocks(html: &str) -> Vec<&str> {
    let open = "<script type=\"application/ld+json\">";
    html.match_indices(open)
        .filter_map(|(at, _)| {
            let body = &html[at + open.len()..];
            body.find("</script>").map(|end| &body[..end])
        })
        .collect()
}

/// Checks one case and returns what is wrong, plus the output folder for the browser pass.
fn check_case(case: &Path, work: &Path) -> (Vec<String>, PathBuf) {
    let mut problems = Vec::new();
    // The repository's layout in miniature; the output goes five levels below `work`, so that
    // a path that climbs out of it lands in the snapshot.
    let library = work.join("tests/sites/hostile").join(name(case));
    copy_tree(case, &library);
    let public = work.join("out/a/b/c/d/public");
    fs::create_dir_all(public.parent().expect("parent")).expect("mkdir");
    let cache = ".almanac-cache";
    let before = snapshot(work, &["out/a/b/c/d/public", cache]);

    let public_arg = public.to_string_lossy().into_owned();
    let check = run_limited(&library, &["check", "--format", "json"]);
    let build = run_limited(&library, &["--format", "json", "build", "-o", &public_arg]);

    eprintln!(
        "{}: check exit {} {} MiB {} s; build exit {} {} MiB {} s",
        name(case),
        check.code,
        check.max_rss_kib / 1024,
        check.seconds,
        build.code,
        build.max_rss_kib / 1024,
        build.seconds
    );
    let exit = expected_exit(case);
    let expected = cases::expected(case);
    for (command, run) in [("check", &check), ("build", &build)] {
        if run.code != exit {
            problems.push(format!(
                "`{command}` exited with {}, expected {exit} ({} s); stderr:\n{}",
                run.code, run.seconds, run.stderr
            ));
        }
        if run.max_rss_kib > RSS_BUDGET_KIB {
            problems.push(format!(
                "`{command}` peaked at {} MiB resident, over the {} MiB budget",
                run.max_rss_kib / 1024,
                RSS_BUDGET_KIB / 1024
            ));
        }
        match cases::diagnostics(run.stdout.as_bytes()) {
            Ok(actual) if actual == expected => {}
            Ok(actual) => problems.push(format!(
                "`{command}` reported\n{}  but expected.txt says\n{}",
                cases::show(&actual),
                cases::show(&expected)
            )),
            Err(error) => problems.push(format!("`{command}`: {error}")),
        }
    }

    let after = snapshot(work, &["out/a/b/c/d/public", cache]);
    for (path, entry) in &after {
        match before.get(path) {
            None => problems.push(format!("the build created {path}, outside the output")),
            Some(old) if old != entry => {
                problems.push(format!("the build changed {path}, outside the output"));
            }
            Some(_) => {}
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        problems.push(format!("the build removed {path}, outside the output"));
    }

    let mut forbidden = lines(&case.join("forbidden.txt")).unwrap_or_default();
    for text in &forbidden {
        for (stream, run) in [("check", &check), ("build", &build)] {
            if run.stdout.contains(text.as_str()) || run.stderr.contains(text.as_str()) {
                problems.push(format!("`{stream}` printed the forbidden `{text}`"));
            }
        }
    }
    forbidden.push(PASSWD.to_owned());
    forbidden.push(work.to_string_lossy().into_owned());
    if !public.is_dir() {
        problems.push("the build wrote no output folder".into());
        return (problems, public);
    }
    let passwd = fs::read("/etc/passwd").unwrap_or_default();
    for (relative, path) in output_files(&public) {
        for needle in &forbidden {
            if relative.contains(needle.as_str()) {
                problems.push(format!(
                    "the file name {relative} holds the forbidden `{needle}`"
                ));
            }
        }
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            problems.push(format!("{relative} is a symbolic link"));
            continue;
        }
        let Ok(bytes) = fs::read(&path) else {
            problems.push(format!("{relative} cannot be read"));
            continue;
        };
        if !passwd.is_empty() && bytes == passwd {
            problems.push(format!("{relative} is a copy of /etc/passwd"));
        }
        let text = String::from_utf8_lossy(&bytes);
        for needle in &forbidden {
            if text.contains(needle.as_str()) {
                problems.push(format!("{relative} contains the forbidden `{needle}`"));
            }
        }
        let lower = relative.to_ascii_lowercase();
        if lower.ends_with(".json") || lower.ends_with(".jsonld") {
            if let Err(e) = serde_json::from_slice::<Value>(&bytes) {
                problems.push(format!("{relative} is not JSON: {e}"));
            }
        } else if lower.ends_with(".html") {
            for problem in html_problems(&text) {
                problems.push(format!("{relative}: {problem}"));
            }
            for block in json_ld_blocks(&text) {
                if let Err(e) = serde_json::from_str::<Value>(block) {
                    problems.push(format!("{relative}: a JSON-LD block is not JSON: {e}"));
                }
            }
        } else if lower.ends_with(".svg") {
            for problem in svg_problems(&text) {
                problems.push(format!("{relative}: {problem}"));
            }
        }
    }
    problems.extend(pages_taken_over(&public));
    for page in lines(&case.join("expected_pages.txt")).unwrap_or_default() {
        if !public.join(&page).is_file() {
            problems.push(format!("the build did not write {page}"));
        }
    }
    for page in lines(&case.join("absent_pages.txt")).unwrap_or_default() {
        if public.join(&page).exists() {
            problems.push(format!("the build wrote {page}, which must not exist"));
        }
    }
    (problems, public)
}

/// Pages an entity could take over (its id naming a list, facet or pagination page) that are
/// not Almanac's own: each is recognised by markup only Almanac's page of that kind has.
fn pages_taken_over(public: &Path) -> Vec<String> {
    let mut pages: Vec<(String, &str)> = vec![
        ("index.html".into(), "class=\"hero\""),
        ("search/index.html".into(), "almanac-search-q"),
        ("stac/catalog.json".into(), "\"id\": \"catalog\""),
    ];
    for plural in [
        "datasets",
        "papers",
        "models",
        "courses",
        "code",
        "people",
        "organizations",
    ] {
        pages.push((format!("{plural}/index.html"), "class=\"cards\""));
        pages.push((format!("{plural}/page/2/index.html"), "class=\"cards\""));
    }
    for facet in [
        "tags",
        "variables",
        "standard-names",
        "providers",
        "licenses",
    ] {
        pages.push((format!("datasets/{facet}/index.html"), "Datasets by"));
    }
    pages
        .into_iter()
        .filter_map(|(page, marker)| {
            let text = fs::read_to_string(public.join(&page)).ok()?;
            (!text.contains(marker)).then(|| format!("{page} is not Almanac's own page"))
        })
        .collect()
}

/// A case's name, what is wrong with it, and the site it built.
type Outcome = (String, Vec<String>, PathBuf);

/// Every case checked once per test run, with the site each built.
fn results() -> &'static Vec<Outcome> {
    static RESULTS: OnceLock<(tempfile::TempDir, Vec<Outcome>)> = OnceLock::new();
    let (_, results) = RESULTS.get_or_init(|| {
        let root = tempfile::tempdir().expect("tempdir");
        let results = cases::cases("hostile")
            .iter()
            .map(|case| {
                let work = root.path().join(name(case));
                let (problems, public) = check_case(case, &work);
                (name(case), problems, public)
            })
            .collect();
        (root, results)
    });
    results
}

#[test]
fn every_hostile_case_is_refused_within_its_limits_and_leaks_nothing() {
    let results = results();
    let mut report = String::new();
    for (case, problems, _) in results {
        if !problems.is_empty() {
            let _ = writeln!(report, "case `{case}`:");
            for problem in problems {
                let _ = writeln!(report, "  {problem}");
            }
        }
    }
    assert!(report.is_empty(), "\n{report}");
    assert!(
        results.len() >= 10,
        "expected at least 10 hostile cases, found {}",
        results.len()
    );
}

#[test]
fn every_hostile_case_says_what_it_expects() {
    for case in cases::cases("hostile") {
        assert!(
            case.join("almanac.toml").is_file() && case.join("content").is_dir(),
            "case `{}` is not a library (almanac.toml + content/)",
            name(&case)
        );
        assert!(
            case.join("expected.txt").is_file(),
            "case `{}` has no expected.txt",
            name(&case)
        );
        assert!(
            matches!(expected_exit(&case), 0 | 1),
            "case `{}`: a hostile case must exit 0 or 1",
            name(&case)
        );
        if let Err(problem) = cases::check_expected_lines(&case) {
            panic!("case `{}`: {problem}", name(&case));
        }
    }
}

#[test]
fn no_page_of_any_hostile_case_runs_script_in_chromium() {
    let modules = repo().join("tests/browser/node_modules/playwright-core");
    assert!(
        modules.is_dir(),
        "tests/browser/node_modules is missing: run `bash scripts/setup-browser.sh`"
    );
    // One site folder holding every case's output, so that one Chromium visits them all.
    let sites = tempfile::tempdir().expect("tempdir");
    let mut pages = Vec::new();
    // Most cases share pages byte for byte (the same small library around one attack): a page
    // is loaded once per distinct content, which behaves the same wherever it is served from.
    let mut seen = std::collections::HashSet::new();
    for (case, _, public) in results() {
        if !public.is_dir() {
            continue;
        }
        let target = sites.path().join(case);
        copy_tree(public, &target);
        for (relative, path) in output_files(&target) {
            if relative.ends_with(".html") || relative.ends_with(".svg") {
                let bytes = fs::read(&path).unwrap_or_default();
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                std::hash::Hash::hash(&bytes, &mut hasher);
                if !seen.insert(std::hash::Hasher::finish(&hasher)) {
                    continue;
                }
                let page = format!("{case}/{}", relative.trim_end_matches("index.html"));
                pages.push(percent_encode(&page));
            }
        }
    }
    assert!(!pages.is_empty(), "the hostile cases built no pages");
    let output = Command::new("node")
        .arg(repo().join("tests/browser/site_xss.mjs"))
        .arg(sites.path())
        .args(&pages)
        .env("ALMANAC_XSS_BYPASS_ONLY", "1")
        .env("ALMANAC_XSS_SETTLE_MS", "25")
        .output()
        .expect("node runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "a payload ran:\n{report}");
    eprintln!(
        "hostile xss: {} pages, {}",
        pages.len(),
        report.lines().last().unwrap_or_default()
    );
}

#[test]
fn the_scanners_find_what_they_look_for() {
    assert!(html_problems("<p onclick=\"x()\">a</p>").len() == 1);
    assert!(html_problems("<script>alert(1)</script>").len() == 1);
    assert!(html_problems("<a href=\"javascript:x\">a</a>").len() == 1);
    assert!(html_problems("<p title=\"onclick=x\">a</p> onload=1").is_empty());
    assert!(
        html_problems(
            "<script type=\"application/ld+json\">{}</script><script src=\"../static/almanac.js\" defer></script>"
        )
        .is_empty()
    );
    assert_eq!(svg_problems("<svg><script>x</script></svg>").len(), 1);
    assert_eq!(
        svg_problems("<svg><image href=\"https://x/y.png\"/></svg>").len(),
        1
    );
    assert!(svg_problems("<svg><use href=\"#a\"/></svg>").is_empty());
    assert_eq!(svg_problems("<svg onload=\"x\"></svg>").len(), 1);
}
