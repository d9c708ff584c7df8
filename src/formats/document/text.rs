//! Plain text: the whole file is one block (`x-text`); the workflow finds its paragraphs (blank
//! lines) and sentences. Merge writes the translated text in the file's own encoding, with its
//! byte-order mark if it had one.

use super::{Block, Extracted, Filter, Kind, Options, Piece, plain_text};
use crate::error::{ErrorKind, Location, Result};
use crate::model::Lang;

/// The plain-text filter.
pub struct TextFilter;

impl Filter for TextFilter {
    fn extract(&self, document: &[u8], name: &str, options: &Options) -> Result<Extracted> {
        let decoded = decode(document, name, options.encoding.as_deref())?;
        let mut out = Extracted::new(
            Kind::Text,
            vec![Block::text("x-text", "text", decoded.text)],
        );
        out.encoding = decoded.encoding.name();
        Ok(out)
    }

    fn merge(
        &self,
        document: &[u8],
        name: &str,
        options: &Options,
        blocks: &[Vec<Piece>],
        _target: &Lang,
    ) -> Result<Vec<u8>> {
        let decoded = decode(document, name, options.encoding.as_deref())?;
        let text: String = blocks.iter().map(|b| plain_text(b)).collect();
        let mut out = document[..decoded.bom].to_vec();
        out.extend(encode(&text, decoded.encoding));
        Ok(out)
    }
}

/// A decoded text document.
pub struct Decoded {
    /// The text, decoded to UTF-8 (byte-order mark left out).
    pub text: String,
    /// The encoding the text was decoded from; merge encodes the translation back to it.
    pub encoding: &'static encoding_rs::Encoding,
    /// The length of the byte-order mark (0 without one).
    pub bom: usize,
}

/// Text in an encoding: UTF-16 by hand (encoding_rs encodes only to ASCII-compatible
/// encodings), characters the encoding cannot hold as numeric character references.
pub fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    if encoding == encoding_rs::UTF_16LE {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    } else if encoding == encoding_rs::UTF_16BE {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    } else {
        encoding.encode(text).0.into_owned()
    }
}

/// Decodes a text document: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
/// mark, or the encoding named by `encoding` (a WHATWG label such as `windows-1252`, `gb18030`,
/// `shift_jis`). Refuses an empty file, a binary file and text that is not valid in its encoding,
/// saying where and what to do.
pub fn decode(bytes: &[u8], name: &str, encoding: Option<&str>) -> Result<Decoded> {
    let bad = |reason: String| -> crate::Error {
        ErrorKind::Invalid {
            what: "article",
            value: name.to_string(),
            reason,
        }
        .into()
    };
    if bytes.is_empty() {
        return Err(bad(
            "the file is empty: there is nothing to translate".to_string()
        ));
    }
    let (enc, body, skip): (&'static encoding_rs::Encoding, &[u8], usize) =
        if let Some(label) = encoding {
            let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                bad(format!(
                    "unknown encoding {label:?}: use a name such as utf-8, utf-16le, windows-1252, \
                     gb18030 or shift_jis"
                ))
            })?;
            (enc, bytes, 0)
        } else if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
            (enc, &bytes[bom..], bom)
        } else {
            (encoding_rs::UTF_8, bytes, 0)
        };
    let located = |at: usize, message: String| -> crate::Error {
        ErrorKind::Encoding {
            location: Location::of_byte(name, body, at),
            message,
        }
        .into()
    };
    if enc == encoding_rs::UTF_8
        || encoding.is_none() && enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE
    {
        let nul = memchr::memchr(0, body);
        if let Some(at) = nul {
            return Err(located(
                at,
                format!(
                    "byte offset {} is a NUL byte: this looks like a binary file, or UTF-16 \
                     without a byte-order mark (give --encoding utf-16le or utf-16be)",
                    at + skip
                ),
            ));
        }
        if let Some(at) = body
            .iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        {
            return Err(located(
                at,
                format!(
                    "byte offset {} is the control character {:#04x}: this looks like a binary \
                     file, not text",
                    at + skip,
                    body[at]
                ),
            ));
        }
    }
    if let Some(e) = crate::formats::decode::check_bytes(body, enc, skip as u64) {
        return Err(e.to_error(
            name,
            "convert the file to UTF-8, or name its encoding with --encoding (e.g. \
             windows-1252, gb18030, shift_jis)",
        ));
    }
    let (text, _) = enc.decode_without_bom_handling(body);
    if text.trim().is_empty() {
        return Err(bad(
            "the file has only white space: there is nothing to translate".to_string(),
        ));
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: enc,
        bom: skip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_merges_back_in_its_own_encoding() {
        let en = Lang::parse("en").unwrap();
        let mut utf16: Vec<u8> = vec![0xff, 0xfe];
        utf16.extend("Hé.\n".encode_utf16().flat_map(u16::to_le_bytes));
        let cases: [(&[u8], Option<&str>); 3] = [
            (b"Hello.\n\nWorld.\n", None),
            (&utf16, None),
            (b"caf\xe9.", Some("windows-1252")),
        ];
        for (doc, enc) in cases {
            let options = Options {
                encoding: enc.map(str::to_string),
            };
            let x = TextFilter.extract(doc, "a.txt", &options).unwrap();
            let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
            let back = TextFilter
                .merge(doc, "a.txt", &options, &blocks, &en)
                .unwrap();
            assert_eq!(back, doc);
        }
    }
}
