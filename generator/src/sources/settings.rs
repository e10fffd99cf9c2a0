//! `[sources]` in `almanac.toml`: lists of feedstock files to fetch over HTTP(S), and how.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `[sources]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourcesSettings {
    /// YAML files (relative to `almanac.toml`) with a `feedstocks:` list of URLs of feedstock
    /// `catalog.yaml` (or `meta.yaml`) files, like LEAP's `catalog/input.yaml`.
    pub feedstock_lists: Vec<PathBuf>,
    /// Limit for one request, in seconds (connecting, redirects and the body included).
    pub timeout_seconds: u64,
    /// Retries of a request that failed to connect, timed out or got a 5xx answer.
    pub retries: usize,
    /// How many requests may be in flight at once.
    pub concurrency: usize,
    /// Hosts on loopback, private, link-local or unique-local addresses that may be fetched:
    /// `false` (none, the default), `true` (all) or a list of host names or addresses.
    pub allow_private_hosts: PrivateHosts,
}

impl Default for SourcesSettings {
    fn default() -> Self {
        Self {
            feedstock_lists: Vec::new(),
            timeout_seconds: 30,
            retries: 3,
            concurrency: 8,
            allow_private_hosts: PrivateHosts::All(false),
        }
    }
}

/// Which private hosts may be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PrivateHosts {
    /// `true`: every host; `false`: none.
    All(bool),
    /// These hosts (names or addresses, without a port), compared without regard to case.
    Hosts(Vec<String>),
}

impl Default for PrivateHosts {
    fn default() -> Self {
        Self::All(false)
    }
}

impl PrivateHosts {
    /// Whether `host` (a name, an IPv4 address or an IPv6 address with or without brackets) may
    /// be fetched although it is, or resolves to, a private address.
    #[must_use]
    pub fn allows(&self, host: &str) -> bool {
        match self {
            Self::All(all) => *all,
            Self::Hosts(hosts) => {
                let bare = |h: &str| h.trim_start_matches('[').trim_end_matches(']').to_owned();
                let host = bare(host);
                hosts.iter().any(|h| bare(h).eq_ignore_ascii_case(&host))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_hosts_are_allowed_by_flag_or_by_name() {
        assert!(!PrivateHosts::default().allows("127.0.0.1"));
        assert!(PrivateHosts::All(true).allows("10.0.0.1"));
        let some =
            PrivateHosts::Hosts(vec!["127.0.0.1".into(), "[::1]".into(), "Cache.lan".into()]);
        assert!(some.allows("127.0.0.1"));
        assert!(some.allows("::1"));
        assert!(some.allows("[::1]"));
        assert!(some.allows("cache.LAN"));
        assert!(!some.allows("localhost"));
        assert!(!some.allows("127.0.0.2"));
    }
}
