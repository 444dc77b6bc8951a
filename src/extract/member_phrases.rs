//! Membership rules driven by the phrase lists of `ontology/phrasing.ttl`:
//!
//! - a membership verb whose subject is the alliance: "the bloc includes A,
//!   B and C", "the CSTO, which also comprises A", "the treaty links Russia
//!   with A and B"; states before the subject after a lead ("Along with A,
//!   the alliance includes B") join the list (`membership.verb_list`);
//! - a list before a membership predicate and the alliance: "A and B are
//!   part of the CSTO", "the ministers of A, B and C making up the bloc"
//!   (`membership.predicate_list`);
//! - the alliance's possessive and a member noun: "NATO's 19 nations are A,
//!   B …", "the bloc's members include A" (`membership.possessive_list`);
//! - the subject of a clause about its "fellow members": "Poland called a
//!   meeting of its fellow treaty members" (`membership.fellow`);
//! - accession: "Montenegro joined NATO in 2017", "the accessions of
//!   Finland and Sweden" (`membership.accession`), dated by the year the
//!   clause gives.
//!
//! Negation ("is not part of"), a past membership ("had been part of") and
//! an unrealised accession ("will join", "its bid to join", "blocked
//! Sweden's accession") make no claim.

use crate::claim::{Claim, Object, Relation};
use crate::date::PartialDate;
use crate::mention::{EntityClass, EntityRef, Mention, MentionKind};
use crate::span::Span;

use super::coordination::{
    denies_membership, gap_after, has_phrase, only_phrases, states_after, states_before, words,
};
use super::Doc;

/// The most words between a membership predicate and its alliance ("part of
/// the Russia-led …").
const PREDICATE_TO_ALLIANCE_WORDS: usize = 4;

/// Extracts the phrase-driven membership claims of sentence `idx`.
pub fn extract(doc: &Doc<'_>, idx: usize) -> Vec<Claim> {
    let mut out = Vec::new();
    let mentions = doc.mentions_in(idx);
    if !mentions.iter().any(|m| doc.is_state_actor(m)) {
        return out;
    }
    verb_lists(doc, idx, mentions, &mut out);
    predicate_lists(doc, idx, mentions, &mut out);
    possessive_lists(doc, idx, mentions, &mut out);
    fellow_members(doc, idx, mentions, &mut out);
    member_leads(doc, idx, mentions, &mut out);
    accessions(doc, idx, mentions, &mut out);
    out
}

/// The alliance a mention stands for (itself, or the alliance of a treaty
/// or force), if it names one by name or anaphor.
fn alliance_named(doc: &Doc<'_>, m: &Mention) -> Option<EntityRef> {
    if !matches!(m.kind, MentionKind::Name | MentionKind::Anaphor) {
        return None;
    }
    if !matches!(doc.class(m), EntityClass::Alliance | EntityClass::Treaty) {
        return None;
    }
    doc.entities.alliance_of(m.entity)
}

/// A member-of claim for each state of `list`.
fn push_members(
    doc: &Doc<'_>,
    idx: usize,
    list: &[&Mention],
    alliance: EntityRef,
    cue: Span,
    rule: &'static str,
    out: &mut Vec<Claim>,
) {
    for m in list {
        out.push(
            doc.claim(Relation::MemberOf, m.entity, Object::Entity(alliance))
                .at(idx, m.span.cover(cue))
                .rule(rule, 0.8),
        );
    }
}

