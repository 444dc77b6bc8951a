//! RDF: the vocabulary, the ontology loader, and the mapping of one article's
//! claims to quads in that article's named graph.
//!
//! The model (see ARCHITECTURE.md for a Turtle example): every fact is a
//! direct triple (`ent:Armenia akg:invoked ent:Article_4`) backed by one claim
//! node per statement of it (`rdf:subject/predicate/object`, the article, the
//! sentence, NIF begin/end code-point offsets and exact text, the rule and a
//! confidence). Facts with a date or number also get an event node. All of an
//! article's quads live in its own named graph, so one article can be replaced
//! or removed without touching the others.
//!
//! The one exception: the description (type, labels, role title) of an
//! entity the gazetteer does not know (a role, a person found by pattern)
//! goes to that entity's own graph ([`entity_graph`]), written identically
//! by every article that mentions it. Stored once instead of once per
//! article, a label lookup stays one index probe however many articles
//! there are (in the union default graph, a triple repeated in N graphs
//! costs N reads per lookup). `akg build` drops an entity graph once no
//! article refers to its entity.

pub mod ontology;
pub mod vocab;

use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

use crate::claim::{Claim, Object, Relation, Value};
use crate::corpus::Article;
use crate::date::PartialDate;
use crate::extract::Doc;
use crate::mention::{slug, EntityRef};
use crate::span::CharIndex;
use vocab::{
    segment, AKG, ARTICLE, CLAIM, DCTERMS, ENT, ENTITY_GRAPH, FACT, FACTS_GRAPH, GRAPH, NIF, PROV,
    RDF, RDFS, SCHEMA, SKOS, XSD,
};

fn iri(base: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{base}{local}"))
}

/// The IRI of an entity with this id.
pub fn entity_iri(id: &str) -> NamedNode {
    iri(ENT, &segment_path(id))
}

/// Ids may contain "/" on purpose (e.g. `role/…`); each part is encoded.
fn segment_path(id: &str) -> String {
    id.split('/').map(segment).collect::<Vec<_>>().join("/")
}

/// The IRI of an article.
pub fn article_iri(id: &str) -> NamedNode {
    iri(ARTICLE, &segment(id))
}

/// The named graph holding the description of an entity the gazetteer
/// does not know (see the module docs).
pub fn entity_graph(id: &str) -> NamedNode {
    iri(ENTITY_GRAPH, &segment_path(id))
}

/// The named graph of an article.
pub fn article_graph(id: &str) -> NamedNode {
    iri(GRAPH, &segment(id))
}

/// The inverse of [`article_graph`]: the article whose graph `graph` is
/// (any graph under the article-graph base maps to an article IRI).
pub fn article_of_graph(graph: &NamedNode) -> Option<NamedNode> {
    graph
        .as_str()
        .strip_prefix(GRAPH)
        .map(|encoded_id| iri(ARTICLE, encoded_id))
}

/// A typed literal for a partial date: xsd:gYear, xsd:gYearMonth or xsd:date.
pub fn date_literal(date: PartialDate) -> Literal {
    let datatype = match (date.month, date.day) {
        (None, _) => "gYear",
        (Some(_), None) => "gYearMonth",
        (Some(_), Some(_)) => "date",
    };
    Literal::new_typed_literal(date.to_string(), iri(XSD, datatype))
}

struct Writer {
    graph: GraphName,
    quads: Vec<Quad>,
}

impl Writer {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNode, o: impl Into<Term>) {
        self.quads.push(Quad::new(s, p, o, self.graph.clone()));
    }

    /// Adds a triple to another graph (an entity's).
    fn add_to(
        &mut self,
        graph: &NamedNode,
        s: impl Into<NamedOrBlankNode>,
        p: NamedNode,
        o: impl Into<Term>,
    ) {
        self.quads.push(Quad::new(s, p, o, graph.clone()));
    }
}

