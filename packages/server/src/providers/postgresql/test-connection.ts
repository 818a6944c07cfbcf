import type { ConnectionCheck, ConnectionTestResult } from "@sikkerkey/protocol";
import postgres from "postgres";
import type { TargetConnection } from "../provider.js";
import { type Failure, readFailure } from "./errors.js";
import { clientOptions, targetAddress } from "./pool.js";
import { probeRights, readFacts } from "./probe.js";
import { quoteIdent } from "./quote.js";
import { serverAcceptsTls } from "./ssl-request.js";

const CONNECT_TIMEOUT_S = 5;

function tlsCheck(target: TargetConnection): ConnectionCheck {
  const message = {
    // SCRAM keeps the admin password itself off the wire, but without TLS anyone on the path can
    // read the session and, relaying the login, take it over.
    disable:
      "not used (tlsMode disable): the session is neither encrypted nor authenticated; use this only on a trusted network",
    require: target.caPem
      ? "encrypted; the certificate chain was verified against the given CA (the host name is not checked)"
      : "encrypted, but the certificate is not verified (tlsMode require): give a CA to verify it",
    "verify-full": `encrypted; the certificate was verified against the CA and names ${target.host}`,
  }[target.tlsMode];
  return { name: "tls", ok: true, message };
}

/** The checks a failed login says something about. */
function loginFailure(f: Failure, target: TargetConnection): ConnectionCheck[] {
  const where = targetAddress(target);
  const reached: ConnectionCheck = {
    name: "connect",
    ok: true,
    message: `reached ${target.host}:${target.port}`,
  };
  if (f.kind === "tls") return [reached, { name: "tls", ok: false, message: `${f.text} (${where})` }];
  if (f.kind !== "postgres")
    return [{ name: "connect", ok: false, message: `cannot connect to ${where}: ${f.text}` }];
  if (f.code === "3D000") {
    return [
      {
        name: "connect",
        ok: false,
        message: `reached ${target.host}:${target.port}, but database "${target.database}" does not exist`,
        fix: `CREATE DATABASE ${quoteIdent(target.database)};`,
      },
    ];
  }
  if (!f.code?.startsWith("28"))
    return [{ name: "connect", ok: false, message: `cannot connect to ${where}: ${f.text}` }];
  const message =
    f.code === "28P01"
      ? `password authentication failed for user "${target.adminUser}": check the admin user and password`
      : f.text;
  return [
    reached,
    ...(target.tlsMode === "disable" ? [] : [tlsCheck(target)]),
    { name: "authenticate", ok: false, message },
  ];
}

/**
 * "Test connection": whether SikkerKey can reach the target, log in, and do everything a mint and
 * a revocation need, each answered by a check (with the statement that fixes it when there is
 * one). Changes nothing in the target, never throws for a failed check, and never repeats the
 * password. Uses a connection of its own, so a bad candidate configuration never enters a pool.
 */
export async function testConnection(target: TargetConnection): Promise<ConnectionTestResult> {
  const checks: ConnectionCheck[] = [];
  const finish = (serverVersion?: string, superuser?: boolean): ConnectionTestResult => ({
    ok: checks.every((c) => c.ok),
    ...(serverVersion ? { serverVersion } : {}),
    ...(superuser === undefined ? {} : { superuser }),
    checks,
  });
  if (target.tlsMode !== "disable") {
    try {
      if (!(await serverAcceptsTls(target.host, target.port, CONNECT_TIMEOUT_S * 1000))) {
        checks.push(
          { name: "connect", ok: true, message: `reached ${target.host}:${target.port}` },
          {
            name: "tls",
            ok: false,
            message: `the server does not accept TLS connections (ssl is off in its configuration), and tlsMode is ${target.tlsMode}`,
          },
        );
        return finish();
      }
    } catch (err) {
      checks.push(...loginFailure(readFailure(err), target));
      return finish();
    }
  }
  const sql = postgres(clientOptions(target, { max: 1, connectTimeoutSeconds: CONNECT_TIMEOUT_S }));
  try {
    let facts: Awaited<ReturnType<typeof readFacts>>[number] | undefined;
    try {
      [facts] = await readFacts(sql);
    } catch (err) {
      checks.push(...loginFailure(readFailure(err), target));
      return finish();
    }
    if (!facts) throw new Error("the admin role is missing from pg_roles");
    checks.push(
      { name: "connect", ok: true, message: `reached ${target.host}:${target.port}` },
      tlsCheck(target),
      {
        name: "authenticate",
        ok: true,
        message: `logged in as "${facts.admin}"${facts.superuser ? " (superuser)" : ""}`,
      },
    );
    try {
      checks.push(...(await probeRights(sql, facts)));
    } catch (err) {
      checks.push({
        name: "create_role",
        ok: false,
        message: `the probe could not run: ${readFailure(err).text}`,
      });
    }
    return finish(facts.version, facts.superuser);
  } catch (err) {
    checks.push({
      name: "connect",
      ok: false,
      message: `cannot connect to ${targetAddress(target)}: ${readFailure(err).text}`,
    });
    return finish();
  } finally {
    await sql.end({ timeout: 2 });
  }
}
