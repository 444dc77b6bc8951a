//! Phrasing knowledge: named lists of English words and phrases that the
//! extractors' rules look for ("includes", "part of", "fellow"). They live
//! in `ontology/phrasing.ttl` (loaded by `rdf::ontology`, like the
//! gazetteer), so an analyst who meets a new phrasing adds a word there and
//! rebuilds: the rules in `extract/` stay general mechanism.

use std::collections::{BTreeMap, HashSet};

/// A set of words, hashed with FxHash: the rules look words up by the
/// thousand per article, and the default SipHash costs more than the rest
/// of the lookup for fixed lists.
pub type WordSet = HashSet<String, rustc_hash::FxBuildHasher>;

/// Named lists of phrases, each phrase lower case with single spaces, and
/// named lists of patterns (alternatives of a regular expression).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phrasebook {
    lists: BTreeMap<String, Vec<String>>,
    /// The same phrases as sets, lower case, for lookups.
    sets: BTreeMap<String, WordSet>,
    /// The phrases as written, for lists whose case matters ("Chancellor"
    /// before a name, but not "chancellor").
    written: BTreeMap<String, WordSet>,
    patterns: BTreeMap<String, Vec<String>>,
}

impl Phrasebook {
    /// Adds `phrase` to the list `list` (normalised: lower case, single
    /// spaces; an empty or punctuation-only phrase is ignored).
    pub fn insert(&mut self, list: &str, phrase: &str) {
        let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        if !phrase.chars().any(char::is_alphanumeric) {
            return;
        }
        self.written
            .entry(list.to_string())
            .or_default()
            .insert(phrase.clone());
        let phrases = self.lists.entry(list.to_string()).or_default();
        let phrase = phrase.to_lowercase();
        if !phrases.contains(&phrase) {
            phrases.push(phrase.clone());
            // Longest first: "is made up of" before "made up of".
            phrases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            self.sets
                .entry(list.to_string())
                .or_default()
                .insert(phrase);
        }
    }

    /// Adds `pattern`, one alternative of a regular expression, to the
    /// pattern list `list` (in the order given; blank ones are ignored).
    pub fn insert_pattern(&mut self, list: &str, pattern: &str) {
        let pattern = pattern.trim();
        if !pattern.is_empty() {
            let patterns = self.patterns.entry(list.to_string()).or_default();
            if !patterns.iter().any(|p| p == pattern) {
                patterns.push(pattern.to_string());
            }
        }
    }

    /// The phrases of `list`, longest first (none for an unknown list).
    pub fn get(&self, list: &str) -> &[String] {
        self.lists.get(list).map_or(&[], Vec::as_slice)
    }

    /// The names of the pattern lists.
    pub fn pattern_lists(&self) -> impl Iterator<Item = &str> {
        self.patterns.keys().map(String::as_str)
    }

    /// The patterns of pattern list `list`, in the order given.
    pub fn patterns(&self, list: &str) -> &[String] {
        self.patterns.get(list).map_or(&[], Vec::as_slice)
    }

    /// Whether `word` (compared ignoring case) is one of `list`.
    pub fn contains(&self, list: &str, word: &str) -> bool {
        let Some(set) = self.sets.get(list) else {
            return false;
        };
        if word.bytes().any(|b| b.is_ascii_uppercase()) || !word.is_ascii() {
            set.contains(&word.to_lowercase())
        } else {
            set.contains(word)
        }
    }

    /// Whether `word` is one of `list` as written there, case and all
    /// ("president" but not "President").
    pub fn contains_as_written(&self, list: &str, word: &str) -> bool {
        self.written.get(list).is_some_and(|set| set.contains(word))
    }

    /// The set of `list` as written, case and all (empty for an unknown
    /// list).
    pub fn written(&self, list: &str) -> WordSet {
        self.written.get(list).cloned().unwrap_or_default()
    }

    /// The names of the lists.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.lists.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules name their phrase lists by string: a misspelt name would
    /// read an empty list. Every list name (a camelCase string literal) in
    /// the code that reads the phrasing is a list of `ontology/phrasing.ttl`.
    #[test]
    fn every_list_the_rules_name_is_in_the_phrasing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let phrasing = std::fs::read_to_string(root.join("ontology/phrasing.ttl")).unwrap();
        let defined = |name: &str| {
            ["akg:PhraseList", "akg:PatternList"]
                .iter()
                .any(|class| phrasing.contains(&format!("\nlex:{name} a {class}")))
        };
        let mut files = Vec::new();
        let mut dirs = vec![
            root.join("src/extract"),
            root.join("src/mention"),
            root.join("src/trace"),
        ];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let mut unknown = Vec::new();
        let mut named = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let camel_case = literal.starts_with(|c: char| c.is_ascii_lowercase())
                    && literal.contains(|c: char| c.is_ascii_uppercase())
                    && literal.chars().all(|c| c.is_ascii_alphabetic());
                // %allianceName% stands for the gazetteer's alliance names.
                if !camel_case || literal == "allianceName" {
                    continue;
                }
                named += 1;
                if !defined(literal) {
                    unknown.push(format!("{}: {literal}", path.display()));
                }
            }
        }
        assert!(named > 50, "{named} list names found");
        assert!(unknown.is_empty(), "no such phrase list: {unknown:?}");
    }

    #[test]
    fn phrases_are_normalised_deduplicated_and_longest_first() {
        let mut book = Phrasebook::default();
        book.insert("verbs", "made  up of");
        book.insert("verbs", "Is Made Up Of");
        book.insert("verbs", "made up of");
        book.insert("verbs", " . ");
        assert_eq!(book.get("verbs"), ["is made up of", "made up of"]);
        assert!(book.contains("verbs", "MADE UP OF"));
        assert!(book.get("nouns").is_empty());
        assert_eq!(book.names().collect::<Vec<_>>(), ["verbs"]);
    }
}
