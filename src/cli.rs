//! The command line: clap types, and their conversions into the library's
//! options. Help text comes from these doc comments.

use std::collections::BTreeSet;
use std::path::PathBuf;

use std::io::{self, IsTerminal};
use std::time::Duration;

use alliance_kg::build::BuildOptions;
use alliance_kg::corpus::ReadOptions;
use alliance_kg::date::PartialDate;
use alliance_kg::graph::{EdgeRelation, EntityType, Filter};
use alliance_kg::memory::MemoryBudget;
use alliance_kg::query::OutputFormat;
use alliance_kg::{dot, dump, serve, trace};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// alliance-kg: build a knowledge graph of a military alliance from news
/// articles, query it with SPARQL, and trace every fact to its sentence.
#[derive(Debug, Parser)]
#[command(name = "akg", version, about, long_about = None)]
pub struct Cli {
    /// The store directory.
    #[arg(long, global = true, env = "AKG_STORE", default_value = ".akg")]
    pub store: PathBuf,
    /// The ontology folder (vocabulary and gazetteer, Turtle). Default:
    /// ./ontology if it exists, else the copy built into akg.
    #[arg(long, global = true, env = "AKG_ONTOLOGY")]
    pub ontology: Option<PathBuf>,
    /// The most memory a command that reads the store may use, and each
    /// query of `akg serve` (e.g. 2GiB, 512MB). Past it the command stops
    /// with exit code 2. Default: a quarter of the machine's memory, at
    /// most 4 GiB.
    #[arg(long, global = true, env = "AKG_MAX_MEMORY", value_name = "SIZE")]
    pub max_memory: Option<MemoryBudget>,
    /// Read a SPARQL 1.1 Protocol query endpoint instead of the store
    /// (Oxigraph server: http://HOST:PORT/query, started with
    /// --union-default-graph): for query, facts, dump, dot, analyze,
    /// trace, conflicts, eval and serve. Credentials come from the
    /// environment only: AKG_ENDPOINT_USER and AKG_ENDPOINT_PASSWORD, or
    /// AKG_ENDPOINT_TOKEN.
    #[arg(long, global = true, env = "AKG_ENDPOINT", value_name = "URL")]
    pub endpoint: Option<String>,
    /// The most seconds one request to --endpoint may take, its answer
    /// included (0: no limit). A query's own --timeout, if shorter, wins.
    #[arg(
        long,
        global = true,
        env = "AKG_ENDPOINT_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 300.0,
        value_parser = parse_seconds
    )]
    pub endpoint_timeout: f64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update the store from a folder of articles (.txt, with an
    /// optional metadata.toml).
    Build(BuildArgs),
    /// Make the derived facts graph of a sharded build (article counts and
    /// source samples) from the manifests of all its shards.
    FactsGraph {
        /// The manifest of every shard (OUT.manifest.json).
        #[arg(required = true, value_name = "MANIFEST")]
        manifests: Vec<PathBuf>,
        /// The gzipped N-Quads file to write.
        #[arg(long, value_name = "OUT.nq.gz")]
        nquads: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Load shard files and the facts graph into a SPARQL server through
    /// its Graph Store Protocol endpoint, one graph at a time (PUT: a
    /// re-run replaces, it does not duplicate). Credentials come from
    /// AKG_GRAPH_STORE_USER and AKG_GRAPH_STORE_PASSWORD, or
    /// AKG_GRAPH_STORE_TOKEN.
    Push(PushArgs),
    /// Run a read-only SPARQL query (a file, or -e TEXT).
    Query(QueryArgs),
    /// Print one row per claim: article, relation, subject, object, date,
    /// value, evidence.
    Facts {
        /// Output format.
        #[arg(long, value_enum, default_value_t = FactsFormat::Tsv)]
        format: FactsFormat,
    },
    /// Write the whole store as RDF.
    Dump {
        /// Output format.
        #[arg(long, value_enum, default_value_t = DumpFormat::Nquads)]
        format: DumpFormat,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Draw the alliance network as a Graphviz diagram: DOT, or SVG/PNG
    /// with --render (needs Graphviz's `dot`).
    Dot(DotArgs),
    /// Network analysis: centrality, the alliance's members in armed
    /// conflict, and the structural balance of the signed state graph.
    Analyze(AnalyzeArgs),
    /// Show the sentences behind an entity (NAME), a fact (SUBJECT RELATION
    /// OBJECT, e.g. Armenia invoked "Article 4") or a claim (its IRI).
    Trace(TraceArgs),
    /// Serve the store read-only: a SPARQL 1.1 endpoint at /sparql and a web
    /// page at / to query, see the diagram and trace facts to their
    /// sentences.
    Serve(ServeArgs),
    /// List facts whose numbers, outcomes or dates disagree across sources,
    /// with each version and its articles.
    Conflicts {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Score the store's claims against a gold file: precision and recall
    /// per relation, as tests/fixtures/gold/evalfacts.py computes them.
    /// Exit code 1 when --min-precision or --min-recall is not met.
    Eval(EvalArgs),
    /// Internal: evaluates one query for `akg serve` (a JSON request on
    /// stdin, the results on stdout).
    #[command(name = "serve-worker", hide = true)]
    ServeWorker,
}

impl Command {
    /// Whether the command reads the store, and so runs under the memory
    /// budget (`--max-memory`). `serve` gives the budget to each query's
    /// worker instead.
    pub fn reads_store(&self) -> bool {
        matches!(
            self,
            Command::Query(_)
                | Command::Facts { .. }
                | Command::Dump { .. }
                | Command::Dot(_)
                | Command::Analyze(_)
                | Command::Trace(_)
                | Command::Conflicts { .. }
                | Command::Eval(_)
        )
    }
}

/// What `akg build` reads, and how it reports.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The corpus folder.
    #[arg(default_value = "corpus")]
    pub corpus: PathBuf,
    /// Rebuild every article, not only new or changed ones.
    #[arg(long)]
    pub full: bool,
    /// Stop at the first unreadable article or bad metadata entry.
    #[arg(long)]
    pub strict: bool,
    /// Wait for a running build to finish instead of refusing.
    #[arg(long)]
    pub wait: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip articles larger than this many bytes.
    #[arg(long, default_value_t = alliance_kg::corpus::DEFAULT_MAX_ARTICLE_BYTES)]
    pub max_article_bytes: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Analyse only shard I of N (from 0) into --nquads, without a
    /// store: the articles whose id hashes to I modulo N. `/N` takes I
    /// from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID. `akg
    /// facts-graph` then makes the facts graph from the shards'
    /// manifests.
    #[arg(long, value_name = "I/N", requires = "nquads", conflicts_with_all = ["full", "wait"])]
    pub shard: Option<String>,
    /// With --shard: the gzipped N-Quads file to write; its manifest
    /// goes beside it (OUT.manifest.json).
    #[arg(long, value_name = "OUT.nq.gz", requires = "shard")]
    pub nquads: Option<PathBuf>,
}

/// What `akg push` sends, where, and how hard it tries.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The server's SPARQL 1.1 Graph Store Protocol endpoint (Oxigraph
    /// server: http://HOST:PORT/store). Never with a user name or
    /// password: those come from the environment.
    #[arg(long, value_name = "URL", env = "AKG_GRAPH_STORE")]
    pub graph_store: String,
    /// The N-Quads files, gzipped or not: the shards (checked against the
    /// manifest beside each, if any) and the facts graph.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// How many times a request that failed for a passing reason (no
    /// connection, a timeout, 408, 429, 5xx) is sent again, after waits of
    /// 0.25 s, 0.5 s, 1 s, ... (at most 8 s, or the server's Retry-After).
    #[arg(long, default_value_t = alliance_kg::push::DEFAULT_RETRIES)]
    pub retries: u32,
    /// Seconds one request may take, from connecting to the answer.
    #[arg(long, default_value_t = 300.0, value_parser = parse_positive_seconds)]
    pub timeout: f64,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The query `akg query` runs, and how.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A file with the query (e.g. queries/members.rq).
    pub file: Option<PathBuf>,
    /// The query text.
    #[arg(short = 'e', long = "execute", conflicts_with = "file")]
    pub execute: Option<String>,
    /// Output format (default: table on a terminal, tsv otherwise).
    #[arg(long, value_enum)]
    pub format: Option<QueryFormat>,
    /// Stop the query after this many seconds (0: no limit).
    #[arg(long, default_value_t = 30.0, value_parser = parse_seconds)]
    pub timeout: f64,
    /// Bind ?NAME to VALUE before evaluation (repeatable): `<IRI>`,
    /// `ent:Name`, or a plain string such as `NATO` or `2010-06-01`.
    /// ?NAME must be in the SELECT clause; the value is never spliced
    /// into the query text. Saved queries say which names they take.
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_binding)]
    pub bind: Vec<(String, String)>,
}

