//! Query evaluation: every word of the query must match (as the same stem, as a prefix while
//! typing the last word, or within one or two typos), and documents are ranked by the sum of
//! the words' idf-weighted impacts.

use std::collections::BTreeMap;

use super::ExtentFilter;
use super::format::{DocSet, Facet, IndexEntry};
use super::stem::stem;
use super::terms::{Term, TermShard};
use super::text::{shard_key, words};

/// At most this many terms a prefix or a typo expands to (the most frequent are kept).
const MAX_EXPANSIONS: usize = 50;

/// How a term matched a query word; exact matches count most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The word's stem.
    Exact,
    /// A term that starts with the word (the last word, while typing).
    Prefix,
    /// A term within the allowed edit distance.
    Fuzzy,
}

impl MatchKind {
    fn weight(self) -> f32 {
        match self {
            Self::Exact => 1.0,
            Self::Prefix => 0.8,
            Self::Fuzzy => 0.5,
        }
    }
}

/// One word of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// The word, normalised.
    pub word: String,
    /// Its stem.
    pub stem: String,
    /// True when terms starting with the word match too (the last word, still being typed).
    pub prefix: bool,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The words, without repeats.
    pub words: Vec<QueryWord>,
}

impl Query {
    /// Parses what the user typed. The last word is a prefix unless it is followed by a space
    /// or is a single character.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let mut list: Vec<String> = Vec::new();
        for word in words(text) {
            if !list.contains(&word) {
                list.push(word);
            }
        }
        let typing = !text.ends_with(char::is_whitespace);
        let last = list.len().saturating_sub(1);
        let words = list
            .into_iter()
            .enumerate()
            .map(|(index, word)| QueryWord {
                stem: stem(&word),
                prefix: typing && index == last && word.chars().count() >= 2,
                word,
            })
            .collect();
        Self { words }
    }

    /// True when there is nothing to search for.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The files of the term shards this query needs, sorted and without repeats.
    #[must_use]
    pub fn shard_files<'e>(&self, entry: &'e IndexEntry) -> Vec<&'e str> {
        let mut files: Vec<&str> = self
            .shard_keys()
            .iter()
            .filter_map(|key| entry.shard_file(key))
            .collect();
        files.sort_unstable();
        files.dedup();
        files
    }

    /// The keys of the term shards this query needs, sorted and without repeats.
    #[must_use]
    pub fn shard_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .words
            .iter()
            .flat_map(|w| [shard_key(&w.stem).to_owned(), shard_key(&w.word).to_owned()])
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// The facet values and extents a search is limited to. Within a facet, any selected value
/// matches; across facets, all must.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Selected values per facet.
    pub facets: BTreeMap<Facet, Vec<String>>,
    /// Time range and region.
    pub extent: ExtentFilter,
}

impl Filters {
    /// True when nothing is selected.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.facets.values().all(Vec::is_empty) && self.extent.is_empty()
    }
}

/// One result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Document number.
    pub doc: u32,
    /// Score; higher is better.
    pub score: f32,
}

/// Evaluates queries over the term shards that have been loaded.
#[derive(Debug)]
pub struct Searcher<'a> {
    documents: u32,
    entry: &'a IndexEntry,
    shards: BTreeMap<&'a str, &'a TermShard>,
}

impl<'a> Searcher<'a> {
    /// A searcher for `entry` with the shards loaded so far, by file name (as the entry names
    /// them). Words whose shard is not given match nothing.
    #[must_use]
    pub fn new(
        entry: &'a IndexEntry,
        shards: impl IntoIterator<Item = (&'a str, &'a TermShard)>,
    ) -> Self {
        let by_file: BTreeMap<&'a str, &'a TermShard> = shards.into_iter().collect();
        Self {
            documents: entry.documents,
            entry,
            shards: by_file,
        }
    }

