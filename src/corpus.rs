//! Reads a corpus folder: the `*.txt` articles directly in it, sorted by id,
//! and the optional `metadata.toml` beside them.
//!
//! Reading is forgiving. One bad file or one bad metadata entry never stops
//! the others: it becomes a [`Diagnostic`] that names the file (and the line,
//! for metadata) and says what to do. Only a corpus folder that cannot be read
//! at all is an error ([`CorpusError`]).
//!
//! This module must not print anything (it returns diagnostics for the
//! binary to print), must not segment, extract or touch the RDF store, and
//! must not panic on any input. [`decode`] is pure: bytes in, text out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::date::{PartialDate, PartialDateError};

/// Name of the optional metadata file inside a corpus folder.
pub const METADATA_FILE_NAME: &str = "metadata.toml";

/// Default for [`ReadOptions::max_article_bytes`]: 16 MiB.
pub const DEFAULT_MAX_ARTICLE_BYTES: u64 = 16 * MIB;

/// The metadata keys an article entry may have, in canonical order.
pub const METADATA_KEYS: [&str; 5] = ["title", "date", "author", "publisher", "url"];

const MIB: u64 = 1024 * 1024;

/// How many leading bytes are inspected to tell text from binary.
const SNIFF_BYTES: usize = 8 * 1024;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const UTF16_LE_BOM: &[u8] = &[0xFF, 0xFE];
const UTF16_BE_BOM: &[u8] = &[0xFE, 0xFF];
const UTF32_LE_BOM: &[u8] = &[0xFF, 0xFE, 0x00, 0x00];
const UTF32_BE_BOM: &[u8] = &[0x00, 0x00, 0xFE, 0xFF];

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

/// The metadata of one article, from its `[articles."<id>"]` entry.
#[derive(Default, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    /// Headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication date, possibly only the year or the year and month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// Author or authors, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Publisher, e.g. `The National`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Where the article was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl ArticleMeta {
    /// The canonical serialisation hashed into [`Article::hash`]: for each key
    /// of [`METADATA_KEYS`] in order, the key, a 0 or 1 byte for absence or
    /// presence, and when present the value's length as a little-endian u64
    /// followed by its UTF-8 bytes (dates in their `Display` form).
    ///
    /// Length prefixes make it unambiguous: two different metadata values
    /// never serialise to the same bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let date = self.date.map(|date| date.to_string());
        let fields = [
            self.title.as_deref(),
            date.as_deref(),
            self.author.as_deref(),
            self.publisher.as_deref(),
            self.url.as_deref(),
        ];
        let mut acc = Vec::new();
        for (key, value) in METADATA_KEYS.iter().zip(fields) {
            acc.extend_from_slice(key.as_bytes());
            match value {
                None => acc.push(0),
                Some(value) => {
                    acc.push(1);
                    acc.extend_from_slice(&(value.len() as u64).to_le_bytes());
                    acc.extend_from_slice(value.as_bytes());
                }
            }
        }
        acc
    }
}

/// How an article's bytes were decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark, which is removed from the text.
    Utf8Bom,
    /// UTF-16, little-endian, with a byte order mark.
    Utf16Le,
    /// UTF-16, big-endian, with a byte order mark.
    Utf16Be,
    /// Not UTF-8 but plausible single-byte text, read as Windows-1252 (a
    /// superset of Latin-1's printable characters).
    Windows1252,
}

impl Encoding {
    /// The encoding's usual name, e.g. `UTF-16LE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why [`decode`] could not turn bytes into article text. Each message says
/// what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// NUL bytes or control characters show the bytes are not text.
    #[error(
        "looks like a binary file, not text ({nul_bytes} NUL bytes and {control_chars} \
         other control characters in the first 8 KiB); remove it from the corpus folder \
         or save it as plain UTF-8 text"
    )]
    Binary {
        /// NUL bytes in the inspected prefix.
        nul_bytes: usize,
        /// Other control characters in the inspected prefix.
        control_chars: usize,
    },
    /// Not UTF-8, and too many control characters to be single-byte text.
    #[error(
        "not UTF-8 and no encoding could be detected ({control_chars} control characters \
         in the first 8 KiB); convert it to UTF-8 (iconv -t UTF-8) and build again"
    )]
    Undetected {
        /// Control characters in the inspected prefix, read as Windows-1252.
        control_chars: usize,
    },
    /// Starts with a UTF-8 byte order mark but is not UTF-8.
    #[error(
        "starts with a UTF-8 byte order mark but is not valid UTF-8 (bad byte at offset \
         {offset}); re-save it as UTF-8 and build again"
    )]
    InvalidUtf8 {
        /// Offset of the first invalid byte in the input.
        offset: usize,
    },
    /// Marked UTF-16 by its byte order mark but not valid UTF-16.
    #[error(
        "starts with a {encoding} byte order mark but is not valid {encoding} ({problem}); \
         convert it to UTF-8 (iconv -f {encoding} -t UTF-8) and build again"
    )]
    InvalidUtf16 {
        /// The encoding the byte order mark announced.
        encoding: Encoding,
        /// What is wrong, e.g. `unpaired surrogate at byte 6`.
        problem: String,
    },
    /// Looks like UTF-16 (every other byte NUL) but has no byte order mark.
    #[error(
        "looks like {encoding} without a byte order mark; convert it to UTF-8 \
         (iconv -f {encoding} -t UTF-8) and build again"
    )]
    Utf16WithoutBom {
        /// The byte order the NUL bytes suggest.
        encoding: Encoding,
    },
    /// Starts with a UTF-32 byte order mark.
    #[error("is UTF-32, which is not read; convert it to UTF-8 (iconv -f UTF-32 -t UTF-8) and build again")]
    Utf32,
}

