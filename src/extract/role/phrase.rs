//! Roles stated by a phrase beside the name rather than a title run before
//! it: an apposition before the name ("The speaker of the country’s
//! parliament, Alen Simonyan"), an apposition, copula or election after it
//! ("X, a postdoctoral researcher at…", "X is a journalist with…", "X’s
//! election as president of Y"), an appointment ("appointed X secretary
//! general of …") and a relative clause after a role noun ("the lawmaker,
//! who serves as …"); and the label each phrase gives the role.

use crate::claim::{Claim, Object};
use crate::extract::Doc;
use crate::mention::{EntityClass, EntityRef, Mention, MentionKind};
use crate::span::Span;

use super::{last_state_before, normalise_title, office_case, owner_of, role_claim};

/// What opens a role phrase after a name: a comma with a determiner, "who
/// is" and the like, or alone; a copula and a determiner; "’s election as".
fn opener_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::expect_used)] // invariant: literal pattern
        regex::Regex::new(
            r"^(?:\s*,\s*(?:the|a|an|who\s+happens\s+to\s+be|who\s+became|who\s+has\s+been|who\s+is\s+also|who\s+is|who\s+serves\s+as|who\s+was|now|then|formerly)|\s+(?:is|was)\s+(?:a|an|the)|[’']s\s+election\s+as|\s*,)\s+",
        )
        .expect("opener regex")
    })
}

/// Turns a role phrase into a label: drops determiners, resolves
/// possessives ("Armenia’s security council" → "security council of Armenia").
pub(super) fn phrase_label(
    doc: &Doc<'_>,
    idx: usize,
    phrase: Span,
) -> Option<(String, Option<EntityRef>)> {
    let text = doc.text;
    let raw = phrase.slice(text);
    let mut owner = None;
    let mut possessor: Option<String> = None;
    let mut rest = raw.trim().to_string();
    for det in ["the ", "The ", "a ", "an ", "A ", "An "] {
        if let Some(r) = rest.strip_prefix(det) {
            rest = r.to_string();
            break;
        }
    }
    // "the country’s parliament": the last state named before.
    for generic in [
        "the country’s ",
        "the country's ",
        "its ",
        "the nation’s ",
        "the nation's ",
    ] {
        if let Some(pos) = rest.find(generic) {
            if let Some(state) = last_state_before(doc, phrase.start) {
                possessor = Some(doc.entities.get(state).label.clone());
                owner = Some(state);
                rest = format!("{}{}", &rest[..pos], &rest[pos + generic.len()..]);
            }
        }
    }
    resolve_mentions(doc, idx, phrase, &mut rest, &mut owner, &mut possessor);
    let words: Vec<&str> = rest
        .split_whitespace()
        .filter(|w| !doc.phrases().contains("roleDropWord", w) || *w == "the")
        .collect();
    let mut words = words;
    while words.first().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        words.remove(0);
    }
    if words.is_empty() || words.len() > 14 {
        return None;
    }
    // "the Russian president" → "President of Russia" when the rest is a bare title.
    if possessor.is_none() && words.len() >= 2 {
        let demonym = doc.mentions_in(idx).iter().find(|m| {
            phrase.contains(m.span)
                && m.kind == MentionKind::Demonym
                && doc.class(m) == EntityClass::State
                && m.span.slice(text) == words[0]
        });
        if let Some(m) = demonym {
            if words[1..]
                .iter()
                .all(|w| doc.phrases().contains("titleWord", w))
            {
                possessor = Some(doc.entities.get(m.entity).label.clone());
                owner = Some(m.entity);
                words.remove(0);
            }
        }
    }
    let mut label = normalise_title(&office_case(doc.phrases(), &words));
    if let Some(p) = possessor {
        label = format!("{label} of {p}");
    }
    // "… of the Collective Security Treaty Organization (CSTO)": the
    // parenthesis repeats the name.
    if let Some(open) = label.find(" (") {
        if label.ends_with(')') {
            label.truncate(open);
        }
    }
    Some((label, owner))
}

