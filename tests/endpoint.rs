//! `--endpoint URL`: the read commands against a real Oxigraph server
//! (`oxigraph serve --union-default-graph`, [`OxigraphServer`]) that holds
//! the seed store's quads give the same bytes as on the store; a server that
//! is down or answers an error status gives one line and exit code 2.
//!
//! The comparisons skip (saying so) when no `oxigraph` binary is found,
//! unless `AKG_REQUIRE_OXIGRAPH=1`; the error tests use a loopback socket
//! of their own and always run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::thread;

use crate::oxigraph_server::OxigraphServer;
use crate::util::{akg, ok, root, seed_store};

/// Loads every quad of `store` (`akg dump --format nquads`) into the
/// server through its Graph Store Protocol endpoint.
/// A server (see [`OxigraphServer::start`]) holding the seed store's quads,
/// and that store.
fn seeded_server(test: &str) -> Option<(OxigraphServer, &'static Path)> {
    let server = OxigraphServer::start(test)?;
    let store = seed_store();
    load(&server, store);
    Some((server, store))
}

fn load(server: &OxigraphServer, store: &Path) {
    let nquads = ok(store, &["dump", "--format", "nquads"]);
    let response = ureq::post(&server.store_url())
        .header("Content-Type", "application/n-quads")
        .send(nquads.as_bytes())
        .expect("the server takes the quads");
    assert!(response.status().is_success(), "{}", response.status());
}

/// `akg --endpoint URL ARGS…`, with a clean environment.
fn through(url: &str, args: &[&str]) -> Output {
    akg()
        .arg("--endpoint")
        .arg(url)
        .args(args)
        .output()
        .unwrap()
}

