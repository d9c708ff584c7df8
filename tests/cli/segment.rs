//! `tmkit segment`.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::fixtures::{fixture, golden};

fn article() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/beijing-tokyo-forum.en.txt")
        .display()
        .to_string()
}

#[test]
fn article_as_text_json_and_tsv() {
    let a = article();
    for (format, file) in [
        ("text", "segment/article.en.text.golden"),
        ("json", "segment/article.en.json.golden"),
        ("tsv", "segment/article.en.tsv.golden"),
    ] {
        let run = tmkit(&["segment", &a, "--format", format], b"");
        assert_eq!(run.code, 0, "--format {format}: {}", run.stderr);
        assert_eq!(run.stderr, "");
        golden(file, &run.stdout);
    }
}

#[test]
fn json_offsets_point_into_the_input() {
    let input = "Été à Paris. “Bonjour !” dit-il.\n\nNouveau paragraphe ici.";
    let run = tmkit(
        &["segment", "--format", "json", "--lang", "en"],
        input.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(rows.len() >= 2);
    let chars: Vec<char> = input.chars().collect();
    for row in &rows {
        let text = row["text"].as_str().unwrap();
        let (s, e) = (
            row["start"].as_u64().unwrap() as usize,
            row["end"].as_u64().unwrap() as usize,
        );
        let (cs, ce) = (
            row["char_start"].as_u64().unwrap() as usize,
            row["char_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&input[s..e], text);
        assert_eq!(chars[cs..ce].iter().collect::<String>(), text);
    }
    assert_eq!(rows.last().unwrap()["paragraph"], 1);
}

#[test]
fn reads_standard_input_with_dash_or_nothing() {
    for args in [&["segment"][..], &["segment", "-"][..]] {
        let run = tmkit(args, "One. Two.".as_bytes());
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, "One.\nTwo.\n"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn empty_input_gives_no_segments_and_no_error() {
    for format in ["text", "json", "tsv"] {
        let run = tmkit(&["segment", "--format", format], b"");
        assert_eq!(run.code, 0);
        assert_eq!(run.stderr, "");
        let want = match format {
            "text" => "",
            "json" => "[]\n",
            _ => "paragraph\tindex\tstart\tend\tchar_start\tchar_end\ttext\n",
        };
        assert_eq!(run.stdout, want, "--format {format}");
    }
}

#[test]
fn invalid_utf8_is_an_error_at_the_bad_byte_unless_lossy() {
    let input = b"First line.\nFine text. Then \xff\xfe bad bytes.";
    let run = tmkit(&["segment"], input);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "tmkit: <stdin>:2:17: byte FF is not valid UTF-8 (byte offset 28): convert the file to \
         UTF-8 (or give --lossy to replace invalid bytes)\n"
    );
    let run = tmkit(&["segment", "--lossy"], input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "First line.\nFine text.\nThen \u{fffd}\u{fffd} bad bytes.\n"
    );
}

#[test]
fn bad_srx_files_name_file_line_rule_and_pattern() {
    let bad = fixture("srx/bad-regex.srx").display().to_string();
    let run = tmkit(
        &["segment", "--rules", &bad],
        b"Mr. Smith left. He came back.",
    );
    assert_eq!(run.code, 2);
    for part in [
        "bad-regex.srx:11:9",
        "languagerule \"Broken\", rule 2",
        "pattern \"[.?!(\"",
        "cannot compile",
        "--skip-bad-rules",
    ] {
        assert!(
            run.stderr.contains(part),
            "missing {part:?} in {}",
            run.stderr
        );
    }
    let run = tmkit(
        &["segment", "--rules", &bad, "--skip-bad-rules"],
        b"Mr. Smith left. He came back.",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: rule left out"),
        "{}",
        run.stderr
    );

    let xml = fixture("srx/bad-xml.srx").display().to_string();
    let run = tmkit(&["segment", "--rules", &xml], b"Text.");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad-xml.srx:6:5"), "{}", run.stderr);

    let run = tmkit(&["segment", "--rules", "missing.srx"], b"Text.");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("tmkit: missing.srx: "),
        "{}",
        run.stderr
    );
}

#[test]
fn language_picks_the_rules() {
    let run = tmkit(
        &["segment", "--lang", "zh-CN"],
        "你好。再见！“走吧。”他说。".as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "你好。\n再见！\n“走吧。”他说。\n");
    let run = tmkit(
        &["segment", "--lang", "ja"],
        "「行きます。」と言った。はい。".as_bytes(),
    );
    assert_eq!(run.stdout, "「行きます。」と言った。\nはい。\n");
    let run = tmkit(&["segment", "--lang", "not a tag!"], b"x");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("tmkit: --lang: invalid language tag"),
        "{}",
        run.stderr
    );
}

#[test]
fn srx_file_rules_apply() {
    let okapi = fixture("srx/okapi-defaultSegmentation.srx")
        .display()
        .to_string();
    let run = tmkit(
        &["segment", "--rules", &okapi],
        b"Mr. Holmes is here. Is Dr. Watson there?",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Mr. Holmes is here.\nIs Dr. Watson there?\n");
}

#[test]
fn print_rules_gives_the_built_in_srx_which_works_as_a_rules_file() {
    let run = tmkit(&["segment", "--print-rules"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">")
    );
    let dir = std::env::temp_dir().join(format!("tmkit-print-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("my.srx");
    std::fs::write(&copy, &run.stdout).unwrap();
    let input = "Mr. Smith met Dr. Wu at 10 a.m. They talked.";
    let with_copy = tmkit(
        &["segment", "--rules", copy.to_str().unwrap()],
        input.as_bytes(),
    );
    let built_in = tmkit(&["segment"], input.as_bytes());
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(with_copy.code, 0, "{}", with_copy.stderr);
    assert_eq!(with_copy.stdout, built_in.stdout);
    assert_eq!(
        built_in.stdout,
        "Mr. Smith met Dr. Wu at 10 a.m.\nThey talked.\n"
    );
}

#[test]
fn a_language_without_rules_is_warned_about() {
    let trados = fixture("srx/okapi-tradosSegmentation.srx")
        .display()
        .to_string();
    let rules = std::fs::read_to_string(&trados).unwrap();
    let dir = std::env::temp_dir().join(format!("tmkit-no-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A map that only covers German.
    let only_de = dir.join("only-de.srx");
    let start = rules.find("<maprules>").unwrap();
    let end = rules.find("</maprules>").unwrap();
    let first_rule = rules[rules.find("languagerulename=\"").unwrap() + 18..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let patched = format!(
        "{}<maprules><languagemap languagepattern=\"de.*\" languagerulename=\"{first_rule}\"/>{}",
        &rules[..start],
        &rules[end..]
    );
    std::fs::write(&only_de, patched).unwrap();
    let run = tmkit(
        &[
            "segment",
            "--rules",
            only_de.to_str().unwrap(),
            "--lang",
            "en",
        ],
        b"One. Two.",
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "One. Two.\n");
    assert!(
        run.stderr.contains("no language rule applies to \"en\""),
        "{}",
        run.stderr
    );
}

#[test]
fn help_mentions_the_options() {
    let run = tmkit(&["segment", "--help"], b"");
    assert_eq!(run.code, 0);
    for opt in [
        "--lang",
        "--rules",
        "--format",
        "--lossy",
        "--skip-bad-rules",
    ] {
        assert!(run.stdout.contains(opt), "{opt} missing from --help");
    }
}

#[test]
fn text_output_keeps_one_segment_per_line() {
    let run = tmkit(
        &["segment"],
        b"It was a cold \nnight in the city. Then it rained.",
    );
    assert_eq!(
        run.stdout,
        "It was a cold  night in the city.\nThen it rained.\n"
    );
    let run = tmkit(
        &["segment", "--format", "tsv"],
        b"A\ttab here. Back\\slash.",
    );
    assert_eq!(
        run.stdout,
        "paragraph\tindex\tstart\tend\tchar_start\tchar_end\ttext\n0\t0\t0\t11\t0\t11\tA\\ttab here.\n0\t1\t12\t23\t12\t23\tBack\\\\slash.\n"
    );
}

/// What a run of `tmkit` produced.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `tmkit` with `args` in a fresh temporary directory, feeding `stdin`.
fn tmkit(args: &[&str], stdin: &[u8]) -> Run {
    let dir = std::env::temp_dir().join(format!("tmkit-cli-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tmkit"))
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The child may exit without reading (an error): a broken pipe is fine.
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A small SRX file with `X` inside a rule pattern, for damaging.
const SRX: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<srx version=\"2.0\" \
    xmlns=\"http://www.lisa.org/srx20\">\n<header segmentsubflows=\"yes\" cascade=\"no\"/>\n<body>\n\
    <languagerules>\n<languagerule languagerulename=\"Default\">\n\
    <rule break=\"no\"><beforebreak>Mr\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n\
    <rule break=\"yes\"><beforebreak>[.?!]X</beforebreak><afterbreak>\\s</afterbreak></rule>\n\
    </languagerule>\n</languagerules>\n<maprules><languagemap languagepattern=\".*\" \
    languagerulename=\"Default\"/></maprules>\n</body>\n</srx>\n";

#[test]
fn srx_files_that_are_not_well_formed_xml_are_refused_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let good = SRX.replace('X', "");
    let cut = good.find("<rule break=\"yes\">").unwrap();
    let cases: [(&str, String, &str); 6] = [
        (
            "nul.srx",
            SRX.replace('X', "\0"),
            ":8:37: byte offset 322 is a NUL byte, which XML does not allow",
        ),
        (
            "u1.srx",
            SRX.replace('X', "\u{1}"),
            ":8:37: not well-formed XML: character U+0001 is not allowed in XML 1.0",
        ),
        (
            "ref.srx",
            SRX.replace('X', "&#1;"),
            ":8:37: not well-formed XML: &#1; is not a character XML 1.0 allows",
        ),
        (
            "dup.srx",
            good.replace("<rule break=\"no\">", "<rule break=\"no\" break=\"yes\">"),
            ":7:1: not well-formed XML: <rule> has the attribute break twice",
        ),
        (
            "truncated.srx",
            good[..cut].to_string(),
            ":8:1: not well-formed XML: <languagerule> is never closed (the file may be truncated)",
        ),
        (
            "surrogate.srx",
            String::new(),
            ":8:37: a lone UTF-16 surrogate (0xDC00)",
        ),
    ];
    for (name, doc, want) in cases {
        let path = dir.path().join(name);
        if name == "surrogate.srx" {
            let mut bytes = vec![0xFF, 0xFE];
            for u in SRX.replace("UTF-8", "UTF-16").encode_utf16() {
                let u = if u == u16::from(b'X') { 0xDC00 } else { u };
                bytes.extend(u.to_le_bytes());
            }
            std::fs::write(&path, bytes).unwrap();
        } else {
            std::fs::write(&path, doc).unwrap();
        }
        let p = path.display().to_string();
        let run = tmkit(&["segment", "--rules", &p], b"Mr. Smith came. He left.");
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{name}: nothing is segmented");
        assert!(
            run.stderr.starts_with(&format!("tmkit: {p}{want}")),
            "{name}: expected {want:?} in {}",
            run.stderr
        );
        assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    }
}

#[test]
fn utf16_srx_files_with_a_byte_order_mark_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let doc = SRX.replace('X', "").replace("UTF-8", "UTF-16");
    for little in [true, false] {
        let mut bytes = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in doc.encode_utf16() {
            bytes.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        let path = dir.path().join(if little { "le.srx" } else { "be.srx" });
        std::fs::write(&path, bytes).unwrap();
        let p = path.display().to_string();
        let run = tmkit(&["segment", "--rules", &p], b"Mr. Smith came. He left.");
        assert_eq!(run.code, 0, "{p}: {}", run.stderr);
        assert_eq!(run.stdout, "Mr. Smith came.\nHe left.\n", "{p}");
    }
}

/// Pieces of text that the streamed path (a file read 256 KiB at a time and cut after blank
/// lines) must segment as the whole-input path does: CRLF line ends, a byte-order mark, blank
/// lines of spaces and no-break spaces, U+000B and U+000C, controls, bidirectional controls,
/// line and paragraph separators, tabs, backslashes, lists, headings, CJK.
const PIECES: &[&str] = &[
    "Mr. Smith met Dr. Wu at 10 a.m. They talked. ",
    "Wang said: \u{201c}Yes.\u{201d} It was 3.5% more.",
    "中日两国可以加强沟通。他说：“是的。”",
    "\n",
    "\n\n",
    "\r\n",
    "\r\n\r\n",
    " \n",
    "\u{a0}\n\n",
    "\u{3000}\n",
    "\u{feff}",
    "\u{b}",
    "\u{c}",
    "- item one\n- item two\n",
    "1) first 2) second",
    "A Heading\nText follows here.",
    "Lead-in:\n",
    "\u{2028}x\u{2029}",
    "\u{202e}reversed\u{202c} \u{200f}",
    "tab\there \\ back\\slash",
    "bell\u{7} and \u{85} and \u{9b}.",
];

/// Runs `tmkit segment` on a file (the streamed path) and on the same bytes from standard
/// input (the whole-input path).
fn file_and_stdin(input: &[u8], args: &[&str]) -> (Run, Run) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.txt");
    std::fs::write(&path, input).unwrap();
    let p = path.display().to_string();
    let mut with_file = vec!["segment"];
    with_file.extend_from_slice(args);
    let mut with_stdin = with_file.clone();
    with_file.push(&p);
    with_stdin.push("-");
    (tmkit(&with_file, b""), tmkit(&with_stdin, input))
}

mod streamed {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]
        /// Files of several pieces (256 KiB each) give the same output as the whole text does.
        #[test]
        fn files_segment_as_standard_input_does_in_every_format(
            parts in prop::collection::vec(0..PIECES.len(), 1..80),
        ) {
            let unit: String = parts.iter().map(|&i| PIECES[i]).collect();
            let mut text = String::new();
            while text.len() < 1_300_000 {
                text.push_str(&unit);
            }
            for format in ["text", "json", "tsv"] {
                let (file, stdin) = file_and_stdin(text.as_bytes(), &["--format", format]);
                prop_assert_eq!(file.code, 0, "{}", file.stderr);
                prop_assert_eq!(&file.stderr, &stdin.stderr);
                prop_assert!(file.stdout == stdin.stdout, "--format {} differs", format);
            }
        }
    }
}

#[test]
fn a_large_file_with_a_bad_byte_at_the_end_writes_nothing_and_names_its_place() {
    let mut input = "Fine text. More text.\n\n".repeat(60_000).into_bytes();
    input.extend_from_slice(b"Then \xff bad.\n");
    let (file, stdin) = file_and_stdin(&input, &[]);
    assert_eq!(file.code, 2);
    assert_eq!(file.stdout, "");
    assert!(
        file.stderr.ends_with(
            "in.txt:120001:6: byte FF is not valid UTF-8 (byte offset 1380005): convert the \
             file to UTF-8 (or give --lossy to replace invalid bytes)\n"
        ),
        "{}",
        file.stderr
    );
    assert!(
        stdin
            .stderr
            .starts_with("tmkit: <stdin>:120001:6: byte FF is not valid UTF-8"),
        "{}",
        stdin.stderr
    );
    let (file, stdin) = file_and_stdin(&input, &["--lossy"]);
    assert_eq!(file.code, 0, "{}", file.stderr);
    assert!(
        file.stdout
            .ends_with("Fine text.\nMore text.\nThen \u{fffd} bad.\n")
    );
    assert!(file.stdout == stdin.stdout);
}

#[test]
fn utf16_files_are_refused_as_from_standard_input() {
    let input: Vec<u8> = "\u{feff}Hello there. Bye.\n"
        .repeat(1000)
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let (file, stdin) = file_and_stdin(&input, &[]);
    assert_eq!(file.code, 2);
    assert_eq!(file.stdout, "");
    assert!(file.stderr.contains("in.txt:1:1: "), "{}", file.stderr);
    assert!(stdin.stderr.contains("<stdin>:1:1: "), "{}", stdin.stderr);
}

#[test]
fn a_line_over_the_segment_limit_is_refused_at_its_place_with_nothing_written() {
    let mut input = "Intro. Fine.\n\n".repeat(100_000);
    input.push_str("Then ");
    input.push_str(&"word ".repeat(300_000));
    input.push_str("\n\nEnd.\n");
    let (file, _) = file_and_stdin(input.as_bytes(), &[]);
    assert_eq!(file.code, 2);
    assert_eq!(file.stdout, "");
    assert!(
        file.stderr.ends_with(
            "in.txt:200001:1: a segment longer than 1 MiB, the limit for one segment (is the \
             text missing its punctuation or line breaks?): raise the limit with \
             --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)\n"
        ),
        "{}",
        file.stderr
    );
}
