//! The gazetteer: known entities with their labels, and one Aho–Corasick
//! automaton over every label, built once and shared by all articles.
//!
//! The entities come from `ontology/*.ttl` (loaded by `rdf::ontology`); this
//! module knows nothing about RDF or files. Matching is word-boundary aware
//! and case aware: an all-capitals label ("CSTO", "US") matches only in
//! capitals, a capitalised label ("Georgia", "Chad") only when the text is
//! capitalised too, and a lower-case label ("the bloc") in any case.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Serialize;

use crate::span::Span;

/// The classes of entity the extractors reason about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum EntityClass {
    /// A sovereign state.
    State,
    /// A military alliance (CSTO, NATO).
    Alliance,
    /// Any other organisation.
    Organization,
    /// A ministry, parliament or council.
    GovernmentBody,
    /// A person.
    Person,
    /// A collective or unnamed speaker ("Kazakh authorities").
    Group,
    /// A treaty.
    Treaty,
    /// An article of a treaty.
    TreatyArticle,
    /// Anything else the gazetteer names (regions, places).
    Other,
}

impl EntityClass {
    /// Every class (`rdf::class` gives its ontology class).
    pub const ALL: [EntityClass; 9] = [
        EntityClass::State,
        EntityClass::Alliance,
        EntityClass::Organization,
        EntityClass::GovernmentBody,
        EntityClass::Person,
        EntityClass::Group,
        EntityClass::Treaty,
        EntityClass::TreatyArticle,
        EntityClass::Other,
    ];

    /// States, alliances, organisations, bodies and groups can act and speak
    /// as collectives.
    pub fn is_collective(self) -> bool {
        matches!(
            self,
            EntityClass::State
                | EntityClass::Alliance
                | EntityClass::Organization
                | EntityClass::GovernmentBody
                | EntityClass::Group
        )
    }
}

/// How a label names its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LabelKind {
    /// `skos:prefLabel` or `skos:altLabel`: the entity's name.
    Name,
    /// `akg:demonym`: "Armenian", "Kyrgyz".
    Demonym,
    /// `akg:metonym`: a capital or seat standing for a state ("Yerevan", "the Kremlin").
    Metonym,
    /// `akg:anaphor`: a generic description ("the bloc") that refers back to
    /// the entity only after the article has named it.
    Anaphor,
}

/// One known entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entity {
    /// Local name of its IRI under the entity namespace, e.g. `Nikol_Pashinyan`.
    pub id: String,
    /// Preferred (canonical) label.
    pub label: String,
    /// Its class.
    pub class: EntityClass,
    /// For a treaty article, its treaty; for a treaty or a standing force,
    /// its alliance (entity ids).
    pub part_of: Option<String>,
    /// For a person, the state they serve (`akg:nationality`, an entity
    /// id): the owner of a bare office title ("President Tokayev").
    pub nationality: Option<String>,
    /// For a treaty article, whether invoking it asks the alliance for
    /// help (`akg:invocationRequestsAssistance`): a mutual-assistance
    /// clause, not a consultation clause.
    pub invocation_requests_assistance: bool,
    /// For an alliance constituted as an organisation after its treaty
    /// (`akg:foundedIn`), that year and the treaty (`akg:predecessor`, an
    /// entity id): a state that left before the year left the treaty.
    pub founded: Option<(i32, String)>,
}

/// One label of the gazetteer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The label text.
    pub text: String,
    /// Index of the entity in [`Gazetteer::entities`].
    pub entity: usize,
    /// How the label names the entity.
    pub kind: LabelKind,
}

/// A raw gazetteer hit in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Where it matched.
    pub span: Span,
    /// The entity index.
    pub entity: usize,
    /// How it names the entity.
    pub kind: LabelKind,
}

/// Known entities and the automaton over their labels.
#[derive(Clone, Debug)]
pub struct Gazetteer {
    /// Every entity, in a stable order.
    pub entities: Vec<Entity>,
    labels: Vec<Label>,
    /// Per label, how its capitals constrain a match.
    cases: Vec<CaseRule>,
    automaton: AhoCorasick,
    /// Per entity, its first demonym in the ontology ("Kyrgyz").
    demonyms: Vec<Option<String>>,
    /// Entity id → index.
    ids: std::collections::HashMap<String, usize>,
    /// The phrasing knowledge the rules read (`ontology/phrasing.ttl`);
    /// set with [`Gazetteer::set_phrases`].
    pub phrases: super::phrases::Phrasebook,
    /// The cue patterns compiled from `phrases`.
    pub cues: super::patterns::CuePatterns,
    /// The word lists of names and titles, from `phrases`.
    pub lexicon: super::lexicon::Lexicon,
    /// Labels that name articles of several treaties ("Article 4"), lower
    /// case, with every entity they name: the alliance in focus decides.
    shared_articles: std::collections::HashMap<String, Vec<usize>>,
}

