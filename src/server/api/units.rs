//! Writing and reading whole memories: `/api/v1/units` (one unit), `/api/v1/import` (a
//! streamed upload) and `/api/v1/export` (a streamed TMX download).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, RawQuery, State as AxState};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiResult, require_langs, too_long};
use crate::model::{Extra, Lang, Note, Prop, TranslationUnit, Variant};
use crate::ops::export::{ExportConfig, parse_date};
use crate::ops::import::{self as import_ops, ImportConfig, OnDuplicate};
use crate::server::State;
use crate::server::http::{ApiError, Caller, Params, json_body, parse_lang, plain_name, spool};
use crate::store::UnitFilter;

fn on_duplicate(value: Option<&str>) -> ApiResult<OnDuplicate> {
    match value {
        None | Some("keep") => Ok(OnDuplicate::Keep),
        Some("overwrite") => Ok(OnDuplicate::Overwrite),
        Some("skip") => Ok(OnDuplicate::Skip),
        Some(v) => Err(ApiError::bad(format!(
            "on_duplicate: invalid value {v:?}: expected keep, overwrite or skip"
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewVariant {
    lang: String,
    text: String,
}

/// `POST /api/v1/units`: what `tmkit add` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUnit {
    variants: Vec<NewVariant>,
    source: Option<String>,
    tuid: Option<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    props: BTreeMap<String, String>,
    on_duplicate: Option<String>,
}

pub(super) async fn units_post(
    AxState(state): AxState<Arc<State>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let new: NewUnit = json_body(&state, &headers, body).await?;
    let mut unit = TranslationUnit::default();
    for v in &new.variants {
        let lang = parse_lang("lang", &v.lang)?;
        if unit.variants.iter().any(|x| x.lang == lang) {
            return Err(ApiError::bad(format!("lang {lang} is given twice")));
        }
        too_long("text", &v.text)?;
        unit.variants.push(Variant::new(lang, v.text.clone()));
    }
    if unit.variants.len() < 2 {
        return Err(ApiError::bad(
            "a unit needs at least two languages: give two variants or more",
        ));
    }
    unit.source = Some(match &new.source {
        Some(s) => {
            let l = parse_lang("source", s)?;
            if !unit.variants.iter().any(|v| v.lang == l) {
                return Err(ApiError::bad(format!(
                    "source {l} is not one of the variants' languages"
                )));
            }
            l
        }
        None => unit.variants[0].lang.clone(),
    });
    unit.tuid = new.tuid.clone();
    let now = crate::formats::tmx::date_now();
    unit.admin.creation_date = Some(now.clone());
    unit.admin.change_date = Some(now);
    if caller.name != "-" {
        unit.admin.creation_id = Some(caller.name.clone());
        unit.admin.change_id = Some(caller.name.clone());
    }
    for (kind, value) in &new.props {
        unit.extras.push(Extra::Prop(Prop {
            kind: kind.clone(),
            lang: None,
            encoding: None,
            value: value.clone(),
        }));
    }
    for n in &new.notes {
        unit.extras.push(Extra::Note(Note {
            lang: None,
            encoding: None,
            text: n.clone(),
        }));
    }
    let mode = on_duplicate(new.on_duplicate.as_deref())?;
    let outcome = state
        .pool
        .write(move |store| import_ops::add_unit(store, &unit, mode))
        .await?;
    Ok(Json(serde_json::json!({ "outcome": outcome })).into_response())
}

/// `POST /api/v1/import?name=FILE.tmx`: the file as the body; the summary of `tmkit import
/// --format json`. The file is received whole before the import starts, and the import is one
/// transaction: a body that breaks off, or a file that is not well-formed, leaves the memory as
/// it was.
pub(super) async fn import_post(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    if !state.pool.writable() {
        return Err(super::super::pool::PoolError::ReadOnly.into());
    }
    let p = Params::parse(
        raw.as_deref(),
        &[
            "name",
            "format",
            "on_duplicate",
            "strict",
            "lang_map",
            "xliff_states",
            "max_problems",
        ],
    )?;
    let default = match p.get("format") {
        None | Some("tmx") => "upload.tmx",
        Some("xliff") => "upload.xlf",
        Some(other) => {
            return Err(ApiError::bad(format!(
                "format: invalid value {other:?}: expected tmx or xliff"
            )));
        }
    };
    let name = plain_name("name", p.get("name").unwrap_or(default))?;
    let mut lang_map = Vec::new();
    if let Some(list) = p.get("lang_map") {
        for pair in list.split(',').filter(|s| !s.trim().is_empty()) {
            let (a, b) = pair.split_once('=').ok_or_else(|| {
                ApiError::bad(format!(
                    "lang_map {pair:?}: expected FROM=TO, e.g. zh=zh-CN"
                ))
            })?;
            let from = Lang::parse(a).map_err(|e| ApiError::bad(format!("lang_map: {e}")))?;
            lang_map.push((from, parse_lang("lang_map", b)?));
        }
    }
    let xliff_policy = match p.get("xliff_states") {
        Some(list) => crate::formats::xliff::ImportPolicy::with_states(list)
            .map_err(|e| ApiError::bad(format!("xliff_states: {e}")))?,
        None => Default::default(),
    };
    let mode = on_duplicate(p.get("on_duplicate"))?;
    let strict = p.flag("strict")?;
    let max_problems = p.number("max_problems", 10usize, 0, 10_000)?;
    let upload = spool(&state, &headers, body, &name).await?;
    let config = ImportConfig {
        files: vec![upload.path.clone()],
        on_duplicate: mode,
        strict,
        lang_map,
        max_problems_listed: max_problems,
        xliff_policy,
        names: vec![upload.name.clone()],
        // The readers go on answering from the log while the import runs.
        bulk: false,
    };
    let shown = upload.name.clone();
    let spooled = upload.path.display().to_string();
    let mut report = state
        .pool
        .write(move |store| {
            let _keep = &upload;
            import_ops::import(store, &config, &import_ops::NoProgress)
        })
        .await
        .map_err(|e| {
            let mut e = ApiError::from(e);
            e.message = e.message.replace(&spooled, &shown);
            e
        })?;
    for f in &mut report.files {
        f.path = shown.clone();
        for p in &mut f.problems {
            p.location.path = shown.clone();
        }
    }
    Ok(Json(report).into_response())
}

// ---- export ----

/// Sends what the export writes to the response body in chunks; a client that goes away stops
/// the export.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<std::io::Result<axum::body::Bytes>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 1 << 16 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = axum::body::Bytes::from(std::mem::take(&mut self.buf));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

pub(super) async fn export_get(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = Params::parse(
        raw.as_deref(),
        &[
            "langs",
            "srclang",
            "origin",
            "changed_since",
            "changed_before",
        ],
    )?;
    let date = |key: &str| -> ApiResult<Option<String>> {
        p.get(key)
            .map(|d| parse_date(d).map_err(|e| ApiError::bad(format!("{key}: {e}"))))
            .transpose()
    };
    let config = ExportConfig {
        langs: p.langs("langs", &[])?,
        srclang: p
            .get("srclang")
            .map(|s| parse_lang("srclang", s))
            .transpose()?,
        filter: UnitFilter {
            origin: p.get("origin").map(str::to_string),
            changed_since: date("changed_since")?,
            changed_before: date("changed_before")?,
        },
    };
    // Refused before the first byte is sent: a bad language is a 400, not a broken download.
    let check = config.clone();
    state
        .pool
        .read(move |r| {
            Ok((|| -> ApiResult<()> {
                require_langs(r.store, "langs", &check.langs)?;
                require_langs(r.store, "srclang", check.srclang.as_slice())?;
                Ok(())
            })())
        })
        .await??;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<std::io::Result<axum::body::Bytes>>(8);
    let err_tx = tx.clone();
    let pool = state.clone();
    tokio::spawn(async move {
        let result = pool
            .pool
            .read(move |r| {
                let mut w = ChunkWriter {
                    tx,
                    buf: Vec::new(),
                };
                crate::ops::export::export(r.store, &config, &mut w)?;
                std::io::Write::flush(&mut w).map_err(crate::ErrorKind::Write)?;
                Ok(())
            })
            .await;
        if result.is_err() {
            let _ = err_tx
                .send(Err(std::io::Error::other("the export failed")))
                .await;
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut response = Body::from_stream(stream).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-tmx+xml; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"memory.tmx\""),
    );
    Ok(response)
}
