//! Fuzzes reading the `sops` metadata block from YAML and JSON: `sops_rs::fuzzing::metadata`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sops_rs::fuzzing::metadata(data));
