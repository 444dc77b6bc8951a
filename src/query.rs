//! `akg query` and the SPARQL endpoint of `akg serve`: one user query run
//! through the read layer ([`crate::read`]) and its results written in the
//! format asked for.
//!
//! [`run`] evaluates one query on a [`Source`] and streams the results to a
//! given `io::Write` in the requested [`OutputFormat`]; [`run_with_bindings`]
//! does the same with variables bound to terms (user input is never spliced
//! into the query text). The read layer's rules hold (union default graph,
//! no updates, no `SERVICE`, limits on nesting and length); on top:
//!
//! - Parsing, evaluation and writing run on a thread with a
//!   [`STACK_SIZE`](crate::read::STACK_SIZE) stack, whatever thread the
//!   caller is on.
//! - A timeout cancels evaluation through a [`CancellationToken`] fired by a
//!   watchdog thread, which ends as soon as the query does. Oxigraph looks
//!   at the token only while it reads the store, so the writers look at it
//!   before every row as well. Evaluation that computes in memory without
//!   giving rows (sorting or counting a cross product) can still overrun:
//!   the binary stops the process at a hard deadline shortly after.
//! - Tables and Turtle shorten IRIs with the prefixes every saved query
//!   declares ([`compact_term`]).
//!
//! This module never prints and never touches files: it reads a [`Source`]
//! and writes to the writer it is given.

use std::fmt;
use std::io::{BufWriter, Write};
use std::str::FromStr;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use crate::terminal::escape_controls;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, NamedNode, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, QuerySolutionIter, QueryTripleIter,
};

use crate::rdf::vocab::PREFIXES;
use crate::read::{evaluation_error, on_query_stack, Dataset, QueryError, Request, Source};

/// The most rows the table format shows; the other formats stream them all.
pub const TABLE_ROW_LIMIT: usize = 10_000;

/// How query results are written.
///
/// `SELECT` and `ASK` results are tables: [`Table`](Self::Table) (for
/// people) or one of the standard SPARQL results formats (CSV, TSV, JSON,
/// XML). `CONSTRUCT` and `DESCRIBE` results are graphs: Turtle or
/// N-Triples. `Table` on a graph falls back to Turtle; the other
/// combinations fail with [`QueryError::WrongFormat`] before anything is
/// written, so that a script never gets a format it did not ask for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// An aligned text table with compact terms (`ent:Armenia`, plain
    /// literal values), capped at [`TABLE_ROW_LIMIT`] rows.
    #[default]
    Table,
    /// SPARQL 1.1 Query Results CSV.
    Csv,
    /// SPARQL 1.1 Query Results TSV.
    Tsv,
    /// SPARQL 1.1 Query Results JSON.
    Json,
    /// SPARQL Query Results XML.
    Xml,
    /// Turtle, with the prefixes every saved query declares (`ent:`, `akg:`, …).
    Turtle,
    /// N-Triples.
    NTriples,
}

impl OutputFormat {
    /// Every format, in the order [`OutputFormat::name`] lists them in help.
    pub const ALL: [OutputFormat; 7] = [
        OutputFormat::Table,
        OutputFormat::Csv,
        OutputFormat::Tsv,
        OutputFormat::Json,
        OutputFormat::Xml,
        OutputFormat::Turtle,
        OutputFormat::NTriples,
    ];

    /// The lowercase name (`table`, `csv`, …, `ntriples`), as parsed by
    /// [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Csv => "csv",
            OutputFormat::Tsv => "tsv",
            OutputFormat::Json => "json",
            OutputFormat::Xml => "xml",
            OutputFormat::Turtle => "turtle",
            OutputFormat::NTriples => "ntriples",
        }
    }

    /// The standard SPARQL results format, for the formats that have one.
    fn results_format(self) -> Option<QueryResultsFormat> {
        match self {
            OutputFormat::Csv => Some(QueryResultsFormat::Csv),
            OutputFormat::Tsv => Some(QueryResultsFormat::Tsv),
            OutputFormat::Json => Some(QueryResultsFormat::Json),
            OutputFormat::Xml => Some(QueryResultsFormat::Xml),
            OutputFormat::Table | OutputFormat::Turtle | OutputFormat::NTriples => None,
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OutputFormat {
    type Err = QueryError;

    /// Parses a format name, ignoring case; also accepts `ttl` and `nt`.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "ttl" => return Ok(OutputFormat::Turtle),
            "nt" | "n-triples" => return Ok(OutputFormat::NTriples),
            _ => {}
        }
        OutputFormat::ALL
            .into_iter()
            .find(|format| format.name() == lower)
            .ok_or_else(|| QueryError::UnknownFormat {
                name: name.to_owned(),
            })
    }
}

