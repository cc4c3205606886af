//! The AWS KMS backend against moto (a local KMS and STS server from `.tools/venv`, installed
//! by `scripts/install-test-deps.sh`): round trips with key and alias ARNs, encryption context,
//! assumed roles and profiles, interop with the real sops 3.12.2 both ways, and the fault cases
//! (server down, server silent, wrong credentials, another key still opening the file).
//!
//! Every test starts its own moto on a free port and stops it when done.

use std::net::TcpListener;
use std::process::Output;

use crate::backend_conformance::{Backend, Fault, KeyService, Relocation};
use crate::support::faults::FaultyProxy;
use crate::support::moto::Moto;
use crate::support::{TestEnv, ok, path_arg};

const PLAIN: &str = "db:\n    user: admin\n    password: hunter2\ntoken: abc\n";

/// A [`TestEnv`] whose commands reach `moto` with its test credentials.
fn home(moto: &Moto) -> TestEnv {
    bare()
        .with("AWS_ACCESS_KEY_ID", "test")
        .with("AWS_SECRET_ACCESS_KEY", "test")
        .with("AWS_ENDPOINT_URL_KMS", moto.endpoint())
}

/// A [`TestEnv`] with no AWS credentials or endpoint (and no instance metadata).
fn bare() -> TestEnv {
    TestEnv::new().with("AWS_EC2_METADATA_DISABLED", "true")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The lines of the `kms:` block of a YAML file's metadata.
fn kms_block(yaml: &str) -> String {
    let mut block = String::new();
    let mut inside = false;
    for line in yaml.lines() {
        if line == "    kms:" {
            inside = true;
        } else if inside && !line.starts_with("        ") {
            break;
        }
        if inside {
            block.push_str(line);
            block.push('\n');
        }
    }
    block
}

#[test]
fn backend_aws_round_trip_with_key_and_alias_arns_and_sops_kms_arn() {
    let moto = Moto::start();
    let arn = moto.create_key();
    let alias = moto.create_alias(&arn, "sops-test");
    let mut home = home(&moto);
    let plain = path_arg(&home.write("secrets.yaml", PLAIN));

    let by_key = ok(home.run(&["encrypt", "--kms", &arn, &plain]), "encrypt");
    assert!(!by_key.contains("hunter2"), "{by_key}");
    let block = kms_block(&by_key);
    let fields: Vec<&str> = block
        .lines()
        .skip(1)
        .map(|l| l.trim_start_matches([' ', '-']).split(':').next().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["arn", "created_at", "enc", "aws_profile"],
        "{block}"
    );
    assert!(block.contains(&format!("arn: {arn}")), "{block}");
    assert!(block.contains("aws_profile: \"\""), "{block}");
    let enc = path_arg(&home.write("by-key.enc.yaml", &by_key));
    assert_eq!(ok(home.run(&["decrypt", &enc]), "decrypt"), PLAIN);

    // The alias ARN, given through SOPS_KMS_ARN instead of --kms.
    home.set("SOPS_KMS_ARN", &alias);
    let by_alias = ok(home.run(&["encrypt", &plain]), "encrypt by alias");
    home.unset("SOPS_KMS_ARN");
    assert!(kms_block(&by_alias).contains(&format!("arn: {alias}")));
    let enc = path_arg(&home.write("by-alias.enc.yaml", &by_alias));
    assert_eq!(ok(home.run(&["decrypt", &enc]), "decrypt alias"), PLAIN);
    // The real sops opens both.
    assert_eq!(
        ok(home.run_sops(&["decrypt", &enc]), "sops decrypt alias"),
        PLAIN
    );

    // Rotating keeps working through KMS (unwrap, then wrap again).
    let rotated = ok(home.run(&["rotate", &enc]), "rotate");
    let enc = path_arg(&home.write("rotated.enc.yaml", &rotated));
    assert_eq!(ok(home.run(&["decrypt", &enc]), "decrypt rotated"), PLAIN);
}

#[test]
fn backend_aws_encryption_context_is_enforced() {
    let moto = Moto::start();
    let arn = moto.create_key();
    let home = home(&moto);
    let plain = path_arg(&home.write("secrets.yaml", PLAIN));
    let text = ok(
        home.run(&[
            "encrypt",
            "--kms",
            &arn,
            "--encryption-context",
            "Env:test,App:web",
            &plain,
        ]),
        "encrypt",
    );
    let block = kms_block(&text);
    assert!(
        block.contains("          context:\n            App: web\n            Env: test\n"),
        "{block}"
    );
    let enc = path_arg(&home.write("ctx.enc.yaml", &text));
    assert_eq!(ok(home.run(&["decrypt", &enc]), "decrypt"), PLAIN);
    assert_eq!(ok(home.run_sops(&["decrypt", &enc]), "sops decrypt"), PLAIN);

    // A different context value fails, and so does no context at all.
    let wrong = path_arg(&home.write("wrong.enc.yaml", text.replace("Env: test", "Env: prod")));
    let out = home.run(&["decrypt", &wrong]);
    assert_eq!(out.status.code(), Some(128), "{}", stderr(&out));
    assert!(stderr(&out).contains(&arn), "{}", stderr(&out));
    let stripped: String = text
        .lines()
        .filter(|l| !l.contains("context:") && !l.contains("App: web") && !l.contains("Env: test"))
        .map(|l| format!("{l}\n"))
        .collect();
    let missing = path_arg(&home.write("missing.enc.yaml", &stripped));
    let out = home.run(&["decrypt", &missing]);
    assert_eq!(out.status.code(), Some(128), "{}", stderr(&out));
}

#[test]
fn backend_aws_interop_with_real_sops_both_ways() {
    let moto = Moto::start();
    let arn = moto.create_key();
    let home = home(&moto);
    let plain = path_arg(&home.write("secrets.yaml", PLAIN));

    // sops encrypts, sops-rs decrypts.
    let theirs = ok(
        home.run_sops(&[
            "encrypt",
            "--kms",
            &arn,
            "--encryption-context",
            "Team:core,Env:test",
            &plain,
        ]),
        "sops encrypt",
    );
    let their_file = path_arg(&home.write("theirs.enc.yaml", &theirs));
    assert_eq!(
        ok(home.run(&["decrypt", &their_file]), "sops-rs decrypt"),
        PLAIN
    );

    // sops-rs encrypts, sops decrypts; the kms entries have the same shape.
    let ours = ok(
        home.run(&[
            "encrypt",
            "--kms",
            &arn,
            "--encryption-context",
            "Team:core,Env:test",
            &plain,
        ]),
        "sops-rs encrypt",
    );
    let our_file = path_arg(&home.write("ours.enc.yaml", &ours));
    assert_eq!(
        ok(home.run_sops(&["decrypt", &our_file]), "sops decrypt"),
        PLAIN
    );
    let shape = |block: &str| -> Vec<String> {
        block
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(shape(&kms_block(&ours)), shape(&kms_block(&theirs)));

    // The same in JSON.
    let json = path_arg(&home.write("secrets.json", "{\"a\": \"b\"}\n"));
    let theirs = ok(
        home.run_sops(&["encrypt", "--kms", &arn, &json]),
        "sops json",
    );
    let file = path_arg(&home.write("theirs.enc.json", &theirs));
    let out = ok(home.run(&["decrypt", &file]), "sops-rs json");
    assert!(out.contains("\"a\": \"b\""), "{out}");
}

#[test]
fn backend_aws_assume_role() {
    let moto = Moto::start();
    let arn = moto.create_key();
    let role = moto.create_role();
    let mut home = home(&moto);
    // STS lives at the same endpoint: the general variable covers both services.
    home.unset("AWS_ENDPOINT_URL_KMS");
    home.set("AWS_ENDPOINT_URL", moto.endpoint());
    let plain = path_arg(&home.write("secrets.yaml", PLAIN));
    let recipient = format!("{arn}+{role}");
    let text = ok(
        home.run(&["encrypt", "--kms", &recipient, &plain]),
        "encrypt",
    );
    let block = kms_block(&text);
    assert!(block.contains(&format!("arn: {arn}\n")), "{block}");
    assert!(block.contains(&format!("role: {role}\n")), "{block}");
    let enc = path_arg(&home.write("role.enc.yaml", &text));
    assert_eq!(ok(home.run(&["decrypt", &enc]), "decrypt"), PLAIN);
    assert_eq!(ok(home.run_sops(&["decrypt", &enc]), "sops decrypt"), PLAIN);
    // And the other way round.
    let theirs = ok(
        home.run_sops(&["encrypt", "--kms", &recipient, &plain]),
        "sops",
    );
    let file = path_arg(&home.write("theirs.enc.yaml", &theirs));
    assert_eq!(ok(home.run(&["decrypt", &file]), "decrypt theirs"), PLAIN);
}

#[test]
fn backend_aws_profile_from_shared_credentials() {
    let moto = Moto::start();
    let arn = moto.create_key();
    let mut home = home(&moto);
    home.unset("AWS_ACCESS_KEY_ID");
    home.unset("AWS_SECRET_ACCESS_KEY");
    std::fs::create_dir(home.path(".aws")).unwrap();
    path_arg(&home.write(
        ".aws/credentials",
        "[sops-test]\naws_access_key_id = test\naws_secret_access_key = test\n",
    ));
    let plain = path_arg(&home.write("secrets.yaml", PLAIN));
    let text = ok(
        home.run(&[
            "encrypt",
            "--kms",
            &arn,
            "--aws-profile",
            "sops-test",
            &plain,
        ]),
        "encrypt",
    );
    assert!(
        kms_block(&text).contains("aws_profile: sops-test\n"),
        "{text}"
    );
    let enc = path_arg(&home.write("profile.enc.yaml", &text));
    // The entry's profile is used on decryption, by both binaries.
    assert_eq!(ok(home.run(&["decrypt", &enc]), "decrypt"), PLAIN);
    assert_eq!(ok(home.run_sops(&["decrypt", &enc]), "sops decrypt"), PLAIN);
    // A profile that does not exist is an error naming the key.
    let out = home.run(&["encrypt", "--kms", &arn, "--aws-profile", "nope", &plain]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains(&arn), "{}", stderr(&out));
}

#[test]
fn backend_aws_unreachable_kms_falls_back_to_age() {
    let mut moto = Moto::start();
    let arn = moto.create_key();
    let mut home = home(&moto);
    let recipient = home.recipient.clone();
    let plain = path_arg(&home.write("secrets.yaml", PLAIN));
    let both = ok(
        home.run(&["encrypt", "--kms", &arn, "--age", &recipient, &plain]),
        "encrypt both",
    );
    let both = path_arg(&home.write("both.enc.yaml", &both));
    moto.stop();

    // KMS first, then age: the unreachable key fails and age opens the file.
    home.set("SOPS_DECRYPTION_ORDER", "kms,age");
    assert_eq!(ok(home.run(&["decrypt", &both]), "decrypt with age"), PLAIN);
}

#[test]
fn backend_aws_age_only_files_never_contact_aws() {
    // Anything that connects here would be the AWS client.
    let tripwire = TcpListener::bind("127.0.0.1:0").unwrap();
    tripwire.set_nonblocking(true).unwrap();
    let port = tripwire.local_addr().unwrap().port();
    let mut home = bare();
    home.set("AWS_ACCESS_KEY_ID", "test");
    home.set("AWS_SECRET_ACCESS_KEY", "test");
    home.set("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"));
    home.set("SOPS_DECRYPTION_ORDER", "kms,age");
    let plain = path_arg(&home.write("secrets.yaml", PLAIN));
    let recipient = home.recipient.clone();
    let enc = ok(
        home.run(&["encrypt", "--age", &recipient, &plain]),
        "encrypt",
    );
    let enc = path_arg(&home.write("age.enc.yaml", &enc));
    assert_eq!(ok(home.run(&["decrypt", &enc]), "decrypt"), PLAIN);
    assert!(
        tripwire.accept().is_err(),
        "an age-only file made a connection"
    );
}

#[test]
fn backend_aws_library_wraps_unwraps_and_keeps_the_request_id() {
    use sops_rs::keys::{KeyContext, KeySpec, from_spec};
    let moto = Moto::start();
    let arn = moto.create_key();
    let mut ctx = KeyContext::default();
    for (name, value) in [
        ("AWS_ACCESS_KEY_ID", "test".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_string()),
        ("AWS_ENDPOINT_URL_KMS", moto.endpoint()),
    ] {
        ctx.vars.insert(name.to_string(), value);
    }
    let spec = KeySpec {
        kms_context: vec![("Env".into(), "test".into())],
        ..KeySpec::simple(sops_rs::keys::KeyKind::AwsKms, &arn)
    };
    let key = from_spec(&spec).unwrap();
    assert_eq!(key.id(), format!("{arn}|Env:test"));
    let secret = [7u8; 32];
    let enc = key.wrap(&secret, &ctx).unwrap();
    let wrap_id = key.last_request_id().expect("a request id after Encrypt");
    assert!(!wrap_id.is_empty());
    let back = key
        .unwrap(&enc, &ctx)
        .unwrap()
        .expect("credentials are there");
    assert_eq!(&back[..], &secret[..]);
    assert_ne!(key.last_request_id(), Some(wrap_id));

    // The same blob under another context is refused by KMS.
    let other = from_spec(&KeySpec {
        kms_context: vec![("Env".into(), "prod".into())],
        ..KeySpec::simple(sops_rs::keys::KeyKind::AwsKms, &arn)
    })
    .unwrap();
    let err = other.unwrap(&enc, &ctx).unwrap_err().to_string();
    assert!(err.contains("InvalidCiphertextException"), "{err}");
    // Without any credentials the key reports "no credentials" rather than failing.
    let mut bare = KeyContext::default();
    bare.vars
        .insert("AWS_ENDPOINT_URL_KMS".to_string(), moto.endpoint());
    bare.vars
        .insert("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string());
    assert!(key.unwrap(&enc, &bare).unwrap().is_none());
}

/// moto with authentication on (an IAM user allowed everything, the only valid credentials)
/// behind a [`FaultyProxy`] that injects the faults and counts the requests, for the
/// conformance suite (`backend_conformance.rs`).
pub struct Aws {
    // Dropped first: the proxy, then the server.
    proxy: FaultyProxy,
    _moto: Moto,
    arn: String,
    access_key: String,
    secret_key: String,
}

impl Aws {
    fn vars(&self, credentials: Option<(&str, &str)>) -> Vec<(String, String)> {
        let mut vars = vec![
            ("AWS_ENDPOINT_URL_KMS".to_string(), self.proxy.address()),
            ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
        ];
        if let Some((id, secret)) = credentials {
            vars.push(("AWS_ACCESS_KEY_ID".to_string(), id.to_string()));
            vars.push(("AWS_SECRET_ACCESS_KEY".to_string(), secret.to_string()));
        }
        vars
    }
}

/// An AWS JSON-protocol error: throttling for 429, an internal error otherwise.
fn aws_failure(status: u16) -> Vec<u8> {
    let code = if status == 429 {
        "ThrottlingException"
    } else {
        "KMSInternalException"
    };
    let body = format!(r#"{{"__type":"{code}","message":"injected failure {status}"}}"#);
    format!(
        "HTTP/1.1 {status} Injected\r\nContent-Type: application/x-amz-json-1.1\r\n\
         x-amzn-ErrorType: {code}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl Backend for Aws {
    const FLAG: &'static str = "--kms";
    const REAL_SOPS: bool = true;
    const WRONG_CREDENTIALS_SAY: &'static [&'static str] = &["403", "SignatureDoesNotMatch"];
    const NO_CREDENTIALS_SAY: &'static [&'static str] = &[];

    fn start(fault: Fault) -> Aws {
        // The first four requests (the setup below) need no credentials; every later one does.
        let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]);
        let setup = moto.boto3(
            "iam.create_user(UserName='sops')\n\
             key = iam.create_access_key(UserName='sops')['AccessKey']\n\
             iam.put_user_policy(UserName='sops', PolicyName='all', PolicyDocument=\
             '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\
             \"Action\":\"*\",\"Resource\":\"*\"}]}')\n\
             print(kms.create_key()['KeyMetadata']['Arn'], key['AccessKeyId'], \
             key['SecretAccessKey'])",
        );
        let [arn, access_key, secret_key]: [String; 3] = setup
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
            .try_into()
            .unwrap_or_else(|_| panic!("moto setup printed {setup:?}"));
        let (failures, status) = match fault {
            Fault::None => (0, 500),
            Fault::FailFirst { requests, status } => (requests, status),
        };
        let proxy = FaultyProxy::start_answering(moto.port(), failures, status, aws_failure);
        Aws {
            proxy,
            _moto: moto,
            arn,
            access_key,
            secret_key,
        }
    }

    fn key_id(&self) -> String {
        self.arn.clone()
    }

    fn credentials(&self) -> Vec<(String, String)> {
        self.vars(Some((&self.access_key, &self.secret_key)))
    }

    fn wrong_credentials(&self) -> (Vec<(String, String)>, String) {
        let secret = "wrongSecretKey0123456789abcdefWRONGsecret";
        (self.vars(Some((&self.access_key, secret))), secret.into())
    }

    fn no_credentials(&self) -> Vec<(String, String)> {
        self.vars(None)
    }

    fn requests(&self) -> usize {
        self.proxy.statuses().len()
    }
}

impl KeyService for Aws {
    fn relocate(&self, port: u16) -> Relocation {
        Relocation {
            vars: vec![(
                "AWS_ENDPOINT_URL_KMS".to_string(),
                format!("http://127.0.0.1:{port}"),
            )],
            replace: None,
        }
    }

    fn statuses(&self) -> Vec<u16> {
        self.proxy.statuses()
    }

    fn injected_failure_says(status: u16) -> String {
        format!("injected failure {status}")
    }
}
