//! Streaming TBX reader (v2 and v3, DCA and DCT).

use std::path::{Path, PathBuf};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::{CASE_SENSITIVE_TYPE, POS_TYPE, Problem, VARIANT_TYPE, Version};
use crate::error::{ErrorKind, Result};
use crate::formats::xml::{self, Format, Input, Xml};
use crate::formats::{Item, ItemReader};
use crate::model::{Lang, Term, TermEntry, TermStatus};

/// Reads TBX concepts one at a time, into [`TermEntry`]s. See the [module](super) for what is read.
///
/// ```
/// use tmkit::formats::{Item, input_from_reader, tbx};
/// use tmkit::model::{TermEntry, TermStatus};
/// let doc = r#"<tbx type="TBX-Basic" style="dca" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
///   <conceptEntry id="c1"><langSec xml:lang="en"><termSec><term>open cluster</term>
///     <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec></langSec>
///   </conceptEntry></body></text></tbx>"#;
/// let input = input_from_reader(Box::new(doc.as_bytes()), "astro.tbx".into())?;
/// let mut reader = tbx::Reader::from_input(input)?;
/// let mut entry = TermEntry::default();
/// assert_eq!(reader.read_entry(&mut entry)?, Item::Unit);
/// assert_eq!(entry.terms[0].text, "open cluster");
/// assert_eq!(entry.terms[0].status, TermStatus::Admitted);
/// assert_eq!(reader.read_entry(&mut entry)?, Item::End);
/// # Ok::<(), tmkit::Error>(())
/// ```
pub struct Reader {
    xml: Xml,
    buf: Vec<u8>,
    version: Version,
    dialect: Option<String>,
    root: String,
    finished: bool,
    encoding: xml::InputEncoding,
    raw_bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Where the entry last read starts.
    entry_location: Option<crate::error::Location>,
    /// The file is TBX v3 TBX-Basic: concepts that break the dialect's rules are skipped.
    basic: bool,
}

/// Where in a concept an element stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Concept,
    Lang,
    Term,
}

#[derive(Default)]
struct TermDraft {
    text: String,
    status: Option<TermStatus>,
    /// Whether the status came from `administrativeStatus` (which wins over the others).
    admin_status: bool,
    pos: Option<String>,
    notes: Vec<String>,
    case_sensitive: bool,
    variants: Vec<String>,
}

#[derive(Default)]
struct ConceptDraft {
    subject: Option<String>,
    definition: Option<String>,
    lang_definition: Option<String>,
    notes: Vec<String>,
    /// Notes of the language section being read.
    lang_notes: Vec<String>,
    /// Terms of the language section being read.
    lang_terms: Vec<TermDraft>,
    problem: Option<Problem>,
}

/// Elements that only group others: their children are read as if they stood one level up.
const GROUPS: [&str; 5] = [
    "descripGrp",
    "termGrp",
    "termNoteGrp",
    "adminGrp",
    "noteGrp",
];
/// Elements whose `type` attribute names the data category.
const TYPED: [&str; 10] = [
    "descrip",
    "termNote",
    "admin",
    "descripNote",
    "adminNote",
    "termCompList",
    "transac",
    "transacNote",
    "ref",
    "xref",
];

impl Reader {
    /// Opens a TBX file and reads up to its first concept.
    pub fn open(path: &Path) -> Result<Reader> {
        let input = xml::open_input(path)?;
        Reader::new(input, Some(path.to_path_buf()))
    }

    /// Reads TBX from an opened input (see [`xml::input_from_reader`]) up to its first concept.
    pub fn from_input(input: Input) -> Result<Reader> {
        Reader::new(input, None)
    }

