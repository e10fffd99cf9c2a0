//! Invalid fixture libraries, one problem per folder of `tests/sites/invalid/`:
//! `almanac check --format json` and `almanac build` must report the diagnostics
//! listed in the folder's `expected.txt`, exit with the expected code, and the
//! build must still write the rest of the site. See that folder's README.

mod cases;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use cases::{compare, copy_tree, expected_exit, lines, name, run};
use serde_json::Value;

fn invalid_dir() -> PathBuf {
    cases::group_dir("invalid")
}

fn cases() -> Vec<PathBuf> {
    cases::cases("invalid")
}

/// Runs one case and returns what does not match its expectations.
fn mismatches(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let exit = expected_exit(case);
    let check = run(case, &["check", "--format", "json"]);
    let out = tempfile::tempdir().expect("tempdir");
    let public = out.path().join("public");
    let public_arg = public.to_string_lossy().into_owned();
    let build = run(case, &["--format", "json", "build", "-o", &public_arg]);

    for (command, output) in [("check", &check), ("build", &build)] {
        if output.status.code() != Some(exit) {
            problems.push(format!(
                "`{command}` exited with {:?}, expected {exit}; stderr:\n{}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }

    if exit == 2 {
        // A configuration failure reports no diagnostics and writes nothing.
        for (command, output) in [("check", &check), ("build", &build)] {
            if !output.stdout.is_empty() {
                problems.push(format!(
                    "`{command}` printed diagnostics for a configuration failure: {}",
                    String::from_utf8_lossy(&output.stdout)
                ));
            }
            if !String::from_utf8_lossy(&output.stderr).contains("almanac.toml") {
                problems.push(format!(
                    "`{command}` did not name almanac.toml in its error: {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
        if public.exists() {
            problems
                .push("the build wrote an output folder despite the configuration failure".into());
        }
        return problems;
    }

    let expected = cases::expected(case);
    if expected.is_empty() {
        problems.push("expected.txt is missing or empty".into());
    }
    for (command, output) in [("check", &check), ("build", &build)] {
        problems.extend(compare(command, output, &expected));
    }

    let mut pages = vec![String::from("index.html"), String::from("404.html")];
    pages.extend(lines(&case.join("expected_pages.txt")).unwrap_or_default());
    for page in pages {
        if !public.join(&page).is_file() {
            problems.push(format!("the build did not write {page}"));
        }
    }
    problems
}

#[test]
fn every_invalid_case_reports_exactly_its_expected_diagnostics() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "expected at least 10 invalid cases, found {}",
        cases.len()
    );
    let mut report = String::new();
    for case in &cases {
        let problems = mismatches(case);
        let known_bug = fs::read_to_string(case.join("known-bug.txt")).ok();
        match (known_bug, problems.is_empty()) {
            (None, true) => {}
            (None, false) => {
                let _ = writeln!(report, "case `{}`:", name(case));
                for problem in problems {
                    let _ = writeln!(report, "  {problem}");
                }
            }
            (Some(_), true) => {
                let _ = writeln!(
                    report,
                    "case `{}` now passes: delete its known-bug.txt",
                    name(case)
                );
            }
            (Some(reason), false) => {
                eprintln!("known bug in case `{}`: {}", name(case), reason.trim());
            }
        }
    }
    assert!(report.is_empty(), "\n{report}");
}

#[test]
fn every_case_says_what_it_expects() {
    for case in cases() {
        let has_expected = case.join("expected.txt").is_file();
        let config_failure = expected_exit(&case) == 2;
        assert!(
            has_expected != config_failure,
            "case `{}` needs expected.txt, or expected_exit.txt with 2 (not both)",
            name(&case)
        );
        assert!(
            case.join("almanac.toml").is_file() && case.join("content").is_dir(),
            "case `{}` is not a library (almanac.toml + content/)",
            name(&case)
        );
        if let Err(problem) = cases::check_expected_lines(&case) {
            panic!("case `{}`: {problem}", name(&case));
        }
    }
}

fn find(stdout: &[u8], code: &str) -> Value {
    let value: Value = serde_json::from_slice(stdout).expect("JSON diagnostics");
    value
        .as_array()
        .expect("an array")
        .iter()
        .find(|d| d["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no `{code}` diagnostic in {value}"))
}

#[test]
fn unknown_reference_suggests_a_close_id_and_only_then() {
    let case = invalid_dir().join("unknown-reference");
    let output = run(&case, &["check", "--format", "json"]);
    let diagnostic = find(&output.stdout, "unknown-reference");
    assert_eq!(
        diagnostic["help"], "did you mean `sea-ice-extent`?",
        "{diagnostic}"
    );
    assert!(
        diagnostic["message"]
            .as_str()
            .is_some_and(|m| m.contains("`sea-ice-extnt`")),
        "{diagnostic}"
    );

    // An id that is nothing like any dataset gets no suggestion.
    let copy = tempfile::tempdir().expect("tempdir");
    copy_tree(&case, copy.path());
    let paper = copy.path().join("content/papers/example-2024.md");
    let text = fs::read_to_string(&paper).expect("paper");
    fs::write(&paper, text.replace("sea-ice-extnt", "no-such-dataset")).expect("write");
    let output = run(copy.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let diagnostic = find(&output.stdout, "unknown-reference");
    let help = diagnostic["help"].as_str().unwrap_or_default();
    assert!(!help.contains("did you mean"), "{diagnostic}");
    assert!(
        help.contains("content/datasets/no-such-dataset"),
        "{diagnostic}"
    );
}

#[test]
fn human_output_is_compiler_style_with_help() {
    let case = invalid_dir().join("unknown-reference");
    let output = run(&case, &["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "human diagnostics go to stderr");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/papers/example-2024.md:5:12: error[unknown-reference]: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("\n  = help: did you mean `sea-ice-extent`?\n"),
        "{stderr}"
    );
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");
}
