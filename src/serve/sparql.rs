//! `/sparql`: the [SPARQL 1.1 Protocol]'s query operation. Reads the
//! query and dataset from the URL or a POST body, refuses updates,
//! negotiates the result format from `Accept`, and hands the query to a
//! worker process ([`super::worker`]).
//!
//! [SPARQL 1.1 Protocol]: https://www.w3.org/TR/sparql11-protocol/

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt as _;

use super::response::{bytes, text, timeout_response};
use super::worker::{self, WorkerFailure, WorkerRequest};
use super::AppState;
use crate::query::OutputFormat;
use crate::read::{self, Dataset, QueryError, QueryKind};

/// The parameters of a protocol request, from the URL and a form body.
#[derive(Debug, Default, PartialEq, Eq)]
struct Params {
    query: Vec<String>,
    update: bool,
    dataset: Dataset,
}

impl Params {
    fn add(&mut self, encoded: &[u8]) {
        for (key, value) in form_urlencoded::parse(encoded) {
            match key.as_ref() {
                "query" => self.query.push(value.into_owned()),
                "update" | "using-graph-uri" | "using-named-graph-uri" => self.update = true,
                "default-graph-uri" => self.dataset.default_graphs.push(value.into_owned()),
                "named-graph-uri" => self.dataset.named_graphs.push(value.into_owned()),
                _ => {}
            }
        }
    }
}

/// The SPARQL 1.1 Protocol's query operation.
pub(super) async fn sparql(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut params = Params::default();
    if let Some(query) = parts.uri.query() {
        params.add(query.as_bytes());
    }
    if parts.method == Method::POST {
        let options = &state.options;
        let body = match read_body(body, options.max_body_bytes, options.stall_timeout).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/sparql-query" => match String::from_utf8(body) {
                Ok(query) => params.query.push(query),
                Err(_) => {
                    return text(
                        StatusCode::BAD_REQUEST,
                        "the query is not valid UTF-8; send it as UTF-8 text",
                    )
                }
            },
            "application/x-www-form-urlencoded" => params.add(&body),
            "application/sparql-update" => params.update = true,
            _ => {
                return text(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    &format!(
                        "cannot read a {:?} body; send application/sparql-query or \
                         application/x-www-form-urlencoded with query=",
                        content_type
                    ),
                )
            }
        }
    }
    if params.update {
        return update_refused();
    }
    let sparql = match params.query.as_slice() {
        [one] => one.clone(),
        [] => {
            return text(
                StatusCode::BAD_REQUEST,
                "missing the query parameter; send ?query=SPARQL (GET) or a POST body",
            )
        }
        _ => {
            return text(
                StatusCode::BAD_REQUEST,
                "more than one query parameter; send exactly one query",
            )
        }
    };
    let kind = match read::query_kind(&sparql) {
        Ok(kind) => kind,
        Err(err) => return query_error(&err, state.options.timeout),
    };
    let accept = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let Some((format, content_type)) = negotiate(accept, kind) else {
        return not_acceptable(kind);
    };
    let request = WorkerRequest {
        query: sparql,
        format: format.name().to_owned(),
        timeout_ms: u64::try_from(state.options.timeout.as_millis()).unwrap_or(u64::MAX),
        max_rows: state.options.max_rows,
        max_result_bytes: state.options.max_result_bytes,
        default_graphs: params.dataset.default_graphs,
        named_graphs: params.dataset.named_graphs,
    };
    let _permit = match state.slot().await {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    // The worker stops itself at the timeout; a second later it is killed.
    let deadline = state.options.timeout + Duration::from_secs(1);
    match state.worker.evaluate(&request, deadline).await {
        Ok(body) => bytes(StatusCode::OK, content_type, body),
        Err(failure) => worker_failure(&failure, state.options.timeout),
    }
}

/// The response to a query its worker could not answer.
fn worker_failure(failure: &WorkerFailure, limit: Duration) -> Response {
    match StatusCode::from_u16(failure.status) {
        Ok(StatusCode::METHOD_NOT_ALLOWED) => update_refused(),
        Ok(StatusCode::GATEWAY_TIMEOUT) => timeout_response(limit),
        Ok(status) => text(status, &failure.message),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, &failure.message),
    }
}

