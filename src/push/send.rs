//! The requests of a push ([`super::push`]) to a Graph Store Protocol
//! endpoint: the endpoint's URL checked, `?graph=IRI` added, each request
//! sent with the credentials and tried again after a failure that may pass
//! (no connection, a timeout, 408, 429, 500, 502, 503, 504) after a wait
//! that doubles, and an error status turned into a [`PushError`] with the
//! server's first line and what to do.

use std::io::Read;
use std::thread;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::NamedNode;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{
    Credentials, PushError, PushOptions, PASSWORD_VARIABLE, TOKEN_VARIABLE, USER_VARIABLE,
};
use crate::http_client::{self, first_line, has_userinfo};

/// The longest wait between two tries of our own choosing.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// How much of an error answer is read for its message.
const ERROR_BODY_BYTES: u64 = 4096;
/// The media type of a request's body.
const N_TRIPLES: &str = "application/n-triples";

/// What a graph IRI keeps unescaped as the value of `?graph=`: the
/// unreserved characters of RFC 3986.
const GRAPH_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The requests a push sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Method {
    /// Replaces a graph.
    Put,
    /// Adds to a graph.
    Post,
    /// Reads a graph back.
    Get,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Get => "GET",
        }
    }
}

/// A Graph Store Protocol endpoint and the client that talks to it.
pub(super) struct GraphStore {
    /// The endpoint's URL, checked.
    endpoint: String,
    agent: ureq::Agent,
    authorization: Option<String>,
    retries: u32,
    first_backoff: Duration,
}

impl GraphStore {
    pub(super) fn new(options: &PushOptions) -> Result<GraphStore, PushError> {
        let endpoint = checked_endpoint(&options.url)?;
        Ok(GraphStore {
            endpoint,
            agent: http_client::agent(Some(options.timeout), false),
            authorization: options.credentials.as_ref().map(Credentials::authorization),
            retries: options.retries,
            first_backoff: options.first_backoff,
        })
    }

    /// The URL of one graph: the endpoint with `?graph=IRI`.
    fn graph_url(&self, graph: &NamedNode) -> String {
        graph_url(&self.endpoint, graph)
    }

    /// Sends one request about a graph, trying again after failures that
    /// may pass; returns the answer and how many retries it took.
    pub(super) fn send(
        &self,
        method: Method,
        graph: &NamedNode,
        body: &[u8],
    ) -> Result<(Answer, u32), PushError> {
        let url = self.graph_url(graph);
        let mut retries = 0;
        loop {
            match self.attempt(method, &url, body) {
                Ok(answer) => return Ok((answer, retries)),
                Err(failure) if failure.may_pass() && retries < self.retries => {
                    thread::sleep(backoff(self.first_backoff, retries, failure.retry_after()));
                    retries += 1;
                }
                Err(failure) => return Err(failure.into_error(method, graph, retries + 1)),
            }
        }
    }

    /// How many triples the server holds in a graph (`GET`).
    pub(super) fn triples_in(&self, graph: &NamedNode) -> Result<u64, PushError> {
        let (answer, _) = self.send(Method::Get, graph, &[])?;
        let format = answer
            .content_type
            .as_deref()
            .and_then(RdfFormat::from_media_type)
            .unwrap_or(RdfFormat::NTriples);
        let mut triples = 0;
        for triple in RdfParser::from_format(format).for_slice(&answer.body) {
            if let Err(err) = triple {
                return Err(PushError::Answer(format!(
                    "GET of graph <{graph}> answered what is not {}: {err}",
                    format.name()
                )));
            }
            triples += 1;
        }
        Ok(triples)
    }

    /// The request with the credentials, if any.
    fn authorized<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        http_client::authorized(request, self.authorization.as_deref())
    }

    /// Sends one request once.
    fn attempt(&self, method: Method, url: &str, body: &[u8]) -> Result<Answer, Failure> {
        let sent = match method {
            Method::Get => self
                .authorized(self.agent.get(url))
                .header("Accept", N_TRIPLES)
                .call(),
            Method::Put => self
                .authorized(self.agent.put(url))
                .content_type(N_TRIPLES)
                .send(body),
            Method::Post => self
                .authorized(self.agent.post(url))
                .content_type(N_TRIPLES)
                .send(body),
        };
        let mut response = sent.map_err(Failure::transport)?;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type");
        let location = header("location");
        let retry_after = header("retry-after");
        // Read to the end, so that the connection can be used again; an
        // error answer only for its message.
        let limit = if status.is_success() {
            u64::MAX
        } else {
            ERROR_BODY_BYTES
        };
        let mut answer = Vec::new();
        let read = response
            .body_mut()
            .as_reader()
            .take(limit)
            .read_to_end(&mut answer);
        if status.is_success() {
            return match read {
                Ok(_) => Ok(Answer {
                    body: answer,
                    content_type,
                }),
                Err(err) => Err(Failure::Transport {
                    message: err.to_string(),
                    may_pass: true,
                }),
            };
        }
        let message = match location {
            Some(location) if status.is_redirection() => format!("moved to {location}"),
            _ => first_line(&answer),
        };
        Err(Failure::Status {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or_default(),
            message,
            retry_after: retry_after.and_then(|value| value.trim().parse().ok()),
        })
    }
}

