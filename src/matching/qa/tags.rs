//! The tag check: inline codes of the source missing from the target, extra there, or out of
//! order.

use crate::model::{Finding, FindingKind, Severity};
use crate::text::inline::{Code, CodeKind, Codes};

fn same_code(a: &Code, b: &Code) -> bool {
    a.kind == b.kind && a.id == b.id && a.closing == b.closing
}

fn describe(code: &Code) -> String {
    let attr = match code.kind {
        CodeKind::Bpt | CodeKind::Ept => "i",
        _ => "x",
    };
    match (code.closing, code.id) {
        (true, _) => format!("</{}>", code.kind.name()),
        (false, Some(id)) => format!("<{} {attr}=\"{id}\">", code.kind.name()),
        (false, None) => format!("<{}>", code.kind.name()),
    }
}

/// Compares the inline codes of source and target by element and id (`i` for `bpt`/`ept`, `x`
/// for the others): missing and extra codes, and codes the target leaves unbalanced where the
/// source does not (an `ept` before its `bpt`, a `bpt` without its `ept`, a `<hi>` not closed).
/// Order may change: translations reorder codes.
///
/// A pair gets at most one finding of each sort (missing, extra, out of order), which counts
/// the codes and names the first few: a segment with thousands of codes gives three findings at
/// most, and the comparison takes time in proportion to the codes (sorted, never compared two by
/// two).
pub fn tags(source: &str, target: &str, out: &mut Vec<Finding>) {
    if memchr::memchr(b'<', source.as_bytes()).is_none()
        && memchr::memchr(b'<', target.as_bytes()).is_none()
    {
        return;
    }
    let (mut sbuf, mut tbuf) = ([NO_CODE; 32], [NO_CODE; 32]);
    let (mut sheap, mut theap) = (Vec::new(), Vec::new());
    let sc = collect(source, &mut sbuf, &mut sheap);
    let tc = collect(target, &mut tbuf, &mut theap);
    if sc.is_empty() && tc.is_empty() {
        return;
    }
    // Each side's codes counted by identity: (identity, count, position of the first).
    let scount = counts(sc);
    let tcount = counts(tc);
    // Missing: source codes the target has fewer of; extra: target codes the source has fewer
    // of. Listed in the order they first appear.
    for missing in [true, false] {
        let (mine, theirs, codes) = if missing {
            (&scount, &tcount, sc)
        } else {
            (&tcount, &scount, tc)
        };
        let mut short: Vec<(usize, usize)> = Vec::new(); // (first position, how many short)
        for &(key, n, first) in mine {
            let other = theirs
                .binary_search_by(|probe| probe.0.cmp(&key))
                .map_or(0, |i| theirs[i].1);
            if other < n {
                short.push((first, n - other));
            }
        }
        if short.is_empty() {
            continue;
        }
        short.sort_unstable();
        let total: usize = short.iter().map(|s| s.1).sum();
        let first = &codes[short[0].0];
        let span = Some((first.start, first.end));
        let listed = list_codes(codes, &short);
        let f = if missing {
            let message = if total == 1 {
                format!("inline code {listed} is missing from the target")
            } else {
                format!("{total} inline codes are missing from the target: {listed}")
            };
            let mut f = Finding::new(FindingKind::Tag, Severity::Error, message);
            f.source_span = span;
            f.expected = Some(listed);
            f
        } else {
            let message = if total == 1 {
                format!("inline code {listed} in the target is not in the source")
            } else {
                format!("{total} inline codes in the target are not in the source: {listed}")
            };
            let mut f = Finding::new(FindingKind::Tag, Severity::Error, message);
            f.target_span = span;
            f.found = Some(listed);
            f
        };
        out.push(f);
    }
    // Order: a closing code before its opening one, where the source has them in order and the
    // target has both (a code missing altogether is reported above).
    let source_unopened = unopened_codes(sc);
    let target_unopened = unopened_codes(tc);
    // Openers still to come after each position of the target: counted down while walking.
    let mut openers_left: std::collections::HashMap<(CodeKind, Option<&str>), usize> =
        std::collections::HashMap::new();
    for c in tc {
        if let Some(k) = opener_key(c) {
            *openers_left.entry(k).or_default() += 1;
        }
    }
    let mut first: Option<usize> = None;
    let mut more = 0usize;
    for (i, code) in tc.iter().enumerate() {
        if let Some(k) = opener_key(code)
            && let Some(n) = openers_left.get_mut(&k)
        {
            *n -= 1;
        }
        let closing = code.kind == CodeKind::Ept || code.closing;
        if !closing || !target_unopened[i] {
            continue;
        }
        let wanted = match code.kind {
            CodeKind::Ept => (CodeKind::Bpt, code.id),
            kind => (kind, None),
        };
        if openers_left.get(&wanted).copied().unwrap_or(0) == 0
            || sc
                .iter()
                .zip(&source_unopened)
                .any(|(c, &u)| u && same_code(c, code))
        {
            continue;
        }
        if first.is_none() {
            first = Some(i);
        } else {
            more += 1;
        }
    }
    if let Some(i) = first {
        let code = &tc[i];
        let d = describe(code);
        let message = if more == 0 {
            format!("inline code {d} comes before its opening code in the target")
        } else {
            format!("inline code {d} comes before its opening code in the target, and {more} more")
        };
        let mut f = Finding::new(FindingKind::Tag, Severity::Error, message);
        f.target_span = Some((code.start, code.end));
        f.found = Some(d);
        out.push(f);
    }
}

