//! Resource limits on hostile input: the longest segment, the deepest nesting, the largest SRX
//! rule, many inline codes in one unit. Each is answered with a located message that names the
//! option raising it, and none is buffered whole before it is refused.

use crate::common::*;

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header \
     creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" \
     srclang=\"en\" datatype=\"plaintext\"/><body>\n";

fn tmx(units: &[(&str, &str)]) -> String {
    let mut s = String::from(HEAD);
    for (i, (en, zh)) in units.iter().enumerate() {
        s.push_str(&format!(
            "<tu tuid=\"{}\"><tuv xml:lang=\"en\"><seg>{en}</seg></tuv>\
             <tuv xml:lang=\"zh-CN\"><seg>{zh}</seg></tuv></tu>\n",
            i + 1
        ));
    }
    s.push_str("</body></tmx>\n");
    s
}

#[test]
fn a_segment_over_the_limit_is_a_unit_problem_and_the_import_goes_on() {
    let w = Work::new();
    let long = "a".repeat(2 << 20);
    let ok = "The forum opened in Beijing.";
    w.write("long.tmx", tmx(&[(&long, "长"), (ok, "论坛在北京开幕。")]));
    let out = w.run(["import", "long.tmx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "long.tmx:3:33: <seg> is longer than 1 MiB, the limit for one segment: raise the \
             limit with --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)"
        ),
        "{text}"
    );
    let units = w.units();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].variants[0].text, ok);
    // --strict makes it fatal, and the memory stays as it was.
    let w = Work::new();
    w.write("long.tmx", tmx(&[(ok, "论坛在北京开幕。"), (&long, "长")]));
    let out = w.run(["import", "--strict", "long.tmx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("long.tmx:4:33: <seg> is longer than 1 MiB"),
        "{}",
        stderr(&out)
    );
    assert!(w.units().is_empty());
    // Raised by the option or the environment, it imports.
    w.ok(["--max-segment-bytes", "3000000", "import", "long.tmx"]);
    assert_eq!(w.units().len(), 2);
    let w = Work::new();
    w.write("long.tmx", tmx(&[(&long, "长")]));
    let out = w
        .command(["import", "long.tmx"])
        .env("TMKIT_MAX_SEGMENT_BYTES", "3000000")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(w.units()[0].variants[0].text.len(), long.len());
}