/// Spelling variants that news text uses for the same label: typographic
/// versus straight apostrophes, hyphens versus spaces in names.
fn variants(label: &str) -> Vec<String> {
    let mut out = vec![label.to_string()];
    let swaps: [(char, char); 2] = [('\'', '’'), ('’', '\'')];
    for (from, to) in swaps {
        if label.contains(from) {
            out.push(label.replace(from, &to.to_string()));
        }
    }
    if label.contains('-') && label.chars().next().is_some_and(char::is_uppercase) {
        out.push(label.replace('-', " "));
    }
    out.sort();
    out.dedup();
    out
}

impl Gazetteer {
    /// Builds the automaton over the given entities and labels.
    pub fn new(
        entities: Vec<Entity>,
        labels: Vec<Label>,
    ) -> Result<Self, aho_corasick::BuildError> {
        let mut demonyms: Vec<Option<String>> = vec![None; entities.len()];
        for label in labels.iter().filter(|l| l.kind == LabelKind::Demonym) {
            if let Some(slot) = demonyms.get_mut(label.entity) {
                if slot.is_none() {
                    *slot = Some(label.text.clone());
                }
            }
        }
        let mut shared_articles: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for label in &labels {
            let is_article = entities
                .get(label.entity)
                .is_some_and(|e| e.class == EntityClass::TreatyArticle);
            if is_article && label.kind == LabelKind::Name {
                let named = shared_articles
                    .entry(label.text.trim().to_lowercase())
                    .or_default();
                if !named.contains(&label.entity) {
                    named.push(label.entity);
                }
            }
        }
        shared_articles.retain(|_, named| named.len() > 1);
        let mut expanded = Vec::with_capacity(labels.len() * 2);
        for label in labels {
            if label.text.trim().is_empty() || label.entity >= entities.len() {
                continue;
            }
            for text in variants(label.text.trim()) {
                expanded.push(Label { text, ..label });
            }
        }
        // Stable order, and one entry per (text, kind): the first entity wins,
        // so a label that two entities share is resolved the same way every run.
        expanded.sort_by(|a, b| (&a.text, a.kind, a.entity).cmp(&(&b.text, b.kind, b.entity)));
        expanded.dedup_by(|a, b| a.text == b.text);
        // The automaton ignores ASCII case, so of labels that differ only
        // in case ("The Netherlands", "the Netherlands") it reports one:
        // keep one per folded text, with the loosest case rule among them,
        // or "the Netherlands" in mid-sentence would fail "The …"'s rule.
        expanded.sort_by_cached_key(|l| {
            (
                l.text.to_ascii_lowercase(),
                l.text.clone(),
                l.kind,
                l.entity,
            )
        });
        let mut cases: Vec<CaseRule> = Vec::with_capacity(expanded.len());
        let mut kept: Vec<Label> = Vec::with_capacity(expanded.len());
        for label in expanded {
            let rule = CaseRule::of(&label.text);
            match kept.last() {
                Some(last) if last.text.eq_ignore_ascii_case(&label.text) => {
                    if let Some(kept_rule) = cases.last_mut() {
                        *kept_rule = kept_rule.loosest(rule);
                    }
                }
                _ => {
                    kept.push(label);
                    cases.push(rule);
                }
            }
        }
        let expanded = kept;
        let ids = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        // A DFA: for the project's gazetteer (some 2,000 labels) it searches
        // 1.7 times as fast as the default contiguous NFA, for some 7 MB.
        // The kind changes speed and memory only, never the matches.
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(expanded.iter().map(|l| l.text.as_str()))?;
        Ok(Gazetteer {
            entities,
            labels: expanded,
            cases,
            automaton,
            demonyms,
            ids,
            phrases: super::phrases::Phrasebook::default(),
            cues: super::patterns::CuePatterns::default(),
            lexicon: super::lexicon::Lexicon::default(),
            shared_articles,
        })
    }

    /// Sets the phrasing knowledge, and compiles its cue patterns with the
    /// names of this gazetteer's alliances.
    pub fn set_phrases(
        &mut self,
        phrases: super::phrases::Phrasebook,
    ) -> Result<(), super::patterns::PatternError> {
        let alliance_names: Vec<String> = self
            .labels
            .iter()
            .filter(|l| {
                l.kind == LabelKind::Name && self.entities[l.entity].class == EntityClass::Alliance
            })
            .map(|l| l.text.clone())
            .collect();
        self.cues = super::patterns::CuePatterns::compile(&phrases, &alliance_names)?;
        self.lexicon = super::lexicon::Lexicon::from_phrases(&phrases);
        self.phrases = phrases;
        Ok(())
    }

