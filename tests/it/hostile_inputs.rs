//! Hostile inputs through the binary: endless devices as the input file, standard input,
//! `--value-file`, key files and config; key commands and gpg that print without end or never
//! finish; a question answered by an endless or silent standard input; `set` paths deeper than
//! any reader accepts; broken age sources beside working ones; a passphrase-protected SSH key
//! without a terminal; `exec-file --user`.
//!
//! Every run is held to an address-space limit (`prlimit --as`, four times the default input
//! limit; before the bounds these runs took 4 to 6 GB) and a deadline far above a normal run (a
//! hang must end, this is not a timing test). Failures must be a clear error saying which limit
//! was passed, and the file worked on must be untouched.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{TestEnv, ok, path_arg, sops_command, sops_rs_command};

/// The address space a run may use: 1 GiB.
const ADDRESS_SPACE: u64 = 1 << 30;

/// Far above any normal run (reading 256 MiB in a debug build takes a few seconds).
const DEADLINE: Duration = Duration::from_secs(120);

/// What a run left behind.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    /// A failure with `code`, no panic, and `needles` in the message.
    fn failed(&self, code: i32, needles: &[&str], what: &str) {
        assert_eq!(self.code, Some(code), "{what}: {}", self.stderr);
        for bad in ["panicked", "RUST_BACKTRACE", "memory allocation"] {
            assert!(!self.stderr.contains(bad), "{what}: {}", self.stderr);
        }
        for needle in needles {
            assert!(
                self.stderr.contains(needle),
                "{what}: {needle:?} not in {}",
                self.stderr
            );
        }
    }

    /// [`Ran::failed`], with the whole message on one line.
    fn failed_in_one_line(&self, code: i32, needles: &[&str], what: &str) {
        self.failed(code, needles, what);
        assert_eq!(
            self.stderr.trim_end().lines().count(),
            1,
            "{what}: {}",
            self.stderr
        );
    }

    fn succeeded(&self, what: &str) {
        assert_eq!(self.code, Some(0), "{what}: {}", self.stderr);
    }
}

/// Where standard input comes from.
enum Input<'a> {
    Null,
    File(&'a str),
    /// A pipe that stays open and silent for the whole run.
    Silent,
}

struct Hostile {
    home: TestEnv,
    key_file: String,
}

impl Hostile {
    fn new() -> Hostile {
        let home = TestEnv::new();
        Hostile {
            key_file: path_arg(&home.key_file),
            home,
        }
    }

    fn path(&self, name: &str) -> String {
        path_arg(&self.home.path(name))
    }

    fn write(&self, name: &str, content: &str) -> String {
        path_arg(&self.home.write(name, content))
    }

