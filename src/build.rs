//! The build pipeline: corpus → analysis → quads → store, in one streaming
//! pass. Articles are analysed in parallel (rayon) in chunks, and each
//! chunk's quads go straight to Oxigraph's bulk loader, so neither the
//! corpus nor all quads are ever held in memory at once.
//!
//! Incremental by default: an article whose content or metadata hash is
//! unchanged is not analysed again; a changed or removed article's named
//! graph is replaced or dropped. A new ontology rebuilds everything. The new
//! data goes to a new store generation that becomes live only on commit, so
//! an interrupted build leaves the previous store as it was.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::store::Store;
use rayon::prelude::*;
use serde::Serialize;

use crate::claim::{Claim, Relation};
use crate::corpus::{list_corpus, Article, Diagnostic, Entry, ReadOptions};
use crate::extract::{extract, Doc};
use crate::mention::Gazetteer;
use crate::rdf::ontology::Ontology;
use crate::rdf::vocab::{akg, dcterms, ENT, ENTITY_GRAPH, ONTOLOGY_GRAPH};
use crate::rdf::{
    article_graph, article_iri, article_of_graph, article_quads_and_facts, fact_count_quads,
    facts_graph, Fact, SOURCE_SAMPLE,
};
use crate::store::{StoreDir, StoreError};

/// What to build and how.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The corpus folder.
    pub corpus: PathBuf,
    /// Rebuild every article even if unchanged.
    pub full: bool,
    /// Stop at the first bad article.
    pub strict: bool,
    /// Wait for another build to finish instead of refusing.
    pub wait: bool,
    /// Reading limits.
    pub read: ReadOptions,
}

/// Why a build failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The corpus folder cannot be read.
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    /// The store cannot be opened or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Oxigraph failed.
    #[error("store error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    /// `--strict` and an article was bad.
    #[error("{0}")]
    Strict(String),
}

/// What a build did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BuildSummary {
    /// Articles analysed in this build.
    pub articles_built: usize,
    /// Articles unchanged since the last build (kept as they were).
    pub articles_unchanged: usize,
    /// Articles removed since the last build.
    pub articles_removed: usize,
    /// Articles skipped because they could not be read.
    pub articles_skipped: usize,
    /// Sentences in the analysed articles.
    pub sentences: usize,
    /// Distinct entities the analysed articles' claims name.
    pub entities: usize,
    /// Claims written.
    pub claims: usize,
    /// Distinct facts per relation in the analysed articles.
    pub facts: BTreeMap<String, usize>,
    /// Quads in the store after the build; counted after full builds only
    /// (counting scans the whole store).
    pub quads: Option<usize>,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
    /// Problems with single articles or metadata entries.
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

/// Analyses one article: its document model and its claims.
pub fn analyse<'a>(article: &'a Article, gazetteer: &'a Gazetteer) -> (Doc<'a>, Vec<Claim>) {
    let mut doc = Doc::new(&article.text, gazetteer, article.meta.date);
    let claims = extract(&mut doc);
    (doc, claims)
}

/// One article's analysis: its quads, its facts and what the summary counts.
pub(crate) struct Analysed {
    /// The quads of its graph and of the entity graphs it writes.
    pub(crate) quads: Vec<Quad>,
    /// The distinct facts the claims state, with their descriptions.
    pub(crate) stated: Vec<Fact>,
    sentences: usize,
    claims: usize,
    entities: BTreeSet<String>,
    facts: BTreeSet<(Relation, String, String)>,
    failed: bool,
}

/// Analyses one article into its quads; a panic in a rule gives a failed
/// analysis instead.
pub(crate) fn analyse_to_quads(article: &Article, gazetteer: &Gazetteer) -> Analysed {
    // A bug in a rule must cost one article, not the build: a panic becomes
    // an article with no claims (reported by the caller).
    let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyse_inner(article, gazetteer)
    }));
    analysed.unwrap_or_else(|_| Analysed {
        quads: Vec::new(),
        stated: Vec::new(),
        sentences: 0,
        claims: 0,
        entities: BTreeSet::new(),
        facts: BTreeSet::new(),
        failed: true,
    })
}

