//! Treaty invocations, requests for assistance (with their outcome) and
//! deployments (with troop counts).
//!
//! - *invoked*: a treaty-article mention with "invoke(d)" or "appeal(ed)
//!   under"; the actor is the nearest state or person before the verb. An
//!   invocation is also a request for help from the treaty's alliance.
//! - *requested assistance*: "called for (the CSTO’s) assistance", "request
//!   for help", "appealed to the bloc", "applied to … for help"; the outcome
//!   comes from the same and the next two sentences (fact-finding, declined,
//!   ignored, granted).
//! - *deployed to*: "deployed", "sent troops", "peacekeeping operation
//!   launched in X" with the alliance as the agent; the number before
//!   "soldiers"/"troops" is the troop count.
//!
//! Hypotheticals ("could have triggered", "if Russia appeals") and negations
//! ("failed to appeal", "did not do so") make no claim.

use std::collections::HashMap;

use crate::claim::{Claim, Object, Relation, Value};
use crate::mention::{EntityClass, EntityRef, Mention, MentionKind};
use crate::span::Span;

use super::{ClaimDraft, Cue, Doc};

/// Extracts invocations, requests and deployments, sentence by sentence,
/// rule by rule.
pub fn extract(doc: &Doc<'_>, person_state: &HashMap<EntityRef, EntityRef>) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut requesters = Requesters {
        person_state,
        granted: Vec::new(),
    };
    for idx in 0..doc.sentences.len() {
        invocations(doc, idx, &mut requesters, &mut out);
        requests(doc, idx, &mut requesters, &mut out);
        deployments(doc, idx, &requesters, &mut out);
    }
    out
}

/// Who requests, as the rules carry it across an article's sentences.
struct Requesters<'p> {
    /// The state each person speaks for, from the roles found before.
    person_state: &'p HashMap<EntityRef, EntityRef>,
    /// The requests the text says were granted so far: (sentence,
    /// requester). A deployment that names no target goes to a recent one's
    /// requester.
    granted: Vec<(usize, EntityRef)>,
}

impl Requesters<'_> {
    /// The state an actor stands for ([`actor_state`]).
    fn state_of(&self, doc: &Doc<'_>, m: &Mention) -> Option<EntityRef> {
        actor_state(doc, m, self.person_state)
    }

    /// Gives a request of sentence `idx` the outcome the text gives after
    /// byte `from` ([`outcome_after`]), and records it if granted.
    fn add_outcome(&mut self, doc: &Doc<'_>, idx: usize, from: usize, request: &mut Claim) {
        let outcome = outcome_after(doc, idx, from);
        request.value = outcome.map(Value::Outcome);
        if outcome == Some("granted") {
            self.granted.push((idx, request.subject));
        }
    }

    /// The requester of the last request granted in sentence `idx` or the
    /// three before it.
    fn recently_granted(&self, idx: usize) -> Option<EntityRef> {
        self.granted
            .iter()
            .rev()
            .find(|(i, _)| idx - i <= 3)
            .map(|(_, s)| *s)
    }
}

/// A request for assistance from `state` to `alliance`.
fn request_to<'d>(doc: &'d Doc<'_>, state: EntityRef, alliance: EntityRef) -> ClaimDraft<'d> {
    doc.claim(
        Relation::RequestedAssistance,
        state,
        Object::Entity(alliance),
    )
}

/// Invocations: a treaty-article mention and an invoke cue with an actor;
/// the first such cue of the sentence makes the claim, and for a
/// mutual-assistance clause a request.
fn invocations(doc: &Doc<'_>, idx: usize, requesters: &mut Requesters<'_>, out: &mut Vec<Claim>) {
    let sentence = doc.sentences[idx].span;
    let body = doc.sentence_text(idx);
    let mentions = doc.mentions_in(idx);
    let Some(article) = mentions
        .iter()
        .find(|m| doc.class(m) == EntityClass::TreatyArticle)
    else {
        return;
    };
    for cue in doc.cues().invoke.find_iter(body) {
        let cue_span = abs(sentence, cue.start(), cue.end());
        if is_hypothetical(doc, body, cue.start()) || is_negated(doc, body, cue.start()) {
            continue;
        }
        let before = &body[..cue.start()].to_lowercase();
        if before.ends_with("the ") || before.ends_with("the formally ") {
            continue; // "the invoking of Article 4": no agent
        }
        let Some(actor) = invoking_actor(doc, mentions, &body[cue.end()..], cue_span) else {
            continue;
        };
        for actor in co_invokers(doc, mentions, actor, cue_span) {
            invocation(doc, idx, requesters, actor, article, cue_span, out);
        }
        break;
    }
}

