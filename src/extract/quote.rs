//! Quotations: speaker *said* quote.
//!
//! Quote marks are paired by context (an opening mark follows a space or
//! starts a line; a closing mark follows text), so “…”, «…», „…“ and
//! straight "…" all work, mixed too, and a quote may run across sentences.
//! A quote is attributed, in this order, by:
//! - a cue verb and a speaker right after it: `“…,” Baisalov pledged`,
//!   `“…,” fumed Kyrgyz Foreign Ministry spokesman Chingiz Kustebaev`,
//!   `“…,” observed the lawmaker`, or a headline's name alone: `“…” —
//!   Nikol Pashinyan` (when the quote does not open its sentence, a
//!   speaker found by the next rule comes first); a cue further on, past
//!   an apposition or a longer subject, for a quote that ends its clause
//!   with a comma: `“…,” President X, whose country …, said`;
//! - the nearest cue verb before it and the nearest speaker before that
//!   verb: `Macron described Nato as “brain dead”`, `he said`, `Kazakh
//!   authorities … by saying that it was “…”`;
//! - a colon: `X sounds a note of caution: “…”`;
//! - continuation: a quote whose sentence has no cue verb, right after an
//!   attributed quote, has the same speaker, as has `“…,” it said` after
//!   a body or group;
//! - reported speech: a paragraph that is one quotation, right after a
//!   paragraph that ends in reported speech ("…, said Prime Minister X"),
//!   has that speaker.
//!
//! Speakers are people (names, surnames, "he"/"she" and "according to
//! him" resolved to the last person named outside quotation marks, role
//! nouns such as "the lawmaker" resolved through roles, "the NATO chief"
//! to the holder of the alliance's top office), documents ("the
//! declaration said": the alliance or body named before), groups
//! ("Kazakh authorities", "a Kyrgyz commentator") and states or
//! organisations in subject position ("Yerevan accused …"). A quote with no
//! speaker — a scare quote, a name, a passive "was branded as" — is no claim.
//! `quote/marks.rs` finds the quotations; `quote/speaker.rs` finds the
//! speakers near a cue verb.

mod marks;
mod speaker;

use std::collections::HashMap;

use crate::claim::{Claim, Object, Relation};
use crate::mention::{EntityClass, Mention};
use crate::span::Span;

pub(super) use self::marks::inside_quotes;
use self::marks::QUOTE_MARKS;
pub use self::marks::{quotations, Quotation};
use self::speaker::{
    body_np_before, body_np_speaker, group_speaker, is_collective_actor, pronoun_speaker,
    qualifies_title, role_noun_speaker, role_np_before, subject_position, Speaker,
};
use super::Doc;

/// Extracts the quotes; `roles` are the role claims found so far.
pub fn extract(doc: &mut Doc<'_>, roles: &[Claim]) -> Vec<Claim> {
    let text = doc.text;
    let quotes = doc.quotations.clone();
    let mut out: Vec<Claim> = Vec::new();
    let mut last: Option<(usize, Speaker, Option<crate::date::PartialDate>)> = None;
    // Whether each sentence has a cue verb, found once per sentence: a
    // sentence full of short quotes made this quadratic.
    let mut sentence_has_cue: HashMap<usize, bool> = HashMap::new();
    for q in &quotes {
        let inner = q.inner.slice(text);
        if inner.trim().is_empty() || looks_like_name(text, q) {
            continue;
        }
        let Some(first) = sentence_at(doc, q.inner.start) else {
            continue;
        };
        let last_sentence = sentence_at(doc, q.inner.end.saturating_sub(1)).unwrap_or(first);
        let start_sentence = doc.sentences[first].span;
        let end_sentence = doc.sentences[last_sentence].span;
        let quote_first = text[start_sentence.start..q.outer.start].trim().is_empty();
        let after = after_pattern(doc, q, end_sentence, roles, &quotes);
        let before = before_pattern(doc, q, start_sentence, roles, &quotes);
        let (speaker, rule, confidence) = match (after, before) {
            (Some(s), _) if quote_first => (Some(s), "quote.cue_after", 0.9),
            (_, Some(s)) => (Some(s), "quote.cue_before", 0.85),
            (Some(s), None) => (Some(s), "quote.cue_after", 0.85),
            (None, None) => match colon_pattern(doc, q, first, roles, &quotes) {
                Some(s) => (Some(s), "quote.after_colon", 0.65),
                None => (None, "", 0.0),
            },
        };
        let (speaker, rule, confidence, date) = match speaker {
            Some(s) => (
                s,
                rule,
                confidence,
                report_date(doc, q, first..=last_sentence)
                    .or_else(|| doc.context_date(first))
                    .or_else(|| {
                        // Else the date of the same speaker's quotation just
                        // before, in this paragraph or the one before: the
                        // same occasion ("He added that there was …").
                        let (prev_sentence, prev, date) = last?;
                        let paragraph = |idx: usize| doc.sentences[idx].paragraph;
                        (prev.entity == s.entity
                            && paragraph(first) <= paragraph(prev_sentence) + 1)
                            .then_some(date)
                            .flatten()
                    }),
            ),
            None => match unattributed_speaker(
                doc,
                q,
                first,
                last_sentence,
                last,
                &quotes,
                &mut sentence_has_cue,
            ) {
                Some(found) => found,
                None => continue,
            },
        };
        last = Some((last_sentence, speaker, date));
        let mut claim = doc
            .claim(
                Relation::Said,
                speaker.entity,
                Object::Quote(inner.to_string()),
            )
            .at(first, q.inner)
            .rule(rule, confidence);
        claim.evidence = start_sentence.cover(end_sentence);
        claim.date = date;
        out.push(claim);
    }
    // Group speakers were created on the fly.
    out
}

