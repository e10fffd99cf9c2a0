//! Search stage: builds the static search index under `search/` from the resolved library.
//!
//! [`documents`] turns every entity into a document (weighted fields, facet values, extents,
//! a fragment for result cards); [`index`] analyses the fields with the shared text analysis of
//! `almanac_model::search` and encodes the entry file, term shards, facet shards, the extent
//! shard and the fragments, each named by a hash of its content. See `docs/search.md`.

mod documents;
mod index;

use std::collections::BTreeMap;

use almanac_model::search::{Query, Searcher, TermShard};
use almanac_model::{EntitySummary, Library};

use crate::error::Result;
use crate::output::Output;

pub use documents::{Document, Field, documents};
pub use index::{IndexFiles, build_index};

/// Writes the search index of `library` into `search/` of the output.
///
/// # Errors
///
/// [`crate::Error::Io`] when a file cannot be written.
pub fn write(library: &Library, output: &mut Output) -> Result<()> {
    let files = build_index(&documents(library));
    for (path, bytes) in files.files {
        output.write(&format!("search/{path}"), bytes)?;
    }
    Ok(())
}

/// Runs `text` over the index of `library` as the browser would: the index is encoded, the
/// shards the query needs are decoded from those bytes, and the shared query code ranks the
/// documents. Returns the best `limit` cards with their scores.
#[must_use]
pub fn search_library(library: &Library, text: &str, limit: usize) -> Vec<(EntitySummary, f32)> {
    let documents = documents(library);
    let index = build_index(&documents);
    let query = Query::parse(text);
    let bytes: BTreeMap<&str, &[u8]> = index
        .files
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
        .collect();
    let shards: Vec<(&str, TermShard)> = query
        .shard_files(&index.entry)
        .into_iter()
        .filter_map(|file| {
            let shard = TermShard::decode(bytes.get(file)?).ok()?;
            Some((file, shard))
        })
        .collect();
    let searcher = Searcher::new(
        &index.entry,
        shards.iter().map(|(file, shard)| (*file, shard)),
    );
    searcher
        .search(&query)
        .unwrap_or_default()
        .into_iter()
        .take(limit)
        .filter_map(|hit| {
            let document = documents.get(hit.doc as usize)?;
            Some((document.summary.clone(), hit.score))
        })
        .collect()
}