/// The invoking actor with the states listed before it as the cue's
/// subject: "Hungary, Greece and Spain have all invoked …" (only a few
/// words, no punctuation, between the list and the cue).
fn co_invokers<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    actor: &'m Mention,
    cue_span: Span,
) -> Vec<&'m Mention> {
    let gap = doc.text.get(actor.span.end..cue_span.start).unwrap_or("");
    let subject_gap = gap.split_whitespace().count() <= 4 && !gap.contains([',', '.', ';', ':']);
    if !doc.is_state_actor(actor) || !subject_gap {
        return vec![actor];
    }
    let list = super::coordination::states_before(doc, mentions, actor.span.end);
    // A coordination ends in "and": "After A attacked B, C invoked …" is
    // no list.
    let coordinated = match list.as_slice() {
        [.., before_last, last] => doc
            .text
            .get(before_last.span.end..last.span.start)
            .is_some_and(|g| g.split_whitespace().any(|w| w == "and")),
        _ => false,
    };
    if coordinated && list.last().is_some_and(|last| last.span == actor.span) {
        list
    } else {
        vec![actor]
    }
}

/// The claims of one actor invoking `article`: the invocation, and for a
/// mutual-assistance clause a request to the treaty's alliance.
fn invocation(
    doc: &Doc<'_>,
    idx: usize,
    requesters: &mut Requesters<'_>,
    actor: &Mention,
    article: &Mention,
    cue_span: Span,
    out: &mut Vec<Claim>,
) {
    let span = actor.span.cover(article.span).cover(cue_span);
    // "Pashinian's government invoked …": the government's state
    // acts, not the person.
    let invoker = if doc.class(actor) == EntityClass::Person
        && governs(&doc.text[actor.span.end..cue_span.start])
    {
        requesters.state_of(doc, actor).unwrap_or(actor.entity)
    } else {
        actor.entity
    };
    let mut claim = doc
        .claim(Relation::Invoked, invoker, Object::Entity(article.entity))
        .at(idx, span)
        .rule("invocation.verb_treaty_article", 0.85);
    claim.date = doc.date_near(idx, cue_span.start);
    out.push(claim);
    // Invoking a mutual-assistance clause asks the treaty's
    // alliance for help (a consultation clause does not).
    let asks_help = doc
        .entities
        .get(article.entity)
        .invocation_requests_assistance;
    if let (true, Some(state), Some(alliance)) = (
        asks_help,
        requesters.state_of(doc, actor),
        alliance_of_article(doc, article.entity, idx),
    ) {
        let mut request = request_to(doc, state, alliance)
            .at(idx, span)
            .rule("request.by_invocation", 0.8);
        request.date = claim_date(out);
        requesters.add_outcome(doc, idx, cue_span.end, &mut request);
        out.push(request);
    }
}

/// Who invokes: the agent after "by" ("the provision invoked by the
/// U.S."), else the nearest actor before the cue.
fn invoking_actor<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    after_cue: &str,
    cue_span: Span,
) -> Option<&'m Mention> {
    // "the provision invoked by the U.S.": the agent follows.
    let by_agent = after_cue.starts_with(" by ").then(|| {
        mentions
            .iter()
            .find(|m| m.span.start >= cue_span.end + 4 && is_actor(doc, m))
            .filter(|m| {
                doc.text[cue_span.end..m.span.start]
                    .split_whitespace()
                    .count()
                    <= 3
            })
    });
    by_agent
        .flatten()
        .or_else(|| nearest_actor(doc, mentions, cue_span.start))
}

