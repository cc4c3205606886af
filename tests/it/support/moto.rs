//! A moto server (AWS KMS, STS, IAM and S3 emulator from `.tools/venv`, installed by
//! `scripts/install-test-deps.sh`) on a free port, and boto3 snippets run against it. Used by
//! the AWS KMS backend tests and the S3 `publish` tests.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, http_answers, venv_bin};

/// A moto server, killed on drop.
pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let binary = venv_bin("moto_server");
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(&binary)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .envs(env.iter().copied())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start moto_server");
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // lost the port to someone else: try another
                }
                if http_answers(port, "/moto-api/") {
                    return Moto { child, port };
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("moto_server did not start");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Runs a boto3 snippet against this server (`kms`, `iam`, `s3` clients are ready) and returns
    /// what it prints.
    pub fn boto3(&self, body: &str) -> String {
        let script = format!(
            "import boto3\nkw = dict(endpoint_url={:?}, region_name='us-east-1', \
             aws_access_key_id='test', aws_secret_access_key='test')\n\
             kms = boto3.client('kms', **kw)\niam = boto3.client('iam', **kw)\n\
             s3 = boto3.client('s3', **kw)\n{body}\n",
            self.endpoint()
        );
        let out = Command::new(venv_bin("python"))
            .args(["-c", &script])
            .env_clear()
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "boto3 failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    pub fn create_key(&self) -> String {
        self.boto3("print(kms.create_key()['KeyMetadata']['Arn'])")
    }

    /// Creates `alias/<name>` for `key_arn` and returns the alias ARN.
    pub fn create_alias(&self, key_arn: &str, name: &str) -> String {
        self.boto3(&format!(
            "kms.create_alias(AliasName='alias/{name}', TargetKeyId={key_arn:?})"
        ));
        let (prefix, _) = key_arn.split_once(":key/").unwrap();
        format!("{prefix}:alias/{name}")
    }

    pub fn create_role(&self) -> String {
        self.boto3(
            "print(iam.create_role(RoleName='sops-test', \
             AssumeRolePolicyDocument='{}')['Role']['Arn'])",
        )
    }

    /// Stops the server (its port then refuses connections).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}