/// How [`run`] evaluates and writes a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryOptions {
    /// The output format.
    pub format: OutputFormat,
    /// Stop the query after this long; `None` waits forever.
    pub timeout: Option<Duration>,
    /// Use the union of all named graphs as the default graph (unless the
    /// query has `FROM` clauses or [`dataset`](Self::dataset) is set). True
    /// by default.
    pub union_default_graph: bool,
    /// Fail with [`QueryError::TooManyRows`] once more rows than this would
    /// be written; `None` writes them all.
    pub max_rows: Option<usize>,
    /// The dataset, given outside the query text (the SPARQL protocol's
    /// `default-graph-uri` and `named-graph-uri`); it replaces the query's
    /// own `FROM` clauses. `None` keeps the query's.
    pub dataset: Option<Dataset>,
}

impl Default for QueryOptions {
    fn default() -> Self {
        Self {
            format: OutputFormat::Table,
            timeout: None,
            union_default_graph: true,
            max_rows: None,
            dataset: None,
        }
    }
}

/// What a query produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryStats {
    /// Rows written: solutions for `SELECT`, triples for `CONSTRUCT` and
    /// `DESCRIBE`, 1 for `ASK`.
    pub rows: usize,
    /// True if the table format stopped at [`TABLE_ROW_LIMIT`] rows and more
    /// were left.
    pub truncated: bool,
}

/// Parses and runs one read-only query, streaming the results to `out`.
///
/// See [`OutputFormat`] for which formats fit which query forms. `out` is
/// buffered internally and flushed before returning, also on error.
pub fn run(
    source: &dyn Source,
    sparql: &str,
    options: &QueryOptions,
    out: &mut (dyn Write + Send),
) -> Result<QueryStats, QueryError> {
    run_with_bindings(source, sparql, &[], options, out)
}

/// Like [`run`], with variables bound to terms before evaluation (as
/// [`Request::bindings`] binds them).
pub fn run_with_bindings(
    source: &dyn Source,
    sparql: &str,
    bindings: &[(&str, Term)],
    options: &QueryOptions,
    out: &mut (dyn Write + Send),
) -> Result<QueryStats, QueryError> {
    crate::read::check(sparql)?;
    on_query_stack(|| evaluate(source, sparql, bindings, options, out))
}

/// The body of [`run_with_bindings`], on the query thread.
fn evaluate(
    source: &dyn Source,
    sparql: &str,
    bindings: &[(&str, Term)],
    options: &QueryOptions,
    out: &mut (dyn Write + Send),
) -> Result<QueryStats, QueryError> {
    let token = CancellationToken::new();
    let request = Request {
        sparql,
        bindings,
        dataset: options.dataset.as_ref(),
        union_default_graph: options.union_default_graph,
        cancel: Some(&token),
        timeout: options.timeout,
    };
    // Dropping the watchdog (on every return path) stops its thread.
    let _watchdog = options
        .timeout
        .map(|timeout| Watchdog::start(timeout, token.clone()))
        .transpose()?;
    let fail = |err: QueryEvaluationError| evaluation_error(err, options.timeout);
    let results = source.evaluate(&request)?;
    // Oxigraph looks at the token only while it reads the store, so a
    // result computed in memory (a cross product of cached patterns) would
    // stream forever: the writers look at it before every row too.
    let rows = std::cell::Cell::new(0usize);
    let alive = || {
        if token.is_cancelled() {
            return Err(fail(QueryEvaluationError::Cancelled));
        }
        rows.set(rows.get() + 1);
        match options.max_rows {
            Some(limit) if rows.get() > limit => Err(QueryError::TooManyRows { limit }),
            _ => Ok(()),
        }
    };
    let check = Check {
        fail: &fail,
        alive: &alive,
    };

    let mut out = BufWriter::new(out);
    let written = write_results(results, options.format, &mut out, &check);
    let flushed = out.flush();
    let stats = written?;
    flushed?;
    Ok(stats)
}

