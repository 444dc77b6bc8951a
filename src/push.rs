//! Pushing N-Quads files into a SPARQL server: `akg push --graph-store URL
//! FILES...` ([`push`]) loads the shard files of `akg build --shard` and
//! the facts graph of `akg facts-graph` through the server's SPARQL 1.1
//! Graph Store HTTP Protocol endpoint (Oxigraph server: `/store`).
//!
//! Every file is checked before anything is sent: a shard file whose
//! manifest is beside it against the manifest (BLAKE3 checksum, line
//! count), any other file by parsing it. A quad in the default graph is
//! refused, there and again as the quads are sent: this module never sends
//! a request without `?graph=`, since a `PUT` to the endpoint itself
//! replaces the server's whole dataset.
//!
//! Quads are grouped by graph, and each graph is sent in one request: a
//! `PUT` to `URL?graph=IRI`, which replaces the graph, so pushing again
//! replaces rather than duplicates. Memory stays bounded however large a
//! file is: one larger than [`PushOptions::group_bytes`] is first split by
//! a hash of the graph into temporary files of about that size, each then
//! grouped in memory (shard files are sorted by subject, so a graph's
//! quads are spread over the whole file). A graph larger than
//! [`PushOptions::request_bytes`] goes as a `PUT` and `POST`s (added),
//! unless it has blank nodes, which a server may scope to one request
//! (Oxigraph server renames them per request). A graph that an earlier
//! file of the same push sent (an entity graph, which every shard writes
//! whole) is `POST`ed. Every request is idempotent, so a run killed
//! halfway is completed by running it again: the second run sends
//! everything anew.
//!
//! A failed request is tried again, at most [`PushOptions::retries`] times,
//! after a wait that doubles from [`PushOptions::first_backoff`] (or the
//! server's `Retry-After`), when the failure may pass: no connection, a
//! timeout, 408, 429, 500, 502, 503, 504. Other answers stop the push with
//! the status and the first line of the server's message. Credentials
//! come from the environment ([`credentials_from_env`]), never from the
//! URL. The module prints nothing: it reports progress through a callback.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use flate2::bufread::MultiGzDecoder;
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Term, Triple};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::build::Progress;
use crate::http_client::{self, first_line, has_userinfo, CredentialVariables, CredentialsProblem};
use crate::shard::{self, ShardError};

/// The environment variable with the user name for HTTP Basic
/// authentication (with [`PASSWORD_VARIABLE`]).
pub const USER_VARIABLE: &str = "AKG_GRAPH_STORE_USER";
/// The environment variable with the password for HTTP Basic authentication.
pub const PASSWORD_VARIABLE: &str = "AKG_GRAPH_STORE_PASSWORD";
/// The environment variable with a bearer token.
pub const TOKEN_VARIABLE: &str = "AKG_GRAPH_STORE_TOKEN";

/// How many times a failed request is tried again, by default.
pub const DEFAULT_RETRIES: u32 = 5;
/// How long a request may take, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// The most bytes of N-Quads grouped by graph in memory, by default.
pub const DEFAULT_GROUP_BYTES: usize = 128 * 1024 * 1024;
/// The most bytes of N-Triples in one request, by default.
pub const DEFAULT_REQUEST_BYTES: usize = 32 * 1024 * 1024;
/// The wait before the first retry; each further one waits twice as long.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(250);
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

/// Why a push failed.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The endpoint's URL cannot be used.
    #[error("{0}")]
    Url(String),
    /// The credentials in the environment are incomplete or ambiguous.
    #[error("{0}")]
    Credentials(String),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A file is not N-Quads.
    #[error("{path}: not N-Quads: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What the parser says, with the line.
        message: String,
    },
    /// A quad is not in a graph named by an IRI.
    #[error(
        "{path} line {line}: a quad in {what}; akg push sends only graphs named by an IRI \
         (a PUT without ?graph= would replace the server's whole dataset): put it in a named graph"
    )]
    Unnamed {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: u64,
        /// "the default graph" or "a graph named by a blank node".
        what: &'static str,
    },
    /// A shard file does not match its manifest.
    #[error("{path} does not match its manifest {manifest}: {why}; build the shard again")]
    Manifest {
        /// The shard file.
        path: PathBuf,
        /// Its manifest.
        manifest: PathBuf,
        /// What differs.
        why: String,
    },
    /// A manifest could not be read.
    #[error(transparent)]
    Shard(#[from] ShardError),
    /// The server answered a request with an error.
    #[error(
        "{method} of graph <{graph}> answered {status}{message}{attempts}{advice}",
        attempts = after_attempts(*.attempts)
    )]
    Status {
        /// `PUT` or `POST`.
        method: &'static str,
        /// The graph sent.
        graph: String,
        /// The status and its reason, e.g. `404 Not Found`.
        status: String,
        /// `: ` and the first line of the server's answer, or nothing.
        message: String,
        /// How many times the request was sent.
        attempts: u32,
        /// What to do, after `; `, or nothing.
        advice: &'static str,
    },
    /// The server answered what cannot be read.
    #[error("{0}")]
    Answer(String),
    /// The server does not hold a graph as it was sent: it does not take
    /// `?graph=` at this URL.
    #[error(
        "after a PUT of {sent} triples to graph <{graph}> the server holds {held} there: it does \
         not take ?graph= at this URL; give its Graph Store Protocol endpoint itself (Oxigraph \
         server: http://HOST:PORT/store, without a trailing slash), and look for a graph this \
         push wrote by mistake"
    )]
    NotHeld {
        /// The graph.
        graph: String,
        /// Its distinct triples sent.
        sent: u64,
        /// Its triples on the server.
        held: u64,
    },
    /// The server could not be reached, or did not answer in time.
    #[error(
        "no answer from the server{attempts}: {message}; check that it runs and that the URL \
         is right, then run akg push again",
        attempts = after_attempts(*.attempts)
    )]
    Unreachable {
        /// What went wrong with the last attempt.
        message: String,
        /// How many times the request was sent.
        attempts: u32,
    },
}

