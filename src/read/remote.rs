//! A remote SPARQL 1.1 Protocol query endpoint as a [`Source`]
//! (`--endpoint URL`; Oxigraph server's is `http://HOST:PORT/query`).
//!
//! [`RemoteEndpoint::evaluate`] checks the query as the local store does
//! (its shape, then a parse that tells an update from a syntax error, the
//! dataset's graph names and the bound variables), so that the same query
//! fails with the same error before anything is sent. It then POSTs the
//! query as a form (`query`, `default-graph-uri`, `named-graph-uri`),
//! asking for SPARQL JSON results (`SELECT`, `ASK`) or N-Triples
//! (`CONSTRUCT`, `DESCRIBE`), and parses the answer as it streams in with
//! `oxigraph::sparql::results` or `oxigraph::io` into the same
//! `QueryResults` the local store gives. An answer in another format the
//! parsers know (XML, TSV, Turtle…) is read by its `Content-Type`.
//!
//! How the [`Request`] maps onto the protocol:
//!
//! - Bindings become a `VALUES` clause after the query (a term prints in
//!   N-Triples syntax, which SPARQL parses back as the same term), after
//!   the same check as locally that each bound variable is selected. A
//!   query that already ends with `VALUES` cannot take another and is
//!   refused ([`RemoteError::CannotBind`]).
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
//! Credentials come only from the environment ([`Credentials`]); a URL
//! carrying a user name or password is refused, so that no password sits
//! in a shell history or a process list. Every failure is one line naming
//! the URL ([`RemoteError`]). This module never prints and never touches
//! files.

use std::error::Error as _;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Term, Triple, Variable};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParseError, QueryResultsParser, ReaderQueryResultsParserOutput,
};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QuerySolutionIter, QueryTripleIter};

use super::{local, shape, values_clause, variable, QueryError, Request, Source};

/// How long connecting to the endpoint may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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

/// How akg proves who it is to the endpoint: read from the environment,
/// never from the command line.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// No `Authorization` header.
    None,
    /// HTTP basic authentication ([`USER_VAR`], [`PASSWORD_VAR`]).
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// A bearer token ([`TOKEN_VAR`]).
    Bearer(String),
}

impl std::fmt::Debug for Credentials {
    /// Names the kind only: a secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::None => "Credentials::None",
            Credentials::Basic { .. } => "Credentials::Basic",
            Credentials::Bearer(_) => "Credentials::Bearer",
        })
    }
}

impl Credentials {
    /// The credentials that `var` (e.g. `std::env::var`) gives: a token
    /// from [`TOKEN_VAR`], or a user and password from [`USER_VAR`] and
    /// [`PASSWORD_VAR`], or none. Fails when both kinds, or only half of a
    /// user and password, are set. Empty values count as unset.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, RemoteError> {
        let get = |name: &str| var(name).filter(|value| !value.is_empty());
        match (get(TOKEN_VAR), get(USER_VAR), get(PASSWORD_VAR)) {
            (None, None, None) => Ok(Credentials::None),
            (Some(token), None, None) => Ok(Credentials::Bearer(token)),
            (None, Some(user), Some(password)) => Ok(Credentials::Basic { user, password }),
            (Some(_), _, _) => Err(RemoteError::Credentials(format!(
                "{TOKEN_VAR} and {USER_VAR}/{PASSWORD_VAR} are both set; set only one kind"
            ))),
            (None, Some(_), None) => Err(RemoteError::Credentials(format!(
                "{USER_VAR} is set but {PASSWORD_VAR} is not; set both, or {TOKEN_VAR}"
            ))),
            (None, None, Some(_)) => Err(RemoteError::Credentials(format!(
                "{PASSWORD_VAR} is set but {USER_VAR} is not; set both, or {TOKEN_VAR}"
            ))),
        }
    }

    /// The value of the `Authorization` header, if any.
    fn header(&self) -> Option<String> {
        match self {
            Credentials::None => None,
            Credentials::Basic { user, password } => Some(format!(
                "Basic {}",
                base64(format!("{user}:{password}").as_bytes())
            )),
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
        }
    }
}