/// The mentions in a role phrase: "X’s" becomes the label's possessor
/// (and the role's owner) and leaves `rest`; another mention gives the
/// owner if none is known, and an anaphor ("the organization") is replaced
/// by the label of the entity it stands for.
fn resolve_mentions(
    doc: &Doc<'_>,
    idx: usize,
    phrase: Span,
    rest: &mut String,
    owner: &mut Option<EntityRef>,
    possessor: &mut Option<String>,
) {
    let text = doc.text;
    for m in doc
        .mentions_in(idx)
        .iter()
        .filter(|m| phrase.contains(m.span))
    {
        let after = &text[m.span.end..phrase.end];
        if after.starts_with("’s ") || after.starts_with("'s ") {
            let mention_text = m.span.slice(text);
            let suffix = &after[..after.find(' ').unwrap_or(0)];
            let pattern = format!("{mention_text}{suffix} ");
            // "the organisation's": the phrase lost its leading "the" above.
            let bare = mention_text
                .strip_prefix("the ")
                .or_else(|| mention_text.strip_prefix("The "))
                .map(|b| format!("{b}{suffix} "));
            let found = rest.find(&pattern).map(|p| (p, pattern.len())).or_else(|| {
                bare.as_ref()
                    .and_then(|b| rest.find(b.as_str()).map(|p| (p, b.len())))
            });
            if let Some((pos, len)) = found {
                let label = &doc.entities.get(m.entity).label;
                *possessor = Some(if doc.entities.class(m.entity) == EntityClass::State {
                    label.clone()
                } else {
                    format!("the {label}")
                });
                *owner = owner.or_else(|| owner_of(doc, m));
                *rest = format!("{}{}", &rest[..pos], &rest[pos + len..]);
            }
        } else {
            if owner.is_none() {
                *owner = owner_of(doc, m);
            }
            // "secretary general of the organization": the entity it stands for.
            if m.kind == MentionKind::Anaphor {
                let label = &doc.entities.get(m.entity).label;
                let surface = m.span.slice(text);
                let bare = surface
                    .strip_prefix("the ")
                    .or_else(|| surface.strip_prefix("The "))
                    .unwrap_or(surface);
                if let Some(pos) = rest.rfind(bare) {
                    *rest = format!("{}{label}{}", &rest[..pos], &rest[pos + bare.len()..]);
                }
            }
        }
    }
}

/// "The speaker of the country’s parliament, Alen Simonyan".
pub(super) fn apposition_before(
    doc: &Doc<'_>,
    idx: usize,
    sentence: Span,
    person: &Mention,
) -> Option<Claim> {
    let text = doc.text;
    let before = &text[sentence.start..person.span.start];
    // Allow a rank between the comma and the name: ", Col Gen X".
    let mut end = before.len();
    let trimmed = before.trim_end();
    let mut head = trimmed;
    loop {
        let last_word = head.rsplit(' ').next().unwrap_or("");
        if !last_word.is_empty() && doc.phrases().contains("rank", last_word) {
            head = head[..head.len() - last_word.len()].trim_end();
        } else {
            break;
        }
    }
    if !head.ends_with(',') {
        return None;
    }
    end = end.min(head.len() - 1);
    // "The secretary general of the CSTO (CSTO), X": the parenthesis is
    // part of the phrase, not its start.
    let search_end = match before[..end].trim_end().strip_suffix(')') {
        Some(inside) => inside.rfind('(').unwrap_or(end),
        None => end,
    };
    let clause_start = before[..search_end]
        .rfind([',', ';', ':', '(', '—', '–'])
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let clause = &before[clause_start..end];
    // "A, President of X, B, Prime Minister of Y": a title right after a
    // person and a comma is that person's apposition, not the next name's;
    // but "A, and the Russian president, B" opens the list's next item.
    let next_item = clause.trim_start().starts_with("and ");
    if clause_start > 0 && !next_item {
        let comma =
            before[..clause_start].trim_end_matches(|c: char| c != ',' && c.is_whitespace());
        let previous_end = sentence.start + comma.trim_end_matches(',').trim_end().len();
        if doc
            .mentions_in(idx)
            .iter()
            .any(|m| m.span.end == previous_end && doc.class(m) == EntityClass::Person)
        {
            return None;
        }
    }
    let abs_start = sentence.start + clause_start + role_phrase_start(doc, clause)?;
    let phrase = Span::new(abs_start, sentence.start + end);
    let evidence = Span::new(abs_start, person.span.end);
    phrase_role_claim(
        doc,
        idx,
        person,
        phrase,
        evidence,
        "role.apposition_before_name",
        0.8,
    )
}