/// Decodes an article's bytes, detecting the encoding.
///
/// UTF-8 (a leading byte order mark is removed), UTF-16LE and UTF-16BE with a
/// byte order mark, and otherwise Windows-1252 when the bytes look like
/// single-byte text (no NUL bytes, few control characters besides tab, line
/// feed, carriage return and form feed). Binary-looking input is an error; a
/// few stray NUL bytes in otherwise valid UTF-8 text are kept.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if bytes.starts_with(UTF32_LE_BOM) || bytes.starts_with(UTF32_BE_BOM) {
        return Err(DecodeError::Utf32);
    }
    if let Some(body) = bytes.strip_prefix(UTF16_LE_BOM) {
        return decode_utf16(body, Encoding::Utf16Le);
    }
    if let Some(body) = bytes.strip_prefix(UTF16_BE_BOM) {
        return decode_utf16(body, Encoding::Utf16Be);
    }
    let (body, encoding) = match bytes.strip_prefix(UTF8_BOM) {
        Some(body) => (body, Encoding::Utf8Bom),
        None => (bytes, Encoding::Utf8),
    };
    match std::str::from_utf8(body) {
        Ok(text) => {
            check_text(text.as_bytes())?;
            Ok((text.to_owned(), encoding))
        }
        Err(_) if encoding == Encoding::Utf8Bom => Err(DecodeError::InvalidUtf8 {
            offset: bytes.len() - body.len() + utf8_valid_prefix(body),
        }),
        Err(_) => {
            let sample = sniff_sample(body);
            let counts = count_controls(sample, true);
            if counts.nul_bytes > 0 {
                return Err(utf16_without_bom(sample).unwrap_or(DecodeError::Binary {
                    nul_bytes: counts.nul_bytes,
                    control_chars: counts.control_chars,
                }));
            }
            if too_many_controls(sample.len(), counts.control_chars) {
                return Err(DecodeError::Undetected {
                    control_chars: counts.control_chars,
                });
            }
            Ok((decode_windows_1252(body), Encoding::Windows1252))
        }
    }
}

fn utf8_valid_prefix(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(err) => err.valid_up_to(),
    }
}

fn sniff_sample(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(SNIFF_BYTES)]
}

struct ControlCounts {
    nul_bytes: usize,
    /// Control characters other than NUL, tab, line feed, carriage return
    /// and form feed.
    control_chars: usize,
    /// Whether any byte is neither whitespace nor a control character.
    has_visible: bool,
}

/// Counts control bytes. With `windows_1252`, the five bytes that encoding
/// leaves undefined count as control characters too.
fn count_controls(sample: &[u8], windows_1252: bool) -> ControlCounts {
    let mut counts = ControlCounts {
        nul_bytes: 0,
        control_chars: 0,
        has_visible: false,
    };
    for &byte in sample {
        match byte {
            0 => counts.nul_bytes += 1,
            b'\t' | b'\n' | b'\r' | 0x0C | b' ' => {}
            0x01..=0x1F | 0x7F => counts.control_chars += 1,
            0x81 | 0x8D | 0x8F | 0x90 | 0x9D if windows_1252 => counts.control_chars += 1,
            _ => counts.has_visible = true,
        }
    }
    counts
}

/// "Few" control characters: at most 2% of the sample, and always at least one.
fn too_many_controls(sample_len: usize, control_chars: usize) -> bool {
    control_chars > (sample_len / 50).max(1)
}

/// "A few stray" NUL bytes: at most 1% of the sample, and always at least one.
fn too_many_nuls(sample_len: usize, nul_bytes: usize) -> bool {
    nul_bytes > (sample_len / 100).max(1)
}

