//! The single integration-test binary. Modules, one per area:
//! - `support`: locating the real sops binary, the shared vectors, hermetic commands; the
//!   stand-in key servers the backend tests start.
//! - `backend_aws`: AWS KMS against moto: key/alias ARNs, encryption context, roles, profiles,
//!   interop with the real sops, and faults (server down or silent, bad credentials).
//! - `bad_input`: malformed, deep, huge, truncated, unreadable inputs: one error line, sops's
//!   exit code, no panic, the file untouched.
//! - `audit`: the audit trail: canary leak test, CI context, verify, OTLP, required mode.
//! - `cli`: flags, exit codes, in-place writes, standard input, --extract, conversions.
//! - `generated`: completions and man page match the CLI; every command has help examples.
//! - `flat_stores`: dotenv and INI against sops-written files and the real sops binary.
//! - `edit`: the edit workflow with editor programs, signals and a real vim in tmux.
//! - `crash`: kill -9 during writes, concurrent writers (advisory lock), no core dumps.
//! - `commands`: config rules, Shamir groups (with real sops), set/unset, rotate, updatekeys,
//!   groups, exec-env/exec-file, filestatus.
//! - `vectors`: every sops-written vector an age key opens decrypts to its plaintext; must-fail
//!   vectors fail with sops's exit codes.
//! - `dropin`: sops-rs installed as `sops`: the version line, Ansible's community.sops and
//!   sopsy through it.
//! - `legacy`: sops's legacy top-level forms and flags placed around subcommands, against the
//!   real sops 3.12.2 (same exit codes, output and files); sops subcommands sops-rs lacks.
//! - `interop_sops`: sops-rs and the real sops 3.12.2 binary read each other's files.
//! - `json_store`: the JSON store against sops-written files and the real sops binary.
//! - `yaml_store`: the YAML store against sops-written files and the real sops binary.
//! - `parity`: sops-written files re-encrypt byte for byte with the same key, IVs and time.
//! - `toml_store`: the TOML store (an extension) through the binary, and random-tree round trips.
//! - `properties`: random trees round-trip through formats and through encrypt/decrypt.
//! - `tools`: git textconv and merge driver (real git), pre-commit check, --reuse-from.
//! - `backend_pgp`: PGP vectors through gpg and rPGP, must-fail PGP vectors, the real sops both
//!   ways with a throwaway GNUPGHOME, a missing secret key.
//! - `backend_gcp`: GCP Cloud KMS through the stand-in in `tests/servers/` (REST shape, bearer
//!   token): round trips, resource-id syntax, request ids, server down, slow, 429/500 retried,
//!   wrong or missing credentials. No real-sops interop (3.12.2 has no endpoint override).
//! - `backend_azure`: Azure Key Vault through the TLS stand-in in `tests/servers/` (test CA, 401
//!   challenge, Entra token endpoint, RSA-OAEP-256): round trips, metadata, request ids, server
//!   down, slow, 429/500 retried, wrong or missing credentials, an untrusted certificate.
//! - `backend_vault`: Vault Transit through the stand-in in `tests/servers/`: round trips, the
//!   real sops both ways, request ids, server down, slow, 429/500 retried, wrong token.
//! - `tamper`: flipped bits, a changed MAC or lastmodified, swapped or moved values are refused.
//! - `fuzz_smoke`: each fuzz target body on a few thousand seeded mutations (CI's fuzzing).

mod audit;
#[cfg(feature = "aws")]
mod backend_aws;
#[cfg(feature = "azure")]
mod backend_azure;
#[cfg(feature = "gcp")]
mod backend_gcp;
#[cfg(feature = "pgp")]
mod backend_pgp;
#[cfg(feature = "vault")]
mod backend_vault;
mod bad_input;
mod cli;
mod commands;
mod crash;
mod dropin;
mod edit;
mod flat_stores;
mod fuzz_smoke;
mod generated;
mod interop_sops;
mod json_store;
mod legacy;
mod parity;
mod properties;
mod support;
mod tamper;
mod toml_store;
mod tools;
mod vectors;
mod yaml_store;
