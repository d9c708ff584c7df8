//! The bodies of tmkit's fuzz targets, one plain function per target, each fed arbitrary bytes.
//!
//! Shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, nightly) and by the stable test
//! `tests/fuzz_corpora.rs`, which replays every committed corpus and regression input through the
//! same functions. Each function drives the public entry points the CLI uses and panics when an
//! invariant breaks: beyond "no panic, no hang", a reader's error or problem points inside the
//! input, segments tile the input, term hits and finding spans lie on character boundaries of the
//! text they refer to.

use std::io::Cursor;

use tmkit::ErrorKind;
use tmkit::error::Location;
use tmkit::formats::glossary::{self, GlossaryFormat, ReadOptions};
use tmkit::formats::{tbx, tmx, xliff, xml};
use tmkit::matching::grams::text_grams;
use tmkit::matching::termbase::Termbase;
use tmkit::matching::terms::{TermHit, TermIndex};
use tmkit::model::{Finding, Lang, Term, TermEntry, TermStatus, TranslationUnit, Variant};
use tmkit::ops::check::PairChecks;
use tmkit::ops::segment::{self as segment_op, BadRules};
use tmkit::store::buckets_of;
use tmkit::text::segment::is_space;

/// The name inputs are read under; every location in an error must carry it.
const NAME: &str = "fuzz-input";

/// Readers stop after this many items: a corpus input is small, and a reader that returns items
/// forever without reading input is a bug the limit turns into a failure.
const MAX_ITEMS: usize = 1_000_000;

fn lang(tag: &str) -> Lang {
    Lang::parse(tag).expect("the fuzz targets' language tags are valid")
}

/// The highest line number a location in `data` may have: one more than its line ends (counting
/// `\r` too, for readers that take a lone `\r` as a line end).
fn max_line(data: &[u8]) -> u64 {
    1 + data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64
}

/// A location must name the input and point inside it (or just past its end).
fn check_location(location: &Location, data: &[u8], name: &str) {
    assert_eq!(
        location.path, name,
        "location {location} names another file"
    );
    assert!(
        location.line >= 1 && location.line <= max_line(data),
        "location {location} is past the input's {} lines",
        max_line(data)
    );
    assert!(
        location.column >= 1 && location.column <= data.len() as u64 + 1,
        "location {location} is past the input's {} bytes",
        data.len()
    );
}

/// An error about the input must say where; its message must not be empty.
fn check_error(error: &tmkit::Error, data: &[u8], name: &str) {
    let message = error.to_string();
    assert!(!message.is_empty(), "an error with an empty message");
    match error.kind() {
        ErrorKind::Xml { location, .. }
        | ErrorKind::Tmx { location, .. }
        | ErrorKind::Tbx { location, .. }
        | ErrorKind::Glossary { location, .. }
        | ErrorKind::Xliff { location, .. }
        | ErrorKind::Encoding { location, .. }
        | ErrorKind::Srx { location, .. }
        | ErrorKind::EntityDeclared { location, .. }
        | ErrorKind::Rejected { location, .. } => check_location(location, data, name),
        ErrorKind::Utf8 { offset } => assert!(*offset <= data.len(), "{message}"),
        _ => {}
    }
}

fn xml_input(data: &[u8]) -> tmkit::Result<xml::Input> {
    xml::input_from_reader(Box::new(Cursor::new(data.to_vec())), NAME.to_string())
}

/// The TMX reader, as `tmkit import` drives it: the header, every unit, and the index keys of
/// every variant of a unit that is read.
pub fn tmx(data: &[u8]) {
    let reader = xml_input(data).and_then(tmx::Reader::from_input);
    let mut reader = match reader {
        Ok(r) => r,
        Err(e) => return check_error(&e, data, NAME),
    };
    let mut unit = TranslationUnit::default();
    let mut tokens = Vec::new();
    for _ in 0..MAX_ITEMS {
        match reader.read_unit(&mut unit) {
            Ok(tmx::Item::Unit) => {
                check_location(reader.unit_location(), data, NAME);
                for v in &unit.variants {
                    let grams = text_grams(&v.text, &mut tokens);
                    buckets_of(&v.lang, &grams.keys);
                }
            }
            Ok(tmx::Item::Problem(p)) => check_location(&p.location, data, NAME),
            Ok(tmx::Item::End) => {
                assert!(matches!(reader.read_unit(&mut unit), Ok(tmx::Item::End)));
                return;
            }
            Err(e) => return check_error(&e, data, NAME),
        }
    }
    panic!(
        "the TMX reader returned {MAX_ITEMS} items from {} bytes",
        data.len()
    );
}

