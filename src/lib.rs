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

pub mod error;
pub mod io;
pub mod sops_file;

pub use error::{Error, Result};
pub use formats::{Format, SOPS_KEY};
pub use sops_file::{EncryptPlan, Resealed, SopsFile};
pub use tree::Tree;
