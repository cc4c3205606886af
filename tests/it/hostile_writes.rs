//! Writes on hostile ground (issue 18, items 1-4), through the binary: devices, FIFOs, sockets
//! and descriptor paths are written in place and kept; links and hard links change the real
//! file; owner, group and mode are kept; new plaintext is private and no temporary file is ever
//! created wider than 0600; a link planted by another user, or swapped in while a command
//! works, is not followed; read-only files and directories and long names behave as in sops.
//!
//! Other users are `nobody` through `setpriv`; device nodes are made with `mknod` inside the
//! test's own directory, and the machine's `/dev` is only written where nothing can break it
//! (`/dev/null` and `/dev/stdout` as `nobody`). Each case checks that the real target changed,
//! that `nobody` can read no plaintext, and that a refusal is one line with sops's exit code
//! and leaves the input untouched.

use std::ffi::OsStr;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use age::secrecy::ExposeSecret;

use crate::support::{TestEnv, as_nobody, launched_by};

/// The value that must never be readable by another user.
const CANARY: &str = "canary-7f3a9c";
const PLAIN: &str = "db:\n    password: canary-7f3a9c\n    user: app\n";
const NOBODY: u32 = 65534;

/// A [`TestEnv`] shared with `nobody`.
struct Shared {
    home: TestEnv,
}

impl Shared {
    /// A home `nobody` can enter and read (but not write), with an age key it can read, and a
    /// TMPDIR every user can write.
    fn new() -> Shared {
        let home = TestEnv::new();
        chmod(home.dir(), 0o755);
        chmod(&home.tmp(), 0o1777);
        Shared { home }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path(name)
    }

    /// A subdirectory with `mode`.
    fn subdir(&self, name: &str, mode: u32) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(&path).unwrap();
        chmod(&path, mode);
        path
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.home.sops_rs();
        cmd.args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn run_as_nobody(&self, args: &[&str]) -> Output {
        as_nobody(&self.cmd(args), self.home.dir())
            .stdin(Stdio::null())
            .output()
            .expect("setpriv (util-linux) must be installed")
    }

    /// The real sops with the same key, as `nobody`.
    fn sops_as_nobody(&self, args: &[&str]) -> Output {
        let mut cmd = self.home.sops();
        cmd.args(args);
        as_nobody(&cmd, self.home.dir())
            .stdin(Stdio::null())
            .output()
            .expect("setpriv (util-linux) must be installed")
    }