/// "The bloc includes A, B and C": the verb's subject is the alliance.
fn verb_lists(doc: &Doc<'_>, idx: usize, mentions: &[Mention], out: &mut Vec<Claim>) {
    let text = doc.text;
    let phrases = doc.phrases();
    let sentence = doc.sentences[idx].span;
    for verb in doc.phrase_spans(idx, "membershipVerb") {
        // The subject: the last alliance named before the verb, with only
        // linking words ("which also") and a parenthesis between.
        let Some(subject) = mentions
            .iter()
            .rev()
            .find(|m| m.span.end <= verb.start && alliance_named(doc, m).is_some())
        else {
            continue;
        };
        let between = without_parentheses(&text[subject.span.end..verb.start]);
        if between.contains(['.', ';', ':']) || !only_phrases(phrases, "subjectLink", &between) {
            continue;
        }
        if doc.is_hypothetical(idx, verb.start) {
            continue;
        }
        let Some(alliance) = alliance_named(doc, subject) else {
            continue;
        };
        let with = has_phrase(phrases, "membershipVerbWith", verb.slice(text));
        let mut list = states_after(doc, mentions, verb.end, 1, with);
        if list.is_empty() {
            continue;
        }
        // "Along with Russia, the alliance includes …": the lead's states.
        let opening = text[sentence.start..subject.span.start].trim_start();
        let lead_start = subject.span.start - opening.len();
        if let Some(lead) = phrases
            .get("listLead")
            .iter()
            .find(|l| starts_with_words(opening, l))
        {
            let lead_states = states_after(doc, mentions, lead_start + lead.len(), 0, false);
            let closed = gap_after(text, &lead_states, subject.span.start)
                .is_some_and(|(gap, _)| gap.trim_start().starts_with(','));
            if closed {
                list.splice(0..0, lead_states);
            }
        }
        push_members(doc, idx, &list, alliance, verb, "membership.verb_list", out);
    }
}

/// "A and B are part of the CSTO": a list, linking words, the predicate,
/// and the alliance a few words after it.
fn predicate_lists(doc: &Doc<'_>, idx: usize, mentions: &[Mention], out: &mut Vec<Claim>) {
    let text = doc.text;
    let phrases = doc.phrases();
    for cue in doc.phrase_spans(idx, "membershipPredicate") {
        // The alliance: the first one named after the cue, past modifiers
        // ("part of the Moscow-led CSTO").
        let Some(alliance) = mentions
            .iter()
            .find(|m| m.span.start >= cue.end && alliance_named(doc, m).is_some())
            .filter(|m| {
                let gap = &text[cue.end..m.span.start];
                words(gap).len() <= PREDICATE_TO_ALLIANCE_WORDS && !gap.contains([',', '.', ';'])
            })
            .and_then(|m| alliance_named(doc, m))
        else {
            continue;
        };
        let list = states_before(doc, mentions, cue.start);
        let Some((gap, _)) = gap_after(text, &list, cue.start) else {
            continue;
        };
        let gap = gap.trim().trim_start_matches(',');
        if gap.contains(['.', ';', '(', ')'])
            || !only_phrases(phrases, "copulaLink", gap)
            || denies_membership(phrases, gap)
            || has_phrase(phrases, "pastMembership", gap)
        {
            continue;
        }
        push_members(
            doc,
            idx,
            &list,
            alliance,
            cue,
            "membership.predicate_list",
            out,
        );
    }
}

/// "NATO's 19 nations are A, B …": the alliance's possessive, a member
/// noun, and a list.
fn possessive_lists(doc: &Doc<'_>, idx: usize, mentions: &[Mention], out: &mut Vec<Claim>) {
    let text = doc.text;
    let phrases = doc.phrases();
    let sentence = doc.sentences[idx].span;
    for m in mentions.iter() {
        let Some(alliance) = alliance_named(doc, m) else {
            continue;
        };
        let after = &text[m.span.end..sentence.end];
        let Some(rest) = after
            .strip_prefix("'s ")
            .or_else(|| after.strip_prefix("’s "))
        else {
            continue;
        };
        // Up to two words (a number, an adjective) before the noun.
        let rest_start = sentence.end - rest.len();
        // ASCII lower case keeps the byte offsets of `rest`.
        let lower = rest.to_ascii_lowercase();
        let word_starts: Vec<usize> = rest
            .char_indices()
            .filter(|&(i, c)| {
                !c.is_whitespace()
                    && rest[..i]
                        .chars()
                        .next_back()
                        .is_none_or(char::is_whitespace)
            })
            .map(|(i, _)| i)
            .take(3)
            .collect();
        let noun = phrases.get("memberNoun").iter().find_map(|noun| {
            let with_space = format!("{noun} ");
            word_starts
                .iter()
                .find(|&&at| lower[at..].starts_with(&with_space))
                .map(|&at| at + noun.len())
        });
        let Some(noun_end) = noun else { continue };
        // "the CSTO's former members include …" lists no current member.
        if super::coordination::words(&rest[..noun_end])
            .iter()
            .any(|w| doc.phrases().contains("formerWord", w))
        {
            continue;
        }
        let verb_end = rest_start + noun_end;
        let list = states_after(doc, mentions, verb_end, 2, false);
        let lead = &text[verb_end..list.first().map_or(verb_end, |s| s.span.start)];
        if list.is_empty() || denies_membership(phrases, lead) {
            continue;
        }
        let cue = Span::new(m.span.start, verb_end);
        push_members(
            doc,
            idx,
            &list,
            alliance,
            cue,
            "membership.possessive_list",
            out,
        );
    }
}

