//! Render stage: a bound on how deeply Markdown may nest, so that rendering and
//! sanitising stay linear in the size of the text.
//!
//! html5ever (under ammonia) looks through the stack of open elements for many
//! tags, so a page nested n deep costs n² or worse: 100,000 nested list items
//! took minutes. [`Bounded`] passes pulldown-cmark's events on while the
//! nesting (Markdown containers and inline markup, plus raw HTML elements left
//! open) is at most the limit; deeper Markdown tags are dropped with their
//! closing tags (their text stays: the nest is flattened) and raw HTML that
//! would open elements beyond the limit becomes text.

use std::ops::Range;

use pulldown_cmark::Event;

/// Elements that never have content, so never stay open.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements that a start tag of the same name closes when one is the current element.
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rp", "rt",
];

/// Elements an HTML parser closes on its own when an end tag of a block
/// element further down the stack arrives (its "implied end tags").
const IMPLIED_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "rb", "rp", "rt", "rtc",
];

/// Block elements whose end tag closes the elements of [`IMPLIED_END`] above them.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "pre",
    "section",
    "summary",
    "ul",
];

/// Passes Markdown events on with nesting bounded by `max` (see the module documentation).
#[derive(Debug)]
pub struct Bounded<I> {
    inner: I,
    max: usize,
    /// For each open Markdown tag, whether its start was passed on.
    open: Vec<bool>,
    /// Markdown tags open and passed on.
    depth: usize,
    /// Raw HTML elements that may still be open in the output. Counted
    /// conservatively: an end tag closes only what a browser would surely close.
    html: Vec<String>,
    /// Byte offset of the first event over the limit.
    first_overflow: Option<usize>,
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Bounded<I> {
    /// Bounds the events (with their byte ranges) of `inner` to `max` levels.
    pub fn new(inner: I, max: usize) -> Self {
        Self {
            inner,
            max,
            open: Vec::new(),
            depth: 0,
            html: Vec::new(),
            first_overflow: None,
        }
    }

    /// Where the first markup over the limit starts (a byte offset), if any.
    pub const fn first_overflow(&self) -> Option<usize> {
        self.first_overflow
    }

    fn overflow(&mut self, offset: usize) {
        self.first_overflow.get_or_insert(offset);
    }

    /// The element stack after `html` is parsed, or `None` when it would
    /// exceed the limit at some point.
    fn apply_html(&self, html: &str) -> Option<Vec<String>> {
        let mut stack = self.html.clone();
        let mut fits = true;
        scan_tags(html, |tag| match tag {
            Tag::Open(name) => {
                if VOID.contains(&name.as_str()) {
                    return;
                }
                if SELF_CLOSING_SIBLINGS.contains(&name.as_str())
                    && stack.last().is_some_and(|top| *top == name)
                {
                    return;
                }
                stack.push(name);
                if self.depth + stack.len() > self.max {
                    fits = false;
                }
            }
            Tag::Close(name) => close(&mut stack, &name),
        });
        fits.then_some(stack)
    }
}

/// Applies an end tag to the element stack: only what a browser would close
/// for certain, so that the count never falls below the real nesting.
fn close(stack: &mut Vec<String>, name: &str) {
    if stack.last().is_some_and(|top| top == name) {
        stack.pop();
        return;
    }
    if !BLOCKS.contains(&name) {
        return;
    }
    let Some(index) = stack.iter().rposition(|open| open == name) else {
        return;
    };
    if stack[index + 1..]
        .iter()
        .all(|above| IMPLIED_END.contains(&above.as_str()))
    {
        stack.truncate(index);
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Bounded<I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let (event, range) = self.inner.next()?;
            match event {
                Event::Start(tag) => {
                    let keep = self.depth + self.html.len() < self.max;
                    self.open.push(keep);
                    if keep {
                        self.depth += 1;
                        return Some(Event::Start(tag));
                    }
                    self.overflow(range.start);
                }
                Event::End(tag) => {
                    if self.open.pop().unwrap_or(false) {
                        self.depth = self.depth.saturating_sub(1);
                        return Some(Event::End(tag));
                    }
                }
                event @ (Event::Html(_) | Event::InlineHtml(_)) => {
                    let (Event::Html(html) | Event::InlineHtml(html)) = &event else {
                        return Some(event);
                    };
                    match self.apply_html(html) {
                        Some(stack) => {
                            self.html = stack;
                            return Some(event);
                        }
                        None => {
                            self.overflow(range.start);
                            return Some(Event::Text(html.clone()));
                        }
                    }
                }
                other => return Some(other),
            }
        }
    }
}

/// One tag found by [`scan_tags`], its name lowercased.
enum Tag {
    Open(String),
    Close(String),
}

