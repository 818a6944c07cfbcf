import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, problem, startFakeServer } from "../../testing/fake-server.js";
import { LEASE_ID, lease, list } from "../../testing/fixtures.js";
import { operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

describe("lease", () => {
  it("list --json passes secret, machine and state", async () => {
    server.on("GET", "/v1/admin/leases", { body: list([lease]) });
    const r = await cli(
      "lease",
      "list",
      "--secret",
      "sk_db_prod",
      "--machine",
      "m1",
      "--state",
      "active",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([lease]);
    expect(server.last()!.query).toEqual({ secret: "sk_db_prod", machine: "m1", state: "active" });
  });

  it("list shows machine, login, state and expiry", async () => {
    server.on("GET", "/v1/admin/leases", { body: list([lease]) });
    const r = await cli("lease", "list");
    expect(r.stdout).toMatch(/m1\s+sk_db_prod_m1_abc123\s+active\s+2025-06-01 12:00:00Z/);
  });

  it("list shows the last error when a lease has one", async () => {
    server.on("GET", "/v1/admin/leases", {
      body: list([{ ...lease, state: "revoking", lastError: "connect ECONNREFUSED 10.0.0.9:5432" }]),
    });
    const r = await cli("lease", "list", "--state", "revoking");
    expect(r.stdout.split("\n")[0]).toMatch(/RENEWALS\s+LAST ERROR$/);
    expect(r.stdout).toMatch(/revoking\s+.*connect ECONNREFUSED 10\.0\.0\.9:5432/);
    server.on("GET", "/v1/admin/leases", { body: list([lease]) });
    expect((await cli("lease", "list")).stdout).not.toContain("LAST ERROR");
  });

  it("list refuses an unknown state", async () => {
    expect((await cli("lease", "list", "--state", "zombie")).code).toBe(2);
  });

  it("revoke posts to the lease", async () => {
    server.on("POST", `/v1/admin/leases/${LEASE_ID}/revoke`, {
      body: { ...lease, state: "revoked", revokeReason: "operator" },
    });
    const r = await cli("lease", "revoke", LEASE_ID);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Revoked lease ${LEASE_ID}: login sk_db_prod_m1_abc123 removed.`);
  });

  it("revoke sends no body unless forced", async () => {
    server.on("POST", `/v1/admin/leases/${LEASE_ID}/revoke`, { body: { ...lease, state: "revoked" } });
    await cli("lease", "revoke", LEASE_ID);
    expect(server.last()!.body).toBeUndefined();
  });

  it("revoke of a lease still revoking says why, that the server retries, and how to give up", async () => {
    server.on("POST", `/v1/admin/leases/${LEASE_ID}/revoke`, {
      body: { ...lease, state: "revoking", lastError: "connect ECONNREFUSED 10.0.0.9:5432" },
    });
    const r = await cli("lease", "revoke", LEASE_ID);
    expect(r.code).toBe(6); // not gone yet: a script must notice
    expect(r.stdout).toContain(
      "could not revoke login sk_db_prod_m1_abc123 yet (last error: connect ECONNREFUSED",
    );
    expect(r.stdout).toContain(`sikkerkey lease revoke ${LEASE_ID} --force`);
  });

  it("revoke --force asks for it and says the login may still exist", async () => {
    server.on("POST", `/v1/admin/leases/${LEASE_ID}/revoke`, {
      body: { ...lease, state: "abandoned", lastError: "connect ECONNREFUSED 10.0.0.9:5432" },
    });
    const r = await cli("lease", "revoke", LEASE_ID, "--force");
    expect(r.code).toBe(0);
    expect(server.last()!.body).toEqual({ force: true });
    expect(r.stdout).toContain(`Abandoned lease ${LEASE_ID}`);
    expect(r.stdout).toContain("may still exist in its database");
    const json = await cli("lease", "revoke", LEASE_ID, "--force", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ state: "abandoned" });
  });

  it("revoke --secret revokes every login of the secret and reports what became of them", async () => {
    server.on("POST", "/v1/admin/secrets/sk_db_prod/revoke-leases", {
      body: { id: "sk_db_prod", revoked: 3, revoking: 2, abandoned: 0 },
    });
    const r = await cli("lease", "revoke", "--secret", "sk_db_prod");
    expect(r.code).toBe(6); // two logins are not gone yet
    expect(server.last()!.body).toBeUndefined();
    expect(r.stdout).toContain("Revoked 3 logins of sk_db_prod.");
    expect(r.stdout).toContain("2 could not be revoked yet");
    expect(r.stdout).toContain("sikkerkey lease revoke --secret sk_db_prod --force");
  });

  it("revoke --secret --force sends force and names what was abandoned", async () => {
    server.on("POST", "/v1/admin/secrets/sk_db_prod/revoke-leases", {
      body: { id: "sk_db_prod", revoked: 0, revoking: 0, abandoned: 2 },
    });
    const r = await cli("lease", "revoke", "--secret", "sk_db_prod", "--force", "--json");
    expect(r.code).toBe(0);
    expect(server.last()!.body).toEqual({ force: true });
    expect(JSON.parse(r.stdout)).toEqual({ id: "sk_db_prod", revoked: 0, revoking: 0, abandoned: 2 });
    const text = await cli("lease", "revoke", "--secret", "sk_db_prod", "--force");
    expect(text.stdout).toContain("2 abandoned: those logins may still exist");
  });

  it("revoke --secret exits 0 when every login is gone, and refuses an option taken for the secret", async () => {
    server.on("POST", "/v1/admin/secrets/sk_db_prod/revoke-leases", {
      body: { id: "sk_db_prod", revoked: 2, revoking: 0, abandoned: 0 },
    });
    expect((await cli("lease", "revoke", "--secret", "sk_db_prod", "--json")).code).toBe(0);
    server.reset();
    const trap = await cli("lease", "revoke", "--secret", "--force");
    expect(trap.code).toBe(2);
    expect(trap.stderr).toContain('--secret needs a secret id, got "--force"');
    expect(server.last()).toBeUndefined();
  });

  it("revoke needs exactly one of a lease id and --secret", async () => {
    for (const args of [[], [LEASE_ID, "--secret", "sk_db_prod"]]) {
      const r = await cli("lease", "revoke", ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("give a lease id, or --secret SECRET");
    }
    expect(server.last()).toBeUndefined();
  });

  it("list accepts the abandoned state", async () => {
    server.on("GET", "/v1/admin/leases", { body: list([{ ...lease, state: "abandoned" }]) });
    const r = await cli("lease", "list", "--state", "abandoned");
    expect(r.code).toBe(0);
    expect(server.last()!.query).toEqual({ state: "abandoned" });
  });

  it("revoke of an unknown lease is exit 4", async () => {
    server.on("POST", "/v1/admin/leases/lease_x/revoke", problem(404, "NOT_FOUND", "lease not found"));
    expect((await cli("lease", "revoke", "lease_x")).code).toBe(4);
  });
});
