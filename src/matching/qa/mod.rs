//! Quality checks of one source/target pair: numbers, inline codes, untranslated targets,
//! punctuation and whitespace. Pure functions, no I/O; glossary terms and consistency across a
//! memory are checked elsewhere (they need more than one pair).
//!
//! It lives in `matching` next to term recognition because it compares a source with its target;
//! the single-text algorithms it builds on (numbers, inline markup) are in `text`.
//!
//! Texts are segment contents as [`crate::model::Variant::content`] gives them: markup where the
//! segment has inline codes. Spans in findings are byte ranges into those strings.
//!
//! Severities follow confidence: an error is what a reviewer must fix, a warning deserves a look.
//!
//! | kind | error | warning |
//! |---|---|---|
//! | `number` | a number changed into another (`16th` → 第15回, `six` → 5回, `Nov. 30` → 11月3日); a missing or extra figure of two or more digits, with decimals, a percentage, a date or an ordinal in figures (`1928`, `35.8`, `46%`, `第16回`) | a missing or extra single digit or number word alone (`3ファイル`, `twelve`), and `1st` missing (首行) |
//! | `tag` | always | |
//! | `untranslated` | an empty target; a copy of a source with two or more lower-case words; no Chinese or Japanese at all | a copy of a one-word source (`yes`, `proc`: as often a keyword the program reads) |
//! | `punctuation`, `whitespace` | | always |
//!
//! Not reported at all: a copy of a command synopsis (`exit [n]`), a licence or warranty line,
//! a name of capitalized words, options and placeholders (`--help`, `%s`); numbers of
//! translator credits and of settings (`calendar:week_start:0`); the half-width `?`, `!`, `(`,
//! `)` of Japanese software style when [`JaPunctuation::Software`] is chosen.
//!
//! One file per check; this one holds the [`Checker`] that runs them and what they share.

mod numbers;
mod punctuation;
mod tags;
mod untranslated;
mod whitespace;

pub use punctuation::{punctuation, punctuation_in_style};
pub use tags::tags;
pub use untranslated::untranslated;
pub use whitespace::whitespace;

use std::cell::RefCell;

use crate::model::{Finding, FindingKind, Lang};
use crate::text::numbers::Number;
use crate::text::tokenize::is_cjk;

/// Runs the number, tag, untranslated, punctuation and whitespace checks on one pair, appending
/// findings to `out`.
///
/// Uses a per-thread [`Checker`]; call [`Checker::check_pair`] to own the buffers.
///
/// ```
/// use tmkit::matching::qa::check_pair;
/// use tmkit::model::{FindingKind, Lang};
/// let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
/// let mut out = Vec::new();
/// check_pair("Exports rose 46 percent.", "出口增长了64%。", &en, &zh, &mut out);
/// assert_eq!(out.len(), 1);
/// assert_eq!(out[0].kind, FindingKind::Number);
/// assert_eq!(out[0].message, "number 46 percent in the source is 64% in the target");
/// ```
pub fn check_pair(
    source: &str,
    target: &str,
    source_lang: &Lang,
    target_lang: &Lang,
    out: &mut Vec<Finding>,
) {
    thread_local! {
        static CHECKER: RefCell<Checker> = RefCell::new(Checker::new());
    }
    CHECKER.with(|c| match c.try_borrow_mut() {
        Ok(mut c) => c.check_pair(source, target, source_lang, target_lang, out),
        Err(_) => Checker::new().check_pair(source, target, source_lang, target_lang, out),
    });
}

/// Which half-width punctuation a Japanese translation may keep next to Japanese text.
///
/// Chinese targets always want full-width `，`, `。`, `？`, `！`, `（）` next to Chinese text (GB/T
/// 15834); `,` and `.` after Japanese text are wrong in every Japanese style (`、`, `。`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JaPunctuation {
    /// The JTF Japanese Standard Style Guide for translation: full-width `？`, `！`, `（` and `）`
    /// in Japanese text; half-width ones next to Japanese characters are reported. The default:
    /// tmkit's own material is prose (articles, documents), which this guide is written for.
    #[default]
    Jtf,
    /// Software style, as many Japanese UI and message catalogs are written (GNU, GNOME,
    /// PostgreSQL): half-width `?`, `!`, `(` and `)` next to Japanese text are accepted.
    Software,
}

/// The checks with their reusable buffers: no allocation for a pair without findings.
#[derive(Debug, Default, Clone)]
pub struct Checker {
    source_numbers: Vec<Number>,
    target_numbers: Vec<Number>,
    /// The source (and its language) whose numbers are in `source_numbers`: a unit's targets
    /// share its source, so its numbers are read once.
    numbers_of: (String, String),
    /// Kinds left out (see [`Checker::skip`]).
    skipped: Vec<FindingKind>,
    /// The punctuation style of Japanese targets.
    ja_punctuation: JaPunctuation,
}

impl Checker {
    /// A checker with empty buffers.
    pub fn new() -> Checker {
        Checker::default()
    }

    /// Leaves out the checks of these kinds (when only some kinds are wanted).
    pub fn skip(&mut self, kinds: &[FindingKind]) {
        self.skipped = kinds.to_vec();
    }

    /// Sets the punctuation style of Japanese targets (the JTF guide's by default).
    pub fn set_ja_punctuation(&mut self, style: JaPunctuation) {
        self.ja_punctuation = style;
    }

    fn wants(&self, kind: FindingKind) -> bool {
        !self.skipped.contains(&kind)
    }

