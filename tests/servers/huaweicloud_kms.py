#!/usr/bin/env python3
"""A Huawei Cloud KMS stand-in for tests: the data-key REST calls, with AK/SK request signing.

Standard library only. It listens on 127.0.0.1 (plain HTTP) and prints the bound port on the
first line of stdout. Point sops at it with HUAWEICLOUD_SDK_REGION_KMS_<REGION>=http://127.0.0.1:PORT
(the region id upper-cased, `-` as `_`), the way the Huawei Cloud SDK overrides a region.

Serves:
  POST /v1.0/<project_id>/kms/encrypt-data  {"key_id", "plain_text", "encryption_algorithm"?}
                                          -> {"key_id", "cipher_text"}
  POST /v1.0/<project_id>/kms/decrypt-data  {"cipher_text", "key_id"?, "encryption_algorithm"?}
                                          -> {"key_id", "plain_text", "plain_text_base64"}

Every request must be signed as the SDKs sign it ("SDK-HMAC-SHA256"): an X-Sdk-Date header
(yyyymmddThhmmssZ, within 15 minutes of now) and
  Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>
where the signature is HMAC-SHA256(SK, string to sign), the string to sign is
"SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<hex sha256 of the canonical request>" and the canonical
request is method, URI path ending in "/", sorted query string, "name:value" lines of the
signed headers (lower-case names, trimmed values), the signed header names joined by ";", and
the hex SHA-256 of the body, joined by newlines. The signed headers must include x-sdk-date
(the Go SDK signs user-agent, x-project-id and x-sdk-date, not host). The X-Project-Id header, when sent, must equal the path's project id.

A wrong access key, a bad signature or a stale date gets API Gateway's 401
{"error_msg": ..., "error_code": "APIGW.0301", "request_id": ...}; an unknown key 404
{"error": {"error_code": "KMS.0205", "error_msg": ...}}; a malformed request 400 KMS.0201.
Every answer carries an X-Request-Id header. Ciphertexts are sealed with a secret derived from
--secret (a SHA-256 keystream and an HMAC tag, not real cryptography: a stand-in) and name the
key that made them, so they only open under that key and only with the same --secret.

Options:
  --port N          port to bind (default 0: any free port)
  --ak AK           the accepted access key (default "test-ak")
  --sk SK           its secret key (default "test-sk")
  --project P       the project id (default "test-project")
  --keys A,B        key ids that exist (default "0a1b2c3d-0000-4000-8000-000000000001")
  --secret S        the sealing secret (default "stand-in")
  --security-token T  require temporary credentials: an X-Security-Token header equal to T,
                    and signed (API Gateway's 401 otherwise)
  --fail N          answer the first N correctly signed calls with --fail-status
  --fail-status S   the status for those answers, 429 or 5xx (default 500)
  --delay S         sleep S seconds before answering each call (default 0)
  --log PATH        append one JSON line per request (path, status, access, signed_headers)
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW = datetime.timedelta(minutes=15)


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def keystream(secret, nonce, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(secret + nonce + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def seal(secret, key_id, plain):
    nonce = os.urandom(16)
    body = bytes(a ^ b for a, b in zip(plain, keystream(secret + key_id.encode(), nonce, len(plain))))
    tag = hmac.new(secret, key_id.encode() + nonce + body, hashlib.sha256).digest()
    header = key_id.encode()
    return base64.b64encode(len(header).to_bytes(2, "big") + header + nonce + tag + body).decode()


def unseal(secret, text):
    """(key_id, plaintext), or None when the ciphertext is not one of ours."""
    try:
        raw = base64.b64decode(text, validate=True)
        size = int.from_bytes(raw[:2], "big")
        key_id = raw[2 : 2 + size].decode()
        nonce = raw[2 + size : 18 + size]
        tag = raw[18 + size : 50 + size]
        body = raw[50 + size :]
    except Exception:
        return None
    expected = hmac.new(secret, key_id.encode() + nonce + body, hashlib.sha256).digest()
    if len(nonce) != 16 or not hmac.compare_digest(tag, expected):
        return None
    stream = keystream(secret + key_id.encode(), nonce, len(body))
    return key_id, bytes(a ^ b for a, b in zip(body, stream))


def canonical_uri(path):
    uri = "/".join(quote(part, safe="-_.~") for part in path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query):
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{k}={v}" for k, v in pairs)


def parse_authorization(value):
    if not value or not value.startswith(ALGORITHM + " "):
        return None
    fields = {}
    for part in value[len(ALGORITHM) + 1 :].split(","):
        name, _, content = part.strip().partition("=")
        fields[name] = content
    if not {"Access", "SignedHeaders", "Signature"} <= fields.keys():
        return None
    return fields


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, auth=None):
        data = json.dumps(body).encode()
        request_id = uuid.uuid4().hex
        # Logged before answering, so a client that got its answer finds the line.
        if self.server.log_path:
            line = {
                "path": urlsplit(self.path).path,
                "status": status,
                "access": (auth or {}).get("Access"),
                "signed_headers": (auth or {}).get("SignedHeaders"),
                "request_id": request_id,
            }
            with self.server.lock, open(self.server.log_path, "a") as log:
                log.write(json.dumps(line) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", request_id)
        self.end_headers()
        self.wfile.write(data)

    def gateway_refusal(self, message, auth):
        self.answer(
            401,
            {
                "error_msg": f"Incorrect IAM authentication information: {message}",
                "error_code": "APIGW.0301",
                "request_id": uuid.uuid4().hex,
            },
            auth,
        )

    def kms_error(self, status, code, message, auth):
        self.answer(status, {"error": {"error_code": code, "error_msg": message}}, auth)

    def verify(self, body):
        """The parsed Authorization header when the signature holds, else None (answered)."""
        auth = parse_authorization(self.headers.get("Authorization"))
        if auth is None:
            self.gateway_refusal("Authorization header missing or not SDK-HMAC-SHA256", None)
            return None
        if auth["Access"] != self.server.ak:
            self.gateway_refusal("ak " + auth["Access"] + " not exist", auth)
            return None
        date = self.headers.get("X-Sdk-Date", "")
        try:
            when = datetime.datetime.strptime(date, DATE_FORMAT).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            self.gateway_refusal("x-sdk-date missing or malformed", auth)
            return None
        if abs(datetime.datetime.now(datetime.timezone.utc) - when) > MAX_SKEW:
            self.gateway_refusal("x-sdk-date too far from now", auth)
            return None
        signed = auth["SignedHeaders"].split(";")
        if "x-sdk-date" not in signed:
            self.gateway_refusal("x-sdk-date must be signed", auth)
            return None
        lines = []
        for name in signed:
            values = self.headers.get_all(name) or []
            for value in sorted(values):
                lines.append(f"{name}:{value.strip()}")
        url = urlsplit(self.path)
        canonical = "\n".join(
            [
                self.command,
                canonical_uri(url.path),
                canonical_query(url.query),
                "\n".join(lines) + "\n",
                auth["SignedHeaders"],
                sha256_hex(body),
            ]
        )
        to_sign = f"{ALGORITHM}\n{date}\n{sha256_hex(canonical.encode())}"
        expected = hmac.new(self.server.sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, auth["Signature"]):
            self.gateway_refusal("verify aksk signature fail", auth)
            return None
        token = self.server.security_token
        if token and (self.headers.get("X-Security-Token") != token or "x-security-token" not in signed):
            self.gateway_refusal("the security token is missing, wrong or not signed", auth)
            return None
        return auth

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.server.delay:
            time.sleep(self.server.delay)
        auth = self.verify(body)
        if auth is None:
            return
        with self.server.lock:
            failing = self.server.failures_left > 0
            if failing:
                self.server.failures_left -= 1
        if failing:
            self.kms_error(self.server.fail_status, "KMS.0500", "injected failure", auth)
            return
        parts = urlsplit(self.path).path.strip("/").split("/")
        if len(parts) != 4 or parts[0] != "v1.0" or parts[2] != "kms":
            self.kms_error(404, "KMS.0000", "not found", auth)
            return
        project, operation = parts[1], parts[3]
        header_project = self.headers.get("X-Project-Id")
        if project != self.server.project or (header_project and header_project != project):
            self.gateway_refusal("project id does not match the credentials", auth)
            return
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            self.kms_error(400, "KMS.0201", "Invalid request body", auth)
            return
        if operation == "encrypt-data":
            self.encrypt(request, auth)
        elif operation == "decrypt-data":
            self.decrypt(request, auth)
        else:
            self.kms_error(404, "KMS.0000", "not found", auth)

    def encrypt(self, request, auth):
        key_id = request.get("key_id")
        plain = request.get("plain_text")
        if not isinstance(key_id, str) or not isinstance(plain, str) or not plain:
            self.kms_error(400, "KMS.0201", "Invalid request: key_id and plain_text are required", auth)
            return
        if key_id not in self.server.keys:
            self.kms_error(404, "KMS.0205", f"The key {key_id} does not exist", auth)
            return
        cipher = seal(self.server.secret, key_id, plain.encode())
        self.answer(200, {"key_id": key_id, "cipher_text": cipher}, auth)

    def decrypt(self, request, auth):
        cipher = request.get("cipher_text")
        if not isinstance(cipher, str) or not cipher:
            self.kms_error(400, "KMS.0201", "Invalid request: cipher_text is required", auth)
            return
        opened = unseal(self.server.secret, cipher)
        asked = request.get("key_id")
        if opened is None or (asked and asked != opened[0]):
            self.kms_error(400, "KMS.0207", "Invalid cipher_text", auth)
            return
        key_id, plain = opened
        if key_id not in self.server.keys:
            self.kms_error(404, "KMS.0205", f"The key {key_id} does not exist", auth)
            return
        self.answer(
            200,
            {
                "key_id": key_id,
                "plain_text": plain.decode(),
                "plain_text_base64": base64.b64encode(plain).decode(),
            },
            auth,
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ak", default="test-ak")
    parser.add_argument("--sk", default="test-sk")
    parser.add_argument("--project", default="test-project")
    parser.add_argument("--keys", default="0a1b2c3d-0000-4000-8000-000000000001")
    parser.add_argument("--secret", default="stand-in")
    parser.add_argument("--security-token")
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0)
    parser.add_argument("--log")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.ak = args.ak
    server.sk = args.sk
    server.project = args.project
    server.keys = set(filter(None, args.keys.split(",")))
    server.secret = args.secret.encode()
    server.log_path = args.log
    server.security_token = args.security_token
    server.failures_left = args.fail
    server.fail_status = args.fail_status
    server.delay = args.delay
    server.lock = threading.Lock()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
