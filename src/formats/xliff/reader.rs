//! Streaming XLIFF 1.2 reader: one `<trans-unit>` in memory at a time.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;

use super::inline::{Tok, to_content};
use super::{
    AltTrans, Content, File, Group, Problem, REPETITION_CONTEXT, State, TEXT_AFTER_CONTEXT, Target,
    Unit, XNote,
};
use crate::error::{ErrorKind, Location, Result};
use crate::formats::xml::{self, Format, Input, Xml};
use crate::formats::{Item, ItemReader};
use crate::model::Lang;

/// A whole document, for small files and tests: files in order, each with its groups and units
/// (units outside any group in bare groups), and the problems met. Files without any unit are
/// left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The `<file>` elements that hold units, in document order.
    pub files: Vec<File>,
    /// The units skipped, with where and why, in reading order.
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Inside `<xliff>`, between files.
    Root,
    /// Inside a `<body>` (and maybe groups).
    Body,
}

/// Reads XLIFF 1.2 units one at a time, with the context of the file and group they belong to.
///
/// Accepts XLIFF 1.0 to 1.2 with or without the namespace, in any encoding
/// [`xml::open_input`] reads, and SDLXLIFF (one unit per `<mrk mtype="seg">` segment; other
/// `sdl:` elements skipped). See the module docs for the inline markup mapping.
///
/// ```no_run
/// use tmkit::formats::xliff::{Item, Reader, Unit, Content};
/// let mut reader = Reader::open("book.ja-JP.xlf".as_ref())?;
/// let mut unit = Unit::new("", Content::default());
/// while let item @ (Item::Unit | Item::Problem(_)) = reader.read_unit(&mut unit)? {
///     if item == Item::Unit {
///         let file = reader.file().expect("a unit belongs to a file");
///         println!("{} {:?}: {:?}", file.source_lang, unit.source.text, unit.target);
///     }
/// }
/// # Ok::<(), tmkit::Error>(())
/// ```
pub struct Reader {
    xml: Xml,
    buf: Vec<u8>,
    /// The prefix of the XLIFF namespace when the root is written `prefix:xliff`.
    prefix: Option<String>,
    level: Level,
    finished: bool,
    file: Option<File>,
    /// Files started so far.
    file_count: usize,
    /// Open groups, outermost first.
    groups: Vec<Group>,
    /// Changes whenever a group starts or ends, so that runs of units can be told apart.
    context_serial: usize,
    pending: VecDeque<std::result::Result<Unit, Problem>>,
    unit_start: Location,
    raw_bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    encoding: xml::InputEncoding,
}

type RawTarget = (Vec<Tok>, Vec<(String, String)>, Location);

/// The parts of a `<trans-unit>`, read before its units are built.
#[derive(Default)]
struct RawUnit {
    source: Option<(Vec<Tok>, Location)>,
    seg_source: Option<Vec<Tok>>,
    /// Content, attributes and location of the `<target>`.
    target: Option<RawTarget>,
    alt_trans: Vec<AltTrans>,
    notes: Vec<XNote>,
    repetition_of: Option<String>,
    text_after: Option<String>,
    /// `<sdl:seg id conf origin>`.
    sdl_segs: Vec<(String, Option<String>, Option<String>)>,
    problem: Option<Problem>,
}

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

impl Reader {
    /// Opens an XLIFF file and reads up to its first `<file>`.
    pub fn open(path: &Path) -> Result<Reader> {
        let input = xml::open_input(path)?;
        Reader::new(input, Some(path.to_path_buf()))
    }

    /// Reads XLIFF from an opened input (see [`xml::input_from_reader`]).
    pub fn from_input(input: Input) -> Result<Reader> {
        Reader::new(input, None)
    }

    fn new(input: Input, path: Option<PathBuf>) -> Result<Reader> {
        let raw_bytes = input.raw_bytes.clone();
        let encoding = input.encoding;
        let mut this = Reader {
            xml: Xml::new(input, path, Format::Xliff),
            buf: Vec::with_capacity(4096),
            prefix: None,
            level: Level::Root,
            finished: false,
            file: None,
            file_count: 0,
            groups: Vec::new(),
            context_serial: 0,
            pending: VecDeque::new(),
            unit_start: Location {
                path: String::new(),
                line: 1,
                column: 1,
            },
            raw_bytes,
            encoding,
        };
        this.read_prolog()?;
        Ok(this)
    }