/// "Poland called a meeting of its fellow treaty members": the state the
/// clause is about, when a member noun follows "fellow".
fn fellow_members(doc: &Doc<'_>, idx: usize, mentions: &[Mention], out: &mut Vec<Claim>) {
    let text = doc.text;
    let phrases = doc.phrases();
    let sentence = doc.sentences[idx].span;
    for fellow in doc.phrase_spans(idx, "fellowWord") {
        let after = &text[fellow.end..sentence.end];
        let noun_follows = words(super::prefix(after, 40))
            .iter()
            .take(3)
            .any(|w| phrases.contains("memberNoun", w));
        if !noun_follows {
            continue;
        }
        let Some(state) = mentions
            .iter()
            .rev()
            .find(|m| m.span.end <= fellow.start && doc.is_state_actor(m))
        else {
            continue;
        };
        let gap = &text[state.span.end..fellow.start];
        let preposition_before = words(&text[sentence.start..state.span.start])
            .last()
            .is_some_and(|w| phrases.contains("listBreaker", w) || w == "in" || w == "of");
        if gap.contains(['.', ';', ',']) || words(gap).len() > 10 || preposition_before {
            continue;
        }
        let Some(alliance) = doc.alliance_for(idx) else {
            continue;
        };
        push_members(
            doc,
            idx,
            &[state],
            alliance,
            fellow,
            "membership.fellow",
            out,
        );
    }
}

/// "As a member of NATO, Estonia …", "Under its membership of the CSTO,
/// Armenia …", "As CSTO members, A and B …": a clause that opens with a
/// membership lead (`lex:memberLead` before the alliance, or "as" before
/// the alliance and a member noun) makes the states right after its comma
/// members.
fn member_leads(doc: &Doc<'_>, idx: usize, mentions: &[Mention], out: &mut Vec<Claim>) {
    let text = doc.text;
    let phrases = doc.phrases();
    let sentence = doc.sentences[idx].span;
    for m in mentions {
        let Some(alliance) = alliance_named(doc, m) else {
            continue;
        };
        let before = text[sentence.start..m.span.start].trim_end();
        let after = &text[m.span.end..sentence.end];
        // (where the lead starts, where its noun phrase ends)
        let lead = phrases
            .get("memberLead")
            .iter()
            .find_map(|l| {
                let stem = strip_suffix_words(before, "the").unwrap_or(before);
                strip_suffix_words(stem, l).map(|rest| (rest.len(), m.span.end))
            })
            .or_else(|| {
                let rest = ["as a", "as an", "as"]
                    .iter()
                    .find_map(|l| strip_suffix_words(before, l))?;
                let tail = after.trim_start();
                let noun = phrases
                    .get("memberNoun")
                    .iter()
                    .find(|n| starts_with_words(tail, n))?;
                Some((
                    rest.len(),
                    m.span.end + (after.len() - tail.len()) + noun.len(),
                ))
            });
        let Some((lead_start, noun_end)) = lead else {
            continue;
        };
        let opening = text[sentence.start..sentence.start + lead_start].trim_end();
        if !(opening.is_empty() || opening.ends_with([',', ';', ':', '—'])) {
            continue;
        }
        // The comma that closes the lead, and the states right after it.
        let Some(comma) = text[noun_end..sentence.end].find(',') else {
            continue;
        };
        let gap = &text[noun_end..noun_end + comma];
        // A possessive hangs another noun on the alliance ("As a member of
        // NATO's staff,").
        if words(gap).len() > 3 || gap.contains(['.', ';', '(', '\'', '’']) {
            continue;
        }
        let list = states_after(doc, mentions, noun_end + comma + 1, 0, false);
        if list.is_empty() {
            continue;
        }
        let cue = Span::new(sentence.start + lead_start, noun_end);
        push_members(doc, idx, &list, alliance, cue, "membership.lead", out);
    }
}

