import { inject } from "vitest";
import { clusterHandle } from "./admin.js";
import type { PgHandle } from "./types.js";

export type { ProvidedPg } from "./provided.js";

/**
 * The project's shared cluster, from inside a test file. It cannot stop or restart the server
 * (other files are using it): outage tests start their own with `startPostgres()`.
 *
 * @example
 * const pg = pgFromInject();
 * const admin = await pg.createCreateroleAdmin();
 */
export function pgFromInject(): PgHandle {
  const pg = inject("pg");
  if (!pg) {
    throw new Error(
      'testkit: nothing provided "pg"; add globalSetup: ["@sikkerkey/testkit/global-setup"] to this vitest project',
    );
  }
  return clusterHandle({
    host: pg.host,
    port: pg.port,
    superuser: { user: pg.superuserUser, password: pg.superuserPassword },
    logPath: pg.logPath,
  });
}
