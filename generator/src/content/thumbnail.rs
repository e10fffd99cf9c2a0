//! The `thumbnail:` a dataset names, checked where content is read and again before it is
//! copied: an `https://` (or `http://`) URL is kept as a link and never fetched; any other
//! scheme (`javascript:`, `data:`, `file:`) is refused; a local file must resolve inside the
//! library folder and decode as a PNG, JPEG or WebP image within size limits. SVG is refused
//! (it can carry scripts). A refused thumbnail is one diagnostic on the field and the dataset
//! goes on without it.

mod image;

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use almanac_model::Dataset;

use crate::content::Draft;
use crate::content::boundary::{Boundary, Refusal, escapes};
use crate::content::document::Node;
use crate::diagnostics::{Diagnostics, Location};

pub use self::image::{Format, Header, MAX_BYTES, MAX_SIDE};

/// A thumbnail that may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thumbnail {
    /// A remote image, linked as it is.
    Link(String),
    /// A local image inside the library.
    File(LocalImage),
}

/// A local thumbnail that decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// The file, every link resolved.
    pub path: PathBuf,
    /// Its format and size.
    pub header: Header,
    /// Its bytes, as checked (copy these, not the file, which may have changed since).
    pub bytes: Vec<u8>,
}

/// Why a thumbnail is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The diagnostic code.
    pub code: &'static str,
    /// What is wrong; never the file's contents nor where a link leads.
    pub message: String,
    /// How to fix it.
    pub help: &'static str,
    /// False for a file that is simply not there (a warning, not an error).
    pub error: bool,
}

fn refused(code: &'static str, message: impl Into<String>, help: &'static str) -> Refused {
    Refused {
        code,
        message: message.into(),
        help,
        error: true,
    }
}

const LOCAL_HELP: &str = "put a PNG, JPEG or WebP image (at most 5 MB, 8192 × 8192 pixels) in the dataset's folder and name it relative to its file";

fn trim_written(written: &str) -> &str {
    written.trim_matches(|c: char| c.is_whitespace() || c.is_control())
}

/// Whether `written` names a local file (it is neither empty nor has a scheme).
#[must_use]
pub fn is_local(written: &str) -> bool {
    let trimmed = trim_written(written);
    !trimmed.is_empty() && scheme(trimmed).is_none()
}

/// [`check`] of a thumbnail that is not [`is_local`]: a URL or nothing; `None` for a local file.
fn check_not_local(written: &str) -> Option<Result<Thumbnail, Refused>> {
    let trimmed = trim_written(written);
    if let Some(scheme) = scheme(trimmed) {
        return Some(if scheme == "https" || scheme == "http" {
            Ok(Thumbnail::Link(written.to_owned()))
        } else {
            Err(refused(
                "thumbnail-url",
                format!("a thumbnail URL must be https://, not `{scheme}:`; it is not used"),
                "name an https:// image, or a PNG, JPEG or WebP file in the dataset's folder",
            ))
        });
    }
    trimmed.is_empty().then(|| {
        Err(refused(
            "thumbnail-missing",
            "the thumbnail is empty",
            LOCAL_HELP,
        ))
    })
}

/// Checks `written`, the `thumbnail:` of the dataset whose file is `source_file` (relative to
/// `content_dir`, the library folder whose `boundary` it must stay inside).
///
/// # Errors
///
/// [`Refused`] with the diagnostic to give when the thumbnail may not be used.
pub fn check(
    written: &str,
    source_file: &str,
    content_dir: &Path,
    boundary: &Boundary,
) -> Result<Thumbnail, Refused> {
    if let Some(checked) = check_not_local(written) {
        return checked;
    }
    let trimmed = trim_written(written);
    let outside = || {
        refused(
            "thumbnail-outside-library",
            "the thumbnail leads outside the library folder; it is not copied",
            LOCAL_HELP,
        )
    };
    if escapes(trimmed) || trimmed.starts_with("//") {
        return Err(outside());
    }
    let folder = Path::new(source_file).parent().unwrap_or(Path::new(""));
    let path = content_dir.join(folder).join(trimmed);
    let resolved = match boundary.resolve(&path) {
        Ok(resolved) => resolved,
        Err(Refusal::Outside) => return Err(outside()),
        Err(Refusal::Missing) => {
            return Err(Refused {
                error: false,
                ..refused(
                    "thumbnail-missing",
                    format!("the thumbnail `{trimmed}` is not in the dataset's folder"),
                    LOCAL_HELP,
                )
            });
        }
    };
    let svg_name = Path::new(trimmed)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("svgz"));
    if svg_name {
        return Err(svg());
    }
    let bytes = read_bounded(&resolved)?;
    match image::sniff(&bytes) {
        Ok(header) => Ok(Thumbnail::File(LocalImage {
            path: resolved,
            header,
            bytes,
        })),
        Err(image::Problem::Svg) => Err(svg()),
        Err(image::Problem::Unknown) => Err(refused(
            "thumbnail-not-image",
            "the thumbnail is not a PNG, JPEG or WebP image; it is not copied",
            LOCAL_HELP,
        )),
        Err(image::Problem::Broken(format, why)) => Err(refused(
            "thumbnail-not-image",
            format!(
                "the thumbnail starts like a {} image but does not decode ({}); it is not copied",
                format.extension().to_uppercase(),
                one_line(&why)
            ),
            LOCAL_HELP,
        )),
        Err(image::Problem::TooLarge(header)) => Err(refused(
            "thumbnail-too-large",
            format!(
                "the thumbnail is {} × {} pixels, more than {MAX_SIDE} on a side; it is not copied",
                header.width, header.height
            ),
            LOCAL_HELP,
        )),
    }
}

