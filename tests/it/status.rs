//! `sops-rs status` through the binary, on a generated repository that has every state: a leak,
//! drift (a missing recipient, an extra one), an overdue data key (read from `created_at` and
//! from `lastmodified`), a value pasted in clear, a broken file, a file without a MAC and an
//! encrypted file no rule covers; a gitignored plain secret and a source file that must not be
//! reported. Checks the JSON schema's fields, the table, the exit code per `--fail-on`, that the
//! config's `rotation` key is read by sops-rs and accepted by the real sops, and that no value
//! of a file is ever printed.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::{TestEnv, ok};

const LEAKED: &str = "LEAKED-hunter2";
const PASTED: &str = "PASTED-s3cret";
const BROKEN_VALUE: &str = "BROKEN-t0ken";

/// A kms entry with an old `created_at`, spliced into an age file's metadata: the file gets an
/// extra recipient and a data key whose age is read from `created_at`.
const OLD_KMS_ENTRY: &str = "sops:\n    kms:\n        - arn: arn:aws:kms:us-east-1:111122223333:key/old\n          \
                             created_at: \"2021-03-04T05:06:07Z\"\n          enc: AQIDBA==\n          \
                             aws_profile: \"\"\n";

struct Repo {
    env: TestEnv,
}

impl Repo {
    fn write(&self, name: &str, text: &str) {
        let path = self.env.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `text` encrypted by sops-rs as `name`, for `recipients` (the rule's when `None`).
    fn encrypted(&self, name: &str, text: &str, recipients: Option<&[&str]>) -> String {
        self.write(name, text);
        let mut args = vec!["encrypt", "-i"];
        let joined;
        if let Some(recipients) = recipients {
            joined = recipients.join(",");
            args.extend(["--age", &joined]);
        }
        args.push(name);
        ok(self.env.run(&args), &format!("encrypt {name}"));
        self.env.read(name)
    }

    fn status(&self, args: &[&str]) -> Output {
        self.env.run(&[&["status"], args].concat())
    }

    /// `status --json ARGS`: the exit code, the per-file objects by file, the summary.
    fn json(&self, args: &[&str]) -> (Option<i32>, Vec<Value>, Value) {
        let out = self.status(&[&["--json"], args].concat());
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert_no_values(&text);
        assert_no_values(&String::from_utf8_lossy(&out.stderr));
        let mut objects: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect();
        let summary = objects.pop().expect("a summary object");
        assert_eq!(summary["schema"], "sops-rs.status-summary/1", "{summary}");
        for object in &objects {
            assert_eq!(object["schema"], "sops-rs.status/1");
            for field in [
                "file",
                "state",
                "findings",
                "failing",
                "encrypted",
                "rule",
                "recipients",
                "data_key",
                "policy",
                "within_policy",
                "mac",
                "problem",
                "plaintext_values",
                "fix",
            ] {
                assert!(object.get(field).is_some(), "no {field} in {object}");
            }
        }
        (out.status.code(), objects, summary)
    }
}

fn assert_no_values(text: &str) {
    for value in [LEAKED, PASTED, BROKEN_VALUE] {
        assert!(!text.contains(value), "a value was printed: {text}");
    }
}

fn about<'v>(objects: &'v [Value], file: &str) -> &'v Value {
    objects
        .iter()
        .find(|object| object["file"] == file)
        .unwrap_or_else(|| panic!("nothing about {file} in {objects:#?}"))
}

