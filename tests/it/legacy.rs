//! sops's command-line forms run by the real sops 3.12.2 and by sops-rs on copies of the same
//! files: the legacy top-level forms (`-e`, `-d`, `-r` with `--add-*`/`--rm-*`, `--set`, bare
//! FILE), top-level flags before a subcommand (sops reads only `--config` and
//! `--mac-only-encrypted` there), and top-level flags after a subcommand that sops refuses.
//! Both must give the same exit code, the same standard output (plaintext compared as
//! plaintext) and the same files afterwards (encrypted files compared by their plaintext and
//! key metadata). sops subcommands sops-rs lacks are refused, never edited as files, and `h`
//! is help, as in sops.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::{TestEnv, ok};

/// A [`TestEnv`] with a directory of seed files its age key opens, and a second recipient.
struct Seed {
    env: TestEnv,
    other: String,
}

const PLAIN: &str = "a: b\nc:\n    d: e\n";

impl Seed {
    fn new() -> Seed {
        let seed = Seed {
            env: TestEnv::new(),
            other: age::x25519::Identity::generate().to_public().to_string(),
        };
        let files = seed.files();
        std::fs::create_dir(&files).unwrap();
        std::fs::write(files.join("p.yaml"), PLAIN).unwrap();
        std::fs::write(files.join("flat.yaml"), "a: b\nx: y\n").unwrap();
        std::fs::write(
            files.join("cfg.yml"),
            format!(
                "creation_rules:\n  - age: {}\n    encrypted_regex: ^d$\nstores:\n  yaml:\n    indent: 2\n",
                seed.env.recipient
            ),
        )
        .unwrap();
        for (plain, encrypted) in [("p.yaml", "e.yaml"), ("flat.yaml", "flat.enc.yaml")] {
            let out = seed
                .sops(&files)
                .args(["encrypt", "--age", &seed.env.recipient, plain])
                .output()
                .unwrap();
            std::fs::write(files.join(encrypted), ok(out, "sops encrypt")).unwrap();
        }
        // A MAC mismatch: one more (unencrypted) value that the MAC does not cover.
        let flat = std::fs::read_to_string(files.join("flat.enc.yaml")).unwrap();
        let tampered = flat.replacen("x: ENC", "x_unencrypted: 1\nx: ENC", 1);
        assert_ne!(flat, tampered);
        std::fs::write(files.join("bad-mac.yaml"), tampered).unwrap();
        seed
    }

    fn files(&self) -> PathBuf {
        self.env.dir().join("seed")
    }

    /// `command` run in `cwd`, where edit mode fails the same way in both, without a terminal.
    fn in_dir(mut command: Command, cwd: &Path) -> Command {
        command.env("EDITOR", "false").current_dir(cwd);
        command
    }

    fn sops(&self, cwd: &Path) -> Command {
        Seed::in_dir(self.env.sops(), cwd)
    }

    fn sops_rs(&self, cwd: &Path) -> Command {
        Seed::in_dir(self.env.sops_rs(), cwd)
    }

    /// What a file or an output looks like to a reader with the key: plaintext for sops files
    /// (decrypted by the real sops) plus the recipients and rules in their metadata.
    fn view(&self, cwd: &Path, name: &str, bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes).to_string();
        if !text.contains("sops:") && !text.contains("\"sops\":") {
            return text;
        }
        let path = cwd.join(format!("view-{name}"));
        std::fs::write(&path, bytes).unwrap();
        let out = self
            .sops(cwd)
            .args(["decrypt", "--ignore-mac"])
            .arg(&path)
            .output()
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        let mut metadata: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| {
                [
                    "- recipient:",
                    "shamir_threshold:",
                    "encrypted_regex:",
                    "unencrypted_regex:",
                    "unencrypted_suffix:",
                    "encrypted_comment_regex:",
                    "unencrypted_comment_regex:",
                    "mac_only_encrypted:",
                ]
                .iter()
                .any(|field| l.starts_with(field))
            })
            .collect();
        metadata.sort();
        format!(
            "decrypts ({:?}) to:\n{}{}\nmetadata: {metadata:?}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or_default()
        )
    }
}

/// Exit codes of the steps, standard output of the last one, and every file afterwards.
#[derive(Debug, PartialEq)]
struct Outcome {
    codes: Vec<Option<i32>>,
    stdout: String,
    files: Vec<(String, String)>,
}

