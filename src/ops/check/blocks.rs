//! Checking the memory in blocks of units: this thread and up to three more, each through its
//! own connection held in one snapshot, with the findings handed on in block order.

use std::ops::Range;
use std::sync::mpsc;

use super::consistency::{Consistency, Seen, seen_pair};
use super::pairs::{memory_pairs, memory_tags};
use super::{CheckConfig, CheckInput, CheckSummary, PairChecks, Reported, pair_reports, wanted};
use crate::error::Result;
use crate::model::{FindingKind, Severity};
use crate::store::{Snapshot, Store};

/// Unit ids in a block of the memory, the piece of work a thread checks at a time: big enough
/// that handing blocks over costs nothing, small enough that the findings of the blocks in flight
/// stay few.
pub(super) const BLOCK: i64 = 4096;

/// Below this many units a memory is checked on one thread: opening more connections would cost
/// more than it saves.
const PARALLEL_FROM: i64 = 50_000;

/// Connections for the threads that help check a large memory: one less than the cores (the
/// calling thread is one), at most three. None when the memory is small, when there is one core,
/// or when the file cannot be opened again (a memory in a read-only folder with unsaved changes in
/// its log): then the calling thread checks every block itself.
///
/// Each is held in one read transaction for the whole check (a [`Snapshot`]), and a block of units
/// is always read by the same thread: the readings of a block agree even while an import goes on.
pub(super) fn helper_readers(store: &Store) -> Result<Vec<Snapshot>> {
    let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) - 1;
    if helpers == 0 || store.max_unit_id()? < PARALLEL_FROM {
        return Ok(Vec::new());
    }
    let readers: Result<Vec<Snapshot>> = (0..helpers)
        .map(|_| Store::open_reader(store.path()).and_then(Store::snapshot))
        .collect();
    Ok(readers.unwrap_or_default())
}

/// The ids of block `k` of `blocks` of `size` ids (the first and last are open-ended, so that every unit is in
/// one).
fn block_ids(k: usize, blocks: usize, size: i64) -> Range<i64> {
    let start = if k == 0 { i64::MIN } else { k as i64 * size };
    let end = if k + 1 == blocks {
        i64::MAX
    } else {
        (k as i64 + 1) * size
    };
    start..end
}

/// Runs `work` on each block of the memory, on this thread (through `store`) and on one thread per
/// reader, each with its state from `states` (this thread's first), and hands each block's result
/// to `take` in block order. Blocks go round the threads in turn, and a thread is at most two
/// blocks ahead of the one taking the results, so memory stays flat.
fn in_blocks<S: Send, T: Send>(
    store: &Store,
    readers: &mut [Snapshot],
    mut states: Vec<S>,
    blocks: usize,
    work: impl Fn(&mut S, &Store, usize) -> Result<T> + Sync,
    take: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    let threads = readers.len() + 1;
    let mut mine = states.remove(0);
    std::thread::scope(|scope| {
        let work = &work;
        let mut results: Vec<mpsc::Receiver<Result<T>>> = Vec::with_capacity(readers.len());
        for (n, (reader, mut state)) in readers.iter_mut().zip(states).enumerate() {
            let (tx, rx) = mpsc::sync_channel(2);
            results.push(rx);
            scope.spawn(move || {
                for k in (n + 1..blocks).step_by(threads) {
                    let r = work(&mut state, reader, k);
                    let failed = r.is_err();
                    // The taker stops listening when it fails: then this thread stops too.
                    if tx.send(r).is_err() || failed {
                        break;
                    }
                }
            });
        }
        for k in 0..blocks {
            let r = match k % threads {
                0 => work(&mut mine, store, k),
                t => results[t - 1].recv().unwrap_or_else(|_| {
                    Err(crate::ErrorKind::Memory {
                        path: store.path().display().to_string(),
                        cause: "a thread checking it stopped".to_string(),
                    }
                    .into())
                }),
            };
            take(r?)?;
        }
        Ok(())
    })
}

/// The findings of a block of the memory, with what was counted.
#[derive(Default)]
struct Batch {
    units: u64,
    pairs: u64,
    findings: u64,
    reports: Vec<Reported>,
}