impl RemoteEndpoint {
    /// The endpoint at `url` (`http://` or `https://`, without a user name
    /// or password in it), sending `credentials` with every request; each
    /// request may take at most `timeout` (`None`: no limit), connecting at
    /// most [`CONNECT_TIMEOUT`]. Nothing is sent yet.
    pub fn new(
        url: &str,
        credentials: &Credentials,
        timeout: Option<Duration>,
    ) -> Result<Self, RemoteError> {
        check_url(url)?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .user_agent(concat!("akg/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(RemoteEndpoint {
            url: url.to_owned(),
            agent,
            authorization: credentials.header(),
            timeout,
        })
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
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
        let mut builder = self
            .agent
            .post(&self.url)
            .header("Accept", accept)
            .config()
            .timeout_global(limit.duration())
            .build();
        if let Some(authorization) = &self.authorization {
            builder = builder.header("Authorization", authorization);
        }
        let response = builder
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
                message: first_line(&text),
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

impl RemoteEndpoint {
    /// `SELECT` or `ASK` results from the answer, parsed as they stream in.
    fn table_results(&self, answer: Answer, limit: Limit) -> Result<QueryResults<'_>, QueryError> {
        let format = QueryResultsFormat::from_media_type(&answer.media_type)
            .ok_or_else(|| self.unreadable_type(&answer.media_type))?;
        let parsed = QueryResultsParser::from_format(format)
            .for_reader(answer.body)
            .map_err(|err| results_error(&self.url, err, limit))?;
        match parsed {
            ReaderQueryResultsParserOutput::Boolean(value) => Ok(QueryResults::Boolean(value)),
            ReaderQueryResultsParserOutput::Solutions(solutions) => {
                let variables: Arc<[Variable]> = solutions.variables().into();
                let url = self.url.clone();
                let rows = solutions.map(move |row| {
                    row.map_err(|err| {
                        let err = results_error(&url, err, limit);
                        QueryEvaluationError::Dataset(Box::new(err))
                    })
                });
                Ok(QueryResults::Solutions(QuerySolutionIter::new(
                    variables, rows,
                )))
            }
        }
    }

    /// `CONSTRUCT` or `DESCRIBE` results from the answer, parsed as they
    /// stream in.
    fn graph_results(&self, answer: Answer, limit: Limit) -> Result<QueryResults<'_>, QueryError> {
        let format = RdfFormat::from_media_type(&answer.media_type)
            .ok_or_else(|| self.unreadable_type(&answer.media_type))?;
        let url = self.url.clone();
        let triples = RdfParser::from_format(format)
            .for_reader(answer.body)
            .map(move |quad| {
                quad.map(Triple::from).map_err(|err| {
                    let err = match err {
                        oxigraph::io::RdfParseError::Io(io) => read_error(&url, io, limit),
                        oxigraph::io::RdfParseError::Syntax(syntax) => RemoteError::BadAnswer {
                            url: url.clone(),
                            message: syntax.to_string(),
                        }
                        .into(),
                    };
                    QueryEvaluationError::Dataset(Box::new(err))
                })
            });
        Ok(QueryResults::Graph(QueryTripleIter::new(triples)))
    }

    fn unreadable_type(&self, media_type: &str) -> QueryError {
        RemoteError::BadAnswer {
            url: self.url.clone(),
            message: if media_type.is_empty() {
                "the answer has no Content-Type".to_owned()
            } else {
                format!("the answer is {media_type}, which akg cannot read")
            },
        }
        .into()
    }

    fn not_a_table(&self) -> QueryError {
        RemoteError::BadAnswer {
            url: self.url.clone(),
            message: "a SELECT query was not answered with a table of results".to_owned(),
        }
        .into()
    }
}

/// A successful answer: its media type (without parameters) and its body.
struct Answer {
    media_type: String,
    body: Box<dyn io::Read + Send>,
}

/// What a request checked like the local store sends: its text (with a
/// `VALUES` clause for the bindings), its form, and whether it has `FROM`.
struct CheckedQuery {
    sparql: String,
    is_graph: bool,
    has_from: bool,
}

