//! The floor under a small decrypt: the least any tool built on the `age` crate must do to open
//! a sops file, and nothing more. It reads the identities in `SOPS_AGE_KEY_FILE`, finds the
//! armoured age block in FILE, unwraps the 32-byte data key and prints its length (never the
//! key). No argument parser, no tree, no AES-GCM, no MAC, no output format.
//!
//! `scripts/compare.sh` times it beside sops, rops and sops-rs on the 4-line file, so the
//! start-up figures in docs/performance.md have a floor to be read against:
//! `cargo build --release --example age_unwrap_floor`.

use std::io::Read;

const BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const END: &str = "-----END AGE ENCRYPTED FILE-----";

fn main() {
    let key_file = std::env::var("SOPS_AGE_KEY_FILE").expect("set SOPS_AGE_KEY_FILE");
    let identities = age::IdentityFile::from_file(key_file)
        .and_then(|file| file.into_identities().map_err(std::io::Error::other))
        .expect("an age identity file");
    let path = std::env::args()
        .nth(1)
        .expect("usage: age_unwrap_floor FILE");
    let text = std::fs::read_to_string(path).expect("a readable file");
    let start = text.find(BEGIN).expect("an age-encrypted data key");
    let end = text[start..].find(END).expect("the end of the armour") + start + END.len();
    // sops indents the armour as a YAML block scalar; age wants it flush left.
    let armour: String = text[start..end]
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n");
    let decryptor = age::Decryptor::new(age::armor::ArmoredReader::new(armour.as_bytes()))
        .expect("an age header");
    let mut data_key = Vec::new();
    decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .expect("an identity that opens the file")
        .read_to_end(&mut data_key)
        .expect("the data key");
    println!("{}", data_key.len());
}
