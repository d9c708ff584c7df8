//! The inverse of `java`: SRX patterns written as Java regular expressions for OmegaT's
//! `segmentation.conf` (`beforebreak` as a bounded look-behind, `afterbreak` as a look-ahead,
//! script names as Java spells them), and texts as Java regex literals.

use std::fmt::Write as _;

/// Longest run a bounded `*`, `+` or `{n,}` in a look-behind may match (Java wants a bound).
const LOOKBEHIND_BOUND: usize = 64;

/// `beforebreak` for OmegaT: the text ending at the position, as a look-behind.
pub(crate) fn java_before(pattern: &str) -> String {
    format!(
        "(?U)(?<={})",
        bound_quantifiers(&java_properties(pattern), LOOKBEHIND_BOUND)
    )
}

/// `afterbreak` for OmegaT: the text starting at the position, as a look-ahead.
pub(crate) fn java_after(pattern: &str) -> String {
    format!("(?U)(?={})", java_properties(pattern))
}

/// Java names scripts `IsHan`, not `Han`: adds `Is` to property names that are not general
/// categories or already qualified.
fn java_properties(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if matches!(n, 'p' | 'P')
                && chars.get(i + 2) == Some(&'{')
                && let Some(len) = chars[i + 3..].iter().position(|&c| c == '}')
            {
                let name: String = chars[i + 3..i + 3 + len].iter().collect();
                let _ = write!(out, "\\{n}{{{}}}", java_property_name(&name));
                i += 4 + len;
                continue;
            }
            if n == 'Q' {
                let rest: String = chars[i..].iter().collect();
                let end = rest.find("\\E").map_or(rest.len(), |e| e + 2);
                out.push_str(&rest[..end]);
                i += rest[..end].chars().count();
                continue;
            }
            out.push(c);
            out.push(n);
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn java_property_name(name: &str) -> String {
    const CATEGORIES: [&str; 38] = [
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P",
        "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl",
        "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    ];
    const POSIX: [&str; 13] = [
        "Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print", "Blank",
        "Cntrl", "XDigit", "Space",
    ];
    let qualified = name.starts_with("Is")
        || name.starts_with("In")
        || name.starts_with("java")
        || name.contains('=');
    if qualified || CATEGORIES.contains(&name) || POSIX.contains(&name) {
        name.to_string()
    } else {
        format!("Is{name}")
    }
}

/// Rewrites a pattern so that Java accepts it in a look-behind, which needs a maximum length:
/// `*`, `+` and `{n,}` get the bound `max`; a group under a counted quantifier is written out
/// (`(?:a|bc){1,3}` as `(?:a|bc)(?:(?:a|bc)(?:(?:a|bc))?)?`), since Java cannot bound a repeated
/// group of varying length, with at most [`GROUP_BOUND`] optional copies.
fn bound_quantifiers(pattern: &str, max: usize) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    bound_sequence(&chars, &mut i, max)
}

/// Optional copies written out for an unbounded quantifier on a group.
const GROUP_BOUND: usize = 8;

/// Processes `chars[*i..]` up to an unmatched `)` (left unconsumed) or the end.
fn bound_sequence(chars: &[char], i: &mut usize, max: usize) -> String {
    let mut out = String::new();
    // The last atom written (its text and whether it is a group) and where it starts in `out`.
    let mut last: Option<(usize, bool)> = None;
    while *i < chars.len() {
        let c = chars[*i];
        let atom_start = out.len();
        match c {
            ')' => break,
            '\\' if *i + 1 < chars.len() => {
                let n = chars[*i + 1];
                let len = if n == 'Q' {
                    let rest: String = chars[*i..].iter().collect();
                    let end = rest.find("\\E").map_or(rest.len(), |e| e + 2);
                    rest[..end].chars().count()
                } else if matches!(n, 'p' | 'P' | 'x' | 'N') && chars.get(*i + 2) == Some(&'{') {
                    chars[*i + 2..]
                        .iter()
                        .position(|&c| c == '}')
                        .map_or(chars.len() - *i, |p| p + 3)
                } else {
                    2
                };
                out.extend(&chars[*i..*i + len]);
                *i += len;
                last = Some((atom_start, false));
            }
            '[' => {
                let mut depth = 0usize;
                let mut j = *i;
                while j < chars.len() {
                    match chars[j] {
                        '\\' => j += 1,
                        '[' => depth += 1,
                        ']' if j > *i + 1 && !(j == *i + 2 && chars[*i + 1] == '^') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let end = (j + 1).min(chars.len());
                out.extend(&chars[*i..end]);
                *i = end;
                last = Some((atom_start, false));
            }
            '(' => {
                out.push('(');
                *i += 1;
                if chars.get(*i) == Some(&'?') {
                    // The group's kind: (?: (?= (?! (?> (?<= (?<! (?<name> or flags.
                    let rest: String = chars[*i..].iter().take(3).collect();
                    let len = if rest.starts_with("?<=") || rest.starts_with("?<!") {
                        3
                    } else if rest.starts_with("?<") {
                        chars[*i..]
                            .iter()
                            .position(|&c| c == '>')
                            .map_or(2, |p| p + 1)
                    } else {
                        chars[*i..]
                            .iter()
                            .position(|&c| c == ':' || c == ')' || c == '=' || c == '!' || c == '>')
                            .map_or(1, |p| if chars[*i + p] == ')' { p } else { p + 1 })
                    };
                    out.extend(&chars[*i..*i + len]);
                    *i += len;
                }
                out.push_str(&bound_sequence(chars, i, max));
                if *i < chars.len() {
                    out.push(')');
                    *i += 1;
                }
                last = Some((atom_start, true));
            }
            '*' | '+' | '?' | '{' => {
                let (quant_len, min, upper) = match c {
                    '*' => (1, 0, None),
                    '+' => (1, 1, None),
                    '?' => (1, 0, Some(1)),
                    _ => match counted(&chars[*i..]) {
                        Some(q) => q,
                        None => {
                            out.push(c);
                            *i += 1;
                            last = Some((atom_start, false));
                            continue;
                        }
                    },
                };
                *i += quant_len;
                // A lazy or possessive modifier does not change whether a match exists.
                if matches!(chars.get(*i), Some('?' | '+')) {
                    *i += 1;
                }
                let Some((at, is_group)) = last.take() else {
                    out.push(c);
                    continue;
                };
                if upper == Some(1) && min == 0 {
                    out.push('?');
                } else if is_group {
                    let group = out[at..].to_string();
                    let upper = upper.unwrap_or(min + GROUP_BOUND);
                    for _ in 1..min {
                        out.push_str(&group);
                    }
                    if min == 0 {
                        out.truncate(at);
                    }
                    let mut optional = String::new();
                    for _ in min..upper {
                        optional = format!("(?:{group}{optional})?");
                    }
                    out.push_str(&optional);
                } else {
                    let upper = upper.unwrap_or(max.max(min));
                    if min == upper {
                        let _ = write!(out, "{{{min}}}");
                    } else {
                        let _ = write!(out, "{{{min},{upper}}}");
                    }
                }
            }
            _ => {
                out.push(c);
                *i += 1;
                last = Some((atom_start, false));
            }
        }
    }
    out
}

/// A counted quantifier `{n}`, `{n,}` or `{n,m}` at the start of `chars`: its length, minimum and
/// maximum (`None`: unbounded).
fn counted(chars: &[char]) -> Option<(usize, usize, Option<usize>)> {
    let close = chars.iter().position(|&c| c == '}')?;
    let body: String = chars[1..close].iter().collect();
    let (min, max) = match body.split_once(',') {
        Some((a, b)) => (
            a.parse().ok()?,
            if b.is_empty() {
                None
            } else {
                Some(b.parse().ok()?)
            },
        ),
        None => {
            let n = body.parse().ok()?;
            (n, Some(n))
        }
    };
    Some((close + 1, min, max))
}

/// `text` as a Java regex that matches it literally: ASCII punctuation escaped, white space,
/// control characters and the characters XML cannot hold (U+FFFE, U+FFFF) as `\uXXXX` (or
/// `\x{...}`), everything else as is. The rules go into an XML file that Java reads without
/// processing instructions, so nothing there may need one.
pub(crate) fn regex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_alphanumeric()
            || (!c.is_ascii()
                && !c.is_whitespace()
                && !c.is_control()
                // Of the other characters outside ASCII, XML 1.0 (production Char) leaves out
                // only these two.
                && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        {
            out.push(c);
        } else if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if (c as u32) <= 0xFFFF {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            let _ = write!(out, "\\x{{{:X}}}", c as u32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantifiers_are_bounded_for_java_look_behinds() {
        let table = [
            (r"a*b+", "a{0,64}b{1,64}"),
            (r"a{2,}c{1,3}d{2}", "a{2,64}c{1,3}d{2}"),
            (r"[*+]\*\p{Lu}+", r"[*+]\*\p{Lu}{1,64}"),
            (r"a*?b++", "a{0,64}b{1,64}"),
            (r"(?:ab)?x?", "(?:ab)?x?"),
            (r"(?:a|bc){1,3}", "(?:a|bc)(?:(?:a|bc)(?:(?:a|bc))?)?"),
            (r"(?:a|bc){2}", "(?:a|bc)(?:a|bc)"),
            (
                r"(?:x)*",
                "(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x)(?:(?:x))?)?)?)?)?)?)?)?",
            ),
            (r"(?:[ ]?\.){2,3}", r"(?:[ ]?\.)(?:[ ]?\.)(?:(?:[ ]?\.))?"),
            (r"[]a*]+", "[]a*]{1,64}"),
            (r"\Qa*\E+", r"\Qa*\E{1,64}"),
            (r"(?<=x)y{3,}", "(?<=x)y{3,64}"),
            (r"^\s*[(\[]?", r"^\s{0,64}[(\[]?"),
        ];
        for (input, expected) in table {
            assert_eq!(bound_quantifiers(input, 64), expected, "{input}");
        }
    }

    #[test]
    fn property_names_are_written_as_java_reads_them() {
        let table = [
            (
                r"\p{Han}\p{Lu}\P{Hiragana}",
                r"\p{IsHan}\p{Lu}\P{IsHiragana}",
            ),
            (
                r"\p{IsLatin}\p{InGreek}\p{L}",
                r"\p{IsLatin}\p{InGreek}\p{L}",
            ),
            (r"\Q\p{Han}\E", r"\Q\p{Han}\E"),
        ];
        for (input, expected) in table {
            assert_eq!(java_properties(input), expected, "{input}");
        }
    }

    #[test]
    fn literals_are_escaped_for_java() {
        let table = [
            ("Nov. 30", r"Nov\.\u002030"),
            ("a\u{a0}“b”\n", r"a\u00A0“b”\u000A"),
            ("(x)[y]{z}", r"\(x\)\[y\]\{z\}"),
            ("a\u{b}\u{ffff}\u{1f600}", r"a\u000B\uFFFF😀"),
        ];
        for (input, expected) in table {
            assert_eq!(regex_literal(input), expected, "{input}");
        }
    }
}
