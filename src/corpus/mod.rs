//! Reads a corpus folder: the `*.txt` articles directly in it, sorted by id,
//! and the optional `metadata.toml` beside them.
//!
//! This module lists the folder ([`list_corpus`]), reads each article
//! ([`Entry::read`]: size limit, decoding, hash) and gathers the problems.
//! `decode.rs` turns an article's bytes into text ([`decode()`]) and
//! `metadata.rs` reads `metadata.toml` ([`read_metadata`]).
//!
//! Reading is forgiving. One bad file or one bad metadata entry never stops
//! the others: it becomes a [`Diagnostic`] that names the file (and the line,
//! for metadata) and says what to do. Only a corpus folder that cannot be read
//! at all is an error ([`CorpusError`]).
//!
//! The corpus reader must not print anything (it returns diagnostics for the
//! binary to print), must not segment, extract or touch the RDF store, and
//! must not panic on any input. [`decode()`] is pure: bytes in, text out.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

mod decode;
mod metadata;
#[cfg(test)]
mod test_support;

pub use decode::{decode, DecodeError, Encoding};
pub use metadata::{read_metadata, ArticleMeta, METADATA_FILE_NAME, METADATA_KEYS};

/// Default for [`ReadOptions::max_article_bytes`]: 16 MiB.
pub const DEFAULT_MAX_ARTICLE_BYTES: u64 = 16 * MIB;

/// Metadata entries without an article are reported one by one up to this
/// many, then in one line: 100,000 of them are another corpus's metadata.
const MAX_ORPHAN_DIAGNOSTICS: usize = 20;

const MIB: u64 = 1024 * 1024;

/// One article read from the corpus folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// The file stem, e.g. `000_5a98e20ee2fbc50d`; unique within a corpus.
    pub id: String,
    /// The file the article was read from.
    pub path: PathBuf,
    /// The decoded text: byte-for-byte the file for UTF-8 input, with a
    /// leading UTF-8 byte order mark removed.
    pub text: String,
    /// Metadata from `metadata.toml`, or the default when there is none.
    pub meta: ArticleMeta,
    /// How the file's bytes were decoded into `text`.
    pub encoding: Encoding,
    /// Lowercase hex BLAKE3 of the raw file bytes and the canonical form of
    /// `meta` (see [`ArticleMeta::canonical_bytes`]), so that a change to either
    /// changes it.
    pub hash: String,
}

/// A problem with one file or one metadata entry, reported instead of failing
/// the whole read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The article or metadata file concerned.
    pub path: PathBuf,
    /// The 1-based line in `path`, for metadata problems.
    pub line: Option<usize>,
    /// What happened to the article.
    pub kind: DiagnosticKind,
    /// One lowercase line: the problem and what to do about it.
    pub message: String,
}

