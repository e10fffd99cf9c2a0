//! Matching for the quick find: case-insensitive prefix and substring search over the titles,
//! ids and tags of the entity list, best matches first.

use almanac_model::EntitySummary;

/// How well one query word matches an entry; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    TitleStart,
    TitleWordStart,
    IdStart,
    TagStart,
    TitleContains,
    IdOrTagContains,
}

/// One entity with the lower-cased fields it is matched on.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    summary: EntitySummary,
    title: String,
    id: String,
    tags: Vec<String>,
}

/// The entity list, prepared once for searching as the user types.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    /// Prepares `summaries` for searching.
    pub fn new(summaries: Vec<EntitySummary>) -> Self {
        let entries = summaries
            .into_iter()
            .map(|summary| Entry {
                title: summary.title.to_lowercase(),
                id: summary.id.to_lowercase(),
                tags: summary.tags.iter().map(|tag| tag.to_lowercase()).collect(),
                summary,
            })
            .collect();
        Self { entries }
    }

    /// The best `limit` entities matching every word of `query`, best first.
    ///
    /// A word matches when it starts or occurs in the title, the id or a tag. Ties are broken by
    /// title, then kind, so results are stable while typing. An empty query matches nothing.
    pub fn find(&self, query: &str, limit: usize) -> Vec<&EntitySummary> {
        let query = query.to_lowercase();
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(usize, &Entry)> = self
            .entries
            .iter()
            .filter_map(|entry| {
                words
                    .iter()
                    .map(|word| entry.rank(word).map(|rank| rank as usize))
                    .sum::<Option<usize>>()
                    .map(|score| (score, entry))
            })
            .collect();
        scored.sort_by(|(score_a, a), (score_b, b)| {
            score_a
                .cmp(score_b)
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.summary.kind.cmp(&b.summary.kind))
                .then_with(|| a.id.cmp(&b.id))
        });
        scored
            .into_iter()
            .take(limit)
            .map(|(_, entry)| &entry.summary)
            .collect()
    }
}

impl Entry {
    /// The best way `word` (lower-cased, non-empty) matches this entry, if it does.
    fn rank(&self, word: &str) -> Option<Rank> {
        let title = match_in(&self.title, word).map(|found| match found {
            Found::Start => Rank::TitleStart,
            Found::WordStart => Rank::TitleWordStart,
            Found::Inside => Rank::TitleContains,
        });
        let id = match_in(&self.id, word).map(|found| match found {
            Found::Start | Found::WordStart => Rank::IdStart,
            Found::Inside => Rank::IdOrTagContains,
        });
        let tags = self
            .tags
            .iter()
            .filter_map(|tag| match_in(tag, word))
            .min()
            .map(|found| match found {
                Found::Start | Found::WordStart => Rank::TagStart,
                Found::Inside => Rank::IdOrTagContains,
            });
        [title, id, tags].into_iter().flatten().min()
    }
}

/// Where a word occurs in a text; earlier variants are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Found {
    Start,
    WordStart,
    Inside,
}

/// The best occurrence of `word` in `text`: at the start, at the start of a word (after a
/// space, hyphen or other non-alphanumeric character), or anywhere.
fn match_in(text: &str, word: &str) -> Option<Found> {
    text.match_indices(word)
        .map(|(at, _)| {
            if at == 0 {
                Found::Start
            } else if text[..at]
                .chars()
                .next_back()
                .is_some_and(|before| !before.is_alphanumeric())
            {
                Found::WordStart
            } else {
                Found::Inside
            }
        })
        .min()
}

#[cfg(test)]
mod tests {
    use almanac_model::EntityKind;

    use super::*;

    fn summary(kind: EntityKind, id: &str, title: &str, tags: &[&str]) -> EntitySummary {
        EntitySummary {
            kind,
            id: id.to_owned(),
            title: title.to_owned(),
            url: format!("{}/{id}/", kind.plural()),
            summary: String::new(),
            tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        }
    }

    fn index() -> SearchIndex {
        SearchIndex::new(vec![
            summary(
                EntityKind::Dataset,
                "ostia",
                "OSTIA Sea Surface Temperature",
                &["ocean", "sst"],
            ),
            summary(
                EntityKind::Dataset,
                "era5",
                "ERA5 Reanalysis",
                &["atmosphere"],
            ),
            summary(
                EntityKind::Paper,
                "yu-2023",
                "ClimSim: a large multi-scale dataset",
                &["machine learning", "atmosphere"],
            ),
            summary(EntityKind::Person, "jane-doe", "Jane Doe", &[]),
        ])
    }

    fn ids(found: &[&EntitySummary]) -> Vec<String> {
        found.iter().map(|entry| entry.id.clone()).collect()
    }

    #[test]
    fn empty_query_matches_nothing() {
        assert!(index().find("", 8).is_empty());
        assert!(index().find("   ", 8).is_empty());
    }

    #[test]
    fn matching_ignores_case() {
        assert_eq!(ids(&index().find("ostia", 8)), ["ostia"]);
        assert_eq!(ids(&index().find("Sea SURF", 8)), ["ostia"]);
    }

    #[test]
    fn better_matches_come_first() {
        // A title word start ("reanalysis") beats a substring of a title ("temperature"),
        // which beats one of a tag ("atmosphere").
        assert_eq!(ids(&index().find("re", 8)), ["era5", "ostia", "yu-2023"]);
        // Equal matches (a tag prefix each) are ordered by title.
        assert_eq!(ids(&index().find("atmo", 8)), ["yu-2023", "era5"]);
    }

    #[test]
    fn ids_and_tags_match() {
        assert_eq!(ids(&index().find("yu-20", 8)), ["yu-2023"]);
        assert_eq!(ids(&index().find("sst", 8)), ["ostia"]);
        assert_eq!(ids(&index().find("learn", 8)), ["yu-2023"]);
    }

    #[test]
    fn every_word_must_match() {
        assert_eq!(ids(&index().find("jane doe", 8)), ["jane-doe"]);
        assert!(index().find("jane ocean", 8).is_empty());
    }

    #[test]
    fn results_are_limited() {
        assert_eq!(index().find("a", 2).len(), 2);
    }
}