    /// The entity's main demonym ("Kyrgyz" for Kyrgyzstan), if it has one.
    pub fn primary_demonym(&self, entity: usize) -> Option<&str> {
        self.demonyms.get(entity).and_then(|d| d.as_deref())
    }

    /// The treaty articles a label names when several treaties have an
    /// article so labelled ("Article 4"); empty otherwise.
    pub fn articles_named(&self, label: &str) -> &[usize] {
        self.shared_articles
            .get(&label.trim().to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// The index of the entity with this id.
    pub fn find_id(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// The alliance a name of entity `entity` makes salient: an alliance
    /// itself, or the alliance of a treaty ("Uzbekistan was a founding
    /// member of the Collective Security Treaty … it quit the
    /// organisation").
    pub fn alliance_named_by(&self, entity: usize) -> Option<usize> {
        let e = &self.entities[entity];
        match e.class {
            EntityClass::Alliance => Some(entity),
            EntityClass::Treaty => self
                .find_id(e.part_of.as_deref()?)
                .filter(|&a| self.entities[a].class == EntityClass::Alliance),
            _ => None,
        }
    }

    /// Looks up an entity by any of its name labels, ignoring case and
    /// punctuation differences.
    pub fn lookup(&self, name: &str) -> Option<usize> {
        let key = fold(name);
        self.labels
            .iter()
            .find(|l| l.kind != LabelKind::Anaphor && fold(&l.text) == key)
            .map(|l| l.entity)
    }

    /// All labels, for suggestions.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Every hit in `text`, left to right, without overlaps.
    pub fn find_all(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        for m in self.automaton.find_iter(text) {
            let label = &self.labels[m.pattern().as_usize()];
            let case = self.cases[m.pattern().as_usize()];
            let span = Span::new(m.start(), m.end());
            let matched = span.slice(text);
            if !word_bounded(text, span) || !case.fits(&label.text, matched) {
                continue;
            }
            hits.push(Hit {
                span,
                entity: label.entity,
                kind: label.kind,
            });
        }
        hits
    }
}

/// Folds a name for loose comparison: lower case, letters and digits only.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(ch.to_lowercase());
        } else if ch == '\'' || ch == '’' {
            // "Russia's" and "Russia’s" fold alike
        } else {
            space = true;
        }
    }
    out
}

fn word_bounded(text: &str, span: Span) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// How a label's capitals constrain the text it matches, worked out once
/// per label: the automaton ignores ASCII case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CaseRule {
    /// An all-capitals label ("CSTO", "US") matches only itself, up to the
    /// kind of apostrophe.
    Exact,
    /// A capitalised label ("Georgia") matches only capitalised text.
    Capitalised,
    /// A lower-case label ("the bloc") matches in any case.
    Any,
}

impl CaseRule {
    fn of(label: &str) -> Self {
        let mut letters = label.chars().filter(|c| c.is_alphabetic());
        let n_letters = letters.clone().count();
        if n_letters >= 2 && letters.all(char::is_uppercase) {
            CaseRule::Exact
        } else if label.chars().next().is_some_and(char::is_uppercase) {
            CaseRule::Capitalised
        } else {
            CaseRule::Any
        }
    }

    /// Of two rules, the one that lets more text match.
    fn loosest(self, other: CaseRule) -> CaseRule {
        match (self, other) {
            (CaseRule::Any, _) | (_, CaseRule::Any) => CaseRule::Any,
            (CaseRule::Capitalised, _) | (_, CaseRule::Capitalised) => CaseRule::Capitalised,
            _ => CaseRule::Exact,
        }
    }

