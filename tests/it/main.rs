//! The single integration-test binary. Modules, one per area:
//! - `support`: locating the real sops binary, the shared vectors, hermetic commands.
//! - `vectors`: every sops-written vector an age key opens decrypts to its plaintext; must-fail
//!   vectors fail with sops's exit codes.

mod interop_sops;
mod support;
mod vectors;
