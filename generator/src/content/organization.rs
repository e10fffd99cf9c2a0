//! Organisations: Markdown with front matter.

use almanac_model::Organization;

use crate::content::fields::Reader;
use crate::content::{Draft, MarkdownFile, identifier};
use crate::diagnostics::Diagnostics;

/// Front-matter fields of an organisation.
pub const FIELDS: &[&str] = &["name", "ror", "url"];

/// Loads an organisation from a Markdown file.
pub fn from_markdown(
    id: &str,
    file: &MarkdownFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Draft<Organization> {
    let reader = Reader::new(file.path, &file.front_matter, FIELDS, diagnostics);
    let ror = reader.string("ror", diagnostics).and_then(|text| {
        let ror = identifier::ror(&text);
        if ror.is_none() {
            let position = reader
                .get("ror")
                .map_or_else(Default::default, |n| n.position);
            diagnostics.warning(
                "malformed-ror",
                reader.at(position),
                format!("`{text}` is not a ROR id"),
            );
        }
        ror
    });
    Draft::new(Organization {
        id: id.to_owned(),
        source_file: file.source_file.to_owned(),
        name: reader
            .required("name", diagnostics)
            .unwrap_or_else(|| id.to_owned()),
        ror,
        url: reader.string("url", diagnostics),
        description: file.body.to_owned(),
        implicit: false,
    })
}
