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

use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};

use crate::claim::{Claim, Object, Relation, Value};
use crate::corpus::Article;
use crate::date::PartialDate;
use crate::extract::Doc;
use crate::mention::{slug, EntityClass, EntityRef};
use crate::span::CharIndex;
use vocab::{
    akg, dcterms, nif, prov, rdf, rdfs, schema, segment, skos, xsd, ARTICLE, CLAIM, ENT,
    ENTITY_GRAPH, FACT, FACTS_GRAPH, GRAPH,
};

fn iri(base: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{base}{local}"))
}

/// The property of a relation's direct triple (`akg:memberOf`).
pub fn property(relation: Relation) -> NamedNodeRef<'static> {
    match relation {
        Relation::MemberOf => akg::MEMBER_OF,
        Relation::FormerMemberOf => akg::FORMER_MEMBER_OF,
        Relation::Invoked => akg::INVOKED,
        Relation::RequestedAssistance => akg::REQUESTED_ASSISTANCE_FROM,
        Relation::DeployedTo => akg::DEPLOYED_TO,
        Relation::ClashedWith => akg::CLASHED_WITH,
        Relation::Said => akg::SAID,
        Relation::HoldsRole => akg::HOLDS_ROLE,
        Relation::Supported => akg::SUPPORTED,
        Relation::HostsBaseOf => akg::HOSTS_BASE_OF,
        Relation::CancelledExercise => akg::CANCELLED,
        Relation::HeldExercise => akg::HELD_EXERCISE,
        Relation::VotedOnUnResolution => akg::VOTED_ON_UN_RESOLUTION,
    }
}

/// The local name of a relation's property (`memberOf`), which users may
/// give for the relation.
pub fn property_name(relation: Relation) -> &'static str {
    let iri = property(relation).as_str();
    iri.strip_prefix(akg::NAMESPACE).unwrap_or(iri)
}

/// The relation whose property has this IRI.
pub fn relation(property_iri: &str) -> Option<Relation> {
    Relation::ALL
        .into_iter()
        .find(|relation| property(*relation).as_str() == property_iri)
}

/// The class of the event node of a relation that has one.
pub fn event_class(relation: Relation) -> Option<NamedNodeRef<'static>> {
    match relation {
        Relation::Invoked => Some(akg::INVOCATION),
        Relation::RequestedAssistance => Some(akg::ASSISTANCE_REQUEST),
        Relation::DeployedTo => Some(akg::DEPLOYMENT),
        Relation::ClashedWith => Some(akg::ARMED_CLASH),
        Relation::CancelledExercise | Relation::HeldExercise => Some(akg::MILITARY_EXERCISE),
        Relation::VotedOnUnResolution => Some(akg::UN_VOTE),
        Relation::FormerMemberOf => Some(akg::WITHDRAWAL),
        Relation::MemberOf
        | Relation::Said
        | Relation::HoldsRole
        | Relation::Supported
        | Relation::HostsBaseOf => None,
    }
}

/// The ontology class of an entity class (`akg:State`).
pub fn class(entity_class: EntityClass) -> NamedNodeRef<'static> {
    match entity_class {
        EntityClass::State => akg::STATE,
        EntityClass::Alliance => akg::ALLIANCE,
        EntityClass::Organization => akg::ORGANIZATION,
        EntityClass::GovernmentBody => akg::GOVERNMENT_BODY,
        EntityClass::Person => akg::PERSON,
        EntityClass::Group => akg::GROUP,
        EntityClass::Treaty => akg::TREATY,
        EntityClass::TreatyArticle => akg::TREATY_ARTICLE,
        EntityClass::Other => akg::ENTITY,
    }
}

/// The entity class of an ontology class IRI, if it is one we know.
pub fn entity_class(class_iri: &str) -> Option<EntityClass> {
    EntityClass::ALL
        .into_iter()
        .find(|entity_class| class(*entity_class).as_str() == class_iri)
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
        (None, _) => xsd::G_YEAR,
        (Some(_), None) => xsd::G_YEAR_MONTH,
        (Some(_), Some(_)) => xsd::DATE,
    };
    Literal::new_typed_literal(date.to_string(), datatype)
}

struct Writer {
    graph: GraphName,
    quads: Vec<Quad>,
}

