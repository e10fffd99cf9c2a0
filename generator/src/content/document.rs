//! Parsed source documents with positions: YAML (alone or as Markdown front
//! matter) read into a [`Node`] tree where every value knows its line and column.
//!
//! This is the first step of the content stage. Loaders read fields from the
//! tree, so every diagnostic about a field can point at the field.

#[cfg(test)]
mod fuzz;

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, SpannedEventReceiver};

use crate::config::Limits;
use crate::diagnostics::Position;

/// A YAML value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: NodeValue,
    /// Where the value starts (for a mapping entry's value; keys carry their own).
    pub position: Position,
}

/// The YAML data model after core-schema scalar resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A string (quoted scalars are always strings).
    String(String),
    /// A sequence.
    Sequence(Vec<Node>),
    /// A mapping, in source order, with the key's position.
    Mapping(Vec<(Key, Node)>),
}

/// A mapping key and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as text (non-string keys are written as their YAML text).
    pub name: String,
    /// Where the key is.
    pub position: Position,
}

/// A YAML document that cannot be read: a syntax error, or a document over
/// one of the [`Limits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the parser stopped (for a limit, the node that went over it).
    pub position: Position,
    /// What it said.
    pub message: String,
    /// The diagnostic code: `syntax`, `yaml-alias-budget` or `yaml-node-budget`.
    pub code: &'static str,
}

impl Node {
    /// A null node at `position`.
    #[must_use]
    pub const fn null(position: Position) -> Self {
        Self {
            value: NodeValue::Null,
            position,
        }
    }

    /// The value of `key` in a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, node)| node)
    }

    /// The key and value of `key` in a mapping.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            NodeValue::Mapping(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    #[must_use]
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            NodeValue::Mapping(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    #[must_use]
    pub fn items(&self) -> &[Node] {
        match &self.value {
            NodeValue::Sequence(items) => items,
            _ => &[],
        }
    }

    /// True for `null`.
    #[must_use]
    pub const fn is_null(&self) -> bool {
        matches!(self.value, NodeValue::Null)
    }

    /// The scalar as text: strings as they are, numbers and booleans as written
    /// in canonical form. `None` for null, sequences and mappings.
    #[must_use]
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            NodeValue::String(text) => Some(text.clone()),
            NodeValue::Integer(n) => Some(n.to_string()),
            NodeValue::Float(x) => Some(x.to_string()),
            NodeValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A short name of the value's type for messages (`a string`, `a list`).
    #[must_use]
    pub const fn type_name(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Integer(_) | NodeValue::Float(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Sequence(_) => "a list",
            NodeValue::Mapping(_) => "a mapping",
        }
    }

    /// Converts the tree to JSON (for schema validation and for keeping unknown fields).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Integer(n) => Value::from(*n),
            NodeValue::Float(x) => {
                serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number)
            }
            NodeValue::String(text) => Value::String(text.clone()),
            NodeValue::Sequence(items) => Value::Array(items.iter().map(Self::to_json).collect()),
            NodeValue::Mapping(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, node)| (key.name.clone(), node.to_json()))
                    .collect(),
            ),
        }
    }

    /// Converts the tree to the model's [`almanac_model::Value`].
    #[must_use]
    pub fn to_value(&self) -> almanac_model::Value {
        use almanac_model::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Integer(n) => Value::Integer(*n),
            NodeValue::Float(x) => Value::Float(*x),
            NodeValue::String(text) => Value::String(text.clone()),
            NodeValue::Sequence(items) => Value::List(items.iter().map(Self::to_value).collect()),
            NodeValue::Mapping(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(key, node)| (key.name.clone(), node.to_value()))
                    .collect(),
            ),
        }
    }

    /// The node at a JSON pointer (`/provenance/providers/0/roles`), or the
    /// deepest node on the way there.
    #[must_use]
    pub fn at_pointer(&self, pointer: &str) -> &Node {
        let mut node = self;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                NodeValue::Mapping(_) => node.get(&token),
                NodeValue::Sequence(items) => {
                    token.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                _ => None,
            };
            match next {
                Some(child) => node = child,
                None => break,
            }
        }
        node
    }

    /// The position of the key that holds the value at `pointer`, falling back to the value.
    #[must_use]
    pub fn key_position(&self, pointer: &str) -> Position {
        let Some((parent, last)) = pointer.rsplit_once('/') else {
            return self.position;
        };
        let last = last.replace("~1", "/").replace("~0", "~");
        match self.at_pointer(parent).entry(&last) {
            Some((key, _)) => key.position,
            None => self.at_pointer(pointer).position,
        }
    }
}

