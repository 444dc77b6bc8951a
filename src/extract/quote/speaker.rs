//! Who said a quote: the speakers the attribution patterns of the parent
//! module look for near a cue verb. People named or referred to ("he",
//! "the lawmaker", "the then-secretary general"), groups ("Kazakh
//! authorities"), bodies by a common noun ("the press service") and states
//! or organisations in subject position.

use crate::claim::{Claim, Object};
use crate::extract::Doc;
use crate::mention::{slug, EntityClass, EntityRef, Mention, MentionKind};
use crate::span::Span;

use super::{inside_quotes, previous_word, sentence_at};

/// A speaker found for a quote.
#[derive(Clone, Copy, Debug)]
pub(super) struct Speaker {
    pub(super) entity: EntityRef,
    pub(super) span: Span,
}

/// Whether a mention only qualifies a title right after it: "U.S.
/// Ambassador", "Russian President".
pub(super) fn qualifies_title(doc: &Doc<'_>, m: &Mention) -> bool {
    let next = doc.text[m.span.end..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric());
    next.chars().next().is_some_and(char::is_uppercase)
        && doc.entities.gazetteer.lexicon.is_role_head(next)
}

/// A state, alliance, organisation or body that can speak.
pub(super) fn is_collective_actor(doc: &Doc<'_>, m: &Mention) -> bool {
    doc.class(m).is_collective()
        && doc.class(m) != EntityClass::Group
        && !m.modifier
        && m.kind != MentionKind::Demonym
}

/// Subject position: not a possessive, and at the start of a clause (after
/// the sentence start, a comma, a `lex:clauseOpener` such as "that", "and"
/// or "but", a date).
pub(super) fn subject_position(doc: &Doc<'_>, m: &Mention) -> bool {
    let text = doc.text;
    let after = &text[m.span.end..];
    if after.starts_with("’s") || after.starts_with("'s") {
        return false;
    }
    let mut start = m.span.start;
    let before_word = previous_word(text, start).to_lowercase();
    if before_word == "the" {
        start = text[..start].trim_end().len() - 3;
    }
    let before = text[..start].trim_end();
    if before.is_empty() || before.ends_with([',', '.', ':', ';', '—', '–', '(', '\n']) {
        return true;
    }
    let prev = previous_word(text, start).to_lowercase();
    doc.phrases().contains_as_written("clauseOpener", &prev)
        || prev.chars().all(|c| c.is_ascii_digit())
}

/// "he" or "she" nearest the cue in `window`, resolved to the last person
/// named before it outside quotation marks.
pub(super) fn pronoun_speaker(doc: &Doc<'_>, window: Span, cue: Span) -> Option<Speaker> {
    let text = doc.text;
    let words = crate::mention::words(text, window);
    let pronoun = words
        .iter()
        .filter(|w| doc.phrases().contains_as_written("personPronoun", w.text))
        .min_by_key(|w| w.span.start.abs_diff(cue.start))?;
    let gap = if pronoun.span.end <= cue.start {
        &text[pronoun.span.end..cue.start]
    } else {
        &text[cue.end..pronoun.span.start]
    };
    let clause_initial = {
        let before = text[..pronoun.span.start].trim_end();
        before.is_empty()
            || before.ends_with([',', '.', ':', ';', '\n', '“', '"'])
            || before.ends_with("that")
    };
    if gap.split_whitespace().count() > 4 && !clause_initial {
        return None;
    }
    let person = last_person_outside_quotes(doc, pronoun.span.start)?;
    Some(Speaker {
        entity: person.entity,
        span: pronoun.span,
    })
}

/// The person named last before byte `before`, outside quotation marks: a
/// person named inside a quotation is not whom a pronoun outside it refers
/// to ("X said that “President Y agreed …”. He added …" is X).
pub(super) fn last_person_outside_quotes<'d>(
    doc: &'d Doc<'_>,
    before: usize,
) -> Option<&'d Mention> {
    doc.mentions.iter().rev().find(|m| {
        m.span.end <= before
            && doc.class(m) == EntityClass::Person
            && !super::marks::inside_quotes(&doc.quotations, m.span.start)
    })
}

