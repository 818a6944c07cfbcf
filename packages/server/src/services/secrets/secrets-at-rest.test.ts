import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Store, schema } from "../../store/index.js";
import { servicesOn, type ServiceWorld } from "../../test-support/services.js";
import { storeVariants } from "../../test-support/stores.js";

const PLAINTEXT = "sk_live_PLAINTEXT_MARKER_42";
const ADMIN_PASSWORD = "ADMIN_PASSWORD_MARKER_43";

describe.each(storeVariants)("secrets at rest on $name", (variant) => {
  let store: Store;
  let w: ServiceWorld;
  beforeEach(async () => {
    store = await variant.open();
    w = await servicesOn(store);
    await w.services.vaults.create(w.owner, "prod");
    await w.services.projects.create(w.owner, "prod", "api");
  });
  afterEach(async () => {
    await store.close();
  });

  const create = (id: string, value = PLAINTEXT) =>
    w.services.secrets.create(w.owner, {
      kind: "structured",
      id,
      vault: "prod",
      project: "api",
      fields: { KEY: value },
    });

  it("the raw store holds no plaintext field value or admin password", async () => {
    await create("sk_a");
    await w.services.secrets.create(w.owner, {
      kind: "leased",
      id: "sk_db",
      vault: "prod",
      project: "api",
      leased: {
        connection: { host: "db", database: "app", adminUser: "a", adminPassword: ADMIN_PASSWORD },
        policy: { lifetimeSeconds: 300 },
      },
    });
    // Every row of both tables, and the audit log, as text.
    const dump = await store.db.execute(
      sql`select (select json_agg(s)::text from secrets s) || (select json_agg(l)::text from leased_configs l) || (select json_agg(e)::text from audit_events e) as t`,
    );
    const text = JSON.stringify(dump);
    expect(text).not.toContain(PLAINTEXT);
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(text).toContain("v1.");
    expect((await w.services.secrets.get(w.owner, "sk_a", { reveal: true })).fields).toEqual({
      KEY: PLAINTEXT,
    });
  });

  it("a ciphertext copied into another row does not open", async () => {
    await create("sk_a");
    await create("sk_b", "other");
    const [a] = await store.db.select().from(schema.secrets).where(eq(schema.secrets.id, "sk_a"));
    await store.db
      .update(schema.secrets)
      .set({ sealedFields: a!.sealedFields })
      .where(eq(schema.secrets.id, "sk_b"));
    await expect(w.services.secrets.get(w.owner, "sk_b", { reveal: true })).rejects.toMatchObject({
      code: "INTERNAL",
    });
  });

  it("an old version pasted back over a newer one does not open", async () => {
    await create("sk_a");
    const [v1] = await store.db.select().from(schema.secrets).where(eq(schema.secrets.id, "sk_a"));
    await w.services.secrets.update(w.owner, "sk_a", { fields: { KEY: "rotated" } });
    await store.db
      .update(schema.secrets)
      .set({ sealedFields: v1!.sealedFields })
      .where(eq(schema.secrets.id, "sk_a"));
    await expect(w.services.secrets.get(w.owner, "sk_a", { reveal: true })).rejects.toMatchObject({
      code: "INTERNAL",
    });
  });
});
