import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunResult, runCommand } from "@sikkerkey/testkit";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, deploy, json } from "./support/deployment.js";
import { type Creds, connectAs, refused } from "./support/target-login.js";

// The Python SDK (sdks/python) against a real server and a real PostgreSQL: its unit tests, then
// a machine enrolled by the CLI reading secrets through `import sikkerkey`.
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PYTHONPATH = join(REPO, "sdks", "python");

/** `python3` from PATH, as a user runs it; the SDK comes from this checkout via PYTHONPATH. */
function python(args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  // A machine has no operator token; PYTHONPATH points at this checkout's SDK only.
  return runCommand("python3", args, {
    cwd: REPO,
    env: { SIKKERKEY_TOKEN: undefined, SIKKERKEY_SERVER: undefined, PYTHONPATH, ...env },
  });
}

// What a user's program does: read through the SDK, print JSON; a refusal prints the exception's
// class and fields and exits 3. argv: fields|get <secret id> [home]; without a home the SDK finds
// the identity through $SIKKERKEY_HOME.
const SCRIPT = `
import json, sys
import sikkerkey
what, secret_id = sys.argv[1], sys.argv[2]
sk = sikkerkey.SikkerKey(home=sys.argv[3]) if len(sys.argv) > 3 else sikkerkey.SikkerKey()
try:
    if what == "fields":
        print(json.dumps(sk.get_fields(secret_id)))
    else:
        print(json.dumps(sk.get(secret_id).to_dict()))
except sikkerkey.SikkerKeyError as e:
    print(json.dumps({"error": type(e).__name__, "code": e.code, "status": e.status,
                      "requestId": e.request_id, "retryable": e.is_retryable, "message": str(e)}))
    sys.exit(3)
`;

describe("Python SDK", () => {
  it("passes its unit tests (RFC vectors, problems, retries, identity, no secrets in errors)", async () => {
    const run = await python(["-m", "unittest", "discover", "-s", "sdks/python/tests"]);
    expect(run.code, run.stderr).toBe(0);
    // unittest reports on stderr; an empty discovery must not pass as success.
    const ran = Number(/Ran (\d+) tests?/.exec(run.stderr)?.[1] ?? 0);
    expect(ran).toBeGreaterThanOrEqual(50);
    expect(run.stderr).toMatch(/\nOK\b/);
  });

  describe("against a real server and PostgreSQL", () => {
    const pg = pgFromInject();
    let d: Deployment;
    let home: string;
    let database: string;
    const read = (what: "fields" | "get", id: string, viaHome = false) =>
      python(["-c", SCRIPT, what, id, ...(viaHome ? [home] : [])], {
        SIKKERKEY_HOME: viaHome ? undefined : home,
      });

    beforeAll(async () => {
      database = await pg.createDatabase();
      await pg.query("create table orders (id int primary key)", [], { database });
      await pg.query("insert into orders values (1), (2), (3)", [], { database });
      d = await deploy("embedded");
      home = join(d.dir, "m1");
      json(await d.cli(["vault", "create", "prod", "--json"]));
      json(await d.cli(["project", "create", "api", "--vault", "prod", "--json"]));
      const token = json<{ token: string }>(
        await d.cli(["machine", "token", "create", "--vault", "prod", "--auto-approve", "--json"]),
      );
      const enrolled = await d.machine(home, [
        "enroll",
        "--server",
        d.url,
        "--token",
        token.token,
        "--name",
        "m1",
      ]);
      expect(enrolled.code, enrolled.stderr).toBe(0);
      expect((await d.cli(["machine", "grant", "m1", "--vault", "prod", "--project", "api"])).code).toBe(0);
      const grants = join(d.dir, "grants.sql");
      await writeFile(grants, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {{name}};\n");
      const leased = await d.cli(
        [
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
          String(pg.port),
          "--database",
          database,
          "--admin-user",
          pg.superuser.user,
          "--admin-password-stdin",
          "--lifetime",
          "5m",
          "--grants-file",
          grants,
          "--json",
        ],
        { input: pg.superuser.password },
      );
      expect(leased.code, leased.stderr).toBe(0);
      json(
        await d.cli([
          "secret",
          "create",
          "sk_api_keys",
          "--vault",
          "prod",
          "--project",
          "api",
          "--field",
          "STRIPE_KEY=sk_test_123",
          "--field",
          "REGION=eu-north-1",
          "--json",
        ]),
      );
    });
    afterAll(async () => {
      await d?.close();
    });

    it("get_fields on a leased secret returns a login PostgreSQL accepts, and only with its password", async () => {
      const run = await read("fields", "sk_db_prod");
      expect(run.code, run.stderr).toBe(0);
      const creds = JSON.parse(run.stdout) as Creds;
      expect(Object.keys(creds).sort()).toEqual(["database", "host", "password", "port", "username"]);
      expect(creds).toMatchObject({ host: "127.0.0.1", port: pg.port, database });
      expect(creds.username).toMatch(/^sk_db_prod__m1__/);
      expect(await connectAs(creds)).toEqual({ me: creds.username, n: 3 });
      expect(await refused({ ...creds, password: `${creds.password}x` })).toBe("28P01");

      // `get` (with the home passed in code) answers the same live login, with its lease.
      const whole = await read("get", "sk_db_prod", true);
      expect(whole.code, whole.stderr).toBe(0);
      const secret = JSON.parse(whole.stdout) as {
        id: string;
        kind: string;
        fields: Creds;
        lease: { expiresAt: string };
      };
      expect(secret).toMatchObject({
        id: "sk_db_prod",
        kind: "leased",
        fields: { username: creds.username },
      });
      expect(Date.parse(secret.lease.expiresAt)).toBeGreaterThan(Date.now());
    });

    it("get on a structured secret returns its fields and no lease", async () => {
      const run = await read("get", "sk_api_keys");
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        id: "sk_api_keys",
        kind: "structured",
        fields: { STRIPE_KEY: "sk_test_123", REGION: "eu-north-1" },
      });
    });

    it("an unknown secret raises NotFoundError with SECRET_NOT_FOUND, not retried", async () => {
      const run = await read("fields", "sk_nope");
      expect(run.code, run.stderr).toBe(3);
      const error = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(error).toMatchObject({
        error: "NotFoundError",
        code: "SECRET_NOT_FOUND",
        status: 404,
        retryable: false,
      });
      expect(error["requestId"]).toMatch(/^req_/);
    });

    it("a machine without an identity gets IdentityError IDENTITY_NOT_FOUND", async () => {
      const run = await python(["-c", SCRIPT, "fields", "sk_api_keys", join(d.dir, "nobody")]);
      expect(run.code, run.stderr).toBe(3);
      expect(JSON.parse(run.stdout)).toMatchObject({
        error: "IdentityError",
        code: "IDENTITY_NOT_FOUND",
        status: 0,
      });
    });

    it("a disabled machine is refused with PermissionDeniedError MACHINE_DISABLED", async () => {
      expect((await d.cli(["machine", "disable", "m1"])).code).toBe(0);
      const run = await read("get", "sk_api_keys");
      expect(run.code, run.stderr).toBe(3);
      expect(JSON.parse(run.stdout)).toMatchObject({
        error: "PermissionDeniedError",
        code: "MACHINE_DISABLED",
        status: 403,
      });
    });
  });
});
