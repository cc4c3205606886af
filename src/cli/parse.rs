//! Argument parsing with a parser built for the command line at hand, and sops's answers to
//! what clap alone would get wrong: usage errors exit 1 (a missing file 100), `publish` and the
//! other sops subcommands sops-rs lacks are refused rather than taken for a file to edit, `h`
//! is help, and flags are read on the side of the subcommand sops reads them (`placement`).
//!
//! clap copies every `global` flag into every subcommand when it builds a command: with 32
//! global flags and 17 subcommands that is 544 copies, about a third of the instructions and
//! page faults of decrypting a small file. So when the first positional argument is known
//! before parsing (a subcommand name, or the file of the legacy `sops -d FILE` form), the
//! parser is built with that one subcommand, or none. Anything less certain (help, flags with
//! optional values, aliases, non-UTF-8 arguments) gets the full parser. Both parsers accept and
//! reject the same command lines with the same messages; the tests below hold them to it.

use std::ffi::OsString;

use clap::{Arg, ArgMatches, Command, CommandFactory, FromArgMatches};

use super::Cli;
use super::exit::{CliError, code};

/// sops subcommands sops-rs does not have. Named on the command line, they are refused with a
/// clear message instead of being taken for the file of the legacy `sops FILE` form. A name
/// that sops-rs defines a subcommand for is skipped here.
const MISSING_SOPS_SUBCOMMANDS: &[&str] = if cfg!(all(feature = "keyservice", unix)) {
    &[]
} else {
    &["keyservice"]
};

/// sops's short name for `help`, which would otherwise be the file of `sops FILE`.
const HELP_ALIAS: &str = "h";

/// The argument that marks a stand-in subcommand (a missing one, or the help alias).
const STAND_IN: &str = "stand_in_arguments";

/// Parses `args` (program name first). Bad usage, `--help` and `--version` print clap's message
/// and exit with sops's status; a subcommand sops-rs lacks, or a flag sops refuses after a
/// subcommand, is an error to report.
pub(super) fn parse_from(args: Vec<OsString>) -> Result<Cli, CliError> {
    let (mut command, matches) = matches_for(&args).unwrap_or_else(|error| exit(error, &args));
    if let Some(name) = matches.subcommand_name()
        && is_stand_in(&command, name)
    {
        if name == HELP_ALIAS {
            let mut helped = args.clone();
            if let Some(token) = helped.iter_mut().skip(1).find(|a| *a == HELP_ALIAS) {
                *token = "help".into();
            }
            // clap's `help` subcommand always ends the parse: the help text, or an error.
            if let Err(error) = matches_for(&helped) {
                exit(error, &helped);
            }
        }
        return Err(CliError::new(
            code::GENERIC,
            format!("`{name}` is not supported by sops-rs"),
        ));
    }
    let matches = match super::placement::review(&command, &args)? {
        Some(rewritten) => {
            let (again, matches) =
                matches_for(&rewritten).unwrap_or_else(|error| exit(error, &rewritten));
            command = again;
            matches
        }
        None => matches,
    };
    Cli::from_arg_matches(&matches).map_err(|error| exit(error.format(&mut command), &args))
}

/// Prints a clap error (or help, or the version) and exits with the status sops uses: 0 for
/// help and the version, 100 for a missing file, 1 for any other bad usage.
fn exit(error: clap::Error, args: &[OsString]) -> ! {
    use clap::error::ErrorKind;
    let status = match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        | ErrorKind::MissingSubcommand => 0,
        ErrorKind::MissingRequiredArgument if needs_a_file(args) => code::NO_FILE_SPECIFIED,
        _ => code::GENERIC,
    };
    if status != 0 && super::json_output::json_errors_requested(args) {
        let rendered = error.render().to_string();
        let message = rendered.trim_start_matches("error: ");
        eprintln!(
            "{}",
            super::json_output::error_object(status, message, None)
        );
    } else {
        let _ = error.print();
    }
    std::process::exit(status.into())
}

/// Whether the command line names a subcommand whose missing argument sops reports as "no file
/// specified".
fn needs_a_file(args: &[OsString]) -> bool {
    const FILE_FIRST: [&str; 5] = ["edit", "rotate", "set", "unset", "updatekeys"];
    positionals(&full_command(), args)
        .and_then(|found| found.first().copied())
        .is_some_and(|first| FILE_FIRST.contains(&first))
}