/// `written` when it is an http(s) URL (the only thumbnails used without a library folder).
#[must_use]
pub fn link(written: &str) -> Option<String> {
    let trimmed = written.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    scheme(trimmed)
        .is_some_and(|s| s == "https" || s == "http")
        .then(|| written.to_owned())
}

fn svg() -> Refused {
    refused(
        "thumbnail-svg",
        "SVG thumbnails are refused: an SVG can hold scripts that would run on the site's origin",
        "convert the image to PNG, JPEG or WebP",
    )
}

/// The file's bytes, when it is a regular file of at most [`MAX_BYTES`]; reading stops there
/// even when the file grows meanwhile.
fn read_bounded(path: &Path) -> Result<Vec<u8>, Refused> {
    let not_a_file = || {
        refused(
            "thumbnail-not-image",
            "the thumbnail is not a readable file; it is not copied",
            LOCAL_HELP,
        )
    };
    let metadata = fs::metadata(path).map_err(|_| not_a_file())?;
    if !metadata.is_file() {
        return Err(not_a_file());
    }
    let too_large = |size: u64| {
        refused(
            "thumbnail-too-large",
            format!("the thumbnail is {size} bytes, more than {MAX_BYTES}; it is not copied"),
            LOCAL_HELP,
        )
    };
    if metadata.len() > MAX_BYTES {
        return Err(too_large(metadata.len()));
    }
    let file = fs::File::open(path).map_err(|_| not_a_file())?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| not_a_file())?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The scheme of a URL (`https`, `javascript`, …), lower case; `None` for a path.
fn scheme(text: &str) -> Option<String> {
    let (head, _) = text.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let is_scheme = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // Browsers drop tabs and newlines inside a scheme (`java\tscript:`).
    let spaced = head.chars().any(|c| c.is_whitespace() || c.is_control());
    (is_scheme || spaced).then(|| {
        head.chars()
            .filter(|c| !(c.is_whitespace() || c.is_control()))
            .collect::<String>()
            .to_ascii_lowercase()
    })
}

fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(200).collect()
}

/// Checks the thumbnail of a freshly loaded dataset; a refused one is a diagnostic on `node`
/// (the `thumbnail:` field of `file`) and is dropped from the dataset.
pub fn vet(
    draft: &mut Draft<Dataset>,
    node: Option<&Node>,
    file: &str,
    content_dir: &Path,
    boundary: &Boundary,
    diagnostics: &mut Diagnostics,
) {
    let Some(written) = draft.entity.thumbnail.as_deref() else {
        return;
    };
    let Err(refusal) = check(written, &draft.entity.source_file, content_dir, boundary) else {
        return;
    };
    report(draft, node, file, refusal, diagnostics);
}

/// [`vet`] for a dataset whose files came from URLs, whose thumbnail is not [`is_local`] (the
/// caller refuses local ones): nothing on disk is looked at.
pub fn vet_link(
    draft: &mut Draft<Dataset>,
    node: Option<&Node>,
    file: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some(Err(refusal)) = draft.entity.thumbnail.as_deref().and_then(check_not_local) else {
        return;
    };
    report(draft, node, file, refusal, diagnostics);
}

