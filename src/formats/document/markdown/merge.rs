//! Merging translated blocks into a Markdown text: each block's byte range rewritten, text
//! escaped to stay text, emphasis that would not parse written as HTML.

use std::collections::HashMap;
use std::ops::Range;

use super::extract::{Parsed, parse};
use super::front_matter::render_scalar;
use super::{CodeKind, Piece, Role, SrcBlock, SrcPiece, Style, plain_text};
use crate::error::{ErrorKind, Location, Result};
use crate::model::Lang;

/// The merged text: each translated block in place of its source, and the front-matter
/// language set to `target`. `force` writes every block from its pieces even when it equals its
/// source (for tests of the writer).
pub(super) fn merge_text(
    src: &str,
    name: &str,
    blocks: &[Vec<Piece>],
    target: &Lang,
    force: bool,
) -> Result<String> {
    let parsed = parse(src);
    if blocks.len() != parsed.blocks.len() {
        return Err(ErrorKind::Document {
            name: name.to_string(),
            message: format!(
                "{} translated blocks for {} in the document: the translation does not belong to \
                 this document",
                blocks.len(),
                parsed.blocks.len()
            ),
        }
        .into());
    }
    let mut html = vec![false; blocks.len()];
    let out = render(src, name, &parsed, blocks, target, force, &html)?;
    let again = parse(&out);
    if again.blocks.len() != parsed.blocks.len() {
        return Ok(out);
    }
    let mut retry = false;
    for (i, b) in parsed.blocks.iter().enumerate() {
        let has_delims = b.pieces.iter().any(|p| {
            matches!(
                p,
                SrcPiece::Code {
                    kind: CodeKind::Delim { .. },
                    ..
                }
            )
        });
        if has_delims && !same_shape(&again.blocks[i].pieces, &blocks[i]) {
            html[i] = true;
            retry = true;
        }
    }
    if retry {
        return render(src, name, &parsed, blocks, target, force, &html);
    }
    Ok(out)
}

/// Adjacent text pieces joined, empty ones left out.
fn joined(pieces: &[Piece]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match p {
            Piece::Text(t) if t.is_empty() => {}
            Piece::Text(t) => {
                if let Some(Piece::Text(prev)) = out.last_mut() {
                    prev.push_str(t);
                } else {
                    out.push(p.clone());
                }
            }
            Piece::Code(_) => out.push(p.clone()),
        }
    }
    out
}

/// Whether translated pieces equal the source's (codes compared by id and role).
fn unchanged(src: &[SrcPiece], t: &[Piece]) -> bool {
    let t = joined(t);
    src.len() == t.len()
        && src.iter().zip(&t).all(|(s, t)| match (s, t) {
            (SrcPiece::Text(a), Piece::Text(b)) => a == b,
            (SrcPiece::Code { code: a, .. }, Piece::Code(b)) => a.id == b.id && a.role == b.role,
            _ => false,
        })
}

