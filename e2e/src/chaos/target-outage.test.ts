import { randomBytes } from "node:crypto";
import type { LeasedCredentialFields } from "@sikkerkey/sdk";
import { type PgCluster, startPostgres } from "@sikkerkey/testkit";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollMachines, type Machine, mapLimit, sleep, vaultWithProject } from "./support/fault-fleet.js";
import { type FaultServer, startFaultServer } from "./support/fault-server.js";
import {
  type Creds,
  createLeasedSecret,
  createTarget,
  leasesOf,
  managedRoles,
  type Target,
  tryLogin,
} from "./support/fault-target.js";
import { report } from "./support/report.js";
import { size } from "./support/scale.js";

/** The shortest lease the product allows: the outage has to outlast it. */
const LIFETIME_SECONDS = 60;
const MACHINES = size(6, 60);
/** How long the target stays down after the last lease expired (revocation backoff grows meanwhile). */
const DOWN_PAST_EXPIRY_MS = size(8_000, 60_000);
/** From the target's return to the last revocation: bounded by the backoff step reached (≤ 5 min cap). */
const RECOVERY_BOUND_MS = size(90_000, 300_000);

interface Held extends Creds {
  machine: string;
  leaseId: string;
  expiresAt: number;
}

interface AuditEvent {
  action: string;
  leaseId: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
}

// Target database outage while leases expire: the logins must stay unusable past their expiry
// the whole time (native VALID UNTIL while SikkerKey cannot reach the database), and every
// revocation must complete once it is back, with the retries on record, none given up.
describe("target database outage while leases expire", () => {
  const storePg = pgFromInject();
  let cluster: PgCluster;
  let target: Target;
  let server: FaultServer;
  let machines: Machine[];
  const secretId = `sk_outage_${randomBytes(3).toString("hex")}`;

  beforeAll(async () => {
    // The target is a cluster of its own, so it can be stopped; the store stays up.
    cluster = await startPostgres();
    target = await createTarget(cluster);
    server = await startFaultServer({
      databaseUrl: storePg.url({ database: await storePg.createDatabase() }),
    });
    const { vault, project } = await vaultWithProject(server);
    await createLeasedSecret(server, target, {
      id: secretId,
      vault,
      project,
      policy: { lifetimeSeconds: LIFETIME_SECONDS, nativeExpiry: true },
    });
    machines = await enrollMachines(server, { vault, project, count: MACHINES });
  });

  afterAll(async () => {
    await Promise.all((machines ?? []).map((m) => m.sdk.close()));
    await server?.close();
    await cluster?.stop();
  });

  it(
    "no login is usable after its expiry, and every revocation completes after recovery",
    async () => {
      const held: Held[] = await mapLimit(machines, 8, async (m) => {
        const got = await m.sdk.get(secretId);
        const f = got.fields as unknown as LeasedCredentialFields;
        return { ...f, machine: m.name, leaseId: got.lease!.id, expiresAt: Date.parse(got.lease!.expiresAt) };
      });
      // The positive control: each login works before the outage.
      expect(await mapLimit(held, 8, tryLogin)).toEqual(held.map(() => "ok"));

      await cluster.stopServer();
      const downAt = Date.now();
      const lastExpiry = Math.max(...held.map((h) => h.expiresAt));
      await sleep(lastExpiry - Date.now() + DOWN_PAST_EXPIRY_MS);

      // While the target is down the reaper has claimed every lease and keeps failing.
      const during = await leasesOf(server, [secretId]);
      expect(during.map((l) => l.state)).toEqual(held.map(() => "revoking"));
      expect(Math.min(...during.map((l) => l.attempts))).toBeGreaterThanOrEqual(1);
      const attemptsDuringOutage = Math.max(...during.map((l) => l.attempts));

      await cluster.startServer();
      const upAt = Date.now();
      // Back before the reaper's next try (it is backing off): the roles are still there, and
      // PostgreSQL itself refuses them, because VALID UNTIL has passed.
      const rolesAtReturn = (await managedRoles(cluster, [secretId])).length;
      const firstProbe = await mapLimit(held, 8, tryLogin);
      expect(firstProbe).toEqual(held.map(() => "28P01"));

      // Probe until every revocation is done: not once may a login get in.
      const probes: Record<string, number> = {};
      let leases = await leasesOf(server, [secretId]);
      while (leases.some((l) => l.state !== "revoked") && Date.now() - upAt < RECOVERY_BOUND_MS) {
        for (const outcome of await mapLimit(held, 8, tryLogin)) probes[outcome] = (probes[outcome] ?? 0) + 1;
        await sleep(250);
        leases = await leasesOf(server, [secretId]);
      }
      const recoveredMs = Date.now() - upAt;
      expect(probes["ok"] ?? 0, "logins accepted after their expiry").toBe(0);
      expect(leases.map((l) => [l.state, l.revokeReason])).toEqual(held.map(() => ["revoked", "expired"]));
      expect(await managedRoles(cluster, [secretId])).toEqual([]);
      expect(await mapLimit(held, 8, tryLogin)).toEqual(held.map(() => "28P01"));

      // The retries are on record: a revoke_failed event per lease (the first failure is always
      // audited), then one revoke each, whose attempt count includes the failed ones.
      const events = await server.listAll<AuditEvent>(`/v1/admin/audit?secret=${secretId}`);
      const failed = events.filter((e) => e.action === "lease.revoke_failed");
      const revoked = events.filter((e) => e.action === "lease.revoke");
      expect(new Set(failed.map((e) => e.leaseId)).size).toBe(held.length);
      expect(revoked.map((e) => e.reason)).toEqual(held.map(() => "expired"));
      const attempts = revoked.map((e) => Number(e.detail?.["attempts"]));
      expect(Math.min(...attempts)).toBeGreaterThanOrEqual(2);
      const metrics = await server.metrics();
      const revokeFailures = metrics.get("sikkerkey_lease_revoke_failures_total") ?? 0;
      expect(revokeFailures).toBeGreaterThanOrEqual(held.length);

      report("target-outage", {
        leases: held.length,
        lifetimeSeconds: LIFETIME_SECONDS,
        outageMs: upAt - downAt,
        downPastExpiryMs: upAt - lastExpiry,
        attemptsDuringOutageMax: attemptsDuringOutage,
        rolesStillPresentAtReturn: rolesAtReturn,
        firstProbeRefused: firstProbe.filter((p) => p === "28P01").length,
        probesAfterReturn: probes,
        revocationsCompleteMsAfterReturn: recoveredMs,
        revokeAttempts: { min: Math.min(...attempts), max: Math.max(...attempts) },
        revokeFailedEvents: failed.length,
        revokeFailuresMetric: revokeFailures,
        givenUp: leases.filter((l) => l.state === "failed").length,
      });
    },
    size(300_000, 900_000),
  );
});
