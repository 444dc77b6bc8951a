//! The `akg` binary: parses the command line, dispatches each subcommand
//! (one `cmd_` function each) to the library, prints errors and sets the
//! exit code. Only the binary knows clap, stderr and exit codes: this
//! file, cli.rs (the command line) and report.rs (progress bars and the
//! summaries of build, build --shard, facts-graph and push).
#![expect(clippy::print_stderr)]

mod cli;
mod report;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use alliance_kg::build::{build, BuildOptions, BuildSummary};
use alliance_kg::corpus::{DiagnosticKind, ReadOptions};
use alliance_kg::eval::{self, EntityNames, EvalOptions, Report};
use alliance_kg::graph::{EdgeRelation, Filter, Network};
use alliance_kg::memory::{self, MemoryBudget, MemoryWatch};
use alliance_kg::query::{self, OutputFormat, QueryOptions};
use alliance_kg::rdf::ontology::{self, Ontology};
use alliance_kg::read::remote::{self, RemoteEndpoint};
use alliance_kg::read::{QueryError, Source};
use alliance_kg::shard::{self, Shard, ShardOptions};
use alliance_kg::store::StoreDir;
use alliance_kg::terminal::EscapeControls;
use alliance_kg::{analysis, claims, conflicts, dot, dump, http_client, push, serve, trace};
use anyhow::{Context, Result};
use clap::Parser;

use cli::{
    AnalyzeArgs, BuildArgs, Cli, Command, DotArgs, DumpFormat, EvalArgs, FactsFormat, PushArgs,
    QueryArgs, RenderFormat, ReportFormat, ServeArgs, TraceArgs,
};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            if !ERROR_REPORTED.swap(true, Ordering::SeqCst) {
                eprintln!("akg: {}{}", error_chain(&err), storage_advice(&err));
            }
            ExitCode::from(2)
        }
    }
}

/// Parses the command line, starts the memory watch of a command that reads
/// the store, and runs the subcommand.
fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let store = StoreDir::new(&cli.store);
    let graph = match &cli.endpoint {
        Some(url) => GraphAt::Endpoint {
            url: url.clone(),
            timeout: seconds_limit(cli.endpoint_timeout),
        },
        None => GraphAt::Store(store.clone()),
    };
    let max_memory = cli
        .max_memory
        .unwrap_or_else(MemoryBudget::default_for_machine);
    if cli.command.reads_store() {
        watch_memory(max_memory)?;
    }
    match cli.command {
        Command::Build(args) => {
            if let (GraphAt::Endpoint { url, .. }, None) = (&graph, &args.shard) {
                anyhow::bail!(
                    "akg build writes the local store, not the endpoint {url} (--endpoint or \
                     AKG_ENDPOINT): drop it to build locally, or build shards \
                     (akg build --shard I/N --nquads OUT.nq.gz) and load them with akg push"
                );
            }
            cmd_build(&store, cli.ontology.as_deref(), &args)
        }
        Command::FactsGraph {
            manifests,
            nquads,
            json,
        } => cmd_facts_graph(&manifests, &nquads, json),
        Command::Push(args) => cmd_push(&args),
        Command::Query(args) => cmd_query(&graph, args),
        Command::Facts { format } => cmd_facts(&graph, format),
        Command::Dump { format, output } => cmd_dump(&graph, format, output.as_deref()),
        Command::Dot(args) => cmd_dot(&graph, args),
        Command::Analyze(args) => cmd_analyze(&graph, args),
        Command::Trace(args) => cmd_trace(&graph, args),
        Command::Serve(args) => cmd_serve(&graph, &args, max_memory),
        Command::Conflicts { format } => cmd_conflicts(&graph, format),
        Command::Eval(args) => cmd_eval(&graph, &args),
        Command::ServeWorker => cmd_serve_worker(&graph, max_memory),
    }
}

/// Where the read commands read the graph: the local store, or the SPARQL
/// endpoint of `--endpoint`.
enum GraphAt {
    /// The store directory of `--store`.
    Store(StoreDir),
    /// A SPARQL 1.1 Protocol query endpoint.
    Endpoint {
        /// Its URL.
        url: String,
        /// The most one request may take (`--endpoint-timeout`).
        timeout: Option<Duration>,
    },
}

