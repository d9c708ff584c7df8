//! The number check: numbers of the source missing from the target, or changed there.

use super::{Checker, not_a_sentence};
use crate::model::{Finding, FindingKind, Lang, Severity};
use crate::text::numbers::{self, Number, NumberKind, Role};

impl Checker {
    /// The number check: see [`numbers::compare`].
    pub fn numbers(
        &mut self,
        source: &str,
        target: &str,
        source_lang: &Lang,
        target_lang: &Lang,
        out: &mut Vec<Finding>,
    ) {
        if self.numbers_of.0 != source || self.numbers_of.1 != source_lang.as_str() {
            numbers::extract_into(source, source_lang, &mut self.source_numbers);
            self.numbers_of.0.clear();
            self.numbers_of.0.push_str(source);
            self.numbers_of.1.clear();
            self.numbers_of.1.push_str(source_lang.as_str());
        }
        numbers::extract_into(target, target_lang, &mut self.target_numbers);
        if self.source_numbers.is_empty() && self.target_numbers.is_empty() {
            return;
        }
        if not_a_sentence(source) {
            return;
        }
        let diff = numbers::compare(&self.source_numbers, &self.target_numbers);
        if diff.is_empty() {
            return;
        }
        let mut extra = diff.extra;
        let missing = diff.missing;
        for m in &missing {
            // Pair a missing number with an extra one of the same kind, else with the first.
            let pick = extra
                .iter()
                .position(|e| e.kind.same_class(m.kind))
                .or(if extra.is_empty() { None } else { Some(0) });
            let src = m.text(source);
            let mut f = match pick {
                Some(p) => {
                    let e = extra.remove(p);
                    let tgt = e.text(target);
                    // A number changed into another (`16th` → 第15回, `six` → 5つ) is an
                    // error.
                    let mut f = Finding::new(
                        FindingKind::Number,
                        Severity::Error,
                        format!("number {src} in the source is {tgt} in the target"),
                    );
                    f.target_span = Some((e.start, e.end));
                    f.found = Some(tgt.to_string());
                    f
                }
                None => Finding::new(
                    FindingKind::Number,
                    confidence(m),
                    format!("number {src} in the source is missing from the target"),
                ),
            };
            f.source_span = Some((m.start, m.end));
            f.expected = Some(src.to_string());
            out.push(f);
        }
        for e in extra {
            let tgt = e.text(target);
            let mut f = Finding::new(
                FindingKind::Number,
                confidence(&e),
                format!("number {tgt} in the target is not in the source"),
            );
            f.target_span = Some((e.start, e.end));
            f.found = Some(tgt.to_string());
            out.push(f);
        }
    }
}

/// The severity of a number missing from one side: an error for a figure a reviewer must see
/// carried over (a date, a percentage, an ordinal in figures, a number of two or more digits or
/// with decimals: `1928`, `46%`, `第16回`, `35.8`), a warning for a single digit or a number word
/// (`2つ`, `3ファイル`, `twelve`), which translations legitimately add or spell out.
fn confidence(n: &Number) -> Severity {
    // `1st` is as often 首 (首行, 首页) as 第一.
    let first = n.kind == NumberKind::Ordinal && n.value == 1.0;
    let sure = n.role == Role::Figure
        && !first
        && (matches!(
            n.kind,
            NumberKind::Date { .. } | NumberKind::Percent | NumberKind::Ordinal
        ) || n.value.abs() >= 10.0
            || n.value.fract() != 0.0);
    if sure {
        Severity::Error
    } else {
        Severity::Warning
    }
}

#[cfg(test)]
mod tests {
    use crate::matching::qa::tests::run;

    #[test]
    fn number_findings_say_what_and_where() {
        let t = "第十五届论坛于11月3日开幕。";
        let f = run("The 16th forum opened on Nov. 30.", t, "zh-CN");
        let got: Vec<_> = f
            .iter()
            .map(|f| {
                (
                    f.message.as_str(),
                    f.expected.as_deref(),
                    f.found.as_deref(),
                    f.target_span.map(|(a, b)| &t[a..b]),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "number 16th in the source is 第十五 in the target",
                    Some("16th"),
                    Some("第十五"),
                    Some("第十五")
                ),
                (
                    "number Nov. 30 in the source is 11月3日 in the target",
                    Some("Nov. 30"),
                    Some("11月3日"),
                    Some("11月3日")
                ),
            ]
        );
    }

    /// `first` rendered 首次 or 初めて is no number gone missing when another number changes: the
    /// finding names the changed number only.
    #[test]
    fn an_ordinal_word_is_not_reported_missing_for_another_numbers_change() {
        let cases = [
            (
                "For the first time, exports rose 46 percent.",
                "出口首次增长了64%。",
                "zh-CN",
                vec!["number 46 percent in the source is 64% in the target"],
            ),
            (
                "The forum was held online for the first time in 2019.",
                "フォーラムは2020年に初めてオンラインで開催された。",
                "ja-JP",
                vec!["number 2019 in the source is 2020 in the target"],
            ),
            (
                "The first forum was held in 2005.",
                "第二届论坛于2005年举行。",
                "zh-CN",
                vec!["number first in the source is 第二 in the target"],
            ),
        ];
        for (s, t, l, want) in cases {
            let got: Vec<String> = run(s, t, l).into_iter().map(|f| f.message).collect();
            assert_eq!(got, want, "{s} | {t}");
        }
    }
}
