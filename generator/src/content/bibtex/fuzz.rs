//! Property tests (proptest) of the BibTeX reader: arbitrary text and damaged
//! entries with chains of `@string` macros never panic, stay within the macro
//! budget, and every entry and problem has a position inside the file.

use proptest::prelude::*;

use super::{Position, ProblemKind, parse_limited};

const BUDGET: usize = 4_096;

/// Checks that `position` lies inside `text` (shifted by `line_offset`).
fn inside(text: &str, line_offset: usize, position: Position) -> Result<(), TestCaseError> {
    let source = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = source.split('\n').collect();
    prop_assert!(position.line > line_offset, "{position:?}");
    let line = lines.get(position.line - line_offset - 1);
    prop_assert!(line.is_some(), "{position:?} after the last line");
    let width = line.map_or(0, |l| l.chars().count());
    prop_assert!(position.column >= 1, "{position:?}");
    prop_assert!(
        position.column <= width + 1,
        "{position:?} on a line of {width}"
    );
    Ok(())
}

/// The properties every parse must have.
fn check(text: &str, line_offset: usize) -> Result<(), TestCaseError> {
    let (entries, problems) = parse_limited(text, line_offset, BUDGET);
    let mut produced = 0;
    for entry in &entries {
        inside(text, line_offset, entry.position)?;
        for field in &entry.fields {
            inside(text, line_offset, field.position)?;
            produced += field.value.len();
        }
        let _ = entry.authors();
    }
    // Output grows by at most the macro budget, plus what TeX conversion adds.
    prop_assert!(produced <= 4 * (text.len() + BUDGET), "{produced} bytes");
    for problem in &problems {
        inside(text, line_offset, problem.position)?;
        prop_assert!(!problem.message.is_empty());
    }
    let budget_problems = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::MacroBudget)
        .count();
    prop_assert!(budget_problems <= 1);
    Ok(())
}

/// Text made mostly of the characters BibTeX gives meaning to.
fn bibtex_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[@{}()\"#=,%\\\\\n ]",
            2 => "[a-z]{1,6}",
            1 => Just("@string{".to_owned()),
            1 => Just("@article{".to_owned()),
            1 => Just("title = ".to_owned()),
            1 => Just("\u{e9}\u{feff}\r\n".to_owned()),
        ],
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

/// Entries that define macros from macros (each doubling the last), use them,
/// and are then damaged at a few places.
fn near_valid() -> impl Strategy<Value = String> {
    (
        1usize..30,
        prop::collection::vec((any::<prop::sample::Index>(), "[@{}\"#=,\n]"), 0..4),
    )
        .prop_map(|(levels, damage)| {
            let mut text = String::from("@string{m0 = \"abcdefgh\"}\n");
            for level in 1..levels {
                let previous = level - 1;
                text.push_str(&format!("@string{{m{level} = m{previous} # m{previous}}}\n"));
            }
            let last = levels - 1;
            text.push_str(&format!(
                "@article{{k,\n  title = m{last} # {{ and more}},\n  author = {{Doe, J. and Roe, R.}},\n  year = 2024\n}}\n"
            ));
            for (index, insert) in damage {
                let mut at = index.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, &insert);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}", offset in 0usize..5) {
        check(&text, offset)?;
    }

    #[test]
    fn bibtex_like_text_never_panics(text in bibtex_like(), offset in 0usize..3) {
        check(&text, offset)?;
    }

    #[test]
    fn macro_chains_stay_within_budget(text in near_valid()) {
        check(&text, 0)?;
    }
}

/// A "billion laughs" of `@string` macros: 2^60 bytes if expanded.
#[test]
fn macro_chains_are_cut_at_the_budget() {
    let mut text = String::from("@string{m0 = \"abcdefgh\"}\n");
    for level in 1..60 {
        let previous = level - 1;
        text.push_str(&format!(
            "@string{{m{level} = m{previous} # m{previous}}}\n"
        ));
    }
    text.push_str("@misc{k, title = m59}\n");
    let (entries, problems) = parse_limited(&text, 0, BUDGET);
    let over: Vec<_> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::MacroBudget)
        .collect();
    assert_eq!(over.len(), 1, "{problems:?}");
    // 8·2^k bytes for `m<k>`: the budget of 4,096 runs out while defining m9 (line 10).
    assert_eq!(over[0].position.line, 10, "{:?}", over[0]);
    let [entry] = entries.as_slice() else {
        panic!("{entries:?}");
    };
    assert!(
        entry.fields[0].value.len() <= BUDGET,
        "{}",
        entry.fields[0].value.len()
    );
}

/// 50,000 unclosed entries on one line: each is cut at the next, and the whole
/// file reads in linear time (it took minutes when every entry looked for its
/// end up to the end of the file, and every `@` for the start of its line).
#[test]
fn unclosed_entries_on_one_line_read_in_linear_time() {
    let text = "@a{".repeat(50_000);
    let (entries, problems) = parse_limited(&text, 0, BUDGET);
    assert_eq!(entries.len(), 50_000);
    let raw: usize = entries.iter().map(|e| e.raw.len()).sum();
    assert!(raw <= 2 * text.len(), "{raw}");
    assert!(problems.len() >= 50_000);
    let last = entries.last().expect("entries");
    assert_eq!((last.position.line, last.position.column), (1, 149_998));
}
