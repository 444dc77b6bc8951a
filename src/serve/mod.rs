//! `akg serve`: a read-only SPARQL 1.1 Protocol endpoint over the store,
//! and a small web page to query it, look at the alliance diagram and trace
//! any fact to its sentences.
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
//! refused (405); `SERVICE` is refused (oxigraph has no HTTP client here);
//! each query has a time limit and caps on rows and bytes; at most
//! [`ServeOptions::max_concurrent`] queries run at once, a bounded number
//! wait briefly for a slot, and the rest get 503 with `Retry-After`;
//! request URLs and bodies have size limits; CORS headers are only sent
//! with `--cors`. Results are computed into a buffer (bounded by the caps)
//! before the status line is sent, so that a timeout or a cap gives a real
//! error status instead of a truncated 200.
//!
//! Hostile clients: `connection.rs` bounds the connections, the time to
//! send a request's head, and how long a body or a response may stall, and
//! shuts down within a deadline; `origin.rs` refuses requests for another
//! host name (421, DNS rebinding) and from another site's pages (403).
//!
//! The live generation is looked up on every request: after a new `akg
//! build` the server answers from the new generation, without a restart.
//!
//! A query that computes in memory and ignores cancellation (sorting a
//! huge cross product) gets its 504 at the deadline, but its thread runs
//! on and keeps its slot until oxigraph returns, so such queries cannot
//! pile up beyond the concurrency bound.
//!
//! [SPARQL 1.1 Protocol]: https://www.w3.org/TR/sparql11-protocol/

mod connection;
mod origin;

use std::future::Future;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::{Body, HttpBody as _};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt as _;
use oxigraph::store::Store;
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::cors::{AllowOrigin, CorsLayer};

use self::origin::{OriginPolicy, Refusal};
use crate::dot::{self, DotOptions, RenderError, RenderFormat};
use crate::graph::{Filter, Network};
use crate::memory::MemoryBudget;
use crate::query::OutputFormat;
use crate::read::{self, Dataset, QueryError, QueryKind};
use crate::store::{StoreDir, StoreError};
use crate::trace::{self, Target, Trace, TraceError};

mod worker;

use worker::WorkerCommand;
pub use worker::{
    answer as answer_worker_request, WorkerFailure, WorkerRequest, SUBCOMMAND as WORKER_SUBCOMMAND,
};

/// The page and its assets, compiled in.
const INDEX_HTML: &str = include_str!("web/index.html");
const APP_JS: &str = include_str!("web/app.js");
const APP_CSS: &str = include_str!("web/app.css");

/// The page may only load its own scripts and styles and talk to this
/// server: nothing leaves the machine.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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

/// A saved query from `queries/*.rq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SavedQuery {
    /// The file stem (`members`).
    pub name: String,
    /// The file name (`members.rq`).
    pub file: String,
    /// The leading `#` comment lines, without the `#`, joined by spaces.
    pub description: String,
    /// The whole text.
    pub query: String,
}

