//! The search format natively: the encoded shards equal the committed fixtures (which the
//! wasm32 test decodes too), decode back to what was encoded, and answer queries.
//! `ALMANAC_UPDATE_FIXTURES=1 cargo test -p almanac-model --test search_format` rewrites them.

mod common;

use std::path::{Path, PathBuf};

use almanac_model::search::{ExtentShard, FacetShard, IndexEntry, TermShard};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/search")
        .join(name)
}

fn compare(name: &str, bytes: &[u8]) {
    let path = fixture(name);
    if std::env::var_os("ALMANAC_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, bytes).expect("write fixture");
    }
    let committed = std::fs::read(&path).expect("fixture exists");
    assert_eq!(
        committed, bytes,
        "{name} differs from the committed fixture"
    );
}

#[test]
fn encodings_match_the_fixtures_and_round_trip() {
    let (entry, terms, facet, extents) = common::shards();
    compare("index.json", &entry.to_json());
    compare("terms.bin", &terms.encode());
    compare("facet.bin", &facet.encode());
    compare("extents.bin", &extents.encode());
    assert_eq!(IndexEntry::from_json(&entry.to_json()), Ok(entry));
    assert_eq!(TermShard::decode(&terms.encode()), Ok(terms));
    assert_eq!(FacetShard::decode(&facet.encode()), Ok(facet));
    assert_eq!(ExtentShard::decode(&extents.encode()), Ok(extents));
}

#[test]
fn decoded_fixtures_answer_queries() {
    let entry =
        IndexEntry::from_json(&std::fs::read(fixture("index.json")).expect("read")).expect("entry");
    let shard =
        TermShard::decode(&std::fs::read(fixture("terms.bin")).expect("read")).expect("shard");
    common::assert_answers(&entry, &shard);
}
