//! Text helpers the extractors share: finding words on word boundaries,
//! char boundaries, counts as news writes them, and the regex machinery
//! (the `regex!` macro, ASCII word boundaries, and the cue pre-filter that
//! lets a family's regexes skip sentences without one of its words).
//! Nothing here knows a relation or makes a claim. Pure: no IO, no RDF.

/// Defines a function returning a lazily compiled, shared `Regex`, seen by
/// the whole of `extract` (whose cue test, below, checks [`find_cues`]
/// against the patterns). `#[macro_use] mod text` comes first in
/// `extract/mod.rs`, so that every rule module can use it.
macro_rules! regex {
    ($name:ident, $pattern:expr) => {
        pub(super) fn $name() -> &'static regex::Regex {
            static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            RE.get_or_init(|| {
                #[allow(clippy::expect_used)] // invariant: a literal pattern that compiles
                regex::Regex::new(&$crate::extract::text::ascii_boundaries($pattern))
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

use crate::mention::patterns::CuePatterns;
use crate::segment::Sentence;
use crate::span::Span;

use super::dates;

/// Families of cue patterns that run on a sentence only when one of their
/// literals stands in it (`find_cues`): many sentences have none, and one
/// automaton pass over the article is cheaper than each pattern over each
/// sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    /// `CuePatterns::clash`.
    Clash,
    /// `CuePatterns::support`.
    Support,
    /// `CuePatterns::base`.
    Base,
    /// `CuePatterns::member`.
    Member,
    /// `CuePatterns::leave`.
    Leave,
    /// `CuePatterns::request_verb` and `CuePatterns::request_noun`.
    Request,
    /// `dates::regex`, whose matches contain one of `dates::date_words`
    /// or a digit (see `dates::may_contain_date`).
    Date,
}

/// A set of [`Cue`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct CueSet(u8);

impl CueSet {
    const ALL: CueSet = CueSet(u8::MAX);

    fn insert(&mut self, cue: Cue) {
        self.0 |= 1 << cue as u8;
    }

    pub(super) fn contains(self, cue: Cue) -> bool {
        self.0 & (1 << cue as u8) != 0
    }
}

/// Characters that a case-insensitive regex matches as an ASCII letter: the
/// Kelvin sign (`k`) and the long s (`s`). A sentence with one may match any
/// cue regex.
const CASE_FOLDS_TO_ASCII: [&str; 2] = ["\u{212A}", "\u{17F}"];

/// Which cue families each sentence may match: those one of whose pattern
/// prefixes stands in it (`CuePatterns::prefilter`, found from the data
/// patterns at load), or, for a family whose prefixes are no finite set,
/// those its pattern matches (run once over the text); and the dates, where
/// a date word stands.
pub(super) fn find_cues(text: &str, sentences: &[Sentence], patterns: &CuePatterns) -> Vec<CueSet> {
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
    // The cue families, in the order of `patterns::PREFILTERED`.
    let families = [
        (&patterns.clash, Cue::Clash),
        (&patterns.support, Cue::Support),
        (&patterns.base, Cue::Base),
        (&patterns.member, Cue::Member),
        (&patterns.leave, Cue::Leave),
        (&patterns.request_verb, Cue::Request),
        (&patterns.request_noun, Cue::Request),
    ];
    let prefilter = &patterns.prefilter;
    for found in prefilter.automaton.find_overlapping_iter(text) {
        let span = Span::new(found.start(), found.end());
        let range = sentences_of(span);
        let Some(at) = range.clone().find(|&i| sentences[i].span.contains(span)) else {
            continue;
        };
        if let Some(&(_, cue)) = prefilter
            .family_of
            .get(found.pattern().as_usize())
            .and_then(|&family| families.get(family))
        {
            cues[at].insert(cue);
        }
    }
    // A family with no finite set of prefixes: its pattern runs once over
    // the text and marks every sentence a match overlaps.
    for &family in &prefilter.unfiltered {
        let Some(&(re, cue)) = families.get(family) else {
            continue;
        };
        for found in re.find_iter(text) {
            for at in sentences_of(Span::new(found.start(), found.end().max(found.start() + 1))) {
                cues[at].insert(cue);
            }
        }
    }
    cues
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
    // Compared in place: no lower-cased copy of the sentence. The candidates
    // are the places of the needle's first byte in either case, found with
    // memchr's vector search. A match starts on a char boundary, as
    // `needle` is a whole string.
    let (haystack, needle) = (body.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return Vec::new();
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let find_from = |from: usize| {
        let last = haystack.len().checked_sub(needle.len())?;
        let mut at = from;
        while at <= last {
            let found = at + memchr::memchr2(lower, upper, &haystack[at..=last])?;
            if haystack[found..found + needle.len()].eq_ignore_ascii_case(needle) {
                return Some(found);
            }
            at = found + 1;
        }
        None
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
mod tests {
    use super::*;
    use crate::extract::Doc;

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
                "It suspends membership.",
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
