//! Phrasing knowledge: named lists of English words and phrases that the
//! extractors' rules look for ("includes", "part of", "fellow"). They live
//! in `ontology/phrasing.ttl` (loaded by `rdf::ontology`, like the
//! gazetteer), so an analyst who meets a new phrasing adds a word there and
//! rebuilds: the rules in `extract/` stay general mechanism.

use std::collections::BTreeMap;

/// Named lists of phrases, each phrase lower case with single spaces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phrasebook {
    lists: BTreeMap<String, Vec<String>>,
}

impl Phrasebook {
    /// Adds `phrase` to the list `list` (normalised: lower case, single
    /// spaces; an empty or punctuation-only phrase is ignored).
    pub fn insert(&mut self, list: &str, phrase: &str) {
        let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        if !phrase.chars().any(char::is_alphanumeric) {
            return;
        }
        let phrases = self.lists.entry(list.to_string()).or_default();
        let phrase = phrase.to_lowercase();
        if !phrases.contains(&phrase) {
            phrases.push(phrase);
            // Longest first: "is made up of" before "made up of".
            phrases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        }
    }

    /// The phrases of `list`, longest first (none for an unknown list).
    pub fn get(&self, list: &str) -> &[String] {
        self.lists.get(list).map_or(&[], Vec::as_slice)
    }

    /// Whether `word` (compared ignoring ASCII case) is one of `list`.
    pub fn contains(&self, list: &str, word: &str) -> bool {
        self.get(list).iter().any(|p| p.eq_ignore_ascii_case(word))
    }

    /// The names of the lists.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.lists.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
