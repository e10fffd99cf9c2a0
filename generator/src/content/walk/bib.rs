//! BibTeX files of a library folder (content stage): reading their entries (within the
//! `[limits]` macro budget), with the parser's problems as diagnostics, and adding each entry as
//! a paper through an index, so that a file of n entries merges in O(n).

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
    index: &mut PaperIndex,
    label: &str,
    diagnostics: &mut Diagnostics,
) {
    let same_doi = |p: &Draft<almanac_model::Paper>| {
        p.entity.doi.is_some()
            && p.entity.doi.as_deref().map(str::to_lowercase)
                == draft.entity.doi.as_deref().map(str::to_lowercase)
    };
    let Some(position) = index.find(&draft).filter(|&at| at < papers.len()) else {
        index.add(&draft, papers.len());
        papers.push(draft);
        return;
    };
    let existing = &mut papers[position];
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
    // The merge may have given the paper a DOI.
    index.add(&papers[position], position);
}

/// The papers loaded so far by id and by lowercased DOI (the first paper of each).
#[derive(Debug, Default)]
pub(super) struct PaperIndex {
    by_id: std::collections::HashMap<String, usize>,
    by_doi: std::collections::HashMap<String, usize>,
}

impl PaperIndex {
    pub(super) fn of(papers: &[Draft<almanac_model::Paper>]) -> Self {
        let mut index = Self::default();
        for (position, paper) in papers.iter().enumerate() {
            index.add(paper, position);
        }
        index
    }

    fn add(&mut self, paper: &Draft<almanac_model::Paper>, position: usize) {
        // Entries whose key gives no id are not the same paper; resolve reports each.
        if !paper.entity.id.is_empty() {
            self.by_id
                .entry(paper.entity.id.clone())
                .or_insert(position);
        }
        if let Some(doi) = &paper.entity.doi {
            self.by_doi.entry(doi.to_lowercase()).or_insert(position);
        }
    }

    /// The first paper with `draft`'s id or DOI.
    fn find(&self, draft: &Draft<almanac_model::Paper>) -> Option<usize> {
        let by_id = (!draft.entity.id.is_empty())
            .then(|| self.by_id.get(&draft.entity.id).copied())
            .flatten();
        let by_doi = draft
            .entity
            .doi
            .as_ref()
            .and_then(|doi| self.by_doi.get(&doi.to_lowercase()).copied());
        match (by_id, by_doi) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
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
    let (entries, problems) = bibtex::parse_limited(&text, 0, paths.limits.bibtex_macro_bytes);
    for problem in problems {
        // An entry without a key gets an empty id, which resolve reports (`empty-id`) at the
        // same place: one problem, one diagnostic.
        if problem.kind == bibtex::ProblemKind::MissingKey {
            continue;
        }
        let code = match problem.kind {
            bibtex::ProblemKind::MacroBudget => "bibtex-macro-budget",
            _ => "bibtex",
        };
        diagnostics
            .warning(
                code,
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
