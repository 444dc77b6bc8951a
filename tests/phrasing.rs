//! Phrasing knowledge is data: a word added to a phrase list of
//! `ontology/phrasing.ttl` teaches the rules a new phrasing, with no Rust
//! change.

use crate::util::{ok, root};

/// The member-of rows of `akg facts` for a corpus built with `ontology`.
fn members(corpus: &std::path::Path, ontology: &std::path::Path) -> Vec<String> {
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
        .filter(|l| l.split('\t').nth(1) == Some("member_of"))
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
