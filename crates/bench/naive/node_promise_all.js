// The naive bulk send with Twilio's official Node SDK (`npm install twilio`): every row's
// `client.messages.create` at once under `Promise.all`, with the SDK's own retries on
// (`autoRetry: true`: a 429 is retried up to `maxRetries` (3) times after a full-jitter
// exponential backoff, 200, 400, 800 ms at most). Run by `twilio-bench bulk` (see
// BENCHMARKS.md), not by hand:
//
//     TWILIO_AUTH_TOKEN=... NODE_PATH=.../node_modules node node_promise_all.js BASE_URL ACCOUNT_SID rows.csv
//
// Prints one JSON line: what the SDK told the caller about the rows.
"use strict";
const fs = require("node:fs");
const twilio = require("twilio");

const [base, account, rowsPath] = process.argv.slice(2);
const client = twilio(account, process.env.TWILIO_AUTH_TOKEN, { autoRetry: true, maxRetries: 3 });
client.api.baseUrl = base; // the SDK's own base-URL hook (its Domain object)

const rows = fs
  .readFileSync(rowsPath, "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line.length > 0)
  .map((line) => {
    const comma = line.indexOf(",");
    return { to: line.slice(0, comma), body: line.slice(comma + 1) };
  });

const counts = { created: 0, refused_429: 0, refused_other: 0, errors: 0 };
Promise.all(
  rows.map((row) =>
    client.messages.create({ to: row.to, from: "+15005550006", body: row.body }).then(
      () => counts.created++,
      (error) => {
        if (error.status === 429) counts.refused_429++;
        else if (error.status) counts.refused_other++;
        else counts.errors++;
      },
    ),
  ),
).then(() => console.log(JSON.stringify(counts)));