/// Parses `args` (program name first) into the command line's values.
#[cfg(test)]
pub(super) fn try_parse_from(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let (mut command, matches) = matches_for(&args)?;
    Cli::from_arg_matches(&matches).map_err(|error| error.format(&mut command))
}

/// Whether `name` is the stand-in of a missing sops subcommand. (The parser's definition is
/// asked, not the matches: release builds of clap do not tell unknown argument ids apart.)
fn is_stand_in(command: &Command, name: &str) -> bool {
    command
        .find_subcommand(name)
        .is_some_and(|sub| sub.get_arguments().any(|arg| arg.get_id() == STAND_IN))
}

/// The matches of `args`, and the command that parsed them (built for the subcommand used).
fn matches_for(args: &[OsString]) -> Result<(Command, ArgMatches), clap::Error> {
    let mut command = command_for(args);
    match command.try_get_matches_from_mut(args) {
        Ok(matches) => Ok((command, matches)),
        Err(error) => Err(error.format(&mut command)),
    }
}

/// Every subcommand: sops-rs's, and a stand-in for each sops name it lacks.
fn full_command() -> Command {
    with_stand_ins(Cli::command(), |_| true)
}

/// `command` with a stand-in subcommand for each sops name it lacks that `wanted` accepts.
fn with_stand_ins(mut command: Command, wanted: impl Fn(&str) -> bool) -> Command {
    for name in MISSING_SOPS_SUBCOMMANDS.iter().chain([&HELP_ALIAS]) {
        if wanted(name) && command.find_subcommand(name).is_none() {
            let stand_in = Command::new(*name).hide(true).disable_help_flag(true).arg(
                Arg::new(STAND_IN)
                    .num_args(0..)
                    .trailing_var_arg(true)
                    .allow_hyphen_values(true),
            );
            command = command.subcommand(stand_in);
        }
    }
    command
}

/// The parser for `args`: the full one, or one with only the subcommand `args` names. Only a
/// stand-in whose name is on the command line can be chosen, so only those are built.
fn command_for(args: &[OsString]) -> Command {
    let named = |name: &str| args.iter().skip(1).any(|arg| arg == name);
    let full = with_stand_ins(Cli::command(), named);
    let command = with_only_the_named_subcommand(full, args);
    let command = super::version::as_invoked(command, args.first());
    shown_for_help(command, args)
}

/// When `args` may ask for help, `command` with each sops subcommand showing only the flags it
/// takes (hiding costs a copy of those flags, so a plain command line skips it).
fn shown_for_help(command: Command, args: &[OsString]) -> Command {
    let asks_for_help = args
        .iter()
        .skip(1)
        .any(|arg| arg == "-h" || arg == "--help" || arg == "help" || arg == HELP_ALIAS);
    match asks_for_help {
        true => super::placement::without_refused_flags_in_help(command),
        false => command,
    }
}

fn with_only_the_named_subcommand(mut full: Command, args: &[OsString]) -> Command {
    let keep = match positionals(&full, args).as_deref() {
        Some(&["help"]) => return full,
        Some(&[first]) if full.find_subcommand(first).is_some() => first,
        // The legacy form (`sops-rs -d FILE`). One subcommand stays so that usage lines still
        // end in `[COMMAND]`; no argument can reach it, as FILE is the only positional.
        Some([_]) => "filestatus",
        _ => return full,
    };
    let chosen = full
        .get_subcommands_mut()
        .find(|s| s.get_name() == keep)
        .map(std::mem::take);
    without_subcommands(&full).subcommands(chosen)
}

/// `full`'s top level (its text, flags and groups) with no subcommands.
fn without_subcommands(full: &Command) -> Command {
    let mut top = Command::new(super::BIN_NAME)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_version_flag(true)
        .args(full.get_arguments().cloned());
    if let Some(text) = full.get_about() {
        top = top.about(text.clone());
    }
    if let Some(text) = full.get_long_about() {
        top = top.long_about(text.clone());
    }
    if let Some(text) = full.get_before_help() {
        top = top.before_help(text.clone());
    }
    if let Some(text) = full.get_before_long_help() {
        top = top.before_long_help(text.clone());
    }
    if let Some(text) = full.get_after_help() {
        top = top.after_help(text.clone());
    }
    if let Some(text) = full.get_after_long_help() {
        top = top.after_long_help(text.clone());
    }
    for group in full.get_groups() {
        top = top.group(group.clone());
    }
    top
}

