//! Helpers for the DOCX tests, and a round trip over a folder of documents that a bench can
//! call (`#[path = "../tests/docx_support/mod.rs"] mod docx_support;`):
//! [`corpus_round_trip`] extracts each `.docx`, merges every block back unchanged, compares the
//! packages part by part and, with LibreOffice, the text of the original and the rebuilt file.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tmkit::formats::document::docx::{DocxFilter, identity_check, rebuild_all};
use tmkit::formats::document::{Filter, Options, Piece};
use tmkit::model::Lang;

/// Runs a command to its end (at most `limit`), failing the test with its output when it fails
/// or is missing. `what_to_install` names the Debian package.
pub fn run(mut cmd: Command, what_to_install: &str, limit: Duration) -> std::process::Output {
    let shown = format!("{cmd:?}");
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("cannot run {shown}: {e}: install the Debian package {what_to_install}")
    });
    let start = Instant::now();
    loop {
        if let Some(_status) = child.try_wait().expect("waiting for a child process") {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child
                .wait_with_output()
                .expect("reading a killed child's output");
            panic!(
                "{shown} did not finish in {limit:?}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("reading a child's output");
    assert!(
        out.status.success(),
        "{shown} failed ({})\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// LibreOffice with a profile of its own (so that several can run at once).
pub struct Soffice {
    profile: tempfile::TempDir,
}

impl Default for Soffice {
    fn default() -> Self {
        Self::new()
    }
}

impl Soffice {
    pub fn new() -> Soffice {
        Soffice {
            profile: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// Converts `inputs` with `--convert-to to` (`txt:Text`, `html`, `pdf`) into `outdir`;
    /// returns the converted files, in order.
    pub fn convert(&self, inputs: &[PathBuf], to: &str, outdir: &Path) -> Vec<PathBuf> {
        let mut cmd = Command::new("soffice");
        cmd.arg(format!(
            "-env:UserInstallation=file://{}",
            self.profile.path().display()
        ))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(outdir)
        .args(inputs);
        run(cmd, "libreoffice-writer-nogui", Duration::from_secs(600));
        let ext = to.split(':').next().unwrap_or(to);
        inputs
            .iter()
            .map(|i| {
                let out = outdir
                    .join(i.file_stem().expect("a file name"))
                    .with_extension(ext);
                assert!(
                    out.exists(),
                    "LibreOffice did not convert {} to {to}",
                    i.display()
                );
                out
            })
            .collect()
    }
}

/// The text LibreOffice's `txt:Text` filter writes, without its byte-order mark.
pub fn read_text(path: &Path) -> String {
    let s = std::fs::read_to_string(path).expect("LibreOffice writes UTF-8 text");
    s.trim_start_matches('\u{feff}').to_string()
}

/// One document of a corpus round trip.
#[derive(Debug, Clone)]
pub struct CorpusRow {
    pub file: String,
    /// Why the document was refused (an encrypted or damaged file).
    pub error: Option<String>,
    pub blocks: usize,
    /// The merged package is byte-identical to the original.
    pub identical_file: bool,
    /// Entries whose inflated bytes differ.
    pub changed_parts: Vec<String>,
    /// LibreOffice's text of the original equals that of the rebuilt file (`None` without
    /// LibreOffice or when refused).
    pub same_text: Option<bool>,
    /// LibreOffice's text of the original equals that of the document with every paragraph
    /// rebuilt from its own pieces (as merge rebuilds translated paragraphs); `Some(false)`
    /// keeps both texts for the report.
    pub rebuilt_text: Option<Result<(), (String, String)>>,
    /// Time to extract, and to merge a pseudo-translation (every text piece changed).
    pub extract: Duration,
    pub merge: Duration,
}

/// Every `.docx` in `dir` (and its sub-folders), extracted and merged back unchanged; with
/// `libreoffice`, both converted to text and compared.
pub fn corpus_round_trip(dir: &Path, libreoffice: bool) -> Vec<CorpusRow> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("a readable folder") {
            let p = e.expect("a folder entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().and_then(|e| e.to_str()) == Some("docx") {
                files.push(p);
            }
        }
    }
    files.sort();
    let work = tempfile::tempdir().expect("a temporary folder");
    let (orig_dir, back_dir) = (work.path().join("orig"), work.path().join("back"));
    let all_dir = work.path().join("all");
    for d in [&orig_dir, &back_dir, &all_dir] {
        std::fs::create_dir_all(d).unwrap();
    }
    let mut rows = Vec::new();
    let mut converted = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let file = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        let bytes = std::fs::read(path).expect("a readable document");
        let t0 = Instant::now();
        let extracted = DocxFilter.extract(&bytes, &file, &Options::default());
        let extract = t0.elapsed();
        let mut row = CorpusRow {
            file,
            error: None,
            blocks: 0,
            identical_file: false,
            changed_parts: Vec::new(),
            same_text: None,
            rebuilt_text: None,
            extract,
            merge: Duration::ZERO,
        };
        match extracted.and_then(|x| identity_check(&bytes, &row.file).map(|id| (x, id))) {
            Err(e) => row.error = Some(e.to_string()),
            Ok((x, id)) => {
                row.blocks = id.blocks;
                row.identical_file = id.identical_file;
                row.changed_parts = id.changed_parts;
                let pseudo: Vec<Vec<Piece>> = x
                    .blocks
                    .iter()
                    .map(|b| {
                        b.pieces
                            .iter()
                            .map(|p| match p {
                                Piece::Text(t) => Piece::Text(format!("译{t}")),
                                c => c.clone(),
                            })
                            .collect()
                    })
                    .collect();
                let t0 = Instant::now();
                let zh = Lang::parse("zh-CN").unwrap();
                DocxFilter
                    .merge(&bytes, &row.file, &Options::default(), &pseudo, &zh)
                    .expect("a pseudo-translation merges");
                row.merge = t0.elapsed();
                if libreoffice {
                    // Same names in two folders: one conversion per folder.
                    let n = format!("d{i:03}.docx");
                    std::fs::write(orig_dir.join(&n), &bytes).unwrap();
                    let blocks: Vec<Vec<Piece>> =
                        x.blocks.iter().map(|b| b.pieces.clone()).collect();
                    let lang = x
                        .lang
                        .as_deref()
                        .and_then(|l| Lang::parse(l).ok())
                        .unwrap_or_else(|| Lang::parse("en").unwrap());
                    let back = DocxFilter
                        .merge(&bytes, &row.file, &Options::default(), &blocks, &lang)
                        .expect("an identity merge");
                    std::fs::write(back_dir.join(&n), back).unwrap();
                    let all = rebuild_all(&bytes, &row.file).expect("a full rebuild");
                    std::fs::write(all_dir.join(&n), all).unwrap();
                    converted.push((rows.len(), n));
                }
            }
        }
        rows.push(row);
    }
    if libreoffice && !converted.is_empty() {
        let lo = Soffice::new();
        let names: Vec<PathBuf> = converted.iter().map(|(_, n)| PathBuf::from(n)).collect();
        let out_a = work.path().join("text-orig");
        let out_b = work.path().join("text-back");
        let out_c = work.path().join("text-all");
        for d in [&out_a, &out_b, &out_c] {
            std::fs::create_dir_all(d).unwrap();
        }
        let a = lo.convert(
            &names.iter().map(|n| orig_dir.join(n)).collect::<Vec<_>>(),
            "txt:Text",
            &out_a,
        );
        let b = lo.convert(
            &names.iter().map(|n| back_dir.join(n)).collect::<Vec<_>>(),
            "txt:Text",
            &out_b,
        );
        let c = lo.convert(
            &names.iter().map(|n| all_dir.join(n)).collect::<Vec<_>>(),
            "txt:Text",
            &out_c,
        );
        for (((row, _), (a, b)), c) in converted.iter().zip(a.iter().zip(&b)).zip(&c) {
            let (a, b, c) = (read_text(a), read_text(b), read_text(c));
            rows[*row].same_text = Some(a == b);
            rows[*row].rebuilt_text = Some(if a == c { Ok(()) } else { Err((a, c)) });
        }
    }
    rows
}

/// A raw deflate stream of `len` zero bytes, written by hand (fixed Huffman codes: one literal,
/// then back-references of 258 bytes), so that a bomb costs nothing to build.
pub fn zeros_deflated(len: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, bits: u32) {
            self.acc |= value << self.n;
            self.n += bits;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes are written most significant bit first.
        fn code(&mut self, code: u64, bits: u32) {
            let mut rev = 0;
            for i in 0..bits {
                rev |= ((code >> i) & 1) << (bits - 1 - i);
            }
            self.put(rev, bits);
        }
    }
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman
    b.code(0x30, 8); // literal 0
    let copies = (len - 1) / 258;
    for _ in 0..copies {
        b.code(0b11000101, 8); // length 258 (code 285)
        b.code(0, 5); // distance 1
    }
    for _ in 0..(len - 1) % 258 {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block
    b.put(0, 7);
    b.out
}

/// A ZIP with one deflated entry whose headers declare `declared` bytes.
pub fn raw_zip(name: &str, data: &[u8], declared: u32) -> Vec<u8> {
    let mut z = Vec::new();
    let n = name.as_bytes();
    let local = |z: &mut Vec<u8>| {
        z.extend(0x04034b50u32.to_le_bytes());
        z.extend(20u16.to_le_bytes());
        z.extend(0u16.to_le_bytes());
        z.extend(8u16.to_le_bytes());
        z.extend([0, 0, 0x21, 0]); // time, date
        z.extend(0u32.to_le_bytes()); // crc
        z.extend((data.len() as u32).to_le_bytes());
        z.extend(declared.to_le_bytes());
        z.extend((n.len() as u16).to_le_bytes());
        z.extend(0u16.to_le_bytes());
        z.extend(n);
    };
    local(&mut z);
    z.extend(data);
    let cd = z.len();
    z.extend(0x02014b50u32.to_le_bytes());
    z.extend(20u16.to_le_bytes());
    z.extend(20u16.to_le_bytes());
    z.extend(0u16.to_le_bytes());
    z.extend(8u16.to_le_bytes());
    z.extend([0, 0, 0x21, 0]);
    z.extend(0u32.to_le_bytes());
    z.extend((data.len() as u32).to_le_bytes());
    z.extend(declared.to_le_bytes());
    z.extend((n.len() as u16).to_le_bytes());
    z.extend([0u8; 12]); // extra, comment, disk, attrs
    z.extend(0u32.to_le_bytes()); // offset
    z.extend(n);
    let cd_len = z.len() - cd;
    z.extend(0x06054b50u32.to_le_bytes());
    z.extend([0u8; 4]);
    z.extend(1u16.to_le_bytes());
    z.extend(1u16.to_le_bytes());
    z.extend((cd_len as u32).to_le_bytes());
    z.extend((cd as u32).to_le_bytes());
    z.extend(0u16.to_le_bytes());
    z
}
