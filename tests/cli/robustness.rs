//! Concurrency and interruption: two imports at once lose nothing; a killed import leaves the
//! memory as it was, the first import into an empty memory (written with a rollback journal)
//! included.

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

/// Starts importing 400,000 generated units into the memory of `w`.
fn start_big_import(w: &Work) -> std::process::Child {
    let big = w.write("big.tmx", generated_tmx(400_000, "big"));
    w.command(["import".as_ref(), big.as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits (two minutes at most) until `ready` holds, insisting that the import is still running:
/// `what` is what it should not have finished before.
fn wait_while_importing(child: &mut std::process::Child, what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before {what}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the import never got going"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn kill_mid_import(signal: &str) {
    let w = Work::new();
    w.ok([
        "import".as_ref(),
        repo_file("tmx/beijing-tokyo-forum.tmx").as_os_str(),
    ]);
    let before = w.export("before.tmx", &[]);
    let mut child = start_big_import(&w);
    // Wait until the import has written a good part of its transaction to the write-ahead log.
    let wal = w.path("tmkit.db-wal");
    wait_while_importing(&mut child, "it could be killed", || {
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) >= 4 << 20
    });
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

/// The journal mode of the memory of `w`, as a plain SQLite connection reads it (opening it
/// changes nothing).
fn journal_mode(w: &Work) -> String {
    rusqlite::Connection::open(w.db())
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

/// Starts the first import into the empty memory of `w` and kills it (`SIGKILL`) once it has
/// written a good part of the memory file itself: a first import writes the file through a
/// rollback journal, not through the write-ahead log.
pub fn kill_first_import(w: &Work) {
    let mut child = start_big_import(w);
    let size = |name: &str| std::fs::metadata(w.path(name)).map(|m| m.len()).ok();
    wait_while_importing(
        &mut child,
        "it wrote the memory file with a journal beside it",
        || size("tmkit.db").unwrap_or(0) >= 4 << 20 && size("tmkit.db-journal").is_some(),
    );
    assert!(
        size("tmkit.db-wal").unwrap_or(0) == 0,
        "the first import wrote the log"
    );
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
}

#[test]
fn a_killed_first_import_leaves_the_memory_empty_and_in_wal_mode() {
    let w = Work::new();
    kill_first_import(&w);
    let stats = w.json(["stats"]);
    assert_eq!(stats["units"], 0, "{stats}");
    assert!(
        !w.path("tmkit.db-journal").exists(),
        "the journal was not rolled back"
    );
    // The half-written pages are gone with the journal: the file is back to its empty size.
    let len = std::fs::metadata(w.db()).unwrap().len();
    assert!(len < 1 << 20, "the memory file kept {len} bytes");
    let store = tmkit::store::Store::open(&w.db()).unwrap();
    assert!(store.check_integrity().unwrap().is_empty());
    drop(store);
    // Readers and writers share it through the log again.
    assert_eq!(journal_mode(&w), "wal");
    // And the memory takes an import.
    let small = w.write("small.tmx", generated_tmx(300, "small"));
    w.ok(["import".as_ref(), small.as_os_str()]);
    assert_eq!(w.json(["stats"])["units"], 300);
}

/// A first import that fails (a truncated file) leaves the memory empty, with no journal beside
/// it, and in WAL mode, as it found it.
#[test]
fn a_failed_first_import_leaves_the_memory_empty_and_in_wal_mode() {
    let w = Work::new();
    let good = generated_tmx(2_000, "cut");
    let cut = good.rfind("</tu>").unwrap();
    let bad = w.write("cut.tmx", &good[..cut]);
    let out = w.run(["import".as_ref(), bad.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!w.path("tmkit.db-journal").exists());
    assert_eq!(journal_mode(&w), "wal");
    let units: i64 = rusqlite::Connection::open(w.db())
        .unwrap()
        .query_row("SELECT count(*) FROM units", [], |r| r.get(0))
        .unwrap();
    assert_eq!(units, 0);
}

/// A memory another connection has open (a server, a lookup) is not switched to a rollback
/// journal, which would keep that connection out until the commit: the first import goes
/// through the log, and the open connection reads the memory all along.
#[test]
fn a_first_import_into_a_memory_open_elsewhere_goes_through_the_log() {
    let w = Work::new();
    let reader = tmkit::store::Store::open(&w.db()).unwrap();
    let tmx = w.write("a.tmx", generated_tmx(20_000, "a"));
    let mut child = w
        .command(["import".as_ref(), tmx.as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read while the import runs: never kept waiting for the whole import.
    let mut reads = 0;
    while child.try_wait().unwrap().is_none() {
        let started = Instant::now();
        reader.stats().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a reader waited {:?} for the import",
            started.elapsed()
        );
        reads += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(reads > 0);
    assert_eq!(reader.stats().unwrap().units, 20_000);
    assert_eq!(journal_mode(&w), "wal");
}
