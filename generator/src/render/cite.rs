//! "How to cite" a dataset: BibTeX (`@misc`) and APA 7 text, from its maintainers (else its
//! producing providers), the year of its latest build, title, the library as publisher, and
//! its DOI (else the page URL when the site has a base URL).

use almanac_model::{Dataset, ProviderRole};

/// Who a dataset citation names: maintainers, else producers, else every provider.
fn creators(dataset: &Dataset) -> Vec<(String, bool)> {
    if !dataset.maintainers.is_empty() {
        return dataset
            .maintainers
            .iter()
            .map(|a| (a.name.clone(), true))
            .collect();
    }
    let producers: Vec<(String, bool)> = dataset
        .providers
        .iter()
        .filter(|p| p.roles.contains(&ProviderRole::Producer))
        .map(|p| (p.name.clone(), false))
        .collect();
    if !producers.is_empty() {
        return producers;
    }
    dataset
        .providers
        .iter()
        .map(|p| (p.name.clone(), false))
        .collect()
}

/// `Ada Lovelace` → `Lovelace, A.`; organisations stay as written.
fn apa_name(name: &str, person: bool) -> String {
    let name = name.trim();
    if !person {
        return name.to_owned();
    }
    if let Some((family, given)) = name.split_once(", ") {
        return format!("{family}, {}", initials(given));
    }
    match name.rsplit_once(' ') {
        Some((given, family)) => format!("{family}, {}", initials(given)),
        None => name.to_owned(),
    }
}

fn initials(given: &str) -> String {
    given
        .split([' ', '-'])
        .filter_map(|part| part.chars().next())
        .filter(|c| c.is_alphabetic())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

fn apa_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, & {last}", init.join(", ")),
    }
}

/// BibTeX-safe text: braces and backslashes escaped.
fn bib(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '{' | '}' | '%' | '&' | '#' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\textbackslash{}"),
            _ => out.push(c),
        }
    }
    out
}

/// The citation of a dataset in BibTeX and APA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// A `@misc` entry.
    pub bibtex: String,
    /// APA 7 reference text.
    pub apa: String,
}

/// How to cite `dataset`; `year` from its build, `url` its page or DOI link, `publisher` the
/// library's name.
#[must_use]
pub fn dataset(
    dataset: &Dataset,
    year: Option<&str>,
    url: Option<&str>,
    publisher: &str,
) -> Citation {
    let creators = creators(dataset);
    let doi_url = dataset.doi.as_ref().map(|d| format!("https://doi.org/{d}"));
    let link = doi_url.as_deref().or(url);
    let key: String = dataset
        .id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut fields: Vec<(&str, String)> = Vec::new();
    fields.push(("title", format!("{{{}}}", bib(&dataset.title))));
    if !creators.is_empty() {
        let authors: Vec<String> = creators
            .iter()
            .map(|(name, person)| {
                if *person {
                    bib(name)
                } else {
                    format!("{{{}}}", bib(name))
                }
            })
            .collect();
        fields.push(("author", authors.join(" and ")));
    }
    if let Some(year) = year {
        fields.push(("year", bib(year)));
    }
    fields.push(("publisher", bib(publisher)));
    fields.push(("howpublished", "Dataset".into()));
    if let Some(doi) = &dataset.doi {
        fields.push(("doi", bib(doi)));
    }
    if let Some(url) = url {
        fields.push(("url", url.replace(['{', '}'], "")));
    }
    let mut bibtex = format!("@misc{{{key},\n");
    for (name, value) in &fields {
        bibtex.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    bibtex.push('}');

    let names: Vec<String> = creators
        .iter()
        .map(|(name, person)| apa_name(name, *person))
        .collect();
    let mut apa = String::new();
    if names.is_empty() {
        apa.push_str(&format!("{} [Data set]", dataset.title));
        apa.push_str(&format!(" ({}).", year.unwrap_or("n.d.")));
    } else {
        let list = apa_list(&names);
        apa.push_str(&list);
        if !list.ends_with('.') {
            apa.push('.');
        }
        apa.push_str(&format!(
            " ({}). {} [Data set].",
            year.unwrap_or("n.d."),
            dataset.title
        ));
    }
    apa.push_str(&format!(" {publisher}."));
    if let Some(link) = link {
        apa.push_str(&format!(" {link}"));
    }
    Citation { bibtex, apa }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apa_names() {
        assert_eq!(apa_name("Ada Lovelace", true), "Lovelace, A.");
        assert_eq!(apa_name("Jean-Paul Marie Sartre", true), "Sartre, J. P. M.");
        assert_eq!(apa_name("Lovelace, Ada", true), "Lovelace, A.");
        assert_eq!(apa_name("NOAA", false), "NOAA");
        assert_eq!(apa_list(&["A".into(), "B".into(), "C".into()]), "A, B, & C");
    }

    #[test]
    fn bibtex_is_escaped() {
        assert_eq!(bib("50% {a}_b"), "50\\% \\{a\\}\\_b");
    }
}
