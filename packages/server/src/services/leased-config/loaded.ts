import type { Policy, Shape } from "@sikkerkey/protocol";
import type { Sealer } from "../../crypto/index.js";
import type { TargetConnection } from "../../providers/provider.js";
import { adminPasswordAad, type LeasedConfigRow, toPolicy } from "./values.js";

/** A leased configuration ready for the engine: policy, shape, and the target with its password opened. */
export interface LoadedConfig {
  secretId: string;
  /** The row's change stamp: the engine compares it on every read to spot a changed configuration. */
  updatedAt: Date;
  policy: Policy;
  shape: Shape;
  target: TargetConnection;
}

export function toLoaded(row: LeasedConfigRow, sealer: Sealer): LoadedConfig {
  return {
    secretId: row.secretId,
    updatedAt: row.updatedAt,
    policy: toPolicy(row),
    shape: { passwordLength: row.passwordLength, charset: row.charset, grants: row.grants },
    target: {
      host: row.host,
      port: row.port,
      database: row.database,
      adminUser: row.adminUser,
      adminPassword: sealer.open(row.sealedAdminPassword, adminPasswordAad(row.secretId)),
      tlsMode: row.tlsMode,
      caPem: row.caPem,
    },
  };
}

/** Where logins live: two configurations with the same key mint into the same database. */
export function targetKey(t: Pick<TargetConnection, "host" | "port" | "database">): string {
  return `${t.host}:${t.port}/${t.database}`;
}

/**
 * Opened configurations by secret, bounded so a server with many leased secrets does not keep
 * every admin password open forever. Entries are only trusted against a change stamp.
 */
export class ConfigCache {
  readonly #entries = new Map<string, LoadedConfig>();
  constructor(readonly capacity = 5_000) {}

  get(secretId: string, stamp: Date): LoadedConfig | undefined {
    const hit = this.#entries.get(secretId);
    return hit && hit.updatedAt.getTime() === stamp.getTime() ? hit : undefined;
  }

  set(config: LoadedConfig): void {
    this.#entries.delete(config.secretId);
    this.#entries.set(config.secretId, config);
    if (this.#entries.size > this.capacity) {
      // Maps iterate in insertion order: the first key is the least recently loaded.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  delete(secretId?: string): void {
    if (secretId === undefined) this.#entries.clear();
    else this.#entries.delete(secretId);
  }
}
