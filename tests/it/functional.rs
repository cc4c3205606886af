//! The behaviours sops's own functional tests check (section 9.2 of the format spec), each run
//! with the same command lines against the real sops 3.12.2 binary (which proves the scenario)
//! and against sops-rs (which is the check). A failure names the scenario (the test) and the tool.
//!
//! The environment follows section 9.1: every run gets a fresh scratch directory as its working
//! directory holding a `.sops.yaml` (two-group Shamir rules, one with a key whose secret is
//! absent, rules without keys, with `key_groups: []` and with an empty group, and a catch-all PGP
//! rule), a GNUPGHOME with three generated keys ("key 1" and "key 2" with their secret keys,
//! "key 3" public only) and the `res/` inputs, which the real sops writes with those keys once per
//! test process from plaintext given here.
//!
//! The two Vault publish scenarios (4 and 5) start an OpenBao dev server per run. Left out: the
//! scenarios that need AWS (3 publish to S3, 6 KMS encryption, 36 KMS encryption context),
//! covered against moto by other tests (`backend_aws`, and the publish tests for S3).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::support::openbao::OpenBao;
use crate::support::{TestEnv, path_arg};

/// The binary a scenario runs against.
#[derive(Clone, Copy)]
enum Tool {
    Sops,
    SopsRs,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Sops => "sops 3.12.2",
            Tool::SopsRs => "sops-rs",
        }
    }

    fn command(self, home: &TestEnv) -> Command {
        match self {
            Tool::Sops => home.sops(),
            Tool::SopsRs => home.sops_rs(),
        }
    }
}