/// A term of the ontology namespace (`akg:local`).
pub(crate) fn akg(local: &str) -> NamedNode {
    iri(AKG, local)
}

fn int(n: usize) -> Literal {
    Literal::from(i64::try_from(n).unwrap_or(i64::MAX))
}

/// One distinct fact (see `akg:Fact`): its IRI, a hash of what it states,
/// and its description in the facts graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// `fact:<hash>`.
    pub iri: NamedNode,
    /// Type, subject, predicate, object, date and value, in [`FACTS_GRAPH`].
    pub quads: Vec<Quad>,
}

/// The facts graph.
pub fn facts_graph() -> NamedNode {
    NamedNode::new_unchecked(FACTS_GRAPH)
}

/// The fact that a claim states: the same IRI for the same subject,
/// predicate, object, date and value, whichever article states it.
fn fact(
    subject: &NamedNode,
    predicate: &NamedNode,
    object: &Term,
    date: Option<&Literal>,
    value: Option<&Literal>,
) -> Fact {
    let show = |l: Option<&Literal>| l.map(ToString::to_string).unwrap_or_default();
    let key = format!(
        "{subject}\t{predicate}\t{object}\t{}\t{}",
        show(date),
        show(value)
    );
    let hash = blake3::hash(key.as_bytes()).to_hex();
    let node = iri(FACT, &hash[..32]);
    let graph = GraphName::NamedNode(facts_graph());
    let mut quads = vec![
        Quad::new(node.clone(), iri(RDF, "type"), akg("Fact"), graph.clone()),
        Quad::new(
            node.clone(),
            iri(RDF, "subject"),
            subject.clone(),
            graph.clone(),
        ),
        Quad::new(
            node.clone(),
            iri(RDF, "predicate"),
            predicate.clone(),
            graph.clone(),
        ),
        Quad::new(
            node.clone(),
            iri(RDF, "object"),
            object.clone(),
            graph.clone(),
        ),
    ];
    if let Some(date) = date {
        quads.push(Quad::new(
            node.clone(),
            akg("date"),
            date.clone(),
            graph.clone(),
        ));
    }
    if let Some(value) = value {
        quads.push(Quad::new(node.clone(), akg("value"), value.clone(), graph));
    }
    Fact { iri: node, quads }
}

/// How many articles a fact has and a sample of them (at most
/// [`SOURCE_SAMPLE`], the first by IRI, as IRIs and as one literal of their
/// ids), as quads in the facts graph.
pub fn fact_count_quads<'a>(
    fact: &NamedNode,
    articles: usize,
    sample: impl IntoIterator<Item = &'a NamedNode>,
) -> Vec<Quad> {
    let graph = GraphName::NamedNode(facts_graph());
    let mut quads = vec![Quad::new(
        fact.clone(),
        akg("articleCount"),
        int(articles),
        graph.clone(),
    )];
    let mut ids = Vec::new();
    for article in sample.into_iter().take(SOURCE_SAMPLE) {
        if let Some(id) = article
            .as_str()
            .strip_prefix(ARTICLE)
            .and_then(vocab::unsegment)
        {
            ids.push(id);
        }
        quads.push(Quad::new(
            fact.clone(),
            akg("sourceSample"),
            article.clone(),
            graph.clone(),
        ));
    }
    quads.push(Quad::new(
        fact.clone(),
        akg("sourceIds"),
        Literal::from(ids.join(" ")),
        graph,
    ));
    quads
}

/// Articles named per fact by `akg:sourceSample`.
pub const SOURCE_SAMPLE: usize = 10;

/// Converts one analysed article and its claims to quads in its graph, in
/// a deterministic order (the order they are made in; a triple may repeat).
pub fn article_quads(article: &Article, doc: &Doc<'_>, claims: &[Claim]) -> Vec<Quad> {
    article_quads_and_facts(article, doc, claims).0
}