/// What `akg dot` draws, and how.
#[derive(Debug, Args)]
pub struct DotArgs {
    /// Which facts to draw.
    #[command(flatten)]
    pub view: ViewArgs,
    /// Output file (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Render with Graphviz instead of writing DOT.
    #[arg(long, value_enum)]
    pub render: Option<RenderFormat>,
    /// Direction of the layout.
    #[arg(long, value_enum, default_value_t = RankDir::Lr)]
    pub rankdir: RankDir,
    /// Do not draw alliances and their members in clusters.
    #[arg(long)]
    pub no_clusters: bool,
}

/// What `akg analyze` analyses, and how it reports.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Which facts to analyse.
    #[command(flatten)]
    pub view: ViewArgs,
    /// The alliance (default: the one with the most members).
    #[arg(long)]
    pub alliance: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// What `akg trace` traces, and how it shows it.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// NAME, CLAIM_IRI, or SUBJECT RELATION OBJECT.
    #[arg(required = true, num_args = 1..=3, value_name = "WHAT")]
    pub target: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Mark spans with colour (auto: on a terminal, unless NO_COLOR is
    /// set) or with [[…]].
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Where and under which limits `akg serve` serves.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on. Only loopback unless you choose another
    /// address; the server is then reachable from other machines.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub bind: std::net::SocketAddr,
    /// Allow cross-origin requests from this origin (`*` for any).
    /// Default: no CORS headers, and requests from other sites' pages
    /// are refused (403).
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
    /// Also answer requests for this host name (repeatable). Default:
    /// only localhost and the address bound; other names get 421
    /// (against DNS rebinding).
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Seconds a client has to send a request's head, counted from the
    /// connection's opening or its previous response (so also how long
    /// an idle kept-alive connection stays open).
    #[arg(long, default_value_t = 10.0, value_parser = parse_positive_seconds)]
    pub header_timeout: f64,
    /// Seconds a request body or a response may go without moving a
    /// byte before the connection is closed.
    #[arg(long, default_value_t = 60.0, value_parser = parse_positive_seconds)]
    pub stall_timeout: f64,
    /// The most connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds Ctrl-C or SIGTERM waits for the requests under way before
    /// the server exits.
    #[arg(long, default_value_t = 10.0, value_parser = parse_positive_seconds)]
    pub shutdown_timeout: f64,
    /// The time limit of one query, in seconds.
    #[arg(long, default_value_t = 30.0, value_parser = parse_positive_seconds)]
    pub timeout: f64,
    /// The most rows one result may have.
    #[arg(long, default_value_t = 100_000)]
    pub max_rows: usize,
    /// The most bytes one result may have.
    #[arg(long, default_value_t = 64 << 20)]
    pub max_result_bytes: usize,
    /// The most queries evaluated at once (default: the number of cores,
    /// at least 2); each runs in a process of its own.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_concurrent: Option<u32>,
    /// The most requests waiting for a free slot; more get 503.
    #[arg(long, default_value_t = 64)]
    pub max_queued: usize,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// The longest request URL, in bytes.
    #[arg(long, default_value_t = 64 << 10)]
    pub max_url_bytes: usize,
    /// The folder of saved queries the page offers.
    #[arg(long, default_value = "queries")]
    pub queries: PathBuf,
}

