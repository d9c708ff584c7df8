//! Hostile inputs (issue 11): each is generated in a temporary folder and given to the release
//! `tmkit` binary, as a whole process. Prints, per case, the exit code, the wall time, the peak
//! resident memory of the process (its `ru_maxrss`, from `wait4`) and whether it meets the
//! target: answered in under 2 s with peak RSS under 200 MB, or refused with exit 2 and a
//! located message (`file:line:column`).
//!
//! `cargo bench --bench hostile` (builds the release binary first). `TMKIT_HOSTILE=name,name`
//! runs only the cases named; `TMKIT_HOSTILE_MB=20` makes the 200 MB inputs that size instead.

#[allow(dead_code)]
#[path = "common/process.rs"]
mod process;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const TMX_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header \
     creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" \
     srclang=\"en\" datatype=\"plaintext\"/><body>\n";
const TMX_TAIL: &str = "</body></tmx>\n";

/// The slowest answer that meets the target.
const MAX_WALL: Duration = Duration::from_secs(2);
/// The most memory a run that meets the target takes (200 MB).
const MAX_RSS_KB: u64 = 200 * 1000;
/// A run taking longer is killed (and fails).
const KILL_AFTER: Duration = Duration::from_secs(120);

struct Outcome {
    code: i32,
    wall: Duration,
    rss_kb: u64,
    stderr: String,
    stdout_bytes: u64,
}

/// Runs `bin args` in `dir` to completion (killed after [`KILL_AFTER`]), measuring its wall time
/// and its own peak RSS.
fn run(bin: &Path, dir: &Path, args: &[&str]) -> Outcome {
    let out_path = dir.join("stdout.txt");
    let err_path = dir.join("stderr.txt");
    let m = process::measure(
        Command::new(bin)
            .current_dir(dir)
            .args(["--db", "hostile.db", "--quiet"])
            .args(args)
            .env_remove("TMKIT_DB")
            .stdin(Stdio::null())
            .stdout(File::create(&out_path).expect("stdout file"))
            .stderr(File::create(&err_path).expect("stderr file")),
        KILL_AFTER,
    );
    Outcome {
        code: m.code,
        wall: m.wall,
        rss_kb: m.rss_kb,
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        stdout_bytes: std::fs::metadata(&out_path).map(|m| m.len()).unwrap_or(0),
    }
}

/// Whether a message points at a place in a file: `name:line:column:`.
fn located(message: &str) -> bool {
    message.split(": ").any(|part| {
        let mut it = part.rsplitn(3, ':');
        let (Some(col), Some(line), Some(file)) = (it.next(), it.next(), it.next()) else {
            return false;
        };
        !file.is_empty()
            && !line.is_empty()
            && !col.is_empty()
            && line.bytes().all(|b| b.is_ascii_digit())
            && col.bytes().all(|b| b.is_ascii_digit())
    })
}

fn write_file(path: &Path, write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>) {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).expect("input file"));
    write(&mut out).expect("input written");
    out.flush().expect("input written");
}

/// Writes `piece` over and over, `bytes` bytes in all (whole pieces).
fn repeat(out: &mut impl Write, piece: &[u8], bytes: usize) -> std::io::Result<()> {
    let per_chunk = ((1 << 20) / piece.len()).max(1);
    let chunk = piece.repeat(per_chunk);
    let mut left = bytes / piece.len();
    while left > 0 {
        let k = left.min(per_chunk);
        out.write_all(&chunk[..k * piece.len()])?;
        left -= k;
    }
    Ok(())
}

/// 1,000,000 nested `<hi>` in one segment.
fn deep_tmx(dir: &Path) {
    let path = dir.join("deep.tmx");
    if path.exists() {
        return;
    }
    write_file(&path, |o| {
        o.write_all(TMX_HEAD.as_bytes())?;
        o.write_all(b"<tu><tuv xml:lang=\"en\"><seg>")?;
        repeat(o, b"<hi>", 4_000_000)?;
        o.write_all(b"x")?;
        repeat(o, b"</hi>", 5_000_000)?;
        o.write_all("</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>甲</seg></tuv></tu>\n".as_bytes())?;
        o.write_all(TMX_TAIL.as_bytes())
    });
}

