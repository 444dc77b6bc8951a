//! `akg push` into a real Oxigraph server (`tests/oxigraph_server.rs`):
//! three shards of the bundled corpus plus the facts graph, pushed, hold
//! exactly the quads of an embedded build (blank nodes compared up to
//! renaming: the server renames them); pushing again changes nothing and
//! replaces what was added since; a push killed halfway and run again ends
//! equal; a wrong URL, a server error and bad files are one clear line, a
//! non-zero exit, and nothing sent.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::Dataset;

use crate::oxigraph_server::OxigraphServer;
use crate::shard::build_shard;
use crate::util::{akg, ok, seed_store, tempdir};

/// The three shards of corpus/ and their facts graph, in `dir`.
fn corpus_shards(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = (0..3).map(|i| build_shard("corpus", i, 3, dir)).collect();
    let facts = dir.join("facts.nq.gz");
    let mut reduce = akg();
    reduce.arg("facts-graph");
    for shard in &files {
        let name = shard.file_name().unwrap().to_str().unwrap();
        reduce.arg(shard.with_file_name(name.replace(".nq.gz", ".manifest.json")));
    }
    let run = reduce.arg("--nquads").arg(&facts).output().unwrap();
    assert!(run.status.success(), "{run:?}");
    files.push(facts);
    files
}

/// Runs `akg push --graph-store URL FILES... EXTRA...`.
fn push(url: &str, files: &[PathBuf], extra: &[&str]) -> Output {
    akg()
        .env_remove("AKG_GRAPH_STORE_USER")
        .env_remove("AKG_GRAPH_STORE_PASSWORD")
        .env_remove("AKG_GRAPH_STORE_TOKEN")
        .args(["push", "--graph-store", url])
        .args(files)
        .args(extra)
        .output()
        .unwrap()
}

/// Asserts that a run failed with exit code 2 and one line on stderr that
/// holds every one of `says`; returns the line.
fn one_clear_line(run: &Output, says: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for said in says {
        assert!(stderr.contains(said), "{said:?} not in {stderr}");
    }
    stderr
}

/// N-Quads text as a dataset with canonical blank nodes.
fn canonical(nquads: &str) -> Dataset {
    let mut dataset: Dataset = RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(nquads.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    dataset.canonicalize(CanonicalizationAlgorithm::Unstable);
    dataset
}

/// Everything the server holds, as N-Quads.
fn server_nquads(server: &OxigraphServer) -> String {
    ureq::get(&server.store_url())
        .header("Accept", "application/n-quads")
        .call()
        .unwrap()
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .unwrap()
}

/// The quads the server holds, by a SPARQL count.
fn server_quads(server: &OxigraphServer) -> u64 {
    let answer = ureq::get(&server.query_url())
        .query("query", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        .header("Accept", "text/tab-separated-values")
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let count = answer.lines().nth(1).unwrap();
    let number = count.trim_matches('"').split('"').next().unwrap();
    number.parse().unwrap()
}

/// Asserts that two datasets are equal, naming a few differences.
fn assert_same(actual: &Dataset, expected: &Dataset, what: &str) {
    let missing: Vec<String> = expected
        .iter()
        .filter(|q| !actual.contains(*q))
        .take(5)
        .map(|q| q.to_string())
        .collect();
    let extra: Vec<String> = actual
        .iter()
        .filter(|q| !expected.contains(*q))
        .take(5)
        .map(|q| q.to_string())
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing on the server {missing:#?}, extra {extra:#?}"
    );
}

#[test]
fn pushed_shards_equal_an_embedded_build_and_pushing_again_changes_nothing() {
    let test = "pushed_shards_equal_an_embedded_build_and_pushing_again_changes_nothing";
    let Some(server) = OxigraphServer::start(test) else {
        return;
    };
    let dir = tempdir();
    let files = corpus_shards(dir.path());
    let embedded = canonical(&ok(seed_store(), &["dump", "--format", "nquads"]));

    let run = push(&server.store_url(), &files, &[]);
    assert!(run.status.success(), "{run:?}");
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("pushed 4 files to {}\n", server.store_url())),
        "{stdout}"
    );
    assert!(stdout.contains("  graphs     36 ("), "{stdout}");
    assert_same(&canonical(&server_nquads(&server)), &embedded, "first push");
    let quads = server_quads(&server);
    assert_eq!(quads, embedded.len() as u64);

    // Again: replaced, not duplicated.
    let run = push(&server.store_url(), &files, &["--json"]);
    assert!(run.status.success(), "{run:?}");
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["graphs"], 36);
    assert_eq!(server_quads(&server), quads);
    assert_same(
        &canonical(&server_nquads(&server)),
        &embedded,
        "second push",
    );

    // A triple added to an article's graph since is replaced away.
    let graph = "https://w3id.org/alliance-kg/graph/000_5a98e20ee2fbc50d";
    ureq::post(&server.store_url())
        .query("graph", graph)
        .header("Content-Type", "application/n-triples")
        .send("<http://example.com/stale> <http://example.com/p> \"x\" .\n")
        .unwrap();
    assert_eq!(server_quads(&server), quads + 1);
    let run = push(&server.store_url(), &files, &["--quiet"]);
    assert!(run.status.success(), "{run:?}");
    assert_same(&canonical(&server_nquads(&server)), &embedded, "third push");
}

