//! TMX inline markup inside a segment's content (`<bpt i="1">&lt;b&gt;</bpt>`, `<ph x="2"/>`,
//! `<hi>`...), read without an XML parser: where the inline codes are and which byte ranges of the
//! content are text a reader sees.
//!
//! The content is what [`crate::model::Variant::content`] gives: markup for a segment with inline
//! codes, the plain text otherwise. A plain text may hold a literal `<` or `&`; only the TMX inline
//! element names followed by `>`, `/>` or whitespace count as codes, so `a < b` stays text.

/// The TMX inline elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeKind {
    /// `<bpt i="n">`: the beginning of a paired native code.
    Bpt,
    /// `<ept i="n">`: its end.
    Ept,
    /// `<ph>`: a standalone native code.
    Ph,
    /// `<it>`: an isolated begin or end code whose partner is in another segment.
    It,
    /// `<ut>`: an unknown native code (deprecated in TMX 1.4).
    Ut,
    /// `<hi>`: highlighted text; its content is text.
    Hi,
    /// `<sub>`: a sub-flow inside a native code.
    Sub,
}

impl CodeKind {
    /// The element name.
    pub fn name(self) -> &'static str {
        match self {
            CodeKind::Bpt => "bpt",
            CodeKind::Ept => "ept",
            CodeKind::Ph => "ph",
            CodeKind::It => "it",
            CodeKind::Ut => "ut",
            CodeKind::Hi => "hi",
            CodeKind::Sub => "sub",
        }
    }

    fn from_name(name: &[u8]) -> Option<CodeKind> {
        Some(match name {
            b"bpt" => CodeKind::Bpt,
            b"ept" => CodeKind::Ept,
            b"ph" => CodeKind::Ph,
            b"it" => CodeKind::It,
            b"ut" => CodeKind::Ut,
            b"hi" => CodeKind::Hi,
            b"sub" => CodeKind::Sub,
            _ => return None,
        })
    }

    /// Whether the element's content is native code (not text a reader sees).
    fn holds_native_code(self) -> bool {
        !matches!(self, CodeKind::Hi | CodeKind::Sub)
    }
}

/// One inline element tag in a segment's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code<'a> {
    /// Which inline element the tag is (`bpt`, `ept`, `ph`, `it`, `ut`, `hi`, `sub`).
    pub kind: CodeKind,
    /// The `i` attribute of `bpt`/`ept`, else the `x` attribute, if any.
    pub id: Option<&'a str>,
    /// The `pos` attribute of `<it>` (`begin` or `end`).
    pub pos: Option<&'a str>,
    /// A closing tag (`</hi>`); the closing tags of elements holding native code are not reported
    /// separately: their code spans to the end of the element.
    pub closing: bool,
    /// Byte range of the tag, with the native code and closing tag of `bpt`, `ept`, `ph`, `it` and
    /// `ut`.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
}

/// Whether the content has any inline code.
pub fn has_codes(content: &str) -> bool {
    Codes::new(content).next().is_some()
}

/// The inline codes of a content, in order.
///
/// ```
/// use tmkit::text::inline::{Codes, CodeKind};
/// let s = r#"Click <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>.<ph x="2"/>"#;
/// let codes: Vec<_> = Codes::new(s).map(|c| (c.kind, c.id)).collect();
/// assert_eq!(codes, [(CodeKind::Bpt, Some("1")), (CodeKind::Ept, Some("1")), (CodeKind::Ph, Some("2"))]);
/// ```
pub struct Codes<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Codes<'a> {
    /// Codes of `content`.
    pub fn new(content: &'a str) -> Codes<'a> {
        Codes {
            text: content,
            pos: 0,
        }
    }
}

impl<'a> Iterator for Codes<'a> {
    type Item = Code<'a>;

    fn next(&mut self) -> Option<Code<'a>> {
        let bytes = self.text.as_bytes();
        while let Some(off) = memchr::memchr(b'<', &bytes[self.pos..]) {
            let start = self.pos + off;
            match parse_tag(self.text, start) {
                Some(code) => {
                    self.pos = code.end;
                    return Some(code);
                }
                None => self.pos = start + 1,
            }
        }
        self.pos = bytes.len();
        None
    }
}

/// Reads the inline tag starting at `start` (a `<`), with the native code of an element that holds
/// one; `None` when it is not a TMX inline tag.
fn parse_tag(text: &str, start: usize) -> Option<Code<'_>> {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && bytes[i].is_ascii_lowercase() {
        i += 1;
    }
    let kind = CodeKind::from_name(&bytes[name_start..i])?;
    match bytes.get(i) {
        Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r') => {}
        _ => return None,
    }
    let gt = i + memchr::memchr2(b'>', b'<', &bytes[i..])?;
    if bytes[gt] != b'>' {
        return None;
    }
    let attrs = &text[i..gt];
    let self_closing = attrs.ends_with('/');
    let mut end = gt + 1;
    if !closing && !self_closing && kind.holds_native_code() {
        // The native code runs to the element's closing tag.
        let close = match kind {
            CodeKind::Bpt => "</bpt>",
            CodeKind::Ept => "</ept>",
            CodeKind::Ph => "</ph>",
            CodeKind::It => "</it>",
            _ => "</ut>",
        };
        end = match memchr::memmem::find(&bytes[end..], close.as_bytes()) {
            Some(p) => end + p + close.len(),
            None => text.len(),
        };
    }
    let id = match kind {
        CodeKind::Bpt | CodeKind::Ept => attr(attrs, "i"),
        _ => attr(attrs, "x"),
    };
    Some(Code {
        kind,
        id,
        pos: if kind == CodeKind::It {
            attr(attrs, "pos")
        } else {
            None
        },
        closing,
        start,
        end,
    })
}

