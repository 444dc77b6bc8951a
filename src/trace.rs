//! `akg trace`: from an entity, a fact or a claim back to the sentences
//! that state it.
//!
//! A [`Target`] is an entity name or alias (`Pashinyan`), a fact given as
//! subject, relation and object (`Armenia invoked "Article 4"`), or a claim
//! IRI. Names are resolved through `skos:prefLabel` and `skos:altLabel`,
//! ignoring case; a relation may be given by its export name (`member_of`)
//! or its property (`memberOf`). A fact's claims include those where a
//! leader of the subject does the act in an article that names them in
//! that role (Armenia's prime minister invoking Article 4 is Armenia
//! invoking it); such claims say so (`via`).
//!
//! Every name the user gives reaches SPARQL only as a bound variable
//! ([`Source::select`]'s bindings or a [`values_clause`]), never as query
//! text.
//!
//! Each traced claim carries its article's title, date and publisher, its
//! sentence with the span marked, the code-point offsets and the rule; each
//! fact its corroboration (distinct supporting articles). This module never
//! prints: [`write_text`] and [`write_json`] write to a given `io::Write`.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use oxigraph::model::{Literal, NamedNode, Term};
use serde::Serialize;

use crate::claim::Relation;
use crate::graph::{self, normalize_name, ArticleInfo};
use crate::rdf;
use crate::rdf::vocab::{skos, CLAIM, LEX, SPARQL_PREFIXES};
use crate::read::properties::{patterns, Property, DATE_VALUE, EVIDENCE, QUOTATION, STATEMENT};
use crate::read::{cell, values_clause, QueryError, Source};
use crate::terminal::escape_controls;

/// What to trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every claim about an entity.
    Entity(String),
    /// The claims of one fact.
    Fact {
        /// The subject's name.
        subject: String,
        /// The relation's name.
        relation: String,
        /// The object's name.
        object: String,
    },
    /// One claim, by IRI (or an entity, by IRI).
    Claim(String),
}

impl Target {
    /// One argument is an IRI (`<…>` or `http…`: a claim or an entity) or
    /// an entity name; three are a fact.
    pub fn from_args(args: &[String]) -> Result<Target, TraceError> {
        match args {
            [one] => {
                let bare = one
                    .trim()
                    .strip_prefix('<')
                    .and_then(|s| s.strip_suffix('>'))
                    .unwrap_or(one.trim());
                if bare.starts_with("http://") || bare.starts_with("https://") {
                    Ok(Target::Claim(bare.to_owned()))
                } else {
                    Ok(Target::Entity(one.clone()))
                }
            }
            [subject, relation, object] => Ok(Target::Fact {
                subject: subject.clone(),
                relation: relation.clone(),
                object: object.clone(),
            }),
            _ => Err(TraceError::Usage),
        }
    }
}

/// Why a trace failed.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// Neither one nor three arguments.
    #[error("give a name, a claim IRI, or SUBJECT RELATION OBJECT; see 'akg trace --help'")]
    Usage,
    /// No entity has this label.
    #[error("no entity matches {name:?}; closest known names: {}", .suggestions.join(", "))]
    NoEntity {
        /// The name as given.
        name: String,
        /// The closest labels, best first.
        suggestions: Vec<String>,
    },
    /// Not a relation.
    #[error("unknown relation {name:?}; use one of {known}")]
    UnknownRelation {
        /// The name as given.
        name: String,
        /// The relation names, comma-separated.
        known: String,
    },
    /// No claim has this IRI.
    #[error("no claim or entity {iri:?} in the store; claim IRIs start with {CLAIM}")]
    NoClaim {
        /// The IRI as given.
        iri: String,
    },
    /// The fact has no claim.
    #[error("no claim states that {subject} {relation} {object}; try 'akg trace {subject}'")]
    NoFact {
        /// Subject label.
        subject: String,
        /// Relation name.
        relation: String,
        /// Object label.
        object: String,
    },
    /// The entity is known but no claim names it.
    #[error("{entity} is known, but no claim in the store names it: nothing to trace")]
    NoClaimAbout {
        /// The entity's label (labels, when the name matched several).
        entity: String,
    },
    /// The store could not be read.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// A leader through whom a state did what a claim says.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Via {
    /// The person's label.
    pub person: String,
    /// The role (e.g. "Prime Minister of Armenia").
    pub role: String,
    /// The claim, in the same article, that the person holds the role.
    pub role_claim: String,
}

