//! The read layer: the one way the program reads the graph.
//!
//! Every reader (`akg query` and `akg serve` in [`crate::query`], the claim
//! export in [`crate::claims`], the network of [`crate::graph`] and what is
//! built on it, [`crate::trace`], [`crate::dump`]) reads through a
//! [`Source`]: [`Source::evaluate`] answers one read-only SPARQL query, a
//! [`Request`], with Oxigraph's `QueryResults`, and [`Source::quads`] gives
//! every quad. The local store is one ([`local`]). A remote SPARQL endpoint
//! is another ([`remote`], `--endpoint URL`): it sends the request over the
//! SPARQL 1.1 Protocol and parses the answer with
//! `oxigraph::sparql::results` into the same `QueryResults`, and every
//! reader works on it unchanged. On top of the
//! two, [`Source::select`] collects the rows of a `SELECT` for library
//! callers, and [`values_clause`] binds variables in the query text where
//! the binding must steer the join order.
//!
//! Rules, whatever the caller:
//!
//! - The default graph is the union of all named graphs (facts live in one
//!   named graph per article), unless the query has `FROM`/`FROM NAMED`
//!   clauses, the request gives a [`Dataset`], or
//!   [`Request::union_default_graph`] is false.
//! - Updates (`INSERT`, `DELETE`, `LOAD`, `CLEAR`, …) are refused: the store
//!   is only ever written by `akg build`.
//! - `SERVICE` (federation) is refused: oxigraph is built without its HTTP
//!   client, so no handler exists and evaluation fails with
//!   [`QueryError::Service`]; nothing leaves the machine. A remote endpoint
//!   refuses it before sending, so its server is not asked to call others.
//! - A query is refused before it is parsed if it nests deeper than
//!   [`MAX_NESTING`] or has more than [`MAX_TOKENS`] tokens (the `shape`
//!   module measures its text): Oxigraph's parser and optimizer recurse
//!   along both, and a stack overflow aborts the whole process. User
//!   queries (of `akg query` and `akg serve`) are parsed and evaluated on a
//!   thread with a [`STACK_SIZE`] stack, many times what the limits need.
//!
//! This module never prints and never touches files; [`remote`] is the only
//! code that talks to a SPARQL server.

pub mod local;
pub mod properties;
pub mod remote;
mod shape;

pub(crate) use shape::check;

use std::io;
use std::thread;
use std::time::Duration;

use oxigraph::model::{Quad, Term, Variable};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults};
use oxigraph::store::StorageError;

/// The deepest a query may nest: open brackets (`(`, `[`, `{`) plus prefix
/// operators (`!`, unary `-` and `+`) still waiting for their operand.
///
/// Oxigraph's parser recurses once per level, and its optimizer and
/// evaluator again: 2.4 to 5 KiB of stack per level, so that 8 MiB (the
/// main thread of `akg query`, the threads of `akg serve`) overflowed at
/// 1,700 to 3,500 levels, and 2 MiB at 400 to 860. At 256 levels the costliest construct measured (`CONCAT(`,
/// `COALESCE(`; also `(`, `{`, `[`, `EXISTS {`, sub-`SELECT`, `IF(`) needs
/// 1.3 MB. Written queries nest a dozen deep.
pub const MAX_NESTING: usize = 256;

/// The most tokens (words, literals, IRIs, punctuation) a query may have
/// outside `VALUES` blocks.
///
/// Oxigraph's optimizer recurses along chains of joins, unions and binary
/// operators, up to 0.7 KiB of stack per token: 12,000 tokens of
/// `?s ?p 1,1,1,…` (24 KB) overflowed 8 MiB. At 10,000 tokens
/// the costliest chain measured (objects, `UNION`s, `/` paths; also `.`,
/// `||`, `&&`, `+`, `OPTIONAL`, `MINUS`, `FILTER`, `BIND`) needs 7 MB.
/// Values are read in a loop, so a `VALUES` block may be as long as the
/// request allows.
pub const MAX_TOKENS: usize = 10_000;

/// The stack of the thread that parses and evaluates a query: a query at
/// both [`MAX_NESTING`] and [`MAX_TOKENS`] needs about 8.3 MB, so this
/// leaves a margin of seven. Only the pages a query touches are committed.
pub const STACK_SIZE: usize = 64 << 20;

