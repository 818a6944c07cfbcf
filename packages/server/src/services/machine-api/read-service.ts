import type { SecretReadResponse } from "@sikkerkey/protocol";
import { and, eq, isNull } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import type { Sealer } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";
import type { CurrentLease, ReadCache } from "../hot-read/read-cache.js";
import { currentLeaseJson, toCurrentLease } from "../leases/queries.js";
import type { MachineRow } from "../machines/machine-view.js";
import { openFields } from "../secrets/fields.js";
import { findSecret } from "../secrets/secret-queries.js";
import type { SecretRow } from "../secrets/secret-view.js";
import { touchMachine } from "./touch.js";

/**
 * The lease engine plugs in here: it mints or reuses a login for (secret, machine) and answers
 * the read. It audits its own mints and reads.
 */
export interface LeasedReader {
  read(secret: SecretRow, machine: MachineRow, ctx: LeasedReadContext): Promise<SecretReadResponse>;
}

export interface LeasedReadContext {
  sourceIp: string | null;
  /**
   * The secret's configuration stamp and the machine's current lease, when the lookup of the
   * secret fetched them in the same statement (a first read): one store round trip fewer.
   */
  current?: CurrentLease | undefined;
}

/** A secret the machine may read, with its current lease when the same lookup fetched it. */
export interface Readable {
  secret: SecretRow;
  current?: CurrentLease | undefined;
}

/** The lookup a read will make, started ahead of it; see {@link ReadService.lookAhead}. */
export interface ReadAhead {
  machineId: string;
  secretId: string;
  /** Settled into a value at once, so a request refused meanwhile leaves no unhandled rejection. */
  settled: Promise<{ found: Readable | undefined } | { error: unknown }>;
}

export interface ReadService {
  /**
   * Starts the lookup a read of this secret by this machine will make: the route calls it once
   * the signature is proven, so when the answer is not in memory (a first read, mostly) the
   * lookup goes to the store beside the replay record rather than after it. It only reads; a
   * request refused after it (a replay) leaves it unused.
   */
  lookAhead(machine: MachineRow, secretId: string): ReadAhead | undefined;
  /** A machine reads a secret. Unknown, trashed and not granted all answer the same 404. */
  read(
    machine: MachineRow,
    secretId: string,
    ctx: { sourceIp: string | null; ahead?: ReadAhead | undefined },
  ): Promise<SecretReadResponse>;
}

