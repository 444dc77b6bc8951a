//! The corpus's `metadata.toml`: one `[articles."<id>"]` table per article
//! ([`ArticleMeta`]), read entry by entry so that a bad key, value or entry
//! costs only itself and becomes a [`Diagnostic`] with its line.
//!
//! It also defines the canonical bytes of an article's metadata, which the
//! article hash covers. Like the rest of the corpus reader it never prints
//! and never panics on any input.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{decode, Diagnostic, DiagnosticKind};
use crate::date::{PartialDate, PartialDateError};

/// Name of the optional metadata file inside a corpus folder.
pub const METADATA_FILE_NAME: &str = "metadata.toml";

/// The largest `metadata.toml` read: about 2,000 bytes for each of a
/// hundred thousand articles.
pub const MAX_METADATA_BYTES: u64 = 256 << 20;

/// The metadata keys an article entry may have, in canonical order.
pub const METADATA_KEYS: [&str; 5] = ["title", "date", "author", "publisher", "url"];

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
    /// The canonical serialisation hashed into [`Article::hash`](super::Article::hash): for each key
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

/// Per article id, its metadata and the line of its entry.
pub(super) type MetadataWithLines = BTreeMap<String, (ArticleMeta, usize)>;

/// [`read_metadata`], with the line of each entry.
pub(super) fn read_metadata_with_lines(path: &Path) -> (MetadataWithLines, Vec<Diagnostic>) {
    let ignored = |message: String| {
        let diagnostic = Diagnostic::new(path, None, DiagnosticKind::MetadataIgnored, message);
        (BTreeMap::new(), vec![diagnostic])
    };
    let raw = match read_regular_file(path, MAX_METADATA_BYTES) {
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

/// Reads a file that must be a regular file of at most `limit` bytes: a
/// FIFO would block the build forever and a link to `/dev/zero` would read
/// until memory runs out.
fn read_regular_file(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let kind = fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a FIFO, a device or a folder); make it a plain file",
        ));
    }
    let mut raw = Vec::new();
    fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut raw)?;
    if raw.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("it is larger than {limit} bytes; split the corpus"),
        ));
    }
    Ok(raw)
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
    use crate::corpus::test_support::{date, titled, TempDir};

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
}
