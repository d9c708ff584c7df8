//! Load on `tmkit serve`: 32 clients look up real sentences (the shared gettext corpus) for
//! `TMKIT_BENCH_SECS` seconds (default 60) while one client imports 100,000 new units in batches,
//! on the 62k gettext memory and on a 1M-unit memory; then Debian's `tmserver` on the same
//! gettext TMX with the same queries and clients. Reports throughput, p50, p99 and max latency
//! (over the whole run, and apart for the lookups answered while the import ran and after it),
//! errors, units lost, the time from starting the server on the 1M memory to its first answer, and
//! the ratio to tmserver.
//!
//! `cargo bench --bench serve`; `TMKIT_BENCH_SECS=10` for a quick run; `TMKIT_BENCH_ONLY=gettext`
//! (or `1m`, `tmserver`, comma-separated) for some phases only; `TMKIT_BENCH_REUSE=1` keeps the
//! 1M memory an earlier run built (it is copied, so the imports of a run never accumulate);
//! `TMKIT_BENCH_BIN=PATH` measures another build of tmkit (an older commit, for a comparison in
//! the same session); `TMKIT_BENCH_READERS=N` starts the server with `--readers N`;
//! `TMKIT_BENCH_WARMUP=S` runs the same lookup load for S seconds before the import starts (a
//! server that has answered for a while, its list and source caches filled), reported apart.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tmkit::formats::tmx::{Writer, WriterOptions};
use tmkit::model::{Lang, TranslationUnit, Variant};

const CLIENTS: usize = 32;
const IMPORT_UNITS: usize = 100_000;
const IMPORT_BATCH: usize = 10_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\r", "\r")
        .replace("\\\\", "\\")
}

/// Real sentences of the gettext corpus: (English, Chinese, Japanese).
fn pool(shared: &Path) -> Vec<(String, String, String)> {
    let tsv = std::fs::read_to_string(shared.join("corpus/gettext/en-zh-ja.tsv"))
        .expect("the shared gettext corpus (../shared/corpus/gettext/en-zh-ja.tsv)");
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            continue;
        }
        let en = unescape(cols[0]).trim().to_string();
        let words = en.split_whitespace().count();
        if en.contains('\n') || !(3..=40).contains(&words) || !seen.insert(en.clone()) {
            continue;
        }
        out.push((en, unescape(cols[1]), unescape(cols[2])));
    }
    out
}

fn half_join(a: &str, b: &str) -> String {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    let mut out: Vec<&str> = wa[..wa.len() / 2].to_vec();
    out.extend_from_slice(&wb[wb.len() / 2..]);
    out.join(" ")
}

fn chars_join(a: &str, b: &str) -> String {
    let ca: Vec<char> = a.chars().collect();
    let cb: Vec<char> = b.chars().collect();
    ca[..ca.len() / 2]
        .iter()
        .chain(cb[cb.len() / 2..].iter())
        .collect()
}

/// Writes `size` distinct units made from the pool (real sentences first, then halves of two
/// joined), each English source passing `keep`; `tag` makes the sources of one file unlike any
/// other's.
fn write_tmx(
    path: &Path,
    size: usize,
    pool: &[(String, String, String)],
    seed: u64,
    tag: Option<&str>,
) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).expect("bench file"));
    let options = WriterOptions {
        srclang: "en".into(),
        ..WriterOptions::default()
    };
    let mut w = Writer::new(file, &options).expect("writer");
    let (en, zh, ja) = (
        Lang::parse("en").unwrap(),
        Lang::parse("zh-CN").unwrap(),
        Lang::parse("ja-JP").unwrap(),
    );
    let mut rng = Rng(seed);
    let mut seen = HashSet::new();
    let mut i = 0usize;
    let mut n = 0;
    while n < size {
        let (mut e, z, j) = if i < pool.len() && tag.is_none() {
            pool[i].clone()
        } else {
            let a = &pool[rng.below(pool.len())];
            let b = &pool[rng.below(pool.len())];
            (
                half_join(&a.0, &b.0),
                chars_join(&a.1, &b.1),
                chars_join(&a.2, &b.2),
            )
        };
        i += 1;
        if let Some(t) = tag {
            e = format!("{e} ({t} {n})");
        }
        if e.is_empty() || !seen.insert(e.clone()) {
            continue;
        }
        let mut unit = TranslationUnit {
            source: Some(en.clone()),
            ..TranslationUnit::default()
        };
        unit.variants.push(Variant::new(en.clone(), e));
        if !z.is_empty() {
            unit.variants.push(Variant::new(zh.clone(), z));
        }
        if !j.is_empty() {
            unit.variants.push(Variant::new(ja.clone(), j));
        }
        if unit.variants.len() < 2 {
            continue;
        }
        w.write_unit(&unit).expect("write");
        n += 1;
    }
    let mut file = w.finish().expect("finish");
    file.flush().expect("flush");
}

