//! Extractors: general rules over sentences, mentions and trigger words that
//! turn an article into [`Claim`]s, one module per relation family.
//!
//! [`Doc`] (`doc.rs`) is the analysed article every extractor reads: its
//! sentences, mentions, dates and the alliance in focus. `text.rs` holds the
//! text helpers the rule modules share, re-exported here (`super::find_words`).
//! This module only runs the extractors in order (roles first, quotes
//! last, each seeing the claims it needs) and sorts and deduplicates their
//! claims: [`extract`]. Extractors never key on an article, a sentence or a
//! position; they see only the text, the gazetteer and the word lists.
//! Pure: no IO, no RDF.

#[macro_use]
mod text;

pub mod clash;
pub mod coordination;
pub mod dates;
pub mod events;
pub mod member_phrases;
pub mod membership;
pub mod quote;
pub mod request;
pub mod request_phrases;
pub mod role;

mod doc;

pub use doc::{ClaimDraft, Doc, PlacedDraft};
pub use text::{
    ascii_boundaries, ceil_boundary, find_iter_if, find_words, floor_boundary, parse_count, prefix,
    Cue,
};

use std::collections::HashMap;

use crate::claim::{Claim, Object};
use crate::mention::{EntityClass, EntityRef};

/// Runs every extractor over an article: claims sorted by position and rule.
pub fn extract(doc: &mut Doc<'_>) -> Vec<Claim> {
    let mut claims = Vec::new();
    let roles = role::extract(doc);
    // Which state each person speaks for, from their roles.
    let person_state: HashMap<EntityRef, EntityRef> = roles
        .iter()
        .filter_map(|c| match &c.object {
            Object::Role { of: Some(of), .. } if doc.entities.class(*of) == EntityClass::State => {
                Some((c.subject, *of))
            }
            _ => None,
        })
        .collect();
    claims.extend(roles);
    claims.extend(membership::extract(doc));
    claims.extend(request::extract(doc, &person_state));
    let requests = request_phrases::extract(doc, &person_state, &claims);
    claims.extend(requests);
    claims.extend(clash::extract(doc));
    claims.extend(events::extract(doc));
    let said = quote::extract(doc, &claims);
    claims.extend(said);
    claims.sort_by(|a, b| {
        (a.span.start, a.span.end, a.relation, a.rule)
            .cmp(&(b.span.start, b.span.end, b.relation, b.rule))
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    claims.dedup_by(|a, b| {
        a.relation == b.relation
            && a.subject == b.subject
            && a.object == b.object
            && a.span == b.span
    });
    claims
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::claim::Relation;
    use crate::mention::Gazetteer;

    /// The project's own gazetteer and phrasing (the embedded ontology),
    /// loaded once for every test that reads real English.
    pub(crate) fn project_gazetteer() -> &'static Gazetteer {
        static GAZETTEER: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        GAZETTEER.get_or_init(|| match crate::rdf::ontology::load_embedded() {
            Ok(ontology) => ontology.gazetteer,
            Err(err) => panic!("the embedded ontology does not load: {err}"),
        })
    }

    /// One claim as a test reads it: names instead of references.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) struct NamedClaim {
        pub relation: Relation,
        pub subject: String,
        pub object: String,
        pub date: Option<String>,
        pub value: Option<String>,
        pub rule: &'static str,
    }

    /// The (subject, object) labels of the `relation` claims of `text`,
    /// read as `claims_in` reads it.
    pub(crate) fn pairs_in(text: &str, relation: Relation) -> Vec<(String, String)> {
        claims_in(text)
            .into_iter()
            .filter(|c| c.relation == relation)
            .map(|c| (c.subject, c.object))
            .collect()
    }

    /// Every claim of `text` (an article of its own, undated), with the
    /// project's gazetteer and phrasing.
    pub(crate) fn claims_in(text: &str) -> Vec<NamedClaim> {
        let mut doc = Doc::new(text, project_gazetteer(), None);
        let claims = extract(&mut doc);
        claims
            .into_iter()
            .map(|c| NamedClaim {
                relation: c.relation,
                subject: doc.entities.get(c.subject).label.clone(),
                object: match &c.object {
                    Object::Entity(e) => doc.entities.get(*e).label.clone(),
                    Object::Quote(q) | Object::Label(q) => q.clone(),
                    Object::Role { label, .. } => label.clone(),
                },
                date: c.date.map(|d| d.to_string()),
                value: c.value.map(|v| v.to_string()),
                rule: c.rule,
            })
            .collect()
    }
}
