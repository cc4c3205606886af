//! A scratch home directory with one fresh age identity in a key file, for tests that run the
//! binary on files encrypted to that identity.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::{ok, sops_rs_command};

/// A temporary home with `keys.txt` holding one age identity.
pub struct AgeHome {
    dir: tempfile::TempDir,
    /// The identity (`AGE-SECRET-KEY-1…`).
    pub identity: String,
    /// The file holding the identity.
    pub key_file: PathBuf,
    /// The identity's recipient (`age1…`).
    pub recipient: String,
}

impl AgeHome {
    pub fn new() -> AgeHome {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("keys.txt");
        let (secret, recipient) = super::write_age_identity(&key_file);
        AgeHome {
            recipient,
            identity: secret,
            key_file,
            dir,
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

    /// Writes `content` to `name` inside the home.
    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// sops-rs, hermetic, with `SOPS_AGE_KEY_FILE` set, `TMPDIR` inside the home and no
    /// standard input.
    pub fn sops_rs(&self) -> Command {
        let mut cmd = sops_rs_command(self.dir.path());
        cmd.env("SOPS_AGE_KEY_FILE", &self.key_file)
            .env("TMPDIR", self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs sops-rs with `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.sops_rs().args(args).output().unwrap()
    }

    /// `plaintext` (named by `name`'s extension) encrypted by sops-rs to this identity into
    /// `name`, with `extra` flags.
    pub fn encrypted(&self, name: &str, plaintext: &str, extra: &[&str]) -> PathBuf {
        let extension = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("yaml");
        let plain = self.write(&format!("{name}.plain.{extension}"), plaintext);
        let plain = plain.display().to_string();
        let mut args = vec!["encrypt", "--age", &self.recipient];
        args.extend_from_slice(extra);
        args.push(&plain);
        let text = ok(self.run(&args), "encrypt");
        self.write(name, &text)
    }
}
