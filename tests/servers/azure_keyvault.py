#!/usr/bin/env python3
"""An Azure Key Vault stand-in for tests, with its own Entra ID token endpoint, over TLS.

Needs Python 3 and the `cryptography` package (Debian: python3-cryptography).

At start it makes a throwaway test CA and a leaf certificate for 127.0.0.1 and localhost
(private keys stay in a temporary directory that is removed on exit) and writes the CA
certificate to --ca-out, so clients can trust it (SSL_CERT_FILE). It listens on 127.0.0.1 and
prints the bound port on the first line of stdout.

Serves:
  POST /<tenant>/oauth2/v2.0/token   Entra ID's client-credentials grant, with either a client
                                      secret (client_id + client_secret) or a client assertion
                                      (client_assertion_type jwt-bearer, as workload identity
                                      sends the federated token file's content; it must equal
                                      --federated-token); returns a bearer token, AADSTS
                                      errors otherwise
  GET /msi/token?api-version=2019-08-01&resource=...   App Service's managed-identity endpoint
                                      (point IDENTITY_ENDPOINT at it): requires the
                                      X-IDENTITY-HEADER header to equal --identity-header;
                                      returns {"access_token", "expires_on", "resource",
                                      "token_type", "client_id"} (expires_on a string, as there)
  POST /keys/<name>/<version>/encrypt?api-version=...   {"alg": "RSA-OAEP-256", "value": b64url}
  POST /keys/<name>/<version>/decrypt?api-version=...   -> {"kid": ..., "value": b64url}
Key operations without a bearer token get Key Vault's 401 with a WWW-Authenticate challenge
(as the real service does, and as the SDK expects); a token it does not know gets 401 too.
Known tokens are the ones it issued (per grant) and --cli-token (a token "from the real Entra
ID", as a fake `az` would print it). Each key version is a real RSA-2048 key made on first use,
and RSA-OAEP-256 is real, so a ciphertext only decrypts under the key version that made it (and
only in this server process). Every key-operation answer carries an x-ms-request-id header.

Options:
  --port N          port to bind (default 0: any free port)
  --ca-out PATH     where to write the test CA certificate (PEM); required
  --tenant T        the tenant id (default "00000000-0000-0000-0000-000000000001")
  --client-id C     the accepted client id (default "sops-client")
  --client-secret S the accepted client secret (default "sops-secret")
  --federated-token T  the accepted client assertion (workload identity); none by default
  --identity-header H  the managed-identity endpoint's secret header; none by default (the
                    endpoint then refuses every request)
  --cli-token T     an extra accepted bearer token, credential "azure_cli" in the log
  --keys A,B        key names that exist (default "sops"); others give 404 KeyNotFound
  --fail N          answer the first N authorized key operations with --fail-status
  --fail-status S   the status for those answers, 429 or 5xx (default 500)
  --delay S         sleep S seconds before answering each key operation (default 0)
  --log PATH        append one JSON line per request (kind, path, status, alg, scope,
                    grant, credential: which token authorized a key operation)
"""

