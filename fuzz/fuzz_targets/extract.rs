//! The whole analysis of one article: segmenting, mentions, the extractors
//! and the claims' quads. Spans lie on char boundaries inside the text, NIF
//! code-point offsets slice out their exact text, and two runs agree.
//!
//! A leading 0xFF byte (never valid UTF-8) gives the article a date.
#![no_main]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use alliance_kg::claim::Claim;
use alliance_kg::corpus::{Article, ArticleMeta, Encoding};
use alliance_kg::date::PartialDate;
use alliance_kg::extract::{extract, Doc};
use alliance_kg::mention::Gazetteer;
use alliance_kg::rdf::article_quads;
use alliance_kg::rdf::ontology::load_embedded;
use alliance_kg::rdf::vocab::nif;
use libfuzzer_sys::fuzz_target;
use oxigraph::model::{Quad, Term};

static GAZETTEER: LazyLock<Gazetteer> =
    LazyLock::new(|| load_embedded().expect("embedded ontology").gazetteer);

fuzz_target!(|data: &[u8]| {
    let (date, data) = match data.split_first() {
        Some((0xFF, rest)) => (PartialDate::new(2022, Some(9), Some(13)).ok(), rest),
        _ => (None, data),
    };
    let article = Article {
        id: "fuzz".to_owned(),
        path: PathBuf::from("fuzz.txt"),
        text: String::from_utf8_lossy(data).into_owned(),
        meta: ArticleMeta {
            date,
            ..ArticleMeta::default()
        },
        encoding: Encoding::Utf8,
        hash: String::new(),
    };
    let (claims, quads) = analyse(&article);
    let again = analyse(&article);
    assert!(again.0 == claims, "claims differ between two runs");
    assert!(again.1 == quads, "quads differ between two runs");
});

fn analyse(article: &Article) -> (Vec<Claim>, Vec<Quad>) {
    let text = article.text.as_str();
    let mut doc = Doc::new(text, &GAZETTEER, article.meta.date);
    let on_boundaries = |start: usize, end: usize| text.get(start..end).is_some();
    for sentence in &doc.sentences {
        let span = sentence.span;
        assert!(on_boundaries(span.start, span.end), "sentence {span:?}");
    }
    for mention in &doc.mentions {
        let span = mention.span;
        assert!(on_boundaries(span.start, span.end), "mention {mention:?}");
        assert!(mention.sentence < doc.sentences.len(), "{mention:?}");
    }
    let claims = extract(&mut doc);
    for claim in &claims {
        let (span, evidence) = (claim.span, claim.evidence);
        assert!(on_boundaries(span.start, span.end), "{claim:?}");
        assert!(on_boundaries(evidence.start, evidence.end), "{claim:?}");
        assert!(claim.sentence < doc.sentences.len(), "{claim:?}");
        assert!((0.0..=1.0).contains(&claim.confidence), "{claim:?}");
    }
    let quads = article_quads(article, &doc, &claims);
    check_nif(text, &quads);
    (claims, quads)
}

/// Every node with NIF offsets: the text's code points at those offsets are
/// its `nif:anchorOf`.
fn check_nif(text: &str, quads: &[Quad]) {
    type Node = (Option<usize>, Option<usize>, Option<String>);
    let mut nodes: HashMap<String, Node> = HashMap::new();
    for quad in quads {
        let Term::Literal(literal) = &quad.object else {
            continue;
        };
        let predicate = quad.predicate.as_ref();
        if ![nif::BEGIN_INDEX, nif::END_INDEX, nif::ANCHOR_OF].contains(&predicate) {
            continue;
        }
        let node = nodes.entry(quad.subject.to_string()).or_default();
        if predicate == nif::BEGIN_INDEX {
            node.0 = literal.value().parse().ok();
        } else if predicate == nif::END_INDEX {
            node.1 = literal.value().parse().ok();
        } else {
            node.2 = Some(literal.value().to_owned());
        }
    }
    if nodes.is_empty() {
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    for (node, (begin, end, anchor)) in nodes {
        let (Some(begin), Some(end), Some(anchor)) = (begin, end, anchor) else {
            assert!(
                begin.is_none() && end.is_none(),
                "{node} lacks an offset or anchor"
            );
            continue;
        };
        assert!(begin <= end && end <= chars.len(), "{node}: {begin}..{end}");
        let sliced: String = chars[begin..end].iter().collect();
        assert_eq!(sliced, anchor, "{node}");
    }
}
