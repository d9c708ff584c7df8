//! The packed form of a unit's variants, stored as one blob per unit.
//!
//! Per variant: language id, flags, then length-prefixed text, markup (when the segment has inline
//! codes) and metadata JSON (when it has any). Lengths and ids are LEB128 varints. One row per unit
//! instead of one per variant makes an import write a quarter of the rows.

use std::collections::HashMap;

use super::VariantExtra;
use crate::error::{ErrorKind, Result};
use crate::model::{Lang, Variant};

const HAS_MARKUP: u64 = 1;
const HAS_EXTRA: u64 = 2;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Appends one variant to a body.
pub(super) fn push_variant(out: &mut Vec<u8>, lang_id: i64, v: &Variant, extra: Option<&str>) {
    put_varint(out, lang_id as u64);
    let flags = if v.markup.is_some() { HAS_MARKUP } else { 0 }
        | if extra.is_some() { HAS_EXTRA } else { 0 };
    put_varint(out, flags);
    put_bytes(out, v.text.as_bytes());
    if let Some(m) = &v.markup {
        put_bytes(out, m.as_bytes());
    }
    if let Some(e) = extra {
        put_bytes(out, e.as_bytes());
    }
}

/// A variant as stored, borrowing from the body.
pub(super) struct Packed<'a> {
    pub lang: i64,
    pub text: &'a str,
    pub markup: Option<&'a str>,
    pub extra: Option<&'a str>,
}

/// Reads the variants of a body in order.
pub(super) struct Iter<'a> {
    data: &'a [u8],
}

pub(super) fn iter(data: &[u8]) -> Iter<'_> {
    Iter { data }
}

fn corrupt() -> crate::Error {
    // The caller knows the memory and the unit, and fills them in (see `store::damaged`).
    ErrorKind::DamagedUnit {
        path: String::new(),
        unit: String::new(),
    }
    .into()
}

impl<'a> Iter<'a> {
    fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let (&b, rest) = self.data.split_first().ok_or_else(corrupt)?;
            self.data = rest;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(corrupt());
            }
        }
    }

    fn str(&mut self) -> Result<&'a str> {
        let len = self.varint()? as usize;
        if len > self.data.len() {
            return Err(corrupt());
        }
        let (s, rest) = self.data.split_at(len);
        self.data = rest;
        simdutf8::basic::from_utf8(s).map_err(|_| corrupt())
    }

    fn next_packed(&mut self) -> Result<Packed<'a>> {
        let lang = self.varint()? as i64;
        let flags = self.varint()?;
        let text = self.str()?;
        let markup = if flags & HAS_MARKUP != 0 {
            Some(self.str()?)
        } else {
            None
        };
        let extra = if flags & HAS_EXTRA != 0 {
            Some(self.str()?)
        } else {
            None
        };
        Ok(Packed {
            lang,
            text,
            markup,
            extra,
        })
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = Result<Packed<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.data.is_empty() {
            return None;
        }
        let r = self.next_packed();
        if r.is_err() {
            self.data = &[];
        }
        Some(r)
    }
}

/// Decodes a body into variants, appending to `out`.
pub(super) fn decode(
    data: &[u8],
    langs: &HashMap<i64, Lang>,
    out: &mut Vec<Variant>,
) -> Result<()> {
    for p in iter(data) {
        let p = p?;
        let lang = langs.get(&p.lang).cloned().ok_or_else(corrupt)?;
        let mut v = Variant::new(lang, p.text);
        v.markup = p.markup.map(str::to_string);
        if let Some(extra) = p.extra {
            let e: VariantExtra = serde_json::from_str(extra)?;
            v.admin = e.admin;
            v.attrs = e.attrs;
            v.extras = e.extras;
        }
        out.push(v);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let l = |s: &str| Lang::parse(s).unwrap();
        let mut a = Variant::new(l("en"), "Text with <b>");
        a.markup = Some("Text with <ph>&lt;b&gt;</ph>".to_string());
        let b = Variant::new(l("ja-JP"), "");
        let c = Variant::new(l("zh-CN"), "x".repeat(300));
        let mut body = Vec::new();
        push_variant(&mut body, 1, &a, None);
        push_variant(&mut body, 300, &b, Some("{}"));
        push_variant(&mut body, 2, &c, None);
        let langs: HashMap<i64, Lang> = [(1, l("en")), (300, l("ja-JP")), (2, l("zh-CN"))].into();
        let mut out = Vec::new();
        decode(&body, &langs, &mut out).unwrap();
        assert_eq!(out, vec![a, b, c]);
        // A damaged body is an error, not a panic.
        for cut in 0..body.len() {
            let mut out = Vec::new();
            let _ = decode(&body[..cut], &langs, &mut out);
        }
        assert!(decode(&[0xFF; 12], &langs, &mut Vec::new()).is_err());
    }
}
