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
//!
//! This file holds the options, the errors and the push loop ([`push`]:
//! graph by graph, PUT or POST, and the check that the server takes
//! `?graph=`); `files` checks the files and groups their quads by graph
//! (splitting a large file into temporary files, a large graph into
//! pieces); `send` sends the requests, with retries and backoff.

mod files;
mod send;

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oxigraph::model::NamedNode;
use serde::Serialize;

use crate::build::Progress;
use crate::http_client::{CredentialVariables, CredentialsProblem};
use crate::shard::ShardError;
use files::{check_file, pieces, FileSize, GraphPart, Group, Partitions};
use send::{GraphStore, Method};

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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::{credentials_from_env, push, Credentials, PushError, PushOptions, PushSummary};

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
}
