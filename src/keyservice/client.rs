//! The client side: one remote key service ([`Client`]), asked by `keys::attempt` after (or
//! instead of) the local credentials. Calls block on a runtime of the client's own, so the
//! synchronous key code can use it from any thread.

use std::sync::OnceLock;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tonic::transport::{Channel, Endpoint, Uri};
use zeroize::Zeroizing;

use super::proto::key_service_client::KeyServiceClient;
use super::proto::{DecryptRequest, EncryptRequest};
use super::{Address, KEY_SOURCE_HEADER, key_message};
use crate::keys::{KeyError, KeySource, MasterKey, RemoteKeyService};

/// How long connecting may take before the service counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one call may take, connecting included, unless the caller bounds it: long enough
/// for a service that asks a slow provider with retries behind it.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// A remote key service, connected on first use.
pub struct Client {
    address: String,
    channel: Channel,
    call_timeout: Duration,
}

impl Client {
    /// A client for `uri` (`tcp://host:port`, `unix:///path`) whose calls each end after
    /// `call_timeout` at most. Nothing is dialled yet: an unreachable service fails the calls,
    /// as in sops.
    pub fn new(uri: &str, call_timeout: Duration) -> Result<Client, String> {
        let address = Address::parse(uri)?;
        let runtime = runtime()?;
        let _entered = runtime.enter();
        let channel = match &address {
            Address::Tcp(host_port) => Endpoint::from_shared(format!("http://{host_port}"))
                .map_err(|e| format!("key service address {uri:?}: {e}"))?
                .connect_timeout(CONNECT_TIMEOUT)
                .connect_lazy(),
            Address::Unix(path) => {
                let path = path.clone();
                // The URI is a placeholder: the connector below is the only way out.
                Endpoint::from_static("http://keyservice.invalid")
                    .connect_timeout(CONNECT_TIMEOUT)
                    .connect_with_connector_lazy(tower::service_fn(move |_: Uri| {
                        let path = path.clone();
                        async move {
                            let stream = tokio::net::UnixStream::connect(path).await?;
                            Ok::<_, std::io::Error>(TokioIo::new(stream))
                        }
                    }))
            }
        };
        Ok(Client {
            address: address.to_string(),
            channel,
            call_timeout,
        })
    }

    fn message(&self, key: &dyn MasterKey) -> Result<super::proto::Key, KeyError> {
        key_message::to_message(key).ok_or_else(|| {
            KeyError::Failed(format!(
                "{} keys cannot be sent to a key service",
                key.kind()
            ))
        })
    }

    fn failure(&self, status: tonic::Status) -> KeyError {
        let message = status.message();
        match status.code() {
            tonic::Code::FailedPrecondition => KeyError::NoCredentials(message.to_string()),
            tonic::Code::Unavailable => KeyError::Unavailable(format!("unreachable ({message})")),
            code => KeyError::Failed(format!("{message} ({code:?})")),
        }
    }

    /// Runs one call to completion on the client runtime, within the call timeout.
    fn call<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    ) -> Result<tonic::Response<T>, KeyError> {
        let limit = self.call_timeout;
        runtime()
            .map_err(KeyError::Failed)?
            .block_on(async { tokio::time::timeout(limit, call).await })
            .map_err(|_| {
                KeyError::Unavailable(format!("no answer within {:.1} s", limit.as_secs_f64()))
            })?
            .map_err(|status| self.failure(status))
    }
}

impl RemoteKeyService for Client {
    fn address(&self) -> &str {
        &self.address
    }

    fn wrap(&self, key: &dyn MasterKey, secret: &[u8]) -> Result<String, KeyError> {
        let request = EncryptRequest {
            key: Some(self.message(key)?),
            plaintext: secret.to_vec(),
        };
        let answer = self.call(KeyServiceClient::new(self.channel.clone()).encrypt(request))?;
        String::from_utf8(answer.into_inner().ciphertext)
            .map_err(|_| KeyError::Failed("the wrapped key it sent is not text".into()))
    }

    fn unwrap(
        &self,
        key: &dyn MasterKey,
        enc: &str,
    ) -> Result<(Zeroizing<Vec<u8>>, KeySource), KeyError> {
        let request = DecryptRequest {
            key: Some(self.message(key)?),
            ciphertext: enc.as_bytes().to_vec(),
        };
        let answer = self.call(KeyServiceClient::new(self.channel.clone()).decrypt(request))?;
        let source = match answer
            .metadata()
            .get(KEY_SOURCE_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            Some("cache") => KeySource::Cache,
            Some("cache_stale") => KeySource::CacheStale,
            _ => KeySource::Provider,
        };
        let mut answer = answer.into_inner();
        Ok((
            Zeroizing::new(std::mem::take(&mut answer.plaintext)),
            source,
        ))
    }
}

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The runtime every key service call runs on. It has no thread of its own: the thread that
/// blocks on a call drives it (several threads take turns), which saves a thread start and a
/// hand-over per call in the one-decrypt processes a key agent serves.
fn runtime() -> Result<&'static tokio::runtime::Runtime, String> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the key service client runtime: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::AgeKey;

    /// A service that accepts the connection and never answers ends the call at the client's
    /// deadline, as an outage (so a caller may go on to the next key).
    #[test]
    fn a_silent_service_fails_the_call_at_the_deadline() {
        let scratch = tempfile::tempdir().unwrap();
        let socket = scratch.path().join("silent.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let silent = std::thread::spawn(move || listener.accept().map(|(stream, _)| stream));
        let client = Client::new(
            &format!("unix://{}", socket.display()),
            Duration::from_millis(300),
        )
        .unwrap();
        let key =
            AgeKey::from_metadata("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p");
        let started = std::time::Instant::now();
        let error = client.unwrap(&key, "wrapped").err().unwrap();
        let waited = started.elapsed();
        assert!(
            matches!(&error, KeyError::Unavailable(m) if m.contains("no answer within 0.3 s")),
            "{error:?}"
        );
        assert!(waited >= Duration::from_millis(300), "{waited:?}");
        assert!(waited < Duration::from_secs(5), "{waited:?}");
        drop(silent.join().unwrap());
    }
}
