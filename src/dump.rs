//! Dumps the graph as RDF: sorted N-Quads (so two builds can be compared
//! with `diff`), TriG, or Turtle of the union of all graphs. It reads every
//! quad through [`Source::quads`].

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Quad, Triple};

use crate::read::{QueryError, Source};

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
    /// Reading the graph failed.
    #[error(transparent)]
    Read(#[from] QueryError),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Writes every quad of the graph to `out`.
pub fn dump(source: &dyn Source, format: DumpFormat, out: &mut dyn Write) -> Result<(), DumpError> {
    match format {
        DumpFormat::NQuads => {
            let mut lines: Vec<String> = Vec::new();
            for quad in source.quads() {
                lines.push(quad?.to_string());
            }
            lines.sort_unstable();
            for line in lines {
                writeln!(out, "{line} .")?;
            }
        }
        DumpFormat::TriG => {
            let mut quads: Vec<Quad> = source.quads().collect::<Result<_, _>>()?;
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
            let mut triples: Vec<Triple> = source
                .quads()
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
