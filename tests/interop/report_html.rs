//! The review page in a real browser: the example article prepared against the bundled memory
//! (plus an "earlier draft" memory for fuzzy matches), rendered, loaded in headless Chromium, its
//! DOM checked for every segment, badge, term and finding, and a screenshot kept as an artifact in
//! `<target>/test-artifacts/report.png` (with the page next to it).
//!
//! Needs Chromium (`apt-get install chromium`); set `CHROMIUM` to use another binary.

// This test runs Chromium with its own arguments (screenshots); dump_dom is for the others.
#[allow(dead_code)]
use crate::chromium;

use std::path::{Path, PathBuf};
use std::time::Instant;

use tmkit::kit::{Kit, Rates, render_report};
use tmkit::model::{Finding, FindingKind, Lang, Severity, Term, TermEntry, TermStatus};
use tmkit::ops::import::{self, ImportConfig};
use tmkit::ops::prepare::{self, Article, Helpers, PrepareConfig};
use tmkit::ops::segment::{self, BadRules};
use tmkit::store::Store;

/// Units with slightly different English, as an earlier draft of the article would have had.
const DRAFT_TMX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="en" datatype="plaintext"/>
  <body>
    <tu tuid="draft-1" changedate="20201130T080000Z">
      <tuv xml:lang="en"><seg>During the opening ceremony, Chinese Foreign Minister Wang Yi delivered a speech by video link.</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>开幕式上，中国外交部长王毅通过视频发表讲话。</seg></tuv>
      <tuv xml:lang="ja-JP"><seg>開幕式では、中国の王毅外相がビデオリンクで演説した。</seg></tuv>
    </tu>
    <tu tuid="draft-2" changedate="20201130T081500Z">
      <tuv xml:lang="en"><seg>The 16th Beijing-Tokyo Forum was held in Beijing and Tokyo by video conference on Nov. 30.</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>第十六届北京－东京论坛于11月30日以视频会议形式在北京和东京举行。</seg></tuv>
      <tuv xml:lang="ja-JP"><seg>第16回東京－北京フォーラムは11月30日、北京と東京をオンラインで結んで開催された。</seg></tuv>
    </tu>
    <tu tuid="draft-3" changedate="20201130T083000Z">
      <tuv xml:lang="en"><seg>China’s Foreign Minister Wang Yi.</seg></tuv>
      <tuv xml:lang="zh-CN"><seg>中国外交部长王毅。</seg></tuv>
      <tuv xml:lang="ja-JP"><seg>中国の王毅外相。</seg></tuv>
    </tu>
  </body>
</tmx>
"#;