    /// sops-rs with `args` under `umask`, started through `launcher` first (strace, say).
    fn under_umask(&self, launcher: &[&OsStr], umask: &str, args: &[&str]) -> Output {
        let shell = format!("umask {umask}; exec \"$0\" \"$@\"");
        let mut words = launcher.to_vec();
        words.extend(["sh", "-c", &shell].map(OsStr::new));
        launched_by(&words, &self.cmd(args))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| {
                panic!("{words:?}: {e}: run scripts/install-test-deps.sh (strace, util-linux)")
            })
    }

    /// sops-rs, linked where `nobody` can run it.
    fn binary_for_nobody(&self) -> PathBuf {
        let reachable = self.path("sops-rs");
        if !reachable.exists() {
            std::fs::copy(env!("CARGO_BIN_EXE_sops-rs"), &reachable).unwrap();
        }
        reachable
    }

    /// A bash script run as `nobody` in the directory, with the key.
    fn bash_as_nobody(&self, script: &str) -> Output {
        let mut cmd = Command::new("bash");
        cmd.args(["-c", script])
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.dir())
            .env("SOPS_AGE_KEY_FILE", &self.home.key_file)
            .current_dir(self.home.dir());
        as_nobody(&cmd, self.home.dir())
            .stdin(Stdio::null())
            .output()
            .expect("setpriv (util-linux) must be installed")
    }

    /// `PLAIN` encrypted for this env's key (and `more` recipients) at `path`.
    fn encrypt_to(&self, path: &Path, more: &[&str]) {
        let recipients = std::iter::once(self.home.recipient.as_str())
            .chain(more.iter().copied())
            .collect::<Vec<_>>()
            .join(",");
        let plain = self.path("plain-source.yaml");
        std::fs::write(&plain, PLAIN).unwrap();
        let out = self.run(&[
            "encrypt",
            "--age",
            &recipients,
            "--filename-override",
            "x.yaml",
            plain.to_str().unwrap(),
        ]);
        std::fs::remove_file(&plain).unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::write(path, out.stdout).unwrap();
    }

    fn encrypted(&self, name: &str) -> PathBuf {
        let path = self.path(name);
        self.encrypt_to(&path, &[]);
        path
    }

    /// `decrypt --output OUTPUT ENCRYPTED`.
    fn decrypt_into(&self, output: &Path, encrypted: &Path) -> Output {
        let [output, encrypted] = [output, encrypted].map(|p| p.to_str().unwrap());
        self.run(&["decrypt", "--output", output, encrypted])
    }

    fn decrypt(&self, path: &Path) -> String {
        let out = self.run(&["decrypt", "--input-type", "yaml", path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "decrypt {}: {}",
            path.display(),
            stderr(&out)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Every file under the directory that `nobody` can read and that holds the canary.
    fn plaintext_nobody_can_read(&self) -> String {
        let out = self.bash_as_nobody(&format!(
            "grep -rl --no-messages {CANARY} {} || true",
            self.home.dir().display()
        ));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn assert_no_plaintext_for_nobody(&self, what: &str) {
        let found = self.plaintext_nobody_can_read();
        assert!(
            found.is_empty(),
            "{what}: plaintext readable by nobody in {found}"
        );
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn chown(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeded(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status.code(),
        stderr(out)
    );
}

/// Failed with `code` and one stderr line naming `name`.
fn refused(out: &Output, code: i32, name: &str, what: &str) {
    let text = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{what}: {text}");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{what}: not one line: {text}");
    assert!(lines[0].contains(name), "{what}: {name} not named: {text}");
    assert!(!text.contains(CANARY), "{what}: a value in the error");
}

fn file_type(path: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(path).unwrap().file_type()
}

/// Names in `dir` that look like temporary files.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect()
}

// 1. Devices, FIFOs, sockets and descriptors.

#[test]
fn a_device_node_is_written_in_place_and_kept() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let devices = env.subdir("devices", 0o755);
    let null = devices.join("null");
    let made = Command::new("mknod")
        .args([null.to_str().unwrap(), "c", "1", "3"])
        .status()
        .expect("mknod (coreutils)");
    assert!(made.success(), "mknod needs root (the suite runs as root)");
    let before = std::fs::symlink_metadata(&null).unwrap();
    let out = env.decrypt_into(&null, &encrypted);
    succeeded(&out, "decrypt --output DEVICE");
    let after = std::fs::symlink_metadata(&null).unwrap();
    assert!(
        after.file_type().is_char_device(),
        "the device was replaced"
    );
    assert_eq!(after.rdev(), before.rdev());
    assert_eq!(after.ino(), before.ino());
    assert_eq!(after.mode(), before.mode());
    assert!(leftovers(&devices).is_empty());
    env.assert_no_plaintext_for_nobody("decrypt --output DEVICE");
}

#[test]
fn a_fifo_is_written_in_place_and_kept() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let fifo = env.path("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let mut reader = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = env.decrypt_into(&fifo, &encrypted);
    let still_fifo = file_type(&fifo).is_fifo();
    // With the FIFO replaced, its reader would wait forever.
    let deadline = Instant::now() + Duration::from_secs(20);
    while reader.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    if reader.try_wait().unwrap().is_none() {
        reader.kill().unwrap();
    }
    let read = reader.wait_with_output().unwrap();
    succeeded(&out, "decrypt --output FIFO");
    assert!(still_fifo, "the FIFO was replaced by a file");
    assert_eq!(String::from_utf8_lossy(&read.stdout), PLAIN);
    env.assert_no_plaintext_for_nobody("decrypt --output FIFO");
}

#[test]
fn a_socket_is_refused_and_kept() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let socket = env.path("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let out = env.decrypt_into(&socket, &encrypted);
    refused(&out, 3, "socket", "decrypt --output SOCKET");
    assert!(file_type(&socket).is_socket(), "the socket was replaced");
    env.assert_no_plaintext_for_nobody("decrypt --output SOCKET");
}

#[test]
fn a_link_to_our_standard_output_is_written_through_and_kept() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let link = env.path("out.yaml");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let out = env.decrypt_into(&link, &encrypted);
    succeeded(&out, "decrypt --output LINK-TO-STDOUT");
    assert_eq!(String::from_utf8_lossy(&out.stdout), PLAIN);
    assert!(file_type(&link).is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("/proc/self/fd/1")
    );
}

#[test]
fn descriptor_paths_work_for_a_normal_user() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let bin = env.binary_for_nobody();
    let (bin, file) = (bin.display(), encrypted.display());
    // The pipe is nobody's own (as in a user's shell), and one made by root (a service
    // manager's, say), which nobody may not reopen by path: written through either way.
    for path in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
        let out = env.bash_as_nobody(&format!(
            "set -o pipefail; {bin} decrypt --output {path} {file} | cat"
        ));
        succeeded(&out, &format!("nobody: decrypt --output {path} | cat"));
        assert_eq!(String::from_utf8_lossy(&out.stdout), PLAIN, "{path}");
        let out = env.run_as_nobody(&["decrypt", "--output", path, &file.to_string()]);
        succeeded(
            &out,
            &format!("nobody: decrypt --output {path} (root's pipe)"),
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), PLAIN, "{path}");
    }
    let out = env.bash_as_nobody(&format!("{bin} decrypt --output >(cat) {file} && wait $!"));
    succeeded(&out, "nobody: decrypt --output >(cat)");
    assert_eq!(String::from_utf8_lossy(&out.stdout), PLAIN);
    // As nobody, /dev/null cannot be broken: a write to it is swallowed.
    let out = env.run_as_nobody(&["decrypt", "--output", "/dev/null", &file.to_string()]);
    succeeded(&out, "nobody: decrypt --output /dev/null");
    assert!(out.stdout.is_empty());
    assert!(file_type(Path::new("/dev/null")).is_char_device());
}