/// A `<seg>` of `big` bytes, then a good unit.
fn big_seg_tmx(dir: &Path, big: usize) {
    let path = dir.join("big-seg.tmx");
    if path.exists() {
        return;
    }
    write_file(&path, |o| {
        o.write_all(TMX_HEAD.as_bytes())?;
        o.write_all(b"<tu><tuv xml:lang=\"en\"><seg>")?;
        repeat(o, b"All work and no play makes Jack a dull boy. ", big)?;
        o.write_all(
            "</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>甲</seg></tuv></tu>\n\
             <tu><tuv xml:lang=\"en\"><seg>Hello.</seg></tuv>\
             <tuv xml:lang=\"zh-CN\"><seg>你好。</seg></tuv></tu>\n"
                .as_bytes(),
        )?;
        o.write_all(TMX_TAIL.as_bytes())
    });
}

/// An article of `big` bytes on one line.
fn line_txt(dir: &Path, big: usize) {
    let path = dir.join("line.txt");
    if !path.exists() {
        write_file(&path, |o| {
            repeat(o, b"All work and no play makes Jack a dull boy ", big)
        });
    }
}

/// One hostile case: a name, what it is, the input it writes, the command it runs.
struct Case {
    name: &'static str,
    what: String,
    /// Writes the inputs into the folder; returns the arguments of the run.
    setup: Setup,
}

/// Writes a case's inputs into the folder (with the binary at hand); returns the run's arguments.
type Setup = Box<dyn Fn(&Path, &Path) -> Vec<String>>;

