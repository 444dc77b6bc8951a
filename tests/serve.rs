//! `akg serve`: the SPARQL 1.1 Protocol over HTTP with a real client
//! (ureq), against the real binary: GET and POST, every results format,
//! the error statuses, the limits, CORS, loopback, a rebuild while serving,
//! and a 20-client load test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::{self, ok, root, seed_store};

/// A running `akg serve`, killed on drop.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
    /// Everything the server printed to stderr before it was ready.
    banner: String,
}

impl Server {
    /// Starts `akg --store STORE serve --bind 127.0.0.1:0 ARGS…` and waits
    /// for the line that gives its address.
    pub(crate) fn start(store: &Path, args: &[&str]) -> Server {
        Self::start_bound(store, "127.0.0.1:0", args)
    }

    pub(crate) fn start_bound(store: &Path, bind: &str, args: &[&str]) -> Server {
        Self::launch(&["--store".as_ref(), store.as_os_str()], bind, args)
    }

    /// Starts `akg --endpoint URL serve --bind 127.0.0.1:0 ARGS…`.
    pub(crate) fn start_on_endpoint(url: &str, args: &[&str]) -> Server {
        Self::launch(&["--endpoint".as_ref(), url.as_ref()], "127.0.0.1:0", args)
    }

    /// Starts `akg GLOBAL… serve --bind BIND ARGS…`, with no `AKG_STORE` or
    /// `AKG_ENDPOINT` from the environment.
    fn launch(global: &[&std::ffi::OsStr], bind: &str, args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("akg"))
            .current_dir(root())
            .env_remove("AKG_STORE")
            .env_remove("AKG_ENDPOINT")
            .args(global)
            .args(["serve", "--bind", bind])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("akg serve starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut banner = String::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                banner.push_str(&line);
                banner.push('\n');
                if let Some(rest) = line.split("at http://").nth(1) {
                    let addr = rest.split('/').next().unwrap_or("").to_owned();
                    let _ = tx.send((addr, banner.clone()));
                }
            }
        });
        let (addr, banner) = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("akg serve prints its address");
        Server {
            child,
            base: format!("http://{addr}"),
            banner,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `127.0.0.1:PORT`.
    pub(crate) fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that returns error statuses as responses.
pub(crate) fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Status, content type and body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    content_type: String,
    pub(crate) body: String,
    retry_after: Option<String>,
    pub(crate) allow_origin: Option<String>,
}

pub(crate) fn reply(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = response.expect("the server answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let retry_after = header("retry-after");
    let allow_origin = header("access-control-allow-origin");
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(100 << 20)
        .read_to_string()
        .expect("a UTF-8 body");
    Reply {
        status,
        content_type,
        body,
        retry_after,
        allow_origin,
    }
}

pub(crate) fn get(server: &Server, query: &str, accept: &str) -> Reply {
    reply(
        client()
            .get(server.url("/sparql"))
            .query("query", query)
            .header("Accept", accept)
            .call(),
    )
}

fn post_query(server: &Server, query: &str, accept: &str) -> Reply {
    reply(
        client()
            .post(server.url("/sparql"))
            .header("Content-Type", "application/sparql-query")
            .header("Accept", accept)
            .send(query),
    )
}

fn post_form(server: &Server, pairs: &[(&str, &str)], accept: &str) -> Reply {
    reply(
        client()
            .post(server.url("/sparql"))
            .header("Accept", accept)
            .send_form(pairs.iter().copied()),
    )
}

const TSV: &str = "text/tab-separated-values";
pub(crate) const JSON: &str = "application/sparql-results+json";
pub(crate) const COUNT: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
/// A cross product of every triple with every triple, sorted: runs far
/// past any sensible time limit.
pub(crate) const RUNAWAY: &str =
    "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g LIMIT 1";

pub(crate) fn saved_queries() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    files.sort();
    files
}