    /// An executable script.
    fn script(&self, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = self.write(name, &format!("#!/bin/sh\n{body}\n"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// `plain` encrypted for `recipient` into `name`.
    fn encrypted_for(&self, name: &str, plain: &str, recipient: &str) -> String {
        let path = self.write(name, plain);
        let out = sops_rs_command(self.home.dir())
            .args(["encrypt", "-i", "--age", recipient, &path])
            .output()
            .unwrap();
        ok(out, "encrypt");
        path
    }

    fn encrypted(&self, name: &str, plain: &str) -> String {
        self.encrypted_for(name, plain, &self.home.recipient)
    }

    /// sops-rs with the age key file, under the address-space limit and the deadline.
    fn ours(&self, args: &[&str], env: &[(&str, &str)], input: Input) -> Ran {
        self.bounded(
            &[],
            args,
            &[("SOPS_AGE_KEY_FILE", &self.key_file)],
            env,
            input,
        )
    }

    /// sops-rs with only the environment given, run by `prefix` (e.g. `setsid --wait`).
    fn bounded(
        &self,
        prefix: &[&str],
        args: &[&str],
        base: &[(&str, &str)],
        env: &[(&str, &str)],
        input: Input,
    ) -> Ran {
        let ours = sops_rs_command(self.home.dir());
        let mut words: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
        words.extend([
            "prlimit".to_string(),
            format!("--as={ADDRESS_SPACE}"),
            "--".to_string(),
            ours.get_program().to_string_lossy().into_owned(),
        ]);
        let mut cmd = Command::new(&words[0]);
        cmd.args(&words[1..])
            .args(args)
            .env_clear()
            .current_dir(self.home.dir());
        for (key, value) in ours.get_envs() {
            if let Some(value) = value {
                cmd.env(key, value);
            }
        }
        for (key, value) in base.iter().chain(env) {
            cmd.env(key, value);
        }
        run_with_deadline(cmd, input, self.home.dir())
    }
}

/// Runs `cmd` to its end, or kills it and fails at the deadline.
fn run_with_deadline(mut cmd: Command, input: Input, dir: &std::path::Path) -> Ran {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let stamp = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let stdout_path = dir.join(format!("stdout-{stamp}"));
    let stderr_path = dir.join(format!("stderr-{stamp}"));
    cmd.stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap());
    let mut silent_writer = None;
    match input {
        Input::Null => {
            cmd.stdin(Stdio::null());
        }
        Input::File(path) => {
            cmd.stdin(std::fs::File::open(path).unwrap());
        }
        Input::Silent => {
            cmd.stdin(Stdio::piped());
        }
    }
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .expect("prlimit and setsid (util-linux) must be installed");
    if let Some(stdin) = child.stdin.take() {
        silent_writer = Some(stdin);
    }
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} still ran after {DEADLINE:?}: {}",
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(silent_writer);
    Ran {
        code: status.code(),
        stdout: String::from_utf8_lossy(&std::fs::read(&stdout_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap()).into_owned(),
    }
}

/// Whether a live process has `marker` in its command line (zombies have none).
/// A `sleep` argument no other test run on the machine uses (it holds this process's id), so that
/// [`process_with`] finds only what this run started.
fn sleep_marker(n: u8) -> String {
    format!("98{:07}{n}", std::process::id())
}

fn process_with(marker: &str) -> Option<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .map(|line| String::from_utf8_lossy(&line).replace('\0', " "))
        .find(|line| line.contains(marker))
}

const INPUT_LIMIT: &str = "more than 256 MiB, the limit for input files";

#[test]
fn endless_inputs_stop_at_the_input_limit() {
    let h = Hostile::new();
    h.ours(&["decrypt", "/dev/zero"], &[], Input::Null)
        .failed_in_one_line(
            2,
            &["/dev/zero", INPUT_LIMIT, "SOPS_RS_MAX_INPUT_BYTES"],
            "decrypt /dev/zero",
        );
    let recipient = h.home.recipient.clone();
    h.ours(
        &[
            "encrypt",
            "--age",
            &recipient,
            "--filename-override",
            "x.yaml",
        ],
        &[],
        Input::File("/dev/zero"),
    )
    .failed_in_one_line(2, &["standard input", INPUT_LIMIT], "encrypt < /dev/zero");
    // The limit is configurable.
    let small = [("SOPS_RS_MAX_INPUT_BYTES", "1M")];
    h.ours(&["decrypt", "/dev/urandom"], &small, Input::Null)
        .failed_in_one_line(
            2,
            &["/dev/urandom", "more than 1 MiB, the limit for input files"],
            "decrypt /dev/urandom",
        );
    let file = h.encrypted("app.yaml", "a: 1\n");
    let before = std::fs::read(&file).unwrap();
    for (value_file, env) in [("/dev/zero", &[][..]), ("/dev/urandom", &small[..])] {
        h.ours(
            &["set", "--value-file", &file, r#"["b"]"#, value_file],
            env,
            Input::Null,
        )
        .failed_in_one_line(
            2,
            &[value_file, "the limit for input files"],
            "set --value-file",
        );
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "the file is untouched"
        );
    }
    h.ours(
        &["set", "--value-stdin", &file, r#"["b"]"#],
        &small,
        Input::File("/dev/zero"),
    )
    .failed_in_one_line(
        2,
        &["standard input", "limit for input files"],
        "set --value-stdin",
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is untouched"
    );
    h.ours(
        &["decrypt", "/dev/zero"],
        &[("SOPS_RS_MAX_INPUT_BYTES", "lots")],
        Input::Null,
    )
    .failed_in_one_line(1, &["SOPS_RS_MAX_INPUT_BYTES"], "a malformed limit");
}

#[test]
fn key_files_and_config_stop_at_their_limits() {
    let h = Hostile::new();
    let file = h.encrypted("app.yaml", "a: 1\n");
    let plain = h.write("plain.yaml", "a: 1\n");
    let key_limit = "more than 16 MiB, the limit for key files";
    for (variable, device) in [
        ("SOPS_AGE_KEY_FILE", "/dev/zero"),
        ("SOPS_AGE_KEY_FILE", "/dev/urandom"),
        ("SOPS_AGE_SSH_PRIVATE_KEY_FILE", "/dev/zero"),
    ] {
        h.bounded(
            &[],
            &["decrypt", &file],
            &[],
            &[(variable, device)],
            Input::Null,
        )
        .failed(128, &[device, key_limit, "SOPS_RS_MAX_KEY_BYTES"], variable);
    }
    for config in ["/dev/zero", "/dev/urandom"] {
        h.ours(&["--config", config, "encrypt", &plain], &[], Input::Null)
            .failed_in_one_line(
                1,
                &[
                    config,
                    "more than 16 MiB, the limit for configuration files",
                ],
                "--config",
            );
        h.ours(
            &["encrypt", &plain],
            &[("SOPS_CONFIG", config)],
            Input::Null,
        )
        .failed_in_one_line(1, &[config, "limit for configuration files"], "SOPS_CONFIG");
    }
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), "a: 1\n");
}