/// The speaker of a quote with no cue verb of its own: the previous
/// quote's (a continuation, or "“…,” it said" after a body or group), else
/// the speaker of the reported speech before it; with the rule, its
/// confidence and the date.
fn unattributed_speaker(
    doc: &Doc<'_>,
    q: &Quotation,
    first: usize,
    last_sentence: usize,
    last: Option<(usize, Speaker, Option<crate::date::PartialDate>)>,
    quotes: &[Quotation],
    sentence_has_cue: &mut HashMap<usize, bool>,
) -> Option<(Speaker, &'static str, f32, Option<crate::date::PartialDate>)> {
    let text = doc.text;
    let start_sentence = doc.sentences[first].span;
    // Continuation of the previous attributed quote.
    let mut has_cue_at = |idx: usize| {
        *sentence_has_cue
            .entry(idx)
            .or_insert_with(|| has_cue(doc, doc.sentences[idx].span, quotes))
    };
    let has_cue = has_cue_at(first) || has_cue_at(last_sentence);
    let lead_words = text[start_sentence.start..q.outer.start]
        .split_whitespace()
        .count();
    // "“…,” it said": a body or group that spoke just before.
    let it_said = collective_pronoun_cue(doc, q)
        && last.is_some_and(|(_, s, _)| doc.entities.class(s.entity) != EntityClass::Person);
    let found = match last {
        Some((prev_sentence, s, date))
            if !has_cue
                && lead_words <= 6
                && (first == prev_sentence + 1 || first == prev_sentence) =>
        {
            (s, "quote.continuation", 0.7, date)
        }
        Some((prev_sentence, s, date)) if it_said && first <= prev_sentence + 3 => {
            (s, "quote.collective_pronoun", 0.7, date)
        }
        _ => match speaker_of_speech_before(doc, q, first, quotes) {
            Some(s) if !has_cue && lead_words == 0 => (
                s,
                "quote.after_reported_speech",
                0.6,
                doc.context_date(first),
            ),
            _ => return None,
        },
    };
    Some(found)
}

/// The date of the report of quotation `q`: the date nearest it in its
/// `sentences` outside every quotation (what the speaker says of other
/// times is not when they said it), the nearer one before it on a tie.
fn report_date(
    doc: &Doc<'_>,
    q: &Quotation,
    sentences: std::ops::RangeInclusive<usize>,
) -> Option<crate::date::PartialDate> {
    doc.dates[sentences]
        .iter()
        .flatten()
        .filter(|d| !inside_quotes(&doc.quotations, d.span.start))
        .min_by_key(|d| {
            if d.span.end <= q.outer.start {
                (q.outer.start - d.span.end) * 2
            } else {
                d.span.start.saturating_sub(q.outer.end) * 2 + 1
            }
        })
        .map(|d| d.date)
}

fn sentence_at(doc: &Doc<'_>, pos: usize) -> Option<usize> {
    let idx = doc.sentences.partition_point(|s| s.span.end <= pos);
    (idx < doc.sentences.len() && doc.sentences[idx].span.start <= pos).then_some(idx)
}

/// A quoted name or title: “Indestructible Brotherhood-2022” exercises.
fn looks_like_name(text: &str, q: &Quotation) -> bool {
    let inner = q.inner.slice(text);
    let words: Vec<&str> = inner.split_whitespace().collect();
    let capitalised = !words.is_empty()
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
        && !inner.ends_with(['.', ',', '!', '?']);
    capitalised && words.len() <= 5
}

/// Cue verbs in `span` outside quotes, as word spans.
fn cues(doc: &Doc<'_>, span: Span, quotes: &[Quotation]) -> Vec<Span> {
    let mut out: Vec<Span> = crate::mention::word_iter(doc.text, span)
        .filter(|w| {
            doc.entities.gazetteer.lexicon.is_cue_verb(w.text)
                && !inside_quotes(quotes, w.span.start)
        })
        .map(|w| w.span)
        .chain(
            super::find_words(doc.text, span, "according to")
                .into_iter()
                .filter(|s| !inside_quotes(quotes, s.start)),
        )
        .collect();
    out.sort();
    out
}

fn has_cue(doc: &Doc<'_>, span: Span, quotes: &[Quotation]) -> bool {
    !cues(doc, span, quotes).is_empty()
}

fn previous_word(text: &str, pos: usize) -> &str {
    let before = text[..pos].trim_end();
    let start = before
        .rfind(|c: char| !c.is_alphanumeric() && c != '-')
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    &before[start..]
}