/// Requests for assistance: a verb ("called for assistance") or noun ("the
/// request for help") cue addressed to an alliance, with its requester and
/// outcome; one claim per requesting state and sentence.
fn requests(doc: &Doc<'_>, idx: usize, requesters: &mut Requesters<'_>, out: &mut Vec<Claim>) {
    let sentence = doc.sentences[idx].span;
    let body = doc.sentence_text(idx);
    let mut seen_requester: Vec<EntityRef> = Vec::new();
    for (cue, noun) in request_cues(doc, idx, body) {
        let cue_span = abs(sentence, cue.start(), cue.end());
        if is_hypothetical(doc, body, cue.start())
            || doc.is_hypothetical(idx, cue_span.start)
            || is_negated(doc, body, cue.start())
        {
            continue;
        }
        // "asked X for help" is a request to the alliance only when X
        // names it ("asked its CSTO partners", "asked Moscow and the
        // CSTO"): "asked Moscow for help" is not; so for "appealed to X".
        if !asks_the_alliance(doc, idx, cue_span) {
            continue;
        }
        let Some(alliance) = addressee(doc, idx, cue_span) else {
            continue;
        };
        let Some(requester) = requester(doc, idx, cue_span, noun) else {
            continue;
        };
        let Some(state) = requesters.state_of(doc, requester) else {
            continue;
        };
        if seen_requester.contains(&state) {
            continue;
        }
        seen_requester.push(state);
        let span = if requester.sentence == idx {
            requester.span.cover(cue_span)
        } else {
            cue_span
        };
        let mut claim = request_to(doc, state, alliance).at(idx, span).rule(
            if noun {
                "request.noun_phrase"
            } else {
                "request.verb"
            },
            0.8,
        );
        claim.date = doc.date_near(idx, cue_span.start);
        requesters.add_outcome(doc, idx, cue_span.end, &mut claim);
        out.push(claim);
    }
}

/// The request cues of sentence `idx` (its text `body`), each with whether
/// it is a noun: the verbs, then the nouns.
fn request_cues<'b>(doc: &Doc<'_>, idx: usize, body: &'b str) -> Vec<(regex::Match<'b>, bool)> {
    // A request needs an alliance to address and an actor in this
    // sentence or, for a noun, the two before: without them, skip the
    // cue searches (for speed only).
    let may_request = doc.may_match(idx, Cue::Request)
        && doc.alliance_for(idx).is_some()
        && (idx.saturating_sub(2)..=idx)
            .any(|j| doc.mentions_in(j).iter().any(|m| is_actor(doc, m)));
    // A noun reading ("the call for help") wins over a verb reading of the same words.
    let noun_matches: Vec<regex::Match<'_>> =
        super::find_iter_if(may_request, &doc.cues().request_noun, body).collect();
    let verbs = super::find_iter_if(may_request, &doc.cues().request_verb, body)
        .filter(|v| {
            !noun_matches
                .iter()
                .any(|n| n.start() < v.end() && v.start() < n.end())
        })
        .map(|m| (m, false))
        .collect::<Vec<_>>();
    let nouns = noun_matches.iter().map(|m| (*m, true));
    verbs.into_iter().chain(nouns).collect()
}

/// Who requests: for a verb, the nearest actor before it; for a noun, the
/// possessor ("Armenia’s request"), else the first actor before it, else
/// the last of the sentences before.
fn requester<'d>(doc: &'d Doc<'_>, idx: usize, cue_span: Span, noun: bool) -> Option<&'d Mention> {
    let mentions = doc.mentions_in(idx);
    let requester = if noun {
        possessor_state(doc, mentions, cue_span.start)
            .or_else(|| first_actor(doc, mentions, cue_span.start))
    } else {
        nearest_actor(doc, mentions, cue_span.start)
    };
    // Only a noun phrase ("the call for help was answered") takes its
    // requester from the sentences before; a verb has its subject here.
    if noun {
        requester.or_else(|| previous_actor(doc, idx))
    } else {
        requester
    }
}

