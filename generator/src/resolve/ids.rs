//! Admitting entity ids (resolve stage): an id becomes a folder of the site, of the STAC
//! catalog and of the graph, so every id is checked as a file name before anything is
//! linked or written. Unsafe, empty and reserved ids and ids that collide with another
//! entity's on disk are errors naming the files; the entity is left out, the rest builds.

use std::collections::HashMap;

use almanac_model::EntityKind;

use crate::content::Draft;
use crate::content::file_name::{self, Problem};
use crate::diagnostics::{Diagnostics, Location};

/// Names Almanac writes next to the folders of entities of `kind`: the list renderers' own in
/// `<kind>/`, and for datasets the STAC stage's in `stac/`.
#[must_use]
pub fn reserved_names(kind: EntityKind) -> Vec<&'static str> {
    let mut names = crate::render::kind_folder_names(kind);
    if kind == EntityKind::Dataset {
        names.extend_from_slice(crate::stac::ROOT_FOLDER_NAMES);
    }
    names
}

/// True when an implicit entity of `kind` (one Almanac names itself) may take `candidate`:
/// a usable file name that collides with no id `taken` says is in use.
pub fn available(kind: EntityKind, candidate: &str, taken: impl Fn(&str) -> bool) -> bool {
    file_name::problem(candidate, &reserved_names(kind)).is_none() && !taken(candidate)
}

/// The first of `base`, `base-2`, `base-3`, … that is [`available`] (`fallback` when `base`
/// is empty).
pub fn free(kind: EntityKind, base: &str, fallback: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = if base.is_empty() { fallback } else { base };
    std::iter::once(base.to_owned())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|candidate| available(kind, candidate, &taken))
        .unwrap_or_else(|| base.to_owned())
}

/// Keeps the entities whose id can be a file name, the first of each id and of each set of
/// ids that collide on disk; reports the others.
pub fn admit<T>(
    drafts: Vec<Draft<T>>,
    label: &str,
    kind: EntityKind,
    id: fn(&T) -> &String,
    file: fn(&T) -> &String,
    diagnostics: &mut Diagnostics,
) -> Vec<Draft<T>> {
    let shown_file = |entity: &T| crate::diagnostics::source_shown(label, file(entity));
    let reserved = reserved_names(kind);
    let mut exact: HashMap<String, String> = HashMap::new();
    let mut keys: HashMap<String, (String, String)> = HashMap::new();
    let mut kept = Vec::new();
    for draft in drafts {
        let this_file = shown_file(&draft.entity);
        let key = id(&draft.entity).clone();
        let at = draft
            .origin
            .clone()
            .unwrap_or_else(|| Location::file(this_file.clone()));
        if let Some(problem) = file_name::problem(&key, &reserved) {
            report(kind, &key, &problem, at, diagnostics);
            continue;
        }
        if let Some(first) = exact.get(&key) {
            diagnostics
                .error(
                    "duplicate-id",
                    Location::file(this_file),
                    format!("{} id `{key}` is already used by {first}", kind.name()),
                )
                .help = Some("rename one of the two files".into());
            continue;
        }
        let collision = file_name::collision_key(&key);
        if let Some((other, first)) = keys.get(&collision) {
            diagnostics
                .error(
                    "id-collision",
                    at,
                    format!(
                        "{} id `{}` ({this_file}) and `{}` ({first}) {}",
                        kind.name(),
                        file_name::shown_apart(&key, other).0,
                        file_name::shown_apart(&key, other).1,
                        file_name::collision_reason(&key, other),
                    ),
                )
                .help = Some(format!(
                "this {} is left out; rename one of the two so their ids differ in letters or digits",
                kind.name()
            ));
            continue;
        }
        exact.insert(key.clone(), this_file.clone());
        keys.insert(collision, (key, this_file));
        kept.push(draft);
    }
    kept
}

