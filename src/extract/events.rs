//! Other events the text clearly supports: exercises held or cancelled,
//! support for a war, military bases, and UN votes.
//!
//! - *cancelled exercise*: a state (or its capital) that "called off",
//!   "cancelled" or "refused to host" exercises or drills;
//! - *supported*: "only Belarus has provided support for Russia’s …
//!   invasion", "X supports Russia’s war";
//! - *hosts base of*: "Russian 102nd Military Base in Gyumri" — the
//!   demonym's state keeps a base in the state of the place (or the state
//!   named in the sentence);
//! - *UN vote*: "A and B voted against the … resolution", "C and D abstained".

use crate::claim::{Claim, Object, Relation};
use crate::mention::{EntityClass, Mention, MentionKind};
use crate::span::Span;

use super::{Cue, Doc};

/// Extracts the other events, sentence by sentence, rule by rule.
pub fn extract(doc: &Doc<'_>) -> Vec<Claim> {
    let mut out = Vec::new();
    for idx in 0..doc.sentences.len() {
        let sentence = SentenceView::new(doc, idx);
        exercise_cancelled(doc, &sentence, &mut out);
        supports_war(doc, &sentence, &mut out);
        military_base(doc, &sentence, &mut out);
        un_vote(doc, &sentence, &mut out);
    }
    out
}

/// Sentence `idx` as the event rules read it.
struct SentenceView<'d> {
    idx: usize,
    start: usize,
    body: &'d str,
    mentions: &'d [Mention],
    /// Whether a state acts in it (a name or metonym): every rule but the
    /// base's needs one, checked before its regex runs.
    has_state_actor: bool,
}

impl<'d> SentenceView<'d> {
    fn new(doc: &'d Doc<'_>, idx: usize) -> Self {
        let mentions = doc.mentions_in(idx);
        SentenceView {
            idx,
            start: doc.sentences[idx].span.start,
            body: doc.sentence_text(idx),
            mentions,
            has_state_actor: mentions.iter().any(|m| doc.is_state_actor(m)),
        }
    }

    /// The absolute span of a match in the sentence.
    fn span(&self, m: regex::Match<'_>) -> Span {
        Span::new(self.start + m.start(), self.start + m.end())
    }
}

/// "X called off the exercises": the state before the cue cancelled them.
fn exercise_cancelled(doc: &Doc<'_>, sentence: &SentenceView<'_>, out: &mut Vec<Claim>) {
    let (idx, body, mentions) = (sentence.idx, sentence.body, sentence.mentions);
    if let Some(cue) = super::find_iter_if(
        sentence.has_state_actor,
        &doc.cues().cancelled_exercise,
        body,
    )
    .next()
    {
        let cue_span = sentence.span(cue);
        if let Some(actor) = mentions
            .iter()
            .rev()
            .find(|m| m.span.end <= cue_span.start && doc.is_state_actor(m))
        {
            let label = exercise_name(doc.text, cue_span)
                .unwrap_or_else(|| "military exercises".to_string());
            let mut claim = doc
                .claim(
                    Relation::CancelledExercise,
                    actor.entity,
                    Object::Label(label),
                )
                .at(idx, actor.span.cover(cue_span))
                .rule("event.exercise_cancelled", 0.75);
            claim.date = doc.date_near(idx, cue_span.start);
            out.push(claim);
        }
    }
}

/// "X supports Russia’s war": a state's support for another's war.
fn supports_war(doc: &Doc<'_>, sentence: &SentenceView<'_>, out: &mut Vec<Claim>) {
    let (idx, body, mentions) = (sentence.idx, sentence.body, sentence.mentions);
    for cue in super::find_iter_if(
        sentence.has_state_actor && doc.may_match(idx, Cue::Support),
        &doc.cues().support,
        body,
    ) {
        let cue_span = sentence.span(cue);
        let lower = body.to_lowercase();
        if !(lower.contains("war")
            || lower.contains("invasion")
            || lower.contains("aggression")
            || lower.contains("military"))
        {
            continue;
        }
        let before = &body[..cue.start()].to_lowercase();
        if before.contains(" not ")
            || before.contains("n’t")
            || before.contains("n't")
            || before.contains("no ") && before.ends_with("has ")
        {
            continue;
        }
        let actor = mentions
            .iter()
            .rev()
            .find(|m| m.span.end <= cue_span.start && doc.is_state_actor(m));
        let target = mentions.iter().find(|m| {
            m.span.start >= cue_span.end && doc.class(m) == EntityClass::State && !m.modifier
        });
        if let (Some(actor), Some(target)) = (actor, target) {
            if actor.entity != target.entity && text_between_words(doc, actor, cue_span) <= 4 {
                out.push(
                    doc.claim(
                        Relation::Supported,
                        actor.entity,
                        Object::Entity(target.entity),
                    )
                    .at(idx, actor.span.cover(cue_span).cover(target.span))
                    .rule("event.supports_war", 0.6),
                );
            }
        }
    }
}

