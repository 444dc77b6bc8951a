//! The `akg` binary: parses the command line, dispatches to the library,
//! prints errors and sets the exit code. Only this file and cli.rs know
//! clap, stderr and exit codes.
#![expect(clippy::print_stderr)]

mod cli;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use alliance_kg::build::{build, BuildOptions, Progress};
use alliance_kg::corpus::{DiagnosticKind, ReadOptions};
use alliance_kg::query::{self, OutputFormat, QueryError, QueryOptions};
use alliance_kg::rdf::ontology::{self, Ontology};
use alliance_kg::store::StoreDir;
use alliance_kg::{dump, facts};
use anyhow::{Context, Result};
use clap::Parser;

use cli::{Cli, Command, DumpFormat, FactsFormat, QueryFormat};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("akg: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || cause.downcast_ref::<QueryError>().is_some_and(
                |e| matches!(e, QueryError::Io(io) if io.kind() == io::ErrorKind::BrokenPipe),
            )
    })
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    let store = StoreDir::new(&cli.store);
    match cli.command {
        Command::Build {
            corpus,
            full,
            strict,
            wait,
            quiet,
            max_article_bytes,
            json,
        } => {
            let ontology = load_ontology(cli.ontology.as_deref())?;
            let options = BuildOptions {
                corpus: corpus.clone(),
                full,
                strict,
                wait,
                read: ReadOptions { max_article_bytes },
            };
            cmd_build(&options, &ontology, &store, quiet, json)
        }
        Command::Query {
            file,
            execute,
            format,
            timeout,
        } => {
            let sparql = match (file, execute) {
                (Some(path), None) => std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read query file {}", path.display()))?,
                (None, Some(text)) => text,
                _ => anyhow::bail!("give a query file or -e 'SPARQL'; see 'akg query --help'"),
            };
            let oxi = store.open_read()?;
            let format = match format {
                Some(f) => output_format(f),
                None if io::stdout().is_terminal() => OutputFormat::Table,
                None => OutputFormat::Tsv,
            };
            let timeout = (timeout > 0.0).then(|| Duration::from_secs_f64(timeout));
            let options = QueryOptions {
                format,
                timeout,
                union_default_graph: true,
            };
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            query::run(&oxi, &sparql, &options, &mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Facts { format } => {
            let oxi = store.open_read()?;
            let rows = facts::fact_rows(&oxi)?;
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match format {
                FactsFormat::Tsv => facts::write_tsv(&rows, &mut out)?,
                FactsFormat::Json => facts::write_json(&rows, &mut out)?,
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Dump { format, output } => {
            let oxi = store.open_read()?;
            let format = match format {
                DumpFormat::Nquads => dump::DumpFormat::NQuads,
                DumpFormat::Trig => dump::DumpFormat::TriG,
                DumpFormat::Turtle => dump::DumpFormat::Turtle,
            };
            match output {
                Some(path) => {
                    let file = File::create(&path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    let mut out = BufWriter::new(file);
                    dump::dump(&oxi, format, &mut out)?;
                    out.flush()?;
                }
                None => {
                    let stdout = io::stdout();
                    let mut out = BufWriter::new(stdout.lock());
                    dump::dump(&oxi, format, &mut out)?;
                    out.flush()?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn output_format(format: QueryFormat) -> OutputFormat {
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

fn cmd_build(
    options: &BuildOptions,
    ontology: &Ontology,
    store: &StoreDir,
    quiet: bool,
    json: bool,
) -> Result<ExitCode> {
    let show_bar = !quiet && io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::hidden();
    if show_bar {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} articles [{bar:30}] {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    }
    let progress = |event: Progress| match event {
        Progress::Start(n) => bar.set_length(n),
        Progress::Advance(n) => bar.inc(n),
    };
    let summary = build(options, ontology, store, &progress).with_context(|| {
        format!(
            "cannot build {} from {}",
            store.path().display(),
            options.corpus.display()
        )
    })?;
    bar.finish_and_clear();
    for d in &summary.diagnostics {
        let what = match d.kind {
            DiagnosticKind::Skipped => "skipped",
            DiagnosticKind::MetadataIgnored => "metadata ignored",
        };
        eprintln!("akg: {what}: {d}");
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "built {} into {}",
            options.corpus.display(),
            store.path().display()
        )?;
        writeln!(
            out,
            "  articles   {} built, {} unchanged, {} removed, {} skipped",
            summary.articles_built,
            summary.articles_unchanged,
            summary.articles_removed,
            summary.articles_skipped
        )?;
        writeln!(out, "  sentences  {}", summary.sentences)?;
        writeln!(out, "  entities   {}", summary.entities)?;
        writeln!(out, "  claims     {}", summary.claims)?;
        writeln!(out, "  facts per relation:")?;
        for (relation, n) in &summary.facts {
            writeln!(out, "    {relation:<22} {n}")?;
        }
        writeln!(out, "  triples    {} quads in the store", summary.quads)?;
        writeln!(out, "  elapsed    {:.2} s", summary.elapsed.as_secs_f64())?;
    }
    let problems = summary
        .diagnostics
        .iter()
        .any(|d| d.kind == DiagnosticKind::Skipped);
    Ok(if problems {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
