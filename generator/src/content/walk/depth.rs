//! Content stage: the `markdown-depth` warning, given where the text is read
//! so that it names the file and line. Rendering flattens the nest on its own
//! (`render::markdown`); this says where and why.

use crate::config::Limits;
use crate::content::document::{Node, NodeValue};
use crate::diagnostics::{Diagnostics, Location, Position};
use crate::render::markdown::nesting_overflow;

/// Checks a Markdown body that starts on line `first_line` of the file.
pub fn check_body(
    body: &str,
    first_line: usize,
    display: &str,
    limits: &Limits,
    diagnostics: &mut Diagnostics,
) {
    if body.len() <= limits.markdown_depth {
        return; // every level of nesting takes at least one character
    }
    if let Some(offset) = nesting_overflow(body, limits.markdown_depth) {
        let before = &body[..offset];
        let line = first_line + before.matches('\n').count();
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        warn(Position::new(line, column), display, limits, diagnostics);
    }
}

/// Checks every string of a YAML document that may be shown as Markdown
/// (descriptions, abstracts, acknowledgements, …): at the string's position.
pub fn check_strings(node: &Node, display: &str, limits: &Limits, diagnostics: &mut Diagnostics) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        match &node.value {
            NodeValue::String(text)
                if text.len() > limits.markdown_depth
                    && nesting_overflow(text, limits.markdown_depth).is_some() =>
            {
                warn(node.position, display, limits, diagnostics);
            }
            NodeValue::Sequence(items) => pending.extend(items.iter().rev()),
            NodeValue::Mapping(entries) => {
                pending.extend(entries.iter().rev().map(|(_, value)| value));
            }
            _ => {}
        }
    }
}

fn warn(position: Position, display: &str, limits: &Limits, diagnostics: &mut Diagnostics) {
    diagnostics
        .warning(
            "markdown-depth",
            Location::at(display, position),
            format!(
                "Markdown nests deeper than {} levels (`limits.markdown_depth`) from here; \
                 deeper markup is flattened and raw HTML beyond it is shown as text",
                limits.markdown_depth
            ),
        )
        .help = Some("write the text with less nesting".into());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::document::parse_yaml;

    #[test]
    fn a_deep_body_is_reported_at_its_line_and_column() {
        let body = format!("Intro.\n\nText\n\n  {}x\n", "- ".repeat(100));
        let mut diagnostics = Diagnostics::new();
        check_body(&body, 5, "p.md", &Limits::DEFAULT, &mut diagnostics);
        let [diagnostic] = diagnostics.items() else {
            panic!("{diagnostics:?}");
        };
        assert_eq!(diagnostic.code, "markdown-depth");
        let position = diagnostic.location.position.expect("position");
        assert_eq!(position.line, 9);
        // Two levels (a list and its item) per `- `: level 65 is the 33rd marker.
        assert_eq!(position.column, 3 + Limits::DEFAULT.markdown_depth);
    }

    #[test]
    fn deep_yaml_strings_are_reported_and_shallow_ones_are_not() {
        let yaml = format!(
            "title: T\ndescription: \"{}x\"\nnote: \"{}\"\n",
            "> ".repeat(80),
            "a".repeat(500)
        );
        let node = parse_yaml(&yaml, 0).expect("yaml");
        let mut diagnostics = Diagnostics::new();
        check_strings(&node, "meta.yaml", &Limits::DEFAULT, &mut diagnostics);
        let [diagnostic] = diagnostics.items() else {
            panic!("{diagnostics:?}");
        };
        assert_eq!(
            diagnostic.location.position,
            Some(Position::new(2, 14)),
            "{diagnostic}"
        );
    }
}
