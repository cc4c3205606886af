//! `publish` against real servers, compared with what the real sops 3.12.2 does against the same
//! servers: S3 on moto, GCS on gcp-storage-emulator (both from `.tools/venv`), Vault KV v1 and
//! v2 on OpenBao. Object names, `--recursive`, `--omit-extensions`, the re-encryption rule (and
//! the misspelt `reencryption_rule` sops's own config has, which both ignore), the question and
//! its answers and the no-rule error. sops's two Vault functional tests are scenarios 4 and 5 of
//! `functional.rs`, with keys generated there.

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::moto::Moto;
use crate::support::openbao::OpenBao;
use crate::support::venv_bin;
use crate::support::{TestEnv, free_port, http_answers, ok};

/// The input of sops's publish functional tests.
const PLAIN_JSON: &str = "{\n    \"foo\": 2,\n    \"bar\": \"baz\"\n}\n";
/// What it decrypts to (the JSON store indents with a tab).
const DECRYPTED_JSON: &str = "{\n\t\"foo\": 2,\n\t\"bar\": \"baz\"\n}\n";

/// A gcp-storage-emulator (the GCS JSON API, in memory) with one bucket; killed on drop.
struct GcsEmulator {
    child: Child,
    port: u16,
}

impl GcsEmulator {
    fn start(bucket: &str) -> GcsEmulator {
        let binary = venv_bin("gcp-storage-emulator");
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(&binary)
                .args(["start", "-H", "127.0.0.1", "--port", &port.to_string()])
                .args(["--default-bucket", bucket, "--in-memory", "--quiet"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start gcp-storage-emulator");
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if http_answers(port, &format!("/storage/v1/b/{bucket}")) {
                    return GcsEmulator { child, port };
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("gcp-storage-emulator did not start");
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The object's content, `None` when there is no such object.
    fn get(&self, bucket: &str, name: &str) -> Option<Vec<u8>> {
        let url = format!(
            "http://{}/storage/v1/b/{bucket}/o/{}?alt=media",
            self.host(),
            name.replace('/', "%2F")
        );
        let response = reqwest::blocking::get(url).unwrap();
        response
            .status()
            .is_success()
            .then(|| response.bytes().unwrap().to_vec())
    }
}

impl Drop for GcsEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A [`TestEnv`] with two age keys (`key.txt`, `key1.txt`) and a `.sops.yaml` the test writes.
struct Publisher {
    home: TestEnv,
}

impl Publisher {
    fn new() -> Publisher {
        let mut home = TestEnv::with_identities(2);
        home.set("AWS_EC2_METADATA_DISABLED", "true");
        Publisher { home }
    }

    fn with_moto(moto: &Moto) -> Publisher {
        let mut env = Publisher::new();
        env.set("AWS_ACCESS_KEY_ID", "test");
        env.set("AWS_SECRET_ACCESS_KEY", "test");
        env.set("AWS_REGION", "us-east-1");
        env.set("AWS_ENDPOINT_URL_S3", &moto.endpoint());
        env
    }

    fn set(&mut self, name: &str, value: &str) {
        self.home.set(name, value);
    }

    fn recipient(&self) -> &str {
        &self.home.keys[0].recipient
    }

    fn other_recipient(&self) -> &str {
        &self.home.keys[1].recipient
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path(name)
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        std::fs::create_dir_all(self.path(name).parent().unwrap()).unwrap();
        self.home.write(name, content)
    }

    /// Writes `.sops.yaml`: a creation rule for the first key, then `destinations` (YAML list
    /// items, indented by two spaces).
    fn config(&self, destinations: &str) {
        self.write(
            ".sops.yaml",
            &format!(
                "creation_rules:\n  - age: {}\ndestination_rules:\n{destinations}",
                self.recipient()
            ),
        );
    }

    fn ours(&self, args: &[&str]) -> Output {
        self.ours_answering(args, "")
    }

    fn ours_answering(&self, args: &[&str], stdin: &str) -> Output {
        TestEnv::feed(self.home.sops_rs().args(args), stdin.as_bytes())
    }

    fn sops(&self, args: &[&str]) -> Output {
        self.sops_answering(args, "")
    }

    fn sops_answering(&self, args: &[&str], stdin: &str) -> Output {
        TestEnv::feed(self.home.sops().args(args), stdin.as_bytes())
    }

    /// Writes `name` and encrypts it in place with sops-rs (the creation rule's key).
    fn encrypted(&self, name: &str, plain: &str) -> PathBuf {
        let path = self.write(name, plain);
        ok(self.ours(&["encrypt", "-i", name]), "sops-rs encrypt -i");
        path
    }

    /// What the real sops decrypts `bytes` (a `.json` file) to with the key in `key_file`.
    fn sops_decrypts(&self, bytes: &[u8], key_file: &str, name: &str) -> Output {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        self.home
            .sops()
            .env("SOPS_AGE_KEY_FILE", self.path(key_file))
            .args(["decrypt", &path.display().to_string()])
            .output()
            .unwrap()
    }
}

fn create_bucket(moto: &Moto, bucket: &str) {
    moto.boto3(&format!("s3.create_bucket(Bucket={bucket:?})"));
}

/// The keys in `bucket`, sorted.
fn s3_keys(moto: &Moto, bucket: &str) -> Vec<String> {
    let out = moto.boto3(&format!(
        "print('\\n'.join(sorted(o['Key'] for o in s3.list_objects_v2(Bucket={bucket:?}).get('Contents', []))))"
    ));
    out.lines().map(str::to_string).collect()
}

fn s3_get(moto: &Moto, bucket: &str, key: &str) -> Vec<u8> {
    let hex = moto.boto3(&format!(
        "print(s3.get_object(Bucket={bucket:?}, Key={key:?})['Body'].read().hex())"
    ));
    hex::decode(hex).unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn publish_s3_uploads_the_file_as_sops_does() {
    let moto = Moto::start();
    create_bucket(&moto, "ours");
    create_bucket(&moto, "theirs");
    let env = Publisher::with_moto(&moto);
    env.config(
        "  - path_regex: ^ours/\n    s3_bucket: ours\n    s3_prefix: pre/\n\
         \x20 - path_regex: ^theirs/\n    s3_bucket: theirs\n    s3_prefix: pre/\n",
    );
    let file = env.encrypted("ours/app.json", PLAIN_JSON);
    std::fs::create_dir_all(env.path("theirs")).unwrap();
    std::fs::copy(&file, env.path("theirs/app.json")).unwrap();

    let out = env.ours(&["publish", "--yes", "ours/app.json"]);
    assert_eq!(ok(out, "sops-rs publish"), "");
    ok(
        env.sops(&["publish", "--yes", "theirs/app.json"]),
        "sops publish",
    );

    assert_eq!(s3_keys(&moto, "ours"), ["pre/app.json"]);
    assert_eq!(s3_keys(&moto, "theirs"), ["pre/app.json"]);
    let ours = s3_get(&moto, "ours", "pre/app.json");
    assert_eq!(ours, std::fs::read(&file).unwrap());
    assert_eq!(ours, s3_get(&moto, "theirs", "pre/app.json"));
    let decrypted = ok(
        env.sops_decrypts(&ours, "key.txt", "downloaded.json"),
        "sops decrypt",
    );
    assert_eq!(decrypted, DECRYPTED_JSON);
}

#[test]
fn publish_gcs_uploads_the_file_as_sops_does() {
    let gcs = GcsEmulator::start("bucket");
    let mut env = Publisher::new();
    env.set("STORAGE_EMULATOR_HOST", &gcs.host());
    env.config(
        "  - path_regex: ^ours/\n    gcs_bucket: bucket\n    gcs_prefix: ours/\n\
         \x20 - path_regex: ^theirs/\n    gcs_bucket: bucket\n    gcs_prefix: theirs/\n",
    );
    let file = env.encrypted("ours/app.json", PLAIN_JSON);
    std::fs::create_dir_all(env.path("theirs")).unwrap();
    std::fs::copy(&file, env.path("theirs/app.json")).unwrap();

    assert_eq!(
        ok(
            env.ours(&["publish", "--yes", "ours/app.json"]),
            "sops-rs publish"
        ),
        ""
    );
    ok(
        env.sops(&["publish", "--yes", "theirs/app.json"]),
        "sops publish",
    );

    let ours = gcs
        .get("bucket", "ours/app.json")
        .expect("sops-rs's object");
    assert_eq!(ours, std::fs::read(&file).unwrap());
    assert_eq!(Some(ours.clone()), gcs.get("bucket", "theirs/app.json"));
    let decrypted = ok(
        env.sops_decrypts(&ours, "key.txt", "downloaded.json"),
        "sops decrypt",
    );
    assert_eq!(decrypted, DECRYPTED_JSON);
}

#[test]
fn publish_gcs_reports_a_missing_bucket() {
    // sops 3.12.2 ignores the result of its GCS upload and exits 0 here; sops-rs says so.
    let gcs = GcsEmulator::start("bucket");
    let mut env = Publisher::new();
    env.set("STORAGE_EMULATOR_HOST", &gcs.host());
    env.config("  - gcs_bucket: missing\n");
    env.encrypted("app.json", PLAIN_JSON);
    let out = env.ours(&["publish", "--yes", "app.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("gcs://missing/app.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn publish_recursive_names_objects_by_their_path_below_the_directory() {
    let moto = Moto::start();
    create_bucket(&moto, "ours");
    create_bucket(&moto, "theirs");
    let env = Publisher::with_moto(&moto);
    // The rule's own omit_extensions for one tree, the flag for the other.
    env.config(
        "  - path_regex: ^ours\n    s3_bucket: ours\n    s3_prefix: p/\n    omit_extensions: true\n\
         \x20 - path_regex: ^theirs\n    s3_bucket: theirs\n    s3_prefix: p/\n",
    );
    for tree in ["ours", "theirs"] {
        env.encrypted(&format!("{tree}/a.json"), PLAIN_JSON);
        env.encrypted(&format!("{tree}/sub/b.enc.yaml"), "k: v\n");
    }
    ok(
        env.ours(&["publish", "--yes", "--recursive", "ours"]),
        "sops-rs publish --recursive",
    );
    ok(
        env.sops(&[
            "publish",
            "--yes",
            "--recursive",
            "--omit-extensions",
            "theirs",
        ]),
        "sops publish --recursive",
    );
    assert_eq!(s3_keys(&moto, "ours"), ["p/a", "p/sub/b.enc"]);
    assert_eq!(s3_keys(&moto, "theirs"), s3_keys(&moto, "ours"));
    assert_eq!(
        s3_get(&moto, "ours", "p/sub/b.enc"),
        std::fs::read(env.path("ours/sub/b.enc.yaml")).unwrap()
    );

    // A directory needs --recursive; both refuse with exit 1 and upload nothing.
    let out = env.ours(&["publish", "--yes", "theirs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--recursive"), "{}", stderr(&out));
    assert_eq!(
        env.sops(&["publish", "--yes", "theirs"]).status.code(),
        Some(1)
    );

    // A file that is not encrypted stops the walk, as in sops (exit 1 for both).
    env.write("ours/zz-plain.yaml", "k: v\n");
    let out = env.ours(&["publish", "--yes", "--recursive", "ours"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("zz-plain.yaml"), "{}", stderr(&out));
}

#[test]
fn publish_recreation_rule_encrypts_for_the_new_keys_only() {
    let moto = Moto::start();
    create_bucket(&moto, "ours");
    create_bucket(&moto, "theirs");
    let env = Publisher::with_moto(&moto);
    env.config(&format!(
        "  - path_regex: ^ours/\n    s3_bucket: ours\n    recreation_rule:\n      age: {other}\n\
         \x20 - path_regex: ^theirs/\n    s3_bucket: theirs\n    recreation_rule:\n      age: {other}\n",
        other = env.other_recipient()
    ));
    let file = env.encrypted("ours/app.json", PLAIN_JSON);
    std::fs::create_dir_all(env.path("theirs")).unwrap();
    std::fs::copy(&file, env.path("theirs/app.json")).unwrap();

    let ours = ok(env.ours(&["publish", "--yes", "ours/app.json"]), "sops-rs");
    let theirs = ok(env.sops(&["publish", "--yes", "theirs/app.json"]), "sops");
    let expected = format!(
        "The following changes will be made to the file's key groups:\nGroup 1\n+++ {}\n--- {}\n",
        env.other_recipient(),
        env.recipient()
    );
    assert_eq!(ours, expected);
    assert_eq!(theirs, expected);

    let object = s3_get(&moto, "ours", "app.json");
    assert_ne!(object, std::fs::read(&file).unwrap());
    let with_new = env.sops_decrypts(&object, "key1.txt", "downloaded.json");
    assert_eq!(
        ok(with_new, "sops decrypt with the new key"),
        DECRYPTED_JSON
    );
    let with_old = env.sops_decrypts(&object, "key.txt", "downloaded.json");
    assert_eq!(with_old.status.code(), Some(128), "{}", stderr(&with_old));
    // The file itself is untouched.
    assert_eq!(
        ok(
            env.ours(&["decrypt", "ours/app.json"]),
            "decrypt the original"
        ),
        DECRYPTED_JSON
    );
}

#[test]
fn publish_ignores_the_misspelt_reencryption_rule_like_sops() {
    // sops's functional-test config spells it `reencryption_rule`; sops reads only
    // `recreation_rule`, so the file goes out as it is (sops's ignored S3 functional test).
    let moto = Moto::start();
    create_bucket(&moto, "sops-publish-functional-tests");
    let env = Publisher::with_moto(&moto);
    env.config(&format!(
        "  - s3_bucket: \"sops-publish-functional-tests\"\n    s3_prefix: \"functional-test/\"\n    \
         path_regex: test_encrypt_publish_s3.json\n    reencryption_rule:\n      age: {}\n",
        env.other_recipient()
    ));
    let file = env.encrypted("test_encrypt_publish_s3.json", PLAIN_JSON);
    assert_eq!(
        ok(
            env.ours(&["publish", "--yes", "test_encrypt_publish_s3.json"]),
            "sops-rs publish"
        ),
        ""
    );
    let key = "functional-test/test_encrypt_publish_s3.json";
    let object = s3_get(&moto, "sops-publish-functional-tests", key);
    assert_eq!(object, std::fs::read(&file).unwrap());
    ok(
        env.sops(&["publish", "--yes", "test_encrypt_publish_s3.json"]),
        "sops publish",
    );
    assert_eq!(s3_get(&moto, "sops-publish-functional-tests", key), object);
}

#[test]
fn publish_without_a_matching_rule_fails_like_sops() {
    let moto = Moto::start();
    create_bucket(&moto, "bucket");
    let env = Publisher::with_moto(&moto);
    env.config("  - path_regex: ^elsewhere/\n    s3_bucket: bucket\n");
    env.encrypted("app.json", PLAIN_JSON);
    let ours = env.ours(&["publish", "--yes", "app.json"]);
    let theirs = env.sops(&["publish", "--yes", "app.json"]);
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(ours.status.code(), theirs.status.code());
    let message = stderr(&ours);
    assert!(
        message.contains("no destination rule") && message.contains("app.json"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");

    // Two destinations in one rule: refused by both.
    env.config("  - s3_bucket: bucket\n    vault_path: secrets\n");
    let ours = env.ours(&["publish", "--yes", "app.json"]);
    assert_eq!(ours.status.code(), Some(1));
    assert!(stderr(&ours).contains("more than one destination"));
    assert_eq!(
        env.sops(&["publish", "--yes", "app.json"]).status.code(),
        Some(1)
    );

    // No file: exit 100 for both.
    assert_eq!(env.ours(&["publish"]).status.code(), Some(100));
    assert_eq!(env.sops(&["publish"]).status.code(), Some(100));
    assert!(s3_keys(&moto, "bucket").is_empty());
}

#[test]
fn publish_asks_first_and_a_no_uploads_nothing() {
    let moto = Moto::start();
    create_bucket(&moto, "bucket");
    let env = Publisher::with_moto(&moto);
    env.config("  - s3_bucket: bucket\n    s3_prefix: pre/\n");
    env.encrypted("app.json", PLAIN_JSON);
    let absolute = env.path("app.json").display().to_string();
    let question = format!("uploading {absolute} to s3://bucket/pre/app.json ? (y/n): ");

    for answer in ["n\n", "yes\nN\nn\n"] {
        let ours = env.ours_answering(&["publish", "app.json"], answer);
        let theirs = env.sops_answering(&["publish", "app.json"], answer);
        assert_eq!(ours.status.code(), Some(1), "{answer:?}");
        assert_eq!(theirs.status.code(), Some(1), "{answer:?}");
        assert_eq!(stdout(&ours), stdout(&theirs), "{answer:?}");
        assert!(stdout(&ours).starts_with(&question), "{}", stdout(&ours));
        assert!(
            stderr(&ours).contains(&format!("Publication of {absolute} canceled")),
            "{}",
            stderr(&ours)
        );
    }
    // No answer at all: an error for both, nothing uploaded.
    for answer in ["", "\n"] {
        let ours = env.ours_answering(&["publish", "app.json"], answer);
        assert_eq!(ours.status.code(), Some(1), "{answer:?}");
        assert_eq!(
            env.sops_answering(&["publish", "app.json"], answer)
                .status
                .code(),
            Some(1)
        );
    }
    assert!(s3_keys(&moto, "bucket").is_empty());

    // In a recursive publish a no skips that file and goes on.
    env.encrypted("dir/a.json", PLAIN_JSON);
    env.encrypted("dir/b.json", PLAIN_JSON);
    let ours = env.ours_answering(&["publish", "--recursive", "dir"], "n\ny\n");
    assert_eq!(ours.status.code(), Some(0), "{}", stderr(&ours));
    let theirs = env.sops_answering(&["publish", "--recursive", "dir"], "n\ny\n");
    assert_eq!(stdout(&ours), stdout(&theirs));
    assert!(stdout(&ours).contains(&format!(
        "Publication of {} canceled\n",
        env.path("dir/a.json").display()
    )));
    assert_eq!(s3_keys(&moto, "bucket"), ["pre/b.json"]);
}

/// An OpenBao with a KV v1 mount at `kv/` beside the dev server's KV v2 `secret/`, and an
/// [`Publisher`] aimed at it.
fn vault_env() -> (OpenBao, Publisher) {
    let bao = OpenBao::start();
    bao.enable_kv("kv", 1);
    let mut env = Publisher::new();
    env.set("VAULT_ADDR", &bao.address());
    env.set("VAULT_TOKEN", bao.token());
    (bao, env)
}

/// The secret's values as `bao kv get -format=json` shows them.
fn kv_get(bao: &OpenBao, path: &str) -> serde_json::Value {
    let out: serde_json::Value =
        serde_json::from_str(&bao.bao(&["kv", "get", "-format=json", path])).unwrap();
    let data = &out["data"];
    // KV v2 nests the values under data.data, next to the version metadata.
    if data.get("metadata").is_some() {
        data["data"].clone()
    } else {
        data.clone()
    }
}

fn kv_version(bao: &OpenBao, path: &str) -> u64 {
    let out: serde_json::Value =
        serde_json::from_str(&bao.bao(&["kv", "metadata", "get", "-format=json", path])).unwrap();
    out["data"]["current_version"].as_u64().unwrap()
}

const NESTED_YAML: &str = "\
# top comment
name: app # inline
port: 5432
ratio: 2.0
big: 1.0e+21
on: true
nothing: null
when: 2025-01-02T03:04:05Z
db:
  # in a map
  user: admin
  password: hunter2
  deeper: {level: 3}
list:
  # in a list
  - x
  - k: v
    # in a map in a list
    k2: 3
  - [1, 2]
---
second: document
name: overridden
";

#[test]
fn publish_vault_kv_stores_what_sops_stores() {
    let (bao, env) = vault_env();
    env.config(
        "  - path_regex: ^ours/v2\n    vault_path: ours/\n\
         \x20 - path_regex: ^theirs/v2\n    vault_path: theirs\n    vault_kv_mount_name: secret\n\
         \x20 - path_regex: ^ours/v1\n    vault_path: ours\n    vault_kv_mount_name: kv/\n    vault_kv_version: 1\n\
         \x20 - path_regex: ^theirs/v1\n    vault_path: theirs/\n    vault_kv_mount_name: kv\n    vault_kv_version: 1\n",
    );
    for tree in ["ours", "theirs"] {
        for version in ["v1", "v2"] {
            env.encrypted(&format!("{tree}/{version}/app.yaml"), NESTED_YAML);
            env.encrypted(&format!("{tree}/{version}/flat.json"), PLAIN_JSON);
        }
    }
    for file in ["v1/app.yaml", "v2/app.yaml", "v1/flat.json", "v2/flat.json"] {
        let out = env.ours(&["publish", "--yes", &format!("ours/{file}")]);
        assert_eq!(ok(out, "sops-rs publish"), "");
        ok(
            env.sops(&["publish", "--yes", &format!("theirs/{file}")]),
            "sops publish",
        );
    }
    for (mount, name) in [
        ("secret", "app.yaml"),
        ("kv", "app.yaml"),
        ("secret", "flat.json"),
        ("kv", "flat.json"),
    ] {
        let ours = kv_get(&bao, &format!("{mount}/ours/{name}"));
        let theirs = kv_get(&bao, &format!("{mount}/theirs/{name}"));
        assert_eq!(ours, theirs, "{mount}/{name}");
    }
    // A file without lists holds exactly its decrypted tree.
    let decrypted: serde_json::Value =
        serde_json::from_str(&ok(env.ours(&["decrypt", "ours/v2/flat.json"]), "decrypt")).unwrap();
    assert_eq!(kv_get(&bao, "secret/ours/flat.json"), decrypted);
    assert_eq!(kv_get(&bao, "kv/ours/flat.json"), decrypted);
    // Lists keep sops's in-memory shape; documents merge, the later one winning.
    let app = kv_get(&bao, "secret/ours/app.yaml");
    assert_eq!(app["name"], "overridden");
    assert_eq!(app["db"]["deeper"]["level"], 3);
    assert_eq!(app["ratio"], serde_json::json!(2));
    assert_eq!(
        app["list"][2],
        serde_json::json!([
            {"Key": "k", "Value": "v"},
            {"Key": {"Value": " in a map in a list"}, "Value": null},
            {"Key": "k2", "Value": 3}
        ])
    );
}

#[test]
fn publish_vault_kv_writes_no_new_version_for_unchanged_strings() {
    let (bao, env) = vault_env();
    env.config(
        "  - path_regex: ^ours/\n    vault_path: ours/\n\
         \x20 - path_regex: ^theirs/\n    vault_path: theirs/\n",
    );
    for tree in ["ours", "theirs"] {
        env.encrypted(&format!("{tree}/strings.yaml"), "a: b\nm:\n  c: d\n");
        env.encrypted(&format!("{tree}/numbers.yaml"), "a: b\nn: 1\n");
    }
    for _ in 0..2 {
        for name in ["strings.yaml", "numbers.yaml"] {
            ok(
                env.ours(&["publish", "--yes", &format!("ours/{name}")]),
                "sops-rs",
            );
            ok(
                env.sops(&["publish", "--yes", &format!("theirs/{name}")]),
                "sops",
            );
        }
    }
    // sops compares what it would write with what is stored; numbers never compare equal.
    for tree in ["ours", "theirs"] {
        assert_eq!(
            kv_version(&bao, &format!("secret/{tree}/strings.yaml")),
            1,
            "{tree}"
        );
        assert_eq!(
            kv_version(&bao, &format!("secret/{tree}/numbers.yaml")),
            2,
            "{tree}"
        );
    }
}

#[test]
fn publish_vault_reads_the_token_file_and_reports_a_missing_mount() {
    let (bao, mut env) = vault_env();
    env.config(
        "  - path_regex: ^ok\n    vault_path: p\n\
         \x20 - path_regex: ^nomount\n    vault_path: p\n    vault_kv_mount_name: nomount\n",
    );
    env.encrypted("ok.json", PLAIN_JSON);
    env.encrypted("nomount.json", PLAIN_JSON);
    env.home.unset("VAULT_TOKEN");
    env.write(".vault-token", &format!("{}\n", bao.token()));
    ok(
        env.ours(&["publish", "--yes", "ok.json"]),
        "publish with ~/.vault-token",
    );
    assert_eq!(kv_get(&bao, "secret/p/ok.json")["bar"], "baz");

    let out = env.ours(&["publish", "--yes", "nomount.json"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("nomount/data/p/nomount.json") && message.contains("404"),
        "{message}"
    );
    assert!(!message.contains("baz"), "{message}");
}
