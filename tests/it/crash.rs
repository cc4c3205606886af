//! Crash and concurrency safety: `kill -9` at random points of an in-place write never leaves a
//! partial file; two sops-rs processes changing one file never lose an update; core dumps are
//! off for processes that hold plaintext.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{TestEnv, path_arg, wait_for};

fn encrypted(env: &TestEnv, name: &str, content: &str) -> PathBuf {
    env.encrypted(name, content, &[])
}

/// The plaintext of `file`, or `None` when it does not decrypt.
fn decrypt(env: &TestEnv, file: &Path) -> Option<String> {
    let out = env.run(&["decrypt", &path_arg(file)]);
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

#[test]
fn kill_9_during_in_place_writes_never_leaves_a_partial_file() {
    let env = TestEnv::new();
    let content: String = (0..3000)
        .map(|i| format!("key{i}: value-{i}-{}\n", "x".repeat(40)))
        .collect();
    let file = encrypted(&env, "big.yaml", &content);
    let original = std::fs::read(&file).unwrap();
    // How long one full run takes, to spread the kill points over it.
    let started = Instant::now();
    let out = env
        .sops_rs()
        .args(["rotate", "-i", &path_arg(&file)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut full = started.elapsed();
    let mut killed_mid_run = 0;
    let mut round = 0u64;
    // At least 25 rounds and 5 runs killed before they finished; a run that finished before
    // its kill point means runs got faster, so the kill points move earlier.
    while round < 25 || killed_mid_run < 5 {
        assert!(
            round < 200,
            "only {killed_mid_run} of {round} runs were killed before finishing"
        );
        let mut child = env
            .sops_rs()
            .args(["rotate", "-i", &path_arg(&file)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The kill point (not a wait for some state): a fraction of one full run.
        std::thread::sleep(full.mul_f64((round as f64 * 0.37) % 1.0));
        Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed_mid_run += 1;
        } else {
            full = full.mul_f64(0.7);
        }
        // Either the old bytes or a complete new file: the file decrypts to the same content.
        assert_eq!(
            decrypt(&env, &file).as_deref(),
            Some(content.as_str()),
            "round {round}: a partial file is left"
        );
        round += 1;
    }
    assert_ne!(std::fs::read(&file).unwrap(), original);
}

#[test]
fn concurrent_writers_never_lose_an_update() {
    let env = TestEnv::new();
    let file = encrypted(&env, "shared.yaml", "a: 0\nb: 0\n");
    for round in 1..=12 {
        let mut children: Vec<_> = ["a", "b"]
            .iter()
            .map(|key| {
                env.sops_rs()
                    .args([
                        "set",
                        &path_arg(&file),
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
            decrypt(&env, &file).unwrap(),
            format!("a: {round}\nb: {round}\n"),
            "round {round} lost an update"
        );
    }
}

#[test]
fn a_second_writer_waits_for_an_edit_in_progress() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.yaml", "a: 1\n");
    // The editor says it started (sops-rs holds the lock by then), then waits for the test's
    // go-ahead before it changes the file.
    let started = env.path("editor-started");
    let go = env.path("go");
    let editor = env.write(
        "slow.sh",
        format!(
            "#!/bin/sh\n: > {started}\ni=0\nwhile [ ! -e {go} ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\nsed -i 's/a: 1/a: 2/' \"$1\"\n",
            started = started.display(),
            go = go.display(),
        ),
    );
    let mut edit = env
        .sops_rs()
        .env("SOPS_EDITOR", format!("sh {}", editor.display()))
        .args(["edit", &path_arg(&file)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the editor to start", Duration::from_secs(20), || {
        assert!(edit.try_wait().unwrap().is_none(), "edit exited early");
        started.exists()
    });
    let mut set = env
        .sops_rs()
        .args(["set", &path_arg(&file), "[\"b\"]", "3"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `set` says it waits (the marker on its stderr), and only then may the edit finish.
    let mut set_stderr = BufReader::new(set.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("waiting for another sops-rs process") {
        let mut line = String::new();
        if set_stderr.read_line(&mut line).unwrap() == 0 {
            panic!("set did not wait for the edit: {said}");
        }
        said.push_str(&line);
    }
    std::fs::write(&go, "").unwrap();
    let edit = edit.wait_with_output().unwrap();
    assert!(
        edit.status.success(),
        "{}",
        String::from_utf8_lossy(&edit.stderr)
    );
    let mut rest = String::new();
    set_stderr.read_to_string(&mut rest).unwrap();
    assert!(set.wait().unwrap().success(), "{said}{rest}");
    assert_eq!(decrypt(&env, &file).unwrap(), "a: 2\nb: 3\n");
}

#[test]
fn core_dumps_are_off_for_processes_holding_plaintext() {
    let env = TestEnv::new();
    let file = encrypted(&env, "f.yaml", "a: 1\n");
    let out = env
        .sops_rs()
        .args(["exec-env", &path_arg(&file), "ulimit -c"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "0");
}
