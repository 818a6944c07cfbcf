import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnrollResponse } from "@sikkerkey/protocol";
import { keyThumbprint, publicKeyPemFromPrivate } from "@sikkerkey/signing";
import { writeIdentityFile } from "@sikkerkey/signing/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SikkerKey } from "./client.js";
import { enroll } from "./enroll.js";
import type { SikkerKeyError } from "./errors.js";
import { json, WHOAMI } from "./testing/fixtures.js";
import {
  type MachineServer,
  problem,
  resetConnection,
  startMachineServer,
} from "./testing/machine-server.js";

const MACHINE: EnrollResponse = { machineId: "mach_new", name: "m1", vaultId: "vault_1", status: "enabled" };
const TOKEN = "skt_enroll_secret_token";
let server: MachineServer;

beforeEach(async () => {
  server = await startMachineServer();
  server.on("GET", "/v1/machines/me", () => json({ ...WHOAMI, machineId: "mach_new" }));
});

afterEach(async () => {
  await server.close();
});

function acceptEnrollment(): void {
  server.on("POST", "/v1/enroll", async (c) => {
    const { publicKeyPem } = (await c.req.json()) as { publicKeyPem: string };
    server.addMachine(MACHINE.machineId, publicKeyPem);
    return json(MACHINE, 201);
  });
}

describe("enroll", () => {
  it("proves possession of a key generated here, and returns a working identity", async () => {
    acceptEnrollment();
    const { identity, machine } = await enroll({ server: server.url, token: TOKEN, name: "m1" });

    expect(machine).toEqual(MACHINE);
    expect(identity).toEqual({
      server: server.url,
      machineId: "mach_new",
      privateKeyPem: expect.any(String),
    });
    const [request] = server.seen;
    // The signature's keyid is the thumbprint of the key in the body: the server verified with it.
    const publicKeyPem = publicKeyPemFromPrivate(identity.privateKeyPem);
    expect(request?.keyId).toBe(keyThumbprint(publicKeyPem));
    expect(JSON.parse(request?.body ?? "")).toEqual({ token: TOKEN, name: "m1", publicKeyPem });
    expect(request?.headers["content-digest"]).toMatch(/^sha-256=:/);
    expect(request?.headers["signature-input"]).toContain('"content-digest"');

    const sk = new SikkerKey({ identity });
    await expect(sk.whoami()).resolves.toMatchObject({ machineId: "mach_new" });
    await sk.close();
  });

  it("maps a refused token without retrying or quoting the token", async () => {
    server.on("POST", "/v1/enroll", () =>
      problem("ENROLLMENT_TOKEN_INVALID", "the token is invalid or used up"),
    );
    const error = (await enroll({ server: server.url, token: TOKEN, name: "m1" }).catch(
      (e: unknown) => e,
    )) as SikkerKeyError;
    expect([error.code, error.status, error.isRetryable]).toEqual(["ENROLLMENT_TOKEN_INVALID", 401, false]);
    expect(error.message).not.toContain(TOKEN);
    expect(server.seen).toHaveLength(1);
  });

  it("repeats an enrollment the server declined (503) but not one that may have been processed", async () => {
    server.on("POST", "/v1/enroll", (_c, n) => (n === 1 ? problem("NOT_READY") : json(MACHINE, 201)));
    await enroll({ server: server.url, token: TOKEN, name: "m1", retryDelayMs: 1 });
    expect(server.seen).toHaveLength(2);

    server.seen.length = 0;
    server.on("POST", "/v1/enroll", (c) => resetConnection(c));
    const error = (await enroll({ server: server.url, token: TOKEN, name: "m2", retryDelayMs: 1 }).catch(
      (e: unknown) => e,
    )) as SikkerKeyError;
    expect(error.code).toBe("NETWORK_ERROR");
    expect(server.seen).toHaveLength(1);
  });

  it("stops before spending the token when the home already holds an identity", async () => {
    acceptEnrollment();
    const home = await mkdtemp(join(tmpdir(), "sikkerkey-enroll-"));
    try {
      await writeIdentityFile(await server.newIdentity(), home);
      const error = (await enroll({ server: server.url, token: TOKEN, name: "m1", home }).catch(
        (e: unknown) => e,
      )) as SikkerKeyError;
      expect(error.code).toBe("IDENTITY_EXISTS");
      expect(server.seen).toEqual([]);

      const fresh = join(home, "fresh");
      await expect(
        enroll({ server: server.url, token: TOKEN, name: "m1", home: fresh }),
      ).resolves.toMatchObject({
        machine: MACHINE,
      });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("refuses bad arguments before generating anything", async () => {
    for (const options of [
      { server: "ftp://example.com", token: TOKEN, name: "m1" },
      { server: server.url, token: TOKEN, name: "bad name" },
      { server: server.url, token: "", name: "m1" },
    ]) {
      const error = (await enroll(options).catch((e: unknown) => e)) as SikkerKeyError;
      expect(error.code).toBe("INVALID_ARGUMENT");
    }
    expect(server.seen).toEqual([]);
  });
});
