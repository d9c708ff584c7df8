//! The DOCX package: its ZIP entries read within the limits against ZIP bombs, the main part and
//! the parts holding text found through the relationships, and the package written back.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use super::tree::Tree;
use super::{PART_LIMIT, RATIO_FROM, RATIO_LIMIT, TOTAL_LIMIT, err};
use crate::error::Result;

/// What a part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum PartKind {
    Main,
    Header,
    Footer,
    Footnotes,
    Endnotes,
}

pub(super) struct Part {
    pub(super) name: String,
    pub(super) kind: PartKind,
    pub(super) bytes: Vec<u8>,
}

/// What the styles tell: the default language and which paragraph styles are headings.
#[derive(Default)]
pub(super) struct Styles {
    pub(super) part: Option<String>,
    pub(super) lang: Option<String>,
    pub(super) headings: Vec<String>,
}

/// A ZIP package being read, with the limits against ZIP bombs.
pub(super) struct Package<'d> {
    name: &'d str,
    archive: zip::ZipArchive<Cursor<&'d [u8]>>,
    budget: u64,
    main: String,
    /// The main part's relationships: (type suffix, part name).
    rels: Vec<(String, String)>,
    pub(super) settings_part: Option<String>,
}

/// The part a relationship target names, relative to the part `source`.
fn resolve(source: &str, target: &str) -> String {
    let target = target.split('#').next().unwrap_or(target);
    let mut path: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return normalize(abs.split('/').collect());
    } else {
        source.split('/').collect()
    };
    path.pop(); // the source's file name
    path.extend(target.split('/'));
    normalize(path)
}

