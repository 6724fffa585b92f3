// Twilio's official Node SDK (`npm install twilio`) against `twilio-api sandbox serve`: it
// creates, fetches, lists and removes a message, its `validateRequest` accepts every status
// callback the sandbox sends for it (queued → sending → sent → delivered), and it reaches
// another product (a Verify service, a verification approved with the sandbox's code).
//
// Every product goes through one HTTP client (`SandboxRequestClient`, the SDK's own
// `httpClient` hook): each request for `https://{label}.twilio.com/...` is sent to the
// sandbox's address with the `Host` `{label}.localhost:PORT`, which is how the sandbox tells
// products apart, so no name under `localhost` needs to resolve on the machine.
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

/** Sends each of Twilio's hosts to the sandbox on 127.0.0.1:PORT, its product named by the
 * Host header ({label}.localhost:PORT). */
class SandboxRequestClient extends twilio.RequestClient {
  constructor(port) {
    super();
    this.port = port;
  }

  request(opts) {
    const url = new URL(opts.uri);
    const label = url.hostname.split(".")[0];
    return super.request({
      ...opts,
      uri: `http://127.0.0.1:${this.port}${url.pathname}${url.search}`,
      headers: { ...opts.headers, Host: `${label}.localhost:${this.port}` },
    });
  }
}

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
      else if (line.trim().startsWith("Verify code:")) found.code = line.split(":")[1].trim();
      if (found.base && found.account && found.token && found.code) resolve(found);
    });
    server.on("exit", () => reject(new Error("sandbox serve exited before printing its credentials")));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { base, account, token, code } = await credentials();
  assert.ok(base.startsWith("http://localhost:"), base);
  const port = Number(base.split(":").pop());
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

  const client = twilio(account, token, { httpClient: new SandboxRequestClient(port) });

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

  // Another product: a Verify service, a verification, approved with the sandbox's code.
  const service = await client.verify.v2.services.create({ friendlyName: "twilio-node" });
  assert.ok(service.sid.startsWith("VA"), service.sid);
  assert.equal(service.url, `http://verify.localhost:${port}/v2/Services/${service.sid}`);
  const verification = await client.verify.v2
    .services(service.sid)
    .verifications.create({ to: "+15005550006", channel: "sms" });
  assert.equal(verification.status, "pending");
  const check = await client.verify.v2
    .services(service.sid)
    .verificationChecks.create({ to: "+15005550006", code });
  assert.equal(check.status, "approved");
  assert.equal(check.valid, true);
  const services = await client.verify.v2.services.list({ limit: 5 });
  assert.deepEqual(services.map((s) => s.sid), [service.sid]);

  hook.close();
  console.log(
    `twilio-node against the sandbox: message ${message.sid} created, fetched, listed, ` +
      `${received.length} signed callbacks validated, removed; Verify service ${service.sid}: ` +
      `a verification approved`,
  );
}

main()
  .then(() => server.kill())
  .catch((error) => {
    console.error(error);
    server.kill();
    process.exit(1);
  });
