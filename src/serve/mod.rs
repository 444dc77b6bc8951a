//! `akg serve`: a read-only SPARQL 1.1 Protocol endpoint over the store (or,
//! with `--endpoint`, over a remote SPARQL endpoint: [`Graph`]), and a small
//! web page to query it, look at the alliance diagram and trace any fact to
//! its sentences.
//!
//! Routes:
//!
//! - `GET /sparql?query=…`, `POST /sparql` (`application/sparql-query` or a
//!   form): the [SPARQL 1.1 Protocol]. Results are negotiated from `Accept`
//!   (JSON, XML, CSV, TSV for `SELECT`/`ASK`; Turtle, N-Triples for
//!   `CONSTRUCT`/`DESCRIBE`); `default-graph-uri` and `named-graph-uri` set
//!   the dataset, otherwise the default graph is the union of the articles'
//!   graphs, as in `akg query`.
//! - `GET /api/queries`: the saved queries; `GET /api/diagram.svg`: the
//!   alliance network with every node and edge linked to
//!   `GET /api/trace?…` (the JSON of `akg trace`, cut at `--max-rows`
//!   claims with `"truncated": true`, and 422 past `--max-result-bytes`).
//! - `GET /`, `/assets/app.js`, `/assets/app.css`: the page, compiled into
//!   the binary (no CDN: it works offline).
//!
//! Safe by construction: the store is opened read-only and updates are
//! refused (405), also before they reach a remote endpoint; `SERVICE` is
//! refused (oxigraph has no HTTP client here, and a remote endpoint is not
//! asked to call others);
//! each query has a time limit and caps on rows and bytes; at most
//! [`ServeOptions::max_concurrent`] queries run at once, a bounded number
//! wait briefly for a slot, and the rest get 503 with `Retry-After`;
//! request URLs and bodies have size limits; CORS headers are only sent
//! with `--cors`. Results are computed into a buffer (bounded by the caps)
//! before the status line is sent, so that a timeout or a cap gives a real
//! error status instead of a truncated 200.
//!
//! This module holds the options, the state the handlers share, the routes
//! and the middleware; the handlers live in `sparql.rs` (`/sparql`, each
//! query in a child process of `worker.rs`), `api.rs` (`/api/…`) and
//! `page.rs` (the page), and build their replies with `response.rs`.
//!
//! Hostile clients: `connection.rs` bounds the connections, the time to
//! send a request's head, and how long a body or a response may stall, and
//! shuts down within a deadline; `origin.rs` refuses requests for another
//! host name (421, DNS rebinding) and from another site's pages (403).
//!
//! The live generation is looked up on every request: after a new `akg
//! build` the server answers from the new generation, without a restart.
//! On a remote endpoint every request reads what its server holds then, and
//! the diagram is drawn anew each time; a failure of the endpoint is 502
//! (504 past its `--endpoint-timeout`) with the one line that names it.
//!
//! A `/sparql` query that computes in memory and ignores cancellation
//! (sorting a huge cross product) is killed with its worker process at the
//! deadline (504). A trace or the diagram runs on a blocking thread of this
//! process: it gets its 504 at the deadline, but its thread runs on and
//! keeps its slot until oxigraph returns, so such work cannot pile up
//! beyond the concurrency bound.
//!
//! [SPARQL 1.1 Protocol]: https://www.w3.org/TR/sparql11-protocol/

mod api;
mod connection;
mod origin;
mod page;
mod response;
mod sparql;
mod worker;

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use oxigraph::model::Quad;
use oxigraph::sparql::QueryResults;
use oxigraph::store::Store;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::cors::{AllowOrigin, CorsLayer};

use self::origin::{OriginPolicy, Refusal};
use self::response::{store_error, text, timeout_response};
use crate::memory::MemoryBudget;
use crate::read::remote::RemoteEndpoint;
use crate::read::{QueryError, Source};
use crate::store::{StoreDir, StoreError};

pub use api::{load_saved_queries, SavedQuery};
use worker::WorkerCommand;
pub use worker::{
    answer as answer_worker_request, WorkerFailure, WorkerRequest, SUBCOMMAND as WORKER_SUBCOMMAND,
};

