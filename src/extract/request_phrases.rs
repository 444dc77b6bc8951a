//! Requests for assistance driven by the phrase lists of
//! `ontology/phrasing.ttl`, beside the patterns of `request`:
//!
//! - a request noun and its agent: "at the request of the Kazakh
//!   president", "following a request from the interim Kyrgyz government",
//!   "turning down requests by Kyrgyzstan", "the call for military
//!   assistance issued by X" (`request.noun_agent`);
//! - a verb of appeal with the alliance as its object and a call for help:
//!   "turned to the CSTO heads of state to send troops", "called on members
//!   of the bloc to help it", "applied to the CSTO Collective Security
//!   Council" (`request.appeal_verb`);
//! - the passive: "the CSTO was asked to send troops to Kyrgyzstan"
//!   (`request.passive`).
//!
//! Each needs the alliance named in its sentence (or its object); the
//! outcome comes from the sentence and the next two ("agreed to send",
//! "turned down").

use std::collections::HashMap;

use crate::claim::{Claim, Object, Relation, Value};
use crate::mention::{EntityClass, EntityRef, Mention, MentionKind};
use crate::span::Span;

use super::coordination::{has_phrase, words};
use super::request::{actor_state, is_actor, is_negated, nearest_actor, outcome_after};
use super::Doc;

/// The most words between a request noun's agent link and its agent
/// ("the request of the country's embattled leader").
const AGENT_WORDS: usize = 5;
/// The most words between a verb of appeal and its call for help.
const HELP_WORDS: usize = 14;

/// Extracts the phrase-driven requests; `earlier` are the claims the other
/// rules made, so that a request is stated once per sentence and state.
pub fn extract(
    doc: &Doc<'_>,
    person_state: &HashMap<EntityRef, EntityRef>,
    earlier: &[Claim],
) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for idx in 0..doc.sentences.len() {
        let mentions = doc.mentions_in(idx);
        let actor_near = (idx.saturating_sub(2)..=idx)
            .any(|j| doc.mentions_in(j).iter().any(|m| is_actor(doc, m)));
        if !actor_near {
            continue;
        }
        let mut found = noun_agents(doc, idx);
        found.extend(appeal_verbs(doc, idx, mentions, person_state));
        found.extend(passives(doc, idx, mentions));
        for (requester, alliance, cue, rule) in found {
            let Some(state) = actor_state(doc, requester, person_state) else {
                continue;
            };
            let stated = |c: &Claim| {
                c.relation == Relation::RequestedAssistance
                    && c.sentence == idx
                    && c.subject == state
            };
            if earlier.iter().any(stated) || out.iter().any(stated) {
                continue;
            }
            let outcome = outcome_after(doc, idx, doc.sentences[idx].span.start);
            let mut claim = doc
                .claim(
                    Relation::RequestedAssistance,
                    state,
                    Object::Entity(alliance),
                )
                .at(idx, requester.span.cover(cue))
                .rule(rule, 0.75);
            claim.date = doc.date_near(idx, cue.start);
            claim.value = outcome.map(Value::Outcome);
            out.push(claim);
        }
    }
    out
}

/// A found request: requester, alliance, cue, rule.
type Found<'m> = (&'m Mention, EntityRef, Span, &'static str);

/// The alliance of a mention (itself, or the alliance of its body, force or
/// treaty).
fn alliance_of(doc: &Doc<'_>, m: &Mention) -> Option<EntityRef> {
    doc.entities.alliance_of(m.entity).or_else(|| {
        // A body of the alliance ("the CSTO Collective Security Council").
        let part_of = doc.entities.get(m.entity).part_of.as_deref()?;
        let parent = EntityRef(doc.entities.gazetteer.find_id(part_of)?);
        doc.entities.alliance_of(parent)
    })
}