/// `“…,” X said` / `“…,” said X` / `“…,” observed the lawmaker`.
fn after_pattern(
    doc: &mut Doc<'_>,
    q: &Quotation,
    sentence: Span,
    roles: &[Claim],
    quotes: &[Quotation],
) -> Option<Speaker> {
    let text = doc.text;
    let window_end = sentence.end.max(q.outer.end).min(q.outer.end + 120);
    let window_end = (window_end..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let rest = &text[q.outer.end..window_end];
    let trimmed = rest.trim_start_matches([',', '.', '!', '?', ' ', '\u{a0}']);
    if trimmed.len() == rest.len() && !rest.is_empty() {
        return None; // the quote runs on into the clause
    }
    if let Some(s) = name_closing_line(doc, q) {
        return Some(s);
    }
    let window = Span::new(q.outer.end, window_end);
    let all_cues = cues(doc, window, quotes);
    let near_cue = all_cues.iter().find(|c| {
        text[q.outer.end..c.start].split_whitespace().count() <= 6
            && !text[q.outer.end..c.start].contains(['“', '"', '«'])
    });
    match near_cue {
        Some(cue) => speaker_after_quote(doc, q, *cue, window_end, roles),
        None => distant_cue_speaker(doc, q, &all_cues),
    }
}

/// A speaker whose cue stands further from the quotation, past an
/// apposition or a longer subject: `“…,” Title X, whose country …, said`,
/// `“…,” a statement from spokeswoman X said`. The person must be named
/// right after the quotation and followed by a comma-closed apposition, or
/// right before the cue.
fn distant_cue_speaker(doc: &Doc<'_>, q: &Quotation, all_cues: &[Span]) -> Option<Speaker> {
    let text = doc.text;
    // Only a quotation that ends its clause with a comma (`“…,” X … said`):
    // a scare quote inside a clause ("to “reunite” them after X stated")
    // is not what a later cue reports.
    let closes_clause =
        q.inner.slice(text).trim_end().ends_with(',') || text[q.outer.end..].starts_with(',');
    if !closes_clause {
        return None;
    }
    let cue = all_cues.iter().find(|c| {
        let between = &text[q.outer.end..c.start];
        between.split_whitespace().count() <= 30
            && !between.contains(['“', '"', '«', ';'])
            && !crate::segment::has_full_stop(between)
    })?;
    let persons = doc.mentions.iter().filter(|m| {
        m.span.start >= q.outer.end
            && m.span.end <= cue.start
            && doc.class(m) == EntityClass::Person
    });
    let speaker = persons.clone().find(|m| {
        let lead = &text[q.outer.end..m.span.start];
        let tail = text[m.span.end..cue.start].trim();
        let apposition = tail.starts_with(',') && tail.ends_with(',') && tail.len() > 1;
        let right_before = tail.is_empty();
        lead.split_whitespace().count() <= 4 && (apposition || right_before)
    });
    let speaker = speaker.or_else(|| {
        persons
            .clone()
            .next_back()
            .filter(|m| text[m.span.end..cue.start].trim().is_empty())
    })?;
    Some(Speaker {
        entity: speaker.entity,
        span: speaker.span,
    })
}

/// The speaker of a quote near the cue verb that follows it (in the text
/// from the quote to `window_end`): a person within six words of the cue, a
/// role or body noun phrase, a pronoun, a group, or a state or body.
fn speaker_after_quote(
    doc: &mut Doc<'_>,
    q: &Quotation,
    cue: Span,
    window_end: usize,
    roles: &[Claim],
) -> Option<Speaker> {
    let text = doc.text;
    // A speaker within six words either side of the cue.
    let mentions: Vec<Mention> = doc
        .mentions
        .iter()
        .filter(|m| m.span.start >= q.outer.end && m.span.end <= window_end)
        .copied()
        .collect();
    let close = |m: &Mention| {
        let (a, b) = if m.span.end <= cue.start {
            (m.span.end, cue.start)
        } else {
            (cue.end, m.span.start)
        };
        text[a..b].split_whitespace().count() <= 6
            && !text[a..b].contains(['“', '"'])
            && !crate::segment::has_full_stop(&text[a..b])
    };
    if let Some(m) = mentions
        .iter()
        .filter(|m| doc.class(m) == EntityClass::Person && close(m))
        .min_by_key(|m| m.span.start.abs_diff(cue.start))
    {
        return Some(Speaker {
            entity: m.entity,
            span: m.span,
        });
    }
    // "“…,” the president stated": a role noun phrase between the quote
    // and the cue.
    let lead = &text[q.outer.end..cue.start];
    if lead
        .trim_start_matches([',', ' '])
        .to_lowercase()
        .starts_with("the ")
    {
        if let Some(s) = role_np_before(doc, lead, q.outer.end, cue, roles) {
            return Some(s);
        }
        if let Some(s) = body_np_before(doc, lead, q.outer.end) {
            return Some(s);
        }
        if let Some(s) = speaker::document_speaker(doc, lead, q.outer.end) {
            return Some(s);
        }
    }
    // "observed the lawmaker", "said the ministry"
    let after_cue = &text[cue.end..window_end];
    if let Some(s) = chief_after_cue(doc, after_cue, cue.end, roles) {
        return Some(s);
    }
    if let Some(noun) = after_cue.strip_prefix(" the ").map(|r| {
        r.split(|c: char| !c.is_alphanumeric() && c != '-')
            .next()
            .unwrap_or("")
    }) {
        if let Some(s) = role_noun_speaker(doc, noun, cue.start, roles) {
            return Some(s);
        }
        let np_start = cue.end + " the ".len();
        if let Some(s) = body_np_speaker(doc, &[noun], Span::new(np_start, np_start + noun.len())) {
            return Some(s);
        }
    }
    if let Some(pronoun) = pronoun_speaker(doc, Span::new(q.outer.end, window_end), cue) {
        return Some(pronoun);
    }
    if let Some(group) = group_speaker(doc, Span::new(q.outer.end, window_end), cue) {
        return Some(group);
    }
    // A state or body next to the cue ("said Moscow", "Yerevan said"), not
    // one that only qualifies a title ("said U.S. Ambassador …") or stands
    // in a phrase after the cue ("stated in the course of the CSTO session").
    mentions
        .iter()
        .find(|m| {
            close(m)
                && is_collective_actor(doc, m)
                && !qualifies_title(doc, m)
                && (m.span.end <= cue.start
                    || text[cue.end..m.span.start].split_whitespace().count() <= 1)
        })
        .map(|m| Speaker {
            entity: m.entity,
            span: m.span,
        })
}

/// "said the alliance's chief", "said the NATO chief": the holder of the
/// alliance's top office, from the noun phrase after the cue.
fn chief_after_cue(doc: &Doc<'_>, after_cue: &str, at: usize, roles: &[Claim]) -> Option<Speaker> {
    let rest = after_cue.strip_prefix(" the ")?;
    let np_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == ' ' || c == '\'' || c == '’' || c == '-'))
        .unwrap_or(rest.len());
    let np = rest[..np_len].trim_end();
    let words: Vec<&str> = np.split_whitespace().take(3).collect();
    let head = words.last()?;
    let start = at + " the ".len();
    let np_span = Span::new(start, start + np.len());
    (words.len() <= 3
        && doc.phrases().contains("chiefNoun", head)
        && speaker::names_alliance(doc, &words, np_span))
    .then(|| speaker::alliance_chief(doc, roles, at, np_span))
    .flatten()
}

