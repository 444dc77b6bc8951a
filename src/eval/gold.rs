//! Reading a gold file: a header naming the gold schema's columns, then
//! one fact per line, as evalfacts.py reads it, with errors that name the
//! file and the line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{SchemaRow, COLUMNS, COLUMN_LIST};

/// Why a gold file cannot be read. Each names the file and the line.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    /// No line at all.
    #[error("{}:1: the file is empty; a gold file's first line names the columns {COLUMN_LIST}, tab-separated", path.display())]
    Empty {
        /// The gold file.
        path: PathBuf,
    },
    /// Bytes that are not UTF-8.
    #[error("{}:{line}: not UTF-8 text; save the gold file as UTF-8", path.display())]
    NotUtf8 {
        /// The gold file.
        path: PathBuf,
        /// The line of the first bad byte.
        line: usize,
    },
    /// The header lacks a column.
    #[error("{}:1: the header has no column `{column}` (it names {found}); the first line must name the columns {COLUMN_LIST}, tab-separated", path.display())]
    MissingColumn {
        /// The gold file.
        path: PathBuf,
        /// The first column it lacks.
        column: &'static str,
        /// The header's names, quoted.
        found: String,
    },
    /// The header names a column twice.
    #[error("{}:1: the header names the column `{column}` twice; name each column once", path.display())]
    DuplicateColumn {
        /// The gold file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A line has too few fields.
    #[error("{}:{line}: {n_fields} tab-separated fields, but the header puts `{column}` in field {position}; separate every column with a tab and leave empty ones empty", path.display())]
    MissingField {
        /// The gold file.
        path: PathBuf,
        /// The line.
        line: usize,
        /// Its number of fields.
        n_fields: usize,
        /// The first column it lacks.
        column: &'static str,
        /// That column's field number in the header (from 1).
        position: usize,
    },
}

/// Reads a gold file: a header line naming (at least) the [`COLUMNS`], then
/// one fact per line, tab-separated, without quoting. `path` names the file
/// in errors.
///
/// As evalfacts.py reads it: blank lines and lines with an empty relation
/// are skipped, fields are stripped, extra columns are ignored. Stricter:
/// a header without one of the columns, and a line too short to reach one,
/// are errors (evalfacts.py would read them as empty); a leading byte-order
/// mark is skipped.
pub fn parse_gold(bytes: &[u8], path: &Path) -> Result<Vec<SchemaRow>, GoldError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|err| GoldError::NotUtf8 {
        path: path.to_path_buf(),
        line: line_count(&bytes[..err.valid_up_to()]),
    })?;
    let mut lines = text_lines(text).zip(1..);
    let Some((header, _)) = lines.next() else {
        return Err(GoldError::Empty {
            path: path.to_path_buf(),
        });
    };
    let positions = column_positions(header, path)?;
    let n_needed = positions.iter().max().map_or(0, |last| last + 1);
    let mut rows = Vec::new();
    for (line_text, line) in lines {
        if line_text.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line_text.split('\t').collect();
        if fields.len() < n_needed {
            let (column, position) = COLUMNS
                .iter()
                .zip(positions)
                .filter(|&(_, position)| position >= fields.len())
                .min_by_key(|&(_, position)| position)
                .map_or(("evidence", n_needed), |(&column, position)| {
                    (column, position + 1)
                });
            return Err(GoldError::MissingField {
                path: path.to_path_buf(),
                line,
                n_fields: fields.len(),
                column,
                position,
            });
        }
        let columns = positions.map(|position| fields[position]);
        // evalfacts.py skips a row whose relation is empty before stripping.
        if columns[1].is_empty() {
            continue;
        }
        rows.push(SchemaRow::from_columns(columns, ""));
    }
    Ok(rows)
}

