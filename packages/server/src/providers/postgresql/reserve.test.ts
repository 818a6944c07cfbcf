import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRetryable, readFailure } from "./errors.js";
import { TargetPools } from "./pool.js";
import { reserveConnection } from "./reserve.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

/** The promise's outcome, or "pending" if it has none after `ms`. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([promise, sleep(ms).then(() => "pending" as const)]);
}

describe.each(adminKinds)("reserving a target connection ($kind admin)", ({ kind }) => {
  const pools = new TargetPools({ max: 1, reserveWaitMs: 400 });
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => pools.close());

  /** A pool of one connection, held by a reservation; its backend's pid. */
  async function heldPool(options: ConstructorParameters<typeof TargetPools>[0]) {
    const own = new TargetPools(options);
    const sql = own.get(f.target);
    const held = await reserveConnection(sql);
    const [row] = await held<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    return { own, sql, held, pid: row!.pid };
  }

  it("postgres.js alone strands a reserve queued when the server ends the connection it waits for (the bug the deadline is for)", async () => {
    const { own, sql, held, pid } = await heldPool({ max: 1 });
    try {
      const queued = sql.reserve().then((conn) => {
        conn.release();
        return "reserved";
      });
      await sleep(50);
      await f.pg.query("SELECT pg_terminate_backend($1)", [pid]);
      // If this starts to say "reserved", postgres.js fixed porsager/postgres#1195 and
      // reserve.ts can go.
      expect(await settledWithin(queued, 2_000)).toBe("pending");
    } finally {
      held.release();
      await own.close(0);
    }
  });

  it("with the deadline, that reserve fails retryably instead, and the pool goes on serving", async () => {
    const { own, sql, held, pid } = await heldPool({ max: 1, reserveWaitMs: 400 });
    try {
      const queued = reserveConnection(sql).then(
        (conn) => {
          conn.release();
          return "reserved";
        },
        (e: unknown) => readFailure(e),
      );
      await sleep(50);
      await f.pg.query("SELECT pg_terminate_backend($1)", [pid]);
      const outcome = await settledWithin(queued, 5_000);
      expect(outcome).toMatchObject({ kind: "network", code: "RESERVE_TIMEOUT" });
      expect(isRetryable(outcome as ReturnType<typeof readFailure>)).toBe(true);
      held.release();
      expect(await settledWithin(sql<{ one: number }[]>`SELECT 1 AS one`, 5_000)).toEqual([{ one: 1 }]);
      const again = await settledWithin(reserveConnection(sql), 5_000);
      expect(again).not.toBe("pending");
      if (again !== "pending") again.release();
    } finally {
      await own.close(0);
    }
  });

  it("a query on a held connection whose backend was ended fails as CONNECTION_CLOSED (postgres.js patched: it crashed the process)", async () => {
    const { own, held, pid } = await heldPool({ max: 1 });
    try {
      await f.pg.query("SELECT pg_terminate_backend($1)", [pid]);
      await sleep(200); // the close has been seen: the connection has no socket any more
      const outcome = await held`SELECT 1`.then(
        () => "answered",
        (e: unknown) => readFailure(e).code,
      );
      expect(outcome).toBe("CONNECTION_CLOSED");
    } finally {
      held.release();
      await own.close(0);
    }
  });

  it("a reservation that comes after the caller gave up goes straight back to the pool", async () => {
    const sql = pools.get(f.target);
    const held = await reserveConnection(sql);
    const late = await reserveConnection(sql).catch((e: unknown) => readFailure(e));
    expect(late).toMatchObject({ code: "RESERVE_TIMEOUT" });
    held.release();
    // With one connection, this would wait forever if the late reservation had kept it.
    expect(await settledWithin(sql<{ one: number }[]>`SELECT 1 AS one`, 5_000)).toEqual([{ one: 1 }]);
    const next = await settledWithin(reserveConnection(sql), 5_000);
    expect(next).not.toBe("pending");
    if (next !== "pending") next.release();
  });
});
