//! sops-rs: a SOPS-compatible encrypted-config library and tool.

pub mod audit;
pub mod bounded;
pub mod config;
pub mod crypto;
pub mod formats;
pub mod keys;
pub mod metadata;
pub mod publish;
pub mod selection;
pub mod tree;

#[doc(hidden)]
pub mod fuzzing;

/// The top-level key that holds the metadata in YAML and JSON files.
pub const SOPS_KEY: &str = "sops";

pub mod document;
pub mod edit_session;
pub mod error;
pub mod io;
pub mod rekey;
pub mod sops_file;

pub use document::{Document, KeyedFile, OpenMode, OpenOptions};
pub use edit_session::EditSession;
pub use error::{Error, Result};
pub use formats::Format;
pub use sops_file::{EncryptPlan, Resealed, SopsFile};
pub use tree::Tree;
