//! `edit`: driven by editor programs (shell scripts given as $SOPS_EDITOR) and, once, by a real
//! vim in tmux. After every run the private TMPDIR must hold nothing: no file, no plaintext.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{sops_command, sops_rs_command};

struct Env {
    dir: tempfile::TempDir,
    tmp: PathBuf,
    key_file: PathBuf,
    recipient: String,
}

const SAMPLE: &str = "db:\n    user: admin\n    password: hunter2\ntoken: abc\n";

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let identity = age::x25519::Identity::generate();
        use age::secrecy::ExposeSecret;
        let key_file = dir.path().join("key.txt");
        std::fs::write(
            &key_file,
            format!("{}\n", identity.to_string().expose_secret()),
        )
        .unwrap();
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).unwrap();
        Env {
            recipient: identity.to_public().to_string(),
            key_file,
            tmp,
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn editor(&self, name: &str, script: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, format!("#!/bin/sh\nset -e\n{script}\n")).unwrap();
        format!("sh {}", path.display())
    }

    fn encrypted(&self, name: &str, content: &str) -> PathBuf {
        let plain = self.path(&format!("plain-{name}"));
        std::fs::write(&plain, content).unwrap();
        let out = self
            .cmd("true")
            .args([
                "encrypt",
                "--age",
                &self.recipient,
                "--filename-override",
                name,
                &plain.display().to_string(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = self.path(name);
        std::fs::write(&path, out.stdout).unwrap();
        path
    }

    fn cmd(&self, editor: &str) -> Command {
        let mut cmd = sops_rs_command(self.dir.path());
        cmd.env("SOPS_AGE_KEY_FILE", &self.key_file)
            .env("TMPDIR", &self.tmp)
            .env("SOPS_EDITOR", editor);
        cmd
    }

    fn edit(&self, editor: &str, file: &Path, stdin: &[u8], extra: &[&str]) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd(editor)
            .arg("edit")
            .args(extra)
            .arg(file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin);
        child.wait_with_output().unwrap()
    }

    fn decrypt(&self, file: &Path) -> String {
        let out = self
            .cmd("true")
            .args(["decrypt", &file.display().to_string()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn assert_tmp_empty(&self) {
        let left: Vec<_> = std::fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(left.is_empty(), "left in TMPDIR: {left:?}");
    }
}

fn enc_line<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(&format!("{key}:")))
        .unwrap()
}

#[test]
fn changing_a_value_keeps_the_others_ciphertext() {
    let env = Env::new();
    let file = env.encrypted("f.yaml", SAMPLE);
    let before = std::fs::read_to_string(&file).unwrap();
    let editor = env.editor("ed.sh", r#"sed -i 's/hunter2/changed/' "$1""#);
    let out = env.edit(&editor, &file, b"", &[]);
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
    assert_eq!(env.decrypt(&file), SAMPLE.replace("hunter2", "changed"));
    // Real sops accepts the new MAC.
    let sops = sops_command(env.dir.path())
        .env("SOPS_AGE_KEY_FILE", &env.key_file)
        .args(["decrypt", &file.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(sops.stdout).unwrap(),
        SAMPLE.replace("hunter2", "changed")
    );
    env.assert_tmp_empty();
}

#[test]
fn no_change_exits_200_and_leaves_the_file_alone() {
    let env = Env::new();
    let file = env.encrypted("f.yaml", SAMPLE);
    let before = std::fs::read(&file).unwrap();
    let out = env.edit(&env.editor("ed.sh", "true"), &file, b"", &[]);
    assert_eq!(out.status.code(), Some(200));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    env.assert_tmp_empty();
}

#[test]
fn invalid_content_reopens_the_editor_or_gives_up() {
    let env = Env::new();
    let file = env.encrypted("f.yaml", SAMPLE);
    let before = std::fs::read(&file).unwrap();
    let counter = env.path("count");
    let script = format!(
        r#"n=$(cat {c} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {c}
if [ $n -eq 1 ]; then printf 'key: [unclosed\n' > "$1"; else printf 'key: fixed\n' > "$1"; fi"#,
        c = counter.display()
    );
    let editor = env.editor("ed.sh", &script);
    // End of input at the prompt: give up, file untouched.
    let out = env.edit(&editor, &file, b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line ") && stderr.contains("Press Enter"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    env.assert_tmp_empty();
    // Enter at the prompt: the editor reopens and the valid content is saved.
    std::fs::remove_file(&counter).unwrap();
    let out = env.edit(&editor, &file, b"\n", &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&counter).unwrap().trim(), "2");
    assert_eq!(env.decrypt(&file), "key: fixed\n");
    env.assert_tmp_empty();
}

#[test]
fn a_failing_editor_aborts_with_201() {
    let env = Env::new();
    let file = env.encrypted("f.json", r#"{"a": "secret"}"#);
    let before = std::fs::read(&file).unwrap();
    let out = env.edit(
        &env.editor("ed.sh", r#"echo '{"a": "x"}' > "$1"; exit 3"#),
        &file,
        b"",
        &[],
    );
    assert_eq!(out.status.code(), Some(201));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    env.assert_tmp_empty();
}

fn wait_for_workspace(env: &Env, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_dir(&env.tmp).unwrap().next().is_none() {
        assert!(child.try_wait().unwrap().is_none(), "sops-rs exited early");
        assert!(
            Instant::now() < deadline,
            "the edit workspace never appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn signals_to_sops_rs_remove_the_plaintext() {
    for signal in ["TERM", "INT", "HUP"] {
        let env = Env::new();
        let file = env.encrypted("f.yaml", SAMPLE);
        let before = std::fs::read(&file).unwrap();
        let editor = env.editor("ed.sh", "exec sleep 30");
        let mut child = env
            .cmd(&editor)
            .args(["edit", &file.display().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_workspace(&env, &mut child);
        let plain: String = walk(&env.tmp)
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
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
        env.assert_tmp_empty();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path))
        } else {
            files.push(path)
        }
    }
    files
}

#[test]
fn a_new_file_starts_from_the_example_and_uses_the_creation_rule() {
    let env = Env::new();
    std::fs::write(
        env.path(".sops-rs.yaml"),
        format!("creation_rules:\n  - age: {}\n", env.recipient),
    )
    .unwrap();
    let file = env.path("new.yaml");
    let editor = env.editor(
        "ed.sh",
        r#"grep -q 'Welcome to SOPS' "$1"; sed -i 's/example_value$/my-secret/' "$1""#,
    );
    let out = env.edit(&editor, &file, b"", &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&env.recipient) && !text.contains("my-secret"));
    assert!(env.decrypt(&file).contains("example_key: my-secret"));
    env.assert_tmp_empty();
    // A new file left as the template is not created.
    let untouched = env.path("other.json");
    let out = env.edit(&env.editor("noop.sh", "true"), &untouched, b"", &[]);
    assert_eq!(out.status.code(), Some(200));
    assert!(!untouched.exists());
}

#[test]
fn show_master_keys_shows_metadata_and_refuses_edits_to_it() {
    let env = Env::new();
    let file = env.encrypted("f.yaml", SAMPLE);
    let before = std::fs::read(&file).unwrap();
    let editor = env.editor(
        "ed.sh",
        r#"grep -q '^sops:' "$1"; sed -i 's/^    version: .*/    version: 9.9.9/' "$1""#,
    );
    let out = env.edit(&editor, &file, b"", &["--show-master-keys"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("metadata cannot be changed"));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let editor = env.editor(
        "ok.sh",
        r#"grep -q '^sops:' "$1"; sed -i 's/hunter2/seen/' "$1""#,
    );
    let out = env.edit(&editor, &file, b"", &["--show-master-keys"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(env.decrypt(&file).contains("password: seen"));
    env.assert_tmp_empty();
}

#[test]
fn every_format_can_be_edited() {
    let env = Env::new();
    for (name, content, from, to) in [
        ("a.json", "{\"k\": \"before\"}", "before", "after"),
        ("a.bin", "raw before bytes", "before", "after"),
        ("b.yaml", "k: before\n", "before", "after"),
        ("c.env", "K=before\n", "before", "after"),
        ("d.ini", "[s]\nk = before\n", "before", "after"),
        ("e.toml", "[t]\nk = \"before\"\n", "before", "after"),
    ] {
        let file = env.encrypted(name, content);
        let editor = env.editor("ed.sh", &format!(r#"sed -i 's/{from}/{to}/' "$1""#));
        let out = env.edit(&editor, &file, b"", &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(env.decrypt(&file).contains(to), "{name}");
    }
    env.assert_tmp_empty();
}

fn tmux(args: &[&str]) -> Output {
    Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux must be installed (scripts/install-test-deps.sh)")
}

#[test]
fn a_real_vim_in_tmux_edits_a_file_end_to_end() {
    let env = Env::new();
    let file = env.encrypted("f.yaml", SAMPLE);
    let session = format!("sops-rs-edit-{}", std::process::id());
    let socket = env.path("tmux.sock");
    let socket = socket.to_str().unwrap();
    let command = format!(
        "env -i PATH=\"$PATH\" HOME={home} TERM=xterm TMPDIR={tmp} SOPS_AGE_KEY_FILE={key} SOPS_EDITOR='vim -u NONE -N -n' {bin} edit {file}; echo exit=$? > {done}",
        home = env.dir.path().display(),
        tmp = env.tmp.display(),
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
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let screen =
            String::from_utf8(tmux(&["-S", socket, "capture-pane", "-p", "-t", &session]).stdout)
                .unwrap();
        if screen.contains("hunter2") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "vim never showed the plaintext:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
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
    while !done.exists() {
        assert!(
            Instant::now() < deadline + Duration::from_secs(10),
            "the edit never finished"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = tmux(&["-S", socket, "kill-server"]);
    assert_eq!(std::fs::read_to_string(&done).unwrap().trim(), "exit=0");
    assert_eq!(
        env.decrypt(&file),
        SAMPLE.replace("hunter2", "typed-in-vim")
    );
    env.assert_tmp_empty();
}