// 2. Links and hard links.

/// An editor (for `edit`) that changes the canary.
fn editor(env: &Shared) -> PathBuf {
    let script = env.path("editor.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nsed -i 's/{CANARY}/edited-value/' \"$1\"\n"),
    )
    .unwrap();
    chmod(&script, 0o755);
    script
}

#[test]
fn every_command_through_a_symlink_changes_the_real_file() {
    let other = age::x25519::Identity::generate();
    let other_key = other.to_string().expose_secret().to_string();
    let other_recipient = other.to_public().to_string();
    let cases: [(&str, &[&str]); 7] = [
        ("encrypt -i", &["encrypt", "-i"]),
        ("decrypt -i", &["decrypt", "-i"]),
        ("rotate -i", &["rotate", "-i", "--rm-age", &other_recipient]),
        ("set", &["set"]),
        ("unset", &["unset"]),
        ("edit", &["edit"]),
        ("updatekeys", &["updatekeys", "-y"]),
    ];
    // Every case runs (a failure is reported with the others), each in its own directory.
    let case = |what: &str, command: &[&str]| {
        let env = Shared::new();
        let real = env.subdir("real", 0o755);
        let target = real.join("target.yaml");
        match what {
            "encrypt -i" => std::fs::write(&target, PLAIN).unwrap(),
            "rotate -i" => env.encrypt_to(&target, &[&other_recipient]),
            _ => env.encrypt_to(&target, &[]),
        }
        if what == "updatekeys" {
            std::fs::write(
                env.path(".sops.yaml"),
                format!(
                    "creation_rules:\n  - age: {},{}\n",
                    env.home.recipient, other_recipient
                ),
            )
            .unwrap();
        }
        let link = env.path("link.yaml");
        std::os::unix::fs::symlink("real/target.yaml", &link).unwrap();
        let mut args: Vec<&str> = command.to_vec();
        if what == "encrypt -i" {
            args.extend(["--age", &env.home.recipient]);
        }
        let link_arg = link.to_str().unwrap();
        args.push(link_arg);
        match what {
            "set" => args.extend([r#"["db"]["password"]"#, r#""new-value""#]),
            "unset" => args.push(r#"["db"]["user"]"#),
            _ => {}
        }
        let editor = editor(&env);
        let out = env
            .cmd(&args)
            .env("SOPS_EDITOR", &editor)
            .env("TMPDIR", env.subdir("workspace", 0o700))
            .output()
            .unwrap();
        succeeded(&out, what);
        assert!(
            file_type(&link).is_symlink(),
            "{what}: the link was replaced"
        );
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            Path::new("real/target.yaml")
        );
        let content = std::fs::read_to_string(&target).unwrap();
        match what {
            "encrypt -i" => {
                assert!(!content.contains(CANARY), "{what}: the target is plaintext");
                assert_eq!(env.decrypt(&target), PLAIN);
            }
            "decrypt -i" => assert_eq!(content, PLAIN, "{what}"),
            "rotate -i" => {
                let removed = env
                    .cmd(&["decrypt", target.to_str().unwrap()])
                    .env_remove("SOPS_AGE_KEY_FILE")
                    .env("SOPS_AGE_KEY", &other_key)
                    .output()
                    .unwrap();
                assert_eq!(
                    removed.status.code(),
                    Some(128),
                    "{what}: the removed key still opens the real file"
                );
            }
            "set" => assert!(env.decrypt(&target).contains("new-value"), "{what}"),
            "unset" => assert!(!env.decrypt(&target).contains("user"), "{what}"),
            "edit" => assert!(env.decrypt(&target).contains("edited-value"), "{what}"),
            _ => assert!(
                content.contains(&other_recipient),
                "{what}: keys not updated"
            ),
        }
        assert!(
            leftovers(&real).is_empty(),
            "{what}: {:?}",
            leftovers(&real)
        );
        assert!(leftovers(env.home.dir()).is_empty(), "{what}");
    };
    let failed: Vec<&str> = cases
        .iter()
        .filter(|(what, command)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(what, command))).is_err()
        })
        .map(|(what, _)| *what)
        .collect();
    assert!(failed.is_empty(), "through a link, failed: {failed:?}");
}

