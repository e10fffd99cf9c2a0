//! Almanac as an installed tool: the binary, run in a folder outside this repository, builds a
//! complete site (theme and WASM front end come from the binary), `almanac init` gives a library
//! that builds cleanly, `--format github` annotates, and an unreachable host is not a content
//! error. The browser pass searches the site built outside the repository.

mod cases;
mod links;
mod walk;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use cases::BIN;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

fn almanac(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("AWS_ACCESS_KEY_ID")
        .output()
        .expect("almanac runs")
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every page URL of `index/entities.json` that has no `index.html` in `public`.
fn entities_without_pages(public: &Path) -> (usize, Vec<String>) {
    let index: Value = serde_json::from_slice(
        &fs::read(public.join("index/entities.json")).expect("index/entities.json"),
    )
    .expect("JSON");
    let entities = index.as_array().expect("an array");
    let missing = entities
        .iter()
        .filter_map(|e| e["url"].as_str())
        .filter(|url| !public.join(url).join("index.html").is_file())
        .map(str::to_owned)
        .collect();
    (entities.len(), missing)
}

#[test]
fn the_binary_builds_a_library_anywhere_with_theme_and_front_end() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let library = tmp.path().join("my-library");
    assert!(
        !library.starts_with(repo()),
        "the library must be outside the repository"
    );
    cases::copy_tree(&repo().join("content"), &library.join("content"));
    fs::write(
        library.join("almanac.toml"),
        "[site]\ntitle = \"My library\"\n",
    )
    .expect("config");

    // --offline: the demo's remote stores are catalogued, not read (tests stay on 127.0.0.1).
    let output = almanac(&library, &["build", "--offline"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let public = library.join("public");
    for file in [
        "app/almanac_web_bg.wasm",
        "app/almanac_web.js",
        "static/almanac.css",
        "search/index.html",
        "stac/catalog.json",
        "index.html",
        "404.html",
        "feed.xml",
    ] {
        assert!(public.join(file).is_file(), "{file} missing");
    }
    for folder in ["search", "stac", "graph"] {
        let count = walk::files(&public.join(folder)).len();
        assert!(count > 3, "{folder}/ has only {count} files");
    }
    assert!(
        fs::read_to_string(public.join("index.html"))
            .expect("home page")
            .contains("My library"),
        "the home page has the library's title"
    );
    let (entities, missing) = entities_without_pages(&public);
    assert!(entities > 50, "only {entities} entities");
    assert!(missing.is_empty(), "entities without a page: {missing:?}");
    let (checked, broken) = links::broken(&public);
    assert!(checked > 5000, "only {checked} internal links");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));

    // The browser searches in it (needs scripts/setup-browser.sh, which scripts/test.sh runs).
    let playwright = repo().join("tests/browser/node_modules/playwright-core");
    if !playwright.is_dir() || !Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the browser tools (scripts/setup-browser.sh)"
        );
        eprintln!("browser pass skipped: run scripts/setup-browser.sh");
        return;
    }
    let output = Command::new("node")
        .arg(repo().join("tests/browser/search_site.mjs"))
        .arg(&public)
        .current_dir(repo())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "browser test failed:\n{}",
        text(&output)
    );
    assert!(stdout.contains("search page shows the results"), "{stdout}");
    assert!(stdout.contains("ok no console errors"), "{stdout}");
}

