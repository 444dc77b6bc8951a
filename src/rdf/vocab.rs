//! Every IRI the program writes or reads, as constants (oxrdf's vocab.rs
//! style). Nothing else builds an IRI from a literal string.

/// The ontology namespace (classes and properties).
pub const AKG: &str = "https://w3id.org/alliance-kg/ontology#";
/// Entities: states, people, alliances, roles, quotes and events.
pub const ENT: &str = "https://w3id.org/alliance-kg/id/";
/// Articles and their sentences.
pub const ARTICLE: &str = "https://w3id.org/alliance-kg/article/";
/// Claims.
pub const CLAIM: &str = "https://w3id.org/alliance-kg/claim/";
/// Named graphs: one per article, and nothing else.
pub const GRAPH: &str = "https://w3id.org/alliance-kg/graph/";
/// Base of the graphs that describe entities the gazetteer does not know.
pub const ENTITY_GRAPH: &str = "https://w3id.org/alliance-kg/entity-graph/";
/// Facts: one node per distinct fact of the corpus (see [`FACTS_GRAPH`]).
pub const FACT: &str = "https://w3id.org/alliance-kg/fact/";
/// The named graph of the facts derived from all articles: each fact's
/// description, article count and source sample.
pub const FACTS_GRAPH: &str = "https://w3id.org/alliance-kg/derived/facts";
/// Phrase lists: the phrasing knowledge of `ontology/phrasing.ttl`
/// (`lex:membershipVerb akg:phrase "includes"`).
pub const LEX: &str = "https://w3id.org/alliance-kg/lexicon/";
/// The named graph that holds the ontology and gazetteer: outside
/// [`GRAPH`], so that no article (not even one named `ontology.txt`) can
/// share its name.
pub const ONTOLOGY_GRAPH: &str = "https://w3id.org/alliance-kg/ontology-graph";

/// RDF.
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/// RDFS.
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
/// SKOS.
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
/// PROV-O.
pub const PROV: &str = "http://www.w3.org/ns/prov#";
/// schema.org.
pub const SCHEMA: &str = "https://schema.org/";
/// NIF core.
pub const NIF: &str = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#";
/// Dublin Core terms.
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
/// XML Schema datatypes.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// The SPARQL prefixes every saved query and built-in query may use.
pub const SPARQL_PREFIXES: &str = "PREFIX akg: <https://w3id.org/alliance-kg/ontology#>
PREFIX ent: <https://w3id.org/alliance-kg/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
";

/// Percent-encodes a string for use as one IRI path segment.
pub fn segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The inverse of [`segment`]; `None` when `encoded` is not a segment's
/// encoding.
pub fn unsegment(encoded: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            let hex = tail.get(..2)?;
            bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsegment_inverts_segment() {
        for raw in ["000_5a98", "a b/é", "100%", "ü%20x", ""] {
            assert_eq!(unsegment(&segment(raw)).as_deref(), Some(raw));
        }
        assert_eq!(unsegment("%2"), None);
        assert_eq!(unsegment("%zz"), None);
        assert_eq!(unsegment("%FF"), None);
    }

    #[test]
    fn segments_are_safe() {
        assert_eq!(segment("000_5a98"), "000_5a98");
        assert_eq!(segment("a b/é"), "a%20b%2F%C3%A9");
    }
}
