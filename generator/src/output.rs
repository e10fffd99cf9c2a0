//! Atomic output: a build writes into a staging folder next to the output
//! folder and swaps it in only when every file is written, so a failed or
//! interrupted build leaves the previous site intact. Every path is checked before it is
//! written ([`refusal`]): nothing lands outside the staging folder or replaces another file.

mod refusal;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use refusal::{PathProblem, Refusal, check};

/// A file every output folder holds, so that a build only ever replaces a
/// folder that an earlier build wrote.
pub const MARKER: &str = ".almanac-output";

/// Test hook: abort the process after writing this many files, to simulate an
/// interrupted build (`kill -9` in the middle of writing).
pub const FAIL_AFTER_ENV: &str = "ALMANAC_TEST_ABORT_AFTER_FILES";

/// Files of one build, written to a staging folder.
#[derive(Debug)]
pub struct Output {
    target: PathBuf,
    staging: PathBuf,
    written: BTreeMap<String, u64>,
    refused: Vec<Refusal>,
    abort_after: Option<usize>,
}

impl Output {
    /// Starts a build that will replace `target`. Removes staging folders
    /// left by interrupted builds.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the staging folder cannot be created.
    pub fn start(target: &Path) -> Result<Self> {
        check_replaceable(target)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let stale_prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
        if let Ok(entries) = fs::read_dir(parent) {
            for entry in entries.flatten() {
                let entry_name = entry.file_name().to_string_lossy().into_owned();
                if stale_prefixes
                    .iter()
                    .any(|p| entry_name.starts_with(p.as_str()))
                {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        let mut output = Self {
            target: target.to_path_buf(),
            staging,
            written: BTreeMap::new(),
            refused: Vec::new(),
            abort_after: std::env::var(FAIL_AFTER_ENV)
                .ok()
                .and_then(|v| v.parse().ok()),
        };
        output.write(
            MARKER,
            "This folder is written by `almanac build` and replaced by the next build.\n",
        )?;
        Ok(output)
    }

    /// Refuses to replace `target` unless it is a folder this tool wrote (or
    /// does not exist yet), and never the project or content folder.
    ///
    /// # Errors
    ///
    /// [`Error::Output`] naming the folder and why it is not replaced.
    pub fn guard(target: &Path, protected: &[&Path]) -> Result<()> {
        let absolute = |p: &Path| {
            fs::canonicalize(p)
                .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
        };
        let target_abs = absolute(target);
        for folder in protected {
            if absolute(folder).starts_with(&target_abs) {
                return Err(Error::Output {
                    path: target.to_path_buf(),
                    message: format!(
                        "the output folder contains {}; choose an output folder of its own",
                        folder.display()
                    ),
                });
            }
        }
        check_replaceable(target)
    }

    /// Writes `bytes` to `relative` (a `/`-separated path inside the output).
    ///
    /// A path that [`check`] refuses, or that would replace a file written earlier in this
    /// build (or a folder of them), is not written and not an `Err`: it is recorded as a
    /// [`Refusal`] (see [`Output::refused`]), which the build reports as a diagnostic, and
    /// the build goes on.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub fn write(&mut self, relative: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        let bytes = bytes.as_ref();
        if let Err(problem) = self.admit(relative) {
            self.refused.push(Refusal {
                path: relative.to_owned(),
                problem,
            });
            return Ok(());
        }
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        self.written.insert(relative.to_owned(), bytes.len() as u64);
        if self.abort_after.is_some_and(|n| self.written.len() >= n) {
            std::process::abort();
        }
        Ok(())
    }

    /// Copies a file from disk into the output (refused as [`Output::write`] refuses, before
    /// the source is read).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be read or written.
    pub fn copy(&mut self, relative: &str, source: &Path) -> Result<()> {
        if let Err(problem) = self.admit(relative) {
            self.refused.push(Refusal {
                path: relative.to_owned(),
                problem,
            });
            return Ok(());
        }
        let bytes = fs::read(source).map_err(|e| Error::io(source, e))?;
        self.write(relative, bytes)
    }

    /// Copies a file of the content (a thumbnail) into the output: like [`Output::copy`], but
    /// a source that cannot be read is a [`Refusal`] ([`PathProblem::Unreadable`]), not an
    /// `Err`, since the content, not the environment, is at fault.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub fn copy_content(&mut self, relative: &str, source: &Path) -> Result<()> {
        match fs::read(source) {
            Ok(bytes) => self.write(relative, bytes),
            Err(_) => {
                self.refused.push(Refusal {
                    path: relative.to_owned(),
                    problem: PathProblem::Unreadable,
                });
                Ok(())
            }
        }
    }

    /// Whether `relative` may be written now: a safe path ([`check`]) that is not a file or
    /// folder written earlier in this build and has no file as one of its folders.
    fn admit(&self, relative: &str) -> Result<(), PathProblem> {
        check(relative)?;
        if self.written.contains_key(relative) {
            return Err(PathProblem::AlreadyWritten);
        }
        let folder = format!("{relative}/");
        if self
            .written
            .range(folder.clone()..)
            .next()
            .is_some_and(|(path, _)| path.starts_with(&folder))
        {
            return Err(PathProblem::IsFolder);
        }
        let mut end = 0;
        while let Some(slash) = relative[end..].find('/') {
            end += slash;
            if self.written.contains_key(&relative[..end]) {
                return Err(PathProblem::UnderFile);
            }
            end += 1;
        }
        Ok(())
    }

    /// Every write refused so far, in order.
    #[must_use]
    pub fn refused(&self) -> &[Refusal] {
        &self.refused
    }

    /// True when `relative` has been written in this build.
    #[must_use]
    pub fn contains(&self, relative: &str) -> bool {
        self.written.contains_key(relative)
    }

    /// Number of files written so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.written.len()
    }

