import type { PgHandle } from "@sikkerkey/testkit";
import postgres from "postgres";
import type { FaultServer } from "./fault-server.js";

/** The two admin kinds the product supports. */
export type AdminKind = "createrole" | "superuser";

/** A target database with a table to grant on and an admin: CREATEROLE (not superuser) unless asked. */
export interface Target {
  pg: PgHandle;
  database: string;
  admin: { user: string; password: string };
}

export async function createTarget(pg: PgHandle, kind: AdminKind = "createrole"): Promise<Target> {
  const database = await pg.createDatabase();
  await pg.query("create table orders (id int primary key)", [], { database });
  await pg.query("insert into orders values (1), (2), (3)", [], { database });
  if (kind === "superuser") {
    return { pg, database, admin: { user: pg.superuser.user, password: pg.superuser.password } };
  }
  const admin = await pg.createCreateroleAdmin({ database });
  await pg.query(`grant select on orders to "${admin.user}" with grant option`, [], { database });
  return { pg, database, admin: { user: admin.user, password: admin.password } };
}

/**
 * Creates a leased secret on `target` through the operator API. Each login gets SELECT on
 * `orders`, so every mint runs a GRANT on one shared object (the `tuple concurrently updated` case).
 */
export async function createLeasedSecret(
  server: FaultServer,
  target: Target,
  opts: { id: string; vault: string; project: string; policy: Record<string, unknown> },
): Promise<void> {
  await server.api("POST", "/v1/admin/secrets", {
    kind: "leased",
    id: opts.id,
    vault: opts.vault,
    project: opts.project,
    leased: {
      connection: {
        host: target.pg.host,
        port: target.pg.port,
        database: target.database,
        adminUser: target.admin.user,
        adminPassword: target.admin.password,
      },
      shape: { passwordLength: 32, charset: "alphanumeric", grants: "GRANT SELECT ON orders TO {{name}};" },
      policy: opts.policy,
    },
  });
}

/** host/port/database/username/password as a machine received them. */
export interface Creds {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

/**
 * Logs in with a real password client and reads the granted table: "ok", or the SQLSTATE /
 * error code of the refusal (28P01 for a wrong, expired or dropped login).
 */
export async function tryLogin(c: Creds): Promise<string> {
  const sql = postgres({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.username,
    password: c.password,
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
  });
  try {
    await sql`select count(*) from orders`;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** A role in the target carrying a SikkerKey tag in its comment. */
export interface ManagedRole {
  login: string;
  leaseId: string;
  secretId: string;
  canLogin: boolean;
  validUntil: Date | null;
}

/**
 * Every role whose comment tags it as minted for one of `secretIds` (roles are cluster-wide, and
 * other test files' installs share the cluster: the secret ids, random per test, tell ours apart).
 */
export async function managedRoles(pg: PgHandle, secretIds: string[]): Promise<ManagedRole[]> {
  const rows = await pg.query<{
    login: string;
    canLogin: boolean;
    validUntil: Date | null;
    comment: string;
  }>(
    `select rolname as login, rolcanlogin as "canLogin", rolvaliduntil as "validUntil",
            shobj_description(oid, 'pg_authid') as comment
     from pg_roles where starts_with(shobj_description(oid, 'pg_authid'), 'sikkerkey:v1 ')`,
  );
  const wanted = new Set(secretIds);
  return rows.flatMap((row) => {
    const fields = new Map(
      row.comment
        .split(" ")
        .slice(1)
        .map((pair) => {
          const eq = pair.indexOf("=");
          return [pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1))] as const;
        }),
    );
    const secretId = fields.get("secret") ?? "";
    if (!wanted.has(secretId)) return [];
    return [
      {
        login: row.login,
        leaseId: fields.get("lease") ?? "",
        secretId,
        canLogin: row.canLogin,
        validUntil: row.validUntil ? new Date(row.validUntil) : null,
      },
    ];
  });
}

export interface LeaseView {
  id: string;
  secretId: string;
  machineName?: string;
  login: string;
  state: "minting" | "active" | "revoking" | "revoked" | "failed" | "abandoned";
  expiresAt: string;
  revokeReason: string | null;
  attempts: number;
  lastError: string | null;
}

export async function leasesOf(server: FaultServer, secretIds: string[]): Promise<LeaseView[]> {
  const all: LeaseView[] = [];
  for (const id of secretIds) all.push(...(await server.listAll<LeaseView>(`/v1/admin/leases?secret=${id}`)));
  return all;
}

/** Where the store and the target disagree. Empty lists mean they agree. */
export interface Drift {
  /** Managed roles whose lease is not live (or not in the store at all). */
  orphanRoles: string[];
  /** Active leases with no role behind them. */
  leasesWithoutRole: string[];
  /** Leases still between states (minting, revoking). */
  unsettled: string[];
  byState: Record<string, number>;
  roles: number;
}

export async function drift(server: FaultServer, target: Target, secretIds: string[]): Promise<Drift> {
  const leases = await leasesOf(server, secretIds);
  const roles = await managedRoles(target.pg, secretIds);
  const byId = new Map(leases.map((l) => [l.id, l]));
  const roleLogins = new Set(roles.map((r) => r.login));
  const byState: Record<string, number> = {};
  for (const l of leases) byState[l.state] = (byState[l.state] ?? 0) + 1;
  return {
    orphanRoles: roles.filter((r) => byId.get(r.leaseId)?.state !== "active").map((r) => r.login),
    leasesWithoutRole: leases
      .filter((l) => l.state === "active" && !roleLogins.has(l.login))
      .map((l) => l.id),
    unsettled: leases.filter((l) => l.state === "minting" || l.state === "revoking").map((l) => l.id),
    byState,
    roles: roles.length,
  };
}

export const agrees = (d: Drift) =>
  d.orphanRoles.length === 0 && d.leasesWithoutRole.length === 0 && d.unsettled.length === 0;

/** Polls `drift` until store and target agree or `timeoutMs` passes; the last drift and the time taken. */
export async function waitForAgreement(
  server: FaultServer,
  target: Target,
  secretIds: string[],
  timeoutMs: number,
): Promise<{ drift: Drift; ms: number }> {
  const started = Date.now();
  for (;;) {
    const d = await drift(server, target, secretIds);
    if (agrees(d) || Date.now() - started > timeoutMs) return { drift: d, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, 250));
  }
}
