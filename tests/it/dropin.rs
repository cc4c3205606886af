//! sops-rs installed as `sops`: the version line tools parse, and the tools themselves.
//! community.sops 2.2.7 (Ansible from `.tools/venv`) runs its module, lookup, filter and
//! encryption module against a `sops` symlink on PATH and through `sops_binary`, with age keys,
//! and must not warn; sopsy decrypts and encrypts through it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TestEnv, ok, venv_bin};

/// A [`TestEnv`] with sops-rs installed as `bin/sops` (a symlink) and an empty `home/`.
struct Installed {
    env: TestEnv,
}

impl Installed {
    fn new() -> Installed {
        let env = TestEnv::new();
        std::fs::create_dir(env.path("bin")).unwrap();
        std::fs::create_dir(env.path("home")).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sops-rs"), env.path("bin/sops")).unwrap();
        Installed { env }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.env.path(name)
    }

    /// A program with only this installation's `sops` (and the test venv) on PATH.
    fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        let path = std::env::join_paths([
            self.path("bin"),
            venv_bin("python").parent().unwrap().to_path_buf(),
            PathBuf::from("/usr/bin"),
            PathBuf::from("/bin"),
        ])
        .unwrap();
        command
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.path("home"))
            .env("SOPS_AGE_KEY_FILE", &self.env.key_file)
            .current_dir(self.env.dir());
        command
    }
}

/// `(major, minor, patch)` from a first line that starts `sops X.Y.Z`, the way community.sops
/// reads it (`^sops ([0-9]+)\.([0-9]+)\.([0-9]+)`).
fn sops_version(output: &str) -> Option<(u32, u32, u32)> {
    let pattern = regex::Regex::new(r"^sops ([0-9]+)\.([0-9]+)\.([0-9]+)").unwrap();
    let found = pattern.captures(output)?;
    let number = |i: usize| found[i].parse().unwrap();
    Some((number(1), number(2), number(3)))
}

#[test]
fn installed_as_sops_the_version_line_parses_as_the_sops_it_matches() {
    let installed = Installed::new();
    let copy = installed.path("copy/sops");
    std::fs::create_dir(installed.path("copy")).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_sops-rs"), &copy).unwrap();
    let real = ok(
        installed
            .env
            .sops()
            .args(["--version", "--disable-version-check"])
            .output()
            .unwrap(),
        "sops --version",
    );
    let expected = sops_version(&real).expect("the real sops's version line");
    assert_eq!(expected, (3, 12, 2));
    let ours = format!("sops-rs {}", env!("CARGO_PKG_VERSION"));
    for binary in [installed.path("bin/sops"), copy] {
        for args in [
            &["--version", "--disable-version-check"][..],
            &["--version"],
            &["-v"],
            &["--check-for-updates", "--version"],
            &["--disable-version-check=false", "--version"],
        ] {
            let out = installed.command(&binary).args(args).output().unwrap();
            assert!(out.stderr.is_empty(), "{args:?}: {:?}", out.stderr);
            let text = ok(out, "sops --version");
            assert_eq!(sops_version(&text), Some(expected), "{args:?}: {text}");
            assert_eq!(text.lines().count(), 1, "{text}");
            assert!(text.contains(&format!("({ours})")), "{text}");
        }
    }
    let own = ok(
        installed.env.sops_rs().arg("--version").output().unwrap(),
        "sops-rs --version",
    );
    assert_eq!(own, format!("{ours}\n"));
}

#[test]
fn ansible_community_sops_works_with_sops_rs_as_sops_and_does_not_warn() {
    let installed = Installed::new();
    let dir = installed.env.dir().display().to_string();
    let playbook = installed.path("play.yml");
    std::fs::write(
        &playbook,
        format!(
            r#"- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: sops_encrypt writes an encrypted file
      community.sops.sops_encrypt:
        path: "{dir}/secrets.sops.yaml"
        content_yaml:
          port: 5432
          db:
            password: hunter2
        age:
          - "{recipient}"
    - name: load_vars reads it back
      community.sops.load_vars:
        file: "{dir}/secrets.sops.yaml"
        name: loaded
    - name: load_vars with sops_binary
      community.sops.load_vars:
        file: "{dir}/secrets.sops.yaml"
        name: again
        sops_binary: "{dir}/bin/sops"
    - name: the values, the lookup with extract, and the decrypt filter
      ansible.builtin.assert:
        that:
          - loaded.db.password == "hunter2"
          - loaded.port == 5432
          - again.db.password == "hunter2"
          - lookup('community.sops.sops', '{dir}/secrets.sops.yaml', extract='["db"]["password"]') == "hunter2"
          - (lookup('ansible.builtin.file', '{dir}/secrets.sops.yaml') | community.sops.decrypt(output_type='json') | from_json).db.password == "hunter2"
"#,
            recipient = installed.env.recipient,
        ),
    )
    .unwrap();
    let out = installed
        .command(&venv_bin("ansible-playbook"))
        .args(["-i", "localhost,", "-e"])
        .arg(format!(
            "ansible_python_interpreter={}",
            venv_bin("python").display()
        ))
        .arg(&playbook)
        .env("ANSIBLE_LOCAL_TEMP", installed.path("home/ansible-local"))
        .env("ANSIBLE_REMOTE_TEMP", installed.path("home/ansible-remote"))
        .env("ANSIBLE_NOCOLOR", "1")
        // The cryptography package warns about DSA while Ansible imports its SSH code.
        .env("PYTHONWARNINGS", "ignore:DSA is deprecated")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "ansible-playbook failed:\n{text}");
    assert!(text.contains("failed=0"), "{text}");
    assert!(
        !text.to_lowercase().contains("warning"),
        "ansible-playbook warned:\n{text}"
    );
    // What the module wrote is a sops file the real sops opens.
    let decrypted = ok(
        installed
            .env
            .sops()
            .arg("decrypt")
            .arg(installed.path("secrets.sops.yaml"))
            .output()
            .unwrap(),
        "sops decrypt",
    );
    assert!(decrypted.contains("password: hunter2"), "{decrypted}");
}

#[test]
fn sopsy_encrypts_and_decrypts_through_sops_rs_as_sops() {
    let installed = Installed::new();
    let script = r#"
import json, pathlib, sys
from sopsy import Sops
target = pathlib.Path(sys.argv[1])
target.write_text(json.dumps({"user": "admin", "password": "hunter2"}))
Sops(target, in_place=True, config_dict={"creation_rules": [{"age": sys.argv[2]}]}).encrypt()
written = target.read_text()
assert "ENC[" in written and "hunter2" not in written, written
secrets = Sops(target)
assert secrets.decrypt() == {"user": "admin", "password": "hunter2"}, secrets.decrypt()
assert secrets.get("password") == "hunter2"
print("decrypted")
"#;
    let out = installed
        .command(&venv_bin("python"))
        .arg("-c")
        .arg(script)
        .arg(installed.path("secrets.json"))
        .arg(&installed.env.recipient)
        .output()
        .unwrap();
    assert_eq!(ok(out, "sopsy"), "decrypted\n");
}
