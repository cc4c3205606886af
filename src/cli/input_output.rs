//! Input and output for the commands, with sops's rules and exit codes: reading the input (a
//! file or standard input), choosing the input and output formats, checking the destination
//! before any work, and the primitives that write output (standard output, a file); the session
//! decides where and when output goes. Every file a command writes goes through [`write_file`], and so through the library's
//! one write path, `sops_rs::io::write`.

use std::io::Write;
use std::path::{Path, PathBuf};

use sops_rs::Format;
use sops_rs::bounded::{Kind, read_to_end};
use sops_rs::io::{Contents, Expect, FileId};

use super::args::CommonArgs;
use super::exit::{CliError, code};

/// The input of a command.
pub struct Input {
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// The name used in messages.
    pub name: String,
    /// Which file was read; an in-place write goes back to this file or nowhere.
    pub id: Option<FileId>,
    /// The whole content (zeroized when dropped: for `encrypt` it is plaintext). Commands
    /// release it with [`Input::release_bytes`] once parsed, so it does not count towards the
    /// peak memory of the rest of the run.
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
}

impl Input {
    /// Drops (and zeroizes) the content once it has been parsed.
    pub fn release_bytes(&mut self) {
        self.bytes = zeroize::Zeroizing::default();
    }
}

/// Reads FILE, or standard input for `None` / `-`.
pub fn read_input(file: Option<&Path>) -> Result<Input, CliError> {
    match file.filter(|f| f.as_os_str() != "-") {
        Some(path) => {
            if !path.exists() {
                return Err(CliError::new(
                    code::NO_FILE_SPECIFIED,
                    format!("{}: cannot operate on non-existent file", path.display()),
                ));
            }
            let (bytes, id) = sops_rs::io::read_identified(path).map_err(|e| {
                CliError::new(
                    code::COULD_NOT_READ_INPUT,
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            Ok(Input {
                path: Some(path.to_path_buf()),
                name: path.display().to_string(),
                id: Some(id),
                bytes: bytes.into(),
            })
        }
        None => {
            let bytes = read_to_end(std::io::stdin().lock(), Kind::Input, 0).map_err(|e| {
                CliError::new(
                    code::COULD_NOT_READ_INPUT,
                    format!("cannot read standard input: {e}"),
                )
            })?;
            Ok(Input {
                path: None,
                name: "standard input".into(),
                id: None,
                bytes: bytes.into(),
            })
        }
    }
}

fn parse_type(name: &str, flag: &str) -> Result<Format, CliError> {
    Format::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        CliError::new(
            code::GENERIC,
            format!(
                "{flag}: unknown format {name:?} (expected one of {})",
                known.join(", ")
            ),
        )
    })
}

/// The input and output formats. Each comes from its own flag, else from the file name
/// (`--filename-override`, else the file's), else it is binary (standard input), as in sops:
/// `--input-type` does not set the output format.
pub fn formats(input: &Input, args: &CommonArgs) -> Result<(Format, Format), CliError> {
    let by_name = args
        .filename_override
        .as_deref()
        .or(input.path.as_deref())
        .map_or(Format::Binary, Format::from_path);
    let input_format = match &args.input_type {
        Some(name) => parse_type(name, "--input-type")?,
        None => by_name,
    };
    let output_format = match &args.output_type {
        Some(name) => parse_type(name, "--output-type")?,
        None => by_name,
    };
    Ok((input_format, output_format))
}

/// Checks -i / --output against the command's FILE (`None` or `-`: standard input) before any
/// work is done: before the input is read and before any key is unwrapped.
pub fn check_destination(file: Option<&Path>, args: &CommonArgs) -> Result<(), CliError> {
    if args.in_place && args.output.is_some() {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "--in-place and --output cannot be used together",
        ));
    }
    if args.in_place && file.is_none_or(|f| f.as_os_str() == "-") {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "--in-place needs a file, not standard input",
        ));
    }
    Ok(())
}

/// Writes bytes to standard output; a closed pipe is not a failure.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(
            code::COULD_NOT_WRITE_OUTPUT,
            format!("cannot write output: {e}"),
        )),
    }
}

/// Writes the result back over the input file (`-i`, `set`, `edit`, ...), which must still be
/// the file that was read.
pub fn write_back(input: &Input, bytes: &[u8], contents: Contents) -> Result<(), CliError> {
    let (Some(path), Some(id)) = (input.path.as_deref(), input.id) else {
        return Err(CliError::new(
            code::CONFLICTING_PARAMETERS,
            "--in-place needs a file, not standard input",
        ));
    };
    write_file(path, bytes, contents, Expect::Same(id))
}

/// Writes a file through the library's one write path.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    contents: Contents,
    expect: Expect,
) -> Result<(), CliError> {
    sops_rs::io::write(path, bytes, contents, expect)
        .map(|_| ())
        .map_err(|e| {
            CliError::new(
                code::COULD_NOT_WRITE_OUTPUT,
                format!("cannot write {}: {e}", path.display()),
            )
        })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use sops_rs::Format;

    use super::parse_type;

    /// The formats the help and the errors name are the ones the code reads, TOML included.
    #[test]
    fn help_and_errors_name_every_format() {
        let command = crate::cli::Cli::command();
        let about = command.get_about().unwrap().to_string().to_lowercase();
        for flag in ["input-type", "output-type"] {
            let arg = command
                .get_arguments()
                .find(|a| a.get_long() == Some(flag))
                .unwrap();
            let help = arg.get_help().unwrap().to_string();
            for format in Format::ALL {
                assert!(
                    help.contains(format.name()),
                    "--{flag} help lacks {}",
                    format.name()
                );
            }
        }
        let error = match parse_type("xml", "--input-type") {
            Err(e) => e.message,
            Ok(_) => panic!("xml is not a format"),
        };
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
            assert!(
                error.contains(format.name()),
                "the error lacks {}",
                format.name()
            );
            assert!(
                about.contains(format.name()),
                "the about text lacks {}",
                format.name()
            );
        }
    }
}
