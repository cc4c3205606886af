//! `sops-rs git-merge %O %A %B %P`: a git merge driver for encrypted files. It decrypts the
//! common ancestor, ours and theirs, merges the trees key by key, and encrypts the result with
//! our file's data key and keys, so that our unchanged values keep their exact ciphertext. Two
//! branches that change different keys merge cleanly; a real conflict puts conflict markers
//! into the value, writes the file, and exits 1 so that git reports the conflict.

use std::path::{Path, PathBuf};

use clap::Args;
use sops_rs::formats::Format;
use sops_rs::io::{Contents, Expect, FileId};
use sops_rs::tree::{Map, MapItem, Scalar, Timestamp, Tree, Value};
use sops_rs::{Document, OpenMode, OpenOptions};

use crate::cli::exit::{CliError, code};
use crate::cli::input_output::write_file;
use crate::cli::session::Session;

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The common ancestor (%O).
    pub base: PathBuf,
    /// Ours (%A); the merge result is written here.
    pub ours: PathBuf,
    /// Theirs (%B).
    pub theirs: PathBuf,
    /// The file's path in the repository (%P), which gives its format.
    pub path: Option<PathBuf>,
}

/// Reads and decrypts one side; also says which file was read (ours is written back). Errors
/// and warnings name the side by `name` (the repository path and the side), never by git's
/// temporary file, which the user cannot find.
fn open(
    path: &Path,
    name: &str,
    format: Format,
    session: &Session,
) -> Result<(Document, FileId), CliError> {
    let (bytes, id) = sops_rs::io::read_identified(path).map_err(|e| {
        CliError::new(
            code::COULD_NOT_READ_INPUT,
            format!("cannot read {name}: {e}"),
        )
    })?;
    let options = OpenOptions {
        format,
        name,
        decryption_order: session.decryption_order()?,
        ignore_mac: session.args.ignore_mac,
        mode: OpenMode::KeepIvs,
        keys: session.keys()?,
    };
    let document =
        Document::open(&bytes, &options).map_err(|e| CliError::from_library(e, false))?;
    crate::cli::open::warn_about_decryption(&document, session.withholding_paths());
    Ok((document, id))
}

fn render(value: Option<&Value>) -> String {
    match value {
        None => "(deleted)".to_string(),
        Some(Value::Scalar(scalar)) => scalar.to_flat_string(),
        Some(other) => {
            let text = Format::Json
                .emit_value(other, &Default::default())
                .unwrap_or_default();
            String::from_utf8_lossy(&text).into_owned()
        }
    }
}

fn conflict(ours: Option<&Value>, theirs: Option<&Value>) -> Value {
    Value::Scalar(Scalar::Str(format!(
        "<<<<<<< ours\n{}\n=======\n{}\n>>>>>>> theirs",
        render(ours),
        render(theirs)
    )))
}

/// Merges one mapping; counts conflicts.
fn merge_map(base: Option<&Map>, ours: &Map, theirs: &Map, conflicts: &mut usize) -> Map {
    let mut merged = Map::default();
    let base_of = |key: &str| base.and_then(|b| b.get(key));
    for item in &ours.items {
        let MapItem::Entry { key, value: mine } = item else {
            merged.items.push(item.clone());
            continue;
        };
        let old = base_of(key);
        let other = theirs.get(key);
        let result = match (old, other) {
            (_, Some(other)) if other == mine => Some(mine.clone()),
            (Some(old), Some(other)) if mine == old => Some(other.clone()),
            (Some(old), Some(other)) if other == old => Some(mine.clone()),
            (old, Some(Value::Map(other))) if matches!(mine, Value::Map(_)) => {
                let Value::Map(mine) = mine else {
                    unreachable!()
                };
                let old = match old {
                    Some(Value::Map(old)) => Some(old),
                    _ => None,
                };
                Some(Value::Map(merge_map(old, mine, other, conflicts)))
            }
            (Some(old), None) if mine == old => None,
            (None, None) => Some(mine.clone()),
            (_, other) => {
                *conflicts += 1;
                Some(conflict(Some(mine), other))
            }
        };
        if let Some(value) = result {
            merged.push(key.clone(), value);
        }
    }
    for (key, other) in theirs.entries() {
        if ours.get(key).is_some() {
            continue;
        }
        match base_of(key) {
            None => merged.push(key, other.clone()),
            Some(old) if old == other => {}
            Some(_) => {
                *conflicts += 1;
                merged.push(key, conflict(None, Some(other)));
            }
        }
    }
    merged
}

pub fn run(merge: &MergeArgs, session: &Session) -> Result<(), CliError> {
    let named = merge.path.as_deref().unwrap_or(&merge.ours);
    let format = match &session.args.input_type {
        Some(name) => Format::from_name(name)
            .ok_or_else(|| CliError::new(code::GENERIC, format!("unknown format {name:?}")))?,
        None => Format::from_path(named),
    };
    let side = |which: &str| format!("{} ({which})", named.display());
    let (base_name, ours_name, theirs_name) = (side("base"), side("ours"), side("theirs"));
    let (base, _) = open(&merge.base, &base_name, format, session)?;
    let (mut ours, ours_id) = open(&merge.ours, &ours_name, format, session)?;
    let (theirs, _) = open(&merge.theirs, &theirs_name, format, session)?;
    let mut conflicts = 0;
    let documents = ours
        .tree()
        .documents
        .iter()
        .enumerate()
        .map(|(index, mine)| {
            let other = theirs
                .tree()
                .documents
                .get(index)
                .cloned()
                .unwrap_or_default();
            merge_map(
                base.tree().documents.get(index),
                mine,
                &other,
                &mut conflicts,
            )
        })
        .collect();
    *ours.tree_mut() = Tree { documents };
    let name = named.display().to_string();
    let library = |e| CliError::from_library(e, true);
    // Values from every side end up under the new MAC.
    for (side, side_name) in [(&base, &base_name), (&theirs, &theirs_name)] {
        let resealed = sops_rs::Resealed {
            replaced_mismatched_mac: side.ignored_mac_mismatch(),
        };
        crate::cli::open::warn_if_resealed(&resealed, side_name);
    }
    let (ours, resealed) = ours
        .reencrypt(Timestamp::now_utc_seconds())
        .map_err(library)?;
    crate::cli::open::warn_if_resealed(&resealed, &name);
    let bytes = ours
        .emit(format, &session.emit_options())
        .map_err(library)?;
    write_file(
        &merge.ours,
        &bytes,
        Contents::Encrypted,
        Expect::Same(ours_id),
    )?;
    if conflicts > 0 {
        return Err(CliError::new(
            code::GENERIC,
            format!(
                "{name}: {conflicts} conflicting value(s); resolve them with `sops-rs edit {name}`"
            ),
        ));
    }
    Ok(())
}
