import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, deploy, json } from "../support/deployment.js";

interface Verify {
  ok: boolean;
  checked: number;
  firstBroken: { seq: number; reason: string } | null;
}

// Someone with write access to the store edits or deletes audit rows behind the server's back:
// `sikkerkey audit verify` against the running server must say so (exit 7), and name the event.
describe("audit tampering in the PostgreSQL store, found by `sikkerkey audit verify`", () => {
  let d: Deployment;
  let sql: postgres.Sql;

  beforeAll(async () => {
    d = await deploy("postgres");
    sql = postgres(d.databaseUrl!, { max: 1, onnotice: () => {} });
    for (const name of ["a", "b", "c", "d"]) json(await d.cli(["vault", "create", name, "--json"]));
    // The linker runs in the background; wait until every event is in the chain.
    for (let i = 0; i < 50; i++) {
      const v = json<Verify & { unlinked: number }>(await d.cli(["audit", "verify", "--json"]));
      if (v.ok && v.unlinked === 0 && v.checked >= 5) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    await sql?.end();
    await d?.close();
  });

  const verify = async () => {
    const r = await d.cli(["audit", "verify", "--json"]);
    return { code: r.code, result: JSON.parse(r.stdout) as Verify };
  };

  it("an intact chain verifies (exit 0)", async () => {
    const { code, result } = await verify();
    expect(code).toBe(0);
    expect(result.ok).toBe(true);
  });

  it("an edited event is found, and the edit undone makes it verify again", async () => {
    const [row] = await sql<{ seq: number; detail: unknown }[]>`
      SELECT seq, detail FROM audit_events WHERE action = 'vault.create' ORDER BY seq LIMIT 1`;
    await sql`UPDATE audit_events SET detail = ${sql.json({ name: "forged" })} WHERE seq = ${row!.seq}`;
    const { code, result } = await verify();
    expect(code).toBe(7);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({
      seq: Number(row!.seq),
      reason: "content does not match its hash",
    });
    const human = await d.cli(["audit", "verify"]);
    expect(human.code).toBe(7);
    expect(human.stdout).toMatch(/audit chain broken at event \d+/);
    await sql`UPDATE audit_events SET detail = ${sql.json(row!.detail as postgres.JSONValue)} WHERE seq = ${row!.seq}`;
    expect((await verify()).code).toBe(0);
  });

  it("a deleted last event is found (the head remembers the end)", async () => {
    // The chain is intact again here: only the end is cut.
    const [last] = await sql<{ seq: number }[]>`
      SELECT seq FROM audit_events WHERE chain_index IS NOT NULL ORDER BY chain_index DESC LIMIT 1`;
    await sql`DELETE FROM audit_events WHERE seq = ${last!.seq}`;
    const { code, result } = await verify();
    expect(code).toBe(7);
    expect(result.firstBroken?.reason).toMatch(/the chain ends at position \d+, the head says \d+/);
  });
  it("a deleted event in the middle is found", async () => {
    const rows = await sql<{ seq: number }[]>`
      SELECT seq FROM audit_events WHERE chain_index IS NOT NULL ORDER BY chain_index LIMIT 3`;
    await sql`DELETE FROM audit_events WHERE seq = ${rows[1]!.seq}`;
    const { code, result } = await verify();
    expect(code).toBe(7);
    expect(result.firstBroken?.reason).toMatch(/missing before chain position/);
  });
});