/// Parses one YAML document with the default [`Limits`]. `line_offset` is
/// added to every line (for front matter, the number of lines before it). An
/// empty document is `null`.
///
/// # Errors
///
/// Returns the parser's message and position on a syntax error, or the
/// position of the node that went over a limit.
pub fn parse_yaml(source: &str, line_offset: usize) -> Result<Node, SyntaxError> {
    parse_yaml_limited(source, line_offset, &Limits::DEFAULT)
}

/// [`parse_yaml`] with the node budgets of `limits` (`yaml_nodes`, `yaml_alias_nodes`).
///
/// # Errors
///
/// As [`parse_yaml`].
pub fn parse_yaml_limited(
    source: &str,
    line_offset: usize,
    limits: &Limits,
) -> Result<Node, SyntaxError> {
    let mut builder = Builder::new(line_offset, limits);
    let mut parser = Parser::new_from_str(source);
    // Load the whole stream, so that text after the first value is a syntax
    // error rather than silently ignored.
    let loaded = parser.load(&mut builder, true);
    // Over a budget, the builder stops building (the parser still reads to
    // the end, in time linear in the text): that is the error to report.
    if let Some(error) = builder.over_budget {
        return Err(error);
    }
    loaded.map_err(|error| SyntaxError {
        position: Position::new(
            error.marker().line() + line_offset,
            error.marker().col() + 1,
        ),
        message: error.info().to_owned(),
        code: "syntax",
    })?;
    if let Some(position) = builder.second_document {
        return Err(SyntaxError {
            position,
            message: "a second YAML document starts here; a content file holds one".into(),
            code: "syntax",
        });
    }
    Ok(builder
        .root
        .unwrap_or_else(|| Node::null(Position::new(1 + line_offset, 1))))
}

/// A Markdown file split into its YAML front matter and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    /// The YAML between the `---` lines (empty when there is none).
    pub yaml: &'a str,
    /// Number of lines before the YAML (1 when there is front matter: the opening `---`).
    pub yaml_line_offset: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The 1-based line where the body starts.
    pub body_line: usize,
    /// True when the file opened a front matter block but never closed it.
    pub unterminated: bool,
}

/// Splits `---`-delimited YAML front matter from a Markdown file.
#[must_use]
pub fn split_front_matter(source: &str) -> FrontMatter<'_> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let none = FrontMatter {
        yaml: "",
        yaml_line_offset: 0,
        body: source,
        body_line: 1,
        unterminated: false,
    };
    let Some(first_line_end) = source.find('\n') else {
        return none;
    };
    if source[..first_line_end].trim_end() != "---" {
        return none;
    }
    let rest = &source[first_line_end + 1..];
    let mut offset = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body = &rest[offset + line.len()..];
            return FrontMatter {
                yaml: &rest[..offset],
                yaml_line_offset: 1,
                body,
                body_line: index + 3,
                unterminated: false,
            };
        }
        offset += line.len();
    }
    FrontMatter {
        yaml: rest,
        yaml_line_offset: 1,
        body: "",
        body_line: rest.lines().count() + 2,
        unterminated: true,
    }
}