/// A headline or caption that gives a quotation and then its speaker's
/// name alone: `“We will not sign this document” Pashinyan`, `“…” — Nikol
/// Pashinyan`.
fn name_closing_line(doc: &Doc<'_>, q: &Quotation) -> Option<Speaker> {
    let text = doc.text;
    let line_end = text[q.outer.end..]
        .find('\n')
        .map_or(text.len(), |p| q.outer.end + p);
    let rest = &text[q.outer.end..line_end];
    let after_marks = rest.trim_start_matches(|c: char| c.is_whitespace() || "—–-:,".contains(c));
    let name = after_marks.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    if name.is_empty() {
        return None;
    }
    let start = q.outer.end + (rest.len() - after_marks.len());
    doc.mentions
        .iter()
        .find(|m| {
            m.span.start == start
                && m.span.len() == name.len()
                && doc.class(m) == EntityClass::Person
        })
        .map(|m| Speaker {
            entity: m.entity,
            span: m.span,
        })
}

/// `X … cue … “…”`: the nearest speaker before the last cue before the
/// quote. A state or organisation found there that stands inside the
/// complement of an earlier cue ("Putin says the alliance acted …, and vows:
/// “…”") yields to that earlier cue's person.
fn before_pattern(
    doc: &mut Doc<'_>,
    q: &Quotation,
    sentence: Span,
    roles: &[Claim],
    quotes: &[Quotation],
) -> Option<Speaker> {
    let text = doc.text;
    let all_cues = cues(doc, Span::new(sentence.start, q.outer.start), quotes);
    let mut fallback: Option<Speaker> = None;
    for i in (0..all_cues.len()).rev() {
        let cue = all_cues[i];
        let is_last = i + 1 == all_cues.len();
        if cue.slice(text).eq_ignore_ascii_case("according to") && !is_last {
            continue;
        }
        let prev = previous_word(text, cue.start).to_lowercase();
        if doc.phrases().contains("passiveMarker", &prev) {
            return fallback;
        }
        let Some(found) = speaker_before_cue(
            doc,
            q,
            Span::new(sentence.start, cue.start),
            cue,
            roles,
            quotes,
        ) else {
            continue;
        };
        let class = doc.entities.class(found.entity);
        let inside_earlier = i > 0 && found.span.start > all_cues[i - 1].end;
        if class != EntityClass::Person && class != EntityClass::Group && inside_earlier {
            fallback = fallback.or(Some(found));
            continue;
        }
        if class != EntityClass::Person && fallback.is_some() && inside_earlier {
            continue;
        }
        return Some(found);
    }
    fallback
}

