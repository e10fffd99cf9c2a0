//! The bundled demo library shows what Almanac is for: enough real,
//! cross-linked content of every kind, and committed Zarr stores in both
//! formats. These tests keep it that way.

use std::path::{Path, PathBuf};

use almanac::BuildOptions;
use almanac_model::{EntityKind, Library, Reference, StoreScheme};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn demo() -> Library {
    let options = BuildOptions::for_project(&repo()).expect("demo almanac.toml");
    let (library, diagnostics) = almanac::load_library(&options);
    assert!(
        !diagnostics.has_errors() && diagnostics.count(almanac::Severity::Warning) == 0,
        "the demo library must be clean:\n{}",
        diagnostics.to_text(false)
    );
    library
}

fn links_to(references: &[Reference], kind: EntityKind) -> usize {
    references
        .iter()
        .filter_map(Reference::entity)
        .filter(|t| t.kind == kind)
        .count()
}

#[test]
fn at_least_eight_datasets_have_committed_zarr_stores_in_both_formats() {
    let library = demo();
    let content = repo().join("content");
    let mut with_local_store = 0;
    let (mut v2_consolidated, mut v3) = (0, 0);
    for dataset in &library.datasets {
        let local: Vec<_> = dataset
            .stores
            .iter()
            .filter(|s| s.scheme == StoreScheme::File)
            .collect();
        if !local.is_empty() {
            with_local_store += 1;
        }
        for store in local {
            let path = content.join(
                store
                    .local_path
                    .as_deref()
                    .expect("local stores have a path"),
            );
            assert!(
                path.is_dir(),
                "{}: store {} is not committed at {}",
                dataset.id,
                store.id,
                path.display()
            );
            if path.join(".zmetadata").is_file() && path.join(".zgroup").is_file() {
                v2_consolidated += 1;
            } else if path.join("zarr.json").is_file() {
                v3 += 1;
            } else {
                panic!(
                    "{}: {} is neither Zarr v2 with .zmetadata nor Zarr v3",
                    dataset.id,
                    path.display()
                );
            }
        }
    }
    assert!(
        with_local_store >= 8,
        "only {with_local_store} datasets have committed stores"
    );
    assert!(
        v2_consolidated >= 3,
        "v2 consolidated stores: {v2_consolidated}"
    );
    assert!(v3 >= 3, "v3 stores: {v3}");
    assert!(
        content.join("data/make_stores.py").is_file(),
        "the script that makes the stores is committed"
    );
    assert!(
        content.join("data/requirements.txt").is_file(),
        "its pinned requirements are committed"
    );
}

#[test]
fn papers_are_real_and_use_library_datasets() {
    let library = demo();
    let with_doi = library
        .papers
        .iter()
        .filter(|p| p.doi.is_some() && !p.authors.is_empty())
        .count();
    assert!(with_doi >= 12, "papers with a DOI and authors: {with_doi}");
    let using_data = library
        .papers
        .iter()
        .filter(|p| links_to(&p.datasets, EntityKind::Dataset) > 0)
        .count();
    assert!(
        using_data >= 4,
        "papers that use a library dataset: {using_data}"
    );
    for paper in &library.papers {
        assert!(
            !paper.summary.trim().is_empty() || paper.bibtex.is_some(),
            "{} has no summary",
            paper.id
        );
    }
}

#[test]
fn models_are_trained_on_library_datasets_and_courses_use_datasets_and_models() {
    let library = demo();
    let trained = library
        .models
        .iter()
        .filter(|m| links_to(&m.trained_on, EntityKind::Dataset) > 0)
        .count();
    assert!(
        library.models.len() >= 3 && trained >= 3,
        "models trained on library datasets: {trained}"
    );
    let courses_with_data = library
        .courses
        .iter()
        .filter(|c| links_to(&c.datasets, EntityKind::Dataset) > 0)
        .count();
    let courses_with_models = library
        .courses
        .iter()
        .filter(|c| links_to(&c.models, EntityKind::Model) > 0)
        .count();
    assert!(
        courses_with_data >= 2,
        "courses using datasets: {courses_with_data}"
    );
    assert!(
        courses_with_models >= 1,
        "courses using models: {courses_with_models}"
    );
}

#[test]
fn people_have_orcids_and_are_linked() {
    let library = demo();
    let declared: Vec<_> = library.people.iter().filter(|p| !p.implicit).collect();
    let with_orcid = declared.iter().filter(|p| p.orcid.is_some()).count();
    assert!(
        with_orcid >= 5,
        "declared people with an ORCID: {with_orcid}"
    );
    let links = almanac::links::Links::new(&library);
    for person in declared {
        let target = almanac_model::EntityRef::new(EntityKind::Person, &person.id);
        assert!(
            !links.to(&target).is_empty(),
            "{} is linked from nothing",
            person.id
        );
    }
}