/// The XLIFF 1.2 reader and what `tmkit import` does with each unit it reads: the import policy,
/// the skip report, and the translation unit made of the source and target.
pub fn xliff(data: &[u8]) {
    let reader = xml_input(data).and_then(xliff::Reader::from_input);
    let mut reader = match reader {
        Ok(r) => r,
        Err(e) => return check_error(&e, data, NAME),
    };
    let policy = xliff::ImportPolicy::default();
    let mut skips = xliff::SkipReport::default();
    let mut unit = xliff::Unit::new("", xliff::Content::plain(""));
    let mut tokens = Vec::new();
    for _ in 0..MAX_ITEMS {
        match reader.read_unit(&mut unit) {
            Ok(xliff::Item::Unit) => {
                check_location(reader.unit_location(), data, NAME);
                if let Err(skip) = policy.check(&unit) {
                    skips.record(reader.unit_location(), &unit, &skip);
                    continue;
                }
                let file = reader.file().expect("a unit read belongs to a file");
                let Some(target) = &unit.target else {
                    panic!("the import policy accepted a unit without a target")
                };
                let Some(target_lang) = &file.target_lang else {
                    skips.record(reader.unit_location(), &unit, &xliff::Skip::NoTarget);
                    continue;
                };
                for (l, c) in [
                    (&file.source_lang, &unit.source),
                    (target_lang, &target.content),
                ] {
                    let mut v = Variant::new(l.clone(), c.text.clone());
                    v.markup = c.markup.clone();
                    let grams = text_grams(&v.text, &mut tokens);
                    buckets_of(&v.lang, &grams.keys);
                }
            }
            Ok(xliff::Item::Problem(p)) => check_location(&p.location, data, NAME),
            Ok(xliff::Item::End) => {
                assert_eq!(skips.total(), skips.problems.len());
                for p in &skips.problems {
                    check_location(&p.location, data, NAME);
                }
                return;
            }
            Err(e) => return check_error(&e, data, NAME),
        }
    }
    panic!(
        "the XLIFF reader returned {MAX_ITEMS} items from {} bytes",
        data.len()
    );
}

/// The TBX reader, as `tmkit glossary import` drives it.
pub fn tbx(data: &[u8]) {
    let reader = xml_input(data).and_then(tbx::Reader::from_input);
    let mut reader = match reader {
        Ok(r) => r,
        Err(e) => return check_error(&e, data, NAME),
    };
    let mut entry = TermEntry::default();
    for _ in 0..MAX_ITEMS {
        match reader.read_entry(&mut entry) {
            Ok(tbx::Item::Unit) => {
                if let Some(at) = reader.entry_location() {
                    check_location(at, data, NAME);
                }
            }
            Ok(tbx::Item::Problem(p)) => check_location(&p.location, data, NAME),
            Ok(tbx::Item::End) => return,
            Err(e) => return check_error(&e, data, NAME),
        }
    }
    panic!(
        "the TBX reader returned {MAX_ITEMS} entries from {} bytes",
        data.len()
    );
}

/// The delimited glossary reader (CSV, TSV, OmegaT), as `tmkit glossary import` drives it. The
/// first byte picks the format (CSV, TSV, OmegaT, or detected from the content as for a file
/// without a known extension); the rest is the file.
pub fn glossary(data: &[u8]) {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let format = match pick % 4 {
        0 => GlossaryFormat::Csv,
        1 => GlossaryFormat::Tsv,
        2 => GlossaryFormat::OmegatTsv,
        _ => match GlossaryFormat::detect("fuzz-input".as_ref(), &file[..file.len().min(1024)]) {
            GlossaryFormat::Tbx => return tbx(file),
            f => f,
        },
    };
    let options = ReadOptions::for_format(format, lang("en"), lang("zh-CN"));
    let reader =
        glossary::Reader::from_reader(Box::new(Cursor::new(file.to_vec())), NAME.into(), &options);
    let mut reader = match reader {
        Ok(r) => r,
        Err(e) => return check_error(&e, file, NAME),
    };
    let mut entry = TermEntry::default();
    for _ in 0..MAX_ITEMS {
        match reader.read_entry(&mut entry) {
            Ok(glossary::Item::Unit) => check_location(&reader.entry_location(), file, NAME),
            Ok(glossary::Item::Problem(p)) => check_location(&p.location, file, NAME),
            Ok(glossary::Item::End) => return,
            Err(e) => return check_error(&e, file, NAME),
        }
    }
    panic!(
        "the glossary reader returned {MAX_ITEMS} rows from {} bytes",
        file.len()
    );
}

