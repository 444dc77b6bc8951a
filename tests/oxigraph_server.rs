//! A real Oxigraph server (`oxigraph serve`, PyPI `oxigraph` 0.5) for the
//! tests of `akg push` and `--endpoint`.
//!
//! The binary is `$AKG_OXIGRAPH`, else `oxigraph` on the `PATH`. Without
//! one, [`OxigraphServer::start`] returns `None` and the test says it
//! skipped, unless `AKG_REQUIRE_OXIGRAPH=1` (as `.ci/run` sets it), which
//! makes a missing server a failure. Each server listens on its own
//! loopback port with `--union-default-graph`, keeps its data in memory,
//! and is killed by its process id when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A running `oxigraph serve`.
pub(crate) struct OxigraphServer {
    child: Child,
    base: String,
}

impl OxigraphServer {
    /// Starts a server with an empty in-memory dataset, or `None` (with a
    /// line on stderr naming `test`) when no `oxigraph` binary is found.
    pub(crate) fn start(test: &str) -> Option<OxigraphServer> {
        let Some(binary) = binary() else {
            assert!(
                std::env::var("AKG_REQUIRE_OXIGRAPH").as_deref() != Ok("1"),
                "AKG_REQUIRE_OXIGRAPH=1 but no oxigraph binary: set AKG_OXIGRAPH or put \
                 `oxigraph` (pip install 'oxigraph>=0.5,<0.6') on the PATH"
            );
            eprintln!(
                "{test}: skipped, no Oxigraph server (set AKG_OXIGRAPH or put `oxigraph` on the PATH)"
            );
            return None;
        };
        let port = free_port();
        let child = Command::new(&binary)
            .args(["serve", "--union-default-graph", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("{}: {err}", binary.display()));
        let server = OxigraphServer {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        server.wait_until_listening(port);
        Some(server)
    }

    /// The SPARQL 1.1 Protocol query endpoint (`/query`).
    pub(crate) fn query_url(&self) -> String {
        format!("{}/query", self.base)
    }

    /// The Graph Store Protocol endpoint (`/store`).
    pub(crate) fn store_url(&self) -> String {
        format!("{}/store", self.base)
    }

    /// The server's process id, for tests that stop it on purpose.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    fn wait_until_listening(&self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "oxigraph serve did not listen on port {port} within 30 s"
            );
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for OxigraphServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("AKG_OXIGRAPH") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("oxigraph"))
        .find(|candidate| candidate.is_file())
}

/// A port nobody listens on now (the kernel's pick, released at once).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

#[test]
fn a_started_server_answers_queries() {
    let Some(server) = OxigraphServer::start("a_started_server_answers_queries") else {
        return;
    };
    assert_ne!(server.pid(), 0);
    ureq::put(&server.store_url())
        .query("graph", "http://example.org/g")
        .header("Content-Type", "application/n-triples")
        .send("<http://example.org/s> <http://example.org/p> \"o\" .\n")
        .expect("the Graph Store Protocol takes a graph");
    let answer = ureq::get(&server.query_url())
        .query("query", "ASK { <http://example.org/s> ?p \"o\" }")
        .header("Accept", "application/sparql-results+json")
        .call()
        .expect("the server answers")
        .body_mut()
        .read_to_string()
        .expect("a UTF-8 body");
    assert!(answer.contains("\"boolean\":true"), "{answer}");
}