/// Where in `clause` the role phrase before a name starts: at the
/// determiner or possessor before its first role head. None when the head
/// is plural or the phrase follows a copula.
fn role_phrase_start(doc: &Doc<'_>, clause: &str) -> Option<usize> {
    let words: Vec<(usize, &str)> = clause
        .split_inclusive(' ')
        .scan(0usize, |pos, w| {
            let at = *pos;
            *pos += w.len();
            Some((at, w.trim()))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let head_idx = words.iter().position(|(_, w)| {
        let bare = w.trim_end_matches(['’', '\'', 's']);
        doc.entities.gazetteer.lexicon.is_role_head(w) && !doc.phrases().contains("rank", bare)
    })?;
    // "the leaders of the two states, A and B": a plural head names no
    // one person's role.
    let head_word = words[head_idx].1.to_lowercase();
    let plural = head_word.strip_suffix('s').is_some_and(|singular| {
        singular.len() > 2 && doc.entities.gazetteer.lexicon.is_role_head(singular)
    });
    if plural {
        return None;
    }
    let mut start_idx = head_idx;
    for back in (head_idx.saturating_sub(3)..head_idx).rev() {
        let w = words[back].1;
        if matches!(w, "the" | "The" | "a" | "an" | "A" | "An") {
            start_idx = back;
            break;
        }
        if w.ends_with("’s") || w.ends_with("'s") {
            start_idx = back;
        }
    }
    // "Asked whether Armenia was still a member of the bloc, Pashinyan": a
    // predicate after a copula describes someone else, not the name.
    if start_idx > 0 {
        let before = words[start_idx - 1].1.to_lowercase();
        let before = before.as_str();
        if doc.phrases().contains_as_written("copulaWord", before) {
            return None;
        }
    }
    Some(words[start_idx].0)
}

/// "X, a postdoctoral researcher at…", "X, who happens to be the CSTO’s
/// current chairman,", "X is a journalist with…", "X’s election as president of Y".
pub(super) fn apposition_after(
    doc: &Doc<'_>,
    idx: usize,
    sentence: Span,
    person: &Mention,
) -> Option<Claim> {
    let text = doc.text;
    let after = &text[person.span.end..sentence.end];
    let opener_match = opener_re().find(after)?;
    let opener = opener_match.as_str();
    let rest = &after[opener_match.end()..];
    let phrase_end = rest
        .find([',', ';', '(', '—', '–', ':', '“', '"'])
        .into_iter()
        .chain(rest.find(" and "))
        .chain(rest.find(" after "))
        .chain(rest.find(" since "))
        .chain(rest.find(" when "))
        .chain(rest.find(" who "))
        .chain(rest.find(" that "))
        .chain(rest.find(" which "))
        .chain(rest.find(" said"))
        .chain(rest.find(" told"))
        .min()
        .unwrap_or(rest.len());
    let mut phrase_text = &rest[..phrase_end];
    phrase_text = phrase_text.trim_end_matches(['.', ' ']);
    // ", and Mayor of X Y": the next item of a list, not an apposition.
    if phrase_text.starts_with("and ") || phrase_text.starts_with("or ") {
        return None;
    }
    // "X, President of the Riigikogu Eiki Nestor": the phrase runs into the
    // next person's name (two capitalised words that are no title words).
    let tail: Vec<&str> = phrase_text.split_whitespace().rev().take(2).collect();
    if tail.len() == 2
        && tail.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !doc.phrases().contains("titleWord", w)
                && !doc.entities.gazetteer.lexicon.is_role_head(w)
        })
        && !doc.mentions_in(idx).iter().any(|m| {
            m.span.end == person.span.end + opener_match.end() + phrase_text.len()
                && doc.class(m) != EntityClass::Person
        })
    {
        return None;
    }
    // A year closes an election phrase: "president of Uzbekistan in 2016".
    let mut date = None;
    if opener.contains("election") {
        if let Some(pos) = phrase_text.find(" in ") {
            let after = &phrase_text[pos + 4..];
            let year = after
                .get(..4)
                .filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
            let closed = after
                .get(4..)
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()));
            if let (Some(year), true) = (year, closed) {
                date = year.parse::<crate::date::PartialDate>().ok();
                phrase_text = &phrase_text[..pos];
            }
        }
    }
    let first_words: Vec<&str> = phrase_text.split_whitespace().take(6).collect();
    if !first_words.iter().any(|w| {
        doc.entities
            .gazetteer
            .lexicon
            .is_role_head(w.trim_end_matches(['’', '\'']))
    }) {
        return None;
    }
    let start = person.span.end + opener_match.end();
    // A bare comma ("X, commander of the joint staff,") needs the role noun
    // first or second, singular, and no speech verb in the phrase.
    if opener.trim() == "," && bare_comma_refused(doc, idx, start, rest, phrase_text, &first_words)
    {
        return None;
    }
    let phrase = Span::new(start, start + phrase_text.len());
    let evidence = Span::new(person.span.start, phrase.end);
    let mut claim = phrase_role_claim(
        doc,
        idx,
        person,
        phrase,
        evidence,
        "role.apposition_after_name",
        0.8,
    )?;
    claim.date = date;
    Some(claim)
}

