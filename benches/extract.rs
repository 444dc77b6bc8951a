//! Extraction throughput: the pure pipeline stages, with no store, on one
//! thread (so the numbers are per core).
//!
//! Stages, each over every article of an input, bytes of text as the
//! throughput (criterion prints decimal MB/s):
//!
//! - `segment`: [`sentences`] alone;
//! - `mentions`: [`find_mentions`] on already segmented text;
//! - `doc`: [`Doc::new`] (segment, mentions, dates, alliance focus);
//! - `analyse`: [`analyse`], i.e. `Doc::new` plus [`extract`], what
//!   `akg build` runs per article: the extraction throughput of issue #4;
//! - `quads`: [`article_quads`] alone, on already extracted claims.
//!
//! Inputs: `seed`, the bundled articles (`corpus/` and
//! `tests/fixtures/unseen/`), and `generated`, the first
//! `AKG_BENCH_ARTICLES` (default 100) articles of the folder named by
//! `AKG_BENCH_CORPUS`, when set (a corpus written by `benches/gen_corpus.py`;
//! `benches/run.sh` sets it).
//!
//! Before measuring, one line per input goes to stderr,
//! `akg-bench input NAME: N articles, B bytes`, so that `benches/run.sh`
//! can turn times into articles/s. This file must not touch the store.
#![expect(clippy::print_stderr)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use alliance_kg::build::analyse;
use alliance_kg::corpus::{read_corpus, Article, ReadOptions};
use alliance_kg::extract::{extract, Doc};
use alliance_kg::mention::{find_mentions, Entities, Gazetteer};
use alliance_kg::rdf::article_quads;
use alliance_kg::rdf::ontology::{self, Ontology};
use alliance_kg::segment::{sentences, Sentence};
use criterion::{Criterion, SamplingMode, Throughput};

/// Articles of the generated corpus used by default.
const DEFAULT_GENERATED_ARTICLES: usize = 100;

/// Inputs with more articles than this are measured with fewer samples.
const SMALL_INPUT: usize = 20;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ontology = ontology::load(&root.join("ontology"))
        .unwrap_or_else(|err| panic!("the project ontology loads: {err}"));
    let mut inputs = vec![(
        "seed",
        read_articles(&[root.join("corpus"), root.join("tests/fixtures/unseen")]),
    )];
    if let Some(dir) = std::env::var_os("AKG_BENCH_CORPUS") {
        let limit = match std::env::var("AKG_BENCH_ARTICLES") {
            Ok(text) => text.parse().unwrap_or_else(|err| {
                panic!("AKG_BENCH_ARTICLES={text:?} is not a number of articles: {err}")
            }),
            Err(_) => DEFAULT_GENERATED_ARTICLES,
        };
        let mut articles = read_articles(&[PathBuf::from(dir)]);
        articles.truncate(limit);
        inputs.push(("generated", articles));
    }
    for (name, articles) in &inputs {
        let n_bytes: usize = articles.iter().map(|a| a.text.len()).sum();
        eprintln!(
            "akg-bench input {name}: {} articles, {n_bytes} bytes",
            articles.len()
        );
    }

    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    for (name, articles) in &inputs {
        bench_stages(&mut criterion, name, articles, &ontology);
    }
    criterion.final_summary();
}

/// The articles of `dirs`, in order, each folder sorted by id.
fn read_articles(dirs: &[PathBuf]) -> Vec<Article> {
    let mut acc = Vec::new();
    for dir in dirs {
        let corpus = read_corpus(dir, &ReadOptions::default())
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()));
        for diagnostic in &corpus.diagnostics {
            eprintln!("akg-bench: {diagnostic}");
        }
        acc.extend(corpus.articles);
    }
    assert!(!acc.is_empty(), "no articles in {dirs:?}");
    acc
}

fn bench_stages(criterion: &mut Criterion, name: &str, articles: &[Article], ontology: &Ontology) {
    let gazetteer: &Gazetteer = &ontology.gazetteer;
    let n_bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let mut group = criterion.benchmark_group(name);
    group.throughput(Throughput::BytesDecimal(n_bytes as u64));
    // One iteration covers the whole input, which takes long for the
    // generated one (about a second for `analyse`): flat sampling, and for
    // that input the fewest samples criterion allows, keep the run short.
    group.sampling_mode(SamplingMode::Flat);
    if articles.len() > SMALL_INPUT {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10));
    }

    group.bench_function("segment", |b| {
        b.iter(|| {
            for article in articles {
                black_box(sentences(black_box(&article.text)));
            }
        })
    });

    let segmented: Vec<Vec<Sentence>> = articles.iter().map(|a| sentences(&a.text)).collect();
    group.bench_function("mentions", |b| {
        b.iter(|| {
            for (article, sentences) in articles.iter().zip(&segmented) {
                let mut entities = Entities::new(gazetteer);
                black_box(find_mentions(
                    black_box(&article.text),
                    sentences,
                    &mut entities,
                ));
            }
        })
    });

    group.bench_function("doc", |b| {
        b.iter(|| {
            for article in articles {
                black_box(Doc::new(
                    black_box(&article.text),
                    gazetteer,
                    article.meta.date,
                ));
            }
        })
    });

    group.bench_function("analyse", |b| {
        b.iter(|| {
            for article in articles {
                black_box(analyse(black_box(article), gazetteer));
            }
        })
    });

    let analysed: Vec<_> = articles
        .iter()
        .map(|article| {
            let mut doc = Doc::new(&article.text, gazetteer, article.meta.date);
            let claims = extract(&mut doc);
            (doc, claims)
        })
        .collect();
    group.bench_function("quads", |b| {
        b.iter(|| {
            for (article, (doc, claims)) in articles.iter().zip(&analysed) {
                black_box(article_quads(article, doc, claims));
            }
        })
    });
    group.finish();
}
