import { execFileSync } from "node:child_process";
import { chmod, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refusedUrl } from "../testing/closed-port.js";
import { type FakeServer, problem, startFakeServer } from "../testing/fake-server.js";
import { leasedRead, MACHINE_ID, structuredRead } from "../testing/fixtures.js";
import { emptyHome, machineHome } from "../testing/machine-home.js";
import { runCli } from "../testing/run-cli.js";

let server: FakeServer;
let home: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  server = await startFakeServer();
  ({ home, cleanup } = await machineHome(server.url));
});
afterAll(async () => {
  await server.close();
  await cleanup();
});
beforeEach(() => {
  server.reset();
  server.on("GET", "/v1/secrets/sk_api_keys", { body: structuredRead });
  server.on("GET", "/v1/secrets/sk_db_prod", { body: leasedRead });
});

const cli = (...args: string[]) => runCli(args, { env: { SIKKERKEY_HOME: home } });

/** What a POSIX shell gets from `eval "$(sikkerkey get … --format env)"`. */
function evalInShell(script: string, variable: string): string {
  return execFileSync("sh", ["-c", `eval "$SCRIPT"; printf '%s' "$${variable}"`], {
    env: { PATH: process.env["PATH"], SCRIPT: script },
    encoding: "utf8",
  });
}

/** it.each fills the title's placeholders from the columns in order: the exit code goes second. */
function codeSecond<R>(rows: [string, R, number, RegExp][]): [string, number, R, RegExp][] {
  return rows.map(([name, reply, code, message]) => [name, code, reply, message]);
}

describe("sikkerkey get", () => {
  it("prints the fields as one line of JSON, from a signed request", async () => {
    const r = await cli("get", "sk_api_keys");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${JSON.stringify(structuredRead.fields)}\n`);
    const req = server.last("GET", "/v1/secrets/sk_api_keys")!;
    expect(req.headers["signature-input"]).toContain(`keyid="${MACHINE_ID}"`);
    expect(req.headers["signature"]).toMatch(/^sk=:/);
  });

  it("a leased credential keeps its port a number", async () => {
    const r = await cli("get", "sk_db_prod");
    expect(JSON.parse(r.stdout)).toEqual(leasedRead.fields);
    expect(r.stdout).toContain('"port":5432');
  });

  it("--field prints the raw value and a newline", async () => {
    expect((await cli("get", "sk_api_keys", "--field", "STRIPE_KEY")).stdout).toBe("sk_test_123\n");
    expect((await cli("get", "sk_db_prod", "--field", "port")).stdout).toBe("5432\n");
  });

  it("--field of a field the secret lacks is exit 4 and names only field names", async () => {
    const r = await cli("get", "sk_api_keys", "--field", "NOPE");
    expect(r.code).toBe(4);
    expect(r.stderr).toBe("error: sk_api_keys has no field NOPE (its fields: STRIPE_KEY, QUOTED)\n");
  });

  it("--format env shell-quotes values, a single quote included", async () => {
    const r = await cli("get", "sk_api_keys", "--format", "env");
    expect(r.stdout).toBe("export STRIPE_KEY='sk_test_123'\nexport QUOTED='it'\\''s a '\\''test'\\'''\n");
    expect(evalInShell(r.stdout, "QUOTED")).toBe("it's a 'test'");
  });

  it("--format env of a leased credential uses libpq's variables", async () => {
    const r = await cli("get", "sk_db_prod", "--format", "env");
    expect(r.stdout).toBe(
      [
        "export PGHOST='127.0.0.1'",
        "export PGPORT='5432'",
        "export PGDATABASE='app'",
        "export PGUSER='sk_db_prod_m1_abc123'",
        "export PGPASSWORD='p4ss'\\''w0rd'",
        "",
      ].join("\n"),
    );
    expect(evalInShell(r.stdout, "PGPASSWORD")).toBe("p4ss'w0rd");
  });

  it("--format dotenv", async () => {
    const r = await cli("get", "sk_api_keys", "--format", "dotenv");
    expect(r.stdout).toBe(`STRIPE_KEY='sk_test_123'\nQUOTED="it's a 'test'"\n`);
  });

  it("--field and --format together are a usage error", async () => {
    expect((await cli("get", "sk_api_keys", "--field", "A", "--format", "env")).code).toBe(2);
    expect((await cli("get", "sk_api_keys", "--format", "yaml")).code).toBe(2);
  });

  it.each(
    codeSecond([
      ["an unknown secret", problem(404, "SECRET_NOT_FOUND", "secret not found"), 4, /secret not found/],
      ["a disabled machine", problem(403, "MACHINE_DISABLED", "machine is disabled"), 3, /MACHINE_DISABLED/],
      [
        "a pending machine",
        problem(403, "MACHINE_PENDING", "machine is pending"),
        3,
        /sikkerkey machine approve/,
      ],
      ["a bad signature", problem(401, "BAD_SIGNATURE", "signature does not verify"), 3, /BAD_SIGNATURE/],
    ]),
  )("%s is refused with exit %i", async (_name, code, reply, message) => {
    server.on("GET", "/v1/secrets/sk_api_keys", reply);
    const r = await cli("get", "sk_api_keys");
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: .*\n$/);
    expect(r.stderr).toMatch(message);
  });

  it("no identity is exit 3 with a hint to enroll", async () => {
    const empty = await emptyHome();
    const r = await runCli(["get", "sk_api_keys"], { env: { SIKKERKEY_HOME: empty } });
    await rm(empty, { recursive: true });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("sikkerkey enroll");
    expect(server.requests).toHaveLength(0);
  });

  it("an identity file others can read is refused, exit 3", async () => {
    const { home: open, cleanup: done } = await machineHome(server.url);
    await chmod(join(open, "identity.json"), 0o644);
    const r = await runCli(["get", "sk_api_keys"], { env: { SIKKERKEY_HOME: open } });
    await done();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("chmod 600");
  });

  it("a server that is down is exit 6", async () => {
    const { home: away, cleanup: done } = await machineHome(await refusedUrl());
    const r = await runCli(["get", "sk_api_keys"], { env: { SIKKERKEY_HOME: away } });
    await done();
    expect(r.code).toBe(6);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a server that does not answer in time is exit 6", async () => {
    server.on("GET", "/v1/secrets/sk_api_keys", { body: structuredRead, delayMs: 5000 });
    const r = await runCli(["get", "sk_api_keys"], {
      env: { SIKKERKEY_HOME: home, SIKKERKEY_TIMEOUT: "1s" },
    });
    expect(r.code).toBe(6);
  });
});
