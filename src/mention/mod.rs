//! Mentions: where an article names an entity.
//!
//! Three sources, in this order of trust: gazetteer labels (names, demonyms,
//! metonyms, and anaphors such as "the bloc" once the article has named the
//! alliance); a general person-name pattern for people the gazetteer does not
//! know (capitalised names next to a title, a role apposition or a speech
//! verb); and surname coreference ("Japarov" after "Sadyr Japarov"). Pure:
//! `&str` in, values out.

pub mod gazetteer;
pub mod lexicon;
pub mod patterns;
pub mod phrases;

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::segment::Sentence;
use crate::span::Span;
pub use gazetteer::{Entity, EntityClass, Gazetteer, Label, LabelKind};
use lexicon::Lexicon;

/// A reference to an entity: the gazetteer's, or one found in the article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EntityRef(pub usize);

/// How a mention names its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum MentionKind {
    /// A gazetteer name.
    Name,
    /// A demonym ("Armenian").
    Demonym,
    /// A capital or seat ("Yerevan", "the Kremlin").
    Metonym,
    /// A generic description resolved to the last named entity ("the bloc").
    Anaphor,
    /// A person found by the name pattern.
    NewName,
    /// A surname referring back to a person named earlier.
    Surname,
}

/// One mention of an entity in an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Where it stands.
    pub span: Span,
    /// What it names.
    pub entity: EntityRef,
    /// How it names it.
    pub kind: MentionKind,
    /// The sentence it stands in.
    pub sentence: usize,
    /// True for a mention used as a modifier of a compound, as in
    /// "Russia-led" or "Moscow-brokered": it is no argument of a relation.
    pub modifier: bool,
}

/// The gazetteer's entities plus those an article introduces.
#[derive(Clone, Debug)]
pub struct Entities<'g> {
    /// The shared gazetteer.
    pub gazetteer: &'g Gazetteer,
    /// Entities found in this article, numbered after the gazetteer's.
    pub extra: Vec<Entity>,
}

impl<'g> Entities<'g> {
    /// Wraps a gazetteer with no extra entity yet.
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        Entities {
            gazetteer,
            extra: Vec::new(),
        }
    }

    /// The entity behind a reference.
    pub fn get(&self, entity: EntityRef) -> &Entity {
        let n = self.gazetteer.entities.len();
        if entity.0 < n {
            &self.gazetteer.entities[entity.0]
        } else {
            &self.extra[entity.0 - n]
        }
    }

    /// The reference of an entity with this id, adding it if it is new.
    pub fn intern(&mut self, id: String, label: String, class: EntityClass) -> EntityRef {
        if let Some(idx) = self.gazetteer.find_id(&id) {
            return EntityRef(idx);
        }
        let n = self.gazetteer.entities.len();
        if let Some(idx) = self.extra.iter().position(|e| e.id == id) {
            return EntityRef(n + idx);
        }
        self.extra.push(Entity {
            id,
            label,
            class,
            part_of: None,
            nationality: None,
            invocation_requests_assistance: false,
            founded: None,
        });
        EntityRef(n + self.extra.len() - 1)
    }

    /// The entity's class.
    pub fn class(&self, entity: EntityRef) -> EntityClass {
        self.get(entity).class
    }

    /// The alliance an entity stands for: itself if it is one, else the
    /// alliance it is a force of (`akg:forceOf`: "CSTO peacekeepers").
    pub fn alliance_of(&self, entity: EntityRef) -> Option<EntityRef> {
        if self.class(entity) == EntityClass::Alliance {
            return Some(entity);
        }
        let parent = EntityRef(
            self.gazetteer
                .find_id(self.get(entity).part_of.as_deref()?)?,
        );
        (self.class(parent) == EntityClass::Alliance).then_some(parent)
    }
}

