//! The single integration-test binary. Modules, one per area:
//! - `support`: locating the real sops binary, the shared vectors, hermetic commands.

mod support;
