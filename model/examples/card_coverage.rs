//! How many type-ahead queries a built index answers in one round of requests: for every
//! distinct title word (three letters or more, not a number) and every pair of adjacent title
//! words, whether the term shards the query needs carry the cards of its 8 best matches (so no
//! per-document fragment is fetched). Run by `scripts/bench-search.sh` on the synthetic
//! library; the figures are in docs/benchmarks.md.
//!
//! Usage: `cargo run --release -p almanac-model --example card_coverage -- SITE-FOLDER`

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use almanac_model::EntitySummary;
use almanac_model::search::{CARDS_PER_TERM, IndexEntry, Query, Searcher, TermShard};

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))
}

/// The words of a title a person might type: three letters or more, not a number.
fn title_words(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect()
}

fn run(site: &Path) -> Result<(), String> {
    let root = site.join("search");
    let entry = IndexEntry::from_json(&read(&root.join("index.json"))?)
        .map_err(|error| format!("index.json: {error}"))?;
    let mut shards: BTreeMap<&str, TermShard> = BTreeMap::new();
    for shard in &entry.shards {
        let decoded = TermShard::decode(&read(&root.join(&shard.file))?)
            .map_err(|error| format!("{}: {error}", shard.file))?;
        shards.insert(shard.file.as_str(), decoded);
    }
    let mut words = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    for doc in 0..entry.documents {
        let summary: EntitySummary =
            serde_json::from_slice(&read(&root.join(entry.fragment_file(doc)))?)
                .map_err(|error| format!("fragment {doc}: {error}"))?;
        let title = title_words(&summary.title);
        words.extend(title.iter().cloned());
        pairs.extend(title.windows(2).map(|pair| pair.join(" ")));
    }
    println!(
        "{} documents, {} term shards, {} card bytes per shard on average",
        entry.documents,
        shards.len(),
        shards
            .values()
            .map(|s| s.cards.iter().map(|(_, c)| c.encoded_len()).sum::<usize>())
            .sum::<usize>()
            / shards.len().max(1)
    );
    for (label, queries) in [
        ("one title word", &words),
        ("two adjacent title words", &pairs),
    ] {
        let mut answered = 0;
        let mut missing = 0;
        for text in queries {
            // A finished word (followed by a space), as when a query is pasted or set at once.
            let query = Query::parse(&format!("{text} "));
            let files = query.shard_files(&entry);
            let loaded: Vec<(&str, &TermShard)> = files
                .iter()
                .filter_map(|file| Some((*file, shards.get(file)?)))
                .collect();
            let hits = Searcher::new(&entry, loaded.iter().copied())
                .search(&query)
                .unwrap_or_default();
            let without = hits
                .iter()
                .take(CARDS_PER_TERM)
                .filter(|hit| !loaded.iter().any(|(_, s)| s.card(hit.doc).is_some()))
                .count();
            missing += without;
            answered += usize::from(without == 0);
        }
        println!(
            "{label}: {answered} of {} queries answered by their term shards alone ({:.0} %); \
             {missing} of their top-{CARDS_PER_TERM} matches without a card",
            queries.len(),
            100.0 * answered as f64 / queries.len().max(1) as f64
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let Some(site) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: card_coverage SITE-FOLDER");
        return ExitCode::from(2);
    };
    match run(&site) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("card_coverage: {error}");
            ExitCode::FAILURE
        }
    }
}