fn analyse_inner(article: &Article, gazetteer: &Gazetteer) -> Analysed {
    let (doc, claims) = analyse(article, gazetteer);
    let (quads, stated) = article_quads_and_facts(article, &doc, &claims);
    let mut entities = BTreeSet::new();
    let mut facts = BTreeSet::new();
    for claim in &claims {
        let subject = doc.entities.get(claim.subject).id.clone();
        entities.insert(subject.clone());
        let object = match &claim.object {
            crate::claim::Object::Entity(e) => {
                entities.insert(doc.entities.get(*e).id.clone());
                doc.entities.get(*e).id.clone()
            }
            crate::claim::Object::Quote(q) => q.clone(),
            crate::claim::Object::Role { label, .. } => label.clone(),
            crate::claim::Object::Label(l) => l.clone(),
        };
        facts.insert((claim.relation, subject, object));
    }
    Analysed {
        quads,
        stated,
        sentences: doc.sentences.len(),
        claims: claims.len(),
        entities,
        facts,
        failed: false,
    }
}

/// Events reported during a build, for a progress bar.
pub enum Progress {
    /// The number of articles to analyse is known.
    Start(u64),
    /// This many more articles are done.
    Advance(u64),
}

/// What reading one article of a chunk led to.
pub(crate) enum Outcome {
    /// It could not be read.
    Skipped(Diagnostic),
    /// Its hash is the one the store has.
    Unchanged(String),
    /// It was analysed.
    Analysed(String, Box<Analysed>),
}

/// Reads one article and, unless the store already has it unchanged,
/// analyses it.
fn read_and_analyse(
    entry: &Entry,
    read: &ReadOptions,
    old_hashes: &HashMap<String, String>,
    gazetteer: &Gazetteer,
) -> Outcome {
    match entry.read(read) {
        Err(diagnostic) => Outcome::Skipped(diagnostic),
        Ok(article) if old_hashes.get(&article.id) == Some(&article.hash) => {
            Outcome::Unchanged(article.id)
        }
        Ok(article) => {
            let analysed = analyse_to_quads(&article, gazetteer);
            Outcome::Analysed(article.id, Box::new(analysed))
        }
    }
}

/// The state of one build while its articles stream through.
pub(crate) struct Pass<'a> {
    options: &'a BuildOptions,
    pub(crate) summary: BuildSummary,
    /// Ids read in this build (unchanged or analysed): the others the store
    /// has are removed at the end.
    seen: HashSet<String>,
    entities: BTreeSet<String>,
    facts: BTreeSet<(Relation, String, String)>,
    /// Full builds: per fact, its articles' count and sample (IRIs).
    pub(crate) fact_counts: HashMap<NamedNode, (usize, BTreeSet<String>)>,
}

