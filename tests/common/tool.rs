//! Running an external tool in a test, shared by the test binaries that include this file with
//! `#[path]`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd` with a time limit; fails the test with the tool's output if it is missing (saying
/// how to `install` it), fails or takes longer than `timeout`.
pub fn run(mut cmd: Command, what: &str, install: &str, timeout: Duration) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!("cannot run `{what}` ({e}): it is needed for this test; {install}"),
    };
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what} took more than {timeout:?}:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