/// Every saved query (in each output format), then every other read
/// command, gives the same bytes through the endpoint as on the store.
#[test]
fn read_commands_give_the_same_bytes_through_the_endpoint() {
    let Some((server, store)) =
        seeded_server("read_commands_give_the_same_bytes_through_the_endpoint")
    else {
        return;
    };
    let url = server.query_url();
    let mut queries: Vec<String> = std::fs::read_dir(root().join("queries"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rq"))
        .map(|name| format!("queries/{name}"))
        .collect();
    queries.sort();
    assert!(queries.len() >= 10, "{queries:?}");
    let mut commands: Vec<Vec<String>> = Vec::new();
    for query in &queries {
        for format in ["tsv", "csv", "json", "xml", "table"] {
            commands.push(vec![
                "query".into(),
                query.clone(),
                "--format".into(),
                format.into(),
            ]);
        }
    }
    let owned = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    for args in [
        // The saved queries' parameters: one bound inside WHERE, one the
        // query binds itself.
        &[
            "query",
            "queries/members_as_of.rq",
            "--bind",
            "asOf=2010-06-01",
        ][..],
        &[
            "query",
            "queries/members_as_of.rq",
            "--bind",
            "asOf=2024",
            "--bind",
            "alliance=CSTO",
        ],
        &["query", "queries/members.rq", "--bind", "alliance=NATO"],
        &[
            "query",
            "-e",
            "CONSTRUCT WHERE { ?s a <https://w3id.org/alliance-kg/ontology#Alliance> }",
            "--format",
            "ntriples",
        ],
        &["query", "-e", "ASK { ?s ?p ?o }", "--format", "json"],
        &["facts", "--format", "tsv"],
        &["facts", "--format", "json"],
        &["dot"],
        &["analyze"],
        &["analyze", "--format", "json"],
        &[
            "trace",
            "Armenia",
            "invoked",
            "Article 4",
            "--format",
            "json",
        ],
        &["trace", "Armenia", "--format", "json"],
        &["conflicts"],
        &["conflicts", "--format", "json"],
        &["eval", "tests/fixtures/gold/seeds.tsv"],
    ] {
        commands.push(owned(args));
    }
    let mut differ = Vec::new();
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let local = ok(store, &args);
        let remote = through(&url, &args);
        assert!(
            remote.status.success(),
            "akg --endpoint {args:?} failed: {}",
            String::from_utf8_lossy(&remote.stderr)
        );
        if remote.stdout != local.as_bytes() {
            differ.push(format!(
                "{args:?}:\n--- store\n{local}\n--- endpoint\n{}",
                String::from_utf8_lossy(&remote.stdout)
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert!(
        ok(store, &["query", "queries/members.rq", "--format", "tsv"])
            .lines()
            .count()
            > 3,
        "the seed store has members to compare"
    );
}

/// The dump through the endpoint has the store's quads; only the labels
/// of blank nodes differ (the server names them when it loads them).
#[test]
fn a_dump_through_the_endpoint_has_the_same_quads() {
    let Some((server, store)) = seeded_server("a_dump_through_the_endpoint_has_the_same_quads")
    else {
        return;
    };
    let local = ok(store, &["dump", "--format", "nquads"]);
    let remote = through(&server.query_url(), &["dump", "--format", "nquads"]);
    assert!(
        remote.status.success(),
        "{}",
        String::from_utf8_lossy(&remote.stderr)
    );
    let without_blank_nodes = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.contains("_:"))
            .map(str::to_owned)
            .collect()
    };
    let remote = String::from_utf8(remote.stdout).unwrap();
    assert_eq!(local.lines().count(), remote.lines().count());
    assert_eq!(without_blank_nodes(&local), without_blank_nodes(&remote));
    assert!(local.lines().count() > 1000, "{}", local.lines().count());
}

/// The one line on stderr of a command that failed with exit code 2.
fn one_line_failure(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr.trim_end().to_owned()
}

#[test]
fn an_endpoint_that_is_down_is_named_in_one_line() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/query");
    for args in [
        &["facts"][..],
        &["query", "queries/members.rq"],
        &["analyze"],
    ] {
        assert_eq!(
            one_line_failure(&through(&url, args)),
            format!(
                "akg: cannot reach the SPARQL endpoint {url}: the connection was refused; is \
                 the server running, and is the URL right?"
            ),
            "{args:?}"
        );
    }
}

/// A server on a loopback port that answers every request with `status`
/// and `body` (text/plain) until the test ends.
fn answering(status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/query", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut request_body = vec![0; length];
            let _ = reader.read_exact(&mut request_body);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn an_endpoint_answering_an_error_status_is_one_line() {
    let url = answering(
        "500 Internal Server Error",
        "out of memory\nstack trace line\n",
    );
    assert_eq!(
        one_line_failure(&through(&url, &["facts"])),
        format!("akg: the SPARQL endpoint {url} answered 500 Internal Server Error: out of memory")
    );
    let url = answering("404 Not Found", "");
    assert_eq!(
        one_line_failure(&through(&url, &["trace", "Armenia"])),
        format!(
            "akg: the SPARQL endpoint {url} answered 404 Not Found; is this the query \
             endpoint? (Oxigraph server: http://HOST:PORT/query)"
        )
    );
}

#[test]
fn a_wrong_path_on_a_real_server_is_named() {
    let Some(server) = OxigraphServer::start("a_wrong_path_on_a_real_server_is_named") else {
        return;
    };
    let url = server.store_url().replace("/store", "/no-such-path");
    let line = one_line_failure(&through(&url, &["facts"]));
    assert!(
        line.starts_with(&format!(
            "akg: the SPARQL endpoint {url} answered 404 Not Found"
        )),
        "{line}"
    );
    assert!(
        line.ends_with("(Oxigraph server: http://HOST:PORT/query)"),
        "{line}"
    );
}

#[test]
fn build_refuses_an_endpoint_and_credentials_stay_out_of_urls() {
    let build = through("http://127.0.0.1:9/query", &["build", "corpus"]);
    let line = one_line_failure(&build);
    assert!(line.contains("akg build writes the local store"), "{line}");
    let with_password = through("http://ann:secret@127.0.0.1:9/query", &["facts"]);
    let line = one_line_failure(&with_password);
    assert!(!line.contains("secret"), "{line}");
    assert!(line.contains("AKG_ENDPOINT_PASSWORD"), "{line}");
}

#[test]
fn a_server_stopped_between_commands_is_named_in_one_line() {
    let Some(server) =
        OxigraphServer::start("a_server_stopped_between_commands_is_named_in_one_line")
    else {
        return;
    };
    let url = server.query_url();
    let answered = through(&url, &["query", "-e", "ASK {}", "--format", "json"]);
    assert!(
        answered.status.success(),
        "{}",
        String::from_utf8_lossy(&answered.stderr)
    );
    let killed = std::process::Command::new("kill")
        .arg(server.pid().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    // The port closes once the process is gone.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(url.trim_start_matches("http://").trim_end_matches("/query"))
        .is_ok()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop"
        );
        thread::sleep(std::time::Duration::from_millis(50));
    }
    let line = one_line_failure(&through(&url, &["conflicts"]));
    assert!(
        line.starts_with(&format!("akg: cannot reach the SPARQL endpoint {url}: ")),
        "{line}"
    );
    assert!(
        line.ends_with("is the server running, and is the URL right?"),
        "{line}"
    );
}

/// `akg serve --endpoint`: its SPARQL endpoint, trace, diagram and saved
/// queries answer as a server on the store does; when the endpoint goes
/// down, a query gets 502 with the one line that names it.
#[test]
fn serve_on_an_endpoint_answers_as_serve_on_the_store() {
    use crate::serve::{client, reply, Server};
    let Some((oxigraph, store)) =
        seeded_server("serve_on_an_endpoint_answers_as_serve_on_the_store")
    else {
        return;
    };
    let url = oxigraph.query_url();
    let local = Server::start(store, &[]);
    let remote = Server::start_on_endpoint(&url, &[]);
    let fetch = |server: &Server, path: &str, query: Option<&str>| {
        let mut request = client()
            .get(server.url(path))
            .header("Accept", "text/tab-separated-values");
        if let Some(query) = query {
            request = request.query("query", query);
        }
        let answer = reply(request.call());
        (answer.status, answer.body)
    };
    let mut queries: Vec<(String, Option<String>)> = std::fs::read_dir(root().join("queries"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rq"))
        .map(|path| {
            (
                "/sparql".to_owned(),
                Some(std::fs::read_to_string(path).unwrap()),
            )
        })
        .collect();
    for (path, query) in [
        (
            "/api/trace?subject=Armenia&relation=invoked&object=Article%204",
            None,
        ),
        ("/api/trace?entity=Armenia", None),
        ("/api/trace?entity=Nowhere", None),
        ("/api/diagram.svg", None),
        ("/api/queries", None),
        ("/sparql", Some("INSERT DATA { <a:a> <a:a> <a:a> }")),
        ("/sparql", Some("SELECT * WHERE {")),
        (
            "/sparql",
            Some("SELECT * { SERVICE <http://e/> { ?s ?p ?o } }"),
        ),
    ] {
        queries.push((path.to_owned(), query.map(str::to_owned)));
    }
    for (path, query) in &queries {
        let on_store = fetch(&local, path, query.as_deref());
        let on_endpoint = fetch(&remote, path, query.as_deref());
        assert_eq!(
            on_store.0, on_endpoint.0,
            "{path} {query:?}: {}",
            on_endpoint.1
        );
        assert!(
            on_store.1 == on_endpoint.1,
            "{path} {query:?} answers differ"
        );
    }
    let statuses: Vec<u16> = queries
        .iter()
        .map(|(path, query)| fetch(&local, path, query.as_deref()).0)
        .collect();
    for status in [200, 400, 404, 405] {
        assert!(statuses.contains(&status), "{statuses:?}");
    }
    drop(oxigraph);
    for (path, query) in [
        ("/sparql", Some("ASK {}")),
        ("/api/trace?entity=Armenia", None),
    ] {
        let (status, body) = fetch(&remote, path, query);
        assert_eq!(status, 502, "{path}: {body}");
        assert_eq!(body.lines().count(), 1, "{body}");
        assert!(
            body.starts_with(&format!("cannot reach the SPARQL endpoint {url}")),
            "{body}"
        );
    }
}

#[test]
fn serve_on_an_endpoint_that_is_down_stops_at_once() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/query");
    let line = one_line_failure(&through(&url, &["serve", "--bind", "127.0.0.1:0"]));
    assert!(
        line.starts_with(&format!("akg: cannot reach the SPARQL endpoint {url}")),
        "{line}"
    );
}
