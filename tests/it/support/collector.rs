//! A minimal OTLP/HTTP collector on 127.0.0.1: records every request (request line, headers,
//! body) and answers POSTs to `/v1/*` or `/custom/*` with scripted statuses (200 once the script
//! runs out; the script applies to log requests, the audit sink's), anything else with 404.
//! Used by the audit tests (logs) and the telemetry tests (traces and metrics).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    /// `POST /v1/traces HTTP/1.1`.
    pub line: String,
    /// Header lines, `\n`-terminated.
    pub headers: String,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    fn path(&self) -> &str {
        self.line.split(' ').nth(1).unwrap_or("")
    }
}

/// The collector; it runs until the test process ends.
pub struct Collector {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Collector {
    /// Starts a collector whose log requests get the statuses of `script` (last first).
    pub fn start(script: Vec<u16>) -> Collector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script));
        let (seen, script) = (Arc::clone(&requests), Arc::clone(&script));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (seen, script) = (Arc::clone(&seen), Arc::clone(&script));
                std::thread::spawn(move || serve(stream, seen, script));
            }
        });
        Collector { port, requests }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request, as text, one after the other.
    pub fn all(&self) -> String {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{}\n{}{}",
                    r.line,
                    r.headers,
                    String::from_utf8_lossy(&r.body)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The bodies of the requests to `path`, as text.
    pub fn bodies(&self, path: &str) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path() == path)
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
            .collect()
    }

    /// The requests to `path`.
    pub fn requests(&self, path: &str) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path() == path)
            .cloned()
            .collect()
    }
}

fn serve(
    stream: std::net::TcpStream,
    seen: Arc<Mutex<Vec<Request>>>,
    script: Arc<Mutex<Vec<u16>>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        let mut request_line = String::new();
        let mut headers = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            headers.push_str(&line.replace("\r\n", "\n"));
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request = Request {
            line: request_line.trim().to_string(),
            headers,
            body,
        };
        let path = request.path().to_string();
        let accepted = request.line.starts_with("POST ")
            && (path.starts_with("/v1/") || path.starts_with("/custom/"));
        seen.lock().unwrap().push(request);
        let status = if !accepted {
            404
        } else if path.ends_with("/logs") {
            script.lock().unwrap().pop().unwrap_or(200)
        } else {
            200
        };
        let _ = write!(
            writer,
            "HTTP/1.1 {status} X\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{{}}"
        );
    }
}
