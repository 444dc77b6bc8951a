//! Robustness of the real binary: bad corpus input, builds killed with
//! SIGKILL, concurrent readers and builders, runaway and huge queries, and
//! hostile user input that must stay data in SPARQL.
//!
//! Every test builds its own stores in temp dirs from files it writes
//! there; delays are fixed, so a failure can be replayed.

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use crate::util::{ok, root, run, tempdir};

/// `SELECT ?id`: the ids of the articles in the store, one per line.
const ARTICLE_IDS: &str = "PREFIX dcterms: <http://purl.org/dc/terms/> \
    SELECT DISTINCT ?id WHERE { ?article dcterms:identifier ?id } ORDER BY ?id";

/// A runaway query: the cross product of all quads with itself, twice.
const CROSS_PRODUCT: &str = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";

/// How many copies of the bundled articles make the big corpus.
const BIG_CORPUS_SIZE: usize = 120;

/// The bundled articles, sorted by file name.
fn bundled_articles() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(root().join("corpus"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    paths
}

/// A folder with `n` articles: the bundled ones copied under new ids.
fn copies_corpus(dir: &Path, n: usize) -> PathBuf {
    let articles = bundled_articles();
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        fs::copy(
            &articles[i % articles.len()],
            dir.join(format!("copy_{i:03}.txt")),
        )
        .unwrap();
    }
    dir.to_path_buf()
}

/// The big corpus ([`BIG_CORPUS_SIZE`] articles), written once per run.
fn big_corpus() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| copies_corpus(&tempdir().keep().join("big"), BIG_CORPUS_SIZE))
}

/// `akg --store STORE ARGS…` as a child process, from the repository root
/// (so that it uses ontology/ as the other tests do).
fn spawn(store: &Path, args: &[&str], stdout: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_akg"))
        .current_dir(root())
        .env_remove("AKG_STORE")
        .arg("--store")
        .arg(store)
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The whole store as sorted N-Quads.
fn dump(store: &Path) -> String {
    ok(store, &["dump", "--format", "nquads"])
}

/// The article ids in the store.
fn article_ids(store: &Path) -> Vec<String> {
    ok(store, &["query", "--format", "tsv", "-e", ARTICLE_IDS])
        .lines()
        .skip(1)
        .map(|line| line.trim_matches('"').to_owned())
        .collect()
}

/// Asserts a failure exited with code 2 and an `akg: …` message, not a
/// panic or a signal.
fn assert_clean_failure(out: &Output, what: &str) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: {:?}\n{err}",
        out.status
    );
    assert!(err.starts_with("akg: "), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
}

// ---------------------------------------------------------------------------
// 1. Bad corpus input
// ---------------------------------------------------------------------------

/// A file of the mixed corpus and what must become of it.
struct Case {
    file: &'static str,
    /// `Some(words)`: skipped, with one stderr line naming the file and
    /// holding these words; `None`: built.
    skipped: Option<&'static [&'static str]>,
}

const CASES: &[Case] = &[
    Case {
        file: "latin1.txt",
        skipped: None,
    },
    Case {
        file: "utf16.txt",
        skipped: None,
    },
    Case {
        file: "longline.txt",
        skipped: None,
    },
    Case {
        file: "nopunct.txt",
        skipped: None,
    },
    Case {
        file: "unicode.txt",
        skipped: None,
    },
    Case {
        file: "A.txt",
        skipped: None,
    },
    Case {
        file: "a.txt",
        skipped: Some(&["differs only in case from that of A.txt", "rename"]),
    },
    Case {
        file: "blob.txt",
        skipped: Some(&["no encoding could be detected", "convert it to UTF-8"]),
    },
    Case {
        file: "binary.txt",
        skipped: Some(&["binary file", "NUL bytes", "remove it"]),
    },
    Case {
        file: "empty.txt",
        skipped: Some(&["is empty", "add the article text or remove the file"]),
    },
    Case {
        file: "blank.txt",
        skipped: Some(&["only whitespace"]),
    },
    Case {
        file: "huge.txt",
        skipped: Some(&["is 50 MiB", "larger than 16 MiB", "--max-article-bytes"]),
    },
];

