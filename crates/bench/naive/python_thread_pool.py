"""The naive bulk send with Twilio's official Python SDK (`pip install twilio`): every row's
`client.messages.create` in a thread pool, as the SDK's users write it. Run by
`twilio-bench bulk` (see BENCHMARKS.md), not by hand:

    TWILIO_AUTH_TOKEN=... python3 python_thread_pool.py BASE_URL ACCOUNT_SID WORKERS rows.csv

Retries: the SDK's `TwilioHttpClient(max_retries=N)` mounts a `requests` adapter with
`max_retries=N` on `https://` only, and an integer retry there repeats failed connections,
never a 429; against the sandbox (`http://` on loopback) nothing is retried. A row answered
429 is refused, as it is for the SDK's users unless they write their own retries.

Prints one JSON line: what the SDK told the caller about the rows.
"""
import csv
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

base, account, workers, rows_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
client = Client(account, os.environ["TWILIO_AUTH_TOKEN"], http_client=TwilioHttpClient(max_retries=3))
client.api.base_url = base  # the SDK's own base-URL hook (its Domain object)

with open(rows_path, newline="") as f:
    rows = list(csv.DictReader(f))

counts = {"created": 0, "refused_429": 0, "refused_other": 0, "errors": 0}
lock = threading.Lock()


def send(row):
    try:
        client.messages.create(to=row["to"], from_="+15005550006", body=row["body"])
        outcome = "created"
    except TwilioRestException as error:
        outcome = "refused_429" if error.status == 429 else "refused_other"
    except Exception:  # a connection error, a timeout: what the SDK raised
        outcome = "errors"
    with lock:
        counts[outcome] += 1


with ThreadPoolExecutor(max_workers=workers) as pool:
    list(pool.map(send, rows))
print(json.dumps(counts))
