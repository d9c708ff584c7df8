//! Forms of a term: the folded forms it is matched in, acronyms and their title-cased forms,
//! and English plurals (regular and from a table of irregular ones).

use super::CaseRule;
use super::fold::fold_term;
use crate::model::Term;

/// The folded forms a written term is matched in, with the case rule of each.
pub(super) fn forms(written: &str, term: &Term) -> Vec<(String, CaseRule)> {
    let rule = if term.case_sensitive {
        CaseRule::Exact
    } else if is_acronym(written) {
        CaseRule::Acronym
    } else {
        CaseRule::Insensitive
    };
    let english = term.lang.primary() == "en";
    let proper = term.pos.as_deref().is_some_and(|p| {
        p.eq_ignore_ascii_case("propernoun") || p.eq_ignore_ascii_case("proper noun")
    });
    let mut out: Vec<(String, CaseRule)> = Vec::new();
    let mut add = |s: String| {
        if !s.is_empty() && !out.iter().any(|(f, _)| *f == s) {
            out.push((s, rule));
        }
    };
    let mut bases = vec![fold_term(written)];
    if let Some(joined) = join_letter_digit_hyphens(written) {
        bases.push(fold_term(&joined));
    }
    for base in bases {
        if english && !proper {
            for plural in plurals(&base, rule == CaseRule::Acronym) {
                add(plural);
            }
        }
        add(base);
    }
    out
}

/// Written with an ASCII capital and without any lower-case letter: `CIPG`, `COVID-19`, `G20`.
fn is_acronym(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase()) && !s.chars().any(char::is_lowercase)
}

/// The acronym with every run of four or more ASCII capitals title-cased (`Covid-19` for
/// `COVID-19`); `None` when there is no such run.
pub(super) fn title_cased(form: &str) -> Option<String> {
    let mut out = String::with_capacity(form.len());
    let mut changed = false;
    let bytes = form.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        if run >= 4 {
            out.push(bytes[i] as char);
            out.extend(
                bytes[i + 1..i + run]
                    .iter()
                    .map(|b| b.to_ascii_lowercase() as char),
            );
            changed = true;
            i += run;
        } else if run > 0 {
            out.push_str(&form[i..i + run]);
            i += run;
        } else {
            let c = form[i..]
                .chars()
                .next()
                .expect("i is on a character boundary");
            out.push(c);
            i += c.len_utf8();
        }
    }
    changed.then_some(out)
}

/// The term with hyphens between a letter and a digit left out (`COVID19` for `COVID-19`).
fn join_letter_digit_hyphens(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '-' | '\u{2010}'..='\u{2013}') && i > 0 && i + 1 < chars.len() {
            let (a, b) = (chars[i - 1], chars[i + 1]);
            if (a.is_ascii_alphabetic() && b.is_ascii_digit())
                || (a.is_ascii_digit() && b.is_ascii_alphabetic())
            {
                changed = true;
                continue;
            }
        }
        out.push(c);
    }
    changed.then_some(out)
}

/// Irregular plurals: singular, plural. A word in the table also gets its regular plural, which
/// costs nothing when it never occurs and is right for some (`indexes`, `persons`).
const IRREGULAR: &[(&str, &str)] = &[
    ("man", "men"),
    ("woman", "women"),
    ("child", "children"),
    ("person", "people"),
    ("foot", "feet"),
    ("tooth", "teeth"),
    ("goose", "geese"),
    ("mouse", "mice"),
    ("ox", "oxen"),
    ("crisis", "crises"),
    ("analysis", "analyses"),
    ("basis", "bases"),
    ("thesis", "theses"),
    ("hypothesis", "hypotheses"),
    ("diagnosis", "diagnoses"),
    ("synthesis", "syntheses"),
    ("axis", "axes"),
    ("criterion", "criteria"),
    ("phenomenon", "phenomena"),
    ("datum", "data"),
    ("medium", "media"),
    ("curriculum", "curricula"),
    ("memorandum", "memoranda"),
    ("bacterium", "bacteria"),
    ("index", "indices"),
    ("appendix", "appendices"),
    ("matrix", "matrices"),
    ("nucleus", "nuclei"),
    ("stimulus", "stimuli"),
    ("radius", "radii"),
    ("focus", "foci"),
    ("leaf", "leaves"),
    ("life", "lives"),
    ("wife", "wives"),
    ("knife", "knives"),
    ("half", "halves"),
    ("shelf", "shelves"),
    ("self", "selves"),
    ("thief", "thieves"),
    ("wolf", "wolves"),
];

