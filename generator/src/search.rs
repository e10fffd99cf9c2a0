//! Search stage: builds the static search index under `search/` from the resolved library.
//!
//! [`documents`] turns every entity into a document (weighted fields, facet values, extents,
//! a fragment for result cards); [`index`] analyses the fields with the shared text analysis of
//! `almanac_model::search` and encodes the entry file, term shards, facet shards, the extent
//! shard and the fragments, each named by a hash of its content. See `docs/search.md`.

mod documents;
mod index;

use almanac_model::Library;

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
