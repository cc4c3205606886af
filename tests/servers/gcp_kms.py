#!/usr/bin/env python3
"""A Google Cloud KMS stand-in for tests, with Google's token endpoints: OAuth 2.0 refresh
tokens, self-signed service-account JWTs, and the GCE metadata server.

Needs Python 3; service accounts (--service-account-out) also need the `cryptography` package
(Debian: python3-cryptography).

It is a stand-in, not an emulator and not encryption. It speaks the Cloud KMS v1 REST shape:

  POST /v1/projects/P/locations/L/keyRings/R/cryptoKeys/K:encrypt  {"plaintext": b64}
       -> 200 {"name": ".../cryptoKeyVersions/1", "ciphertext": b64, ...}
  POST /v1/projects/P/locations/L/keyRings/R/cryptoKeys/K:decrypt  {"ciphertext": b64}
       -> 200 {"plaintext": b64, ...}

(the official clients add `?$alt=json;enum-encoding=int`, which asks for enums as numbers).
Errors use Google's envelope: {"error": {"code": 403, "message": "...", "status":
"PERMISSION_DENIED"}}. Request checksums (`plaintextCrc32c`, ...) are not checked.

"Authorization: Bearer <token>" is required on KMS calls. Accepted:
  * the --token value (a ready access token, like GOOGLE_OAUTH_ACCESS_TOKEN);
  * an access token this process issued at its token endpoint or metadata server;
  * a self-signed JWT of a service account from --service-account-out: RS256 signed with that
    account's key (checked against its public key), kid = private_key_id, iss = sub = its
    client_email, exp in the future and at most about an hour after iat, and either the
    cloud-platform scope or aud = https://cloudkms.googleapis.com/ (what Google's client
    libraries send instead of exchanging the JWT at token_uri).
A JWT that fails any check gets 401 UNAUTHENTICATED; any other token 403 PERMISSION_DENIED.

Token endpoints:
  POST /token  OAuth 2.0 refresh-token grant (form or JSON body, as Google's endpoint takes
               both): checks client_id, client_secret and refresh_token (--client-id,
               --client-secret, --refresh-token), returns {"access_token", "expires_in",
               "token_type": "Bearer"}; invalid_client / invalid_grant errors otherwise.
  GET /computeMetadata/v1/instance/service-accounts/default/token   the metadata server (point
               GCE_METADATA_HOST at 127.0.0.1:PORT); requires "Metadata-Flavor: Google" (403
               without it, as the real one), returns {"access_token", "expires_in", "token_type"}.
  GET /computeMetadata/v1/universe/universe-domain   "googleapis.com".

The "ciphertext" is the plaintext XORed with a pad derived from a per-process random secret and
the key name, followed by a 16-byte SHA-256 checksum over (key name, plaintext). A ciphertext
therefore only decrypts under the key name that made it, and only in the process that made it
(use --secret to share one between processes). This protects nothing; it only lets tests tell a
right key from a wrong one.

Every KMS answer carries an "x-goog-request-id" header (a fresh UUID). Note: the real Cloud KMS
does not promise that header; the client reads it where present.

It listens on 127.0.0.1 and prints the bound port on the first line of stdout (after writing the
files below, so they exist once the port is printed).

Options:
  --port N                    port to bind (default 0: any free port)
  --token T                   the accepted ready access token (default "test-token")
  --secret HEX                the pad secret (default: random per process)
  --fail N                    answer the first N KMS requests with --fail-status (default 0)
  --fail-status S             the status for those answers, 429 or 5xx (default 500)
  --delay S                   sleep S seconds before answering each KMS request (default 0)
  --service-account-out PATH  make a throwaway RSA-2048 service account, trust its public key,
                              and write its key file (type service_account, with this server's
                              token_uri) to PATH
  --authorized-user-out PATH  write an authorized_user credentials file (gcloud's ADC format)
                              with the accepted client id, secret, refresh token and this
                              server's token_uri to PATH
  --client-id, --client-secret, --refresh-token   the accepted refresh-token grant
  --log PATH                  append one JSON line per request: kind (kms, token, metadata),
                              method, path, query, status, credential (how a KMS call was
                              authenticated: access_token, authorized_user, metadata,
                              service_account:EMAIL), error, api_client, request_id
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
from urllib.parse import parse_qs, urlsplit

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
MDS_TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"
MDS_UNIVERSE_PATH = "/computeMetadata/v1/universe/universe-domain"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
KMS_AUDIENCE = "https://cloudkms.googleapis.com/"
SERVICE_ACCOUNT_EMAIL = "sops-test@stand-in-project.iam.gserviceaccount.com"
CHECK_LEN = 16
# The enum PROTECTION_LEVEL SOFTWARE, by name and by number.
SOFTWARE = ("SOFTWARE", 1)


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


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2)
    os.replace(tmp, path)


class ServiceAccount:
    """A throwaway service account: its key file for the client, its public key for us."""

    def __init__(self, port):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = key.public_key()
        self.key_id = uuid.uuid4().hex
        self.email = SERVICE_ACCOUNT_EMAIL
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.key_file = {
            "type": "service_account",
            "project_id": "stand-in-project",
            "private_key_id": self.key_id,
            "private_key": pem,
            "client_email": self.email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "http://127.0.0.1:%d/token" % port,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/sops-test",
            "universe_domain": "googleapis.com",
        }

    def check_jwt(self, token):
        """None when the self-signed JWT is valid for Cloud KMS, else why not."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        try:
            head_b64, claims_b64, sig_b64 = token.split(".")
            head = json.loads(unb64url(head_b64))
            claims = json.loads(unb64url(claims_b64))
            signature = unb64url(sig_b64)
        except ValueError:
            return "malformed JWT"
        if head.get("alg") != "RS256" or head.get("kid") != self.key_id:
            return "unknown key id or algorithm"
        try:
            self.public_key.verify(
                signature,
                (head_b64 + "." + claims_b64).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return "invalid JWT signature"
        if claims.get("iss") != self.email or claims.get("sub") != self.email:
            return "iss and sub must be the service account"
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int):
            return "iat and exp are required"
        if exp <= now or iat > now + 60 or exp - iat > 3600 + 300:
            return "the JWT is expired or not yet valid"
        scopes = (claims.get("scope") or "").split()
        if CLOUD_PLATFORM not in scopes and claims.get("aud") != KMS_AUDIENCE:
            return "the JWT is not for Cloud KMS (scope or aud)"
        return None


