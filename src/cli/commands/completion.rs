//! `sops-rs completion SHELL`: the shell completion scripts, from the CLI definition through
//! clap_complete, with what its generators get wrong for this CLI put right.
//!
//! - After a subcommand, only the flags it takes, as its `--help` lists them: the scripts are
//!   written from a tree where each subcommand has its own copy of the top-level flags it reads
//!   (the generators offer hidden flags too, so hiding them is not enough).
//! - Flags with a closed set of values (`--input-type`, `--output-type`) complete those values.
//!   The parser keeps taking any string and `io::parse_type` keeps rejecting an unknown one with
//!   sops's exit code and our one-line error: only the tree the scripts are written from lists
//!   the values.
//! - bash: the generator names the script's `case` arms after the binary name with `-` turned
//!   into its subcommand separator, but the state it matches against with `-` turned into `__`,
//!   so for `sops-rs` nothing after the first word completed. The arms are renamed to match.
//! - zsh: the generator counts the legacy form's root `FILE` argument as a word before the
//!   subcommand, so `sops-rs groups <TAB>` offered the subcommands again. The zsh script is
//!   written from a root without it (the legacy `sops-rs -d FILE` form then completes flags,
//!   not the file).
//! - fish: the test for "no subcommand yet" failed while a root flag still waited for its value,
//!   so `sops-rs --output-type <TAB>` offered nothing. A command line fish's `argparse` cannot
//!   read yet is taken as still at the root.

use clap::builder::PossibleValuesParser;
use clap::{Command, CommandFactory};
use clap_complete::Shell;
use sops_rs::Format;

use crate::cli::exit::CliError;
use crate::cli::{BIN_NAME, Cli};

/// The flags whose values are a closed set, by argument id, with their values.
fn closed_value_sets() -> [(&'static str, Vec<&'static str>); 2] {
    let formats: Vec<&'static str> = Format::ALL.iter().map(|f| f.name()).collect();
    [("input_type", formats.clone()), ("output_type", formats)]
}

/// Writes the completion script for `shell` to standard output.
pub fn run(shell: Shell) -> Result<(), CliError> {
    crate::cli::input_output::write_stdout(script(shell).as_bytes())
}

/// In the fish script's "no subcommand yet" test: what it does when `argparse` rejects the words
/// so far, and what it does here instead.
const FISH_ROOT_TEST_FAILS: &str = "2>/dev/null\n    or return\n";
const FISH_ROOT_TEST_AT_ROOT: &str = "2>/dev/null\n    or return 0\n";

/// The completion script for `shell`.
fn script(shell: Shell) -> String {
    let mut command = tree(shell);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, BIN_NAME, &mut out);
    let script = String::from_utf8(out).expect("clap_complete writes UTF-8");
    match shell {
        Shell::Bash => script.replace(
            &BIN_NAME.replace('-', "__subcmd__"),
            &BIN_NAME.replace('-', "__"),
        ),
        Shell::Fish => script.replacen(FISH_ROOT_TEST_FAILS, FISH_ROOT_TEST_AT_ROOT, 1),
        _ => script,
    }
}

/// The CLI tree the script for `shell` is written from.
fn tree(shell: Shell) -> Command {
    let mut command = Cli::command();
    if shell == Shell::Zsh {
        command = without_root_positionals(command);
    }
    for (id, values) in closed_value_sets() {
        command = command.mut_arg(id, |arg| {
            arg.value_parser(PossibleValuesParser::new(values))
        });
    }
    with_each_subcommands_own_flags(command)
}

/// The same tree with the top-level flags no longer global: each subcommand gets its own copy of
/// those it takes, so a script offers after `decrypt` only what `decrypt --help` lists (the
/// generators would offer hidden copies too).
fn with_each_subcommands_own_flags(command: Command) -> Command {
    let globals: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .map(|arg| arg.clone().global(false))
        .collect();
    let taken = |path: &str| -> Vec<clap::Arg> {
        globals
            .iter()
            .filter(|arg| {
                !arg.get_long()
                    .is_some_and(|long| crate::cli::placement::refused_after_subcommand(path, long))
            })
            .cloned()
            .collect()
    };
    let subcommands: Vec<Command> = command
        .get_subcommands()
        .map(|sub| {
            let name = sub.get_name().to_string();
            let nested: Vec<Command> = sub
                .get_subcommands()
                .map(|inner| {
                    let path = format!("{name} {}", inner.get_name());
                    inner.clone().args(taken(&path))
                })
                .collect();
            let mut sub = sub.clone().args(taken(&name));
            for inner in nested {
                let inner_name = inner.get_name().to_string();
                sub = sub.mut_subcommand(inner_name, |_| inner);
            }
            sub
        })
        .collect();
    let mut root = command;
    for arg in &globals {
        root = root.mut_arg(arg.get_id().clone(), |a| a.global(false));
    }
    for sub in subcommands {
        let name = sub.get_name().to_string();
        root = root.mut_subcommand(name, |_| sub);
    }
    root
}

/// The same root (its flags, subcommands and version) without its positional arguments.
fn without_root_positionals(command: Command) -> Command {
    let flags: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|arg| !arg.is_positional())
        .cloned()
        .collect();
    let subcommands: Vec<Command> = command.get_subcommands().cloned().collect();
    Command::new(BIN_NAME)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_version_flag(true)
        .args(flags)
        .subcommands(subcommands)
}
