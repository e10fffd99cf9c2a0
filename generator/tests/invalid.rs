//! Invalid fixture libraries, one problem per folder of `tests/sites/invalid/`:
//! `almanac check --format json` and `almanac build` must report the diagnostics
//! listed in the folder's `expected.txt`, exit with the expected code, and the
//! build must still write the rest of the site. See that folder's README.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_almanac");

fn invalid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sites/invalid")
}

/// Every case folder, sorted.
fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(invalid_dir())
        .expect("tests/sites/invalid exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

fn name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The non-empty lines of an optional file, trimmed.
fn lines(path: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

fn expected_exit(case: &Path) -> i32 {
    lines(&case.join("expected_exit.txt"))
        .and_then(|lines| lines.first().and_then(|line| line.parse().ok()))
        .unwrap_or(1)
}

fn run(case: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("-C")
        .arg(case)
        .args(args)
        .output()
        .expect("the almanac binary runs")
}

/// Errors and warnings of a `--format json` report, as `file:line:col: severity[code]`.
fn diagnostics(stdout: &[u8]) -> Result<BTreeSet<String>, String> {
    let text = String::from_utf8_lossy(stdout);
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("stdout is not JSON ({e}): {text}"))?;
    let items = value
        .as_array()
        .ok_or_else(|| format!("stdout is not a JSON array: {text}"))?;
    let mut out = BTreeSet::new();
    for item in items {
        let severity = item["severity"].as_str().unwrap_or("?");
        if severity == "note" {
            continue;
        }
        let file = item["file"].as_str().unwrap_or("?");
        let code = item["code"].as_str().unwrap_or("?");
        let position = match (item["line"].as_u64(), item["column"].as_u64()) {
            (Some(line), Some(column)) => format!(":{line}:{column}"),
            _ => String::new(),
        };
        out.insert(format!("{file}{position}: {severity}[{code}]"));
    }
    Ok(out)
}

fn show(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        return "    (none)\n".into();
    }
    set.iter().map(|line| format!("    {line}\n")).collect()
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

    let expected: BTreeSet<String> = lines(&case.join("expected.txt"))
        .unwrap_or_default()
        .into_iter()
        .collect();
    if expected.is_empty() {
        problems.push("expected.txt is missing or empty".into());
    }
    for (command, output) in [("check", &check), ("build", &build)] {
        match diagnostics(&output.stdout) {
            Ok(actual) if actual == expected => {}
            Ok(actual) => problems.push(format!(
                "`{command}` reported\n{}  but expected.txt says\n{}",
                show(&actual),
                show(&expected)
            )),
            Err(error) => problems.push(format!("`{command}`: {error}")),
        }
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
        for line in lines(&case.join("expected.txt")).unwrap_or_default() {
            let (location, rest) = line
                .rsplit_once(": ")
                .expect("`<location>: <severity>[<code>]`");
            let file = location.split(':').next().unwrap_or(location);
            assert!(
                case.join(file).is_file(),
                "case `{}`: expected.txt names {file}, which does not exist",
                name(&case)
            );
            assert!(
                (rest.starts_with("error[") || rest.starts_with("warning[")) && rest.ends_with(']'),
                "case `{}`: `{line}` is not `<path>:<line>:<col>: <severity>[<code>]`",
                name(&case)
            );
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

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}
