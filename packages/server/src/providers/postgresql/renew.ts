import type { TargetConnection } from "../provider.js";
import { ProviderError } from "../provider.js";
import { NO_SUCH_ROLE, toProviderError } from "./errors.js";
import { MAX_IDENTIFIER_BYTES } from "./login-name.js";
import { type Sql, targetAddress } from "./pool.js";
import { quoteIdent, quoteLiteral } from "./quote.js";
import { retryConcurrentUpdate } from "./retry.js";

/**
 * Moves the login's `VALID UNTIL` (checked by PostgreSQL at each password login); null lifts it
 * (`'infinity'`). ALTER ROLE takes no bind parameters, hence the quoted literal. The retry is for
 * two replicas renewing one login at once, which updates one pg_authid row twice.
 */
export async function renewLogin(
  pool: (target: TargetConnection) => Sql,
  target: TargetConnection,
  login: string,
  validUntil: Date | null,
): Promise<void> {
  if (login.length === 0 || Buffer.byteLength(login) > MAX_IDENTIFIER_BYTES) {
    throw new ProviderError(`"${login}" cannot be a PostgreSQL role name`, { retryable: false });
  }
  const sql = pool(target);
  const until = validUntil ? validUntil.toISOString() : "infinity";
  try {
    await retryConcurrentUpdate(
      // quoteIdent, not sql(login): postgres.js splits an identifier on `.`, a role name may hold one.
      () => sql`ALTER ROLE ${sql.unsafe(quoteIdent(login))} VALID UNTIL ${sql.unsafe(quoteLiteral(until))}`,
    );
  } catch (err) {
    throw toProviderError(
      err,
      `renewing login ${login} in ${targetAddress(target)}`,
      [target.adminPassword],
      {
        explain: (f) => (f.code === NO_SUCH_ROLE ? `the login does not exist (revoked?)` : f.text),
      },
    );
  }
}
