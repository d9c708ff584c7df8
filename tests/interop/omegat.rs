//! The OmegaT kit, proven with the real OmegaT (3.6, Debian package `omegat`): the project
//! loads, the pretranslations land in the target file, OmegaT cuts the article into the kit's
//! segments, and OmegaT's project memory imports back into tmkit.
//!
//! OmegaT is required: without it the test fails and says how to install it.

use crate::tool;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tmkit::formats::open_input;
use tmkit::formats::tmx::{Item, Reader};
use tmkit::kit::omegat::{project_dir_name, write_omegat_project};
use tmkit::kit::{Kit, KitTerm, Rates};
use tmkit::model::{Lang, Term, TermEntry, TermStatus, TranslationUnit};
use tmkit::ops::import::{self, ImportConfig, NoProgress};
use tmkit::ops::prepare::{Article, Helpers, PrepareConfig, prepare};
use tmkit::ops::segment::{BadRules, default_engine, rules_for, segment_bytes};
use tmkit::store::Store;
use tmkit::text::segment::is_space;

const ARTICLE: &str = "beijing-tokyo-forum.en.txt";
/// How long one OmegaT run may take before the test gives up.
/// A Groovy script for `--script`: writes `omegat/project_save.tmx` after compiling, as OmegaT
/// saves it.
const SAVE_SCRIPT: &str = "if (eventType.toString() == 'COMPILE') {
    def p = org.omegat.core.Core.getProject()
    def props = p.getProjectProperties()
    p.projectTMX.save(props, new File(props.getProjectInternal(), 'project_save.tmx').getPath(), true)
}
";
const OMEGAT_TIMEOUT: Duration = Duration::from_secs(50);

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn lang(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

fn import_into(store: &mut Store, file: PathBuf) {
    let config = ImportConfig {
        files: vec![file],
        ..ImportConfig::default()
    };
    let report = import::import(store, &config, &NoProgress).unwrap();
    assert_eq!(report.skipped, 0, "{report:?}");
}

fn glossary() -> Vec<TermEntry> {
    let mut forbidden = Term::new(lang("zh-CN"), "东京北京论坛");
    forbidden.status = TermStatus::Forbidden;
    vec![TermEntry {
        terms: vec![
            Term::new(lang("en"), "Beijing-Tokyo Forum"),
            Term::new(lang("zh-CN"), "北京－东京论坛"),
            forbidden,
            Term::new(lang("ja-JP"), "東京－北京フォーラム"),
        ],
        ..TermEntry::default()
    }]
}

/// The example article prepared against the example memory, to zh-CN and ja-JP.
fn example_kit(dir: &Path) -> Kit {
    let mut store = Store::open(&dir.join("memory.db")).unwrap();
    import_into(&mut store, repo("tmx/beijing-tokyo-forum.tmx"));
    let bytes = std::fs::read(repo("examples").join(ARTICLE)).unwrap();
    let (rules, _) = rules_for(default_engine().unwrap(), "en", BadRules::Fail).unwrap();
    let segmented = segment_bytes(&bytes, &rules, false).unwrap();
    let config = PrepareConfig {
        from: lang("en"),
        to: vec![lang("zh-CN"), lang("ja-JP")],
        min: 75,
        max_matches: 3,
        rates: Rates::default(),
    };
    let find_terms = |text: &str| -> Vec<KitTerm> {
        text.find("Beijing-Tokyo Forum")
            .map(|start| KitTerm {
                start,
                end: start + "Beijing-Tokyo Forum".len(),
                text: "Beijing-Tokyo Forum".to_string(),
                term: "Beijing-Tokyo Forum".to_string(),
                entry: 0,
                translations: Vec::new(),
                forbidden: Vec::new(),
            })
            .into_iter()
            .collect()
    };
    let check = |_: &str, _: &str, _: &Lang| Vec::new();
    prepare(
        Article {
            name: ARTICLE,
            text: segmented.text.into_owned(),
            segments: &segmented.segments,
        },
        &[&store],
        &config,
        Helpers {
            glossary: glossary(),
            find_terms: &find_terms,
            check: &check,
        },
    )
    .unwrap()
}

/// Runs OmegaT on the project with `args`, a fresh configuration folder and no display; fails
/// the test (with OmegaT's output) if it is missing, fails or hangs.
fn run_omegat(project: &Path, config_dir: &Path, args: &[String]) {
    let mut cmd = Command::new("omegat");
    cmd.args(args)
        .arg(format!("--config-dir={}", config_dir.display()))
        .arg("--no-team")
        .arg("--quiet")
        .arg(project)
        .env("JAVA_TOOL_OPTIONS", "-Djava.awt.headless=true");
    tool::run(
        cmd,
        &format!("omegat {args:?}"),
        "install it with `apt-get install omegat`",
        OMEGAT_TIMEOUT,
    );
}

fn read_tmx(path: &Path) -> Vec<TranslationUnit> {
    let input = open_input(path).unwrap();
    let mut reader = Reader::from_input(input).unwrap();
    let mut unit = TranslationUnit::default();
    let mut out = Vec::new();
    loop {
        match reader.read_unit(&mut unit).unwrap() {
            Item::Unit => out.push(unit.clone()),
            Item::Problem(p) => panic!("{}: {p:?}", path.display()),
            Item::End => return out,
        }
    }
}

fn text_in(unit: &TranslationUnit, tag: &str) -> Option<String> {
    let l = lang(tag);
    unit.variants
        .iter()
        .find(|v| l.matches(&v.lang) || v.lang.matches(&l))
        .map(|v| v.text.clone())
}

#[test]
fn omegat_translates_segments_and_round_trips_the_kit() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = example_kit(tmp.path());
    assert_eq!(project_dir_name(&kit, 0), "beijing-tokyo-forum.en.omegat");
    assert_eq!(
        project_dir_name(&kit, 1),
        "beijing-tokyo-forum.en.ja-JP.omegat"
    );
    let exact: Vec<(&str, &str)> = kit
        .segments
        .iter()
        .filter(|s| s.leverage[0].best_score.is_some_and(|b| b >= 100))
        .filter_map(|s| Some((s.text.as_str(), s.leverage[0].target.as_deref()?)))
        .collect();
    assert!(
        exact.len() >= 8,
        "the example memory should give at least 8 exact matches, got {}",
        exact.len()
    );

    let project = tmp.path().join(project_dir_name(&kit, 0));
    write_omegat_project(&kit, 0, &project, default_engine().unwrap()).unwrap();
    let started = Instant::now();

    // 1. OmegaT puts the pretranslations into the target file. Console mode does not save the
    // project memory; a script run after compiling saves it (OmegaT's own `saveProject` needs
    // the GUI in 3.6).
    let script = tmp.path().join("save.groovy");
    std::fs::write(&script, SAVE_SCRIPT).unwrap();
    run_omegat(
        &project,
        &tmp.path().join("config-translate"),
        &[
            "--mode=console-translate".to_string(),
            format!("--script={}", script.display()),
        ],
    );
    let target = std::fs::read_to_string(project.join("target").join(ARTICLE))
        .expect("OmegaT wrote no target file");
    let missing: Vec<_> = exact.iter().filter(|(_, t)| !target.contains(t)).collect();
    assert!(
        missing.is_empty(),
        "pretranslations missing from OmegaT's target file: {missing:#?}\ntarget:\n{target}"
    );

    // 2. OmegaT's segments are the kit's: a pseudo-translation lists every one of them.
    let pseudo = tmp.path().join("pseudo.tmx");
    run_omegat(
        &project,
        &tmp.path().join("config-pseudo"),
        &[
            "--mode=console-createpseudotranslatetmx".to_string(),
            format!("--pseudotranslatetmx={}", pseudo.display()),
            "--pseudotranslatetype=equal".to_string(),
        ],
    );
    // OmegaT trims segments of Java's white space only: a no-break space next to a cut stays in
    // its segment (see the module documentation of `kit::omegat`).
    let omegat_segments: Vec<String> = read_tmx(&pseudo)
        .iter()
        .filter_map(|u| text_in(u, "en"))
        .map(|s| s.trim_matches(is_space).to_string())
        .collect();
    let mut kit_segments: Vec<String> = kit.segments.iter().map(|s| s.text.clone()).collect();
    // OmegaT lists each distinct source once.
    let mut seen = std::collections::HashSet::new();
    kit_segments.retain(|s| seen.insert(s.clone()));
    let mut sorted_omegat = omegat_segments.clone();
    sorted_omegat.sort();
    let mut sorted_kit = kit_segments.clone();
    sorted_kit.sort();
    let only_kit: Vec<_> = sorted_kit
        .iter()
        .filter(|s| !sorted_omegat.contains(s))
        .collect();
    let only_omegat: Vec<_> = sorted_omegat
        .iter()
        .filter(|s| !sorted_kit.contains(s))
        .collect();
    assert!(
        only_kit.is_empty() && only_omegat.is_empty(),
        "segmentation differs\nonly in the kit: {only_kit:#?}\nonly in OmegaT: {only_omegat:#?}"
    );
    assert_eq!(sorted_omegat, sorted_kit);

    // 3. OmegaT's project memory imports back into tmkit with the kit's sources and targets.
    let save = project.join("omegat/project_save.tmx");
    assert!(save.exists(), "OmegaT wrote no {}", save.display());
    let mut back = Store::open(&tmp.path().join("back.db")).unwrap();
    let config = ImportConfig {
        files: vec![save.clone()],
        ..ImportConfig::default()
    };
    let report = import::import(&mut back, &config, &NoProgress).unwrap();
    assert_eq!(report.skipped, 0, "{report:?}");
    let mut imported: Vec<(String, String)> = Vec::new();
    back.for_each_unit_with_id(|_, u| {
        if let (Some(s), Some(t)) = (text_in(u, "en"), text_in(u, "zh-CN")) {
            imported.push((s.trim_matches(is_space).to_string(), t));
        }
        Ok(())
    })
    .unwrap();
    imported.sort();
    let mut expected: Vec<(String, String)> = exact
        .iter()
        .map(|(s, t)| (s.to_string(), t.to_string()))
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(imported, expected);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "OmegaT took {:?}",
        started.elapsed()
    );
}