/// Writes the mixed corpus: the bundled articles and every case of [`CASES`],
/// with a metadata file that has a bad date, an unknown key and a wrong type.
fn mixed_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("mixed");
    fs::create_dir_all(&corpus).unwrap();
    for article in bundled_articles() {
        fs::copy(&article, corpus.join(article.file_name().unwrap())).unwrap();
    }
    let write = |name: &str, bytes: &[u8]| fs::write(corpus.join(name), bytes).unwrap();

    // Latin-1: "Café", "ministère" as single bytes.
    write(
        "latin1.txt",
        b"Caf\xe9 talk in Yerevan. Armenia is a member of the CSTO, said the minist\xe8re.\n",
    );
    // UTF-16LE with a byte order mark.
    let utf16: Vec<u8> = "\u{feff}Armenia requested assistance from the CSTO in September 2022. \
                          Ça va, Élodie?\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    write("utf16.txt", &utf16);
    // A 1 MiB line of words with a name now and then, and no full stop.
    let mut line = String::new();
    while line.len() < 1 << 20 {
        line.push_str("lorem ipsum dolor sit amet consectetur adipiscing elit sed do Armenia ");
    }
    write("longline.txt", line.as_bytes());
    // Lowercase words without any punctuation, on many lines.
    write(
        "nopunct.txt",
        "armenia russia csto yerevan moscow troops border\n"
            .repeat(3000)
            .as_bytes(),
    );
    // Combining marks, right-to-left text, emoji, a few NUL bytes.
    let mut odd = String::new();
    for _ in 0..20 {
        odd.push_str(
            "Arme\u{301}nia and Kyrgyzstan\u{308} met. \u{5e9}\u{5dc}\u{5d5}\u{5dd} \
             \u{627}\u{644}\u{633}\u{644}\u{627}\u{645} \u{202e}reversed\u{202c} 👍🏽 🇦🇲 ok.\n",
        );
    }
    // Only sentences with a claim are stored: put odd text in two of them.
    odd.push_str(
        "Kazakhstan is a member of the CSTO, Arme\u{301}nia \u{5e9}\u{5dc}\u{5d5}\u{5dd} 👍🏽 \
         \u{202e}reversed\u{202c}\u{0} and all.\nBelarus\u{200d} is a member of the CSTO.\u{0}\n",
    );
    write("unicode.txt", odd.as_bytes());
    // Ids that differ only in case: the first in name order wins.
    write("A.txt", b"Belarus is a member of the CSTO.\n");
    write("a.txt", b"Tajikistan is a member of the CSTO.\n");
    // Control bytes that are no known encoding.
    let mut seed = 7u32;
    let blob: Vec<u8> = (0..4000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            [1, 2, 3, 4, 5, 6, 7, 8, 0x0b, 0x0e, 0x10, 0x81, 0x90, 0xff][(seed >> 16) as usize % 14]
        })
        .collect();
    write("blob.txt", &blob);
    // A binary file with NUL bytes (the start of a zip archive).
    write(
        "binary.txt",
        &b"PK\x03\x04\x14\x00\x00\x00\x08\x00".repeat(400),
    );
    write("empty.txt", b"");
    write("blank.txt", b" \n\t\r\n  \n");
    // 50 MB, made here so the repository stays small.
    let mut huge = fs::File::create(corpus.join("huge.txt")).unwrap();
    let chunk = "Armenia is a member of the CSTO. ".repeat(1 << 15);
    let mut written = 0;
    while written < 50 << 20 {
        std::io::Write::write_all(&mut huge, chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    huge.set_len(50 << 20).unwrap();
    drop(huge);

    let mut metadata = fs::read_to_string(root().join("corpus/metadata.toml")).unwrap();
    metadata.push_str(
        r#"
[articles."latin1"]
title = "A Latin-1 file"
date = "2022-13-45"

[articles."utf16"]
colour = "blue"
date = "2022-09-14"

[articles."longline"]
title = 42
"#,
    );
    fs::write(corpus.join("metadata.toml"), metadata).unwrap();
    corpus
}

#[test]
fn bad_input_is_skipped_one_line_each_and_the_good_articles_are_built() {
    let dir = tempdir();
    let corpus = mixed_corpus(dir.path());
    let corpus_arg = corpus.to_str().unwrap();
    let store = dir.path().join("store");

    let started = Instant::now();
    let out = run(&store, &["build", corpus_arg, "--quiet"]);
    let elapsed = started.elapsed();
    let (err, summary) = (stderr(&out), stdout(&out));
    // The 50 MB file is not read, and the long line costs little.
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
    assert_eq!(out.status.code(), Some(1), "skipped files: exit 1\n{err}");

    // One line per bad file, naming it and saying what to do.
    let lines: Vec<&str> = err.lines().collect();
    for case in CASES {
        let path = corpus.join(case.file).display().to_string();
        let naming: Vec<&&str> = lines
            .iter()
            .filter(|line| line.contains(&format!("{path}:")))
            .collect();
        match case.skipped {
            None => assert!(naming.is_empty(), "{} was built: {naming:?}", case.file),
            Some(words) => {
                assert_eq!(naming.len(), 1, "one line for {}:\n{err}", case.file);
                assert!(naming[0].starts_with("akg: skipped: "), "{}", naming[0]);
                for word in words {
                    assert!(naming[0].contains(word), "{word:?} not in {}", naming[0]);
                }
            }
        }
    }
    // Metadata problems: one line each, with the line number; the articles
    // are still built.
    let metadata = corpus.join("metadata.toml").display().to_string();
    let metadata_lines: Vec<&&str> = lines.iter().filter(|l| l.contains(&metadata)).collect();
    assert_eq!(metadata_lines.len(), 3, "{err}");
    for (line, words) in metadata_lines.iter().zip([
        ["month 13 does not exist", "use 01 to 12"],
        ["unknown key `colour`", "use only title, date"],
        ["must be a string, not an integer", "put it in quotes"],
    ]) {
        assert!(line.starts_with("akg: metadata ignored: "), "{line}");
        assert!(
            line.contains(&format!("{metadata}:")),
            "no line number: {line}"
        );
        for word in words {
            assert!(line.contains(word), "{word:?} not in {line}");
        }
    }
    assert_eq!(lines.len(), 6 + 3, "nothing else on stderr:\n{err}");

    // The summary counts built and skipped articles.
    let n_built = 5 + CASES.iter().filter(|c| c.skipped.is_none()).count();
    assert!(
        summary.contains(&format!(
            "{n_built} built, 0 unchanged, 0 removed, 6 skipped"
        )),
        "{summary}"
    );

    // Every good article is in the store, and nothing else.
    let mut expected: Vec<String> = bundled_articles()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .chain(
            CASES
                .iter()
                .filter(|c| c.skipped.is_none())
                .map(|c| c.file.trim_end_matches(".txt").to_owned()),
        )
        .collect();
    expected.sort();
    assert_eq!(article_ids(&store), expected);

    // Decoded text: the facts quote it exactly.
    let facts = ok(&store, &["facts"]);
    for expected in [
        "latin1\tmember_of\tArmenia\tCSTO\t\t\tArmenia is a member of the CSTO, said the ministère.",
        "utf16\trequested_assistance\tArmenia\tCSTO\t2022-09\t\t\
         Armenia requested assistance from the CSTO in September 2022.",
        "A\tmember_of\tBelarus\tCSTO\t",
        "unicode\tmember_of\tKazakhstan\tCSTO\t",
        "unicode\tmember_of\tBelarus\tCSTO\t",
    ] {
        assert!(
            facts.lines().any(|line| line.starts_with(expected)),
            "no fact {expected:?} in\n{facts}"
        );
    }
    assert!(
        !facts.lines().any(|line| line.starts_with("a\t")),
        "a.txt was skipped"
    );
    // Odd Unicode is kept as it was written, NUL bytes included.
    let sentences = ok(
        &store,
        &[
            "query",
            "--format",
            "tsv",
            "-e",
            "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> \
             SELECT ?text WHERE { GRAPH <https://w3id.org/alliance-kg/graph/unicode> \
             { ?s nif:anchorOf ?text } }",
        ],
    );
    for needle in [
        "Arme\u{301}nia",
        "\u{5e9}\u{5dc}\u{5d5}\u{5dd}",
        "👍🏽",
        "\u{202e}reversed\u{202c}\u{0} and all.",
        "Belarus\u{200d} is a member of the CSTO.\u{0}",
    ] {
        assert!(sentences.contains(needle), "{needle:?} lost:\n{sentences}");
    }
    // Metadata: the valid keys of an entry are kept, the bad ones dropped.
    let dates = ok(
        &store,
        &[
            "query",
            "--format",
            "tsv",
            "-e",
            "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> \
             SELECT ?id ?date ?title WHERE { ?a dcterms:identifier ?id \
             FILTER(?id IN (\"latin1\", \"utf16\", \"longline\")) \
             OPTIONAL { ?a schema:datePublished ?date } OPTIONAL { ?a schema:headline ?title } } \
             ORDER BY ?id",
        ],
    );
    let rows: Vec<&str> = dates.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{dates}");
    assert!(
        rows[0].starts_with("\"latin1\"\t\t\"A Latin-1 file\""),
        "{dates}"
    );
    assert!(rows[1].starts_with("\"longline\"\t\t"), "{dates}");
    assert!(rows[2].starts_with("\"utf16\"\t\"2022-09-14\""), "{dates}");

    // --strict stops at the first problem and leaves the store as it was.
    let before = dump(&store);
    let generation = fs::read_to_string(store.join("CURRENT")).unwrap();
    let out = run(
        &store,
        &["build", corpus_arg, "--quiet", "--strict", "--full"],
    );
    let err = stderr(&out);
    assert_clean_failure(&out, "--strict");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("{}:", corpus.join("a.txt").display())),
        "{err}"
    );
    assert!(err.contains("--strict stops at the first problem"), "{err}");
    assert!(stdout(&out).is_empty());
    assert_eq!(
        fs::read_to_string(store.join("CURRENT")).unwrap(),
        generation
    );
    assert_eq!(dump(&store), before, "--strict changed the store");
}

