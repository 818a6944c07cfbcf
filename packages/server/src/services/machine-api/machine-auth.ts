import { isId } from "@sikkerkey/protocol";
import {
  keyThumbprint,
  type NonceStore,
  type VerifyFailure,
  type VerifyResult,
  verifyRequest,
  type VerifyKey,
} from "@sikkerkey/signing";
import { eq } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import type { MachineKeyCache } from "../machines/key-cache.js";
import type { MachineRow } from "../machines/machine-view.js";
import { SIGNATURE_FAILURE_CODES, SIGNATURE_FAILURE_MESSAGES } from "./signature-codes.js";

type VerifyFailed = Extract<VerifyResult, { ok: false }>;

/** A request as received, with `url` carrying the Host header the server saw as its authority. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Headers;
  body?: Uint8Array | undefined;
}

export interface RequestContext {
  sourceIp: string | null;
  /** What was asked for, for the audit trail of refusals. */
  path: string;
}

export interface AuthenticateOptions {
  /**
   * Told the machine once its signature is proven, as its nonce goes to the store: lookups the
   * request makes next can go to the store beside the replay record instead of after it. What
   * it starts must not act on the request, which may yet be refused as a replay.
   */
  verified?: ((machine: MachineRow) => void) | undefined;
}

export interface MachineAuthenticator {
  /** The signing machine, whatever its status; callers decide what a pending or disabled one may do. */
  authenticate(req: ReceivedRequest, ctx: RequestContext, options?: AuthenticateOptions): Promise<MachineRow>;
  /** Proof of possession for enrollment: verifies against the key being enrolled; returns its thumbprint. */
  verifyEnrollment(req: ReceivedRequest, publicKeyPem: string, ctx: RequestContext): Promise<string>;
}

export interface MachineAuthDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  keys: MachineKeyCache;
  nonces: NonceStore;
  /** Embedded store only: machines kept in memory until the store says they changed. */
  cache?: ReadCache | undefined;
  skewSeconds: number;
  /** Told about every refused signature (metrics). */
  onRefused?: (reason: VerifyFailure) => void;
}

export function createMachineAuthenticator(deps: MachineAuthDeps): MachineAuthenticator {
  const { db, audit, clock, keys, nonces, skewSeconds } = deps;
  const now = () => Math.floor(clock.now().getTime() / 1000);

  /**
   * Audits and throws. The actor is anonymous (nothing was proven); `machineId` is the machine
   * the request claimed to be, when that machine exists, so its owner can see the attempts.
   */
  async function refuse(
    failure: VerifyFailed,
    claimed: MachineRow | undefined,
    ctx: RequestContext,
  ): Promise<never> {
    const { reason, keyId } = failure;
    deps.onRefused?.(reason);
    const machine = claimed ?? (keyId && isId("machine", keyId) ? await findMachine(keyId) : undefined);
    await audit.record({
      action: "machine.auth_denied",
      outcome: "denied",
      actor: { type: "anonymous" },
      machineId: machine?.id ?? null,
      vaultId: machine?.vaultId ?? null,
      sourceIp: ctx.sourceIp,
      reason,
      // keyid is attacker-chosen text: bounded, and only kept as detail.
      detail: {
        path: ctx.path.slice(0, 256),
        detail: failure.detail,
        ...(keyId ? { keyId: keyId.slice(0, 128) } : {}),
      },
    });
    throw new SikkerKeyError(SIGNATURE_FAILURE_CODES[reason], SIGNATURE_FAILURE_MESSAGES[reason]);
  }

  async function findMachine(id: string): Promise<MachineRow | undefined> {
    const cached = deps.cache?.machine(id);
    if (cached) return cached;
    const ticket = deps.cache?.ticket();
    const [row] = await db.select().from(schema.machines).where(eq(schema.machines.id, id)).limit(1);
    if (row && ticket !== undefined) deps.cache?.putMachine(row, ticket);
    return row;
  }

  // Signed requests being authenticated right now. While others are, a verify goes to libuv's
  // thread pool and the event loop serves them meanwhile; a lone request verifies inline, which
  // is quicker than handing it over (docs/performance-log.md, "the verify on libuv's thread pool").
  let authenticating = 0;
  const verifyKey = (key: VerifyKey): VerifyKey => ({
    verify: (signature, data) =>
      authenticating > 1 && key.verifyOffThread
        ? key.verifyOffThread(signature, data)
        : key.verify(signature, data),
  });

  async function authenticateOne(
    req: ReceivedRequest,
    ctx: RequestContext,
    options: AuthenticateOptions | undefined,
  ): Promise<MachineRow> {
    let machine: MachineRow | undefined;
    const lookupKey = async (keyId: string): Promise<VerifyKey | undefined> => {
      if (!isId("machine", keyId)) return undefined;
      machine = await findMachine(keyId);
      return machine ? verifyKey(keys.get(machine.id, machine.publicKeyPem)) : undefined;
    };
    // verifyRequest records the nonce only once the signature is proven (and the key, so the
    // machine, was found): the moment to tell `verified`, right after the nonce's statement
    // is on its way.
    const verified = options?.verified;
    const recording: NonceStore = verified
      ? {
          remember: (keyId, nonce, until) => {
            const recorded = nonces.remember(keyId, nonce, until);
            verified(machine!);
            return recorded;
          },
        }
      : nonces;
    const result = await verifyRequest(req, { lookupKey, nonces: recording, now, skewSeconds });
    if (!result.ok) return refuse(result, machine, ctx);
    return machine!;
  }

  return {
    async authenticate(req, ctx, options) {
      authenticating++;
      try {
        return await authenticateOne(req, ctx, options);
      } finally {
        authenticating--;
      }
    },

    async verifyEnrollment(req, publicKeyPem, ctx) {
      let key: VerifyKey;
      let thumbprint: string;
      try {
        key = keys.importEnrolling(publicKeyPem);
        thumbprint = keyThumbprint(publicKeyPem);
      } catch {
        throw new SikkerKeyError(
          "VALIDATION_FAILED",
          "publicKeyPem is not an Ed25519 public key (SPKI PEM)",
          [{ path: "publicKeyPem", message: "not an Ed25519 public key in SPKI PEM" }],
        );
      }
      const lookupKey = (keyId: string) => (keyId === thumbprint ? key : undefined);
      const result = await verifyRequest(req, { lookupKey, nonces, now, skewSeconds });
      if (!result.ok) return refuse(result, undefined, ctx);
      return thumbprint;
    },
  };
}
