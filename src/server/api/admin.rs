//! The termbase (`/api/v1/glossary`: list, add, import) and access tokens (`/api/v1/tokens`).

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path as AxPath, RawQuery, State as AxState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::ApiResult;
use crate::model::{Lang, TermEntry, TermStatus};
use crate::ops::glossary::{self as glossary_ops, ListedEntry};
use crate::server::State;
use crate::server::http::{ApiError, Params, json_body, parse_lang, plain_name, spool};

pub(super) async fn glossary_list(
    AxState(state): AxState<Arc<State>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    Params::parse(raw.as_deref(), &[])?;
    let list = state.pool.read(|r| r.store.glossaries()).await?;
    Ok(Json(list).into_response())
}

pub(super) async fn glossary_entries(
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

pub(super) async fn glossary_add(
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

pub(super) async fn glossary_import(
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

pub(super) async fn tokens_list(
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
pub(super) async fn tokens_add(
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

pub(super) async fn tokens_remove(
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
