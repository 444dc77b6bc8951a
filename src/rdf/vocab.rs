//! Every IRI the program writes or reads, as constants (oxrdf's `vocab.rs`
//! style). Nothing else builds an IRI from a literal string.
//!
//! The standard RDF, RDFS and XSD terms are oxigraph's own
//! ([`oxigraph::model::vocab`], re-exported here as [`rdf`], [`rdfs`] and
//! [`xsd`]). Each term of our ontology is one constant of [`akg`], declared
//! with a label and a comment in `ontology/vocab.ttl` (a test checks every
//! constant of [`akg::ALL`]), and the terms we borrow from SKOS, PROV-O,
//! schema.org, NIF and Dublin Core have a module each. The namespaces below
//! are for minting the IRIs of articles, claims, entities and graphs, and
//! for SPARQL prefixes.

use oxigraph::model::NamedNodeRef;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

pub use oxigraph::model::vocab::{rdf, rdfs, xsd};

/// Declares, in a vocabulary module, its `NAMESPACE`, one constant per
/// term (`NAME = "localName"`) and `ALL`, every term in order.
macro_rules! vocabulary {
    ($namespace:literal { $($(#[doc = $doc:literal])* $name:ident = $local:literal,)* }) => {
        use oxigraph::model::NamedNodeRef;

        /// The namespace.
        pub const NAMESPACE: &str = $namespace;
        $(
            $(#[doc = $doc])*
            pub const $name: NamedNodeRef<'static> =
                NamedNodeRef::new_unchecked(concat!($namespace, $local));
        )*
        /// Every term of the module, in the order above.
        pub const ALL: &[NamedNodeRef<'static>] = &[$($name),*];
    };
}

/// [The alliance-kg ontology](https://w3id.org/alliance-kg/ontology), as
/// `ontology/vocab.ttl` declares it.
pub mod akg {
    vocabulary!("https://w3id.org/alliance-kg/ontology#" {
        /// `akg:Entity`: anything an article talks about.
        ENTITY = "Entity",
        /// `akg:State`.
        STATE = "State",
        /// `akg:Organization`.
        ORGANIZATION = "Organization",
        /// `akg:Alliance`.
        ALLIANCE = "Alliance",
        /// `akg:GovernmentBody`.
        GOVERNMENT_BODY = "GovernmentBody",
        /// `akg:Group`: a collective named only by a description.
        GROUP = "Group",
        /// `akg:Person`.
        PERSON = "Person",
        /// `akg:Treaty`.
        TREATY = "Treaty",
        /// `akg:TreatyArticle`.
        TREATY_ARTICLE = "TreatyArticle",
        /// `akg:Role`: an office a person holds.
        ROLE = "Role",
        /// `akg:Quote`: a quotation and its speaker.
        QUOTE = "Quote",
        /// `akg:Article`: a news article.
        ARTICLE = "Article",
        /// `akg:Sentence`: a sentence of an article.
        SENTENCE = "Sentence",
        /// `akg:Claim`: one statement of a fact in one article.
        CLAIM = "Claim",
        /// `akg:Fact`: one distinct fact of the corpus, in the facts graph.
        FACT = "Fact",
        /// `akg:Invocation`: the event of invoking a treaty article.
        INVOCATION = "Invocation",
        /// `akg:AssistanceRequest`.
        ASSISTANCE_REQUEST = "AssistanceRequest",
        /// `akg:Deployment`.
        DEPLOYMENT = "Deployment",
        /// `akg:ArmedClash`.
        ARMED_CLASH = "ArmedClash",
        /// `akg:MilitaryExercise`.
        MILITARY_EXERCISE = "MilitaryExercise",
        /// `akg:UNVote`.
        UN_VOTE = "UNVote",
        /// `akg:Withdrawal`: a state leaving an alliance or treaty.
        WITHDRAWAL = "Withdrawal",
        /// `akg:memberOf`: state → alliance.
        MEMBER_OF = "memberOf",
        /// `akg:formerMemberOf`: state → alliance or treaty it left.
        FORMER_MEMBER_OF = "formerMemberOf",
        /// `akg:invoked`: state or person → treaty article.
        INVOKED = "invoked",
        /// `akg:requestedAssistanceFrom`: state → alliance.
        REQUESTED_ASSISTANCE_FROM = "requestedAssistanceFrom",
        /// `akg:deployedTo`: alliance → state.
        DEPLOYED_TO = "deployedTo",
        /// `akg:clashedWith`: state ↔ state.
        CLASHED_WITH = "clashedWith",
        /// `akg:said`: speaker → quote.
        SAID = "said",
        /// `akg:holdsRole`: person → role.
        HOLDS_ROLE = "holdsRole",
        /// `akg:supported`: state → war or party.
        SUPPORTED = "supported",
        /// `akg:hostsBaseOf`: state → state whose base it hosts.
        HOSTS_BASE_OF = "hostsBaseOf",
        /// `akg:cancelled`: actor → exercise.
        CANCELLED = "cancelled",
        /// `akg:heldExercise`: actor → exercise.
        HELD_EXERCISE = "heldExercise",
        /// `akg:votedOnUNResolution`: state → its vote.
        VOTED_ON_UN_RESOLUTION = "votedOnUNResolution",
        /// `akg:contentHash`: the hash of an article (or of the ontology).
        CONTENT_HASH = "contentHash",
        /// `akg:sentenceCount`.
        SENTENCE_COUNT = "sentenceCount",
        /// `akg:claimCount`.
        CLAIM_COUNT = "claimCount",
        /// `akg:sentenceIndex`.
        SENTENCE_INDEX = "sentenceIndex",
        /// `akg:quotation`: a quote's exact text.
        QUOTATION = "quotation",
        /// `akg:speaker`: a quote's speaker.
        SPEAKER = "speaker",
        /// `akg:roleTitle`: a role's title alone.
        ROLE_TITLE = "roleTitle",
        /// `akg:roleOf`: the state or body a role belongs to.
        ROLE_OF = "roleOf",
        /// `akg:fact`: claim → the fact it states.
        FACT_OF_CLAIM = "fact",
        /// `akg:sentence`: claim → its sentence.
        SENTENCE_OF_CLAIM = "sentence",
        /// `akg:rule`: the rule that made a claim.
        RULE = "rule",
        /// `akg:confidence`: how sure the rule is.
        CONFIDENCE = "confidence",
        /// `akg:evidenceBegin`: start of the sentences a quotation runs across.
        EVIDENCE_BEGIN = "evidenceBegin",
        /// `akg:evidenceEnd`: their end.
        EVIDENCE_END = "evidenceEnd",
        /// `akg:date`.
        DATE = "date",
        /// `akg:value`: a count or an outcome word.
        VALUE = "value",
        /// `akg:aboutEvent`: claim → event node.
        ABOUT_EVENT = "aboutEvent",
        /// `akg:participant`.
        PARTICIPANT = "participant",
        /// `akg:casualties`.
        CASUALTIES = "casualties",
        /// `akg:troopCount`.
        TROOP_COUNT = "troopCount",
        /// `akg:outcome`: what came of a request.
        OUTCOME = "outcome",
        /// `akg:requester`.
        REQUESTER = "requester",
        /// `akg:addressee`.
        ADDRESSEE = "addressee",
        /// `akg:articleCount`: how many articles state a fact.
        ARTICLE_COUNT = "articleCount",
        /// `akg:sourceSample`: some of those articles.
        SOURCE_SAMPLE = "sourceSample",
        /// `akg:sourceIds`: their ids, as one literal.
        SOURCE_IDS = "sourceIds",
        /// `akg:demonym`: a label that names the entity's people.
        DEMONYM = "demonym",
        /// `akg:metonym`: a label that stands for the entity (a capital).
        METONYM = "metonym",
        /// `akg:anaphor`: a label that refers back to the entity once named.
        ANAPHOR = "anaphor",
        /// `akg:partOf`.
        PART_OF = "partOf",
        /// `akg:treatyOf`: treaty → its alliance.
        TREATY_OF = "treatyOf",
        /// `akg:forceOf`: force → its alliance.
        FORCE_OF = "forceOf",
        /// `akg:nationality`: person → the state they serve.
        NATIONALITY = "nationality",
        /// `akg:foundedIn`.
        FOUNDED_IN = "foundedIn",
        /// `akg:predecessor`.
        PREDECESSOR = "predecessor",
        /// `akg:invocationRequestsAssistance`: invoking this article is a
        /// request for assistance.
        INVOCATION_REQUESTS_ASSISTANCE = "invocationRequestsAssistance",
        /// `akg:phrase`: a phrase of a phrase list.
        PHRASE = "phrase",
        /// `akg:pattern`: an alternative of a pattern list.
        PATTERN = "pattern",
    });
}

/// The SKOS terms we use.
pub mod skos {
    vocabulary!("http://www.w3.org/2004/02/skos/core#" {
        /// `skos:prefLabel`.
        PREF_LABEL = "prefLabel",
        /// `skos:altLabel`.
        ALT_LABEL = "altLabel",
    });
}

/// The PROV-O terms we use.
pub mod prov {
    vocabulary!("http://www.w3.org/ns/prov#" {
        /// `prov:wasDerivedFrom`.
        WAS_DERIVED_FROM = "wasDerivedFrom",
    });
}

/// The schema.org terms we use.
pub mod schema {
    vocabulary!("https://schema.org/" {
        /// `schema:NewsArticle`.
        NEWS_ARTICLE = "NewsArticle",
        /// `schema:headline`.
        HEADLINE = "headline",
        /// `schema:datePublished`.
        DATE_PUBLISHED = "datePublished",
        /// `schema:author`.
        AUTHOR = "author",
        /// `schema:publisher`.
        PUBLISHER = "publisher",
        /// `schema:url`.
        URL = "url",
    });
}

/// The NIF core terms we use.
pub mod nif {
    vocabulary!("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#" {
        /// `nif:Context`: the text a sentence's offsets count in.
        CONTEXT = "Context",
        /// `nif:Sentence`.
        SENTENCE = "Sentence",
        /// `nif:referenceContext`.
        REFERENCE_CONTEXT = "referenceContext",
        /// `nif:beginIndex`: first code point (inclusive).
        BEGIN_INDEX = "beginIndex",
        /// `nif:endIndex`: last code point (exclusive).
        END_INDEX = "endIndex",
        /// `nif:anchorOf`: the exact text.
        ANCHOR_OF = "anchorOf",
    });
}

/// The Dublin Core terms we use.
pub mod dcterms {
    vocabulary!("http://purl.org/dc/terms/" {
        /// `dcterms:identifier`.
        IDENTIFIER = "identifier",
    });
}

/// The ontology namespace (classes and properties): [`akg::NAMESPACE`].
pub const AKG: &str = akg::NAMESPACE;
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
pub const FACTS_GRAPH: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("https://w3id.org/alliance-kg/derived/facts");
/// Phrase lists: the phrasing knowledge of `ontology/phrasing.ttl`
/// (`lex:membershipVerb akg:phrase "includes"`).
pub const LEX: &str = "https://w3id.org/alliance-kg/lexicon/";
/// The named graph that holds the ontology and gazetteer: outside
/// [`GRAPH`], so that no article (not even one named `ontology.txt`) can
/// share its name.
pub const ONTOLOGY_GRAPH: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("https://w3id.org/alliance-kg/ontology-graph");

/// The prefixes every saved query and built-in query may use, and that
/// tables and Turtle output shorten IRIs with: [`SPARQL_PREFIXES`] declares
/// them.
pub const PREFIXES: [(&str, &str); 10] = [
    ("akg", akg::NAMESPACE),
    ("ent", ENT),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", skos::NAMESPACE),
    ("prov", prov::NAMESPACE),
    ("schema", schema::NAMESPACE),
    ("nif", nif::NAMESPACE),
    ("dcterms", dcterms::NAMESPACE),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// [`PREFIXES`] as a SPARQL prologue.
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

/// The bytes percent-encoding escapes: all but RFC 3986's unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`), so that the result is safe as an IRI
/// path segment and as a URL query value.
pub const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a string for use as one IRI path segment.
pub fn segment(raw: &str) -> String {
    utf8_percent_encode(raw, RESERVED).to_string()
}

/// The inverse of [`segment`]; `None` when `encoded` is not a segment's
/// encoding (a `%` without two hex digits after it, or bytes that are not
/// UTF-8).
pub fn unsegment(encoded: &str) -> Option<String> {
    // percent_decode_str keeps a malformed escape as it is: refuse it here.
    let well_formed = encoded.split('%').skip(1).all(|rest| {
        rest.get(..2)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if !well_formed {
        return None;
    }
    percent_decode_str(encoded)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
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
        assert_eq!(unsegment("%é"), None);
        assert_eq!(unsegment("a%"), None);
    }

    #[test]
    fn the_prologue_declares_the_prefixes() {
        let declared: Vec<String> = PREFIXES
            .iter()
            .map(|(prefix, namespace)| format!("PREFIX {prefix}: <{namespace}>\n"))
            .collect();
        assert_eq!(SPARQL_PREFIXES, declared.concat());
        let standard = [rdf::TYPE, rdfs::LABEL, xsd::DATE];
        for (prefix, term) in ["rdf", "rdfs", "xsd"].into_iter().zip(standard) {
            let (_, namespace) = PREFIXES.iter().find(|(p, _)| *p == prefix).unwrap();
            assert!(term.as_str().starts_with(namespace), "{prefix}");
        }
    }

    /// Every `akg:` name in the code, the saved queries and the ontology
    /// files is declared in `ontology/vocab.ttl`, and no code but this
    /// module makes an `akg:` IRI by joining a local name to the namespace.
    #[test]
    fn the_sources_name_only_declared_terms() {
        use oxigraph::io::{RdfFormat, RdfParser};
        use oxigraph::model::{NamedOrBlankNode, Term};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let vocab = std::fs::read(root.join("ontology/vocab.ttl")).unwrap();
        let declared: Vec<String> = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(&vocab)
            .map(Result::unwrap)
            .filter(|q| q.predicate == rdfs::LABEL && matches!(q.object, Term::Literal(_)))
            .filter_map(|q| match q.subject {
                NamedOrBlankNode::NamedNode(node) => {
                    node.as_str().strip_prefix(AKG).map(str::to_owned)
                }
                NamedOrBlankNode::BlankNode(_) => None,
            })
            .collect();
        let mut files = Vec::new();
        let mut dirs = vec![
            root.join("src"),
            root.join("queries"),
            root.join("ontology"),
        ];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .extension()
                    .is_some_and(|ext| ext == "rs" || ext == "rq" || ext == "ttl")
                {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 50, "{files:?}");
        let mut undeclared = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            if !path.ends_with("src/rdf/vocab.rs") {
                assert!(
                    !text.contains("{AKG}"),
                    "{} mints an akg: IRI",
                    path.display()
                );
            }
            for (at, _) in text.match_indices("akg:") {
                let name: String = text[at + 4..]
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                let word_start = !text[..at].ends_with(|c: char| c.is_alphanumeric());
                if word_start && !name.is_empty() && !declared.contains(&name) {
                    undeclared.push(format!("{}: akg:{name}", path.display()));
                }
            }
        }
        assert!(undeclared.is_empty(), "undeclared: {undeclared:?}");
    }

    #[test]
    fn segments_are_safe() {
        assert_eq!(segment("000_5a98"), "000_5a98");
        assert_eq!(segment("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(segment("-._~!*'()"), "-._~%21%2A%27%28%29");
    }
}
