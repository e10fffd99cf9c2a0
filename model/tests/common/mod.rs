//! A small index shared by the native and the wasm32 tests of the search format: built the
//! same way on both sides, so the committed fixture proves both encode the same bytes.

use almanac_model::EntityKind;
use almanac_model::search::{
    Card, Extent, ExtentShard, Facet, FacetShard, FacetValue, IndexEntry, Posting, Query, Searcher,
    ShardRef, Term, TermShard, shard_key, tokens,
};

/// Three documents, analysed and encoded.
pub fn shards() -> (IndexEntry, TermShard, FacetShard, ExtentShard) {
    let texts = [
        "Sea surface temperature (OSTIA)",
        "Air temperatures near the North Pole",
        "Precipitation over Africa",
    ];
    let mut terms: Vec<Term> = Vec::new();
    for (doc, text) in (0u32..).zip(texts) {
        for token in tokens(text) {
            match terms.iter_mut().find(|term| term.text == token) {
                Some(term) => term.postings.push(Posting { doc, impact: 200 }),
                None => terms.push(Term {
                    text: token,
                    postings: vec![Posting { doc, impact: 200 }],
                }),
            }
        }
    }
    terms.sort_by(|a, b| a.text.cmp(&b.text));
    // Cards for two of the three documents; the third is left to its fragment.
    let card = |title: &str, url: &str| Card {
        kind: EntityKind::Dataset,
        title: title.into(),
        url: url.into(),
    };
    let shard = TermShard {
        terms,
        cards: vec![
            (0, card(texts[0], "datasets/ostia/")),
            (2, card(texts[2], "datasets/précipitation-afrique/")),
        ],
    };
    let facet = FacetShard {
        facet: Facet::Tag,
        values: vec![
            FacetValue {
                value: "ocean".into(),
                docs: vec![0],
            },
            FacetValue {
                value: "température".into(),
                docs: vec![0, 1],
            },
        ],
    };
    let extents = ExtentShard {
        extents: vec![(
            1,
            Extent {
                time: Some([-7305, 18_262]),
                bbox: Some([-180.0, 66.5, 180.0, 90.0]),
            },
        )],
    };
    // One shard holds every key: its first key is the smallest.
    let first = shard.terms.first().map(|t| shard_key(&t.text).to_owned());
    let entry = IndexEntry {
        version: almanac_model::search::FORMAT_VERSION,
        documents: 3,
        shards: vec![ShardRef {
            key: first.unwrap_or_default(),
            file: "terms/all.bin".into(),
        }],
        facets: Vec::new(),
        extents: None,
        fragments: "docs/x/".into(),
    };
    (entry, shard, facet, extents)
}

/// The answers the fixture index must give, natively and under wasm32.
pub fn assert_answers(entry: &IndexEntry, shard: &TermShard) {
    let searcher = Searcher::new(entry, [("terms/all.bin", shard)]);
    let docs = |text: &str| -> Vec<u32> {
        searcher
            .search(&Query::parse(text))
            .unwrap_or_default()
            .iter()
            .map(|hit| hit.doc)
            .collect()
    };
    assert_eq!(docs("temperature "), [0, 1]);
    assert_eq!(docs("precip"), [2]);
    assert_eq!(docs("temprature north"), [1]);
    // The shard carries the cards of documents 0 and 2, with non-ASCII URLs intact.
    let urls: Vec<Option<&str>> = (0..3)
        .map(|doc| shard.card(doc).map(|card| card.url.as_str()))
        .collect();
    assert_eq!(
        urls,
        [
            Some("datasets/ostia/"),
            None,
            Some("datasets/précipitation-afrique/")
        ]
    );
}
