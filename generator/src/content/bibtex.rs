//! BibTeX reader of the content-loading stage: a tolerant `.bib` parser that keeps 1-based
//! line/column positions and reports every problem it recovers from instead of dropping entries.
//!
//! Recovery: an entry that is not closed is cut at the next `@type{` that starts a line (or,
//! failing that, the next `@type{` anywhere); fields after a missing comma or an extra `}` are
//! still read; empty and repeated fields are reported and left out.

#[cfg(test)]
mod fuzz;
mod tex;

use tex::{normalise_name, split_names, tex_to_text};

use std::collections::HashMap;

use ProblemKind::{DuplicateField, EmptyField, MissingComma, MissingKey, Stray, UnbalancedBraces};
use ProblemKind::{MacroBudget, UnknownMacro, UnterminatedEntry, UnterminatedString};

/// A position in the source, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line number, 1-based, including the `line_offset` given to [`parse`].
    pub line: usize,
    /// Column counted in characters (not bytes), 1-based.
    pub column: usize,
}

/// One `name = value` pair of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Field name, lowercased.
    pub name: String,
    /// Value with braces and quotes removed, `#` concatenations and macros expanded, whitespace
    /// collapsed and common TeX accents and symbols converted to Unicode (`--` is kept).
    pub value: String,
    /// Position of the field name.
    pub position: Position,
}

/// One bibliography entry such as `@article{key, title = {...}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Entry type, lowercased, e.g. `"article"`.
    pub entry_type: String,
    /// Citation key; empty when the entry has none (a [`ProblemKind::MissingKey`] is reported).
    pub key: String,
    /// Fields in source order; empty and repeated fields are left out.
    pub fields: Vec<Field>,
    /// Position of the entry's `@`.
    pub position: Position,
    /// The entry's source text exactly as written, from `@` to its closing delimiter.
    pub raw: String,
}

impl Entry {
    /// The field called `name`, compared case-insensitively.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Authors split on " and " (top-level only, not inside braces), each normalised to
    /// "Given Family": "Zanna, Laure" → "Laure Zanna", "{NASA Team}" → "NASA Team".
    pub fn authors(&self) -> Vec<String> {
        let Some(field) = self.field("author") else {
            return Vec::new();
        };
        let raw = self.raw_value(field).unwrap_or_else(|| field.value.clone());
        let names = split_names(&raw).into_iter().map(|n| normalise_name(&n));
        names.filter(|n| !n.is_empty()).collect()
    }

    /// Re-reads `field`'s value from [`Entry::raw`] with its braces intact (author splitting
    /// must not split inside braces, which the cleaned-up value no longer shows).
    fn raw_value(&self, field: &Field) -> Option<String> {
        let p = &mut Parser::new(&self.raw, 0);
        let (start, first_column) = match field.position.line.checked_sub(self.position.line)? {
            0 => (0, self.position.column),
            n => (*p.line_starts.get(n)?, 1),
        };
        let i = start + field.position.column.checked_sub(first_column)?;
        let name_end = p.skip(i, p.chars.len(), is_token_char);
        let eq = p.skip(name_end, p.chars.len(), char::is_whitespace);
        if p.slice(i, name_end).to_lowercase() != field.name || p.at(eq) != Some('=') {
            return None;
        }
        let ctx = &mut Ctx {
            end: p.chars.len(),
            closed: true,
            ..Ctx::default()
        };
        let raw = p.value(eq + 1, ctx, &field.name).0;
        // `@string` macros of the file are not known here: use the cleaned-up value instead.
        p.problems.is_empty().then_some(raw)
    }
}

/// What went wrong; see [`Problem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// An entry is not closed before the next entry or the end of the input.
    UnterminatedEntry,
    /// An entry has no citation key.
    MissingKey,
    /// Two fields (or the key and the first field) are not separated by a comma.
    MissingComma,
    /// A `{` is never closed, or an extra `}` closes an entry early.
    UnbalancedBraces,
    /// A `"`-quoted value is never closed; it is cut at the end of its line.
    UnterminatedString,
    /// A field appears twice in one entry (the first value is kept); holds the field name.
    DuplicateField(String),
    /// A field has no value and is left out; holds the field name.
    EmptyField(String),
    /// A value uses a macro that no `@string` defines (its name is kept); holds the macro name.
    UnknownMacro(String),
    /// Text outside entries that is not a comment, or unexpected text inside an entry.
    Stray,
    /// `@string` macro expansion would produce more than the file's budget of bytes
    /// ([`parse_limited`]); this macro and every later one are kept unexpanded.
    MacroBudget,
}

/// A problem found while parsing, with where it is and a sentence describing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The kind of problem.
    pub kind: ProblemKind,
    /// Where it was found.
    pub position: Position,
    /// A human sentence, e.g. "entry `sane2023` is missing the comma after field `title`".
    pub message: String,
}

/// The default budget of bytes that `@string` macro expansion may produce in one file.
pub const MACRO_BYTES: usize = crate::config::Limits::DEFAULT.bibtex_macro_bytes;

/// Parse a whole .bib file. `line_offset` is added to every line (for BibTeX embedded after N
/// lines of another file). Never panics; every entry is returned or reported as a problem.
pub fn parse(source: &str, line_offset: usize) -> (Vec<Entry>, Vec<Problem>) {
    parse_limited(source, line_offset, MACRO_BYTES)
}

