//! `almanac inspect <store-url>`: the facts of one store, for humans or as JSON.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use almanac::crawl::{self, counting::CountingStore, location};
use almanac_model::StoreFacts;
use anyhow::Context as _;

use crate::cli::{Cli, Format};

pub fn run(cli: &Cli, url: &str) -> anyhow::Result<ExitCode> {
    let options = almanac::BuildOptions::for_project(&cli.root)?;
    let mut settings = options.config.crawl;
    settings.offline = false; // asking for one store means reading it
    let cwd = std::env::current_dir().context("no current directory")?;
    let location = location::open(url, &cwd, &settings)
        .map_err(|e| anyhow::anyhow!("{}: {}", e.url, e.message))?;
    let counting = Arc::new(CountingStore::new(Arc::clone(&location.store)));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(crawl::inspect_store_with(
        Arc::clone(&counting) as _,
        &location.prefix,
        &settings.limits,
    ));
    match result {
        Ok((mut facts, warnings)) => {
            // Output of `inspect` lands in CI logs: the store's metadata keeps no credential.
            let scrubbed = almanac::credentials::scrub_facts(&mut facts);
            if !scrubbed.is_empty() {
                eprintln!(
                    "{}: warning[url-credentials]: the store's metadata holds URLs with credentials ({}); shown without them",
                    location.display,
                    scrubbed.join(", ")
                );
            }
            for (key, code, message) in &warnings {
                eprintln!(
                    "{}/{key}: warning[{code}]: {}",
                    location.display,
                    location.redact(message)
                );
            }
            let text = match cli.format {
                Format::Json => format!("{}\n", serde_json::to_string_pretty(&facts)?),
                Format::Human | Format::Github => human(&location.display, &facts),
            };
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
            if !cli.quiet {
                eprintln!("{} requests", counting.requests());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err((key, code, message)) => {
            eprintln!(
                "{}/{key}: error[{code}]: {}",
                location.display,
                location.redact(&message)
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn human(url: &str, facts: &StoreFacts) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{url}\n  Zarr v{}{}, {} arrays, {} groups, {} uncompressed, {} chunks",
        facts.zarr_format,
        if facts.consolidated {
            " (consolidated)"
        } else {
            ""
        },
        facts.arrays.len(),
        facts.groups.len(),
        // Saturated sizes (a hostile store's) read "more than 16 EiB".
        crawl::limits::human_bytes(Some(facts.uncompressed_bytes)),
        facts.chunk_count
    );
    if let Some(time) = &facts.time {
        let step = time
            .step
            .as_deref()
            .map(|s| format!(", step {s}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  time: {} to {} ({}{step})",
            time.start, time.end, time.calendar
        );
    }
    if let Some(b) = facts.bbox {
        let _ = writeln!(
            out,
            "  bbox: west {} south {} east {} north {}",
            b.west, b.south, b.east, b.north
        );
    }
    if let Some(v) = &facts.vertical {
        let _ = writeln!(
            out,
            "  vertical: {} {} to {} {}",
            v.dimension,
            v.extent[0],
            v.extent[1],
            v.units.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(out, "  dimensions:");
    for d in &facts.dimensions {
        let extent = d
            .extent
            .map(|[a, b]| format!(" {a} .. {b}"))
            .unwrap_or_default();
        let _ = writeln!(out, "    {} = {} ({:?}){extent}", d.name, d.size, d.axis);
    }
    let _ = writeln!(out, "  arrays:");
    for a in &facts.arrays {
        let role = a
            .role
            .map_or_else(|| "?".to_owned(), |r| format!("{r:?}").to_lowercase());
        let _ = writeln!(
            out,
            "    {} [{role}] {} ({}) shape {:?} chunks {:?} codecs {}{}",
            a.path,
            a.dtype,
            a.dimensions.join(", "),
            a.shape,
            a.chunks,
            a.codecs.join("+"),
            a.units
                .as_deref()
                .map(|u| format!(" units {u}"))
                .unwrap_or_default()
        );
    }
    out
}
