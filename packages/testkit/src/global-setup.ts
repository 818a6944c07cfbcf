import type { TestProject } from "vitest/node";
import { startPostgres } from "./cluster.js";
import type { ProvidedPg } from "./provided.js";

export type { ProvidedPg } from "./provided.js";

/**
 * vitest `globalSetup`: one cluster per project and run, shared by its test files through
 * `pgFromInject()`. Statements are logged so tests can prove passwords never reach the log.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres({ logStatements: true });
  const pg: ProvidedPg = {
    host: cluster.host,
    port: cluster.port,
    superuserUser: cluster.superuser.user,
    superuserPassword: cluster.superuser.password,
    superuserUrl: cluster.superuser.url,
    logPath: cluster.logPath,
    logStatements: true,
  };
  project.provide("pg", pg);
  return () => cluster.stop();
}
