//! Licence normalisation: free-text licences to SPDX identifiers where the
//! meaning is unambiguous. Part of the content stage.

/// What a licence string normalised to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Normalized {
    /// Already a valid SPDX id (or STAC's `proprietary` / `other`), in canonical case.
    Exact(String),
    /// Free text whose meaning is one SPDX id.
    Mapped(String),
    /// Nothing we can map; reported, and STAC gets `other`.
    Unknown,
}

/// SPDX identifiers that data and code libraries use, in canonical case.
const KNOWN: &[&str] = &[
    "CC-BY-4.0",
    "CC-BY-3.0",
    "CC-BY-2.0",
    "CC-BY-SA-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC0-1.0",
    "ODbL-1.0",
    "ODC-By-1.0",
    "PDDL-1.0",
    "OGL-UK-3.0",
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "MPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "LGPL-2.1-only",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "AGPL-3.0-only",
    "Unlicense",
    "proprietary",
    "other",
];

/// Deprecated SPDX ids and their replacements.
const DEPRECATED: &[(&str, &str)] = &[
    ("GPL-3.0", "GPL-3.0-only"),
    ("GPL-3.0+", "GPL-3.0-or-later"),
    ("GPL-2.0", "GPL-2.0-only"),
    ("LGPL-3.0", "LGPL-3.0-only"),
    ("AGPL-3.0", "AGPL-3.0-only"),
];

/// Normalises a licence as written.
#[must_use]
pub fn normalize(text: &str) -> Normalized {
    let trimmed = text.trim();
    if let Some(id) = KNOWN.iter().find(|id| id.eq_ignore_ascii_case(trimmed)) {
        return Normalized::Exact((*id).to_owned());
    }
    if let Some((_, id)) = DEPRECATED
        .iter()
        .find(|(old, _)| old.eq_ignore_ascii_case(trimmed))
    {
        return Normalized::Mapped((*id).to_owned());
    }
    map_free_text(trimmed).map_or(Normalized::Unknown, Normalized::Mapped)
}

/// The SPDX licence page for an id, when it is an SPDX licence.
#[must_use]
pub fn spdx_url(id: &str) -> Option<String> {
    (id != "proprietary" && id != "other").then(|| format!("https://spdx.org/licenses/{id}.html"))
}

fn map_free_text(text: &str) -> Option<String> {
    // Words only: "Creative Commons Attribution 4.0 (CC BY 4.0)" → "creative commons attribution 4 0 cc by 4 0".
    let words: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = words.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    let joined = words.join(" ");

    if joined.contains("apache") && (has("2") || joined.contains("2 0")) {
        return Some("Apache-2.0".into());
    }
    if joined == "mit" || joined == "mit license" {
        return Some("MIT".into());
    }
    if has("cc0") || joined.contains("creative commons zero") {
        return Some("CC0-1.0".into());
    }
    let creative_commons = joined.contains("creative commons") || has("cc") || has("ccby");
    if !creative_commons {
        return None;
    }
    // A licence without a stated version is ambiguous ("CC BY", "CC 4.0" lacks the terms).
    let version = ["4 0", "3 0", "2 0"]
        .into_iter()
        .find(|v| joined.contains(v))?;
    let attribution = has("attribution") || has("by") || has("ccby");
    if !attribution {
        return None;
    }
    let mut id = String::from("CC-BY");
    if has("noncommercial") || has("nc") {
        id.push_str("-NC");
    }
    if has("sharealike") || has("sa") {
        id.push_str("-SA");
    }
    if has("noderivatives") || has("noderivs") || has("nd") {
        id.push_str("-ND");
    }
    id.push('-');
    id.push_str(&version.replace(' ', "."));
    KNOWN.contains(&id.as_str()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_ids_keep_canonical_case() {
        assert_eq!(
            normalize("cc-by-4.0"),
            Normalized::Exact("CC-BY-4.0".into())
        );
        assert_eq!(
            normalize("Apache-2.0"),
            Normalized::Exact("Apache-2.0".into())
        );
        assert_eq!(
            normalize("proprietary"),
            Normalized::Exact("proprietary".into())
        );
    }

    #[test]
    fn free_text_from_real_feedstocks_maps() {
        for (text, id) in [
            ("Creative Commons Attribution 4.0 (CC BY 4.0)", "CC-BY-4.0"),
            (
                "Creative Commons Attribution 4.0 International (CC BY 4.0)",
                "CC-BY-4.0",
            ),
            ("CC BY 4.0", "CC-BY-4.0"),
            (
                "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International (CC BY-NC-ND 4.0)",
                "CC-BY-NC-ND-4.0",
            ),
            ("Apache Version 2.0", "Apache-2.0"),
            ("CC0", "CC0-1.0"),
            ("NASA Open Data - Creative Commons Zero (CC0)", "CC0-1.0"),
            ("GPL-3.0", "GPL-3.0-only"),
        ] {
            assert_eq!(normalize(text), Normalized::Mapped(id.into()), "{text}");
        }
    }

    #[test]
    fn ambiguous_or_unknown_text_is_not_guessed() {
        for text in [
            "CC BY",
            "CC 4.0",
            "Just a Test",
            "unknown",
            "No constraints on data access or use.",
            "https://doi.org/10.48670/moi-00168",
            "Open Data",
        ] {
            assert_eq!(normalize(text), Normalized::Unknown, "{text}");
        }
    }
}
