//! The HTTP client pieces that `akg push` ([`crate::push`]) and
//! `--endpoint` ([`crate::read::remote`]) share: [`Credentials`] read from
//! three environment variables whose names each command gives
//! ([`CredentialVariables`]), the `Authorization` header they make, the
//! check that a URL carries no user name or password ([`display_url`]),
//! the `ureq` agent ([`agent`]) and the first line of a server's error
//! message ([`first_line`]). Each command words its own errors: this
//! module says what is wrong ([`CredentialsProblem`]), never how to put it.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;

/// How long opening a connection may take (at most the request timeout).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest server message quoted in an error, in characters.
const MESSAGE_CHARS: usize = 300;

/// The names of the environment variables that hold a command's
/// credentials.
#[derive(Clone, Copy, Debug)]
pub struct CredentialVariables {
    /// The user name for HTTP Basic authentication (with `password`).
    pub user: &'static str,
    /// The password for HTTP Basic authentication.
    pub password: &'static str,
    /// A bearer token.
    pub token: &'static str,
}

/// Why the credentials in the environment cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialsProblem {
    /// The token and the user or password are set.
    Both,
    /// The user is set without the password.
    UserWithoutPassword,
    /// The password is set without the user.
    PasswordWithoutUser,
}

impl CredentialVariables {
    /// The credentials that `env` (e.g. `std::env::var`) holds: the user
    /// and password together, or the token, or none. Empty variables
    /// count as unset.
    pub fn read(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Credentials>, CredentialsProblem> {
        let get = |name: &str| env(name).filter(|value| !value.is_empty());
        match (get(self.user), get(self.password), get(self.token)) {
            (None, None, None) => Ok(None),
            (None, None, Some(token)) => Ok(Some(Credentials::Bearer(token))),
            (Some(user), Some(password), None) => Ok(Some(Credentials::Basic { user, password })),
            (_, _, Some(_)) => Err(CredentialsProblem::Both),
            (Some(_), None, None) => Err(CredentialsProblem::UserWithoutPassword),
            (None, Some(_), None) => Err(CredentialsProblem::PasswordWithoutUser),
        }
    }
}

/// Credentials for a server, from the environment.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// HTTP Basic authentication.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// A bearer token (`Authorization: Bearer …`).
    Bearer(String),
}

impl fmt::Debug for Credentials {
    /// Names the kind only: a secret never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credentials::Basic { .. } => "Credentials::Basic",
            Credentials::Bearer(_) => "Credentials::Bearer",
        })
    }
}

impl Credentials {
    /// The `Authorization` header's value.
    pub fn authorization(&self) -> String {
        match self {
            Credentials::Basic { user, password } => {
                let pair = format!("{user}:{password}");
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
            Credentials::Bearer(token) => format!("Bearer {token}"),
        }
    }
}

/// `request` with the `Authorization` header, if there is one.
pub fn authorized<B>(
    request: ureq::RequestBuilder<B>,
    authorization: Option<&str>,
) -> ureq::RequestBuilder<B> {
    match authorization {
        Some(value) => request.header("Authorization", value),
        None => request,
    }
}

/// Whether the URL's authority holds a user name or password
/// (`http://user:password@host/`).
pub fn has_userinfo(url: &str) -> bool {
    userinfo_end(url).is_some()
}

/// The URL as it may be shown: without a user name or password.
pub fn display_url(url: &str) -> String {
    match userinfo_end(url) {
        Some((scheme, after)) => format!("{scheme}://{after}"),
        None => url.to_owned(),
    }
}

/// The scheme and what follows the user name and password of a URL that
/// has them.
fn userinfo_end(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    Some((scheme, &rest[at + 1..]))
}

/// An agent that takes error statuses as answers and names itself
/// `akg/VERSION`. Connecting takes at most [`CONNECT_TIMEOUT`] and
/// `timeout`; a whole request at most `timeout` (`None`: no limit of the
/// agent's). Without `follow_redirects` a redirection is an answer.
pub fn agent(timeout: Option<Duration>, follow_redirects: bool) -> ureq::Agent {
    let connect = timeout.map_or(CONNECT_TIMEOUT, |timeout| CONNECT_TIMEOUT.min(timeout));
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(connect))
        .timeout_global(timeout)
        .user_agent(concat!("akg/", env!("CARGO_PKG_VERSION")));
    if !follow_redirects {
        config = config.max_redirects(0);
    }
    config.build().new_agent()
}

