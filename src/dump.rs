//! Dumps the store as RDF: sorted N-Quads (so two builds can be compared
//! with `diff`), TriG, or Turtle of the union of all graphs.

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::Quad;
use oxigraph::store::Store;

/// Dump formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpFormat {
    /// N-Quads, one line per quad, sorted.
    NQuads,
    /// TriG, grouped by graph.
    TriG,
    /// Turtle of the union of the graphs (graph names dropped).
    Turtle,
}

/// Why a dump failed.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// Reading the store failed.
    #[error("store error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Writes every quad of the store to `out`.
pub fn dump(store: &Store, format: DumpFormat, out: &mut dyn Write) -> Result<(), DumpError> {
    match format {
        DumpFormat::NQuads => {
            let mut lines: Vec<String> = Vec::new();
            for quad in store.iter() {
                lines.push(quad?.to_string());
            }
            lines.sort_unstable();
            for line in lines {
                writeln!(out, "{line} .")?;
            }
        }
        DumpFormat::TriG => {
            let mut quads: Vec<Quad> = store.iter().collect::<Result<_, _>>()?;
            quads.sort_by_cached_key(|q| {
                (
                    q.graph_name.to_string(),
                    q.subject.to_string(),
                    q.predicate.to_string(),
                    q.object.to_string(),
                )
            });
            let mut serializer = RdfSerializer::from_format(RdfFormat::TriG).for_writer(&mut *out);
            for quad in &quads {
                serializer.serialize_quad(quad)?;
            }
            serializer.finish()?;
        }
        DumpFormat::Turtle => {
            let mut triples: Vec<oxigraph::model::Triple> = store
                .iter()
                .map(|q| q.map(|q| q.into()))
                .collect::<Result<_, _>>()?;
            triples.sort_by_cached_key(|t| t.to_string());
            triples.dedup();
            let mut serializer =
                RdfSerializer::from_format(RdfFormat::Turtle).for_writer(&mut *out);
            for triple in &triples {
                serializer.serialize_triple(triple)?;
            }
            serializer.finish()?;
        }
    }
    Ok(())
}