fn speaker_before_cue(
    doc: &mut Doc<'_>,
    q: &Quotation,
    window: Span,
    cue: Span,
    roles: &[Claim],
    quotes: &[Quotation],
) -> Option<Speaker> {
    let text = doc.text;
    let prev = previous_word(text, cue.start).to_lowercase();
    if doc.phrases().contains("passiveMarker", &prev) {
        return None;
    }
    let cue_text = cue.slice(text).to_lowercase();
    if cue_text == "according to" {
        return according_to_speaker(doc, q, cue);
    }
    // Role noun right before the cue: "the then-secretary general confirmed".
    let clause = &text[window.start..cue.start];
    if let Some(s) = role_np_before(doc, clause, window.start, cue, roles) {
        return Some(s);
    }
    if let Some(s) = body_np_before(doc, clause, window.start) {
        return Some(s);
    }
    let candidates: Vec<Mention> = doc
        .mentions
        .iter()
        .filter(|m| window.contains(m.span) && !inside_quotes(quotes, m.span.start))
        .copied()
        .collect();
    let pronoun = pronoun_speaker(doc, window, cue);
    let mut group = group_speaker(doc, window, cue);
    let mut best: Option<Speaker> = None;
    for m in candidates.iter().rev() {
        // "X welcomed Y’s selection, saying …": a possessor is no subject.
        // ("Putin’s claims that “…”" are his words: a speech noun after it.)
        let possessed = text[m.span.end..]
            .strip_prefix("’s")
            .or_else(|| text[m.span.end..].strip_prefix("'s"))
            .map(|rest| {
                rest.split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            });
        if possessed.is_some_and(|noun| !doc.phrases().contains("speechNoun", &noun)) {
            continue;
        }
        let ok = doc.class(m) == EntityClass::Person
            || (is_collective_actor(doc, m) && subject_position(doc, m));
        if ok {
            best = Some(Speaker {
                entity: m.entity,
                span: m.span,
            });
            break;
        }
    }
    // "Leonid Nersisyan, an Armenian security analyst, told": the group
    // phrase is the person's apposition.
    if let (Some(b), Some(g)) = (best, group) {
        let gap = text[b.span.end.min(g.span.start)..g.span.start].to_lowercase();
        if doc.entities.class(b.entity) == EntityClass::Person
            && b.span.end <= g.span.start
            && [", a ", ", an ", ", the ", ", "].iter().any(|p| {
                gap.trim_end() == p.trim_end()
                    || gap == *p
                    || gap.starts_with(p) && gap.split_whitespace().count() <= 1
            })
        {
            group = None;
        }
    }
    // The nearest of mention, pronoun and group wins.
    [best, pronoun, group]
        .into_iter()
        .flatten()
        .max_by_key(|s| s.span.start)
}

/// "According to X, “…”": the speaker follows; "According to him, “…”":
/// the person named last before, outside quotation marks.
fn according_to_speaker(doc: &Doc<'_>, q: &Quotation, cue: Span) -> Option<Speaker> {
    let text = doc.text;
    let named = doc.mentions.iter().find(|m| {
        m.span.start >= cue.end
            && m.span.end <= q.outer.start
            && (doc.class(m) == EntityClass::Person || is_collective_actor(doc, m))
    });
    if let Some(m) = named {
        return Some(Speaker {
            entity: m.entity,
            span: m.span,
        });
    }
    let next = text[cue.end..q.outer.start]
        .split(|c: char| !c.is_alphabetic())
        .find(|w| !w.is_empty())?;
    if !doc.phrases().contains("objectPronoun", next) {
        return None;
    }
    let person = speaker::last_person_outside_quotes(doc, cue.start)?;
    Some(Speaker {
        entity: person.entity,
        span: cue,
    })
}

/// `X sounds a note of caution: “…”`: a quote right after a colon, in this
/// sentence or opening the next paragraph, belongs to the nearest person (or
/// group) before the colon, else to a role or body noun before its cue verb
/// ("the PM added:"), else to the body that released a statement.
fn colon_pattern(
    doc: &mut Doc<'_>,
    q: &Quotation,
    sentence_idx: usize,
    roles: &[Claim],
    quotes: &[Quotation],
) -> Option<Speaker> {
    let text = doc.text;
    let sentence = doc.sentences[sentence_idx].span;
    let before = text[sentence.start..q.outer.start].trim_end();
    let colon_window = if before.ends_with(':') {
        Span::new(sentence.start, sentence.start + before.len())
    } else if before.is_empty() && sentence_idx > 0 {
        // The quote opens a paragraph: the last sentence before ends with ':'.
        let prev = doc.sentences[sentence_idx - 1].span;
        if !prev.slice(text).trim_end().ends_with(':') {
            return None;
        }
        prev
    } else {
        return None;
    };
    let candidates: Vec<Mention> = doc
        .mentions
        .iter()
        .filter(|m| colon_window.contains(m.span) && !inside_quotes(quotes, m.span.start))
        .copied()
        .collect();
    if let Some(m) = candidates
        .iter()
        .rev()
        .find(|m| doc.class(m) == EntityClass::Person)
    {
        return Some(Speaker {
            entity: m.entity,
            span: m.span,
        });
    }
    let end = Span::new(colon_window.end, colon_window.end);
    if let Some(s) =
        pronoun_speaker(doc, colon_window, end).or_else(|| group_speaker(doc, colon_window, end))
    {
        return Some(s);
    }
    // "the PM added:", "the ministry said in a statement:"
    if let Some(&cue) = cues(doc, colon_window, quotes).last() {
        let clause = &text[colon_window.start..cue.start];
        if let Some(s) = role_np_before(doc, clause, colon_window.start, cue, roles) {
            return Some(s);
        }
        if let Some(s) = body_np_before(doc, clause, colon_window.start) {
            return Some(s);
        }
    }
    body_before_speech_noun(doc, colon_window, quotes)
}

