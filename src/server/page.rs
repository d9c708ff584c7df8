//! The search page at `/`: HTML, its script and its style, all served by tmkit itself (no
//! external requests) under a strict Content-Security-Policy: nothing but this server's own
//! script, style and API; no inline script or style, no frames, no forms posted elsewhere. The
//! script puts every text from the memory into the page as text (`textContent`), never as HTML.
//! The style is report.html's (the same badges, word diff and term highlights).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");

/// What the page adds to report.html's style: the search form.
const PAGE_CSS: &str = "
form .fields{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:flex-end;margin:8px 0}
form label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
form label.wide{flex:1 1 100%}
form textarea,form select,form input{font:15px/1.4 var(--sans);padding:6px 8px;border:1px solid var(--line);border-radius:4px;background:var(--paper);color:var(--ink)}
form fieldset{border:0;padding:0;margin:0;display:flex;gap:12px;font-size:13px}
form fieldset legend{font-size:12px;color:var(--muted)}
form fieldset label{flex-direction:row;align-items:center;color:var(--ink);font-size:13px}
form button{font:600 15px var(--sans);padding:7px 18px;border:0;border-radius:4px;background:var(--accent);color:#fff;cursor:pointer}
.match.query{border-left-color:var(--ink);background:var(--paper)}
.match .target{margin:2px 0}
";

/// The page's Content-Security-Policy.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; \
     base-uri 'none'";

fn with_headers(body: String, kind: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

pub async fn page() -> Response {
    with_headers(PAGE.to_string(), "text/html; charset=utf-8")
}

pub async fn script() -> Response {
    with_headers(SCRIPT.to_string(), "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    let css = format!("{}{PAGE_CSS}", crate::kit::report::CSS);
    with_headers(css, "text/css; charset=utf-8")
}
