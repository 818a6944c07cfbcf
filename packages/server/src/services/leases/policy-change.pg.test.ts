import type { LeasedConfigPatch } from "@sikkerkey/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { createTestKeyring } from "../../crypto/index.js";
import { createPostgresProvider } from "../../providers/postgresql/index.js";
import { adminKinds } from "../../providers/postgresql/testing.js";
import { type Provider, ProviderError } from "../../providers/provider.js";
import { openStore, type Store } from "../../store/index.js";
import { type PgTarget, pgTarget, seedOn } from "./pg-testing.js";
import { auditOf, type Harness, harness, leasesOf } from "./testing.js";

// Editing a leased secret's policy while its logins are live, against real PostgreSQL and real
// logins. VALID UNTIL is PostgreSQL's real clock while the engine runs on a ManualClock, so a
// test that needs a VALID UNTIL already past (or just ahead) starts the engine's clock that far
// behind real time. "The store says valid" is then read against real time too.
let store: Store;
const keyring = createTestKeyring();
beforeAll(async () => {
  store = await openStore({ memory: true });
});
afterAll(async () => {
  await store?.close();
});

/** The `lease.align` events of a secret, oldest first, as the audit log holds them. */
async function aligned(h: Harness, secretId: string) {
  const events = await auditOf(h.db, secretId);
  return events
    .filter((e) => e.action === "lease.align")
    .sort((a, b) => a.seq - b.seq)
    .map((e) => ({ login: e.login, actor: e.actorType, reason: e.reason, detail: e.detail }));
}

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const REFUSED = "28P01"; // password authentication failed: also what an expired VALID UNTIL gives

