//! Streaming TMX reader.

use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};

use super::CODE_ELEMENTS;
use crate::error::{ErrorKind, Location, Result};
use crate::formats::xml::{self, Format, Input, Xml};
use crate::formats::{Item, ItemReader, Problem};
use crate::model::{Admin, Extra, Lang, Note, Prop, TranslationUnit, Variant};

/// The `<header>` of a TMX file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Header {
    /// The `version` attribute of `<tmx>`, when present (`1.4`, `1.4b`, `1.1`).
    pub version: Option<String>,
    /// All attributes of `<header>` in document order.
    pub attrs: Vec<(String, String)>,
    /// The properties and notes of the header, in document order.
    pub extras: Vec<Extra>,
}

impl Header {
    /// The value of a header attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads TMX units one at a time.
///
/// ```no_run
/// use tmkit::formats::tmx::{Item, Reader};
/// use tmkit::model::TranslationUnit;
/// let mut reader = Reader::open("memory.tmx".as_ref())?;
/// let mut unit = TranslationUnit::default();
/// while let Item::Unit | Item::Problem(_) = reader.read_unit(&mut unit)? {
///     // use `unit` (when the item was a Unit)
/// }
/// # Ok::<(), tmkit::Error>(())
/// ```
pub struct Reader {
    xml: Xml,
    buf: Vec<u8>,
    header: Header,
    header_srclang: Option<Lang>,
    finished: bool,
    unit_start: Location,
    raw_bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    encoding: xml::InputEncoding,
    /// Language attributes seen so far and their parsed tags (files use a handful).
    lang_cache: Vec<(String, Lang)>,
}

struct Inline {
    name: String,
    /// Whether this is a `<ph type="x-tmkit-char">` in segment text (see [`xml::CHAR_CODE_TYPE`]).
    char_code: bool,
}

impl Reader {
    /// Opens a TMX file and reads up to the start of its body.
    pub fn open(path: &Path) -> Result<Reader> {
        let input = xml::open_input(path)?;
        Reader::new(input, Some(path.to_path_buf()))
    }

    /// Reads TMX from an opened input (see [`xml::input_from_reader`]) up to the start of its body.
    pub fn from_input(input: Input) -> Result<Reader> {
        Reader::new(input, None)
    }

    fn new(input: Input, path: Option<PathBuf>) -> Result<Reader> {
        let raw_bytes = input.raw_bytes.clone();
        let encoding = input.encoding;
        let mut this = Reader {
            xml: Xml::new(input, path, Format::Tmx),
            buf: Vec::with_capacity(4096),
            header: Header::default(),
            header_srclang: None,
            finished: false,
            raw_bytes,
            encoding,
            lang_cache: Vec::new(),
            unit_start: Location {
                path: String::new(),
                line: 1,
                column: 1,
            },
        };
        this.read_prolog()?;
        Ok(this)
    }

    /// The file's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The encoding the input was read in.
    pub fn encoding(&self) -> xml::InputEncoding {
        self.encoding
    }

    /// The name the input is reported under.
    pub fn name(&self) -> &str {
        &self.xml.ev.name
    }

    /// Where the last unit read starts (its `<tu>` tag).
    pub fn unit_location(&self) -> &Location {
        &self.unit_start
    }

