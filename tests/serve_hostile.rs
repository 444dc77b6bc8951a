//! `akg serve` against hostile clients, on raw sockets against the real
//! binary: silent, slow and half-open connections, more connections than
//! allowed, bodies that stop arriving and responses nobody reads,
//! pipelining, shutdown under all of these, the caps of `/api/trace`, and
//! requests from other sites or for other host names (DNS rebinding).

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::serve::{client, get, reply, Server, COUNT, JSON, RUNAWAY};
use crate::util::seed_store;

/// What a raw connection got back.
struct Raw {
    /// The status of every response, in order.
    statuses: Vec<u16>,
    /// Everything read.
    bytes: Vec<u8>,
    /// How long until the server closed the connection (or the wait ended).
    elapsed: Duration,
    /// Whether the server closed the connection.
    closed: bool,
}

impl Raw {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Sends `request` on a new connection (then shuts the sending side when
/// `half_close`), and reads until the server closes it or `wait` passes.
fn raw(server: &Server, request: &[u8], half_close: bool, wait: Duration) -> Raw {
    let mut stream = TcpStream::connect(server.addr()).expect("the server accepts");
    stream.write_all(request).expect("the request is sent");
    if half_close {
        stream.shutdown(Shutdown::Write).expect("half-close");
    }
    read_until_closed(&mut stream, Instant::now(), wait)
}

/// Reads from `stream` until the server closes it or `wait` has passed
/// since `started`.
fn read_until_closed(stream: &mut TcpStream, started: Instant, wait: Duration) -> Raw {
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .expect("a read timeout");
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 1 << 16];
    let closed = loop {
        if started.elapsed() > wait {
            break false;
        }
        match stream.read(&mut buffer) {
            Ok(0) => break true,
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break true,
        }
    };
    Raw {
        statuses: statuses(&bytes),
        bytes,
        elapsed: started.elapsed(),
        closed,
    }
}

/// The statuses of the responses in a byte stream.
fn statuses(bytes: &[u8]) -> Vec<u16> {
    let text = String::from_utf8_lossy(bytes);
    text.match_indices("HTTP/1.1 ")
        .filter_map(|(at, _)| text.get(at + 9..at + 12)?.parse().ok())
        .collect()
}

fn get_request(target: &str, host: &str, extra: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n").into_bytes()
}

fn encoded(query: &str) -> String {
    form_urlencoded::byte_serialize(query.as_bytes()).collect()
}

/// Sends SIGTERM and waits for the server to exit: how long it took, and
/// whether it exited cleanly.
fn terminate(server: &mut Server, wait: Duration) -> (Duration, bool) {
    let started = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    loop {
        if let Some(exit) = server
            .child
            .try_wait()
            .expect("the server can be waited for")
        {
            return (started.elapsed(), exit.success());
        }
        assert!(
            started.elapsed() < wait,
            "the server still runs {wait:?} after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The slowloris: a connection that sends nothing, one that sends
/// only a request line, one that trickles a header byte every 200 ms, and a
/// kept-alive one that sends no second request are all closed after
/// `--header-timeout`, and the server answers meanwhile.
#[test]
fn silent_slow_and_idle_clients_are_closed_after_the_header_timeout() {
    let server = Server::start(seed_store(), &["--header-timeout", "1"]);
    let wait = Duration::from_secs(8);
    let silent = raw(&server, b"", false, wait);
    let line_only = raw(&server, b"GET / HTTP/1.1\r\n", false, wait);
    for (what, got) in [("silent", &silent), ("request line only", &line_only)] {
        assert!(got.closed, "{what}: still open after {wait:?}");
        assert!(
            got.elapsed >= Duration::from_millis(900) && got.elapsed < Duration::from_secs(5),
            "{what}: closed after {:?}",
            got.elapsed
        );
    }

    let mut trickle = TcpStream::connect(server.addr()).unwrap();
    let started = Instant::now();
    let mut closed_after = None;
    for byte in b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
        .iter()
        .cycle()
    {
        if trickle.write_all(&[*byte]).is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        assert!(
            started.elapsed() < wait,
            "a trickling client is still connected"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let closed_after = closed_after.unwrap_or_default();
    assert!(
        closed_after < Duration::from_secs(5),
        "trickle closed after {closed_after:?}"
    );

    let mut kept = TcpStream::connect(server.addr()).unwrap();
    kept.write_all(&get_request("/api/queries", "localhost", ""))
        .unwrap();
    let idle = read_until_closed(&mut kept, Instant::now(), wait);
    assert_eq!(idle.statuses, [200]);
    assert!(
        idle.closed && idle.elapsed < Duration::from_secs(5),
        "kept-alive: {:?}",
        idle.elapsed
    );
    assert_eq!(get(&server, COUNT, JSON).status, 200);
}

/// 200 half-open connections: the server answers meanwhile, and closes
/// all of them after the header timeout (its open files go back to what
/// they were).
#[cfg(target_os = "linux")]
#[test]
fn two_hundred_half_open_connections_are_closed() {
    // 3 s, so that all 200 are open at once even on a loaded machine.
    let server = Server::start(seed_store(), &["--header-timeout", "3"]);
    let files = || {
        std::fs::read_dir(format!("/proc/{}/fd", server.child.id()))
            .expect("the server's files")
            .count()
    };
    assert_eq!(get(&server, COUNT, JSON).status, 200);
    let before = files();
    let mut open: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr()).unwrap();
            stream
                .write_all(b"GET /sparql HTTP/1.1\r\nHost: loc")
                .unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    assert!(files() >= before + 100, "{} files open", files());
    assert_eq!(get(&server, COUNT, JSON).status, 200);
    let started = Instant::now();
    for stream in &mut open {
        let got = read_until_closed(stream, started, Duration::from_secs(15));
        assert!(got.closed, "a half-open connection is still open");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        files() <= before + 2,
        "{} files open, {before} before",
        files()
    );
}

/// Beyond `--max-connections` a client waits for a slot, then is served.
#[test]
fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let server = Server::start(
        seed_store(),
        &["--max-connections", "2", "--header-timeout", "1"],
    );
    let _silent: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let third = raw(
        &server,
        &get_request("/api/queries", "localhost", "Connection: close\r\n"),
        false,
        Duration::from_secs(8),
    );
    assert_eq!(third.statuses, [200]);
    assert!(
        third.elapsed >= Duration::from_millis(700),
        "served at once ({:?}) although both slots were taken",
        third.elapsed
    );
}

/// A body that stops arriving gets 408 after `--stall-timeout`; responses
/// that the client does not read are dropped after it, and the server
/// goes on.
#[test]
fn a_stalled_body_gets_408_and_unread_responses_are_dropped() {
    let server = Server::start(seed_store(), &["--stall-timeout", "1"]);
    let stalled = raw(
        &server,
        b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n\
          Content-Length: 100\r\n\r\nSELECT",
        false,
        Duration::from_secs(8),
    );
    assert_eq!(stalled.statuses, [408], "{}", stalled.text());
    assert!(stalled.text().contains("--stall-timeout"));
    assert!(stalled.elapsed < Duration::from_secs(4));

    // 200 pipelined requests for every triple (~1 MB each): far more than
    // the sockets buffer. The client reads nothing for 3 s.
    let all = encoded("SELECT * WHERE { ?s ?p ?o }");
    let one = get_request(
        &format!("/sparql?query={all}"),
        "localhost",
        "Accept: text/tab-separated-values\r\n",
    );
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(&one.repeat(200)).unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let got = read_until_closed(&mut stream, Instant::now(), Duration::from_secs(20));
    assert!(got.closed, "the unread connection is still open");
    assert!(
        got.statuses.len() < 200,
        "all {} responses were sent",
        got.statuses.len()
    );
    assert_eq!(get(&server, COUNT, JSON).status, 200);
}

/// Pipelined requests are all answered, in order, also when the client
/// shuts its sending side after them; a malformed one is refused with
/// 400, not dropped.
#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = Server::start(seed_store(), &[]);
    let count = format!("/sparql?query={}", encoded(COUNT));
    let mut requests = get_request(&count, "localhost", "");
    requests.extend(get_request("/nope", "localhost", ""));
    requests.extend(get_request("/api/queries", "localhost", ""));
    requests.extend(get_request(&count, "localhost", "Connection: close\r\n"));
    for half_close in [false, true] {
        let got = raw(&server, &requests, half_close, Duration::from_secs(20));
        assert_eq!(
            got.statuses,
            [200, 404, 200, 200],
            "half-close {half_close}"
        );
    }
    let mut malformed = get_request("/api/queries", "localhost", "");
    malformed.extend(b"NOT HTTP AT ALL\r\n\r\n");
    malformed.extend(get_request("/api/queries", "localhost", ""));
    let got = raw(&server, &malformed, true, Duration::from_secs(20));
    assert_eq!(got.statuses, [200, 400], "{}", got.text());
    assert!(got.closed);
}

/// SIGTERM ends the server at once when no request is under way, even with
/// a client stalled in the middle of its request line and a kept-alive
/// connection; a request under way is answered first; one that runs on is
/// cut at `--shutdown-timeout`.
#[test]
fn sigterm_ends_the_server_within_its_shutdown_deadline() {
    let mut server = Server::start(seed_store(), &[]);
    let mut stalled = TcpStream::connect(server.addr()).unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let mut kept = TcpStream::connect(server.addr()).unwrap();
    kept.write_all(&get_request("/api/queries", "localhost", ""))
        .unwrap();
    let mut first = [0u8; 12];
    kept.read_exact(&mut first).unwrap();
    let (took, clean) = terminate(&mut server, Duration::from_secs(8));
    assert!(clean);
    // Not the 10 s of the header timeout or the shutdown deadline.
    assert!(took < Duration::from_secs(5), "took {took:?}");

    // A runaway query under way, answered 504 at its time limit (1 s),
    // then the server exits.
    let mut server = Server::start(seed_store(), &["--timeout", "1"]);
    let runaway = format!("/sparql?query={}", encoded(RUNAWAY));
    let mut busy = TcpStream::connect(server.addr()).unwrap();
    busy.write_all(&get_request(&runaway, "localhost", ""))
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let answer = std::thread::spawn(move || {
        read_until_closed(&mut busy, started, Duration::from_secs(20)).statuses
    });
    let (took, clean) = terminate(&mut server, Duration::from_secs(8));
    assert!(clean);
    assert_eq!(answer.join().unwrap(), [504]);
    assert!(took >= Duration::from_millis(500), "took {took:?}");

    // A query that would run 60 s: cut at the 1 s deadline.
    let mut server = Server::start(
        seed_store(),
        &["--timeout", "60", "--shutdown-timeout", "1"],
    );
    let mut busy = TcpStream::connect(server.addr()).unwrap();
    busy.write_all(&get_request(&runaway, "localhost", ""))
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let (took, clean) = terminate(&mut server, Duration::from_secs(8));
    assert!(clean);
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "took {took:?}"
    );
}

/// `/api/trace` keeps at most `--max-rows` claims and says so, and refuses
/// a trace over `--max-result-bytes` with 422.
#[test]
fn trace_honours_max_rows_and_max_result_bytes() {
    let claims = |trace: &serde_json::Value| -> usize {
        trace["facts"]
            .as_array()
            .expect("facts")
            .iter()
            .map(|fact| fact["claims"].as_array().map_or(0, Vec::len))
            .sum()
    };
    let trace = |server: &Server| {
        reply(
            client()
                .get(server.url("/api/trace"))
                .query("entity", "Armenia")
                .call(),
        )
    };
    let whole = trace(&Server::start(seed_store(), &[]));
    assert_eq!(whole.status, 200);
    let whole: serde_json::Value = serde_json::from_str(&whole.body).unwrap();
    assert!(claims(&whole) > 3, "Armenia has {} claims", claims(&whole));
    assert_eq!(whole.get("truncated"), None);

    let capped = trace(&Server::start(seed_store(), &["--max-rows", "3"]));
    assert_eq!(capped.status, 200, "{}", capped.body);
    let capped: serde_json::Value = serde_json::from_str(&capped.body).unwrap();
    assert_eq!(claims(&capped), 3);
    assert_eq!(capped["truncated"], true);

    let small = trace(&Server::start(
        seed_store(),
        &["--max-result-bytes", "2000"],
    ));
    assert_eq!(small.status, 422, "{}", small.body);
    assert!(small.body.contains("--max-result-bytes"), "{}", small.body);

    let twice = reply(
        client()
            .get(Server::start(seed_store(), &[]).url("/api/trace"))
            .query("entity", "Armenia")
            .query("entity", "Russia")
            .call(),
    );
    assert_eq!(twice.status, 400);
    assert!(twice.body.contains("each once"), "{}", twice.body);
}

/// Without `--cors`, another site's form POST is refused (403) and so is
/// a request for a host name that is not this server (421: a DNS
/// rebinding page); the server's own page, localhost and
/// `--allow-host` names pass.
#[test]
fn other_sites_and_other_host_names_are_refused() {
    let server = Server::start(seed_store(), &["--allow-host", "akg.example"]);
    let addr = server.addr().to_owned();
    let port = addr.rsplit(':').next().unwrap_or_default().to_owned();
    let form = |origin: &str| {
        let body = format!("query={}", encoded(COUNT));
        format!(
            "POST /sparql HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let wait = Duration::from_secs(20);
    let cross = raw(&server, &form("http://attacker.example"), false, wait);
    assert_eq!(cross.statuses, [403], "{}", cross.text());
    assert!(cross.text().contains("--cors http://attacker.example"));
    let own = raw(&server, &form(&format!("http://{addr}")), false, wait);
    assert_eq!(own.statuses, [200], "{}", own.text());

    let close = "Connection: close\r\n";
    for (host, status) in [
        (addr.clone(), 200),
        (format!("localhost:{port}"), 200),
        (format!("akg.example:{port}"), 200),
        (format!("attacker.example:{port}"), 421),
        (format!("127.0.0.1.attacker.example:{port}"), 421),
    ] {
        let got = raw(&server, &get_request("/", &host, close), false, wait);
        assert_eq!(got.statuses, [status], "Host: {host}\n{}", got.text());
    }
    let rebound = raw(
        &server,
        &get_request("/", &format!("attacker.example:{port}"), close),
        false,
        wait,
    );
    assert!(rebound.text().contains("--allow-host attacker.example"));

    // An image another site embeds: no Origin, but the browser says so.
    let embedded = raw(
        &server,
        &get_request(
            &format!("/sparql?query={}", encoded(COUNT)),
            &addr,
            "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nConnection: close\r\n",
        ),
        false,
        wait,
    );
    assert_eq!(embedded.statuses, [403]);
    let followed = raw(
        &server,
        &get_request(
            "/",
            &addr,
            "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nConnection: close\r\n",
        ),
        false,
        wait,
    );
    assert_eq!(followed.statuses, [200]);
}

/// With `--cors ORIGIN` that origin is served with CORS headers (and its
/// preflight answered); other sites are still refused. Bound to 0.0.0.0,
/// any address is a valid host, a name is not.
#[test]
fn cors_allows_its_origin_only_and_an_open_bind_accepts_any_address() {
    let server = Server::start(seed_store(), &["--cors", "http://yasgui.example"]);
    let allowed = reply(
        client()
            .get(server.url("/sparql"))
            .query("query", COUNT)
            .header("Origin", "http://yasgui.example")
            .call(),
    );
    assert_eq!(allowed.status, 200);
    assert_eq!(
        allowed.allow_origin.as_deref(),
        Some("http://yasgui.example")
    );
    let preflight = raw(
        &server,
        &format!(
            "OPTIONS /sparql HTTP/1.1\r\nHost: {}\r\nOrigin: http://yasgui.example\r\n\
             Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
            server.addr()
        )
        .into_bytes(),
        false,
        Duration::from_secs(20),
    );
    assert_eq!(preflight.statuses, [200], "{}", preflight.text());
    assert!(preflight
        .text()
        .to_ascii_lowercase()
        .contains("access-control-allow-origin: http://yasgui.example"));
    let other = reply(
        client()
            .get(server.url("/sparql"))
            .query("query", COUNT)
            .header("Origin", "http://attacker.example")
            .call(),
    );
    assert_eq!(other.status, 403);
    assert_eq!(other.allow_origin, None);

    let open = Server::start_bound(seed_store(), "0.0.0.0:0", &[]);
    let port = open
        .addr()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let local = open.addr().replace("0.0.0.0", "127.0.0.1");
    for (host, status) in [
        (format!("192.0.2.7:{port}"), 200),
        (format!("rebound.example:{port}"), 421),
    ] {
        let mut stream = TcpStream::connect(&local).unwrap();
        stream
            .write_all(&get_request("/api/queries", &host, "Connection: close\r\n"))
            .unwrap();
        let got = read_until_closed(&mut stream, Instant::now(), Duration::from_secs(20));
        assert_eq!(got.statuses, [status], "Host: {host}");
    }
}
