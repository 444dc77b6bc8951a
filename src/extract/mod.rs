//! Extractors: general rules over sentences, mentions and trigger words that
//! turn an article into [`Claim`]s, one module per relation family.
//!
//! [`Doc`] is the analysed article every extractor reads: its sentences,
//! mentions, dates and the alliance in focus. Extractors never key on an
//! article, a sentence or a position; they see only the text, the gazetteer
//! and the word lists. Pure: no IO, no RDF.

/// Defines a function returning a lazily compiled, shared `Regex` (seen by
/// this module too, whose tests check [`CUE_WORDS`] against the patterns).
macro_rules! regex {
    ($name:ident, $pattern:expr) => {
        pub(super) fn $name() -> &'static regex::Regex {
            static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            RE.get_or_init(|| {
                #[allow(clippy::expect_used)] // invariant: a literal pattern that compiles
                regex::Regex::new(&$crate::extract::ascii_boundaries($pattern))
                    .expect(stringify!($name))
            })
        }
    };
}

/// Rewrites `\b` as the ASCII word boundary `(?-u:\b)`.
///
/// A Unicode `\b` stops the regex crate's lazy DFA at the first non-ASCII
/// character (every curly quote and dash of a news article), so matching
/// fell back to the bounded backtracker: 60% of extraction time. Our
/// patterns put boundaries around English cue words and digits, where the
/// two agree; they differ only next to a non-ASCII letter, which counts as
/// a non-word character in ASCII mode.
pub fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

pub mod clash;
pub mod coordination;
pub mod dates;
pub mod events;
pub mod member_phrases;
pub mod membership;
pub mod quote;
pub mod request;
pub mod request_phrases;
pub mod role;

use std::collections::HashMap;

use crate::claim::{Claim, Object, Relation};
use crate::corpus::PartialDate;
use crate::mention::patterns::CuePatterns;
use crate::mention::{
    find_mentions, sentence_starts, Entities, EntityClass, EntityRef, Gazetteer, Mention,
    MentionKind,
};
use crate::segment::{sentences, Sentence};
use crate::span::Span;
use dates::DateMention;

/// An analysed article.
#[derive(Debug)]
pub struct Doc<'a> {
    /// The article text.
    pub text: &'a str,
    /// Its sentences.
    pub sentences: Vec<Sentence>,
    /// Its mentions, sorted by position.
    pub mentions: Vec<Mention>,
    /// Known and newly found entities.
    pub entities: Entities<'a>,
    /// The article's date, or the year its headline names.
    pub reference: Option<PartialDate>,
    /// Dates found in each sentence.
    pub dates: Vec<Vec<DateMention>>,
    /// The quotations of the text, in order (`quote::quotations`).
    pub quotations: Vec<quote::Quotation>,
    /// Per sentence, the date of the last date heading before it: a
    /// paragraph that is only a date ("Wednesday 5 January"), as live
    /// coverage and chronologies are written.
    heading_at: Vec<Option<PartialDate>>,
    /// Per sentence, the alliance the text is about there: the most salient
    /// one so far (most often mentioned, then most recent).
    pub alliance_at: Vec<Option<EntityRef>>,
    /// Per sentence, the cue families whose words it contains.
    cues: Vec<CueSet>,
    /// Per sentence `i`, its mentions are `mentions[mention_starts[i]..
    /// mention_starts[i + 1]]`: the extractors ask for them many times per
    /// sentence.
    mention_starts: Vec<usize>,
}

regex!(
    anaphoric_date_re,
    r"(?i)\b(?:at\s+the\s+time|(?:the|that)\s+same\s+day|(?:on\s+)?that\s+day)\b"
);

regex!(
    same_occasion_re,
    r"(?i)\b(?:in|at|during|from)\s+the\s+same\s+(interview|speech|address|briefing|(?:press|news)\s+conference|meeting|summit|session|statement|broadcast|programme|program|call|conversation|talks)\b"
);

/// Per sentence, the date of the last date heading before it. A heading is
/// a paragraph of one sentence made of one date with a month and at most a
/// weekday besides ("Wednesday 5 January", "January 5, 2022"), or a
/// dateline's place before a comma ("Yerevan, November 2022"); its section
/// runs to the next heading or section title (a short paragraph with no
/// date and no closing punctuation). Headings count only when there are
/// two or more: a single one is the dateline, the date of publication, not
/// of what follows.
fn heading_dates(
    text: &str,
    sentences: &[Sentence],
    dates: &[Vec<DateMention>],
) -> Vec<Option<PartialDate>> {
    let mut out = Vec::with_capacity(sentences.len());
    let mut current = None;
    let mut headings = 0;
    for (idx, sentence) in sentences.iter().enumerate() {
        out.push(current);
        let alone = |j: Option<usize>| {
            j.and_then(|j| sentences.get(j))
                .is_none_or(|other| other.paragraph != sentence.paragraph)
        };
        if !alone(idx.checked_sub(1)) || !alone(Some(idx + 1)) {
            continue;
        }
        let [only] = dates[idx].as_slice() else {
            // Another section title ("Looking back") ends the day's section.
            let body = sentence.span.slice(text);
            if dates[idx].is_empty()
                && !body.ends_with(['.', '!', '?', '"', '”', '’', '»', '“', ':'])
                && body.split_whitespace().count() <= 8
            {
                current = None;
            }
            continue;
        };
        if only.date.month.is_none() {
            continue;
        }
        let rest = [
            Span::new(sentence.span.start, only.span.start),
            Span::new(only.span.end, sentence.span.end),
        ];
        let [before, after] = rest.map(|part| part.slice(text));
        // A range of days ("2-6 September") dates its section to the month.
        let range_start = before_day_range(before);
        let before = range_start.unwrap_or(before);
        if only_weekdays(after) && (only_weekdays(before) || is_dateline_place(before)) {
            current = Some(match range_start {
                Some(_) => PartialDate {
                    day: None,
                    ..only.date
                },
                None => only.date,
            });
            headings += 1;
        }
    }
    if headings < 2 {
        out.iter_mut().for_each(|date| *date = None);
    }
    out
}

