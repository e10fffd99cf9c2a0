//! Property tests (proptest) of the YAML reader: arbitrary text and damaged,
//! alias-heavy YAML never panic, never make more nodes than the budget, and
//! every error has a position inside the file.

use proptest::prelude::*;

use super::{Node, NodeValue, SyntaxError, parse_yaml_limited};
use crate::config::Limits;

const LIMITS: Limits = Limits {
    yaml_nodes: 2_000,
    yaml_alias_nodes: 500,
    ..Limits::DEFAULT
};

fn count(node: &Node) -> usize {
    let mut pending = vec![node];
    let mut total = 0;
    while let Some(node) = pending.pop() {
        total += 1;
        match &node.value {
            NodeValue::Sequence(items) => pending.extend(items),
            NodeValue::Mapping(entries) => pending.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    total
}

/// The properties every parse must have.
fn check(text: &str, line_offset: usize) -> Result<(), TestCaseError> {
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r` (found by this test: an
    // error on line 3 of "\x01:\r\x01" is right).
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
    match parse_yaml_limited(text, line_offset, &LIMITS) {
        Ok(node) => {
            prop_assert!(count(&node) <= LIMITS.yaml_nodes);
            prop_assert!(node.position.line > line_offset);
        }
        Err(SyntaxError {
            position,
            code,
            message,
        }) => {
            prop_assert!(["syntax", "yaml-alias-budget", "yaml-node-budget"].contains(&code));
            prop_assert!(!message.is_empty());
            prop_assert!(position.line > line_offset, "{position:?}");
            prop_assert!(position.line <= line_offset + lines + 1, "{position:?}");
            prop_assert!(position.column >= 1, "{position:?}");
        }
    }
    Ok(())
}

/// A YAML value written from parts that nest, anchor and alias.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_owned()),
        Just("12".to_owned()),
        Just("\"q\\\"uote\"".to_owned()),
        Just("*a".to_owned()),
        Just("*b".to_owned()),
        Just("~".to_owned()),
    ];
    leaf.prop_recursive(6, 200, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..10)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec(inner.clone(), 0..10).prop_map(|items| {
                let entries: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("k{i}: {v}"))
                    .collect();
                format!("{{{}}}", entries.join(", "))
            }),
            inner.clone().prop_map(|v| format!("&a {v}")),
            inner.prop_map(|v| format!("&b {v}")),
        ]
    })
}

/// A document of block entries, then damaged at a few places.
fn near_valid() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(value(), 1..12),
        prop::collection::vec(
            (any::<prop::sample::Index>(), "[-:&*\\[\\]{}#'\"\n ]"),
            0..4,
        ),
    )
        .prop_map(|(values, damage)| {
            let mut text: String = values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("f{i}: {v}\n"))
                .collect();
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
    fn arbitrary_text_never_panics(text in "\\PC{0,400}", offset in 0usize..5) {
        check(&text, offset)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&String::from_utf8_lossy(&bytes), 0)?;
    }

    #[test]
    fn damaged_alias_heavy_yaml_stays_within_budget(text in near_valid(), offset in 0usize..3) {
        check(&text, offset)?;
    }
}

/// An alias chain: the budget stops it at the first alias over it.
#[test]
fn alias_chains_stop_at_the_budget() {
    let mut text = String::from("a0: &a0 [x, x]\n");
    for level in 1..40 {
        let previous = level - 1;
        text.push_str(&format!(
            "a{level}: &a{level} [*a{previous}, *a{previous}]\n"
        ));
    }
    let error = parse_yaml_limited(&text, 0, &LIMITS).expect_err("2^40 nodes");
    assert_eq!(error.code, "yaml-alias-budget");
    // `a<k>` holds 2^(k+2) - 1 nodes: the copies pass 500 at level 7, line 8.
    assert_eq!(error.position.line, 8);
}