/// Rejects valid UTF-8 that is nevertheless not text.
fn check_text(utf8: &[u8]) -> Result<(), DecodeError> {
    let sample = sniff_sample(utf8);
    let counts = count_controls(sample, false);
    let binary = DecodeError::Binary {
        nul_bytes: counts.nul_bytes,
        control_chars: counts.control_chars,
    };
    if too_many_nuls(sample.len(), counts.nul_bytes) {
        return Err(utf16_without_bom(sample).unwrap_or(binary));
    }
    let has_controls = counts.nul_bytes + counts.control_chars > 0;
    if too_many_controls(sample.len(), counts.control_chars)
        || (has_controls && !counts.has_visible)
    {
        return Err(binary);
    }
    Ok(())
}

/// UTF-16 text in the Latin range has a NUL in every other byte.
fn utf16_without_bom(sample: &[u8]) -> Option<DecodeError> {
    let n_pairs = sample.len() / 2;
    if n_pairs < 2 {
        return None;
    }
    let n_even_nuls = sample.iter().step_by(2).filter(|&&byte| byte == 0).count();
    let n_odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&byte| byte == 0)
        .count();
    // At least 3/4 of one parity NUL and almost none of the other.
    let mostly = |n: usize| n * 4 >= n_pairs * 3;
    let hardly = |n: usize| n * 20 <= n_pairs;
    let encoding = if mostly(n_odd_nuls) && hardly(n_even_nuls) {
        Encoding::Utf16Le
    } else if mostly(n_even_nuls) && hardly(n_odd_nuls) {
        Encoding::Utf16Be
    } else {
        return None;
    };
    Some(DecodeError::Utf16WithoutBom { encoding })
}

fn decode_utf16(body: &[u8], encoding: Encoding) -> Result<(String, Encoding), DecodeError> {
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError::InvalidUtf16 {
            encoding,
            problem: format!("odd length of {} bytes", body.len() + 2),
        });
    }
    let units = body.chunks_exact(2).map(|pair| match encoding {
        Encoding::Utf16Be => u16::from_be_bytes([pair[0], pair[1]]),
        _ => u16::from_le_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut offset = 2;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(ch) => {
                text.push(ch);
                offset += 2 * ch.len_utf16();
            }
            Err(err) => {
                return Err(DecodeError::InvalidUtf16 {
                    encoding,
                    problem: format!(
                        "unpaired surrogate {:#06x} at byte {offset}",
                        err.unpaired_surrogate()
                    ),
                });
            }
        }
    }
    check_text(text.as_bytes())?;
    Ok((text, encoding))
}

