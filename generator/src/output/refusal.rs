//! The writer's last line of defence: which relative paths the output stage refuses to
//! write (anything that could leave the staging folder or replace another output file),
//! checked on path components rather than on strings.

use std::fmt;
use std::path::{Component, Path};

/// Longest file or folder name most file systems accept, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Why a relative output path is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathProblem {
    /// The path is empty.
    Empty,
    /// The path starts at a root or a drive (`/etc/passwd`, `C:\`).
    Absolute,
    /// A segment is `..`.
    ParentDir,
    /// A segment is `.` or empty (`a//b`, `a/./b`): an id that came out empty.
    EmptySegment,
    /// The path holds a NUL byte.
    Nul,
    /// The path holds a backslash, a folder separator on Windows.
    Backslash,
    /// The path holds another control character.
    Control,
    /// A file was already written at this path in this build.
    AlreadyWritten,
    /// A folder above this path was written as a file (`datasets/index.html/…`).
    UnderFile,
    /// Files were already written under this path, so it is a folder.
    IsFolder,
    /// The content file to copy there cannot be read.
    Unreadable,
    /// A segment is longer than a file name may be (255 bytes).
    TooLong,
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the path is empty",
            Self::Absolute => "the path is absolute",
            Self::ParentDir => "the path climbs out with `..`",
            Self::EmptySegment => "the path has an empty or `.` segment",
            Self::Nul => "the path holds a NUL byte",
            Self::Backslash => "the path holds a backslash",
            Self::Control => "the path holds a control character",
            Self::AlreadyWritten => "another file was already written at this path",
            Self::IsFolder => "other files were already written under this path",
            Self::UnderFile => "a folder of this path was already written as a file",
            Self::Unreadable => "the content file to copy there cannot be read",
            Self::TooLong => "a file or folder name in the path is longer than 255 bytes",
        })
    }
}

impl std::error::Error for PathProblem {}

/// A write the output refused: the path as asked for and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The `/`-separated path relative to the output folder, as asked for.
    pub path: String,
    /// Why it was refused.
    pub problem: PathProblem,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused to write {:?}: {}", self.path, self.problem)
    }
}

/// Checks that `relative`, a `/`-separated path, names a file strictly inside the output
/// folder: every segment a plain name, no root, drive, `..`, `.`, empty segment, NUL,
/// backslash or control character.
///
/// # Errors
///
/// The first [`PathProblem`] found.
pub fn check(relative: &str) -> Result<(), PathProblem> {
    if relative.is_empty() {
        return Err(PathProblem::Empty);
    }
    if relative.contains('\0') {
        return Err(PathProblem::Nul);
    }
    if relative.contains('\\') {
        return Err(PathProblem::Backslash);
    }
    if relative.chars().any(char::is_control) {
        return Err(PathProblem::Control);
    }
    let first = relative.split('/').next().unwrap_or_default();
    let drive = first.len() >= 2
        && first.as_bytes()[0].is_ascii_alphabetic()
        && first.as_bytes()[1] == b':';
    if relative.starts_with('/') || drive {
        return Err(PathProblem::Absolute);
    }
    for segment in relative.split('/') {
        match segment {
            ".." => return Err(PathProblem::ParentDir),
            "" | "." => return Err(PathProblem::EmptySegment),
            _ if segment.len() > MAX_NAME_BYTES => return Err(PathProblem::TooLong),
            _ => {}
        }
    }
    // The segments are plain; the platform's own reading of the path must agree (a drive
    // prefix on Windows, a root anywhere).
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(_) => {}
            Component::ParentDir => return Err(PathProblem::ParentDir),
            Component::CurDir => return Err(PathProblem::EmptySegment),
            Component::RootDir | Component::Prefix(_) => return Err(PathProblem::Absolute),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_pass() {
        for path in [
            "index.html",
            "datasets/sea-ice/index.html",
            "stac/a/b/b.json",
            ".almanac-output",
            "search/docs/0a1b/3.json",
            "datasets/Été/index.html",
            "a..b/c...json",
        ] {
            assert_eq!(check(path), Ok(()), "{path}");
        }
    }

    #[test]
    fn escaping_and_odd_paths_are_refused() {
        let long = format!("datasets/tags/{}/index.html", "t".repeat(256));
        let cases = [
            ("", PathProblem::Empty),
            ("/etc/passwd", PathProblem::Absolute),
            ("C:/Windows/x", PathProblem::Absolute),
            ("c:x", PathProblem::Absolute),
            ("../escaped.json", PathProblem::ParentDir),
            ("stac/d/../../../../NAME/NAME.json", PathProblem::ParentDir),
            ("stac/d/..", PathProblem::ParentDir),
            ("datasets//index.html", PathProblem::EmptySegment),
            ("datasets/./index.html", PathProblem::EmptySegment),
            ("datasets/", PathProblem::EmptySegment),
            ("a\0b/index.html", PathProblem::Nul),
            ("datasets\\..\\..\\x", PathProblem::Backslash),
            ("datasets/a\u{1b}[31m/index.html", PathProblem::Control),
            ("datasets/a\nb/index.html", PathProblem::Control),
            (long.as_str(), PathProblem::TooLong),
        ];
        for (path, problem) in cases {
            assert_eq!(check(path), Err(problem), "{path:?}");
        }
    }

    #[test]
    fn refusals_name_the_path() {
        let refusal = Refusal {
            path: "../x".into(),
            problem: PathProblem::ParentDir,
        };
        assert_eq!(
            refusal.to_string(),
            "refused to write \"../x\": the path climbs out with `..`"
        );
    }
}
