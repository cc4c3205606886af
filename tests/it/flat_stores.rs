//! The dotenv and INI stores against real sops: sops-written files parse and emit back to the
//! same bytes, decrypt to their plaintext, re-encrypt byte for byte, and files travel both ways
//! between sops-rs and the real sops 3.12.2 binary.
//!
//! One caveat is built into the comparisons: sops up to 3.12.2 wrote the INI `[sops]` section
//! (and, before 3.8, the dotenv `sops_` lines) in Go map iteration order, which is random per
//! run. No tree can record that order, so sops-rs writes those lines sorted by name (as sops
//! 3.12.2 does for dotenv and 3.13 for INI); for such files the metadata lines are compared as
//! a set, and everything else byte for byte.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use sops_rs::formats::{dotenv, ini};
use sops_rs::keys::{AgeIdentitySources, KeyContext};
use sops_rs::tree::{Map, Scalar, Value};
use sops_rs::{Format, OpenMode};

use crate::support::vectors::{VectorEntry, manifest, open};
use crate::support::{TestEnv, ok, path_arg, upstream_vectors};

/// Every dotenv/INI file real sops wrote among the vectors, with its format: each fixture tier's
/// own files and sops's decryption of them, and the upstream ones when that tier is there.
fn sops_written() -> Vec<(PathBuf, Format)> {
    let mut files = Vec::new();
    for v in manifest()
        .into_iter()
        .filter(|v| matches!(v.format, Some(Format::Ini | Format::Dotenv)))
    {
        let format = v.format.unwrap();
        if v.expect == "ok" && v.plain.is_some() {
            let decrypted = v.beside(&format!("{}.sops-decrypted", v.file));
            if decrypted.is_file() {
                files.push((decrypted, format));
            }
        }
        files.push((v.path(), format));
    }
    // Written by sops, listed in no manifest: sops's functional-test inputs.
    if let Some(upstream) = upstream_vectors() {
        files.push((
            upstream.join("functional-tests/res/format.enc.env"),
            Format::Dotenv,
        ));
        files.push((
            upstream.join("functional-tests/res/format.enc.ini"),
            Format::Ini,
        ));
        files.push((
            upstream.join("functional-tests/res/format-2.enc.ini"),
            Format::Ini,
        ));
    }
    files
}

/// Splits a file into its data part and its metadata lines.
fn split_metadata(text: &str, format: Format) -> (String, Vec<String>) {
    match format {
        Format::Ini => match text.find("[sops]\n") {
            Some(at) => (
                text[..at].to_string(),
                text[at..].lines().map(String::from).collect(),
            ),
            None => (text.to_string(), Vec::new()),
        },
        _ => {
            let (meta, data): (Vec<&str>, Vec<&str>) = text
                .split_inclusive('\n')
                .partition(|l| l.starts_with("sops_"));
            (
                data.concat(),
                meta.iter().map(|l| l.trim_end().to_string()).collect(),
            )
        }
    }
}

/// Asserts `ours` is `original` byte for byte, except that metadata lines sops wrote in random
/// order may come out in sorted order.
fn assert_same_file(ours: &[u8], original: &[u8], format: Format, what: &str) {
    let ours = String::from_utf8_lossy(ours);
    let original = String::from_utf8_lossy(original);
    let (ours_data, ours_meta) = split_metadata(&ours, format);
    let (orig_data, orig_meta) = split_metadata(&original, format);
    assert_eq!(ours_data, orig_data, "{what}: data part differs");
    if sorted_metadata(&orig_meta) == orig_meta {
        // Written in sorted order: must come out identical.
        assert_eq!(ours, original, "{what}: differs");
    } else {
        let mut ours_set = ours_meta.clone();
        ours_set.sort();
        let mut orig_set = orig_meta;
        orig_set.sort();
        assert_eq!(ours_set, orig_set, "{what}: metadata lines differ");
        assert_eq!(sorted_metadata(&ours_meta), ours_meta, "{what}: not sorted");
    }
}

