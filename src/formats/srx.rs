//! SRX reader: parses an SRX 2.0 (or 1.0) file into the plain rules model [`SrxRules`].
//!
//! Lenient with what real tools write: a missing `segmentsubflows` or `cascade`, the Okapi
//! `okpsrx:` extension elements (ignored), SRX 1.0 files (no namespace, `<maprule>` wrappers),
//! a byte-order mark. Patterns are kept as written; compiling them is the engine's job
//! (`text::srx`). Also owns the built-in default rules (`rules/default.srx`, embedded).
//!
//! Depends only on `model` and `error`.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, ErrorKind, Location, Result};
use crate::formats::xml;
use crate::model::{LanguageMap, LanguageRule, SrxPosition, SrxRule, SrxRules};

/// The built-in rules, as shipped in `rules/default.srx`.
pub const DEFAULT_SRX: &str = include_str!("../../rules/default.srx");

/// The name the built-in rules carry in messages.
pub const DEFAULT_SRX_NAME: &str = "<built-in default.srx>";

/// Parses the built-in default rules.
pub fn default_rules() -> Result<SrxRules> {
    parse(DEFAULT_SRX, DEFAULT_SRX_NAME)
}

/// Reads and parses the SRX file at `path`, in any encoding the XML readers accept (UTF-8, UTF-16
/// with or without a byte-order mark, a declared legacy encoding).
pub fn read_file(path: &Path) -> Result<SrxRules> {
    let input = xml::open_input(path)?;
    parse_input(input, Some(path))
}

/// Parses SRX from `text`; `path` names the file in messages.
///
/// ```
/// let srx = r#"<srx version="2.0"><header/><body><languagerules>
///   <languagerule languagerulename="Default">
///     <rule break="no"><beforebreak>Mr\.</beforebreak><afterbreak>\s</afterbreak></rule>
///   </languagerule></languagerules>
///   <maprules><languagemap languagepattern=".*" languagerulename="Default"/></maprules>
/// </body></srx>"#;
/// let rules = tmkit::formats::srx::parse(srx, "example.srx").unwrap();
/// assert_eq!(rules.language_rules[0].rules[0].before, r"Mr\.");
/// assert!(!rules.language_rules[0].rules[0].is_break);
/// ```
pub fn parse(text: &str, path: &str) -> Result<SrxRules> {
    let bytes = text.as_bytes().to_vec();
    let input = xml::input_from_reader(Box::new(std::io::Cursor::new(bytes)), path.to_string())?;
    parse_input(input, None)
}