/// Reads the saved queries (`*.rq`) of a folder, sorted by name.
pub fn load_saved_queries(dir: &Path) -> io::Result<Vec<SavedQuery>> {
    let mut queries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("rq") {
            continue;
        }
        let (Some(name), Some(file)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.file_name().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let query = std::fs::read_to_string(&path)?;
        let description = query
            .lines()
            .map(str::trim)
            .take_while(|line| line.starts_with('#'))
            .map(|line| line.trim_start_matches('#').trim())
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        queries.push(SavedQuery {
            name: name.to_owned(),
            file: file.to_owned(),
            description,
            query,
        });
    }
    queries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(queries)
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
    /// Opens the store (it must exist) and binds the address.
    pub fn bind(dir: StoreDir, options: ServeOptions) -> Result<Server, ServeError> {
        let store = dir.open_read()?;
        let generation = dir.generation()?;
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
            store: dir.path().to_owned(),
            max_memory: options.max_memory,
        };
        let origins = OriginPolicy::new(
            listener.local_addr()?,
            &options.allowed_hosts,
            options.cors.clone(),
        );
        let state = Arc::new(AppState {
            worker,
            dir,
            origins,
            live: RwLock::new(Live { generation, store }),
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

/// What every handler shares.
struct AppState {
    /// Starts the process that evaluates each `/sparql` query.
    worker: WorkerCommand,
    dir: StoreDir,
    /// Which hosts and origins are answered.
    origins: OriginPolicy,
    live: RwLock<Live>,
    slots: Arc<Semaphore>,
    queued: AtomicUsize,
    /// The rendered diagram of one generation.
    diagram: Mutex<Option<CachedSvg>>,
    options: ServeOptions,
}

/// A rendered diagram and the generation it shows.
type CachedSvg = (Option<String>, Arc<Vec<u8>>);

/// The store of the generation that was live when last looked at.
struct Live {
    generation: Option<String>,
    store: Store,
}

impl AppState {
    /// The live generation's store, reopened if a build committed a new one.
    fn store(&self) -> Result<(Option<String>, Store), StoreError> {
        let generation = self.dir.generation()?;
        {
            let live = self.live.read().unwrap_or_else(|e| e.into_inner());
            if live.generation == generation {
                return Ok((generation, live.store.clone()));
            }
        }
        let store = self.dir.open_read()?;
        let generation = self.dir.generation()?;
        let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
        *live = Live {
            generation: generation.clone(),
            store: store.clone(),
        };
        Ok((generation, store))
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
        work: impl FnOnce(Store) -> T + Send + 'static,
    ) -> Result<T, Response> {
        let permit = self.slot().await?;
        let (_, store) = self.store().map_err(|err| store_error(&err))?;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(store)
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
        .route("/", get(page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .route("/sparql", get(sparql).post(sparql))
        .route("/api/queries", get(saved_queries))
        .route("/api/diagram.svg", get(diagram))
        .route("/api/trace", get(trace_json))
        .fallback(not_found)
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

/// A `text/plain` response (every error's body is its message).
fn text(status: StatusCode, message: &str) -> Response {
    let mut body = message.to_owned();
    body.push('\n');
    bytes(status, "text/plain; charset=utf-8", body.into_bytes())
}

/// A response with a content type and `nosniff`.
fn bytes(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn timeout_response(limit: Duration) -> Response {
    text(
        StatusCode::GATEWAY_TIMEOUT,
        &format!(
            "the query stopped at the server's time limit of {} s; narrow it or add a LIMIT",
            limit.as_secs_f64()
        ),
    )
}

fn store_error(err: &StoreError) -> Response {
    let status = match err {
        StoreError::NotFound { .. } | StoreError::Locked { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    text(status, &err.to_string())
}

async fn not_found() -> Response {
    text(
        StatusCode::NOT_FOUND,
        "no such page; the SPARQL endpoint is /sparql and the web page is /",
    )
}

async fn page() -> Response {
    let mut response = bytes(
        StatusCode::OK,
        "text/html; charset=utf-8",
        INDEX_HTML.as_bytes().to_vec(),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

async fn app_js() -> Response {
    bytes(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        APP_JS.as_bytes().to_vec(),
    )
}

async fn app_css() -> Response {
    bytes(
        StatusCode::OK,
        "text/css; charset=utf-8",
        APP_CSS.as_bytes().to_vec(),
    )
}

async fn saved_queries(State(state): State<Arc<AppState>>) -> Response {
    json(&state.options.saved_queries)
}

fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec_pretty(value) {
        Ok(body) => bytes(StatusCode::OK, "application/json", body),
        Err(err) => text(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
    }
}

/// The parameters of a protocol request, from the URL and a form body.
#[derive(Debug, Default, PartialEq, Eq)]
struct Params {
    query: Vec<String>,
    update: bool,
    dataset: Dataset,
}

impl Params {
    fn add(&mut self, encoded: &[u8]) {
        for (key, value) in form_urlencoded::parse(encoded) {
            match key.as_ref() {
                "query" => self.query.push(value.into_owned()),
                "update" | "using-graph-uri" | "using-named-graph-uri" => self.update = true,
                "default-graph-uri" => self.dataset.default_graphs.push(value.into_owned()),
                "named-graph-uri" => self.dataset.named_graphs.push(value.into_owned()),
                _ => {}
            }
        }
    }
}

/// The SPARQL 1.1 Protocol's query operation.
async fn sparql(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut params = Params::default();
    if let Some(query) = parts.uri.query() {
        params.add(query.as_bytes());
    }
    if parts.method == Method::POST {
        let options = &state.options;
        let body = match read_body(body, options.max_body_bytes, options.stall_timeout).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/sparql-query" => match String::from_utf8(body) {
                Ok(query) => params.query.push(query),
                Err(_) => {
                    return text(
                        StatusCode::BAD_REQUEST,
                        "the query is not valid UTF-8; send it as UTF-8 text",
                    )
                }
            },
            "application/x-www-form-urlencoded" => params.add(&body),
            "application/sparql-update" => params.update = true,
            _ => {
                return text(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    &format!(
                        "cannot read a {:?} body; send application/sparql-query or \
                         application/x-www-form-urlencoded with query=",
                        content_type
                    ),
                )
            }
        }
    }
    if params.update {
        return update_refused();
    }
    let sparql = match params.query.as_slice() {
        [one] => one.clone(),
        [] => {
            return text(
                StatusCode::BAD_REQUEST,
                "missing the query parameter; send ?query=SPARQL (GET) or a POST body",
            )
        }
        _ => {
            return text(
                StatusCode::BAD_REQUEST,
                "more than one query parameter; send exactly one query",
            )
        }
    };
    let kind = match read::query_kind(&sparql) {
        Ok(kind) => kind,
        Err(err) => return query_error(&err, state.options.timeout),
    };
    let accept = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let Some((format, content_type)) = negotiate(accept, kind) else {
        return not_acceptable(kind);
    };
    let request = WorkerRequest {
        query: sparql,
        format: format.name().to_owned(),
        timeout_ms: u64::try_from(state.options.timeout.as_millis()).unwrap_or(u64::MAX),
        max_rows: state.options.max_rows,
        max_result_bytes: state.options.max_result_bytes,
        default_graphs: params.dataset.default_graphs,
        named_graphs: params.dataset.named_graphs,
    };
    let _permit = match state.slot().await {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    // The worker stops itself at the timeout; a second later it is killed.
    let deadline = state.options.timeout + Duration::from_secs(1);
    match state.worker.evaluate(&request, deadline).await {
        Ok(body) => bytes(StatusCode::OK, content_type, body),
        Err(failure) => worker_failure(&failure, state.options.timeout),
    }
}

/// The response to a query its worker could not answer.
fn worker_failure(failure: &WorkerFailure, limit: Duration) -> Response {
    match StatusCode::from_u16(failure.status) {
        Ok(StatusCode::METHOD_NOT_ALLOWED) => update_refused(),
        Ok(StatusCode::GATEWAY_TIMEOUT) => timeout_response(limit),
        Ok(status) => text(status, &failure.message),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, &failure.message),
    }
}

fn update_refused() -> Response {
    let mut response = text(
        StatusCode::METHOD_NOT_ALLOWED,
        "updates are not allowed: this endpoint is read-only; the store is written by `akg build`",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

/// Reads a body of at most `limit` bytes (413 past it), each piece
/// arriving within `stall` of the last (408 for a client that stops
/// sending).
async fn read_body(mut body: Body, limit: usize, stall: Duration) -> Result<Vec<u8>, Response> {
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "the request body is larger than {limit} bytes (the server's --max-body-bytes); shorten the query"
            ),
        )
    };
    if body.size_hint().lower() > limit as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    loop {
        let frame = match tokio::time::timeout(stall, body.frame()).await {
            Ok(None) => return Ok(bytes),
            Ok(Some(Ok(frame))) => frame,
            Ok(Some(Err(_))) => {
                return Err(text(
                    StatusCode::BAD_REQUEST,
                    "the request body is malformed or was cut off; send it again",
                ))
            }
            Err(_) => {
                return Err(text(
                    StatusCode::REQUEST_TIMEOUT,
                    &format!(
                        "the request body stopped arriving for {} s (the server's --stall-timeout); send it again",
                        stall.as_secs_f64()
                    ),
                ))
            }
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
}

/// The status and message of a query error.
fn query_error(err: &QueryError, limit: Duration) -> Response {
    worker_failure(&worker::failure(err, 0), limit)
}

/// The media types a query form can be answered in, best first.
fn offers(kind: QueryKind) -> &'static [(&'static str, OutputFormat, &'static str)] {
    // (media type accepted, format, content type sent)
    const TABLES: &[(&str, OutputFormat, &str)] = &[
        (
            "application/sparql-results+json",
            OutputFormat::Json,
            "application/sparql-results+json",
        ),
        (
            "application/json",
            OutputFormat::Json,
            "application/sparql-results+json",
        ),
        (
            "application/sparql-results+xml",
            OutputFormat::Xml,
            "application/sparql-results+xml",
        ),
        (
            "application/xml",
            OutputFormat::Xml,
            "application/sparql-results+xml",
        ),
        (
            "text/xml",
            OutputFormat::Xml,
            "application/sparql-results+xml",
        ),
        ("text/csv", OutputFormat::Csv, "text/csv; charset=utf-8"),
        (
            "text/tab-separated-values",
            OutputFormat::Tsv,
            "text/tab-separated-values; charset=utf-8",
        ),
    ];
    const GRAPHS: &[(&str, OutputFormat, &str)] = &[
        (
            "text/turtle",
            OutputFormat::Turtle,
            "text/turtle; charset=utf-8",
        ),
        (
            "application/x-turtle",
            OutputFormat::Turtle,
            "text/turtle; charset=utf-8",
        ),
        (
            "application/n-triples",
            OutputFormat::NTriples,
            "application/n-triples",
        ),
        (
            "text/plain",
            OutputFormat::NTriples,
            "application/n-triples",
        ),
    ];
    match kind {
        QueryKind::Select | QueryKind::Ask => TABLES,
        QueryKind::Graph => GRAPHS,
    }
}

/// Picks the format from an `Accept` header: the offer with the highest
/// quality (the most specific matching range decides an offer's quality),
/// ties going to the server's order. No header means the first offer.
fn negotiate(accept: Option<&str>, kind: QueryKind) -> Option<(OutputFormat, &'static str)> {
    let offers = offers(kind);
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return offers.first().map(|&(_, format, sent)| (format, sent));
    };
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .filter_map(|item| {
            let mut pieces = item.split(';');
            let range = pieces.next()?.trim().to_ascii_lowercase();
            if range.is_empty() {
                return None;
            }
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((range, q))
        })
        .collect();
    let quality = |media: &str| -> f32 {
        let (kind_part, _) = media.split_once('/').unwrap_or((media, ""));
        let mut best: Option<(u8, f32)> = None;
        for (range, q) in &ranges {
            let specificity = if range == media {
                3
            } else if range.strip_suffix("/*") == Some(kind_part) {
                2
            } else if range == "*/*" || range == "*" {
                1
            } else {
                continue;
            };
            if best.is_none_or(|(s, _)| specificity > s) {
                best = Some((specificity, *q));
            }
        }
        best.map_or(0.0, |(_, q)| q)
    };
    let mut chosen: Option<(f32, OutputFormat, &'static str)> = None;
    for &(media, format, sent) in offers {
        let q = quality(media);
        if q > 0.0 && chosen.is_none_or(|(best, _, _)| q > best) {
            chosen = Some((q, format, sent));
        }
    }
    chosen.map(|(_, format, sent)| (format, sent))
}

fn not_acceptable(kind: QueryKind) -> Response {
    let mut types: Vec<&str> = offers(kind).iter().map(|&(media, _, _)| media).collect();
    types.dedup();
    text(
        StatusCode::NOT_ACCEPTABLE,
        &format!(
            "cannot answer this query in the requested Accept types; ask for one of {}",
            types.join(", ")
        ),
    )
}

/// The alliance diagram as SVG, every node and edge a link to its trace.
async fn diagram(State(state): State<Arc<AppState>>) -> Response {
    let generation = state.dir.generation().ok().flatten();
    if let Some((cached_for, svg)) = state
        .diagram
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
    {
        if *cached_for == generation {
            return bytes(StatusCode::OK, "image/svg+xml", svg.to_vec());
        }
    }
    let rendered = state
        .blocking(|store| -> Result<Vec<u8>, String> {
            let network = Network::load(&store, &Filter::default()).map_err(|e| e.to_string())?;
            render_diagram(&network).map_err(|e| e.to_string())
        })
        .await;
    match rendered {
        Ok(Ok(svg)) => {
            let svg = Arc::new(svg);
            *state.diagram.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((generation, svg.clone()));
            bytes(StatusCode::OK, "image/svg+xml", svg.to_vec())
        }
        Ok(Err(message)) => text(StatusCode::INTERNAL_SERVER_ERROR, &message),
        Err(response) => response,
    }
}

/// Graphviz's SVG of the network, or the built-in layout when Graphviz
/// is not installed.
fn render_diagram(network: &Network) -> Result<Vec<u8>, RenderError> {
    let options = DotOptions {
        links: true,
        ..DotOptions::default()
    };
    let mut text = Vec::new();
    dot::write_dot(network, &options, &mut text)?;
    let dot_text = String::from_utf8_lossy(&text);
    match dot::render(&dot_text, RenderFormat::Svg) {
        Err(RenderError::NotInstalled) => {
            let mut svg = Vec::new();
            crate::svg::write_svg(network, &mut svg)?;
            Ok(svg)
        }
        other => other,
    }
}

/// The parameters of `/api/trace`: an entity, a claim, or a fact's three
/// parts.
#[derive(Debug, Default, Deserialize)]
struct TraceParams {
    entity: Option<String>,
    claim: Option<String>,
    subject: Option<String>,
    relation: Option<String>,
    object: Option<String>,
}

impl TraceParams {
    fn target(self) -> Option<Target> {
        match (
            self.entity,
            self.claim,
            self.subject,
            self.relation,
            self.object,
        ) {
            (Some(name), None, None, None, None) => Some(Target::Entity(name)),
            (None, Some(iri), None, None, None) => Some(Target::Claim(iri)),
            (None, None, Some(subject), Some(relation), Some(object)) => Some(Target::Fact {
                subject,
                relation,
                object,
            }),
            _ => None,
        }
    }
}

/// A trace as `/api/trace` sends it: `akg trace --format json`, plus
/// `"truncated": true` when the server's `--max-rows` cut it short.
#[derive(Serialize)]
struct TraceReply<'a> {
    #[serde(flatten)]
    trace: &'a Trace,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
}

/// `akg trace` as JSON: `?entity=`, `?subject=&relation=&object=` or
/// `?claim=`, with at most `--max-rows` claims and `--max-result-bytes`
/// bytes.
async fn trace_json(
    State(state): State<Arc<AppState>>,
    params: Result<Query<TraceParams>, QueryRejection>,
) -> Response {
    const USAGE: &str = "give ?entity=NAME, ?claim=IRI, or ?subject=S&relation=R&object=O";
    let target = match params {
        Ok(Query(params)) => params.target(),
        Err(rejection) => {
            return text(
                StatusCode::BAD_REQUEST,
                &format!("{}; {USAGE}, each once", rejection.body_text()),
            )
        }
    };
    let Some(target) = target else {
        return text(StatusCode::BAD_REQUEST, USAGE);
    };
    let limit = state.options.timeout;
    let max_rows = state.options.max_rows;
    let max_bytes = state.options.max_result_bytes;
    let traced = state
        .blocking(move |store| -> Result<io::Result<Vec<u8>>, TraceError> {
            let (trace, truncated) = trace::trace_at_most(&store, &target, max_rows)?;
            let mut out = CappedBuffer::new(max_bytes);
            let reply = TraceReply {
                trace: &trace,
                truncated,
            };
            Ok(serde_json::to_writer_pretty(&mut out, &reply)
                .map(|()| out.into_inner())
                .map_err(io::Error::from))
        })
        .await;
    match traced {
        Ok(Ok(Ok(body))) => bytes(StatusCode::OK, "application/json", body),
        Ok(Ok(Err(err))) if CappedBuffer::is_overflow(&err) => too_large(
            max_bytes,
            "trace one fact instead of a whole entity, or start the server with a lower --max-rows",
        ),
        Ok(Ok(Err(err))) => text(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
        Ok(Err(err)) => {
            let status = match err {
                TraceError::NoEntity { .. }
                | TraceError::NoClaim { .. }
                | TraceError::NoFact { .. }
                | TraceError::NoClaimAbout { .. } => StatusCode::NOT_FOUND,
                TraceError::Usage | TraceError::UnknownRelation { .. } => StatusCode::BAD_REQUEST,
                TraceError::Query(err) => return query_error(&err, limit),
            };
            text(status, &err.to_string())
        }
        Err(response) => response,
    }
}

/// 422 for a result over `--max-result-bytes`, with what to do instead.
fn too_large(max_bytes: usize, instead: &str) -> Response {
    text(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!(
            "the results are larger than {max_bytes} bytes (the server's --max-result-bytes); {instead}"
        ),
    )
}

/// A `Vec<u8>` writer that fails once it would hold more than a limit.
struct CappedBuffer {
    bytes: Vec<u8>,
    limit: usize,
}

/// The error a [`CappedBuffer`] fails with, inside an [`io::Error`].
#[derive(Debug, thiserror::Error)]
#[error("the result is larger than {limit} bytes")]
struct Overflow {
    limit: usize,
}

impl CappedBuffer {
    fn new(limit: usize) -> Self {
        Self {
            bytes: Vec::new(),
            limit,
        }
    }

    fn into_inner(self) -> Vec<u8> {
        self.bytes
    }

    /// Whether `err` is, or wraps, a [`CappedBuffer`]'s overflow.
    fn is_overflow(err: &io::Error) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = err.get_ref().map(|e| e as _);
        while let Some(error) = cause {
            if error.is::<Overflow>() {
                return true;
            }
            cause = match error.downcast_ref::<io::Error>() {
                Some(io) => io.get_ref().map(|e| e as _),
                None => error.source(),
            };
        }
        false
    }
}

impl Write for CappedBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            return Err(io::Error::other(Overflow { limit: self.limit }));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiate_prefers_quality_then_specificity_then_server_order() {
        use OutputFormat::*;
        let pick = |accept: Option<&str>, kind| negotiate(accept, kind).map(|(f, _)| f);
        assert_eq!(pick(None, QueryKind::Select), Some(Json));
        assert_eq!(pick(Some(""), QueryKind::Graph), Some(Turtle));
        assert_eq!(pick(Some("text/csv"), QueryKind::Select), Some(Csv));
        assert_eq!(
            pick(Some("text/tab-separated-values"), QueryKind::Ask),
            Some(Tsv)
        );
        assert_eq!(
            pick(
                Some("application/sparql-results+xml;q=0.9, text/csv;q=0.5"),
                QueryKind::Select
            ),
            Some(Xml)
        );
        // A browser's header: */* at a lower quality still matches JSON.
        assert_eq!(
            pick(
                Some("text/html,application/xhtml+xml,*/*;q=0.8"),
                QueryKind::Select
            ),
            Some(Json)
        );
        // text/* narrows to the text formats; q=0 excludes.
        assert_eq!(
            pick(
                Some("text/*, text/csv;q=0, text/xml;q=0"),
                QueryKind::Select
            ),
            Some(Tsv)
        );
        assert_eq!(
            pick(Some("application/n-triples"), QueryKind::Graph),
            Some(NTriples)
        );
        assert_eq!(pick(Some("text/csv"), QueryKind::Graph), None);
        assert_eq!(pick(Some("image/png"), QueryKind::Select), None);
    }

    #[test]
    fn params_collect_queries_updates_and_datasets() {
        let mut params = Params::default();
        params.add(b"query=SELECT%20*%20WHERE%20%7B%7D&default-graph-uri=http%3A%2F%2Fa&named-graph-uri=http://b&x=1");
        assert_eq!(params.query, ["SELECT * WHERE {}"]);
        assert_eq!(params.dataset.default_graphs, ["http://a"]);
        assert_eq!(params.dataset.named_graphs, ["http://b"]);
        assert!(!params.update);
        params.add(b"update=INSERT+DATA+%7B%7D");
        assert!(params.update);
    }

    #[test]
    fn saved_queries_are_read_with_their_descriptions() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("b.rq"),
            "# Who is a member\n# of what.\nSELECT * WHERE { ?s ?p ?o }\n",
        )?;
        std::fs::write(dir.path().join("a.rq"), "ASK {}\n")?;
        std::fs::write(dir.path().join("a.expected.tsv"), "x\n")?;
        let queries = load_saved_queries(dir.path())?;
        let names: Vec<&str> = queries.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(queries[1].description, "Who is a member of what.");
        assert_eq!(queries[1].file, "b.rq");
        Ok(())
    }

    #[test]
    fn loopback_addresses_are_told_apart() {
        let parse = |s: &str| s.parse::<SocketAddr>().ok();
        assert!(parse("127.0.0.1:7878").is_some_and(|a| is_loopback(&a)));
        assert!(parse("[::1]:7878").is_some_and(|a| is_loopback(&a)));
        assert!(parse("0.0.0.0:7878").is_some_and(|a| !is_loopback(&a)));
        assert!(parse("192.168.1.5:80").is_some_and(|a| !is_loopback(&a)));
    }
}
