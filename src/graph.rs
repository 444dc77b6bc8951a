//! The alliance network: the store's entity-to-entity facts as a `petgraph`
//! graph, for diagrams ([`crate::dot`]) and analysis ([`crate::analysis`]).
//!
//! A node is an entity (its IRI, preferred label and type). An edge is one
//! fact: a relation between two entities with a [`Sign`] and every claim that
//! supports it, so that each edge knows its articles (its corroboration) and
//! each claim can be traced back to its sentence. A symmetric relation
//! (`clashed_with`, stored in both directions) is one edge, from the entity
//! whose label sorts first. One derived relation, `refused_assistance`, turns
//! a request whose stated outcome is "declined" or "ignored" into a hostile
//! edge from the addressee back to the requester; its claims are the
//! request's claims.
//!
//! [`Filter`] chooses relations, entity types and a date range. This module
//! reads the graph through [`Source::select`] with fixed queries (no
//! user input reaches SPARQL) and never prints.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use oxigraph::model::{NamedNodeRef, Term};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::claim::Relation;
use crate::date::PartialDate;
use crate::rdf;
use crate::rdf::vocab::{akg, xsd, SPARQL_PREFIXES};
use crate::read::properties::{subqueries, DATE_VALUE, STATEMENT};
use crate::read::{cell, QueryError, Source};

/// The type of an entity, from its `rdf:type` in the ontology.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    /// A sovereign state.
    State,
    /// A military alliance.
    Alliance,
    /// A person.
    Person,
    /// An organisation.
    Organization,
    /// A government body (ministry, parliament, security council).
    GovernmentBody,
    /// A group (armed group, movement).
    Group,
    /// A treaty.
    Treaty,
    /// An article of a treaty.
    TreatyArticle,
    /// A role a person holds.
    Role,
    /// An entity of no more specific type.
    Other,
}

impl EntityType {
    /// Every type, from the most to the least specific.
    pub const ALL: [EntityType; 10] = [
        EntityType::State,
        EntityType::Alliance,
        EntityType::Person,
        EntityType::GovernmentBody,
        EntityType::Group,
        EntityType::TreatyArticle,
        EntityType::Treaty,
        EntityType::Role,
        EntityType::Organization,
        EntityType::Other,
    ];

