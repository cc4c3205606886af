//! Network faults in front of a real server, for the key-backend tests: a listener that accepts
//! connections and never answers (and counts them), an HTTP proxy that answers the first
//! requests with an error status of the test's choosing and then forwards to the real server,
//! remembering the status of every answer, and a server that redirects every request elsewhere.
//! All listen on a free loopback port (127.0.0.1 unless the test picks another loopback address)
//! and stop when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A listener and its accept loop; the loop ends when the listener is dropped.
struct Listening {
    ip: Ipv4Addr,
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listening {
    /// Binds a free port on 127.0.0.1 and hands every accepted connection to `serve` on the
    /// accept thread.
    fn start(serve: impl FnMut(TcpStream) + Send + 'static) -> Listening {
        Self::start_on(Ipv4Addr::LOCALHOST, serve)
    }

    /// [`Listening::start`] on another loopback address.
    fn start_on(ip: Ipv4Addr, mut serve: impl FnMut(TcpStream) + Send + 'static) -> Listening {
        assert!(ip.is_loopback(), "{ip} is not a loopback address");
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    serve(stream);
                }
            }
        });
        Listening {
            ip,
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect((self.ip, self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A server that accepts connections, reads nothing and never answers.
pub struct SilentServer {
    listening: Listening,
    connections: Arc<Mutex<Vec<TcpStream>>>,
}

impl SilentServer {
    pub fn start() -> SilentServer {
        Self::start_on(Ipv4Addr::LOCALHOST)
    }

    /// A silent server on another loopback address (127.0.0.12, ...).
    pub fn start_on(ip: Ipv4Addr) -> SilentServer {
        let connections = Arc::new(Mutex::new(Vec::new()));
        let held = connections.clone();
        SilentServer {
            listening: Listening::start_on(ip, move |stream| held.lock().unwrap().push(stream)),
            connections,
        }
    }

    /// `http://IP:PORT`.
    pub fn address(&self) -> String {
        format!("http://{}:{}", self.listening.ip, self.listening.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.listening.port
    }

    /// How many connections it accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.lock().unwrap().len()
    }
}

/// A server that answers every request with `307 Temporary Redirect` to the same path on
/// another server, counting the requests.
pub struct Redirector {
    listening: Listening,
    requests: Arc<Mutex<usize>>,
}

impl Redirector {
    /// Redirects to `target` (`http://host:port`, no trailing slash).
    pub fn start(target: &str) -> Redirector {
        let requests = Arc::new(Mutex::new(0));
        let seen = requests.clone();
        let target = target.to_string();
        let listening = Listening::start(move |mut client| {
            let Some(request) = read_request(&client) else {
                return;
            };
            *seen.lock().unwrap() += 1;
            let path = String::from_utf8_lossy(&request)
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .to_string();
            let response = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}{path}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = client.write_all(response.as_bytes());
        });
        Redirector {
            listening,
            requests,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.listening.port)
    }

    /// How many requests it answered so far.
    pub fn requests(&self) -> usize {
        *self.requests.lock().unwrap()
    }
}

/// An HTTP/1.1 proxy to a server on 127.0.0.1 that fails the first requests on purpose.
pub struct FaultyProxy {
    listening: Listening,
    statuses: Arc<Mutex<Vec<u16>>>,
}

impl FaultyProxy {
    /// Answers the first `failures` requests with `status` (and a JSON `errors` body naming it)
    /// and forwards every later one to `127.0.0.1:upstream_port`.
    pub fn start(upstream_port: u16, failures: usize, status: u16) -> FaultyProxy {
        Self::start_answering(upstream_port, failures, status, injected_failure)
    }

    /// [`FaultyProxy::start`] with the failure answers `answer(status)` builds (the whole HTTP
    /// response), for services that read their own error shape.
    pub fn start_answering(
        upstream_port: u16,
        failures: usize,
        status: u16,
        answer: fn(u16) -> Vec<u8>,
    ) -> FaultyProxy {
        let statuses = Arc::new(Mutex::new(Vec::new()));
        let seen = statuses.clone();
        let mut failures_left = failures;
        let listening = Listening::start(move |mut client| {
            let Some(request) = read_request(&client) else {
                return;
            };
            let (answered, response) = if failures_left > 0 {
                failures_left -= 1;
                (status, answer(status))
            } else {
                forward(upstream_port, &request)
            };
            seen.lock().unwrap().push(answered);
            let _ = client.write_all(&response);
        });
        FaultyProxy {
            listening,
            statuses,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.listening.port)
    }

    /// The status of every answer so far, in order.
    pub fn statuses(&self) -> Vec<u16> {
        self.statuses.lock().unwrap().clone()
    }
}

/// One request, re-serialised with `Connection: close` so each exchange has its own connection.
fn read_request(stream: &TcpStream) -> Option<Vec<u8>> {
    let mut reader = BufReader::new(stream);
    let mut head = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        }
        if !name.eq_ignore_ascii_case("connection") {
            head.extend_from_slice(line.as_bytes());
        }
    }
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    head.extend_from_slice(&body);
    Some(head)
}

fn injected_failure(status: u16) -> Vec<u8> {
    let body = format!(r#"{{"errors":["injected failure {status}"]}}"#);
    format!(
        "HTTP/1.1 {status} Injected\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends `request` upstream and returns the answer's status and bytes (502 if none came).
fn forward(upstream_port: u16, request: &[u8]) -> (u16, Vec<u8>) {
    let mut response = Vec::new();
    if let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", upstream_port))
        && upstream.write_all(request).is_ok()
    {
        let _ = upstream.read_to_end(&mut response);
    }
    let status = std::str::from_utf8(&response)
        .ok()
        .and_then(|text| text.split(' ').nth(1))
        .and_then(|code| code.parse().ok());
    match status {
        Some(status) => (status, response),
        None => (502, injected_failure(502)),
    }
}
