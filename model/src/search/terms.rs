//! Term shards: the terms of a range of shard keys with their postings, and the cards of
//! their terms' best documents. [`TermShard::encode`] and [`TermShard::decode`] are the only
//! writer and reader of the format.

use super::codec::{DecodeError, Reader, Writer};
use super::format::BINARY_VERSION;
use crate::{EntityKind, EntitySummary};

/// How many of a term's best documents its shard carries [`Card`]s for (as far as the shard's
/// card budget goes): the number of matches the quick find shows, so that a one-word query is
/// answered, cards included, by the term shard alone.
pub const CARDS_PER_TERM: usize = 8;

/// One document in a term's postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// Document number.
    pub doc: u32,
    /// How well the term describes the document, 1–255: the field-weighted, length-normalised
    /// and saturated term frequency (BM25F), quantised at build time.
    pub impact: u8,
}

/// A term with the documents it occurs in, by document number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term (a stem).
    pub text: String,
    /// Postings, sorted by document.
    pub postings: Vec<Posting>,
}

impl Term {
    /// The `count` documents a query of this term alone ranks first: by impact, best first,
    /// ties by document number (the order [`super::Searcher::search`] gives them).
    #[must_use]
    pub fn top(&self, count: usize) -> Vec<u32> {
        let mut postings: Vec<&Posting> = self.postings.iter().collect();
        postings.sort_by(|a, b| b.impact.cmp(&a.impact).then(a.doc.cmp(&b.doc)));
        postings.iter().take(count).map(|p| p.doc).collect()
    }
}

/// What the quick find shows of a match: enough to list it and link to it. A term shard
/// carries the cards of its terms' best documents, so that most queries need no per-document
/// fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// What kind of entity it is.
    pub kind: EntityKind,
    /// Display title.
    pub title: String,
    /// Site-relative URL of its page.
    pub url: String,
}

impl From<&EntitySummary> for Card {
    fn from(summary: &EntitySummary) -> Self {
        Self {
            kind: summary.kind,
            title: summary.title.clone(),
            url: summary.url.clone(),
        }
    }
}

impl Card {
    /// Bytes the card takes in a shard, near enough for a budget.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        self.title.len() + self.url.len() + 5
    }
}

/// The terms of a range of shard keys (their first two characters), and the cards of their
/// best documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermShard {
    /// Terms, sorted.
    pub terms: Vec<Term>,
    /// `(document, card)`, sorted by document: the cards of (some of) the terms' best
    /// documents; see [`CARDS_PER_TERM`].
    pub cards: Vec<(u32, Card)>,
}

