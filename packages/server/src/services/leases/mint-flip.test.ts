import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SikkerKeyError } from "../../errors.js";
import { type Store, schema } from "../../store/index.js";
import { storeVariants } from "../../test-support/stores.js";
import { FakeProvider } from "./fake-provider.js";
import { auditOf, type Harness, harness, leasesOf, seedLeased } from "./testing.js";

// A mint that may not go live looks twice: once when it activates, and once more to withdraw the
// lease with the reason that stopped it. A change undone between those two looks (a machine
// disabled, then enabled again) must neither hand out a dropped login nor leave the lease
// `minting`, holding the machine's slot until the grace period ends.
//
// The two looks are separate statements, so the tests flip the machine between them from inside
// the store: a statement-level trigger on `leases` that recognises the activation's statement by
// its text (`state = 'active'`) and the withdrawal's last look (the grant's, `machine_grants` on
// a `minting` row).
describe.each(storeVariants)("a change undone between a mint's two looks ($name store)", (variant) => {
  let store: Store;
  const provider = new FakeProvider();
  let h: Harness;

  beforeAll(async () => {
    store = await variant.open();
    h = await harness(store, provider);
    await h.db.execute(sql`create table test_flip (machine_id text not null, redisable boolean not null)`);
    await h.db.execute(
      sql.raw(`create function test_flip() returns trigger language plpgsql as $$
      begin
        if current_query() like '%state = ''active''%' then
          update machines set status = 'enabled' where id in (select machine_id from test_flip);
        elsif current_query() like '%machine_grants%' and current_query() like '%''minting''%' then
          update machines set status = 'disabled'
            where id in (select machine_id from test_flip where redisable);
        end if;
        return null;
      end $$`),
    );
    await h.db.execute(
      sql`create trigger test_flip after update on leases for each statement execute function test_flip()`,
    );
  });
  afterEach(async () => {
    await h.db.execute(sql`delete from test_flip`);
  });
  afterAll(async () => {
    await store?.close();
  });

  /** A first read whose login takes 100 ms to create; the machine is disabled once it is claimed. */
  async function disabledWhileMinting(redisable: boolean) {
    const seeded = await seedLeased(h);
    const machine = seeded.machines[0]!;
    provider.createDelayMs = 100;
    const settled = h.engine.read(seeded.secret, machine, {}).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    for (let i = 0; i < 50 && (await leasesOf(h.db, seeded.secret.id)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await leasesOf(h.db, seeded.secret.id)).toMatchObject([{ state: "minting" }]);
    await h.db.execute(sql`insert into test_flip values (${machine.id}, ${redisable})`);
    await h.db.update(schema.machines).set({ status: "disabled" }).where(eq(schema.machines.id, machine.id));
    const outcome = (await settled) as { value?: { fields: Record<string, unknown> }; error?: unknown };
    provider.createDelayMs = 0;
    await h.engine.settle();
    return { seeded, machine, outcome };
  }

  it("enabled again before the withdrawal looks: the login goes live and is handed out", async () => {
    const { seeded, outcome } = await disabledWhileMinting(false);
    const [row] = await leasesOf(h.db, seeded.secret.id);
    expect(row).toMatchObject({ state: "active" });
    expect(outcome.value?.fields.username).toBe(row!.login);
    expect(provider.roles.has(row!.login)).toBe(true);
    const actions = (await auditOf(h.db, seeded.secret.id)).map((e) => e.action);
    expect(actions.filter((a) => a === "lease.mint")).toHaveLength(1);
  });

  it("flipping at every look: the mint fails and frees the machine's slot at once", async () => {
    const { seeded, machine, outcome } = await disabledWhileMinting(true);
    expect(outcome.error).toBeInstanceOf(SikkerKeyError);
    expect((outcome.error as SikkerKeyError).code).toBe("PROVIDER_UNAVAILABLE");
    const [row] = await leasesOf(h.db, seeded.secret.id);
    expect(row).toMatchObject({ state: "failed", sealedPassword: null });
    expect(provider.roles.has(row!.login)).toBe(false);
    const failed = (await auditOf(h.db, seeded.secret.id)).filter((e) => e.action === "lease.mint_failed");
    expect(failed).toHaveLength(1);

    // Nothing holds the slot: with the machine enabled, its next read mints at once.
    await h.db.execute(sql`delete from test_flip`);
    await h.db.update(schema.machines).set({ status: "enabled" }).where(eq(schema.machines.id, machine.id));
    const next = await h.engine.read(seeded.secret, machine, {});
    expect(next.fields.username).not.toBe(row!.login);
    expect((await leasesOf(h.db, seeded.secret.id)).map((l) => l.state).sort()).toEqual(["active", "failed"]);
  });
});
