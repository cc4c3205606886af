//! Fuzzes decrypting arbitrary bytes with a fixed age identity: `sops_rs::fuzzing::decrypt`.
//! The first byte picks the format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((format, rest)) = sops_rs::fuzzing::split_format(data) {
        sops_rs::fuzzing::decrypt(format, rest);
    }
});