import argparse
import base64
import datetime
import ipaddress
import json
import os
import shutil
import ssl
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_certificates(directory, ca_out):
    """A CA and a 127.0.0.1/localhost leaf signed by it; returns (leaf cert, leaf key) paths."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sops-rs test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([
                x509.DNSName("localhost"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            ]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "leaf.pem")
    key_path = os.path.join(directory, "leaf.key")
    with open(cert_path, "wb") as f:
        f.write(leaf.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ))
    tmp = ca_out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp, ca_out)
    return cert_path, key_path


class State:
    def __init__(self, args):
        self.args = args
        self.failures_left = args.fail
        self.lock = threading.Lock()
        self.keys = {}
        self.names = set(n for n in args.keys.split(",") if n)
        # bearer token -> the credential that obtained it
        self.tokens = {}
        if args.cli_token:
            self.tokens[args.cli_token] = "azure_cli"

    def issue(self, credential):
        token = "stand-in-token-%s-%s" % (credential, uuid.uuid4().hex)
        with self.lock:
            self.tokens[token] = credential
        return token

    def credential(self, authorization):
        if not authorization or not authorization.startswith("Bearer "):
            return None
        with self.lock:
            return self.tokens.get(authorization[len("Bearer "):])

    def take_failure(self):
        with self.lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                return True
            return False

    def key(self, name, version):
        with self.lock:
            if (name, version) not in self.keys:
                self.keys[(name, version)] = rsa.generate_private_key(
                    public_exponent=65537, key_size=2048
                )
            return self.keys[(name, version)]


OAEP_256 = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def setup(self):
        self.request.settimeout(30)
        self.request.do_handshake()
        super().setup()

    def log_line(self, **fields):
        log = self.state.args.log
        if log:
            # Logged before answering, so a client that got its answer sees the line.
            with open(log, "a") as f:
                f.write(json.dumps(dict(path=self.path, **fields)) + "\n")

    def reply(self, status, body, headers=()):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/msi/token":
            self.managed_identity(parse_qs(url.query))
        else:
            self.reply(404, {"error": {"code": "NotFound", "message": "no such route"}})

    def managed_identity(self, query):
        """App Service's managed-identity endpoint (api-version 2019-08-01)."""
        args = self.state.args
        resource = query.get("resource", [None])[0]
        secret = self.headers.get("X-IDENTITY-HEADER")
        if not args.identity_header or secret != args.identity_header:
            status, body = 401, {"statusCode": 401,
                                 "message": "Unauthorized: invalid X-IDENTITY-HEADER"}
        elif query.get("api-version", [None])[0] != "2019-08-01" or not resource:
            status, body = 400, {"statusCode": 400,
                                 "message": "api-version 2019-08-01 and resource are required"}
        else:
            status, body = 200, {
                "access_token": self.state.issue("managed_identity"),
                "expires_on": str(int(time.time()) + 3600),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": query.get("client_id", ["00000000-0000-0000-0000-00000000a11c"])[0],
            }
        self.log_line(kind="managed_identity", status=status, scope=resource)
        self.reply(status, body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
            self.token(parts[0], raw)
        elif len(parts) == 4 and parts[0] == "keys" and parts[3] in ("encrypt", "decrypt"):
            self.key_operation(parts[1], parts[2], parts[3], raw)
        else:
            self.reply(404, {"error": {"code": "NotFound", "message": "no such route"}})

    def token(self, tenant, raw):
        args = self.state.args
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        scope = form.get("scope")
        if tenant != args.tenant:
            status, body = 400, {
                "error": "invalid_request",
                "error_description": "AADSTS90002: Tenant '%s' not found." % tenant,
                "error_codes": [90002],
            }
        elif form.get("grant_type") != "client_credentials" or not scope:
            status, body = 400, {
                "error": "invalid_request",
                "error_description": "AADSTS900144: The request body must contain grant_type and scope.",
                "error_codes": [900144],
            }
        elif form.get("client_id") != args.client_id:
            status, body = 400, {
                "error": "unauthorized_client",
                "error_description": "AADSTS700016: Application with identifier '%s' was not found."
                % form.get("client_id"),
                "error_codes": [700016],
            }
        elif "client_assertion_type" in form:
            if form.get("client_assertion_type") != ASSERTION_TYPE:
                status, body = 400, {
                    "error": "invalid_request",
                    "error_description": "AADSTS50027: Invalid client_assertion_type.",
                    "error_codes": [50027],
                }
            elif not args.federated_token or form.get("client_assertion") != args.federated_token:
                status, body = 400, {
                    "error": "invalid_client",
                    "error_description": "AADSTS700211: No matching federated identity record "
                                         "found for presented assertion issuer.",
                    "error_codes": [700211],
                }
            else:
                status, body = 200, self.token_body("workload_identity")
        elif form.get("client_secret") != args.client_secret:
            status, body = 401, {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.",
                "error_codes": [7000215],
            }
        else:
            status, body = 200, self.token_body("client_secret")
        grant = "client_assertion" if "client_assertion_type" in form else "client_secret"
        self.log_line(kind="token", status=status, scope=scope, grant=grant)
        self.reply(status, body)

    def token_body(self, credential):
        return {
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": self.state.issue(credential),
        }

    def key_operation(self, name, version, operation, raw):
        args = self.state.args
        request_id = str(uuid.uuid4())
        headers = [("x-ms-request-id", request_id)]
        challenge = (
            "WWW-Authenticate",
            'Bearer authorization="https://login.microsoftonline.com/%s", '
            'resource="https://vault.azure.net"' % args.tenant,
        )
        auth = self.headers.get("Authorization")
        if not auth:
            self.log_line(kind=operation, status=401, authorized=False)
            self.reply(401, {"error": {"code": "Unauthorized",
                                       "message": "AKV10000: Request is missing a Bearer or PoP token."}},
                       headers + [challenge])
            return
        credential = self.state.credential(auth)
        if not credential:
            self.log_line(kind=operation, status=401, authorized=False)
            self.reply(401, {"error": {"code": "Unauthorized",
                                       "message": "AKV10032: Invalid issuer."}},
                       headers + [challenge])
            return
        if args.delay:
            time.sleep(args.delay)
        if self.state.take_failure():
            status = args.fail_status
            self.log_line(kind=operation, status=status, authorized=True, credential=credential)
            self.reply(status, {"error": {"code": "Throttled" if status == 429 else "InternalError",
                                          "message": "stand-in failure %d" % status}}, headers)
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        alg = body.get("alg") if isinstance(body, dict) else None
        value = body.get("value") if isinstance(body, dict) else None

        def answer(status, payload):
            self.log_line(kind=operation, status=status, authorized=True, alg=alg,
                          request_id=request_id, credential=credential)
            self.reply(status, payload, headers)

        if name not in self.state.names:
            answer(404, {"error": {"code": "KeyNotFound",
                                   "message": "A key with (name/id) %s was not found in this key vault." % name}})
            return
        if alg != "RSA-OAEP-256" or not isinstance(value, str):
            answer(400, {"error": {"code": "BadParameter",
                                   "message": "Property 'alg' must be RSA-OAEP-256 and 'value' a string."}})
            return
        try:
            data = unb64url(value)
        except ValueError:
            answer(400, {"error": {"code": "BadParameter", "message": "Property 'value' is not base64url."}})
            return
        key = self.state.key(name, version)
        host = self.headers.get("Host", "127.0.0.1")
        kid = "https://%s/keys/%s/%s" % (host, name, version)
        if operation == "encrypt":
            result = key.public_key().encrypt(data, OAEP_256)
        else:
            try:
                result = key.decrypt(data, OAEP_256)
            except ValueError:
                answer(400, {"error": {"code": "BadParameter", "message": "Decryption failed."}})
                return
        answer(200, {"kid": kid, "value": b64url(result)})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that distrust the CA or give up on a slow answer are part of the tests.
        if isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ca-out", required=True)
    parser.add_argument("--tenant", default="00000000-0000-0000-0000-000000000001")
    parser.add_argument("--client-id", default="sops-client")
    parser.add_argument("--client-secret", default="sops-secret")
    parser.add_argument("--federated-token")
    parser.add_argument("--identity-header")
    parser.add_argument("--cli-token")
    parser.add_argument("--keys", default="sops")
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--log")
    args = parser.parse_args()
    Handler.state = State(args)
    directory = tempfile.mkdtemp(prefix="azure-kv-stand-in-")
    try:
        cert, key = make_certificates(directory, args.ca_out)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    finally:
        # The leaf's private key is loaded; nothing needs it on disk any more.
        shutil.rmtree(directory, ignore_errors=True)
    server = Server(("127.0.0.1", args.port), Handler)
    # The handshake runs in the request's thread, so a client that stalls cannot block the rest.
    server.socket = context.wrap_socket(
        server.socket, server_side=True, do_handshake_on_connect=False
    )
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
