//! The command line on the bundled corpus: build, query, facts, dump, errors.

use crate::util::{akg, ok, run, seed_store, tempdir};

#[test]
fn build_prints_a_summary() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let out = ok(&store, &["build", "corpus", "--quiet"]);
    for needle in [
        "5 built",
        "sentences",
        "entities",
        "claims",
        "member_of",
        "said",
        "quads",
        "elapsed",
    ] {
        assert!(out.contains(needle), "summary lacks {needle:?}:\n{out}");
    }
    // A second build changes nothing.
    let again = ok(&store, &["build", "corpus", "--quiet"]);
    assert!(again.contains("0 built, 5 unchanged"), "{again}");
}

#[test]
fn members_query_lists_the_six_members_with_sources() {
    let out = ok(
        seed_store(),
        &["query", "queries/members.rq", "--format", "tsv"],
    );
    // Columns: alliance, state, reports, sources.
    let states: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(1).unwrap_or(""))
        .collect();
    for member in [
        "Armenia",
        "Belarus",
        "Kazakhstan",
        "Kyrgyzstan",
        "Russia",
        "Tajikistan",
    ] {
        assert!(
            states.iter().any(|s| s.contains(member)),
            "{member} missing from:\n{out}"
        );
    }
    assert_eq!(states.len(), 6, "exactly the six members:\n{out}");
    assert!(
        out.contains("001_2150935a893c588c"),
        "sources are listed:\n{out}"
    );
}

#[test]
fn bad_sparql_fails_with_line_and_column() {
    let out = run(
        seed_store(),
        &["query", "-e", "SELECT ?s WHERE {\n  ?s ?p \n}"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line"), "no position in: {err}");
}

#[test]
fn updates_are_refused() {
    let out = run(
        seed_store(),
        &[
            "query",
            "-e",
            "INSERT DATA { <http://a> <http://b> <http://c> }",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("read-only"), "{err}");
}

#[test]
fn missing_store_says_what_to_do() {
    let dir = tempdir();
    let out = run(&dir.path().join("nothing"), &["query", "-e", "ASK {}"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("akg build"), "{err}");
}

#[test]
fn dump_nquads_is_sorted_and_complete() {
    let out = ok(seed_store(), &["dump", "--format", "nquads"]);
    let lines: Vec<&str> = out.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
    assert!(lines.iter().any(|l| l.contains("ontology#memberOf")));
    assert!(lines.iter().all(|l| l.ends_with(" .")));
}

#[test]
fn store_from_env_variable() {
    let out = akg()
        .env("AKG_STORE", seed_store())
        .args(["query", "-e", "ASK { ?s ?p ?o }", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("true"));
}
