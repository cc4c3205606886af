//! `SOPS_HC_VAULT_ALLOWLIST`: which Vault servers may receive the token.
//!
//! `all` (the default) allows every server and `none` no server; anything else is a
//! comma-separated list of `http://` or `https://` URLs. A request URL is allowed when one entry
//! has the same scheme, host and port (default ports filled in on both sides) and the entry's
//! path is a prefix of the request's path on whole segments. sops compares the strings by
//! prefix, which lets `https://vault.example.com.evil.net`, `https://vault.example.com@evil.net`
//! and `https://vault.example.com:82001` through an entry `https://vault.example.com`; parsed
//! URLs do not. A request URL that carries user information (`name@`, `name:secret@`) is never
//! allowed, and an entry that carries one is a configuration error. The same check runs on every
//! redirect, so an allowed server cannot pass the token on.

use reqwest::Url;

/// The variable this module reads.
pub(crate) const VARIABLE: &str = "SOPS_HC_VAULT_ALLOWLIST";

/// The servers the Vault token may be sent to.
#[derive(Clone, Debug)]
pub(crate) enum Allowlist {
    /// Every server (`all`, or the variable unset or empty).
    All,
    /// Only the servers these entries describe (`none`: no entry).
    Only(Vec<Entry>),
}

/// One allowed server, optionally narrowed to a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    scheme: String,
    host: String,
    port: Option<u16>,
    segments: Vec<String>,
}

impl Allowlist {
    /// Parses the variable's value (`None`: unset).
    pub(crate) fn parse(value: Option<&str>) -> Result<Allowlist, String> {
        let value = value.map(str::trim).unwrap_or("all");
        if value.eq_ignore_ascii_case("all") {
            return Ok(Allowlist::All);
        }
        if value.eq_ignore_ascii_case("none") {
            return Ok(Allowlist::Only(Vec::new()));
        }
        value
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Entry::parse)
            .collect::<Result<_, _>>()
            .map(Allowlist::Only)
    }

    /// `Err` says why `url` may not receive the token.
    pub(crate) fn check(&self, url: &Url) -> Result<(), String> {
        let Allowlist::Only(entries) = self else {
            return Ok(());
        };
        let origin = url.origin().ascii_serialization();
        if has_user_info(url) {
            return Err(format!(
                "the Vault address {origin} is given with user information (name@), which \
                 {VARIABLE} never allows"
            ));
        }
        if entries.iter().any(|entry| entry.allows(url)) {
            Ok(())
        } else {
            Err(format!(
                "the Vault address {origin}{} is not allowed by {VARIABLE}",
                url.path()
            ))
        }
    }
}