/// Parses SRX from an opened XML input: the shared well-formed event source refuses what is not
/// XML 1.0 (bad characters, duplicated attributes, a truncated file) with its location.
fn parse_input(input: xml::Input, path: Option<&Path>) -> Result<SrxRules> {
    let mut ev = xml::Events::new(input, path.map(Path::to_path_buf));
    let mut buf = Vec::new();
    let mut rules = SrxRules {
        path: ev.name.clone(),
        ..SrxRules::default()
    };
    let mut saw_srx = false;
    // Which pattern element we are inside, if any.
    let mut in_pattern: Option<bool> = None; // Some(true) = beforebreak
    let mut current_rule: Option<SrxRule> = None;
    let mut current_lang: Option<LanguageRule> = None;
    // Open elements, to refuse a file that ends inside one.
    let mut open: Vec<String> = Vec::new();

    loop {
        let event = ev.next(&mut buf)?;
        let here = ev.here();
        let at = || SrxPosition {
            path: here.path.clone(),
            line: here.line,
            column: here.column,
        };
        let (event, is_empty) = match event {
            Event::Empty(e) => (Event::Start(e), true),
            other => (other, false),
        };
        match event {
            Event::Start(e) => {
                let name = local(&e);
                if !is_empty {
                    open.push(e.name().as_ref().to_string());
                }
                let attrs = ev.attributes(&e)?;
                let attr = |name: &str| -> Option<String> {
                    attrs
                        .iter()
                        .find(|(k, _)| k.rsplit(':').next() == Some(name))
                        .map(|(_, v)| v.clone())
                };
                let yes_no = |name: &str, default: bool| -> Result<bool> {
                    match attr(name) {
                        None => Ok(default),
                        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                            "yes" | "true" => Ok(true),
                            "no" | "false" => Ok(false),
                            _ => Err(srx_error(
                                at(),
                                "",
                                "",
                                &format!("{name}={v:?} is neither \"yes\" nor \"no\""),
                            )),
                        },
                    }
                };
                match name.as_str() {
                    "srx" => {
                        saw_srx = true;
                        rules.version = attr("version").unwrap_or_default();
                    }
                    "header" => {
                        rules.segment_subflows = yes_no("segmentsubflows", true)?;
                        rules.cascade = yes_no("cascade", false)?;
                    }
                    "languagerule" => {
                        let name = attr("languagerulename").ok_or_else(|| {
                            srx_error(at(), "", "", "<languagerule> has no languagerulename")
                        })?;
                        let lang = LanguageRule {
                            name,
                            rules: Vec::new(),
                        };
                        if is_empty {
                            rules.language_rules.push(lang);
                        } else {
                            current_lang = Some(lang);
                        }
                    }
                    "rule" => {
                        let is_break = yes_no("break", true)?;
                        let rule = SrxRule {
                            is_break,
                            position: at(),
                            ..SrxRule::default()
                        };
                        match current_lang.as_mut() {
                            Some(lang) if is_empty => lang.rules.push(rule),
                            Some(_) => current_rule = Some(rule),
                            None => {
                                return Err(srx_error(
                                    at(),
                                    "",
                                    "",
                                    "<rule> outside <languagerule>",
                                ));
                            }
                        }
                    }
                    "beforebreak" | "afterbreak" if current_rule.is_some() && !is_empty => {
                        in_pattern = Some(name == "beforebreak");
                    }
                    "languagemap" => {
                        let pattern = attr("languagepattern").ok_or_else(|| {
                            srx_error(at(), "", "", "<languagemap> has no languagepattern")
                        })?;
                        let rule_name = attr("languagerulename").ok_or_else(|| {
                            srx_error(at(), "", "", "<languagemap> has no languagerulename")
                        })?;
                        rules.maps.push(LanguageMap {
                            pattern,
                            rule_name,
                            position: at(),
                        });
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                open.pop();
                let name = e.local_name().as_ref().to_string();
                match name.as_str() {
                    "beforebreak" | "afterbreak" => in_pattern = None,
                    "rule" => {
                        if let (Some(rule), Some(lang)) =
                            (current_rule.take(), current_lang.as_mut())
                        {
                            lang.rules.push(rule);
                        }
                    }
                    "languagerule" => {
                        if let Some(lang) = current_lang.take() {
                            rules.language_rules.push(lang);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                ev.check_chars(&t)?;
                if let (Some(before), Some(rule)) = (in_pattern, current_rule.as_mut()) {
                    push_pattern(rule, before, &t);
                }
            }
            Event::CData(t) => {
                let t = t.xml10_content();
                ev.check_chars(&t)?;
                if let (Some(before), Some(rule)) = (in_pattern, current_rule.as_mut()) {
                    push_pattern(rule, before, &t);
                }
            }
            Event::GeneralRef(r) => {
                let c = ev.resolve_ref(&r)?;
                if let (Some(before), Some(rule)) = (in_pattern, current_rule.as_mut()) {
                    let mut buf = [0u8; 4];
                    push_pattern(rule, before, c.encode_utf8(&mut buf));
                }
            }
            Event::DocType(d) => {
                if let Some(name) = xml::declared_entity(&d) {
                    return Err(ErrorKind::EntityDeclared {
                        location: here,
                        name,
                    }
                    .into());
                }
            }
            Event::Eof => {
                if let Some(name) = open.last() {
                    return Err(ErrorKind::Xml {
                        location: here,
                        message: format!("<{name}> is never closed (the file may be truncated)"),
                    }
                    .into());
                }
                if ev.at_start() {
                    return Err(srx_error(
                        at(),
                        "",
                        "",
                        "the file is empty: expected an SRX document",
                    ));
                }
                break;
            }
            _ => {}
        }
    }
    if !saw_srx {
        return Err(srx_error(
            SrxPosition {
                path: rules.path.clone(),
                line: 1,
                column: 1,
            },
            "",
            "",
            "not an SRX file: no <srx> element",
        ));
    }
    Ok(rules)
}

fn push_pattern(rule: &mut SrxRule, before: bool, s: &str) {
    if before {
        rule.before.push_str(s);
    } else {
        rule.after.push_str(s);
    }
}

fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

fn srx_error(location: SrxPosition, rule: &str, pattern: &str, message: &str) -> Error {
    ErrorKind::Srx {
        location: Location {
            path: location.path,
            line: location.line,
            column: location.column,
        },
        rule: rule.to_string(),
        pattern: pattern.to_string(),
        message: message.to_string(),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rules_maps_and_header() {
        let srx = "<?xml version=\"1.0\"?>\n<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">\n\
            <header cascade=\"yes\"/>\n<body><languagerules>\n\
            <languagerule languagerulename=\"A\">\n\
            <rule break=\"no\"><beforebreak>Mr\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n\
            <rule><beforebreak>[.?!]&amp;&#x2019;</beforebreak><afterbreak/></rule>\n\
            <rule break=\"yes\"/>\n\
            </languagerule>\n<languagerule languagerulename=\"B\"/>\n</languagerules>\n\
            <maprules><languagemap languagepattern=\"EN.*\" languagerulename=\"A\"/></maprules></body></srx>";
        let r = parse(srx, "t.srx").unwrap();
        assert_eq!(r.version, "2.0");
        assert!(r.cascade);
        assert!(
            r.segment_subflows,
            "a missing segmentsubflows defaults to yes"
        );
        assert_eq!(r.language_rules.len(), 2);
        let a = &r.language_rules[0];
        assert_eq!(a.rules.len(), 3);
        assert_eq!(
            (a.rules[0].is_break, a.rules[0].before.as_str()),
            (false, "Mr\\.")
        );
        assert_eq!(a.rules[1].before, "[.?!]&\u{2019}");
        assert!(a.rules[1].is_break && a.rules[1].after.is_empty());
        assert_eq!(
            (a.rules[0].position.line, a.rules[0].position.column),
            (6, 1)
        );
        assert_eq!(r.maps[0].pattern, "EN.*");
        assert_eq!(r.maps[0].rule_name, "A");
    }

    #[test]
    fn srx_1_0_maprule_wrapper_and_no_namespace() {
        let srx = "<srx version=\"1.0\"><header segmentsubflows=\"yes\"/><body><languagerules>\
            <languagerule languagerulename=\"Default\"><rule break=\"yes\"><beforebreak></beforebreak>\
            <afterbreak>\\n</afterbreak></rule></languagerule></languagerules>\
            <maprules><maprule maprulename=\"Default\"><languagemap languagepattern=\".*\" \
            languagerulename=\"Default\"/></maprule></maprules></body></srx>";
        let r = parse(srx, "t.srx").unwrap();
        assert_eq!(r.version, "1.0");
        assert!(!r.cascade);
        assert_eq!(r.language_rules[0].rules[0].after, "\\n");
        assert_eq!(r.maps.len(), 1);
    }

    #[test]
    fn bad_files_are_reported_with_location() {
        let cases: &[(&str, &str)] = &[
            (
                "<srx><body><languagerules><languagerule languagerulename=\"A\">\n<rule break=\"maybe\"/>",
                "t.srx:2:1: break=\"maybe\" is neither",
            ),
            ("<notsrx/>", "t.srx:1:1: not an SRX file"),
            ("<srx><body>\n<languagerules></body></srx>", "t.srx:2:"),
            (
                "<srx><rule/></srx>",
                "t.srx:1:6: <rule> outside <languagerule>",
            ),
        ];
        for (input, want) in cases {
            let e = parse(input, "t.srx").unwrap_err().to_string();
            assert!(
                e.starts_with(want),
                "{input:?}: got {e:?}, want prefix {want:?}"
            );
        }
    }

    #[test]
    fn default_rules_parse() {
        let r = default_rules().unwrap();
        assert!(r.language_rules.iter().any(|l| l.name == "English"));
        assert!(r.maps.iter().any(|m| m.pattern.starts_with("zh")));
    }
}
