//! `check`: quality checks over bilingual content (the memory, a TMX file, an XLIFF file).
//!
//! Every source/target pair goes through the per-pair checks (terms, numbers, tags, untranslated,
//! punctuation, white space); then pairs are compared with each other for consistency: the same
//! source translated two ways, and the same translation given to two different sources.
//!
//! This file holds the configuration, the entry points and the checks of one pair; `pairs`
//! reads the pairs of the input, `consistency` compares them with each other, `blocks` checks a
//! large memory in blocks on several threads, and `report` holds what a check reports.

mod blocks;
mod consistency;
mod pairs;
mod report;

use std::cell::RefCell;
use std::path::PathBuf;

use crate::error::Result;
use crate::matching::qa::{Checker, JaPunctuation};
use crate::matching::termbase::{SourceTerms, Termbase};
use crate::model::{Finding, FindingKind, Lang, Severity};
use crate::store::Store;
use blocks::{BLOCK, check_memory_in_blocks, helper_readers};
use consistency::Consistency;
use report::reported;

pub use pairs::{Pair, for_each_pair};
pub use report::{CheckReport, CheckSummary, Reported};

/// What to check.
#[derive(Debug, Clone)]
pub enum CheckInput {
    /// The memory.
    Memory,
    /// A TMX file.
    Tmx(PathBuf),
    /// An XLIFF file.
    Xliff(PathBuf),
}

/// How to check.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// The source language (units whose source is another language are checked from their own
    /// source language only when this matches it).
    pub from: Lang,
    /// Target languages to check; empty means all.
    pub langs: Vec<Lang>,
    /// Kinds of finding to report; empty means all.
    pub kinds: Vec<FindingKind>,
    /// The least severity reported.
    pub min_severity: Severity,
}

/// Runs the checks and returns every finding, in unit order.
pub fn check(
    store: Option<&Store>,
    input: &CheckInput,
    config: &CheckConfig,
    checks: &PairChecks<'_>,
) -> Result<CheckReport> {
    let mut findings = Vec::new();
    let summary = check_each(store, input, config, checks, &mut |r| {
        findings.push(r);
        Ok(())
    })?;
    Ok(CheckReport {
        units: summary.units,
        pairs: summary.pairs,
        findings,
    })
}

/// Runs the checks and hands each finding to `emit` as soon as it is known, in unit order (a
/// pair's own findings, then its inconsistencies): memory stays flat however many findings
/// there are.
///
/// The consistency check compares pairs with each other, so it reads the input first: once for
/// a hash of each pair's texts (grouped to find the inconsistent ones), once more for a few
/// texts of each inconsistent group to quote when there are any; then the pairs are checked
/// and reported in one last reading.
pub fn check_each(
    store: Option<&Store>,
    input: &CheckInput,
    config: &CheckConfig,
    checks: &PairChecks<'_>,
    emit: &mut dyn FnMut(Reported) -> Result<()>,
) -> Result<CheckSummary> {
    if let (Some(store), CheckInput::Memory) = (store, input) {
        let mut readers = helper_readers(store)?;
        return check_memory_in_blocks(store, &mut readers, BLOCK, config, checks, emit);
    }
    let consistency = if wanted(config, FindingKind::Inconsistent, Severity::Warning) {
        Consistency::read(store, input, config)?
    } else {
        None
    };
    let mut summary = CheckSummary::default();
    let mut buf: Vec<Finding> = Vec::new();
    // The place of a pair with a translation among those of the first reading.
    let mut i = 0usize;
    summary.units = for_each_pair(store, input, config, &mut |p| {
        summary.pairs += 1;
        summary.findings += pair_reports(
            p,
            checks,
            config,
            consistency.as_ref(),
            &mut i,
            &mut buf,
            emit,
        )?;
        Ok(())
    })?;
    Ok(summary)
}

/// Whether findings of this kind and severity are reported.
fn wanted(config: &CheckConfig, kind: FindingKind, severity: Severity) -> bool {
    (config.kinds.is_empty() || config.kinds.contains(&kind)) && severity <= config.min_severity
}