#[test]
fn a_hard_linked_file_changes_under_every_name() {
    let env = Shared::new();
    let one = env.path("one.yaml");
    let two = env.path("two.yaml");
    std::fs::write(&one, PLAIN).unwrap();
    std::fs::hard_link(&one, &two).unwrap();
    let out = env.run(&[
        "encrypt",
        "-i",
        "--age",
        &env.home.recipient,
        one.to_str().unwrap(),
    ]);
    succeeded(&out, "encrypt -i (hard link)");
    for name in [&one, &two] {
        let content = std::fs::read_to_string(name).unwrap();
        assert!(
            !content.contains(CANARY),
            "{} stayed plaintext",
            name.display()
        );
    }
    assert_eq!(std::fs::metadata(&one).unwrap().nlink(), 2);
    let out = env.run(&[
        "set",
        two.to_str().unwrap(),
        r#"["db"]["user"]"#,
        r#""root""#,
    ]);
    succeeded(&out, "set (hard link)");
    assert!(env.decrypt(&one).contains("user: root"));
    assert_eq!(
        std::fs::metadata(&one).unwrap().ino(),
        std::fs::metadata(&two).unwrap().ino()
    );
}

#[test]
fn a_dangling_link_is_refused() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let link = env.path("out.yaml");
    std::os::unix::fs::symlink("elsewhere/missing.yaml", &link).unwrap();
    let out = env.decrypt_into(&link, &encrypted);
    refused(&out, 3, "out.yaml", "decrypt --output DANGLING");
    assert!(file_type(&link).is_symlink(), "the link was replaced");
    env.assert_no_plaintext_for_nobody("decrypt --output DANGLING");
}