#[test]
fn exit_code_is_zero_when_every_article_is_built() {
    let dir = tempdir();
    let corpus = dir.path().join("clean");
    fs::create_dir(&corpus).unwrap();
    for article in bundled_articles() {
        fs::copy(&article, corpus.join(article.file_name().unwrap())).unwrap();
    }
    // Ignored metadata costs no article: still exit 0, with a warning.
    fs::write(
        corpus.join("metadata.toml"),
        "[articles.\"000_5a98e20ee2fbc50d\"]\nsource = \"wire\"\n",
    )
    .unwrap();
    let store = dir.path().join("store");
    let out = run(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("5 built, 0 unchanged, 0 removed, 0 skipped"));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("metadata ignored") && err.contains("unknown key `source`"));
    // --strict treats that warning as a problem.
    let out = run(
        &store,
        &["build", corpus.to_str().unwrap(), "--quiet", "--strict"],
    );
    assert_clean_failure(&out, "--strict on a metadata warning");
}

/// Articles that are not UTF-8 are read in the legacy encoding their bytes
/// look like. A Windows-1251 (Cyrillic) article used to pass as
/// Windows-1252 and was built as garbage; a Windows-1252 one reads as it
/// always did. A file that is not valid in the encoding it looks like is
/// skipped with one line that names the encoding.
#[test]
fn legacy_encodings_are_read_in_the_encoding_they_look_like() {
    let dir = tempdir();
    let corpus = dir.path().join("legacy");
    fs::create_dir_all(&corpus).unwrap();
    let fixtures = root().join("tests/fixtures/legacy_encodings");
    for name in ["russian_windows1251.txt", "western_windows1252.txt"] {
        fs::copy(fixtures.join(name), corpus.join(name)).unwrap();
    }
    // Korean in EUC-KR, with a first byte that makes no character.
    let (korean, _, _) = encoding_rs::EUC_KR.encode("한국은 나토 회원국이 아니지만 협력하고 있다.");
    let mut korean = korean.into_owned();
    korean[0] = 0xFE;
    let broken = corpus.join("korean_broken.txt");
    fs::write(&broken, &korean).unwrap();

    let store = dir.path().join("store");
    let out = run(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one file skipped: exit 1\n{err}"
    );
    let expected = format!(
        "akg: skipped: {}: not UTF-8 and not valid EUC-KR either, the encoding it looks \
         most like (bad byte at offset 0); convert it to UTF-8 from its real encoding \
         (iconv -f ENCODING -t UTF-8) and build again",
        broken.display()
    );
    assert_eq!(err.lines().collect::<Vec<_>>(), [expected.as_str()]);
    assert_eq!(
        article_ids(&store),
        ["russian_windows1251", "western_windows1252"]
    );

    // The sentences stored with the claims hold the decoded text.
    let dump = dump(&store);
    for sentence in [
        "Armenia is a member of the CSTO (ОДКБ), the Organization's Russian name.",
        "Kazakhstan is a member of the CSTO, the minister told reporters in Zürich, \
         calling the alliance “a pillar of our security”.",
    ] {
        assert!(dump.contains(sentence), "{sentence:?} not in the dump");
    }
    // "ОДКБ" in Windows-1251 bytes, read as Windows-1252.
    assert!(!dump.contains("ÎÄÊÁ"));
}

