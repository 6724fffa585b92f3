"""Checks the sandbox's signed status callbacks with Twilio's official Python validator
(`pip install twilio`: `twilio.request_validator.RequestValidator`).

Not part of CI (it needs PyPI). It listens on 127.0.0.1 itself and runs the sandbox:

    cargo build --release --bin twilio-api
    python3 tests/interop/official_python_webhooks.py target/release/twilio-api

It exits non-zero unless every status callback the sandbox sends validates, and the sandbox
reports them all answered 2xx.
"""
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

binary = sys.argv[1]
results = []
ready = threading.Event()
auth_token = None


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        ready.wait(10)
        length = int(self.headers["Content-Length"])
        params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
        url = f"http://127.0.0.1:{self.server.server_port}{self.path}"
        valid = RequestValidator(auth_token).validate(
            url, params, self.headers["X-Twilio-Signature"])
        results.append((valid, params.get("CallSid"), params.get("CallStatus")))
        self.send_response(204 if valid else 403)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
hook = f"http://127.0.0.1:{server.server_port}/twilio/status?tenant=interop"
sandbox = subprocess.Popen(
    [binary, "sandbox", "serve", "--bind", "127.0.0.1:0", "--calls", "4",
     "--webhook-url", hook],
    stdout=subprocess.PIPE, text=True)
try:
    report = None
    for line in sandbox.stdout:
        if line.strip().startswith("auth token:"):
            auth_token = line.split(":", 1)[1].strip()
            ready.set()
        if line.startswith("status callbacks:"):
            report = line.strip()
            break
finally:
    sandbox.kill()
    sandbox.wait()
assert results and all(valid for valid, _, _ in results), results
sent = int(report.split()[2])
assert report == f"status callbacks: {sent} sent, {sent} answered 2xx", report
assert len(results) == sent, (len(results), sent)
print(f"ok: twilio {__import__('twilio').__version__}'s RequestValidator validated all {sent} "
      f"status callbacks of the sandbox (first: {results[0][1]} {results[0][2]})")
