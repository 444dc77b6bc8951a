//! The queries that read a trace's claims, each with its article, its
//! sentence (the span marked) and its rule, and the grouping of claims into
//! facts with their corroboration. Names reach SPARQL only as bound values
//! ([`values_clause`]).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use oxigraph::model::{Literal, NamedNode, Term};

use super::{TraceError, TracedClaim, TracedFact, Via};
use crate::claim::Relation;
use crate::graph::ArticleInfo;
use crate::rdf;
use crate::rdf::vocab::SPARQL_PREFIXES;
use crate::read::properties::{patterns, Property, DATE_VALUE, EVIDENCE, QUOTATION, STATEMENT};
use crate::read::{cell, values_clause, Source};

/// The patterns that read what a trace shows of a claim: plain patterns,
/// since every trace query binds its claims, subject or object.
fn details() -> String {
    let properties = [
        STATEMENT.as_slice(),
        &EVIDENCE,
        &[
            Property::required("claim", "nif:anchorOf", "exact"),
            Property::optional("sentence", "nif:anchorOf", "sentence_text"),
            Property::optional("sentence", "nif:beginIndex", "sentence_begin"),
            Property::optional("sentence", "akg:sentenceIndex", "sentence_index"),
            Property::optional("claim", "akg:confidence", "confidence"),
        ],
        &DATE_VALUE,
        &[QUOTATION],
    ]
    .concat();
    format!("  ?claim a akg:Claim .\n{}", patterns(&properties))
}

/// Selects the claims about `?e`, as subject or object.
pub(super) const ENTITY_SELECTOR: &str = "{ ?claim rdf:subject ?e } UNION { ?claim rdf:object ?e }";

/// The columns every claim query selects, in order.
const COLUMNS: &str = "?claim ?s ?p ?o ?article ?sentence_text ?sentence_begin ?sentence_index ?begin ?end ?exact ?rule ?confidence ?date ?value ?quote";

/// A claim row as read, before grouping.
#[derive(Clone, Debug)]
pub(super) struct Row {
    pub(super) s: String,
    pub(super) p: String,
    pub(super) o: Term,
    quote: Option<String>,
    pub(super) claim: TracedClaim,
}

/// What the queries of one trace share.
pub(super) struct Context<'a> {
    pub(super) source: &'a dyn Source,
    pub(super) articles: &'a BTreeMap<String, ArticleInfo>,
    pub(super) labels: &'a BTreeMap<String, String>,
    /// The titles of roles that act for their state (`lex:leaderTitle`),
    /// lower case.
    pub(super) leader_titles: &'a [String],
    /// The most claims a trace keeps: the most rows one query reads.
    pub(super) max_claims: usize,
    /// Whether a query stopped at `max_claims`.
    pub(super) truncated: Cell<bool>,
}