/// One claim, located in its article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TracedClaim {
    /// The claim IRI.
    pub claim: String,
    /// The article's metadata.
    pub article: ArticleInfo,
    /// The sentence's index in the article.
    pub sentence_index: Option<i64>,
    /// The sentence.
    pub sentence: String,
    /// Code-point offset of the span in the article.
    pub begin: i64,
    /// End of the span (exclusive).
    pub end: i64,
    /// The stored exact text of the span (`nif:anchorOf`).
    pub exact: String,
    /// The sentence before the span.
    pub before: String,
    /// The text marked as the span: the sentence sliced at the offsets, or
    /// the exact text when the span runs past the sentence (a quotation).
    pub highlight: String,
    /// The sentence after the span.
    pub after: String,
    /// The rule that made the claim.
    pub rule: String,
    /// The rule's confidence.
    pub confidence: Option<f64>,
    /// The date the claim gives.
    pub date: Option<String>,
    /// The number or outcome the claim gives.
    pub value: Option<String>,
    /// The leader who did it, for a claim about a state made through them.
    pub via: Option<Via>,
}

/// A fact and the claims shown for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TracedFact {
    /// Subject label.
    pub subject: String,
    /// Relation name.
    pub relation: String,
    /// Object label (or the quotation, or the literal).
    pub object: String,
    /// Distinct articles supporting the fact.
    pub corroboration: usize,
    /// Their ids.
    pub articles: Vec<String>,
    /// The claims, by article and position.
    pub claims: Vec<TracedClaim>,
}

/// The result of a trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    /// What was traced, in words.
    pub target: String,
    /// The facts, each with its claims.
    pub facts: Vec<TracedFact>,
}

/// How the span is marked in text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// ANSI bold yellow (for a terminal).
    Ansi,
    /// `[[…]]` (for pipes and files).
    Brackets,
}

/// The phrase list of the titles of roles that act for their state
/// (`lex:leaderTitle` of the phrasing, in the store's ontology graph).
const LEADER_TITLE_LIST: &str = "leaderTitle";
const RESOLVE_QUERY: &str = "
SELECT ?e ?prop ?name WHERE {
  VALUES ?prop { skos:prefLabel skos:altLabel }
  ?e ?prop ?label .
  FILTER(LCASE(STR(?label)) = LCASE(STR(?name)))
}";

const LABELS_QUERY: &str = "
SELECT DISTINCT ?label WHERE {
  ?e skos:prefLabel|skos:altLabel ?label .
}";

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
const ENTITY_SELECTOR: &str = "{ ?claim rdf:subject ?e } UNION { ?claim rdf:object ?e }";

/// The columns every claim query selects, in order.
const COLUMNS: &str = "?claim ?s ?p ?o ?article ?sentence_text ?sentence_begin ?sentence_index ?begin ?end ?exact ?rule ?confidence ?date ?value ?quote";

/// A claim row as read, before grouping.
#[derive(Clone, Debug)]
struct Row {
    s: String,
    p: String,
    o: Term,
    quote: Option<String>,
    claim: TracedClaim,
}

/// Runs a trace.
pub fn trace(source: &dyn Source, target: &Target) -> Result<Trace, TraceError> {
    trace_at_most(source, target, usize::MAX).map(|(trace, _)| trace)
}