/// [`parse`], with at most `macro_bytes` bytes produced by `@string` macro expansion: macros
/// defined from macros (`@string{b = a # a}`) otherwise grow exponentially with the number of
/// definitions. Over the budget, macros are kept as their names and one
/// [`ProblemKind::MacroBudget`] is reported.
pub fn parse_limited(
    source: &str,
    line_offset: usize,
    macro_bytes: usize,
) -> (Vec<Entry>, Vec<Problem>) {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut p = Parser::new(source, line_offset);
    p.macro_budget = macro_bytes;
    let (mut entries, len, mut i) = (Vec::new(), p.chars.len(), 0);
    while i < len {
        match p.chars[i] {
            '@' => i = p.at_sign(i, &mut entries),
            '%' => i = p.find(i, len, |c| c == '\n'),
            c if c.is_whitespace() => i += 1,
            c => {
                let stop = p.find(i, len, |c| c == '@');
                let kind = if c == '}' { UnbalancedBraces } else { Stray };
                let text = snippet(&p.slice(i, stop));
                p.report(
                    kind,
                    i,
                    format!("text outside any entry is ignored: `{text}`"),
                );
                i = stop;
            }
        }
    }
    (entries, p.problems)
}

/// Fields taken verbatim apart from braces and `\_`-style escapes.
const VERBATIM_FIELDS: [&str; 5] = ["url", "doi", "eprint", "pdf", "file"];
const MONTHS: &str = "jan=January feb=February mar=March apr=April may=May jun=June jul=July \
                      aug=August sep=September oct=October nov=November dec=December";

/// The extent of one entry and what is known about it while its body is read.
#[derive(Debug, Default)]
struct Ctx {
    /// Index of the `@`.
    at: usize,
    key: String,
    /// Exclusive end of the body: the closing delimiter, or the cut point.
    end: usize,
    close: char,
    closed: bool,
    /// `}` that closed the entry early although fields follow; skipped when reading fields.
    extras: Vec<usize>,
    unbalanced_reported: bool,
}

/// A field as read, before it becomes a [`Field`].
#[derive(Debug)]
struct RawField {
    name: String,
    raw: String,
    value: String,
    start: usize,
}

#[derive(Debug)]
struct Parser {
    chars: Vec<char>,
    /// Index of the first character of every line.
    line_starts: Vec<usize>,
    /// Index of the first character of every line that is not a space or tab.
    indent_ends: Vec<usize>,
    line_offset: usize,
    /// Characters that [`Parser::extent`] may still scan looking for an entry's end; once
    /// spent, every entry also ends at the next `@type{` anywhere, so that a file of
    /// unclosed entries on one line takes linear, not quadratic, time.
    scan_budget: usize,
    macros: HashMap<String, String>,
    /// Bytes that macro expansion may still produce.
    macro_budget: usize,
    /// True once the budget has run out (reported once).
    macro_budget_spent: bool,
    problems: Vec<Problem>,
}

