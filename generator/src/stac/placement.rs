//! Where a store goes in the catalog, following the STAC Zarr best practices: a store that
//! covers the collection's time and space is a collection-level asset; a store that is one
//! member of a set (an ensemble member, one model run, one period) is an Item.
//!
//! The rule, per dataset:
//! - a store needs read facts with a time extent (in years 0000–9999) to be an Item (an Item must say where and
//!   when it is); the others are always collection-level assets, with their crawl status;
//! - datasets with more than [`MAX_COLLECTION_ASSETS`] stores make every such store an Item, so
//!   that the collection stays small;
//! - otherwise the stores that can be Items are Items when there are at least two of them,
//!   they hold the same data variables and they do not all cover the same time and space
//!   (members of a set). The same variables over the same extent are copies (Zarr v2 and v3
//!   of one dataset); different variables are parts of one whole: both stay assets.

use std::collections::BTreeSet;

use almanac_model::{Crawl, Dataset, StoreFacts, VariableRole};

/// More stores than this, and every store that can be an Item is one.
pub const MAX_COLLECTION_ASSETS: usize = 50;

/// Where one store goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// An asset of the dataset's collection.
    Asset,
    /// An Item of the dataset's collection.
    Item,
}

/// The placement of each store of `dataset`, in the order of `dataset.stores`.
#[must_use]
pub fn place(dataset: &Dataset) -> Vec<Placement> {
    let facts: Vec<Option<&StoreFacts>> = dataset
        .stores
        .iter()
        .map(|store| match &store.crawl {
            Some(Crawl::Ok { facts }) if super::extent::interval(facts).is_some() => {
                Some(facts.as_ref())
            }
            _ => None,
        })
        .collect();
    let candidates: Vec<&StoreFacts> = facts.iter().flatten().copied().collect();
    let items = if dataset.stores.len() > MAX_COLLECTION_ASSETS {
        true
    } else {
        candidates.len() >= 2
            && candidates
                .windows(2)
                .all(|pair| data_variables(pair[0]) == data_variables(pair[1]))
            && candidates
                .windows(2)
                .any(|pair| !same_footprint(pair[0], pair[1]))
    };
    facts
        .iter()
        .map(|f| {
            if items && f.is_some() {
                Placement::Item
            } else {
                Placement::Asset
            }
        })
        .collect()
}

fn data_variables(facts: &StoreFacts) -> BTreeSet<&str> {
    facts
        .arrays
        .iter()
        .filter(|a| !a.path.contains('/') && matches!(a.role, Some(VariableRole::Data) | None))
        .map(|a| a.path.as_str())
        .collect()
}

fn same_footprint(a: &StoreFacts, b: &StoreFacts) -> bool {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
    let same_box = match (&a.bbox, &b.bbox) {
        (Some(p), Some(q)) => {
            close(p.west, q.west)
                && close(p.south, q.south)
                && close(p.east, q.east)
                && close(p.north, q.north)
        }
        (None, None) => true,
        _ => false,
    };
    let same_time = match (&a.time, &b.time) {
        (Some(p), Some(q)) => p.start == q.start && p.end == q.end && p.calendar == q.calendar,
        (None, None) => true,
        _ => false,
    };
    let sizes = |f: &StoreFacts| {
        f.dimensions
            .iter()
            .map(|d| (d.name.clone(), d.size))
            .collect::<Vec<_>>()
    };
    same_box && same_time && sizes(a) == sizes(b)
}
