//! A memory the user can read but not write (a read-only file, a folder the user cannot write, as
//! on a shared drive): every command that only reads works, every command that writes says why it
//! cannot, and nothing is written next to the memory.
//!
//! Root may write whatever the permissions say, so when the tests run as root (as in CI) tmkit
//! runs as the unprivileged user `nobody` through `setpriv`, which is the real scenario.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A copy of the tmkit binary that `nobody` may run: the checkout may sit in a folder only root
/// can enter (a CI clone under root's home).
fn bin_for_nobody() -> &'static Path {
    static COPY: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    let (_dir, path) = COPY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        chmod(dir.path(), 0o755);
        let path = dir.path().join("tmkit");
        std::fs::copy(bin(), &path).unwrap();
        chmod(&path, 0o755);
        (dir, path)
    });
    path
}

/// Runs tmkit on `db` as a user that the permissions apply to: `nobody` when the tests run as
/// root, else the current user.
fn run_as_user(dir: &Path, db: &Path, args: &[&str]) -> Output {
    let root = std::fs::metadata(dir).unwrap().uid() == 0;
    let mut c = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin_for_nobody());
        c
    } else {
        Command::new(bin())
    };
    c.current_dir(dir)
        .env_remove("TMKIT_DB")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(db)
        .args(args);
    c.output()
        .expect("tmkit runs (setpriv is in util-linux when the tests run as root)")
}

fn ok(out: &Output, what: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what} failed on a read-only memory\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// `tmkit stats --format json` on `db`, run as the user the permissions apply to.
fn stats_as_user(dir: &Path, db: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(
        &run_as_user(dir, db, &["stats", "--format", "json"]),
        "stats",
    ))
    .unwrap()
}

/// Copies the files `names` of `w` into `dir`, readable by everyone.
fn copy_files(w: &Work, names: &[&str], dir: &Path) {
    for name in names {
        std::fs::copy(w.path(name), dir.join(name)).unwrap();
        chmod(&dir.join(name), 0o644);
    }
}

/// A memory of three units in `w`, closed (no `-wal` or `-shm` file left).
fn memory(w: &Work) {
    let tmx = w.write("a.tmx", generated_tmx(3, "a"));
    std::fs::copy(
        repo_file("glossary/beijing-tokyo-forum.tbx"),
        w.path("g.tbx"),
    )
    .unwrap();
    w.ok(["import".as_ref(), tmx.as_os_str()]);
    assert!(!w.path("tmkit.db-wal").exists());
}

/// Every reading command works on the memory in `dir`, as the unprivileged user; `out_dir` is
/// where that user may write an export.
fn reading_commands_work(dir: &Path, out_dir: &Path, units: u64) {
    let db = dir.join("tmkit.db");
    let stats: serde_json::Value = serde_json::from_str(&ok(
        &run_as_user(dir, &db, &["stats", "--format", "json"]),
        "stats",
    ))
    .unwrap();
    assert_eq!(stats["units"], units, "{stats}");
    let found = ok(
        &run_as_user(
            dir,
            &db,
            &[
                "lookup",
                "Sentence 1 of file a about the forum.",
                "--format",
                "json",
            ],
        ),
        "lookup",
    );
    assert!(found.contains("\"score\": 100"), "{found}");
    let conc = ok(
        &run_as_user(dir, &db, &["concordance", "forum"]),
        "concordance",
    );
    assert!(conc.contains("Sentence 1"), "{conc}");
    let terms = run_as_user(dir, &db, &["terms", "Sentence 1 about the forum."]);
    assert!(
        matches!(terms.status.code(), Some(0 | 1)),
        "terms: {}",
        stderr(&terms)
    );
    let check = run_as_user(dir, &db, &["check"]);
    assert!(
        matches!(check.status.code(), Some(0 | 1)),
        "check: {}",
        stderr(&check)
    );
    let out = out_dir.join("out.tmx");
    ok(
        &run_as_user(dir, &db, &["export", out.to_str().unwrap()]),
        "export",
    );
    assert_eq!(units_of_file(&out).len() as u64, units);
    let article = out_dir.join("article.txt");
    std::fs::write(&article, "Sentence 1 of file a about the forum.\n").unwrap();
    chmod(&article, 0o644);
    let kit = out_dir.join("kit");
    ok(
        &run_as_user(
            dir,
            &db,
            &[
                "prepare",
                article.to_str().unwrap(),
                "--out",
                kit.to_str().unwrap(),
            ],
        ),
        "prepare",
    );
    assert!(kit.join("analysis.json").exists());
}

/// Every writing command is refused with the cause, exit 2, and the memory stays as it was.
fn writing_commands_are_refused(dir: &Path, cause: &str) {
    let db = dir.join("tmkit.db");
    let before = std::fs::read(&db).unwrap();
    let tmx = dir.join("a.tmx");
    let tbx = dir.join("g.tbx");
    let attempts: [&[&str]; 5] = [
        &["import", tmx.to_str().unwrap()],
        &["glossary", "import", tbx.to_str().unwrap()],
        &["add", "--lang", "en", "Hello.", "--lang", "zh-CN", "你好。"],
        &["glossary", "add", "en=forum", "zh-CN=论坛"],
        &["glossary", "remove", "default"],
    ];
    for args in attempts {
        let out = run_as_user(dir, &db, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "{}: the memory is read-only ({cause}): ",
                db.display()
            )) && err.contains("write access"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("attempt to write"), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the memory changed");
}

#[test]
fn a_read_only_memory_file_is_read_and_never_written() {
    let w = Work::new();
    memory(&w);
    // A folder everyone may write, a memory file nobody may.
    chmod(w.dir.path(), 0o777);
    chmod(&w.db(), 0o444);
    reading_commands_work(w.dir.path(), w.dir.path(), 3);
    writing_commands_are_refused(w.dir.path(), "file permissions");
    // SQLite would create them owned by this user, and their owner could no longer write the
    // memory.
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(
            !w.path(&format!("tmkit.db{suffix}")).exists(),
            "tmkit.db{suffix} was created"
        );
    }
    chmod(&w.db(), 0o644);
}

