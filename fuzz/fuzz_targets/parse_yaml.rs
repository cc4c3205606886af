//! Fuzzes the yaml parser (and emitting what it accepts): `sops_rs::fuzzing::parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sops_rs::Format;

fuzz_target!(|data: &[u8]| sops_rs::fuzzing::parse(Format::Yaml, data));