/// A directory every user can write (not sticky) and a file `nobody` owns and can read.
fn shared_and_attacker_file(env: &Shared) -> (PathBuf, PathBuf) {
    let shared = env.subdir("shared", 0o777);
    let attacker = env.subdir("attacker", 0o755);
    chown(&attacker, NOBODY, NOBODY);
    let leak = attacker.join("leak.yaml");
    std::fs::write(&leak, "nothing\n").unwrap();
    chown(&leak, NOBODY, NOBODY);
    chmod(&leak, 0o666);
    (shared, leak)
}

#[test]
fn a_link_planted_by_another_user_is_not_followed() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let (shared, leak) = shared_and_attacker_file(&env);
    let planted = shared.join("out.yaml");
    std::os::unix::fs::symlink(&leak, &planted).unwrap();
    chown(&planted, NOBODY, NOBODY);
    let out = env.decrypt_into(&planted, &encrypted);
    refused(&out, 3, "out.yaml", "decrypt --output PLANTED-LINK");
    assert_eq!(std::fs::read_to_string(&leak).unwrap(), "nothing\n");
    assert!(file_type(&planted).is_symlink());
    env.assert_no_plaintext_for_nobody("decrypt --output PLANTED-LINK");
}

#[test]
fn a_file_swapped_for_a_link_while_decrypting_is_not_written() {
    let env = Shared::new();
    let (shared, leak) = shared_and_attacker_file(&env);
    let secret = shared.join("secret.yaml");
    env.encrypt_to(&secret, &[]);
    chmod(&secret, 0o600);
    let original = std::fs::read(&secret).unwrap();
    // The key command runs after the file is read and before it is written: it plays the
    // other user, moving the file away and leaving a link to a file they can read.
    let moved = shared.join("moved.yaml");
    let swap = env.path("swap.sh");
    std::fs::write(
        &swap,
        format!(
            "#!/bin/sh\nmv {secret} {moved}\nln -s {leak} {secret}\ncat {key}\n",
            secret = secret.display(),
            moved = moved.display(),
            leak = leak.display(),
            key = env.home.key_file.display()
        ),
    )
    .unwrap();
    chmod(&swap, 0o755);
    let out = env
        .cmd(&["decrypt", "-i", secret.to_str().unwrap()])
        .env_remove("SOPS_AGE_KEY_FILE")
        .env("SOPS_AGE_KEY_CMD", &swap)
        .output()
        .unwrap();
    refused(&out, 3, "secret.yaml", "decrypt -i (swapped)");
    assert_eq!(std::fs::read_to_string(&leak).unwrap(), "nothing\n");
    assert_eq!(
        std::fs::read(&moved).unwrap(),
        original,
        "the input changed"
    );
    assert!(file_type(&secret).is_symlink());
    env.assert_no_plaintext_for_nobody("decrypt -i (swapped)");
}

// 3. Owner, group, mode; private temporary files and new plaintext.

