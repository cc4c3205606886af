//! The command line: sops's subcommands, flags and environment variables, parsed with clap.
//!
//! `main.rs` declares this module, so it uses only the library's public API. This file owns the
//! parser entry (`Cli` and its list of subcommands) and the dispatch; each subcommand lives in
//! `commands/`, the flags every command shares in `args.rs`, and the rest of `cli/` is the
//! infrastructure the commands build on.

mod args;
mod audit_run;
mod child;
mod commands;
mod context;
mod deferred;
pub mod exit;
mod input_output;
mod json_output;
mod key_flags;
mod key_services;
mod many;
mod open;
mod parallel;
mod parse;
mod placement;
mod plan;
mod session;
mod telemetry_run;
mod version;

#[cfg(all(feature = "keyservice", unix))]
use commands::keyservice;
use commands::{
    audit_log, check, completion, decrypt, edit, encrypt, exec_env, exec_file, filestatus,
    git_merge, git_setup, git_textconv, groups, legacy, man, publish_file, repo_status, rotate,
    set, unset, updatekeys,
};

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use args::{CommonArgs, FileArg};
use deferred::Deferred;
use exit::{CliError, code};
use session::{KeyUse, Operation, Session};

/// The program name in usage lines and help.
const BIN_NAME: &str = "sops-rs";

