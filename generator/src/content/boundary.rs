//! The library folder's boundary, for every stage that reads local files named by content
//! (the content walk, thumbnails, local stores): a path is resolved (symbolic links followed,
//! `..` applied) before it is compared with the library folder, so that neither `../../etc`
//! nor a link to `/etc/passwd` leads outside it.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Why a path is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It resolves to a place outside the library folder.
    Outside,
    /// It does not exist, or a link on the way leads nowhere (or round in circles).
    Missing,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Outside => "it leads outside the library folder",
            Self::Missing => "it does not exist, or is a link that leads nowhere",
        })
    }
}

/// The library folder, resolved once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boundary {
    root: PathBuf,
}

impl Boundary {
    /// The boundary of the folder `root`. When `root` cannot be resolved (it does not exist),
    /// its absolute, lexically normalised form is used, so nothing resolves inside it.
    #[must_use]
    pub fn new(root: &Path) -> Self {
        let root = root.canonicalize().unwrap_or_else(|_| lexical(root));
        Self { root }
    }

    /// The resolved library folder.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` with every link followed, when that is inside the library folder.
    ///
    /// # Errors
    ///
    /// [`Refusal::Outside`] when the resolved path leaves the folder, [`Refusal::Missing`]
    /// when it cannot be resolved.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let resolved = path.canonicalize().map_err(|_| {
            // A path that names no file is still refused as outside when it is written so.
            if nearest(path).starts_with(&self.root) {
                Refusal::Missing
            } else {
                Refusal::Outside
            }
        })?;
        if resolved.starts_with(&self.root) {
            Ok(resolved)
        } else {
            Err(Refusal::Outside)
        }
    }

    /// Whether `path` (a file or folder met while walking the library) stays inside it.
    #[must_use]
    pub fn contains(&self, path: &Path) -> bool {
        self.resolve(path).is_ok()
    }
}

/// Whether a path written in content (`thumbnail:`, a store URL) leaves the folder it is
/// relative to by its words alone: absolute, or with more `..` than folders before them.
#[must_use]
pub fn escapes(written: &str) -> bool {
    let path = Path::new(written);
    if path.is_absolute() || written.starts_with('/') || written.starts_with('\\') {
        return true;
    }
    let mut depth: usize = 0;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(less) => depth = less,
                None => return true,
            },
            Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// Where a path that does not resolve would be: its nearest ancestor that resolves, with the
/// rest of its words applied to it (`..` too).
fn nearest(path: &Path) -> PathBuf {
    let absolute = lexical(path);
    for ancestor in absolute.ancestors().skip(1) {
        if let Ok(resolved) = ancestor.canonicalize() {
            let rest = absolute.strip_prefix(ancestor).unwrap_or(Path::new(""));
            return lexical(&resolved.join(rest));
        }
    }
    absolute
}

/// `path` made absolute against the current folder, with `.` and `..` applied by their words.
fn lexical(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_paths_that_leave_by_their_words() {
        assert!(escapes("/etc/passwd"));
        assert!(escapes("../../../../etc/passwd"));
        assert!(escapes("a/../../b"));
        assert!(!escapes("a/../b"));
        assert!(!escapes("thumb.png"));
        assert!(!escapes("./images/../thumb.png"));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_before_the_check() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let library = tmp.path().join("content");
        std::fs::create_dir_all(library.join("images")).expect("mkdir");
        std::fs::write(library.join("images/thumb.png"), b"x").expect("write");
        std::fs::write(tmp.path().join("secret.txt"), b"x").expect("write");
        std::os::unix::fs::symlink("/etc", library.join("etc")).expect("link");
        std::os::unix::fs::symlink("../secret.txt", library.join("secret.txt")).expect("link");
        std::os::unix::fs::symlink("images/thumb.png", library.join("inside.png")).expect("link");
        std::os::unix::fs::symlink("nowhere", library.join("broken")).expect("link");
        let boundary = Boundary::new(&library);
        assert_eq!(
            boundary.resolve(&library.join("etc")),
            Err(Refusal::Outside)
        );
        assert_eq!(
            boundary.resolve(&library.join("etc/passwd")),
            Err(Refusal::Outside)
        );
        assert_eq!(
            boundary.resolve(&library.join("secret.txt")),
            Err(Refusal::Outside)
        );
        assert_eq!(
            boundary.resolve(&library.join("images/../../secret.txt")),
            Err(Refusal::Outside)
        );
        assert_eq!(
            boundary.resolve(&library.join("../nothing-here")),
            Err(Refusal::Outside)
        );
        assert_eq!(
            boundary.resolve(&library.join("broken")),
            Err(Refusal::Missing)
        );
        assert_eq!(
            boundary.resolve(&library.join("inside.png")),
            Ok(boundary.root().join("images/thumb.png"))
        );
        assert!(boundary.contains(&library.join("images")));
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_file_of_a_library_reached_through_a_link_is_missing_not_outside() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(tmp.path().join("content/images")).expect("mkdir");
        std::os::unix::fs::symlink("content", tmp.path().join("alias")).expect("link");
        let alias = tmp.path().join("alias");
        let boundary = Boundary::new(&alias);
        assert_eq!(
            boundary.resolve(&alias.join("images/absent.png")),
            Err(Refusal::Missing)
        );
        assert_eq!(
            boundary.resolve(&alias.join("images/../../absent.png")),
            Err(Refusal::Outside)
        );
    }
}
