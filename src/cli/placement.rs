//! Which side of the subcommand a top-level flag stands on, and what sops does with it there.
//!
//! sops 3.12.2 reads almost nothing of what comes before a subcommand: `sops --indent 2 decrypt
//! F` indents by 4, `sops -i decrypt F` prints to standard output and `sops --age K encrypt F`
//! finds no key. Only `--config` (and `--mac-only-encrypted` for a new file) is read there. A
//! top-level flag after a subcommand that does not define it is refused. sops-rs defines its
//! flags once for every level, so this module puts sops's reading back: a flag before a sops
//! subcommand that sops would not read is dropped, with a warning, and one after a subcommand
//! where it does nothing is refused where sops refuses it too.

use std::ffi::OsString;

use clap::Command;

use super::exit::{CliError, code};
use super::parse::takes_one_value;

/// A top-level flag given before the subcommand: its long name and its tokens.
struct Before {
    long: String,
    tokens: Vec<OsString>,
}

/// The flags around the subcommand of one command line.
struct Walk {
    /// The subcommand's name (for `groups add`, both words).
    subcommand: String,
    /// Where the subcommand's name is in the command line.
    at: usize,
    /// Top-level flags before it, in order.
    before: Vec<Before>,
    /// Long names of top-level flags after it.
    after: Vec<String>,
}

/// What to do with a command line that parsed: keep it, or parse it again without the flags
/// sops would not read (after telling the user), or refuse it.
pub(super) fn review(
    parsed: &Command,
    args: &[OsString],
) -> Result<Option<Vec<OsString>>, CliError> {
    let Some(walk) = walk(parsed, args) else {
        return Ok(None);
    };
    if let Some(unused) = unused_by_own(&walk.subcommand) {
        if let Some(long) = walk.after.iter().find(|l| listed(unused, l)) {
            return Err(CliError::new(
                code::GENERIC,
                format!(
                    "`{}` does not take --{long} (it does nothing there)",
                    walk.subcommand
                ),
            ));
        }
        return Ok(None);
    }
    let Some(refused_after) = refused_after(&walk.subcommand) else {
        return Ok(None);
    };
    if let Some(long) = walk.after.iter().find(|l| listed(refused_after, l)) {
        return Err(CliError::new(
            code::GENERIC,
            format!(
                "`{}` does not take --{long} (sops refuses it there too)",
                walk.subcommand
            ),
        ));
    }
    let unread = |b: &Before| !read_before(&walk.subcommand, &b.long);
    if !walk.before.iter().any(unread) {
        return Ok(None);
    }
    let mut rewritten = vec![args[0].clone()];
    for flag in &walk.before {
        if unread(flag) {
            eprintln!(
                "sops-rs: --{} before `{}` is ignored, as sops ignores it there; give it after \
                 `{}`",
                flag.long, walk.subcommand, walk.subcommand
            );
        } else {
            rewritten.extend(flag.tokens.iter().cloned());
        }
    }
    rewritten.extend(args[walk.at..].iter().cloned());
    Ok(Some(rewritten))
}

/// Whether a top-level flag keeps its effect before a sops subcommand: sops reads `--config`
/// there, and `--mac-only-encrypted` for the new file of `encrypt` or `edit`; `--indent` and
/// `--verbose` are honoured too, because tools pass them there expecting an effect (sops ignores
/// `--indent` there: listed in docs/compatibility.md); the others kept do nothing in sops-rs
/// anyway, or exist only in sops-rs (`--audit-log`).
fn read_before(subcommand: &str, long: &str) -> bool {
    const ALWAYS: &[&str] = &[
        "config",
        "indent",
        "audit-log",
        "verbose",
        "disable-version-check",
        "check-for-updates",
        "offline",
        "provider-timeout",
    ];
    ALWAYS.contains(&long)
        || (long == "mac-only-encrypted" && matches!(subcommand, "encrypt" | "edit"))
}

