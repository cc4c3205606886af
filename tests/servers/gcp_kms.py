#!/usr/bin/env python3
"""A Google Cloud KMS stand-in for tests (Python 3 standard library only).

It is a stand-in, not an emulator and not encryption. It speaks the Cloud KMS v1 REST shape:

  POST /v1/projects/P/locations/L/keyRings/R/cryptoKeys/K:encrypt  {"plaintext": b64}
       -> 200 {"name": ".../cryptoKeyVersions/1", "ciphertext": b64, ...}
  POST /v1/projects/P/locations/L/keyRings/R/cryptoKeys/K:decrypt  {"ciphertext": b64}
       -> 200 {"plaintext": b64, ...}

Errors use Google's envelope: {"error": {"code": 403, "message": "...", "status":
"PERMISSION_DENIED"}}. The "Authorization: Bearer <token>" header is checked (403 when it is
missing or wrong, as Cloud KMS answers for a token without the permission).

The "ciphertext" is the plaintext XORed with a pad derived from a per-process random secret and
the key name, followed by a 16-byte SHA-256 checksum over (key name, plaintext). A ciphertext
therefore only decrypts under the key name that made it, and only in the process that made it
(use --secret to share one between processes). This protects nothing; it only lets tests tell a
right key from a wrong one.

Every answer carries an "x-goog-request-id" header (a fresh UUID). Note: the real Cloud KMS
does not promise that header; the client reads it where present.

It listens on 127.0.0.1 and prints the bound port on the first line of stdout.

Options:
  --port N        port to bind (default 0: any free port)
  --token T       the accepted bearer token (default "test-token")
  --secret HEX    the pad secret (default: random per process)
  --fail N        answer the first N KMS requests with --fail-status (default 0)
  --fail-status S the status for those answers, 429 or 5xx (default 500)
  --delay S       sleep S seconds before answering each KMS request (default 0)
  --log PATH      append one JSON line per KMS request (method, path, status, auth)
"""

import argparse
import base64
import hashlib
import json
import os
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

KEY_PATH = re.compile(
    r"^/v1/(projects/[^/:]+/locations/[^/:]+/keyRings/[^/:]+/cryptoKeys/[^/:]+):(encrypt|decrypt)$"
)
CHECK_LEN = 16


def pad(secret, name, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(secret + name.encode() + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def checksum(name, plaintext):
    return hashlib.sha256(name.encode() + b"\0" + plaintext).digest()[:CHECK_LEN]


def seal(secret, name, plaintext):
    body = bytes(a ^ b for a, b in zip(plaintext, pad(secret, name, len(plaintext))))
    return body + checksum(name, plaintext)


def open_sealed(secret, name, sealed):
    if len(sealed) < CHECK_LEN:
        return None
    body, check = sealed[:-CHECK_LEN], sealed[-CHECK_LEN:]
    plaintext = bytes(a ^ b for a, b in zip(body, pad(secret, name, len(body))))
    if checksum(name, plaintext) != check:
        return None
    return plaintext


class State:
    def __init__(self, args):
        self.args = args
        self.secret = bytes.fromhex(args.secret) if args.secret else os.urandom(32)
        self.failures_left = args.fail
        self.lock = threading.Lock()

    def take_failure(self):
        with self.lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                return True
            return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def reply(self, status, body):
        payload = json.dumps(body).encode()
        log = self.state.args.log
        if log:
            # Logged before answering, so a client that got its answer sees the line.
            with open(log, "a") as f:
                f.write(json.dumps({
                    "method": self.command,
                    "path": self.path,
                    "status": status,
                    "auth": self.headers.get("Authorization") is not None,
                }) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-goog-request-id", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(payload)

    def error(self, status, message):
        self.reply(status, {"error": {
            "code": status,
            "message": message,
            "status": STATUS_NAMES.get(status, "UNKNOWN"),
        }})

    def do_GET(self):
        self.error(404, "Method not found.")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        args = self.state.args
        if args.delay:
            time.sleep(args.delay)
        if self.state.take_failure():
            self.error(args.fail_status, "stand-in failure %d" % args.fail_status)
            return
        match = KEY_PATH.match(self.path.split("?")[0])
        if not match:
            self.error(404, "The requested URL was not found on this server.")
            return
        name, operation = match.group(1), match.group(2)
        if self.headers.get("Authorization") != "Bearer " + args.token:
            self.error(
                403,
                "Permission 'cloudkms.cryptoKeyVersions.use%s' denied on resource '%s' "
                "(or it may not exist)." % ("ToEncrypt" if operation == "encrypt" else "ToDecrypt", name),
            )
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self.error(400, "Invalid JSON payload received.")
            return
        field = "plaintext" if operation == "encrypt" else "ciphertext"
        value = body.get(field)
        if not isinstance(value, str) or not value:
            self.error(400, "%s is required." % field)
            return
        try:
            data = base64.b64decode(value, validate=True)
        except ValueError:
            self.error(400, "Invalid value at '%s' (TYPE_BYTES), Base64 decoding failed." % field)
            return
        if operation == "encrypt":
            self.reply(200, {
                "name": name + "/cryptoKeyVersions/1",
                "ciphertext": base64.b64encode(seal(self.state.secret, name, data)).decode(),
                "verifiedPlaintextCrc32c": False,
                "protectionLevel": "SOFTWARE",
            })
            return
        plaintext = open_sealed(self.state.secret, name, data)
        if plaintext is None:
            self.error(400, "Decryption failed: the ciphertext is invalid.")
            return
        self.reply(200, {
            "plaintext": base64.b64encode(plaintext).decode(),
            "usedPrimary": True,
            "protectionLevel": "SOFTWARE",
        })


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--secret")
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--log")
    args = parser.parse_args()
    Handler.state = State(args)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
