//! Segmentation with the built-in rules and with real SRX files: hard cases, golden files,
//! properties.

mod common;

use proptest::prelude::*;

use tmkit::formats::srx;
use tmkit::text::segment::{is_space, segment};
use tmkit::text::srx::Engine;

fn builtin() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(srx::default_rules().unwrap()))
}

fn texts<'a>(input: &'a str, rules: &tmkit::text::srx::RuleSet) -> Vec<&'a str> {
    segment(input, rules)
        .iter()
        .map(|s| s.text(input))
        .collect()
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

#[test]
fn chinese_and_japanese_cases() {
    let engine = builtin();
    let cases = common::read_cases("segment/zh-ja-cases.tsv");
    assert!(cases.len() >= 40, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let rules = engine.rules_for(&case.category).unwrap();
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
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn render_samples(engine: &Engine) -> String {
    let mut out = String::new();
    for lang in ["en", "zh", "ja"] {
        let text = std::fs::read_to_string(common::fixture(&format!("segment/sample.{lang}.txt")))
            .unwrap();
        let rules = engine.rules_for(lang).unwrap();
        let problems: Vec<String> = rules.problems().map(|p| p.to_string()).collect();
        assert!(
            problems.is_empty(),
            "[{lang}] rules that do not compile: {problems:#?}"
        );
        for s in segment(&text, &rules) {
            out.push_str(&format!(
                "[{lang}] {}: {}\n",
                s.paragraph,
                s.text(&text).replace('\n', "\\n")
            ));
        }
    }
    out
}

#[test]
fn builtin_rules_on_the_samples() {
    common::golden("segment/builtin.golden", &render_samples(builtin()));
}

/// Every real SRX file loads, every rule the samples' languages select compiles, and the
/// segmentation of the samples is stable.
#[test]
fn interop_srx_files_on_the_samples() {
    for file in [
        "omegat-defaultRules.srx",
        "okapi-defaultSegmentation.srx",
        "okapi-tradosSegmentation.srx",
        "languagetool-segment.srx",
        "heartsome-trados_rules_srx10.srx",
    ] {
        let rules = srx::read_file(&common::fixture(&format!("srx/{file}"))).unwrap();
        let engine = Engine::new(rules);
        common::golden(
            &format!("segment/interop.{file}.golden"),
            &render_samples(&engine),
        );
    }
}

/// Every language rule of every real SRX file compiles (none is dropped).
#[test]
fn interop_srx_files_compile_completely() {
    for file in [
        "omegat-defaultRules.srx",
        "okapi-defaultSegmentation.srx",
        "okapi-tradosSegmentation.srx",
        "languagetool-segment.srx",
        "heartsome-trados_rules_srx10.srx",
    ] {
        let rules = srx::read_file(&common::fixture(&format!("srx/{file}"))).unwrap();
        let mut total = 0;
        for lang in &rules.language_rules {
            total += lang.rules.len();
            // A map selecting just this language rule.
            let mut one = rules.clone();
            one.cascade = false;
            one.maps = vec![tmkit::model::LanguageMap {
                pattern: ".*".into(),
                rule_name: lang.name.clone(),
                position: Default::default(),
            }];
            let engine = Engine::new(one);
            let set = engine.rules_for("xx").unwrap();
            let problems: Vec<String> = set.problems().map(|p| p.to_string()).collect();
            assert!(problems.is_empty(), "{file} {:?}: {problems:#?}", lang.name);
            assert_eq!(set.summary().rules, lang.rules.len());
        }
        assert!(total > 0, "{file} has rules");
    }
}

/// The SRX 1.0 file's maprule wrapper, and the map order, are honoured.
#[test]
fn srx_1_0_japanese_rules_apply_to_japanese() {
    let rules = srx::read_file(&common::fixture("srx/heartsome-trados_rules_srx10.srx")).unwrap();
    let engine = Engine::new(rules);
    let ja = engine.rules_for("ja-JP").unwrap();
    assert_eq!(ja.names().collect::<Vec<_>>(), ["Japanese"]);
    assert_eq!(
        texts("これはペンです。あれは本です。", &ja),
        ["これはペンです。", "あれは本です。"]
    );
    let en = engine.rules_for("en-US").unwrap();
    assert_eq!(en.names().collect::<Vec<_>>(), ["Default"]);
}

fn check_tiling(input: &str, rules: &tmkit::text::srx::RuleSet) -> Result<(), TestCaseError> {
    let segs = segment(input, rules);
    let mut prev_end = 0;
    let mut rebuilt = String::new();
    for (i, s) in segs.iter().enumerate() {
        prop_assert_eq!(s.index, i);
        prop_assert!(s.start < s.end, "empty segment {:?}", s);
        prop_assert!(s.start >= prev_end);
        let gap = &input[prev_end..s.start];
        prop_assert!(
            gap.chars().all(is_space),
            "gap {:?} is not white space",
            gap
        );
        let text = s.text(input);
        prop_assert_eq!(text.trim_matches(is_space), text);
        prop_assert_eq!(input[..s.start].chars().count(), s.char_start);
        prop_assert_eq!(input[..s.end].chars().count(), s.char_end);
        rebuilt.push_str(gap);
        rebuilt.push_str(text);
        prev_end = s.end;
    }
    let tail = &input[prev_end..];
    prop_assert!(
        tail.chars().all(is_space),
        "tail {:?} is not white space",
        tail
    );
    rebuilt.push_str(tail);
    prop_assert_eq!(rebuilt, input);
    let mut paragraphs: Vec<usize> = segs.iter().map(|s| s.paragraph).collect();
    paragraphs.dedup();
    prop_assert!(paragraphs.windows(2).all(|w| w[0] < w[1]));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn segments_tile_any_string(input in any::<String>()) {
        let engine = builtin();
        for lang in ["en", "zh"] {
            check_tiling(&input, &engine.rules_for(lang).unwrap())?;
        }
    }

    #[test]
    fn segments_tile_sentence_like_text(
        input in "([A-Za-z]{1,8}|[0-9.,$%]{1,4}|[ \n\t\u{a0}\u{3000}]{1,3}|[.!?…:;]|[\"'“”‘’()\\[\\]]|[。！？」『』（）……]|[a-z]\\.|[A-Z]\\.|\n\n|- |1\\. |• ){0,60}"
    ) {
        let engine = builtin();
        for lang in ["en", "ja", "fr"] {
            check_tiling(&input, &engine.rules_for(lang).unwrap())?;
        }
    }
}
