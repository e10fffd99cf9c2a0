//! Reading typed fields out of a [`Node`] tree, tolerantly: wrong types,
//! unknown keys and likely typos become diagnostics that point at the key.

use std::collections::BTreeMap;

use crate::content::document::{Key, Node, NodeValue};
use crate::diagnostics::{Diagnostics, Location, Position};

/// A reference to another entity as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefSpec {
    /// The field it appears in (`datasets`, `trained_on`, …).
    pub field: &'static str,
    /// The text as written.
    pub text: String,
    /// Where.
    pub location: Location,
}

/// A person as written in an author, maintainer or instructor list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentSpec {
    /// The field it appears in (`authors`, `maintainers`, …).
    pub field: &'static str,
    /// A plain name, when given.
    pub name: Option<String>,
    /// An ORCID as written.
    pub orcid: Option<String>,
    /// A GitHub handle as written.
    pub github: Option<String>,
    /// A person id, when given.
    pub person: Option<String>,
    /// Where.
    pub location: Location,
}

/// Reads the fields of one mapping in one file.
#[derive(Debug)]
pub struct Reader<'a> {
    file: &'a str,
    node: &'a Node,
    /// Unknown keys read as a known key they are a likely typo of: (typo, known).
    aliases: Vec<(&'a str, &'static str)>,
}

impl<'a> Reader<'a> {
    /// A reader for `node` in `file`. Keys not in `known` are reported as
    /// notes (`unknown-field`, kept as extra data), or as warnings when they look
    /// like a typo of a known key that is absent — those are then read as that key.
    pub fn new(
        file: &'a str,
        node: &'a Node,
        known: &[&'static str],
        diagnostics: &mut Diagnostics,
    ) -> Self {
        let mut aliases = Vec::new();
        if !matches!(node.value, NodeValue::Mapping(_) | NodeValue::Null) {
            diagnostics.error(
                "wrong-type",
                Location::at(file, node.position),
                format!("expected a mapping of fields, found {}", node.type_name()),
            );
        }
        // Looked up once, not once per unknown key: a mapping of n unknown keys
        // would otherwise cost n² comparisons (200,000 keys: minutes).
        let absent: Vec<&'static str> = known
            .iter()
            .filter(|k| node.get(k).is_none())
            .copied()
            .collect();
        for (key, _) in node.entries() {
            if known.contains(&key.name.as_str()) {
                continue;
            }
            let typo_of = absent
                .iter()
                .filter(|k| key.name.len() >= 3 && edit_distance(&key.name, k) == 1)
                .copied()
                .collect::<Vec<_>>();
            if let [known_key] = typo_of.as_slice() {
                diagnostics
                    .warning(
                        "unknown-field",
                        Location::at(file, key.position),
                        format!("unknown field `{}`, read as `{known_key}`", key.name),
                    )
                    .help = Some(format!("did you mean `{known_key}`? rename the field"));
                aliases.push((key.name.as_str(), *known_key));
            } else {
                diagnostics.note(
                    "unknown-field",
                    Location::at(file, key.position),
                    format!(
                        "field `{}` is not part of the format; kept as extra data",
                        key.name
                    ),
                );
            }
        }
        Self {
            file,
            node,
            aliases,
        }
    }

    /// The non-null fields not in `modeled`, as written but for the credentials of URLs in
    /// them (`url-credentials`), for an entity's `extra` map. Keys read as a typo of a known key
    /// are not repeated here.
    pub fn extra(
        &self,
        modeled: &[&str],
        diagnostics: &mut Diagnostics,
    ) -> BTreeMap<String, almanac_model::Value> {
        // A set: a document of n unknown keys is checked in O(n), not O(n²).
        let typos: std::collections::HashSet<&str> =
            self.aliases.iter().map(|(typo, _)| *typo).collect();
        self.node
            .entries()
            .iter()
            .filter(|(key, node)| {
                !modeled.contains(&key.name.as_str())
                    && !node.is_null()
                    && !typos.contains(key.name.as_str())
            })
            .filter_map(|(key, node)| {
                let mut removed = Vec::new();
                let value =
                    crate::credentials::public_extra(&key.name, &node.to_value(), &mut removed);
                if !removed.is_empty() {
                    url_credentials(diagnostics, self.at(key.position), &key.name);
                }
                Some((key.name.clone(), value?))
            })
            .collect()
    }

    /// [`Self::extra`] as written, credentials included: for a store, whose reader removes
    /// them itself and marks the store as needing credentials.
    #[must_use]
    pub fn extra_as_written(&self, modeled: &[&str]) -> BTreeMap<String, almanac_model::Value> {
        let typos: std::collections::HashSet<&str> =
            self.aliases.iter().map(|(typo, _)| *typo).collect();
        self.node
            .entries()
            .iter()
            .filter(|(key, node)| {
                !modeled.contains(&key.name.as_str())
                    && !node.is_null()
                    && !typos.contains(key.name.as_str())
            })
            .map(|(key, node)| (key.name.clone(), node.to_value()))
            .collect()
    }

    /// The file being read.
    #[must_use]
    pub const fn file(&self) -> &'a str {
        self.file
    }

