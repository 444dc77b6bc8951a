//! The web page of `akg serve` and its script and style sheet, compiled
//! into the binary (no CDN: it works offline), with the content security
//! policy that keeps the page from talking to anything but this server.

use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::Response;

use super::response::{bytes, text};

/// The page and its assets, compiled in.
const INDEX_HTML: &str = include_str!("web/index.html");
const APP_JS: &str = include_str!("web/app.js");
const APP_CSS: &str = include_str!("web/app.css");

/// The page may only load its own scripts and styles and talk to this
/// server: nothing leaves the machine.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub(super) async fn not_found() -> Response {
    text(
        StatusCode::NOT_FOUND,
        "no such page; the SPARQL endpoint is /sparql and the web page is /",
    )
}

pub(super) async fn page() -> Response {
    let mut response = bytes(
        StatusCode::OK,
        "text/html; charset=utf-8",
        INDEX_HTML.as_bytes().to_vec(),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

pub(super) async fn app_js() -> Response {
    bytes(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        APP_JS.as_bytes().to_vec(),
    )
}

pub(super) async fn app_css() -> Response {
    bytes(
        StatusCode::OK,
        "text/css; charset=utf-8",
        APP_CSS.as_bytes().to_vec(),
    )
}