describe.each(adminKinds)("policy changes with live logins ($kind admin)", ({ kind }) => {
  let t: PgTarget;
  let real: Provider;
  /** The real provider, whose target can be "down" for renew (ALTER ROLE) calls. */
  let provider: Provider;
  let targetDown = false;
  beforeAll(async () => {
    t = await pgTarget(kind);
    real = createPostgresProvider();
    provider = {
      ...real,
      renew: (target, login, validUntil) =>
        targetDown
          ? Promise.reject(
              new ProviderError("connection refused", { retryable: true, targetCode: "ECONNREFUSED" }),
            )
          : real.renew(target, login, validUntil),
    };
  });
  afterAll(async () => {
    await real?.close();
  });

  const engineAt = (offsetSeconds: number) =>
    harness(store, provider, {}, { keyring, clock: new ManualClock(Date.now() + offsetSeconds * 1000) });
  /** The policy edit as the store commits it; the after-change hook is called by each test. */
  async function edit(h: Harness, secretId: string, policy: NonNullable<LeasedConfigPatch["policy"]>) {
    await h.db.transaction((tx) => h.configs.update(tx, secretId, { policy }, { role: "owner" }));
    h.configs.invalidate(secretId);
  }

  it("native expiry switched off: a renewal lifts the old VALID UNTIL, so the login connects while the store says it is valid", async () => {
    // The mint's VALID UNTIL (lifetime 300 s) is already 10 s past in real time.
    const h = await engineAt(-310);
    const { secret, machines } = await seedOn(h, t, {
      policy: { lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 200, nativeExpiry: true },
    });
    const first = await h.engine.read(secret, machines[0]!, {});
    const { username, password } = first.fields as { username: string; password: string };
    expect((await t.tryAs(username, password)).code).toBe(REFUSED); // PostgreSQL enforces it
    await edit(h, secret.id, { nativeExpiry: false }); // the hook never ran: the read path alone
    h.clock.advance(150); // inside the renew window
    const renewed = await h.engine.read(secret, machines[0]!, {});
    expect(renewed.fields).toEqual(first.fields);
    expect(new Date(renewed.lease!.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect((await t.tryAs(username, password)).rows).toHaveLength(1);
    await h.engine.settle();
  });

  it("native expiry switched off: the change lifts VALID UNTIL on live logins without a read", async () => {
    const h = await engineAt(-310);
    const { secret, machines } = await seedOn(h, t, { policy: { lifetimeSeconds: 300, nativeExpiry: true } });
    const first = await h.engine.read(secret, machines[0]!, {});
    const { username, password } = first.fields as { username: string; password: string };
    expect((await t.tryAs(username, password)).code).toBe(REFUSED);
    await edit(h, secret.id, { nativeExpiry: false });
    expect(await h.engine.alignPolicy(secret.id)).toBe(1);
    await h.engine.settle();
    expect((await t.tryAs(username, password)).rows).toHaveLength(1);
    expect((await leasesOf(h.db, secret.id))[0]?.nativeExpiry).toBe(false);
    // On record: the system lifted this login's VALID UNTIL because the policy changed; once.
    expect(await aligned(h, secret.id)).toEqual([
      { login: username, actor: "system", reason: "policy_change", detail: { validUntil: null } },
    ]);
    expect(await h.engine.alignPolicy(secret.id)).toBe(0);
    expect(await aligned(h, secret.id)).toHaveLength(1);
  });

  it("native expiry switched on: live logins get VALID UNTIL (at the change, or at the next read if the target was down then) and are refused once the lease ends", async () => {
    // Lifetime 60 s from 57 s ago: the leases end 3 s from now in real time.
    const h = await engineAt(-57);
    const { secret, machines } = await seedOn(h, t, {
      machines: 2,
      policy: { lifetimeSeconds: 60, renewOnRead: false, nativeExpiry: false },
    });
    const reads = [];
    for (const m of machines) reads.push(await h.engine.read(secret, m, {}));
    const logins = reads.map((r) => r.fields as { username: string; password: string });
    for (const l of logins) expect(await t.validUntil(l.username)).toBeNull();

    await edit(h, secret.id, { nativeExpiry: true });
    targetDown = true; // the change's own pass reaches no login
    try {
      await h.engine.alignPolicy(secret.id);
      await h.engine.settle();
    } finally {
      targetDown = false;
    }
    for (const l of logins) expect(await t.validUntil(l.username)).toBeNull();

    // Machine 0 reads: the read path sets VALID UNTIL before it hands the login out again.
    h.clock.advance(1);
    const again = await h.engine.read(secret, machines[0]!, {});
    expect(again.fields).toEqual(reads[0]!.fields);
    const end = new Date(again.lease!.expiresAt).getTime();
    expect((await t.validUntil(logins[0]!.username))?.getTime()).toBe(end);
    expect(end).toBeGreaterThan(Date.now());
    expect((await t.tryAs(logins[0]!.username, logins[0]!.password)).rows).toHaveLength(1);

    // Machine 1 never reads again: the change's pass, run again with the target up, sets it.
    expect(await h.engine.alignPolicy(secret.id)).toBe(1);
    await h.engine.settle();
    expect((await t.validUntil(logins[1]!.username))?.getTime()).toBe(
      new Date(reads[1]!.lease!.expiresAt).getTime(),
    );
    // One event per login, when its VALID UNTIL was set (not for the attempts that failed).
    expect((await aligned(h, secret.id)).map((e) => [e.login, e.detail])).toEqual([
      [logins[0]!.username, { validUntil: again.lease!.expiresAt }],
      [logins[1]!.username, { validUntil: reads[1]!.lease!.expiresAt }],
    ]);

    // No reaper, no SikkerKey: once the leases end, PostgreSQL refuses both logins on its own.
    await sleepUntil(Math.max(end, new Date(reads[1]!.lease!.expiresAt).getTime()) + 300);
    for (const l of logins) expect((await t.tryAs(l.username, l.password)).code).toBe(REFUSED);
    await h.engine.settle();
  });

  it("a hard maximum added later caps renewals of live leases and forces a fresh login at the ceiling", async () => {
    const h = await engineAt(0);
    const { secret, machines } = await seedOn(h, t, {
      policy: { lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 200, nativeExpiry: true },
    });
    const start = h.clock.now().getTime();
    const first = await h.engine.read(secret, machines[0]!, {});
    const login = first.fields.username as string;
    await edit(h, secret.id, { hardMaxSeconds: 600 });
    h.clock.advance(150);
    expect((await h.engine.read(secret, machines[0]!, {})).lease?.expiresAt).toBe(
      new Date(start + 450_000).toISOString(),
    );
    h.clock.advance(150);
    const capped = await h.engine.read(secret, machines[0]!, {});
    expect(capped.fields).toEqual(first.fields);
    expect(capped.lease).toMatchObject({
      expiresAt: new Date(start + 600_000).toISOString(),
      hardMaxAt: new Date(start + 600_000).toISOString(),
      renewable: false,
    });
    expect((await t.validUntil(login))?.getTime()).toBe(start + 600_000);
    expect((await t.tryAs(login, first.fields.password as string)).rows).toHaveLength(1);

    h.clock.advance(300); // at the ceiling
    const fresh = await h.engine.read(secret, machines[0]!, {});
    expect(fresh.fields.username).not.toBe(login);
    await h.engine.settle();
    const old = (await leasesOf(h.db, secret.id)).find((r) => r.login === login);
    expect(old).toMatchObject({ state: "revoked", revokeReason: "hard_max" });
    expect(await t.roleExists(login)).toBe(false);
    expect(
      (await t.tryAs(fresh.fields.username as string, fresh.fields.password as string)).rows,
    ).toHaveLength(1);
  });

  it("a shortened hard maximum pulls in an expiry already past it (at the next read, or at the change) and moves VALID UNTIL with it", async () => {
    const h = await engineAt(0);
    const { secret, machines } = await seedOn(h, t, {
      machines: 2,
      policy: { lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 200, hardMaxSeconds: 3600 },
    });
    const start = h.clock.now().getTime();
    const firsts = [];
    for (const m of machines) firsts.push(await h.engine.read(secret, m, {}));
    h.clock.advance(150);
    for (const m of machines) await h.engine.read(secret, m, {}); // renewed to start + 450 s
    const ceiling = start + 400_000;
    await edit(h, secret.id, { hardMaxSeconds: 400 });

    h.clock.advance(10);
    const read = await h.engine.read(secret, machines[0]!, {});
    expect(read.fields).toEqual(firsts[0]!.fields);
    expect(read.lease).toMatchObject({ expiresAt: new Date(ceiling).toISOString(), renewable: false });
    expect((await t.validUntil(read.fields.username as string))?.getTime()).toBe(ceiling);
    expect((await t.tryAs(read.fields.username as string, read.fields.password as string)).rows).toHaveLength(
      1,
    );

    // Machine 1 does not read: the change's pass pulls its lease in, in the store and the target.
    await h.engine.alignPolicy(secret.id);
    await h.engine.settle();
    const login1 = firsts[1]!.fields.username as string;
    const row1 = (await leasesOf(h.db, secret.id)).find((r) => r.login === login1)!;
    expect(row1.expiresAt.getTime()).toBe(ceiling);
    expect((await t.validUntil(login1))?.getTime()).toBe(ceiling);
    // Each lease's earlier end is on record once (machine 0's by its read, machine 1's by the
    // pass); moving VALID UNTIL in with it is part of that change, not a second event.
    const at = new Date(ceiling).toISOString();
    expect((await aligned(h, secret.id)).map((e) => [e.login, e.detail])).toEqual([
      [firsts[0]!.fields.username, { expiresAt: at, hardMaxAt: at }],
      [login1, { expiresAt: at, hardMaxAt: at }],
    ]);

    // At the ceiling the reaper ends it, and machine 0's next read gets a fresh login.
    h.clock.advance(240);
    await h.engine.reapOnce();
    await h.engine.settle();
    expect(await t.roleExists(login1)).toBe(false);
    const fresh = await h.engine.read(secret, machines[0]!, {});
    expect(fresh.fields.username).not.toBe(firsts[0]!.fields.username);
    await h.engine.settle();
    const ended = (await leasesOf(h.db, secret.id)).filter((r) => r.state === "revoked");
    expect(ended.map((r) => r.revokeReason)).toEqual(["hard_max", "hard_max"]);
  });
});
