import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import { createWorld, enrollMachine, newIdentity, signed } from "../../test-support/machine-client.js";

describe("machine API: happy path", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("enrolls with proof of possession, says who it is, and reads a granted secret", async () => {
    const world = await createWorld(h);
    const machine = await enrollMachine(h, world, { autoApprove: true });
    expect(machine.status).toBe("enabled");
    expect(machine.id).toMatch(/^mach_/);

    const me = await expectJson<Record<string, unknown>>(
      await signed(h, "/v1/machines/me", { keyId: machine.id, key: machine.key }),
      200,
    );
    expect(me).toMatchObject({
      machineId: machine.id,
      name: machine.name,
      vaultName: world.vault.name,
      status: "enabled",
    });
    expect(me["projects"]).toEqual([{ id: world.project.id, name: "api" }]);

    const read = await signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key });
    expect(await expectJson(read, 200)).toEqual({
      id: world.secretId,
      kind: "structured",
      fields: { STRIPE_KEY: "sk_test_123" },
    });
    const [event] = await h.events("secret.read");
    expect(event).toMatchObject({ machineId: machine.id, secretId: world.secretId, outcome: "success" });
  });

  // Machine reads carry no Authorization header: a shared cache must not keep their answers.
  it("tells every cache not to store a secret, a revealed field or a refusal", async () => {
    const world = await createWorld(h);
    const machine = await enrollMachine(h, world, { autoApprove: true });
    const read = await signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key });
    const revealed = await h.admin("GET", `/v1/admin/secrets/${world.secretId}?reveal=true`);
    const missing = await signed(h, "/v1/secrets/sk_nothing_here", { keyId: machine.id, key: machine.key });
    expect([read.status, revealed.status, missing.status]).toEqual([200, 200, 404]);
    for (const res of [read, revealed, missing]) expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("is last seen when it enrolls, and the stamp moves at most once a minute after that", async () => {
    const world = await createWorld(h);
    const enrolledAt = h.clock.now().toISOString();
    const machine = await enrollMachine(h, world, { autoApprove: true });
    const lastSeen = async () =>
      (
        await expectJson<{ lastSeenAt: string | null }>(
          await h.admin("GET", `/v1/admin/machines/${machine.id}`),
          200,
        )
      ).lastSeenAt;
    expect(await lastSeen()).toBe(enrolledAt);
    const read = () => signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key });
    h.clock.advance(30);
    expect((await read()).status).toBe(200);
    expect(await lastSeen()).toBe(enrolledAt);
    h.clock.advance(31);
    expect((await read()).status).toBe(200);
    const stamped = h.clock.now().toISOString();
    expect(await lastSeen()).toBe(stamped);
    // The machine is read from memory now: its cached row took the new stamp, so the next
    // minute counts from it, not from the enrolment.
    h.clock.advance(30);
    expect((await read()).status).toBe(200);
    expect(await lastSeen()).toBe(stamped);
    h.clock.advance(31);
    expect((await read()).status).toBe(200);
    expect(await lastSeen()).toBe(h.clock.now().toISOString());
  });

  it("a pending machine may ask who it is, and becomes able to read once approved", async () => {
    const world = await createWorld(h);
    const machine = await enrollMachine(h, world, { autoApprove: false });
    expect(machine.status).toBe("pending");
    const me = await expectJson(
      await signed(h, "/v1/machines/me", { keyId: machine.id, key: machine.key }),
      200,
    );
    expect(me).toMatchObject({ status: "pending" });

    await expectJson(await h.admin("POST", `/v1/admin/machines/${machine.id}/approve`), 200);
    const read = await signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key });
    expect(read.status).toBe(200);
  });

  it("grants by machine name after enrollment, as the CLI does", async () => {
    const world = await createWorld(h);
    const machine = await enrollMachine(h, world, { grant: false });
    const denied = await signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key });
    expect(denied.status).toBe(404);
    const granted = await h.admin(
      "POST",
      `/v1/admin/machines/${machine.name}/grants?vault=${world.vault.name}`,
      { project: "api" },
    );
    expect((await expectJson<{ projects: unknown[] }>(granted, 200)).projects).toHaveLength(1);
    const read = await signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key });
    expect(read.status).toBe(200);
  });

  it("decrements an enrollment token's uses and refuses it once used up", async () => {
    const world = await createWorld(h);
    const token = await expectJson<{ token: string; id: string }>(
      await h.admin("POST", "/v1/admin/enrollment-tokens", { vault: world.vault.id, uses: 1 }),
      201,
    );
    const enroll = async (name: string) => {
      const id = await newIdentity();
      return signed(h, "/v1/enroll", {
        method: "POST",
        body: { token: token.token, name, publicKeyPem: id.publicKeyPem },
        keyId: id.thumbprint,
        key: id.key,
      });
    };
    expect((await enroll("first")).status).toBe(201);
    const second = await enroll("second");
    expect(second.status).toBe(401);
    expect((await expectJson(second, 401))["code"]).toBe("ENROLLMENT_TOKEN_INVALID");
    const [denied] = await h.events("machine.enroll_denied");
    expect(denied).toMatchObject({ reason: "token used up", vaultId: world.vault.id });
  });
});
