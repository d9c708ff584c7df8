//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tmkit::formats::tmx::{Item, Reader};
use tmkit::model::TranslationUnit;
use tmkit::store::{Store, UnitFilter};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tmkit")
}

/// A path under `tests/fixtures/` (the one helper all integration tests share).
pub use crate::fixtures::fixture;

pub fn repo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// Every well-formed TMX fixture.
pub fn tmx_fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixture("tmx"))
        .expect("fixtures/tmx exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tmx"))
        .collect();
    out.sort();
    out
}

/// A temporary working directory with a memory in it.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    pub fn new() -> Work {
        Work {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("tmkit.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).expect("write test file");
        p
    }

    /// Runs tmkit on this memory.
    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command(args).output().expect("tmkit runs")
    }

    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = Command::new(bin());
        c.current_dir(self.dir.path())
            .env_remove("TMKIT_DB")
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(self.db())
            .args(args);
        c
    }

    /// Runs tmkit and insists on success; returns standard output.
    pub fn ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "tmkit failed\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs tmkit with `--format json` appended and parses the output.
    pub fn json<I, S>(&self, args: I) -> serde_json::Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut all: Vec<std::ffi::OsString> =
            args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        all.push("--format".into());
        all.push("json".into());
        let out = self.ok(all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{out}"))
    }

    /// Every unit of the memory, in order.
    pub fn units(&self) -> Vec<TranslationUnit> {
        units_of_db(&self.db())
    }

    /// Exports the memory and returns the file's bytes.
    pub fn export(&self, name: &str, extra: &[&str]) -> Vec<u8> {
        let out = self.path(name);
        let mut args = vec!["export".to_string(), out.display().to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        self.ok(&args);
        std::fs::read(&out).expect("export written")
    }
}

pub fn units_of_db(db: &Path) -> Vec<TranslationUnit> {
    if !db.exists() {
        return Vec::new();
    }
    let store = Store::open(db).expect("memory opens");
    let mut out = Vec::new();
    store
        .for_each_unit(&UnitFilter::default(), |u| {
            out.push(u.clone());
            Ok(())
        })
        .expect("units read");
    out
}

/// Every unit a TMX file holds (units with problems left out).
pub fn units_of_file(path: &Path) -> Vec<TranslationUnit> {
    let mut reader = Reader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut unit = TranslationUnit::default();
    let mut out = Vec::new();
    loop {
        match reader.read_unit(&mut unit).expect("readable") {
            Item::Unit => out.push(unit.clone()),
            Item::Problem(_) => {}
            Item::End => return out,
        }
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Validates a TMX file against the TMX 1.4 DTD with xmllint; panics with xmllint's output if not.
pub fn assert_dtd_valid(path: &Path) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--dtdvalid")
        .arg(fixture("tmx14.dtd"))
        .arg(path)
        .output()
        .expect("xmllint is installed (apt-get install libxml2-utils)");
    assert!(
        out.status.success(),
        "{} does not validate:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How many units translate-toolkit reads from a TMX file.
pub fn translate_toolkit_units(path: &Path) -> usize {
    let script = "import sys\nfrom translate.storage import tmx\n\
                  store = tmx.tmxfile.parsefile(sys.argv[1])\n\
                  print(len([u for u in store.units if u.source]))";
    let out = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3 runs (apt-get install translate-toolkit)");
    assert!(
        out.status.success(),
        "translate-toolkit failed on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

/// A generated three-language TMX with `n` units whose texts carry `tag` (so files differ).
pub fn generated_tmx(n: usize, tag: &str) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" \
         creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" \
         datatype=\"plaintext\"/><body>\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<tu tuid=\"{tag}-{i}\"><tuv xml:lang=\"en\"><seg>Sentence {i} of file {tag} about the forum.</seg></tuv>\
             <tuv xml:lang=\"zh-CN\"><seg>文件{tag}中关于论坛的第{i}句。</seg></tuv>\
             <tuv xml:lang=\"ja-JP\"><seg>ファイル{tag}のフォーラムに関する第{i}文。</seg></tuv></tu>\n"
        ));
    }
    s.push_str("</body></tmx>\n");
    s
}

/// Compares `actual` with the golden file `tests/fixtures/golden/NAME` (see
/// [`crate::fixtures::golden`]; `BLESS=1` rewrites it).
pub fn assert_golden(name: &str, actual: &str) {
    crate::fixtures::golden(&format!("golden/{name}"), actual);
}

/// A memory with the bundled article memory, imported under a relative name so that output is the
/// same on every machine.
pub fn bundled_memory() -> Work {
    let w = Work::new();
    std::fs::copy(
        repo_file("tmx/beijing-tokyo-forum.tmx"),
        w.path("beijing-tokyo-forum.tmx"),
    )
    .unwrap();
    w.ok(["import", "beijing-tokyo-forum.tmx"]);
    w
}