/// How many codes a tag finding names; the rest are counted.
const NAMED_CODES: usize = 5;

/// Names the codes at the given positions (first position, how many), the first
/// [`NAMED_CODES`] of them: `<bpt i="1">, <ept i="1"> and 3 more`.
fn list_codes(codes: &[Code], short: &[(usize, usize)]) -> String {
    let mut names: Vec<String> = short
        .iter()
        .take(NAMED_CODES)
        .map(|&(at, n)| {
            let d = describe(&codes[at]);
            if n > 1 { format!("{d} ×{n}") } else { d }
        })
        .collect();
    if short.len() > NAMED_CODES {
        let rest: usize = short[NAMED_CODES..].iter().map(|s| s.1).sum();
        names.push(format!("and {rest} more"));
    }
    names.join(", ")
}

/// A code's identity for the comparison: element, id, and whether it closes.
type CodeKey<'a> = (CodeKind, Option<&'a str>, bool);

/// The codes counted by identity, sorted by it: (identity, count, position of the first).
fn counts<'a>(codes: &[Code<'a>]) -> Vec<(CodeKey<'a>, usize, usize)> {
    let mut keyed: Vec<(CodeKey<'a>, usize)> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.kind, c.id, c.closing), i))
        .collect();
    keyed.sort_unstable();
    let mut out: Vec<(CodeKey<'a>, usize, usize)> = Vec::new();
    for (key, i) in keyed {
        match out.last_mut() {
            Some(last) if last.0 == key => last.1 += 1,
            _ => out.push((key, 1, i)),
        }
    }
    out
}

/// The code a closing code (`ept`, `</hi>`) pairs with, as counted for "is one still to come":
/// a `bpt` by its id, an opening `<hi>` (or `<sub>`...) by its element.
fn opener_key<'a>(c: &Code<'a>) -> Option<(CodeKind, Option<&'a str>)> {
    match c.kind {
        CodeKind::Bpt => Some((CodeKind::Bpt, c.id)),
        CodeKind::Ept => None,
        kind if !c.closing => Some((kind, None)),
        _ => None,
    }
}

/// For each code, whether it is a closing code (`ept`, `</hi>`) with no opening code before it,
/// in one walk: an `ept` whose `bpt` has not been seen, a closing tag below depth zero.
fn unopened_codes(codes: &[Code]) -> Vec<bool> {
    let mut opened: std::collections::HashSet<Option<&str>> = std::collections::HashSet::new();
    let mut depth: std::collections::HashMap<CodeKind, i64> = std::collections::HashMap::new();
    codes
        .iter()
        .map(|code| match code.kind {
            CodeKind::Bpt => {
                opened.insert(code.id);
                false
            }
            CodeKind::Ept => !opened.contains(&code.id),
            kind => {
                let d = depth.entry(kind).or_default();
                *d += if code.closing { -1 } else { 1 };
                *d < 0
            }
        })
        .collect()
}

const NO_CODE: Code<'static> = Code {
    kind: CodeKind::Ph,
    id: None,
    pos: None,
    closing: false,
    start: 0,
    end: 0,
};

