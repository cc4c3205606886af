//! The real sops and sops-rs side by side: one scratch home with an age identity, and the same
//! command line (arguments, standard input, extra environment) run through either tool.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use super::{TestEnv, path_arg};

/// Which binary runs a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// The real sops 3.12.2.
    Sops,
    /// This crate's binary.
    SopsRs,
}

impl Tool {
    pub const BOTH: [Tool; 2] = [Tool::Sops, Tool::SopsRs];
}

/// A [`TestEnv`] whose commands run through either tool.
pub struct Twin {
    pub env: TestEnv,
    pub recipient: String,
}

impl Twin {
    pub fn new() -> Twin {
        let env = TestEnv::new();
        Twin {
            recipient: env.recipient.clone(),
            env,
        }
    }

    /// A path in the home, as a string for argument lists.
    pub fn path(&self, name: &str) -> String {
        path_arg(&self.env.path(name))
    }

    /// Writes `name` in the home and returns its path.
    pub fn write(&self, name: &str, content: &str) -> String {
        path_arg(&self.env.write(name, content))
    }

    /// The hermetic command for `tool`, with the age identity.
    pub fn command(&self, tool: Tool) -> Command {
        match tool {
            Tool::Sops => self.env.sops(),
            Tool::SopsRs => self.env.sops_rs(),
        }
    }

    /// What the real sops writes when it encrypts `file` (in the home) for the home's recipient.
    pub fn encrypted_by_sops(&self, file: &str) -> String {
        let out = self.run(
            Tool::Sops,
            &["encrypt", "--age", &self.recipient, file],
            &[],
            b"",
        );
        assert!(
            out.status.success(),
            "sops encrypt {file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `args` through `tool` with `env` added, feeding `stdin` (none: an empty stdin).
    pub fn run(&self, tool: Tool, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
        let mut child = self
            .command(tool)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        // A command that never reads its input closes the pipe early: that is no failure.
        let _ = input.write_all(stdin);
        drop(input);
        child.wait_with_output().unwrap()
    }
}
