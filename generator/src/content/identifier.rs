//! Persistent identifiers as people write them: ORCID iDs, DOIs, ROR ids,
//! GitHub handles. Normalised to their bare forms; the graph and pages add
//! the `https://` prefixes back.

/// What an ORCID as written normalised to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Orcid {
    /// A well-formed iD with a valid check digit, bare.
    Valid(String),
    /// Well-formed, but the check digit is wrong.
    BadChecksum(String),
    /// Not an ORCID.
    Malformed,
}

/// Normalises an ORCID written bare, as `https://orcid.org/…` or `orcid.org/…`.
#[must_use]
pub fn orcid(text: &str) -> Orcid {
    let text = text.trim();
    let bare = [
        "https://orcid.org/",
        "http://orcid.org/",
        "orcid.org/",
        "https://www.orcid.org/",
    ]
    .iter()
    .find_map(|prefix| text.strip_prefix(prefix))
    .unwrap_or(text)
    .trim_end_matches('/');
    let digits: Vec<char> = bare.chars().filter(|c| *c != '-').collect();
    let shape_ok = bare.len() == 19
        && bare.chars().enumerate().all(|(i, c)| {
            if matches!(i, 4 | 9 | 14) {
                c == '-'
            } else if i == 18 {
                c.is_ascii_digit() || c == 'X' || c == 'x'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok || digits.len() != 16 {
        return Orcid::Malformed;
    }
    let canonical = bare.to_uppercase();
    // ISO 7064 MOD 11-2 over the first 15 digits.
    let mut total: u32 = 0;
    for c in &digits[..15] {
        total = (total + c.to_digit(10).unwrap_or(0)) * 2;
    }
    let check = (12 - total % 11) % 11;
    let expected = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).unwrap_or('0')
    };
    if digits[15].to_ascii_uppercase() == expected {
        Orcid::Valid(canonical)
    } else {
        Orcid::BadChecksum(canonical)
    }
}

/// A bare DOI (`10.1029/2021MS002477`) from `doi:…`, `https://doi.org/…` or bare text.
#[must_use]
pub fn doi(text: &str) -> Option<String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let prefixes = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi.org/",
        "doi:",
    ];
    let bare = prefixes
        .iter()
        .find(|prefix| lower.starts_with(*prefix))
        .map_or(text, |prefix| text[prefix.len()..].trim());
    let (prefix, suffix) = bare.split_once('/')?;
    let registrant_ok =
        prefix.starts_with("10.") && prefix[3..].chars().all(|c| c.is_ascii_digit() || c == '.');
    (registrant_ok && !suffix.is_empty() && !bare.contains(char::is_whitespace))
        .then(|| bare.to_owned())
}

/// A bare ROR id (`00hj8s172`) from bare text or `https://ror.org/…`.
#[must_use]
pub fn ror(text: &str) -> Option<String> {
    let bare = text
        .trim()
        .trim_start_matches("https://ror.org/")
        .trim_start_matches("ror.org/");
    (bare.len() == 9 && bare.starts_with('0') && bare.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| bare.to_ascii_lowercase())
}

/// A GitHub handle from `handle`, `@handle` or `https://github.com/handle`.
#[must_use]
pub fn github(text: &str) -> Option<String> {
    let bare = text
        .trim()
        .trim_start_matches("https://github.com/")
        .trim_start_matches("http://github.com/")
        .trim_start_matches('@')
        .trim_end_matches('/');
    let ok = !bare.is_empty()
        && bare.len() <= 39
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !bare.starts_with('-');
    ok.then(|| bare.to_owned())
}

/// True for text shaped like an entity id: lower-case letters, digits, `-`, `_`, `.`.
#[must_use]
pub fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Derives an id from a name: `Julius J. M. Busecke` → `julius-j-m-busecke`.
#[must_use]
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = almanac_model::search::fold_accent(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcids_with_and_without_prefix() {
        assert_eq!(
            orcid("0000-0001-8571-865X"),
            Orcid::Valid("0000-0001-8571-865X".into())
        );
        assert_eq!(
            orcid("https://orcid.org/0000-0002-4078-0852"),
            Orcid::Valid("0000-0002-4078-0852".into())
        );
        assert_eq!(
            orcid("0000-0001-8571-8651"),
            Orcid::BadChecksum("0000-0001-8571-8651".into())
        );
        assert_eq!(orcid("jbusecke"), Orcid::Malformed);
    }

    #[test]
    fn dois_in_every_spelling() {
        assert_eq!(
            doi("https://doi.org/10.1029/2021MS002477").as_deref(),
            Some("10.1029/2021MS002477")
        );
        assert_eq!(
            doi("doi:10.5281/zenodo.1").as_deref(),
            Some("10.5281/zenodo.1")
        );
        assert_eq!(
            doi("10.48550/arXiv.2306.08754").as_deref(),
            Some("10.48550/arXiv.2306.08754")
        );
        assert_eq!(doi("https://zenodo.org/badge/latestdoi/618127503"), None);
        assert_eq!(doi("climsim"), None);
    }

    #[test]
    fn slugs_and_handles() {
        assert_eq!(slug("Julius J. M. Busecke"), "julius-j-m-busecke");
        assert_eq!(slug("Aurélien Ponte"), "aurelien-ponte");
        assert_eq!(
            github("https://github.com/jbusecke").as_deref(),
            Some("jbusecke")
        );
        assert_eq!(
            ror("https://ror.org/00hj8s172").as_deref(),
            Some("00hj8s172")
        );
        assert!(is_id("ostia-monthly-sst"));
        assert!(!is_id("Laure Zanna"));
    }
}