#[test]
fn get_and_post_give_the_same_results_as_akg_query_for_every_saved_query() {
    let store = seed_store();
    let server = Server::start(store, &[]);
    for file in saved_queries() {
        let text = std::fs::read_to_string(&file).unwrap();
        let cli = ok(store, &["query", file.to_str().unwrap(), "--format", "tsv"]);
        let by_get = get(&server, &text, TSV);
        assert_eq!(by_get.status, 200, "{}: {}", file.display(), by_get.body);
        assert!(by_get.content_type.starts_with(TSV));
        assert_eq!(by_get.body, cli, "GET {}", file.display());
        let by_post = post_query(&server, &text, TSV);
        assert_eq!(by_post.body, cli, "POST {}", file.display());
        let by_form = post_form(&server, &[("query", &text)], TSV);
        assert_eq!(by_form.body, cli, "form POST {}", file.display());
    }
}

#[test]
fn every_results_format_is_negotiated() {
    let store = seed_store();
    let server = Server::start(store, &[]);
    let select = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> \
                  SELECT ?label WHERE { <https://w3id.org/alliance-kg/id/Armenia> skos:prefLabel ?label }";

    let json = get(&server, select, JSON);
    assert_eq!(json.content_type, JSON);
    let parsed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(parsed["head"]["vars"][0], "label");
    assert_eq!(
        parsed["results"]["bindings"][0]["label"]["value"],
        "Armenia"
    );
    // No Accept header at all: JSON.
    let plain = reply(
        client()
            .get(server.url("/sparql"))
            .query("query", select)
            .call(),
    );
    assert!(plain.content_type.starts_with(JSON));

    let xml = get(&server, select, "application/sparql-results+xml");
    assert!(xml
        .content_type
        .starts_with("application/sparql-results+xml"));
    assert!(xml.body.contains(">Armenia</literal>"), "{}", xml.body);

    let csv = get(&server, select, "text/csv");
    assert!(csv.content_type.starts_with("text/csv"));
    assert_eq!(csv.body.replace("\r\n", "\n"), "label\nArmenia\n");

    let tsv = get(&server, select, TSV);
    assert!(tsv.body.starts_with("?label\n\"Armenia\""), "{}", tsv.body);

    let ask = get(
        &server,
        "ASK { <https://w3id.org/alliance-kg/id/Armenia> ?p ?o }",
        JSON,
    );
    assert!(ask.body.contains("\"boolean\":true"), "{}", ask.body);

    let construct = "CONSTRUCT { <https://w3id.org/alliance-kg/id/Armenia> ?p ?o } \
                     WHERE { <https://w3id.org/alliance-kg/id/Armenia> ?p ?o }";
    let turtle = get(&server, construct, "text/turtle");
    assert!(turtle.content_type.starts_with("text/turtle"));
    assert!(turtle.body.contains("ent:Armenia"), "{}", turtle.body);
    let ntriples = get(&server, construct, "application/n-triples");
    assert!(ntriples.content_type.starts_with("application/n-triples"));
    assert!(ntriples.body.lines().all(|line| line
        .starts_with("<https://w3id.org/alliance-kg/id/Armenia> ")
        && line.ends_with(" .")));
    let describe = get(
        &server,
        "DESCRIBE <https://w3id.org/alliance-kg/id/Armenia>",
        "text/turtle",
    );
    assert_eq!(describe.status, 200);

    // A graph cannot be CSV, nor a table Turtle: 406 with what would work.
    let wrong = get(&server, construct, "text/csv");
    assert_eq!(wrong.status, 406);
    assert!(wrong.body.contains("text/turtle"), "{}", wrong.body);
    assert_eq!(get(&server, select, "image/png").status, 406);
}

#[test]
fn bad_requests_get_their_status_and_a_message() {
    let server = Server::start(seed_store(), &[]);

    let malformed = get(&server, "SELECT ?x WHERE { ?x ", JSON);
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.body.contains("invalid SPARQL at line 1"),
        "{}",
        malformed.body
    );
    assert!(malformed.content_type.starts_with("text/plain"));

    let update = "INSERT DATA { <http://a.example/s> <http://a.example/p> <http://a.example/o> }";
    for refused in [
        get(&server, update, JSON),
        post_query(&server, update, JSON),
        post_form(&server, &[("update", update)], JSON),
        reply(
            client()
                .post(server.url("/sparql"))
                .header("Content-Type", "application/sparql-update")
                .send(update),
        ),
    ] {
        assert_eq!(refused.status, 405, "{}", refused.body);
        assert!(refused.body.contains("read-only"));
    }
    // Nothing was written.
    assert!(get(&server, "ASK { <http://a.example/s> ?p ?o }", JSON)
        .body
        .contains("false"));

    let service = get(
        &server,
        "SELECT * WHERE { SERVICE <http://example.com/sparql> { ?s ?p ?o } }",
        JSON,
    );
    assert_eq!(service.status, 400, "{}", service.body);
    assert!(service.body.contains("SERVICE"));

    let missing = reply(client().get(server.url("/sparql")).call());
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("missing the query parameter"));

    let twice = reply(
        client()
            .get(server.url("/sparql"))
            .query("query", COUNT)
            .query("query", COUNT)
            .call(),
    );
    assert_eq!(twice.status, 400);

    let media = reply(
        client()
            .post(server.url("/sparql"))
            .header("Content-Type", "application/json")
            .send("{}"),
    );
    assert_eq!(media.status, 415);

    let bad_graph = reply(
        client()
            .get(server.url("/sparql"))
            .query("query", COUNT)
            .query("default-graph-uri", "not an iri")
            .call(),
    );
    assert_eq!(bad_graph.status, 400, "{}", bad_graph.body);

    let trace_missing = reply(
        client()
            .get(server.url("/api/trace"))
            .query("entity", "Atlantis\"} #\n\\u0041")
            .call(),
    );
    assert_eq!(trace_missing.status, 404, "{}", trace_missing.body);
    let trace_usage = reply(client().get(server.url("/api/trace")).call());
    assert_eq!(trace_usage.status, 400);
    assert_eq!(reply(client().get(server.url("/nope")).call()).status, 404);
}

