//! The key service, both ways, with the real sops 3.12.2: the real sops client
//! (`--enable-local-keyservice=false --keyservice ...`) against `sops-rs keyservice`, and the
//! sops-rs client against the real `sops keyservice`, for age, PGP (gpg), Vault Transit (OpenBao)
//! and AWS KMS (moto). The server's home holds the credentials, the client's none; a file
//! written through a key service has the metadata of a local encrypt, and the other tool opens
//! it locally. Also: who may connect (another uid is refused), and the audit record naming the
//! key service that answered.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::moto::Moto;
use crate::support::openbao::OpenBao;
use crate::support::{TestEnv, as_nobody, free_port, ok, path_arg, wait_for};

const PLAIN: &str = "db:\n    user: admin\n    password: hunter2\ntoken: abc\n";

/// A key service process (sops-rs or the real sops), stopped on drop.
struct Server {
    child: Child,
    /// What clients give to `--keyservice`.
    uri: String,
    log: PathBuf,
}

impl Server {
    /// `sops-rs keyservice` in `home` on a unix socket there (its default kind of listener).
    fn sops_rs_unix(home: &TestEnv, extra: &[&str]) -> Server {
        // A directory of its own: a killed server leaves its socket behind.
        let socket = home.path(&format!("ks-{}/keyservice.sock", free_port()));
        std::fs::create_dir_all(socket.parent().unwrap()).unwrap();
        let mut cmd = home.sops_rs();
        cmd.args(["keyservice", "--address", &path_arg(&socket)])
            .args(extra);
        Server::start(cmd, home, format!("unix://{}", socket.display()), || {
            socket.exists()
        })
    }

    /// `sops-rs keyservice --network tcp` in `home` on a free loopback port, as sops's.
    fn sops_rs_tcp(home: &TestEnv) -> Server {
        let port = free_port();
        let mut cmd = home.sops_rs();
        cmd.args(["keyservice", "--network", "tcp", "--address"])
            .arg(format!("127.0.0.1:{port}"));
        Server::start_tcp(cmd, home, port)
    }

    /// The real `sops keyservice` in `home` on a free loopback port (its default network).
    fn real_sops(home: &TestEnv) -> Server {
        let port = free_port();
        let mut cmd = home.sops();
        cmd.args(["keyservice", "--network", "tcp", "--address"])
            .arg(format!("127.0.0.1:{port}"));
        Server::start_tcp(cmd, home, port)
    }

    fn start_tcp(cmd: Command, home: &TestEnv, port: u16) -> Server {
        Server::start(cmd, home, format!("tcp://127.0.0.1:{port}"), || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        })
    }

    fn start(mut cmd: Command, home: &TestEnv, uri: String, ready: impl Fn() -> bool) -> Server {
        let log = home.path(&format!("server-{}.log", free_port()));
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut server = Server { child, uri, log };
        wait_for(
            &format!("the key service on {}", server.uri),
            Duration::from_secs(30),
            || {
                if let Ok(Some(status)) = server.child.try_wait() {
                    panic!("the key service exited ({status}): {}", server.log());
                }
                ready()
            },
        );
        server
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The key names of a file's `sops` block, in order and with their indentation: two files whose
/// metadata has the same shape give the same list.
fn metadata_shape(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|line| *line != "sops:")
        .filter(|line| line.contains(':') && !line.contains("-----"))
        .map(|line| line.split(':').next().unwrap().to_string())
        .collect()
}

/// How a client run names the key service: only it, never local credentials.
fn through(uri: &str) -> [String; 3] {
    [
        "--enable-local-keyservice=false".into(),
        "--keyservice".into(),
        uri.into(),
    ]
}

