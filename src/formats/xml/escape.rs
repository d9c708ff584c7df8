//! XML escaping, and the characters XML 1.0 cannot hold: written as a code, a processing
//! instruction or a control picture, and read back.

/// The `type` (TMX) and `ctype` (XLIFF) of the inline code that stands for a character XML 1.0
/// cannot hold: `<ph type="x-tmkit-char">U+000B</ph>`.
pub const CHAR_CODE_TYPE: &str = "x-tmkit-char";

/// The target of the processing instruction that stands for a character XML 1.0 cannot hold
/// where no inline code can go (notes, properties, terms): `<?tmkit-char U+000B?>`.
pub const CHAR_PI_TARGET: &str = "tmkit-char";

/// Where escaped text goes, which decides how characters XML 1.0 cannot hold are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Element content: `<?tmkit-char U+000B?>`.
    Text,
    /// Segment content (TMX `<seg>` syntax): `<ph type="x-tmkit-char">U+000B</ph>`.
    Segment,
    /// A double-quoted attribute value: the Unicode control picture (not reversed).
    Attr,
}

/// The one escaping routine behind [`escape_text`], [`escape_segment`] and [`escape_attr`].
///
/// Characters XML 1.0 cannot hold are U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE
/// and U+FFFF (a Rust string holds no surrogates). They are stored as given; only their written
/// form differs, by context (see [`Context`]).
fn escape(s: &str, out: &mut String, context: Context) {
    let bytes = s.as_bytes();
    let attr = context == Context::Attr;
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (rep, len): (&str, usize) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attr => ("&quot;", 1),
            b'\t' if attr => ("&#x9;", 1),
            b'\n' if attr => ("&#xA;", 1),
            b'\r' => ("&#xD;", 1),
            b'\t' | b'\n' => {
                i += 1;
                continue;
            }
            0..=0x1f => ("", 1),
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[last..i]);
        if rep.is_empty() {
            let c = s[i..]
                .chars()
                .next()
                .expect("a character starts at a matched byte");
            push_char_code(c, out, context);
        } else {
            out.push_str(rep);
        }
        i += len;
        last = i;
    }
    out.push_str(&s[last..]);
}

fn push_char_code(c: char, out: &mut String, context: Context) {
    use std::fmt::Write as _;
    match context {
        Context::Text => {
            let _ = write!(out, "<?{CHAR_PI_TARGET} U+{:04X}?>", c as u32);
        }
        Context::Segment => {
            let _ = write!(out, "<ph type=\"{CHAR_CODE_TYPE}\">U+{:04X}</ph>", c as u32);
        }
        Context::Attr => out.push(control_picture(c)),
    }
}

/// How a character XML 1.0 cannot hold is shown where no code can go (attribute values, the HTML
/// review page): U+0000-U+001F as the Unicode control pictures U+2400-U+241F, U+007F as U+2421,
/// anything else as U+FFFD. Other characters are returned as they are.
pub fn control_picture(c: char) -> char {
    match c as u32 {
        n @ 0..=0x1f => char::from_u32(0x2400 + n).expect("U+2400-U+241F are characters"),
        0x7f => '\u{2421}',
        _ if is_xml_char(c) => c,
        _ => '\u{FFFD}',
    }
}

/// Escapes text for element content: `&`, `<`, `>`, carriage returns (which XML parsers would
/// otherwise turn into line feeds), and each character XML 1.0 cannot hold as the processing
/// instruction `<?tmkit-char U+000B?>`, which tmkit's readers turn back into the character.
pub fn escape_text(s: &str, out: &mut String) {
    escape(s, out, Context::Text);
}

/// Escapes a segment's plain text as TMX `<seg>` content: like [`escape_text`], but each
/// character XML 1.0 cannot hold becomes the inline code `<ph type="x-tmkit-char">U+000B</ph>`,
/// which CAT tools show and keep as a tag and tmkit's readers turn back into the character.
///
/// ```
/// let mut out = String::new();
/// tmkit::formats::escape_segment("a\u{b}<b", &mut out);
/// assert_eq!(out, "a<ph type=\"x-tmkit-char\">U+000B</ph>&lt;b");
/// ```
pub fn escape_segment(s: &str, out: &mut String) {
    escape(s, out, Context::Segment);
}