/// Where the graph is read from: the local store ([`local`]), or any other
/// implementation of the SPARQL 1.1 Query operations (a remote endpoint).
///
/// Implementations answer read-only queries only, with the rules of the
/// module docs.
pub trait Source: Sync {
    /// Evaluates one read-only query.
    ///
    /// Errors: [`QueryError::Syntax`], [`QueryError::Update`],
    /// [`QueryError::TooDeep`] and [`QueryError::TooLong`] before anything
    /// runs; [`QueryError::InvalidGraph`], [`QueryError::InvalidVariable`]
    /// and [`QueryError::BindingNotSelected`] for a bad request;
    /// [`QueryError::Timeout`] once `request.cancel` fires.
    fn evaluate(&self, request: &Request<'_>) -> Result<QueryResults<'_>, QueryError>;

    /// Every quad of every graph, in no particular order.
    fn quads(&self) -> Box<dyn Iterator<Item = Result<Quad, QueryError>> + '_>;

    /// Runs a `SELECT` query and collects its rows, for library callers.
    ///
    /// Returns the variable names (without `?`) and one row per solution,
    /// each holding one value per variable in that order (`None` when
    /// unbound). The default graph is the union of the named graphs; there
    /// is no timeout. `bindings` are as in [`Request::bindings`].
    fn select(&self, sparql: &str, bindings: &[(&str, Term)]) -> Result<SelectRows, QueryError> {
        let request = Request {
            bindings,
            ..Request::new(sparql)
        };
        let fail = |err: QueryEvaluationError| evaluation_error(err, None);
        let QueryResults::Solutions(solutions) = self.evaluate(&request)? else {
            return Err(QueryError::NotSelect);
        };
        let variables = solutions
            .variables()
            .iter()
            .map(|variable| variable.as_str().to_owned())
            .collect();
        let rows = solutions
            .map(|solution| solution.map(|solution| solution.values().to_vec()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        Ok((variables, rows))
    }
}

/// The variable names and rows of a `SELECT` query.
pub type SelectRows = (Vec<String>, Vec<Vec<Option<Term>>>);

/// The lexical form of a literal, the IRI of a named node (and the
/// N-Triples form of anything else).
pub fn term_text(term: Option<&Term>) -> Option<String> {
    match term? {
        Term::Literal(literal) => Some(literal.value().to_owned()),
        Term::NamedNode(node) => Some(node.as_str().to_owned()),
        other => Some(other.to_string()),
    }
}

/// The value of `row[i]` of [`SelectRows`] as text ([`term_text`]).
pub fn cell(row: &[Option<Term>], i: usize) -> Option<String> {
    term_text(row.get(i).and_then(Option::as_ref))
}

/// One read-only query for a [`Source`], and how to evaluate it.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// The query text.
    pub sparql: &'a str,
    /// Variables bound to terms before evaluation: `("name", term)` (a
    /// leading `?` or `$` is ignored) fixes `?name` to `term` as if by
    /// `VALUES`. The term is never spliced into the query text, so user
    /// input cannot change the query. A bound variable must appear in the
    /// `SELECT` clause.
    pub bindings: &'a [(&'a str, Term)],
    /// The dataset, given outside the query text (the SPARQL protocol's
    /// `default-graph-uri` and `named-graph-uri`); it replaces the query's
    /// own `FROM` clauses. `None` keeps the query's.
    pub dataset: Option<&'a Dataset>,
    /// Use the union of all named graphs as the default graph, unless the
    /// query has `FROM` clauses or [`dataset`](Self::dataset) is set.
    pub union_default_graph: bool,
    /// Stops evaluation when cancelled.
    pub cancel: Option<&'a CancellationToken>,
    /// The timeout that cancels it, to name in [`QueryError::Timeout`].
    pub timeout: Option<Duration>,
}

impl<'a> Request<'a> {
    /// `sparql` with no bindings, on the union default graph, without a
    /// timeout.
    pub fn new(sparql: &'a str) -> Self {
        Request {
            sparql,
            bindings: &[],
            dataset: None,
            union_default_graph: true,
            cancel: None,
            timeout: None,
        }
    }
}

/// A query dataset given by graph IRIs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dataset {
    /// The graphs merged into the default graph.
    pub default_graphs: Vec<String>,
    /// The graphs `GRAPH ?g` may match.
    pub named_graphs: Vec<String>,
}