/// Runs `steps` with one tool in a fresh copy of the seed files.
fn outcome(seed: &Seed, tool: &str, steps: &[Vec<String>], with_stdout: bool) -> (Outcome, String) {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let cwd = seed
        .env
        .dir()
        .join(format!("{tool}-{}", RUNS.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir(&cwd).unwrap();
    for entry in std::fs::read_dir(seed.files()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), cwd.join(entry.file_name())).unwrap();
    }
    let mut codes = Vec::new();
    let mut last: Option<Output> = None;
    for step in steps {
        let mut command = if tool == "sops" {
            seed.sops(&cwd)
        } else {
            seed.sops_rs(&cwd)
        };
        let out = command.args(step).output().unwrap();
        codes.push(out.status.code());
        last = Some(out);
    }
    let last = last.expect("at least one step");
    let stdout = if with_stdout && last.status.success() {
        seed.view(&cwd, "stdout", &last.stdout)
    } else {
        String::new()
    };
    let mut files = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(&cwd)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for name in names {
        let bytes = std::fs::read(cwd.join(&name)).unwrap();
        files.push((name.clone(), seed.view(&cwd, &name, &bytes)));
    }
    let stderr = String::from_utf8_lossy(&last.stderr).to_string();
    (
        Outcome {
            codes,
            stdout,
            files,
        },
        stderr,
    )
}