/// The term a command-line binding (`akg query --bind NAME=VALUE`) gives:
/// `<iri>` is that IRI, `ent:Local` (any prefix of the saved queries) the
/// IRI it abbreviates, and anything else a plain string literal, so
/// `--bind alliance=NATO` and `--bind asOf=2010-06-01` bind strings the
/// query compares with `STR` or `LCASE`.
pub fn binding_term(value: &str) -> Result<Term, QueryError> {
    let invalid = |message: String| QueryError::InvalidBinding {
        value: value.to_owned(),
        message,
    };
    if let Some(iri) = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
        return NamedNode::new(iri)
            .map(Term::from)
            .map_err(|err| invalid(err.to_string()));
    }
    let expanded = value.split_once(':').and_then(|(prefix, local)| {
        let (_, namespace) = PREFIXES.iter().find(|(known, _)| *known == prefix)?;
        Some(format!("{namespace}{local}"))
    });
    match expanded {
        Some(iri) => NamedNode::new(iri)
            .map(Term::from)
            .map_err(|err| invalid(err.to_string())),
        None => Ok(Literal::new_simple_literal(value).into()),
    }
}

/// Shows a term compactly, as the table format does: `ent:Armenia` and
/// `akg:memberOf` for our IRIs (and the other prefixes of saved queries), `<iri>` for
/// other IRIs, the plain value for literals, `_:id` for blank nodes.
pub fn compact_term(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => compact_iri(node.as_str()),
        Term::Literal(literal) => literal.value().to_owned(),
        other => other.to_string(),
    }
}

/// `prefix:local` for an IRI under a known namespace, `<iri>` otherwise.
fn compact_iri(iri: &str) -> String {
    PREFIXES
        .iter()
        .find_map(|(prefix, namespace)| {
            iri.strip_prefix(namespace)
                .map(|local| format!("{prefix}:{local}"))
        })
        .unwrap_or_else(|| format!("<{iri}>"))
}

/// How the writers turn evaluation errors into [`QueryError`]s (`fail`) and
/// learn, before each row, that the query ran out of time (`alive`).
struct Check<'a> {
    fail: &'a dyn Fn(QueryEvaluationError) -> QueryError,
    alive: &'a dyn Fn() -> Result<(), QueryError>,
}

/// Writes any kind of results in `format`.
fn write_results(
    results: QueryResults<'_>,
    format: OutputFormat,
    out: &mut dyn Write,
    check: &Check<'_>,
) -> Result<QueryStats, QueryError> {
    const TABLE_FORMATS: &str = "table, csv, tsv, json or xml";
    match results {
        QueryResults::Solutions(solutions) => match format {
            OutputFormat::Table => write_table(solutions, out, check),
            OutputFormat::Turtle | OutputFormat::NTriples => Err(QueryError::WrongFormat {
                kind: "SELECT",
                format: format.name(),
                alternatives: TABLE_FORMATS,
            }),
            OutputFormat::Csv | OutputFormat::Tsv | OutputFormat::Json | OutputFormat::Xml => {
                write_solutions(solutions, format, out, check)
            }
        },
        QueryResults::Boolean(value) => {
            match format.results_format() {
                Some(results_format) => {
                    QueryResultsSerializer::from_format(results_format)
                        .serialize_boolean_to_writer(&mut *out, value)?;
                }
                None if format == OutputFormat::Table => writeln!(out, "{value}")?,
                None => {
                    return Err(QueryError::WrongFormat {
                        kind: "ASK",
                        format: format.name(),
                        alternatives: TABLE_FORMATS,
                    });
                }
            }
            Ok(QueryStats {
                rows: 1,
                truncated: false,
            })
        }
        QueryResults::Graph(triples) => match format {
            OutputFormat::Table | OutputFormat::Turtle => {
                write_graph(triples, RdfFormat::Turtle, out, check)
            }
            OutputFormat::NTriples => write_graph(triples, RdfFormat::NTriples, out, check),
            OutputFormat::Csv | OutputFormat::Tsv | OutputFormat::Json | OutputFormat::Xml => {
                Err(QueryError::WrongFormat {
                    kind: "CONSTRUCT/DESCRIBE",
                    format: format.name(),
                    alternatives: "turtle or ntriples",
                })
            }
        },
    }
}

/// Streams solutions in a standard SPARQL results format, row by row.
fn write_solutions(
    solutions: QuerySolutionIter<'_>,
    format: OutputFormat,
    out: &mut dyn Write,
    check: &Check<'_>,
) -> Result<QueryStats, QueryError> {
    let results_format = format
        .results_format()
        .ok_or_else(|| QueryError::Evaluation(format!("{format} is not a results format")))?;
    let mut serializer = QueryResultsSerializer::from_format(results_format)
        .serialize_solutions_to_writer(&mut *out, solutions.variables().to_vec())?;
    let mut rows = 0;
    for solution in solutions {
        (check.alive)()?;
        serializer.serialize(&solution.map_err(check.fail)?)?;
        rows += 1;
    }
    serializer.finish()?;
    Ok(QueryStats {
        rows,
        truncated: false,
    })
}

