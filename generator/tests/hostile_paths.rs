//! Hostile ids and file names (issue 12, points 1 and 5): every `tests/sites/hostile/paths-*`
//! case is copied into a deep temporary folder and checked and built there. Both commands
//! must exit 0 or 1 as `expected_exit.txt` says and report `expected.txt`; no file may
//! appear outside the output folder (and the crawl cache); the list, facet and STAC pages
//! must be Almanac's own, not an entity that took their place; the files of
//! `expected_pages.txt` must exist, those of `absent_pages.txt` must not, and the strings of
//! `forbidden.txt` appear nowhere. (The shared harness, `hostile.rs`, runs the same cases under
//! memory and time limits; this test adds what only these cases need.)

mod cases;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cases::{compare, copy_tree, expected, expected_exit, lines, name};

fn paths_cases() -> Vec<PathBuf> {
    cases::cases("hostile")
        .into_iter()
        .filter(|case| name(case).starts_with("paths-"))
        .collect()
}

/// Every file under `dir` (not following symlinks), relative to `dir`.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                _ => {
                    out.insert(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
                }
            }
        }
    }
    out
}

/// The case copied to `<tmp>/a/b/c/site`, its theme pointing at the repository's theme.
fn deep_copy(case: &Path, tmp: &Path) -> PathBuf {
    let site = tmp.join("a/b/c/site");
    copy_tree(case, &site);
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
    let toml = site.join("almanac.toml");
    let text = fs::read_to_string(&toml).expect("almanac.toml");
    let text = text.replace(
        "\"../../../../themes/default\"",
        &format!("{:?}", theme.to_string_lossy()),
    );
    fs::write(&toml, text).expect("write almanac.toml");
    site
}

fn almanac(site: &Path, args: &[&str]) -> std::process::Output {
    Command::new(cases::BIN)
        .arg("-C")
        .arg(site)
        .args(args)
        .output()
        .expect("the almanac binary runs")
}

/// What is wrong with `public/<page>`, which must be Almanac's own page, not an entity's.
fn own_page(public: &Path, page: &str, marker: &str) -> Option<String> {
    let path = public.join(page);
    let text = fs::read_to_string(&path).ok()?;
    (!text.contains(marker)).then(|| format!("{page} is not Almanac's own page (no `{marker}`)"))
}

fn mismatches(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = deep_copy(case, tmp.path());
    let public = site.join("public");
    let before = files(tmp.path());
    let exit = expected_exit(case);
    let wanted = expected(case);
    let check = almanac(&site, &["--format", "json", "check"]);
    let build = almanac(&site, &["--format", "json", "build"]);
    for (command, output) in [("check", &check), ("build", &build)] {
        let code = output.status.code();
        if code != Some(exit) {
            problems.push(format!(
                "`{command}` exited with {code:?}, expected {exit}; stderr:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        if !matches!(code, Some(0 | 1)) {
            problems.push(format!(
                "`{command}` exited with {code:?}: only 0 or 1 are allowed"
            ));
        }
        if let Some(problem) = compare(command, output, &wanted) {
            problems.push(problem);
        }
    }

    // Nothing new outside the output folder and the crawl cache.
    let after = files(tmp.path());
    let output_prefix = Path::new("a/b/c/site/public");
    let cache_prefix = Path::new("a/b/c/site/.almanac-cache");
    for file in after.difference(&before) {
        if !file.starts_with(output_prefix) && !file.starts_with(cache_prefix) {
            problems.push(format!(
                "the build wrote {} outside the output folder",
                file.display()
            ));
        }
    }
    let written = files(&public);
    if written.is_empty() {
        problems.push("the build wrote no site".into());
    }

    // The pages an entity could take over are Almanac's own.
    for plural in [
        "datasets",
        "papers",
        "models",
        "courses",
        "code",
        "people",
        "organizations",
    ] {
        problems.extend(own_page(
            &public,
            &format!("{plural}/index.html"),
            "class=\"cards\"",
        ));
        problems.extend(own_page(
            &public,
            &format!("{plural}/page/2/index.html"),
            "class=\"cards\"",
        ));
    }
    for facet in [
        "tags",
        "variables",
        "standard-names",
        "providers",
        "licenses",
    ] {
        problems.extend(own_page(
            &public,
            &format!("datasets/{facet}/index.html"),
            "Datasets by",
        ));
    }
    problems.extend(own_page(
        &public,
        "stac/catalog.json",
        "\"id\": \"catalog\"",
    ));
    problems.extend(own_page(&public, "search/index.html", "almanac-search-q"));
    problems.extend(own_page(&public, "index.html", "class=\"hero\""));
    if !public.join("stac/catalog.json").is_file() {
        problems.push("stac/catalog.json is missing".into());
    }

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
    let forbidden = lines(&case.join("forbidden.txt")).unwrap_or_default();
    for string in &forbidden {
        for (command, output) in [("check", &check), ("build", &build)] {
            for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
                if String::from_utf8_lossy(bytes).contains(string.as_str()) {
                    problems.push(format!("`{command}` {stream} contains `{string}`"));
                }
            }
        }
        for file in &written {
            let text = fs::read(public.join(file)).unwrap_or_default();
            if String::from_utf8_lossy(&text).contains(string.as_str())
                || file.to_string_lossy().contains(string.as_str())
            {
                problems.push(format!("{} contains `{string}`", file.display()));
            }
        }
    }
    problems
}

#[test]
fn hostile_paths_cases_hold() {
    let cases = paths_cases();
    assert!(cases.len() >= 6, "the paths-* cases are missing: {cases:?}");
    let mut report = String::new();
    for case in &cases {
        if let Err(problem) = cases::check_expected_lines(case) {
            report.push_str(&format!("{}: {problem}\n", name(case)));
        }
        for problem in mismatches(case) {
            report.push_str(&format!("{}: {problem}\n", name(case)));
        }
    }
    assert!(report.is_empty(), "\n{report}");
}
