import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../../testing/fake-server.js";
import { list, structuredSecret, trashItem } from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

describe("trash", () => {
  it("list filters by vault", async () => {
    server.on("GET", "/v1/admin/trash", { body: list([trashItem]) });
    const r = await cli("trash", "list", "--vault", "prod", "--json");
    expect(JSON.parse(r.stdout)).toEqual([trashItem]);
    expect(server.last()!.query).toEqual({ vault: "prod" });
    expect((await cli("trash", "list")).stdout).toContain("sk_old");
  });

  it("restore posts, purge deletes (204)", async () => {
    server.on("POST", "/v1/admin/trash/sk_old/restore", { body: { ...structuredSecret, id: "sk_old" } });
    server.on("DELETE", "/v1/admin/trash/sk_old", { status: 204 });
    expect((await cli("trash", "restore", "sk_old")).stdout).toBe("Restored sk_old.\n");
    const purge = await cli("trash", "purge", "sk_old", "--json");
    expect(purge.code).toBe(0);
    expect(JSON.parse(purge.stdout)).toEqual({ id: "sk_old", purged: true });
  });
});
