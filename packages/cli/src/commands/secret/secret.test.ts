import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, problem, startFakeServer } from "../../testing/fake-server.js";
import {
  connectionFailing,
  connectionOk,
  leasedSecret,
  list,
  structuredSecret,
} from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (args: string[], stdin?: string, env: Record<string, string> = {}) =>
  runCli(args, { env: { ...operatorEnv(server), ...env }, ...(stdin !== undefined && { stdin }) });

const revealed = {
  ...structuredSecret,
  fieldNames: ["STRIPE_KEY", "OLD"],
  fields: { STRIPE_KEY: "a", OLD: "b" },
};

describe("secret list / get / delete", () => {
  it("list passes the filters as query parameters", async () => {
    server.on("GET", "/v1/admin/secrets", { body: list([structuredSecret, leasedSecret]) });
    const r = await cli([
      "secret",
      "list",
      "--vault",
      "prod",
      "--project",
      "api",
      "--kind",
      "leased",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    expect(server.last()!.query).toEqual({ vault: "prod", project: "api", kind: "leased" });
  });

  it("list prints field names and leased targets, never values", async () => {
    server.on("GET", "/v1/admin/secrets", { body: list([structuredSecret, leasedSecret]) });
    const r = await cli(["secret", "list"]);
    expect(r.stdout).toMatch(/sk_api_keys\s+structured\s+api/);
    expect(r.stdout).toContain("127.0.0.1:5432/app");
  });

  it("get --reveal asks for values and prints them", async () => {
    server.on("GET", "/v1/admin/secrets/sk_api_keys", { body: revealed });
    const r = await cli(["secret", "get", "sk_api_keys", "--reveal"]);
    expect(r.code).toBe(0);
    expect(server.last()!.query).toEqual({ reveal: "true" });
    expect(r.stdout).toContain("STRIPE_KEY=a");
  });

  it("get without --reveal does not ask for values", async () => {
    server.on("GET", "/v1/admin/secrets/sk_db_prod", { body: leasedSecret });
    const r = await cli(["secret", "get", "sk_db_prod", "--json"]);
    expect(server.last()!.query).toEqual({});
    expect(JSON.parse(r.stdout)).toEqual(leasedSecret);
  });

  it("get of an unknown secret is exit 4", async () => {
    server.on("GET", "/v1/admin/secrets/nope", problem(404, "SECRET_NOT_FOUND", "secret not found"));
    expect((await cli(["secret", "get", "nope"])).code).toBe(4);
  });

  it("delete reports revoked leases", async () => {
    server.on("DELETE", "/v1/admin/secrets/sk_db_prod", {
      body: { id: "sk_db_prod", trashed: true, revokedLeases: 3 },
    });
    const r = await cli(["secret", "delete", "sk_db_prod"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 lease(s) revoked");
    expect(r.stdout).toContain("sikkerkey trash restore sk_db_prod");
  });
});

describe("secret update", () => {
  it("merges --field into the current fields and removes --remove-field", async () => {
    server.on("GET", "/v1/admin/secrets/sk_api_keys", { body: revealed });
    server.on("PATCH", "/v1/admin/secrets/sk_api_keys", { body: structuredSecret });
    const r = await cli(["secret", "update", "sk_api_keys", "--field", "NEW=n", "--remove-field", "OLD"]);
    expect(r.code).toBe(0);
    expect(server.last("PATCH")!.body).toEqual({ fields: { STRIPE_KEY: "a", NEW: "n" } });
  });

  it("--replace-fields sends exactly the given fields without reading", async () => {
    server.on("PATCH", "/v1/admin/secrets/sk_api_keys", { body: structuredSecret });
    const r = await cli([
      "secret",
      "update",
      "sk_api_keys",
      "--field",
      "ONLY=x",
      "--replace-fields",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => q.method)).toEqual(["PATCH"]);
    expect(server.last("PATCH")!.body).toEqual({ fields: { ONLY: "x" } });
  });

  it("sends only the leased flags given, as a patch", async () => {
    server.on("PATCH", "/v1/admin/secrets/sk_db_prod", { body: leasedSecret });
    const r = await cli(
      [
        "secret",
        "update",
        "sk_db_prod",
        "--lifetime",
        "10m",
        "--no-renew-on-read",
        "--charset",
        "symbols",
        "--admin-password-stdin",
      ],
      "new-admin-pw\n",
    );
    expect(r.code).toBe(0);
    expect(server.last("PATCH")!.body).toEqual({
      leased: {
        connection: { adminPassword: "new-admin-pw" },
        shape: { charset: "symbols" },
        policy: { lifetimeSeconds: 600, renewOnRead: false },
      },
    });
    expect(r.stdout + r.stderr).not.toContain("new-admin-pw");
  });

  it("refuses nothing to do, mixed kinds, and bad durations", async () => {
    expect((await cli(["secret", "update", "sk_x"])).stderr).toContain("nothing to change");
    expect((await cli(["secret", "update", "sk_x", "--field", "A=1", "--lifetime", "5m"])).code).toBe(2);
    const bad = await cli(["secret", "update", "sk_x", "--renew-window", "1 minute"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Expected a duration");
    expect(server.requests).toHaveLength(0);
  });

  it("the --no-… forms of optional values send null, which clears them", async () => {
    server.on("PATCH", "/v1/admin/secrets/sk_db_prod", { body: leasedSecret });
    const r = await cli(
      [
        "secret",
        "update",
        "sk_db_prod",
        "--no-hard-max",
        "--no-max-logins",
        "--no-renew-window",
        "--no-ca-file",
        "--admin-password-stdin",
      ],
      "admin-pw",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(server.last("PATCH")!.body).toEqual({
      leased: {
        connection: { adminPassword: "admin-pw", caPem: null },
        policy: { renewWindowSeconds: null, hardMaxSeconds: null, maxLogins: null },
      },
    });
  });

  it.each([
    [["--hard-max", "1h", "--no-hard-max"], /'--no-hard-max' cannot be used with option '--hard-max/],
    [["--no-hard-max", "--hard-max", "1h"], /'--no-hard-max' cannot be used with option '--hard-max/],
    [["--max-logins", "5", "--no-max-logins"], /'--no-max-logins' cannot be used with option '--max-logins/],
    [["--no-renew-window", "--renew-window", "1m"], /'--no-renew-window' cannot be used/],
    [["--ca-file", "ca.pem", "--no-ca-file"], /'--no-ca-file' cannot be used with option '--ca-file/],
  ])("refuses %j (a value and its clearing) as a usage error", async (extra, message) => {
    const r = await cli(["secret", "update", "sk_db_prod", ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a connection change without the admin password, naming the flags", async () => {
    const r = await cli(["secret", "update", "sk_db_prod", "--host", "db2.internal", "--tls", "require"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("changing --host, --tls needs the admin password again");
    expect(r.stderr).toContain("--admin-password-stdin or --admin-password-env VAR");
    const cleared = await cli(["secret", "update", "sk_db_prod", "--no-ca-file"]);
    expect(cleared.code).toBe(2);
    expect(cleared.stderr).toContain("changing --no-ca-file needs the admin password again");
    expect(server.requests).toHaveLength(0);
  });

  it("sends a connection change with the admin password", async () => {
    server.on("PATCH", "/v1/admin/secrets/sk_db_prod", { body: leasedSecret });
    const r = await cli(
      ["secret", "update", "sk_db_prod", "--host", "db2.internal", "--admin-password-env", "PGPW"],
      undefined,
      { PGPW: "env-admin-pw" },
    );
    expect(r.code).toBe(0);
    expect(server.last("PATCH")!.body).toEqual({
      leased: { connection: { host: "db2.internal", adminPassword: "env-admin-pw" } },
    });
  });

  it("names the flags, not the API paths, when the server refuses the merged configuration", async () => {
    server.on(
      "PATCH",
      "/v1/admin/secrets/sk_db_prod",
      problem(400, "INVALID_LEASE_POLICY", "the changed configuration is not valid", {
        errors: [
          { path: "leased.policy.renewWindowSeconds", message: "the renew window must be shorter" },
          { path: "leased.connection.adminPassword", message: "give the admin password again" },
          { path: "leased.provider", message: "unknown provider" },
        ],
      }),
    );
    const r = await cli(["secret", "update", "sk_db_prod", "--lifetime", "1m"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(
      "error: the changed configuration is not valid: --renew-window: the renew window must be shorter; " +
        "--admin-password-stdin: give the admin password again; leased.provider: unknown provider " +
        "(INVALID_LEASE_POLICY, request req_test)\n",
    );
  });

  it("leaves the paths of a structured secret's refusal as they are", async () => {
    server.on(
      "PATCH",
      "/v1/admin/secrets/sk_api_keys",
      problem(400, "VALIDATION_FAILED", "the request is not valid", {
        errors: [{ path: "fields.A", message: "too long" }],
      }),
    );
    const r = await cli(["secret", "update", "sk_api_keys", "--field", "A=1", "--replace-fields"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("the request is not valid: fields.A: too long");
  });

  it("--remove-field of a field that does not exist is a usage error", async () => {
    server.on("GET", "/v1/admin/secrets/sk_api_keys", { body: revealed });
    const r = await cli(["secret", "update", "sk_api_keys", "--remove-field", "MISSING"]);
    expect(r.code).toBe(2);
    expect(server.requests.map((q) => q.method)).toEqual(["GET"]);
  });
});

describe("secret test-connection", () => {
  it("with an id posts to the secret and exits 0 when ok", async () => {
    server.on("POST", "/v1/admin/secrets/sk_db_prod/test-connection", { body: connectionOk });
    const r = await cli(["secret", "test-connection", "sk_db_prod", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(connectionOk);
  });

  it("prints ✗ with the fix and exits 7 when a check fails", async () => {
    server.on("POST", "/v1/admin/secrets/sk_db_prod/test-connection", { body: connectionFailing });
    const r = await cli(["secret", "test-connection", "sk_db_prod"]);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain("✓ connect: connected");
    expect(r.stdout).toContain("✗ terminate sessions: cannot terminate sessions of its logins");
    expect(r.stdout).toContain("    fix: GRANT pg_signal_backend TO admin;");
    const json = await cli(["secret", "test-connection", "sk_db_prod", "--json"]);
    expect(json.code).toBe(7);
    expect(JSON.parse(json.stdout).ok).toBe(false);
  });

  it("without an id posts the connection flags, password from stdin", async () => {
    server.on("POST", "/v1/admin/test-connection", { body: connectionOk });
    const r = await cli(
      [
        "secret",
        "test-connection",
        "--host",
        "db.internal",
        "--port",
        "6432",
        "--database",
        "app",
        "--admin-user",
        "admin",
        "--admin-password-stdin",
        "--tls",
        "require",
      ],
      "pw-from-stdin",
    );
    expect(r.code).toBe(0);
    expect(server.last()!.body).toEqual({
      host: "db.internal",
      port: 6432,
      database: "app",
      adminUser: "admin",
      adminPassword: "pw-from-stdin",
      tlsMode: "require",
    });
    expect(r.stdout).not.toContain("pw-from-stdin");
  });

  it("refuses an id together with connection flags, and flags without a password", async () => {
    expect((await cli(["secret", "test-connection", "sk_db_prod", "--host", "h"])).code).toBe(2);
    const noPw = await cli([
      "secret",
      "test-connection",
      "--host",
      "h",
      "--database",
      "d",
      "--admin-user",
      "u",
    ]);
    expect(noPw.code).toBe(2);
    expect(noPw.stderr).toContain("admin password");
    expect(server.requests).toHaveLength(0);
  });
});