/// Makes an IRI-safe local name from a label: "Arman Kelbetov" → "Arman_Kelbetov".
pub fn slug(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for ch in label.chars() {
        if ch.is_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Below this code point, the word scanner's character classes come from a
/// table (Latin, Greek, Cyrillic, general punctuation…); above it, from the
/// regex engine.
const CLASS_TABLE_END: u32 = 0x3000;

/// Flags of [`char_class`]: a letter (`\p{L}`), a combining mark (`\p{M}`).
const LETTER: u8 = 1;
const MARK: u8 = 2;

/// Whether `c` is a letter or a combining mark, by the Unicode general
/// category (what `\p{L}` and `\p{M}` mean in a regex).
fn char_class(c: char) -> u8 {
    fn by_regex(c: char) -> u8 {
        static RE: OnceLock<[Regex; 2]> = OnceLock::new();
        #[allow(clippy::expect_used)] // invariant: the patterns are literals that compile
        let [letter, mark] = RE.get_or_init(|| {
            [
                Regex::new(r"^\p{L}$").expect("letter regex"),
                Regex::new(r"^\p{M}$").expect("mark regex"),
            ]
        });
        let mut buf = [0; 4];
        let s = c.encode_utf8(&mut buf);
        (u8::from(letter.is_match(s)) * LETTER) | (u8::from(mark.is_match(s)) * MARK)
    }
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    if c.is_ascii() {
        return if c.is_ascii_alphabetic() { LETTER } else { 0 };
    }
    match TABLE
        .get_or_init(|| {
            (0..CLASS_TABLE_END)
                .map(|cp| char::from_u32(cp).map_or(0, by_regex))
                .collect()
        })
        .get(c as usize)
    {
        Some(&class) => class,
        None => by_regex(c),
    }
}

// Both tests answer ASCII, most of a news text, inline, without the class
// table.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        char_class(c) & LETTER != 0
    }
}

/// What may continue a word after its first letter: letters, combining
/// marks, hyphens and apostrophes.
fn is_word_inner(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || matches!(c, '-' | '\'')
    } else {
        c == '’' || char_class(c) != 0
    }
}

/// Byte ranges of the words of `body`: a letter, then letters, marks,
/// hyphens and apostrophes up to the last letter (the regex
/// `\p{L}[\p{L}\p{M}\-’']*\p{L}|\p{L}`, scanned by hand: the regex engine
/// was a quarter of all extraction time). ASCII bytes are classified as
/// bytes; only other characters are decoded.
fn word_ranges(body: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = body.as_bytes();
    // The character at byte `at`, a char boundary, and its length.
    let char_at = move |at: usize| {
        body.get(at..)
            .and_then(|rest| rest.chars().next())
            .map(|c| (c, c.len_utf8()))
    };
    let mut pos = 0;
    std::iter::from_fn(move || {
        let mut start = pos;
        let first_len = loop {
            let b = *bytes.get(start)?;
            if b.is_ascii() {
                if b.is_ascii_alphabetic() {
                    break 1;
                }
                start += 1;
            } else {
                let (c, len) = char_at(start)?;
                if is_letter(c) {
                    break len;
                }
                start += len;
            }
        };
        let mut end = start + first_len;
        let mut scan = end;
        while let Some(&b) = bytes.get(scan) {
            if b.is_ascii() {
                if b.is_ascii_alphabetic() {
                    scan += 1;
                    end = scan;
                } else if matches!(b, b'-' | b'\'') {
                    scan += 1;
                } else {
                    break;
                }
            } else {
                let Some((c, len)) = char_at(scan) else { break };
                if !is_word_inner(c) {
                    break;
                }
                scan += len;
                if is_letter(c) {
                    end = scan;
                }
            }
        }
        pos = end;
        Some((start, end))
    })
}

/// A word of the text with its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'t> {
    /// Where it stands (without a possessive "’s").
    pub span: Span,
    /// Its text (without a possessive "’s").
    pub text: &'t str,
    /// True when a possessive "’s" or "'s" followed.
    pub possessive: bool,
}

/// The words of `text[span]`, with possessives split off.
pub fn words(text: &str, span: Span) -> Vec<Word<'_>> {
    word_iter(text, span).collect()
}

/// The words of `text[span]`, as [`words`] returns them, one by one: for
/// callers that only filter them.
pub fn word_iter(text: &str, span: Span) -> impl Iterator<Item = Word<'_>> {
    let body = span.slice(text);
    word_ranges(body).map(move |(start, end)| {
        let mut w = &body[start..end];
        let mut possessive = false;
        // A word ends with a letter, so of the suffixes "’s", "'s", "’"
        // and "'" only the first two can end it.
        if w.ends_with('s') {
            for suffix in ["’s", "'s"] {
                if let Some(stripped) = w.strip_suffix(suffix) {
                    if !stripped.is_empty() {
                        w = stripped;
                        possessive = true;
                        break;
                    }
                }
            }
        }
        let start = span.start + start;
        Word {
            span: Span::new(start, start + w.len()),
            text: w,
            possessive,
        }
    })
}

fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && word.chars().any(char::is_lowercase)
}

/// Finds every mention in an article, sorted by position.
pub fn find_mentions(
    text: &str,
    sentences: &[Sentence],
    entities: &mut Entities<'_>,
) -> Vec<Mention> {
    let mut mentions = gazetteer_mentions(text, sentences, entities.gazetteer);
    let words = SentenceWords::new(text, sentences);
    let new_people = new_person_mentions(text, sentences, &words, &mentions, entities);
    mentions.extend(new_people);
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    let surnames = surname_mentions(text, sentences, &words, &mentions, entities);
    mentions.extend(surnames);
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    mentions
}

/// 1. Gazetteer labels; anaphors only after their entity has been named.
fn gazetteer_mentions(text: &str, sentences: &[Sentence], gazetteer: &Gazetteer) -> Vec<Mention> {
    let mut mentions: Vec<Mention> = Vec::new();
    // An article names a few dozen entities: a list beats a hash map.
    let mut named: Vec<usize> = Vec::new();
    // The most salient alliance so far: most often named, then most recent
    // (entity, count, last start; no two share a start, so no ties).
    let mut alliance_names: Vec<(usize, usize, usize)> = Vec::new();
    // Hits come in text order: their sentence index only moves forward.
    let mut sentence = 0;
    for hit in gazetteer.find_all(text) {
        while sentences
            .get(sentence)
            .is_some_and(|s| s.span.end <= hit.span.start)
        {
            sentence += 1;
        }
        // The extractors expect a mention inside its sentence; a name the
        // segmenter cut (an over-long sentence) is no mention.
        if !sentences
            .get(sentence)
            .is_some_and(|s| s.span.contains(hit.span))
        {
            continue;
        }
        let (entity, kind) = match hit.kind {
            LabelKind::Anaphor => {
                // Resolve to the last named entity of the same class.
                let class = gazetteer.entities[hit.entity].class;
                let target = if class == EntityClass::Alliance {
                    alliance_names
                        .iter()
                        .max_by_key(|(_, n, last)| (*n, *last))
                        .map(|(e, _, _)| *e)
                } else {
                    named.contains(&hit.entity).then_some(hit.entity)
                };
                match target {
                    Some(t) => (t, MentionKind::Anaphor),
                    None => continue,
                }
            }
            LabelKind::Name => (hit.entity, MentionKind::Name),
            LabelKind::Demonym => (hit.entity, MentionKind::Demonym),
            LabelKind::Metonym => (hit.entity, MentionKind::Metonym),
        };
        if hit.kind == LabelKind::Name {
            if !named.contains(&entity) {
                named.push(entity);
            }
            if let Some(alliance) = gazetteer.alliance_named_by(entity) {
                match alliance_names.iter_mut().find(|(e, _, _)| *e == alliance) {
                    Some(entry) => {
                        entry.1 += 1;
                        entry.2 = hit.span.start;
                    }
                    None => alliance_names.push((alliance, 1, hit.span.start)),
                }
            }
        }
        let modifier = is_modifier(text, hit.span);
        mentions.push(Mention {
            span: hit.span,
            entity: EntityRef(entity),
            kind,
            sentence,
            modifier,
        });
    }
    mentions
}

/// The words of each sentence, found once and used for new people and again
/// for surnames: all in one list, sentence `i`'s from `starts[i]` to
/// `starts[i + 1]`.
struct SentenceWords<'t> {
    all: Vec<Word<'t>>,
    starts: Vec<usize>,
}

impl<'t> SentenceWords<'t> {
    fn new(text: &'t str, sentences: &[Sentence]) -> Self {
        let mut all: Vec<Word<'t>> = Vec::new();
        let mut starts = Vec::with_capacity(sentences.len() + 1);
        for sentence in sentences {
            starts.push(all.len());
            all.extend(word_iter(text, sentence.span));
        }
        starts.push(all.len());
        SentenceWords { all, starts }
    }

