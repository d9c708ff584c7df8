//! Concurrency and interruption: two imports at once lose nothing; a killed import leaves the
//! memory as it was.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::*;

#[test]
fn two_imports_at_the_same_time_both_succeed() {
    let w = Work::new();
    let a = w.write("a.tmx", generated_tmx(20_000, "a"));
    let b = w.write("b.tmx", generated_tmx(20_000, "b"));
    let mut first = w
        .command(["import".as_ref(), a.as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut second = w
        .command(["import".as_ref(), b.as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(first.wait().unwrap().success());
    assert!(second.wait().unwrap().success());
    let stats = w.json(["stats"]);
    assert_eq!(stats["units"], 40_000);
    assert_eq!(stats["variants"], 120_000);
}

fn kill_mid_import(signal: &str) {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        repo_file("tmx/beijing-tokyo-forum.tmx").as_os_str(),
    ]);
    let before = w.export("before.tmx", &[]);
    let big = w.write("big.tmx", generated_tmx(400_000, "big"));
    let mut child = w
        .command(["import".as_ref(), big.as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import has written a good part of its transaction to the write-ahead log.
    let wal = w.path("tmkit.db-wal");
    let start = Instant::now();
    while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < 4 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the import never got going"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(!exit.success(), "the import was not interrupted");
    assert!(
        before == w.export("after.tmx", &[]),
        "a killed import changed the memory"
    );
    let store = tmkit::store::Store::open(&w.db()).unwrap();
    assert!(store.check_integrity().unwrap().is_empty());
    drop(store);
    // And the memory still takes an import.
    w.ok([
        "import".as_ref(),
        fixture("tmx/ImportTest1B.tmx").as_os_str(),
    ]);
}

#[test]
fn import_killed_with_sigkill_leaves_the_memory_as_it_was() {
    kill_mid_import("-KILL");
}

#[test]
fn import_interrupted_with_ctrl_c_leaves_the_memory_as_it_was() {
    kill_mid_import("-INT");
}