/// Runs `scenario` against the real sops, then against sops-rs, each in its own scratch
/// directory, and fails naming every tool the scenario failed for.
fn against_both(scenario: fn(&Workdir)) {
    let failures: Vec<String> = [Tool::Sops, Tool::SopsRs]
        .into_iter()
        .filter_map(|tool| {
            std::panic::catch_unwind(|| scenario(&Workdir::new(tool)))
                .err()
                .map(|panic| format!("{}: {}", tool.name(), panic_message(&*panic)))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".to_string())
}

// ---------------------------------------------------------------------------------------------
// The environment: keys, `.sops.yaml` and `res/`, made once per process.

/// Three generated keys, the keyring files holding them, and the `res/` files the real sops
/// wrote with them.
struct Fixture {
    /// Fingerprints of key 1, key 2 and key 3 (public only).
    keys: [String; 3],
    /// Keyring files, by path relative to GNUPGHOME.
    keyring: Vec<(PathBuf, Vec<u8>)>,
    /// Files of `res/`, by name.
    res: Vec<(&'static str, Vec<u8>)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(make_fixture)
}

fn make_fixture() -> Fixture {
    let work = Workdir {
        tool: Tool::Sops,
        home: TestEnv::new(),
    };
    let keys = ["key1", "key2", "key3"].map(|name| work.home.gpg_generate_ecc(name));
    work.home.gpg(&["--yes", "--delete-secret-keys", &keys[2]]);
    work.home.write(".sops.yaml", sops_yaml(&keys));
    let res = make_res(&work, &keys);
    work.home.stop_gpg_agent();
    Fixture {
        keyring: keyring_files(&work.home.gnupg()),
        keys,
        res,
    }
}

/// The creation and destination rules of section 9.1, matched against paths relative to the
/// scratch directory. The Vault address and token come from `VAULT_ADDR` and `VAULT_TOKEN`.
fn sops_yaml([key1, key2, key3]: &[String; 3]) -> String {
    format!(
        "creation_rules:
  - path_regex: test_roundtrip_keygroups\\.yaml$
    key_groups:
      - pgp: [{key1}]
      - pgp: [{key2}]
  - path_regex: test_roundtrip_keygroups_missing_decryption_key\\.yaml$
    key_groups:
      - pgp: [{key1}]
      - pgp: [{key3}]
  - path_regex: test_no_keygroups\\.yaml$
  - path_regex: test_zero_keygroups\\.yaml$
    key_groups: []
  - path_regex: test_empty_keygroup\\.yaml$
    key_groups:
      - {{}}
  - pgp: {key1}
destination_rules:
  - path_regex: test_encrypt_publish_vault\\.json$
    vault_path: functional-test/
    vault_kv_mount_name: secret/
    vault_kv_version: 2
  - path_regex: test_encrypt_publish_vault_version_1\\.json$
    vault_path: functional-test-version-1/
    vault_kv_mount_name: kv/
    vault_kv_version: 1
"
    )
}

/// The public and secret keyrings and the trust database (no sockets, locks or backups).
fn keyring_files(gnupg: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut names = vec![PathBuf::from("pubring.kbx"), PathBuf::from("trustdb.gpg")];
    for entry in std::fs::read_dir(gnupg.join("private-keys-v1.d")).unwrap() {
        let name = entry.unwrap().file_name();
        if Path::new(&name).extension().is_some_and(|e| e == "key") {
            names.push(Path::new("private-keys-v1.d").join(name));
        }
    }
    names
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(gnupg.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

const COMMENTS: &str = "# first comment in file\nlorem: ipsum\n# this-is-a-comment\ndolor: sit\n";
const COMMENTS_LIST: &str = "lorem:\n    - ipsum\n    # this-is-a-comment\n    - sit\n";
const COMMENT_TEXTS: [&str; 2] = ["first comment in file", "this-is-a-comment"];

/// Section 10.2's `res/` files, written by the real sops in `sops` (whose config's catch-all
/// rule is key 1).
fn make_res(sops: &Workdir, [key1, key2, _]: &[String; 3]) -> Vec<(&'static str, Vec<u8>)> {
    let encrypt = |name: &str, plain: &str, extra: &[&str]| -> Vec<u8> {
        let input = sops.write(name, plain);
        let mut args = vec!["encrypt"];
        args.extend_from_slice(extra);
        args.push(&input);
        sops.ok(&args)
    };
    let comments_enc = encrypt("comments.yaml", COMMENTS, &[]);
    let format_ini = encrypt("format.ini", "[foo]\nbar = baz\n", &[]);
    let mut no_mac = text(&encrypt("no_mac.yaml", "message: hello\n", &[]));
    let mac_line = no_mac.find("\n    mac: ").expect("a mac line");
    let mac_end = mac_line + 1 + no_mac[mac_line + 1..].find('\n').unwrap();
    no_mac.replace_range(mac_line..mac_end, "");
    let both_keys = format!("{key1},{key2}");
    vec![
        ("comments.yaml", COMMENTS.into()),
        ("comments_list.yaml", COMMENTS_LIST.into()),
        (
            "comments_unencrypted_comments.yaml",
            clear_comments(&text(&comments_enc)).into(),
        ),
        ("comments.enc.yaml", comments_enc),
        ("no_mac.yaml", no_mac.into()),
        (
            "multiple_keys.yaml",
            encrypt(
                "multiple_keys.yaml",
                "message: hello\n",
                &["--pgp", &both_keys],
            ),
        ),
        ("format.enc.yaml", encrypt("format.yaml", "foo: bar\n", &[])),
        (
            "format.enc.json",
            encrypt("format.json", "{\"foo\": \"bar\"}\n", &[]),
        ),
        ("format.enc.env", encrypt("format.env", "foo = bar\n", &[])),
        (
            "format-2.enc.ini",
            triple_quoted_armor(&text(&format_ini)).into(),
        ),
        ("format.enc.ini", format_ini),
    ]
}

/// The encrypted comments put back in clear, as sops 3.3 wrote them (values and MAC
/// stay: comments are not part of the MAC).
fn clear_comments(encrypted: &str) -> String {
    let mut clear = COMMENT_TEXTS.iter();
    let lines: Vec<String> = encrypted
        .lines()
        .map(|line| {
            if line.starts_with("#ENC[") && line.ends_with("type:comment]") {
                format!("# {}", clear.next().expect("two encrypted comments"))
            } else {
                line.to_string()
            }
        })
        .collect();
    assert!(
        clear.next().is_none(),
        "both comments encrypted:\n{encrypted}"
    );
    lines.join("\n") + "\n"
}

/// The PGP armor in an INI `[sops]` section as a `"""` multi-line value, as sops 3.13.0 and
/// 3.13.1 wrote it, instead of one line with `\n` escapes.
fn triple_quoted_armor(ini: &str) -> String {
    let lines: Vec<String> = ini
        .lines()
        .map(|line| match line.split_once(" = -----BEGIN") {
            Some((key, rest)) => {
                format!(
                    "{key} = \"\"\"-----BEGIN{}\"\"\"",
                    rest.replace("\\n", "\n")
                )
            }
            None => line.to_string(),
        })
        .collect();
    assert!(lines.iter().any(|l| l.contains("\"\"\"")), "{ini}");
    lines.join("\n") + "\n"
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// One scenario's scratch directory ($T in the spec) and the tool it runs.

struct Workdir {
    tool: Tool,
    /// The directory, with its keyring.
    home: TestEnv,
}

impl Workdir {
    /// A fresh directory with the fixture's keyring, `.sops.yaml` and `res/`.
    fn new(tool: Tool) -> Workdir {
        let fixture = fixture();
        let home = TestEnv::new();
        for (name, bytes) in &fixture.keyring {
            let path = home.gnupg().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        home.write(".sops.yaml", sops_yaml(&fixture.keys));
        std::fs::create_dir(home.path("res")).unwrap();
        for (name, bytes) in &fixture.res {
            home.write(&format!("res/{name}"), bytes);
        }
        Workdir { tool, home }
    }

    /// Writes `$T/name` and returns its absolute path.
    fn write(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        path_arg(&self.home.write(name, content))
    }

    fn read(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.home.path(path)).unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, None, &[])
    }

    /// Runs the tool with `args`, `stdin` as its standard input (else none) and `vars` added to
    /// its environment.
    fn run_with(&self, args: &[&str], stdin: Option<&[u8]>, vars: &[(&str, &str)]) -> Output {
        let mut child = self
            .tool
            .command(&self.home)
            .args(args)
            .envs(vars.iter().copied())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        child.wait_with_output().unwrap()
    }

    /// The standard output of a run that must succeed.
    fn ok(&self, args: &[&str]) -> Vec<u8> {
        succeeded(self.run(args), args)
    }

    fn ok_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Vec<u8> {
        succeeded(self.run_with(args, Some(stdin), &[]), args)
    }

    fn ok_with_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Vec<u8> {
        succeeded(self.run_with(args, None, vars), args)
    }

    /// A run that must fail; its output.
    fn fails(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "`sops {}` succeeded; stdout:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        out
    }

    /// `sops encrypt -i` of a new file `$T/name`; its path.
    fn encrypted_in_place(&self, name: &str, plain: &str) -> String {
        let path = self.write(name, plain);
        self.ok(&["encrypt", "-i", &path]);
        path
    }
}

fn succeeded(out: Output, args: &[&str]) -> Vec<u8> {
    assert!(
        out.status.success(),
        "`sops {}` failed (exit {:?}): {}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

// ---------------------------------------------------------------------------------------------
// Checks on encrypted output.

fn is_enc(value: &Json) -> bool {
    value.as_str().is_some_and(|s| s.starts_with("ENC["))
}

fn json(bytes: &[u8]) -> Json {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(bytes)))
}

/// A JSON document with a `sops` section whose `keys` are all encrypted strings.
fn assert_json_encrypted(bytes: &[u8], keys: &[&str]) {
    let doc = json(bytes);
    assert!(doc.get("sops").is_some(), "no sops section:\n{doc:#}");
    for key in keys {
        assert!(is_enc(&doc[key]), "{key} is not encrypted:\n{doc:#}");
    }
}

/// The top-level JSON object `parent` holds `child` as an encrypted value.
fn assert_json_nested_encrypted(bytes: &[u8], parent: &str, child: &str) {
    let doc = json(bytes);
    assert!(
        is_enc(&doc[parent][child]),
        "{parent}.{child} is not encrypted:\n{doc:#}"
    );
}

/// The value of the top-level YAML entry `key` (a one-line `key: value`).
fn yaml_top(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}:")))
        .map(|value| value.trim().to_string())
}

/// A YAML document with a top-level `sops:` mapping whose top-level `keys` are encrypted.
fn assert_yaml_encrypted(text: &str, keys: &[&str]) {
    assert!(
        text.lines().any(|l| l == "sops:"),
        "no sops section:\n{text}"
    );
    for key in keys {
        let value = yaml_top(text, key).unwrap_or_default();
        assert!(value.starts_with("ENC["), "{key} is not encrypted:\n{text}");
    }
}

/// The lines of the block under the top-level YAML key `key`.
fn yaml_block<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let header = format!("{key}:");
    text.lines()
        .skip_while(|line| *line != header)
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .collect()
}

/// The top-level YAML mapping `parent` holds `child` as an encrypted value.
fn assert_yaml_nested_encrypted(text: &str, parent: &str, child: &str) {
    let block = yaml_block(text, parent);
    let entry = format!("{child}: ENC[");
    assert!(
        block
            .iter()
            .any(|line| line.trim_start().starts_with(&entry)),
        "{parent}.{child} is not encrypted:\n{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// The scenarios, numbered as in section 9.2.

/// 1: `encrypt` of a JSON file.
fn encrypt_json_file(t: &Workdir) {
    let file = t.write("test_encrypt.json", r#"{"foo": 2, "bar": "baz"}"#);
    assert_json_encrypted(&t.ok(&["encrypt", &file]), &["foo", "bar"]);
}

/// 2: `encrypt` of standard input named by `--filename-override`.
fn encrypt_from_stdin(t: &Workdir) {
    let out = t.ok_with_stdin(
        &[
            "encrypt",
            "--filename-override",
            "test_encrypt.yaml",
            "--output-type",
            "json",
        ],
        b"foo: 2\nbar: baz\n",
    );
    assert_json_encrypted(&out, &["foo", "bar"]);
}

const PUBLISH_JSON: &str = r#"{"foo": 2, "bar": "baz"}"#;

/// 4 and 5: `publish --yes` of an encrypted JSON file to a Vault KV store of `version` mounted at
/// `mount` (OpenBao's dev server has KV v2 at `secret/`); the destination rule puts it under
/// `prefix`. The secret read back is the decrypted document.
fn publish_to_vault(t: &Workdir, name: &str, mount: &str, version: u8, prefix: &str) {
    let bao = OpenBao::start();
    if mount != "secret" {
        bao.enable_kv(mount, version);
    }
    let file = t.encrypted_in_place(name, PUBLISH_JSON);
    let address = bao.address();
    let vault = [
        ("VAULT_ADDR", address.as_str()),
        ("VAULT_TOKEN", bao.token()),
    ];
    t.ok_with_env(&["publish", "--yes", &file], &vault);
    let secret = json(
        bao.bao(&[
            "kv",
            "get",
            "-format=json",
            &format!("{mount}/{prefix}{name}"),
        ])
        .as_bytes(),
    );
    let data = if version == 2 {
        &secret["data"]["data"]
    } else {
        &secret["data"]
    };
    assert_eq!(data, &json(PUBLISH_JSON.as_bytes()), "{secret:#}");
}

fn publish_json_file_vault(t: &Workdir) {
    publish_to_vault(
        t,
        "test_encrypt_publish_vault.json",
        "secret",
        2,
        "functional-test/",
    );
}

fn publish_json_file_vault_version_1(t: &Workdir) {
    publish_to_vault(
        t,
        "test_encrypt_publish_vault_version_1.json",
        "kv",
        1,
        "functional-test-version-1/",
    );
}

/// 7: typed YAML values decrypt to INI strings.
fn ini_values_as_strings(t: &Workdir) {
    let file = t.encrypted_in_place(
        "test_ini_values_as_strings.yaml",
        "the_section:\n    int: 123\n    float: 1.23\n    bool: true\n    date: 2025-01-02\n    \
         timestamp: 2025-01-02 03:04:05\n    utc_timestamp: 2025-01-02T03:04:05Z\n    \
         string: this is a string\n",
    );
    let out = text(&t.ok(&["decrypt", "--output-type", "ini", &file]));
    assert_eq!(
        out,
        "[the_section]\nint           = 123\nfloat         = 1.23\nbool          = true\n\
         date          = 2025-01-02T00:00:00Z\ntimestamp     = 2025-01-02T03:04:05Z\n\
         utc_timestamp = 2025-01-02T03:04:05Z\nstring        = this is a string\n"
    );
}

/// 8: `encrypt` of a YAML file.
fn encrypt_yaml_file(t: &Workdir) {
    let file = t.write("test_encrypt.yaml", "foo: 2\nbar: baz");
    assert_yaml_encrypted(&text(&t.ok(&["encrypt", &file])), &["foo", "bar"]);
}

const SET_JSON: &str = r#"{"a": 2, "b": "ba"}"#;
const SET_YAML: &str = "a: 2\nb: ba";

/// Encrypts `plain` in place as `$T/name`, sets its top-level `key` to the mapping
/// `{"<key><key>": "<key><key><key>"}` with `sops set`, and returns the file.
fn set_in_new_file(t: &Workdir, name: &str, plain: &str, key: &str) -> Vec<u8> {
    let file = t.encrypted_in_place(name, plain);
    let path = format!(r#"["{key}"]"#);
    let value = format!(r#"{{"{key}{key}": "{key}{key}{key}"}}"#);
    t.ok(&["set", &file, &path, &value]);
    t.read(&file)
}

/// 9: `set` replaces a JSON value with a mapping.
fn set_json_file_update(t: &Workdir) {
    let file = set_in_new_file(t, "test_set_update.json", SET_JSON, "a");
    assert_json_nested_encrypted(&file, "a", "aa");
}

/// 10: `set --output-type yaml` rewrites a JSON file as YAML even when the value is unchanged.
fn set_json_file_update_idempotent_write(t: &Workdir) {
    let file = t.encrypted_in_place("test_set_idempotent_write.json", SET_JSON);
    let before = t.read(&file);
    t.ok(&["set", "--output-type", "yaml", &file, r#"["b"]"#, r#""ba""#]);
    let after = t.read(&file);
    assert_ne!(before, after, "the file was not rewritten");
    assert!(after.starts_with(b"a: "), "not YAML:\n{}", text(&after));
    let out = t.ok(&[
        "decrypt",
        "--input-type",
        "yaml",
        "--output-type",
        "yaml",
        &file,
    ]);
    assert_eq!(text(&out), "a: 2\nb: ba\n");
}

/// 11: `set --idempotent` with an unchanged value leaves the file alone.
fn set_json_file_update_idempotent_nowrite(t: &Workdir) {
    let file = t.encrypted_in_place("test_set_idempotent_nowrite.json", SET_JSON);
    let before = t.read(&file);
    t.ok(&[
        "set",
        "--output-type",
        "yaml",
        "--idempotent",
        &file,
        r#"["b"]"#,
        r#""ba""#,
    ]);
    assert_eq!(text(&before), text(&t.read(&file)), "the file changed");
}

/// 12: `set` inserts a new JSON key.
fn set_json_file_insert(t: &Workdir) {
    let file = set_in_new_file(t, "test_set_insert.json", SET_JSON, "c");
    assert_json_nested_encrypted(&file, "c", "cc");
}

/// 13: `set --value-file` reads the value from a file.
fn set_json_file_insert_with_value_file(t: &Workdir) {
    let file = t.encrypted_in_place("test_set_insert.json", SET_JSON);
    let value = t.write("insert_value_file.json", r#"{"cc": "ccc"}"#);
    t.ok(&["set", "--value-file", &file, r#"["c"]"#, &value]);
    assert_json_nested_encrypted(&t.read(&file), "c", "cc");
}

/// 14: `set --value-stdin` reads the value from standard input.
fn set_json_file_insert_with_value_stdin(t: &Workdir) {
    let file = t.encrypted_in_place("test_set_insert.json", SET_JSON);
    t.ok_with_stdin(
        &["set", "--value-stdin", &file, r#"["c"]"#],
        br#"{"cc": "ccc"}"#,
    );
    assert_json_nested_encrypted(&t.read(&file), "c", "cc");
}

/// 15: `set` replaces a YAML value with a mapping.
fn set_yaml_file_update(t: &Workdir) {
    let file = set_in_new_file(t, "test_set_update.yaml", SET_YAML, "a");
    assert_yaml_nested_encrypted(&text(&file), "a", "aa");
}

/// 16: `set` inserts a new YAML key.
fn set_yaml_file_insert(t: &Workdir) {
    let file = set_in_new_file(t, "test_set_insert.yaml", SET_YAML, "c");
    assert_yaml_nested_encrypted(&text(&file), "c", "cc");
}

/// 17: `set` of a string, then `decrypt -i`.
fn set_yaml_file_string(t: &Workdir) {
    let file = t.encrypted_in_place("test_set_string.yaml", SET_YAML);
    t.ok(&["set", &file, r#"["a"]"#, r#""aaa""#]);
    t.ok(&["decrypt", "-i", &file]);
    let decrypted = text(&t.read(&file));
    assert!(decrypted.lines().any(|l| l == "a: aaa"), "{decrypted}");
}

/// 18: the same through the legacy flags `-e`, `--set` and `-d`.
fn set_yaml_file_string_compat(t: &Workdir) {
    let file = t.write("test_set_string_compat.yaml", SET_YAML);
    t.ok(&["-e", "-i", &file]);
    t.ok(&["--set", r#"["a"] "aaa""#, "-i", &file]);
    t.ok(&["-d", "-i", &file]);
    let decrypted = text(&t.read(&file));
    assert!(decrypted.lines().any(|l| l == "a: aaa"), "{decrypted}");
}

/// 19: YAML dates and timestamps come back as RFC 3339 timestamps.
fn yaml_time(t: &Workdir) {
    let file = t.encrypted_in_place(
        "test_yaml_time.yaml",
        "a: 2024-01-01\nb: 2006-01-02T15:04:05+07:06",
    );
    t.ok(&["decrypt", "-i", &file]);
    assert_eq!(
        text(&t.read(&file)),
        "a: 2024-01-01T00:00:00Z\nb: 2006-01-02T15:04:05+07:06\n"
    );
}

const UNSET_INPUT: &str = r#"{"a": 2, "b": "ba", "c": [1, 2]}"#;

/// `unset` that must succeed and, with `--idempotent`, leave the file byte for byte.
fn unset(t: &Workdir, file: &str, path: &str, idempotent: bool) {
    let before = t.read(file);
    let mut args = vec!["unset"];
    if idempotent {
        args.push("--idempotent");
    }
    args.extend([file, path]);
    t.ok(&args);
    if idempotent {
        assert_eq!(
            text(&before),
            text(&t.read(file)),
            "`unset --idempotent` changed the file"
        );
    }
}

/// 20: `unset` of a JSON key and a list item, each repeated with `--idempotent`.
fn unset_json_file(t: &Workdir) {
    let file = t.encrypted_in_place("test_unset.json", UNSET_INPUT);
    unset(t, &file, r#"["a"]"#, false);
    let doc = json(&t.read(&file));
    assert!(doc.get("a").is_none() && is_enc(&doc["b"]), "{doc:#}");
    unset(t, &file, r#"["a"]"#, true);
    unset(t, &file, r#"["c"][1]"#, false);
    let doc = json(&t.read(&file));
    assert_eq!(doc["c"].as_array().map(Vec::len), Some(1), "{doc:#}");
    unset(t, &file, r#"["c"][1]"#, true);
}

/// 21: the same on YAML (flow-style content).
fn unset_yaml_file(t: &Workdir) {
    let file = t.encrypted_in_place("test_unset.yaml", UNSET_INPUT);
    unset(t, &file, r#"["a"]"#, false);
    let doc = text(&t.read(&file));
    assert!(yaml_top(&doc, "a").is_none(), "a is still there:\n{doc}");
    assert_yaml_encrypted(&doc, &["b"]);
    unset(t, &file, r#"["a"]"#, true);
    unset(t, &file, r#"["c"][0]"#, false);
    let doc = text(&t.read(&file));
    let items = yaml_block(&doc, "c");
    assert!(
        items.len() == 1 && items[0].trim_start().starts_with("- ENC["),
        "c does not hold one item:\n{doc}"
    );
    unset(t, &file, r#"["c"][1]"#, true);
}

/// 22: a file without a MAC fails to decrypt (exit 51) unless `--ignore-mac`.
fn decrypt_file_no_mac(t: &Workdir) {
    let out = t.fails(&["decrypt", "res/no_mac.yaml"]);
    assert_eq!(out.status.code(), Some(51), "{}", text(&out.stderr));
    t.ok(&["decrypt", "--ignore-mac", "res/no_mac.yaml"]);
}

/// 23: `decrypt` of standard input.
fn decrypt_from_stdin(t: &Workdir) {
    let out = text(&t.ok_with_stdin(
        &["decrypt", "--input-type", "yaml", "--output-type", "yaml"],
        &t.read("res/comments.enc.yaml"),
    ));
    assert!(!out.contains("sops"), "{out}");
    assert_eq!(yaml_top(&out, "lorem").as_deref(), Some("ipsum"), "{out}");
    assert_eq!(yaml_top(&out, "dolor").as_deref(), Some("sit"), "{out}");
}

/// 24: top-level comments are encrypted.
fn encrypt_comments(t: &Workdir) {
    let out = text(&t.ok(&["encrypt", "res/comments.yaml"]));
    for comment in COMMENT_TEXTS {
        assert!(!out.contains(comment), "{comment} in clear:\n{out}");
    }
}

/// 25: a comment inside a list is encrypted.
fn encrypt_comments_list(t: &Workdir) {
    let out = text(&t.ok(&["encrypt", "res/comments_list.yaml"]));
    assert!(!out.contains(COMMENT_TEXTS[1]), "comment in clear:\n{out}");
}

/// 26: encrypted comments decrypt.
fn decrypt_comments(t: &Workdir) {
    let out = text(&t.ok(&["decrypt", "res/comments.enc.yaml"]));
    for comment in COMMENT_TEXTS {
        assert!(out.contains(comment), "{comment} missing:\n{out}");
    }
}

/// 27: comments stored in clear are kept.
fn decrypt_comments_unencrypted_comments(t: &Workdir) {
    let out = text(&t.ok(&["decrypt", "res/comments_unencrypted_comments.yaml"]));
    for comment in COMMENT_TEXTS {
        assert!(out.contains(comment), "{comment} missing:\n{out}");
    }
}

/// 28: two key groups (Shamir) round-trip.
fn roundtrip_shamir(t: &Workdir) {
    let file = t.encrypted_in_place("test_roundtrip_keygroups.yaml", "a: secret\n");
    let out = text(&t.ok(&["decrypt", &file]));
    assert!(out.contains("secret"), "{out}");
}

/// 29: with one of two groups' secret key absent, decryption fails (exit 128).
fn roundtrip_shamir_missing_decryption_key(t: &Workdir) {
    let file = t.encrypted_in_place(
        "test_roundtrip_keygroups_missing_decryption_key.yaml",
        "a: secret\n",
    );
    let out = t.fails(&["decrypt", &file]);
    assert_eq!(out.status.code(), Some(128), "{}", text(&out.stderr));
}

/// 30: a file with two PGP keys in one group decrypts.
fn decrypt_file_multiple_keys(t: &Workdir) {
    let file = t.write("multiple_keys.yaml", t.read("res/multiple_keys.yaml"));
    t.ok(&["decrypt", &file]);
}

/// 31-33: a rule without keys is "empty key group provided", exactly.
fn fails_with_empty_key_group(t: &Workdir, name: &str) {
    let file = t.write(name, "a: secret\n");
    let out = t.fails(&["encrypt", "-i", &file]);
    assert_eq!(
        text(&out.stderr),
        "Could not generate data key: [empty key group provided]\n"
    );
}

fn no_keygroups(t: &Workdir) {
    fails_with_empty_key_group(t, "test_no_keygroups.yaml");
}

fn zero_keygroups(t: &Workdir) {
    fails_with_empty_key_group(t, "test_zero_keygroups.yaml");
}

fn empty_keygroup(t: &Workdir) {
    fails_with_empty_key_group(t, "test_empty_keygroup.yaml");
}

/// 34: `--extract` of a block scalar prints the raw string.
fn extract_string(t: &Workdir) {
    let file = t.encrypted_in_place("test_extract_string.yaml", "multiline: |\n  multi\n  line");
    let out = t.ok(&["decrypt", "--extract", r#"["multiline"]"#, &file]);
    assert_eq!(text(&out), "multi\nline");
}

/// 35: a file of another type round-trips as binary.
fn roundtrip_binary(t: &Workdir) {
    let data = r#"""{}this_is_binary_data"#;
    let file = t.encrypted_in_place("test.binary", data);
    assert_eq!(text(&t.ok(&["decrypt", &file])), data);
}

/// 37: `--output` writes the file and nothing to standard output.
fn output_flag(t: &Workdir) {
    let input = t.write("test_output_flag.binary", "foo");
    let output = path_arg(&t.home.path("output_flag.txt"));
    let out = t.ok(&["encrypt", "--output", &output, &input]);
    assert_eq!(text(&out), "");
    assert!(!t.read(&output).is_empty(), "empty output file");
}

const EXEC_INPUT: &str = "foo: bar\nbar: |-\n  baz\n  bam\n";

/// 38: `exec-env` passes the values as environment variables.
fn exec_env(t: &Workdir) {
    let file = t.encrypted_in_place("test_exec_env.yaml", EXEC_INPUT);
    let print_foo = t.write("print_foo.sh", "echo -E \"${foo}\"\n");
    let print_bar = t.write("print_bar.sh", "echo -E \"${bar}\"\n");
    let out = t.ok(&["exec-env", &file, &format!("/bin/bash {print_foo}")]);
    assert_eq!(text(&out), "bar\n");
    let out = t.ok(&["exec-env", &file, &format!("/bin/bash {print_bar}")]);
    assert_eq!(text(&out), "baz\nbam\n");
}

/// 39: `exec-file` hands the command the decrypted file in the output format.
fn exec_file(t: &Workdir) {
    let file = t.write("test_exec_file.yaml", EXEC_INPUT);
    t.ok(&["-e", "-i", &file]);
    let out = t.ok(&["exec-file", "--output-type", "json", &file, "cat {}"]);
    assert_eq!(
        text(&out),
        "{\n\t\"foo\": \"bar\",\n\t\"bar\": \"baz\\nbam\"\n}\n"
    );
}

/// 40: `exec-file --no-fifo --filename` names the temporary file.
fn exec_file_filename(t: &Workdir) {
    let file = t.write("test_exec_file_filename.yaml", EXEC_INPUT);
    t.ok(&["-e", "-i", &file]);
    let out = text(&t.ok(&[
        "exec-file",
        "--no-fifo",
        "--filename",
        "foobar",
        &file,
        "echo {}",
    ]));
    assert!(out.ends_with("foobar\n"), "{out}");
}

/// 41: each store decrypts sops-written files to its exact output.
fn decrypt_format(t: &Workdir) {
    for (file, expected) in [
        ("res/format.enc.yaml", "foo: bar\n"),
        ("res/format.enc.json", "{\n\t\"foo\": \"bar\"\n}\n"),
        ("res/format.enc.env", "foo = bar\n"),
        ("res/format.enc.ini", "[foo]\nbar = baz\n"),
        ("res/format-2.enc.ini", "[foo]\nbar = baz\n"),
    ] {
        assert_eq!(text(&t.ok(&["decrypt", file])), expected, "{file}");
    }
}

macro_rules! functional_tests {
    ($($test:ident => $scenario:ident),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                against_both($scenario);
            }
        )*
    };
}

functional_tests! {
    functional_01_encrypt_json_file => encrypt_json_file,
    functional_02_encrypt_from_stdin => encrypt_from_stdin,
    functional_04_publish_json_file_vault => publish_json_file_vault,
    functional_05_publish_json_file_vault_version_1 => publish_json_file_vault_version_1,
    functional_07_ini_values_as_strings => ini_values_as_strings,
    functional_08_encrypt_yaml_file => encrypt_yaml_file,
    functional_09_set_json_file_update => set_json_file_update,
    functional_10_set_json_file_update_idempotent_write => set_json_file_update_idempotent_write,
    functional_11_set_json_file_update_idempotent_nowrite =>
        set_json_file_update_idempotent_nowrite,
    functional_12_set_json_file_insert => set_json_file_insert,
    functional_13_set_json_file_insert_with_value_file => set_json_file_insert_with_value_file,
    functional_14_set_json_file_insert_with_value_stdin => set_json_file_insert_with_value_stdin,
    functional_15_set_yaml_file_update => set_yaml_file_update,
    functional_16_set_yaml_file_insert => set_yaml_file_insert,
    functional_17_set_yaml_file_string => set_yaml_file_string,
    functional_18_set_yaml_file_string_compat => set_yaml_file_string_compat,
    functional_19_yaml_time => yaml_time,
    functional_20_unset_json_file => unset_json_file,
    functional_21_unset_yaml_file => unset_yaml_file,
    functional_22_decrypt_file_no_mac => decrypt_file_no_mac,
    functional_23_decrypt_from_stdin => decrypt_from_stdin,
    functional_24_encrypt_comments => encrypt_comments,
    functional_25_encrypt_comments_list => encrypt_comments_list,
    functional_26_decrypt_comments => decrypt_comments,
    functional_27_decrypt_comments_unencrypted_comments => decrypt_comments_unencrypted_comments,
    functional_28_roundtrip_shamir => roundtrip_shamir,
    functional_29_roundtrip_shamir_missing_decryption_key =>
        roundtrip_shamir_missing_decryption_key,
    functional_30_decrypt_file_multiple_keys => decrypt_file_multiple_keys,
    functional_31_no_keygroups => no_keygroups,
    functional_32_zero_keygroups => zero_keygroups,
    functional_33_empty_keygroup => empty_keygroup,
    functional_34_extract_string => extract_string,
    functional_35_roundtrip_binary => roundtrip_binary,
    functional_37_output_flag => output_flag,
    functional_38_exec_env => exec_env,
    functional_39_exec_file => exec_file,
    functional_40_exec_file_filename => exec_file_filename,
    functional_41_decrypt_format => decrypt_format,
}
