//! Coordination: runs of states joined by commas and "and" ("A, B, and
//! the C"), found after or before a position of a sentence, and the small
//! word tests the phrase-driven rules share (negation, filler words).

use crate::mention::phrases::Phrasebook;
use crate::mention::Mention;
use crate::span::Span;

use super::Doc;

/// The lower-case words of `text` (letters, digits, hyphens, apostrophes).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_lowercase)
        .collect()
}

/// Whether `text` holds a word or phrase of phrase list `list`.
pub fn has_phrase(phrases: &Phrasebook, list: &str, text: &str) -> bool {
    let words = words(text);
    let joined = format!(" {} ", words.join(" "));
    phrases
        .get(list)
        .iter()
        .any(|p| joined.contains(&format!(" {p} ")))
}

/// Whether `text`, the words between a state and a membership noun, denies
/// the membership: a negation followed only by words of `lex:negatedNoun`
/// ("is not a", "no longer a full"), not one that denies something else
/// ("is not the first member to leave").
pub fn denies_membership(phrases: &Phrasebook, text: &str) -> bool {
    let words = words(text);
    let last_negation = words.iter().rposition(|w| phrases.contains("negation", w));
    last_negation.is_some_and(|at| {
        words[at + 1..]
            .iter()
            .all(|w| phrases.contains("negatedNoun", w))
    })
}

/// Whether every word of `text` belongs to phrase list `list` (true for
/// none).
pub fn only_phrases(phrases: &Phrasebook, list: &str, text: &str) -> bool {
    words(text).iter().all(|w| phrases.contains(list, w))
}

/// Whether the gap between two items of a list joins them: a comma, "and",
/// "or", "as well as", optionally followed by "the"; with `with`, also
/// "with" ("links Russia with A, B and C").
fn joins_items(gap: &str, with: bool) -> bool {
    let g = gap.trim();
    let g = g
        .strip_suffix(" the")
        .or_else(|| g.strip_suffix(" The"))
        .map_or(g, str::trim_end);
    let g = if g.eq_ignore_ascii_case("the") { "" } else { g };
    matches!(
        g,
        "" | "," | "and" | ", and" | "or" | ", or" | "as well as" | ", as well as" | "plus" | "&"
    ) || (with && g == "with")
}

/// The run of states that starts at the first state actor after byte
/// `from` of a sentence. The words before the first state are at most
/// `lead_words`, none of them from `lex:listBreaker`, and no sentence
/// punctuation; a colon or dash may end them. `with` lets "with" join two
/// items.
pub fn states_after<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    from: usize,
    lead_words: usize,
    with: bool,
) -> Vec<&'m Mention> {
    let phrases = doc.phrases();
    let mut out: Vec<&Mention> = Vec::new();
    let mut cursor = from;
    for m in mentions.iter().filter(|m| m.span.start >= from) {
        if !doc.is_state_actor(m) {
            break;
        }
        let gap = &doc.text[cursor..m.span.start];
        let ok = if out.is_empty() {
            let lead = gap
                .trim()
                .trim_end_matches([':', '—', '–', ';'])
                .trim_start_matches([',', ':', '—', '–', ';']);
            words(lead).len() <= lead_words
                && !lead.contains(['.', ';', '(', ')', ',', '"', '“', '”'])
                && !has_phrase(phrases, "listBreaker", lead)
        } else {
            joins_items(gap, with)
        };
        if !ok {
            break;
        }
        out.push(m);
        cursor = m.span.end;
    }
    out
}

/// The run of states that ends with the last state actor ending at or
/// before byte `end` (the caller checks the text between it and `end`).
pub fn states_before<'m>(doc: &Doc<'_>, mentions: &'m [Mention], end: usize) -> Vec<&'m Mention> {
    let before: Vec<&Mention> = mentions.iter().filter(|m| m.span.end <= end).collect();
    let mut out: Vec<&Mention> = Vec::new();
    for m in before.iter().rev() {
        if !doc.is_state_actor(m) {
            break;
        }
        if let Some(next) = out.last() {
            if !joins_items(&doc.text[m.span.end..next.span.start], false) {
                break;
            }
        }
        out.push(m);
    }
    out.reverse();
    out
}

/// The span of the last state of `list` before `end`, and the text between
/// its end and `end`.
pub fn gap_after<'t>(text: &'t str, list: &[&Mention], end: usize) -> Option<(&'t str, Span)> {
    let last = list.last()?;
    (last.span.end <= end).then(|| (&text[last.span.end..end], last.span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_gaps_join_items_with_commas_and_and() {
        assert!(joins_items(", ", false));
        assert!(joins_items(", and the ", false));
        assert!(joins_items(" and ", false));
        assert!(joins_items(" as well as ", false));
        assert!(!joins_items(" with ", false));
        assert!(joins_items(" with ", true));
        assert!(!joins_items(" and other ", false));
        assert!(!joins_items("; ", false));
    }

    #[test]
    fn a_negation_denies_a_membership_only_right_before_its_noun() {
        let phrases = &crate::extract::tests::project_gazetteer().phrases;
        assert!(denies_membership(phrases, " is not a "));
        assert!(denies_membership(phrases, " is no longer a full "));
        assert!(denies_membership(phrases, " isn’t "));
        assert!(!denies_membership(phrases, " is not the first "));
        assert!(!denies_membership(phrases, " is a "));
    }

    #[test]
    fn words_are_lower_case_and_keep_hyphens() {
        assert_eq!(
            words("The Russia-led bloc’s 6 members"),
            ["the", "russia-led", "bloc’s", "6", "members"]
        );
    }
}