    /// The file the last unit belongs to (its `groups` are empty).
    pub fn file(&self) -> Option<&File> {
        self.file.as_ref()
    }

    /// The innermost group the last unit belongs to (its `units` are empty); `None` for units
    /// directly in `<body>`.
    pub fn group(&self) -> Option<&Group> {
        self.groups.last()
    }

    /// Where the last unit read starts (its `<trans-unit>` tag).
    pub fn unit_location(&self) -> &Location {
        &self.unit_start
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

    fn read_prolog(&mut self) -> Result<()> {
        loop {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim().is_empty() => {}
                Event::DocType(d) => {
                    if let Some(name) = xml::declared_entity(&d) {
                        return Err(ErrorKind::EntityDeclared {
                            location: self.xml.ev.here(),
                            name,
                        }
                        .into());
                    }
                }
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let (prefix, local) = match name.split_once(':') {
                        Some((p, l)) => (Some(p.to_string()), l),
                        None => (None, name.as_str()),
                    };
                    if local != "xliff" {
                        return Err(self.xml.error(format!(
                            "not an XLIFF file: the root element is <{name}>, expected <xliff>"
                        )));
                    }
                    let attrs = self.xml.ev.attributes(&e)?;
                    if let Some(v) = get(&attrs, "version")
                        && !v.starts_with('1')
                    {
                        return Err(self.xml.error(format!(
                            "XLIFF version {v:?} is not supported: tmkit reads XLIFF 1.2 (and 1.0, 1.1)"
                        )));
                    }
                    if attrs
                        .iter()
                        .any(|(k, v)| k.starts_with("xmlns") && v.contains("xliff:document:2"))
                    {
                        return Err(self.xml.error(
                            "XLIFF 2 is not supported: tmkit reads XLIFF 1.2 (and 1.0, 1.1)",
                        ));
                    }
                    self.prefix = prefix;
                    return Ok(());
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    return Err(self.xml.error(if name.ends_with("xliff") {
                        "<xliff> has no <file>".to_string()
                    } else {
                        format!("not an XLIFF file: the root element is <{name}>, expected <xliff>")
                    }));
                }
                Event::Eof => {
                    let message = if self.xml.ev.at_start() {
                        "the file is empty: expected an XLIFF document"
                    } else {
                        "no root element: expected <xliff>"
                    };
                    return Err(self.xml.error(message));
                }
                _ => {
                    return Err(self
                        .xml
                        .error("text before the root element: expected <xliff>"));
                }
            }
        }
    }

    /// Reads the next unit into `unit`.
    ///
    /// Malformed XML, a `<file>` without source-language and a truncated file are errors; a
    /// problem confined to one unit is returned as [`Item::Problem`] and reading can go on.
    pub fn read_unit(&mut self, unit: &mut Unit) -> Result<Item> {
        loop {
            if let Some(next) = self.pending.pop_front() {
                return Ok(match next {
                    Ok(u) => {
                        *unit = u;
                        Item::Unit
                    }
                    Err(p) => Item::Problem(p),
                });
            }
            if self.finished {
                return Ok(Item::End);
            }
            self.advance()?;
        }
    }

    /// Reads structure up to the next trans-unit (filling `pending`) or the end.
    fn advance(&mut self) -> Result<()> {
        loop {
            let ev = self.xml.ev.next(&mut self.buf)?;
            match ev {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    let local = local(self.prefix.as_deref(), &name).map(str::to_string);
                    match (self.level, local.as_deref()) {
                        (Level::Root, Some("file")) => self.start_file(attrs, false)?,
                        (Level::Body, Some("group")) => {
                            self.groups.push(Group {
                                id: get(&attrs, "id").map(str::to_string),
                                restype: get(&attrs, "restype").map(str::to_string),
                                resname: get(&attrs, "resname").map(str::to_string),
                                units: Vec::new(),
                            });
                            self.context_serial += 1;
                        }
                        (Level::Body, Some("trans-unit")) => {
                            self.read_trans_unit(attrs)?;
                            return Ok(());
                        }
                        _ => self.skip_element()?,
                    }
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    match (self.level, local(self.prefix.as_deref(), &name)) {
                        (Level::Root, Some("file")) => self.start_file(attrs, true)?,
                        (Level::Body, Some("trans-unit")) => {
                            self.unit_start = self.xml.ev.here();
                            self.pending
                                .push_back(Err(self.xml.problem("<trans-unit> has no <source>")));
                            return Ok(());
                        }
                        _ => {}
                    }
                }
                Event::End(_) => match self.level {
                    Level::Body if !self.groups.is_empty() => {
                        self.groups.pop();
                        self.context_serial += 1;
                    }
                    Level::Body => {
                        // </body>: the rest of <file> holds nothing tmkit reads.
                        self.level = Level::Root;
                        self.skip_rest("file")?;
                    }
                    Level::Root => {
                        self.finished = true;
                        self.expect_end_of_document()?;
                        return Ok(());
                    }
                },
                Event::Eof => {
                    let open = match self.level {
                        Level::Root => "<xliff>",
                        Level::Body if self.groups.is_empty() => "<body>",
                        Level::Body => "<group>",
                    };
                    return Err(self.xml.error(format!(
                        "unexpected end of file: {open} is never closed (the file may be truncated)"
                    )));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t.xml10_content())?,
                _ => {}
            }
        }
    }

    /// Reads a `<file>`'s attributes and header, up to the start of its body.
    fn start_file(&mut self, attrs: Vec<(String, String)>, empty: bool) -> Result<()> {
        let here = self.xml.ev.here();
        let lang = |name: &str| -> Result<Option<Lang>> {
            match get(&attrs, name) {
                None => Ok(None),
                Some(v) => Lang::parse(v).map(Some).map_err(|_| {
                    self.xml
                        .error_at(here.clone(), format!("<file> has an invalid {name} {v:?}"))
                }),
            }
        };
        let Some(source_lang) = lang("source-language")? else {
            return Err(self.xml.error_at(
                here,
                "<file> has no source-language (XLIFF 1.2 requires it)",
            ));
        };
        let target_lang = lang("target-language")?;
        self.file_count += 1;
        self.context_serial += 1;
        self.groups.clear();
        let mut file = File {
            original: get(&attrs, "original").unwrap_or_default().to_string(),
            source_lang,
            target_lang,
            datatype: get(&attrs, "datatype").unwrap_or_default().to_string(),
            skeleton: None,
            notes: Vec::new(),
            groups: Vec::new(),
        };
        if empty {
            self.file = Some(file);
            return Ok(());
        }
        loop {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    match local(self.prefix.as_deref(), &name) {
                        Some("header") => self.read_header(&mut file)?,
                        Some("body") => {
                            self.level = Level::Body;
                            break;
                        }
                        _ => self.skip_element()?,
                    }
                }
                Event::End(_) => {
                    return Err(self.xml.error_at(here, "<file> has no <body>"));
                }
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <file> is never closed (the file may be truncated)",
                    ));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t.xml10_content())?,
                _ => {}
            }
        }
        self.file = Some(file);
        Ok(())
    }

    fn read_header(&mut self, file: &mut File) -> Result<()> {
        loop {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    if local(self.prefix.as_deref(), &name) == Some("note") {
                        let attrs = self.xml.ev.attributes(&e)?;
                        let text = self.read_text("note")?;
                        file.notes.push(make_note(&attrs, text));
                    } else if local(self.prefix.as_deref(), &name) == Some("skl") {
                        continue;
                    } else {
                        self.skip_element()?;
                    }
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    if local(self.prefix.as_deref(), &name) == Some("external-file") {
                        let attrs = self.xml.ev.attributes(&e)?;
                        file.skeleton = get(&attrs, "href").map(str::to_string);
                    }
                }
                Event::End(e)
                    if local(self.prefix.as_deref(), e.name().as_ref()) == Some("skl") => {}
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <header> is never closed (the file may be truncated)",
                    ));
                }
                _ => {}
            }
        }
    }

    /// Reads the rest of an element whose content does not matter, up to its end tag.
    fn skip_rest(&mut self, element: &str) -> Result<()> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(self.xml.error(format!(
                        "unexpected end of file: <{element}> is never closed (the file may be truncated)"
                    )));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t.xml10_content())?,
                _ => {}
            }
        }
        Ok(())
    }

    fn skip_element(&mut self) -> Result<()> {
        self.skip_rest("element")
    }

    fn expect_end_of_document(&mut self) -> Result<()> {
        loop {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Eof => return Ok(()),
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    return Err(self
                        .xml
                        .error(format!("unexpected <{name}> after </xliff>")));
                }
                _ => {}
            }
        }
    }

    /// Reads text content up to the end tag, skipping any element inside.
    fn read_text(&mut self, element: &str) -> Result<String> {
        let start = self.xml.ev.here();
        let mut out = String::new();
        let mut depth = 0usize;
        loop {
            self.xml.ev.check_length(&start, element, out.len())?;
            match self.xml.ev.next(&mut self.buf)? {
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.xml.ev.check_chars(&content)?;
                    out.push_str(&content);
                }
                Event::CData(c) => out.push_str(&c.xml10_content()),
                Event::GeneralRef(r) => out.push(self.xml.ev.resolve_ref(&r)?),
                Event::PI(pi) => out.extend(xml::pi_char(&pi)),
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(out),
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: an element is never closed (the file may be truncated)",
                    ));
                }
                _ => {}
            }
        }
    }

    /// Reads element content as tokens, up to the element's end tag.
    fn read_tokens(&mut self, element: &str) -> Result<Vec<Tok>> {
        let start = self.xml.ev.here();
        let mut toks = Vec::new();
        let mut depth = 0usize;
        // Bytes read so far (text, and about a tag's worth per element).
        let mut size = 0usize;
        loop {
            self.xml.ev.check_length(&start, element, size)?;
            let ev = self.xml.ev.next(&mut self.buf)?;
            size += match &ev {
                Event::Text(t) => t.len(),
                Event::CData(c) => c.len(),
                _ => 16,
            };
            match ev {
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.xml.ev.check_chars(&content)?;
                    push_text(&mut toks, &content);
                }
                Event::CData(c) => {
                    let content = c.xml10_content();
                    self.xml.ev.check_chars(&content)?;
                    push_text(&mut toks, &content);
                }
                Event::GeneralRef(r) => {
                    let c = self.xml.ev.resolve_ref(&r)?;
                    push_text(&mut toks, c.encode_utf8(&mut [0u8; 4]));
                }
                Event::PI(ref pi) => {
                    if let Some(c) = xml::pi_char(pi) {
                        push_text(&mut toks, c.encode_utf8(&mut [0u8; 4]));
                    }
                }
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let raw = e.name().as_ref().to_string();
                    let name = local(self.prefix.as_deref(), &raw)
                        .unwrap_or(&raw)
                        .to_string();
                    let attrs = self.xml.ev.attributes(e)?;
                    if matches!(ev, Event::Empty(_)) {
                        toks.push(Tok::Empty { name, attrs });
                    } else {
                        depth += 1;
                        toks.push(Tok::Start { name, attrs });
                    }
                }
                Event::End(_) if depth == 0 => return Ok(toks),
                Event::End(_) => {
                    depth -= 1;
                    toks.push(Tok::End);
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

    fn read_trans_unit(&mut self, attrs: Vec<(String, String)>) -> Result<()> {
        let tu_location = self.xml.ev.here();
        self.unit_start = tu_location.clone();
        let mut base = Unit::new(String::new(), Content::default());
        for (k, v) in attrs {
            match k.as_str() {
                "id" => base.id = v,
                "resname" => base.resname = Some(v),
                "translate" => base.translate = v != "no",
                "approved" => base.approved = Some(v == "yes"),
                "xml:space" => {}
                _ => base.attrs.push((k, v)),
            }
        }
        let mut raw = RawUnit::default();
        loop {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    let here = self.xml.ev.here();
                    match (local(self.prefix.as_deref(), &name), name.as_str()) {
                        (Some("source"), _) => {
                            raw.source = Some((self.read_tokens("source")?, here));
                        }
                        (Some("seg-source"), _) => {
                            raw.seg_source = Some(self.read_tokens("seg-source")?);
                        }
                        (Some("target"), _) => {
                            raw.target = Some((self.read_tokens("target")?, attrs, here));
                        }
                        (Some("alt-trans"), _) => match self.read_alt_trans(&attrs)? {
                            Ok(Some(alt)) => raw.alt_trans.push(alt),
                            Ok(None) => {}
                            Err(p) => {
                                raw.problem.get_or_insert(p);
                            }
                        },
                        (Some("note"), _) => {
                            let text = self.read_text("note")?;
                            raw.notes.push(make_note(&attrs, text));
                        }
                        (Some("context-group"), _) if get(&attrs, "name") == Some("tmkit") => {
                            (raw.repetition_of, raw.text_after) = self.read_tmkit_context()?;
                        }
                        (None, "sdl:seg-defs") => self.read_sdl_segs(&mut raw.sdl_segs)?,
                        _ => self.skip_element()?,
                    }
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    let here = self.xml.ev.here();
                    match local(self.prefix.as_deref(), &name) {
                        Some("source") => raw.source = Some((Vec::new(), here)),
                        Some("target") => raw.target = Some((Vec::new(), attrs, here)),
                        Some("note") => raw.notes.push(make_note(&attrs, String::new())),
                        _ => {}
                    }
                }
                Event::End(_) => break,
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <trans-unit> is never closed (the file may be truncated)",
                    ));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t.xml10_content())?,
                _ => {}
            }
        }
        self.build_units(base, raw, tu_location);
        Ok(())
    }

    fn build_units(&mut self, mut base: Unit, raw: RawUnit, tu_location: Location) {
        let problem_at = |location: &Location, message: String| Problem {
            location: location.clone(),
            message: format!("trans-unit {:?}: {message}", base.id),
        };
        if let Some(p) = raw.problem {
            self.pending.push_back(Err(p));
            return;
        }
        let Some((source_toks, source_loc)) = raw.source else {
            let p = problem_at(&tu_location, "<trans-unit> has no <source>".to_string());
            self.pending.push_back(Err(p));
            return;
        };
        base.notes = raw.notes;
        if let Some(rep) = &raw.repetition_of {
            let echo = format!("repetition of unit {rep}");
            base.notes
                .retain(|n| !(n.from.as_deref() == Some("tmkit") && n.text == echo));
        }
        base.repetition_of = raw.repetition_of;
        base.text_after = raw.text_after;
        base.alt_trans = raw.alt_trans;

        // The target's attributes, checked once for all segments.
        let mut target_state: Option<State> = None;
        let mut qualifier: Option<String> = None;
        if let Some((_, attrs, loc)) = &raw.target {
            if let Some(v) = get(attrs, "state") {
                match State::parse(v) {
                    Ok(s) => target_state = Some(s),
                    Err(_) => {
                        let p = problem_at(
                            loc,
                            format!(
                                "unknown state {v:?} on <target>: XLIFF 1.2 allows new, \
                                 needs-translation, needs-l10n, needs-adaptation, translated, \
                                 needs-review-translation, needs-review-l10n, \
                                 needs-review-adaptation, signed-off, final, or x-..."
                            ),
                        );
                        self.pending.push_back(Err(p));
                        return;
                    }
                }
            }
            qualifier = get(attrs, "state-qualifier").map(str::to_string);
            if let Some(tag) = get(attrs, "xml:lang") {
                let file_lang = self.file.as_ref().and_then(|f| f.target_lang.as_ref());
                match Lang::parse(tag) {
                    Err(_) => {
                        let p =
                            problem_at(loc, format!("<target> has an invalid xml:lang {tag:?}"));
                        self.pending.push_back(Err(p));
                        return;
                    }
                    Ok(l) => {
                        if let Some(f) = file_lang
                            && !(f.matches(&l) || l.matches(f))
                        {
                            let p = problem_at(
                                loc,
                                format!(
                                    "<target> has xml:lang {tag:?} but the <file>'s \
                                     target-language is {:?}",
                                    f.as_str()
                                ),
                            );
                            self.pending.push_back(Err(p));
                            return;
                        }
                    }
                }
            }
        }

        let seg_source = raw.seg_source.as_deref().map(segments).unwrap_or_default();
        if seg_source.is_empty() {
            let source = match to_content(&source_toks) {
                Ok(c) => c,
                Err(m) => {
                    let p = problem_at(&source_loc, format!("<source>: {m}"));
                    self.pending.push_back(Err(p));
                    return;
                }
            };
            let target = match &raw.target {
                None => None,
                Some((toks, _, loc)) => match to_content(toks) {
                    Ok(content) => Some(Target {
                        content,
                        state: target_state,
                        state_qualifier: qualifier,
                    }),
                    Err(m) => {
                        let p = problem_at(loc, format!("<target>: {m}"));
                        self.pending.push_back(Err(p));
                        return;
                    }
                },
            };
            base.source = source;
            base.target = target;
            self.pending.push_back(Ok(base));
            return;
        }
        // Segmented: one unit per <mrk mtype="seg"> of <seg-source>.
        let target_segs = raw
            .target
            .as_ref()
            .map(|(toks, _, _)| segments(toks))
            .unwrap_or_default();
        for (mid, toks) in seg_source {
            let mut unit = base.clone();
            unit.segment = Some(mid.clone());
            let at = |m: String| Problem {
                location: source_loc.clone(),
                message: format!("trans-unit {:?}, segment {mid:?}: {m}", base.id),
            };
            match to_content(toks) {
                Ok(c) => unit.source = c,
                Err(m) => {
                    self.pending
                        .push_back(Err(at(format!("<seg-source>: {m}"))));
                    continue;
                }
            }
            let mut state = target_state.clone();
            if let Some((_, conf, origin)) = raw.sdl_segs.iter().find(|(id, _, _)| *id == mid) {
                state = Some(sdl_state(conf.as_deref()));
                if let Some(c) = conf {
                    unit.attrs.push(("sdl:conf".to_string(), c.clone()));
                }
                if let Some(o) = origin {
                    unit.attrs.push(("sdl:origin".to_string(), o.clone()));
                }
            }
            unit.target = match target_segs.iter().find(|(m, _)| *m == mid) {
                None => None,
                Some((_, toks)) => match to_content(toks) {
                    Ok(content) => Some(Target {
                        content,
                        state,
                        state_qualifier: qualifier.clone(),
                    }),
                    Err(m) => {
                        self.pending.push_back(Err(at(format!("<target>: {m}"))));
                        continue;
                    }
                },
            };
            self.pending.push_back(Ok(unit));
        }
    }

    /// Reads an `<alt-trans>`; `None` when it has no target (nothing to offer).
    fn read_alt_trans(
        &mut self,
        attrs: &[(String, String)],
    ) -> Result<std::result::Result<Option<AltTrans>, Problem>> {
        let mut alt = AltTrans {
            match_quality: get(attrs, "match-quality").map(str::to_string),
            origin: get(attrs, "origin").map(str::to_string),
            source: None,
            target: Content::default(),
            lang: None,
        };
        let mut has_target = false;
        let mut problem = None;
        loop {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    let here = self.xml.ev.here();
                    match local(self.prefix.as_deref(), &name) {
                        Some(part @ ("source" | "target")) => {
                            let part = part.to_string();
                            let toks = self.read_tokens(&part)?;
                            let content = match to_content(&toks) {
                                Ok(c) => c,
                                Err(m) => {
                                    problem.get_or_insert(Problem {
                                        location: here,
                                        message: format!("<alt-trans> <{part}>: {m}"),
                                    });
                                    continue;
                                }
                            };
                            if part == "source" {
                                alt.source = Some(content);
                            } else {
                                has_target = true;
                                alt.target = content;
                                if let Some(tag) = get(&attrs, "xml:lang") {
                                    match Lang::parse(tag) {
                                        Ok(l) => alt.lang = Some(l),
                                        Err(_) => {
                                            problem.get_or_insert(Problem {
                                                location: here,
                                                message: format!(
                                                    "<alt-trans> <target> has an invalid xml:lang {tag:?}"
                                                ),
                                            });
                                        }
                                    }
                                }
                            }
                        }
                        _ => self.skip_element()?,
                    }
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    match local(self.prefix.as_deref(), &name) {
                        Some("source") => alt.source = Some(Content::default()),
                        Some("target") => has_target = true,
                        _ => {}
                    }
                }
                Event::End(_) => break,
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <alt-trans> is never closed (the file may be truncated)",
                    ));
                }
                _ => {}
            }
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok(has_target.then_some(alt)),
        })
    }

    /// Reads tmkit's `<context-group>`: the repetition it marks and the text after the unit.
    fn read_tmkit_context(&mut self) -> Result<(Option<String>, Option<String>)> {
        let mut found = None;
        let mut after = None;
        loop {
            match self.xml.ev.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    let is_context = local(self.prefix.as_deref(), &name) == Some("context");
                    if is_context && get(&attrs, "context-type") == Some(REPETITION_CONTEXT) {
                        found = Some(self.read_text("context")?);
                    } else if is_context && get(&attrs, "context-type") == Some(TEXT_AFTER_CONTEXT)
                    {
                        after = Some(self.read_text("context")?);
                    } else {
                        self.skip_element()?;
                    }
                }
                Event::End(_) => return Ok((found, after)),
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <context-group> is never closed (the file may be truncated)",
                    ));
                }
                _ => {}
            }
        }
    }

    /// Reads `<sdl:seg-defs>`: each `<sdl:seg>`'s id, confirmation level and origin.
    fn read_sdl_segs(
        &mut self,
        out: &mut Vec<(String, Option<String>, Option<String>)>,
    ) -> Result<()> {
        loop {
            let ev = self.xml.ev.next(&mut self.buf)?;
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_seg = e.name().as_ref() == "sdl:seg";
                    let attrs = self.xml.ev.attributes(e)?;
                    if is_seg && let Some(id) = get(&attrs, "id") {
                        out.push((
                            id.to_string(),
                            get(&attrs, "conf").map(str::to_string),
                            get(&attrs, "origin").map(str::to_string),
                        ));
                    }
                    if matches!(ev, Event::Start(_)) {
                        self.skip_element()?;
                    }
                }
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <sdl:seg-defs> is never closed (the file may be truncated)",
                    ));
                }
                _ => {}
            }
        }
    }

    /// Reads the whole document (see [`Document`]); for small files and tests.
    pub fn read_document(mut self) -> Result<Document> {
        let mut doc = Document::default();
        let mut unit = Unit::new("", Content::default());
        let mut last: Option<(usize, usize)> = None;
        loop {
            match self.read_unit(&mut unit)? {
                Item::End => return Ok(doc),
                Item::Problem(p) => doc.problems.push(p),
                Item::Unit => {
                    let key = (self.file_count, self.context_serial);
                    if last.map(|l| l.0) != Some(key.0) {
                        let file = self.file.clone().expect("a unit belongs to a file");
                        doc.files.push(file);
                    }
                    let file = doc.files.last_mut().expect("pushed above");
                    if last != Some(key) {
                        file.groups
                            .push(self.groups.last().cloned().unwrap_or_default());
                    }
                    last = Some(key);
                    let group = file.groups.last_mut().expect("pushed above");
                    group.units.push(unit.clone());
                }
            }
        }
    }
}

