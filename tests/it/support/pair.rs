//! sops-rs beside the real sops 3.12.2: one scratch home with an age key where both tools
//! encrypt the same plaintext and each decrypts the other's file. [`assert_all_agree`] runs many
//! inputs that way (a few threads, each case a handful of short processes) and lists every input
//! whose decrypted tree or exit code differs.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::TestEnv;

/// A [`TestEnv`] (one age key, an empty sops config for the real sops).
pub struct Keys {
    env: TestEnv,
}

impl Keys {
    pub fn new() -> Keys {
        Keys {
            env: TestEnv::new(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.env.path(name)
    }

    fn run(&self, tool: Tool, args: &[&str], file: &Path) -> Output {
        let mut cmd = match tool {
            Tool::Sops => self.env.sops_without_config(),
            Tool::SopsRs => self.env.sops_rs(),
        };
        cmd.args(args).arg(file).output().unwrap()
    }

    /// Encrypts `plain` into `out` with `tool`; the exit code (0 when written) and the error.
    pub fn encrypt(&self, tool: Tool, plain: &Path, out: &Path) -> (Option<i32>, String) {
        let output = self.run(tool, &["encrypt", "--age", &self.env.recipient], plain);
        if output.status.success() {
            std::fs::write(out, &output.stdout).unwrap();
        }
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// `decrypt --output-type json` of `file` with `tool`: the JSON text, or the exit code and
    /// error when it failed.
    pub fn decrypt_json(&self, tool: Tool, file: &Path) -> Result<String, String> {
        self.decrypt(tool, file, "json")
    }

    /// `decrypt --output-type <output_type>` of `file` with `tool`: the output, or the exit
    /// code and error when it failed.
    pub fn decrypt(&self, tool: Tool, file: &Path, output_type: &str) -> Result<String, String> {
        let output = self.run(tool, &["decrypt", "--output-type", output_type], file);
        if output.status.success() {
            Ok(String::from_utf8(output.stdout).unwrap())
        } else {
            Err(format!(
                "exit {:?}: {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }

    /// Writes `input` to `name` and encrypts it with sops and with sops-rs (both must succeed):
    /// the two encrypted files, sops's first.
    pub fn encrypt_both(&self, name: &str, input: &str) -> [PathBuf; 2] {
        let plain = self.path(name);
        std::fs::write(&plain, input).unwrap();
        [Tool::Sops, Tool::SopsRs].map(|tool| {
            let out = self.path(&format!("{tool:?}.{name}"));
            let (code, error) = self.encrypt(tool, &plain, &out);
            assert_eq!(code, Some(0), "{tool:?} cannot encrypt {input:?}: {error}");
            out
        })
    }
}

/// Which binary runs.
#[derive(Clone, Copy, Debug)]
pub enum Tool {
    Sops,
    SopsRs,
}

/// What went wrong with one input, or `None` when both tools agree.
fn check_case(keys: &Keys, index: usize, input: &str, extension: &str) -> Option<String> {
    let plain = keys.path(&format!("case{index}.{extension}"));
    std::fs::write(&plain, input).unwrap();
    let by_sops = keys.path(&format!("case{index}.sops.{extension}"));
    let by_ours = keys.path(&format!("case{index}.ours.{extension}"));
    let (sops_code, _) = keys.encrypt(Tool::Sops, &plain, &by_sops);
    let (our_code, our_error) = keys.encrypt(Tool::SopsRs, &plain, &by_ours);
    if sops_code != Some(0) || our_code != Some(0) {
        let differ = sops_code != our_code && !refused_on_purpose(input, &our_error);
        return differ.then(|| {
            format!(
                "encrypt exit codes differ: sops {sops_code:?}, sops-rs {our_code:?} {}",
                our_error.trim()
            )
        });
    }
    let want = match keys.decrypt_json(Tool::Sops, &by_sops) {
        Ok(json) => json,
        Err(e) => return Some(format!("sops cannot decrypt its own file: {e}")),
    };
    let mut problems = Vec::new();
    for (what, got) in [
        (
            "sops decrypting the sops-rs file",
            keys.decrypt_json(Tool::Sops, &by_ours),
        ),
        (
            "sops-rs decrypting the sops file",
            keys.decrypt_json(Tool::SopsRs, &by_sops),
        ),
    ] {
        match got {
            Ok(json) if json == want => {}
            Ok(json) => problems.push(format!("{what}: {json:?}, sops's own: {want:?}")),
            Err(e) => problems.push(format!("{what}: {e}")),
        }
    }
    // sops's YAML output of both files: the comments too must sit where sops's reader puts
    // them (sops's own emitter renders both, so its quirks cancel out). Skipped where sops
    // cannot decrypt a comment of its own file (it moves a foot comment when it reads the
    // encrypted file back; tests/it/yaml_store.rs).
    if let Ok(want) = keys.decrypt(Tool::Sops, &by_sops, "yaml")
        && !want.contains("#ENC[")
    {
        match keys.decrypt(Tool::Sops, &by_ours, "yaml") {
            Ok(yaml) if yaml == want => {}
            Ok(yaml) => problems.push(format!(
                "sops decrypting the sops-rs file to YAML: {yaml:?}, sops's own: {want:?}"
            )),
            Err(e) => problems.push(format!("sops decrypting the sops-rs file to YAML: {e}")),
        }
    }
    (!problems.is_empty()).then(|| problems.join("\n  "))
}

/// The input shapes sops-rs refuses on purpose (docs/compatibility.md):
/// - raw NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR characters (line breaks for go-yaml only);
/// - right after a block scalar header with an indentation indicator, a comment line indented
///   less than the indicator says but deeper than the block's parent. go-yaml reads an empty
///   scalar; the parser sops-rs is built on reports a wrongly indented line, and sops-rs names
///   that line.
fn refused_on_purpose(input: &str, our_error: &str) -> bool {
    if our_error.contains("Unicode line separator") {
        return input.contains(['\u{85}', '\u{2028}', '\u{2029}']);
    }
    let Some(rest) = our_error.split("line ").nth(1) else {
        return false;
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let Ok(line) = digits.parse::<usize>() else {
        return false;
    };
    our_error.contains("wrongly indented line in block scalar")
        && input
            .split('\n')
            .nth(line - 1)
            .is_some_and(|l| l.trim_start_matches(' ').starts_with('#'))
}

/// Runs every case on a few threads (each case is a handful of short processes).
fn check_all(cases: &[String], extension: &str) -> Vec<String> {
    let keys = Keys::new();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = cases.get(index) else {
                        break;
                    };
                    if let Some(problem) = check_case(&keys, index, input, extension) {
                        failures
                            .lock()
                            .unwrap()
                            .push((index, format!("case {index} {input:?}:\n  {problem}")));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    failures.into_iter().map(|(_, f)| f).collect()
}

/// Encrypts each of `cases` (files named `*.{extension}`) with both tools and decrypts each
/// file with the other; panics listing the inputs whose trees or exit codes differ.
pub fn assert_all_agree(cases: &[String], extension: &str) {
    let failures = check_all(cases, extension);
    assert!(
        failures.is_empty(),
        "{} of {} inputs differ between sops and sops-rs:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
