//! Cue patterns: the regular expressions that find the triggers of the
//! extraction rules ("quit the organization", "asked Moscow for help",
//! "killed 12 soldiers"). Their words live in the pattern lists of
//! `ontology/phrasing.ttl` (`akg:pattern`, each one alternative in the
//! `regex` crate's syntax); what stays here is the shape that the rules
//! read back (a captured number, a named outcome group), with `%list%`
//! where a list's alternatives go. `%allianceName%` stands for every name of
//! every alliance in the gazetteer, so a new alliance needs no pattern.
//!
//! They are compiled once, when the ontology is loaded.

use regex::Regex;

use super::phrases::Phrasebook;

/// A pattern list that does not compile.
#[derive(Debug, thiserror::Error)]
#[error("the phrasing pattern {what} does not compile ({message}); fix it in the ontology's phrasing.ttl")]
pub struct PatternError {
    /// The pattern: its list and text, or the template it fills.
    pub what: String,
    /// The last line of the regex crate's message ("unclosed group").
    pub message: String,
}

impl PatternError {
    fn new(what: String, error: &dyn std::fmt::Display) -> Self {
        let full = error.to_string();
        let message = full
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .trim()
            .trim_start_matches("error: ")
            .to_string();
        PatternError { what, message }
    }
}

/// The families of patterns that the extractors run only on the sentences
/// where they match (`extract::text::find_cues`), in this order.
pub const PREFILTERED: [&str; 7] = [
    "clash",
    "support",
    "base",
    "member",
    "leave",
    "request_verb",
    "request_noun",
];

/// A literal pre-filter for the [`PREFILTERED`] families: the prefixes that
/// every match of a family's pattern starts with, or else the suffixes that
/// it ends with (ASCII case ignored), found from the patterns' syntax, so a
/// sentence without one is skipped without running the pattern.
#[derive(Clone, Debug)]
pub struct Prefilter {
    /// One automaton over the prefixes of every family that has a finite
    /// set of them.
    pub automaton: aho_corasick::AhoCorasick,
    /// Per pattern of the automaton, its family (an index of
    /// [`PREFILTERED`]).
    pub family_of: Vec<usize>,
    /// The families whose prefixes are not a finite set: their patterns run
    /// over the whole text instead.
    pub unfiltered: Vec<usize>,
}

/// The compiled cue patterns.
#[derive(Clone, Debug)]
pub struct CuePatterns {
    /// The literal pre-filter of the [`PREFILTERED`] families.
    pub prefilter: Prefilter,
    /// An invocation of a treaty article: "invoked", "appealed under".
    pub invoke: Regex,
    /// A verb phrase of a request for help: "called on the bloc for help".
    pub request_verb: Regex,
    /// A noun phrase of a request: "a request for military assistance".
    pub request_noun: Regex,
    /// A modal or condition word ("could", "if"): case matters.
    pub hypothetical: Regex,
    /// A negation of a request: "failed to", "did not".
    pub request_negation: Regex,
    /// An outcome of a request, in the named groups `ff`, `declined`,
    /// `ignored` and `granted`.
    pub outcome: Regex,
    /// A deployment: "deployed", "sent troops", "stationed".
    pub deploy: Regex,
    /// A number of troops, in the group `n`: "about 2,500 troops".
    pub troops: Regex,
    /// A noun for an operation or the forces of one.
    pub operation: Regex,
    /// A membership cue: "members", "made up of".
    pub member: Regex,
    /// A withdrawal cue: "quit", "suspended its membership".
    pub leave: Regex,
    /// A cue of a treaty's signatories: "signed", "acceded to".
    pub treaty_signed: Regex,
    /// A word of armed conflict: "clashes", "shelling".
    pub clash: Regex,
    /// A death toll, in the group `n`: "at least 24 people were killed".
    pub deaths: Regex,
    /// A death toll after the verb, in the group `k`: "killing 12 soldiers".
    pub killed: Regex,
    /// Cancelled exercises: "called off … drills".
    pub cancelled_exercise: Regex,
    /// Support of one state for another: "backs", "supported".
    pub support: Regex,
    /// A military base.
    pub base: Regex,
    /// A vote, in the group `pos`: "voted against", "abstained".
    pub vote: Regex,
}

