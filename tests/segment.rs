//! Segmentation with the built-in rules and with real SRX files: hard cases, golden files,
//! properties.

mod common;

use proptest::prelude::*;

use tmkit::formats::srx;
use tmkit::text::segment::segment;
use tmkit::text::srx::Engine;

fn builtin() -> Engine {
    Engine::new(srx::default_rules().unwrap())
}

fn texts<'a>(input: &'a str, rules: &tmkit::text::srx::RuleSet) -> Vec<&'a str> {
    segment(input, rules).iter().map(|s| s.text(input)).collect()
}

#[test]
fn english_hard_cases() {
    let engine = builtin();
    let rules = engine.rules_for("en").unwrap();
    let cases = common::read_cases("segment/en-hard-cases.tsv");
    assert!(cases.len() >= 150, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let got = texts(&case.input, &rules);
        if got != case.expected {
            failures.push(format!(
                "line {} [{}] {:?}\n    expected {:?}\n    got      {:?}",
                case.line, case.category, case.input, case.expected, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hard cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
