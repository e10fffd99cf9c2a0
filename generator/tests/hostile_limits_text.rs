//! Hostile text inputs (issue 12, point 4): the `limits-yaml-*`, `limits-markdown-*` and
//! `limits-bibtex-*` cases of `tests/sites/hostile/` (written by `make_limits_text.py` there).
//! `almanac check` and `almanac build` run on each under an address-space and a time limit;
//! they must report exactly the diagnostics of `expected.txt`, exit as `expected_exit.txt`
//! says, stay under 512 MB, still write the rest of the site, and write pages whose nesting
//! is bounded by `[limits] markdown_depth`.

mod cases;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cases::{BIN, compare, expected, expected_exit, lines, name};
use serde_json::Value;

/// Peak resident memory allowed for one command, as in the issue.
const MEMORY_BUDGET_KIB: u64 = 512 * 1024;
/// Address space for the limited run: a runaway allocation fails instead of taking the machine.
const ADDRESS_SPACE: &str = "4294967296";
const TIMEOUT_SECONDS: &str = "300";

fn text_cases() -> Vec<PathBuf> {
    cases::cases("hostile")
        .into_iter()
        .filter(|case| {
            let name = name(case);
            ["limits-yaml-", "limits-markdown-", "limits-bibtex-"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .collect()
}

/// What `run_limited.py` reports of one command.
struct Limited {
    code: Option<i32>,
    max_rss_kib: u64,
    stdout: String,
    stderr: String,
}

fn run_limited(case: &Path, args: &[&str]) -> Limited {
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tools/run_limited.py");
    let output = Command::new("python3")
        .arg(runner)
        .args([ADDRESS_SPACE, TIMEOUT_SECONDS, BIN, "-C"])
        .arg(case)
        .args(args)
        .output()
        .expect("python3 runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "run_limited.py: {e}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Limited {
        code: report["code"]
            .as_i64()
            .and_then(|code| i32::try_from(code).ok()),
        max_rss_kib: report["max_rss_kib"].as_u64().unwrap_or(u64::MAX),
        stdout: report["stdout"].as_str().unwrap_or_default().to_owned(),
        stderr: report["stderr"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Number of opening tags `<name` (followed by `>` or a space) in `html`.
fn count_tags(html: &str, name: &str) -> usize {
    let open = format!("<{name}");
    html.match_indices(&open)
        .filter(|(i, _)| {
            html[i + open.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c.is_whitespace())
        })
        .count()
}

fn mismatches(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let exit = expected_exit(case);
    let out = tempfile::tempdir().expect("tempdir");
    let public = out.path().join("public");
    let public_arg = public.to_string_lossy().into_owned();
    let check = run_limited(case, &["check", "--format", "json"]);
    let build = run_limited(case, &["--format", "json", "build", "-o", &public_arg]);
    let expected = expected(case);
    if expected.is_empty() {
        problems.push("expected.txt is missing or empty".into());
    }
    for (command, run) in [("check", &check), ("build", &build)] {
        if run.code != Some(exit) {
            problems.push(format!(
                "`{command}` exited with {:?}, expected {exit}; stderr:\n{}",
                run.code, run.stderr
            ));
        }
        if run.max_rss_kib > MEMORY_BUDGET_KIB {
            problems.push(format!(
                "`{command}` peaked at {} MiB (budget {} MiB)",
                run.max_rss_kib / 1024,
                MEMORY_BUDGET_KIB / 1024
            ));
        }
        let output = std::process::Output {
            status: std::process::ExitStatus::default(),
            stdout: run.stdout.clone().into_bytes(),
            stderr: Vec::new(),
        };
        problems.extend(compare(command, &output, &expected));
    }
    let pages = lines(&case.join("expected_pages.txt")).unwrap_or_default();
    for page in &pages {
        if !public.join(page).is_file() {
            problems.push(format!("the build did not write {page}"));
        }
    }
    // Pages of hostile Markdown nest no deeper than the limit: no more of each nesting
    // tag than an ordinary page of the theme, plus the limit.
    let baseline =
        fs::read_to_string(public.join("papers/example-2024/index.html")).unwrap_or_default();
    let limit = 64;
    for page in pages.iter().filter(|p| !p.contains("example-2024")) {
        let Ok(html) = fs::read_to_string(public.join(page)) else {
            continue;
        };
        for tag in ["ul", "ol", "li", "blockquote", "div", "em", "a", "span"] {
            let (count, ordinary) = (count_tags(&html, tag), count_tags(&baseline, tag));
            if count > ordinary + 2 * limit {
                problems.push(format!(
                    "{page} has {count} <{tag}> (an ordinary page {ordinary})"
                ));
            }
        }
    }
    problems
}

#[test]
fn hostile_text_cases_are_diagnosed_within_bounds() {
    let cases = text_cases();
    assert!(
        cases.len() >= 10,
        "expected the limits-* text cases, found {cases:?}"
    );
    let mut report = String::new();
    for case in &cases {
        for problem in mismatches(case) {
            report.push_str(&format!("{}: {problem}\n", name(case)));
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// The diagnostics name the limit to raise, so a library that needs more can have it.
#[test]
fn raising_a_limit_accepts_the_file() {
    let case = cases::group_dir("hostile").join("limits-yaml-node-budget");
    let dir = tempfile::tempdir().expect("tempdir");
    cases::copy_tree(&case, dir.path());
    let config = fs::read_to_string(dir.path().join("almanac.toml")).expect("config");
    fs::write(
        dir.path().join("almanac.toml"),
        config.replace("yaml_nodes = 40", "yaml_nodes = 1000"),
    )
    .expect("write");
    let check = Command::new(BIN)
        .arg("-C")
        .arg(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .expect("runs");
    let diagnostics = cases::diagnostics(&check.stdout).expect("json");
    assert!(
        !diagnostics.iter().any(|d| d.contains("yaml-node-budget")),
        "{diagnostics:?}"
    );
    assert_eq!(check.status.code(), Some(0), "{diagnostics:?}");
}