/// The codes of a content, in a stack buffer unless there are more than 32.
fn collect<'a, 'b>(
    text: &'a str,
    buf: &'b mut [Code<'a>; 32],
    heap: &'b mut Vec<Code<'a>>,
) -> &'b [Code<'a>] {
    let mut n = 0;
    for code in Codes::new(text) {
        if n < buf.len() {
            buf[n] = code;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&buf[..]);
            }
            heap.push(code);
        }
        n += 1;
    }
    if n <= buf.len() { &buf[..n] } else { heap }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_missing_tags_give_one_finding_with_a_count() {
        // 10,000 bpt/ept pairs in the source, none in the target: one finding, not 20,000, and
        // no comparison of every code with every other.
        let mut source = String::new();
        for i in 0..10_000 {
            source.push_str(&format!(
                r#"<bpt i="{i}">&lt;b&gt;</bpt>w<ept i="{i}">&lt;/b&gt;</ept> "#
            ));
        }
        let mut out = Vec::new();
        tags(&source, "没有代码。", &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0]
                .message
                .starts_with("20000 inline codes are missing from the target: <bpt i=\"0\">, <ept i=\"0\">, <bpt i=\"1\">"),
            "{}",
            out[0].message
        );
        assert!(
            out[0].message.ends_with("and 19995 more"),
            "{}",
            out[0].message
        );
        assert_eq!(out[0].source_span, Some((0, source.find('w').unwrap())));
        // The other way round: one finding of extra codes.
        let mut out = Vec::new();
        tags("No codes.", &source, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0]
                .message
                .starts_with("20000 inline codes in the target are not in the source")
        );
    }

    #[test]
    fn tag_findings_name_one_code_as_before_and_count_repeats() {
        let cases: [(&str, &str, &[&str]); 4] = [
            (
                r#"Click <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>."#,
                r#"单击<bpt i="1">&lt;b&gt;</bpt>确定。"#,
                &[r#"inline code <ept i="1"> is missing from the target"#],
            ),
            (
                r#"a<ph x="1"/>b<ph x="1"/>c<ph x="2"/>"#,
                "甲乙丙",
                &[r#"3 inline codes are missing from the target: <ph x="1"> ×2, <ph x="2">"#],
            ),
            (
                "A<hi>b</hi>c",
                "甲</hi>乙<hi>丙",
                &["inline code </hi> comes before its opening code in the target"],
            ),
            (
                r#"<bpt i="1">x</bpt>a<ept i="1">y</ept><bpt i="2">x</bpt>b<ept i="2">y</ept>"#,
                r#"<ept i="1">y</ept>甲<bpt i="1">x</bpt><ept i="2">y</ept>乙<bpt i="2">x</bpt>"#,
                &[
                    r#"inline code <ept i="1"> comes before its opening code in the target, and 1 more"#,
                ],
            ),
        ];
        for (s, t, want) in cases {
            let mut out = Vec::new();
            tags(s, t, &mut out);
            let got: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
            assert_eq!(got, want, "{s} | {t}");
        }
    }
}
