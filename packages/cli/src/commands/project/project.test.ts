import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../../testing/fake-server.js";
import { list, project } from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

describe("project", () => {
  it("create posts to the vault's projects", async () => {
    server.on("POST", "/v1/admin/vaults/prod/projects", { status: 201, body: project });
    const r = await cli("project", "create", "api", "--vault", "prod", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(project);
    expect(server.last()!.body).toEqual({ name: "api" });
  });

  it("create needs --vault", async () => {
    const r = await cli("project", "create", "api");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--vault");
  });

  it("list and delete address the project inside its vault", async () => {
    server.on("GET", "/v1/admin/vaults/prod/projects", { body: list([project]) });
    server.on("DELETE", "/v1/admin/vaults/prod/projects/api", { body: { id: project.id, revokedLeases: 0 } });
    expect(JSON.parse((await cli("project", "list", "--vault", "prod", "--json")).stdout)).toEqual([project]);
    expect((await cli("project", "delete", "api", "--vault", "prod")).code).toBe(0);
  });
});
