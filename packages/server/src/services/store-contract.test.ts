import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Store, schema } from "../store/index.js";
import { newIdentity } from "../test-support/machine-client.js";
import { servicesOn, type ServiceWorld, uninitializedServicesOn } from "../test-support/services.js";
import { storeVariants } from "../test-support/stores.js";

/** Behaviour that depends on the store doing one thing atomically, on both drivers. */
describe.each(storeVariants)("service guarantees on $name", (variant) => {
  let store: Store;
  let w: ServiceWorld;
  beforeEach(async () => {
    store = await variant.open();
    w = await servicesOn(store);
  });
  afterEach(async () => {
    await store.close();
  });

  it("init refuses an initialized store, even when two race", async () => {
    await expect(w.services.init.initOwner("again@example.com")).rejects.toMatchObject({
      code: "ALREADY_INITIALIZED",
    });
    const fresh = await variant.open();
    try {
      const { services } = uninitializedServicesOn(fresh);
      const results = await Promise.allSettled([
        services.init.initOwner("a@example.com"),
        services.init.initOwner("b@example.com"),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await fresh.db.select().from(schema.operators)).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it("concurrent enrollments spend exactly the token's uses", async () => {
    await w.services.vaults.create(w.owner, "prod");
    const token = await w.services.enrollmentTokens.create(w.owner, {
      vault: "prod",
      ttlSeconds: 600,
      uses: 3,
      autoApprove: true,
      projects: [],
    });
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, async (_, i) => {
        const id = await newIdentity();
        return w.services.enroll.enroll(
          { token: token.token, name: `m${i}`, publicKeyPem: id.publicKeyPem },
          { thumbprint: id.thumbprint, sourceIp: null },
        );
      }),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(3);
    for (const a of attempts)
      if (a.status === "rejected") expect(a.reason).toMatchObject({ code: "ENROLLMENT_TOKEN_INVALID" });
    const [row] = await store.db
      .select()
      .from(schema.enrollmentTokens)
      .where(eq(schema.enrollmentTokens.id, token.id));
    expect(row?.usesLeft).toBe(0);
  });

  it("a machine name taken in the vault refuses the enrollment and keeps the use", async () => {
    await w.services.vaults.create(w.owner, "prod");
    const token = await w.services.enrollmentTokens.create(w.owner, {
      vault: "prod",
      ttlSeconds: 600,
      uses: 2,
      autoApprove: false,
      projects: [],
    });
    const enroll = async () => {
      const id = await newIdentity();
      return w.services.enroll.enroll(
        { token: token.token, name: "web", publicKeyPem: id.publicKeyPem },
        { thumbprint: id.thumbprint, sourceIp: null },
      );
    };
    await enroll();
    await expect(enroll()).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    const [row] = await store.db
      .select()
      .from(schema.enrollmentTokens)
      .where(eq(schema.enrollmentTokens.id, token.id));
    expect(row?.usesLeft).toBe(1);
  });

  it("the replay record accepts a nonce once, across concurrent callers, and prunes expired ones", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => w.services.nonces.remember("mach_x", "nonce-0123456789abcdef", 1000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await w.services.nonces.remember("mach_y", "nonce-0123456789abcdef", 1000)).toBe(true);
    expect(await w.services.nonces.prune(999)).toBe(0);
    expect(await w.services.nonces.prune(1001)).toBe(2);
    expect(await w.services.nonces.remember("mach_x", "nonce-0123456789abcdef", 2000)).toBe(true);
  });
});