impl Context<'_> {
    /// Runs the [`details`] query with a selector pattern; `extra` names the
    /// bound variables to select besides [`COLUMNS`].
    pub(super) fn rows(
        &self,
        selector: &str,
        extra: &str,
        bindings: &[(&str, Term)],
    ) -> Result<Vec<Row>, TraceError> {
        let values = values_clause(bindings)?;
        let limit = match self.max_claims.checked_add(1) {
            Some(rows) => format!(" LIMIT {rows}"),
            None => String::new(),
        };
        let query = format!(
            "{SPARQL_PREFIXES}SELECT {COLUMNS} {extra} WHERE {{ {values} {selector}\n{} }}{limit}",
            details()
        );
        let (_, rows) = self.source.select(&query, &[])?;
        if rows.len() > self.max_claims {
            self.truncated.set(true);
        }
        let mut out: BTreeMap<String, Row> = BTreeMap::new();
        for row in &rows {
            if let Some(parsed) = self.parse_row(row) {
                out.entry(parsed.claim.claim.clone()).or_insert(parsed);
            }
        }
        Ok(out.into_values().collect())
    }

    pub(super) fn fact_rows(
        &self,
        s: &NamedNode,
        p: &NamedNode,
        o: &Term,
    ) -> Result<Vec<Row>, TraceError> {
        self.rows(
            "",
            "",
            &[
                ("s", s.clone().into()),
                ("p", p.clone().into()),
                ("o", o.clone()),
            ],
        )
    }

    /// Claims where a leader of `state`, named in that role in the same
    /// article, does `p o`.
    ///
    /// In three small steps rather than one join: the state's leader roles,
    /// who holds them in which article, then each holder's `p o` claims in
    /// those articles. A role's description repeats in every article that
    /// names it, so in the union graph one join multiplied the rows by the
    /// number of those articles (`Armenia invoked "Article 4"` on 1,000
    /// articles: 398 s; now 1.1 s).
    pub(super) fn via_rows(
        &self,
        state: &NamedNode,
        p: &NamedNode,
        o: &Term,
    ) -> Result<Vec<Row>, TraceError> {
        let values = values_clause(&[("state", state.clone().into())])?;
        let query = format!(
            "{SPARQL_PREFIXES}SELECT DISTINCT ?role ?title ?role_label WHERE {{ {values}
  ?role akg:roleOf ?state ; akg:roleTitle ?title .
  OPTIONAL {{ ?role skos:prefLabel ?role_label }} }}"
        );
        let (_, roles) = self.source.select(&query, &[])?;
        // Person IRI → article id → the smallest role claim there.
        let mut holders: BTreeMap<String, BTreeMap<String, Via>> = BTreeMap::new();
        for role_row in &roles {
            let Some(Some(role)) = role_row.first() else {
                continue;
            };
            let title = cell(role_row, 1).unwrap_or_default().to_lowercase();
            if !self
                .leader_titles
                .iter()
                .any(|t| title.starts_with(t.as_str()))
            {
                continue;
            }
            let role_name = cell(role_row, 2).unwrap_or_else(|| title.clone());
            let values = values_clause(&[("role", role.clone())])?;
            let query = format!(
                "{SPARQL_PREFIXES}SELECT DISTINCT ?s ?article ?role_claim WHERE {{ {values}
  ?role_claim rdf:object ?role ; rdf:predicate akg:holdsRole ; rdf:subject ?s ; prov:wasDerivedFrom ?a .
  ?a dcterms:identifier ?article }}"
            );
            let (_, held) = self.source.select(&query, &[])?;
            for row in &held {
                let (Some(person), Some(article), Some(role_claim)) =
                    (cell(row, 0), cell(row, 1), cell(row, 2))
                else {
                    continue;
                };
                let via = Via {
                    person: self.label(&Term::NamedNode(NamedNode::new_unchecked(&person)), None),
                    role: role_name.clone(),
                    role_claim,
                };
                // Keep the smallest, so that the output is stable.
                let slot = holders.entry(person).or_default();
                match slot.get(&article) {
                    Some(old) if *old <= via => {}
                    _ => {
                        slot.insert(article, via);
                    }
                }
            }
        }
        let mut out: BTreeMap<String, Row> = BTreeMap::new();
        for (person, articles) in &holders {
            let person = NamedNode::new_unchecked(person);
            for mut row in self.fact_rows(&person, p, o)? {
                let Some(via) = articles.get(&row.claim.article.id) else {
                    continue;
                };
                row.claim.via = Some(via.clone());
                out.entry(row.claim.claim.clone()).or_insert(row);
            }
        }
        Ok(out.into_values().collect())
    }

    /// Literal objects of `relation` equal to `name`, ignoring case.
    pub(super) fn literal_objects(
        &self,
        relation: Relation,
        name: &str,
    ) -> Result<Vec<Term>, TraceError> {
        let query = format!(
            "{SPARQL_PREFIXES}SELECT DISTINCT ?o ?p ?name WHERE {{ ?claim a akg:Claim ; rdf:predicate ?p ; rdf:object ?o . FILTER(isLiteral(?o) && LCASE(STR(?o)) = LCASE(STR(?name))) }}"
        );
        let predicate = rdf::property(relation).into_owned();
        let bindings = [
            ("name", Literal::new_simple_literal(name.trim()).into()),
            ("p", predicate.into()),
        ];
        let (_, rows) = self.source.select(&query, &bindings)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect())
    }

    fn parse_row(&self, row: &[Option<Term>]) -> Option<Row> {
        let int = |i: usize| cell(row, i).and_then(|v| v.parse::<i64>().ok());
        let claim = cell(row, 0)?;
        let s = cell(row, 1)?;
        let p = cell(row, 2)?;
        let o = row.get(3)?.clone()?;
        let article = cell(row, 4)?;
        let sentence = cell(row, 5).unwrap_or_default();
        let sentence_begin = int(6);
        let (begin, end) = (int(8)?, int(9)?);
        let exact = cell(row, 10)?;
        let (before, highlight, after) = mark(&sentence, sentence_begin, begin, end, &exact);
        Some(Row {
            s,
            p,
            o,
            quote: cell(row, 15),
            claim: TracedClaim {
                claim,
                article: self.articles.get(&article).cloned().unwrap_or(ArticleInfo {
                    id: article,
                    ..ArticleInfo::default()
                }),
                sentence_index: int(7),
                sentence,
                begin,
                end,
                exact,
                before,
                highlight,
                after,
                rule: cell(row, 11).unwrap_or_default(),
                confidence: cell(row, 12).and_then(|c| c.parse().ok()),
                date: cell(row, 13),
                value: cell(row, 14),
                via: None,
            },
        })
    }

    /// The label of an entity, the quotation of a quote, the value of a
    /// literal.
    pub(super) fn label(&self, term: &Term, quote: Option<&str>) -> String {
        if let Some(quote) = quote {
            return format!("“{quote}”");
        }
        match term {
            Term::NamedNode(node) => self
                .labels
                .get(node.as_str())
                .cloned()
                .unwrap_or_else(|| node.as_str().to_owned()),
            Term::Literal(literal) => literal.value().to_owned(),
            other => other.to_string(),
        }
    }

    /// Groups rows into facts; `corroboration` overrides the articles
    /// counted (for a single claim, the whole fact's).
    pub(super) fn group(
        &self,
        rows: Vec<Row>,
        corroboration: Option<BTreeSet<String>>,
    ) -> Vec<TracedFact> {
        type Key = (usize, String, String, String);
        let mut facts: BTreeMap<Key, (String, String, Vec<TracedClaim>)> = BTreeMap::new();
        for row in rows {
            let relation = rdf::relation(&row.p);
            let (order, name) = match relation {
                Some(r) => (
                    Relation::ALL
                        .iter()
                        .position(|x| *x == r)
                        .unwrap_or(usize::MAX),
                    r.name().to_owned(),
                ),
                None => (usize::MAX, row.p.clone()),
            };
            let subject = self.label(
                &Term::NamedNode(NamedNode::new_unchecked(row.s.clone())),
                None,
            );
            let object = self.label(&row.o, row.quote.as_deref());
            let key = (order, subject.clone(), name.clone(), object.clone());
            let entry = facts
                .entry(key)
                .or_insert_with(|| (subject, object, Vec::new()));
            if !entry.2.iter().any(|c| c.claim == row.claim.claim) {
                entry.2.push(row.claim);
            }
        }
        facts
            .into_iter()
            .map(|((_, _, relation, _), (subject, object, mut claims))| {
                claims.sort_by(|a, b| {
                    (&a.article.id, a.begin, &a.claim).cmp(&(&b.article.id, b.begin, &b.claim))
                });
                let articles: BTreeSet<String> = match &corroboration {
                    Some(all) => all.clone(),
                    None => claims.iter().map(|c| c.article.id.clone()).collect(),
                };
                TracedFact {
                    subject,
                    relation,
                    object,
                    corroboration: articles.len(),
                    articles: articles.into_iter().collect(),
                    claims,
                }
            })
            .collect()
    }
}

