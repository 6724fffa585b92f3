"""Lists a sandbox call's events with Twilio's official Python SDK (`pip install twilio`).

Not part of CI (it needs PyPI). Run it against `twilio-api sandbox serve`:

    cargo run --release --bin twilio-api -- sandbox serve --bind 127.0.0.1:8080 &
    python3 tests/interop/official_python_sdk.py http://127.0.0.1:8080 \
        ACc6483cf95ffd29dce0a9d623856ad3eb 1bdd4ed4da7200732c3252c9ec4d0d44 \
        CA8fcfd684fbd033f307bbf98488433b5f 72

It exits non-zero unless the SDK pages through every event, honours a limit, and reads the
typed fields the way it does from api.twilio.com.
"""
import sys

from twilio.rest import Client

base, account, token, call, expected = sys.argv[1:6]
expected = int(expected)
client = Client(account, token)
client.api.base_url = base  # the SDK's own base-URL hook (its Domain object)

events = list(client.calls(call).events.list(page_size=20))
assert len(events) == expected, (len(events), expected)
first, last = events[0], events[-1]
assert first.request["method"] and first.request["url"].startswith("https://")
assert isinstance(last.response["response_code"], int)
limited = list(client.calls(call).events.stream(limit=45, page_size=10))
assert len(limited) == min(45, expected), len(limited)
page = client.calls(call).events.page(page_size=30)
assert (page.next_page_url is not None) == (expected > 30)
print(f"ok: the official Python SDK {__import__('twilio').__version__} listed {len(events)} events "
      f"over {-(-expected // 20)} pages; first {first.request['method']} {first.request['url']}")