/// Escapes text for a double-quoted attribute value; tabs and line breaks are written as character
/// references so that attribute-value normalization keeps them. A character XML 1.0 cannot hold
/// is written as its [`control_picture`]; this is not turned back on reading.
pub fn escape_attr(s: &str, out: &mut String) {
    escape(s, out, Context::Attr);
}

/// Whether `s` holds a character XML 1.0 cannot hold.
pub fn has_non_xml_char(s: &str) -> bool {
    s.bytes()
        .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        || (s.contains('\u{FFFE}') || s.contains('\u{FFFF}'))
}

/// The character a tmkit character code's content (`U+000B`) stands for: only characters XML 1.0
/// cannot hold are written that way, so anything else is `None` (an ordinary code).
pub fn parse_char_code(s: &str) -> Option<char> {
    let hex = s.strip_prefix("U+")?;
    if !(4..=6).contains(&hex.len()) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    (!is_xml_char(c)).then_some(c)
}

/// The character a `<?tmkit-char U+000B?>` processing instruction stands for, if it is one.
pub(crate) fn pi_char(pi: &quick_xml::events::BytesPI<'_>) -> Option<char> {
    if pi.target() != CHAR_PI_TARGET {
        return None;
    }
    parse_char_code(pi.content().trim())
}

/// Whether a character may appear in an XML 1.0 document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// What XML 1.0 forbids in a raw attribute value, if anything: a control character, or a
/// character reference to one (`&#1;`, `&#xD800;`).
pub(super) fn forbidden_in_value(raw: &[u8]) -> Option<String> {
    if let Some(&c) = raw
        .iter()
        .find(|&&b| b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return Some(format!(
            "character U+{:04X} is not allowed in XML 1.0, so this is not an XML 1.0 file: \
             remove the character or replace it",
            c as u32
        ));
    }
    // No reference at all (most values): nothing more to check.
    memchr::memchr(b'&', raw)?;
    let mut rest = raw;
    while let Some(i) = memchr::memmem::find(rest, b"&#") {
        rest = &rest[i + 2..];
        let end = memchr::memchr(b';', rest)?;
        let digits = std::str::from_utf8(&rest[..end]).ok()?;
        let value = match digits.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => digits.parse::<u32>().ok(),
        };
        if !value.and_then(char::from_u32).is_some_and(is_xml_char) {
            return Some(format!("&#{digits}; is not a character XML 1.0 allows"));
        }
        rest = &rest[end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let cases = [
            (
                "a & b < c > d",
                "a &amp; b &lt; c &gt; d",
                "a &amp; b &lt; c &gt; d",
            ),
            (
                "tab\there\r\n",
                "tab\there&#xD;\n",
                "tab&#x9;here&#xD;&#xA;",
            ),
            ("\"quoted\"", "\"quoted\"", "&quot;quoted&quot;"),
            (
                "v\u{b}f\u{c}\u{0}\u{ffff}é",
                "v<?tmkit-char U+000B?>f<?tmkit-char U+000C?><?tmkit-char U+0000?><?tmkit-char U+FFFF?>é",
                "v\u{240b}f\u{240c}\u{2400}\u{fffd}é",
            ),
        ];
        for (input, text, attr) in cases {
            let mut t = String::new();
            escape_text(input, &mut t);
            assert_eq!(t, text);
            let mut a = String::new();
            escape_attr(input, &mut a);
            assert_eq!(a, attr);
        }
    }

    #[test]
    fn segments_write_codes_that_parse_back() {
        let mut out = String::new();
        escape_segment("a\u{1}\u{fffe}&\u{10ffff}\u{fffd}", &mut out);
        assert_eq!(
            out,
            "a<ph type=\"x-tmkit-char\">U+0001</ph><ph type=\"x-tmkit-char\">U+FFFE</ph>&amp;\u{10ffff}\u{fffd}"
        );
        let table = [
            ("U+000B", Some('\u{b}')),
            ("U+FFFF", Some('\u{ffff}')),
            ("U+0041", None),
            ("U+000b", Some('\u{b}')),
            ("U+B", None),
            ("u+000B", None),
            ("U+D800", None),
            ("U+0000000B", None),
        ];
        for (code, want) in table {
            assert_eq!(parse_char_code(code), want, "{code}");
        }
        assert!(has_non_xml_char("a\u{ffff}") && has_non_xml_char("\u{1f}"));
        assert!(!has_non_xml_char("tab\tcr\r\u{fffd}\u{85}"));
    }
}
