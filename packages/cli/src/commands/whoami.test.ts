import type { WhoamiResponse } from "@sikkerkey/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../testing/fake-server.js";
import { MACHINE_ID, PROJECT_ID, VAULT_ID } from "../testing/fixtures.js";
import { machineHome } from "../testing/machine-home.js";
import { runCli } from "../testing/run-cli.js";

const me: WhoamiResponse = {
  machineId: MACHINE_ID,
  name: "m1",
  vaultId: VAULT_ID,
  vaultName: "prod",
  status: "pending",
  projects: [{ id: PROJECT_ID, name: "api" }],
};

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
  server.on("GET", "/v1/machines/me", { body: me });
});

describe("sikkerkey whoami", () => {
  it("--json prints the server's answer", async () => {
    const r = await runCli(["whoami", "--json"], { env: { SIKKERKEY_HOME: home } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(me);
  });

  it("says who and what, and how a pending machine gets approved", async () => {
    const r = await runCli(["whoami"], { env: { SIKKERKEY_HOME: home } });
    expect(r.stdout).toContain(`m1 (${MACHINE_ID}): pending`);
    expect(r.stdout).toContain("prod");
    expect(r.stdout).toContain("sikkerkey machine approve m1");
  });
});
