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
//! ([`Source::select`]'s bindings or a
//! [`values_clause`](crate::read::values_clause)), never as query text.
//!
//! Each traced claim carries its article's title, date and publisher, its
//! sentence with the span marked, the code-point offsets and the rule; each
//! fact its corroboration (distinct supporting articles). This module never
//! prints: [`write_text`] and [`write_json`] write to a given `io::Write`.
//!
//! `resolve.rs` finds the entities a name means, `claims.rs` reads the
//! claims of a target and groups them into facts, and `write.rs` writes a
//! trace as text or JSON.

mod claims;
mod resolve;
mod write;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use self::claims::{Context, ENTITY_SELECTOR};
use self::resolve::resolve;
use crate::claim::Relation;
use crate::graph::{self, normalize_name, ArticleInfo};
use crate::rdf;
use crate::rdf::vocab::{CLAIM, LEX, SPARQL_PREFIXES};
use crate::read::{cell, QueryError, Source};

pub use self::resolve::entities_named;
pub use self::write::{write_json, write_text, Highlight};

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

/// The phrase list of the titles of roles that act for their state
/// (`lex:leaderTitle` of the phrasing, in the store's ontology graph).
const LEADER_TITLE_LIST: &str = "leaderTitle";

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
    match target {
        Target::Entity(name) => traced_entity(ctx, name),
        Target::Fact {
            subject,
            relation,
            object,
        } => traced_fact(ctx, subject, relation, object),
        Target::Claim(iri) => traced_claim(ctx, iri),
    }
}

/// Every claim about the entities named `name`, as subject or object.
fn traced_entity(ctx: &Context<'_>, name: &str) -> Result<Trace, TraceError> {
    let source = ctx.source;
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

/// The claims of one fact, including those made through a leader of the
/// subject (and, for a clash, those stated the other way round).
fn traced_fact(
    ctx: &Context<'_>,
    subject: &str,
    relation: &str,
    object: &str,
) -> Result<Trace, TraceError> {
    let source = ctx.source;
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

/// One claim, with its fact's corroboration; an entity IRI traces the
/// entity.
fn traced_claim(ctx: &Context<'_>, iri: &str) -> Result<Trace, TraceError> {
    let node = NamedNode::new(iri).map_err(|_| TraceError::NoClaim {
        iri: iri.to_owned(),
    })?;
    let rows = ctx.rows("", "", &[("claim", node.clone().into())])?;
    let Some(first) = rows.first() else {
        // An entity IRI traces the entity.
        let rows = ctx.rows(ENTITY_SELECTOR, "?e", &[("e", node.into())])?;
        if rows.is_empty() {
            return Err(TraceError::NoClaim {
                iri: iri.to_owned(),
            });
        }
        return Ok(Trace {
            target: iri.to_owned(),
            facts: ctx.group(rows, None),
        });
    };
    // The fact's corroboration counts all its claims.
    let s = NamedNode::new_unchecked(first.s.clone());
    let p = NamedNode::new_unchecked(first.p.clone());
    let all = ctx.fact_rows(&s, &p, &first.o)?;
    let articles: BTreeSet<String> = all.iter().map(|r| r.claim.article.id.clone()).collect();
    let mut facts = ctx.group(rows, Some(articles));
    facts.truncate(1);
    Ok(Trace {
        target: iri.to_owned(),
        facts,
    })
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
}
