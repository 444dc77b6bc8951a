//! A bounded fuzzer of `akg serve`'s HTTP endpoint, on loopback only.
//!
//! Four clients send random and mutated requests without pause: SPARQL
//! mutated from the saved queries and a few seeds (bytes flipped, tokens
//! inserted, spans cut or repeated, brackets nested), every route, odd
//! methods and targets, random `Accept`, `Content-Type`, `Host`, `Origin`
//! and junk headers, broken framing (`Content-Length` too short, too long
//! or doubled, bad chunked bodies), pipelined bursts and byte-flipped
//! heads. A fifth client attacks the connections: silent sockets, requests
//! trickled a byte at a time, bursts it never reads, requests cut off
//! midway. A prober asks for `/api/queries` every second and samples the
//! server's memory.
//!
//! It runs for `AKG_HTTP_FUZZ_SECONDS` (default 20) from the seed
//! `AKG_HTTP_FUZZ_SEED` (default: the clock; printed, so a run can be
//! repeated), and fails on a crash (the server exits or prints a panic),
//! a connection left without answer or close (20 s, and 15 s more per
//! pipelined request), a failed probe, a
//! 500, or the server's memory past `AKG_HTTP_FUZZ_MAX_RSS_MB` (default
//! 3000, checked every second; the server is killed then, so that the
//! machine is not). It ends with SIGTERM, which must stop the server within
//! its shutdown deadline, and prints its figures:
//!
//! ```sh
//! AKG_HTTP_FUZZ_SECONDS=600 cargo test --release --test integration http_fuzz -- --nocapture
//! ```

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::util::{root, seed_store};

/// A small seeded generator (xorshift64*): a run repeats from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Queries to mutate besides the saved ones.
const SEED_QUERIES: &[&str] = &[
    "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s a <https://w3id.org/alliance-kg/ontology#Claim> }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "DESCRIBE <https://w3id.org/alliance-kg/id/Armenia>",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { ?e skos:prefLabel ?l FILTER(REGEX(?l, \"^A\", \"i\")) }",
    "SELECT ?x ?y WHERE { VALUES ?x { 1 2 3 } BIND(?x * 2 AS ?y) }",
    "SELECT * FROM <https://w3id.org/alliance-kg/graph/ontology> WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g LIMIT 5",
    "INSERT DATA { <http://a.example/s> <http://a.example/p> <http://a.example/o> }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p \"Armenia\"@en } ORDER BY DESC(?s) LIMIT 2",
];

/// Tokens inserted into queries.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ".",
    ";",
    ",",
    "*",
    "?x",
    "?s",
    "$o",
    "SELECT",
    "WHERE",
    "FILTER(",
    "OPTIONAL {",
    "UNION",
    "MINUS {",
    "GRAPH ?g {",
    "SERVICE <http://127.0.0.1:9/> {",
    "BIND(",
    " AS ?z)",
    "VALUES ?v { 1 }",
    " LIMIT 1",
    " OFFSET 99999999999999999999999",
    " ORDER BY ?s",
    " GROUP BY ?s",
    " HAVING(",
    "REGEX(",
    "CONCAT(",
    "STRLEN(",
    "COUNT(",
    "\"",
    "'",
    "\"\"\"",
    "<",
    ">",
    "<http://a.example/>",
    "<javascript:alert(1)>",
    "^^",
    "@en",
    "\\u0000",
    "\\U0010FFFF",
    "\\",
    "#",
    "\n",
    "\r\n",
    "\u{202e}",
    "\u{0}",
    "\u{1b}[2J",
    "1e999999",
    "-0",
    "true",
    " a ",
    "PREFIX p: <x:>",
    "BASE <",
    "p:",
    "_:b",
    "%",
    "%00",
    "+",
    "&",
    "=",
    "\u{fffd}",
    "😀",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "INSERT",
    "DELETE",
    "LOAD <http://127.0.0.1:9/>",
    "CLEAR ALL",
    "FROM NAMED <x:y>",
    "NOT EXISTS {",
];

