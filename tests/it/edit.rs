//! `edit`: driven by editor programs (shell scripts given as $SOPS_EDITOR) and, once, by a real
//! vim in tmux. After every run the private TMPDIR must hold nothing: no file, no plaintext.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{TestEnv, path_arg, wait_for};

const SAMPLE: &str = "db:\n    user: admin\n    password: hunter2\ntoken: abc\n";

/// Writes an editor script `name` running `script` (with `set -e`); the `SOPS_EDITOR` value.
fn editor_script(env: &TestEnv, name: &str, script: &str) -> String {
    let path = env.write(name, format!("#!/bin/sh\nset -e\n{script}\n"));
    format!("sh {}", path.display())
}

/// `plaintext` encrypted into `name` (the format from the name, through `--filename-override`).
fn encrypted(env: &TestEnv, name: &str, content: &str) -> PathBuf {
    env.encrypted(name, content, &["--filename-override", name])
}

/// sops-rs with `editor` as `SOPS_EDITOR`.
fn cmd(env: &TestEnv, editor: &str) -> Command {
    let mut cmd = env.sops_rs();
    cmd.env("SOPS_EDITOR", editor);
    cmd
}

/// `edit` of `file` with `editor`, feeding `stdin`, with `extra` flags.
fn edit(env: &TestEnv, editor: &str, file: &Path, stdin: &[u8], extra: &[&str]) -> Output {
    TestEnv::feed(cmd(env, editor).arg("edit").args(extra).arg(file), stdin)
}

fn decrypt(env: &TestEnv, file: &Path) -> String {
    env.ok(&["decrypt", &path_arg(file)])
}

fn assert_tmp_empty(env: &TestEnv) {
    let left: Vec<_> = std::fs::read_dir(env.tmp())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "left in TMPDIR: {left:?}");
}

fn enc_line<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(&format!("{key}:")))
        .unwrap()
}

#[test]
fn changing_a_value_keeps_the_others_ciphertext() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.yaml", SAMPLE);
    let before = std::fs::read_to_string(&file).unwrap();
    let editor = editor_script(&env, "ed.sh", r#"sed -i 's/hunter2/changed/' "$1""#);
    let out = edit(&env, &editor, &file, b"", &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(&file).unwrap();
    assert_eq!(enc_line(&before, "user"), enc_line(&after, "user"));
    assert_eq!(enc_line(&before, "token"), enc_line(&after, "token"));
    assert_ne!(enc_line(&before, "password"), enc_line(&after, "password"));
    assert_eq!(decrypt(&env, &file), SAMPLE.replace("hunter2", "changed"));
    // Real sops accepts the new MAC.
    let sops = env
        .sops()
        .args(["decrypt", &file.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(sops.stdout).unwrap(),
        SAMPLE.replace("hunter2", "changed")
    );
    assert_tmp_empty(&env);
}

#[test]
fn no_change_exits_200_and_leaves_the_file_alone() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.yaml", SAMPLE);
    let before = std::fs::read(&file).unwrap();
    let out = edit(&env, &editor_script(&env, "ed.sh", "true"), &file, b"", &[]);
    assert_eq!(out.status.code(), Some(200));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_tmp_empty(&env);
}

#[test]
fn invalid_content_reopens_the_editor_or_gives_up() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.yaml", SAMPLE);
    let before = std::fs::read(&file).unwrap();
    let counter = env.path("count");
    let script = format!(
        r#"n=$(cat {c} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {c}
if [ $n -eq 1 ]; then printf 'key: [unclosed\n' > "$1"; else printf 'key: fixed\n' > "$1"; fi"#,
        c = counter.display()
    );
    let editor = editor_script(&env, "ed.sh", &script);
    // End of input at the prompt: give up, file untouched.
    let out = edit(&env, &editor, &file, b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line ") && stderr.contains("Press Enter"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_tmp_empty(&env);
    // Enter at the prompt: the editor reopens and the valid content is saved.
    std::fs::remove_file(&counter).unwrap();
    let out = edit(&env, &editor, &file, b"\n", &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&counter).unwrap().trim(), "2");
    assert_eq!(decrypt(&env, &file), "key: fixed\n");
    assert_tmp_empty(&env);
}

#[test]
fn a_failing_editor_aborts_with_201() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.json", r#"{"a": "secret"}"#);
    let before = std::fs::read(&file).unwrap();
    let out = edit(
        &env,
        &editor_script(&env, "ed.sh", r#"echo '{"a": "x"}' > "$1"; exit 3"#),
        &file,
        b"",
        &[],
    );
    assert_eq!(out.status.code(), Some(201));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_tmp_empty(&env);
}

