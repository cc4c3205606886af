//! A quick, deterministic stand-in for the cargo-fuzz targets that CI can afford: every target
//! body in `sops_rs::fuzzing` gets a few thousand inputs made by mutating seed documents (the
//! repository's fixtures, inline documents and files encrypted here to the fuzzing recipient)
//! with a seeded RNG. A panic in any target fails the test and prints the input.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sops_rs::formats::EmitOptions;
use sops_rs::fuzzing;
use sops_rs::keys::age::AgeKey;
use sops_rs::keys::{KeyContext, MasterKey};
use sops_rs::tree::Timestamp;
use sops_rs::{EncryptPlan, Format, OpenMode, SopsFile};

use crate::support::repo_root;

/// Mutated inputs per target.
const ROUNDS: usize = 2_000;

/// Tokens that steer mutations into the syntax of the formats.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "\"",
    "'",
    "\n",
    "- ",
    "  ",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "#",
    "=",
    "[sops]\n",
    "sops_",
    "ENC[AES256_GCM,data:",
    ",iv:",
    ",tag:",
    ",type:str]",
    "__map_",
    "__list_0",
    "\\u0000",
    "\u{feff}",
    "\r\n",
    "---\n",
    "...\n",
    "0x",
    "1e400",
    "\"\"\"",
    "a.b.c",
    "[[a]]\n",
    "=\n",
    "\t",
    "\u{0}",
    "~",
    "null",
    "true",
];

