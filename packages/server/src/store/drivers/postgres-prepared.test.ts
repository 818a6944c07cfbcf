import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { preparingClient } from "./postgres-prepared.js";

describe("postgres.js statements prepared under drizzle (PostgreSQL store)", { timeout: 30_000 }, () => {
  const pg = pgFromInject();
  let client: postgres.Sql;
  /** What postgres.js prepares for itself (its type lookup, its own tagged templates). */
  let before: Set<string>;

  beforeEach(async () => {
    const database = await pg.createDatabase();
    // One connection, so pg_prepared_statements shows everything this client prepared.
    client = postgres(pg.url({ database }), { max: 1, onnotice: () => {} });
    await client`create table t (id int primary key, name text not null)`;
    before = new Set(
      (await client`select statement from pg_prepared_statements`).map((r) => r.statement as string),
    );
  });
  afterEach(async () => {
    await client.end({ timeout: 1 });
  });

  /** The statements drizzle's queries prepared on the client's one connection, as PostgreSQL lists them. */
  const prepared = async (db: ReturnType<typeof drizzle>) => {
    const rows = await db.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`);
    return rows.map((r) => r.statement).filter((s) => !before.has(s));
  };

  it("prepares a statement with parameters once, and answers as drizzle does without it", async () => {
    const plain = drizzle(client);
    const db = drizzle(preparingClient(client));
    const insert = (d: typeof db, id: number) =>
      d.execute(sql`insert into t values (${id}, ${`n${id}`}) returning id, name`);
    expect(await insert(db, 1)).toEqual([{ id: 1, name: "n1" }]);
    expect(await insert(plain, 2)).toEqual([{ id: 2, name: "n2" }]);
    await insert(db, 3);
    const select = (d: typeof db) => d.execute(sql`select id, name from t where id > ${0} order by id`);
    expect(await select(db)).toEqual(await select(plain));
    const statements = await prepared(db);
    expect(statements.filter((s) => s.startsWith("insert into t"))).toHaveLength(1);
    expect(statements.filter((s) => s.startsWith("select id, name"))).toHaveLength(1);
    // Drizzle without the wrapper prepares nothing: its `unsafe` calls say `prepare: false`.
    expect(statements).toHaveLength(2);
  });

  it("prepares inside transactions and savepoints too, and rolls back as before", async () => {
    const db = drizzle(preparingClient(client));
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (${10}, ${"outer"})`);
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`update t set name = ${"inner"} where id = ${10}`);
          throw new Error("roll back the savepoint");
        })
        .catch(() => undefined);
    });
    const rows = await db.execute(sql`select name from t where id = ${10}`);
    expect(rows).toEqual([{ name: "outer" }]);
    const statements = await prepared(db);
    expect(statements.some((s) => s.startsWith("insert into t"))).toBe(true);
    expect(statements.some((s) => s.startsWith("update t set name"))).toBe(true);
  });

  it("keeps the SQLSTATE of a failed statement, and the statement still works after", async () => {
    const db = drizzle(preparingClient(client));
    const insert = (id: number) => db.execute(sql`insert into t values (${id}, ${"x"})`);
    await insert(20);
    const failure = await insert(20).catch((e: unknown) => e);
    expect(
      (failure as { cause?: { code?: string } }).cause?.code ?? (failure as { code?: string }).code,
    ).toBe("23505");
    await insert(21);
    expect(await db.execute(sql`select count(*)::int as n from t where id in (${20}, ${21})`)).toEqual([
      { n: 2 },
    ]);
  });

  it("prepares nothing when the URL says prepare=false (a pooler without prepared statements)", async () => {
    const url = new URL(pg.url({ database: await pg.createDatabase() }));
    url.searchParams.set("prepare", "false");
    const unprepared = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      expect(unprepared.options.prepare).toBe(false);
      const db = drizzle(preparingClient(unprepared));
      expect(await db.execute(sql`select ${1}::int as v`)).toEqual([{ v: 1 }]);
      await db.transaction(async (tx) => {
        await tx.execute(sql`select ${2}::int as v`);
      });
      const rows = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_prepared_statements`,
      );
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await unprepared.end({ timeout: 1 });
    }
  });

  it("past the bound, new texts run unprepared and still answer", async () => {
    const db = drizzle(preparingClient(client, 2));
    for (let i = 1; i <= 4; i++) {
      // Four different texts: the column alias changes.
      expect(await db.execute(sql`select ${i}::int as ${sql.raw(`v${i}`)}`)).toEqual([{ [`v${i}`]: i }]);
    }
    const statements = await prepared(db);
    expect(statements.sort()).toEqual(["select $1::int as v1", "select $1::int as v2"]);
  });
});
