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

/// The variables a `SELECT` query projects and those its outermost
/// `ORDER BY` sorts on, from the query's algebra.
fn projected_and_sorted(query: &spargebra::Query) -> (Vec<String>, Vec<String>) {
    use spargebra::algebra::{Expression, GraphPattern, OrderExpression};
    let spargebra::Query::Select { pattern, .. } = query else {
        return (Vec::new(), Vec::new());
    };
    let (mut projected, mut sorted) = (Vec::new(), Vec::new());
    let mut node = pattern;
    loop {
        match node {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner } => node = inner,
            GraphPattern::Project { inner, variables } if projected.is_empty() => {
                projected = variables.iter().map(|v| v.as_str().to_owned()).collect();
                node = inner;
            }
            GraphPattern::OrderBy { expression, .. } => {
                for order in expression {
                    let (OrderExpression::Asc(e) | OrderExpression::Desc(e)) = order;
                    if let Expression::Variable(v) = e {
                        sorted.push(v.as_str().to_owned());
                    }
                }
                break;
            }
            GraphPattern::Extend { inner, .. } => node = inner,
            _ => break,
        }
    }
    (projected, sorted)
}

/// A saved query's rows come in one order whatever order the store keeps
/// its quads in (RocksDB on disk, Oxigraph server's memory): its ORDER BY
/// takes every column, so rows that tie on the first keys are still
/// ordered. Through `--endpoint` the same query gives the same bytes.
#[test]
fn saved_queries_order_their_rows_by_every_column() {
    let mut unordered = Vec::new();
    for entry in std::fs::read_dir(root().join("queries")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "rq") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let query = spargebra::SparqlParser::new()
            .parse_query(&text)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let (projected, sorted) = projected_and_sorted(&query);
        assert!(!projected.is_empty(), "{}: not a SELECT", path.display());
        let missing: Vec<&String> = projected.iter().filter(|v| !sorted.contains(v)).collect();
        if !missing.is_empty() {
            unordered.push(format!("{}: ORDER BY lacks {missing:?}", path.display()));
        }
    }
    assert!(unordered.is_empty(), "{}", unordered.join("\n"));
}
