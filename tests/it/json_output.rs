//! `--json` of `updatekeys`, `rotate`, `set`, `unset` and `check`, and errors as JSON
//! (docs/json-output.md): each result parses, names its schema and the real change, never
//! carries a value of the file; a failure is one JSON line on stderr with sops's exit code; and
//! without `--json` every command prints what the real sops prints.

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::support::{TestEnv, path_arg};

/// The secret values of the test file: no JSON output may contain them.
const SECRETS: [&str; 3] = ["canary-password-7Qx", "canary-token-9Zw", "canary-new-4Kp"];

const PLAIN: &str = "db:\n    password: canary-password-7Qx\ntoken: canary-token-9Zw\n";

/// A home with two identities, `.sops.yaml` naming both for `*.yaml`, and `app.yaml` encrypted
/// for the first only.
fn setup() -> (TestEnv, String) {
    let env = TestEnv::with_identities(2);
    env.write(
        ".sops.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.yaml$\n    age: {},{}\n",
            env.keys[0].recipient, env.keys[1].recipient
        ),
    );
    let file = path_arg(&env.encrypted("app.yaml", PLAIN, &[]));
    (env, file)
}

fn no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "a value leaked into {text}");
    }
}

/// The one JSON object on stdout of a run that must have succeeded.
fn result_of(out: Output, what: &str) -> Value {
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
    no_secret(&stdout);
    no_secret(&stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: one object per file, got {stdout:?}"
    );
    let value: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(value["schema"], "sops-rs.result/1", "{what}");
    value
}

/// The one JSON error object on stderr of a run that must have failed with `code`.
fn error_of(out: Output, code: i32, what: &str) -> Value {
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "{what}: {stderr}");
    assert!(out.stdout.is_empty(), "{what}: nothing on stdout");
    no_secret(&stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one error line, got {stderr:?}");
    let value: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(value["schema"], "sops-rs.error/1", "{what}");
    assert_eq!(value["exit_code"], code, "{what}");
    value
}

fn decrypted(env: &TestEnv, file: &str) -> String {
    env.ok(&["decrypt", file])
}

fn age_key(recipient: &str) -> Value {
    json!({"type": "age", "id": recipient})
}

#[test]
fn updatekeys_json_names_the_keys_added_then_reports_no_change() {
    let (env, file) = setup();
    let added = result_of(
        env.run(&["updatekeys", "-y", "--json", &file]),
        "updatekeys",
    );
    assert_eq!(added["command"], "updatekeys");
    assert_eq!(added["file"], file);
    assert_eq!(added["changed"], true);
    assert_eq!(
        added["keys_added"],
        json!([age_key(&env.keys[1].recipient)])
    );
    assert_eq!(added["keys_removed"], json!([]));
    assert_eq!(added["groups"], 1);
    assert!(env.read(&file).contains(&env.keys[1].recipient));
    let again = result_of(env.run(&["updatekeys", "-y", "--json", &file]), "again");
    assert_eq!(again["changed"], false);
    assert_eq!(again["keys_added"], json!([]));
}

#[test]
fn updatekeys_json_gives_one_object_per_file_in_order() {
    let (env, first) = setup();
    let second = path_arg(&env.encrypted("b.yaml", PLAIN, &[]));
    let out = env.run(&["updatekeys", "-y", "--json", &first, &second]);
    assert_eq!(out.status.code(), Some(0));
    let files: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["file"].clone())
        .collect();
    assert_eq!(files, [json!(first), json!(second)]);
}

