import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectJson, type Harness } from "../../../test-support/harness.js";
import { createWorld, enrollMachine, signed } from "../../../test-support/machine-client.js";
import { operatorWithRole } from "../../../test-support/operators.js";

type SecretView = {
  id: string;
  version: number;
  fieldNames: string[];
  fields?: Record<string, string>;
  deletedAt: string | null;
};

describe("secrets and trash", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  describe("happy path", () => {
    it("lists field names only; reveal opens the fields and is audited", async () => {
      const world = await createWorld(h, { B: "2", A: "1" });
      const list = await expectJson<{ items: SecretView[] }>(
        await h.admin("GET", `/v1/admin/secrets?vault=${world.vault.name}&project=api`),
        200,
      );
      expect(list.items).toEqual([
        expect.objectContaining({ id: world.secretId, fieldNames: ["A", "B"], projectName: "api" }),
      ]);
      expect(JSON.stringify(list)).not.toMatch(/"fields"/);

      const plain = await expectJson<SecretView>(
        await h.admin("GET", `/v1/admin/secrets/${world.secretId}`),
        200,
      );
      expect(plain.fields).toBeUndefined();
      const revealed = await expectJson<SecretView>(
        await h.admin("GET", `/v1/admin/secrets/${world.secretId}?reveal=true`),
        200,
      );
      expect(revealed.fields).toEqual({ A: "1", B: "2" });
      const [event] = await h.events("secret.read");
      expect(event).toMatchObject({
        secretId: world.secretId,
        actor: { type: "operator" },
        detail: { reveal: true },
      });
      expect(JSON.stringify(event)).not.toContain('"1"');
      // A proxy could read a repeated key the other way round: refused, nothing revealed.
      const twice = await h.admin("GET", `/v1/admin/secrets/${world.secretId}?reveal=false&reveal=true`);
      expect(twice.status).toBe(400);
      expect(await twice.json()).toMatchObject({
        code: "VALIDATION_FAILED",
        errors: [{ path: "reveal", message: "given more than once" }],
      });
      expect(await h.events("secret.read")).toHaveLength(1);
    });

    it("updates fields under a new version that machines read", async () => {
      const world = await createWorld(h);
      const machine = await enrollMachine(h, world);
      const updated = await expectJson<SecretView>(
        await h.admin("PATCH", `/v1/admin/secrets/${world.secretId}`, {
          fields: { STRIPE_KEY: "sk_live_2" },
        }),
        200,
      );
      expect(updated.version).toBe(2);
      const read = await expectJson<{ fields: unknown }>(
        await signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key }),
        200,
      );
      expect(read.fields).toEqual({ STRIPE_KEY: "sk_live_2" });
    });

    it("deletes to the trash, restores, and purges for good", async () => {
      const world = await createWorld(h);
      expect(await expectJson(await h.admin("DELETE", `/v1/admin/secrets/${world.secretId}`), 200)).toEqual({
        id: world.secretId,
        trashed: true,
        revokedLeases: 0,
      });
      expect((await h.admin("GET", `/v1/admin/secrets/${world.secretId}`)).status).toBe(404);
      const trash = await expectJson<{ items: { id: string; deletedAt: string }[] }>(
        await h.admin("GET", `/v1/admin/trash?vault=${world.vault.id}`),
        200,
      );
      expect(trash.items).toEqual([expect.objectContaining({ id: world.secretId })]);

      const restored = await expectJson<SecretView>(
        await h.admin("POST", `/v1/admin/trash/${world.secretId}/restore`),
        200,
      );
      expect(restored.deletedAt).toBeNull();
      await expectJson(await h.admin("DELETE", `/v1/admin/secrets/${world.secretId}`), 200);
      expect((await h.admin("DELETE", `/v1/admin/trash/${world.secretId}`)).status).toBe(204);
      expect((await h.admin("POST", `/v1/admin/trash/${world.secretId}/restore`)).status).toBe(404);
      for (const action of ["secret.delete", "secret.restore", "secret.purge"] as const) {
        expect((await h.events(action))[0]?.secretId).toBe(world.secretId);
      }
    });
  });

  describe("errors", () => {
    it("refuses a duplicate id, and says when the other one is in the trash", async () => {
      const world = await createWorld(h);
      const body = {
        kind: "structured",
        id: world.secretId,
        vault: world.vault.name,
        project: "api",
        fields: { A: "x" },
      };
      expect((await expectJson(await h.admin("POST", "/v1/admin/secrets", body), 409))["detail"]).toMatch(
        /already exists/,
      );
      await h.admin("DELETE", `/v1/admin/secrets/${world.secretId}`);
      expect((await expectJson(await h.admin("POST", "/v1/admin/secrets", body), 409))["detail"]).toMatch(
        /in the trash/,
      );
    });

    it("refuses bad input with field paths and creates nothing", async () => {
      const world = await createWorld(h);
      const res = await h.admin("POST", "/v1/admin/secrets", {
        kind: "structured",
        id: "Bad Id",
        vault: world.vault.name,
        project: "api",
        fields: {},
      });
      const problem = await expectJson<{ errors: { path: string }[] }>(res, 400);
      expect(problem.errors.map((e) => e.path)).toEqual(expect.arrayContaining(["id", "fields"]));
      const list = await expectJson<{ items: unknown[] }>(
        await h.admin("GET", `/v1/admin/secrets?vault=${world.vault.name}`),
        200,
      );
      expect(list.items).toHaveLength(1);
    });

    it("an unknown project is 404, a project filter without vault is 400", async () => {
      const world = await createWorld(h);
      const res = await h.admin("POST", "/v1/admin/secrets", {
        kind: "structured",
        id: "sk_x",
        vault: world.vault.name,
        project: "nope",
        fields: { A: "b" },
      });
      expect((await expectJson(res, 404))["code"]).toBe("NOT_FOUND");
      expect((await expectJson(await h.admin("GET", "/v1/admin/secrets?project=api"), 400))["code"]).toBe(
        "VALIDATION_FAILED",
      );
    });

    it("members may list but not reveal, change or delete", async () => {
      const world = await createWorld(h);
      const member = await operatorWithRole(h, world.vault.name, "member");
      const as = { token: member.token };
      expect((await h.admin("GET", `/v1/admin/secrets/${world.secretId}`, undefined, as)).status).toBe(200);
      for (const [method, path, body] of [
        ["GET", `/v1/admin/secrets/${world.secretId}?reveal=true`, undefined],
        ["PATCH", `/v1/admin/secrets/${world.secretId}`, { fields: { A: "b" } }],
        ["DELETE", `/v1/admin/secrets/${world.secretId}`, undefined],
      ] as const) {
        expect((await expectJson(await h.admin(method, path, body, as), 403))["code"]).toBe("FORBIDDEN");
      }
    });
  });

  describe("leased secrets (configuration)", () => {
    const leased = (world: { vault: { name: string } }, id: string, extra: Record<string, unknown> = {}) => ({
      kind: "leased",
      id,
      vault: world.vault.name,
      project: "api",
      leased: {
        connection: {
          host: "db.internal",
          database: "app",
          adminUser: "sikkerkey",
          adminPassword: "hunter2-admin",
        },
        policy: { lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 60 },
        ...extra,
      },
    });

    it("stores the configuration and never shows the admin password", async () => {
      const world = await createWorld(h);
      const created = await h.admin("POST", "/v1/admin/secrets", leased(world, "sk_db_prod"));
      const text = await created.text();
      expect(created.status).toBe(201);
      expect(text).not.toContain("hunter2");
      expect(JSON.parse(text)).toMatchObject({
        kind: "leased",
        leased: { connection: { host: "db.internal", port: 5432, hasCa: false } },
        liveLeases: 0,
      });
    });

    // Regression: zod filled defaults inside the partial policy, so a PATCH of one field reset the others.
    it("a partial PATCH changes only what was sent", async () => {
      const world = await createWorld(h);
      await expectJson(await h.admin("POST", "/v1/admin/secrets", leased(world, "sk_db_patch")), 201);
      const res = await h.admin("PATCH", "/v1/admin/secrets/sk_db_patch", {
        leased: { policy: { lifetimeSeconds: 600 } },
      });
      const view = await expectJson<{ leased: { policy: Record<string, unknown> } }>(res, 200);
      expect(view.leased.policy).toMatchObject({
        lifetimeSeconds: 600,
        renewOnRead: true,
        renewWindowSeconds: 60,
      });
    });

    it("refuses a patch that breaks the policy as a whole", async () => {
      const world = await createWorld(h);
      await expectJson(await h.admin("POST", "/v1/admin/secrets", leased(world, "sk_db_bad")), 201);
      const res = await h.admin("PATCH", "/v1/admin/secrets/sk_db_bad", {
        leased: { policy: { lifetimeSeconds: 60 } },
      });
      const problem = await expectJson<{ code: string; errors: { path: string }[] }>(res, 400);
      expect(problem.code).toBe("INVALID_LEASE_POLICY");
      expect(problem.errors[0]?.path).toBe("leased.policy.renewWindowSeconds");
    });

    it("only an owner sets the grants template", async () => {
      const world = await createWorld(h);
      const admin = await operatorWithRole(h, world.vault.name, "admin");
      const body = leased(world, "sk_db_grants", {
        shape: { grants: "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {{name}}" },
      });
      expect(
        (await expectJson(await h.admin("POST", "/v1/admin/secrets", body, { token: admin.token }), 403))[
          "code"
        ],
      ).toBe("OWNER_ONLY");
      expect((await h.admin("POST", "/v1/admin/secrets", body)).status).toBe(201);
    });

    it("a machine's read of a secret whose database cannot be reached fails without the target's details", async () => {
      const world = await createWorld(h);
      await expectJson(await h.admin("POST", "/v1/admin/secrets", leased(world, "sk_db_read")), 201);
      const machine = await enrollMachine(h, world);
      const res = await signed(h, "/v1/secrets/sk_db_read", { keyId: machine.id, key: machine.key });
      expect(res.status).toBeGreaterThanOrEqual(500);
      const body = await res.text();
      expect(body).not.toContain("db.internal");
      expect(body).not.toMatch(/ECONNREFUSED|ENOTFOUND|password/i);
    });
  });
});