    fn shard(&self, text: &str) -> Option<&'a TermShard> {
        let file = self.entry.shard_file(shard_key(text))?;
        self.shards.get(file).copied()
    }

    /// The terms `word` matches, with how.
    fn expand(&self, word: &QueryWord) -> Vec<(&'a Term, MatchKind)> {
        let mut found: Vec<(&'a Term, MatchKind)> = Vec::new();
        let shard = |text: &str| self.shard(text);
        for text in [&word.stem, &word.word] {
            if let Some(term) = shard(text).and_then(|s| s.get(text))
                && !found.iter().any(|(t, _)| std::ptr::eq(*t, term))
            {
                found.push((term, MatchKind::Exact));
            }
        }
        if word.prefix {
            let mut prefixed: Vec<&'a Term> = Vec::new();
            for text in [&word.word, &word.stem] {
                if let Some(shard) = shard(text) {
                    prefixed.extend(shard.with_prefix(text));
                }
            }
            prefixed.retain(|term| !found.iter().any(|(t, _)| std::ptr::eq(*t, *term)));
            prefixed.sort_by(|a, b| a.text.cmp(&b.text));
            prefixed.dedup_by(|a, b| a.text == b.text);
            keep_most_frequent(&mut prefixed);
            found.extend(prefixed.into_iter().map(|t| (t, MatchKind::Prefix)));
        }
        if found.is_empty() {
            let allowed = match word.stem.chars().count() {
                0..=3 => 0,
                4..=7 => 1,
                _ => 2,
            };
            if allowed > 0
                && let Some(shard) = shard(&word.stem)
            {
                let mut close: Vec<&'a Term> = shard
                    .terms
                    .iter()
                    .filter(|term| {
                        within_distance(&word.stem, &term.text, allowed)
                            || typo_of_stemmed(&word.word, &term.text, 1)
                    })
                    .collect();
                keep_most_frequent(&mut close);
                found.extend(close.into_iter().map(|t| (t, MatchKind::Fuzzy)));
            }
        }
        found
    }

    /// The documents matching every word of `query`, best first (ties by document number).
    /// Returns `None` for an empty query, which matches every document unranked.
    #[must_use]
    pub fn search(&self, query: &Query) -> Option<Vec<Hit>> {
        if query.is_empty() {
            return None;
        }
        let n = self.documents as f32;
        let size = self.documents as usize;
        // Dense arrays by document: far faster than maps for the postings of common words.
        let mut total = vec![0.0f32; size];
        let mut matched_words = vec![0usize; size];
        let mut best = vec![0.0f32; size];
        let mut touched: Vec<usize> = Vec::new();
        for (index, word) in query.words.iter().enumerate() {
            touched.clear();
            for (term, kind) in self.expand(word) {
                let df = term.postings.len() as f32;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                for posting in &term.postings {
                    let doc = posting.doc as usize;
                    if doc >= size || matched_words[doc] != index {
                        continue;
                    }
                    let score = kind.weight() * idf * f32::from(posting.impact) / 255.0;
                    if best[doc] == 0.0 {
                        touched.push(doc);
                    }
                    best[doc] = best[doc].max(score);
                }
            }
            for &doc in &touched {
                matched_words[doc] += 1;
                total[doc] += best[doc];
                best[doc] = 0.0;
            }
        }
        let words = query.words.len();
        let mut hits: Vec<Hit> = (0..self.documents)
            .zip(total)
            .filter(|&(doc, _)| matched_words[doc as usize] == words)
            .map(|(doc, score)| Hit { doc, score })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        Some(hits)
    }

    /// [`Searcher::search`], keeping only documents in `allowed`; an empty query lists every
    /// allowed document in order.
    #[must_use]
    pub fn search_within(&self, query: &Query, allowed: &DocSet) -> Vec<Hit> {
        match self.search(query) {
            Some(hits) => hits
                .into_iter()
                .filter(|hit| allowed.contains(hit.doc))
                .collect(),
            None => allowed.iter().map(|doc| Hit { doc, score: 0.0 }).collect(),
        }
    }
}

fn keep_most_frequent(terms: &mut Vec<&Term>) {
    if terms.len() > MAX_EXPANSIONS {
        terms.sort_by(|a, b| {
            b.postings
                .len()
                .cmp(&a.postings.len())
                .then(a.text.cmp(&b.text))
        });
        terms.truncate(MAX_EXPANSIONS);
    }
}