/// Builds a [`Node`] tree from parser events, counting the nodes it makes.
struct Builder {
    line_offset: usize,
    stack: Vec<Frame>,
    /// Anchored values, with the number of nodes each holds.
    anchors: HashMap<usize, (Node, usize)>,
    root: Option<Node>,
    documents: usize,
    second_document: Option<Position>,
    /// Nodes made so far, copies included (an anchor's copy, an alias's copy).
    nodes: usize,
    /// Nodes copied by aliases so far.
    alias_nodes: usize,
    max_nodes: usize,
    max_alias_nodes: usize,
    /// Set when a budget is exceeded; no more nodes are made after it.
    over_budget: Option<SyntaxError>,
}

enum Frame {
    Sequence {
        anchor: usize,
        position: Position,
        items: Vec<Node>,
        size: usize,
    },
    Mapping {
        anchor: usize,
        position: Position,
        entries: Vec<(Key, Node)>,
        pending_key: Option<Key>,
        size: usize,
    },
}

impl Builder {
    fn new(line_offset: usize, limits: &Limits) -> Self {
        Self {
            line_offset,
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            second_document: None,
            nodes: 0,
            alias_nodes: 0,
            max_nodes: limits.yaml_nodes,
            max_alias_nodes: limits.yaml_alias_nodes,
            over_budget: None,
        }
    }

    fn position(&self, span: Span) -> Position {
        Position::new(span.start.line() + self.line_offset, span.start.col() + 1)
    }

    /// Counts `count` new nodes (`alias`: copied by an alias) made at
    /// `position`; false, with the error recorded, when that goes over a budget.
    fn spend(&mut self, count: usize, alias: bool, position: Position) -> bool {
        self.nodes = self.nodes.saturating_add(count);
        if alias {
            self.alias_nodes = self.alias_nodes.saturating_add(count);
        }
        let error = if alias && self.alias_nodes > self.max_alias_nodes {
            Some((
                "yaml-alias-budget",
                format!(
                    "alias expansion makes more than {} nodes (`limits.yaml_alias_nodes`); \
                     the file is skipped",
                    self.max_alias_nodes
                ),
            ))
        } else if self.nodes > self.max_nodes {
            Some((
                "yaml-node-budget",
                format!(
                    "the document holds more than {} nodes, copies by anchors and aliases \
                     included (`limits.yaml_nodes`); the file is skipped",
                    self.max_nodes
                ),
            ))
        } else {
            None
        };
        match error {
            Some((code, message)) => {
                self.over_budget = Some(SyntaxError {
                    position,
                    message,
                    code,
                });
                self.stack.clear();
                self.anchors.clear();
                self.root = None;
                false
            }
            None => true,
        }
    }

