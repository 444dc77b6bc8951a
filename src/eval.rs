//! Scores claims against gold facts: the gold scorer
//! `tests/fixtures/gold/evalfacts.py`, ported rule for rule, behind
//! `akg eval`.
//!
//! Both sides are [`SchemaRow`]s in the gold schema's columns
//! (tests/fixtures/gold/SCHEMA.md): the lines of a gold file
//! ([`parse_gold`]), and the store's claims as `akg facts` prints them.
//! [`score`] matches them as evalfacts.py does:
//!
//! - Only the articles the gold names are scored: a claim about any other
//!   article is ignored. `articles` narrows both sides to some articles, and
//!   `min_quote_words` drops the `said` rows whose quotation has fewer than N
//!   `\w+` words from both sides, before the gold's articles are counted.
//! - Per article and relation, each side is deduplicated first (a row that
//!   matches a row kept before it is dropped). Then each gold row, in order,
//!   takes the first claim not yet taken that matches it: greedy, not an
//!   optimal assignment.
//! - Names match when they [`fold`] to the same text (accents, case,
//!   punctuation and the alias table [`aliases`]), or when every content
//!   word of the shorter is in the longer and the shorter has two words or
//!   the longer at most three ([`name_match`]). Quotes match when their
//!   content words overlap strongly ([`quote_match`]), roles when most
//!   content words of the shorter are in the longer ([`role_match`]). A
//!   `clashed_with` pair matches in either order.
//! - With [`EntityNames`], two names also match when both are labels of one
//!   gazetteer entity.
//!
//! The date, value and exact names of matched facts are tallied; they do not
//! decide a match.
//!
//! Pure: bytes and rows in, a [`Report`] out; no IO, no oxigraph. The
//! writers write to a given `io::Write`.

mod gold;
mod output;

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde::Serialize;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

pub use self::gold::{parse_gold, GoldError};
pub use self::output::{write_json, write_table};

/// The gold schema's columns, in their order.
pub const COLUMNS: [&str; 7] = [
    "article", "relation", "subject", "object", "date", "value", "evidence",
];

/// The columns as a list, for messages.
const COLUMN_LIST: &str = "article, relation, subject, object, date, value, evidence";

/// The relations scored, in the order of the table. Gold rows of other
/// relations are read and ignored.
pub const CORE_RELATIONS: [&str; 8] = [
    "member_of",
    "former_member_of",
    "invoked",
    "requested_assistance",
    "deployed_to",
    "clashed_with",
    "said",
    "holds_role",
];

/// evalfacts.py's alias table (`ontology/gold-aliases.tsv`): a folded
/// name and the folded canonical name it stands for.
pub fn aliases() -> &'static [(String, String)] {
    static TABLE: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../ontology/gold-aliases.tsv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t'))
            .map(|(alias, name)| (alias.to_string(), name.to_string()))
            .collect()
    })
}

/// Words that never count as content words.
const STOP_WORDS: [&str; 12] = [
    "the", "of", "a", "an", "and", "in", "to", "s", "for", "on", "at", "its",
];

const CLASHED_WITH: &str = "clashed_with";
const SAID: &str = "said";
const HOLDS_ROLE: &str = "holds_role";

/// One row in the gold schema's columns: a gold fact, or a claim of the
/// store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SchemaRow {
    /// The article id.
    pub article: String,
    /// The relation (see [`CORE_RELATIONS`]).
    pub relation: String,
    /// The subject's name.
    pub subject: String,
    /// The object's name, the quotation or the role.
    pub object: String,
    /// The date, or empty.
    pub date: String,
    /// The value, or empty.
    pub value: String,
    /// The evidence: a sentence or part of one.
    pub evidence: String,
    /// For a claim, the rule that made it; empty for gold.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rule: String,
}

impl SchemaRow {
    /// A row from its columns in [`COLUMNS`] order, each stripped of
    /// surrounding whitespace as evalfacts.py strips them.
    pub fn from_columns(columns: [&str; 7], rule: &str) -> Self {
        let [article, relation, subject, object, date, value, evidence] =
            columns.map(|column| strip(column).to_owned());
        SchemaRow {
            article,
            relation,
            subject,
            object,
            date,
            value,
            evidence,
            rule: rule.to_owned(),
        }
    }
}

/// Python's `str.strip()`: Unicode whitespace and the separators
/// U+001C–U+001F.
fn strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

