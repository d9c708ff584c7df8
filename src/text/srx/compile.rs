//! Compiling a `<languagerule>`: each pattern translated from Java to Rust syntax, consecutive
//! rules merged into groups (a lazy DFA for each side, or the backtracking engine where
//! look-around or back-references need it), the bytes that may end or start a match worked out
//! for the candidate scan, and the rules that cannot be compiled reported.

use regex_syntax::hir::Hir;

use super::matcher::{Group, Matcher};
use super::{AFTER_WINDOW, BEFORE_WINDOW, FANCY_WINDOW};
use super::{Candidates, CompiledLanguageRule, dfa, first_line, hir, java, srx_error};
use crate::error::Error;
use crate::model::SrxRules;

/// A rule pattern translated to Rust syntax, with what can be known about its literals.
struct Translated {
    rust: String,
    hir: Option<Hir>,
}

fn translate(pattern: &str) -> Translated {
    let rust = java::translate(pattern);
    let hir = regex_syntax::ParserBuilder::new().build().parse(&rust).ok();
    Translated { rust, hir }
}

pub(super) fn compile_language_rule(srx: &SrxRules, index: usize) -> CompiledLanguageRule {
    let lang = &srx.language_rules[index];
    let mut groups: Vec<Group> = Vec::new();
    let mut problems = Vec::new();
    // Pending run of fast rules: (is_break, after pattern, [(before pattern, translated)]).
    struct Run {
        is_break: bool,
        after: String,
        befores: Vec<(usize, Translated)>,
    }
    let mut run: Option<Run> = None;

    let rule_label = |i: usize| format!("languagerule {:?}, rule {}", lang.name, i + 1);

    let flush = |run: &mut Option<Run>, groups: &mut Vec<Group>, problems: &mut Vec<Error>| {
        let Some(r) = run.take() else { return };
        let after = translate(&r.after);
        if let Some(g) = build_fast_group(r.is_break, &r.befores, &after) {
            groups.push(g);
            return;
        }
        // The merged regex failed (a part parses but does not compile): go one by one.
        for (i, _) in &r.befores {
            let rule = &lang.rules[*i];
            let before = translate(&rule.before);
            if let Some(g) =
                build_fast_group(r.is_break, std::slice::from_ref(&(*i, before)), &after)
            {
                groups.push(g);
                continue;
            }
            match build_fancy_group(r.is_break, &java::translate(&rule.before), &after.rust) {
                Ok(g) => groups.push(g),
                Err((which, message)) => {
                    let pattern = if which { &rule.before } else { &rule.after };
                    problems.push(srx_error(
                        &rule.position,
                        &rule_label(*i),
                        pattern,
                        &message,
                    ));
                }
            }
        }
    };

    let max = crate::model::Limits::current().max_srx_pattern_bytes;
    for (i, rule) in lang.rules.iter().enumerate() {
        // A pattern past the limit is not even parsed: it is reported with its first characters.
        if let Some(long) = [&rule.before, &rule.after]
            .into_iter()
            .find(|p| p.len() > max)
        {
            let mut shown: String = long.chars().take(40).collect();
            shown.push('…');
            problems.push(srx_error(
                &rule.position,
                &rule_label(i),
                &shown,
                &format!(
                    "the pattern is {} bytes, over the limit of {}: raise the limit with \
                     --max-srx-pattern-bytes (or TMKIT_MAX_SRX_PATTERN_BYTES)",
                    long.len(),
                    crate::model::limits::describe_bytes(max)
                ),
            ));
            continue;
        }
        let before = translate(&rule.before);
        let after = translate(&rule.after);
        // Parsing is much cheaper than compiling; a pattern that parses compiles (the run is
        // compiled as a whole, and one by one only if that fails).
        let fast_ok = before.hir.is_some() && after.hir.is_some();
        if fast_ok {
            let joins =
                matches!(&run, Some(r) if r.is_break == rule.is_break && r.after == rule.after);
            if !joins {
                flush(&mut run, &mut groups, &mut problems);
                run = Some(Run {
                    is_break: rule.is_break,
                    after: rule.after.clone(),
                    befores: Vec::new(),
                });
            }
            if let Some(r) = run.as_mut() {
                r.befores.push((i, before));
            }
            continue;
        }
        flush(&mut run, &mut groups, &mut problems);
        match build_fancy_group(rule.is_break, &before.rust, &after.rust) {
            Ok(g) => groups.push(g),
            Err((which, message)) => {
                let pattern = if which { &rule.before } else { &rule.after };
                problems.push(srx_error(&rule.position, &rule_label(i), pattern, &message));
            }
        }
    }
    flush(&mut run, &mut groups, &mut problems);

    let mut candidates = Candidates::none();
    for g in groups.iter().filter(|g| g.is_break) {
        match (&g.last_bytes, &g.first_bytes) {
            (Some(set), _) if !g.before_empty => {
                for b in 0..256 {
                    candidates.after_byte[b] |= set[b];
                }
                candidates.add_chars(g.last_chars.as_deref());
            }
            (_, Some(set)) if !g.after_empty => {
                for b in 0..256 {
                    candidates.before_byte[b] |= set[b];
                }
            }
            _ => candidates.everywhere = true,
        }
    }
    CompiledLanguageRule {
        name: lang.name.clone(),
        rule_count: lang.rules.len(),
        groups,
        problems,
        candidates,
    }
}

