//! `almanac query`: SPARQL over the knowledge graph. Without `--graph` the
//! graph is built in memory from the content folder (the same graph `almanac
//! build` writes, so it is never stale); with `--graph` a written graph file
//! is read instead.

use std::path::Path;
use std::process::ExitCode;

use almanac::graph::{self, query::ResultFormat};
use anyhow::Context as _;

use crate::cli::{Cli, Format, ResultsFormat};

pub fn run(
    cli: &Cli,
    query: Option<&str>,
    file: Option<&Path>,
    graph_file: Option<&Path>,
    results: Option<ResultsFormat>,
) -> anyhow::Result<ExitCode> {
    let text = match (query, file) {
        (Some(query), _) => query.to_owned(),
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the query file {}", file.display()))?,
        (None, None) => anyhow::bail!("give a query, or --file FILE"),
    };
    let format = match results {
        Some(ResultsFormat::Table) => ResultFormat::Table,
        Some(ResultsFormat::Csv) => ResultFormat::Csv,
        Some(ResultsFormat::Json) => ResultFormat::Json,
        None if cli.format == Format::Json => ResultFormat::Json,
        None => ResultFormat::Table,
    };
    let store = match graph_file {
        Some(path) => graph::query::load(path)?,
        None => {
            let (options, library) = super::library(cli)?;
            let links = almanac::links::Links::new(&library);
            graph::build(&library, &links, &options.config).to_store()?
        }
    };
    let answer = graph::query::run(&store, &text, format).context("query failed")?;
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), answer.text.as_bytes());
    if !cli.quiet && format == ResultFormat::Table {
        eprintln!(
            "{} {}",
            answer.rows,
            if answer.rows == 1 { "row" } else { "rows" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
