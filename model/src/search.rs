//! The static search index: its format, and the query evaluation the browser runs.
//!
//! The generator builds the index at build time (`generator/src/search/`) and writes it under
//! `search/`; the front end fetches only what a query needs and evaluates it with this same
//! code, so the encoder and the decoder can never disagree.
//!
//! Files (names relative to `search/`):
//!
//! - `index.json` ([`IndexEntry`]): the small entry file. It names every other file.
//! - `terms/<hash>.bin` ([`TermShard`]): the terms that start with one two-character prefix,
//!   each with its postings (document number and a quantised score), and the [`Card`]s of
//!   the terms' best documents, so that most queries are answered by their term shards alone.
//! - `facets/<hash>.bin` ([`FacetShard`]): one facet (kind, tags, variables, providers,
//!   licence), each value with the documents that have it.
//! - `extents/<hash>.bin` ([`ExtentShard`]): time ranges and bounding boxes per document.
//! - `docs/<hash>/<n>.json` ([`crate::EntitySummary`]): one fragment per document, for the
//!   search page's result cards and for matches no loaded shard has a card for; the folder is
//!   named by a hash of all fragments.
//!
//! Every name carries a content hash, so all files but `index.json` can be cached forever.

mod codec;
mod extent;
mod format;
mod query;
mod stem;
mod terms;
mod text;

pub use codec::DecodeError;
pub use extent::{ExtentFilter, days_from_iso};
pub use format::{
    DocSet, Extent, ExtentShard, FORMAT_VERSION, Facet, FacetRef, FacetShard, FacetValue,
    IndexEntry, ShardRef,
};
pub use query::{Filters, Hit, MatchKind, Query, QueryWord, Searcher};
pub use stem::stem;
pub use terms::{CARDS_PER_TERM, Card, Posting, Term, TermShard};
pub use text::{fold_accent, normalize, shard_key, tokens};