/// Windows-1252's 0x80-0x9F; the five undefined bytes map to the C1 control
/// with the same value, as the WHATWG encoding standard does.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&byte| match byte {
            0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
            _ => char::from(byte),
        })
        .collect()
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
    /// `path:line: message`, or `path: message` without a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
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

    let metadata_path = dir.join(METADATA_FILE_NAME);
    let (mut metadata, metadata_diagnostics) = read_metadata_with_lines(&metadata_path);
    diagnostics.extend(metadata_diagnostics);

    let all_ids: BTreeSet<&str> = candidates.iter().map(|(id, _)| id.as_str()).collect();
    for (id, (_, line)) in &metadata {
        if all_ids.contains(id.as_str()) {
            continue;
        }
        let hint = match all_ids
            .iter()
            .find(|other| other.to_lowercase() == id.to_lowercase())
        {
            Some(other) => format!(" (ids are case-sensitive: did you mean {other:?}?)"),
            None => String::new(),
        };
        diagnostics.push(Diagnostic::new(
            &metadata_path,
            Some(*line),
            DiagnosticKind::MetadataIgnored,
            format!(
                "metadata for {id:?} but there is no {id}.txt{hint}; \
                 remove the entry or add the article"
            ),
        ));
    }

    let mut entries = Vec::with_capacity(candidates.len());
    let mut first_by_folded_id: HashMap<String, &Path> = HashMap::new();
    for (id, path) in &candidates {
        if let Some(first) = first_by_folded_id.get(&id.to_lowercase()) {
            let first_name = first.file_name().unwrap_or_default().to_string_lossy();
            diagnostics.push(Diagnostic::new(
                path,
                None,
                DiagnosticKind::Skipped,
                format!(
                    "its id {id:?} differs only in case from {first_name}, which was read \
                     instead; rename one of them so ids differ by more than case"
                ),
            ));
            continue;
        }
        first_by_folded_id.insert(id.to_lowercase(), path);
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

/// Reads a `metadata.toml`: per article id, the metadata that is valid, and a
/// diagnostic (with its line) for each key, value or entry that is not.
///
/// The file is shaped as `[articles."<id>"]` tables with the keys of
/// [`METADATA_KEYS`]; all are optional strings, and `date` may also be a TOML
/// date. A bad entry or value loses only itself. A file that is not valid
/// TOML gives one diagnostic and no metadata. A missing file is not a
/// problem: it gives nothing.
pub fn read_metadata(path: &Path) -> (BTreeMap<String, ArticleMeta>, Vec<Diagnostic>) {
    let (entries, diagnostics) = read_metadata_with_lines(path);
    let metadata = entries
        .into_iter()
        .map(|(id, (meta, _))| (id, meta))
        .collect();
    (metadata, diagnostics)
}

type MetadataWithLines = BTreeMap<String, (ArticleMeta, usize)>;

fn read_metadata_with_lines(path: &Path) -> (MetadataWithLines, Vec<Diagnostic>) {
    let ignored = |message: String| {
        let diagnostic = Diagnostic::new(path, None, DiagnosticKind::MetadataIgnored, message);
        (BTreeMap::new(), vec![diagnostic])
    };
    let raw = match fs::read(path) {
        Ok(raw) => raw,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return (BTreeMap::new(), Vec::new()),
        Err(err) => {
            return ignored(format!(
                "cannot read it: {err}; fix it and build again (all articles are built without metadata)"
            ))
        }
    };
    match decode(&raw) {
        Ok((text, _)) => parse_metadata(&text, path),
        Err(err) => ignored(format!("{err} (all articles are built without metadata)")),
    }
}

/// Parses metadata text; `path` only names the file in diagnostics.
fn parse_metadata(text: &str, path: &Path) -> (MetadataWithLines, Vec<Diagnostic>) {
    let mut parser = MetadataParser {
        text,
        lines: LineIndex::new(text),
        path,
        diagnostics: Vec::new(),
    };
    let metadata = parser.parse();
    // Entries and keys come out sorted by name; report in file order.
    parser.diagnostics.sort_by_key(|diagnostic| diagnostic.line);
    (metadata, parser.diagnostics)
}

struct MetadataParser<'a> {
    text: &'a str,
    lines: LineIndex,
    path: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

impl MetadataParser<'_> {
    fn ignore(&mut self, span: Range<usize>, message: String) {
        let line = self.lines.line_of(span.start);
        self.diagnostics.push(Diagnostic::new(
            self.path,
            Some(line),
            DiagnosticKind::MetadataIgnored,
            message,
        ));
    }

    fn parse(&mut self) -> MetadataWithLines {
        let mut metadata = BTreeMap::new();
        let root = match DeTable::parse(self.text) {
            Ok(root) => root,
            Err(err) => {
                let detail = err
                    .message()
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ");
                self.ignore(
                    err.span().unwrap_or(0..0),
                    format!(
                        "not valid TOML ({detail}); fix it and build again \
                         (all articles are built without metadata)"
                    ),
                );
                return metadata;
            }
        };
        for (key, value) in root.get_ref().iter() {
            let key_name: &str = key.get_ref();
            if key_name != "articles" {
                self.ignore(
                    key.span(),
                    format!(
                        "unknown top-level key `{}`; put each article's metadata \
                         under [articles.\"<id>\"]",
                        key_name.escape_debug()
                    ),
                );
                continue;
            }
            let DeValue::Table(articles) = value.get_ref() else {
                self.ignore(
                    value.span(),
                    format!(
                        "`articles` must be a table, not {}; write each entry as \
                         [articles.\"<id>\"]",
                        type_name(value.get_ref())
                    ),
                );
                continue;
            };
            for (id, entry) in articles.iter() {
                let id_text: &str = id.get_ref();
                let line = self.lines.line_of(id.span().start);
                if let Some(meta) = self.parse_entry(id_text, entry) {
                    metadata.insert(id_text.to_owned(), (meta, line));
                }
            }
        }
        metadata
    }

    fn parse_entry(&mut self, id: &str, entry: &Spanned<DeValue<'_>>) -> Option<ArticleMeta> {
        let DeValue::Table(fields) = entry.get_ref() else {
            self.ignore(
                entry.span(),
                format!(
                    "the entry for {id:?} must be a table, not {}; write it as \
                     [articles.\"{id}\"] followed by title = \"...\" and so on",
                    type_name(entry.get_ref())
                ),
            );
            return None;
        };
        let mut meta = ArticleMeta::default();
        for (key, value) in fields.iter() {
            let key_name: &str = key.get_ref();
            let slot = match key_name {
                "title" => &mut meta.title,
                "author" => &mut meta.author,
                "publisher" => &mut meta.publisher,
                "url" => &mut meta.url,
                "date" => {
                    meta.date = self.parse_date(id, value);
                    continue;
                }
                _ => {
                    self.ignore(
                        key.span(),
                        format!(
                            "unknown key `{}` for {id:?}; use only {}",
                            key_name.escape_debug(),
                            METADATA_KEYS.join(", ")
                        ),
                    );
                    continue;
                }
            };
            match value.get_ref() {
                DeValue::String(text) if text.trim().is_empty() => self.ignore(
                    value.span(),
                    format!("`{key_name}` of {id:?} is empty; fill it in or remove the key"),
                ),
                DeValue::String(text) => *slot = Some(text.to_string()),
                other => self.ignore(
                    value.span(),
                    format!(
                        "`{key_name}` of {id:?} must be a string, not {}; put it in quotes",
                        type_name(other)
                    ),
                ),
            }
        }
        Some(meta)
    }

    fn parse_date(&mut self, id: &str, value: &Spanned<DeValue<'_>>) -> Option<PartialDate> {
        let parsed = match value.get_ref() {
            DeValue::String(text) => text.parse::<PartialDate>(),
            DeValue::Datetime(datetime) => match (&datetime.date, &datetime.time, &datetime.offset)
            {
                (Some(date), None, None) => {
                    PartialDate::new(i32::from(date.year), Some(date.month), Some(date.day))
                }
                _ => Err(PartialDateError::Format {
                    input: datetime.to_string(),
                }),
            },
            other => {
                self.ignore(
                    value.span(),
                    format!(
                        "`date` of {id:?} must be a string such as \"2022-09-13\", not {}; \
                         write it as YYYY, YYYY-MM or YYYY-MM-DD in quotes",
                        type_name(other)
                    ),
                );
                return None;
            }
        };
        match parsed {
            Ok(date) => Some(date),
            Err(err) => {
                self.ignore(
                    value.span(),
                    format!("`date` of {id:?} is not a valid date: {err}"),
                );
                None
            }
        }
    }
}

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The 1-based line holding byte `offset` of `text`.
/// Line numbers of byte offsets, by binary search over the line breaks
/// (counting from the start for each entry made a 10,000-entry metadata
/// file quadratic).
struct LineIndex {
    /// Offsets of every `\n`.
    breaks: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        Self {
            breaks: text.match_indices('\n').map(|(offset, _)| offset).collect(),
        }
    }

    /// The 1-based line of `offset`.
    fn line_of(&self, offset: usize) -> usize {
        1 + self.breaks.partition_point(|&newline| newline < offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh folder under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let unique = format!(
                "akg-corpus-{name}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let path = std::env::temp_dir().join(unique);
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
            let path = self.0.join(name);
            fs::write(&path, bytes).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A paragraph of plain ASCII article text.
    const PROSE: &str = "The Collective Security Treaty Organization met in Yerevan. \
        Armenia asked its allies for help, and the alliance sent observers.\n";

    fn utf16(text: &str, bom: bool, big_endian: bool) -> Vec<u8> {
        let mut acc = Vec::new();
        if bom {
            acc.extend_from_slice(if big_endian {
                UTF16_BE_BOM
            } else {
                UTF16_LE_BOM
            });
        }
        for unit in text.encode_utf16() {
            if big_endian {
                acc.extend_from_slice(&unit.to_be_bytes());
            } else {
                acc.extend_from_slice(&unit.to_le_bytes());
            }
        }
        acc
    }

    /// Name, input, and the expected text and encoding or error.
    type DecodeCase<'a> = (&'a str, Vec<u8>, Result<(&'a str, Encoding), DecodeError>);

    #[test]
    fn decode_detects_encodings_and_rejects_non_text() {
        let with_stray_nul = format!("{PROSE}\0{PROSE}");
        let emoji_utf16le = utf16("é 😀", true, false);
        let mut unpaired_surrogate = UTF16_LE_BOM.to_vec();
        unpaired_surrogate.extend_from_slice(&[b'a', 0, 0x00, 0xD8, b'b', 0]);
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let cases: Vec<DecodeCase> = vec![
            ("utf-8", b"hello".to_vec(), Ok(("hello", Encoding::Utf8))),
            ("empty", Vec::new(), Ok(("", Encoding::Utf8))),
            (
                "crlf kept",
                b"a\r\nb\x0c".to_vec(),
                Ok(("a\r\nb\x0c", Encoding::Utf8)),
            ),
            (
                "utf-8 with bom",
                b"\xef\xbb\xbfhello".to_vec(),
                Ok(("hello", Encoding::Utf8Bom)),
            ),
            (
                "utf-16le bom",
                utf16("hi", true, false),
                Ok(("hi", Encoding::Utf16Le)),
            ),
            (
                "utf-16be bom",
                utf16("hi", true, true),
                Ok(("hi", Encoding::Utf16Be)),
            ),
            (
                "utf-16le surrogate pair",
                emoji_utf16le,
                Ok(("é 😀", Encoding::Utf16Le)),
            ),
            (
                "latin-1",
                b"caf\xe9".to_vec(),
                Ok(("café", Encoding::Windows1252)),
            ),
            (
                "windows-1252 high table",
                b"\x93quoted\x94 \x80 5 \x85".to_vec(),
                Ok(("\u{201c}quoted\u{201d} € 5 …", Encoding::Windows1252)),
            ),
            (
                "stray nul kept",
                with_stray_nul.clone().into_bytes(),
                Ok((with_stray_nul.as_str(), Encoding::Utf8)),
            ),
            (
                "png header",
                png,
                Err(DecodeError::Binary {
                    nul_bytes: 3,
                    control_chars: 1,
                }),
            ),
            (
                "all nul",
                vec![0; 100],
                Err(DecodeError::Binary {
                    nul_bytes: 100,
                    control_chars: 0,
                }),
            ),
            (
                "single nul",
                vec![0],
                Err(DecodeError::Binary {
                    nul_bytes: 1,
                    control_chars: 0,
                }),
            ),
            (
                "control characters in utf-8",
                b"\x01\x02\x03 abc".to_vec(),
                Err(DecodeError::Binary {
                    nul_bytes: 0,
                    control_chars: 3,
                }),
            ),
            (
                "control characters, not utf-8",
                b"\xe9\x01\x02\x03\x04".to_vec(),
                Err(DecodeError::Undetected { control_chars: 4 }),
            ),
            (
                "unpaired surrogate",
                unpaired_surrogate,
                Err(DecodeError::InvalidUtf16 {
                    encoding: Encoding::Utf16Le,
                    problem: "unpaired surrogate 0xd800 at byte 4".to_owned(),
                }),
            ),
            (
                "odd utf-16",
                vec![0xFE, 0xFF, 0x00],
                Err(DecodeError::InvalidUtf16 {
                    encoding: Encoding::Utf16Be,
                    problem: "odd length of 3 bytes".to_owned(),
                }),
            ),
            (
                "utf-16le without bom",
                utf16(PROSE, false, false),
                Err(DecodeError::Utf16WithoutBom {
                    encoding: Encoding::Utf16Le,
                }),
            ),
            (
                "utf-16be without bom",
                utf16(PROSE, false, true),
                Err(DecodeError::Utf16WithoutBom {
                    encoding: Encoding::Utf16Be,
                }),
            ),
            (
                "bom then invalid utf-8",
                b"\xef\xbb\xbfa\xff".to_vec(),
                Err(DecodeError::InvalidUtf8 { offset: 4 }),
            ),
            (
                "utf-32",
                b"\xff\xfe\0\0h\0\0\0".to_vec(),
                Err(DecodeError::Utf32),
            ),
        ];
        for (name, bytes, expected) in cases {
            let expected = expected.map(|(text, encoding)| (text.to_owned(), encoding));
            assert_eq!(decode(&bytes), expected, "case {name:?}");
        }
    }

    #[test]
    fn decode_error_messages_say_what_to_do() {
        let errors = [
            decode(b"\xe9\x01\x02\x03\x04"),
            decode(&[0; 64]),
            decode(&utf16(PROSE, false, false)),
        ];
        for err in errors {
            let message = err.unwrap_err().to_string();
            assert!(message.starts_with(char::is_lowercase), "{message}");
            assert!(
                !message.contains('\n') && !message.ends_with('.'),
                "{message}"
            );
            assert!(
                message.contains("convert it to UTF-8") || message.contains("remove it"),
                "{message}"
            );
        }
        let undetected = decode(b"\xe9\x01\x02\x03\x04").unwrap_err().to_string();
        assert!(undetected.starts_with("not UTF-8 and no encoding could be detected"));
        assert!(undetected.ends_with("convert it to UTF-8 (iconv -t UTF-8) and build again"));
    }

    /// Decoding never panics, whatever the bytes.
    #[test]
    fn decode_survives_arbitrary_bytes() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let prefixes: [&[u8]; 5] = [b"", UTF8_BOM, UTF16_LE_BOM, UTF16_BE_BOM, UTF32_LE_BOM];
        let mut n_ok = 0;
        for round in 0..2000 {
            let len = (next() % 64) as usize;
            let mut bytes = prefixes[round % prefixes.len()].to_vec();
            bytes.extend((0..len).map(|_| (next() % 256) as u8));
            if let Ok((text, encoding)) = decode(&bytes) {
                n_ok += 1;
                if encoding == Encoding::Utf8 {
                    assert_eq!(text.as_bytes(), bytes.as_slice());
                }
            }
        }
        assert!(n_ok > 0);
    }

    #[test]
    fn article_meta_serde_uses_date_strings_and_denies_unknown_keys() {
        let meta: ArticleMeta = toml::from_str("title = \"T\"\ndate = \"2022-09\"\n").unwrap();
        let expected = ArticleMeta {
            title: Some("T".to_owned()),
            date: Some(PartialDate {
                year: 2022,
                month: Some(9),
                day: None,
            }),
            ..ArticleMeta::default()
        };
        assert_eq!(meta, expected);
        let written = toml::to_string(&meta).unwrap();
        assert_eq!(written, "title = \"T\"\ndate = \"2022-09\"\n");
        assert!(toml::from_str::<ArticleMeta>("colour = \"red\"").is_err());
        assert!(toml::from_str::<ArticleMeta>("date = \"2022-02-30\"").is_err());
    }

    #[test]
    fn canonical_bytes_tell_metadata_apart() {
        let title = ArticleMeta {
            title: Some("ab".to_owned()),
            ..ArticleMeta::default()
        };
        let author = ArticleMeta {
            author: Some("ab".to_owned()),
            ..ArticleMeta::default()
        };
        let split = ArticleMeta {
            title: Some("a".to_owned()),
            author: Some("b".to_owned()),
            ..ArticleMeta::default()
        };
        let all = [ArticleMeta::default(), title.clone(), author, split];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.canonical_bytes(), b.canonical_bytes(), "{a:?} vs {b:?}");
            }
        }
        assert_eq!(title.canonical_bytes(), title.clone().canonical_bytes());
    }

    fn date(year: i32, month: u8, day: u8) -> Option<PartialDate> {
        Some(PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    fn titled(title: &str) -> ArticleMeta {
        ArticleMeta {
            title: Some(title.to_owned()),
            ..ArticleMeta::default()
        }
    }

    /// Writes `toml` as a metadata file, reads it back, and compares the
    /// metadata and the diagnostics as `(line, message fragment)`.
    fn check_metadata(
        toml: &str,
        expected: &[(&str, ArticleMeta)],
        expected_diagnostics: &[(usize, &str)],
    ) {
        let dir = TempDir::new("metadata");
        let path = dir.write(METADATA_FILE_NAME, toml);
        let (metadata, diagnostics) = read_metadata(&path);
        let expected: BTreeMap<String, ArticleMeta> = expected
            .iter()
            .map(|(id, meta)| ((*id).to_owned(), meta.clone()))
            .collect();
        assert_eq!(metadata, expected, "metadata of:\n{toml}");
        assert_eq!(
            diagnostics.len(),
            expected_diagnostics.len(),
            "diagnostics of:\n{toml}\n{diagnostics:#?}"
        );
        for (diagnostic, (line, fragment)) in diagnostics.iter().zip(expected_diagnostics) {
            assert_eq!(diagnostic.path, path);
            assert_eq!(diagnostic.line, Some(*line), "{diagnostic:?}");
            assert_eq!(diagnostic.kind, DiagnosticKind::MetadataIgnored);
            assert!(
                diagnostic.message.contains(fragment),
                "{:?} lacks {fragment:?}",
                diagnostic.message
            );
            assert!(diagnostic.message.starts_with(|c: char| !c.is_uppercase()));
            assert!(!diagnostic.message.contains('\n'));
        }
    }

    #[test]
    fn read_metadata_good_file() {
        let toml = r#"
[articles."000_5a98e20ee2fbc50d"]
title = "It's not Nato but another key alliance that is faltering"
date = "2022-10-13"
publisher = "The National"
author = "Jane Doe"
url = "https://example.com/a"

[articles.b]
title = "B"
date = 2022-09-13

[articles.c]
date = "2021"
"#;
        let first = ArticleMeta {
            title: Some("It's not Nato but another key alliance that is faltering".to_owned()),
            date: date(2022, 10, 13),
            author: Some("Jane Doe".to_owned()),
            publisher: Some("The National".to_owned()),
            url: Some("https://example.com/a".to_owned()),
        };
        let b = ArticleMeta {
            date: date(2022, 9, 13),
            ..titled("B")
        };
        let c = ArticleMeta {
            date: Some(PartialDate {
                year: 2021,
                month: None,
                day: None,
            }),
            ..ArticleMeta::default()
        };
        check_metadata(
            toml,
            &[("000_5a98e20ee2fbc50d", first), ("b", b), ("c", c)],
            &[],
        );
        check_metadata("", &[], &[]);
    }

    #[test]
    fn read_metadata_unknown_key_keeps_the_rest() {
        let toml = "[articles.a]\ntitle = \"A\"\ncolour = \"red\"\n\n[articles.b]\ntitle = \"B\"\n";
        check_metadata(
            toml,
            &[("a", titled("A")), ("b", titled("B"))],
            &[(
                3,
                "unknown key `colour` for \"a\"; use only title, date, author, publisher, url",
            )],
        );
    }

    #[test]
    fn read_metadata_wrong_types() {
        let toml = "[articles.a]\ntitle = 42\nauthor = \"Ann\"\n\n[articles.b]\npublisher = [\"x\"]\nurl = \"  \"\ndate = true\n\n[articles]\nc = \"not a table\"\n";
        let a = ArticleMeta {
            author: Some("Ann".to_owned()),
            ..ArticleMeta::default()
        };
        check_metadata(
            toml,
            &[("a", a), ("b", ArticleMeta::default())],
            &[
                (
                    2,
                    "`title` of \"a\" must be a string, not an integer; put it in quotes",
                ),
                (6, "`publisher` of \"b\" must be a string, not an array"),
                (7, "`url` of \"b\" is empty"),
                (
                    8,
                    "`date` of \"b\" must be a string such as \"2022-09-13\", not a boolean",
                ),
                (11, "the entry for \"c\" must be a table, not a string"),
            ],
        );
    }

    #[test]
    fn read_metadata_bad_dates() {
        let toml = "[articles.a]\ntitle = \"A\"\ndate = \"2022-13-40\"\n\n[articles.b]\ndate = \"yesterday\"\n\n[articles.c]\ndate = \"2022-02-29\"\n\n[articles.d]\ndate = 2022-09-13T10:00:00Z\n";
        check_metadata(
            toml,
            &[
                ("a", titled("A")),
                ("b", ArticleMeta::default()),
                ("c", ArticleMeta::default()),
                ("d", ArticleMeta::default()),
            ],
            &[
                (
                    3,
                    "`date` of \"a\" is not a valid date: month 13 does not exist; use 01 to 12",
                ),
                (
                    6,
                    "\"yesterday\" is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD",
                ),
                (9, "day 29 does not exist in 2022-02"),
                (12, "is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD"),
            ],
        );
    }

    #[test]
    fn read_metadata_structure_problems() {
        check_metadata(
            "version = 1\narticles = 3\n",
            &[],
            &[
                (1, "unknown top-level key `version`"),
                (2, "`articles` must be a table, not an integer"),
            ],
        );
    }

    #[test]
    fn read_metadata_invalid_toml_gives_one_diagnostic() {
        check_metadata(
            "[articles.a]\ntitle = \"A\"\n\n[articles.b\ntitle = \"B\"\n",
            &[],
            &[(4, "not valid TOML (")],
        );
        check_metadata(
            "[articles.a]\ntitle = \"A\"\ntitle = \"again\"\n",
            &[],
            &[(
                3,
                "fix it and build again (all articles are built without metadata)",
            )],
        );
        // TOML itself rejects a bare date that does not exist.
        check_metadata(
            "[articles.a]\ntitle = \"A\"\ndate = 2022-02-29\n",
            &[],
            &[(3, "not valid TOML (")],
        );
    }

    #[test]
    fn read_metadata_missing_or_undecodable_file() {
        let dir = TempDir::new("metadata-missing");
        let (metadata, diagnostics) = read_metadata(&dir.0.join(METADATA_FILE_NAME));
        assert!(metadata.is_empty() && diagnostics.is_empty());

        let path = dir.write(METADATA_FILE_NAME, [0u8; 40]);
        let (metadata, diagnostics) = read_metadata(&path);
        assert!(metadata.is_empty());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].line, None);
        assert!(diagnostics[0].message.contains("binary"), "{diagnostics:?}");

        // A folder where the file should be cannot be read.
        let dir = TempDir::new("metadata-dir");
        fs::create_dir(dir.0.join(METADATA_FILE_NAME)).unwrap();
        let (_, diagnostics) = read_metadata(&dir.0.join(METADATA_FILE_NAME));
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.starts_with("cannot read it: "));
    }

    /// No prefix of a metadata file, valid or not, makes the parser panic.
    #[test]
    fn read_metadata_survives_truncation() {
        let toml = "[articles.\"a\"]\ntitle = \"Ça\"\ndate = 2022-09-13\nurl = 'x'\n[articles.b]\nx = [1, {y = 2}]\n";
        let mut n_diagnostics = 0;
        for (end, _) in toml.char_indices() {
            let (_, diagnostics) = parse_metadata(&toml[..end], Path::new("m.toml"));
            n_diagnostics += diagnostics.len();
            for diagnostic in diagnostics {
                let line = diagnostic.line.unwrap_or(1);
                assert!(line >= 1 && line <= toml[..end].lines().count().max(1) + 1);
            }
        }
        assert!(n_diagnostics > 0);
    }

    /// fuzz/metadata: a quoted key with an escaped line break gave a
    /// two-line diagnostic.
    #[test]
    fn read_metadata_escapes_key_names_in_messages() {
        check_metadata(
            "\"a\\nb\" = 1\n[articles.\"x\"]\n\"k\\ney\" = \"v\"\n",
            &[("x", ArticleMeta::default())],
            &[
                (1, "unknown top-level key `a\\nb`"),
                (3, "unknown key `k\\ney` for \"x\""),
            ],
        );
    }

    #[test]
    fn line_of_counts_from_one() {
        let text = "a\nbc\n\nd";
        for (offset, line) in [(0, 1), (1, 1), (2, 2), (4, 2), (5, 3), (6, 4), (99, 4)] {
            assert_eq!(
                LineIndex::new(text).line_of(offset),
                line,
                "offset {offset}"
            );
        }
    }

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
                    Encoding::Windows1252,
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
            ("dup.txt", None, skipped, "its id \"dup\" differs only in case from Dup.txt, which was read instead; rename one of them so ids differ by more than case".to_owned()),
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
