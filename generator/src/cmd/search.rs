//! `almanac search`: the site's search from the command line. The index is built in memory
//! from the content folder and queried with the code the browser runs.

use std::process::ExitCode;

use crate::cli::{Cli, Format};

pub fn run(cli: &Cli, query: &str, limit: usize) -> anyhow::Result<ExitCode> {
    let (_, library) = super::library(cli)?;
    let hits = almanac::search::search_library(&library, query, limit);
    let mut out = String::new();
    if cli.format == Format::Json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|(summary, score)| {
                serde_json::json!({
                    "kind": summary.kind.name(),
                    "id": summary.id,
                    "title": summary.title,
                    "url": summary.url,
                    "score": score,
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&rows)?;
        out.push('\n');
    } else {
        for (rank, (summary, score)) in hits.iter().enumerate() {
            out.push_str(&format!(
                "{:>3}. {:<12} {}  ({}, {score:.2})\n",
                rank + 1,
                summary.kind.label(),
                summary.title,
                summary.url
            ));
        }
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    if !cli.quiet && cli.format == Format::Human {
        eprintln!(
            "{} {}",
            hits.len(),
            if hits.len() == 1 { "result" } else { "results" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