// ---------------------------------------------------------------------------
// Matching names, quotes and roles

/// evalfacts.py's `fold`: NFKD, combining marks dropped, lower case, the
/// ASCII letters and digits only (every other character separates words),
/// the words joined by one space, then looked up in [`aliases`].
pub fn fold(name: &str) -> String {
    let bare: String = name
        .nfkd()
        .filter(|&c| canonical_combining_class(c) == 0)
        .collect();
    let lower = bare.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|word| !word.is_empty())
        .collect();
    let folded = words.join(" ");
    match aliases().iter().find(|(alias, _)| *alias == folded) {
        Some((_, canonical)) => (*canonical).to_owned(),
        None => folded,
    }
}

/// The content words of a name: the words of its [`fold`], less
/// [`STOP_WORDS`].
fn content_words(text: &str) -> BTreeSet<String> {
    fold(text)
        .split(' ')
        .filter(|word| !word.is_empty() && !STOP_WORDS.contains(word))
        .map(str::to_owned)
        .collect()
}

/// evalfacts.py's `name_match`: the same [`fold`], or all content words of
/// the shorter name in the longer, where the shorter has two words or more
/// or the longer three at most ("Sidorov" is "Anatoly Sidorov").
pub fn name_match(a: &str, b: &str) -> bool {
    if fold(a) == fold(b) {
        return true;
    }
    let (words_a, words_b) = (content_words(a), content_words(b));
    if words_a.is_empty() || words_b.is_empty() {
        return false;
    }
    let (shorter, longer) = if words_a.len() <= words_b.len() {
        (words_a, words_b)
    } else {
        (words_b, words_a)
    };
    shorter.is_subset(&longer) && (shorter.len() >= 2 || longer.len() <= 3)
}

/// evalfacts.py's `quote_match`: shared content words are at least 70% of
/// the longer quote's, or at least 90% of the shorter's when that has four
/// or more. Quotes without content words match when they fold the same.
pub fn quote_match(a: &str, b: &str) -> bool {
    let (words_a, words_b) = (content_words(a), content_words(b));
    if words_a.is_empty() || words_b.is_empty() {
        return fold(a) == fold(b);
    }
    let shared = words_a.intersection(&words_b).count() as f64;
    let (n_a, n_b) = (words_a.len(), words_b.len());
    let (n_min, n_max) = (n_a.min(n_b), n_a.max(n_b));
    shared / n_max as f64 >= 0.7 || (shared / n_min as f64 >= 0.9 && n_min >= 4)
}

/// evalfacts.py's `role_match`: at least 60% of the shorter role's content
/// words are in the other.
pub fn role_match(a: &str, b: &str) -> bool {
    let (words_a, words_b) = (content_words(a), content_words(b));
    if words_a.is_empty() || words_b.is_empty() {
        return false;
    }
    let shared = words_a.intersection(&words_b).count() as f64;
    shared / words_a.len().min(words_b.len()) as f64 >= 0.6
}

/// The number of `\w+` words of a text, as Python counts them (letters,
/// digits and `_`).
pub fn count_words(text: &str) -> usize {
    static WORD: OnceLock<regex::Regex> = OnceLock::new();
    WORD.get_or_init(|| {
        #[allow(clippy::expect_used)] // invariant: a literal pattern that compiles
        regex::Regex::new(r"[\p{L}\p{N}_]+").expect("word pattern")
    })
    .find_iter(text)
    .count()
}

/// Python's `str.casefold()` for the scripts names are written in: lower
/// case, with ß as ss, the Latin ligatures spelled out and Greek's variant
/// letters (final sigma among them) as their plain forms.
pub fn casefold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        let plain = match c {
            'ß' | 'ẞ' => "ss",
            'ﬀ' => "ff",
            'ﬁ' => "fi",
            'ﬂ' => "fl",
            'ﬃ' => "ffi",
            'ﬄ' => "ffl",
            'ﬅ' | 'ﬆ' => "st",
            'ŉ' => "ʼn",
            'ſ' => "s",
            'µ' => "μ",
            'ς' => "σ",
            'ϐ' => "β",
            'ϑ' => "θ",
            'ϕ' => "φ",
            'ϖ' => "π",
            'ϰ' => "κ",
            'ϱ' => "ρ",
            'ϵ' => "ε",
            _ => {
                folded.extend(c.to_lowercase());
                continue;
            }
        };
        folded.push_str(plain);
    }
    folded
}

