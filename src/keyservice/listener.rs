//! Who may reach a key service: where `sops-rs keyservice` listens and which connections it
//! keeps. sops's protocol has no authentication, so the listener is the access control.
//!
//! The default is a unix socket (mode 0600) in a directory of its own (mode 0700, owned by this
//! user), and every connection's peer credentials are checked: the same uid, or one given with
//! `--allow-uid`. TCP is sops's default and is kept working exactly as sops's (`--network tcp
//! --address 127.0.0.1:5000`), but only on a loopback address unless `--allow-remote` is given,
//! and always with a warning.

use std::net::{TcpListener, ToSocketAddrs};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// What the command line asked for.
#[derive(Clone, Debug, Default)]
pub struct ListenOptions {
    /// `unix`, `tcp`, `tcp4` or `tcp6`; `None`: unix, or tcp when `address` is a `host:port`.
    pub network: Option<String>,
    /// A socket path or `host:port`; `None`: the default socket, or sops's `127.0.0.1:5000`.
    pub address: Option<String>,
    /// Other uids that may use the unix socket.
    pub allow_uids: Vec<u32>,
    /// Whether TCP may listen on an address other hosts can reach.
    pub allow_remote: bool,
    /// `XDG_RUNTIME_DIR`, where the default socket's directory goes (else under /tmp).
    pub runtime_dir: Option<PathBuf>,
}

/// A bound listener, not yet accepting.
#[derive(Debug)]
pub enum Listener {
    /// A unix socket.
    Unix {
        /// The socket.
        listener: UnixListener,
        /// Its path, removed when the server stops.
        path: PathBuf,
        /// The uids that may connect (this user's first).
        allowed_uids: Vec<u32>,
    },
    /// A TCP socket.
    Tcp(TcpListener),
}

impl Listener {
    /// Binds what `options` asks for. Warnings (one line each) go to `warn`.
    pub fn bind(options: &ListenOptions, warn: &dyn Fn(&str)) -> Result<Listener, String> {
        let network = match (&options.network, &options.address) {
            (Some(network), _) => network.as_str(),
            (None, Some(address)) if !address.contains('/') && address.contains(':') => "tcp",
            (None, _) => "unix",
        };
        match network {
            "unix" => {
                let path = match &options.address {
                    Some(path) => PathBuf::from(path),
                    None => default_socket(options.runtime_dir.as_deref())?,
                };
                bind_unix(path, &options.allow_uids)
            }
            "tcp" | "tcp4" | "tcp6" => {
                let address = options.address.as_deref().unwrap_or("127.0.0.1:5000");
                bind_tcp(network, address, options.allow_remote, warn)
            }
            other => Err(format!(
                "unsupported --network {other:?}: use unix or tcp (tcp4, tcp6)"
            )),
        }
    }

    /// The address clients give to `--keyservice`.
    pub fn address(&self) -> String {
        match self {
            Listener::Unix { path, .. } => format!("unix://{}", path.display()),
            Listener::Tcp(listener) => match listener.local_addr() {
                Ok(address) => format!("tcp://{address}"),
                Err(_) => "tcp://?".into(),
            },
        }
    }
}

/// `$XDG_RUNTIME_DIR/sops-rs/keyservice.sock`, else `/tmp/sops-rs-UID/keyservice.sock`; the
/// directory is made private to this user (or must already be).
fn default_socket(runtime_dir: Option<&Path>) -> Result<PathBuf, String> {
    let uid = rustix::process::geteuid().as_raw();
    let dir = match runtime_dir.filter(|d| d.is_absolute()) {
        Some(runtime_dir) => runtime_dir.join("sops-rs"),
        None => std::env::temp_dir().join(format!("sops-rs-{uid}")),
    };
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
    }
    let meta = std::fs::symlink_metadata(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0 {
        return Err(format!(
            "{} must be a directory owned by uid {uid} with mode 0700 (it holds the key \
             service socket)",
            dir.display()
        ));
    }
    Ok(dir.join("keyservice.sock"))
}

