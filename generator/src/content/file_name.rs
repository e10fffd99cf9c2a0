//! Ids as file and folder names (content stage, used again by resolve): which ids cannot
//! be one path segment of the output, which name a file Almanac writes itself, and when two
//! ids land on the same file on a case-insensitive or normalising file system.

use std::fmt;

/// Longest id, in bytes: with `.json` and the like it must stay a valid file name (255).
pub const MAX_ID_BYTES: usize = 200;

/// Names Windows keeps for devices, with or without an extension.
const DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why an id cannot be a file or folder name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The id is empty (e.g. a name that slugs to nothing, `@article{,}`).
    Empty,
    /// The id is not one plain path segment; the text says why.
    Unsafe(&'static str),
    /// The id is (on a case-insensitive file system) a name Almanac writes in the same folder.
    Reserved(&'static str),
}

impl Problem {
    /// The diagnostic code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty-id",
            Self::Unsafe(_) => "unsafe-id",
            Self::Reserved(_) => "reserved-id",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("is empty"),
            Self::Unsafe(why) => f.write_str(why),
            Self::Reserved(name) => write!(f, "names `{name}`, which Almanac writes itself"),
        }
    }
}

/// The id as it is safe to show in a message: control characters escaped, at most 80 chars.
#[must_use]
pub fn shown(id: &str) -> String {
    let escaped: String = id.escape_debug().collect();
    if escaped.chars().count() > 80 {
        let head: String = escaped.chars().take(80).collect();
        format!("{head}…")
    } else {
        escaped
    }
}

/// Two ids as [`shown`], in full with every character outside ASCII as `\u{…}` when they
/// would otherwise look alike (NFC and NFD `café`, `ﬁsh` and `fish`, or both shortened to
/// the same first 80 characters).
#[must_use]
pub fn shown_apart(a: &str, b: &str) -> (String, String) {
    let (x, y) = (shown(a), shown(b));
    let nfkc = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc();
    if x != y && nfkc.normalize(&x) != nfkc.normalize(&y) {
        return (x, y);
    }
    let escape = |id: &str| -> String {
        id.chars()
            .map(|c| {
                if c.is_ascii() {
                    c.escape_debug().collect()
                } else {
                    c.escape_unicode().collect::<String>()
                }
            })
            .collect()
    };
    (escape(a), escape(b))
}

/// Why `id` cannot be a file name in a folder where Almanac also writes `reserved` (names;
/// one ending in `.*` stands for every name with that stem and an extension), if it cannot.
#[must_use]
pub fn problem(id: &str, reserved: &[&'static str]) -> Option<Problem> {
    if id.is_empty() {
        return Some(Problem::Empty);
    }
    if let Some(why) = unsafe_reason(id) {
        return Some(Problem::Unsafe(why));
    }
    let key = disk_key(id);
    reserved
        .iter()
        .copied()
        .find(|name| match name.strip_suffix(".*") {
            Some(stem) => key == stem || key.strip_prefix(stem).is_some_and(|r| r.starts_with('.')),
            None => key == disk_key(name),
        })
        .map(Problem::Reserved)
}

/// Why `id` is not one plain path segment on every platform, if it is not.
#[must_use]
pub fn unsafe_reason(id: &str) -> Option<&'static str> {
    if id == "." || id == ".." {
        return Some("is `.` or `..`, a folder above or the folder itself");
    }
    if id.contains('\0') {
        return Some("holds a NUL character");
    }
    if id.contains('/') {
        return Some("holds `/`, a folder separator");
    }
    if id.contains('\\') {
        return Some("holds `\\`, a folder separator on Windows");
    }
    if id.chars().any(char::is_control) {
        return Some("holds a control character");
    }
    if id.contains(':') {
        return Some("holds `:`, a drive or stream separator on Windows");
    }
    if id.len() > MAX_ID_BYTES {
        return Some("is longer than 200 bytes, too long for a file name");
    }
    if id.starts_with('.') {
        return Some("starts with `.`, a hidden file");
    }
    if id.trim() != id || id.ends_with('.') {
        return Some("starts or ends with a space, or ends with `.`, which Windows drops");
    }
    let stem = id.split('.').next().unwrap_or(id).to_ascii_lowercase();
    if DEVICE_NAMES.contains(&stem.as_str()) {
        return Some("is a device name on Windows (CON, NUL, COM1, …)");
    }
    None
}

/// The name a case-insensitive, normalising file system (macOS, Windows) stores `id`
/// under: NFC, lower case.
#[must_use]
pub fn disk_key(id: &str) -> String {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    nfc.normalize(&nfc.normalize(id).to_lowercase())
        .into_owned()
}

/// What two ids must not share: their NFKC, lower-case form with every run of other
/// characters than letters and digits read as one `-` (so `Sea_Ice`, `sea-ice`, `ｓｅａ－ｉｃｅ`
/// and `sea.ice.` are the same). Ids equal on disk on any file system share it.
#[must_use]
pub fn collision_key(id: &str) -> String {
    let nfkc = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc();
    let folded = nfkc
        .normalize(&nfkc.normalize(id).to_lowercase())
        .into_owned();
    let mut key = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('-') {
            key.push('-');
        }
    }
    let trimmed = key.trim_matches('-');
    if trimmed.is_empty() {
        // Only punctuation: compare the punctuation itself.
        folded
    } else {
        trimmed.to_owned()
    }
}