impl GraphAt {
    /// Opens the store read-only, or prepares the endpoint with the
    /// credentials of the environment (nothing is sent yet).
    fn open(&self) -> Result<Box<dyn Source>> {
        match self {
            GraphAt::Store(dir) => Ok(Box::new(dir.open_read()?)),
            GraphAt::Endpoint { .. } => Ok(Box::new(self.endpoint()?)),
        }
    }

    /// The endpoint, with the credentials of the environment; an error for
    /// a store.
    fn endpoint(&self) -> Result<RemoteEndpoint> {
        let GraphAt::Endpoint { url, timeout } = self else {
            anyhow::bail!("no --endpoint given");
        };
        let credentials = remote::credentials_from_env(|name| std::env::var(name).ok())?;
        Ok(RemoteEndpoint::new(url, credentials.as_ref(), *timeout)?)
    }
}

/// A time limit in seconds as a `Duration`: 0, or more than a `Duration`
/// holds (inf), is no limit.
fn seconds_limit(seconds: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|limit| !limit.is_zero())
}

/// `akg build`: builds or updates the store, with a progress bar on a
/// terminal; exit code 1 when an article was skipped.
fn cmd_build(store: &StoreDir, ontology_dir: Option<&Path>, args: &BuildArgs) -> Result<ExitCode> {
    let ontology = load_ontology(ontology_dir)?;
    if let (Some(shard), Some(output)) = (&args.shard, &args.nquads) {
        let options = ShardOptions {
            corpus: args.corpus.clone(),
            strict: args.strict,
            read: ReadOptions {
                max_article_bytes: args.max_article_bytes,
            },
            shard: Shard::parse(shard, |name| std::env::var(name).ok())?,
            output: output.clone(),
        };
        return cmd_build_shard(&options, &ontology, args.quiet, args.json);
    }
    let options = BuildOptions::from(args);
    let bar = report::progress_bar(!args.quiet, "articles");
    let summary = build(&options, &ontology, store, &report::advance(&bar)).with_context(|| {
        format!(
            "cannot build {} from {}",
            store.path().display(),
            options.corpus.display()
        )
    })?;
    bar.finish_and_clear();
    print_diagnostics(&summary);
    print_summary(args.json, &summary, |out| {
        report::write_build_summary(out, &summary, &options, store)
    })?;
    Ok(build_exit_code(&summary))
}

/// The build's diagnostics, one line each on stderr.
fn print_diagnostics(summary: &BuildSummary) {
    for d in &summary.diagnostics {
        let what = match d.kind {
            DiagnosticKind::Skipped => "skipped",
            DiagnosticKind::MetadataIgnored => "metadata ignored",
        };
        eprintln!("akg: {what}: {d}");
    }
}

