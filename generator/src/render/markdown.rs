//! Markdown to safe HTML: pulldown-cmark for CommonMark (+ tables, footnotes,
//! strikethrough), then ammonia to strip scripts, event handlers and links
//! with schemes other than http(s), mailto, s3, gs, az and doi. Nesting is
//! bounded first ([`nesting`]), so that both stay linear in the text's size.

mod nesting;

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Options, Parser, html};

use nesting::Bounded;

/// The default bound on nesting (`[limits] markdown_depth`).
pub const DEPTH: usize = crate::config::Limits::DEFAULT.markdown_depth;

/// URL schemes that may become links.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "s3", "gs", "az", "doi"];

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(LINK_SCHEMES.iter().copied().collect::<HashSet<_>>())
            .link_rel(Some("noopener noreferrer"))
            .add_generic_attributes(["id"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("th", ["align"])
            .add_tag_attributes("td", ["align"]);
        builder
    })
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_SMART_PUNCTUATION);

/// Renders Markdown to sanitized HTML, nesting bounded to [`DEPTH`] levels.
#[must_use]
pub fn to_html(markdown: &str) -> String {
    to_html_limited(markdown, DEPTH)
}

/// Renders Markdown to sanitized HTML. Markup nested deeper than `max_depth`
/// is flattened (its text kept) and raw HTML beyond it is shown as text.
#[must_use]
pub fn to_html_limited(markdown: &str, max_depth: usize) -> String {
    let events = Bounded::new(
        Parser::new_ext(markdown, OPTIONS).into_offset_iter(),
        max_depth,
    );
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, events);
    cleaner().clean(&unsafe_html).to_string()
}

/// Where `markdown` first nests deeper than `max_depth` (a byte offset), or
/// `None` when it renders as written. For the `markdown-depth` diagnostic.
#[must_use]
pub fn nesting_overflow(markdown: &str, max_depth: usize) -> Option<usize> {
    let mut events = Bounded::new(
        Parser::new_ext(markdown, OPTIONS).into_offset_iter(),
        max_depth,
    );
    events.by_ref().for_each(drop);
    events.first_overflow()
}

/// Markdown reduced to plain text, for meta descriptions and summaries,
/// cut at a word boundary to at most `max` characters.
#[must_use]
pub fn to_plain(markdown: &str, max: usize) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.push(' '),
            Event::Start(Tag::Item) => text.push(' '),
            _ => {}
        }
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// Escapes text for HTML content and attribute values.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// True when `url` may be rendered as a link (allowed scheme, or relative).
#[must_use]
pub fn is_safe_url(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') => {
            LINK_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_stripped() {
        let html = to_html(
            "Hi <script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn allowed_links_stay() {
        let html = to_html("[data](s3://bucket/x.zarr) and [paper](https://doi.org/10.1/x)");
        assert!(html.contains("href=\"s3://bucket/x.zarr\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn plain_text_is_cut_at_words() {
        assert_eq!(
            to_plain("**Bold** text, and *more* text here.", 20),
            "Bold text, and more…"
        );
        assert_eq!(to_plain("Short.", 50), "Short.");
    }

    /// 200 KB of nesting renders, bounded, for each kind of nest.
    #[test]
    fn deep_nests_render_flattened() {
        let nests = [
            ("list", "- ".repeat(100_000) + "deep"),
            ("quote", "> ".repeat(100_000) + "deep"),
            ("ordered", "1. ".repeat(66_000) + "deep"),
            (
                "div",
                "<div>".repeat(20_000) + "deep" + &"</div>".repeat(20_000),
            ),
            ("span", format!("x {} deep", "<span>".repeat(30_000))),
            (
                "emphasis",
                format!("{}deep{}", "*a ".repeat(33_000), " b*".repeat(33_000)),
            ),
            (
                "images",
                format!("{}deep{}", "![a ".repeat(20_000), "](i.png)".repeat(20_000)),
            ),
            (
                "anchors",
                format!("x {} deep", "<a href=\"https://x.org\">".repeat(10_000)),
            ),
        ];
        for (name, markdown) in nests {
            assert!(markdown.len() >= 100_000, "{name}");
            assert!(
                nesting_overflow(&markdown, DEPTH).is_some(),
                "{name}: no overflow"
            );
            let html = to_html(&markdown);
            assert!(html.contains("deep"), "{name}: the text is kept");
            // Bounded output: no more than a constant per input byte.
            assert!(html.len() < 12 * markdown.len(), "{name}: {}", html.len());
            for tag in [
                "<ul>",
                "<ol>",
                "<blockquote>",
                "<div>",
                "<span>",
                "<em>",
                "<a ",
                "<img",
            ] {
                assert!(
                    html.matches(tag).count() <= DEPTH,
                    "{name}: {} {tag}",
                    html.matches(tag).count()
                );
            }
        }
    }

    #[test]
    fn ordinary_markdown_is_not_over_the_limit() {
        let text =
            "# T\n\n- a\n  - b\n    > c *d* **e** [f](https://x.org)\n\n<div><p>g</p></div>\n";
        assert_eq!(nesting_overflow(text, DEPTH), None);
        assert_eq!(to_html_limited(text, DEPTH), to_html(text));
        assert!(to_html(text).contains("<blockquote>"));
    }

    #[test]
    fn url_safety() {
        assert!(is_safe_url("gs://a/b"));
        assert!(is_safe_url("../x/"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url("data:text/html,x"));
    }
}
