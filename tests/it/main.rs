//! The single integration-test binary. Modules, one per area:
//! - `support`: locating the real sops binary, the shared vectors, hermetic commands.
//! - `backend_aws`: AWS KMS against moto: key/alias ARNs, encryption context, roles, profiles,
//!   interop with the real sops, and faults (server down or silent, bad credentials).
//! - `cli`: flags, exit codes, in-place writes, standard input, --extract, conversions.
//! - `generated`: completions and man page match the CLI; every command has help examples.
//! - `flat_stores`: dotenv and INI against sops-written files and the real sops binary.
//! - `edit`: the edit workflow with editor programs, signals and a real vim in tmux.
//! - `commands`: config rules, Shamir groups (with real sops), set/unset, rotate, updatekeys,
//!   groups, exec-env/exec-file, filestatus.
//! - `vectors`: every sops-written vector an age key opens decrypts to its plaintext; must-fail
//!   vectors fail with sops's exit codes.
//! - `interop_sops`: sops-rs and the real sops 3.12.2 binary read each other's files.
//! - `json_store`: the JSON store against sops-written files and the real sops binary.
//! - `yaml_store`: the YAML store against sops-written files and the real sops binary.
//! - `parity`: sops-written files re-encrypt byte for byte with the same key, IVs and time.
//! - `toml_store`: the TOML store (an extension) through the binary, and random-tree round trips.
//! - `properties`: random trees round-trip through formats and through encrypt/decrypt.

#[cfg(feature = "aws")]
mod backend_aws;
mod cli;
mod commands;
mod edit;
mod flat_stores;
mod generated;
mod interop_sops;
mod json_store;
mod parity;
mod properties;
mod support;
mod toml_store;
mod vectors;
mod yaml_store;