/// Adds a mention for each description of an alliance that no gazetteer
/// label covers: a determiner, one to three modifiers and a head noun of
/// `lex:allianceHead` ("the Moscow-dominated alliance", "a Russian-led
/// military bloc", "the six-nation pact"). It stands for the alliance in
/// focus there, or, in a lead that names it only later, the first alliance
/// named in the next three sentences. Modifiers are lower-case words or
/// hyphenated compounds; a capitalised word ("the Western alliance") or a
/// name before the head ("the NATO alliance", a mention already) makes no
/// description.
fn add_described_alliances(
    text: &str,
    sentences: &[Sentence],
    mentions: &mut Vec<Mention>,
    entities: &Entities<'_>,
    alliance_at: &[Option<EntityRef>],
) {
    let phrases = &entities.gazetteer.phrases;
    let named_after = |idx: usize| {
        mentions
            .iter()
            .filter(|m| m.sentence > idx && m.sentence <= idx + 3)
            .filter(|m| m.kind == MentionKind::Name)
            .find_map(|m| match entities.class(m.entity) {
                EntityClass::Alliance => Some(m.entity),
                EntityClass::Treaty => entities.alliance_of(m.entity),
                _ => None,
            })
    };
    let mut added = Vec::new();
    for (idx, sentence) in sentences.iter().enumerate() {
        for head in phrases.get("allianceHead") {
            for span in find_words(text, sentence.span, head) {
                let covered = mentions.iter().any(|m| m.span.overlaps(span));
                // Lower case only: "the Pact" is a name.
                if covered || !span.slice(text).starts_with(|c: char| c.is_lowercase()) {
                    continue;
                }
                let Some(start) = description_start(text, sentence.span.start, span.start, phrases)
                else {
                    continue;
                };
                let target = alliance_at
                    .get(idx)
                    .copied()
                    .flatten()
                    .or_else(|| named_after(idx));
                if let Some(entity) = target {
                    added.push(Mention {
                        span: Span::new(start, span.end),
                        entity,
                        kind: MentionKind::Anaphor,
                        sentence: idx,
                        modifier: false,
                    });
                }
            }
        }
    }
    if !added.is_empty() {
        mentions.extend(added);
        mentions.sort_by_key(|m| (m.span.start, m.span.end));
    }
}

/// Where a description of an alliance starts, for its head noun at `head`:
/// the determiner before one to three modifiers.
fn description_start(
    text: &str,
    sentence_start: usize,
    head: usize,
    phrases: &crate::mention::phrases::Phrasebook,
) -> Option<usize> {
    let before = &text[sentence_start..head];
    let mut end = before.len();
    for (modifiers, word) in before.split(' ').rev().skip(1).enumerate() {
        let at = end.checked_sub(word.len() + 1)?;
        end = at;
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if bare.is_empty() || bare.len() != word.len() {
            return None; // punctuation ends the phrase
        }
        if phrases.contains("allianceDeterminer", bare) {
            return (modifiers > 0).then_some(sentence_start + at + 1);
        }
        let modifier = bare.contains('-') || bare.chars().all(char::is_lowercase);
        if !modifier || modifiers == 3 {
            return None;
        }
    }
    None
}

/// Points each mention of a label that several treaties' articles share
/// ("Article 4", "Article IV") at the article of the alliance its sentence
/// names (the alliance, its treaty or one of its articles), else of the
/// alliance in focus there; without either, the gazetteer's first.
fn resolve_shared_articles(
    text: &str,
    mentions: &mut [Mention],
    entities: &Entities<'_>,
    mention_starts: &[usize],
    alliance_at: &[Option<EntityRef>],
) {
    let gazetteer = entities.gazetteer;
    for i in 0..mentions.len() {
        let m = mentions[i];
        let candidates = gazetteer.articles_named(m.span.slice(text));
        if candidates.is_empty() || m.kind != MentionKind::Name {
            continue;
        }
        let alliance_of_article = |article: usize| {
            let treaty = gazetteer.entities[article].part_of.as_deref()?;
            entities.alliance_of(EntityRef(gazetteer.find_id(treaty)?))
        };
        let range = mention_starts
            .get(m.sentence)
            .zip(mention_starts.get(m.sentence + 1))
            .map_or(0..0, |(&lo, &hi)| lo..hi);
        let named: Option<EntityRef> = mentions[range]
            .iter()
            .filter(|other| other.span != m.span)
            .find_map(|other| match entities.class(other.entity) {
                EntityClass::Alliance | EntityClass::Treaty => entities.alliance_of(other.entity),
                EntityClass::TreatyArticle => alliance_of_article(other.entity.0),
                _ => None,
            });
        let Some(alliance) = named.or(alliance_at.get(m.sentence).copied().flatten()) else {
            continue;
        };
        if let Some(&article) = candidates
            .iter()
            .find(|&&a| alliance_of_article(a) == Some(alliance))
        {
            mentions[i].entity = EntityRef(article);
        }
    }
}

/// For the text before a heading's date that ends in the first day of a
/// range and its dash ("Minsk, 2-", "2 – "): the text before that day.
fn before_day_range(part: &str) -> Option<&str> {
    let day = part.trim_end().strip_suffix(['-', '–'])?.trim_end();
    let before = day.trim_end_matches(|c: char| c.is_ascii_digit());
    (before.len() < day.len()).then_some(before)
}

/// Whether `part` holds no word but weekdays ("Wednesday").
fn only_weekdays(part: &str) -> bool {
    part.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| dates::weekday(w).is_some())
}

