//! Diagnostics: problems in authored content, collected over the whole build.
//!
//! Content problems are never `Err`: every stage pushes them into one
//! [`Diagnostics`] list and carries on. The list prints compiler-style
//! (`file:line:col: error[code]: message` + a help line) or as JSON for CI.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Content is wrong: the build exits 1.
    Error,
    /// Content is probably not what the author meant; the build goes on.
    Warning,
    /// Something worth knowing, such as a field kept but not understood.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        })
    }
}

/// The code of a content file's JSON Schema violation.
const SCHEMA: &str = "schema";

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Position {
    /// Line, 1-based.
    pub line: usize,
    /// Column in characters, 1-based.
    pub column: usize,
}

impl Position {
    /// A position at `line`, `column`.
    #[must_use]
    pub const fn new(line: usize, column: usize) -> Self {
        Self { line, column }
    }
}

/// Where a diagnostic points: a file (relative to the project when possible)
/// or a store URL with a key, plus an optional position.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// File path or store URL.
    pub file: String,
    /// Line and column, when known.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl Location {
    /// A whole file, no position.
    #[must_use]
    pub fn file(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            position: None,
        }
    }

    /// A position in a file.
    #[must_use]
    pub fn at(file: impl Into<String>, position: Position) -> Self {
        Self {
            file: file.into(),
            position: Some(position),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(Position { line, column }) => write!(f, "{}:{line}:{column}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// One problem found in content or stores.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// Where it is.
    #[serde(flatten)]
    pub location: Location,
    /// How bad it is.
    pub severity: Severity,
    /// A stable, kebab-case code, documented in `docs/diagnostics.md`.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Where the value this diagnostic is about starts, when that is not `location` (a schema
    /// violation points at the key): lets a restatement of another diagnostic be found.
    #[serde(skip)]
    pub subject: Option<Position>,
}

impl Diagnostic {
    /// A new diagnostic without help text.
    #[must_use]
    pub fn new(
        severity: Severity,
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Self {
            location,
            severity,
            code,
            message: message.into(),
            help: None,
            subject: None,
        }
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.location, self.severity, self.code, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// The diagnostics of one build, in the order found until [`Diagnostics::sort`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error.
    pub fn error(
        &mut self,
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.add(Severity::Error, code, location, message)
    }

    /// Adds a warning.
    pub fn warning(
        &mut self,
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.add(Severity::Warning, code, location, message)
    }

    /// Adds a note.
    pub fn note(
        &mut self,
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.add(Severity::Note, code, location, message)
    }

    fn add(
        &mut self,
        severity: Severity,
        code: &'static str,
        location: Location,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let mut diagnostic = Diagnostic::new(severity, code, location, message);
        // Messages may quote what they are about (a BibTeX line, a URL): never a credential.
        scrub(&mut diagnostic.message);
        scrub(&mut diagnostic.location.file);
        self.items.push(diagnostic);
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// Moves every diagnostic of `other` into this list.
    pub fn extend(&mut self, other: Self) {
        self.items.extend(other.items);
    }

    /// Sorts by file, position, severity and code, and removes exact duplicates,
    /// so that output does not depend on the order stages ran in.
    pub fn sort(&mut self) {
        for diagnostic in &mut self.items {
            scrub(&mut diagnostic.message);
            if let Some(help) = &mut diagnostic.help {
                scrub(help);
            }
        }
        self.items.sort();
        self.items.dedup();
        self.drop_restated_schema_errors();
    }

    /// One problem, one diagnostic: a `schema` violation on a line where a more specific check
    /// reported an error of its own (`malformed-orcid` for an ORCID that fails the pattern) says
    /// the same thing twice, so only the specific one stays.
    fn drop_restated_schema_errors(&mut self) {
        let specific: std::collections::BTreeSet<(String, usize)> = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error && d.code != SCHEMA)
            .filter_map(|d| Some((d.location.file.clone(), d.location.position?.line)))
            .collect();
        self.items.retain(|d| {
            if d.code != SCHEMA {
                return true;
            }
            let lines = [d.location.position, d.subject];
            !lines
                .iter()
                .flatten()
                .any(|p| specific.contains(&(d.location.file.clone(), p.line)))
        });
    }

    /// All diagnostics.
    #[must_use]
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Number of diagnostics of `severity`.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// True when there is at least one error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// True when the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Compiler-style text, one diagnostic per paragraph, notes only when `verbose`.
    #[must_use]
    pub fn to_text(&self, verbose: bool) -> String {
        let mut out = String::new();
        for diagnostic in &self.items {
            if diagnostic.severity == Severity::Note && !verbose {
                continue;
            }
            let _ = writeln!(out, "{diagnostic}");
        }
        out
    }

    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`), one
    /// per line, so that a check on a pull request marks the lines it is about. Notes become
    /// `::notice` only when `verbose`.
    #[must_use]
    pub fn to_github(&self, verbose: bool) -> String {
        // https://docs.github.com/actions/reference/workflow-commands-for-github-actions:
        // `%`, CR and LF are escaped in the message, and also `:` and `,` in properties.
        let data = |text: &str| {
            text.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        };
        let property = |text: &str| data(text).replace(':', "%3A").replace(',', "%2C");
        let mut out = String::new();
        for diagnostic in &self.items {
            let level = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note if verbose => "notice",
                Severity::Note => continue,
            };
            let mut properties = format!("file={}", property(&diagnostic.location.file));
            if let Some(position) = diagnostic.location.position {
                let _ = write!(
                    properties,
                    ",line={},col={}",
                    position.line, position.column
                );
            }
            let _ = write!(properties, ",title={}", property(diagnostic.code));
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let _ = writeln!(out, "::{level} {properties}::{}", data(&message));
        }
        out
    }

    /// The JSON array that `--format json` prints.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.items).unwrap_or_else(|_| String::from("[]"))
    }

    /// A one-line summary such as `2 errors, 5 warnings`.
    #[must_use]
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}, {}",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Note), "note")
        )
    }
}

/// How diagnostics show an entity's `source_file`: under the content folder's `label`
/// (`content/datasets/x/meta.yaml`), except a URL (a feedstock fetched by the sources stage),
/// which is shown as it is.
#[must_use]
pub fn source_shown(label: &str, source_file: &str) -> String {
    if label.is_empty() || source_file.contains("://") {
        source_file.to_owned()
    } else if source_file.is_empty() {
        label.to_owned()
    } else {
        format!("{}/{source_file}", label.trim_end_matches('/'))
    }
}

/// Displays `path` relative to `base` when it lies inside it, with `/` separators.
#[must_use]
pub fn display_path(path: &Path, base: &Path) -> String {
    let relative: PathBuf = path
        .strip_prefix(base)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
    // Join the platform's components with `/`: a `\` inside a file name (possible outside
    // Windows) stays as it is, so the path shown is the file's.
    let mut shown = String::new();
    for component in relative.components() {
        if component == std::path::Component::RootDir {
            shown.push('/');
            continue;
        }
        if !shown.is_empty() && !shown.ends_with('/') {
            shown.push('/');
        }
        shown.push_str(&component.as_os_str().to_string_lossy());
    }
    shown
}

/// `text` with the URLs in it that carry credentials in their public form, and the values of
/// secret parameters of partly quoted URLs replaced by `***`.
fn scrub(text: &mut String) {
    if let Some(public) = crate::credentials::public_text(text) {
        *text = public;
    }
    if let Some(redacted) = crate::credentials::redact_parameters(text) {
        *text = redacted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_compiler_style_with_help() {
        let mut diagnostics = Diagnostics::new();
        diagnostics
            .error(
                "unknown-reference",
                Location::at("content/papers/a.md", Position::new(7, 3)),
                "no dataset `x`",
            )
            .help = Some("known datasets: y".into());
        assert_eq!(
            diagnostics.to_text(false),
            "content/papers/a.md:7:3: error[unknown-reference]: no dataset `x`\n  = help: known datasets: y\n"
        );
        assert!(diagnostics.has_errors());
    }

    #[test]
    fn github_annotations_escape_what_would_end_a_property_or_a_line() {
        let mut diagnostics = Diagnostics::new();
        diagnostics
            .warning(
                "host-unreachable",
                Location::file("https://a.example/x,y.zarr"),
                "cannot reach it: 100% down\nreally",
            )
            .help = Some("try later".into());
        diagnostics.error(
            "schema",
            Location::at("content/papers/a.md", Position::new(7, 3)),
            "year: found \"twenty\"",
        );
        diagnostics.note("unknown-file", Location::file("x.txt"), "ignored");
        assert_eq!(
            diagnostics.to_github(false),
            "::warning file=https%3A//a.example/x%2Cy.zarr,title=host-unreachable::cannot reach it: 100%25 down%0Areally%0Ahelp: try later\n\
             ::error file=content/papers/a.md,line=7,col=3,title=schema::year: found \"twenty\"\n"
        );
        assert!(
            diagnostics
                .to_github(true)
                .contains("::notice file=x.txt,title=unknown-file::ignored")
        );
    }

    #[test]
    fn a_schema_error_restating_a_specific_one_is_dropped() {
        let mut list = Diagnostics::new();
        list.error(
            "schema",
            Location::at("p.md", Position::new(3, 1)),
            "pattern",
        );
        list.error(
            "malformed-orcid",
            Location::at("p.md", Position::new(3, 8)),
            "bad",
        );
        list.error(
            "schema",
            Location::at("p.md", Position::new(4, 1)),
            "other line",
        );
        list.error(
            "schema",
            Location::at("q.md", Position::new(3, 1)),
            "other file",
        );
        list.sort();
        let codes: Vec<String> = list
            .items()
            .iter()
            .map(|d| format!("{}:{}", d.location, d.code))
            .collect();
        assert_eq!(
            codes,
            [
                "p.md:3:8:malformed-orcid",
                "p.md:4:1:schema",
                "q.md:3:1:schema"
            ]
        );
    }

    #[test]
    fn sorts_and_dedups_and_hides_notes() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.warning("b", Location::file("b.yaml"), "late");
        diagnostics.note("n", Location::file("a.yaml"), "note");
        diagnostics.warning("b", Location::file("b.yaml"), "late");
        diagnostics.sort();
        assert_eq!(diagnostics.items().len(), 2);
        assert_eq!(diagnostics.items()[0].location.file, "a.yaml");
        assert_eq!(diagnostics.to_text(false), "b.yaml: warning[b]: late\n");
        assert_eq!(diagnostics.summary(), "0 errors, 1 warning, 1 note");
    }

    #[test]
    fn json_has_flat_location() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.error("x", Location::at("f", Position::new(1, 2)), "m");
        let value: serde_json::Value = serde_json::from_str(&diagnostics.to_json()).expect("json");
        assert_eq!(value[0]["file"], "f");
        assert_eq!(value[0]["line"], 1);
        assert_eq!(value[0]["column"], 2);
        assert_eq!(value[0]["severity"], "error");
    }

    #[test]
    fn paths_are_shown_as_they_are() {
        let base = Path::new("/lib");
        assert_eq!(
            display_path(Path::new("/lib/content/papers/a.md"), base),
            "content/papers/a.md"
        );
        // A backslash in a file name is part of the name, not a separator.
        assert_eq!(
            display_path(Path::new("/lib/content/up\\..\\x"), base),
            if cfg!(windows) {
                "content/up/../x"
            } else {
                "content/up\\..\\x"
            }
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/a"), base),
            "/elsewhere/a"
        );
    }
}
