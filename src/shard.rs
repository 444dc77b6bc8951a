//! Sharded extraction and its reduce step: building one corpus on many
//! machines without a shared store.
//!
//! `akg build CORPUS --shard I/N --nquads OUT.nq.gz` ([`build_shard`])
//! analyses only the articles of shard `I` of `N` and writes their quads
//! (their article graphs and the entity graphs they write; shard 0 also the
//! ontology graph) as sorted, deduplicated, gzipped N-Quads, one quad per
//! line, in the form `akg dump --format nquads` writes. Beside it goes
//! `OUT.manifest.json` ([`ShardManifest`]): the shard's articles, the
//! quad count, the file's BLAKE3 checksum, and per fact the shard's part of
//! its count (its description, how many of the shard's articles state it,
//! and the first of them by IRI). No store is opened.
//!
//! `akg facts-graph MANIFESTS... --nquads OUT.nq.gz` ([`reduce_facts`])
//! merges the manifests of all N shards into the derived facts graph
//! (`derived/facts`), reading only the manifests. The N shard files and the
//! facts graph together hold exactly the quads of a full embedded build
//! (`tests/shard.rs` compares them).
//!
//! An article's shard is [`shard_hash`] of its id modulo N: the first 8
//! bytes of the BLAKE3 hash of the id, read as a little-endian `u64`. It
//! depends on the id alone, so an article keeps its shard however the
//! corpus changes around it.
//!
//! Each file is written under a temporary name in its folder and renamed
//! when complete, the data file first and the manifest last: a shard is
//! finished exactly when its manifest exists, and a failed or killed run
//! leaves nothing under the final names.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad};
use oxigraph::store::Store;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::build::{
    analyse_to_quads, ontology_hash_quad, BuildError, BuildOptions, BuildSummary, Outcome, Pass,
    Progress, CHUNK,
};
use crate::corpus::{list_corpus, Entry, ReadOptions};
use crate::mention::Gazetteer;
use crate::rdf::ontology::Ontology;
use crate::rdf::{fact_count_quads, facts_graph, SOURCE_SAMPLE};
use crate::sorted_lines::SortedLines;

/// The most bytes of N-Quads lines a shard holds in memory before it
/// writes them, sorted, to a temporary run ([`SortedLines`]).
pub const SORT_BUDGET: usize = 256 << 20;

/// The environment variables `--shard /N` takes the shard index from, in
/// this order: Kubernetes indexed jobs, then Slurm job arrays.
pub const SHARD_INDEX_VARIABLES: [&str; 2] = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"];

/// The version of the manifest's layout; [`reduce_facts`] refuses others.
pub const MANIFEST_FORMAT: u32 = 1;

/// Why a shard or the facts graph could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `I/N` with `I < N`.
    #[error("invalid --shard {spec}: {why}")]
    Spec {
        /// What was given.
        spec: String,
        /// What is wrong with it.
        why: String,
    },
    /// Building the shard failed as a build would (corpus, `--strict`).
    #[error(transparent)]
    Build(#[from] BuildError),
    /// A file could not be written, read or renamed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A manifest is not one `akg build --shard` wrote, or the manifests
    /// do not make one whole corpus.
    #[error("{path}: {why}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// No manifest was given.
    #[error("no manifests: give the manifest of every shard (OUT.manifest.json)")]
    NoManifests,
    /// A shard's manifest is missing.
    #[error("shard {index} of {count} is missing: give the manifest of every shard")]
    MissingShard {
        /// The missing shard.
        index: u64,
        /// The number of shards.
        count: u64,
    },
}

/// One shard of N: the articles whose [`shard_hash`] modulo `count` is
/// `index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based, below `count`.
    pub index: u64,
    /// The number of shards, at least 1.
    pub count: u64,
}

