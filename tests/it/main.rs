//! The single integration-test binary. Modules, one per area:
//! - `support`: locating the real sops binary, the shared vectors, hermetic commands.
//! - `yaml_store`: the YAML store against sops 3.12.2 (round trips, differential runs).

mod support;
mod yaml_store;
