//! `--help` (issue 14): the command line describes itself consistently. Every command's about
//! line fits an 80-column terminal, the global options sit under their own heading, `segment`
//! does not offer `--db`, `-f` means `--file` wherever it exists, and an option has the same
//! value name in every command. The commands are read from the help itself, so a new one is
//! checked without being listed here.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use super::common::bin;

/// Options that rightly take another kind of value than the option of the same name elsewhere:
/// (command, option, why).
const OTHER_VALUES: &[(&str, &str, &str)] = &[(
    "glossary import",
    "--to",
    "the one target language of an OmegaT glossary, not a list",
)];

/// Runs `tmkit ARGS` with standard input `stdin`, insisting on success; returns standard output.
fn tmkit(args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new(bin())
        .args(args)
        .env_remove("TMKIT_DB")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tmkit runs");
    let mut input = child.stdin.take().expect("piped stdin");
    // The command may exit without reading: a broken pipe is fine.
    let _ = input.write_all(stdin);
    drop(input);
    let out = child.wait_with_output().expect("tmkit runs");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    assert_eq!(
        out.status.code(),
        Some(0),
        "tmkit {args:?} failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The help of the command `path` (`[]` for tmkit itself): `-h` (one line per option) or
/// `--help`.
fn help(path: &[String], flag: &str) -> String {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push(flag);
    tmkit(&args, b"")
}

/// The lines of a help text's section (`Commands:`, `Options:`, `Global options:`).
fn section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The subcommands a help text lists (clap's own `help` left out), with their lines.
fn subcommands(help: &str) -> Vec<(String, String)> {
    section(help, "Commands:")
        .into_iter()
        .filter_map(|line| {
            let name = line.split_whitespace().next()?;
            (name != "help").then(|| (name.to_string(), line.to_string()))
        })
        .collect()
}

/// Every command, as its path of subcommand names, from `tmkit --help` down.
fn commands() -> Vec<Vec<String>> {
    let mut all = Vec::new();
    let mut todo = vec![Vec::new()];
    while let Some(path) = todo.pop() {
        for (name, _) in subcommands(&help(&path, "-h")) {
            let mut sub = path.clone();
            sub.push(name);
            todo.push(sub.clone());
            all.push(sub);
        }
    }
    all.sort();
    all
}

/// An option as the short help shows it.
#[derive(Debug)]
struct Opt {
    short: Option<String>,
    long: String,
    /// The first value name, without its brackets (`FILE` for `--xliff <FILE.xlf>...` is
    /// `FILE.xlf`; `LANG` for `--lang <LANG> <TEXT>`).
    value: Option<String>,
}

/// The options listed in a short help (`-h`), in every section.
fn options(help: &str) -> Vec<Opt> {
    let mut out = Vec::new();
    for line in help.lines() {
        let mut words = line.split_whitespace().peekable();
        let short = match words.peek() {
            Some(w) if w.len() == 3 && w.starts_with('-') && w.ends_with(',') => {
                let s = w.trim_end_matches(',').to_string();
                words.next();
                Some(s)
            }
            _ => None,
        };
        let Some(long) = words.next().filter(|w| w.starts_with("--")) else {
            continue;
        };
        let value = words.next().filter(|w| w.starts_with('<')).map(|w| {
            w.trim_end_matches("...")
                .trim_matches(['<', '>'])
                .to_string()
        });
        out.push(Opt {
            short,
            long: long.to_string(),
            value,
        });
    }
    out
}

/// Whether the command `path` has subcommands of its own (glossary, token).
fn is_group(path: &[String]) -> bool {
    !subcommands(&help(path, "-h")).is_empty()
}

#[test]
fn every_about_line_fits_in_80_columns() {
    let mut parents = vec![Vec::new()];
    parents.extend(commands().into_iter().filter(|p| is_group(p)));
    for path in parents {
        for flag in ["-h", "--help"] {
            let text = help(&path, flag);
            let listed = subcommands(&text);
            assert!(
                !listed.is_empty(),
                "tmkit {path:?} {flag} lists no commands"
            );
            for (name, line) in listed {
                let width = line.chars().count();
                assert!(
                    width < 80,
                    "tmkit {path:?} {flag}: the line of {name} is {width} columns:\n{line}"
                );
            }
        }
    }
}

#[test]
fn global_options_have_their_own_heading() {
    let mut all = vec![Vec::new()];
    all.extend(commands());
    for path in all {
        let text = help(&path, "-h");
        let longs = |heading: &str| -> Vec<String> {
            options(&section(&text, heading).join("\n"))
                .into_iter()
                .map(|o| o.long)
                .collect()
        };
        let (own, global) = (longs("Options:"), longs("Global options:"));
        for opt in ["--color", "--quiet"] {
            assert!(
                global.iter().any(|o| o == opt),
                "tmkit {path:?} -h: {opt} not under Global options:\n{text}"
            );
        }
        for opt in ["--db", "--color", "--quiet"] {
            assert!(
                !own.iter().any(|o| o == opt),
                "tmkit {path:?} -h: {opt} among the command's own options:\n{text}"
            );
        }
    }
}

#[test]
fn db_is_offered_by_every_command_but_segment() {
    for path in commands() {
        for flag in ["-h", "--help"] {
            let text = help(&path, flag);
            if path == ["segment"] {
                assert!(
                    !text.contains("--db"),
                    "segment does not use the memory, yet {flag} offers --db:\n{text}"
                );
            } else {
                let global = section(&text, "Global options:").join("\n");
                assert!(
                    global.contains("--db <FILE>"),
                    "tmkit {path:?} {flag}: no --db under Global options:\n{text}"
                );
            }
        }
    }
}

#[test]
fn segment_still_accepts_db_and_short_f_for_format() {
    // Hidden from segment's help, both still parse as they did before issue 14.
    for args in [
        &["segment", "--db", "nowhere/tmkit.db", "-f", "json"][..],
        &["--db", "nowhere/tmkit.db", "segment", "--format", "json"][..],
    ] {
        let out = tmkit(args, b"One. Two.");
        assert!(out.starts_with('['), "tmkit {args:?} printed:\n{out}");
        assert!(
            out.contains(r#""text":"Two.""#),
            "tmkit {args:?} printed:\n{out}"
        );
    }
}

#[test]
fn short_f_means_file_in_every_command() {
    let mut with_f = Vec::new();
    for path in commands() {
        for opt in options(&help(&path, "-h")) {
            if opt.short.as_deref() == Some("-f") {
                assert_eq!(opt.long, "--file", "tmkit {path:?}: -f is {}", opt.long);
                with_f.push(path.join(" "));
            }
        }
    }
    assert_eq!(with_f, ["lookup", "terms"]);
}

#[test]
fn an_option_has_one_value_name_in_every_command() {
    // option -> value name -> the commands that show it.
    let mut seen: BTreeMap<String, BTreeMap<Option<String>, Vec<String>>> = BTreeMap::new();
    for path in commands() {
        let name = path.join(" ");
        for opt in options(&help(&path, "-h")) {
            if OTHER_VALUES
                .iter()
                .any(|(c, o, _)| *c == name && *o == opt.long)
            {
                continue;
            }
            seen.entry(opt.long)
                .or_default()
                .entry(opt.value)
                .or_default()
                .push(name.clone());
        }
    }
    let mixed: Vec<_> = seen.iter().filter(|(_, values)| values.len() > 1).collect();
    assert!(
        mixed.is_empty(),
        "options with several value names: {mixed:#?}"
    );
    // The kinds of value that recur keep one name.
    for (opt, want) in [
        ("--format", "FORMAT"),
        ("--from", "LANG"),
        ("--to", "LANGS"),
        ("--langs", "LANGS"),
        ("--file", "FILE"),
        ("--glossary", "FILE"),
        ("--max", "N"),
        ("--out", "DIR"),
    ] {
        let values: Vec<_> = seen[opt].keys().collect();
        assert_eq!(values, [&Some(want.to_string())], "{opt}");
    }
}
