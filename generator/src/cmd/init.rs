//! `almanac init [DIR]`: scaffolds a new library (see `almanac::scaffold`).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::Cli;

pub fn run(cli: &Cli, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let dir = dir.unwrap_or(&cli.root);
    let written = almanac::scaffold::write(dir).context("nothing was written")?;
    if !cli.quiet {
        for name in &written {
            eprintln!("  created {name}");
        }
        let shown = dir.display();
        eprintln!(
            "\nA new library in {shown}. Next:\n  \
             cd {shown}\n  \
             almanac build --offline   # the example site in public/ (without --offline, stores are read)\n  \
             almanac serve             # preview on http://127.0.0.1:8000/, rebuilt on every edit\n  \
             almanac check             # what the pull-request workflow runs\n\
             Replace the examples in content/ with your datasets, papers, models, code, courses,\n\
             people and organisations; .github/workflows/ builds the site on GitHub Pages."
        );
    }
    Ok(ExitCode::SUCCESS)
}