/// Names that are labels of one gazetteer entity (its `skos:prefLabel` and
/// `skos:altLabel`s), compared folded.
#[derive(Clone, Debug, Default)]
pub struct EntityNames {
    /// Folded label → the entities it names.
    entities_by_label: HashMap<String, Vec<String>>,
}

impl EntityNames {
    /// The table of `(entity, label)` pairs.
    pub fn new<'a>(labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut entities_by_label: HashMap<String, Vec<String>> = HashMap::new();
        for (entity, label) in labels {
            let entities = entities_by_label.entry(fold(label)).or_default();
            if !entities.iter().any(|known| known == entity) {
                entities.push(entity.to_owned());
            }
        }
        EntityNames { entities_by_label }
    }

    /// Whether `a` and `b` are labels of one entity.
    pub fn same_entity(&self, a: &str, b: &str) -> bool {
        match (
            self.entities_by_label.get(&fold(a)),
            self.entities_by_label.get(&fold(b)),
        ) {
            (Some(of_a), Some(of_b)) => of_a.iter().any(|entity| of_b.contains(entity)),
            _ => false,
        }
    }
}

/// Decides whether two rows of a relation state the same fact.
#[derive(Clone, Copy, Debug, Default)]
struct Matcher<'a> {
    entity_names: Option<&'a EntityNames>,
}

impl Matcher<'_> {
    fn names_match(self, a: &str, b: &str) -> bool {
        name_match(a, b)
            || self
                .entity_names
                .is_some_and(|names| names.same_entity(a, b))
    }

    /// evalfacts.py's `fact_match`.
    fn facts_match(self, relation: &str, gold: &SchemaRow, predicted: &SchemaRow) -> bool {
        let subjects_match = self.names_match(&gold.subject, &predicted.subject);
        match relation {
            CLASHED_WITH => {
                (subjects_match && self.names_match(&gold.object, &predicted.object))
                    || (self.names_match(&gold.subject, &predicted.object)
                        && self.names_match(&gold.object, &predicted.subject))
            }
            _ if !subjects_match => false,
            SAID => quote_match(&gold.object, &predicted.object),
            HOLDS_ROLE => role_match(&gold.object, &predicted.object),
            _ => self.names_match(&gold.object, &predicted.object),
        }
    }

    /// The rows that match no row kept before them.
    fn dedup<'r>(self, relation: &str, rows: &[&'r SchemaRow]) -> Vec<&'r SchemaRow> {
        let mut kept: Vec<&SchemaRow> = Vec::with_capacity(rows.len());
        for row in rows {
            if !kept.iter().any(|k| self.facts_match(relation, k, row)) {
                kept.push(row);
            }
        }
        kept
    }

    /// An article's rows of a relation, deduplicated.
    fn dedup_group<'r>(
        self,
        groups: &Groups<'r>,
        article: &str,
        relation: &str,
    ) -> Vec<&'r SchemaRow> {
        groups
            .get(&(article, relation))
            .map(|rows| self.dedup(relation, rows))
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------
// Scoring

/// What to score.
#[derive(Clone, Debug, Default)]
pub struct EvalOptions<'a> {
    /// Only these articles (both sides); `None` for all.
    pub articles: Option<BTreeSet<String>>,
    /// Drop `said` rows whose quotation has fewer `\w+` words (0: keep all).
    pub min_quote_words: usize,
    /// Also match names through the gazetteer.
    pub entity_names: Option<&'a EntityNames>,
}

/// True positives, false positives and false negatives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Gold facts matched by a claim.
    pub true_positives: usize,
    /// Claims that match no gold fact.
    pub false_positives: usize,
    /// Gold facts that no claim matches.
    pub false_negatives: usize,
}

impl Counts {
    /// Gold facts (after deduplication).
    pub fn gold(self) -> usize {
        self.true_positives + self.false_negatives
    }

    /// Predicted facts (after deduplication).
    pub fn predicted(self) -> usize {
        self.true_positives + self.false_positives
    }

    /// Precision, 0 when nothing was predicted.
    pub fn precision(self) -> f64 {
        ratio(self.true_positives, self.predicted())
    }

    /// Recall, 0 when the gold is empty.
    pub fn recall(self) -> f64 {
        ratio(self.true_positives, self.gold())
    }

