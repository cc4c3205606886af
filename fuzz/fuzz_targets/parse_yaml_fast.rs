//! Differential fuzzing of the fast YAML reader: whatever it takes, the full parser reads to the
//! same tree (`sops_rs::fuzzing::yaml_fast_reader`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sops_rs::fuzzing::yaml_fast_reader(data));