/// A fast, SOPS-compatible editor of encrypted files.
#[derive(Parser, Debug)]
#[command(
    name = BIN_NAME,
    version,
    disable_version_flag = true,
    about = "Encrypt and decrypt the values of YAML, JSON, TOML, dotenv, INI and binary files in the SOPS v3 format",
    after_help = "Examples:\n  sops-rs encrypt --age age1... secrets.yaml > secrets.enc.yaml\n  \
                  SOPS_AGE_KEY_FILE=keys.txt sops-rs decrypt secrets.enc.yaml\n  \
                  sops-rs -d secrets.enc.yaml   (legacy sops form)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Print the version (as `sops X.Y.Z (sops-rs V)` when installed as `sops`).
    #[arg(short = 'v', long = "version", short_alias = 'V', action = clap::ArgAction::Version)]
    version: Option<bool>,

    #[command(flatten)]
    common: CommonArgs,

    #[command(flatten)]
    legacy: legacy::LegacyArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Encrypt a file and print the result (or write it with -i / --output).
    #[command(
        after_help = "Examples:\n  sops-rs encrypt --age age1... app.yaml > app.enc.yaml\n  \
                            sops-rs encrypt -i --encrypted-regex '^(password|token)$' app.yaml\n  \
                            cat app.json | sops-rs encrypt --filename-override app.json --age age1..."
    )]
    Encrypt(Deferred<encrypt::EncryptArgs>),
    /// Decrypt a file and print the plaintext (or write it with -i / --output).
    #[command(
        after_help = "Examples:\n  SOPS_AGE_KEY_FILE=~/keys.txt sops-rs decrypt app.enc.yaml\n  \
                            sops-rs decrypt --extract '[\"db\"][\"password\"]' app.enc.yaml\n  \
                            sops-rs decrypt --output-type json app.enc.yaml"
    )]
    Decrypt(Deferred<decrypt::DecryptArgs>),
    /// Edit an encrypted file in $SOPS_EDITOR / $EDITOR; unchanged values keep their ciphertext.
    #[command(after_help = "Examples:\n  sops-rs edit secrets.enc.yaml\n  \
                            SOPS_EDITOR='code --wait' sops-rs edit app.enc.json\n  \
                            sops-rs secrets.enc.yaml   (legacy sops form)")]
    Edit(Deferred<edit::EditArgs>),
    /// Encrypt a file again under a new data key, optionally adding or removing keys.
    #[command(after_help = "Examples:\n  sops-rs rotate -i app.enc.yaml\n  \
                            sops-rs rotate -i --add-age age1... --rm-age age1old... app.enc.yaml")]
    Rotate(Deferred<Box<rotate::RotateArgs>>),
    /// Make files' keys match the config's creation rule (values are not re-encrypted).
    #[command(after_help = "Examples:\n  sops-rs updatekeys -y secrets/*.enc.yaml")]
    Updatekeys(Deferred<updatekeys::UpdateKeysArgs>),
    /// Add or delete key groups (Shamir secret sharing).
    #[command(
        subcommand,
        after_help = "Examples:\n  sops-rs groups add --file app.enc.yaml --age age1... -i\n  \
                            sops-rs groups delete --file app.enc.yaml 1 -i"
    )]
    Groups(groups::GroupsCommand),
    /// Set one value of an encrypted file (VALUE is JSON); other values keep their ciphertext.
    #[command(
        after_help = "Examples:\n  sops-rs set app.enc.yaml '[\"db\"][\"password\"]' '\"s3cret\"'\n  \
                            echo '{\"a\": 1}' | sops-rs set --value-stdin app.enc.yaml '[\"nested\"]'"
    )]
    Set(Deferred<set::SetArgs>),
    /// Remove one key or list element from an encrypted file.
    #[command(after_help = "Examples:\n  sops-rs unset app.enc.yaml '[\"db\"][\"password\"]'")]
    Unset(Deferred<unset::UnsetArgs>),
    /// Run a command with the file's top-level values as environment variables.
    #[command(
        name = "exec-env",
        after_help = "Examples:\n  sops-rs exec-env app.enc.env './deploy.sh'\n  \
                            sops-rs exec-env --pristine app.enc.yaml 'env'"
    )]
    ExecEnv(Deferred<exec_env::ExecEnvArgs>),
    /// Run a command with `{}` replaced by the path of the decrypted file (a FIFO by default).
    #[command(
        name = "exec-file",
        after_help = "Examples:\n  sops-rs exec-file app.enc.json 'jq .db {}'\n  \
                            sops-rs exec-file --no-fifo --filename app.json app.enc.json 'tool --config {}'"
    )]
    ExecFile(Deferred<exec_file::ExecFileArgs>),
    /// Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  sops-rs completion bash > /etc/bash_completion.d/sops-rs\n  \
                            sops-rs completion zsh > \"${fpath[1]}/_sops-rs\""
    )]
    Completion {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Work with audit logs: verify a log's hash chain, report on logs, hash a tree path.
    #[command(
        subcommand,
        after_help = "Examples:\n  sops-rs audit verify audit.jsonl\n  \
                            sops-rs audit report --since 7d audit.jsonl\n  \
                            SOPS_RS_AUDIT_HMAC_KEY=... sops-rs audit hash '[\"db\"][\"password\"]'"
    )]
    Audit(audit_log::AuditCommand),
    /// Print the man page sops-rs(1) (roff), or write every page into a directory.
    #[command(hide = true)]
    Man(man::ManArgs),
    /// Fail when a file a creation rule covers is not encrypted, or a file's metadata or MAC
    /// is broken (for pre-commit hooks and CI).
    #[command(
        after_help = "Examples:\n  sops-rs check secrets/\n  sops-rs check --verify-mac --json config/*.enc.yaml"
    )]
    Check(Deferred<check::CheckArgs>),
    /// Report the state of every secret file under a tree without any key: leaks, recipients
    /// that differ from the creation rule, data keys older than the rotation policy, files
    /// without a MAC or that do not parse (for CI).
    #[command(
        after_help = "Examples:\n  sops-rs status\n  sops-rs status --max-age 90d --fail-on leak,drift secrets/\n  \
                            sops-rs status --json | jq -c 'select(.failing)'\n\n\
                      Exit status: 0, or 1 when a file has a finding of a class --fail-on selects \
                      (default leak,broken,drift,overdue)."
    )]
    Status(Deferred<repo_status::StatusArgs>),
    /// A git merge driver: three-way merge of encrypted files, key by key.
    #[command(
        name = "git-merge",
        after_help = "Examples:\n  git config merge.sops-rs.driver 'sops-rs git-merge %O %A %B %P'\n  \
                            echo '*.enc.yaml merge=sops-rs' >> .gitattributes"
    )]
    GitMerge(Deferred<git_merge::MergeArgs>),
    /// git's textconv for encrypted files: FILE decrypted, or (without the key) a one-line note
    /// and FILE as stored, so that `git diff` never fails.
    #[command(
        name = "git-textconv",
        after_help = "Examples:\n  git config diff.sops-rs.textconv 'sops-rs git-textconv'\n  \
                            echo '*.enc.yaml diff=sops-rs' >> .gitattributes"
    )]
    GitTextconv(Deferred<git_textconv::TextconvArgs>),
    /// Set git up for encrypted files: the diff and merge drivers, and `.gitattributes` lines
    /// for every file the creation rules cover.
    #[command(
        subcommand,
        after_help = "Examples:\n  sops-rs git setup\n  sops-rs git setup --dry-run --global"
    )]
    Git(git_setup::GitCommand),
    /// Send a file (or a directory's files) to the S3 bucket, GCS bucket or Vault KV path its
    /// destination rule names.
    #[command(after_help = "Examples:\n  sops-rs publish secrets/app.enc.yaml\n  \
                            sops-rs publish --yes --recursive --omit-extensions secrets/")]
    Publish(Deferred<publish_file::PublishArgs>),
    /// Serve sops's key service (gRPC): wrap and unwrap data keys for other sops and sops-rs
    /// processes with this process's credentials. Default: a private unix socket.
    #[cfg(all(feature = "keyservice", unix))]
    #[command(after_help = "Examples:\n  sops-rs keyservice &\n  \
                            export SOPS_KEYSERVICE=unix://$XDG_RUNTIME_DIR/sops-rs/keyservice.sock\n  \
                            sops-rs keyservice --network tcp --address 127.0.0.1:5000   (as sops)")]
    Keyservice(keyservice::KeyserviceArgs),
    /// Print {"encrypted":true} or {"encrypted":false} for a file.
    #[command(after_help = "Examples:\n  sops-rs filestatus app.enc.yaml")]
    Filestatus(Deferred<FileArg>),
}