/// [`check_each`](super::check_each) over the memory, in blocks of units checked by this thread
/// and one more per reader (none for a small memory), each through its own connection; the
/// findings come out in the same order whatever the number of threads.
pub(super) fn check_memory_in_blocks(
    store: &Store,
    readers: &mut [Snapshot],
    block: i64,
    config: &CheckConfig,
    checks: &PairChecks<'_>,
    emit: &mut dyn FnMut(Reported) -> Result<()>,
) -> Result<CheckSummary> {
    let _session = store.read_session()?;
    let tags = memory_tags(store, config)?;
    let blocks = (store.max_unit_id()?.max(0) / block + 1) as usize;
    let threads = readers.len() + 1;
    // The consistency check's first reading, in blocks: each pair's hashes, and where each
    // block's pairs with a translation start among them.
    let mut starts: Vec<usize> = Vec::with_capacity(blocks);
    let consistency = if wanted(config, FindingKind::Inconsistent, Severity::Warning) {
        // Two targets a unit is the common case.
        // (Reserved, not touched: a memory whose ids jumped far is not a problem.)
        let mut seen: Vec<Seen> = Vec::with_capacity((blocks * block as usize * 2).min(1 << 25));
        in_blocks(
            store,
            readers,
            vec![(); threads],
            blocks,
            |_, reader, k| {
                let mut pairs = Vec::new();
                let mut last_source = (None, 0);
                memory_pairs(reader, &tags, block_ids(k, blocks, block), &mut |p| {
                    // Languages are numbered by their place among the memory's.
                    let lang = tags.iter().position(|t| t.1 == *p.lang).unwrap_or(0) as u32;
                    pairs.extend(seen_pair(p, lang, &mut last_source));
                    Ok(())
                })?;
                Ok(pairs)
            },
            &mut |pairs: Vec<Seen>| {
                starts.push(seen.len());
                seen.extend(pairs);
                Ok(())
            },
        )?;
        Consistency::complete(seen, Some(store), &CheckInput::Memory, config)?
    } else {
        None
    };
    let consistency = consistency.as_ref();
    let mut summary = CheckSummary::default();
    let states: Vec<PairChecks<'_>> = (0..threads).map(|_| checks.clone()).collect();
    in_blocks(
        store,
        readers,
        states,
        blocks,
        |checks, reader, k| {
            let mut batch = Batch::default();
            let mut buf = Vec::new();
            let mut i = starts.get(k).copied().unwrap_or(0);
            batch.units = memory_pairs(reader, &tags, block_ids(k, blocks, block), &mut |p| {
                batch.pairs += 1;
                batch.findings +=
                    pair_reports(p, checks, config, consistency, &mut i, &mut buf, &mut |r| {
                        batch.reports.push(r);
                        Ok(())
                    })?;
                Ok(())
            })?;
            Ok(batch)
        },
        &mut |batch: Batch| {
            summary.units += batch.units;
            summary.pairs += batch.pairs;
            summary.findings += batch.findings;
            batch.reports.into_iter().try_for_each(&mut *emit)
        },
    )?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::tmx;
    use crate::matching::termbase::Termbase;
    use crate::model::{Lang, TranslationUnit};
    use crate::ops::check::check_each;

    /// `n` units in three languages with every kind of problem now and then: numbers changed,
    /// translations missing, the same source translated two ways in units far apart.
    fn units(n: usize) -> Vec<TranslationUnit> {
        use crate::model::Variant;
        let lang = |t: &str| Lang::parse(t).unwrap();
        (0..n)
            .map(|i| {
                let source = format!("The forum met {} times in {}.", i % 40, 2000 + i % 8);
                let zh = match i % 7 {
                    0 => format!("论坛举行了{}次会议。", i % 40 + 1),
                    3 => String::new(),
                    _ => format!("论坛在{}年举行了{}次会议。", 2000 + i % 8, i % 40),
                };
                let ja = if i % 11 == 5 {
                    format!("フォーラムは{}回開かれた", i % 40)
                } else {
                    format!("フォーラムは{}年に{}回開かれた。", 2000 + i % 8, i % 40)
                };
                TranslationUnit {
                    tuid: Some(format!("u{i}")),
                    variants: vec![
                        Variant::new(lang("en"), source),
                        Variant::new(lang("zh-CN"), zh),
                        Variant::new(lang("ja-JP"), ja),
                    ],
                    ..Default::default()
                }
            })
            .collect()
    }

    /// A memory of the `n` [`units`]: every kind of problem now and then.
    fn memory(path: &std::path::Path, n: usize) -> Store {
        let mut store = Store::open(path).unwrap();
        let mut w = store.writer().unwrap();
        for unit in units(n) {
            w.insert_unit(&unit, None).unwrap();
        }
        w.commit().unwrap();
        store
    }

    #[test]
    fn blocks_on_threads_report_what_a_file_of_the_same_units_reports() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let store = memory(&path, 300);
        // The same units as a TMX file, checked by the file's own reading (one pass, no blocks):
        // its unit numbers (places in the file) are the memory's ids.
        let tmx = dir.path().join("m.tmx");
        let options = tmx::WriterOptions {
            srclang: "en".to_string(),
            ..tmx::WriterOptions::default()
        };
        let mut w = tmx::Writer::new(std::fs::File::create(&tmx).unwrap(), &options).unwrap();
        for unit in units(300) {
            w.write_unit(&unit).unwrap();
        }
        w.finish().unwrap();
        let from = Lang::parse("en").unwrap();
        // "forum" is 论坛 in Chinese and フォーラム in Japanese; "times" is 会合 in Japanese,
        // which the translations never use.
        let entry = |terms: &[(&str, &str)]| crate::model::TermEntry {
            terms: terms
                .iter()
                .map(|(l, t)| crate::model::Term::new(Lang::parse(l).unwrap(), *t))
                .collect(),
            ..Default::default()
        };
        let termbase = Termbase::new(
            vec![
                entry(&[("en", "forum"), ("zh-CN", "论坛"), ("ja-JP", "フォーラム")]),
                entry(&[("en", "times"), ("ja-JP", "会合")]),
            ],
            &from,
        );
        let checks = PairChecks::new(Some(&termbase), &from);
        for kinds in [
            vec![],
            vec![FindingKind::Number],
            vec![FindingKind::Inconsistent],
            vec![FindingKind::Term],
        ] {
            let config = CheckConfig {
                from: from.clone(),
                langs: Vec::new(),
                kinds,
                min_severity: Severity::Warning,
            };
            let mut one = Vec::new();
            let summary_one = check_each(
                None,
                &CheckInput::Tmx(tmx.clone()),
                &config,
                &checks,
                &mut |r| {
                    one.push(serde_json::to_string(&r).unwrap());
                    Ok(())
                },
            )
            .unwrap();
            assert!(summary_one.findings > 0);
            for (helpers, block) in [(0, 7), (1, 7), (2, 13), (1, 1000), (0, BLOCK)] {
                let mut readers: Vec<Snapshot> = (0..helpers)
                    .map(|_| Store::open_reader(&path).unwrap().snapshot().unwrap())
                    .collect();
                let mut many = Vec::new();
                let summary_many = check_memory_in_blocks(
                    &store,
                    &mut readers,
                    block,
                    &config,
                    &checks,
                    &mut |r| {
                        many.push(serde_json::to_string(&r).unwrap());
                        Ok(())
                    },
                )
                .unwrap();
                assert_eq!(many, one, "{helpers} helpers, blocks of {block}");
                assert_eq!(
                    (
                        summary_many.units,
                        summary_many.pairs,
                        summary_many.findings
                    ),
                    (summary_one.units, summary_one.pairs, summary_one.findings)
                );
            }
        }
    }

    #[test]
    fn a_failing_output_stops_every_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let store = memory(&path, 200);
        let from = Lang::parse("en").unwrap();
        let checks = PairChecks::new(None, &from);
        let config = CheckConfig {
            from,
            langs: Vec::new(),
            kinds: Vec::new(),
            min_severity: Severity::Warning,
        };
        let mut readers = vec![Store::open_reader(&path).unwrap().snapshot().unwrap()];
        let mut taken = 0;
        let err = check_memory_in_blocks(&store, &mut readers, 5, &config, &checks, &mut |_| {
            taken += 1;
            if taken == 3 {
                Err(
                    crate::ErrorKind::Write(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
                        .into(),
                )
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(err.to_string().contains("pipe"), "{err}");
        assert_eq!(taken, 3);
    }

    #[test]
    fn a_snapshot_reads_the_memory_as_it_was_when_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        drop(memory(&path, 10));
        let snapshot = Store::open_reader(&path).unwrap().snapshot().unwrap();
        // Another connection adds units meanwhile.
        drop(memory(&path, 5));
        assert_eq!(snapshot.max_unit_id().unwrap(), 10);
        let mut units = 0;
        snapshot
            .for_each_unit_texts(|_, _, _| {
                units += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(units, 10);
        drop(snapshot);
        assert_eq!(
            Store::open_reader(&path).unwrap().max_unit_id().unwrap(),
            15
        );
    }
}
