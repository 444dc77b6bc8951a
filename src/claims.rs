//! The claim export of `akg facts`: one row per claim (not per distinct
//! fact), in the columns of the gold schema (article, relation, subject,
//! object, date, value, evidence), read back from the graph so that it
//! shows exactly what the graph holds. `akg eval` scores the same rows.

use std::io::Write;

use oxigraph::model::Term;
use serde::Serialize;

use crate::eval::SchemaRow;
use crate::rdf;
use crate::rdf::vocab::{AKG, ONTOLOGY_GRAPH, SPARQL_PREFIXES};
use crate::read::properties::{subqueries, Property, DATE_VALUE, EVIDENCE, QUOTATION, STATEMENT};
use crate::read::{self, QueryError, Source};

/// One exported claim.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ClaimRow {
    /// The article id.
    pub article: String,
    /// The relation's export name.
    pub relation: String,
    /// The subject's preferred label.
    pub subject: String,
    /// The object's preferred label, the quotation, or the role.
    pub object: String,
    /// The date, if any.
    pub date: String,
    /// The value, if any.
    pub value: String,
    /// The evidence sentence(s).
    pub evidence: String,
    /// Code-point offset of the claim's span.
    pub begin: i64,
    /// End of the claim's span.
    pub end: i64,
    /// The rule.
    pub rule: String,
    /// The claim IRI.
    pub claim: String,
}

/// Every claim with what the export shows of it. Each property is read by
/// its own subquery, which Oxigraph hash-joins: one scan per property
/// instead of one index seek per claim and property.
fn claims_query() -> String {
    let properties = [
        STATEMENT.as_slice(),
        &EVIDENCE,
        &[
            Property::required("sentence", "nif:anchorOf", "evidence"),
            Property::optional("s", "skos:prefLabel", "slabel"),
            Property::optional("o", "skos:prefLabel", "olabel"),
            QUOTATION,
        ],
        &DATE_VALUE,
    ]
    .concat();
    format!(
        "{SPARQL_PREFIXES}
SELECT ?claim ?article ?p ?slabel ?olabel ?quote ?date ?value ?evidence ?begin ?end ?rule WHERE {{
  ?claim a akg:Claim .
{}}}",
        subqueries(&properties)
    )
}

/// The text of `row[i]`, empty when unbound.
fn text(row: &[Option<Term>], i: usize) -> String {
    read::cell(row, i).unwrap_or_default()
}

/// Reads every claim as a row, sorted by article, position and relation.
pub fn claim_rows(source: &dyn Source) -> Result<Vec<ClaimRow>, QueryError> {
    let (_, rows) = source.select(&claims_query(), &[])?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let predicate = text(row, 2);
        let local = predicate.strip_prefix(AKG).unwrap_or(&predicate);
        let relation =
            rdf::relation(&predicate).map_or(local.to_string(), |r| r.name().to_string());
        let quote = text(row, 5);
        let object = if quote.is_empty() {
            text(row, 4)
        } else {
            quote
        };
        out.push(ClaimRow {
            claim: text(row, 0),
            article: text(row, 1),
            relation,
            subject: text(row, 3),
            object,
            date: text(row, 6),
            value: text(row, 7),
            evidence: text(row, 8),
            begin: text(row, 9).parse().unwrap_or(0),
            end: text(row, 10).parse().unwrap_or(0),
            rule: text(row, 11),
        });
    }
    out.sort_by(|a, b| {
        (
            &a.article,
            a.begin,
            a.end,
            &a.relation,
            &a.subject,
            &a.object,
        )
            .cmp(&(
                &b.article,
                b.begin,
                b.end,
                &b.relation,
                &b.subject,
                &b.object,
            ))
    });
    Ok(out)
}

impl ClaimRow {
    /// The row as the gold scorer reads it from `akg facts --format tsv`
    /// (cells as [`write_tsv`] writes them, stripped), with its rule.
    pub fn schema_row(&self) -> SchemaRow {
        let cells = [
            &self.article,
            &self.relation,
            &self.subject,
            &self.object,
            &self.date,
            &self.value,
            &self.evidence,
        ]
        .map(|raw| cell(raw));
        SchemaRow::from_columns(cells.each_ref().map(String::as_str), &self.rule)
    }
}

const ENTITY_LABELS_QUERY: &str = "
SELECT ?entity ?label ?ontology WHERE {
  GRAPH ?ontology { ?entity skos:prefLabel|skos:altLabel ?label }
}";

/// Every name of every gazetteer entity: `(entity IRI, label)` pairs from
/// the ontology graph the store was built with.
pub fn entity_labels(source: &dyn Source) -> Result<Vec<(String, String)>, QueryError> {
    let query = format!("{SPARQL_PREFIXES}{ENTITY_LABELS_QUERY}");
    let ontology = Term::from(ONTOLOGY_GRAPH);
    let (_, rows) = source.select(&query, &[("ontology", ontology)])?;
    Ok(rows
        .iter()
        .map(|row| (text(row, 0), text(row, 1)))
        .filter(|(entity, label)| !entity.is_empty() && !label.is_empty())
        .collect())
}

/// A TSV cell: tabs and newlines become spaces (the gold format has no quoting).
fn cell(raw: &str) -> String {
    raw.replace(['\t', '\n', '\r'], " ")
}

/// Writes claim rows as TSV with the gold schema's header.
pub fn write_tsv(rows: &[ClaimRow], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "article\trelation\tsubject\tobject\tdate\tvalue\tevidence"
    )?;
    for r in rows {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            cell(&r.article),
            cell(&r.relation),
            cell(&r.subject),
            cell(&r.object),
            cell(&r.date),
            cell(&r.value),
            cell(&r.evidence)
        )?;
    }
    Ok(())
}

/// Writes claim rows as a JSON array.
pub fn write_json(rows: &[ClaimRow], out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, rows)?;
    writeln!(out)
}