impl<'a> Pass<'a> {
    /// A pass that starts with the corpus listing's diagnostics, or the
    /// error that stops a `--strict` build at the first of them.
    pub(crate) fn new(
        options: &'a BuildOptions,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<Pass<'a>, BuildError> {
        if options.strict {
            if let Some(first) = diagnostics.first() {
                return Err(BuildError::Strict(format!(
                    "{first} (--strict stops at the first problem)"
                )));
            }
        }
        Ok(Pass {
            options,
            summary: BuildSummary {
                articles_skipped: diagnostics
                    .iter()
                    .filter(|d| d.kind == crate::corpus::DiagnosticKind::Skipped)
                    .count(),
                diagnostics,
                ..BuildSummary::default()
            },
            seen: HashSet::new(),
            entities: BTreeSet::new(),
            facts: BTreeSet::new(),
            fact_counts: HashMap::new(),
        })
    }

    /// The summary with the entities and facts counted, its diagnostics
    /// sorted (`quads` and `elapsed` are the caller's).
    pub(crate) fn into_summary(self) -> BuildSummary {
        let mut summary = self.summary;
        summary.entities = self.entities.len();
        for (relation, _, _) in &self.facts {
            *summary
                .facts
                .entry(relation.name().to_string())
                .or_default() += 1;
        }
        summary
            .diagnostics
            .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        summary
    }

    /// Full builds: counts the article's facts; returns the descriptions of
    /// those not seen before.
    pub(crate) fn count_facts(&mut self, id: &str, stated: Vec<Fact>) -> Vec<Quad> {
        let article = article_iri(id).into_string();
        let mut new = Vec::new();
        for fact in stated {
            let (count, sample) = self.fact_counts.entry(fact.iri).or_insert_with(|| {
                new.extend(fact.quads);
                (0, BTreeSet::new())
            });
            *count += 1;
            sample.insert(article.clone());
            if sample.len() > SOURCE_SAMPLE {
                sample.pop_last();
            }
        }
        new
    }

    /// Full builds: every fact's article count and sample.
    fn fact_count_quads(&self) -> Vec<Quad> {
        let mut quads = Vec::new();
        for (fact, (count, sample)) in &self.fact_counts {
            let sample: Vec<NamedNode> = sample
                .iter()
                .cloned()
                .map(NamedNode::new_unchecked)
                .collect();
            quads.extend(fact_count_quads(fact, *count, &sample));
        }
        quads
    }

    /// Accounts for one outcome; returns the analysis to store, if any, or
    /// the error that stops a `--strict` build.
    pub(crate) fn absorb(
        &mut self,
        entry: &Entry,
        outcome: Outcome,
    ) -> Result<Option<Analysed>, BuildError> {
        match outcome {
            Outcome::Skipped(diagnostic) => {
                if self.options.strict {
                    return Err(BuildError::Strict(format!(
                        "{diagnostic} (--strict stops at the first problem)"
                    )));
                }
                self.summary.articles_skipped += 1;
                self.summary.diagnostics.push(diagnostic);
                Ok(None)
            }
            Outcome::Unchanged(id) => {
                self.summary.articles_unchanged += 1;
                self.seen.insert(id);
                Ok(None)
            }
            Outcome::Analysed(id, analysed) if analysed.failed => {
                self.seen.insert(id);
                self.summary.articles_skipped += 1;
                self.summary.diagnostics.push(Diagnostic {
                    path: entry.path.clone(),
                    line: None,
                    kind: crate::corpus::DiagnosticKind::Skipped,
                    message: "internal error while extracting facts; the article was left out; please report it with the file".to_string(),
                });
                Ok(None)
            }
            Outcome::Analysed(id, analysed) => {
                self.seen.insert(id);
                self.summary.articles_built += 1;
                self.summary.sentences += analysed.sentences;
                self.summary.claims += analysed.claims;
                self.entities.extend(analysed.entities.iter().cloned());
                self.facts.extend(analysed.facts.iter().cloned());
                Ok(Some(*analysed))
            }
        }
    }
}

/// Articles read and analysed at a time (in parallel): the most text held
/// in memory at once.
pub const CHUNK: usize = 512;

/// Builds (or updates) the store at `store` from `options.corpus`.
///
/// One streaming pass: the corpus is listed, then read [`CHUNK`] articles
/// at a time; each chunk is read, hashed and (if new or changed) analysed in
/// parallel, and its quads go to the store before the next chunk is read.
pub fn build(
    options: &BuildOptions,
    ontology: &Ontology,
    store: &StoreDir,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let listing = list_corpus(&options.corpus)?;
    let mut pass = Pass::new(options, listing.diagnostics)?;
    // Take the build lock before looking at what the store has: another
    // build may commit while this one waits for the lock, and the changes
    // must be computed against the very generation this one starts from.
    let writer = store.begin(options.wait, !options.full)?;
    let oxi = writer.store();
    // What the store already has: article id → content hash, and the ontology's hash.
    let previous = if options.full {
        None
    } else {
        Some(manifest(oxi)?)
    };
    let incremental = previous
        .as_ref()
        .is_some_and(|p| p.ontology_hash.as_deref() == Some(ontology.hash.as_str()));
    if !incremental && !oxi.is_empty()? {
        // A new ontology: every article is rebuilt into an empty store.
        oxi.clear()?;
    }
    let old_hashes: HashMap<String, String> = if incremental {
        previous.map(|p| p.articles).unwrap_or_default()
    } else {
        HashMap::new()
    };
    progress(Progress::Start(listing.entries.len() as u64));
    let analyse_chunk = |chunk: &[Entry]| -> Vec<Outcome> {
        let outcomes = chunk
            .par_iter()
            .map(|entry| read_and_analyse(entry, &options.read, &old_hashes, &ontology.gazetteer))
            .collect();
        progress(Progress::Advance(chunk.len() as u64));
        outcomes
    };
    if incremental {
        update_changed(
            oxi,
            &listing.entries,
            &old_hashes,
            &analyse_chunk,
            &mut pass,
        )?;
    } else {
        load_everything(oxi, ontology, &listing.entries, &analyse_chunk, &mut pass)?;
    }
    let mut summary = pass.into_summary();
    // Counting is a scan of the whole store: only after a full build (an
    // incremental one must cost what its changes cost).
    summary.quads = if incremental { None } else { Some(oxi.len()?) };
    writer.commit()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Incremental builds: replaces changed articles one transaction each, then
/// drops removed ones, and recounts the facts they touched.
fn update_changed(
    oxi: &Store,
    entries: &[Entry],
    old_hashes: &HashMap<String, String>,
    analyse_chunk: &dyn Fn(&[Entry]) -> Vec<Outcome>,
    pass: &mut Pass<'_>,
) -> Result<(), BuildError> {
    // The facts whose counts change: those of the old and the new
    // version of every changed or removed article.
    let mut affected: BTreeSet<NamedNode> = BTreeSet::new();
    let mut changed = false;
    for chunk in entries.chunks(CHUNK) {
        for (entry, outcome) in chunk.iter().zip(analyse_chunk(chunk)) {
            if let Some(analysed) = pass.absorb(entry, outcome)? {
                let graph = article_graph(&entry.id);
                affected.extend(facts_in(oxi, &graph)?);
                let mut transaction = oxi.start_transaction()?;
                transaction.remove_named_graph(graph.as_ref())?;
                transaction.extend(analysed.quads.iter());
                for fact in &analysed.stated {
                    transaction.extend(fact.quads.iter());
                }
                transaction.commit()?;
                affected.extend(analysed.stated.into_iter().map(|fact| fact.iri));
                changed = true;
            }
        }
    }
    let mut removed: Vec<&String> = old_hashes
        .keys()
        .filter(|id| !pass.seen.contains(id.as_str()))
        .collect();
    removed.sort();
    for id in &removed {
        let graph = article_graph(id);
        affected.extend(facts_in(oxi, &graph)?);
        oxi.remove_named_graph(graph.as_ref())?;
    }
    pass.summary.articles_removed = removed.len();
    recount_facts(oxi, &affected)?;
    if changed || !removed.is_empty() {
        drop_orphan_entity_graphs(oxi)?;
    }
    Ok(())
}

/// Full builds: the ontology, every article and the facts' counts in one
/// stream into the bulk loader.
fn load_everything(
    oxi: &Store,
    ontology: &Ontology,
    entries: &[Entry],
    analyse_chunk: &dyn Fn(&[Entry]) -> Vec<Outcome>,
    pass: &mut Pass<'_>,
) -> Result<(), BuildError> {
    // Each call to `load_quads` flushes its own sorted files, so the chunks
    // are chained into a single call. Oxigraph's default batch is a million
    // quads per thread (about 1 GB in flight on this corpus); a smaller one
    // bounds peak memory at a small cost in speed (measured in
    // benches/results.md). A `--strict` error ends the stream and is
    // returned before anything is committed.
    let mut loader = oxi
        .bulk_loader()
        .with_max_memory_size_in_megabytes(BULK_LOAD_MEMORY_MB);
    let pass_cell = std::cell::RefCell::new(pass);
    let mut stopped: Option<BuildError> = None;
    let stopped_cell = std::cell::RefCell::new(&mut stopped);
    let stream = ontology
        .quads
        .iter()
        .cloned()
        .chain([ontology_hash_quad(&ontology.hash)])
        .chain(
            entries
                .chunks(CHUNK)
                .map_while(|chunk| {
                    let mut quads = Vec::new();
                    for (entry, outcome) in chunk.iter().zip(analyse_chunk(chunk)) {
                        let mut pass = pass_cell.borrow_mut();
                        match pass.absorb(entry, outcome) {
                            Ok(Some(mut analysed)) => {
                                quads.append(&mut analysed.quads);
                                quads.extend(pass.count_facts(&entry.id, analysed.stated));
                            }
                            Ok(None) => {}
                            Err(err) => {
                                **stopped_cell.borrow_mut() = Some(err);
                                return None;
                            }
                        }
                    }
                    Some(quads)
                })
                .flatten(),
        )
        // Reached once every article is in: the facts' counts.
        .chain(std::iter::once_with(|| pass_cell.borrow().fact_count_quads()).flatten());
    loader.load_quads(stream)?;
    if let Some(err) = stopped {
        return Err(err);
    }
    loader.commit()?;
    Ok(())
}

/// The bulk loader's memory budget (Oxigraph turns it into a batch size of
/// this many thousand quads, split over its threads).
const BULK_LOAD_MEMORY_MB: usize = 400;

/// The facts an article's claims state, as its graph has them.
fn facts_in(oxi: &Store, graph: &NamedNode) -> Result<Vec<NamedNode>, BuildError> {
    let mut facts = Vec::new();
    for quad in oxi.quads_for_pattern(
        None,
        Some(akg::FACT_OF_CLAIM),
        None,
        Some(graph.as_ref().into()),
    ) {
        if let Term::NamedNode(node) = quad?.object {
            facts.push(node);
        }
    }
    Ok(facts)
}

/// Incremental builds: recounts the articles of each fact in `facts` from
/// the claims that state it (one index scan per fact), so that the facts
/// graph says what a full build would; a fact no claim states any more is
/// removed.
fn recount_facts(oxi: &Store, facts: &BTreeSet<NamedNode>) -> Result<(), BuildError> {
    let count_properties = [akg::ARTICLE_COUNT, akg::SOURCE_SAMPLE, akg::SOURCE_IDS];
    let graph = facts_graph();
    for fact in facts {
        let mut articles: BTreeSet<String> = BTreeSet::new();
        for quad in oxi.quads_for_pattern(
            None,
            Some(akg::FACT_OF_CLAIM),
            Some(fact.as_ref().into()),
            None,
        ) {
            if let GraphName::NamedNode(graph) = quad?.graph_name {
                if let Some(article) = article_of_graph(&graph) {
                    articles.insert(article.into_string());
                }
            }
        }
        let old: Vec<Quad> = oxi
            .quads_for_pattern(
                Some(fact.as_ref().into()),
                None,
                None,
                Some(graph.as_ref().into()),
            )
            .collect::<Result<_, _>>()?;
        for quad in old {
            if articles.is_empty() || count_properties.contains(&quad.predicate.as_ref()) {
                oxi.remove(&quad)?;
            }
        }
        if !articles.is_empty() {
            let sample: Vec<NamedNode> = articles
                .iter()
                .take(SOURCE_SAMPLE)
                .cloned()
                .map(NamedNode::new_unchecked)
                .collect();
            oxi.extend(fact_count_quads(fact, articles.len(), &sample))?;
        }
    }
    Ok(())
}

/// Drops the graph of every entity that no article refers to any more
/// (its last article was removed or no longer mentions it), so that an
/// incremental build leaves what a full build would.
fn drop_orphan_entity_graphs(oxi: &Store) -> Result<(), BuildError> {
    let graphs: Vec<NamedNode> = oxi
        .named_graphs()
        .filter_map(|graph| match graph {
            Ok(NamedOrBlankNode::NamedNode(node)) if node.as_str().starts_with(ENTITY_GRAPH) => {
                Some(Ok(node))
            }
            Ok(_) => None,
            Err(err) => Some(Err(err)),
        })
        .collect::<Result<_, _>>()?;
    for graph in graphs {
        let entity =
            NamedNode::new_unchecked(format!("{ENT}{}", &graph.as_str()[ENTITY_GRAPH.len()..]));
        // Entity graphs never name another entity as an object, so any
        // quad with this entity as object is an article's reference to it.
        let referenced = oxi
            .quads_for_pattern(None, None, Some(entity.as_ref().into()), None)
            .next()
            .transpose()?
            .is_some();
        if !referenced {
            oxi.remove_named_graph(graph.as_ref())?;
        }
    }
    Ok(())
}

/// The quad that records the ontology's hash in the ontology graph.
pub(crate) fn ontology_hash_quad(hash: &str) -> Quad {
    Quad::new(
        ONTOLOGY_GRAPH,
        akg::CONTENT_HASH,
        Literal::from(hash),
        ONTOLOGY_GRAPH,
    )
}

struct Manifest {
    ontology_hash: Option<String>,
    articles: HashMap<String, String>,
}

/// The articles and ontology a store holds (nothing for an empty store):
/// two scans of one predicate each, since a SPARQL join over every article
/// costs an index probe per article.
fn manifest(oxi: &Store) -> Result<Manifest, BuildError> {
    let literal = |term: Term| match term {
        Term::Literal(l) => Some(l.value().to_string()),
        _ => None,
    };
    let mut ontology_hash = None;
    let mut hashes: HashMap<NamedOrBlankNode, String> = HashMap::new();
    for quad in oxi.quads_for_pattern(None, Some(akg::CONTENT_HASH), None, None) {
        let quad = quad?;
        if quad.subject == NamedOrBlankNode::from(ONTOLOGY_GRAPH) {
            ontology_hash = literal(quad.object);
        } else if let Some(hash) = literal(quad.object) {
            hashes.insert(quad.subject, hash);
        }
    }
    let mut articles = HashMap::with_capacity(hashes.len());
    for quad in oxi.quads_for_pattern(None, Some(dcterms::IDENTIFIER), None, None) {
        let quad = quad?;
        if let (Some(hash), Some(id)) = (hashes.remove(&quad.subject), literal(quad.object)) {
            articles.insert(id, hash);
        }
    }
    Ok(Manifest {
        ontology_hash,
        articles,
    })
}

#[cfg(test)]
mod tests {
    //! Properties of [`analyse`] on arbitrary text: no panic, spans on
    //! character boundaries that slice to the stored exact text, and
    //! deterministic output.

    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
    use std::sync::LazyLock;

    use oxigraph::model::{Quad, Term};
    use proptest::prelude::*;

    use super::analyse;
    use crate::corpus::{Article, ArticleMeta, Encoding};
    use crate::date::PartialDate;
    use crate::rdf::article_quads;
    use crate::rdf::ontology::{self, Ontology};
    use crate::rdf::vocab::nif;

    static ONTOLOGY: LazyLock<Ontology> = LazyLock::new(|| {
        ontology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology"))
            .unwrap_or_else(|err| panic!("the project ontology loads: {err}"))
    });

    /// The bundled articles' texts.
    static CORPUS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect())
            .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()));
        paths.retain(|p| p.extension().is_some_and(|e| e == "txt"));
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect()
    });

    /// Pieces that wake the rules up (names, cue words, quotes, dates),
    /// punctuation, and odd Unicode.
    const FRAGMENTS: &[&str] = &[
        "Armenia",
        "Russia",
        "the CSTO",
        "Kazakhstan",
        "Azerbaijan",
        "Moscow",
        "Yerevan",
        "Prime Minister Nikol Pashinyan",
        "President Vladimir Putin",
        " said ",
        " invoked ",
        "Article 4",
        " requested assistance from ",
        " deployed troops to ",
        " clashed with ",
        " left the ",
        " is a member of ",
        "joined",
        "killed 100 soldiers",
        "2,500 troops",
        "cancelled the exercise",
        "abstained",
        "in September 2022",
        "last month",
        "on 13 May",
        "“",
        "”",
        "\"",
        "'",
        "’",
        ".",
        ". ",
        "?",
        "!",
        "\n",
        "\n\n",
        " ",
        ",",
        ";",
        "(",
        ")",
        "—",
        "Mr.",
        "U.S.",
        "e\u{301}",
        "\u{5e9}\u{5dc}\u{5d5}\u{5dd}",
        "\u{202e}",
        "👍🏽",
        "🇦🇲",
        "\u{0}",
        "\u{feff}",
        "\r\n",
        "\t",
    ];

    fn text_strategy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => proptest::sample::select(FRAGMENTS).prop_map(str::to_owned),
            1 => any::<String>(),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
    }

    /// A slice of a bundled article, cut at arbitrary character boundaries.
    fn corpus_slice_strategy() -> impl Strategy<Value = String> {
        (0..CORPUS.len(), any::<prop::sample::Index>(), 0..3000usize).prop_map(
            |(article_idx, start, len)| {
                let text = &CORPUS[article_idx];
                let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
                let start = starts
                    .get(start.index(starts.len().max(1)))
                    .copied()
                    .unwrap_or(0);
                let mut end = (start + len).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text[start..end].to_owned()
            },
        )
    }

    fn article(text: String, date: Option<PartialDate>) -> Article {
        Article {
            id: "prop".to_owned(),
            path: PathBuf::from("prop.txt"),
            text,
            meta: ArticleMeta {
                date,
                ..ArticleMeta::default()
            },
            encoding: Encoding::Utf8,
            hash: String::new(),
        }
    }

    /// The sorted quads of one analysis, as N-Quads lines.
    fn nquads(article: &Article) -> Vec<String> {
        let (doc, claims) = analyse(article, &ONTOLOGY.gazetteer);
        let mut lines: Vec<String> = article_quads(article, &doc, &claims)
            .iter()
            .map(Quad::to_string)
            .collect();
        lines.sort();
        lines
    }

    /// A node's `nif:beginIndex`, `nif:endIndex` and `nif:anchorOf`.
    type NifNode = (Option<usize>, Option<usize>, Option<String>);

    /// Checks every span of one analysis against the text and the quads.
    fn check_spans(article: &Article) -> Result<(), TestCaseError> {
        let text = &article.text;
        let (doc, claims) = analyse(article, &ONTOLOGY.gazetteer);
        let on_boundaries = |start: usize, end: usize| {
            start <= end && text.is_char_boundary(start) && text.is_char_boundary(end)
        };
        for sentence in &doc.sentences {
            let span = sentence.span;
            prop_assert!(on_boundaries(span.start, span.end), "sentence {span:?}");
        }
        for claim in &claims {
            prop_assert!(on_boundaries(claim.span.start, claim.span.end), "{claim:?}");
            prop_assert!(
                on_boundaries(claim.evidence.start, claim.evidence.end),
                "{claim:?}"
            );
            prop_assert!(claim.sentence < doc.sentences.len(), "{claim:?}");
        }
        // Every node with NIF offsets: slicing the text at its code-point
        // offsets gives its stored exact text.
        let mut nodes: HashMap<String, NifNode> = HashMap::new();
        for quad in article_quads(article, &doc, &claims) {
            let Term::Literal(literal) = &quad.object else {
                continue;
            };
            let node = nodes.entry(quad.subject.to_string()).or_default();
            let predicate = quad.predicate.as_ref();
            if predicate == nif::BEGIN_INDEX {
                node.0 = literal.value().parse().ok();
            } else if predicate == nif::END_INDEX {
                node.1 = literal.value().parse().ok();
            } else if predicate == nif::ANCHOR_OF {
                node.2 = Some(literal.value().to_owned());
            }
        }
        let chars: Vec<char> = text.chars().collect();
        for (node, (begin, end, anchor)) in nodes {
            let (Some(begin), Some(end), Some(anchor)) = (begin, end, anchor) else {
                prop_assert!(
                    begin.is_none() && end.is_none(),
                    "{node} has offsets but lacks begin, end or anchor"
                );
                continue;
            };
            prop_assert!(begin <= end && end <= chars.len(), "{node}: {begin}..{end}");
            let sliced: String = chars[begin..end].iter().collect();
            prop_assert_eq!(sliced, anchor, "{}", node);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn spans_slice_to_the_exact_text(text in text_strategy()) {
            check_spans(&article(text, None))?;
        }

        #[test]
        fn spans_hold_on_slices_of_real_articles(text in corpus_slice_strategy()) {
            let date = PartialDate::new(2022, Some(9), Some(13)).ok();
            check_spans(&article(text, date))?;
        }

        #[test]
        fn analysis_is_deterministic(text in text_strategy()) {
            let article = article(text, None);
            prop_assert_eq!(nquads(&article), nquads(&article));
        }
    }
}
