//! The walker: the tokens of a page turned into blocks with inline codes, the attributes a
//! reader sees and the places merge needs, keeping a stack of the open block elements.

use html5gum::Span;
use html5gum::emitters::callback::CallbackEvent;

use super::tags::{self, Class};
use super::tokenizer::decode_fragment;
use super::{
    AttrSite, Item, ItemKind, MAX_DEPTH, MAX_OPEN_INLINE, Name, Opaque, Parsed, Place, Run,
    TagAttr, Text, ValueSite, Walker,
};
use crate::error::{ErrorKind, Location, Result};
use crate::formats::document::{Block, Code, Piece, Role};
use crate::model::limits::describe_bytes;

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// White space collapsed to single spaces, as a browser shows text.
fn collapse(s: &str, out: &mut String) {
    let mut plain = true;
    let mut after_space = false;
    for &c in s.as_bytes() {
        match c {
            b'\t' | b'\n' | b'\r' | b'\x0c' => plain = false,
            b' ' if after_space => plain = false,
            _ => {}
        }
        after_space = c == b' ';
    }
    if plain {
        out.push_str(s);
        return;
    }
    let mut space = false;
    for c in s.chars() {
        if is_space(c) {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
}

impl<'t, 's> Walker<'t, 's> {
    pub(super) fn new(
        text: Text<'t>,
        name: &'t str,
        places: bool,
        limit: Option<usize>,
        sink: &'s mut dyn FnMut(Block) -> Result<()>,
    ) -> Walker<'t, 's> {
        Walker {
            natives: matches!(text, Text::Whole(_)),
            text,
            name,
            places,
            limit,
            pending: 0,
            last_end: 0,
            failed: None,
            sink,
            out: Parsed::default(),
            stack: Vec::new(),
            run: Run::default(),
            opaque: None,
            in_start: false,
            tag_start: 0,
            tag_name: Vec::new(),
            attrs: Vec::new(),
            n_attrs: 0,
            skip_attr: false,
            ids: Vec::new(),
            content_seen: false,
        }
    }

    /// Hands a block out; the first error stops the reading.
    fn emit(&mut self, block: Block) {
        if self.failed.is_none()
            && let Err(e) = (self.sink)(block)
        {
            self.failed = Some(e);
        }
    }

    /// Stops the reading: the block being read (or, before it has anything, the token at `at`)
    /// is longer than the limit.
    #[cold]
    pub(super) fn refuse(&mut self, at: usize) {
        if self.failed.is_some() {
            return;
        }
        let max = self.limit.unwrap_or(0);
        let at = self.run.items.first().map_or(at, |it| it.start);
        let (line, column) = match &self.text {
            Text::Window(w) => w.borrow_mut().locate(at),
            Text::Whole(t) => {
                let before = &t.as_bytes()[..at.min(t.len())];
                let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
                (
                    1 + memchr::memchr_iter(b'\n', before).count() as u64,
                    1 + String::from_utf8_lossy(&before[line_start..])
                        .chars()
                        .count() as u64,
                )
            }
        };
        let context = self
            .run
            .context
            .or(self.stack.last().copied())
            .map_or("body".to_string(), |n| n.as_str().to_string());
        self.failed = Some(
            ErrorKind::Limit {
                location: Location {
                    path: self.name.to_string(),
                    line,
                    column,
                },
                message: format!(
                    "a block of text in <{context}> is longer than {}, the limit for one \
                     segment (is the page missing its paragraph tags?): raise the limit with \
                     --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)",
                    describe_bytes(max)
                ),
            }
            .into(),
        );
    }

    /// Refuses the block being read when it is over the limit: its text, and a few bytes for
    /// each of its items.
    fn check_run(&mut self) {
        if let Some(limit) = self.limit
            && self.run.buf.len() + 8 * self.run.items.len() > limit
        {
            self.refuse(self.last_end);
        }
    }

    pub(super) fn event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) {
        let len = self.text.len();
        let span = Span {
            start: span.start.min(len),
            end: span.end.min(len),
        };
        self.pending = 0;
        self.last_end = span.end;
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.content_seen = true;
                self.in_start = true;
                self.tag_start = span.start;
                self.tag_name.clear();
                self.tag_name.extend_from_slice(name);
                self.n_attrs = 0;
            }
            CallbackEvent::AttributeName { name } if self.in_start => {
                // Only the attributes tmkit reads are kept (not `href`, `src`, `style`...).
                self.skip_attr = !tags::attribute_read(name)
                    || self.attrs[..self.n_attrs].iter().any(|a| a.name == name);
                if !self.skip_attr {
                    if self.n_attrs == self.attrs.len() {
                        self.attrs.push(TagAttr::default());
                    }
                    let a = &mut self.attrs[self.n_attrs];
                    a.name.clear();
                    a.name.extend_from_slice(name);
                    a.value.clear();
                    a.name_end = span.end;
                    a.value_span = None;
                    self.n_attrs += 1;
                }
            }
            CallbackEvent::AttributeValue { value } if self.in_start && !self.skip_attr => {
                if let Some(a) = self.n_attrs.checked_sub(1).map(|i| &mut self.attrs[i]) {
                    a.value.extend_from_slice(value);
                    a.value_span = Some((span.start, span.end));
                }
            }
            CallbackEvent::CloseStartTag { self_closing } if self.in_start => {
                self.in_start = false;
                self.start_tag(span.end, self_closing);
            }
            CallbackEvent::EndTag { name } => {
                self.content_seen = true;
                self.in_start = false;
                self.end_tag(name, span.start, span.end);
            }
            CallbackEvent::String { value } if self.opaque.is_some() => {
                self.content_seen |= !value.trim_ascii().is_empty();
            }
            CallbackEvent::String { value } => {
                self.content_seen |= !value.trim_ascii().is_empty();
                self.text_token(value, span.start, span.end);
            }
            CallbackEvent::Comment { .. } if self.opaque.is_none() => {
                self.push_code(ItemKind::Standalone, span.start, span.end, "x-comment");
            }
            CallbackEvent::Doctype { .. } if self.opaque.is_none() => {
                self.flush();
                // Where `<html lang>` goes in a page without `<html>`: after a doctype that
                // starts the page.
                if !self.content_seen {
                    self.out.doctype_end.get_or_insert(span.end);
                }
            }
            _ => {}
        }
    }

    /// The decoded text between two token boundaries (empty if they are not character
    /// boundaries, which the tokenizer's spans always are, or no longer held).
    fn slice(&self, start: usize, end: usize) -> String {
        self.text.with(start, end, |b| {
            b.and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default()
                .to_string()
        })
    }

    fn attr(&self, name: &[u8]) -> Option<&TagAttr> {
        self.attrs[..self.n_attrs].iter().find(|a| a.name == name)
    }

    /// Where the value of an attribute is, quoted or not (an empty value has no span from the
    /// tokenizer: it is found after the `=`).
    fn value_site(&self, a: &TagAttr) -> Option<ValueSite> {
        let b = |i: usize| self.text.byte(i);
        if let Some((start, end)) = a.value_span {
            let before = start.checked_sub(1).and_then(b);
            let quote = match (before, b(end)) {
                (Some(q @ (b'"' | b'\'')), Some(q2)) if q == q2 => q,
                _ => 0,
            };
            return Some(ValueSite { start, end, quote });
        }
        let mut i = a.name_end;
        while b(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if b(i) != Some(b'=') {
            return None;
        }
        i += 1;
        while b(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        match (b(i), b(i + 1)) {
            (Some(q @ (b'"' | b'\'')), Some(q2)) if q == q2 => Some(ValueSite {
                start: i + 1,
                end: i + 1,
                quote: q,
            }),
            _ => None,
        }
    }

    fn site(&self, name: &[u8]) -> Option<AttrSite> {
        self.attr(name).map(|a| AttrSite {
            name_end: a.name_end,
            value: self.value_site(a),
        })
    }

    fn protected(&self) -> bool {
        self.attr(b"translate")
            .is_some_and(|a| a.value.trim_ascii().eq_ignore_ascii_case(b"no"))
            || self.attr(b"class").is_some_and(|a| {
                a.value
                    .split(|b| b.is_ascii_whitespace())
                    .any(|c| c == b"notranslate")
            })
    }

    fn start_tag(&mut self, tag_end: usize, self_closing: bool) {
        if let Some(op) = &mut self.opaque {
            if op.name == self.tag_name {
                op.depth += 1;
            }
            return;
        }
        let class = tags::class(&self.tag_name);
        if matches!(class, Class::Block | Class::BlockVoid | Class::BlockOpaque) {
            self.flush();
        }
        let protected = self.protected();
        let tag_name = std::mem::take(&mut self.tag_name);
        self.start_tag_named(&tag_name, class, protected, tag_end, self_closing);
        self.tag_name = tag_name;
    }

    fn start_tag_named(
        &mut self,
        tag_name: &[u8],
        class: Class,
        protected: bool,
        tag_end: usize,
        self_closing: bool,
    ) {
        let tag = std::str::from_utf8(tag_name).unwrap_or("");
        match tag {
            "html" if self.out.html_insert.is_none() => {
                let start = self.tag_start;
                if self.text.with(start, start + 5, |b| {
                    b.is_some_and(|b| b.eq_ignore_ascii_case(b"<html"))
                }) {
                    self.out.html_insert = Some(self.tag_start + 5);
                }
                self.out.html_lang = self.site(b"lang");
                self.out.xml_lang = self.site(b"xml:lang");
                let lang = self
                    .attr(b"lang")
                    .or_else(|| self.attr(b"xml:lang"))
                    .map(|a| String::from_utf8_lossy(a.value.trim_ascii()).into_owned())
                    .filter(|l| !l.is_empty());
                if lang.is_some() {
                    self.out.lang = lang;
                }
            }
            "body" if !self.out.body_seen => {
                self.out.body_seen = true;
                for name in [b"lang".as_slice(), b"xml:lang"] {
                    if let Some(site) = self.site(name) {
                        self.out.body_lang.push(site);
                    }
                }
            }
            "meta" => {
                let equiv = self.attr(b"http-equiv").map(|a| a.value.trim_ascii());
                if equiv.is_some_and(|e| e.eq_ignore_ascii_case(b"content-language"))
                    && let Some(site) = self.site(b"content")
                {
                    if self.out.lang.is_none() {
                        self.out.lang = self
                            .attr(b"content")
                            .map(|a| String::from_utf8_lossy(a.value.trim_ascii()).into_owned())
                            .filter(|l| !l.is_empty());
                    }
                    self.out.meta_language.push(site);
                }
                let which = self
                    .attr(b"name")
                    .or_else(|| self.attr(b"property"))
                    .and_then(|a| tags::translatable_meta(&a.value));
                if let (Some(which), false) = (which, protected)
                    && let Some(a) = self.attr(b"content")
                {
                    let site = self.value_site(a);
                    let value = String::from_utf8_lossy(&a.value).into_owned();
                    self.attribute_block(format!("meta {which}"), &value, site);
                }
            }
            _ => {}
        }
        if !protected {
            let input_type = if tag == "input" {
                self.attr(b"type").map(|a| a.value.clone())
            } else {
                None
            };
            for i in 0..self.n_attrs {
                let a = &self.attrs[i];
                let attr = std::str::from_utf8(&a.name).unwrap_or("");
                if let Some(which) = tags::translatable_attribute(tag, attr, input_type.as_deref())
                {
                    let site = self.value_site(a);
                    let value = String::from_utf8_lossy(&a.value).into_owned();
                    self.attribute_block(format!("{tag} {which}"), &value, site);
                }
            }
        }
        let start = self.tag_start;
        match class {
            Class::Block if protected => self.start_opaque(tag_name, start, None),
            Class::Block => {
                if let Some(name) = Name::new(tag_name) {
                    // A second html, head or body adds nothing to the tree.
                    let again =
                        matches!(tag, "html" | "head" | "body") && self.stack.contains(&name);
                    self.implied_end_tags(name.as_str());
                    if self.stack.len() < MAX_DEPTH && !again {
                        self.stack.push(name);
                    }
                }
            }
            Class::BlockVoid => {
                if tag_name == b"hr" {
                    self.close_p();
                }
            }
            Class::BlockOpaque => {
                self.close_p();
                self.start_opaque(tag_name, start, None);
            }
            Class::Inline(_) if protected => {
                self.start_opaque(tag_name, start, Some("x-protected"))
            }
            Class::Inline(ctype) if self.run.open.len() >= MAX_OPEN_INLINE => {
                // So deep it can only be broken markup: a standalone code (and closing stays
                // linear).
                self.push_code(ItemKind::Standalone, start, tag_end, ctype);
            }
            Class::Inline(ctype) => {
                let at = self.run.items.len();
                let from = self.run.names.len();
                self.run.names.extend_from_slice(tag_name);
                self.run.open.push((from, self.run.names.len(), at));
                self.push_code(ItemKind::Open, start, tag_end, ctype);
            }
            Class::InlineVoid(ctype) => {
                let ctype = if protected { "x-protected" } else { ctype };
                self.push_code(ItemKind::Standalone, start, tag_end, ctype);
            }
            Class::InlineOpaque(ctype) => {
                let foreign = matches!(tag, "svg" | "math");
                if self_closing && foreign {
                    self.push_code(ItemKind::Standalone, start, tag_end, ctype);
                } else {
                    let ctype = if protected { "x-protected" } else { ctype };
                    self.start_opaque(tag_name, start, Some(ctype));
                }
            }
        }
    }

    fn start_opaque(&mut self, name: &[u8], start: usize, inline: Option<&'static str>) {
        self.opaque = Some(Opaque {
            name: name.to_vec(),
            start,
            depth: 1,
            stack_len: self.stack.len(),
            inline,
        });
    }

    fn end_opaque(&mut self, end: usize) {
        if let Some(op) = self.opaque.take()
            && let Some(ctype) = op.inline
        {
            self.push_code(ItemKind::Standalone, op.start, end, ctype);
        }
    }

    fn end_tag(&mut self, name: &[u8], start: usize, end: usize) {
        if let Some(op) = &mut self.opaque {
            if op.name == name {
                op.depth -= 1;
                if op.depth == 0 {
                    self.end_opaque(end);
                }
                return;
            }
            let below = op.stack_len.min(self.stack.len());
            let ancestor = Name::new(name).is_some_and(|n| self.stack[..below].contains(&n));
            if !ancestor || matches!(name, b"body" | b"html") {
                return;
            }
            self.end_opaque(start);
        }
        match tags::class(name) {
            Class::Block => {
                self.flush();
                if matches!(name, b"body" | b"html") {
                    return;
                }
                if let Some(n) = Name::new(name) {
                    let scoped = tags::is_scope(n.as_str());
                    for i in (0..self.stack.len()).rev() {
                        if self.stack[i] == n {
                            self.stack.truncate(i);
                            break;
                        }
                        if !scoped && tags::is_scope(self.stack[i].as_str()) {
                            break;
                        }
                    }
                }
            }
            Class::BlockVoid | Class::BlockOpaque => self.flush(),
            Class::Inline(ctype) => self.close_inline(name, start, end, ctype),
            Class::InlineVoid(ctype) | Class::InlineOpaque(ctype) => {
                self.push_code(ItemKind::Standalone, start, end, ctype)
            }
        }
    }

    /// Pops the open block elements that `name` closes by the HTML parsing rules.
    fn implied_end_tags(&mut self, name: &str) {
        if tags::closes_p(name) {
            self.close_p();
        }
        let find = |stack: &[Name], targets: &[&str], stops: &[&str]| -> Option<usize> {
            for i in (0..stack.len()).rev() {
                let s = stack[i].as_str();
                if targets.contains(&s) {
                    return Some(i);
                }
                if stops.contains(&s) || tags::is_scope(s) && !targets.contains(&s) {
                    return None;
                }
            }
            None
        };
        let at = match name {
            "li" => find(&self.stack, &["li"], &["ul", "ol", "menu"]),
            "dt" | "dd" => find(&self.stack, &["dt", "dd"], &["dl"]),
            "td" | "th" => find(&self.stack, &["td", "th"], &["tr", "table"]),
            "tr" => find(&self.stack, &["tr"], &["table", "thead", "tbody", "tfoot"]),
            "thead" | "tbody" | "tfoot" => find(&self.stack, &["thead", "tbody", "tfoot"], &[]),
            "option" | "optgroup" => {
                let mut at = None;
                for t in ["option", "optgroup"] {
                    let n = self.stack.len();
                    if n > 0 && self.stack[n - 1].as_str() == t && (t == "option" || name == t) {
                        at = Some(n - 1);
                        self.stack.truncate(n - 1);
                    }
                }
                at
            }
            "body" => find(&self.stack, &["head"], &[]),
            _ if tags::is_heading(name) => self
                .stack
                .last()
                .filter(|n| tags::is_heading(n.as_str()))
                .map(|_| self.stack.len() - 1),
            _ => None,
        };
        if let Some(at) = at {
            self.stack.truncate(at);
        }
    }

    fn close_p(&mut self) {
        for i in (0..self.stack.len()).rev() {
            let s = self.stack[i].as_str();
            if s == "p" {
                self.stack.truncate(i);
                return;
            }
            if tags::is_scope(s) {
                return;
            }
        }
    }

    fn push_code(&mut self, kind: ItemKind, start: usize, end: usize, ctype: &'static str) {
        self.run.items.push(Item {
            kind,
            start,
            end,
            ctype,
        });
        self.check_run();
    }

    /// An inline end tag: closes the innermost open element of that name in the text; the
    /// elements opened inside it and not closed become standalone codes.
    fn close_inline(&mut self, name: &[u8], start: usize, end: usize, ctype: &'static str) {
        let run = &mut self.run;
        let found = run
            .open
            .iter()
            .rposition(|&(from, to, _)| &run.names[from..to] == name);
        match found {
            Some(k) => {
                for &(_, _, item) in &run.open[k + 1..] {
                    run.items[item].kind = ItemKind::Standalone;
                }
                let (from, _, item) = run.open[k];
                run.open.truncate(k);
                run.names.truncate(from);
                let ctype = run.items[item].ctype;
                self.push_code(ItemKind::Close { open: item }, start, end, ctype);
            }
            None => self.push_code(ItemKind::Standalone, start, end, ctype),
        }
    }

    /// A text token; server tags in it (`<% ... %>`, JSP and ASP, which HTML reads as text)
    /// are standalone codes.
    fn text_token(&mut self, value: &[u8], start: usize, end: usize) {
        let server = self.text.with(start, end, |raw| {
            raw.map(|raw| memchr::memchr_iter(b'<', raw).any(|i| raw.get(i + 1) == Some(&b'%')))
        });
        match server {
            Some(false) => return self.text_item(value, start, end),
            Some(true) => {}
            // Streaming, a token longer than the window holds: over the limit.
            None => return self.refuse(start),
        }
        let raw = self.slice(start, end);
        let raw = raw.as_bytes();
        let mut at = start;
        while let Some(open) = memchr::memmem::find(&raw[at - start..], b"<%") {
            let s = at + open;
            let e =
                memchr::memmem::find(&raw[s + 2 - start..], b"%>").map_or(end, |c| s + 2 + c + 2);
            if s > at {
                let decoded = decode_fragment(&self.slice(at, s));
                self.text_item(decoded.as_bytes(), at, s);
            }
            self.push_code(ItemKind::Standalone, s, e, "x-server");
            at = e;
        }
        if at < end {
            let decoded = decode_fragment(&self.slice(at, end));
            self.text_item(decoded.as_bytes(), at, end);
        }
    }

    fn text_item(&mut self, value: &[u8], start: usize, end: usize) {
        let value = match std::str::from_utf8(value) {
            Ok(v) => std::borrow::Cow::Borrowed(v),
            Err(_) => String::from_utf8_lossy(value),
        };
        let run = &mut self.run;
        if !run.has_text && !value.chars().all(char::is_whitespace) {
            run.has_text = true;
            run.context = self.stack.last().copied();
        }
        let from = run.buf.len();
        run.buf.push_str(&value);
        run.items.push(Item {
            kind: ItemKind::Text {
                from,
                to: run.buf.len(),
            },
            start,
            end,
            ctype: "",
        });
        self.check_run();
    }

    fn attribute_block(&mut self, name: String, value: &str, site: Option<ValueSite>) {
        let Some(site) = site else { return };
        let mut text = String::new();
        collapse(value, &mut text);
        let text = text.trim_matches(' ');
        if text.chars().all(char::is_whitespace) {
            return;
        }
        self.emit(Block::text("x-attribute", name, text.to_string()));
        if self.places {
            self.out.places.push(Place::Attr(site));
        }
    }

    /// Ends the current text: a block if it has text that is not white space.
    fn flush(&mut self) {
        let mut run = std::mem::take(&mut self.run);
        // An open code whose close was never seen is standalone.
        for &(_, _, item) in &run.open {
            run.items[item].kind = ItemKind::Standalone;
        }
        if run.has_text {
            self.block_of(&run);
        }
        // Keep the buffers.
        let Run {
            mut items,
            mut buf,
            mut open,
            mut names,
            ..
        } = run;
        items.clear();
        buf.clear();
        open.clear();
        names.clear();
        self.run = Run {
            items,
            buf,
            open,
            names,
            context: None,
            has_text: false,
        };
    }

    fn block_of(&mut self, run: &Run) {
        let items = &run.items;
        // White space and comments at the edges stay out of the block.
        let blank = |it: &Item| match it.kind {
            ItemKind::Text { from, to } => run.buf[from..to].chars().all(is_space),
            ItemKind::Standalone => it.ctype == "x-comment",
            _ => false,
        };
        let Some(first) = items.iter().position(|it| !blank(it)) else {
            return;
        };
        let last = items.iter().rposition(|it| !blank(it)).unwrap_or(first);
        let mut ids = std::mem::take(&mut self.ids);
        let space = |i: usize| self.text.byte(i).is_some_and(|c| c.is_ascii_whitespace());
        ids.clear();
        ids.resize(items.len(), 0);
        let mut next = 0u32;
        let mut pieces = Vec::with_capacity(last + 1 - first);
        let mut codes = Vec::new();
        let (mut block_start, mut block_end) = (items[first].start, items[last].end);
        for (i, it) in items.iter().enumerate().take(last + 1).skip(first) {
            match it.kind {
                ItemKind::Text { from, to } => {
                    let mut t = &run.buf[from..to];
                    if i == first {
                        t = t.trim_start_matches(is_space);
                        while self.places && block_start < block_end && space(block_start) {
                            block_start += 1;
                        }
                    }
                    if i == last {
                        t = t.trim_end_matches(is_space);
                        while self.places && block_end > block_start && space(block_end - 1) {
                            block_end -= 1;
                        }
                    }
                    let mut s = String::new();
                    collapse(t, &mut s);
                    if !s.is_empty() {
                        pieces.push(Piece::Text(s));
                    }
                }
                kind => {
                    let (id, role) = match kind {
                        ItemKind::Close { open } => (ids[open], Role::Close),
                        ItemKind::Open => {
                            next += 1;
                            (next, Role::Open)
                        }
                        _ => {
                            next += 1;
                            (next, Role::Standalone)
                        }
                    };
                    ids[i] = id;
                    pieces.push(Piece::Code(Code {
                        id,
                        role,
                        ctype: it.ctype.to_string(),
                        native: if self.natives {
                            self.slice(it.start, it.end)
                        } else {
                            String::new()
                        },
                    }));
                    if self.places {
                        codes.push((id, role, it.start, it.end));
                    }
                }
            }
        }
        self.ids = ids;
        let context = run.context.as_ref().map_or("body", Name::as_str);
        self.emit(Block {
            restype: tags::restype(context),
            name: context.to_string(),
            pieces,
        });
        if self.places {
            self.out.places.push(Place::Run {
                start: block_start,
                end: block_end,
                codes,
            });
        }
    }

    pub(super) fn finish(&mut self) {
        if let Some(op) = &self.opaque
            && op.inline.is_some()
        {
            self.end_opaque(self.text.len());
        }
        self.opaque = None;
        self.flush();
    }
}