/// "Kazakh authorities", "one Kyrgyz commentator", "the Kirghiz health
/// ministry": a demonym, up to two words, and a group noun. The label uses the
/// state's main demonym, so spellings of one group agree.
pub(super) fn group_speaker(doc: &mut Doc<'_>, window: Span, cue: Span) -> Option<Speaker> {
    let text = doc.text;
    let gazetteer = doc.entities.gazetteer;
    let found = doc
        .mentions
        .iter()
        .filter(|m| {
            window.contains(m.span)
                && m.kind == MentionKind::Demonym
                && doc.class(m) == EntityClass::State
        })
        .filter_map(|m| {
            let after = &text[m.span.end..window.end];
            let mut words = Vec::new();
            let mut consumed = 0;
            for raw in after.split(' ').skip(1).take(3) {
                let word: String = raw.chars().take_while(|c| c.is_alphabetic()).collect();
                if word.is_empty() {
                    break;
                }
                consumed += 1 + word.len();
                let is_noun = doc.phrases().contains("groupNoun", &word);
                let word_len = word.len();
                words.push(word);
                if is_noun {
                    let end = m.span.end + consumed;
                    let demonym = gazetteer
                        .primary_demonym(m.entity.0)
                        .unwrap_or(m.span.slice(text))
                        .to_string();
                    return Some((
                        Span::new(m.span.start, end),
                        format!("{demonym} {}", words.join(" ")),
                    ));
                }
                if raw.len() != word_len {
                    break; // punctuation ends the phrase
                }
            }
            None
        })
        .filter(|(span, _)| {
            let gap = if span.end <= cue.start {
                &text[span.end..cue.start]
            } else {
                &text[cue.end..span.start]
            };
            // Near the cue, or the subject of the clause ("Only last week,
            // Kazakh authorities responded … by saying that …").
            let before = text[..span.start].trim_end();
            let clause_initial = before.is_empty()
                || before.ends_with([',', '.', ':', ';', '\n'])
                || ["one", "a", "an", "the"].iter().any(|d| {
                    before.strip_suffix(d).is_some_and(|b| {
                        let b = b.trim_end();
                        b.is_empty() || b.ends_with([',', '.', ':', ';', '\n'])
                    })
                });
            gap.split_whitespace().count() <= 8 || (clause_initial && span.end <= cue.start)
        })
        .min_by_key(|(span, _)| span.start.abs_diff(cue.start))?;
    let (span, label) = found;
    let entity = doc.entities.intern(slug(&label), label, EntityClass::Group);
    Some(Speaker { entity, span })
}

/// "the then-secretary general confirmed": a role noun phrase right before the cue.
pub(super) fn role_np_before(
    doc: &mut Doc<'_>,
    clause: &str,
    clause_start: usize,
    cue: Span,
    roles: &[Claim],
) -> Option<Speaker> {
    let trimmed = clause.trim_end();
    let pos = trimmed.rfind("the ")?;
    let np = &trimmed[pos + 4..];
    let words: Vec<&str> = np.split_whitespace().collect();
    // "the NATO chief said", "the bloc's head said": whoever holds the
    // alliance's top office here.
    let np_span = Span::new(clause_start + pos + 4, clause_start + trimmed.len());
    let chief = words
        .last()
        .is_some_and(|head| doc.phrases().contains("chiefNoun", head));
    if chief && words.len() <= 3 && names_alliance(doc, &words, np_span) {
        return alliance_chief(doc, roles, cue.start, np_span);
    }
    let acronym = matches!(words.as_slice(), [w] if is_acronym(w));
    if words.is_empty()
        || words.len() > 3
        || !(acronym
            || words.iter().any(|w| {
                doc.entities
                    .gazetteer
                    .lexicon
                    .is_role_head(w.trim_start_matches("then-").trim_start_matches("former-"))
            }))
    {
        return None;
    }
    if !np
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
    {
        return None;
    }
    // "Vladimir Putin, the Russian president, says": the apposition's person.
    let before_np = clause[..pos].trim_end();
    if let Some(stripped) = before_np.strip_suffix(',') {
        let end = clause_start + stripped.len();
        if let Some(m) = doc
            .mentions
            .iter()
            .find(|m| m.span.end == end && doc.class(m) == EntityClass::Person)
        {
            return Some(Speaker {
                entity: m.entity,
                span: m.span,
            });
        }
    }
    let head = words.last().copied().unwrap_or("");
    if let Some(s) = role_noun_speaker(doc, head, cue.start, roles) {
        return Some(s);
    }
    if acronym {
        return None; // "the PM" whom no role names: nobody known
    }
    // A state's leader ("the president stated") whom no role names is
    // nobody known: no alliance has that office.
    let bare = np
        .trim_start_matches("then-")
        .trim_start_matches("former ")
        .to_lowercase();
    if doc.phrases().contains("leaderTitle", &bare) {
        return None;
    }
    // No person holds it: the office itself speaks, named after the alliance in focus.
    let title: String = np
        .trim_start_matches("then-")
        .trim_start_matches("former ")
        .split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let sentence = sentence_at(doc, cue.start)?;
    let owner = doc
        .alliance_for(sentence)
        .map(|a| doc.entities.get(a).label.clone());
    let label = match owner {
        Some(owner) => format!("{owner} {title}"),
        None => title,
    };
    let entity = doc.entities.intern(slug(&label), label, EntityClass::Group);
    let span = Span::new(clause_start + pos, clause_start + trimmed.len());
    Some(Speaker { entity, span })
}

