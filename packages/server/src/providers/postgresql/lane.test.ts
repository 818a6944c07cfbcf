import type { ReservedSql } from "postgres";
import { describe, expect, it, vi } from "vitest";
import { MAX_CHAINED, MintLanes } from "./lane.js";
import type { Sql } from "./pool.js";

/** A promise settled from outside: a mint's answers, arriving when the test says. */
function answers() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A pool whose every `reserve()` answers a fresh connection that records its release. */
function fakePool() {
  const conns: { release: ReturnType<typeof vi.fn> }[] = [];
  const sql = {
    reserve: async () => {
      const conn = { release: vi.fn() };
      conns.push(conn);
      return conn as unknown as ReservedSql;
    },
  } as unknown as Sql;
  return { sql, conns };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("MintLanes", () => {
  it("hands a connection whose answers are still coming to the next mint, and releases it once, after the last answer", async () => {
    const lanes = new MintLanes();
    const { sql, conns } = fakePool();
    const first = await lanes.take("t", sql);
    const a = answers();
    lanes.hold("t", first, a.promise);
    const second = await lanes.take("t", sql);
    expect(second.conn).toBe(first.conn);
    expect(conns).toHaveLength(1);
    const b = answers();
    lanes.hold("t", second, b.promise);
    // The first mint's answers arrive: the connection is the second's now, so it stays out.
    a.resolve();
    await settle();
    expect(conns[0]!.release).not.toHaveBeenCalled();
    b.resolve();
    await settle();
    expect(conns[0]!.release).toHaveBeenCalledTimes(1);
    expect(lanes.size).toBe(0);
  });

  it.each([
    { limit: 2, make: () => new MintLanes(2) },
    { limit: MAX_CHAINED, make: () => new MintLanes() },
  ])(
    "chains up to $limit mints on a connection before the next one waits for the first's answers",
    async ({ limit, make }) => {
      const lanes = make();
      const { sql, conns } = fakePool();
      const first = answers();
      lanes.hold("t", await lanes.take("t", sql), first.promise);
      for (let i = 1; i < limit; i++) lanes.hold("t", await lanes.take("t", sql), answers().promise);
      let next: unknown;
      void lanes.take("t", sql).then((turn) => (next = turn));
      await settle();
      expect(next).toBeUndefined();
      first.resolve();
      await settle();
      expect(next).toMatchObject({ conn: conns[0] });
      expect(conns).toHaveLength(1);
    },
  );

  it("reserves a fresh connection once the last one went back", async () => {
    const lanes = new MintLanes();
    const { sql, conns } = fakePool();
    const first = await lanes.take("t", sql);
    lanes.hold("t", first, Promise.resolve());
    await settle();
    const second = await lanes.take("t", sql);
    expect(second.conn).not.toBe(first.conn);
    expect(conns).toHaveLength(2);
    expect(conns[0]!.release).toHaveBeenCalledTimes(1);
  });

  it("keeps targets apart", async () => {
    const lanes = new MintLanes();
    const { sql, conns } = fakePool();
    lanes.hold("a", await lanes.take("a", sql), answers().promise);
    await lanes.take("b", sql);
    expect(conns).toHaveLength(2);
  });

  it("waits, in quiet(), for every answer on the connection, including those of mints handed on", async () => {
    const lanes = new MintLanes();
    const { sql } = fakePool();
    const a = answers();
    const b = answers();
    const first = await lanes.take("t", sql);
    lanes.hold("t", first, a.promise);
    const second = await lanes.take("t", sql);
    lanes.hold("t", second, b.promise);
    let quiet = false;
    void lanes.quiet("t").then(() => (quiet = true));
    b.resolve(); // answers come in order on one connection; even out of order, both are awaited
    await settle();
    expect(quiet).toBe(false);
    a.resolve();
    await settle();
    expect(quiet).toBe(true);
    await expect(lanes.quiet("nothing held")).resolves.toBeUndefined();
  });

  it("releases a connection whose statements failed, once they have all been answered", async () => {
    const lanes = new MintLanes();
    const { sql, conns } = fakePool();
    const failed = Promise.reject(new Error("connection ended"));
    lanes.hold("t", await lanes.take("t", sql), failed);
    await settle();
    expect(conns[0]!.release).toHaveBeenCalledTimes(1);
    await expect(lanes.quiet("t")).resolves.toBeUndefined();
  });
});