/// What `akg eval` scores, and how it reports.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The gold file: TSV whose header names the columns article, relation,
    /// subject, object, date, value, evidence (see
    /// tests/fixtures/gold/SCHEMA.md).
    pub gold: PathBuf,
    /// Only these articles (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID,ID")]
    pub articles: Option<Vec<String>>,
    /// Leave out `said` facts whose quotation has fewer than N words, from
    /// the gold and the store alike.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_quote_words: usize,
    /// Match names with evalfacts.py's alias table only. By default two
    /// names also match when both are labels (skos:prefLabel, altLabel) of
    /// one entity of the gazetteer the store was built with.
    #[arg(long)]
    pub no_gazetteer_aliases: bool,
    /// Show every miss, extra and wrong date or value, with its sentence
    /// and the rule that made the claim.
    #[arg(long, short)]
    pub verbose: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Exit with code 1 when micro precision is below this (0 to 1).
    #[arg(long, value_name = "P", value_parser = parse_fraction)]
    pub min_precision: Option<f64>,
    /// Exit with code 1 when micro recall is below this (0 to 1).
    #[arg(long, value_name = "R", value_parser = parse_fraction)]
    pub min_recall: Option<f64>,
}

/// Which facts a network view holds.
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Relations, comma-separated (e.g. member_of,clashed_with; `all` for
    /// every one). Default: all but holds_role.
    #[arg(long, value_parser = alliance_kg::graph::parse_relations)]
    pub relations: Option<BTreeSet<EdgeRelation>>,
    /// Entity types, comma-separated (state, alliance, person,
    /// organization, government_body, group, treaty, treaty_article, role).
    #[arg(long, value_parser = alliance_kg::graph::parse_types)]
    pub types: Option<BTreeSet<EntityType>>,
    /// Only claims dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<PartialDate>,
    /// Only claims dated on or before this.
    #[arg(long)]
    pub until: Option<PartialDate>,
    /// With --since/--until, also drop claims that give no date.
    #[arg(long)]
    pub dated_only: bool,
}

