//! A YAML front matter: where it ends, its translatable one-line scalars and the document's
//! language, read and written back in their quoting style.

use std::ops::Range;

use super::Quote;

/// A front-matter value.
#[derive(Debug, Clone)]
pub(super) struct FmValue {
    pub(super) key: String,
    pub(super) value: String,
    pub(super) range: Range<usize>,
    pub(super) quote: Quote,
}

#[derive(Debug, Clone, Default)]
pub(super) struct FrontMatter {
    /// Where the Markdown after the closing `---` starts.
    pub(super) body: usize,
    pub(super) fields: Vec<FmValue>,
    pub(super) lang: Option<FmValue>,
    /// `title` or `description` keys whose value is not a one-line scalar.
    pub(super) skipped: Vec<String>,
}

/// A YAML front matter: `---` on the first line, a top-level mapping (the first line that is not
/// blank or a comment is a `key:`; every unindented line is a key, a `- ` item or a comment),
/// closed by `---` or `...`. A document starting with a thematic break `---` followed by text
/// is not one.
pub(super) fn front_matter(src: &str) -> Option<FrontMatter> {
    let first_end = src.find('\n')?;
    if src[..first_end].trim_end() != "---" {
        return None;
    }
    let mut fm = FrontMatter::default();
    let mut pos = first_end + 1;
    let mut seen_key = false;
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let body = loop {
        if pos >= src.len() {
            return None;
        }
        let end = src[pos..].find('\n').map_or(src.len(), |k| pos + k + 1);
        let line = src[pos..end].trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            break end;
        }
        let blank = trimmed.trim_start().is_empty() || trimmed.trim_start().starts_with('#');
        let indented = line.starts_with([' ', '\t']);
        if !blank && !indented {
            let key = key_of(line).is_some();
            if !key && !(seen_key && (trimmed == "-" || trimmed.starts_with("- "))) {
                return None;
            }
            seen_key |= key;
        }
        lines.push((pos, line));
        pos = end;
    };
    if !seen_key {
        return None;
    }
    fm.body = body;
    for (k, &(start, line)) in lines.iter().enumerate() {
        let Some(colon) = key_of(line) else {
            continue;
        };
        let key = line[..colon].trim();
        let wanted = matches!(key, "title" | "description");
        let lang = matches!(key, "lang" | "language");
        if !wanted && !lang {
            continue;
        }
        let value_start =
            colon + 1 + (line[colon + 1..].len() - line[colon + 1..].trim_start().len());
        let continued = lines.get(k + 1).is_some_and(|(_, next)| {
            next.starts_with([' ', '\t'])
                && !next.trim().is_empty()
                && !next.trim().starts_with('#')
        });
        match scalar(&line[value_start..]) {
            Some((value, len, quote)) if !continued && !value.trim().is_empty() => {
                let v = FmValue {
                    key: key.to_string(),
                    value,
                    range: start + value_start..start + value_start + len,
                    quote,
                };
                if lang {
                    fm.lang = Some(v);
                } else {
                    fm.fields.push(v);
                }
            }
            _ if wanted && (continued || !line[value_start..].trim().is_empty()) => {
                fm.skipped.push(key.to_string())
            }
            _ => {}
        }
    }
    Some(fm)
}

/// The byte position of the colon ending a top-level `key:` line.
fn key_of(line: &str) -> Option<usize> {
    let c = line.chars().next()?;
    if c.is_whitespace() || "-?:,[]{}#&*!|>'\"%@`".contains(c) {
        return None;
    }
    let bytes = line.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t'))
}

/// A one-line YAML scalar at the start of `s`: its value, its length in `s` and its style.
/// `None` for anything else (block scalars, anchors, aliases, tags, flow collections, a quoted
/// scalar that does not close on the line, text after the scalar other than a comment).
fn scalar(s: &str) -> Option<(String, usize, Quote)> {
    let rest_ok = |rest: &str| {
        let t = rest.trim_start();
        t.is_empty() || (t.starts_with('#') && rest.len() > t.len())
    };
    let first = s.chars().next()?;
    match first {
        '\'' => {
            let mut value = String::new();
            let mut it = s.char_indices().skip(1).peekable();
            while let Some((i, c)) = it.next() {
                if c == '\'' {
                    if let Some((_, '\'')) = it.peek() {
                        it.next();
                        value.push('\'');
                        continue;
                    }
                    return rest_ok(&s[i + 1..]).then_some((value, i + 1, Quote::Single));
                }
                value.push(c);
            }
            None
        }
        '"' => {
            let mut value = String::new();
            let mut it = s.char_indices().skip(1);
            while let Some((i, c)) = it.next() {
                match c {
                    '"' => return rest_ok(&s[i + 1..]).then_some((value, i + 1, Quote::Double)),
                    '\\' => {
                        let (_, e) = it.next()?;
                        let hex = |it: &mut std::iter::Skip<std::str::CharIndices>, n: usize| {
                            let mut v = 0u32;
                            for _ in 0..n {
                                v = v * 16 + it.next()?.1.to_digit(16)?;
                            }
                            char::from_u32(v)
                        };
                        value.push(match e {
                            '0' => '\0',
                            'a' => '\x07',
                            'b' => '\x08',
                            't' | '\t' => '\t',
                            'n' => '\n',
                            'v' => '\x0b',
                            'f' => '\x0c',
                            'r' => '\r',
                            'e' => '\x1b',
                            ' ' => ' ',
                            '"' => '"',
                            '/' => '/',
                            '\\' => '\\',
                            'N' => '\u{85}',
                            '_' => '\u{a0}',
                            'L' => '\u{2028}',
                            'P' => '\u{2029}',
                            'x' => hex(&mut it, 2)?,
                            'u' => hex(&mut it, 4)?,
                            'U' => hex(&mut it, 8)?,
                            _ => return None,
                        });
                    }
                    c => value.push(c),
                }
            }
            None
        }
        '|' | '>' | '&' | '*' | '!' | '[' | '{' | '%' | '@' | '`' => None,
        _ => {
            let end = s.find(" #").or_else(|| s.find("\t#")).unwrap_or(s.len());
            let value = s[..end].trim_end();
            Some((value.to_string(), value.len(), Quote::Plain))
        }
    }
}