/// Whether `part`, the text before a heading's date, is a dateline's place:
/// one to three capitalised words and a comma, then at most a weekday
/// ("Yerevan, ", "New York, Tuesday ").
fn is_dateline_place(part: &str) -> bool {
    let Some((place, rest)) = part.split_once(',') else {
        return false;
    };
    let words: Vec<&str> = place.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && only_weekdays(rest)
}

/// Families of cue regexes that run on a sentence only when one of their
/// words occurs in it: every match of the family's regexes contains one of
/// `CUE_WORDS` (ignoring ASCII case). Many sentences contain none, and one
/// automaton pass over the article is cheaper than each regex over each
/// sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    /// `clash::trigger_re`.
    Clash,
    /// `events::support_re`.
    Support,
    /// `events::base_re`.
    Base,
    /// `membership::member_cue`.
    Member,
    /// `membership::leave_cue`.
    Leave,
    /// `request::request_verb_re` and `request::request_noun_re`.
    Request,
    /// `dates::regex`, whose matches contain one of `dates::date_words`
    /// (matched here after `CUE_WORDS`) or a digit (see
    /// `dates::may_contain_date`).
    Date,
}

/// A set of [`Cue`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct CueSet(u8);

impl CueSet {
    const ALL: CueSet = CueSet(u8::MAX);

    fn insert(&mut self, cue: Cue) {
        self.0 |= 1 << cue as u8;
    }

    fn contains(self, cue: Cue) -> bool {
        self.0 & (1 << cue as u8) != 0
    }
}

/// Characters that a case-insensitive regex matches as an ASCII letter: the
/// Kelvin sign (`k`) and the long s (`s`). A sentence with one may match any
/// cue regex.
const CASE_FOLDS_TO_ASCII: [&str; 2] = ["\u{212A}", "\u{17F}"];

/// Which cue families each sentence may match: those whose patterns
/// match in it (each pattern runs once over the whole text, and marks every
/// sentence a match overlaps, so none that a search of the sentence alone
/// would match is missed), and the dates where a date word stands.
fn find_cues(text: &str, sentences: &[Sentence], patterns: &CuePatterns) -> Vec<CueSet> {
    static AUTOMATON: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let automaton = AUTOMATON.get_or_init(|| {
        #[allow(clippy::expect_used)] // invariant: a few short literal words
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(dates::date_words().chain(CASE_FOLDS_TO_ASCII))
            .expect("date words automaton")
    });
    let mut cues = vec![CueSet::default(); sentences.len()];
    // The sentence of each span: the first ending after its start. Spans
    // come almost in order of start: a cursor moved either way finds it in
    // a step or two, where a binary search took a dozen.
    let mut idx = 0;
    let mut sentences_of = |span: Span| {
        while idx > 0 && sentences[idx - 1].span.end > span.start {
            idx -= 1;
        }
        while sentences.get(idx).is_some_and(|s| s.span.end <= span.start) {
            idx += 1;
        }
        let first = idx;
        let mut last = idx;
        while sentences
            .get(last + 1)
            .is_some_and(|s| s.span.start < span.end)
        {
            last += 1;
        }
        first..(last + 1).min(sentences.len())
    };
    for found in automaton.find_overlapping_iter(text) {
        let span = Span::new(found.start(), found.end());
        let range = sentences_of(span);
        let Some(at) = range.clone().find(|&i| sentences[i].span.contains(span)) else {
            continue;
        };
        if found.pattern().as_usize() < dates::DATE_WORD_COUNT {
            cues[at].insert(Cue::Date);
        } else {
            cues[at] = CueSet::ALL;
        }
    }
    let families = [
        (&patterns.clash, Cue::Clash),
        (&patterns.support, Cue::Support),
        (&patterns.base, Cue::Base),
        (&patterns.member, Cue::Member),
        (&patterns.leave, Cue::Leave),
        (&patterns.request_verb, Cue::Request),
        (&patterns.request_noun, Cue::Request),
    ];
    for (re, cue) in families {
        for found in re.find_iter(text) {
            for at in sentences_of(Span::new(found.start(), found.end().max(found.start() + 1))) {
                cues[at].insert(cue);
            }
        }
    }
    cues
}

impl<'a> Doc<'a> {
    /// Segments `text`, finds its mentions and dates.
    pub fn new(text: &'a str, gazetteer: &'a Gazetteer, date: Option<PartialDate>) -> Self {
        let sentences = sentences(text);
        let mut entities = Entities::new(gazetteer);
        let mentions = find_mentions(text, &sentences, &mut entities);
        let cues = find_cues(text, &sentences, &gazetteer.cues);
        // The date regex runs only where it may match.
        let find_dates = |idx: usize, reference: Option<PartialDate>| {
            let span = sentences[idx].span;
            let has_date_word = cues[idx].contains(Cue::Date);
            if dates::may_contain_date(span.slice(text), has_date_word) {
                dates::find_dates(text, span, reference)
            } else {
                Vec::new()
            }
        };
        // Without a date, a year in the headline sets the reference year.
        let reference = date.or_else(|| {
            if sentences.is_empty() {
                return None;
            }
            find_dates(0, None)
                .into_iter()
                .find(|d| d.date.month.is_none())
                .map(|d| d.date)
        });
        let mut dates: Vec<Vec<DateMention>> = (0..sentences.len())
            .map(|idx| find_dates(idx, reference))
            .collect();
        let heading_at = heading_dates(text, &sentences, &dates);
        // Under a heading of another year ("Yerevan, November 2022" in an
        // article of 2023), "on 13 September" and "last year" are that
        // year's: the heading is their reference.
        for (idx, heading) in heading_at.iter().enumerate() {
            if let Some(heading) = heading {
                if reference.is_none_or(|r| r.year != heading.year) {
                    dates[idx] = find_dates(idx, Some(*heading));
                }
            }
        }
        let quotations = quote::quotations(text);
        let mut alliance_at = Vec::with_capacity(sentences.len());
        // (alliance, mentions, last start): few per article, and no two
        // share a start, so no ties.
        let mut counts: Vec<(EntityRef, usize, usize)> = Vec::new();
        let mut cursor = 0;
        for sentence in &sentences {
            while cursor < mentions.len() && mentions[cursor].span.start < sentence.span.end {
                let m = &mentions[cursor];
                // A treaty's name makes its alliance salient too.
                let alliance = match entities.class(m.entity) {
                    EntityClass::Alliance => Some(m.entity),
                    EntityClass::Treaty if m.kind == MentionKind::Name => {
                        entities.alliance_of(m.entity)
                    }
                    _ => None,
                };
                if let Some(alliance) = alliance {
                    match counts.iter_mut().find(|(e, _, _)| *e == alliance) {
                        Some(entry) => {
                            entry.1 += 1;
                            entry.2 = m.span.start;
                        }
                        None => counts.push((alliance, 1, m.span.start)),
                    }
                }
                cursor += 1;
            }
            alliance_at.push(
                counts
                    .iter()
                    .max_by_key(|(_, n, last)| (*n, *last))
                    .map(|(e, _, _)| *e),
            );
        }
        let mut mentions = mentions;
        add_described_alliances(text, &sentences, &mut mentions, &entities, &alliance_at);
        let mention_starts = sentence_starts(&mentions, sentences.len());
        resolve_shared_articles(
            text,
            &mut mentions,
            &entities,
            &mention_starts,
            &alliance_at,
        );
        Doc {
            text,
            cues,
            mention_starts,
            sentences,
            mentions,
            entities,
            reference,
            dates,
            quotations,
            heading_at,
            alliance_at,
        }
    }