fn normalize(parts: Vec<&str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

impl<'d> Package<'d> {
    pub(super) fn open(document: &'d [u8], name: &'d str) -> Result<Package<'d>> {
        if !document.starts_with(b"PK") {
            // Not a ZIP: an encrypted or legacy Word document, a PDF...: say what it is.
            crate::formats::document::detect(document, name)?;
        }
        let archive = zip::ZipArchive::new(Cursor::new(document)).map_err(|e| {
            err(
                name,
                format!(
                    "not a readable DOCX package ({e}): open it in Word or LibreOffice and save \
                     it again as a Word document"
                ),
            )
        })?;
        let mut pkg = Package {
            name,
            archive,
            budget: TOTAL_LIMIT,
            main: String::new(),
            rels: Vec::new(),
            settings_part: None,
        };
        let mut main = "word/document.xml".to_string();
        if let Some(rels) = pkg.read("_rels/.rels")? {
            for (ty, target, external) in relationships(&rels, "_rels/.rels", name)? {
                if ty.ends_with("/officeDocument") && !external {
                    main = resolve("", &target);
                    break;
                }
            }
        }
        if pkg.archive.index_for_name(&main).is_none() {
            return Err(err(
                name,
                format!(
                    "the package has no {main}: it is not a Word document, or it is damaged \
                     (open it in Word or LibreOffice and save it again)"
                ),
            ));
        }
        let (dir, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        if let Some(rels) = pkg.read(&rels_name)? {
            for (ty, target, external) in relationships(&rels, &rels_name, name)? {
                if external {
                    continue;
                }
                let suffix = ty.rsplit('/').next().unwrap_or("").to_string();
                pkg.rels.push((suffix, resolve(&main, &target)));
            }
        } else if let Some(types) = pkg.read("[Content_Types].xml")? {
            let tree = Tree::parse(&types, "[Content_Types].xml").map_err(|m| err(name, m))?;
            for o in tree.elems(tree.root) {
                if tree.local(o) != b"Override" {
                    continue;
                }
                let (Some(part), Some(ty)) =
                    (tree.attr(o, "PartName"), tree.attr(o, "ContentType"))
                else {
                    continue;
                };
                let suffix = match ty.rsplit('.').next().unwrap_or("") {
                    "header+xml" => "header",
                    "footer+xml" => "footer",
                    "footnotes+xml" => "footnotes",
                    "endnotes+xml" => "endnotes",
                    "styles+xml" => "styles",
                    "settings+xml" => "settings",
                    _ => continue,
                };
                pkg.rels
                    .push((suffix.to_string(), part.trim_start_matches('/').to_string()));
            }
        }
        pkg.main = main;
        pkg.settings_part = pkg.rel("settings");
        Ok(pkg)
    }

    fn rel(&self, suffix: &str) -> Option<String> {
        self.rels
            .iter()
            .find(|(s, p)| s == suffix && self.archive.index_for_name(p).is_some())
            .map(|(_, p)| p.clone())
    }

    /// The parts with text, in block order.
    pub(super) fn text_parts(&mut self) -> Result<Vec<Part>> {
        let mut names: Vec<(PartKind, String)> = vec![(PartKind::Main, self.main.clone())];
        for (suffix, part) in &self.rels {
            let kind = match suffix.as_str() {
                "header" => PartKind::Header,
                "footer" => PartKind::Footer,
                "footnotes" => PartKind::Footnotes,
                "endnotes" => PartKind::Endnotes,
                _ => continue,
            };
            if !names.iter().any(|(_, n)| n == part) {
                names.push((kind, part.clone()));
            }
        }
        names.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| natural(&a.1).cmp(&natural(&b.1)))
        });
        let mut parts = Vec::new();
        for (kind, name) in names {
            if let Some(bytes) = self.read(&name)? {
                parts.push(Part { name, kind, bytes });
            }
        }
        Ok(parts)
    }

    pub(super) fn styles(&mut self) -> Result<Styles> {
        let Some(part) = self.rel("styles") else {
            return Ok(Styles::default());
        };
        let Some(bytes) = self.read(&part)? else {
            return Ok(Styles::default());
        };
        let tree = Tree::parse(&bytes, &part).map_err(|m| err(self.name, m))?;
        let w = tree.prefix(tree.root);
        let ws = String::from_utf8_lossy(w).into_owned();
        let val = if ws.is_empty() {
            "val".to_string()
        } else {
            format!("{ws}:val")
        };
        let lang = tree
            .child(tree.root, w, b"docDefaults")
            .and_then(|d| tree.child(d, w, b"rPrDefault"))
            .and_then(|d| tree.child(d, w, b"rPr"))
            .and_then(|d| tree.child(d, w, b"lang"))
            .and_then(|l| tree.attr(l, &val))
            .filter(|v| !v.trim().is_empty());
        let mut headings = Vec::new();
        let id_attr = if ws.is_empty() {
            "styleId".to_string()
        } else {
            format!("{ws}:styleId")
        };
        for s in tree.elems(tree.root) {
            if !tree.is(s, w, b"style") {
                continue;
            }
            let Some(id) = tree.attr(s, &id_attr) else {
                continue;
            };
            let style_name = tree
                .child(s, w, b"name")
                .and_then(|n| tree.attr(n, &val))
                .unwrap_or_default()
                .to_ascii_lowercase();
            if style_name.starts_with("heading") || style_name == "title" {
                headings.push(id);
            }
        }
        Ok(Styles {
            part: Some(part),
            lang,
            headings,
        })
    }

    /// Reads a part, within the limits; `None` when the package has no such part.
    pub(super) fn read(&mut self, part: &str) -> Result<Option<Vec<u8>>> {
        let name = self.name;
        let Some(idx) = self.archive.index_for_name(part) else {
            return Ok(None);
        };
        let damaged = |e: &dyn std::fmt::Display| {
            err(
                name,
                format!(
                    "{part}: the part cannot be read ({e}): the package is damaged; open it in \
                     Word or LibreOffice and save it again"
                ),
            )
        };
        let file = self.archive.by_index(idx).map_err(|e| damaged(&e))?;
        let declared = file.size();
        let compressed = file.compressed_size().max(1);
        let bomb = |what: String| {
            err(
                name,
                format!(
                    "{part}: {what}: this is a ZIP bomb or a damaged package, not a Word \
                     document; tmkit refuses it"
                ),
            )
        };
        if declared > PART_LIMIT {
            return Err(bomb(format!(
                "the part declares {declared} bytes, more than the {} MiB tmkit reads from one part",
                PART_LIMIT >> 20
            )));
        }
        if declared > RATIO_FROM && declared / compressed > RATIO_LIMIT {
            return Err(bomb(format!(
                "the part inflates {} times ({compressed} bytes to {declared})",
                declared / compressed
            )));
        }
        let cap = PART_LIMIT.min(self.budget);
        let mut out = Vec::with_capacity(declared.min(cap) as usize);
        if let Err(e) = file.take(cap + 1).read_to_end(&mut out) {
            // zip stops a stream that inflates past its declared size.
            return Err(if e.to_string().contains("declared") {
                bomb(format!(
                    "the part inflates to more than the {declared} bytes it declares"
                ))
            } else {
                damaged(&e)
            });
        }
        if out.len() as u64 > cap {
            return Err(bomb(if cap < PART_LIMIT {
                format!(
                    "the parts read so far inflate to more than {} MiB",
                    TOTAL_LIMIT >> 20
                )
            } else {
                format!(
                    "the part inflates to more than {} MiB (it declares {declared} bytes)",
                    PART_LIMIT >> 20
                )
            }));
        }
        self.budget -= out.len() as u64;
        Ok(Some(out))
    }

    /// The package with `replaced` parts written anew and every other entry copied raw, in the
    /// original order.
    pub(super) fn write(&mut self, replaced: &HashMap<String, Vec<u8>>) -> Result<Vec<u8>> {
        let name = self.name;
        let fail = |e: &dyn std::fmt::Display| {
            err(
                name,
                format!("the translated package cannot be written ({e})"),
            )
        };
        let total: usize = self
            .archive
            .decompressed_size()
            .map_or(0, |s| s as usize / 8);
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(total)));
        for i in 0..self.archive.len() {
            let file = self.archive.by_index_raw(i).map_err(|e| fail(&e))?;
            let entry = file.name().map_err(|e| fail(&e))?.into_owned();
            match replaced.get(&entry) {
                Some(bytes) => {
                    let mut options = zip::write::SimpleFileOptions::default()
                        .compression_method(zip::CompressionMethod::Deflated);
                    if let Some(t) = file.last_modified() {
                        options = options.last_modified_time(t);
                    }
                    drop(file);
                    writer.start_file(entry, options).map_err(|e| fail(&e))?;
                    writer.write_all(bytes).map_err(|e| fail(&e))?;
                }
                None => writer.raw_copy_file(file).map_err(|e| fail(&e))?,
            }
        }
        let out = writer.finish().map_err(|e| fail(&e))?;
        Ok(out.into_inner())
    }
}

/// A name with its numbers compared as numbers (`header2.xml` before `header10.xml`).
fn natural(s: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut num = String::new();
    let mut text = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            if !num.is_empty() {
                out.push((num.parse().unwrap_or(u64::MAX), std::mem::take(&mut text)));
                num.clear();
            }
            text.push(c);
        }
    }
    out.push((num.parse().unwrap_or(0), text));
    out
}

/// The relationships of a `.rels` part: (type, target, external).
fn relationships(bytes: &[u8], part: &str, name: &str) -> Result<Vec<(String, String, bool)>> {
    let tree = Tree::parse(bytes, part).map_err(|m| err(name, m))?;
    let mut out = Vec::new();
    for r in tree.elems(tree.root) {
        if tree.local(r) != b"Relationship" {
            continue;
        }
        let (Some(ty), Some(target)) = (tree.attr(r, "Type"), tree.attr(r, "Target")) else {
            continue;
        };
        let external = tree.attr(r, "TargetMode").as_deref() == Some("External");
        out.push((ty, target, external));
    }
    Ok(out)
}
