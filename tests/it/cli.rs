//! The command line: sops's flags, exit codes and output rules, run through the binary.

use std::os::unix::fs::PermissionsExt;

use std::process::Output;

use crate::support::{TestEnv, path_arg};

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

const SAMPLE: &str = "db:\n    user: admin\n    password: hunter2\nport_unencrypted: 5432\n";

#[test]
fn encrypt_then_decrypt_round_trips_and_hides_values() {
    let env = TestEnv::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let text = std::fs::read_to_string(&enc).unwrap();
    assert!(
        !text.contains("hunter2") && !text.contains("admin"),
        "{text}"
    );
    assert!(text.contains("port_unencrypted: 5432"));
    let out = env.run(&["decrypt", &path_arg(&enc)]);
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), SAMPLE);
    // Legacy -d form.
    let out = env.run(&["-d", &path_arg(&enc)]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), SAMPLE);
}

#[test]
fn in_place_keeps_the_file_mode_and_leaves_no_temp_files() {
    let env = TestEnv::new();
    let plain = env.write("app.yaml", SAMPLE);
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = env.run(&["encrypt", "-i", "--age", &env.recipient, &path_arg(&plain)]);
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&plain)
            .unwrap()
            .contains("ENC[AES256_GCM")
    );
    assert_eq!(
        std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let out = env.run(&["decrypt", "-i", &path_arg(&plain)]);
    assert_eq!(code(&out), Some(0));
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), SAMPLE);
    let leftovers: Vec<_> = std::fs::read_dir(env.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_flag_writes_the_file_and_prints_nothing() {
    let env = TestEnv::new();
    let plain = env.write("app.json", r#"{"a": "secret"}"#);
    let target = env.path("out.json");
    let out = env.run(&[
        "encrypt",
        "--age",
        &env.recipient,
        "--output",
        &path_arg(&target),
        &path_arg(&plain),
    ]);
    assert_eq!(code(&out), Some(0));
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("\"sops\"")
    );
}

#[test]
fn stdin_needs_a_filename_override_to_encrypt() {
    let env = TestEnv::new();
    let out = env.run_with_stdin(&["encrypt", "--age", &env.recipient], SAMPLE.as_bytes());
    assert_eq!(code(&out), Some(8));
    let out = env.run_with_stdin(
        &[
            "encrypt",
            "--age",
            &env.recipient,
            "--filename-override",
            "x.yaml",
        ],
        SAMPLE.as_bytes(),
    );
    assert_eq!(
        code(&out),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Standard input without a name is binary unless --filename-override names it (as in sops,
    // --input-type alone does not set the output format).
    let out = env.run_with_stdin(&["decrypt", "--filename-override", "x.yaml"], &out.stdout);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), SAMPLE);
}

#[test]
fn extract_prints_one_value_raw() {
    let env = TestEnv::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let out = env.run(&[
        "decrypt",
        "--extract",
        r#"["db"]["password"]"#,
        &path_arg(&enc),
    ]);
    assert_eq!(out.stdout, b"hunter2");
    let out = env.run(&["decrypt", "--extract", r#"["db"]"#, &path_arg(&enc)]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "user: admin\npassword: hunter2\n"
    );
    // A path that parses but is not in the file is a plain error in sops (1); 91 is for one
    // that does not parse.
    let out = env.run(&["decrypt", "--extract", r#"["nope"]"#, &path_arg(&enc)]);
    assert_eq!(code(&out), Some(1));
    let out = env.run(&["decrypt", "--extract", "db.password", &path_arg(&enc)]);
    assert_eq!(code(&out), Some(91));
}

#[test]
fn conversion_between_formats() {
    let env = TestEnv::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let out = env.run(&["decrypt", "--output-type", "json", &path_arg(&enc)]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\n\t\"db\": {\n\t\t\"user\": \"admin\",\n\t\t\"password\": \"hunter2\"\n\t},\n\t\"port_unencrypted\": 5432\n}\n"
    );
}

#[test]
fn sops_exit_codes_for_bad_usage() {
    let env = TestEnv::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let cases: Vec<(Vec<String>, i32)> = vec![
        (
            vec!["decrypt".into(), path_arg(&env.path("missing.yaml"))],
            100,
        ),
        (
            vec![
                "encrypt".into(),
                "--age".into(),
                env.recipient.clone(),
                path_arg(&enc),
            ],
            203,
        ),
        (
            vec![
                "decrypt".into(),
                "-i".into(),
                "--output".into(),
                "x".into(),
                path_arg(&enc),
            ],
            8,
        ),
        (
            vec![
                "encrypt".into(),
                "--age".into(),
                env.recipient.clone(),
                "--encrypted-regex".into(),
                "a".into(),
                "--encrypted-suffix".into(),
                "b".into(),
                path_arg(&plain),
            ],
            8,
        ),
        (vec!["encrypt".into(), path_arg(&plain)], 1),
        (
            vec![
                "encrypt".into(),
                "--kms".into(),
                "arn:aws:kms:us-east-1:1:key/x".into(),
                "--encryption-context".into(),
                "nocolon".into(),
                path_arg(&plain),
            ],
            6,
        ),
        (vec!["decrypt".into(), path_arg(&plain)], 1),
        (
            vec![
                "decrypt".into(),
                "--decryption-order".into(),
                "age,age".into(),
                path_arg(&enc),
            ],
            112,
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = env.run(&args);
        assert_eq!(
            code(&out),
            Some(expected),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?} printed output");
    }
    // Nothing was changed on disk by the failures.
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), SAMPLE);
}

#[test]
fn wrong_key_exits_128_and_names_the_recipient() {
    let env = TestEnv::new();
    let plain = env.write("app.yaml", SAMPLE);
    let enc = env.encrypt_to(&plain, "app.enc.yaml");
    let other = age::x25519::Identity::generate();
    use age::secrecy::ExposeSecret;
    let wrong = env.write("wrong.txt", other.to_string().expose_secret());
    let out = env
        .sops_rs()
        .env("SOPS_AGE_KEY_FILE", &wrong)
        .args(["decrypt", &path_arg(&enc)])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(128));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&env.recipient), "{stderr}");
    assert!(!stderr.contains("hunter2"));
    assert!(out.stdout.is_empty());
}

#[test]
fn malformed_input_names_the_file_and_line_and_no_value() {
    let env = TestEnv::new();
    let bad = env.write("bad.json", "{\n  \"password\": \"hunter2\",\n  oops\n}\n");
    let out = env.run(&["encrypt", "--age", &env.recipient, &path_arg(&bad)]);
    assert_eq!(code(&out), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.json") && stderr.contains("line 3"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}
