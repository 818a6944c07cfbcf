import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../../testing/fake-server.js";
import { apiToken, list } from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

describe("token", () => {
  it("create --expires sends seconds and prints the token once", async () => {
    server.on("POST", "/v1/admin/tokens", { status: 201, body: apiToken });
    const r = await cli("token", "create", "--name", "ci", "--expires", "30d", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).token).toBe(apiToken.token);
    expect(server.last()!.body).toEqual({ name: "ci", expiresInSeconds: 2_592_000 });
  });

  it("create without --json prints the bare token on stdout", async () => {
    server.on("POST", "/v1/admin/tokens", { status: 201, body: apiToken });
    const r = await cli("token", "create", "--name", "ci");
    expect(server.last()!.body).toEqual({ name: "ci" });
    expect(r.stdout).toBe(`${apiToken.token}\n`);
    expect(r.stderr).toContain("not shown again");
  });

  it("list never shows tokens; revoke deletes", async () => {
    const { token: _t, ...listed } = apiToken;
    server.on("GET", "/v1/admin/tokens", { body: list([listed]) });
    server.on("DELETE", `/v1/admin/tokens/${listed.id}`, {
      body: { ...listed, revokedAt: listed.createdAt },
    });
    expect((await cli("token", "list")).stdout).toContain(listed.id);
    expect((await cli("token", "revoke", listed.id)).stdout).toContain("Revoked API token");
  });

  it("create needs --name", async () => {
    expect((await cli("token", "create")).code).toBe(2);
  });
});