/// The first non-empty line of a server's answer, trimmed, shortened to
/// 300 characters (and `…`) and with control characters replaced; empty
/// for an empty answer.
pub fn first_line(answer: &[u8]) -> String {
    let text = String::from_utf8_lossy(answer);
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    let mut shown: String = line
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .take(MESSAGE_CHARS)
        .collect();
    if line.chars().count() > MESSAGE_CHARS {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARIABLES: CredentialVariables = CredentialVariables {
        user: "U",
        password: "P",
        token: "T",
    };

    #[test]
    fn credentials_come_from_the_named_variables() {
        let read = |vars: &[(&str, &str)]| {
            VARIABLES.read(|name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            })
        };
        assert_eq!(read(&[]), Ok(None));
        assert_eq!(read(&[("U", ""), ("T", "")]), Ok(None));
        assert_eq!(
            read(&[("U", "ann"), ("P", "pw")]),
            Ok(Some(Credentials::Basic {
                user: "ann".to_owned(),
                password: "pw".to_owned()
            }))
        );
        assert_eq!(
            read(&[("T", "t")]),
            Ok(Some(Credentials::Bearer("t".to_owned())))
        );
        assert_eq!(
            read(&[("T", "t"), ("P", "pw")]),
            Err(CredentialsProblem::Both)
        );
        assert_eq!(
            read(&[("U", "ann")]),
            Err(CredentialsProblem::UserWithoutPassword)
        );
        assert_eq!(
            read(&[("P", "pw")]),
            Err(CredentialsProblem::PasswordWithoutUser)
        );
        // Debug output hides the secrets.
        let basic = read(&[("U", "ann"), ("P", "pw")]).unwrap().unwrap();
        assert_eq!(format!("{basic:?}"), "Credentials::Basic");
    }

    #[test]
    fn the_authorization_header_follows_rfc_7617_and_6750() {
        let basic = |user: &str, password: &str| {
            Credentials::Basic {
                user: user.to_owned(),
                password: password.to_owned(),
            }
            .authorization()
        };
        // The example of RFC 7617, and base64 padding of one and two bytes.
        assert_eq!(
            basic("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic("ann", "s3cret:x"), "Basic YW5uOnMzY3JldDp4");
        assert_eq!(basic("fo", "o"), "Basic Zm86bw==");
        assert_eq!(basic("f", "oo"), "Basic Zjpvbw==");
        assert_eq!(
            Credentials::Bearer("t0k".to_owned()).authorization(),
            "Bearer t0k"
        );
    }

    #[test]
    fn a_user_name_or_password_in_a_url_is_found_and_hidden() {
        for (url, shown) in [
            (
                "http://ann:hunter2@example.com/store?x=@",
                "http://example.com/store?x=@",
            ),
            (
                "https://ann@db.example.org/query",
                "https://db.example.org/query",
            ),
        ] {
            assert!(has_userinfo(url), "{url}");
            assert_eq!(display_url(url), shown);
        }
        for url in [
            "http://example.com/a@b",
            "http://h/?q=a@b",
            "mailto:a@b",
            "x",
        ] {
            assert!(!has_userinfo(url), "{url}");
            assert_eq!(display_url(url), url);
        }
    }

    #[test]
    fn the_servers_message_is_its_first_line_shortened() {
        assert_eq!(first_line(b"\n\n  oops: bad\r\nmore"), "oops: bad");
        assert_eq!(first_line(b"\n  boom  \nmore"), "boom");
        assert_eq!(first_line(b""), "");
        assert_eq!(first_line(b"a\x1b[31mb"), "a\u{fffd}[31mb");
        let long = "x".repeat(1000);
        assert_eq!(first_line(long.as_bytes()).chars().count(), 301);
        let long = "é".repeat(400);
        assert_eq!(first_line(long.as_bytes()).chars().count(), 301);
        assert!(first_line(long.as_bytes()).ends_with("é…"));
    }
}
