import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, problem, startFakeServer } from "../../testing/fake-server.js";
import { enrollmentToken, list, machine } from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

describe("machine", () => {
  it("list filters by vault and status", async () => {
    server.on("GET", "/v1/admin/machines", { body: list([machine]) });
    const r = await cli("machine", "list", "--vault", "prod", "--status", "pending", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([machine]);
    expect(server.last()!.query).toEqual({ vault: "prod", status: "pending" });
  });

  it("list prints a table", async () => {
    server.on("GET", "/v1/admin/machines", { body: list([machine]) });
    const r = await cli("machine", "list");
    expect(r.stdout).toMatch(/^NAME\s+ID\s+STATUS/);
    expect(r.stdout).toMatch(/m1\s+mach_\w+\s+enabled/);
  });

  it("disable without --vault lets the server resolve the name (no ?vault=)", async () => {
    server.on("POST", "/v1/admin/machines/m1/disable", {
      body: { ...machine, status: "disabled", revokedLeases: 2 },
    });
    const r = await cli("machine", "disable", "m1");
    expect(r.code).toBe(0);
    expect(server.last()!.query).toEqual({});
    expect(r.stdout).toBe(`Disabled m1 (${machine.id}): now disabled; 2 lease(s) revoked.\n`);
  });

  it.each(["approve", "enable", "disable"])("%s --vault passes ?vault=", async (action) => {
    server.on("POST", `/v1/admin/machines/m1/${action}`, { body: machine });
    const r = await cli("machine", action, "m1", "--vault", "prod", "--json");
    expect(r.code).toBe(0);
    expect(server.last()!.query).toEqual({ vault: "prod" });
  });

  it("an ambiguous name is exit 5 with a hint", async () => {
    server.on("POST", "/v1/admin/machines/m1/disable", problem(409, "AMBIGUOUS_NAME", "m1 is in 2 vaults"));
    const r = await cli("machine", "disable", "m1");
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("pass --vault");
  });

  it("grant posts the project; ungrant deletes it", async () => {
    server.on("POST", "/v1/admin/machines/m1/grants", { body: machine });
    server.on("DELETE", "/v1/admin/machines/m1/grants/api", { body: { ...machine, revokedLeases: 2 } });
    const grant = await cli("machine", "grant", "m1", "--vault", "prod", "--project", "api");
    expect(grant.code).toBe(0);
    expect(server.last()!.body).toEqual({ project: "api" });
    expect(server.last()!.query).toEqual({ vault: "prod" });
    const ungrant = await cli("machine", "ungrant", "m1", "--vault", "prod", "--project", "api");
    expect(ungrant.code).toBe(0);
    expect(server.last()!.method).toBe("DELETE");
    expect(ungrant.stdout).toContain("can no longer read project api. 2 login(s) revoked.");
  });

  it("names with odd characters are encoded into the path", async () => {
    server.on("GET", "/v1/admin/machines/web%2F1", { body: machine });
    await cli("machine", "get", "web/1");
    expect(server.last()!.path).toBe("/v1/admin/machines/web%2F1");
  });
});

describe("machine token", () => {
  it("create maps --ttl, --uses, --auto-approve and repeated --project", async () => {
    server.on("POST", "/v1/admin/enrollment-tokens", { status: 201, body: enrollmentToken });
    const r = await cli(
      "machine",
      "token",
      "create",
      "--vault",
      "prod",
      "--ttl",
      "2h",
      "--uses",
      "5",
      "--auto-approve",
      "--project",
      "api",
      "--project",
      "web",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).token).toBe(enrollmentToken.token);
    expect(server.last()!.body).toEqual({
      vault: "prod",
      ttlSeconds: 7200,
      uses: 5,
      autoApprove: true,
      projects: ["api", "web"],
    });
  });

  it("create sends only --vault by default, and prints the bare token on stdout", async () => {
    server.on("POST", "/v1/admin/enrollment-tokens", { status: 201, body: enrollmentToken });
    const r = await cli("machine", "token", "create", "--vault", "prod");
    expect(server.last()!.body).toEqual({ vault: "prod" });
    expect(r.stdout).toBe(`${enrollmentToken.token}\n`);
    expect(r.stderr).toContain("sikkerkey enroll --server");
  });

  it("create refuses a bad --ttl", async () => {
    const r = await cli("machine", "token", "create", "--vault", "prod", "--ttl", "1y");
    expect(r.code).toBe(2);
  });

  it("list and revoke", async () => {
    const { token: _t, ...listed } = enrollmentToken;
    server.on("GET", "/v1/admin/enrollment-tokens", { body: list([listed]) });
    server.on("DELETE", `/v1/admin/enrollment-tokens/${listed.id}`, { body: listed });
    const l = await cli("machine", "token", "list", "--vault", "prod");
    expect(l.stdout).toContain(listed.id);
    expect(server.last()!.query).toEqual({ vault: "prod" });
    expect((await cli("machine", "token", "revoke", listed.id)).code).toBe(0);
  });
});
