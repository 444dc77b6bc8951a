//! Roles: person *holds role*. Four general patterns:
//!
//! - a title run before the name: "Kazakh Defense Minister Ruslan
//!   Zhaksylykov", "the Prime Minister of Armenia Nikol Pashinyan";
//! - an apposition before the name: "The speaker of the country’s
//!   parliament, Alen Simonyan";
//! - an apposition or copula after it: "Aijan Sharshenova, a postdoctoral
//!   researcher at…", "X, who happens to be the CSTO’s current chairman",
//!   "X is a journalist with…";
//! - "X’s election as president of Uzbekistan in 2016".
//!
//! The role's state comes from a demonym, a state name or a possessive in the
//! phrase ("the country’s" resolves to the last state named).

use crate::claim::{Claim, Object, Relation};
use crate::mention::phrases::Phrasebook;
use crate::mention::Gazetteer;
use crate::mention::{EntityClass, EntityRef, Mention, MentionKind, Word};
use crate::span::Span;

use super::Doc;

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

/// Extracts the roles that people hold.
pub fn extract(doc: &Doc<'_>) -> Vec<Claim> {
    let mut out = Vec::new();
    for (sentence_idx, sentence) in doc.sentences.iter().enumerate() {
        let mentions = doc.mentions_in(sentence_idx);
        for m in mentions
            .iter()
            .filter(|m| doc.class(m) == EntityClass::Person)
        {
            if let Some(claim) = title_before(doc, sentence_idx, sentence.span, m) {
                out.push(claim);
            }
            if let Some(claim) = apposition_before(doc, sentence_idx, sentence.span, m) {
                out.push(claim);
            }
            if let Some(claim) = apposition_after(doc, sentence_idx, sentence.span, m) {
                out.push(claim);
            }
            if let Some(claim) = appointed(doc, sentence_idx, sentence.span, m) {
                out.push(claim);
            }
        }
        out.extend(role_noun_relative(doc, sentence_idx, &out));
    }
    complete_bare_titles(doc, &mut out);
    out
}

/// True when the word before `pos` is a preposition of place or direction
/// (`lex:placePreposition`).
fn after_preposition(doc: &Doc<'_>, pos: usize) -> bool {
    let before = doc.text[..pos].trim_end();
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    doc.phrases().contains("placePreposition", word)
}

/// A bare title ("President Tokayev") takes the owner that the same
/// person's same title has elsewhere in the article ("President of
/// Kazakhstan").
fn complete_bare_titles(doc: &Doc<'_>, claims: &mut [Claim]) {
    let owned: Vec<(EntityRef, String, EntityRef)> = claims
        .iter()
        .filter_map(|c| match &c.object {
            Object::Role {
                title,
                of: Some(of),
                ..
            } => Some((c.subject, title.to_lowercase(), *of)),
            _ => None,
        })
        .collect();
    for claim in claims.iter_mut() {
        let Object::Role {
            title, of: None, ..
        } = &claim.object
        else {
            continue;
        };
        let lower = title.to_lowercase();
        let mut owners = owned
            .iter()
            .filter(|(who, t, _)| *who == claim.subject && *t == lower)
            .map(|(_, _, of)| *of);
        // Only when the article gives that title one owner.
        if let Some(of) = owners.next() {
            if owners.all(|other| other == of) {
                claim.object = make_role(doc, title, Some(of));
                continue;
            }
        }
        // A state office ("President", "Defence Minister") of a person the
        // gazetteer knows: the state they serve.
        if is_state_office(doc.phrases(), &lower) {
            let gazetteer = doc.entities.gazetteer;
            let state = doc
                .entities
                .get(claim.subject)
                .nationality
                .as_deref()
                .and_then(|id| gazetteer.find_id(id))
                .map(EntityRef);
            if let Some(state) = state {
                claim.object = make_role(doc, title, Some(state));
            }
        }
    }
}

