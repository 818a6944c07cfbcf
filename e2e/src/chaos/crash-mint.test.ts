import { randomBytes } from "node:crypto";
import type { LeasedCredentialFields } from "@sikkerkey/sdk";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollMachines, type Machine, mapLimit, sleep, vaultWithProject } from "./support/fault-fleet.js";
import { type FaultServer, startFaultServer } from "./support/fault-server.js";
import {
  type AdminKind,
  agrees,
  type Creds,
  createLeasedSecret,
  createTarget,
  drift,
  leasesOf,
  type Target,
  tryLogin,
  waitForAgreement,
} from "./support/fault-target.js";
import { report } from "./support/report.js";
import { size } from "./support/scale.js";

const MACHINES = size(24, 200);
const SECRETS = size(5, 10);
const KILLS = size(3, 12);
/** A `minting` row older than this is a dead process's: the next start-up pass repairs it. */
const GRACE_SECONDS = 3;

interface Received extends Creds {
  machine: string;
  secret: string;
  leaseId: string;
}

/**
 * The store the crashed server runs on. The short run uses PostgreSQL: on a loaded 2-core machine
 * the embedded store (PGlite, WebAssembly) takes 20 s to start, and this test restarts often. The
 * long run crashes both.
 */
const STORES = size(["postgres"] as const, ["embedded", "postgres"] as const);
/** The target's admin, both kinds the product supports (the SUPERUSER run adds ~20 s to the short suite). */
const ADMINS: AdminKind[] = ["createrole", "superuser"];
const RUNS = STORES.flatMap((store) => ADMINS.map((admin) => ({ store, admin })));

