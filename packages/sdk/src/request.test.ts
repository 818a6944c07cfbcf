import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SikkerKey } from "./client.js";
import type { SikkerKeyError } from "./errors.js";
import type { SikkerKeyOptions } from "./options.js";
import { json, STRUCTURED } from "./testing/fixtures.js";
import {
  type MachineServer,
  problem,
  resetConnection,
  startMachineServer,
} from "./testing/machine-server.js";

const PATH = "/v1/secrets/sk_api_keys";
let server: MachineServer;
let sk: SikkerKey | undefined;

beforeEach(async () => {
  server = await startMachineServer();
});

afterEach(async () => {
  await sk?.close();
  sk = undefined;
  await server.close();
});

async function client(options: SikkerKeyOptions = {}): Promise<SikkerKey> {
  sk = new SikkerKey({ identity: await server.newIdentity(), retryDelayMs: 1, ...options });
  return sk;
}

async function failure(promise: Promise<unknown>): Promise<SikkerKeyError> {
  return (await promise.then(
    () => expect.unreachable("the call should have failed"),
    (e: unknown) => e,
  )) as SikkerKeyError;
}

function distinctNonces(): number {
  return new Set(server.seen.map((r) => r.nonce)).size;
}

describe("retries", () => {
  it("retries a 503, signing each attempt with a new nonce", async () => {
    server.on("GET", PATH, (_c, n) => (n < 3 ? problem("STORE_UNAVAILABLE") : json(STRUCTURED)));
    const sk = await client();
    await expect(sk.getFields("sk_api_keys")).resolves.toEqual(STRUCTURED.fields);
    expect(server.seen).toHaveLength(3);
    expect(distinctNonces()).toBe(3);
    expect(server.refused).toEqual([]);
  });

  it("stops at the bound and throws the last error", async () => {
    server.on("GET", PATH, () => problem("STORE_UNAVAILABLE"));
    const error = await failure((await client({ retries: 2 })).get("sk_api_keys"));
    expect(server.seen).toHaveLength(3);
    expect([error.code, error.status, error.isRetryable]).toEqual(["STORE_UNAVAILABLE", 503, true]);
  });

  it("retries a proxy's 502 without a problem body", async () => {
    server.on("GET", PATH, (_c, n) =>
      n === 1 ? new Response("<html>bad gateway</html>", { status: 502 }) : json(STRUCTURED),
    );
    await expect((await client()).get("sk_api_keys")).resolves.toEqual(STRUCTURED);
    expect(server.seen).toHaveLength(2);
  });

  it("retries a reset connection with a new nonce", async () => {
    server.on("GET", PATH, (c, n) => (n === 1 ? resetConnection(c) : json(STRUCTURED)));
    await expect((await client()).get("sk_api_keys")).resolves.toEqual(STRUCTURED);
    expect(server.seen).toHaveLength(2);
    expect(distinctNonces()).toBe(2);
  });

  it("gives up on resets after the bound with NETWORK_ERROR", async () => {
    server.on("GET", PATH, (c) => resetConnection(c));
    const error = await failure((await client({ retries: 1 })).get("sk_api_keys"));
    expect([error.code, error.status, error.isRetryable]).toEqual(["NETWORK_ERROR", 0, true]);
    expect(server.seen).toHaveLength(2);
  });

  it("reports a refused connection as NETWORK_ERROR", async () => {
    const identity = { ...(await server.newIdentity()), server: "http://127.0.0.1:1" };
    sk = new SikkerKey({ identity, retries: 1, retryDelayMs: 1 });
    const error = await failure(sk.whoami());
    expect([error.code, error.status]).toEqual(["NETWORK_ERROR", 0]);
  });

  it.each([
    ["BAD_SIGNATURE", 401],
    ["SECRET_NOT_FOUND", 404],
    ["MACHINE_DISABLED", 403],
    ["INTERNAL", 500],
  ] as const)("does not retry %s", async (code, status) => {
    server.on("GET", PATH, () => problem(code, "refused"));
    const error = await failure((await client()).get("sk_api_keys"));
    expect(server.seen).toHaveLength(1);
    expect([error.code, error.status, error.isRetryable, error.requestId]).toEqual([
      code,
      status,
      false,
      "req_test",
    ]);
    expect(error.problem?.detail).toBe("refused");
  });

  it("waits as long as Retry-After asks", async () => {
    server.on("GET", PATH, (_c, n) =>
      n === 1 ? problem("RATE_LIMITED", undefined, { "retry-after": "1" }) : json(STRUCTURED),
    );
    const started = Date.now();
    await (await client({ retryDelayMs: 1 })).get("sk_api_keys");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.seen).toHaveLength(2);
  });

  it("surfaces a Retry-After too long to wait for instead of sleeping", async () => {
    server.on("GET", PATH, () => problem("RATE_LIMITED", undefined, { "retry-after": "3600" }));
    const error = await failure((await client()).get("sk_api_keys"));
    expect(server.seen).toHaveLength(1);
    expect([error.code, error.status, error.isRetryable, error.retryAfterMs]).toEqual([
      "RATE_LIMITED",
      429,
      true,
      3_600_000,
    ]);
  });
});

describe("timeouts", () => {
  it("ends a slow answer with TIMEOUT", async () => {
    server.on("GET", PATH, async () => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return json(STRUCTURED);
    });
    const started = Date.now();
    const error = await failure((await client({ timeoutMs: 100, retries: 0 })).get("sk_api_keys"));
    expect([error.code, error.status, error.isRetryable]).toEqual(["TIMEOUT", 0, true]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("retries a timed-out read", async () => {
    server.on("GET", PATH, async (_c, n) => {
      if (n === 1) await new Promise((resolve) => setTimeout(resolve, 2_000));
      return json(STRUCTURED);
    });
    await expect((await client({ timeoutMs: 200, retries: 1 })).get("sk_api_keys")).resolves.toEqual(
      STRUCTURED,
    );
    expect(distinctNonces()).toBe(2);
  });
});

describe("responses", () => {
  it("maps a non-JSON 200 to INVALID_RESPONSE", async () => {
    server.on("GET", PATH, () => new Response("<html>captive portal</html>", { status: 200 }));
    const error = await failure((await client()).get("sk_api_keys"));
    expect([error.code, error.status, error.isRetryable]).toEqual(["INVALID_RESPONSE", 200, false]);
  });

  it("maps a wrongly shaped 200 to INVALID_RESPONSE without quoting its values", async () => {
    server.on("GET", PATH, () =>
      json({ id: "sk_api_keys", kind: "structured", fields: { KEY: ["hunter2-secret"] } }),
    );
    const error = await failure((await client()).get("sk_api_keys"));
    expect(error.code).toBe("INVALID_RESPONSE");
    expect(error.message).toContain("fields.KEY");
    expect(error.message).not.toContain("hunter2");
  });

  it("keeps the detail of a problem whose code this SDK does not know", async () => {
    server.on("GET", PATH, () =>
      json(
        { type: "urn:x", title: "Quota exceeded", status: 402, code: "QUOTA_EXCEEDED", requestId: "req_9" },
        402,
      ),
    );
    const error = await failure((await client()).get("sk_api_keys"));
    expect([error.code, error.status, error.requestId, error.problem?.code]).toEqual([
      "HTTP_ERROR",
      402,
      "req_9",
      "QUOTA_EXCEEDED",
    ]);
  });
});
