import { randomBytes } from "node:crypto";
import { type PgCluster, startPostgres } from "@sikkerkey/testkit";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  enrollMachines,
  type Machine,
  mapLimit,
  type RawAnswer,
  signedGet,
  sleep,
  vaultWithProject,
} from "./support/fault-fleet.js";
import { ApiError, type FaultServer, startFaultServer } from "./support/fault-server.js";
import {
  agrees,
  createLeasedSecret,
  createTarget,
  drift,
  managedRoles,
  type Target,
} from "./support/fault-target.js";
import { report } from "./support/report.js";
import { size } from "./support/scale.js";

const MACHINES = size(4, 24);
const OUTAGE_MS = size(5_000, 30_000);
/** Longest any request may take to be answered, outage or not: a 503 must come fast. */
const ANSWER_BOUND_MS = 5_000;
/** From the store's return to every machine reading again, with no restart of the server. */
const RECOVERY_BOUND_MS = 30_000;

type Phase = "before" | "outage" | "after";
interface Observed extends RawAnswer {
  /** When the request was sent (outage = sent while the store was down). */
  phase: Phase;
  sentAt: number;
  what: string;
}

// Metadata store outage (PostgreSQL store): requests get a quick 503 problem, nothing is
// half-written, and the server recovers by itself when the store comes back.
describe("metadata store outage", () => {
  const targetPg = pgFromInject();
  let storeCluster: PgCluster;
  let target: Target;
  let server: FaultServer;
  let machines: Machine[];
  let late: Machine;
  const tag = randomBytes(3).toString("hex");
  const leasedId = `sk_store_${tag}_db`;
  const structuredId = `sk_store_${tag}_kv`;
  let vault: string;
  let project: string;

  beforeAll(async () => {
    // The store on a cluster of its own, so it can be stopped while the target stays up.
    storeCluster = await startPostgres();
    target = await createTarget(targetPg);
    server = await startFaultServer({
      databaseUrl: storeCluster.url({ database: await storeCluster.createDatabase() }),
    });
    ({ vault, project } = await vaultWithProject(server));
    await createLeasedSecret(server, target, {
      id: leasedId,
      vault,
      project,
      policy: { lifetimeSeconds: 3600, nativeExpiry: true },
    });
    await server.api("POST", "/v1/admin/secrets", {
      kind: "structured",
      id: structuredId,
      vault,
      project,
      fields: { API_KEY: "k-123" },
    });
    const all = await enrollMachines(server, { vault, project, count: MACHINES + 1 });
    late = all.pop()!;
    machines = all;
  });

  afterAll(async () => {
    await Promise.all([...(machines ?? []), ...(late ? [late] : [])].map((m) => m.sdk.close()));
    await server?.close();
    await storeCluster?.stop();
  });

  it(
    "answers 503 problems within a bound, writes nothing half-way, and recovers on its own",
    async () => {
      const before = await mapLimit(machines, 8, async (m) => (await m.sdk.get(leasedId)).lease!.id);
      const rolesBefore = (await managedRoles(target.pg, [leasedId])).length;
      expect(rolesBefore).toBe(MACHINES);

      let phase: Phase = "before";
      let stopped = false;
      const seen: Observed[] = [];
      const lastOk = new Map<string, number>();
      const machineLoop = async (m: Machine) => {
        for (let i = 0; !stopped; i++) {
          const id = i % 2 === 0 ? leasedId : structuredId;
          const sentIn = phase;
          const answer = await signedGet(m.identity, `${server.url}/v1/secrets/${id}`, 30_000);
          seen.push({ ...answer, phase: sentIn, what: "machine read", sentAt: Date.now() - answer.ms });
          if (answer.status === 200) lastOk.set(m.name, Date.now());
          await sleep(answer.status === 200 ? 20 : 100);
        }
      };
      const operatorLoop = async () => {
        while (!stopped) {
          for (const [what, path, auth] of [
            ["lease list", `/v1/admin/leases?secret=${leasedId}`, true],
            ["readyz", "/readyz", false],
          ] as const) {
            const started = performance.now();
            const sentIn = phase;
            const res = await fetch(server.url + path, {
              headers: auth ? { authorization: `Bearer ${server.token}` } : {},
              signal: AbortSignal.timeout(30_000),
            }).catch(() => undefined);
            const text = res ? await res.text() : "";
            seen.push({
              sentAt: Date.now() - (performance.now() - started),
              status: res?.status ?? 0,
              contentType: res?.headers.get("content-type") ?? "",
              body: text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : undefined,
              ms: performance.now() - started,
              phase: sentIn,
              what,
            });
          }
          await sleep(100);
        }
      };
      const load = Promise.all([...machines.map(machineLoop), operatorLoop()]);
      await sleep(1_000);

      await storeCluster.stopServer();
      const downAt = Date.now();
      phase = "outage";
      await sleep(500);
      // Writes during the outage: a first read (a mint) and a new secret. Both must fail whole.
      const lateRead = await signedGet(late.identity, `${server.url}/v1/secrets/${leasedId}`, 30_000);
      const createDuring = await server
        .api("POST", "/v1/admin/secrets", {
          kind: "structured",
          id: `${structuredId}2`,
          vault,
          project,
          fields: { A: "b" },
        })
        .then(
          () => 201,
          (e: unknown) => (e instanceof ApiError ? `${e.status} ${e.body.code}` : String(e)),
        );
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));

      await storeCluster.startServer();
      const upAt = Date.now();
      phase = "after";
      // No restart of the server: it must find the store again by itself.
      while (
        (machines.some((m) => (lastOk.get(m.name) ?? 0) < upAt) ||
          !seen.some((s) => s.what === "readyz" && s.phase === "after" && s.status === 200)) &&
        Date.now() - upAt < RECOVERY_BOUND_MS
      ) {
        await sleep(100);
      }
      const recoveredMs = Date.now() - upAt;
      stopped = true;
      await load;

      // Every answer: 200, or a 503 problem saying the store is down. Never a 500, never silence.
      const byStatus: Record<string, number> = {};
      for (const s of seen)
        byStatus[`${s.phase} ${s.status}`] = (byStatus[`${s.phase} ${s.status}`] ?? 0) + 1;
      const bad = seen.filter(
        (s) =>
          !(
            s.status === 200 ||
            (s.status === 503 &&
              s.contentType.startsWith("application/problem+json") &&
              (s.body?.["code"] === "STORE_UNAVAILABLE" ||
                (s.what === "readyz" && s.body?.["code"] === "NOT_READY")))
          ),
      );
      // On failure, what the server logged about those requests says why (never secrets: the
      // server's log carries error names and codes, not values).
      const whyLogged = server
        .logs()
        .split("\n")
        .filter((line) => line.includes('"request failed"'))
        .slice(0, 5);
      expect(
        bad
          .slice(0, 10)
          .map((s) => `${s.phase} ${s.what}: ${s.status} ${s.contentType} ${JSON.stringify(s.body)}`),
        `answers other than 200 or a 503 store problem; the server logged: ${whyLogged.join(" | ")}`,
      ).toEqual([]);
      expect(seen.filter((s) => s.phase === "outage" && s.status === 503).length).toBeGreaterThan(0);
      const slowest = Math.max(...seen.map((s) => s.ms));
      const slowOnes = [...seen]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((s) => `${s.phase} ${s.what} ${s.status} ${Math.round(s.ms)}ms ${JSON.stringify(s.body)}`);
      expect(slowest, `slowest answers: ${slowOnes.join("; ")}`).toBeLessThan(ANSWER_BOUND_MS);
      expect(recoveredMs, "time for every machine to read again after the store returned").toBeLessThan(
        RECOVERY_BOUND_MS,
      );

      expect(lateRead.status).toBe(503);
      expect(createDuring).toBe("503 STORE_UNAVAILABLE");

      // Nothing half-written: the secret refused during the outage does not exist, each machine
      // still holds the lease it had, the refused mint left no role, and store and target agree.
      await expect(server.api("GET", `/v1/admin/secrets/${structuredId}2`)).rejects.toMatchObject({
        status: 404,
      });
      const after = await mapLimit(machines, 8, async (m) => (await m.sdk.get(leasedId)).lease!.id);
      expect(after).toEqual(before);
      const agreement = await drift(server, target, [leasedId]);
      expect(agrees(agreement), JSON.stringify(agreement)).toBe(true);
      expect(agreement.roles).toBe(MACHINES);
      // The first read refused during the outage works now, with a login of its own.
      const lateNow = await late.sdk.get(leasedId);
      expect(lateNow.lease).toBeDefined();
      const audit = await server.api<{ ok: boolean; firstBroken: unknown }>("GET", "/v1/admin/audit/verify");
      expect(audit.firstBroken).toBeNull();

      report("store-outage", {
        machines: MACHINES,
        outageMs: upAt - downAt,
        requests: seen.length,
        byStatus,
        slowestAnswerMs: Math.round(slowest),
        slowestOutageAnswerMs: Math.round(
          Math.max(0, ...seen.filter((s) => s.phase === "outage").map((s) => s.ms)),
        ),
        recoveredMsAfterStoreReturned: recoveredMs,
        lateFirstReadDuringOutage: lateRead.status,
        createDuringOutage: createDuring,
        otherAnswers: bad.length,
      });
    },
    size(180_000, 600_000),
  );
});
