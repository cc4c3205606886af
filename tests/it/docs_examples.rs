//! Every shell example in README.md and docs/*.md runs, as a new user would type it.
//!
//! The convention for fenced blocks in those files:
//! - ```` ```sh ```` blocks run. The blocks of one file run in order, each in its own
//!   `bash -euo pipefail`, in one scratch directory per file with its own empty `HOME`: a block
//!   may use the files an earlier block of the same file made (a key, a config, an encrypted
//!   file), but not its shell variables or its `cd`. Every block must exit 0.
//! - ```` ```sh no-run ```` blocks do not run. Their first line must say why, visibly:
//!   `# not run by the docs test: REASON` (a cloud account, the build itself, ...).
//! - Every other block names what it holds (`text`, `yaml`, `toml`, ...). An untagged block, or
//!   one tagged `bash`, `shell`, `console` or `zsh`, fails the test, so that no shell example
//!   escapes it.
//!
//! The environment is a new user's machine: `PATH` starts with a directory that holds the
//! built `sops-rs` and then the system's (age-keygen, gpg, git); `EDITOR` is a program that
//! appends `edited: true` to the file it is given, as a person would change something; git has
//! an author name and e-mail. Nothing else of the test's environment is passed on.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::repo_root;

/// The first line a `sh no-run` block must start with, followed by the reason.
const NO_RUN_REASON: &str = "# not run by the docs test: ";

/// The least number of blocks that must run in each file: a block that stops being `sh` (or
/// a file that loses its examples) fails the test instead of passing with nothing run.
const MIN_RUN_PER_FILE: &[(&str, usize)] = &[
    ("README.md", 1),
    ("docs/getting-started.md", 2),
    ("docs/git.md", 5),
    ("docs/configuration.md", 1),
    ("docs/troubleshooting.md", 1),
    ("docs/audit.md", 1),
    ("docs/json-output.md", 1),
    ("docs/keyservice.md", 1),
];

/// The least number of blocks run over all files, and of files read.
const MIN_RUN_TOTAL: usize = 11;
const MIN_FILES: usize = 15;

/// Tags of fenced blocks that hold something other than shell commands.
const OTHER_TAGS: &[&str] = &["text", "yaml", "json", "toml", "ini", "dotenv", "rust"];

/// Where the examples find the system's programs (age-keygen, gpg, git), after sops-rs.
const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// How long one block may take: none builds anything, so a block that takes longer is stuck
/// (waiting for a terminal, say).
const BLOCK_TIMEOUT_SECONDS: &str = "120";

#[derive(Debug, PartialEq)]
enum Kind {
    Run,
    NoRun,
    Other,
}

#[derive(Debug)]
struct Block {
    /// The line of the opening fence, 1-based.
    line: usize,
    kind: Kind,
    text: String,
    /// The fence's indentation (a block inside a list item).
    indent: usize,
}