class State:
    def __init__(self, args):
        self.args = args
        self.secret = bytes.fromhex(args.secret) if args.secret else os.urandom(32)
        self.failures_left = args.fail
        self.lock = threading.Lock()
        self.service_account = None
        # access token -> how it was obtained
        self.issued = {}

    def take_failure(self):
        with self.lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                return True
            return False

    def issue(self, how):
        token = "ya29.stand-in-%s-%s" % (how, uuid.uuid4().hex)
        with self.lock:
            self.issued[token] = how
        return token

    def credential(self, authorization):
        """(credential kind, None) for an accepted bearer token, else (None, (status, why))."""
        if not authorization or not authorization.startswith("Bearer "):
            return None, (403, "no bearer token")
        token = authorization[len("Bearer "):]
        if token == self.args.token:
            return "access_token", None
        with self.lock:
            how = self.issued.get(token)
        if how:
            return how, None
        if token.count(".") == 2 and self.service_account:
            why = self.service_account.check_jwt(token)
            if why:
                return None, (401, why)
            return "service_account:" + self.service_account.email, None
        return None, (403, "unknown token")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def log_line(self, kind, status, **fields):
        log = self.state.args.log
        if log:
            url = urlsplit(self.path)
            line = dict(kind=kind, method=self.command, path=url.path, query=url.query,
                        status=status, **fields)
            # Logged before answering, so a client that got its answer sees the line.
            with open(log, "a") as f:
                f.write(json.dumps(line) + "\n")

    def send(self, status, payload, content_type, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def reply(self, status, body, headers=()):
        self.send(status, json.dumps(body).encode(), "application/json; charset=UTF-8", headers)

    def kms_reply(self, status, body, **fields):
        request_id = str(uuid.uuid4())
        self.log_line("kms", status, api_client=self.headers.get("x-goog-api-client"),
                      request_id=request_id, **fields)
        self.reply(status, body, [("x-goog-request-id", request_id)])

    def kms_error(self, status, message, **fields):
        self.kms_reply(status, {"error": {
            "code": status,
            "message": message,
            "status": STATUS_NAMES.get(status, "UNKNOWN"),
        }}, error=message, **fields)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path not in (MDS_TOKEN_PATH, MDS_UNIVERSE_PATH):
            self.log_line("other", 404)
            self.send(404, b"Not Found", "text/plain")
            return
        if self.headers.get("Metadata-Flavor") != "Google":
            self.log_line("metadata", 403, error="missing Metadata-Flavor")
            self.send(403, b"Missing Metadata-Flavor:Google header.", "text/html")
            return
        flavor = [("Metadata-Flavor", "Google")]
        if url.path == MDS_UNIVERSE_PATH:
            self.log_line("metadata", 200)
            self.send(200, b"googleapis.com", "application/text", flavor)
            return
        token = self.state.issue("metadata")
        self.log_line("metadata", 200)
        body = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        self.send(200, json.dumps(body).encode(), "application/json", flavor)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        if path == "/token":
            self.token(raw)
            return
        args = self.state.args
        if args.delay:
            time.sleep(args.delay)
        if self.state.take_failure():
            self.kms_error(args.fail_status, "stand-in failure %d" % args.fail_status)
            return
        match = KEY_PATH.match(path)
        if not match:
            self.kms_error(404, "The requested URL was not found on this server.")
            return
        name, operation = match.group(1), match.group(2)
        credential, denied = self.state.credential(self.headers.get("Authorization"))
        if denied:
            status, why = denied
            if status == 401:
                message = ("Request had invalid authentication credentials. Expected OAuth 2 "
                           "access token, login cookie or other valid authentication credential.")
            else:
                message = ("Permission 'cloudkms.cryptoKeyVersions.use%s' denied on resource "
                           "'%s' (or it may not exist)."
                           % ("ToEncrypt" if operation == "encrypt" else "ToDecrypt", name))
            self.kms_error(status, message, reason=why)
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self.kms_error(400, "Invalid JSON payload received.", credential=credential)
            return
        field = "plaintext" if operation == "encrypt" else "ciphertext"
        value = body.get(field)
        if not isinstance(value, str) or not value:
            self.kms_error(400, "%s is required." % field, credential=credential)
            return
        try:
            data = base64.b64decode(value, validate=True)
        except ValueError:
            self.kms_error(400, "Invalid value at '%s' (TYPE_BYTES), Base64 decoding failed."
                           % field, credential=credential)
            return
        alt = parse_qs(urlsplit(self.path).query).get("$alt", [""])[0]
        level = SOFTWARE[1] if "enum-encoding=int" in alt else SOFTWARE[0]
        if operation == "encrypt":
            self.kms_reply(200, {
                "name": name + "/cryptoKeyVersions/1",
                "ciphertext": base64.b64encode(seal(self.state.secret, name, data)).decode(),
                "verifiedPlaintextCrc32c": False,
                "protectionLevel": level,
            }, credential=credential)
            return
        plaintext = open_sealed(self.state.secret, name, data)
        if plaintext is None:
            self.kms_error(400, "Decryption failed: the ciphertext is invalid.",
                           credential=credential)
            return
        self.kms_reply(200, {
            "plaintext": base64.b64encode(plaintext).decode(),
            "usedPrimary": True,
            "protectionLevel": level,
        }, credential=credential)

    def token(self, raw):
        """Google's OAuth 2.0 token endpoint, refresh-token grant only."""
        args = self.state.args
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                form = json.loads(raw or b"{}")
            except ValueError:
                form = {}
        else:
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if not isinstance(form, dict):
            form = {}
        grant = form.get("grant_type")
        if grant != "refresh_token":
            status, body = 400, {"error": "unsupported_grant_type",
                                 "error_description": "Invalid grant_type: %s" % grant}
        elif form.get("client_id") != args.client_id or form.get("client_secret") != args.client_secret:
            status, body = 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        elif form.get("refresh_token") != args.refresh_token:
            status, body = 400, {"error": "invalid_grant", "error_description": "Bad Request"}
        else:
            status, body = 200, {
                "access_token": self.state.issue("authorized_user"),
                "expires_in": 3599,
                "scope": CLOUD_PLATFORM,
                "token_type": "Bearer",
            }
        self.log_line("token", status, grant_type=grant, error=body.get("error"))
        self.reply(status, body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that give up on a slow answer are part of the tests.
        if isinstance(sys.exc_info()[1], (ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--secret")
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--service-account-out")
    parser.add_argument("--authorized-user-out")
    parser.add_argument("--client-id", default="stand-in-client.apps.googleusercontent.com")
    parser.add_argument("--client-secret", default="stand-in-client-secret")
    parser.add_argument("--refresh-token", default="stand-in-refresh-token")
    parser.add_argument("--log")
    args = parser.parse_args()
    state = State(args)
    Handler.state = state
    server = Server(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    if args.service_account_out:
        state.service_account = ServiceAccount(port)
        write_json(args.service_account_out, state.service_account.key_file)
    if args.authorized_user_out:
        write_json(args.authorized_user_out, {
            "type": "authorized_user",
            "client_id": args.client_id,
            "client_secret": args.client_secret,
            "refresh_token": args.refresh_token,
            "token_uri": "http://127.0.0.1:%d/token" % port,
            "universe_domain": "googleapis.com",
        })
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
