//! alliance-kg: turns news articles about a military alliance into an RDF
//! knowledge graph in which every fact points back to the characters of the
//! article that state it.
//!
//! Code map, in pipeline order:
//!
//! - [`date`]: partial calendar dates, shared by every layer below.
//! - [`corpus`]: reads a folder of articles and their metadata.
//! - [`segment`]: splits an article into sentences (byte spans).
//! - [`mention`]: finds entity mentions (gazetteer, person names, coreference).
//! - [`extract`]: rules that turn mentions and trigger words into [`claim::Claim`]s.
//! - [`rdf`]: the vocabulary, the ontology loader, and claims → quads.
//! - [`store`]: the store's directory of generations; it opens the Oxigraph
//!   store for a build (read-write) or for reading (read-only).
//! - [`build`]: the pipeline that runs all of the above over a corpus, in
//!   parallel, into a new store generation (full or incremental).
//! - [`shard`]: the same analysis for one shard of a corpus into gzipped
//!   N-Quads and a manifest, and the reduce that makes the facts graph from
//!   the manifests; [`sorted_lines`] sorts a shard's lines with bounded
//!   memory (runs on disk, merged).
//! - [`push`]: `akg push`, shard files and the facts graph into a SPARQL
//!   server through its Graph Store Protocol endpoint, graph by graph.
//! - [`http_client`]: what `akg push` and `--endpoint` share as HTTP
//!   clients: credentials from the environment, the agent, the server's
//!   message.
//! - [`read`]: the read layer, the one way the graph is read
//!   ([`read::Source`], implemented by the local store and by a remote
//!   SPARQL 1.1 Protocol endpoint, `--endpoint`).
//! - [`query`] (`akg query`), [`claims`] (`akg facts`: one row per claim),
//!   [`dump`]: reading the graph back.
//! - [`eval`]: scores the store's claims against a gold file, as the gold
//!   scorer `evalfacts.py` does (pure: rows in, numbers out).
//! - [`graph`], [`dot`], [`analysis`], [`trace`], [`conflicts`]: the
//!   alliance network (petgraph) and what is built on it: diagrams, network
//!   analysis, tracing facts to their sentences, disagreeing sources;
//!   [`svg`] draws the diagram when Graphviz is missing.
//! - [`serve`]: `akg serve`, the SPARQL 1.1 Protocol endpoint and the page.
//! - [`memory`]: the memory budget of the commands that read the store.
//! - [`terminal`]: control characters escaped on their way to a terminal.
//!
//! Feature `store` (default) builds all of it; without it only the pure
//! pipeline (`corpus` to `rdf`) is compiled, for the fuzz targets.
//!
//! Architecture invariants:
//!
//! - `segment`, `mention` and `extract` are pure: `&str` in, values out; no
//!   IO and no oxigraph. The graph is written only by `build` (through
//!   `store` and `rdf`) and read only through [`read::Source`]; the other
//!   modules use oxigraph's term types (`oxigraph::model`) as values.
//! - Every claim carries a span; `&article.text[span]` is its exact text.
//! - Output is deterministic: articles, claims and quads are sorted.
//! - Library code never prints; it writes to a given `io::Write`.
//! - SPARQL text is measured (nesting, tokens) before any parser sees it,
//!   and user queries run on a thread with a large stack ([`read`]).
#![warn(missing_docs)]

#[cfg(feature = "store")]
pub mod analysis;
#[cfg(feature = "store")]
pub mod build;
pub mod claim;
#[cfg(feature = "store")]
pub mod claims;
#[cfg(feature = "store")]
pub mod conflicts;
pub mod corpus;
pub mod date;
#[cfg(feature = "store")]
pub mod dot;
#[cfg(feature = "store")]
pub mod dump;
pub mod eval;
pub mod extract;
#[cfg(all(test, feature = "store"))]
mod fixtures;
#[cfg(feature = "store")]
pub mod graph;
#[cfg(feature = "store")]
pub mod http_client;
pub mod memory;
pub mod mention;
#[cfg(feature = "store")]
pub mod push;
#[cfg(feature = "store")]
pub mod query;
pub mod rdf;
#[cfg(feature = "store")]
pub mod read;
pub mod segment;
#[cfg(feature = "store")]
pub mod serve;
#[cfg(feature = "store")]
pub mod shard;
pub mod sorted_lines;
pub mod span;
#[cfg(feature = "store")]
pub mod store;
#[cfg(feature = "store")]
pub mod svg;
pub mod terminal;
#[cfg(feature = "store")]
pub mod trace;

/// The texts of the bundled articles (`corpus/` and the unseen-style
/// fixtures), for tests that check a fast path against its reference on real
/// news text. Panics if any is missing, so that such a test cannot pass on
/// nothing.
#[cfg(test)]
pub(crate) fn bundled_texts() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for dir in ["corpus", "tests/fixtures/unseen"] {
        let entries = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|err| panic!("{dir}: {err}"))
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "txt"));
        for path in entries {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            texts.push((path, text));
        }
    }
    assert!(texts.len() >= 10, "bundled articles: {}", texts.len());
    texts.sort();
    texts
}