/// `text` without the words of `phrase` at its end (ASCII case ignored),
/// if it ends with them after a non-word character or at its start.
fn strip_suffix_words<'t>(text: &'t str, phrase: &str) -> Option<&'t str> {
    let at = text.len().checked_sub(phrase.len())?;
    if !text.is_char_boundary(at) || !text[at..].eq_ignore_ascii_case(phrase) {
        return None;
    }
    let rest = &text[..at];
    (!rest.chars().next_back().is_some_and(char::is_alphanumeric)).then(|| rest.trim_end())
}

/// "Montenegro joined NATO in 2017", "the accessions of Finland and
/// Sweden": dated by the year nearest the cue.
fn accessions(doc: &Doc<'_>, idx: usize, mentions: &[Mention], out: &mut Vec<Claim>) {
    let text = doc.text;
    let phrases = doc.phrases();
    let sentence = doc.sentences[idx].span;
    let body = sentence.slice(text);
    if has_phrase(phrases, "unrealised", body) {
        return;
    }
    let mut found: Vec<(Vec<&Mention>, EntityRef, Span)> = Vec::new();
    for verb in doc.phrase_spans(idx, "accessionVerb") {
        let alliance = mentions
            .iter()
            .find(|m| m.span.start >= verb.end)
            .filter(|m| words(&text[verb.end..m.span.start]).len() <= 2)
            .and_then(|m| alliance_named(doc, m));
        let Some(alliance) = alliance else { continue };
        let list = states_before(doc, mentions, verb.start);
        let Some((gap, _)) = gap_after(text, &list, verb.start) else {
            continue;
        };
        if gap.contains(['.', ';', '(', ')']) || words(gap).len() > 4 {
            continue;
        }
        found.push((list, alliance, verb));
    }
    for noun in doc.phrase_spans(idx, "accessionNoun") {
        let Some(alliance) = doc.alliance_for(idx) else {
            continue;
        };
        let after = &text[noun.end..sentence.end];
        let list = if after.starts_with(" of ") {
            states_after(doc, mentions, noun.end, 2, false)
        } else {
            // "Montenegro's accession"
            let before = states_before(doc, mentions, noun.start);
            match gap_after(text, &before, noun.start) {
                Some((gap, _)) if matches!(gap.trim(), "'s" | "’s") => before,
                _ => Vec::new(),
            }
        };
        if !list.is_empty() {
            found.push((list, alliance, noun));
        }
    }
    for (list, alliance, cue) in found {
        let year = super::dates::nearest(&doc.dates[idx], cue.end).map(|d| PartialDate {
            month: None,
            day: None,
            ..d
        });
        let start = out.len();
        push_members(doc, idx, &list, alliance, cue, "membership.accession", out);
        for claim in &mut out[start..] {
            claim.date = year;
        }
    }
}

/// `text` without its parenthesised parts: "(CSTO)".
fn without_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for ch in text.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out.replace(',', " ")
}

