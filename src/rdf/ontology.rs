//! Loads `ontology/*.ttl`: the vocabulary and the gazetteer. Returns the
//! [`Gazetteer`] the mention finder uses and the quads to store in the
//! ontology graph. Adding an entity or a spelling means editing Turtle here,
//! not Rust.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{BlankNode, GraphName, NamedOrBlankNode, Quad, Term};

use crate::mention::{Entity, EntityClass, Gazetteer, Label, LabelKind};

use super::vocab::{akg, rdf, skos, ENT, LEX, ONTOLOGY_GRAPH};

/// Why the ontology could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum OntologyError {
    /// The folder or a file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A Turtle file does not parse.
    #[error("{}: {message}; fix the Turtle syntax there", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message, with its position.
        message: String,
    },
    /// No `.ttl` file in the folder.
    #[error("no .ttl file in {}; point --ontology at the project's ontology/ folder", path.display())]
    Empty {
        /// The folder.
        path: PathBuf,
    },
    /// A pattern list of the phrasing does not compile.
    #[error(transparent)]
    Pattern(#[from] crate::mention::patterns::PatternError),
    /// A label that would match punctuation, or nothing.
    #[error(
        "ent:{entity} has the label {label:?}, which has no letter or digit and would \
         match in every article; fix or remove it in the ontology"
    )]
    BadLabel {
        /// The entity's local name.
        entity: String,
        /// The label as written.
        label: String,
    },
    /// The gazetteer automaton could not be built.
    #[error("cannot build the gazetteer automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// The loaded ontology.
#[derive(Debug)]
pub struct Ontology {
    /// Entities and labels.
    pub gazetteer: Gazetteer,
    /// Every triple of the files, in the ontology graph.
    pub quads: Vec<Quad>,
    /// Hash of the files' bytes (to know when articles must be rebuilt).
    pub hash: String,
}

/// The ontology files built into the binary, for use outside the project folder.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "gazetteer.ttl",
        include_str!("../../ontology/gazetteer.ttl"),
    ),
    ("people.ttl", include_str!("../../ontology/people.ttl")),
    ("phrasing.ttl", include_str!("../../ontology/phrasing.ttl")),
    ("vocab.ttl", include_str!("../../ontology/vocab.ttl")),
];

/// Loads every `.ttl` file of `dir`, in name order.
pub fn load(dir: &Path) -> Result<Ontology, OntologyError> {
    let read_err = |source| OntologyError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ttl"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(OntologyError::Empty {
            path: dir.to_path_buf(),
        });
    }
    let mut sources = Vec::with_capacity(files.len());
    for path in files {
        let bytes = fs::read(&path).map_err(|source| OntologyError::Read {
            path: path.clone(),
            source,
        })?;
        sources.push((path, bytes));
    }
    from_sources(&sources)
}

/// Loads the ontology built into the binary.
pub fn load_embedded() -> Result<Ontology, OntologyError> {
    let sources: Vec<(PathBuf, Vec<u8>)> = EMBEDDED
        .iter()
        .map(|(name, text)| {
            (
                PathBuf::from(format!("<built-in>/{name}")),
                text.as_bytes().to_vec(),
            )
        })
        .collect();
    from_sources(&sources)
}

