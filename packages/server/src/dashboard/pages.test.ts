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
  const revoked: string[] = [];
  beforeAll(async () => {
    w = await dashboardWorld({
      leased: {
        // Stands in for the engine: marks the row revoked, as the engine would after dropping the role.
        async revokeLease(_actor, leaseId) {
          revoked.push(leaseId);
          await w.store.db
            .update(schema.leases)
            .set({ state: "revoked" })
            .where(eq(schema.leases.id, leaseId));
          return { id: leaseId } as Lease;
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
    expect(revoked).toEqual([leaseId]);
    const unknown = await b.post("/vaults/prod/leases/lease_unknown/revoke", {
      _csrf: b.csrf(),
      secret: "sk_db",
    });
    expect(unknown.res.status).toBe(404);
    expect((await b.page("/vaults/prod/secrets/sk_db/delete")).html).toContain("0 live logins");
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
