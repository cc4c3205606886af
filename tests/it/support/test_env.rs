//! The one hermetic test environment: a scratch directory that is the commands' HOME (with
//! XDG_CONFIG_HOME and GNUPGHOME inside it and TMPDIR at `temp/`), fresh age identities in key
//! files, an empty sops config, and sops-rs / real-sops commands with a clean environment plus
//! the variables a test sets. Every integration test builds its scratch home here.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{ok, sops_3_11_command, sops_command, sops_rs_command};

/// One age identity written to a key file (as sops's key files hold it).
#[derive(Clone, Debug)]
pub struct AgeIdentity {
    /// The key file, for `SOPS_AGE_KEY_FILE`.
    pub file: PathBuf,
    /// The secret key (`AGE-SECRET-KEY-1…`), for `SOPS_AGE_KEY`.
    pub secret: String,
    /// The recipient (`age1…`).
    pub recipient: String,
}

impl AgeIdentity {
    /// Generates an identity and writes it to `file`, readable by every user (so commands run
    /// as `nobody` can use it too).
    pub fn generate(file: &Path) -> AgeIdentity {
        use age::secrecy::ExposeSecret;
        use std::os::unix::fs::PermissionsExt;
        let identity = age::x25519::Identity::generate();
        let secret = identity.to_string().expose_secret().to_string();
        std::fs::write(file, format!("{secret}\n")).unwrap();
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        AgeIdentity {
            file: file.to_path_buf(),
            secret,
            recipient: identity.to_public().to_string(),
        }
    }
}

/// A scratch home with age identities; see the module header.
pub struct TestEnv {
    dir: tempfile::TempDir,
    /// The identities, `key.txt` first (then `key1.txt`, `key2.txt`, …).
    pub keys: Vec<AgeIdentity>,
    /// The first identity's key file, which every command gets as `SOPS_AGE_KEY_FILE`.
    pub key_file: PathBuf,
    /// The first identity's secret key.
    pub identity: String,
    /// The first identity's recipient.
    pub recipient: String,
    vars: Vec<(OsString, OsString)>,
}

impl Default for TestEnv {
    fn default() -> TestEnv {
        TestEnv::new()
    }
}

impl TestEnv {
    /// A home with one identity in `key.txt`.
    pub fn new() -> TestEnv {
        TestEnv::with_identities(1)
    }