    /// False when sentence `idx` contains none of the words that every
    /// match of the `cue` family's regexes contains: then they need not run.
    pub fn may_match(&self, idx: usize, cue: Cue) -> bool {
        self.cues.get(idx).is_none_or(|set| set.contains(cue))
    }

    /// The phrasing knowledge of the ontology (`ontology/phrasing.ttl`).
    pub fn phrases(&self) -> &'a crate::mention::phrases::Phrasebook {
        &self.entities.gazetteer.phrases
    }

    /// The cue patterns compiled from the phrasing.
    pub fn cues(&self) -> &'a CuePatterns {
        &self.entities.gazetteer.cues
    }

    /// The occurrences in sentence `idx` of the phrases of list `list`
    /// (case-insensitive, on word boundaries), in text order, without
    /// overlaps: the longest phrase wins.
    pub fn phrase_spans(&self, idx: usize, list: &str) -> Vec<Span> {
        let sentence = self.sentences[idx].span;
        let mut found: Vec<Span> = Vec::new();
        for phrase in self.phrases().get(list) {
            for span in find_words(self.text, sentence, phrase) {
                if !found.iter().any(|f| f.overlaps(span)) {
                    found.push(span);
                }
            }
        }
        found.sort_by_key(|s| s.start);
        found
    }

    /// The mentions inside sentence `idx`.
    pub fn mentions_in(&self, idx: usize) -> &[Mention] {
        match (
            self.mention_starts.get(idx),
            self.mention_starts.get(idx + 1),
        ) {
            (Some(&lo), Some(&hi)) => &self.mentions[lo..hi],
            // Past the last sentence: none, as the search found before.
            _ => &[],
        }
    }

    /// The text of sentence `idx`.
    pub fn sentence_text(&self, idx: usize) -> &'a str {
        self.sentences[idx].span.slice(self.text)
    }

    /// The class of a mention's entity.
    pub fn class(&self, m: &Mention) -> EntityClass {
        self.entities.class(m.entity)
    }

    /// True for a mention that can stand for a state as an actor: a name or
    /// metonym, not a demonym or a compound modifier.
    pub fn is_state_actor(&self, m: &Mention) -> bool {
        self.class(m) == EntityClass::State
            && !m.modifier
            && matches!(m.kind, MentionKind::Name | MentionKind::Metonym)
    }

    /// The alliance in focus at sentence `idx`: the most salient so far.
    pub fn focus_alliance(&self, idx: usize) -> Option<EntityRef> {
        self.alliance_at.get(idx).copied().flatten()
    }

    /// True when a modal, a condition or a hedge stands in the clause before
    /// byte `cue` of sentence `idx` ("if", "could", "unlikely to", "fears").
    pub fn is_hypothetical(&self, idx: usize, cue: usize) -> bool {
        let sentence = self.sentences[idx].span;
        let body = &self.text[sentence.start..cue.max(sentence.start)];
        let clause_start = body
            .rfind([',', ';', '—', '–', ':'])
            .map_or(0, |p| ceil_boundary(body, p + 1));
        let clause = &body[clause_start..];
        hypothetical_re().is_match(clause) || condition_re().is_match(body)
    }

    /// The alliance a sentence speaks of: one it names, else the one in focus.
    pub fn alliance_for(&self, idx: usize) -> Option<EntityRef> {
        self.mentions_in(idx)
            .iter()
            .find(|m| self.class(m) == EntityClass::Alliance)
            .map(|m| m.entity)
            .or(self.focus_alliance(idx))
    }

    /// The date nearest `pos` in sentence `idx`, or failing that the one its
    /// context gives ([`Doc::context_date`]).
    pub fn date_near(&self, idx: usize, pos: usize) -> Option<PartialDate> {
        dates::nearest(&self.dates[idx], pos).or_else(|| self.context_date(idx))
    }

    /// The date a sentence that names none speaks of, from its context:
    /// - after "at the time", "the same day" or "that day", the last date
    ///   with a month in the ten sentences before it;
    /// - else the date heading in force;
    /// - else the most specific date of the one or two sentences before it
    ///   in its paragraph ("Fast forward to September, … since the 2020
    ///   war" speaks of September);
    /// - else, in a paragraph that opens with a quotation, the date of the
    ///   last dated sentence of the paragraph before, which introduced it
    ///   ("On 17 June he explained why." / "“If the right of nations…”,
    ///   he said.").
    ///
    /// Dates inside quotations do not count: a speaker's "this year" or
    /// "in 2021" is not the date of the report. Nor do dates after "since":
    /// they start a state of affairs ("frozen since February 2024") rather
    /// than date an event.
    pub fn context_date(&self, idx: usize) -> Option<PartialDate> {
        if let Some(date) = self.occasion_date(idx) {
            return Some(date);
        }
        if anaphoric_date_re().is_match(self.sentence_text(idx)) {
            let found = (idx.saturating_sub(10)..idx)
                .rev()
                .find_map(|j| self.specific_date(j, true));
            if found.is_some() {
                return found;
            }
        }
        // Under date headings, a paragraph tells what happened that day;
        // an earlier date in it is one recalled ("recalling the January 2022
        // deployment").
        if let Some(heading) = self.heading_at[idx] {
            // A heading without a day ("Yerevan, November 2022") dates its
            // section less precisely than the day its narrative gave last,
            // if that day is in the heading's month.
            if heading.day.is_none() {
                let within = |d: &PartialDate| {
                    d.year == heading.year && (heading.month.is_none() || d.month == heading.month)
                };
                let found = (idx.saturating_sub(10)..idx)
                    .rev()
                    .take_while(|&j| self.heading_at[j] == Some(heading))
                    .find_map(|j| self.specific_date(j, true).filter(within));
                if found.is_some() {
                    return found;
                }
            }
            return Some(heading);
        }
        let paragraph = self.sentences[idx].paragraph;
        let earlier = |j: usize, paragraph: usize| {
            (j.saturating_sub(2)..j)
                .rev()
                .take_while(move |&k| self.sentences[k].paragraph == paragraph)
                .find_map(|k| {
                    self.specific_date(k, false)
                        .or_else(|| self.occasion_date(k))
                })
        };
        if let Some(date) = earlier(idx, paragraph) {
            return Some(date);
        }
        let opening = (0..idx)
            .rev()
            .take_while(|&k| self.sentences[k].paragraph == paragraph)
            .last()
            .unwrap_or(idx);
        let opens_with_quote = self
            .quotations
            .get(
                self.quotations
                    .partition_point(|q| q.outer.start < self.sentences[opening].span.start),
            )
            .is_some_and(|q| q.outer.start == self.sentences[opening].span.start);
        if opens_with_quote && opening > 0 {
            let before = self.sentences[opening - 1].paragraph;
            let found = (0..opening)
                .rev()
                .take_while(|&k| self.sentences[k].paragraph == before)
                .find_map(|k| self.specific_date(k, false));
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// For a sentence that speaks of "the same interview" (speech, summit…):
    /// the date of the last sentence before it, up to 30 back, that names
    /// an interview and gives a date.
    fn occasion_date(&self, idx: usize) -> Option<PartialDate> {
        let caps = same_occasion_re().captures(self.sentence_text(idx))?;
        let noun = caps[1].split_whitespace().collect::<Vec<_>>().join(" ");
        let plural = format!("{noun}s");
        (idx.saturating_sub(30)..idx).rev().find_map(|j| {
            let span = self.sentences[j].span;
            let names_it = [&noun, &plural]
                .iter()
                .any(|n| !find_words(self.text, span, n).is_empty());
            names_it.then(|| self.specific_date(j, false)).flatten()
        })
    }

    /// The most specific date of sentence `idx` outside quotations: the
    /// last with a month, else (unless `with_month`) the last.
    fn specific_date(&self, idx: usize, with_month: bool) -> Option<PartialDate> {
        let text = self.text;
        let mut found = self.dates[idx].iter().filter(|d| {
            !quote::inside_quotes(&self.quotations, d.span.start)
                && !dates::ends_with_cue(text[..d.span.start].trim_end(), "since")
        });
        let last = found.clone().next_back();
        found
            .rfind(|d| d.date.month.is_some())
            .or(if with_month { None } else { last })
            .map(|d| d.date)
    }

    /// A claim with its evidence filled from sentence `idx`.
    #[allow(clippy::too_many_arguments)]
    pub fn claim(
        &self,
        relation: Relation,
        subject: EntityRef,
        object: Object,
        idx: usize,
        span: Span,
        rule: &'static str,
        confidence: f32,
    ) -> Claim {
        Claim {
            relation,
            subject,
            object,
            date: None,
            value: None,
            span,
            sentence: idx,
            evidence: self.sentences[idx].span,
            rule,
            confidence,
        }
    }
}

fn hypothetical_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::expect_used)] // invariant: literal pattern
        regex::Regex::new(&ascii_boundaries(
            r"\b(?:could|would|might|may|should|whether|unless|[Ii]f|unlikely|fears?|speculation|possibility|intention|considering|consider|threatened|threatens|threat|risk|demand(?:s|ed|ing)?|urg(?:e|es|ed|ing)|want(?:s|ed)?|calls?\s+for|pressure)\b",
        ))
        .expect("hypothetical regex")
    })
}

