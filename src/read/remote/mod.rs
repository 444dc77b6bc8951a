//! A remote SPARQL 1.1 Protocol query endpoint as a [`Source`]
//! (`--endpoint URL`; Oxigraph server's is `http://HOST:PORT/query`).
//!
//! [`RemoteEndpoint::evaluate`] checks the query as the local store does
//! (its shape, then a parse that tells an update from a syntax error, the
//! dataset's graph names, the bound variables, and `SERVICE`, refused), so
//! that the same query fails with the same error before anything is sent. It then POSTs the
//! query as a form (`query`, `default-graph-uri`, `named-graph-uri`),
//! asking for SPARQL JSON results (`SELECT`, `ASK`) or N-Triples
//! (`CONSTRUCT`, `DESCRIBE`), and parses the answer as it streams in with
//! `oxigraph::sparql::results` or `oxigraph::io` into the same
//! `QueryResults` the local store gives. An answer in another format the
//! parsers know (XML, TSV, Turtle…) is read by its `Content-Type`.
//!
//! How the [`Request`] maps onto the protocol:
//!
//! - Bindings become `VALUES` clauses in the text (a term prints in
//!   N-Triples syntax, which SPARQL parses back as the same term), after
//!   the same check as locally that each bound variable is selected: at the
//!   start of the WHERE group, or after the query for a variable the WHERE
//!   clause assigns itself (`BIND(… AS ?v)`). Unlike a local binding, the
//!   value does not reach into subqueries, and a variable the SELECT clause
//!   computes cannot be bound ([`RemoteError::CannotBind`]); the saved
//!   queries and akg's own readers use their parameters at the top level.
//! - [`Request::dataset`] becomes `default-graph-uri` and `named-graph-uri`.
//! - [`Request::union_default_graph`] (unless the query has `FROM` or a
//!   dataset is given) adds the parameter `union-default-graph`, which
//!   Oxigraph server reads (`oxigraph serve --union-default-graph` sets it
//!   for every query) and other servers ignore: they must use the union of
//!   the named graphs as the default graph by their own configuration.
//!   A request without it cannot turn a server's union off.
//! - [`Request::timeout`] and the endpoint's own limit bound the whole
//!   exchange, the answer's body included; past them the read fails with
//!   [`QueryError::Timeout`] (the request's) or [`RemoteError::Timeout`]
//!   (the endpoint's). The cancellation token cannot stop a blocking read,
//!   so the HTTP timeout stands in for it.
//!
//! [`RemoteEndpoint::quads`] streams `SELECT ?s ?p ?o ?g WHERE { GRAPH ?g
//! { ?s ?p ?o } }`: every quad of every named graph (akg writes nothing to
//! the default graph). Blank nodes keep the labels the server gives them.
//!
//! Credentials come only from the environment ([`credentials_from_env`]); a URL
//! carrying a user name or password is refused, so that no password sits
//! in a shell history or a process list. Every failure is one line naming
//! the URL ([`RemoteError`]). This module never prints and never touches
//! files.
//!
//! This file holds the endpoint, its errors and the request it POSTs;
//! `request` checks a [`Request`] as the local store does and puts its
//! bindings into the text; `answer` parses the answer and turns a failed
//! exchange (no connection, a timeout, a broken answer) into an error.

mod answer;
mod request;

use std::time::Duration;

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::QueryResults;

use super::{QueryError, Request, Source};
use crate::http_client::{
    self, display_url, first_line, has_userinfo, CredentialVariables, CredentialsProblem,
};
use answer::{media_type, transport_error, Answer, Limit};
use request::check_request;

/// The environment variable with a bearer token for the endpoint.
pub const TOKEN_VAR: &str = "AKG_ENDPOINT_TOKEN";
/// The environment variable with the user name for HTTP basic
/// authentication (with [`PASSWORD_VAR`]).
pub const USER_VAR: &str = "AKG_ENDPOINT_USER";
/// The environment variable with the password for HTTP basic
/// authentication (with [`USER_VAR`]).
pub const PASSWORD_VAR: &str = "AKG_ENDPOINT_PASSWORD";

/// The most bytes of an error answer read to find its message.
const ERROR_BODY_LIMIT: u64 = 64 << 10;

