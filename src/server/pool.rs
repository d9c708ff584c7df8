//! The threads that own the memory's connections: a pool of readers (read-only connections, each
//! read transaction a consistent snapshot of the last commit, while the writer goes on, as WAL
//! allows) and one writer. Request handlers send them closures and await the answer, so that no
//! SQLite call ever blocks the async runtime.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::error::Result;
use crate::matching::termbase::Termbase;
use crate::model::Lang;
use crate::ops::lookup::{Lookup, LookupConfig, SharedSources};
use crate::store::{SharedLists, Store};

/// What a reader thread keeps between requests: its connection, a lookup session (its per-unit
/// arrays; the sources scored while nobody changed the memory's texts and the bucket lists, both
/// shared by every reader, the lists brought up to date after a commit), and the compiled
/// termbase of the last source language asked for.
pub struct Reader<'s> {
    pub store: &'s Store,
    lists: Arc<SharedLists>,
    sources: Arc<SharedSources>,
    lookup: Option<Lookup<'s>>,
    termbase: Option<(Lang, i64, Rc<Termbase>)>,
}

impl<'s> Reader<'s> {
    /// The lookup session, renewed for `config` on a fresh snapshot. Call
    /// [`Reader::end_snapshot`] when done, so that the writer's log can be checkpointed.
    pub fn lookup(&mut self, config: LookupConfig) -> Result<&mut Lookup<'s>> {
        match &mut self.lookup {
            Some(l) => l.renew(config)?,
            None => {
                self.lookup = Some(
                    Lookup::sharing(self.store, config, self.lists.clone())?
                        .sharing_sources(self.sources.clone()),
                )
            }
        }
        Ok(self.lookup.as_mut().expect("the session was just set"))
    }

    /// Ends the snapshot of the lookup session (its caches stay).
    pub fn end_snapshot(&mut self) {
        if let Some(l) = &mut self.lookup {
            l.end_snapshot();
        }
    }

    /// The memory's termbase for source language `from`, compiled once per change of the memory.
    pub fn termbase(&mut self, from: &Lang) -> Result<Rc<Termbase>> {
        let version = self.store.data_version()?;
        if let Some((l, v, t)) = &self.termbase
            && l == from
            && *v == version
        {
            return Ok(t.clone());
        }
        let t = Rc::new(crate::ops::glossary::termbase(
            std::slice::from_ref(self.store),
            &[],
            from,
        )?);
        self.termbase = Some((from.clone(), version, t.clone()));
        Ok(t)
    }
}

type ReadJob = Box<dyn for<'s> FnOnce(&mut Reader<'s>) + Send>;
type WriteJob = Box<dyn FnOnce(&mut Store) + Send>;

/// Why a job got no answer.
#[derive(Debug)]
pub enum PoolError {
    /// Every reader is busy and the queue is full, or the threads are gone (shutting down).
    Busy,
    /// The memory cannot be written (`--read-only`).
    ReadOnly,
    Failed(crate::Error),
}

impl From<crate::Error> for PoolError {
    fn from(e: crate::Error) -> Self {
        PoolError::Failed(e)
    }
}

/// The reader threads and the writer thread.
pub struct Pool {
    read: mpsc::SyncSender<ReadJob>,
    write: Option<mpsc::Sender<WriteJob>>,
    /// The memory the pool works on.
    pub path: PathBuf,
}

/// How much lower the writer thread's scheduling priority is than the readers' (a `nice` step).
///
/// On a busy machine an import makes way for lookups: measured on the serve bench (2 cores, 32
/// clients, 1M units, 100,000 units imported), with the writer at nice 10 the lookups answered
/// while the import ran went from 579 to 1,092 a second and their p99 from 244 to 88 ms; the import
/// took 27 s instead of 8, and the whole minute answered as many lookups.
pub const WRITER_NICE: i32 = 10;