fn import(bin: &str, db: &Path, tmx: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let out = Command::new(bin)
        .arg("--quiet")
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(tmx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(bin: &str, db: &Path) -> Server {
    let mut command = Command::new(bin);
    command
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", "127.0.0.1:0", "--max-uploads", "4"]);
    // Another number of reader threads than the default, to compare.
    if let Ok(n) = std::env::var("TMKIT_BENCH_READERS") {
        command.args(["--readers", &n]);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tmkit serve");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        // The request log is read and dropped.
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = tx.take_if(|_| line.contains("\"event\":\"listening\"")) {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(v["addr"].as_str().unwrap().parse::<SocketAddr>().unwrap());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("tmkit serve started");
    Server { child, addr }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A keep-alive HTTP/1.1 connection for responses with a Content-Length.
struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        Conn { addr, stream: None }
    }

    fn request(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
        timeout: Duration,
    ) -> std::io::Result<(u16, Vec<u8>)> {
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::new(s));
        }
        let result = self.exchange(method, path, body, timeout);
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    fn exchange(
        &mut self,
        method: &str,
        path: &str,
        body: &[u8],
        timeout: Duration,
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let r = self.stream.as_mut().unwrap();
        r.get_ref().set_read_timeout(Some(timeout))?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        r.get_mut().write_all(head.as_bytes())?;
        r.get_mut().write_all(body)?;
        let mut line = String::new();
        r.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut len = 0usize;
        loop {
            line.clear();
            r.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0; len];
        r.read_exact(&mut buf)?;
        Ok((status, buf))
    }
}

/// One request on its own connection, read to the end (for tmserver, which answers chunked).
fn request_once(addr: SocketAddr, path: &str, timeout: Duration) -> std::io::Result<u16> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(timeout))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let head = String::from_utf8_lossy(&raw[..raw.len().min(64)]).into_owned();
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad answer {head:?}")))
}

#[derive(Default)]
struct Load {
    /// Every answer: (when it came, in seconds from the start of the load; latency in ms).
    answers: Vec<(f64, f64)>,
    errors: u64,
    first_error: Option<String>,
}