/// A successful answer.
pub(super) struct Answer {
    body: Vec<u8>,
    content_type: Option<String>,
}

/// Checks the endpoint's URL: http or https, with a host, no user name or
/// password, and no graph of its own.
fn checked_endpoint(url: &str) -> Result<String, PushError> {
    let bad = |why: String| Err(PushError::Url(why));
    let uri: ureq::http::Uri = match url.parse() {
        Ok(uri) => uri,
        Err(err) => {
            return bad(format!(
                "not a URL ({err}); give e.g. http://HOST:PORT/store"
            ))
        }
    };
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return bad("give an http:// or https:// URL, e.g. http://HOST:PORT/store".to_owned());
    }
    if uri.authority().is_none() {
        return bad("the URL has no host; give e.g. http://HOST:PORT/store".to_owned());
    }
    if has_userinfo(url) {
        return bad(format!(
            "the URL holds a user name or password: give them in {USER_VARIABLE} and \
             {PASSWORD_VARIABLE} (or a token in {TOKEN_VARIABLE}), never on the command line"
        ));
    }
    if url.contains('#') {
        return bad("the URL has a fragment (#…): give the endpoint itself".to_owned());
    }
    let query = uri.query().unwrap_or_default();
    if form_urlencoded::parse(query.as_bytes()).any(|(key, _)| key == "graph" || key == "default") {
        return bad(
            "the URL names a graph (?graph= or ?default): give the endpoint itself; \
             akg push adds ?graph= for each graph"
                .to_owned(),
        );
    }
    Ok(url.to_owned())
}

/// The endpoint's URL with `graph=IRI` added to its query.
fn graph_url(endpoint: &str, graph: &NamedNode) -> String {
    let separator = match endpoint.split_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some(_) => "&",
    };
    format!(
        "{endpoint}{separator}graph={}",
        utf8_percent_encode(graph.as_str(), GRAPH_VALUE)
    )
}

/// The wait before retry `retry` (from 0): `first` doubled each time, at
/// most [`MAX_BACKOFF`], and at least what the server asked for (at most
/// [`MAX_RETRY_AFTER`]).
fn backoff(first: Duration, retry: u32, retry_after: Option<u64>) -> Duration {
    let doubled = first.saturating_mul(1 << retry.min(16)).min(MAX_BACKOFF);
    let asked = Duration::from_secs(retry_after.unwrap_or(0)).min(MAX_RETRY_AFTER);
    doubled.max(asked)
}

