//! Fixtures the unit tests share: in-memory stores loaded from TriG text,
//! and alliance networks built by hand.

use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphNameRef, NamedNode, QuadRef};
use oxigraph::store::Store;

use crate::graph::{ClaimRef, EdgeRelation, Entity, EntityType, Fact, Network};
use crate::rdf::vocab::{ARTICLE, CLAIM, PREFIXES};

/// An in-memory store holding `trig`, which may use the prefixes of the
/// saved queries ([`PREFIXES`]) and `art:` and `claim:` for articles and
/// claims without declaring them.
pub(crate) fn store(trig: &str) -> Store {
    let mut text: String = PREFIXES
        .iter()
        .map(|(prefix, namespace)| format!("@prefix {prefix}: <{namespace}> .\n"))
        .collect();
    text.push_str(&format!(
        "@prefix art: <{ARTICLE}> .\n@prefix claim: <{CLAIM}> .\n{trig}"
    ));
    let store = Store::new().unwrap();
    store
        .load_from_reader(RdfFormat::TriG, text.as_bytes())
        .unwrap_or_else(|err| panic!("{err}\n{text}"));
    store
}

/// A store of `n` nodes, each one quad `n n n` in one graph: joining a few
/// copies of `?a ?b ?c` gives a query that runs for ever.
pub(crate) fn self_loops(n: usize) -> Store {
    let store = Store::new().unwrap();
    let graph = NamedNode::new("https://example.com/article/big").unwrap();
    for idx in 0..n {
        let node = NamedNode::new(format!("https://example.com/n{idx}")).unwrap();
        store
            .insert(QuadRef::new(
                &node,
                &node,
                &node,
                GraphNameRef::NamedNode(graph.as_ref()),
            ))
            .unwrap();
    }
    store
}

/// A fact supported by one claim in each of `articles`.
pub(crate) fn fact(relation: EdgeRelation, articles: &[&str]) -> Fact {
    Fact {
        relation,
        sign: relation.sign(),
        claims: articles
            .iter()
            .map(|a| ClaimRef {
                article: (*a).to_owned(),
                claim: format!("urn:claim:{a}"),
                date: None,
                value: None,
            })
            .collect(),
        articles: articles.iter().map(|a| (*a).to_owned()).collect(),
    }
}

/// An edge of [`network`]: source and target (indices into its nodes), the
/// relation, and the articles of the fact.
pub(crate) type Edge<'a> = (usize, usize, EdgeRelation, &'a [&'a str]);

/// A network of `nodes` (label and type; node `i` has the IRI `urn:x:i`)
/// and `edges`, added in the order given.
pub(crate) fn network(nodes: &[(&str, EntityType)], edges: &[Edge<'_>]) -> Network {
    let mut network = Network::default();
    let g = &mut network.graph;
    let indices: Vec<_> = nodes
        .iter()
        .enumerate()
        .map(|(i, (label, kind))| {
            g.add_node(Entity {
                iri: format!("urn:x:{i}"),
                label: (*label).to_owned(),
                kind: *kind,
            })
        })
        .collect();
    for (from, to, relation, articles) in edges {
        g.add_edge(indices[*from], indices[*to], fact(*relation, articles));
    }
    network
}