export function createReadService(deps: {
  db: Db;
  sealer: Sealer;
  audit: AuditLog;
  clock: Clock;
  leasedReader?: LeasedReader | undefined;
  /** Embedded store only: what a machine may read, kept until the store says it changed. */
  cache?: ReadCache | undefined;
  onRead?: (kind: string, outcome: "success" | "denied" | "error") => void;
}): ReadService {
  const { db, sealer, audit, clock, leasedReader } = deps;

  async function deny(
    machine: MachineRow,
    secretId: string,
    reason: string,
    sourceIp: string | null,
    error: SikkerKeyError,
  ): Promise<never> {
    deps.onRead?.("unknown", "denied");
    await audit.record({
      action: "secret.read_denied",
      outcome: "denied",
      actor: { type: "machine", id: machine.id },
      vaultId: machine.vaultId,
      machineId: machine.id,
      secretId: secretId.slice(0, 128),
      sourceIp,
      reason,
    });
    throw error;
  }

  /**
   * The secret, if it is live, in the machine's vault and in a live project granted to it: as
   * the look-ahead for this read found it (in memory or in the store), else from memory, else
   * from the store.
   */
  async function readable(
    machine: MachineRow,
    secretId: string,
    ahead: ReadAhead | undefined,
  ): Promise<Readable | undefined> {
    if (ahead && ahead.machineId === machine.id && ahead.secretId === secretId) {
      const settled = await ahead.settled;
      if ("error" in settled) throw settled.error;
      return settled.found;
    }
    const cached = deps.cache?.readable(machine.id, secretId);
    if (cached) return { secret: cached };
    const ticket = deps.cache?.ticket();
    const found = await lookUpReadable(machine, secretId);
    if (found && ticket !== undefined) deps.cache?.putReadable(machine.id, found.secret, ticket);
    return found;
  }

  /**
   * Not cached means a first read (or the first since something changed), which for a leased
   * secret is usually a mint: its configuration stamp and current lease come in the same
   * statement, instead of in the engine's own lookup a moment later.
   */
  async function lookUpReadable(machine: MachineRow, secretId: string): Promise<Readable | undefined> {
    const s = schema.secrets;
    const c = schema.leasedConfigs;
    const [row] = await db
      .select({ secret: s, configAt: c.updatedAt, lease: currentLeaseJson(s.id, machine.id) })
      .from(s)
      .innerJoin(schema.projects, and(eq(schema.projects.id, s.projectId), isNull(schema.projects.deletedAt)))
      .innerJoin(
        schema.machineGrants,
        and(eq(schema.machineGrants.projectId, s.projectId), eq(schema.machineGrants.machineId, machine.id)),
      )
      .leftJoin(c, eq(c.secretId, s.id))
      .where(and(eq(s.id, secretId), eq(s.vaultId, machine.vaultId), isNull(s.deletedAt)))
      .limit(1);
    if (!row) return undefined;
    const current = row.configAt ? toCurrentLease(row.configAt, row.lease) : undefined;
    return { secret: row.secret, current };
  }

  /** Only on the refusal path: why, for the audit. The caller hears the same 404 regardless. */
  async function whyNotReadable(machine: MachineRow, secretId: string): Promise<string> {
    const row = await findSecret(db, secretId);
    if (!row || row.vaultId !== machine.vaultId) return "no such secret in the machine's vault";
    if (row.deletedAt) return "secret in trash";
    return "no grant";
  }

  return {
    lookAhead(machine, secretId) {
      // A pending or disabled machine's read is refused before any lookup; so is its look-ahead.
      if (machine.status !== "enabled") return undefined;
      const settled = readable(machine, secretId, undefined).then(
        (found) => ({ found }),
        (error: unknown) => ({ error }),
      );
      return { machineId: machine.id, secretId, settled };
    },

    async read(machine, secretId, ctx) {
      if (machine.status === "pending") {
        return deny(
          machine,
          secretId,
          "machine pending",
          ctx.sourceIp,
          new SikkerKeyError("MACHINE_PENDING", "this machine is waiting for an operator to approve it"),
        );
      }
      if (machine.status !== "enabled") {
        return deny(
          machine,
          secretId,
          "machine disabled",
          ctx.sourceIp,
          new SikkerKeyError("MACHINE_DISABLED", "this machine is disabled"),
        );
      }
      const found = await readable(machine, secretId, ctx.ahead);
      if (!found) {
        const notFound = new SikkerKeyError(
          "SECRET_NOT_FOUND",
          `secret "${secretId.slice(0, 128)}" not found`,
        );
        return deny(machine, secretId, await whyNotReadable(machine, secretId), ctx.sourceIp, notFound);
      }
      // The last-seen stamp is for people, not for the read: it goes to the store beside the
      // read's own work (on a first read, while the target creates the login) rather than in
      // front of it. The read still answers only once it is written.
      // Settled into a value at once: a failure while the read is still working must not be an
      // unhandled rejection (Node ends the process on one).
      const touched = touchMachine(db, machine, clock.now(), deps.cache).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      const response = await readGranted(machine, found, ctx);
      const failed = await touched;
      if (failed) throw failed.error;
      return response;
    },
  };

  async function readGranted(
    machine: MachineRow,
    { secret, current }: Readable,
    ctx: { sourceIp: string | null },
  ): Promise<SecretReadResponse> {
    if (secret.kind === "leased") {
      if (!leasedReader) {
        deps.onRead?.("leased", "error");
        throw new SikkerKeyError(
          "NOT_READY",
          "leased secrets need the lease engine, which this server is not running",
        );
      }
      const response = await leasedReader.read(secret, machine, { sourceIp: ctx.sourceIp, current });
      deps.onRead?.("leased", "success");
      return response;
    }
    const fields = openFields(sealer, secret);
    await audit.record({
      action: "secret.read",
      actor: { type: "machine", id: machine.id },
      vaultId: machine.vaultId,
      machineId: machine.id,
      secretId: secret.id,
      sourceIp: ctx.sourceIp,
      detail: { version: secret.version },
    });
    deps.onRead?.("structured", "success");
    return { id: secret.id, kind: "structured", fields };
  }
}