/// How the server runs; every limit can be set from the command line.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address to listen on.
    pub bind: SocketAddr,
    /// The origin allowed by CORS (`*` for any); `None` sends no CORS
    /// headers and refuses requests from other origins.
    pub cors: Option<String>,
    /// Host names answered besides localhost and the address bound.
    pub allowed_hosts: Vec<String>,
    /// How long a client may take to send a request's head; also how long
    /// a kept-alive connection may wait for its next request.
    pub header_timeout: Duration,
    /// How long a request body or a response may go without moving a byte.
    pub stall_timeout: Duration,
    /// The most connections open at once; more wait to be accepted.
    pub max_connections: u32,
    /// How long the shutdown waits for the requests under way.
    pub shutdown_timeout: Duration,
    /// The time limit of one query.
    pub timeout: Duration,
    /// The most rows (solutions or triples) one result may have.
    pub max_rows: usize,
    /// The most bytes one serialized result may have.
    pub max_result_bytes: usize,
    /// The most queries evaluated at once.
    pub max_concurrent: usize,
    /// The most requests waiting for a slot; more get 503 at once.
    pub max_queued: usize,
    /// How long a request waits for a slot before it gets 503.
    pub queue_wait: Duration,
    /// The largest request body.
    pub max_body_bytes: usize,
    /// The longest request target (path and query string).
    pub max_url_bytes: usize,
    /// The saved queries offered by the page.
    pub saved_queries: Vec<SavedQuery>,
    /// The memory budget of each query's worker process.
    pub max_memory: MemoryBudget,
    /// The `akg` binary that evaluates each query in a child process
    /// ([`WORKER_SUBCOMMAND`]); `None`: this process's own executable.
    pub worker_exe: Option<PathBuf>,
}

impl ServeOptions {
    /// The defaults, listening on `bind`.
    pub fn new(bind: SocketAddr) -> Self {
        Self {
            bind,
            cors: None,
            allowed_hosts: Vec::new(),
            header_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(60),
            max_connections: 256,
            shutdown_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_rows: 100_000,
            max_result_bytes: 64 << 20,
            max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            max_queued: 64,
            queue_wait: Duration::from_secs(10),
            max_body_bytes: 1 << 20,
            max_url_bytes: 64 << 10,
            saved_queries: Vec::new(),
            max_memory: MemoryBudget::default_for_machine(),
            worker_exe: None,
        }
    }
}

/// Errors that stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}; choose another --bind address or port")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The store cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The runtime failed.
    #[error("the server failed: {0}")]
    Io(#[from] io::Error),
}

/// True for addresses only this machine can reach.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// A bound server, ready to [`run`](Server::run).
pub struct Server {
    listener: TcpListener,
    state: Arc<AppState>,
}

impl Server {
    /// Opens the store (it must exist), or takes the endpoint, and binds
    /// the address.
    pub fn bind(graph: Graph, options: ServeOptions) -> Result<Server, ServeError> {
        let (reading, graph_args) = match graph {
            Graph::Store(dir) => {
                let store = dir.open_read()?;
                let generation = dir.generation()?;
                let args = vec!["--store".into(), dir.path().as_os_str().to_owned()];
                let live = RwLock::new(Live { generation, store });
                (Reading::Store { dir, live }, args)
            }
            Graph::Endpoint(endpoint) => {
                let timeout = endpoint.timeout().map_or(0.0, |limit| limit.as_secs_f64());
                let args = vec![
                    "--endpoint".into(),
                    endpoint.url().into(),
                    "--endpoint-timeout".into(),
                    timeout.to_string().into(),
                ];
                (Reading::Endpoint(Arc::new(endpoint)), args)
            }
        };
        let listener = TcpListener::bind(options.bind).map_err(|source| ServeError::Bind {
            addr: options.bind,
            source,
        })?;
        listener.set_nonblocking(true)?;
        let worker = WorkerCommand {
            exe: match &options.worker_exe {
                Some(exe) => exe.clone(),
                None => std::env::current_exe()?,
            },
            graph_args,
            max_memory: options.max_memory,
        };
        let origins = OriginPolicy::new(
            listener.local_addr()?,
            &options.allowed_hosts,
            options.cors.clone(),
        );
        let state = Arc::new(AppState {
            worker,
            reading,
            origins,
            slots: Arc::new(Semaphore::new(options.max_concurrent.max(1))),
            queued: AtomicUsize::new(0),
            diagram: Mutex::new(None),
            options,
        });
        Ok(Server { listener, state })
    }

