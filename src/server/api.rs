//! The routes: `/api/v1/...` (the objects of `--format json`), `/tmserver/...` (translate-toolkit's
//! tmserver and amaGama), `/healthz` and the search page.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Extension, Path as AxPath, RawQuery, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::State;
use super::http::{
    ApiError, Caller, Params, json_body, parse_lang, plain_name, split_langs, spool,
};
use crate::model::{Extra, Lang, Note, Prop, TermEntry, TermStatus, TranslationUnit, Variant};
use crate::ops::check::{CheckConfig, CheckInput, PairChecks};
use crate::ops::concordance::{ConcordanceConfig, concordance};
use crate::ops::export::{ExportConfig, parse_date};
use crate::ops::glossary::{self as glossary_ops, ListedEntry, find_terms};
use crate::ops::import::{self as import_ops, ImportConfig, OnDuplicate};
use crate::ops::lookup::{LookupConfig, Query, QueryResult};
use crate::store::{Store, UnitFilter};

type ApiResult<T> = std::result::Result<T, ApiError>;

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(super::page::page))
        .route("/page.js", get(super::page::script))
        .route("/page.css", get(super::page::style))
        .route("/healthz", get(healthz))
        .route("/api/v1/lookup", get(lookup_one).post(lookup_batch))
        .route("/api/v1/concordance", get(concordance_get))
        .route("/api/v1/terms", get(terms_get))
        .route("/api/v1/stats", get(stats_get))
        .route("/api/v1/check", post(check_post))
        .route("/api/v1/units", post(units_post))
        .route("/api/v1/import", post(import_post))
        .route("/api/v1/export", get(export_get))
        .route("/api/v1/glossary", get(glossary_list))
        .route(
            "/api/v1/glossary/{name}",
            get(glossary_entries).post(glossary_add),
        )
        .route("/api/v1/glossary/{name}/import", post(glossary_import))
        .route("/api/v1/tokens", get(tokens_list).post(tokens_add))
        .route(
            "/api/v1/tokens/{name}",
            axum::routing::delete(tokens_remove),
        )
        .route("/tmserver/{slang}/{tlang}/unit/{*text}", get(tmserver_unit))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::http::gate,
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such endpoint: see the README for /api/v1/...",
    )
}

async fn wrong_method(method: axum::http::Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed here: see the README for the methods of each endpoint"),
    )
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Refuses a language the memory has no text in, as the command line does (`--to ko` on an
/// English-Chinese memory would otherwise answer "no match").
fn require_langs(store: &Store, key: &str, wanted: &[Lang]) -> ApiResult<()> {
    let mut have: Vec<Lang> = store.lang_tags()?.into_values().collect();
    if have.is_empty() {
        return Ok(());
    }
    have.sort();
    have.dedup();
    for w in wanted {
        if !have.iter().any(|h| w.matches(h) || h.matches(w)) {
            let list: Vec<&str> = have.iter().map(|l| l.as_str()).collect();
            return Err(ApiError::bad(format!(
                "{key} {w}: the memory has no text in {w}; it has {}",
                list.join(", ")
            )));
        }
    }
    Ok(())
}

fn too_long(key: &str, text: &str) -> ApiResult<()> {
    let max = crate::model::Limits::current().max_segment_bytes;
    if text.len() > max {
        return Err(ApiError::bad(format!(
            "{key}: the segment is {} bytes long, over the limit of {max} (--max-segment-bytes)",
            text.len()
        )));
    }
    Ok(())
}

// ---- lookup ----

fn run_lookup(
    state: &Arc<State>,
    config: LookupConfig,
    queries: Vec<Query>,
    check_to: bool,
) -> impl Future<Output = ApiResult<Vec<QueryResult>>> + Send + 'static {
    let state = state.clone();
    async move {
        let results = state
            .pool
            .read(move |r| {
                Ok((|| -> ApiResult<Vec<QueryResult>> {
                    require_langs(r.store, "from", std::slice::from_ref(&config.from))?;
                    if check_to {
                        require_langs(r.store, "to", &config.to)?;
                    }
                    let lookup = r.lookup(config)?;
                    let mut out = Vec::with_capacity(queries.len());
                    for q in &queries {
                        out.push(lookup.lookup(q)?);
                    }
                    Ok(out)
                })())
            })
            .await??;
        Ok(results)
    }
}

