//! Atomic output: a build writes into a staging folder next to the output
//! folder and swaps it in only when every file is written, so a failed or
//! interrupted build leaves the previous site intact.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub fn write(&mut self, relative: &str, bytes: impl AsRef<[u8]>) -> Result<()> {
        let bytes = bytes.as_ref();
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

    /// Copies a file from disk into the output.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be read or written.
    pub fn copy(&mut self, relative: &str, source: &Path) -> Result<()> {
        let bytes = fs::read(source).map_err(|e| Error::io(source, e))?;
        self.write(relative, bytes)
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
}