/// Prints a failed command's error on stderr (as JSON after `--json` or with
/// `SOPS_RS_ERROR_FORMAT=json`).
pub fn report(error: &CliError) {
    json_output::report(error);
}

impl Command {
    /// With `--json`: what an error object names (the file, and the tree path of `set`/`unset`).
    fn json_errors(&self) -> Option<json_output::ErrorSubject> {
        let named = |file: &std::path::Path, path: Option<&str>| json_output::ErrorSubject {
            file: Some(file.display().to_string()),
            path: path.map(str::to_string),
        };
        match self {
            Command::Check(check) if check.json => Some(json_output::ErrorSubject::default()),
            Command::Status(status) if status.json => Some(json_output::ErrorSubject::default()),
            Command::Rotate(rotate) if rotate.json => match rotate.files.as_slice() {
                [file] => Some(named(file, None)),
                _ => Some(json_output::ErrorSubject::default()),
            },
            Command::Updatekeys(update) if update.json => match update.files.as_slice() {
                [file] => Some(named(file, None)),
                _ => Some(json_output::ErrorSubject::default()),
            },
            Command::Set(set) if set.json => Some(named(&set.file, Some(&set.path))),
            Command::Unset(unset) if unset.json => Some(named(&unset.file, Some(&unset.path))),
            _ => None,
        }
    }
}

/// Parses the arguments and runs the command in its session.
pub fn run() -> Result<(), CliError> {
    let cli = parse::parse_from(std::env::args_os().collect())?;
    context::install_limits()?;
    dispatch(&cli)
}