/// 1 if an article was skipped, else success.
fn build_exit_code(summary: &BuildSummary) -> ExitCode {
    let problems = summary
        .diagnostics
        .iter()
        .any(|d| d.kind == DiagnosticKind::Skipped);
    if problems {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The ontology of `--ontology`, else of ./ontology, else the built-in one.
fn load_ontology(dir: Option<&Path>) -> Result<Ontology> {
    match dir {
        Some(dir) => ontology::load(dir)
            .with_context(|| format!("cannot load the ontology from {}", dir.display())),
        None if Path::new("ontology").is_dir() => {
            ontology::load(Path::new("ontology")).context("cannot load the ontology from ontology/")
        }
        None => ontology::load_embedded().context("cannot load the built-in ontology"),
    }
}

/// A command's summary on standard output: pretty JSON with `--json`,
/// else the text `write_text` writes.
fn print_summary<T: serde::Serialize>(
    json: bool,
    summary: &T,
    write_text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    to_stdout(|out| {
        if json {
            serde_json::to_writer_pretty(&mut *out, summary)?;
            writeln!(out)?;
        } else {
            write_text(out)?;
        }
        Ok(())
    })
}

/// `akg query`: one query from a file or `-e`, with `--bind` values, to
/// standard output.
fn cmd_query(graph: &GraphAt, args: QueryArgs) -> Result<ExitCode> {
    let sparql = match (args.file, args.execute) {
        (Some(path), None) => std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read query file {}", path.display()))?,
        (None, Some(text)) => text,
        _ => anyhow::bail!("give a query file or -e 'SPARQL'; see 'akg query --help'"),
    };
    let bindings = args
        .bind
        .iter()
        .map(|(name, value)| {
            let term = query::binding_term(value).with_context(|| format!("--bind {name}"))?;
            Ok((name.as_str(), term))
        })
        .collect::<Result<Vec<_>>>()?;
    let source = graph.open()?;
    let format = match args.format {
        Some(format) => format.into(),
        None if io::stdout().is_terminal() => OutputFormat::Table,
        None => OutputFormat::Tsv,
    };
    let timeout = seconds_limit(args.timeout);
    if let Some(timeout) = timeout {
        query_deadline(timeout);
    }
    let options = QueryOptions {
        format,
        timeout,
        ..QueryOptions::default()
    };
    // Not locked: the query writes from a thread of its own. Tables escape
    // their cells; other formats on a terminal are escaped here.
    let run = |out: &mut (dyn Write + Send)| -> Result<()> {
        query::run_with_bindings(&*source, &sparql, &bindings, &options, out)?;
        Ok(())
    };
    if io::stdout().is_terminal() {
        buffered(EscapeControls::new(io::stdout()), |out| run(out))?;
    } else {
        buffered(io::stdout(), |out| run(out))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `akg facts`: one row per claim.
fn cmd_facts(graph: &GraphAt, format: FactsFormat) -> Result<ExitCode> {
    let rows = claims::claim_rows(&*graph.open()?)?;
    to_stdout(|out| {
        match format {
            FactsFormat::Tsv => claims::write_tsv(&rows, out)?,
            FactsFormat::Json => claims::write_json(&rows, out)?,
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `akg dump`: the whole store as RDF, to a file or standard output.
fn cmd_dump(graph: &GraphAt, format: DumpFormat, output: Option<&Path>) -> Result<ExitCode> {
    let source = graph.open()?;
    let format = format.into();
    let write = |out: &mut dyn Write| -> Result<()> { Ok(dump::dump(&*source, format, out)?) };
    match output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            buffered(file, |out| write(out))?;
        }
        None => to_stdout(|out| write(out))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `akg dot`: the network as DOT, or rendered by Graphviz.
fn cmd_dot(graph: &GraphAt, args: DotArgs) -> Result<ExitCode> {
    let network = Network::load(&*graph.open()?, &args.view.into())?;
    let options = dot::DotOptions {
        rankdir: args.rankdir.into(),
        clusters: !args.no_clusters,
        ..dot::DotOptions::default()
    };
    let mut text = Vec::new();
    dot::write_dot(&network, &options, &mut text)?;
    let bytes = match args.render {
        None => text,
        Some(format) => {
            if format == RenderFormat::Png && args.output.is_none() && io::stdout().is_terminal() {
                anyhow::bail!("a PNG is binary; write it to a file with -o FILE");
            }
            dot::render(&String::from_utf8_lossy(&text), format.into())?
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => to_stdout(|out| Ok(out.write_all(&bytes)?))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `akg analyze`: centrality, an alliance's members in conflict, balance.
fn cmd_analyze(graph: &GraphAt, args: AnalyzeArgs) -> Result<ExitCode> {
    let source = graph.open()?;
    let network = Network::load(&*source, &args.view.into())?;
    let alliance = match args.alliance.as_deref() {
        Some(name) => Some(analysis::AllianceName {
            name,
            iris: trace::entities_named(&*source, name)?
                .into_iter()
                .map(|iri| iri.into_string())
                .collect(),
        }),
        None => None,
    };
    let result = analysis::analyze(&network, alliance.as_ref())?;
    to_stdout(|out| {
        match args.format {
            ReportFormat::Table => analysis::write_table(&result, out)?,
            ReportFormat::Json => analysis::write_json(&result, out)?,
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `akg trace`: the sentences behind an entity, a fact or a claim.
fn cmd_trace(graph: &GraphAt, args: TraceArgs) -> Result<ExitCode> {
    let target = trace::Target::from_args(&args.target)?;
    let result = trace::trace(&*graph.open()?, &target)?;
    let highlight = args.color.into();
    to_stdout_as_is(|out| {
        match args.format {
            ReportFormat::Table => trace::write_text(&result, highlight, out)?,
            ReportFormat::Json => trace::write_json(&result, out)?,
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `akg serve`: the HTTP server, until Ctrl-C or SIGTERM.
fn cmd_serve(graph: &GraphAt, args: &ServeArgs, max_memory: MemoryBudget) -> Result<ExitCode> {
    let mut options = args.options(max_memory);
    options.saved_queries = match serve::load_saved_queries(&args.queries) {
        Ok(saved) => saved,
        Err(err) => {
            eprintln!(
                "akg: no saved queries offered: cannot read {}: {err}; pass --queries DIR",
                args.queries.display()
            );
            Vec::new()
        }
    };
    let (served, what) = match graph {
        GraphAt::Store(dir) => (
            serve::Graph::Store(dir.clone()),
            dir.path().display().to_string(),
        ),
        GraphAt::Endpoint { .. } => {
            let endpoint = graph.endpoint()?;
            // A server that is down is said now, not at the first request.
            endpoint.check()?;
            let what = format!("the SPARQL endpoint {}", endpoint.url());
            (serve::Graph::Endpoint(endpoint), what)
        }
    };
    let server =
        serve::Server::bind(served, options).with_context(|| format!("cannot serve {what}"))?;
    let addr = server.local_addr()?;
    if !serve::is_loopback(&addr) {
        eprintln!(
            "akg: warning: listening on {addr}, which other machines can reach; \
             use --bind 127.0.0.1:PORT to keep the store on this machine"
        );
    }
    eprintln!(
        "akg: serving {what} at http://{addr}/ (SPARQL endpoint: http://{addr}/sparql); Ctrl-C stops"
    );
    server.run(shutdown_signal())?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// `akg conflicts`: facts whose numbers, outcomes or dates disagree.
fn cmd_conflicts(graph: &GraphAt, format: ReportFormat) -> Result<ExitCode> {
    let every_relation = Filter {
        relations: Some(EdgeRelation::ALL.into_iter().collect()),
        ..Filter::default()
    };
    let network = Network::load(&*graph.open()?, &every_relation)?;
    let found = conflicts::conflicts(&network);
    to_stdout(|out| {
        match format {
            ReportFormat::Table => conflicts::write_table(&found, out)?,
            ReportFormat::Json => conflicts::write_json(&found, out)?,
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `akg eval`: scores the store's claims against a gold file; exit code 1
/// when a quality floor is not met.
fn cmd_eval(graph: &GraphAt, args: &EvalArgs) -> Result<ExitCode> {
    let bytes = std::fs::read(&args.gold)
        .with_context(|| format!("cannot read the gold file {}", args.gold.display()))?;
    let gold = eval::parse_gold(&bytes, &args.gold)?;
    let source = graph.open()?;
    // Claims about articles the gold lacks are never scored.
    let gold_articles: BTreeSet<&str> = gold.iter().map(|row| row.article.as_str()).collect();
    let claims: Vec<eval::SchemaRow> = claims::claim_rows(&*source)?
        .iter()
        .map(claims::ClaimRow::schema_row)
        .filter(|claim| gold_articles.contains(claim.article.as_str()))
        .collect();
    let entity_names = if args.no_gazetteer_aliases {
        None
    } else {
        let labels = claims::entity_labels(&*source)?;
        Some(EntityNames::new(
            labels
                .iter()
                .map(|(entity, label)| (entity.as_str(), label.as_str())),
        ))
    };
    let options = EvalOptions {
        articles: args
            .articles
            .as_ref()
            .map(|ids| ids.iter().cloned().collect()),
        min_quote_words: args.min_quote_words,
        entity_names: entity_names.as_ref(),
    };
    let report = eval::score(&gold, &claims, &options);
    to_stdout(|out| {
        match args.format {
            ReportFormat::Table => eval::write_table(&report, args.verbose, out)?,
            ReportFormat::Json => eval::write_json(&report, args.verbose, out)?,
        }
        Ok(())
    })?;
    let unmet = unmet_floors(&report, args.min_precision, args.min_recall);
    if unmet.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("akg: quality floor not met: {}", unmet.join("; "));
        Ok(ExitCode::from(1))
    }
}

/// The floors `akg eval --min-precision/--min-recall` set that the micro
/// scores do not reach, each said in words.
fn unmet_floors(
    report: &Report,
    min_precision: Option<f64>,
    min_recall: Option<f64>,
) -> Vec<String> {
    let micro = report.micro();
    let measures = [
        (
            "precision",
            micro.precision(),
            min_precision,
            micro.true_positives,
            micro.predicted(),
        ),
        (
            "recall",
            micro.recall(),
            min_recall,
            micro.true_positives,
            micro.gold(),
        ),
    ];
    measures
        .into_iter()
        .filter_map(|(name, value, floor, part, whole)| {
            let floor = floor?;
            (value < floor).then(|| {
                format!("micro {name} {value:.4} ({part}/{whole}) is below --min-{name} {floor}")
            })
        })
        .collect()
}

/// `akg serve-worker`: evaluates one query for `akg serve` under the
/// memory budget; a failure is one JSON line on stderr and exit code 1.
fn cmd_serve_worker(graph: &GraphAt, budget: MemoryBudget) -> Result<ExitCode> {
    MemoryWatch::start(budget, move |used| {
        let failure = serve::WorkerFailure {
            status: 422,
            message: memory::over_budget_message(budget, used),
        };
        eprintln!("{}", failure.to_json_line());
        exit_now(1);
    })
    .context("cannot start the memory watch")?;
    let out = BufWriter::new(io::stdout());
    match serve::answer_worker_request(|| graph.open(), io::stdin().lock(), out) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(failure) => {
            eprintln!("{}", failure.to_json_line());
            Ok(ExitCode::from(1))
        }
    }
}

/// Runs `write` on standard output, locked and buffered, and flushes it.
/// On a terminal, control characters of the data are shown escaped
/// ([`EscapeControls`]); a pipe or file gets the exact bytes.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let stdout = io::stdout();
    if stdout.is_terminal() {
        buffered(EscapeControls::new(stdout.lock()), |out| write(out))
    } else {
        buffered(stdout.lock(), |out| write(out))
    }
}

/// [`to_stdout`] for output that escapes its data itself and adds escape
/// codes of its own (`akg trace`'s highlight).
fn to_stdout_as_is(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    buffered(io::stdout().lock(), |out| write(out))
}

/// Runs `write` on `out` through a buffer, and flushes it.
fn buffered<W: Write>(out: W, write: impl FnOnce(&mut BufWriter<W>) -> Result<()>) -> Result<()> {
    let mut out = BufWriter::new(out);
    write(&mut out)?;
    out.flush()?;
    Ok(())
}

/// Set by whoever prints the fatal error, [`main`], [`watch_memory`] or
/// [`query_deadline`], so that it is printed once.
static ERROR_REPORTED: AtomicBool = AtomicBool::new(false);

/// Ends a command that reads the store once it uses more memory than its
/// budget: one line, exit code 2. The store is open read-only, so ending
/// the process cannot harm it.
fn watch_memory(budget: MemoryBudget) -> Result<()> {
    MemoryWatch::start(budget, move |used| {
        if !ERROR_REPORTED.swap(true, Ordering::SeqCst) {
            eprintln!("akg: {}", memory::over_budget_message(budget, used));
        }
        exit_now(2);
    })
    .context("cannot start the memory watch")
}

/// How long after its timeout a query that did not stop is ended by force.
const QUERY_DEADLINE_GRACE: Duration = Duration::from_secs(1);

/// Ends the process with the timeout message if the query still runs
/// [`QUERY_DEADLINE_GRACE`] after `timeout`. The query's own timeout stops
/// it cleanly in most cases, but oxigraph cannot cancel evaluation that
/// computes in memory without giving rows (sorting or counting a cross
/// product), which would otherwise run on and eat all memory. The store is
/// open read-only, so ending the process cannot harm it.
fn query_deadline(timeout: Duration) {
    let seconds = timeout.as_secs_f64();
    let spawned = std::thread::Builder::new()
        .name("akg-query-deadline".to_owned())
        .spawn(move || {
            std::thread::sleep(timeout.saturating_add(QUERY_DEADLINE_GRACE));
            if !ERROR_REPORTED.swap(true, Ordering::SeqCst) {
                eprintln!("akg: {}", QueryError::Timeout { seconds });
            }
            exit_now(2);
        });
    // Not joined: the thread dies with the process if the query ends first.
    // Without it, the query's own timeout still works.
    drop(spawned);
}

/// Exits at once, without running destructors or `atexit` handlers: the
/// main thread may be inside RocksDB, whose static objects must not be torn
/// down under it.
fn exit_now(code: i32) -> ! {
    #[cfg(unix)]
    // SAFETY: `_exit` ends the process without touching any Rust or C++
    // state; nothing can observe the process afterwards.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}

/// The error and its causes joined by `: `, as `{err:#}` writes them, but
/// without a cause whose text is already there: Oxigraph's storage error
/// writes its source's text and also returns it as its source, and our
/// errors write their source too, so RocksDB's message came out three times.
fn error_chain(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// What to do about a storage failure (a damaged store, a full disk, too
/// many open files), wherever the error came from (a build, a query, a
/// dump, a trace): once, and only if the message does not already say it.
fn storage_advice(err: &anyhow::Error) -> String {
    let text = error_chain(err);
    match alliance_kg::store::storage_failure_advice(&text) {
        Some(advice) if !text.contains(advice) && !text.contains("delete the store") => {
            format!("; {advice}")
        }
        _ => String::new(),
    }
}

/// Whether the error is a write to a closed pipe (`akg dump | head`), which
/// ends a command quietly with exit 0. Library errors that wrap an
/// `io::Error` transparently hide it from the chain, so they are asked too.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let broken = |io: &io::Error| io.kind() == io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(broken)
            || matches!(cause.downcast_ref::<QueryError>(), Some(QueryError::Io(io)) if broken(io))
            || matches!(cause.downcast_ref::<dump::DumpError>(), Some(dump::DumpError::Io(io)) if broken(io))
    })
}

/// `akg build --shard`: one shard into gzipped N-Quads and its manifest.
fn cmd_build_shard(
    options: &ShardOptions,
    ontology: &Ontology,
    quiet: bool,
    json: bool,
) -> Result<ExitCode> {
    let bar = report::progress_bar(!quiet, "articles");
    let summary =
        shard::build_shard(options, ontology, &report::advance(&bar)).with_context(|| {
            format!(
                "cannot build shard {}/{} of {} into {}",
                options.shard.index,
                options.shard.count,
                options.corpus.display(),
                options.output.display()
            )
        })?;
    bar.finish_and_clear();
    print_diagnostics(&summary.build);
    print_summary(json, &summary, |out| {
        report::write_shard_summary(out, &summary, options)
    })?;
    Ok(build_exit_code(&summary.build))
}

/// `akg facts-graph`: the derived facts graph from the shards' manifests.
fn cmd_facts_graph(manifests: &[PathBuf], output: &Path, json: bool) -> Result<ExitCode> {
    let summary = shard::reduce_facts(manifests, output)
        .with_context(|| format!("cannot make the facts graph {}", output.display()))?;
    print_summary(json, &summary, |out| {
        report::write_facts_graph_summary(out, &summary, output)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `akg push`: the files into a Graph Store Protocol endpoint, with a
/// progress bar on a terminal.
fn cmd_push(args: &PushArgs) -> Result<ExitCode> {
    let options = push::PushOptions {
        credentials: push::credentials_from_env(|name| std::env::var(name).ok())?,
        retries: args.retries,
        timeout: Duration::from_secs_f64(args.timeout),
        ..push::PushOptions::new(&args.graph_store)
    };
    let url = http_client::display_url(&args.graph_store);
    let bar = report::progress_bar(!args.quiet, "quads");
    let summary = push::push(&args.files, &options, &report::advance(&bar))
        .with_context(|| format!("cannot push to {url}"))?;
    bar.finish_and_clear();
    print_summary(args.json, &summary, |out| {
        report::write_push_summary(out, &summary, &url)
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(err: anyhow::Error, expected: &str) {
        assert_eq!(error_chain(&err), expected);
    }

    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct Repeats(#[source] io::Error);

    #[test]
    fn causes_already_written_are_left_out() {
        let rocksdb = || io::Error::other("Corruption: bad block");
        check(
            anyhow::Error::new(Repeats(rocksdb()))
                .context("the store failed: Corruption: bad block"),
            "the store failed: Corruption: bad block",
        );
        check(
            anyhow::Error::new(rocksdb()).context("cannot open x"),
            "cannot open x: Corruption: bad block",
        );
        check(
            anyhow::Error::new(Repeats(rocksdb()))
                .context("cannot build")
                .context("akg build"),
            "akg build: cannot build: Corruption: bad block",
        );
    }
}