/// A text that exercises most of the default rules, segmented with the rules a fuzzed SRX file
/// gives.
const SAMPLE: &str = "Mr. Smith paid $3.50 at 10 a.m. on Jan. 5. Was it e.g. fair? Yes!\n\
    \n\
    第一句。第二句！「引用です。」と言った。\n\
    1. First item 2. Second item";

/// The SRX reader and the rule compiler, as `tmkit segment --srx FILE` drives them: the file is
/// read, the rules for a few languages are compiled (bad rules skipped, as with `--skip-bad-rules`,
/// and with the default policy), and a sample text is segmented with them.
pub fn srx(data: &[u8]) {
    let path = std::env::temp_dir().join(format!(
        "tmkit-fuzz-{}-{:?}.srx",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, data).expect("the temporary directory is writable");
    let name = path.display().to_string();
    let engine = segment_op::engine_from_file(&path);
    let _ = std::fs::remove_file(&path);
    let engine = match engine {
        Ok(e) => e,
        Err(e) => return check_error(&e, data, &name),
    };
    for l in ["en", "zh-CN", "ja-JP", "fr"] {
        match segment_op::rules_for(&engine, l, BadRules::Skip) {
            Ok((rules, problems)) => {
                for e in &problems {
                    check_error(e, data, &name);
                }
                check_segments(SAMPLE, &tmkit::text::segment::segment(SAMPLE, &rules));
            }
            Err(e) => check_error(&e, data, &name),
        }
        if let Err(e) = segment_op::rules_for(&engine, l, BadRules::Fail) {
            check_error(&e, data, &name);
        }
    }
}

/// Segments must come in order, be trimmed and non-empty, and between them the input may only
/// have white space: together they tile the input.
fn check_segments(text: &str, segments: &[tmkit::text::segment::Segment]) {
    let mut at = 0;
    let mut chars = 0;
    for (i, s) in segments.iter().enumerate() {
        assert_eq!(s.index, i);
        assert!(
            s.start >= at && s.start < s.end && s.end <= text.len(),
            "{s:?}"
        );
        let gap = &text[at..s.start];
        assert!(
            gap.chars().all(is_space),
            "segments leave out {gap:?} before {s:?}"
        );
        chars += gap.chars().count();
        assert_eq!(s.char_start, chars, "{s:?}");
        let t = s.text(text);
        assert_eq!(t, t.trim_matches(is_space), "segment {s:?} is not trimmed");
        chars += t.chars().count();
        assert_eq!(s.char_end, chars, "{s:?}");
        at = s.end;
    }
    let tail = &text[at..];
    assert!(
        tail.chars().all(is_space),
        "segments leave out the end {tail:?}"
    );
    for w in segments.windows(2) {
        assert!(w[0].paragraph <= w[1].paragraph);
    }
}

/// The segmenter with the built-in rules, as `tmkit segment` drives it: the first byte picks the
/// language; the rest is the input, read strictly (invalid UTF-8 is an error) and lossily.
pub fn segment(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let l = ["en", "zh-CN", "ja-JP", "de", "zh-TW", "ko", "fr", "en-GB"][pick as usize % 8];
    let engine = segment_op::default_engine().expect("the built-in rules parse");
    let (rules, problems) =
        segment_op::rules_for(engine, l, BadRules::Fail).expect("the built-in rules compile");
    assert!(problems.is_empty());
    for lossy in [false, true] {
        match segment_op::segment_bytes(text, &rules, lossy) {
            Ok(s) => check_segments(&s.text, &s.segments),
            Err(e) => {
                assert!(!lossy, "lossy decoding failed: {e}");
                check_error(&e, text, NAME);
            }
        }
    }
}

/// A small termbase in English, Chinese and Japanese: preferred, admitted and forbidden terms,
/// variants, an acronym, a case-sensitive term, a term with a hyphen and one with full-width
/// letters.
fn fixed_entries() -> Vec<TermEntry> {
    let (en, zh, ja) = (lang("en"), lang("zh-CN"), lang("ja-JP"));
    let term = |l: &Lang, text: &str, status: TermStatus| Term {
        status,
        ..Term::new(l.clone(), text)
    };
    let entry = |terms: Vec<Term>| TermEntry {
        terms,
        ..TermEntry::default()
    };
    let mut asia = term(&en, "Asia-Pacific", TermStatus::Preferred);
    asia.variants.push("Asia Pacific".into());
    let mut apple = term(&en, "Apple", TermStatus::Preferred);
    apple.case_sensitive = true;
    vec![
        entry(vec![
            term(&en, "translation memory", TermStatus::Preferred),
            term(&en, "TM", TermStatus::Admitted),
            term(&zh, "翻译记忆库", TermStatus::Preferred),
            term(&zh, "翻译记忆", TermStatus::Forbidden),
            term(&ja, "翻訳メモリ", TermStatus::Preferred),
        ]),
        entry(vec![
            asia,
            term(&zh, "亚太", TermStatus::Preferred),
            term(&ja, "アジア太平洋", TermStatus::Preferred),
        ]),
        entry(vec![
            apple,
            term(&zh, "苹果公司", TermStatus::Preferred),
            term(&ja, "アップル", TermStatus::Admitted),
        ]),
        entry(vec![
            term(&en, "memory", TermStatus::Preferred),
            term(&zh, "记忆库", TermStatus::Preferred),
            term(&zh, "内存", TermStatus::Forbidden),
            term(&ja, "メモリ", TermStatus::Preferred),
        ]),
        entry(vec![
            term(&en, "NASA", TermStatus::Preferred),
            term(&zh, "美国航天局", TermStatus::Preferred),
        ]),
        entry(vec![
            term(&en, "ＵＳＢ stick", TermStatus::Admitted),
            term(&zh, "U盘", TermStatus::Preferred),
            term(&ja, "ＵＳＢメモリ", TermStatus::Preferred),
        ]),
        entry(vec![
            term(&zh, "中日关系", TermStatus::Preferred),
            term(&en, "Sino-Japanese relations", TermStatus::Preferred),
            term(&ja, "日中関係", TermStatus::Preferred),
        ]),
    ]
}

/// Entries made of lines: one entry per line, terms separated by tabs in English, Chinese and
/// Japanese, in that order; a term starting with `!` is forbidden, with `~` admitted, with `=`
/// case-sensitive; `|` separates a term from its variants.
fn entries_from_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<TermEntry> {
    let langs = [lang("en"), lang("zh-CN"), lang("ja-JP")];
    lines
        .take(64)
        .map(|line| TermEntry {
            terms: line
                .split('\t')
                .zip(langs.iter().cycle())
                .map(|(cell, l)| {
                    let mut t = Term::new(l.clone(), "");
                    let mut cell = cell;
                    loop {
                        if let Some(rest) = cell.strip_prefix('!') {
                            t.status = TermStatus::Forbidden;
                            cell = rest;
                        } else if let Some(rest) = cell.strip_prefix('~') {
                            t.status = TermStatus::Admitted;
                            cell = rest;
                        } else if let Some(rest) = cell.strip_prefix('=') {
                            t.case_sensitive = true;
                            cell = rest;
                        } else {
                            break;
                        }
                    }
                    let mut parts = cell.split('|');
                    t.text = parts.next().unwrap_or("").to_string();
                    t.variants = parts.map(str::to_string).collect();
                    t
                })
                .collect(),
            ..TermEntry::default()
        })
        .collect()
}

/// Hits must lie on character boundaries of the text, `start < end`.
fn check_hits(text: &str, hits: &[TermHit], entries: &[TermEntry]) {
    for h in hits {
        assert!(h.start < h.end && h.end <= text.len(), "{h:?} in {text:?}");
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
        assert!(h.term < entries[h.entry].terms.len());
    }
}

/// Term recognition, as `tmkit terms` and the kit's term lists drive it. The first byte picks
/// the mode: even, the input is a text searched with a fixed termbase; odd, the input's first line
/// is the text, its second line a translation, and every further line an entry (see
/// [`entries_from_lines`]), so that the terms themselves are fuzzed.
pub fn terms(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let input = String::from_utf8_lossy(rest);
    let (text, translation, entries) = if pick % 2 == 0 {
        (&*input, "", fixed_entries())
    } else {
        let mut lines = input.split('\n');
        let text = lines.next().unwrap_or("");
        let translation = lines.next().unwrap_or("");
        (text, translation, entries_from_lines(lines))
    };
    let (en, zh, ja) = (lang("en"), lang("zh-CN"), lang("ja-JP"));
    let from = [&en, &zh, &ja][(pick as usize / 2) % 3].clone();

    // The raw index: leftmost-longest hits come in order and do not overlap, but for hits of
    // several terms on the very same span (ordered by entry and term).
    let index = TermIndex::build(&entries, &from);
    let hits = index.find(text);
    check_hits(text, &hits, &entries);
    for w in hits.windows(2) {
        let same_span = (w[0].start, w[0].end) == (w[1].start, w[1].end);
        assert!(
            w[0].end <= w[1].start
                || (same_span && (w[0].entry, w[0].term) < (w[1].entry, w[1].term)),
            "overlapping hits {w:?}"
        );
    }
    let mut all = Vec::new();
    index.find_all_into(text, &mut all);
    check_hits(text, &all, &entries);
    for h in &hits {
        assert!(all.contains(h), "{h:?} is found but not among all hits");
        assert!(index.contains(text, h.entry, h.term));
    }

    // The termbase, as the CLI uses it.
    let termbase = Termbase::new(entries.clone(), &from);
    let to = [en.clone(), zh.clone(), ja.clone()];
    for k in tmkit::ops::prepare::kit_terms(&termbase, text, &to) {
        assert_eq!(&text[k.start..k.end], k.text);
    }
    check_hits(text, &termbase.find(text), &entries);
    for l in &to {
        let mut out = Vec::new();
        termbase.check(text, translation, l, &mut out);
        check_findings(text, translation, &out);
    }
}

/// A finding's spans must lie on character boundaries of the texts it refers to.
fn check_findings(source: &str, target: &str, findings: &[Finding]) {
    for f in findings {
        assert!(!f.message.is_empty(), "{f:?}");
        if let Some((s, e)) = f.target_span {
            assert!(s <= e && e <= target.len(), "{f:?} in {target:?}");
            assert!(
                target.is_char_boundary(s) && target.is_char_boundary(e),
                "{f:?}"
            );
        }
        if let Some((s, e)) = f.source_span {
            assert!(s <= e && e <= source.len(), "{f:?} in {source:?}");
            assert!(
                source.is_char_boundary(s) && source.is_char_boundary(e),
                "{f:?}"
            );
        }
    }
}

/// The per-pair checks, as `tmkit check` runs them (with a fixed termbase): the first byte picks
/// the language pair; the rest is the source and the target, separated by the first byte 0xFF
/// (which UTF-8 never uses). Checking the same pair twice gives the same findings.
pub fn check(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let pairs = [
        ("en", "zh-CN"),
        ("en", "ja-JP"),
        ("zh-CN", "en"),
        ("ja-JP", "en"),
        ("en", "zh-TW"),
        ("en", "de"),
        ("zh-CN", "ja-JP"),
        ("en", "en-GB"),
    ];
    let (from, to) = pairs[pick as usize % pairs.len()];
    let (from, to) = (lang(from), lang(to));
    let (source, target) = match rest.iter().position(|&b| b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &b""[..]),
    };
    let source = String::from_utf8_lossy(source);
    let target = String::from_utf8_lossy(target);
    let termbase = Termbase::new(fixed_entries(), &from);
    let checks = PairChecks::new(Some(&termbase), &from);
    let mut first = Vec::new();
    checks.check(&source, &target, &to, &mut first);
    check_findings(&source, &target, &first);
    let mut second = Vec::new();
    checks.check(&source, &target, &to, &mut second);
    assert_eq!(first, second, "checking the same pair twice differs");
    let mut plain = Vec::new();
    tmkit::matching::qa::check_pair(&source, &target, &from, &to, &mut plain);
    check_findings(&source, &target, &plain);
}
