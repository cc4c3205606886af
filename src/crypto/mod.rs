//! Cryptography on values: the data key, the `ENC[AES256_GCM,...]` value codec, the MAC, Shamir
//! key splitting, and the tree walk that applies them under the selection rules.
//!
//! Nothing here knows about file formats or master keys: it sees a [`crate::tree::Tree`] and a
//! [`DataKey`].

mod b64;
pub mod cipher;
pub mod data_key;
pub mod mac;
pub mod shamir;
pub(crate) mod tree_cipher;

pub use cipher::{EncValue, ValueCipher};
pub use data_key::DataKey;
pub use tree_cipher::{PlaintextFound, TreeCipherError, TreeCipherErrorKind};
