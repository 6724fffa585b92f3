"""Twilio's official Python SDK (`pip install twilio`) against `twilio-api sandbox serve`:
it creates, fetches, lists and removes a message, its `RequestValidator` accepts every
status callback the sandbox sends for it (queued → sending → sent → delivered), and it
reaches another product (a Verify service, a verification approved with the sandbox's code).

Every product goes through one HTTP client (`SandboxHttpClient`, the SDK's own hook): each
request for `https://{label}.twilio.com/...` is sent to the sandbox's address with the `Host`
`{label}.localhost:PORT`, which is how the sandbox tells products apart, so no name under
`localhost` needs to resolve on the machine.

    python3 tests/interop/official_python_sandbox.py target/debug/twilio-api

It starts the sandbox itself (`sandbox serve --bind 127.0.0.1:0`), reads its URL and
credentials from what it prints, and exits non-zero on the first difference.
"""
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client


class SandboxHttpClient(TwilioHttpClient):
    """Sends each of Twilio's hosts to the sandbox on 127.0.0.1:PORT, its product named by
    the Host header ({label}.localhost:PORT): api.twilio.com is the 2010-04-01 API,
    verify.twilio.com Verify, and so on."""

    def __init__(self, port):
        super().__init__()
        self.port = port

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        parts = urlsplit(url)
        label = parts.hostname.split(".")[0]
        headers = dict(headers or {}, Host=f"{label}.localhost:{self.port}")
        url = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
        return super().request(method, url, params, data, headers, auth, timeout,
                               allow_redirects)

cli = sys.argv[1]
server = subprocess.Popen(
    [cli, "sandbox", "serve", "--bind", "127.0.0.1:0"],
    stdout=subprocess.PIPE,
    text=True,
)
try:
    base = account = token = code = None
    while not (base and account and token and code):
        line = server.stdout.readline()
        if not line:
            raise SystemExit("sandbox serve exited before printing its credentials")
        if "listening on" in line:
            base = line.split("listening on", 1)[1].strip()
        elif line.strip().startswith("account SID:"):
            account = line.split(":", 1)[1].strip()
        elif line.strip().startswith("auth token:"):
            token = line.split(":", 1)[1].strip()
        elif line.strip().startswith("Verify code:"):
            code = line.split(":", 1)[1].strip()
    assert base.startswith("http://localhost:"), base
    port = int(base.rsplit(":", 1)[1])

    validator = RequestValidator(token)
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            params = dict(parse_qsl(body, keep_blank_values=True))
            url = f"http://127.0.0.1:{self.server.server_port}{self.path}"
            valid = validator.validate(url, params, self.headers.get("X-Twilio-Signature", ""))
            received.append((valid, params))
            self.send_response(200 if valid else 403)
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    callback = f"http://127.0.0.1:{hook.server_port}/status?tenant=python"

    client = Client(account, token, http_client=SandboxHttpClient(port))

    message = client.messages.create(
        to="+15005550010", from_="+15005550006", body="Héllo from twilio-python & co",
        status_callback=callback,
    )
    assert message.sid.startswith("SM"), message.sid
    assert message.status == "queued", message.status
    assert message.body == "Héllo from twilio-python & co", message.body

    fetched = client.messages(message.sid).fetch()
    assert fetched.sid == message.sid and fetched.to == "+15005550010", fetched

    listed = client.messages.list(to="+15005550010", limit=20)
    assert [m.sid for m in listed] == [message.sid], [m.sid for m in listed]

    # Test numbers answer as Twilio's test credentials do.
    try:
        client.messages.create(to="+15005550009", from_="+15005550006", body="x")
        raise SystemExit("a message to +15005550009 was accepted")
    except TwilioRestException as error:
        assert (error.status, error.code) == (400, 21614), (error.status, error.code)

    deadline = time.time() + 10
    while len(received) < 3 and time.time() < deadline:
        time.sleep(0.05)
    statuses = [params["MessageStatus"] for _, params in received]
    assert statuses == ["sending", "sent", "delivered"], statuses
    assert all(valid for valid, _ in received), "a callback's signature was refused"
    assert all(params["MessageSid"] == message.sid for _, params in received)

    assert client.messages(message.sid).fetch().status == "delivered"
    assert client.messages(message.sid).delete() is True
    try:
        client.messages(message.sid).fetch()
        raise SystemExit("a removed message was fetched")
    except TwilioRestException as error:
        assert (error.status, error.code) == (404, 20404), (error.status, error.code)

    # Another product: a Verify service, a verification, approved with the sandbox's code.
    service = client.verify.v2.services.create(friendly_name="twilio-python")
    assert service.sid.startswith("VA"), service.sid
    assert service.url == f"http://verify.localhost:{port}/v2/Services/{service.sid}", service.url
    verification = client.verify.v2.services(service.sid).verifications.create(
        to="+15005550006", channel="sms")
    assert verification.status == "pending", verification.status
    check = client.verify.v2.services(service.sid).verification_checks.create(
        to="+15005550006", code=code)
    assert check.status == "approved" and check.valid is True, (check.status, check.valid)
    services = client.verify.v2.services.list(limit=5)
    assert [s.sid for s in services] == [service.sid], [s.sid for s in services]

    print(f"twilio-python against the sandbox: message {message.sid} created, fetched, listed, "
          f"{len(received)} signed callbacks validated, removed; Verify service {service.sid}: "
          f"a verification approved")
finally:
    server.terminate()
    server.wait()
