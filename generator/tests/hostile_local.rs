//! Local files stay local (issue 12, point 3): every `tests/sites/hostile/local-*` case —
//! content files and folders that are links to `/etc`, thumbnails naming `/etc/passwd` or
//! SVG or text, stores naming `/etc` — is checked and built: the diagnostics are exactly those
//! of its `expected.txt`, and nothing from outside the library reaches the output, stdout or
//! stderr (no `forbidden.txt` string, no file byte-identical to `/etc/passwd`, not the absolute
//! path of the project). Thumbnails and links that stay inside the library still work.

mod cases;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use cases::{compare, expected, expected_exit, lines, name, run};

fn local_cases() -> Vec<PathBuf> {
    cases::cases("hostile")
        .into_iter()
        .filter(|case| name(case).starts_with("local-"))
        .collect()
}

/// Every file under `dir` (links are not followed: the output must hold none).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                Ok(_) => out.push(path),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}

/// A copy of the case `case` in `to`, its links kept as links (relative ones still lead to
/// `/etc`: the case has more `../` than `to` has folders) and its theme named absolutely.
#[cfg(unix)]
fn copy_case(case: &Path, to: &Path) {
    cases::copy_tree(case, to);
}

/// What leaked from outside the library of `root` into `public` (its built site) or a
/// command's output.
fn leaks(case: &Path, root: &Path, public: &Path, commands: &[(&str, &Output)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut forbidden = lines(&case.join("forbidden.txt")).unwrap_or_default();
    // The project folder as given and resolved: diagnostics and pages name paths relative to it.
    forbidden.push(root.to_string_lossy().into_owned());
    if let Ok(resolved) = root.canonicalize() {
        forbidden.push(resolved.to_string_lossy().into_owned());
    }
    forbidden.sort();
    forbidden.dedup();
    let passwd = fs::read("/etc/passwd").unwrap_or_default();
    for (command, output) in commands {
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            // The build's last line names the output folder it was asked for.
            let text: String = String::from_utf8_lossy(bytes)
                .lines()
                .filter(|line| !line.starts_with("built "))
                .collect::<Vec<_>>()
                .join("\n");
            for string in &forbidden {
                if text.contains(string.as_str()) {
                    problems.push(format!("`{command}` {stream} holds `{string}`:\n{text}"));
                }
            }
        }
    }
    let outputs = files(public);
    if outputs.len() < 10 {
        problems.push(format!("the build wrote only {} files", outputs.len()));
    }
    for file in outputs {
        let shown = file
            .strip_prefix(public)
            .unwrap_or(&file)
            .display()
            .to_string();
        let Ok(metadata) = fs::symlink_metadata(&file) else {
            continue;
        };
        if metadata.file_type().is_symlink() {
            problems.push(format!("the output holds a symbolic link: {shown}"));
            continue;
        }
        let bytes = fs::read(&file).unwrap_or_default();
        if !passwd.is_empty() && bytes == passwd {
            problems.push(format!("{shown} is a copy of /etc/passwd"));
        }
        let lower = shown.to_ascii_lowercase();
        if lower.contains("thumbnail")
            && !lower.ends_with(".png")
            && !lower.ends_with(".jpg")
            && !lower.ends_with(".webp")
        {
            problems.push(format!(
                "a thumbnail that is not an image was copied: {shown}"
            ));
        }
        let text = String::from_utf8_lossy(&bytes);
        for string in &forbidden {
            if text.contains(string.as_str()) {
                problems.push(format!("{shown} holds `{string}`"));
            }
        }
    }
    problems
}