#[test]
fn a_segment_made_of_many_small_pieces_counts_as_a_whole() {
    // Entity references cut the text into many short events: the limit is on their sum.
    let w = Work::new();
    let pieces = "a&amp;".repeat(200_000);
    w.write(
        "refs.tmx",
        tmx(&[(&pieces, "甲"), ("Hello there.", "你好。")]),
    );
    let out = w.run(["--max-segment-bytes", "100000", "import", "refs.tmx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("refs.tmx:3:33: <seg> is longer than"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(w.units().len(), 1);
}

#[test]
fn a_tag_or_text_outside_segments_over_the_limit_is_refused_with_its_place() {
    let w = Work::new();
    let mut s = String::from(HEAD);
    s.push_str(&format!(
        "<tu tuid=\"1\" x-junk=\"{}\"><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu></body></tmx>\n",
        "x".repeat(3 << 20)
    ));
    w.write("tag.tmx", s);
    let out = w.run(["import", "tag.tmx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "tag.tmx:3:1: a tag or comment longer than 1 MiB, the limit for one segment: raise \
             the limit with --max-segment-bytes"
        ),
        "{}",
        stderr(&out)
    );
    assert!(w.units().is_empty());
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_with_its_place_in_every_reader() {
    let w = Work::new();
    let deep = format!("{}x{}", "<hi>".repeat(5_000), "</hi>".repeat(5_000));
    w.write("deep.tmx", tmx(&[(&deep, "甲")]));
    for args in [
        vec!["import", "deep.tmx"],
        vec!["check", "--tmx", "deep.tmx"],
    ] {
        let out = w.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("deep.tmx:3:")
                && err.contains(
                    "elements are nested more than 1000 levels deep: raise the limit with \
                     --max-depth (or TMKIT_MAX_DEPTH)"
                ),
            "{args:?}: {err}"
        );
    }
    assert!(w.units().is_empty());
    // Raised, the unit imports.
    w.ok(["--max-depth", "6000", "import", "deep.tmx"]);
    assert_eq!(w.units().len(), 1);
    // XLIFF and TBX go through the same reader.
    let xliff = format!(
        "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"><file source-language=\"en\" \
         target-language=\"zh-CN\" datatype=\"plaintext\" original=\"x\"><body>{}</body></file>\
         </xliff>\n",
        "<group>".repeat(2_000) + &"</group>".repeat(2_000)
    );
    w.write("deep.xlf", xliff);
    let out = w.run(["check", "--xliff", "deep.xlf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("deep.xlf:2:"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-depth"), "{}", stderr(&out));
    let tbx = format!(
        "<?xml version=\"1.0\"?>\n<martif type=\"TBX\">{}</martif>\n",
        "<text>".repeat(2_000) + &"</text>".repeat(2_000)
    );
    w.write("deep.tbx", tbx);
    let out = w.run(["glossary", "import", "deep.tbx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("deep.tbx:2:"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--max-depth"), "{}", stderr(&out));
}

#[test]
fn a_unit_with_many_tags_gives_one_tag_finding_with_a_count_and_linear_output() {
    let w = Work::new();
    let codes = |n: usize| -> String {
        (0..n)
            .map(|i| format!("<bpt i=\"{i}\">&lt;b&gt;</bpt>w{i}<ept i=\"{i}\">&lt;/b&gt;</ept> "))
            .collect()
    };
    let mut sizes = Vec::new();
    for n in [1_000, 4_000] {
        let source = codes(n);
        w.write("tags.tmx", tmx(&[(&source, "没有代码。")]));
        let out = w.run(["check", "--tmx", "tags.tmx", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let tags: Vec<&serde_json::Value> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "tag")
            .collect();
        assert_eq!(tags.len(), 1, "{n}");
        let message = tags[0]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "{} inline codes are missing from the target: <bpt i=\"0\">, <ept i=\"0\">",
                2 * n
            )),
            "{message}"
        );
        assert!(
            message.ends_with(&format!("and {} more", 2 * n - 5)),
            "{message}"
        );
        sizes.push((source.len(), out.stdout.len()));
    }
    // Four times the codes, about four times the output (it quotes the unit once).
    let (small, large) = (sizes[0], sizes[1]);
    assert!(large.1 < 5 * small.1, "{sizes:?}");
    assert!(large.1 < 3 * large.0, "{sizes:?}");
}

#[test]
fn an_srx_pattern_over_the_limit_is_refused_with_its_rule() {
    let w = Work::new();
    let pattern = "a".repeat(100_000);
    w.write(
        "big.srx",
        format!(
            "<?xml version=\"1.0\"?>\n<srx version=\"2.0\"><header/><body><languagerules>\n\
             <languagerule languagerulename=\"Big\">\n\
             <rule break=\"no\"><beforebreak>{pattern}</beforebreak><afterbreak>\\s</afterbreak></rule>\n\
             <rule break=\"yes\"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n\
             </languagerule></languagerules><maprules><languagemap languagepattern=\".*\" \
             languagerulename=\"Big\"/></maprules></body></srx>\n"
        ),
    );
    w.write("in.txt", "One. Two.");
    let out = w.run(["segment", "--rules", "big.srx", "in.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("big.srx:4:1: languagerule \"Big\", rule 1: pattern \"aaaa")
            && err.contains(
                "the pattern is 100000 bytes, over the limit of 64 KiB: raise the limit with \
                 --max-srx-pattern-bytes (or TMKIT_MAX_SRX_PATTERN_BYTES)"
            ),
        "{err}"
    );
    assert!(
        err.len() < 1000,
        "the message quotes the start of the pattern only: {err}"
    );
    let out = w.ok([
        "--max-srx-pattern-bytes",
        "200000",
        "segment",
        "--rules",
        "big.srx",
        "in.txt",
    ]);
    assert_eq!(
        out.lines().map(str::trim).collect::<Vec<_>>(),
        ["One.", "Two."]
    );
}