fn bind_unix(path: PathBuf, allow_uids: &[u32]) -> Result<Listener, String> {
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        if !meta.file_type().is_socket() {
            return Err(format!("{} exists and is not a socket", path.display()));
        }
        if UnixStream::connect(&path).is_ok() {
            return Err(format!(
                "a key service already listens on {}",
                path.display()
            ));
        }
        // A socket left by a server that did not stop cleanly.
        std::fs::remove_file(&path)
            .map_err(|e| format!("cannot remove the stale {}: {e}", path.display()))?;
    }
    let listener = UnixListener::bind(&path)
        .map_err(|e| format!("cannot listen on {}: {e}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
    let mut allowed_uids = vec![rustix::process::geteuid().as_raw()];
    allowed_uids.extend(allow_uids);
    Ok(Listener::Unix {
        listener,
        path,
        allowed_uids,
    })
}

fn bind_tcp(
    network: &str,
    address: &str,
    allow_remote: bool,
    warn: &dyn Fn(&str),
) -> Result<Listener, String> {
    let candidates: Vec<std::net::SocketAddr> = address
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve --address {address:?}: {e}"))?
        .filter(|a| match network {
            "tcp4" => a.is_ipv4(),
            "tcp6" => a.is_ipv6(),
            _ => true,
        })
        .collect();
    let first = candidates
        .first()
        .ok_or_else(|| format!("--address {address:?} has no {network} address"))?;
    if !first.ip().is_loopback() && !allow_remote {
        return Err(format!(
            "refusing to listen on {first}: not a loopback address, and sops's key service \
             protocol has no authentication (--allow-remote allows it)"
        ));
    }
    let listener =
        TcpListener::bind(first).map_err(|e| format!("cannot listen on {first}: {e}"))?;
    let reach = match first.ip().is_loopback() {
        true => "every local user and process",
        false => "anyone who can reach this host",
    };
    warn(&format!(
        "listening on TCP {first}: sops's key service protocol has no authentication, so {reach} \
         can use this server's keys (the default unix socket checks the peer's uid)"
    ));
    Ok(Listener::Tcp(listener))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bind(options: ListenOptions) -> (Result<Listener, String>, Vec<String>) {
        let warnings = std::cell::RefCell::new(Vec::new());
        let result = Listener::bind(&options, &|w| warnings.borrow_mut().push(w.to_string()));
        (result, warnings.into_inner())
    }

    #[test]
    fn the_default_is_a_private_socket_in_a_private_directory() {
        let scratch = tempfile::tempdir().unwrap();
        let (listener, warnings) = bind(ListenOptions {
            runtime_dir: Some(scratch.path().to_path_buf()),
            ..Default::default()
        });
        let listener = listener.unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let Listener::Unix { path, .. } = &listener else {
            panic!("a unix socket by default");
        };
        assert_eq!(path, &scratch.path().join("sops-rs/keyservice.sock"));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
        assert_eq!(mode(path), 0o600);
        assert_eq!(mode(&scratch.path().join("sops-rs")), 0o700);
        assert!(listener.address().starts_with("unix:///"));
    }

    #[test]
    fn a_shared_directory_is_refused() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().join("sops-rs");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (listener, _) = bind(ListenOptions {
            runtime_dir: Some(scratch.path().to_path_buf()),
            ..Default::default()
        });
        assert!(listener.unwrap_err().contains("mode 0700"));
    }

    #[test]
    fn tcp_stays_on_loopback_and_warns() {
        let (listener, warnings) = bind(ListenOptions {
            network: Some("tcp".into()),
            address: Some("127.0.0.1:0".into()),
            ..Default::default()
        });
        assert!(listener.unwrap().address().starts_with("tcp://127.0.0.1:"));
        assert!(warnings[0].contains("no authentication"), "{warnings:?}");
        let (listener, _) = bind(ListenOptions {
            network: Some("tcp".into()),
            address: Some("0.0.0.0:0".into()),
            ..Default::default()
        });
        assert!(listener.unwrap_err().contains("--allow-remote"));
        // A host:port without --network is TCP, as sops's only network was.
        let (listener, _) = bind(ListenOptions {
            address: Some("127.0.0.1:0".into()),
            ..Default::default()
        });
        assert!(matches!(listener.unwrap(), Listener::Tcp(_)));
    }

    #[test]
    fn a_file_in_the_way_is_not_removed() {
        let scratch = tempfile::tempdir().unwrap();
        let path = scratch.path().join("not-a-socket");
        std::fs::write(&path, "data").unwrap();
        let (listener, _) = bind(ListenOptions {
            address: Some(path.display().to_string()),
            ..Default::default()
        });
        assert!(listener.unwrap_err().contains("not a socket"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "data");
    }
}