/// The first alliance named in the three sentences after `idx`: a lead
/// that speaks of "a Russian-led military bloc" names it only later.
fn named_soon(doc: &Doc<'_>, idx: usize) -> Option<EntityRef> {
    (idx + 1..(idx + 4).min(doc.sentences.len()))
        .flat_map(|j| doc.mentions_in(j))
        .find(|m| doc.class(m) == EntityClass::Alliance && m.kind == MentionKind::Name)
        .map(|m| m.entity)
}

/// Whether the sentence, or the one before it, names an alliance.
fn alliance_near(doc: &Doc<'_>, idx: usize) -> Option<EntityRef> {
    let named = (idx.saturating_sub(1)..=idx)
        .flat_map(|j| doc.mentions_in(j))
        .any(|m| alliance_of(doc, m).is_some());
    named.then(|| doc.alliance_for(idx)).flatten()
}

/// The requester named right after an agent link in sentence `idx`: a
/// state, a person, a demonym's government ("the Kazakh government"), or
/// "the country's" leader, which is the last state named before.
fn agent_after<'m>(doc: &'m Doc<'_>, idx: usize, from: usize) -> Option<&'m Mention> {
    let text = doc.text;
    let mentions = doc.mentions_in(idx);
    let head: String = words(&text[from..doc.sentences[idx].span.end])
        .into_iter()
        .take(AGENT_WORDS)
        .collect::<Vec<_>>()
        .join(" ");
    let possessive_country = ["country's", "country’s", "nation's", "nation’s"]
        .iter()
        .any(|p| head.starts_with(p) || head.contains(&format!(" {p}")));
    if possessive_country {
        // "the request of the country's leader": the state named last.
        return (idx.saturating_sub(2)..=idx).rev().find_map(|j| {
            doc.mentions_in(j)
                .iter()
                .rev()
                .find(|m| m.span.end <= from && doc.is_state_actor(m))
        });
    }
    mentions
        .iter()
        .find(|m| m.span.start >= from && is_actor(doc, m))
        .filter(|m| words(&text[from..m.span.start]).len() <= AGENT_WORDS)
}

/// "at the request of X", "following a request from X".
fn noun_agents<'m>(doc: &'m Doc<'_>, idx: usize) -> Vec<Found<'m>> {
    let text = doc.text;
    let phrases = doc.phrases();
    let mut out = Vec::new();
    let Some(alliance) = alliance_near(doc, idx) else {
        return out;
    };
    for noun in doc.phrase_spans(idx, "requestNoun") {
        let sentence = doc.sentences[idx].span;
        let after = &text[noun.end..sentence.end];
        // The agent link within two words: "the call for military
        // assistance issued by", "requests by".
        let link = phrases.get("requestAgentLink").iter().find_map(|link| {
            let lower = super::prefix(after, 60).to_lowercase();
            let at = lower.find(&format!(" {link} "))?;
            (words(&lower[..at]).len() <= 2).then_some(noun.end + at + link.len() + 2)
        });
        let Some(agent_from) = link else { continue };
        if doc.is_hypothetical(idx, noun.start)
            || is_negated(doc, doc.sentence_text(idx), noun.start - sentence.start)
        {
            continue;
        }
        if let Some(requester) = agent_after(doc, idx, agent_from) {
            if alliance_of(doc, requester).is_none() {
                out.push((requester, alliance, noun, "request.noun_agent"));
            }
        }
    }
    out
}