/// The templates by the names of the fields of [`CuePatterns`], in their
/// order.
const TEMPLATES: [(&str, &str); 19] = [
    ("invoke", r"(?i)\b(?:formally\s+)?(?:%invokeCue%)\b"),
    ("request_verb", r"(?i)\b(?:%requestVerb%)"),
    ("request_noun", r"(?i)\b(?:%requestNoun%)"),
    ("hypothetical", r"\b(?:%hypotheticalWord%)\b"),
    ("request_negation", r"(?i)\b(?:%requestNegation%)\b"),
    (
        "outcome",
        r"(?i)(?P<ff>%outcomeFactFinding%)|(?P<declined>%outcomeDeclined%)|(?P<ignored>%outcomeIgnored%)|(?P<granted>%outcomeGranted%)",
    ),
    ("deploy", r"(?i)\b(?:%deployCue%)\b"),
    (
        "troops",
        r"(?i)\b(?:%approximately%)?\s*(?P<n>\d{1,3}(?:[,.\s]\d{3})+|\d+)\s+(?:\w+\s+)?(?:%troopNoun%)\b",
    ),
    ("operation", r"(?i)\b(?:%operationNoun%)\b"),
    (
        "member",
        r"(?i)\b(?:(?:%memberQualifier%)\s+)?(?:%memberCue%)\b",
    ),
    ("leave", r"(?i)\b(?:%leaveCue%)\b"),
    ("treaty_signed", r"(?i)\b(?:%treatyCue%)\b"),
    ("clash", r"(?i)\b(?:%clashCue%)\b"),
    (
        "deaths",
        r"(?i)(?:(?:%approximately%)\s+)?(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s+(?:(?:[\w’'-]+\s+)?(?:%casualtyNoun%)\s*)?(?:were\s+|have\s+been\s+|had\s+been\s+)?(?:%deathWord%)\b",
    ),
    (
        "killed",
        r"(?i)\b(?:%killVerb%)\s+(?:(?:%approximately%)\s+)?(?P<k>\d{1,3}(?:,\d{3})+|\d+)\s+(?:%casualtyNoun%)",
    ),
    (
        "cancelled_exercise",
        r"(?i)\b(?:%cancelVerb%)\b[^.]{0,80}?\b(?:%exerciseNoun%)\b",
    ),
    ("support", r"(?i)\b(?:%supportVerb%)\b"),
    (
        "base",
        r"(?i)\b(?:\d+(?:st|nd|rd|th)\s+)?(?:military\s+)?(?:%baseNoun%)\b",
    ),
    ("vote", r"(?i)\b(?P<pos>%voteCue%)\b"),
];

/// A pattern that matches nothing: an empty or unknown list.
const NOTHING: &str = r"[^\s\S]";