    /// The address the server listens on (with the real port when bound to
    /// port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes the requests under
    /// way, for at most [`ServeOptions::shutdown_timeout`].
    pub fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("akg-serve")
            .max_blocking_threads(self.state.options.max_concurrent.max(1) * 2 + 4)
            .build()?;
        let Server { listener, state } = self;
        let options = &state.options;
        let limits = connection::Limits {
            header_timeout: options.header_timeout,
            stall_timeout: options.stall_timeout,
            max_connections: options.max_connections,
            shutdown_timeout: options.shutdown_timeout,
        };
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            connection::serve(listener, router(state), limits, shutdown).await;
            Ok::<_, io::Error>(())
        })?;
        // Queries that overran their deadline may still be running on
        // blocking threads: do not wait for them.
        runtime.shutdown_timeout(Duration::from_millis(100));
        Ok(())
    }
}

/// Where the server reads the graph.
pub enum Graph {
    /// The store directory: its live generation, looked up on every
    /// request.
    Store(StoreDir),
    /// A SPARQL 1.1 Protocol endpoint (`--endpoint`): what its server holds
    /// when a request comes.
    Endpoint(RemoteEndpoint),
}

/// What every handler shares.
struct AppState {
    /// Starts the process that evaluates each `/sparql` query.
    worker: WorkerCommand,
    /// Where the graph is read.
    reading: Reading,
    /// Which hosts and origins are answered.
    origins: OriginPolicy,
    slots: Arc<Semaphore>,
    queued: AtomicUsize,
    /// The rendered diagram of one generation.
    diagram: Mutex<Option<CachedSvg>>,
    options: ServeOptions,
}

/// A rendered diagram and the generation it shows.
type CachedSvg = (Option<String>, Arc<Vec<u8>>);

/// Where the graph is read, with what is kept between requests.
enum Reading {
    /// The store directory and its generation last looked at.
    Store { dir: StoreDir, live: RwLock<Live> },
    /// A remote endpoint.
    Endpoint(Arc<RemoteEndpoint>),
}

/// The store of the generation that was live when last looked at.
struct Live {
    generation: Option<String>,
    store: Store,
}

/// What one request reads: the live generation's store, or the endpoint.
#[derive(Clone)]
enum Reader {
    Store(Store),
    Endpoint(Arc<RemoteEndpoint>),
}

impl Source for Reader {
    fn evaluate(&self, request: &crate::read::Request<'_>) -> Result<QueryResults<'_>, QueryError> {
        match self {
            Reader::Store(store) => store.evaluate(request),
            Reader::Endpoint(endpoint) => endpoint.evaluate(request),
        }
    }

    fn quads(&self) -> Box<dyn Iterator<Item = Result<Quad, QueryError>> + '_> {
        match self {
            Reader::Store(store) => store.quads(),
            Reader::Endpoint(endpoint) => endpoint.quads(),
        }
    }
}

impl AppState {
    /// What to read now: the live generation's store (reopened if a build
    /// committed a new one), or the endpoint.
    fn reader(&self) -> Result<Reader, StoreError> {
        let (dir, live_now) = match &self.reading {
            Reading::Endpoint(endpoint) => return Ok(Reader::Endpoint(endpoint.clone())),
            Reading::Store { dir, live } => (dir, live),
        };
        let generation = dir.generation()?;
        {
            let live = live_now.read().unwrap_or_else(|e| e.into_inner());
            if live.generation == generation {
                return Ok(Reader::Store(live.store.clone()));
            }
        }
        let store = dir.open_read()?;
        let generation = dir.generation()?;
        let mut live = live_now.write().unwrap_or_else(|e| e.into_inner());
        *live = Live {
            generation,
            store: store.clone(),
        };
        Ok(Reader::Store(store))
    }

