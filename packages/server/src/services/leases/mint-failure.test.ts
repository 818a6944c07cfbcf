import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SikkerKeyError } from "../../errors.js";
import { openStore, type Store } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import { auditOf, type Harness, harness, leasesOf, seedLeased } from "./testing.js";

let store: Store;
let provider: FakeProvider;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  provider = new FakeProvider();
  h = await harness(store, provider);
});
afterAll(async () => {
  await store?.close();
});

async function failure(p: Promise<unknown>): Promise<SikkerKeyError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SikkerKeyError)) throw new Error(`expected a SikkerKeyError, got ${String(error)}`);
  return error;
}

describe("mint failures", () => {
  it("fails a mint cleanly: row failed, reason audited for operators, a generic error for the machine", async () => {
    const { secret, machines } = await seedLeased(h);
    provider.failCreates = 1;
    const error = await failure(h.engine.read(secret, machines[0]!, {}));
    expect(error.code).toBe("MINT_FAILED");
    expect(error.message).not.toContain("GRNT"); // the target's own words stay with operators
    const [row] = await leasesOf(h.db, secret.id);
    expect(row).toMatchObject({ state: "failed", sealedPassword: null });
    expect(row?.lastError).toContain("grants template failed");
    const [event] = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.mint_failed");
    expect(event).toMatchObject({ outcome: "error", reason: "mint_failed", login: row?.login });
    expect(event?.detail).toMatchObject({ retryable: false });
    await h.engine.settle();
    expect(provider.roles.has(row!.login)).toBe(false);
    // The next read mints normally: a failed row does not hold the slot.
    await expect(h.engine.read(secret, machines[0]!, {})).resolves.toMatchObject({ kind: "leased" });
  });

  it("answers PROVIDER_UNAVAILABLE (retryable) while the target is down", async () => {
    const { secret, machines } = await seedLeased(h);
    provider.down = true;
    try {
      const error = await failure(h.engine.read(secret, machines[0]!, {}));
      expect(error.code).toBe("PROVIDER_UNAVAILABLE");
      expect(error.message).not.toContain("db.test");
    } finally {
      provider.down = false;
      await h.engine.settle();
    }
  });

  it("keeps serving a live login when renewal cannot reach the target", async () => {
    const { secret, machines } = await seedLeased(h, {
      policy: { lifetimeSeconds: 120, renewOnRead: true, renewWindowSeconds: 60 },
    });
    const first = await h.engine.read(secret, machines[0]!, {});
    h.clock.advance(90);
    provider.down = true;
    const during = await h.engine.read(secret, machines[0]!, {}).finally(() => {
      provider.down = false;
    });
    expect(during.fields.username).toBe(first.fields.username);
    expect(during.lease?.expiresAt).toBe(first.lease?.expiresAt);
    const renewed = await h.engine.read(secret, machines[0]!, {});
    expect(renewed.lease?.expiresAt).not.toBe(first.lease?.expiresAt);
  });

  it("mints with a changed configuration at once (the engine checks the change stamp on every read)", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { lifetimeSeconds: 60 } });
    await h.engine.read(secret, machines[0]!, {}); // caches the configuration
    await h.db.transaction((tx) =>
      h.configs.update(tx, secret.id, { policy: { lifetimeSeconds: 600 } }, { role: "admin" }),
    );
    h.clock.advance(61);
    const next = await h.engine.read(secret, machines[0]!, {});
    expect(new Date(next.lease!.expiresAt).getTime()).toBe(h.clock.now().getTime() + 600_000);
  });

  it("does not hand out a login whose lease was revoked while it was minting", async () => {
    const { secret, machines } = await seedLeased(h);
    provider.createDelayMs = 100;
    const read = failure(h.engine.read(secret, machines[0]!, {}));
    await new Promise((r) => setTimeout(r, 30)); // the row is committed as minting by now
    const revoked = await h.engine.revokeForSecrets([secret.id]);
    provider.createDelayMs = 0;
    expect(revoked).toBe(1);
    // Retryable: the next read gets the refusal (or a fresh login) that is now right.
    expect((await read).code).toBe("PROVIDER_UNAVAILABLE");
    await h.engine.settle();
    const [row] = await leasesOf(h.db, secret.id);
    expect(row).toMatchObject({ state: "revoked", revokeReason: "secret_deleted" });
    expect(provider.roles.has(row!.login)).toBe(false);
    // Neither the mint nor the read that failed is recorded as done.
    const actions = (await auditOf(h.db, secret.id)).map((e) => e.action);
    expect(actions).not.toContain("lease.mint");
    expect(actions).not.toContain("secret.read");
  });
});
