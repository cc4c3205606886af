//! Fuzzes the `.sops.yaml` config parser: `sops_rs::fuzzing::config`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sops_rs::fuzzing::config(data));