fn update_refused() -> Response {
    let mut response = text(
        StatusCode::METHOD_NOT_ALLOWED,
        "updates are not allowed: this endpoint is read-only; the store is written by `akg build`",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

/// Reads a body of at most `limit` bytes (413 past it), each piece
/// arriving within `stall` of the last (408 for a client that stops
/// sending).
async fn read_body(mut body: Body, limit: usize, stall: Duration) -> Result<Vec<u8>, Response> {
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "the request body is larger than {limit} bytes (the server's --max-body-bytes); shorten the query"
            ),
        )
    };
    if body.size_hint().lower() > limit as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    loop {
        let frame = match tokio::time::timeout(stall, body.frame()).await {
            Ok(None) => return Ok(bytes),
            Ok(Some(Ok(frame))) => frame,
            Ok(Some(Err(_))) => {
                return Err(text(
                    StatusCode::BAD_REQUEST,
                    "the request body is malformed or was cut off; send it again",
                ))
            }
            Err(_) => {
                return Err(text(
                    StatusCode::REQUEST_TIMEOUT,
                    &format!(
                        "the request body stopped arriving for {} s (the server's --stall-timeout); send it again",
                        stall.as_secs_f64()
                    ),
                ))
            }
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
}

/// The status and message of a query error.
pub(super) fn query_error(err: &QueryError, limit: Duration) -> Response {
    worker_failure(&worker::failure(err, 0), limit)
}

/// The media types a query form can be answered in, best first.
fn offers(kind: QueryKind) -> &'static [(&'static str, OutputFormat, &'static str)] {
    // (media type accepted, format, content type sent)
    const TABLES: &[(&str, OutputFormat, &str)] = &[
        (
            "application/sparql-results+json",
            OutputFormat::Json,
            "application/sparql-results+json",
        ),
        (
            "application/json",
            OutputFormat::Json,
            "application/sparql-results+json",
        ),
        (
            "application/sparql-results+xml",
            OutputFormat::Xml,
            "application/sparql-results+xml",
        ),
        (
            "application/xml",
            OutputFormat::Xml,
            "application/sparql-results+xml",
        ),
        (
            "text/xml",
            OutputFormat::Xml,
            "application/sparql-results+xml",
        ),
        ("text/csv", OutputFormat::Csv, "text/csv; charset=utf-8"),
        (
            "text/tab-separated-values",
            OutputFormat::Tsv,
            "text/tab-separated-values; charset=utf-8",
        ),
    ];
    const GRAPHS: &[(&str, OutputFormat, &str)] = &[
        (
            "text/turtle",
            OutputFormat::Turtle,
            "text/turtle; charset=utf-8",
        ),
        (
            "application/x-turtle",
            OutputFormat::Turtle,
            "text/turtle; charset=utf-8",
        ),
        (
            "application/n-triples",
            OutputFormat::NTriples,
            "application/n-triples",
        ),
        (
            "text/plain",
            OutputFormat::NTriples,
            "application/n-triples",
        ),
    ];
    match kind {
        QueryKind::Select | QueryKind::Ask => TABLES,
        QueryKind::Graph => GRAPHS,
    }
}

/// Picks the format from an `Accept` header: the offer with the highest
/// quality (the most specific matching range decides an offer's quality),
/// ties going to the server's order. No header means the first offer.
fn negotiate(accept: Option<&str>, kind: QueryKind) -> Option<(OutputFormat, &'static str)> {
    let offers = offers(kind);
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return offers.first().map(|&(_, format, sent)| (format, sent));
    };
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .filter_map(|item| {
            let mut pieces = item.split(';');
            let range = pieces.next()?.trim().to_ascii_lowercase();
            if range.is_empty() {
                return None;
            }
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((range, q))
        })
        .collect();
    let quality = |media: &str| -> f32 {
        let (kind_part, _) = media.split_once('/').unwrap_or((media, ""));
        let mut best: Option<(u8, f32)> = None;
        for (range, q) in &ranges {
            let specificity = if range == media {
                3
            } else if range.strip_suffix("/*") == Some(kind_part) {
                2
            } else if range == "*/*" || range == "*" {
                1
            } else {
                continue;
            };
            if best.is_none_or(|(s, _)| specificity > s) {
                best = Some((specificity, *q));
            }
        }
        best.map_or(0.0, |(_, q)| q)
    };
    let mut chosen: Option<(f32, OutputFormat, &'static str)> = None;
    for &(media, format, sent) in offers {
        let q = quality(media);
        if q > 0.0 && chosen.is_none_or(|(best, _, _)| q > best) {
            chosen = Some((q, format, sent));
        }
    }
    chosen.map(|(_, format, sent)| (format, sent))
}

fn not_acceptable(kind: QueryKind) -> Response {
    let mut types: Vec<&str> = offers(kind).iter().map(|&(media, _, _)| media).collect();
    types.dedup();
    text(
        StatusCode::NOT_ACCEPTABLE,
        &format!(
            "cannot answer this query in the requested Accept types; ask for one of {}",
            types.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiate_prefers_quality_then_specificity_then_server_order() {
        use OutputFormat::*;
        let pick = |accept: Option<&str>, kind| negotiate(accept, kind).map(|(f, _)| f);
        assert_eq!(pick(None, QueryKind::Select), Some(Json));
        assert_eq!(pick(Some(""), QueryKind::Graph), Some(Turtle));
        assert_eq!(pick(Some("text/csv"), QueryKind::Select), Some(Csv));
        assert_eq!(
            pick(Some("text/tab-separated-values"), QueryKind::Ask),
            Some(Tsv)
        );
        assert_eq!(
            pick(
                Some("application/sparql-results+xml;q=0.9, text/csv;q=0.5"),
                QueryKind::Select
            ),
            Some(Xml)
        );
        // A browser's header: */* at a lower quality still matches JSON.
        assert_eq!(
            pick(
                Some("text/html,application/xhtml+xml,*/*;q=0.8"),
                QueryKind::Select
            ),
            Some(Json)
        );
        // text/* narrows to the text formats; q=0 excludes.
        assert_eq!(
            pick(
                Some("text/*, text/csv;q=0, text/xml;q=0"),
                QueryKind::Select
            ),
            Some(Tsv)
        );
        assert_eq!(
            pick(Some("application/n-triples"), QueryKind::Graph),
            Some(NTriples)
        );
        assert_eq!(pick(Some("text/csv"), QueryKind::Graph), None);
        assert_eq!(pick(Some("image/png"), QueryKind::Select), None);
    }

    #[test]
    fn params_collect_queries_updates_and_datasets() {
        let mut params = Params::default();
        params.add(b"query=SELECT%20*%20WHERE%20%7B%7D&default-graph-uri=http%3A%2F%2Fa&named-graph-uri=http://b&x=1");
        assert_eq!(params.query, ["SELECT * WHERE {}"]);
        assert_eq!(params.dataset.default_graphs, ["http://a"]);
        assert_eq!(params.dataset.named_graphs, ["http://b"]);
        assert!(!params.update);
        params.add(b"update=INSERT+DATA+%7B%7D");
        assert!(params.update);
    }
}
