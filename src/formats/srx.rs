//! SRX reader: parses an SRX 2.0 (or 1.0) file into the plain rules model [`SrxRules`].
//!
//! Lenient with what real tools write: a missing `segmentsubflows` or `cascade`, the Okapi
//! `okpsrx:` extension elements (ignored), SRX 1.0 files (no namespace, `<maprule>` wrappers),
//! a byte-order mark. Patterns are kept as written; compiling them is the engine's job
//! (`text::srx`). Also owns the built-in default rules (`rules/default.srx`, embedded).
//!
//! Depends only on `model` and `error`.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::{LanguageMap, LanguageRule, SrxPosition, SrxRule, SrxRules};

/// The built-in rules, as shipped in `rules/default.srx`.
pub const DEFAULT_SRX: &str = include_str!("../../rules/default.srx");

/// The name the built-in rules carry in messages.
pub const DEFAULT_SRX_NAME: &str = "<built-in default.srx>";

/// Parses the built-in default rules.
pub fn default_rules() -> Result<SrxRules> {
    parse(DEFAULT_SRX, DEFAULT_SRX_NAME)
}

/// Reads and parses the SRX file at `path`.
pub fn read_file(path: &Path) -> Result<SrxRules> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let name = path.display().to_string();
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        forget_line_starts();
        let (line, column) = line_column(&String::from_utf8_lossy(&bytes), e.valid_up_to());
        Error::from(ErrorKind::Encoding {
            location: Location {
                path: name.clone(),
                line,
                column,
            },
            message: format!(
                "SRX file is not valid UTF-8 at byte offset {}",
                e.valid_up_to()
            ),
        })
    })?;
    parse(text, &name)
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
    forget_line_starts();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    let mut rules = SrxRules {
        path: path.to_string(),
        ..SrxRules::default()
    };
    let mut saw_srx = false;
    // Which pattern element we are inside, if any.
    let mut in_pattern: Option<bool> = None; // Some(true) = beforebreak
    let mut current_rule: Option<SrxRule> = None;
    let mut current_lang: Option<LanguageRule> = None;
    let mut last_error_pos = 0u64;

    loop {
        let start = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = reader.error_position().max(last_error_pos);
                return Err(xml_error(text, path, at, e.to_string()));
            }
        };
        last_error_pos = start;
        let at = || position(text, path, start);
        let (event, is_empty) = match event {
            Event::Empty(e) => (Event::Start(e), true),
            other => (other, false),
        };
        match event {
            Event::Start(e) => {
                let name = local(&e);
                match name.as_str() {
                    "srx" => {
                        saw_srx = true;
                        rules.version = attr(&e, "version", text, path, start)?.unwrap_or_default();
                    }
                    "header" => {
                        rules.segment_subflows =
                            yes_no(&e, "segmentsubflows", true, text, path, start)?;
                        rules.cascade = yes_no(&e, "cascade", false, text, path, start)?;
                    }
                    "languagerule" => {
                        let name =
                            attr(&e, "languagerulename", text, path, start)?.ok_or_else(|| {
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
                        let is_break = yes_no(&e, "break", true, text, path, start)?;
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
                        let pattern =
                            attr(&e, "languagepattern", text, path, start)?.ok_or_else(|| {
                                srx_error(at(), "", "", "<languagemap> has no languagepattern")
                            })?;
                        let rule_name = attr(&e, "languagerulename", text, path, start)?
                            .ok_or_else(|| {
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
                if let (Some(before), Some(rule)) = (in_pattern, current_rule.as_mut()) {
                    push_pattern(rule, before, &t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let (Some(before), Some(rule)) = (in_pattern, current_rule.as_mut()) {
                    push_pattern(rule, before, &t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(before), Some(rule)) = (in_pattern, current_rule.as_mut()) {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => match &*r {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => {
                                return Err(srx_error(
                                    at(),
                                    "",
                                    "",
                                    &format!("unknown entity \"&{other};\""),
                                ));
                            }
                        },
                        Err(e) => return Err(srx_error(at(), "", "", &e.to_string())),
                    };
                    let mut buf = [0u8; 4];
                    push_pattern(rule, before, c.encode_utf8(&mut buf));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_srx {
        return Err(srx_error(
            position(text, path, 0),
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

fn attr(
    e: &BytesStart<'_>,
    name: &str,
    text: &str,
    path: &str,
    start: u64,
) -> Result<Option<String>> {
    for a in e.attributes() {
        let a = a.map_err(|err| xml_error(text, path, start, err.to_string()))?;
        if a.key.local_name().as_ref() == name {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| xml_error(text, path, start, err.to_string()))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

fn yes_no(
    e: &BytesStart<'_>,
    name: &str,
    default: bool,
    text: &str,
    path: &str,
    start: u64,
) -> Result<bool> {
    match attr(e, name, text, path, start)? {
        None => Ok(default),
        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" => Ok(true),
            "no" | "false" => Ok(false),
            _ => Err(srx_error(
                position(text, path, start),
                "",
                "",
                &format!("{name}={v:?} is neither \"yes\" nor \"no\""),
            )),
        },
    }
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

fn xml_error(text: &str, path: &str, at: u64, message: String) -> Error {
    let p = position(text, path, at);
    ErrorKind::Xml {
        location: Location {
            path: p.path,
            line: p.line,
            column: p.column,
        },
        message,
    }
    .into()
}

fn position(text: &str, path: &str, at: u64) -> SrxPosition {
    let at = usize::try_from(at).unwrap_or(usize::MAX);
    let (line, column) = line_column(text, at);
    SrxPosition {
        path: path.to_string(),
        line,
        column,
    }
}

thread_local! {
    /// The line starts of the text last located in: its address, its length, the starts. The
    /// address and length tell texts apart only while the text is borrowed, so every new text
    /// (each [`parse`]) starts with [`forget_line_starts`]: another text may later sit at the same
    /// address with the same length.
    static INDEX: std::cell::RefCell<(usize, usize, Vec<usize>)> =
        const { std::cell::RefCell::new((0, 0, Vec::new())) };
}

/// Drops the cached line starts (see [`INDEX`]).
fn forget_line_starts() {
    INDEX.with(|cell| *cell.borrow_mut() = (0, 0, Vec::new()));
}

/// 1-based line and character column of byte offset `at` in `text`.
///
/// Counting runs from the start of the line only; the line number comes from a cached index of
/// line starts, so positions for every rule of a large file cost linear time overall.
fn line_column(text: &str, at: usize) -> (u64, u64) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    INDEX.with(|cell| {
        let mut cache = cell.borrow_mut();
        let key = (text.as_ptr() as usize, text.len());
        if (cache.0, cache.1) != key {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect();
            *cache = (key.0, key.1, starts);
        }
        let starts = &cache.2;
        let line = starts.partition_point(|&s| s <= at);
        let line_start = starts[line - 1];
        let column = text[line_start..at].chars().count() as u64 + 1;
        (line as u64, column)
    })
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