fn from_sources(sources: &[(PathBuf, Vec<u8>)]) -> Result<Ontology, OntologyError> {
    let graph = GraphName::from(ONTOLOGY_GRAPH);
    let mut quads = Vec::new();
    let mut hasher = blake3::Hasher::new();
    for (file_idx, (path, bytes)) in sources.iter().enumerate() {
        hasher.update(bytes);
        // The parser gives anonymous blank nodes (`[ … ]`, lists) random
        // labels. Relabel them by file and order of appearance, so that two
        // builds store the same quads and their dumps are byte-identical.
        let mut blank_nodes: HashMap<BlankNode, BlankNode> = HashMap::new();
        let mut relabel = |node: BlankNode| {
            let n_seen = blank_nodes.len();
            blank_nodes
                .entry(node)
                .or_insert_with(|| BlankNode::new_unchecked(format!("o{file_idx}b{n_seen}")))
                .clone()
        };
        for triple in RdfParser::from_format(RdfFormat::Turtle).for_slice(bytes) {
            let quad = triple.map_err(|e| OntologyError::Syntax {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let subject = match quad.subject {
                NamedOrBlankNode::BlankNode(node) => relabel(node).into(),
                other => other,
            };
            let object = match quad.object {
                Term::BlankNode(node) => relabel(node).into(),
                other => other,
            };
            quads.push(Quad::new(subject, quad.predicate, object, graph.clone()));
        }
    }
    let gazetteer = gazetteer_from(&quads)?;
    Ok(Ontology {
        gazetteer,
        quads,
        hash: hasher.finalize().to_hex().to_string(),
    })
}

/// Builds the gazetteer from the ontology's triples.
pub fn gazetteer_from(quads: &[Quad]) -> Result<Gazetteer, OntologyError> {
    let mut phrases = crate::mention::phrases::Phrasebook::default();
    let drafts = drafts_from(quads, &mut phrases);
    let mut entities = Vec::new();
    let mut labels = Vec::new();
    for (id, draft) in drafts {
        let (Some(class), Some(pref)) = (draft.class, draft.pref) else {
            continue;
        };
        if let Some((label, _)) = draft
            .labels
            .iter()
            .find(|(text, _)| !text.chars().any(char::is_alphanumeric))
        {
            return Err(OntologyError::BadLabel {
                entity: id,
                label: label.clone(),
            });
        }
        let index = entities.len();
        entities.push(Entity {
            id,
            label: pref,
            class,
            part_of: draft.part_of,
            nationality: draft.nationality,
            invocation_requests_assistance: draft.requests_assistance,
            founded: draft.founded_in.zip(draft.predecessor),
        });
        for (text, kind) in draft.labels {
            labels.push(Label {
                text,
                entity: index,
                kind,
            });
        }
    }
    let mut gazetteer = Gazetteer::new(entities, labels)?;
    gazetteer.set_phrases(phrases)?;
    Ok(gazetteer)
}

/// What the ontology says of one entity, before it is checked.
#[derive(Default)]
struct Draft {
    class: Option<EntityClass>,
    pref: Option<String>,
    labels: Vec<(String, LabelKind)>,
    part_of: Option<String>,
    nationality: Option<String>,
    requests_assistance: bool,
    founded_in: Option<i32>,
    predecessor: Option<String>,
}

/// The entities the ontology's triples describe, by id; the phrase and
/// pattern lists go to `phrases`.
fn drafts_from(
    quads: &[Quad],
    phrases: &mut crate::mention::phrases::Phrasebook,
) -> BTreeMap<String, Draft> {
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    for quad in quads {
        let oxigraph::model::NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
            continue;
        };
        let predicate = quad.predicate.as_ref();
        if let (Some(list), Term::Literal(l)) = (subject.as_str().strip_prefix(LEX), &quad.object) {
            if predicate == akg::PHRASE {
                phrases.insert(list, l.value());
            } else if predicate == akg::PATTERN {
                phrases.insert_pattern(list, l.value());
            }
            continue;
        }
        let Some(id) = subject.as_str().strip_prefix(ENT) else {
            continue;
        };
        let draft = drafts.entry(id.to_string()).or_default();
        match (&quad.object, predicate) {
            (Term::NamedNode(class), p) if p == rdf::TYPE => {
                if let Some(c) = super::entity_class(class.as_str()) {
                    // The most specific class wins over akg:Entity.
                    if draft.class.is_none() || draft.class == Some(EntityClass::Other) {
                        draft.class = Some(c);
                    }
                }
            }
            (Term::Literal(l), p) if p == skos::PREF_LABEL => {
                draft.pref = Some(l.value().to_string());
                draft.labels.push((l.value().to_string(), LabelKind::Name));
            }
            (Term::Literal(l), p) if p == skos::ALT_LABEL => {
                draft.labels.push((l.value().to_string(), LabelKind::Name))
            }
            (Term::Literal(l), p) if p == akg::DEMONYM => draft
                .labels
                .push((l.value().to_string(), LabelKind::Demonym)),
            (Term::Literal(l), p) if p == akg::METONYM => draft
                .labels
                .push((l.value().to_string(), LabelKind::Metonym)),
            (Term::Literal(l), p) if p == akg::ANAPHOR => draft
                .labels
                .push((l.value().to_string(), LabelKind::Anaphor)),
            (Term::NamedNode(target), p)
                if p == akg::PART_OF || p == akg::TREATY_OF || p == akg::FORCE_OF =>
            {
                draft.part_of = target.as_str().strip_prefix(ENT).map(str::to_string);
            }
            (Term::Literal(l), p) if p == akg::FOUNDED_IN => {
                draft.founded_in = l.value().get(..4).and_then(|y| y.parse().ok());
            }
            (Term::NamedNode(target), p) if p == akg::PREDECESSOR => {
                draft.predecessor = target.as_str().strip_prefix(ENT).map(str::to_string);
            }
            (Term::Literal(l), p) if p == akg::INVOCATION_REQUESTS_ASSISTANCE => {
                draft.requests_assistance = l.value() == "true";
            }
            (Term::NamedNode(target), p) if p == akg::NATIONALITY => {
                draft.nationality = target.as_str().strip_prefix(ENT).map(str::to_string);
            }
            _ => {}
        }
    }
    drafts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Relation;
    use crate::mention::EntityClass;
    use crate::rdf::vocab::rdfs;
    use oxigraph::model::NamedNodeRef;

    fn project_ontology() -> Ontology {
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology")).unwrap()
    }

    #[test]
    fn blank_nodes_are_labelled_the_same_on_every_load() {
        let quads = project_ontology().quads;
        assert!(quads.iter().any(|q| matches!(q.object, Term::BlankNode(_))));
        assert_eq!(quads, project_ontology().quads);
        assert_eq!(quads, load_embedded().unwrap().quads);
    }

    #[test]
    fn the_ontology_files_parse_and_fill_the_gazetteer() {
        let ontology = project_ontology();
        let gaz = &ontology.gazetteer;
        let states = gaz
            .entities
            .iter()
            .filter(|e| e.class == EntityClass::State)
            .count();
        assert!(states >= 193, "only {states} states");
        let csto = gaz.find_id("CSTO").unwrap();
        assert_eq!(gaz.entities[csto].class, EntityClass::Alliance);
        // Article 4 → the treaty → the CSTO.
        let article = gaz.find_id("Article_4").unwrap();
        let treaty = gaz.entities[article].part_of.clone().unwrap();
        let treaty = gaz.find_id(&treaty).unwrap();
        assert_eq!(gaz.entities[treaty].part_of.as_deref(), Some("CSTO"));
        // A person serves a state (akg:nationality), and every state a
        // person serves is one the gazetteer knows.
        let tokayev = gaz.find_id("Kassym-Jomart_Tokayev").unwrap();
        assert_eq!(
            gaz.entities[tokayev].nationality.as_deref(),
            Some("Kazakhstan")
        );
        for entity in &gaz.entities {
            if let Some(state) = &entity.nationality {
                let state = gaz.find_id(state).unwrap();
                assert_eq!(
                    gaz.entities[state].class,
                    EntityClass::State,
                    "{}",
                    entity.id
                );
            }
        }
        // Its standing forces stand for it as deployers (akg:forceOf).
        let entities = crate::mention::Entities::new(gaz);
        for force in [
            "CSTO_Peacekeeping_Forces",
            "Collective_Rapid_Reaction_Force",
        ] {
            let force = crate::mention::EntityRef(gaz.find_id(force).unwrap());
            assert_eq!(
                entities.alliance_of(force),
                Some(crate::mention::EntityRef(csto))
            );
        }
        assert_eq!(
            entities.alliance_of(crate::mention::EntityRef(article)),
            None
        );
        for (alias, id) in [
            ("Pashinian", "Nikol_Pashinyan"),
            ("Qasym-Zhomart Toqaev", "Kassym-Jomart_Tokayev"),
            ("Kirghizia", "Kyrgyzstan"),
            ("Russia’s Nato", "CSTO"),
        ] {
            let found = gaz.lookup(alias).map(|i| gaz.entities[i].id.clone());
            assert_eq!(found.as_deref(), Some(id), "alias {alias}");
        }
        assert_eq!(ontology.hash, project_ontology().hash);
    }

    /// Every `akg:` term the code writes or reads is a constant of
    /// `vocab::akg` (nothing else builds one), and each of them is declared
    /// in `ontology/vocab.ttl` with a label and a comment.
    #[test]
    fn every_term_of_the_code_is_declared_with_label_and_comment() {
        let vocab: Vec<Quad> = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(include_str!("../../ontology/vocab.ttl").as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        let has = |term: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>| {
            vocab.iter().any(|q| {
                q.subject == NamedOrBlankNode::from(term)
                    && q.predicate == predicate
                    && matches!(&q.object, Term::Literal(l) if !l.value().trim().is_empty())
            })
        };
        let missing: Vec<&str> = akg::ALL
            .iter()
            .filter(|term| !has(**term, rdfs::LABEL) || !has(**term, rdfs::COMMENT))
            .map(|term| term.as_str())
            .collect();
        assert!(
            missing.is_empty(),
            "undeclared or undocumented terms: {missing:?}"
        );
        // The mappings of relations and classes use only those constants.
        let declared = |term: NamedNodeRef<'_>| akg::ALL.contains(&term);
        for relation in Relation::ALL {
            assert!(declared(crate::rdf::property(relation)), "{relation:?}");
            assert!(crate::rdf::event_class(relation).is_none_or(declared));
        }
        assert!(EntityClass::ALL
            .map(crate::rdf::class)
            .into_iter()
            .all(declared));
    }

    #[test]
    fn a_syntax_error_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.ttl"),
            "@prefix x: <http://x/> .\nx:a x:b \"unterminated .\n",
        )
        .unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("bad.ttl"), "{err}");
        let empty = tempfile::tempdir().unwrap();
        assert!(load(empty.path())
            .unwrap_err()
            .to_string()
            .contains("no .ttl file"));
    }
}
