//! Search stage: analyses the documents and encodes the index files, each named by a hash of
//! its bytes so every file but the entry can be cached for ever.

use std::collections::BTreeMap;

use almanac_model::search::{
    CARDS_PER_TERM, Card, ExtentShard, FORMAT_VERSION, Facet, FacetRef, FacetShard, FacetValue,
    IndexEntry, Posting, ShardRef, Term, TermShard, shard_key, tokens,
};

use super::documents::{Document, Field};

/// BM25 saturation: how fast repeated occurrences stop adding to a term's impact.
const K1: f32 = 2.0;
/// BM25 length normalisation.
const B: f32 = 0.75;
/// Target size of a term shard's terms and postings before compression.
const SHARD_BYTES: usize = 8 * 1024;
/// Most bytes of cards a term shard carries (about 300 cards of 80 bytes).
const CARD_BYTES: usize = 24 * 1024;
/// How deep into a term's ranking its shard's cards go at most.
const MAX_CARD_DEPTH: usize = 64;

/// The index as files, `(path relative to search/, bytes)`, with the entry first.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexFiles {
    /// The entry file's content.
    pub entry: IndexEntry,
    /// Every file, `index.json` first.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Builds the index of `documents`; document `n` is `documents[n]`.
#[must_use]
pub fn build_index(documents: &[Document]) -> IndexFiles {
    let count = u32::try_from(documents.len()).unwrap_or(u32::MAX);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    let mut shards = Vec::new();
    for (key, mut shard) in group_shards(term_shards(documents)) {
        shard.cards = cards_for(&shard.terms, documents, CARD_BYTES);
        let bytes = shard.encode();
        let file = format!("terms/{}.bin", hash(&bytes));
        shards.push(ShardRef {
            key,
            file: file.clone(),
        });
        files.push((file, bytes));
    }

    let mut facets = Vec::new();
    for shard in facet_shards(documents) {
        let bytes = shard.encode();
        let file = format!("facets/{}.{}.bin", shard.facet.name(), hash(&bytes));
        facets.push(FacetRef {
            facet: shard.facet,
            file: file.clone(),
        });
        files.push((file, bytes));
    }

    let extents = ExtentShard {
        extents: documents
            .iter()
            .zip(0u32..)
            .filter_map(|(document, doc)| document.extent.map(|extent| (doc, extent)))
            .collect(),
    };
    let extents = (!extents.extents.is_empty()).then(|| {
        let bytes = extents.encode();
        let file = format!("extents.{}.bin", hash(&bytes));
        files.push((file.clone(), bytes));
        file
    });

    let fragments: Vec<Vec<u8>> = documents
        .iter()
        .map(|document| serde_json::to_vec(&document.summary).unwrap_or_default())
        .collect();
    let folder = format!("docs/{}/", hash(&fragments.concat()));
    for (bytes, doc) in fragments.into_iter().zip(0u32..) {
        files.push((format!("{folder}{doc}.json"), bytes));
    }

    let entry = IndexEntry {
        version: FORMAT_VERSION,
        documents: count,
        shards,
        facets,
        extents,
        fragments: folder,
    };
    files.insert(0, ("index.json".to_owned(), entry.to_json()));
    IndexFiles { entry, files }
}

/// Terms per shard key, each with its postings and impacts.
fn term_shards(documents: &[Document]) -> BTreeMap<String, TermShard> {
    // Term frequencies per document and field, and field lengths.
    let mut lengths: Vec<BTreeMap<Field, usize>> = Vec::with_capacity(documents.len());
    let mut frequencies: Vec<BTreeMap<String, BTreeMap<Field, usize>>> = Vec::new();
    for document in documents {
        let mut length: BTreeMap<Field, usize> = BTreeMap::new();
        let mut tf: BTreeMap<String, BTreeMap<Field, usize>> = BTreeMap::new();
        for (field, text) in &document.fields {
            for token in tokens(text) {
                *length.entry(*field).or_default() += 1;
                *tf.entry(token).or_default().entry(*field).or_default() += 1;
            }
        }
        lengths.push(length);
        frequencies.push(tf);
    }
    let average: BTreeMap<Field, f32> = Field::ALL
        .into_iter()
        .map(|field| {
            let total: usize = lengths.iter().filter_map(|l| l.get(&field)).sum();
            let with: usize = lengths.iter().filter(|l| l.contains_key(&field)).count();
            (field, total as f32 / with.max(1) as f32)
        })
        .collect();

    let mut terms: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
    for (doc, (tf, length)) in (0u32..).zip(frequencies.iter().zip(&lengths)) {
        for (term, fields) in tf {
            let weighted: f32 = fields
                .iter()
                .map(|(field, &count)| {
                    let len = length.get(field).copied().unwrap_or(1) as f32;
                    let avg = average.get(field).copied().unwrap_or(1.0).max(1.0);
                    field.weight() * count as f32 / (1.0 - B + B * len / avg)
                })
                .sum();
            let impact = weighted / (K1 + weighted);
            #[expect(clippy::cast_possible_truncation, reason = "clamped to 1..=255")]
            let impact = (impact * 255.0).round().clamp(1.0, 255.0) as u8;
            terms
                .entry(term.clone())
                .or_default()
                .push(Posting { doc, impact });
        }
    }
    let mut shards: BTreeMap<String, TermShard> = BTreeMap::new();
    for (text, postings) in terms {
        shards
            .entry(shard_key(&text).to_owned())
            .or_default()
            .terms
            .push(Term { text, postings });
    }
    shards
}

