import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { ConnectionTestResult } from "@sikkerkey/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError, type TargetConnection } from "../provider.js";
import { createPostgresProvider } from "./index.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

const provider = createPostgresProvider();
afterAll(() => provider.close());

const check = (result: ConnectionTestResult, name: string) => result.checks.find((c) => c.name === name);

async function probeRoles(f: Fixture): Promise<number> {
  return (await f.pg.query("SELECT 1 FROM pg_roles WHERE rolname LIKE 'sk\\_probe\\_%'")).length;
}

describe.each(adminKinds)("testConnection ($kind admin)", ({ kind }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });

  it("passes every check, reports version and superuser, and leaves no probe role behind", async () => {
    const result = await provider.testConnection(f.target);
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["connect", true],
      ["tls", true],
      ["authenticate", true],
      ["create_role", true],
      ["terminate_sessions", true],
      ["drop_role", true],
    ]);
    expect(result.ok).toBe(true);
    expect(result.serverVersion).toMatch(/^\d+\.\d+/);
    expect(result.superuser).toBe(kind === "superuser");
    expect(await probeRoles(f)).toBe(0);
  });

  it("reports a wrong password as an authentication failure, without the password", async () => {
    const result = await provider.testConnection({ ...f.target, adminPassword: "not-the-password-123" });
    expect(result.ok).toBe(false);
    expect(check(result, "connect")?.ok).toBe(true);
    expect(check(result, "authenticate")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/password authentication failed/),
    });
    expect(JSON.stringify(result)).not.toContain("not-the-password-123");
  });
});

describe("testConnection: what an admin cannot do, and the fix", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture("superuser");
  });
  const as = (user: string, password: string): TargetConnection => ({
    ...f.target,
    adminUser: user,
    adminPassword: password,
  });

  it("a port nobody listens on: connect fails, nothing else is claimed", async () => {
    const server = createServer();
    const port = await new Promise<number>((r) =>
      server.listen(0, "127.0.0.1", () => r((server.address() as { port: number }).port)),
    );
    await new Promise((r) => server.close(r));
    const result = await provider.testConnection({ ...f.target, port });
    expect(result).toEqual({
      ok: false,
      checks: [{ name: "connect", ok: false, message: expect.stringMatching(/connection refused/) }],
    });
  });

  it("a database that does not exist", async () => {
    const result = await provider.testConnection({ ...f.target, database: "no_such_db" });
    expect(check(result, "connect")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/"no_such_db" does not exist/),
      fix: 'CREATE DATABASE "no_such_db";',
    });
  });

  it("a plain LOGIN role cannot create logins: CREATEROLE is the fix, and the probe left nothing", async () => {
    await f.pg.query(`CREATE ROLE plain_${process.pid} LOGIN PASSWORD 'plain-pass-123'`);
    const result = await provider.testConnection(as(`plain_${process.pid}`, "plain-pass-123"));
    expect(result.ok).toBe(false);
    expect(check(result, "authenticate")?.ok).toBe(true);
    expect(check(result, "create_role")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/permission denied to create role/),
      fix: `ALTER ROLE "plain_${process.pid}" CREATEROLE;`,
    });
    expect(await probeRoles(f)).toBe(0);
  });

  it("a CREATEROLE admin without pg_signal_backend still passes (revocation makes it a member of the login)", async () => {
    const admin = await f.pg.createCreateroleAdmin({ database: f.database });
    const result = await provider.testConnection(as(admin.user, admin.password));
    expect(check(result, "terminate_sessions")).toMatchObject({
      ok: true,
      message: expect.stringMatching(/member of the login/),
    });
    expect(result.ok).toBe(true);
  });

  it("a NOINHERIT CREATEROLE admin (PostgreSQL 15) cannot end sessions nor reassign: INHERIT is the fix", async () => {
    const admin = await f.pg.createCreateroleAdmin({ database: f.database });
    await f.pg.query(`ALTER ROLE "${admin.user}" NOINHERIT`);
    await f.pg.query(`GRANT pg_signal_backend TO "${admin.user}"`); // useless without INHERIT: the check must see that
    const [{ v }] = (await f.pg.query("SELECT current_setting('server_version_num')::int AS v")) as [
      { v: number },
    ];
    const result = await provider.testConnection(as(admin.user, admin.password));
    if (v >= 160000) return expect(result.ok).toBe(true); // 16+: the grant's own INHERIT option applies
    expect(result.ok).toBe(false);
    expect(check(result, "create_role")?.ok).toBe(true);
    const fix = `ALTER ROLE "${admin.user}" INHERIT;`;
    expect(check(result, "terminate_sessions")).toMatchObject({ ok: false, fix });
    expect(check(result, "drop_role")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/permission denied to reassign objects/),
      fix,
    });
    expect(await probeRoles(f)).toBe(0);
  });

  it("TLS verify-full against a server without TLS fails on the tls check, and a mint says TLS too", async () => {
    const target: TargetConnection = {
      ...f.target,
      tlsMode: "verify-full",
      caPem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    };
    const result = await provider.testConnection(target);
    expect(result.ok).toBe(false);
    expect(check(result, "tls")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/does not accept TLS/),
    });
    const err = await provider.create(target, f.spec()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(/TLS/);
    expect((err as ProviderError).retryable).toBe(false);
  });

  it("never writes the admin password into the server log", async () => {
    await provider.testConnection(f.target);
    expect(readFileSync(f.pg.logPath, "utf8")).not.toContain(f.target.adminPassword);
  });
});
