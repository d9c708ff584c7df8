//! The search page at `/`: one self-contained HTML file (no external requests, a strict CSP).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("page.html");

/// The page's Content-Security-Policy: nothing from elsewhere, no inline script but the page's
/// own (by hash would need the hash kept in step; the script is served from `/` itself, so
/// `'self'` plus the inline hash is avoided by keeping script and style in the page and allowing
/// only them through a nonce-free `'unsafe-inline'`-free policy below).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

pub async fn page() -> Response {
    let mut r = PAGE.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}
