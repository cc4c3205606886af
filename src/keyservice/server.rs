//! The server side: answers `Encrypt` and `Decrypt` with the credentials of its own
//! [`KeyContext`], on a [`Listener`] until SIGINT or SIGTERM.
//!
//! Unwraps go through an [`Unwrapper`], so that a caching agent can stand in front of the
//! provider; [`DirectUnwrapper`] asks the key every time. Wraps always go to the key. Each
//! request's key event reaches the context's hook (the audit trail) as in any other command.

use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};

use tokio_stream::StreamExt;
use tonic::transport::server::{Connected, TcpConnectInfo, UdsConnectInfo};
use tonic::{Request, Response, Status};
use zeroize::Zeroizing;

use super::proto::key_service_server::{KeyService, KeyServiceServer};
use super::proto::{DecryptRequest, DecryptResponse, EncryptRequest, EncryptResponse};
use super::{KEY_SOURCE_HEADER, Listener, key_message};
use crate::keys::{KeyContext, KeyError, KeySource, MasterKey, Unwrapped, attempt};

/// Who sent a request, as far as the listener knows.
#[derive(Clone, Debug, Default)]
pub struct Peer {
    /// The peer's uid (unix socket).
    pub uid: Option<u32>,
    /// The peer's process id (unix socket).
    pub pid: Option<i32>,
    /// The peer's address (TCP).
    pub address: Option<String>,
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.uid, self.pid, &self.address) {
            (Some(uid), Some(pid), _) => write!(f, "uid {uid} (pid {pid})"),
            (Some(uid), None, _) => write!(f, "uid {uid}"),
            (_, _, Some(address)) => write!(f, "{address}"),
            _ => f.write_str("an unknown peer"),
        }
    }
}

/// What answers a `Decrypt`: the secret (or why not) and where it came from.
pub trait Unwrapper: Send + Sync {
    /// Unwraps `enc` with `key` for `peer`.
    fn unwrap(&self, key: &dyn MasterKey, enc: &str, peer: &Peer) -> (Unwrapped, KeySource);
}

/// Asks the key's provider every time, reporting the key event to the context's hook.
pub struct DirectUnwrapper {
    ctx: Arc<KeyContext>,
}

impl DirectUnwrapper {
    /// An unwrapper using the credentials in `ctx`.
    pub fn new(ctx: Arc<KeyContext>) -> DirectUnwrapper {
        DirectUnwrapper { ctx }
    }
}

impl Unwrapper for DirectUnwrapper {
    fn unwrap(&self, key: &dyn MasterKey, enc: &str, _peer: &Peer) -> (Unwrapped, KeySource) {
        let (result, event) = attempt::unwrap(key, enc, &self.ctx);
        self.ctx.report(event);
        (result, KeySource::Provider)
    }
}

/// How the server treats each request.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServeOptions {
    /// Ask on the terminal before answering each request (sops's `--prompt`).
    pub prompt: bool,
    /// Print one line per request on standard error (sops's `--verbose`).
    pub verbose: bool,
}

struct Handler {
    ctx: Arc<KeyContext>,
    unwrapper: Arc<dyn Unwrapper>,
    options: ServeOptions,
    prompt_lock: Arc<Mutex<()>>,
}

impl Handler {
    /// Runs `work` for a request off the async threads (key providers block), after the prompt
    /// if one is asked for.
    async fn answer<T: Send + 'static>(
        &self,
        operation: &'static str,
        key: Box<dyn MasterKey>,
        peer: Peer,
        work: impl FnOnce(&dyn MasterKey, &Peer) -> Result<T, KeyError> + Send + 'static,
    ) -> Result<T, Status> {
        let options = self.options;
        let prompt_lock = self.prompt_lock.clone();
        tokio::task::spawn_blocking(move || {
            let described = format!("{operation} with the {} key {}", key.kind(), key.id());
            if options.prompt && !confirmed(&prompt_lock, &described, &peer) {
                return Err(Status::permission_denied(
                    "refused by the key service's operator",
                ));
            }
            let result = work(key.as_ref(), &peer);
            if options.verbose {
                let outcome = match &result {
                    Ok(_) => "done".to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                eprintln!("sops-rs keyservice: {described} for {peer}: {outcome}");
            }
            result.map_err(|error| match error {
                KeyError::NoCredentials(m) => Status::failed_precondition(m),
                KeyError::InvalidKey { .. } => Status::invalid_argument(error.to_string()),
                other => Status::internal(other.to_string()),
            })
        })
        .await
        .map_err(|_| Status::internal("the request's worker stopped"))?
    }
}