    /// A location in this file.
    #[must_use]
    pub fn at(&self, position: Position) -> Location {
        Location::at(self.file, position)
    }

    /// The key and value of `key`, following typo aliases.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<(&'a Key, &'a Node)> {
        self.node.entry(key).or_else(|| {
            self.aliases
                .iter()
                .find(|(_, known)| *known == key)
                .and_then(|(typo, _)| self.node.entry(typo))
        })
    }

    /// The value of `key`, following typo aliases; `None` when absent or null.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entry(key)
            .map(|(_, node)| node)
            .filter(|node| !node.is_null())
    }

    /// A scalar as text. Mappings and lists are reported. URLs in it that carry credentials
    /// are replaced by their public form (`url-credentials`).
    pub fn string(&self, key: &str, diagnostics: &mut Diagnostics) -> Option<String> {
        let text = self.string_as_written(key, diagnostics)?;
        let position = self.get(key).map_or(self.node.position, |n| n.position);
        Some(self.public(key, text, position, diagnostics))
    }

    /// A scalar as text, credentials included: only for a store URL, which is sanitised by its
    /// reader and kept as written for the crawl alone.
    pub fn string_as_written(&self, key: &str, diagnostics: &mut Diagnostics) -> Option<String> {
        let node = self.get(key)?;
        match node.as_text() {
            Some(text) if text.trim().is_empty() => None,
            Some(text) => Some(text.trim().to_owned()),
            None => {
                wrong_type(diagnostics, self.at(node.position), key, "a string", node);
                None
            }
        }
    }

    /// `text` of `key` without the credentials of the URLs in it, reported where they are.
    fn public(
        &self,
        key: &str,
        text: String,
        position: Position,
        diagnostics: &mut Diagnostics,
    ) -> String {
        match crate::credentials::public_text(&text) {
            Some(public) => {
                url_credentials(diagnostics, self.at(position), key);
                public
            }
            None => text,
        }
    }

    /// A required scalar; reports `missing-field` when absent.
    pub fn required(&self, key: &str, diagnostics: &mut Diagnostics) -> Option<String> {
        let value = self.required_as_written(key, diagnostics)?;
        let position = self.get(key).map_or(self.node.position, |n| n.position);
        Some(self.public(key, value, position, diagnostics))
    }

    /// [`Self::required`] with credentials included (see [`Self::string_as_written`]).
    pub fn required_as_written(&self, key: &str, diagnostics: &mut Diagnostics) -> Option<String> {
        let value = self.string_as_written(key, diagnostics);
        if value.is_none() && self.get(key).is_none() {
            diagnostics
                .error(
                    "missing-field",
                    self.at(self.node.position),
                    format!("required field `{key}` is missing"),
                )
                .help = Some(format!("add `{key}:` to the file"));
        }
        value
    }

    /// A boolean; `"true"`/`"false"` strings are accepted.
    pub fn bool(&self, key: &str, diagnostics: &mut Diagnostics) -> Option<bool> {
        let node = self.get(key)?;
        match &node.value {
            NodeValue::Bool(b) => Some(*b),
            NodeValue::String(text) if text.eq_ignore_ascii_case("true") => Some(true),
            NodeValue::String(text) if text.eq_ignore_ascii_case("false") => Some(false),
            _ => {
                wrong_type(
                    diagnostics,
                    self.at(node.position),
                    key,
                    "true or false",
                    node,
                );
                None
            }
        }
    }

    /// A list of scalars; a single scalar is a one-item list.
    pub fn strings(&self, key: &str, diagnostics: &mut Diagnostics) -> Vec<(String, Position)> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        let items: Vec<&Node> = match &node.value {
            NodeValue::Sequence(items) => items.iter().collect(),
            NodeValue::Mapping(_) => {
                wrong_type(diagnostics, self.at(node.position), key, "a list", node);
                return Vec::new();
            }
            _ => vec![node],
        };
        items
            .into_iter()
            .filter_map(|item| match item.as_text() {
                Some(text) if !text.trim().is_empty() => Some((
                    self.public(key, text.trim().to_owned(), item.position, diagnostics),
                    item.position,
                )),
                Some(_) => None,
                None => {
                    if !item.is_null() {
                        wrong_type(
                            diagnostics,
                            self.at(item.position),
                            key,
                            "a list of strings",
                            item,
                        );
                    }
                    None
                }
            })
            .collect()
    }

    /// References to other entities in `key`.
    pub fn refs(&self, key: &'static str, diagnostics: &mut Diagnostics) -> Vec<RefSpec> {
        self.strings(key, diagnostics)
            .into_iter()
            .map(|(text, position)| RefSpec {
                field: key,
                text,
                location: self.at(position),
            })
            .collect()
    }

    /// People in `key`: each a string (person id, ORCID or name) or a mapping
    /// with `name`, `orcid`, `github`, `person`.
    pub fn agents(&self, key: &'static str, diagnostics: &mut Diagnostics) -> Vec<AgentSpec> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        let items: Vec<&Node> = match &node.value {
            NodeValue::Sequence(items) => items.iter().collect(),
            _ => vec![node],
        };
        let mut agents = Vec::new();
        for item in items {
            let location = self.at(item.position);
            match &item.value {
                NodeValue::Mapping(_) => {
                    let fields = Reader::new(
                        self.file,
                        item,
                        &["name", "orcid", "github", "person", "affiliation", "email"],
                        diagnostics,
                    );
                    let agent = AgentSpec {
                        field: key,
                        name: fields.string("name", diagnostics),
                        orcid: fields.string("orcid", diagnostics),
                        github: fields.string("github", diagnostics),
                        person: fields.string("person", diagnostics),
                        location,
                    };
                    if agent.name.is_none()
                        && agent.orcid.is_none()
                        && agent.person.is_none()
                        && agent.github.is_none()
                    {
                        diagnostics.error(
                            "missing-field",
                            self.at(item.position),
                            format!(
                                "an entry of `{key}` has no `name`, `person`, `orcid` or `github`"
                            ),
                        );
                    } else {
                        agents.push(agent);
                    }
                }
                NodeValue::Null => {}
                _ => match item.as_text() {
                    Some(text) if !text.trim().is_empty() => agents.push(AgentSpec {
                        field: key,
                        name: Some(text.trim().to_owned()),
                        location,
                        ..AgentSpec::default()
                    }),
                    _ => {}
                },
            }
        }
        agents
    }
}

