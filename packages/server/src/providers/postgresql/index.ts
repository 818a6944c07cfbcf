import type { Provider } from "../provider.js";
import { createLogin } from "./create.js";
import { listManagedLogins } from "./list.js";
import { loginName } from "./login-name.js";
import { type PoolOptions, TargetPools } from "./pool.js";
import { CutBatches } from "./cut-batch.js";
import { DropBatches } from "./drop-batch.js";
import { MintLanes } from "./lane.js";
import { SerialQueues } from "./queue.js";
import { renewLogin } from "./renew.js";
import { scramVerifier } from "./scram.js";
import { revokeLogin } from "./revoke.js";
import { testConnection } from "./test-connection.js";

export interface PostgresProviderOptions extends PoolOptions {
  /**
   * How long a mint's answered statements wait for the store to commit their lease row before
   * the transaction is rolled back (default RECORD_GRACE_MS, 50 ms; tests change it).
   */
  recordGraceMs?: number;
}

/**
 * The PostgreSQL provider: one instance per server process. It keeps a small pool per target and
 * a queue per target database that serializes mints; `close()` ends every pool.
 *
 * @example
 * const provider = createPostgresProvider();
 * const login = provider.loginName("sk_db_prod", "m1");
 * await provider.create(target, { login, password, validUntil, grants, tag });
 */
export function createPostgresProvider(options: PostgresProviderOptions = {}): Provider {
  const pools = new TargetPools(options);
  const queues = new SerialQueues();
  const lanes = new MintLanes();
  const pool = pools.get.bind(pools);
  const cuts = new CutBatches();
  const drops = new DropBatches(queues, lanes);
  const revoke: Provider["revoke"] = (target, login) => revokeLogin({ pool, cuts, drops }, target, login);
  return {
    kind: "postgresql",
    testConnection,
    prepare: (password) => scramVerifier(password),
    create: (target, spec) =>
      createLogin({ pool, queues, lanes, revoke, recordGraceMs: options.recordGraceMs }, target, spec),
    renew: (target, login, validUntil) => renewLogin(pool, target, login, validUntil),
    revoke,
    listManaged: (target, installId) => listManagedLogins(pool, target, installId),
    loginName,
    close: () => pools.close(),
  };
}
