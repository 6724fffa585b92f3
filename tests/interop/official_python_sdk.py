"""Lists a sandbox's data with Twilio's official Python SDK (`pip install twilio`): a call's
events, then the calls, recordings and messages, with filters, as a Twilio user would.

Not part of CI (it needs PyPI). Run it against `twilio-api sandbox serve` (default data):

    cargo run --release --bin twilio-api -- sandbox serve --bind 127.0.0.1:8080 &
    python3 tests/interop/official_python_sdk.py http://127.0.0.1:8080 \
        ACc6483cf95ffd29dce0a9d623856ad3eb 1bdd4ed4da7200732c3252c9ec4d0d44 \
        CA8fcfd684fbd033f307bbf98488433b5f 72

It exits non-zero unless the SDK pages through every event, call, recording and message
(the same items, in the same order, as the raw pages), honours a limit, reads the typed
fields the way it does from api.twilio.com, and its filters (status, phone numbers with
`+`, dates as `StartTime>=` / `DateSent>=` / `DateCreated>=`) select what the filtered
lists should hold, computed here from the unfiltered ones.
"""
import base64
import json
import sys
import urllib.request
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from twilio.rest import Client

base, account, token, call, expected = sys.argv[1:6]
expected = int(expected)
client = Client(account, token)
client.api.base_url = base  # the SDK's own base-URL hook (its Domain object)

# A call's events.
events = list(client.calls(call).events.list(page_size=20))
assert len(events) == expected, (len(events), expected)
first, last = events[0], events[-1]
assert first.request["method"] and first.request["url"].startswith("https://")
assert isinstance(last.response["response_code"], int)
limited = list(client.calls(call).events.stream(limit=45, page_size=10))
assert len(limited) == min(45, expected), len(limited)
page = client.calls(call).events.page(page_size=30)
assert (page.next_page_url is not None) == (expected > 30)

# The raw pages, without the SDK: what the typed listings must match.
AUTH = "Basic " + base64.b64encode(f"{account}:{token}".encode()).decode()


def raw(path, key):
    items, uri, pages = [], path, 0
    while uri:
        request = urllib.request.Request(base + uri, headers={"Authorization": AUTH})
        with urllib.request.urlopen(request) as response:
            body = json.load(response)
        items += body[key]
        uri = body.get("next_page_uri")
        pages += 1
    return items, pages


def when(text):
    return parsedate_to_datetime(text) if text else None


root = f"/2010-04-01/Accounts/{account}"
since = datetime(2021, 1, 1, tzinfo=timezone.utc)

# Calls: every page, typed fields, filters.
raw_calls, call_pages = raw(f"{root}/Calls.json", "calls")
assert call_pages >= 3 and len(raw_calls) > 100, (call_pages, len(raw_calls))
calls = list(client.calls.list(page_size=50))
assert [c.sid for c in calls] == [c["sid"] for c in raw_calls]
assert call in [c.sid for c in calls], "the events' call is a call of Calls.json"
assert all(isinstance(c.date_created, datetime) for c in calls)
assert {c.status for c in calls} >= {"completed", "busy"}, {c.status for c in calls}
completed = list(client.calls.list(status="completed", start_time_after=since, page_size=20))
assert [c.sid for c in completed] == [
    c["sid"] for c in raw_calls
    if c["status"] == "completed" and c["start_time"] and when(c["start_time"]) >= since
]
assert completed and all(c.start_time >= since for c in completed)
to = raw_calls[3]["to"]
assert to.startswith("+")
assert [c.sid for c in client.calls.list(to=to)] == [c["sid"] for c in raw_calls if c["to"] == to]
fetched = client.calls(call).fetch()
assert fetched.sid == call and fetched.to == [c["to"] for c in raw_calls if c["sid"] == call][0]

# Recordings: every page, under the account and under their calls.
raw_recordings, recording_pages = raw(f"{root}/Recordings.json", "recordings")
assert recording_pages >= 2 and len(raw_recordings) > 50, (recording_pages, len(raw_recordings))
recordings = list(client.recordings.list(page_size=50))
assert [r.sid for r in recordings] == [r["sid"] for r in raw_recordings]
assert all(r.call_sid in {c.sid for c in calls} for r in recordings)
one_call = recordings[0].call_sid
under_call = list(client.calls(one_call).recordings.list())
by_filter = list(client.recordings.list(call_sid=one_call))
assert [r.sid for r in under_call] == [r.sid for r in by_filter] == [
    r.sid for r in recordings if r.call_sid == one_call
]
assert all(int(r.duration) > 0 for r in under_call)
recent = list(client.recordings.list(date_created_after=since, page_size=40))
assert [r.sid for r in recent] == [r["sid"] for r in raw_recordings if when(r["date_created"]) >= since]

# Messages: every page, media, filters.
raw_messages, message_pages = raw(f"{root}/Messages.json", "messages")
assert message_pages >= 3 and len(raw_messages) > 100, (message_pages, len(raw_messages))
messages = list(client.messages.list(page_size=50))
assert [m.sid for m in messages] == [m["sid"] for m in raw_messages]
mms = [m for m in messages if int(m.num_media) > 0]
assert mms and all(m.sid.startswith("MM") for m in mms)
media = list(client.messages(mms[0].sid).media.list())
assert len(media) == int(mms[0].num_media) and all(x.parent_sid == mms[0].sid for x in media)
sent_since = datetime(2022, 1, 1, tzinfo=timezone.utc)
sent = list(client.messages.list(date_sent_after=sent_since, page_size=25))
assert [m.sid for m in sent] == [
    m["sid"] for m in raw_messages if m["date_sent"] and when(m["date_sent"]) >= sent_since
]
frm = raw_messages[1]["from"]
assert [m.sid for m in client.messages.list(from_=frm)] == [m["sid"] for m in raw_messages if m["from"] == frm]

print(
    f"ok: the official Python SDK {__import__('twilio').__version__} listed {len(events)} events, "
    f"{len(calls)} calls ({call_pages} pages), {len(recordings)} recordings ({recording_pages} pages) "
    f"and {len(messages)} messages ({message_pages} pages), with filters: {len(completed)} completed "
    f"calls and {len(recent)} recordings since {since.date()}, {len(sent)} messages since "
    f"{sent_since.date()}"
)
