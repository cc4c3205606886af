//! HashiCorp Vault Transit master keys (`hc_vault`, also OpenBao). The client is in `client.rs`
//! and the server allowlist in `allowlist.rs`, both built only with the `vault` feature;
//! `publish`'s Vault KV target shares the client's HTTP plumbing.

#[cfg(feature = "vault")]
mod allowlist;
#[cfg(feature = "vault")]
mod client;

#[cfg(feature = "vault")]
pub use self::client::VaultKey;
#[cfg(feature = "vault")]
pub(crate) use self::client::{
    api_error, client, request, send, token, token_header, transport_error,
};