    /// F1 of the unrounded precision and recall, computed as evalfacts.py
    /// computes it.
    pub fn f1(self) -> f64 {
        let (precision, recall) = (self.precision(), self.recall());
        if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        }
    }

    fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// How many matched facts agree with the gold on one attribute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Those that agree.
    pub matching: usize,
    /// Those compared.
    pub total: usize,
}

impl Tally {
    fn count(&mut self, agrees: bool) {
        self.total += 1;
        self.matching += usize::from(agrees);
    }
}

/// The attributes of matched facts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AttributeTallies {
    /// Matched facts whose gold has a date: with the same date.
    pub date: Tally,
    /// Matched facts whose gold has a value: with the same value.
    pub value: Tally,
    /// Names of matched facts spelled as the gold spells them (case
    /// aside): subjects, and the objects of relations between entities
    /// (a `clashed_with` pair counts once).
    pub exact_canonical_names: Tally,
}

/// A compared attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Attribute {
    /// The date column.
    Date,
    /// The value column.
    Value,
}

impl Attribute {
    fn of(self, row: &SchemaRow) -> &str {
        match self {
            Attribute::Date => &row.date,
            Attribute::Value => &row.value,
        }
    }

    /// The word evalfacts.py's verbose lines start with.
    fn label(self) -> &'static str {
        match self {
            Attribute::Date => "DATE",
            Attribute::Value => "VALUE",
        }
    }
}

/// One difference between the claims and the gold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// A gold fact no claim matches.
    Miss(SchemaRow),
    /// A claim that matches no gold fact.
    Extra(SchemaRow),
    /// A matched fact whose date or value differs from the gold's.
    WrongAttribute {
        /// Which.
        attribute: Attribute,
        /// The gold fact.
        gold: SchemaRow,
        /// The claim that matched it.
        predicted: SchemaRow,
    },
}

/// The score of one relation.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationScore {
    /// The relation.
    pub relation: &'static str,
    /// Its counts over all scored articles.
    pub counts: Counts,
    /// Its misses, extras and wrong attributes, by article, in evalfacts.py's
    /// order.
    pub findings: Vec<Finding>,
}

/// The result of scoring.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The number of articles scored (those of the gold, after filters).
    pub n_articles: usize,
    /// One per [`CORE_RELATIONS`], in that order.
    pub relations: Vec<RelationScore>,
    /// Attributes of the matched facts.
    pub attributes: AttributeTallies,
}

impl Report {
    /// The counts over all relations.
    pub fn micro(&self) -> Counts {
        let mut total = Counts::default();
        for relation in &self.relations {
            total.add(relation.counts);
        }
        total
    }
}

/// Whether a row is a `said` whose quotation has fewer than `min_words`
/// `\w+` words.
fn is_short_quote(row: &SchemaRow, min_words: usize) -> bool {
    row.relation == SAID && count_words(&row.object) < min_words
}

/// Rows by article and relation, in their order.
type Groups<'r> = HashMap<(&'r str, &'r str), Vec<&'r SchemaRow>>;

fn group<'r>(rows: impl IntoIterator<Item = &'r SchemaRow>) -> Groups<'r> {
    let mut groups: Groups<'r> = HashMap::new();
    for row in rows {
        groups
            .entry((row.article.as_str(), row.relation.as_str()))
            .or_default()
            .push(row);
    }
    groups
}

/// Scores the claims (`predicted`, in `akg facts` order) against the gold,
/// as evalfacts.py does (see the module documentation).
pub fn score(gold: &[SchemaRow], predicted: &[SchemaRow], options: &EvalOptions) -> Report {
    let kept = |row: &&SchemaRow| {
        !is_short_quote(row, options.min_quote_words)
            && options
                .articles
                .as_ref()
                .is_none_or(|only| only.contains(&row.article))
    };
    let gold: Vec<&SchemaRow> = gold.iter().filter(kept).collect();
    let articles: BTreeSet<&str> = gold.iter().map(|row| row.article.as_str()).collect();
    let predicted = predicted
        .iter()
        .filter(kept)
        .filter(|row| articles.contains(row.article.as_str()));
    let (gold_groups, predicted_groups) = (group(gold.iter().copied()), group(predicted));
    let matcher = Matcher {
        entity_names: options.entity_names,
    };
    let mut attributes = AttributeTallies::default();
    let relations = CORE_RELATIONS
        .iter()
        .map(|&relation| {
            let mut relation_score = RelationScore {
                relation,
                counts: Counts::default(),
                findings: Vec::new(),
            };
            for &article in &articles {
                let gold_rows = matcher.dedup_group(&gold_groups, article, relation);
                let predicted_rows = matcher.dedup_group(&predicted_groups, article, relation);
                score_article(
                    matcher,
                    &gold_rows,
                    &predicted_rows,
                    &mut relation_score,
                    &mut attributes,
                );
            }
            relation_score
        })
        .collect();
    Report {
        n_articles: articles.len(),
        relations,
        attributes,
    }
}