    fn new(input: Input, path: Option<PathBuf>) -> Result<Reader> {
        let raw_bytes = input.raw_bytes.clone();
        let encoding = input.encoding;
        let mut this = Reader {
            xml: Xml::new(input, path, Format::Tbx),
            buf: Vec::with_capacity(4096),
            version: Version::V3,
            dialect: None,
            root: String::new(),
            finished: false,
            encoding,
            raw_bytes,
            entry_location: None,
            basic: false,
        };
        this.read_prolog()?;
        if !this.finished && !this.advance_to_body()? {
            this.finished = true;
        }
        Ok(this)
    }

    /// TBX v2 (`martif`) or v3 (`tbx`).
    pub fn version(&self) -> Version {
        self.version
    }

    /// The root's `type` attribute: `TBX`, `TBX-Basic`, `TBX-Min`, `TBX-Default`, ...
    pub fn dialect(&self) -> Option<&str> {
        self.dialect.as_deref()
    }

    /// Whether concepts are checked against TBX-Basic's rules (a TBX v3 file of type TBX-Basic;
    /// see the [module](super)).
    pub fn checks_basic_rules(&self) -> bool {
        self.basic
    }

    /// The encoding the input was read in.
    pub fn encoding(&self) -> xml::InputEncoding {
        self.encoding
    }

    /// The name the input is reported under.
    pub fn name(&self) -> &str {
        &self.xml.ev.name
    }