/// Joins consecutive keys into shards of about [`SHARD_BYTES`], so the entry file stays small
/// and no request is tiny; a key is never split.
fn group_shards(by_key: BTreeMap<String, TermShard>) -> Vec<(String, TermShard)> {
    let mut out: Vec<(String, TermShard, usize)> = Vec::new();
    for (key, shard) in by_key {
        let size = shard.encode().len();
        match out.last_mut() {
            Some((_, last, bytes)) if *bytes + size <= SHARD_BYTES => {
                last.terms.extend(shard.terms);
                *bytes += size;
            }
            _ => out.push((key, shard, size)),
        }
    }
    out.into_iter()
        .map(|(key, shard, _)| (key, shard))
        .collect()
}

/// The cards a shard of `terms` carries, up to `budget` bytes: first each term's
/// [`CARDS_PER_TERM`] best documents, the terms taken from the most frequent (the words people
/// search for) to the rarest; then, with what budget is left, deeper into the most frequent
/// terms' rankings (16, 32, … documents), which is where the best matches of several-word
/// queries are. A term is covered to a depth whole or not at all. Sorted by document.
fn cards_for(terms: &[Term], documents: &[Document], budget: usize) -> Vec<(u32, Card)> {
    let mut order: Vec<&Term> = terms.iter().collect();
    order.sort_by(|a, b| {
        b.postings
            .len()
            .cmp(&a.postings.len())
            .then(a.text.cmp(&b.text))
    });
    let mut cards: BTreeMap<u32, Card> = BTreeMap::new();
    let mut used = 0;
    let mut depth = CARDS_PER_TERM;
    while depth <= MAX_CARD_DEPTH {
        for term in &order {
            if depth > CARDS_PER_TERM && term.postings.len() <= depth / 2 {
                // Covered whole at the previous depth.
                continue;
            }
            let new: Vec<(u32, Card)> = term
                .top(depth)
                .into_iter()
                .filter(|doc| !cards.contains_key(doc))
                .filter_map(|doc| {
                    let document = documents.get(doc as usize)?;
                    Some((doc, Card::from(&document.summary)))
                })
                .collect();
            let size: usize = new.iter().map(|(_, card)| card.encoded_len()).sum();
            if used + size > budget {
                continue;
            }
            used += size;
            cards.extend(new);
        }
        depth *= 2;
    }
    cards.into_iter().collect()
}

/// One shard per facet that any document has a value for.
fn facet_shards(documents: &[Document]) -> Vec<FacetShard> {
    let mut values: BTreeMap<Facet, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
    for (document, doc) in documents.iter().zip(0u32..) {
        for (facet, value) in &document.facets {
            values
                .entry(*facet)
                .or_default()
                .entry(value)
                .or_default()
                .push(doc);
        }
    }
    values
        .into_iter()
        .map(|(facet, values)| FacetShard {
            facet,
            values: values
                .into_iter()
                .map(|(value, docs)| FacetValue {
                    value: value.to_owned(),
                    docs,
                })
                .collect(),
        })
        .collect()
}