    fn fits(self, label: &str, matched: &str) -> bool {
        match self {
            CaseRule::Exact => {
                let straight = |c: char| if c == '’' { '\'' } else { c };
                label == matched
                    || label
                        .chars()
                        .map(straight)
                        .eq(matched.chars().map(straight))
            }
            CaseRule::Capitalised => matched.chars().next().is_none_or(char::is_uppercase),
            CaseRule::Any => true,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny gazetteer for unit tests across the crate.
    pub(crate) fn small() -> Gazetteer {
        let entity = |id: &str, label: &str, class| Entity {
            id: id.into(),
            label: label.into(),
            class,
            part_of: None,
            // The one person of the test gazetteer serves Armenia.
            nationality: (id == "Nikol_Pashinyan").then(|| "Armenia".to_string()),
            invocation_requests_assistance: false,
            founded: None,
        };
        let entities = vec![
            entity("Armenia", "Armenia", EntityClass::State),
            entity("Azerbaijan", "Azerbaijan", EntityClass::State),
            entity("CSTO", "CSTO", EntityClass::Alliance),
            entity("Georgia", "Georgia", EntityClass::State),
            entity("United_States", "United States", EntityClass::State),
            entity("Nikol_Pashinyan", "Nikol Pashinyan", EntityClass::Person),
            entity("Kyrgyzstan", "Kyrgyzstan", EntityClass::State),
            entity("Russia", "Russia", EntityClass::State),
        ];
        let label = |text: &str, entity, kind| Label {
            text: text.into(),
            entity,
            kind,
        };
        let labels = vec![
            label("Armenia", 0, LabelKind::Name),
            label("Armenian", 0, LabelKind::Demonym),
            label("Yerevan", 0, LabelKind::Metonym),
            label("Azerbaijan", 1, LabelKind::Name),
            label("Azeri", 1, LabelKind::Demonym),
            label("CSTO", 2, LabelKind::Name),
            label(
                "Collective Security Treaty Organization",
                2,
                LabelKind::Name,
            ),
            label("Russia's Nato", 2, LabelKind::Name),
            label("the bloc", 2, LabelKind::Anaphor),
            label("Georgia", 3, LabelKind::Name),
            label("US", 4, LabelKind::Name),
            label("Nikol Pashinyan", 5, LabelKind::Name),
            label("Pashinian", 5, LabelKind::Name),
            label("Kyrgyzstan", 6, LabelKind::Name),
            label("Kyrgyz", 6, LabelKind::Demonym),
            label("Kirghizia", 6, LabelKind::Name),
            label("Russia", 7, LabelKind::Name),
            label("Russian", 7, LabelKind::Demonym),
            label("Moscow", 7, LabelKind::Metonym),
            label("the Kremlin", 7, LabelKind::Metonym),
        ];
        let mut gazetteer = Gazetteer::new(entities, labels).unwrap();
        // The project's phrasing: the rules read their words from it.
        gazetteer
            .set_phrases(
                crate::rdf::ontology::load_embedded()
                    .unwrap()
                    .gazetteer
                    .phrases,
            )
            .unwrap();
        gazetteer
    }

    fn check(text: &str, expected: &[(&str, &str, LabelKind)]) {
        let gaz = small();
        let got: Vec<(&str, &str, LabelKind)> = gaz
            .find_all(text)
            .iter()
            .map(|h| {
                (
                    h.span.slice(text),
                    gaz.entities[h.entity].id.as_str(),
                    h.kind,
                )
            })
            .collect();
        assert_eq!(got, expected, "in {text:?}");
    }

    #[test]
    fn matches_names_case_and_boundaries() {
        use LabelKind::*;
        check(
            "Armenia and Azerbaijan",
            &[
                ("Armenia", "Armenia", Name),
                ("Azerbaijan", "Azerbaijan", Name),
            ],
        );
        check(
            "Armenian troops in Yerevan",
            &[
                ("Armenian", "Armenia", Demonym),
                ("Yerevan", "Armenia", Metonym),
            ],
        );
        check("let us go to the US", &[("US", "United_States", Name)]);
        check(
            "georgia on my mind, Georgia",
            &[("Georgia", "Georgia", Name)],
        );
        check(
            "Kyrgyzstan, Kyrgyz, Kirghizia",
            &[
                ("Kyrgyzstan", "Kyrgyzstan", Name),
                ("Kyrgyz", "Kyrgyzstan", Demonym),
                ("Kirghizia", "Kyrgyzstan", Name),
            ],
        );
        check(
            "Russia’s Nato and Russia's NATO",
            &[
                ("Russia’s Nato", "CSTO", Name),
                ("Russia's NATO", "CSTO", Name),
            ],
        );
        check(
            "The bloc said; the Bloc",
            &[("The bloc", "CSTO", Anaphor), ("the Bloc", "CSTO", Anaphor)],
        );
        check("Armenians", &[]);
        check(
            "the Collective Security Treaty Organization (CSTO)",
            &[
                ("Collective Security Treaty Organization", "CSTO", Name),
                ("CSTO", "CSTO", Name),
            ],
        );
    }

    #[test]
    fn lookup_folds() {
        let gaz = small();
        assert_eq!(gaz.lookup("pashinian"), Some(5));
        assert_eq!(gaz.lookup("Nikol  Pashinyan"), Some(5));
        assert_eq!(gaz.lookup("the bloc"), None);
        assert_eq!(gaz.lookup("Narnia"), None);
    }
}
