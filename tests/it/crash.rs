//! Crash and concurrency safety: `kill -9` at random points of an in-place write never leaves a
//! partial file; two sops-rs processes changing one file never lose an update; core dumps are
//! off for processes that hold plaintext.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::sops_rs_command;

struct Env {
    dir: tempfile::TempDir,
    key_file: PathBuf,
    recipient: String,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        use age::secrecy::ExposeSecret;
        let identity = age::x25519::Identity::generate();
        let key_file = dir.path().join("key.txt");
        std::fs::write(
            &key_file,
            format!("{}\n", identity.to_string().expose_secret()),
        )
        .unwrap();
        Env {
            recipient: identity.to_public().to_string(),
            key_file,
            dir,
        }
    }

    fn cmd(&self) -> Command {
        let mut cmd = sops_rs_command(self.dir.path());
        cmd.env("SOPS_AGE_KEY_FILE", &self.key_file)
            .stdin(Stdio::null());
        cmd
    }

    fn encrypted(&self, name: &str, content: &str) -> PathBuf {
        let plain = self.dir.path().join(format!("plain-{name}"));
        std::fs::write(&plain, content).unwrap();
        let out = self
            .cmd()
            .args(["encrypt", "--age", &self.recipient, &s(&plain)])
            .output()
            .unwrap();
        assert!(out.status.success());
        let path = self.dir.path().join(name);
        std::fs::write(&path, out.stdout).unwrap();
        path
    }

    fn decrypt(&self, file: &Path) -> Option<String> {
        let out = self.cmd().args(["decrypt", &s(file)]).output().unwrap();
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap())
    }
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn kill_9_during_in_place_writes_never_leaves_a_partial_file() {
    let env = Env::new();
    let content: String = (0..3000)
        .map(|i| format!("key{i}: value-{i}-{}\n", "x".repeat(40)))
        .collect();
    let file = env.encrypted("big.yaml", &content);
    let original = std::fs::read(&file).unwrap();
    // How long one full run takes, to spread the kill points over it.
    let started = Instant::now();
    let out = env
        .cmd()
        .args(["rotate", "-i", &s(&file)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let full = started.elapsed();
    let mut previous = std::fs::read(&file).unwrap();
    let mut killed_mid_run = 0;
    for round in 0..25u64 {
        let mut child = env
            .cmd()
            .args(["rotate", "-i", &s(&file)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = full.mul_f64((round as f64 * 0.37) % 1.0);
        std::thread::sleep(delay);
        Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed_mid_run += 1;
        }
        let now = std::fs::read(&file).unwrap();
        assert!(
            now == previous || env.decrypt(&file).as_deref() == Some(content.as_str()),
            "round {round}: partial file"
        );
        assert_eq!(
            env.decrypt(&file).as_deref(),
            Some(content.as_str()),
            "round {round}: file no longer decrypts"
        );
        previous = now;
    }
    assert!(
        killed_mid_run >= 5,
        "only {killed_mid_run} runs were killed before finishing"
    );
    assert_ne!(previous, original);
}

#[test]
fn concurrent_writers_never_lose_an_update() {
    let env = Env::new();
    let file = env.encrypted("shared.yaml", "a: 0\nb: 0\n");
    for round in 1..=12 {
        let mut children: Vec<_> = ["a", "b"]
            .iter()
            .map(|key| {
                env.cmd()
                    .args([
                        "set",
                        &s(&file),
                        &format!("[\"{key}\"]"),
                        &round.to_string(),
                    ])
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in &mut children {
            assert!(child.wait().unwrap().success());
        }
        assert_eq!(
            env.decrypt(&file).unwrap(),
            format!("a: {round}\nb: {round}\n"),
            "round {round} lost an update"
        );
    }
}

#[test]
fn a_second_writer_waits_for_an_edit_in_progress() {
    let env = Env::new();
    let file = env.encrypted("f.yaml", "a: 1\n");
    let editor = env.dir.path().join("slow.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsleep 1\nsed -i 's/a: 1/a: 2/' \"$1\"\n",
    )
    .unwrap();
    let mut edit = env
        .cmd()
        .env("SOPS_EDITOR", format!("sh {}", editor.display()))
        .args(["edit", &s(&file)])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let set = env
        .cmd()
        .args(["set", &s(&file), "[\"b\"]", "3"])
        .output()
        .unwrap();
    assert!(edit.wait().unwrap().success());
    assert!(set.status.success());
    assert!(String::from_utf8_lossy(&set.stderr).contains("waiting for another sops-rs process"));
    assert_eq!(env.decrypt(&file).unwrap(), "a: 2\nb: 3\n");
}

#[test]
fn core_dumps_are_off_for_processes_holding_plaintext() {
    let env = Env::new();
    let file = env.encrypted("f.yaml", "a: 1\n");
    let out = env
        .cmd()
        .args(["exec-env", &s(&file), "ulimit -c"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "0");
}
