//! `sops-rs decrypt`: an encrypted file in, plaintext (or one extracted value) out; or many
//! files (several FILE arguments, directories with `--recursive`) decrypted in parallel, each
//! written in place (`-i`), into `--output-dir`, next to its source (`--next-to-source`), or
//! all joined as YAML documents on standard output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::Args;
use sops_rs::Format;
use sops_rs::io::{Contents, Expect};
use sops_rs::tree::path::TreePath;
use zeroize::Zeroizing;

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::check_destination;
use crate::cli::many::{self, ManyArgs, Wanted};
use crate::cli::open::Opened;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct DecryptArgs {
    /// The file; `-` or nothing reads standard input. Several files (or directories, with
    /// --recursive) are decrypted in parallel.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub many: ManyArgs,
    /// With several files: write each plaintext next to its source, named without its `.enc`
    /// or `.sops` part (`app.enc.yaml` -> `app.yaml`), or with `.dec` before the extension when
    /// it has none (`app.yaml` -> `app.dec.yaml`).
    #[arg(long, conflicts_with = "output_dir")]
    pub next_to_source: bool,
}

impl DecryptArgs {
    /// The single file of the sops-compatible form, when this is one.
    fn single(&self) -> Option<Option<&Path>> {
        let flags = self.many.output_dir.is_some() || self.next_to_source;
        many::single(&self.files, flags, self.many.recursive)
    }
}

/// Runs `decrypt` with its arguments: one file as sops does, or many.
pub fn run_args(decrypt: &DecryptArgs, session: &Session) -> Result<(), CliError> {
    match decrypt.single() {
        Some(file) => run(file, session),
        None => run_many(decrypt, session),
    }
}

/// Where a plaintext written next to `file` goes: without the last `.enc` / `.sops` part of the
/// name, else with `.dec` before the extension.
pub fn next_to_source(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parts: Vec<&str> = name.split('.').collect();
    match parts
        .iter()
        .skip(1)
        .rposition(|part| matches!(*part, "enc" | "sops"))
    {
        Some(index) => {
            parts.remove(index + 1);
        }
        None if parts.len() > 1 => parts.insert(parts.len() - 1, "dec"),
        None => parts.push("dec"),
    }
    file.with_file_name(parts.join("."))
}

fn run_many(decrypt: &DecryptArgs, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    if args.extract.is_some() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "--extract takes one file",
        ));
    }
    if args.in_place && (decrypt.many.output_dir.is_some() || decrypt.next_to_source) {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "-i cannot be combined with --output-dir or --next-to-source",
        ));
    }
    let joined = !args.in_place && decrypt.many.output_dir.is_none() && !decrypt.next_to_source;
    if joined && args.output_type.as_deref().is_some_and(|t| t != "yaml") {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "several files on standard output are joined as YAML documents: drop --output-type, \
             or give --output-dir, --next-to-source or -i",
        ));
    }
    if !joined && args.output.is_some() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "--output takes the joined YAML of several files; with -i, --output-dir or \
             --next-to-source each file has its own destination",
        ));
    }
    if decrypt.files.iter().any(|f| f.as_os_str() == "-") {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "standard input (`-`) cannot be one of several files",
        ));
    }
    let files = many::expand(&decrypt.files, decrypt.many.recursive, Wanted::Encrypted)?;
    let documents: Mutex<HashMap<PathBuf, Zeroizing<Vec<u8>>>> = Mutex::default();
    let result = many::run("decrypt", &files, session, |path| {
        let mut opened = match args.in_place {
            true => Opened::open_for_update(path, session)?,
            false => Opened::open_read_only(Some(path), session)?,
        };
        // An in-place write held until the finish record is stored stays under the lock.
        session.keep_lock(opened.take_lock());
        let format = if joined {
            Format::Yaml
        } else {
            opened.output_format
        };
        let bytes = format
            .emit(opened.file.tree(), &session.emit_options())
            .map_err(|source| {
                CliError::from_library(sops_rs::Error::Emit { format, source }, false)
            })?;
        if joined {
            let mut documents = documents.lock().expect("documents lock");
            documents.insert(path.to_path_buf(), Zeroizing::new(bytes));
            return Ok(String::new());
        }
        let (target, expect) = match (&decrypt.many.output_dir, opened.input.id) {
            (_, Some(id)) if args.in_place => (path.to_path_buf(), Expect::Same(id)),
            (Some(dir), _) => many::prepared_target(many::in_output_dir(dir, path))?,
            (None, _) => many::prepared_target(next_to_source(path))?,
        };
        session.write_to(Some((&target, expect)), &bytes, Contents::Plaintext)?;
        Ok(format!(" -> {}", target.display()))
    });
    if joined {
        let mut documents = documents.into_inner().expect("documents lock");
        let mut out = Zeroizing::new(Vec::new());
        for file in &files {
            if let Some(document) = documents.remove(file) {
                if !out.is_empty() {
                    out.extend_from_slice(b"---\n");
                }
                out.extend_from_slice(&document);
            }
        }
        let target = args.output.as_deref().map(|path| (path, Expect::Any));
        session.write_to(target, &out, Contents::Plaintext)?;
    }
    result
}

pub fn run(file: Option<&Path>, session: &Session) -> Result<(), CliError> {
    let args = session.args;
    check_destination(file, args)?;
    let extract = match &args.extract {
        Some(text) => Some(TreePath::parse(text).map_err(|e| {
            CliError::new(code::INVALID_TREE_PATH, e.to_string())
                .with_redacted("invalid tree path (withheld while auditing)")
        })?),
        None => None,
    };
    let mut opened = match file {
        Some(path) if args.in_place => Opened::open_for_update(path, session)?,
        _ => Opened::open_read_only(file, session)?,
    };
    // An in-place write held until the finish record is stored stays under the lock.
    session.keep_lock(opened.take_lock());
    let output_format = opened.output_format;
    let options = session.emit_options();
    let emit_error = |source| {
        CliError::from_library(
            sops_rs::Error::Emit {
                format: output_format,
                source,
            },
            false,
        )
    };
    let bytes = match extract {
        Some(path) => {
            let empty = Default::default();
            let document = opened.file.tree().documents.first().unwrap_or(&empty);
            // A well-formed path that is not in the file is a plain error in sops (exit 1);
            // 91 is for a path that does not parse.
            let value = path.get(document).map_err(|e| {
                CliError::new(code::GENERIC, format!("{}: {e}", opened.input.name)).with_redacted(
                    format!(
                        "{}: the path is not in the file (withheld while auditing)",
                        opened.input.name
                    ),
                )
            })?;
            output_format
                .emit_value(value, &options)
                .map_err(emit_error)?
        }
        None => output_format
            .emit(opened.file.tree(), &options)
            .map_err(emit_error)?,
    };
    session.write_output(&opened.input, &bytes, Contents::Plaintext)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::next_to_source;

    #[test]
    fn next_to_source_drops_enc_or_adds_dec() {
        let cases = [
            ("dir/app.enc.yaml", "dir/app.yaml"),
            ("app.sops.json", "app.json"),
            ("app.enc", "app"),
            ("app.yaml", "app.dec.yaml"),
            ("secrets", "secrets.dec"),
            ("a.enc.b.enc.env", "a.enc.b.env"),
        ];
        for (file, plain) in cases {
            assert_eq!(next_to_source(Path::new(file)), Path::new(plain), "{file}");
        }
    }
}