/// Runs a trace that keeps at most `max_claims` claims (`akg serve`'s
/// `--max-rows`), reading no more than that many rows per query; true
/// when it left claims out.
pub fn trace_at_most(
    source: &dyn Source,
    target: &Target,
    max_claims: usize,
) -> Result<(Trace, bool), TraceError> {
    let articles = graph::load_articles(source)?;
    let labels: BTreeMap<String, String> = graph::load_entities(source)?
        .into_iter()
        .map(|(iri, entity)| (iri, entity.label))
        .collect();
    // Read once per trace: every leader role of every state is checked against them.
    let (_, titles) = source.select(&format!(
            "{SPARQL_PREFIXES}SELECT DISTINCT ?title WHERE {{ <{LEX}{LEADER_TITLE_LIST}> akg:phrase ?title }}"
        ),
        &[],
    )?;
    let leader_titles: Vec<String> = titles
        .iter()
        .filter_map(|row| cell(row, 0))
        .map(|t| t.to_lowercase())
        .collect();
    let ctx = Context {
        source,
        articles: &articles,
        labels: &labels,
        leader_titles: &leader_titles,
        max_claims,
        truncated: Cell::new(false),
    };
    let mut trace = traced(&ctx, target)?;
    let mut left = max_claims;
    let mut truncated = ctx.truncated.get();
    for fact in &mut trace.facts {
        if fact.claims.len() > left {
            fact.claims.truncate(left);
            truncated = true;
        }
        left -= fact.claims.len();
    }
    trace.facts.retain(|fact| !fact.claims.is_empty());
    Ok((trace, truncated))
}

/// The whole trace of `target`.
fn traced(ctx: &Context<'_>, target: &Target) -> Result<Trace, TraceError> {
    let source = ctx.source;
    match target {
        Target::Entity(name) => {
            let entities = resolve(source, name)?;
            let mut rows = Vec::new();
            for entity in &entities {
                rows.extend(ctx.rows(ENTITY_SELECTOR, "?e", &[("e", entity.clone().into())])?);
            }
            let described = entities
                .iter()
                .map(|e| ctx.label(&Term::from(e.clone()), None))
                .collect::<Vec<_>>()
                .join(", ");
            if rows.is_empty() {
                return Err(TraceError::NoClaimAbout { entity: described });
            }
            Ok(Trace {
                target: described,
                facts: ctx.group(rows, None),
            })
        }
        Target::Fact {
            subject,
            relation,
            object,
        } => {
            let relation = parse_relation(relation)?;
            let subjects = resolve(source, subject)?;
            let objects: Vec<Term> = match resolve(source, object) {
                Ok(found) => found.into_iter().map(Term::from).collect(),
                Err(err) => {
                    // Exercise names and votes are literals, not entities.
                    let literals = ctx.literal_objects(relation, object)?;
                    if literals.is_empty() {
                        return Err(err);
                    }
                    literals
                }
            };
            let predicate = rdf::property(relation).into_owned();
            let mut rows = Vec::new();
            for s in &subjects {
                for o in &objects {
                    rows.extend(ctx.fact_rows(s, &predicate, o)?);
                    if relation == Relation::ClashedWith {
                        if let Term::NamedNode(o) = o {
                            rows.extend(ctx.fact_rows(o, &predicate, &s.clone().into())?);
                        }
                    }
                    rows.extend(ctx.via_rows(s, &predicate, o)?);
                }
            }
            let subject_label = ctx.label(&Term::from(subjects[0].clone()), None);
            let object_label = ctx.label(&objects[0], None);
            if rows.is_empty() {
                return Err(TraceError::NoFact {
                    subject: subject_label,
                    relation: relation.name().to_owned(),
                    object: object_label,
                });
            }
            // One fact: the subject and object as asked (clashes both ways).
            for row in &mut rows {
                row.s = subjects[0].as_str().to_owned();
                row.o = objects[0].clone();
            }
            Ok(Trace {
                target: format!("{subject_label} {} {object_label}", relation.name()),
                facts: ctx.group(rows, None),
            })
        }
        Target::Claim(iri) => {
            let node = NamedNode::new(iri.clone())
                .map_err(|_| TraceError::NoClaim { iri: iri.clone() })?;
            let rows = ctx.rows("", "", &[("claim", node.clone().into())])?;
            let Some(first) = rows.first() else {
                // An entity IRI traces the entity.
                let rows = ctx.rows(ENTITY_SELECTOR, "?e", &[("e", node.into())])?;
                if rows.is_empty() {
                    return Err(TraceError::NoClaim { iri: iri.clone() });
                }
                return Ok(Trace {
                    target: iri.clone(),
                    facts: ctx.group(rows, None),
                });
            };
            // The fact's corroboration counts all its claims.
            let s = NamedNode::new_unchecked(first.s.clone());
            let p = NamedNode::new_unchecked(first.p.clone());
            let all = ctx.fact_rows(&s, &p, &first.o)?;
            let articles: BTreeSet<String> =
                all.iter().map(|r| r.claim.article.id.clone()).collect();
            let mut facts = ctx.group(rows, Some(articles));
            facts.truncate(1);
            Ok(Trace {
                target: iri.clone(),
                facts,
            })
        }
    }
}