    /// The words of each sentence in turn.
    fn per_sentence(&self) -> impl Iterator<Item = &[Word<'t>]> + Clone + '_ {
        self.starts.windows(2).map(|w| &self.all[w[0]..w[1]])
    }
}

/// 2. New people by the name pattern, interned as people.
fn new_person_mentions(
    text: &str,
    sentences: &[Sentence],
    words: &SentenceWords<'_>,
    mentions: &[Mention],
    entities: &mut Entities<'_>,
) -> Vec<Mention> {
    let gazetteer = entities.gazetteer;
    let taken: Vec<Span> = mentions.iter().map(|m| m.span).collect();
    let mut new_people = Vec::new();
    // The gazetteer mentions of each sentence: they lie inside it (see
    // `gazetteer_mentions`), so no other can overlap its words.
    let taken_starts = sentence_starts(mentions, sentences.len());
    for ((sentence, words), taken_range) in sentences
        .iter()
        .zip(words.per_sentence())
        .zip(taken_starts.windows(2))
    {
        let taken_here = &taken[taken_range[0]..taken_range[1]];
        for (span, label) in
            person_candidates(&gazetteer.lexicon, text, sentence.span, words, taken_here)
        {
            let entity = entities.intern(slug(&label), label, EntityClass::Person);
            new_people.push(Mention {
                span,
                entity,
                kind: MentionKind::NewName,
                sentence: sentence.index,
                modifier: false,
            });
        }
    }
    new_people
}

/// 3. Surnames of people already named, given `mentions` sorted by position.
fn surname_mentions(
    text: &str,
    sentences: &[Sentence],
    words: &SentenceWords<'_>,
    mentions: &[Mention],
    entities: &Entities<'_>,
) -> Vec<Mention> {
    let mut surnames: Vec<(String, EntityRef, usize)> = Vec::new();
    for m in mentions {
        if entities.class(m.entity) == EntityClass::Person && m.span.slice(text).contains(' ') {
            if let Some(last) = m.span.slice(text).split(' ').next_back() {
                surnames.push((last.to_string(), m.entity, m.span.end));
            }
        }
    }
    let mut extra_mentions = Vec::new();
    // Words come in text order: the mentions starting before each one's end
    // only grow.
    let mut n_before = 0;
    for (sentence, words) in sentences.iter().zip(words.per_sentence()) {
        if surnames.is_empty() {
            break;
        }
        for word in words {
            if !is_capitalised(word.text) {
                continue;
            }
            while n_before < mentions.len() && mentions[n_before].span.start < word.span.end {
                n_before += 1;
            }
            if mentions_cover(&mentions[..n_before], word.span) {
                continue;
            }
            let sentence_initial = text[sentence.span.start..word.span.start].trim().is_empty();
            let earlier = surnames
                .iter()
                .rev()
                .find(|(name, _, end)| *end <= word.span.start && name == word.text);
            // A surname before the full name ("According to Morrow, …"), but
            // not at a sentence start, where capitals prove nothing.
            let later = (!sentence_initial)
                .then(|| surnames.iter().find(|(name, _, _)| name == word.text))
                .flatten();
            if let Some((_, entity, _)) = earlier.or(later) {
                extra_mentions.push(Mention {
                    span: word.span,
                    entity: *entity,
                    kind: MentionKind::Surname,
                    sentence: sentence.index,
                    modifier: false,
                });
            }
        }
    }
    extra_mentions
}

/// Per sentence `i` of `n_sentences`, the mentions of `mentions` (sorted by
/// position, so by sentence) that stand in it are `starts[i]..starts[i + 1]`.
pub(crate) fn sentence_starts(mentions: &[Mention], n_sentences: usize) -> Vec<usize> {
    let mut starts = Vec::with_capacity(n_sentences + 1);
    let mut cursor = 0;
    for idx in 0..=n_sentences {
        while cursor < mentions.len() && mentions[cursor].sentence < idx {
            cursor += 1;
        }
        starts.push(cursor);
    }
    starts
}

/// True when a mention overlaps `span`; `before` are the mentions that
/// start before `span.end`, sorted by start. Mentions never nest, so only
/// the last ones can overlap.
fn mentions_cover(before: &[Mention], span: Span) -> bool {
    before.iter().rev().take(4).any(|m| m.span.overlaps(span))
}

/// "Russia-led", "Moscow-brokered": a hyphen and a lower-case word follow.
fn is_modifier(text: &str, span: Span) -> bool {
    let rest = &text[span.end..];
    let mut chars = rest.chars();
    matches!(chars.next(), Some('-') | Some('–')) && chars.next().is_some_and(char::is_lowercase)
}

/// True when a span of `sorted` overlaps `span`. The spans of `sorted` are
/// in text order and never overlap (gazetteer hits), so their ends ascend
/// too, and only the first one ending after `span.start` can overlap.
fn overlaps_any(sorted: &[Span], span: Span) -> bool {
    let idx = sorted.partition_point(|t| t.end <= span.start);
    sorted.get(idx).is_some_and(|t| t.overlaps(span))
}

/// Capitalised name runs in a sentence, given its `words`, that the context
/// marks as people; `taken` are the gazetteer mentions, in text order.
fn person_candidates(
    lexicon: &Lexicon,
    text: &str,
    sentence: Span,
    words: &[Word<'_>],
    taken: &[Span],
) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let start = i;
        let mut j = i;
        while j < words.len()
            && is_name_word(lexicon, words[j].text)
            // A title opens no name: "Lieutenant-General X" is X.
            && !(j == start && lexicon.is_title(words[j].text))
            && !overlaps_any(taken, words[j].span)
            && (j == start || {
                let gap = &text[words[j - 1].span.end..words[j].span.start];
                gap == " " && !words[j - 1].possessive
            })
        {
            j += 1;
            if j - start == 4 || words[j - 1].possessive {
                break;
            }
        }
        if j - start >= 2 {
            let span = Span::new(words[start].span.start, words[j - 1].span.end);
            if looks_like_person(lexicon, text, sentence, words, start, j) {
                let label = span.slice(text).to_string();
                out.push((span, label));
            }
            i = j;
        } else {
            i = start + 1;
        }
    }
    out
}