/// The lines of a text, ended by `\n`, `\r\n` or `\r` (as Python's csv
/// module ends rows), without their ends.
fn text_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        let after = &rest[end..];
        rest = after
            .strip_prefix("\r\n")
            .or_else(|| after.strip_prefix('\n'))
            .or_else(|| after.strip_prefix('\r'))
            .unwrap_or(after);
        Some(line)
    })
}

/// The number of the line that follows `bytes` (from 1).
fn line_count(bytes: &[u8]) -> usize {
    let crlf = bytes.windows(2).filter(|pair| pair == b"\r\n").count();
    let ends = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    ends - crlf + 1
}

/// Where each of [`COLUMNS`] is in the header's fields.
fn column_positions(header: &str, path: &Path) -> Result<[usize; 7], GoldError> {
    let names: Vec<&str> = header.split('\t').collect();
    let mut seen = BTreeSet::new();
    for name in &names {
        if !seen.insert(*name) && COLUMNS.contains(name) {
            return Err(GoldError::DuplicateColumn {
                path: path.to_path_buf(),
                column: (*name).to_owned(),
            });
        }
    }
    let mut positions = [0; 7];
    for (position, column) in positions.iter_mut().zip(COLUMNS) {
        *position = names
            .iter()
            .position(|name| *name == column)
            .ok_or_else(|| GoldError::MissingColumn {
                path: path.to_path_buf(),
                column,
                found: names
                    .iter()
                    .map(|name| format!("{name:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
    }
    Ok(positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<SchemaRow>, String> {
        parse_gold(text.as_bytes(), Path::new("gold.tsv")).map_err(|err| err.to_string())
    }

    const HEADER: &str = "article\trelation\tsubject\tobject\tdate\tvalue\tevidence";

    #[test]
    fn a_gold_file_is_read_as_evalfacts_reads_it() {
        let text = format!(
            "\u{feff}{HEADER}\r\n\
             a\tmember_of\t Armenia \tCSTO\t\t\tArmenia is a member.\r\n\
             \r\n\
             a\t\tSkipped\tCSTO\t\t\t\n\
             b\tclashed_with\tKyrgyzstan\tTajikistan\t2022-09\t100\tThey clashed.\textra"
        );
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].subject, "Armenia");
        assert_eq!(rows[0].evidence, "Armenia is a member.");
        assert_eq!(rows[1].value, "100");
        // Columns in another order, and one more.
        let rows = parse(
            "note\tevidence\tvalue\tdate\tobject\tsubject\trelation\tarticle\n\
             x\tHe left.\t\t2023\tCSTO\tUzbekistan\tformer_member_of\tu08",
        )
        .unwrap();
        assert_eq!(rows[0].article, "u08");
        assert_eq!(rows[0].relation, "former_member_of");
        assert_eq!(rows[0].date, "2023");
    }

    #[test]
    fn a_bad_gold_file_names_the_file_and_the_line() {
        let check = |text: &str, expected: &str| {
            let err = parse(text).unwrap_err();
            assert!(err.starts_with(expected), "{err}");
        };
        check("", "gold.tsv:1: the file is empty");
        check(
            "article\trelation\tsubject\tobject\tdate\tvalue\n",
            "gold.tsv:1: the header has no column `evidence`",
        );
        check(
            "article relation subject object date value evidence\n",
            "gold.tsv:1: the header has no column `article`",
        );
        check(
            &format!("{HEADER}\tarticle\n"),
            "gold.tsv:1: the header names the column `article` twice",
        );
        check(
            &format!("{HEADER}\na\tmember_of\tArmenia\tCSTO\t\t\t\n\na\tmember_of\tBelarus CSTO\n"),
            "gold.tsv:4: 3 tab-separated fields, but the header puts `object` in field 4",
        );
        let mut bytes = format!("{HEADER}\r\na\tsaid\tX\t").into_bytes();
        bytes.push(0xff);
        let err = parse_gold(&bytes, Path::new("g.tsv")).unwrap_err();
        assert!(err.to_string().starts_with("g.tsv:2: not UTF-8"), "{err}");
    }
}
