//! OpenPGP master keys (`pgp`). The client, which wraps through `gpg` and unwraps with gpg or
//! rPGP, is in `client.rs` and built only with the `pgp` feature.

#[cfg(feature = "pgp")]
mod client;

#[cfg(feature = "pgp")]
pub use self::client::{PgpKey, SECRET_KEYS_VAR};
