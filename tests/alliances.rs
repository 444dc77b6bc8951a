//! Any alliance, not only the ones the bundled ontology knows: a fictional
//! alliance of real states described in Turtle alone (`tests/fixtures/
//! fictional_alliance/ontology/`) is found in an invented article; NATO's
//! members in conflict come from `akg analyze --alliance` by label or alias;
//! the diagram draws every alliance of the store; the saved queries list
//! per alliance and answer "members as of a date" with `--bind`.

use std::path::{Path, PathBuf};

use crate::util::{copy_files, ok, root, run, tempdir, write_corpus};

/// The project's ontology with the fictional alliance's Turtle added, as an
/// analyst would add an alliance: a copy of ontology/ plus one file.
fn ontology_with_fictional_alliance(dir: &Path) -> PathBuf {
    let target = dir.join("ontology");
    copy_files(&root().join("ontology"), &target);
    copy_files(
        &root().join("tests/fixtures/fictional_alliance/ontology"),
        &target,
    );
    target
}

/// A store built from the fictional alliance's article.
fn fictional_store(dir: &Path) -> PathBuf {
    let ontology = ontology_with_fictional_alliance(dir);
    let store = dir.join("store");
    ok(
        &store,
        &[
            "build",
            "tests/fixtures/fictional_alliance/articles",
            "--ontology",
            ontology.to_str().unwrap(),
            "--quiet",
        ],
    );
    store
}

/// `akg facts` as (relation, subject, object, date, value) rows.
fn facts(store: &Path) -> Vec<[String; 5]> {
    ok(store, &["facts", "--format", "tsv"])
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            std::array::from_fn(|i| cells.get(i + 1).unwrap_or(&"").to_string())
        })
        .collect()
}

fn has(facts: &[[String; 5]], relation: &str, subject: &str, object: &str) -> bool {
    facts
        .iter()
        .any(|f| f[0] == relation && f[1] == subject && f[2] == object)
}

/// The rows of a saved query as TSV lines without the header.
fn query(store: &Path, name: &str, bindings: &[&str]) -> Vec<String> {
    let file = format!("queries/{name}");
    let mut args = vec!["query", file.as_str(), "--format", "tsv"];
    for binding in bindings {
        args.extend(["--bind", binding]);
    }
    ok(store, &args)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// The states of members_as_of.rq's rows (third column), unquoted.
fn states(rows: &[String]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            let state = row.split('\t').nth(2).unwrap_or("");
            state.trim_end_matches("@en").trim_matches('"').to_string()
        })
        .collect()
}

#[test]
fn a_fictional_alliance_from_turtle_alone_has_members_invocation_request_and_deployment() {
    let dir = tempdir();
    let store = fictional_store(dir.path());
    let facts = facts(&store);
    let dump: String = facts.iter().map(|f| f.join(" | ") + "\n").collect();
    let pact = "Southern Shield Pact";
    for state in ["Argentina", "Chile", "Uruguay", "Paraguay"] {
        assert!(has(&facts, "member_of", state, pact), "{state}\n{dump}");
    }
    assert!(
        has(
            &facts,
            "invoked",
            "Paraguay",
            "Article 7 of the Treaty of Valdivia"
        ),
        "{dump}"
    );
    assert!(
        has(&facts, "requested_assistance", "Paraguay", pact),
        "{dump}"
    );
    assert!(has(&facts, "deployed_to", pact, "Paraguay"), "{dump}");
    // The official's bare title takes the state of akg:nationality.
    assert!(
        has(
            &facts,
            "holds_role",
            "Marisol Quintero",
            "Defense Minister of Paraguay"
        ),
        "{dump}"
    );
    // Checked as an analyst checks a new alliance: `akg eval` against a
    // few hand-annotated facts (tests/fixtures/fictional_alliance/gold.tsv).
    let report = ok(
        &store,
        &[
            "eval",
            "tests/fixtures/fictional_alliance/gold.tsv",
            "--min-precision",
            "0.9",
            "--min-recall",
            "0.9",
        ],
    );
    assert!(report.contains("micro P=1.000 R=1.000"), "{report}");
    // Accession and withdrawal are dated.
    assert!(
        facts
            .iter()
            .any(|f| f[0] == "member_of" && f[1] == "Uruguay" && f[3] == "2011"),
        "{dump}"
    );
    assert!(
        facts
            .iter()
            .any(|f| f[0] == "former_member_of" && f[1] == "Bolivia" && f[3] == "2019"),
        "{dump}"
    );
}