    /// The name used on the command line and in JSON (`state`, `alliance`, …).
    pub fn name(self) -> &'static str {
        match self {
            EntityType::State => "state",
            EntityType::Alliance => "alliance",
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::GovernmentBody => "government_body",
            EntityType::Group => "group",
            EntityType::Treaty => "treaty",
            EntityType::TreatyArticle => "treaty_article",
            EntityType::Role => "role",
            EntityType::Other => "other",
        }
    }

    /// The ontology class of the type (`akg:State`).
    pub fn class(self) -> NamedNodeRef<'static> {
        match self {
            EntityType::State => akg::STATE,
            EntityType::Alliance => akg::ALLIANCE,
            EntityType::Person => akg::PERSON,
            EntityType::Organization => akg::ORGANIZATION,
            EntityType::GovernmentBody => akg::GOVERNMENT_BODY,
            EntityType::Group => akg::GROUP,
            EntityType::Treaty => akg::TREATY,
            EntityType::TreatyArticle => akg::TREATY_ARTICLE,
            EntityType::Role => akg::ROLE,
            EntityType::Other => akg::ENTITY,
        }
    }

    /// The type whose ontology class has this IRI.
    pub fn from_class(class: &str) -> Option<EntityType> {
        EntityType::ALL
            .into_iter()
            .find(|kind| kind.class().as_str() == class)
    }

    /// How specific the type is: lower wins when an entity has several.
    fn rank(self) -> usize {
        EntityType::ALL
            .iter()
            .position(|t| *t == self)
            .unwrap_or(EntityType::ALL.len())
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EntityType {
    type Err = String;

    /// Parses a type name, ignoring case, `-` and `_` (`GovernmentBody`,
    /// `government-body`); `organisation` is accepted too.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let key = normalize_name(name);
        if key == "organisation" {
            return Ok(EntityType::Organization);
        }
        EntityType::ALL
            .into_iter()
            .find(|t| normalize_name(t.name()) == key)
            .ok_or_else(|| {
                let names: Vec<&str> = EntityType::ALL.iter().map(|t| t.name()).collect();
                format!(
                    "unknown entity type {name:?}; use one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Lowercase without `_`, `-` and spaces: `member_of`, `memberOf` and
/// `Member-Of` all give `memberof`.
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a relation is cooperative, hostile or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    /// `+`: membership, deployment, support, assistance, hosting a base.
    Cooperative,
    /// `−`: armed clashes, refusals.
    Hostile,
    /// Neither: a former membership, a role.
    Neutral,
}

impl Sign {
    /// `+`, `-` or `0`.
    pub fn symbol(self) -> &'static str {
        match self {
            Sign::Cooperative => "+",
            Sign::Hostile => "-",
            Sign::Neutral => "0",
        }
    }

    /// +1, -1 or 0.
    pub fn value(self) -> i64 {
        match self {
            Sign::Cooperative => 1,
            Sign::Hostile => -1,
            Sign::Neutral => 0,
        }
    }
}

/// The relation of an edge: a stored relation, or one derived from claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeRelation {
    /// A relation stored as a direct triple.
    Fact(Relation),
    /// Addressee → requester: a request for assistance whose stated outcome
    /// is "declined" or "ignored" (derived from the request's claims).
    RefusedAssistance,
}

impl EdgeRelation {
    /// The relations that link two entities, in display order.
    pub const ALL: [EdgeRelation; 10] = [
        EdgeRelation::Fact(Relation::MemberOf),
        EdgeRelation::Fact(Relation::FormerMemberOf),
        EdgeRelation::Fact(Relation::Invoked),
        EdgeRelation::Fact(Relation::RequestedAssistance),
        EdgeRelation::RefusedAssistance,
        EdgeRelation::Fact(Relation::DeployedTo),
        EdgeRelation::Fact(Relation::ClashedWith),
        EdgeRelation::Fact(Relation::Supported),
        EdgeRelation::Fact(Relation::HostsBaseOf),
        EdgeRelation::Fact(Relation::HoldsRole),
    ];

    /// The relations shown when none are chosen: all but `holds_role`.
    pub const DEFAULT: [EdgeRelation; 9] = [
        EdgeRelation::Fact(Relation::MemberOf),
        EdgeRelation::Fact(Relation::FormerMemberOf),
        EdgeRelation::Fact(Relation::Invoked),
        EdgeRelation::Fact(Relation::RequestedAssistance),
        EdgeRelation::RefusedAssistance,
        EdgeRelation::Fact(Relation::DeployedTo),
        EdgeRelation::Fact(Relation::ClashedWith),
        EdgeRelation::Fact(Relation::Supported),
        EdgeRelation::Fact(Relation::HostsBaseOf),
    ];

    /// The export name (`member_of`, `clashed_with`, `refused_assistance`).
    pub fn name(self) -> &'static str {
        match self {
            EdgeRelation::Fact(relation) => relation.name(),
            EdgeRelation::RefusedAssistance => "refused_assistance",
        }
    }

    /// Cooperative, hostile or neutral.
    pub fn sign(self) -> Sign {
        match self {
            EdgeRelation::Fact(
                Relation::MemberOf
                | Relation::Invoked
                | Relation::RequestedAssistance
                | Relation::DeployedTo
                | Relation::Supported
                | Relation::HostsBaseOf
                | Relation::HeldExercise,
            ) => Sign::Cooperative,
            EdgeRelation::Fact(Relation::ClashedWith | Relation::CancelledExercise)
            | EdgeRelation::RefusedAssistance => Sign::Hostile,
            EdgeRelation::Fact(
                Relation::FormerMemberOf
                | Relation::Said
                | Relation::HoldsRole
                | Relation::VotedOnUnResolution,
            ) => Sign::Neutral,
        }
    }

    /// True if `a r b` means `b r a` (one edge, drawn without an arrow).
    pub fn is_symmetric(self) -> bool {
        self == EdgeRelation::Fact(Relation::ClashedWith)
    }
}

impl fmt::Display for EdgeRelation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EdgeRelation {
    type Err = String;

    /// Parses an export name or a property name, ignoring case, `_` and `-`
    /// (`member_of`, `memberOf`, `requestedAssistanceFrom`).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let key = normalize_name(name);
        if let Some(relation) = EdgeRelation::ALL.into_iter().find(|r| {
            normalize_name(r.name()) == key
                || matches!(r, EdgeRelation::Fact(f) if normalize_name(rdf::property_name(*f)) == key)
        }) {
            return Ok(relation);
        }
        let names: Vec<&str> = EdgeRelation::ALL.iter().map(|r| r.name()).collect();
        let known = Relation::ALL.into_iter().find(|r| {
            normalize_name(r.name()) == key || normalize_name(rdf::property_name(*r)) == key
        });
        Err(match known {
            Some(relation) => format!(
                "{} does not link two entities, so it has no edge; use one of {}",
                relation.name(),
                names.join(", ")
            ),
            None => format!("unknown relation {name:?}; use one of {}", names.join(", ")),
        })
    }
}

