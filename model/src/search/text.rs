//! Text analysis shared by the index builder and the query: lower-casing, splitting into
//! words, stemming, and the shard a term belongs to.

use super::stem::stem;

/// Lower-cases `text` and folds the common Latin accents, so that "Température" and
/// "temperature" are the same word.
#[must_use]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        out.push(fold_accent(c));
    }
    out
}

/// A lower-case Latin letter with its accent dropped (`é` → `e`); other characters as they
/// are. Shared with the generator's name matching.
#[must_use]
pub fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// The words of `text`, normalised, in order: runs of letters, digits and underscores. A word
/// with underscores (a CF standard name such as `sea_surface_temperature`) is given whole and
/// then part by part, so both the name and its words find it.
#[must_use]
pub fn words(text: &str) -> Vec<String> {
    let normalized = normalize(text);
    let mut out = Vec::new();
    for word in normalized
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map(|word| word.trim_matches('_'))
        .filter(|word| !word.is_empty())
    {
        out.push(word.to_owned());
        if word.contains('_') {
            out.extend(
                word.split('_')
                    .filter(|part| !part.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    out
}

/// The index terms of `text`: its words (see `words`), each stemmed.
#[must_use]
pub fn tokens(text: &str) -> Vec<String> {
    words(text).iter().map(|word| stem(word)).collect()
}

/// The shard a term (or a prefix of at least two characters) is stored in: its first two
/// characters.
#[must_use]
pub fn shard_key(term: &str) -> &str {
    match term.char_indices().nth(2) {
        Some((at, _)) => &term[..at],
        None => term,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_lowered_and_folded() {
        assert_eq!(
            words("Sea-Surface Température (OSTIA), v2.0"),
            ["sea", "surface", "temperature", "ostia", "v2", "0"]
        );
    }

    #[test]
    fn standard_names_are_whole_and_in_parts() {
        assert_eq!(
            words("sea_surface_temperature"),
            ["sea_surface_temperature", "sea", "surface", "temperature"]
        );
        assert_eq!(tokens("_air_ temperatures"), ["air", "temperatur"]);
    }

    #[test]
    fn shard_keys_are_two_characters() {
        assert_eq!(shard_key("temperatur"), "te");
        assert_eq!(shard_key("t"), "t");
        assert_eq!(shard_key("éa"), "éa");
        assert_eq!(shard_key("été"), "ét");
    }
}
