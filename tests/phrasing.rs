//! Phrasing knowledge is data: a word added to a phrase list of
//! `ontology/phrasing.ttl` teaches the rules a new phrasing, with no Rust
//! change.

use crate::util::{ok, root};

/// The member-of rows of `akg facts` for a corpus built with `ontology`.
fn members(corpus: &std::path::Path, ontology: &std::path::Path) -> Vec<String> {
    subjects_of(corpus, ontology, "member_of")
}

/// The subjects of the `relation` rows of `akg facts` for a corpus built
/// with `ontology`.
fn subjects_of(
    corpus: &std::path::Path,
    ontology: &std::path::Path,
    relation: &str,
) -> Vec<String> {
    let dir = crate::util::tempdir();
    let store = dir.path().join("store");
    ok(
        &store,
        &[
            "build",
            corpus.to_str().unwrap(),
            "--ontology",
            ontology.to_str().unwrap(),
            "--quiet",
        ],
    );
    ok(&store, &["facts", "--format", "tsv"])
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some(relation))
        .map(|l| l.split('\t').nth(2).unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_membership_verb_added_to_the_phrase_list_finds_new_members() {
    let dir = crate::util::tempdir();
    let corpus = crate::util::write_corpus(
        dir.path(),
        &[(
            "a.txt",
            "Leaders met in Minsk.\n\nThe CSTO federates Armenia, Belarus and Tajikistan under one command.\n",
        )],
    );
    // The project's ontology as it is: "federates" is no membership verb.
    let stock = dir.path().join("stock");
    let taught = dir.path().join("taught");
    for target in [&stock, &taught] {
        crate::util::copy_files(&root().join("ontology"), target);
    }
    assert!(members(&corpus, &stock).is_empty());
    // One phrase more, as an analyst would write it.
    let phrasing = taught.join("phrasing.ttl");
    let mut text = std::fs::read_to_string(&phrasing).unwrap();
    text.push_str("\nlex:membershipVerb akg:phrase \"federates\" .\n");
    std::fs::write(&phrasing, text).unwrap();
    assert_eq!(
        members(&corpus, &taught),
        ["Armenia", "Belarus", "Tajikistan"]
    );
}

#[test]
fn a_pattern_added_to_a_pattern_list_finds_a_new_withdrawal() {
    let dir = crate::util::tempdir();
    let corpus = crate::util::write_corpus(
        dir.path(),
        &[(
            "a.txt",
            "Leaders met in Minsk to discuss the CSTO.\n\nIn 2012 Uzbekistan walked out of the organization.\n",
        )],
    );
    let stock = dir.path().join("stock");
    let taught = dir.path().join("taught");
    for target in [&stock, &taught] {
        crate::util::copy_files(&root().join("ontology"), target);
    }
    assert!(subjects_of(&corpus, &stock, "former_member_of").is_empty());
    // One alternative more for the withdrawal cue, in the regex syntax.
    let phrasing = taught.join("phrasing.ttl");
    let mut text = std::fs::read_to_string(&phrasing).unwrap();
    text.push_str("\nlex:leaveCue akg:pattern \"walk(?:ed|s)?\\\\s+out\" .\n");
    std::fs::write(&phrasing, text).unwrap();
    assert_eq!(
        subjects_of(&corpus, &taught, "former_member_of"),
        ["Uzbekistan"]
    );
}

#[test]
fn a_pattern_that_does_not_compile_names_its_list() {
    let dir = crate::util::tempdir();
    let corpus = crate::util::write_corpus(dir.path(), &[("a.txt", "Nothing here.\n")]);
    let broken = dir.path().join("broken");
    crate::util::copy_files(&root().join("ontology"), &broken);
    let phrasing = broken.join("phrasing.ttl");
    let mut text = std::fs::read_to_string(&phrasing).unwrap();
    text.push_str("\nlex:clashCue akg:pattern \"skirmish(\" .\n");
    std::fs::write(&phrasing, text).unwrap();
    let out = crate::util::run(
        &dir.path().join("store"),
        &[
            "build",
            corpus.to_str().unwrap(),
            "--ontology",
            broken.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lex:clashCue"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