    /// A home with `count` identities (`key.txt`, `key1.txt`, …; at least one).
    pub fn with_identities(count: usize) -> TestEnv {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("temp")).unwrap();
        std::fs::write(dir.path().join("empty-config.yaml"), "{}\n").unwrap();
        let keys: Vec<AgeIdentity> = (0..count.max(1))
            .map(|n| {
                let name = match n {
                    0 => "key.txt".to_string(),
                    n => format!("key{n}.txt"),
                };
                AgeIdentity::generate(&dir.path().join(name))
            })
            .collect();
        TestEnv {
            key_file: keys[0].file.clone(),
            identity: keys[0].secret.clone(),
            recipient: keys[0].recipient.clone(),
            keys,
            dir,
            vars: Vec::new(),
        }
    }

    /// The home directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `name` inside the home.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The private temporary directory every command gets as `TMPDIR`.
    pub fn tmp(&self) -> PathBuf {
        self.path("temp")
    }

    /// An empty sops config (`{}`), for `--config` so the real sops finds no `.sops.yaml`.
    pub fn empty_config(&self) -> PathBuf {
        self.path("empty-config.yaml")
    }

    /// Writes `content` to `name` inside the home; its path.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// The text of `name` inside the home (or of an absolute path).
    pub fn read(&self, name: impl AsRef<Path>) -> String {
        let path = self.dir.path().join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Sets `name` for every later command (replacing an earlier value).
    pub fn set(&mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut TestEnv {
        self.unset(name.as_ref());
        self.vars
            .push((name.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// [`TestEnv::set`], by value.
    pub fn with(mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> TestEnv {
        self.set(name, value);
        self
    }

    /// Takes `name` out of the variables later commands get.
    pub fn unset(&mut self, name: impl AsRef<OsStr>) -> &mut TestEnv {
        self.vars.retain(|(n, _)| n != name.as_ref());
        self
    }

    /// Gives `cmd` the identity, TMPDIR, the test's variables and no standard input.
    fn prepare(&self, mut cmd: Command) -> Command {
        cmd.env("SOPS_AGE_KEY_FILE", &self.key_file)
            .env("TMPDIR", self.tmp())
            .envs(self.vars.iter().map(|(n, v)| (n, v)))
            .stdin(Stdio::null());
        cmd
    }

    /// sops-rs, hermetic (see the module header), run in the home.
    pub fn sops_rs(&self) -> Command {
        self.prepare(sops_rs_command(self.dir.path()))
    }

    /// The real sops 3.12.2, hermetic, run in the home (it finds a `.sops.yaml` the test wrote).
    pub fn sops(&self) -> Command {
        self.prepare(sops_command(self.dir.path()))
    }

    /// The real sops 3.12.2 with `--config` at the empty config: no `.sops.yaml` applies.
    pub fn sops_without_config(&self) -> Command {
        let mut cmd = self.sops();
        cmd.arg("--config").arg(self.empty_config());
        cmd
    }

    /// The real sops 3.11.0 with the empty config, like [`TestEnv::sops_without_config`].
    pub fn sops_3_11_without_config(&self) -> Command {
        let mut cmd = self.prepare(sops_3_11_command(self.dir.path()));
        cmd.arg("--config").arg(self.empty_config());
        cmd
    }

    /// Runs sops-rs with `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.sops_rs().args(args).output().unwrap()
    }

    /// Runs the real sops (with the empty config) with `args`.
    pub fn run_sops(&self, args: &[&str]) -> Output {
        self.sops_without_config().args(args).output().unwrap()
    }

    /// sops-rs's standard output for `args`, failing the test unless it succeeded.
    pub fn ok(&self, args: &[&str]) -> String {
        ok(self.run(args), &format!("sops-rs {args:?}"))
    }

    /// Runs sops-rs with `args`, feeding `stdin`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        TestEnv::feed(self.sops_rs().args(args), stdin)
    }

    /// Runs `cmd` feeding `stdin` (a command that exits before reading it is no failure).
    pub fn feed(cmd: &mut Command, stdin: &[u8]) -> Output {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin);
        child.wait_with_output().unwrap()
    }

    /// `plaintext` written beside `name` and encrypted by sops-rs for the first recipient into
    /// `name`, with `extra` flags (the format follows `name`'s extension); its path.
    pub fn encrypted(&self, name: &str, plaintext: &str, extra: &[&str]) -> PathBuf {
        let extension = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("yaml");
        let plain = self.write(&format!("{name}.plain.{extension}"), plaintext);
        let text = self.encrypt_file(&plain, extra);
        self.write(name, text)
    }

    /// The file `plain` encrypted by sops-rs for the first recipient into `name`; its path.
    pub fn encrypt_to(&self, plain: &Path, name: &str) -> PathBuf {
        self.write(name, self.encrypt_file(plain, &[]))
    }

    /// sops-rs's encryption of the file `plain` for the first recipient, with `extra` flags.
    pub fn encrypt_file(&self, plain: &Path, extra: &[&str]) -> String {
        let plain = path_arg(plain);
        let mut args = vec!["encrypt", "--age", &self.recipient];
        args.extend_from_slice(extra);
        args.push(&plain);
        self.ok(&args)
    }
}

/// A path as a command-line argument.
pub fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

/// Polls `ready` every 20 ms until it holds; fails the test naming `what` after `timeout`.
/// The way tests wait for a marker (a file a script writes, a state a process reaches).
pub fn wait_for(what: &str, timeout: std::time::Duration, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + timeout;
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "gave up after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
