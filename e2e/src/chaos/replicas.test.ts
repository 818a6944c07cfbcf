import { pgFromInject } from "@sikkerkey/testkit/vitest";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliJson,
  createLeasedSecrets,
  createTarget,
  type EnrolledMachine,
  enrollMachines,
  type Fleet,
  type LeasedTarget,
  startFleet,
} from "./support/fleet.js";
import {
  auditByLease,
  auditTrail,
  fastForward,
  leaseRecords,
  leaseStates,
  liveSlotDuplicates,
  managedRoles,
  overlappingLeases,
} from "./support/ledger.js";
import { failuresByCode, quantile, startReaders } from "./support/readers.js";
import { report } from "./support/report.js";
import { size } from "./support/scale.js";

const SECRET = "sk_db_fleet";
const plan = size(
  {
    machines: 16,
    loadMs: 12_000,
    pauseMs: 150,
    fastForwardEveryMs: 500,
    fastForwardCount: 2,
    kills: 1,
    /** Short run: the killed replica stays down until the end, where it restarts with the sweep (one start fewer). */
    restartMidRun: false,
    downMs: 0,
    orphans: 60,
  },
  {
    // Sized to stay below what three replicas on a shared 2-core host can mint (a few per
    // second there): past it, mints queue longer than the minting grace and are given up.
    machines: 48,
    loadMs: 300_000,
    pauseMs: 300,
    fastForwardEveryMs: 500,
    fastForwardCount: 4,
    kills: 4,
    restartMidRun: true,
    downMs: 15_000,
    orphans: 400,
  },
);
/** Stale `minting` rows (a replica died mid-mint) are given up after this, instead of the default 120 s. */
const MINTING_GRACE_SECONDS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  nudge?: () => Promise<unknown>,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await nudge?.();
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Three sikkerkey-server processes on one PostgreSQL store, machines reading one leased secret
// through all of them while leases end all the time, and one replica SIGKILLed mid-run.
describe("several replicas", () => {
  let fleet: Fleet;
  let target: LeasedTarget;
  let machines: EnrolledMachine[];

  beforeAll(async () => {
    target = await createTarget();
    fleet = await startFleet({
      replicas: 3,
      store: "postgres",
      env: { SIKKERKEY_MINTING_GRACE_SECONDS: String(MINTING_GRACE_SECONDS) },
    });
    await createLeasedSecrets(fleet, target, [
      {
        id: SECRET,
        policy: [
          "--lifetime",
          "1m",
          "--renew-on-read",
          "--renew-window",
          "30s",
          "--hard-max",
          "10m",
          "--native-expiry",
        ],
      },
    ]);
    machines = await enrollMachines(fleet, plan.machines);
  });
  afterAll(async () => {
    await fleet?.close();
  });

  /**
   * What a crash between CREATE ROLE and the lease's activation leaves, made directly so that
   * every run has many: roles with this install's tag, created by the admin, and no lease row.
   * The two replicas restarting together then sweep the same orphans at the same time.
   */
  async function installIdOf(): Promise<string> {
    const [meta] = await fleet.store!<{ value: string }[]>`select value from meta where key = 'install_id'`;
    return meta!.value;
  }

  async function injectOrphans(count: number): Promise<string[]> {
    const install = await installIdOf();
    const admin = postgres(pgFromInject().url({ ...target.admin, database: target.database }), {
      max: 1,
      onnotice: () => {},
    });
    const ids = Array.from({ length: count }, (_, i) => `lease_orphan${String(i).padStart(5, "0")}`);
    try {
      for (const id of ids) {
        const login = `sk_db_fleet__crash__${id.slice(-5)}`;
        await admin.begin(async (tx) => {
          await tx`CREATE ROLE ${tx(login)} LOGIN`;
          await tx.unsafe(
            `COMMENT ON ROLE "${login}" IS 'sikkerkey:v1 install=${install} lease=${id} secret=${SECRET} machine=mach_crashed'`,
          );
        });
      }
    } finally {
      await admin.end({ timeout: 2 });
    }
    return ids;
  }

  it(
    "mints once per machine, revokes every ended lease exactly once and leaves no role behind, through a SIGKILL and a double orphan sweep",
    async () => {
      const store = fleet.store!;
      const [, , victim] = fleet.replicas as [unknown, unknown, (typeof fleet.replicas)[number]];
      const started = Date.now();
      const readers = startReaders({
        machines,
        secretId: SECRET,
        urls: fleet.replicas.map((r) => r.url),
        pauseMs: plan.pauseMs,
      });

      // Time moves fast for random leases, and the one-live-login-per-slot rule is sampled.
      let fastForwarded = 0;
      let duplicateSamples = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          fastForwarded += await fastForward(store, plan.fastForwardCount);
          duplicateSamples += await liveSlotDuplicates(store);
          await sleep(plan.fastForwardEveryMs);
        }
      })();

      // SIGKILL the third replica mid-run (the long run does it several times and starts it
      // again each time; the short run leaves it down until the sweep at the end).
      const kills: { at: number; back: number }[] = [];
      const slice = plan.loadMs / (plan.kills + 1);
      for (let k = 0; k < plan.kills; k++) {
        await sleep(started + slice * (k + 0.5) - Date.now());
        const at = Date.now();
        await victim.kill();
        if (!plan.restartMidRun) {
          kills.push({ at: at - started, back: Number.POSITIVE_INFINITY });
          continue;
        }
        await sleep(plan.downMs);
        await victim.start();
        kills.push({ at: at - started, back: Date.now() - started });
      }
      await sleep(started + plan.loadMs - Date.now());
      const tally = await readers.stop();
      sampling = false;
      await sampler;
      const loadSeconds = (Date.now() - started) / 1000;

      // Quiesce: every lease ends now. Revocations a dead replica had claimed are released at
      // once rather than after their 60 s claim; then two replicas restart together, so two
      // start-up reconciler passes (stale mints, orphan sweep) run side by side.
      await store`update leases set expires_at = now() where state = 'active'`;
      const release = () =>
        store`update leases set next_attempt_at = now()
              where state = 'revoking' and revoke_requested_at < now() - interval '3 seconds'`;
      await waitFor(
        "active and revoking leases to be revoked",
        size(20_000, 120_000),
        async () => {
          const s = await leaseStates(store);
          return !s["active"] && !s["revoking"];
        },
        release,
      );
      const orphanIds = await injectOrphans(plan.orphans);
      const restarted = fleet.replicas.slice(1);
      await Promise.all(restarted.map((r) => r.stop())); // the victim may be down already
      const sweepStarted = Date.now();
      await Promise.all(restarted.map((r) => r.start()));
      await waitFor("no live lease and no managed role", size(30_000, 120_000), async () => {
        const s = await leaseStates(store);
        return (
          !s["minting"] &&
          !s["active"] &&
          !s["revoking"] &&
          (await managedRoles(target.database, await installIdOf())).length === 0
        );
      }).catch(() => {}); // the assertions below say what is left
      const sweptMs = Date.now() - sweepStarted;
      // Events are linked to the chain every 200 ms.
      await sleep(600);

      const records = await leaseRecords(store);
      const audit = await auditByLease(store);
      const states = await leaseStates(store);
      const roles = await managedRoles(target.database, await installIdOf());
      const live = new Set(
        records.filter((r) => ["minting", "active", "revoking"].includes(r.state)).map((r) => r.id),
      );
      const strayRoles = roles.filter((r) => !live.has(r.leaseId));
      const revokeReasons: Record<string, number> = {};
      const doubleRevokes: string[] = [];
      const doubleMints: string[] = [];
      const revokedWithoutAudit: string[] = [];
      let mints = 0;
      for (const r of records) {
        const a = audit.get(r.id) ?? { mints: 0, revokes: 0, mintFailed: 0, reasons: [] };
        mints += a.mints;
        for (const reason of a.reasons) revokeReasons[reason] = (revokeReasons[reason] ?? 0) + 1;
        if (a.mints > 1) doubleMints.push(r.id);
        if (a.revokes > 1) doubleRevokes.push(r.id);
        if (r.state === "revoked" && a.revokes !== 1) revokedWithoutAudit.push(r.id);
      }
      const orphanCounts = orphanIds.map((id) => audit.get(id)?.revokes ?? 0);
      const orphansTwice = orphanIds.filter((_, i) => orphanCounts[i]! > 1);
      const orphansNever = orphanIds.filter((_, i) => orphanCounts[i] === 0);
      const trails = await Promise.all(
        [...doubleRevokes.slice(0, 2), ...orphansTwice.slice(0, 2)].map((id) => auditTrail(store, id)),
      );
      const overlaps = overlappingLeases(records);
      const failures = failuresByCode(tally.failed);
      const nonRetryable = tally.failed.filter((f) => !f.retryable);
      const inKillWindows = tally.failed.filter((f) =>
        kills.some((k) => f.at - started >= k.at && f.at - started <= k.back + 2_000),
      ).length;
      const verify = await fleet.cli(["audit", "verify", "--json"]);

      report("replicas", {
        replicas: 3,
        machines: plan.machines,
        loadSeconds: Math.round(loadSeconds),
        sigkills: kills.length,
        killWindowsMs: kills.map((k) => ({
          at: k.at,
          back: Number.isFinite(k.back) ? k.back : "at the end",
        })),
        reads: tally.ok + tally.failed.length,
        readsOk: tally.ok,
        readFailures: failures,
        readFailuresInKillWindows: inKillWindows,
        nonRetryableFailures: nonRetryable.length,
        readLatencyMs: {
          p50: Math.round(quantile(tally.latencies, 0.5)),
          p99: Math.round(quantile(tally.latencies, 0.99)),
          max: Math.round(quantile(tally.latencies, 1)),
        },
        leases: records.length,
        leasesMintedAudited: mints,
        mintsPerSecond: Math.round(mints / loadSeconds),
        fastForwarded,
        finalStates: states,
        revokeAuditsByReason: revokeReasons,
        doubleRevokes: doubleRevokes.length,
        doubleMints: doubleMints.length,
        revokedWithoutExactlyOneAudit: revokedWithoutAudit.length,
        overlappingLeasesInOneSlot: overlaps.length,
        liveSlotDuplicateSamples: duplicateSamples,
        handedBackOlderLease: tally.backwards.length,
        managedRolesLeft: roles.length,
        strayRoles: strayRoles.length,
        orphanSweep: {
          replicasSweepingAtOnce: restarted.length,
          orphansInjected: plan.orphans,
          sweptMs,
          auditedOnce: orphanCounts.filter((c) => c === 1).length,
          auditedTwiceOrMore: orphansTwice.length,
          notAudited: orphansNever.length,
        },
        auditChain: verify.code === 0 ? "intact" : verify.stdout || verify.stderr,
        lost:
          strayRoles.length + overlaps.length + orphansNever.length === 0
            ? "nothing: every role dropped, every ended lease revoked"
            : "see figures",
      });
      if (trails.length > 0)
        console.log("[reliability] double revoke trails", JSON.stringify(trails, null, 1));
      if (nonRetryable.length > 0) console.log("[reliability] non-retryable", nonRetryable.slice(0, 10));

      const silent = machines.filter((m) => (tally.leasesByMachine.get(m.name) ?? []).length === 0);
      expect(
        silent.map((m) => m.name),
        "machines that never read successfully",
      ).toEqual([]);
      expect(nonRetryable, "reads may fail only with retryable errors").toEqual([]);
      expect(tally.backwards, "a machine was handed an older lease after a newer one").toEqual([]);
      expect(tally.loginMismatches).toBe(0);
      expect(duplicateSamples, "two usable leases in one (secret, machine) slot").toBe(0);
      expect(overlaps, "a lease minted while the previous one in its slot was still usable").toEqual([]);
      expect(doubleMints, "lease.mint audited more than once").toEqual([]);
      expect(doubleRevokes, "lease.revoke audited more than once").toEqual([]);
      expect(orphansNever, "orphan roles dropped without a lease.revoke").toEqual([]);
      expect(orphansTwice, "orphan roles audited as revoked more than once").toEqual([]);
      expect(revokedWithoutAudit, "revoked lease without exactly one lease.revoke").toEqual([]);
      expect(strayRoles, "managed role left for a lease that is not live").toEqual([]);
      expect(Object.keys(states).filter((s) => s !== "revoked" && s !== "failed")).toEqual([]);
      expect(cliJson<{ ok: boolean }>(verify).ok).toBe(true);
    },
    size(90_000, 1_200_000),
  );
});