fn report(
    kind: EntityKind,
    id: &str,
    problem: &Problem,
    at: Location,
    diagnostics: &mut Diagnostics,
) {
    let name = kind.name();
    let help = match problem {
        Problem::Empty => format!(
            "this {name} is left out; give it a name or key with letters or digits (its id is made from them)"
        ),
        Problem::Unsafe(_) => {
            let slug = crate::content::identifier::slug(id);
            if slug.is_empty() {
                format!("this {name} is left out; use an id of a-z, 0-9 and `-`")
            } else {
                format!("this {name} is left out; use an id of a-z, 0-9 and `-`, such as `{slug}`")
            }
        }
        Problem::Reserved(reserved) => format!(
            "this {name} is left out: `{}/{reserved}` is a page or file of the site or its STAC catalog; rename the {name}",
            kind.plural()
        ),
    };
    diagnostics
        .error(
            problem.code(),
            at,
            format!("{name} id `{}` {problem}", file_name::shown(id)),
        )
        .help = Some(help);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, file: &str) -> Draft<almanac_model::Person> {
        Draft::new(almanac_model::Person {
            id: id.into(),
            source_file: file.into(),
            name: id.into(),
            orcid: None,
            github: None,
            url: None,
            affiliations: Vec::new(),
            bio: String::new(),
            implicit: false,
            extra: std::collections::BTreeMap::new(),
        })
    }

    fn codes(diagnostics: &Diagnostics) -> Vec<(String, String)> {
        diagnostics
            .items()
            .iter()
            .map(|d| (d.location.file.clone(), d.code.to_owned()))
            .collect()
    }

    #[test]
    fn bad_ids_are_left_out_with_their_file() {
        let mut diagnostics = Diagnostics::new();
        let kept = admit(
            vec![
                person("ada", "people/ada.md"),
                person("Ada", "people/Ada.md"),
                person("", "people/x.bib"),
                person("page", "people/page.md"),
                person("a\\b", "people/a\\b.md"),
                person("ada", "people/ada/index.md"),
                person("bob", "people/bob.md"),
            ],
            "content",
            EntityKind::Person,
            |p| &p.id,
            |p| &p.source_file,
            &mut diagnostics,
        );
        let ids: Vec<&str> = kept.iter().map(|d| d.entity.id.as_str()).collect();
        assert_eq!(ids, vec!["ada", "bob"]);
        assert_eq!(
            codes(&diagnostics),
            vec![
                ("content/people/Ada.md".into(), "id-collision".into()),
                ("content/people/x.bib".into(), "empty-id".into()),
                ("content/people/page.md".into(), "reserved-id".into()),
                ("content/people/a\\b.md".into(), "unsafe-id".into()),
                ("content/people/ada/index.md".into(), "duplicate-id".into()),
            ]
        );
        let collision = &diagnostics.items()[0].message;
        assert!(
            collision.contains("content/people/ada.md")
                && collision.contains("content/people/Ada.md"),
            "{collision}"
        );
    }

    #[test]
    fn origin_is_preferred_to_the_file() {
        let mut diagnostics = Diagnostics::new();
        let mut draft = person("", "papers/refs.bib");
        draft.origin = Some(Location::at(
            "content/papers/refs.bib",
            crate::diagnostics::Position::new(3, 1),
        ));
        let kept = admit(
            vec![draft],
            "content",
            EntityKind::Paper,
            |p| &p.id,
            |p| &p.source_file,
            &mut diagnostics,
        );
        assert!(kept.is_empty());
        let diagnostic = &diagnostics.items()[0];
        assert_eq!(diagnostic.location.file, "content/papers/refs.bib");
        assert_eq!(
            diagnostic.location.position,
            Some(crate::diagnostics::Position::new(3, 1))
        );
    }

    #[test]
    fn datasets_reserve_list_facet_and_stac_names() {
        for name in [
            "index.html",
            "page",
            "tags",
            "variables",
            "licenses",
            "catalog.json",
            "pages",
        ] {
            assert!(
                reserved_names(EntityKind::Dataset).contains(&name),
                "{name}"
            );
        }
        assert!(!reserved_names(EntityKind::Paper).contains(&"tags"));
    }

    #[test]
    fn implicit_ids_skip_reserved_and_taken_names() {
        assert_eq!(
            free(EntityKind::Person, "page", "person", |_| false),
            "page-2"
        );
        assert_eq!(
            free(EntityKind::Organization, "", "organization", |_| false),
            "organization"
        );
        assert_eq!(
            free(EntityKind::Person, "ada", "person", |c| c == "ada"),
            "ada-2"
        );
    }
}
