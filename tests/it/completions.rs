//! The committed completion scripts (completions/) driven through the real bash, zsh and fish:
//! each completes subcommands, a subcommand's flags and the values of `--input-type` /
//! `--output-type`, after a subcommand and at the root.
//!
//! bash: the script is sourced, COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT are set as bash sets
//! them and the function `complete -p sops-rs` names is called; COMPREPLY is the answer.
//! zsh: an interactive zsh in a pseudo-terminal (`zsh/zpty`) loads the script through
//! `compinit`, gets the line and a TAB; a `compadd` wrapper records every match zsh adds.
//! fish: `complete --do-complete` after sourcing the script.

use std::process::Command;

use crate::support::repo_root;

/// Calls the completion function bash would call for the line `$2` (cursor at its end).
const BASH_HARNESS: &str = r#"
source "$1" || exit 2
line=$2
read -ra COMP_WORDS <<< "$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=${#line}
spec=$(complete -p sops-rs) || exit 3
function=${spec#*-F }
function=${function%% *}
"$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

/// Sourced by the interactive zsh: completion from the directory `$COMPLETION_DIR`, and every
/// match added recorded in the file `$MATCHES`.
const ZSH_SETUP: &str = r#"
PS1='> '
fpath=($COMPLETION_DIR $fpath)
autoload -U compinit && compinit -u -D
unsetopt AUTO_LIST AUTO_MENU BEEP
# Says when the line editor reads keys: typed earlier, the terminal's line discipline would
# take the Ctrl-U that clears the line for itself.
zle-line-init() { print -rn -- __line_editor''_ready__ }
zle -N zle-line-init
compadd() {
  # A call that only asks for the matches (-O, -A, -D) adds nothing.
  if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi
  local -a found
  builtin compadd -O found "$@"
  (( $#found )) && print -rl -- $found >> $MATCHES
  builtin compadd "$@"
}
"#;

/// Types the line `$2` and a TAB into an interactive zsh set up by `$1`; prints the matches.
/// Each step waits for a marker the shell prints (quoted so that its echo does not match).
const ZSH_HARNESS: &str = r#"
zmodload zsh/zpty || exit 2
export MATCHES=${1:h}/matches
: > $MATCHES
zpty shell zsh -f -i
zpty -w shell "source ${(q)1}"
zpty -r shell out '*__line_editor_ready__*' || exit 3
zpty -w -n shell "$2"$'\t'$'\C-u'
zpty -w shell "print -r -- __do''ne__"
zpty -r shell out '*__done__*' || exit 3
zpty -d shell
cat $MATCHES
"#;

#[derive(Clone, Copy, Debug)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// The words `shell` offers for `line` (the cursor at its end), sorted, without duplicates.
fn candidates(shell: Shell, line: &str) -> Vec<String> {
    let scratch = tempfile::tempdir().unwrap();
    let (harness, dir) = (scratch.path().join("harness"), scratch.path().join("work"));
    std::fs::create_dir(&harness).unwrap();
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("app.yaml"), "a: 1\n").unwrap();
    let completions = repo_root().join("completions");
    let mut command = Command::new("timeout");
    command.arg("60");
    match shell {
        Shell::Bash => {
            command.args(["bash", "--norc", "--noprofile", "-c", BASH_HARNESS, "bash"]);
            command.arg(completions.join("sops-rs.bash")).arg(line);
        }
        Shell::Zsh => {
            let setup = harness.join("setup.zsh");
            std::fs::write(&setup, ZSH_SETUP).unwrap();
            command.args(["zsh", "-f", "-c", ZSH_HARNESS, "zsh"]);
            command.arg(&setup).arg(line);
            command.env("COMPLETION_DIR", &completions);
        }
        Shell::Fish => {
            let script = "source $argv[1]; or exit 2; complete --do-complete $argv[2]";
            command.args(["fish", "--no-config", "-c", script]);
            command.arg(completions.join("sops-rs.fish")).arg(line);
        }
    }
    let out = command
        .env("HOME", &dir)
        .env("XDG_CONFIG_HOME", dir.join(".config"))
        .env("XDG_DATA_HOME", dir.join(".local/share"))
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env("TERM", "xterm")
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `timeout`: {e}"));
    assert!(
        out.status.success(),
        "{shell:?} on {line:?} failed ({}): {}; is {shell:?} installed? run \
         scripts/install-test-deps.sh",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut words: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        // fish prints `word<TAB>description`.
        .filter_map(|l| l.split('\t').next())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn formats() -> Vec<String> {
    let mut names: Vec<String> = sops_rs::Format::ALL
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    names.sort();
    names
}

/// Runs every case through `shell` and fails with all the wrong answers at once.
fn completes_subcommands_flags_and_values(shell: Shell) {
    let has = |words: &[String], word: &str| words.iter().any(|w| w == word);
    let mut wrong = Vec::new();
    let mut check = |line: &str, ok: bool, words: &[String]| {
        if !ok {
            wrong.push(format!("{line:?} offered {words:?}"));
        }
    };

    let words = candidates(shell, "sops-rs dec");
    check("sops-rs dec", words == ["decrypt"], &words);

    let words = candidates(shell, "sops-rs groups ");
    let ok = has(&words, "add") && has(&words, "delete") && !has(&words, "decrypt");
    check("sops-rs groups ", ok, &words);

    let words = candidates(shell, "sops-rs decrypt --in");
    check(
        "sops-rs decrypt --in",
        words == ["--in-place", "--indent", "--input-type"],
        &words,
    );

    let words = candidates(shell, "sops-rs exec-env --ignore");
    check(
        "sops-rs exec-env --ignore",
        words == ["--ignore-mac"],
        &words,
    );

    // Only the flags a subcommand takes, as in its --help: decrypt has no recipients to encrypt
    // for, while encrypt has.
    let words = candidates(shell, "sops-rs decrypt --ag");
    check("sops-rs decrypt --ag", words.is_empty(), &words);
    let words = candidates(shell, "sops-rs encrypt --ag");
    check("sops-rs encrypt --ag", words == ["--age"], &words);

    for line in [
        "sops-rs decrypt --input-type ",
        "sops-rs encrypt --output-type ",
        "sops-rs --output-type ",
    ] {
        let words = candidates(shell, line);
        check(line, words == formats(), &words);
    }

    let words = candidates(shell, "sops-rs -d --input-type j");
    check("sops-rs -d --input-type j", words == ["json"], &words);

    assert!(
        wrong.is_empty(),
        "{shell:?} completion is wrong (regenerate with scripts/generate-docs.sh):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn bash_completes_subcommands_flags_and_values() {
    completes_subcommands_flags_and_values(Shell::Bash);
}

#[test]
fn zsh_completes_subcommands_flags_and_values() {
    completes_subcommands_flags_and_values(Shell::Zsh);
}

#[test]
fn fish_completes_subcommands_flags_and_values() {
    completes_subcommands_flags_and_values(Shell::Fish);
}
