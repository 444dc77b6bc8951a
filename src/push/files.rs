//! The files of a push ([`super::push`]): checked before anything is sent
//! (a shard file against its manifest, any other file by parsing it), read
//! as plain or gzipped N-Quads, their quads grouped by graph in memory or,
//! for a large file, first split by graph into temporary files; and a
//! graph's N-Triples cut into pieces of at most a request's size.

use std::collections::BTreeMap;
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::bufread::MultiGzDecoder;
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Term, Triple};

use super::PushError;
use crate::shard;

/// Checks a file before anything is sent. A shard file whose manifest is
/// beside it is checked against the manifest (checksum, then lines): what
/// `akg build --shard` wrote is N-Quads in named graphs. Any other file is
/// parsed.
pub(super) fn check_file(path: &Path) -> Result<FileSize, PushError> {
    let manifest_path = shard::manifest_path(path);
    if !manifest_path.is_file() {
        return read_quads(path, |_, _| Ok(()));
    }
    let manifest = shard::read_manifest(&manifest_path)?;
    let io_error = |source| PushError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mismatch = |why: String| PushError::Manifest {
        path: path.to_path_buf(),
        manifest: manifest_path.clone(),
        why,
    };
    let checksum = shard::file_blake3(path).map_err(io_error)?;
    if checksum != manifest.blake3 {
        return Err(mismatch(format!(
            "its BLAKE3 checksum is {checksum}, the manifest says {}",
            manifest.blake3
        )));
    }
    let mut size = FileSize::default();
    let mut reader = open(path).map_err(io_error)?;
    loop {
        let buffer = reader.fill_buf().map_err(io_error)?;
        if buffer.is_empty() {
            break;
        }
        size.quads += memchr::memchr_iter(b'\n', buffer).count() as u64;
        size.bytes += buffer.len() as u64;
        let consumed = buffer.len();
        reader.consume(consumed);
    }
    if size.quads != manifest.quads as u64 {
        return Err(mismatch(format!(
            "it has {} lines, the manifest says {} quads",
            size.quads, manifest.quads
        )));
    }
    Ok(size)
}

/// Opens a file of N-Quads, gunzipping it if it starts with gzip's magic
/// bytes.
fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    if reader.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(reader),
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// How much a file of N-Quads holds.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct FileSize {
    pub(super) quads: u64,
    /// Bytes of N-Quads, uncompressed.
    pub(super) bytes: u64,
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Parses a file of N-Quads and gives each quad's triple and graph to
/// `each`. A quad outside a graph named by an IRI is an error.
fn read_quads(
    path: &Path,
    mut each: impl FnMut(Triple, NamedNode) -> Result<(), PushError>,
) -> Result<FileSize, PushError> {
    let io_error = |source| PushError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = Counted {
        inner: open(path).map_err(io_error)?,
        bytes: 0,
    };
    let mut quads = 0;
    for quad in RdfParser::from_format(RdfFormat::NQuads).for_reader(&mut reader) {
        let quad = quad.map_err(|err| match err {
            RdfParseError::Io(source) => io_error(source),
            RdfParseError::Syntax(err) => PushError::Syntax {
                path: path.to_path_buf(),
                message: err.to_string(),
            },
        })?;
        let unnamed = |what| PushError::Unnamed {
            path: path.to_path_buf(),
            line: line_of_quad(path, quads),
            what,
        };
        let graph = match quad.graph_name {
            GraphName::NamedNode(graph) => graph,
            GraphName::DefaultGraph => return Err(unnamed("the default graph")),
            GraphName::BlankNode(_) => return Err(unnamed("a graph named by a blank node")),
        };
        quads += 1;
        each(
            Triple::new(quad.subject, quad.predicate, quad.object),
            graph,
        )?;
    }
    Ok(FileSize {
        quads,
        bytes: reader.bytes,
    })
}

/// The line (from 1) of the quad at `index` (from 0) of a file read
/// without error up to it, found by parsing it again line by line; 0 if
/// not found.
fn line_of_quad(path: &Path, index: u64) -> u64 {
    let Ok(reader) = open(path) else {
        return 0;
    };
    let parser = RdfParser::from_format(RdfFormat::NQuads);
    let mut seen = 0;
    for (number, line) in (1..).zip(reader.split(b'\n')) {
        let Ok(line) = line else {
            return 0;
        };
        seen += parser.clone().for_slice(&line).count() as u64;
        if seen > index {
            return number;
        }
    }
    0
}

