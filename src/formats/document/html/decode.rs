//! The encoding of an HTML page, the way a browser finds it, and the page decoded to UTF-8 with a
//! map from positions in the decoded text back to bytes of the original, so that everything
//! outside the translated text is copied from the original byte for byte, whatever the encoding.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use crate::error::{ErrorKind, Result};

/// How the encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Bom,
    User,
    Meta,
    Utf8,
    Guessed,
}

/// A page decoded to UTF-8.
#[derive(Debug)]
pub(super) struct Source<'a> {
    /// The page without its byte-order mark, in UTF-8.
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    pub origin: Origin,
    /// The length of the byte-order mark.
    pub bom: usize,
    /// Runs of characters of the same shape, when the decoded text is not the original bytes:
    /// `(decoded start, original start, decoded length of one character, original length of one
    /// character)`, ordered; empty when the text is the original (valid UTF-8).
    runs: Vec<(usize, usize, u8, u8)>,
}

impl Source<'_> {
    /// The offset in the original document of a character boundary of the decoded text.
    pub fn original(&self, pos: usize) -> usize {
        if self.runs.is_empty() {
            return self.bom + pos;
        }
        let i = self.runs.partition_point(|r| r.0 <= pos);
        let Some(&(dec, orig, dstep, ostep)) = i.checked_sub(1).and_then(|i| self.runs.get(i))
        else {
            return self.bom + pos;
        };
        let chars = (pos - dec) / usize::from(dstep.max(1));
        self.bom + orig + chars * usize::from(ostep)
    }
}

/// Decodes a page: the byte-order mark, then the encoding the user named, then the page's
/// `<meta charset>` (the WHATWG prescan of the first 1024 bytes), then UTF-8 if the page is
/// valid UTF-8, else windows-1252 (what browsers assume for Western pages).
pub(super) fn decode<'a>(document: &'a [u8], name: &str, user: Option<&str>) -> Result<Source<'a>> {
    let (encoding, bom, origin) = choose(document, name, user, || {
        Ok(simdutf8::basic::from_utf8(document).is_ok())
    })?;
    let body = &document[bom..];
    if encoding == UTF_8
        && let Ok(text) = simdutf8::basic::from_utf8(body)
    {
        return Ok(Source {
            text: Cow::Borrowed(text),
            encoding,
            origin,
            bom,
            runs: Vec::new(),
        });
    }
    let (text, runs) = decode_mapped(body, encoding);
    Ok(Source {
        text: Cow::Owned(text),
        encoding,
        origin,
        bom,
        runs,
    })
}

/// The encoding of a page, how it was chosen and the length of its byte-order mark, from the
/// page's first bytes (`head`: at least its first 1024 bytes, or all of it): the byte-order mark,
/// then the encoding the user named, then the page's `<meta charset>` (the WHATWG prescan of the
/// first 1024 bytes), then UTF-8 if `valid_utf8` says the whole page is valid UTF-8, else
/// windows-1252 (what browsers assume for Western pages).
pub(super) fn choose(
    head: &[u8],
    name: &str,
    user: Option<&str>,
    valid_utf8: impl FnOnce() -> Result<bool>,
) -> Result<(&'static Encoding, usize, Origin)> {
    Ok(if let Some((enc, bom)) = Encoding::for_bom(head) {
        (enc, bom, Origin::Bom)
    } else if let Some(label) = user {
        let enc = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            crate::Error::from(ErrorKind::Document {
                name: name.to_string(),
                message: format!(
                    "unknown encoding {label:?}: use a name such as utf-8, windows-1252, gb18030 \
                     or shift_jis"
                ),
            })
        })?;
        (enc, 0, Origin::User)
    } else if let Some(enc) = prescan(head) {
        (enc, 0, Origin::Meta)
    } else if valid_utf8()? {
        (UTF_8, 0, Origin::Utf8)
    } else {
        (WINDOWS_1252, 0, Origin::Guessed)
    })
}