impl Entry {
    fn parse(text: &str) -> Result<Entry, String> {
        let invalid = |why: String| format!("{VARIABLE}: the entry {text:?} {why}");
        let url = Url::parse(text).map_err(|e| invalid(format!("is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("is not an http:// or https:// URL".into()));
        }
        if has_user_info(&url) {
            return Err(invalid("contains user information (name@)".into()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("has a query or a fragment".into()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| invalid("has no host".into()))?;
        let mut segments = path_segments(&url);
        // `https://vault/` and `https://vault/v1/transit/` end in an empty segment.
        if segments.last().is_some_and(String::is_empty) {
            segments.pop();
        }
        Ok(Entry {
            scheme: url.scheme().to_string(),
            host: comparable_host(host),
            port: url.port_or_known_default(),
            segments,
        })
    }

    fn allows(&self, url: &Url) -> bool {
        let segments = path_segments(url);
        url.scheme() == self.scheme
            && url.host_str().map(comparable_host).as_ref() == Some(&self.host)
            && url.port_or_known_default() == self.port
            && segments.len() >= self.segments.len()
            && segments[..self.segments.len()] == self.segments[..]
    }
}

fn has_user_info(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// The host as parsed (lower case, IPv4 normalised, IPv6 bracketed), without the trailing dot
/// of a fully qualified name, which names the same host.
fn comparable_host(host: &str) -> String {
    host.strip_suffix('.').unwrap_or(host).to_string()
}

fn path_segments(url: &Url) -> Vec<String> {
    url.path_segments()
        .map(|segments| segments.map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(list: &str, url: &str) -> bool {
        Allowlist::parse(Some(list))
            .unwrap()
            .check(&Url::parse(url).unwrap())
            .is_ok()
    }

    #[test]
    fn all_and_none() {
        assert!(allowed(
            "all",
            "https://anything.example/v1/transit/encrypt/k"
        ));
        assert!(allowed("ALL", "http://127.0.0.1:1/v1/x"));
        assert!(!allowed("none", "https://vault.example.com/v1/x"));
        assert!(
            Allowlist::parse(None)
                .unwrap()
                .check(&Url::parse("http://a/").unwrap())
                .is_ok()
        );
    }

    #[test]
    fn the_same_server_is_allowed() {
        let list = "https://other.example, https://vault.corp.example:8200";
        assert!(allowed(
            list,
            "https://vault.corp.example:8200/v1/transit/encrypt/k"
        ));
        // Case, default ports and a trailing slash or dot do not matter.
        assert!(allowed(
            "HTTPS://Vault.Corp.Example/",
            "https://vault.corp.example:443/v1/x"
        ));
        assert!(allowed(
            "https://vault.corp.example:443",
            "https://vault.corp.example/v1/x"
        ));
        assert!(allowed(
            "http://vault.corp.example.",
            "http://vault.corp.example:80/v1/x"
        ));
        assert!(allowed("http://[::1]:8200", "http://[0:0::1]:8200/v1/x"));
    }

    #[test]
    fn user_information_is_never_allowed() {
        // The host of this URL is 127.0.0.1: the prefix check let it through.
        let list = "http://vault.corp.example";
        assert!(!allowed(
            list,
            "http://vault.corp.example@127.0.0.1:18200/v1/transit/encrypt/k"
        ));
        assert!(!allowed(
            list,
            "http://vault.corp.example:x@127.0.0.1:18200/v1/t/encrypt/k"
        ));
        assert!(!allowed(
            "http://vault.corp.example",
            "http://a@vault.corp.example/v1/x"
        ));
        let error = Allowlist::parse(Some("http://user@vault.corp.example")).unwrap_err();
        assert!(error.contains("user information"), "{error}");
    }

    #[test]
    fn a_longer_host_is_another_host() {
        let list = "http://vault.corp.example";
        assert!(!allowed(
            list,
            "http://vault.corp.example.evil.com/v1/transit/encrypt/k"
        ));
        assert!(!allowed(list, "http://vault.corp.examplex/v1/x"));
        assert!(!allowed("http://127.0.0.1", "http://127.0.0.12/v1/x"));
        assert!(!allowed(
            "http://vault.corp.example",
            "http://corp.example/v1/x"
        ));
    }

    #[test]
    fn a_longer_port_is_another_port() {
        assert!(!allowed(
            "http://127.0.0.1:1820",
            "http://127.0.0.1:18200/v1/x"
        ));
        assert!(!allowed("http://127.0.0.1:8200", "http://127.0.0.1/v1/x"));
        assert!(!allowed("http://127.0.0.1", "http://127.0.0.1:8200/v1/x"));
    }

    #[test]
    fn the_scheme_must_match() {
        assert!(!allowed(
            "https://vault.corp.example",
            "http://vault.corp.example:443/v1/x"
        ));
        assert!(!allowed(
            "http://vault.corp.example",
            "https://vault.corp.example/v1/x"
        ));
    }

    #[test]
    fn paths_match_on_whole_segments() {
        let list = "https://vault.corp.example/v1/team-a";
        assert!(allowed(
            list,
            "https://vault.corp.example/v1/team-a/transit/encrypt/k"
        ));
        assert!(allowed(list, "https://vault.corp.example/v1/team-a"));
        assert!(!allowed(
            list,
            "https://vault.corp.example/v1/team-ab/transit/encrypt/k"
        ));
        assert!(!allowed(
            list,
            "https://vault.corp.example/v1/team-a/../team-b/encrypt/k"
        ));
        assert!(!allowed(
            list,
            "https://vault.corp.example/v1/team-a%2F..%2Fteam-b/encrypt/k"
        ));
        assert!(!allowed(list, "https://vault.corp.example/v1"));
        assert!(allowed(
            "https://vault.corp.example/v1/team-a/",
            "https://vault.corp.example/v1/team-a/x"
        ));
    }

    #[test]
    fn malformed_entries_are_errors() {
        for entry in [
            "vault.corp.example",
            "vault.corp.example:8200",
            "ftp://vault.corp.example",
            "https://vault.corp.example/?x=1",
            "https://vault.corp.example/#top",
        ] {
            let error = Allowlist::parse(Some(entry)).unwrap_err();
            assert!(error.contains(VARIABLE) && error.contains(entry), "{error}");
        }
    }
}
