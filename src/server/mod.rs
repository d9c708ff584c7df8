//! `tmkit serve`: one memory for a team over HTTP. A JSON API under `/api/v1` that returns the
//! objects of the command line's `--format json`, the tmserver/amaGama API, a search page, tokens
//! with roles, limits on what a client may send, and a graceful shutdown.
//!
//! A workflow layer above `ops`: handlers parse a request, call `ops` on a reader or the writer
//! thread (see `pool`), and render JSON; they never touch SQL. The library never prints: the
//! request log goes through the caller's [`Log`].

mod api;
mod http;
mod page;
mod pool;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::{ErrorKind, Result};

pub use pool::Pool;

/// Where the request log goes: one line per request.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// What a client may send.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest JSON request body, in bytes.
    pub max_body: usize,
    /// The largest uploaded file (import, check, glossary import), in bytes.
    pub max_upload: u64,
    /// The largest request head (request line and headers), in bytes.
    pub max_header: usize,
    /// How long a client may take to send the request head.
    pub header_timeout: Duration,
    /// How long a client may pause while sending a body.
    pub body_timeout: Duration,
    /// How many uploads may be received at once.
    pub uploads: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 1 << 20,
            max_upload: 1 << 30,
            max_header: 16 << 10,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            uploads: 2,
        }
    }
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The memory to serve.
    pub db: PathBuf,
    /// The address and port to listen on.
    pub listen: SocketAddr,
    /// Refuse every change to the memory.
    pub read_only: bool,
    /// Serve without tokens, whatever the address.
    pub no_auth: bool,
    /// Reader threads.
    pub readers: usize,
    /// What a client may send.
    pub limits: Limits,
    /// How long requests in flight may take to finish after SIGTERM.
    pub grace: Duration,
}

/// Shared by every request.
pub(crate) struct State {
    pub pool: Pool,
    pub limits: Limits,
    pub auth: http::Auth,
    pub shutting_down: AtomicBool,
    pub uploads_sem: Arc<tokio::sync::Semaphore>,
    pub spool: tempfile::TempDir,
    pub log: Log,
}

/// Serves until SIGTERM or SIGINT; `ready` is told the address it listens on (port 0 picks a
/// free one) once it accepts connections.
pub fn serve(config: ServeConfig, log: Log, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        .thread_name("tmkit-http")
        .build()
        .map_err(|e| listen_error(&config.listen, &e))?;
    runtime.block_on(run(config, log, ready))
}

fn listen_error(addr: &SocketAddr, e: &std::io::Error) -> crate::Error {
    ErrorKind::Invalid {
        what: "listen address",
        value: addr.to_string(),
        reason: crate::error::io_cause(e),
    }
    .into()
}

async fn run(config: ServeConfig, log: Log, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let pool = Pool::start(&config.db, config.readers, config.read_only)?;
    let auth = http::Auth::open(&config.db, config.no_auth, config.listen.ip().is_loopback())?;
    if !config.no_auth && !config.listen.ip().is_loopback() && !auth.has_tokens()? {
        return Err(ErrorKind::Invalid {
            what: "listen address",
            value: config.listen.to_string(),
            reason: "the memory has no token, so anyone who can reach the address could change \
                     it: add one (`tmkit token add NAME --role admin`), listen on 127.0.0.1, or \
                     give --no-auth"
                .to_string(),
        }
        .into());
    }
    let spool = tempfile::Builder::new()
        .prefix("tmkit-serve-")
        .tempdir()
        .map_err(|e| crate::Error::io(std::env::temp_dir(), e))?;
    let state = Arc::new(State {
        pool,
        uploads_sem: Arc::new(tokio::sync::Semaphore::new(config.limits.uploads.max(1))),
        limits: config.limits.clone(),
        auth,
        shutting_down: AtomicBool::new(false),
        spool,
        log,
    });
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| listen_error(&config.listen, &e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| listen_error(&config.listen, &e))?;
    let app = api::router(state.clone());
    ready(addr);
    let mut stop = Box::pin(shutdown_signal());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(config.limits.header_timeout)
        .max_buf_size(config.limits.max_header.max(8192))
        .keep_alive(true);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let io = hyper_util::rt::TokioIo::new(stream);
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let conn = builder.serve_connection(io, service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = &mut stop => break,
        }
    }
    state.shutting_down.store(true, Ordering::SeqCst);
    drop(listener);
    (state.log)(&format!(
        "{{\"event\":\"shutdown\",\"grace_s\":{}}}",
        config.grace.as_secs_f64()
    ));
    // Requests in flight finish (an import commits) within the grace period; whatever is still
    // running after it ends with the process, and SQLite rolls back a transaction that did not
    // commit.
    let _ = tokio::time::timeout(config.grace, graceful.shutdown()).await;
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