fn cases(big: usize) -> Vec<Case> {
    let mb = big >> 20;
    let one_unit = |bin: &Path, dir: &Path| {
        let ok = Command::new(bin)
            .current_dir(dir)
            .args(["--db", "hostile.db", "--quiet", "add", "--lang", "en"])
            .args([
                "The forum opened in Beijing.",
                "--lang",
                "zh-CN",
                "论坛在北京开幕。",
            ])
            .stdout(Stdio::null())
            .status()
            .expect("tmkit runs")
            .success();
        assert!(ok, "add");
    };
    vec![
        Case {
            name: "tags-check",
            what: "check: one unit with 10,000 <bpt>/<ept> pairs".into(),
            setup: Box::new(|_, dir| {
                write_file(&dir.join("tags.tmx"), |o| {
                    o.write_all(TMX_HEAD.as_bytes())?;
                    o.write_all(b"<tu tuid=\"1\"><tuv xml:lang=\"en\"><seg>")?;
                    for i in 0..10_000 {
                        write!(
                            o,
                            "<bpt i=\"{i}\">&lt;b&gt;</bpt>w{i}<ept i=\"{i}\">&lt;/b&gt;</ept> "
                        )?;
                    }
                    o.write_all(
                        "</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>没有代码。</seg></tuv></tu>\n"
                            .as_bytes(),
                    )?;
                    o.write_all(TMX_TAIL.as_bytes())
                });
                ["check", "--tmx", "tags.tmx", "--format", "json"]
                    .map(String::from)
                    .to_vec()
            }),
        },
        Case {
            name: "tags-import-check",
            what: "check the memory: a unit with 10,000 pairs, 5,000 in its target".into(),
            setup: Box::new(|bin, dir| {
                write_file(&dir.join("tags.tmx"), |o| {
                    o.write_all(TMX_HEAD.as_bytes())?;
                    o.write_all(b"<tu tuid=\"1\"><tuv xml:lang=\"en\"><seg>")?;
                    for i in 0..10_000 {
                        write!(
                            o,
                            "<bpt i=\"{i}\">&lt;b&gt;</bpt>w{i}<ept i=\"{i}\">&lt;/b&gt;</ept> "
                        )?;
                    }
                    o.write_all(b"</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>")?;
                    // Half the pairs, in the opposite order.
                    for i in (0..10_000).rev().step_by(2) {
                        write!(
                            o,
                            "<bpt i=\"{i}\">&lt;b&gt;</bpt>字{i}<ept i=\"{i}\">&lt;/b&gt;</ept> "
                        )?;
                    }
                    o.write_all(b"</seg></tuv></tu>\n")?;
                    o.write_all(TMX_TAIL.as_bytes())
                });
                let ok = Command::new(bin)
                    .current_dir(dir)
                    .args(["--db", "hostile.db", "--quiet", "import", "tags.tmx"])
                    .stdout(Stdio::null())
                    .status()
                    .expect("tmkit runs")
                    .success();
                assert!(ok, "import tags.tmx");
                ["check"].map(String::from).to_vec()
            }),
        },
        Case {
            name: "nested-hi-check",
            what: "check: 1,000,000 nested <hi> in one segment".into(),
            setup: Box::new(|_, dir| {
                deep_tmx(dir);
                ["check", "--tmx", "deep.tmx"].map(String::from).to_vec()
            }),
        },
        Case {
            name: "nested-hi-import",
            what: "import: 1,000,000 nested <hi> in one segment".into(),
            setup: Box::new(|_, dir| {
                deep_tmx(dir);
                ["import", "deep.tmx"].map(String::from).to_vec()
            }),
        },
        Case {
            name: "deep-xml",
            what: "import: 1,000,000 nested elements outside any segment".into(),
            setup: Box::new(|_, dir| {
                write_file(&dir.join("deep-xml.tmx"), |o| {
                    o.write_all(TMX_HEAD.as_bytes())?;
                    repeat(o, b"<x>", 3_000_000)?;
                    repeat(o, b"</x>", 4_000_000)?;
                    o.write_all(TMX_TAIL.as_bytes())
                });
                ["import", "deep-xml.tmx"].map(String::from).to_vec()
            }),
        },
        Case {
            name: "big-seg",
            what: format!("import: a {mb} MB <seg>, then one good unit"),
            setup: Box::new(move |_, dir| {
                big_seg_tmx(dir, big);
                ["import", "big-seg.tmx"].map(String::from).to_vec()
            }),
        },
        Case {
            name: "big-seg-check",
            what: format!("check: a {mb} MB <seg>"),
            setup: Box::new(move |_, dir| {
                big_seg_tmx(dir, big);
                ["check", "--tmx", "big-seg.tmx"].map(String::from).to_vec()
            }),
        },
        Case {
            name: "big-srx-pattern",
            what: format!("segment: an SRX rule with a {mb} MB pattern"),
            setup: Box::new(move |_, dir| {
                write_file(&dir.join("big.srx"), |o| {
                    o.write_all(
                        b"<?xml version=\"1.0\"?>\n<srx version=\"2.0\"><header/><body>\
                          <languagerules><languagerule languagerulename=\"Big\">\n\
                          <rule break=\"no\"><beforebreak>",
                    )?;
                    repeat(o, b"(a|b)", big)?;
                    o.write_all(
                        b"</beforebreak><afterbreak>\\s</afterbreak></rule>\n</languagerule>\
                          </languagerules><maprules><languagemap languagepattern=\".*\" \
                          languagerulename=\"Big\"/></maprules></body></srx>\n",
                    )
                });
                std::fs::write(dir.join("two.txt"), "One. Two.").expect("input written");
                ["segment", "--rules", "big.srx", "two.txt"]
                    .map(String::from)
                    .to_vec()
            }),
        },
        Case {
            name: "lookup-min-0",
            what: "lookup --min 0 on a one-unit memory".into(),
            setup: Box::new(move |bin, dir| {
                one_unit(bin, dir);
                ["lookup", "--min", "0", "The forum opened in Tokyo."]
                    .map(String::from)
                    .to_vec()
            }),
        },
        Case {
            name: "entity-bomb",
            what: "import: a billion-laughs entity bomb".into(),
            setup: Box::new(|_, dir| {
                write_file(&dir.join("bomb.tmx"), |o| {
                    o.write_all(
                        b"<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n<!ENTITY a0 \"lol\">\n",
                    )?;
                    for i in 1..10 {
                        let refs = format!("&a{};", i - 1).repeat(10);
                        writeln!(o, "<!ENTITY a{i} \"{refs}\">")?;
                    }
                    o.write_all(b"]>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n")?;
                    o.write_all(
                        b"<tu><tuv xml:lang=\"en\"><seg>&a9;</seg></tuv>\
                          <tuv xml:lang=\"zh-CN\"><seg>x</seg></tuv></tu>\n</body></tmx>\n",
                    )
                });
                ["import", "bomb.tmx"].map(String::from).to_vec()
            }),
        },
        Case {
            name: "long-csv-cell",
            what: format!("glossary import: a CSV with a {mb} MB cell"),
            setup: Box::new(move |_, dir| {
                write_file(&dir.join("long.csv"), |o| {
                    o.write_all(b"en,zh-CN\nforum,\xe8\xae\xba\xe5\x9d\x9b\nlong,\"")?;
                    repeat(o, b"word ", big)?;
                    o.write_all(b"\"\n")
                });
                ["glossary", "import", "long.csv"]
                    .map(String::from)
                    .to_vec()
            }),
        },
        Case {
            name: "long-line-article",
            what: format!("segment: a {mb} MB article on one line"),
            setup: Box::new(move |_, dir| {
                line_txt(dir, big);
                ["segment", "line.txt", "--format", "json"]
                    .map(String::from)
                    .to_vec()
            }),
        },
        Case {
            name: "long-line-lookup",
            what: format!("lookup --file: a {mb} MB article on one line"),
            setup: Box::new(move |bin, dir| {
                line_txt(dir, big);
                one_unit(bin, dir);
                ["lookup", "--file", "line.txt", "--segment"]
                    .map(String::from)
                    .to_vec()
            }),
        },
    ]
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "--bin", "tmkit"])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --release");
    let bin = root.join("target/release/tmkit");
    let big: usize = std::env::var("TMKIT_HOSTILE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
        << 20;
    let only: Option<Vec<String>> = std::env::var("TMKIT_HOSTILE")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    let dir = tempfile::tempdir().expect("temp dir");
    println!(
        "| case | input | exit | wall | peak RSS | output | meets target | message |\n\
         |---|---|---|---|---|---|---|---|"
    );
    let mut failed = 0;
    for case in cases(big) {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|n| n == case.name))
        {
            continue;
        }
        let _ = std::fs::remove_file(dir.path().join("hostile.db"));
        let args = (case.setup)(&bin, dir.path());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&bin, dir.path(), &refs);
        let message = o.stderr.lines().next().unwrap_or("").to_string();
        let answered = o.code != 2 && o.wall < MAX_WALL && o.rss_kb < MAX_RSS_KB;
        let refused = o.code == 2 && located(&message);
        let meets = answered || refused;
        if !meets {
            failed += 1;
        }
        let mut shown: String = message.chars().take(110).collect();
        if shown.len() < message.len() {
            shown.push('…');
        }
        println!(
            "| {} | {} | {} | {:.2} s | {:.1} MB | {} B | {} | {} |",
            case.name,
            case.what,
            o.code,
            o.wall.as_secs_f64(),
            o.rss_kb as f64 / 1000.0,
            o.stdout_bytes,
            if answered {
                "yes (answered)"
            } else if refused {
                "yes (refused, located)"
            } else {
                "NO"
            },
            shown.replace('|', "\\|")
        );
    }
    println!("\n{failed} cases miss the target");
}
