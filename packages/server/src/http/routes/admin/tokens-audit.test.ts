import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectJson, type Harness } from "../../../test-support/harness.js";
import { createWorld, enrollMachine, signed } from "../../../test-support/machine-client.js";
import { operatorWithRole } from "../../../test-support/operators.js";

describe("operator tokens", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("creates a token shown once, lists without it, and a revoked token stops working", async () => {
    const created = await expectJson<{ id: string; token: string }>(
      await h.admin("POST", "/v1/admin/tokens", { name: "ci" }),
      201,
    );
    expect(created.token).toMatch(/^skt_/);
    expect((await h.admin("GET", "/v1/admin/vaults", undefined, { token: created.token })).status).toBe(200);
    const list = await h.admin("GET", "/v1/admin/tokens");
    const text = await list.text();
    expect(text).toContain(created.id);
    expect(text).not.toContain(created.token);
    await expectJson(await h.admin("DELETE", `/v1/admin/tokens/${created.id}`), 200);
    expect((await h.admin("GET", "/v1/admin/vaults", undefined, { token: created.token })).status).toBe(401);
    expect((await h.events("token.revoke"))[0]?.detail).toEqual({ tokenId: created.id });
  });

  it("cannot revoke another operator's token", async () => {
    const world = await createWorld(h);
    const other = await operatorWithRole(h, world.vault.name, "admin");
    const res = await h.admin("DELETE", `/v1/admin/tokens/${h.owner.tokenId}`, undefined, {
      token: other.token,
    });
    expect((await expectJson(res, 404))["code"]).toBe("NOT_FOUND");
  });
});

describe("audit API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("filters by machine name and action, newest first, and verifies the linked chain", async () => {
    const world = await createWorld(h);
    const m = await enrollMachine(h, world, { name: "auditee" });
    for (let i = 0; i < 2; i++) await signed(h, `/v1/secrets/${world.secretId}`, { keyId: m.id, key: m.key });
    await signed(h, "/v1/secrets/sk_nope", { keyId: m.id, key: m.key });
    const reads = await expectJson<{ items: { action: string; machineId: string; seq: number }[] }>(
      await h.admin("GET", `/v1/admin/audit?machine=auditee&vault=${world.vault.name}&action=secret.read`),
      200,
    );
    expect(reads.items).toHaveLength(2);
    expect(reads.items[0]!.seq).toBeGreaterThan(reads.items[1]!.seq);
    expect(reads.items.every((e) => e.machineId === m.id)).toBe(true);

    await h.server.services.audit.link();
    const verify = await expectJson<{ ok: boolean; unlinked: number }>(
      await h.admin("GET", "/v1/admin/audit/verify"),
      200,
    );
    expect(verify).toMatchObject({ ok: true, unlinked: 0 });
  });

  it("exports every event as NDJSON in seq order", async () => {
    const res = await h.admin("GET", "/v1/admin/audit/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const seqs = (await res.text())
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { seq: number }).seq);
    expect(seqs.length).toBeGreaterThan(3);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it("the whole log is the installation owner's; a vault admin reads their vault's events", async () => {
    const world = await createWorld(h);
    const admin = await operatorWithRole(h, world.vault.name, "admin");
    const as = { token: admin.token };
    for (const path of ["/v1/admin/audit", "/v1/admin/audit/verify", "/v1/admin/audit/export"]) {
      expect((await expectJson(await h.admin("GET", path, undefined, as), 403))["code"]).toBe("FORBIDDEN");
    }
    const own = await expectJson<{ items: { vaultId: string }[] }>(
      await h.admin("GET", `/v1/admin/audit?vault=${world.vault.name}`, undefined, as),
      200,
    );
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((e) => e.vaultId === world.vault.id)).toBe(true);
  });
});

describe("leases API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists (empty), and refuses to revoke a lease that does not exist", async () => {
    expect(await expectJson(await h.admin("GET", "/v1/admin/leases"), 200)).toEqual({ items: [] });
    expect((await expectJson(await h.admin("POST", "/v1/admin/leases/lease_x/revoke"), 404))["code"]).toBe(
      "NOT_FOUND",
    );
  });

  it("refuses a cursor it did not give out, instead of starting from the top", async () => {
    const bad = [
      ["/v1/admin/leases", "garbage"],
      ["/v1/admin/leases", "2026-11-30T10:00:00.000Z"],
      ["/v1/admin/leases", "2026-13-45T99:99:99.000Z~lease_x"],
      ["/v1/admin/leases", "2026-11-30T10:00:00.000Z~lease x'--"],
      ["/v1/admin/audit", "garbage"],
      ["/v1/admin/audit", "-1"],
      ["/v1/admin/audit", "0"],
    ];
    for (const [path, cursor] of bad) {
      const body = await expectJson(
        await h.admin("GET", `${path}?cursor=${encodeURIComponent(cursor!)}`),
        400,
      );
      expect(body["code"], `${path} ${cursor}`).toBe("VALIDATION_FAILED");
    }
    // What the server gives out is taken.
    expect(
      (await h.admin("GET", "/v1/admin/leases?cursor=2026-11-30T10%3A00%3A00.000Z~lease_abc")).status,
    ).toBe(200);
    expect((await h.admin("GET", "/v1/admin/audit?cursor=12")).status).toBe(200);
  });
});
