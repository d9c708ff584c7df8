//! A small W3C WebDriver client for tests, shared by the test binaries that include it with
//! `#[path]` beside `mod serve_client` (whose HTTP client it speaks through): it starts
//! `chromedriver` on a free loopback port, opens one session of headless Chromium and speaks the
//! protocol (JSON over HTTP/1.1), so that a test can type into a page and click on it like a user.
//!
//! Needs `chromedriver` (Debian package `chromium-driver`, which matches the `chromium`
//! package); set `CHROMEDRIVER` to use another driver and `CHROMIUM` another browser. The
//! session and the driver end when the [`Browser`] is dropped, also when a test fails.

#![allow(dead_code)]

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How WebDriver names the id of an element in its answers.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The key code WebDriver types for Enter (`\u{E007}` in the keyboard table of the spec).
pub const ENTER: &str = "\u{E007}";

/// `chromedriver` from `CHROMEDRIVER`, else from `PATH`; fails the test saying what to install.
fn driver_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMEDRIVER") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "CHROMEDRIVER is {}, which is not a file",
            path.display()
        );
        return path;
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "this test drives headless Chromium through WebDriver and needs chromedriver, \
                 which is not on PATH: apt-get install chromium-driver (or set CHROMEDRIVER to \
                 its path)"
            )
        })
}

/// An element of the page, by its WebDriver id.
#[derive(Debug, Clone)]
pub struct Element(String);

/// A `chromedriver` process with one headless Chromium session. Dropping it deletes the session
/// (which closes Chromium) and kills the driver.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Browser {
    /// Starts `chromedriver --port=0` (it picks a free loopback port and prints it), then a
    /// session of headless Chromium with its profile in `profile`.
    pub fn start(profile: &Path) -> Browser {
        let mut driver = Command::new(driver_binary())
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromedriver starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = driver.stdout.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // "ChromeDriver was started successfully on port 45553."
                if let Some(rest) = line.split("started successfully on port ").nth(1)
                    && let Ok(port) = rest.trim_end_matches('.').trim().parse::<u16>()
                {
                    let _ = tx.send(port);
                }
                sink.lock().unwrap().push(line);
            }
        });
        let stderr = driver.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(port) => port,
            Err(_) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not start: {:?}", log.lock().unwrap());
            }
        };
        // From here on, a failure drops the browser, which kills the driver.
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            log,
        };
        let mut options = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-extensions",
                "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        if let Some(chromium) = std::env::var_os("CHROMIUM") {
            options["binary"] = json!(PathBuf::from(chromium).display().to_string());
        }
        let caps = json!({
            "capabilities": {
                "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": options }
            }
        });
        let answer = browser.call("POST", "/session", Some(caps));
        browser.session = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("a new session without an id: {answer}"))
            .to_string();
        browser
    }

    /// Opens `url` and waits until it has loaded.
    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    /// The first element that matches the CSS selector `css`; fails the test if there is none.
    pub fn find(&self, css: &str) -> Element {
        let v = self.session_call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        Element(
            v[ELEMENT_KEY]
                .as_str()
                .unwrap_or_else(|| panic!("no element id for {css:?}: {v}"))
                .to_string(),
        )
    }

    /// Types `text` into `element` as a keyboard would (focusing it first); [`ENTER`] and the
    /// other key codes of the spec press those keys.
    pub fn send_keys(&self, element: &Element, text: &str) {
        self.session_call(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        );
    }

    /// Empties a text field.
    pub fn clear(&self, element: &Element) {
        self.session_call(
            "POST",
            &format!("/element/{}/clear", element.0),
            Some(json!({})),
        );
    }

    /// Clicks in the middle of `element`, as a mouse would.
    pub fn click(&self, element: &Element) {
        self.session_call(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        );
    }

    /// Runs `script` (the body of a function, which may `return` a JSON value) in the page.
    pub fn script(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// The document as HTML, as it is now.
    pub fn html(&self) -> String {
        self.script("return document.documentElement.outerHTML")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The text of the alert, confirm or prompt dialog that is open, if one is.
    pub fn dialog(&self) -> Option<String> {
        let path = format!("/session/{}/alert/text", self.session);
        let (status, v) = self
            .request("GET", &path, None)
            .unwrap_or_else(|e| panic!("WebDriver GET {path}: {e}"));
        (status == 200).then(|| v["value"].as_str().unwrap_or_default().to_string())
    }

    /// Runs `script` every 50 ms until it returns something other than `null`, `false`, `0` or
    /// `""`, and returns that; after `timeout`, fails the test saying `what` it waited for and
    /// showing the page.
    pub fn wait_for(&self, what: &str, timeout: Duration, script: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.script(script);
            let done = match &v {
                Value::Null | Value::Bool(false) => false,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if done {
                return v;
            }
            if start.elapsed() > timeout {
                panic!(
                    "waited {} s for {what}, in vain; the page is now:\n{}",
                    timeout.as_secs(),
                    self.html()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// One command; its `value`. An error answer fails the test with WebDriver's message.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, mut v) = self
            .request(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        if status != 200 {
            panic!(
                "WebDriver {method} {path}: HTTP {status}: {} ({})\nchromedriver said: {:?}",
                v["value"]["error"],
                v["value"]["message"],
                self.log.lock().unwrap()
            );
        }
        v["value"].take()
    }

    /// One HTTP/1.1 request to the driver on a new connection (the serve tests' client,
    /// `serve_client::try_request`); (status, JSON body). Never panics, so that `drop` can use it.
    fn request(&self, method: &str, path: &str, body: Option<Value>) -> io::Result<(u16, Value)> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        // Starting Chromium is the slowest command; a minute is plenty on a busy machine.
        let answer = crate::serve_client::try_request(
            SocketAddr::from(([127, 0, 0, 1], self.port)),
            method,
            path,
            &[("Content-Type", "application/json; charset=utf-8")],
            body.as_bytes(),
            Duration::from_secs(60),
        )?;
        if answer.body.is_empty() {
            return Ok((answer.status, Value::Null));
        }
        let v = serde_json::from_slice(&answer.body).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not JSON ({e}): {}", answer.text()),
            )
        })?;
        Ok((answer.status, v))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Closes Chromium; errors do not matter here, the driver goes next.
            let _ = self.request("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
