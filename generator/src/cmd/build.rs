//! `almanac build`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;

use crate::cli::Cli;

pub fn run(
    cli: &Cli,
    output: Option<&Path>,
    base_url: Option<&str>,
    refresh: bool,
    offline: bool,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut options = almanac::BuildOptions::for_project(&cli.root)?;
    options.use_crawl_cache(refresh);
    options.config.crawl.offline |= offline;
    options.crawl.progress = almanac::crawl::progress::Progress::for_stderr(cli.quiet);
    options.output = output.map(Path::to_path_buf);
    if let Some(base) = base_url {
        let base = if base.ends_with('/') {
            base.to_owned()
        } else {
            format!("{base}/")
        };
        options.config.site.base_url = Some(base);
    }
    let report =
        almanac::build(&options).context("build failed; the previous output is unchanged")?;
    let code = super::report(cli, &report.diagnostics);
    if !cli.quiet {
        eprintln!(
            "built {} entities into {}: {} files, {} KiB in {:.2} s",
            almanac_model::EntityKind::ALL
                .iter()
                .map(|k| report.library.count(*k))
                .sum::<usize>(),
            report.output.display(),
            report.files,
            report.bytes / 1024,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(code)
}