impl TermShard {
    /// Encodes the shard: terms front-coded against the previous one, postings as document
    /// gaps with their impact byte, then the cards by document gap (kind as its place in
    /// [`EntityKind::ALL`]).
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::header(b"ALMT", BINARY_VERSION);
        w.len(self.terms.len());
        let mut previous: &str = "";
        for term in &self.terms {
            let shared = common_prefix(previous, &term.text);
            w.len(shared);
            w.str(&term.text[shared..]);
            w.len(term.postings.len());
            let mut last = 0;
            for posting in &term.postings {
                w.uint(u64::from(posting.doc - last));
                w.byte(posting.impact);
                last = posting.doc;
            }
            previous = &term.text;
        }
        w.len(self.cards.len());
        let mut last = 0;
        for (doc, card) in &self.cards {
            w.uint(u64::from(doc - last));
            last = *doc;
            let kind = EntityKind::ALL.iter().position(|k| *k == card.kind);
            #[expect(clippy::cast_possible_truncation, reason = "seven kinds")]
            w.byte(kind.unwrap_or_default() as u8);
            w.str(&card.title);
            w.str(&card.url);
        }
        w.bytes
    }

    /// Decodes [`TermShard::encode`]'s output.
    ///
    /// # Errors
    ///
    /// [`DecodeError`] when the bytes are not a term shard of this version.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::header(bytes, b"ALMT", BINARY_VERSION, "search term shard")?;
        let count = r.len()?;
        let mut terms: Vec<Term> = Vec::with_capacity(count);
        for _ in 0..count {
            let shared = r.len()?;
            let suffix = r.str()?;
            let mut text = match terms.last() {
                Some(last) if last.text.is_char_boundary(shared) && shared <= last.text.len() => {
                    last.text[..shared].to_owned()
                }
                None if shared == 0 => String::new(),
                _ => return Err(DecodeError::Invalid("term prefix")),
            };
            text.push_str(suffix);
            let postings_count = r.len()?;
            let mut postings = Vec::with_capacity(postings_count);
            let mut doc = 0u32;
            for _ in 0..postings_count {
                doc = doc
                    .checked_add(r.u32()?)
                    .ok_or(DecodeError::Invalid("document number"))?;
                postings.push(Posting {
                    doc,
                    impact: r.byte()?,
                });
            }
            terms.push(Term { text, postings });
        }
        let count = r.len()?;
        let mut cards = Vec::with_capacity(count);
        let mut doc = 0u32;
        for _ in 0..count {
            doc = doc
                .checked_add(r.u32()?)
                .ok_or(DecodeError::Invalid("document number"))?;
            let kind = *EntityKind::ALL
                .get(usize::from(r.byte()?))
                .ok_or(DecodeError::Invalid("entity kind"))?;
            let title = r.str()?.to_owned();
            let url = r.str()?.to_owned();
            cards.push((doc, Card { kind, title, url }));
        }
        r.finish()?;
        Ok(Self { terms, cards })
    }

    /// The card of document `doc`, if the shard carries it.
    #[must_use]
    pub fn card(&self, doc: u32) -> Option<&Card> {
        self.cards
            .binary_search_by_key(&doc, |(d, _)| *d)
            .ok()
            .map(|index| &self.cards[index].1)
    }

    /// The term `text`, if the shard has it.
    #[must_use]
    pub fn get(&self, text: &str) -> Option<&Term> {
        self.terms
            .binary_search_by(|term| term.text.as_str().cmp(text))
            .ok()
            .map(|index| &self.terms[index])
    }

    /// The terms that start with `prefix`, in order.
    #[must_use]
    pub fn with_prefix(&self, prefix: &str) -> &[Term] {
        let start = self
            .terms
            .partition_point(|term| term.text.as_str() < prefix);
        let len = self.terms[start..]
            .iter()
            .take_while(|term| term.text.starts_with(prefix))
            .count();
        &self.terms[start..start + len]
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    let mut shared = 0;
    for ((at, x), y) in a.char_indices().zip(b.chars()) {
        if x != y {
            break;
        }
        shared = at + x.len_utf8();
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard() -> TermShard {
        TermShard {
            terms: vec![
                Term {
                    text: "te".into(),
                    postings: vec![Posting { doc: 3, impact: 9 }],
                },
                Term {
                    text: "temperatur".into(),
                    postings: vec![
                        Posting {
                            doc: 0,
                            impact: 200,
                        },
                        Posting { doc: 7, impact: 1 },
                        Posting {
                            doc: 70_000,
                            impact: 255,
                        },
                    ],
                },
                Term {
                    text: "tempor".into(),
                    postings: vec![Posting { doc: 1, impact: 4 }],
                },
                Term {
                    text: "téa".into(),
                    postings: vec![],
                },
            ],
            cards: vec![
                (
                    0,
                    Card {
                        kind: EntityKind::Dataset,
                        title: "Température de surface".into(),
                        url: "datasets/sst/".into(),
                    },
                ),
                (
                    70_000,
                    Card {
                        kind: EntityKind::Organization,
                        title: "Met Office".into(),
                        url: "organizations/met-office/".into(),
                    },
                ),
            ],
        }
    }

    #[test]
    fn term_shards_round_trip() {
        let shard = shard();
        assert_eq!(TermShard::decode(&shard.encode()), Ok(shard));
    }

    #[test]
    fn term_lookup_and_prefixes() {
        let shard = shard();
        assert_eq!(shard.get("tempor").map(|t| t.postings.len()), Some(1));
        assert!(shard.get("temp").is_none());
        let texts: Vec<&str> = shard
            .with_prefix("temp")
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(texts, ["temperatur", "tempor"]);
        assert!(shard.with_prefix("x").is_empty());
    }

    #[test]
    fn top_documents_and_their_cards() {
        let shard = shard();
        let term = shard.get("temperatur").expect("term");
        assert_eq!(term.top(8), [70_000, 0, 7]);
        assert_eq!(term.top(2), [70_000, 0]);
        let tie = Term {
            text: "x".into(),
            postings: vec![Posting { doc: 4, impact: 9 }, Posting { doc: 2, impact: 9 }],
        };
        assert_eq!(tie.top(1), [2]);
        assert_eq!(
            shard.card(70_000).map(|c| c.kind),
            Some(EntityKind::Organization)
        );
        assert_eq!(shard.card(0).map(|c| c.url.as_str()), Some("datasets/sst/"));
        assert!(shard.card(7).is_none());
    }

    #[test]
    fn an_unknown_entity_kind_is_an_error() {
        let mut bytes = shard().encode();
        // The last card's kind byte sits before its title and URL.
        let card_tail = 1 + "Met Office".len() + 1 + "organizations/met-office/".len();
        let at = bytes.len() - card_tail - 1;
        assert_eq!(bytes[at], 6);
        bytes[at] = 7;
        assert_eq!(
            TermShard::decode(&bytes),
            Err(DecodeError::Invalid("entity kind"))
        );
    }

    #[test]
    fn truncated_shards_are_errors() {
        let bytes = shard().encode();
        for end in 0..bytes.len() {
            assert!(TermShard::decode(&bytes[..end]).is_err(), "{end}");
        }
    }
}
