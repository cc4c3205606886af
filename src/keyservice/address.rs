//! Key service addresses as sops writes them: `tcp://host:port` (also `tcp4`, `tcp6`) and
//! `unix:///path/to.sock`.

use std::fmt;
use std::path::PathBuf;

/// Where a key service listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A TCP `host:port`.
    Tcp(String),
    /// A unix socket path.
    Unix(PathBuf),
}

impl Address {
    /// Reads a `--keyservice` URI. The error names the URI and says what is wrong.
    pub fn parse(uri: &str) -> Result<Address, String> {
        let uri = uri.trim();
        let Some((scheme, rest)) = uri.split_once(':') else {
            return Err(format!(
                "key service address {uri:?} has no scheme: use tcp://host:port or \
                 unix:///path"
            ));
        };
        match scheme {
            "tcp" | "tcp4" | "tcp6" => {
                let host_port = rest.strip_prefix("//").unwrap_or(rest);
                let host_port = host_port.split('/').next().unwrap_or_default();
                if host_port
                    .rsplit_once(':')
                    .is_none_or(|(_, port)| port.is_empty())
                {
                    return Err(format!(
                        "key service address {uri:?} has no port: use tcp://host:port"
                    ));
                }
                Ok(Address::Tcp(host_port.to_string()))
            }
            "unix" => {
                // As Go's URL parser reads it: `unix:///p` and `unix:/p` are the path /p, and
                // an authority (`unix://host/p`) is skipped.
                let path = match rest.strip_prefix("//") {
                    Some(after) => after.find('/').map_or("", |at| &after[at..]),
                    None => rest,
                };
                if path.is_empty() {
                    return Err(format!(
                        "key service address {uri:?} has no socket path: use unix:///path"
                    ));
                }
                Ok(Address::Unix(PathBuf::from(path)))
            }
            _ => Err(format!(
                "key service address {uri:?}: unsupported scheme {scheme:?} (tcp or unix)"
            )),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Tcp(host_port) => write!(f, "tcp://{host_port}"),
            Address::Unix(path) => write!(f, "unix://{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sops_addresses() {
        assert_eq!(
            Address::parse("tcp://127.0.0.1:5000"),
            Ok(Address::Tcp("127.0.0.1:5000".into()))
        );
        assert_eq!(
            Address::parse(" tcp://localhost:5000/ "),
            Ok(Address::Tcp("localhost:5000".into()))
        );
        assert_eq!(
            Address::parse("unix:///run/sops.sock"),
            Ok(Address::Unix("/run/sops.sock".into()))
        );
        assert_eq!(
            Address::parse("unix:/run/sops.sock"),
            Ok(Address::Unix("/run/sops.sock".into()))
        );
        assert_eq!(
            Address::parse("unix:///run/sops.sock").unwrap().to_string(),
            "unix:///run/sops.sock"
        );
    }

    #[test]
    fn refuses_what_cannot_be_dialled() {
        for (uri, says) in [
            ("127.0.0.1:5000", "unsupported scheme"),
            ("localhost", "no scheme"),
            ("tcp://localhost", "no port"),
            ("unix://", "no socket path"),
            ("http://x:1", "unsupported scheme"),
        ] {
            let error = Address::parse(uri).unwrap_err();
            assert!(error.contains(says), "{uri}: {error}");
        }
    }
}
