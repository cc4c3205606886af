//! The Python wheel (install without a long compile): `scripts/build-wheel.sh` builds it with
//! maturin (scripts/test.sh, before the tests), `pip` installs it into a fresh venv, and the
//! quickstart runs with the `sops-rs` the wheel put on that venv's PATH.

use std::process::Command;

use crate::support::standin::Scratch;
use crate::support::{installed_tool, repo_root};

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_runs_the_quickstart() {
    let root = repo_root();
    let scratch = Scratch::new();
    // scripts/test.sh builds the wheel before the tests run (`build-wheel.sh --profile dev`):
    // building it here would relink the binary other tests are running.
    let wheels = std::env::var_os("WHEEL_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target/wheels"));
    let mut built: Vec<_> = std::fs::read_dir(&wheels)
        .map(|dir| dir.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default();
    built.retain(|path| {
        path.extension().is_some_and(|e| e == "whl")
            && path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("sops_rs-{}-", env!("CARGO_PKG_VERSION")))
    });
    assert_eq!(
        built.len(),
        1,
        "expected one sops_rs-{} wheel in {}: run scripts/build-wheel.sh --profile dev \
         (scripts/test.sh does)",
        env!("CARGO_PKG_VERSION"),
        wheels.display()
    );
    let wheel = built.pop().unwrap();

    let venv = scratch.path().join("venv");
    let python = installed_tool("SOPS_RS_PYTHON", ".tools/venv/bin/python", "Python venv");
    let made = Command::new(&python)
        .args(["-m", "venv", "--without-pip"])
        .arg(&venv)
        .status()
        .unwrap();
    assert!(made.success(), "python -m venv failed");
    // The venv has no pip of its own: the tools venv's pip installs into it, from the file only.
    let pip = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-deps",
            "--prefix",
        ])
        .arg(&venv)
        .arg(&wheel)
        .output()
        .unwrap();
    assert!(
        pip.status.success(),
        "pip install failed:\n{}",
        String::from_utf8_lossy(&pip.stderr)
    );
    let installed = venv.join("bin/sops-rs");
    assert!(
        installed.is_file(),
        "the wheel put no sops-rs in {}",
        venv.display()
    );

    let quickstart = Command::new(root.join("scripts/quickstart.sh"))
        .env("QUICKSTART_BIN_DIR", venv.join("bin"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&quickstart.stdout);
    assert!(
        quickstart.status.success(),
        "quickstart failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&quickstart.stderr)
    );
    assert!(
        stdout.contains(&format!("using {}", installed.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains("quickstart: encrypted and decrypted secrets.yaml with sops-rs"),
        "{stdout}"
    );
}