/// A number or word a claim attaches to its fact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum ClaimValue {
    /// Deaths or troops.
    Count(i64),
    /// An outcome word: granted, declined, fact-finding, ignored.
    Word(String),
}

impl fmt::Display for ClaimValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimValue::Count(n) => write!(f, "{n}"),
            ClaimValue::Word(word) => f.write_str(word),
        }
    }
}

/// One claim behind an edge.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ClaimRef {
    /// The article id.
    pub article: String,
    /// The claim IRI (`akg trace` takes it).
    pub claim: String,
    /// The date the claim gives, if any.
    pub date: Option<PartialDate>,
    /// The number or word the claim gives, if any.
    pub value: Option<ClaimValue>,
}

/// An entity: a node of the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entity {
    /// The IRI.
    pub iri: String,
    /// The preferred label.
    pub label: String,
    /// The type.
    #[serde(rename = "type")]
    pub kind: EntityType,
}

/// A fact: an edge of the network, with the claims that support it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// The relation.
    pub relation: EdgeRelation,
    /// Its sign.
    pub sign: Sign,
    /// The claims, sorted by article and IRI.
    pub claims: Vec<ClaimRef>,
    /// The distinct articles of the claims, sorted.
    pub articles: Vec<String>,
}

impl Fact {
    /// How many distinct articles support the fact.
    pub fn corroboration(&self) -> usize {
        self.articles.len()
    }
}

impl Serialize for EdgeRelation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// What an article's metadata says: its headline, date and publisher.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ArticleInfo {
    /// The article id.
    pub id: String,
    /// The headline, if known.
    pub title: Option<String>,
    /// The publication date, if known.
    pub date: Option<String>,
    /// The publisher, if known.
    pub publisher: Option<String>,
}

impl ArticleInfo {
    /// `id (“title”, date, publisher)`, leaving out what is unknown.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(title) = &self.title {
            parts.push(format!("“{title}”"));
        }
        parts.extend(self.date.clone());
        parts.extend(self.publisher.clone());
        if parts.is_empty() {
            self.id.clone()
        } else {
            format!("{} ({})", self.id, parts.join(", "))
        }
    }
}

