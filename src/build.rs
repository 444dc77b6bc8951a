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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::store::Store;
use rayon::prelude::*;
use serde::Serialize;

use crate::claim::{Claim, Relation};
use crate::corpus::{read_corpus, Article, Diagnostic, ReadOptions};
use crate::extract::{extract, Doc};
use crate::mention::Gazetteer;
use crate::rdf::ontology::Ontology;
use crate::rdf::vocab::{AKG, DCTERMS, ONTOLOGY_GRAPH};
use crate::rdf::{article_graph, article_quads};
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
    /// Reading the previous build's manifest failed.
    #[error("cannot read the previous build: {0}")]
    Query(#[from] crate::query::QueryError),
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
    /// Quads in the store after the build.
    pub quads: usize,
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

struct Analysed {
    quads: Vec<Quad>,
    sentences: usize,
    claims: usize,
    entities: BTreeSet<String>,
    facts: BTreeSet<(Relation, String, String)>,
    failed: bool,
}

fn analyse_to_quads(article: &Article, gazetteer: &Gazetteer) -> Analysed {
    // A bug in a rule must cost one article, not the build: a panic becomes
    // an article with no claims (reported by the caller).
    let analysed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyse_inner(article, gazetteer)
    }));
    analysed.unwrap_or_else(|_| Analysed {
        quads: Vec::new(),
        sentences: 0,
        claims: 0,
        entities: BTreeSet::new(),
        facts: BTreeSet::new(),
        failed: true,
    })
}

