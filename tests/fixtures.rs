//! A fixture article with invented people: the pattern rules must find them,
//! with their roles and their quotes, though no gazetteer knows them.

use crate::util::{ok, tempdir};

fn facts() -> Vec<Vec<String>> {
    let dir = tempdir();
    let store = dir.path().join("store");
    ok(&store, &["build", "tests/fixtures/invented", "--quiet"]);
    let out = ok(&store, &["facts", "--format", "tsv"]);
    out.lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn has(facts: &[Vec<String>], relation: &str, subject: &str, object_part: &str) -> bool {
    facts
        .iter()
        .any(|f| f[1] == relation && f[2] == subject && f[3].contains(object_part))
}

#[test]
fn unknown_quoted_people_become_entities_with_roles_and_quotes() {
    let facts = facts();
    let dump: String = facts.iter().map(|f| f[..4].join(" | ") + "\n").collect();
    // Quotes, with cue verbs after and before, a pronoun, a continuation.
    assert!(
        has(&facts, "said", "Arman Kelbetov", "We came with a plan"),
        "{dump}"
    );
    assert!(
        has(&facts, "said", "Arman Kelbetov", "Nobody else brought one."),
        "{dump}"
    );
    assert!(
        has(
            &facts,
            "said",
            "Timur Ospanbek",
            "a mission without a mandate"
        ),
        "{dump}"
    );
    assert!(
        has(&facts, "said", "Timur Ospanbek", "Our troops are ready"),
        "{dump}"
    );
    assert!(
        has(&facts, "said", "Lena Morrow", "about money, not maps"),
        "{dump}"
    );
    assert!(
        has(&facts, "said", "Aliya Nurlanova", "The door is open"),
        "{dump}"
    );
    // Roles: before the name, and in apposition after it.
    assert!(
        has(
            &facts,
            "holds_role",
            "Arman Kelbetov",
            "Deputy Foreign Minister"
        ),
        "{dump}"
    );
    assert!(
        has(
            &facts,
            "holds_role",
            "Timur Ospanbek",
            "ommander of the joint staff"
        ),
        "{dump}"
    );
    assert!(
        has(
            &facts,
            "holds_role",
            "Lena Morrow",
            "enior fellow at the Baltic Policy Institute"
        ),
        "{dump}"
    );
    assert!(
        has(&facts, "holds_role", "Aliya Nurlanova", "pokeswoman"),
        "{dump}"
    );
    // A quoted word with no speaker is no quote.
    assert!(
        !facts.iter().any(|f| f[1] == "said" && f[3] == "mandate"),
        "{dump}"
    );
}

/// Extractor output golden files: every claim of the fixture articles, in the
/// gold schema's columns. Review the diff when a rule changes
/// (`INSTA_UPDATE=always cargo test --release --test integration fixtures`).
#[test]
fn extractor_output_on_the_fixture_articles_is_the_recorded_one() {
    for (name, corpus) in [
        ("facts_invented", "tests/fixtures/invented"),
        ("facts_unseen", "tests/fixtures/unseen"),
    ] {
        let dir = tempdir();
        let store = dir.path().join("store");
        ok(&store, &["build", corpus, "--quiet"]);
        let facts = ok(&store, &["facts", "--format", "tsv"]);
        insta::assert_snapshot!(name, facts);
    }
}