/// ` after N attempts` when there was more than one.
fn after_attempts(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

pub use crate::http_client::Credentials;

/// The environment variables of [`credentials_from_env`].
const VARIABLES: CredentialVariables = CredentialVariables {
    user: USER_VARIABLE,
    password: PASSWORD_VARIABLE,
    token: TOKEN_VARIABLE,
};

/// The credentials that `env` holds: [`USER_VARIABLE`] and
/// [`PASSWORD_VARIABLE`] together, or [`TOKEN_VARIABLE`], or none. Empty
/// variables count as unset.
pub fn credentials_from_env(
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, PushError> {
    VARIABLES.read(env).map_err(|problem| {
        PushError::Credentials(
            match problem {
                CredentialsProblem::Both => {
                    "both AKG_GRAPH_STORE_TOKEN and AKG_GRAPH_STORE_USER or \
                     AKG_GRAPH_STORE_PASSWORD are set: set the token, or the user and password, \
                     not both"
                }
                CredentialsProblem::UserWithoutPassword => {
                    "AKG_GRAPH_STORE_USER is set without AKG_GRAPH_STORE_PASSWORD: set both for \
                     HTTP Basic authentication"
                }
                CredentialsProblem::PasswordWithoutUser => {
                    "AKG_GRAPH_STORE_PASSWORD is set without AKG_GRAPH_STORE_USER: set both for \
                     HTTP Basic authentication"
                }
            }
            .to_owned(),
        )
    })
}

/// Where and how to push.
#[derive(Clone, Debug)]
pub struct PushOptions {
    /// The Graph Store Protocol endpoint (Oxigraph server:
    /// `http://HOST:PORT/store`).
    pub url: String,
    /// Credentials, if the server needs them.
    pub credentials: Option<Credentials>,
    /// How many times a failed request is tried again.
    pub retries: u32,
    /// The wait before the first retry.
    pub first_backoff: Duration,
    /// How long one request may take, from connecting to the answer.
    pub timeout: Duration,
    /// The most bytes of N-Quads grouped by graph in memory at once; a
    /// larger file is first split by graph into temporary files (in
    /// `TMPDIR`) of about this size.
    pub group_bytes: usize,
    /// The most bytes of N-Triples in one request: a larger graph is sent
    /// in pieces, a `PUT` and `POST`s (unless it has blank nodes).
    pub request_bytes: usize,
}

impl PushOptions {
    /// The defaults for `url`.
    pub fn new(url: impl Into<String>) -> PushOptions {
        PushOptions {
            url: url.into(),
            credentials: None,
            retries: DEFAULT_RETRIES,
            first_backoff: FIRST_BACKOFF,
            timeout: DEFAULT_TIMEOUT,
            group_bytes: DEFAULT_GROUP_BYTES,
            request_bytes: DEFAULT_REQUEST_BYTES,
        }
    }
}

/// What a push did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PushSummary {
    /// Files pushed.
    pub files: usize,
    /// Distinct graphs sent.
    pub graphs: usize,
    /// Quads sent.
    pub quads: u64,
    /// Requests that succeeded (`PUT`s, and `POST`s of split graphs).
    pub requests: u64,
    /// Requests sent again after a failure that may pass.
    pub retries: u64,
    /// Bytes of N-Triples sent.
    pub bytes: u64,
    /// Wall time, checking the files included.
    #[serde(rename = "seconds", serialize_with = "as_seconds")]
    pub elapsed: Duration,
}

impl PushSummary {
    /// Quads sent per second of wall time.
    pub fn quads_per_second(&self) -> f64 {
        self.quads as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

fn as_seconds<S: serde::Serializer>(elapsed: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(elapsed.as_secs_f64())
}

/// Pushes `files` (gzipped or plain N-Quads) to the endpoint of `options`:
/// checks every file first, then sends graph by graph (see the module
/// documentation). `progress` hears the number of quads to send, then the
/// quads of each request that succeeded.
pub fn push(
    files: &[PathBuf],
    options: &PushOptions,
    progress: &dyn Fn(Progress),
) -> Result<PushSummary, PushError> {
    let started = Instant::now();
    let store = GraphStore::new(options)?;
    let sizes = files
        .iter()
        .map(|path| check_file(path))
        .collect::<Result<Vec<FileSize>, PushError>>()?;
    progress(Progress::Start(sizes.iter().map(|size| size.quads).sum()));
    let mut pusher = Pusher {
        store: &store,
        group_bytes: options.group_bytes as u64,
        request_bytes: options.request_bytes,
        sent: HashSet::new(),
        endpoint_check: EndpointCheck::Waiting,
        summary: PushSummary::default(),
        progress,
    };
    for (path, size) in files.iter().zip(sizes) {
        pusher.push_file(path, size)?;
    }
    let mut summary = pusher.summary;
    summary.files = files.len();
    summary.graphs = pusher.sent.len();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Checks a file before anything is sent. A shard file whose manifest is
/// beside it is checked against the manifest (checksum, then lines): what
/// `akg build --shard` wrote is N-Quads in named graphs. Any other file is
/// parsed.
fn check_file(path: &Path) -> Result<FileSize, PushError> {
    let manifest_path = shard::manifest_path(path);
    if !manifest_path.is_file() {
        return read_quads(path, |_, _| Ok(()));
    }
    let manifest = shard::read_manifest(&manifest_path)?;
    let io_error = |source| PushError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mismatch = |why: String| PushError::Manifest {
        path: path.to_path_buf(),
        manifest: manifest_path.clone(),
        why,
    };
    let checksum = shard::file_blake3(path).map_err(io_error)?;
    if checksum != manifest.blake3 {
        return Err(mismatch(format!(
            "its BLAKE3 checksum is {checksum}, the manifest says {}",
            manifest.blake3
        )));
    }
    let mut size = FileSize::default();
    let mut reader = open(path).map_err(io_error)?;
    loop {
        let buffer = reader.fill_buf().map_err(io_error)?;
        if buffer.is_empty() {
            break;
        }
        size.quads += memchr::memchr_iter(b'\n', buffer).count() as u64;
        size.bytes += buffer.len() as u64;
        let consumed = buffer.len();
        reader.consume(consumed);
    }
    if size.quads != manifest.quads as u64 {
        return Err(mismatch(format!(
            "it has {} lines, the manifest says {} quads",
            size.quads, manifest.quads
        )));
    }
    Ok(size)
}

/// Opens a file of N-Quads, gunzipping it if it starts with gzip's magic
/// bytes.
fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    if reader.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(reader),
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// How much a file of N-Quads holds.
#[derive(Clone, Copy, Debug, Default)]
struct FileSize {
    quads: u64,
    /// Bytes of N-Quads, uncompressed.
    bytes: u64,
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Parses a file of N-Quads and gives each quad's triple and graph to
/// `each`. A quad outside a graph named by an IRI is an error.
fn read_quads(
    path: &Path,
    mut each: impl FnMut(Triple, NamedNode) -> Result<(), PushError>,
) -> Result<FileSize, PushError> {
    let io_error = |source| PushError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = Counted {
        inner: open(path).map_err(io_error)?,
        bytes: 0,
    };
    let mut quads = 0;
    for quad in RdfParser::from_format(RdfFormat::NQuads).for_reader(&mut reader) {
        let quad = quad.map_err(|err| match err {
            RdfParseError::Io(source) => io_error(source),
            RdfParseError::Syntax(err) => PushError::Syntax {
                path: path.to_path_buf(),
                message: err.to_string(),
            },
        })?;
        let unnamed = |what| PushError::Unnamed {
            path: path.to_path_buf(),
            line: line_of_quad(path, quads),
            what,
        };
        let graph = match quad.graph_name {
            GraphName::NamedNode(graph) => graph,
            GraphName::DefaultGraph => return Err(unnamed("the default graph")),
            GraphName::BlankNode(_) => return Err(unnamed("a graph named by a blank node")),
        };
        quads += 1;
        each(
            Triple::new(quad.subject, quad.predicate, quad.object),
            graph,
        )?;
    }
    Ok(FileSize {
        quads,
        bytes: reader.bytes,
    })
}

/// The line (from 1) of the quad at `index` (from 0) of a file read
/// without error up to it, found by parsing it again line by line; 0 if
/// not found.
fn line_of_quad(path: &Path, index: u64) -> u64 {
    let Ok(reader) = open(path) else {
        return 0;
    };
    let parser = RdfParser::from_format(RdfFormat::NQuads);
    let mut seen = 0;
    for (number, line) in (1..).zip(reader.split(b'\n')) {
        let Ok(line) = line else {
            return 0;
        };
        seen += parser.clone().for_slice(&line).count() as u64;
        if seen > index {
            return number;
        }
    }
    0
}

/// One graph's triples, as N-Triples.
#[derive(Default)]
struct GraphPart {
    body: Vec<u8>,
    quads: u64,
    blank_nodes: bool,
}

/// Quads grouped by graph, in memory.
#[derive(Default)]
struct Group {
    parts: BTreeMap<NamedNode, GraphPart>,
}

impl Group {
    /// Groups the quads of a file.
    fn read(path: &Path) -> Result<Group, PushError> {
        let mut group = Group::default();
        read_quads(path, |triple, graph| {
            group.add(&triple, graph);
            Ok(())
        })?;
        Ok(group)
    }

    fn add(&mut self, triple: &Triple, graph: NamedNode) {
        let part = self.parts.entry(graph).or_default();
        // Writing to a Vec cannot fail.
        let _ = writeln!(part.body, "{triple} .");
        part.quads += 1;
        part.blank_nodes |= matches!(triple.subject, NamedOrBlankNode::BlankNode(_))
            || matches!(triple.object, Term::BlankNode(_));
    }
}

/// Splits made by this process so far, to name their temporary files apart.
static SPLITS: AtomicUsize = AtomicUsize::new(0);

/// A file's quads split by graph into temporary files: every graph's
/// quads in one of them. Dropped, the files are removed.
struct Partitions {
    paths: Vec<PathBuf>,
}

impl Partitions {
    /// Splits the quads of `path` into `count` temporary files, by a hash
    /// of their graph.
    fn split(path: &Path, count: usize) -> Result<Partitions, PushError> {
        let mut partitions = Partitions { paths: Vec::new() };
        let mut writers = Vec::with_capacity(count);
        let split = SPLITS.fetch_add(1, Ordering::Relaxed);
        for index in 0..count {
            let temporary = std::env::temp_dir().join(format!(
                "akg-push-{}-{}-{index}.nq",
                std::process::id(),
                split
            ));
            let file = File::create(&temporary).map_err(|source| PushError::Io {
                path: temporary.clone(),
                source,
            })?;
            partitions.paths.push(temporary);
            writers.push(BufWriter::new(file));
        }
        read_quads(path, |triple, graph| {
            let mut hasher = DefaultHasher::new();
            graph.as_str().hash(&mut hasher);
            let index = (hasher.finish() % count as u64) as usize;
            writeln!(writers[index], "{triple} {graph} .")
                .map_err(|source| partitions.io_error(index, source))
        })?;
        for (index, writer) in writers.into_iter().enumerate() {
            writer
                .into_inner()
                .map_err(|err| partitions.io_error(index, err.into_error()))?;
        }
        Ok(partitions)
    }

    fn io_error(&self, index: usize, source: io::Error) -> PushError {
        PushError::Io {
            path: self.paths[index].clone(),
            source,
        }
    }
}

impl Drop for Partitions {
    fn drop(&mut self) {
        for path in &self.paths {
            // Best effort: a file left in the temporary folder harms nothing.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The state of one push: which graphs were sent, and the counts.
struct Pusher<'a> {
    store: &'a GraphStore,
    /// The most bytes of N-Quads grouped in memory at once.
    group_bytes: u64,
    /// The most bytes of N-Triples in one request.
    request_bytes: usize,
    sent: HashSet<NamedNode>,
    /// Whether the server is seen to take `?graph=`.
    endpoint_check: EndpointCheck,
    summary: PushSummary,
    progress: &'a dyn Fn(Progress),
}

/// Whether the server takes `?graph=`: once a graph with another number of
/// triples than the first is sent, the first is read back and its triples
/// counted. A server that ignores the parameter (Oxigraph server at
/// `/store/`, which takes the URL itself for the graph) holds the later
/// graph's triples there instead.
enum EndpointCheck {
    /// Nothing sent yet.
    Waiting,
    /// The first graph sent and its distinct triples.
    First(NamedNode, u64),
    /// Checked.
    Done,
}

impl Pusher<'_> {
    /// Sends one file's graphs: grouped in memory if it is small enough,
    /// else split by graph into temporary files first.
    fn push_file(&mut self, path: &Path, size: FileSize) -> Result<(), PushError> {
        let count = size.bytes / self.group_bytes.max(1) + 1;
        if count == 1 {
            return self.send_group(Group::read(path)?);
        }
        let partitions = Partitions::split(path, count as usize)?;
        for partition in &partitions.paths {
            self.send_group(Group::read(partition)?)?;
        }
        Ok(())
    }

    /// Sends a group's graphs in the order of their IRIs.
    fn send_group(&mut self, group: Group) -> Result<(), PushError> {
        for (graph, part) in group.parts {
            self.send_graph(graph, &part)?;
        }
        Ok(())
    }

    /// Sends one graph: a `PUT` if the push has not sent it yet, else a
    /// `POST`. A graph larger than a request is sent in pieces (`POST`s
    /// after the first), unless it has blank nodes, which a server may
    /// scope to one request.
    fn send_graph(&mut self, graph: NamedNode, part: &GraphPart) -> Result<(), PushError> {
        let limit = if part.blank_nodes {
            usize::MAX
        } else {
            self.request_bytes
        };
        for piece in pieces(&part.body, limit) {
            let method = if self.sent.contains(&graph) {
                Method::Post
            } else {
                Method::Put
            };
            let (_, retries) = self.store.send(method, &graph, piece)?;
            self.sent.insert(graph.clone());
            let quads = memchr::memchr_iter(b'\n', piece).count() as u64;
            self.summary.requests += 1;
            self.summary.retries += u64::from(retries);
            self.summary.quads += quads;
            self.summary.bytes += piece.len() as u64;
            (self.progress)(Progress::Advance(quads));
        }
        self.check_endpoint(graph, part)
    }

    /// Takes the first graph sent, and once one of another size is sent
    /// checks that the server holds the first as sent ([`EndpointCheck`]).
    fn check_endpoint(&mut self, graph: NamedNode, part: &GraphPart) -> Result<(), PushError> {
        if matches!(self.endpoint_check, EndpointCheck::Done) {
            return Ok(());
        }
        let distinct: HashSet<&[u8]> = part.body.split(|&b| b == b'\n').collect();
        let triples = distinct.iter().filter(|line| !line.is_empty()).count() as u64;
        match &self.endpoint_check {
            EndpointCheck::Waiting => {
                self.endpoint_check = EndpointCheck::First(graph, triples);
            }
            EndpointCheck::First(first, sent) if *first != graph && *sent != triples => {
                let held = self.store.triples_in(first)?;
                if held != *sent {
                    return Err(PushError::NotHeld {
                        graph: first.as_str().to_owned(),
                        sent: *sent,
                        held,
                    });
                }
                self.endpoint_check = EndpointCheck::Done;
            }
            EndpointCheck::First(..) | EndpointCheck::Done => {}
        }
        Ok(())
    }
}

/// `body` cut at line ends into pieces of at most `limit` bytes (or one
/// line, if a line is longer).
fn pieces(body: &[u8], limit: usize) -> impl Iterator<Item = &[u8]> {
    let mut rest = body;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = if rest.len() <= limit {
            rest.len()
        } else {
            match memchr::memrchr(b'\n', &rest[..limit]) {
                Some(newline) => newline + 1,
                None => memchr::memchr(b'\n', rest).map_or(rest.len(), |newline| newline + 1),
            }
        };
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

/// The requests a push sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
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
struct GraphStore {
    /// The endpoint's URL, checked.
    endpoint: String,
    agent: ureq::Agent,
    authorization: Option<String>,
    retries: u32,
    first_backoff: Duration,
}

impl GraphStore {
    fn new(options: &PushOptions) -> Result<GraphStore, PushError> {
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
    fn send(
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
    fn triples_in(&self, graph: &NamedNode) -> Result<u64, PushError> {
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
struct Answer {
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
    use std::collections::{BTreeMap, BTreeSet, VecDeque};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use oxigraph::model::NamedNode;

    use super::{
        backoff, checked_endpoint, credentials_from_env, graph_url, pieces, push, status_may_pass,
        Credentials, PushError, PushOptions, PushSummary,
    };

    /// What the test server does with a request before its script runs
    /// out; after, it applies every request.
    enum Reply {
        /// Do what the request asks, as a Graph Store would.
        Apply,
        /// Answer with this status and body, and change nothing.
        Status(u16, &'static str),
        /// Close the connection without answering.
        HangUp,
        /// Answer nothing for this long, then close.
        Stall(Duration),
    }

    /// One request the test server received.
    #[derive(Clone, Debug)]
    struct Recorded {
        method: String,
        /// The graph of `?graph=`, decoded; None without one.
        graph: Option<String>,
        body: String,
        authorization: Option<String>,
    }

    #[derive(Default)]
    struct ServerState {
        /// Whether `?graph=` is ignored: everything goes to one graph, as
        /// Oxigraph server does at `/store/`.
        ignores_graph: bool,
        script: VecDeque<Reply>,
        requests: Vec<Recorded>,
        /// Graph IRI → its N-Triples lines.
        graphs: BTreeMap<String, BTreeSet<String>>,
    }

    /// A Graph Store Protocol server on loopback that keeps graphs as
    /// sets of N-Triples lines (`PUT` replaces, `POST` adds), records every
    /// request and answers from a script first.
    struct TestServer {
        url: String,
        state: Arc<Mutex<ServerState>>,
    }

    impl TestServer {
        fn start(script: Vec<Reply>) -> TestServer {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}/store", listener.local_addr().unwrap());
            let state = Arc::new(Mutex::new(ServerState {
                script: script.into(),
                ..ServerState::default()
            }));
            let shared = Arc::clone(&state);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    answer(stream, &shared);
                }
            });
            TestServer { url, state }
        }

        /// The server, ignoring `?graph=` from now on.
        fn ignoring_graph(self) -> TestServer {
            self.state.lock().unwrap().ignores_graph = true;
            self
        }

        fn requests(&self) -> Vec<Recorded> {
            self.state.lock().unwrap().requests.clone()
        }

        fn graphs(&self) -> BTreeMap<String, BTreeSet<String>> {
            self.state.lock().unwrap().graphs.clone()
        }

        fn options(&self) -> PushOptions {
            PushOptions {
                first_backoff: Duration::from_millis(1),
                ..PushOptions::new(&self.url)
            }
        }
    }

    /// Reads one request from `stream` and answers it (one request per
    /// connection: every answer closes it).
    fn answer(stream: TcpStream, state: &Mutex<ServerState>) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            head.push(line.trim_end().to_owned());
        }
        let header = |name: &str| {
            head.iter().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case(name)
                    .then(|| value.trim().to_owned())
            })
        };
        let length: usize = header("content-length").map_or(0, |v| v.parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut request_line = head[0].split(' ');
        let method = request_line.next().unwrap().to_owned();
        let target = request_line.next().unwrap().to_owned();
        let graph = target.split_once('?').and_then(|(_, query)| {
            if state.lock().unwrap().ignores_graph {
                return Some("the URL".to_owned());
            }
            form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "graph")
                .map(|(_, value)| value.into_owned())
        });
        let recorded = Recorded {
            method,
            graph,
            body: String::from_utf8(body).unwrap(),
            authorization: header("authorization"),
        };
        let mut state = state.lock().unwrap();
        state.requests.push(recorded.clone());
        let (status, message) = match state.script.pop_front().unwrap_or(Reply::Apply) {
            Reply::Apply => apply(&mut state.graphs, &recorded),
            Reply::Status(status, message) => (status, message.to_owned()),
            Reply::HangUp => return,
            Reply::Stall(time) => {
                drop(state);
                std::thread::sleep(time);
                return;
            }
        };
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\nRetry-After: 0\r\n\r\n{message}",
            message.len()
        );
    }

    /// What a Graph Store does with a request; its status and body.
    fn apply(graphs: &mut BTreeMap<String, BTreeSet<String>>, request: &Recorded) -> (u16, String) {
        let Some(graph) = &request.graph else {
            return (400, "no graph".to_owned());
        };
        let lines = request.body.lines().map(str::to_owned);
        match request.method.as_str() {
            "PUT" => {
                graphs.insert(graph.clone(), lines.collect());
            }
            "POST" => graphs.entry(graph.clone()).or_default().extend(lines),
            "GET" => {
                let Some(lines) = graphs.get(graph) else {
                    return (404, "no such graph".to_owned());
                };
                return (200, lines.iter().map(|line| format!("{line}\n")).collect());
            }
            _ => return (405, "no such method".to_owned()),
        }
        (204, String::new())
    }

    const G1: &str = "http://example.com/g1";
    /// A graph IRI with characters that `?graph=` must escape.
    const G2: &str = "http://example.com/g2%20x?&=#";

    /// A file of N-Quads: one graph of 3 triples, one with a blank node.
    fn two_graphs(dir: &Path) -> PathBuf {
        let path = dir.join("two.nq");
        std::fs::write(
            &path,
            format!(
                "<http://a> <http://p> \"1\" <{G1}> .\n\
                 <http://b> <http://p> _:x <{G2}> .\n\
                 <http://a> <http://p> \"2\" <{G1}> .\n\
                 _:x <http://p> \"3\" <{G2}> .\n\
                 <http://c> <http://p> <http://a> <{G1}> .\n"
            ),
        )
        .unwrap();
        path
    }

    fn expected_graphs() -> BTreeMap<String, BTreeSet<String>> {
        let lines = |lines: &[&str]| lines.iter().map(|l| (*l).to_owned()).collect();
        BTreeMap::from([
            (
                G1.to_owned(),
                lines(&[
                    "<http://a> <http://p> \"1\" .",
                    "<http://a> <http://p> \"2\" .",
                    "<http://c> <http://p> <http://a> .",
                ]),
            ),
            (
                G2.to_owned(),
                lines(&["<http://b> <http://p> _:x .", "_:x <http://p> \"3\" ."]),
            ),
        ])
    }

    fn run(files: &[&Path], options: &PushOptions) -> Result<PushSummary, PushError> {
        let files: Vec<PathBuf> = files.iter().map(|file| file.to_path_buf()).collect();
        push(&files, options, &|_| {})
    }

    #[test]
    fn each_graph_is_put_once_and_a_second_push_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let server = TestServer::start(Vec::new());
        let summary = run(&[&file], &server.options()).unwrap();
        assert_eq!(server.graphs(), expected_graphs());
        assert_eq!((summary.graphs, summary.requests, summary.quads), (2, 2, 5));
        // The first graph is read back once the second is sent.
        let requests = server.requests();
        let sent: Vec<(&str, Option<&str>)> = requests
            .iter()
            .map(|r| (r.method.as_str(), r.graph.as_deref()))
            .collect();
        assert_eq!(
            sent,
            [("PUT", Some(G1)), ("PUT", Some(G2)), ("GET", Some(G1))]
        );
        // Something the file does not hold is replaced away.
        server
            .state
            .lock()
            .unwrap()
            .graphs
            .get_mut(G1)
            .unwrap()
            .insert("<http://stale> <http://p> \"0\" .".to_owned());
        run(&[&file], &server.options()).unwrap();
        assert_eq!(server.graphs(), expected_graphs());
        assert_eq!(server.requests().len(), 6);
    }

    #[test]
    fn a_large_file_is_split_by_graph_and_a_large_graph_sent_in_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let server = TestServer::start(Vec::new());
        let options = PushOptions {
            // Four temporary files; G1 in pieces of one triple.
            group_bytes: 100,
            request_bytes: 40,
            ..server.options()
        };
        let summary = run(&[&file], &options).unwrap();
        assert_eq!(server.graphs(), expected_graphs());
        let requests = server.requests();
        let methods = |graph: &str| -> Vec<String> {
            requests
                .iter()
                .filter(|r| r.graph.as_deref() == Some(graph) && r.method != "GET")
                .map(|r| r.method.clone())
                .collect()
        };
        assert_eq!(methods(G1), ["PUT", "POST", "POST"]);
        // The graph with a blank node goes whole, whatever its size.
        assert_eq!(methods(G2), ["PUT"]);
        assert_eq!((summary.graphs, summary.requests, summary.quads), (2, 4, 5));
        // The temporary files are gone.
        let prefix = format!("akg-push-{}-", std::process::id());
        let left = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&prefix)
            })
            .count();
        assert_eq!(left, 0);
        // A second push of the same file, with a graph already sent by an
        // earlier file of the push, still ends with the same graphs.
        run(&[&file, &file], &options).unwrap();
        assert_eq!(server.graphs(), expected_graphs());
    }

    #[test]
    fn failures_that_may_pass_are_retried() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let server = TestServer::start(vec![
            Reply::Status(503, "busy"),
            Reply::HangUp,
            Reply::Status(429, "slow down"),
        ]);
        let summary = run(&[&file], &server.options()).unwrap();
        assert_eq!(summary.retries, 3);
        assert_eq!(server.requests().len(), 6);
        assert_eq!(server.graphs(), expected_graphs());
    }

    #[test]
    fn a_server_that_ignores_the_graph_is_caught_after_two_graphs() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let server = TestServer::start(Vec::new()).ignoring_graph();
        let err = run(&[&file], &server.options()).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "after a PUT of 3 triples to graph <{G1}> the server holds 2 there: it does not \
                 take ?graph= at this URL; give its Graph Store Protocol endpoint itself"
            )),
            "{err}"
        );
        assert_eq!(server.requests().len(), 3);
    }

    #[test]
    fn retries_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let server = TestServer::start((0..10).map(|_| Reply::Status(503, "busy")).collect());
        let options = PushOptions {
            retries: 2,
            ..server.options()
        };
        let err = run(&[&file], &options).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "PUT of graph <{G1}> answered 503 Service Unavailable: busy after 3 attempts; \
                 run akg push again when the server is well"
            )
        );
        assert_eq!(server.requests().len(), 3);
    }

    #[test]
    fn an_error_that_will_not_pass_stops_at_once_with_the_servers_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        for (status, says) in [
            (400, "400 Bad Request: Parse error at line 3"),
            (
                404,
                "404 Not Found: Parse error at line 3; is the URL the server's Graph Store",
            ),
            (
                401,
                "401 Unauthorized: Parse error at line 3; the server wants credentials",
            ),
        ] {
            let server = TestServer::start(vec![Reply::Status(
                status,
                "\n  Parse error at line 3 \nmore",
            )]);
            let err = run(&[&file], &server.options()).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("PUT of graph <{G1}> answered {says}")),
                "{err}"
            );
            assert!(!err.contains("more") && !err.contains("attempts"), "{err}");
            assert_eq!(server.requests().len(), 1);
        }
    }

    #[test]
    fn a_rerun_after_a_failure_completes_the_push() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let other = dir.path().join("other.nq.gz");
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gzip.write_all(b"<http://x> <http://p> <http://y> <http://example.com/g0> .\n")
            .unwrap();
        std::fs::write(&other, gzip.finish().unwrap()).unwrap();
        let server = TestServer::start(vec![Reply::Apply, Reply::Status(500, "disk full")]);
        let options = PushOptions {
            retries: 0,
            ..server.options()
        };
        let files = [other.as_path(), &file];
        let err = run(&files, &options).unwrap_err().to_string();
        assert!(
            err.contains("500 Internal Server Error: disk full;"),
            "{err}"
        );
        assert_eq!(server.graphs().len(), 1);
        run(&files, &options).unwrap();
        let mut expected = expected_graphs();
        expected.insert(
            "http://example.com/g0".to_owned(),
            BTreeSet::from(["<http://x> <http://p> <http://y> .".to_owned()]),
        );
        assert_eq!(server.graphs(), expected);
    }

    #[test]
    fn nothing_is_sent_when_a_file_is_bad() {
        let dir = tempfile::tempdir().unwrap();
        let good = two_graphs(dir.path());
        let server = TestServer::start(Vec::new());
        for (name, text, says) in [
            (
                "default.nq",
                "<http://a> <http://p> <http://b> <http://g> .\n# a comment\n\n<http://a> <http://p> <http://b> .\n",
                "default.nq line 4: a quad in the default graph; akg push sends only graphs named by an IRI",
            ),
            (
                "blank.nq",
                "<http://a> <http://p> <http://b> _:g .\n",
                "blank.nq line 1: a quad in a graph named by a blank node",
            ),
            (
                "broken.nq",
                "<http://a> <http://p> <http://b> <http://g> .\n<http://a> <http://p> \"open\n",
                "broken.nq: not N-Quads: Parser error between line 2",
            ),
        ] {
            let bad = dir.path().join(name);
            std::fs::write(&bad, text).unwrap();
            let err = run(&[&good, &bad], &server.options())
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{err}");
        }
        let missing = dir.path().join("missing.nq.gz");
        let err = run(&[&good, &missing], &server.options()).unwrap_err();
        assert!(matches!(err, PushError::Io { .. }), "{err}");
        assert_eq!(server.requests().len(), 0);
    }

    #[test]
    fn a_shard_is_checked_against_its_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let manifest = dir.path().join("two.manifest.json");
        let write_manifest = |quads: usize, blake3: &str| {
            let json = serde_json::json!({
                "format": crate::shard::MANIFEST_FORMAT,
                "shard": {"index": 0, "count": 1},
                "ontology_hash": "x",
                "nquads": "two.nq",
                "quads": quads,
                "blake3": blake3,
                "articles": [],
                "skipped": 0,
                "facts": [],
            });
            std::fs::write(&manifest, json.to_string()).unwrap();
        };
        let checksum = crate::shard::file_blake3(&file).unwrap();
        let server = TestServer::start(Vec::new());
        write_manifest(5, "0000");
        let err = run(&[&file], &server.options()).unwrap_err().to_string();
        assert!(
            err.contains("two.nq does not match its manifest")
                && err.contains(&format!("its BLAKE3 checksum is {checksum}, the manifest says 0000; build the shard again")),
            "{err}"
        );
        write_manifest(6, &checksum);
        let err = run(&[&file], &server.options()).unwrap_err().to_string();
        assert!(
            err.ends_with("it has 5 lines, the manifest says 6 quads; build the shard again"),
            "{err}"
        );
        assert_eq!(server.requests().len(), 0);
        write_manifest(5, &checksum);
        run(&[&file], &server.options()).unwrap();
        assert_eq!(server.graphs(), expected_graphs());
    }

    #[test]
    fn credentials_are_sent_as_the_environment_gives_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        for (credentials, header) in [
            (
                Credentials::Basic {
                    user: "ann".to_owned(),
                    password: "s3cret:x".to_owned(),
                },
                // base64("ann:s3cret:x")
                "Basic YW5uOnMzY3JldDp4",
            ),
            (Credentials::Bearer("t0ken".to_owned()), "Bearer t0ken"),
        ] {
            let server = TestServer::start(Vec::new());
            let options = PushOptions {
                credentials: Some(credentials),
                ..server.options()
            };
            run(&[&file], &options).unwrap();
            assert!(server
                .requests()
                .iter()
                .all(|r| r.authorization.as_deref() == Some(header)));
        }
    }

    #[test]
    fn credentials_come_from_the_environment() {
        let check = |vars: &[(&str, &str)]| {
            credentials_from_env(|name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            })
            .map_err(|err| err.to_string())
        };
        let (user, password, token) = (
            "AKG_GRAPH_STORE_USER",
            "AKG_GRAPH_STORE_PASSWORD",
            "AKG_GRAPH_STORE_TOKEN",
        );
        assert_eq!(check(&[]), Ok(None));
        assert_eq!(check(&[(user, "")]), Ok(None));
        assert_eq!(
            check(&[(user, "ann"), (password, "pw")]),
            Ok(Some(Credentials::Basic {
                user: "ann".to_owned(),
                password: "pw".to_owned()
            }))
        );
        assert_eq!(
            check(&[(token, "t")]),
            Ok(Some(Credentials::Bearer("t".to_owned())))
        );
        assert!(check(&[(user, "ann")])
            .unwrap_err()
            .contains("without AKG_GRAPH_STORE_PASSWORD"));
        assert!(check(&[(password, "pw")])
            .unwrap_err()
            .contains("without AKG_GRAPH_STORE_USER"));
        assert!(check(&[(token, "t"), (user, "ann")])
            .unwrap_err()
            .contains("not both"));
        // Debug output hides the secrets.
        let basic = check(&[(user, "ann"), (password, "pw")]).unwrap();
        assert!(!format!("{basic:?}").contains("pw"));
        assert!(!format!("{:?}", check(&[(token, "t0k")]).unwrap()).contains("t0k"));
    }

    #[test]
    fn an_unreachable_server_is_tried_again_then_reported() {
        // A port nobody listens on.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let file = two_graphs(dir.path());
        let options = PushOptions {
            retries: 1,
            first_backoff: Duration::from_millis(1),
            ..PushOptions::new(format!("http://127.0.0.1:{port}/store"))
        };
        let err = run(&[&file], &options).unwrap_err().to_string();
        assert!(
            err.starts_with("no answer from the server after 2 attempts: ")
                && err.ends_with(
                    "check that it runs and that the URL is right, then run akg push again"
                ),
            "{err}"
        );
        // A server that does not answer in time.
        let server = TestServer::start(vec![Reply::Stall(Duration::from_secs(2))]);
        let options = PushOptions {
            retries: 0,
            timeout: Duration::from_millis(300),
            ..server.options()
        };
        let err = run(&[&file], &options).unwrap_err().to_string();
        assert!(
            err.starts_with("no answer from the server: timed out"),
            "{err}"
        );
    }

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

    #[test]
    fn pieces_end_at_line_ends() {
        let cut = |body: &str, limit| -> Vec<String> {
            pieces(body.as_bytes(), limit)
                .map(|p| String::from_utf8(p.to_vec()).unwrap())
                .collect()
        };
        assert_eq!(cut("a\nbb\nccc\n", 100), ["a\nbb\nccc\n"]);
        assert_eq!(cut("a\nbb\nccc\n", 5), ["a\nbb\n", "ccc\n"]);
        // A line longer than the limit goes alone.
        assert_eq!(cut("a\nbbbbbb\nc\n", 3), ["a\n", "bbbbbb\n", "c\n"]);
        assert!(cut("", 3).is_empty());
    }
}