/// The real sops client (in `client`, which has no credentials) through the sops-rs server in
/// `server_home`, then the sops-rs client through the real sops server: each encrypts for
/// `key` (`--age R`, `--pgp FP`, ...) and decrypts, the file has the shape of a local encrypt,
/// and the server's side opens it locally.
fn both_ways(server_home: &TestEnv, client: &TestEnv, key: [&str; 2]) {
    let plain = path_arg(&client.write("app.yaml", PLAIN));
    let local = ok(
        server_home.run(&[
            "encrypt",
            key[0],
            key[1],
            &path_arg(&server_home.write("app.yaml", PLAIN)),
        ]),
        "local encrypt",
    );
    let servers = [
        ("sops-rs unix", Server::sops_rs_unix(server_home, &[])),
        ("sops-rs tcp", Server::sops_rs_tcp(server_home)),
    ];
    for (what, server) in &servers {
        // The real sops client, with no credentials of its own.
        let out = client
            .sops_without_config()
            .arg("encrypt")
            .args(through(&server.uri))
            .args([key[0], key[1], &plain])
            .output()
            .unwrap();
        let encrypted = ok(out, &format!("real sops encrypt through {what}"));
        assert!(!encrypted.contains("hunter2"));
        assert_eq!(metadata_shape(&encrypted), metadata_shape(&local), "{what}");
        let file = path_arg(&client.write("by-sops.enc.yaml", &encrypted));
        let out = client
            .sops_without_config()
            .arg("decrypt")
            .args(through(&server.uri))
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(ok(out, &format!("real sops decrypt through {what}")), PLAIN);
        // Without the key service the client cannot open it: the server did the work.
        let out = client.run_sops(&["decrypt", &file]);
        assert!(!out.status.success(), "{what}: the client had credentials");
        // The server's side opens the file locally: the format is sops's.
        let copy = path_arg(&server_home.write("by-sops.enc.yaml", &encrypted));
        assert_eq!(
            ok(server_home.run(&["decrypt", &copy]), "local decrypt"),
            PLAIN
        );
    }
    drop(servers);

    let server = Server::real_sops(server_home);
    let audit = client.path("audit.jsonl");
    let out = client
        .sops_rs()
        .arg("encrypt")
        .args(through(&server.uri))
        .args([key[0], key[1], &plain])
        .output()
        .unwrap();
    let encrypted = ok(out, "sops-rs encrypt through the real sops");
    assert_eq!(metadata_shape(&encrypted), metadata_shape(&local));
    let file = path_arg(&client.write("by-sops-rs.enc.yaml", &encrypted));
    let out = client
        .sops_rs()
        .arg("decrypt")
        .args(through(&server.uri))
        .args(["--audit-log", &path_arg(&audit), &file])
        .output()
        .unwrap();
    assert_eq!(ok(out, "sops-rs decrypt through the real sops"), PLAIN);
    let records = std::fs::read_to_string(&audit).unwrap();
    assert!(
        records.contains(&format!("\"key_service\":\"{}\"", server.uri)),
        "the key record names the key service: {records}"
    );
    let copy = path_arg(&server_home.write("by-sops-rs.enc.yaml", &encrypted));
    let out = server_home.run_sops(&["decrypt", &copy]);
    assert_eq!(ok(out, "real sops local decrypt"), PLAIN);
}

#[test]
fn keyservice_age_both_ways_with_real_sops() {
    let server_home = TestEnv::new();
    let client = TestEnv::new();
    both_ways(&server_home, &client, ["--age", &server_home.recipient]);
}

#[test]
fn keyservice_pgp_both_ways_with_real_sops() {
    let server_home = TestEnv::new();
    let fingerprint = server_home.gpg_generate_ecc("keyservice");
    let client = TestEnv::new();
    both_ways(&server_home, &client, ["--pgp", &fingerprint]);
}

#[test]
fn keyservice_vault_transit_both_ways_with_real_sops() {
    let bao = OpenBao::start();
    bao.enable_transit("transit");
    bao.create_transit_key("transit", "sops");
    let uri = bao.transit_key_uri("transit", "sops");
    let server_home = TestEnv::new().with("VAULT_TOKEN", bao.token());
    let client = TestEnv::new();
    both_ways(&server_home, &client, ["--hc-vault-transit", &uri]);
}

#[test]
fn keyservice_aws_kms_both_ways_with_real_sops() {
    let moto = Moto::start();
    let arn = moto.create_key();
    let server_home = TestEnv::new()
        .with("AWS_EC2_METADATA_DISABLED", "true")
        .with("AWS_ACCESS_KEY_ID", "test")
        .with("AWS_SECRET_ACCESS_KEY", "test")
        .with("AWS_ENDPOINT_URL_KMS", moto.endpoint());
    let client = TestEnv::new().with("AWS_EC2_METADATA_DISABLED", "true");
    both_ways(&server_home, &client, ["--kms", &arn]);
}