const PATHS: &[&str] = &[
    "/",
    "/assets/app.js",
    "/assets/app.css",
    "/api/queries",
    "/api/diagram.svg",
    "/nope",
    "//sparql",
    "/sparql/",
    "/SPARQL",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/../../etc/passwd",
    "/api/trace/../queries",
    "*",
    "/%00",
    "/%ff%fe",
];

const METHODS: &[&str] = &[
    "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "get", "G E T", "", "BREW",
];

const ACCEPTS: &[&str] = &[
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "*/*",
    "text/*;q=0.5, */*;q=0",
    "image/png",
    "application/json;q=abc",
    ",,,;;;",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
];

const CONTENT_TYPES: &[&str] = &[
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "application/json",
    "text/plain; charset=utf-16",
    "multipart/form-data; boundary=x",
    "application/sparql-query; charset=latin1",
    "",
];

const NAMES: &[&str] = &[
    "Armenia",
    "Russia",
    "CSTO",
    "Article 4",
    "Pashinyan",
    "invoked",
    "member_of",
    "memberOf",
    "clashed_with",
    "Atlantis\"} #",
    "<https://w3id.org/alliance-kg/id/Armenia>",
    "https://w3id.org/alliance-kg/claim/x/1",
    "",
    "\u{1b}]0;title\u{7}",
    "%%%",
];

/// The queries to mutate: the saved ones and [`SEED_QUERIES`].
fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = SEED_QUERIES.iter().map(|q| (*q).to_owned()).collect();
    for entry in std::fs::read_dir(root().join("queries")).expect("queries/") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "rq") {
            seeds.push(std::fs::read_to_string(path).expect("a saved query"));
        }
    }
    seeds
}

