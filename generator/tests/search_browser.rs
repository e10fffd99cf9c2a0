//! Browser test of search and the graph explorer: builds the demo with the front end into a
//! temp folder and runs `tests/browser/search_site.mjs` on it (Debian's Chromium through
//! playwright-core; the site served on 127.0.0.1 at `/` and under `/catalog/`).
//!
//! The front end comes from the binary (generator/assets/app). Needs the browser tools
//! (`scripts/setup-browser.sh`); without them the test says so and passes, except in CI.

use std::path::{Path, PathBuf};
use std::process::Command;

use almanac::BuildOptions;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

#[test]
fn search_and_graph_work_in_chromium() {
    let root = repo();
    let playwright = root.join("tests/browser/node_modules/playwright-core");
    if !playwright.is_dir() || !Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the browser tools (scripts/setup-browser.sh)"
        );
        eprintln!("skipped: needs the browser tools (scripts/setup-browser.sh)");
        return;
    }
    let public = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-browser/public");
    let mut options = BuildOptions::for_project(&root).expect("the demo's almanac.toml");
    options.output = Some(public.clone());
    almanac::build(&options).expect("the demo builds");
    assert!(
        public.join("app/almanac_web_bg.wasm").is_file(),
        "the app is in the site"
    );

    let output = Command::new("node")
        .arg(root.join("tests/browser/search_site.mjs"))
        .arg(&public)
        .current_dir(&root)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("ok /catalog/: expanding a node adds its neighbours"),
        "{stdout}"
    );
    assert!(stdout.contains("ok no console errors"), "{stdout}");
}