#[tonic::async_trait]
impl KeyService for Handler {
    async fn encrypt(
        &self,
        request: Request<EncryptRequest>,
    ) -> Result<Response<EncryptResponse>, Status> {
        let peer = peer_of(&request);
        let mut request = request.into_inner();
        let key =
            key_message::from_message(request.key.take()).map_err(Status::invalid_argument)?;
        let plaintext = Zeroizing::new(std::mem::take(&mut request.plaintext));
        let ctx = self.ctx.clone();
        let enc = self
            .answer("encrypt", key, peer, move |key, _| {
                let (result, event) = attempt::wrap(key, &plaintext, &ctx);
                ctx.report(event);
                result
            })
            .await?;
        Ok(Response::new(EncryptResponse {
            ciphertext: enc.into_bytes(),
        }))
    }

    async fn decrypt(
        &self,
        request: Request<DecryptRequest>,
    ) -> Result<Response<DecryptResponse>, Status> {
        let peer = peer_of(&request);
        let request = request.into_inner();
        let key = key_message::from_message(request.key).map_err(Status::invalid_argument)?;
        let enc = String::from_utf8(request.ciphertext)
            .map_err(|_| Status::invalid_argument("the wrapped key is not text"))?;
        let unwrapper = self.unwrapper.clone();
        let (secret, source) = self
            .answer("decrypt", key, peer, move |key, peer| {
                let (result, source) = unwrapper.unwrap(key, &enc, peer);
                match result {
                    Ok(Some(secret)) => Ok((secret, source)),
                    Ok(None) => Err(KeyError::NoCredentials(format!(
                        "the key service has no credentials for {}",
                        key.id()
                    ))),
                    Err(error) => Err(error),
                }
            })
            .await?;
        let mut response = Response::new(DecryptResponse {
            plaintext: secret.to_vec(),
        });
        response.metadata_mut().insert(
            KEY_SOURCE_HEADER,
            tonic::metadata::MetadataValue::from_static(source.tag()),
        );
        Ok(response)
    }
}

fn peer_of<T>(request: &Request<T>) -> Peer {
    if let Some(info) = request.extensions().get::<UdsConnectInfo>() {
        return Peer {
            uid: info.peer_cred.map(|c| c.uid()),
            pid: info.peer_cred.and_then(|c| c.pid()),
            address: None,
        };
    }
    Peer {
        address: request
            .extensions()
            .get::<TcpConnectInfo>()
            .and_then(|info| info.remote_addr())
            .map(|a| a.to_string()),
        ..Peer::default()
    }
}

/// Asks the operator on the terminal; one question at a time.
fn confirmed(lock: &Mutex<()>, described: &str, peer: &Peer) -> bool {
    let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
    eprint!("sops-rs keyservice: allow {described} for {peer}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes" | "Yes" | "YES")
}

/// Serves on `listener` until SIGINT or SIGTERM, then removes the socket. `ctx` wraps,
/// `unwrapper` unwraps; `on_ready` is called with the address once connections are accepted.
pub fn serve(
    listener: Listener,
    ctx: Arc<KeyContext>,
    unwrapper: Arc<dyn Unwrapper>,
    options: ServeOptions,
    on_ready: impl FnOnce(&str),
) -> Result<(), String> {
    serve_until(listener, ctx, unwrapper, options, on_ready, stopped())
}

/// [`serve`], stopping when `stop` resolves instead of on a signal.
pub fn serve_until(
    listener: Listener,
    ctx: Arc<KeyContext>,
    unwrapper: Arc<dyn Unwrapper>,
    options: ServeOptions,
    on_ready: impl FnOnce(&str),
    stop: impl Future<Output = ()>,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sops-rs-keyservice-server")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the key service runtime: {e}"))?;
    let handler = Handler {
        ctx,
        unwrapper,
        options,
        prompt_lock: Arc::new(Mutex::new(())),
    };
    let service = KeyServiceServer::new(handler);
    let address = listener.address();
    runtime.block_on(async move {
        match listener {
            Listener::Unix {
                listener,
                path,
                allowed_uids,
            } => {
                listener
                    .set_nonblocking(true)
                    .map_err(|e| format!("cannot listen on {address}: {e}"))?;
                let listener = tokio::net::UnixListener::from_std(listener)
                    .map_err(|e| format!("cannot listen on {address}: {e}"))?;
                let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener).filter(
                    move |connection| match connection {
                        Ok(stream) => admitted(stream, &allowed_uids),
                        Err(_) => true,
                    },
                );
                on_ready(&address);
                let served = run(service, incoming, stop).await;
                let _ = std::fs::remove_file(&path);
                served
            }
            Listener::Tcp(listener) => {
                listener
                    .set_nonblocking(true)
                    .map_err(|e| format!("cannot listen on {address}: {e}"))?;
                let listener = tokio::net::TcpListener::from_std(listener)
                    .map_err(|e| format!("cannot listen on {address}: {e}"))?;
                let incoming =
                    tokio_stream::wrappers::TcpListenerStream::new(listener).map(|connection| {
                        connection.inspect(|stream| {
                            let _ = stream.set_nodelay(true);
                        })
                    });
                on_ready(&address);
                run(service, incoming, stop).await
            }
        }
    })
}

