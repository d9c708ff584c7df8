//! The whitespace check: leading and trailing whitespace, doubled spaces, and spaces between
//! Chinese or Japanese characters.

use std::sync::LazyLock;

use super::{is_cjk_lang, is_cjk_punct, is_cjk_text};
use crate::model::{Finding, FindingKind, Lang, Severity};

fn leading(s: &str) -> &str {
    &s[..s.len() - s.trim_start().len()]
}

fn trailing(s: &str) -> &str {
    &s[s.trim_end().len()..]
}

fn show(ws: &str) -> String {
    if ws.is_empty() {
        return "none".to_string();
    }
    let mut out = String::from("\u{201c}");
    for c in ws.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{3000}' => out.push_str("\\u{3000}"),
            '\u{a0}' => out.push_str("\\u{a0}"),
            c => out.push(c),
        }
    }
    out.push('\u{201d}');
    out
}

/// Leading and trailing whitespace that differs from the source (spaces a full-width punctuation
/// mark absorbs excepted: `Name: ` is `名前：`), doubled spaces the source does not have, and spaces
/// between Chinese or Japanese characters in a Chinese or Japanese target (the ideographic space
/// U+3000, and a space between two katakana words, are left alone there).
pub fn whitespace(source: &str, target: &str, target_lang: &Lang, out: &mut Vec<Finding>) {
    // A space next to full-width punctuation is absorbed by it: "Name: " is "名前：".
    let absorbed = |ws: &str, other: &str, neighbour: Option<char>| {
        other.is_empty() && ws.chars().all(|c| c == ' ') && neighbour.is_some_and(is_cjk_punct)
    };
    let (sl, tl) = (leading(source), leading(target));
    if sl != tl && !absorbed(sl, tl, target.trim_start().chars().next()) {
        let mut f = Finding::new(
            FindingKind::Whitespace,
            Severity::Warning,
            format!(
                "leading whitespace differs: {} in the source, {} in the target",
                show(sl),
                show(tl)
            ),
        );
        f.target_span = Some((0, tl.len()));
        f.expected = Some(sl.to_string());
        f.found = Some(tl.to_string());
        out.push(f);
    }
    let (st, tt) = (trailing(source), trailing(target));
    if st != tt
        && !target.trim().is_empty()
        && !absorbed(st, tt, target.trim_end().chars().next_back())
    {
        let mut f = Finding::new(
            FindingKind::Whitespace,
            Severity::Warning,
            format!(
                "trailing whitespace differs: {} in the source, {} in the target",
                show(st),
                show(tt)
            ),
        );
        f.target_span = Some((target.len() - tt.len(), target.len()));
        f.expected = Some(st.to_string());
        f.found = Some(tt.to_string());
        out.push(f);
    }
    let inner = target.trim();
    let offset = target.len() - target.trim_start().len();
    static DOUBLE_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    if let Some(p) = DOUBLE_SPACE.find(inner.as_bytes())
        && DOUBLE_SPACE.find(source.trim().as_bytes()).is_none()
    {
        let mut f = Finding::new(
            FindingKind::Whitespace,
            Severity::Warning,
            "doubled space in the target",
        );
        let start = offset + p;
        let end = start + inner[p..].len() - inner[p..].trim_start_matches(' ').len();
        f.target_span = Some((start, end));
        out.push(f);
    }
    if is_cjk_lang(target_lang) {
        // Japanese software text sets katakana words apart (アプリケーション バージョン).
        let katakana = |c: Option<char>| c.is_some_and(|c| matches!(c, '\u{30A0}'..='\u{30FF}'));
        let spaces = memchr::memchr_iter(b' ', target.as_bytes())
            .map(|at| (at, 1))
            // U+00A0 is C2 A0; C2 leads no other character a CJK text is likely to have.
            .chain(
                memchr::memchr_iter(0xC2, target.as_bytes())
                    .filter(|&at| target.as_bytes().get(at + 1) == Some(&0xA0))
                    .map(|at| (at, 2)),
            );
        for (at, len) in spaces {
            let p = target[..at].chars().next_back();
            let next = target[at + len..].chars().next();
            if p.is_some_and(is_cjk_text)
                && next.is_some_and(is_cjk_text)
                && !(katakana(p) && katakana(next))
            {
                let mut f = Finding::new(
                    FindingKind::Whitespace,
                    Severity::Warning,
                    "space between Chinese or Japanese characters",
                );
                f.target_span = Some((at, at + len));
                out.push(f);
                break;
            }
        }
    }
}
