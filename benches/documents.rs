//! Documents in, documents out (issue 12), measured as a user meets them: the release `tmkit`
//! binary as a whole process, start to exit, output written. Medians of `TMKIT_BENCH_RUNS` runs
//! (default 5), with the peak resident memory of the process (`ru_maxrss`, from `wait4`).
//!
//! - `prepare` and `finish` on the example article as DOCX, HTML and text, with the bundled
//!   memory (target: under 150 ms each for the DOCX);
//! - extraction of a generated HTML page of 10 MB (`tmkit segment page.html --format json`),
//!   and of 2.5 and 40 MB to show that memory stays flat whatever the size of the page
//!   (target: 50 MB/s);
//! - the same pages through translate-toolkit's `html2po` and `po2html` (when installed), and
//!   tmkit's own pipeline on them (`prepare --no-memory`, then `finish`), with the ratio.
//!
//! `cargo bench --bench documents`. `TMKIT_DOCS_MB=10` sets the size of the big page;
//! `TMKIT_DOCS_ONLY=kit|extraction|peers` runs one of the three parts; `TMKIT_BENCH_BIN=PATH`
//! measures that `tmkit` binary instead of building this one (a baseline from another commit,
//! run in the same session).

#[path = "common/process.rs"]
mod process;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A run taking longer is killed, and reported as such (translate-toolkit on large pages).
const KILL_AFTER: Duration = Duration::from_secs(600);

/// Runs a program to completion in `dir`, measuring its wall time and peak RSS.
fn run(program: &Path, dir: &Path, args: &[&str]) -> process::Measured {
    process::measure(
        Command::new(program)
            .current_dir(dir)
            .args(args)
            .env_remove("TMKIT_DB")
            .stdin(Stdio::null())
            .stdout(File::create(dir.join("stdout.txt")).expect("stdout file"))
            .stderr(File::create(dir.join("stderr.txt")).expect("stderr file")),
        KILL_AFTER,
    )
}

/// Runs `args` `runs` times (after `before` each time); the median wall time in ms, the largest
/// peak RSS in MB, and the exit code of the last run.
fn measure(
    program: &Path,
    dir: &Path,
    args: &[&str],
    runs: usize,
    before: &dyn Fn(),
) -> (f64, f64, i32) {
    let mut walls = Vec::new();
    let mut rss = 0;
    let mut code = 0;
    for _ in 0..runs {
        before();
        let o = run(program, dir, args);
        walls.push(o.wall.as_secs_f64() * 1000.0);
        rss = rss.max(o.rss_kb);
        code = o.code;
    }
    (process::median(walls), rss as f64 / 1000.0, code)
}