    /// See [`check_pair`].
    pub fn check_pair(
        &mut self,
        source: &str,
        target: &str,
        source_lang: &Lang,
        target_lang: &Lang,
        out: &mut Vec<Finding>,
    ) {
        let before = out.len();
        if untranslated(source, target, source_lang, target_lang, out) {
            // An empty or copied target has nothing else worth reporting.
            if !self.wants(FindingKind::Untranslated) {
                out.truncate(before);
            }
            return;
        }
        if self.wants(FindingKind::Number) {
            self.numbers(source, target, source_lang, target_lang, out);
        }
        if self.wants(FindingKind::Tag) {
            tags(source, target, out);
        }
        if self.wants(FindingKind::Punctuation) {
            punctuation_in_style(source, target, target_lang, self.ja_punctuation, out);
        }
        if self.wants(FindingKind::Whitespace) {
            whitespace(source, target, target_lang, out);
        }
    }
}

/// Units that are not sentences and whose numbers are not translated: the translator-credits
/// message of GNOME and gettext catalogs (its translation is a list of names and years).
fn not_a_sentence(source: &str) -> bool {
    let s = source.trim();
    if s.len() <= 20
        && [
            "translator-credits",
            "translator_credits",
            "translator credits",
        ]
        .iter()
        .any(|k| s.eq_ignore_ascii_case(k))
    {
        return true;
    }
    // A message that is a setting the translator chooses: `calendar:week_start:0` (GTK), `10
    // translator see trust.c:uid_trust_string_fixed` (GnuPG: the translation gives a width).
    let key = !s.is_empty() && !s.contains(char::is_whitespace) && s.contains(':');
    let width = s.split_once(' ').is_some_and(|(n, rest)| {
        n.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("translator")
    });
    key || width
}

fn is_cjk_lang(lang: &Lang) -> bool {
    matches!(lang.primary(), "zh" | "ja")
}

/// CJK punctuation and full-width forms: `。`, `，`, `「`, `（`, `！`.
fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3001..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

fn is_cjk_text(c: char) -> bool {
    is_cjk(c) || is_cjk_punct(c)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The findings of one pair from English into `tl`.
    pub(in crate::matching::qa) fn run(source: &str, target: &str, tl: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        check_pair(
            source,
            target,
            &Lang::parse("en").unwrap(),
            &Lang::parse(tl).unwrap(),
            &mut out,
        );
        out
    }

    fn kinds(source: &str, target: &str, tl: &str) -> Vec<FindingKind> {
        run(source, target, tl)
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn clean_pairs_have_no_findings() {
        let cases = [
            (
                "For the 16th Beijing-Tokyo Forum, held via video conference for the first-time last week, digital technology proved to be instrumental.",
                "上周，第16届北京－东京论坛首次以视频会议形式举行，数字技术在其中发挥了关键作用。",
                "zh-CN",
            ),
            (
                "The two-day event set up six parallel online sub-forums, covering fields of public health, bilateral politics and diplomacy, economy and trade, media, digital economy and security.",
                "2日間にわたるフォーラムでは、公衆衛生、二国間の政治・外交、経済・貿易、メディア、デジタル経済、安全保障の各分野を扱う6つのオンライン分科会が並行して開かれた。",
                "ja-JP",
            ),
            (
                "It is the highest public diplomatic communication platform between China and Japan, with this year’s theme highlighting “the international order in the post-pandemic era and the role that China and Japan should play”.",
                "同フォーラムは日中間で最高レベルの公共外交の交流プラットフォームであり、今年は「コロナ後の国際秩序と日中両国が果たすべき役割」をテーマに掲げた。",
                "ja-JP",
            ),
            ("CIPG", "CIPG", "zh-CN"),
            ("COVID-19", "COVID-19", "ja-JP"),
            (
                "Beijing-Tokyo Forum: Sino-Japan Relations to Strengthen in Post-Pandemic Era",
                "東京－北京フォーラム：ポストコロナ時代に日中関係強化へ",
                "ja-JP",
            ),
        ];
        for (s, t, l) in cases {
            assert_eq!(run(s, t, l), [], "{s} | {t}");
        }
    }

    #[test]
    fn each_check_fires() {
        use FindingKind::*;
        let cases: &[(&str, &str, &str, &[FindingKind])] = &[
            (
                "Exports rose 46 percent.",
                "出口增长了64%。",
                "zh-CN",
                &[Number],
            ),
            ("Exports rose 46 percent.", "", "zh-CN", &[Untranslated]),
            (
                "Exports rose sharply.",
                "Exports rose sharply.",
                "ja-JP",
                &[Untranslated],
            ),
            (
                r#"Click <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>."#,
                r#"单击<bpt i="1">&lt;b&gt;</bpt>确定。"#,
                "zh-CN",
                &[Tag],
            ),
            ("Is it true?", "这是真的吗。", "zh-CN", &[Punctuation]),
            ("China and Japan.", "中国,日本。", "zh-CN", &[Punctuation]),
            ("He said (again).", "他（再次说。", "zh-CN", &[Punctuation]),
            ("China and Japan.", "中国 和日本。", "zh-CN", &[Whitespace]),
            ("China and Japan.", "中国和日本。 ", "zh-CN", &[Whitespace]),
        ];
        for (s, t, l, want) in cases {
            assert_eq!(kinds(s, t, l), *want, "{s} | {t}");
        }
    }
}
