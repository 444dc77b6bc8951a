//! Each `/sparql` query is evaluated in a child process, `akg serve-worker`,
//! so that no query can take the server down with it.
//!
//! Oxigraph evaluates some operators in memory without looking at its
//! cancellation token: a sorted cross product of a small store grows by
//! gigabytes a second and cannot be stopped from inside the process. The
//! child runs under a memory watch ([`crate::memory`]) with the server's
//! `--max-memory` budget and ends itself past it; the server kills it at
//! the query's deadline; either way its memory goes back to the system and
//! the server keeps serving.
//!
//! The protocol is one JSON [`WorkerRequest`] on the child's stdin; the
//! serialized results on its stdout and exit status 0, or one JSON
//! [`WorkerFailure`] line on its stderr and exit status 1. Starting a child
//! and opening the store read-only costs a few tens of milliseconds per
//! query (measured in the closing note of the issue that brought it). On a
//! remote endpoint (`--endpoint`) the worker sends the query there and
//! writes the answer in the format asked for, under the same limits.

use std::ffi::OsString;
use std::fmt::Display;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::memory::MemoryBudget;
use crate::query::{self, OutputFormat, QueryOptions};
use crate::read::{Dataset, QueryError, Source};

/// The hidden subcommand that evaluates one query.
pub const SUBCOMMAND: &str = "serve-worker";

/// What the server asks of a worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerRequest {
    /// The query text.
    pub query: String,
    /// The output format's name ([`OutputFormat::name`]).
    pub format: String,
    /// The query's time limit, in milliseconds.
    pub timeout_ms: u64,
    /// The most rows the result may have.
    pub max_rows: usize,
    /// The most bytes the serialized result may have.
    pub max_result_bytes: usize,
    /// The dataset's default graphs (`default-graph-uri`); with no graphs
    /// at all, the union of the named graphs.
    pub default_graphs: Vec<String>,
    /// The dataset's named graphs (`named-graph-uri`).
    pub named_graphs: Vec<String>,
}

/// Why a worker gave no result: the HTTP status and the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerFailure {
    /// The HTTP status code the server answers with.
    pub status: u16,
    /// One line for the client.
    pub message: String,
}

impl WorkerFailure {
    fn internal(message: impl Into<String>) -> Self {
        WorkerFailure {
            status: 500,
            message: message.into(),
        }
    }

    /// The line the worker writes to its stderr.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"status":500,"message":"the query failed unexpectedly"}"#.to_owned()
        })
    }
}

/// How the server starts its workers.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    /// The `akg` binary.
    pub exe: PathBuf,
    /// The global options that say where the worker reads the graph:
    /// `--store DIR`, or `--endpoint URL --endpoint-timeout SECONDS` (the
    /// credentials go in the environment, which the worker inherits).
    pub graph_args: Vec<OsString>,
    /// The memory budget of each worker.
    pub max_memory: MemoryBudget,
}

