//! `/api/v1/concordance`, `/api/v1/terms`, `/api/v1/stats` and `/api/v1/check`: reading the
//! memory and checking pairs or files.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State as AxState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiResult, require_langs, too_long};
use crate::ops::check::{CheckConfig, CheckInput, PairChecks};
use crate::ops::concordance::{ConcordanceConfig, concordance};
use crate::ops::glossary::find_terms;
use crate::server::State;
use crate::server::http::{ApiError, Params, json_body, parse_lang, plain_name, spool};

pub(super) async fn concordance_get(
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

pub(super) async fn terms_get(
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

pub(super) async fn stats_get(
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
pub(super) async fn check_post(
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