#[test]
fn key_commands_are_bounded_in_output_and_in_time() {
    let h = Hostile::new();
    let file = h.encrypted("app.yaml", "a: 1\n");
    let output_limit = "printed more than 16 MiB, the limit for command output";
    for variable in ["SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_CMD"] {
        h.bounded(
            &[],
            &["decrypt", &file],
            &[],
            &[(variable, "cat /dev/zero")],
            Input::Null,
        )
        .failed(
            128,
            &[variable, output_limit, "SOPS_RS_MAX_COMMAND_OUTPUT_BYTES"],
            variable,
        );
    }
    // A command that never ends, and a process it started: both are gone afterwards.
    let (child, orphan) = (sleep_marker(1), sleep_marker(2));
    let hanging = h.script("hang.sh", &format!("sleep {child} &\nexec sleep {orphan}"));
    let ran = h.bounded(
        &[],
        &["decrypt", &file],
        &[],
        &[
            ("SOPS_AGE_KEY_CMD", &hanging),
            ("SOPS_RS_COMMAND_TIMEOUT_SECONDS", "1"),
        ],
        Input::Null,
    );
    ran.failed(
        128,
        &[
            "SOPS_AGE_KEY_CMD did not finish within 1 s",
            "SOPS_RS_COMMAND_TIMEOUT_SECONDS",
        ],
        "a hanging SOPS_AGE_KEY_CMD",
    );
    for marker in [child, orphan] {
        assert_eq!(
            process_with(&format!("sleep {marker}")),
            None,
            "an orphan is left"
        );
    }
}

