import { hostname } from "node:os";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { EnrollResponse } from "@sikkerkey/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, problem, startFakeServer } from "../testing/fake-server.js";
import { MACHINE_ID, VAULT_ID } from "../testing/fixtures.js";
import { emptyHome } from "../testing/machine-home.js";
import { runCli } from "../testing/run-cli.js";

const enrolled: EnrollResponse = { machineId: MACHINE_ID, name: "m1", vaultId: VAULT_ID, status: "enabled" };

let server: FakeServer;
let home: string;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(async () => {
  server.reset();
  server.on("POST", "/v1/enroll", { status: 201, body: enrolled });
  home = join(await emptyHome(), "m1");
});
afterEach(() => rm(join(home, ".."), { recursive: true, force: true }));

const enroll = (...args: string[]) =>
  runCli(["enroll", "--server", server.url, "--token", "enr_token_1", ...args], {
    env: { SIKKERKEY_HOME: home },
  });

describe("sikkerkey enroll", () => {
  it("sends a signed enrollment and writes identity.json 0600 in a 0700 folder", async () => {
    const r = await enroll("--name", "m1");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Enrolled m1 as ${MACHINE_ID}`);
    const req = server.last("POST", "/v1/enroll")!;
    expect(req.body).toMatchObject({ token: "enr_token_1", name: "m1" });
    expect((req.body as { publicKeyPem: string }).publicKeyPem).toContain("BEGIN PUBLIC KEY");
    expect(req.headers["signature-input"]).toContain("content-digest");
    const path = join(home, "identity.json");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const identity = JSON.parse(await readFile(path, "utf8"));
    expect(identity).toMatchObject({ server: server.url, machineId: MACHINE_ID });
    expect(identity.privateKeyPem).toContain("BEGIN PRIVATE KEY");
    expect(r.stdout).not.toContain("PRIVATE KEY");
  });

  it("takes the server from SIKKERKEY_SERVER and the name from the host", async () => {
    const r = await runCli(["enroll", "--token", "t", "--json"], {
      env: { SIKKERKEY_HOME: home, SIKKERKEY_SERVER: server.url },
    });
    expect(r.code).toBe(0);
    expect((server.last()!.body as { name: string }).name).toBe(hostname().split(".")[0]);
    expect(JSON.parse(r.stdout)).toMatchObject({ ...enrolled, identityPath: join(home, "identity.json") });
  });

  it("refuses to replace an identity without --force, before spending the token", async () => {
    expect((await enroll("--name", "m1")).code).toBe(0);
    server.reset();
    const again = await enroll("--name", "m1");
    expect(again.code).toBe(5);
    expect(again.stderr).toContain("--force");
    expect(server.requests).toHaveLength(0);
  });

  it("--force replaces it and says the old machine is still registered", async () => {
    await enroll("--name", "m1");
    const before = await readFile(join(home, "identity.json"), "utf8");
    const r = await enroll("--name", "m1", "--force");
    expect(r.code).toBe(0);
    expect(await readFile(join(home, "identity.json"), "utf8")).not.toBe(before);
    expect(r.stderr).toContain(`sikkerkey machine disable ${MACHINE_ID}`);
  });

  it("a pending machine is told to wait for approval", async () => {
    server.on("POST", "/v1/enroll", { status: 201, body: { ...enrolled, status: "pending" } });
    const r = await enroll("--name", "m1");
    expect(r.stdout).toContain("sikkerkey machine approve m1");
  });

  it("an invalid token is exit 3 and writes nothing", async () => {
    server.on("POST", "/v1/enroll", problem(401, "ENROLLMENT_TOKEN_INVALID", "enrollment token invalid"));
    const r = await enroll("--name", "m1");
    expect(r.code).toBe(3);
    await expect(stat(join(home, "identity.json"))).rejects.toThrow();
  });

  it("a taken name is exit 5 with the server's reason, not a claim that this machine is enrolled", async () => {
    server.on(
      "POST",
      "/v1/enroll",
      problem(409, "ALREADY_EXISTS", 'a machine named "m1" already exists in this vault'),
    );
    const r = await enroll("--name", "m1");
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      'a machine named "m1" already exists in this vault (ALREADY_EXISTS, request req_test)',
    );
    expect(r.stderr).toContain("choose another name with --name");
    expect(r.stderr).not.toContain("already enrolled");
    expect(r.stderr).not.toContain("--force");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    await expect(stat(join(home, "identity.json"))).rejects.toThrow();
  });

  it("says the machine is already enrolled only when an identity file is there", async () => {
    expect((await enroll("--name", "m1")).code).toBe(0);
    server.on("POST", "/v1/enroll", problem(409, "ALREADY_EXISTS", "a machine named m1 exists"));
    const again = await enroll("--name", "m2");
    expect(again.code).toBe(5);
    expect(again.stderr).toContain(`this machine is already enrolled (${join(home, "identity.json")})`);
  });

  it("usage errors: no token, a bad name, no server", async () => {
    expect((await runCli(["enroll", "--server", server.url], { env: { SIKKERKEY_HOME: home } })).code).toBe(
      2,
    );
    expect((await enroll("--name", "bad name!")).code).toBe(2);
    expect((await runCli(["enroll", "--token", "t"], { env: { SIKKERKEY_HOME: home } })).code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});