/// The query [`RemoteEndpoint::quads`] streams.
const QUADS_QUERY: &str = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }";

/// A SPARQL 1.1 Protocol query endpoint, read over HTTP(S).
pub struct RemoteEndpoint {
    url: String,
    agent: ureq::Agent,
    authorization: Option<String>,
    timeout: Option<Duration>,
}

pub use crate::http_client::Credentials;

/// The environment variables of [`credentials_from_env`].
const VARIABLES: CredentialVariables = CredentialVariables {
    user: USER_VAR,
    password: PASSWORD_VAR,
    token: TOKEN_VAR,
};

/// The credentials that `var` (e.g. `std::env::var`) gives: a token from
/// [`TOKEN_VAR`], or a user and password from [`USER_VAR`] and
/// [`PASSWORD_VAR`], or none. Fails when both kinds, or only half of a
/// user and password, are set. Empty values count as unset.
pub fn credentials_from_env(
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, RemoteError> {
    VARIABLES.read(var).map_err(|problem| {
        RemoteError::Credentials(match problem {
            CredentialsProblem::Both => {
                format!("{TOKEN_VAR} and {USER_VAR}/{PASSWORD_VAR} are both set; set only one kind")
            }
            CredentialsProblem::UserWithoutPassword => {
                format!("{USER_VAR} is set but {PASSWORD_VAR} is not; set both, or {TOKEN_VAR}")
            }
            CredentialsProblem::PasswordWithoutUser => {
                format!("{PASSWORD_VAR} is set but {USER_VAR} is not; set both, or {TOKEN_VAR}")
            }
        })
    })
}

impl RemoteEndpoint {
    /// The endpoint at `url` (`http://` or `https://`, without a user name
    /// or password in it), sending `credentials` with every request; each
    /// request may take at most `timeout` (`None`: no limit), connecting at
    /// most [`http_client::CONNECT_TIMEOUT`]. Nothing is sent yet.
    pub fn new(
        url: &str,
        credentials: Option<&Credentials>,
        timeout: Option<Duration>,
    ) -> Result<Self, RemoteError> {
        check_url(url)?;
        Ok(RemoteEndpoint {
            url: url.to_owned(),
            agent: http_client::agent(None, true),
            authorization: credentials.map(Credentials::authorization),
            timeout,
        })
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The most one request may take (`None`: no limit).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Asks the endpoint `ASK {}`: fails as a query would when it is down,
    /// answers an error status, or is not a SPARQL endpoint.
    pub fn check(&self) -> Result<(), QueryError> {
        match self.evaluate(&Request::new("ASK {}"))? {
            QueryResults::Boolean(_) => Ok(()),
            _ => Err(RemoteError::BadAnswer {
                url: self.url.clone(),
                message: "ASK {} was not answered with a boolean".to_owned(),
            }
            .into()),
        }
    }

    /// Sends `form` and returns the successful answer, or the error that
    /// names what went wrong. `request_timeout` is the caller's own limit.
    fn post(
        &self,
        form: &[(&str, &str)],
        accept: &str,
        request_timeout: Option<Duration>,
    ) -> Result<Answer, QueryError> {
        let limit = Limit::of(request_timeout, self.timeout);
        let builder = self
            .agent
            .post(&self.url)
            .header("Accept", accept)
            .config()
            .timeout_global(limit.duration())
            .build();
        let response = http_client::authorized(builder, self.authorization.as_deref())
            .send_form(form.iter().copied())
            .map_err(|err| self.transport_error(err, limit))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let mut body = response.into_body();
        if !status.is_success() {
            let text = body
                .with_config()
                .limit(ERROR_BODY_LIMIT)
                .lossy_utf8(true)
                .read_to_string()
                .unwrap_or_default();
            return Err(RemoteError::Status {
                url: self.url.clone(),
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or_default().to_owned(),
                message: first_line(text.as_bytes()),
            }
            .into());
        }
        Ok(Answer {
            media_type: media_type(&content_type).to_owned(),
            body: Box::new(body.into_reader()),
        })
    }

    /// The error of a request that got no answer.
    fn transport_error(&self, err: ureq::Error, limit: Limit) -> QueryError {
        transport_error(&self.url, err, limit)
    }
}

impl Source for RemoteEndpoint {
    fn evaluate(&self, request: &Request<'_>) -> Result<QueryResults<'_>, QueryError> {
        let checked = check_request(request)?;
        let mut form = vec![("query", checked.sparql.as_str())];
        if let Some(dataset) = request.dataset {
            form.extend(
                dataset
                    .default_graphs
                    .iter()
                    .map(|iri| ("default-graph-uri", iri.as_str())),
            );
            form.extend(
                dataset
                    .named_graphs
                    .iter()
                    .map(|iri| ("named-graph-uri", iri.as_str())),
            );
        } else if request.union_default_graph && !checked.has_from {
            form.push(("union-default-graph", ""));
        }
        let limit = Limit::of(request.timeout, self.timeout);
        let accept = if checked.is_graph {
            "application/n-triples, text/turtle;q=0.9"
        } else {
            "application/sparql-results+json, application/sparql-results+xml;q=0.9"
        };
        let answer = self.post(&form, accept, request.timeout)?;
        if checked.is_graph {
            self.graph_results(answer, limit)
        } else {
            self.table_results(answer, limit)
        }
    }

    fn quads(&self) -> Box<dyn Iterator<Item = Result<Quad, QueryError>> + '_> {
        let request = Request {
            union_default_graph: false,
            ..Request::new(QUADS_QUERY)
        };
        let solutions = match self.evaluate(&request) {
            Ok(QueryResults::Solutions(solutions)) => solutions,
            Ok(_) => return Box::new(std::iter::once(Err(self.not_a_table()))),
            Err(err) => return Box::new(std::iter::once(Err(err))),
        };
        let url = self.url.clone();
        Box::new(solutions.map(move |solution| {
            let solution = solution.map_err(|err| super::evaluation_error(err, None))?;
            quad_of(solution.values()).ok_or_else(|| {
                RemoteError::BadAnswer {
                    url: url.clone(),
                    message: "a row of the quads query is not a quad".to_owned(),
                }
                .into()
            })
        }))
    }
}

/// The quad of a row of [`QUADS_QUERY`] (`?s ?p ?o ?g`).
fn quad_of(values: &[Option<Term>]) -> Option<Quad> {
    let [Some(subject), Some(predicate), Some(object), Some(graph)] = values else {
        return None;
    };
    let subject = NamedOrBlankNode::try_from(subject.clone()).ok()?;
    let predicate = NamedNode::try_from(predicate.clone()).ok()?;
    let graph: GraphName = NamedOrBlankNode::try_from(graph.clone()).ok()?.into();
    Some(Quad::new(subject, predicate, object.clone(), graph))
}

/// Refuses a URL that is not `http(s)://HOST…` or that carries a user
/// name or password.
fn check_url(url: &str) -> Result<(), RemoteError> {
    let invalid = |message: &str| RemoteError::InvalidUrl {
        url: url.to_owned(),
        message: message.to_owned(),
    };
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| invalid("it does not start with http:// or https://"))?;
    if has_userinfo(url) {
        return Err(RemoteError::CredentialsInUrl {
            url: display_url(url),
        });
    }
    if rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .is_empty()
    {
        return Err(invalid("it has no host"));
    }
    url.parse::<ureq::http::Uri>()
        .map_err(|err| invalid(&err.to_string()))?;
    Ok(())
}

/// Why a remote endpoint could not be read: each one line naming the URL
/// and what to do.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The URL is not one akg can send a query to.
    #[error(
        "{url:?} is not a SPARQL endpoint URL ({message}); give e.g. http://localhost:7878/query"
    )]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// The URL carries a user name or password.
    #[error(
        "the endpoint URL carries a user name or password; give {url} and set {USER_VAR} and \
         {PASSWORD_VAR} (or {TOKEN_VAR}) in the environment instead"
    )]
    CredentialsInUrl {
        /// The URL without them.
        url: String,
    },
    /// The credentials in the environment are incomplete or ambiguous.
    #[error("endpoint credentials: {0}")]
    Credentials(String),
    /// No connection could be made, or it broke off.
    #[error(
        "cannot reach the SPARQL endpoint {url}: {message}; is the server running, and is the \
         URL right?"
    )]
    Unreachable {
        /// The endpoint.
        url: String,
        /// What happened.
        message: String,
    },
    /// The endpoint answered with an error status.
    #[error(
        "the SPARQL endpoint {url} answered {status} {reason}{}{}",
        if message.is_empty() { "" } else { ": " },
        describe_status(*status, message)
    )]
    Status {
        /// The endpoint.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The status's reason phrase.
        reason: String,
        /// The first line of the server's message.
        message: String,
    },
    /// The endpoint did not finish answering within the endpoint's time
    /// limit.
    #[error(
        "the SPARQL endpoint {url} did not answer within {seconds} s; raise --endpoint-timeout \
         or ask the server's administrator"
    )]
    Timeout {
        /// The endpoint.
        url: String,
        /// The limit, in seconds.
        seconds: f64,
    },
    /// The answer is not what was asked for.
    #[error("the SPARQL endpoint {url} sent an answer akg cannot read: {message}")]
    BadAnswer {
        /// The endpoint.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// Another failure of HTTP (TLS, protocol, redirects).
    #[error("cannot query the SPARQL endpoint {url}: {message}")]
    Http {
        /// The endpoint.
        url: String,
        /// What happened.
        message: String,
    },
    /// The request's bindings cannot be put into the query text.
    #[error("cannot bind variables for a remote endpoint: {0}")]
    CannotBind(String),
}