    /// Bytes of the input file read so far (for progress reporting).
    pub fn bytes_read(&self) -> u64 {
        self.raw_bytes.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn read_prolog(&mut self) -> Result<()> {
        // Up to the root element.
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
                Event::Start(e) if e.name().as_ref() == "tmx" => {
                    self.header.version = attr_value(&e, &self.xml, "version")?;
                    break;
                }
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    return Err(self.xml.error(format!(
                        "not a TMX file: the root element is <{name}>, expected <tmx>"
                    )));
                }
                Event::Eof => {
                    let message = if self.xml.ev.at_start() {
                        "the file is empty: expected a TMX document"
                    } else {
                        "no root element: expected <tmx>"
                    };
                    return Err(self.xml.error(message));
                }
                _ => {
                    return Err(self
                        .xml
                        .error("text before the root element: expected <tmx>"));
                }
            }
        }
        // Header, then the start of the body.
        let mut seen_header = false;
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Start(e) if e.name().as_ref() == "header" => {
                    self.header.attrs = self.xml.ev.attributes(&e)?;
                    seen_header = true;
                    self.read_header_children()?;
                }
                Event::Empty(e) if e.name().as_ref() == "header" => {
                    self.header.attrs = self.xml.ev.attributes(&e)?;
                    seen_header = true;
                }
                Event::Start(e) if e.name().as_ref() == "body" => break,
                Event::Empty(e) if e.name().as_ref() == "body" => {
                    self.finished = true;
                    self.expect_end_of_document()?;
                    break;
                }
                Event::End(_) => {
                    self.finished = true;
                    return Err(self.xml.error("<tmx> has no <body>"));
                }
                Event::Eof => return Err(self.xml.error("unexpected end of file in <tmx>")),
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    return Err(self.xml.error(format!(
                        "unexpected <{name}> in <tmx>: expected <header> and <body>"
                    )));
                }
                _ => {}
            }
        }
        if !seen_header {
            // Not fatal: some tools omit it. Nothing to record.
        }
        self.header_srclang = self
            .header
            .attr("srclang")
            .filter(|s| !s.eq_ignore_ascii_case("*all*"))
            .and_then(|s| Lang::parse(s).ok());
        Ok(())
    }

    fn read_header_children(&mut self) -> Result<()> {
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    if name == "prop" || name == "note" {
                        let attrs = self.xml.ev.attributes(&e)?;
                        let extra = self.read_extra(&name, attrs, false)?;
                        self.header.extras.push(extra);
                    } else {
                        self.skip_element()?;
                    }
                }
                Event::End(_) => return Ok(()),
                Event::Eof => return Err(self.xml.error("unexpected end of file in <header>")),
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
                    return Err(self.xml.error(format!("unexpected <{name}> after <body>")));
                }
                _ => {}
            }
        }
    }

    /// Reads the next unit into `unit` (its buffers are reused).
    ///
    /// A problem confined to one unit (a `<tuv>` without a language, broken inline codes) is returned
    /// as [`Item::Problem`] and reading can go on; malformed XML is an error.
    pub fn read_unit(&mut self, unit: &mut TranslationUnit) -> Result<Item> {
        if self.finished {
            return Ok(Item::End);
        }
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Start(e) if e.name().as_ref() == "tu" => {
                    let attrs = self.xml.ev.attributes(&e)?;
                    unit.clear();
                    // Set in place: a unit's location is built only for a problem.
                    (self.unit_start.line, self.unit_start.column) = self.xml.ev.mark();
                    if self.unit_start.path != self.xml.ev.name {
                        self.unit_start.path.clone_from(&self.xml.ev.name);
                    }
                    return match self.read_tu(attrs, unit)? {
                        Ok(()) => Ok(Item::Unit),
                        Err(mut problem) => {
                            if problem.location.line == 0 {
                                problem.location = self.unit_start.clone();
                            }
                            Ok(Item::Problem(problem))
                        }
                    };
                }
                Event::Empty(e) if e.name().as_ref() == "tu" => {
                    return Ok(Item::Problem(self.xml.problem("<tu> has no <tuv>")));
                }
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    let problem = self.xml.problem(format!("unexpected <{name}> in <body>"));
                    self.skip_element()?;
                    return Ok(Item::Problem(problem));
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    return Ok(Item::Problem(
                        self.xml.problem(format!("unexpected <{name}/> in <body>")),
                    ));
                }
                Event::End(_) => {
                    // </body>
                    self.finished = true;
                    loop {
                        match self.xml.next(&mut self.buf)? {
                            Event::End(_) => break,
                            Event::Eof => {
                                return Err(self
                                    .xml
                                    .error("unexpected end of file: <tmx> is never closed"));
                            }
                            Event::Start(e) | Event::Empty(e) => {
                                let name = e.name().as_ref().to_string();
                                return Err(self
                                    .xml
                                    .error(format!("unexpected <{name}> after <body>")));
                            }
                            _ => {}
                        }
                    }
                    self.expect_end_of_document()?;
                    return Ok(Item::End);
                }
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <body> is never closed (the file may be truncated)",
                    ));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t)?,
                _ => {}
            }
        }
    }

    /// Reads the content of a `<tu>`; the outer result is fatal, the inner one a unit problem.
    fn read_tu(
        &mut self,
        attrs: Vec<(String, String)>,
        unit: &mut TranslationUnit,
    ) -> Result<Result<(), Problem>> {
        let mut srclang = None;
        for (k, v) in attrs {
            match k.as_str() {
                "tuid" => unit.tuid = Some(v),
                "srclang" => srclang = Some(v),
                _ => {
                    if !unit.admin.set(&k, &v) {
                        unit.attrs.push((k, v));
                    }
                }
            }
        }
        let mut problem: Option<Problem> = None;
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = Child::of(e.name().as_ref());
                    let attrs = self.xml.ev.attributes(&e)?;
                    match name {
                        Child::Tuv => match self.read_tuv(attrs)? {
                            Ok(v) => unit.variants.push(v),
                            Err(p) => {
                                problem.get_or_insert(p);
                            }
                        },
                        Child::Prop | Child::Note => {
                            unit.extras
                                .push(self.read_extra(name.as_str(), attrs, false)?)
                        }
                        Child::Seg | Child::Other(_) => {
                            problem.get_or_insert(
                                self.xml
                                    .problem(format!("unexpected <{}> in <tu>", name.as_str())),
                            );
                            self.skip_element()?;
                        }
                    }
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    match name.as_str() {
                        "prop" | "note" => unit.extras.push(self.read_extra(&name, attrs, true)?),
                        "tuv" => {
                            problem.get_or_insert(self.xml.problem("<tuv> has no <seg>"));
                        }
                        _ => {
                            problem.get_or_insert(
                                self.xml.problem(format!("unexpected <{name}/> in <tu>")),
                            );
                        }
                    }
                }
                Event::End(_) => break,
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <tu> is never closed (the file may be truncated)",
                    ));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t)?,
                _ => {}
            }
        }
        if let Some(p) = problem {
            return Ok(Err(p));
        }
        if unit.variants.is_empty() {
            return Ok(Err(Problem {
                location: Location {
                    path: String::new(),
                    line: 0,
                    column: 0,
                },
                message: "<tu> has no <tuv>".to_string(),
            }));
        }
        unit.source = Some(self.resolve_source(srclang.as_deref(), &unit.variants));
        Ok(Ok(()))
    }

    /// Picks the source variant's language: the unit's srclang, else the header's, matched exactly
    /// and then by primary language, else the first variant.
    fn resolve_source(&self, srclang: Option<&str>, variants: &[Variant]) -> Lang {
        let unit_lang = srclang
            .filter(|s| !s.eq_ignore_ascii_case("*all*"))
            .and_then(|s| Lang::parse(s).ok());
        for wanted in [unit_lang.as_ref(), self.header_srclang.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Some(v) = variants.iter().find(|v| &v.lang == wanted) {
                return v.lang.clone();
            }
            if let Some(v) = variants
                .iter()
                .find(|v| v.lang.primary() == wanted.primary())
            {
                return v.lang.clone();
            }
        }
        variants[0].lang.clone()
    }

    fn read_tuv(&mut self, attrs: Vec<(String, String)>) -> Result<Result<Variant, Problem>> {
        let tuv_mark = self.xml.ev.mark();
        let mut lang_attr = None;
        let mut old_lang = None;
        let mut admin = Admin::default();
        let mut other = Vec::new();
        for (k, v) in attrs {
            match k.as_str() {
                "xml:lang" => lang_attr = Some(v),
                "lang" => old_lang = Some(v),
                _ => {
                    if !admin.set(&k, &v) {
                        other.push((k, v));
                    }
                }
            }
        }
        let mut problem = None;
        let lang = match lang_attr.or(old_lang) {
            None => {
                problem = Some(Problem {
                    location: self.xml.ev.at(tuv_mark),
                    message: "<tuv> has no xml:lang".to_string(),
                });
                None
            }
            Some(tag) => match self.parse_lang(&tag) {
                Ok(l) => Some(l),
                Err(_) => {
                    problem = Some(Problem {
                        location: self.xml.ev.at(tuv_mark),
                        message: format!("<tuv> has an invalid xml:lang {tag:?}"),
                    });
                    None
                }
            },
        };
        let mut extras = Vec::new();
        let mut seg: Option<(String, Option<String>)> = None;
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Start(e) => {
                    let name = Child::of(e.name().as_ref());
                    let attrs = self.xml.ev.attributes(&e)?;
                    match name {
                        Child::Seg => {
                            let result = self.read_seg()?;
                            if seg.is_some() {
                                problem.get_or_insert(self.xml.problem("<tuv> has two <seg>"));
                            }
                            match result {
                                Ok(s) => seg = Some(s),
                                Err(p) => {
                                    problem.get_or_insert(p);
                                }
                            }
                        }
                        Child::Prop | Child::Note => {
                            extras.push(self.read_extra(name.as_str(), attrs, false)?)
                        }
                        Child::Tuv | Child::Other(_) => {
                            problem.get_or_insert(
                                self.xml
                                    .problem(format!("unexpected <{}> in <tuv>", name.as_str())),
                            );
                            self.skip_element()?;
                        }
                    }
                }
                Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(&e)?;
                    match name.as_str() {
                        "seg" => seg = Some((String::new(), None)),
                        "prop" | "note" => extras.push(self.read_extra(&name, attrs, true)?),
                        _ => {
                            problem.get_or_insert(
                                self.xml.problem(format!("unexpected <{name}/> in <tuv>")),
                            );
                        }
                    }
                }
                Event::End(_) => break,
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <tuv> is never closed (the file may be truncated)",
                    ));
                }
                Event::Text(t) => self.xml.ev.check_chars(&t)?,
                _ => {}
            }
        }
        if let Some(p) = problem {
            return Ok(Err(p));
        }
        let Some((text, markup)) = seg else {
            return Ok(Err(Problem {
                location: self.xml.ev.at(tuv_mark),
                message: "<tuv> has no <seg>".to_string(),
            }));
        };
        let lang = lang.expect("a tuv without a language was reported as a problem above");
        Ok(Ok(Variant {
            lang,
            text,
            markup,
            admin,
            attrs: other,
            extras,
        }))
    }

    fn parse_lang(&mut self, tag: &str) -> Result<Lang> {
        if let Some((_, l)) = self.lang_cache.iter().find(|(t, _)| t == tag) {
            return Ok(l.clone());
        }
        let l = Lang::parse(tag)?;
        if self.lang_cache.len() < 64 {
            self.lang_cache.push((tag.to_string(), l.clone()));
        }
        Ok(l)
    }

    /// Reads a `<seg>`'s content: its plain text, and its markup when it has inline elements.
    ///
    /// A segment longer than the limit (see [`crate::model::Limits`]) is a problem of its unit:
    /// the rest of it is read and dropped, never held.
    fn read_seg(&mut self) -> Result<Result<(String, Option<String>), Problem>> {
        let seg_mark = self.xml.ev.mark();
        self.xml.ev.skip_long_text = true;
        let result = self.read_seg_content(seg_mark);
        self.xml.ev.skip_long_text = false;
        self.xml.ev.take_truncated();
        result
    }

    fn read_seg_content(
        &mut self,
        seg_mark: (u64, u64),
    ) -> Result<Result<(String, Option<String>), Problem>> {
        let max = self.xml.ev.limits().max_segment_bytes;
        let mut text = String::new();
        let mut markup: Option<String> = None;
        let mut stack: Vec<Inline> = Vec::new();
        let mut code_depth = 0usize;
        // `bpt` ids: how many are open, and the order they were opened in.
        let mut open_i: std::collections::HashMap<String, usize> = Default::default();
        let mut opened_i: Vec<String> = Vec::new();
        let mut seen_i: std::collections::HashSet<String> = Default::default();
        let mut problem: Option<Problem> = None;
        // The content of an open character code, `None` once something else than text is in it.
        let mut char_code: Option<String> = None;
        let mut saw_char_code = false;
        let mut too_long = false;
        loop {
            if !too_long
                && (self.xml.ev.take_truncated()
                    || text.len() + markup.as_ref().map_or(0, String::len) > max)
            {
                // Past the limit: say so, free what was read, and read the rest without keeping it.
                too_long = true;
                text = String::new();
                markup = None;
                problem = Some(Problem {
                    location: self.xml.ev.at(seg_mark),
                    message: format!(
                        "<seg> is longer than {}, the limit for one segment: raise the \
                         limit with --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)",
                        crate::model::limits::describe_bytes(max)
                    ),
                });
            }
            let ev = self.xml.next(&mut self.buf)?;
            if too_long {
                // Only the end of the segment matters now; the reader still checks the XML.
                match ev {
                    Event::Start(_) => stack.push(Inline {
                        name: String::new(),
                        char_code: false,
                    }),
                    Event::End(_) if stack.pop().is_none() => break,
                    Event::Eof => {
                        return Err(self.xml.error(
                            "unexpected end of file: <seg> is never closed (the file may be truncated)",
                        ));
                    }
                    Event::Text(t) => self.xml.ev.check_chars(&t.xml10_content())?,
                    _ => {}
                }
                continue;
            }
            match ev {
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.xml.ev.check_chars(&content)?;
                    if let Some(c) = char_code.as_mut() {
                        c.push_str(&content);
                    }
                    push_text(&content, code_depth == 0, &mut text, &mut markup);
                }
                Event::CData(c) => {
                    let content = c.xml10_content();
                    self.xml.ev.check_chars(&content)?;
                    if let Some(c) = char_code.as_mut() {
                        c.push_str(&content);
                    }
                    push_text(&content, code_depth == 0, &mut text, &mut markup);
                }
                Event::GeneralRef(r) => {
                    let c = self.xml.ev.resolve_ref(&r)?;
                    if let Some(code) = char_code.as_mut() {
                        code.push(c);
                    }
                    let mut tmp = [0u8; 4];
                    push_text(
                        c.encode_utf8(&mut tmp),
                        code_depth == 0,
                        &mut text,
                        &mut markup,
                    );
                }
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(ev, Event::Empty(_));
                    let name = e.name().as_ref().to_string();
                    let attrs = self.xml.ev.attributes(e)?;
                    // Anything inside a character code makes it an ordinary code.
                    char_code = None;
                    let is_char_code = !empty
                        && code_depth == 0
                        && name == "ph"
                        && attrs
                            .iter()
                            .any(|(k, v)| k == "type" && v == xml::CHAR_CODE_TYPE);
                    if !matches!(
                        name.as_str(),
                        "bpt" | "ept" | "it" | "ph" | "hi" | "sub" | "ut"
                    ) {
                        problem.get_or_insert(self.xml.problem(format!(
                            "unknown inline element <{name}> in <seg>: TMX allows bpt, ept, it, \
                             ph, hi, sub and ut"
                        )));
                    }
                    let i = attrs.iter().find(|(k, _)| k == "i").map(|(_, v)| v.clone());
                    match (name.as_str(), &i) {
                        ("bpt", Some(i)) => {
                            if !seen_i.insert(i.clone()) {
                                problem.get_or_insert(self.xml.problem(format!(
                                    "<bpt i=\"{i}\"> repeats an i already used in this <seg>"
                                )));
                            } else {
                                opened_i.push(i.clone());
                            }
                            *open_i.entry(i.clone()).or_default() += 1;
                        }
                        ("ept", Some(i)) => match open_i.get_mut(i).filter(|n| **n > 0) {
                            Some(n) => {
                                *n -= 1;
                            }
                            None => {
                                problem.get_or_insert(self.xml.problem(format!(
                                    "<ept i=\"{i}\"> has no <bpt i=\"{i}\"> before it"
                                )));
                            }
                        },
                        ("bpt" | "ept", None) => {
                            problem.get_or_insert(
                                self.xml.problem(format!("<{name}> has no i attribute")),
                            );
                        }
                        _ => {}
                    }
                    let m = markup.get_or_insert_with(|| {
                        let mut m = String::with_capacity(text.len() + 32);
                        xml::escape_text(&text, &mut m);
                        m
                    });
                    m.push('<');
                    m.push_str(&name);
                    for (k, v) in &attrs {
                        m.push(' ');
                        m.push_str(k);
                        m.push_str("=\"");
                        xml::escape_attr(v, m);
                        m.push('"');
                    }
                    if empty {
                        m.push_str("/>");
                    } else {
                        m.push('>');
                        if CODE_ELEMENTS.contains(&name.as_str()) || name == "sub" {
                            code_depth += 1;
                        }
                        if is_char_code {
                            char_code = Some(String::new());
                        }
                        stack.push(Inline {
                            name,
                            char_code: is_char_code,
                        });
                    }
                }
                Event::End(_) => match stack.pop() {
                    None => break,
                    Some(inline) => {
                        if CODE_ELEMENTS.contains(&inline.name.as_str()) || inline.name == "sub" {
                            code_depth -= 1;
                        }
                        if inline.char_code
                            && let Some(c) =
                                char_code.take().as_deref().and_then(xml::parse_char_code)
                        {
                            text.push(c);
                            saw_char_code = true;
                        }
                        let m = markup
                            .as_mut()
                            .expect("markup exists once an inline element has started");
                        m.push_str("</");
                        m.push_str(&inline.name);
                        m.push('>');
                    }
                },
                Event::Eof => {
                    return Err(self.xml.error(
                        "unexpected end of file: <seg> is never closed (the file may be truncated)",
                    ));
                }
                Event::PI(ref pi) => {
                    if let Some(c) = xml::pi_char(pi) {
                        char_code = None;
                        let mut tmp = [0u8; 4];
                        push_text(
                            c.encode_utf8(&mut tmp),
                            code_depth == 0,
                            &mut text,
                            &mut markup,
                        );
                    }
                }
                Event::Comment(_) => {}
                Event::Decl(_) | Event::DocType(_) => {
                    return Err(self.xml.error("unexpected declaration inside <seg>"));
                }
            }
        }
        // Character codes exactly as the writer makes them from plain text leave no markup.
        if saw_char_code && let Some(m) = &markup {
            let mut plain = String::with_capacity(m.len());
            xml::escape_segment(&text, &mut plain);
            if plain == *m {
                markup = None;
            }
        }
        if let Some(i) = opened_i
            .iter()
            .find(|i| open_i.get(*i).is_some_and(|n| *n > 0))
        {
            problem.get_or_insert(self.xml.problem(format!(
                "<bpt i=\"{i}\"> has no matching <ept> in its <seg>"
            )));
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok((text, markup)),
        })
    }

    /// Reads a `<prop>` or `<note>` whose start tag (`empty` when self-closing) was just read.
    fn read_extra(
        &mut self,
        name: &str,
        attrs: Vec<(String, String)>,
        empty: bool,
    ) -> Result<Extra> {
        let text = if empty {
            String::new()
        } else {
            self.read_text(name)?
        };
        Ok(if name == "prop" {
            Extra::Prop(make_prop(attrs, text))
        } else {
            Extra::Note(make_note(attrs, text))
        })
    }

    /// Reads the text content of a `<prop>` or `<note>` up to its end tag.
    fn read_text(&mut self, element: &str) -> Result<String> {
        let mut out = String::new();
        loop {
            match self.xml.next(&mut self.buf)? {
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.xml.ev.check_chars(&content)?;
                    out.push_str(&content);
                }
                Event::CData(c) => out.push_str(&c.xml10_content()),
                Event::GeneralRef(r) => out.push(self.xml.ev.resolve_ref(&r)?),
                Event::PI(pi) => out.extend(xml::pi_char(&pi)),
                Event::End(_) => return Ok(out),
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().as_ref().to_string();
                    return Err(self.xml.error(format!(
                        "unexpected <{name}> in <{element}>: it holds text only"
                    )));
                }
                Event::Eof => {
                    return Err(self.xml.error(format!(
                        "unexpected end of file: <{element}> is never closed"
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

/// A child element of `<tu>` or `<tuv>`, told by its name without copying it (the name of an
/// unexpected one is kept for its message).
enum Child {
    Tuv,
    Seg,
    Prop,
    Note,
    Other(String),
}

impl Child {
    fn of(name: &str) -> Child {
        match name {
            "tuv" => Child::Tuv,
            "seg" => Child::Seg,
            "prop" => Child::Prop,
            "note" => Child::Note,
            other => Child::Other(other.to_string()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Child::Tuv => "tuv",
            Child::Seg => "seg",
            Child::Prop => "prop",
            Child::Note => "note",
            Child::Other(name) => name,
        }
    }
}

fn push_text(s: &str, plain: bool, text: &mut String, markup: &mut Option<String>) {
    if plain {
        text.push_str(s);
    }
    if let Some(m) = markup {
        xml::escape_text(s, m);
    }
}

fn attr_value(e: &BytesStart<'_>, xml: &Xml, name: &str) -> Result<Option<String>> {
    Ok(xml
        .ev
        .attributes(e)?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v))
}

fn make_prop(attrs: Vec<(String, String)>, value: String) -> Prop {
    let mut prop = Prop {
        kind: String::new(),
        lang: None,
        encoding: None,
        value,
    };
    for (k, v) in attrs {
        match k.as_str() {
            "type" => prop.kind = v,
            "xml:lang" | "lang" => prop.lang = Some(v),
            "o-encoding" => prop.encoding = Some(v),
            _ => {}
        }
    }
    prop
}

fn make_note(attrs: Vec<(String, String)>, text: String) -> Note {
    let mut note = Note {
        lang: None,
        encoding: None,
        text,
    };
    for (k, v) in attrs {
        match k.as_str() {
            "xml:lang" | "lang" => note.lang = Some(v),
            "o-encoding" => note.encoding = Some(v),
            _ => {}
        }
    }
    note
}

impl ItemReader for Reader {
    type Unit = TranslationUnit;

    fn read_item(&mut self, unit: &mut TranslationUnit) -> Result<Item> {
        self.read_unit(unit)
    }
}
