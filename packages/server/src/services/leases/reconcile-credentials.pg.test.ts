import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { createTestKeyring } from "../../crypto/index.js";
import { createPostgresProvider } from "../../providers/postgresql/index.js";
import { adminKinds } from "../../providers/postgresql/testing.js";
import type { Provider } from "../../providers/provider.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { targetKey } from "../leased-config/index.js";
import { type PgTarget, pgTarget, seedOn } from "./pg-testing.js";
import { bySecretId, type Harness, harness, setAdminPassword } from "./testing.js";

// Several secrets on one real database, the one the reconciler meets first with an admin password
// the database refuses: the others' credentials still reach it. A database of its own per admin
// kind, so no other secret can sort first.
let store: Store;
const keyring = createTestKeyring();
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  store = await openStore({ memory: true });
});
afterAll(async () => {
  await store?.close();
});

describe.each(adminKinds)("reconciler with a refused admin password first ($kind admin)", ({ kind }) => {
  let t: PgTarget;
  let provider: Provider;
  let h: Harness;
  beforeAll(async () => {
    t = await pgTarget(kind);
    provider = createPostgresProvider();
    h = await harness(store, provider, {}, { keyring, clock });
  });
  afterAll(async () => {
    await h?.engine.settle();
    await provider?.close();
  });

  it("drops another secret's orphan role with that secret's working credentials", async () => {
    const [first, second] = bySecretId([await seedOn(h, t), await seedOn(h, t)]);
    // A tagged role of the second secret's whose lease row is gone (a crash, then a restored store).
    const orphan = provider.loginName(second!.secret.id, "orphan");
    await provider.create(t.target, {
      login: orphan,
      password: "Orphan-password-123456",
      validUntil: null,
      grants: "",
      tag: { installId: h.installId, leaseId: "lease_gone", secretId: second!.secret.id, machineId: "m" },
    });
    expect(await t.roleExists(orphan)).toBe(true);
    await setAdminPassword(h, first!.secret.id, "not-the-admin-password");
    // The database itself refuses that password.
    expect((await t.tryAs(t.target.adminUser, "not-the-admin-password")).code).toBe("28P01");

    const result = await h.engine.reconcileOnce();
    expect(result.unreachable).not.toContain(targetKey(t.target));
    expect(result.orphanRoles).toBeGreaterThanOrEqual(1);
    expect(await t.pg.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [orphan])).toEqual([]);
    expect((await t.tryAs(orphan, "Orphan-password-123456")).code).toBe("28P01");
    const events = await h.db.select().from(schema.auditEvents).where(eq(schema.auditEvents.login, orphan));
    expect(events).toMatchObject([{ action: "lease.revoke", reason: "orphan" }]);
    expect(result.failedCredentials).toContain(first!.secret.id);
    expect(result.failedCredentials).not.toContain(second!.secret.id);
  });
});