/// `CLIENTS` threads send `path_of(query)` round the queries until `secs` have passed.
fn load(
    start: Instant,
    addr: SocketAddr,
    queries: &Arc<Vec<String>>,
    secs: f64,
    path_of: fn(&str) -> String,
    keep_alive: bool,
) -> (Load, f64) {
    let all = Arc::new(Mutex::new(Load::default()));
    let deadline = start + Duration::from_secs_f64(secs);
    let mut threads = Vec::new();
    for c in 0..CLIENTS {
        let queries = queries.clone();
        let all = all.clone();
        threads.push(std::thread::spawn(move || {
            let mut mine = Load::default();
            let mut conn = Conn::new(addr);
            let mut i = c * 7919;
            while Instant::now() < deadline {
                let q = &queries[i % queries.len()];
                i += 1;
                let path = path_of(q);
                let timeout =
                    deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(30);
                let t = Instant::now();
                let r = if keep_alive {
                    conn.request("GET", &path, b"", timeout).map(|(s, _)| s)
                } else {
                    request_once(addr, &path, timeout)
                };
                let ms = t.elapsed().as_secs_f64() * 1e3;
                match r {
                    Ok(200) => {
                        mine.answers.push((start.elapsed().as_secs_f64(), ms));
                    }
                    Ok(status) => {
                        mine.errors += 1;
                        mine.first_error.get_or_insert(format!("status {status}"));
                    }
                    // A request cut off by the end of the run is not an error of the server.
                    Err(e) if Instant::now() >= deadline => {
                        let _ = e;
                    }
                    Err(e) => {
                        mine.errors += 1;
                        mine.first_error.get_or_insert(e.to_string());
                    }
                }
            }
            let mut all = all.lock().unwrap();
            all.answers.extend(mine.answers);
            all.errors += mine.errors;
            if all.first_error.is_none() {
                all.first_error = mine.first_error;
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let l = std::mem::take(&mut *all.lock().unwrap());
    (l, elapsed)
}

impl Load {
    /// The latencies of the answers that came within `from..to` seconds, sorted.
    fn latencies(&self, from: f64, to: f64) -> Vec<f64> {
        let mut w: Vec<f64> = self
            .answers
            .iter()
            .filter(|(at, _)| (from..to).contains(at))
            .map(|&(_, ms)| ms)
            .collect();
        w.sort_by(|a, b| a.total_cmp(b));
        w
    }
}

/// "N lookups in S s = R/s; p50, p99, max" of `sorted` latencies over `secs`.
fn summary(sorted: &[f64], secs: f64) -> String {
    format!(
        "{} lookups in {secs:.1} s = {:.0}/s; p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms",
        sorted.len(),
        sorted.len() as f64 / secs,
        percentile(sorted, 0.5),
        percentile(sorted, 0.99),
        sorted.last().copied().unwrap_or(f64::NAN),
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, l: &Load, elapsed: f64) -> f64 {
    let all = l.latencies(0.0, f64::INFINITY);
    println!(
        "{name}: {}; errors {}{}",
        summary(&all, elapsed),
        l.errors,
        l.first_error
            .as_deref()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    );
    all.len() as f64 / elapsed
}

fn units(addr: SocketAddr) -> u64 {
    let mut c = Conn::new(addr);
    let (status, body) = c
        .request("GET", "/api/v1/stats", b"", Duration::from_secs(600))
        .expect("stats");
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    v["units"].as_u64().unwrap()
}

fn tmkit_path(q: &str) -> String {
    format!("/api/v1/lookup?q={}&to=zh-CN", enc(q))
}

fn tmserver_path(q: &str) -> String {
    format!("/tmserver/en/zh_CN/unit/{}", enc(q))
}

/// The lookup load on `db` while one client imports the batches; returns the lookups per second.
fn phase(
    name: &str,
    bin: &str,
    db: &Path,
    queries: &Arc<Vec<String>>,
    batches: &[PathBuf],
    secs: f64,
) -> f64 {
    let t = Instant::now();
    let server = start_server(bin, db);
    let mut c = Conn::new(server.addr);
    let (status, _) = c
        .request(
            "GET",
            &tmkit_path(&queries[0]),
            b"",
            Duration::from_secs(600),
        )
        .expect("first answer");
    assert_eq!(status, 200);
    println!(
        "{name}: server start to first answer {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let warmup: f64 = std::env::var("TMKIT_BENCH_WARMUP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    if warmup > 0.0 {
        let (l, elapsed) = load(
            Instant::now(),
            server.addr,
            queries,
            warmup,
            tmkit_path,
            true,
        );
        let w = l.latencies(0.0, f64::INFINITY);
        println!(
            "{name}: warm-up, no import: {}; errors {}",
            summary(&w, elapsed),
            l.errors
        );
    }
    let before = units(server.addr);
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let importer = {
        let addr = server.addr;
        let batches = batches.to_vec();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut added = 0u64;
            let mut done = 0usize;
            let t = Instant::now();
            let mut conn = Conn::new(addr);
            for (i, b) in batches.iter().enumerate() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let body = std::fs::read(b).unwrap();
                let (status, answer) = conn
                    .request(
                        "POST",
                        &format!("/api/v1/import?name=batch-{i}.tmx"),
                        &body,
                        Duration::from_secs(3600),
                    )
                    .expect("import");
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
                let v: serde_json::Value = serde_json::from_slice(&answer).unwrap();
                added += v["added"].as_u64().unwrap();
                done += 1;
            }
            (
                added,
                done,
                t.elapsed().as_secs_f64(),
                start.elapsed().as_secs_f64(),
            )
        })
    };
    let (l, elapsed) = load(start, server.addr, queries, secs, tmkit_path, true);
    let rate = report(name, &l, elapsed);
    stop.store(true, Ordering::SeqCst);
    let (added, done, import_s, import_end) = importer.join().unwrap();
    // The target is for the lookups answered while the import runs: those apart.
    let importing = import_end.min(elapsed);
    for (what, from, to, s) in [
        ("while the import ran", 0.0, importing, importing),
        (
            "after it",
            import_end,
            f64::INFINITY,
            (elapsed - import_end).max(0.0),
        ),
    ] {
        let w = l.latencies(from, to);
        if !w.is_empty() && s > 0.0 {
            println!("{name}: {what}: {}", summary(&w, s));
        }
    }
    let after = units(server.addr);
    println!(
        "{name}: import client: {done} of {} batches ({added} units) in {import_s:.1} s ({:.0} units/s, \
         the batch in flight when the lookups ended was let finish); units before {before}, after \
         {after}, lost {}",
        batches.len(),
        added as f64 / import_s,
        (before + added).saturating_sub(after)
    );
    rate
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let secs: f64 = std::env::var("TMKIT_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60.0);
    let only = std::env::var("TMKIT_BENCH_ONLY").unwrap_or_else(|_| "gettext,1m,tmserver".into());
    let wants = |p: &str| only.split(',').any(|x| x.trim() == p);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    // Another build to measure (an older commit, for a comparison in the same session).
    let bin_var = std::env::var("TMKIT_BENCH_BIN").ok();
    let bin = bin_var.as_deref().unwrap_or(env!("CARGO_BIN_EXE_tmkit"));
    println!("tmkit binary: {bin}");
    let pool = pool(&shared);
    let gettext_tmx = shared.join("corpus/gettext/en-zh-ja.tmx");

    // Queries: real sentences of the corpus (most in the memory, exact), and as many edited
    // (a word dropped: fuzzy matches), in a fixed order.
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut queries = Vec::new();
    for _ in 0..2000 {
        let (e, _, _) = &pool[rng.below(pool.len())];
        queries.push(e.clone());
        let mut words: Vec<&str> = e.split_whitespace().collect();
        if words.len() > 3 {
            words.remove(rng.below(words.len()));
        }
        queries.push(words.join(" "));
    }
    // The same queries for `tmkit lookup --file` (the engine alone, or under a profiler).
    let _ = std::fs::write(dir.join("serve-queries.txt"), queries.join("\n"));
    let queries = Arc::new(queries);
    println!(
        "{CLIENTS} clients, {secs} s per phase, {} queries from the gettext corpus; one client \
         imports {IMPORT_UNITS} new units in batches of {IMPORT_BATCH}",
        queries.len()
    );

    let batches: Vec<PathBuf> = (0..IMPORT_UNITS / IMPORT_BATCH)
        .map(|i| {
            let p = dir.join(format!("serve-import-{i}.tmx"));
            if !p.exists() {
                write_tmx(
                    &p,
                    IMPORT_BATCH,
                    &pool,
                    0xBA7C_0000 + i as u64,
                    Some(&format!("import {i}")),
                );
            }
            p
        })
        .collect();

    let mut tmkit_62k = None;
    if wants("gettext") {
        let db = dir.join("serve-gettext.db");
        import(bin, &db, &gettext_tmx);
        tmkit_62k = Some(phase(
            "tmkit, 62k gettext memory",
            bin,
            &db,
            &queries,
            &batches,
            secs,
        ));
    }
    if wants("1m") {
        let base = dir.join("serve-1m-base.db");
        if std::env::var_os("TMKIT_BENCH_REUSE").is_none() || !base.exists() {
            let tmx = dir.join("serve-1m.tmx");
            write_tmx(&tmx, 1_000_000, &pool, 0xC0FF_EE12_3456_789B, None);
            let t = Instant::now();
            import(bin, &base, &tmx);
            println!("1M memory built in {:.1} s", t.elapsed().as_secs_f64());
        }
        let db = dir.join("serve-1m.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        std::fs::copy(&base, &db).unwrap();
        phase("tmkit, 1M memory", bin, &db, &queries, &batches, secs);
    }
    if wants("tmserver") {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let tmdb = dir.join("serve-tmserver.db");
        let _ = std::fs::remove_file(&tmdb);
        let t = Instant::now();
        let mut child = Command::new("tmserver")
            .arg("-d")
            .arg(&tmdb)
            .arg("-f")
            .arg(&gettext_tmx)
            .args([
                "-s",
                "en",
                "-t",
                "zh_CN",
                "-b",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Debian's tmserver (translate-toolkit, python3-cheroot)");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        while TcpStream::connect(addr).is_err() {
            assert!(child.try_wait().unwrap().is_none(), "tmserver exited");
            std::thread::sleep(Duration::from_millis(200));
        }
        println!(
            "tmserver: imported the gettext TMX and listening after {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let (l, elapsed) = load(Instant::now(), addr, &queries, secs, tmserver_path, false);
        let rate = report("tmserver, 62k gettext memory", &l, elapsed);
        let _ = child.kill();
        let _ = child.wait();
        if let Some(ours) = tmkit_62k {
            if rate > 0.0 {
                println!(
                    "ratio on the 62k memory: tmkit {:.0}x tmserver's throughput",
                    ours / rate
                );
            } else {
                println!("ratio on the 62k memory: tmserver answered nothing in {secs} s");
            }
        }
    }
}