fn analyse_inner(article: &Article, gazetteer: &Gazetteer) -> Analysed {
    let (doc, claims) = analyse(article, gazetteer);
    let quads = article_quads(article, &doc, &claims);
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

/// Builds (or updates) the store at `store` from `options.corpus`.
pub fn build(
    options: &BuildOptions,
    ontology: &Ontology,
    store: &StoreDir,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let corpus = read_corpus(&options.corpus, &options.read)?;
    let mut summary = BuildSummary {
        diagnostics: corpus.diagnostics.clone(),
        articles_skipped: corpus
            .diagnostics
            .iter()
            .filter(|d| d.kind == crate::corpus::DiagnosticKind::Skipped)
            .count(),
        ..BuildSummary::default()
    };
    if options.strict {
        if let Some(first) = corpus.diagnostics.first() {
            return Err(BuildError::Strict(format!(
                "{first} (--strict stops at the first problem)"
            )));
        }
    }
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
    let todo: Vec<&Article> = corpus
        .articles
        .iter()
        .filter(|a| old_hashes.get(&a.id) != Some(&a.hash))
        .collect();
    let current_ids: BTreeSet<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
    let removed: Vec<&String> = old_hashes
        .keys()
        .filter(|id| !current_ids.contains(id.as_str()))
        .collect();
    summary.articles_unchanged = corpus.articles.len() - todo.len();
    summary.articles_removed = removed.len();
    progress(Progress::Start(todo.len() as u64));
    let mut entities: BTreeSet<String> = BTreeSet::new();
    let mut facts: BTreeSet<(Relation, String, String)> = BTreeSet::new();
    let mut absorb = |article: &Article, analysed: &Analysed, summary: &mut BuildSummary| {
        if analysed.failed {
            summary.articles_skipped += 1;
            summary.diagnostics.push(Diagnostic {
                path: article.path.clone(),
                line: None,
                kind: crate::corpus::DiagnosticKind::Skipped,
                message: "internal error while extracting facts; the article was left out; please report it with the file".to_string(),
            });
            return;
        }
        summary.articles_built += 1;
        summary.sentences += analysed.sentences;
        summary.claims += analysed.claims;
        entities.extend(analysed.entities.iter().cloned());
        facts.extend(analysed.facts.iter().cloned());
    };
    const CHUNK: usize = 512;
    if incremental {
        // Replace changed articles one transaction each, drop removed ones.
        for id in &removed {
            oxi.remove_named_graph(article_graph(id).as_ref())?;
        }
        for chunk in todo.chunks(CHUNK) {
            let analysed: Vec<Analysed> = chunk
                .par_iter()
                .map(|a| analyse_to_quads(a, &ontology.gazetteer))
                .collect();
            for (article, result) in chunk.iter().zip(&analysed) {
                let graph = article_graph(&article.id);
                let mut transaction = oxi.start_transaction()?;
                transaction.remove_named_graph(graph.as_ref())?;
                transaction.extend(result.quads.iter());
                transaction.commit()?;
                absorb(article, result, &mut summary);
            }
            progress(Progress::Advance(chunk.len() as u64));
        }
        if !removed.is_empty() || !todo.is_empty() {
            drop_orphan_entity_graphs(oxi)?;
        }
    } else {
        // One stream into the bulk loader: each call to `load_quads` flushes
        // its own sorted files, so the chunks are chained into a single call.
        // Oxigraph's default batch is a million quads per thread (about 1 GB
        // in flight on this corpus); a smaller one bounds peak memory at a
        // small cost in speed (measured in benches/results.md).
        let mut loader = oxi
            .bulk_loader()
            .with_max_memory_size_in_megabytes(BULK_LOAD_MEMORY_MB);
        let summary_cell = std::cell::RefCell::new(&mut summary);
        let absorb_cell = std::cell::RefCell::new(&mut absorb);
        let stream = ontology
            .quads
            .iter()
            .cloned()
            .chain([ontology_hash_quad(&ontology.hash)])
            .chain(todo.chunks(CHUNK).flat_map(|chunk| {
                let analysed: Vec<Analysed> = chunk
                    .par_iter()
                    .map(|a| analyse_to_quads(a, &ontology.gazetteer))
                    .collect();
                let mut quads = Vec::new();
                for (article, mut result) in chunk.iter().zip(analysed) {
                    (absorb_cell.borrow_mut())(article, &result, &mut summary_cell.borrow_mut());
                    quads.append(&mut result.quads);
                }
                progress(Progress::Advance(chunk.len() as u64));
                quads
            }));
        loader.load_quads(stream)?;
        loader.commit()?;
    }
    summary.entities = entities.len();
    for (relation, _, _) in &facts {
        *summary
            .facts
            .entry(relation.name().to_string())
            .or_default() += 1;
    }
    summary.quads = oxi.len()?;
    writer.commit()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The bulk loader's memory budget (Oxigraph turns it into a batch size of
/// this many thousand quads, split over its threads).
const BULK_LOAD_MEMORY_MB: usize = 400;

/// Drops the graph of every entity that no article refers to any more
/// (its last article was removed or no longer mentions it), so that an
/// incremental build leaves what a full build would.
fn drop_orphan_entity_graphs(oxi: &Store) -> Result<(), BuildError> {
    let graphs: Vec<NamedNode> = oxi
        .named_graphs()
        .filter_map(|graph| match graph {
            Ok(NamedOrBlankNode::NamedNode(node))
                if node.as_str().starts_with(crate::rdf::vocab::ENTITY_GRAPH) =>
            {
                Some(Ok(node))
            }
            Ok(_) => None,
            Err(err) => Some(Err(err)),
        })
        .collect::<Result<_, _>>()?;
    for graph in graphs {
        let entity = NamedNode::new_unchecked(format!(
            "{}{}",
            crate::rdf::vocab::ENT,
            &graph.as_str()[crate::rdf::vocab::ENTITY_GRAPH.len()..]
        ));
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

fn ontology_hash_quad(hash: &str) -> Quad {
    let graph = NamedNode::new_unchecked(ONTOLOGY_GRAPH);
    Quad::new(
        graph.clone(),
        NamedNode::new_unchecked(format!("{AKG}contentHash")),
        Literal::from(hash),
        GraphName::NamedNode(graph),
    )
}

struct Manifest {
    ontology_hash: Option<String>,
    articles: HashMap<String, String>,
}

/// The articles and ontology a store holds (nothing for an empty store).
fn manifest(oxi: &Store) -> Result<Manifest, BuildError> {
    let query = format!(
        "SELECT ?id ?hash WHERE {{ GRAPH ?g {{ ?a <{DCTERMS}identifier> ?id ; <{AKG}contentHash> ?hash }} }}"
    );
    let (_, rows) = crate::query::select(oxi, &query, &[])?;
    let mut articles = HashMap::new();
    for row in rows {
        if let (Some(Term::Literal(id)), Some(Term::Literal(hash))) = (
            row.first().cloned().flatten(),
            row.get(1).cloned().flatten(),
        ) {
            articles.insert(id.value().to_string(), hash.value().to_string());
        }
    }
    let query = format!("SELECT ?hash WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> <{AKG}contentHash> ?hash }} }}");
    let (_, rows) = crate::query::select(oxi, &query, &[])?;
    let ontology_hash = rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|t| {
            if let Term::Literal(l) = t {
                Some(l.value().to_string())
            } else {
                None
            }
        });
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
    use crate::corpus::{Article, ArticleMeta, Encoding, PartialDate};
    use crate::rdf::article_quads;
    use crate::rdf::ontology::{self, Ontology};
    use crate::rdf::vocab::NIF;

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
            match quad.predicate.as_str().strip_prefix(NIF) {
                Some("beginIndex") => node.0 = literal.value().parse().ok(),
                Some("endIndex") => node.1 = literal.value().parse().ok(),
                Some("anchorOf") => node.2 = Some(literal.value().to_owned()),
                _ => {}
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