    /// Bytes of the input file read so far (for progress reporting).
    pub fn bytes_read(&self) -> u64 {
        self.raw_bytes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Where the concept last returned by [`Reader::read_entry`] starts.
    pub fn entry_location(&self) -> Option<&crate::error::Location> {
        self.entry_location.as_ref()
    }

    fn read_prolog(&mut self) -> Result<()> {
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim().is_empty() => {}
                Event::DocType(d) => {
                    if let Some(name) = xml::declared_entity(&d) {
                        return Err(ErrorKind::EntityDeclared {
                            location: self.xml.here(),
                            name,
                        }
                        .into());
                    }
                }
                ref ev @ (Event::Start(ref e) | Event::Empty(ref e)) if is_root(&local(e)) => {
                    let empty = matches!(ev, Event::Empty(_));
                    self.version = if local(e) == "martif" {
                        Version::V2
                    } else {
                        Version::V3
                    };
                    self.dialect = attr(e, &self.xml, "type")?;
                    self.basic = self.version == Version::V3
                        && self
                            .dialect
                            .as_deref()
                            .is_some_and(|d| d.eq_ignore_ascii_case("TBX-Basic"));
                    self.root = e.name().as_ref().to_string();
                    if empty {
                        self.finished = true;
                        self.expect_end_of_document()?;
                    }
                    return Ok(());
                }
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    return Err(self.xml.error(format!(
                        "not a TBX file: the root element is <{name}>, expected <martif> (TBX v2) \
                         or <tbx> (TBX v3)"
                    )));
                }
                Event::Eof => {
                    let message = if self.xml.ev.at_start() {
                        "the file is empty: expected a TBX document"
                    } else {
                        "no root element: expected <martif> (TBX v2) or <tbx> (TBX v3)"
                    };
                    return Err(self.xml.error(message));
                }
                _ => {
                    return Err(self
                        .xml
                        .error("text before the root element: expected <martif> or <tbx>"));
                }
            }
        }
    }

    /// Moves to the start of the next `<body>`, skipping headers and back matter; `false` at the end
    /// of the document (which is then checked to be complete).
    fn advance_to_body(&mut self) -> Result<bool> {
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Start(e) => match local(&e).as_str() {
                    "text" => {}
                    "body" => return Ok(true),
                    _ => self.skip_element()?,
                },
                Event::End(e) if e.name().as_ref() == self.root => {
                    self.expect_end_of_document()?;
                    return Ok(false);
                }
                Event::Eof => {
                    let root = self.root.clone();
                    return Err(self.xml.error(format!(
                        "unexpected end of file: <{root}> is never closed (the file may be truncated)"
                    )));
                }
                _ => {}
            }
        }
    }

    fn expect_end_of_document(&mut self) -> Result<()> {
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Eof => return Ok(()),
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    let root = self.root.clone();
                    return Err(self
                        .xml
                        .error(format!("unexpected <{name}> after </{root}>")));
                }
                _ => {}
            }
        }
    }

    /// Reads the next concept into `entry` (its buffers are reused).
    ///
    /// A concept that cannot be used is skipped and returned as [`Item::Problem`], with where it
    /// starts (or the offending element) and why; malformed XML and a truncated file are errors.
    pub fn read_entry(&mut self, entry: &mut TermEntry) -> Result<Item> {
        loop {
            if self.finished {
                return Ok(Item::End);
            }
            match self.xml.next(&mut self.buf)? {
                Event::Start(e) if is_concept(&local(&e)) => {
                    let element = local(&e);
                    let id = attr(&e, &self.xml, "id")?;
                    let location = self.xml.here();
                    self.entry_location = Some(location.clone());
                    entry.id = id;
                    entry.subject = None;
                    entry.definition = None;
                    entry.note = None;
                    entry.terms.clear();
                    let mut draft = ConceptDraft::default();
                    self.read_children(Level::Concept, entry, &mut draft, None)?;
                    if let Some(problem) = draft.problem {
                        return Ok(Item::Problem(problem));
                    }
                    if entry.terms.is_empty() {
                        return Ok(Item::Problem(Problem {
                            location,
                            message: format!("<{element}> has no terms: skipped"),
                        }));
                    }
                    entry.subject = draft.subject;
                    entry.definition = draft.definition.or(draft.lang_definition);
                    entry.note = join(draft.notes);
                    return Ok(Item::Unit);
                }
                Event::Empty(e) if is_concept(&local(&e)) => {
                    let element = local(&e);
                    let problem = self
                        .xml
                        .problem(format!("<{element}> has no terms: skipped"));
                    return Ok(Item::Problem(problem));
                }
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let problem = self.xml.problem(format!(
                        "unexpected <{name}> in <body>: skipped (expected <termEntry> or \
                         <conceptEntry>)"
                    ));
                    self.skip_element()?;
                    return Ok(Item::Problem(problem));
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    let problem = self
                        .xml
                        .problem(format!("unexpected <{name}/> in <body>: skipped"));
                    return Ok(Item::Problem(problem));
                }
                Event::End(_) => self.finished = !self.advance_to_body()?,
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <body> is never closed (the file may be truncated)",
                    ));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t.xml10_content())?,
                _ => {}
            }
        }
    }

    /// Reads the children of an element at `level` up to its end tag. `term` is the term being read
    /// at [`Level::Term`].
    fn read_children(
        &mut self,
        level: Level,
        entry: &mut TermEntry,
        draft: &mut ConceptDraft,
        mut term: Option<&mut TermDraft>,
    ) -> Result<()> {
        loop {
            let (element, category, lang) = match self.xml.next(&mut self.buf)? {
                Event::Start(e) => {
                    let element = local(&e);
                    let category = if TYPED.contains(&element.as_str()) {
                        attr(&e, &self.xml, "type")?.unwrap_or_default()
                    } else {
                        element.clone()
                    };
                    let lang = if matches!(element.as_str(), "langSet" | "langSec") {
                        Some(attr(&e, &self.xml, "xml:lang")?)
                    } else {
                        None
                    };
                    (element, category, lang)
                }
                Event::Empty(e) if self.basic => {
                    // An empty data category breaks TBX-Basic as a full one would.
                    let element = local(&e);
                    let typed = TYPED.contains(&element.as_str());
                    let category = if typed {
                        attr(&e, &self.xml, "type")?.unwrap_or_default()
                    } else {
                        element.clone()
                    };
                    let (problem, picklist) = basic_rule(level, &element, &category, typed);
                    let problem = problem.or_else(|| {
                        picklist.map(|(name, values)| {
                            format!(
                                "{name} \"\" is not a TBX-Basic value (expected {}): concept \
                                 skipped",
                                values.join(", ")
                            )
                        })
                    });
                    if let Some(message) = problem {
                        let location = self.xml.here();
                        draft.problem.get_or_insert(Problem { location, message });
                    }
                    continue;
                }
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file inside a concept (the file may be truncated)",
                    ));
                }
                Event::Text(t) => {
                    self.xml.ev.check_chars(&t.xml10_content())?;
                    continue;
                }
                Event::GeneralRef(r) => {
                    self.xml.ev.resolve_ref(&r)?;
                    continue;
                }
                _ => continue,
            };
            if GROUPS.contains(&element.as_str()) {
                self.read_children(level, entry, draft, term.as_deref_mut())?;
                continue;
            }
            if self.basic {
                if element == "transacGrp" {
                    self.check_transactions(level, draft)?;
                    continue;
                }
                let location = self.xml.here();
                let typed = TYPED.contains(&element.as_str());
                let (problem, picklist) = basic_rule(level, &element, &category, typed);
                if let Some(message) = problem {
                    draft.problem.get_or_insert(Problem {
                        location: location.clone(),
                        message,
                    });
                }
                if let Some((name, values)) = picklist {
                    let text = self.read_text(&element)?;
                    if !values.contains(&text.as_str()) {
                        draft.problem.get_or_insert(Problem {
                            location,
                            message: format!(
                                "{name} {text:?} is not a TBX-Basic value (expected {}): concept \
                                 skipped",
                                values.join(", ")
                            ),
                        });
                    }
                    if let (Level::Term, Some(t)) = (level, term.as_deref_mut()) {
                        apply_term_text(&category, text, t);
                    }
                    continue;
                }
            }
            match (level, category.as_str()) {
                (Level::Concept, "langSet" | "langSec") => {
                    let location = self.xml.here();
                    let lang = match lang.flatten() {
                        None => {
                            draft.problem.get_or_insert(Problem {
                                location,
                                message: format!("<{element}> has no xml:lang: concept skipped"),
                            });
                            None
                        }
                        Some(tag) => match Lang::parse(&tag) {
                            Ok(l) => Some(l),
                            Err(_) => {
                                draft.problem.get_or_insert(Problem {
                                    location,
                                    message: format!(
                                        "<{element}> has an invalid xml:lang {tag:?}: concept skipped"
                                    ),
                                });
                                None
                            }
                        },
                    };
                    draft.lang_notes.clear();
                    draft.lang_terms.clear();
                    self.read_children(Level::Lang, entry, draft, None)?;
                    if let Some(lang) = lang {
                        finish_lang(lang, draft, entry);
                    }
                }
                (Level::Concept, "subjectField") => {
                    let text = self.read_text(&element)?;
                    if draft.subject.is_none() && !text.is_empty() {
                        draft.subject = Some(text);
                    }
                }
                (Level::Concept, "definition") => {
                    let text = self.read_text(&element)?;
                    if draft.definition.is_none() && !text.is_empty() {
                        draft.definition = Some(text);
                    }
                }
                (Level::Concept, "note") => {
                    let text = self.read_text(&element)?;
                    if !text.is_empty() {
                        draft.notes.push(text);
                    }
                }
                (Level::Lang, "tig" | "ntig" | "termSec") => {
                    let mut t = TermDraft::default();
                    self.read_children(Level::Term, entry, draft, Some(&mut t))?;
                    draft.lang_terms.push(t);
                }
                (Level::Lang, "note") => {
                    let text = self.read_text(&element)?;
                    if !text.is_empty() {
                        draft.lang_notes.push(text);
                    }
                }
                (Level::Lang, "definition") => {
                    let text = self.read_text(&element)?;
                    if draft.lang_definition.is_none() && !text.is_empty() {
                        draft.lang_definition = Some(text);
                    }
                }
                (Level::Term, category) => {
                    let t = term
                        .as_deref_mut()
                        .expect("terms are read with a draft at Level::Term");
                    self.read_term_child(&element, category, t)?;
                }
                _ => self.skip_element()?,
            }
        }
    }

    fn read_term_child(&mut self, element: &str, category: &str, t: &mut TermDraft) -> Result<()> {
        if is_term_text(category) {
            let text = self.read_text(element)?;
            apply_term_text(category, text, t);
        } else {
            self.skip_element()?;
        }
        Ok(())
    }

    /// Checks the transactions of a `transacGrp` (its `transac` and `transacNote` types and the
    /// transaction type's value) against TBX-Basic, up to its end tag.
    fn check_transactions(&mut self, level: Level, draft: &mut ConceptDraft) -> Result<()> {
        loop {
            let (element, category) = match self.xml.next(&mut self.buf)? {
                Event::Start(e) => {
                    let element = local(&e);
                    let category = if TYPED.contains(&element.as_str()) {
                        attr(&e, &self.xml, "type")?.unwrap_or_default()
                    } else {
                        element.clone()
                    };
                    (element, category)
                }
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file inside a concept (the file may be truncated)",
                    ));
                }
                _ => continue,
            };
            let location = self.xml.here();
            let typed = TYPED.contains(&element.as_str());
            let (problem, picklist) = basic_rule(level, &element, &category, typed);
            if let Some(message) = problem {
                draft.problem.get_or_insert(Problem {
                    location: location.clone(),
                    message,
                });
            }
            match picklist {
                Some((name, values)) => {
                    let text = self.read_text(&element)?;
                    if !values.contains(&text.as_str()) {
                        draft.problem.get_or_insert(Problem {
                            location,
                            message: format!(
                                "{name} {text:?} is not a TBX-Basic value (expected {}): concept \
                                 skipped",
                                values.join(", ")
                            ),
                        });
                    }
                }
                None => self.skip_element()?,
            }
        }
    }

    /// Reads the text content of an element up to its end tag, looking through inline markup
    /// (`<hi>`, `<foreign>`, ...), whitespace-normalized.
    fn read_text(&mut self, element: &str) -> Result<String> {
        let start = self.xml.here();
        let mut out = String::new();
        let mut depth = 0usize;
        loop {
            self.xml.ev.check_length(&start, element, out.len())?;
            match self.xml.next(&mut self.buf)? {
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.xml.ev.check_chars(&content)?;
                    out.push_str(&content);
                }
                Event::CData(c) => out.push_str(&c.xml10_content()),
                Event::GeneralRef(r) => {
                    let c = self.xml.ev.resolve_ref(&r)?;
                    out.push(c);
                }
                Event::PI(pi) => out.extend(xml::pi_char(&pi)),
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    if depth == 0 {
                        return Ok(normalize_space(&out));
                    }
                    depth -= 1;
                }
                Event::Eof => {
                    return Err(self.xml.error(format!(
                        "unexpected end of file: <{element}> is never closed (the file may be truncated)"
                    )));
                }
                _ => {}
            }
        }
    }

    /// Skips the rest of an element whose start tag was just read.
    fn skip_element(&mut self) -> Result<()> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.xml.next(&mut self.buf)? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(self
                        .xml
                        .error("unexpected end of file (the file may be truncated)"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Turns the drafts of one language section into terms, resolving unmarked statuses.
fn finish_lang(lang: Lang, draft: &mut ConceptDraft, entry: &mut TermEntry) {
    let explicit_preferred = draft
        .lang_terms
        .iter()
        .any(|t| t.status == Some(TermStatus::Preferred));
    let default = if explicit_preferred {
        TermStatus::Admitted
    } else {
        TermStatus::Preferred
    };
    for t in draft.lang_terms.drain(..) {
        if t.text.is_empty() {
            continue;
        }
        let mut notes = t.notes;
        notes.extend(draft.lang_notes.iter().cloned());
        entry.terms.push(Term {
            lang: lang.clone(),
            text: t.text,
            status: t.status.unwrap_or(default),
            pos: t.pos,
            note: join(notes),
            case_sensitive: t.case_sensitive,
            variants: t.variants,
        });
    }
}

/// Whether a data category of a term is read as text (the others are skipped).
fn is_term_text(category: &str) -> bool {
    matches!(
        category,
        "term"
            | "administrativeStatus"
            | "normativeAuthorization"
            | "usageStatus"
            | "partOfSpeech"
            | "note"
            | "caseSensitive"
    ) || [CASE_SENSITIVE_TYPE, VARIANT_TYPE, POS_TYPE].contains(&category)
}

/// Puts the text of a term's data category where it belongs (empty text adds nothing but a term's
/// own text or case flag).
fn apply_term_text(category: &str, text: String, t: &mut TermDraft) {
    match category {
        "term" => t.text = text,
        "administrativeStatus" | "normativeAuthorization" | "usageStatus" => {
            if let Some(status) = TermStatus::parse(&text)
                && (!t.admin_status || t.status.is_none())
            {
                t.status = Some(status);
                t.admin_status = category == "administrativeStatus";
            }
        }
        c if c == CASE_SENSITIVE_TYPE || c == "caseSensitive" => {
            t.case_sensitive = matches!(
                text.to_ascii_lowercase().as_str(),
                "yes" | "true" | "1" | "casesensitive"
            );
        }
        _ if text.is_empty() => {}
        "partOfSpeech" | POS_TYPE => t.pos = Some(text),
        "note" => t.notes.push(text),
        c if c == VARIANT_TYPE => t.variants.push(text),
        _ => {}
    }
}

/// A TBX-Basic data category: the DCA element that carries it, the levels it may stand at (any
/// when empty) and its picklist (any text when empty).
struct BasicCategory {
    name: &'static str,
    element: &'static str,
    levels: &'static [Level],
    values: &'static [&'static str],
}

/// TBX-Basic's data categories (LTAC Global's TBX-Basic dialect, DCA RNG and Schematron).
const BASIC_CATEGORIES: [BasicCategory; 17] = {
    const TERM: &[Level] = &[Level::Term];
    const ANY: &[Level] = &[];
    const NONE: &[&str] = &[];
    [
        BasicCategory {
            name: "administrativeStatus",
            element: "termNote",
            levels: TERM,
            values: &[
                "admittedTerm-admn-sts",
                "deprecatedTerm-admn-sts",
                "supersededTerm-admn-sts",
                "preferredTerm-admn-sts",
            ],
        },
        BasicCategory {
            name: "partOfSpeech",
            element: "termNote",
            levels: TERM,
            values: &super::BASIC_PARTS_OF_SPEECH,
        },
        BasicCategory {
            name: "termType",
            element: "termNote",
            levels: TERM,
            values: &[
                "fullForm",
                "acronym",
                "abbreviation",
                "shortForm",
                "variant",
                "phrase",
            ],
        },
        BasicCategory {
            name: "grammaticalGender",
            element: "termNote",
            levels: TERM,
            values: &["masculine", "feminine", "neuter", "other"],
        },
        BasicCategory {
            name: "geographicalUsage",
            element: "termNote",
            levels: TERM,
            values: NONE,
        },
        BasicCategory {
            name: "termLocation",
            element: "termNote",
            levels: TERM,
            values: &[
                "checkBox",
                "comboBox",
                "comboBoxElement",
                "dialogBox",
                "groupBox",
                "informativeMessage",
                "interactiveMessage",
                "menuItem",
                "progressBar",
                "pushButton",
                "radioButton",
                "slider",
                "spinBox",
                "tab",
                "tableText",
                "textBox",
                "toolTip",
                "user-definedType",
            ],
        },
        BasicCategory {
            name: "context",
            element: "descrip",
            levels: TERM,
            values: NONE,
        },
        BasicCategory {
            name: "definition",
            element: "descrip",
            levels: &[Level::Concept, Level::Lang],
            values: NONE,
        },
        BasicCategory {
            name: "subjectField",
            element: "descrip",
            levels: &[Level::Concept],
            values: NONE,
        },
        BasicCategory {
            name: "source",
            element: "admin",
            levels: ANY,
            values: NONE,
        },
        BasicCategory {
            name: "customerSubset",
            element: "admin",
            levels: TERM,
            values: NONE,
        },
        BasicCategory {
            name: "projectSubset",
            element: "admin",
            levels: TERM,
            values: NONE,
        },
        BasicCategory {
            name: "transactionType",
            element: "transac",
            levels: ANY,
            values: &["origination", "modification"],
        },
        BasicCategory {
            name: "responsibility",
            element: "transacNote",
            levels: ANY,
            values: NONE,
        },
        BasicCategory {
            name: "crossReference",
            element: "ref",
            levels: &[Level::Concept, Level::Term],
            values: NONE,
        },
        BasicCategory {
            name: "externalCrossReference",
            element: "xref",
            levels: &[Level::Concept, Level::Term],
            values: NONE,
        },
        BasicCategory {
            name: "xGraphic",
            element: "xref",
            levels: &[Level::Concept],
            values: NONE,
        },
    ]
};

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Concept => "<conceptEntry>",
        Level::Lang => "<langSec>",
        Level::Term => "<termSec>",
    }
}