#[cfg(feature = "pgp")]
#[test]
fn gpg_is_bounded_in_output_and_in_time() {
    let h = Hostile::new();
    let plain = h.write("plain.yaml", "a: 1\n");
    let fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
    let flood = h.script("flood-gpg", "exec cat /dev/zero");
    h.bounded(
        &[],
        &["encrypt", "--pgp", fingerprint, &plain],
        &[],
        &[("SOPS_GPG_EXEC", &flood)],
        Input::Null,
    )
    .failed_in_one_line(
        1,
        &["printed more than 16 MiB, the limit for command output"],
        "gpg floods",
    );
    let marker = sleep_marker(3);
    let hang = h.script("hang-gpg", &format!("exec sleep {marker}"));
    h.bounded(
        &[],
        &["encrypt", "--pgp", fingerprint, &plain],
        &[],
        &[
            ("SOPS_GPG_EXEC", &hang),
            ("SOPS_RS_COMMAND_TIMEOUT_SECONDS", "1"),
        ],
        Input::Null,
    )
    .failed_in_one_line(1, &["did not finish within 1 s"], "gpg hangs");
    assert_eq!(
        process_with(&format!("sleep {marker}")),
        None,
        "gpg is left running"
    );
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), "a: 1\n");
}

#[test]
fn a_question_is_bounded_in_size_and_in_time() {
    // The editor leaves invalid YAML, so sops-rs asks whether to reopen it.
    let h = Hostile::new();
    let file = h.encrypted("app.yaml", "a: 1\n");
    let before = std::fs::read(&file).unwrap();
    let editor = h.script("editor.sh", r#"printf 'a: [\n' > "$1""#);
    let endless = h.ours(
        &["edit", &file],
        &[("SOPS_EDITOR", &editor)],
        Input::File("/dev/zero"),
    );
    endless.failed(
        1,
        &[
            "more than 4 KiB, the limit for an answer",
            "was not changed",
        ],
        "endless answer",
    );
    let silent = h.ours(
        &["edit", &file],
        &[
            ("SOPS_EDITOR", &editor),
            ("SOPS_RS_COMMAND_TIMEOUT_SECONDS", "1"),
        ],
        Input::Silent,
    );
    silent.failed(
        1,
        &["no answer on standard input within 1 s", "was not changed"],
        "no answer",
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is untouched"
    );
}

#[test]
fn set_refuses_paths_deeper_than_any_reader_accepts() {
    let h = Hostile::new();
    let keys = |n: usize| r#"["k"]"#.repeat(n);
    for (name, plain) in [
        ("app.yaml", "a: 1\n"),
        ("app.json", "{\"a\": 1}\n"),
        ("app.toml", "a = 1\n"),
    ] {
        let file = h.encrypted(name, plain);
        let before = std::fs::read(&file).unwrap();
        for (path, value) in [
            (keys(81), "1".to_string()),
            (keys(300), "1".to_string()),
            (keys(20_000), "1".to_string()),
            (keys(79), r#"{"a": {"b": 1}}"#.to_string()),
            (keys(2), format!("{}1{}", "[".repeat(79), "]".repeat(79))),
        ] {
            h.ours(&["set", &file, &path, &value], &[], Input::Null)
                .failed_in_one_line(
                    7,
                    &[name, "more than 80 levels deep"],
                    &format!("set {name} at {} levels", path.len() / 5),
                );
            assert_eq!(std::fs::read(&file).unwrap(), before, "{name} is untouched");
        }
        // The deepest path any reader accepts is written, and read back.
        h.ours(&["set", &file, &keys(80), "\"deep\""], &[], Input::Null)
            .succeeded(name);
        let out = h.ours(
            &["decrypt", "--extract", &keys(80), &file],
            &[],
            Input::Null,
        );
        out.succeeded(name);
        assert_eq!(out.stdout, "deep", "{name}");
    }
}

#[test]
fn a_broken_age_source_does_not_disable_the_others() {
    let h = Hostile::new();
    let file = h.encrypted("app.yaml", "password: hunter2\n");
    let canary = "CANARY-c0ffee";
    let garbage = h.write("garbage.txt", &format!("{canary}\n"));
    let missing = h.path("missing.txt");
    let key = h.home.identity.clone();
    let key_file = h.key_file.clone();
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("SOPS_AGE_KEY_FILE", &garbage), ("SOPS_AGE_KEY", &key)],
            "SOPS_AGE_KEY_FILE",
        ),
        (
            &[("SOPS_AGE_KEY_FILE", &missing), ("SOPS_AGE_KEY", &key)],
            "SOPS_AGE_KEY_FILE",
        ),
        (
            &[("SOPS_AGE_KEY", canary), ("SOPS_AGE_KEY_FILE", &key_file)],
            "SOPS_AGE_KEY",
        ),
        (
            &[
                ("SOPS_AGE_KEY_CMD", "false"),
                ("SOPS_AGE_KEY_FILE", &key_file),
            ],
            "SOPS_AGE_KEY_CMD",
        ),
    ];
    for (env, broken) in cases {
        let ran = h.bounded(&[], &["decrypt", &file], &[], env, Input::Null);
        ran.succeeded(broken);
        assert_eq!(ran.stdout, "password: hunter2\n");
        let warnings: Vec<&str> = ran.stderr.lines().collect();
        assert_eq!(warnings.len(), 1, "one warning: {}", ran.stderr);
        assert!(
            warnings[0].starts_with("warning:") && warnings[0].contains(broken),
            "{}",
            ran.stderr
        );
        assert!(
            !ran.stderr.contains(canary),
            "the source's content is never shown"
        );
        // The real sops goes on with the sources that work too.
        let mut theirs = sops_command(h.home.dir());
        theirs.args(["decrypt", &file]).envs(env.iter().copied());
        let out = theirs.output().unwrap();
        assert!(
            out.status.success(),
            "sops: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // With no source that works, every problem is told.
    let ran = h.bounded(
        &[],
        &["decrypt", &file],
        &[],
        &[
            ("SOPS_AGE_KEY_FILE", &garbage),
            ("SOPS_AGE_KEY_CMD", "false"),
        ],
        Input::Null,
    );
    ran.failed(
        128,
        &["SOPS_AGE_KEY_FILE", "SOPS_AGE_KEY_CMD failed"],
        "no source works",
    );
    assert!(!ran.stderr.contains(canary));
}

#[test]
fn a_protected_ssh_key_without_a_terminal_says_so() {
    let h = Hostile::new();
    let fixtures = crate::support::repo_root().join("fixtures/keys");
    let public = std::fs::read_to_string(fixtures.join("ssh-ed25519-protected.pub")).unwrap();
    let key = h.path("id_ed25519");
    std::fs::copy(fixtures.join("ssh-ed25519-protected"), &key).unwrap();
    let file = h.encrypted_for("app.yaml", "a: 1\n", public.trim());
    // setsid: no controlling terminal, even when the tests run in one.
    let ran = h.bounded(
        &["setsid", "--wait"],
        &["decrypt", &file],
        &[],
        &[("SOPS_AGE_SSH_PRIVATE_KEY_FILE", &key)],
        Input::Null,
    );
    ran.failed(
        128,
        &[
            &key,
            "protected by a passphrase",
            "no terminal to ask for it",
        ],
        "a protected key",
    );
    assert!(!ran.stderr.contains("none of the loaded"), "{}", ran.stderr);
}

#[test]
fn exec_file_as_another_user_reads_its_own_file() {
    let h = Hostile::new();
    let file = h.encrypted("app.yaml", "password: hunter2\n");
    for fifo in [true, false] {
        let mut args = vec!["exec-file", "--user", "nobody"];
        if !fifo {
            args.push("--no-fifo");
        }
        args.extend([&file, "id -u; cat {}"]);
        let ran = h.ours(&args, &[], Input::Null);
        ran.succeeded(&format!("exec-file --user (fifo: {fifo})"));
        assert_eq!(ran.stdout, "65534\npassword: hunter2\n", "fifo: {fifo}");
    }
}
