//! Fixture libraries with their expectations beside them (`tests/sites/invalid/<case>/`,
//! `tests/sites/hostile/<case>/`): finding the cases, reading `expected*.txt`, running the
//! binary on a case, and reading its JSON diagnostics back as `file:line:col: severity[code]`.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_almanac");

/// `tests/sites/<group>` of the repository.
pub fn group_dir(group: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/sites")
        .join(group)
}

/// Every case folder of a group, sorted.
pub fn cases(group: &str) -> Vec<PathBuf> {
    let dir = group_dir(group);
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

pub fn name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The non-empty lines of an optional file, trimmed.
pub fn lines(path: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

/// The exit code both commands must give: `expected_exit.txt`, else 1.
pub fn expected_exit(case: &Path) -> i32 {
    lines(&case.join("expected_exit.txt"))
        .and_then(|lines| lines.first().and_then(|line| line.parse().ok()))
        .unwrap_or(1)
}

/// The diagnostics of `expected.txt`, as a set.
pub fn expected(case: &Path) -> BTreeSet<String> {
    lines(&case.join("expected.txt"))
        .unwrap_or_default()
        .into_iter()
        .collect()
}

pub fn run(case: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("-C")
        .arg(case)
        .args(args)
        .output()
        .expect("the almanac binary runs")
}

/// Errors and warnings of a `--format json` report, as `file:line:col: severity[code]`.
pub fn diagnostics(stdout: &[u8]) -> Result<BTreeSet<String>, String> {
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

pub fn show(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        return "    (none)\n".into();
    }
    set.iter().map(|line| format!("    {line}\n")).collect()
}

/// What differs between the diagnostics a command reported and `expected`.
pub fn compare(command: &str, output: &Output, expected: &BTreeSet<String>) -> Option<String> {
    match diagnostics(&output.stdout) {
        Ok(actual) if actual == *expected => None,
        Ok(actual) => Some(format!(
            "`{command}` reported\n{}  but expected.txt says\n{}",
            show(&actual),
            show(expected)
        )),
        Err(error) => Some(format!("`{command}`: {error}")),
    }
}

/// Checks that `expected.txt` is well formed and names files of the case; `Err` says why not.
pub fn check_expected_lines(case: &Path) -> Result<(), String> {
    for line in lines(&case.join("expected.txt")).unwrap_or_default() {
        let Some((location, rest)) = line.rsplit_once(": ") else {
            return Err(format!("`{line}` is not `<location>: <severity>[<code>]`"));
        };
        let file = location.split(':').next().unwrap_or(location);
        if fs::symlink_metadata(case.join(file)).is_err() {
            return Err(format!("expected.txt names {file}, which does not exist"));
        }
        if !((rest.starts_with("error[") || rest.starts_with("warning[")) && rest.ends_with(']')) {
            return Err(format!(
                "`{line}` is not `<path>:<line>:<col>: <severity>[<code>]`"
            ));
        }
    }
    Ok(())
}

/// Copies a tree, keeping symbolic links as links (a hostile case's links must still point
/// where the attacker made them point).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let link = fs::read_link(&path).expect("read_link");
            std::os::unix::fs::symlink(link, &target).expect("symlink");
        } else if kind.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}
