//! The resolved session every command runs in: a config that does not parse is an error, never
//! "no config"; no subcommand unwraps a key or lets plaintext out without the audit run seeing
//! it (every subcommand in `--help`, `required` mode, an unwritable sink); file outputs are held
//! like standard output until the finish record is stored; the config file is read once per
//! command (counted with strace).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support::{TestEnv, launched_by, ok, path_arg};

const SECRET: &str = "canary-8c1f5e";
const PLAIN: &str = "k: canary-8c1f5e\nother: 1\n";
const UNWRITABLE_LOG: &str = "/nonexistent-dir/audit.jsonl";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An age key reachable only through `SOPS_AGE_KEY_CMD`, whose command leaves a marker file
/// each time it runs: the marker says a key was unwrapped (or at least tried).
struct KeyCommand {
    marker: PathBuf,
    command: String,
}

impl KeyCommand {
    /// The command prints `home`'s identity after running `before` (a shell snippet).
    fn new(home: &TestEnv, before: &str) -> KeyCommand {
        let marker = home.path("key-command-ran");
        let script = home.write(
            "key-command.sh",
            format!(
                "echo ran >> '{}'\n{before}\ncat '{}'\n",
                path_arg(&marker),
                path_arg(&home.key_file)
            ),
        );
        KeyCommand {
            marker,
            command: format!("sh {}", path_arg(&script)),
        }
    }

    fn ran(&self) -> bool {
        self.marker.exists()
    }

    /// sops-rs in `home` with only this key command as the age identity source.
    fn sops_rs(&self, home: &TestEnv) -> Command {
        let mut cmd = home.sops_rs();
        cmd.env_remove("SOPS_AGE_KEY_FILE")
            .env("SOPS_AGE_KEY_CMD", &self.command);
        cmd
    }
}

/// Every file below `dir` whose content holds `needle`, but the plaintext inputs the test wrote
/// itself (named `*plain*`).
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let input = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains("plain"));
            if path.is_dir() {
                pending.push(path);
            } else if !input
                && std::fs::read(&path)
                    .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(needle))
            {
                found.push(path);
            }
        }
    }
    found
}

// ---- hole 1: a config that does not parse is an error ----