fn mutate(rng: &mut StdRng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..rng.gen_range(1..=8) {
        let at = if data.is_empty() {
            0
        } else {
            rng.gen_range(0..data.len())
        };
        match rng.gen_range(0..7) {
            0 if !data.is_empty() => data[at] ^= 1 << rng.gen_range(0..8),
            1 if !data.is_empty() => data[at] = rng.r#gen(),
            2 => {
                let token = TOKENS[rng.gen_range(0..TOKENS.len())];
                data.splice(at..at, token.bytes());
            }
            3 if !data.is_empty() => {
                let end = (at + rng.gen_range(1..64)).min(data.len());
                data.drain(at..end);
            }
            4 if !data.is_empty() => {
                let end = (at + rng.gen_range(1..64)).min(data.len());
                let chunk = data[at..end].to_vec();
                let to = rng.gen_range(0..=data.len());
                data.splice(to..to, chunk);
            }
            5 => data.truncate(at),
            _ => {
                let len = rng.gen_range(0..16);
                let bytes: Vec<u8> = (0..len).map(|_| rng.r#gen()).collect();
                data.splice(at..at, bytes);
            }
        }
    }
    data
}

/// Runs `target` on every seed, on random bytes and on `ROUNDS` mutations of the seeds.
fn smoke(name: &str, seeds: &[Vec<u8>], target: impl Fn(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut rng = StdRng::seed_from_u64(0x5095_f022);
    let mut inputs: Vec<Vec<u8>> = seeds.to_vec();
    for _ in 0..ROUNDS / 10 {
        let len = rng.gen_range(0..64);
        inputs.push((0..len).map(|_| rng.r#gen()).collect());
    }
    for _ in 0..ROUNDS {
        let seed = &seeds[rng.gen_range(0..seeds.len())];
        inputs.push(mutate(&mut rng, seed));
    }
    for input in inputs {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        assert!(
            result.is_ok(),
            "{name} panicked on input {:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("fixtures/plain").join(name)).unwrap()
}

const YAML: &str = "# head\na: 1 # inline\nb:\n    - x\n    - {c: [1, 2.5, true, null]}\nanchor: &x {k: v}\nalias: *x\nt: 2001-12-14t21:59:43.10-05:00\ns: |\n    multi\n    line\n---\nsecond: doc\n";
const JSON: &str = r#"{"a": 1, "b": [true, null, 1.5e3, "s\u00e9"], "c": {"d": {}}, "e": []}"#;
const TOML: &str = "# c\ntitle = \"x\" # inline\na = [1, [2, \"three\"], { x = true }]\nt = 1979-05-27T07:32:00Z\n[server]\nhost.name = 'h'\n[[servers]]\nip = \"10.0.0.1\"\n";
const INI: &str = "; top\n[section]\nkey = value\nother=1\n# comment\n[second]\na = b\n";
const DOTENV: &str = "# comment\nA=1\nB=two words\nC=line\\nbreak\n";
const CONFIG: &str = "creation_rules:\n  - path_regex: \\.prod\\.yaml$\n    encrypted_regex: ^(data)$\n    key_groups:\n      - age:\n          - age1lk00ad6ajy4dstqd0xatnt0c4zqt50pwdem7vmxtj6gpluxg84qq2s546y\n    shamir_threshold: 1\n  - age: age1lk00ad6ajy4dstqd0xatnt0c4zqt50pwdem7vmxtj6gpluxg84qq2s546y\nstores:\n  yaml:\n    indent: 2\n";

fn plain(format: Format) -> Vec<u8> {
    match format {
        Format::Yaml => YAML.into(),
        Format::Json => JSON.into(),
        Format::Toml => TOML.into(),
        Format::Ini => INI.into(),
        Format::Dotenv => DOTENV.into(),
        Format::Binary => b"any bytes \x00\xff".to_vec(),
    }
}

/// `plain(format)` encrypted by the library to the fuzzing recipient.
fn encrypted(format: Format) -> Vec<u8> {
    let tree = format.parse(&plain(format)).unwrap();
    let key: Box<dyn MasterKey> = Box::new(AgeKey::new(fuzzing::FUZZ_AGE_RECIPIENT).unwrap());
    let plan = EncryptPlan {
        key_groups: vec![vec![key]],
        shamir_threshold: 0,
        rule: None,
        mac_only_encrypted: false,
    };
    let now = Timestamp::parse_rfc3339("2024-01-01T00:00:00Z").unwrap();
    let file = SopsFile::encrypt(tree, plan, &KeyContext::default(), now, "seed").unwrap();
    file.emit(format, &EmitOptions::default()).unwrap()
}

const FORMATS: [Format; 6] = [
    Format::Yaml,
    Format::Json,
    Format::Toml,
    Format::Ini,
    Format::Dotenv,
    Format::Binary,
];

#[test]
fn parsers() {
    for format in [
        Format::Yaml,
        Format::Json,
        Format::Toml,
        Format::Ini,
        Format::Dotenv,
    ] {
        let mut seeds = vec![plain(format), encrypted(format)];
        if matches!(format, Format::Yaml | Format::Json) {
            seeds.push(fixture(&format!("everything.{}", format.name())));
        }
        smoke(&format!("parse_{format}"), &seeds, |data| {
            fuzzing::parse(format, data)
        });
    }
}

#[test]
fn yaml_fast_reader() {
    let seeds = vec![
        plain(Format::Yaml),
        encrypted(Format::Yaml),
        fixture("everything.yaml"),
        b"a:\n- x\n- y: 1\n  z: |\n    lit\n\n    eral\nb: 'q''s'\nc: \"d\"\nd: []\n".to_vec(),
    ];
    smoke("parse_yaml_fast", &seeds, fuzzing::yaml_fast_reader);
}

#[test]
fn enc_value() {
    let mut seeds = Vec::new();
    for format in [Format::Json, Format::Yaml] {
        let text = String::from_utf8(encrypted(format)).unwrap();
        for (at, _) in text.match_indices("ENC[") {
            let end = at + text[at..].find(']').unwrap() + 1;
            seeds.push(format!("{}\na:", &text[at..end]).into_bytes());
        }
    }
    smoke("enc_value", &seeds, fuzzing::enc_value);
}

#[test]
fn metadata() {
    let seeds = vec![encrypted(Format::Yaml), encrypted(Format::Json)];
    smoke("metadata", &seeds, fuzzing::metadata);
}

#[test]
fn config() {
    smoke("config", &[CONFIG.as_bytes().to_vec()], fuzzing::config);
}

#[test]
fn decrypt() {
    let seeds: Vec<Vec<u8>> = FORMATS
        .iter()
        .enumerate()
        .map(|(index, &format)| {
            let mut seed = vec![index as u8];
            seed.extend(encrypted(format));
            seed
        })
        .collect();
    // Unmutated seeds decrypt: the target reaches the values.
    for seed in &seeds {
        let (format, rest) = fuzzing::split_format(seed).unwrap();
        crate::support::vectors::open(rest, format, "seed", &context(), OpenMode::ReadOnly)
            .unwrap();
    }
    smoke("decrypt", &seeds, |data| {
        if let Some((format, rest)) = fuzzing::split_format(data) {
            fuzzing::decrypt(format, rest);
        }
    });
}

fn context() -> KeyContext {
    let mut age = sops_rs::keys::AgeIdentitySources::default();
    age.inline_keys = Some(fuzzing::FUZZ_AGE_IDENTITY.to_string().into());
    KeyContext {
        age,
        ..KeyContext::default()
    }
}