fn build_fast_group(
    is_break: bool,
    befores: &[(usize, Translated)],
    after: &Translated,
) -> Option<Group> {
    let any_empty_before = befores.iter().any(|(_, t)| t.rust.is_empty());
    let (before_re, last_bytes, before_empty, before_window, before_first, last_chars) =
        if any_empty_before {
            (None, None, true, 0, false, None)
        } else {
            let mut hirs = Vec::with_capacity(befores.len());
            for (_, t) in befores {
                hirs.push(hir::leading_word_boundary_consumed(t.hir.clone()?));
            }
            let hir = Hir::alternation(hirs);
            let re = Some(Box::new(
                dfa::Anchor::new(hir.clone(), dfa::Side::Before).ok()?,
            ));
            let set = hir::edge_bytes(&hir, true);
            let chars = hir::edge_chars(&hir, true);
            let empty = hir.properties().minimum_len().is_none_or(|n| n == 0);
            let before_first = hir.properties().minimum_len().is_some_and(|n| n >= 2);
            let window = hir
                .properties()
                .maximum_len()
                .map_or(BEFORE_WINDOW, |n| n.min(BEFORE_WINDOW));
            (re, set, empty, window, before_first, chars)
        };
    let after_re = match &after.hir {
        Some(h) if !after.rust.is_empty() => Some(Box::new(
            dfa::Anchor::new(h.clone(), dfa::Side::After).ok()?,
        )),
        Some(_) => None,
        None => return None,
    };
    let (first_bytes, after_empty, after_window) = match &after.hir {
        Some(h) if !after.rust.is_empty() => (
            hir::edge_bytes(h, false),
            h.properties().minimum_len().is_none_or(|n| n == 0),
            h.properties()
                .maximum_len()
                .map_or(AFTER_WINDOW, |n| n.min(AFTER_WINDOW)),
        ),
        _ => (None, true, 0),
    };
    Some(Group {
        is_break,
        matcher: Matcher::Fast {
            before: before_re,
            after: after_re,
        },
        last_bytes,
        first_bytes,
        last_chars,
        before_empty,
        after_empty,
        before_window,
        after_window,
        before_first,
    })
}

/// Err((is_before, message)).
fn build_fancy_group(
    is_break: bool,
    before: &str,
    after: &str,
) -> std::result::Result<Group, (bool, String)> {
    let before_re = if before.is_empty() {
        None
    } else {
        Some(
            fancy_regex::RegexBuilder::new(&format!("(?:{before})\\z"))
                .delegate_size_limit(dfa::compile_size_limit())
                .build()
                .map(Box::new)
                .map_err(|e| {
                    (
                        true,
                        format!("cannot compile: {}", first_line(&e.to_string())),
                    )
                })?,
        )
    };
    let after_re = if after.is_empty() {
        None
    } else {
        Some(
            fancy_regex::RegexBuilder::new(&format!("\\G(?:{after})"))
                .delegate_size_limit(dfa::compile_size_limit())
                .build()
                .map(Box::new)
                .map_err(|e| {
                    (
                        false,
                        format!("cannot compile: {}", first_line(&e.to_string())),
                    )
                })?,
        )
    };
    Ok(Group {
        is_break,
        before_empty: before.is_empty(),
        after_empty: after.is_empty(),
        matcher: Matcher::Fancy {
            before: before_re,
            after: after_re,
        },
        last_bytes: None,
        first_bytes: None,
        last_chars: None,
        before_window: FANCY_WINDOW,
        after_window: FANCY_WINDOW,
        before_first: false,
    })
}

#[cfg(test)]
mod tests {
    use crate::text::srx::Engine;
    use crate::text::srx::tests::{breaks, rule, rules};

    #[test]
    fn look_around_and_back_references_use_the_backtracking_engine() {
        let e = Engine::new(rules(
            &[(
                "A",
                vec![
                    rule(false, r"(?<=\bNo)\.", r"\s+\d"),
                    rule(true, r"(\w)\1\.", r"\s"),
                    rule(true, r"\.", r"\s+(?!etc)\w"),
                ],
            )],
            &[(".*", "A")],
            false,
        ));
        let set = e.rules_for("xx").unwrap();
        assert_eq!(set.problems().count(), 0);
        assert_eq!(set.summary().backtracking_groups, 3);
        assert_eq!(breaks(&e, "xx", "No. 5 here. Then. etc"), [11]);
        assert_eq!(breaks(&e, "xx", "Too. Fine"), [4]);
    }

    #[test]
    fn bad_rules_are_reported_with_file_line_rule_and_pattern() {
        let e = Engine::new(rules(
            &[(
                "Broken",
                vec![rule(true, r"\.", r"\s"), rule(false, r"[a-", r"\s")],
            )],
            &[(".*", "Broken")],
            false,
        ));
        let set = e.rules_for("en").unwrap();
        let problems: Vec<String> = set.problems().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "t.srx:7:3: languagerule \"Broken\", rule 2: pattern \"[a-\": cannot compile"
            ),
            "{}",
            problems[0]
        );
        // The rest still works.
        assert_eq!(breaks(&e, "en", "A. B"), [2]);
    }
}
