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

/// A remote key service, connected on first use.
pub struct Client {
    address: String,
    channel: Channel,
}

impl Client {
    /// A client for `uri` (`tcp://host:port`, `unix:///path`). Nothing is dialled yet: an
    /// unreachable service fails the calls, as in sops.
    pub fn new(uri: &str) -> Result<Client, String> {
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
            tonic::Code::Unavailable => KeyError::Failed(format!("unreachable ({message})")),
            code => KeyError::Failed(format!("{message} ({code:?})")),
        }
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
        let answer = runtime()
            .map_err(KeyError::Failed)?
            .block_on(KeyServiceClient::new(self.channel.clone()).encrypt(request))
            .map_err(|status| self.failure(status))?;
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
        let answer = runtime()
            .map_err(KeyError::Failed)?
            .block_on(KeyServiceClient::new(self.channel.clone()).decrypt(request))
            .map_err(|status| self.failure(status))?;
        let source = match answer
            .metadata()
            .get(KEY_SOURCE_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            Some("cache") => KeySource::Cache,
            Some("cache_stale") => KeySource::CacheStale,
            _ => KeySource::Provider,
        };
        Ok((Zeroizing::new(answer.into_inner().plaintext), source))
    }
}

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The runtime every key service call runs on, with a worker thread of its own so that any
/// number of threads may block on it at once.
fn runtime() -> Result<&'static tokio::runtime::Runtime, String> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("sops-rs-keyservice")
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the key service client runtime: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}