    /// True when nothing has been written.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// Total bytes written so far.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.written.values().sum()
    }

    /// Swaps the staging folder in for the target. The old site is moved
    /// aside first and deleted last, so at every moment one complete site exists.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when a rename fails; the previous site is then still in place.
    pub fn commit(self) -> Result<()> {
        let parent = self
            .staging
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = self
            .target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_previous = self.target.exists();
        if had_previous {
            fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
        }
        if let Err(error) = fs::rename(&self.staging, &self.target) {
            if had_previous {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(Error::io(&self.target, error));
        }
        if had_previous {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Discards the staging folder, leaving the target untouched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

fn check_replaceable(target: &Path) -> Result<()> {
    let Ok(mut entries) = fs::read_dir(target) else {
        return match fs::metadata(target) {
            Ok(meta) if !meta.is_dir() => Err(Error::Output {
                path: target.to_path_buf(),
                message: "exists and is not a folder".into(),
            }),
            _ => Ok(()),
        };
    };
    if entries.next().is_none() || target.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Error::Output {
        path: target.to_path_buf(),
        message: format!(
            "exists, is not empty and was not written by almanac (no {MARKER}); refusing to replace it"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_abandon_keeps() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("public");
        let mut first = Output::start(&target).expect("start");
        first.write("a/index.html", "one").expect("write");
        first.commit().expect("commit");
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).expect("read"),
            "one"
        );

        let mut second = Output::start(&target).expect("start");
        second.write("b.txt", "two").expect("write");
        second.abandon();
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).expect("read"),
            "one"
        );
        assert!(!target.join("b.txt").exists());

        let mut third = Output::start(&target).expect("start");
        third.write("b.txt", "three").expect("write");
        third.commit().expect("commit");
        assert!(!target.join("a/index.html").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn foreign_folders_are_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = dir.path().join("project");
        fs::create_dir_all(project.join("content")).expect("mkdir");
        fs::write(project.join("almanac.toml"), "").expect("write");
        fs::write(project.join("content/notes.md"), "mine").expect("write");
        assert!(
            Output::guard(&project, &[&project]).is_err(),
            "the project itself"
        );
        assert!(
            Output::guard(dir.path(), &[&project]).is_err(),
            "a parent of the project"
        );
        assert!(
            Output::start(&project.join("content")).is_err(),
            "a non-empty foreign folder"
        );
        assert!(
            Output::guard(
                &project.join("public"),
                &[&project, &project.join("content")]
            )
            .is_ok()
        );
    }

    #[test]
    fn paths_leaving_staging_are_refused_and_never_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("a/b/c/public");
        let mut output = Output::start(&target).expect("start");
        let hostile = [
            "../../../NAME.json",
            "stac/d/../../../../x/x.json",
            "/tmp/absolute.json",
            "datasets//index.html",
            "a\\..\\..\\b.json",
            "nul\0.json",
            "ctl\u{7}.json",
        ];
        for path in hostile {
            output
                .write(path, "pwned")
                .expect("a refusal is not an error");
        }
        output
            .copy("../copied.txt", Path::new("/etc/hostname"))
            .expect("a refusal is not an error");
        output
            .copy_content("datasets/x/thumbnail.png", &dir.path().join("missing.png"))
            .expect("an unreadable content file is not an error");
        let problems: Vec<PathProblem> = output.refused().iter().map(|r| r.problem).collect();
        assert_eq!(
            problems,
            vec![
                PathProblem::ParentDir,
                PathProblem::ParentDir,
                PathProblem::Absolute,
                PathProblem::EmptySegment,
                PathProblem::Backslash,
                PathProblem::Nul,
                PathProblem::Control,
                PathProblem::ParentDir,
                PathProblem::Unreadable,
            ]
        );
        assert_eq!(output.len(), 1, "only the marker");
        output.commit().expect("commit");
        let mut found = Vec::new();
        let mut stack = vec![dir.path().to_path_buf()];
        while let Some(folder) = stack.pop() {
            for entry in fs::read_dir(&folder).expect("ls").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    found.push(path);
                }
            }
        }
        assert_eq!(found, vec![target.join(MARKER)]);
    }

    #[test]
    fn a_file_is_never_replaced_by_a_later_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("public");
        let mut output = Output::start(&target).expect("start");
        output.write("datasets/index.html", "list").expect("write");
        output
            .write("datasets/tags/index.html", "facets")
            .expect("write");
        // An entity `index.html`, `tags` and an empty id, written after the list pages.
        output
            .write("datasets/index.html/index.html", "entity")
            .expect("refused");
        output
            .write("datasets/tags/index.html", "entity")
            .expect("refused");
        output.write("datasets/tags", "entity").expect("refused");
        let problems: Vec<PathProblem> = output.refused().iter().map(|r| r.problem).collect();
        assert_eq!(
            problems,
            vec![
                PathProblem::UnderFile,
                PathProblem::AlreadyWritten,
                PathProblem::IsFolder
            ]
        );
        output.commit().expect("commit");
        assert_eq!(
            fs::read_to_string(target.join("datasets/index.html")).expect("read"),
            "list"
        );
        assert_eq!(
            fs::read_to_string(target.join("datasets/tags/index.html")).expect("read"),
            "facets"
        );
    }
}
