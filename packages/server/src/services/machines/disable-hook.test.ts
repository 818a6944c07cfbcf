import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";
import { addMachine } from "../leases/testing.js";

// Disabling a machine marks, in the same transaction, the logins its secrets' policies no longer
// allow it, and has them revoked once it commits; their count is what the operator is told.
describe("the disable hook runs inside the disable", () => {
  let store: Store;
  let w: ServiceWorld;
  let calls: { status: string; committed?: string }[];

  const statusOf = async (db: Store["db"], id: string) =>
    (await db.select().from(schema.machines).where(eq(schema.machines.id, id)))[0]!.status;

  beforeEach(() => {
    calls = [];
  });
  beforeAll(async () => {
    store = await openStore({ memory: true });
    w = await servicesOn(store, {
      disable: {
        markDisabled: async (tx, machineId) => {
          calls.push({ status: await statusOf(tx, machineId) });
          return {
            count: 2,
            revoke: async () => {
              calls.push({ status: "after", committed: await statusOf(store.db, machineId) });
            },
          };
        },
      },
    });
    const vault = await w.services.vaults.create(w.owner, "prod");
    await addMachine(store.db, vault.id, "web-1");
  });
  afterAll(async () => {
    await store?.close();
  });

  it("marks inside the disable's transaction, revokes after it commits; the count is in the answer", async () => {
    const result = await w.services.machines.disable(w.owner, { machine: "web-1" });
    expect(calls).toEqual([{ status: "disabled" }, { status: "after", committed: "disabled" }]);
    expect(result).toMatchObject({ name: "web-1", status: "disabled", revokedLeases: 2 });
  });

  it("a hook that fails undoes the disable: the marks and the disable are one transaction", async () => {
    const own = await openStore({ memory: true });
    try {
      const s = await servicesOn(own, {
        disable: {
          markDisabled: async () => {
            throw new Error("the store went away");
          },
        },
      });
      const vault = await s.services.vaults.create(s.owner, "prod");
      const m = await addMachine(own.db, vault.id, "web-2");
      await expect(s.services.machines.disable(s.owner, { machine: "web-2" })).rejects.toThrow(/went away/);
      expect(await statusOf(own.db, m.id)).toBe("enabled");
    } finally {
      await own.close();
    }
  });

  it("disabling a machine that already is marks what it still holds", async () => {
    await w.services.machines.disable(w.owner, { machine: "web-1" });
    calls = [];
    const again = await w.services.machines.disable(w.owner, { machine: "web-1" });
    expect(calls).toEqual([{ status: "disabled" }, { status: "after", committed: "disabled" }]);
    expect(again.revokedLeases).toBe(2);
  });
});