impl Writer {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: impl Into<NamedNode>, o: impl Into<Term>) {
        self.quads.push(Quad::new(s, p, o, self.graph.clone()));
    }

    /// Adds a triple to another graph (an entity's).
    fn add_to(
        &mut self,
        graph: &NamedNode,
        s: impl Into<NamedOrBlankNode>,
        p: impl Into<NamedNode>,
        o: impl Into<Term>,
    ) {
        self.quads.push(Quad::new(s, p, o, graph.clone()));
    }
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
    FACTS_GRAPH.into_owned()
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
        Quad::new(node.clone(), rdf::TYPE, akg::FACT, graph.clone()),
        Quad::new(node.clone(), rdf::SUBJECT, subject.clone(), graph.clone()),
        Quad::new(
            node.clone(),
            rdf::PREDICATE,
            predicate.clone(),
            graph.clone(),
        ),
        Quad::new(node.clone(), rdf::OBJECT, object.clone(), graph.clone()),
    ];
    if let Some(date) = date {
        quads.push(Quad::new(
            node.clone(),
            akg::DATE,
            date.clone(),
            graph.clone(),
        ));
    }
    if let Some(value) = value {
        quads.push(Quad::new(node.clone(), akg::VALUE, value.clone(), graph));
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
        akg::ARTICLE_COUNT,
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
            akg::SOURCE_SAMPLE,
            article.clone(),
            graph.clone(),
        ));
    }
    quads.push(Quad::new(
        fact.clone(),
        akg::SOURCE_IDS,
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
    let art = article_iri(&article.id);
    write_article_node(&mut w, &art, article, doc, claims);
    let chars = CharIndex::new(&article.text);
    let parts = ArticleParts {
        article,
        doc,
        art: &art,
        chars: &chars,
    };
    write_sentences(&mut w, &parts, claims);
    // Entities the article introduces (the gazetteer's live in the ontology graph).
    let mut described: Vec<EntityRef> = Vec::new();
    for (n, claim) in claims.iter().enumerate() {
        let c = iri(CLAIM, &format!("{}/{n}", segment(&article.id)));
        let subject = entity_iri(&doc.entities.get(claim.subject).id);
        describe(&mut w, claim.subject, &mut described, doc);
        let predicate = property(claim.relation).into_owned();
        let object = claim_object(&mut w, &mut described, &parts, n, claim, &subject);
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
        w.add(c.clone(), akg::FACT_OF_CLAIM, fact.iri.clone());
        facts.push(fact);
        let terms = ClaimTerms {
            node: c,
            subject,
            predicate,
            object,
            date,
        };
        write_claim_node(&mut w, &parts, claim, &terms, value);
        // An event node for relations that have one, with its date and number.
        if let Some(class) = event_class(claim.relation) {
            write_event(&mut w, &parts, n, claim, &terms, class);
        }
    }
    // Neither sorted nor deduplicated: a triple that several claims state
    // is made once per claim, and the store keeps one. Sorting them by their
    // N-Quads text took half of this function's time.
    facts.sort_by(|a, b| a.iri.as_str().cmp(b.iri.as_str()));
    facts.dedup_by(|a, b| a.iri == b.iri);
    (w.quads, facts)
}

/// The article whose quads are being written: the article, its analysis,
/// its node and its text's code-point offsets.
struct ArticleParts<'a, 'd> {
    article: &'a Article,
    doc: &'a Doc<'d>,
    art: &'a NamedNode,
    chars: &'a CharIndex,
}

/// One claim's node and the terms of the triple it states.
struct ClaimTerms {
    node: NamedNode,
    subject: NamedNode,
    predicate: NamedNode,
    object: Term,
    date: Option<Literal>,
}

/// The article node: its types, id, hash, counts and metadata.
fn write_article_node(
    w: &mut Writer,
    art: &NamedNode,
    article: &Article,
    doc: &Doc<'_>,
    claims: &[Claim],
) {
    w.add(art.clone(), rdf::TYPE, akg::ARTICLE);
    w.add(art.clone(), rdf::TYPE, schema::NEWS_ARTICLE);
    w.add(art.clone(), rdf::TYPE, nif::CONTEXT);
    w.add(
        art.clone(),
        dcterms::IDENTIFIER,
        Literal::from(article.id.as_str()),
    );
    w.add(
        art.clone(),
        akg::CONTENT_HASH,
        Literal::from(article.hash.as_str()),
    );
    w.add(art.clone(), akg::SENTENCE_COUNT, int(doc.sentences.len()));
    w.add(art.clone(), akg::CLAIM_COUNT, int(claims.len()));
    let meta = &article.meta;
    if let Some(title) = &meta.title {
        w.add(art.clone(), schema::HEADLINE, Literal::from(title.as_str()));
    }
    if let Some(date) = meta.date {
        w.add(art.clone(), schema::DATE_PUBLISHED, date_literal(date));
    }
    if let Some(author) = &meta.author {
        w.add(art.clone(), schema::AUTHOR, Literal::from(author.as_str()));
    }
    if let Some(publisher) = &meta.publisher {
        w.add(
            art.clone(),
            schema::PUBLISHER,
            Literal::from(publisher.as_str()),
        );
    }
    if let Some(url) = &meta.url {
        w.add(art.clone(), schema::URL, Literal::from(url.as_str()));
    }
}

/// The sentences that state a claim, with their offsets and text.
fn write_sentences(w: &mut Writer, parts: &ArticleParts<'_, '_>, claims: &[Claim]) {
    let ArticleParts {
        article,
        doc,
        art,
        chars,
    } = *parts;
    let mut sentences_used: Vec<usize> = claims.iter().map(|c| c.sentence).collect();
    sentences_used.sort_unstable();
    sentences_used.dedup();
    for &idx in &sentences_used {
        let sentence = doc.sentences[idx];
        let node = sentence_iri(&article.id, idx);
        let (begin, end) = chars.char_span(sentence.span);
        w.add(node.clone(), rdf::TYPE, akg::SENTENCE);
        w.add(node.clone(), rdf::TYPE, nif::SENTENCE);
        w.add(node.clone(), nif::REFERENCE_CONTEXT, art.clone());
        w.add(node.clone(), akg::SENTENCE_INDEX, int(idx));
        w.add(node.clone(), nif::BEGIN_INDEX, int(begin));
        w.add(node.clone(), nif::END_INDEX, int(end));
        w.add(
            node.clone(),
            nif::ANCHOR_OF,
            Literal::from(sentence.span.slice(&article.text)),
        );
    }
}

/// Describes, once, an entity the article introduces (the gazetteer's live
/// in the ontology graph), in the entity's own graph.
fn describe(w: &mut Writer, entity: EntityRef, described: &mut Vec<EntityRef>, doc: &Doc<'_>) {
    if described.contains(&entity) || entity.0 < doc.entities.gazetteer.entities.len() {
        return;
    }
    described.push(entity);
    let e = doc.entities.get(entity);
    let node = entity_iri(&e.id);
    let graph = entity_graph(&e.id);
    w.add_to(&graph, node.clone(), rdf::TYPE, class(e.class));
    w.add_to(
        &graph,
        node.clone(),
        skos::PREF_LABEL,
        Literal::from(e.label.as_str()),
    );
    w.add_to(&graph, node, rdfs::LABEL, Literal::from(e.label.as_str()));
}

/// The object of claim `n`, with the nodes it needs: a quote node, or a
/// role described in its own graph.
fn claim_object(
    w: &mut Writer,
    described: &mut Vec<EntityRef>,
    parts: &ArticleParts<'_, '_>,
    n: usize,
    claim: &Claim,
    subject: &NamedNode,
) -> Term {
    let ArticleParts {
        article, doc, art, ..
    } = *parts;
    match &claim.object {
        Object::Entity(e) => {
            describe(w, *e, described, doc);
            entity_iri(&doc.entities.get(*e).id).into()
        }
        Object::Quote(text) => {
            let q = iri(ENT, &format!("quote/{}/{n}", segment(&article.id)));
            w.add(q.clone(), rdf::TYPE, akg::QUOTE);
            w.add(q.clone(), akg::QUOTATION, Literal::from(text.as_str()));
            w.add(q.clone(), akg::SPEAKER, subject.clone());
            w.add(q.clone(), prov::WAS_DERIVED_FROM, art.clone());
            q.into()
        }
        Object::Role { label, title, of } => {
            let role_id = format!("role/{}", slug(label));
            let r = entity_iri(&role_id);
            let graph = entity_graph(&role_id);
            w.add_to(&graph, r.clone(), rdf::TYPE, akg::ROLE);
            w.add_to(
                &graph,
                r.clone(),
                skos::PREF_LABEL,
                Literal::from(label.as_str()),
            );
            w.add_to(
                &graph,
                r.clone(),
                rdfs::LABEL,
                Literal::from(label.as_str()),
            );
            w.add_to(
                &graph,
                r.clone(),
                akg::ROLE_TITLE,
                Literal::from(title.as_str()),
            );
            if let Some(of) = of {
                describe(w, *of, described, doc);
                w.add(
                    r.clone(),
                    akg::ROLE_OF,
                    entity_iri(&doc.entities.get(*of).id),
                );
            }
            r.into()
        }
        Object::Label(label) => Literal::from(label.as_str()).into(),
    }
}

/// The direct triple of a claim, and its claim node.
fn write_claim_node(
    w: &mut Writer,
    parts: &ArticleParts<'_, '_>,
    claim: &Claim,
    terms: &ClaimTerms,
    value: Option<Literal>,
) {
    let ArticleParts {
        article,
        doc,
        art,
        chars,
    } = *parts;
    let ClaimTerms {
        node: c,
        subject,
        predicate,
        object,
        date,
    } = terms;
    // The direct triple.
    w.add(subject.clone(), predicate.clone(), object.clone());
    if claim.relation == Relation::ClashedWith {
        if let Term::NamedNode(o) = &object {
            w.add(o.clone(), predicate.clone(), subject.clone());
        }
    }
    // The claim node.
    let (begin, end) = chars.char_span(claim.span);
    w.add(c.clone(), rdf::TYPE, akg::CLAIM);
    w.add(c.clone(), rdf::TYPE, rdf::STATEMENT);
    w.add(c.clone(), rdf::SUBJECT, subject.clone());
    w.add(c.clone(), rdf::PREDICATE, predicate.clone());
    w.add(c.clone(), rdf::OBJECT, object.clone());
    w.add(c.clone(), prov::WAS_DERIVED_FROM, art.clone());
    w.add(
        c.clone(),
        akg::SENTENCE_OF_CLAIM,
        sentence_iri(&article.id, claim.sentence),
    );
    w.add(c.clone(), nif::BEGIN_INDEX, int(begin));
    w.add(c.clone(), nif::END_INDEX, int(end));
    w.add(
        c.clone(),
        nif::ANCHOR_OF,
        Literal::from(claim.span.slice(&article.text)),
    );
    w.add(c.clone(), akg::RULE, Literal::from(claim.rule));
    w.add(
        c.clone(),
        akg::CONFIDENCE,
        Literal::new_typed_literal(format!("{:.2}", claim.confidence), xsd::DECIMAL),
    );
    if claim.evidence != doc.sentences[claim.sentence].span {
        let (eb, ee) = chars.char_span(claim.evidence);
        w.add(c.clone(), akg::EVIDENCE_BEGIN, int(eb));
        w.add(c.clone(), akg::EVIDENCE_END, int(ee));
    }
    if let Some(date) = &date {
        w.add(c.clone(), akg::DATE, date.clone());
    }
    if let Some(value) = value {
        w.add(c.clone(), akg::VALUE, value);
    }
}

/// The event node of claim `n` (of `class`), with its participants, date
/// and number.
fn write_event(
    w: &mut Writer,
    parts: &ArticleParts<'_, '_>,
    n: usize,
    claim: &Claim,
    terms: &ClaimTerms,
    class: NamedNodeRef<'static>,
) {
    let ArticleParts {
        article, doc, art, ..
    } = *parts;
    let ClaimTerms {
        node: c,
        subject,
        object,
        date,
        ..
    } = terms;
    let ev = iri(ENT, &format!("event/{}/{n}", segment(&article.id)));
    w.add(ev.clone(), rdf::TYPE, class);
    w.add(
        ev.clone(),
        rdfs::LABEL,
        Literal::from(format!(
            "{} {} {}",
            doc.entities.get(claim.subject).label,
            claim.relation.name(),
            object_label(doc, &claim.object)
        )),
    );
    w.add(c.clone(), akg::ABOUT_EVENT, ev.clone());
    w.add(ev.clone(), akg::PARTICIPANT, subject.clone());
    if let Term::NamedNode(o) = &object {
        w.add(ev.clone(), akg::PARTICIPANT, o.clone());
    }
    w.add(ev.clone(), prov::WAS_DERIVED_FROM, art.clone());
    if let Some(date) = &date {
        w.add(ev.clone(), akg::DATE, date.clone());
    }
    match (claim.relation, &claim.value) {
        (Relation::ClashedWith, Some(Value::Count(n))) => w.add(
            ev.clone(),
            akg::CASUALTIES,
            Literal::from(i64::try_from(*n).unwrap_or(i64::MAX)),
        ),
        (Relation::DeployedTo, Some(Value::Count(n))) => w.add(
            ev.clone(),
            akg::TROOP_COUNT,
            Literal::from(i64::try_from(*n).unwrap_or(i64::MAX)),
        ),
        (Relation::RequestedAssistance, Some(Value::Outcome(word))) => {
            w.add(ev.clone(), akg::OUTCOME, Literal::from(*word))
        }
        _ => {}
    }
    if claim.relation == Relation::RequestedAssistance {
        w.add(ev.clone(), akg::REQUESTER, subject.clone());
        if let Term::NamedNode(o) = &object {
            w.add(ev.clone(), akg::ADDRESSEE, o.clone());
        }
    }
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