/// Whether a (lower-case) bare title is an office of a state: a president,
/// premier, chancellor or minister of any rank ("deputy prime minister",
/// "defense minister"), not an office of an organisation ("secretary
/// general", "chairman") or a role ("spokesman"): its last word is one of
/// `lex:stateOfficeHead`.
fn is_state_office(phrases: &Phrasebook, title: &str) -> bool {
    title
        .split_whitespace()
        .next_back()
        .is_some_and(|last| phrases.contains_as_written("stateOfficeHead", last))
}

fn capitalise(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn title_case(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| {
            if *w == "of" || *w == "the" || *w == "and" {
                (*w).to_string()
            } else {
                capitalise(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The state (or organisation) a mention inside a role phrase stands for.
fn owner_of(doc: &Doc<'_>, m: &Mention) -> Option<EntityRef> {
    matches!(
        doc.class(m),
        EntityClass::State
            | EntityClass::Alliance
            | EntityClass::Organization
            | EntityClass::GovernmentBody
    )
    .then_some(m.entity)
}

fn make_role(doc: &Doc<'_>, title: &str, of: Option<EntityRef>) -> Object {
    let label = match of {
        Some(of) => {
            let owner = &doc.entities.get(of).label;
            let article = if doc.entities.class(of) == EntityClass::State {
                ""
            } else {
                "the "
            };
            format!("{title} of {article}{owner}")
        }
        None => title.to_string(),
    };
    Object::Role {
        label,
        title: title.to_string(),
        of,
    }
}

fn role_claim(
    doc: &Doc<'_>,
    idx: usize,
    person: &Mention,
    object: Object,
    span: Span,
    rule: &'static str,
    confidence: f32,
) -> Claim {
    doc.claim(Relation::HoldsRole, person.entity, object)
        .at(idx, span)
        .rule(rule, confidence)
}

/// "Kazakh Defense Minister Ruslan Zhaksylykov", "Armenia’s Prime Minister X".
fn title_before(doc: &Doc<'_>, idx: usize, sentence: Span, person: &Mention) -> Option<Claim> {
    let words = crate::mention::words(doc.text, Span::new(sentence.start, person.span.start));
    let mut run = walk_back_title(doc, idx, &words, person);
    let title_words = title_words(doc, idx, &words[run.start..]);
    if !title_words
        .iter()
        .any(|w| doc.entities.gazetteer.lexicon.is_role_head(w))
    {
        return None;
    }
    let title_start = words
        .get(run.start)
        .map_or(person.span.start, |w| w.span.start);
    if run.owner.is_none() && run.start > 0 {
        run.owner = nation_owner(doc, &words[run.start - 1], title_start);
    }
    if run.owner.is_none() && title_words.iter().any(|w| w == "minister") {
        run.owner = minister_state(doc, idx, title_start);
    }
    let refs: Vec<&str> = title_words.iter().map(String::as_str).collect();
    let title = normalise_title(&body_title(doc.entities.gazetteer, &refs));
    let span = Span::new(title_start, person.span.end);
    Some(title_claim(doc, idx, person, span, title, run))
}

/// The title words walked back from a name: where they start and whose the
/// title is.
struct TitleRun {
    /// Index of the first title word in the words before the name.
    start: usize,
    /// The state or organisation named among them.
    owner: Option<EntityRef>,
    /// The seat of government named as owner ("Kremlin"), as written.
    metonym_owner: Option<String>,
}

/// Walk back over title words, ranks and one owner (demonym/state/possessive).
fn walk_back_title(doc: &Doc<'_>, idx: usize, words: &[Word<'_>], person: &Mention) -> TitleRun {
    let text = doc.text;
    let mut start = words.len();
    let mut owner: Option<EntityRef> = None;
    let mut metonym_owner: Option<String> = None;
    while start > 0 {
        let w = &words[start - 1];
        let gap_end = if start < words.len() {
            words[start].span.start
        } else {
            person.span.start
        };
        let gap = &text[w.span.end..gap_end];
        let gap_ok = gap
            .chars()
            .all(|c| c == ' ' || c == '’' || c == '\'' || c == 's')
            && !gap.contains(',');
        if !gap_ok {
            break;
        }
        let lower = w.text.to_lowercase();
        let mention = doc
            .mentions_in(idx)
            .iter()
            .find(|m| m.span.contains(w.span) || w.span.contains(m.span));
        if let Some(m) = mention {
            if owner.is_none() && owner_of(doc, m).is_some() && !m.modifier {
                owner = owner_of(doc, m);
                metonym_owner = (m.kind == MentionKind::Metonym)
                    .then(|| m.span.slice(text).trim_start_matches("the ").to_string());
                // Skip every word of a multi-word mention.
                while start > 0 && m.span.contains(words[start - 1].span) {
                    start -= 1;
                }
                continue;
            }
            break;
        }
        if doc.phrases().contains("titleWord", &lower) || doc.phrases().contains("rank", &lower) {
            start -= 1;
            continue;
        }
        break;
    }
    TitleRun {
        start,
        owner,
        metonym_owner,
    }
}

/// The title's words, lowercase: no mention or drop word; drop ranks, a
/// trailing "of" and leading "of".
fn title_words(doc: &Doc<'_>, idx: usize, words: &[Word<'_>]) -> Vec<String> {
    let run: Vec<&str> = words
        .iter()
        .filter(|w| {
            let lower = w.text.to_lowercase();
            !doc.mentions_in(idx).iter().any(|m| m.span.contains(w.span))
                && !doc.phrases().contains("roleDropWord", &lower)
        })
        .map(|w| w.text)
        .collect();
    // Drop ranks, a trailing "of" and leading "of".
    let mut title_words: Vec<String> = run
        .iter()
        .filter(|w| {
            !doc.phrases().contains("rank", w)
                || w.eq_ignore_ascii_case("general")
                    && run.iter().any(|x| x.eq_ignore_ascii_case("secretary"))
        })
        .map(|w| w.to_lowercase())
        .collect();
    while title_words.first().is_some_and(|w| w == "of" || w == "and") {
        title_words.remove(0);
    }
    while title_words.last().is_some_and(|w| w == "of" || w == "and") {
        title_words.pop();
    }
    title_words
}

/// "the nation’s Prime Minister X": the last state named before.
fn nation_owner(doc: &Doc<'_>, before: &Word<'_>, title_start: usize) -> Option<EntityRef> {
    let generic = doc.phrases().contains("nationNoun", before.text);
    let gap = &doc.text[before.span.end..title_start];
    if generic && (gap.starts_with("’s") || gap.starts_with("'s")) {
        return last_state_before(doc, before.span.start);
    }
    None
}

/// A minister with no state named in the run: the one state the sentence
/// names, except after a preposition past the title (that is where the
/// minister went: "Prime Minister X refused to travel to Belarus").
fn minister_state(doc: &Doc<'_>, idx: usize, title_start: usize) -> Option<EntityRef> {
    let states: Vec<&Mention> = doc
        .mentions_in(idx)
        .iter()
        .filter(|m| doc.class(m) == EntityClass::State && !m.modifier)
        .collect();
    let state = states
        .iter()
        .find(|m| m.span.end <= title_start || !after_preposition(doc, m.span.start))
        .map(|m| m.entity)?;
    states.iter().all(|m| m.entity == state).then_some(state)
}

/// The role claim for a title before a name, from its run's owner.
fn title_claim(
    doc: &Doc<'_>,
    idx: usize,
    person: &Mention,
    span: Span,
    title: String,
    run: TitleRun,
) -> Claim {
    // "Kremlin spokesman": a seat of government stays as written.
    if let Some(surface) = run.metonym_owner {
        let label = format!("{surface} {}", title.to_lowercase());
        let object = Object::Role {
            label,
            title,
            of: run.owner,
        };
        return role_claim(
            doc,
            idx,
            person,
            object,
            span,
            "role.title_before_name",
            0.85,
        );
    }
    let object = make_role(doc, &title, run.owner);
    role_claim(
        doc,
        idx,
        person,
        object,
        span,
        "role.title_before_name",
        0.9,
    )
}

/// One spelling for titles: "Defence Minister" and "Defense Minister" are
/// the same office, and so are "Secretary-General" and "Secretary General".
fn normalise_title(title: &str) -> String {
    let title = title
        .replace("Defence", "Defense")
        .replace("defence", "defense");
    match title.to_ascii_lowercase().find("secretary-general") {
        Some(pos) => {
            let end = pos + "secretary-general".len();
            format!("{}Secretary General{}", &title[..pos], &title[end..])
        }
        None => title,
    }
}

/// The label of a role phrase: its first letter and every office word
/// capitalised ("first" too before an office word), the rest as written.
fn office_case(phrases: &Phrasebook, words: &[&str]) -> String {
    let is_office = |w: &str| phrases.contains("officeWord", w);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let first_of_office =
                w.eq_ignore_ascii_case("first") && words.get(i + 1).is_some_and(|n| is_office(n));
            if i == 0 || is_office(w) || first_of_office {
                capitalise(w)
            } else {
                (*w).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Foreign Ministry spokesman" → "Spokesman for the Foreign Ministry".
fn body_title(gazetteer: &Gazetteer, words: &[&str]) -> String {
    if let Some(pos) = words
        .iter()
        .rposition(|w| gazetteer.phrases.contains("titleBody", w))
    {
        let lexicon = &gazetteer.lexicon;
        if pos + 1 < words.len() && words[pos + 1..].iter().any(|w| lexicon.is_role_head(w)) {
            let head = title_case(&words[pos + 1..]);
            let body = title_case(&words[..=pos]);
            return format!("{head} for the {body}");
        }
    }
    title_case(words)
}

/// Turns a role phrase into a label: drops determiners, resolves
/// possessives ("Armenia’s security council" → "security council of Armenia").
fn phrase_label(doc: &Doc<'_>, idx: usize, phrase: Span) -> Option<(String, Option<EntityRef>)> {
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
    // "X’s" where X is an entity mention in the phrase.
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
                possessor = Some(if doc.entities.class(m.entity) == EntityClass::State {
                    label.clone()
                } else {
                    format!("the {label}")
                });
                owner = owner.or_else(|| owner_of(doc, m));
                rest = format!("{}{}", &rest[..pos], &rest[pos + len..]);
            }
        } else {
            if owner.is_none() {
                owner = owner_of(doc, m);
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
                    rest = format!("{}{label}{}", &rest[..pos], &rest[pos + bare.len()..]);
                }
            }
        }
    }
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

fn last_state_before(doc: &Doc<'_>, pos: usize) -> Option<EntityRef> {
    doc.mentions
        .iter()
        .rev()
        .filter(|m| m.span.end <= pos && doc.class(m) == EntityClass::State && !m.modifier)
        .map(|m| m.entity)
        .next()
}

/// "The speaker of the country’s parliament, Alen Simonyan".
fn apposition_before(doc: &Doc<'_>, idx: usize, sentence: Span, person: &Mention) -> Option<Claim> {
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
    // The phrase starts at the determiner or possessor before the first role head.
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
    let abs_start = sentence.start + clause_start + words[start_idx].0;
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

/// "X, a postdoctoral researcher at…", "X, who happens to be the CSTO’s
/// current chairman,", "X is a journalist with…", "X’s election as president of Y".
fn apposition_after(doc: &Doc<'_>, idx: usize, sentence: Span, person: &Mention) -> Option<Claim> {
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
    // A bare comma ("X, commander of the joint staff,") needs the role noun
    // first or second, singular, and no speech verb in the phrase.
    if opener.trim() == "," {
        let head_early = first_words
            .iter()
            .take(3)
            .any(|w| doc.entities.gazetteer.lexicon.is_role_head(w) && !w.ends_with('s'));
        // "A, Chairman of X and Chief of Y Z": the titles before the next
        // comma run into another person's name: theirs, not A's.
        let start = person.span.end + opener_match.end();
        let clause_len = rest.find([',', ';', '(', ':']).unwrap_or(rest.len());
        let holds_person = doc.mentions_in(idx).iter().any(|m| {
            doc.class(m) == EntityClass::Person
                && m.span.start >= start
                && m.span.start < start + clause_len.max(phrase_text.len())
        });
        if !head_early
            || holds_person
            || first_words
                .iter()
                .any(|w| doc.entities.gazetteer.lexicon.is_cue_verb(w))
            || phrase_text.split_whitespace().count() > 10
        {
            return None;
        }
    }
    let start = person.span.end + opener_match.end();
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

/// "The presidents appointed X secretary general of the organization", "X
/// has been appointed chairman of the commission": a role stated by a verb
/// of appointment (`lex:appointmentVerb`), right before the name (the name
/// its object) or after it in the passive, and the title that follows.
fn appointed(doc: &Doc<'_>, idx: usize, sentence: Span, person: &Mention) -> Option<Claim> {
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
fn role_noun_relative(doc: &Doc<'_>, idx: usize, roles_so_far: &[Claim]) -> Vec<Claim> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Relation;

    /// The role labels (and dates) found in `text`.
    fn roles(text: &str) -> Vec<(String, Option<String>)> {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let doc = Doc::new(text, &gazetteer, None);
        extract(&doc)
            .into_iter()
            .map(|c| match c.object {
                Object::Role { label, .. } => (label, c.date.map(|d| d.to_string())),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn labels(text: &str) -> Vec<String> {
        roles(text).into_iter().map(|(label, _)| label).collect()
    }

    #[test]
    fn a_verb_of_appointment_gives_its_object_the_title_after_it() {
        assert_eq!(
            roles_in(
                "The CSTO leaders met. They appointed Nikolai Bordyuzha secretary general of \
                 the organization on Monday."
            ),
            [(
                "Nikolai Bordyuzha".to_string(),
                "Secretary General of the CSTO".to_string()
            )]
        );
        let got = roles_in("Sergei Shoigu was named as head of the CSTO mission in Armenia.");
        assert_eq!(got[0].1, "Head of the CSTO mission");
        // Not a future appointment, nor "named" as in "called".
        assert!(roles_in("Nikol Pashinyan will be appointed chairman of the council.").is_empty());
        assert!(roles_in("A man named Nikolai Bordyuzha said the plan failed.").is_empty());
    }

    #[test]
    fn a_list_of_appositions_gives_each_name_its_own_title() {
        let got = roles_in(
            "On Friday, the foreign minister of Kazakhstan, Murat Nurtleu, and the Russian \
             president, Vladimir Putin, spoke by phone.",
        );
        assert!(got.contains(&(
            "Vladimir Putin".to_string(),
            "President of Russia".to_string()
        )));
        // A title run that ends in the next name is that name's.
        let got = roles_in(
            "The session was attended by President of Tajikistan Emomali Rahmon, Chairman \
             of the Cabinet of Ministers and Chief of Staff of the Kyrgyz Republic Akylbek \
             Japarov and others.",
        );
        assert!(
            !got.iter()
                .any(|(p, r)| p == "Emomali Rahmon" && r.contains("Cabinet")),
            "{got:?}"
        );
    }

    #[test]
    fn a_bare_state_office_takes_the_state_the_person_serves() {
        // The gazetteer knows whom Pashinyan serves (akg:nationality).
        assert_eq!(
            labels("Prime Minister Nikol Pashinyan spoke."),
            ["Prime Minister of Armenia"]
        );
        // Not for a person it does not know, nor for an organisation's office.
        assert_eq!(
            labels("Prime Minister John Smith spoke."),
            ["Prime Minister"]
        );
        assert_eq!(labels("Chairman Nikol Pashinyan spoke."), ["Chairman"]);
        let phrases = &crate::mention::gazetteer::tests::small().phrases;
        let office = |title| is_state_office(phrases, title);
        assert!(office("deputy prime minister") && office("president"));
        assert!(!office("secretary general") && !office("spokesman"));
    }

    #[test]
    fn office_words_are_capitalised_occupations_are_not() {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let case =
            |words: &str| office_case(&gazetteer.phrases, &words.split(' ').collect::<Vec<_>>());
        assert_eq!(
            case("Secretary general of the CSTO"),
            "Secretary General of the CSTO"
        );
        assert_eq!(
            case("first deputy chairman of the committee"),
            "First Deputy Chairman of the committee"
        );
        assert_eq!(
            case("postdoctoral researcher at the OSCE Academy"),
            "Postdoctoral researcher at the OSCE Academy"
        );
        assert_eq!(
            normalise_title("Secretary-general of the CSTO"),
            "Secretary General of the CSTO"
        );
        assert_eq!(normalise_title("Defence Minister"), "Defense Minister");
    }

    #[test]
    fn an_election_phrase_ends_at_its_year() {
        assert_eq!(
            roles(
                "There was talk after Nikol Pashinyan’s election as prime minister of \
                 Armenia in 2018 that Yerevan would stay."
            ),
            [(
                "Prime Minister of Armenia".to_string(),
                Some("2018".to_string())
            )]
        );
    }

    #[test]
    fn a_title_owner_is_not_where_the_holder_travels() {
        // A state after a preposition is a destination, not the owner.
        assert_eq!(
            labels("Prime Minister John Smith refused to travel to Russia."),
            ["Prime Minister"]
        );
        // Of a person the gazetteer knows, the owner is the state he serves.
        assert_eq!(
            labels("Prime Minister Nikol Pashinyan refused to travel to Russia."),
            ["Prime Minister of Armenia"]
        );
        // "The nation’s": the last state named before.
        assert_eq!(
            labels(
                "Armenia stayed away. The nation’s Prime Minister Nikol Pashinyan \
                 refused to travel to Russia."
            ),
            ["Prime Minister of Armenia"]
        );
        // Two states: no guess.
        assert_eq!(
            labels("Prime Minister John Smith said Armenia's ties with Russia were frozen."),
            ["Prime Minister"]
        );
    }

    #[test]
    fn a_bare_title_takes_its_owner_from_the_article() {
        assert_eq!(
            labels(
                "Armenian Prime Minister Nikol Pashinyan spoke first. Later, Prime \
                 Minister Nikol Pashinyan left for Russia."
            ),
            ["Prime Minister of Armenia", "Prime Minister of Armenia"]
        );
    }

    /// The (person, role) pairs of `text`, with the project's gazetteer.
    fn roles_in(text: &str) -> Vec<(String, String)> {
        crate::extract::tests::claims_in(text)
            .into_iter()
            .filter(|c| c.relation == Relation::HoldsRole)
            .map(|c| (c.subject, c.object))
            .collect()
    }

    #[test]
    fn titles_in_a_list_of_names_stay_with_their_own_names() {
        let got = roles_in(
            "Vladimir Putin, President of Russia, Nikol Pashinyan, Prime Minister of Armenia, \
             and Emomali Rahmon, President of Tajikistan, arrived in Minsk.",
        );
        assert_eq!(
            got,
            [
                (
                    "Vladimir Putin".to_string(),
                    "President of Russia".to_string()
                ),
                (
                    "Nikol Pashinyan".to_string(),
                    "Prime Minister of Armenia".to_string()
                ),
                (
                    "Emomali Rahmon".to_string(),
                    "President of Tajikistan".to_string()
                ),
            ]
        );
        // The next item of a list is no apposition.
        let got = roles_in("The parade was attended by Defence Minister Hanno Pevkur, and Mayor of Tallinn Jevgeni Ossinovski.");
        assert!(!got
            .iter()
            .any(|(person, role)| person == "Hanno Pevkur" && role.contains("Mayor")));
    }

    #[test]
    fn plural_role_heads_name_no_one_and_parentheses_are_dropped() {
        assert!(roles_in(
            "In talks with the leaders of the Central Asian states, Putin urged calm."
        )
        .is_empty());
        assert_eq!(
            roles_in("The secretary general of the Collective Security Treaty Organization (CSTO), Yuri Khachaturov, was recalled."),
            [(
                "Yuri Khachaturov".to_string(),
                "Secretary General of the Collective Security Treaty Organization".to_string()
            )]
        );
        assert_eq!(
            roles_in("German Chancellor Olaf Scholz spoke."),
            [(
                "Olaf Scholz".to_string(),
                "Chancellor of Germany".to_string()
            )]
        );
    }
}
