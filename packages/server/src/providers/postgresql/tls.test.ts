import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionTestResult } from "@sikkerkey/protocol";
import { type PgCluster, startPostgres } from "@sikkerkey/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePassword } from "../password.js";
import { ProviderError, type TargetConnection } from "../provider.js";
import { createPostgresProvider } from "./index.js";
import { loginName } from "./login-name.js";
import { adminKinds } from "./testing.js";

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"]);
    return true;
  } catch {
    return false;
  }
})();

// CI has openssl (.ci/run installs it with postgresql-15): there a missing one fails the suite.
// Elsewhere the suite is skipped, and says why.
const inCi = !["", "0", "false"].includes(process.env["CI"] ?? "");
if (!hasOpenssl && !inCi) console.warn("tls.test.ts: skipped, `openssl` is not on PATH (CI fails instead)");

const tls = (r: ConnectionTestResult) => r.checks.find((c) => c.name === "tls");

// A cluster of its own: the shared one must stay TLS-less for the "server without TLS" case, and
// this one's certificate is swapped half-way (ALTER SYSTEM + reload).
describe.skipIf(!hasOpenssl && !inCi)("TLS to the target (own cluster, certificates from openssl)", () => {
  let pg: PgCluster;
  let dir: string;
  const pem = (name: string) => readFileSync(join(dir, name), "utf8");
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

  function makeCa(name: string) {
    openssl(
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-subj",
      `/CN=sikkerkey test ${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign",
    );
  }
  function makeServerCert(name: string, san: string) {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
    openssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      "/CN=db",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca_a.crt",
      "-CAkey",
      "ca_a.key",
      "-CAcreateserial",
      "-days",
      "1",
      "-out",
      `${name}.crt`,
      "-extfile",
      `${name}.ext`,
    );
  }
  async function serve(name: string) {
    await pg.query(`ALTER SYSTEM SET ssl_cert_file = '${join(dir, `${name}.crt`)}'`);
    await pg.query(`ALTER SYSTEM SET ssl_key_file = '${join(dir, `${name}.key`)}'`);
    await pg.query("ALTER SYSTEM SET ssl = on");
    await pg.query("SELECT pg_reload_conf()");
    // The postmaster rereads its files asynchronously; a new backend shows when it has.
    for (let i = 0; i < 100; i++) {
      const [row] = await pg.query(
        "SELECT current_setting('ssl_cert_file') AS f, current_setting('ssl') AS s",
      );
      if (row!.s === "on" && String(row!.f).endsWith(`${name}.crt`)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the server did not take the new certificate");
  }

  beforeAll(async () => {
    if (!hasOpenssl)
      throw new Error("`openssl` is not on PATH: CI must have it (.ci/run installs postgresql-15)");
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), "sk-tls-"));
    makeCa("ca_a");
    makeCa("ca_b");
    makeServerCert("ip", "IP:127.0.0.1");
    makeServerCert("dns", "DNS:db.invalid");
    // The server may run as the postgres OS user: it must reach the dir and own the keys (0600).
    const [row] = await pg.query("SELECT current_setting('data_directory') AS d");
    const { uid, gid } = statSync(String(row!.d));
    chmodSync(dir, 0o755);
    for (const key of ["ip.key", "dns.key"]) {
      chownSync(join(dir, key), uid, gid);
      chmodSync(join(dir, key), 0o600);
    }
  });
  afterAll(async () => {
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.each(adminKinds)("$kind admin", ({ kind }) => {
    const provider = createPostgresProvider();
    let base: TargetConnection;
    beforeAll(async () => {
      // The last test serves another certificate: each admin kind starts from the right one.
      await serve("ip");
      const admin = kind === "superuser" ? pg.superuser : await pg.createCreateroleAdmin();
      base = {
        host: pg.host,
        port: pg.port,
        database: "postgres",
        adminUser: admin.user,
        adminPassword: admin.password,
        tlsMode: "verify-full",
      };
    });
    afterAll(() => provider.close());

    it("verify-full with the right CA: passes, and mints over an encrypted connection", async () => {
      const target = { ...base, caPem: pem("ca_a.crt") };
      const result = await provider.testConnection(target);
      expect(result.ok).toBe(true);
      expect(tls(result)?.message).toMatch(/verified against the CA and names 127\.0\.0\.1/);
      const login = loginName("sk_tls", "m1");
      await provider.create(target, {
        login,
        password: generatePassword(24, "alphanumeric"),
        validUntil: null,
        grants: "",
        tag: { installId: "i", leaseId: "l", secretId: "s", machineId: "m" },
      });
      const [row] = await pg.query(
        "SELECT bool_and(s.ssl) AS ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'sikkerkey' AND a.usename = $1",
        [base.adminUser],
      );
      expect(row!.ssl).toBe(true);
      expect((await provider.revoke(target, login)).existed).toBe(true);
    });

    it("verify-full with another CA: refused on the tls check, and a mint fails, not retryably", async () => {
      const target = { ...base, caPem: pem("ca_b.crt") };
      const result = await provider.testConnection(target);
      expect(result.ok).toBe(false);
      expect(tls(result)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/TLS handshake failed: .*certificate/),
      });
      const err = await provider
        .create(target, {
          login: loginName("sk_tls", "m2"),
          password: "Abcdefgh12345678",
          validUntil: null,
          grants: "",
          tag: { installId: "i", leaseId: "l", secretId: "s", machineId: "m" },
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).retryable).toBe(false);
      expect((err as ProviderError).message).toMatch(/TLS handshake failed/);
    });

    it("require without a CA encrypts without verifying, and says so", async () => {
      const result = await provider.testConnection({ ...base, tlsMode: "require", caPem: null });
      expect(result.ok).toBe(true);
      expect(tls(result)?.message).toMatch(/not verified/);
    });

    it("a certificate for another host: verify-full refuses it; require with the CA accepts (chain only)", async () => {
      await serve("dns");
      const withCa = { ...base, caPem: pem("ca_a.crt") };
      const full = await provider.testConnection(withCa);
      expect(tls(full)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/does not match certificate/),
      });
      const chainOnly = await provider.testConnection({ ...withCa, tlsMode: "require" });
      expect(chainOnly.ok).toBe(true);
      expect(tls(chainOnly)?.message).toMatch(/host name is not checked/);
    });
  });
});
