//! The Python wheel (issue: install without a long compile): `scripts/build-wheel.sh` builds it
//! with maturin, `pip` installs it into a fresh venv, and the quickstart runs with the `sops-rs`
//! the wheel put on that venv's PATH.

use std::process::Command;

use crate::support::standin::Scratch;
use crate::support::{installed_tool, repo_root};

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_runs_the_quickstart() {
    let root = repo_root();
    let scratch = Scratch::new();
    let wheels = scratch.path().join("wheels");
    // The debug profile reuses the test build; a release wheel differs only in optimisation.
    let build = Command::new(root.join("scripts/build-wheel.sh"))
        .args(["--profile", "dev"])
        .env("WHEEL_OUT", &wheels)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "build-wheel.sh failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let wheel = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|e| e == "whl"))
        .expect("build-wheel.sh wrote no .whl");
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("sops_rs-"), "{name}");

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