/// Plurals of a folded term: its last word inflected, in the case that word is written in.
fn plurals(form: &str, acronym: bool) -> Vec<String> {
    let (head, word) = match form.rfind(' ') {
        Some(i) => form.split_at(i + 1),
        None => ("", form),
    };
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let with = |w: &str| format!("{head}{w}");
    if acronym {
        return if word.ends_with(|c: char| c.is_ascii_uppercase()) {
            vec![with(&format!("{word}s"))]
        } else {
            Vec::new()
        };
    }
    let lower = word.to_ascii_lowercase();
    let recase = |plural: &str| -> String {
        let first_upper = word.starts_with(|c: char| c.is_ascii_uppercase());
        if word.len() > 1 && word.bytes().all(|b| b.is_ascii_uppercase()) {
            plural.to_ascii_uppercase()
        } else if first_upper {
            let mut p = plural.to_string();
            p[..1].make_ascii_uppercase();
            p
        } else {
            plural.to_string()
        }
    };
    let mut out = Vec::new();
    let mut irregular = |singular_tail: &str, plural_tail: &str| {
        let stem = &lower[..lower.len() - singular_tail.len()];
        // Keep the written case of the stem, recase only what changes.
        let written_stem = &word[..stem.len()];
        let tail = recase(&format!("{stem}{plural_tail}"))[stem.len()..].to_string();
        out.push(with(&format!("{written_stem}{tail}")));
    };
    if let Some((s, p)) = IRREGULAR.iter().find(|(s, _)| *s == lower) {
        irregular(s, p);
    } else if lower.ends_with("woman") {
        irregular("woman", "women");
    } else if lower.ends_with("man") {
        irregular("man", "men");
    } else if lower.ends_with("person") {
        irregular("person", "people");
    }
    let b = lower.as_bytes();
    let last = b[b.len() - 1];
    let before = if b.len() > 1 { b[b.len() - 2] } else { 0 };
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let regular: &[&str] = match last {
        // Already plural, most likely (`affairs`, `relations`, `news`).
        b's' if !matches!(before, b's' | b'u' | b'i' | b'a') && lower.len() > 3 => &[],
        b's' | b'x' | b'z' => &["es"],
        b'h' if matches!(before, b'c' | b's') => &["es"],
        b'y' if !vowel(before) && lower.len() > 1 => &["ies"],
        b'o' if !vowel(before) => &["s", "es"],
        _ => &["s"],
    };
    for suffix in regular {
        let plural = if *suffix == "ies" {
            format!("{}ies", &lower[..lower.len() - 1])
        } else {
            format!("{lower}{suffix}")
        };
        let written = recase(&plural);
        // Keep the stem as written (`McDonald` + `s`).
        let stem_len = if *suffix == "ies" {
            word.len() - 1
        } else {
            word.len()
        };
        out.push(with(&format!(
            "{}{}",
            &word[..stem_len],
            &written[stem_len..]
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_table() {
        let table: &[(&str, bool, &[&str])] = &[
            ("policy", false, &["policies"]),
            ("key", false, &["keys"]),
            ("tax", false, &["taxes"]),
            ("church", false, &["churches"]),
            ("forum", false, &["forums"]),
            ("Foreign Minister", false, &["Foreign Ministers"]),
            ("crisis", false, &["crises", "crisises"]),
            ("Chairman", false, &["Chairmen", "Chairmans"]),
            ("foreign affairs", false, &[]),
            ("NPO", true, &["NPOs"]),
            ("COVID 19", true, &[]),
        ];
        for (form, acronym, want) in table {
            assert_eq!(plurals(form, *acronym), *want, "{form}");
        }
    }

    #[test]
    fn acronyms() {
        for (s, want) in [
            ("CIPG", true),
            ("COVID-19", true),
            ("G20", true),
            ("Covid-19", false),
            ("npo", false),
            ("程永华", false),
        ] {
            assert_eq!(is_acronym(s), want, "{s}");
        }
        assert_eq!(title_cased("COVID 19").as_deref(), Some("Covid 19"));
        assert_eq!(title_cased("NPO"), None);
    }
}