/// The repository with every state; see the module header.
fn repository() -> Repo {
    let env = TestEnv::with_identities(3);
    let [a, b, c] = [0, 1, 2].map(|n| env.keys[n].recipient.clone());
    let repo = Repo { env };
    repo.write(
        ".sops-rs.yaml",
        &format!(
            "rotation: {{max_age: 90d}}\ncreation_rules:\n  - path_regex: ^secrets/\n    \
             age: {a},{b}\n    rotation:\n      max_age: 30d\n  - path_regex: ^legacy/\n    \
             age: {a}\n"
        ),
    );
    repo.write(".gitignore", "secrets/local/\n");
    repo.encrypted("secrets/ok.yaml", "password: fine\n", None);
    repo.write("secrets/leak.yaml", &format!("password: {LEAKED}\n"));
    repo.encrypted("secrets/missing.yaml", "password: x\n", Some(&[&a]));
    repo.encrypted("secrets/extra.yaml", "password: x\n", Some(&[&a, &b, &c]));
    let text = repo.encrypted("secrets/old-kms.yaml", "password: x\n", None);
    repo.write(
        "secrets/old-kms.yaml",
        &text.replacen("sops:\n", OLD_KMS_ENTRY, 1),
    );
    let text = repo.encrypted("legacy/old.yaml", "password: x\n", None);
    let stamp = text
        .lines()
        .find(|line| line.trim_start().starts_with("lastmodified:"))
        .unwrap();
    repo.write(
        "legacy/old.yaml",
        &text.replace(stamp, "    lastmodified: \"2022-01-01T00:00:00Z\""),
    );
    let text = repo.encrypted("secrets/pasted.yaml", "password: x\nuser: y\n", None);
    let user = text.lines().find(|l| l.starts_with("user:")).unwrap();
    repo.write(
        "secrets/pasted.yaml",
        &text.replace(user, &format!("user: {PASTED}")),
    );
    repo.write(
        "secrets/broken.yaml",
        &format!("token: ENC[AES256_GCM,data:AAAA]\nother: {BROKEN_VALUE}\nsops: [\n"),
    );
    let text = repo.encrypted("secrets/nomac.yaml", "password: x\n", None);
    let mac = text
        .lines()
        .find(|l| l.trim_start().starts_with("mac:"))
        .unwrap();
    repo.write("secrets/nomac.yaml", &text.replace(mac, "    mac: \"\""));
    // An encrypted file no rule covers: made outside the rules, then moved in.
    repo.write("plain.yaml", "password: x\n");
    let empty = repo.env.empty_config();
    let args = [
        "--config",
        empty.to_str().unwrap(),
        "encrypt",
        "--age",
        &a,
        "plain.yaml",
    ];
    let out = ok(repo.env.run(&args), "encrypt outside the rules");
    std::fs::remove_file(repo.env.path("plain.yaml")).unwrap();
    repo.write("misc/unruled.yaml", &out);
    repo.write(
        "secrets/local/ignored.yaml",
        &format!("password: {LEAKED}\n"),
    );
    repo.write("src/main.py", "print('hello')\n");
    repo
}

