//! The committed shell completions and man page match the CLI (regenerate them with
//! `scripts/generate-docs.sh`), and every subcommand has examples in its help.

use crate::support::{TestEnv, repo_root};

fn generated(args: &[&str]) -> String {
    let out = TestEnv::new().run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_and_man_page_match_the_cli() {
    let root = repo_root();
    for (file, args) in [
        ("completions/sops-rs.bash", &["completion", "bash"][..]),
        ("completions/_sops-rs", &["completion", "zsh"]),
        ("completions/sops-rs.fish", &["completion", "fish"]),
        ("completions/sops-rs.elv", &["completion", "elvish"]),
        ("completions/_sops-rs.ps1", &["completion", "powershell"]),
        ("docs/man/sops-rs.1", &["man"]),
    ] {
        let committed = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert!(
            committed == generated(args),
            "{file} is out of date: run scripts/generate-docs.sh"
        );
    }
}

/// `sops-rs man --dir` writes exactly the pages committed in docs/man/.
#[test]
fn every_man_page_matches_the_cli() {
    let scratch = tempfile::tempdir().unwrap();
    let written = scratch.path().join("man1");
    std::fs::create_dir(&written).unwrap();
    generated(&["man", "--dir", written.to_str().unwrap()]);
    let committed = repo_root().join("docs/man");
    let names = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".1"))
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names(&committed),
        names(&written),
        "docs/man/ is out of date: run scripts/generate-docs.sh"
    );
    for name in names(&written) {
        assert!(
            std::fs::read(committed.join(&name)).unwrap()
                == std::fs::read(written.join(&name)).unwrap(),
            "docs/man/{name} is out of date: run scripts/generate-docs.sh"
        );
    }
}

fn man_page(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("docs/man").join(name)).unwrap()
}

/// The lines of the page's section `.SH TITLE`, up to the next section.
fn man_section(page: &str, title: &str) -> String {
    let heading = format!(".SH {title}");
    let section: Vec<&str> = page
        .lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| !l.starts_with(".SH "))
        .collect();
    assert!(!section.is_empty(), "the man page has no {title} section");
    section.join("\n")
}

/// Every `name(1)` a shipped page points to is a shipped page.
#[test]
fn every_man_page_referred_to_is_shipped() {
    let dir = repo_root().join("docs/man");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().replace("\\-", "-");
        for (at, _) in text.match_indices("(1)") {
            let name: String = text[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if !name.starts_with("sops-rs") {
                continue;
            }
            assert!(
                dir.join(format!("{name}.1")).is_file(),
                "{} points to {name}(1), which docs/man/ does not ship",
                path.display()
            );
        }
    }
}

/// Every `SOPS_*` name written as a string in src/ (a variable sops-rs reads or sets) is in the
/// man page's ENVIRONMENT section, so a new variable cannot go undocumented.
#[test]
fn man_page_environment_lists_every_sops_variable() {
    fn sources(dir: &std::path::Path, into: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, into);
            } else if path.extension().is_some_and(|x| x == "rs") {
                into.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(&repo_root().join("src"), &mut files);
    let mut variables = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices("\"SOPS_") {
            let name: String = text[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            variables.insert(name);
        }
    }
    assert!(variables.len() > 30, "{variables:?}");
    let environment = man_section(&man_page("sops-rs.1"), "ENVIRONMENT");
    let missing: Vec<&String> = variables
        .iter()
        .filter(|v| !environment.contains(&format!("\\fB{v}\\fR")))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the man page's ENVIRONMENT (src/cli/commands/man.rs): {missing:?}"
    );
}

/// Every exit code in src/cli/exit.rs, and the audit's 75, is in EXIT STATUS; FILES names the
/// config files and the age key file.
#[test]
fn man_page_has_exit_status_and_files() {
    let page = man_page("sops-rs.1");
    let exit_status = man_section(&page, "EXIT STATUS");
    let error_rs = std::fs::read_to_string(repo_root().join("src/cli/exit.rs")).unwrap();
    let codes: Vec<&str> = error_rs
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter_map(|l| l.split("= ").nth(1))
        .map(|n| n.trim_end_matches(';'))
        .chain(["0", "75"])
        .collect();
    assert!(codes.len() > 18, "{codes:?}");
    for code in codes {
        assert!(
            exit_status.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "exit code {code} is not in the man page's EXIT STATUS"
        );
    }
    let files = man_section(&page, "FILES");
    for name in [
        ".sops\\-rs.yaml",
        ".sops.yaml",
        "sops/age/keys.txt",
        "audit",
    ] {
        assert!(files.contains(name), "FILES does not name {name}");
    }
}

#[test]
fn every_subcommand_has_examples_in_its_help() {
    let help = generated(&["--help"]);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") || l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 11, "{commands:?}");
    for command in commands {
        let text = generated(&[command, "--help"]);
        assert!(
            text.contains("Examples:"),
            "`sops-rs {command} --help` has no examples"
        );
    }
}

#[test]
fn every_command_is_documented() {
    let help = generated(&["--help"]);
    let docs: String = std::fs::read_dir(repo_root().join("docs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") || l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    for command in commands {
        assert!(
            docs.contains(&format!("sops-rs {command}")),
            "`sops-rs {command}` is not in docs/"
        );
    }
    for doc in [
        "getting-started",
        "formats",
        "keys",
        "configuration",
        "audit",
        "ci",
        "migrating",
        "troubleshooting",
    ] {
        assert!(
            repo_root().join(format!("docs/{doc}.md")).is_file(),
            "docs/{doc}.md is missing"
        );
    }
    for code in [
        1, 2, 3, 4, 6, 7, 8, 25, 49, 51, 75, 91, 92, 100, 112, 128, 200, 201, 203,
    ] {
        let troubleshooting =
            std::fs::read_to_string(repo_root().join("docs/troubleshooting.md")).unwrap();
        assert!(
            troubleshooting.contains(&format!("| {code} |")),
            "exit code {code} is not in docs/troubleshooting.md"
        );
    }
}