/// The relation with this name or property name.
pub fn parse_relation(name: &str) -> Result<Relation, TraceError> {
    let key = normalize_name(name);
    Relation::ALL
        .into_iter()
        .find(|r| normalize_name(r.name()) == key || normalize_name(rdf::property_name(*r)) == key)
        .ok_or_else(|| TraceError::UnknownRelation {
            name: name.to_owned(),
            known: Relation::ALL.map(Relation::name).join(", "),
        })
}

/// The entities whose preferred label (or else alternative label) is
/// `name`, ignoring case.
fn resolve(source: &dyn Source, name: &str) -> Result<Vec<NamedNode>, TraceError> {
    let found = entities_named(source, name)?;
    if found.is_empty() {
        return Err(TraceError::NoEntity {
            name: name.to_owned(),
            suggestions: suggestions(source, name.trim())?,
        });
    }
    Ok(found)
}

/// The entities whose preferred label is `name`, ignoring case, or else
/// those whose alternative label it is; none for an empty or unknown name.
/// The name reaches SPARQL as a bound value only.
pub fn entities_named(source: &dyn Source, name: &str) -> Result<Vec<NamedNode>, TraceError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let bindings = [("name", Literal::new_simple_literal(trimmed).into())];
    let (_, rows) = source.select(&format!("{SPARQL_PREFIXES}{RESOLVE_QUERY}"), &bindings)?;
    let mut preferred = BTreeSet::new();
    let mut alternative = BTreeSet::new();
    for row in &rows {
        let (Some(Some(Term::NamedNode(entity))), Some(Some(Term::NamedNode(prop)))) =
            (row.first(), row.get(1))
        else {
            continue;
        };
        if prop.as_ref() == skos::PREF_LABEL {
            preferred.insert(entity.clone());
        } else {
            alternative.insert(entity.clone());
        }
    }
    let found = if preferred.is_empty() {
        alternative
    } else {
        preferred
    };
    Ok(found.into_iter().collect())
}

/// The five known labels closest to `name`.
fn suggestions(source: &dyn Source, name: &str) -> Result<Vec<String>, TraceError> {
    let (_, rows) = source.select(&format!("{SPARQL_PREFIXES}{LABELS_QUERY}"), &[])?;
    let wanted = name.to_lowercase();
    let mut scored: Vec<(f64, String)> = rows
        .iter()
        .filter_map(|row| cell(row, 0))
        .map(|label| (strsim::jaro_winkler(&wanted, &label.to_lowercase()), label))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, label) in scored {
        if !out.contains(&label) {
            out.push(label);
        }
        if out.len() == 5 {
            break;
        }
    }
    Ok(out)
}

