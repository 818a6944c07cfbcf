import type { MemberAdded } from "@sikkerkey/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectJson, type Harness } from "../../../test-support/harness.js";
import { createWorld } from "../../../test-support/machine-client.js";
import { operatorWithRole } from "../../../test-support/operators.js";

describe("vaults, members and projects", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  describe("happy path", () => {
    it("creates a vault owned by the caller and finds it by id or name", async () => {
      const vault = await expectJson<{ id: string }>(
        await h.admin("POST", "/v1/admin/vaults", { name: "prod" }),
        201,
      );
      expect(vault).toMatchObject({ name: "prod", role: "owner" });
      expect(vault.id).toMatch(/^vault_/);
      expect(await expectJson(await h.admin("GET", "/v1/admin/vaults/prod"), 200)).toEqual(vault);
      expect(await expectJson(await h.admin("GET", `/v1/admin/vaults/${vault.id}`), 200)).toEqual(vault);
      const list = await expectJson<{ items: { name: string }[] }>(
        await h.admin("GET", "/v1/admin/vaults"),
        200,
      );
      expect(list.items.map((v) => v.name)).toContain("prod");
      const [event] = await h.events("vault.create");
      expect(event).toMatchObject({
        vaultId: vault.id,
        actor: { type: "operator", id: h.owner.operatorId, tokenId: h.owner.tokenId },
      });
    });

    it("creates, lists and deletes projects; deleting trashes their secrets", async () => {
      const world = await createWorld(h);
      const projects = await expectJson<{ items: { name: string }[] }>(
        await h.admin("GET", `/v1/admin/vaults/${world.vault.name}/projects`),
        200,
      );
      expect(projects.items.map((p) => p.name)).toEqual(["api"]);
      const deleted = await h.admin("DELETE", `/v1/admin/vaults/${world.vault.name}/projects/api`);
      expect(await expectJson(deleted, 200)).toEqual({ id: world.project.id, revokedLeases: 0 });
      const trash = await expectJson<{ items: { id: string }[] }>(
        await h.admin("GET", `/v1/admin/trash?vault=${world.vault.name}`),
        200,
      );
      expect(trash.items.map((t) => t.id)).toEqual([world.secretId]);
      // The name comes back: creating it again revives the project.
      const again = await expectJson<{ id: string }>(
        await h.admin("POST", `/v1/admin/vaults/${world.vault.name}/projects`, { name: "api" }),
        201,
      );
      expect(again.id).toBe(world.project.id);
    });

    it("adds members with a role, and lists them", async () => {
      const world = await createWorld(h);
      const member = await expectJson(
        await h.admin("POST", `/v1/admin/vaults/${world.vault.name}/members`, {
          email: "Dev@Example.com",
          role: "member",
        }),
        201,
      );
      expect(member).toMatchObject({ email: "dev@example.com", role: "member" });
      const members = await expectJson<{ items: { email: string; role: string }[] }>(
        await h.admin("GET", `/v1/admin/vaults/${world.vault.name}/members`),
        200,
      );
      expect(members.items).toContainEqual(
        expect.objectContaining({ email: "owner@example.com", role: "owner" }),
      );
    });

    it("deletes a vault (owner): its secrets go to the trash and it disappears", async () => {
      const world = await createWorld(h);
      expect(await expectJson(await h.admin("DELETE", `/v1/admin/vaults/${world.vault.name}`), 200)).toEqual({
        id: world.vault.id,
        revokedLeases: 0,
      });
      expect((await h.admin("GET", `/v1/admin/vaults/${world.vault.name}`)).status).toBe(404);
      const trash = await expectJson<{ items: { id: string }[] }>(
        await h.admin("GET", "/v1/admin/trash"),
        200,
      );
      expect(trash.items.map((t) => t.id)).toContain(world.secretId);
      const restore = await h.admin("POST", `/v1/admin/trash/${world.secretId}/restore`);
      expect((await expectJson(restore, 409))["code"]).toBe("CONFLICT");
      expect((await h.admin("DELETE", `/v1/admin/trash/${world.secretId}`)).status).toBe(204);
      // Its name stays taken, and the refusal says why rather than that the vault exists.
      const reuse = await expectJson(
        await h.admin("POST", "/v1/admin/vaults", { name: world.vault.name }),
        409,
      );
      expect(reuse).toMatchObject({ code: "ALREADY_EXISTS", detail: expect.stringContaining("was deleted") });
    });
  });

  describe("errors", () => {
    it("refuses a duplicate vault name with 409 and changes nothing", async () => {
      await expectJson(await h.admin("POST", "/v1/admin/vaults", { name: "dupe" }), 201);
      const res = await h.admin("POST", "/v1/admin/vaults", { name: "dupe" });
      expect((await expectJson(res, 409))["code"]).toBe("ALREADY_EXISTS");
    });

    it("refuses a bad name with VALIDATION_FAILED and the field path", async () => {
      const body = await expectJson<{ code: string; errors: { path: string; message: string }[] }>(
        await h.admin("POST", "/v1/admin/vaults", { name: "Not OK" }),
        400,
      );
      expect(body.code).toBe("VALIDATION_FAILED");
      expect(body.errors[0]).toMatchObject({ path: "name" });
    });

    it("answers 404 for an unknown vault, and for one the caller is not a member of", async () => {
      expect((await expectJson(await h.admin("GET", "/v1/admin/vaults/nowhere"), 404))["code"]).toBe(
        "NOT_FOUND",
      );
      const world = await createWorld(h);
      const outsider = await operatorWithRole(h, (await createWorld(h)).vault.name, "owner");
      const res = await h.admin("GET", `/v1/admin/vaults/${world.vault.name}`, undefined, {
        token: outsider.token,
      });
      expect((await expectJson(res, 404))["code"]).toBe("NOT_FOUND");
    });
  });

  describe("roles", () => {
    it("a new operator gets an invitation, for 72 hours, which the API refuses", async () => {
      const world = await createWorld(h);
      const path = `/v1/admin/vaults/${world.vault.name}/members`;
      const added = await expectJson<MemberAdded>(
        await h.admin("POST", path, { email: "new@example.com", role: "admin" }),
        201,
      );
      expect(added.invitation?.token).toMatch(/^skt_/);
      const token = added.invitation!.token;
      expect(new Date(added.invitation!.expiresAt).getTime()).toBe(h.clock.now().getTime() + 72 * 3600_000);

      // It only signs in to the dashboard (dashboard/auth.test.ts). On the API it could make its
      // holder a lasting token as the new operator.
      expect((await h.admin("GET", "/v1/admin/vaults", undefined, { token })).status).toBe(401);
      const lasting = await h.admin("POST", "/v1/admin/tokens", { name: "laptop" }, { token });
      expect(lasting.status).toBe(401);
      const [refused] = (await h.events("auth.failed")).slice(-1);
      expect(refused?.reason).toBe("invitation used outside the dashboard's sign-in");

      // The token is never in the audit trail; which token it was, is.
      const events = await h.events("member.add");
      const event = events.find((e) => (e.detail as { email?: string }).email === "new@example.com");
      expect(event?.detail).toMatchObject({ invitation: { expiresAt: added.invitation!.expiresAt } });
      expect(JSON.stringify(events)).not.toContain(token);
    });

    it("keeps the invitation's token name for invitations", async () => {
      const res = await h.admin("POST", "/v1/admin/tokens", { name: "invitation" });
      expect((await expectJson(res, 400))["code"]).toBe("VALIDATION_FAILED");
    });

    it("members read metadata but cannot create projects", async () => {
      const world = await createWorld(h);
      const member = await operatorWithRole(h, world.vault.name, "member");
      expect(
        (
          await h.admin("GET", `/v1/admin/vaults/${world.vault.name}/projects`, undefined, {
            token: member.token,
          })
        ).status,
      ).toBe(200);
      const res = await h.admin(
        "POST",
        `/v1/admin/vaults/${world.vault.name}/projects`,
        { name: "web" },
        { token: member.token },
      );
      expect((await expectJson(res, 403))["code"]).toBe("FORBIDDEN");
    });

    it("admins manage projects but cannot make owners or delete the vault", async () => {
      const world = await createWorld(h);
      const admin = await operatorWithRole(h, world.vault.name, "admin");
      const opts = { token: admin.token };
      expect(
        (await h.admin("POST", `/v1/admin/vaults/${world.vault.name}/projects`, { name: "web" }, opts))
          .status,
      ).toBe(201);
      const owner = await h.admin(
        "POST",
        `/v1/admin/vaults/${world.vault.name}/members`,
        { email: "x@example.com", role: "owner" },
        opts,
      );
      expect((await expectJson(owner, 403))["code"]).toBe("OWNER_ONLY");
      const del = await h.admin("DELETE", `/v1/admin/vaults/${world.vault.name}`, undefined, opts);
      expect((await expectJson(del, 403))["code"]).toBe("OWNER_ONLY");
    });
  });
});
