import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../../testing/fake-server.js";
import { list, VAULT_ID, vault } from "../../testing/fixtures.js";
import { OPERATOR_TOKEN, operatorEnv } from "../../testing/operator.js";
import { runCli } from "../../testing/run-cli.js";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const cli = (...args: string[]) => runCli(args, { env: operatorEnv(server) });

describe("vault", () => {
  it("create --json posts the name with the bearer token and prints the vault as one JSON line", async () => {
    server.on("POST", "/v1/admin/vaults", { status: 201, body: vault });
    const r = await cli("vault", "create", "prod", "--json");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify(vault)}\n`);
    const req = server.last("POST", "/v1/admin/vaults")!;
    expect(req.body).toEqual({ name: "prod" });
    expect(req.headers["authorization"]).toBe(`Bearer ${OPERATOR_TOKEN}`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toMatch(/^sikkerkey-cli\/\d/);
  });

  it("create without --json says what was made", async () => {
    server.on("POST", "/v1/admin/vaults", { status: 201, body: vault });
    const r = await cli("vault", "create", "prod");
    expect(r.stdout).toBe(`Created vault prod (${VAULT_ID}).\n`);
  });

  it("--server and --token flags override the environment", async () => {
    server.on("GET", "/v1/admin/vaults", { body: list([vault]) });
    const r = await runCli(["vault", "list", "--json", "--server", server.url, "--token", "flag_token"], {
      env: { SIKKERKEY_SERVER: "http://127.0.0.1:9", SIKKERKEY_TOKEN: "env_token" },
    });
    expect(r.code).toBe(0);
    expect(server.last()!.headers["authorization"]).toBe("Bearer flag_token");
    // Accepted, with a warning on stderr (which never repeats the token); stdout stays JSON.
    expect(r.stderr).toContain("warning: --token on the command line is visible to other local users");
    expect(r.stderr).not.toContain("flag_token");
    expect(JSON.parse(r.stdout)).toEqual([vault]);
  });

  it("a token from SIKKERKEY_TOKEN draws no warning", async () => {
    server.on("GET", "/v1/admin/vaults", { body: list([vault]) });
    const r = await cli("vault", "list", "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("list --json follows nextCursor and prints one array", async () => {
    const second = { ...vault, id: "vault_BBBBBBBBBBBBBBBBBBBBBB", name: "staging" };
    server.on("GET", "/v1/admin/vaults", (req) =>
      req.query["cursor"] === "c2" ? { body: list([second]) } : { body: list([vault], "c2") },
    );
    const r = await cli("vault", "list", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([vault, second]);
    expect(server.requests.map((q) => q.query["cursor"])).toEqual([undefined, "c2"]);
  });

  it("list prints a table", async () => {
    server.on("GET", "/v1/admin/vaults", { body: list([vault]) });
    const r = await cli("vault", "list");
    const [header, row] = r.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^NAME\s+ID\s+ROLE\s+CREATED$/);
    expect(row).toMatch(new RegExp(`^prod\\s+${VAULT_ID}\\s+owner\\s+2025-06-01 12:00:00Z$`));
  });

  it("list says so when there is nothing", async () => {
    server.on("GET", "/v1/admin/vaults", { body: list([]) });
    expect((await cli("vault", "list")).stdout).toBe("No vaults.\n");
  });

  it("delete names the vault in the path", async () => {
    server.on("DELETE", "/v1/admin/vaults/prod", { body: { id: VAULT_ID, revokedLeases: 2 } });
    const r = await cli("vault", "delete", "prod");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2 lease(s) revoked");
  });

  it("member add posts email and role", async () => {
    server.on("POST", "/v1/admin/vaults/prod/members", {
      status: 201,
      body: { operatorId: "op_x", email: "dev@example.com", role: "admin" },
    });
    const r = await cli(
      "vault",
      "member",
      "add",
      "prod",
      "--email",
      "dev@example.com",
      "--role",
      "admin",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(server.last()!.body).toEqual({ email: "dev@example.com", role: "admin" });
  });

  it("member add shows a new operator's invitation once, and none for one who exists", async () => {
    const invitation = { token: "skt_invitation_for_new", expiresAt: "2026-12-06T19:00:00.000Z" };
    server.on("POST", "/v1/admin/vaults/prod/members", {
      status: 201,
      body: { operatorId: "op_y", email: "new@example.com", role: "member", invitation },
    });
    const r = await cli("vault", "member", "add", "prod", "--email", "new@example.com", "--role", "member");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Added new@example.com to vault prod as member.");
    expect(r.stdout).toContain(`  ${invitation.token}\n`);
    expect(r.stdout).toContain(`valid until ${invitation.expiresAt}`);
    expect(r.stdout).toContain("/login/token");

    server.on("POST", "/v1/admin/vaults/prod/members", {
      status: 201,
      body: { operatorId: "op_y", email: "new@example.com", role: "member" },
    });
    const known = await cli(
      "vault",
      "member",
      "add",
      "prod",
      "--email",
      "new@example.com",
      "--role",
      "member",
    );
    expect(known.stdout).toBe("Added new@example.com to vault prod as member.\n");
  });

  it("member add refuses a role that does not exist", async () => {
    const r = await cli("vault", "member", "add", "prod", "--email", "dev@example.com", "--role", "god");
    expect(r.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});
