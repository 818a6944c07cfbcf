import { spawn } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, problem, startFakeServer } from "../testing/fake-server.js";
import { leasedRead, structuredRead } from "../testing/fixtures.js";
import { machineHome } from "../testing/machine-home.js";
import { BIN, runCli } from "../testing/run-cli.js";

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
const node = process.execPath;

describe("sikkerkey run", () => {
  it("gives a leased credential to the program as libpq's PG* variables", async () => {
    const script =
      "const e = process.env; console.log([e.PGHOST, e.PGPORT, e.PGDATABASE, e.PGUSER, e.PGPASSWORD].join(' '))";
    const r = await cli("run", "sk_db_prod", "--", node, "-e", script);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("127.0.0.1 5432 app sk_db_prod_m1_abc123 p4ss'w0rd\n");
  });

  it("propagates the program's exit code", async () => {
    const r = await cli(
      "run",
      "sk_db_prod",
      "--",
      node,
      "-e",
      "console.log(process.env.PGUSER); process.exit(42)",
    );
    expect(r.code).toBe(42);
    expect(r.stdout).toBe("sk_db_prod_m1_abc123\n");
  });

  it("gives a structured secret's fields by name, and works without -- too", async () => {
    const r = await cli("run", "sk_api_keys", node, "-e", "console.log(process.env.STRIPE_KEY)");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("sk_test_123\n");
  });

  it("keeps the rest of the environment", async () => {
    const r = await runCli(["run", "sk_api_keys", "--", node, "-e", "console.log(process.env.KEEP_ME)"], {
      env: { SIKKERKEY_HOME: home, KEEP_ME: "kept" },
    });
    expect(r.stdout).toBe("kept\n");
  });

  it("prints nothing of its own, so the secret never shows", async () => {
    const r = await cli("run", "sk_db_prod", "--", node, "-e", "");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("");
  });

  it("a program that does not exist is exit 127", async () => {
    const r = await cli("run", "sk_db_prod", "--", "no-such-program-sikkerkey");
    expect(r.code).toBe(127);
    expect(r.stderr).toBe("error: command not found: no-such-program-sikkerkey\n");
  });

  it("does not start the program when the read is refused", async () => {
    server.on("GET", "/v1/secrets/sk_db_prod", problem(403, "MACHINE_DISABLED", "machine is disabled"));
    const r = await cli("run", "sk_db_prod", "--", node, "-e", "console.log('started')");
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
  });

  it("needs a program", async () => {
    expect((await cli("run", "sk_db_prod")).code).toBe(2);
    expect((await cli("run", "sk_db_prod", "--")).code).toBe(2);
  });

  it("forwards SIGTERM to the program and exits with its code", async () => {
    const script =
      "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(43); }); console.log('ready'); setInterval(() => {}, 1000);";
    const child = spawn(node, [BIN, "run", "sk_api_keys", "--", node, "-e", script], {
      env: { PATH: process.env["PATH"], SIKKERKEY_HOME: home },
    });
    let stdout = "";
    const ready = new Promise<void>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("ready")) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await ready;
    child.kill("SIGTERM");
    expect(await exited).toBe(43);
    expect(stdout).toBe("ready\ngot SIGTERM\n");
  });

  it("a program killed by a signal exits 128 + its number", async () => {
    const r = await cli("run", "sk_api_keys", "--", node, "-e", "process.kill(process.pid, 'SIGKILL')");
    expect(r.code).toBe(137);
  });
});
