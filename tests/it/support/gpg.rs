//! A throwaway home with its own GNUPGHOME for the PGP tests: running gpg there, importing and
//! generating keys, and stopping its gpg-agent when dropped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sops_rs::keys::KeyContext;

/// A temporary home holding `.gnupg` (mode 0700), the GNUPGHOME that `sops_command` and
/// `sops_rs_command` point at for that home.
pub struct GpgHome {
    home: tempfile::TempDir,
}

impl GpgHome {
    pub fn new() -> GpgHome {
        let home = tempfile::tempdir().unwrap();
        let gnupg = home.path().join(".gnupg");
        std::fs::create_dir(&gnupg).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gnupg, std::fs::Permissions::from_mode(0o700)).unwrap();
        GpgHome { home }
    }

    pub fn path(&self) -> &Path {
        self.home.path()
    }

    pub fn gnupg(&self) -> PathBuf {
        self.home.path().join(".gnupg")
    }

    /// Runs gpg in batch mode with an empty passphrase; panics if it fails.
    pub fn gpg(&self, args: &[&str]) -> Output {
        let out = Command::new("gpg")
            .env("GNUPGHOME", self.gnupg())
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .output()
            .expect("gpg must be installed (scripts/install-test-deps.sh)");
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn import(&self, file: &Path) {
        self.gpg(&["--import", &file.display().to_string()]);
    }

    /// Generates an RSA-2048 encryption key and returns its fingerprint.
    pub fn generate(&self, name: &str) -> String {
        self.generate_with(name, "rsa2048", "encr")
    }

    /// Generates an ed25519 key with a cv25519 encryption subkey (milliseconds, where RSA takes
    /// a noticeable fraction of a second) and returns the primary key's fingerprint.
    pub fn generate_ecc(&self, name: &str) -> String {
        self.generate_with(name, "future-default", "default")
    }

    fn generate_with(&self, name: &str, algo: &str, usage: &str) -> String {
        let uid = format!("{name} <{name}@test.invalid>");
        self.gpg(&["--quick-generate-key", &uid, algo, usage, "never"]);
        let out = self.gpg(&[
            "--with-colons",
            "--list-keys",
            &format!("{name}@test.invalid"),
        ]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .map(|l| l.trim_matches(':').to_string())
            .expect("a fingerprint")
    }

    /// Stops this home's gpg-agent (it starts again on the next gpg call that needs it).
    pub fn stop_agent(&self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.gnupg())
            .args(["--kill", "gpg-agent"])
            .output();
    }

    /// A key context whose GNUPGHOME is this home's.
    pub fn ctx(&self) -> KeyContext {
        KeyContext {
            vars: [("GNUPGHOME".to_string(), self.gnupg().display().to_string())].into(),
            ..Default::default()
        }
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

impl Drop for GpgHome {
    fn drop(&mut self) {
        self.stop_agent();
    }
}