/// Matches one article's deduplicated rows of one relation: each gold row
/// takes the first free claim that matches it.
fn score_article(
    matcher: Matcher<'_>,
    gold: &[&SchemaRow],
    predicted: &[&SchemaRow],
    relation_score: &mut RelationScore,
    attributes: &mut AttributeTallies,
) {
    let relation = relation_score.relation;
    let mut taken = vec![false; predicted.len()];
    for gold_row in gold {
        let hit = (0..predicted.len())
            .find(|&idx| !taken[idx] && matcher.facts_match(relation, gold_row, predicted[idx]));
        match hit {
            None => {
                relation_score.counts.false_negatives += 1;
                relation_score
                    .findings
                    .push(Finding::Miss((*gold_row).clone()));
            }
            Some(idx) => {
                taken[idx] = true;
                relation_score.counts.true_positives += 1;
                let wrong = tally_attributes(relation, gold_row, predicted[idx], attributes);
                relation_score.findings.extend(wrong);
            }
        }
    }
    for (row, _) in predicted.iter().zip(&taken).filter(|(_, &taken)| !taken) {
        relation_score.counts.false_positives += 1;
        relation_score.findings.push(Finding::Extra((*row).clone()));
    }
}

/// Tallies a matched pair's date, value and names; returns the date and
/// value that differ.
fn tally_attributes(
    relation: &str,
    gold: &SchemaRow,
    predicted: &SchemaRow,
    attributes: &mut AttributeTallies,
) -> Vec<Finding> {
    let mut wrong = Vec::new();
    for attribute in [Attribute::Date, Attribute::Value] {
        let wanted = attribute.of(gold);
        if wanted.is_empty() {
            continue;
        }
        let agrees = attribute.of(predicted) == wanted;
        match attribute {
            Attribute::Date => attributes.date.count(agrees),
            Attribute::Value => attributes.value.count(agrees),
        }
        if !agrees {
            wrong.push(Finding::WrongAttribute {
                attribute,
                gold: gold.clone(),
                predicted: predicted.clone(),
            });
        }
    }
    for (wanted, got) in compared_names(relation, gold, predicted) {
        attributes
            .exact_canonical_names
            .count(casefold(&wanted) == casefold(&got));
    }
    wrong
}

