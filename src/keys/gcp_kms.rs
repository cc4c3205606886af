//! Google Cloud KMS master keys (`gcp_kms`). The client, which wraps through the official SDK,
//! is in `client.rs` and its credential chain in `credentials.rs` (shared with `publish`'s GCS
//! target), both built only with the `gcp` feature.

#[cfg(feature = "gcp")]
mod client;
#[cfg(feature = "gcp")]
pub(crate) mod credentials;

#[cfg(feature = "gcp")]
pub use self::client::GcpKmsKey;
