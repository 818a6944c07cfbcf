import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit.js";

describe("GroupCommit", () => {
  it("writes a lone item at once, and what arrives meanwhile together in the next statement", async () => {
    const statements: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const group = new GroupCommit<number, number>(async (items) => {
      statements.push(items);
      if (statements.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = group.submit(1);
    await new Promise((r) => setTimeout(r, 0));
    const rest = [2, 3, 4].map((i) => group.submit(i));
    expect(group.pending).toBe(3);
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(statements).toEqual([[1], [2, 3, 4]]);
  });

  it("batches writes submitted by separate callbacks of one event-loop turn, as requests are", async () => {
    // Each request arrives in its own I/O callback, and Node runs the microtasks between two
    // callbacks: a drain scheduled as a microtask would write every request alone. PGlite answers
    // without yielding to I/O, so nothing would join a batch in flight either.
    const statements: number[][] = [];
    const group = new GroupCommit<number, void>(async (items) => {
      statements.push(items);
      return items.map(() => undefined);
    });
    const done = await new Promise<Promise<void>[]>((resolve) => {
      const submitted: Promise<void>[] = [];
      setImmediate(() => submitted.push(group.submit(1)));
      setImmediate(() => submitted.push(group.submit(2)));
      setImmediate(() => resolve(submitted));
    });
    await Promise.all(done);
    expect(statements).toEqual([[1, 2]]);
  });

  it("bounds a statement's size", async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, void>(async (items) => {
      sizes.push(items.length);
      return items.map(() => undefined);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => group.submit(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("gives each item its own fate when a batch fails", async () => {
    const group = new GroupCommit<number, number>(async (items) => {
      if (items.includes(13)) throw new Error("unlucky");
      return items;
    });
    const results = await Promise.allSettled([12, 13, 14].map((i) => group.submit(i)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});
