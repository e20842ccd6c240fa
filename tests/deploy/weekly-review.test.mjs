// Runs the weekly-review CronJob's script, exactly as deploy/k8s holds it, against a fake identity provider's
// token endpoint and a fake supervision service on loopback: it must sign in with client credentials, send
// the token it got, ask for the previous ISO week, and refuse to run without a review scope.
//   node --test weekly-review.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const manifest = new URL("../../deploy/k8s/60-weekly-review.yaml", import.meta.url);
const cronJob = parseAllDocuments(readFileSync(manifest, "utf8")).map(d => d.toJS()).find(d => d?.kind === "CronJob");
const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
assert.deepEqual(container.command.slice(0, 2), ["sh", "-c"]);
const script = container.command[2];

// The token endpoint answers the client it knows, the way providers format it (several lines of JSON).
async function fakes(tokenStatus = 200) {
  const seen = { token: [], review: [] };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", c => (body += c));
    req.on("end", () => {
      if (req.url === "/token") {
        seen.token.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(tokenStatus, { "Content-Type": "application/json" });
        res.end(tokenStatus === 200
          ? '{\n  "token_type": "Bearer",\n  "access_token": "eyJ.scheduler.sig",\n  "expires_in": 300\n}'
          : '{"error":"invalid_client"}');
      } else if (req.url === "/v1/reviews:run" && req.method === "POST") {
        seen.review.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end('{"id":"review-1"}');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise(resolve => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { seen, base, close: () => new Promise(resolve => server.close(resolve)) };
}

function run(env) {
  return new Promise(resolve => {
    const child = spawn("sh", ["-c", script], { env: { PATH: process.env.PATH, ...env } });
    let stdout = "", stderr = "";
    child.stdout.on("data", c => (stdout += c));
    child.stderr.on("data", c => (stderr += c));
    child.on("close", code => resolve({ code, stdout, stderr }));
  });
}

function env(base, overrides = {}) {
  return {
    TOKEN_ENDPOINT: `${base}/token`, CLIENT_ID: "duban-scheduler", CLIENT_SECRET: "s3cr&t=x", SCOPE: "duban reviews",
    SCOPE_UNIT_ID: "5b1f3c1e-8d2a-4c8e-9a51-0c6a2f1d7e42", SUPERVISION_URL: base, ...overrides,
  };
}

// The ISO week seven days ago in UTC+8, computed here independently of the script's `date`.
function previousIsoWeek(now = new Date()) {
  const d = new Date(now.getTime() + 8 * 3600e3 - 7 * 86400e3);
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day - yearStart) / 86400e3 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

test("signs in with client credentials and runs the previous week's review with that token", async () => {
  const f = await fakes();
  try {
    const result = await run(env(f.base));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(f.seen.token, [{ grant_type: "client_credentials", client_id: "duban-scheduler", client_secret: "s3cr&t=x", scope: "duban reviews" }]);
    assert.equal(f.seen.review.length, 1);
    assert.equal(f.seen.review[0].authorization, "Bearer eyJ.scheduler.sig");
    assert.deepEqual(f.seen.review[0].body, { scopeUnitId: "5b1f3c1e-8d2a-4c8e-9a51-0c6a2f1d7e42", week: previousIsoWeek() });
    assert.match(result.stdout, /review-1/);
  } finally {
    await f.close();
  }
});

test("sends no scope when none is configured", async () => {
  const f = await fakes();
  try {
    const result = await run(env(f.base, { SCOPE: "" }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal("scope" in f.seen.token[0], false);
  } finally {
    await f.close();
  }
});

for (const unset of ["SET-ME", "", "00000000-0000-0000-0000-000000000000"]) {
  test(`refuses to run, saying why, while the review scope is '${unset}'`, async () => {
    const f = await fakes();
    try {
      const result = await run(env(f.base, { SCOPE_UNIT_ID: unset }));
      assert.equal(result.code, 64);
      assert.match(result.stderr, /ReviewScopeUnitId in ConfigMap duban-scheduler/);
      assert.equal(f.seen.token.length + f.seen.review.length, 0);
    } finally {
      await f.close();
    }
  });
}

test("fails with the provider's answer when the client is refused, and calls nothing", async () => {
  const f = await fakes(401);
  try {
    const result = await run(env(f.base));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /refused client duban-scheduler: .*invalid_client/);
    assert.equal(f.seen.review.length, 0);
  } finally {
    await f.close();
  }
});