/// Whether a unix connection's peer may use the keys: its uid is allowed. A refused one is
/// dropped before it sends anything, and said so on standard error.
fn admitted(stream: &tokio::net::UnixStream, allowed_uids: &[u32]) -> bool {
    match stream.peer_cred() {
        Ok(cred) if allowed_uids.contains(&cred.uid()) => true,
        Ok(cred) => {
            let pid = cred
                .pid()
                .map(|p| format!(" (pid {p})"))
                .unwrap_or_default();
            eprintln!(
                "sops-rs keyservice: refused a connection from uid {}{pid}: not this user's \
                 uid and not given with --allow-uid",
                cred.uid()
            );
            false
        }
        Err(e) => {
            eprintln!("sops-rs keyservice: refused a connection: no peer credentials ({e})");
            false
        }
    }
}

async fn run<I, IO>(
    service: KeyServiceServer<Handler>,
    incoming: I,
    stop: impl Future<Output = ()>,
) -> Result<(), String>
where
    I: tokio_stream::Stream<Item = std::io::Result<IO>>,
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Connected + Unpin + Send + 'static,
{
    tonic::transport::Server::builder()
        .serve_with_incoming_shutdown(service, incoming, stop)
        .await
        .map_err(|e| format!("the key service stopped: {e}"))
}

/// Resolves on SIGINT or SIGTERM.
async fn stopped() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // Without signal handlers the default action (exit) still stops the server.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{AgeKey, RemoteKeyService};
    use crate::keyservice::{Client, ListenOptions};

    /// Answers every unwrap with a fixed secret, as a cache would, and counts the calls.
    struct Cached(std::sync::atomic::AtomicUsize);

    impl Unwrapper for Cached {
        fn unwrap(&self, _: &dyn MasterKey, enc: &str, peer: &Peer) -> (Unwrapped, KeySource) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            assert_eq!(enc, "wrapped");
            assert_eq!(peer.uid, Some(rustix::process::geteuid().as_raw()));
            (
                Ok(Some(Zeroizing::new(b"data key".to_vec()))),
                KeySource::Cache,
            )
        }
    }

    /// The server's unwraps go through the [`Unwrapper`] it is given, and the client reads
    /// where the answer came from out of the response's header.
    #[test]
    fn the_unwrapper_answers_and_the_client_hears_its_source() {
        let scratch = tempfile::tempdir().unwrap();
        let socket = scratch.path().join("ks.sock");
        let listener = Listener::bind(
            &ListenOptions {
                network: Some("unix".into()),
                address: Some(socket.display().to_string()),
                ..Default::default()
            },
            &|_| {},
        )
        .unwrap();
        let cached = Arc::new(Cached(Default::default()));
        let unwrapper = cached.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let stop = async move {
                // Polled on the server's runtime: a blocking wait on its own thread.
                let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
            };
            serve_until(
                listener,
                Arc::new(KeyContext::default()),
                unwrapper,
                ServeOptions::default(),
                |address| ready_tx.send(address.to_string()).unwrap(),
                stop,
            )
        });
        let address = ready_rx.recv().unwrap();
        let client = Client::new(&address, std::time::Duration::from_secs(30)).unwrap();
        let key =
            AgeKey::from_metadata("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p");
        let (secret, source) = client.unwrap(&key, "wrapped").unwrap();
        assert_eq!(secret.as_slice(), b"data key");
        assert_eq!(source, KeySource::Cache);
        assert_eq!(cached.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        stop_tx.send(()).unwrap();
        server.join().unwrap().unwrap();
        assert!(
            !socket.exists(),
            "the socket is removed when the server stops"
        );
    }
}