/// "the Russian 102nd Military Base": the demonym's state keeps a base in
/// the state the sentence names.
fn military_base(doc: &Doc<'_>, sentence: &SentenceView<'_>, out: &mut Vec<Claim>) {
    let (idx, body, mentions) = (sentence.idx, sentence.body, sentence.mentions);
    let has_state_demonym = mentions
        .iter()
        .any(|m| m.kind == MentionKind::Demonym && doc.class(m) == EntityClass::State);
    for cue in super::find_iter_if(
        has_state_demonym && doc.may_match(idx, Cue::Base),
        &doc.cues().base,
        body,
    ) {
        let cue_span = sentence.span(cue);
        let owner = mentions.iter().rev().find(|m| {
            m.span.end <= cue_span.start
                && m.kind == MentionKind::Demonym
                && doc.class(m) == EntityClass::State
                && cue_span.start - m.span.end <= 20
        });
        let host = mentions.iter().find(|m| {
            doc.class(m) == EntityClass::State
                && m.kind != MentionKind::Demonym
                && Some(m.entity) != owner.map(|o| o.entity)
                && !m.modifier
        });
        if let (Some(owner), Some(host)) = (owner, host) {
            out.push(
                doc.claim(
                    Relation::HostsBaseOf,
                    host.entity,
                    Object::Entity(owner.entity),
                )
                .at(idx, owner.span.cover(cue_span))
                .rule("event.military_base", 0.6),
            );
        }
    }
}

/// "A and B voted against the … resolution", "C abstained": each state
/// named before the cue voted so.
fn un_vote(doc: &Doc<'_>, sentence: &SentenceView<'_>, out: &mut Vec<Claim>) {
    let (idx, body, mentions) = (sentence.idx, sentence.body, sentence.mentions);
    if !sentence.has_state_actor {
        return;
    }
    for caps in doc.cues().vote.captures_iter(body) {
        let Some(pos) = caps.name("pos") else {
            continue;
        };
        let cue_span = sentence.span(pos);
        if !body.contains("resolution") && !body.contains("United Nations") && !body.contains("UN ")
        {
            continue;
        }
        let position = if pos.as_str().starts_with("abstain") {
            "abstained"
        } else if pos.as_str().contains("against") {
            "against"
        } else {
            "for"
        };
        let voters: Vec<&Mention> = mentions
            .iter()
            .filter(|m| m.span.end <= cue_span.start && doc.is_state_actor(m))
            .filter(|m| cue_span.start - m.span.end <= 120)
            .collect();
        for m in voters {
            let mut claim = doc
                .claim(
                    Relation::VotedOnUnResolution,
                    m.entity,
                    Object::Label(position.to_string()),
                )
                .at(idx, m.span.cover(cue_span))
                .rule("event.un_vote", 0.6);
            claim.date = doc.date_near(idx, cue_span.start);
            out.push(claim);
        }
    }
}

fn text_between_words(doc: &Doc<'_>, m: &Mention, cue: Span) -> usize {
    doc.text[m.span.end..cue.start].split_whitespace().count()
}

/// A quoted or capitalised exercise name inside the cue: “Indestructible Brotherhood-2022”.
fn exercise_name(text: &str, cue: Span) -> Option<String> {
    let body = cue.slice(text);
    let open = body.find(['“', '"', '«'])?;
    let rest = &body[open..];
    let first = rest.chars().next()?;
    let rest = &rest[first.len_utf8()..];
    let close = rest.find(['”', '"', '»'])?;
    Some(rest[..close].to_string())
}