impl Shard {
    /// Parses `I/N`, or `/N` with the index from the first of
    /// [`SHARD_INDEX_VARIABLES`] that `env` has.
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        let bad = |why: String| ShardError::Spec {
            spec: spec.to_owned(),
            why,
        };
        let Some((index, count)) = spec.split_once('/') else {
            return Err(bad(
                "expected I/N (shard I of N, from 0), or /N with the index in JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID"
                    .to_owned(),
            ));
        };
        let count: u64 = match count.parse() {
            Ok(0) => return Err(bad("the number of shards must be at least 1".to_owned())),
            Ok(count) => count,
            Err(_) => {
                return Err(bad(format!(
                    "the number of shards {count:?} is not a whole number"
                )))
            }
        };
        let (index, source) = if index.is_empty() {
            let found = SHARD_INDEX_VARIABLES
                .iter()
                .find_map(|name| env(name).map(|value| (value, format!(" (from {name})"))));
            let Some(found) = found else {
                return Err(bad(
                    "/N takes the shard index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, and neither is set"
                        .to_owned(),
                ));
            };
            found
        } else {
            (index.to_owned(), String::new())
        };
        let Ok(index) = index.trim().parse::<u64>() else {
            return Err(bad(format!(
                "the shard index {index:?}{source} is not a whole number"
            )));
        };
        if index >= count {
            return Err(bad(format!(
                "the shard index {index}{source} must be below the number of shards, {count} (0 to {})",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }

    /// Whether the article with this id is in this shard.
    pub fn holds(&self, id: &str) -> bool {
        shard_hash(id) % self.count == self.index
    }
}

/// The stable hash that places an article in a shard: the first 8 bytes of
/// the BLAKE3 hash of its id, as a little-endian `u64`.
pub fn shard_hash(id: &str) -> u64 {
    let hash = blake3::hash(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

/// The manifest of one shard, `OUT.manifest.json` beside `OUT.nq.gz`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    /// [`MANIFEST_FORMAT`].
    pub format: u32,
    /// Which shard this is.
    pub shard: Shard,
    /// The ontology's hash: every shard of one build has the same.
    pub ontology_hash: String,
    /// The N-Quads file's name (in the manifest's folder).
    pub nquads: String,
    /// Its lines (distinct quads).
    pub quads: usize,
    /// The BLAKE3 hash of the file's bytes (gzipped), in hex.
    pub blake3: String,
    /// The articles whose quads the file holds, by id.
    pub articles: Vec<ShardArticle>,
    /// The shard's articles that could not be read or analysed.
    pub skipped: usize,
    /// The facts the shard's articles state, by IRI: the shard's part of
    /// the facts graph.
    pub facts: Vec<PartialFact>,
}

/// One article of a shard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardArticle {
    /// Its id.
    pub id: String,
    /// Its [`shard_hash`].
    pub shard_hash: u64,
    /// The hash of its text and metadata (`akg:contentHash`).
    pub content_hash: String,
}

/// One fact as the articles of one shard state it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialFact {
    /// The fact's IRI.
    pub iri: String,
    /// How many of the shard's articles state it.
    pub articles: usize,
    /// The first of them by IRI (at most [`SOURCE_SAMPLE`]), as article IRIs.
    pub sample: Vec<String>,
    /// Its description in the facts graph, as sorted N-Quads lines.
    pub description: Vec<String>,
}

/// What to shard and where to write it.
#[derive(Clone, Debug)]
pub struct ShardOptions {
    /// The corpus folder.
    pub corpus: PathBuf,
    /// Stop at the first bad article (or bad metadata entry).
    pub strict: bool,
    /// Reading limits.
    pub read: ReadOptions,
    /// Which shard.
    pub shard: Shard,
    /// The gzipped N-Quads file; the manifest goes beside it.
    pub output: PathBuf,
}

/// What building one shard did.
#[derive(Clone, Debug, Serialize)]
pub struct ShardSummary {
    /// Which shard.
    pub shard: Shard,
    /// The N-Quads file written.
    pub nquads: PathBuf,
    /// The manifest written.
    pub manifest: PathBuf,
    /// Articles of the corpus in other shards.
    pub articles_in_other_shards: usize,
    /// What a build counts, for this shard's articles (`quads`: the file's).
    #[serde(flatten)]
    pub build: BuildSummary,
}

/// The manifest's path for an N-Quads file: `OUT.manifest.json` for
/// `OUT.nq.gz` (or `OUT.nq`, `OUT.gz`, `OUT`).
pub fn manifest_path(nquads: &Path) -> PathBuf {
    let name = nquads
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".gz").unwrap_or(&name);
    let stem = stem.strip_suffix(".nq").unwrap_or(stem);
    nquads.with_file_name(format!("{stem}.manifest.json"))
}

/// Reads one article of the shard and analyses it; with its content hash
/// when it could be read.
fn read_and_analyse(
    entry: &Entry,
    read: &ReadOptions,
    gazetteer: &Gazetteer,
) -> (Option<String>, Outcome) {
    match entry.read(read) {
        Err(diagnostic) => (None, Outcome::Skipped(diagnostic)),
        Ok(article) => {
            let analysed = analyse_to_quads(&article, gazetteer);
            (
                Some(article.hash),
                Outcome::Analysed(article.id, Box::new(analysed)),
            )
        }
    }
}

/// Builds shard `options.shard` of `options.corpus` into `options.output`
/// and its manifest (see the module documentation).
///
/// Problems the corpus listing finds (metadata entries, file names) concern
/// the whole corpus: shard 0 reports them, the others leave them out (with
/// `--strict`, every shard stops at them).
pub fn build_shard(
    options: &ShardOptions,
    ontology: &Ontology,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<ShardSummary, ShardError> {
    let started = Instant::now();
    let shard = options.shard;
    let listing = list_corpus(&options.corpus).map_err(BuildError::from)?;
    let build_options = BuildOptions {
        corpus: options.corpus.clone(),
        full: true,
        strict: options.strict,
        wait: false,
        read: options.read,
    };
    let diagnostics = if shard.index == 0 || options.strict {
        listing.diagnostics
    } else {
        Vec::new()
    };
    let mut pass = Pass::new(&build_options, diagnostics)?;
    let corpus_size = listing.entries.len();
    let entries: Vec<Entry> = listing
        .entries
        .into_iter()
        .filter(|entry| shard.holds(&entry.id))
        .collect();
    progress(Progress::Start(entries.len() as u64));
    let folder = output_folder(&options.output)?;
    let io_error = |source| ShardError::Io {
        path: options.output.clone(),
        source,
    };
    let mut lines = SortedLines::new(&folder, SORT_BUDGET);
    if shard.index == 0 {
        let ontology_quads = ontology.quads.iter().cloned();
        let quads = canonical(ontology_quads.chain([ontology_hash_quad(&ontology.hash)]))?;
        for quad in quads {
            lines.push(nquad_line(quad)).map_err(io_error)?;
        }
    }
    let mut articles = Vec::new();
    let mut descriptions: BTreeMap<NamedNode, Vec<String>> = BTreeMap::new();
    for chunk in entries.chunks(CHUNK) {
        let outcomes: Vec<(Option<String>, Outcome)> = chunk
            .par_iter()
            .map(|entry| read_and_analyse(entry, &options.read, &ontology.gazetteer))
            .collect();
        progress(Progress::Advance(chunk.len() as u64));
        let mut quads = Vec::new();
        for (entry, (content_hash, outcome)) in chunk.iter().zip(outcomes) {
            let Some(analysed) = pass.absorb(entry, outcome)? else {
                continue;
            };
            articles.push(ShardArticle {
                id: entry.id.clone(),
                shard_hash: shard_hash(&entry.id),
                content_hash: content_hash.unwrap_or_default(),
            });
            quads.extend(analysed.quads);
            quads.extend(pass.count_facts(&entry.id, analysed.stated));
        }
        let facts_graph: GraphName = facts_graph().into();
        for quad in canonical(quads)? {
            match &quad.subject {
                NamedOrBlankNode::NamedNode(fact) if quad.graph_name == facts_graph => {
                    descriptions
                        .entry(fact.clone())
                        .or_default()
                        .push(nquad_line(quad));
                }
                _ => lines.push(nquad_line(quad)).map_err(io_error)?,
            }
        }
    }
    let manifest = ShardManifest {
        format: MANIFEST_FORMAT,
        shard,
        ontology_hash: ontology.hash.clone(),
        nquads: file_name(&options.output),
        quads: 0,
        blake3: String::new(),
        skipped: pass.summary.articles_skipped,
        articles,
        facts: partial_facts(&pass, descriptions),
    };
    let sorted = lines.into_sorted().map_err(io_error)?;
    let (manifest_path, quads) = write_shard(&options.output, sorted, manifest)?;
    let mut summary = pass.into_summary();
    summary.quads = Some(quads);
    summary.elapsed = started.elapsed();
    Ok(ShardSummary {
        shard,
        nquads: options.output.clone(),
        manifest: manifest_path,
        articles_in_other_shards: corpus_size - entries.len(),
        build: summary,
    })
}

/// The shard's part of each fact its articles state, by IRI, from the
/// pass's counts and the facts' descriptions (N-Quads lines).
fn partial_facts(
    pass: &Pass<'_>,
    mut descriptions: BTreeMap<NamedNode, Vec<String>>,
) -> Vec<PartialFact> {
    let mut facts: Vec<PartialFact> = pass
        .fact_counts
        .iter()
        .map(|(fact, (count, sample))| {
            let mut description = descriptions.remove(fact).unwrap_or_default();
            description.sort_unstable();
            PartialFact {
                iri: fact.as_str().to_owned(),
                articles: *count,
                sample: sample.iter().cloned().collect(),
                description,
            }
        })
        .collect();
    facts.sort_unstable_by(|a, b| a.iri.cmp(&b.iri));
    facts
}

/// The folder `output` goes in, made if missing (the shard's sort runs go
/// there too, as anonymous files).
fn output_folder(output: &Path) -> Result<PathBuf, ShardError> {
    let folder = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder).map_err(|source| ShardError::Io {
        path: folder.clone(),
        source,
    })?;
    Ok(folder)
}

/// Writes the shard's lines, gzipped, to `output` and the manifest, with
/// the file's quad count and checksum, beside it: both under temporary
/// names first, then renamed, the manifest last. Returns the manifest's
/// path and the quad count.
fn write_shard(
    output: &Path,
    lines: impl Iterator<Item = io::Result<String>>,
    mut manifest: ShardManifest,
) -> Result<(PathBuf, usize), ShardError> {
    let (nquads, quads) = PendingFile::write_gzip(output, lines)?;
    manifest.quads = quads;
    manifest.blake3 = nquads.blake3()?;
    let path = manifest_path(output);
    let manifest_file = PendingFile::write_json(&path, &manifest)?;
    // A manifest left by an earlier run must not describe the new file.
    remove_if_present(&path)?;
    nquads.finish()?;
    manifest_file.finish()?;
    Ok((path, quads))
}

/// The quads as a store holds them: Oxigraph stores numbers, dates and
/// booleans by value, so a store gives `"0.8"^^xsd:decimal` back for
/// `"0.80"^^xsd:decimal`. Passing the quads through an in-memory store
/// writes them as the embedded build's store does (repeated quads once).
fn canonical(quads: impl IntoIterator<Item = Quad>) -> Result<Vec<Quad>, BuildError> {
    let store = Store::new()?;
    let mut loader = store.bulk_loader();
    loader.load_quads(quads)?;
    loader.commit()?;
    Ok(store.iter().collect::<Result<_, _>>()?)
}

/// One quad as a line of N-Quads without its newline, as `akg dump` writes it.
fn nquad_line(quad: Quad) -> String {
    format!("{quad} .")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn remove_if_present(path: &Path) -> Result<(), ShardError> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(ShardError::Io {
            path: path.to_path_buf(),
            source: err,
        }),
        _ => Ok(()),
    }
}