/// Reports a value of the wrong type.
/// The `url-credentials` warning: a field held credentials (in a URL, or a secret option),
/// published without them.
fn url_credentials(diagnostics: &mut Diagnostics, at: Location, key: &str) {
    diagnostics
        .warning(
            "url-credentials",
            at,
            format!(
                "`{key}` holds credentials (a URL's user info, signature, token or key, or a secret option); they are left out of everything Almanac writes"
            ),
        )
        .help = Some("remove the credentials from the content and rotate any secret that was committed".into());
}

pub fn wrong_type(
    diagnostics: &mut Diagnostics,
    location: Location,
    key: &str,
    expected: &str,
    found: &Node,
) {
    diagnostics.error(
        "wrong-type",
        location,
        format!(
            "field `{key}` should be {expected}, found {}",
            found.type_name()
        ),
    );
}

/// Edit distance counting a swap of two neighbouring letters as one edit
/// (optimal string alignment), for typo suggestions on short keys.
#[must_use]
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::document::parse_yaml;
    use crate::diagnostics::Severity;

    #[test]
    fn typo_keys_are_read_and_warned() {
        let node = parse_yaml("ags:\n  - a\n  - b\nweird: 1\n", 0).expect("yaml");
        let mut diagnostics = Diagnostics::new();
        let reader = Reader::new("catalog.yaml", &node, &["tags", "stores"], &mut diagnostics);
        let tags: Vec<String> = reader
            .strings("tags", &mut diagnostics)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(tags, ["a", "b"]);
        let items = diagnostics.items();
        assert_eq!(items[0].severity, Severity::Warning);
        assert_eq!(items[0].location.to_string(), "catalog.yaml:1:1");
        assert!(
            items[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("`tags`"))
        );
        assert_eq!(items[1].severity, Severity::Note);
    }

    #[test]
    fn swapped_letters_are_one_edit() {
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(edit_distance("ags", "tags"), 1);
        assert_eq!(edit_distance("tags", "tags"), 0);
        assert_eq!(edit_distance("stores", "tags"), 4);
    }

    #[test]
    fn agents_accept_strings_and_mappings() {
        let node = parse_yaml(
            "authors:\n  - Laure Zanna\n  - name: J\n    orcid: 0000-0001-8571-865X\n  - {}\n",
            0,
        )
        .expect("yaml");
        let mut diagnostics = Diagnostics::new();
        let reader = Reader::new("p.md", &node, &["authors"], &mut diagnostics);
        let agents = reader.agents("authors", &mut diagnostics);
        assert_eq!(agents.len(), 2);
        assert_eq!(agents[1].orcid.as_deref(), Some("0000-0001-8571-865X"));
        assert_eq!(diagnostics.count(Severity::Error), 1);
    }

    #[test]
    fn wrong_types_are_errors_at_the_value() {
        let node = parse_yaml("title:\n  a: b\n", 0).expect("yaml");
        let mut diagnostics = Diagnostics::new();
        let reader = Reader::new("p.md", &node, &["title"], &mut diagnostics);
        assert_eq!(reader.string("title", &mut diagnostics), None);
        assert_eq!(diagnostics.items()[0].code, "wrong-type");
        assert_eq!(diagnostics.items()[0].location.to_string(), "p.md:2:3");
    }
}