/// Reads the command line the way `parsed` (the command that parsed it) did: `None` when there
/// is no subcommand or a token cannot be placed with certainty.
fn walk(parsed: &Command, args: &[OsString]) -> Option<Walk> {
    let mut level = parsed;
    let mut found: Option<(String, usize)> = None;
    let mut before = Vec::new();
    let mut after = Vec::new();
    let global = |long: &str| {
        parsed
            .get_arguments()
            .any(|a| a.is_global_set() && a.get_long() == Some(long))
    };
    let mut at = 1;
    while at < args.len() {
        let token = args[at].to_str()?;
        let start = at;
        at += 1;
        if token == "--" {
            break;
        }
        let mut flags: Vec<(String, Vec<OsString>)> = Vec::new();
        if let Some(long) = token.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            let arg = level.get_arguments().find(|a| {
                a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|v| v.contains(&name))
            })?;
            let long = arg.get_long()?.to_string();
            if !inline && takes_one_value(arg)? {
                at += 1;
            }
            flags.push((long, args.get(start..at)?.to_vec()));
        } else if let Some(cluster) = token.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (offset, short) in cluster.char_indices() {
                let arg = level.get_arguments().find(|a| {
                    a.get_short() == Some(short)
                        || a.get_all_short_aliases()
                            .is_some_and(|v| v.contains(&short))
                })?;
                let long = arg.get_long()?.to_string();
                let rest = &cluster[offset + short.len_utf8()..];
                if takes_one_value(arg)? {
                    let mut tokens = vec![OsString::from(format!("-{short}{rest}"))];
                    if rest.is_empty() {
                        tokens.push(args.get(at)?.clone());
                        at += 1;
                    }
                    flags.push((long, tokens));
                    break;
                }
                flags.push((long, vec![OsString::from(format!("-{short}"))]));
            }
        } else if let Some(sub) = level.find_subcommand(token) {
            found = Some(match found {
                None => (token.to_string(), start),
                Some((name, first)) => (format!("{name} {token}"), first),
            });
            level = sub;
            continue;
        } else if found.is_none() {
            // The legacy form: no subcommand to place flags around.
            return None;
        } else {
            continue;
        }
        for (long, tokens) in flags {
            if found.is_none() {
                before.push(Before { long, tokens });
            } else if global(&long) {
                after.push(long);
            }
        }
    }
    let (subcommand, at) = found?;
    Some(Walk {
        subcommand,
        at,
        before,
        after,
    })
}

/// `command` with every top-level flag a sops subcommand refuses hidden from that subcommand's
/// help: `decrypt --help` does not offer recipients to encrypt for, nor `edit --help` an output
/// file. The subcommand gets a hidden copy of the flag, which clap then does not copy in from the
/// top level. Only help uses this command: the refusal itself is [`review`]'s.
pub(super) fn without_refused_flags_in_help(command: Command) -> Command {
    let globals: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let mut paths = Vec::new();
    for sub in command.get_subcommands() {
        paths.push(vec![sub.get_name().to_string()]);
        for nested in sub.get_subcommands() {
            paths.push(vec![
                sub.get_name().to_string(),
                nested.get_name().to_string(),
            ]);
        }
    }
    let hidden = |sub: Command, refused: &[&[&str]]| {
        globals
            .iter()
            .filter(|a| a.get_long().is_some_and(|long| listed(refused, long)))
            .fold(sub, |sub, arg| sub.arg(arg.clone().hide(true)))
    };
    paths.into_iter().fold(command, |command, path| {
        let name = path.join(" ");
        let Some(refused) = refused_after(&name).or_else(|| unused_by_own(&name)) else {
            return command;
        };
        command.mut_subcommand(&path[0], |sub| match path.get(1) {
            Some(nested) => sub.mut_subcommand(nested, |nested| hidden(nested, refused)),
            None => hidden(sub, refused),
        })
    })
}

/// Whether the top-level flag `--long` is refused after `subcommand` (`groups add` for a nested
/// one).
pub(super) fn refused_after_subcommand(subcommand: &str, long: &str) -> bool {
    refused_after(subcommand)
        .or_else(|| unused_by_own(subcommand))
        .is_some_and(|refused| listed(refused, long))
}

fn listed(groups: &[&[&str]], long: &str) -> bool {
    groups.iter().any(|group| {
        group
            .iter()
            .any(|name| *name == long || (*name == KEY_FLAGS && is_key_flag(long)))
    })
}

/// Stands for every key kind's encryption flag (`age`, `kms`, ...) in a list below.
const KEY_FLAGS: &str = "<the key registry's flags>";

fn is_key_flag(long: &str) -> bool {
    sops_rs::keys::registry::all().any(|kind| kind.descriptor().flags.long == long)
}