/// Formats of analyze, trace and conflicts.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// Text and tables for people.
    #[value(alias = "text")]
    Table,
    /// JSON.
    Json,
}

/// What `dot --render` produces.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RenderFormat {
    /// SVG.
    Svg,
    /// PNG.
    Png,
}

/// Layout direction of diagrams.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RankDir {
    /// Left to right.
    Lr,
    /// Top to bottom.
    Tb,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never: mark spans with [[…]].
    Never,
}

/// Query output formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum QueryFormat {
    /// A table for people.
    Table,
    /// SPARQL results CSV.
    Csv,
    /// SPARQL results TSV.
    Tsv,
    /// SPARQL results JSON.
    Json,
    /// SPARQL results XML.
    Xml,
    /// Turtle (CONSTRUCT/DESCRIBE).
    Turtle,
    /// N-Triples (CONSTRUCT/DESCRIBE).
    Ntriples,
}

/// Facts export formats.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FactsFormat {
    /// Tab-separated, the gold schema's columns.
    Tsv,
    /// A JSON array with provenance.
    Json,
}

/// Dump formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DumpFormat {
    /// N-Quads, sorted.
    Nquads,
    /// TriG.
    Trig,
    /// Turtle (the union of all graphs).
    Turtle,
}

/// A number of seconds: 0 or more (`inf` is allowed).
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds == 0.0 || seconds >= MIN_SECONDS => Ok(seconds),
        _ => Err(format!(
            "{text:?} is not a number of seconds for a time limit; give 0 (no limit) or at least 0.001 seconds, e.g. 30 or 0.5"
        )),
    }
}

/// The shortest time limit: below it a timeout rounds to no time at all,
/// which once meant no limit.
const MIN_SECONDS: f64 = 0.001;

/// `NAME=VALUE`, split at the first `=`; a leading `?` or `$` is dropped.
fn parse_binding(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            let name = name.trim().trim_start_matches(['?', '$']);
            Ok((name.to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "{text:?} is not a binding; give NAME=VALUE, e.g. asOf=2010-06-01"
        )),
    }
}