impl RemoteError {
    /// The HTTP status `akg serve` answers with when a query on a remote
    /// endpoint fails so: 504 past the endpoint's time limit, 400 for
    /// bindings that cannot be sent, 502 when the endpoint failed or is
    /// down, 500 for a configuration akg should not have started with.
    pub fn status(&self) -> u16 {
        match self {
            RemoteError::Timeout { .. } => 504,
            RemoteError::CannotBind(_) => 400,
            RemoteError::Unreachable { .. }
            | RemoteError::Status { .. }
            | RemoteError::BadAnswer { .. }
            | RemoteError::Http { .. } => 502,
            RemoteError::InvalidUrl { .. }
            | RemoteError::CredentialsInUrl { .. }
            | RemoteError::Credentials(_) => 500,
        }
    }
}

/// The server's message, and what to do about the statuses that have a
/// usual cause.
fn describe_status(status: u16, message: &str) -> String {
    let advice = match status {
        401 | 403 => Some(format!(
            "set {USER_VAR} and {PASSWORD_VAR}, or {TOKEN_VAR}, to credentials the server accepts"
        )),
        404 | 405 => {
            Some("is this the query endpoint? (Oxigraph server: http://HOST:PORT/query)".to_owned())
        }
        _ => None,
    };
    match (message.is_empty(), advice) {
        (true, Some(advice)) => format!("; {advice}"),
        (false, Some(advice)) => format!("{message}; {advice}"),
        (_, None) => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{self, BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::thread;

    use oxigraph::model::Literal;

    use super::*;
    use crate::read::{Dataset, SelectRows};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// What the test server received: the request line, the headers
    /// (lowercase names) and the body.
    struct Received {
        request_line: String,
        headers: Vec<(String, String)>,
        body: String,
    }

    impl Received {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }

        /// The form's values for `key`.
        fn form(&self, key: &str) -> Vec<String> {
            form_urlencoded::parse(self.body.as_bytes())
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .collect()
        }
    }

    /// A server on a loopback port that answers one request with
    /// `response` (raw HTTP) after `delay`, and reports what it received.
    fn serve_once(
        response: &str,
        delay: Duration,
    ) -> Result<(String, mpsc::Receiver<Received>), io::Error> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}/query", listener.local_addr()?);
        let response = response.to_owned();
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || -> io::Result<()> {
            let (stream, _) = listener.accept()?;
            let mut reader = BufReader::new(stream.try_clone()?);
            let mut request_line = String::new();
            reader.read_line(&mut request_line)?;
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line)?;
                let Some((name, value)) = line.trim_end().split_once(": ") else {
                    break;
                };
                headers.push((name.to_ascii_lowercase(), value.to_owned()));
            }
            let length = headers
                .iter()
                .find(|(name, _)| name == "content-length")
                .and_then(|(_, value)| value.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            let _ = sender.send(Received {
                request_line: request_line.trim_end().to_owned(),
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
            thread::sleep(delay);
            let mut stream = stream;
            // The client may have given up already.
            let _ = stream.write_all(response.as_bytes());
            Ok(())
        });
        Ok((url, receiver))
    }

    fn http(status: &str, content_type: &str, body: &str) -> String {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
    }

    fn endpoint(url: &str) -> Result<RemoteEndpoint, RemoteError> {
        RemoteEndpoint::new(url, None, Some(Duration::from_secs(10)))
    }

    const TWO_ROWS: &str = r#"{"head":{"vars":["s","n"]},"results":{"bindings":[
        {"s":{"type":"uri","value":"http://e/a"},"n":{"type":"literal","value":"1","datatype":"http://www.w3.org/2001/XMLSchema#integer"}},
        {"s":{"type":"uri","value":"http://e/b"}}]}}"#;

    #[test]
    fn select_results_are_parsed_and_the_request_follows_the_protocol() -> TestResult {
        let (url, received) = serve_once(
            &http("200 OK", "application/sparql-results+json", TWO_ROWS),
            Duration::ZERO,
        )?;
        let credentials = Credentials::Bearer("s3cret".to_owned());
        let remote = RemoteEndpoint::new(&url, Some(&credentials), None)?;
        let (variables, rows): SelectRows = remote.select("SELECT ?s ?n { ?s ?p ?n }", &[])?;
        assert_eq!(variables, ["s", "n"]);
        assert_eq!(
            rows,
            [
                vec![
                    Some(NamedNode::new("http://e/a")?.into()),
                    Some(Literal::from(1).into())
                ],
                vec![Some(NamedNode::new("http://e/b")?.into()), None],
            ]
        );
        let request = received.recv()?;
        assert_eq!(request.request_line, "POST /query HTTP/1.1");
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(request
            .header("accept")
            .is_some_and(|accept| accept.starts_with("application/sparql-results+json")));
        assert_eq!(request.header("authorization"), Some("Bearer s3cret"));
        assert_eq!(request.form("query"), ["SELECT ?s ?n { ?s ?p ?n }"]);
        assert_eq!(request.form("union-default-graph"), [""]);
        Ok(())
    }

    #[test]
    fn a_dataset_is_sent_as_graph_parameters_instead_of_the_union() -> TestResult {
        let (url, received) = serve_once(
            &http(
                "200 OK",
                "application/sparql-results+json",
                r#"{"boolean":true}"#,
            ),
            Duration::ZERO,
        )?;
        let dataset = Dataset {
            default_graphs: vec!["http://e/g1".to_owned()],
            named_graphs: vec!["http://e/g2".to_owned(), "http://e/g3".to_owned()],
        };
        let request = Request {
            dataset: Some(&dataset),
            ..Request::new("ASK { ?s ?p ?o }")
        };
        let remote = endpoint(&url)?;
        let results = remote.evaluate(&request)?;
        assert!(matches!(results, QueryResults::Boolean(true)));
        let sent = received.recv()?;
        assert_eq!(sent.form("default-graph-uri"), ["http://e/g1"]);
        assert_eq!(sent.form("named-graph-uri"), ["http://e/g2", "http://e/g3"]);
        assert!(sent.form("union-default-graph").is_empty());
        Ok(())
    }

    #[test]
    fn construct_results_are_read_as_n_triples() -> TestResult {
        let (url, received) = serve_once(
            &http(
                "200 OK",
                "application/n-triples",
                "<http://e/a> <http://e/p> \"x\" .\n",
            ),
            Duration::ZERO,
        )?;
        let remote = endpoint(&url)?;
        let QueryResults::Graph(triples) =
            remote.evaluate(&Request::new("CONSTRUCT WHERE { ?s ?p ?o }"))?
        else {
            return Err("not a graph".into());
        };
        let triples: Vec<String> = triples
            .map(|t| t.map(|t| t.to_string()))
            .collect::<Result<_, _>>()?;
        assert_eq!(triples, ["<http://e/a> <http://e/p> \"x\""]);
        assert!(received
            .recv()?
            .header("accept")
            .is_some_and(|accept| accept.starts_with("application/n-triples")));
        Ok(())
    }

    /// The one-line message of a request that fails.
    fn failure(response: &str, delay: Duration, request: Request<'_>) -> String {
        let (url, _received) = match serve_once(response, delay) {
            Ok(served) => served,
            Err(err) => return format!("no test server: {err}"),
        };
        let remote = match RemoteEndpoint::new(&url, None, Some(Duration::from_secs(1))) {
            Ok(remote) => remote,
            Err(err) => return format!("unexpected: {err}"),
        };
        let result = remote.evaluate(&request).and_then(|results| match results {
            QueryResults::Solutions(solutions) => solutions
                .map(|row| {
                    row.map(drop)
                        .map_err(|err| crate::read::evaluation_error(err, None))
                })
                .collect::<Result<Vec<()>, _>>()
                .map(drop),
            _ => Ok(()),
        });
        match result {
            Ok(()) => "succeeded".to_owned(),
            Err(err) => err.to_string().replace(&url, "URL"),
        }
    }

    #[test]
    fn errors_are_one_line_naming_the_endpoint() {
        let select = Request::new("SELECT * { ?s ?p ?o }");
        let check = |response: &str, delay: Duration, request: Request<'_>, expected: &str| {
            assert_eq!(failure(response, delay, request), expected);
        };
        check(
            &http(
                "500 Internal Server Error",
                "text/plain",
                "disk full\nat line 2\n",
            ),
            Duration::ZERO,
            select,
            "the SPARQL endpoint URL answered 500 Internal Server Error: disk full",
        );
        check(
            &http("404 Not Found", "text/plain", ""),
            Duration::ZERO,
            select,
            "the SPARQL endpoint URL answered 404 Not Found; is this the query endpoint? \
             (Oxigraph server: http://HOST:PORT/query)",
        );
        check(
            &http("401 Unauthorized", "text/plain", "who are you"),
            Duration::ZERO,
            select,
            "the SPARQL endpoint URL answered 401 Unauthorized: who are you; set \
             AKG_ENDPOINT_USER and AKG_ENDPOINT_PASSWORD, or AKG_ENDPOINT_TOKEN, to \
             credentials the server accepts",
        );
        check(
            &http("200 OK", "text/html", "<html>"),
            Duration::ZERO,
            select,
            "the SPARQL endpoint URL sent an answer akg cannot read: the answer is text/html, \
             which akg cannot read",
        );
        let cut = &TWO_ROWS[..TWO_ROWS.len() - 20];
        let truncated = failure(
            &http("200 OK", "application/sparql-results+json", cut),
            Duration::ZERO,
            select,
        );
        assert!(
            truncated.starts_with("the SPARQL endpoint URL sent an answer akg cannot read: "),
            "{truncated}"
        );
        check(
            &http("200 OK", "application/sparql-results+json", TWO_ROWS),
            Duration::from_secs(3),
            select,
            "the SPARQL endpoint URL did not answer within 1 s; raise --endpoint-timeout or ask \
             the server's administrator",
        );
        let with_timeout = Request {
            timeout: Some(Duration::from_millis(500)),
            ..select
        };
        check(
            &http("200 OK", "application/sparql-results+json", TWO_ROWS),
            Duration::from_secs(3),
            with_timeout,
            "query stopped after 0.5 s; narrow it or raise --timeout",
        );
    }

    #[test]
    fn a_server_that_is_down_is_named() -> TestResult {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let url = format!("http://127.0.0.1:{port}/query");
        let err = endpoint(&url)?
            .select("ASK {}", &[])
            .map(drop)
            .err()
            .ok_or("a closed port answered")?;
        assert_eq!(
            err.to_string(),
            format!(
                "cannot reach the SPARQL endpoint {url}: the connection was refused; is the \
                 server running, and is the URL right?"
            )
        );
        Ok(())
    }

    #[test]
    fn queries_are_refused_as_the_local_store_refuses_them_before_sending() -> TestResult {
        // Nothing listens on port 9 of this test: a request would fail as
        // unreachable, not with these errors.
        let remote = endpoint("http://127.0.0.1:9/query")?;
        let refused = |sparql: &str, bindings: &[(&str, Term)]| {
            let request = Request {
                bindings,
                ..Request::new(sparql)
            };
            remote.evaluate(&request).err().map(|err| err.to_string())
        };
        assert_eq!(
            refused("INSERT DATA { <a:a> <a:a> <a:a> }", &[]).as_deref(),
            Some("updates are not allowed: the store is read-only; rebuild it with `akg build`")
        );
        assert!(refused("SELECT * WHERE {", &[]).is_some_and(|e| e.starts_with("invalid SPARQL")));
        assert!(
            refused("SELECT * { SERVICE <http://e/> { ?s ?p ?o } }", &[])
                .is_some_and(|e| e.starts_with("SERVICE <http://e/> is not supported"))
        );
        let iri: Term = NamedNode::new("http://e/a")?.into();
        assert_eq!(
            refused("SELECT ?s { ?s ?p ?o }", &[("o", iri.clone())]).as_deref(),
            Some("variable ?o is bound but not selected; add it to the SELECT clause")
        );
        let blank: Term = oxigraph::model::BlankNode::default().into();
        assert!(refused("SELECT ?s { ?s ?p ?o }", &[("s", blank)])
            .is_some_and(|e| e.contains("blank node")));
        let label: Term = Literal::new_simple_literal("A").into();
        let ends_with_values = "SELECT ?l { ?s ?p ?x BIND(STR(?x) AS ?l) } VALUES ?s { <a:s> }";
        assert!(refused(ends_with_values, &[("l", label)])
            .is_some_and(|e| e.contains("ends with a VALUES clause")));
        let count = "SELECT (COUNT(*) AS ?n) ?s { ?s ?p ?o } GROUP BY ?s";
        assert!(refused(count, &[("n", Literal::from(2).into())])
            .is_some_and(|e| e.contains("?n is computed by the SELECT clause")));
        Ok(())
    }

    /// Bindings put in the text give the solutions that the local store's
    /// bindings give, on the same data.
    #[test]
    fn credentials_come_from_the_environment() {
        let check = |vars: &[(&str, &str)], expected: &str| {
            let lookup = |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            };
            let actual = match credentials_from_env(lookup) {
                Ok(credentials) => {
                    credentials.map_or_else(|| "none".to_owned(), |c| c.authorization())
                }
                Err(err) => err.to_string(),
            };
            assert_eq!(actual, expected, "{vars:?}");
        };
        check(&[], "none");
        check(&[(USER_VAR, "")], "none");
        check(&[(TOKEN_VAR, "t0k")], "Bearer t0k");
        check(
            &[(USER_VAR, "Aladdin"), (PASSWORD_VAR, "open sesame")],
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        );
        check(
            &[(USER_VAR, "a")],
            "endpoint credentials: AKG_ENDPOINT_USER is set but AKG_ENDPOINT_PASSWORD is not; \
             set both, or AKG_ENDPOINT_TOKEN",
        );
        check(
            &[(TOKEN_VAR, "t"), (USER_VAR, "a"), (PASSWORD_VAR, "b")],
            "endpoint credentials: AKG_ENDPOINT_TOKEN and AKG_ENDPOINT_USER/AKG_ENDPOINT_PASSWORD \
             are both set; set only one kind",
        );
        assert_eq!(
            format!("{:?}", Credentials::Bearer("secret".to_owned())),
            "Credentials::Bearer"
        );
    }

    #[test]
    fn urls_are_checked_and_credentials_in_them_refused() {
        let check = |url: &str, expected: &str| {
            let actual = match check_url(url) {
                Ok(()) => "ok".to_owned(),
                Err(err) => err.to_string(),
            };
            assert_eq!(actual, expected, "{url}");
        };
        check("http://localhost:7878/query", "ok");
        check("https://sparql.example.org/ds/query?x=1", "ok");
        check(
            "localhost:7878/query",
            "\"localhost:7878/query\" is not a SPARQL endpoint URL (it does not start with \
             http:// or https://); give e.g. http://localhost:7878/query",
        );
        check(
            "http:///query",
            "\"http:///query\" is not a SPARQL endpoint URL (it has no host); give e.g. \
             http://localhost:7878/query",
        );
        check(
            "https://ann:pw@db.example.org/query",
            "the endpoint URL carries a user name or password; give \
             https://db.example.org/query and set AKG_ENDPOINT_USER and AKG_ENDPOINT_PASSWORD \
             (or AKG_ENDPOINT_TOKEN) in the environment instead",
        );
    }
}