/// Writes a page of about `bytes` bytes to `path`: the example page with its article repeated,
/// streamed, so that this process never holds the page (a child forked from it would count the
/// pages it shares with it in its peak RSS). Returns the page's size.
fn write_page(path: &Path, example: &str, bytes: usize) -> usize {
    use std::io::Write;
    let start = example
        .find("<article>")
        .expect("the example has an article");
    let end = example
        .find("</article>")
        .expect("the example has an article")
        + "</article>".len();
    let (head, article, tail) = (&example[..start], &example[start..end], &example[end..]);
    let mut out = std::io::BufWriter::new(File::create(path).expect("page file"));
    let mut written = head.len();
    out.write_all(head.as_bytes()).unwrap();
    let mut n = 0;
    while written < bytes {
        n += 1;
        // Numbered, so that the page is not one repetition of itself for the memory.
        let part = article.replace("<h1>", &format!("<h1>Part {n}: "));
        out.write_all(part.as_bytes()).unwrap();
        out.write_all(b"\n").unwrap();
        written += part.len() + 1;
    }
    out.write_all(tail.as_bytes()).unwrap();
    out.flush().unwrap();
    written + tail.len()
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_string_lossy()
        .split(':')
        .map(|d| Path::new(d).join(tool))
        .find(|p| p.is_file())
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Another build to measure (an older commit, for a comparison in the same session).
    let bin = match std::env::var_os("TMKIT_BENCH_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => {
            let status = Command::new("cargo")
                .args(["build", "--release", "--quiet", "--bin", "tmkit"])
                .current_dir(&root)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build --release");
            root.join("target/release/tmkit")
        }
    };
    println!("binary: {}\n", bin.display());
    let runs: usize = std::env::var("TMKIT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mb: usize = std::env::var("TMKIT_DOCS_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::copy(
        root.join("tmx/beijing-tokyo-forum.tmx"),
        dir.join("forum.tmx"),
    )
    .unwrap();
    let o = run(
        &bin,
        dir,
        &["--db", "bench.db", "--quiet", "import", "forum.tmx"],
    );
    assert_eq!(o.code, 0, "import the bundled memory");

    let only = std::env::var("TMKIT_DOCS_ONLY").unwrap_or_default();
    let part = |name: &str| only.is_empty() || only == name;
    if part("kit") {
        println!("## prepare and finish on the example article (bundled memory), {runs} runs\n");
        println!("| article | step | median wall | peak RSS | exit |\n|---|---|---|---|---|");
        for ext in ["docx", "html", "txt"] {
            let name = format!("beijing-tokyo-forum.en.{ext}");
            std::fs::copy(root.join("examples").join(&name), dir.join(&name)).unwrap();
            let kit = format!("kit-{ext}");
            let (wall, rss, code) = measure(
                &bin,
                dir,
                &[
                    "--db", "bench.db", "--quiet", "prepare", &name, "--out", &kit, "--force",
                ],
                runs,
                &|| {},
            );
            println!("| {name} | prepare | {wall:.1} ms | {rss:.1} MB | {code} |");
            let (wall, rss, code) = measure(
                &bin,
                dir,
                &[
                    "--db",
                    "bench.db",
                    "--quiet",
                    "finish",
                    &kit,
                    "--allow-incomplete",
                ],
                runs,
                &|| {},
            );
            println!("| {name} | finish | {wall:.1} ms | {rss:.1} MB | {code} |");
        }
    }
    let example = std::fs::read_to_string(root.join("examples/beijing-tokyo-forum.en.html"))
        .expect("the example page");
    if part("extraction") {
        println!("\n## HTML extraction, whole process: `tmkit segment PAGE --format json`\n");
        println!("| page | median wall | MB/s | peak RSS | exit |\n|---|---|---|---|---|");
        let sizes = [mb << 18, mb << 20, mb << 22];
        for bytes in sizes {
            let name = format!("page-{bytes}.html");
            let len = write_page(&dir.join(&name), &example, bytes);
            let (wall, rss, code) = measure(
                &bin,
                dir,
                &["segment", &name, "--format", "json"],
                runs,
                &|| {},
            );
            println!(
                "| {:.1} MB | {wall:.0} ms | {:.1} | {rss:.1} MB | {code} |",
                len as f64 / 1e6,
                len as f64 / 1e6 / (wall / 1000.0)
            );
        }
    }
    if !part("peers") {
        return;
    }
    println!("\n## tmkit against translate-toolkit on the same pages\n");
    write_page(&dir.join("big.html"), &example, mb << 20);
    std::fs::write(dir.join("example.html"), &example).unwrap();
    write_page(&dir.join("1mb.html"), &example, 1 << 20);
    let html2po = which("html2po");
    let po2html = which("po2html");
    println!("| page | tool | step | median wall | peak RSS | exit |\n|---|---|---|---|---|---|");
    // translate-toolkit's time grows faster than the page: the big page is run once, killed
    // after ten minutes (exit -9 in the table).
    for (page, runs) in [("example.html", runs), ("1mb.html", runs), ("big.html", 1)] {
        let kit = format!("{page}.kit");
        let kit_out = format!("{page}.out");
        let t_prepare = measure(
            &bin,
            dir,
            &[
                "--quiet",
                "prepare",
                page,
                "--no-memory",
                "--to",
                "zh-CN",
                "--out",
                &kit,
                "--force",
            ],
            runs,
            &|| {},
        );
        let t_finish = measure(
            &bin,
            dir,
            &[
                "--quiet",
                "finish",
                &kit,
                "--out",
                &kit_out,
                "--allow-incomplete",
            ],
            runs,
            &|| {},
        );
        println!(
            "| {page} | tmkit | prepare --no-memory (extract, segment, kit) | {:.0} ms | {:.1} MB | {} |",
            t_prepare.0, t_prepare.1, t_prepare.2
        );
        println!(
            "| {page} | tmkit | finish (merge) | {:.0} ms | {:.1} MB | {} |",
            t_finish.0, t_finish.1, t_finish.2
        );
        if let (Some(h2p), Some(p2h)) = (&html2po, &po2html) {
            let po = format!("{page}.po");
            let back = format!("{page}.back.html");
            let t_h2p = measure(h2p, dir, &[page, &po], runs, &|| {});
            let t_p2h = measure(p2h, dir, &["-t", page, &po, &back], runs, &|| {});
            println!(
                "| {page} | translate-toolkit | html2po | {:.0} ms | {:.1} MB | {} |",
                t_h2p.0, t_h2p.1, t_h2p.2
            );
            println!(
                "| {page} | translate-toolkit | po2html | {:.0} ms | {:.1} MB | {} |",
                t_p2h.0, t_p2h.1, t_p2h.2
            );
            println!(
                "| {page} | ratio | html2po / tmkit prepare; po2html / tmkit finish | {:.1}x; {:.1}x | | |",
                t_h2p.0 / t_prepare.0,
                t_p2h.0 / t_finish.0
            );
        } else {
            println!("| {page} | translate-toolkit | not installed | | | |");
        }
    }
}