/// Which facts a [`Network`] holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The relations; `None` means [`EdgeRelation::DEFAULT`].
    pub relations: Option<BTreeSet<EdgeRelation>>,
    /// The entity types; `None` means all. An edge needs both ends.
    pub types: Option<BTreeSet<EntityType>>,
    /// Keep claims dated on or after this (a dated claim is kept if its
    /// period overlaps the range: `2022` overlaps `--since 2022-09`).
    pub since: Option<PartialDate>,
    /// Keep claims dated on or before this.
    pub until: Option<PartialDate>,
    /// Drop claims without a date when a range is given (by default they
    /// are kept: membership is rarely dated).
    pub dated_only: bool,
}

impl Filter {
    /// True if this relation is chosen.
    pub fn has_relation(&self, relation: EdgeRelation) -> bool {
        match &self.relations {
            Some(chosen) => chosen.contains(&relation),
            None => EdgeRelation::DEFAULT.contains(&relation),
        }
    }

    /// True if entities of this type are chosen.
    pub fn has_type(&self, kind: EntityType) -> bool {
        self.types
            .as_ref()
            .is_none_or(|chosen| chosen.contains(&kind))
    }

    /// True if a claim with this date is in the date range.
    pub fn has_date(&self, date: Option<PartialDate>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(date) = date else {
            return !self.dated_only;
        };
        let (first, last) = period(date);
        self.since.is_none_or(|since| last >= period(since).0)
            && self.until.is_none_or(|until| first <= period(until).1)
    }
}

/// The first and last day a partial date covers, as (year, month, day).
pub fn period(date: PartialDate) -> ((i32, u8, u8), (i32, u8, u8)) {
    let first = (date.year, date.month.unwrap_or(1), date.day.unwrap_or(1));
    let last = (date.year, date.month.unwrap_or(12), date.day.unwrap_or(31));
    (first, last)
}

/// True if one date refines the other (`2022` and `2022-09`), so that both
/// can describe the same event.
pub fn dates_compatible(a: PartialDate, b: PartialDate) -> bool {
    let (a_first, a_last) = period(a);
    let (b_first, b_last) = period(b);
    a_first <= b_last && b_first <= a_last
}

/// Parses a comma-separated list of relations (`all` for every one).
pub fn parse_relations(list: &str) -> Result<BTreeSet<EdgeRelation>, String> {
    let mut out = BTreeSet::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name.eq_ignore_ascii_case("all") {
            out.extend(EdgeRelation::ALL);
        } else {
            out.insert(name.parse()?);
        }
    }
    Ok(out)
}

/// Parses a comma-separated list of entity types.
pub fn parse_types(list: &str) -> Result<BTreeSet<EntityType>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::parse)
        .collect()
}

/// The entity-to-entity facts of the store as a directed multigraph.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Entities and facts; nodes are sorted by label, edges by source label,
    /// target label and relation.
    pub graph: DiGraph<Entity, Fact>,
    /// Every article of the store, by id.
    pub articles: BTreeMap<String, ArticleInfo>,
}

/// The claims between two entities: each property is read by its own
/// subquery, which Oxigraph hash-joins: one scan per property instead of
/// one index seek per claim and property (the claims of 1,000 articles:
/// 5.3 → 0.9 s; the entities: 2.0 → 0.4 s).
fn claims_query() -> String {
    let properties = [STATEMENT.as_slice(), &DATE_VALUE].concat();
    // A literal object (an exercise's name, a vote) is no entity.
    format!(
        "{SPARQL_PREFIXES}SELECT ?claim ?s ?p ?o ?article ?date ?value WHERE {{
  ?claim a akg:Claim .
{}  FILTER(isIRI(?o))
}}",
        subqueries(&properties)
    )
}

