//! Translation of Java/ICU regular expressions (as SRX files write them) into the syntax of the
//! Rust engines (`regex-automata`, and `fancy-regex` for look-around and back-references).
//!
//! Pure string rewriting; depends on nothing.

/// Rewrites a Java/ICU pattern into Rust regex syntax.
///
/// What changes: `\uXXXX`, `\0ooo`, `\e`, `\a`, `\cX` become `\x{..}`; `\Q..\E` is quoted;
/// `\h`, `\H`, `\v`, `\V`, `\R` become classes; `\Z` becomes `\z`; Java property names
/// (`\p{IsLatin}`, `\p{InGreek}`, `\p{javaLowerCase}`, POSIX `\p{Lower}`) become Unicode
/// properties or classes; a `{` that does not start a quantifier is escaped; the Java-only flags
/// `U` and `d` are dropped. Everything else is passed through unchanged.
pub fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut class_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let n = chars[i + 1];
                i += 2;
                match n {
                    'u' if i + 4 <= chars.len()
                        && chars[i..i + 4].iter().all(char::is_ascii_hexdigit) =>
                    {
                        out.push_str("\\x{");
                        out.extend(&chars[i..i + 4]);
                        out.push('}');
                        i += 4;
                    }
                    '0' => {
                        let mut j = i;
                        while j < chars.len() && j < i + 3 && ('0'..='7').contains(&chars[j]) {
                            j += 1;
                        }
                        let digits: String = chars[i..j].iter().collect();
                        let v = u32::from_str_radix(&digits, 8).unwrap_or(0);
                        out.push_str(&format!("\\x{{{v:X}}}"));
                        i = j;
                    }
                    'e' => out.push_str("\\x{1B}"),
                    'a' => out.push_str("\\x{7}"),
                    'c' if i < chars.len() => {
                        let v = (chars[i] as u32) ^ 0x40;
                        out.push_str(&format!("\\x{{{v:X}}}"));
                        i += 1;
                    }
                    'Q' => {
                        let mut j = i;
                        while j < chars.len()
                            && !(chars[j] == '\\' && chars.get(j + 1) == Some(&'E'))
                        {
                            push_escaped(&mut out, chars[j]);
                            j += 1;
                        }
                        i = (j + 2).min(chars.len());
                    }
                    'h' => out.push_str(HSPACE),
                    'H' => out.push_str(NOT_HSPACE),
                    'v' => out.push_str(VSPACE),
                    'V' => out.push_str(NOT_VSPACE),
                    'R' if class_depth == 0 => {
                        out.push_str("(?:\\r\\n|[\\n\\x0B\\f\\r\\x{85}\\x{2028}\\x{2029}])")
                    }
                    'Z' => out.push_str("\\z"),
                    'G' => {}
                    'p' | 'P' if i < chars.len() && chars[i] == '{' => {
                        let close = chars[i..].iter().position(|&c| c == '}').map(|k| i + k);
                        match close {
                            Some(end) => {
                                let name: String = chars[i + 1..end].iter().collect();
                                out.push_str(&property(&name, n == 'P'));
                                i = end + 1;
                            }
                            None => {
                                out.push('\\');
                                out.push(n);
                            }
                        }
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
                // In Java a `-` right after a class escape inside brackets (`[\p{Ps}-–]`,
                // `[\d-]`) is a literal hyphen; Rust would read a range.
                if class_depth > 0
                    && matches!(
                        n,
                        'p' | 'P' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'h' | 'H' | 'v' | 'V'
                    )
                    && chars.get(i) == Some(&'-')
                    && chars.get(i + 1).is_some_and(|&c| c != ']')
                {
                    out.push_str("\\-");
                    i += 1;
                }
                continue;
            }
            '[' => {
                class_depth += 1;
                out.push('[');
                i += 1;
                // A `]` or `^]` right after the opening bracket is literal in Java.
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                continue;
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '{' if class_depth == 0 && !is_quantifier(&chars[i..]) => out.push_str("\\{"),
            '}' if class_depth == 0 => {
                // A `}` that closes a quantifier was copied with it; a lone one is literal.
                out.push_str("\\}");
            }
            '{' if class_depth == 0 => {
                let end = i + chars[i..].iter().position(|&c| c == '}').unwrap_or(0);
                out.extend(&chars[i..=end]);
                i = end + 1;
                continue;
            }
            '(' if class_depth == 0 && chars.get(i + 1) == Some(&'?') => {
                // Inline flags: drop Java-only `U` (Unicode classes: always on here) and `d`.
                let mut j = i + 2;
                while j < chars.len() && (chars[j].is_ascii_alphabetic() || chars[j] == '-') {
                    j += 1;
                }
                if j > i + 2 && matches!(chars.get(j), Some(')') | Some(':')) {
                    let flags: String = chars[i + 2..j]
                        .iter()
                        .filter(|c| !matches!(c, 'U' | 'd'))
                        .collect();
                    let close = chars[j];
                    if flags.is_empty() || flags == "-" {
                        if close == ':' {
                            out.push_str("(?:");
                        }
                        // `(?U)` alone: nothing to write.
                    } else {
                        out.push_str("(?");
                        out.push_str(&flags);
                        out.push(close);
                    }
                    i = j + 1;
                    continue;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

const HSPACE: &str =
    "[\\t \\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]";
const NOT_HSPACE: &str =
    "[^\\t \\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]";
const VSPACE: &str = "[\\n\\x0B\\f\\r\\x{85}\\x{2028}\\x{2029}]";
const NOT_VSPACE: &str = "[^\\n\\x0B\\f\\r\\x{85}\\x{2028}\\x{2029}]";

fn is_quantifier(rest: &[char]) -> bool {
    // `{n}`, `{n,}`, `{n,m}`
    let mut j = 1;
    let mut digits = 0;
    while j < rest.len() && rest[j].is_ascii_digit() {
        j += 1;
        digits += 1;
    }
    if digits == 0 {
        return false;
    }
    if rest.get(j) == Some(&',') {
        j += 1;
        while j < rest.len() && rest[j].is_ascii_digit() {
            j += 1;
        }
    }
    rest.get(j) == Some(&'}')
}

fn push_escaped(out: &mut String, c: char) {
    if c.is_ascii_punctuation() || c == ' ' {
        out.push('\\');
    }
    out.push(c);
}

/// A Java property name as a Rust class (usable inside or outside a bracket class: Rust nests).
fn property(name: &str, negated: bool) -> String {
    let posix = match name {
        "Lower" => Some("a-z"),
        "Upper" => Some("A-Z"),
        "ASCII" => Some("\\x00-\\x7F"),
        "Alpha" => Some("a-zA-Z"),
        "Digit" => Some("0-9"),
        "Alnum" => Some("a-zA-Z0-9"),
        "Punct" => Some("!-/:-@\\[-`{-~"),
        "Graph" => Some("!-~"),
        "Print" => Some(" -~"),
        "Blank" => Some(" \\t"),
        "Cntrl" => Some("\\x00-\\x1F\\x7F"),
        "XDigit" => Some("0-9a-fA-F"),
        "Space" => Some(" \\t\\n\\x0B\\f\\r"),
        "javaLowerCase" => Some("\\p{Lowercase}"),
        "javaUpperCase" => Some("\\p{Uppercase}"),
        "javaWhitespace" | "IsWhite_Space" | "IsWhiteSpace" => Some("\\s"),
        "javaLetter" | "IsLetter" => Some("\\p{L}"),
        "javaDigit" | "IsDigit" => Some("\\p{Nd}"),
        "javaLetterOrDigit" => Some("\\p{L}\\p{Nd}"),
        "javaAlphabetic" | "IsAlphabetic" => Some("\\p{Alphabetic}"),
        "IsPunctuation" => Some("\\p{P}"),
        "IsUppercase" => Some("\\p{Uppercase}"),
        "IsLowercase" => Some("\\p{Lowercase}"),
        "InCJK_Unified_Ideographs" | "InCJKUnifiedIdeographs" => Some("\\x{4E00}-\\x{9FFF}"),
        "InHiragana" => Some("\\x{3040}-\\x{309F}"),
        "InKatakana" => Some("\\x{30A0}-\\x{30FF}"),
        "InCJK_Symbols_and_Punctuation" | "InCJKSymbolsandPunctuation" => {
            Some("\\x{3000}-\\x{303F}")
        }
        "InHalfwidth_and_Fullwidth_Forms" | "InHalfwidthandFullwidthForms" => {
            Some("\\x{FF00}-\\x{FFEF}")
        }
        "InBasic_Latin" | "InBasicLatin" => Some("\\x00-\\x7F"),
        "InLatin_1_Supplement" | "InLatin1Supplement" => Some("\\x{80}-\\x{FF}"),
        "InGeneral_Punctuation" | "InGeneralPunctuation" => Some("\\x{2000}-\\x{206F}"),
        _ => None,
    };
    let neg = if negated { "^" } else { "" };
    if let Some(body) = posix {
        return format!("[{neg}{body}]");
    }
    let stripped = name
        .strip_prefix("Is")
        .or_else(|| name.strip_prefix("In"))
        .or_else(|| name.strip_prefix("script="))
        .or_else(|| name.strip_prefix("sc="))
        .or_else(|| name.strip_prefix("general_category="))
        .or_else(|| name.strip_prefix("gc="))
        .unwrap_or(name);
    let p = if negated { 'P' } else { 'p' };
    format!("\\{p}{{{stripped}}}")
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn translates_java_syntax() {
        let cases: &[(&str, &str)] = &[
            (r"\u2019", r"\x{2019}"),
            (r"[\u3002\uff01]", r"[\x{3002}\x{ff01}]"),
            (r"\Qa.b\E", r"a\.b"),
            (r"\p{Lu}", r"\p{Lu}"),
            (r"\p{IsLatin}", r"\p{Latin}"),
            (r"\p{InGreek}", r"\p{Greek}"),
            (r"\p{Lower}", r"[a-z]"),
            (r"\P{Upper}", r"[^A-Z]"),
            (r"\p{javaLowerCase}", r"[\p{Lowercase}]"),
            (r"a{2,3}", r"a{2,3}"),
            (r"a{", r"a\{"),
            (r"x}", r"x\}"),
            (r"[{}]", r"[{}]"),
            (r"(?U)\w", r"\w"),
            (r"(?iU)a", r"(?i)a"),
            (r"(?i:a)", r"(?i:a)"),
            (r"(?=a)", r"(?=a)"),
            (r"\012", r"\x{A}"),
            (r"a\Z", r"a\z"),
            (r"[]a]", r"[\]a]"),
            (r"[\p{Ps}-–—]", r"[\p{Ps}\-–—]"),
            (r"[\d-–]+", r"[\d\-–]+"),
            (r"[\d-]", r"[\d-]"),
            ("\\.", "\\."),
            ("", ""),
        ];
        for (java, rust) in cases {
            assert_eq!(translate(java), *rust, "translating {java:?}");
        }
    }
}