#[test]
fn the_dataset_can_be_chosen_by_graph_uri() {
    let store = seed_store();
    let server = Server::start(store, &[]);
    let graphs = ok(
        store,
        &[
            "query",
            "-e",
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a <https://w3id.org/alliance-kg/ontology#Claim> } } ORDER BY ?g",
            "--format",
            "tsv",
        ],
    );
    let first = graphs.lines().nth(1).expect("an article graph");
    let first = first.trim_start_matches('<').trim_end_matches('>');
    let claims =
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/alliance-kg/ontology#Claim> }";
    let count = |body: &str| -> u64 {
        body.lines()
            .nth(1)
            .map(|l| l.trim_start_matches('"'))
            .and_then(|l| l.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .expect("a count")
    };
    let all = count(&get(&server, claims, TSV).body);
    let one = count(
        &reply(
            client()
                .get(server.url("/sparql"))
                .query("query", claims)
                .query("default-graph-uri", first)
                .header("Accept", TSV)
                .call(),
        )
        .body,
    );
    assert!(one > 0 && one < all, "one graph {one}, all {all}");
}

#[test]
fn time_limit_and_result_caps_end_a_query_and_the_server_goes_on() {
    let server = Server::start(
        seed_store(),
        &[
            "--timeout",
            "1",
            "--max-rows",
            "50",
            "--max-result-bytes",
            "2000",
        ],
    );
    let started = Instant::now();
    let runaway = get(&server, RUNAWAY, JSON);
    assert_eq!(runaway.status, 504, "{}", runaway.body);
    assert!(runaway.body.contains("time limit"), "{}", runaway.body);
    assert!(started.elapsed() < Duration::from_secs(10));

    let rows = get(&server, "SELECT (1 AS ?x) WHERE { ?s ?p ?o }", TSV);
    assert_eq!(rows.status, 422, "{}", rows.body);
    assert!(rows.body.contains("more than 50 rows"), "{}", rows.body);

    let big = get(
        &server,
        "SELECT ?o WHERE { ?s <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> ?o } LIMIT 40",
        JSON,
    );
    assert_eq!(big.status, 422, "{}", big.body);
    assert!(big.body.contains("larger than 2000 bytes"), "{}", big.body);

    // Still serving, and the store is unharmed.
    assert_still_serving_the_seed_store(&server);
}

/// A cross product of the store with itself, sorted: Oxigraph computes it
/// in memory without looking at its cancellation token.
const CROSS_PRODUCT: &str = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1";

#[test]
fn a_query_over_its_memory_budget_gets_an_error_and_the_server_goes_on() {
    let server = Server::start(seed_store(), &["--timeout", "60", "--max-memory", "256MiB"]);
    let started = Instant::now();
    let greedy = get(&server, CROSS_PRODUCT, JSON);
    assert_eq!(greedy.status, 422, "{}", greedy.body);
    assert!(
        greedy
            .body
            .contains("over the --max-memory budget of 256.0 MiB"),
        "{}",
        greedy.body
    );
    // Stopped by its budget, long before its time limit.
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_still_serving_the_seed_store(&server);
    // Twice in parallel: each query's worker is stopped on its own.
    let results: Vec<Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| get(&server, CROSS_PRODUCT, JSON)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    assert!(results.iter().all(|reply| reply.status == 422));
    assert_still_serving_the_seed_store(&server);
}

#[test]
fn a_damaged_store_gets_an_error_status_and_the_server_goes_on() {
    let dir = util::tempdir();
    let store = dir.path().join("store");
    ok(&store, &["build", "corpus", "--quiet"]);
    let server = Server::start(&store, &["--max-memory", "256MiB"]);
    util::damage_tables(&store);
    let count = get(&server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON);
    assert!(
        count.status == 422 || count.status == 500,
        "{}: {}",
        count.status,
        count.body
    );
    let saved = reply(client().get(server.url("/api/queries")).call());
    assert_eq!(saved.status, 200, "{}", saved.body);
}

#[test]
fn oversized_requests_are_refused() {
    let server = Server::start(
        seed_store(),
        &["--max-body-bytes", "4096", "--max-url-bytes", "2048"],
    );
    let padding = format!("# {}\n{COUNT}", "x".repeat(5000));
    let body = post_query(&server, &padding, JSON);
    assert_eq!(body.status, 413, "{}", body.body);
    assert!(body.body.contains("4096"));
    let url = get(&server, &padding, JSON);
    assert_eq!(url.status, 414, "{}", url.body);
    assert!(url.body.contains("POST"));
    assert_eq!(get(&server, COUNT, JSON).status, 200);
}

/// `ASK { FILTER(((…1…))) }` with `depth` brackets around the 1.
fn nested_ask(depth: usize) -> String {
    format!(
        "ASK {{ FILTER({}1{}) }}",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

/// 3,500 brackets (7 KB) overflowed the stack of Oxigraph's parser, and
/// 8,000 objects of one subject (16 KB) that of its optimizer: the server
/// aborted, whatever route the query came by.
#[test]
fn deeply_nested_and_overlong_queries_get_400_and_the_server_goes_on() {
    let server = Server::start(seed_store(), &[]);
    let nested = nested_ask(3_500);
    let page_form = reply(
        client()
            .post(server.url("/sparql"))
            .header("Origin", &server.base)
            .header("Accept", JSON)
            .send_form([("query", nested.as_str())]),
    );
    for refused in [
        get(&server, &nested, JSON),
        post_query(&server, &nested, JSON),
        page_form,
    ] {
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(
            refused
                .body
                .contains("the query nests more than 256 deep (brackets and prefix operators) at line 1, column 268; flatten it"),
            "{}",
            refused.body
        );
    }
    let chain = format!("ASK {{ ?s ?p {} }}", vec!["1"; 8_000].join(","));
    let long = post_query(&server, &chain, JSON);
    assert_eq!(long.status, 400, "{}", long.body);
    assert!(
        long.body.contains("more than 10000 tokens"),
        "{}",
        long.body
    );

    // Just inside the limits: answered (250 levels of `CONCAT(` take
    // 1.3 MB of stack, the costliest nesting measured).
    let concat = format!(
        "ASK {{ FILTER({}'a'{} = 'a') }}",
        "CONCAT(".repeat(250),
        ")".repeat(250)
    );
    for deep in [
        get(&server, &concat, JSON),
        post_query(&server, &nested_ask(250), JSON),
    ] {
        assert_eq!(deep.status, 200, "{}", deep.body);
        assert!(deep.body.contains("true"), "{}", deep.body);
    }
    assert_still_serving_the_seed_store(&server);
}

#[test]
fn an_overloaded_server_answers_503_with_retry_after() {
    let server = Server::start(
        seed_store(),
        &[
            "--max-concurrent",
            "1",
            "--max-queued",
            "0",
            "--timeout",
            "3",
        ],
    );
    let url = server.url("/sparql");
    let busy = std::thread::spawn(move || {
        reply(
            client()
                .get(&url)
                .query("query", RUNAWAY)
                .header("Accept", JSON)
                .call(),
        )
        .status
    });
    std::thread::sleep(Duration::from_millis(500));
    let refused = get(&server, COUNT, JSON);
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.retry_after.as_deref(), Some("1"));
    assert_eq!(busy.join().unwrap(), 504);
}

#[test]
fn cors_is_off_unless_asked_for() {
    let store = seed_store();
    let closed = Server::start(store, &[]);
    let response = reply(
        client()
            .get(closed.url("/sparql"))
            .query("query", COUNT)
            .header("Origin", "http://yasgui.example")
            .call(),
    );
    assert_eq!(response.status, 403, "{}", response.body);
    assert!(response.body.contains("--cors http://yasgui.example"));
    assert_eq!(response.allow_origin, None);

    let open = Server::start(store, &["--cors", "http://yasgui.example"]);
    let response = reply(
        client()
            .get(open.url("/sparql"))
            .query("query", COUNT)
            .header("Origin", "http://yasgui.example")
            .call(),
    );
    assert_eq!(
        response.allow_origin.as_deref(),
        Some("http://yasgui.example")
    );
}

#[test]
fn the_server_binds_loopback_unless_told_otherwise() {
    let help = ok(seed_store(), &["serve", "--help"]);
    assert!(help.contains("[default: 127.0.0.1:7878]"), "{help}");
    let local = Server::start(seed_store(), &[]);
    assert!(local.base.starts_with("http://127.0.0.1:"));
    assert!(!local.banner.contains("warning"), "{}", local.banner);
    let open = Server::start_bound(seed_store(), "0.0.0.0:0", &[]);
    assert!(
        open.banner.contains("warning: listening on 0.0.0.0"),
        "{}",
        open.banner
    );
}

#[test]
fn the_page_its_assets_saved_queries_diagram_and_trace_are_served() {
    let server = Server::start(seed_store(), &[]);
    let page = reply(client().get(server.url("/")).call());
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("assets/app.js"), "{}", page.body);
    for asset in ["/assets/app.js", "/assets/app.css"] {
        let reply = reply(client().get(server.url(asset)).call());
        assert_eq!(reply.status, 200, "{asset}");
        assert!(!reply.body.trim().is_empty(), "{asset}");
    }
    // Offline: the page loads nothing from elsewhere.
    for external in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "@import",
    ] {
        assert!(!page.body.contains(external), "{external}");
    }

    let saved: serde_json::Value =
        serde_json::from_str(&reply(client().get(server.url("/api/queries")).call()).body).unwrap();
    let names: Vec<&str> = saved
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["name"].as_str())
        .collect();
    assert_eq!(names.len(), saved_queries().len());
    assert!(names.contains(&"members"));

    let svg = reply(client().get(server.url("/api/diagram.svg")).call());
    assert_eq!(svg.status, 200);
    assert!(svg.content_type.starts_with("image/svg+xml"));
    assert!(svg.body.contains("<svg"));
    assert!(
        svg.body
            .contains("/api/trace?subject=Armenia&amp;relation=invoked&amp;object=Article%204"),
        "the invoked edge links to its trace"
    );

    let trace: serde_json::Value = serde_json::from_str(
        &reply(
            client()
                .get(server.url("/api/trace"))
                .query("subject", "Armenia")
                .query("relation", "invoked")
                .query("object", "Article 4")
                .call(),
        )
        .body,
    )
    .unwrap();
    let claim = &trace["facts"][0]["claims"][0];
    let sentence = claim["sentence"].as_str().unwrap();
    assert!(sentence.contains(claim["highlight"].as_str().unwrap()));
    assert_eq!(
        trace,
        serde_json::from_str::<serde_json::Value>(&ok(
            seed_store(),
            &[
                "trace",
                "Armenia",
                "invoked",
                "Article 4",
                "--format",
                "json"
            ]
        ))
        .unwrap()
    );
}