/// "turned to the CSTO heads of state to send troops", "called on members
/// of the bloc to help it", "applied to the CSTO Collective Security
/// Council".
fn appeal_verbs<'m>(
    doc: &Doc<'_>,
    idx: usize,
    mentions: &'m [Mention],
    person_state: &HashMap<EntityRef, EntityRef>,
) -> Vec<Found<'m>> {
    let text = doc.text;
    let phrases = doc.phrases();
    let sentence = doc.sentences[idx].span;
    let mut out = Vec::new();
    for verb in doc.phrase_spans(idx, "appealVerb") {
        let after = &text[verb.end..sentence.end];
        let window: String = words(after)
            .into_iter()
            .take(HELP_WORDS)
            .collect::<Vec<_>>()
            .join(" ");
        let help = phrases
            .get("helpPhrase")
            .iter()
            .any(|h| format!(" {window} ").contains(&format!(" {h} ")));
        let formal = phrases.contains("formalAppealVerb", verb.slice(text));
        if !(help || formal && !has_phrase(phrases, "membershipWord", doc.sentence_text(idx))) {
            continue;
        }
        // The addressee: an alliance (or its body) named within three
        // words, or words for its members ("members of the bloc").
        let named = mentions
            .iter()
            .find(|m| m.span.start >= verb.end && alliance_of(doc, m).is_some())
            .filter(|m| words(&text[verb.end..m.span.start]).len() <= 3)
            .and_then(|m| alliance_of(doc, m));
        let generic = || {
            let head: Vec<String> = words(after).into_iter().take(6).collect();
            head.iter()
                .any(|w| phrases.contains("allianceWord", w))
                .then(|| doc.alliance_for(idx).or_else(|| named_soon(doc, idx)))
                .flatten()
        };
        let Some(alliance) = named.or_else(generic) else {
            continue;
        };
        if doc.is_hypothetical(idx, verb.start)
            || is_negated(doc, doc.sentence_text(idx), verb.start - sentence.start)
        {
            continue;
        }
        let Some(requester) = nearest_actor(doc, mentions, verb.start) else {
            continue;
        };
        if alliance_of(doc, requester).is_some()
            || helps_another(doc, idx, verb, actor_state(doc, requester, person_state))
        {
            continue;
        }
        out.push((requester, alliance, verb, "request.appeal_verb"));
    }
    out
}

/// Whether the help asked for after `verb` goes elsewhere: "asked the
/// alliance to help Turkey", "asked its allies to send a contingent there"
/// (a state other than the requester's, or "there", within the call).
fn helps_another(doc: &Doc<'_>, idx: usize, verb: Span, requester: Option<EntityRef>) -> bool {
    let after = &doc.text[verb.end..doc.sentences[idx].span.end];
    let window: Vec<String> = words(after).into_iter().take(HELP_WORDS).collect();
    if window.iter().any(|w| w == "there") {
        return true;
    }
    let mentions = doc.mentions_in(idx);
    let window_end = verb.end + super::prefix(after, 120).len();
    mentions.iter().any(|m| {
        m.span.start >= verb.end
            && m.span.end <= window_end
            && words(&doc.text[verb.end..m.span.start]).len() < HELP_WORDS
            && doc.is_state_actor(m)
            && Some(m.entity) != requester
            && words(&doc.text[verb.end..m.span.start])
                .last()
                .is_some_and(|w| doc.phrases().contains("helpTarget", w))
    })
}

