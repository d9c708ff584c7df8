//! What every request goes through: the token check, the request log, JSON errors, and bodies
//! read within the limits (size, pauses, uploads at once).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::State;
use super::pool::PoolError;
use crate::error::{ErrorKind, Result};
use crate::model::Lang;
use crate::ops::token::{self, Role};
use crate::store::Store;

/// An error answered as `{"error": MESSAGE, "status": CODE}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message, "status": self.status.as_u16() });
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> ApiError {
        let status = match e.kind() {
            ErrorKind::Io { .. }
            | ErrorKind::Memory { .. }
            | ErrorKind::DamagedUnit { .. }
            | ErrorKind::NotAMemory { .. }
            | ErrorKind::SchemaTooNew { .. }
            | ErrorKind::Sqlite(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::ReadOnly { .. } => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        let status = match e.kind() {
            ErrorKind::Sqlite(s)
                if s.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) =>
            {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => status,
        };
        ApiError::new(status, e.to_string())
    }
}

impl From<PoolError> for ApiError {
    fn from(e: PoolError) -> ApiError {
        match e {
            PoolError::Busy => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy or shutting down: try again",
            ),
            PoolError::ReadOnly => ApiError::new(
                StatusCode::FORBIDDEN,
                "the server is read-only (--read-only): it does not change the memory",
            ),
            PoolError::Failed(e) => e.into(),
        }
    }
}

/// Who sent a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
}

struct AuthInner {
    store: Store,
    version: i64,
    count: u64,
    known: HashMap<String, Option<(String, Role)>>,
}

/// Checks bearer tokens against the hashes in the memory; what it learns is kept until the memory
/// changes (a token added or removed with `tmkit token` counts from the next request on).
pub struct Auth {
    inner: Option<Mutex<AuthInner>>,
    /// Without tokens, requests are let in only on a loopback address.
    loopback: bool,
}

impl Auth {
    pub fn open(db: &Path, no_auth: bool, loopback: bool) -> Result<Auth> {
        if no_auth {
            return Ok(Auth {
                inner: None,
                loopback,
            });
        }
        let store = Store::open_existing(db)?;
        Ok(Auth {
            inner: Some(Mutex::new(AuthInner {
                store,
                version: -1,
                count: 0,
                known: HashMap::new(),
            })),
            loopback,
        })
    }

    pub fn has_tokens(&self) -> Result<bool> {
        match &self.inner {
            None => Ok(false),
            Some(m) => {
                let inner = m.lock().map_err(|_| poisoned())?;
                Ok(inner.store.token_count()? > 0)
            }
        }
    }

    /// Who holds the token of `headers`; 401 when there is none or it is unknown.
    pub fn check(&self, headers: &HeaderMap) -> std::result::Result<Caller, ApiError> {
        let Some(m) = &self.inner else {
            return Ok(anonymous());
        };
        let mut inner = m.lock().map_err(|_| ApiError::from(poisoned()))?;
        let version = inner.store.data_version()?;
        if version != inner.version {
            inner.count = inner.store.token_count()?;
            inner.known.clear();
            inner.version = version;
        }
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if inner.count == 0 && given.is_none() {
            if self.loopback {
                return Ok(anonymous());
            }
            return Err(unauthorized(
                "the memory has no token: add one with `tmkit token add`",
            ));
        }
        let Some(given) = given else {
            return Err(unauthorized(
                "this request needs a token: send `Authorization: Bearer TOKEN` (`tmkit token add` \
                 makes one)",
            ));
        };
        let Some(t) = given
            .strip_prefix("Bearer ")
            .or_else(|| given.strip_prefix("bearer "))
        else {
            return Err(unauthorized(
                "the Authorization header must be `Bearer TOKEN`",
            ));
        };
        let t = t.trim();
        let found = match inner.known.get(t) {
            Some(f) => f.clone(),
            None => {
                let f = token::verify(&inner.store, t)?;
                if inner.known.len() > 10_000 {
                    inner.known.clear();
                }
                inner.known.insert(t.to_string(), f.clone());
                f
            }
        };
        match found {
            Some((name, role)) => Ok(Caller { name, role }),
            None => Err(unauthorized("unknown token")),
        }
    }
}

