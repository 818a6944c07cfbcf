import type { AuditAction } from "@sikkerkey/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeVariants } from "../../test-support/stores.js";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import {
  createWorld,
  enrollMachine,
  newIdentity,
  type SignedOptions,
  signed,
  type TestMachine,
  TEST_SOURCE_IP,
  type World,
} from "../../test-support/machine-client.js";

/** Flips one bit of the signature value, keeping it well-formed base64. */
function tamperSignature(headers: Record<string, string>): void {
  headers["signature"] = headers["signature"]!.replace(
    /:(.)/,
    (_m, c: string) => `:${c === "A" ? "B" : "A"}`,
  );
}

describe.each(storeVariants)("machine API security on $name", (variant) => {
  let h: Harness;
  let world: World;
  let machine: TestMachine;
  let other: TestMachine;

  beforeAll(async () => {
    h = await createHarness({ store: await variant.open() });
    world = await createWorld(h);
    machine = await enrollMachine(h, world);
    other = await enrollMachine(h, world);
  });
  afterAll(async () => {
    await h.close();
  });

  const routes = [
    { name: "GET /v1/machines/me", path: () => "/v1/machines/me" },
    { name: "GET /v1/secrets/{id}", path: () => `/v1/secrets/${world.secretId}` },
  ];

  async function expectRefused(
    res: Response,
    status: number,
    code: string,
    reason: string,
    auditAction: AuditAction = "machine.auth_denied",
  ) {
    const body = await expectJson<{ code: string; detail: string }>(res, status);
    expect(body.code).toBe(code);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const [event] = await h.events(auditAction);
    expect(event).toMatchObject({ outcome: "denied", reason, sourceIp: TEST_SOURCE_IP });
    return { body, event: event! };
  }

  describe.each(routes)("$name", (route) => {
    const as = (m: TestMachine, extra: Partial<SignedOptions> = {}) =>
      signed(h, route.path(), { keyId: m.id, key: m.key, ...extra });

    it("refuses an unsigned request", async () => {
      const res = await h.server.app.request(
        route.path(),
        {},
        { incoming: { socket: { remoteAddress: TEST_SOURCE_IP } } },
      );
      await expectRefused(res, 401, "UNSIGNED_REQUEST", "unsigned");
    });

    it("refuses a bad signature", async () => {
      const { event } = await expectRefused(
        await as(machine, { after: tamperSignature }),
        401,
        "BAD_SIGNATURE",
        "bad_signature",
      );
      expect(event.machineId).toBe(machine.id);
    });

    it("refuses a replayed nonce", async () => {
      const nonce = `replay-${route.name.length}-${"n".repeat(16)}`;
      expect((await as(machine, { nonce })).status).toBe(200);
      await expectRefused(await as(machine, { nonce }), 401, "REPLAYED_NONCE", "replayed");
    });

    it("refuses a stale created time, in either direction", async () => {
      const now = Math.floor(h.clock.now().getTime() / 1000);
      await expectRefused(await as(machine, { created: now - 61 }), 401, "STALE_SIGNATURE", "stale");
      await expectRefused(await as(machine, { created: now + 61 }), 401, "STALE_SIGNATURE", "stale");
    });

    it("refuses a request signed with another machine's key", async () => {
      const res = await signed(h, route.path(), { keyId: machine.id, key: other.key });
      const { event } = await expectRefused(res, 401, "BAD_SIGNATURE", "bad_signature");
      // Attributed to the machine it claimed to be, never to the key's owner.
      expect(event.machineId).toBe(machine.id);
      expect(event.actor.type).toBe("anonymous");
    });

    it("refuses a key id that names no machine", async () => {
      const stranger = await newIdentity();
      const res = await signed(h, route.path(), { keyId: "mach_1111111111111111111111", key: stranger.key });
      await expectRefused(res, 401, "UNKNOWN_KEY", "unknown_key");
    });

    it("refuses a disabled machine, and lets it back in when enabled", async () => {
      const victim = await enrollMachine(h, world);
      await expectJson(await h.admin("POST", `/v1/admin/machines/${victim.id}/disable`), 200);
      const action = route.name.includes("secrets") ? "secret.read_denied" : "machine.auth_denied";
      const { event } = await expectRefused(
        await as(victim),
        403,
        "MACHINE_DISABLED",
        "machine disabled",
        action,
      );
      expect(event.machineId).toBe(victim.id);
      await expectJson(await h.admin("POST", `/v1/admin/machines/${victim.id}/enable`), 200);
      expect((await as(victim)).status).toBe(200);
    });
  });

  it("refuses a pending machine's read", async () => {
    const pending = await enrollMachine(h, world, { autoApprove: false });
    const res = await signed(h, `/v1/secrets/${world.secretId}`, { keyId: pending.id, key: pending.key });
    const { event } = await expectRefused(
      res,
      403,
      "MACHINE_PENDING",
      "machine pending",
      "secret.read_denied",
    );
    expect(event.secretId).toBe(world.secretId);
  });

  it("answers no grant, unknown and trashed secrets with the same 404, each audited", async () => {
    const lonely = await enrollMachine(h, world, { grant: false });
    const trashedWorld = await createWorld(h);
    const reader = await enrollMachine(h, trashedWorld);
    await expectJson(await h.admin("DELETE", `/v1/admin/secrets/${trashedWorld.secretId}`), 200);
    const otherVault = await createWorld(h);

    const attempts = [
      { m: lonely, id: world.secretId, reason: "no grant" },
      { m: machine, id: "sk_does_not_exist", reason: "no such secret in the machine's vault" },
      { m: reader, id: trashedWorld.secretId, reason: "secret in trash" },
      { m: machine, id: otherVault.secretId, reason: "no such secret in the machine's vault" },
    ];
    const answers: unknown[] = [];
    for (const a of attempts) {
      const res = await signed(h, `/v1/secrets/${a.id}`, { keyId: a.m.id, key: a.m.key });
      const { body, event } = await expectRefused(
        res,
        404,
        "SECRET_NOT_FOUND",
        a.reason,
        "secret.read_denied",
      );
      expect(event).toMatchObject({ machineId: a.m.id, secretId: a.id });
      const { requestId: _ignored, ...rest } = body as Record<string, unknown>;
      answers.push(JSON.parse(JSON.stringify(rest).replaceAll(a.id, "ID")));
    }
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  describe("POST /v1/enroll", () => {
    async function enrollAttempt(
      options: {
        sign?: "own" | "other" | "none";
        after?: SignedOptions["after"];
        nonce?: string;
        created?: number;
        tamperBody?: boolean;
      } = {},
    ) {
      const token = await expectJson<{ token: string }>(
        await h.admin("POST", "/v1/admin/enrollment-tokens", { vault: world.vault.id }),
        201,
      );
      const id = await newIdentity();
      const signer = options.sign === "other" ? await newIdentity() : id;
      const body = {
        token: token.token,
        name: `enr-${Math.random().toString(36).slice(2, 8)}`,
        publicKeyPem: id.publicKeyPem,
      };
      if (options.sign === "none") {
        return h.server.app.request(
          "/v1/enroll",
          { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
          { incoming: { socket: { remoteAddress: TEST_SOURCE_IP } } },
        );
      }
      return signed(h, "/v1/enroll", {
        method: "POST",
        body,
        keyId: signer.thumbprint,
        key: signer.key,
        ...(options.nonce ? { nonce: options.nonce } : {}),
        ...(options.created ? { created: options.created } : {}),
        ...(options.after ? { after: options.after } : {}),
      });
    }

    it("refuses an unsigned enrollment", async () => {
      await expectRefused(await enrollAttempt({ sign: "none" }), 401, "UNSIGNED_REQUEST", "unsigned");
    });

    it("refuses an enrollment signed by a key other than the one enrolled", async () => {
      await expectRefused(await enrollAttempt({ sign: "other" }), 401, "UNKNOWN_KEY", "unknown_key");
    });

    it("refuses a bad signature", async () => {
      await expectRefused(
        await enrollAttempt({ after: tamperSignature }),
        401,
        "BAD_SIGNATURE",
        "bad_signature",
      );
    });

    it("refuses a stale created time", async () => {
      const created = Math.floor(h.clock.now().getTime() / 1000) - 3600;
      await expectRefused(await enrollAttempt({ created }), 401, "STALE_SIGNATURE", "stale");
    });

    it("refuses a body that does not match its Content-Digest", async () => {
      const res = await enrollAttempt({
        after: (headers) => {
          headers["content-digest"] = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
        },
      });
      await expectRefused(res, 401, "DIGEST_MISMATCH", "digest_mismatch");
    });

    it("refuses a replayed enrollment request", async () => {
      const token = await expectJson<{ token: string }>(
        await h.admin("POST", "/v1/admin/enrollment-tokens", { vault: world.vault.id, uses: 5 }),
        201,
      );
      const id = await newIdentity();
      const options = {
        method: "POST",
        body: { token: token.token, name: "replayed-enroll", publicKeyPem: id.publicKeyPem },
        keyId: id.thumbprint,
        key: id.key,
        nonce: "enroll-replay-nonce-0001",
      };
      expect((await signed(h, "/v1/enroll", options)).status).toBe(201);
      await expectRefused(await signed(h, "/v1/enroll", options), 401, "REPLAYED_NONCE", "replayed");
    });

    it("refuses an unknown enrollment token, audited without the token", async () => {
      const id = await newIdentity();
      const res = await signed(h, "/v1/enroll", {
        method: "POST",
        body: {
          token: "ske_not_a_real_token_at_all_000000000000",
          name: "nope",
          publicKeyPem: id.publicKeyPem,
        },
        keyId: id.thumbprint,
        key: id.key,
      });
      const { event } = await expectRefused(
        res,
        401,
        "ENROLLMENT_TOKEN_INVALID",
        "unknown token",
        "machine.enroll_denied",
      );
      expect(JSON.stringify(event)).not.toContain("ske_not_a_real_token");
    });
  });
});