/// Whether `text` starts with the words of `phrase` (ASCII case ignored),
/// followed by a non-word character.
fn starts_with_words(text: &str, phrase: &str) -> bool {
    text.len() > phrase.len()
        && text.is_char_boundary(phrase.len())
        && text[..phrase.len()].eq_ignore_ascii_case(phrase)
        && !text[phrase.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use crate::claim::Relation;
    use crate::extract::tests::claims_in;

    /// The (state, alliance) member-of pairs of `text`.
    fn members(text: &str) -> Vec<(String, String)> {
        claims_in(text)
            .into_iter()
            .filter(|c| c.relation == Relation::MemberOf)
            .map(|c| (c.subject, c.object))
            .collect()
    }

    fn states(text: &str) -> Vec<String> {
        members(text).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn a_membership_lead_makes_the_states_after_its_comma_members() {
        assert_eq!(
            members("As a member of NATO, Estonia can ask for consultations."),
            [("Estonia".to_string(), "NATO".to_string())]
        );
        assert_eq!(
            members("Under its membership of the CSTO, Armenia expects help from its allies."),
            [("Armenia".to_string(), "CSTO".to_string())]
        );
        assert_eq!(
            members("In 2020, as CSTO members, Belarus and Tajikistan sent no troops."),
            [
                ("Belarus".to_string(), "CSTO".to_string()),
                ("Tajikistan".to_string(), "CSTO".to_string())
            ]
        );
        // Not a lead that opens the clause, nor a state far past the comma.
        assert!(members("Georgia was seen as a member of NATO, Estonia said.").is_empty());
        assert!(members("As a member of NATO, the government of Estonia asked.").is_empty());
    }

    #[test]
    fn a_membership_verb_with_the_alliance_as_subject_lists_members() {
        assert_eq!(
            states("The CSTO comprises Belarus, Armenia and the Kyrgyz Republic."),
            ["Belarus", "Armenia", "Kyrgyzstan"]
        );
        assert_eq!(
            states(
                "The drill was run by the CSTO (CSTO), which also includes Tajikistan, and Russia."
            ),
            ["Tajikistan", "Russia"]
        );
        assert_eq!(
            states("Besides Belarus and Armenia, the CSTO groups Russia and Tajikistan."),
            ["Belarus", "Armenia", "Russia", "Tajikistan"]
        );
        assert_eq!(
            states("The Collective Security Treaty links Moscow with Minsk, Yerevan and Dushanbe."),
            ["Russia", "Belarus", "Armenia", "Tajikistan"]
        );
        // The subject is no alliance, or the verb is hypothetical.
        assert!(states("The exercise includes Belarus and Armenia.").is_empty());
        assert!(states("A wider CSTO would include Serbia and Mongolia.").is_empty());
        // A preposition before the state: not what the bloc includes.
        assert!(states("The CSTO includes troops from Belarus.").is_empty());
    }

    #[test]
    fn a_list_before_a_membership_predicate_is_members() {
        assert_eq!(
            states("Both Belarus and Tajikistan are part of the Moscow-led CSTO, yet they differ."),
            ["Belarus", "Tajikistan"]
        );
        assert_eq!(
            states("Diplomats of Armenia, Russia and Belarus making up the CSTO met in Minsk."),
            ["Armenia", "Russia", "Belarus"]
        );
        assert!(states("Georgia is not part of the CSTO.").is_empty());
        assert!(states("Serbia is no longer a full member of the CSTO.").is_empty());
        assert!(states("Georgia and Azerbaijan had been part of the CSTO.").is_empty());
    }

    #[test]
    fn the_alliances_possessive_and_a_member_noun_list_members() {
        assert_eq!(
            states("NATO's 12 founding nations are the United States, Canada, the Netherlands and Norway."),
            ["United States", "Canada", "Netherlands", "Norway"]
        );
        assert!(states("NATO’s members are not Georgia and Ukraine.").is_empty());
    }

    #[test]
    fn the_subject_of_a_clause_about_its_fellow_members_is_one() {
        assert_eq!(
            states("Lithuania asked its fellow NATO allies for more air defence."),
            ["Lithuania"]
        );
        assert!(states("In Lithuania, the talks with fellow allies went on.").is_empty());
    }

    #[test]
    fn accessions_are_dated_memberships() {
        let got = claims_in("Albania and Croatia joined NATO in 2009, a decade after Poland.");
        let got: Vec<(String, Option<String>)> = got
            .into_iter()
            .filter(|c| c.relation == Relation::MemberOf)
            .map(|c| (c.subject, c.date))
            .collect();
        assert_eq!(
            got,
            [
                ("Albania".to_string(), Some("2009".to_string())),
                ("Croatia".to_string(), Some("2009".to_string()))
            ]
        );
        assert_eq!(
            states("For NATO, the accessions of Estonia and Latvia were a turning point."),
            ["Estonia", "Latvia"]
        );
        assert!(states("Georgia will join NATO one day.").is_empty());
        assert!(states("Hungary blocked the accession of Sweden to NATO.").is_empty());
        assert!(states("Turkey’s veto on Finland joining NATO held.").is_empty());
    }

    #[test]
    fn a_described_alliance_stands_for_the_one_in_focus() {
        assert_eq!(
            states("The CSTO met in May. Apart from Russia, the Moscow-centred pact includes Belarus and Armenia."),
            ["Russia", "Belarus", "Armenia"]
        );
        // A lead that names the alliance only later.
        assert_eq!(
            members("A six-nation security bloc includes Belarus and Armenia. The CSTO was founded in 2002."),
            [
                ("Belarus".to_string(), "CSTO".to_string()),
                ("Armenia".to_string(), "CSTO".to_string())
            ]
        );
        // A capitalised modifier makes no description of the alliance in focus.
        assert!(
            states("The CSTO met. The Western alliance includes France and Norway.").is_empty()
        );
    }
}
