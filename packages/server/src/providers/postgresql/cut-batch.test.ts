import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogin } from "./create.js";
import { CutBatches } from "./cut-batch.js";
import { DropBatches } from "./drop-batch.js";
import { MintLanes } from "./lane.js";
import { TargetPools } from "./pool.js";
import { SerialQueues } from "./queue.js";
import { revokeLogin } from "./revoke.js";
import { adminKinds, type Fixture, fixture, within } from "./testing.js";

describe.each(adminKinds)("access cut together ($kind admin)", ({ kind }) => {
  const pools = new TargetPools();
  const pool = pools.get.bind(pools);
  const lanes = new MintLanes();
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => pools.close());

  it("revocations that arrive together share one pipeline: every session ends, every login is refused and gone", async () => {
    const queues = new SerialQueues();
    const cuts = new CutBatches();
    const drops = new DropBatches(queues, lanes);
    const revoke = (login: string) => revokeLogin({ pool, cuts, drops }, f.target, login);
    const specs = Array.from({ length: 10 }, () => f.spec());
    for (const spec of specs)
      await createLogin({ pool, queues, lanes, revoke: (_, l) => revoke(l) }, f.target, spec);
    const sessions = specs.map((s) => f.connect(s.login, s.password));
    await Promise.all(sessions.map((s) => s`SELECT 1`));
    const missing = f.spec().login; // never created: its answer is its own

    try {
      const done = await within(
        Promise.all([...specs.map((s) => revoke(s.login)), revoke(missing)]),
        20_000,
        "revocations",
      );
      expect(cuts.stats.logins).toBe(11);
      // Two pipelines may start before the rest arrive; eleven revocations alone would be eleven.
      expect(cuts.stats.batches).toBeLessThanOrEqual(2);
      expect(done.slice(0, 10).every((r) => r.existed && r.dropped && r.terminatedSessions === 1)).toBe(true);
      expect(done[10]).toEqual({ existed: false, dropped: false, terminatedSessions: 0 });
    } finally {
      await Promise.all(sessions.map((s) => s.end({ timeout: 0 })));
    }
    for (const spec of specs) {
      expect(await f.roleExists(spec.login)).toBe(false);
      expect((await f.tryAs(spec.login, spec.password)).code).toBe("28P01");
    }
  });
});