/// The socket is 0600 in a 0700 directory by default, and a client running as another uid
/// (`nobody`) is refused by the peer check even when it can reach the socket; `--allow-uid`
/// lets it in.
#[test]
fn keyservice_another_uid_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let server_home = TestEnv::new();
    let client = TestEnv::new();
    // `nobody` must be able to reach the client's home and the socket for the peer check to be
    // what refuses it.
    for dir in [server_home.dir(), client.dir()] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let file = path_arg(&server_home.encrypted("app.enc.yaml", PLAIN, &[]));
    let copy = client.path("app.enc.yaml");
    std::fs::copy(&file, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o644)).unwrap();
    let decrypt_as_nobody = |server: &Server| {
        std::fs::set_permissions(
            Path::new(server.uri.strip_prefix("unix://").unwrap())
                .parent()
                .unwrap(),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let socket = server.uri.strip_prefix("unix://").unwrap();
        std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o666)).unwrap();
        let mut cmd = client.sops_rs();
        cmd.arg("decrypt")
            .args(through(&server.uri))
            .arg(path_arg(&copy));
        as_nobody(&cmd, &client.tmp()).output().unwrap()
    };
    std::fs::set_permissions(client.tmp(), std::fs::Permissions::from_mode(0o777)).unwrap();

    let server = Server::sops_rs_unix(&server_home, &[]);
    let socket = PathBuf::from(server.uri.strip_prefix("unix://").unwrap());
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(&socket).unwrap().mode() & 0o777, 0o600);
    let out = decrypt_as_nobody(&server);
    assert!(
        !out.status.success(),
        "nobody decrypted through the key service"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("hunter2"));
    wait_for(
        "the refusal on the server's stderr",
        Duration::from_secs(10),
        || server.log().contains("refused a connection from uid 65534"),
    );
    drop(server);

    let server = Server::sops_rs_unix(&server_home, &["--allow-uid", "65534"]);
    let out = decrypt_as_nobody(&server);
    assert_eq!(ok(out, "nobody, allowed, through the key service"), PLAIN);
}

/// `SOPS_KEYSERVICE` lists services separated by commas, tried in order: a dead one first, then
/// the live one, which the audit record names; `SOPS_ENABLE_LOCAL_KEYSERVICE=false` keeps the
/// client's own key out even though it could open the file.
#[test]
fn keyservice_environment_lists_services_in_order() {
    let server_home = TestEnv::new();
    let client = TestEnv::new();
    // For both recipients: the client's own key could open it locally.
    let plain = path_arg(&client.write("app.yaml", PLAIN));
    let both = format!("{},{}", client.recipient, server_home.recipient);
    let encrypted = client.ok(&["encrypt", "--age", &both, &plain]);
    let file = path_arg(&client.write("app.enc.yaml", encrypted));
    let server = Server::sops_rs_unix(&server_home, &[]);
    let dead = format!("tcp://127.0.0.1:{}", free_port());
    let audit = client.path("audit.jsonl");
    let out = client
        .sops_rs()
        .env("SOPS_KEYSERVICE", format!("{dead}, {}", server.uri))
        .env("SOPS_ENABLE_LOCAL_KEYSERVICE", "false")
        .env("SOPS_DECRYPTION_ORDER", "age")
        .args(["decrypt", "--audit-log", &path_arg(&audit), &file])
        .output()
        .unwrap();
    assert_eq!(ok(out, "decrypt through SOPS_KEYSERVICE"), PLAIN);
    let records = std::fs::read_to_string(&audit).unwrap();
    let unwraps: Vec<&str> = records
        .lines()
        .filter(|l| l.contains("\"key_service\""))
        .collect();
    assert!(
        unwraps.iter().any(
            |l| l.contains(&format!("\"key_service\":\"{}\"", server.uri))
                && l.contains("\"result\":\"success\"")
        ),
        "{records}"
    );
    // Nothing to ask: the local keys are off and no service is given.
    let out = client
        .sops_rs()
        .args(["decrypt", "--enable-local-keyservice=false", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(128));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no key service to ask"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--prompt`: the server asks its operator before each request; "n" refuses it, "y" allows it.
#[test]
fn keyservice_prompt_asks_before_answering() {
    use std::io::Write;
    let server_home = TestEnv::new();
    let client = TestEnv::new();
    let file = path_arg(&server_home.encrypted("app.enc.yaml", PLAIN, &[]));
    let socket = server_home.path("prompt/ks.sock");
    std::fs::create_dir_all(socket.parent().unwrap()).unwrap();
    let log = server_home.path("prompt.log");
    let mut child = server_home
        .sops_rs()
        .args(["keyservice", "--prompt", "--address", &path_arg(&socket)])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let uri = format!("unix://{}", socket.display());
    let mut answers = child.stdin.take().unwrap();
    let questions = || {
        std::fs::read_to_string(&log)
            .unwrap()
            .matches("? [y/N]")
            .count()
    };
    wait_for("the server's socket", Duration::from_secs(30), || {
        socket.exists()
    });
    for (answer, allowed) in [("n", false), ("y", true)] {
        let asked = questions();
        let mut cmd = client.sops_rs();
        cmd.arg("decrypt").args(through(&uri)).arg(&file);
        let decrypt = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for("the server's question", Duration::from_secs(30), || {
            questions() > asked
        });
        writeln!(answers, "{answer}").unwrap();
        let out = decrypt.wait_with_output().unwrap();
        assert_eq!(out.status.success(), allowed, "answer {answer}");
        if allowed {
            assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);
        } else {
            assert!(String::from_utf8_lossy(&out.stderr).contains("refused"));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
