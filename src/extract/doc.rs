//! The analysed article: [`Doc`] holds an article's sentences, mentions,
//! dates, quotations and, per sentence, the alliance in focus, and dates a
//! sentence that names no date from its context ([`Doc::context_date`]:
//! "the same day", "in the same interview", date headings, the sentences
//! before it). Every extractor reads it; it makes no claims itself. Pure:
//! no IO, no RDF.

use crate::claim::{Claim, Object, Relation};
use crate::date::PartialDate;
use crate::mention::{
    find_mentions, sentence_starts, Entities, EntityClass, EntityRef, Gazetteer, Mention,
    MentionKind,
};
use crate::segment::{sentences, Sentence};
use crate::span::Span;

use super::dates::{self, DateMention};
use super::quote;
use super::text::{ascii_boundaries, ceil_boundary, find_cues, find_words, Cue, CueSet};

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
    pub fn cues(&self) -> &'a crate::mention::patterns::CuePatterns {
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

    /// Starts the claim that `subject` stands in `relation` to `object`.
    /// [`ClaimDraft::at`] says where the text states it and
    /// [`PlacedDraft::rule`] by which rule, which gives the [`Claim`]:
    ///
    /// ```text
    /// doc.claim(Relation::MemberOf, state, Object::Entity(alliance))
    ///     .at(idx, state_span.cover(cue))
    ///     .rule("membership.list", 0.85)
    /// ```
    ///
    /// Each step returns a different type, so none can be left out. Date and
    /// value start empty; the evidence is sentence `idx`.
    pub fn claim(&self, relation: Relation, subject: EntityRef, object: Object) -> ClaimDraft<'_> {
        ClaimDraft {
            sentences: &self.sentences,
            relation,
            subject,
            object,
        }
    }
}

/// What a claim states, before where and by which rule ([`Doc::claim`]).
#[derive(Debug)]
#[must_use = "a draft makes no claim: add .at(sentence, span).rule(rule, confidence)"]
pub struct ClaimDraft<'d> {
    sentences: &'d [Sentence],
    relation: Relation,
    subject: EntityRef,
    object: Object,
}

impl ClaimDraft<'_> {
    /// States the claim in sentence `sentence`, by the words `span`.
    pub fn at(self, sentence: usize, span: Span) -> PlacedDraft {
        PlacedDraft {
            relation: self.relation,
            subject: self.subject,
            object: self.object,
            sentence,
            span,
            evidence: self.sentences[sentence].span,
        }
    }
}

/// A claim with what it states and where, before the rule that found it
/// ([`ClaimDraft::at`]).
#[derive(Debug)]
#[must_use = "a draft makes no claim: add .rule(rule, confidence)"]
pub struct PlacedDraft {
    relation: Relation,
    subject: EntityRef,
    object: Object,
    sentence: usize,
    span: Span,
    evidence: Span,
}

impl PlacedDraft {
    /// The claim, found by `rule` with `confidence`.
    pub fn rule(self, rule: &'static str, confidence: f32) -> Claim {
        Claim {
            relation: self.relation,
            subject: self.subject,
            object: self.object,
            date: None,
            value: None,
            span: self.span,
            sentence: self.sentence,
            evidence: self.evidence,
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_claim_draft_fills_the_evidence_from_its_sentence() {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let text = "First one. Then the second sentence.";
        let doc = Doc::new(text, &gazetteer, None);
        let span = Span::new(16, 22);
        let claim = doc
            .claim(Relation::Said, EntityRef(1), Object::Quote("second".into()))
            .at(1, span)
            .rule("test.rule", 0.5);
        assert_eq!(
            (claim.relation, claim.subject, &claim.object),
            (
                Relation::Said,
                EntityRef(1),
                &Object::Quote("second".into())
            )
        );
        assert_eq!((claim.sentence, claim.span), (1, span));
        assert_eq!(claim.evidence.slice(text), "Then the second sentence.");
        assert_eq!((claim.rule, claim.confidence), ("test.rule", 0.5));
        assert_eq!((claim.date, claim.value), (None, None));
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
}