/// Whether a noun phrase (`words` at `np`) names an alliance: by a name
/// ("NATO chief") or a head noun of `lex:allianceHead` ("the alliance's
/// chief").
pub(super) fn names_alliance(doc: &Doc<'_>, words: &[&str], np: Span) -> bool {
    let by_name = doc
        .mentions
        .iter()
        .any(|m| np.contains(m.span) && doc.class(m) == EntityClass::Alliance);
    by_name
        || words.iter().any(|w| {
            let bare = w.trim_end_matches("'s").trim_end_matches("’s");
            doc.phrases().contains("allianceHead", bare)
        })
}

/// The person who holds an alliance's top office (`lex:allianceTopOffice`,
/// "Secretary General", not a deputy) by the last role claim before
/// `before`; none when no claim names one.
pub(super) fn alliance_chief(
    doc: &Doc<'_>,
    roles: &[Claim],
    before: usize,
    np: Span,
) -> Option<Speaker> {
    let top = doc.phrases().get("allianceTopOffice");
    let chief = roles.iter().rev().find(|c| {
        c.span.start < before
            && matches!(&c.object, Object::Role { label, .. } if {
                let label = label.to_lowercase();
                !label.contains("deputy") && top.iter().any(|t| label.contains(t.as_str()))
            })
    })?;
    Some(Speaker {
        entity: chief.subject,
        span: np,
    })
}

/// "“…,” the declaration said": a document noun (`lex:documentNoun`)
/// speaks for the alliance or body named last before it, in its paragraph
/// or the two before.
pub(super) fn document_speaker(
    doc: &Doc<'_>,
    clause: &str,
    clause_start: usize,
) -> Option<Speaker> {
    let trimmed = clause.trim_end();
    let lower = trimmed.to_lowercase();
    let np = lower.trim_start_matches([',', ' ']).strip_prefix("the ")?;
    if !doc.phrases().contains("documentNoun", np) {
        return None;
    }
    let at = clause_start + trimmed.len() - np.len();
    let sentence = sentence_at(doc, at)?;
    let paragraph = doc.sentences[sentence].paragraph;
    let body = doc.mentions.iter().rev().find(|m| {
        m.span.end <= at
            && doc.sentences[m.sentence].paragraph + 2 >= paragraph
            && matches!(
                doc.class(m),
                EntityClass::Alliance | EntityClass::GovernmentBody | EntityClass::Organization
            )
    })?;
    Some(Speaker {
        entity: body.entity,
        span: Span::new(at, clause_start + trimmed.len()),
    })
}

/// "the press service said", "the health ministry said": a body noun
/// phrase at the end of `clause` (which starts at byte `clause_start`).
pub(super) fn body_np_before(
    doc: &mut Doc<'_>,
    clause: &str,
    clause_start: usize,
) -> Option<Speaker> {
    let trimmed = clause.trim_end();
    let lower = trimmed.to_ascii_lowercase();
    let pos = lower.rfind("the ")?;
    if pos > 0 && lower[..pos].ends_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let np = &trimmed[pos + 4..];
    let words: Vec<&str> = np.split_whitespace().collect();
    if words.is_empty() || words.len() > 3 || !np.chars().all(|c| c.is_alphabetic() || c == ' ') {
        return None;
    }
    let start = clause_start + pos + 4;
    body_np_speaker(doc, &words, Span::new(start, clause_start + trimmed.len()))
}

