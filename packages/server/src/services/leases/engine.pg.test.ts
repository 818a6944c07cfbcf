import { readFile } from "node:fs/promises";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { createTestKeyring } from "../../crypto/index.js";
import { createPostgresProvider } from "../../providers/postgresql/index.js";
import { adminKinds } from "../../providers/postgresql/testing.js";
import type { Provider } from "../../providers/provider.js";
import type { OperatorActor } from "../actor.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { type PgTarget, pgTarget, seedOn } from "./pg-testing.js";
import { type Harness, harness } from "./testing.js";

// Issue 4's behaviour list against real PostgreSQL and real logins, for both admin kinds,
// on the embedded store. Time moves on the engine's ManualClock; VALID UNTIL is real time in
// PostgreSQL, so the clock starts at the real now and only ever moves forward.
let store: Store;
// One keyring for the file: both admin kinds share the store, as one server's secrets do.
const keyring = createTestKeyring();
const clock = new ManualClock(Date.now());
beforeAll(async () => {
  store = await openStore({ memory: true });
});
afterAll(async () => {
  await store?.close();
});

const revokeEvents = (h: Harness, login: string) =>
  h.db
    .select()
    .from(schema.auditEvents)
    .where(eq(schema.auditEvents.login, login))
    .then((rows) => rows.filter((e) => e.action === "lease.revoke"));