/// The state for a Trados Studio confirmation level (see the module docs).
fn sdl_state(conf: Option<&str>) -> State {
    match conf {
        Some("Translated") => State::Translated,
        Some("ApprovedTranslation") => State::SignedOff,
        Some("ApprovedSignOff") => State::Final,
        Some("RejectedSignOff") => State::NeedsReviewTranslation,
        Some("Draft" | "RejectedTranslation") => State::NeedsTranslation,
        _ => State::New,
    }
}

fn push_text(toks: &mut Vec<Tok>, s: &str) {
    if let Some(Tok::Text(t)) = toks.last_mut() {
        t.push_str(s);
    } else {
        toks.push(Tok::Text(s.to_string()));
    }
}

/// The `<mrk mtype="seg">` segments of an element's content: `(mid, inner tokens)`.
fn segments(toks: &[Tok]) -> Vec<(String, &[Tok])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Tok::Start { name, attrs } = &toks[i]
            && name == "mrk"
            && get(attrs, "mtype") == Some("seg")
        {
            let mid = get(attrs, "mid").unwrap_or_default().to_string();
            let mut depth = 0usize;
            let mut j = i + 1;
            while j < toks.len() {
                match toks[j] {
                    Tok::Start { .. } => depth += 1,
                    Tok::End if depth == 0 => break,
                    Tok::End => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            out.push((mid, &toks[i + 1..j]));
            i = j + 1;
            continue;
        }
        if let Tok::Empty { name, attrs } = &toks[i]
            && name == "mrk"
            && get(attrs, "mtype") == Some("seg")
        {
            out.push((
                get(attrs, "mid").unwrap_or_default().to_string(),
                &toks[0..0],
            ));
        }
        i += 1;
    }
    out
}

/// The XLIFF name of an element, `None` for an element of another namespace (`prefix` is the
/// XLIFF namespace's prefix, if the document uses one).
fn local<'n>(prefix: Option<&str>, name: &'n str) -> Option<&'n str> {
    match name.split_once(':') {
        None => Some(name),
        Some((p, local)) if Some(p) == prefix => Some(local),
        Some(_) => None,
    }
}

fn make_note(attrs: &[(String, String)], text: String) -> XNote {
    XNote {
        from: get(attrs, "from").map(str::to_string),
        annotates: get(attrs, "annotates").map(str::to_string),
        priority: get(attrs, "priority").and_then(|p| p.trim().parse().ok()),
        lang: get(attrs, "xml:lang").map(str::to_string),
        text,
    }
}

impl ItemReader for Reader {
    type Unit = Unit;

    fn read_item(&mut self, unit: &mut Unit) -> Result<Item> {
        self.read_unit(unit)
    }
}
