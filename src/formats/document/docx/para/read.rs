//! Reading a paragraph into pieces: its content flattened into atoms, complex fields resolved,
//! the atoms nested into links, fields and formatting, and the codes built level by level.

use super::{Atom, Bytes, CodeData, Container, Kind, Para, Side, Tracked, Tree};
use crate::formats::document::{Code, Piece, Role};

struct Flat<'t, 'a> {
    tree: &'t Tree<'a>,
    w: &'a [u8],
    atoms: Vec<Atom>,
    containers: Vec<Container>,
    ctx: usize,
    tracked: Tracked,
}

fn is_on(tree: &Tree<'_>, n: usize, w: &[u8]) -> bool {
    let attr = format!("{}:val", String::from_utf8_lossy(w));
    !matches!(
        tree.attr(n, &attr).as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

impl Flat<'_, '_> {
    fn push(&mut self, kind: Kind, bytes: Bytes) {
        self.atoms.push(Atom {
            kind,
            bytes,
            ctx: self.ctx,
        });
    }

    fn has_text(&self, n: usize) -> bool {
        let t = self.tree;
        t.elems(n)
            .any(|c| (t.is(c, self.w, b"t") && !t.text(c).is_empty()) || self.has_text(c))
    }

    /// Flattens paragraph-level content (the children of `w:p`, a hyperlink, a smart tag...).
    fn content(&mut self, n: usize) {
        let t = self.tree;
        let w = self.w;
        for c in t.elems(n).collect::<Vec<_>>() {
            if t.prefix(c) != w {
                match t.local(c) {
                    // Math and anything else: not text.
                    b"oMath" | b"oMathPara" => self.push(Kind::Object("x-math"), Bytes::Raw(c)),
                    _ => self.push(Kind::Object("x-code"), Bytes::Raw(c)),
                }
                continue;
            }
            match t.local(c) {
                b"pPr" | b"smartTagPr" | b"customXmlPr" | b"sdtPr" | b"sdtEndPr" => {}
                b"r" => self.run(c),
                b"hyperlink" | b"fldSimple" => {
                    let link = t.local(c) == b"hyperlink"
                        || t.attr(c, &format!("{}:instr", String::from_utf8_lossy(w)))
                            .is_some_and(|i| i.trim_start().starts_with("HYPERLINK"));
                    if t.local(c) == b"fldSimple" && !self.has_text(c) {
                        self.push(Kind::Object("x-field"), Bytes::Raw(c));
                        continue;
                    }
                    let id = self.containers.len();
                    self.containers.push(Container { node: c, link });
                    self.push(Kind::Open(id), Bytes::None);
                    let outer = self.ctx;
                    self.ctx = id + 1;
                    self.content(c);
                    self.ctx = outer;
                    self.push(Kind::Close, Bytes::None);
                }
                b"smartTag" | b"customXml" | b"dir" | b"bdo" | b"sdtContent" => self.content(c),
                b"sdt" => match t.child(c, w, b"sdtContent") {
                    Some(content) => self.content(content),
                    None => self.push(Kind::Object("x-code"), Bytes::Raw(c)),
                },
                b"ins" | b"moveTo" => {
                    self.tracked.insertions += 1;
                    self.content(c);
                }
                b"del" | b"moveFrom" => {
                    self.tracked.deletions += 1;
                    self.push(Kind::Marker(Side::Back), Bytes::Raw(c));
                }
                b"proofErr" => self.push(Kind::Drop, Bytes::None),
                b"bookmarkStart"
                | b"commentRangeStart"
                | b"permStart"
                | b"moveFromRangeStart"
                | b"moveToRangeStart"
                | b"customXmlInsRangeStart"
                | b"customXmlDelRangeStart"
                | b"customXmlMoveFromRangeStart"
                | b"customXmlMoveToRangeStart" => {
                    self.push(Kind::Marker(Side::Front), Bytes::Raw(c))
                }
                b"bookmarkEnd"
                | b"commentRangeEnd"
                | b"permEnd"
                | b"moveFromRangeEnd"
                | b"moveToRangeEnd"
                | b"customXmlInsRangeEnd"
                | b"customXmlDelRangeEnd"
                | b"customXmlMoveFromRangeEnd"
                | b"customXmlMoveToRangeEnd" => self.push(Kind::Marker(Side::Back), Bytes::Raw(c)),
                _ => self.push(Kind::Object("x-code"), Bytes::Raw(c)),
            }
        }
    }

    fn run(&mut self, r: usize) {
        let t = self.tree;
        let w = self.w;
        let rpr = t.child(r, w, b"rPr");
        if let Some(p) = rpr
            && let Some(v) = t.child(p, w, b"vanish")
            && is_on(t, v, w)
        {
            // Hidden text is not translated: the whole run is one code.
            if t.elems(r).any(|c| !t.is(c, w, b"rPr")) {
                self.push(Kind::Object("x-hidden"), Bytes::Raw(r));
            }
            return;
        }
        for c in t.elems(r).collect::<Vec<_>>() {
            let bytes = Bytes::Run { rpr, child: c };
            if t.prefix(c) != w {
                let ctype = match t.local(c) {
                    b"AlternateContent" => "image",
                    _ => "x-code",
                };
                self.push(Kind::Object(ctype), bytes);
                continue;
            }
            let kind = match t.local(c) {
                b"rPr" => continue,
                b"t" => Kind::Text(t.text(c)),
                b"noBreakHyphen" => Kind::Text("\u{2011}".to_string()),
                b"softHyphen" => Kind::Text("\u{AD}".to_string()),
                b"tab" | b"ptab" => Kind::Object("x-tab"),
                b"br" => {
                    let ty = t.attr(c, &format!("{}:type", String::from_utf8_lossy(w)));
                    Kind::Object(if ty.as_deref() == Some("page") {
                        "pb"
                    } else {
                        "lb"
                    })
                }
                b"cr" => Kind::Object("lb"),
                b"fldChar" => {
                    let ty = t.attr(c, &format!("{}:fldCharType", String::from_utf8_lossy(w)));
                    match ty.as_deref() {
                        Some("begin") => Kind::FldBegin,
                        Some("separate") => Kind::FldSep,
                        Some("end") => Kind::FldEnd,
                        _ => Kind::Object("x-field"),
                    }
                }
                b"instrText" | b"delInstrText" => Kind::Instr(t.text(c)),
                b"lastRenderedPageBreak" => Kind::Drop,
                b"delText" | b"commentReference" | b"annotationRef" => Kind::Marker(Side::Back),
                b"footnoteReference" | b"endnoteReference" => Kind::Object("x-footnote"),
                b"footnoteRef" | b"endnoteRef" | b"separator" | b"continuationSeparator" => {
                    Kind::Object("x-note-mark")
                }
                b"sym" => Kind::Object("x-symbol"),
                b"drawing" | b"pict" | b"object" => Kind::Object("image"),
                _ => Kind::Object("x-code"),
            };
            self.push(kind, bytes);
        }
    }
}

/// How an atom is used once fields are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Free,
    /// Part of a code emitted at its first atom (`group` is that atom).
    Grouped {
        group: usize,
    },
    FieldOpen {
        end: usize,
    },
    FieldClose,
}

/// An item of the paragraph's content once fields are resolved.
#[derive(Debug, Clone)]
enum Item {
    Text(usize),
    Standalone(Vec<usize>, &'static str),
    Open(Opener),
    Close,
}

#[derive(Debug, Clone)]
enum Opener {
    Container(usize),
    Field { open: Vec<usize>, close: usize },
}

/// Items nested by their containers.
#[derive(Debug)]
enum Node {
    Text(usize),
    Standalone(Vec<usize>, &'static str),
    Group(Opener, Vec<Node>),
}

/// A canonical form of run properties for comparing runs: without rsid attributes, `w:hint`,
/// and the elements that change nothing a reader sees (`w:lang`, `w:noProof`, `w:rPrChange`).
fn rpr_key(tree: &Tree<'_>, rpr: Option<usize>) -> Vec<u8> {
    let Some(rpr) = rpr else {
        return Vec::new();
    };
    let mut key = Vec::new();
    for c in tree.elems(rpr) {
        if matches!(tree.local(c), b"lang" | b"noProof" | b"rPrChange") {
            continue;
        }
        let node = &tree.nodes[c];
        let raw = &tree.bytes[node.start..node.end];
        if memchr::memmem::find(raw, b"rsid").is_some()
            || memchr::memmem::find(raw, b"hint=").is_some()
        {
            key.extend_from_slice(tree.qname(c));
            let tag = tree.start_tag(c);
            for a in tag.attributes().flatten() {
                let k: &str = a.key.as_ref();
                let local = k.rsplit(':').next().unwrap_or(k);
                if local.starts_with("rsid") || local == "hint" {
                    continue;
                }
                key.push(b' ');
                key.extend_from_slice(k.as_bytes());
                key.push(b'=');
                key.extend_from_slice(a.value.as_bytes());
            }
            key.extend_from_slice(&tree.bytes[node.head_end..node.end]);
        } else {
            key.extend_from_slice(raw);
        }
        key.push(0);
    }
    key
}

fn ctype_of_rpr(tree: &Tree<'_>, rpr: Option<usize>, w: &[u8]) -> &'static str {
    let Some(rpr) = rpr else {
        return "x-format";
    };
    let on = |local: &[u8]| tree.child(rpr, w, local).is_some_and(|n| is_on(tree, n, w));
    if on(b"b") {
        "bold"
    } else if on(b"i") {
        "italic"
    } else if on(b"u") {
        "underlined"
    } else if let Some(v) = tree.child(rpr, w, b"vertAlign") {
        match tree
            .attr(v, &format!("{}:val", String::from_utf8_lossy(w)))
            .as_deref()
        {
            Some("superscript") => "x-sup",
            Some("subscript") => "x-sub",
            _ => "x-format",
        }
    } else {
        "x-format"
    }
}

/// Analyses paragraph `p`.
pub fn analyse(tree: &Tree<'_>, p: usize) -> Para {
    let w = tree.prefix(p);
    let mut flat = Flat {
        tree,
        w,
        atoms: Vec::new(),
        containers: Vec::new(),
        ctx: 0,
        tracked: Tracked::default(),
    };
    flat.content(p);
    let Flat {
        atoms,
        containers,
        tracked,
        ..
    } = flat;
    let uses = resolve_fields(&atoms);

    // Items, with markers set aside.
    let mut items: Vec<Item> = Vec::new();
    let mut front = Vec::new();
    let mut back = Vec::new();
    let mut seen_text = false;
    for (i, a) in atoms.iter().enumerate() {
        match uses[i] {
            Use::Grouped { group } if group != i => continue,
            Use::Grouped { .. } => {
                // A group is a contiguous run of atoms.
                let members: Vec<usize> = (i..atoms.len())
                    .take_while(|&k| uses[k] == Use::Grouped { group: i })
                    .filter(|&k| !matches!(atoms[k].kind, Kind::Drop))
                    .collect();
                items.push(Item::Standalone(members, "x-field"));
                continue;
            }
            Use::FieldOpen { end } => {
                let open: Vec<usize> = (i..atoms.len())
                    .take_while(|&k| {
                        k == i || matches!(uses[k], Use::Grouped { group } if group == i)
                    })
                    .filter(|&k| !matches!(atoms[k].kind, Kind::Drop))
                    .collect();
                items.push(Item::Open(Opener::Field { open, close: end }));
                continue;
            }
            Use::FieldClose => {
                items.push(Item::Close);
                continue;
            }
            Use::Free => {}
        }
        match &a.kind {
            Kind::Text(_) => {
                seen_text = true;
                items.push(Item::Text(i));
            }
            Kind::Object(ctype) => items.push(Item::Standalone(vec![i], ctype)),
            Kind::FldBegin | Kind::FldSep | Kind::FldEnd | Kind::Instr(_) => {
                items.push(Item::Standalone(vec![i], "x-field"))
            }
            Kind::Marker(side) => {
                if !seen_text || *side == Side::Front {
                    front.push(i);
                } else {
                    back.push(i);
                }
            }
            Kind::Drop => {}
            Kind::Open(c) => items.push(Item::Open(Opener::Container(*c))),
            Kind::Close => items.push(Item::Close),
        }
    }
    let nested = nest(items);

    let mut b = Builder {
        tree,
        w,
        atoms: &atoms,
        containers: &containers,
        pieces: Vec::new(),
        codes: Vec::new(),
    };
    let base = b.level(&nested);
    let Builder { pieces, codes, .. } = b;
    let pprs = tree.child(p, w, b"pPr");
    Para {
        node: p,
        pieces: join_text(pieces),
        tracked,
        atoms,
        containers,
        codes,
        base: base.unwrap_or(None),
        front,
        back,
        pprs,
    }
}

fn join_text(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (out.last_mut(), p) {
            (_, Piece::Text(t)) if t.is_empty() => {}
            (Some(Piece::Text(last)), Piece::Text(t)) => last.push_str(&t),
            (_, p) => out.push(p),
        }
    }
    out
}

/// Pairs field characters and decides how each atom is used.
fn resolve_fields(atoms: &[Atom]) -> Vec<Use> {
    let n = atoms.len();
    let mut uses = vec![Use::Free; n];
    // (begin, separate, end)
    let mut fields: Vec<(usize, Option<usize>, Option<usize>)> = Vec::new();
    let mut stack: Vec<usize> = Vec::new(); // indexes into fields
    for (i, a) in atoms.iter().enumerate() {
        match a.kind {
            Kind::FldBegin => {
                stack.push(fields.len());
                fields.push((i, None, None));
            }
            Kind::FldSep => {
                if let Some(&f) = stack.last()
                    && fields[f].1.is_none()
                {
                    fields[f].1 = Some(i);
                }
            }
            Kind::FldEnd => {
                if let Some(f) = stack.pop() {
                    fields[f].2 = Some(i);
                }
            }
            _ => {}
        }
    }
    let same_ctx =
        |from: usize, to: usize| atoms[from..=to].iter().all(|a| a.ctx == atoms[from].ctx);
    let has_text = |from: usize, to: usize| {
        atoms[from..to]
            .iter()
            .any(|a| matches!(&a.kind, Kind::Text(t) if !t.is_empty()))
    };
    let group = |uses: &mut Vec<Use>, from: usize, to: usize| {
        for u in &mut uses[from..=to] {
            *u = Use::Grouped { group: from };
        }
    };
    for &(b, s, e) in &fields {
        if uses[b] != Use::Free {
            continue; // inside an outer field's instruction
        }
        match (s, e) {
            (Some(s), Some(e))
                if atoms[b].ctx == atoms[e].ctx && same_ctx(b, s) && has_text(s + 1, e) =>
            {
                group(&mut uses, b, s);
                uses[b] = Use::FieldOpen { end: e };
                uses[e] = Use::FieldClose;
            }
            (_, Some(e)) if same_ctx(b, e) => group(&mut uses, b, e),
            (Some(s), _) if same_ctx(b, s) => group(&mut uses, b, s),
            (None, None) => {
                // The instruction goes on in the next paragraph: everything after the begin
                // at the same level is instruction.
                let mut last = b;
                while last + 1 < n && atoms[last + 1].ctx == atoms[b].ctx {
                    last += 1;
                }
                group(&mut uses, b, last);
            }
            _ => {}
        }
    }
    // Separators, ends and instructions of a field begun in another paragraph stay free: each
    // becomes a standalone code, never text.
    uses
}

fn nest(items: Vec<Item>) -> Vec<Node> {
    let mut stack: Vec<(Opener, Vec<Node>)> = Vec::new();
    let mut top: Vec<Node> = Vec::new();
    for item in items {
        match item {
            Item::Text(i) => cur(&mut stack, &mut top).push(Node::Text(i)),
            Item::Standalone(a, c) => cur(&mut stack, &mut top).push(Node::Standalone(a, c)),
            Item::Open(o) => stack.push((o, Vec::new())),
            Item::Close => {
                if let Some((o, kids)) = stack.pop() {
                    cur(&mut stack, &mut top).push(Node::Group(o, kids));
                }
            }
        }
    }
    // Containers are XML elements and fields are paired only when closed, so the stack is
    // empty here; close anything left to be safe.
    while let Some((o, kids)) = stack.pop() {
        cur(&mut stack, &mut top).push(Node::Group(o, kids));
    }
    top
}

fn cur<'v>(stack: &'v mut [(Opener, Vec<Node>)], top: &'v mut Vec<Node>) -> &'v mut Vec<Node> {
    match stack.last_mut() {
        Some((_, kids)) => kids,
        None => top,
    }
}

struct Builder<'b, 't, 'a> {
    tree: &'t Tree<'a>,
    w: &'a [u8],
    atoms: &'b [Atom],
    containers: &'b [Container],
    pieces: Vec<Piece>,
    codes: Vec<CodeData>,
}

impl Builder<'_, '_, '_> {
    fn rpr_of(&self, atom: usize) -> Option<usize> {
        match self.atoms[atom].bytes {
            Bytes::Run { rpr, .. } => rpr,
            _ => None,
        }
    }

    fn text_of(&self, atom: usize) -> &str {
        match &self.atoms[atom].kind {
            Kind::Text(t) => t,
            _ => "",
        }
    }

    /// Whether an atom is white space only (it takes the formatting around it).
    fn blank(&self, atom: usize) -> bool {
        self.text_of(atom).chars().all(char::is_whitespace)
    }

    fn new_code(&mut self, data: CodeData) -> u32 {
        self.codes.push(data);
        self.codes.len() as u32
    }

    fn piece(&mut self, id: u32, role: Role, ctype: &str, native: String) {
        self.pieces.push(Piece::Code(Code {
            id,
            role,
            ctype: ctype.to_string(),
            native,
        }));
    }

    fn native(&self, node: usize) -> String {
        let n = &self.tree.nodes[node];
        let whole = &self.tree.bytes[n.start..n.end];
        let shown = if whole.len() <= 120 {
            whole
        } else {
            &self.tree.bytes[n.start..n.head_end]
        };
        String::from_utf8_lossy(shown).into_owned()
    }

    fn atom_native(&self, atom: usize) -> String {
        match &self.atoms[atom].kind {
            Kind::Instr(s) => s.trim().to_string(),
            _ => match self.atoms[atom].bytes {
                Bytes::Run { child, .. } => self.native(child),
                Bytes::Raw(n) => self.native(n),
                Bytes::None => String::new(),
            },
        }
    }

    /// Emits one level; returns its base run properties (`None` when it has no text).
    fn level(&mut self, nodes: &[Node]) -> Option<Option<usize>> {
        // The base: the properties covering most characters.
        let mut counts: Vec<(Vec<u8>, usize, Option<usize>)> = Vec::new();
        let mut keys: Vec<Option<Vec<u8>>> = Vec::with_capacity(nodes.len());
        for node in nodes {
            if let Node::Text(i) = node {
                let rpr = self.rpr_of(*i);
                let key = rpr_key(self.tree, rpr);
                // White space takes the formatting around it: it never decides the base.
                let chars = if self.blank(*i) {
                    0
                } else {
                    self.text_of(*i).chars().count()
                };
                match counts.iter_mut().find(|(k, _, _)| *k == key) {
                    Some(e) => e.1 += chars,
                    None => counts.push((key.clone(), chars, rpr)),
                }
                keys.push(Some(key));
            } else {
                keys.push(None);
            }
        }
        let mut best: Option<&(Vec<u8>, usize, Option<usize>)> = None;
        for e in &counts {
            if best.is_none_or(|b| e.1 > b.1) {
                best = Some(e);
            }
        }
        let base = best.map(|(k, _, rpr)| (k.clone(), *rpr));
        let mut i = 0;
        while i < nodes.len() {
            match &nodes[i] {
                Node::Text(a) => {
                    let key = keys[i].as_ref().expect("text nodes have keys");
                    if base.as_ref().is_some_and(|(k, _)| k == key) || self.blank(*a) {
                        let t = self.text_of(*a).to_string();
                        self.pieces.push(Piece::Text(t));
                        i += 1;
                        continue;
                    }
                    // A span of text with other properties, across standalone codes.
                    let mut last = i;
                    for (k, node) in nodes.iter().enumerate().skip(i + 1) {
                        match node {
                            Node::Text(_) if keys[k].as_ref() == Some(key) => last = k,
                            Node::Text(b) if self.blank(*b) => {}
                            Node::Standalone(..) => {}
                            _ => break,
                        }
                    }
                    let rpr = self.rpr_of(*a);
                    let id = self.new_code(CodeData::Format { rpr });
                    let ctype = ctype_of_rpr(self.tree, rpr, self.w);
                    let native = rpr.map(|r| self.native(r)).unwrap_or_default();
                    self.piece(id, Role::Open, ctype, native);
                    for node in &nodes[i..=last] {
                        self.emit(node);
                    }
                    self.piece(id, Role::Close, ctype, "</w:r>".to_string());
                    i = last + 1;
                }
                node => {
                    self.emit(node);
                    i += 1;
                }
            }
        }
        base.map(|(_, rpr)| rpr)
    }

    fn emit(&mut self, node: &Node) {
        match node {
            Node::Text(a) => {
                let t = self.text_of(*a).to_string();
                self.pieces.push(Piece::Text(t));
            }
            Node::Standalone(atoms, ctype) => {
                let native = atoms
                    .iter()
                    .map(|&a| self.atom_native(a))
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let id = self.new_code(CodeData::Standalone {
                    atoms: atoms.clone(),
                });
                self.piece(id, Role::Standalone, ctype, native);
            }
            Node::Group(opener, kids) => {
                let (data, ctype, open_native, close_native) = match opener {
                    Opener::Container(c) => {
                        let cont = self.containers[*c];
                        let n = &self.tree.nodes[cont.node];
                        let open = String::from_utf8_lossy(&self.tree.bytes[n.start..n.head_end])
                            .into_owned();
                        let close = String::from_utf8_lossy(&self.tree.bytes[n.tail_start..n.end])
                            .into_owned();
                        (
                            CodeData::Container {
                                container: *c,
                                base: None,
                            },
                            if cont.link { "link" } else { "x-field" },
                            open,
                            close,
                        )
                    }
                    Opener::Field { open, close } => {
                        let instr: String = open
                            .iter()
                            .filter_map(|&a| match &self.atoms[a].kind {
                                Kind::Instr(s) => Some(s.as_str()),
                                _ => None,
                            })
                            .collect();
                        let link = instr.trim_start().starts_with("HYPERLINK");
                        (
                            CodeData::Field {
                                open: open.clone(),
                                close: *close,
                                base: None,
                            },
                            if link { "link" } else { "x-field" },
                            format!("{{{}}}", instr.trim()),
                            "{/}".to_string(),
                        )
                    }
                };
                let id = self.new_code(data);
                self.piece(id, Role::Open, ctype, open_native);
                let base = self.level(kids);
                match &mut self.codes[id as usize - 1] {
                    CodeData::Container { base: b, .. } | CodeData::Field { base: b, .. } => {
                        *b = base
                    }
                    _ => {}
                }
                self.piece(id, Role::Close, ctype, close_native);
            }
        }
    }
}
