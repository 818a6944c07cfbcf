import { inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";
import type { SecretDeletionHook } from "./hooks.js";

// Deleting a secret, its project or its vault revokes the logins it minted before the trash
// and once more after it: a mint that raced the deletion can have gone live in between, and
// only the second pass, which runs once the secrets are in the trash, can see it.
describe("the deletion hook runs before and after the trash", () => {
  let store: Store;
  let w: ServiceWorld;
  let calls: { when: "before" | "after"; ids: string[]; trashed: string[] }[];

  beforeEach(async () => {
    store = await openStore({ memory: true });
    calls = [];
    const trashedOf = async (ids: string[]) =>
      ids.length === 0
        ? []
        : (await store.db.select().from(schema.secrets).where(inArray(schema.secrets.id, ids)))
            .filter((s) => s.deletedAt !== null)
            .map((s) => s.id);
    const deletion: SecretDeletionHook = {
      beforeTrash: async (ids) => {
        calls.push({ when: "before", ids, trashed: await trashedOf(ids) });
        return 2;
      },
      afterTrash: async (ids) => {
        calls.push({ when: "after", ids, trashed: await trashedOf(ids) });
        return 1;
      },
      hasUnrevoked: async () => false,
      beforePurge: async () => undefined,
    };
    w = await servicesOn(store, { deletion });
    await w.services.vaults.create(w.owner, "prod");
    await w.services.projects.create(w.owner, "prod", "api");
    for (const id of ["sk_a", "sk_b"]) {
      await w.services.secrets.create(w.owner, {
        kind: "structured",
        id,
        vault: "prod",
        project: "api",
        fields: { KEY: "v" },
      });
    }
  });
  afterEach(async () => {
    await store.close();
  });

  it("deleting a secret: before it is in the trash, then after; both passes counted", async () => {
    const result = await w.services.trash.remove(w.owner, "sk_a");
    expect(calls).toEqual([
      { when: "before", ids: ["sk_a"], trashed: [] },
      { when: "after", ids: ["sk_a"], trashed: ["sk_a"] },
    ]);
    expect(result.revokedLeases).toBe(3);
  });

  it("deleting a project: every secret it trashed goes through the second pass", async () => {
    const result = await w.services.projects.remove(w.owner, "prod", "api");
    expect(calls.map((c) => c.when)).toEqual(["before", "after"]);
    expect(calls[0]!.trashed).toEqual([]);
    expect(calls[1]!.ids.sort()).toEqual(["sk_a", "sk_b"]);
    expect(calls[1]!.trashed.sort()).toEqual(["sk_a", "sk_b"]);
    expect(result.revokedLeases).toBe(3);
  });

  it("deleting a vault: the same", async () => {
    const result = await w.services.vaults.remove(w.owner, "prod");
    expect(calls.map((c) => c.when)).toEqual(["before", "after"]);
    expect(calls[1]!.trashed.sort()).toEqual(["sk_a", "sk_b"]);
    expect(result.revokedLeases).toBe(3);
  });
});