#[test]
fn a_rebuild_while_serving_is_picked_up_without_a_restart() {
    let dir = util::tempdir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let seeds: Vec<PathBuf> = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    std::fs::copy(&seeds[0], corpus.join("a.txt")).unwrap();
    let store = dir.path().join("store");
    ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let server = Server::start(&store, &[]);
    let before = get(&server, COUNT, TSV).body;
    std::fs::copy(&seeds[1], corpus.join("b.txt")).unwrap();
    ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    let after = get(&server, COUNT, TSV).body;
    assert_ne!(before, after);
    assert_eq!(
        after,
        ok(&store, &["query", "-e", COUNT, "--format", "tsv"])
    );
    // And once more, after the generation the server first opened is gone.
    std::fs::copy(&seeds[2], corpus.join("c.txt")).unwrap();
    ok(&store, &["build", corpus.to_str().unwrap(), "--quiet"]);
    assert_eq!(
        get(&server, COUNT, TSV).body,
        ok(&store, &["query", "-e", COUNT, "--format", "tsv"])
    );
}

/// 20 clients send saved queries without pause for `AKG_LOAD_SECONDS`
/// (default 30) and the test reports p50/p95: every answer must be a 200.
#[test]
fn twenty_clients_for_thirty_seconds_get_no_errors() {
    let seconds: u64 = std::env::var("AKG_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let server = Server::start(seed_store(), &[]);
    let queries: Vec<String> = saved_queries()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..20)
        .map(|worker| {
            let url = server.url("/sparql");
            let queries = queries.clone();
            std::thread::spawn(move || {
                let agent = client();
                let mut latencies = Vec::new();
                let mut errors = Vec::new();
                let mut i = worker;
                while Instant::now() < deadline {
                    let query = &queries[i % queries.len()];
                    i += 1;
                    let started = Instant::now();
                    let response = agent
                        .post(&url)
                        .header("Content-Type", "application/sparql-query")
                        .header("Accept", JSON)
                        .send(query.as_str());
                    match response.map(|mut r| (r.status().as_u16(), r.body_mut().read_to_vec())) {
                        Ok((200, Ok(_))) => latencies.push(started.elapsed()),
                        other => errors.push(format!("{:?}", other.map(|(s, _)| s))),
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for worker in workers {
        let (l, e) = worker.join().unwrap();
        latencies.extend(l);
        errors.extend(e);
    }
    latencies.sort();
    let pick = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
    eprintln!(
        "serve load: 20 clients, {seconds} s, {} queries ({:.0}/s), {} errors, p50 {:?}, p95 {:?}, max {:?}",
        latencies.len(),
        latencies.len() as f64 / seconds as f64,
        errors.len(),
        pick(0.50),
        pick(0.95),
        latencies.last().copied().unwrap_or_default(),
    );
    assert!(
        errors.is_empty(),
        "{} errors: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(latencies.len() >= 20);
}

/// The server still answers, and the store holds what it held: the count
/// of its quads is that of `akg query` on the seed store.
fn assert_still_serving_the_seed_store(server: &Server) {
    let after = get(server, COUNT, TSV);
    assert_eq!(after.status, 200);
    assert_eq!(
        after.body,
        ok(seed_store(), &["query", "-e", COUNT, "--format", "tsv"])
    );
}