/// The most bytes decoded at once.
const CHUNK: usize = 4096;

/// Decodes character by character, recording where the shape of characters changes.
fn decode_mapped(
    body: &[u8],
    encoding: &'static Encoding,
) -> (String, Vec<(usize, usize, u8, u8)>) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(body.len() + body.len() / 2);
    let mut runs: Vec<(usize, usize, u8, u8)> = Vec::new();
    let ascii_compatible = encoding.is_ascii_compatible();
    let push =
        |runs: &mut Vec<(usize, usize, u8, u8)>, dec: usize, orig: usize, d: usize, o: usize| {
            let (d, o) = (d.min(255) as u8, o.min(255) as u8);
            match runs.last() {
                Some(&(_, _, ld, lo)) if ld == d && lo == o => {}
                _ => runs.push((dec, orig, d, o)),
            }
        };
    // Decoded a little at a time into a small buffer (decode_to_string would touch the whole
    // spare capacity of the text at each call).
    let mut buf = vec![0u8; 4 * CHUNK + 64];
    let mut decode = |decoder: &mut encoding_rs::Decoder,
                      text: &mut String,
                      src: &[u8],
                      last: bool|
     -> (usize, usize) {
        let (_, read, written, _) = decoder.decode_to_utf8(src, &mut buf, last);
        text.push_str(std::str::from_utf8(&buf[..written]).unwrap_or("\u{fffd}"));
        (read, written)
    };
    let mut i = 0;
    let mut pending_from = 0; // the first byte of the character being decoded
    let mut clean = true; // no byte is waiting in the decoder
    while i < body.len() {
        if clean && ascii_compatible {
            let run = body[i..]
                .iter()
                .take(CHUNK)
                .take_while(|b| b.is_ascii())
                .count();
            if run > 0 {
                let before = text.len();
                let (read, written) = decode(&mut decoder, &mut text, &body[i..i + run], false);
                if read == written {
                    push(&mut runs, before, i, 1, 1);
                } else {
                    push(&mut runs, before, i, written.max(1), read.max(1));
                }
                i += read.max(1);
                pending_from = i;
                continue;
            }
        }
        let before = text.len();
        let (read, written) = decode(&mut decoder, &mut text, &body[i..i + 1], false);
        i += read.max(1);
        if written > 0 {
            push(&mut runs, before, pending_from, written, i - pending_from);
            pending_from = i;
            clean = true;
        } else {
            clean = false;
        }
    }
    let before = text.len();
    decode(&mut decoder, &mut text, b"", true);
    if text.len() > before {
        push(
            &mut runs,
            before,
            pending_from,
            text.len() - before,
            body.len() - pending_from,
        );
    }
    (text, runs)
}

/// The WHATWG prescan: the encoding named by a `<meta charset>` or
/// `<meta http-equiv="content-type" content="...; charset=...">` in the first 1024 bytes.
fn prescan(document: &[u8]) -> Option<&'static Encoding> {
    let head = &document[..document.len().min(1024)];
    let mut found: Option<&'static Encoding> = None;
    let mut in_meta = false;
    let mut attr = Vec::new();
    let (mut charset, mut http_equiv, mut content) = (None, false, None);
    {
        let emitter =
            CallbackEmitter::new(|event: CallbackEvent<'_>, _span: Span<()>| -> Option<()> {
                if found.is_some() {
                    return None;
                }
                match event {
                    CallbackEvent::OpenStartTag { name } => {
                        in_meta = name == b"meta";
                        charset = None;
                        http_equiv = false;
                        content = None;
                        attr.clear();
                    }
                    CallbackEvent::AttributeName { name } if in_meta => {
                        attr.clear();
                        attr.extend_from_slice(name);
                    }
                    CallbackEvent::AttributeValue { value } if in_meta => match &attr[..] {
                        b"charset" if charset.is_none() => {
                            charset = Encoding::for_label(trim(value));
                        }
                        b"http-equiv" => {
                            http_equiv = trim(value).eq_ignore_ascii_case(b"content-type");
                        }
                        b"content" if content.is_none() => {
                            content = charset_in_content(value);
                        }
                        _ => {}
                    },
                    CallbackEvent::CloseStartTag { .. } if in_meta => {
                        let enc = charset.or(if http_equiv { content } else { None });
                        if let Some(enc) = enc {
                            // The spec: a page cannot declare itself UTF-16 (it would not be
                            // readable as ASCII); x-user-defined is windows-1252.
                            found = Some(
                                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                                    UTF_8
                                } else if enc == encoding_rs::X_USER_DEFINED {
                                    WINDOWS_1252
                                } else {
                                    enc
                                },
                            );
                        }
                        in_meta = false;
                    }
                    _ => {}
                }
                None
            });
        for _ in Tokenizer::new_with_emitter(head, emitter) {}
    }
    found
}

