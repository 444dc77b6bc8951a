//! Hostile and unlucky input (issue #19): each test reproduces an attack or
//! an accident with the real binary and checks that akg answers with one
//! clear line, keeps the machine and the store whole, and goes on.

use std::time::{Duration, Instant};

use crate::util::{self, run, seed_store};

/// A cross product of the store with itself, sorted: Oxigraph computes it
/// in memory and cannot be interrupted.
const CROSS_PRODUCT: &str = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1";

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_query_over_its_memory_budget_stops_with_exit_2_and_one_line() {
    let started = Instant::now();
    // No time limit: only the memory budget can stop it.
    let out = run(
        seed_store(),
        &[
            "--max-memory",
            "256MiB",
            "query",
            "--timeout",
            "0",
            "-e",
            CROSS_PRODUCT,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("akg: stopped after using ")
            && stderr.contains("over the --max-memory budget of 256.0 MiB"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn the_memory_budget_leaves_ordinary_commands_alone() {
    for args in [
        &["--max-memory", "256MiB", "facts"][..],
        &["--max-memory", "256MiB", "trace", "Armenia"],
        &["--max-memory", "256MiB", "query", "queries/members.rq"],
    ] {
        let out = run(seed_store(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    }
}

#[test]
fn memory_budgets_and_time_limits_that_mean_nothing_are_refused() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--max-memory", "1MiB", "facts"],
            "too small a memory budget",
        ),
        (&["--max-memory", "lots", "facts"], "is not a size"),
        (
            &["query", "--timeout", "1e-10", "queries/members.rq"],
            "at least 0.001 seconds",
        ),
        (
            &["serve", "--max-concurrent", "2305843009213693952"],
            "--max-concurrent",
        ),
    ];
    for (args, expected) in cases {
        let out = run(seed_store(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = stderr_of(&out);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_foreign_directory_is_never_written_to() {
    let dir = util::tempdir();
    let store = dir.path().join("rocksdb");
    std::fs::create_dir_all(store.join("gen-000009")).unwrap();
    std::fs::write(store.join("CURRENT"), "MANIFEST-000005\n").unwrap();
    std::fs::write(store.join("gen-000009/data"), "theirs").unwrap();
    let before = listing(&store);
    for args in [&["build", "corpus", "--quiet"][..], &["facts"]] {
        let out = run(&store, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = stderr_of(&out);
        assert!(stderr.contains("not an alliance-kg store"), "{stderr}");
        assert!(!stderr.contains("delete"), "{stderr}");
    }
    assert_eq!(listing(&store), before);
}

/// Every path under `dir`, sorted.
fn listing(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            paths.push(path);
        }
    }
    paths.sort();
    paths
}

#[test]
fn a_dump_into_a_closed_pipe_ends_quietly_with_exit_0() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("akg"))
        .current_dir(util::root())
        .arg("--store")
        .arg(seed_store())
        .arg("dump")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line's worth, then close the pipe, as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn an_article_named_ontology_keeps_the_gazetteer_whole() {
    let dir = util::tempdir();
    let corpus = dir.path().join("corpus");
    util::copy_files(&util::root().join("corpus"), &corpus);
    let store = dir.path().join("store");
    util::ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let members_before = util::ok(&store, &["query", "queries/members.rq", "--format", "tsv"]);
    // An article whose id is the name the gazetteer's graph once had,
    // added by an incremental build.
    std::fs::write(
        corpus.join("ontology.txt"),
        "Belarus is a member of the CSTO, its defence minister said on Monday.\n",
    )
    .unwrap();
    util::ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let members_after = util::ok(&store, &["query", "queries/members.rq", "--format", "tsv"]);
    assert!(members_after.lines().count() >= members_before.lines().count());
    assert!(members_after.contains("\"Armenia\"@en"), "{members_after}");
    let trace = util::ok(&store, &["trace", "Armenia", "--format", "json"]);
    assert!(trace.contains("member_of"), "{trace}");
    // The article is there too, in a graph of its own.
    let graphs = util::ok(
        &store,
        &[
            "query",
            "--format",
            "tsv",
            "-e",
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
        ],
    );
    assert!(
        graphs.contains("<https://w3id.org/alliance-kg/graph/ontology>"),
        "{graphs}"
    );
    assert!(
        graphs.contains("<https://w3id.org/alliance-kg/ontology-graph>"),
        "{graphs}"
    );
}

#[test]
fn tracing_a_known_entity_that_no_claim_names_says_so() {
    let dir = util::tempdir();
    let corpus = util::write_corpus(
        dir.path(),
        &[(
            "belarus.txt",
            "Belarus is a member of the CSTO, its defence minister said on Monday.\n",
        )],
    );
    let store = dir.path().join("store");
    util::ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let out = run(&store, &["trace", "Kazakhstan"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"");
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("Kazakhstan is known, but no claim in the store names it"),
        "{stderr}"
    );
}

#[test]
fn a_gazetteer_label_without_a_letter_or_digit_is_refused() {
    for label in [".", "", " - "] {
        let dir = util::tempdir();
        let ontology = dir.path().join("ontology");
        util::copy_files(&util::root().join("ontology"), &ontology);
        std::fs::write(
            ontology.join("extra.ttl"),
            format!(
                "@prefix akg: <https://w3id.org/alliance-kg/ontology#> .\n\
                 @prefix ent: <https://w3id.org/alliance-kg/id/> .\n\
                 @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
                 ent:Dotland a akg:State ; skos:prefLabel \"Dotland\" ; skos:altLabel {label:?} .\n"
            ),
        )
        .unwrap();
        let corpus = util::write_corpus(
            dir.path(),
            &[("a.txt", "Belarus is a member of the CSTO.\n")],
        );
        let store = dir.path().join("store");
        let out = run(
            &store,
            &[
                "--ontology",
                ontology.to_str().unwrap(),
                "build",
                corpus.to_str().unwrap(),
                "--quiet",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{label:?}");
        let stderr = stderr_of(&out);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("ent:Dotland has the label"), "{stderr}");
        assert!(!store.join("CURRENT").exists());
    }
}

/// Builds `corpus` into a new store under `dir`, giving up after 60 s.
fn build_with_deadline(dir: &std::path::Path, corpus: &std::path::Path) -> std::process::Output {
    util::akg()
        .arg("--store")
        .arg(dir.join("store"))
        .args(["build", corpus.to_str().unwrap(), "--quiet"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_metadata_file_that_is_a_fifo_or_a_device_is_ignored_with_one_line() {
    for special in ["fifo", "/dev/zero"] {
        let dir = util::tempdir();
        let corpus = util::write_corpus(
            dir.path(),
            &[("a.txt", "Belarus is a member of the CSTO.\n")],
        );
        let metadata = corpus.join("metadata.toml");
        if special == "fifo" {
            let made = std::process::Command::new("mkfifo")
                .arg(&metadata)
                .status()
                .unwrap();
            assert!(made.success());
        } else {
            std::os::unix::fs::symlink(special, &metadata).unwrap();
        }
        let out = build_with_deadline(dir.path(), &corpus);
        assert!(out.status.success(), "{special}: {}", stderr_of(&out));
        let stderr = stderr_of(&out);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("metadata.toml") && stderr.contains("not a regular file"),
            "{stderr}"
        );
    }
}

#[test]
fn an_oversized_metadata_file_is_ignored_with_one_line() {
    let dir = util::tempdir();
    let corpus = util::write_corpus(
        dir.path(),
        &[("a.txt", "Belarus is a member of the CSTO.\n")],
    );
    // Sparse: 300 MB long, no disk used.
    let file = std::fs::File::create(corpus.join("metadata.toml")).unwrap();
    file.set_len(300 << 20).unwrap();
    let out = build_with_deadline(dir.path(), &corpus);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("larger than 268435456 bytes"), "{stderr}");
}

#[test]
fn metadata_for_a_hundred_thousand_missing_articles_is_reported_in_a_few_lines() {
    let dir = util::tempdir();
    let corpus = util::write_corpus(
        dir.path(),
        &[("a.txt", "Belarus is a member of the CSTO.\n")],
    );
    let mut toml = String::new();
    for n in 0..100_000 {
        toml.push_str(&format!("[articles.\"gone{n}\"]\ntitle = \"t\"\n"));
    }
    std::fs::write(corpus.join("metadata.toml"), toml).unwrap();
    let out = build_with_deadline(dir.path(), &corpus);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 21, "{stderr}");
    assert!(
        stderr.contains("and 99980 more entries for articles that are not there"),
        "{stderr}"
    );
}

#[test]
fn two_files_with_the_same_id_are_told_apart_from_ids_differing_in_case() {
    let dir = util::tempdir();
    let corpus = util::write_corpus(
        dir.path(),
        &[
            ("a.txt", "Belarus is a member of the CSTO.\n"),
            ("a.TXT", "Armenia is a member of the CSTO.\n"),
        ],
    );
    let out = build_with_deadline(dir.path(), &corpus);
    assert_eq!(out.status.code(), Some(1), "skipped files: exit 1");
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("its id \"a\" is also the id of a"),
        "{stderr}"
    );
    assert!(!stderr.contains("differs only in case"), "{stderr}");
}

#[test]
fn a_store_with_damaged_data_blocks_ends_every_reader_with_one_line() {
    let dir = util::tempdir();
    let store = dir.path().join("store");
    util::ok(&store, &["build", "corpus", "--quiet"]);
    util::damage_tables(&store);
    let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
    let cases: [&[&str]; 4] = [
        &["facts"],
        &["query", "--timeout", "0", "-e", count],
        &["trace", "Armenia"],
        &["dump"],
    ];
    for args in cases {
        let started = Instant::now();
        let out = util::akg()
            .arg("--store")
            .arg(&store)
            .args(["--max-memory", "512MiB"])
            .args(args)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        let stderr = stderr_of(&out);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("damaged"), "{args:?}: {stderr}");
        assert!(started.elapsed() < Duration::from_secs(60), "{args:?}");
    }
}

/// A small tmpfs mounted for a test (as root), unmounted on drop.
struct SmallDisk {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl SmallDisk {
    /// `None` where mounting is not allowed (not root, or no tmpfs).
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = util::tempdir();
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).ok()?;
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        mounted.success().then_some(SmallDisk { _dir: dir, path })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(&self.path)
            .status();
    }
}

#[test]
fn a_full_disk_fails_the_build_with_one_line_and_keeps_the_live_store() {
    let Some(disk) = SmallDisk::mount("5m") else {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    };
    let dir = util::tempdir();
    let small = util::write_corpus(
        dir.path(),
        &[("a.txt", "Belarus is a member of the CSTO.\n")],
    );
    let store = disk.path.join("store");
    util::ok(&store, &["build", small.to_str().unwrap(), "--quiet"]);
    let before = util::ok(&store, &["facts", "--format", "tsv"]);
    // The bundled corpus does not fit in what is left.
    let out = run(&store, &["build", "corpus", "--full", "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("free some disk space"), "{stderr}");
    assert!(!stderr.contains("delete"), "{stderr}");
    // Nothing was lost: the live generation answers as before.
    assert_eq!(util::ok(&store, &["facts", "--format", "tsv"]), before);
}

#[test]
fn control_characters_in_articles_never_reach_a_terminal_raw() {
    let dir = util::tempdir();
    // Enough plain text that the article is not taken for a binary file.
    let hostile = format!(
        "{}Belarus is a member of the CSTO\u{1b}]0;pwned\u{7}, \u{1b}[2Jits minister said.\n",
        "Leaders of the member states met in Minsk on Monday to discuss the bloc.\n\n".repeat(20)
    );
    let corpus = util::write_corpus(dir.path(), &[("a\u{1b}[31m.txt", &hostile)]);
    let store = dir.path().join("store");
    util::ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    // A file name's escapes are shown escaped in diagnostics too.
    let binary = corpus.join("b\u{1b}]0;x\u{7}.txt");
    std::fs::write(&binary, [0u8; 64]).unwrap();
    let out = run(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let stderr = stderr_of(&out);
    assert!(stderr.contains(r"b\u{1b}]0;x\u{7}.txt"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    std::fs::remove_file(&binary).unwrap();
    // Human formats: escaped.
    for args in [
        &["trace", "Belarus", "--color", "never"][..],
        &["trace", "Belarus", "--color", "always"],
        &["query", "--format", "table", "-e", "SELECT ?t WHERE { ?s <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?t }"],
    ] {
        let out = util::ok(&store, args);
        assert!(out.contains("\\u{1b}]0;pwned\\u{7}"), "{args:?}: {out}");
        let raw_escapes = out.matches('\u{1b}').count();
        // --color always adds exactly its own two codes per highlight.
        let ours = out.matches("\u{1b}[1;33m").count() + out.matches("\u{1b}[0m").count();
        assert_eq!(raw_escapes, ours, "{args:?}: {out}");
        assert!(!out.contains('\u{7}'), "{args:?}");
    }
    // Data formats piped elsewhere keep the exact text.
    let tsv = util::ok(&store, &["facts", "--format", "tsv"]);
    assert!(tsv.contains("\u{1b}]0;pwned\u{7}"), "{tsv}");
    // The same on a terminal (util-linux's `script` gives akg one) is escaped.
    let akg = assert_cmd::cargo::cargo_bin("akg");
    let command = format!(
        "{} --store {} facts --format tsv",
        akg.display(),
        store.display()
    );
    match std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
    {
        Ok(on_terminal) if on_terminal.status.success() => {
            let shown = String::from_utf8_lossy(&on_terminal.stdout);
            assert!(shown.contains(r"\u{1b}]0;pwned\u{7}"), "{shown}");
            assert!(!shown.contains('\u{1b}'), "{shown}");
        }
        _ => eprintln!("skipped the terminal check: no `script` command"),
    }
}