/// A file written under a temporary name beside its final one, and renamed
/// by [`PendingFile::finish`]; dropped unfinished, it is removed.
struct PendingFile {
    temporary: PathBuf,
    path: PathBuf,
    finished: bool,
}

impl PendingFile {
    /// Creates the temporary file and lets `write` fill it.
    fn write(
        path: &Path,
        write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
    ) -> Result<PendingFile, ShardError> {
        let temporary =
            path.with_file_name(format!(".{}.tmp-{}", file_name(path), std::process::id()));
        let io_error = |source| ShardError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::create(&temporary).map_err(io_error)?;
        let pending = PendingFile {
            temporary,
            path: path.to_path_buf(),
            finished: false,
        };
        let mut out = BufWriter::new(file);
        write(&mut out).map_err(io_error)?;
        let file = out.into_inner().map_err(|err| io_error(err.into_error()))?;
        file.sync_all().map_err(io_error)?;
        Ok(pending)
    }

    /// Writes `lines` gzipped, one per line; returns how many.
    fn write_gzip(
        path: &Path,
        lines: impl IntoIterator<Item = io::Result<String>>,
    ) -> Result<(PendingFile, usize), ShardError> {
        let mut count = 0;
        let pending = PendingFile::write(path, |out| {
            let mut gzip = GzEncoder::new(out, Compression::default());
            for line in lines {
                gzip.write_all(line?.as_bytes())?;
                gzip.write_all(b"\n")?;
                count += 1;
            }
            gzip.finish()?.flush()
        })?;
        Ok((pending, count))
    }