fn anonymous() -> Caller {
    Caller {
        name: "-".to_string(),
        role: Role::Admin,
    }
}

fn poisoned() -> crate::Error {
    ErrorKind::Invalid {
        what: "server state",
        value: "auth".to_string(),
        reason: "a request failed while holding it".to_string(),
    }
    .into()
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, message)
}

/// The role a request needs, or `None` for what anyone may fetch (the page, `/healthz`).
fn required(method: &Method, path: &str) -> Option<Role> {
    if matches!(path, "/" | "/healthz" | "/page.js" | "/page.css") {
        return None;
    }
    let write = *method != Method::GET && *method != Method::HEAD;
    if path.starts_with("/api/v1/glossary") && write {
        return Some(Role::Admin);
    }
    if path.starts_with("/api/v1/tokens") {
        return Some(Role::Admin);
    }
    if write && (path == "/api/v1/units" || path == "/api/v1/import") {
        return Some(Role::Write);
    }
    Some(Role::Read)
}

/// The gate of every request: 503 while shutting down, the token and its role, then one log
/// line (a JSON object: time, method, path, status, duration, token name).
pub async fn gate(AxState(state): AxState<Arc<State>>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let mut who = "-".to_string();
    let response = if state.shutting_down.load(Ordering::SeqCst) {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down",
        )
        .into_response()
    } else {
        match required(&method, &path) {
            None => next.run(req).await,
            Some(need) => match state.auth.check(req.headers()) {
                Err(e) => e.into_response(),
                Ok(caller) => {
                    who = caller.name.clone();
                    if caller.role < need {
                        ApiError::new(
                            StatusCode::FORBIDDEN,
                            format!(
                                "token {:?} has the role {}; this needs {}",
                                caller.name,
                                caller.role.as_str(),
                                need.as_str()
                            ),
                        )
                        .into_response()
                    } else {
                        req.extensions_mut().insert(caller);
                        next.run(req).await
                    }
                }
            },
        }
    };
    let line = serde_json::json!({
        "time": crate::formats::tmx::date_now(),
        "method": method.as_str(),
        "path": path,
        "status": response.status().as_u16(),
        "ms": (start.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        "token": who,
    });
    (state.log)(&line.to_string());
    response
}

/// The query string's parameters, checked against the names an endpoint takes.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> std::result::Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::bad(format!("malformed query string: {e}")))?;
        for (k, _) in &pairs {
            if !allowed.contains(&k.as_str()) {
                return Err(ApiError::bad(format!(
                    "unknown parameter {k:?}: this endpoint takes {}",
                    allowed.join(", ")
                )));
            }
        }
        Ok(Params(pairs))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn lang(&self, key: &str, default: &str) -> std::result::Result<Lang, ApiError> {
        parse_lang(key, self.get(key).unwrap_or(default))
    }

    pub fn langs(&self, key: &str, default: &[&str]) -> std::result::Result<Vec<Lang>, ApiError> {
        match self.get(key) {
            Some(v) => split_langs(key, v),
            None => default.iter().map(|s| parse_lang(key, s)).collect(),
        }
    }

    pub fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
        &self,
        key: &str,
        default: T,
        lo: T,
        hi: T,
    ) -> std::result::Result<T, ApiError> {
        let Some(v) = self.get(key) else {
            return Ok(default);
        };
        match v.trim().parse::<T>() {
            Ok(n) if n >= lo && n <= hi => Ok(n),
            _ => Err(ApiError::bad(format!(
                "{key}: invalid value {v:?}: expected a number from {lo} to {hi}"
            ))),
        }
    }

    pub fn flag(&self, key: &str) -> std::result::Result<bool, ApiError> {
        match self.get(key) {
            None | Some("false" | "0" | "no") => Ok(false),
            Some("" | "true" | "1" | "yes") => Ok(true),
            Some(v) => Err(ApiError::bad(format!(
                "{key}: invalid value {v:?}: expected true or false"
            ))),
        }
    }
}

