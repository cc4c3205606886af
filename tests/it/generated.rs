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
