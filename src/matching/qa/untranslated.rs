//! The untranslated check: an empty target, a copy of the source, a Chinese or Japanese target
//! without Chinese or Japanese.

use super::{is_cjk_lang, not_a_sentence};
use crate::model::{Finding, FindingKind, Lang, Severity};
use crate::text::inline::Visible;
use crate::text::tokenize::is_cjk;

/// Reports an empty target, a target that copies its source (trimmed, case and width folded)
/// when the source has an English word in lower case (`CIPG`, `COVID-19`, `Genron NPO` and lone
/// capitalized names legitimately stay), and a Chinese or Japanese target without any Chinese or
/// Japanese character for a source with at least three lower-case words. Returns whether it
/// reported.
pub fn untranslated(
    source: &str,
    target: &str,
    source_lang: &Lang,
    target_lang: &Lang,
    out: &mut Vec<Finding>,
) -> bool {
    let trimmed = target.trim();
    let empty = trimmed.is_empty()
        || (trimmed.starts_with('<') && Visible::new(trimmed).all(|(_, c)| c.is_whitespace()));
    if empty {
        if Visible::new(source).any(|(_, c)| !c.is_whitespace()) {
            out.push(Finding::new(
                FindingKind::Untranslated,
                Severity::Error,
                "the target is empty",
            ));
            return true;
        }
        return false;
    }
    if folded_equal(source, target) {
        let words = lowercase_words(source);
        if words == 0 || legitimately_same(source) {
            return false;
        }
        // One lower-case word (`yes`, `proc`, `big`) is as often a keyword the program reads as
        // a word left in English: a warning.
        let severity = if words == 1 {
            Severity::Warning
        } else {
            Severity::Error
        };
        let mut f = Finding::new(
            FindingKind::Untranslated,
            severity,
            "the target is a copy of the source",
        );
        f.target_span = Some((0, target.len()));
        f.found = Some(target.to_string());
        out.push(f);
        return true;
    }
    if is_cjk_lang(target_lang)
        && !is_cjk_lang(source_lang)
        && !target.chars().any(is_cjk)
        && lowercase_words(source) >= 3
        && !legitimately_same(source)
    {
        let mut f = Finding::new(
            FindingKind::Untranslated,
            Severity::Error,
            format!(
                "the target has no {} text",
                if target_lang.primary() == "ja" {
                    "Japanese"
                } else {
                    "Chinese"
                }
            ),
        );
        f.target_span = Some((0, target.len()));
        out.push(f);
        return true;
    }
    false
}

/// Texts a translation rightly leaves as they are: a command synopsis (`exit [n]`, `source
/// filename [arguments]`, `(( expression ))`), a licence or warranty line, a name of capitalized
/// words (`Linux root (Alpha)`, `SunOS var`).
fn legitimately_same(source: &str) -> bool {
    let s = source.trim();
    // One token (`shell`, `semnum`, `yalign`, `login:`): a keyword, a column or a property
    // name far more often than a word left in English.
    if !s.contains(char::is_whitespace) {
        return true;
    }
    // An option line (`-E file  --exec=file`), a message that is an instruction to translators
    // (GnuPG's `10 translator see trust.c:...`).
    if s.starts_with('-') || not_a_sentence(s) {
        return true;
    }
    // A synopsis: optional arguments in brackets, placeholders in angle brackets, shell syntax;
    // and no sentence.
    let placeholders = s.contains('<') && s.contains('>') && !s.starts_with('<');
    let capitals = s
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_uppercase()));
    let sentence = (s.ends_with('.') && !s.ends_with(".."))
        || s.as_bytes()
            .windows(3)
            .any(|w| w[0] == b'.' && w[1] == b' ' && w[2].is_ascii_uppercase());
    let synopsis = ((s.contains('[') && s.contains(']'))
        || s.contains("((")
        || s.contains(" | ")
        || (s.contains(';') && capitals)
        || placeholders)
        && !sentence;
    if synopsis {
        return true;
    }
    // A format string of labels (`uid = %d, gid = %d`, `%s login: `, `GNU ld %s`): at most two
    // words around its placeholders.
    if s.contains('%') && lowercase_words(s) <= 2 {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if [
        "warranty",
        "license",
        "licence",
        "copyright",
        "gpl",
        "©",
        "(c) ",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return true;
    }
    // A name: at most four words, as many capitalized (or starting with a figure) as not:
    // `Linux root (RISC-V-64)`, `64-bit double`.
    let words: Vec<&str> = s.split_whitespace().collect();
    let capitalized = words
        .iter()
        .filter(|w| {
            w.chars()
                .find(|c| c.is_alphanumeric())
                .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .count();
    words.len() <= 4 && capitalized * 2 >= words.len() && capitalized > 0
}

/// The number of words of two or more lower-case ASCII letters, outside tokens that look like
/// code, paths, addresses or placeholders (`%s`, `--help`, `file.txt`, `http://`).
fn lowercase_words(text: &str) -> usize {
    let mut count = 0;
    let mut token_code = false;
    let mut run = 0usize;
    let mut run_lower = true;
    let mut token_words = 0;
    let close = |run: usize, lower: bool, words: &mut usize| {
        if run >= 2 && lower {
            *words += 1;
        }
    };
    let mut token_start = true;
    for (_, c) in Visible::new(text).chain(std::iter::once((0, ' '))) {
        if c.is_ascii_alphabetic() {
            run += 1;
            run_lower &= c.is_ascii_lowercase();
            token_start = false;
            continue;
        }
        close(run, run_lower, &mut token_words);
        run = 0;
        run_lower = true;
        let at_start = token_start;
        token_start = false;
        if c.is_whitespace() {
            if !token_code {
                count += token_words;
            }
            token_words = 0;
            token_code = false;
            token_start = true;
            continue;
        } else if c == '-' && at_start {
            // An option: -b, --characters-as-bytes.
            token_code = true;
        } else if matches!(
            c,
            '/' | '\\' | '_' | '=' | '@' | '{' | '}' | '<' | '>' | '$' | '%' | '#' | '|' | '~'
        ) || c.is_ascii_digit()
        {
            token_code = true;
        }
    }
    count
}

/// Whether two texts are equal once trimmed, with ASCII case and full-width forms folded.
fn folded_equal(a: &str, b: &str) -> bool {
    fn fold(c: char) -> char {
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        };
        c.to_ascii_lowercase()
    }
    let mut x = a.trim().chars().map(fold);
    let mut y = b.trim().chars().map(fold);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}