/// The entities that claims name, with their labels and types. The types
/// are listed: `?e rdf:type ?type` alone scans every typed node of the
/// store (each claim, sentence and fact), while a bound type reads only its
/// own nodes (10k store: `akg dot` 24.6 → 18.1 s, same output).
fn entities_query() -> String {
    let types: Vec<String> = EntityType::ALL
        .iter()
        .map(|kind| kind.class().to_string())
        .collect();
    format!(
        "{SPARQL_PREFIXES}
SELECT ?e ?label ?type WHERE {{
  {{ SELECT DISTINCT ?e WHERE {{ {{ ?c rdf:subject ?e }} UNION {{ ?c rdf:object ?e FILTER(isIRI(?e)) }} }} }}
  OPTIONAL {{ SELECT ?e ?label WHERE {{ ?e skos:prefLabel ?label }} }}
  OPTIONAL {{ SELECT ?e ?type WHERE {{ VALUES ?type {{ {} }} ?e rdf:type ?type }} }}
}}",
        types.join(" ")
    )
}

const ARTICLES_QUERY: &str = "
SELECT ?id ?title ?date ?publisher WHERE {
  ?a a akg:Article ; dcterms:identifier ?id .
  OPTIONAL { ?a schema:headline ?title }
  OPTIONAL { ?a schema:datePublished ?date }
  OPTIONAL { ?a schema:publisher ?publisher }
}";

/// A claim's value: integers as counts, anything else as a word.
pub(crate) fn claim_value(term: Option<&Term>) -> Option<ClaimValue> {
    let Some(Term::Literal(literal)) = term else {
        return None;
    };
    match literal.value().parse::<i64>() {
        Ok(n) if literal.datatype() == xsd::INTEGER => Some(ClaimValue::Count(n)),
        _ => Some(ClaimValue::Word(literal.value().to_owned())),
    }
}

/// Reads the metadata of every article.
pub fn load_articles(source: &dyn Source) -> Result<BTreeMap<String, ArticleInfo>, QueryError> {
    let (_, rows) = source.select(&format!("{SPARQL_PREFIXES}{ARTICLES_QUERY}"), &[])?;
    let mut out = BTreeMap::new();
    for row in &rows {
        let Some(id) = cell(row, 0) else { continue };
        let info = ArticleInfo {
            id: id.clone(),
            title: cell(row, 1),
            date: cell(row, 2),
            publisher: cell(row, 3),
        };
        // Deterministic if metadata were ever duplicated: keep the smallest.
        out.entry(id)
            .and_modify(|old: &mut ArticleInfo| {
                if (&info.title, &info.date, &info.publisher)
                    < (&old.title, &old.date, &old.publisher)
                {
                    *old = info.clone();
                }
            })
            .or_insert(info);
    }
    Ok(out)
}

/// Reads the label and type of every entity that a claim mentions.
pub fn load_entities(source: &dyn Source) -> Result<BTreeMap<String, Entity>, QueryError> {
    let (_, rows) = source.select(&entities_query(), &[])?;
    let mut out: BTreeMap<String, Entity> = BTreeMap::new();
    let mut typed: BTreeSet<String> = BTreeSet::new();
    for row in &rows {
        let Some(iri) = cell(row, 0) else { continue };
        let kind = cell(row, 2).and_then(|class| EntityType::from_class(&class));
        let label = cell(row, 1);
        let entry = out.entry(iri.clone()).or_insert_with(|| Entity {
            label: local_name(&iri),
            iri: iri.clone(),
            kind: EntityType::Other,
        });
        if let Some(label) = label {
            // The smallest label wins, so that the result is deterministic.
            if entry.label == local_name(&iri) || label < entry.label {
                entry.label = label;
            }
        }
        if let Some(kind) = kind {
            if !typed.contains(&iri) || kind.rank() < entry.kind.rank() {
                entry.kind = kind;
                typed.insert(iri);
            }
        }
    }
    // Quotes, events and other non-entities have none of our types.
    out.retain(|iri, _| typed.contains(iri));
    Ok(out)
}

/// The last path segment of an IRI, with `_` as spaces: a fallback label.
fn local_name(iri: &str) -> String {
    iri.rsplit(['/', '#'])
        .next()
        .unwrap_or(iri)
        .replace('_', " ")
}