/// The fenced blocks of a Markdown file, or the problems with its fences (`file:line: ...`).
fn blocks(name: &str, markdown: &str) -> Result<Vec<Block>, Vec<String>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(block) = open.as_mut() {
            if trimmed.trim_end() == "```" {
                found.push(open.take().expect("a block is open"));
            } else {
                // Lines of a block inside a list item lose the fence's indentation.
                block.text.push_str(&line[indent.min(block.indent)..]);
                block.text.push('\n');
            }
            continue;
        }
        if trimmed.starts_with("~~~") {
            problems.push(format!("{name}:{}: use ``` fences", index + 1));
            continue;
        }
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let kind = match (words.next(), words.next()) {
            (Some("sh"), None) => Kind::Run,
            (Some("sh"), Some("no-run")) => Kind::NoRun,
            (Some(tag), _) if OTHER_TAGS.contains(&tag) => Kind::Other,
            (tag, _) => {
                problems.push(format!(
                    "{name}:{}: a fenced block tagged {tag:?}: tag shell examples `sh` (or \
                     `sh no-run` with a reason) and anything else with what it holds \
                     ({OTHER_TAGS:?})",
                    index + 1
                ));
                Kind::Other
            }
        };
        open = Some(Block {
            line: index + 1,
            kind,
            text: String::new(),
            indent,
        });
    }
    if let Some(block) = open {
        problems.push(format!(
            "{name}:{}: a fenced block that is never closed",
            block.line
        ));
    }
    for block in &found {
        if block.kind == Kind::NoRun {
            let reason = block
                .text
                .lines()
                .next()
                .and_then(|first| first.strip_prefix(NO_RUN_REASON))
                .unwrap_or("");
            if reason.trim().is_empty() {
                problems.push(format!(
                    "{name}:{}: a `sh no-run` block must start with `{NO_RUN_REASON}REASON`",
                    block.line
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// README.md and every docs/*.md, as (name relative to the repository, path), in name order.
fn documents() -> Vec<(String, PathBuf)> {
    let root = repo_root();
    let mut docs: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| {
            let name = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
            (name, path)
        })
        .collect();
    docs.sort();
    docs.insert(0, ("README.md".to_string(), root.join("README.md")));
    docs
}

/// A directory for `PATH` with the built binary as `sops-rs` and the test's editor.
fn tool_dir(parent: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = parent.join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sops-rs"), bin.join("sops-rs")).unwrap();
    let editor = bin.join("docs-test-editor");
    std::fs::write(&editor, "#!/bin/sh\nprintf 'edited: true\\n' >> \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// Runs one block in `dir`; the failure as a message naming the file and line.
fn run(name: &str, block: &Block, dir: &Path, home: &Path, bin: &Path) -> Result<(), String> {
    let path = format!("{}:{SYSTEM_PATH}", bin.display());
    let out = Command::new("timeout")
        .args([
            "--kill-after=5",
            BLOCK_TIMEOUT_SECONDS,
            "bash",
            "-euo",
            "pipefail",
            "-c",
        ])
        .arg(&block.text)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("LANG", "C.UTF-8")
        .env("EDITOR", bin.join("docs-test-editor"))
        .env("GIT_AUTHOR_NAME", "Docs Test")
        .env("GIT_AUTHOR_EMAIL", "docs-test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Docs Test")
        .env("GIT_COMMITTER_EMAIL", "docs-test@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("timeout and bash run");
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{name}:{}: the example failed ({}):\n{}--- stdout:\n{}--- stderr:\n{}",
        block.line,
        match out.status.code() {
            Some(124) => format!("no exit within {BLOCK_TIMEOUT_SECONDS} s"),
            Some(code) => format!("exit {code}"),
            None => "killed by a signal".to_string(),
        },
        block.text,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    ))
}

#[test]
fn every_shell_example_in_the_docs_runs() {
    let documents = documents();
    assert!(
        documents.len() >= MIN_FILES,
        "only {} Markdown files found in README.md and docs/",
        documents.len()
    );
    for tool in ["age-keygen", "git", "timeout", "bash"] {
        assert!(
            SYSTEM_PATH
                .split(':')
                .any(|dir| Path::new(dir).join(tool).is_file()),
            "{tool} not found in {SYSTEM_PATH}: run scripts/install-test-deps.sh"
        );
    }
    let scratch = tempfile::tempdir().unwrap();
    let bin = tool_dir(scratch.path());
    let mut not_run = 0;
    let mut failures = Vec::new();
    let mut total = 0;
    for (index, (name, path)) in documents.iter().enumerate() {
        let markdown = std::fs::read_to_string(path).unwrap();
        let blocks = match blocks(name, &markdown) {
            Ok(blocks) => blocks,
            Err(problems) => {
                failures.extend(problems);
                continue;
            }
        };
        let dir = scratch.path().join(format!("doc{index}"));
        let home = dir.join("home");
        let work = dir.join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        let mut ran = 0;
        not_run += blocks.iter().filter(|b| b.kind == Kind::NoRun).count();
        for block in blocks.iter().filter(|b| b.kind == Kind::Run) {
            if let Err(failure) = run(name, block, &work, &home, &bin) {
                failures.push(failure);
            }
            ran += 1;
        }
        total += ran;
        let least = MIN_RUN_PER_FILE
            .iter()
            .find(|(file, _)| file == name)
            .map_or(0, |(_, least)| *least);
        if ran < least {
            failures.push(format!(
                "{name}: {ran} shell examples ran, expected at least {least}"
            ));
        }
    }
    for (file, _) in MIN_RUN_PER_FILE {
        if !documents.iter().any(|(name, _)| name == file) {
            failures.push(format!("{file}: not found"));
        }
    }
    if total < MIN_RUN_TOTAL {
        failures.push(format!(
            "{total} shell examples ran in all, expected at least {MIN_RUN_TOTAL}"
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!(
        "{total} shell examples ran in {} files; {not_run} marked no-run",
        documents.len()
    );
}

#[test]
fn fences_are_read_as_the_convention_says() {
    let markdown = "\
text\n\
```sh\n\
echo one\n\
```\n\
- item\n\
  ```sh no-run\n\
  # not run by the docs test: it needs a cloud account\n\
  cloud-thing\n\
  ```\n\
```yaml\n\
a: 1\n\
```\n";
    let found = blocks("x.md", markdown).unwrap();
    assert_eq!(found.len(), 3);
    assert_eq!((found[0].line, &found[0].kind), (2, &Kind::Run));
    assert_eq!(found[0].text, "echo one\n");
    assert_eq!(found[1].kind, Kind::NoRun);
    assert!(found[1].text.starts_with(NO_RUN_REASON));
    assert_eq!(found[2].kind, Kind::Other);

    for bad in [
        "```\nls\n```\n",
        "```bash\nls\n```\n",
        "```console\n$ ls\n```\n",
        "```sh no-run\nls\n```\n",
        "```sh\nls\n",
        "~~~sh\nls\n~~~\n",
    ] {
        assert!(blocks("x.md", bad).is_err(), "{bad:?} was accepted");
    }
}