regex!(condition_re, r"\b(?:[Ii]f|[Uu]nless|[Ww]hether)\b");

/// Runs every extractor over an article: claims sorted by position and rule.
pub fn extract(doc: &mut Doc<'_>) -> Vec<Claim> {
    let mut claims = Vec::new();
    let roles = role::extract(doc);
    // Which state each person speaks for, from their roles.
    let person_state: HashMap<EntityRef, EntityRef> = roles
        .iter()
        .filter_map(|c| match &c.object {
            Object::Role { of: Some(of), .. } if doc.entities.class(*of) == EntityClass::State => {
                Some((c.subject, *of))
            }
            _ => None,
        })
        .collect();
    claims.extend(roles);
    claims.extend(membership::extract(doc));
    claims.extend(request::extract(doc, &person_state));
    let requests = request_phrases::extract(doc, &person_state, &claims);
    claims.extend(requests);
    claims.extend(clash::extract(doc));
    claims.extend(events::extract(doc));
    let said = quote::extract(doc, &claims);
    claims.extend(said);
    claims.sort_by(|a, b| {
        (a.span.start, a.span.end, a.relation, a.rule)
            .cmp(&(b.span.start, b.span.end, b.relation, b.rule))
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    claims.dedup_by(|a, b| {
        a.relation == b.relation
            && a.subject == b.subject
            && a.object == b.object
            && a.span == b.span
    });
    claims
}

/// The matches of `re` in `body`, or none when `needed` is false.
///
/// For speed: a rule whose cheap precondition fails (no state in the
/// sentence, say) can make no claim from any match, so its regex need not
/// run. Callers pass exactly what the rule requires anyway.
pub fn find_iter_if<'r, 't>(
    needed: bool,
    re: &'r regex::Regex,
    body: &'t str,
) -> impl Iterator<Item = regex::Match<'t>> + use<'r, 't> {
    needed.then(|| re.find_iter(body)).into_iter().flatten()
}

/// Finds `needle` (ASCII case-insensitive, on word boundaries) in a sentence;
/// returns absolute byte spans.
pub fn find_words(text: &str, sentence: Span, needle: &str) -> Vec<Span> {
    let body = sentence.slice(text);
    // Compared in place, byte by byte: no lower-cased copy of the sentence.
    // A match starts on a char boundary, as `needle` is a whole string.
    let (haystack, needle) = (body.as_bytes(), needle.as_bytes());
    let find_from = |from: usize| {
        (from..=haystack.len().checked_sub(needle.len())?)
            .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = find_from(from) {
        let end = start + needle.len();
        let before_ok = !body[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let after_ok = !body[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        if before_ok && after_ok {
            out.push(Span::new(sentence.start + start, sentence.start + end));
        }
        from = end;
    }
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub fn prefix(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The char boundary at or after `pos` in `s` (or `s.len()`).
pub fn ceil_boundary(s: &str, pos: usize) -> usize {
    let mut pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos += 1;
    }
    pos
}

/// The char boundary at or before `pos` in `s`.
pub fn floor_boundary(s: &str, pos: usize) -> usize {
    let mut pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Parses a number as news writes it: "2,500", "2.500", "18 000", "99".
pub fn parse_count(raw: &str) -> Option<u64> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let lower = raw.to_lowercase();
    let scale = if lower.ends_with("million") {
        1_000_000
    } else if lower.ends_with("thousand") {
        1_000
    } else {
        1
    };
    Some(n * scale)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The project's own gazetteer and phrasing (the embedded ontology),
    /// loaded once for every test that reads real English.
    pub(crate) fn project_gazetteer() -> &'static Gazetteer {
        static GAZETTEER: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        GAZETTEER.get_or_init(|| match crate::rdf::ontology::load_embedded() {
            Ok(ontology) => ontology.gazetteer,
            Err(err) => panic!("the embedded ontology does not load: {err}"),
        })
    }

    /// One claim as a test reads it: names instead of references.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) struct NamedClaim {
        pub relation: Relation,
        pub subject: String,
        pub object: String,
        pub date: Option<String>,
        pub value: Option<String>,
        pub rule: &'static str,
    }

    /// Every claim of `text` (an article of its own, undated), with the
    /// project's gazetteer and phrasing.
    pub(crate) fn claims_in(text: &str) -> Vec<NamedClaim> {
        let mut doc = Doc::new(text, project_gazetteer(), None);
        let claims = extract(&mut doc);
        claims
            .into_iter()
            .map(|c| NamedClaim {
                relation: c.relation,
                subject: doc.entities.get(c.subject).label.clone(),
                object: match &c.object {
                    Object::Entity(e) => doc.entities.get(*e).label.clone(),
                    Object::Quote(q) | Object::Label(q) => q.clone(),
                    Object::Role { label, .. } => label.clone(),
                },
                date: c.date.map(|d| d.to_string()),
                value: c.value.map(|v| v.to_string()),
                rule: c.rule,
            })
            .collect()
    }

    #[test]
    fn ascii_boundaries_keep_matches_next_to_curly_quotes_and_dashes() -> Result<(), regex::Error> {
        assert_eq!(ascii_boundaries(r"\bsaid\b"), r"(?-u:\b)said(?-u:\b)");
        let re = regex::Regex::new(&ascii_boundaries(r"\bsaid\b"))?;
        assert!(re.is_match("“We stay,” he said—then left."));
        assert!(re.is_match("‘said’"));
        assert!(!re.is_match("unsaid words"));
        Ok(())
    }

    /// Each phrase, alone in an article, matches the pattern that `pick`
    /// chooses and marks its sentence for `cue`; and so does every sentence
    /// of the bundled articles that matches it.
    fn check_cue_words(cue: Cue, pick: fn(&CuePatterns) -> &regex::Regex, phrases: &[&str]) {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let re = pick(&gazetteer.cues);
        for phrase in phrases {
            let doc = Doc::new(phrase, &gazetteer, None);
            assert!(re.is_match(phrase), "{cue:?}: {phrase:?} is no match");
            assert!(doc.may_match(0, cue), "{cue:?}: not marked in {phrase:?}");
        }
        for (_path, text) in crate::bundled_texts() {
            let doc = Doc::new(&text, &gazetteer, None);
            for idx in 0..doc.sentences.len() {
                let body = doc.sentence_text(idx);
                assert!(
                    !re.is_match(body) || doc.may_match(idx, cue),
                    "{cue:?}: not marked in {body:?}"
                );
            }
        }
    }

    /// `f` of the article `text` (published on `date`) and the index of its
    /// sentence that contains `probe`.
    fn at_probe<T>(text: &str, date: &str, probe: &str, f: impl FnOnce(&Doc, usize) -> T) -> T {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let doc = Doc::new(text, &gazetteer, date.parse().ok());
        let at = text.find(probe).unwrap();
        let idx = doc
            .sentences
            .iter()
            .position(|s| s.span.start <= at && at < s.span.end)
            .unwrap();
        f(&doc, idx)
    }

    /// The context date of the sentence of `text` that contains `probe`,
    /// "-" for none.
    fn context_of(text: &str, date: &str, probe: &str) -> String {
        at_probe(text, date, probe, |doc, idx| {
            doc.context_date(idx)
                .map_or_else(|| "-".to_string(), |d| d.to_string())
        })
    }

    /// The dates found in the sentence containing `probe`.
    fn own_dates(text: &str, date: &str, probe: &str) -> Vec<String> {
        at_probe(text, date, probe, |doc, idx| {
            doc.dates[idx].iter().map(|d| d.date.to_string()).collect()
        })
    }

    #[test]
    fn dateline_headings_set_the_year_of_their_sections() {
        let text = "Three summits\n\nPublished: 27 November 2023\n\nYerevan, November 2022\n\n\
            The attack came on 13 September. Talks followed.\n\n\
            Minsk, November 2023\n\nThe chair was empty on 23 November.\n\n\
            Later that week nothing moved.\n";
        let date = "2023-11-27";
        // Under "Yerevan, November 2022", a day and month are 2022's.
        assert_eq!(own_dates(text, date, "The attack"), ["2022-09-13"]);
        // A sentence without a date takes the last day the section gave in
        // the heading's month, else the heading's month.
        assert_eq!(context_of(text, date, "Talks followed"), "2022-11");
        assert_eq!(context_of(text, date, "The chair"), "2023-11");
        assert_eq!(context_of(text, date, "Later that week"), "2023-11-23");
        assert_eq!(own_dates(text, date, "The chair"), ["2023-11-23"]);
        // "Published: …" is no place: one dateline, no headings, and the
        // article's own year.
        // A range of days ("Minsk, 2-6 September") is a heading of its month:
        // the day that its section gives dates what follows.
        let ranged = "Drills\n\n20 September 2024\n\nIntro.\n\nMinsk, 2-6 September\n\n\
            He spoke on 2 September. \"We are strong,\" he said.\n\n\
            Dushanbe, 12 September\n\nIt asked for help.\n";
        assert_eq!(
            context_of(ranged, "2024-09-20", "We are strong"),
            "2024-09-02"
        );
        assert_eq!(context_of(ranged, "2024-09-20", "It asked"), "2024-09-12");
        let single = "Title\n\nYerevan, November 2022\n\nThe attack came on 13 September.\n";
        assert_eq!(own_dates(single, date, "The attack"), ["2023-09-13"]);
        assert_eq!(before_day_range("Minsk, 2-"), Some("Minsk, "));
        assert_eq!(before_day_range("2 – "), Some(""));
        // A dash without a day before it is no range.
        assert_eq!(before_day_range("Minsk –"), None);
        assert_eq!(before_day_range("Minsk, 2"), None);
        // A place is at most three capitalised words before a comma.
        assert!(is_dateline_place("Yerevan, "));
        assert!(is_dateline_place("New York, Tuesday "));
        assert!(!is_dateline_place("Published: "));
        assert!(!is_dateline_place("the talks in Yerevan, "));
        assert!(!is_dateline_place("Yerevan "));
    }

    #[test]
    fn the_same_occasion_takes_its_date() {
        let text = "Intro.\n\nThe first signal came in an interview aired on 22 February. \
            He answered at length.\n\nMoscow was silent. Analysts disagreed.\n\n\
            In the same interview he spoke of the base. It was brief.\n\n\
            At the same summit nothing changed.\n";
        let date = "2024-06-14";
        assert_eq!(
            context_of(text, date, "In the same interview"),
            "2024-02-22"
        );
        // The sentence after it, in its paragraph, too.
        assert_eq!(context_of(text, date, "It was"), "2024-02-22");
        // No summit named before: no date from this rule.
        assert_eq!(context_of(text, date, "At the same summit"), "-");
        // The occasion named in the plural counts; a word that only
        // contains it ("interviewer") does not.
        let text = "Intro.\n\nShe gave two Press Conferences on 3 March.\n\n\
            An interviewer called on 5 May.\n\nAt the same press conference she smiled.\n\n\
            In the same interview she frowned.\n";
        assert_eq!(context_of(text, date, "At the same press"), "2024-03-03");
        assert_eq!(context_of(text, date, "In the same interview"), "-");
    }

    #[test]
    fn date_headings_date_their_sections() {
        let live = "Live coverage\n\n5 January 2022\n\nWednesday 5 January\n\n\
            Crowds stormed the building. He spoke late.\n\nThursday, 6 January\n\n\
            Troops landed.\n\nLooking back\n\nIt was tense.\n";
        let date = "2022-01-08";
        assert_eq!(context_of(live, date, "He spoke"), "2022-01-05");
        assert_eq!(context_of(live, date, "Troops"), "2022-01-06");
        // A section title without a date ends the day's section.
        assert_eq!(context_of(live, date, "It was tense"), "-");
        // One date paragraph alone is a dateline, not a heading.
        let dated = "Title\n\nJuly 09, 2021\n\nThe war last fall.\n";
        assert_eq!(context_of(dated, date, "The war"), "-");
    }

    #[test]
    fn context_dates_follow_the_narrative() {
        let date = "2023-09-06";
        let text = "Intro.\n\nOn Jan 10, he spoke to the press. Some context followed.\n\n\
            Nothing dated here.\n\nThe Kremlin replied the same day.\n\n\
            Armenia has been absent since February 2023. Its seat was empty.\n\n\
            \"In 2021 we were alone,\" she said in March. \"Never again.\" Then she left.\n\n\
            \"We will see,\" he said.\n";
        // Anaphora reaches back over paragraphs to the last date with a month.
        assert_eq!(context_of(text, date, "The Kremlin"), "2023-01-10");
        // Else one or two sentences back in the paragraph.
        assert_eq!(context_of(text, date, "Some context"), "2023-01-10");
        assert_eq!(context_of(text, date, "Nothing dated"), "-");
        // "since" starts a state of affairs; it dates nothing.
        assert_eq!(context_of(text, date, "Its seat"), "-");
        // Dates inside quotations do not count.
        assert_eq!(context_of(text, date, "Then she left"), "2023-03");
        // A paragraph that opens with a quotation takes the date of the
        // paragraph before, which introduced it.
        assert_eq!(context_of(text, date, "We will see"), "2023-03");
    }

    #[test]
    fn cue_families_mark_the_sentences_their_patterns_match() {
        check_cue_words(
            Cue::Clash,
            |p| &p.clash,
            &[
                "Clashes erupted.",
                "The fighting went on.",
                "They fought.",
                "A war began.",
                "Hybrid warfare.",
                "The conflicts.",
                "The invasion.",
                "It invaded.",
                "Attacks  on towns.",
                "It attacked.",
                "A skirmish.",
                "Hostilities.",
                "Border\u{a0}violence.",
                "Shelling.",
                "The bombardment.",
                "A counter-offensive.",
                "Aggression.",
                "An incursion.",
                "Troops crossed into it.",
                "A cease-fire.",
                "A ceasefire.",
                "The WAR.",
            ],
        );
        check_cue_words(
            Cue::Support,
            |p| &p.support,
            &[
                "It provided support for them.",
                "It supports them.",
                "It backs them.",
                "It backed them.",
                "It is actively aiding them.",
            ],
        );
        check_cue_words(
            Cue::Base,
            |p| &p.base,
            &["The 102nd Military Base.", "An airbase.", "The air base."],
        );
        check_cue_words(
            Cue::Member,
            |p| &p.member,
            &[
                "Its members are few.",
                "Member states.",
                "Its membership.",
                "A military alliance of six.",
                "A bloc of states.",
                "It consists of six.",
                "Comprising six.",
                "Made up of six.",
                "It groups six.",
                "It brings together six.",
                "It unites six.",
                "Partners in the bloc.",
                "Member-states.",
            ],
        );
        check_cue_words(
            Cue::Leave,
            |p| &p.leave,
            &[
                "It quit.",
                "It quits.",
                "Quitting.",
                "It left.",
                "It leaves.",
                "It withdrew.",
                "Withdrawn.",
                "Withdrawing.",
                "It pulled out.",
                "It suspended its membership.",
                "It suspends participation.",
                "It exited.",
                "A former member.",
                "Ex-members.",
                "No longer a member.",
                "Non-members.",
                "It ceased to be.",
            ],
        );
        let request_phrases = [
            "It called on the bloc for help.",
            "It requested military assistance.",
            "It appealed to the CSTO.",
            "It officially applied to the bloc for help.",
            "It asked the CSTO for help.",
            "It asked its CSTO partners for help.",
            "It asked Moscow and the CSTO for peacekeepers.",
            "It sought Moscow’s help.",
            "A request for help.",
            "A call for military aid.",
            "An appeal for assistance.",
        ];
        let gazetteer = crate::mention::gazetteer::tests::small();
        let cues = &gazetteer.cues;
        for phrase in request_phrases {
            let matches = cues.request_verb.is_match(phrase) || cues.request_noun.is_match(phrase);
            assert!(matches, "{phrase:?} is no request");
        }
        let picks: [fn(&CuePatterns) -> &regex::Regex; 2] =
            [|p| &p.request_verb, |p| &p.request_noun];
        for pick in picks {
            let phrases: Vec<&str> = request_phrases
                .into_iter()
                .filter(|p| pick(cues).is_match(p))
                .collect();
            check_cue_words(Cue::Request, pick, &phrases);
        }
    }

    /// The dates of every sentence are those that the date regex finds in
    /// it: skipping sentences with no date word and no digit loses none.
    /// (The bundled texts include u02, whose dateline headings of another
    /// year change the reference of their sections.)
    #[test]
    fn date_cue_skips_no_date() {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let check = |text: &str| {
            for date in [None, PartialDate::new(2022, Some(10), Some(13)).ok()] {
                let doc = Doc::new(text, &gazetteer, date);
                let headline = doc.sentences.first().and_then(|first| {
                    dates::find_dates(text, first.span, None)
                        .into_iter()
                        .find(|d| d.date.month.is_none())
                        .map(|d| d.date)
                });
                assert_eq!(doc.reference, date.or(headline), "{text:?}");
                for (idx, sentence) in doc.sentences.iter().enumerate() {
                    // Under a heading of another year, the heading is the
                    // reference.
                    let reference = match doc.heading_at[idx] {
                        Some(h) if doc.reference.is_none_or(|r| r.year != h.year) => Some(h),
                        _ => doc.reference,
                    };
                    let want = dates::find_dates(text, sentence.span, reference);
                    assert_eq!(doc.dates[idx], want, "{:?}", sentence.span.slice(text));
                }
            }
        };
        for phrase in dates::tests::DATE_PHRASES {
            check(phrase);
            check(&format!("Headline of {phrase}\nIt was {phrase}."));
        }
        for (_path, text) in crate::bundled_texts() {
            check(&text);
        }
    }

    #[test]
    fn finds_words_on_boundaries() {
        let text = "The bloc, blocked. BLOC!";
        let got: Vec<&str> = find_words(text, Span::new(0, text.len()), "bloc")
            .iter()
            .map(|s| s.slice(text))
            .collect();
        assert_eq!(got, vec!["bloc", "BLOC"]);
    }

    #[test]
    fn parses_counts() {
        assert_eq!(parse_count("2,500"), Some(2500));
        assert_eq!(parse_count("18 000"), Some(18000));
        assert_eq!(parse_count("no"), None);
    }
}
