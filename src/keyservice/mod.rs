//! sops's key service over gRPC, both sides (cargo feature `keyservice`; unix only, for the
//! unix socket and its peer credentials).
//!
//! A key service wraps and unwraps data keys for a process that only names the master key: the
//! client side ([`client`]) is what `--keyservice URI` adds to a [`KeyContext`]'s
//! [`KeyServices`](crate::keys::KeyServices); the server side ([`server`]) answers with the
//! credentials of its own environment, on a listener ([`listener`]) that decides who may
//! connect. The messages ([`proto`], generated from `proto/keyservice.proto`) are sops's, so
//! either side talks to sops. sops's protocol has no authentication: whoever can connect can use
//! the server's keys, which is why the default listener is a private unix socket.
//!
//! [`KeyContext`]: crate::keys::KeyContext

pub mod address;
pub mod client;
pub mod key_message;
pub mod listener;
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod proto;
mod secret_messages;
pub mod server;

pub use address::Address;
pub use client::Client;
pub use listener::{ListenOptions, Listener};
pub use server::{DirectUnwrapper, Peer, ServeOptions, Unwrapper, serve, serve_until};

/// The gRPC metadata header a sops-rs key service answers with: where the data key came from
/// (`provider`, `cache`, `cache_stale`). sops ignores it.
pub const KEY_SOURCE_HEADER: &str = "x-sops-rs-key-source";

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    /// The committed Rust code was generated from the .proto in the tree by the generator in
    /// the tree, built from its lock file: after a change to any of them, run
    /// scripts/generate-proto.sh.
    #[test]
    fn generated_code_matches_the_proto_file_and_the_generator() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let generated = std::fs::read_to_string(root.join("src/keyservice/proto.rs")).unwrap();
        for (label, source) in [
            ("proto", "proto/keyservice.proto"),
            ("generator", "proto/generate/src/main.rs"),
            ("generator lock", "proto/generate/Cargo.lock"),
        ] {
            let prefix = format!("// {label} sha256: ");
            let recorded = generated
                .lines()
                .find_map(|line| line.strip_prefix(prefix.as_str()))
                .unwrap_or_else(|| panic!("src/keyservice/proto.rs names no {label} digest"));
            assert_eq!(
                recorded,
                hex::encode(Sha256::digest(std::fs::read(root.join(source)).unwrap())),
                "src/keyservice/proto.rs is out of date with {source}: run \
                 scripts/generate-proto.sh"
            );
        }
    }
}
