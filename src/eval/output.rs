//! Writing a [`Report`]: the table as evalfacts.py prints it, and JSON.

use std::io::{self, Write};

use serde::Serialize;

use super::{Attribute, AttributeTallies, Counts, Finding, Report, SchemaRow};

/// Writes the report as evalfacts.py prints it: the table (with, if
/// `verbose`, each relation's findings above its row), the matched facts'
/// attributes and the micro line, last. Each finding's line is followed by
/// indented `evidence:` and, for a claim, `rule:` lines that evalfacts.py
/// does not print.
pub fn write_table(report: &Report, verbose: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{:<22} {:>5} {:>5} {:>4} {:>6} {:>6}",
        "relation", "gold", "pred", "tp", "P", "R"
    )?;
    for relation in &report.relations {
        if verbose {
            for finding in &relation.findings {
                write_finding(relation.relation, finding, out)?;
            }
        }
        let counts = relation.counts;
        writeln!(
            out,
            "{:<22} {:>5} {:>5} {:>4} {:>6.2} {:>6.2}",
            relation.relation,
            counts.gold(),
            counts.predicted(),
            counts.true_positives,
            counts.precision(),
            counts.recall()
        )?;
    }
    let AttributeTallies {
        date,
        value,
        exact_canonical_names: names,
    } = report.attributes;
    writeln!(
        out,
        "matched facts: date {}/{}, value {}/{}, exact canonical names {}/{}",
        date.matching, date.total, value.matching, value.total, names.matching, names.total
    )?;
    let micro = report.micro();
    writeln!(
        out,
        "micro P={:.3} R={:.3} F1={:.3} (tp={} fp={} fn={})",
        micro.precision(),
        micro.recall(),
        micro.f1(),
        micro.true_positives,
        micro.false_positives,
        micro.false_negatives
    )
}

fn write_finding(relation: &str, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    match finding {
        Finding::Miss(gold) => {
            writeln!(
                out,
                "  MISS {} {relation} {} | {}",
                gold.article, gold.subject, gold.object
            )?;
            write_evidence(&gold.evidence, out)
        }
        Finding::Extra(claim) => {
            writeln!(
                out,
                "  EXTRA {} {relation} {} | {}",
                claim.article, claim.subject, claim.object
            )?;
            write_evidence(&claim.evidence, out)?;
            writeln!(out, "    rule: {}", claim.rule)
        }
        Finding::WrongAttribute {
            attribute,
            gold,
            predicted,
        } => {
            let object: String = gold.object.chars().take(40).collect();
            writeln!(
                out,
                "  {} {} {relation} {} | {object}: want {}, got {}",
                attribute.label(),
                gold.article,
                gold.subject,
                python_repr(attribute.of(gold)),
                python_repr(attribute.of(predicted))
            )?;
            write_evidence(&predicted.evidence, out)?;
            writeln!(out, "    rule: {}", predicted.rule)
        }
    }
}

fn write_evidence(evidence: &str, out: &mut dyn Write) -> io::Result<()> {
    if evidence.is_empty() {
        writeln!(out, "    evidence: (none given)")
    } else {
        writeln!(out, "    evidence: {evidence}")
    }
}

/// Python's `repr` of a string, as evalfacts.py prints dates and values:
/// single quotes unless the text has one and no double quote; backslashes,
/// the quote, and invisible characters escaped.
fn python_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut repr = String::with_capacity(text.len() + 2);
    repr.push(quote);
    for c in text.chars() {
        match c {
            '\\' => repr.push_str("\\\\"),
            '\t' => repr.push_str("\\t"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            _ if c == quote => {
                repr.push('\\');
                repr.push(c);
            }
            _ if is_unprintable(c) => {
                let code = u32::from(c);
                let escaped = match code {
                    0..=0xff => format!("\\x{code:02x}"),
                    0x100..=0xffff => format!("\\u{code:04x}"),
                    _ => format!("\\U{code:08x}"),
                };
                repr.push_str(&escaped);
            }
            _ => repr.push(c),
        }
    }
    repr.push(quote);
    repr
}

/// Characters Python's `repr` escapes: controls, separators other than the
/// space, and the common invisible format characters.
fn is_unprintable(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Counts and rates, for JSON.
#[derive(Serialize)]
struct JsonCounts {
    #[serde(skip_serializing_if = "Option::is_none")]
    relation: Option<&'static str>,
    gold: usize,
    predicted: usize,
    #[serde(flatten)]
    counts: Counts,
    precision: f64,
    recall: f64,
    f1: f64,
}

impl JsonCounts {
    fn new(relation: Option<&'static str>, counts: Counts) -> Self {
        JsonCounts {
            relation,
            gold: counts.gold(),
            predicted: counts.predicted(),
            counts,
            precision: counts.precision(),
            recall: counts.recall(),
            f1: counts.f1(),
        }
    }
}

/// A wrong date or value, for JSON.
#[derive(Serialize)]
struct JsonWrongAttribute<'r> {
    attribute: Attribute,
    gold: &'r SchemaRow,
    predicted: &'r SchemaRow,
}

/// The report, for JSON.
#[derive(Serialize)]
struct JsonReport<'r> {
    articles: usize,
    relations: Vec<JsonCounts>,
    matched_facts: AttributeTallies,
    micro: JsonCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    misses: Option<Vec<&'r SchemaRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extras: Option<Vec<&'r SchemaRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wrong_attributes: Option<Vec<JsonWrongAttribute<'r>>>,
}

/// Writes the report as a JSON object: `articles`, `relations` (one object
/// per relation with its counts, precision, recall and F1), `matched_facts`
/// and `micro`; with `verbose`, also `misses`, `extras` (with their rule)
/// and `wrong_attributes`.
pub fn write_json(report: &Report, verbose: bool, out: &mut dyn Write) -> io::Result<()> {
    let findings = || report.relations.iter().flat_map(|r| &r.findings);
    let json = JsonReport {
        articles: report.n_articles,
        relations: report
            .relations
            .iter()
            .map(|r| JsonCounts::new(Some(r.relation), r.counts))
            .collect(),
        matched_facts: report.attributes,
        micro: JsonCounts::new(None, report.micro()),
        misses: verbose.then(|| {
            findings()
                .filter_map(|f| match f {
                    Finding::Miss(gold) => Some(gold),
                    _ => None,
                })
                .collect()
        }),
        extras: verbose.then(|| {
            findings()
                .filter_map(|f| match f {
                    Finding::Extra(claim) => Some(claim),
                    _ => None,
                })
                .collect()
        }),
        wrong_attributes: verbose.then(|| {
            findings()
                .filter_map(|f| match f {
                    Finding::WrongAttribute {
                        attribute,
                        gold,
                        predicted,
                    } => Some(JsonWrongAttribute {
                        attribute: *attribute,
                        gold,
                        predicted,
                    }),
                    _ => None,
                })
                .collect()
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_quotes_as_python_does() {
        let check = |text: &str, expected: &str| assert_eq!(python_repr(text), expected);
        check("2022-09", "'2022-09'");
        check("it's", "\"it's\"");
        check("a\"b", "'a\"b'");
        check("'\"", "'\\'\"'");
        check("x\u{a0}y\u{200b}", "'x\\xa0y\\u200b'");
        check("", "''");
    }
}
