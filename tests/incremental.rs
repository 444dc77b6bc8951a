//! Incremental builds: only changed articles are redone, the result equals a
//! full rebuild, and a removed article's facts disappear unless another
//! article supports them.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{ok, root, tempdir};

const CHANGED: &str = "004_e0e7fecf17f4dd25";

fn copy_corpus(to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(root().join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

/// A copy of the bundled corpus, built once: (temp dir, corpus, store, dump).
fn built_copy() -> (tempfile::TempDir, PathBuf, PathBuf, Vec<String>) {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let store = dir.path().join("store");
    ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let before = dump(&store);
    (dir, corpus, store, before)
}

fn dump(store: &Path) -> Vec<String> {
    ok(store, &["dump", "--format", "nquads"])
        .lines()
        .map(str::to_string)
        .collect()
}

/// The graph of the facts derived from all articles (counts change with any article).
const FACTS_GRAPH: &str = "<https://w3id.org/alliance-kg/derived/facts> .";

/// Quads outside the given article's graph and the derived facts graph.
fn outside(quads: &[String], article: &str) -> Vec<String> {
    let graph = format!("<https://w3id.org/alliance-kg/graph/{article}> .");
    quads
        .iter()
        .filter(|q| !q.ends_with(&graph) && !q.ends_with(FACTS_GRAPH))
        .cloned()
        .collect()
}

/// Russia's membership reports (summed article counts of its facts) per `members.rq`.
fn russia_reports(store: &Path) -> u32 {
    let members = ok(store, &["query", "queries/members.rq", "--format", "tsv"]);
    // Columns: alliance, state, reports, sources.
    let row = members
        .lines()
        .find(|l| l.split('\t').nth(1) == Some("\"Russia\"@en"))
        .unwrap_or_else(|| panic!("no Russia row:\n{members}"));
    let cell = row.split('\t').nth(2).unwrap_or_default();
    cell.trim_matches('"')
        .split('"')
        .next()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|_| panic!("reports cell {cell:?} in {row:?}"))
}

#[test]
fn changing_one_article_redoes_only_that_article_and_equals_a_full_build() {
    let (dir, corpus, store, before) = built_copy();
    let corpus_arg = corpus.to_str().unwrap();

    // Change one article: a new quotation at its end.
    let path = corpus.join(format!("{CHANGED}.txt"));
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("\nKazakh President Kassym-Jomart Tokayev said: “Astana stays in the bloc.”\n");
    fs::write(&path, text).unwrap();
    let summary = ok(&store, &["build", corpus_arg, "--quiet"]);
    assert!(summary.contains("1 built, 4 unchanged"), "{summary}");
    let after = dump(&store);

    // Everything outside the changed article is byte-identical…
    assert_eq!(outside(&before, CHANGED), outside(&after, CHANGED));
    // …the changed article has its new fact, and the facts graph counts it…
    assert!(
        after
            .iter()
            .any(|q| q.contains("Astana stays in the bloc.")),
        "new quote missing"
    );
    let new_fact: Vec<&String> = after
        .iter()
        .filter(|q| q.ends_with(FACTS_GRAPH) && q.contains("\"Astana stays in the bloc.\""))
        .collect();
    assert_eq!(new_fact.len(), 1, "one fact node states the new quote");
    let fact = new_fact[0].split(' ').next().unwrap_or_default();
    assert!(
        after.iter().any(|q| q.starts_with(&format!(
            "{fact} <https://w3id.org/alliance-kg/ontology#articleCount> \"1\"^^"
        ))),
        "the new fact has one article"
    );
    // …and the incremental result equals a full rebuild of the same corpus.
    let full = dir.path().join("full");
    ok(&full, &["build", corpus_arg, "--quiet", "--full"]);
    assert_eq!(after, dump(&full));
}

#[test]
fn removing_an_article_removes_its_claims_but_keeps_facts_others_support() {
    let (_dir, corpus, store, before) = built_copy();
    let corpus_arg = corpus.to_str().unwrap();
    let reports_before = russia_reports(&store);
    fs::remove_file(corpus.join(format!("{CHANGED}.txt"))).unwrap();
    let summary = ok(&store, &["build", corpus_arg, "--quiet"]);
    assert!(summary.contains("1 removed"), "{summary}");
    let after = dump(&store);
    let graph = format!("graph/{CHANGED}>");
    assert!(
        !after.iter().any(|q| q.contains(&graph)),
        "the removed article's graph remains"
    );
    // Every other article's graph is untouched…
    let articles_only = |quads: Vec<String>| -> Vec<String> {
        quads
            .into_iter()
            .filter(|q| !q.contains("/entity-graph/") && !q.ends_with(FACTS_GRAPH))
            .collect()
    };
    assert_eq!(
        articles_only(outside(&before, CHANGED)),
        articles_only(after.clone())
    );
    // …the descriptions of entities only it named are gone, and the result
    // equals a full rebuild without it.
    let full = store.with_file_name("full");
    ok(&full, &["build", corpus_arg, "--quiet", "--full"]);
    assert_eq!(after, dump(&full));
    // Russia is a member according to other articles too: the fact stays.
    let members = ok(&store, &["query", "queries/members.rq", "--format", "tsv"]);
    assert!(members.contains("Russia"), "{members}");
    assert!(!members.contains(CHANGED), "{members}");
    // …with one article fewer behind it.
    assert_eq!(russia_reports(&store), reports_before - 1);
}
