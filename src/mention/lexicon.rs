//! The word lists that finding names and attributing speech share: titles,
//! role nouns, speech (cue) verbs and capitalised words that are never part
//! of a person's name. They are phrase lists of `ontology/phrasing.ttl`
//! (`lex:title`, `lex:roleHead`, `lex:cueVerb`, `lex:nonNameCapital`), held
//! here as sets because the rules look up most words of an article in them.

use std::borrow::Cow;

use super::phrases::{Phrasebook, WordSet};

/// The word sets, built from the phrasing when the ontology is loaded.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// `lex:title`, case as written.
    titles: WordSet,
    /// `lex:roleHead`, lower case.
    role_heads: WordSet,
    /// `lex:cueVerb`, case as written.
    cue_verbs: WordSet,
    /// `lex:nonNameCapital`, case as written.
    non_name_capitals: WordSet,
}

impl Lexicon {
    /// The sets of `phrases`' lists.
    pub fn from_phrases(phrases: &Phrasebook) -> Self {
        Lexicon {
            titles: phrases.written("title"),
            role_heads: phrases.get("roleHead").iter().cloned().collect(),
            cue_verbs: phrases.written("cueVerb"),
            non_name_capitals: phrases.written("nonNameCapital"),
        }
    }

    /// True for a title or role word that precedes a name.
    pub fn is_title(&self, word: &str) -> bool {
        self.titles.contains(word)
            || (word.contains('-') && word.split('-').all(|part| self.titles.contains(part)))
    }

    /// True for a noun that heads a role phrase (any case).
    pub fn is_role_head(&self, word: &str) -> bool {
        // Most words are lower-case ASCII already: no copy for them.
        let lower: Cow<'_, str> = if word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            Cow::Borrowed(word)
        } else {
            Cow::Owned(word.to_lowercase())
        };
        let lower: &str = &lower;
        let singular = lower.strip_suffix('s').unwrap_or(lower);
        let heads = &self.role_heads;
        heads.contains(lower)
            || heads.contains(singular)
            || (lower.contains('-') && lower.split('-').any(|part| heads.contains(part)))
    }

    /// True for a verb that introduces reported speech.
    pub fn is_cue_verb(&self, word: &str) -> bool {
        self.cue_verbs.contains(word)
    }

    /// True for a capitalised word that cannot be part of a person's name.
    pub fn is_non_name_capital(&self, word: &str) -> bool {
        let set = &self.non_name_capitals;
        set.contains(word)
            // "Secretary-General", "Vice-President": a compound of title words.
            || (word.contains('-') && word.split('-').all(|part| set.contains(part)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_lists() {
        let gazetteer = crate::rdf::ontology::load_embedded().unwrap().gazetteer;
        let lexicon = &gazetteer.lexicon;
        assert!(lexicon.is_title("President") && lexicon.is_title("spokesman"));
        assert!(!lexicon.is_title("the"));
        assert!(lexicon.is_role_head("Researcher") && lexicon.is_role_head("analysts"));
        assert!(!lexicon.is_role_head("table"));
        assert!(lexicon.is_cue_verb("lamented") && lexicon.is_cue_verb("told"));
        assert!(!lexicon.is_cue_verb("ate"));
        assert!(lexicon.is_non_name_capital("The") && lexicon.is_non_name_capital("September"));
        assert!(!lexicon.is_non_name_capital("Kelbetov"));
        assert!(lexicon.is_non_name_capital("Secretary-General"));
        assert!(lexicon.is_non_name_capital("Vice-President"));
        assert!(!lexicon.is_non_name_capital("Kassym-Jomart"));
        assert!(!lexicon.is_non_name_capital("Secretary-Kelbetov"));
    }
}
