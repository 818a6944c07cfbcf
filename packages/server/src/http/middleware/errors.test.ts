import { type AddressInfo, createServer, type Socket } from "node:net";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../log/index.js";
import { FakeProvider } from "../../services/leases/fake-provider.js";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import { createWorld, enrollMachine, signed } from "../../test-support/machine-client.js";
import { storeDown } from "./errors.js";

/** Fails like a driver error would: with secrets in its message. */
class LeakyProvider extends FakeProvider {
  override async testConnection(): Promise<never> {
    throw new Error("connect failed: password=hunter2 token=skt_abcdefghijklmnopqrstuvwxyz0123");
  }
  override async create(): Promise<never> {
    throw new Error("create failed: password=hunter2 token=skt_abcdefghijklmnopqrstuvwxyz0123");
  }
}

describe("problem+json at the edge", () => {
  let h: Harness;
  const logLines: string[] = [];
  beforeAll(async () => {
    h = await createHarness({
      overrides: {
        logger: createLogger({ level: "debug", write: (line) => logLines.push(line) }),
        provider: new LeakyProvider(),
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it("every response carries a req_ id, and problems repeat it", async () => {
    const res = await h.admin("GET", "/v1/admin/vaults/nowhere");
    const body = await expectJson<{ requestId: string; type: string; title: string; status: number }>(
      res,
      404,
    );
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
    expect(body).toMatchObject({ type: "urn:sikkerkey:error:not-found", title: "Not found", status: 404 });
    expect((await h.server.app.request("/healthz")).headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("an unknown route is ROUTE_NOT_FOUND", async () => {
    const res = await h.server.app.request("/v2/nothing");
    expect((await expectJson(res, 404))["code"]).toBe("ROUTE_NOT_FOUND");
  });

  it("malformed JSON is MALFORMED_JSON; a non-JSON content type is 415", async () => {
    expect((await expectJson(await h.admin("POST", "/v1/admin/vaults", "{nope"), 400))["code"]).toBe(
      "MALFORMED_JSON",
    );
    const res = await h.admin("POST", "/v1/admin/vaults", "name=x", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect((await expectJson(res, 415))["code"]).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("a body over 64 KiB is PAYLOAD_TOO_LARGE and creates nothing", async () => {
    const res = await h.admin("POST", "/v1/admin/vaults", { name: "big", pad: "x".repeat(70 * 1024) });
    expect((await expectJson(res, 413))["code"]).toBe("PAYLOAD_TOO_LARGE");
    expect((await h.admin("GET", "/v1/admin/vaults/big")).status).toBe(404);
  });

  it("an invalid query string is VALIDATION_FAILED", async () => {
    const body = await expectJson<{ errors: { path: string }[] }>(
      await h.admin("GET", "/v1/admin/machines?status=sleepy"),
      400,
    );
    expect(body.errors[0]?.path).toBe("status");
  });

  it("a 5xx says nothing of the failure, and the log line is redacted", async () => {
    await createWorld(h); // testing a connection needs the admin role in a vault
    const res = await h.admin("POST", "/v1/admin/test-connection", {
      host: "db",
      database: "app",
      adminUser: "a",
      adminPassword: "p",
    });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ code: "INTERNAL" });
    expect(text).not.toMatch(/hunter2|skt_|password/);
    const logged = logLines.find((l) => l.includes('"request failed"'));
    expect(logged).toBeDefined();
    expect(logged).not.toContain("skt_abcdefghijklmnopqrstuvwxyz0123");
  });

  it("a failed mint tells the machine nothing of the target's error", async () => {
    const world = await createWorld(h);
    await expectJson(
      await h.admin("POST", "/v1/admin/secrets", {
        kind: "leased",
        id: "sk_db_boom",
        vault: world.vault.name,
        project: "api",
        leased: {
          connection: { host: "db", database: "app", adminUser: "a", adminPassword: "p" },
          policy: { lifetimeSeconds: 300 },
        },
      }),
      201,
    );
    const machine = await enrollMachine(h, world);
    const res = await signed(h, "/v1/secrets/sk_db_boom", { keyId: machine.id, key: machine.key });
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(text).not.toMatch(/hunter2|skt_|password/);
    expect(logLines.join("\n")).not.toContain("hunter2");
  });
});

describe("what counts as the store being down (503 STORE_UNAVAILABLE, not a 500)", () => {
  /** The error postgres.js itself raises for a store at `port`, whatever it is. */
  async function driverError(port: number): Promise<unknown> {
    const sql = postgres({ host: "127.0.0.1", port, connect_timeout: 0.3, max: 1, onnotice: () => {} });
    try {
      await sql`select 1`;
      throw new Error("expected the query to fail");
    } catch (error) {
      return error;
    } finally {
      await sql.end({ timeout: 0 });
    }
  }

  it("a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const error = await driverError(port);
    expect((error as { code?: string }).code).toBe("ECONNREFUSED");
    expect(storeDown(error)).toBe(true);
  });

  it("a connect nobody answers (postgres.js's CONNECT_TIMEOUT), as while a store is stopping", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const error = await driverError((silent.address() as AddressInfo).port);
      expect((error as { code?: string }).code).toBe("CONNECT_TIMEOUT");
      expect(storeDown(error)).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("found in the cause chain, and nothing else", () => {
    expect(storeDown(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "57P01" }) }))).toBe(
      true,
    );
    expect(storeDown(Object.assign(new Error("syntax"), { code: "42601" }))).toBe(false);
    expect(storeDown(new Error("plain"))).toBe(false);
  });
});