/// Key of an edge while loading: relation, source IRI, target IRI.
type EdgeKey = (EdgeRelation, String, String);

impl Network {
    /// Loads the facts that pass `filter`.
    pub fn load(source: &dyn Source, filter: &Filter) -> Result<Network, QueryError> {
        let articles = load_articles(source)?;
        let entities = load_entities(source)?;
        let (_, rows) = source.select(&claims_query(), &[])?;
        let edges = filtered_edges(&rows, &entities, filter);
        let graph = ordered_graph(&entities, edges);
        Ok(Network { graph, articles })
    }

    /// The node with this label (case-insensitive), if any.
    pub fn find(&self, label: &str) -> Option<NodeIndex> {
        let wanted = label.to_lowercase();
        self.graph
            .node_indices()
            .find(|&n| self.graph[n].label.to_lowercase() == wanted)
    }

    /// The number of distinct articles behind all the facts.
    pub fn n_articles(&self) -> usize {
        self.graph
            .edge_weights()
            .flat_map(|fact| fact.articles.iter())
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// The edges of the claims `rows` (of [`claims_query`]) that pass
/// `filter`, each with its claims: a fact's own edge, stored one way for a
/// symmetric relation, and a refused-assistance edge for a request that
/// was declined or ignored.
fn filtered_edges(
    rows: &[Vec<Option<Term>>],
    entities: &BTreeMap<String, Entity>,
    filter: &Filter,
) -> BTreeMap<EdgeKey, BTreeSet<ClaimRef>> {
    let mut edges: BTreeMap<EdgeKey, BTreeSet<ClaimRef>> = BTreeMap::new();
    for row in rows {
        let (Some(claim), Some(s), Some(p), Some(o), Some(article)) = (
            cell(row, 0),
            cell(row, 1),
            cell(row, 2),
            cell(row, 3),
            cell(row, 4),
        ) else {
            continue;
        };
        let Some(relation) = rdf::relation(&p) else {
            continue;
        };
        let date = cell(row, 5).and_then(|d| d.parse::<PartialDate>().ok());
        if !filter.has_date(date) {
            continue;
        }
        let value = claim_value(row.get(6).and_then(Option::as_ref));
        let (Some(subject), Some(object)) = (entities.get(&s), entities.get(&o)) else {
            continue;
        };
        if !filter.has_type(subject.kind) || !filter.has_type(object.kind) || s == o {
            continue;
        }
        let claim_ref = ClaimRef {
            article,
            claim,
            date,
            value,
        };
        let mut add = |relation: EdgeRelation, from: &Entity, to: &Entity| {
            if !filter.has_relation(relation) {
                return;
            }
            let (from, to) = if relation.is_symmetric() && to.label < from.label {
                (to, from)
            } else {
                (from, to)
            };
            edges
                .entry((relation, from.iri.clone(), to.iri.clone()))
                .or_default()
                .insert(claim_ref.clone());
        };
        add(EdgeRelation::Fact(relation), subject, object);
        let refused = matches!(&claim_ref.value, Some(ClaimValue::Word(w)) if w == "declined" || w == "ignored");
        if relation == Relation::RequestedAssistance && refused {
            add(EdgeRelation::RefusedAssistance, object, subject);
        }
    }
    edges
}

/// The graph of `edges`: nodes in label order, then edges in (source,
/// target, relation) order.
fn ordered_graph(
    entities: &BTreeMap<String, Entity>,
    edges: BTreeMap<EdgeKey, BTreeSet<ClaimRef>>,
) -> DiGraph<Entity, Fact> {
    let mut used: Vec<&Entity> = edges
        .keys()
        .flat_map(|(_, s, o)| [s, o])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter_map(|iri| entities.get(iri))
        .collect();
    used.sort_by(|a, b| (&a.label, &a.iri).cmp(&(&b.label, &b.iri)));
    let mut graph = DiGraph::new();
    let mut index: HashMap<&str, NodeIndex> = HashMap::new();
    for entity in used {
        index.insert(&entity.iri, graph.add_node(entity.clone()));
    }
    let mut ordered: Vec<(NodeIndex, NodeIndex, EdgeRelation, Vec<ClaimRef>)> = edges
        .into_iter()
        .filter_map(|((relation, s, o), claims)| {
            Some((
                *index.get(s.as_str())?,
                *index.get(o.as_str())?,
                relation,
                claims.into_iter().collect(),
            ))
        })
        .collect();
    ordered.sort_by_key(|(s, o, relation, _)| (*s, *o, *relation));
    for (s, o, relation, claims) in ordered {
        let articles: BTreeSet<String> = claims
            .iter()
            .map(|c: &ClaimRef| c.article.clone())
            .collect();
        graph.add_edge(
            s,
            o,
            Fact {
                relation,
                sign: relation.sign(),
                claims,
                articles: articles.into_iter().collect(),
            },
        );
    }
    graph
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::store::Store;

    /// A tiny store in TriG: two articles, a membership stated twice, a
    /// clash stated in both directions, a declined request and a quote.
    const TRIG: &str = r#"
<https://w3id.org/alliance-kg/ontology-graph> {
  ent:A a akg:State ; skos:prefLabel "Aland" .
  ent:B a akg:State ; skos:prefLabel "Borduria" .
  ent:X a akg:Alliance ; skos:prefLabel "Pact" .
}
<https://w3id.org/alliance-kg/graph/a1> {
  <https://w3id.org/alliance-kg/article/a1> a akg:Article ; dcterms:identifier "a1" ; schema:headline "First" .
  <https://w3id.org/alliance-kg/claim/a1/0> a akg:Claim ; rdf:subject ent:A ; rdf:predicate akg:memberOf ; rdf:object ent:X ; prov:wasDerivedFrom <https://w3id.org/alliance-kg/article/a1> .
  <https://w3id.org/alliance-kg/claim/a1/1> a akg:Claim ; rdf:subject ent:B ; rdf:predicate akg:clashedWith ; rdf:object ent:A ; prov:wasDerivedFrom <https://w3id.org/alliance-kg/article/a1> ; akg:date "2022-09"^^xsd:gYearMonth ; akg:value 99 .
  <https://w3id.org/alliance-kg/claim/a1/2> a akg:Claim ; rdf:subject ent:A ; rdf:predicate akg:requestedAssistanceFrom ; rdf:object ent:X ; prov:wasDerivedFrom <https://w3id.org/alliance-kg/article/a1> ; akg:value "declined" .
  <https://w3id.org/alliance-kg/claim/a1/3> a akg:Claim ; rdf:subject ent:A ; rdf:predicate akg:said ; rdf:object <https://w3id.org/alliance-kg/id/quote/a1/3> ; prov:wasDerivedFrom <https://w3id.org/alliance-kg/article/a1> .
  <https://w3id.org/alliance-kg/id/quote/a1/3> a akg:Quote .
}
<https://w3id.org/alliance-kg/graph/a2> {
  <https://w3id.org/alliance-kg/article/a2> a akg:Article ; dcterms:identifier "a2" .
  <https://w3id.org/alliance-kg/claim/a2/0> a akg:Claim ; rdf:subject ent:A ; rdf:predicate akg:memberOf ; rdf:object ent:X ; prov:wasDerivedFrom <https://w3id.org/alliance-kg/article/a2> .
  <https://w3id.org/alliance-kg/claim/a2/1> a akg:Claim ; rdf:subject ent:A ; rdf:predicate akg:clashedWith ; rdf:object ent:B ; prov:wasDerivedFrom <https://w3id.org/alliance-kg/article/a2> ; akg:date "2021"^^xsd:gYear .
}
"#;

    fn store() -> Store {
        crate::fixtures::store(TRIG)
    }

    fn edges(network: &Network) -> Vec<String> {
        let g = &network.graph;
        g.edge_indices()
            .map(|e| {
                let (s, o) = g.edge_endpoints(e).unwrap();
                let fact = &g[e];
                format!(
                    "{} {} {} {} {}",
                    g[s].label,
                    fact.relation,
                    g[o].label,
                    fact.sign.symbol(),
                    fact.articles.join(",")
                )
            })
            .collect()
    }

    #[test]
    fn facts_become_edges_with_their_articles() {
        let network = Network::load(&store(), &Filter::default()).unwrap();
        let labels: Vec<&str> = network
            .graph
            .node_weights()
            .map(|e| e.label.as_str())
            .collect();
        assert_eq!(labels, ["Aland", "Borduria", "Pact"]);
        assert_eq!(
            edges(&network),
            [
                "Aland clashed_with Borduria - a1,a2",
                "Aland member_of Pact + a1,a2",
                "Aland requested_assistance Pact + a1",
                "Pact refused_assistance Aland - a1",
            ]
        );
        let member = network
            .graph
            .edge_weights()
            .find(|f| f.relation.name() == "member_of")
            .unwrap();
        assert_eq!(member.corroboration(), 2);
        assert_eq!(member.claims.len(), 2);
        assert_eq!(network.articles["a1"].title.as_deref(), Some("First"));
    }

    #[test]
    fn filters_choose_relations_types_and_dates() {
        let check = |filter: Filter, expected: &[&str]| {
            assert_eq!(edges(&Network::load(&store(), &filter).unwrap()), expected);
        };
        check(
            Filter {
                relations: Some(parse_relations("clashed_with").unwrap()),
                ..Filter::default()
            },
            &["Aland clashed_with Borduria - a1,a2"],
        );
        check(
            Filter {
                types: Some(parse_types("state").unwrap()),
                ..Filter::default()
            },
            &["Aland clashed_with Borduria - a1,a2"],
        );
        check(
            Filter {
                relations: Some(parse_relations("clashedWith").unwrap()),
                since: Some("2022-09-13".parse().unwrap()),
                ..Filter::default()
            },
            &["Aland clashed_with Borduria - a1"],
        );
        check(
            Filter {
                relations: Some(parse_relations("clashed-with").unwrap()),
                until: Some("2021".parse().unwrap()),
                ..Filter::default()
            },
            &["Aland clashed_with Borduria - a2"],
        );
        check(
            Filter {
                since: Some("2023".parse().unwrap()),
                dated_only: true,
                ..Filter::default()
            },
            &[],
        );
    }

    #[test]
    fn relation_names() {
        for (name, expected) in [
            ("member_of", Ok("member_of")),
            ("memberOf", Ok("member_of")),
            ("requestedAssistanceFrom", Ok("requested_assistance")),
            ("REFUSED-ASSISTANCE", Ok("refused_assistance")),
            ("said", Err("said does not link two entities")),
            ("befriended", Err("unknown relation \"befriended\"")),
        ] {
            let got = name.parse::<EdgeRelation>().map(EdgeRelation::name);
            match (got, expected) {
                (Ok(got), Ok(expected)) => assert_eq!(got, expected),
                (Err(got), Err(expected)) => assert!(got.starts_with(expected), "{got}"),
                (got, expected) => panic!("{name}: {got:?} != {expected:?}"),
            }
        }
        assert_eq!("Government-Body".parse(), Ok(EntityType::GovernmentBody));
        assert!("planet".parse::<EntityType>().is_err());
    }

    #[test]
    fn date_periods_overlap() {
        let d = |s: &str| s.parse::<PartialDate>().unwrap();
        assert!(dates_compatible(d("2022"), d("2022-09")));
        assert!(dates_compatible(d("2022-09-13"), d("2022-09")));
        assert!(!dates_compatible(d("2022-09"), d("2022-10")));
        assert!(!dates_compatible(d("2021"), d("2022-01-01")));
    }
}
