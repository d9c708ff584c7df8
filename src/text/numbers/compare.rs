//! Comparison of the numbers of a source with those of its translation: what is missing, what
//! is extra, and the equivalences that match them.

use super::{Number, NumberKind, Role};

/// The numbers of a source that its translation lacks, and those the translation adds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberDiff {
    /// Source numbers without a counterpart in the target, in source order.
    pub missing: Vec<Number>,
    /// Target numbers without a counterpart in the source, in target order.
    pub extra: Vec<Number>,
}

impl NumberDiff {
    /// Whether the numbers correspond.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares the numbers of a source and its translation as multisets.
///
/// Numbers match by kind and value first (`46 percent` and `46%`; `Nov. 30` and `11月30日`;
/// `35.8 trillion` and `35兆8000億`), then by value alone (`16th` and `十六回`; a date and its day),
/// then by absolute value (`-5` and 零下5). What is left: a source [`Role::Figure`] is missing; a
/// source [`Role::Word`] is missing only when the target has a quantity or ordinal figure left
/// over that no missing figure accounts for; a target figure is extra; names are never reported.
///
/// ```
/// use tmkit::model::Lang;
/// use tmkit::text::numbers::{compare, extract};
/// let (en, zh) = (Lang::parse("en").unwrap(), Lang::parse("zh-CN").unwrap());
/// let src = "The 16th forum drew 46 percent more visitors.";
/// let ok = compare(&extract(src, &en), &extract("第十六届论坛的访客增加了46%。", &zh));
/// assert!(ok.is_empty());
/// let bad = compare(&extract(src, &en), &extract("第十五届论坛的访客增加了64%。", &zh));
/// assert_eq!((bad.missing.len(), bad.extra.len()), (2, 2));
/// ```
pub fn compare(source: &[Number], target: &[Number]) -> NumberDiff {
    if source.is_empty() && target.is_empty() {
        return NumberDiff::default();
    }
    let mut sbuf = [false; 64];
    let mut tbuf = [false; 64];
    let mut sheap;
    let mut theap;
    let s_used: &mut [bool] = if source.len() <= 64 {
        &mut sbuf[..source.len()]
    } else {
        sheap = vec![false; source.len()];
        &mut sheap
    };
    let t_used: &mut [bool] = if target.len() <= 64 {
        &mut tbuf[..target.len()]
    } else {
        theap = vec![false; target.len()];
        &mut theap
    };
    // Source figures choose first, then words, then names; each takes a target figure where it
    // can, so that no target figure is left over while a word or name took its twin.
    for pass in 0..3 {
        for role in [Role::Figure, Role::Word, Role::Name] {
            for (i, a) in source.iter().enumerate() {
                if s_used[i] || a.role != role {
                    continue;
                }
                let mut best: Option<usize> = None;
                for (j, b) in target.iter().enumerate() {
                    if !t_used[j] && equivalent(a, b, pass) {
                        if b.role == Role::Figure {
                            best = Some(j);
                            break;
                        }
                        best = best.or(Some(j));
                    }
                }
                if let Some(j) = best {
                    s_used[i] = true;
                    t_used[j] = true;
                }
            }
        }
    }
    let mut diff = NumberDiff::default();
    for (j, b) in target.iter().enumerate() {
        if !t_used[j] && b.role == Role::Figure {
            diff.extra.push(*b);
        }
    }
    // A word left over is missing only when a target figure left over can be its rendering: one
    // that no missing figure of the source accounts for, and of a kind a word can be written as
    // (`six` → `5`, `first` → `第2`). Otherwise the target wrote it in words (`first` → 首次,
    // 初めて), whatever happened to the other numbers of the sentence.
    let mut claimed = vec![false; diff.extra.len()];
    let mut claim = |n: &Number, fits: &dyn Fn(&Number, &Number) -> bool| -> bool {
        let free = |k: &usize| !claimed[*k];
        let pick = (0..diff.extra.len())
            .filter(free)
            .find(|&k| fits(n, &diff.extra[k]));
        if let Some(k) = pick {
            claimed[k] = true;
        }
        pick.is_some()
    };
    // Missing figures take their own kind first, then any figure (as the report pairs them).
    let figures: Vec<usize> = (0..source.len())
        .filter(|&i| !s_used[i] && source[i].role == Role::Figure)
        .collect();
    let mut unpaired = Vec::new();
    for &i in &figures {
        if !claim(&source[i], &|a, b| a.kind.same_class(b.kind)) {
            unpaired.push(i);
        }
    }
    for &i in &unpaired {
        claim(&source[i], &|_, _| true);
    }
    let mut words = Vec::new();
    for (i, a) in source.iter().enumerate() {
        if !s_used[i] && a.role == Role::Word && claim(a, &|w, b| word_rendering(w, b)) {
            words.push(i);
        }
    }
    for (i, a) in source.iter().enumerate() {
        if figures.contains(&i) || words.contains(&i) {
            diff.missing.push(*a);
        }
    }
    small_counts_and_repetitions(source, &mut diff);
    diff
}

/// Leaves out what a translation writes at will: a small count (0, 1 or 2 in one digit or one
/// numeral: `1 行`, `0 で埋める`, `一页`, `半ページ` for `1/2 page`) missing or extra alone,
/// and a figure the translation repeats (`3 行を超えて…3 行に収める`, a date given twice). A
/// small count that another number of the other side can pair with is kept: it changed.
fn small_counts_and_repetitions(source: &[Number], diff: &mut NumberDiff) {
    let small = |n: &Number| {
        n.kind == NumberKind::Plain && matches!(n.value, 0.0 | 1.0 | 2.0) && n.end - n.start <= 3
    };
    let (m, e) = (diff.missing.len(), diff.extra.len());
    if m > e {
        let mut spare = m - e;
        diff.missing.retain(|n| {
            let drop = spare > 0 && small(n);
            spare -= drop as usize;
            !drop
        });
    } else if e > m {
        let mut spare = e - m;
        diff.extra.retain(|n| {
            let drop = spare > 0 && small(n);
            spare -= drop as usize;
            !drop
        });
    }
    let (m, e) = (diff.missing.len(), diff.extra.len());
    if e > m {
        let mut spare = e - m;
        diff.extra.retain(|x| {
            let repeated = spare > 0
                && source.iter().any(|n| match (n.kind, x.kind) {
                    (NumberKind::Date { .. }, NumberKind::Date { .. }) => n.kind == x.kind,
                    (NumberKind::Percent | NumberKind::Date { .. }, _)
                    | (_, NumberKind::Percent | NumberKind::Date { .. }) => false,
                    _ => n.value.abs() == x.value.abs(),
                });
            spare -= repeated as usize;
            !repeated
        });
    }
}

/// Whether figure `b` can be how a translation wrote the number word `word`: a quantity or an
/// ordinal (`six` → `5つ`, `first` → `第2`, `third` → `3度目`), never a percentage or a date.
fn word_rendering(word: &Number, b: &Number) -> bool {
    let countable = |k: NumberKind| matches!(k, NumberKind::Plain | NumberKind::Ordinal);
    countable(word.kind) && countable(b.kind)
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn equivalent(a: &Number, b: &Number, pass: u8) -> bool {
    use NumberKind::Date;
    match (a.kind, b.kind) {
        (Date { month: m1, day: d1 }, Date { month: m2, day: d2 }) => {
            if pass == 0 {
                m1 == m2 && d1 == d2
            } else {
                (m1 == m2 || m1 == 0 || m2 == 0) && (d1 == d2 || d1 == 0 || d2 == 0)
            }
        }
        (Date { .. }, _) | (_, Date { .. }) => pass >= 1 && approx(a.value, b.value),
        (ka, kb) => match pass {
            0 => ka == kb && approx(a.value, b.value),
            1 => approx(a.value, b.value),
            _ => approx(a.value.abs(), b.value.abs()),
        },
    }
}
