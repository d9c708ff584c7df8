//! The identity round trip over a folder of real pages: each HTML file is extracted, merged back
//! with every block equal to its source and the page's own language, and compared with the
//! original byte for byte. Shared by `tests/documents_html.rs` and the benches
//! (`#[path = "../tests/documents_html/corpus.rs"] mod corpus;`).

// Included by several binaries, each of which reads only some of the results.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use tmkit::formats::document::{Filter, Options, Piece, html::HtmlFilter};
use tmkit::model::Lang;

/// What happened to one page.
#[derive(Debug)]
pub struct PageResult {
    pub file: String,
    pub bytes: usize,
    pub encoding: &'static str,
    pub blocks: usize,
    pub extract_time: Duration,
    pub merge_time: Duration,
    /// `None` when the merged page equals the original byte for byte, apart from the language
    /// metadata; otherwise what differs.
    pub difference: Option<String>,
    /// What changed in the language metadata (a `lang` added to `<html>`, the case of a tag
    /// normalized: `en-us` is written `en-US`).
    pub language: Option<String>,
}

/// Round-trips every `.html`/`.htm` file directly in `dir` (sorted by name). The language given
/// to merge is the page's own (`en` when it declares none); the changes of the language metadata
/// this causes (a `lang` added to `<html>`, `en-us` written `en-US`) are reported apart.
pub fn round_trip_folder(dir: &Path) -> Vec<PageResult> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
        })
        .map(|p| {
            let bytes = std::fs::read(&p).expect("the page can be read");
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            round_trip(&file, &bytes)
        })
        .collect()
}

/// The identity round trip of one page.
pub fn round_trip(file: &str, bytes: &[u8]) -> PageResult {
    let options = Options::default();
    let started = Instant::now();
    let x = match HtmlFilter.extract(bytes, file, &options) {
        Ok(x) => x,
        Err(e) => {
            return PageResult {
                file: file.to_string(),
                bytes: bytes.len(),
                encoding: "",
                blocks: 0,
                extract_time: started.elapsed(),
                merge_time: Duration::ZERO,
                difference: Some(format!("extract failed: {e}")),
                language: None,
            };
        }
    };
    let extract_time = started.elapsed();
    let lang = x
        .lang
        .as_deref()
        .and_then(|l| Lang::parse(l).ok())
        .unwrap_or_else(|| Lang::parse("en").unwrap());
    let blocks: Vec<Vec<Piece>> = x.blocks.iter().map(|b| b.pieces.clone()).collect();
    let started = Instant::now();
    let merged = HtmlFilter.merge(bytes, file, &options, &blocks, &lang);
    let merge_time = started.elapsed();
    let mut language = None;
    let difference = match merged {
        Err(e) => Some(format!("merge failed: {e}")),
        Ok(out) => {
            let stripped = without_added_lang(bytes, &out, &lang);
            if stripped.len() != out.len() {
                language = Some(format!("lang=\"{lang}\" added to <html>"));
            }
            let d = first_difference(bytes, &stripped);
            if d.is_some() && bytes.eq_ignore_ascii_case(&stripped) {
                let note = format!("the language tag is written {lang}");
                language = Some(language.map_or(note.clone(), |l| format!("{l}; {note}")));
                None
            } else {
                d
            }
        }
    };
    PageResult {
        file: file.to_string(),
        bytes: bytes.len(),
        encoding: x.encoding,
        blocks: x.blocks.len(),
        extract_time,
        merge_time,
        difference,
        language,
    }
}

/// The page without the `lang` attribute (or `<html lang>` tag) that merge adds to a page that
/// has none: found where the merged page first differs from the original.
fn without_added_lang(original: &[u8], out: &[u8], lang: &Lang) -> Vec<u8> {
    let at = original
        .iter()
        .zip(out)
        .position(|(a, b)| a != b)
        .unwrap_or(original.len().min(out.len()));
    for added in [
        format!(" lang=\"{lang}\""),
        format!("<html lang=\"{lang}\">"),
    ] {
        let added = added.as_bytes();
        if out.len() != original.len() + added.len() {
            continue;
        }
        for k in 0..=at.min(added.len()) {
            if out[at - k..].starts_with(added) {
                return [&out[..at - k], &out[at - k + added.len()..]].concat();
            }
        }
    }
    out.to_vec()
}

fn first_difference(want: &[u8], got: &[u8]) -> Option<String> {
    if want == got {
        return None;
    }
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let show = |b: &[u8]| {
        String::from_utf8_lossy(&b[at.saturating_sub(20)..(at + 40).min(b.len())]).into_owned()
    };
    Some(format!(
        "differs at byte {at} (lengths {} and {}): original {:?}, merged {:?}",
        want.len(),
        got.len(),
        show(want),
        show(got)
    ))
}
