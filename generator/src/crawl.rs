//! The crawl stage: reads Zarr stores (local or remote) for the facts of each dataset.

pub mod counting;
pub mod location;