/// Whether a role phrase after a bare comma (at `start`, in the sentence
/// text `rest` that follows the opener) is no apposition of the name before
/// it: its role noun comes late or is plural, the titles run into another
/// person's name, or it holds a speech verb or too many words.
fn bare_comma_refused(
    doc: &Doc<'_>,
    idx: usize,
    start: usize,
    rest: &str,
    phrase_text: &str,
    first_words: &[&str],
) -> bool {
    let head_early = first_words
        .iter()
        .take(3)
        .any(|w| doc.entities.gazetteer.lexicon.is_role_head(w) && !w.ends_with('s'));
    // "A, Chairman of X and Chief of Y Z": the titles before the next
    // comma run into another person's name: theirs, not A's.
    let clause_len = rest.find([',', ';', '(', ':']).unwrap_or(rest.len());
    let holds_person = doc.mentions_in(idx).iter().any(|m| {
        doc.class(m) == EntityClass::Person
            && m.span.start >= start
            && m.span.start < start + clause_len.max(phrase_text.len())
    });
    !head_early
        || holds_person
        || first_words
            .iter()
            .any(|w| doc.entities.gazetteer.lexicon.is_cue_verb(w))
        || phrase_text.split_whitespace().count() > 10
}

/// "The presidents appointed X secretary general of the organization", "X
/// has been appointed chairman of the commission": a role stated by a verb
/// of appointment (`lex:appointmentVerb`), right before the name (the name
/// its object) or after it in the passive, and the title that follows.
pub(super) fn appointed(
    doc: &Doc<'_>,
    idx: usize,
    sentence: Span,
    person: &Mention,
) -> Option<Claim> {
    let text = doc.text;
    let phrases = doc.phrases();
    let is_verb = |w: &str| {
        phrases.contains(
            "appointmentVerb",
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'),
        )
    };
    let before = &text[sentence.start..person.span.start];
    let after = &text[person.span.end..sentence.end];
    let complement = if before.split_whitespace().next_back().is_some_and(is_verb) {
        after
    } else {
        // "X has been appointed …", "X was named …" (not "will be"), past
        // an apposition ("X, Russian deputy prime minister, was named …").
        let after = match after.strip_prefix(',') {
            Some(rest) => &rest[rest.find(',')? + 1..],
            None => after,
        };
        let mut words = after.split_whitespace();
        let mut skipped = 0;
        let mut verb = None;
        for w in words.by_ref() {
            if doc.phrases().contains_as_written("auxiliaryVerb", w) && skipped < 2 {
                skipped += 1;
                continue;
            }
            verb = Some(w);
            break;
        }
        let verb = verb.filter(|w| skipped > 0 && is_verb(w))?;
        let at = after.find(&format!(" {verb} "))? + verb.len() + 1;
        &after[at..]
    };
    let lead = complement.len() - complement.trim_start().len();
    let mut body = complement.trim_start();
    let mut start = sentence.end - complement.len() + lead;
    if let Some(rest) = body.strip_prefix("as ") {
        start += 3;
        body = rest;
    }
    let end = [
        ",", ";", ".", "(", " and ", " after ", " on ", " in ", " to ", " for a ", " until ",
    ]
    .iter()
    .filter_map(|stop| body.find(stop))
    .min()
    .unwrap_or(body.len());
    let title = &body[..end];
    let words: Vec<&str> = title.split_whitespace().collect();
    let head_early = words
        .iter()
        .take(4)
        .any(|w| doc.entities.gazetteer.lexicon.is_role_head(w));
    if words.is_empty() || words.len() > 12 || !head_early || words.iter().any(|w| is_verb(w)) {
        return None;
    }
    let phrase = Span::new(start, start + title.trim_end().len());
    let evidence = person.span.cover(phrase);
    phrase_role_claim(doc, idx, person, phrase, evidence, "role.appointed", 0.75)
}

