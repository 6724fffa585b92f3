"""Twilio's official Python SDK (`pip install twilio`) against `twilio-api sandbox serve`:
it creates, fetches, lists and removes a message, and its `RequestValidator` accepts every
status callback the sandbox sends for it (queued → sending → sent → delivered).

    python3 tests/interop/official_python_sandbox.py target/debug/twilio-api

It starts the sandbox itself (`sandbox serve --bind 127.0.0.1:0`), reads its URL and
credentials from what it prints, and exits non-zero on the first difference.
"""
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl

from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

cli = sys.argv[1]
server = subprocess.Popen(
    [cli, "sandbox", "serve", "--bind", "127.0.0.1:0"],
    stdout=subprocess.PIPE,
    text=True,
)
try:
    base = account = token = None
    while not (base and account and token):
        line = server.stdout.readline()
        if not line:
            raise SystemExit("sandbox serve exited before printing its credentials")
        if "listening on" in line:
            base = line.split("listening on", 1)[1].strip()
        elif line.strip().startswith("account SID:"):
            account = line.split(":", 1)[1].strip()
        elif line.strip().startswith("auth token:"):
            token = line.split(":", 1)[1].strip()

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

    client = Client(account, token)
    client.api.base_url = base  # the SDK's own base-URL hook (its Domain object)

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

    print(f"twilio-python against the sandbox: message {message.sid} created, fetched, listed, "
          f"{len(received)} signed callbacks validated, removed")
finally:
    server.terminate()
    server.wait()