/// Metadata lines in name order (an INI `[sops]` header stays first).
fn sorted_metadata(lines: &[String]) -> Vec<String> {
    let mut sorted = lines.to_vec();
    let skip = usize::from(sorted.first().is_some_and(|l| l == "[sops]"));
    sorted[skip..].sort();
    sorted
}

fn parse(format: Format, bytes: &[u8]) -> sops_rs::tree::Tree {
    match format {
        Format::Dotenv => dotenv::parse(bytes).unwrap(),
        _ => ini::parse(bytes).unwrap(),
    }
}

fn emit(format: Format, tree: &sops_rs::tree::Tree) -> Vec<u8> {
    match format {
        Format::Dotenv => dotenv::emit(tree).unwrap(),
        _ => ini::emit(tree).unwrap(),
    }
}

#[test]
fn sops_written_files_round_trip_byte_for_byte() {
    for (path, format) in sops_written() {
        let what = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{what}: {e}"));
        let tree = parse(format, &bytes);
        let out = emit(format, &tree);
        if what.ends_with("format-2.enc.ini") {
            // sops 3.13.0/3.13.1 wrote multi-line metadata in """ quotes; 3.12.2 (and we)
            // write \n escapes. Same tree, and otherwise the same layout.
            assert_eq!(parse(format, &out), tree, "{what}");
            assert!(!out.windows(3).any(|w| w == b"\"\"\""), "{what}");
            continue;
        }
        // go-ini before sops 3.8 also wrote a blank line after the last section.
        let old_trailer = format == Format::Ini && bytes.ends_with(b"\n\n");
        let expected = if old_trailer {
            &bytes[..bytes.len() - 1]
        } else {
            &bytes[..]
        };
        assert_same_file(&out, expected, format, &what);
    }
}

fn context(key_file: &Path) -> KeyContext {
    let mut age = AgeIdentitySources::default();
    age.key_file = Some(key_file.to_path_buf());
    KeyContext {
        age,
        ..Default::default()
    }
}

fn section_json(map: &Map) -> Json {
    let mut object = serde_json::Map::new();
    for (key, value) in map.entries() {
        object.insert(
            key.to_string(),
            match value {
                Value::Map(m) => section_json(m),
                Value::Scalar(Scalar::Str(s)) => Json::String(s.clone()),
                other => panic!("unexpected value {other:?}"),
            },
        );
    }
    Json::Object(object)
}

/// The age-openable dotenv/INI vectors of every tier present, with the format and an identity.
fn age_vectors() -> Vec<(VectorEntry, Format, PathBuf)> {
    let vectors: Vec<_> = manifest()
        .into_iter()
        .filter(|v| v.expect == "ok" && !v.age_identity_files.is_empty())
        .filter_map(|v| {
            let format = v
                .format
                .filter(|f| matches!(f, Format::Ini | Format::Dotenv))?;
            let key = v.beside(&v.age_identity_files[0]);
            Some((v, format, key))
        })
        .collect();
    // A dotenv and an INI file per fixture tier; three upstream (sops history and sops-nix).
    let expected = 4 + upstream_vectors().map_or(0, |_| 3);
    assert!(
        vectors.len() >= expected,
        "only {} age dotenv/INI vectors",
        vectors.len()
    );
    vectors
}

#[test]
fn age_vectors_decrypt_to_their_plaintext() {
    for (v, format, key) in age_vectors() {
        let file = v.file.as_str();
        let bytes = std::fs::read(v.path()).unwrap();
        let document = open(&bytes, format, file, &context(&key), OpenMode::ReadOnly).unwrap();
        let got = section_json(&document.tree().documents[0]);
        assert_eq!(got, v.expected_plain(), "{file}");
        // And the decrypted tree is written as sops wrote its own decryption.
        let sops_decrypted = v.beside(&format!("{file}.sops-decrypted"));
        if sops_decrypted.exists() {
            assert_eq!(
                String::from_utf8(emit(format, document.tree())).unwrap(),
                std::fs::read_to_string(sops_decrypted).unwrap(),
                "{file}"
            );
        }
    }
}

