//! Roles: person *holds role*. Six general patterns:
//!
//! - a title run before the name: "Kazakh Defense Minister Ruslan
//!   Zhaksylykov", "the Prime Minister of Armenia Nikol Pashinyan";
//! - an apposition before the name: "The speaker of the country’s
//!   parliament, Alen Simonyan";
//! - an apposition or copula after it: "Aijan Sharshenova, a postdoctoral
//!   researcher at…", "X, who happens to be the CSTO’s current chairman",
//!   "X is a journalist with…";
//! - "X’s election as president of Uzbekistan in 2016";
//! - an appointment: "the presidents appointed X secretary general of the
//!   organization", "X has been appointed chairman of …";
//! - a relative clause after a role noun: "the lawmaker, who serves as
//!   first deputy chairman of …" (the last person given that role word).
//!
//! This module holds the title run and runs them all; the phrases beside
//! the name are in `role/phrase.rs`. The role's state comes from a
//! demonym, a state name or a possessive in the phrase ("the country’s"
//! resolves to the last state named); a bare title ("President Tokayev")
//! then takes the owner that the same person's same title has elsewhere
//! in the article.

mod phrase;

use crate::claim::{Claim, Object, Relation};
use crate::mention::phrases::Phrasebook;
use crate::mention::Gazetteer;
use crate::mention::{EntityClass, EntityRef, Mention, MentionKind, Word};
use crate::span::Span;

use self::phrase::{appointed, apposition_after, apposition_before, role_noun_relative};
use super::Doc;

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
    let title_words = title_words(doc, idx, &words[run.start..run.end]);
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
    /// Index past the last title word (before a given name the gazetteer's
    /// label leaves out).
    end: usize,
    /// The state or organisation named among them.
    owner: Option<EntityRef>,
    /// The seat of government named as owner ("Kremlin"), as written.
    metonym_owner: Option<String>,
}

/// Walk back over title words, ranks and one owner (demonym/state/possessive).
fn walk_back_title(doc: &Doc<'_>, idx: usize, words: &[Word<'_>], person: &Mention) -> TitleRun {
    let text = doc.text;
    let end = words.len() - usize::from(extra_given_name(doc, idx, words, person));
    let mut start = end;
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
        if doc.phrases().contains("titleWord", &lower)
            || doc.phrases().contains("rank", &lower)
            || spelled_title(doc.phrases(), w.text).is_some()
        {
            start -= 1;
            continue;
        }
        break;
    }
    TitleRun {
        start,
        end,
        owner,
        metonym_owner,
    }
}

/// Whether the word right before a known person's name is a given name the
/// gazetteer's label leaves out, with a title before it: "Prime Minister
/// Arturs K. Name" where the gazetteer knows "K. Name".
fn extra_given_name(doc: &Doc<'_>, idx: usize, words: &[Word<'_>], person: &Mention) -> bool {
    let [.., title, given] = words else {
        return false;
    };
    let joined = doc.text[given.span.end..person.span.start]
        .trim()
        .is_empty()
        && doc.text[title.span.end..given.span.start].trim().is_empty();
    let capitalised = given.text.starts_with(char::is_uppercase)
        && given.text.chars().skip(1).all(char::is_lowercase);
    let lower = given.text.to_lowercase();
    let plain = !doc.phrases().contains("titleWord", &lower)
        && !doc.phrases().contains("rank", &lower)
        && !doc
            .mentions_in(idx)
            .iter()
            .any(|m| m.span.overlaps(given.span));
    let after_title = doc.phrases().contains_as_written("title", title.text)
        || spelled_title(doc.phrases(), title.text).is_some();
    joined && capitalised && plain && after_title && doc.class(person) == EntityClass::Person
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
        .flat_map(|w| {
            // "PM" is the "Prime Minister" of lex:spelledTitle.
            spelled_title(doc.phrases(), w.text).map_or_else(
                || vec![w.text],
                |spelled| spelled.split_whitespace().collect(),
            )
        })
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

/// The spelled-out title (lower case) of an abbreviation of
/// `lex:titleAbbreviation` as written ("PM", not "pm"): the title of
/// `lex:spelledTitle` whose initials it is ("prime minister").
fn spelled_title<'p>(phrases: &'p Phrasebook, word: &str) -> Option<&'p str> {
    if !phrases.contains_as_written("titleAbbreviation", word) {
        return None;
    }
    phrases
        .get("spelledTitle")
        .iter()
        .find(|title| {
            let initials: String = title
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect();
            initials.eq_ignore_ascii_case(word)
        })
        .map(String::as_str)
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

fn last_state_before(doc: &Doc<'_>, pos: usize) -> Option<EntityRef> {
    doc.mentions
        .iter()
        .rev()
        .filter(|m| m.span.end <= pos && doc.class(m) == EntityClass::State && !m.modifier)
        .map(|m| m.entity)
        .next()
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
        crate::extract::tests::pairs_in(text, Relation::HoldsRole)
    }

    #[test]
    fn an_abbreviated_title_before_a_name_is_spelled_out() {
        let role = |person: &str, title: &str| vec![(person.to_string(), title.to_string())];
        assert_eq!(
            roles_in("Croatian PM Ivo Horvat flew to Brussels."),
            role("Ivo Horvat", "Prime Minister of Croatia")
        );
        assert_eq!(
            roles_in("Croatia's FM Ivo Horvat flew to Brussels."),
            role("Ivo Horvat", "Foreign Minister of Croatia")
        );
        // "PM" in lower case, or as a time, is no title.
        assert!(roles_in("The talks ended at 5 PM Zagreb time.").is_empty());
    }

    #[test]
    fn a_given_name_the_gazetteer_leaves_out_stays_between_title_and_name() {
        // The gazetteer knows "Nikol Pashinyan"; the text adds a given name.
        assert_eq!(
            roles_in("Armenian Prime Minister Davit Nikol Pashinyan spoke."),
            [(
                "Nikol Pashinyan".to_string(),
                "Prime Minister of Armenia".to_string()
            )]
        );
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