    /// Adds a finished node holding `size` nodes to its parent.
    fn finish(&mut self, node: Node, anchor: usize, size: usize) {
        if anchor > 0 {
            // The anchor keeps a copy: that copy counts too (nested anchors
            // would otherwise copy quadratically many nodes).
            if !self.spend(size, false, node.position) {
                return;
            }
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Sequence {
                items, size: total, ..
            }) => {
                items.push(node);
                *total = total.saturating_add(size);
            }
            Some(Frame::Mapping {
                entries,
                pending_key,
                size: total,
                ..
            }) => {
                *total = total.saturating_add(size);
                match pending_key.take() {
                    Some(key) => entries.push((key, node)),
                    None => {
                        let name = node.as_text().unwrap_or_else(|| node.to_json().to_string());
                        *pending_key = Some(Key {
                            name,
                            position: node.position,
                        });
                    }
                }
            }
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder {
    fn on_event(&mut self, event: Event<'input>, span: Span) {
        if self.over_budget.is_some() {
            return;
        }
        let position = self.position(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if !self.spend(1, false, position) {
                    return;
                }
                let tagged_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == ScalarStyle::Plain && !tagged_str {
                    resolve_plain(&text)
                } else {
                    NodeValue::String(text.into_owned())
                };
                self.finish(Node { value, position }, anchor, 1);
            }
            Event::SequenceStart(anchor, _) => {
                if self.spend(1, false, position) {
                    self.stack.push(Frame::Sequence {
                        anchor,
                        position,
                        items: Vec::new(),
                        size: 1,
                    });
                }
            }
            Event::MappingStart(anchor, _) => {
                if self.spend(1, false, position) {
                    self.stack.push(Frame::Mapping {
                        anchor,
                        position,
                        entries: Vec::new(),
                        pending_key: None,
                        size: 1,
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, size) = match self.stack.pop() {
                    Some(Frame::Sequence {
                        anchor,
                        position,
                        items,
                        size,
                    }) => (
                        Node {
                            value: NodeValue::Sequence(items),
                            position,
                        },
                        anchor,
                        size,
                    ),
                    Some(Frame::Mapping {
                        anchor,
                        position,
                        entries,
                        size,
                        ..
                    }) => (
                        Node {
                            value: NodeValue::Mapping(entries),
                            position,
                        },
                        anchor,
                        size,
                    ),
                    None => return,
                };
                self.finish(node, anchor, size);
            }
            Event::Alias(anchor) => {
                let size = self.anchors.get(&anchor).map_or(1, |(_, size)| *size);
                // Counted before copying: a "billion laughs" file is refused
                // at its first alias over the budget, before any memory is spent.
                if !self.spend(size, true, position) {
                    return;
                }
                let node = self
                    .anchors
                    .get(&anchor)
                    .map(|(node, _)| node.clone())
                    .unwrap_or_else(|| Node::null(position));
                self.finish(node, 0, size);
            }
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents == 2 {
                    self.second_document = Some(position);
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> NodeValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" => return NodeValue::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return NodeValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeValue::Float(f64::NAN),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty()
        && unsigned.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = text.parse::<i64>()
    {
        return NodeValue::Integer(n);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(n) = i64::from_str_radix(hex, 16)
    {
        return NodeValue::Integer(n);
    }
    let looks_numeric = unsigned
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned.bytes().filter(|b| *b == b'.').count() <= 1
        && unsigned.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Ok(x) = text.parse::<f64>() {
        return NodeValue::Float(x);
    }
    NodeValue::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_offset() {
        let node = parse_yaml("title: x\nlist:\n  - a\n  - b: 1\n", 1).expect("parse");
        let (key, value) = node.entry("title").expect("title");
        assert_eq!(key.position, Position::new(2, 1));
        assert_eq!(value.position, Position::new(2, 8));
        let item = &node.get("list").expect("list").items()[1];
        assert_eq!(item.get("b").expect("b").value, NodeValue::Integer(1));
        assert_eq!(node.key_position("/list/1/b"), Position::new(5, 5));
    }

    #[test]
    fn scalars_resolve_like_yaml_core() {
        let node = parse_yaml(
            "a: 0000-0001-8571-865X\nb: 2023\nc: '2023'\nd: 1.5\ne:\nf: yes\ng: 2023-06-14\n",
            0,
        )
        .expect("parse");
        assert_eq!(
            node.get("a").expect("a").value,
            NodeValue::String("0000-0001-8571-865X".into())
        );
        assert_eq!(node.get("b").expect("b").value, NodeValue::Integer(2023));
        assert_eq!(
            node.get("c").expect("c").value,
            NodeValue::String("2023".into())
        );
        assert_eq!(node.get("d").expect("d").value, NodeValue::Float(1.5));
        assert!(node.get("e").expect("e").is_null());
        assert_eq!(
            node.get("f").expect("f").value,
            NodeValue::String("yes".into())
        );
        assert_eq!(
            node.get("g").expect("g").value,
            NodeValue::String("2023-06-14".into())
        );
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let node = parse_yaml("a: &x {k: v}\nb: *x\n", 0).expect("parse");
        assert_eq!(
            node.get("b")
                .expect("b")
                .get("k")
                .expect("k")
                .as_text()
                .as_deref(),
            Some("v")
        );
    }

    /// Ten levels of ten aliases each: 10^10 nodes if expanded.
    fn billion_laughs() -> String {
        let mut text = String::from("a0: &a0 [lol]\n");
        for level in 1..=10 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        text
    }

    #[test]
    fn alias_expansion_has_a_node_budget() {
        let error = parse_yaml(&billion_laughs(), 2).expect_err("over the budget");
        assert_eq!(error.code, "yaml-alias-budget");
        assert!(error.message.contains("100000"), "{}", error.message);
        // At an alias of the first level whose expansion goes over 100,000 nodes:
        // the fourth alias of level 5 (each copies 21,111 nodes).
        assert_eq!(error.position.line, 6 + 2, "{error:?}");
        assert!(error.position.column > 1, "{error:?}");
    }

    #[test]
    fn small_budgets_are_respected_exactly() {
        let limits = Limits {
            yaml_alias_nodes: 6,
            ..Limits::DEFAULT
        };
        // `*x` copies 3 nodes (a mapping, a key, a value): two fit, three do not.
        let two = "a: &x {k: v}\nb: *x\nc: *x\n";
        assert!(parse_yaml_limited(two, 0, &limits).is_ok());
        let three = "a: &x {k: v}\nb: *x\nc: *x\nd: *x\n";
        let error = parse_yaml_limited(three, 0, &limits).expect_err("three copies");
        assert_eq!(error.code, "yaml-alias-budget");
        assert_eq!(error.position, Position::new(4, 4));
        let limits = Limits {
            yaml_nodes: 5,
            ..Limits::DEFAULT
        };
        let error = parse_yaml_limited("[1, 2, 3, 4, 5]\n", 0, &limits).expect_err("six nodes");
        assert_eq!(error.code, "yaml-node-budget");
        assert_eq!(error.position, Position::new(1, 14));
        assert!(parse_yaml_limited("[1, 2, 3, 4]\n", 0, &limits).is_ok());
    }

    #[test]
    fn nested_anchors_count_their_copies() {
        // Every level anchors the whole nest below it: copies grow as depth².
        let depth = 100;
        let text = format!("{}x{}", "&a [".repeat(depth), "]".repeat(depth));
        let limits = Limits {
            yaml_nodes: 1_000,
            ..Limits::DEFAULT
        };
        let error = parse_yaml_limited(&text, 0, &limits).expect_err("quadratic copies");
        assert_eq!(error.code, "yaml-node-budget");
        assert!(parse_yaml_limited(&text, 0, &Limits::DEFAULT).is_ok());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let error = parse_yaml("a: [1, 2\nb: c\n", 10).expect_err("error");
        assert!(error.position.line > 10, "{error:?}");
        assert_eq!(error.code, "syntax");
    }

    #[test]
    fn text_after_the_first_value_is_an_error() {
        assert!(parse_yaml("[a, b]\ntitle: x\n", 0).is_err());
        let error = parse_yaml("a: 1\n---\nb: 2\n", 0).expect_err("two documents");
        assert_eq!(error.position.line, 2);
        assert!(parse_yaml("", 0).expect("empty").is_null());
    }

    #[test]
    fn front_matter_split_counts_lines() {
        let split = split_front_matter("---\ntitle: x\n---\nBody\n");
        assert_eq!(split.yaml, "title: x\n");
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.body_line, 4);
        let node = parse_yaml(split.yaml, split.yaml_line_offset).expect("parse");
        assert_eq!(node.entry("title").expect("t").0.position.line, 2);
        let none = split_front_matter("# Just markdown\n");
        assert_eq!(none.yaml, "");
        assert!(split_front_matter("---\ntitle: x\n").unterminated);
    }

    #[test]
    fn pointers_find_nested_nodes() {
        let node =
            parse_yaml("p:\n  providers:\n    - name: A\n      roles: [x]\n", 0).expect("parse");
        assert_eq!(
            node.at_pointer("/p/providers/0/roles/0")
                .as_text()
                .as_deref(),
            Some("x")
        );
        assert_eq!(
            node.at_pointer("/p/missing").position,
            node.get("p").expect("p").position
        );
    }
}