fn trim(value: &[u8]) -> &[u8] {
    value.trim_ascii()
}

/// The spec's "extracting a character encoding from a meta element": `charset=` in a content
/// attribute, possibly quoted.
fn charset_in_content(content: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = content.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let at = from + memchr::memmem::find(&lower[from..], b"charset")?;
        let mut i = at + 7;
        while i < lower.len() && lower[i].is_ascii_whitespace() {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            from = at + 7;
            continue;
        }
        i += 1;
        while i < lower.len() && lower[i].is_ascii_whitespace() {
            i += 1;
        }
        let rest = &content[i..];
        let value = match rest.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr::memchr(q, &rest[1..])?;
                &rest[1..1 + end]
            }
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|&b| b == b';' || b.is_ascii_whitespace())
                    .unwrap_or(rest.len());
                &rest[..end]
            }
            None => return None,
        };
        return Encoding::for_label(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_found_as_a_browser_finds_it() {
        let table: [(&[u8], Option<&str>, &str, Origin); 8] = [
            (
                b"\xef\xbb\xbf<meta charset=gbk>x",
                None,
                "UTF-8",
                Origin::Bom,
            ),
            (b"<meta charset=\"gb2312\"><p>x", None, "GBK", Origin::Meta),
            (
                b"<META http-equiv=Content-Type content=\"text/html; charset=Shift_JIS\">",
                None,
                "Shift_JIS",
                Origin::Meta,
            ),
            (
                b"<meta content='text/html;charset=\"iso-8859-1\"' http-equiv='content-type'>",
                None,
                "windows-1252",
                Origin::Meta,
            ),
            (b"<meta charset=utf-16le><p>x", None, "UTF-8", Origin::Meta),
            (
                b"<meta charset=gbk>",
                Some("shift_jis"),
                "Shift_JIS",
                Origin::User,
            ),
            (b"<p>caf\xc3\xa9", None, "UTF-8", Origin::Utf8),
            (b"<p>caf\xe9", None, "windows-1252", Origin::Guessed),
        ];
        for (doc, user, want, origin) in table {
            let s = decode(doc, "a.html", user).unwrap();
            assert_eq!((s.encoding.name(), s.origin), (want, origin), "{doc:?}");
        }
        let e = decode(b"<p>x", "a.html", Some("klingon")).unwrap_err();
        assert!(
            e.to_string().contains("unknown encoding \"klingon\""),
            "{e}"
        );
    }

    #[test]
    fn decoded_positions_map_back_to_original_bytes() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("<p>日本語 and <b>テキスト</b>ｱ~</p>");
        let doc = [b"<meta charset=shift_jis>".as_slice(), &bytes].concat();
        let s = decode(&doc, "a.html", None).unwrap();
        // Every character boundary maps to the start of the same character in the original.
        for (pos, _) in s.text.char_indices().chain([(s.text.len(), ' ')]) {
            let o = s.original(pos);
            let (again, _) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&doc[..o]);
            assert_eq!(again, &s.text[..pos], "at {pos}");
        }
    }
}