/// Why two ids with the same [`collision_key`] collide, for a diagnostic.
#[must_use]
pub fn collision_reason(a: &str, b: &str) -> &'static str {
    if disk_key(a) == disk_key(b) {
        "are one file name on case-insensitive or normalising file systems (macOS, Windows)"
    } else {
        "differ only in punctuation or Unicode compatibility forms (NFKC), so links and readers mistake one for the other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &[&str] = &["index.html", "page", "tags", "thumbnail.*"];

    #[test]
    fn plain_ids_pass() {
        for id in [
            "sea-ice-extent",
            "smith-2021",
            "cmip6.ssp585",
            "Été",
            "tags-2",
            "pages",
            "thumbnails",
        ] {
            assert_eq!(problem(id, LIST), None, "{id}");
        }
    }

    #[test]
    fn path_like_ids_are_unsafe() {
        for id in [
            "../../../NAME",
            "a/b",
            "/etc/passwd",
            "a\\b",
            "..",
            ".",
            "nul\0byte",
            "bell\u{7}",
            "esc\u{1b}[31m",
            "C:",
            "c:\\windows",
            ".hidden",
            "trailing.",
            " padded",
            "CON",
            "nul.json",
        ] {
            assert!(
                matches!(problem(id, LIST), Some(Problem::Unsafe(_))),
                "{id:?}: {:?}",
                problem(id, LIST)
            );
        }
        assert_eq!(
            problem(&"a".repeat(MAX_ID_BYTES + 1), LIST).map(|p| p.code()),
            Some("unsafe-id")
        );
        assert_eq!(problem("", LIST), Some(Problem::Empty));
    }

    #[test]
    fn reserved_names_in_any_case() {
        assert_eq!(
            problem("index.html", LIST),
            Some(Problem::Reserved("index.html"))
        );
        assert_eq!(
            problem("INDEX.HTML", LIST),
            Some(Problem::Reserved("index.html"))
        );
        assert_eq!(problem("Page", LIST), Some(Problem::Reserved("page")));
        assert_eq!(
            problem("thumbnail", LIST),
            Some(Problem::Reserved("thumbnail.*"))
        );
        assert_eq!(
            problem("thumbnail.svg", LIST),
            Some(Problem::Reserved("thumbnail.*"))
        );
        assert_eq!(problem("thumbnailer", LIST), None);
    }

    #[test]
    fn keys_fold_case_punctuation_and_normalisation() {
        assert_eq!(disk_key("Sea-Ice"), disk_key("sea-ice"));
        // NFC "é" and NFD "e" + combining acute are one name on macOS.
        assert_eq!(disk_key("caf\u{e9}"), disk_key("cafe\u{301}"));
        assert_ne!(disk_key("sea_ice"), disk_key("sea-ice"));
        assert_eq!(collision_key("Sea_Ice"), collision_key("sea-ice"));
        assert_eq!(collision_key("sea.ice."), collision_key("sea-ice"));
        // Fullwidth letters are NFKC-equal to ASCII.
        assert_eq!(collision_key("ｓｅａ－ｉｃｅ"), collision_key("sea-ice"));
        assert_eq!(collision_key("ﬁsh"), collision_key("fish"));
        assert_ne!(collision_key("sea-ice"), collision_key("sea-ice-2"));
        assert_ne!(collision_key("!!"), collision_key("??"));
    }

    #[test]
    fn look_alikes_are_shown_apart() {
        let (nfc, nfd) = shown_apart("caf\u{e9}", "cafe\u{301}");
        assert_ne!(nfc, nfd);
        assert_eq!((nfc.as_str(), nfd.as_str()), ("caf\\u{e9}", "cafe\\u{301}"));
        assert_eq!(shown_apart("ﬁsh", "fish").0, "\\u{fb01}sh");
        // Shortened to the same 80 characters: shown in full, escaped.
        let long_a = format!("{}a", "x".repeat(90));
        let long_b = format!("{}b", "x".repeat(90));
        let (a, b) = shown_apart(&long_a, &long_b);
        assert!(a.ends_with('a') && b.ends_with('b'), "{a} {b}");
        assert_eq!(
            shown_apart("Ada", "ada"),
            ("Ada".to_owned(), "ada".to_owned())
        );
    }

    #[test]
    fn collisions_say_why() {
        assert!(collision_reason("Sea-Ice", "sea-ice").contains("file systems"));
        assert!(collision_reason("caf\u{e9}", "cafe\u{301}").contains("file systems"));
        assert!(collision_reason("sea_ice", "sea-ice").contains("punctuation"));
        assert!(collision_reason("ﬁsh", "fish").contains("NFKC"));
    }

    #[test]
    fn shown_escapes_and_shortens() {
        assert_eq!(shown("a\0b\n"), "a\\0b\\n");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 81);
    }
}
