import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../provider.js";
import { createPostgresProvider } from "./index.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

/** A promise settled from outside, standing in for the store's commit of the lease row. */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * `LoginSpec.recorded`: the role's statements may run while the store commits the lease row, but
 * the role is committed only after it has, and nothing is left when it is not.
 */
describe.each(adminKinds)("create gated on the lease row ($kind admin)", ({ kind }) => {
  const provider = createPostgresProvider();
  // Graces long enough that a busy test machine still sees the transaction while it is held.
  const holding = createPostgresProvider({ recordGraceMs: 60_000 });
  const brief = createPostgresProvider({ recordGraceMs: 300 });
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => Promise.all([provider, holding, brief].map((p) => p.close())));

  /** Sessions of the admin role holding a transaction open in the target database. */
  const openTransactions = async () =>
    (
      await f.pg.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND usename = $2 AND state LIKE 'idle in transaction%'",
        [f.database, f.target.adminUser],
      )
    )[0]!.n;

  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 5_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  it("holds the role in an open transaction until the row is recorded: no one sees it or logs in with it", async () => {
    const record = deferred();
    const spec = f.spec();
    const creating = holding.create(f.target, { ...spec, recorded: record.promise });
    // The statements have run once the admin's session waits, in its transaction, for the COMMIT.
    await until("the role's statements", async () => (await openTransactions()) > 0);
    expect(await f.roleExists(spec.login)).toBe(false);
    expect((await f.tryAs(spec.login, spec.password)).code).toBe("28P01");
    record.resolve();
    await creating;
    expect((await f.tryAs(spec.login, spec.password)).rows).toEqual([{ who: spec.login }]);
    expect(await openTransactions()).toBe(0);
  });

  it("a row that is never recorded leaves no role and no open transaction, and says why", async () => {
    const record = deferred();
    const spec = f.spec();
    const creating = holding.create(f.target, { ...spec, recorded: record.promise });
    const outcome = creating.catch((e: unknown) => e);
    await until("the role's statements", async () => (await openTransactions()) > 0);
    record.reject(new Error("claim lost"));
    const err = await outcome;
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(/the lease was not recorded, so no login was created/);
    expect((err as ProviderError).retryable).toBe(false);
    expect(await f.roleExists(spec.login)).toBe(false);
    expect(await openTransactions()).toBe(0);
  });

  it("a row slower than the grace: the transaction is rolled back meanwhile, the role made once it is in", async () => {
    const record = deferred();
    const spec = f.spec();
    const creating = brief.create(f.target, { ...spec, recorded: record.promise });
    await until("the role's statements", async () => (await openTransactions()) > 0);
    // Past the grace the target's session is idle and out of its transaction, the queue free.
    await until("the rollback", async () => (await openTransactions()) === 0);
    expect(await f.roleExists(spec.login)).toBe(false);
    const other = f.spec();
    await brief.create(f.target, other); // the target's mint queue is not held by the wait
    expect(await f.roleExists(other.login)).toBe(true);
    record.resolve();
    await creating;
    expect((await f.tryAs(spec.login, spec.password)).rows).toEqual([{ who: spec.login }]);
  }, 10_000);

  it("a row already refused when its turn comes: the target is never contacted", async () => {
    // A port nothing listens on: any attempt to reach the target would fail with a network error.
    const nowhere = { ...f.target, port: 1 };
    const refused = Promise.reject(new Error("claim lost"));
    refused.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 0));
    const spec = f.spec();
    await expect(provider.create(nowhere, { ...spec, recorded: refused })).rejects.toThrow(
      /the lease was not recorded, so no login was created/,
    );
    // The same spec without the refusal does try the target, and fails there.
    await expect(provider.create(nowhere, spec)).rejects.not.toThrow(/not recorded/);
  });

  it("a row recorded before its turn: the login is made as without a gate", async () => {
    const spec = f.spec();
    await provider.create(f.target, { ...spec, recorded: Promise.resolve() });
    expect((await f.tryAs(spec.login, spec.password)).rows).toEqual([{ who: spec.login }]);
    expect(await openTransactions()).toBe(0);
  });
});
