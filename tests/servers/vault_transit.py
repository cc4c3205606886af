#!/usr/bin/env python3
"""A HashiCorp Vault transit stand-in for tests (Python 3 standard library only).

Serves POST/PUT /v1/<mount...>/encrypt/<key> and /v1/<mount...>/decrypt/<key> inside Vault's
real response envelope, checks X-Vault-Token (403 {"errors": ["permission denied"]} when it is
wrong), and returns "vault:v1:" ciphertexts. The "ciphertext" is not encryption: it is the key
name and the plaintext, base64-encoded, so a ciphertext only decrypts under the key that made
it. It listens on 127.0.0.1 and prints the bound port on the first line of stdout.

Options:
  --port N        port to bind (default 0: any free port)
  --token T       the accepted token (default "root")
  --fail N        answer the first N transit requests with --fail-status (default 0)
  --fail-status S the status for those answers, 429 or 5xx (default 500)
  --delay S       sleep S seconds before answering each transit request (default 0)
  --log PATH      append one JSON line per transit request (method, path, status, namespace)
"""

import argparse
import base64
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def envelope(data):
    return {
        "request_id": str(uuid.uuid4()),
        "lease_id": "",
        "renewable": False,
        "lease_duration": 0,
        "data": data,
        "wrap_info": None,
        "warnings": None,
        "auth": None,
    }


class State:
    def __init__(self, args):
        self.args = args
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
        if log and self.path.startswith("/v1/") and "/sys/" not in self.path:
            # Logged before answering, so a client that got its answer sees the line.
            with open(log, "a") as f:
                f.write(json.dumps({
                    "method": self.command,
                    "path": self.path,
                    "status": status,
                    "namespace": self.headers.get("X-Vault-Namespace"),
                }) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        if self.path.startswith("/v1/sys/health"):
            self.reply(200, {"initialized": True, "sealed": False, "standby": False})
        else:
            self.reply(404, {"errors": []})

    def do_PUT(self):
        self.transit()

    def do_POST(self):
        self.transit()

    def transit(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        args = self.state.args
        if args.delay:
            time.sleep(args.delay)
        if self.state.take_failure():
            status = args.fail_status
            self.reply(status, {"errors": ["stand-in failure %d" % status]})
            return
        if self.headers.get("X-Vault-Token") != args.token:
            self.reply(403, {"errors": ["permission denied"]})
            return
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) < 4 or parts[0] != "v1" or parts[-2] not in ("encrypt", "decrypt"):
            self.reply(404, {"errors": ["no handler for route"]})
            return
        operation, key = parts[-2], parts[-1]
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self.reply(400, {"errors": ["failed to parse JSON input"]})
            return
        if operation == "encrypt":
            plaintext = body.get("plaintext")
            if not isinstance(plaintext, str):
                self.reply(400, {"errors": ["missing plaintext to encrypt"]})
                return
            try:
                base64.b64decode(plaintext, validate=True)
            except ValueError:
                self.reply(400, {"errors": ["failed to base64-decode plaintext"]})
                return
            sealed = base64.b64encode(json.dumps([key, plaintext]).encode()).decode()
            self.reply(200, envelope({"ciphertext": "vault:v1:" + sealed, "key_version": 1}))
            return
        ciphertext = body.get("ciphertext")
        if not isinstance(ciphertext, str) or not ciphertext.startswith("vault:v1:"):
            self.reply(400, {"errors": ["invalid ciphertext: no prefix"]})
            return
        try:
            owner, plaintext = json.loads(base64.b64decode(ciphertext[len("vault:v1:"):]))
        except (ValueError, TypeError):
            self.reply(400, {"errors": ["invalid ciphertext: unable to decrypt"]})
            return
        if owner != key:
            self.reply(400, {"errors": ["cipher: message authentication failed"]})
            return
        self.reply(200, envelope({"plaintext": plaintext}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="root")
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
