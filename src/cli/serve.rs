//! `tmkit serve`: the memory over HTTP for a team (see `tmkit::server`).

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Args as ClapArgs;
use tmkit::server::{Limits, ServeConfig};

use super::{Ctx, EXIT_OK};

/// Serve the memory over HTTP: JSON API, tmserver API, search page.
///
/// A JSON API under /api/v1, the tmserver/amaGama API under /tmserver, a search page at /, and
/// /healthz.
///
/// Requests need `Authorization: Bearer TOKEN` once the memory has a token (`tmkit token add`);
/// without any, the server listens only on a loopback address unless --no-auth is given. One log
/// line per request (JSON) goes to standard error. SIGTERM or Ctrl-C stops it: requests in flight
/// get --grace seconds to finish; an import either commits or leaves the memory as it was.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The address to listen on (port 0: any free port, printed on standard error).
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Refuse every change to the memory (add, import, glossary changes).
    #[arg(long)]
    pub read_only: bool,
    /// Serve without tokens, even on an address other machines can reach.
    #[arg(long)]
    pub no_auth: bool,
    /// Threads answering reads (lookups, searches, exports).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=256),
          value_name = "N")]
    pub readers: u64,
    /// Seconds that requests in flight get to finish after SIGTERM.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub grace: u64,
    /// The largest JSON request body, in bytes.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES", help_heading = "Limits")]
    pub max_body: u64,
    /// The largest uploaded file (import, check, glossary import), in bytes.
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES", help_heading = "Limits")]
    pub max_upload: u64,
    /// The largest request head (request line and headers), in bytes.
    #[arg(long, default_value_t = 16 << 10, value_name = "BYTES", help_heading = "Limits")]
    pub max_header: u64,
    /// Seconds a client may take to send the request head, or pause while sending a body.
    #[arg(
        long,
        default_value_t = 10,
        value_name = "SECONDS",
        help_heading = "Limits"
    )]
    pub client_timeout: u64,
    /// Uploads received at once (more are refused with 503).
    #[arg(long, default_value_t = 2, value_name = "N", help_heading = "Limits")]
    pub max_uploads: u64,
}

pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<i32> {
    if args.no_auth && !args.listen.ip().is_loopback() {
        eprintln!(
            "tmkit: warning: --no-auth on {}: anyone who can reach it can read{} the memory",
            args.listen,
            if args.read_only { "" } else { " and change" }
        );
    }
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let config = ServeConfig {
        db: ctx.db.clone(),
        listen: args.listen,
        read_only: args.read_only,
        no_auth: args.no_auth,
        readers: size(args.readers),
        limits: Limits {
            max_body: size(args.max_body),
            max_upload: args.max_upload,
            max_header: size(args.max_header),
            header_timeout: Duration::from_secs(args.client_timeout.max(1)),
            body_timeout: Duration::from_secs(args.client_timeout.max(1)),
            uploads: size(args.max_uploads.max(1)),
        },
        grace: Duration::from_secs(args.grace),
    };
    let log: tmkit::server::Log = Arc::new(|line: &str| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    });
    let db = ctx.db.display().to_string();
    tmkit::server::serve(config, log, |addr| {
        let line = serde_json::json!({ "event": "listening", "addr": addr.to_string(), "db": db });
        eprintln!("{line}");
    })?;
    Ok(EXIT_OK)
}