/// A front-matter value in its quoting style; a plain value that would not read back as the
/// same string is double-quoted.
pub(super) fn render_scalar(value: &str, quote: Quote) -> String {
    let value = value.trim();
    let one_line: String = value
        .chars()
        .filter(|c| *c != '\r')
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    match quote {
        Quote::Plain if plain_safe(&one_line) => one_line,
        Quote::Single => format!("'{}'", one_line.replace('\'', "''")),
        Quote::Plain | Quote::Double => {
            let mut out = String::from("\"");
            for c in value.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c.is_control() => {
                        out.push_str(&format!("\\u{:04x}", c as u32));
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }
}

/// Whether a string reads back as itself, a string, when written as a plain YAML scalar.
fn plain_safe(v: &str) -> bool {
    let Some(first) = v.chars().next() else {
        return false;
    };
    let lower = v.to_ascii_lowercase();
    !(first.is_whitespace()
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || v.ends_with(char::is_whitespace)
        || v.ends_with(':')
        || v.contains(": ")
        || v.contains(" #")
        || v.chars().any(|c| c.is_control())
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
        )
        || v.parse::<f64>().is_ok()
        || v.chars().all(|c| c.is_ascii_digit() || "-:. +".contains(c)))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{extract, show};

    #[test]
    fn front_matter_title_and_description_are_translated() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<&'a str>, usize);
        let table: [Case; 7] = [
            (
                "---\ntitle: Plain title\ndescription: 'It''s single'\nauthor: Me\nlang: en\ntags:\n  - a\n---\n# Body\n",
                &[
                    ("title", "Plain title"),
                    ("description", "It's single"),
                    ("h1", "Body"),
                ],
                Some("en"),
                0,
            ),
            (
                "---\r\ntitle: \"Say \\\"hi\\\"\\u00e9\" # comment\r\nlanguage: 'ja'\r\n...\r\nText\r\n",
                &[("title", "Say \"hi\"é"), ("p", "Text")],
                Some("ja"),
                0,
            ),
            // A thematic break, then text: not front matter (okapi-md-markdown-it-demo.md).
            (
                "---\n__Advertisement :)__\n\ntext: here\n\n---\n\n# H\n",
                &[
                    ("p", "{1}Advertisement :){/1}"),
                    ("p", "text: here"),
                    ("h1", "H"),
                ],
                None,
                0,
            ),
            // Not closed: not front matter.
            ("---\ntitle: x\n", &[("p", "title: x")], None, 0),
            // Values that are not one-line scalars are left alone, and said.
            (
                "---\ntitle: a\n  b\ndescription: |\n  block\n---\nT\n",
                &[("p", "T")],
                None,
                2,
            ),
            // Nested keys are not the document's title.
            (
                "---\nseo:\n  title: nested\ntitle:\n---\nT\n",
                &[("p", "T")],
                None,
                0,
            ),
            (
                "---\n# comment\nkey: v\n- item\n---\nT\n",
                &[("p", "T")],
                None,
                0,
            ),
        ];
        for (src, want, lang, warnings) in table {
            let x = extract(src);
            let got: Vec<(String, String)> = x
                .blocks
                .iter()
                .map(|b| (b.name.clone(), show(&b.pieces)))
                .collect();
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(n, p)| (n.to_string(), p.to_string()))
                .collect();
            assert_eq!(got, want, "{src:?}");
            assert_eq!(x.lang.as_deref(), lang, "{src:?}");
            assert_eq!(x.warnings.len(), warnings, "{src:?}: {:?}", x.warnings);
            if let Some(b) = x.blocks.iter().find(|b| b.restype == "x-front-matter") {
                assert!(b.name == "title" || b.name == "description");
            }
        }
    }
}
