import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exitCodeForStatus } from "./exit-codes.js";
import { refusedUrl } from "./testing/closed-port.js";
import { type FakeServer, problem, startFakeServer } from "./testing/fake-server.js";
import { operatorEnv } from "./testing/operator.js";
import { runCli } from "./testing/run-cli.js";

/** it.each fills the title's placeholders from the columns in order: the exit code goes second. */
function codeSecond<R>(rows: [string, R, number, RegExp][]): [string, number, R, RegExp][] {
  return rows.map(([name, reply, code, message]) => [name, code, reply, message]);
}

describe("exitCodeForStatus", () => {
  it.each([
    [400, 5],
    [401, 3],
    [403, 3],
    [404, 4],
    [409, 5],
    [422, 5],
    [429, 6],
    [500, 6],
    [503, 6],
    [0, 6],
  ])("%i → %i", (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });
});

describe("exit codes of a real run, one per failure class", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

  it.each(
    codeSecond([
      [
        "401",
        problem(401, "UNAUTHENTICATED", "invalid or expired API token"),
        3,
        /invalid or expired API token \(UNAUTHENTICATED, request req_test\): check SIKKERKEY_TOKEN/,
      ],
      ["403", problem(403, "OWNER_ONLY", "only the vault owner may do this"), 3, /OWNER_ONLY/],
      ["404", problem(404, "NOT_FOUND", "vault prod not found"), 4, /vault prod not found \(NOT_FOUND/],
      ["409", problem(409, "ALREADY_EXISTS", "a vault named prod exists"), 5, /ALREADY_EXISTS/],
      [
        "400 with field errors",
        problem(400, "VALIDATION_FAILED", "invalid request", {
          errors: [{ path: "name", message: "too long" }],
        }),
        5,
        /invalid request: name: too long/,
      ],
      ["503", problem(503, "STORE_UNAVAILABLE", "store unavailable"), 6, /STORE_UNAVAILABLE/],
      [
        "502 from a proxy, not problem+json",
        { status: 502, text: "<html>bad gateway</html>", contentType: "text/html" },
        6,
        /HTTP 502/,
      ],
    ]),
  )("%s → exit %i", async (_name, code, reply, message) => {
    server.on("GET", "/v1/admin/vaults", reply);
    const r = await cli("vault", "list");
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error: /);
  });

  it("connection refused → 6, one line", async () => {
    const url = await refusedUrl();
    const r = await runCli(["vault", "list"], { env: { SIKKERKEY_SERVER: url, SIKKERKEY_TOKEN: "t" } });
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(
      `error: cannot reach the server at ${url}: connect ECONNREFUSED ${url.slice(7)} (is sikkerkey-server running there?)\n`,
    );
  });

  it("no answer in time → 6", async () => {
    server.on("GET", "/v1/admin/vaults", { body: { items: [] }, delayMs: 5000 });
    const r = await runCli(["vault", "list"], { env: { ...operatorEnv(server), SIKKERKEY_TIMEOUT: "1s" } });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("did not answer in time");
  });

  it("a bad SIKKERKEY_TIMEOUT → 2", async () => {
    const r = await runCli(["vault", "list"], { env: { ...operatorEnv(server), SIKKERKEY_TIMEOUT: "soon" } });
    expect(r.code).toBe(2);
  });

  it("a bad flag → 2", async () => {
    const r = await cli("vault", "list", "--no-such-flag");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
    expect(server.requests).toHaveLength(0);
  });

  it("an unknown command → 2", async () => {
    expect((await cli("vault", "frobnicate")).code).toBe(2);
  });

  it("a missing operator token → 3, a missing server → 2", async () => {
    const noToken = await runCli(["vault", "list"], { env: { SIKKERKEY_SERVER: server.url } });
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toContain("SIKKERKEY_TOKEN");
    const noServer = await runCli(["vault", "list"], { env: { SIKKERKEY_TOKEN: "t" } });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain("SIKKERKEY_SERVER");
  });

  it("a server URL that is not http(s) → 2", async () => {
    const r = await runCli(["vault", "list", "--server", "ftp://x", "--token", "t"]);
    expect(r.code).toBe(2);
  });

  it("--help and --version exit 0; help lists the exit codes", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stdout).toMatch(/6 {2}server unavailable/);
    const version = await cli("--version");
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("no command at all → usage, 2", async () => {
    expect((await cli()).code).toBe(2);
  });
});