/// The form of a query, which decides the formats its results can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryKind {
    /// `SELECT`: a table of solutions.
    Select,
    /// `ASK`: a boolean.
    Ask,
    /// `CONSTRUCT` or `DESCRIBE`: a graph.
    Graph,
}

/// Parses `sparql` and tells its form, with the same errors as evaluation
/// ([`QueryError::Update`] for an update, [`QueryError::Syntax`] with the
/// line and column otherwise).
pub fn query_kind(sparql: &str) -> Result<QueryKind, QueryError> {
    shape::check(sparql)?;
    on_query_stack(
        || match spargebra::SparqlParser::new().parse_query(sparql) {
            Ok(spargebra::Query::Select { .. }) => Ok(QueryKind::Select),
            Ok(spargebra::Query::Ask { .. }) => Ok(QueryKind::Ask),
            Ok(_) => Ok(QueryKind::Graph),
            Err(_) => local::prepare(&Request::new(sparql)).map(|_| QueryKind::Select),
        },
    )
}

/// Runs `work` on a thread with a [`STACK_SIZE`] stack and waits for it; a
/// panic in `work` goes on in the caller.
pub(crate) fn on_query_stack<T: Send>(
    work: impl FnOnce() -> Result<T, QueryError> + Send,
) -> Result<T, QueryError> {
    thread::scope(|scope| {
        let thread = thread::Builder::new()
            .name("akg-query".to_owned())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, work)
            .map_err(QueryError::Thread)?;
        thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Errors from reading the graph: parsing or evaluating a query, and
/// (for `akg query` and `akg serve`) writing its results.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The text is not a valid SPARQL query.
    #[error("{}", describe_syntax_error(.message, *.line, *.column))]
    Syntax {
        /// The parser's message.
        message: String,
        /// 1-based line of the error, if the parser reported it.
        line: Option<usize>,
        /// 1-based column of the error, if the parser reported it.
        column: Option<usize>,
    },
    /// The query nests deeper than [`MAX_NESTING`].
    #[error(
        "the query nests more than {limit} deep (brackets and prefix operators) at line {line}, \
         column {column}; flatten it"
    )]
    TooDeep {
        /// The limit, [`MAX_NESTING`].
        limit: usize,
        /// 1-based line where the limit was passed.
        line: usize,
        /// 1-based column (in characters) where the limit was passed.
        column: usize,
    },
    /// The query has more tokens than [`MAX_TOKENS`].
    #[error(
        "the query has more than {limit} tokens; shorten it, or put long lists of terms \
         in a VALUES block"
    )]
    TooLong {
        /// The limit, [`MAX_TOKENS`].
        limit: usize,
    },
    /// The thread that runs the query could not be started.
    #[error("cannot start a thread for the query: {0}")]
    Thread(#[source] io::Error),
    /// The text is a SPARQL update.
    #[error("updates are not allowed: the store is read-only; rebuild it with `akg build`")]
    Update,
    /// The results have more rows than `QueryOptions::max_rows`
    /// ([`crate::query::QueryOptions`]).
    #[error("the results have more than {limit} rows; add a LIMIT or narrow the query")]
    TooManyRows {
        /// The limit.
        limit: usize,
    },
    /// A dataset graph name is not an absolute IRI.
    #[error("{iri:?} is not a valid graph IRI: {message}")]
    InvalidGraph {
        /// The name as given.
        iri: String,
        /// Why it is not valid.
        message: String,
    },
    /// The query ran longer than its timeout.
    #[error("query stopped after {seconds} s; narrow it or raise --timeout")]
    Timeout {
        /// The timeout, in seconds.
        seconds: f64,
    },
    /// The query uses `SERVICE`.
    #[error(
        "SERVICE {name} is not supported: akg queries only its own graph (the store or \
         --endpoint); remove the SERVICE clause"
    )]
    Service {
        /// The service IRI, in N-Triples syntax.
        name: String,
    },
    /// A binding names something that is not a SPARQL variable name.
    #[error("{name:?} is not a valid SPARQL variable name; use letters, digits and _")]
    InvalidVariable {
        /// The name as given.
        name: String,
    },
    /// A binding's value is not a valid term.
    #[error("{value:?} is not a valid IRI ({message}); give <IRI>, prefix:name or a plain value")]
    InvalidBinding {
        /// The value as given.
        value: String,
        /// Why it is not valid.
        message: String,
    },
    /// A bound variable does not appear in the query's `SELECT` clause.
    #[error("variable ?{name} is bound but not selected; add it to the SELECT clause")]
    BindingNotSelected {
        /// The variable name.
        name: String,
    },
    /// The results cannot be written in the requested format.
    #[error("{kind} results cannot be written as {format}; use {alternatives}")]
    WrongFormat {
        /// The query form: `SELECT`, `ASK` or `CONSTRUCT/DESCRIBE`.
        kind: &'static str,
        /// The requested format's name.
        format: &'static str,
        /// The formats that would work.
        alternatives: &'static str,
    },
    /// [`Source::select`] was given a query that is not a `SELECT`.
    #[error("expected a SELECT query; ASK, CONSTRUCT and DESCRIBE give no rows")]
    NotSelect,
    /// An output format name was not recognized.
    #[error("unknown output format {name:?}; use table, csv, tsv, json, xml, turtle or ntriples")]
    UnknownFormat {
        /// The name as given.
        name: String,
    },
    /// A remote endpoint could not be read ([`remote`]).
    #[error(transparent)]
    Remote(#[from] remote::RemoteError),
    /// The store could not be read.
    #[error("store error: {0}")]
    Storage(#[from] StorageError),
    /// Evaluation failed for another reason.
    #[error("query failed: {0}")]
    Evaluation(String),
    /// Writing the results failed (a broken pipe included: the caller
    /// decides whether that is an error worth printing).
    #[error("cannot write the results: {0}")]
    Io(#[from] io::Error),
}

/// The message of [`QueryError::Syntax`].
fn describe_syntax_error(message: &str, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => {
            format!("invalid SPARQL at line {line}, column {column}: {message}; fix the query")
        }
        _ => format!("invalid SPARQL: {message}; fix the query"),
    }
}

/// A `VALUES` row that binds each variable to its term, to put inside a
/// query's `WHERE`.
///
/// Use it instead of [`Request::bindings`] when a bound variable should steer
/// the join order: Oxigraph plans a query before it applies the bindings, so
/// a plan for "claims about ?e" scans every claim first (`akg trace Armenia`
/// on 1,000 articles: 9.5 s with bindings, 2.5 s with `VALUES`). A term
/// prints in N-Triples syntax, which SPARQL parses back as the same term.
pub fn values_clause(bindings: &[(&str, Term)]) -> Result<String, QueryError> {
    let names = bindings
        .iter()
        .map(|(name, _)| variable(name).map(|v| v.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let terms: Vec<String> = bindings.iter().map(|(_, term)| term.to_string()).collect();
    Ok(format!(
        "VALUES ({}) {{ ({}) }}",
        names.join(" "),
        terms.join(" ")
    ))
}

/// The variable named `name`, with or without its `?` or `$`.
fn variable(name: &str) -> Result<Variable, QueryError> {
    let bare = name
        .strip_prefix('?')
        .or_else(|| name.strip_prefix('$'))
        .unwrap_or(name);
    Variable::new(bare).map_err(|_| QueryError::InvalidVariable {
        name: name.to_owned(),
    })
}

/// Maps an evaluation error; `Cancelled` can only come from our watchdog.
pub(crate) fn evaluation_error(err: QueryEvaluationError, timeout: Option<Duration>) -> QueryError {
    match err {
        QueryEvaluationError::Cancelled => match timeout {
            Some(timeout) => QueryError::Timeout {
                seconds: timeout.as_secs_f64(),
            },
            None => QueryError::Evaluation("the query was cancelled".to_owned()),
        },
        QueryEvaluationError::UnsupportedService(name) => QueryError::Service {
            name: name.to_string(),
        },
        QueryEvaluationError::UnboundService | QueryEvaluationError::InvalidServiceName(_) => {
            QueryError::Service {
                name: "?variable".to_owned(),
            }
        }
        QueryEvaluationError::NotExistingSubstitutedVariable(variable) => {
            QueryError::BindingNotSelected {
                name: variable.as_str().to_owned(),
            }
        }
        // A remote source reports its own errors through the dataset.
        QueryEvaluationError::Dataset(err) => match err.downcast::<QueryError>() {
            Ok(err) => *err,
            Err(other) => QueryError::Evaluation(other.to_string()),
        },
        other => QueryError::Evaluation(other.to_string()),
    }
}