fn report(
    draft: &mut Draft<Dataset>,
    node: Option<&Node>,
    file: &str,
    refusal: Refused,
    diagnostics: &mut Diagnostics,
) {
    let location = match node {
        Some(node) => Location::at(file, node.position),
        None => Location::file(file),
    };
    let diagnostic = if refusal.error {
        diagnostics.error(refusal.code, location, refusal.message)
    } else {
        diagnostics.warning(refusal.code, location, refusal.message)
    };
    diagnostic.help = Some(refusal.help.into());
    draft.entity.thumbnail = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let content = tmp.path().join("content");
        fs::create_dir_all(content.join("datasets/d")).expect("mkdir");
        (tmp, content)
    }

    fn code(written: &str, content: &Path) -> Result<Thumbnail, &'static str> {
        check(
            written,
            "datasets/d/catalog.yaml",
            content,
            &Boundary::new(content),
        )
        .map_err(|r| r.code)
    }

    #[test]
    fn urls_other_than_https_are_refused() {
        let (_tmp, content) = library();
        assert_eq!(
            code("https://example.org/t.png", &content),
            Ok(Thumbnail::Link("https://example.org/t.png".into()))
        );
        for hostile in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "file:///etc/passwd",
            "vbscript:msgbox",
        ] {
            assert_eq!(code(hostile, &content), Err("thumbnail-url"), "{hostile}");
        }
    }

    #[test]
    fn paths_leaving_the_library_are_refused_before_any_read() {
        let (_tmp, content) = library();
        for hostile in [
            "/etc/passwd",
            "../../../etc/passwd",
            "../../../../../../../../etc/passwd",
            "//evil.example/t.png",
            "../../../no-such-file.png",
        ] {
            assert_eq!(
                code(hostile, &content),
                Err("thumbnail-outside-library"),
                "{hostile}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_outside_is_refused_and_its_text_never_shown() {
        let (_tmp, content) = library();
        std::os::unix::fs::symlink("/etc/passwd", content.join("datasets/d/thumb.png"))
            .expect("link");
        let refusal = check(
            "thumb.png",
            "datasets/d/catalog.yaml",
            &content,
            &Boundary::new(&content),
        )
        .expect_err("refused");
        assert_eq!(refusal.code, "thumbnail-outside-library");
        assert!(!refusal.message.contains("root"), "{}", refusal.message);
    }

    #[test]
    fn local_files_must_decode_as_images() {
        let (_tmp, content) = library();
        let folder = content.join("datasets/d");
        fs::write(folder.join("ok.png"), image::tests::png(4, 4)).expect("write");
        fs::write(
            folder.join("fake.png"),
            b"root:x:0:0:root:/root:/bin/bash\n",
        )
        .expect("write");
        fs::write(
            folder.join("evil.svg"),
            b"<svg><script>alert(1)</script></svg>",
        )
        .expect("write");
        fs::write(folder.join("svg.png"), b"<svg onload='alert(1)'/>").expect("write");
        fs::create_dir_all(folder.join("dir.png")).expect("mkdir");
        match code("ok.png", &content) {
            Ok(Thumbnail::File(image)) => {
                assert_eq!(image.header.format, Format::Png);
                assert_eq!((image.header.width, image.header.height), (4, 4));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(code("fake.png", &content), Err("thumbnail-not-image"));
        assert_eq!(code("evil.svg", &content), Err("thumbnail-svg"));
        assert_eq!(code("svg.png", &content), Err("thumbnail-svg"));
        assert_eq!(code("dir.png", &content), Err("thumbnail-not-image"));
        assert_eq!(code("absent.png", &content), Err("thumbnail-missing"));
    }

    #[test]
    fn files_over_the_size_limit_are_not_read() {
        let (_tmp, content) = library();
        let big = content.join("datasets/d/big.png");
        let file = fs::File::create(&big).expect("create");
        file.set_len(MAX_BYTES + 1).expect("sparse file");
        assert_eq!(code("big.png", &content), Err("thumbnail-too-large"));
    }

    #[test]
    fn a_refused_thumbnail_is_a_diagnostic_on_the_field_and_dropped() {
        let (_tmp, content) = library();
        let mut draft: Draft<Dataset> = Draft::new(
            serde_json::from_value(serde_json::json!({
                "id": "d", "source_file": "datasets/d/catalog.yaml", "title": "D",
                "description": "", "license": {"text": ""}, "feedstock": {},
                "thumbnail": "/etc/passwd"
            }))
            .expect("a dataset"),
        );
        let node = Node::null(crate::diagnostics::Position::new(7, 12));
        let mut diagnostics = Diagnostics::new();
        vet(
            &mut draft,
            Some(&node),
            "content/datasets/d/catalog.yaml",
            &content,
            &Boundary::new(&content),
            &mut diagnostics,
        );
        assert_eq!(draft.entity.thumbnail, None);
        let shown = diagnostics.to_text(true);
        assert!(
            shown
                .contains("content/datasets/d/catalog.yaml:7:12: error[thumbnail-outside-library]"),
            "{shown}"
        );
    }
}
