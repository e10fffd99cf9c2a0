//! The Atom feed (`feed.xml`) of new and updated datasets: one entry per dataset, newest
//! build first. A dataset's `updated` is the latest build time its stores record
//! (`provenance.built_at`); datasets without one are dated 1970-01-01 so the feed stays
//! deterministic and they sort last.

use almanac_model::Library;

use crate::config::Config;
use crate::render::markdown::{escape, to_plain};

/// Most entries in the feed.
pub const MAX_ENTRIES: usize = 50;

const UNKNOWN: &str = "1970-01-01T00:00:00Z";

/// An RFC 3339 timestamp from a build time as written, when it is one (a bare date gets
/// midnight UTC).
fn rfc3339(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let date_ok = bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !date_ok {
        return None;
    }
    if bytes.len() == 10 {
        return Some(format!("{text}T00:00:00Z"));
    }
    let time = &text[10..];
    let well_formed = time.starts_with('T')
        && time.len() >= 9
        && (time.ends_with('Z') || time[9..].contains(['+', '-']))
        && time[1..9].bytes().enumerate().all(|(i, b)| {
            if i == 2 || i == 5 {
                b == b':'
            } else {
                b.is_ascii_digit()
            }
        });
    well_formed.then(|| text.to_owned())
}

/// The feed.
#[must_use]
pub fn atom(library: &Library, config: &Config) -> String {
    let base = config.site.base_url.as_deref();
    let mut entries: Vec<(String, &almanac_model::Dataset)> = library
        .datasets
        .iter()
        .map(|d| {
            let updated = crate::render::dataset_built_at(&library.datasets, &d.id)
                .as_deref()
                .and_then(rfc3339)
                .unwrap_or_else(|| UNKNOWN.to_owned());
            (updated, d)
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    entries.truncate(MAX_ENTRIES);
    let feed_updated = entries
        .first()
        .map_or_else(|| UNKNOWN.to_owned(), |(u, _)| u.clone());
    let id_of = |path: &str| match base {
        Some(base) => format!("{base}{path}"),
        None => format!(
            "urn:almanac:{}",
            path.trim_end_matches('/').replace('/', ":")
        ),
    };
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape(&config.site.language)
    ));
    xml.push_str(&format!(
        "  <title>{} — datasets</title>\n",
        escape(&config.site.title)
    ));
    xml.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        escape(&to_plain(&config.site.description, 300))
    ));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&id_of("feed.xml"))));
    let self_href = base.map_or_else(|| "feed.xml".to_owned(), |b| format!("{b}feed.xml"));
    let home_href = base.map_or_else(|| "./".to_owned(), str::to_owned);
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_href)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&home_href)
    ));
    xml.push_str(&format!("  <updated>{feed_updated}</updated>\n"));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(&config.site.title)
    ));
    xml.push_str("  <generator>Almanac</generator>\n");
    for (updated, dataset) in entries {
        let path = format!("datasets/{}/", dataset.id);
        let href = base.map_or_else(|| path.clone(), |b| format!("{b}{path}"));
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(&dataset.title)));
        xml.push_str(&format!("    <id>{}</id>\n", escape(&id_of(&path))));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&href)
        ));
        xml.push_str(&format!("    <updated>{updated}</updated>\n"));
        let summary = to_plain(&dataset.description, 400);
        if !summary.is_empty() {
            xml.push_str(&format!("    <summary>{}</summary>\n", escape(&summary)));
        }
        for tag in &dataset.tags {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", escape(tag)));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            rfc3339("2020-06-08T08:41:02Z").as_deref(),
            Some("2020-06-08T08:41:02Z")
        );
        assert_eq!(
            rfc3339("2020-06-08").as_deref(),
            Some("2020-06-08T00:00:00Z")
        );
        assert_eq!(
            rfc3339("2020-06-08T08:41:02+02:00").as_deref(),
            Some("2020-06-08T08:41:02+02:00")
        );
        assert_eq!(rfc3339("yesterday"), None);
        assert_eq!(rfc3339("2020-06-08 08:41"), None);
    }

    #[test]
    fn an_empty_library_gives_a_valid_feed() {
        let xml = atom(&Library::default(), &Config::default());
        assert!(xml.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(xml.ends_with("</feed>\n"));
    }
}