/// Checks a request the way [`local::prepare`] does, with the same errors,
/// and puts its bindings into the text.
fn check_request(request: &Request<'_>) -> Result<CheckedQuery, QueryError> {
    let sparql = request.sparql;
    shape::check(sparql)?;
    let query = parse(sparql)?;
    if let Some(dataset) = request.dataset {
        local::graph_names(&dataset.default_graphs)?;
        local::graph_names(&dataset.named_graphs)?;
    }
    let is_graph = matches!(
        query,
        spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. }
    );
    let has_from = query.dataset().is_some();
    if request.bindings.is_empty() {
        return Ok(CheckedQuery {
            sparql: sparql.to_owned(),
            is_graph,
            has_from,
        });
    }
    let pattern = match &query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. }
        | spargebra::Query::Ask { pattern, .. } => pattern,
    };
    let mut in_scope = Vec::new();
    pattern.on_in_scope_variable(|v| in_scope.push(v.clone()));
    for (name, term) in request.bindings {
        let bound = variable(name)?;
        if !in_scope.contains(&bound) {
            return Err(QueryError::BindingNotSelected {
                name: bound.as_str().to_owned(),
            });
        }
        if matches!(term, Term::BlankNode(_)) {
            return Err(RemoteError::CannotBind(format!(
                "?{} is bound to a blank node, which a query sent to a server cannot name",
                bound.as_str()
            ))
            .into());
        }
    }
    Ok(CheckedQuery {
        sparql: bind_in_text(sparql, request.bindings)?,
        is_graph,
        has_from,
    })
}

/// `sparql` with `bindings` put in `VALUES` clauses: at the start of the
/// WHERE group, where the value reaches every pattern and `BIND` of the
/// query's top level before they run, as a local binding does; or, for a
/// variable the query assigns itself (`BIND(… AS ?v)`, a select expression),
/// which SPARQL forbids a value before that, after the query, which keeps
/// the solutions where it has that value. Each choice is checked by parsing
/// the result.
fn bind_in_text(sparql: &str, bindings: &[(&str, Term)]) -> Result<String, QueryError> {
    let parses = |text: &str| spargebra::SparqlParser::new().parse_query(text).is_ok();
    let lead_with = |at: usize, bindings: &[(&str, Term)]| -> Result<String, QueryError> {
        Ok(format!(
            "{}\n{}\n{}",
            &sparql[..at],
            values_clause(bindings)?,
            &sparql[at..]
        ))
    };
    let mut leading = Vec::new();
    let mut trailing = Vec::new();
    let start = shape::where_group_start(sparql);
    for binding in bindings {
        match start {
            Some(at) if parses(&lead_with(at, std::slice::from_ref(binding))?) => {
                leading.push(binding.clone());
            }
            _ => trailing.push(binding.clone()),
        }
    }
    let mut bound = match start {
        Some(at) if !leading.is_empty() => lead_with(at, &leading)?,
        _ => sparql.to_owned(),
    };
    if !trailing.is_empty() {
        // After a newline: the query may end in a comment.
        bound = format!("{bound}\n{}", values_clause(&trailing)?);
    }
    if parses(&bound) {
        Ok(bound)
    } else {
        Err(RemoteError::CannotBind(
            "the query ends with a VALUES clause, which cannot take another; \
             move it into the WHERE clause"
                .to_owned(),
        )
        .into())
    }
}

/// Parses `sparql` as a query, with the errors of [`local::prepare`].
fn parse(sparql: &str) -> Result<spargebra::Query, QueryError> {
    spargebra::SparqlParser::new()
        .parse_query(sparql)
        .map_err(|err| {
            if local::is_update(sparql) {
                QueryError::Update
            } else {
                local::syntax_error(&err)
            }
        })
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

/// The time limit of one exchange: the request's own (a query's
/// `--timeout`) or the endpoint's, whichever is shorter.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Limit {
    /// No limit.
    None,
    /// The request's timeout: reported as [`QueryError::Timeout`].
    Request(Duration),
    /// The endpoint's timeout: reported as [`RemoteError::Timeout`].
    Endpoint(Duration),
}