/// Collects up to [`TABLE_ROW_LIMIT`] solutions into a text table.
fn write_table(
    mut solutions: QuerySolutionIter<'_>,
    out: &mut dyn Write,
    check: &Check<'_>,
) -> Result<QueryStats, QueryError> {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(variable_names(&solutions));
    let mut rows = 0;
    for solution in solutions.by_ref().take(TABLE_ROW_LIMIT) {
        (check.alive)()?;
        let solution = solution.map_err(check.fail)?;
        table.add_row(
            solution
                .values()
                .iter()
                .map(|value| {
                    let cell = value.as_ref().map(compact_term).unwrap_or_default();
                    escape_controls(&cell).into_owned()
                })
                .collect::<Vec<_>>(),
        );
        rows += 1;
    }
    // Look one row further to tell "exactly the limit" from "more".
    let truncated =
        rows == TABLE_ROW_LIMIT && solutions.next().transpose().map_err(check.fail)?.is_some();
    writeln!(out, "{table}")?;
    if truncated {
        writeln!(
            out,
            "(only the first {TABLE_ROW_LIMIT} rows are shown; use csv, tsv, json or xml for all of them)"
        )?;
    }
    Ok(QueryStats { rows, truncated })
}

/// Streams triples in an RDF syntax.
fn write_graph(
    triples: QueryTripleIter<'_>,
    format: RdfFormat,
    out: &mut dyn Write,
    check: &Check<'_>,
) -> Result<QueryStats, QueryError> {
    let mut serializer = RdfSerializer::from_format(format);
    if format == RdfFormat::Turtle {
        for (prefix, namespace) in PREFIXES {
            serializer = serializer
                .with_prefix(prefix, namespace)
                .map_err(|err| QueryError::Evaluation(err.to_string()))?;
        }
    }
    let mut writer = serializer.for_writer(&mut *out);
    let mut rows = 0;
    for triple in triples {
        (check.alive)()?;
        writer.serialize_triple(&triple.map_err(check.fail)?)?;
        rows += 1;
    }
    writer.finish()?;
    Ok(QueryStats {
        rows,
        truncated: false,
    })
}

fn variable_names(solutions: &QuerySolutionIter<'_>) -> Vec<String> {
    solutions
        .variables()
        .iter()
        .map(|variable| variable.as_str().to_owned())
        .collect()
}

/// Cancels a query after a timeout, from a thread of its own.
///
/// Dropping the watchdog wakes and joins the thread, so it never outlives
/// the query.
struct Watchdog {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(timeout: Duration, token: CancellationToken) -> Result<Self, QueryError> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name("akg-query-timeout".to_owned())
            .spawn(move || {
                // Disconnection (the watchdog was dropped) means the query ended.
                if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(timeout) {
                    token.cancel();
                }
            })?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // The thread cannot panic; a join error carries nothing to report.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::values_clause;
    use oxigraph::model::{GraphNameRef, Literal, NamedNode, QuadRef};
    use oxigraph::store::Store;
    use std::error::Error;
    use std::io;
    use std::time::Instant;

    type TestResult = Result<(), Box<dyn Error>>;

    /// Two articles, each its own named graph.
    const DATA: &str = r#"
<https://example.com/article/a1> { ent:Armenia akg:memberOf ent:CSTO ; rdfs:label "Armenia"@en . }
<https://example.com/article/a2> { ent:Kazakhstan akg:memberOf ent:CSTO ; akg:troopCount 2500 . }
"#;

    const PROLOGUE: &str = "PREFIX ent: <https://w3id.org/alliance-kg/id/>\n\
                            PREFIX akg: <https://w3id.org/alliance-kg/ontology#>\n\
                            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n";

    const MEMBERS: &str = "SELECT ?state ?label WHERE { ?state akg:memberOf ent:CSTO \
                           OPTIONAL { ?state rdfs:label ?label } } ORDER BY ?state";

    fn store() -> Result<Store, Box<dyn Error>> {
        Ok(crate::fixtures::store(DATA))
    }

    fn run_to_string(
        store: &Store,
        query: &str,
        options: &QueryOptions,
    ) -> Result<(String, QueryStats), QueryError> {
        let mut out = Vec::new();
        let stats = run(store, &format!("{PROLOGUE}{query}"), options, &mut out)?;
        Ok((String::from_utf8_lossy(&out).into_owned(), stats))
    }

    fn check(query: &str, format: OutputFormat, expected: &str) -> TestResult {
        let options = QueryOptions {
            format,
            ..QueryOptions::default()
        };
        let (output, _) = run_to_string(&store()?, query, &options)?;
        assert_eq!(output, expected, "format {format}:\n{output}");
        Ok(())
    }

