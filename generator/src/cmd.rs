//! Subcommands. Each returns the process exit code; `anyhow` is used only in
//! this layer, to add context to library errors.

mod build;
mod check;
mod init;
mod inspect;
mod query;
mod search;
mod serve;

use std::process::ExitCode;

use almanac::Diagnostics;

use crate::cli::{Cli, Command, Format};

/// Runs the command `cli` asks for.
///
/// # Errors
///
/// Failures of the environment or configuration (exit code 2).
pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Init { dir } => init::run(cli, dir.as_deref()),
        Command::Build {
            output,
            base_url,
            refresh,
            offline,
        } => build::run(
            cli,
            output.as_deref(),
            base_url.as_deref(),
            *refresh,
            *offline,
        ),
        Command::Check {
            paths,
            refresh,
            offline,
        } => check::run(cli, paths, *refresh, *offline),
        Command::Serve { port, output } => serve::run(cli, *port, output.as_deref()),
        Command::Search { query, limit } => search::run(cli, query, *limit),
        Command::Inspect { url } => inspect::run(cli, url),
        Command::Query {
            query,
            file,
            graph,
            results,
        } => query::run(
            cli,
            query.as_deref(),
            file.as_deref(),
            graph.as_deref(),
            *results,
        ),
    }
}

/// Prints diagnostics as the user asked and returns the exit code they imply.
fn report(cli: &Cli, diagnostics: &Diagnostics) -> ExitCode {
    match cli.format {
        Format::Json => println!("{}", diagnostics.to_json()),
        Format::Github => print!("{}", diagnostics.to_github(cli.verbose)),
        Format::Human => eprint!("{}", diagnostics.to_text(cli.verbose)),
    }
    if !cli.quiet && cli.format != Format::Json {
        eprintln!("{}", diagnostics.summary());
    }
    if diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The project's options and library, for commands that read the content without building
/// (search, query): content errors are noted on stderr, not fatal.
///
/// # Errors
///
/// When `almanac.toml` cannot be read.
fn library(cli: &Cli) -> anyhow::Result<(almanac::BuildOptions, almanac_model::Library)> {
    let options = almanac::BuildOptions::for_project(&cli.root)?;
    let (library, diagnostics) = almanac::load_library(&options);
    if diagnostics.has_errors() && !cli.quiet {
        eprintln!(
            "note: the content has errors ({}); `almanac check` lists them",
            diagnostics.summary()
        );
    }
    Ok((options, library))
}