/// A language tag given in a request, refused as the command line refuses it.
pub fn parse_lang(key: &str, tag: &str) -> std::result::Result<Lang, ApiError> {
    Lang::parse_given(tag.trim()).map_err(|e| ApiError::bad(format!("{key}: {e}")))
}

/// A comma-separated list of language tags; empty items are left out.
pub fn split_langs(key: &str, list: &str) -> std::result::Result<Vec<Lang>, ApiError> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_lang(key, s))
        .collect()
}

/// The next chunk of a body, within the pause a client is allowed.
async fn next_chunk(
    stream: &mut (
             impl futures_util::Stream<Item = std::result::Result<axum::body::Bytes, axum::Error>>
             + Unpin
         ),
    state: &State,
) -> std::result::Result<Option<axum::body::Bytes>, ApiError> {
    match tokio::time::timeout(state.limits.body_timeout, stream.next()).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the client paused for more than {} s while sending the request",
                state.limits.body_timeout.as_secs()
            ),
        )),
        Ok(None) => Ok(None),
        Ok(Some(Err(e))) => Err(ApiError::bad(format!("the request body broke off: {e}"))),
        Ok(Some(Ok(b))) => Ok(Some(b)),
    }
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is over the limit of {limit} bytes"),
    )
}

/// A JSON body of at most `max_body` bytes.
pub async fn json_body<T: serde::de::DeserializeOwned>(
    state: &State,
    headers: &HeaderMap,
    body: Body,
) -> std::result::Result<T, ApiError> {
    let limit = state.limits.max_body;
    if let Some(n) = content_length(headers)
        && n > limit as u64
    {
        return Err(too_large(limit as u64));
    }
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = next_chunk(&mut stream, state).await? {
        if buf.len() + chunk.len() > limit {
            return Err(too_large(limit as u64));
        }
        buf.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&buf).map_err(|e| ApiError::bad(format!("malformed JSON: {e}")))
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// An uploaded file, spooled to the server's own temporary folder; removed when dropped.
pub struct Upload {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    /// The name the client gave (never a path).
    pub name: String,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// A file name given by a client: one plain name, never a path.
pub fn plain_name(key: &str, name: &str) -> std::result::Result<String, ApiError> {
    let bad = name.is_empty()
        || name.len() > 255
        || name == "."
        || name == ".."
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control);
    if bad {
        return Err(ApiError::bad(format!(
            "{key}: invalid value {name:?}: give a plain file name, not a path (the server reads \
             no file of its own: send the file as the request body)"
        )));
    }
    Ok(name.to_string())
}

/// Receives a body into a file named `name` (within the upload limit, the pause limit and the
/// number of uploads at once). A body that breaks off leaves nothing behind.
pub async fn spool(
    state: &Arc<State>,
    headers: &HeaderMap,
    body: Body,
    name: &str,
) -> std::result::Result<Upload, ApiError> {
    let permit = state.uploads_permit().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} uploads are being received already: try again when one is done",
                state.limits.uploads
            ),
        )
    })?;
    let limit = state.limits.max_upload;
    if let Some(n) = content_length(headers)
        && n > limit
    {
        return Err(too_large(limit));
    }
    let io = |e: std::io::Error| ApiError::from(crate::Error::io(state.spool.path(), e));
    let dir = tempfile::Builder::new()
        .prefix("upload-")
        .tempdir_in(state.spool.path())
        .map_err(io)?;
    let path = dir.path().join(name);
    let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
    let mut stream = body.into_data_stream();
    let mut total = 0u64;
    while let Some(chunk) = next_chunk(&mut stream, state).await? {
        total += chunk.len() as u64;
        if total > limit {
            return Err(too_large(limit));
        }
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    drop(file);
    Ok(Upload {
        _dir: dir,
        path,
        name: name.to_string(),
        _permit: permit,
    })
}

impl State {
    fn uploads_permit(self: &Arc<Self>) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.uploads_sem.clone().try_acquire_owned().ok()
    }
}