struct Context<'a> {
    source: &'a dyn Source,
    articles: &'a BTreeMap<String, ArticleInfo>,
    labels: &'a BTreeMap<String, String>,
    /// The titles of roles that act for their state (`lex:leaderTitle`),
    /// lower case.
    leader_titles: &'a [String],
    /// The most claims a trace keeps: the most rows one query reads.
    max_claims: usize,
    /// Whether a query stopped at `max_claims`.
    truncated: Cell<bool>,
}

impl Context<'_> {
    /// Runs the [`details`] query with a selector pattern; `extra` names the
    /// bound variables to select besides [`COLUMNS`].
    fn rows(
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

    fn fact_rows(&self, s: &NamedNode, p: &NamedNode, o: &Term) -> Result<Vec<Row>, TraceError> {
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
    fn via_rows(&self, state: &NamedNode, p: &NamedNode, o: &Term) -> Result<Vec<Row>, TraceError> {
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
    fn literal_objects(&self, relation: Relation, name: &str) -> Result<Vec<Term>, TraceError> {
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
    fn label(&self, term: &Term, quote: Option<&str>) -> String {
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
    fn group(&self, rows: Vec<Row>, corroboration: Option<BTreeSet<String>>) -> Vec<TracedFact> {
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

/// Writes a trace for people.
pub fn write_text(trace: &Trace, highlight: Highlight, out: &mut dyn Write) -> io::Result<()> {
    let (open, close) = match highlight {
        Highlight::Ansi => ("\x1b[1;33m", "\x1b[0m"),
        Highlight::Brackets => ("[[", "]]"),
    };
    for (n, fact) in trace.facts.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        put(
            out,
            &format!("{} {} {}", fact.subject, fact.relation, fact.object),
        )?;
        put(
            out,
            &format!(
                "  corroboration: {} article{} ({}); {} claim{} shown",
                fact.corroboration,
                if fact.corroboration == 1 { "" } else { "s" },
                fact.articles.join(", "),
                fact.claims.len(),
                if fact.claims.len() == 1 { "" } else { "s" },
            ),
        )?;
        for claim in &fact.claims {
            writeln!(out)?;
            put(out, &format!("  {}", article_line(&claim.article)))?;
            put(out, &format!("    {}", claim_details(claim).join(", ")))?;
            if let Some(via) = &claim.via {
                put(
                    out,
                    &format!("    via {}, {} ({})", via.person, via.role, via.role_claim),
                )?;
            }
            // Only the highlight's own escape codes reach the terminal.
            writeln!(
                out,
                "    {}{open}{}{close}{}",
                escape_controls(&claim.before),
                escape_controls(&claim.highlight),
                escape_controls(&claim.after)
            )?;
            put(out, &format!("    {}", claim.claim))?;
        }
    }
    Ok(())
}

/// Writes one line of third-party text (names, titles, sentences) with its
/// control characters shown escaped, never sent to the terminal.
fn put(out: &mut dyn Write, line: &str) -> io::Result<()> {
    writeln!(out, "{}", escape_controls(line))
}

/// `sentence 3, characters 10–42, rule …, confidence 0.85, date …, value …`.
fn claim_details(claim: &TracedClaim) -> Vec<String> {
    let mut details = Vec::new();
    if let Some(index) = claim.sentence_index {
        details.push(format!("sentence {index}"));
    }
    details.push(format!("characters {}–{}", claim.begin, claim.end));
    details.push(format!("rule {}", claim.rule));
    if let Some(confidence) = claim.confidence {
        details.push(format!("confidence {confidence:.2}"));
    }
    if let Some(date) = &claim.date {
        details.push(format!("date {date}"));
    }
    if let Some(value) = &claim.value {
        details.push(format!("value {value}"));
    }
    details
}

/// `id · “title” · date · publisher`, leaving out what is unknown.
fn article_line(article: &ArticleInfo) -> String {
    let mut parts = vec![article.id.clone()];
    if let Some(title) = &article.title {
        parts.push(format!("“{title}”"));
    }
    parts.extend(article.date.clone());
    parts.extend(article.publisher.clone());
    parts.join(" · ")
}

/// Writes a trace as pretty JSON.
pub fn write_json(trace: &Trace, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, trace)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::store::Store;

    /// One article: "Yerevan invoked Article 4. Its Prime Minister Nikol
    /// Pashinyan invoked Article 4 again." with a claim each, and the role.
    const TRIG: &str = r#"
<https://w3id.org/alliance-kg/ontology-graph> {
  ent:Armenia a akg:State ; skos:prefLabel "Armenia" ; skos:altLabel "Republic of Armenia" .
  ent:Article_4 a akg:TreatyArticle ; skos:prefLabel "Article 4" .
  <https://w3id.org/alliance-kg/lexicon/leaderTitle> akg:phrase "president", "prime minister" .
}
<https://w3id.org/alliance-kg/graph/a1> {
  art:a1 a akg:Article ; dcterms:identifier "a1" ; schema:headline "Headline" ; schema:publisher "Pub" .
  art:a1\/sentence\/0 nif:anchorOf "Yerevan invoked Article 4." ; nif:beginIndex 0 ; nif:endIndex 26 ; akg:sentenceIndex 0 .
  art:a1\/sentence\/1 nif:anchorOf "Its Prime Minister Nikol Pashinyan invoked Article 4 again." ; nif:beginIndex 27 ; nif:endIndex 86 ; akg:sentenceIndex 1 .
  claim:a1\/0 a akg:Claim ; rdf:subject ent:Armenia ; rdf:predicate akg:invoked ; rdf:object ent:Article_4 ;
     prov:wasDerivedFrom art:a1 ; akg:sentence art:a1\/sentence\/0 ; nif:beginIndex 8 ; nif:endIndex 25 ;
     nif:anchorOf "invoked Article 4" ; akg:rule "r.one" ; akg:confidence 0.85 .
  claim:a1\/1 a akg:Claim ; rdf:subject ent:Nikol_Pashinyan ; rdf:predicate akg:invoked ; rdf:object ent:Article_4 ;
     prov:wasDerivedFrom art:a1 ; akg:sentence art:a1\/sentence\/1 ; nif:beginIndex 62 ; nif:endIndex 79 ;
     nif:anchorOf "invoked Article 4" ; akg:rule "r.two" ; akg:date "2022-09"^^xsd:gYearMonth .
  claim:a1\/2 a akg:Claim ; rdf:subject ent:Nikol_Pashinyan ; rdf:predicate akg:holdsRole ; rdf:object ent:role\/PM ;
     prov:wasDerivedFrom art:a1 ; akg:sentence art:a1\/sentence\/1 ; nif:beginIndex 31 ; nif:endIndex 61 ;
     nif:anchorOf "Prime Minister Nikol Pashinyan" ; akg:rule "r.role" .
  ent:Nikol_Pashinyan a akg:Person ; skos:prefLabel "Nikol Pashinyan" .
  ent:role\/PM a akg:Role ; skos:prefLabel "Prime Minister of Armenia" ; akg:roleTitle "Prime Minister" ; akg:roleOf ent:Armenia .
}
"#;

    fn store() -> Store {
        crate::fixtures::store(TRIG)
    }

    fn text(trace: &Trace) -> String {
        let mut out = Vec::new();
        write_text(trace, Highlight::Brackets, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn fact(s: &str, r: &str, o: &str) -> Target {
        Target::Fact {
            subject: s.to_owned(),
            relation: r.to_owned(),
            object: o.to_owned(),
        }
    }

    #[test]
    fn a_fact_with_a_claim_made_through_a_leader() {
        let trace = trace(&store(), &fact("armenia", "invoked", "ARTICLE 4")).unwrap();
        assert_eq!(trace.facts.len(), 1);
        let f = &trace.facts[0];
        assert_eq!(
            (f.subject.as_str(), f.relation.as_str(), f.object.as_str()),
            ("Armenia", "invoked", "Article 4")
        );
        assert_eq!(f.corroboration, 1);
        assert_eq!(f.claims.len(), 2);
        for claim in &f.claims {
            assert_eq!(claim.highlight, claim.exact);
        }
        assert_eq!(f.claims[0].via, None);
        let via = f.claims[1].via.as_ref().unwrap();
        assert_eq!(
            (via.person.as_str(), via.role.as_str()),
            ("Nikol Pashinyan", "Prime Minister of Armenia")
        );
        let out = text(&trace);
        assert!(
            out.contains("    Yerevan [[invoked Article 4]].\n"),
            "{out}"
        );
        assert!(
            out.contains("Its Prime Minister Nikol Pashinyan [[invoked Article 4]] again."),
            "{out}"
        );
        assert!(out.contains("a1 · “Headline” · Pub"), "{out}");
        assert!(
            out.contains("characters 8–25, rule r.one, confidence 0.85"),
            "{out}"
        );
    }

    #[test]
    fn aliases_and_relation_spellings() {
        for relation in ["invoked", "Invoked", "INVOKED"] {
            assert!(trace(
                &store(),
                &fact("Republic of Armenia", relation, "Article 4")
            )
            .is_ok());
        }
        assert!(matches!(
            trace(&store(), &fact("Armenia", "befriended", "Article 4")),
            Err(TraceError::UnknownRelation { .. })
        ));
        assert!(matches!(
            trace(&store(), &fact("Article 4", "member_of", "Armenia")),
            Err(TraceError::NoFact { .. })
        ));
    }

    #[test]
    fn an_entity_and_a_claim() {
        let all = trace(&store(), &Target::Entity("Nikol Pashinyan".to_owned())).unwrap();
        let facts: Vec<String> = all
            .facts
            .iter()
            .map(|f| format!("{} {} {}", f.subject, f.relation, f.object))
            .collect();
        assert_eq!(
            facts,
            [
                "Nikol Pashinyan invoked Article 4",
                "Nikol Pashinyan holds_role Prime Minister of Armenia"
            ]
        );
        let one =
            Target::from_args(&["<https://w3id.org/alliance-kg/claim/a1/1>".to_owned()]).unwrap();
        let traced = trace(&store(), &one).unwrap();
        assert_eq!(traced.facts[0].claims.len(), 1);
        assert_eq!(traced.facts[0].claims[0].rule, "r.two");
        assert!(matches!(
            trace(
                &store(),
                &Target::Claim("https://example.org/nothing".to_owned())
            ),
            Err(TraceError::NoClaim { .. })
        ));
        assert!(matches!(
            trace(&store(), &Target::Claim("http://bad iri".to_owned())),
            Err(TraceError::NoClaim { .. })
        ));
    }

    #[test]
    fn hostile_names_are_data_not_sparql() {
        for name in [
            "Armenia\" } UNION { ?e ?p ?o } #",
            "Armenia\") || true || (\"",
            "}}}{{{",
            "# comment",
            "Arme\nnia",
            "\\u0022",
            "",
        ] {
            match trace(&store(), &Target::Entity(name.to_owned())) {
                Err(TraceError::NoEntity { suggestions, .. }) => assert!(!suggestions.is_empty()),
                other => panic!("{name:?}: {other:?}"),
            }
        }
        let err = trace(&store(), &Target::Entity("Armenai".to_owned()))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("no entity matches \"Armenai\"; closest known names: Armenia"),
            "{err}"
        );
        let err = trace(&store(), &Target::Entity("a\nb".to_owned()))
            .unwrap_err()
            .to_string();
        assert!(!err.contains('\n'), "{err}");
    }

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