impl WorkerCommand {
    /// Evaluates `request` in a new worker, killed if it runs past
    /// `deadline` or the returned future is dropped. Returns the result's
    /// bytes, or the failure to answer with (504 past the deadline).
    pub async fn evaluate(
        &self,
        request: &WorkerRequest,
        deadline: Duration,
    ) -> Result<Vec<u8>, WorkerFailure> {
        let input = serde_json::to_vec(request)
            .map_err(|err| WorkerFailure::internal(format!("cannot encode the query: {err}")))?;
        let mut child = Command::new(&self.exe)
            .args(&self.graph_args)
            .arg("--max-memory")
            .arg(self.max_memory.bytes().to_string())
            .arg(SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| {
                WorkerFailure::internal(format!("cannot start a query process: {err}"))
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A worker that died at once is reported from its exit status.
            let _ = stdin.write_all(&input).await;
        }
        let output = match tokio::time::timeout(deadline, child.wait_with_output()).await {
            Ok(output) => output.map_err(|err| {
                WorkerFailure::internal(format!("the query process failed: {err}"))
            })?,
            Err(_) => {
                return Err(WorkerFailure {
                    status: 504,
                    message: QueryError::Timeout {
                        seconds: deadline.as_secs_f64(),
                    }
                    .to_string(),
                })
            }
        };
        if output.status.success() {
            return Ok(output.stdout);
        }
        Err(failure_of(&output.stderr, output.status))
    }
}

/// The failure a worker reported, or what its exit status tells.
fn failure_of(stderr: &[u8], status: std::process::ExitStatus) -> WorkerFailure {
    let reported = stderr
        .split(|&b| b == b'\n')
        .rev()
        .find_map(|line| serde_json::from_slice::<WorkerFailure>(line).ok());
    reported.unwrap_or_else(|| {
        WorkerFailure::internal(format!(
            "the query process ended unexpectedly ({status}); please report it"
        ))
    })
}

/// The worker's side: reads one request from `input`, evaluates it on the
/// graph that `open` opens (the live generation of the store, or the
/// endpoint) and writes the results to `out`, at most `max_result_bytes`
/// of them.
pub fn answer<E: Display>(
    open: impl FnOnce() -> Result<Box<dyn Source>, E>,
    input: impl Read,
    out: impl Write + Send,
) -> Result<(), WorkerFailure> {
    let request: WorkerRequest = serde_json::from_reader(input)
        .map_err(|err| WorkerFailure::internal(format!("cannot read the query: {err}")))?;
    let format: OutputFormat = request
        .format
        .parse()
        .map_err(|err: QueryError| failure(&err, request.max_result_bytes))?;
    let dataset =
        (!request.default_graphs.is_empty() || !request.named_graphs.is_empty()).then(|| Dataset {
            default_graphs: request.default_graphs.clone(),
            named_graphs: request.named_graphs.clone(),
        });
    let options = QueryOptions {
        format,
        timeout: Some(Duration::from_millis(request.timeout_ms)),
        union_default_graph: true,
        max_rows: Some(request.max_rows),
        dataset,
    };
    let source = open().map_err(|err| WorkerFailure {
        status: 503,
        message: err.to_string(),
    })?;
    let mut capped = CappedWriter::new(out, request.max_result_bytes);
    query::run(&*source, &request.query, &options, &mut capped)
        .map_err(|err| failure(&err, request.max_result_bytes))?;
    capped
        .flush()
        .map_err(|err| WorkerFailure::internal(format!("cannot send the results: {err}")))
}

/// The status and message of a query error.
pub(super) fn failure(err: &QueryError, max_result_bytes: usize) -> WorkerFailure {
    let status = match err {
        QueryError::Syntax { .. }
        | QueryError::TooDeep { .. }
        | QueryError::TooLong { .. }
        | QueryError::Service { .. }
        | QueryError::InvalidGraph { .. }
        | QueryError::InvalidVariable { .. }
        | QueryError::InvalidBinding { .. }
        | QueryError::BindingNotSelected { .. } => 400,
        QueryError::Update => 405,
        QueryError::Timeout { .. } => 504,
        QueryError::TooManyRows { .. } => 422,
        QueryError::WrongFormat { .. } | QueryError::UnknownFormat { .. } => 406,
        QueryError::Io(io) if io.kind() == io::ErrorKind::FileTooLarge => {
            return WorkerFailure {
                status: 422,
                message: format!(
                    "the results are larger than {max_result_bytes} bytes (the server's \
                     --max-result-bytes); add a LIMIT or narrow the query"
                ),
            }
        }
        QueryError::Remote(remote) => remote.status(),
        QueryError::NotSelect
        | QueryError::Storage(_)
        | QueryError::Evaluation(_)
        | QueryError::Thread(_)
        | QueryError::Io(_) => 500,
    };
    WorkerFailure {
        status,
        message: err.to_string(),
    }
}

/// A writer that refuses to pass `limit` bytes, with
/// [`io::ErrorKind::FileTooLarge`].
struct CappedWriter<W> {
    inner: W,
    left: usize,
}

impl<W: Write> CappedWriter<W> {
    fn new(inner: W, limit: usize) -> Self {
        CappedWriter { inner, left: limit }
    }
}

impl<W: Write> Write for CappedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.left {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "the results are larger than the server's --max-result-bytes",
            ));
        }
        let written = self.inner.write(buf)?;
        self.left -= written;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capped_writer_refuses_past_its_limit() {
        let mut out = Vec::new();
        let mut capped = CappedWriter::new(&mut out, 5);
        assert!(capped.write_all(b"abc").is_ok());
        let err = capped.write_all(b"def").map_err(|e| e.kind());
        assert_eq!(err, Err(io::ErrorKind::FileTooLarge));
        assert_eq!(out, b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn a_failure_is_read_from_the_last_json_line_or_the_exit_status() {
        use std::os::unix::process::ExitStatusExt;
        let failed = std::process::ExitStatus::from_raw(1 << 8);
        let line = WorkerFailure {
            status: 400,
            message: "bad".to_owned(),
        }
        .to_json_line();
        let stderr = format!("some noise\n{line}\n");
        assert_eq!(failure_of(stderr.as_bytes(), failed).status, 400);
        let killed = std::process::ExitStatus::from_raw(9);
        let unknown = failure_of(b"", killed);
        assert_eq!(unknown.status, 500);
        assert!(unknown.message.contains("signal: 9"), "{}", unknown.message);
    }

    #[test]
    fn requests_round_trip_through_json() -> Result<(), serde_json::Error> {
        let request = WorkerRequest {
            query: "ASK {}".to_owned(),
            format: "json".to_owned(),
            timeout_ms: 1500,
            max_rows: 10,
            max_result_bytes: 100,
            default_graphs: vec!["https://example.org/g".to_owned()],
            named_graphs: Vec::new(),
        };
        let text = serde_json::to_string(&request)?;
        assert_eq!(serde_json::from_str::<WorkerRequest>(&text)?, request);
        Ok(())
    }
}