/// The value of attribute `name` in a tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let b = attrs.as_bytes();
    let n = name.as_bytes();
    let mut i = 1;
    while i + n.len() <= b.len() {
        if &b[i..i + n.len()] == n && b[i - 1].is_ascii_whitespace() {
            let mut j = i + n.len();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if b.get(j) == Some(&b'=') {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let quote = *b.get(j)?;
                if quote != b'"' && quote != b'\'' {
                    return None;
                }
                let value = &attrs[j + 1..];
                return memchr::memchr(quote, value.as_bytes()).map(|e| &value[..e]);
            }
        }
        i += 1;
    }
    None
}

/// The byte ranges of a content that are text: the content minus inline tags and native code.
/// Entities (`&amp;`) are left in the ranges; [`Visible`] decodes them.
///
/// ```
/// use tmkit::text::inline::visible_ranges;
/// let s = r#"a<bpt i="1">&lt;b&gt;</bpt>b<hi>c</hi>"#;
/// let parts: Vec<&str> = visible_ranges(s).map(|(a, b)| &s[a..b]).collect();
/// assert_eq!(parts, ["a", "b", "c"]);
/// ```
pub fn visible_ranges(content: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut codes = Codes::new(content);
    let mut pos = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        loop {
            if done {
                return None;
            }
            match codes.next() {
                Some(code) => {
                    let range = (pos, code.start);
                    pos = code.end;
                    if range.0 < range.1 {
                        return Some(range);
                    }
                }
                None => {
                    done = true;
                    if pos < content.len() {
                        return Some((pos, content.len()));
                    }
                }
            }
        }
    })
}

/// The characters of a content a reader sees, with their byte offsets: inline codes skipped, the
/// five XML entities and character references decoded (offset of the `&`). A content without `<`
/// or `&` is read as is.
pub struct Visible<'a> {
    text: &'a str,
    markup: bool,
    /// Characters of the current visible range, from `base`.
    chars: std::str::CharIndices<'a>,
    base: usize,
    range_end: usize,
    codes: Codes<'a>,
    next_code: Option<Code<'a>>,
}

impl<'a> Visible<'a> {
    /// The visible characters of `content`.
    pub fn new(content: &'a str) -> Visible<'a> {
        let markup = memchr::memchr2(b'<', b'&', content.as_bytes()).is_some();
        let mut codes = Codes::new(content);
        let next_code = if markup { codes.next() } else { None };
        let range_end = next_code.map_or(content.len(), |c| c.start);
        Visible {
            text: content,
            markup,
            chars: content[..range_end].char_indices(),
            base: 0,
            range_end,
            codes,
            next_code,
        }
    }
}

impl Iterator for Visible<'_> {
    type Item = (usize, char);

    #[inline]
    fn next(&mut self) -> Option<(usize, char)> {
        loop {
            if let Some((i, c)) = self.chars.next() {
                let at = self.base + i;
                if self.markup
                    && c == '&'
                    && let Some((decoded, len)) = entity(&self.text[at..self.range_end])
                {
                    self.base = at + len;
                    self.chars = self.text[self.base..self.range_end].char_indices();
                    return Some((at, decoded));
                }
                return Some((at, c));
            }
            let code = self.next_code?;
            self.next_code = self.codes.next();
            self.base = code.end;
            self.range_end = self.next_code.map_or(self.text.len(), |c| c.start);
            self.chars = self.text[self.base..self.range_end].char_indices();
        }
    }
}

/// Decodes the entity at the start of `s`: the character and the entity's length.
fn entity(s: &str) -> Option<(char, usize)> {
    let semi = memchr::memchr(b';', &s.as_bytes()[..s.len().min(12)])?;
    let name = &s[1..semi];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let n = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            char::from_u32(n)?
        }
    };
    Some((c, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_with_their_ids() {
        let s = r#"<it pos="begin" x="1">&lt;i&gt;</it>a <hi x="3">b</hi> <ph>&lt;br/&gt;</ph>"#;
        let got: Vec<_> = Codes::new(s)
            .map(|c| (c.kind, c.id, c.pos, c.closing))
            .collect();
        assert_eq!(
            got,
            [
                (CodeKind::It, Some("1"), Some("begin"), false),
                (CodeKind::Hi, Some("3"), None, false),
                (CodeKind::Hi, None, None, true),
                (CodeKind::Ph, None, None, false),
            ]
        );
    }

    #[test]
    fn plain_text_angle_brackets_are_not_codes() {
        for s in ["a < b", "x<y", "<html>", "if a<bpt", "1 <hit>"] {
            assert!(!has_codes(s), "{s}");
        }
    }

    #[test]
    fn visible_decodes_entities_and_skips_native_code() {
        let s =
            r#"&quot;A&quot;<bpt i="1">&lt;b&gt;</bpt>&#x4E2D;<ept i="1">&lt;/b&gt;</ept> &amp; B"#;
        let text: String = Visible::new(s).map(|(_, c)| c).collect();
        assert_eq!(text, "\"A\"中 & B");
        let plain = "AT&T <3";
        let text: String = Visible::new(plain).map(|(_, c)| c).collect();
        assert_eq!(text, plain);
    }
}