/// Checks an element of a concept against TBX-Basic: the problem if it breaks a rule, and the
/// picklist its text must be in (checked by the caller once the text is read). `typed`: the
/// element carries its category in `type` (DCA); otherwise the element's name is the category
/// (DCT), and only known categories are checked.
fn basic_rule(
    level: Level,
    element: &str,
    category: &str,
    typed: bool,
) -> (
    Option<String>,
    Option<(&'static str, &'static [&'static str])>,
) {
    if category.starts_with("x-") {
        return (None, None);
    }
    let found = BASIC_CATEGORIES.iter().find(|c| c.name == category);
    let rule = match found {
        Some(c) if !typed || c.element == element => c,
        _ if !typed => return (None, None),
        _ if category.is_empty() => {
            return (
                Some(format!(
                    "<{element}> has no type: TBX-Basic needs its data category: concept skipped"
                )),
                None,
            );
        }
        _ => {
            let allowed: Vec<&str> = BASIC_CATEGORIES
                .iter()
                .filter(|c| c.element == element)
                .map(|c| c.name)
                .collect();
            let expected = if allowed.is_empty() {
                format!("TBX-Basic has no <{element}>")
            } else {
                format!("expected {}", allowed.join(", "))
            };
            return (
                Some(format!(
                    "<{element}> of type {category:?} is not a TBX-Basic data category \
                     ({expected}): concept skipped"
                )),
                None,
            );
        }
    };
    let problem = (!rule.levels.is_empty() && !rule.levels.contains(&level)).then(|| {
        let allowed: Vec<&str> = rule.levels.iter().map(|&l| level_name(l)).collect();
        format!(
            "{} in a {}: TBX-Basic allows it only in a {}: concept skipped",
            rule.name,
            level_name(level),
            allowed.join(" or ")
        )
    });
    let picklist = (!rule.values.is_empty()).then_some((rule.name, rule.values));
    (problem, picklist)
}

fn join(lines: Vec<String>) -> Option<String> {
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    }
}

/// Collapses runs of XML whitespace into one space and trims the ends.
fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn local(e: &BytesStart<'_>) -> String {
    e.name().local_name().as_ref().to_string()
}

fn is_root(name: &str) -> bool {
    name == "martif" || name == "tbx"
}

fn is_concept(name: &str) -> bool {
    name == "termEntry" || name == "conceptEntry"
}

/// The value of one attribute (by its full name, as `xml:lang`), normalized.
fn attr(e: &BytesStart<'_>, xml: &Xml, name: &str) -> Result<Option<String>> {
    for a in e.attributes().with_checks(true) {
        let a = a.map_err(|err| ErrorKind::Xml {
            location: xml.here(),
            message: err.to_string(),
        })?;
        if a.key.as_ref() == name {
            let value =
                a.normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|err| ErrorKind::Xml {
                        location: xml.here(),
                        message: format!("attribute {name}: {err}"),
                    })?;
            return Ok(Some(value.trim().to_string()));
        }
    }
    Ok(None)
}