/// Lowers the calling thread's scheduling priority by [`WRITER_NICE`] (on Linux, where a thread
/// has a priority of its own; elsewhere nothing). The threads it starts (an import's parser and
/// tokenizer) inherit it. A failure leaves the priority as it was: it changes no result.
fn make_way_for_readers() {
    #[cfg(target_os = "linux")]
    {
        let me = rustix::thread::gettid();
        let now = rustix::process::getpriority_process(Some(me)).unwrap_or(0);
        let _ = rustix::process::setpriority_process(Some(me), (now + WRITER_NICE).min(19));
    }
}

/// How many read jobs may wait for a reader before requests are refused as busy.
const QUEUE: usize = 4096;

impl Pool {
    /// Opens `readers` read-only connections (and the writer, unless `read_only`) on `path`.
    pub fn start(path: &Path, readers: usize, read_only: bool) -> Result<Pool> {
        let write = if read_only {
            None
        } else {
            let mut store = Store::open(path)?;
            // Built once here, not by the first request that needs it.
            if !store.index_ready()? {
                crate::ops::lookup::rebuild_index(&mut store, &|_, _| {})?;
            }
            let (tx, rx) = mpsc::channel::<WriteJob>();
            // The server takes no request before the writer has lowered its priority: whatever
            // it writes, from the first job on, makes way for the lookups.
            let (ready, started) = mpsc::sync_channel::<()>(1);
            std::thread::Builder::new()
                .name("tmkit-writer".into())
                .spawn(move || {
                    make_way_for_readers();
                    let _ = ready.send(());
                    while let Ok(job) = rx.recv() {
                        job(&mut store);
                    }
                })
                .map_err(|e| crate::Error::io(path, e))?;
            // An error here means the thread ended before starting: its jobs fail as they come.
            let _ = started.recv();
            Some(tx)
        };
        let (tx, rx) = mpsc::sync_channel::<ReadJob>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let lists = SharedLists::new();
        let sources = SharedSources::new();
        for i in 0..readers.max(1) {
            let store = if read_only {
                Store::open_existing(path)?
            } else {
                Store::open_reader(path)?
            };
            if read_only && !store.index_ready()? {
                return Err(crate::ErrorKind::Invalid {
                    what: "memory",
                    value: path.display().to_string(),
                    reason: "its lookup index must be built once: run `tmkit lookup` on it, or \
                             serve it without --read-only"
                        .to_string(),
                }
                .into());
            }
            let rx = rx.clone();
            let lists = lists.clone();
            let sources = sources.clone();
            std::thread::Builder::new()
                .name(format!("tmkit-reader-{i}"))
                .spawn(move || {
                    let mut reader = Reader {
                        store: &store,
                        lists,
                        sources,
                        lookup: None,
                        termbase: None,
                    };
                    loop {
                        let job = {
                            let Ok(rx) = rx.lock() else { return };
                            match rx.recv() {
                                Ok(job) => job,
                                Err(_) => return,
                            }
                        };
                        job(&mut reader);
                        reader.end_snapshot();
                    }
                })
                .map_err(|e| crate::Error::io(path, e))?;
        }
        Ok(Pool {
            read: tx,
            write,
            path: path.to_path_buf(),
        })
    }

    /// Whether the memory may be written through this pool.
    pub fn writable(&self) -> bool {
        self.write.is_some()
    }

    /// Runs `f` on a reader thread.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl for<'s> FnOnce(&mut Reader<'s>) -> Result<T> + Send + 'static,
    ) -> std::result::Result<T, PoolError> {
        let (tx, rx) = oneshot::channel();
        self.read
            .try_send(Box::new(move |r: &mut Reader<'_>| {
                let _ = tx.send(f(r));
            }))
            .map_err(|_| PoolError::Busy)?;
        Ok(rx.await.map_err(|_| PoolError::Busy)??)
    }

    /// Runs `f` on the writer thread.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> std::result::Result<T, PoolError> {
        let Some(write) = &self.write else {
            return Err(PoolError::ReadOnly);
        };
        let (tx, rx) = oneshot::channel();
        write
            .send(Box::new(move |s: &mut Store| {
                let _ = tx.send(f(s));
            }))
            .map_err(|_| PoolError::Busy)?;
        Ok(rx.await.map_err(|_| PoolError::Busy)??)
    }
}
