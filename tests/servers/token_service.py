#!/usr/bin/env python3
"""A tiny Docker registry token service for tests (distribution's `auth.token`).

token_service.py PORT KEY CERT ISSUER SERVICE USER PASSWORD [TTL_SECONDS]

GET /token?service=S&scope=repository:NAME:pull,push... with HTTP basic USER:PASSWORD
answers {"token": JWT, "access_token": JWT, "expires_in": TTL, "issued_at": ...}: an RS256
JWT signed with KEY, its certificate CERT in the x5c header (the registry trusts CERT
through rootcertbundle), granting every requested action. Without credentials it
grants nothing (the registry then answers 401); wrong credentials get a 401 here.
Each issued token is logged as one line "issued <scopes>" on stdout (tests count them).
Binds 127.0.0.1 only.
"""
import base64
import http.server
import json
import sys
import time
import urllib.parse
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

PORT, KEY, CERT, ISSUER, SERVICE, USER, PASSWORD = sys.argv[1:8]
TTL = int(sys.argv[8]) if len(sys.argv) > 8 else 300

with open(KEY, "rb") as f:
    PRIVATE_KEY = serialization.load_pem_private_key(f.read(), password=None)
with open(CERT, "rb") as f:
    CERT_DER = x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(subject: str, access: list) -> str:
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(CERT_DER).decode()]}
    claims = {"iss": ISSUER, "sub": subject, "aud": SERVICE, "exp": now + TTL, "nbf": now - 10,
              "iat": now, "jti": uuid.uuid4().hex, "access": access}
    signing_input = (b64url(json.dumps(header).encode()) + "." +
                     b64url(json.dumps(claims).encode())).encode()
    signature = PRIVATE_KEY.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return signing_input.decode() + "." + b64url(signature)


def parse_scope(scope: str):
    # repository:name:pull,push  (name may hold ':' only for host:port, which it never does here)
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    if not kind or not name:
        return None
    return {"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: only our own lines
        pass

    def reply(self, code: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path != "/token":
            return self.reply(404, {"error": "not found"})
        query = urllib.parse.parse_qs(url.query)
        auth = self.headers.get("Authorization", "")
        subject = ""
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                user, password = "", ""
            if user != USER or password != PASSWORD:
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED",
                                                    "message": "bad credentials"}]})
            subject = user
        access = []
        if subject:
            for scope in query.get("scope", []):
                for one in scope.split(" "):
                    parsed = parse_scope(one)
                    if parsed:
                        access.append(parsed)
        token = make_jwt(subject, access)
        print("issued " + " ".join(query.get("scope", [])) + (" user" if subject else " anonymous"),
              flush=True)
        self.reply(200, {"token": token, "access_token": token, "expires_in": TTL,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