/// "the Council, which released this message …:": the nearest body before
/// a noun for what was said (`lex:speechNoun`).
fn body_before_speech_noun(doc: &Doc<'_>, window: Span, quotes: &[Quotation]) -> Option<Speaker> {
    let phrases = doc.phrases();
    let noun = crate::mention::word_iter(doc.text, window)
        .filter(|w| !inside_quotes(quotes, w.span.start))
        .find(|w| phrases.contains("speechNoun", w.text))?;
    doc.mentions
        .iter()
        .rev()
        .find(|m| {
            window.contains(m.span)
                && m.span.end <= noun.span.start
                && is_collective_actor(doc, m)
                && doc.class(m) != EntityClass::State
        })
        .map(|m| Speaker {
            entity: m.entity,
            span: m.span,
        })
}

/// A paragraph that is one quotation, right after a paragraph that ends
/// in reported speech ("The treaty binds the allies, said Prime Minister X
/// in parliament." / "“We asked for support …”"): the person who spoke
/// there, within six words of its verb of speech (`lex:speechVerb`).
fn speaker_of_speech_before(
    doc: &Doc<'_>,
    q: &Quotation,
    first: usize,
    quotes: &[Quotation],
) -> Option<Speaker> {
    let text = doc.text;
    let prev = first.checked_sub(1)?;
    let paragraph_end = text[q.outer.end..]
        .find('\n')
        .map_or(text.len(), |p| q.outer.end + p);
    let ends_paragraph = text[q.outer.end..paragraph_end]
        .trim_matches(|c: char| c.is_whitespace() || ".,!?".contains(c))
        .is_empty();
    let span = doc.sentences[prev].span;
    if doc.sentences[prev].paragraph + 1 != doc.sentences[first].paragraph
        || !ends_paragraph
        || span.slice(text).contains(QUOTE_MARKS)
    {
        return None;
    }
    let cue = *cues(doc, span, quotes).last()?;
    if !doc.phrases().contains("speechVerb", cue.slice(text))
        || doc.phrases().contains(
            "passiveMarker",
            previous_word(text, cue.start).to_lowercase().as_str(),
        )
    {
        return None;
    }
    let close = |m: &&Mention| {
        let (a, b) = if m.span.end <= cue.start {
            (m.span.end, cue.start)
        } else {
            (cue.end, m.span.start)
        };
        text[a..b].split_whitespace().count() <= 6 && !text[a..b].contains([',', ';'])
    };
    doc.mentions
        .iter()
        .filter(|m| span.contains(m.span) && doc.class(m) == EntityClass::Person)
        .filter(close)
        .min_by_key(|m| m.span.start.abs_diff(cue.start))
        .map(|m| Speaker {
            entity: m.entity,
            span: m.span,
        })
        .or_else(|| pronoun_speaker(doc, span, cue))
}