#[test]
fn init_gives_a_library_that_builds_cleanly_with_a_page_per_kind() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let library = tmp.path().join("new-library");
    let output = almanac(tmp.path(), &["init", "new-library"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    for file in [
        "almanac.toml",
        ".gitignore",
        ".github/workflows/site.yml",
        ".github/workflows/check.yml",
    ] {
        assert!(library.join(file).is_file(), "init did not write {file}");
    }

    let output = almanac(&library, &["--format", "json", "build", "--offline"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let diagnostics: Value = serde_json::from_slice(&output.stdout).expect("JSON diagnostics");
    let problems: Vec<&Value> = diagnostics
        .as_array()
        .expect("an array")
        .iter()
        .filter(|d| d["severity"] != "note")
        .collect();
    assert!(
        problems.is_empty(),
        "init's library is not clean: {problems:#?}"
    );

    let public = library.join("public");
    let pages = [
        "datasets/cesm2-historical-tas",
        "papers/danabasoglu-2020",
        "models/tas-emulator",
        "code/example-notebooks",
        "courses/getting-started",
        "people/ada-example",
        "organizations/ncar",
    ];
    for page in pages {
        assert!(
            public.join(page).join("index.html").is_file(),
            "no page {page}/"
        );
    }
    // Cross-linked: the dataset page links to every other example.
    let dataset = fs::read_to_string(public.join("datasets/cesm2-historical-tas/index.html"))
        .expect("dataset page");
    for page in &pages[1..6] {
        assert!(
            dataset.contains(&format!("href=\"../../{page}/\"")),
            "the dataset page does not link to {page}/"
        );
    }
    let (_, broken) = links::broken(&public);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));

    // A second init never overwrites.
    let again = almanac(tmp.path(), &["init", "new-library"]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
}

#[test]
fn an_unreachable_host_is_a_warning_and_github_annotations_name_file_and_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let library = tmp.path();
    assert_eq!(almanac(library, &["init", "."]).status.code(), Some(0));
    // A port nobody listens on: the connection is refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let catalog = library.join("content/datasets/cesm2-historical-tas/catalog.yaml");
    let yaml = fs::read_to_string(&catalog).expect("catalog.yaml");
    let yaml = yaml.replace(
        "gs://cmip6/CMIP6/CMIP/NCAR/CESM2/historical/r1i1p1f1/Amon/tas/gn/v20190308/",
        &format!("http://127.0.0.1:{port}/tas.zarr"),
    );
    fs::write(&catalog, yaml).expect("write");
    let config = fs::read_to_string(library.join("almanac.toml")).expect("config");
    fs::write(
        library.join("almanac.toml"),
        config.replace(
            "# retries = 3",
            &format!(
                "retries = 0\n\n[[crawl.stores]]\nprefix = \"http://127.0.0.1:{port}/\"\nallow_http = true"
            ),
        ),
    )
    .expect("config");
    // A content error on a known line, for the annotation.
    let paper = library.join("content/papers/danabasoglu-2020.md");
    let text_of_paper = fs::read_to_string(&paper).expect("paper");
    fs::write(&paper, text_of_paper.replace("year: 2020", "year: twenty")).expect("write");

    let output = almanac(library, &["--format", "github", "check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let unreachable: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("title=host-unreachable"))
        .collect();
    assert_eq!(unreachable.len(), 1, "{stdout}");
    assert!(
        unreachable[0].starts_with("::warning file=http%3A//127.0.0.1%3A"),
        "{stdout}"
    );
    let year = stdout
        .lines()
        .find(|l| l.starts_with("::error file=content/papers/danabasoglu-2020.md,line="))
        .unwrap_or_else(|| panic!("no annotation on the paper:\n{stdout}"));
    let line = year
        .split(",line=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("a line number");
    let year_line = text_of_paper
        .lines()
        .position(|l| l.starts_with("year:"))
        .expect("year line")
        + 1;
    assert_eq!(line, year_line, "{year}");
    // Only the paper's error fails the check: without it, exit 0 despite the unreachable host.
    fs::write(&paper, text_of_paper).expect("restore");
    let output = almanac(library, &["--format", "github", "check"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

/// The `run:` script of the step with `id` in `action.yml`.
fn action_step(id: &str) -> String {
    let text = fs::read_to_string(repo().join("action.yml")).expect("action.yml");
    let action = almanac::content::document::parse_yaml(&text, 0)
        .expect("action.yml is YAML")
        .to_json();
    assert_eq!(action["runs"]["using"], "composite");
    action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|step| step["id"] == id)
        .and_then(|step| step["run"].as_str())
        .unwrap_or_else(|| panic!("no step `{id}` with a script"))
        .to_owned()
}

/// Runs a step's script as the runner would (`bash -e`), with `env`; returns the output and
/// what it wrote to `$GITHUB_OUTPUT`.
fn run_step(script: &str, dir: &Path, home: &Path, env: &[(&str, &str)]) -> (Output, String) {
    let outputs = home.join("github-output");
    fs::write(&outputs, "").expect("GITHUB_OUTPUT");
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("HOME", home)
        .env("GITHUB_OUTPUT", &outputs);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("bash runs");
    (output, fs::read_to_string(&outputs).expect("outputs"))
}

#[test]
fn the_action_runs_check_and_build_and_refuses_other_commands() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    // Where the action's install step puts the binary.
    fs::create_dir_all(home.join(".almanac-action/bin")).expect("mkdir");
    std::os::unix::fs::symlink(BIN, home.join(".almanac-action/bin/almanac")).expect("link");
    let library = tmp.path().join("library");
    assert_eq!(
        almanac(tmp.path(), &["init", "library"]).status.code(),
        Some(0)
    );

    // The cache key is a hash of the action's sources.
    let repo = repo();
    let (output, outputs) = run_step(
        &action_step("key"),
        tmp.path(),
        &home,
        &[("ACTION_PATH", repo.to_str().expect("UTF-8 path"))],
    );
    assert!(output.status.success(), "{}", text(&output));
    let hash = outputs
        .lines()
        .find_map(|l| l.strip_prefix("hash="))
        .expect("a hash output");
    assert!(
        hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{hash}"
    );

    let run = action_step("run");
    let paper = library.join("content/papers/danabasoglu-2020.md");
    let good = fs::read_to_string(&paper).expect("paper");
    fs::write(&paper, good.replace("year: 2020", "year: twenty")).expect("write");
    let check = [
        ("ALMANAC_COMMAND", "check"),
        ("ALMANAC_ARGS", "--offline"),
        ("ALMANAC_FORMAT", "github"),
    ];
    let (output, outputs) = run_step(&run, &library, &home, &check);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("::error file=content/papers/danabasoglu-2020.md,line="),
        "{}",
        text(&output)
    );
    fs::write(&paper, good).expect("restore");

    let build = [
        ("ALMANAC_COMMAND", "build"),
        (
            "ALMANAC_ARGS",
            "--offline --base-url https://example.org/lib",
        ),
        ("ALMANAC_FORMAT", "github"),
    ];
    let (output, outputs) = run_step(&run, &library, &home, &build);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(outputs.contains("exit-code=0"), "{outputs}");
    let sitemap = fs::read_to_string(library.join("public/sitemap.xml")).expect("sitemap");
    assert!(sitemap.contains("https://example.org/lib/datasets/cesm2-historical-tas/"));

    // An input is data, never script: a command that is not build or check is refused.
    let (output, _) = run_step(
        &run,
        &library,
        &home,
        &[
            ("ALMANAC_COMMAND", "build; touch pwned"),
            ("ALMANAC_ARGS", "$(touch pwned2)"),
            ("ALMANAC_FORMAT", "github"),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(!library.join("pwned").exists() && !library.join("pwned2").exists());
    assert!(String::from_utf8_lossy(&output.stdout).contains("::error title=almanac::"));
}
