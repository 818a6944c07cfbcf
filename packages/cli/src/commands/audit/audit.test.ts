import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../../testing/fake-server.js";
import { auditEvent, list } from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

describe("audit", () => {
  it("list passes every filter", async () => {
    server.on("GET", "/v1/admin/audit", { body: list([auditEvent]) });
    const r = await cli(
      "audit",
      "list",
      "--machine",
      "m1",
      "--secret",
      "sk_db_prod",
      "--action",
      "lease.revoke",
      "--lease",
      "lease_1",
      "--login",
      "sk_login",
      "--limit",
      "5",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([auditEvent]);
    expect(server.last()!.query).toEqual({
      machine: "m1",
      secret: "sk_db_prod",
      action: "lease.revoke",
      lease: "lease_1",
      login: "sk_login",
      limit: "5",
    });
  });

  it("list stops at --limit across pages", async () => {
    const page = Array.from({ length: 3 }, (_, i) => ({ ...auditEvent, seq: i }));
    server.on("GET", "/v1/admin/audit", { body: list(page, "more") });
    const r = await cli("audit", "list", "--limit", "5", "--json");
    expect(JSON.parse(r.stdout)).toHaveLength(5);
    expect(server.requests).toHaveLength(2);
  });

  it("list refuses an unknown action", async () => {
    expect((await cli("audit", "list", "--action", "secret.steal")).code).toBe(2);
  });

  it("verify --json exits 0 when the chain holds", async () => {
    const ok = { ok: true, checked: 12, firstBroken: null, unlinked: 0 };
    server.on("GET", "/v1/admin/audit/verify", { body: ok });
    const r = await cli("audit", "verify", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(ok);
  });

  it("verify exits 7 and names the first broken link", async () => {
    server.on("GET", "/v1/admin/audit/verify", {
      body: { ok: false, checked: 12, firstBroken: { seq: 5, reason: "hash mismatch" }, unlinked: 0 },
    });
    const r = await cli("audit", "verify");
    expect(r.code).toBe(7);
    expect(r.stdout).toContain("✗ audit chain broken at event 5: hash mismatch");
    expect((await cli("audit", "verify", "--json")).code).toBe(7);
  });

  it("export streams the NDJSON through unchanged", async () => {
    const ndjson = `${JSON.stringify(auditEvent)}\n${JSON.stringify({ ...auditEvent, seq: 8 })}\n`;
    server.on("GET", "/v1/admin/audit/export", { text: ndjson, contentType: "application/x-ndjson" });
    const r = await cli("audit", "export");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(ndjson);
  });
});
