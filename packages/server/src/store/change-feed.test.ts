import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Change, installChangeTriggers } from "./change-feed.js";
import { resultRows } from "./rows.js";
import { openStore, type Store } from "./store.js";

const triggerOids = async (store: Store) =>
  resultRows<{ tgname: string; oid: number }>(
    await store.db.execute(
      sql`select tgname, oid::int from pg_trigger where tgname like 'sikkerkey\\_change\\_%' order by tgname`,
    ),
  );

const insertVault = (store: Store, id: string) =>
  store.db.execute(sql`insert into vaults (id, name) values (${id}, ${id})`);

describe("change triggers on the embedded store", () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-change-feed-"));
    store = await openStore({ dataDir: dir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("are installed once: a restart on the same definition leaves them as they are", async () => {
    const before = await triggerOids(store);
    expect(before).toHaveLength(7);
    await store.close();
    store = await openStore({ dataDir: dir });
    expect(await triggerOids(store)).toEqual(before);

    const seen: Change[] = [];
    store.changes.subscribe((change) => seen.push(change));
    await insertVault(store, "vlt_after_restart");
    expect(seen).toContain("*");
  });

  it("are put back when one is missing or the definition differs, and still announce", async () => {
    await store.db.execute(sql`drop trigger sikkerkey_change_leases on leases`);
    await installChangeTriggers(store.db);
    expect((await triggerOids(store)).map((t) => t.tgname)).toContain("sikkerkey_change_leases");

    await store.db.execute(sql`comment on function sikkerkey_announce_change() is 'an older definition'`);
    const before = await triggerOids(store);
    await installChangeTriggers(store.db);
    const after = await triggerOids(store);
    expect(after).toHaveLength(7);
    expect(after.map((t) => t.oid)).not.toEqual(before.map((t) => t.oid));

    const seen: Change[] = [];
    store.changes.subscribe((change) => seen.push(change));
    await insertVault(store, "vlt_after_reinstall");
    expect(seen).toContain("*");
  });
});
