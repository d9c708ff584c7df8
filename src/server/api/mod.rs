//! The routes: `/api/v1/...` (the objects of `--format json`), `/tmserver/...` (translate-toolkit's
//! tmserver and amaGama), `/healthz` and the search page.

mod admin;
mod lookup;
mod search;
mod units;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

use super::State;
use super::http::ApiError;
use crate::model::Lang;
use crate::store::Store;
use admin::{
    glossary_add, glossary_entries, glossary_import, glossary_list, tokens_add, tokens_list,
    tokens_remove,
};
use lookup::{lookup_batch, lookup_one, tmserver_unit};
use search::{check_post, concordance_get, stats_get, terms_get};
use units::{export_get, import_post, units_post};

pub(super) type ApiResult<T> = std::result::Result<T, ApiError>;

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
pub(super) fn require_langs(store: &Store, key: &str, wanted: &[Lang]) -> ApiResult<()> {
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

pub(super) fn too_long(key: &str, text: &str) -> ApiResult<()> {
    let max = crate::model::Limits::current().max_segment_bytes;
    if text.len() > max {
        return Err(ApiError::bad(format!(
            "{key}: the segment is {} bytes long, over the limit of {max} (--max-segment-bytes)",
            text.len()
        )));
    }
    Ok(())
}