/// A body named by a common noun phrase (`words`, ending in a word of
/// `lex:bodyNoun`) at `np`: the body of that kind named last before it, in
/// its paragraph or the two before ("the press service of the Kyrgyz
/// Foreign Ministry said … “…,” the press service said"); else, for a
/// qualified noun ("the health ministry"), that body of the state named
/// last before it there ("Kyrgyz Health Ministry").
pub(super) fn body_np_speaker(doc: &mut Doc<'_>, words: &[&str], np: Span) -> Option<Speaker> {
    let phrases = doc.phrases();
    let head = words.last()?.to_lowercase();
    // A phrase with a name in it ("the Kirghiz border service") is no
    // common noun phrase: the name's rules attribute it.
    if !phrases.contains("bodyNoun", &head) || doc.mentions.iter().any(|m| m.span.overlaps(np)) {
        return None;
    }
    let sentence = sentence_at(doc, np.start)?;
    let paragraph = doc.sentences[sentence].paragraph;
    let near = |m: &&Mention| {
        m.span.end <= np.start && doc.sentences[m.sentence].paragraph + 2 >= paragraph
    };
    let phrase = words.join(" ").to_lowercase();
    let speaks_for_body = phrases.contains("bodyUnit", &phrase);
    let body = doc.mentions.iter().rev().filter(near).find(|m| {
        matches!(
            doc.class(m),
            EntityClass::GovernmentBody | EntityClass::Organization | EntityClass::Group
        ) && !m.modifier
            && (speaks_for_body
                || doc
                    .entities
                    .get(m.entity)
                    .label
                    .to_lowercase()
                    .split_whitespace()
                    .any(|w| w == head))
    });
    if let Some(m) = body {
        return Some(Speaker {
            entity: m.entity,
            span: np,
        });
    }
    if words.len() < 2 || speaks_for_body {
        return None;
    }
    let state = doc.mentions.iter().rev().filter(near).find(|m| {
        doc.class(m) == EntityClass::State && !inside_quotes(&doc.quotations, m.span.start)
    })?;
    let gazetteer = doc.entities.gazetteer;
    let demonym = gazetteer.primary_demonym(state.entity.0)?;
    let title: Vec<String> = words.iter().map(|w| title_case(w)).collect();
    let label = format!("{demonym} {}", title.join(" "));
    let entity = match gazetteer.lookup(&label) {
        Some(id) => EntityRef(id),
        None => doc.entities.intern(slug(&label), label, EntityClass::Group),
    };
    Some(Speaker { entity, span: np })
}

/// An abbreviated title: two to four capitals ("PM", "FM").
fn is_acronym(word: &str) -> bool {
    (2..=4).contains(&word.len()) && word.chars().all(|c| c.is_ascii_uppercase())
}

/// "health" → "Health".
fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The last person whose role, given earlier, has this noun ("lawmaker").
pub(super) fn role_noun_speaker(
    doc: &Doc<'_>,
    noun: &str,
    before: usize,
    roles: &[Claim],
) -> Option<Speaker> {
    let acronym = is_acronym(noun);
    if !acronym && !doc.entities.gazetteer.lexicon.is_role_head(noun) {
        return None;
    }
    let noun = noun.to_lowercase();
    // Whether title words name the role: hold the noun, or, for an
    // acronym, spell it with their initials ("Prime Minister" for "PM").
    let names_role = |title: &str| {
        let title = title.to_lowercase();
        if acronym {
            let head = title.split(" of ").next().unwrap_or("");
            let initials: String = head
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect();
            initials == noun || initials.ends_with(&noun) && initials.len() <= noun.len() + 1
        } else {
            title.split_whitespace().any(|w| w == noun)
        }
    };
    // The role claims, and the title words right before each person's name.
    let from_roles = roles.iter().rev().find(|c| {
        c.span.start < before
            && matches!(&c.object, Object::Role { label, .. } if names_role(label))
    });
    let from_titles = doc.mentions.iter().rev().find(|m| {
        m.span.end <= before && doc.class(m) == EntityClass::Person && {
            let lead =
                &doc.text[crate::extract::ceil_boundary(doc.text, m.span.start.saturating_sub(40))
                    ..m.span.start];
            let words: Vec<&str> = lead.split_whitespace().collect();
            let title = words[words
                .len()
                .saturating_sub(if acronym { noun.len() } else { 1 })..]
                .join(" ");
            !title.is_empty() && names_role(&title)
        }
    });
    match (from_roles, from_titles) {
        (Some(c), Some(m)) => {
            if m.span.start > c.span.start {
                Some(Speaker {
                    entity: m.entity,
                    span: m.span,
                })
            } else {
                Some(Speaker {
                    entity: c.subject,
                    span: c.span,
                })
            }
        }
        (Some(c), None) => Some(Speaker {
            entity: c.subject,
            span: c.span,
        }),
        (None, Some(m)) => Some(Speaker {
            entity: m.entity,
            span: m.span,
        }),
        (None, None) => None,
    }
}
