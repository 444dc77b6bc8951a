//! Which requests `akg serve` answers, by their `Host`, `Origin` and
//! `Sec-Fetch-Site` headers: the defence against DNS rebinding and
//! cross-site requests from other web pages.
//!
//! - `Host` (or the authority of an absolute request target) must name this
//!   server: `localhost` or a `*.localhost` name, the address bound (any
//!   address when bound to `0.0.0.0` or `::`, any loopback address when
//!   bound to loopback), or a name given with `--allow-host`. A page that
//!   rebinds its own name to 127.0.0.1 sends its own name: 421. A request
//!   without `Host` (HTTP/1.0) comes from no browser and passes.
//! - `Origin`, when sent, must be this server's own origin (`http://` or
//!   `https://` and the `Host`), or the `--cors` origin (any with `*`):
//!   otherwise 403, so a cross-site form POST is refused before it runs.
//! - A request without `Origin` that the browser marks
//!   `Sec-Fetch-Site: cross-site` (an image or script another site embeds)
//!   is refused too, unless it is a navigation (a link the user follows)
//!   or `--cors *` is given.

use std::net::{IpAddr, SocketAddr};

use axum::http::header::{self, HeaderMap};
use axum::http::uri::{Authority, Uri};

/// Which hosts and origins the server answers.
#[derive(Clone, Debug)]
pub(super) struct OriginPolicy {
    /// The address the server listens on.
    bound: SocketAddr,
    /// Further host names, lower case, without a trailing dot.
    allowed_hosts: Vec<String>,
    /// The `--cors` origin: `None` for none, `Some("*")` for any.
    cors: Option<String>,
}

/// Why a request is refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// `Host` names another server (421).
    Host(String),
    /// `Origin` is another site (403).
    Origin(String),
    /// A cross-site request without `Origin` (403).
    CrossSite,
}

impl Refusal {
    /// The message for the client, naming the flag that would allow it.
    pub(super) fn message(&self, bound: SocketAddr) -> String {
        match self {
            Refusal::Host(host) => format!(
                "this server answers to localhost and {}, not to the host {}: a page that points \
                 its own name at this machine could read the store (DNS rebinding); if {} is this \
                 machine's name, start akg serve with --allow-host {}",
                bound,
                shown(host),
                shown(host),
                shown(host)
            ),
            Refusal::Origin(origin) => format!(
                "cross-origin requests are refused: this one comes from a page at {}; \
                 start akg serve with --cors {} to allow that site",
                shown(origin),
                shown(origin)
            ),
            Refusal::CrossSite => "cross-site requests are refused: another site's page \
                 embeds this URL; open it directly, or start akg serve with --cors '*'"
                .to_owned(),
        }
    }
}