/// The first positional argument, when it can be found without parsing: every flag before it is
/// a top-level flag that takes no value or exactly one. When it is not a subcommand's name, the
/// rest of the line is read the same way, and every positional argument is returned.
fn positionals<'a>(top: &Command, args: &'a [OsString]) -> Option<Vec<&'a str>> {
    let mut found = Vec::new();
    let mut tokens = args.iter().skip(1);
    while let Some(token) = tokens.next() {
        let token = token.to_str()?;
        if token == "--" || token == "-" {
            return None;
        }
        if let Some(long) = token.strip_prefix("--") {
            if long.contains('=') {
                continue;
            }
            let flag = top.get_arguments().find(|a| a.get_long() == Some(long))?;
            if takes_one_value(flag)? {
                tokens.next();
            }
        } else if let Some(cluster) = token.strip_prefix('-') {
            for (at, short) in cluster.char_indices() {
                let flag = top.get_arguments().find(|a| a.get_short() == Some(short))?;
                if takes_one_value(flag)? {
                    // `-aVALUE` holds its value; `-a VALUE` takes the next token.
                    if at + short.len_utf8() == cluster.len() {
                        tokens.next();
                    }
                    break;
                }
            }
        } else {
            if found.is_empty() && top.find_subcommand(token).is_some() {
                return Some(vec![token]);
            }
            found.push(token);
        }
    }
    (!found.is_empty()).then_some(found)
}

