//! GnuPG keyrings in a [`TestEnv`]: its GNUPGHOME (`.gnupg`, which every command the home builds
//! already points at), running gpg there, importing and generating keys, and stopping the home's
//! gpg-agent (dropping the home stops it too).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sops_rs::keys::KeyContext;

use super::TestEnv;

impl TestEnv {
    /// The home's GNUPGHOME, made (mode 0700) if it is not there yet.
    pub fn gnupg(&self) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let gnupg = self.path(".gnupg");
        if !gnupg.is_dir() {
            std::fs::create_dir(&gnupg).unwrap();
            std::fs::set_permissions(&gnupg, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        gnupg
    }

    /// Runs gpg on the home's keyring in batch mode with an empty passphrase; panics if it fails.
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

    /// Imports the keys in `file` into the home's keyring.
    pub fn gpg_import(&self, file: &Path) {
        self.gpg(&["--import", &file.display().to_string()]);
    }

    /// Generates an RSA-2048 encryption key and returns its fingerprint.
    pub fn gpg_generate(&self, name: &str) -> String {
        self.gpg_generate_with(name, "rsa2048", "encr")
    }

    /// Generates an ed25519 key with a cv25519 encryption subkey (milliseconds, where RSA takes
    /// a noticeable fraction of a second) and returns the primary key's fingerprint.
    pub fn gpg_generate_ecc(&self, name: &str) -> String {
        self.gpg_generate_with(name, "future-default", "default")
    }

    fn gpg_generate_with(&self, name: &str, algo: &str, usage: &str) -> String {
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

    /// Stops the home's gpg-agent (it starts again on the next gpg call that needs it).
    pub fn stop_gpg_agent(&self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.path(".gnupg"))
            .args(["--kill", "gpg-agent"])
            .output();
    }

    /// A key context (for the library) whose GNUPGHOME is the home's.
    pub fn gpg_context(&self) -> KeyContext {
        KeyContext {
            vars: [("GNUPGHOME".to_string(), self.gnupg().display().to_string())].into(),
            ..Default::default()
        }
    }
}
