//! The crawl stage: reads Zarr stores (local or remote) for the facts of each dataset.

pub mod cftime;
pub mod counting;
pub mod extent;
pub mod location;