/// Whether `flag` takes one value (`Some(true)`) or none (`Some(false)`) as a separate token;
/// `None` for anything else, such as an optional value, which only the parser can settle.
pub(super) fn takes_one_value(flag: &Arg) -> Option<bool> {
    if !flag.get_action().takes_values() || flag.is_require_equals_set() {
        return Some(false);
    }
    match flag.get_num_args() {
        // Unset: clap's default for a flag that takes values is exactly one.
        None => Some(true),
        Some(range) if range.min_values() == 1 && range.max_values() == 1 => Some(true),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        std::iter::once("sops-rs")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    /// What a parser makes of a command line: the values, or the error's kind and text.
    fn outcome(result: Result<Cli, clap::Error>) -> String {
        match result {
            Ok(cli) => format!("ok {cli:?}"),
            Err(error) => format!("error {:?}: {}", error.kind(), error.render()),
        }
    }

    fn with_full_parser(args: Vec<OsString>) -> Result<Cli, clap::Error> {
        let mut command = shown_for_help(full_command(), &args);
        let parsed = command
            .try_get_matches_from_mut(args)
            .and_then(|matches| Cli::from_arg_matches(&matches));
        parsed.map_err(|error| error.format(&mut command))
    }

    fn subcommands(args: &[&str]) -> Vec<String> {
        command_for(&os(args))
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect()
    }

    #[test]
    fn a_named_subcommand_gets_a_parser_with_only_that_subcommand() {
        assert_eq!(subcommands(&["decrypt", "f.yaml"]), ["decrypt"]);
        assert_eq!(
            subcommands(&["--age", "age1x", "-i", "encrypt", "f"]),
            ["encrypt"]
        );
        assert_eq!(subcommands(&["-ia", "age1x", "encrypt", "f"]), ["encrypt"]);
        assert_eq!(
            subcommands(&["--enable-local-keyservice", "decrypt", "f"]),
            ["decrypt"]
        );
        assert_eq!(subcommands(&["publish", "f"]), ["publish"]);
        assert_eq!(
            subcommands(&["-d", "--output", "o", "f.yaml"]),
            ["filestatus"]
        );
        let full = Cli::command().get_subcommands().count();
        assert!(full > 10);
        for unsure in [
            &["--help"][..],
            &[],
            &["help", "decrypt"],
            &["--no-such-flag", "decrypt"],
            &["-", "decrypt"],
            &["--", "decrypt"],
            &["-d", "f.yaml", "decrypt"],
            &["-d", "f.yaml", "extra"],
        ] {
            assert_eq!(subcommands(unsure).len(), full, "{unsure:?}");
        }
    }

    #[test]
    fn only_the_stand_ins_are_taken_for_missing_subcommands() {
        let full = full_command();
        for sub in full.get_subcommands() {
            let name = sub.get_name();
            let stand_in = MISSING_SOPS_SUBCOMMANDS.contains(&name) || name == HELP_ALIAS;
            assert_eq!(is_stand_in(&full, name), stand_in, "{name}");
        }
        for name in MISSING_SOPS_SUBCOMMANDS {
            let (command, matches) = matches_for(&os(&[name, "x"])).unwrap();
            assert_eq!(matches.subcommand_name(), Some(*name));
            assert!(is_stand_in(&command, name));
        }
    }

    #[test]
    fn both_parsers_agree_on_every_command_line() {
        let lines: &[&[&str]] = &[
            &["decrypt", "f.yaml"],
            &["decrypt"],
            &[
                "decrypt",
                "--extract",
                "[\"a\"]",
                "--output-type",
                "json",
                "f",
            ],
            &["decrypt", "f", "extra"],
            &["decrypt", "--no-such-flag", "f"],
            &["decrypt", "--output"],
            &["decrypt", "--help"],
            &["decrypt", "-h"],
            &["decrypt", "--version"],
            &["--age", "age1x", "encrypt", "-i", "f"],
            &["-a", "age1x", "encrypt", "f"],
            &["-aage1x", "encrypt", "f"],
            &["-ia", "age1x", "encrypt", "f"],
            &["--indent", "-1", "decrypt", "f"],
            &["--indent=4", "decrypt", "f"],
            &["encrypt", "--age", "a", "--pgp", "p", "--kms", "k", "f"],
            &["encrypt", "--shamir-secret-sharing-threshold", "x", "f"],
            &["edit", "f"],
            &["edit"],
            &["rotate", "-i", "--add-age", "age1x", "f"],
            &["updatekeys", "-y", "a", "b"],
            &["groups", "add", "--file", "f", "--age", "a"],
            &["groups", "delete", "--file", "f", "1"],
            &["groups"],
            &["set", "f", "[\"a\"]", "1"],
            &["unset", "f", "[\"a\"]"],
            &["exec-env", "--pristine", "f", "env"],
            &["exec-file", "--no-fifo", "f", "cat {}"],
            &["completion", "bash"],
            &["completion", "nosuchshell"],
            &["audit", "verify", "log.jsonl"],
            &["audit"],
            &["man"],
            &["check", "--json", "dir"],
            &["git-merge", "a", "b", "c", "d"],
            &["filestatus", "f"],
            &["filestatus", "--input-type", "json", "f"],
            &["-d", "f.yaml"],
            &["-e", "-d", "f.yaml"],
            &["-e", "--age", "age1x", "f.yaml"],
            &["f.yaml"],
            &["-s", "f.yaml"],
            &["-d", "f.yaml", "extra"],
            &["-d", "f.yaml", "decrypt"],
            &["-d", "f.yaml", "decryp"],
            &["-d", "--output"],
            &["-d", "--no-such-flag", "f"],
            &["-d", "--help"],
            &["-d", "--version"],
            &["--keyservice", "tcp://x", "decrypt", "f"],
            &["decryp", "f"],
            &["--verbose", "decrypt", "--verbose", "f"],
            &["decrypt", "--in-place", "--output", "o", "f"],
            &["-r", "--add-age", "age1x", "-i", "f.yaml"],
            &["--rm-pgp", "FP", "f.yaml"],
            &["--set", "[\"a\"] \"aaa\"", "-i", "f.yaml"],
            &["-e", "-d", "-r", "--set", "[\"a\"] 1", "f.yaml"],
            &["-v"],
            &["-V"],
            &["--version", "rotate"],
            &["--enable-local-keyservice", "decrypt", "f"],
            &["--enable-local-keyservice=false", "decrypt", "f"],
            &["decrypt", "--disable-version-check", "f"],
            &["publish", "--recursive", "dir"],
            &["keyservice"],
            &["keyservice", "--help"],
            &["h"],
            &["h", "decrypt"],
            &["groups", "add", "-f", "f", "--age", "a"],
        ];
        for line in lines {
            assert_eq!(
                outcome(try_parse_from(os(line))),
                outcome(with_full_parser(os(line))),
                "{line:?}"
            );
        }
    }
}
