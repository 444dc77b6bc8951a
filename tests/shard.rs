//! Sharded builds: `akg build --shard I/N --nquads` on every shard plus
//! `akg facts-graph` on their manifests give exactly the quads of an
//! embedded build, and a shard is either finished (manifest and file, with
//! matching checksum) or leaves nothing under its final names.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::util::{akg, ok, seed_store, tempdir, unseen_store, write_corpus};

/// The lines of a gzipped N-Quads file.
fn gunzip_lines(path: &Path) -> Vec<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text.lines().map(str::to_owned).collect()
}

/// Builds shard `index` of `count` of `corpus` into `dir/shard-I.nq.gz`.
pub(crate) fn build_shard(corpus: &str, index: usize, count: usize, dir: &Path) -> PathBuf {
    let out = dir.join(format!("shard-{index}.nq.gz"));
    let spec = format!("{index}/{count}");
    let nquads = out.to_str().unwrap();
    ok(
        Path::new("unused-store"),
        &[
            "build", corpus, "--shard", &spec, "--nquads", nquads, "--quiet",
        ],
    );
    out
}

fn manifest_of(nquads: &Path) -> serde_json::Value {
    let name = nquads.file_name().unwrap().to_str().unwrap();
    let manifest = nquads.with_file_name(name.replace(".nq.gz", ".manifest.json"));
    serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap()
}

/// Shards `corpus` into three, reduces, and compares the union with the
/// embedded build's dump.
fn assert_shards_equal_embedded(corpus: &str, store: &Path) {
    let dir = tempdir();
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| build_shard(corpus, i, 3, dir.path()))
        .collect();
    let manifests: Vec<String> = shards
        .iter()
        .map(|s| s.to_str().unwrap().replace(".nq.gz", ".manifest.json"))
        .collect();
    let facts = dir.path().join("facts.nq.gz");
    let mut args = vec!["facts-graph"];
    args.extend(manifests.iter().map(String::as_str));
    args.extend(["--nquads", facts.to_str().unwrap()]);
    ok(Path::new("unused-store"), &args);

    let mut union = BTreeSet::new();
    for (index, shard) in shards.iter().enumerate() {
        let lines = gunzip_lines(shard);
        // Deterministic: sorted and distinct.
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "{corpus} shard {index}"
        );
        let ontology = lines
            .iter()
            .filter(|l| l.ends_with("<https://w3id.org/alliance-kg/ontology-graph> ."))
            .count();
        assert_eq!(
            ontology > 0,
            index == 0,
            "{corpus} shard {index}: ontology graph"
        );
        union.extend(lines);
    }
    let facts_lines = gunzip_lines(&facts);
    assert!(!facts_lines.is_empty());
    assert!(facts_lines
        .iter()
        .all(|l| l.ends_with("<https://w3id.org/alliance-kg/derived/facts> .")));
    union.extend(facts_lines);

    let dump = ok(store, &["dump", "--format", "nquads"]);
    let embedded: BTreeSet<String> = dump.lines().map(str::to_owned).collect();
    let missing: Vec<&String> = embedded.difference(&union).take(5).collect();
    let extra: Vec<&String> = union.difference(&embedded).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{corpus}: missing from the shards {missing:#?}, extra {extra:#?}"
    );
    // The facts graph alone equals the embedded build's derived/facts.
    let facts_graph: BTreeSet<String> = gunzip_lines(&facts).into_iter().collect();
    let embedded_facts: BTreeSet<String> = embedded
        .iter()
        .filter(|l| l.ends_with("<https://w3id.org/alliance-kg/derived/facts> ."))
        .cloned()
        .collect();
    assert_eq!(facts_graph, embedded_facts, "{corpus}");

    // Every article is in exactly one shard, the one its manifest says.
    let mut ids = Vec::new();
    for shard in &shards {
        for article in manifest_of(shard)["articles"].as_array().unwrap() {
            ids.push(article["id"].as_str().unwrap().to_owned());
        }
    }
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        ids.len(),
        "{corpus}: an article in two shards"
    );
    let embedded_articles = embedded
        .iter()
        .filter(|l| l.contains("<http://purl.org/dc/terms/identifier>"))
        .count();
    assert_eq!(ids.len(), embedded_articles, "{corpus}");
}

#[test]
fn three_shards_and_the_facts_graph_equal_an_embedded_build() {
    assert_shards_equal_embedded("corpus", seed_store());
    assert_shards_equal_embedded("tests/fixtures/unseen", unseen_store());
}