#[test]
fn age_vectors_reencrypt_byte_for_byte() {
    for (v, format, key) in age_vectors() {
        let file = v.file.as_str();
        let original = std::fs::read(v.path()).unwrap();
        let again = crate::parity::reencrypt_bytes(&original, file, &context(&key), format);
        let old_trailer = format == Format::Ini && original.ends_with(b"\n\n");
        let expected = if old_trailer {
            &original[..original.len() - 1]
        } else {
            &original[..]
        };
        assert_same_file(&again, expected, format, file);
    }
}

// ---- against the real binary ----

const ENV_INPUT: &str = "# a comment\nUSER=admin\nPASSWORD=hunter2\n\nMULTI=line1\\nline2\\n\n\
SPACED = value \nEMPTY=\nEQUALS=a=b=c\nUNICODE=héllo 世界 😀\n#\n# ünïcode comment\n\
PUBLIC_unencrypted=visible\nexport X=\"quoted\"\n";

const INI_INPUT: &str = "; top comment\ntop = in default\n\n; section comment\n# second line\n\
[database]\nuser = admin\npassword=hunter2 ; inline comment\n  port_unencrypted = 5432\n\
; key comment\n#another\nurl = `postgres://x;y#z`\nmulti = \"\"\"line1\nline2\"\"\"\n\
empty =\nquoted = \" spaced \"\nunicode = héllo 世界\n\n[other]\nkey:value\n\
cont = a \\\n  b\n[ spaced section ]\nk = v\n[other]\ndup = again\n";

/// The real sops's standard output for `args` (with the empty config), which must succeed.
fn sops(env: &TestEnv, args: &[&str]) -> Vec<u8> {
    ok(env.run_sops(args), &format!("sops {args:?}")).into_bytes()
}

/// sops-rs's standard output for `args`, which must succeed.
fn ours(env: &TestEnv, args: &[&str]) -> Vec<u8> {
    env.ok(args).into_bytes()
}

fn both_ways(env: &TestEnv, name: &str, input: &str) {
    let plain = path_arg(&env.write(name, input));
    let r = env.recipient.clone();
    let theirs = sops(env, &["encrypt", "--age", &r, &plain]);
    let theirs_file = path_arg(&env.write(&format!("sops-{name}"), &theirs));
    let ours = self::ours(env, &["encrypt", "--age", &r, &plain]);
    let ours_file = path_arg(&env.write(&format!("ours-{name}"), &ours));

    let sops_plain = sops(env, &["decrypt", &theirs_file]);
    assert_eq!(
        String::from_utf8_lossy(&sops(env, &["decrypt", &ours_file])),
        String::from_utf8_lossy(&sops_plain),
        "{name}: sops reads our encryption differently"
    );
    assert_eq!(
        String::from_utf8_lossy(&self::ours(env, &["decrypt", &theirs_file])),
        String::from_utf8_lossy(&sops_plain),
        "{name}: we read sops's encryption differently"
    );
    assert_eq!(
        String::from_utf8_lossy(&self::ours(env, &["decrypt", &ours_file])),
        String::from_utf8_lossy(&sops_plain),
        "{name}: we read our own encryption differently"
    );
    // The encrypted files agree line for line outside ciphertexts and metadata.
    let format = if name.ends_with(".env") {
        Format::Dotenv
    } else {
        Format::Ini
    };
    let shape = |bytes: &[u8]| {
        let (data, _) = split_metadata(&String::from_utf8_lossy(bytes), format);
        data.lines()
            .map(|l| match l.find("ENC[") {
                Some(at) => l[..at].to_string(),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&ours), shape(&theirs), "{name}: encrypted layout");
}

#[test]
fn dotenv_travels_both_ways_with_real_sops() {
    let env = TestEnv::new();
    both_ways(&env, "app.env", ENV_INPUT);
    both_ways(&env, "single.env", "K=v");
}

#[test]
fn ini_travels_both_ways_with_real_sops() {
    let env = TestEnv::new();
    both_ways(&env, "app.ini", INI_INPUT);
    both_ways(&env, "defaults-only.ini", "a = 1\nb = 2\n");
}