#[test]
fn a_broken_config_stops_decrypt_instead_of_dropping_its_audit_section() {
    let home = TestEnv::new();
    let encrypted = home.encrypted("app.enc.yaml", PLAIN, &[]);
    let log = home.path("audit.jsonl");
    let broken = [
        // A YAML syntax error away from the audit section.
        format!(
            "audit:\n  mode: required\n  log: {}\ncreation_rules: [ {{path_regex: x\n",
            path_arg(&log)
        ),
        // A value the config reader refuses.
        format!("audit:\n  mode: requried\n  log: {}\n", path_arg(&log)),
    ];
    for config in broken {
        home.write(".sops-rs.yaml", &config);
        let out = home.run(&["decrypt", &path_arg(&encrypted)]);
        assert!(
            !out.status.success(),
            "decrypt ran with a broken config:\n{config}"
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            out.stdout.is_empty(),
            "plaintext printed with a broken config"
        );
        assert!(
            stderr(&out).contains(".sops-rs.yaml"),
            "the error names the config: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains(SECRET));
    }
}

// ---- hole 2: every command that unwraps a key is audited ----

/// The event names of the records in a JSON Lines audit log.
fn events(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            record["event"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn git_merge_and_check_verify_mac_write_audit_records() {
    let home = TestEnv::new();
    let encrypted = home.encrypted("app.enc.yaml", PLAIN, &[]);
    let log = home.path("audit.jsonl");
    let ours = home.path("ours.yaml");
    std::fs::copy(&encrypted, &ours).unwrap();
    let runs: [(&str, Vec<String>); 2] = [
        (
            "check",
            vec!["check".into(), "--verify-mac".into(), path_arg(&encrypted)],
        ),
        (
            "git_merge",
            vec![
                "git-merge".into(),
                path_arg(&encrypted),
                path_arg(&ours),
                path_arg(&encrypted),
                "app.enc.yaml".into(),
            ],
        ),
    ];
    for (op, args) in runs {
        let _ = std::fs::remove_file(&log);
        let out = home
            .sops_rs()
            .env("SOPS_RS_AUDIT_MODE", "required")
            .env("SOPS_RS_AUDIT_LOG", &log)
            .args(&args)
            .output()
            .unwrap();
        ok(out, op);
        let events = events(&log);
        for wanted in [
            format!("{op}.start"),
            "key.unwrap".into(),
            format!("{op}.finish"),
        ] {
            assert!(
                events.iter().any(|e| e.ends_with(&wanted)),
                "{op}: no {wanted} record in {events:?}"
            );
        }
    }
}

// ---- hole 3: file outputs are held like standard output ----

#[test]
fn required_mode_writes_no_plaintext_file_when_the_finish_record_fails() {
    let home = TestEnv::new();
    let log = home.path("audit.jsonl");
    // The start record is stored; once a key is unwrapped the log becomes a directory, so the
    // finish record cannot be.
    let keys = KeyCommand::new(
        &home,
        &format!("rm -f '{0}'; mkdir -p '{0}'", path_arg(&log)),
    );
    let encrypted = home.encrypted("app.enc.yaml", PLAIN, &[]);
    let before = std::fs::read(&encrypted).unwrap();
    let output = home.path("out.yaml");
    for args in [
        vec![
            "decrypt".to_string(),
            "--output".into(),
            path_arg(&output),
            path_arg(&encrypted),
        ],
        vec!["decrypt".to_string(), "-i".into(), path_arg(&encrypted)],
        vec![
            "-d".to_string(),
            "--output".into(),
            path_arg(&output),
            path_arg(&encrypted),
        ],
    ] {
        let _ = std::fs::remove_dir_all(&log);
        let _ = std::fs::remove_file(&keys.marker);
        let out = keys
            .sops_rs(&home)
            .env("SOPS_RS_AUDIT_MODE", "required")
            .env("SOPS_RS_AUDIT_LOG", &log)
            .args(&args)
            .output()
            .unwrap();
        assert!(keys.ran(), "{args:?}: the key was never unwrapped");
        assert_eq!(out.status.code(), Some(75), "{args:?}: {}", stderr(&out));
        assert!(!output.exists(), "{args:?}: plaintext written to --output");
        assert_eq!(
            std::fs::read(&encrypted).unwrap(),
            before,
            "{args:?}: -i wrote plaintext over the file"
        );
        assert!(out.stdout.is_empty());
        assert_eq!(files_holding(home.dir(), SECRET), Vec::<PathBuf>::new());
    }
    // With a working sink the held file is written after the finish record.
    let _ = std::fs::remove_dir_all(&log);
    let out = home
        .sops_rs()
        .env("SOPS_RS_AUDIT_MODE", "required")
        .env("SOPS_RS_AUDIT_LOG", &log)
        .args([
            "decrypt",
            "--output",
            &path_arg(&output),
            &path_arg(&encrypted),
        ])
        .output()
        .unwrap();
    ok(out, "decrypt --output");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), PLAIN);
    assert!(events(&log).iter().any(|e| e.ends_with("decrypt.finish")));
}

// ---- item 4: destination checks come before any key ----

#[test]
fn conflicting_destinations_are_refused_before_any_key_is_unwrapped() {
    let home = TestEnv::new();
    let keys = KeyCommand::new(&home, "");
    let encrypted = home.encrypted("app.enc.yaml", PLAIN, &[]);
    let output = path_arg(&home.path("out.yaml"));
    let file = path_arg(&encrypted);
    let lines: [&[&str]; 4] = [
        &["decrypt", "-i", "--output", &output, &file],
        &["rotate", "-i", "--output", &output, &file],
        &[
            "groups",
            "add",
            "--file",
            &file,
            "--age",
            &home.recipient,
            "-i",
            "--output",
            &output,
        ],
        &["decrypt", "-i", "-"],
    ];
    for line in lines {
        let out = keys.sops_rs(&home).args(line).output().unwrap();
        assert_eq!(out.status.code(), Some(8), "{line:?}: {}", stderr(&out));
        assert!(
            !keys.ran(),
            "{line:?}: a key was unwrapped before the check"
        );
    }
}

// ---- every subcommand, required mode, unwritable sink ----

/// The subcommands `sops-rs --help` lists.
fn listed_subcommands(home: &TestEnv) -> Vec<String> {
    let help = ok(home.run(&["--help"]), "--help");
    let section = help
        .split("Commands:")
        .nth(1)
        .expect("--help lists the commands");
    section
        .lines()
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        // A description wrapped onto the next line is indented further.
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn no_subcommand_unwraps_a_key_or_lets_plaintext_out_without_the_audit_trail() {
    let home = TestEnv::new();
    let keys = KeyCommand::new(&home, "");
    let encrypted = home.encrypted("app.enc.yaml", PLAIN, &[]);
    let plain = home.write("plain.yaml", PLAIN);
    let copy = |name: &str| {
        let path = home.path(name);
        std::fs::copy(&encrypted, &path).unwrap();
        path_arg(&path)
    };
    let (base, ours, theirs) = (copy("base.yaml"), copy("ours.yaml"), copy("theirs.yaml"));
    home.write(
        ".sops.yaml",
        format!("creation_rules:\n  - age: {}\n", home.recipient),
    );
    let file = path_arg(&encrypted);
    let output = path_arg(&home.path("out.yaml"));
    let socket = path_arg(&home.path("keyservice.sock"));
    // One or more command lines per subcommand; a subcommand missing here fails the test.
    let table: Vec<(&str, Vec<Vec<String>>)> = vec![
        (
            "encrypt",
            vec![vec![
                "encrypt".into(),
                "--output".into(),
                output.clone(),
                path_arg(&plain),
            ]],
        ),
        (
            "decrypt",
            vec![
                vec!["decrypt".into(), file.clone()],
                vec![
                    "decrypt".into(),
                    "--output".into(),
                    output.clone(),
                    file.clone(),
                ],
                vec!["decrypt".into(), "-i".into(), file.clone()],
                vec!["-d".into(), file.clone()],
            ],
        ),
        (
            "edit",
            vec![vec!["edit".into(), file.clone()], vec![file.clone()]],
        ),
        (
            "rotate",
            vec![vec!["rotate".into(), "-i".into(), file.clone()]],
        ),
        (
            "updatekeys",
            vec![vec!["updatekeys".into(), "-y".into(), file.clone()]],
        ),
        (
            "groups",
            vec![
                vec![
                    "groups".into(),
                    "add".into(),
                    "--file".into(),
                    file.clone(),
                    "--age".into(),
                    home.recipient.clone(),
                ],
                vec![
                    "groups".into(),
                    "delete".into(),
                    "--file".into(),
                    file.clone(),
                    "0".into(),
                ],
            ],
        ),
        (
            "set",
            vec![vec![
                "set".into(),
                file.clone(),
                "[\"k\"]".into(),
                "\"x\"".into(),
            ]],
        ),
        (
            "unset",
            vec![vec!["unset".into(), file.clone(), "[\"other\"]".into()]],
        ),
        (
            "exec-env",
            vec![vec![
                "exec-env".into(),
                file.clone(),
                "env > child-env.txt".into(),
            ]],
        ),
        (
            "exec-file",
            vec![vec![
                "exec-file".into(),
                "--no-fifo".into(),
                file.clone(),
                "cp {} child-copy.txt".into(),
            ]],
        ),
        ("completion", vec![vec!["completion".into(), "bash".into()]]),
        (
            "audit",
            vec![
                vec!["audit".into(), "hash".into(), "[\"k\"]".into()],
                vec!["audit".into(), "verify".into(), file.clone()],
            ],
        ),
        (
            "check",
            vec![
                vec!["check".into(), file.clone()],
                vec!["check".into(), "--verify-mac".into(), file.clone()],
            ],
        ),
        (
            "git-merge",
            vec![vec![
                "git-merge".into(),
                base,
                ours.clone(),
                theirs,
                "app.enc.yaml".into(),
            ]],
        ),
        (
            "git-textconv",
            vec![vec!["git-textconv".into(), file.clone()]],
        ),
        (
            "git",
            vec![vec!["git".into(), "setup".into(), "--dry-run".into()]],
        ),
        (
            "publish",
            vec![vec!["publish".into(), "--yes".into(), file.clone()]],
        ),
        ("filestatus", vec![vec!["filestatus".into(), file.clone()]]),
        ("help", vec![vec!["help".into(), "decrypt".into()]]),
        // A server runs until stopped; with its audit trail unusable it must not start at all
        // (checked below: the socket never appears), so this line ends.
        (
            "keyservice",
            vec![vec![
                "keyservice".into(),
                "--address".into(),
                socket.clone(),
            ]],
        ),
    ];
    let listed = listed_subcommands(&home);
    assert!(listed.len() > 10, "{listed:?}");
    for name in &listed {
        assert!(
            table.iter().any(|(known, _)| known == name),
            "subcommand {name} has no command line in this test: add one"
        );
    }
    let unchanged = [(file.clone(), std::fs::read(&encrypted).unwrap())];
    let ours_before = std::fs::read(&ours).unwrap();
    let mut runs = 0;
    for (name, lines) in &table {
        for line in lines {
            let out = keys
                .sops_rs(&home)
                .env("SOPS_RS_AUDIT_MODE", "required")
                .env("SOPS_RS_AUDIT_LOG", UNWRITABLE_LOG)
                .env("EDITOR", "true")
                .args(line)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            runs += 1;
            assert!(!keys.ran(), "{name}: {line:?} unwrapped a key unaudited");
            let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
            assert!(
                !printed.contains(SECRET),
                "{name}: {line:?} printed plaintext"
            );
            assert!(
                !Path::new(&output).exists(),
                "{name}: {line:?} wrote {output}"
            );
            assert!(
                !Path::new(&socket).exists(),
                "{name}: {line:?} served keys unaudited"
            );
            for (path, bytes) in &unchanged {
                assert_eq!(&std::fs::read(path).unwrap(), bytes, "{name}: {line:?}");
            }
            assert_eq!(
                std::fs::read(&ours).unwrap(),
                ours_before,
                "{name}: {line:?}"
            );
            assert_eq!(
                files_holding(home.dir(), SECRET),
                Vec::<PathBuf>::new(),
                "{name}: {line:?}"
            );
        }
    }
    assert!(runs > listed.len());
}

// ---- the config file is read once per command ----

/// How many times sops-rs opened `config` while running `args` (under strace).
fn config_opens(home: &TestEnv, config: &Path, args: &[String], editor: Option<&Path>) -> usize {
    let trace = home.path("strace.log");
    let _ = std::fs::remove_file(&trace);
    let strace = [
        OsStr::new("strace"),
        OsStr::new("-f"),
        OsStr::new("-qq"),
        OsStr::new("-e"),
        OsStr::new("trace=open,openat,openat2"),
        OsStr::new("-o"),
        trace.as_os_str(),
    ];
    let mut cmd = home.sops_rs();
    cmd.args(args);
    if let Some(editor) = editor {
        cmd.env("EDITOR", editor);
    }
    let out = launched_by(&strace, &cmd)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("strace: {e}: run scripts/install-test-deps.sh"));
    ok(out, &format!("{args:?}"));
    let name = config.file_name().unwrap().to_str().unwrap();
    std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .filter(|line| line.contains(&format!("{name}\"")) && !line.contains("ENOENT"))
        .count()
}

#[test]
fn the_config_file_is_read_once_per_command() {
    let home = TestEnv::new();
    let config = home.write(
        ".sops.yaml",
        format!(
            "creation_rules:\n  - age: {}\nstores:\n  yaml:\n    indent: 4\n",
            home.recipient
        ),
    );
    let plain = home.write("plain.yaml", PLAIN);
    let first = home.encrypted("a.enc.yaml", PLAIN, &[]);
    let second = home.encrypted("b.enc.yaml", PLAIN, &[]);
    let editor = home.write("editor.sh", "#!/bin/sh\necho 'added: 1' >> \"$1\"\n");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let lines: Vec<Vec<String>> = vec![
        vec!["decrypt".into(), path_arg(&first)],
        vec!["encrypt".into(), path_arg(&plain)],
        vec!["rotate".into(), "-i".into(), path_arg(&first)],
        vec![
            "set".into(),
            path_arg(&first),
            "[\"k\"]".into(),
            "\"y\"".into(),
        ],
        vec![
            "updatekeys".into(),
            "-y".into(),
            path_arg(&first),
            path_arg(&second),
        ],
        vec!["edit".into(), path_arg(&second)],
        vec!["exec-env".into(), path_arg(&first), "true".into()],
    ];
    for line in &lines {
        let opens = config_opens(&home, &config, line, Some(&editor));
        assert_eq!(opens, 1, "{line:?} opened the config {opens} times");
    }
}

// ---- each subcommand shows only the flags it takes ----

#[test]
fn a_subcommand_shows_and_takes_only_its_own_flags() {
    let home = TestEnv::new();
    let help = |args: &[&str]| ok(home.run(args), &format!("{args:?}"));
    for args in [
        &["decrypt", "--help"][..],
        &["help", "decrypt"],
        &["decrypt", "-h"],
    ] {
        let text = help(args);
        for absent in [
            "age recipients to encrypt for",
            "--encrypted-regex",
            "--shamir",
        ] {
            assert!(!text.contains(absent), "{args:?} offers {absent}:\n{text}");
        }
        for present in ["--output <FILE>", "--extract", "--ignore-mac", "--config"] {
            assert!(text.contains(present), "{args:?} lacks {present}:\n{text}");
        }
    }
    let edit = help(&["edit", "--help"]);
    assert!(!edit.contains("--output <FILE>") && !edit.contains("--extract"));
    assert!(edit.contains("--age") && edit.contains("--encrypted-regex"));
    let encrypt = help(&["encrypt", "--help"]);
    assert!(encrypt.contains("age recipients to encrypt for") && encrypt.contains("--output"));
    let groups_delete = help(&["groups", "delete", "--help"]);
    assert!(!groups_delete.contains("--age"), "{groups_delete}");
    // sops-rs's own subcommands too.
    let check = help(&["check", "--help"]);
    assert!(
        !check.contains("--age") && !check.contains("--output <FILE>"),
        "{check}"
    );
    assert!(check.contains("--decryption-order") && check.contains("--verify-mac"));
    let merge = help(&["git-merge", "--help"]);
    assert!(!merge.contains("--encrypted-regex") && merge.contains("--ignore-mac"));
    // The flags hidden from a subcommand's help are refused after it.
    let encrypted = home.encrypted("app.enc.yaml", PLAIN, &[]);
    let file = path_arg(&encrypted);
    for line in [
        &["edit", "--output", "x.yaml", &file][..],
        &["decrypt", "--age", &home.recipient, &file],
        &["check", "--output", "x.yaml", &file],
        &["git-merge", "--age", &home.recipient, &file, &file, &file],
    ] {
        let out = home.run(line);
        assert_eq!(out.status.code(), Some(1), "{line:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("does not take"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}
