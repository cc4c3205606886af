//! sops-rs: a SOPS-compatible encrypted-config library and tool.

pub mod formats;
pub mod tree;