impl Diagnostic {
    fn new(path: &Path, line: Option<usize>, kind: DiagnosticKind, message: String) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            kind,
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line: message`, or `path: message` without a line; control
    /// characters of a file name (or of an id in the message) are shown
    /// escaped, since the line goes to a terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = match self.line {
            Some(line) => format!(":{line}"),
            None => String::new(),
        };
        let text = format!("{}{line}: {}", self.path.display(), self.message);
        f.write_str(&crate::terminal::escape_controls(&text))
    }
}

/// What a [`Diagnostic`] cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticKind {
    /// The article was not built.
    Skipped,
    /// The article is built without (part of) its metadata, or a metadata
    /// entry was not used.
    MetadataIgnored,
}

/// The articles of a corpus folder and the problems met reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corpus {
    /// The articles that were read, sorted by id.
    pub articles: Vec<Article>,
    /// Skipped files and ignored metadata, sorted by path and line.
    pub diagnostics: Vec<Diagnostic>,
}

/// Options for [`read_corpus`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Larger articles are skipped without being read. Default 16 MiB.
    pub max_article_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES,
        }
    }
}

/// The corpus folder itself could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The folder is missing or unreadable.
    #[error("cannot read corpus folder {}; check that it exists and is readable", path.display())]
    Read {
        /// The corpus folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The path is not a folder.
    #[error("corpus path {} is not a folder; pass the folder that holds the .txt articles", path.display())]
    NotADirectory {
        /// The path given as the corpus folder.
        path: PathBuf,
    },
}

/// Reads the articles of `dir`: the `*.txt` files directly in it (the
/// extension in any case; hidden files, subfolders and other files are
/// ignored), sorted by id, with their metadata from `dir/metadata.toml` when
/// that file exists.
///
/// Returns `Err` only when `dir` itself cannot be read. Every problem with a
/// single file or metadata entry becomes a [`Diagnostic`] and the rest is
/// read: skipped articles (empty, binary, undecodable, larger than
/// `options.max_article_bytes`, unreadable, or with an id that differs from an
/// earlier one only in case) and ignored metadata (invalid entries, entries
/// for ids with no `.txt` file).
pub fn read_corpus(dir: &Path, options: &ReadOptions) -> Result<Corpus, CorpusError> {
    let listing = list_corpus(dir)?;
    let mut articles = Vec::with_capacity(listing.entries.len());
    let mut diagnostics = listing.diagnostics;
    for entry in &listing.entries {
        match entry.read(options) {
            Ok(article) => articles.push(article),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(Corpus {
        articles,
        diagnostics,
    })
}

/// A corpus folder listed but not read: its article files, in id order,
/// with their metadata. `akg build` reads the articles a chunk at a time
/// ([`Entry::read`]), so that it never holds the whole corpus in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// The article files, sorted by id.
    pub entries: Vec<Entry>,
    /// Problems found without reading the articles (file names, ids that
    /// differ only in case, metadata), sorted by path and line.
    pub diagnostics: Vec<Diagnostic>,
}

/// One article file of a [`Listing`], not yet read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The article id (the file stem).
    pub id: String,
    /// The file.
    pub path: PathBuf,
    /// Its metadata, or the default.
    pub meta: ArticleMeta,
}

impl Entry {
    /// Reads, checks and decodes the article; `Err` is the diagnostic that
    /// says why it is skipped.
    pub fn read(&self, options: &ReadOptions) -> Result<Article, Diagnostic> {
        read_article(&self.id, &self.path, self.meta.clone(), options)
            .map_err(|message| Diagnostic::new(&self.path, None, DiagnosticKind::Skipped, message))
    }
}

/// Lists the articles of `dir` (see [`read_corpus`] for which files count)
/// and reads its metadata, without reading the articles themselves.
pub fn list_corpus(dir: &Path) -> Result<Listing, CorpusError> {
    let read_error = |source| CorpusError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let dir_meta = fs::metadata(dir).map_err(read_error)?;
    if !dir_meta.is_dir() {
        return Err(CorpusError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let mut diagnostics = Vec::new();
    let candidates = article_files(dir, &mut diagnostics)?;

    let metadata_path = dir.join(METADATA_FILE_NAME);
    let (mut metadata, metadata_diagnostics) = metadata::read_metadata_with_lines(&metadata_path);
    diagnostics.extend(metadata_diagnostics);

    let all_ids: BTreeSet<&str> = candidates.iter().map(|(id, _)| id.as_str()).collect();
    diagnostics.extend(orphan_diagnostics(&metadata, &all_ids, &metadata_path));

    let mut entries = Vec::with_capacity(candidates.len());
    let mut first_by_folded_id: HashMap<String, (&str, &Path)> = HashMap::new();
    for (id, path) in &candidates {
        if let Some(&(first_id, first)) = first_by_folded_id.get(&id.to_lowercase()) {
            let first_name = first.file_name().unwrap_or_default().to_string_lossy();
            let clash = if first_id == id {
                // a.txt beside a.TXT: the extension's case is not part of the id.
                format!("its id {id:?} is also the id of {first_name}")
            } else {
                format!("its id {id:?} differs only in case from that of {first_name}")
            };
            diagnostics.push(Diagnostic::new(
                path,
                None,
                DiagnosticKind::Skipped,
                format!(
                    "{clash}, which was read instead; rename one of them so ids differ by more than case"
                ),
            ));
            continue;
        }
        first_by_folded_id.insert(id.to_lowercase(), (id, path));
        let meta = metadata
            .remove(id)
            .map(|(meta, _)| meta)
            .unwrap_or_default();
        entries.push(Entry {
            id: id.clone(),
            path: path.clone(),
            meta,
        });
    }
    diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(Listing {
        entries,
        diagnostics,
    })
}

/// The `.txt` files of `dir` (hidden files and folders left out), with
/// their ids, sorted; a file name that is not UTF-8 is a diagnostic.
fn article_files(
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<(String, PathBuf)>, CorpusError> {
    let read_error = |source| CorpusError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut candidates: Vec<(String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let path = entry.path();
        let file_name = entry.file_name();
        if file_name.as_encoded_bytes().starts_with(b".") || !has_txt_extension(&path) {
            continue;
        }
        // Follows symbolic links; a broken one is reported when it is read.
        if fs::metadata(&path).is_ok_and(|meta| !meta.is_file()) {
            continue;
        }
        match path.file_stem().and_then(|stem| stem.to_str()) {
            Some(id) => candidates.push((id.to_owned(), path)),
            None => diagnostics.push(Diagnostic::new(
                &path,
                None,
                DiagnosticKind::Skipped,
                "the file name is not valid UTF-8, so it cannot be an article id; \
                 rename it and build again"
                    .to_owned(),
            )),
        }
    }
    candidates.sort();
    Ok(candidates)
}

/// One diagnostic per metadata entry whose article `all_ids` lacks (a case
/// slip named), the first [`MAX_ORPHAN_DIAGNOSTICS`], then one for the rest.
fn orphan_diagnostics(
    metadata: &metadata::MetadataWithLines,
    all_ids: &BTreeSet<&str>,
    metadata_path: &Path,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let orphans: Vec<(&String, usize)> = metadata
        .iter()
        .filter(|(id, _)| !all_ids.contains(id.as_str()))
        .map(|(id, (_, line))| (id, *line))
        .collect();
    for &(id, line) in orphans.iter().take(MAX_ORPHAN_DIAGNOSTICS) {
        let hint = match all_ids
            .iter()
            .find(|other| other.to_lowercase() == id.to_lowercase())
        {
            Some(other) => format!(" (ids are case-sensitive: did you mean {other:?}?)"),
            None => String::new(),
        };
        diagnostics.push(Diagnostic::new(
            metadata_path,
            Some(line),
            DiagnosticKind::MetadataIgnored,
            format!(
                "metadata for {id:?} but there is no {id}.txt{hint}; \
                 remove the entry or add the article"
            ),
        ));
    }
    if let Some(&(_, line)) = orphans.get(MAX_ORPHAN_DIAGNOSTICS) {
        diagnostics.push(Diagnostic::new(
            metadata_path,
            Some(line),
            DiagnosticKind::MetadataIgnored,
            format!(
                "and {} more entries for articles that are not there; is this the \
                 metadata of another corpus?",
                orphans.len() - MAX_ORPHAN_DIAGNOSTICS
            ),
        ));
    }
    diagnostics
}

fn has_txt_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("txt"))
}

/// Reads, checks and decodes one article; `Err` is the diagnostic message.
fn read_article(
    id: &str,
    path: &Path,
    meta: ArticleMeta,
    options: &ReadOptions,
) -> Result<Article, String> {
    let io_message = |err: io::Error| {
        format!("cannot read it: {err}; check the file and its permissions and build again")
    };
    let size = fs::metadata(path).map_err(io_message)?.len();
    let too_large = |size: u64| {
        format!(
            "is {}, larger than {}; split it or raise --max-article-bytes",
            human_size(size),
            human_size(options.max_article_bytes)
        )
    };
    if size > options.max_article_bytes {
        return Err(too_large(size));
    }
    // The file may have grown since it was measured: never read past the limit.
    let mut raw = Vec::new();
    fs::File::open(path)
        .and_then(|file| {
            file.take(options.max_article_bytes.saturating_add(1))
                .read_to_end(&mut raw)
        })
        .map_err(io_message)?;
    if raw.len() as u64 > options.max_article_bytes {
        return Err(too_large(raw.len() as u64));
    }
    let (text, encoding) = decode(&raw).map_err(|err| err.to_string())?;
    if text.is_empty() {
        return Err("is empty; add the article text or remove the file".to_owned());
    }
    if text.trim().is_empty() {
        return Err("contains only whitespace; add the article text or remove the file".to_owned());
    }
    let hash = article_hash(&raw, &meta);
    Ok(Article {
        id: id.to_owned(),
        path: path.to_path_buf(),
        text,
        meta,
        encoding,
        hash,
    })
}

/// BLAKE3 of the raw bytes, length-prefixed, then the canonical metadata.
fn article_hash(raw: &[u8], meta: &ArticleMeta) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(raw.len() as u64).to_le_bytes());
    hasher.update(raw);
    hasher.update(&meta.canonical_bytes());
    hasher.finalize().to_hex().to_string()
}

/// `16 MiB`, `1.5 MiB` or `10 bytes`.
fn human_size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{date, titled, utf16, TempDir, PROSE};
    use super::*;

    #[test]
    fn human_size_table() {
        for (bytes, expected) in [
            (0, "0 bytes"),
            (10, "10 bytes"),
            (MIB, "1 MiB"),
            (16 * MIB, "16 MiB"),
            (MIB + MIB / 2, "1.5 MiB"),
        ] {
            assert_eq!(human_size(bytes), expected);
        }
    }

    fn diagnostic_summary(corpus: &Corpus) -> Vec<(String, Option<usize>, DiagnosticKind, String)> {
        corpus
            .diagnostics
            .iter()
            .map(|diagnostic| {
                let name = diagnostic
                    .path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (
                    name,
                    diagnostic.line,
                    diagnostic.kind,
                    diagnostic.message.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn read_corpus_mixed_folder() {
        let dir = TempDir::new("mixed");
        dir.write("b_good.txt", PROSE);
        dir.write("a_bom.txt", format!("\u{feff}{PROSE}"));
        dir.write("c_empty.txt", "");
        dir.write("d_space.txt", " \n\t\r\n ");
        dir.write("e_binary.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
        dir.write("f_latin1.txt", b"Caf\xe9 de la Paix, Erevan.\r\n");
        dir.write("g_utf16.txt", utf16(PROSE, true, false));
        dir.write("h_big.txt", PROSE.repeat(3));
        dir.write("Dup.txt", "first");
        dir.write("dup.txt", "second");
        dir.write("k_upper.TXT", "upper-case extension");
        dir.write("notes.md", PROSE);
        dir.write(".hidden.txt", PROSE);
        fs::create_dir(dir.0.join("folder.txt")).unwrap();
        fs::create_dir(dir.0.join("sub")).unwrap();
        dir.write("sub/inner.txt", PROSE);
        dir.write(
            METADATA_FILE_NAME,
            "[articles.b_good]\ntitle = \"Good\"\ndate = \"2022-10-13\"\n\n\
             [articles.f_latin1]\ntitle = \"Café\"\ndate = \"2022-13-40\"\n\n\
             [articles.missing]\ntitle = \"Gone\"\n\n\
             [articles.DUP]\ntitle = \"Case\"\n",
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.0.join("nowhere"), dir.0.join("i_broken.txt")).unwrap();

        let options = ReadOptions {
            // Room for the UTF-16 copy (twice the size), not for three copies.
            max_article_bytes: (PROSE.len() * 5 / 2) as u64,
        };
        let corpus = read_corpus(&dir.0, &options).unwrap();

        let summary: Vec<(&str, Encoding, &str, &ArticleMeta)> = corpus
            .articles
            .iter()
            .map(|article| {
                (
                    article.id.as_str(),
                    article.encoding,
                    article.text.as_str(),
                    &article.meta,
                )
            })
            .collect();
        let good_meta = ArticleMeta {
            date: date(2022, 10, 13),
            ..titled("Good")
        };
        let default = ArticleMeta::default();
        assert_eq!(
            summary,
            vec![
                ("Dup", Encoding::Utf8, "first", &default),
                ("a_bom", Encoding::Utf8Bom, PROSE, &default),
                ("b_good", Encoding::Utf8, PROSE, &good_meta),
                (
                    "f_latin1",
                    Encoding::Legacy(encoding_rs::WINDOWS_1252),
                    "Café de la Paix, Erevan.\r\n",
                    &titled("Café"),
                ),
                ("g_utf16", Encoding::Utf16Le, PROSE, &default),
                ("k_upper", Encoding::Utf8, "upper-case extension", &default),
            ]
        );
        for article in &corpus.articles {
            assert_eq!(article.path.parent(), Some(dir.0.as_path()));
            assert_eq!(article.hash.len(), 64);
        }

        let skipped = DiagnosticKind::Skipped;
        let ignored = DiagnosticKind::MetadataIgnored;
        let mut expected = vec![
            ("c_empty.txt", None, skipped, "is empty; add the article text or remove the file".to_owned()),
            ("d_space.txt", None, skipped, "contains only whitespace; add the article text or remove the file".to_owned()),
            ("dup.txt", None, skipped, "its id \"dup\" differs only in case from that of Dup.txt, which was read instead; rename one of them so ids differ by more than case".to_owned()),
            ("e_binary.txt", None, skipped, "looks like a binary file, not text (6 NUL bytes and 2 other control characters in the first 8 KiB); remove it from the corpus folder or save it as plain UTF-8 text".to_owned()),
            ("h_big.txt", None, skipped, format!("is {} bytes, larger than {} bytes; split it or raise --max-article-bytes", PROSE.len() * 3, PROSE.len() * 5 / 2)),
            (METADATA_FILE_NAME, Some(7), ignored, "`date` of \"f_latin1\" is not a valid date: month 13 does not exist; use 01 to 12".to_owned()),
            (METADATA_FILE_NAME, Some(9), ignored, "metadata for \"missing\" but there is no missing.txt; remove the entry or add the article".to_owned()),
            (METADATA_FILE_NAME, Some(12), ignored, "metadata for \"DUP\" but there is no DUP.txt (ids are case-sensitive: did you mean \"Dup\"?); remove the entry or add the article".to_owned()),
        ];
        if cfg!(unix) {
            let broken = fs::metadata(dir.0.join("i_broken.txt")).unwrap_err();
            expected.insert(5, ("i_broken.txt", None, skipped, format!("cannot read it: {broken}; check the file and its permissions and build again")));
        }
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(name, line, kind, message)| (name.to_owned(), line, kind, message))
            .collect();
        assert_eq!(diagnostic_summary(&corpus), expected);
    }

    #[test]
    fn read_corpus_orphan_metadata_hints_at_case() {
        let dir = TempDir::new("orphan-case");
        dir.write("Armenia.txt", PROSE);
        dir.write(METADATA_FILE_NAME, "[articles.armenia]\ntitle = \"A\"\n");
        let corpus = read_corpus(&dir.0, &ReadOptions::default()).unwrap();
        assert_eq!(corpus.articles.len(), 1);
        assert_eq!(corpus.articles[0].meta, ArticleMeta::default());
        assert_eq!(
            diagnostic_summary(&corpus),
            vec![(
                METADATA_FILE_NAME.to_owned(),
                Some(1),
                DiagnosticKind::MetadataIgnored,
                "metadata for \"armenia\" but there is no armenia.txt (ids are case-sensitive: \
                 did you mean \"Armenia\"?); remove the entry or add the article"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn read_corpus_invalid_metadata_still_builds_every_article() {
        let dir = TempDir::new("invalid-metadata");
        dir.write("a.txt", PROSE);
        dir.write("b.txt", PROSE);
        dir.write(METADATA_FILE_NAME, "[articles.a]\ntitle = \"A\n");
        let corpus = read_corpus(&dir.0, &ReadOptions::default()).unwrap();
        let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(corpus
            .articles
            .iter()
            .all(|a| a.meta == ArticleMeta::default()));
        assert_eq!(corpus.diagnostics.len(), 1);
        assert_eq!(corpus.diagnostics[0].line, Some(2));
        assert!(corpus.diagnostics[0]
            .message
            .starts_with("not valid TOML ("));
    }

    #[test]
    fn read_corpus_is_sorted_and_hash_tracks_metadata() {
        let dir = TempDir::new("hash");
        for id in ["c", "a", "b", "B", "10", "9"] {
            dir.write(&format!("{id}.txt"), format!("article {id}"));
        }
        let read = || read_corpus(&dir.0, &ReadOptions::default()).unwrap();
        let bare = read();
        let ids: Vec<&str> = bare.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["10", "9", "B", "a", "c"]);
        assert_eq!(bare.diagnostics.len(), 1, "{:?}", bare.diagnostics);
        assert_eq!(bare, read(), "reading twice gives the same corpus");

        dir.write(METADATA_FILE_NAME, "[articles.a]\ntitle = \"One\"\n");
        let first = read();
        dir.write(METADATA_FILE_NAME, "[articles.a]\ntitle = \"Two\"\n");
        let second = read();
        for ((bare, first), second) in bare
            .articles
            .iter()
            .zip(&first.articles)
            .zip(&second.articles)
        {
            if bare.id == "a" {
                assert_ne!(bare.hash, first.hash);
                assert_ne!(first.hash, second.hash);
            } else {
                assert_eq!(bare.hash, first.hash);
                assert_eq!(first.hash, second.hash);
            }
        }
        // The text changes the hash too.
        let before = &second.articles[3];
        dir.write("a.txt", "article a, revised");
        let revised = read();
        assert_eq!(revised.articles[3].id, "a");
        assert_ne!(revised.articles[3].hash, before.hash);
        assert_eq!(
            revised.articles[3].hash,
            article_hash(b"article a, revised", &titled("Two"))
        );
    }

    #[test]
    fn read_corpus_rejects_a_missing_folder_or_a_file() {
        let dir = TempDir::new("errors");
        let missing = dir.0.join("no-such-folder");
        let err = read_corpus(&missing, &ReadOptions::default()).unwrap_err();
        assert!(matches!(&err, CorpusError::Read { path, source }
            if path == &missing && source.kind() == io::ErrorKind::NotFound));
        assert!(err.to_string().contains(&missing.display().to_string()));

        let file = dir.write("a.txt", PROSE);
        let err = read_corpus(&file, &ReadOptions::default()).unwrap_err();
        assert!(matches!(&err, CorpusError::NotADirectory { path } if path == &file));
        assert!(err.to_string().contains(&file.display().to_string()));

        let empty = read_corpus(&TempDir::new("empty").0, &ReadOptions::default()).unwrap();
        assert_eq!(empty, Corpus::default());
    }

    #[cfg(unix)]
    #[test]
    fn read_corpus_reports_a_non_utf8_file_name() {
        use std::os::unix::ffi::OsStrExt;
        let dir = TempDir::new("non-utf8-name");
        dir.write("ok.txt", PROSE);
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        fs::write(dir.0.join(name), PROSE).unwrap();
        let corpus = read_corpus(&dir.0, &ReadOptions::default()).unwrap();
        let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["ok"]);
        assert_eq!(corpus.diagnostics.len(), 1);
        assert_eq!(corpus.diagnostics[0].path, dir.0.join(name));
        assert_eq!(corpus.diagnostics[0].kind, DiagnosticKind::Skipped);
        assert!(corpus.diagnostics[0].message.contains("not valid UTF-8"));
    }

    #[test]
    fn default_max_article_bytes_is_16_mib() {
        assert_eq!(ReadOptions::default().max_article_bytes, 16 * 1024 * 1024);
    }
}