fn lang(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

fn entry(en: &str, zh: &str, ja: &str, forbidden_ja: Option<&str>) -> TermEntry {
    let mut terms = vec![
        Term::new(lang("en"), en),
        Term::new(lang("zh-CN"), zh),
        Term::new(lang("ja-JP"), ja),
    ];
    if let Some(f) = forbidden_ja {
        terms.push(Term {
            status: TermStatus::Forbidden,
            ..Term::new(lang("ja-JP"), f)
        });
    }
    TermEntry {
        terms,
        ..TermEntry::default()
    }
}

fn glossary() -> Vec<TermEntry> {
    let mut forum = entry(
        "Beijing-Tokyo Forum",
        "北京－东京论坛",
        "東京－北京フォーラム",
        Some("北京－東京フォーラム"),
    );
    forum.note = Some("ja: the Japanese side names Tokyo first".to_string());
    vec![
        entry("Wang Yi", "王毅", "王毅", None),
        forum,
        entry("Asia-Pacific", "亚太", "アジア太平洋", None),
        entry("digital economy", "数字经济", "デジタル経済", None),
    ]
}

/// Made-up checks: "中日" in Chinese is flagged (with its span), a lost "16" is an error.
fn check(source: &str, target: &str, lang: &Lang) -> Vec<Finding> {
    let mut out = Vec::new();
    if lang.primary() == "zh"
        && let Some(at) = target.find("中日")
    {
        out.push(Finding {
            kind: FindingKind::Inconsistent,
            severity: Severity::Warning,
            message: "the memory has both “中日” and “日中”; keep one order".to_string(),
            target_span: Some((at, at + "中日".len())),
            source_span: None,
            expected: None,
            found: Some("中日".to_string()),
        });
    }
    if source.contains("16th") && !target.contains("16") && !target.contains("十六") {
        out.push(Finding {
            kind: FindingKind::Number,
            severity: Severity::Error,
            message: "a number of the source is missing from the target".to_string(),
            target_span: None,
            source_span: None,
            expected: Some("16".to_string()),
            found: None,
        });
    }
    out
}

fn prepared_kit(dir: &Path) -> Kit {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let draft = dir.join("draft.tmx");
    std::fs::write(&draft, DRAFT_TMX).unwrap();
    let mut store = Store::open(&dir.join("memory.db")).unwrap();
    let config = ImportConfig {
        files: vec![root.join("tmx/beijing-tokyo-forum.tmx"), draft],
        ..ImportConfig::default()
    };
    let report = import::import(&mut store, &config, &import::NoProgress).unwrap();
    assert_eq!(report.skipped, 0, "{report:?}");

    let bytes = std::fs::read(root.join("examples/beijing-tokyo-forum.en.txt")).unwrap();
    let engine = segment::default_engine().unwrap();
    let (rules, _) = segment::rules_for(engine, "en", BadRules::Fail).unwrap();
    let segmented = segment::segment_bytes(&bytes, &rules, false).unwrap();
    let to = vec![lang("zh-CN"), lang("ja-JP")];
    let termbase = tmkit::matching::termbase::Termbase::new(glossary(), &lang("en"));
    let finder = |s: &str| prepare::kit_terms(&termbase, s, &to);
    let config = PrepareConfig {
        from: lang("en"),
        to: to.clone(),
        min: 75,
        max_matches: 3,
        rates: Rates::default(),
    };
    prepare::prepare(
        Article {
            name: "beijing-tokyo-forum.en.txt",
            text: segmented.text.to_string(),
            segments: &segmented.segments,
        },
        &[&store],
        &config,
        Helpers {
            glossary: termbase.entries.clone(),
            find_terms: &finder,
            check: &check,
        },
    )
    .unwrap()
}

/// `<target>/test-artifacts/`, created.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Text as Chromium serializes the DOM (a no-break space is written `&nbsp;`).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\u{a0}', "&nbsp;")
}

/// The DOM of each segment row, by id.
fn rows(dom: &str) -> Vec<(usize, &str)> {
    let starts: Vec<usize> = dom
        .match_indices("data-segment=\"")
        .map(|(i, _)| i)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let end = starts.get(k + 1).copied().unwrap_or(dom.len());
            let chunk = &dom[i..end];
            let id = chunk["data-segment=\"".len()..]
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (id, chunk)
        })
        .collect()
}

