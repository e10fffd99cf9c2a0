//! People: Markdown with front matter; the body is a short biography.

use almanac_model::Person;

use crate::content::fields::Reader;
use crate::content::{Draft, MarkdownFile, identifier};
use crate::diagnostics::{Diagnostics, Location};

/// Front-matter fields of a person.
pub const FIELDS: &[&str] = &["name", "orcid", "github", "url", "affiliations"];

/// Loads a person from a Markdown file.
pub fn from_markdown(
    id: &str,
    file: &MarkdownFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Draft<Person> {
    let reader = Reader::new(file.path, &file.front_matter, FIELDS, diagnostics);
    let orcid_position = reader
        .get("orcid")
        .map_or_else(Default::default, |n| n.position);
    let orcid = reader
        .string("orcid", diagnostics)
        .and_then(|text| check_orcid(&text, &reader.at(orcid_position), diagnostics));
    let mut draft = Draft::new(Person {
        id: id.to_owned(),
        source_file: file.source_file.to_owned(),
        name: reader
            .required("name", diagnostics)
            .unwrap_or_else(|| id.to_owned()),
        orcid,
        github: reader
            .string("github", diagnostics)
            .and_then(|g| identifier::github(&g)),
        url: reader.string("url", diagnostics),
        affiliations: Vec::new(),
        bio: file.body.to_owned(),
        implicit: false,
        extra: reader.extra(FIELDS, diagnostics),
    });
    draft.refs.extend(reader.refs("affiliations", diagnostics));
    draft
}

/// Normalises an ORCID as written, reporting malformed ones and bad check digits.
pub fn check_orcid(
    text: &str,
    location: &Location,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    match identifier::orcid(text) {
        identifier::Orcid::Valid(bare) => Some(bare),
        identifier::Orcid::BadChecksum(bare) => {
            diagnostics
                .error(
                    "malformed-orcid",
                    location.clone(),
                    format!("ORCID `{bare}` has a wrong check digit"),
                )
                .help = Some("copy the iD from the person's orcid.org page".into());
            None
        }
        identifier::Orcid::Malformed => {
            diagnostics
                .error(
                    "malformed-orcid",
                    location.clone(),
                    format!("`{text}` is not an ORCID iD"),
                )
                .help = Some(
                "an ORCID looks like `0000-0001-8571-865X`, with or without `https://orcid.org/`"
                    .into(),
            );
            None
        }
    }
}

/// Front-matter fields of a Hugo Academic author profile that Almanac reads or knows.
pub const HUGO_PROFILE_FIELDS: &[&str] = &[
    "title",
    "superuser",
    "role",
    "organizations",
    "bio",
    "interests",
    "education",
    "social",
    "email",
    "highlight_name",
    "user_groups",
    "first_name",
    "last_name",
];

/// Reads a Hugo Academic author profile: the name is `title`, the ORCID and
/// GitHub handle come from the `social` links, the body is the biography.
pub fn from_hugo_profile(file: &MarkdownFile<'_>, diagnostics: &mut Diagnostics) -> Draft<Person> {
    let reader = Reader::new(
        file.path,
        &file.front_matter,
        HUGO_PROFILE_FIELDS,
        diagnostics,
    );
    let name = reader
        .required("title", diagnostics)
        .unwrap_or_else(|| file.source_file.to_owned());
    let links: Vec<(String, crate::diagnostics::Position)> = reader
        .get("social")
        .map(crate::content::document::Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            item.get("link")
                .and_then(|l| l.as_text().map(|t| (t, l.position)))
        })
        .collect();
    let orcid = links
        .iter()
        .find(|(link, _)| link.contains("orcid.org/"))
        .and_then(|(link, position)| check_orcid(link, &reader.at(*position), diagnostics));
    let github = links
        .iter()
        .find(|(link, _)| link.contains("github.com/"))
        .and_then(|(link, _)| identifier::github(link));
    let mut draft = Draft::new(Person {
        id: identifier::slug(&name),
        source_file: file.source_file.to_owned(),
        name,
        orcid,
        github,
        url: None,
        affiliations: Vec::new(),
        bio: file.body.to_owned(),
        implicit: false,
        // Role, interests, education, the full social links and the rest stay as written.
        extra: reader.extra(&["title"], diagnostics),
    });
    // Affiliations are named, not referenced by id; resolution matches them
    // to organisations by name (or gives them pages of their own).
    for item in reader
        .get("organizations")
        .map(crate::content::document::Node::items)
        .unwrap_or_default()
    {
        let name = item
            .get("name")
            .and_then(crate::content::document::Node::as_text)
            .or_else(|| item.as_text());
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            draft.refs.push(crate::content::fields::RefSpec {
                field: "affiliations",
                text: name.trim().to_owned(),
                location: reader.at(item.position),
            });
        }
    }
    draft
}