/// Checks one pair and hands its findings to `emit`: its own, then its inconsistencies (`i` is
/// its place among the pairs with a translation, and moves on past it). Returns how many.
fn pair_reports(
    p: &Pair<'_>,
    checks: &PairChecks<'_>,
    config: &CheckConfig,
    consistency: Option<&Consistency>,
    i: &mut usize,
    buf: &mut Vec<Finding>,
    emit: &mut dyn FnMut(Reported) -> Result<()>,
) -> Result<u64> {
    let mut findings = 0u64;
    buf.clear();
    if !p.target.trim().is_empty() || !p.target_markup.trim().is_empty() {
        checks.check(p.source_markup, p.target_markup, p.lang, buf);
    } else if p.source.trim().is_empty() && p.source_markup.trim().is_empty() {
        // A blank source (a separator line) rightly has a blank translation.
    } else {
        buf.push(Finding {
            kind: FindingKind::Untranslated,
            severity: Severity::Error,
            message: "the translation is empty".to_string(),
            target_span: None,
            source_span: None,
            expected: None,
            found: None,
        });
    }
    // At most a few findings of one kind a pair, each quoting the pair: the rest are counted in
    // one more, so that a segment with thousands of figures gives a report whose size follows
    // the input's, not its square.
    let mut per_kind: Vec<(FindingKind, Severity, usize)> = Vec::new();
    for f in buf.drain(..) {
        if !wanted(config, f.kind, f.severity) {
            continue;
        }
        match per_kind.iter_mut().find(|k| k.0 == f.kind) {
            Some(k) => k.2 += 1,
            None => per_kind.push((f.kind, f.severity, 1)),
        }
        if per_kind.iter().any(|k| k.0 == f.kind && k.2 > PER_PAIR) {
            continue;
        }
        findings += 1;
        emit(reported(p, f))?;
    }
    for (kind, severity, n) in per_kind {
        if n > PER_PAIR {
            findings += 1;
            emit(reported(
                p,
                Finding::new(
                    kind,
                    severity,
                    format!(
                        "and {} more {} findings in this segment",
                        n - PER_PAIR,
                        kind.as_str()
                    ),
                ),
            ))?;
        }
    }
    if p.target.trim().is_empty() {
        return Ok(findings);
    }
    if let Some(c) = consistency {
        for r in c.findings(*i, p) {
            findings += 1;
            emit(r)?;
        }
    }
    *i += 1;
    Ok(findings)
}

/// The most findings of one kind reported for one pair; the rest are counted in one more.
const PER_PAIR: usize = 20;

/// Every per-pair check: the termbase's (`term`, `forbidden-term`) and the others (numbers,
/// tags, untranslated, punctuation, white space). Texts are segment contents as
/// [`crate::model::Variant::content`] gives them (inline markup included).
pub struct PairChecks<'a> {
    termbase: Option<&'a Termbase>,
    from: Lang,
    qa: RefCell<Checker>,
    /// The last source's terms (see [`SourceTerms`]).
    source_terms: RefCell<SourceTerms>,
    terms: bool,
}

/// The same checks, with buffers of their own (for another thread).
impl Clone for PairChecks<'_> {
    fn clone(&self) -> Self {
        PairChecks {
            termbase: self.termbase,
            from: self.from.clone(),
            qa: RefCell::new(self.qa.borrow().clone()),
            source_terms: RefCell::default(),
            terms: self.terms,
        }
    }
}

impl<'a> PairChecks<'a> {
    /// Checks for sources in `from`, against `termbase` when there is one.
    pub fn new(termbase: Option<&'a Termbase>, from: &Lang) -> PairChecks<'a> {
        PairChecks {
            termbase: termbase.filter(|t| !t.is_empty()),
            from: from.clone(),
            qa: RefCell::new(Checker::new()),
            source_terms: RefCell::default(),
            terms: true,
        }
    }

    /// Runs only the checks of these kinds (all when empty).
    pub fn only(mut self, kinds: &[FindingKind]) -> PairChecks<'a> {
        if kinds.is_empty() {
            return self;
        }
        let skipped: Vec<FindingKind> = FindingKind::ALL
            .into_iter()
            .filter(|k| !kinds.contains(k) && *k != FindingKind::Untranslated)
            .collect();
        self.qa.get_mut().skip(&skipped);
        self.terms =
            kinds.contains(&FindingKind::Term) || kinds.contains(&FindingKind::ForbiddenTerm);
        self
    }

    /// Holds Japanese targets to this punctuation style (see [`JaPunctuation`]).
    pub fn ja_punctuation(mut self, style: JaPunctuation) -> PairChecks<'a> {
        self.qa.get_mut().set_ja_punctuation(style);
        self
    }

    /// Appends the findings of one pair.
    pub fn check(&self, source: &str, target: &str, lang: &Lang, out: &mut Vec<Finding>) {
        let before = out.len();
        self.qa
            .borrow_mut()
            .check_pair(source, target, &self.from, lang, out);
        let untranslated = out[before..]
            .iter()
            .any(|f| f.kind == FindingKind::Untranslated);
        if let Some(tb) = self.termbase
            && self.terms
            && !untranslated
        {
            tb.check_with(
                &mut self.source_terms.borrow_mut(),
                source,
                target,
                lang,
                out,
            );
        }
    }
}
