//! Commands over many files (issue 22, item 4 and 5), through the binary: a broken file among
//! good ones (the run goes on, a per-file summary, the first failing file's exit code, which is
//! the code the real sops gives for that file alone), `--output-dir`, `--next-to-source`, YAML
//! documents joined on standard output, `encrypt`/`rotate` in place, `exec-env` of several
//! files, one unwrap per distinct wrapped key per run (counted in the audit log) and one audit
//! record per file, a provider that never answers in front of a good age key (one connection
//! per run, counted on the listener), `--offline`, no progress bar without a terminal, and a run stopped by a signal
//! that leaves every file either old or new and no temporary file.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::support::faults::SilentServer;
use crate::support::{TestEnv, ok, path_arg, wait_for};

/// Three encrypted files `f1..f3.enc.yaml` in `dir/`, and a file there that is not encrypted
/// but looks like one (a ciphertext marker, no metadata).
fn tree_with_a_broken_file(env: &TestEnv) -> Vec<PathBuf> {
    std::fs::create_dir_all(env.path("dir/sub")).unwrap();
    let mut files: Vec<PathBuf> = (1..=3)
        .map(|n| {
            let name = match n {
                3 => "dir/sub/f3.enc.yaml".to_string(),
                n => format!("dir/f{n}.enc.yaml"),
            };
            env.encrypted(&name, &format!("num: {n}\nname: file{n}\n"), &[])
        })
        .collect();
    files.insert(
        1,
        env.write("dir/broken.enc.yaml", "a: ENC[AES256_GCM,data:AA==]\n"),
    );
    files
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn args(files: &[PathBuf]) -> Vec<String> {
    files.iter().map(|f| path_arg(f)).collect()
}

#[test]
fn a_broken_file_does_not_stop_the_others_and_gives_its_exit_code() {
    let env = TestEnv::new();
    let files = tree_with_a_broken_file(&env);
    let broken = path_arg(&files[1]);
    let alone = env.run(&["decrypt", &broken]);
    let sops_alone = env.run_sops(&["decrypt", &broken]);
    assert_eq!(
        alone.status.code(),
        sops_alone.status.code(),
        "{}",
        stderr(&alone)
    );
    let mut cmd = vec!["decrypt".to_string(), "--output-dir".into(), "out".into()];
    cmd.extend(args(&files));
    let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
    let out = env.run(&cmd);
    let text = stderr(&out);
    assert_eq!(out.status.code(), alone.status.code(), "{text}");
    for file in [&files[0], &files[2], &files[3]] {
        assert!(
            text.contains(&format!("ok      {}", file.display())),
            "{text}"
        );
        let written = env
            .path("out")
            .join(file.strip_prefix(env.dir()).unwrap_or(file));
        let written = std::fs::read_to_string(&written).unwrap_or_else(|e| {
            panic!("{}: {e}\n{text}", written.display());
        });
        assert!(written.contains("name: file"), "{written}");
    }
    assert!(text.contains(&format!("failed  {broken}")), "{text}");
    assert!(text.contains("3 of 4 files done, 1 failed"), "{text}");
}

#[test]
fn output_dir_keeps_relative_paths_and_next_to_source_drops_enc() {
    let env = TestEnv::new();
    let files = tree_with_a_broken_file(&env);
    std::fs::remove_file(&files[1]).unwrap();
    let out = env.run(&["decrypt", "--recursive", "--output-dir", "plain", "dir"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.read("plain/dir/f1.enc.yaml"), "num: 1\nname: file1\n");
    assert_eq!(
        env.read("plain/dir/sub/f3.enc.yaml"),
        "num: 3\nname: file3\n"
    );
    let out = env.run(&["decrypt", "--next-to-source", "-r", "dir"]);
    assert!(!out.status.success(), "-r is not a short --recursive");
    let out = env.run(&["decrypt", "--next-to-source", "--recursive", "dir"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.read("dir/f2.yaml"), "num: 2\nname: file2\n");
    assert_eq!(env.read("dir/sub/f3.yaml"), "num: 3\nname: file3\n");
    let plain = env.write("dir/plain.yaml", "x: 1\n");
    let encrypted = env.encrypt_file(&plain, &[]);
    env.write("dir/other.yaml", encrypted);
    let out = env.run(&["decrypt", "--next-to-source", "dir/other.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.read("dir/other.dec.yaml"), "x: 1\n");
}

#[test]
fn several_files_on_standard_output_are_joined_yaml_documents() {
    let env = TestEnv::new();
    let a = env.encrypted("a.enc.yaml", "a: 1\n", &[]);
    let b = env.encrypted("b.enc.json", "{\"b\": \"two\"}", &[]);
    let joined = env.ok(&["decrypt", &path_arg(&a), &path_arg(&b)]);
    assert_eq!(joined, "a: 1\n---\nb: two\n");
    let single = env.ok(&["decrypt", &path_arg(&b)]);
    assert!(
        single.starts_with('{'),
        "one file keeps its format: {single}"
    );
    let out = env.run(&[
        "decrypt",
        "--output-type",
        "json",
        &path_arg(&a),
        &path_arg(&b),
    ]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
}

#[test]
fn encrypt_rotate_and_exec_env_over_several_files() {
    let env = TestEnv::new();
    let one = env.write("one.yaml", "A: one\nB: two\n");
    let two = env.write("two.yaml", "B: three\nC: four\n");
    let out = env.run(&[
        "encrypt",
        "--age",
        &env.recipient,
        &path_arg(&one),
        &path_arg(&two),
    ]);
    assert_eq!(
        out.status.code(),
        Some(8),
        "several files need -i or --output-dir"
    );
    let out = env.run(&[
        "encrypt",
        "-i",
        "--age",
        &env.recipient,
        &path_arg(&one),
        &path_arg(&two),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = env.read("one.yaml");
    assert!(before.contains("ENC[AES256_GCM"), "{before}");
    let out = env.run(&["rotate", "-i", &path_arg(&one), &path_arg(&two)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(env.read("one.yaml"), before, "rotated");
    let printed = env.ok(&[
        "exec-env",
        &path_arg(&one),
        &path_arg(&two),
        "echo $A $B $C",
    ]);
    assert_eq!(printed, "one three four\n", "the later file's B wins");
}

/// Five copies of one encrypted file: one wrapped data key.
#[test]
fn a_wrapped_key_shared_by_many_files_is_unwrapped_once() {
    let env = TestEnv::new();
    let first = env.encrypted("f0.enc.yaml", "x: 1\n", &[]);
    let mut files = vec![path_arg(&first)];
    for n in 1..5 {
        let copy = env.path(&format!("f{n}.enc.yaml"));
        std::fs::copy(&first, &copy).unwrap();
        files.push(path_arg(&copy));
    }
    let log = env.path("audit.jsonl");
    let mut cmd = vec!["decrypt", "--audit-log"];
    let log_arg = path_arg(&log);
    cmd.push(&log_arg);
    cmd.extend(files.iter().map(String::as_str));
    ok(env.run(&cmd), "decrypt of five files");
    let text = std::fs::read_to_string(&log).unwrap();
    let sources: Vec<String> = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|record| record["event"] == "key.unwrap")
        .map(|record| record["source"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(sources.len(), 5, "every file's use is recorded: {text}");
    assert_eq!(
        sources.iter().filter(|s| *s == "provider").count(),
        1,
        "one provider unwrap: {sources:?}"
    );
    assert_eq!(sources.iter().filter(|s| *s == "memo").count(), 4);
    // Each file of the run has its own record, naming it, with its outcome.
    let mut named: Vec<String> = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|record| record["event"] == "decrypt.file" && record["outcome"] == "success")
        .map(|record| {
            record["file"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    named.sort();
    let mut expected: Vec<String> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap().display().to_string())
        .collect();
    expected.sort();
    assert_eq!(named, expected, "{text}");
    // The report counts the five files from those records, each read once.
    let report: serde_json::Value = serde_json::from_str(&ok(
        env.run(&["audit", "report", "--json", &log_arg]),
        "report",
    ))
    .unwrap();
    let mut reads: Vec<(String, u64)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["reads"].as_u64().unwrap(),
            )
        })
        .collect();
    reads.sort();
    let expected_reads: Vec<(String, u64)> = expected.into_iter().map(|f| (f, 1)).collect();
    assert_eq!(reads, expected_reads);
}

/// `count` files encrypted for the age key, each with an extra Vault key entry that points at
/// `vault` (the entry is never answered, so its `enc` needs no real value).
fn files_behind_a_vault(env: &TestEnv, vault: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|n| {
            let path = env.encrypted(&format!("v{n}.enc.yaml"), &format!("num: {n}\n"), &[]);
            let text = std::fs::read_to_string(&path).unwrap();
            let entry = format!(
                "    hc_vault:\n        - vault_address: {vault}\n          engine_path: transit\n          \
                 key_name: k\n          created_at: \"2026-12-07T00:00:00Z\"\n          enc: vault:v1:AAAA\n"
            );
            let text = text.replacen("    lastmodified:", &format!("{entry}    lastmodified:"), 1);
            std::fs::write(&path, text).unwrap();
            path_arg(&path)
        })
        .collect()
}

#[test]
fn a_provider_that_never_answers_costs_one_timeout_per_run() {
    let silent = SilentServer::start();
    let env = TestEnv::new().with("VAULT_TOKEN", "token");
    let files = files_behind_a_vault(&env, &silent.address(), 6);
    let mut cmd = vec![
        "decrypt",
        "--decryption-order",
        "hc_vault,age",
        "--provider-timeout",
        "1",
        "--output-dir",
        "out",
    ];
    cmd.extend(files.iter().map(String::as_str));
    let out = env.run(&cmd);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.read("out/v5.enc.yaml"), "num: 5\n");
    assert_eq!(
        silent.connections(),
        1,
        "the dead provider is asked once per run, not once per file"
    );
    let offline = env.run(&[
        "decrypt",
        "--offline",
        "--decryption-order",
        "hc_vault,age",
        &files[0],
    ]);
    assert_eq!(String::from_utf8_lossy(&offline.stdout), "num: 0\n");
    let by_variable = env
        .sops_rs()
        .env("SOPS_RS_OFFLINE", "1")
        .args(["decrypt", "--decryption-order", "hc_vault,age", &files[1]])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&by_variable.stdout), "num: 1\n");
    assert_eq!(
        silent.connections(),
        1,
        "offline: the network key is not asked"
    );
}

/// On a terminal (a pseudo-terminal from util-linux's `script`) the bar is drawn on stderr.
#[test]
fn a_progress_bar_on_a_terminal_only() {
    let env = TestEnv::new();
    let a = env.encrypted("a.enc.yaml", "a: 1\n", &[]);
    let b = env.encrypted("b.enc.yaml", "b: 2\n", &[]);
    let line = format!(
        "{} decrypt --output-dir out {} {}",
        path_arg(crate::support::sops_rs_binary()),
        path_arg(&a),
        path_arg(&b)
    );
    let out = env
        .sops_rs()
        .get_envs()
        .fold(std::process::Command::new("script"), |mut cmd, (k, v)| {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
            cmd
        })
        .current_dir(env.dir())
        .args(["-qec", &line, "/dev/null"])
        .output()
        .expect("util-linux's script (bsdutils): run scripts/install-test-deps.sh");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("2/2 decrypt"), "the bar: {text:?}");
}

#[test]
fn no_progress_bar_without_a_terminal() {
    let env = TestEnv::new();
    let a = env.encrypted("a.enc.yaml", "a: 1\n", &[]);
    let b = env.encrypted("b.enc.yaml", "b: 2\n", &[]);
    let out = env.run(&["decrypt", "--next-to-source", &path_arg(&a), &path_arg(&b)]);
    let text = stderr(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains('\r') && !text.contains('\u{1b}'), "{text:?}");
    for line in text.lines() {
        assert!(
            line.starts_with("  ok      ") || line.starts_with("decrypt: "),
            "only the summary: {line:?}"
        );
    }
}

/// Files large enough that rotating them all takes a while, so that a signal lands mid-run.
#[test]
fn a_run_stopped_by_a_signal_leaves_old_or_new_files_and_no_temporary_file() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path("many")).unwrap();
    let plain: String = (0..400)
        .map(|n| format!("key{n}: value number {n}\n"))
        .collect();
    let source = env.encrypted("f.enc.yaml", &plain, &[]);
    let first = env.path("many/f000.enc.yaml");
    std::fs::copy(&source, &first).unwrap();
    let mut files: Vec<PathBuf> = vec![first.clone()];
    for n in 1..120 {
        let copy = env.path(&format!("many/f{n:03}.enc.yaml"));
        std::fs::copy(&first, &copy).unwrap();
        files.push(copy);
    }
    let old = std::fs::read(&first).unwrap();
    let child = env
        .sops_rs()
        .args(["rotate", "-i", "--recursive", "many"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let changed = |files: &[PathBuf]| {
        files
            .iter()
            .filter(|f| std::fs::read(f).is_ok_and(|bytes| bytes != old))
            .count()
    };
    wait_for("a first rotated file", Duration::from_secs(60), || {
        changed(&files) > 0
    });
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(128 + 15), "{}", stderr(&out));
    let rotated = changed(&files);
    assert!(rotated < files.len(), "the run was stopped before the end");
    assert!(stderr(&out).contains("not started (interrupted)"));
    for file in &files {
        let text = env.ok(&["decrypt", &path_arg(file)]);
        assert_eq!(text, plain, "{} decrypts to its plaintext", file.display());
    }
    let names: Vec<String> = std::fs::read_dir(env.path("many"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        files.len(),
        "no temporary file left: {names:?}"
    );
    assert!(names.iter().all(|n| n.ends_with(".enc.yaml")), "{names:?}");
}