/// "The CSTO was asked to send troops to Kyrgyzstan": the requester is
/// the agent after "by", else the state the help is for.
fn passives<'m>(doc: &Doc<'_>, idx: usize, mentions: &'m [Mention]) -> Vec<Found<'m>> {
    let text = doc.text;
    let mut out = Vec::new();
    for cue in doc.phrase_spans(idx, "passiveAsk") {
        let Some(alliance) = mentions
            .iter()
            .rev()
            .find(|m| m.span.end <= cue.start && alliance_of(doc, m).is_some())
            .filter(|m| words(&text[m.span.end..cue.start]).len() <= 3)
            .and_then(|m| alliance_of(doc, m))
        else {
            continue;
        };
        let after: Vec<&Mention> = mentions
            .iter()
            .filter(|m| m.span.start >= cue.end)
            .filter(|m| words(&text[cue.end..m.span.start]).len() <= HELP_WORDS)
            .collect();
        let by = after.iter().find(|m| {
            is_actor(doc, m)
                && text[..m.span.start]
                    .trim_end()
                    .to_lowercase()
                    .ends_with(" by")
        });
        let to = after.iter().find(|m| {
            doc.is_state_actor(m) && matches!(m.kind, MentionKind::Name | MentionKind::Metonym) && {
                let before = text[..m.span.start].trim_end().to_lowercase();
                before.ends_with(" to") || before.ends_with(" in") || before.ends_with(" into")
            }
        });
        if let Some(requester) = by.or(to) {
            if doc.class(requester) != EntityClass::Alliance {
                out.push((*requester, alliance, cue, "request.passive"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::claim::Relation;
    use crate::extract::tests::claims_in;

    /// The (requester, alliance, outcome) of the requests of `text`.
    fn requests(text: &str) -> Vec<(String, String, Option<String>)> {
        claims_in(text)
            .into_iter()
            .filter(|c| c.relation == Relation::RequestedAssistance)
            .map(|c| (c.subject, c.object, c.value))
            .collect()
    }

    fn requesters(text: &str) -> Vec<String> {
        requests(text).into_iter().map(|(s, _, _)| s).collect()
    }

    #[test]
    fn a_request_noun_takes_its_agent() {
        assert_eq!(
            requests("The CSTO agreed to send troops at the request of the country's president, who faced riots in Kazakhstan."),
            []
        );
        assert_eq!(
            requests("Riots shook Kazakhstan. The CSTO agreed to send troops at the request of the country's president."),
            [("Kazakhstan".to_string(), "CSTO".to_string(), Some("granted".to_string()))]
        );
        assert_eq!(
            requesters("The CSTO sent peacekeepers to Kazakhstan following a request from the Kazakh government."),
            ["Kazakhstan"]
        );
        assert_eq!(
            requests("The CSTO had turned down requests by Armenia in 2021."),
            [(
                "Armenia".to_string(),
                "CSTO".to_string(),
                Some("declined".to_string())
            )]
        );
        // No alliance near: no request to one.
        assert!(requesters("At the request of Armenia, Russia sent a diplomat.").is_empty());
    }

    #[test]
    fn a_verb_of_appeal_to_the_alliance_with_a_call_for_help_is_a_request() {
        assert_eq!(
            requesters("The CSTO met. Kazakhstan on Monday called on members of the Russian-led bloc to help it restore order."),
            ["Kazakhstan"]
        );
        assert_eq!(
            requesters("Belarus called on members of a military bloc to help it. The CSTO met."),
            ["Belarus"]
        );
        assert_eq!(
            requesters("Tokayev turned to the CSTO heads of state to send peacekeeping troops."),
            ["Kazakhstan"]
        );
        assert_eq!(
            requesters(
                "Tajikistan has officially applied to the CSTO Collective Security Council."
            ),
            ["Tajikistan"]
        );
        // Help for another state, or elsewhere.
        assert!(requesters("The CSTO met. Belarus asked the bloc to help Armenia.").is_empty());
        assert!(
            requesters("The CSTO met. Moscow asked its allies to send a contingent there.")
                .is_empty()
        );
        assert_eq!(
            requesters("The CSTO met. Armenia asked the bloc for help against Azerbaijan."),
            ["Armenia"]
        );
        // No call for help, or a request to join.
        assert!(requesters("The talks turned to the CSTO and its budget.").is_empty());
        assert!(
            requesters("Serbia applied to the CSTO for observer status as a membership step.")
                .is_empty()
        );
        assert!(requesters("Armenia could turn to the CSTO for help.").is_empty());
    }

    #[test]
    fn a_passive_request_takes_the_state_helped() {
        assert_eq!(
            requests("The CSTO was asked to send troops to Kyrgyzstan but declined."),
            [(
                "Kyrgyzstan".to_string(),
                "CSTO".to_string(),
                Some("declined".to_string())
            )]
        );
        assert_eq!(
            requesters("In 2010 the CSTO was asked by Kyrgyzstan to restore order."),
            ["Kyrgyzstan"]
        );
    }
}