// Crash anywhere in a mint: SIGKILL a real server while many machines make their first reads,
// restart it, and prove that nothing is left half-made and every handed-out login still works.
describe.each(RUNS)("crash anywhere in a mint ($store store, $admin admin)", ({ store, admin }) => {
  const pg = pgFromInject();
  let server: FaultServer;
  let target: Target;
  let machines: Machine[];
  const suffix = randomBytes(3).toString("hex");
  const secretIds = Array.from({ length: SECRETS }, (_, i) => `sk_crash_${suffix}_${i}`);

  beforeAll(async () => {
    target = await createTarget(pg, admin);
    server = await startFaultServer({
      env: { SIKKERKEY_MINTING_GRACE_SECONDS: String(GRACE_SECONDS) },
      ...(store === "postgres" ? { databaseUrl: pg.url({ database: await pg.createDatabase() }) } : {}),
    });
    const { vault, project } = await vaultWithProject(server);
    for (const id of secretIds) {
      await createLeasedSecret(server, target, {
        id,
        vault,
        project,
        // Long enough that nothing expires during the test: every revocation seen is a crash's.
        policy: { lifetimeSeconds: 3600, nativeExpiry: true },
      });
    }
    machines = await enrollMachines(server, { vault, project, count: MACHINES });
  });

  afterAll(async () => {
    await Promise.all((machines ?? []).map((m) => m.sdk.close()));
    await server?.close();
  });

  it(
    "leaves no orphan role, no lease without a role, and every received login works",
    async () => {
      const received = new Map<string, Received>(); // `${machine} ${secret}` → what the machine got
      const errors: Record<string, number> = {};
      let inFlight = 0;
      let stopped = false;
      const pending = new Map(machines.map((m) => [m.name, [...secretIds].sort(() => Math.random() - 0.5)]));

      // Each machine reads each secret until it has a login, one read at a time, all machines at once.
      const readLoop = async (m: Machine) => {
        const todo = pending.get(m.name)!;
        while (todo.length > 0 && !stopped) {
          const secret = todo[0]!;
          inFlight += 1;
          try {
            const got = await m.sdk.get(secret);
            const f = got.fields as unknown as LeasedCredentialFields;
            received.set(`${m.name} ${secret}`, { ...f, machine: m.name, secret, leaseId: got.lease!.id });
            todo.shift();
          } catch (error) {
            const code = (error as { code?: string }).code ?? "UNKNOWN";
            errors[code] = (errors[code] ?? 0) + 1;
            await sleep(50 + Math.random() * 150);
          } finally {
            inFlight -= 1;
          }
        }
      };

      const restartMs: number[] = [];
      const restart = async () => {
        const t = Date.now();
        await server.start();
        restartMs.push(Date.now() - t);
      };
      const total = MACHINES * SECRETS;
      const kills: { atMs: number; inFlight: number; receivedBefore: number }[] = [];
      const started = Date.now();
      const load = Promise.all(machines.map(readLoop));
      for (let k = 0; k < KILLS; k++) {
        // A random moment inside the burst: once a random share of the reads still to do has been
        // answered (so mints are completing, not only queued), plus a few random ms; or after a
        // while if nothing is answered. Timers alone miss the burst on a loaded machine.
        const share = (Math.random() * (total - received.size)) / (KILLS - k + 1);
        const due = received.size + Math.max(1, Math.floor(share));
        const deadline = Date.now() + 15_000;
        while (received.size < due && Date.now() < deadline) await sleep(5);
        await sleep(Math.random() * 100);
        kills.push({ atMs: Date.now() - started, inFlight, receivedBefore: received.size });
        await server.kill();
        // The last crash is repaired by a start-up pass that runs after the grace period.
        if (k < KILLS - 1) await restart();
      }
      stopped = true;
      await load;
      await sleep(GRACE_SECONDS * 1000 + 500);
      await restart();

      const settled = await waitForAgreement(server, target, secretIds, 30_000);
      const before = settled.drift;
      expect(before.orphanRoles, "managed roles without a live lease").toEqual([]);
      expect(before.leasesWithoutRole, "active leases without a role").toEqual([]);
      expect(before.unsettled, "leases left minting or revoking").toEqual([]);

      // Every login a machine received either works (its lease is live) or is refused (revoked).
      const leases = new Map((await leasesOf(server, secretIds)).map((l) => [l.id, l]));
      const outcomes = await mapLimit([...received.values()], 8, async (r) => ({
        r,
        state: leases.get(r.leaseId)?.state ?? "missing",
        login: await tryLogin(r),
      }));
      const wrong = outcomes.filter(
        (o) =>
          !((o.state === "active" && o.login === "ok") || (o.state === "revoked" && o.login === "28P01")),
      );
      expect(
        wrong.map((o) => `${o.r.username}: lease ${o.state}, login ${o.login}`),
        "received logins that neither work nor are refused",
      ).toEqual([]);
      const receivedRevoked = outcomes.filter((o) => o.state === "revoked").length;

      // The crashes cost nothing lasting: every machine finishes its reads, and a read within the
      // lease still returns the login it was given before the crashes.
      stopped = false;
      const recoveryStarted = Date.now();
      await Promise.all(machines.map(readLoop));
      const recoveryMs = Date.now() - recoveryStarted;
      expect(received.size).toBe(total);
      const changed: string[] = [];
      await mapLimit([...received.values()], 16, async (r) => {
        const again = await machines.find((m) => m.name === r.machine)!.sdk.get(r.secret);
        if (again.lease!.id !== r.leaseId) changed.push(`${r.machine} ${r.secret}`);
      });
      expect(changed, "reads within the lease that got another login").toEqual([]);
      const after = await drift(server, target, secretIds);
      expect(agrees(after), JSON.stringify(after)).toBe(true);
      expect(after.byState["active"]).toBe(total);

      const audit = await server.api<{ ok: boolean; checked: number; firstBroken: unknown }>(
        "GET",
        "/v1/admin/audit/verify",
      );
      expect(audit.firstBroken).toBeNull();
      expect(audit.ok).toBe(true);

      const metrics = await server.metrics();
      report(admin === "createrole" ? `crash-mint-${store}` : `crash-mint-${store}-${admin}`, {
        store,
        admin,
        machines: MACHINES,
        secrets: SECRETS,
        kills: kills.length,
        killMoments: kills,
        restartMs,
        receivedBeforeLastKill: outcomes.length,
        receivedAndWorking: outcomes.filter((o) => o.login === "ok").length,
        receivedAndRevoked: receivedRevoked,
        clientErrors: errors,
        leasesByStateAfterCrashes: before.byState,
        rolesAfterCrashes: before.roles,
        convergenceMsAfterLastRestart: settled.ms,
        lastStartStaleMintsCleaned: metrics.get("sikkerkey_lease_stale_mints_cleaned_total") ?? null,
        lastStartOrphanRolesDropped: metrics.get("sikkerkey_lease_orphan_roles_dropped_total") ?? null,
        recoveryMs,
        finalActiveLeases: after.byState["active"] ?? 0,
        auditEventsVerified: audit.checked,
      });
    },
    size(240_000, 1_800_000),
  );
});