/// Whether a block read back from the merged text has the translated text (white space aside)
/// and as many codes: no text became markup and no code became text. (The roles may differ:
/// an HTML tag the source left unclosed can pair with one written for emphasis.)
pub(super) fn same_shape(back: &[SrcPiece], t: &[Piece]) -> bool {
    let text_back: String = back
        .iter()
        .filter_map(|p| match p {
            SrcPiece::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .flat_map(|t| t.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let text_t: String = plain_text(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let codes_back = back
        .iter()
        .filter(|p| matches!(p, SrcPiece::Code { .. }))
        .count();
    let codes_t = t.iter().filter(|p| matches!(p, Piece::Code(_))).count();
    text_back == text_t && codes_back == codes_t
}

/// `src[range]` with the edits inside it applied (the outermost ones; edits are in document
/// order and do not overlap unless nested).
fn splice<'e>(
    src: &str,
    range: Range<usize>,
    edits: impl Iterator<Item = &'e (Range<usize>, String)>,
) -> String {
    let mut out = String::new();
    let mut at = range.start;
    for (r, s) in edits {
        if r.start < at || r.end > range.end || r.start < range.start {
            continue;
        }
        out.push_str(&src[at..r.start]);
        out.push_str(s);
        at = r.end;
    }
    out.push_str(&src[at..range.end]);
    out
}

fn render(
    src: &str,
    name: &str,
    parsed: &Parsed,
    blocks: &[Vec<Piece>],
    target: &Lang,
    force: bool,
    html: &[bool],
) -> Result<String> {
    let n = parsed.blocks.len();
    let mut edits: Vec<Option<(Range<usize>, String)>> = vec![None; n];
    for i in (0..n).rev() {
        let b = &parsed.blocks[i];
        if !force && unchanged(&b.pieces, &blocks[i]) {
            continue;
        }
        let inner = &edits[i + 1..=i + b.descendants];
        let s = render_block(src, name, b, i, &blocks[i], inner, html[i])?;
        edits[i] = Some((b.range.clone(), s));
    }
    let mut top: Vec<(Range<usize>, String)> = edits.into_iter().flatten().collect();
    if let Some(lang) = parsed.front.as_ref().and_then(|f| f.lang.as_ref())
        && lang.value != target.as_str()
    {
        top.push((
            lang.range.clone(),
            render_scalar(target.as_str(), lang.quote),
        ));
    }
    top.sort_by_key(|(r, _)| r.start);
    Ok(splice(src, 0..src.len(), top.iter()))
}

fn render_block(
    src: &str,
    name: &str,
    b: &SrcBlock,
    index: usize,
    t: &[Piece],
    inner: &[Option<(Range<usize>, String)>],
    html_all: bool,
) -> Result<String> {
    match b.style {
        Style::Front(q) => return Ok(render_scalar(&plain_text(t), q)),
        Style::Title(close) => return Ok(render_title(&plain_text(t), close)),
        _ => {}
    }
    let mut pieces = joined(t);
    if let Some(Piece::Text(s)) = pieces.first_mut() {
        *s = s.trim_start().to_string();
    }
    if let Some(Piece::Text(s)) = pieces.last_mut() {
        *s = s.trim_end().to_string();
    }
    let codes: HashMap<(u32, Role), (&Range<usize>, &CodeKind)> = b
        .pieces
        .iter()
        .filter_map(|p| match p {
            SrcPiece::Code { code, merge, kind } => Some(((code.id, code.role), (merge, kind))),
            SrcPiece::Text(_) => None,
        })
        .collect();
    // The translated alt texts of the block's images, in document order.
    let inner: Vec<&(Range<usize>, String)> = inner.iter().flatten().collect();
    let mut out = String::new();
    let mut line_start = matches!(b.style, Style::Flow { .. });
    // (position in out, length, id, role, ch, html)
    let mut delims: Vec<(usize, usize, u32, Role, char, &'static str)> = Vec::new();
    let count = pieces.len();
    for (k, p) in pieces.iter().enumerate() {
        match p {
            Piece::Text(s) => {
                let before_code = k + 1 < count;
                escape_text(s, &b.style, &mut out, &mut line_start, before_code);
            }
            Piece::Code(c) => {
                let Some(&(merge, kind)) = codes.get(&(c.id, c.role)) else {
                    let at = Location::of_byte(name, src.as_bytes(), b.range.start);
                    return Err(ErrorKind::Document {
                        name: name.to_string(),
                        message: format!(
                            "{}:{}: block {} ({}): the translation has a code {} ({}) that is not \
                             in the source",
                            at.line,
                            at.column,
                            index + 1,
                            b.name,
                            c.id,
                            match c.role {
                                Role::Open => "the start of a span",
                                Role::Close => "the end of a span",
                                Role::Standalone => "standalone",
                            }
                        ),
                    }
                    .into());
                };
                match kind {
                    CodeKind::Delim { ch, html } => {
                        delims.push((out.len(), merge.len(), c.id, c.role, *ch, html));
                        out.push_str(&src[merge.clone()]);
                    }
                    CodeKind::LinkClose { label: Some(l) } => {
                        out.push_str("][");
                        out.push_str(&src[l.clone()]);
                        out.push(']');
                    }
                    _ => {
                        let from = inner.partition_point(|(r, _)| r.start < merge.start);
                        let nested = inner[from..]
                            .iter()
                            .take_while(|(r, _)| r.start < merge.end)
                            .copied();
                        let s = splice(src, merge.clone(), nested);
                        // Two code spans side by side would read as one.
                        if out.ends_with('`') && s.starts_with('`') {
                            out.push(' ');
                        }
                        out.push_str(&s);
                    }
                }
                line_start = *kind == CodeKind::Break && matches!(b.style, Style::Flow { .. });
            }
        }
    }
    // Emphasis that would not parse is written as HTML, pair by pair.
    let mut replace: Vec<(usize, usize, &'static str)> = Vec::new();
    let closes: HashMap<u32, (usize, usize, u32, Role, char, &'static str)> = delims
        .iter()
        .filter(|d| d.3 == Role::Close)
        .map(|d| (d.2, *d))
        .collect();
    for &(at, len, id, role, ch, html) in &delims {
        if role != Role::Open {
            continue;
        }
        let close = closes.get(&id).copied();
        let ok = !html_all
            && can_open(&out, at, at + len, ch)
            && close.is_none_or(|(cat, clen, ..)| cat > at && can_close(&out, cat, cat + clen, ch));
        if !ok {
            replace.push((at, len, html));
            if let Some((cat, clen, _, _, _, chtml)) = close {
                replace.push((cat, clen, chtml));
            }
        }
    }
    replace.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (at, len, html) in replace {
        out.replace_range(at..at + len, html);
    }
    Ok(out)
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace())
}

/// The characters around the delimiter run containing `out[at..end]`: (left-flanking,
/// right-flanking, previous is punctuation, next is punctuation).
fn flanking(out: &str, at: usize, end: usize, ch: char) -> (bool, bool, bool, bool) {
    let mut a = at;
    while out[..a].ends_with(ch) {
        a -= ch.len_utf8();
    }
    let mut z = end;
    while out[z..].starts_with(ch) {
        z += ch.len_utf8();
    }
    let prev = out[..a].chars().next_back();
    let next = out[z..].chars().next();
    let ws = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(is_punct);
    let left = !ws(next) && (!punct(next) || ws(prev) || punct(prev));
    let right = !ws(prev) && (!punct(prev) || ws(next) || punct(next));
    (left, right, punct(prev), punct(next))
}

/// Whether a delimiter run can open emphasis (CommonMark's rules; pulldown-cmark lets `~` open
/// before anything but white space).
fn can_open(out: &str, at: usize, end: usize, ch: char) -> bool {
    let (left, right, prev_punct, _) = flanking(out, at, end, ch);
    match ch {
        '_' => left && (!right || prev_punct),
        '~' => !out[end..].starts_with(char::is_whitespace) && end < out.len(),
        _ => left,
    }
}

fn can_close(out: &str, at: usize, end: usize, ch: char) -> bool {
    let (left, right, _, next_punct) = flanking(out, at, end, ch);
    match ch {
        '_' => right && (!left || next_punct),
        '~' => !out[..at].ends_with(char::is_whitespace) && at > 0,
        _ => right,
    }
}

/// Writes translated text so that Markdown reads it back as the same text.
fn escape_text(s: &str, style: &Style, out: &mut String, line_start: &mut bool, before_code: bool) {
    let text_start = out.len();
    let chars: Vec<char> = s.chars().filter(|c| *c != '\r').collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            match style {
                Style::Flow { sep } => {
                    if !*line_start {
                        while out.len() > text_start && out.ends_with([' ', '\t']) {
                            out.pop();
                        }
                        out.push_str(sep);
                        *line_start = true;
                    }
                }
                _ => {
                    if !out.ends_with(' ') {
                        out.push(' ');
                    }
                }
            }
            i += 1;
            continue;
        }
        if *line_start {
            if c == ' ' || c == '\t' {
                i += 1;
                continue;
            }
            *line_start = false;
            match c {
                '#' | '>' | '-' | '+' | '=' => {
                    out.push('\\');
                    out.push(c);
                    i += 1;
                    continue;
                }
                '0'..='9' => {
                    let mut j = i;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        out.push(chars[j]);
                        j += 1;
                    }
                    if j < chars.len() && (chars[j] == '.' || chars[j] == ')') {
                        out.push('\\');
                        out.push(chars[j]);
                        j += 1;
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '#' if matches!(style, Style::Line { hash: true }) => out.push_str("\\#"),
            '&' if entity_like(&chars[i + 1..]) => out.push_str("\\&"),
            '!' if before_code && i + 1 == chars.len() => out.push_str("\\!"),
            c => out.push(c),
        }
        i += 1;
    }
}

/// A link title written between its delimiters: one line, backslashes and delimiters escaped.
fn render_title(value: &str, close: char) -> String {
    let chars: Vec<char> = value
        .trim()
        .chars()
        .filter(|c| *c != '\r')
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '\\'
            || c == close
            || (close == ')' && c == '(')
            || (c == '&' && entity_like(&chars[i + 1..]))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether the characters after a `&` would make an entity or a character reference.
fn entity_like(after: &[char]) -> bool {
    let n = after
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    n > 0 && after.get(n) == Some(&';')
}

#[cfg(test)]
mod tests {
    use super::super::tests::{merge, pieces};
    use super::super::{Filter, MarkdownFilter, Options};
    use super::*;

    #[test]
    fn translations_are_merged_into_the_markup() {
        let table: [(&str, &[&str], &str, &str); 21] = [
            (
                "# Hello *world*\n\nSee [the site](http://x.org \"T\") now.\n",
                &["你好{1}世界{/1}", "现在看{1}网站{/1}。", "标题"],
                "zh-CN",
                "# 你好*世界*\n\n现在看[网站](http://x.org \"标题\")。\n",
            ),
            // Emphasis that stays emphasis between ideographs is kept as written.
            (
                "**Important** rule.\n",
                &["{1}重要{/1}的规则。"],
                "zh-CN",
                "**重要**的规则。\n",
            ),
            // `**` after punctuation and before an ideograph would not close: HTML.
            (
                "**“Quote”** text.\n",
                &["{1}“引用”{/1}中文。"],
                "zh-CN",
                "<strong>“引用”</strong>中文。\n",
            ),
            (
                "Text **“quote”**.\n",
                &["中文{1}“引用”{/1}。"],
                "zh-CN",
                "中文<strong>“引用”</strong>。\n",
            ),
            // `_` inside a word is no emphasis.
            (
                "__Bold__ word and _it_.\n",
                &["{1}粗体{/1}字和{2}斜体{/2}。"],
                "zh-CN",
                "<strong>粗体</strong>字和<em>斜体</em>。\n",
            ),
            ("~~old~~ text\n", &["{1}旧{/1}文"], "zh-CN", "~~旧~~文\n"),
            // Codes in another order.
            (
                "Click [here](http://a) to see *more*.\n",
                &["查看{2}更多{/2}请点击{1}这里{/1}。"],
                "zh-CN",
                "查看*更多*请点击[这里](http://a)。\n",
            ),
            // A shortcut reference keeps its definition.
            (
                "As [John Gruber] writes, [Site][] too.\n\n[John Gruber]: http://df.net\n[site]: http://s\n",
                &["正如{1}约翰·格鲁伯{/1}所写，{2}网站{/2}也是。"],
                "zh-CN",
                "正如[约翰·格鲁伯][John Gruber]所写，[网站][Site]也是。\n\n[John Gruber]: http://df.net\n[site]: http://s\n",
            ),
            (
                "> line one\n> line two\n\n> one line\n",
                &["第一行\n第二行", "一行"],
                "zh-CN",
                "> 第一行\n> 第二行\n\n> 一行\n",
            ),
            (
                "- item\n  - nested\n",
                &["第一\n第二", "甲\n\n\n乙"],
                "zh-CN",
                "- 第一\n  第二\n  - 甲\n    乙\n",
            ),
            // Text stays text.
            (
                "Plain text.\n",
                &[
                    "1. *not* a list\n# not a heading <b> [x] `y` a_b \\ &amp; ~z~ |\n- no\n  === not setext",
                ],
                "en",
                "1\\. \\*not\\* a list\n\\# not a heading \\<b> \\[x\\] \\`y\\` a\\_b \\\\ \\&amp; \\~z\\~ \\|\n\\- no\n\\=== not setext\n",
            ),
            (
                "| A |\n|---|\n| b |\n",
                &["甲|乙", "丙\n丁"],
                "zh-CN",
                "| 甲\\|乙 |\n|---|\n| 丙 丁 |\n",
            ),
            ("# Head\n", &["第 #1 号 #"], "zh-CN", "# 第 \\#1 号 \\#\n"),
            (
                "![A cat](cat.png \"t\") sits. [a](u (T)) [b](v 'U')\n",
                &[
                    "{1/}坐着。{2}甲{/2}{3}乙{/3}",
                    "一只猫",
                    "标 \"题\" \\",
                    "题(2)",
                    "It's",
                ],
                "zh-CN",
                "![一只猫](cat.png \"标 \\\"题\\\" \\\\\")坐着。[甲](u (题\\(2\\)))[乙](v 'It\\'s')\n",
            ),
            // Only the alt text is translated: the paragraph is left as it is.
            (
                "[![Badge](b.svg)](http://ci) Build.\n",
                &["{1}{2/}{/1} Build.", "徽章"],
                "zh-CN",
                "[![徽章](b.svg)](http://ci) Build.\n",
            ),
            (
                "---\ntitle: Hello\ndescription: \"Say \\\"hi\\\"\"\nsubtitle: 'x'\nlang: en-US\n---\nBody.\n",
                &["你好", "说\"嗨\"", "正文。"],
                "zh-CN",
                "---\ntitle: 你好\ndescription: \"说\\\"嗨\\\"\"\nsubtitle: 'x'\nlang: zh-CN\n---\n正文。\n",
            ),
            // A plain value that YAML would read otherwise is quoted; single quotes stay single.
            (
                "---\ntitle: Hello\ndescription: 'It''s'\n---\n",
                &["注意: 这个", "它's"],
                "zh-CN",
                "---\ntitle: \"注意: 这个\"\ndescription: '它''s'\n---\n",
            ),
            (
                "One  \ntwo\\\nthree\n",
                &["三{2/}二{1/}一"],
                "zh-CN",
                "三\\\n二  \n一\n",
            ),
            (
                "> a\r\n> b\r\n\r\nc\r\n",
                &["甲\n乙", "丙\n丁"],
                "zh-CN",
                "> 甲\r\n> 乙\r\n\r\n丙\r\n丁\r\n",
            ),
            (
                "Title\n=====\n\nSome <b>bold</b> and `code`.\n",
                &["标题", "{2/}和一些{1}粗体{/1}"],
                "zh-CN",
                "标题\n=====\n\n`code`和一些<b>粗体</b>\n",
            ),
            // Two code spans side by side stay two.
            (
                "Use `a` or `b`.\n",
                &["用{1/}{2/}。"],
                "zh-CN",
                "用`a` `b`。\n",
            ),
        ];
        for (src, translated, target, want) in table {
            assert_eq!(merge(src, translated, target), want, "{src:?}");
        }
    }

    #[test]
    fn merge_refuses_translations_that_do_not_fit() {
        let en = Lang::parse("en").unwrap();
        let o = Options::default();
        let e = MarkdownFilter
            .merge(b"# A\n\nB\n", "a.md", &o, &[pieces("x")], &en)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.md: 1 translated blocks for 2 in the document: the translation does not belong to \
             this document"
        );
        let e = MarkdownFilter
            .merge(
                b"# A\n\nB *c*\n",
                "a.md",
                &o,
                &[pieces("x"), pieces("y{7/}")],
                &en,
            )
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.md: 3:1: block 2 (p): the translation has a code 7 (standalone) that is not in the source"
        );
    }
}
