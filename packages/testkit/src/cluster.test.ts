import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres } from "./cluster.js";
import { acceptsTcp, loginError, whoami } from "./test-helpers.js";
import type { PgCluster } from "./types.js";

describe("startPostgres", () => {
  let pg: PgCluster;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.stop());

  it("listens on a free port of 127.0.0.1, not the system server", () => {
    expect(pg.host).toBe("127.0.0.1");
    expect(pg.port).not.toBe(5432);
    expect(pg.superuser.url).toBe(pg.url());
  });

  it("lets the superuser log in with its password", async () => {
    expect(await whoami(pg.superuser.url)).toBe(pg.superuser.user);
    const [row] = await pg.query<{ rolsuper: boolean }>("select rolsuper from pg_roles where rolname = $1", [
      pg.superuser.user,
    ]);
    expect(row?.rolsuper).toBe(true);
  });

  it("refuses a wrong password", async () => {
    const err = await loginError(pg.url({ user: pg.superuser.user, password: "wrong" }));
    expect(err.code).toBe("28P01");
    expect(err.message).toMatch(/password authentication failed/);
  });

  it("refuses a login without a password (no trust auth anywhere)", async () => {
    const err = await loginError(pg.url({ user: pg.superuser.user }));
    expect(err.code).toBe("28P01");
  });

  it("stores passwords as scram-sha-256", async () => {
    const [row] = await pg.query<{ password_encryption: string }>("show password_encryption");
    expect(row?.password_encryption).toBe("scram-sha-256");
  });

  it("stopServer() refuses connections until startServer()", async () => {
    await pg.stopServer();
    expect(await acceptsTcp(pg.port)).toBe(false);
    expect((await loginError(pg.superuser.url)).code).toBe("ECONNREFUSED");
    await pg.stopServer(); // already stopped: a no-op

    await pg.startServer();
    expect(await whoami(pg.superuser.url)).toBe(pg.superuser.user);
  });

  it("keeps data across a restart", async () => {
    const db = await pg.createDatabase();
    await pg.stopServer();
    await pg.startServer();
    const rows = await pg.query("select 1 from pg_database where datname = $1", [db]);
    expect(rows).toHaveLength(1);
  });
});

describe("stop()", () => {
  it("closes the port and deletes the temp dir, and is idempotent", async () => {
    const pg = await startPostgres();
    const dir = dirname(pg.logPath);
    expect(dir).toMatch(/sikkerkey-pg-/);
    expect(existsSync(dir)).toBe(true);

    await Promise.all([pg.stop(), pg.stop()]);
    await pg.stop();

    expect(existsSync(dir)).toBe(false);
    expect(await acceptsTcp(pg.port)).toBe(false);
    await expect(pg.startServer()).rejects.toThrow(/stopped for good/);
  });

  it("works while the server is already stopped", async () => {
    const pg = await startPostgres();
    await pg.stopServer();
    await pg.stop();
    expect(existsSync(dirname(pg.logPath))).toBe(false);
  });
});