    /// What a rendered diagram is valid for: the store's live generation;
    /// `None` for an endpoint, whose data may change at any time, so its
    /// diagram is never kept.
    fn diagram_key(&self) -> Option<Option<String>> {
        match &self.reading {
            Reading::Store { dir, .. } => Some(dir.generation().ok().flatten()),
            Reading::Endpoint(_) => None,
        }
    }

    /// A slot to evaluate in: at once, after a short wait, or 503.
    async fn slot(&self) -> Result<OwnedSemaphorePermit, Response> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let overloaded = || {
            let mut response = text(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy with other queries; retry in a moment",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        };
        if self.queued.fetch_add(1, Ordering::SeqCst) >= self.options.max_queued {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(overloaded());
        }
        let waited =
            tokio::time::timeout(self.options.queue_wait, self.slots.clone().acquire_owned()).await;
        self.queued.fetch_sub(1, Ordering::SeqCst);
        match waited {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(overloaded()),
        }
    }

    /// Runs `work` on a blocking thread that holds a slot until it ends,
    /// answering 504 if it overruns the query timeout by a second.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(Reader) -> T + Send + 'static,
    ) -> Result<T, Response> {
        let permit = self.slot().await?;
        let reader = self.reader().map_err(|err| store_error(&err))?;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(reader)
        });
        let deadline = self.options.timeout + Duration::from_secs(1);
        match tokio::time::timeout(deadline, task).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err(text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the query failed unexpectedly; please report it",
            )),
            Err(_) => Err(timeout_response(self.options.timeout)),
        }
    }
}

/// The routes and layers.
fn router(state: Arc<AppState>) -> Router {
    let mut app = Router::new()
        .route("/", get(page::page))
        .route("/assets/app.js", get(page::app_js))
        .route("/assets/app.css", get(page::app_css))
        .route("/sparql", get(sparql::sparql).post(sparql::sparql))
        .route("/api/queries", get(api::saved_queries))
        .route("/api/diagram.svg", get(api::diagram))
        .route("/api/trace", get(api::trace_json))
        .fallback(page::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), limit_url))
        .with_state(state.clone());
    if let Some(origin) = &state.options.cors {
        let allow = if origin == "*" {
            AllowOrigin::any()
        } else {
            match HeaderValue::from_str(origin) {
                Ok(value) => AllowOrigin::exact(value),
                Err(_) => AllowOrigin::list([]),
            }
        };
        app = app.layer(
            CorsLayer::new()
                .allow_origin(allow)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::ACCEPT]),
        );
    }
    // Outermost: a refused request reaches nothing else.
    app.layer(middleware::from_fn_with_state(state, check_origin))
}

/// 421 for a `Host` that is not this server, 403 for another site's
/// request ([`origin`]).
async fn check_origin(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    match state.origins.check(request.uri(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            let status = match refusal {
                Refusal::Host(_) => StatusCode::MISDIRECTED_REQUEST,
                Refusal::Origin(_) | Refusal::CrossSite => StatusCode::FORBIDDEN,
            };
            text(status, &refusal.message(state.origins.bound()))
        }
    }
}

/// 414 for request targets over the limit.
async fn limit_url(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if length > state.options.max_url_bytes {
        return text(
            StatusCode::URI_TOO_LONG,
            &format!(
                "the request URL is longer than {} bytes; send the query with POST instead",
                state.options.max_url_bytes
            ),
        );
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_told_apart() {
        let parse = |s: &str| s.parse::<SocketAddr>().ok();
        assert!(parse("127.0.0.1:7878").is_some_and(|a| is_loopback(&a)));
        assert!(parse("[::1]:7878").is_some_and(|a| is_loopback(&a)));
        assert!(parse("0.0.0.0:7878").is_some_and(|a| !is_loopback(&a)));
        assert!(parse("192.168.1.5:80").is_some_and(|a| !is_loopback(&a)));
    }
}