#[test]
fn the_manifest_describes_its_file() {
    let dir = tempdir();
    let shard = build_shard("corpus", 1, 3, dir.path());
    let manifest = manifest_of(&shard);
    let bytes = std::fs::read(&shard).unwrap();
    assert_eq!(
        manifest["blake3"].as_str().unwrap(),
        blake3::hash(&bytes).to_hex().as_str()
    );
    let lines = gunzip_lines(&shard);
    assert_eq!(manifest["quads"].as_u64().unwrap(), lines.len() as u64);
    assert_eq!(manifest["nquads"], "shard-1.nq.gz");
    assert_eq!(
        manifest["shard"],
        serde_json::json!({"index": 1, "count": 3})
    );
    // Its articles are those whose graphs the file holds.
    let listed: BTreeSet<String> = manifest["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let graphs: BTreeSet<String> = lines
        .iter()
        .filter_map(|l| l.rsplit_once(" <https://w3id.org/alliance-kg/graph/"))
        .map(|(_, id)| id.trim_end_matches("> .").to_owned())
        .collect();
    assert!(!listed.is_empty());
    assert_eq!(listed, graphs);
    // Nothing else is left in the folder: no temporary files.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["shard-1.manifest.json", "shard-1.nq.gz"]);
}

#[test]
fn the_shard_index_may_come_from_the_environment() {
    let dir = tempdir();
    let explicit = build_shard("corpus", 1, 3, dir.path());
    for variable in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
        let other = tempdir();
        let out = other.path().join("shard-1.nq.gz");
        let run = akg()
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env(variable, "1")
            .args(["build", "corpus", "--shard", "/3", "--quiet", "--nquads"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{variable}: {run:?}");
        assert!(String::from_utf8_lossy(&run.stdout).contains("built shard 1/3"));
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(&explicit).unwrap()
        );
        assert_eq!(manifest_of(&out), manifest_of(&explicit), "{variable}");
    }
}

/// Runs `akg build corpus --shard SPEC` into an empty folder; returns the
/// exit code, stderr and the names left in the folder.
fn failed_shard(corpus: &Path, extra: &[&str], env: Option<(&str, &str)>) -> (i32, String, usize) {
    let dir = tempdir();
    let mut cmd = akg();
    cmd.env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .arg("build")
        .arg(corpus)
        .args(extra)
        .arg("--nquads")
        .arg(dir.path().join("out.nq.gz"));
    if let Some((name, value)) = env {
        cmd.env(name, value);
    }
    let run = cmd.output().unwrap();
    let left = std::fs::read_dir(dir.path()).unwrap().count();
    (
        run.status.code().unwrap(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
        left,
    )
}

#[test]
fn a_bad_shard_is_one_clear_line() {
    let corpus = Path::new("corpus");
    for (spec, env, says) in [
        (
            "3/3",
            None,
            "must be below the number of shards, 3 (0 to 2)",
        ),
        ("x/2", None, "the shard index \"x\" is not a whole number"),
        ("0/0", None, "the number of shards must be at least 1"),
        ("2", None, "expected I/N"),
        ("/2", None, "neither is set"),
        (
            "/2",
            Some(("SLURM_ARRAY_TASK_ID", "7")),
            "the shard index 7 (from SLURM_ARRAY_TASK_ID) must be below",
        ),
    ] {
        let (code, stderr, left) = failed_shard(corpus, &["--shard", spec], env);
        assert_eq!(code, 2, "{spec}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{spec}: {stderr}");
        assert!(
            stderr.starts_with(&format!("akg: invalid --shard {spec}: ")),
            "{stderr}"
        );
        assert!(stderr.contains(says), "{spec}: {stderr}");
        assert_eq!(left, 0, "{spec}");
    }
}

#[test]
fn a_failed_shard_leaves_nothing_that_looks_finished() {
    // --strict stops at an unreadable article in the shard.
    let dir = tempdir();
    let corpus = write_corpus(
        dir.path(),
        &[
            ("a.txt", "Armenia is a member of the CSTO.\n"),
            ("b.txt", ""),
        ],
    );
    let (code, stderr, left) = failed_shard(&corpus, &["--shard", "0/1", "--strict"], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--strict"), "{stderr}");
    assert_eq!(left, 0);

    // The final name is taken by a folder: the rename fails, and the
    // temporary file is removed.
    let out = tempdir();
    std::fs::create_dir(out.path().join("out.nq.gz")).unwrap();
    let run = akg()
        .args(["build", "corpus", "--shard", "0/2", "--nquads"])
        .arg(out.path().join("out.nq.gz"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("out.nq.gz"), "{stderr}");
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["out.nq.gz"]);
    assert!(out.path().join("out.nq.gz").is_dir());
}

#[test]
fn the_facts_graph_needs_every_shard_once() {
    let dir = tempdir();
    let shards: Vec<String> = (0..3)
        .map(|i| {
            let shard = build_shard("corpus", i, 3, dir.path());
            shard.to_str().unwrap().replace(".nq.gz", ".manifest.json")
        })
        .collect();
    let out = dir.path().join("facts.nq.gz");
    let reduce = |manifests: &[&str]| {
        let run = akg()
            .arg("facts-graph")
            .args(manifests)
            .arg("--nquads")
            .arg(&out)
            .output()
            .unwrap();
        (
            run.status.code(),
            String::from_utf8_lossy(&run.stderr).into_owned(),
        )
    };
    let (code, stderr) = reduce(&[&shards[0], &shards[2]]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("shard 1 of 3 is missing"), "{stderr}");
    let (code, stderr) = reduce(&[&shards[0], &shards[1], &shards[1], &shards[2]]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("shard 1 is also"), "{stderr}");
    let two = tempdir();
    let other = build_shard("corpus", 0, 2, two.path());
    let other = other.to_str().unwrap().replace(".nq.gz", ".manifest.json");
    let (code, stderr) = reduce(&[&shards[0], &other]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("is a shard of 2"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!out.exists());
}
