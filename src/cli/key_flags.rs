//! The key flags, generated from the key registry: each kind's encryption flag (`--age`,
//! `--kms`, ... with its short form and environment variable) and `rotate`'s `--add-*` /
//! `--rm-*`. A kind added to the registry gets its flags here without a line of CLI code.

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use sops_rs::keys::kind::FlagNames;
use sops_rs::keys::{KeyKind, KeyOptions, KeySpec, registry};

/// The comma-separated lists given to one flag per kind, in registry order.
#[derive(Clone, Debug, Default)]
pub struct KindLists(Vec<(KeyKind, String)>);

impl KindLists {
    /// The keys named, in `kinds` order, each built with `options`.
    pub fn specs(&self, kinds: &[KeyKind], options: &KeyOptions) -> Vec<KeySpec> {
        let mut keys = Vec::new();
        for kind in kinds {
            for (_, list) in self.0.iter().filter(|(k, _)| k == kind) {
                keys.extend(
                    list.split(',')
                        .map(str::trim)
                        .filter(|id| !id.is_empty())
                        .map(|id| kind.spec(id, options)),
                );
            }
        }
        keys
    }

    /// Whether any flag was given a non-empty value.
    pub fn any(&self) -> bool {
        self.0.iter().any(|(_, list)| !list.is_empty())
    }

    fn read(matches: &ArgMatches, id: fn(&FlagNames) -> &'static str) -> KindLists {
        KindLists(
            registry::all()
                .filter_map(|kind| {
                    let name = id(&kind.descriptor().flags);
                    matches
                        .try_get_one::<String>(name)
                        .ok()
                        .flatten()
                        .map(|value| (kind, value.clone()))
                })
                .collect(),
        )
    }

    /// Values given now replace the ones from before (a global flag seen again after the
    /// subcommand).
    fn update(&mut self, matches: &ArgMatches, id: fn(&FlagNames) -> &'static str) {
        for (kind, value) in KindLists::read(matches, id).0 {
            self.0.retain(|(k, _)| *k != kind);
            self.0.push((kind, value));
        }
        let order: Vec<KeyKind> = registry::all().collect();
        self.0
            .sort_by_key(|(kind, _)| order.iter().position(|k| k == kind));
    }
}

fn list_arg(id: &'static str, help: &'static str, value_name: &'static str) -> Arg {
    Arg::new(id)
        .long(id)
        .help(help)
        .value_name(value_name)
        .action(ArgAction::Set)
        .value_parser(clap::value_parser!(String))
}

/// `--age`, `--pgp`, `--kms`, ...: the keys to encrypt for, one flag per kind, accepted
/// before or after the subcommand.
#[derive(Clone, Debug, Default)]
pub struct KeyFlags(pub KindLists);

fn encryption_flag(flags: &FlagNames) -> &'static str {
    flags.long
}

impl Args for KeyFlags {
    fn augment_args(mut command: Command) -> Command {
        for kind in registry::all() {
            let flags = &kind.descriptor().flags;
            let mut arg = list_arg(flags.long, flags.help, flags.value_name)
                .global(true)
                .env(flags.env)
                .hide_env_values(true);
            if let Some(short) = flags.short {
                arg = arg.short(short);
            }
            command = command.arg(arg);
        }
        command
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

impl FromArgMatches for KeyFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(KeyFlags(KindLists::read(matches, encryption_flag)))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update(matches, encryption_flag);
        Ok(())
    }
}

/// `rotate`'s `--add-*` / `--rm-*` flags, comma-separated lists.
#[derive(Clone, Debug, Default)]
pub struct KeyChanges {
    /// The `--add-*` lists.
    pub added: KindLists,
    /// The `--rm-*` lists.
    pub removed: KindLists,
}

fn add_flag(flags: &FlagNames) -> &'static str {
    flags.add
}

fn remove_flag(flags: &FlagNames) -> &'static str {
    flags.remove
}

impl KeyChanges {
    /// Whether any `--add-*` or `--rm-*` flag was given a value.
    pub fn any(&self) -> bool {
        self.added.any() || self.removed.any()
    }
}

impl Args for KeyChanges {
    fn augment_args(mut command: Command) -> Command {
        for kind in registry::all() {
            let flags = &kind.descriptor().flags;
            command = command
                .arg(list_arg(flags.add, flags.add_help, flags.value_name))
                .arg(list_arg(flags.remove, flags.remove_help, flags.value_name));
        }
        command
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

impl FromArgMatches for KeyChanges {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(KeyChanges {
            added: KindLists::read(matches, add_flag),
            removed: KindLists::read(matches, remove_flag),
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.added.update(matches, add_flag);
        self.removed.update(matches, remove_flag);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::cli::Cli;
    use sops_rs::keys::registry;

    #[test]
    fn every_kind_has_its_flags_on_the_command_line() {
        let mut cli = Cli::command();
        cli.build();
        let rotate = cli
            .find_subcommand("rotate")
            .expect("rotate is a subcommand")
            .clone();
        for kind in registry::all() {
            let flags = &kind.descriptor().flags;
            let arg = cli
                .get_arguments()
                .find(|arg| arg.get_long() == Some(flags.long))
                .unwrap_or_else(|| panic!("--{} is missing", flags.long));
            assert_eq!(arg.get_short(), flags.short, "{}", flags.long);
            assert_eq!(
                arg.get_env().and_then(|e| e.to_str()),
                Some(flags.env),
                "{}",
                flags.long
            );
            assert!(arg.is_global_set(), "--{} is global", flags.long);
            for name in [flags.add, flags.remove] {
                assert!(
                    rotate
                        .get_arguments()
                        .any(|arg| arg.get_long() == Some(name)),
                    "rotate --{name} is missing"
                );
            }
        }
    }
}