/// A file of `graphs` graphs of 10 quads each, one request per graph.
fn many_graphs(dir: &Path, graphs: usize) -> PathBuf {
    let path = dir.join("many.nq");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for graph in 0..graphs {
        for quad in 0..10 {
            writeln!(
                out,
                "<http://example.com/s{quad}> <http://example.com/p> \"{graph}\" <http://example.com/g/{graph}> ."
            )
            .unwrap();
        }
    }
    out.flush().unwrap();
    path
}

/// `akg push FILE` (with `extra` flags) into `server`, spawned and
/// returned once the server holds its first quads.
fn push_started(
    server: &OxigraphServer,
    file: &Path,
    extra: &[&str],
    stderr: Stdio,
) -> std::process::Child {
    let child = Command::new(assert_cmd::cargo::cargo_bin("akg"))
        .arg("push")
        .args(extra)
        .args(["--graph-store", &server.store_url()])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server_quads(server) == 0 {
        assert!(Instant::now() < deadline, "nothing pushed within 60 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

#[test]
fn a_push_killed_halfway_and_run_again_ends_equal() {
    let test = "a_push_killed_halfway_and_run_again_ends_equal";
    let Some(server) = OxigraphServer::start(test) else {
        return;
    };
    let dir = tempdir();
    let file = many_graphs(dir.path(), 3000);
    let total = 30_000;
    let mut child = push_started(&server, &file, &["--quiet"], Stdio::null());
    child.kill().unwrap();
    child.wait().unwrap();
    let halfway = server_quads(&server);
    assert!(0 < halfway && halfway < total, "{halfway} of {total} quads");

    let run = push(&server.store_url(), std::slice::from_ref(&file), &[]);
    assert!(run.status.success(), "{run:?}");
    let expected = canonical(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(server_quads(&server), total);
    assert_same(
        &canonical(&server_nquads(&server)),
        &expected,
        "after the re-run",
    );
}

#[test]
fn a_server_gone_mid_push_is_one_clear_line() {
    let test = "a_server_gone_mid_push_is_one_clear_line";
    let Some(server) = OxigraphServer::start(test) else {
        return;
    };
    let dir = tempdir();
    let file = many_graphs(dir.path(), 3000);
    let child = push_started(&server, &file, &["--retries", "1"], Stdio::piped());
    let killed = Command::new("kill")
        .arg(server.pid().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let run = child.wait_with_output().unwrap();
    one_clear_line(
        &run,
        &[
            "no answer from the server after 2 attempts: ",
            "then run akg push again",
        ],
    );
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_wrong_url_is_one_clear_line() {
    let dir = tempdir();
    let file = many_graphs(dir.path(), 2);
    let url = format!("http://127.0.0.1:{}/store", closed_port());
    let run = push(&url, &[file], &["--retries", "1"]);
    one_clear_line(
        &run,
        &[
            &format!("akg: cannot push to {url}: no answer from the server after 2 attempts: "),
            "check that it runs and that the URL is right",
        ],
    );
}

#[test]
fn a_server_error_is_one_clear_line() {
    let Some(server) = OxigraphServer::start("a_server_error_is_one_clear_line") else {
        return;
    };
    let dir = tempdir();
    let file = many_graphs(dir.path(), 2);
    // Oxigraph server answers 404 outside its endpoints.
    let url = server.store_url().replace("/store", "/nothing");
    let run = push(&url, &[file], &[]);
    one_clear_line(
        &run,
        &[
            &format!("akg: cannot push to {url}: PUT of graph <http://example.com/g/0> answered 404 Not Found: PUT /nothing is not supported by this server;"),
            "Oxigraph server: http://HOST:PORT/store",
        ],
    );
    assert_eq!(server_quads(&server), 0);

    // At /store/ Oxigraph server takes the URL for the graph and ignores
    // ?graph=: caught once a graph of another size is sent.
    let two_sizes = dir.path().join("two-sizes.nq");
    std::fs::write(
        &two_sizes,
        "<http://example.com/a> <http://example.com/p> \"1\" <http://example.com/g1> .\n\
         <http://example.com/a> <http://example.com/p> \"1\" <http://example.com/g2> .\n\
         <http://example.com/a> <http://example.com/p> \"2\" <http://example.com/g2> .\n",
    )
    .unwrap();
    let url = format!("{}/", server.store_url());
    let run = push(&url, &[two_sizes], &[]);
    one_clear_line(
        &run,
        &[
            "after a PUT of 1 triples to graph <http://example.com/g1> the server holds 2 there:",
            "it does not take ?graph= at this URL",
        ],
    );
}

#[test]
fn bad_files_are_one_clear_line_and_nothing_is_sent() {
    let Some(server) = OxigraphServer::start("bad_files_are_one_clear_line_and_nothing_is_sent")
    else {
        return;
    };
    let dir = tempdir();
    let files = corpus_shards(dir.path());
    let url = server.store_url();

    let default_graph = dir.path().join("default.nq");
    std::fs::write(
        &default_graph,
        "<http://example.com/a> <http://example.com/p> <http://example.com/b> <http://example.com/g> .\n\
         <http://example.com/a> <http://example.com/p> <http://example.com/b> .\n",
    )
    .unwrap();
    let mut with_default = files.clone();
    with_default.push(default_graph);
    one_clear_line(
        &push(&url, &with_default, &[]),
        &["default.nq line 2: a quad in the default graph; akg push sends only graphs named by an IRI"],
    );

    // A shard damaged after its manifest was written.
    let damaged = dir.path().join("shard-1.nq.gz");
    let mut bytes = std::fs::read(&damaged).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&damaged, bytes).unwrap();
    one_clear_line(
        &push(&url, &files, &[]),
        &[
            "shard-1.nq.gz does not match its manifest",
            "shard-1.manifest.json: its BLAKE3 checksum is",
            "; build the shard again",
        ],
    );
    assert_eq!(server_quads(&server), 0);

    // Credentials never on the command line, nor in an error.
    let run = push(
        &url.replace("http://", "http://ann:hunter2@"),
        &files[..1],
        &[],
    );
    let line = one_clear_line(&run, &["AKG_GRAPH_STORE_USER", "never on the command line"]);
    assert!(!line.contains("hunter2"), "{line}");
    assert_eq!(server_quads(&server), 0);
}