describe.each(adminKinds)("lease engine on real PostgreSQL ($kind admin)", ({ kind }) => {
  let t: PgTarget;
  let provider: Provider;
  let h: Harness;
  beforeAll(async () => {
    t = await pgTarget(kind);
    provider = createPostgresProvider();
    h = await harness(store, provider, {}, { keyring, clock });
  });
  afterAll(async () => {
    await h?.engine.settle();
    await provider?.close();
  });

  it("1. mints on first read; a real client logs in and the grants apply", async () => {
    const { secret, machines } = await seedOn(h, t);
    const read = await h.engine.read(secret, machines[0]!, {});
    const { username, password, port } = read.fields as { username: string; password: string; port: number };
    expect(port).toBe(t.target.port);
    expect(Buffer.byteLength(username)).toBeLessThanOrEqual(63);
    expect((await t.tryAs(username, password, "SELECT x FROM granted")).rows).toEqual([{ x: 42 }]);
    expect((await t.tryAs(username, password, "SELECT x FROM hidden")).code).toBe("42501");
    expect((await t.tryAs(username, "wrong-password")).code).toBe("28P01");
    // The plaintext password never reached the target's statement log.
    expect(await readFile(t.pg.logPath, "utf8")).not.toContain(password);
  });

  it("2. same login within the lease; renewal moves VALID UNTIL, never past the hard maximum", async () => {
    const { secret, machines } = await seedOn(h, t, {
      policy: { lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 120, hardMaxSeconds: 400 },
    });
    const start = h.clock.now().getTime();
    const first = await h.engine.read(secret, machines[0]!, {});
    const login = first.fields.username as string;
    expect((await t.validUntil(login))?.getTime()).toBe(start + 300_000);
    h.clock.advance(60);
    expect((await h.engine.read(secret, machines[0]!, {})).fields).toEqual(first.fields);
    h.clock.advance(150); // inside the window: now + 300 s would pass the hard maximum (400 s)
    const renewed = await h.engine.read(secret, machines[0]!, {});
    expect(renewed.fields).toEqual(first.fields);
    expect(renewed.lease?.expiresAt).toBe(new Date(start + 400_000).toISOString());
    expect((await t.validUntil(login))?.getTime()).toBe(start + 400_000);
    expect((await t.tryAs(login, first.fields.password as string)).rows).toHaveLength(1);
  });

  it("3. after expiry (and after the hard maximum) a new login; the old one is refused", async () => {
    const { secret, machines } = await seedOn(h, t, { policy: { lifetimeSeconds: 60, hardMaxSeconds: 60 } });
    const first = await h.engine.read(secret, machines[0]!, {});
    h.clock.advance(61);
    const second = await h.engine.read(secret, machines[0]!, {});
    expect(second.fields.username).not.toBe(first.fields.username);
    await h.engine.settle();
    expect((await t.tryAs(first.fields.username as string, first.fields.password as string)).code).toBe(
      "28P01",
    );
    expect(
      (await t.tryAs(second.fields.username as string, second.fields.password as string)).rows,
    ).toHaveLength(1);
    expect((await revokeEvents(h, first.fields.username as string))[0]?.reason).toBe("hard_max");
  });

  it("4. mint-fresh gives a new working password on each read", async () => {
    const { secret, machines } = await seedOn(h, t, { policy: { mintFresh: true } });
    const reads = [
      await h.engine.read(secret, machines[0]!, {}),
      await h.engine.read(secret, machines[0]!, {}),
    ];
    expect(reads[0]!.fields.password).not.toBe(reads[1]!.fields.password);
    for (const r of reads) {
      expect((await t.tryAs(r.fields.username as string, r.fields.password as string)).rows).toHaveLength(1);
    }
  });

  it("4b. each charset makes a password of the secret's shape, and a real client logs in with it", async () => {
    const shapes = [
      { charset: "symbols", length: 40, pattern: /^[A-Za-z0-9\-_.~+=^,@]{40}$/ },
      { charset: "numbers", length: 30, pattern: /^[0-9]{30}$/ },
      { charset: "alphanumeric", length: 16, pattern: /^[A-Za-z0-9]{16}$/ },
      {
        charset: "uuid",
        length: 24,
        pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      },
    ] as const;
    for (const { charset, length, pattern } of shapes) {
      const { secret, machines } = await seedOn(h, t, { password: { charset, length } });
      const read = await h.engine.read(secret, machines[0]!, {});
      const { username, password } = read.fields as { username: string; password: string };
      expect(password, charset).toMatch(pattern);
      expect((await t.tryAs(username, password, "SELECT x FROM granted")).rows, charset).toEqual([{ x: 42 }]);
    }
  });

  it("5. the reaper revokes an expired login and terminates its open session", async () => {
    const { secret, machines } = await seedOn(h, t, { policy: { lifetimeSeconds: 60, nativeExpiry: false } });
    const read = await h.engine.read(secret, machines[0]!, {});
    const login = read.fields.username as string;
    const client = t.connect(login, read.fields.password as string);
    try {
      // A session busy in a query when its lease ends: revocation must end it, not wait for it.
      await client`SELECT 1`;
      const busy = client`SELECT pg_sleep(30)`.then(
        () => "finished",
        (e: { code?: string }) => e.code,
      );
      await new Promise((r) => setTimeout(r, 100));
      h.clock.advance(61);
      await h.engine.reapOnce();
      expect(["57P01", "CONNECTION_CLOSED"]).toContain(await busy);
      expect(await t.pg.query("SELECT pid FROM pg_stat_activity WHERE usename = $1", [login])).toEqual([]);
      expect((await t.tryAs(login, read.fields.password as string)).code).toBe("28P01");
    } finally {
      await client.end({ timeout: 0 });
    }
    const [event] = await revokeEvents(h, login);
    expect(event).toMatchObject({ reason: "expired", actorType: "system" });
    expect(event?.detail).toMatchObject({ terminatedSessions: 1 });
  });

  it("6/7. disabling a machine and deleting a secret remove their logins at once", async () => {
    const { secret, machines } = await seedOn(h, t, { machines: 3 });
    const reads: Awaited<ReturnType<typeof h.engine.read>>[] = [];
    for (const m of machines) reads.push(await h.engine.read(secret, m, {}));
    const logIn = (r: (typeof reads)[number]) =>
      t.tryAs(r.fields.username as string, r.fields.password as string);
    for (const r of reads) expect((await logIn(r)).rows).toHaveLength(1);
    expect(await h.engine.revokeForMachine(machines[0]!.id)).toBe(1);
    expect(await t.roleExists(reads[0]!.fields.username as string)).toBe(false);
    expect((await logIn(reads[0]!)).code).toBe("28P01");
    expect(await t.roleExists(reads[1]!.fields.username as string)).toBe(true);
    expect((await logIn(reads[1]!)).rows).toHaveLength(1);
    expect(await h.engine.revokeForSecrets([secret.id])).toBe(2);
    for (const r of reads) {
      expect(await t.roleExists(r.fields.username as string)).toBe(false);
      expect((await logIn(r)).code).toBe("28P01");
    }
    expect(await h.engine.hasUnrevoked(secret.id)).toBe(false);
  });

  it("an operator revokes every login of a secret at once (an incident): all refused, the next reads mint working ones", async () => {
    const { secret, machines } = await seedOn(h, t, { machines: 2 });
    const reads: Awaited<ReturnType<typeof h.engine.read>>[] = [];
    for (const m of machines) reads.push(await h.engine.read(secret, m, {}));
    const logIn = (r: (typeof reads)[number]) =>
      t.tryAs(r.fields.username as string, r.fields.password as string);
    const session = t.connect(reads[0]!.fields.username as string, reads[0]!.fields.password as string);
    try {
      await session`SELECT 1`;
      const operator: OperatorActor = { operatorId: "op_incident", tokenId: null, sourceIp: null };
      expect(await h.engine.revokeSecretLeases(secret.id, operator)).toEqual({
        revoked: 2,
        revoking: 0,
        abandoned: 0,
      });
      // The open session ended with its login, not at its next query.
      expect(
        await t.pg.query("SELECT pid FROM pg_stat_activity WHERE usename = $1", [reads[0]!.fields.username]),
      ).toEqual([]);
    } finally {
      await session.end({ timeout: 0 });
    }
    for (const r of reads) {
      expect(await t.roleExists(r.fields.username as string)).toBe(false);
      expect((await logIn(r)).code).toBe("28P01");
      const [event] = await revokeEvents(h, r.fields.username as string);
      expect(event).toMatchObject({ reason: "operator", actorType: "operator", actorId: "op_incident" });
    }
    const fresh = await h.engine.read(secret, machines[0]!, {});
    expect(fresh.fields.username).not.toBe(reads[0]!.fields.username);
    expect((await logIn(fresh)).rows).toHaveLength(1);
  });

  it("9. a login that owns a table is fully revoked: access cut, objects reassigned, role dropped", async () => {
    const { secret, machines } = await seedOn(h, t, {
      grants: "GRANT SELECT ON granted TO {{name}}; GRANT CREATE ON SCHEMA public TO {{name}};",
    });
    const read = await h.engine.read(secret, machines[0]!, {});
    const login = read.fields.username as string;
    const table = `app_${login.slice(-8)}`;
    expect(
      (await t.tryAs(login, read.fields.password as string, `CREATE TABLE ${table} (x int)`)).code,
    ).toBeUndefined();
    const lease = await h.engine.revokeLease(read.lease!.id, {
      operatorId: "op_1",
      tokenId: null,
      sourceIp: null,
    });
    expect(lease.state).toBe("revoked");
    expect(await t.roleExists(login)).toBe(false);
    expect((await t.tryAs(login, read.fields.password as string)).code).toBe("28P01");
    const [owner] = await t.pg.query("SELECT tableowner FROM pg_tables WHERE tablename = $1", [table], {
      database: t.database,
    });
    expect(owner?.tableowner).toBe(t.target.adminUser);
  });

  it("10. a stale minting row whose role exists, and an orphan tagged role, are cleaned by the reconciler", async () => {
    const { secret, machines } = await seedOn(h, t, { machines: 2 });
    // A crash after the role was created but before the lease became active: the row is minting.
    const crashed = await h.engine.read(secret, machines[0]!, {});
    await h.db.update(schema.leases).set({ state: "minting" }).where(eq(schema.leases.id, crashed.lease!.id));
    // A tagged role whose lease row is gone altogether (a crash, then a restored store).
    const orphan = provider.loginName(secret.id, "orphan");
    await provider.create(t.target, {
      login: orphan,
      password: "Orphan-password-123456",
      validUntil: null,
      grants: "",
      tag: { installId: h.installId, leaseId: "lease_gone", secretId: secret.id, machineId: machines[1]!.id },
    });
    const logins = [
      [crashed.fields.username as string, crashed.fields.password as string],
      [orphan, "Orphan-password-123456"],
    ] as const;
    for (const [login, password] of logins) expect((await t.tryAs(login, password)).rows).toHaveLength(1);
    h.clock.advance(121);
    const result = await h.engine.reconcileOnce();
    expect(result.staleMints).toBeGreaterThanOrEqual(1);
    expect(result.orphanRoles).toBeGreaterThanOrEqual(1);
    for (const [login, password] of logins) {
      expect(await t.roleExists(login)).toBe(false);
      expect((await t.tryAs(login, password)).code).toBe("28P01");
    }
    const [row] = await h.db.select().from(schema.leases).where(eq(schema.leases.id, crashed.lease!.id));
    expect(row?.state).toBe("failed");
    // The stale mint's role was dropped by the stale-mint pass, which says so; the orphan sweep
    // after it had nothing of that lease's left to drop.
    const crashedEvents = await h.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.login, crashed.fields.username as string));
    const cleanups = crashedEvents.filter(
      (e) => e.action === "lease.mint_failed" || e.action.startsWith("lease.revoke"),
    );
    expect(cleanups).toMatchObject([
      {
        action: "lease.mint_failed",
        reason: "mint_failed",
        detail: { stale: true, cleanup: "role dropped" },
      },
    ]);
    expect(await revokeEvents(h, orphan)).toMatchObject([{ reason: "orphan" }]);
  });
  it("6/7, afterwards: a login a disabled machine kept goes when the policy switches to revoke on disable; one a stopped server left live goes at the reconciler's pass", async () => {
    const { secret, machines } = await seedOn(h, t, { machines: 2, policy: { revokeOnDisable: false } });
    const [kept, other] = [
      await h.engine.read(secret, machines[0]!, {}),
      await h.engine.read(secret, machines[1]!, {}),
    ];
    const login = (r: typeof kept) => ({
      name: r.fields.username as string,
      password: r.fields.password as string,
    });
    await h.db
      .update(schema.machines)
      .set({ status: "disabled" })
      .where(eq(schema.machines.id, machines[0]!.id));
    expect(await h.engine.revokeForMachine(machines[0]!.id)).toBe(0);
    expect((await t.tryAs(login(kept).name, login(kept).password)).rows).toHaveLength(1);

    await h.db.transaction((tx) =>
      h.configs.update(tx, secret.id, { policy: { revokeOnDisable: true } }, { role: "owner" }),
    );
    h.configs.invalidate(secret.id);
    expect(await h.engine.revokeUnwanted(secret.id)).toBe(1);
    expect(await t.roleExists(login(kept).name)).toBe(false);
    expect((await t.tryAs(login(kept).name, login(kept).password)).code).toBe("28P01");
    expect(await revokeEvents(h, login(kept).name)).toMatchObject([{ reason: "machine_disabled" }]);
    expect((await t.tryAs(login(other).name, login(other).password)).rows).toHaveLength(1);

    // The trash commits and the server stops before it revokes: the reconciler's pass does it.
    await h.db.update(schema.secrets).set({ deletedAt: new Date() }).where(eq(schema.secrets.id, secret.id));
    expect((await h.engine.reconcileOnce()).unwanted).toBe(1);
    await h.engine.settle();
    expect(await t.roleExists(login(other).name)).toBe(false);
    expect((await t.tryAs(login(other).name, login(other).password)).code).toBe("28P01");
    expect(await revokeEvents(h, login(other).name)).toMatchObject([
      { reason: "secret_deleted", actorType: "system" },
    ]);
  });

  it("6/7, ungrant: a machine's login goes with its grant to the secret's project; it does not connect", async () => {
    const { secret, machines } = await seedOn(h, t, { machines: 2 });
    const [gone, kept] = [
      await h.engine.read(secret, machines[0]!, {}),
      await h.engine.read(secret, machines[1]!, {}),
    ];
    const as = (r: typeof gone) => [r.fields.username as string, r.fields.password as string] as const;
    const [row] = await h.db.select().from(schema.secrets).where(eq(schema.secrets.id, secret.id));
    const pending = await h.db.transaction(async (tx) => {
      await tx.delete(schema.machineGrants).where(eq(schema.machineGrants.machineId, machines[0]!.id));
      return h.engine.markUngranted(tx, machines[0]!.id, row!.projectId);
    });
    expect(pending.count).toBe(1);
    await pending.revoke();
    expect(await t.roleExists(as(gone)[0])).toBe(false);
    expect((await t.tryAs(...as(gone))).code).toBe("28P01");
    expect(await revokeEvents(h, as(gone)[0])).toMatchObject([
      { reason: "access_removed", actorType: "system" },
    ]);
    expect((await t.tryAs(...as(kept))).rows).toHaveLength(1);
  });

  it.each([
    ["its secret goes to the trash", "secret_deleted"],
    ["its machine is disabled", "machine_disabled"],
  ])(
    "6/7, raced: a mint racing a change (%s) has its new login revoked; it does not connect",
    async (_, reason) => {
      // The real provider, whose creates wait after the role exists until the change is made.
      let created: { login: string; password: string } | undefined;
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const gated = new Proxy(provider, {
        get(target, prop, receiver) {
          if (prop !== "create") return Reflect.get(target, prop, receiver);
          return async (...args: Parameters<Provider["create"]>) => {
            await target.create(...args);
            created = { login: args[1].login, password: args[1].password };
            await gate;
          };
        },
      });
      const hg = await harness(store, gated, {}, { keyring, clock });
      const { secret, machines } = await seedOn(hg, t);
      const read = hg.engine.read(secret, machines[0]!, {}).then(
        () => "handed out",
        (e: { code?: string }) => e.code,
      );
      for (let i = 0; i < 200 && !created; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await t.tryAs(created!.login, created!.password)).rows).toHaveLength(1);
      if (reason === "secret_deleted") {
        await hg.db
          .update(schema.secrets)
          .set({ deletedAt: new Date() })
          .where(eq(schema.secrets.id, secret.id));
      } else {
        await hg.db
          .update(schema.machines)
          .set({ status: "disabled" })
          .where(eq(schema.machines.id, machines[0]!.id));
      }
      release();
      expect(await read).toBe("PROVIDER_UNAVAILABLE");
      await hg.engine.settle();
      expect(await t.roleExists(created!.login)).toBe(false);
      expect((await t.tryAs(created!.login, created!.password)).code).toBe("28P01");
      const [event] = await revokeEvents(hg, created!.login);
      expect(event).toMatchObject({ reason, actorType: "system" });
    },
  );
});
