#!/usr/bin/python3
"""A local SMTP server for tests (Debian's python3-aiosmtpd) that keeps every message.

Each message received is written to DIR as N.eml (the raw bytes) and N.json
({"mail_from", "rcpt_tos", "from", "to", "subject", "body"}: headers and the text body
decoded by Python's e-mail parser, so a test checks what a mail reader would show).
Files appear whole (written under a temporary name, then renamed).

Standalone, on a port of its own choosing (written to DIR/port once it listens):
    /usr/bin/python3 smtp_sink.py DIR [--auth USER:PASSWORD] [--tls CERT KEY]
With --auth the server offers AUTH PLAIN/LOGIN (without TLS: a loopback test server)
and refuses mail from clients that did not log in with those credentials. With --tls it
offers STARTTLS with that certificate and refuses mail before it.

As a handler of aiosmtpd's own command line:
    PYTHONPATH=tests/servers python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIR
"""
import asyncio
import email
import email.policy
import itertools
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)
        os.makedirs(directory, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the directory for messages")
        return cls(args[0])

    def _write(self, name, data):
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.directory, name))

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "subject": str(message.get("Subject", "")),
            "body": body.get_content() if body is not None else "",
        }
        self._write("%d.eml" % n, raw)
        self._write("%d.json" % n, json.dumps(record).encode("utf-8"))
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
              and auth_data.password == self.password)
        return AuthResult(success=ok, handled=False)


async def serve(directory, auth, tls):
    handler = Sink(directory)
    kwargs = {}
    if auth:
        user, _, password = auth.partition(":")
        kwargs = dict(authenticator=Authenticator(user, password), auth_required=True,
                      auth_require_tls=False)
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls[0], tls[1])
        kwargs.update(tls_context=context, require_starttls=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **kwargs), host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(directory, ".port.tmp")
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, os.path.join(directory, "port"))
    async with server:
        await server.serve_forever()


def main():
    args = sys.argv[1:]
    auth = ""
    if "--auth" in args:
        i = args.index("--auth")
        auth = args[i + 1]
        del args[i:i + 2]
    tls = None
    if "--tls" in args:
        i = args.index("--tls")
        tls = (args[i + 1], args[i + 2])
        del args[i:i + 3]
    if len(args) != 1:
        sys.exit("usage: smtp_sink.py DIR [--auth USER:PASSWORD] [--tls CERT KEY]")
    os.makedirs(args[0], exist_ok=True)
    try:
        asyncio.run(serve(args[0], auth, tls))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
