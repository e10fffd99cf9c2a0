//! The search engine in the browser: fetches the parts of the static index a query needs
//! (once each), and evaluates the query with `almanac_model::search`, the code that the
//! generator's tests run natively.
//!
//! A query takes one round of requests when its matches' cards came with its term shards
//! (each shard carries the cards of its terms' best documents); only matches without a card
//! cost a second round, for their fragments.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use almanac_model::EntitySummary;
use almanac_model::search::{
    Card, DocSet, ExtentShard, Facet, FacetShard, Filters, IndexEntry, Query, Searcher, TermShard,
};
use futures::future::{join_all, try_join_all};

use crate::api::{self, ApiError};

/// Where the index lives, relative to the site's base.
const INDEX_DIR: &str = "search/";

/// What one search produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Number of matching documents.
    pub total: usize,
    /// The first matches, in rank order, with their summaries.
    pub hits: Vec<Rc<EntitySummary>>,
    /// Values and counts per facet (counted with every other facet's selection applied).
    pub facets: Vec<(Facet, Vec<(String, u32)>)>,
}

/// The documents a search matched, before any card or summary is loaded.
#[derive(Debug, Clone, Default, PartialEq)]
struct Matches {
    /// Matching documents allowed by the filters, best first.
    ranked: Vec<u32>,
    /// Values and counts per facet.
    facets: Vec<(Facet, Vec<(String, u32)>)>,
}

/// Loaded parts of the index; each file is fetched at most once per page.
#[derive(Debug, Default)]
struct Cache {
    entry: Option<Rc<IndexEntry>>,
    shards: HashMap<String, Rc<TermShard>>,
    facets: HashMap<Facet, Rc<FacetShard>>,
    extents: Option<Rc<ExtentShard>>,
    fragments: HashMap<u32, Rc<EntitySummary>>,
    /// Cards from term shards and from fragments.
    cards: HashMap<u32, Rc<Card>>,
}

/// The engine of one page.
#[derive(Debug)]
pub struct Engine {
    base: String,
    cache: RefCell<Cache>,
}

thread_local! {
    static ENGINE: Rc<Engine> = Rc::new(Engine {
        base: format!("{}{INDEX_DIR}", api::base_path()),
        cache: RefCell::default(),
    });
}

/// The page's engine, shared by the quick find and the search page.
pub fn engine() -> Rc<Engine> {
    ENGINE.with(Rc::clone)
}

impl Engine {
    async fn entry(&self) -> Result<Rc<IndexEntry>, ApiError> {
        if let Some(entry) = self.cache.borrow().entry.clone() {
            return Ok(entry);
        }
        let entry = Rc::new(api::decoded(&self.base, "index.json", IndexEntry::from_json).await?);
        self.cache.borrow_mut().entry = Some(Rc::clone(&entry));
        Ok(entry)
    }

    async fn shard(&self, file: &str) -> Result<Rc<TermShard>, ApiError> {
        if let Some(shard) = self.cache.borrow().shards.get(file) {
            return Ok(Rc::clone(shard));
        }
        let mut shard = api::decoded(&self.base, file, TermShard::decode).await?;
        let cards = std::mem::take(&mut shard.cards);
        let shard = Rc::new(shard);
        let mut cache = self.cache.borrow_mut();
        for (doc, card) in cards {
            cache.cards.entry(doc).or_insert_with(|| Rc::new(card));
        }
        cache.shards.insert(file.to_owned(), Rc::clone(&shard));
        Ok(shard)
    }

    async fn facet(
        &self,
        entry: &IndexEntry,
        facet: Facet,
    ) -> Result<Option<Rc<FacetShard>>, ApiError> {
        if let Some(shard) = self.cache.borrow().facets.get(&facet) {
            return Ok(Some(Rc::clone(shard)));
        }
        let Some(file) = entry.facet_file(facet) else {
            return Ok(None);
        };
        let shard = Rc::new(api::decoded(&self.base, file, FacetShard::decode).await?);
        self.cache
            .borrow_mut()
            .facets
            .insert(facet, Rc::clone(&shard));
        Ok(Some(shard))
    }

    async fn extents(&self, entry: &IndexEntry) -> Result<Option<Rc<ExtentShard>>, ApiError> {
        if let Some(shard) = self.cache.borrow().extents.clone() {
            return Ok(Some(shard));
        }
        let Some(file) = &entry.extents else {
            return Ok(None);
        };
        let shard = Rc::new(api::decoded(&self.base, file, ExtentShard::decode).await?);
        self.cache.borrow_mut().extents = Some(Rc::clone(&shard));
        Ok(Some(shard))
    }

    async fn fragment(&self, entry: &IndexEntry, doc: u32) -> Result<Rc<EntitySummary>, ApiError> {
        if let Some(summary) = self.cache.borrow().fragments.get(&doc) {
            return Ok(Rc::clone(summary));
        }
        let summary: EntitySummary =
            api::decoded(&self.base, &entry.fragment_file(doc), |bytes: &[u8]| {
                serde_json::from_slice(bytes)
            })
            .await?;
        let summary = Rc::new(summary);
        let mut cache = self.cache.borrow_mut();
        cache
            .cards
            .entry(doc)
            .or_insert_with(|| Rc::new(Card::from(summary.as_ref())));
        cache.fragments.insert(doc, Rc::clone(&summary));
        Ok(summary)
    }

