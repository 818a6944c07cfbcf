import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";
import { addMachine } from "../leases/testing.js";

// Taking a project away from a machine marks, in the same transaction, the machine's logins the
// policy no longer allows, and has them revoked once it commits; their count is what the
// operator is told.
describe("the ungrant hook runs after a grant is removed", () => {
  let store: Store;
  let w: ServiceWorld;
  let machine: { id: string; name: string };
  let projectId: string;
  let calls: { machineId: string; projectId: string; grantsInTx: number; committedGrants?: number }[];

  beforeEach(() => {
    calls = [];
  });
  beforeAll(async () => {
    store = await openStore({ memory: true });
    w = await servicesOn(store, {
      ungrant: {
        markUngranted: async (tx, machineId, projectId) => {
          const inTx = await tx
            .select()
            .from(schema.machineGrants)
            .where(eq(schema.machineGrants.machineId, machineId));
          calls.push({ machineId, projectId, grantsInTx: inTx.length });
          return {
            count: 2,
            revoke: async () => {
              // Only once the ungrant has committed: the grant is gone outside its transaction too.
              const committed = await store.db
                .select()
                .from(schema.machineGrants)
                .where(eq(schema.machineGrants.machineId, machineId));
              calls.push({ machineId, projectId, grantsInTx: -1, committedGrants: committed.length });
            },
          };
        },
      },
    });
    const vault = await w.services.vaults.create(w.owner, "prod");
    projectId = (await w.services.projects.create(w.owner, "prod", "api")).id;
    machine = await addMachine(store.db, vault.id, "web-1");
  });
  afterAll(async () => {
    await store?.close();
  });

  it("marks inside the ungrant's transaction, revokes after it commits; the count is in the answer", async () => {
    await w.services.grants.grant(w.owner, { machine: "web-1" }, "api");
    const result = await w.services.grants.revoke(w.owner, { machine: "web-1" }, "api");
    expect(calls).toEqual([
      { machineId: machine.id, projectId, grantsInTx: 0 },
      { machineId: machine.id, projectId, grantsInTx: -1, committedGrants: 0 },
    ]);
    expect(result).toMatchObject({ name: "web-1", revokedLeases: 2 });
  });

  it("not when there was no grant to remove", async () => {
    const result = await w.services.grants.revoke(w.owner, { machine: "web-1" }, "api");
    expect(calls).toEqual([]);
    expect(result.revokedLeases).toBe(0);
  });
});
