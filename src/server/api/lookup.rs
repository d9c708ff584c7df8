//! `/api/v1/lookup` (one segment, or a batch with context) and the tmserver/amaGama API
//! (`/tmserver/{slang}/{tlang}/unit/{text}`).

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path as AxPath, RawQuery, State as AxState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{ApiResult, require_langs, too_long};
use crate::model::Lang;
use crate::ops::lookup::{LookupConfig, Query, QueryResult};
use crate::server::State;
use crate::server::http::{ApiError, Params, json_body, parse_lang, split_langs};

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

pub(super) async fn lookup_one(
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

pub(super) async fn lookup_batch(
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

pub(super) async fn tmserver_unit(
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