#[test]
fn members_as_of_a_date_follow_accessions_and_withdrawals() {
    let dir = tempdir();
    let store = fictional_store(dir.path());
    let as_of = |date: &str| {
        let binding = format!("asOf={date}");
        states(&query(&store, "members_as_of.rq", &[&binding]))
    };
    // Bolivia joined in 2005 and left in 2019; Uruguay joined in 2011; the
    // others are members with no date given.
    assert_eq!(as_of("2004"), ["Argentina", "Chile", "Paraguay"]);
    assert_eq!(
        as_of("2010-06-01"),
        ["Argentina", "Bolivia", "Chile", "Paraguay"]
    );
    assert_eq!(
        as_of("2011"),
        ["Argentina", "Bolivia", "Chile", "Paraguay", "Uruguay"]
    );
    assert_eq!(as_of("2020"), ["Argentina", "Chile", "Paraguay", "Uruguay"]);
    // The alliance is a parameter too; another alliance has no rows here.
    let pact = query(
        &store,
        "members_as_of.rq",
        &["asOf=2020", "alliance=Southern Shield Pact"],
    );
    assert_eq!(pact.len(), 4);
    assert!(query(&store, "members_as_of.rq", &["asOf=2020", "alliance=NATO"]).is_empty());
    // members.rq lists every state any article calls a member, per alliance.
    let members = query(&store, "members.rq", &[]);
    assert_eq!(members.len(), 5, "{members:?}");
    assert!(members
        .iter()
        .all(|row| row.starts_with("\"Southern Shield Pact\"\t")));
}

#[test]
fn a_binding_that_the_query_does_not_select_is_refused() {
    let dir = tempdir();
    let store = fictional_store(dir.path());
    let out = run(
        &store,
        &["query", "queries/members.rq", "--bind", "when=2020"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("?when is bound but not selected"),
        "{stderr}"
    );
    let out = run(&store, &["query", "queries/members.rq", "--bind", "2020"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NAME=VALUE"));
}

/// The invented NATO articles of tests/fixtures/nato, built once per test.
fn nato_store(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    ok(&store, &["build", "tests/fixtures/nato", "--quiet"]);
    store
}

#[test]
fn analyze_reports_nato_members_in_conflict_by_label_or_alias() {
    let dir = tempdir();
    let store = nato_store(dir.path());
    for name in ["NATO", "nato", "North Atlantic Treaty Organization"] {
        let text = ok(&store, &["analyze", "--alliance", name]);
        let head: Vec<&str> = text.lines().take(4).collect();
        assert!(head[0].starts_with("NATO: of "), "{name}: {text}");
        assert!(
            head[1].contains("Sweden") && head[1].contains("Turkey"),
            "{text}"
        );
        assert_eq!(head[2], "  in armed conflict: Turkey", "{text}");
        assert!(text.contains("Syria"), "{text}");
    }
    let out = run(&store, &["analyze", "--alliance", "Warsaw Pact"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no alliance matches \"Warsaw Pact\"; alliances with members: NATO"),
        "{stderr}"
    );
    // members_as_of.rq: Finland (April 2023) and Sweden (March 2024) joined
    // late; Turkey has been a member since 1952.
    let as_of = |date: &str| {
        let binding = format!("asOf={date}");
        states(&query(
            &store,
            "members_as_of.rq",
            &[&binding, "alliance=NATO"],
        ))
    };
    let before = as_of("2022");
    assert!(before.contains(&"Turkey".to_string()), "{before:?}");
    assert!(!before.contains(&"Finland".to_string()), "{before:?}");
    let after = as_of("2024-06");
    assert!(after.contains(&"Finland".to_string()) && after.contains(&"Sweden".to_string()));
}

#[test]
fn the_diagram_draws_every_alliance_of_the_store() {
    let dir = tempdir();
    let corpus = write_corpus(
        dir.path(),
        &[
            (
                "a.txt",
                "Defence chiefs met in Minsk.\n\nArmenia and Belarus are members of the CSTO.\n",
            ),
            (
                "b.txt",
                "Ministers met in Oslo.\n\nNorway and Poland are members of NATO.\n",
            ),
        ],
    );
    let store = dir.path().join("store");
    ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let dot = ok(&store, &["dot"]);
    for cluster in ["CSTO and its members", "NATO and its members"] {
        assert!(dot.contains(cluster), "{cluster}\n{dot}");
    }
    for state in ["Armenia", "Belarus", "Norway", "Poland"] {
        assert!(
            dot.contains(&format!("label=\"{state}\"")),
            "{state}\n{dot}"
        );
    }
}