    fn run_err(query: &str) -> Result<QueryError, Box<dyn Error>> {
        run_to_string(&store()?, query, &QueryOptions::default())
            .err()
            .ok_or_else(|| format!("query succeeded: {query}").into())
    }

    #[test]
    fn select_as_table() -> TestResult {
        check(
            MEMBERS,
            OutputFormat::Table,
            "\
┌────────────────┬─────────┐
│ state          ┆ label   │
╞════════════════╪═════════╡
│ ent:Armenia    ┆ Armenia │
│ ent:Kazakhstan ┆         │
└────────────────┴─────────┘
",
        )
    }

    #[test]
    fn select_as_csv() -> TestResult {
        check(
            MEMBERS,
            OutputFormat::Csv,
            "state,label\r\n\
             https://w3id.org/alliance-kg/id/Armenia,Armenia\r\n\
             https://w3id.org/alliance-kg/id/Kazakhstan,\r\n",
        )
    }

    #[test]
    fn select_as_tsv() -> TestResult {
        check(
            MEMBERS,
            OutputFormat::Tsv,
            "?state\t?label\n\
             <https://w3id.org/alliance-kg/id/Armenia>\t\"Armenia\"@en\n\
             <https://w3id.org/alliance-kg/id/Kazakhstan>\t\n",
        )
    }

    #[test]
    fn select_as_json() -> TestResult {
        check(
            MEMBERS,
            OutputFormat::Json,
            r#"{"head":{"vars":["state","label"]},"results":{"bindings":[{"state":{"type":"uri","value":"https://w3id.org/alliance-kg/id/Armenia"},"label":{"type":"literal","value":"Armenia","xml:lang":"en"}},{"state":{"type":"uri","value":"https://w3id.org/alliance-kg/id/Kazakhstan"}}]}}"#,
        )
    }

    #[test]
    fn select_as_xml() -> TestResult {
        check(
            MEMBERS,
            OutputFormat::Xml,
            r#"<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="state"/><variable name="label"/></head><results><result><binding name="state"><uri>https://w3id.org/alliance-kg/id/Armenia</uri></binding><binding name="label"><literal xml:lang="en">Armenia</literal></binding></result><result><binding name="state"><uri>https://w3id.org/alliance-kg/id/Kazakhstan</uri></binding></result></results></sparql>"#,
        )
    }

    #[test]
    fn select_reports_row_count() -> TestResult {
        let (_, stats) = run_to_string(&store()?, MEMBERS, &QueryOptions::default())?;
        assert_eq!(
            stats,
            QueryStats {
                rows: 2,
                truncated: false
            }
        );
        Ok(())
    }

    #[test]
    fn table_is_capped() -> TestResult {
        let query = format!(
            "SELECT ?n WHERE {{ VALUES ?d {{ 0 1 2 3 4 5 6 7 8 9 }} \
             VALUES ?c {{ 0 1 2 3 4 5 6 7 8 9 }} VALUES ?b {{ 0 1 2 3 4 5 6 7 8 9 }} \
             VALUES ?a {{ 0 1 2 3 4 5 6 7 8 9 }} VALUES ?e {{ 0 1 }} \
             BIND(?e * 10000 + ?d * 1000 + ?c * 100 + ?b * 10 + ?a AS ?n) }} LIMIT {}",
            TABLE_ROW_LIMIT + 1
        );
        let (output, stats) = run_to_string(&store()?, &query, &QueryOptions::default())?;
        assert_eq!(
            stats,
            QueryStats {
                rows: TABLE_ROW_LIMIT,
                truncated: true
            }
        );
        assert!(
            output.ends_with("│\n└───────┘\n(only the first 10000 rows are shown; use csv, tsv, json or xml for all of them)\n"),
            "{}",
            &output[output.len() - 200..]
        );

        // Exactly the limit is not truncated.
        let exact = query.replace("LIMIT 10001", "LIMIT 10000");
        let (output, stats) = run_to_string(&store()?, &exact, &QueryOptions::default())?;
        assert!(!stats.truncated);
        assert!(output.ends_with("┘\n"));
        Ok(())
    }

