//! What `--version` prints. Installed under its own name: `sops-rs 0.1.0`. Installed as `sops`
//! (a symlink or a copy), tools read the sops version from the first line with
//! `^sops (\d+)\.(\d+)\.(\d+)` (community.sops does) to pick the command lines they send, so
//! the line starts with the sops level sops-rs matches, the version it writes into files:
//! `sops 3.12.2 (sops-rs 0.1.0)`. sops-rs never asks the network for a newer release, so
//! `--check-for-updates` and `--disable-version-check` change nothing.

use std::ffi::OsString;
use std::path::Path;
use std::sync::OnceLock;

use clap::Command;
use sops_rs::metadata::FORMAT_VERSION;

/// The name tools call sops by.
const SOPS: &str = "sops";

/// `command`, presenting itself for the name it was invoked as (`argv0`).
pub(super) fn as_invoked(command: Command, argv0: Option<&OsString>) -> Command {
    if invoked_as_sops(argv0) {
        command.display_name(SOPS).version(drop_in_version())
    } else {
        command
    }
}

fn invoked_as_sops(argv0: Option<&OsString>) -> bool {
    argv0
        .and_then(|arg| Path::new(arg).file_stem())
        .is_some_and(|name| name == SOPS)
}

/// The version after the name when installed as `sops`.
fn drop_in_version() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| format!("{FORMAT_VERSION} (sops-rs {})", env!("CARGO_PKG_VERSION")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_decides_which_version_line_is_printed() {
        let named = |name: &str| {
            let command = as_invoked(
                Command::new("sops-rs").version(env!("CARGO_PKG_VERSION")),
                Some(&OsString::from(name)),
            );
            command.render_version()
        };
        let own = format!("sops-rs {}\n", env!("CARGO_PKG_VERSION"));
        let drop_in = format!(
            "sops {FORMAT_VERSION} (sops-rs {})\n",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(named("/usr/local/bin/sops-rs"), own);
        assert_eq!(named("sops-rs"), own);
        assert_eq!(named("/opt/bin/sops"), drop_in);
        assert_eq!(named("sops"), drop_in);
        assert_eq!(named("sops.exe"), drop_in);
        assert_eq!(named("sopsy"), own);
    }
}