/// Deployments: the agent is an alliance (or its force) named in this or
/// the previous sentence; the first cue with an agent and a target makes
/// the claims, one per target state.
fn deployments(doc: &Doc<'_>, idx: usize, requesters: &Requesters<'_>, out: &mut Vec<Claim>) {
    let sentence = doc.sentences[idx].span;
    let body = doc.sentence_text(idx);
    let mentions = doc.mentions_in(idx);
    // Without an alliance in this or the previous sentence, skip the cue search.
    let alliance_near = (idx.saturating_sub(1)..=idx).any(|j| {
        doc.mentions_in(j)
            .iter()
            .any(|m| doc.entities.alliance_of(m.entity).is_some())
    });
    for cue in super::find_iter_if(alliance_near, &doc.cues().deploy, body) {
        let cue_span = abs(sentence, cue.start(), cue.end());
        if is_hypothetical(doc, body, cue.start()) || is_negated(doc, body, cue.start()) {
            continue;
        }
        let lower_before = body[..cue.start()].to_lowercase();
        if lower_before.ends_with("no ")
            || lower_before.ends_with("ruling out ")
            || lower_before.contains("offered no")
        {
            continue;
        }
        let Some(alliance) = deploying_alliance(doc, idx, cue_span) else {
            continue;
        };
        // "deployed to Estonia, Latvia and Lithuania": every state of the list.
        let listed: Vec<EntityRef> = target_state(doc, mentions, cue_span)
            .map(|first| {
                super::coordination::states_after(doc, mentions, first.span.start, 0, false)
                    .into_iter()
                    .map(|m| m.entity)
                    .collect()
            })
            .unwrap_or_default();
        let target = listed
            .first()
            .copied()
            .or_else(|| operation_in(doc, idx))
            .or_else(|| requesters.recently_granted(idx));
        let Some(target) = target else { continue };
        let mut claim = doc
            .claim(Relation::DeployedTo, alliance, Object::Entity(target))
            .at(idx, cue_span)
            .rule("deployment.alliance_troops_to_state", 0.75);
        claim.date = doc.date_near(idx, cue_span.start);
        if let Some(caps) = doc.cues().troops.captures(body) {
            claim.value = caps
                .name("n")
                .and_then(|n| super::parse_count(n.as_str()))
                .map(Value::Count);
        }
        // A count given for the whole list is no state's own.
        if listed.len() > 1 {
            claim.value = None;
        }
        let others: Vec<Claim> = listed
            .iter()
            .skip(1)
            .map(|other| Claim {
                object: Object::Entity(*other),
                ..claim.clone()
            })
            .collect();
        out.push(claim);
        out.extend(others);
        break;
    }
}

/// The agent of a deployment: an alliance named in the cue ("the
/// deployment of CSTO peacekeepers"), else one before it with no other
/// actor closer to the verb, else, for a passive or nominal deployment, the
/// alliance in focus.
fn deploying_alliance(doc: &Doc<'_>, idx: usize, cue_span: Span) -> Option<EntityRef> {
    let mentions = doc.mentions_in(idx);
    // Named in the cue, or by a force whose name the cue starts inside
    // ("CSTO peacekeepers arrived": the cue starts at "peacekeepers").
    let inside = mentions
        .iter()
        .filter(|m| cue_span.contains(m.span) || m.span.overlaps(cue_span))
        .find_map(|m| doc.entities.alliance_of(m.entity));
    let agent = mentions.iter().rev().find(|m| {
        m.span.end <= cue_span.start
            && (doc.entities.alliance_of(m.entity).is_some()
                || doc.is_state_actor(m)
                || is_group_demonym(doc, m)
                || doc.class(m) == EntityClass::Person)
    });
    match (inside, agent) {
        (Some(alliance), _) => Some(alliance),
        (None, Some(m)) => doc.entities.alliance_of(m.entity),
        (None, None) => {
            // A passive or nominal deployment: the alliance in focus,
            // if this or the previous sentence names it.
            let near = mentions
                .iter()
                .chain(
                    idx.checked_sub(1)
                        .map(|p| doc.mentions_in(p))
                        .unwrap_or(&[])
                        .iter(),
                )
                .any(|m| doc.class(m) == EntityClass::Alliance);
            match (near, doc.alliance_for(idx)) {
                (true, Some(a)) => Some(a),
                _ => None,
            }
        }
    }
}

fn abs(sentence: Span, start: usize, end: usize) -> Span {
    Span::new(sentence.start + start, sentence.start + end)
}

