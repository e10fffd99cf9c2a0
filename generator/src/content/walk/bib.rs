//! BibTeX files of a library folder (content stage): reading their entries, with the
//! parser's problems as diagnostics, and adding each entry as a paper.

use std::path::Path;

use super::{Paths, read};
use crate::content::{Draft, bibtex, paper};
use crate::diagnostics::{Diagnostics, Location, Position};

/// Adds a BibTeX paper, merging it into a paper with the same DOI or id. An entry whose key
/// gives the id of another entry's different work (`Smith2021` and `smith2021` both give
/// `smith2021`) is an `id-collision` and is left out, rather than merged into that work.
pub(super) fn merge_or_push(
    draft: Draft<almanac_model::Paper>,
    papers: &mut Vec<Draft<almanac_model::Paper>>,
    label: &str,
    diagnostics: &mut Diagnostics,
) {
    let same_doi = |p: &Draft<almanac_model::Paper>| {
        p.entity.doi.is_some()
            && p.entity.doi.as_deref().map(str::to_lowercase)
                == draft.entity.doi.as_deref().map(str::to_lowercase)
    };
    // Entries whose key gives no id are not the same paper; resolve reports each.
    let same_id = |p: &Draft<almanac_model::Paper>| {
        p.entity.id == draft.entity.id && !draft.entity.id.is_empty()
    };
    let Some(existing) = papers.iter_mut().find(|p| same_doi(p) || same_id(p)) else {
        papers.push(draft);
        return;
    };
    // A Markdown paper and an entry with its id are meant to be one paper (the entry adds
    // its citation); two entries whose keys give one id are two works unless they match.
    let both_bibtex = existing.entity.source_file.ends_with(".bib");
    if both_bibtex && !same_doi(existing) && !paper::same_work(&existing.entity, &draft.entity) {
        let first = if label.is_empty() {
            existing.entity.source_file.clone()
        } else {
            format!(
                "{}/{}",
                label.trim_end_matches('/'),
                existing.entity.source_file
            )
        };
        let at = draft
            .origin
            .clone()
            .unwrap_or_else(|| Location::file(draft.entity.source_file.clone()));
        diagnostics
            .error(
                "id-collision",
                at,
                format!(
                    "this BibTeX entry (“{}”) gets the paper id `{}`, which “{}” ({first}) already has",
                    draft.entity.title, draft.entity.id, existing.entity.title
                ),
            )
            .help = Some(
            "the entry is left out; give it a key that differs in letters or digits, or add the other work's DOI".into(),
        );
        return;
    }
    paper::merge(existing, draft);
}

pub(super) fn bib_entries(
    path: &Path,
    paths: &Paths<'_>,
    diagnostics: &mut Diagnostics,
) -> Vec<bibtex::Entry> {
    let display = paths.display(path);
    let Some(text) = read(path, paths, diagnostics) else {
        return Vec::new();
    };
    let (entries, problems) = bibtex::parse(&text, 0);
    for problem in problems {
        diagnostics
            .warning(
                "bibtex",
                Location::at(
                    &display,
                    Position::new(problem.position.line, problem.position.column),
                ),
                problem.message,
            )
            .help =
            Some("the entry is read as far as possible; fix the BibTeX so nothing is lost".into());
    }
    entries
}