/// The claim that `person` holds the role that `phrase` names
/// ([`phrase_label`]), found by `rule` in the words `evidence`.
fn phrase_role_claim(
    doc: &Doc<'_>,
    idx: usize,
    person: &Mention,
    phrase: Span,
    evidence: Span,
    rule: &'static str,
    confidence: f32,
) -> Option<Claim> {
    let (label, owner) = phrase_label(doc, idx, phrase)?;
    let object = Object::Role {
        title: label.clone(),
        label,
        of: owner,
    };
    Some(role_claim(
        doc, idx, person, object, evidence, rule, confidence,
    ))
}

/// "observed the lawmaker, who serves as first deputy chairman of …": the
/// role noun refers back to the last person given that role word.
pub(super) fn role_noun_relative(doc: &Doc<'_>, idx: usize, roles_so_far: &[Claim]) -> Vec<Claim> {
    let text = doc.text;
    let sentence = doc.sentences[idx].span;
    let body = sentence.slice(text);
    let mut out = Vec::new();
    // Each opener starts with ", who ": most sentences have none (a cheap
    // check before the three searches).
    if !body.contains(", who ") {
        return out;
    }
    for opener in [", who serves as ", ", who is also ", ", who is the "] {
        let mut from = 0;
        while let Some(pos) = body[from..].find(opener) {
            let at = from + pos;
            from = at + opener.len();
            let before = &body[..at];
            let noun = before.rsplit(' ').next().unwrap_or("");
            if !before[..before.len() - noun.len()].ends_with("the ")
                || !doc.entities.gazetteer.lexicon.is_role_head(noun)
            {
                continue;
            }
            // The last person whose role mentions this noun.
            let Some(person) = roles_so_far.iter().rev().find(|c| {
                c.span.end <= sentence.start + at
                    && matches!(&c.object, Object::Role { label, .. } if label.to_lowercase().contains(&noun.to_lowercase()))
            }) else {
                continue;
            };
            let Some(person_mention) = doc
                .mentions
                .iter()
                .find(|m| m.entity == person.subject && m.kind != MentionKind::Surname)
                .copied()
            else {
                continue;
            };
            let rest = &body[from..];
            let end = rest
                .find([',', ';', '.', '('])
                .into_iter()
                .chain(rest.find(" and "))
                .min()
                .unwrap_or(rest.len());
            let phrase = Span::new(sentence.start + from, sentence.start + from + end);
            if let Some((label, owner)) = phrase_label(doc, idx, phrase) {
                let object = Object::Role {
                    title: label.clone(),
                    label,
                    of: owner,
                };
                let span = Span::new(sentence.start + at - noun.len(), phrase.end);
                out.push(role_claim(
                    doc,
                    idx,
                    &person_mention,
                    object,
                    span,
                    "role.role_noun_relative",
                    0.6,
                ));
            }
        }
    }
    out
}