impl Parser {
    fn new(source: &str, line_offset: usize) -> Self {
        let chars: Vec<char> = source.chars().collect();
        let newlines = chars.iter().enumerate().filter(|&(_, &c)| c == '\n');
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(newlines.map(|(i, _)| i + 1))
            .collect();
        let indent_ends = line_starts
            .iter()
            .map(|&start| {
                let blank = chars[start..]
                    .iter()
                    .take_while(|&&c| c == ' ' || c == '\t');
                start + blank.count()
            })
            .collect();
        let scan_budget = chars.len().saturating_mul(16).saturating_add(1 << 20);
        let months = MONTHS.split(' ').filter_map(|m| m.split_once('='));
        let macros = months.map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        Self {
            chars,
            line_starts,
            indent_ends,
            line_offset,
            scan_budget,
            macros,
            macro_budget: MACRO_BYTES,
            macro_budget_spent: false,
            problems: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn slice(&self, from: usize, to: usize) -> String {
        let range = from..to.min(self.chars.len());
        self.chars
            .get(range)
            .map(String::from_iter)
            .unwrap_or_default()
    }

    /// First index in `i..end` whose character matches `pred`, or `end`.
    fn find(&self, i: usize, end: usize, pred: impl Fn(char) -> bool) -> usize {
        (i..end)
            .find(|&j| self.at(j).is_some_and(&pred))
            .unwrap_or(end)
    }

    /// First index in `i..end` whose character does not match `pred`, or `end`.
    fn skip(&self, i: usize, end: usize, pred: impl Fn(char) -> bool) -> usize {
        self.find(i, end, |c| !pred(c))
    }

    fn ws(&self, i: usize, end: usize) -> usize {
        self.skip(i, end, char::is_whitespace)
    }

    fn position(&self, i: usize) -> Position {
        let line = self.line_starts.partition_point(|&s| s <= i).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        Position {
            line: line + self.line_offset,
            column: i - start + 1,
        }
    }

    fn report(&mut self, kind: ProblemKind, i: usize, message: String) {
        let position = self.position(i);
        self.problems.push(Problem {
            kind,
            position,
            message,
        });
    }

    /// Reports a problem about the entry in `ctx`; `what` continues "entry `key` …".
    fn flag(&mut self, ctx: &Ctx, kind: ProblemKind, i: usize, what: &str) {
        let who = match ctx.key.as_str() {
            "" => format!("entry at line {}", self.position(ctx.at).line),
            key => format!("entry `{key}`"),
        };
        self.report(kind, i, format!("{who} {what}"));
    }

    /// `name =` starts at `i` (a field, as opposed to more text of a value).
    fn looks_like_field(&self, i: usize) -> bool {
        let end = self.skip(i, self.chars.len(), is_token_char);
        let eq = self.ws(end, self.chars.len());
        self.at(i).is_some_and(char::is_alphabetic) && self.at(eq) == Some('=')
    }

    /// `@type{` or `@type(` is at `i`; with `line_start`, only blanks may precede it on its line.
    fn is_entry_start(&self, i: usize, line_start: bool) -> bool {
        // Only blanks before `i` on its line: `i` is where its line's indent ends.
        let at_line_start = || {
            let line = self.line_starts.partition_point(|&s| s <= i).max(1);
            self.indent_ends.get(line - 1) == Some(&i)
        };
        if self.at(i) != Some('@') || line_start && !at_line_start() {
            return false;
        }
        let j = self.skip(i + 1, self.chars.len(), |c| c.is_ascii_alphabetic());
        j > i + 1 && matches!(self.at(self.ws(j, self.chars.len())), Some('{' | '('))
    }

    /// Handles the `@` at `at`; returns where top-level scanning resumes.
    fn at_sign(&mut self, at: usize, entries: &mut Vec<Entry>) -> usize {
        let len = self.chars.len();
        let type_end = self.skip(at + 1, len, |c| c.is_alphanumeric() || c == '_' || c == '-');
        let entry_type = self.slice(at + 1, type_end).to_lowercase();
        let open = self.ws(type_end, len);
        let close = match self.at(open) {
            Some('{') if !entry_type.is_empty() => '}',
            Some('(') if !entry_type.is_empty() => ')',
            _ if entry_type == "comment" => return self.find(at, len, |c| c == '\n'),
            _ => {
                let stop = self.find(at + 1, len, |c| c == '@');
                let text = snippet(&self.slice(at, stop));
                let msg = format!("`{text}` is not an entry (no `{{` or `(` after the type)");
                self.report(Stray, at, msg);
                return stop;
            }
        };
        let mut ctx = self.extent(at, open, close);
        let resume = ctx.end + usize::from(ctx.closed);
        let last = (at..ctx.end)
            .rev()
            .find(|&j| !self.chars[j].is_whitespace());
        let raw_end = if ctx.closed {
            ctx.end + 1
        } else {
            last.map_or(at + 1, |j| j + 1)
        };
        match entry_type.as_str() {
            "comment" | "preamble" if !ctx.closed => {
                let what = format!("(`@{entry_type}`) is never closed");
                self.flag(&ctx, UnterminatedEntry, at, &what);
            }
            "comment" | "preamble" => {}
            "string" => {
                for f in self.body(&mut ctx, open + 1, false) {
                    self.macros.insert(f.name, f.raw);
                }
            }
            _ => {
                let fields = self.body(&mut ctx, open + 1, true).into_iter();
                let fields = fields.map(|f| Field {
                    name: f.name,
                    value: f.value,
                    position: self.position(f.start),
                });
                let (position, raw) = (self.position(at), self.slice(at, raw_end));
                let fields = fields.collect();
                entries.push(Entry {
                    entry_type,
                    key: ctx.key,
                    fields,
                    position,
                    raw,
                });
            }
        }
        resume
    }

    /// Finds where the entry whose opening delimiter is at `open` ends.
    fn extent(&mut self, at: usize, open: usize, close: char) -> Ctx {
        let (mut stack, mut extras, mut in_quote, mut closed) =
            (Vec::new(), Vec::new(), false, false);
        let mut i = open + 1;
        while i < self.chars.len() {
            self.scan_budget = self.scan_budget.saturating_sub(1);
            let anywhere = self.scan_budget == 0;
            match self.chars[i] {
                '@' if self.is_entry_start(i, !anywhere) => break,
                '{' => stack.push(i),
                // `pop` pairs a `}` with its `{`; an unpaired one closes the entry or is extra.
                '}' if stack.pop().is_none() => {
                    if close == '}' && !self.continues_fields(i + 1) {
                        closed = true;
                        break;
                    }
                    extras.push(i);
                }
                '"' if close == ')' && stack.is_empty() => in_quote = !in_quote,
                ')' if close == ')' && stack.is_empty() && !in_quote => {
                    closed = true;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let end = match closed {
            true => i,
            false => (open + 1..i)
                .find(|&j| self.is_entry_start(j, false))
                .unwrap_or(i),
        };
        Ctx {
            at,
            end,
            close,
            closed,
            extras,
            ..Ctx::default()
        }
    }

    /// After a `}` that would close an entry: does its field list visibly go on?
    fn continues_fields(&self, i: usize) -> bool {
        let j = self.ws(i, self.chars.len());
        match self.at(j) {
            Some(',') => self.looks_like_field(self.ws(j + 1, self.chars.len())),
            _ => self.looks_like_field(j),
        }
    }

    /// Skips whitespace and the extra `}` of the entry.
    fn filler(&self, i: usize, ctx: &Ctx) -> usize {
        (i..ctx.end)
            .find(|&j| !self.chars[j].is_whitespace() && !ctx.extras.contains(&j))
            .unwrap_or(ctx.end)
    }

    /// Reads the key (if `with_key`) and the fields of an entry body starting at `start`.
    fn body(&mut self, ctx: &mut Ctx, start: usize, with_key: bool) -> Vec<RawField> {
        let mut i = self.ws(start, ctx.end);
        if with_key {
            let key_end = self.skip(i, ctx.end, |c| {
                !c.is_whitespace() && !",{}()\"=#".contains(c)
            });
            let after = self.ws(key_end, ctx.end);
            if key_end == i || self.at(after) == Some('=') {
                self.flag(ctx, MissingKey, ctx.at, "has no citation key");
            } else {
                (ctx.key, i) = (self.slice(i, key_end), after);
                if self.at(i) == Some(',') {
                    i += 1;
                } else if i < ctx.end && self.at(i) != Some(ctx.close) {
                    let what = "is missing the comma after its key";
                    self.flag(ctx, MissingComma, i, what);
                }
            }
        }
        let (mut fields, mut ended_by_close) = (Vec::<RawField>::new(), ctx.closed);
        loop {
            i = self.filler(i, ctx);
            let Some(c) = self.at(i).filter(|_| i < ctx.end) else {
                break;
            };
            if c == ',' {
                i += 1;
                continue;
            } else if c == ctx.close {
                ended_by_close = true;
                let rest = self.ws(i + 1, ctx.end);
                if rest < ctx.end {
                    let text = snippet(&self.slice(rest, ctx.end));
                    let what = format!("is followed by ignored text `{text}`");
                    self.flag(ctx, Stray, rest, &what);
                }
                break;
            }
            let name_end = self.skip(i, ctx.end, is_token_char);
            let eq = self.filler(name_end, ctx);
            if name_end == i || self.at(eq) != Some('=') {
                let stop = (i + 1..ctx.end).find(|&j| {
                    self.chars[j] == ','
                        || self.chars[j - 1].is_whitespace() && self.looks_like_field(j)
                });
                let stop = stop.unwrap_or(ctx.end);
                let text = snippet(&self.slice(i, stop));
                self.flag(ctx, Stray, i, &format!("contains unexpected text `{text}`"));
                i = stop;
                continue;
            }
            let name = self.slice(i, name_end).to_lowercase();
            let (raw, any, next) = self.value(eq + 1, ctx, &name);
            let value = tex_to_text(&raw, VERBATIM_FIELDS.contains(&name.as_str()));
            let after = self.filler(next, ctx);
            if after < ctx.end && self.looks_like_field(after) {
                let what = format!("is missing the comma after field `{name}`");
                self.flag(ctx, MissingComma, after, &what);
            }
            if let Some(first) = fields.iter().find(|f| f.name == name) {
                let line = self.position(first.start).line;
                let what =
                    format!("repeats field `{name}` (first at line {line}; that one is kept)");
                self.flag(ctx, DuplicateField(name), i, &what);
            } else if with_key && (!any || value.is_empty()) {
                let what = format!("has an empty field `{name}`");
                self.flag(ctx, EmptyField(name), i, &what);
            } else {
                fields.push(RawField {
                    name,
                    raw,
                    value,
                    start: i,
                });
            }
            i = next;
        }
        if !ctx.closed && !ended_by_close {
            let place = match ctx.end < self.chars.len() {
                true => format!("line {}", self.position(ctx.end).line),
                false => "the end of the input".to_owned(),
            };
            let what = format!("is not closed before {place}");
            self.flag(ctx, UnterminatedEntry, ctx.at, &what);
        } else if !ctx.closed && !ctx.unbalanced_reported {
            let line = self.position(ctx.end).line;
            let what = format!("has unbalanced braces; it is cut at line {line}");
            self.flag(ctx, UnbalancedBraces, ctx.at, &what);
        }
        for &extra in &ctx.extras {
            let what = "has an extra `}` that closes it early; the fields after it are still read";
            self.flag(ctx, UnbalancedBraces, extra, what);
        }
        fields
    }

    /// Reads a value (pieces joined by `#`) from `start`; returns the raw text with the outer
    /// delimiters removed, whether any piece was found, and where reading stopped.
    fn value(&mut self, start: usize, ctx: &mut Ctx, name: &str) -> (String, bool, usize) {
        let (mut raw, mut any, mut i) = (String::new(), false, self.ws(start, ctx.end));
        while i < ctx.end {
            let (piece, next) = match self.chars[i] {
                '{' => self.braced(i, ctx, name),
                '"' => self.quoted(i, ctx, name),
                // A bare `name =` right after `=` is the next field, not a macro.
                c if is_token_char(c) && (any || !self.looks_like_field(i)) => {
                    let end = self.skip(i, ctx.end, is_token_char);
                    let token = self.slice(i, end);
                    let name_key = token.to_lowercase();
                    match self.macros.get(&name_key).map(String::len) {
                        _ if token.chars().all(|c| c.is_ascii_digit()) => (token, end),
                        Some(size) if size <= self.macro_budget => {
                            self.macro_budget -= size;
                            let expansion = self.macros.get(&name_key).cloned();
                            (expansion.unwrap_or_default(), end)
                        }
                        Some(size) => {
                            if !self.macro_budget_spent {
                                self.macro_budget_spent = true;
                                let what = format!(
                                    "expands the macro `{token}` to {size} bytes, over the \
                                     file's budget for macro expansion \
                                     (`limits.bibtex_macro_bytes`); it is kept unexpanded"
                                );
                                self.flag(ctx, MacroBudget, i, &what);
                            }
                            (token, end)
                        }
                        None => {
                            let what = format!("uses the undefined macro `{token}` in `{name}`");
                            self.flag(ctx, UnknownMacro(token.clone()), i, &what);
                            (token, end)
                        }
                    }
                }
                _ => break,
            };
            (any, i) = (true, next);
            raw.push_str(&piece);
            let hash = self.ws(i, ctx.end);
            if hash >= ctx.end || self.chars[hash] != '#' {
                break;
            }
            i = self.ws(hash + 1, ctx.end);
        }
        (raw, any, i)
    }

    fn braced(&mut self, open: usize, ctx: &mut Ctx, name: &str) -> (String, usize) {
        let mut depth = 0usize;
        for i in open..ctx.end {
            match self.chars[i] {
                '{' => depth += 1,
                '}' if depth <= 1 => return (self.slice(open + 1, i), i + 1),
                '}' => depth -= 1,
                // In an entry known to be unbalanced, a line starting `name =` ends the value.
                '\n' if !ctx.closed && self.looks_like_field(self.ws(i + 1, ctx.end)) => {
                    self.unclosed(open, ctx, name);
                    return self.cut(open, i);
                }
                _ => {}
            }
        }
        self.unclosed(open, ctx, name);
        (self.slice(open + 1, ctx.end), ctx.end)
    }

    fn unclosed(&mut self, open: usize, ctx: &mut Ctx, name: &str) {
        if !ctx.unbalanced_reported {
            ctx.unbalanced_reported = true;
            let what = format!("never closes the `{{` that opens field `{name}`");
            self.flag(ctx, UnbalancedBraces, open, &what);
        }
    }

    fn quoted(&mut self, open: usize, ctx: &Ctx, name: &str) -> (String, usize) {
        let mut depth = 0usize;
        for i in open + 1..ctx.end {
            match self.chars[i] {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                '"' if depth == 0 => return (self.slice(open + 1, i), i + 1),
                _ => {}
            }
        }
        let what = format!("never closes the string in field `{name}`; it is cut at the line end");
        self.flag(ctx, UnterminatedString, open, &what);
        self.cut(open, self.find(open, ctx.end, |c| c == '\n'))
    }

    /// The text of a never-closed value opened at `open`, cut at `stop`; a trailing comma is
    /// left out of it, to separate the next field.
    fn cut(&self, open: usize, stop: usize) -> (String, usize) {
        let last = (open + 1..stop)
            .rev()
            .find(|&j| !self.chars[j].is_whitespace());
        let stop = last.map_or(open + 1, |j| if self.chars[j] == ',' { j } else { j + 1 });
        (self.slice(open + 1, stop), stop)
    }
}

/// Characters that may appear in field names and macro names.
fn is_token_char(c: char) -> bool {
    !c.is_whitespace() && !"\"#%'(),={}@".contains(c)
}

/// The first line of `text`, shortened to at most 40 characters.
fn snippet(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::tex::*;
    use super::*;

    const SAMPLES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/outputs/bibliography/zanna-research-group"
    );

    fn sample(rel: &str) -> String {
        let path = format!("{SAMPLES}/{rel}");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn kinds(problems: &[Problem]) -> Vec<(ProblemKind, usize)> {
        problems
            .iter()
            .map(|p| (p.kind.clone(), p.position.line))
            .collect()
    }

    fn value<'a>(entry: &'a Entry, name: &str) -> &'a str {
        entry.field(name).map_or("<missing>", |f| f.value.as_str())
    }

    fn one(source: &str) -> (Entry, Vec<(ProblemKind, usize)>) {
        let (mut entries, problems) = parse(source, 0);
        assert_eq!(entries.len(), 1, "{entries:#?} {problems:#?}");
        (entries.remove(0), kinds(&problems))
    }

    #[test]
    fn every_sample_file_parses_into_entries() {
        let dir = format!("{SAMPLES}/publication");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|d| {
                Some(format!(
                    "publication/{}/cite.bib",
                    d.ok()?.file_name().to_str()?
                ))
            })
            .filter(|rel| std::path::Path::new(&format!("{SAMPLES}/{rel}")).is_file())
            .collect();
        assert!(
            files.len() >= 20,
            "sample bibliography not found: {files:?}"
        );
        files.push("all-2021plus.bib".to_owned());
        for rel in files {
            let (entries, problems) = parse(&sample(&rel), 0);
            assert!(!entries.is_empty(), "{rel}: no entries");
            for entry in &entries {
                assert!(!entry.key.is_empty(), "{rel}: {entry:?}");
                assert!(!value(entry, "title").is_empty() && entry.field("title").is_some());
                assert!(
                    !entry.authors().is_empty(),
                    "{rel}: {} has no authors",
                    entry.key
                );
                assert!(
                    entry.raw.starts_with('@') && entry.raw.ends_with('}'),
                    "{rel}"
                );
            }
            assert!(
                problems.iter().all(|p| p.kind == MissingComma),
                "{rel}: {problems:#?}"
            );
        }
    }

    #[test]
    fn sample_ross_is_missing_a_comma_after_year() {
        let (entry, problems) = one(&sample("publication/Ross-et-al-2022/cite.bib"));
        assert_eq!(problems, [(MissingComma, 9)]);
        assert_eq!(value(&entry, "year"), "2023");
        assert!(value(&entry, "abstract").starts_with("Recently, a growing number"));
        assert_eq!(entry.fields.len(), 8);
    }

    #[test]
    fn sample_yankovsky_is_missing_a_comma_after_year() {
        let source = sample("publication/Yankovsky-2022/cite.bib");
        let (_, problems) = parse(&source, 0);
        assert_eq!(problems[0].position, Position { line: 9, column: 3 });
        assert_eq!(
            problems[0].message,
            "entry `yankovsky2022influences` is missing the comma after field `year`"
        );
        let (entry, problems) = one(&source);
        assert_eq!(problems, [(MissingComma, 9)]);
        assert_eq!(
            value(&entry, "keywords"),
            "Mesoscale eddies, Parameterization, Idealized modeling"
        );
        assert_eq!(
            entry.authors(),
            ["Elizabeth Yankovsky", "Laure Zanna", "K Shafer Smith"]
        );
    }

    #[test]
    fn sample_collection_glued_entries_and_missing_commas() {
        let source = sample("all-2021plus.bib");
        let (entries, problems) = parse(&source, 0);
        assert_eq!(kinds(&problems), [(MissingComma, 89), (MissingComma, 99)]);
        // Every `@type{` in the file is an entry, including five glued to a previous `}`.
        assert_eq!(entries.len(), source.matches("@").count());
        let glued: Vec<_> = entries.iter().filter(|e| e.position.column == 2).collect();
        let lines: Vec<_> = glued.iter().map(|e| e.position.line).collect();
        assert_eq!(lines, [13, 71, 81, 124, 167]);
        assert_eq!(glued[0].key, "article-cheng");
        assert!(
            glued[0]
                .raw
                .starts_with("@article{article-cheng,\nauthor = {Cheng, Lijing")
        );
        assert_eq!(entries[0].raw.lines().last(), Some("}"));
        // The same entries appear twice in the published file; both are returned.
        let climsim = entries.iter().filter(|e| e.key == "yu2023climsim").count();
        assert_eq!(climsim, 2);
    }

    #[test]
    fn sample_crlf_file() {
        let source = sample("publication/Marques-et-al-2022/cite.bib");
        let (entry, problems) = one(&source);
        assert!(problems.is_empty());
        assert_eq!(entry.raw, source.trim_end());
        assert!(entry.raw.contains("\r\n") && !value(&entry, "title").contains('\r'));
        assert_eq!(value(&entry, "pages"), "6567--6579");
        assert_eq!(
            entry.field("doi").map(|f| f.position),
            Some(Position {
                line: 10,
                column: 1
            })
        );
        assert_eq!(entry.authors()[..2], ["G. M. Marques", "N. Loose"]);
        assert_eq!(entry.authors().last().map(String::as_str), Some("L. Zanna"));
    }

    #[test]
    fn sample_one_line_entry_and_spaced_header() {
        let (entry, _) = one(&sample("publication/falasca-et-al-2023/cite.bib"));
        assert_eq!(entry.fields.len(), 8);
        let doi = entry
            .field("DOI")
            .map(|f| (f.name.as_str(), f.position.column));
        assert_eq!(doi, Some(("doi", 154)));
        let (entry, _) = one(&sample("publication/Chemke-et-al-2022/cite.bib"));
        assert!(entry.key.starts_with("TheFutureIntensification"));
        assert_eq!(value(&entry, "pages"), "2407 - 2421");
        let (entry, _) = one(&sample("publication/Liu-et-al-2021/cite.bib"));
        assert_eq!(
            (entry.entry_type.as_str(), entry.position.line),
            ("inproceedings", 2)
        );
        assert_eq!(value(&entry, "month"), "17--23 Jul");
    }

    #[test]
    fn sample_unicode_names_and_escapes() {
        let (entry, _) = one(&sample("publication/camps-valls-et-al-2023/cite.bib"));
        assert!(entry.authors().contains(&"Björn Lütjens".to_owned()));
        let (entry, _) = one(&sample("publication/wang-et-al-2021/cite.bib"));
        assert!(value(&entry, "abstract").contains("(within 90% confidence estimates)"));
        let (entry, _) = one(&sample("publication/zanna-bolton-2021/cite.bib"));
        assert_eq!(entry.key, "doi:https://doi.org/10.1002/9781119646181.ch20");
        assert_eq!(value(&entry, "publisher"), "John Wiley & Sons, Ltd");
    }

    #[test]
    fn missing_commas_keep_all_fields() {
        let src = "@misc{sane2023,\n  title = {A}\n  year = 2023\n  note = \"n\" }\n";
        let (entry, problems) = one(src);
        assert_eq!(problems, [(MissingComma, 3), (MissingComma, 4)]);
        assert_eq!(
            (value(&entry, "title"), value(&entry, "year")),
            ("A", "2023")
        );
        let (_, problems) = parse(src, 0);
        assert_eq!(
            problems[0].message,
            "entry `sane2023` is missing the comma after field `title`"
        );
        let (entry, problems) = one("@misc{k\n  title = {A}}");
        assert_eq!(
            (entry.key.as_str(), problems),
            ("k", vec![(MissingComma, 2)])
        );
    }

    #[test]
    fn unclosed_brace_in_value_is_cut_at_the_next_field() {
        let src =
            "@article{a,\n  title = {Broken,\n  year = {2020}\n}\n@article{b, title = {Fine}}\n";
        let (entries, problems) = parse(src, 0);
        assert_eq!(kinds(&problems), [(UnbalancedBraces, 2)]);
        assert_eq!(problems[0].position.column, 11);
        assert_eq!(
            (value(&entries[0], "title"), value(&entries[0], "year")),
            ("Broken", "2020")
        );
        assert_eq!(value(&entries[1], "title"), "Fine");
        assert_eq!(
            entries[0].raw,
            "@article{a,\n  title = {Broken,\n  year = {2020}\n}"
        );
    }

    #[test]
    fn unbalanced_entry_is_cut_at_next_line_starting_with_at() {
        let src = "@article{a,\n  title = {x {y},\n  abstract = {z}}\n@book{b, title = {B}}";
        let (entries, problems) = parse(src, 0);
        assert_eq!(entries.len(), 2);
        assert_eq!(kinds(&problems), [(UnbalancedBraces, 2)]);
        assert_eq!(value(&entries[1], "title"), "B");
        assert!(entries[0].raw.ends_with("{z}}"));
    }

    #[test]
    fn extra_closing_brace_is_reported_and_fields_after_it_are_kept() {
        let (entry, problems) = one("@article{a,\n  title = {Foo}},\n  year = 2020\n}\n");
        assert_eq!(problems, [(UnbalancedBraces, 2)]);
        assert_eq!(
            (value(&entry, "title"), value(&entry, "year")),
            ("Foo", "2020")
        );
        let (entries, problems) = parse("@misc{a, title={x}}}\n@misc{b, title={y}}", 0);
        assert_eq!(
            (entries.len(), kinds(&problems)),
            (2, vec![(UnbalancedBraces, 1)])
        );
    }

    #[test]
    fn unterminated_entries_resume_at_next_entry() {
        let src = "@article{a,\n  title = {x},\n\n@article{b, title = {y}}\n";
        let (entries, problems) = parse(src, 0);
        assert_eq!(kinds(&problems), [(UnterminatedEntry, 1)]);
        assert_eq!(problems[0].message, "entry `a` is not closed before line 4");
        assert_eq!(
            (entries.len(), entries[0].raw.as_str()),
            (2, "@article{a,\n  title = {x},")
        );
        // An entry glued to a broken one on the same line is still found.
        let (entries, problems) = parse("@misc{a, title = {x}@misc{b, title = {y}}", 0);
        assert_eq!(
            (entries.len(), kinds(&problems)),
            (2, vec![(UnterminatedEntry, 1)])
        );
        assert_eq!(value(&entries[1], "title"), "y");
        let (_, problems) = parse("@misc{a, title = {x}", 0);
        assert_eq!(
            problems[0].message,
            "entry `a` is not closed before the end of the input"
        );
    }

    #[test]
    fn missing_key() {
        let (entry, problems) = one("@article{\n  title = {No key},\n}");
        assert_eq!((entry.key.as_str(), problems), ("", vec![(MissingKey, 1)]));
        assert_eq!(value(&entry, "title"), "No key");
        let (_, problems) = one("@article{, title = {x}}");
        assert_eq!(problems, [(MissingKey, 1)]);
    }

    #[test]
    fn empty_and_duplicate_fields() {
        let src = "@misc{k,\n title = {First},\n doi = {},\n note = ,\n TITLE = {Second},\n}";
        let (entry, problems) = one(src);
        let empty = |n: &str| EmptyField(n.to_owned());
        assert_eq!(
            problems,
            [
                (empty("doi"), 3),
                (empty("note"), 4),
                (DuplicateField("title".to_owned()), 5)
            ]
        );
        assert_eq!(value(&entry, "title"), "First");
        assert_eq!((entry.fields.len(), entry.field("doi")), (1, None));
    }

    #[test]
    fn unterminated_string_is_cut_at_line_end() {
        let (entry, problems) = one("@misc{k,\n title = \"Broken,\n year = 2020\n}");
        assert_eq!(problems, [(UnterminatedString, 2)]);
        assert_eq!(
            (value(&entry, "title"), value(&entry, "year")),
            ("Broken", "2020")
        );
    }

    #[test]
    fn string_macros_months_and_concatenation() {
        let src = "@string{ jgr = \"J. Geophys. Res.\" }\n@STRING(pre = {Proc. })\n\
                   @article{a, journal = jgr # { Oceans}, month = aug, booktitle = pre # \"Conf\",\n\
                   series = nosuch, year = 2023, volume = \"1\" # 2}";
        let (entry, problems) = one(src);
        assert_eq!(problems, [(UnknownMacro("nosuch".to_owned()), 4)]);
        assert_eq!(value(&entry, "journal"), "J. Geophys. Res. Oceans");
        assert_eq!(value(&entry, "month"), "August");
        assert_eq!(value(&entry, "booktitle"), "Proc. Conf");
        assert_eq!(value(&entry, "series"), "nosuch");
        assert_eq!(value(&entry, "volume"), "12");
    }

    #[test]
    fn parentheses_comments_preamble_and_stray_text() {
        let src = "% a comment\n@comment{anything {nested} here}\n@comment just a line\n\
                   @preamble{ \"\\newcommand{\\x}{y}\" }\nstray words\n\
                   @Article(k, Title = \"x (y)\", year = 2020,)\n";
        let (entry, problems) = one(src);
        assert_eq!(problems, [(Stray, 5)]);
        assert_eq!(
            (entry.entry_type.as_str(), value(&entry, "title")),
            ("article", "x (y)")
        );
        assert_eq!(entry.raw, "@Article(k, Title = \"x (y)\", year = 2020,)");
        let (entries, problems) = parse("@article title = {x}\n@misc{b, title = {y}}", 0);
        assert_eq!((entries.len(), kinds(&problems)), (1, vec![(Stray, 1)]));
    }

    #[test]
    fn bom_crlf_and_columns_count_characters() {
        let (entry, problems) =
            one("\u{feff}@misc{k,\r\n  title = {Ünïcödé},\r\n  note = {ä}, year = 2020}");
        assert!(problems.is_empty());
        assert_eq!(entry.position, Position { line: 1, column: 1 });
        assert_eq!(value(&entry, "title"), "Ünïcödé");
        let year = entry.field("year").map(|f| f.position);
        assert_eq!(
            year,
            Some(Position {
                line: 3,
                column: 15
            })
        );
    }

    #[test]
    fn line_offset_shifts_every_position() {
        let (entries, problems) = parse("\n@misc{a,\n title = {x}\n year = 1}", 10);
        assert_eq!(
            entries[0].position,
            Position {
                line: 12,
                column: 1
            }
        );
        assert_eq!(
            entries[0].fields[1].position,
            Position {
                line: 14,
                column: 2
            }
        );
        assert_eq!(kinds(&problems), [(MissingComma, 14)]);
        assert_eq!(entries[0].authors(), Vec::<String>::new());
    }

    #[test]
    fn author_normalisation() {
        let src = "@misc{k, author = {Zanna, Laure and {NASA Team} and Jean-Paul {de la Fontaine}\n\
                   AND {Barnes and Noble} and Doe, Jr, John and M{\\\"u}ller, J{\\\"o}rg and others}}";
        let (entry, _) = one(src);
        let expected = [
            "Laure Zanna",
            "NASA Team",
            "Jean-Paul de la Fontaine",
            "Barnes and Noble",
            "John Doe, Jr",
            "Jörg Müller",
            "others",
        ];
        assert_eq!(entry.authors(), expected);
        let (entry, _) = one("@misc{k,\n  note = {x},\n  author = \"Rei Chemke and Laure Zanna\"}");
        assert_eq!(entry.authors(), ["Rei Chemke", "Laure Zanna"]);
        let src = "@string{zl = \"Zanna, Laure\"}\n@misc{k, author = zl # \" and Bolton, T.\"}";
        assert_eq!(one(src).0.authors(), ["Laure Zanna", "T. Bolton"]);
    }

    #[test]
    fn accents_and_tex_markup_become_unicode() {
        let cases = [
            ("{\\\"u}ber \\'ecole", "über école"),
            (
                "\\c{c}a \\v{S}ip \\v s {\\ss} \\o{} \\'{\\i} \\~n \\aa{} \\H{o}",
                "ça Šip š ß ø í ñ å ő",
            ),
            (
                "G{\\\"{o}}del -- \\& 50\\% \\emph{very} \\textbf{bold}",
                "Gödel -- & 50% very bold",
            ),
            ("CO$_2$ and m$^{-2}$, 5$^\\circ$C", "CO₂ and m⁻², 5°C"),
            (
                "\\d{a} \\.z \\u{g} \\k{e} \\r{u} \\={o} \\^{e} \\`a",
                "a\u{323} ż ğ ę ů ō ê à",
            ),
            ("  multi\n\t line ~ tie  ", "multi line tie"),
        ];
        for (raw, want) in cases {
            assert_eq!(tex_to_text(raw, false), want, "{raw}");
        }
        let (entry, _) =
            one("@misc{k, url = {https://x.org/a\\_b~c%20}, title = {T{\\'e}l{\\'e}}}");
        assert_eq!(value(&entry, "url"), "https://x.org/a_b~c%20");
        assert_eq!(value(&entry, "title"), "Télé");
    }

    #[test]
    fn precomposed_tables_line_up() {
        for (mark, from, to) in PRECOMPOSED {
            assert_eq!(from.chars().count(), to.chars().count(), "accent {mark}");
        }
        assert_eq!(ACCENTS.chars().count(), COMBINING.chars().count());
    }

    /// Every `@type{` that starts a line (bar `@string`, `@comment`, `@preamble`) is an entry.
    fn assert_nothing_dropped(source: &str) -> usize {
        let entries = parse(source, 0).0;
        let p = Parser::new(source, 0);
        let starts = (0..p.chars.len()).filter(|&i| p.is_entry_start(i, true));
        let starts = starts.filter(|&i| {
            let kind = p.slice(i + 1, p.skip(i + 1, p.chars.len(), char::is_alphabetic));
            !["string", "comment", "preamble"].contains(&kind.to_lowercase().as_str())
        });
        let positions: Vec<Position> = starts.map(|i| p.position(i)).collect();
        for pos in &positions {
            let found = entries.iter().any(|e| e.position == *pos);
            assert!(found, "entry at {pos:?} dropped in {source:?}");
        }
        positions.len()
    }

    #[test]
    fn never_panics_and_never_drops_entries_on_damaged_input() {
        let base = format!(
            "{}\n@string{{s = \"S\"}}\n@misc(p, title = \"q (r)\" # s, note = {{a {{b}} c}})\n{}",
            sample("publication/Ross-et-al-2022/cite.bib")
                .get(..400)
                .unwrap_or_default(),
            "@book{x,\n author = {{\\\"O}z, A and B},\n year = 2020,\n}\n% end\n"
        );
        let chars: Vec<char> = base.chars().collect();
        for i in 0..=chars.len() {
            let prefix: String = chars[..i].iter().collect();
            assert_nothing_dropped(&prefix);
            let deleted: String = chars[..i].iter().chain(chars.iter().skip(i + 1)).collect();
            assert_nothing_dropped(&deleted);
        }
        // Pseudo-random soup of the characters that matter to the parser.
        let alphabet: Vec<char> = "@@{}{}()\",,==#%\n\n \\\"'aAk1".chars().collect();
        let (mut seed, mut checked) = (0x2545_f491_u64, 0);
        for _ in 0..3000 {
            let text: String = (0..60)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            let text = text.replace('k', "@misc{k, t=");
            for entry in parse(&text, 3).0 {
                let _ = entry.authors();
            }
            checked += assert_nothing_dropped(&text);
        }
        assert!(
            checked > 500,
            "the soup should hold many line-start entries: {checked}"
        );
    }
}
