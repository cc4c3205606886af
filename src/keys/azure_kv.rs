//! Azure Key Vault master keys (`azure_kv`). The client, which wraps with RSA-OAEP-256 through
//! the official SDK, is in `client.rs` and built only with the `azure` feature.

#[cfg(feature = "azure")]
mod client;

#[cfg(feature = "azure")]
pub use self::client::AzureKey;