/// Whether a status may pass if the request is sent again.
fn status_may_pass(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// One failed attempt.
#[derive(Debug)]
enum Failure {
    /// The server answered with an error status.
    Status {
        status: u16,
        reason: &'static str,
        message: String,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
    /// No answer: no connection, a timeout, a broken answer.
    Transport { message: String, may_pass: bool },
}

impl Failure {
    /// A transport error of the client.
    fn transport(err: ureq::Error) -> Failure {
        let may_pass = matches!(
            err,
            ureq::Error::Io(_)
                | ureq::Error::Timeout(_)
                | ureq::Error::ConnectionFailed
                | ureq::Error::Protocol(_)
        );
        let message = match err {
            ureq::Error::Io(err) => err.to_string(),
            ureq::Error::Timeout(which) => format!("timed out ({which})"),
            err => err.to_string(),
        };
        Failure::Transport { message, may_pass }
    }

    /// Whether sending the request again may succeed.
    fn may_pass(&self) -> bool {
        match self {
            Failure::Status { status, .. } => status_may_pass(*status),
            Failure::Transport { may_pass, .. } => *may_pass,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Failure::Status { retry_after, .. } => *retry_after,
            Failure::Transport { .. } => None,
        }
    }

    fn into_error(self, method: Method, graph: &NamedNode, attempts: u32) -> PushError {
        match self {
            Failure::Status {
                status,
                reason,
                message,
                ..
            } => PushError::Status {
                method: method.name(),
                graph: graph.as_str().to_owned(),
                status: format!("{status} {reason}").trim_end().to_owned(),
                message: if message.is_empty() {
                    String::new()
                } else {
                    format!(": {message}")
                },
                attempts,
                advice: status_advice(status),
            },
            Failure::Transport { message, .. } => PushError::Unreachable { message, attempts },
        }
    }
}

/// What to do about an error status, after `; `.
fn status_advice(status: u16) -> &'static str {
    match status {
        300..=399 | 404 | 405 => {
            "; is the URL the server's Graph Store Protocol endpoint? (Oxigraph server: \
             http://HOST:PORT/store)"
        }
        401 | 403 => {
            "; the server wants credentials: set AKG_GRAPH_STORE_USER and \
             AKG_GRAPH_STORE_PASSWORD, or AKG_GRAPH_STORE_TOKEN"
        }
        status if status_may_pass(status) => "; run akg push again when the server is well",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use oxigraph::model::NamedNode;

    use super::{backoff, checked_endpoint, graph_url, status_may_pass};

    fn check_url(url: &str, expected: Result<&str, &str>) {
        match (checked_endpoint(url), expected) {
            (Ok(url), Ok(expected)) => assert_eq!(url, expected),
            (Err(err), Err(says)) => {
                let err = err.to_string();
                assert!(err.contains(says), "{url}: {err}");
                assert!(!err.contains("hunter2"), "{url}: {err}");
            }
            (got, expected) => panic!("{url}: {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn the_endpoint_is_an_http_url_without_credentials_or_a_graph() {
        check_url(
            "http://127.0.0.1:7878/store",
            Ok("http://127.0.0.1:7878/store"),
        );
        check_url(
            "https://example.com/ds/data?x=1",
            Ok("https://example.com/ds/data?x=1"),
        );
        check_url(
            "http://ann:hunter2@example.com/store",
            Err("AKG_GRAPH_STORE_USER"),
        );
        check_url(
            "http://ann@example.com/store",
            Err("never on the command line"),
        );
        check_url(
            "http://example.com/store?graph=http://g",
            Err("names a graph"),
        );
        check_url("http://example.com/store?default", Err("names a graph"));
        check_url("http://example.com/store#x", Err("fragment"));
        check_url("ftp://example.com/store", Err("http:// or https://"));
        check_url("example.com/store", Err("not a URL"));
        check_url("/store", Err("http:// or https://"));
        check_url("http://exa mple.com/", Err("not a URL"));
    }

    #[test]
    fn the_graph_goes_percent_encoded_into_the_query() {
        let graph = NamedNode::new("https://w3id.org/x/graph/a_b-c.d~e?f=g&h#i").unwrap();
        let encoded = "https%3A%2F%2Fw3id.org%2Fx%2Fgraph%2Fa_b-c.d~e%3Ff%3Dg%26h%23i";
        for (endpoint, expected) in [
            ("http://h/store", format!("http://h/store?graph={encoded}")),
            ("http://h/store?", format!("http://h/store?graph={encoded}")),
            ("http://h/s?x=1", format!("http://h/s?x=1&graph={encoded}")),
        ] {
            assert_eq!(graph_url(endpoint, &graph), expected);
        }
    }

    #[test]
    fn only_failures_that_may_pass_are_retried_after_a_growing_wait() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(status_may_pass(status), "{status}");
        }
        for status in [301, 400, 401, 403, 404, 405, 409, 413, 415, 501, 505] {
            assert!(!status_may_pass(status), "{status}");
        }
        let ms = Duration::from_millis;
        let first = ms(250);
        let waits: Vec<Duration> = (0..7).map(|retry| backoff(first, retry, None)).collect();
        assert_eq!(
            waits,
            [
                ms(250),
                ms(500),
                ms(1000),
                ms(2000),
                ms(4000),
                ms(8000),
                ms(8000)
            ]
        );
        assert_eq!(backoff(first, 40, None), ms(8000));
        // Retry-After is honoured, up to a minute.
        assert_eq!(backoff(first, 0, Some(3)), ms(3000));
        assert_eq!(backoff(first, 0, Some(3600)), ms(60_000));
    }
}