#[test]
fn rotate_json_renews_the_data_key_and_names_the_key_removed() {
    let (env, file) = setup();
    env.ok(&["updatekeys", "-y", &file]);
    let before = env.read(&file);
    let removed = &env.keys[1].recipient;
    let out = env.run(&["rotate", "-i", "--json", "--rm-age", removed, &file]);
    let result = result_of(out, "rotate");
    assert_eq!(result["command"], "rotate");
    assert_eq!(result["file"], file);
    assert_eq!(result["changed"], true);
    assert_eq!(result["data_key_renewed"], true);
    assert_eq!(result["keys_added"], json!([]));
    assert_eq!(result["keys_removed"], json!([age_key(removed)]));
    assert_eq!(result["groups"], 1);
    let after = env.read(&file);
    assert_ne!(before, after);
    assert!(!after.contains(removed.as_str()));
    assert_eq!(decrypted(&env, &file), PLAIN);
}

#[test]
fn rotate_json_with_output_writes_the_file_there() {
    let (env, file) = setup();
    let out = env.run(&["rotate", "--json", "--output", "rotated.yaml", &file]);
    let result = result_of(out, "rotate --output");
    assert_eq!(result["keys_added"], json!([]));
    assert_eq!(decrypted(&env, "rotated.yaml"), PLAIN);
}

#[test]
fn rotate_json_refuses_to_share_stdout_with_the_file() {
    let (env, file) = setup();
    let before = env.read(&file);
    let error = error_of(env.run(&["rotate", "--json", &file]), 8, "rotate to stdout");
    assert_eq!(error["error"], "usage_error");
    assert_eq!(error["file"], file);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("-i or --output")
    );
    assert_eq!(env.read(&file), before);
}

