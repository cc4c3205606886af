//! No test file is forgotten: every `tests/it/*.rs` (and every `tests/it/*/mod.rs`) is a `mod`
//! of `tests/it/main.rs` and is named in its module index, and every `mod` line has its file.
//! A file missing from main.rs would compile into nothing and its tests would never run.

use std::collections::BTreeSet;

use crate::support::repo_root;

/// The module names of the files in `tests/it/`: `name.rs` and `name/mod.rs`.
fn module_files() -> BTreeSet<String> {
    let dir = repo_root().join("tests/it");
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if path.join("mod.rs").is_file() {
                names.insert(stem);
            }
        } else if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            names.insert(stem);
        }
    }
    names
}

/// The names of the `mod NAME;` lines of main.rs (with or without a `#[cfg]` before them).
fn declared_modules(main: &str) -> BTreeSet<String> {
    main.lines()
        .filter_map(|line| line.trim().strip_prefix("mod "))
        .filter_map(|rest| rest.strip_suffix(';'))
        .map(|name| name.trim().to_string())
        .collect()
}

#[test]
fn every_test_file_is_a_module_of_main() {
    let main = std::fs::read_to_string(repo_root().join("tests/it/main.rs")).unwrap();
    let files = module_files();
    let declared = declared_modules(&main);
    assert!(
        files.len() >= 30 && declared.len() >= 30,
        "found too few files ({files:?}) or mod lines ({declared:?})"
    );
    let forgotten: Vec<_> = files.difference(&declared).collect();
    assert!(
        forgotten.is_empty(),
        "tests/it files without a `mod` line in tests/it/main.rs (their tests never run): \
         {forgotten:?}"
    );
    let missing: Vec<_> = declared.difference(&files).collect();
    assert!(
        missing.is_empty(),
        "`mod` lines without a file: {missing:?}"
    );
    // The index at the top of main.rs names every module (as "- `name`:").
    let unlisted: Vec<_> = declared
        .iter()
        .filter(|name| !main.contains(&format!("- `{name}`")))
        .collect();
    assert!(
        unlisted.is_empty(),
        "modules missing from the index comment of tests/it/main.rs: {unlisted:?}"
    );
}
