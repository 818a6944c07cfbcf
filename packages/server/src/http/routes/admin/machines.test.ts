import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectJson, type Harness } from "../../../test-support/harness.js";
import { createWorld, enrollMachine, newIdentity, signed } from "../../../test-support/machine-client.js";

type MachineView = {
  id: string;
  name: string;
  status: string;
  projects: { name: string }[];
  revokedLeases?: number;
};

describe("machines (operator side)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists by vault and status, and finds a machine by name", async () => {
    const world = await createWorld(h);
    const pending = await enrollMachine(h, world, { autoApprove: false, name: "web-01" });
    await enrollMachine(h, world, { name: "web-02" });
    const list = await expectJson<{ items: MachineView[] }>(
      await h.admin("GET", `/v1/admin/machines?vault=${world.vault.name}&status=pending`),
      200,
    );
    expect(list.items.map((m) => m.name)).toEqual(["web-01"]);
    const one = await expectJson<MachineView>(
      await h.admin("GET", `/v1/admin/machines/web-01?vault=${world.vault.name}`),
      200,
    );
    expect(one).toMatchObject({ id: pending.id, status: "pending", liveLeases: 0 });
  });

  it("pages with a cursor", async () => {
    const world = await createWorld(h);
    for (let i = 0; i < 3; i++) await enrollMachine(h, world);
    const first = await expectJson<{ items: MachineView[]; nextCursor: string }>(
      await h.admin("GET", `/v1/admin/machines?vault=${world.vault.name}&limit=2`),
      200,
    );
    expect(first.items).toHaveLength(2);
    const second = await expectJson<{ items: MachineView[]; nextCursor?: string }>(
      await h.admin("GET", `/v1/admin/machines?vault=${world.vault.name}&limit=2&cursor=${first.nextCursor}`),
      200,
    );
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
  });

  it("a name used in two vaults needs ?vault=", async () => {
    const a = await createWorld(h);
    const b = await createWorld(h);
    await enrollMachine(h, a, { name: "shared" });
    await enrollMachine(h, b, { name: "shared" });
    const res = await h.admin("POST", "/v1/admin/machines/shared/disable");
    expect((await expectJson(res, 409))["code"]).toBe("AMBIGUOUS_NAME");
    const ok = await expectJson<MachineView>(
      await h.admin("POST", `/v1/admin/machines/shared/disable?vault=${b.vault.name}`),
      200,
    );
    expect(ok).toMatchObject({ status: "disabled", revokedLeases: 0 });
  });

  it("moves through approve, disable and enable, each audited, and refuses nonsense moves", async () => {
    const world = await createWorld(h);
    const m = await enrollMachine(h, world, { autoApprove: false });
    const enablePending = await h.admin("POST", `/v1/admin/machines/${m.id}/enable`);
    expect((await expectJson(enablePending, 409))["detail"]).toMatch(/approve it/);
    expect(
      (await expectJson<MachineView>(await h.admin("POST", `/v1/admin/machines/${m.id}/approve`), 200))
        .status,
    ).toBe("enabled");
    expect(
      (await expectJson<MachineView>(await h.admin("POST", `/v1/admin/machines/${m.id}/disable`), 200))
        .status,
    ).toBe("disabled");
    const approveDisabled = await h.admin("POST", `/v1/admin/machines/${m.id}/approve`);
    expect((await expectJson(approveDisabled, 409))["detail"]).toMatch(/enable it/);
    expect(
      (await expectJson<MachineView>(await h.admin("POST", `/v1/admin/machines/${m.id}/enable`), 200)).status,
    ).toBe("enabled");
    for (const action of ["machine.approve", "machine.disable", "machine.enable"] as const) {
      expect((await h.events(action))[0]).toMatchObject({ machineId: m.id, actor: { type: "operator" } });
    }
  });

  it("grants and removes project access; a project of another vault is not found", async () => {
    const world = await createWorld(h);
    const elsewhere = await createWorld(h);
    const m = await enrollMachine(h, world, { grant: false });
    const granted = await expectJson<MachineView>(
      await h.admin("POST", `/v1/admin/machines/${m.id}/grants`, { project: "api" }),
      200,
    );
    expect(granted.projects.map((p) => p.name)).toEqual(["api"]);
    const foreign = await h.admin("POST", `/v1/admin/machines/${m.id}/grants`, {
      project: elsewhere.project.id,
    });
    expect((await expectJson(foreign, 404))["code"]).toBe("NOT_FOUND");
    const removed = await expectJson<MachineView>(
      await h.admin("DELETE", `/v1/admin/machines/${m.id}/grants/api`),
      200,
    );
    expect(removed.projects).toEqual([]);
    expect((await h.events("machine.ungrant"))[0]?.machineId).toBe(m.id);
  });
});

describe("enrollment tokens", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("shows the token once, stores only its hash, and can be revoked", async () => {
    const world = await createWorld(h);
    const created = await expectJson<{ id: string; token: string; usesLeft: number; expiresAt: string }>(
      await h.admin("POST", "/v1/admin/enrollment-tokens", {
        vault: world.vault.name,
        uses: 3,
        ttlSeconds: 3600,
      }),
      201,
    );
    expect(created.token).toMatch(/^ske_/);
    expect(created).toMatchObject({
      usesLeft: 3,
      expiresAt: new Date(h.clock.now().getTime() + 3600_000).toISOString(),
    });
    const list = await h.admin("GET", `/v1/admin/enrollment-tokens?vault=${world.vault.name}`);
    const text = await list.text();
    expect(text).toContain(created.id);
    expect(text).not.toContain(created.token);
    const revoked = await expectJson<{ revokedAt: string | null }>(
      await h.admin("DELETE", `/v1/admin/enrollment-tokens/${created.id}`),
      200,
    );
    expect(revoked.revokedAt).not.toBeNull();
  });

  it("refuses an expired token at enrollment", async () => {
    const world = await createWorld(h);
    const created = await expectJson<{ token: string }>(
      await h.admin("POST", "/v1/admin/enrollment-tokens", { vault: world.vault.name, ttlSeconds: 60 }),
      201,
    );
    h.clock.advance(61);
    const id = await newIdentity();
    const res = await signed(h, "/v1/enroll", {
      method: "POST",
      body: { token: created.token, name: "late", publicKeyPem: id.publicKeyPem },
      keyId: id.thumbprint,
      key: id.key,
    });
    expect((await expectJson(res, 401))["code"]).toBe("ENROLLMENT_TOKEN_INVALID");
    expect((await h.events("machine.enroll_denied"))[0]).toMatchObject({
      reason: "expired token",
      vaultId: world.vault.id,
    });
  });
});