#[test]
fn set_json_names_the_path_and_the_change_never_the_value() {
    let (env, file) = setup();
    let path = r#"["db"]["password"]"#;
    let value = format!("\"{}\"", SECRETS[2]);
    let set = result_of(env.run(&["set", "--json", &file, path, &value]), "set");
    assert_eq!(set["command"], "set");
    assert_eq!(set["file"], file);
    assert_eq!(set["path"], path);
    assert_eq!(set["changed"], true);
    assert_eq!(set["written"], true);
    assert!(decrypted(&env, &file).contains(SECRETS[2]));
    let before = env.read(&file);
    let args = ["set", "--json", "--idempotent", &file, path, &value];
    let same = result_of(env.run(&args), "set again");
    assert_eq!(
        (&same["changed"], &same["written"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(env.read(&file), before, "--idempotent must not write");
}

#[test]
fn unset_json_says_whether_the_path_was_removed() {
    let (env, file) = setup();
    let removed = result_of(
        env.run(&["unset", "--json", &file, r#"["token"]"#]),
        "unset",
    );
    assert_eq!(removed["command"], "unset");
    assert_eq!(removed["path"], r#"["token"]"#);
    assert_eq!(removed["changed"], true);
    assert!(!decrypted(&env, &file).contains("token"));
    let args = ["unset", "--json", "--idempotent", &file, r#"["token"]"#];
    let absent = result_of(env.run(&args), "unset again");
    assert_eq!(absent["changed"], false);
}

#[test]
fn check_json_carries_its_schema() {
    let (env, file) = setup();
    let out = env.run(&["check", "--json", &file]);
    assert_eq!(out.status.code(), Some(0));
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["schema"], "sops-rs.check/1");
    assert_eq!(verdict["file"], file);
    assert_eq!(verdict["status"], "encrypted");
}

#[test]
fn errors_are_one_json_line_with_the_exit_code_and_the_tree_path() {
    let (env, file) = setup();
    let before = env.read(&file);
    let missing = error_of(
        env.run(&["unset", "--json", &file, r#"["nope"]"#]),
        1,
        "unset of a missing key",
    );
    assert_eq!(missing["error"], "failure");
    assert_eq!(missing["file"], file);
    assert_eq!(missing["path"], r#"["nope"]"#);
    let bad_value = error_of(
        env.run(&["set", "--json", &file, r#"["db"]"#, "{not json"]),
        7,
        "set of invalid JSON",
    );
    assert_eq!(bad_value["error"], "usage_error");
    let unknown = error_of(
        env.run(&["set", "--json", "--no-such-flag", &file]),
        1,
        "an unknown flag",
    );
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("--no-such-flag")
    );
    assert_eq!(env.read(&file), before);
    let mut other = TestEnv::new();
    other.set("SOPS_RS_ERROR_FORMAT", "json");
    let absent = error_of(other.run(&["decrypt", "absent.yaml"]), 100, "the variable");
    assert_eq!(absent["error"], "input_read_error");
}

#[test]
fn tree_paths_are_withheld_while_auditing() {
    let (mut env, file) = setup();
    env.set("SOPS_RS_AUDIT_LOG", "audit.jsonl");
    let set = result_of(
        env.run(&["set", "--json", &file, r#"["db"]["user"]"#, "\"admin\""]),
        "audited set",
    );
    assert_eq!(
        (&set["path"], &set["changed"]),
        (&Value::Null, &json!(true))
    );
    let error = error_of(
        env.run(&["unset", "--json", &file, r#"["nope"]"#]),
        1,
        "audited unset",
    );
    assert_eq!(error["path"], Value::Null);
    assert!(!error["message"].as_str().unwrap().contains("nope"));
}

#[test]
fn json_is_refused_where_it_does_not_apply_and_listed_in_help() {
    let (env, file) = setup();
    for args in [
        vec!["decrypt", "--json", file.as_str()],
        vec!["encrypt", "--json", file.as_str()],
        vec!["--json", "set", file.as_str(), r#"["a"]"#, "1"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--json"));
    }
    for command in ["updatekeys", "rotate", "set", "unset", "check"] {
        let help = env.ok(&[command, "--help"]);
        assert!(help.contains("--json"), "{command} --help");
    }
}

/// Copies `file` to `name` in the home; its path argument.
fn copy(env: &TestEnv, file: &str, name: &str) -> String {
    std::fs::copy(env.path(file), env.path(name)).unwrap();
    path_arg(Path::new(&env.path(name)))
}

#[test]
fn without_json_the_output_is_what_sops_prints() {
    let (env, file) = setup();
    let runs: [(&str, Vec<&str>); 5] = [
        ("set", vec!["set", "@", r#"["db"]["password"]"#, "\"x\""]),
        ("unset", vec!["unset", "@", r#"["token"]"#]),
        ("unset-missing", vec!["unset", "@", r#"["nope"]"#]),
        ("updatekeys", vec!["updatekeys", "-y", "@"]),
        ("rotate-in-place", vec!["rotate", "-i", "@"]),
    ];
    for (name, args) in runs {
        let ours = copy(&env, &file, &format!("{name}.ours.yaml"));
        let theirs = copy(&env, &file, &format!("{name}.theirs.yaml"));
        let with = |target: &str| -> Vec<String> {
            args.iter()
                .map(|a| {
                    if *a == "@" {
                        target.to_string()
                    } else {
                        a.to_string()
                    }
                })
                .collect()
        };
        let ours_out = env.sops_rs().args(with(&ours)).output().unwrap();
        let theirs_out = env.sops().args(with(&theirs)).output().unwrap();
        assert_eq!(ours_out.status.code(), theirs_out.status.code(), "{name}");
        assert_eq!(ours_out.stdout, theirs_out.stdout, "{name}: stdout");
        let stderr = String::from_utf8_lossy(&ours_out.stderr);
        assert!(
            !stderr.contains("\"schema\""),
            "{name}: no JSON without --json"
        );
        if ours_out.status.success() {
            assert_eq!(decrypted(&env, &ours), decrypted(&env, &theirs), "{name}");
        }
    }
    // rotate without -i prints the rotated file, which decrypts to the same plaintext.
    let printed = env.ok(&["rotate", &file]);
    let rotated = env.write("printed.yaml", &printed);
    assert_eq!(decrypted(&env, &path_arg(&rotated)), PLAIN);
}