#[test]
fn review_page_shows_every_segment_badge_term_and_finding_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let kit = prepared_kit(dir.path());
    let html = render_report(&kit);
    assert_eq!(html, render_report(&kit), "the page is deterministic");

    // What the kit holds that the page must show.
    let n = kit.segments.len();
    assert!(n > 40, "{n} segments");
    let fuzzy = kit
        .segments
        .iter()
        .flat_map(|s| &s.leverage)
        .filter(|l| l.best_score.is_some_and(|s| s < 100))
        .count();
    assert!(fuzzy >= 2, "the draft memory gives fuzzy matches");
    let findings: usize = kit
        .segments
        .iter()
        .flat_map(|s| &s.leverage)
        .map(|l| l.findings.len())
        .sum();
    assert!(findings >= 1, "the check finds something");
    assert!(kit.segments.iter().any(|s| !s.terms.is_empty()));

    // Nothing in the page can reach the network (the article has no URL in its text either).
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">"
    ));
    for needle in [
        "http://", "https://", "src=", "<link", "<script", "<iframe", "<object", "<embed", "url(",
        "@import",
    ] {
        assert!(
            !html.contains(needle),
            "the page must not contain {needle:?}"
        );
    }
    for (i, _) in html.match_indices("href=\"") {
        assert!(
            html[i..].starts_with("href=\"#"),
            "only links within the page"
        );
    }

    let out = artifacts();
    let page = out.join("report.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());

    let started = Instant::now();
    let (dom, log) = chromium::run(
        &dir.path().join("profile-dom"),
        &["--dump-dom".into(), url.clone()],
    );
    assert!(
        !log.contains("Refused to") && !log.contains("Content Security Policy"),
        "the page tried to load something:\n{log}"
    );
    assert!(dom.contains("Content-Security-Policy"));

    // Every segment, once, in order.
    let rows = rows(&dom);
    let ids: Vec<usize> = rows.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, (1..=n).collect::<Vec<_>>());

    // One badge per segment and language; the right terms in each row.
    assert_eq!(dom.matches("class=\"badge\"").count(), n * kit.to.len());
    let mut target_terms = 0;
    for ((_, row), seg) in rows.iter().zip(&kit.segments) {
        for lev in &seg.leverage {
            let score = lev.best_score.map_or("none".to_string(), |s| s.to_string());
            let badge = format!(
                "class=\"badge\" data-score=\"{score}\" data-band=\"{}\" data-lang=\"{}\"",
                lev.band.name(),
                lev.lang
            );
            assert_eq!(row.matches(&badge).count(), 1, "#{}: {badge}", seg.id);
            let Some(target) = &lev.target else { continue };
            for t in &seg.terms {
                let approved = t
                    .translations
                    .iter()
                    .find(|(l, _)| l == &lev.lang)
                    .map_or(&[][..], |(_, v)| v.as_slice());
                for tr in approved.iter().filter(|tr| target.contains(tr.as_str())) {
                    let mark = format!(
                        "<mark class=\"term\" data-term=\"{}\" title=\"{}: {}\">{}</mark>",
                        esc(&t.term),
                        esc(&t.term),
                        esc(tr),
                        esc(tr)
                    );
                    assert!(row.contains(&mark), "#{} {}: {mark}", seg.id, lev.lang);
                    target_terms += 1;
                }
            }
        }
        for t in &seg.terms {
            let mark = format!("<mark class=\"term\" data-term=\"{}\"", esc(&t.term));
            assert!(row.contains(&mark), "#{}: {mark}", seg.id);
            let text = format!("\">{}</mark>", esc(&t.text));
            assert!(row.contains(&text), "#{}: {text}", seg.id);
        }
    }
    assert!(target_terms >= 3, "approved translations found in targets");
    let source_terms: usize = kit.segments.iter().map(|s| s.terms.len()).sum();
    assert_eq!(
        dom.matches("<mark class=\"term\"").count(),
        html.matches("<mark class=\"term\"").count()
    );
    assert!(dom.matches("<mark class=\"term\"").count() >= source_terms + target_terms);

    // Findings, the fuzzy diffs and the analysis.
    assert_eq!(dom.matches("<li class=\"finding\"").count(), findings);
    assert!(dom.contains("class=\"finding\" data-kind=\"inconsistent\" data-severity=\"warning\""));
    assert!(dom.contains("<mark class=\"flag\""));
    assert!(dom.contains("<del ") && dom.contains("<ins "));
    for l in &kit.to {
        assert!(dom.contains(&format!("<table class=\"counts\" data-lang=\"{l}\">")));
        assert!(dom.contains(&format!("lang=\"{l}\" data-lang=\"{l}\"")));
    }
    for label in [
        "Context match (101%)",
        "Repetitions",
        "95-99%",
        "No match",
        "Total",
    ] {
        assert!(dom.contains(label), "{label}");
    }
    assert!(dom.contains("<svg role=\"img\""));

    // A screenshot for people to look at.
    let png = out.join("report.png");
    std::fs::remove_file(&png).ok();
    chromium::run(
        &dir.path().join("profile-png"),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1400,2000".into(),
            url,
        ],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000);
    eprintln!(
        "chromium: {:.1} s; page and screenshot in {}",
        started.elapsed().as_secs_f64(),
        out.display()
    );
}
