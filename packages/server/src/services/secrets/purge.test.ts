import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../ids.js";
import { type Db, type Store, schema } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";
import { type StoreVariant, storeVariants } from "../../test-support/stores.js";
import { hasUnrevoked } from "../leases/queries.js";
import type { SecretDeletionHook } from "./hooks.js";

// Purging a leased secret drops its configuration, which is what its logins are revoked by: it
// must wait while any of them may still exist, counted as the store holds them.
/** Each test's own store (the variant's), with a trashed leased secret `sk_db` in it. */
function trashedSecret(variant: StoreVariant) {
  const t = {} as { store: Store; w: ServiceWorld };
  beforeEach(async () => {
    const store = await variant.open();
    t.store = store;
    const deletion: SecretDeletionHook = {
      beforeTrash: async () => 0,
      afterTrash: async () => 0,
      hasUnrevoked: (secretId, db) => hasUnrevoked(db ?? store.db, secretId),
      beforePurge: async () => undefined,
    };
    const w = await servicesOn(store, { deletion });
    t.w = w;
    await w.services.vaults.create(w.owner, "prod");
    await w.services.projects.create(w.owner, "prod", "api");
    await w.services.secrets.create(w.owner, {
      kind: "leased",
      id: "sk_db",
      vault: "prod",
      project: "api",
      leased: {
        connection: { host: "db", database: "app", adminUser: "a", adminPassword: "admin-password" },
        policy: { lifetimeSeconds: 300 },
      },
    });
    await w.services.trash.remove(w.owner, "sk_db");
  });
  afterEach(async () => {
    await t.store.close();
  });
  return t;
}

const lease = (state: "minting" | "revoking") => ({
  id: newId("lease"),
  secretId: "sk_db",
  machineId: newId("machine"),
  slot: "current",
  login: `sk_db__m__${state}`,
  state,
  expiresAt: new Date(Date.now() + 300_000),
});
const configs = (store: Store) =>
  store.db.select().from(schema.leasedConfigs).where(eq(schema.leasedConfigs.secretId, "sk_db"));
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "purged",
    (e: { code?: string }) => e.code,
  );

describe.each(storeVariants)("purging a leased secret ($name store)", (variant) => {
  const t = trashedSecret(variant);

  it("refuses while a login is still being revoked, and purges once none is", async () => {
    await t.store.db.insert(schema.leases).values(lease("revoking"));
    expect(await outcome(t.w.services.trash.purge(t.w.owner, "sk_db"))).toBe("CONFLICT");
    expect(await configs(t.store)).toHaveLength(1);
    await t.store.db
      .update(schema.leases)
      .set({ state: "revoked" })
      .where(eq(schema.leases.secretId, "sk_db"));
    expect(await outcome(t.w.services.trash.purge(t.w.owner, "sk_db"))).toBe("purged");
    expect(await configs(t.store)).toHaveLength(0);
  });
});

// Only PostgreSQL runs two transactions at once (PGlite runs one after the other, so a claim
// there is wholly before or wholly after the purge's count).
describe("purging a leased secret while a mint claims (postgres store)", () => {
  const t = trashedSecret(storeVariants.find((v) => v.name === "postgres")!);

  it("waits for the claim holding the configuration, then refuses: the claimed login keeps its configuration", async () => {
    // A claim in flight, as the engine's: it share-locks the configuration, then inserts its row.
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => {
      locked = r;
    });
    const claim = t.store.db.transaction(async (tx: Db) => {
      await tx.execute(sql`select 1 from ${schema.leasedConfigs} where secret_id = 'sk_db' for share`);
      locked();
      await new Promise((r) => setTimeout(r, 300));
      await tx.insert(schema.leases).values(lease("minting"));
    });
    await lockTaken;
    const purged = outcome(t.w.services.trash.purge(t.w.owner, "sk_db"));
    await claim;
    expect(await purged).toBe("CONFLICT");
    expect(await configs(t.store)).toHaveLength(1);
  });
});
