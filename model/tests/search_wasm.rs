//! The search format under wasm32 in headless Chromium (`wasm-bindgen-test`): the bytes the
//! native build committed as fixtures decode to the same values, the wasm build encodes the
//! same bytes, and queries give the same answers as natively.
//! Run by scripts/test.sh: `cargo test -p almanac-model --target wasm32-unknown-unknown
//! --test search_wasm` with wasm-bindgen-test-runner and chromedriver.
#![cfg(target_arch = "wasm32")]

mod common;

use almanac_model::search::{ExtentShard, FacetShard, IndexEntry, TermShard};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const INDEX: &[u8] = include_bytes!("fixtures/search/index.json");
const TERMS: &[u8] = include_bytes!("fixtures/search/terms.bin");
const FACET: &[u8] = include_bytes!("fixtures/search/facet.bin");
const EXTENTS: &[u8] = include_bytes!("fixtures/search/extents.bin");

#[wasm_bindgen_test]
fn native_bytes_decode_and_wasm_encodes_the_same() {
    let (entry, terms, facet, extents) = common::shards();
    assert_eq!(IndexEntry::from_json(INDEX), Ok(entry.clone()));
    assert_eq!(TermShard::decode(TERMS), Ok(terms.clone()));
    assert_eq!(FacetShard::decode(FACET), Ok(facet.clone()));
    assert_eq!(ExtentShard::decode(EXTENTS), Ok(extents.clone()));
    assert_eq!(entry.to_json(), INDEX);
    assert_eq!(terms.encode(), TERMS);
    assert_eq!(facet.encode(), FACET);
    assert_eq!(extents.encode(), EXTENTS);
}

#[wasm_bindgen_test]
fn queries_give_the_native_answers() {
    let entry = IndexEntry::from_json(INDEX).expect("entry");
    let shard = TermShard::decode(TERMS).expect("shard");
    common::assert_answers(&entry, &shard);
}