/// Keys for new files.
const RECIPIENTS: &[&str] = &[KEY_FLAGS];

/// Options of new AWS KMS keys.
const KMS_OPTIONS: &[&str] = &["aws-profile", "encryption-context"];

/// Which values of a new file get encrypted.
const SELECTION: &[&str] = &[
    "unencrypted-suffix",
    "encrypted-suffix",
    "unencrypted-regex",
    "encrypted-regex",
    "unencrypted-comment-regex",
    "encrypted-comment-regex",
    "mac-only-encrypted",
];

/// Flags only sops's top level has, which do nothing in sops-rs.
const TOP_LEVEL_ONLY: &[&str] = &["verbose", "disable-version-check", "check-for-updates"];

const THRESHOLD: &[&str] = &["shamir-secret-sharing-threshold"];
const EXTRACT: &[&str] = &["extract"];
const DESTINATION: &[&str] = &["in-place", "output"];

/// For a sops 3.12.2 subcommand: the top-level flags sops refuses after it (it does not define
/// them, see `sops SUBCOMMAND --help`) that do nothing there in sops-rs either. Flags sops-rs
/// reads there are accepted (`--indent`, `--config`, `--ignore-mac` for `rotate`, ...). `None`
/// for sops-rs's own subcommands.
fn refused_after(subcommand: &str) -> Option<&'static [&'static [&'static str]]> {
    Some(match subcommand {
        "decrypt" => &[
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        // --ignore-mac and --decryption-order work with --reuse-from.
        "encrypt" => &[EXTRACT, TOP_LEVEL_ONLY],
        // --aws-profile and --encryption-context go with --add-kms.
        "rotate" => &[RECIPIENTS, SELECTION, THRESHOLD, EXTRACT, TOP_LEVEL_ONLY],
        "edit" => &[DESTINATION, EXTRACT, TOP_LEVEL_ONLY],
        "set" | "unset" => &[
            DESTINATION,
            EXTRACT,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            TOP_LEVEL_ONLY,
        ],
        "groups add" => &[EXTRACT, &["ignore-mac"], SELECTION, TOP_LEVEL_ONLY],
        "groups delete" => &[
            EXTRACT,
            &["ignore-mac"],
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            TOP_LEVEL_ONLY,
        ],
        "updatekeys" => &[
            DESTINATION,
            &["output-type", "ignore-mac"],
            EXTRACT,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        "exec-env" => &[
            DESTINATION,
            &["output-type"],
            EXTRACT,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        "exec-file" => &[
            DESTINATION,
            EXTRACT,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        "filestatus" => &[
            DESTINATION,
            &[
                "output-type",
                "ignore-mac",
                "decryption-order",
                "enable-local-keyservice",
                "keyservice",
            ],
            EXTRACT,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        // sops's server takes only its own flags and --verbose.
        "keyservice" => &[
            DESTINATION,
            &[
                "input-type",
                "output-type",
                "filename-override",
                "ignore-mac",
                "decryption-order",
                "indent",
                "enable-local-keyservice",
                "keyservice",
                "disable-version-check",
                "check-for-updates",
            ],
            EXTRACT,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
        ],
        _ => return None,
    })
}

/// Top-level flags that do nothing after one of sops-rs's own subcommands (sops has none of
/// them): refused there, and hidden from its help. Flags before it are left as they are.
fn unused_by_own(subcommand: &str) -> Option<&'static [&'static [&'static str]]> {
    const FILES: &[&str] = &["output-type", "filename-override", "extract"];
    const KEYS: &[&str] = &["ignore-mac", "decryption-order"];
    Some(match subcommand {
        "check" => &[
            DESTINATION,
            FILES,
            &["ignore-mac"],
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        "status" => &[
            DESTINATION,
            FILES,
            &["input-type"],
            KEYS,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        "git-merge" | "git-textconv" => &[
            DESTINATION,
            FILES,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        "completion" | "audit verify" | "audit hash" | "audit report" | "git setup" => &[
            DESTINATION,
            FILES,
            &["input-type"],
            KEYS,
            RECIPIENTS,
            KMS_OPTIONS,
            SELECTION,
            THRESHOLD,
            TOP_LEVEL_ONLY,
        ],
        _ => return None,
    })
}