/// Runs one case (a copy of it, built into its own `public/` as a real project is); what does
/// not match its expectations.
#[cfg(unix)]
fn mismatches(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("library");
    copy_case(case, &root);
    let exit = expected_exit(case);
    let check = run(&root, &["check", "--format", "json"]);
    let public = root.join("public");
    let public_arg = public.to_string_lossy().into_owned();
    let build = run(&root, &["--format", "json", "build", "-o", &public_arg]);
    let expected = expected(case);
    if expected.is_empty() {
        problems.push("expected.txt is missing or empty".into());
    }
    for (command, output) in [("check", &check), ("build", &build)] {
        if output.status.code() != Some(exit) {
            problems.push(format!(
                "`{command}` exited with {:?}, expected {exit}; stderr:\n{}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        problems.extend(compare(command, output, &expected));
    }
    if !public.join("index.html").is_file() {
        problems.push("the build did not write index.html".into());
    }
    if !lines(&case.join("forbidden.txt")).is_some_and(|l| l.iter().any(|s| s == "root:x:0:0")) {
        problems.push("forbidden.txt does not forbid `root:x:0:0`".into());
    }
    problems.extend(leaks(
        case,
        &root,
        &public,
        &[("check", &check), ("build", &build)],
    ));
    problems
}

#[cfg(unix)]
#[test]
fn every_local_case_is_refused_with_its_diagnostics_and_leaks_nothing() {
    let cases = local_cases();
    assert!(
        cases.len() >= 15,
        "expected at least 15 local-* cases, found {}",
        cases.len()
    );
    let mut report = String::new();
    for case in &cases {
        let problems = mismatches(case);
        if !problems.is_empty() {
            let _ = writeln!(report, "case `{}`:", name(case));
            for problem in problems {
                let _ = writeln!(report, "  {problem}");
            }
        }
    }
    assert!(report.is_empty(), "\n{report}");
}

/// The symbolic links of the cases are in the repository as links (git keeps them so), and
/// lead where the cases say: a case whose link was checked out as a file tests nothing.
#[cfg(unix)]
#[test]
fn the_links_of_the_cases_are_links_to_outside() {
    let group = cases::group_dir("hostile");
    for link in [
        "local-symlink-file/content/papers/passwd.md",
        "local-symlink-person-folder/content/people/grace-example",
        "local-thumbnail-symlink/content/datasets/sea-ice-extent/thumb.png",
        "local-thumbnail-symlink-relative/content/datasets/sea-ice-extent/thumb.png",
        "local-store-symlink/content/data/sea-ice-extent.zarr",
        "local-store-symlink-relative/content/data/sea-ice-extent.zarr",
        "local-symlink-relative/content/datasets/sea-ice-extent/meta.yaml",
        "local-symlink-content-folder/content",
    ] {
        let path = group.join(link);
        let metadata = fs::symlink_metadata(&path).expect("the link exists");
        assert!(metadata.file_type().is_symlink(), "{link} is not a link");
        let target = path.canonicalize().expect("the link resolves");
        assert!(
            target.starts_with("/etc"),
            "{link} leads to {}",
            target.display()
        );
    }
}

/// A small library with one dataset whose `catalog.yaml` ends with `extra`.
fn library(root: &Path, extra: &str) -> PathBuf {
    let case = cases::group_dir("hostile").join("local-thumbnail-absolute");
    cases::copy_tree(&case.join("content/papers"), &root.join("content/papers"));
    cases::copy_tree(&case.join("content/people"), &root.join("content/people"));
    let folder = root.join("content/datasets/sea-ice-extent");
    fs::create_dir_all(&folder).expect("mkdir");
    fs::copy(
        case.join("content/datasets/sea-ice-extent/meta.yaml"),
        folder.join("meta.yaml"),
    )
    .expect("meta.yaml");
    fs::write(
        folder.join("catalog.yaml"),
        format!("stores:\n  - id: \"sea-ice-extent\"\n    url: \"../../data/sea-ice-extent.zarr\"\n{extra}"),
    )
    .expect("catalog.yaml");
    fs::write(
        root.join("almanac.toml"),
        "[site]\ntitle = \"Local\"\n\n[crawl]\nenabled = false\n",
    )
    .expect("almanac.toml");
    folder
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("header");
    writer
        .write_image_data(&vec![128; (width * height) as usize])
        .expect("pixels");
    writer.finish().expect("finish");
    bytes
}

fn build(root: &Path) -> (Output, PathBuf) {
    let public = root.join("public");
    let output = run(
        root,
        &["--format", "json", "build", "-o", &public.to_string_lossy()],
    );
    (output, public)
}

#[cfg(unix)]
#[test]
fn a_png_inside_the_library_is_copied_even_through_a_link_inside_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let folder = library(root, "thumbnail: \"thumb.png\"\n");
    let image = png(20, 10);
    fs::create_dir_all(root.join("content/images")).expect("mkdir");
    fs::write(root.join("content/images/map.png"), &image).expect("png");
    std::os::unix::fs::symlink("../../images/map.png", folder.join("thumb.png")).expect("link");
    let (output, public) = build(root);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    for copy in [
        "datasets/sea-ice-extent/thumbnail.png",
        "stac/sea-ice-extent/thumbnail.png",
    ] {
        assert_eq!(
            fs::read(public.join(copy)).ok(),
            Some(image.clone()),
            "{copy}"
        );
    }
    let page = fs::read_to_string(public.join("datasets/sea-ice-extent/index.html")).expect("page");
    assert!(page.contains("thumbnail.png"), "{page}");
    let collection =
        fs::read_to_string(public.join("stac/sea-ice-extent/collection.json")).expect("STAC");
    assert!(collection.contains("\"./thumbnail.png\""), "{collection}");
    assert!(collection.contains("\"image/png\""), "{collection}");
}

#[test]
fn a_thumbnail_is_named_for_what_it_decodes_as_and_remote_ones_are_linked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    // A PNG called .jpg is copied as .png, never under the name the content gave.
    let folder = library(root, "thumbnail: \"map.jpg\"\n");
    fs::write(folder.join("map.jpg"), png(8, 8)).expect("png");
    let (output, public) = build(root);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        public
            .join("datasets/sea-ice-extent/thumbnail.png")
            .is_file()
    );
    assert!(
        !public
            .join("datasets/sea-ice-extent/thumbnail.jpg")
            .exists()
    );

    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    library(root, "thumbnail: \"https://example.org/map.png\"\n");
    let (output, public) = build(root);
    assert_eq!(output.status.code(), Some(0));
    let page = fs::read_to_string(public.join("datasets/sea-ice-extent/index.html")).expect("page");
    assert!(page.contains("https://example.org/map.png"), "{page}");
}

