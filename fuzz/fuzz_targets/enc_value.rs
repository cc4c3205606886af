//! Fuzzes the `ENC[...]` value codec and value decryption: `sops_rs::fuzzing::enc_value`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sops_rs::fuzzing::enc_value(data));
