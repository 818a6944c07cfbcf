import type { Lease } from "@sikkerkey/protocol";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids.js";
import { schema } from "../store/index.js";
import type { TestBrowser } from "./testing/browser.js";
import { type DashboardWorld, dashboardWorld } from "./testing/world.js";

describe("dashboard pages", () => {
  let w: DashboardWorld;
  let b: TestBrowser;
  let vaultId: string;
  const revoked: { id: string; force: boolean }[] = [];
  beforeAll(async () => {
    w = await dashboardWorld({
      leased: {
        // Stands in for the engine (whose behaviour abandon.pg.test.ts and outage.pg.test.ts prove
        // on a real database): an active lease is revoked; a `revoking` one has an unreachable
        // database, so it stays `revoking`, or is abandoned when forced.
        async revokeLease(_actor, leaseId, opts) {
          const force = opts?.force ?? false;
          revoked.push({ id: leaseId, force });
          const [row] = await w.store.db.select().from(schema.leases).where(eq(schema.leases.id, leaseId));
          const state = row!.state === "active" ? "revoked" : force ? "abandoned" : "revoking";
          await w.store.db.update(schema.leases).set({ state }).where(eq(schema.leases.id, leaseId));
          return { id: leaseId, state } as Lease;
        },
        // Stands in for the engine (engine.pg.test.ts proves it on a real database): active leases
        // are revoked, `revoking` ones stay so (their database is down).
        async revokeSecretLeases(_actor, secretId) {
          const rows = await w.store.db
            .select()
            .from(schema.leases)
            .where(eq(schema.leases.secretId, secretId));
          const active = rows.filter((r) => r.state === "active");
          for (const r of active)
            await w.store.db
              .update(schema.leases)
              .set({ state: "revoked" })
              .where(eq(schema.leases.id, r.id));
          const revoking = rows.filter((r) => r.state === "revoking").length;
          return { id: secretId, revoked: active.length, revoking, abandoned: 0 };
        },
      },
    });
    b = await w.signedIn();
  });
  afterAll(() => w.close());

  it("creates a vault and a project from the pages", async () => {
    await b.page("/");
    const vault = await b.post("/vaults", { _csrf: b.csrf(), name: "prod" });
    expect(vault.res.headers.get("location")).toBe("/vaults/prod/secrets?notice=vault-created");
    const page = await b.page("/vaults/prod/secrets?notice=vault-created");
    expect(page.html).toContain("Vault created.");
    const project = await b.post("/vaults/prod/projects", { _csrf: b.csrf(), name: "api" });
    expect(project.res.status).toBe(303);
    vaultId = (await w.services.vaults.get(w.owner, "prod")).id;
    const bad = await b.post("/vaults", { _csrf: b.csrf(), name: "Not A Slug" });
    expect(bad.res.status).toBe(400);
  });

  it("creates a structured secret, lists it with its kind badge, and never echoes a value back", async () => {
    await b.page("/vaults/prod/secrets/new/structured");
    const bad = await b.post("/vaults/prod/secrets/new/structured", {
      _csrf: b.csrf(),
      id: "sk_stripe",
      project: "api",
      fields: "oops-a-secret-value",
    });
    expect(bad.res.status).toBe(400);
    expect(bad.html).toContain("line 1 is not NAME=value");
    expect(bad.html).not.toContain("oops-a-secret-value");
    const ok = await b.post("/vaults/prod/secrets/new/structured", {
      _csrf: b.csrf(),
      id: "sk_stripe",
      project: "api",
      fields: "KEY=sk_live_1=2\nOTHER=x",
    });
    expect(ok.res.headers.get("location")).toBe("/vaults/prod/secrets/sk_stripe?notice=secret-created");
    const list = await b.page("/vaults/prod/secrets");
    expect(list.html).toMatch(/sk_stripe<\/a><\/td><td><span class="badge badge-structured">structured/);
    expect((await w.services.secrets.get(w.owner, "sk_stripe", { reveal: true })).fields).toEqual({
      KEY: "sk_live_1=2",
      OTHER: "x",
    });
  });

  it("shows live leases with a revoke button, and says how many logins a delete removes", async () => {
    await w.leasedSecret("sk_db");
    const machineId = await w.machine(vaultId, "worker-1");
    const leaseId = newId("lease");
    const expires = new Date(w.clock.now().getTime() + 600_000);
    await w.store.db.insert(schema.leases).values([
      {
        id: leaseId,
        secretId: "sk_db",
        machineId,
        vaultId,
        slot: "current",
        login: "sk_db_worker_1_abc",
        state: "active",
        expiresAt: expires,
        renewals: 2,
      },
      {
        id: newId("lease"),
        secretId: "sk_db",
        machineId,
        vaultId,
        slot: "old",
        login: "sk_db_worker_1_old",
        state: "revoked",
        expiresAt: expires,
      },
    ]);
    const detail = await b.page("/vaults/prod/secrets/sk_db");
    expect(detail.html).toContain("Revoke all logins of sk_db");
    expect(detail.html).toContain("worker-1");
    expect(detail.html).toContain("sk_db_worker_1_abc");
    expect(detail.html).not.toContain("sk_db_worker_1_old");
    expect(detail.html).toContain("Revoke sk_db_worker_1_abc");
    const confirm = await b.page("/vaults/prod/secrets/sk_db/delete");
    expect(confirm.html).toMatch(
      /removes its <strong id="logins-to-remove">1 live login<\/strong> in database app on db/,
    );
    const revoke = await b.post(`/vaults/prod/leases/${leaseId}/revoke`, {
      _csrf: b.csrf(),
      secret: "sk_db",
    });
    expect(revoke.res.headers.get("location")).toBe("/vaults/prod/secrets/sk_db?notice=revoked");
    expect(revoked).toEqual([{ id: leaseId, force: false }]);
    const unknown = await b.post("/vaults/prod/leases/lease_unknown/revoke", {
      _csrf: b.csrf(),
      secret: "sk_db",
    });
    expect(unknown.res.status).toBe(404);
    expect((await b.page("/vaults/prod/secrets/sk_db/delete")).html).toContain("0 live logins");
  });

  it("offers to abandon a lease stuck in revoking, says what it did, and only forces when asked", async () => {
    const machineId = await w.machine(vaultId, "worker-2");
    const leaseId = newId("lease");
    await w.store.db.insert(schema.leases).values({
      id: leaseId,
      secretId: "sk_db",
      machineId,
      vaultId,
      slot: "current",
      login: "sk_db_worker_2_stuck",
      state: "revoking",
      expiresAt: w.clock.now(),
      attempts: 3,
      lastError: "connect ECONNREFUSED 10.0.0.9:5432",
    });
    const detail = await b.page("/vaults/prod/secrets/sk_db");
    expect(detail.html).toContain("Abandon sk_db_worker_2_stuck");
    expect(detail.html).toContain("Last error: connect ECONNREFUSED 10.0.0.9:5432");
    expect(detail.html).not.toContain("Revoke sk_db_worker_2_stuck");

    revoked.length = 0;
    const retry = await b.post(`/vaults/prod/leases/${leaseId}/revoke`, { _csrf: b.csrf(), secret: "sk_db" });
    expect(retry.res.headers.get("location")).toBe("/vaults/prod/secrets/sk_db?notice=revoke-pending");
    expect((await b.page("/vaults/prod/secrets/sk_db?notice=revoke-pending")).html).toContain(
      "the lease stays revoking and the server keeps retrying",
    );
    const abandon = await b.post(`/vaults/prod/leases/${leaseId}/revoke`, {
      _csrf: b.csrf(),
      secret: "sk_db",
      force: "on",
    });
    expect(abandon.res.headers.get("location")).toBe("/vaults/prod/secrets/sk_db?notice=abandoned");
    expect(revoked).toEqual([
      { id: leaseId, force: false },
      { id: leaseId, force: true },
    ]);
    const after = await b.page("/vaults/prod/secrets/sk_db?notice=abandoned");
    expect(after.html).toContain("The login may still exist in the database");
    expect(after.html).not.toContain("sk_db_worker_2_stuck");
    // An abandoned lease is no longer live: a second post finds nothing to act on.
    const again = await b.post(`/vaults/prod/leases/${leaseId}/revoke`, {
      _csrf: b.csrf(),
      secret: "sk_db",
      force: "on",
    });
    expect(again.res.status).toBe(404);
  });

  it("revokes every login of a secret from its page, and says which could not be revoked yet", async () => {
    const machineId = await w.machine(vaultId, "worker-3");
    const expires = new Date(w.clock.now().getTime() + 600_000);
    const base = { secretId: "sk_db", machineId, vaultId, expiresAt: expires };
    await w.store.db.insert(schema.leases).values([
      { ...base, id: newId("lease"), slot: "a", login: "sk_db_worker_3_a", state: "active" },
      { ...base, id: newId("lease"), slot: "b", login: "sk_db_worker_3_b", state: "active" },
    ]);
    const all = await b.post("/vaults/prod/secrets/sk_db/revoke-leases", { _csrf: b.csrf() });
    expect(all.res.headers.get("location")).toBe("/vaults/prod/secrets/sk_db?notice=revoked-all&n=2");
    const after = await b.page("/vaults/prod/secrets/sk_db?notice=revoked-all&n=2");
    expect(after.html).toContain("2 logins revoked. Machines get new ones at their next read.");
    expect(after.html).not.toContain("sk_db_worker_3_a");
    expect(after.html).not.toContain("Revoke all logins of sk_db");

    await w.store.db
      .insert(schema.leases)
      .values({ ...base, id: newId("lease"), slot: "c", login: "sk_db_worker_3_c", state: "revoking" });
    const pending = await b.post("/vaults/prod/secrets/sk_db/revoke-leases", { _csrf: b.csrf() });
    expect(pending.res.headers.get("location")).toBe(
      "/vaults/prod/secrets/sk_db?notice=revoked-all-pending&n=1",
    );
    const csrfless = await b.post("/vaults/prod/secrets/sk_db/revoke-leases", {});
    expect(csrfless.res.status).toBe(403);
  });

  it("deletes to the trash, restores, and purges", async () => {
    await b.page("/vaults/prod/secrets/sk_stripe/delete");
    const del = await b.post("/vaults/prod/secrets/sk_stripe/delete", { _csrf: b.csrf() });
    expect(del.res.headers.get("location")).toBe("/vaults/prod/secrets?notice=trashed&n=0");
    const trash = await b.page("/vaults/prod/trash");
    expect(trash.html).toContain("Restore sk_stripe");
    await b.post("/vaults/prod/trash/sk_stripe/restore", { _csrf: b.csrf() });
    expect((await w.services.secrets.get(w.owner, "sk_stripe")).deletedAt).toBeNull();
    await b.page("/vaults/prod/secrets/sk_stripe/delete");
    await b.post("/vaults/prod/secrets/sk_stripe/delete", { _csrf: b.csrf() });
    await b.page("/vaults/prod/trash");
    const purge = await b.post("/vaults/prod/trash/sk_stripe/purge", { _csrf: b.csrf() });
    expect(purge.res.headers.get("location")).toBe("/vaults/prod/trash?notice=purged");
    expect((await b.page("/vaults/prod/trash")).html).toContain("The trash is empty.");
  });
});
