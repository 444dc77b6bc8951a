//! Every claim points at the exact characters of its article.

use std::collections::HashMap;

use crate::util::{ok, root, seed_store, unseen_store};

/// For every claim, the article text sliced at the stored code-point offsets
/// equals the stored exact text, and lies inside the stored sentence.
fn check_spans(store: &std::path::Path, corpus: &str) {
    let out = ok(store, &["query", "queries/claims.rq", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = json["results"]["bindings"].as_array().unwrap();
    assert!(rows.len() > 50, "few claims: {}", rows.len());
    let mut texts: HashMap<String, Vec<char>> = HashMap::new();
    for row in rows {
        let article = row["article"]["value"].as_str().unwrap();
        let chars = texts.entry(article.to_string()).or_insert_with(|| {
            std::fs::read_to_string(root().join(corpus).join(format!("{article}.txt")))
                .unwrap()
                .chars()
                .collect()
        });
        let begin: usize = row["begin"]["value"].as_str().unwrap().parse().unwrap();
        let end: usize = row["end"]["value"].as_str().unwrap().parse().unwrap();
        let exact = row["exact"]["value"].as_str().unwrap();
        let slice: String = chars[begin..end].iter().collect();
        assert_eq!(slice, exact, "claim span in {article} at {begin}..{end}");
        let sentence = row["sentence"]["value"].as_str().unwrap();
        let sentence_text: String = chars.iter().collect();
        assert!(
            sentence_text.contains(sentence),
            "sentence not in {article}: {sentence}"
        );
    }
}

#[test]
fn seed_claim_offsets_slice_to_their_exact_text() {
    check_spans(seed_store(), "corpus");
}

#[test]
fn unseen_claim_offsets_slice_to_their_exact_text() {
    check_spans(unseen_store(), "tests/fixtures/unseen");
}