#[test]
fn a_missing_thumbnail_is_a_warning_not_a_silent_drop() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    library(root, "thumbnail: \"absent.png\"\n");
    let (output, _) = build(root);
    assert_eq!(output.status.code(), Some(0));
    let diagnostics = cases::diagnostics(&output.stdout).expect("JSON");
    assert!(
        diagnostics.contains(
            "content/datasets/sea-ice-extent/catalog.yaml:4:12: warning[thumbnail-missing]"
        ),
        "{diagnostics:?}"
    );
}

#[test]
fn the_cases_expect_what_the_issue_asks() {
    let expected: Vec<String> = local_cases()
        .iter()
        .flat_map(|case| expected(case))
        .collect();
    for code in [
        "outside-library",
        "thumbnail-outside-library",
        "thumbnail-svg",
        "thumbnail-not-image",
        "thumbnail-url",
        "store-outside-library",
    ] {
        assert!(
            expected
                .iter()
                .any(|line| line.ends_with(&format!("[{code}]"))),
            "no case expects `{code}`"
        );
    }
}

/// The leak check itself finds a copy of `/etc/passwd`, a forbidden string and the project's
/// path, so that a passing case means something.
#[test]
fn the_leak_check_finds_planted_leaks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("library");
    let public = root.join("public");
    fs::create_dir_all(public.join("datasets/x")).expect("mkdir");
    for n in 0..10 {
        fs::write(public.join(format!("page-{n}.html")), "fine").expect("write");
    }
    let case = cases::group_dir("hostile").join("local-thumbnail-absolute");
    let clean = leaks(&case, &root, &public, &[]);
    assert!(clean.is_empty(), "{clean:?}");
    if let Ok(passwd) = fs::read("/etc/passwd") {
        fs::write(public.join("datasets/x/thumbnail.png"), passwd).expect("write");
    }
    fs::write(public.join("datasets/x/thumbnail.svg"), "<svg/>").expect("write");
    fs::write(public.join("a.html"), "root:x:0:0:root").expect("write");
    fs::write(
        public.join("b.html"),
        format!("no such directory: {}/content/etc", root.display()),
    )
    .expect("write");
    let found = leaks(&case, &root, &public, &[]).join("\n");
    for expected in ["a.html holds `root:x:0:0`", "b.html holds", "thumbnail.svg"] {
        assert!(found.contains(expected), "{expected} not in:\n{found}");
    }
    if fs::metadata("/etc/passwd").is_ok() {
        assert!(found.contains("is a copy of /etc/passwd"), "{found}");
    }
}