const LOOKUP_PARAMS: &[&str] = &["q", "from", "to", "min", "max", "diff"];

/// A match with the word diff of its source against the query (`diff=true`, for the page).
#[derive(Serialize)]
struct DiffedMatch<'a> {
    #[serde(flatten)]
    m: &'a crate::ops::lookup::Match,
    diff: Vec<crate::matching::diff::Piece>,
}

#[derive(Serialize)]
struct DiffedResult<'a> {
    query: &'a str,
    matches: Vec<DiffedMatch<'a>>,
}

async fn lookup_one(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = Params::parse(raw.as_deref(), LOOKUP_PARAMS)?;
    let text = p.get("q").unwrap_or("");
    if text.trim().is_empty() {
        return Err(ApiError::bad("nothing to look up: give q=TEXT"));
    }
    too_long("q", text)?;
    let config = LookupConfig {
        from: p.lang("from", "en")?,
        to: p.langs("to", &["zh-CN", "ja-JP"])?,
        min: p.number("min", 70u8, 0, 100)?,
        max: p.number("max", 5usize, 0, 1000)?,
    };
    let query = Query {
        text: text.to_string(),
        prev: None,
        next: None,
    };
    let check_to = p.get("to").is_some();
    let results = run_lookup(&state, config, vec![query], check_to).await?;
    if !p.flag("diff")? {
        return Ok(Json(results).into_response());
    }
    let diffed: Vec<DiffedResult<'_>> = results
        .iter()
        .map(|r| DiffedResult {
            query: &r.query,
            matches: r
                .matches
                .iter()
                .map(|m| DiffedMatch {
                    m,
                    diff: crate::matching::diff::diff(&m.source, &r.query),
                })
                .collect(),
        })
        .collect();
    Ok(Json(diffed).into_response())
}

/// Languages given as a JSON list or a comma-separated string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum LangList {
    List(Vec<String>),
    Joined(String),
}

impl LangList {
    fn parse(&self, key: &str) -> ApiResult<Vec<Lang>> {
        match self {
            LangList::Joined(s) => split_langs(key, s),
            LangList::List(v) => v.iter().map(|s| parse_lang(key, s)).collect(),
        }
    }
}

/// `POST /api/v1/lookup`: segments of one document, in order; each one's neighbours are its
/// context for 101% matches, as with `tmkit lookup --file`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    segments: Vec<String>,
    from: Option<String>,
    to: Option<LangList>,
    min: Option<u8>,
    max: Option<usize>,
}

/// The most segments one batch may hold.
const MAX_BATCH: usize = 10_000;

