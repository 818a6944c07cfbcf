import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogin } from "./create.js";
import { CutBatches } from "./cut-batch.js";
import { DropBatches } from "./drop-batch.js";
import { MintLanes } from "./lane.js";
import { targetAddress, TargetPools } from "./pool.js";
import { SerialQueues } from "./queue.js";
import { revokeLogin } from "./revoke.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

describe.each(adminKinds)("drops waiting together ($kind admin)", ({ kind }) => {
  const pools = new TargetPools();
  const pool = pools.get.bind(pools);
  const cuts = new CutBatches();
  const lanes = new MintLanes();
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => pools.close());

  /** A queue held by a task until `release()`: drops pile up behind it, as behind a mint. */
  function heldQueue(queues: SerialQueues) {
    let release!: () => void;
    void queues.run(targetAddress(f.target), () => new Promise<void>((r) => (release = r)));
    return () => release();
  }

  async function mint(queues: SerialQueues, drops: DropBatches, count: number) {
    const revoke = (target: typeof f.target, login: string) =>
      revokeLogin({ pool, cuts, drops }, target, login);
    const specs = Array.from({ length: count }, () => f.spec());
    for (const spec of specs) await createLogin({ pool, queues, lanes, revoke }, f.target, spec);
    return specs;
  }

  async function untilWaiting(drops: DropBatches, n: number) {
    for (let i = 0; i < 500 && drops.waiting < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(drops.waiting).toBe(n);
  }

  it("are dropped in one transaction, and every login is refused and gone", async () => {
    const queues = new SerialQueues();
    const drops = new DropBatches(queues, lanes);
    const specs = await mint(queues, drops, 10);
    const session = f.connect(specs[0]!.login, specs[0]!.password);
    await session`SELECT 1`;
    const release = heldQueue(queues);
    const results = Promise.all(specs.map((s) => revokeLogin({ pool, cuts, drops }, f.target, s.login)));
    await untilWaiting(drops, 10);
    release();
    const done = await results;
    await session.end({ timeout: 0 });

    expect(drops.stats).toEqual({ batches: 1, logins: 10 });
    expect(done.every((r) => r.existed && r.dropped)).toBe(true);
    expect(done[0]!.terminatedSessions).toBe(1);
    for (const spec of specs) {
      expect(await f.roleExists(spec.login)).toBe(false);
      expect((await f.tryAs(spec.login, spec.password)).code).toBe("28P01");
    }
  });

  it("a login that cannot be dropped holds up none of the others waiting with it", async () => {
    const queues = new SerialQueues();
    const drops = new DropBatches(queues, lanes);
    const specs = await mint(queues, drops, 4);
    const stuck = specs[1]!;
    // A table of its own in another database: DROP OWNED only reaches the current one, so
    // DROP ROLE refuses (2BP01) until a DBA acts.
    const other = await f.pg.createDatabase();
    await f.pg.query(`GRANT CREATE ON DATABASE "${other}" TO "${stuck.login}"`);
    const elsewhere = f.connect(stuck.login, stuck.password, other);
    await elsewhere.unsafe("CREATE SCHEMA mine");
    await elsewhere.end({ timeout: 1 });

    const release = heldQueue(queues);
    const results = Promise.allSettled(
      specs.map((s) => revokeLogin({ pool, cuts, drops }, f.target, s.login)),
    );
    await untilWaiting(drops, 4);
    release();
    const settled = await results;

    expect(settled.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/can no longer log in/);
    for (const spec of specs) expect(await f.roleExists(spec.login)).toBe(spec === stuck);
    // Refused either way: NOLOGIN committed before the drop was tried.
    expect((await f.tryAs(stuck.login, stuck.password)).code).toBe("28000");
  });
});
