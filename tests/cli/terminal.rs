//! Control and escape sequences from data never reach the terminal: every text renderer shows
//! them as `\xHH` (C0 and C1 controls, DEL) and `<U+202E>` (bidirectional controls), with or
//! without colour, while JSON output keeps the text exact.

use crate::common::*;

/// ESC (a colour change and a window-title sequence), BEL, a carriage return, a C1 CSI, and a
/// right-to-left override.
const EVIL: &str = "\u{1b}[31mX\u{1b}]0;owned\u{7}\rY\u{9b}2J\u{202e}Z";
/// How [`EVIL`] is shown.
const SHOWN: &str = "\\x1b[31mX\\x1b]0;owned\\x07\\x0dY\\x9b2J<U+202E>Z";

fn assert_neutral(what: &str, out: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        // tmkit's own colours (`ESC [ 1 m`...) are the only escape sequences allowed.
        let text = &strip_colours(text);
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| {
                matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .collect();
        assert!(bad.is_empty(), "{what}: {name} has {bad:?}:\n{text}");
    }
    assert!(
        stdout.contains(SHOWN) || stderr.contains(SHOWN),
        "{what}: the text is not shown as {SHOWN}:\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
}

/// The text without the colour sequences tmkit writes (`ESC [` digits and `;` `m`).
fn strip_colours(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[end..].starts_with('m') {
            rest = &after[end + 1..];
        } else {
            // Not a colour: kept, to be caught.
            out.push_str("\u{1b}[");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A memory with one unit whose source and translation carry [`EVIL`] (the translation copies
/// the source, so `check` reports it), and a glossary concept whose Chinese term and note do.
fn evil_memory() -> (Work, String) {
    let w = Work::new();
    let text = format!("The forum {EVIL} opened in Beijing today.");
    w.ok(["add", "--lang", "en", &text, "--lang", "zh-CN", &text]);
    w.ok([
        "glossary",
        "add",
        "--note",
        EVIL,
        "en=forum",
        &format!("zh-CN=论坛{EVIL}"),
    ]);
    (w, text)
}

#[test]
fn check_lookup_and_concordance_show_controls_from_data_in_text_and_keep_them_in_json() {
    let (w, text) = evil_memory();
    for color in ["never", "always"] {
        let out = w.run(["--color", color, "check"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_neutral("check", &out);
        let out = w.run(["--color", color, "lookup", text.as_str()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_neutral("lookup", &out);
        let out = w.run(["--color", color, "concordance", "forum"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_neutral("concordance", &out);
    }
    // JSON is exact.
    let out = w.run(["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["target"], text.as_str());
    let v = w.json(["lookup", text.as_str()]);
    assert_eq!(v[0]["matches"][0]["targets"]["zh-CN"], text.as_str());
}

#[test]
fn glossary_list_and_terms_show_controls_from_data() {
    let (w, _) = evil_memory();
    for color in ["never", "always"] {
        let out = w.run(["--color", color, "glossary", "list", "default"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_neutral("glossary list", &out);
        let out = w.run(["--color", color, "terms", "--to", "zh-CN", "The forum met."]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_neutral("terms", &out);
    }
    let v = w.json(["glossary", "list", "default"]);
    assert_eq!(v[0]["note"], EVIL, "{v}");
}

#[test]
fn segment_text_output_shows_controls_and_json_keeps_them() {
    let w = Work::new();
    w.write("in.txt", format!("First {EVIL} sentence. Second one."));
    let out = w.run(["segment", "in.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_neutral("segment", &out);
    let v = w.json(["segment", "in.txt"]);
    assert_eq!(
        v[0]["text"].as_str().unwrap().trim_end(),
        format!("First {EVIL} sentence.")
    );
}

#[test]
fn error_messages_show_controls_in_file_names_and_values() {
    let w = Work::new();
    let name = format!("a{EVIL}.tmx");
    let out = w.run(["import", name.as_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert_neutral("import of a missing file", &out);
    let out = std::process::Command::new(bin())
        .current_dir(w.dir.path())
        .env_remove("TMKIT_DB")
        .args(["--db", &format!("m{EVIL}.db"), "stats"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_neutral("stats on a missing memory", &out);
}