/// Whether quotation `q` is followed by "it" or "they" and a speech verb
/// ("“…,” it said", "they added").
fn collective_pronoun_cue(doc: &Doc<'_>, q: &Quotation) -> bool {
    let rest = doc.text[q.outer.end..].trim_start_matches([',', '.', ' ', '\u{a0}']);
    let mut words = rest.split_whitespace();
    words
        .next()
        .is_some_and(|w| doc.phrases().contains_as_written("collectivePronoun", w))
        && words.next().is_some_and(|w| {
            doc.entities
                .gazetteer
                .lexicon
                .is_cue_verb(w.trim_end_matches(|c: char| !c.is_alphanumeric()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dates of each quote of `text`, written on `date`.
    fn quote_dates(text: &str, date: &str) -> Vec<(String, Option<String>)> {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let mut doc = Doc::new(text, &gazetteer, date.parse().ok());
        extract(&mut doc, &[])
            .into_iter()
            .map(|c| match c.object {
                Object::Quote(q) => (q, c.date.map(|d| d.to_string())),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_quote_is_dated_by_its_report_not_its_words() {
        let got = quote_dates(
            "“In 2021 we were alone this year,” Nikol Pashinyan said on Sunday.",
            "2022-09-22",
        );
        assert_eq!(
            got,
            [(
                "In 2021 we were alone this year,".to_string(),
                Some("2022-09-18".to_string())
            )]
        );
        // Nothing outside the quotation: the context dates it, here the
        // introducing paragraph; and the same speaker's next quotation.
        let got = quote_dates(
            "On 12 June Nikol Pashinyan shot back:\n\n“We will leave in 2025.”\n\n\
             He added that there was “no other way” for Armenia.\n",
            "2024-06-14",
        );
        let dates: Vec<_> = got.iter().map(|(_, d)| d.as_deref()).collect();
        assert_eq!(dates, [Some("2024-06-12"), Some("2024-06-12")], "{got:?}");
    }

    /// fuzz/extract: a line of short quotes (`"a" "a" …`) looked for cue
    /// verbs in the whole sentence once per quote.
    #[test]
    fn many_short_quotes_stay_fast() {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let text = "\"a\" ".repeat(16_000);
        let start = std::time::Instant::now();
        let mut doc = Doc::new(&text, &gazetteer, None);
        let roles = Vec::new();
        assert!(extract(&mut doc, &roles).is_empty());
        let elapsed = start.elapsed();
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
    }

    /// The (speaker, quotation) pairs of `text`.
    fn said(text: &str) -> Vec<(String, String)> {
        crate::extract::tests::pairs_in(text, Relation::Said)
    }

    #[test]
    fn a_rank_abbreviated_with_a_full_stop_stays_between_cue_and_speaker() {
        assert_eq!(
            said(
                "\"We must be ready to defend every inch,\" said Col. John Harrow, the commander."
            ),
            [(
                "John Harrow".to_string(),
                "We must be ready to defend every inch,".to_string()
            )]
        );
        // A real full stop still parts them.
        assert!(
            said("\"We must be ready to defend every inch,\" she said. John Harrow left.")
                .iter()
                .all(|(speaker, _)| speaker != "John Harrow")
        );
    }

    #[test]
    fn a_document_speaks_for_the_alliance_or_body_named_before_it() {
        assert_eq!(
            speakers(
                "NATO leaders met in Oslo. \"The accession of these two states will make us \
                 all safer,\" the declaration said."
            ),
            ["NATO"]
        );
    }

    #[test]
    fn the_alliance_chief_is_whoever_holds_its_top_office_here() {
        let text = |np: &str| {
            format!(
                "CSTO Secretary General Imangali Tasmagambetov spoke. \"We are ready to send \
                 observers to the border,\" {np}."
            )
        };
        assert_eq!(
            speakers(&text("the CSTO chief said")),
            ["Imangali Tasmagambetov"]
        );
        assert_eq!(
            speakers(&text("said the alliance's chief")),
            ["Imangali Tasmagambetov"]
        );
        assert_eq!(
            speakers(&text("the bloc's head told reporters")),
            ["Imangali Tasmagambetov"]
        );
    }

    #[test]
    fn a_cue_past_an_apposition_or_a_long_subject_keeps_its_speaker() {
        assert_eq!(
            speakers(
                "\"We agreed to strengthen the southern borders of the alliance,\" \
                 Croatia's President Ivo Horvat, whose country holds the rotating chair, said."
            ),
            ["Ivo Horvat"]
        );
        assert_eq!(
            speakers(
                "\"We call on both sides to settle the dispute through talks,\" a statement \
                 from Foreign Ministry spokeswoman Maria Zakharova said."
            ),
            ["Maria Zakharova"]
        );
        // A hyphenated rank opens no name.
        assert_eq!(
            speakers(
                "\"The contingent will consist mostly of troops of the base,\" \
                 Lieutenant-General Ivo Horvat, commander of the district, said."
            ),
            ["Ivo Horvat"]
        );
        // A scare quote inside a clause is not what a later cue reports.
        assert!(speakers(
            "Fears of a plan to \"reunite\" them with Moscow eased after Chinese President \
             Xi Jinping stated that the borders would hold."
        )
        .is_empty());
        // A full stop between the quotation and the cue parts them.
        assert!(speakers(
            "\"We call on both sides to settle the dispute through talks.\" Later Ivo Horvat \
             left the room, and Maria Zakharova said nothing."
        )
        .iter()
        .all(|s| s != "Ivo Horvat"));
    }

    #[test]
    fn according_to_him_is_the_person_named_last_outside_quotes() {
        assert_eq!(
            speakers(
                "Nikol Pashinyan spoke to reporters. According to him, \"our membership in \
                 the alliance is absolutely unbreakable.\""
            ),
            ["Nikol Pashinyan"]
        );
    }

    #[test]
    fn a_speaker_who_began_with_a_quotation_said_it() {
        assert_eq!(
            speakers("Mark Rutte outlined his plans. \"The first is to keep the alliance strong,\" he began."),
            ["Mark Rutte"]
        );
    }

    #[test]
    fn a_pronoun_refers_to_a_person_named_outside_quotation_marks() {
        let got = said(
            "John Harrow said that \"President Joe Biden has agreed to send more troops.\" \
             Later he said he was \"glad to announce that the troops will arrive soon.\"",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter().all(|(speaker, _)| speaker == "John Harrow"),
            "{got:?}"
        );
    }

    #[test]
    fn a_role_noun_between_quote_and_cue_is_the_person_holding_it() {
        let got = said(
            "Russian President Vladimir Putin opened the session. \
             \"We agreed on a joint border force,\" the president stated at the CSTO session.",
        );
        assert_eq!(got[0].0, "Vladimir Putin");
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn a_state_leader_whom_no_role_names_is_no_office_of_the_alliance() {
        // The alliance's own office speaks for it …
        let got = said(
            "The CSTO met in Minsk. \"The mission will end in ten days,\" the secretary general said.",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "CSTO Secretary General");
        // … but "the president" is a state's, and here nobody's known.
        assert!(said(
            "The CSTO met in Minsk. \"We have approved a joint force today,\" the president stated."
        )
        .is_empty());
    }

    #[test]
    fn a_possessor_is_no_speaker_unless_it_owns_the_words() {
        let got = said(
            "Jens Stoltenberg welcomed Rutte's appointment, saying, \"Mark is a strong leader.\"",
        );
        assert_eq!(
            got,
            [(
                "Jens Stoltenberg".to_string(),
                "Mark is a strong leader.".to_string()
            )]
        );
        let got = said(
            "Analysts doubt Vladimir Putin’s claims about “unity among our peoples and states”.",
        );
        assert_eq!(got[0].0, "Vladimir Putin");
    }

    #[test]
    fn it_said_continues_a_body_that_spoke_before() {
        let got = said(
            "\"We agreed on a ceasefire at the border,\" the Kyrgyz Foreign Ministry said. \
             \"The parties will meet again in the coming days,\" it said.",
        );
        let speakers: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            speakers,
            ["Kyrgyz Foreign Ministry", "Kyrgyz Foreign Ministry"]
        );
        // A person before: "it" is no person.
        let got = said("\"We will stay,\" Putin said. \"Nothing changes for us,\" it said.");
        assert_eq!(got.len(), 1);
    }

    fn speakers(text: &str) -> Vec<String> {
        said(text).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn quoted_as_saying_names_the_speaker_not_the_agency() {
        assert_eq!(
            speakers(
                "\"Guarding the frontier alone looks very hard for us,\" the TASS news agency \
                 quoted Rustam Nazarov, the Kyrgyz envoy to the bloc, as saying."
            ),
            ["Rustam Nazarov"]
        );
        assert_eq!(
            speakers(
                "Kazakh Security Council Secretary Marat Tulenov confirmed the plan.\n\n\
                 \"Every request was approved. Today the first planes land,\" he was quoted \
                 by the Interfax news agency as saying."
            ),
            ["Marat Tulenov"]
        );
    }

    #[test]
    fn a_body_named_by_its_common_noun_is_the_one_named_before() {
        // The unit speaks for the body it belongs to.
        assert_eq!(
            speakers(
                "The sides agreed to stop firing, the press service of the Kazakh Foreign \
                 Ministry said on Monday.\n\n\"After long talks between the ministers a \
                 ceasefire was reached,\" the press service said."
            ),
            ["Kazakh Foreign Ministry"]
        );
        // A qualified noun with no such body before: that of the state
        // named last.
        assert_eq!(
            speakers(
                "Shelling went on near Osh, in the south of Kyrgyzstan.\n\n\"The number of \
                 people killed has risen to 12,\" the health ministry said in a statement."
            ),
            ["Kyrgyz Health Ministry"]
        );
        // No body, no state: nobody.
        assert!(speakers("\"The number of dead has risen to 12,\" the ministry said.").is_empty());
    }

    #[test]
    fn a_quoted_paragraph_after_reported_speech_is_its_speakers() {
        assert_eq!(
            speakers(
                "The treaty obliges allies to help, said Prime Minister Nikol Pashinyan in \
                 parliament.\n\n“We asked the allies for support, including troops for our \
                 border regions.”"
            ),
            ["Nikol Pashinyan"]
        );
        // Not after a sentence without reported speech, nor after a passive.
        assert!(speakers(
            "Nikol Pashinyan went to parliament.\n\n“We asked the allies for support at once.”"
        )
        .is_empty());
        assert!(speakers(
            "The treaty was said by Nikol Pashinyan to bind the allies.\n\n\
             “We asked the allies for support at once.”"
        )
        .is_empty());
    }

    #[test]
    fn an_abbreviated_title_is_the_person_holding_the_spelled_out_one() {
        assert_eq!(
            speakers(
                "Prime Minister Nikol Pashinyan spoke in parliament.\n\nSpeaking for the \
                 government, the PM added: “There is a recognised border and nobody can deny it.”"
            ),
            ["Nikol Pashinyan"]
        );
        // An abbreviation that no role spells out is nobody.
        assert!(speakers(
            "Nikol Pashinyan spoke in parliament. The FM added: “There is a recognised border.”"
        )
        .is_empty());
    }

    #[test]
    fn a_body_that_released_a_statement_before_a_colon_speaks_it() {
        assert_eq!(
            speakers(
                "The CSTO convened its Collective Security Council, which released this \
                 statement after the request:\n\n“Fighting broke out overnight. We call for \
                 political methods only.”"
            ),
            ["CSTO Collective Security Council"]
        );
    }

    #[test]
    fn a_speech_over_paragraphs_is_one_quotation_a_paragraph() {
        let got = said(
            "At the opening, President Kassym-Jomart Tokayev made a speech, in which he \
             stated:\n\n\"Dear colleagues, welcome to Astana for the session.\n\nIt has \
             been a difficult year for all of us.\n\nStill, we achieved a lot together.\n",
        );
        let quotes: Vec<&str> = got.iter().map(|(_, q)| q.as_str()).collect();
        assert_eq!(
            quotes,
            [
                "Dear colleagues, welcome to Astana for the session.",
                "It has been a difficult year for all of us.",
                "Still, we achieved a lot together."
            ]
        );
        assert!(got.iter().all(|(s, _)| s == "Kassym-Jomart Tokayev"));
    }

    #[test]
    fn a_line_that_ends_in_a_name_after_a_quotation_is_that_persons() {
        assert_eq!(
            speakers(
                "\"We are not ready to sign this paper today\" Pashinyan\n\nThe summit ended."
            ),
            ["Nikol Pashinyan"]
        );
        assert_eq!(
            speakers("“The bloc has failed us all again” — Nikol Pashinyan\n"),
            ["Nikol Pashinyan"]
        );
        // More after the name: no headline.
        assert!(
            speakers("\"We are not ready to sign this paper today\" Pashinyan left.\n").is_empty()
        );
    }

    #[test]
    fn a_state_that_qualifies_a_title_after_the_cue_is_no_speaker() {
        assert!(said("The bloc faces \"a deep crisis of its credibility,\" said U.S. Ambassador to the alliance.").is_empty());
    }
}