#[test]
fn owner_group_and_mode_are_kept() {
    let env = Shared::new();
    // As root: a file of nobody:nogroup 0640 stays so.
    for command in ["set", "encrypt"] {
        let file = env.path(&format!("{command}.yaml"));
        if command == "set" {
            env.encrypt_to(&file, &[]);
        } else {
            std::fs::write(&file, PLAIN).unwrap();
        }
        chown(&file, NOBODY, NOBODY);
        chmod(&file, 0o640);
        let path = file.to_str().unwrap();
        let out = match command {
            "set" => env.run(&["set", path, r#"["db"]["user"]"#, r#""x""#]),
            _ => env.run(&["encrypt", "-i", "--age", &env.home.recipient, path]),
        };
        succeeded(&out, command);
        let metadata = std::fs::metadata(&file).unwrap();
        assert_eq!(
            (metadata.uid(), metadata.gid(), metadata.mode() & 0o7777),
            (NOBODY, NOBODY, 0o640),
            "{command} as root"
        );
    }
    // As nobody, on a file of nobody:root 0660 in a directory nobody can write: the group cannot
    // be given to a new file (nobody is not in group root), so the file is written in place.
    let shared = env.subdir("team", 0o777);
    let file = shared.join("team.yaml");
    env.encrypt_to(&file, &[]);
    chown(&file, NOBODY, 0);
    chmod(&file, 0o660);
    let out = env.run_as_nobody(&[
        "set",
        file.to_str().unwrap(),
        r#"["db"]["user"]"#,
        r#""team-user""#,
    ]);
    succeeded(&out, "set as nobody");
    let metadata = std::fs::metadata(&file).unwrap();
    assert_eq!(
        (metadata.uid(), metadata.gid(), metadata.mode() & 0o7777),
        (NOBODY, 0, 0o660),
        "set as nobody"
    );
    assert!(env.decrypt(&file).contains("user: team-user"));
    assert!(leftovers(&shared).is_empty());
}

#[test]
fn new_plaintext_is_private_and_new_encrypted_files_follow_the_umask() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    let outputs = env.subdir("out", 0o755);
    let plain = outputs.join("plain.yaml");
    let reencrypted = outputs.join("again.enc.yaml");
    let out = env.under_umask(
        &[],
        "000",
        &[
            "decrypt",
            "--output",
            plain.to_str().unwrap(),
            encrypted.to_str().unwrap(),
        ],
    );
    succeeded(&out, "decrypt --output NEW");
    assert_eq!(std::fs::metadata(&plain).unwrap().mode() & 0o7777, 0o600);
    let out = env.under_umask(
        &[],
        "022",
        &[
            "encrypt",
            "--age",
            &env.home.recipient,
            "--output",
            reencrypted.to_str().unwrap(),
            plain.to_str().unwrap(),
        ],
    );
    succeeded(&out, "encrypt --output NEW");
    assert_eq!(
        std::fs::metadata(&reencrypted).unwrap().mode() & 0o7777,
        0o644
    );
    env.assert_no_plaintext_for_nobody("decrypt --output NEW");
}

#[test]
fn every_file_sops_rs_creates_is_created_0600() {
    let env = Shared::new();
    let encrypted = env.encrypted("secret.enc.yaml");
    chmod(&encrypted, 0o644);
    let plain = env.path("plain.yaml");
    std::fs::write(&plain, PLAIN).unwrap();
    let log = env.path("strace.log");
    let strace = [
        OsStr::new("strace"),
        OsStr::new("-f"),
        OsStr::new("-qq"),
        OsStr::new("-e"),
        OsStr::new("trace=open,openat,creat"),
        OsStr::new("-o"),
        log.as_os_str(),
    ];
    let runs: [&[&str]; 3] = [
        &[
            "set",
            encrypted.to_str().unwrap(),
            r#"["db"]["user"]"#,
            r#""z""#,
        ],
        &[
            "decrypt",
            "--output",
            "new-plain.yaml",
            encrypted.to_str().unwrap(),
        ],
        &[
            "encrypt",
            "-i",
            "--age",
            &env.home.recipient,
            plain.to_str().unwrap(),
        ],
    ];
    for args in runs {
        let out = env.under_umask(&strace, "000", args);
        succeeded(&out, &format!("strace sops-rs {}", args[0]));
        let trace = std::fs::read_to_string(&log).unwrap();
        let created: Vec<&str> = trace.lines().filter(|l| l.contains("O_CREAT")).collect();
        assert!(
            !created.is_empty(),
            "{}: no file created?\n{trace}",
            args[0]
        );
        for line in created {
            assert!(
                line.contains(", 0600)"),
                "{}: created wider than 0600: {line}",
                args[0]
            );
        }
    }
    assert_eq!(
        std::fs::metadata(&encrypted).unwrap().mode() & 0o7777,
        0o644,
        "the mode was kept"
    );
}

// 4. Read-only files and directories; long names.

#[test]
fn a_read_only_file_is_refused_as_sops_refuses_it() {
    let env = Shared::new();
    let dir = env.subdir("mine", 0o755);
    chown(&dir, NOBODY, NOBODY);
    let file = dir.join("readonly.yaml");
    env.encrypt_to(&file, &[]);
    chown(&file, NOBODY, NOBODY);
    chmod(&file, 0o444);
    let before = std::fs::read(&file).unwrap();
    let path = file.to_str().unwrap();
    let set = [path, r#"["db"]["user"]"#, r#""w""#];
    let sops = env.sops_as_nobody(&[&["set"][..], &set].concat());
    assert_eq!(sops.status.code(), Some(3), "sops: {}", stderr(&sops));
    let ours = env.run_as_nobody(&[&["set"][..], &set].concat());
    refused(&ours, 3, "readonly.yaml", "set on a 0444 file");
    assert_eq!(std::fs::read(&file).unwrap(), before, "the file changed");
    assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o7777, 0o444);
    assert!(leftovers(&dir).is_empty());
}

#[test]
fn a_writable_file_in_a_read_only_directory_is_written_as_sops_writes_it() {
    let env = Shared::new();
    let dir = env.subdir("locked", 0o755);
    for (who, value) in [("sops", "by-sops"), ("sops-rs", "by-sops-rs")] {
        let file = dir.join(format!("{who}.yaml"));
        env.encrypt_to(&file, &[]);
        chown(&file, NOBODY, NOBODY);
        chmod(&file, 0o600);
        let set = [
            "set",
            file.to_str().unwrap(),
            r#"["db"]["user"]"#,
            &format!("\"{value}\""),
        ];
        let out = if who == "sops" {
            env.sops_as_nobody(&set)
        } else {
            env.run_as_nobody(&set)
        };
        succeeded(&out, &format!("{who}: set in a read-only directory"));
        assert!(env.decrypt(&file).contains(value), "{who}");
        let metadata = std::fs::metadata(&file).unwrap();
        assert_eq!((metadata.uid(), metadata.mode() & 0o7777), (NOBODY, 0o600));
    }
}

#[test]
fn names_up_to_255_bytes_work_in_place() {
    let env = Shared::new();
    for length in [225, 255] {
        let name = format!("{}.yaml", "n".repeat(length - ".yaml".len()));
        assert_eq!(name.len(), length);
        let file = env.path(&name);
        std::fs::write(&file, PLAIN).unwrap();
        let path = file.to_str().unwrap();
        let out = env.run(&["encrypt", "-i", "--age", &env.home.recipient, path]);
        succeeded(&out, &format!("encrypt -i, {length}-byte name"));
        let out = env.run(&["set", path, r#"["db"]["user"]"#, r#""long""#]);
        succeeded(&out, &format!("set, {length}-byte name"));
        assert!(env.decrypt(&file).contains("user: long"));
        let out = env.run(&["decrypt", "-i", path]);
        succeeded(&out, &format!("decrypt -i, {length}-byte name"));
        assert!(std::fs::read_to_string(&file).unwrap().contains(CANARY));
        std::fs::remove_file(&file).unwrap();
    }
    assert!(leftovers(env.home.dir()).is_empty());
}
