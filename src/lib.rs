//! sops-rs: a SOPS-compatible encrypted-config library and tool.

pub mod crypto;
pub mod formats;
pub mod selection;
pub mod tree;
