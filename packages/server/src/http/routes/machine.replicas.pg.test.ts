import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type SikkerKeyServer } from "../../app.js";
import { parseConfig } from "../../config.js";
import { createTestKeyring } from "../../crypto/index.js";
import { silentLogger } from "../../log/index.js";
import { DEFAULT_API_THROTTLE } from "../../services/auth-throttle/index.js";
import { openStore, type Store } from "../../store/index.js";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import {
  createWorld,
  enrollMachine,
  newIdentity,
  signed,
  TEST_SOURCE_IP,
  type TestMachine,
} from "../../test-support/machine-client.js";

// Two replicas in-process: two servers, each with its own connection pool, on one PostgreSQL
// store. Only the store is shared, as in production: the replay record and the lockout count
// must hold across them.
let a: Harness;
let b: Harness;
let storeB: Store;
let serverB: SikkerKeyServer;
let machine: TestMachine;
let other: TestMachine;
let secretId: string;

beforeAll(async () => {
  const pg = pgFromInject();
  const url = pg.url({ database: await pg.createDatabase() });
  const keyring = createTestKeyring();
  a = await createHarness({ store: await openStore({ databaseUrl: url }), overrides: { keyring } });
  storeB = await openStore({ databaseUrl: url });
  serverB = await createServer(parseConfig({ env: {} }), {
    store: storeB,
    clock: a.clock,
    keyring,
    logger: silentLogger,
  });
  b = { ...a, server: serverB, store: storeB };
  const world = await createWorld(a);
  secretId = world.secretId;
  machine = await enrollMachine(a, world);
  other = await enrollMachine(a, world);
});
afterAll(async () => {
  await serverB?.stop();
  await a?.close();
});

/** Captures the exact headers of one signed request, to send it again anywhere. */
async function captured(path: string, m: TestMachine): Promise<Record<string, string>> {
  let headers: Record<string, string> = {};
  const capture = {
    ...a,
    server: { ...a.server, app: { request: async () => new Response(null, { status: 204 }) } },
  } as unknown as Harness;
  await signed(capture, path, {
    keyId: m.id,
    key: m.key,
    after: (h) => {
      headers = { ...h };
    },
  });
  return headers;
}
const send = (h: Harness, path: string, headers: Record<string, string>) =>
  h.server.app.request(path, { headers }, { incoming: { socket: { remoteAddress: TEST_SOURCE_IP } } });

async function expectProblem(res: Response, code: string) {
  const body = await expectJson<{ code: string }>(res, 401);
  expect(body.code).toBe(code);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
}

describe("signature replay across replicas on one PostgreSQL store", () => {
  it("a request answered by replica A is refused when replayed to replica B, and audited", async () => {
    const path = `/v1/secrets/${secretId}`;
    const headers = await captured(path, machine);
    expect((await send(a, path, headers)).status).toBe(200);
    await expectProblem(await send(b, path, headers), "REPLAYED_NONCE");
    await expectProblem(await send(a, path, headers), "REPLAYED_NONCE");
    const [event] = (await b.events("machine.auth_denied")).filter((e) => e.reason === "replayed");
    expect(event).toMatchObject({ machineId: machine.id, outcome: "denied", sourceIp: TEST_SOURCE_IP });
  });

  it("the same request raced to both replicas 10 times: exactly one is answered", async () => {
    const path = "/v1/machines/me";
    const headers = await captured(path, machine);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(i % 2 ? a : b, path, headers)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(401)]);
  });

  it("machine A's keyid on machine B's signature is refused by either replica", async () => {
    const path = "/v1/machines/me";
    const headers = await captured(path, other);
    headers["signature-input"] = headers["signature-input"]!.replace(
      `keyid="${other.id}"`,
      `keyid="${machine.id}"`,
    );
    await expectProblem(await send(b, path, headers), "BAD_SIGNATURE");
    const [event] = (await a.events("machine.auth_denied")).filter((e) => e.reason === "bad_signature");
    // Attributed to the machine the request claimed to be.
    expect(event?.machineId).toBe(machine.id);
  });

  it("an address locked on replica A is locked on replica B after at most one more try", async () => {
    const ip = "192.0.2.77";
    const bad = async (h: Harness) => {
      const headers = await captured("/v1/machines/me", machine);
      headers["signature"] = headers["signature"]!.replace(
        /:(.)/,
        (_m, c: string) => `:${c === "A" ? "B" : "A"}`,
      );
      return h.server.app.request(
        "/v1/machines/me",
        { headers },
        { incoming: { socket: { remoteAddress: ip } } },
      );
    };
    for (let i = 0; i <= DEFAULT_API_THROTTLE.freeFailures.machine; i++)
      expect((await bad(a)).status).toBe(401);
    expect((await bad(a)).status).toBe(429);
    // B has not seen this address fail yet; its first failure reads the shared count.
    expect((await bad(b)).status).toBe(401);
    const locked = await bad(b);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("body and header smuggling (either replica)", () => {
  it("a body swapped under a valid signature: the digest no longer matches", async () => {
    const id = await newIdentity();
    let headers: Record<string, string> = {};
    const capture = {
      ...a,
      server: { ...a.server, app: { request: async () => new Response(null, { status: 204 }) } },
    } as unknown as Harness;
    const body = { token: "ske_x", name: "honest", publicKeyPem: id.publicKeyPem };
    await signed(capture, "/v1/enroll", {
      method: "POST",
      body,
      keyId: id.thumbprint,
      key: id.key,
      after: (h) => {
        headers = { ...h };
      },
    });
    const swapped = JSON.stringify({ ...body, name: "evil" });
    const res = await b.server.app.request(
      "/v1/enroll",
      { method: "POST", headers, body: swapped },
      { incoming: { socket: { remoteAddress: TEST_SOURCE_IP } } },
    );
    await expectProblem(res, "DIGEST_MISMATCH");
  });

  it("two Signature / Signature-Input header lines (joined by the HTTP layer) are malformed", async () => {
    for (const name of ["signature", "signature-input"]) {
      const path = "/v1/machines/me";
      const first = await captured(path, machine);
      const second = await captured(path, other);
      const headers = new Headers(first);
      headers.append(name, second[name]!);
      const res = await a.server.app.request(
        path,
        { headers },
        { incoming: { socket: { remoteAddress: TEST_SOURCE_IP } } },
      );
      await expectProblem(res, "MALFORMED_SIGNATURE");
    }
  });
});