/// Finds the start and end tags in a piece of raw HTML. Deliberately simple
/// and generous: anything that looks like `<name` counts as an open tag, even
/// inside an attribute value, so the count errs on the deep side.
fn scan_tags(html: &str, mut found: impl FnMut(Tag)) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        if bytes[i..].starts_with(b"!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let end = bytes[start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b':'))
            .map_or(bytes.len(), |n| start + n);
        if end == start || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        found(if closing {
            Tag::Close(name)
        } else {
            Tag::Open(name)
        });
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn run(markdown: &str, max: usize) -> (Vec<Event<'_>>, Option<usize>) {
        let mut bounded = Bounded::new(
            Parser::new_ext(markdown, Options::all()).into_offset_iter(),
            max,
        );
        let events: Vec<Event<'_>> = bounded.by_ref().collect();
        (events, bounded.first_overflow())
    }

    fn deepest(events: &[Event<'_>]) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        for event in events {
            match event {
                Event::Start(_) => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                Event::End(_) => depth -= 1,
                _ => {}
            }
        }
        assert_eq!(depth, 0, "every start has its end");
        deepest
    }

    #[test]
    fn shallow_markdown_passes_unchanged() {
        let text = "# Title\n\n- a\n  - *b* [c](https://x.org)\n\n> quote\n\n<div><p>x</p></div>\n";
        let (events, overflow) = run(text, 8);
        assert_eq!(overflow, None);
        let plain: Vec<Event<'_>> = Parser::new_ext(text, Options::all()).collect();
        assert_eq!(events.len(), plain.len());
    }

    #[test]
    fn deep_lists_quotes_and_emphasis_are_flattened() {
        for text in [
            "- ".repeat(1_000) + "x\n",
            "> ".repeat(1_000) + "x\n",
            format!("{}x{}", "*a ".repeat(500), " b*".repeat(500)),
            format!("{}x{}", "_a ".repeat(500), " b_".repeat(500)),
            format!("{}x{}", "![a ".repeat(500), "](i.png)".repeat(500)),
        ] {
            let (events, overflow) = run(&text, 16);
            assert!(deepest(&events) <= 16, "{}", &text[..20]);
            let offset = overflow.unwrap_or_else(|| panic!("over the limit: {}", &text[..20]));
            assert!(offset < text.len());
            assert!(
                events
                    .iter()
                    .any(|e| matches!(e, Event::Text(t) if t.contains('x'))),
                "the text survives"
            );
        }
    }

    #[test]
    fn links_in_links_stay_within_the_limit() {
        // Links cannot hold links in Markdown, but images hold images, and links images.
        let text = format!(
            "[{}x{}](https://x.org)",
            "![".repeat(2_000),
            "](a.png)".repeat(2_000)
        );
        let (events, _) = run(&text, 16);
        assert!(deepest(&events) <= 16);
    }

    #[test]
    fn deep_raw_html_becomes_text() {
        let text = "<div>".repeat(100) + "x" + &"</div>".repeat(100);
        let (events, overflow) = run(&text, 16);
        assert!(overflow.is_some());
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if t.contains("<div>"))),
            "{events:?}"
        );
        // Inline HTML, one tag per event.
        let text = format!("x {} y", "<span>".repeat(100));
        let (events, overflow) = run(&text, 16);
        assert!(overflow.is_some());
        let kept = events
            .iter()
            .filter(|e| matches!(e, Event::InlineHtml(_) | Event::Html(_)))
            .count();
        assert!(kept <= 16, "{kept}");
    }

    #[test]
    fn html_end_tags_close_only_what_surely_closes() {
        // `</div>` does not close a `<div>` below an `<object>` (a scope
        // boundary): the object and the div stay counted.
        let text = "<div><object></div>".repeat(20);
        let (_, overflow) = run(&text, 16);
        assert!(overflow.is_some());
        // Unclosed paragraphs and list items are closed by the block's end tag.
        let text = "<div><p>a<p>b</div>\n\n".repeat(50);
        let (_, overflow) = run(&text, 16);
        assert_eq!(overflow, None);
        let text = "<ul><li>a<li>b<li>c</ul>\n\n".repeat(50);
        let (_, overflow) = run(&text, 16);
        assert_eq!(overflow, None);
        let text = "x<br><img src=a.png><hr>".repeat(50);
        assert_eq!(run(&text, 16).1, None);
    }

    #[test]
    fn comments_and_attributes_do_not_confuse_the_scan() {
        let mut tags = Vec::new();
        scan_tags(
            "<!-- <div> --><a href=\"x\">t</a><br/>< not a tag <3",
            |tag| {
                tags.push(match tag {
                    Tag::Open(name) => format!("+{name}"),
                    Tag::Close(name) => format!("-{name}"),
                });
            },
        );
        assert_eq!(tags, ["+a", "-a", "+br"]);
    }
}
