//! The walk's side of the library boundary: folder entries and files that resolve (links
//! followed) outside the library folder are refused with one diagnostic each, naming the entry
//! and never where it leads, and are neither read nor walked.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Paths, sorted_entries};
use crate::content::boundary::Refusal;
use crate::diagnostics::{Diagnostics, Location};

/// The entries of `dir` that stay inside the library folder, sorted; each one that leaves it
/// (a symbolic link to `/etc`, say) is an error and is neither read nor walked.
pub(super) fn entries(
    dir: &Path,
    paths: &Paths<'_>,
    diagnostics: &mut Diagnostics,
) -> Vec<PathBuf> {
    let mut kept = sorted_entries(dir);
    kept.retain(|entry| {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        hidden || inside(entry, paths, diagnostics)
    });
    kept
}

/// Whether `path` resolves inside the library folder; when not, says so without saying
/// where it leads (the target is outside the library and none of its business).
pub(super) fn inside(path: &Path, paths: &Paths<'_>, diagnostics: &mut Diagnostics) -> bool {
    let display = paths.display(path);
    match paths.boundary.resolve(path) {
        Ok(_) => true,
        Err(Refusal::Outside) => {
            let what = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                "a symbolic link that leads outside the library folder"
            } else {
                "outside the library folder"
            };
            diagnostics
                .error(
                    "outside-library",
                    Location::file(display),
                    format!("this is {what}; it is not read"),
                )
                .help = Some(
                "content is read only from inside the library folder: copy the file in instead of linking to it"
                    .into(),
            );
            false
        }
        Err(Refusal::Missing) => {
            diagnostics.warning(
                "unreadable-file",
                Location::file(display),
                "this is a symbolic link that leads nowhere; it is not read",
            );
            false
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::super::load;
    use super::*;
    use crate::diagnostics::Severity;

    #[test]
    fn links_leading_outside_are_refused_unread_and_unwalked() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("content");
        fs::create_dir_all(root.join("people")).expect("mkdir");
        fs::create_dir_all(root.join("papers/bundle")).expect("mkdir");
        fs::write(
            tmp.path().join("secret.md"),
            "---\ntitle: root:x:0:0\n---\n",
        )
        .expect("write");
        std::os::unix::fs::symlink("/etc", root.join("people/grace")).expect("link");
        std::os::unix::fs::symlink("/etc", root.join("organizations")).expect("link");
        std::os::unix::fs::symlink("../../secret.md", root.join("papers/secret.md")).expect("link");
        std::os::unix::fs::symlink("../../../secret.md", root.join("papers/bundle/index.md"))
            .expect("link");
        fs::write(
            root.join("people/ada.md"),
            "---\nname: Ada Example\n---\nInside the library.\n",
        )
        .expect("write");
        std::os::unix::fs::symlink("ada.md", root.join("people/ada-link.md")).expect("link");
        let mut diagnostics = Diagnostics::new();
        let loaded = load(&root, "content", &mut diagnostics);
        let mut refused: Vec<String> = diagnostics
            .items()
            .iter()
            .filter(|d| d.code == "outside-library" && d.severity == Severity::Error)
            .map(|d| d.location.file.clone())
            .collect();
        refused.sort();
        assert_eq!(
            refused,
            [
                "content/organizations",
                "content/papers/bundle/index.md",
                "content/papers/secret.md",
                "content/people/grace",
            ]
        );
        assert_eq!(
            diagnostics.count(Severity::Note),
            0,
            "{}",
            diagnostics.to_text(true)
        );
        assert!(!diagnostics.to_text(true).contains("root:x"));
        assert!(loaded.papers.is_empty());
        // A link that stays inside the library is read like the file it leads to.
        assert_eq!(loaded.people.len(), 2, "{}", diagnostics.to_text(true));
    }
}