/// A query from the seeds, as it is (a quarter of the time) or mutated
/// one to four times.
fn mutated_query(rng: &mut Rng, seeds: &[String]) -> String {
    let mut text = rng.pick(seeds).clone().into_bytes();
    if rng.chance(25) {
        return String::from_utf8_lossy(&text).into_owned();
    }
    for _ in 0..=rng.below(4) {
        let at = rng.below(text.len() + 1);
        match rng.below(8) {
            0 => {
                if let Some(byte) = text.get_mut(at) {
                    *byte ^= 1 << rng.below(8);
                }
            }
            1 | 2 => {
                let token = rng.pick(TOKENS).as_bytes().to_vec();
                text.splice(at..at, token);
            }
            3 => {
                let end = (at + rng.below(40)).min(text.len());
                text.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(60)).min(text.len());
                let span = text[at..end].to_vec();
                for _ in 0..rng.below(20) {
                    text.splice(at..at, span.iter().copied());
                }
            }
            5 => text.truncate(at),
            6 => {
                let depth = rng.below(400);
                let open = rng.pick(&["(", "{", "!", "-", "CONCAT("]);
                let nested = format!("{}1{}", open.repeat(depth), ")".repeat(depth));
                text.splice(at..at, nested.into_bytes());
            }
            _ => {
                let other = rng.pick(seeds).as_bytes().to_vec();
                let from = rng.below(other.len());
                text.splice(at..at, other[from..].iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&text).into_owned()
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The target, method and body of one request.
fn target_and_body(rng: &mut Rng, seeds: &[String]) -> (String, String, Vec<u8>) {
    match rng.below(20) {
        0..=7 => {
            let query = mutated_query(rng, seeds);
            let mut target = format!("/sparql?query={}", encode(&query));
            if rng.chance(4) {
                target = format!("/sparql?query={query}");
            }
            if rng.chance(10) {
                target.push_str(&format!("&query={}", encode(&query)));
            }
            if rng.chance(10) {
                let graph = rng.pick(NAMES);
                target.push_str(&format!("&default-graph-uri={}", encode(graph)));
            }
            ("GET".to_owned(), target, Vec::new())
        }
        8..=13 => {
            let query = mutated_query(rng, seeds);
            let body = if rng.chance(50) {
                query.into_bytes()
            } else {
                format!("query={}", encode(&query)).into_bytes()
            };
            ("POST".to_owned(), "/sparql".to_owned(), body)
        }
        14..=16 => {
            let keys = ["entity", "claim", "subject", "relation", "object", "x"];
            let mut target = "/api/trace?".to_owned();
            for _ in 0..=rng.below(4) {
                let value = rng.pick(NAMES);
                target.push_str(&format!("{}={}&", rng.pick(&keys), encode(value)));
            }
            ("GET".to_owned(), target, Vec::new())
        }
        17 => {
            let method = rng.pick(METHODS).to_string();
            let path = rng.pick(PATHS).to_string();
            (method, path, Vec::new())
        }
        _ => ("GET".to_owned(), rng.pick(PATHS).to_string(), Vec::new()),
    }
}

/// One request's bytes; `last` marks the last of a burst.
fn one_request(rng: &mut Rng, seeds: &[String], addr: &str, last: bool) -> Vec<u8> {
    let (method, target, body) = target_and_body(rng, seeds);
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    match rng.below(40) {
        0 => {}
        1 => head.push_str("Host: attacker.example\r\n"),
        2 => head.push_str(&format!("Host: {addr}\r\nHost: localhost\r\n")),
        3 => head.push_str("Host: \u{1}\r\n"),
        4 => head.push_str("Host: localhost\r\n"),
        _ => head.push_str(&format!("Host: {addr}\r\n")),
    }
    if rng.chance(70) {
        head.push_str(&format!("Accept: {}\r\n", rng.pick(ACCEPTS)));
    }
    if method == "POST" || rng.chance(5) {
        head.push_str(&format!("Content-Type: {}\r\n", rng.pick(CONTENT_TYPES)));
    }
    match rng.below(10) {
        0 => head.push_str("Origin: http://attacker.example\r\n"),
        1 => head.push_str(&format!("Origin: http://{addr}\r\n")),
        2 => head.push_str("Origin: null\r\n"),
        3 => head.push_str("Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n"),
        _ => {}
    }
    if rng.chance(25) {
        for _ in 0..=rng.below(2) {
            head.push_str(&junk_header(rng));
        }
    }
    let mut body = body;
    match rng.below(20) {
        0 => head.push_str(&format!("Content-Length: {}\r\n", body.len() / 2)),
        1 => head.push_str(&format!("Content-Length: {}\r\n", body.len() + 10)),
        2 => head.push_str(&format!(
            "Content-Length: {0}\r\nContent-Length: {1}\r\n",
            body.len(),
            body.len() + 1
        )),
        3 => head.push_str("Content-Length: -1\r\n"),
        4 => {
            head.push_str("Transfer-Encoding: chunked\r\n");
            body = chunked(rng, &body);
        }
        5 => head.push_str("Expect: 100-continue\r\n"),
        _ => {
            if !body.is_empty() || method == "POST" {
                head.push_str(&format!("Content-Length: {}\r\n", body.len()));
            }
        }
    }
    if last && rng.chance(90) {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend(body);
    bytes
}

/// A header to confuse the parser.
fn junk_header(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => format!("X-Long: {}\r\n", "a".repeat(rng.below(40_000))),
        1 => "X-Folded: one\r\n two\r\n".to_owned(),
        2 => "NoColon\r\n".to_owned(),
        3 => "X-Bin: \u{7f}\u{1}\r\n".to_owned(),
        4 => ": empty-name\r\n".to_owned(),
        5 => (0..rng.below(150))
            .map(|i| format!("X-Many-{i}: {i}\r\n"))
            .collect(),
        6 => "Connection: upgrade\r\nUpgrade: h2c\r\n".to_owned(),
        _ => format!("X-Utf8: {}\r\n", rng.pick(NAMES)),
    }
}

/// `body` as chunks, sometimes broken.
fn chunked(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in body.chunks(rng.below(50) + 1) {
        out.extend(format!("{:x}\r\n", piece.len()).into_bytes());
        out.extend(piece);
        out.extend(b"\r\n");
    }
    match rng.below(4) {
        0 => out.extend(b"zz\r\n\r\n"),
        1 => out.extend(b"ffffffffffffffffff\r\n"),
        _ => out.extend(b"0\r\n\r\n"),
    }
    out
}

/// A request, a pipelined burst, or a byte-flipped request.
fn fuzz_bytes(rng: &mut Rng, seeds: &[String], addr: &str) -> Vec<u8> {
    let count = if rng.chance(20) { 2 + rng.below(3) } else { 1 };
    let mut bytes = Vec::new();
    for i in 0..count {
        bytes.extend(one_request(rng, seeds, addr, i + 1 == count));
    }
    if rng.chance(8) {
        for _ in 0..=rng.below(5) {
            let at = rng.below(bytes.len());
            bytes[at] = rng.next() as u8;
        }
    }
    bytes
}

/// What the clients saw.
#[derive(Default)]
struct Tally {
    requests: u64,
    connections: u64,
    statuses: BTreeMap<u16, u64>,
    /// Connections closed before any answer (bad framing, timeouts).
    closed_unanswered: u64,
    /// Connections neither answered nor closed in time (20 s, and 15 s
    /// more for each request).
    hung: Vec<String>,
    /// 500 answers, with the request.
    server_errors: Vec<String>,
    /// The 400 answers by the start of their message (hyper's have none).
    bad_requests: BTreeMap<String, u64>,
}

/// Sends `bytes` and reads until the server closes; the statuses seen,
/// or `None` if it neither answers nor closes within `wait`.
fn exchange(addr: &str, bytes: &[u8], wait: Duration) -> Option<(Vec<u16>, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_write_timeout(Some(wait)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .ok()?;
    // The server may answer (413, 431, 400) and close before it has read
    // everything: the write fails, the answer is still there to read.
    let _ = stream.write_all(bytes);
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buffer = [0u8; 1 << 16];
    loop {
        if started.elapsed() > wait {
            return None;
        }
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buffer[..n]),
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let statuses = text
        .match_indices("HTTP/1.1 ")
        .filter_map(|(at, _)| text.get(at + 9..at + 12)?.parse().ok())
        .collect();
    Some((statuses, text))
}

/// One fuzzing client until `deadline`.
fn fuzz_client(addr: &str, seed: u64, deadline: Instant, seeds: &[String], tally: &Mutex<Tally>) {
    let mut rng = Rng::new(seed);
    let verbose = std::env::var_os("AKG_HTTP_FUZZ_VERBOSE").is_some();
    while Instant::now() < deadline {
        let bytes = fuzz_bytes(&mut rng, seeds, addr);
        let requests = String::from_utf8_lossy(&bytes)
            .matches(" HTTP/1.1\r\n")
            .count() as u64;
        // Each request of a burst may wait for a query slot (10 s) and run
        // to its time limit.
        let wait = Duration::from_secs(20 + 15 * requests);
        let outcome = exchange(addr, &bytes, wait);
        let mut tally = tally.lock().unwrap_or_else(|e| e.into_inner());
        tally.connections += 1;
        tally.requests += requests.max(1);
        let shown = || String::from_utf8_lossy(&bytes[..bytes.len().min(600)]).into_owned();
        match outcome {
            None => tally.hung.push(shown()),
            Some((statuses, text)) => {
                if verbose {
                    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
                    eprintln!(
                        "{statuses:?} {:?} → {:?}",
                        shown(),
                        &body[..body.len().min(80)]
                    );
                }
                if statuses.is_empty() {
                    tally.closed_unanswered += 1;
                }
                if statuses.contains(&500) {
                    tally.server_errors.push(format!("{}\n→ {}", shown(), text));
                }
                if statuses.first() == Some(&400) {
                    let message = text.split("\r\n\r\n").nth(1).unwrap_or("");
                    let key: String = message.chars().take(30).collect();
                    *tally.bad_requests.entry(key).or_default() += 1;
                }
                for status in statuses {
                    *tally.statuses.entry(status).or_default() += 1;
                }
            }
        }
    }
}

/// Connection-level attacks until `deadline`: silent sockets, trickled
/// requests, unread bursts, requests cut off.
fn connection_attacker(addr: &str, seed: u64, deadline: Instant, attacks: &AtomicU64) {
    let mut rng = Rng::new(seed);
    let burst = format!(
        "GET /sparql?query={} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/csv\r\n\r\n",
        encode("SELECT * WHERE { ?s ?p ?o }")
    );
    while Instant::now() < deadline {
        attacks.fetch_add(1, Ordering::Relaxed);
        match rng.below(4) {
            0 => {
                let silent: Vec<TcpStream> = (0..=rng.below(30))
                    .filter_map(|_| TcpStream::connect(addr).ok())
                    .collect();
                std::thread::sleep(Duration::from_millis(500 + rng.below(2500) as u64));
                drop(silent);
            }
            1 => {
                if let Ok(mut stream) = TcpStream::connect(addr) {
                    for byte in format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX: ").bytes() {
                        if stream.write_all(&[byte]).is_err() || Instant::now() > deadline {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(150));
                    }
                }
            }
            2 => {
                if let Ok(mut stream) = TcpStream::connect(addr) {
                    let _ = stream.write_all(burst.repeat(50).as_bytes());
                    std::thread::sleep(Duration::from_millis(rng.below(3000) as u64));
                }
            }
            _ => {
                if let Ok(mut stream) = TcpStream::connect(addr) {
                    let cut = rng.below(burst.len());
                    let _ = stream.write_all(&burst.as_bytes()[..cut]);
                }
            }
        }
    }
}

/// The server's resident memory, in MB.
fn rss_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Starts `akg serve` with short limits; its stderr goes to `log`.
fn start(store: &Path, log: &Path) -> (Child, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("akg"))
        .current_dir(root())
        .env_remove("AKG_STORE")
        .arg("--store")
        .arg(store)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args([
            "--timeout",
            "2",
            "--header-timeout",
            "2",
            "--stall-timeout",
            "2",
        ])
        .args(["--max-rows", "5000", "--max-result-bytes", "2000000"])
        .args(["--max-body-bytes", "100000", "--max-connections", "64"])
        .args(["--shutdown-timeout", "3"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("akg serve starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    let log = log.to_owned();
    std::thread::spawn(move || {
        let mut file = std::fs::File::create(&log).expect("the log");
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = writeln!(file, "{line}");
            if let Some(rest) = line.split("at http://").nth(1) {
                let _ = tx.send(rest.split('/').next().unwrap_or("").to_owned());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("akg serve prints its address");
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    (child, addr)
}

/// What the prober saw.
#[derive(Default)]
struct Probes {
    sent: u64,
    failed: Vec<String>,
    slowest: Duration,
    max_rss_mb: u64,
}

fn probe(addr: &str) -> Result<(), String> {
    let request = format!("GET /api/queries HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    match exchange(addr, request.as_bytes(), Duration::from_secs(20)) {
        Some((statuses, _)) if statuses == [200] => Ok(()),
        Some((statuses, text)) => Err(format!("{statuses:?}: {}", &text[..text.len().min(300)])),
        None => Err("no answer within 20 s".to_owned()),
    }
}

/// Sends SIGTERM: the exit status and how long it took, or `None` (and
/// SIGKILL) if the server still runs 10 s later.
fn terminate(child: &mut Child) -> Option<(ExitStatus, Duration)> {
    let stopping = Instant::now();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some((status, stopping.elapsed()));
        }
        if stopping.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An environment variable as a number, or `default`.
fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn http_fuzz() {
    let seconds = env_number("AKG_HTTP_FUZZ_SECONDS", 20);
    let clock = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let seed = env_number("AKG_HTTP_FUZZ_SEED", clock);
    let max_rss_mb = env_number("AKG_HTTP_FUZZ_MAX_RSS_MB", 3000);
    let dir = tempfile::tempdir().expect("a temp dir");
    let log = dir.path().join("serve.log");
    let (mut child, addr) = start(seed_store(), &log);
    let pid = child.id();
    probe(&addr).expect("the server answers before the run");
    let rss_before = rss_mb(pid).unwrap_or(0);
    let seeds = seeds();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tally = Mutex::new(Tally::default());
    let probes = Mutex::new(Probes::default());
    let attacks = AtomicU64::new(0);
    let exited = AtomicBool::new(false);
    let over_memory = Arc::new(AtomicBool::new(false));
    std::thread::scope(|scope| {
        for worker in 0..4u64 {
            let (addr, seeds, tally) = (&addr, &seeds, &tally);
            scope.spawn(move || fuzz_client(addr, seed ^ worker, deadline, seeds, tally));
        }
        scope.spawn(|| connection_attacker(&addr, seed ^ 99, deadline, &attacks));
        scope.spawn(|| {
            while Instant::now() < deadline && !exited.load(Ordering::Relaxed) {
                let started = Instant::now();
                let outcome = probe(&addr);
                let rss = rss_mb(pid);
                let mut probes = probes.lock().unwrap_or_else(|e| e.into_inner());
                probes.sent += 1;
                probes.slowest = probes.slowest.max(started.elapsed());
                probes.max_rss_mb = probes.max_rss_mb.max(rss.unwrap_or(0));
                if let Err(why) = outcome {
                    probes.failed.push(why);
                }
                if rss.is_none() {
                    exited.store(true, Ordering::Relaxed);
                }
                if rss.unwrap_or(0) > max_rss_mb {
                    // Stop it before it takes the machine.
                    over_memory.store(true, Ordering::Relaxed);
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                    break;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
    });
    let crashed = child.try_wait().expect("the server can be waited for");
    std::thread::sleep(Duration::from_secs(3));
    let rss_after = rss_mb(pid).unwrap_or(0);
    let final_probe = probe(&addr);
    let stopped = terminate(&mut child);
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    let tally = tally.into_inner().unwrap_or_else(|e| e.into_inner());
    let probes = probes.into_inner().unwrap_or_else(|e| e.into_inner());
    let crashes = u64::from(crashed.is_some()) + log.matches("panicked").count() as u64;
    eprintln!(
        "http fuzz: seed {seed}, {seconds} s: {} requests on {} connections ({:.0}/s), \
         {} connection attacks; statuses {:?}; closed unanswered {}; hung {}; 500s {}; \
         crashes {crashes}; probes {} ({} failed, slowest {:?}); server RSS before {rss_before} MB, \
         max {} MB, after {rss_after} MB; SIGTERM exit after {:?}",
        tally.requests,
        tally.connections,
        tally.requests as f64 / seconds.max(1) as f64,
        attacks.load(Ordering::Relaxed),
        tally.statuses,
        tally.closed_unanswered,
        tally.hung.len(),
        tally.server_errors.len(),
        probes.sent,
        probes.failed.len(),
        probes.slowest,
        probes.max_rss_mb,
        stopped.as_ref().map(|(_, took)| *took),
    );
    let mut reasons: Vec<(&String, &u64)> = tally.bad_requests.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1));
    eprintln!(
        "http fuzz: the commonest 400s: {:?}",
        &reasons[..reasons.len().min(8)]
    );
    assert!(
        !over_memory.load(Ordering::Relaxed),
        "the server passed {max_rss_mb} MB and was killed (seed {seed})"
    );
    assert_eq!(
        crashes, 0,
        "the server crashed (seed {seed}): {crashed:?}\n{log}"
    );
    assert!(
        tally.hung.is_empty(),
        "left hanging: {:?}",
        &tally.hung[..tally.hung.len().min(3)]
    );
    assert!(
        tally.server_errors.is_empty(),
        "500 answers: {:?}",
        &tally.server_errors[..tally.server_errors.len().min(3)]
    );
    assert!(
        probes.failed.is_empty(),
        "probes failed: {:?}",
        probes.failed
    );
    assert_eq!(final_probe, Ok(()), "the server no longer answers");
    let (status, took) = stopped.expect("SIGTERM stops the server within 10 s");
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(5), "SIGTERM took {took:?}");
    assert!(
        tally.requests >= seconds,
        "only {} requests",
        tally.requests
    );
}
