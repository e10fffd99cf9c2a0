//! `almanac check`: validates content (the whole library, or given files and
//! feedstock folders) without writing anything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use almanac::{Diagnostics, content, resolve};

use crate::cli::Cli;

pub fn run(cli: &Cli, paths: &[PathBuf], refresh: bool, offline: bool) -> anyhow::Result<ExitCode> {
    if paths.is_empty() {
        let mut options = almanac::BuildOptions::for_project(&cli.root)?;
        options.use_crawl_cache(refresh);
        options.config.crawl.offline |= offline;
        options.crawl.progress = almanac::crawl::progress::Progress::for_stderr(cli.quiet);
        let (library, diagnostics) = almanac::load_library(&options);
        let code = super::report(cli, &diagnostics);
        if !cli.quiet {
            let total: usize = almanac_model::EntityKind::ALL
                .iter()
                .map(|k| library.count(*k))
                .sum();
            eprintln!("checked {total} entities");
        }
        return Ok(code);
    }
    let mut diagnostics = Diagnostics::new();
    let mut loaded = content::Loaded::default();
    for path in paths {
        if !path.exists() {
            anyhow::bail!("{}: no such file or folder", path.display());
        }
        let part = if path.is_dir() {
            check_folder(path, &mut diagnostics)
        } else {
            content::load_file(path, &mut diagnostics)
        };
        loaded.datasets.extend(part.datasets);
        loaded.papers.extend(part.papers);
        loaded.models.extend(part.models);
        loaded.courses.extend(part.courses);
        loaded.code.extend(part.code);
        loaded.people.extend(part.people);
        loaded.organizations.extend(part.organizations);
    }
    // Files checked on their own cannot see the rest of the library, so
    // unknown references are not reported; the people they name are resolved.
    let mut resolve_diagnostics = Diagnostics::new();
    let _ = resolve::resolve(loaded, &mut resolve_diagnostics);
    for diagnostic in resolve_diagnostics.items() {
        if diagnostic.code != "unknown-reference" {
            diagnostics.push(diagnostic.clone());
        }
    }
    diagnostics.sort();
    Ok(super::report(cli, &diagnostics))
}

/// A feedstock folder (with meta.yaml / catalog.yaml, directly or in `feedstock/`).
fn check_folder(dir: &Path, diagnostics: &mut Diagnostics) -> content::Loaded {
    let find = |name: &str| {
        [dir.join(name), dir.join("feedstock").join(name)]
            .into_iter()
            .find(|p| p.is_file())
    };
    let meta = find("meta.yaml");
    let catalog = find("catalog.yaml");
    let mut loaded = content::Loaded::default();
    if meta.is_none() && catalog.is_none() {
        diagnostics.error(
            "missing-file",
            almanac::diagnostics::Location::file(dir.display().to_string()),
            "no meta.yaml or catalog.yaml here or in feedstock/",
        );
        return loaded;
    }
    let id = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map_or_else(|| "dataset".to_owned(), |n| content::identifier::slug(&n));
    loaded.datasets.extend(content::load_dataset_folder(
        &id,
        meta.as_deref(),
        catalog.as_deref(),
        diagnostics,
    ));
    if let Some(cff) = [dir.join("CITATION.cff")].into_iter().find(|p| p.is_file()) {
        let part = content::load_file(&cff, diagnostics);
        loaded.code.extend(part.code);
    }
    loaded
}
