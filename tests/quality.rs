//! Extraction quality, scored with the gold scorer (a copy of
//! ../shared/gold/evalfacts.py lives in tests/fixtures/gold) on the seed
//! articles (the development set) and on the unseen-style fixtures.

use std::process::Command;

use crate::util::{ok, root, seed_store, unseen_store};

struct Score {
    precision: f64,
    recall: f64,
    /// Matched facts with the gold date, and matched facts that have one.
    dates: (usize, usize),
    per_relation: Vec<(String, usize, f64)>,
    table: String,
}

fn score(store: &std::path::Path, gold: &str) -> Score {
    let facts = ok(store, &["facts", "--format", "tsv"]);
    let dir = crate::util::tempdir();
    let path = dir.path().join("facts.tsv");
    std::fs::write(&path, facts).unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/fixtures/gold/evalfacts.py"))
        .arg(root().join(gold))
        .arg(&path)
        .output()
        .expect("python3 runs the scorer (bash .ci/setup installs it)");
    let table = String::from_utf8(out.stdout).unwrap();
    let last = table.lines().last().unwrap_or("").to_string();
    let field = |name: &str| -> f64 {
        last.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let per_relation = table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.len() == 6).then(|| {
                (
                    cols[0].to_string(),
                    cols[1].parse().unwrap_or(0),
                    cols[5].parse().unwrap_or(0.0),
                )
            })
        })
        .collect();
    // "matched facts: date 22/27, value …"
    let dates = table
        .lines()
        .find_map(|l| l.strip_prefix("matched facts: date "))
        .and_then(|rest| rest.split(',').next())
        .and_then(|ratio| ratio.split_once('/'))
        .and_then(|(ok, all)| Some((ok.parse().ok()?, all.parse().ok()?)))
        .unwrap_or((0, 0));
    Score {
        dates,
        precision: field("P="),
        recall: field("R="),
        per_relation,
        table,
    }
}

#[test]
fn seed_quality_meets_the_acceptance_bar() {
    let s = score(seed_store(), "tests/fixtures/gold/seeds.tsv");
    eprintln!("{}", s.table);
    assert!(
        s.precision >= 0.90,
        "micro precision {} < 0.90\n{}",
        s.precision,
        s.table
    );
    assert!(
        s.recall >= 0.85,
        "micro recall {} < 0.85\n{}",
        s.recall,
        s.table
    );
    for (relation, gold, recall) in &s.per_relation {
        if *gold > 0 {
            assert!(
                *recall >= 0.70,
                "{relation} recall {recall} < 0.70\n{}",
                s.table
            );
        }
        if relation == "said" {
            assert!(*recall >= 0.90, "said recall {recall} < 0.90\n{}", s.table);
        }
    }
    // 22 of 27 when measured, built with the articles' metadata.
    let (dated, of) = s.dates;
    assert!(
        of > 0 && dated * 100 >= of * 75,
        "seed dates {dated}/{of}\n{}",
        s.table
    );
}

#[test]
fn unseen_style_quality_stays_above_its_floor() {
    let s = score(unseen_store(), "tests/fixtures/unseen/gold.tsv");
    eprintln!("{}", s.table);
    // Floors measured on the held-out fixtures; raise them as the rules improve.
    assert!(
        s.precision >= 0.85,
        "unseen precision {}\n{}",
        s.precision,
        s.table
    );
    assert!(s.recall >= 0.80, "unseen recall {}\n{}", s.recall, s.table);
    // Dates from weekdays, date headings, datelines and the narrative around
    // quotes: 63 of 75 when measured (16 of 63 before those rules).
    let (dated, of) = s.dates;
    assert!(
        of > 0 && dated * 100 >= of * 80,
        "unseen dates {dated}/{of}\n{}",
        s.table
    );
}

/// Real articles from other publishers (`../shared/dev-real`, beside the
/// clone; third-party texts, never copied into the repository): the CSTO
/// and NATO parts keep the quality reached on them. Skipped, with a line
/// saying so, where the folder is absent.
#[test]
fn real_articles_keep_their_quality_floor() {
    let dev = root().join("../shared/dev-real");
    let (articles, gold) = (dev.join("articles"), dev.join("gold.tsv"));
    if !articles.is_dir() || !gold.is_file() {
        eprintln!("skipped: {} is absent", dev.display());
        return;
    }
    let index = std::fs::read_to_string(dev.join("articles.tsv")).unwrap();
    let ids: Vec<&str> = index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    // d01–d24 are about the CSTO, d25–d36 about NATO.
    let part = |alliance: &str| -> String {
        ids.iter()
            .filter(|id| {
                let n: u32 = id[1..3].parse().unwrap_or(0);
                (alliance == "CSTO") == (n <= 24)
            })
            .copied()
            .collect::<Vec<_>>()
            .join(",")
    };
    let dir = crate::util::tempdir();
    let store = dir.path().join("store");
    ok(&store, &["build", articles.to_str().unwrap(), "--quiet"]);
    // (part, precision floor, recall floor): the acceptance targets (CSTO
    // scores 0.957 / 0.902, NATO 0.965 / 0.879).
    for (alliance, min_p, min_r) in [("CSTO", "0.93", "0.88"), ("NATO", "0.94", "0.85")] {
        let ids = part(alliance);
        let out = crate::util::run(
            &store,
            &[
                "eval",
                gold.to_str().unwrap(),
                "--min-quote-words",
                "4",
                "--articles",
                &ids,
                "--min-precision",
                min_p,
                "--min-recall",
                min_r,
            ],
        );
        let table = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{alliance} part of dev-real below P {min_p} / R {min_r}:\n{table}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