/// A precision or recall floor: from 0 to 1.
fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(fraction) if (0.0..=1.0).contains(&fraction) => Ok(fraction),
        _ => Err(format!(
            "{text:?} is not a fraction; give a number from 0 to 1, e.g. 0.9"
        )),
    }
}

/// A time limit for the server: more than 0 and at most a day.
fn parse_positive_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (MIN_SECONDS..=86_400.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "{text:?} is not a time limit; give seconds from 0.001 to 86400, e.g. 30 or 0.5"
        )),
    }
}

impl ServeArgs {
    /// The server's options: these limits, and `max_memory` for each
    /// query's worker. The saved queries are left to the caller, which
    /// says when it cannot read them.
    pub fn options(&self, max_memory: MemoryBudget) -> serve::ServeOptions {
        let mut options = serve::ServeOptions::new(self.bind);
        options.cors = self.cors.clone();
        options.allowed_hosts = self.allow_host.clone();
        options.header_timeout = Duration::from_secs_f64(self.header_timeout);
        options.stall_timeout = Duration::from_secs_f64(self.stall_timeout);
        options.max_connections = self.max_connections;
        options.shutdown_timeout = Duration::from_secs_f64(self.shutdown_timeout);
        options.timeout = Duration::from_secs_f64(self.timeout);
        options.max_rows = self.max_rows;
        options.max_result_bytes = self.max_result_bytes;
        if let Some(n) = self.max_concurrent {
            options.max_concurrent = n as usize;
        }
        options.max_memory = max_memory;
        options.max_queued = self.max_queued;
        options.max_body_bytes = self.max_body_bytes;
        options.max_url_bytes = self.max_url_bytes;
        options
    }
}

impl From<&BuildArgs> for BuildOptions {
    fn from(args: &BuildArgs) -> Self {
        BuildOptions {
            corpus: args.corpus.clone(),
            full: args.full,
            strict: args.strict,
            wait: args.wait,
            read: ReadOptions {
                max_article_bytes: args.max_article_bytes,
            },
        }
    }
}

/// The network filter a view's arguments ask for.
impl From<ViewArgs> for Filter {
    fn from(view: ViewArgs) -> Self {
        Filter {
            relations: view.relations,
            types: view.types,
            since: view.since,
            until: view.until,
            dated_only: view.dated_only,
        }
    }
}

impl From<QueryFormat> for OutputFormat {
    fn from(format: QueryFormat) -> Self {
        match format {
            QueryFormat::Table => OutputFormat::Table,
            QueryFormat::Csv => OutputFormat::Csv,
            QueryFormat::Tsv => OutputFormat::Tsv,
            QueryFormat::Json => OutputFormat::Json,
            QueryFormat::Xml => OutputFormat::Xml,
            QueryFormat::Turtle => OutputFormat::Turtle,
            QueryFormat::Ntriples => OutputFormat::NTriples,
        }
    }
}

impl From<DumpFormat> for dump::DumpFormat {
    fn from(format: DumpFormat) -> Self {
        match format {
            DumpFormat::Nquads => dump::DumpFormat::NQuads,
            DumpFormat::Trig => dump::DumpFormat::TriG,
            DumpFormat::Turtle => dump::DumpFormat::Turtle,
        }
    }
}

impl From<RankDir> for dot::RankDir {
    fn from(rankdir: RankDir) -> Self {
        match rankdir {
            RankDir::Lr => dot::RankDir::LeftRight,
            RankDir::Tb => dot::RankDir::TopBottom,
        }
    }
}

impl From<RenderFormat> for dot::RenderFormat {
    fn from(format: RenderFormat) -> Self {
        match format {
            RenderFormat::Svg => dot::RenderFormat::Svg,
            RenderFormat::Png => dot::RenderFormat::Png,
        }
    }
}

/// `auto` asks whether standard output is a terminal and `NO_COLOR` unset.
impl From<ColorChoice> for trace::Highlight {
    fn from(color: ColorChoice) -> Self {
        let colour = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        if colour {
            trace::Highlight::Ansi
        } else {
            trace::Highlight::Brackets
        }
    }
}
