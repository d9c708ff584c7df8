//! Headless Chromium for tests, shared by the test binaries that include it with `#[path]`.
//! Needs Chromium (`apt-get install chromium`); set `CHROMIUM` to use another binary.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium_binary() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.is_file(),
        "this test loads a page in headless Chromium, which is not at {}: apt-get install \
         chromium (or set CHROMIUM to its path)",
        path.display()
    );
    path
}

/// Runs headless Chromium with the profile folder `profile` and `args`; returns (stdout,
/// stderr). A run that takes over three minutes fails the test.
pub fn run(profile: &Path, args: &[String]) -> (String, String) {
    let mut child = Command::new(chromium_binary())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-extensions",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let mut pipe_out = child.stdout.take().unwrap();
    let mut pipe_err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        pipe_out.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        pipe_err.read_to_string(&mut s).map(|_| s)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(180) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium {args:?} did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (out.join().unwrap().unwrap(), err.join().unwrap().unwrap());
    assert!(status.success(), "chromium {args:?}: {status}\n{stderr}");
    (stdout, stderr)
}

/// The DOM of a page after Chromium loaded it (and ran its scripts).
pub fn dump_dom(page: &Path, profile: &Path) -> String {
    run(
        profile,
        &[
            "--dump-dom".to_string(),
            format!("file://{}", page.display()),
        ],
    )
    .0
}