impl CuePatterns {
    /// Compiles the patterns from `phrases` and the names of the alliances.
    pub fn compile(phrases: &Phrasebook, alliance_names: &[String]) -> Result<Self, PatternError> {
        let mut names: Vec<String> = alliance_names.iter().map(|n| regex::escape(n)).collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        let names = if names.is_empty() {
            NOTHING.to_string()
        } else {
            names.join("|")
        };
        // Each pattern alone first, so that an error names its list.
        for list in phrases.pattern_lists() {
            for pattern in phrases.patterns(list) {
                let expanded = expand(pattern, phrases, &names, 1);
                Regex::new(&expanded)
                    .map_err(|e| PatternError::new(format!("lex:{list} \"{pattern}\""), &e))?;
            }
        }
        let expanded: Vec<(&'static str, String)> = TEMPLATES
            .iter()
            .map(|&(field, template)| (field, expand(template, phrases, &names, 0)))
            .collect();
        let mut compiled = Vec::with_capacity(TEMPLATES.len());
        for ((_, pattern), (_, template)) in expanded.iter().zip(TEMPLATES) {
            let re = Regex::new(&ascii_boundaries(pattern))
                .map_err(|e| PatternError::new(template.to_string(), &e))?;
            compiled.push(re);
        }
        let prefilter = prefilter(&expanded)?;
        let mut it = compiled.into_iter();
        let mut next = || it.next().unwrap_or_else(never);
        Ok(CuePatterns {
            prefilter,
            invoke: next(),
            request_verb: next(),
            request_noun: next(),
            hypothetical: next(),
            request_negation: next(),
            outcome: next(),
            deploy: next(),
            troops: next(),
            operation: next(),
            member: next(),
            leave: next(),
            treaty_signed: next(),
            clash: next(),
            deaths: next(),
            killed: next(),
            cancelled_exercise: next(),
            support: next(),
            base: next(),
            vote: next(),
        })
    }
}

impl Default for CuePatterns {
    /// Patterns that match nothing: no phrasing loaded.
    fn default() -> Self {
        #[allow(clippy::expect_used)] // invariant: tested; empty lists leave the templates valid
        CuePatterns::compile(&Phrasebook::default(), &[]).expect("templates compile")
    }
}

/// The literal pre-filter of the [`PREFILTERED`] families of `patterns`
/// (field name, expanded pattern): each pattern's prefix (else suffix)
/// literals, read case-sensitively from its syntax tree and matched
/// ignoring ASCII case.
fn prefilter(patterns: &[(&'static str, String)]) -> Result<Prefilter, PatternError> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let mut literals: Vec<Vec<u8>> = Vec::new();
    let mut family_of = Vec::new();
    let mut unfiltered = Vec::new();
    for (family, name) in PREFILTERED.iter().enumerate() {
        let Some((_, pattern)) = patterns.iter().find(|(field, _)| field == name) else {
            continue;
        };
        // Case-sensitive: the automaton folds ASCII case itself, and a
        // case-folded tree has too many literals to be finite.
        let bare = pattern.replace("(?i)", "");
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&bare)
            .map_err(|e| PatternError::new(format!("{name} (pre-filter)"), &e))?;
        // The prefixes, else the suffixes ("the 102nd military base" has no
        // finite set of prefixes): either way a literal inside every match.
        let finite = [ExtractKind::Prefix, ExtractKind::Suffix]
            .into_iter()
            .map(|kind| Extractor::new().kind(kind).extract(&hir))
            .find_map(|seq| {
                seq.literals()
                    .filter(|found| !found.is_empty() && found.iter().all(|l| !l.is_empty()))
                    .map(|found| {
                        found
                            .iter()
                            .map(|l| l.as_bytes().to_vec())
                            .collect::<Vec<_>>()
                    })
            });
        match finite {
            Some(found) => {
                family_of.extend(std::iter::repeat_n(family, found.len()));
                literals.extend(found);
            }
            None => unfiltered.push(family),
        }
    }
    let automaton = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&literals)
        .map_err(|e| PatternError::new("the pre-filter".to_string(), &e))?;
    Ok(Prefilter {
        automaton,
        family_of,
        unfiltered,
    })
}

/// A regex that matches nothing.
fn never() -> Regex {
    #[allow(clippy::expect_used)] // invariant: a constant pattern that compiles
    Regex::new(NOTHING).expect("the empty class compiles")
}

/// `template` with each `%list%` replaced by the alternatives of that
/// pattern list (themselves expanded, three levels deep at most) and
/// `%allianceName%` by `names`.
fn expand(template: &str, phrases: &Phrasebook, names: &str, depth: usize) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('%') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('%') else { break };
        let name = &after[..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            out.push_str(&rest[..=open]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..open]);
        let alternatives = if name == "allianceName" {
            names.to_string()
        } else {
            let list = phrases.patterns(name);
            if list.is_empty() || depth >= 3 {
                NOTHING.to_string()
            } else {
                list.iter()
                    .map(|p| expand(p, phrases, names, depth + 1))
                    .collect::<Vec<_>>()
                    .join("|")
            }
        };
        out.push_str("(?:");
        out.push_str(&alternatives);
        out.push(')');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Rewrites `\b` as the ASCII word boundary `(?-u:\b)`: a Unicode `\b`
/// stops the regex crate's lazy DFA at the first non-ASCII character (every
/// curly quote and dash of a news article). Around English cue words and
/// digits the two agree.
fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_fill_their_places_and_an_empty_list_matches_nothing() {
        let mut phrases = Phrasebook::default();
        phrases.insert_pattern("leaveCue", "quit");
        phrases.insert_pattern("leaveCue", r"pulled\s+out");
        phrases.insert_pattern("memberCue", "members?");
        phrases.insert_pattern(
            "requestVerb",
            r"appeal(?:ed)?\s+to\s+(?:the\s+)?%allianceName%",
        );
        let patterns = CuePatterns::compile(&phrases, &["Southern Pact".to_string()]).unwrap();
        assert!(patterns.leave.is_match("Georgia pulled  out in 1999"));
        assert!(!patterns.leave.is_match("a quitter"));
        assert!(patterns.member.is_match("a Member"));
        assert!(patterns
            .request_verb
            .is_match("it appealed to the Southern Pact"));
        assert!(!patterns.clash.is_match("clashes"));
        assert!(!patterns.clash.is_match(""));
    }

    #[test]
    fn a_pattern_that_does_not_compile_is_named() {
        let mut phrases = Phrasebook::default();
        phrases.insert_pattern("clashCue", "clash(");
        let err = CuePatterns::compile(&phrases, &[]).unwrap_err();
        assert!(err.to_string().contains("lex:clashCue \"clash(\""), "{err}");
        assert!(err.to_string().contains("unclosed group"), "{err}");
        assert_eq!(err.to_string().lines().count(), 1, "{err}");
    }

    #[test]
    fn the_project_phrasing_compiles() {
        let gazetteer = crate::rdf::ontology::load_embedded().unwrap().gazetteer;
        let p = &gazetteer.cues;
        assert!(p.leave.is_match("Uzbekistan suspended its membership"));
        assert!(p.request_verb.is_match("Armenia appealed to the CSTO"));
        let caps = p.troops.captures("about 2,500 troops").unwrap();
        assert_eq!(&caps["n"], "2,500");
        // Every pre-filtered family has a finite set of prefixes: no
        // pattern has to run over whole articles.
        assert!(
            p.prefilter.unfiltered.is_empty(),
            "{:?}",
            p.prefilter.unfiltered
        );
        assert!(p
            .outcome
            .captures("the bloc turned the request down")
            .unwrap()
            .name("declined")
            .is_some());
    }
}