/// Longest word ending that stemming may cut (`ation`, `ing`) and a typo may hide from it.
const MAX_CUT_SUFFIX: usize = 5;

/// True when a start of `word` is within `limit` edits of the stem `term` and the rest is short
/// enough to be an ending the stemmer would cut: "precipitaton" is a typo of a word whose stem
/// is "precipit", though its own stem is not near it.
fn typo_of_stemmed(word: &str, term: &str, limit: usize) -> bool {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let term_len = term.chars().count();
    (term_len..=term_len + limit)
        .filter(|&k| k < chars.len() && chars.len() - k <= MAX_CUT_SUFFIX)
        .any(|k| within_distance(&word[..chars[k].0], term, limit))
}

/// True when `a` and `b` are at most `limit` edits apart (Levenshtein, over characters).
fn within_distance(a: &str, b: &str, limit: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, &y) in b.iter().enumerate() {
            let cost = usize::from(x != y);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return false;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()] <= limit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Posting, ShardRef};

    fn index() -> (IndexEntry, BTreeMap<String, TermShard>) {
        // doc 0: title "sea surface temperature"; doc 1: description mentions temperatures;
        // doc 2: "precipitation", doc 3: "temporal".
        let postings = |list: &[(u32, u8)]| {
            list.iter()
                .map(|&(doc, impact)| Posting { doc, impact })
                .collect()
        };
        let term = |text: &str, list: &[(u32, u8)]| Term {
            text: text.into(),
            postings: postings(list),
        };
        let mut shards: BTreeMap<String, TermShard> = BTreeMap::new();
        let mut add = |t: Term| {
            shards
                .entry(shard_key(&t.text).to_owned())
                .or_default()
                .terms
                .push(t);
        };
        add(term("sea", &[(0, 240)]));
        add(term("surfac", &[(0, 240)]));
        add(term("temperatur", &[(0, 240), (1, 90)]));
        add(term("tempor", &[(3, 200)]));
        add(term("precipit", &[(2, 240)]));
        let entry = IndexEntry {
            version: 1,
            documents: 4,
            shards: shards
                .keys()
                .map(|key| ShardRef {
                    key: key.clone(),
                    file: format!("{key}.bin"),
                })
                .collect(),
            facets: Vec::new(),
            extents: None,
            fragments: "docs/x/".into(),
        };
        (entry, shards)
    }

    fn docs(text: &str) -> Vec<u32> {
        let (entry, shards) = index();
        let files: BTreeMap<String, &TermShard> = shards
            .iter()
            .map(|(key, shard)| (format!("{key}.bin"), shard))
            .collect();
        let searcher = Searcher::new(&entry, files.iter().map(|(f, s)| (f.as_str(), *s)));
        searcher
            .search(&Query::parse(text))
            .unwrap_or_default()
            .iter()
            .map(|hit| hit.doc)
            .collect()
    }

    #[test]
    fn stems_match_and_rank_by_impact() {
        assert_eq!(docs("temperatures "), [0, 1]);
        assert_eq!(docs("Temperature sea "), [0]);
    }

    #[test]
    fn the_last_word_is_a_prefix() {
        // "tempor" is rarer than "temperatur", so it ranks first.
        assert_eq!(docs("tem"), [3, 0, 1]);
        assert_eq!(docs("tem "), Vec::<u32>::new());
        assert_eq!(docs("sea surf"), [0]);
    }

    #[test]
    fn typos_are_tolerated() {
        assert_eq!(docs("temprature "), [0, 1]);
        assert_eq!(docs("precipitaton "), [2]);
        assert!(docs("xyz ").is_empty());
    }

    #[test]
    fn shard_keys_cover_word_and_stem() {
        assert_eq!(Query::parse("Temperatures sea").shard_keys(), ["se", "te"]);
        assert!(Query::parse("  ").is_empty());
    }

    #[test]
    fn edit_distance() {
        assert!(within_distance("temperatur", "temperatur", 0));
        assert!(within_distance("tempratur", "temperatur", 1));
        assert!(!within_distance("tmpratur", "temperatur", 1));
        assert!(within_distance("tmpratur", "temperatur", 2));
        assert!(!within_distance("abc", "abcdef", 2));
    }
}