/// A header value as the message shows it: at most 100 characters.
fn shown(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(100).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

impl OriginPolicy {
    /// The policy of a server bound at `bound`.
    pub(super) fn new(bound: SocketAddr, allowed_hosts: &[String], cors: Option<String>) -> Self {
        Self {
            bound,
            allowed_hosts: allowed_hosts.iter().map(|h| host_key(h)).collect(),
            cors,
        }
    }

    /// The address the server listens on.
    pub(super) fn bound(&self) -> SocketAddr {
        self.bound
    }

    /// Checks a request's target and headers.
    pub(super) fn check(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), Refusal> {
        let mut hosts = headers.get_all(header::HOST).iter();
        let host_header = hosts.next();
        if hosts.next().is_some() {
            return Err(Refusal::Host("(more than one Host header)".to_owned()));
        }
        let host = match (uri.authority(), host_header) {
            (Some(authority), _) => Some(authority.as_str().to_owned()),
            (None, Some(value)) => Some(
                value
                    .to_str()
                    .map_err(|_| Refusal::Host("(not ASCII)".to_owned()))?
                    .to_owned(),
            ),
            (None, None) => None,
        };
        if let Some(host) = &host {
            if !self.host_allowed(host) {
                return Err(Refusal::Host(host.clone()));
            }
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = String::from_utf8_lossy(origin.as_bytes());
            return if self.origin_allowed(&origin, host.as_deref()) {
                Ok(())
            } else {
                Err(Refusal::Origin(origin.into_owned()))
            };
        }
        let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let cross_site =
            value("sec-fetch-site").is_some_and(|site| site.eq_ignore_ascii_case("cross-site"));
        let navigation =
            value("sec-fetch-mode").is_some_and(|mode| mode.eq_ignore_ascii_case("navigate"));
        if cross_site && !navigation && self.cors.as_deref() != Some("*") {
            return Err(Refusal::CrossSite);
        }
        Ok(())
    }

    /// Whether `Host` (`name[:port]`) names this server.
    fn host_allowed(&self, host: &str) -> bool {
        let Ok(authority) = host.parse::<Authority>() else {
            return false;
        };
        if authority.as_str().contains('@') {
            return false;
        }
        let name = host_key(authority.host());
        if name == "localhost" || name.ends_with(".localhost") || self.allowed_hosts.contains(&name)
        {
            return true;
        }
        let Ok(ip) = name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        else {
            return false;
        };
        let bound = self.bound.ip();
        ip == bound || bound.is_unspecified() || (ip.is_loopback() && bound.is_loopback())
    }

    /// Whether `origin` is this server's own (same scheme-less authority as
    /// `host`) or the one `--cors` allows.
    fn origin_allowed(&self, origin: &str, host: Option<&str>) -> bool {
        match self.cors.as_deref() {
            Some("*") => return true,
            Some(allowed) if allowed.eq_ignore_ascii_case(origin) => return true,
            _ => {}
        }
        let origin = origin.to_ascii_lowercase();
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
    }
}

/// A host name as compared: lower case, without a trailing dot.
fn host_key(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn request(target: &str, headers: &[(&'static str, &'static str)]) -> (Uri, HeaderMap) {
        let uri: Uri = target.parse().unwrap_or_default();
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_static(value));
        }
        (uri, map)
    }

    fn check(
        policy: &OriginPolicy,
        target: &str,
        headers: &[(&'static str, &'static str)],
    ) -> Result<(), Refusal> {
        let (uri, map) = request(target, headers);
        policy.check(&uri, &map)
    }

    fn loopback() -> OriginPolicy {
        OriginPolicy::new(
            SocketAddr::from(([127, 0, 0, 1], 7878)),
            &["Akg.Example.".to_owned()],
            None,
        )
    }

    #[test]
    fn hosts_must_name_this_server() {
        let policy = loopback();
        for host in [
            "127.0.0.1:7878",
            "127.0.0.1",
            "localhost:7878",
            "LOCALHOST.",
            "app.localhost:7878",
            "[::1]:7878",
            "akg.example:7878",
        ] {
            let (uri, mut map) = request("/sparql", &[]);
            map.insert(header::HOST, HeaderValue::from_static(host));
            assert_eq!(policy.check(&uri, &map), Ok(()), "{host}");
        }
        for host in [
            "attacker.example:7878",
            "10.0.0.1:7878",
            "user@localhost",
            "",
            "localhost.attacker.example",
        ] {
            let (uri, mut map) = request("/sparql", &[]);
            map.insert(header::HOST, HeaderValue::from_static(host));
            assert!(
                matches!(policy.check(&uri, &map), Err(Refusal::Host(_))),
                "{host}"
            );
        }
        // No Host at all (HTTP/1.0): no browser; two: refused.
        assert_eq!(check(&policy, "/", &[]), Ok(()));
        assert!(check(
            &policy,
            "/",
            &[("host", "localhost"), ("host", "localhost")]
        )
        .is_err());
        // An absolute target's authority wins over Host.
        assert!(check(
            &policy,
            "http://attacker.example/",
            &[("host", "localhost")]
        )
        .is_err());
    }

    #[test]
    fn an_unspecified_bind_address_accepts_any_address_but_no_other_name() {
        let policy = OriginPolicy::new(SocketAddr::from(([0, 0, 0, 0], 7878)), &[], None);
        assert_eq!(check(&policy, "/", &[("host", "192.168.1.5:7878")]), Ok(()));
        assert_eq!(check(&policy, "/", &[("host", "localhost:7878")]), Ok(()));
        assert!(check(&policy, "/", &[("host", "rebound.example:7878")]).is_err());
    }

    #[test]
    fn origins_must_be_this_server_or_the_cors_origin() {
        let policy = loopback();
        let host = ("host", "127.0.0.1:7878");
        assert_eq!(
            check(&policy, "/", &[host, ("origin", "http://127.0.0.1:7878")]),
            Ok(())
        );
        assert_eq!(
            check(&policy, "/", &[host, ("origin", "HTTP://127.0.0.1:7878")]),
            Ok(())
        );
        for origin in [
            "http://attacker.example",
            "null",
            "http://localhost:7878",
            "http://127.0.0.1:7879",
        ] {
            let (uri, mut map) = request("/", &[host]);
            map.insert(header::ORIGIN, HeaderValue::from_static(origin));
            assert!(
                matches!(policy.check(&uri, &map), Err(Refusal::Origin(_))),
                "{origin}"
            );
        }
        let cors = OriginPolicy::new(
            SocketAddr::from(([127, 0, 0, 1], 7878)),
            &[],
            Some("http://yasgui.example".to_owned()),
        );
        assert_eq!(
            check(&cors, "/", &[host, ("origin", "http://yasgui.example")]),
            Ok(())
        );
        assert!(check(&cors, "/", &[host, ("origin", "http://attacker.example")]).is_err());
        let any = OriginPolicy::new(
            SocketAddr::from(([127, 0, 0, 1], 7878)),
            &[],
            Some("*".to_owned()),
        );
        assert_eq!(
            check(&any, "/", &[host, ("origin", "http://attacker.example")]),
            Ok(())
        );
    }

    #[test]
    fn cross_site_subresources_are_refused_but_navigations_pass() {
        let policy = loopback();
        let host = ("host", "127.0.0.1:7878");
        assert_eq!(
            check(
                &policy,
                "/sparql",
                &[
                    host,
                    ("sec-fetch-site", "cross-site"),
                    ("sec-fetch-mode", "no-cors")
                ]
            ),
            Err(Refusal::CrossSite)
        );
        assert_eq!(
            check(
                &policy,
                "/",
                &[
                    host,
                    ("sec-fetch-site", "cross-site"),
                    ("sec-fetch-mode", "navigate")
                ]
            ),
            Ok(())
        );
        assert_eq!(
            check(&policy, "/", &[host, ("sec-fetch-site", "same-origin")]),
            Ok(())
        );
    }

    #[test]
    fn messages_name_the_flag_and_shorten_long_values() {
        let bound = SocketAddr::from(([127, 0, 0, 1], 7878));
        let long = "x".repeat(500);
        let message = Refusal::Origin(long).message(bound);
        assert!(message.contains("--cors"), "{message}");
        assert!(message.len() < 400, "{message}");
        assert!(Refusal::Host("evil.example".to_owned())
            .message(bound)
            .contains("--allow-host evil.example"));
    }
}
