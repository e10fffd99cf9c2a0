//! Which URLs the sources stage may fetch. A feedstock's `catalog.yaml` names the URL of its
//! `meta.yaml`, so the URLs come from whoever can change that file: only `http` and `https`,
//! never user info (credentials are never sent), and no host on a loopback, private, link-local
//! (cloud metadata at 169.254.169.254), unspecified or unique-local address unless
//! `allow_private_hosts` says so. Names are checked where they are resolved, for every
//! connection the client makes (redirects included), so a name cannot resolve to a public
//! address when checked and to a private one when used.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::sources::settings::PrivateHosts;

/// A URL the guard refuses, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The diagnostic code.
    pub code: &'static str,
    /// Why, without the URL (callers name it in its public form).
    pub message: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

/// The code of a host refused for its address.
pub const PRIVATE_HOST: &str = "source-private-host";
/// The code of a URL refused for its form (scheme, user info).
pub const BAD_URL: &str = "source-url";

/// Whether `ip` is an address that a fetch from content must not reach by default.
#[must_use]
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                // 100.64.0.0/10, carrier-grade NAT: addresses inside a provider's network.
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
                // 0.0.0.0/8 reaches the local host on some systems.
                || v4.octets()[0] == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // fec0::/10, the deprecated site-local range.
                || (v6.segments()[0] & 0xffc0) == 0xfec0
        }
    }
}

/// Checks what can be checked of `url` without resolving it: its scheme, user info, and a host
/// written as an address.
///
/// # Errors
///
/// The [`Refusal`] to report.
pub fn check_url(url: &Url, allowed: &PrivateHosts) -> Result<(), Refusal> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal {
            code: BAD_URL,
            message: format!(
                "only http:// and https:// URLs are fetched, not `{}:`",
                url.scheme()
            ),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal {
            code: BAD_URL,
            message: "the URL holds user info; Almanac never sends credentials".to_owned(),
        });
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(Refusal {
            code: BAD_URL,
            message: "the URL has no host".to_owned(),
        });
    };
    // `host_str` writes IPv6 addresses in brackets.
    let address = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok();
    match address {
        Some(ip) if is_private(ip) && !allowed.allows(host) => Err(private(host)),
        _ => Ok(()),
    }
}

fn private(host: &str) -> Refusal {
    Refusal {
        code: PRIVATE_HOST,
        message: format!(
            "host `{host}` is or resolves to a loopback, private or link-local address; it is not fetched"
        ),
    }
}

/// The resolver the client uses: the system's, with private addresses left out unless the
/// host is allowed. A name with only private addresses is a [`Refusal`].
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    /// Hosts that may resolve to private addresses.
    pub allowed: PrivateHosts,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allowed = self.allowed.allows(&host);
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|address| allowed || !is_private(address.ip()))
                .collect();
            if kept.is_empty() && !found.is_empty() {
                return Err(Box::new(private(&host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

/// The redirect policy: at most `max` redirects, each to a URL [`check_url`] accepts.
#[must_use]
pub fn redirect_policy(max: usize, allowed: PrivateHosts) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= max {
            return attempt.error(Refusal {
                code: "source-unreachable",
                message: format!("more than {max} redirects"),
            });
        }
        match check_url(attempt.url(), &allowed) {
            Ok(()) => attempt.follow(),
            Err(refusal) => attempt.error(refusal),
        }
    })
}

/// The [`Refusal`] somewhere in the causes of `error`, if the guard is why it failed.
#[must_use]
pub fn refusal_in(error: &(dyn std::error::Error + 'static)) -> Option<Refusal> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(refusal) = current.downcast_ref::<Refusal>() {
            return Some(refusal.clone());
        }
        cause = current.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str, allowed: &PrivateHosts) -> Option<&'static str> {
        let url = Url::parse(url).expect("a URL");
        check_url(&url, allowed).err().map(|r| r.code)
    }

    #[test]
    fn private_addresses_are_known() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(
                is_private(private.parse().expect("an address")),
                "{private}"
            );
        }
        for public in ["8.8.8.8", "140.82.112.3", "2606:4700::1111", "100.128.0.1"] {
            assert!(!is_private(public.parse().expect("an address")), "{public}");
        }
    }

    #[test]
    fn urls_are_checked_before_any_connection() {
        let none = PrivateHosts::default();
        assert_eq!(
            refused("https://github.com/o/r/blob/main/x.yaml", &none),
            None
        );
        assert_eq!(
            refused("http://127.0.0.1:8000/x.yaml", &none),
            Some(PRIVATE_HOST)
        );
        assert_eq!(refused("http://[::1]/x.yaml", &none), Some(PRIVATE_HOST));
        assert_eq!(
            refused("http://169.254.169.254/latest/meta-data/", &none),
            Some(PRIVATE_HOST)
        );
        assert_eq!(refused("file:///etc/passwd", &none), Some(BAD_URL));
        assert_eq!(refused("ftp://example.org/x.yaml", &none), Some(BAD_URL));
        assert_eq!(
            refused("https://user:pw@example.org/x.yaml", &none),
            Some(BAD_URL)
        );
        let local = PrivateHosts::Hosts(vec!["127.0.0.1".into()]);
        assert_eq!(refused("http://127.0.0.1:8000/x.yaml", &local), None);
        assert_eq!(
            refused("http://127.0.0.2:8000/x.yaml", &local),
            Some(PRIVATE_HOST)
        );
        assert_eq!(
            refused("http://[::1]/x.yaml", &PrivateHosts::All(true)),
            None
        );
    }

    #[tokio::test]
    async fn names_that_resolve_to_private_addresses_are_refused() {
        let resolver = GuardedResolver {
            allowed: PrivateHosts::default(),
        };
        let name: Name = "localhost".parse().expect("a name");
        let error = resolver.resolve(name).await.err().expect("refused");
        assert_eq!(
            refusal_in(error.as_ref()).map(|r| r.code),
            Some(PRIVATE_HOST)
        );
        let allowing = GuardedResolver {
            allowed: PrivateHosts::Hosts(vec!["localhost".into()]),
        };
        let name: Name = "localhost".parse().expect("a name");
        let addresses: Vec<SocketAddr> = allowing.resolve(name).await.expect("resolves").collect();
        assert!(
            addresses.iter().all(|a| a.ip().is_loopback()),
            "{addresses:?}"
        );
        assert!(!addresses.is_empty());
    }
}