/// Splits a sentence around a claim's span: (before, span, after). Offsets
/// are code points into the article; the sentence starts at
/// `sentence_begin`. A span that runs past the sentence (a quotation over
/// several sentences) is shown as its exact text.
fn mark(
    sentence: &str,
    sentence_begin: Option<i64>,
    begin: i64,
    end: i64,
    exact: &str,
) -> (String, String, String) {
    let chars: Vec<char> = sentence.chars().collect();
    let len = chars.len() as i64;
    let Some(start) = sentence_begin else {
        return (String::new(), exact.to_owned(), String::new());
    };
    let (rel_begin, rel_end) = (begin - start, end - start);
    let slice = |a: i64, b: i64| -> String {
        let (a, b) = (a.clamp(0, len) as usize, b.clamp(0, len) as usize);
        chars[a..b.max(a)].iter().collect()
    };
    if 0 <= rel_begin && rel_begin <= rel_end && rel_end <= len {
        (
            slice(0, rel_begin),
            slice(rel_begin, rel_end),
            slice(rel_end, len),
        )
    } else if 0 <= rel_begin && rel_begin <= len {
        (slice(0, rel_begin), exact.to_owned(), String::new())
    } else {
        (String::new(), exact.to_owned(), String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_spans() {
        let check = |begin, end, exact: &str, expected: (&str, &str, &str)| {
            let got = mark("Ünïcode sentence here.", Some(100), begin, end, exact);
            assert_eq!((got.0.as_str(), got.1.as_str(), got.2.as_str()), expected);
        };
        check(100, 107, "Ünïcode", ("", "Ünïcode", " sentence here."));
        check(108, 116, "sentence", ("Ünïcode ", "sentence", " here."));
        check(
            117,
            150,
            "here. And more",
            ("Ünïcode sentence ", "here. And more", ""),
        );
        check(10, 20, "elsewhere", ("", "elsewhere", ""));
    }
}
