import { PGlite, types } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PreparedStatements, preparedClient } from "./pglite-prepared.js";

// Every query of the embedded store goes through this: it must answer exactly as PGlite's own
// `query` does, keep its locks, errors and notifications, and only be faster.
let pg: PGlite;
let statements: PreparedStatements;
let client: PGlite;

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(`
    create table t (id bigserial primary key, name text unique, at timestamptz, doc jsonb, tags text[]);
  `);
  statements = new PreparedStatements(pg, 20);
  client = preparedClient(pg, statements);
});
afterAll(async () => {
  await pg?.close();
});

/** drizzle's options for `select` (array rows, timestamps left as text). */
const drizzleArrays = { rowMode: "array" as const, parsers: { [types.TIMESTAMPTZ]: (v: string) => v } };

describe("PGlite statements prepared once, bound and executed in one call", () => {
  it("answers as PGlite's own query, rows, types, nulls and options alike", async () => {
    const insert =
      "insert into t (name, at, doc, tags) values ($1, $2::timestamptz, $3::jsonb, $4) returning *";
    const params = ["a", "2026-12-01T00:00:00.123Z", JSON.stringify({ k: [1, "x"] }), ["p", "q"]];
    const ours = await client.query<Record<string, unknown>>(insert, params);
    const theirs = await pg.query<Record<string, unknown>>(insert, ["b", ...params.slice(1)]);
    expect(ours.fields).toEqual(theirs.fields);
    expect({ ...ours.rows[0], id: 0, name: "" }).toEqual({ ...theirs.rows[0], id: 0, name: "" });
    expect(ours.rows[0]).toMatchObject({ name: "a", doc: { k: [1, "x"] }, tags: ["p", "q"] });
    expect(ours.affectedRows).toBe(1);

    const select = "select name, at, doc, $2::text as extra from t where name = $1";
    for (const args of [
      ["a", null],
      ["a", "x"],
    ]) {
      expect(await client.query(select, args, drizzleArrays)).toEqual(
        await pg.query(select, args, drizzleArrays),
      );
    }
    expect((await client.query<unknown[]>(select, ["a", null], drizzleArrays)).rows[0]?.[1]).toBe(
      "2026-12-01 00:00:00.123+00",
    );
  });

  it("prepares each text once, under a name PostgreSQL keeps", async () => {
    const text = "select count(*)::int as n from t where name <> $1";
    const before = statements.size;
    for (let i = 0; i < 3; i++) await client.query(text, [`n${i}`]);
    expect(statements.size).toBe(before + 1);
    const named = await pg.query<{ statement: string }>(
      "select statement from pg_prepared_statements where name like 'sk\\_%'",
    );
    expect(named.rows.map((r) => r.statement)).toContain(text);
  });

  it("passes errors through with their codes and keeps working; a text that fails to parse is not kept", async () => {
    const insert = "insert into t (name) values ($1)";
    await client.query(insert, ["dup"]);
    await expect(client.query(insert, ["dup"])).rejects.toMatchObject({ code: "23505" });
    const size = statements.size;
    await expect(client.query("selec 1")).rejects.toMatchObject({ code: "42601" });
    expect(statements.size).toBe(size);
    expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("runs transactions: reads its own writes, rolls back on a throw, and a query outside waits for it", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const tx = client.transaction(async (t) => {
      await t.query("insert into t (name) values ($1)", ["in-tx"]);
      expect((await t.query("select 1 from t where name = $1", ["in-tx"])).rows).toHaveLength(1);
      await held;
      order.push("tx done");
    });
    await new Promise((r) => setTimeout(r, 10));
    const outside = client.query("select 1 from t where name = $1", ["in-tx"]).then((r) => {
      order.push("outside");
      return r.rows.length;
    });
    await new Promise((r) => setTimeout(r, 20));
    release();
    await tx;
    expect(await outside).toBe(1);
    expect(order).toEqual(["tx done", "outside"]);

    await expect(
      client.transaction(async (t) => {
        await t.query("insert into t (name) values ($1)", ["rolled-back"]);
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect((await client.query("select 1 from t where name = $1", ["rolled-back"])).rows).toHaveLength(0);
  });

  it("delivers notifications a statement sends, before the statement returns", async () => {
    const heard: string[] = [];
    await pg.listen("prepared_test", (payload) => heard.push(payload));
    await client.query("select pg_notify('prepared_test', $1)", ["hello"]);
    expect(heard).toEqual(["hello"]);
  });

  it("past its bound, runs new texts unnamed and keeps answering", async () => {
    const few = new PreparedStatements(pg, 1);
    const small = preparedClient(pg, few);
    expect((await small.query("select $1::int + 1 as n", [1])).rows).toEqual([{ n: 2 }]);
    expect((await small.query("select $1::int + 2 as n", [1])).rows).toEqual([{ n: 3 }]);
    expect((await small.query("select $1::int + 2 as n", [2])).rows).toEqual([{ n: 4 }]);
    expect(few.size).toBe(1);
  });
});
