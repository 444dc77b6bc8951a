//! The responses every handler builds: plain-text errors, bodies with a
//! content type, the common error statuses, and [`CappedBuffer`], the
//! writer that stops a result at `--max-result-bytes`.

use std::io::{self, Write};
use std::time::Duration;

use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// A `text/plain` response (every error's body is its message).
pub(super) fn text(status: StatusCode, message: &str) -> Response {
    let mut body = message.to_owned();
    body.push('\n');
    bytes(status, "text/plain; charset=utf-8", body.into_bytes())
}

/// A response with a content type and `nosniff`.
pub(super) fn bytes(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

pub(super) fn timeout_response(limit: Duration) -> Response {
    text(
        StatusCode::GATEWAY_TIMEOUT,
        &format!(
            "the query stopped at the server's time limit of {} s; narrow it or add a LIMIT",
            limit.as_secs_f64()
        ),
    )
}

pub(super) fn store_error(err: &StoreError) -> Response {
    let status = match err {
        StoreError::NotFound { .. } | StoreError::Locked { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    text(status, &err.to_string())
}

/// 422 for a result over `--max-result-bytes`, with what to do instead.
pub(super) fn too_large(max_bytes: usize, instead: &str) -> Response {
    text(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!(
            "the results are larger than {max_bytes} bytes (the server's --max-result-bytes); {instead}"
        ),
    )
}

/// A `Vec<u8>` writer that fails once it would hold more than a limit.
pub(super) struct CappedBuffer {
    bytes: Vec<u8>,
    limit: usize,
}

/// The error a [`CappedBuffer`] fails with, inside an [`io::Error`].
#[derive(Debug, thiserror::Error)]
#[error("the result is larger than {limit} bytes")]
struct Overflow {
    limit: usize,
}

impl CappedBuffer {
    pub(super) fn new(limit: usize) -> Self {
        Self {
            bytes: Vec::new(),
            limit,
        }
    }

    pub(super) fn into_inner(self) -> Vec<u8> {
        self.bytes
    }

    /// Whether `err` is, or wraps, a [`CappedBuffer`]'s overflow.
    pub(super) fn is_overflow(err: &io::Error) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = err.get_ref().map(|e| e as _);
        while let Some(error) = cause {
            if error.is::<Overflow>() {
                return true;
            }
            cause = match error.downcast_ref::<io::Error>() {
                Some(io) => io.get_ref().map(|e| e as _),
                None => error.source(),
            };
        }
        false
    }
}

impl Write for CappedBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            return Err(io::Error::other(Overflow { limit: self.limit }));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