impl ItemReader for Reader {
    type Unit = TermEntry;

    fn read_item(&mut self, entry: &mut TermEntry) -> Result<Item> {
        self.read_entry(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(doc: &str) -> Vec<TermEntry> {
        let input = xml::input_from_reader(
            Box::new(std::io::Cursor::new(doc.to_string().into_bytes())),
            "t".into(),
        )
        .unwrap();
        Reader::from_input(input).unwrap().read_all().unwrap().0
    }

    #[test]
    fn whitespace_is_normalized() {
        let table = [
            ("  a  b ", "a b"),
            ("line\n\t\t\tnext", "line next"),
            ("\u{3000}full width\u{3000}", "\u{3000}full width\u{3000}"),
            ("", ""),
        ];
        for (input, want) in table {
            assert_eq!(normalize_space(input), want, "{input:?}");
        }
    }

    #[test]
    fn unmarked_statuses_depend_on_the_language_section() {
        // (statuses written in one langSet, statuses read)
        let table: [(&[&str], &[TermStatus]); 4] = [
            (&["", ""], &[TermStatus::Preferred, TermStatus::Preferred]),
            (
                &["preferredTerm-admn-sts", ""],
                &[TermStatus::Preferred, TermStatus::Admitted],
            ),
            (
                &["admittedTerm-admn-sts", ""],
                &[TermStatus::Admitted, TermStatus::Preferred],
            ),
            (
                &[
                    "supersededTerm-admn-sts",
                    "normativeAuthorization:deprecatedTerm-admn-sts",
                ],
                &[TermStatus::Forbidden, TermStatus::Forbidden],
            ),
        ];
        for (written, want) in table {
            let mut doc = String::from("<martif><text><body><termEntry><langSet xml:lang=\"en\">");
            for (i, w) in written.iter().enumerate() {
                let (kind, value) = w.split_once(':').unwrap_or(("administrativeStatus", w));
                doc.push_str(&format!("<tig><term>t{i}</term>"));
                if !value.is_empty() {
                    doc.push_str(&format!("<termNote type=\"{kind}\">{value}</termNote>"));
                }
                doc.push_str("</tig>");
            }
            doc.push_str("</langSet></termEntry></body></text></martif>");
            let got: Vec<TermStatus> = read(&doc)[0].terms.iter().map(|t| t.status).collect();
            assert_eq!(got, want, "{written:?}");
        }
    }

    #[test]
    fn header_back_matter_and_inline_markup_are_looked_through() {
        let doc = "<?xml version=\"1.0\"?><!-- c --><tbx type=\"TBX-Core\"><tbxHeader><fileDesc/></tbxHeader>\
            <text><body><conceptEntry id=\"x\"><langSec xml:lang=\"ja\"><termSec>\
            <term>記憶<hi type=\"italics\">装置</hi> &amp; &#x3042;</term></termSec></langSec></conceptEntry>\
            </body><back><refObjectSec/></back></text></tbx>";
        let e = read(doc);
        assert_eq!(e[0].terms[0].text, "記憶装置 & あ");
        let input = xml::input_from_reader(
            Box::new(std::io::Cursor::new(doc.as_bytes().to_vec())),
            "t".into(),
        )
        .unwrap();
        let r = Reader::from_input(input).unwrap();
        assert_eq!((r.version(), r.dialect()), (Version::V3, Some("TBX-Core")));
    }
}