/// [`article_quads`], and the distinct facts the claims state (sorted by
/// IRI), whose descriptions go to the facts graph once per build.
pub fn article_quads_and_facts(
    article: &Article,
    doc: &Doc<'_>,
    claims: &[Claim],
) -> (Vec<Quad>, Vec<Fact>) {
    let mut facts = Vec::new();
    let graph = article_graph(&article.id);
    let mut w = Writer {
        graph: GraphName::NamedNode(graph),
        quads: Vec::new(),
    };
    let rdf_type = iri(RDF, "type");
    let art = article_iri(&article.id);
    w.add(art.clone(), rdf_type.clone(), akg("Article"));
    w.add(art.clone(), rdf_type.clone(), iri(SCHEMA, "NewsArticle"));
    w.add(art.clone(), rdf_type.clone(), iri(NIF, "Context"));
    w.add(
        art.clone(),
        iri(DCTERMS, "identifier"),
        Literal::from(article.id.as_str()),
    );
    w.add(
        art.clone(),
        akg("contentHash"),
        Literal::from(article.hash.as_str()),
    );
    w.add(art.clone(), akg("sentenceCount"), int(doc.sentences.len()));
    w.add(art.clone(), akg("claimCount"), int(claims.len()));
    let meta = &article.meta;
    if let Some(title) = &meta.title {
        w.add(
            art.clone(),
            iri(SCHEMA, "headline"),
            Literal::from(title.as_str()),
        );
    }
    if let Some(date) = meta.date {
        w.add(
            art.clone(),
            iri(SCHEMA, "datePublished"),
            date_literal(date),
        );
    }
    if let Some(author) = &meta.author {
        w.add(
            art.clone(),
            iri(SCHEMA, "author"),
            Literal::from(author.as_str()),
        );
    }
    if let Some(publisher) = &meta.publisher {
        w.add(
            art.clone(),
            iri(SCHEMA, "publisher"),
            Literal::from(publisher.as_str()),
        );
    }
    if let Some(url) = &meta.url {
        w.add(art.clone(), iri(SCHEMA, "url"), Literal::from(url.as_str()));
    }
    let chars = CharIndex::new(&article.text);
    let mut sentences_used: Vec<usize> = claims.iter().map(|c| c.sentence).collect();
    sentences_used.sort_unstable();
    sentences_used.dedup();
    for &idx in &sentences_used {
        let sentence = doc.sentences[idx];
        let node = sentence_iri(&article.id, idx);
        let (begin, end) = chars.char_span(sentence.span);
        w.add(node.clone(), rdf_type.clone(), akg("Sentence"));
        w.add(node.clone(), rdf_type.clone(), iri(NIF, "Sentence"));
        w.add(node.clone(), iri(NIF, "referenceContext"), art.clone());
        w.add(node.clone(), akg("sentenceIndex"), int(idx));
        w.add(node.clone(), iri(NIF, "beginIndex"), int(begin));
        w.add(node.clone(), iri(NIF, "endIndex"), int(end));
        w.add(
            node.clone(),
            iri(NIF, "anchorOf"),
            Literal::from(sentence.span.slice(&article.text)),
        );
    }
    // Entities the article introduces (the gazetteer's live in the ontology graph).
    let mut described: Vec<EntityRef> = Vec::new();
    let describe = |w: &mut Writer, entity: EntityRef, described: &mut Vec<EntityRef>| {
        if described.contains(&entity) || entity.0 < doc.entities.gazetteer.entities.len() {
            return;
        }
        described.push(entity);
        let e = doc.entities.get(entity);
        let node = entity_iri(&e.id);
        let graph = entity_graph(&e.id);
        w.add_to(
            &graph,
            node.clone(),
            iri(RDF, "type"),
            akg(e.class.local_name()),
        );
        w.add_to(
            &graph,
            node.clone(),
            iri(SKOS, "prefLabel"),
            Literal::from(e.label.as_str()),
        );
        w.add_to(
            &graph,
            node,
            iri(RDFS, "label"),
            Literal::from(e.label.as_str()),
        );
    };
    for (n, claim) in claims.iter().enumerate() {
        let c = iri(CLAIM, &format!("{}/{n}", segment(&article.id)));
        let subject = entity_iri(&doc.entities.get(claim.subject).id);
        describe(&mut w, claim.subject, &mut described);
        let predicate = akg(claim.relation.property());
        let object: Term = match &claim.object {
            Object::Entity(e) => {
                describe(&mut w, *e, &mut described);
                entity_iri(&doc.entities.get(*e).id).into()
            }
            Object::Quote(text) => {
                let q = iri(ENT, &format!("quote/{}/{n}", segment(&article.id)));
                w.add(q.clone(), rdf_type.clone(), akg("Quote"));
                w.add(q.clone(), akg("quotation"), Literal::from(text.as_str()));
                w.add(q.clone(), akg("speaker"), subject.clone());
                w.add(q.clone(), iri(PROV, "wasDerivedFrom"), art.clone());
                q.into()
            }
            Object::Role { label, title, of } => {
                let role_id = format!("role/{}", slug(label));
                let r = entity_iri(&role_id);
                let graph = entity_graph(&role_id);
                w.add_to(&graph, r.clone(), rdf_type.clone(), akg("Role"));
                w.add_to(
                    &graph,
                    r.clone(),
                    iri(SKOS, "prefLabel"),
                    Literal::from(label.as_str()),
                );
                w.add_to(
                    &graph,
                    r.clone(),
                    iri(RDFS, "label"),
                    Literal::from(label.as_str()),
                );
                w.add_to(
                    &graph,
                    r.clone(),
                    akg("roleTitle"),
                    Literal::from(title.as_str()),
                );
                if let Some(of) = of {
                    describe(&mut w, *of, &mut described);
                    w.add(
                        r.clone(),
                        akg("roleOf"),
                        entity_iri(&doc.entities.get(*of).id),
                    );
                }
                r.into()
            }
            Object::Label(label) => Literal::from(label.as_str()).into(),
        };
        let date = claim.date.map(date_literal);
        let value = claim.value.as_ref().map(|value| match value {
            Value::Count(n) => Literal::from(i64::try_from(*n).unwrap_or(i64::MAX)),
            Value::Outcome(word) => Literal::from(*word),
        });
        let fact_object: Term = match &claim.object {
            Object::Quote(text) => Literal::from(text.as_str()).into(),
            _ => object.clone(),
        };
        let fact = fact(
            &subject,
            &predicate,
            &fact_object,
            date.as_ref(),
            value.as_ref(),
        );
        w.add(c.clone(), akg("fact"), fact.iri.clone());
        facts.push(fact);
        // The direct triple.
        w.add(subject.clone(), predicate.clone(), object.clone());
        if claim.relation == Relation::ClashedWith {
            if let Term::NamedNode(o) = &object {
                w.add(o.clone(), predicate.clone(), subject.clone());
            }
        }
        // The claim node.
        let (begin, end) = chars.char_span(claim.span);
        w.add(c.clone(), rdf_type.clone(), akg("Claim"));
        w.add(c.clone(), rdf_type.clone(), iri(RDF, "Statement"));
        w.add(c.clone(), iri(RDF, "subject"), subject.clone());
        w.add(c.clone(), iri(RDF, "predicate"), predicate.clone());
        w.add(c.clone(), iri(RDF, "object"), object.clone());
        w.add(c.clone(), iri(PROV, "wasDerivedFrom"), art.clone());
        w.add(
            c.clone(),
            akg("sentence"),
            sentence_iri(&article.id, claim.sentence),
        );
        w.add(c.clone(), iri(NIF, "beginIndex"), int(begin));
        w.add(c.clone(), iri(NIF, "endIndex"), int(end));
        w.add(
            c.clone(),
            iri(NIF, "anchorOf"),
            Literal::from(claim.span.slice(&article.text)),
        );
        w.add(c.clone(), akg("rule"), Literal::from(claim.rule));
        w.add(
            c.clone(),
            akg("confidence"),
            Literal::new_typed_literal(format!("{:.2}", claim.confidence), iri(XSD, "decimal")),
        );
        if claim.evidence != doc.sentences[claim.sentence].span {
            let (eb, ee) = chars.char_span(claim.evidence);
            w.add(c.clone(), akg("evidenceBegin"), int(eb));
            w.add(c.clone(), akg("evidenceEnd"), int(ee));
        }
        if let Some(date) = &date {
            w.add(c.clone(), akg("date"), date.clone());
        }
        if let Some(value) = value {
            w.add(c.clone(), akg("value"), value);
        }
        // An event node for relations that have one, with its date and number.
        if let Some(class) = claim.relation.event_class() {
            let ev = iri(ENT, &format!("event/{}/{n}", segment(&article.id)));
            w.add(ev.clone(), rdf_type.clone(), akg(class));
            w.add(
                ev.clone(),
                iri(RDFS, "label"),
                Literal::from(format!(
                    "{} {} {}",
                    doc.entities.get(claim.subject).label,
                    claim.relation.name(),
                    object_label(doc, &claim.object)
                )),
            );
            w.add(c.clone(), akg("aboutEvent"), ev.clone());
            w.add(ev.clone(), akg("participant"), subject.clone());
            if let Term::NamedNode(o) = &object {
                w.add(ev.clone(), akg("participant"), o.clone());
            }
            w.add(ev.clone(), iri(PROV, "wasDerivedFrom"), art.clone());
            if let Some(date) = &date {
                w.add(ev.clone(), akg("date"), date.clone());
            }
            match (claim.relation, &claim.value) {
                (Relation::ClashedWith, Some(Value::Count(n))) => w.add(
                    ev.clone(),
                    akg("casualties"),
                    Literal::from(i64::try_from(*n).unwrap_or(i64::MAX)),
                ),
                (Relation::DeployedTo, Some(Value::Count(n))) => w.add(
                    ev.clone(),
                    akg("troopCount"),
                    Literal::from(i64::try_from(*n).unwrap_or(i64::MAX)),
                ),
                (Relation::RequestedAssistance, Some(Value::Outcome(word))) => {
                    w.add(ev.clone(), akg("outcome"), Literal::from(*word))
                }
                _ => {}
            }
            if claim.relation == Relation::RequestedAssistance {
                w.add(ev.clone(), akg("requester"), subject.clone());
                if let Term::NamedNode(o) = &object {
                    w.add(ev.clone(), akg("addressee"), o.clone());
                }
            }
        }
    }
    // Neither sorted nor deduplicated: a triple that several claims state
    // is made once per claim, and the store keeps one. Sorting them by their
    // N-Quads text took half of this function's time.
    facts.sort_by(|a, b| a.iri.as_str().cmp(b.iri.as_str()));
    facts.dedup_by(|a, b| a.iri == b.iri);
    (w.quads, facts)
}

fn object_label(doc: &Doc<'_>, object: &Object) -> String {
    match object {
        Object::Entity(e) => doc.entities.get(*e).label.clone(),
        Object::Quote(text) => format!("“{text}”"),
        Object::Role { label, .. } => label.clone(),
        Object::Label(label) => label.clone(),
    }
}

/// The IRI of a sentence of an article.
pub fn sentence_iri(article: &str, idx: usize) -> NamedNode {
    iri(ARTICLE, &format!("{}/sentence/{idx}", segment(article)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_of_graph_inverts_article_graph() {
        for id in ["000_5a98e20ee2fbc50d", "a b/é"] {
            assert_eq!(article_of_graph(&article_graph(id)), Some(article_iri(id)));
        }
        assert_eq!(article_of_graph(&facts_graph()), None);
    }
}