    /// The cards of `docs`, in order: from the term shards already loaded, and from fragments
    /// (fetched together) for the documents none of them carried.
    async fn cards(&self, entry: &IndexEntry, docs: &[u32]) -> Result<Vec<Rc<Card>>, ApiError> {
        let missing: Vec<u32> = {
            let cache = self.cache.borrow();
            docs.iter()
                .copied()
                .filter(|doc| !cache.cards.contains_key(doc))
                .collect()
        };
        try_join_all(missing.iter().map(|&doc| self.fragment(entry, doc))).await?;
        let cache = self.cache.borrow();
        Ok(docs
            .iter()
            .filter_map(|doc| cache.cards.get(doc).cloned())
            .collect())
    }

    /// The first `limit` matches of `text` as cards, for the quick find: usually no request
    /// beyond the term shards.
    ///
    /// # Errors
    ///
    /// [`ApiError`] when a part of the index cannot be fetched or decoded.
    pub async fn quick(&self, text: &str, limit: usize) -> Result<Vec<Rc<Card>>, ApiError> {
        let entry = self.entry().await?;
        let matches = self
            .matches(&entry, text, &Filters::default(), false)
            .await?;
        let top: Vec<u32> = matches.ranked.into_iter().take(limit).collect();
        self.cards(&entry, &top).await
    }

    /// Searches for `text` within `filters` and returns the first `limit` matches; with
    /// `with_facets`, also the counts of every facet value.
    ///
    /// # Errors
    ///
    /// [`ApiError`] when a part of the index cannot be fetched or decoded.
    pub async fn search(
        &self,
        text: &str,
        filters: &Filters,
        with_facets: bool,
        limit: usize,
    ) -> Result<Outcome, ApiError> {
        let entry = self.entry().await?;
        let matches = self.matches(&entry, text, filters, with_facets).await?;
        let shown = join_all(
            matches
                .ranked
                .iter()
                .take(limit)
                .map(|&doc| self.fragment(&entry, doc)),
        )
        .await;
        let hits = shown.into_iter().collect::<Result<Vec<_>, _>>()?;
        Ok(Outcome {
            total: matches.ranked.len(),
            hits,
            facets: matches.facets,
        })
    }

    /// The documents matching `text` within `filters`, best first; with `with_facets`, the
    /// counts of every facet value too.
    async fn matches(
        &self,
        entry: &IndexEntry,
        text: &str,
        filters: &Filters,
        with_facets: bool,
    ) -> Result<Matches, ApiError> {
        let query = Query::parse(text);
        if query.is_empty() && filters.is_empty() && !with_facets {
            return Ok(Matches::default());
        }
        let files = query.shard_files(entry);
        let shards = try_join_all(files.iter().map(|file| self.shard(file))).await?;
        let wanted: Vec<Facet> = Facet::ALL
            .into_iter()
            .filter(|facet| with_facets || filters.facets.get(facet).is_some_and(|v| !v.is_empty()))
            .collect();
        let facet_shards: Vec<(Facet, Rc<FacetShard>)> =
            try_join_all(wanted.iter().map(|&facet| self.facet(entry, facet)))
                .await?
                .into_iter()
                .zip(&wanted)
                .filter_map(|(shard, &facet)| shard.map(|shard| (facet, shard)))
                .collect();
        let extents = if filters.extent.is_empty() {
            None
        } else {
            self.extents(entry).await?
        };

        let n = entry.documents;
        let selected = |facet: Facet| filters.facets.get(&facet).filter(|v| !v.is_empty());
        // Documents passing each facet's selection, and the extent filter.
        let mut passing: Vec<(Facet, DocSet)> = Vec::new();
        for (facet, shard) in &facet_shards {
            if let Some(values) = selected(*facet) {
                passing.push((*facet, shard.docs_with_any(values, n)));
            }
        }
        let mut in_extent = DocSet::full(n);
        if !filters.extent.is_empty() {
            in_extent = match &extents {
                Some(shard) => filters.extent.docs(shard, n),
                None => DocSet::empty(n),
            };
        }
        let allowed_except = |skip: Option<Facet>| {
            let mut set = in_extent.clone();
            for (facet, docs) in &passing {
                if Some(*facet) != skip {
                    set.intersect(docs);
                }
            }
            set
        };

        let searcher = Searcher::new(
            entry,
            files.iter().copied().zip(shards.iter().map(Rc::as_ref)),
        );
        let matching = match searcher.search(&query) {
            Some(hits) => hits,
            None => DocSet::full(n)
                .iter()
                .map(|doc| almanac_model::search::Hit { doc, score: 0.0 })
                .collect(),
        };
        let mut matched = DocSet::empty(n);
        for hit in &matching {
            matched.insert(hit.doc);
        }
        let allowed = allowed_except(None);
        let ranked: Vec<u32> = matching
            .iter()
            .map(|hit| hit.doc)
            .filter(|&doc| allowed.contains(doc))
            .collect();

        let facets = facet_shards
            .iter()
            .map(|(facet, shard)| {
                let mut within = allowed_except(Some(*facet));
                within.intersect(&matched);
                let counts = shard
                    .counts(&within)
                    .into_iter()
                    .map(|(value, count)| (value.to_owned(), count))
                    .collect();
                (*facet, counts)
            })
            .collect();

        Ok(Matches { ranked, facets })
    }
}
