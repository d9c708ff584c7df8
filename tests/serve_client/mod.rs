//! A running `tmkit serve` and a small blocking HTTP/1.1 client for it (raw `TcpStream`, so that
//! tests can also send broken, slow and cut-off requests).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn tmkit() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tmkit"));
    c.env_remove("TMKIT_DB").env("NO_COLOR", "1");
    c
}

/// Runs `tmkit --db DB ARGS` and returns (exit code, stdout, stderr).
pub fn cli(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = tmkit()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("tmkit runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The number of units in the memory, by `tmkit stats`.
pub fn units(db: &Path) -> u64 {
    let (code, out, err) = cli(db, &["stats", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["units"].as_u64().unwrap()
}

pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<String>>>,
    pub db: PathBuf,
}

impl Server {
    /// Starts `tmkit --db DB serve --listen 127.0.0.1:0 ARGS` and waits for the address it
    /// listens on.
    pub fn start(db: &Path, args: &[&str]) -> Server {
        let mut child = tmkit()
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tmkit serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains("\"event\":\"listening\"")
                    && let Some(tx) = tx.take()
                {
                    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                    let _ = tx.send(v["addr"].as_str().unwrap().parse::<SocketAddr>().unwrap());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!("tmkit serve did not start: {:?}", log.lock().unwrap());
            }
        };
        Server {
            child,
            addr,
            log,
            db: db.to_path_buf(),
        }
    }

    pub fn get(&self, path: &str) -> Response {
        request(self.addr, "GET", path, &[], b"")
    }

    pub fn get_as(&self, path: &str, token: &str) -> Response {
        request(
            self.addr,
            "GET",
            path,
            &[("Authorization", &format!("Bearer {token}"))],
            b"",
        )
    }

    pub fn post(&self, path: &str, body: impl AsRef<[u8]>) -> Response {
        request(self.addr, "POST", path, &[], body.as_ref())
    }

    pub fn post_as(&self, path: &str, token: &str, body: impl AsRef<[u8]>) -> Response {
        request(
            self.addr,
            "POST",
            path,
            &[("Authorization", &format!("Bearer {token}"))],
            body.as_ref(),
        )
    }

    /// Sends SIGTERM.
    pub fn term(&self) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
    }

    /// Waits for the process to end; its exit code.
    pub fn wait(&mut self) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            if start.elapsed() > Duration::from_secs(120) {
                let _ = self.child.kill();
                panic!("tmkit serve did not stop");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `error` of a JSON error answer.
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
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

/// One request on a new connection (`Connection: close`).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    try_request(addr, method, path, headers, body, Duration::from_secs(120))
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// [`request`] that never panics (for a `Drop` that must not), waiting at most `timeout` for
/// each read.
pub fn try_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(timeout))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    // A server that answers before reading the whole body (413) may close the connection.
    let _ = s.write_all(body);
    let raw = read_answer(&mut s)?;
    try_parse_response(&raw).map_err(std::io::Error::other)
}

/// The bytes of one answer: up to the end of its body when the head gives a `Content-Length`
/// (a server may keep the connection open after it, as chromedriver does), else up to the close.
fn read_answer(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .split("\r\n")
                .filter_map(|l| l.strip_prefix("content-length:"))
                .find_map(|v| v.trim().parse::<usize>().ok());
            if let Some(n) = length {
                while raw.len() < end + 4 + n {
                    match s.read(&mut buf)? {
                        0 => break,
                        k => raw.extend_from_slice(&buf[..k]),
                    }
                }
                return Ok(raw);
            }
            break;
        }
        match s.read(&mut buf) {
            Ok(0) => return Ok(raw),
            Ok(k) => raw.extend_from_slice(&buf[..k]),
            // What came before a reset or a timeout is the answer (a 413 closes early).
            Err(_) if !raw.is_empty() => return Ok(raw),
            Err(e) => return Err(e),
        }
    }
    let _ = s.read_to_end(&mut raw);
    Ok(raw)
}

/// Reads a whole response from a connection the server closes after it.
pub fn read_response(s: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> Response {
    try_parse_response(raw).unwrap_or_else(|e| panic!("{e}"))
}

/// A whole response (head and body, a chunked body joined), or what is wrong with it.
pub fn try_parse_response(raw: &[u8]) -> Result<Response, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no response head in {:?}", String::from_utf8_lossy(raw)))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let bad = || format!("bad chunked body {:?}", String::from_utf8_lossy(&body));
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..nl])
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim(),
                16,
            )
            .map_err(|_| bad())?;
            if size == 0 {
                break;
            }
            let chunk = rest.get(nl + 2..nl + 2 + size).ok_or_else(bad)?;
            out.extend_from_slice(chunk);
            rest = rest.get(nl + 2 + size + 2..).ok_or_else(bad)?;
        }
        body = out;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// A TMX file of `n` generated units (en, zh-CN, ja-JP), plus `extra` units given as
/// (en, zh-CN) pairs.
pub fn tmx(n: usize, extra: &[(&str, &str)]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" \
         datatype=\"plaintext\" segtype=\"sentence\" adminlang=\"en\" creationtool=\"test\" \
         creationtoolversion=\"1\" o-tmf=\"test\"/><body>\n",
    );
    let words = [
        "server", "memory", "window", "report", "printer", "network", "folder", "message",
        "account", "picture",
    ];
    for i in 0..n {
        let a = words[i % 10];
        let b = words[(i / 10) % 10];
        let c = words[(i / 100) % 10];
        out.push_str(&format!(
            "<tu tuid=\"g{i}\"><tuv xml:lang=\"en\"><seg>The {a} sends the {b} to the {c} number {i}.</seg></tuv>\
             <tuv xml:lang=\"zh-CN\"><seg>{a}把{b}发送到{c}第{i}号。</seg></tuv>\
             <tuv xml:lang=\"ja-JP\"><seg>{a}は{b}を{c}の{i}番に送ります。</seg></tuv></tu>\n"
        ));
    }
    for (en, zh) in extra {
        out.push_str(&format!(
            "<tu><tuv xml:lang=\"en\"><seg>{}</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>{}</seg></tuv></tu>\n",
            esc(en),
            esc(zh)
        ));
    }
    out.push_str("</body></tmx>\n");
    out
}

/// A memory made by importing `tmx` with the command line.
pub fn memory(dir: &Path, tmx_text: &str) -> PathBuf {
    let file = dir.join("seed.tmx");
    std::fs::write(&file, tmx_text).unwrap();
    let db = dir.join("m.db");
    let (code, _, err) = cli(&db, &["import", file.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "{err}");
    db
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