#[test]
fn xliff_and_tbx_texts_over_the_limit_are_refused_with_their_place() {
    let w = Work::new();
    // Many short pieces (text between references): the limit is on their sum.
    let pieces = "a&amp;".repeat(50_000);
    w.write(
        "long.xlf",
        format!(
            "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"><file source-language=\"en\" \
             target-language=\"zh-CN\" datatype=\"plaintext\" original=\"x\"><body>\n\
             <trans-unit id=\"1\"><source>{pieces}</source><target>甲</target></trans-unit>\n\
             </body></file></xliff>\n"
        ),
    );
    let out = w.run([
        "--max-segment-bytes",
        "10000",
        "check",
        "--xliff",
        "long.xlf",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "long.xlf:3:20: <source> is longer than 10000 bytes, the limit for one segment: \
             raise the limit with --max-segment-bytes"
        ),
        "{}",
        stderr(&out)
    );
    w.write(
        "long.tbx",
        format!(
            "<?xml version=\"1.0\"?>\n<martif type=\"TBX\" xml:lang=\"en\"><text><body>\n\
             <termEntry id=\"c1\"><langSet xml:lang=\"en\"><tig><term>{pieces}</term></tig>\
             </langSet></termEntry>\n</body></text></martif>\n"
        ),
    );
    let out = w.run([
        "--max-segment-bytes",
        "10000",
        "glossary",
        "import",
        "long.tbx",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("long.tbx:3:")
            && stderr(&out).contains("<term> is longer than 10000 bytes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_pair_reports_twenty_findings_of_a_kind_and_counts_the_rest() {
    let w = Work::new();
    let source: Vec<String> = (1..=50).map(|i| (i * 7).to_string()).collect();
    let target: Vec<String> = (1..=50).map(|i| (i * 7 + 1000).to_string()).collect();
    w.write(
        "numbers.tmx",
        tmx(&[(
            &format!("Figures {}.", source.join(", ")),
            &format!("数字{}。", target.join("、")),
        )]),
    );
    let out = w.run(["check", "--tmx", "numbers.tmx", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let numbers: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "number")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 21, "{numbers:#?}");
    assert_eq!(numbers[0], "number 7 in the source is 1007 in the target");
    assert_eq!(numbers[20], "and 30 more number findings in this segment");
}

#[test]
fn a_glossary_row_over_the_limit_is_refused_with_its_line() {
    let w = Work::new();
    w.write(
        "long.csv",
        format!(
            "en,zh-CN\nforum,论坛\nlong,\"{}\"\n",
            "word ".repeat(400_000)
        ),
    );
    let out = w.run(["glossary", "import", "long.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "long.csv:3:1: a row longer than 1 MiB, the limit for one segment: raise the limit \
             with --max-segment-bytes (or TMKIT_MAX_SEGMENT_BYTES)"
        ),
        "{}",
        stderr(&out)
    );
    w.ok([
        "--max-segment-bytes",
        "3000000",
        "glossary",
        "import",
        "long.csv",
    ]);
}

#[test]
fn a_long_chinese_segment_is_cut_on_a_character_boundary() {
    // The reader stops buffering at the limit, in the middle of a three-byte character unless it
    // steps back: the cut must leave valid UTF-8 (no "invalid UTF-8" error) and a unit problem.
    let w = Work::new();
    for limit in ["100000", "100001", "100002"] {
        let long = "论坛".repeat(100_000);
        w.write("zh.tmx", tmx(&[("Hello.", &long), ("Bye.", "再见。")]));
        let out = w.run(["--max-segment-bytes", limit, "import", "zh.tmx"]);
        assert_eq!(out.status.code(), Some(0), "{limit}: {}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("zh.tmx:3:"),
            "{limit}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn lookup_prepare_and_segment_refuse_a_segment_over_the_limit_with_its_place() {
    let w = bundled_memory();
    let long = "all work and no play makes jack a dull boy ".repeat(30_000);
    w.write("line.txt", format!("A first line.\n\n{long}\n"));
    for args in [
        vec!["lookup", "--file", "line.txt"],
        vec!["lookup", "--file", "line.txt", "--segment"],
        vec!["prepare", "line.txt", "--to", "zh-CN", "--out", "kit"],
        vec!["segment", "line.txt"],
    ] {
        let out = w.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "line.txt:3:1: a segment longer than 1 MiB, the limit for one segment (is the \
                 text missing its punctuation or line breaks?): raise the limit with \
                 --max-segment-bytes"
            ),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}
