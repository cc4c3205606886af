//! `Deferred<T>`: a subcommand's arguments, defined only when the parser enters that subcommand.
//!
//! clap's derive builds every argument of every subcommand before it reads the command line.
//! Wrapping a variant's `Args` struct in `Deferred` hands its definition to `Command::defer`,
//! so `decrypt` no longer pays for building `rotate`'s key-change flags or `exec-env`'s
//! options. Whatever builds the whole tree (help, completions, the man page) runs the deferred
//! definitions first, so the CLI it sees is the same. The wrapper derefs to the arguments; it
//! adds no behaviour of its own.

use std::ops::Deref;

use clap::{ArgMatches, Args, Command, FromArgMatches};

#[derive(Debug)]
pub struct Deferred<T>(T);

impl<T> Deref for Deferred<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Self)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(command: Command) -> Command {
        command.defer(define::<T>)
    }

    fn augment_args_for_update(command: Command) -> Command {
        command.defer(define_for_update::<T>)
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// The subcommand's arguments, defined now. The variant's about text was set before this runs,
/// and a doc comment on a flattened struct (`KeyChanges`) would replace it; without deferral
/// the derive applies the variant's text last, so it is put back to win here too.
fn define<T: Args>(command: Command) -> Command {
    keeping_about(command, T::augment_args)
}

fn define_for_update<T: Args>(command: Command) -> Command {
    keeping_about(command, T::augment_args_for_update)
}

fn keeping_about(command: Command, augment: fn(Command) -> Command) -> Command {
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    let defined = augment(command);
    let defined = match about {
        Some(text) => defined.about(text),
        None => defined.about(None::<&str>),
    };
    match long_about {
        Some(text) => defined.long_about(text),
        None => defined.long_about(None::<&str>),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::cli::Cli;

    #[test]
    fn subcommand_arguments_are_defined_only_when_built() {
        let shells = Cli::command();
        let rotate = shells.find_subcommand("rotate").unwrap();
        assert!(
            !rotate
                .get_arguments()
                .any(|a| a.get_long() == Some("add-age"))
        );

        let mut built = Cli::command();
        built.build();
        let rotate = built.find_subcommand("rotate").unwrap();
        assert!(
            rotate
                .get_arguments()
                .any(|a| a.get_long() == Some("add-age"))
        );
    }

    #[test]
    fn every_subcommand_keeps_its_own_description() {
        let shells = Cli::command();
        let mut built = Cli::command();
        built.build();
        for shell in shells.get_subcommands() {
            let defined = built.find_subcommand(shell.get_name()).unwrap();
            let about = |c: &clap::Command| c.get_about().map(ToString::to_string);
            let long_about = |c: &clap::Command| c.get_long_about().map(ToString::to_string);
            assert!(about(shell).is_some(), "{}", shell.get_name());
            assert_eq!(about(defined), about(shell), "{}", shell.get_name());
            assert_eq!(
                long_about(defined),
                long_about(shell),
                "{}",
                shell.get_name()
            );
        }
    }
}
