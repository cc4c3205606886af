//! The single integration-test binary. Modules, one per area:
//! - `support`: locating the real sops binary, the shared vectors, hermetic commands.
//! - `json_store`: the JSON store against sops-written files and the real sops binary.

mod json_store;
mod support;
