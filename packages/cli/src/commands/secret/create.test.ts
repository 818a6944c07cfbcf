import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, problem, startFakeServer } from "../../testing/fake-server.js";
import { leasedSecret, structuredSecret } from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { type RunOptions, runCli } from "../../testing/run-cli.js";

let server: FakeServer;
let dir: string;
beforeAll(async () => {
  server = await startFakeServer();
  dir = await mkdtemp(join(tmpdir(), "sikkerkey-cli-secret-"));
  await writeFile(join(dir, "grants.sql"), "GRANT app_rw TO {{name}};\n");
  await writeFile(join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  await writeFile(join(dir, "key.pem"), "-----BEGIN KEY-----\nabc\n");
  await writeFile(join(dir, "fields.json"), JSON.stringify({ A: "from-file", B: "b" }));
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.on("POST", "/v1/admin/secrets", (req) => ({
    status: 201,
    body: (req.body as { kind: string }).kind === "leased" ? leasedSecret : structuredSecret,
  }));
});

const cli = (args: string[], options: Omit<RunOptions, "env"> & { env?: Record<string, string> } = {}) =>
  runCli(args, { ...options, env: { ...operatorEnv(server), ...options.env } });
const sent = () => server.last("POST", "/v1/admin/secrets")!.body as Record<string, unknown>;

describe("secret create (structured)", () => {
  it("sends the transcript's request and prints the secret as JSON", async () => {
    const r = await cli([
      "secret",
      "create",
      "sk_api_keys",
      "--vault",
      "prod",
      "--project",
      "api",
      "--field",
      "STRIPE_KEY=sk_test_123",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(structuredSecret);
    expect(sent()).toEqual({
      id: "sk_api_keys",
      kind: "structured",
      vault: "prod",
      project: "api",
      fields: { STRIPE_KEY: "sk_test_123" },
    });
  });

  it("keeps '=' inside values, reads NAME=@file verbatim and NAME=@- from stdin, and lets --field win over --fields-file", async () => {
    const r = await cli(
      [
        "secret",
        "create",
        "sk_x",
        "--vault",
        "prod",
        "--project",
        "api",
        "--fields-file",
        join(dir, "fields.json"),
        "--field",
        "A=x=y",
        "--field",
        `KEY=@${join(dir, "key.pem")}`,
        "--field",
        "PIPED=@-",
      ],
      { stdin: "from stdin" },
    );
    expect(r.code).toBe(0);
    expect(sent()["fields"]).toEqual({
      A: "x=y",
      B: "b",
      KEY: "-----BEGIN KEY-----\nabc\n",
      PIPED: "from stdin",
    });
    expect(r.stdout).not.toContain("x=y");
  });

  it.each([
    [["--field", "NOEQUALS"], /--field expects NAME=VALUE/],
    [["--field", "1BAD=v"], /"1BAD" is not a field name/],
    [["--field", "A=1", "--field", "A=2"], /given more than once/],
    [["--field", "A=@/no/such/file"], /cannot read \/no\/such\/file \(ENOENT\)/],
    [[], /needs at least one --field/],
    [["--field", "A=1", "--host", "db"], /need --type leased/],
  ])("refuses %j as a usage error without calling the server", async (extra, message) => {
    const r = await cli(["secret", "create", "sk_x", "--vault", "prod", "--project", "api", ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a malformed secret id locally", async () => {
    const r = await cli(["secret", "create", "Bad Id", "--vault", "v", "--project", "p", "--field", "A=1"]);
    expect(r.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it("a server conflict is exit 5", async () => {
    server.on("POST", "/v1/admin/secrets", problem(409, "ALREADY_EXISTS", "secret sk_x exists"));
    const r = await cli(["secret", "create", "sk_x", "--vault", "v", "--project", "p", "--field", "A=1"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe("error: secret sk_x exists (ALREADY_EXISTS, request req_test)\n");
  });
});

const ADMIN_PASSWORD = "s3cr3t-Admin-pw!";

function transcript(extra: string[] = []): string[] {
  return [
    "secret",
    "create",
    "sk_db_prod",
    "--vault",
    "prod",
    "--project",
    "api",
    "--type",
    "leased",
    "--host",
    "127.0.0.1",
    "--port",
    "5432",
    "--database",
    "app",
    "--admin-user",
    "admin",
    "--admin-password-stdin",
    "--lifetime",
    "5m",
    "--renew-on-read",
    "--renew-window",
    "1m",
    "--hard-max",
    "1h",
    "--native-expiry",
    "--revoke-on-disable",
    "--password-length",
    "32",
    "--charset",
    "alphanumeric",
    "--grants-file",
    join(dir, "grants.sql"),
    "--json",
    ...extra,
  ];
}

describe("secret create --type leased", () => {
  it("maps the transcript's flags to kind leased with connection, shape and policy", async () => {
    const r = await cli(transcript(), { stdin: ADMIN_PASSWORD });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(leasedSecret);
    expect(sent()).toEqual({
      id: "sk_db_prod",
      kind: "leased",
      vault: "prod",
      project: "api",
      leased: {
        provider: "postgresql",
        connection: {
          host: "127.0.0.1",
          port: 5432,
          database: "app",
          adminUser: "admin",
          adminPassword: ADMIN_PASSWORD,
        },
        shape: { passwordLength: 32, charset: "alphanumeric", grants: "GRANT app_rw TO {{name}};\n" },
        policy: {
          lifetimeSeconds: 300,
          renewOnRead: true,
          renewWindowSeconds: 60,
          hardMaxSeconds: 3600,
          nativeExpiry: true,
          revokeOnDisable: true,
        },
      },
    });
  });

  it("never shows the admin password, even when the server refuses", async () => {
    const ok = await cli(transcript(), { stdin: `${ADMIN_PASSWORD}\n` });
    expect((sent()["leased"] as { connection: { adminPassword: string } }).connection.adminPassword).toBe(
      ADMIN_PASSWORD,
    );
    server.on("POST", "/v1/admin/secrets", problem(400, "VALIDATION_FAILED", "invalid leased configuration"));
    const refused = await cli(transcript(), { stdin: ADMIN_PASSWORD });
    expect(refused.code).toBe(5);
    for (const r of [ok, refused]) {
      expect(r.stdout).not.toContain(ADMIN_PASSWORD);
      expect(r.stderr).not.toContain(ADMIN_PASSWORD);
    }
  });

  it("--admin-password-env reads the named variable", async () => {
    const args = transcript().filter((a) => a !== "--admin-password-stdin");
    const r = await cli([...args, "--admin-password-env", "PGADMIN_PW"], {
      env: { PGADMIN_PW: ADMIN_PASSWORD },
    });
    expect(r.code).toBe(0);
    expect((sent()["leased"] as { connection: { adminPassword: string } }).connection.adminPassword).toBe(
      ADMIN_PASSWORD,
    );
  });

  it("refuses the password as a plain flag value without echoing it", async () => {
    const args = transcript().filter((a) => a !== "--admin-password-stdin");
    const r = await cli([...args, "--admin-password", ADMIN_PASSWORD]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("never taken as a flag value");
    expect(r.stderr).not.toContain(ADMIN_PASSWORD);
    expect(server.requests).toHaveLength(0);
  });

  it("sends the --no- forms, mint fresh, max logins, TLS and the CA file", async () => {
    const r = await cli(
      [
        "secret",
        "create",
        "sk_db",
        "--vault",
        "prod",
        "--project",
        "api",
        "--type",
        "leased",
        "--host",
        "db",
        "--database",
        "app",
        "--admin-user",
        "admin",
        "--admin-password-stdin",
        "--lifetime",
        "90s",
        "--no-renew-on-read",
        "--no-native-expiry",
        "--no-revoke-on-disable",
        "--mint-fresh",
        "--max-logins",
        "50",
        "--tls",
        "verify-full",
        "--ca-file",
        join(dir, "ca.pem"),
      ],
      { stdin: ADMIN_PASSWORD },
    );
    expect(r.code).toBe(0);
    const leased = sent()["leased"] as Record<string, Record<string, unknown>>;
    expect(leased["connection"]).toMatchObject({
      tlsMode: "verify-full",
      caPem: expect.stringContaining("BEGIN"),
    });
    expect(leased["connection"]).not.toHaveProperty("port");
    expect(leased).not.toHaveProperty("shape");
    expect(leased["policy"]).toEqual({
      lifetimeSeconds: 90,
      renewOnRead: false,
      nativeExpiry: false,
      revokeOnDisable: false,
      mintFresh: true,
      maxLogins: 50,
    });
  });

  it.each([
    [["--lifetime", "5x"], /--lifetime <duration>.*'5x' is invalid.*60s, 5m, 1h or 7d/],
    [["--renew-window", "soon"], /--renew-window <duration>.*invalid/],
    [["--hard-max", "-1h"], /--hard-max/],
    [["--lifetime", "30s"], /--lifetime: credential lifetime must be at least 60 seconds/],
    [["--hard-max", "1m"], /--hard-max: the hard maximum cannot be shorter/],
    [["--renew-window", "10m"], /--renew-window: the renew window must be shorter/],
    [["--mint-fresh"], /--mint-fresh: .*cannot renew/],
    [["--port", "70000"], /--port.*from 1 to 65535/],
    [["--charset", "emoji"], /--charset.*Allowed choices/],
    [["--tls", "verify-full"], /--ca-file: tlsMode verify-full needs a CA/],
    [["--field", "A=1"], /--field and --fields-file are for structured secrets/],
    [["--no-max-logins"], /--no-max-logins is for secret update.*unless --max-logins is given/],
    [["--no-ca-file"], /--no-ca-file is for secret update/],
  ])("refuses %j before sending anything", async (extra, message) => {
    const r = await cli([...transcript(), ...extra], { stdin: ADMIN_PASSWORD });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain(ADMIN_PASSWORD);
    expect(server.requests).toHaveLength(0);
  });

  it("does not offer the --no-… flags that clear a value (they are for secret update)", async () => {
    const create = await cli(["secret", "create", "--help"]);
    expect(create.stdout).toContain("--hard-max <duration>");
    expect(create.stdout).not.toMatch(/--no-(hard-max|max-logins|renew-window|ca-file)/);
    const update = await cli(["secret", "update", "--help"]);
    expect(update.stdout).toMatch(/--no-hard-max[\s\S]*--no-max-logins/);
  });

  it("names the flag when the server refuses a path of the configuration", async () => {
    server.on(
      "POST",
      "/v1/admin/secrets",
      problem(400, "VALIDATION_FAILED", "the request is not valid", {
        errors: [{ path: "leased.shape.grants", message: "text may not contain U+0000" }],
      }),
    );
    const r = await cli(transcript(), { stdin: ADMIN_PASSWORD });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("the request is not valid: --grants-file: text may not contain U+0000");
  });

  it("names the missing connection flags and the missing password source", async () => {
    const base = ["secret", "create", "sk_db", "--vault", "v", "--project", "p", "--type", "leased"];
    const missing = await cli([...base, "--lifetime", "5m"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("needs --host, --database, --admin-user");
    const noPassword = await cli([
      ...base,
      "--lifetime",
      "5m",
      "--host",
      "h",
      "--database",
      "d",
      "--admin-user",
      "u",
    ]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain("--admin-password-stdin or --admin-password-env");
    const noLifetime = await cli([...base, "--host", "h"]);
    expect(noLifetime.stderr).toContain("needs --lifetime");
  });

  it("an empty stdin or an unset variable is a usage error", async () => {
    const empty = await cli(transcript(), { stdin: "" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("standard input was empty");
    const args = transcript().filter((a) => a !== "--admin-password-stdin");
    const unset = await cli([...args, "--admin-password-env", "NOPE_NOT_SET"]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("NOPE_NOT_SET is not set");
  });

  it("prints a summary without --json", async () => {
    const r = await cli(
      transcript().filter((a) => a !== "--json"),
      { stdin: ADMIN_PASSWORD },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Created leased secret sk_db_prod in prod/api.");
    expect(r.stdout).toContain("admin@127.0.0.1:5432/app");
    expect(r.stdout).toContain("5m, renewed on read in the last 1m, hard max 1h");
  });
});