    #[test]
    fn ask_in_each_format() -> TestResult {
        let ask = "ASK { ent:Armenia akg:memberOf ent:CSTO }";
        check(ask, OutputFormat::Table, "true\n")?;
        check(ask, OutputFormat::Csv, "true")?;
        check(ask, OutputFormat::Tsv, "true")?;
        check(ask, OutputFormat::Json, r#"{"head":{},"boolean":true}"#)?;
        check(
            ask,
            OutputFormat::Xml,
            r#"<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head></head><boolean>true</boolean></sparql>"#,
        )?;
        check(
            "ASK { ent:Kazakhstan akg:memberOf ent:NATO }",
            OutputFormat::Table,
            "false\n",
        )
    }

    const CONSTRUCT: &str =
        "CONSTRUCT { ?state akg:memberOf ent:CSTO } WHERE { ?state akg:memberOf ent:CSTO }";

    #[test]
    fn construct_as_turtle() -> TestResult {
        // oxttl writes the prefixes by decreasing namespace length.
        let expected = "\
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix akg: <https://w3id.org/alliance-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ent: <https://w3id.org/alliance-kg/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
ent:Armenia akg:memberOf ent:CSTO .
ent:Kazakhstan akg:memberOf ent:CSTO .
";
        check(
            &format!("{CONSTRUCT} ORDER BY ?state"),
            OutputFormat::Turtle,
            expected,
        )?;
        // The table format falls back to Turtle for graphs.
        check(
            &format!("{CONSTRUCT} ORDER BY ?state"),
            OutputFormat::Table,
            expected,
        )
    }

    #[test]
    fn construct_as_ntriples() -> TestResult {
        check(
            &format!("{CONSTRUCT} ORDER BY ?state"),
            OutputFormat::NTriples,
            "<https://w3id.org/alliance-kg/id/Armenia> <https://w3id.org/alliance-kg/ontology#memberOf> <https://w3id.org/alliance-kg/id/CSTO> .\n\
             <https://w3id.org/alliance-kg/id/Kazakhstan> <https://w3id.org/alliance-kg/ontology#memberOf> <https://w3id.org/alliance-kg/id/CSTO> .\n",
        )
    }

    #[test]
    fn mismatched_formats_are_refused_before_writing() -> TestResult {
        let store = store()?;
        for (query, format) in [
            (CONSTRUCT, OutputFormat::Csv),
            (CONSTRUCT, OutputFormat::Json),
            (MEMBERS, OutputFormat::Turtle),
            ("ASK {}", OutputFormat::NTriples),
        ] {
            let options = QueryOptions {
                format,
                ..QueryOptions::default()
            };
            let mut out = Vec::new();
            let err = run(&store, &format!("{PROLOGUE}{query}"), &options, &mut out)
                .err()
                .ok_or("wrong format accepted")?;
            assert!(matches!(err, QueryError::WrongFormat { .. }), "{err}");
            assert!(out.is_empty());
        }
        Ok(())
    }

    #[test]
    fn default_graph_is_the_union_of_named_graphs() -> TestResult {
        let store = store()?;
        let query = "SELECT (COUNT(*) AS ?n) WHERE { ?s akg:memberOf ?o }";
        let options = QueryOptions {
            format: OutputFormat::Tsv,
            ..QueryOptions::default()
        };
        let (output, _) = run_to_string(&store, query, &options)?;
        assert_eq!(output, "?n\n2\n");

        // Without the union, the (empty) store default graph is queried.
        let options = QueryOptions {
            union_default_graph: false,
            ..options
        };
        let (output, _) = run_to_string(&store, query, &options)?;
        assert_eq!(output, "?n\n0\n");

        // FROM clauses win over the union.
        let from = "SELECT (COUNT(*) AS ?n) FROM <https://example.com/article/a1> \
                    WHERE { ?s akg:memberOf ?o }";
        let options = QueryOptions {
            union_default_graph: true,
            ..options
        };
        let (output, _) = run_to_string(&store, from, &options)?;
        assert_eq!(output, "?n\n1\n");

        // GRAPH still sees each article's graph.
        let (_, rows) = store.select(
            &format!("{PROLOGUE}SELECT ?g WHERE {{ GRAPH ?g {{ ?s akg:memberOf ?o }} }}"),
            &[],
        )?;
        assert_eq!(rows.len(), 2);
        Ok(())
    }

    #[test]
    fn syntax_error_has_line_and_column() -> TestResult {
        let err = run_err("SELECT ?s\nWHERE { ?s ?p }")?;
        let QueryError::Syntax { line, column, .. } = &err else {
            return Err(format!("not a syntax error: {err}").into());
        };
        // The prologue takes three lines.
        assert_eq!((*line, *column), (Some(5), Some(16)), "{err}");
        assert!(
            err.to_string()
                .starts_with("invalid SPARQL at line 5, column 16: expected "),
            "{err}"
        );

        let err = run_to_string(&store()?, "", &QueryOptions::default())
            .err()
            .ok_or("empty query accepted")?;
        assert!(matches!(err, QueryError::Syntax { .. }), "{err}");
        Ok(())
    }

    #[test]
    fn updates_are_refused() -> TestResult {
        for update in [
            "INSERT DATA { ent:a akg:memberOf ent:CSTO }",
            "DELETE WHERE { ?s ?p ?o }",
            "CLEAR ALL",
            "DROP GRAPH <https://example.com/article/a1>",
            "LOAD <https://example.com/data.ttl>",
            "CREATE GRAPH <https://example.com/g>",
        ] {
            let err = run_err(update)?;
            assert!(matches!(err, QueryError::Update), "{update}: {err}");
            assert_eq!(
                err.to_string(),
                "updates are not allowed: the store is read-only; rebuild it with `akg build`"
            );
        }
        // Nothing changed.
        let (_, rows) = store()?.select("SELECT * WHERE { ?s ?p ?o }", &[])?;
        assert_eq!(rows.len(), 4);
        Ok(())
    }

    #[test]
    fn service_is_refused() -> TestResult {
        let err =
            run_err("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }")?;
        assert!(matches!(err, QueryError::Service { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "SERVICE <https://query.wikidata.org/sparql> is not supported: akg queries only \
             its own graph (the store or --endpoint); remove the SERVICE clause"
        );
        Ok(())
    }

    #[test]
    fn runaway_query_is_stopped_by_the_timeout() -> TestResult {
        let store = crate::fixtures::self_loops(200);
        let options = QueryOptions {
            format: OutputFormat::Csv,
            timeout: Some(Duration::from_secs(1)),
            ..QueryOptions::default()
        };
        let query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
        let start = Instant::now();
        let err = run(&store, query, &options, &mut Vec::new())
            .err()
            .ok_or("the runaway query finished")?;
        let elapsed = start.elapsed();
        assert!(matches!(err, QueryError::Timeout { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "query stopped after 1 s; narrow it or raise --timeout"
        );
        assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
        Ok(())
    }

    /// Regression: oxigraph checks the token only while it reads the store,
    /// and a cross product streams from memory after its first pass, so the
    /// timeout never fired and the rows kept coming.
    #[test]
    fn streaming_runaway_query_is_stopped_between_rows() -> TestResult {
        let store = crate::fixtures::self_loops(200);
        let query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
        for format in [OutputFormat::Tsv, OutputFormat::Json] {
            let options = QueryOptions {
                format,
                timeout: Some(Duration::from_millis(300)),
                ..QueryOptions::default()
            };
            let start = Instant::now();
            let err = run(&store, query, &options, &mut io::sink())
                .err()
                .ok_or("the runaway query finished")?;
            assert!(matches!(err, QueryError::Timeout { .. }), "{format}: {err}");
            assert!(start.elapsed() < Duration::from_secs(5), "{format}");
        }
        let construct = "CONSTRUCT { ?a ?e ?i } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
        let options = QueryOptions {
            format: OutputFormat::NTriples,
            timeout: Some(Duration::from_millis(300)),
            ..QueryOptions::default()
        };
        let err = run(&store, construct, &options, &mut io::sink())
            .err()
            .ok_or("the runaway CONSTRUCT finished")?;
        assert!(matches!(err, QueryError::Timeout { .. }), "{err}");
        Ok(())
    }

    #[test]
    fn watchdog_ends_with_the_query() -> TestResult {
        let token = CancellationToken::new();
        let watchdog = Watchdog::start(Duration::from_secs(3600), token.clone())?;
        let start = Instant::now();
        drop(watchdog);
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(!token.is_cancelled());

        // A fast query under a timeout is not cancelled.
        let options = QueryOptions {
            timeout: Some(Duration::from_secs(3600)),
            ..QueryOptions::default()
        };
        let start = Instant::now();
        run_to_string(&store()?, MEMBERS, &options)?;
        assert!(start.elapsed() < Duration::from_secs(5));
        Ok(())
    }

    #[test]
    fn bindings_are_never_spliced_into_the_query() -> TestResult {
        let tricky = "a\"} . ?x ?y ?z } # \\u0022\nb";
        let store = store()?;
        let subject = NamedNode::new("https://w3id.org/alliance-kg/id/Tricky")?;
        let label = NamedNode::new("http://www.w3.org/2000/01/rdf-schema#label")?;
        let graph = NamedNode::new("https://example.com/article/a3")?;
        store.insert(QuadRef::new(
            &subject,
            &label,
            &Literal::new_simple_literal(tricky),
            GraphNameRef::NamedNode(graph.as_ref()),
        ))?;
        // A decoy whose label is what the escape would decode to.
        store.insert(QuadRef::new(
            &NamedNode::new("https://w3id.org/alliance-kg/id/Decoy")?,
            &label,
            &Literal::new_simple_literal("a\"} . ?x ?y ?z } # \"\nb"),
            GraphNameRef::NamedNode(graph.as_ref()),
        ))?;

        let query = format!("{PROLOGUE}SELECT ?s ?label WHERE {{ ?s rdfs:label ?label }}");
        let bindings = [("label", Term::from(Literal::new_simple_literal(tricky)))];
        let options = QueryOptions {
            format: OutputFormat::Tsv,
            ..QueryOptions::default()
        };
        let mut out = Vec::new();
        let stats = run_with_bindings(&store, &query, &bindings, &options, &mut out)?;
        assert_eq!(stats.rows, 1);
        assert_eq!(
            String::from_utf8(out)?,
            "?s\t?label\n<https://w3id.org/alliance-kg/id/Tricky>\t\"a\\\"} . ?x ?y ?z } # \\\\u0022\\nb\"\n"
        );

        let (variables, rows) = store.select(&query, &bindings)?;
        assert_eq!(variables, ["s", "label"]);
        assert_eq!(
            rows,
            [[
                Some(Term::from(subject.clone())),
                Some(bindings[0].1.clone())
            ]]
        );

        // The same binding as a VALUES row: the term's escapes survive.
        let values = values_clause(&bindings)?;
        let inline =
            format!("{PROLOGUE}SELECT ?s ?label WHERE {{ {values} ?s rdfs:label ?label }}");
        let (_, rows) = store.select(&inline, &[])?;
        assert_eq!(
            rows,
            [[Some(Term::from(subject)), Some(bindings[0].1.clone())]]
        );
        assert!(matches!(
            values_clause(&[("no good", bindings[0].1.clone())]),
            Err(QueryError::InvalidVariable { .. })
        ));
        Ok(())
    }

    #[test]
    fn binding_errors() -> TestResult {
        let store = store()?;
        let term = Term::from(Literal::new_simple_literal("x"));
        let err = store
            .select(
                "SELECT ?s WHERE { ?s ?p ?o }",
                &[("bad name", term.clone())],
            )
            .err()
            .ok_or("bad variable accepted")?;
        assert!(matches!(err, QueryError::InvalidVariable { .. }), "{err}");

        let err = store
            .select("SELECT ?s WHERE { ?s ?p ?o }", &[("?o", term)])
            .err()
            .ok_or("unselected variable accepted")?;
        assert!(
            matches!(err, QueryError::BindingNotSelected { .. }),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn select_rejects_other_forms() -> TestResult {
        let err = store()?.select("ASK {}", &[]).err().ok_or("ASK accepted")?;
        assert!(matches!(err, QueryError::NotSelect), "{err}");
        Ok(())
    }

    #[test]
    fn compact_terms() -> TestResult {
        check_term(
            NamedNode::new("https://w3id.org/alliance-kg/id/Armenia")?.into(),
            "ent:Armenia",
        );
        check_term(
            NamedNode::new("https://w3id.org/alliance-kg/ontology#memberOf")?.into(),
            "akg:memberOf",
        );
        check_term(
            NamedNode::new("https://example.com/x")?.into(),
            "<https://example.com/x>",
        );
        check_term(
            Literal::new_language_tagged_literal("Ереван", "ru")?.into(),
            "Ереван",
        );
        check_term(Literal::from(2500).into(), "2500");
        Ok(())
    }

    fn check_term(term: Term, expected: &str) {
        assert_eq!(compact_term(&term), expected);
    }

    #[test]
    fn format_names_round_trip() -> TestResult {
        for format in OutputFormat::ALL {
            assert_eq!(format.name().parse::<OutputFormat>()?, format);
        }
        assert_eq!("TTL".parse::<OutputFormat>()?, OutputFormat::Turtle);
        assert!("yaml".parse::<OutputFormat>().is_err());
        Ok(())
    }

    #[test]
    fn broken_pipe_is_an_io_error() -> TestResult {
        struct BrokenPipe;
        impl Write for BrokenPipe {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
        }
        let options = QueryOptions {
            format: OutputFormat::Csv,
            ..QueryOptions::default()
        };
        let query = format!("{PROLOGUE}{MEMBERS}");
        let err = run(&store()?, &query, &options, &mut BrokenPipe)
            .err()
            .ok_or("wrote to a broken pipe")?;
        assert!(
            matches!(&err, QueryError::Io(io) if io.kind() == io::ErrorKind::BrokenPipe),
            "{err}"
        );
        Ok(())
    }
}
