//! `sitemap.xml` (every page, absolute URLs under the base URL) and `robots.txt`.

use crate::render::markdown::escape;

/// The sitemap of `pages` (site-relative folder paths, `` for the home page).
#[must_use]
pub fn sitemap(base_url: &str, pages: &[String]) -> String {
    let mut sorted: Vec<&String> = pages.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in sorted {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape(&format!("{base_url}{page}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: everything may be crawled; the sitemap's address when there is a base URL.
#[must_use]
pub fn robots(base_url: Option<&str>) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = base_url {
        text.push_str(&format!("\nSitemap: {base}sitemap.xml\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_and_escaped() {
        let xml = sitemap(
            "https://example.org/a/",
            &["".into(), "datasets/x&y/".into()],
        );
        assert!(xml.contains("<loc>https://example.org/a/</loc>"));
        assert!(xml.contains("<loc>https://example.org/a/datasets/x&amp;y/</loc>"));
        assert!(robots(Some("https://e.org/")).ends_with("Sitemap: https://e.org/sitemap.xml\n"));
        assert!(!robots(None).contains("Sitemap"));
    }
}