/// The gold and predicted names whose spelling is tallied.
fn compared_names(
    relation: &str,
    gold: &SchemaRow,
    predicted: &SchemaRow,
) -> Vec<(String, String)> {
    if relation == CLASHED_WITH {
        let pair = |row: &SchemaRow| {
            let mut pair = [row.subject.as_str(), row.object.as_str()];
            pair.sort_unstable();
            pair.join(" / ")
        };
        return vec![(pair(gold), pair(predicted))];
    }
    let mut names = vec![(gold.subject.clone(), predicted.subject.clone())];
    if relation != SAID && relation != HOLDS_ROLE {
        names.push((gold.object.clone(), predicted.object.clone()));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected values below are what evalfacts.py answers for the same
    // inputs (checked with python3 when these tests were written).

    fn check_fold(name: &str, expected: &str) {
        assert_eq!(fold(name), expected, "fold({name:?})");
    }

    #[test]
    fn fold_drops_accents_case_and_punctuation_then_applies_the_aliases() {
        check_fold("Kassym-Jomart Tokayev", "kassym jomart tokayev");
        check_fold("Qasym-Zhomart Toqaev", "kassym jomart tokayev");
        check_fold("CSTO’s", "csto s");
        check_fold("The CSTO", "csto");
        check_fold("Pashinián", "nikol pashinyan");
        check_fold("Ærø Straße", "r stra e");
        check_fold("xİstanbul", "xistanbul");
        check_fold("Article 4 of the Collective Security Treaty", "article 4");
        check_fold("", "");
    }

    fn check_names(a: &str, b: &str, expected: bool) {
        assert_eq!(name_match(a, b), expected, "name_match({a:?}, {b:?})");
        assert_eq!(name_match(b, a), expected, "name_match({b:?}, {a:?})");
    }

    #[test]
    fn name_match_is_evalfacts_name_match() {
        check_names("Pashinyan", "Nikol Pashinyan", true);
        check_names("President Vladimir Putin", "Vladimir Putin", true);
        check_names("Putin", "Russian President Vladimir Putin", true);
        check_names("Armenia", "Azerbaijan", false);
        check_names("Russia", "Russian Federation", true);
        check_names("Kyrgyz Republic", "Kyrgyzstan", true);
        // One word matches a name of at most three words, not a longer one.
        check_names("Sidorov", "Anatoly Sidorov", true);
        check_names("Sidorov", "Colonel General Anatoly Sidorov", false);
        check_names("", "", true);
        check_names("", "Armenia", false);
        check_names("Kassym-Jomart Tokayev", "Qasym-Zhomart Toqaev", true);
        check_names("Nikol Pashinián", "NIKOL PASHINYAN", true);
        check_names("the CSTO", "Collective Security Treaty Organisation", true);
        check_names("Tajikistan", "Tadjikistan", false);
        check_names("Prime Minister of Armenia", "Armenia", true);
    }

    #[test]
    fn quote_match_is_evalfacts_quote_match() {
        let check = |a: &str, b: &str, expected: bool| {
            assert_eq!(quote_match(a, b), expected, "quote_match({a:?}, {b:?})");
        };
        check(
            "we will not leave the CSTO",
            "We will not leave the CSTO.",
            true,
        );
        check("did nothing at all", "nothing", false);
        // 7 of 10 content words: 70% of the longer.
        check(
            "the alliance is not working as it should",
            "Frankly, the alliance is not working as it should, he said",
            true,
        );
        // All of a shorter quote of four content words.
        check(
            "alliance is not working",
            "frankly the alliance is not working and we all know it",
            true,
        );
        // All of a shorter quote of three: not enough.
        check(
            "alliance not working",
            "frankly the alliance is not working and we all know it",
            false,
        );
        check("the", "the", true);
        check("the", "of", false);
        check("", "", true);
        check("a b c d e f g h i j", "a b c d e f g x y z", false);
    }

    #[test]
    fn role_match_is_evalfacts_role_match() {
        let check = |a: &str, b: &str, expected: bool| {
            assert_eq!(role_match(a, b), expected, "role_match({a:?}, {b:?})");
        };
        check("Prime Minister of Armenia", "Armenian Prime Minister", true);
        check(
            "President of Kazakhstan",
            "Prime Minister of Kazakhstan",
            false,
        );
        check("", "x", false);
        check(
            "Secretary General of the CSTO",
            "CSTO Secretary-General",
            true,
        );
        check(
            "Head of the CSTO mission in Armenia",
            "head of mission",
            true,
        );
    }

    #[test]
    fn words_are_counted_as_python_counts_backslash_w_plus() {
        let check = |text: &str, expected: usize| {
            assert_eq!(count_words(text), expected, "{text:?}");
        };
        check("don't stop — 2022-09 Да", 6);
        check("snake_case", 1);
        check("", 0);
        check("“ … ”", 0);
    }

    #[test]
    fn casefold_is_python_casefold_for_names() {
        let check = |a: &str, b: &str| assert_eq!(casefold(a), b, "{a:?}");
        check("Straße", "strasse");
        check("ΣΑΣ", "σασ");
        check("ﬁnal", "final");
        check("Nikol PASHINYAN", "nikol pashinyan");
    }

    fn row(article: &str, relation: &str, subject: &str, object: &str) -> SchemaRow {
        SchemaRow::from_columns([article, relation, subject, object, "", "", ""], "")
    }

    fn with_date(mut row: SchemaRow, date: &str) -> SchemaRow {
        row.date = date.to_owned();
        row
    }

    fn counts_of(report: &Report, relation: &str) -> (usize, usize, usize) {
        let counts = report
            .relations
            .iter()
            .find(|r| r.relation == relation)
            .map(|r| r.counts)
            .unwrap_or_default();
        (
            counts.true_positives,
            counts.false_positives,
            counts.false_negatives,
        )
    }

    #[test]
    fn matching_is_greedy_in_row_order() {
        // "Sidorov" (gold 1) matches both claims; "Colonel Ivan Petrovich
        // Sidorov" (gold 2) only "Ivan Sidorov". The claims do not match
        // each other, nor do the gold rows.
        let gold = [
            row("a", "invoked", "Sidorov", "Article 4"),
            row(
                "a",
                "invoked",
                "Colonel Ivan Petrovich Sidorov",
                "Article 4",
            ),
        ];
        let ivan = row("a", "invoked", "Ivan Sidorov", "Article 4");
        let anatoly = row("a", "invoked", "Anatoly Sidorov", "Article 4");
        let options = EvalOptions::default();
        // Gold 1 takes the first claim that matches it, so gold 2 misses.
        let report = score(&gold, &[ivan.clone(), anatoly.clone()], &options);
        assert_eq!(counts_of(&report, "invoked"), (1, 1, 1));
        let report = score(&gold, &[anatoly, ivan], &options);
        assert_eq!(counts_of(&report, "invoked"), (2, 0, 0));
    }

    #[test]
    fn duplicates_within_an_article_count_once() {
        let gold = [
            row("a", "member_of", "Armenia", "CSTO"),
            row("a", "member_of", "Republic of Armenia", "the CSTO"),
            row("b", "member_of", "Armenia", "CSTO"),
        ];
        let predicted = [
            row("a", "member_of", "Armenia", "CSTO"),
            row(
                "a",
                "member_of",
                "Armenia",
                "Collective Security Treaty Organization",
            ),
            row("b", "member_of", "Belarus", "CSTO"),
        ];
        let report = score(&gold, &predicted, &EvalOptions::default());
        assert_eq!(counts_of(&report, "member_of"), (1, 1, 1));
        assert_eq!(report.n_articles, 2);
    }

    #[test]
    fn a_clash_matches_in_either_order() {
        let gold = [row("a", "clashed_with", "Kyrgyzstan", "Tajikistan")];
        let predicted = [row("a", "clashed_with", "Tajikistan", "Kyrgyz Republic")];
        let report = score(&gold, &predicted, &EvalOptions::default());
        assert_eq!(counts_of(&report, "clashed_with"), (1, 0, 0));
        // The pair is one name tally, spelled differently.
        let names = report.attributes.exact_canonical_names;
        assert_eq!((names.matching, names.total), (0, 1));
    }

    #[test]
    fn claims_about_articles_without_gold_are_ignored() {
        let gold = [row("a", "member_of", "Armenia", "CSTO")];
        let predicted = [
            row("a", "member_of", "Armenia", "CSTO"),
            row("z", "member_of", "Belarus", "CSTO"),
        ];
        let report = score(&gold, &predicted, &EvalOptions::default());
        assert_eq!(report.micro().false_positives, 0);
        assert_eq!(report.micro().true_positives, 1);
    }

    #[test]
    fn articles_narrow_both_sides() {
        let gold = [
            row("a", "member_of", "Armenia", "CSTO"),
            row("b", "member_of", "Armenia", "CSTO"),
        ];
        let predicted = [row("b", "member_of", "Belarus", "CSTO")];
        let options = EvalOptions {
            articles: Some(BTreeSet::from(["a".to_owned()])),
            ..EvalOptions::default()
        };
        let report = score(&gold, &predicted, &options);
        assert_eq!(report.n_articles, 1);
        assert_eq!(counts_of(&report, "member_of"), (0, 0, 1));
    }

    #[test]
    fn short_quotes_are_dropped_from_both_sides_before_articles_are_counted() {
        let gold = [
            row("a", "said", "Sadyr Japarov", "did nothing at all"),
            row("b", "said", "Sadyr Japarov", "necessary measure"),
            row("c", "said", "Sadyr Japarov", "don't stop"),
        ];
        let predicted = [
            row("a", "said", "Japarov", "did nothing at all"),
            row("a", "said", "Japarov", "yes"),
            row("b", "said", "Japarov", "something else entirely said here"),
            row("c", "said", "Japarov", "don't stop"),
        ];
        let options = EvalOptions {
            min_quote_words: 3,
            ..EvalOptions::default()
        };
        let report = score(&gold, &predicted, &options);
        // b's only gold row is short, so b is not scored at all; "don't
        // stop" has three \w+ words.
        assert_eq!(report.n_articles, 2);
        assert_eq!(counts_of(&report, "said"), (2, 0, 0));
        let report = score(&gold, &predicted, &EvalOptions::default());
        assert_eq!(counts_of(&report, "said"), (2, 2, 1));
    }

    #[test]
    fn gazetteer_labels_of_one_entity_match() {
        let names = EntityNames::new([
            ("Tajikistan", "Tajikistan"),
            ("Tajikistan", "Tadjikistan"),
            ("Turkey", "Turkey"),
            ("Turkey", "Türkiye"),
        ]);
        let gold = [row("a", "member_of", "Tajikistan", "CSTO")];
        let predicted = [row("a", "member_of", "Tadjikistan", "CSTO")];
        let plain = score(&gold, &predicted, &EvalOptions::default());
        assert_eq!(counts_of(&plain, "member_of"), (0, 1, 1));
        let options = EvalOptions {
            entity_names: Some(&names),
            ..EvalOptions::default()
        };
        let through_gazetteer = score(&gold, &predicted, &options);
        assert_eq!(counts_of(&through_gazetteer, "member_of"), (1, 0, 0));
        assert!(names.same_entity("TURKIYE", "Turkey"));
        assert!(!names.same_entity("Turkey", "Tajikistan"));
        assert!(!names.same_entity("Uzbekistan", "Uzbekistan"));
    }

    #[test]
    fn matched_facts_tally_dates_values_and_names() {
        let gold = [
            with_date(row("a", "invoked", "Armenia", "Article 4"), "2022-09"),
            with_date(row("a", "said", "Nikol Pashinyan", "we will stay"), "2022"),
        ];
        let predicted = [
            with_date(row("a", "invoked", "Armenia", "Article 4"), "2022-09"),
            with_date(row("a", "said", "Pashinyan", "We will stay."), "2021"),
        ];
        let report = score(&gold, &predicted, &EvalOptions::default());
        let tallies = report.attributes;
        assert_eq!((tallies.date.matching, tallies.date.total), (1, 2));
        assert_eq!((tallies.value.matching, tallies.value.total), (0, 0));
        // Subject and object of invoked, the subject of said.
        let names = tallies.exact_canonical_names;
        assert_eq!((names.matching, names.total), (2, 3));
        let said = &report.relations[6];
        assert!(matches!(
            &said.findings[..],
            [Finding::WrongAttribute { attribute: Attribute::Date, predicted, .. }] if predicted.date == "2021"
        ));
    }

    #[test]
    fn the_table_is_laid_out_as_evalfacts_prints_it() {
        let gold = [
            row("a", "member_of", "Armenia", "CSTO"),
            row("a", "member_of", "Belarus", "CSTO"),
        ];
        let mut extra = row("a", "member_of", "Serbia", "CSTO");
        extra.evidence = "Serbia joined.".to_owned();
        extra.rule = "membership.list".to_owned();
        let predicted = [row("a", "member_of", "Armenia", "CSTO"), extra];
        let report = score(&gold, &predicted, &EvalOptions::default());
        let mut out = Vec::new();
        write_table(&report, true, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "relation                gold  pred   tp      P      R"
        );
        assert_eq!(lines[1], "  MISS a member_of Belarus | CSTO");
        assert_eq!(lines[2], "    evidence: (none given)");
        assert_eq!(lines[3], "  EXTRA a member_of Serbia | CSTO");
        assert_eq!(lines[4], "    evidence: Serbia joined.");
        assert_eq!(lines[5], "    rule: membership.list");
        assert_eq!(
            lines[6],
            "member_of                  2     2    1   0.50   0.50"
        );
        assert_eq!(
            lines[lines.len() - 2],
            "matched facts: date 0/0, value 0/0, exact canonical names 2/2"
        );
        assert_eq!(
            lines[lines.len() - 1],
            "micro P=0.500 R=0.500 F1=0.500 (tp=1 fp=1 fn=1)"
        );
    }

    #[test]
    fn json_has_the_numbers_and_with_verbose_the_findings() {
        let gold = [row("a", "member_of", "Armenia", "CSTO")];
        let report = score(&gold, &[], &EvalOptions::default());
        let mut out = Vec::new();
        write_json(&report, true, &mut out).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["micro"]["false_negatives"], 1);
        assert_eq!(json["relations"][0]["relation"], "member_of");
        assert_eq!(json["relations"][0]["gold"], 1);
        assert_eq!(json["misses"][0]["subject"], "Armenia");
        let mut out = Vec::new();
        write_json(&report, false, &mut out).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(json.get("misses").is_none());
    }
}
