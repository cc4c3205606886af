//! Values the real sops 3.12.2 reads in its own way, through both tools: YAML `!!binary`
//! (decoded on encrypt and stored as a `str`), JSON `-0` (kept as the float -0) and `%YAML`
//! directives (go-yaml reads YAML 1.1 documents only). Each plaintext is encrypted by sops and
//! by sops-rs, and every decryption, by either tool of either file, must print what sops
//! prints for its own file.

use std::path::PathBuf;

use crate::support::pair::{Keys, Tool, assert_all_agree};

/// Every decryption of `files` to `output_type` (sops's file first); panics unless all four
/// print what sops prints for its own file, which it returns.
fn same_decryptions(keys: &Keys, files: &[PathBuf; 2], output_type: &str) -> String {
    let want = keys
        .decrypt(Tool::Sops, &files[0], output_type)
        .unwrap_or_else(|e| panic!("sops cannot decrypt its own file: {e}"));
    for tool in [Tool::Sops, Tool::SopsRs] {
        for file in files {
            let got = keys.decrypt(tool, file, output_type);
            assert_eq!(
                got.as_deref(),
                Ok(want.as_str()),
                "{tool:?} decrypting {} to {output_type}",
                file.display()
            );
        }
    }
    want
}

/// The `type:` of the encrypted value on the line that starts with `prefix`.
fn type_tag(file: &PathBuf, prefix: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {text}"));
    let tag = line.split("type:").nth(1).expect("an ENC value");
    tag.chars().take_while(char::is_ascii_alphabetic).collect()
}

#[test]
fn binary_values_are_decoded_as_sops_decodes_them() {
    let keys = Keys::new();
    let input = "a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\nc: !!binary /w==\n\
                 d:\n  - !!binary 4pyTIMOgIGxhIG1vZGU=\n";
    let files = keys.encrypt_both("binary.yaml", input);
    for file in &files {
        for key in ["a:", "b:", "c:"] {
            assert_eq!(type_tag(file, key), "str", "{key} in {}", file.display());
        }
    }
    // Bytes that are not UTF-8 come back as `!!binary` (in JSON sops prints U+FFFD for them
    // and sops-rs base64: docs/compatibility.md).
    let yaml = same_decryptions(&keys, &files, "yaml");
    assert_eq!(
        yaml,
        "a: hello\nb: hello\nc: !!binary /w==\nd:\n    - ✓ à la mode\n"
    );
    let text_only = keys.encrypt_both("text.yaml", "a: !!binary aGVsbG8=\n!!binary aw==: v\n");
    let json = same_decryptions(&keys, &text_only, "json");
    assert_eq!(json, "{\n\t\"a\": \"hello\",\n\t\"k\": \"v\"\n}\n");
    // Base64 go-yaml refuses (no padding, a space, a folded block) is refused by both; extra
    // bits in the last character are read by both.
    assert_all_agree(
        &[
            "a: !!binary aGVsbG8\n",
            "a: !!binary \"aGVs bG8=\"\n",
            "a: !!binary >\n  aGVs\n  bG8=\n",
            "a: !!binary aGVsbG9=\n",
        ]
        .map(String::from),
        "yaml",
    );
}

#[test]
fn json_negative_zero_is_kept_as_sops_keeps_it() {
    let keys = Keys::new();
    let files = keys.encrypt_both("zero.json", "{\"a\": -0, \"b\": -0.0, \"c\": [-0, 0.5]}\n");
    for file in &files {
        for key in ["\"a\":", "\"b\":"] {
            assert_eq!(type_tag(file, key), "float", "{key} in {}", file.display());
        }
    }
    let json = same_decryptions(&keys, &files, "json");
    assert_eq!(
        json,
        "{\n\t\"a\": -0,\n\t\"b\": -0,\n\t\"c\": [\n\t\t-0,\n\t\t0.5\n\t]\n}\n"
    );
    same_decryptions(&keys, &files, "yaml");
}

/// go-yaml reads `%YAML 1.1` and `%TAG`; another version or directive name is refused.
#[test]
fn yaml_directives_are_read_as_sops_reads_them() {
    let keys = Keys::new();
    let files = keys.encrypt_both("directive.yaml", "%YAML 1.1\n---\na: 1\n");
    same_decryptions(&keys, &files, "json");
    let refused = keys.path("refused.yaml");
    std::fs::write(&refused, "%YAML 1.2\n---\na: 1\n").unwrap();
    for tool in [Tool::Sops, Tool::SopsRs] {
        let (code, _) = keys.encrypt(tool, &refused, &keys.path("refused.enc.yaml"));
        assert_ne!(code, Some(0), "{tool:?} read a %YAML 1.2 document");
    }
    assert_all_agree(
        &[
            "%YAML 1.2\n---\na: 1\n",
            "%YAML 1.3\n---\na: 1\n",
            "%YAML 2.0\n---\na: 1\n",
            "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
            "%FOO bar\n---\na: 1\n",
            "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
            "%YAML 1.1 # comment\n---\na: 1\n",
            "a: 1\n...\n%YAML 1.2\n---\nb: 2\n",
            "a: 1\n...\n%FOO\n---\nb: 2\n",
        ]
        .map(String::from),
        "yaml",
    );
}
