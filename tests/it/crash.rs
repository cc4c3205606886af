//! Crash and concurrency safety: `kill -9` at random points of an in-place write never leaves a
//! partial file; two sops-rs processes changing one file never lose an update; core dumps are
//! off for processes that hold plaintext.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

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

/// The in-place writer's temporary files (`.sops-rs.*.tmp`) in `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(".sops-rs.") && name.ends_with(".tmp")
        })
        .collect()
}

#[test]
fn kill_9_during_in_place_writes_never_leaves_a_partial_file() {
    let env = TestEnv::new();
    let content: String = (0..3000)
        .map(|i| format!("key{i}: value-{i}-{}\n", "x".repeat(40)))
        .collect();
    let file = encrypted(&env, "big.yaml", &content);
    let original = std::fs::read(&file).unwrap();
    // The kill points are states, not times: right after the start (odd rounds), or the moment
    // the writer's temporary file appears beside the target, mid-write (even rounds). A run
    // that finishes before its temporary file is seen just does not count.
    let mut killed_mid_write = 0;
    let mut round = 0;
    while round < 20 || killed_mid_write < 5 {
        assert!(
            round < 200,
            "only {killed_mid_write} of {round} runs were killed mid-write"
        );
        let mut child = env
            .sops_rs()
            .args(["rotate", "-i", &path_arg(&file)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mid_write = round % 2 == 0
            && loop {
                if !temp_files(env.dir()).is_empty() {
                    break true;
                }
                if child.try_wait().unwrap().is_some() {
                    break false;
                }
                std::thread::yield_now();
            };
        let _ = child.kill();
        let status = child.wait().unwrap();
        if mid_write && status.code().is_none() {
            killed_mid_write += 1;
        }
        // Either the old bytes or a complete new file: the file decrypts to the same content.
        assert_eq!(
            decrypt(&env, &file).as_deref(),
            Some(content.as_str()),
            "round {round}: a partial file is left"
        );
        // What kill -9 leaves behind: the temporary file, never the target.
        for temp in temp_files(env.dir()) {
            std::fs::remove_file(temp).unwrap();
        }
        round += 1;
    }
    // A run left alone still rewrites the file.
    env.ok(&["rotate", "-i", &path_arg(&file)]);
    assert_ne!(std::fs::read(&file).unwrap(), original);
    assert_eq!(decrypt(&env, &file).as_deref(), Some(content.as_str()));
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