impl Limit {
    fn of(request: Option<Duration>, endpoint: Option<Duration>) -> Self {
        match (request, endpoint) {
            (Some(request), Some(endpoint)) if endpoint < request => Limit::Endpoint(endpoint),
            (Some(request), _) => Limit::Request(request),
            (None, Some(endpoint)) => Limit::Endpoint(endpoint),
            (None, None) => Limit::None,
        }
    }

    fn duration(self) -> Option<Duration> {
        match self {
            Limit::None => None,
            Limit::Request(duration) | Limit::Endpoint(duration) => Some(duration),
        }
    }

    /// The error of a request stopped by this limit.
    fn timeout_error(self, url: &str) -> QueryError {
        match self {
            Limit::Request(duration) => QueryError::Timeout {
                seconds: duration.as_secs_f64(),
            },
            Limit::Endpoint(duration) => RemoteError::Timeout {
                url: url.to_owned(),
                seconds: duration.as_secs_f64(),
            }
            .into(),
            // Only a timeout of the system's (TCP) can fire without a limit.
            Limit::None => RemoteError::Unreachable {
                url: url.to_owned(),
                message: "the connection timed out".to_owned(),
            }
            .into(),
        }
    }
}

/// The error of a request that got no answer, or whose answer broke off.
fn transport_error(url: &str, err: ureq::Error, limit: Limit) -> QueryError {
    let unreachable = |message: String| -> QueryError {
        RemoteError::Unreachable {
            url: url.to_owned(),
            message,
        }
        .into()
    };
    match err {
        ureq::Error::Timeout(_) => limit.timeout_error(url),
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::TimedOut => limit.timeout_error(url),
        ureq::Error::Io(io) => unreachable(io_message(&io)),
        ureq::Error::HostNotFound => unreachable("its host name is not known".to_owned()),
        ureq::Error::ConnectionFailed => unreachable("the connection failed".to_owned()),
        ureq::Error::BadUri(message) => RemoteError::InvalidUrl {
            url: url.to_owned(),
            message,
        }
        .into(),
        other => RemoteError::Http {
            url: url.to_owned(),
            message: other.to_string(),
        }
        .into(),
    }
}

/// A parse error of a `SELECT` or `ASK` answer: a timeout or transport
/// failure while reading it, or a body that is not what its type says.
fn results_error(url: &str, err: QueryResultsParseError, limit: Limit) -> QueryError {
    match err {
        QueryResultsParseError::Io(io) => read_error(url, io, limit),
        QueryResultsParseError::Syntax(syntax) => RemoteError::BadAnswer {
            url: url.to_owned(),
            message: syntax.to_string(),
        }
        .into(),
    }
}

/// The error of reading an answer's body.
fn read_error(url: &str, err: io::Error, limit: Limit) -> QueryError {
    // The body reader passes ureq's own errors wrapped in io::Error.
    transport_error(url, ureq::Error::from(err), limit)
}

/// An io::Error's message, in words for the commonest kinds.
fn io_message(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "the connection was refused".to_owned(),
        io::ErrorKind::ConnectionReset => "the connection was reset".to_owned(),
        io::ErrorKind::UnexpectedEof => "the server closed the connection".to_owned(),
        _ => {
            let mut message = err.to_string();
            if let Some(source) = err.source() {
                let source = source.to_string();
                if !message.contains(&source) {
                    message = format!("{message}: {source}");
                }
            }
            message
        }
    }
}

/// The media type of a `Content-Type` value, without its parameters.
fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

/// The first line of an error answer with text, shortened to 300
/// characters; empty for an empty body.
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    match line.char_indices().nth(300) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_owned(),
    }
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
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some((userinfo, _)) = authority.rsplit_once('@') {
        let without = url.replacen(&format!("{userinfo}@"), "", 1);
        return Err(RemoteError::CredentialsInUrl { url: without });
    }
    if authority.is_empty() {
        return Err(invalid("it has no host"));
    }
    url.parse::<ureq::http::Uri>()
        .map_err(|err| invalid(&err.to_string()))?;
    Ok(())
}

/// Standard base64 (RFC 4648, with padding), for basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
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
    #[error("cannot reach the SPARQL endpoint {url}: {message}; is the server running?")]
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