/// Runs the command. Each arm that needs a session declares what the command does with keys: a
/// command that may touch one runs audited, as its operation; one that declares `NoKeys` gets no
/// key context. Arms without a session read no config and open no encrypted file's keys.
fn dispatch(cli: &Cli) -> Result<(), CliError> {
    let common = &cli.common;
    let audited = |name, file| KeyUse::Audited(Operation::new(name, file));
    if let Some(subject) = cli.command.as_ref().and_then(Command::json_errors) {
        json_output::errors_as_json(subject);
    }
    match &cli.command {
        Some(Command::Audit(command)) => audit_log::run(command),
        Some(Command::Check(check)) => {
            let key_use = match check.verify_mac {
                true => audited("check", check.paths.first().map(PathBuf::as_path)),
                false => KeyUse::NoKeys,
            };
            Session::run(common, key_use, |s| check::run(check, s))
        }
        Some(Command::Status(status)) => {
            Session::run(common, KeyUse::NoKeys, |s| repo_status::run(status, s))
        }
        Some(Command::GitMerge(merge)) => Session::run(
            common,
            audited("git_merge", Some(merge.ours.as_path())),
            |s| git_merge::run(merge, s),
        ),
        Some(Command::GitTextconv(arg)) => Session::run(
            common,
            audited("git_textconv", Some(arg.file.as_path())),
            |s| git_textconv::run(&arg.file, s),
        ),
        Some(Command::Git(git)) => Session::run(common, KeyUse::NoKeys, |s| git_setup::run(git, s)),
        Some(Command::Encrypt(arg)) => {
            let first = arg.files.first().map(PathBuf::as_path);
            Session::run(common, audited("encrypt", first), |s| {
                encrypt::run_args(arg, s)
            })
        }
        Some(Command::Decrypt(arg)) => {
            let operation = Operation::new("decrypt", arg.files.first().map(PathBuf::as_path));
            let key_use = KeyUse::Audited(operation.at(common.extract.as_deref()));
            Session::run(common, key_use, |s| decrypt::run_args(arg, s))
        }
        Some(Command::Edit(edit)) => {
            Session::run(common, audited("edit", Some(edit.file.as_path())), |s| {
                edit::run(edit, s)
            })
        }
        Some(Command::Rotate(rotate)) => Session::run(
            common,
            audited("rotate", rotate.files.first().map(PathBuf::as_path)),
            |s| rotate::rotate(rotate, s),
        ),
        Some(Command::Updatekeys(update)) => {
            let first = update.files.first().map(PathBuf::as_path);
            Session::run(common, audited("updatekeys", first), |s| {
                updatekeys::update_keys(update, s)
            })
        }
        Some(Command::Groups(groups)) => {
            let file = groups.file();
            Session::run(common, audited("groups", Some(file)), |s| {
                groups::groups(groups, s)
            })
        }
        Some(Command::Set(set)) => {
            let operation = Operation::new("set", Some(set.file.as_path()));
            let key_use = KeyUse::Audited(operation.at(Some(set.path.as_str())));
            Session::run(common, key_use, |s| set::set(set, s))
        }
        Some(Command::Unset(unset)) => {
            let operation = Operation::new("unset", Some(unset.file.as_path()));
            let key_use = KeyUse::Audited(operation.at(Some(unset.path.as_str())));
            Session::run(common, key_use, |s| unset::unset(unset, s))
        }
        Some(Command::ExecEnv(exec)) => Session::run(
            common,
            audited("exec_env", Some(exec.file.as_path())),
            |s| exec_env::exec_env(exec, s),
        ),
        Some(Command::ExecFile(exec)) => Session::run(
            common,
            audited("exec_file", Some(exec.file.as_path())),
            |s| exec_file::exec_file(exec, s),
        ),
        Some(Command::Publish(args)) => {
            Session::run(common, audited("publish", args.file.as_deref()), |s| {
                publish_file::run(args, s)
            })
        }
        #[cfg(all(feature = "keyservice", unix))]
        Some(Command::Keyservice(args)) => Session::run(
            common,
            KeyUse::Audited(Operation::new("keyservice", None).serving()),
            |s| keyservice::run(args, s),
        ),
        Some(Command::Completion { shell }) => completion::run(*shell),
        Some(Command::Man(args)) => man::run(args),
        Some(Command::Filestatus(arg)) => match &arg.file {
            Some(file) => filestatus::run(file, common),
            None => Err(CliError::new(
                code::NO_FILE_SPECIFIED,
                "filestatus needs a file",
            )),
        },
        None => match cli.legacy.file.as_deref() {
            Some(file) => {
                let mode = cli.legacy.mode();
                let tree_path = match mode {
                    legacy::Mode::Decrypt => common.extract.as_deref(),
                    legacy::Mode::Set => cli.legacy.set_path(),
                    _ => None,
                };
                let operation = Operation::new(mode.operation(), Some(file)).at(tree_path);
                Session::run(common, KeyUse::Audited(operation), |s| {
                    legacy::run(&cli.legacy, file, s)
                })
            }
            None => legacy::no_file(&cli.legacy),
        },
    }
}
