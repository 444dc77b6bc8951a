//! Every saved query runs on the seed store and returns the rows recorded in
//! `queries/<name>.expected.tsv`. `UPDATE_EXPECT=1 cargo test --release`
//! rewrites them; review the diff.

use crate::util::{ok, root, seed_store};

#[test]
fn saved_queries_return_the_expected_rows() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("queries"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".rq"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "saved queries: {names:?}");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for name in names {
        let text = std::fs::read_to_string(root().join("queries").join(&name)).unwrap();
        assert!(
            text.starts_with('#'),
            "{name} must open with a comment saying what it answers"
        );
        let got = ok(
            seed_store(),
            &["query", &format!("queries/{name}"), "--format", "tsv"],
        );
        let expected_path = root()
            .join("queries")
            .join(name.replace(".rq", ".expected.tsv"));
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("{name}: got\n{got}\nexpected\n{expected}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