// ---------------------------------------------------------------------------
// 2. Interrupted builds
// ---------------------------------------------------------------------------

/// Generation directories and temporary files in a store.
fn store_entries(store: &Path) -> BTreeSet<String> {
    fs::read_dir(store)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// When a build child is killed.
#[derive(Clone, Copy, Debug)]
enum KillAt {
    /// This long after it starts.
    Delay(Duration),
    /// As soon as `CURRENT.tmp` exists: about to make the new generation live.
    CurrentTmp,
    /// As soon as `CURRENT` names another generation: committed, deleting
    /// old generations.
    CurrentChanged,
}

/// Runs `akg build ARGS…` on `store` and SIGKILLs it at `at` (or lets it
/// finish if that never comes); returns true if it was killed.
fn build_and_kill(store: &Path, args: &[&str], at: KillAt) -> bool {
    let current = || fs::read_to_string(store.join("CURRENT")).unwrap_or_default();
    let live = current();
    let started = Instant::now();
    let mut child = spawn(store, args, Stdio::null());
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        let now = match at {
            KillAt::Delay(delay) => started.elapsed() >= delay,
            KillAt::CurrentTmp => store.join("CURRENT.tmp").exists(),
            KillAt::CurrentChanged => current() != live,
        };
        if now {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return true;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{at:?}");
        thread::sleep(Duration::from_micros(500));
    }
}

#[test]
fn killed_builds_leave_the_old_store_or_the_new_one() {
    let dir = tempdir();
    let big = big_corpus().to_str().unwrap();
    // The new state: the big corpus built in one go elsewhere.
    let reference = dir.path().join("reference");
    let started = Instant::now();
    ok(&reference, &["build", big, "--quiet"]);
    let build_time = started.elapsed();
    let new_state = dump(&reference);
    fs::remove_dir_all(&reference).unwrap();

    let store = dir.path().join("store");
    ok(&store, &["build", "corpus", "--quiet"]);
    let old_state = dump(&store);
    assert_ne!(old_state, new_state);

    // Fixed delays, a few from a fixed-seed generator, some late in the
    // build (near its commit), and at the commit itself.
    let mut kill_points: Vec<KillAt> = [5, 20, 50, 120, 300, 600, 1000]
        .into_iter()
        .map(|ms| KillAt::Delay(Duration::from_millis(ms)))
        .collect();
    let mut seed = 42u64;
    for _ in 0..2 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        kill_points.push(KillAt::Delay(Duration::from_millis((seed >> 33) % 2000)));
    }
    kill_points.extend([
        KillAt::Delay(build_time.mul_f64(0.9)),
        KillAt::CurrentTmp,
        KillAt::CurrentChanged,
    ]);
    let (mut n_old, mut n_new) = (0, 0);
    for (i, at) in kill_points.into_iter().enumerate() {
        // Full and incremental builds in turn (an incremental one copies
        // the live generation, then replaces articles one transaction each).
        let mut args = vec!["build", big, "--quiet"];
        if i % 2 == 0 {
            args.push("--full");
        }
        let killed = build_and_kill(&store, &args, at);

        // The store answers queries, and holds one whole build.
        let out = run(
            &store,
            &["query", "-e", "ASK { ?s ?p ?o }", "--format", "tsv"],
        );
        assert!(
            out.status.success(),
            "after a kill at {at:?}: {}",
            stderr(&out)
        );
        let state = dump(&store);
        if state == old_state {
            assert!(killed, "a finished build left the old store");
            n_old += 1;
        } else if state == new_state {
            n_new += usize::from(killed);
            // Back to the old state for the next kill.
            ok(&store, &["build", "corpus", "--quiet", "--full"]);
            assert_eq!(dump(&store), old_state);
        } else {
            panic!("a kill at {at:?} left a store that is neither the old nor the new one");
        }
        if let KillAt::CurrentChanged = at {
            assert!(killed && state == new_state, "killed after the commit");
        }
    }
    assert!(n_old > 0, "no kill hit a running build");
    eprintln!("killed builds: {n_old} left the old store, {n_new} the new one");

    // The next build completes, and cleans up the debris.
    let out = run(&store, &["build", big, "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dump(&store), new_state);
    let entries = store_entries(&store);
    let generations = entries.iter().filter(|e| e.starts_with("gen-")).count();
    assert!(generations <= 2, "{entries:?}");
    assert!(!entries.contains("CURRENT.tmp"), "{entries:?}");
}

// ---------------------------------------------------------------------------
// 3. Concurrent use
// ---------------------------------------------------------------------------

#[test]
fn queries_during_builds_see_a_whole_build() {
    let dir = tempdir();
    let medium = copies_corpus(&dir.path().join("medium"), 60);
    let medium = medium.to_str().unwrap().to_owned();
    let store = dir.path().join("store");
    ok(&store, &["build", "corpus", "--quiet"]);
    let count = "PREFIX dcterms: <http://purl.org/dc/terms/> \
                 SELECT (COUNT(DISTINCT ?id) AS ?n) WHERE { ?a dcterms:identifier ?id }";

    // Builds back and forth between 5 and 60 articles, full and incremental
    // (old generations are deleted as new ones are committed), while
    // queries run.
    let builder = {
        let store = store.clone();
        thread::spawn(move || {
            for (corpus, full) in [
                (medium.as_str(), true),
                ("corpus", false),
                (medium.as_str(), false),
                ("corpus", true),
            ] {
                let mut args = vec!["build", corpus, "--quiet"];
                if full {
                    args.push("--full");
                }
                let out = run(&store, &args);
                assert!(out.status.success(), "{}", stderr(&out));
            }
        })
    };
    let (mut n_queries, mut n_refused) = (0, 0);
    while !builder.is_finished() {
        let out = run(&store, &["query", "--format", "tsv", "-e", count]);
        n_queries += 1;
        if out.status.success() {
            let answer = stdout(&out);
            let n = answer.lines().nth(1).unwrap_or_default();
            assert!(
                n == "5" || n == "60",
                "a query saw part of a build: {answer}"
            );
        } else {
            // Allowed: a clear message, never a crash.
            assert_clean_failure(&out, "query during a build");
            assert!(stderr(&out).contains("try again"), "{}", stderr(&out));
            n_refused += 1;
        }
    }
    builder.join().unwrap();
    eprintln!("queries during builds: {n_queries}, {n_refused} refused");
    assert!(
        n_queries > 3,
        "only {n_queries} queries ran during the builds"
    );
    assert!(
        n_refused * 10 <= n_queries,
        "{n_refused} of {n_queries} refused"
    );
    assert_eq!(article_ids(&store).len(), 5);
}

/// Waits until a build child has taken the lock and started a generation.
fn wait_for_generation(store: &Path, name: &str, child: &mut Child) {
    let started = Instant::now();
    while !store.join(name).exists() {
        assert!(child.try_wait().unwrap().is_none(), "the build ended early");
        assert!(started.elapsed() < Duration::from_secs(30), "no {name}");
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_second_build_refuses_or_waits() {
    let dir = tempdir();
    let store = dir.path().join("store");
    ok(&store, &["build", "corpus", "--quiet"]);
    let big = big_corpus().to_str().unwrap();

    let mut first = spawn(&store, &["build", big, "--quiet", "--full"], Stdio::null());
    wait_for_generation(&store, "gen-000002", &mut first);
    let out = run(&store, &["build", "corpus", "--quiet"]);
    assert_clean_failure(&out, "a second build");
    let err = stderr(&out);
    assert!(
        err.contains("is being built by another process; try again when it finishes"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first build was disturbed"
    );

    // With --wait, it runs after the first one, and computes its changes
    // against the first one's result. (Regression: it used to compare with
    // the generation live when it started waiting, so it kept the first
    // build's articles and left a store that matched neither corpus.)
    let out = run(&store, &["build", "corpus", "--quiet", "--wait"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first_status = first
        .try_wait()
        .unwrap()
        .expect("the waiting build ran after the first one ended");
    assert!(first_status.success());
    assert!(
        stdout(&out).contains(&format!("{BIG_CORPUS_SIZE} removed")),
        "it started from the first build's result: {}",
        stdout(&out)
    );
    assert_eq!(article_ids(&store).len(), 5);
}

// ---------------------------------------------------------------------------
// 4. Queries under stress
// ---------------------------------------------------------------------------

/// The store built from the bundled corpus, for the query tests (not
/// shared with the other modules: these tests must not disturb them).
fn query_store() -> &'static Path {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = tempdir().keep().join("store");
        ok(&store, &["build", "corpus", "--quiet"]);
        store
    })
}

#[test]
fn runaway_queries_stop_at_the_timeout_and_the_store_is_unharmed() {
    let store = query_store();
    let before = dump(store);
    for query in [
        // Streams rows: stopped between rows.
        CROSS_PRODUCT.to_owned(),
        // Computes in memory before the first row: stopped by the deadline.
        format!("{CROSS_PRODUCT} ORDER BY ?c ?f ?i"),
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }".to_owned(),
    ] {
        let started = Instant::now();
        let out = run(
            store,
            &["query", "--timeout", "1", "--format", "tsv", "-e", &query],
        );
        let elapsed = started.elapsed();
        assert_clean_failure(&out, &query);
        let err = stderr(&out);
        assert_eq!(
            err.trim_end(),
            "akg: query stopped after 1 s; narrow it or raise --timeout",
            "{query}"
        );
        assert!(
            elapsed < Duration::from_secs(6),
            "{query}: took {elapsed:?}"
        );
    }
    assert_eq!(dump(store), before, "a stopped query changed the store");
    assert!(ok(
        store,
        &["query", "-e", "ASK { ?s ?p ?o }", "--format", "tsv"]
    )
    .contains("true"));

    // Timeouts that are not a number of seconds are refused; inf and 0 are
    // no limit.
    for bad in ["-1", "nan", "soon"] {
        let out = run(
            store,
            &["query", &format!("--timeout={bad}"), "-e", "ASK {}"],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&out).contains("is not a number of seconds"),
            "{}",
            stderr(&out)
        );
    }
    for unlimited in ["inf", "0", "1e300"] {
        let out = ok(
            store,
            &[
                "query",
                "--timeout",
                unlimited,
                "-e",
                "ASK {}",
                "--format",
                "tsv",
            ],
        );
        assert!(out.contains("true"), "{unlimited}");
    }
}

/// The peak resident memory of a running process, in KiB.
#[cfg(target_os = "linux")]
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_huge_select_streams_to_a_pipe_in_little_memory() {
    let store = query_store();
    // ~6,500 quads squared: about 40 million rows, some 10 GB of TSV.
    let mut child = spawn(
        store,
        &[
            "query",
            "--timeout",
            "0",
            "--format",
            "tsv",
            "-e",
            "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
        ],
        Stdio::piped(),
    );
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut header = String::new();
    reader.read_line(&mut header).unwrap();
    assert_eq!(header, "?a\t?b\t?c\t?d\t?e\t?f\n");
    let mut buffer = vec![0; 1 << 16];
    let (mut n_read, mut peak_kib) = (0, 0);
    while n_read < 48 << 20 {
        let n = reader.read(&mut buffer).unwrap();
        assert!(n > 0, "the output ended early");
        n_read += n;
        #[cfg(target_os = "linux")]
        {
            peak_kib = peak_kib.max(peak_rss_kib(child.id()).unwrap_or(0));
        }
    }
    // Closing the pipe ends the query quietly, as `| head` would.
    drop(reader);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "broken pipe: {:?} {}",
        out.status,
        stderr(&out)
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(
        peak_kib < 256 << 10,
        "{peak_kib} KiB resident after streaming {n_read} bytes"
    );
}

#[test]
fn service_queries_are_refused() {
    let store = query_store();
    for query in [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <https://dbpedia.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<http://127.0.0.1:9/sparql> AS ?x) SERVICE ?x { ?s ?p ?o } }",
    ] {
        let started = Instant::now();
        let out = run(store, &["query", "--format", "tsv", "-e", query]);
        if query.contains("SILENT") && out.status.success() {
            // SILENT may swallow the failure; then nothing came back.
            assert_eq!(stdout(&out).lines().count(), 2, "{query}: {}", stdout(&out));
            continue;
        }
        assert_clean_failure(&out, query);
        let err = stderr(&out);
        assert!(
            err.contains("SERVICE") && err.contains("not supported"),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{query}");
    }
}

/// Queries that overflowed the stack of Oxigraph's parser (brackets, `!`)
/// or optimizer (long chains) and aborted `akg query` with exit 134.
#[test]
fn deeply_nested_and_overlong_queries_exit_2_with_one_line() {
    let store = query_store();
    let nested = format!(
        "ASK {{ FILTER({}1{}) }}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let out = run(store, &["query", "-e", &nested]);
    assert_clean_failure(&out, "10,000 brackets");
    assert_eq!(
        stderr(&out),
        "akg: the query nests more than 256 deep (brackets and prefix operators) \
         at line 1, column 268; flatten it\n"
    );

    let dir = tempdir();
    let file = dir.path().join("query.rq");
    let deep = "nests more than 256 deep";
    let long = "has more than 10000 tokens";
    for (what, query, message) in [
        (
            "10,000 groups",
            format!("ASK {}{}", "{".repeat(10_000), "}".repeat(10_000)),
            deep,
        ),
        (
            "100,000 `!`",
            format!("ASK {{ FILTER({}true) }}", "!".repeat(100_000)),
            deep,
        ),
        (
            "30,000 objects",
            format!("ASK {{ ?s ?p {} }}", vec!["1"; 30_000].join(",")),
            long,
        ),
        (
            "10,000 UNIONs",
            format!("ASK {{ {} }}", vec!["{}"; 10_000].join(" UNION ")),
            long,
        ),
    ] {
        fs::write(&file, &query).unwrap();
        let out = run(store, &["query", file.to_str().unwrap()]);
        assert_clean_failure(&out, what);
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(err.contains(message), "{what}: {err}");
    }

    // Inside the limits, a query runs on a stack of its own, whatever the
    // main thread has: 250 levels of `CONCAT(` took 1.3 MB.
    let concat = format!(
        "ASK {{ FILTER({}'a'{} = 'a') }}",
        "CONCAT(".repeat(250),
        ")".repeat(250)
    );
    let out = Command::new("sh")
        .current_dir(root())
        .env_remove("AKG_STORE")
        .arg("-c")
        .arg("ulimit -s 512 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_akg"))
        .arg("--store")
        .arg(store)
        .args(["query", "--format", "tsv", "-e", &concat])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(&out));
    assert!(stdout(&out).contains("true"), "{}", stdout(&out));
}

// ---------------------------------------------------------------------------
// 5. A damaged store
// ---------------------------------------------------------------------------

/// The files of the live generation whose names end with `suffix`, largest
/// first.
fn live_files(store: &Path, suffix: &str) -> Vec<PathBuf> {
    let live = fs::read_to_string(store.join("CURRENT")).unwrap();
    let mut files: Vec<(u64, PathBuf)> = fs::read_dir(store.join(live.trim()))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .map(|path| (fs::metadata(&path).unwrap().len(), path))
        .collect();
    files.sort();
    files.into_iter().rev().map(|(_, path)| path).collect()
}

/// RocksDB errors segfaulted (exit 139) after printing their message three
/// times: Oxigraph frees RocksDB's `malloc`ed error string with Rust's
/// allocator, which was mimalloc. Every command that opens the store must
/// fail cleanly, naming the damaged file once.
#[test]
fn a_damaged_store_is_an_error_not_a_crash() {
    let dir = tempdir();
    let corpus = copies_corpus(&dir.path().join("corpus"), 5);
    let corpus = corpus.to_str().unwrap();
    for what in ["a truncated SST file", "a missing SST file"] {
        let store = dir.path().join(what.replace(' ', "-"));
        ok(&store, &["build", corpus, "--quiet"]);
        let sst = live_files(&store, ".sst").remove(0);
        if what.contains("truncated") {
            let file = fs::File::options().write(true).open(&sst).unwrap();
            file.set_len(1000).unwrap();
        } else {
            fs::remove_file(&sst).unwrap();
        }
        let name = sst.file_name().unwrap().to_str().unwrap().to_owned();
        for args in [
            &["query", "-e", "ASK { ?s ?p ?o }"][..],
            &["facts"],
            &["dump"],
            &["build", corpus, "--quiet"],
        ] {
            let out = run(&store, args);
            let context = format!("{what}, {args:?}");
            assert_clean_failure(&out, &context);
            let err = stderr(&out);
            assert_eq!(err.lines().count(), 1, "{context}: {err}");
            assert_eq!(err.matches(&name).count(), 1, "{context}: {err}");
            assert!(err.contains("delete the store"), "{context}: {err}");
        }
    }
}

// ---------------------------------------------------------------------------
// 6. User input in SPARQL
// ---------------------------------------------------------------------------

#[test]
fn hostile_names_in_trace_match_no_entity() {
    let store = query_store();
    let names = [
        "Armenia\" } UNION { ?e ?p ?o } #",
        "Armenia' . ?x ?y ?z",
        "}",
        "{ } }",
        "# Armenia",
        "Arme\nnia",
        "Armenia\n} SELECT * WHERE {",
        "\\u0022 } #",
        "Armenia\\u0022)",
        "\\",
        "<http://example.com/x> }",
        "?e",
        "$e",
        "\"\"\"",
    ];
    for name in names {
        let out = run(store, &["trace", name, "--color", "never"]);
        assert_clean_failure(&out, name);
        let err = stderr(&out);
        assert!(
            err.starts_with("akg: no entity matches "),
            "{name:?}: {err}"
        );
        assert!(
            !err.contains("SPARQL") && !err.contains("syntax"),
            "{name:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{name:?}: {err}");
    }
    // The same names as the subject or object of a fact.
    for name in names {
        for args in [
            ["trace", name, "member_of", "CSTO"],
            ["trace", "Armenia", "invoked", name],
        ] {
            let out = run(store, &args);
            assert_clean_failure(&out, name);
            let err = stderr(&out);
            assert!(
                err.starts_with("akg: no entity matches "),
                "{args:?}: {err}"
            );
        }
    }
    // The real name still works.
    assert!(ok(store, &["trace", "Armenia", "--color", "never"]).contains("Armenia"));
}