fn claim_date(out: &[Claim]) -> Option<crate::date::PartialDate> {
    out.last().and_then(|c| c.date)
}

/// A modal or condition in the clause before the cue.
fn is_hypothetical(doc: &Doc<'_>, body: &str, cue: usize) -> bool {
    let clause_start = body[..cue]
        .rfind([',', ';', '—', '–'])
        .map_or(0, |p| super::ceil_boundary(body, p + 1));
    let clause = &body[clause_start..cue];
    doc.cues().hypothetical.is_match(clause)
        || body[..cue].trim_start().to_lowercase().starts_with("if ")
}

pub(super) fn is_negated(doc: &Doc<'_>, body: &str, cue: usize) -> bool {
    let window_start = super::floor_boundary(body, cue.saturating_sub(24));
    if doc
        .cues()
        .request_negation
        .is_match(&body[window_start..cue])
    {
        return true;
    }
    let after = &body[cue..];
    after.contains("did not do so") || after.contains("but did not")
}

/// A demonym standing for a collective actor: "Armenian authorities", "Azeri troops".
pub(super) fn is_group_demonym(doc: &Doc<'_>, m: &Mention) -> bool {
    if m.kind != MentionKind::Demonym || doc.class(m) != EntityClass::State {
        return false;
    }
    let after = &doc.text[m.span.end..];
    let next: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    matches!(
        next.as_str(),
        "authorities"
            | "officials"
            | "government"
            | "leadership"
            | "troops"
            | "forces"
            | "army"
            | "military"
            | "side"
            | "president"
            | "leader"
            | "parliament"
            | "ministry"
    )
}

pub(super) fn is_actor(doc: &Doc<'_>, m: &Mention) -> bool {
    doc.is_state_actor(m) || doc.class(m) == EntityClass::Person || is_group_demonym(doc, m)
}

pub(super) fn nearest_actor<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    before: usize,
) -> Option<&'m Mention> {
    mentions
        .iter()
        .rev()
        .find(|m| m.span.end <= before && is_actor(doc, m))
}

fn first_actor<'m>(doc: &Doc<'_>, mentions: &'m [Mention], before: usize) -> Option<&'m Mention> {
    mentions
        .iter()
        .find(|m| m.span.end <= before && is_actor(doc, m))
}

/// "Armenia’s request for help": the state right before the cue, possessive.
fn possessor_state<'m>(doc: &Doc<'_>, mentions: &'m [Mention], cue: usize) -> Option<&'m Mention> {
    mentions.iter().rev().find(|m| {
        m.span.end <= cue && is_actor(doc, m) && {
            let gap = &doc.text[m.span.end..cue];
            (gap.starts_with("’s") || gap.starts_with("'s")) && gap.split_whitespace().count() <= 3
        }
    })
}

/// The last actor of the one or two sentences before.
fn previous_actor<'d>(doc: &'d Doc<'_>, idx: usize) -> Option<&'d Mention> {
    (idx.saturating_sub(2)..idx).rev().find_map(|j| {
        let ms = doc.mentions_in(j);
        ms.iter()
            .rev()
            .find(|m| doc.is_state_actor(m))
            .or_else(|| ms.iter().rev().find(|m| is_actor(doc, m)))
    })
}

/// For an "ask … for help" or "appeal to X" cue: whether what is asked
/// names an alliance (a mention that starts in the cue, or the words
/// "alliance", "bloc", "organisation"; for an appeal also "group"). Other
/// cues pass.
fn asks_the_alliance(doc: &Doc<'_>, idx: usize, cue: Span) -> bool {
    let cue_text = cue.slice(doc.text).to_ascii_lowercase();
    let appeal = cue_text.starts_with("appeal") && cue_text.contains(" to ");
    if !cue_text.starts_with("ask") && !appeal {
        return true;
    }
    let words: &[&str] = if appeal {
        &["alliance", "bloc", "organization", "organisation", "group"]
    } else {
        &["alliance", "bloc", "organization", "organisation"]
    };
    doc.mentions_in(idx).iter().any(|m| {
        m.span.start >= cue.start && m.span.start < cue.end && doc.class(m) == EntityClass::Alliance
    }) || words.iter().any(|w| cue_text.contains(w))
}