#[test]
fn every_state_is_reported_with_its_rule_recipients_key_age_and_mac() {
    let repo = repository();
    let (code, objects, summary) = repo.json(&[]);
    assert_eq!(code, Some(1), "{objects:#?}");
    let files: Vec<&str> = objects
        .iter()
        .map(|o| o["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "legacy/old.yaml",
            "misc/unruled.yaml",
            "secrets/broken.yaml",
            "secrets/extra.yaml",
            "secrets/leak.yaml",
            "secrets/missing.yaml",
            "secrets/nomac.yaml",
            "secrets/ok.yaml",
            "secrets/old-kms.yaml",
            "secrets/pasted.yaml",
        ],
        "the gitignored file, the source file and the config are not reported"
    );
    let state = |file: &str| about(&objects, file)["state"].as_str().unwrap().to_string();
    for (file, expected) in [
        ("legacy/old.yaml", "overdue"),
        ("misc/unruled.yaml", "no_rule"),
        ("secrets/broken.yaml", "broken"),
        ("secrets/extra.yaml", "drift"),
        ("secrets/leak.yaml", "leak"),
        ("secrets/missing.yaml", "drift"),
        ("secrets/nomac.yaml", "no_mac"),
        ("secrets/ok.yaml", "ok"),
        ("secrets/old-kms.yaml", "drift"),
        ("secrets/pasted.yaml", "plaintext_value"),
    ] {
        assert_eq!(state(file), expected, "{file}");
    }

    let ok = about(&objects, "secrets/ok.yaml");
    assert_eq!(ok["rule"]["index"], 0);
    assert_eq!(ok["rule"]["path_regex"], "^secrets/");
    assert_eq!(ok["encrypted"], true);
    assert_eq!(ok["mac"], true);
    assert_eq!(ok["failing"], false);
    assert_eq!(ok["policy"]["max_age"], "30d");
    assert_eq!(ok["policy"]["source"], "rule");
    assert_eq!(ok["within_policy"], true);
    assert_eq!(ok["data_key"]["basis"], "lastmodified");

    let leak = about(&objects, "secrets/leak.yaml");
    assert_eq!(leak["encrypted"], false);
    assert_eq!(leak["fix"], "sops-rs encrypt -i secrets/leak.yaml");

    let b = &repo.env.keys[1].recipient;
    let c = &repo.env.keys[2].recipient;
    let missing = about(&objects, "secrets/missing.yaml");
    assert_eq!(missing["recipients"]["missing"][0]["id"], b.as_str());
    assert_eq!(missing["recipients"]["extra"], serde_json::json!([]));
    assert_eq!(missing["fix"], "sops-rs updatekeys secrets/missing.yaml");
    let extra = about(&objects, "secrets/extra.yaml");
    assert_eq!(extra["recipients"]["extra"][0]["id"], c.as_str());
    assert_eq!(extra["recipients"]["extra"][0]["type"], "age");

    // The kms entry is an extra recipient and dates the data key by its created_at.
    let old_kms = about(&objects, "secrets/old-kms.yaml");
    assert_eq!(old_kms["findings"], serde_json::json!(["drift", "overdue"]));
    assert_eq!(old_kms["recipients"]["extra"][0]["type"], "kms");
    assert_eq!(old_kms["data_key"]["basis"], "created_at");
    assert_eq!(old_kms["data_key"]["since"], "2021-03-04T05:06:07Z");
    assert_eq!(old_kms["within_policy"], false);

    // An age-only file is dated by lastmodified; its rule has no policy, the config's applies.
    let old = about(&objects, "legacy/old.yaml");
    assert_eq!(old["data_key"]["since"], "2022-01-01T00:00:00Z");
    assert_eq!(old["data_key"]["basis"], "lastmodified");
    assert_eq!(old["policy"]["max_age"], "90d");
    assert_eq!(old["policy"]["source"], "config");
    assert_eq!(old["fix"], "sops-rs rotate -i legacy/old.yaml");
    assert!(old["data_key"]["age_seconds"].as_u64().unwrap() > 300 * 86_400);

    let pasted = about(&objects, "secrets/pasted.yaml");
    assert_eq!(
        pasted["plaintext_values"],
        serde_json::json!(["[\"user\"]"])
    );

    let broken = about(&objects, "secrets/broken.yaml");
    let problem = broken["problem"].as_str().unwrap();
    assert!(problem.contains("line 3"), "{problem}");
    assert_eq!(broken["mac"], Value::Null);

    assert_eq!(about(&objects, "secrets/nomac.yaml")["mac"], false);
    let unruled = about(&objects, "misc/unruled.yaml");
    assert_eq!(unruled["rule"], Value::Null);
    assert_eq!(
        unruled["failing"], false,
        "unruled is not failed on by default"
    );

    assert_eq!(summary["files"], 10);
    assert_eq!(
        summary["states"],
        serde_json::json!({"leak": 1, "broken": 1, "plaintext_value": 1, "no_mac": 1,
                           "drift": 3, "overdue": 1, "no_rule": 1, "ok": 1})
    );
    // Every parsed encrypted file has a policy: 8, of which old-kms and old are overdue.
    assert_eq!(summary["rotation"]["with_policy"], 8);
    assert_eq!(summary["rotation"]["within_policy"], 6);
    assert_eq!(summary["rotation"]["coverage_percent"], 75.0);
    assert_eq!(
        summary["fail_on"],
        serde_json::json!(["leak", "broken", "drift", "overdue"])
    );
    assert_eq!(summary["failing"], 8);
}