    /// Writes `value` as pretty JSON.
    fn write_json(path: &Path, value: &impl Serialize) -> Result<PendingFile, ShardError> {
        PendingFile::write(path, |out| {
            serde_json::to_writer_pretty(&mut *out, value)?;
            out.write_all(b"\n")
        })
    }

    /// The BLAKE3 hash of the written bytes, in hex.
    fn blake3(&self) -> Result<String, ShardError> {
        file_blake3(&self.temporary).map_err(|source| ShardError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Moves the file to its final name.
    fn finish(mut self) -> Result<(), ShardError> {
        std::fs::rename(&self.temporary, &self.path).map_err(|source| ShardError::Io {
            path: self.path.clone(),
            source,
        })?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.finished {
            // Best effort: a temporary name never looks finished anyway.
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// The BLAKE3 hash of a file's bytes, in hex.
pub fn file_blake3(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// What the reduce step did.
#[derive(Clone, Debug, Serialize)]
pub struct ReduceSummary {
    /// Shards merged.
    pub shards: u64,
    /// Articles over all shards.
    pub articles: usize,
    /// Distinct facts.
    pub facts: usize,
    /// Quads written.
    pub quads: usize,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
}

/// One fact merged over the shards.
struct MergedFact {
    articles: usize,
    /// Article IRIs, the first by IRI.
    sample: BTreeSet<NamedNode>,
    /// Its description, as the first manifest that names it has it.
    description: Vec<Quad>,
}

/// Computes the derived facts graph from the manifests of all the shards of
/// one build, and writes it to `output` as sorted, gzipped N-Quads: each
/// fact's description, its article count (the sum of the shards') and its
/// sample (the first [`SOURCE_SAMPLE`] of the shards' samples by IRI), as a
/// full build makes them.
pub fn reduce_facts(manifests: &[PathBuf], output: &Path) -> Result<ReduceSummary, ShardError> {
    let started = Instant::now();
    let mut facts: BTreeMap<NamedNode, MergedFact> = BTreeMap::new();
    let mut shards: BTreeMap<u64, &Path> = BTreeMap::new();
    let mut owners: HashMap<String, &Path> = HashMap::new();
    let mut first: Option<(ShardManifest, &Path)> = None;
    for path in manifests {
        let manifest = read_manifest(path)?;
        let bad = |why: String| ShardError::Manifest {
            path: path.clone(),
            why,
        };
        if let Some((first, first_path)) = &first {
            if manifest.shard.count != first.shard.count {
                return Err(bad(format!(
                    "it is a shard of {}, {} is a shard of {}: give the manifests of one build",
                    manifest.shard.count,
                    first_path.display(),
                    first.shard.count
                )));
            }
            if manifest.ontology_hash != first.ontology_hash {
                return Err(bad(format!(
                    "built with another ontology than {}: build every shard with the same one",
                    first_path.display()
                )));
            }
        }
        if let Some(other) = shards.insert(manifest.shard.index, path) {
            return Err(bad(format!(
                "shard {} is also {}: give each shard once",
                manifest.shard.index,
                other.display()
            )));
        }
        for article in &manifest.articles {
            if let Some(other) = owners.insert(article.id.clone(), path) {
                return Err(bad(format!(
                    "article {} is also in {}: give the manifests of one build",
                    article.id,
                    other.display()
                )));
            }
        }
        for fact in &manifest.facts {
            merge_fact(&mut facts, fact).map_err(bad)?;
        }
        if first.is_none() {
            first = Some((manifest, path));
        }
    }
    let Some((first, _)) = first else {
        return Err(ShardError::NoManifests);
    };
    let count = first.shard.count;
    if let Some(index) = (0..count).find(|index| !shards.contains_key(index)) {
        return Err(ShardError::MissingShard { index, count });
    }
    let mut lines = Vec::new();
    for (fact, merged) in &facts {
        let counts = fact_count_quads(fact, merged.articles, &merged.sample);
        lines.extend(
            merged
                .description
                .iter()
                .cloned()
                .chain(counts)
                .map(nquad_line),
        );
    }
    lines.sort_unstable();
    lines.dedup();
    output_folder(output)?;
    let (file, quads) = PendingFile::write_gzip(output, lines.into_iter().map(Ok))?;
    file.finish()?;
    Ok(ReduceSummary {
        shards: count,
        articles: owners.len(),
        facts: facts.len(),
        quads,
        elapsed: started.elapsed(),
    })
}

/// Reads and checks one manifest.
fn read_manifest(path: &Path) -> Result<ShardManifest, ShardError> {
    let bad = |why: String| ShardError::Manifest {
        path: path.to_path_buf(),
        why,
    };
    let bytes = std::fs::read(path).map_err(|source| ShardError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let format = serde_json::from_slice::<serde_json::Value>(&bytes)
        .map_err(|err| bad(format!("not a shard manifest ({err})")))?
        .get("format")
        .and_then(serde_json::Value::as_u64);
    if format != Some(u64::from(MANIFEST_FORMAT)) {
        return Err(bad(format!(
            "not a shard manifest of format {MANIFEST_FORMAT}: rebuild the shard with this akg"
        )));
    }
    let manifest: ShardManifest = serde_json::from_slice(&bytes)
        .map_err(|err| bad(format!("not a shard manifest ({err})")))?;
    if manifest.shard.count == 0 || manifest.shard.index >= manifest.shard.count {
        return Err(bad(format!(
            "shard {} of {} cannot be",
            manifest.shard.index, manifest.shard.count
        )));
    }
    Ok(manifest)
}

/// Adds one shard's part of a fact to the merged facts; the error says
/// what is wrong with the manifest's fact.
fn merge_fact(
    facts: &mut BTreeMap<NamedNode, MergedFact>,
    fact: &PartialFact,
) -> Result<(), String> {
    let iri = NamedNode::new(fact.iri.as_str())
        .map_err(|err| format!("fact {:?} is not an IRI ({err})", fact.iri))?;
    let sample: Vec<NamedNode> = fact
        .sample
        .iter()
        .map(|article| NamedNode::new(article.as_str()))
        .collect::<Result<_, _>>()
        .map_err(|err| format!("fact {iri}: a sample is not an IRI ({err})"))?;
    let merged = match facts.entry(iri.clone()) {
        std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::btree_map::Entry::Vacant(entry) => entry.insert(MergedFact {
            articles: 0,
            sample: BTreeSet::new(),
            description: parse_description(&iri, &fact.description)?,
        }),
    };
    merged.articles += fact.articles;
    merged.sample.extend(sample);
    while merged.sample.len() > SOURCE_SAMPLE {
        merged.sample.pop_last();
    }
    Ok(())
}

/// A fact's description from its N-Quads lines, each checked to be a quad
/// about the fact in the facts graph.
fn parse_description(fact: &NamedNode, lines: &[String]) -> Result<Vec<Quad>, String> {
    let graph: GraphName = facts_graph().into();
    let mut quads = Vec::with_capacity(lines.len());
    for line in lines {
        for quad in RdfParser::from_format(RdfFormat::NQuads).for_slice(line.as_bytes()) {
            let quad =
                quad.map_err(|err| format!("fact {fact}: bad description {line:?} ({err})"))?;
            if quad.subject != NamedOrBlankNode::NamedNode(fact.clone()) || quad.graph_name != graph
            {
                return Err(format!(
                    "fact {fact}: description {line:?} is not about the fact in the facts graph"
                ));
            }
            quads.push(quad);
        }
    }
    Ok(quads)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{manifest_path, shard_hash, Shard};

    fn parse(spec: &str, env: &[(&str, &str)]) -> Result<Shard, String> {
        Shard::parse(spec, |name| {
            env.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .map_err(|err| err.to_string())
    }

    #[test]
    fn shards_parse_from_the_spec_or_the_environment() {
        assert_eq!(parse("2/5", &[]), Ok(Shard { index: 2, count: 5 }));
        assert_eq!(parse("0/1", &[]), Ok(Shard { index: 0, count: 1 }));
        let job = [("JOB_COMPLETION_INDEX", "3"), ("SLURM_ARRAY_TASK_ID", "1")];
        assert_eq!(parse("/8", &job), Ok(Shard { index: 3, count: 8 }));
        assert_eq!(parse("/8", &job[1..]), Ok(Shard { index: 1, count: 8 }));
        // An explicit index wins over the environment.
        assert_eq!(parse("5/8", &job), Ok(Shard { index: 5, count: 8 }));
    }

    #[test]
    fn bad_shards_say_what_is_wrong() {
        let error = |spec: &str, env: &[(&str, &str)]| parse(spec, env).unwrap_err();
        assert!(error("3/3", &[]).ends_with("must be below the number of shards, 3 (0 to 2)"));
        assert!(error("x/2", &[]).contains("\"x\" is not a whole number"));
        assert!(error("0/0", &[]).contains("at least 1"));
        assert!(error("1/y", &[]).contains("\"y\" is not a whole number"));
        assert!(error("-1/2", &[]).contains("\"-1\" is not a whole number"));
        assert!(error("4", &[]).contains("expected I/N"));
        assert!(error("/4", &[]).contains("neither is set"));
        assert!(error("/4", &[("JOB_COMPLETION_INDEX", "4")])
            .contains("4 (from JOB_COMPLETION_INDEX) must be below"));
    }

    #[test]
    fn the_shard_hash_is_blake3_of_the_id_little_endian() {
        // Pinned: changing the hash would move every article to another
        // shard, and a build's shards would no longer agree.
        // BLAKE3("") starts af 13 49 b9 f5 f9 a1 a6 (the published test vector).
        assert_eq!(
            shard_hash(""),
            u64::from_le_bytes([0xaf, 0x13, 0x49, 0xb9, 0xf5, 0xf9, 0xa1, 0xa6])
        );
        let id = "000_5a98e20ee2fbc50d";
        assert_eq!(shard_hash(id), 13_649_765_243_938_125_163);
        assert!(Shard { index: 1, count: 3 }.holds(id));
        assert!(!Shard { index: 0, count: 3 }.holds(id));
        assert!(Shard { index: 3, count: 4 }.holds(id));
    }

    #[test]
    fn the_manifest_goes_beside_the_nquads() {
        let path = |p: &str| manifest_path(Path::new(p));
        assert_eq!(path("out/s-1.nq.gz"), Path::new("out/s-1.manifest.json"));
        assert_eq!(path("s.nq"), Path::new("s.manifest.json"));
        assert_eq!(path("s"), Path::new("s.manifest.json"));
    }
}
