import { createHmac, randomBytes } from "node:crypto";
import postgres from "postgres";
import type { TargetConnection } from "../provider.js";
import { RESERVE_WAIT_MS, setReserveWait } from "./reserve.js";
import { sslOption } from "./tls.js";

export type Sql = postgres.Sql;

export interface PoolOptions {
  /** Connections per target. Mints run one at a time per target, so a few cover renew/revoke too. */
  max?: number;
  idleTimeoutSeconds?: number;
  connectTimeoutSeconds?: number;
  /** How long a mint or revocation waits for a connection of its own (reserve.ts). */
  reserveWaitMs?: number;
}

/** postgres.js options for a target; shared by the pools and testConnection's one-off client. */
export function clientOptions(target: TargetConnection, options: PoolOptions = {}) {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.adminUser,
    password: target.adminPassword,
    ssl: sslOption(target),
    max: options.max ?? 4,
    idle_timeout: options.idleTimeoutSeconds ?? 60,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    // A target that is down must fail a mint fast (a retryable 503 to the machine) and leave
    // retrying to the lease engine's own backoff. postgres.js's default pause between connect
    // attempts grows to 20 s, and every query queued behind a failed attempt waits it out.
    backoff: () => 0.05,
    // Every mint is a new statement text: preparing them would only grow each connection's
    // statement cache. (fetch_types stays on: postgres.js 3.4's reserve() never resolves on a
    // fresh connection without it, and mints run on reserved connections.)
    prepare: false,
    onnotice: () => {},
    connection: {
      application_name: "sikkerkey",
      // A grants template or a revocation stuck behind someone's lock fails (retryably) instead
      // of holding the target's mint queue forever.
      lock_timeout: 10_000,
      statement_timeout: 60_000,
    },
  };
}

/**
 * One postgres.js client per distinct target. The key names the target in the open (host, port,
 * database, user, TLS) and the password and CA only by an HMAC under a key that lives and dies
 * with this process, so a key that reaches a log or a heap dump gives no offline guess a check.
 * A changed admin password is a new key, hence a new pool.
 */
export class TargetPools {
  readonly #secret = randomBytes(32);
  readonly #pools = new Map<string, Sql>();
  readonly #options: PoolOptions;

  constructor(options: PoolOptions = {}) {
    this.#options = options;
  }

  key(target: TargetConnection): string {
    const mac = (value: string) =>
      createHmac("sha256", this.#secret).update(value).digest("hex").slice(0, 16);
    const { host, port, database, adminUser, tlsMode } = target;
    const ca = target.caPem ? mac(`ca:${target.caPem}`) : "none";
    return `${host}:${port}/${database} user=${adminUser} tls=${tlsMode} ca=${ca} pw=${mac(`pw:${target.adminPassword}`)}`;
  }

  get(target: TargetConnection): Sql {
    const key = this.key(target);
    let sql = this.#pools.get(key);
    if (!sql) {
      sql = postgres(clientOptions(target, this.#options));
      setReserveWait(sql, this.#options.reserveWaitMs ?? RESERVE_WAIT_MS);
      this.#pools.set(key, sql);
    }
    return sql;
  }

  get size(): number {
    return this.#pools.size;
  }

  /** Ends every pool, letting queries in flight finish for up to `timeoutSeconds`. */
  async close(timeoutSeconds = 5): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((sql) => sql.end({ timeout: timeoutSeconds })));
  }
}

/**
 * `host:port/database`: how messages name a target, and the key mints queue on. Mints (and the
 * drops that revoke) are serialized per target database, not per admin, because the catalog
 * rows GRANTs contend on belong to the database, whoever connects to it.
 */
export function targetAddress(target: TargetConnection): string {
  return `${target.host}:${target.port}/${target.database}`;
}