#[test]
fn the_table_names_each_file_its_fix_and_the_rotation_coverage() {
    let repo = repository();
    let out = repo.status(&[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_no_values(&text);
    assert!(text.starts_with("FILE "), "{text}");
    assert!(
        text.contains("fix: sops-rs updatekeys secrets/missing.yaml"),
        "{text}"
    );
    assert!(
        text.contains("not encrypted, but creation_rules[0] covers it"),
        "{text}"
    );
    assert!(text.contains("data key at least "), "{text}");
    let last = text.lines().last().unwrap();
    assert_eq!(
        last,
        "sops-rs status: 10 files (1 leak, 1 broken, 1 plaintext value, 1 no mac, 3 drift, \
         1 overdue, 1 no rule, 1 ok); rotation coverage 6/8 (75.0%); 8 failing"
    );
}

#[test]
fn fail_on_selects_the_findings_that_fail_the_run() {
    let repo = repository();
    let code = |args: &[&str]| repo.status(args).status.code();
    // One file per finding class, each run against several selections.
    for (file, fails_on) in [
        ("secrets/leak.yaml", "leak"),
        ("secrets/pasted.yaml", "leak"),
        ("secrets/broken.yaml", "broken"),
        ("secrets/nomac.yaml", "broken"),
        ("secrets/missing.yaml", "drift"),
        ("legacy/old.yaml", "overdue"),
        ("misc/unruled.yaml", "unruled"),
    ] {
        for selection in ["leak", "broken", "drift", "overdue", "unruled"] {
            let expected = if selection == fails_on { 1 } else { 0 };
            assert_eq!(
                code(&["--fail-on", selection, file]),
                Some(expected),
                "{file} with --fail-on {selection}"
            );
        }
        assert_eq!(code(&["--fail-on", "all", file]), Some(1), "{file}");
        assert_eq!(code(&["--fail-on", "none", file]), Some(0), "{file}");
    }
    assert_eq!(
        code(&["--fail-on", "leak,drift", "secrets/missing.yaml"]),
        Some(1)
    );
    assert_eq!(code(&["secrets/ok.yaml"]), Some(0));
    assert_eq!(code(&["misc/unruled.yaml"]), Some(0), "unruled is opt-in");
    let out = repo.status(&["--fail-on", "leaks"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("leaks"));
}

#[test]
fn max_age_on_the_command_line_overrides_every_policy() {
    let repo = repository();
    let (code, objects, summary) = repo.json(&["--max-age", "3650d", "--fail-on", "overdue"]);
    assert_eq!(code, Some(0), "{objects:#?}");
    assert_eq!(summary["rotation"]["within_policy"], 8);
    let old = about(&objects, "legacy/old.yaml");
    assert_eq!(old["policy"]["source"], "flag");
    assert_eq!(old["policy"]["max_age_seconds"], 3650 * 86_400);
    let (code, _, summary) = repo.json(&["--max-age", "1h", "--fail-on", "overdue", "legacy"]);
    assert_eq!(code, Some(1));
    assert_eq!(summary["rotation"]["coverage_percent"], 0.0);
    for bad in ["90", "0d", "4000d", "1y"] {
        let out = repo.status(&["--max-age", bad]);
        assert_ne!(out.status.code(), Some(0), "--max-age {bad}");
    }
}

#[test]
fn the_rotation_key_is_read_by_sops_rs_and_ignored_by_the_real_sops() {
    let repo = repository();
    // sops-rs's check knows the key: no unknown_config_key.
    let out = repo.env.run(&["check", "secrets/ok.yaml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The real sops 3.12.2 encrypts with a .sops.yaml that carries rotation sections.
    let config = repo.env.read(".sops-rs.yaml");
    repo.write(".sops.yaml", &config);
    std::fs::remove_file(repo.env.path(".sops-rs.yaml")).unwrap();
    repo.write("secrets/by-sops.yaml", "password: x\n");
    let out = repo
        .env
        .sops()
        .args(["encrypt", "-i", "secrets/by-sops.yaml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, objects, _) = repo.json(&["secrets/by-sops.yaml"]);
    assert_eq!(objects[0]["state"], "ok", "{objects:#?}");
    // A bad policy is refused with the file and the field, by every command.
    repo.write(
        ".sops.yaml",
        &config.replace("max_age: 30d", "max_age: 30 days"),
    );
    let out = repo.status(&[]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(".sops.yaml") && said.contains("creation_rules[0].rotation.max_age"),
        "{said}"
    );
}

#[test]
fn without_a_config_status_needs_paths_and_reports_encrypted_files_only() {
    let env = TestEnv::new();
    let out = env.run(&["status"]);
    assert_eq!(out.status.code(), Some(100));
    env.write("plain.yaml", "password: x\n");
    let recipient = env.recipient.clone();
    env.write("app.yaml", "password: x\n");
    ok(
        env.run(&["encrypt", "-i", "--age", &recipient, "app.yaml"]),
        "encrypt",
    );
    let out = env.run(&["status", "--json", "--fail-on", "all", "."]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("plain.yaml"), "{text}");
    assert!(
        text.contains("\"file\":\"app.yaml\",\"state\":\"no_rule\""),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(Path::new(&env.path("plain.yaml")).exists());
}
