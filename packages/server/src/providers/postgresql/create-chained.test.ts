import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../provider.js";
import { createLogin } from "./create.js";
import { MintLanes } from "./lane.js";
import { type Sql, TargetPools, targetAddress } from "./pool.js";
import { SerialQueues } from "./queue.js";
import { scramVerifier } from "./scram.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

/**
 * Mints for one target hand their connection on once their COMMIT is written (MintLanes): the
 * next mint's statements follow it on the same session, so the target runs them back to back,
 * still one at a time.
 */
describe.each(adminKinds)("mints chained on one connection ($kind admin)", ({ kind }) => {
  const pools = new TargetPools();
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => pools.close());

  /** createLogin's dependencies, counting the connections its mints reserve. */
  function deps(recordGraceMs?: number) {
    const counted = { reserves: 0 };
    const pool = (target: Parameters<TargetPools["get"]>[0]): Sql => {
      const sql = pools.get(target);
      return new Proxy(sql, {
        get(t, key, receiver) {
          if (key === "reserve") {
            return () => {
              counted.reserves++;
              return t.reserve();
            };
          }
          return Reflect.get(t, key, receiver);
        },
      });
    };
    const lanes = new MintLanes();
    const d = { pool, queues: new SerialQueues(), lanes, revoke: async () => undefined, recordGraceMs };
    return { d, counted, lanes };
  }

  /** Specs whose verifiers are made beforehand, so they all queue at once. */
  const prepared = (overrides: Parameters<Fixture["spec"]>[0][]) =>
    Promise.all(
      overrides.map(async (o) => {
        const spec = f.spec(o);
        return { ...spec, prepared: await scramVerifier(spec.password) };
      }),
    );

  const adminInTransaction = async () =>
    (
      await f.pg.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND usename = $2 AND state LIKE 'idle in transaction%'",
        [f.database, f.target.adminUser],
      )
    )[0]!.n;

  it("ten mints at once run on one connection, each behind the COMMIT before it, and every login works", async () => {
    const { d, counted, lanes } = deps();
    const specs = await prepared(Array.from({ length: 10 }, () => ({})));
    await Promise.all(specs.map((s) => createLogin(d, f.target, s)));
    // Without the hand-over each mint reserves its own (ten); with it, the first one's is passed on.
    expect(counted.reserves).toBe(1);
    for (const s of specs) {
      expect((await f.tryAs(s.login, s.password, "SELECT x FROM granted")).rows).toEqual([{ x: 42 }]);
    }
    await lanes.quiet(targetAddress(f.target));
    expect(lanes.size).toBe(0);
    expect(await adminInTransaction()).toBe(0);
  });

  it("a mint that fails between two others fails alone: its role is gone, theirs work", async () => {
    const { d, counted } = deps();
    const [before, broken, after] = await prepared([
      {},
      { grants: "GRANT SELECT ON granted TO {{name}}; GRANT SELECT ON no_such_table TO {{name}};" },
      {},
    ]);
    const results = await Promise.allSettled(
      [before!, broken!, after!].map((s) => createLogin(d, f.target, s)),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const failure = (results[1] as PromiseRejectedResult).reason;
    expect(failure).toBeInstanceOf(ProviderError);
    expect(String(failure.message)).toMatch(/grants template failed.*no_such_table/);
    expect(counted.reserves).toBe(1);
    expect(await f.roleExists(broken!.login)).toBe(false);
    expect((await f.tryAs(broken!.login, broken!.password)).code).toBe("28P01");
    for (const s of [before!, after!]) {
      expect((await f.tryAs(s.login, s.password)).rows).toEqual([{ who: s.login }]);
    }
    expect(await adminInTransaction()).toBe(0);
  });

  it("a mint queued behind a gated one starts only after the gated one's COMMIT: both logins work", async () => {
    // A grace longer than the test, so the first stays held however slow the machine.
    const { d } = deps(60_000);
    const [gated, next] = await prepared([{}, {}]);
    let record!: () => void;
    const recorded = new Promise<void>((r) => (record = r));
    const first = createLogin(d, f.target, { ...gated!, recorded });
    const second = createLogin(d, f.target, next!);
    // The second waits its turn while the first's transaction waits for its row.
    await new Promise((r) => setTimeout(r, 20));
    expect(await f.roleExists(next!.login)).toBe(false);
    record();
    await Promise.all([first, second]);
    for (const s of [gated!, next!]) {
      expect((await f.tryAs(s.login, s.password)).rows).toEqual([{ who: s.login }]);
    }
  });
});