/// One graph's triples, as N-Triples.
#[derive(Default)]
pub(super) struct GraphPart {
    pub(super) body: Vec<u8>,
    quads: u64,
    pub(super) blank_nodes: bool,
}

/// Quads grouped by graph, in memory.
#[derive(Default)]
pub(super) struct Group {
    pub(super) parts: BTreeMap<NamedNode, GraphPart>,
}

impl Group {
    /// Groups the quads of a file.
    pub(super) fn read(path: &Path) -> Result<Group, PushError> {
        let mut group = Group::default();
        read_quads(path, |triple, graph| {
            group.add(&triple, graph);
            Ok(())
        })?;
        Ok(group)
    }

    fn add(&mut self, triple: &Triple, graph: NamedNode) {
        let part = self.parts.entry(graph).or_default();
        // Writing to a Vec cannot fail.
        let _ = writeln!(part.body, "{triple} .");
        part.quads += 1;
        part.blank_nodes |= matches!(triple.subject, NamedOrBlankNode::BlankNode(_))
            || matches!(triple.object, Term::BlankNode(_));
    }
}

/// Splits made by this process so far, to name their temporary files apart.
static SPLITS: AtomicUsize = AtomicUsize::new(0);

/// A file's quads split by graph into temporary files: every graph's
/// quads in one of them. Dropped, the files are removed.
pub(super) struct Partitions {
    pub(super) paths: Vec<PathBuf>,
}

impl Partitions {
    /// Splits the quads of `path` into `count` temporary files, by a hash
    /// of their graph.
    pub(super) fn split(path: &Path, count: usize) -> Result<Partitions, PushError> {
        let mut partitions = Partitions { paths: Vec::new() };
        let mut writers = Vec::with_capacity(count);
        let split = SPLITS.fetch_add(1, Ordering::Relaxed);
        for index in 0..count {
            let temporary = std::env::temp_dir().join(format!(
                "akg-push-{}-{}-{index}.nq",
                std::process::id(),
                split
            ));
            let file = File::create(&temporary).map_err(|source| PushError::Io {
                path: temporary.clone(),
                source,
            })?;
            partitions.paths.push(temporary);
            writers.push(BufWriter::new(file));
        }
        read_quads(path, |triple, graph| {
            let mut hasher = DefaultHasher::new();
            graph.as_str().hash(&mut hasher);
            let index = (hasher.finish() % count as u64) as usize;
            writeln!(writers[index], "{triple} {graph} .")
                .map_err(|source| partitions.io_error(index, source))
        })?;
        for (index, writer) in writers.into_iter().enumerate() {
            writer
                .into_inner()
                .map_err(|err| partitions.io_error(index, err.into_error()))?;
        }
        Ok(partitions)
    }

    fn io_error(&self, index: usize, source: io::Error) -> PushError {
        PushError::Io {
            path: self.paths[index].clone(),
            source,
        }
    }
}

impl Drop for Partitions {
    fn drop(&mut self) {
        for path in &self.paths {
            // Best effort: a file left in the temporary folder harms nothing.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// `body` cut at line ends into pieces of at most `limit` bytes (or one
/// line, if a line is longer).
pub(super) fn pieces(body: &[u8], limit: usize) -> impl Iterator<Item = &[u8]> {
    let mut rest = body;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = if rest.len() <= limit {
            rest.len()
        } else {
            match memchr::memrchr(b'\n', &rest[..limit]) {
                Some(newline) => newline + 1,
                None => memchr::memchr(b'\n', rest).map_or(rest.len(), |newline| newline + 1),
            }
        };
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn pieces_end_at_line_ends() {
        let cut = |body: &str, limit| -> Vec<String> {
            pieces(body.as_bytes(), limit)
                .map(|p| String::from_utf8(p.to_vec()).unwrap())
                .collect()
        };
        assert_eq!(cut("a\nbb\nccc\n", 100), ["a\nbb\nccc\n"]);
        assert_eq!(cut("a\nbb\nccc\n", 5), ["a\nbb\n", "ccc\n"]);
        // A line longer than the limit goes alone.
        assert_eq!(cut("a\nbbbbbb\nc\n", 3), ["a\n", "bbbbbb\n", "c\n"]);
        assert!(cut("", 3).is_empty());
    }
}
