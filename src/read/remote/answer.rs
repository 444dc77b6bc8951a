//! The answer of a remote endpoint ([`super::RemoteEndpoint`]): `SELECT`
//! and `ASK` results, or `CONSTRUCT` and `DESCRIBE` triples, parsed as
//! they stream in, by the answer's `Content-Type`; and the errors of an
//! exchange that got no answer, broke off or ran past its time limit
//! ([`Limit`]).

use std::error::Error as _;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Triple, Variable};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParseError, QueryResultsParser, ReaderQueryResultsParserOutput,
};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QuerySolutionIter, QueryTripleIter};

use super::{RemoteEndpoint, RemoteError};
use crate::read::QueryError;

impl RemoteEndpoint {
    /// `SELECT` or `ASK` results from the answer, parsed as they stream in.
    pub(super) fn table_results(
        &self,
        answer: Answer,
        limit: Limit,
    ) -> Result<QueryResults<'_>, QueryError> {
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
    pub(super) fn graph_results(
        &self,
        answer: Answer,
        limit: Limit,
    ) -> Result<QueryResults<'_>, QueryError> {
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

    pub(super) fn not_a_table(&self) -> QueryError {
        RemoteError::BadAnswer {
            url: self.url.clone(),
            message: "a SELECT query was not answered with a table of results".to_owned(),
        }
        .into()
    }
}

/// A successful answer: its media type (without parameters) and its body.
pub(super) struct Answer {
    pub(super) media_type: String,
    pub(super) body: Box<dyn io::Read + Send>,
}

/// The time limit of one exchange: the request's own (a query's
/// `--timeout`) or the endpoint's, whichever is shorter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Limit {
    /// No limit.
    None,
    /// The request's timeout: reported as [`QueryError::Timeout`].
    Request(Duration),
    /// The endpoint's timeout: reported as [`RemoteError::Timeout`].
    Endpoint(Duration),
}

impl Limit {
    pub(super) fn of(request: Option<Duration>, endpoint: Option<Duration>) -> Self {
        match (request, endpoint) {
            (Some(request), Some(endpoint)) if endpoint < request => Limit::Endpoint(endpoint),
            (Some(request), _) => Limit::Request(request),
            (None, Some(endpoint)) => Limit::Endpoint(endpoint),
            (None, None) => Limit::None,
        }
    }

    pub(super) fn duration(self) -> Option<Duration> {
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
pub(super) fn transport_error(url: &str, err: ureq::Error, limit: Limit) -> QueryError {
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
pub(super) fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}
