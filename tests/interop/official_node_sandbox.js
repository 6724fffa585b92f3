// Twilio's official Node SDK (`npm install twilio`) against `twilio-api sandbox serve`: it
// creates, fetches, lists and removes a message, and its `validateRequest` accepts every
// status callback the sandbox sends for it (queued → sending → sent → delivered).
//
//     NODE_PATH=target/interop-node/node_modules node tests/interop/official_node_sandbox.js target/debug/twilio-api
//
// It starts the sandbox itself (`sandbox serve --bind 127.0.0.1:0`), reads its URL and
// credentials from what it prints, and exits non-zero on the first difference.
"use strict";
const assert = require("node:assert/strict");
const http = require("node:http");
const { spawn } = require("node:child_process");
const readline = require("node:readline");
const twilio = require("twilio");

const cli = process.argv[2];
const server = spawn(cli, ["sandbox", "serve", "--bind", "127.0.0.1:0"], {
  stdio: ["ignore", "pipe", "inherit"],
});

function credentials() {
  return new Promise((resolve, reject) => {
    const found = {};
    const lines = readline.createInterface({ input: server.stdout });
    lines.on("line", (line) => {
      if (line.includes("listening on")) found.base = line.split("listening on")[1].trim();
      else if (line.trim().startsWith("account SID:")) found.account = line.split(":")[1].trim();
      else if (line.trim().startsWith("auth token:")) found.token = line.split(":")[1].trim();
      if (found.base && found.account && found.token) resolve(found);
    });
    server.on("exit", () => reject(new Error("sandbox serve exited before printing its credentials")));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { base, account, token } = await credentials();
  const received = [];
  const hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const url = `http://127.0.0.1:${hook.address().port}${req.url}`;
      const valid = twilio.validateRequest(token, req.headers["x-twilio-signature"] || "", url, params);
      received.push({ valid, params });
      res.writeHead(valid ? 200 : 403);
      res.end();
    });
  });
  await new Promise((r) => hook.listen(0, "127.0.0.1", r));
  const callback = `http://127.0.0.1:${hook.address().port}/status?tenant=node`;

  const client = twilio(account, token);
  client.api.baseUrl = base; // the SDK's own base-URL hook (its Domain object)

  const message = await client.messages.create({
    to: "+15005550010",
    from: "+15005550006",
    body: "Héllo from twilio-node & co",
    statusCallback: callback,
  });
  assert.ok(message.sid.startsWith("SM"), message.sid);
  assert.equal(message.status, "queued");
  assert.equal(message.body, "Héllo from twilio-node & co");

  const fetched = await client.messages(message.sid).fetch();
  assert.equal(fetched.sid, message.sid);
  assert.equal(fetched.to, "+15005550010");

  const listed = await client.messages.list({ to: "+15005550010", limit: 20 });
  assert.deepEqual(listed.map((m) => m.sid), [message.sid]);

  await assert.rejects(
    client.messages.create({ to: "+15005550004", from: "+15005550006", body: "x" }),
    (error) => error.status === 400 && error.code === 21610,
  );

  for (let i = 0; i < 200 && received.length < 3; i++) await sleep(50);
  assert.deepEqual(received.map((r) => r.params.MessageStatus), ["sending", "sent", "delivered"]);
  assert.ok(received.every((r) => r.valid), "a callback's signature was refused");
  assert.ok(received.every((r) => r.params.MessageSid === message.sid));

  assert.equal((await client.messages(message.sid).fetch()).status, "delivered");
  assert.equal(await client.messages(message.sid).remove(), true);
  await assert.rejects(client.messages(message.sid).fetch(), (error) => error.status === 404 && error.code === 20404);

  hook.close();
  console.log(
    `twilio-node against the sandbox: message ${message.sid} created, fetched, listed, ` +
      `${received.length} signed callbacks validated, removed`,
  );
}

main()
  .then(() => server.kill())
  .catch((error) => {
    console.error(error);
    server.kill();
    process.exit(1);
  });