/// Whether the text after a person's name makes the actor their government
/// ("'s government formally", "’s cabinet").
fn governs(after_name: &str) -> bool {
    let rest = after_name
        .strip_prefix("'s ")
        .or_else(|| after_name.strip_prefix("’s "));
    rest.is_some_and(|rest| {
        let word = rest.split_whitespace().next().unwrap_or("");
        matches!(
            word.to_ascii_lowercase().as_str(),
            "government" | "cabinet" | "administration" | "authorities"
        )
    })
}

/// The state an actor stands for: itself, its demonym, or a person's state.
pub(super) fn actor_state(
    doc: &Doc<'_>,
    m: &Mention,
    person_state: &HashMap<EntityRef, EntityRef>,
) -> Option<EntityRef> {
    match doc.class(m) {
        EntityClass::State => Some(m.entity),
        EntityClass::Person => person_state
            .get(&m.entity)
            .copied()
            .or_else(|| co_mentioned_state(doc, m.entity))
            .or_else(|| {
                // The state the gazetteer says the person serves.
                let gazetteer = doc.entities.gazetteer;
                let id = doc.entities.get(m.entity).nationality.as_deref()?;
                gazetteer.find_id(id).map(EntityRef)
            }),
        _ => None,
    }
}

/// The state most often named in the sentences that name this person.
pub fn co_mentioned_state(doc: &Doc<'_>, person: EntityRef) -> Option<EntityRef> {
    let mut counts: HashMap<EntityRef, usize> = HashMap::new();
    let sentences: Vec<usize> = doc
        .mentions
        .iter()
        .filter(|m| m.entity == person)
        .map(|m| m.sentence)
        .collect();
    for idx in sentences {
        for m in doc.mentions_in(idx) {
            if doc.class(m) == EntityClass::State && !m.modifier {
                *counts.entry(m.entity).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(e, n)| (*n, std::cmp::Reverse(*e)))
        .map(|(e, _)| e)
}

/// The alliance a request goes to: one named in the sentence, else the one in
/// focus when the sentence names no other addressee.
fn addressee(doc: &Doc<'_>, idx: usize, cue: Span) -> Option<EntityRef> {
    let mentions = doc.mentions_in(idx);
    if let Some(m) = mentions
        .iter()
        .find(|m| doc.class(m) == EntityClass::Alliance)
    {
        return Some(m.entity);
    }
    let cue_text = cue.slice(doc.text).to_lowercase();
    let addressed_to_state = mentions.iter().any(|m| {
        m.span.start >= cue.start
            && m.span.start <= cue.end + 20
            && doc.is_state_actor(m)
            && cue_text.contains(" to ")
    });
    if addressed_to_state {
        return None;
    }
    doc.alliance_for(idx)
}

/// The alliance whose treaty has this article.
fn alliance_of_article(doc: &Doc<'_>, article: EntityRef, idx: usize) -> Option<EntityRef> {
    let gazetteer = doc.entities.gazetteer;
    let treaty = doc
        .entities
        .get(article)
        .part_of
        .as_deref()
        .and_then(|t| gazetteer.find_id(t));
    let alliance = treaty
        .and_then(|t| gazetteer.entities[t].part_of.as_deref())
        .and_then(|a| gazetteer.find_id(a))
        .map(EntityRef);
    alliance.or_else(|| doc.alliance_for(idx))
}

/// The outcome the text gives after a request: this sentence from `from`,
/// and the next two sentences until another request starts.
pub(super) fn outcome_after(doc: &Doc<'_>, idx: usize, from: usize) -> Option<&'static str> {
    let mut window = vec![Span::new(from, doc.sentences[idx].span.end)];
    for j in idx + 1..(idx + 3).min(doc.sentences.len()) {
        let body = doc.sentence_text(j);
        if doc.cues().request_verb.is_match(body)
            || doc.cues().request_noun.is_match(body) && j > idx + 1
        {
            break;
        }
        window.push(doc.sentences[j].span);
    }
    let mut found: Vec<&'static str> = Vec::new();
    for span in window {
        for caps in doc.cues().outcome.captures_iter(span.slice(doc.text)) {
            for (group, word) in [
                ("ff", "fact-finding"),
                ("declined", "declined"),
                ("ignored", "ignored"),
                ("granted", "granted"),
            ] {
                if caps.name(group).is_some() {
                    found.push(word);
                }
            }
        }
    }
    ["fact-finding", "declined", "ignored", "granted"]
        .into_iter()
        .find(|w| found.contains(w))
}

/// "the January operation in Kazakhstan": a state after an operation noun
/// anywhere in the sentence.
fn operation_in(doc: &Doc<'_>, idx: usize) -> Option<EntityRef> {
    let body = doc.sentence_text(idx);
    let start = doc.sentences[idx].span.start;
    let cue = doc.cues().operation.find(body)?;
    target_state(
        doc,
        doc.mentions_in(idx),
        Span::new(start + cue.start(), start + cue.end()),
    )
    .map(|m| m.entity)
}

/// The state a deployment goes to: after "to"/"in"/"into" following the cue.
fn target_state<'m>(doc: &Doc<'_>, mentions: &'m [Mention], cue: Span) -> Option<&'m Mention> {
    mentions.iter().find(|m| {
        m.span.start >= cue.end
            && doc.class(m) == EntityClass::State
            && !m.modifier
            && m.kind != MentionKind::Demonym
            && {
                let gap = &doc.text[cue.end..m.span.start];
                let words: Vec<&str> = gap.split_whitespace().collect();
                words.len() <= 8
                    && !gap.contains([',', ';', '.'])
                    && words
                        .last()
                        .is_some_and(|w| matches!(*w, "to" | "in" | "into" | "inside"))
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_government_is_their_state() {
        assert!(governs("'s government formally "));
        assert!(governs("’s Cabinet "));
        assert!(!governs(" formally "));
        assert!(!governs("'s envoy "));
        assert!(!governs("s government "));
    }

    /// The requested_assistance claims of `text`: (requester, addressee).
    fn requests(text: &str) -> Vec<(String, String)> {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let doc = Doc::new(text, &gazetteer, None);
        extract(&doc, &HashMap::new())
            .into_iter()
            .filter(|c| c.relation == Relation::RequestedAssistance)
            .map(|c| {
                let Object::Entity(object) = c.object else {
                    panic!("{:?}", c.object)
                };
                (
                    doc.entities.get(c.subject).id.clone(),
                    doc.entities.get(object).id.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn asking_for_help_names_the_alliance_asked() {
        let want = vec![("Armenia".to_string(), "CSTO".to_string())];
        assert_eq!(
            requests("The CSTO met. Yerevan asked its CSTO partners for help."),
            want
        );
        assert_eq!(
            requests("The CSTO met. Armenia asked Moscow and the CSTO for peacekeepers."),
            want
        );
        assert_eq!(
            requests("The CSTO met. Armenia asked the bloc for help."),
            want
        );
        // The outcome: "turned the request down" declines it.
        let gazetteer = crate::mention::gazetteer::tests::small();
        let text = "The CSTO met. Armenia asked the CSTO for peacekeepers, \
            but the alliance turned the request down.";
        let doc = Doc::new(text, &gazetteer, None);
        let outcomes: Vec<String> = extract(&doc, &HashMap::new())
            .into_iter()
            .filter_map(|c| c.value.map(|v| v.to_string()))
            .collect();
        assert_eq!(outcomes, ["declined"]);
        // Asking a state is no request to the alliance.
        assert!(requests("The CSTO met. Armenia asked Moscow for help.").is_empty());
        // An appeal names the alliance it goes to, by any name.
        assert_eq!(
            requests("The CSTO met. Armenia appealed to the CSTO on Friday."),
            want
        );
        assert_eq!(
            requests("The CSTO met. Armenia appealed to the bloc on Friday."),
            want
        );
        assert!(requests("The CSTO met. Armenia appealed to Moscow on Friday.").is_empty());
    }

    /// The (relation, subject, object) triples of `text`, with the
    /// project's gazetteer, for the relations of this module.
    fn triples(text: &str) -> Vec<(Relation, String, String)> {
        crate::extract::tests::claims_in(text)
            .into_iter()
            .filter(|c| {
                matches!(
                    c.relation,
                    Relation::Invoked | Relation::RequestedAssistance | Relation::DeployedTo
                )
            })
            .map(|c| (c.relation, c.subject, c.object))
            .collect()
    }

    #[test]
    fn a_shared_article_label_is_the_article_of_the_alliance_in_focus() {
        let nato = triples("NATO allies met in Brussels. Lithuania invoked Article 4 on Monday.");
        assert_eq!(nato[0].2, "Article 4 of the North Atlantic Treaty");
        // A consultation clause: invoking it asks for no help.
        assert_eq!(nato.len(), 1);
        let csto = triples("The CSTO met in Yerevan. Armenia invoked Article 4 in September.");
        assert_eq!(csto[0].2, "Article 4");
        assert_eq!(csto[1].2, "CSTO");
        // The sentence names the treaty: it decides over the focus.
        let named = triples("The CSTO met. Estonia called a meeting of allies under Article IV of the North Atlantic Treaty.");
        assert_eq!(
            named[0],
            (
                Relation::Invoked,
                "Estonia".into(),
                "Article 4 of the North Atlantic Treaty".into()
            )
        );
    }

    #[test]
    fn forces_arriving_in_a_state_and_counts_with_commas_are_deployments() {
        let deployments = |text: &str| -> Vec<(String, String)> {
            triples(text)
                .into_iter()
                .filter(|(r, _, _)| *r == Relation::DeployedTo)
                .map(|(_, s, o)| (s, o))
                .collect()
        };
        let to = |alliance: &str, state: &str| vec![(alliance.to_string(), state.to_string())];
        assert_eq!(
            deployments("CSTO peacekeepers began arriving in Kyrgyzstan on Monday."),
            to("CSTO", "Kyrgyzstan")
        );
        assert_eq!(
            deployments("A NATO battlegroup of 1,000 soldiers arrived in Latvia."),
            to("NATO", "Latvia")
        );
        assert_eq!(
            deployments("The CSTO sent about 2,500 troops to Tajikistan."),
            to("CSTO", "Tajikistan")
        );
        // A leader arriving is no deployment.
        assert!(deployments("Putin arrived in Tajikistan for the CSTO summit.").is_empty());
    }

    #[test]
    fn every_state_of_a_coordinated_subject_invokes() {
        let invokers = |text: &str| -> Vec<String> {
            triples(text)
                .into_iter()
                .filter(|(r, _, _)| *r == Relation::Invoked)
                .map(|(_, s, _)| s)
                .collect()
        };
        assert_eq!(
            invokers("Norway, Italy and Spain have all invoked Article 4 of NATO."),
            ["Norway", "Italy", "Spain"]
        );
        // A state of an earlier clause is no co-subject.
        assert_eq!(
            invokers("After Serbia threatened Hungary, Italy invoked Article 4 of NATO."),
            ["Italy"]
        );
        assert_eq!(
            invokers("Spain made the request under Article 4 of NATO's founding treaty."),
            ["Spain"]
        );
    }

    #[test]
    fn a_passive_invocation_takes_its_agent() {
        let got = triples(
            "NATO leaders met. Article 5 is the provision invoked by the United States in 2001.",
        );
        assert_eq!(
            got[0],
            (
                Relation::Invoked,
                "United States".into(),
                "Article 5 of the North Atlantic Treaty".into()
            )
        );
    }

    #[test]
    fn a_deployment_to_a_list_of_states_reaches_each() {
        let got = triples(
            "NATO leaders met. Four NATO battlegroups were deployed to Estonia, Latvia and Lithuania.",
        );
        let targets: Vec<&str> = got.iter().map(|(_, _, o)| o.as_str()).collect();
        assert_eq!(targets, ["Estonia", "Latvia", "Lithuania"]);
        assert!(got
            .iter()
            .all(|(r, s, _)| *r == Relation::DeployedTo && s == "NATO"));
        let got =
            triples("NATO leaders met. The NATO battle group stationed in Latvia held a parade.");
        assert_eq!(
            got,
            [(Relation::DeployedTo, "NATO".into(), "Latvia".into())]
        );
    }
}