async fn lookup_batch(
    AxState(state): AxState<Arc<State>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Vec<QueryResult>>> {
    let batch: Batch = json_body(&state, &headers, body).await?;
    if batch.segments.is_empty() {
        return Err(ApiError::bad(
            "nothing to look up: give \"segments\": [TEXT, ...]",
        ));
    }
    if batch.segments.len() > MAX_BATCH {
        return Err(ApiError::bad(format!(
            "segments: {} segments, over the limit of {MAX_BATCH} per request",
            batch.segments.len()
        )));
    }
    for s in &batch.segments {
        too_long("segments", s)?;
    }
    let min = batch.min.unwrap_or(70);
    if min > 100 {
        return Err(ApiError::bad(format!(
            "min: invalid value {min}: expected a number from 0 to 100"
        )));
    }
    let config = LookupConfig {
        from: parse_lang("from", batch.from.as_deref().unwrap_or("en"))?,
        to: match &batch.to {
            Some(t) => t.parse("to")?,
            None => vec![parse_lang("to", "zh-CN")?, parse_lang("to", "ja-JP")?],
        },
        min,
        max: batch.max.unwrap_or(5).min(1000),
    };
    let s = &batch.segments;
    let queries = (0..s.len())
        .map(|i| Query {
            text: s[i].clone(),
            prev: i.checked_sub(1).map(|p| s[p].clone()),
            next: s.get(i + 1).cloned(),
        })
        .collect();
    let check_to = batch.to.is_some();
    Ok(Json(run_lookup(&state, config, queries, check_to).await?))
}

// ---- tmserver / amaGama ----

/// A match as translate-toolkit's tmserver and amaGama give it.
#[derive(Debug, Clone, Serialize)]
pub struct TmserverMatch {
    pub source: String,
    pub target: String,
    /// The unit's context (tmserver's `context` column); tmkit keeps none, so it is empty.
    pub context: String,
    /// The score, 0-100.
    pub quality: f64,
    /// The same score: amaGama ranks by it.
    pub rank: f64,
}

/// A language code as tmserver's clients send it: `zh_CN`, `ja`, `pt_BR@latin`.
fn client_lang(key: &str, code: &str) -> ApiResult<Lang> {
    let code = code.split('@').next().unwrap_or(code).replace('_', "-");
    parse_lang(key, &code)
}

async fn tmserver_unit(
    AxState(state): AxState<Arc<State>>,
    AxPath((slang, tlang, text)): AxPath<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Vec<TmserverMatch>>> {
    let p = Params::parse(
        raw.as_deref(),
        &["min_similarity", "max_candidates", "callback"],
    )?;
    if p.get("callback").is_some() {
        return Err(ApiError::bad(
            "callback: JSONP is not served (it lets any web page read the memory)",
        ));
    }
    let from = client_lang("source language", &slang)?;
    // `en_US` asks for English text: the region of a source language narrows nothing in a
    // memory (Chinese keeps its script: zh_TW text is not zh_CN text).
    let from = if from.chinese_script().is_none() && !from.is_bare() {
        parse_lang("source language", from.primary())?
    } else {
        from
    };
    let to = client_lang("target language", &tlang)?;
    if text.trim().is_empty() {
        return Ok(Json(Vec::new()));
    }
    too_long("text", &text)?;
    let config = LookupConfig {
        from,
        to: vec![to.clone()],
        min: p.number("min_similarity", 75u8, 0, 100)?,
        max: p.number("max_candidates", 3usize, 0, 1000)?,
    };
    let query = Query {
        text,
        prev: None,
        next: None,
    };
    let results = run_lookup(&state, config, vec![query], false).await?;
    let mut out = Vec::new();
    for r in results {
        for m in r.matches {
            let target = m
                .targets
                .iter()
                .find(|(l, _)| to.matches(l) || l.matches(&to))
                .map(|(_, t)| t.clone());
            if let Some(target) = target {
                let q = f64::from(m.score.min(100));
                out.push(TmserverMatch {
                    source: m.source,
                    target,
                    context: String::new(),
                    quality: q,
                    rank: q,
                });
            }
        }
    }
    Ok(Json(out))
}

// ---- concordance, terms, stats ----

async fn concordance_get(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = Params::parse(raw.as_deref(), &["q", "lang", "to", "max"])?;
    let phrase = p.get("q").unwrap_or("").to_string();
    if phrase.trim().is_empty() {
        return Err(ApiError::bad("nothing to search: give q=PHRASE"));
    }
    too_long("q", &phrase)?;
    let config = ConcordanceConfig {
        phrase,
        lang: p.lang("lang", "en")?,
        to: p.langs("to", &["zh-CN", "ja-JP"])?,
        max: p.number("max", 20usize, 0, 10_000)?,
    };
    let found = state
        .pool
        .read(move |r| {
            Ok((|| -> ApiResult<_> {
                require_langs(r.store, "lang", std::slice::from_ref(&config.lang))?;
                Ok(concordance(r.store, &config)?)
            })())
        })
        .await??;
    Ok(Json(found).into_response())
}

async fn terms_get(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = Params::parse(raw.as_deref(), &["q", "from", "to"])?;
    let text = p.get("q").unwrap_or("").to_string();
    if text.trim().is_empty() {
        return Err(ApiError::bad("nothing to look in: give q=TEXT"));
    }
    too_long("q", &text)?;
    let from = p.lang("from", "en")?;
    let to = p.langs("to", &["zh-CN", "ja-JP"])?;
    let found = state
        .pool
        .read(move |r| {
            let termbase = r.termbase(&from)?;
            Ok(find_terms(&termbase, &text, &to))
        })
        .await?;
    Ok(Json(found).into_response())
}

async fn stats_get(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    Params::parse(raw.as_deref(), &[])?;
    let stats = state.pool.read(|r| r.store.stats()).await?;
    Ok(Json(stats).into_response())
}

// ---- check ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairRequest {
    source: String,
    target: String,
    from: Option<String>,
    to: String,
}

/// `POST /api/v1/check`: a JSON segment pair (`{"source", "target", "from", "to"}`: the
/// findings), or with `?format=tmx|xliff` a TMX or XLIFF file as the body (the findings of
/// `tmkit check --format json`).
async fn check_post(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let p = Params::parse(raw.as_deref(), &["format", "from", "langs", "name"])?;
    match p.get("format") {
        None | Some("json") => {
            let pair: PairRequest = json_body(&state, &headers, body).await?;
            too_long("source", &pair.source)?;
            too_long("target", &pair.target)?;
            let from = parse_lang("from", pair.from.as_deref().unwrap_or("en"))?;
            let to = parse_lang("to", &pair.to)?;
            let findings = state
                .pool
                .read(move |r| {
                    let termbase = r.termbase(&from)?;
                    let checks = PairChecks::new(Some(&termbase), &from);
                    let mut out = Vec::new();
                    checks.check(&pair.source, &pair.target, &to, &mut out);
                    Ok(out)
                })
                .await?;
            Ok(Json(findings).into_response())
        }
        Some(f @ ("tmx" | "xliff")) => {
            let default = if f == "tmx" {
                "upload.tmx"
            } else {
                "upload.xlf"
            };
            let name = plain_name("name", p.get("name").unwrap_or(default))?;
            let from = p.lang("from", "en")?;
            let langs = p.langs("langs", &[])?;
            let upload = spool(&state, &headers, body, &name).await?;
            let input = if f == "tmx" {
                CheckInput::Tmx(upload.path.clone())
            } else {
                CheckInput::Xliff(upload.path.clone())
            };
            let config = CheckConfig {
                from: from.clone(),
                langs,
                kinds: Vec::new(),
                min_severity: crate::model::Severity::Warning,
            };
            let reported = state
                .pool
                .read(move |r| {
                    let _keep = &upload;
                    let termbase = r.termbase(&from)?;
                    let checks = PairChecks::new(Some(&termbase), &from);
                    let mut out = Vec::new();
                    crate::ops::check::check_each(
                        Some(r.store),
                        &input,
                        &config,
                        &checks,
                        &mut |rep| {
                            out.push(rep);
                            Ok(())
                        },
                    )?;
                    Ok(out)
                })
                .await?;
            Ok(Json(reported).into_response())
        }
        Some(other) => Err(ApiError::bad(format!(
            "format: invalid value {other:?}: expected json (a segment pair), tmx or xliff"
        ))),
    }
}

// ---- units and import ----

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

async fn units_post(
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
async fn import_post(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    if !state.pool.writable() {
        return Err(super::pool::PoolError::ReadOnly.into());
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

async fn export_get(
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

// ---- glossary ----

async fn glossary_list(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    Params::parse(raw.as_deref(), &[])?;
    let list = state.pool.read(|r| r.store.glossaries()).await?;
    Ok(Json(list).into_response())
}

async fn glossary_entries(
    AxState(state): AxState<Arc<State>>,
    AxPath(name): AxPath<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = Params::parse(raw.as_deref(), &["search"])?;
    let search = p.get("search").map(str::to_lowercase);
    let rows = state
        .pool
        .read(move |r| {
            let mut concepts = r.store.load_concepts(Some(&name))?;
            if let Some(q) = &search {
                concepts.retain(|c| {
                    c.entry
                        .terms
                        .iter()
                        .any(|t| t.text.to_lowercase().contains(q))
                });
            }
            Ok(concepts
                .iter()
                .map(ListedEntry::from)
                .collect::<Vec<ListedEntry>>())
        })
        .await?;
    Ok(Json(rows).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTerm {
    lang: String,
    text: String,
    /// preferred (default), admitted or forbidden.
    status: Option<String>,
}

/// `POST /api/v1/glossary/NAME`: one concept, as `tmkit glossary add` takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewConcept {
    terms: Vec<NewTerm>,
    note: Option<String>,
}

async fn glossary_add(
    AxState(state): AxState<Arc<State>>,
    AxPath(name): AxPath<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let new: NewConcept = json_body(&state, &headers, body).await?;
    let mut entry = TermEntry {
        note: new.note.clone(),
        ..TermEntry::default()
    };
    if new.terms.is_empty() {
        return Err(ApiError::bad("a concept needs a term: give \"terms\""));
    }
    for t in &new.terms {
        let status = match t.status.as_deref() {
            None | Some("preferred") => TermStatus::Preferred,
            Some("admitted") => TermStatus::Admitted,
            Some("forbidden") => TermStatus::Forbidden,
            Some(v) => {
                return Err(ApiError::bad(format!(
                    "status: invalid value {v:?}: expected preferred, admitted or forbidden"
                )));
            }
        };
        let lang = parse_lang("lang", &t.lang)?;
        if t.text.trim().is_empty() {
            return Err(ApiError::bad("text: a term cannot be empty"));
        }
        let mut term = crate::model::Term::new(lang, t.text.trim());
        term.status = status;
        entry.terms.push(term);
    }
    let glossary = name.clone();
    let id = state
        .pool
        .write(move |store| glossary_ops::add_entry(store, &glossary, &entry))
        .await?;
    Ok(Json(serde_json::json!({ "glossary": name, "concept": id })).into_response())
}

async fn glossary_import(
    AxState(state): AxState<Arc<State>>,
    AxPath(name): AxPath<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let p = Params::parse(
        raw.as_deref(),
        &["file", "from", "to", "langs", "replace", "strict"],
    )?;
    let file = plain_name("file", p.get("file").unwrap_or("glossary.tbx"))?;
    let langs = p.langs("langs", &[])?;
    let config = glossary_ops::ReadConfig {
        format: None,
        source: match p.get("from") {
            Some(f) => parse_lang("from", f)?,
            None => langs
                .first()
                .cloned()
                .unwrap_or_else(|| Lang::parse("en").expect("\"en\" is a valid language tag")),
        },
        target: p.lang("to", "zh-CN")?,
        langs,
        strict: p.flag("strict")?,
        max_problems_listed: 10,
    };
    let replace = p.flag("replace")?;
    let upload = spool(&state, &headers, body, &file).await?;
    let shown = upload.name.clone();
    let spooled = upload.path.display().to_string();
    let mut report = state
        .pool
        .write(move |store| {
            glossary_ops::import(
                store,
                &name,
                std::slice::from_ref(&upload.path),
                replace,
                &config,
            )
        })
        .await
        .map_err(|e| {
            let mut e = ApiError::from(e);
            e.message = e.message.replace(&spooled, &shown);
            e
        })?;
    for f in &mut report.files {
        f.path = shown.clone();
    }
    Ok(Json(report).into_response())
}

// ---- tokens (admin) ----

async fn tokens_list(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    Params::parse(raw.as_deref(), &[])?;
    let list = state
        .pool
        .read(|r| crate::ops::token::list(r.store))
        .await?;
    Ok(Json(list).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    role: String,
}

/// `POST /api/v1/tokens`: `{"name", "role"}`; the answer holds the token, the only time it is
/// shown.
async fn tokens_add(
    AxState(state): AxState<Arc<State>>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let new: NewToken = json_body(&state, &headers, body).await?;
    let role = crate::ops::token::Role::parse(&new.role)?;
    let name = new.name.clone();
    let token = state
        .pool
        .write(move |store| crate::ops::token::add(store, &name, role))
        .await?;
    Ok(Json(serde_json::json!({ "name": new.name, "role": role, "token": token })).into_response())
}

async fn tokens_remove(
    AxState(state): AxState<Arc<State>>,
    AxPath(name): AxPath<String>,
) -> ApiResult<Response> {
    let gone = name.clone();
    state
        .pool
        .write(move |store| crate::ops::token::remove(store, &gone))
        .await?;
    Ok(Json(serde_json::json!({ "removed": name })).into_response())
}