#[test]
fn a_memory_in_a_read_only_folder_is_read_without_creating_files_next_to_it() {
    let w = Work::new();
    memory(&w);
    let out = tempfile::tempdir().unwrap();
    chmod(out.path(), 0o777);
    chmod(w.dir.path(), 0o755);
    // A memory file everyone may write, in a folder nobody may (with characters that SQLite
    // URIs reserve in its name).
    let shared = w.path("shared 50% ?#");
    std::fs::create_dir(&shared).unwrap();
    std::fs::rename(w.db(), shared.join("tmkit.db")).unwrap();
    std::fs::copy(w.path("a.tmx"), shared.join("a.tmx")).unwrap();
    std::fs::copy(w.path("g.tbx"), shared.join("g.tbx")).unwrap();
    chmod(&shared.join("tmkit.db"), 0o666);
    chmod(&shared, 0o555);
    reading_commands_work(&shared, out.path(), 3);
    writing_commands_are_refused(&shared, "folder permissions");
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(
            !shared.join(format!("tmkit.db{suffix}")).exists(),
            "tmkit.db{suffix} was created"
        );
    }
    chmod(&shared, 0o755);
}

/// A memory whose write-ahead log still holds changes (a writer was running, or was killed) is
/// read with them: the immutable fallback, which ignores the log, is only for a memory without
/// one.
#[test]
fn a_read_only_folder_with_unsaved_changes_in_the_log_is_read_with_them() {
    let w = Work::new();
    memory(&w);
    let copy = tempfile::tempdir().unwrap();
    {
        // A writer adds a unit and is still open: the unit is only in tmkit.db-wal.
        let mut store = tmkit::store::Store::open(&w.db()).unwrap();
        let mut unit = tmkit::model::TranslationUnit::default();
        let en = tmkit::model::Lang::parse("en").unwrap();
        unit.source = Some(en.clone());
        unit.variants
            .push(tmkit::model::Variant::new(en, "Only in the log."));
        unit.variants.push(tmkit::model::Variant::new(
            tmkit::model::Lang::parse("zh-CN").unwrap(),
            "只在日志里。",
        ));
        tmkit::ops::import::add_unit(&mut store, &unit, Default::default()).unwrap();
        assert!(std::fs::metadata(w.path("tmkit.db-wal")).unwrap().len() > 0);
        copy_files(
            &w,
            &["tmkit.db", "tmkit.db-wal", "tmkit.db-shm"],
            copy.path(),
        );
    }
    chmod(copy.path(), 0o555);
    let db = copy.path().join("tmkit.db");
    let stats = stats_as_user(copy.path(), &db);
    assert_eq!(stats["units"], 4, "{stats}");

    // Without its -shm file, SQLite cannot read the log in a folder it cannot write: refused
    // with the reason, never read without the changes.
    chmod(copy.path(), 0o755);
    std::fs::remove_file(copy.path().join("tmkit.db-shm")).unwrap();
    chmod(copy.path(), 0o555);
    let out = run_as_user(copy.path(), &db, &["stats"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the memory is read-only (") && stderr(&out).contains("-wal file"),
        "{}",
        stderr(&out)
    );
    chmod(copy.path(), 0o755);
}

/// A first import killed while it wrote the memory file leaves half-written pages in it and
/// their undoing in `tmkit.db-journal`: a user who cannot write the memory must not read those
/// pages (as an immutable file would) but be told who can undo them; once undone, the memory is
/// read, empty.
#[test]
fn a_read_only_memory_left_by_a_killed_first_import_is_refused_until_it_is_rolled_back() {
    let w = Work::new();
    crate::robustness::kill_first_import(&w);
    let copy = tempfile::tempdir().unwrap();
    copy_files(&w, &["tmkit.db", "tmkit.db-journal"], copy.path());
    chmod(copy.path(), 0o555);
    let db = copy.path().join("tmkit.db");
    let out = run_as_user(copy.path(), &db, &["stats"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the memory is read-only (") && stderr(&out).contains("-journal"),
        "{}",
        stderr(&out)
    );
    assert!(copy.path().join("tmkit.db-journal").exists());
    // Someone who may write it opens it once: SQLite undoes the import.
    chmod(copy.path(), 0o755);
    let undone = Command::new(bin())
        .arg("--db")
        .arg(&db)
        .arg("stats")
        .output()
        .unwrap();
    assert!(undone.status.success(), "{}", stderr(&undone));
    assert!(!copy.path().join("tmkit.db-journal").exists());
    chmod(copy.path(), 0o555);
    let stats = stats_as_user(copy.path(), &db);
    assert_eq!(stats["units"], 0, "{stats}");
    chmod(copy.path(), 0o755);
}

/// A memory from an older tmkit needs its schema brought up to date, which is a write: refused
/// with the reason and what to do, not with SQLite's words.
#[test]
fn a_read_only_memory_of_an_older_schema_says_it_needs_an_upgrade() {
    let w = Work::new();
    std::fs::copy(fixture("db/schema-1.db"), w.db()).unwrap();
    chmod(&w.db(), 0o644);
    chmod(w.dir.path(), 0o555);
    let out = run_as_user(w.dir.path(), &w.db(), &["stats"]);
    chmod(w.dir.path(), 0o755);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the memory is read-only (")
            && stderr(&out).contains("schema version 1, from an older tmkit"),
        "{}",
        stderr(&out)
    );
}