#[test]
fn signals_to_sops_rs_remove_the_plaintext() {
    for signal in ["TERM", "INT", "HUP"] {
        let env = TestEnv::new();
        let file = encrypted(&env, "f.yaml", SAMPLE);
        let before = std::fs::read(&file).unwrap();
        // The editor names the file it was given in a marker, then waits to be killed.
        let marker = env.path("editor-started");
        let editor = editor_script(
            &env,
            "ed.sh",
            &format!(
                "printf '%s' \"$1\" > {}.part\nmv {0}.part {0}\nexec sleep 30",
                marker.display()
            ),
        );
        let mut child = cmd(&env, &editor)
            .args(["edit", &file.display().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for("the editor to start", Duration::from_secs(20), || {
            assert!(child.try_wait().unwrap().is_none(), "sops-rs exited early");
            marker.exists()
        });
        let edited = PathBuf::from(std::fs::read_to_string(&marker).unwrap());
        assert!(edited.starts_with(env.tmp()), "{}", edited.display());
        let plain = std::fs::read_to_string(&edited).unwrap();
        assert!(plain.contains("hunter2"), "the editor sees the plaintext");
        Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let started = Instant::now();
        let out = child.wait_with_output().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "SIG{signal}: sops-rs did not stop promptly"
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "SIG{signal}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(&file).unwrap(), before);
        assert_tmp_empty(&env);
    }
}

#[test]
fn a_new_file_starts_from_the_example_and_uses_the_creation_rule() {
    let env = TestEnv::new();
    std::fs::write(
        env.path(".sops-rs.yaml"),
        format!("creation_rules:\n  - age: {}\n", env.recipient),
    )
    .unwrap();
    let file = env.path("new.yaml");
    let editor = editor_script(
        &env,
        "ed.sh",
        r#"grep -q 'Welcome to SOPS' "$1"; sed -i 's/example_value$/my-secret/' "$1""#,
    );
    let out = edit(&env, &editor, &file, b"", &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&env.recipient) && !text.contains("my-secret"));
    assert!(decrypt(&env, &file).contains("example_key: my-secret"));
    assert_tmp_empty(&env);
    // A new file left as the template is not created.
    let untouched = env.path("other.json");
    let out = edit(
        &env,
        &editor_script(&env, "noop.sh", "true"),
        &untouched,
        b"",
        &[],
    );
    assert_eq!(out.status.code(), Some(200));
    assert!(!untouched.exists());
}

#[test]
fn show_master_keys_shows_metadata_and_refuses_edits_to_it() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.yaml", SAMPLE);
    let before = std::fs::read(&file).unwrap();
    let editor = editor_script(
        &env,
        "ed.sh",
        r#"grep -q '^sops:' "$1"; sed -i 's/^    version: .*/    version: 9.9.9/' "$1""#,
    );
    let out = edit(&env, &editor, &file, b"", &["--show-master-keys"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("metadata cannot be changed"));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let editor = editor_script(
        &env,
        "ok.sh",
        r#"grep -q '^sops:' "$1"; sed -i 's/hunter2/seen/' "$1""#,
    );
    let out = edit(&env, &editor, &file, b"", &["--show-master-keys"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(decrypt(&env, &file).contains("password: seen"));
    assert_tmp_empty(&env);
}

#[test]
fn every_format_can_be_edited() {
    let env = TestEnv::new();
    for (name, content, from, to) in [
        ("a.json", "{\"k\": \"before\"}", "before", "after"),
        ("a.bin", "raw before bytes", "before", "after"),
        ("b.yaml", "k: before\n", "before", "after"),
        ("c.env", "K=before\n", "before", "after"),
        ("d.ini", "[s]\nk = before\n", "before", "after"),
        ("e.toml", "[t]\nk = \"before\"\n", "before", "after"),
    ] {
        let file = encrypted(&env, name, content);
        let editor = editor_script(&env, "ed.sh", &format!(r#"sed -i 's/{from}/{to}/' "$1""#));
        let out = edit(&env, &editor, &file, b"", &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(decrypt(&env, &file).contains(to), "{name}");
    }
    assert_tmp_empty(&env);
}

fn tmux(args: &[&str]) -> Output {
    Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed (scripts/install-test-deps.sh)")
}

#[test]
fn a_real_vim_in_tmux_edits_a_file_end_to_end() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.yaml", SAMPLE);
    let session = format!("sops-rs-edit-{}", std::process::id());
    let socket = env.path("tmux.sock");
    let socket = socket.to_str().unwrap();
    let command = format!(
        "env -i PATH=\"$PATH\" HOME={home} TERM=xterm TMPDIR={tmp} SOPS_AGE_KEY_FILE={key} SOPS_EDITOR='vim -u NONE -N -n' {bin} edit {file}; echo exit=$? > {done}",
        home = env.dir().display(),
        tmp = env.tmp().display(),
        key = env.key_file.display(),
        bin = env!("CARGO_BIN_EXE_sops-rs"),
        file = file.display(),
        done = env.path("done").display(),
    );
    let out = tmux(&[
        "-S",
        socket,
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "30",
        &command,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for("vim to show the plaintext", Duration::from_secs(20), || {
        let screen = tmux(&["-S", socket, "capture-pane", "-p", "-t", &session]).stdout;
        String::from_utf8_lossy(&screen).contains("hunter2")
    });
    tmux(&[
        "-S",
        socket,
        "send-keys",
        "-t",
        &session,
        ":%s/hunter2/typed-in-vim/",
        "Enter",
    ]);
    tmux(&["-S", socket, "send-keys", "-t", &session, ":wq", "Enter"]);
    let done = env.path("done");
    wait_for("the edit to finish", Duration::from_secs(30), || {
        done.exists()
    });
    let _ = tmux(&["-S", socket, "kill-server"]);
    assert_eq!(std::fs::read_to_string(&done).unwrap().trim(), "exit=0");
    assert_eq!(
        decrypt(&env, &file),
        SAMPLE.replace("hunter2", "typed-in-vim")
    );
    assert_tmp_empty(&env);
}