fn is_name_word(lexicon: &Lexicon, word: &str) -> bool {
    is_capitalised(word) && !lexicon.is_non_name_capital(word)
}

fn looks_like_person(
    lexicon: &Lexicon,
    text: &str,
    sentence: Span,
    words: &[Word<'_>],
    start: usize,
    end: usize,
) -> bool {
    // A title or role word right before: "President X", "lawmaker X", "Col Gen X".
    if start > 0 {
        let prev = &words[start - 1];
        let gap = &text[prev.span.end..words[start].span.start];
        if gap.trim().is_empty() && lexicon.is_title(prev.text) {
            return true;
        }
    }
    // A speech verb right after or right before: "X said", "said X".
    if let Some(next) = words.get(end) {
        let gap = &text[words[end - 1].span.end..next.span.start];
        if gap.trim().is_empty() && lexicon.is_cue_verb(next.text) {
            return true;
        }
    }
    if start > 0 && lexicon.is_cue_verb(words[start - 1].text) {
        return true;
    }
    // A role apposition after: "X, a researcher at…", "X is a journalist".
    let after = text[words[end - 1].span.end..sentence.end].replace('\u{a0}', " ");
    let after = after.as_str();
    let after_words: Vec<&str> = after
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .take(10)
        .collect();
    // "X, spokesman for the Joint Staff," : a role noun right after the comma.
    if let Some(rest) = after.strip_prefix(", ") {
        let first: Vec<&str> = rest.split_whitespace().take(2).collect();
        if first
            .iter()
            .any(|w| lexicon.is_role_head(w.trim_end_matches(',')) && !w.ends_with('s'))
        {
            return true;
        }
    }
    // "“…,” Hasan Sultonov, …": a name right after a closing quote.
    let lead = text[sentence.start..words[start].span.start].trim_end();
    if lead.ends_with(['”', '"', '»'])
        || lead.ends_with("”,")
        || lead.ends_with("\",")
        || lead.ends_with("»,")
    {
        return true;
    }
    let appositive = after.starts_with(", a ")
        || after.starts_with(", an ")
        || after.starts_with(", the ")
        || after.starts_with(" is a ")
        || after.starts_with(" is an ")
        || after.starts_with(" is the ")
        || after.starts_with(", who ");
    if appositive && after_words.iter().any(|w| lexicon.is_role_head(w)) {
        return true;
    }
    // A role apposition before: "The speaker of the parliament, X".
    let before = &text[sentence.start..words[start].span.start];
    if let Some(clause) = before.strip_suffix(", ") {
        let clause = clause.rsplit([',', ';', ':', '(']).next().unwrap_or(clause);
        if clause
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .any(|w| lexicon.is_role_head(w))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::sentences;

    #[test]
    fn word_scanner_matches_the_word_regex() {
        let re = Regex::new(r"\p{L}[\p{L}\p{M}\-’']*\p{L}|\p{L}").unwrap();
        for text in [
            "Kyrgyzstan’s president, Sadyr Japarov, said: 'we won't.'",
            "Russia-led bloc -- a x- y' 'z e\u{301}t\u{301} Ⅻ Δήμος Тоқаев's",
            "Jean-Marie O'Neill's  ‘quote’ 1990s -a- ’’ ' - ",
            "",
            "ü\u{301}\u{301}-’'",
        ] {
            let want: Vec<(usize, usize)> =
                re.find_iter(text).map(|m| (m.start(), m.end())).collect();
            let got: Vec<(usize, usize)> = word_ranges(text).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    fn check(text: &str, expected: &[(&str, &str, MentionKind)]) {
        let gaz = gazetteer::tests::small();
        let mut entities = Entities::new(&gaz);
        let sentences = sentences(text);
        let got: Vec<(String, String, MentionKind)> =
            find_mentions(text, &sentences, &mut entities)
                .iter()
                .map(|m| {
                    (
                        m.span.slice(text).to_string(),
                        entities.get(m.entity).id.clone(),
                        m.kind,
                    )
                })
                .collect();
        let expected: Vec<(String, String, MentionKind)> = expected
            .iter()
            .map(|(a, b, k)| (a.to_string(), b.to_string(), *k))
            .collect();
        assert_eq!(got, expected, "in {text:?}");
    }

    #[test]
    fn finds_new_people_by_context() {
        use MentionKind::*;
        check(
            "Deputy Foreign Minister Arman Kelbetov spoke. Kelbetov left.",
            &[
                ("Arman Kelbetov", "Arman_Kelbetov", NewName),
                ("Kelbetov", "Arman_Kelbetov", Surname),
            ],
        );
        check(
            "Lena Morrow, a senior fellow at the Baltic Policy Institute, disagreed.",
            &[("Lena Morrow", "Lena_Morrow", NewName)],
        );
        check(
            "The speaker of the parliament, Alen Simonyan, lamented.",
            &[("Alen Simonyan", "Alen_Simonyan", NewName)],
        );
        check(
            "“No,” said Timur Ospanbek.",
            &[("Timur Ospanbek", "Timur_Ospanbek", NewName)],
        );
        // No context: a capitalised run is not a person.
        check("The Baltic Policy Institute was founded.", &[]);
    }

    #[test]
    fn gazetteer_mentions_and_anaphors() {
        use MentionKind::*;
        check(
            "The bloc met. The CSTO met; the bloc said Yerevan and Russia-led forces.",
            &[
                ("CSTO", "CSTO", Name),
                ("the bloc", "CSTO", Anaphor),
                ("Yerevan", "Armenia", Metonym),
                ("Russia", "Russia", Name),
            ],
        );
        check(
            "Armenian Prime Minister Nikol Pashinyan spoke. Pashinyan left.",
            &[
                ("Armenian", "Armenia", Demonym),
                ("Nikol Pashinyan", "Nikol_Pashinyan", Name),
                ("Pashinyan", "Nikol_Pashinyan", Surname),
            ],
        );
    }

    /// fuzz/extract: the segmenter cut an over-long sentence inside "Nikol
    /// Pashinyan"; the mention ran past its sentence and role extraction
    /// sliced `text[mention.end..sentence.end]` backwards.
    #[test]
    fn mentions_stay_inside_their_sentence() {
        let text = format!(
            "{}Nikol Pashinyan, the leader of Armenia, spoke.",
            "x ".repeat(497)
        );
        let gaz = gazetteer::tests::small();
        let mut entities = Entities::new(&gaz);
        let sentences = sentences(&text);
        assert_eq!(sentences[0].span.end, 999);
        let mentions = find_mentions(&text, &sentences, &mut entities);
        assert!(!mentions.is_empty());
        for m in &mentions {
            assert!(sentences[m.sentence].span.contains(m.span), "{m:?}");
        }
        assert!(!mentions
            .iter()
            .any(|m| m.span.slice(&text) == "Nikol Pashinyan"));
    }

    #[test]
    fn modifiers_and_slugs() {
        let text = "Russia-led bloc";
        let gaz = gazetteer::tests::small();
        let mut entities = Entities::new(&gaz);
        let m = find_mentions(text, &sentences(text), &mut entities);
        assert!(m[0].modifier);
        assert_eq!(slug("Qasym-Zhomart  Toqaev"), "Qasym_Zhomart_Toqaev");
        assert_eq!(slug("  A. B. "), "A_B");
    }
}