/// A command line as a list of words.
fn line(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Runs every case with both tools; a case is one or more steps, and whether its standard
/// output is compared (help and usage texts differ on purpose). Returns the sops-rs outcomes.
fn same_as_sops(seed: &Seed, cases: &[(Vec<Vec<String>>, bool)]) -> Vec<Outcome> {
    let mut differences = Vec::new();
    let mut ours = Vec::new();
    for (steps, with_stdout) in cases {
        let (theirs, their_err) = outcome(seed, "sops", steps, *with_stdout);
        let (mine, my_err) = outcome(seed, "sops-rs", steps, *with_stdout);
        if theirs != mine {
            differences.push(format!(
                "{steps:?}\n  sops:    {theirs:?}\n           {their_err}\n  sops-rs: {mine:?}\n           {my_err}"
            ));
        }
        ours.push(mine);
    }
    assert!(
        differences.is_empty(),
        "{} of {} command lines differ from sops:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    ours
}

fn one(words: &[&str]) -> (Vec<Vec<String>>, bool) {
    (vec![line(words)], true)
}

#[test]
fn legacy_forms_do_what_sops_does() {
    let seed = Seed::new();
    let (r, other) = (seed.env.recipient.as_str(), seed.other.as_str());
    let missing_changes = [
        "--add-age",
        "--rm-age",
        "--add-pgp",
        "--rm-pgp",
        "--add-kms",
        "--rm-kms",
        "--add-gcp-kms",
        "--rm-gcp-kms",
        "--add-azure-kv",
        "--rm-azure-kv",
        "--add-hc-vault-transit",
        "--rm-hc-vault-transit",
        "--add-hckms",
        "--rm-hckms",
    ];
    let mut cases = vec![
        // sops's functional test: -e -i, then --set -i, then -d -i.
        (
            vec![
                line(&["-e", "-i", "--age", r, "p.yaml"]),
                line(&["--set", r#"["a"] "aaa""#, "-i", "p.yaml"]),
                line(&["-d", "-i", "p.yaml"]),
            ],
            true,
        ),
        one(&["-d", "e.yaml"]),
        one(&["--decrypt", "--extract", r#"["c"]["d"]"#, "e.yaml"]),
        one(&["-d", "--extract", r#"["c""#, "e.yaml"]),
        one(&["-d", "--output", "out.yaml", "e.yaml"]),
        one(&["-d", "--output-type", "json", "e.yaml"]),
        one(&["--indent", "2", "-d", "e.yaml"]),
        one(&[
            "-d",
            "--filename-override",
            "x.yml",
            "--output-type",
            "json",
            "e.yaml",
        ]),
        one(&["-d", "bad-mac.yaml"]),
        one(&["-d", "--ignore-mac", "bad-mac.yaml"]),
        one(&["-r", "--ignore-mac", "bad-mac.yaml"]),
        one(&["-d", "--decryption-order", "age,age", "e.yaml"]),
        one(&["--verbose", "-d", "e.yaml"]),
        one(&[
            "-e",
            "--input-type",
            "yaml",
            "--output-type",
            "json",
            "--age",
            r,
            "p.yaml",
        ]),
        one(&["-e", "--age", r, "p.yaml"]),
        one(&[
            "--encrypt",
            "-i",
            "--age",
            r,
            "--encrypted-regex",
            "^d$",
            "p.yaml",
        ]),
        one(&["-e", "-i", "--age", r, "--mac-only-encrypted", "p.yaml"]),
        one(&[
            "-e",
            "-i",
            "--age",
            r,
            "--encryption-context",
            "a:b",
            "p.yaml",
        ]),
        one(&[
            "-e",
            "-i",
            "--age",
            r,
            "--encryption-context",
            "nocolon",
            "p.yaml",
        ]),
        one(&[
            "-e",
            "-i",
            "--age",
            r,
            "--shamir-secret-sharing-threshold",
            "1",
            "p.yaml",
        ]),
        one(&["-e", "--config", "cfg.yml", "p.yaml"]),
        one(&["-e", "-d", "--age", r, "e.yaml"]),
        one(&["-r", "e.yaml"]),
        one(&["-r", "--output", "out.yaml", "e.yaml"]),
        one(&["-r", "-i", "--add-age", other, "e.yaml"]),
        (
            vec![
                line(&["--rotate", "-i", "--add-age", other, "e.yaml"]),
                line(&["-r", "-i", "--rm-age", other, "e.yaml"]),
            ],
            true,
        ),
        one(&["--set", r#"["a"] "x""#, "e.yaml"]),
        one(&["--set", r#"["a"] 5"#, "e.yaml"]),
        one(&[
            "--set",
            r#"["n"][0] {"k": [1, 2]}"#,
            "--output",
            "o.yaml",
            "e.yaml",
        ]),
        one(&["--set", r#"["a"]"x""#, "e.yaml"]),
        one(&["--set", r#"["a"] x"#, "e.yaml"]),
        one(&["--set", r#"a "x""#, "e.yaml"]),
        one(&["--set", r#"["a"] "x""#, "missing.yaml"]),
        one(&["--set", r#"["a"] "q""#, "-d", "e.yaml"]),
        one(&["-d", "--set", r#"["a"] "r""#, "e.yaml"]),
        one(&["-i", "--output", "x.yaml", "-d", "e.yaml"]),
        one(&["-i", "--output", "x.yaml", "missing.yaml"]),
        one(&["-r", "missing.yaml"]),
        one(&["-d", "missing.yaml"]),
        one(&["-e", "missing.yaml"]),
        one(&["-d"]),
        one(&[]),
        // Without -r, --add-*/--rm-* open the editor (EDITOR=false: exit 201, file unchanged).
        one(&["--add-age", other, "-i", "e.yaml"]),
        one(&["-s", "e.yaml"]),
        one(&["e.yaml"]),
    ];
    for flag in missing_changes {
        cases.push(one(&[flag, "x", "missing.yaml"]));
        cases.push(one(&["-r", flag, "x", "missing.yaml"]));
    }
    let ours = same_as_sops(&seed, &cases);
    let functional = &ours[0].files;
    let (_, p) = functional
        .iter()
        .find(|(name, _)| name == "p.yaml")
        .unwrap();
    assert!(p.starts_with("a: aaa\n"), "{p}");
    assert_eq!(ours[0].codes, [Some(0); 3]);
}

#[test]
fn flags_around_subcommands_do_what_sops_does() {
    let seed = Seed::new();
    let r = seed.env.recipient.as_str();
    let set = |before: &[&str], after: &[&str]| {
        let mut words = before.to_vec();
        words.push("set");
        words.extend_from_slice(after);
        words.extend_from_slice(&["e.yaml", r#"["a"]"#, r#""z""#]);
        one(&words)
    };
    let cases = vec![
        // Before the subcommand, sops reads --config (and --mac-only-encrypted for new files).
        one(&["--config", "cfg.yml", "decrypt", "e.yaml"]),
        one(&["--config", "cfg.yml", "encrypt", "p.yaml"]),
        one(&["--config", "missing.yml", "decrypt", "e.yaml"]),
        one(&["--mac-only-encrypted", "encrypt", "--age", r, "p.yaml"]),
        // ... and ignores the rest (but `--indent`, which sops-rs honours: see below).
        one(&["--ignore-mac", "decrypt", "bad-mac.yaml"]),
        one(&["--ignore-mac", "exec-env", "bad-mac.yaml", "echo $a"]),
        one(&["-i", "decrypt", "e.yaml"]),
        one(&["--output", "o.yaml", "decrypt", "e.yaml"]),
        one(&["--extract", r#"["a"]"#, "decrypt", "e.yaml"]),
        one(&["--output-type", "json", "decrypt", "e.yaml"]),
        one(&["--decryption-order", "age,age", "decrypt", "e.yaml"]),
        one(&["--age", r, "encrypt", "p.yaml"]),
        one(&["-i", "encrypt", "--age", r, "p.yaml"]),
        one(&[
            "--unencrypted-regex",
            "^a$",
            "encrypt",
            "--age",
            r,
            "p.yaml",
        ]),
        one(&[
            "--encrypted-comment-regex",
            "x",
            "encrypt",
            "--age",
            r,
            "p.yaml",
        ]),
        one(&["--keyservice", "tcp://127.0.0.1:9", "decrypt", "e.yaml"]),
        one(&["--verbose", "decrypt", "e.yaml"]),
        one(&["--enable-local-keyservice", "decrypt", "e.yaml"]),
        one(&["--enable-local-keyservice=true", "decrypt", "e.yaml"]),
        one(&["--disable-version-check", "decrypt", "e.yaml"]),
        one(&["--check-for-updates", "decrypt", "e.yaml"]),
        one(&["--ignore-mac", "rotate", "bad-mac.yaml"]),
        set(&["--filename-override", "x.json"], &[]),
        set(&["--shamir-secret-sharing-threshold", "2"], &[]),
        set(&["-a", r, "-i"], &[]),
        // After the subcommand: its own flags work...
        one(&["decrypt", "--ignore-mac", "bad-mac.yaml"]),
        one(&["decrypt", "--decryption-order", "age,age", "e.yaml"]),
        one(&["decrypt", "-i", "e.yaml"]),
        one(&[
            "decrypt",
            "--extract",
            r#"["c"]"#,
            "--output-type",
            "json",
            "e.yaml",
        ]),
        one(&[
            "encrypt",
            "--age",
            r,
            "--unencrypted-regex",
            "^a$",
            "p.yaml",
        ]),
        one(&["groups", "add", "-f", "e.yaml", "--age", &seed.other, "-i"]),
        // ... and top-level flags sops does not define there are refused (exit 1).
        one(&["decrypt", "--age", r, "e.yaml"]),
        one(&["decrypt", "--verbose", "e.yaml"]),
        one(&["decrypt", "--encrypted-regex", "x", "e.yaml"]),
        one(&["rotate", "--age", r, "e.yaml"]),
        one(&["edit", "-i", "e.yaml"]),
        one(&["exec-env", "--output", "o", "e.yaml", "true"]),
        set(&[], &["-i"]),
        set(&[], &["--age", r]),
        one(&["filestatus", "--output-type", "json", "e.yaml"]),
        one(&[
            "updatekeys",
            "--shamir-secret-sharing-threshold",
            "2",
            "e.yaml",
        ]),
        one(&["decrypt", "--no-such-flag", "e.yaml"]),
        // A missing argument: "no file specified" (100) or a usage error (1).
        (vec![line(&["rotate"])], false),
        (vec![line(&["edit"])], false),
        (vec![line(&["unset", "e.yaml"])], false),
        (vec![line(&["exec-env", "e.yaml"])], false),
    ];
    same_as_sops(&seed, &cases);
}

/// Different on purpose (docs/compatibility.md): `--indent` before the subcommand takes effect,
/// where sops ignores it.
#[test]
fn indent_before_the_subcommand_is_honoured() {
    let seed = Seed::new();
    let files = seed.files();
    let out = seed
        .sops_rs(&files)
        .args(["--indent", "2", "decrypt", "e.yaml"])
        .output()
        .unwrap();
    assert_eq!(ok(out, "sops-rs --indent 2 decrypt"), "a: b\nc:\n  d: e\n");
}

#[test]
fn sops_subcommand_names_are_never_files_to_edit() {
    let seed = Seed::new();
    let files = seed.files();
    let marker = seed.env.dir().join("editor-ran");
    let editor = seed.env.dir().join("editor.sh");
    std::fs::write(&editor, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    // `keyservice` is a subcommand (it would serve); lines that end at once show it is never
    // taken for a file.
    for (rest, code, says) in [
        (
            &["--network", "bogus"][..],
            1,
            "unsupported --network \"bogus\"",
        ),
        (
            &["--network", "unix", "--address", "/nonexistent-dir/x.sock"],
            1,
            "cannot listen on /nonexistent-dir/x.sock",
        ),
        (&["--help"], 0, ""),
    ] {
        let out = seed
            .sops_rs(&files)
            .env("EDITOR", &editor)
            .arg("keyservice")
            .args(rest)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(code),
            "keyservice {rest:?}: {stderr}"
        );
        assert!(stderr.contains(says), "keyservice {rest:?}: {stderr}");
        assert!(!marker.exists(), "keyservice {rest:?} started the editor");
        assert!(!files.join("keyservice").exists() && !files.join("missing.yaml").exists());
    }
    // `h` is sops's short name for `help`, not a file to edit.
    for args in [&["h"][..], &["h", "decrypt"]] {
        let out = seed
            .sops_rs(&files)
            .env("EDITOR", &editor)
            .args(args)
            .output()
            .unwrap();
        let help = ok(out, "sops-rs h");
        assert!(help.contains("Usage: sops-rs"), "{help}");
        assert!(!marker.exists() && !files.join("h").exists());
    }
}
