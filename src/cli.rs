//! The command line: clap types only. Help text comes from these doc comments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update the store from a folder of articles (.txt, with an
    /// optional metadata.toml).
    Build {
        /// The corpus folder.
        #[arg(default_value = "corpus")]
        corpus: PathBuf,
        /// Rebuild every article, not only new or changed ones.
        #[arg(long)]
        full: bool,
        /// Stop at the first unreadable article or bad metadata entry.
        #[arg(long)]
        strict: bool,
        /// Wait for a running build to finish instead of refusing.
        #[arg(long)]
        wait: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Skip articles larger than this many bytes.
        #[arg(long, default_value_t = alliance_kg::corpus::DEFAULT_MAX_ARTICLE_BYTES)]
        max_article_bytes: u64,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run a read-only SPARQL query (a file, or -e TEXT).
    Query {
        /// A file with the query (e.g. queries/members.rq).
        file: Option<PathBuf>,
        /// The query text.
        #[arg(short = 'e', long = "execute", conflicts_with = "file")]
        execute: Option<String>,
        /// Output format (default: table on a terminal, tsv otherwise).
        #[arg(long, value_enum)]
        format: Option<QueryFormat>,
        /// Stop the query after this many seconds.
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
    },
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
