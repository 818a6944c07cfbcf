import { randomBytes } from "node:crypto";
import type { ConnectionTestResult } from "@sikkerkey/protocol";
import {
  type LoginSpec,
  type ManagedLogin,
  type ManagedTag,
  type Provider,
  ProviderError,
  type RevokeResult,
  type TargetConnection,
} from "../../providers/provider.js";

export interface FakeRole {
  target: string;
  login: string;
  password: string;
  validUntil: Date | null;
  canLogin: boolean;
  tag: ManagedTag;
  /** Sessions a test opened "as" this login; revoke ends them like the real provider does. */
  sessions: number;
}

/**
 * An honest in-memory provider for the engine's state-machine tests: it keeps roles per target
 * database, can be taken down (every call fails as retryable, like a refused connection),
 * told to fail the next creates (as a broken grants template would, not retryable), or told to
 * refuse admin passwords (every call with one fails as PostgreSQL's password authentication
 * does: SQLSTATE 28P01, not retryable). Anything
 * claiming real PostgreSQL behaviour is tested against the real provider instead.
 */
export class FakeProvider implements Provider {
  readonly kind = "postgresql" as const;
  readonly roles = new Map<string, FakeRole>();
  readonly calls = { create: 0, renew: 0, revoke: 0, listManaged: 0 };
  down = false;
  /** Creates left to fail with a non-retryable error (a bad grants template). */
  failCreates = 0;
  /** Milliseconds each create takes, so concurrency tests have something to overlap. */
  createDelayMs = 0;
  /** While set, creates wait for it before they reach the target (a mint held up, for as long as a test needs). */
  holdCreates: Promise<void> | undefined;
  /** Revokes that fail although the target is up (a login that cannot be dropped yet). */
  failRevokes = 0;
  /** Admin passwords the target refuses (a typo, or one rotated since), whoever the admin user. */
  readonly rejectedAdminPasswords = new Set<string>();

  async testConnection(target: TargetConnection): Promise<ConnectionTestResult> {
    this.#reachable(target);
    return { ok: true, superuser: true, checks: [{ name: "connect", ok: true, message: "connected" }] };
  }

  async create(target: TargetConnection, spec: LoginSpec): Promise<void> {
    this.calls.create += 1;
    if (this.createDelayMs > 0) await new Promise((r) => setTimeout(r, this.createDelayMs));
    if (this.holdCreates) await this.holdCreates;
    // Like the real provider: the role exists only once the lease row is committed.
    if (spec.recorded) {
      await Promise.resolve(spec.recorded).catch(() => {
        throw new ProviderError("the lease was not recorded, so no login was created", { retryable: false });
      });
    }
    this.#reachable(target);
    if (this.failCreates > 0) {
      this.failCreates -= 1;
      throw new ProviderError('grants template failed: syntax error at or near "GRNT"', {
        retryable: false,
        targetCode: "42601",
      });
    }
    if (this.roles.has(spec.login)) throw new ProviderError("role already exists", { retryable: false });
    this.roles.set(spec.login, {
      target: key(target),
      login: spec.login,
      password: spec.password,
      validUntil: spec.validUntil,
      canLogin: true,
      tag: spec.tag,
      sessions: 0,
    });
  }

  async renew(target: TargetConnection, login: string, validUntil: Date | null): Promise<void> {
    this.calls.renew += 1;
    this.#reachable(target);
    const role = this.roles.get(login);
    if (!role) throw new ProviderError(`role "${login}" does not exist`, { retryable: false });
    role.validUntil = validUntil;
  }

  async revoke(target: TargetConnection, login: string): Promise<RevokeResult> {
    this.calls.revoke += 1;
    this.#reachable(target);
    const role = this.roles.get(login);
    if (role && this.failRevokes > 0) {
      this.failRevokes -= 1;
      role.canLogin = false; // access is cut first, as the real provider does
      throw new ProviderError("role cannot be dropped yet: objects depend on it", { retryable: true });
    }
    if (!role) return { existed: false, dropped: false, terminatedSessions: 0 };
    this.roles.delete(login);
    return { existed: true, dropped: true, terminatedSessions: role.sessions };
  }

  async listManaged(target: TargetConnection, installId: string): Promise<ManagedLogin[]> {
    this.calls.listManaged += 1;
    this.#reachable(target);
    return [...this.roles.values()]
      .filter((r) => r.target === key(target) && r.tag.installId === installId)
      .map((r) => ({
        login: r.login,
        leaseId: r.tag.leaseId,
        canLogin: r.canLogin,
        validUntil: r.validUntil,
      }));
  }

  loginName(secretId: string, machineName: string): string {
    const tail = randomBytes(4).toString("hex");
    return `sk_${secretId.slice(0, 20)}_${machineName.slice(0, 20)}_${tail}`.toLowerCase();
  }

  async close(): Promise<void> {}

  /** Test helper: whether a login would be accepted right now. */
  canLogIn(login: string, password: string, at = new Date()): boolean {
    const role = this.roles.get(login);
    if (!role?.canLogin || role.password !== password) return false;
    return role.validUntil === null || role.validUntil > at;
  }

  #reachable(target: TargetConnection): void {
    if (this.down) {
      throw new ProviderError(`could not connect to ${key(target)}: connection refused`, {
        retryable: true,
        targetCode: "ECONNREFUSED",
      });
    }
    if (this.rejectedAdminPasswords.has(target.adminPassword)) {
      throw new ProviderError(
        `could not connect to ${key(target)}: password authentication failed for user "${target.adminUser}" [SQLSTATE 28P01]`,
        { retryable: false, targetCode: "28P01" },
      );
    }
  }
}

function key(t: TargetConnection): string {
  return `${t.host}:${t.port}/${t.database}`;
}