/// The top 48 bits of a 64-bit FNV-1a hash, as 12 hex digits: stable across Rust versions and platforms, which is
/// all a content-addressed file name needs.
fn hash(bytes: &[u8]) -> String {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        state ^= u64::from(byte);
        state = state.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", state >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_model::search::{Query, Searcher, stem};
    use almanac_model::{EntityKind, EntitySummary};

    fn document(id: &str, fields: &[(Field, &str)]) -> Document {
        Document {
            summary: EntitySummary {
                kind: EntityKind::Dataset,
                id: id.into(),
                title: fields[0].1.into(),
                url: format!("datasets/{id}/"),
                summary: String::new(),
                tags: Vec::new(),
            },
            fields: fields.iter().map(|(f, t)| (*f, (*t).to_owned())).collect(),
            facets: vec![(Facet::Kind, "dataset".into())],
            extent: None,
        }
    }

    #[test]
    fn title_outranks_variables_tags_and_description() {
        let documents = [
            document(
                "d",
                &[
                    (Field::Title, "Ocean reanalysis"),
                    (Field::Description, "Monthly mean temperature and salinity"),
                ],
            ),
            document(
                "t",
                &[(Field::Title, "Reanalysis"), (Field::Tags, "temperature")],
            ),
            document(
                "v",
                &[
                    (Field::Title, "Reanalysis"),
                    (Field::Variables, "air_temperature"),
                ],
            ),
            document("a", &[(Field::Title, "Air temperature")]),
        ];
        let index = build_index(&documents);
        let shards = term_files(&index);
        let searcher = Searcher::new(&index.entry, shards.iter().map(|(f, s)| (f.as_str(), s)));
        let ids: Vec<&str> = searcher
            .search(&Query::parse("temperature "))
            .expect("a query")
            .iter()
            .map(|hit| documents[hit.doc as usize].summary.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "v", "t", "d"]);
    }

    #[test]
    fn names_are_content_hashes() {
        let documents = [document("x", &[(Field::Title, "Sea ice")])];
        let a = build_index(&documents);
        assert_eq!(a, build_index(&documents));
        assert_eq!(a.files[0].0, "index.json");
        for (path, bytes) in &a.files[1..] {
            if path.starts_with("terms/") {
                assert!(path.contains(&hash(bytes)), "{path}");
            }
        }
        assert_eq!(hash(b""), "cbf29ce48422");
    }

    /// `count` documents titled "Sea ice …", and one in ten also "… seasonal".
    fn library(count: usize) -> Vec<Document> {
        (0..count)
            .map(|i| {
                let title = if i % 10 == 0 {
                    format!("Sea ice seasonal {i}")
                } else {
                    format!("Sea ice {i}")
                };
                document(&format!("d{i}"), &[(Field::Title, &title)])
            })
            .collect()
    }

    /// Every term shard of `index`, decoded, by file name.
    fn term_files(index: &IndexFiles) -> BTreeMap<String, TermShard> {
        index
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("terms/"))
            .map(|(path, bytes)| (path.clone(), TermShard::decode(bytes).expect("decodes")))
            .collect()
    }

    fn shard_of(index: &IndexFiles, term: &str) -> TermShard {
        let file = index.entry.shard_file(shard_key(term)).expect("a shard");
        term_files(index).remove(file).expect("the shard's file")
    }

    #[test]
    fn shards_carry_the_cards_of_their_terms_best_documents() {
        let documents = library(300);
        let index = build_index(&documents);
        for word in ["sea", "ice", "seasonal"].map(stem) {
            let shard = shard_of(&index, &word);
            let term = shard.get(&word).expect("term");
            for doc in term.top(CARDS_PER_TERM) {
                let card = shard.card(doc).expect("a card for each of the best");
                assert_eq!(card.title, documents[doc as usize].summary.title);
                assert_eq!(card.url, format!("datasets/d{doc}/"));
            }
        }
    }

    #[test]
    fn cards_reach_the_best_matches_of_two_word_queries() {
        // The best "ice" and "seasonal" documents each have one of the words; the documents
        // with both rank below 20 others in each word's own ranking.
        let mut titles: Vec<String> = Vec::new();
        // No other words: any other term's own best documents would bring their cards.
        titles.extend((0..20).map(|_| "Ice".to_owned()));
        titles.extend((0..20).map(|_| "Seasonal".to_owned()));
        titles.extend((0..10).map(|_| "Seasonal ice".to_owned()));
        let documents: Vec<Document> = titles
            .iter()
            .enumerate()
            .map(|(i, title)| document(&format!("d{i}"), &[(Field::Title, title)]))
            .collect();
        let index = build_index(&documents);
        let shards = term_files(&index);
        let searcher = Searcher::new(&index.entry, shards.iter().map(|(f, s)| (f.as_str(), s)));
        let hits = searcher
            .search(&Query::parse("ice seasonal "))
            .expect("a query");
        assert_eq!(hits.len(), 10);
        for hit in &hits[..CARDS_PER_TERM] {
            assert!(hit.doc >= 40, "{}", hit.doc);
            assert!(
                shards
                    .iter()
                    .any(|(_, shard)| shard.card(hit.doc).is_some()),
                "no card for {}",
                hit.doc
            );
        }
    }

    #[test]
    fn cards_stay_within_the_budget_most_frequent_terms_first() {
        let documents = library(300);
        let shard = &term_shards(&documents)["se"];
        let one_term = 8 * Card::from(&documents[0].summary).encoded_len() + 8;
        let cards = cards_for(&shard.terms, &documents, one_term);
        let size: usize = cards.iter().map(|(_, card)| card.encoded_len()).sum();
        assert!(size <= one_term, "{size} > {one_term}");
        // "sea" (300 documents) is covered; "seasonal" (30) is not, though both are in "se".
        let sea = shard.get("sea").expect("sea").top(CARDS_PER_TERM);
        let seasonal = shard
            .get(&stem("seasonal"))
            .expect("seasonal")
            .top(CARDS_PER_TERM);
        let carried: Vec<u32> = cards.iter().map(|(doc, _)| *doc).collect();
        assert!(sea.iter().all(|doc| carried.contains(doc)), "{carried:?}");
        assert!(!seasonal.iter().all(|doc| carried.contains(doc)));
        assert!(
            cards.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted by document"
        );
        // No budget, no cards.
        assert!(cards_for(&shard.terms, &documents, 0).is_empty());
    }
}
