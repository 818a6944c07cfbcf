import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeIdentityFile } from "@sikkerkey/signing/node";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SikkerKey } from "./client.js";
import { SikkerKeyError } from "./errors.js";
import { json, WHOAMI } from "./testing/fixtures.js";
import { type MachineServer, startMachineServer } from "./testing/machine-server.js";

let server: MachineServer;
let home: string;
let sk: SikkerKey | undefined;

beforeEach(async () => {
  server = await startMachineServer();
  server.on("GET", "/v1/machines/me", () => json(WHOAMI));
  home = await mkdtemp(join(tmpdir(), "sikkerkey-sdk-"));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await sk?.close();
  sk = undefined;
  await server.close();
  await rm(home, { recursive: true, force: true });
});

describe("identity from $SIKKERKEY_HOME", () => {
  it("reads identity.json again on the first call when it appeared after construction", async () => {
    vi.stubEnv("SIKKERKEY_HOME", home);
    sk = new SikkerKey(); // no file yet: the read the constructor started fails, or is still in flight
    await writeIdentityFile(await server.newIdentity(), home);

    await expect(sk.whoami()).resolves.toEqual(WHOAMI);
    expect(server.seen[0]?.keyId).toBe("mach_test");
  });

  it("takes the folder from options.home", async () => {
    await writeIdentityFile(await server.newIdentity(), home);
    sk = new SikkerKey({ home });
    await expect(sk.whoami()).resolves.toEqual(WHOAMI);
  });

  it("reports a missing identity, and recovers once the machine enrolls", async () => {
    vi.stubEnv("SIKKERKEY_HOME", home);
    sk = new SikkerKey();
    const error = (await sk.whoami().catch((e: unknown) => e)) as SikkerKeyError;
    expect([error.code, error.status, error.isRetryable]).toEqual(["IDENTITY_NOT_FOUND", 0, false]);

    await writeIdentityFile(await server.newIdentity(), home);
    await expect(sk.whoami()).resolves.toEqual(WHOAMI);
  });

  // Guards the construction-time preload: it must neither crash a process that never calls nor change the error.
  it("starts loading at construction without an unhandled rejection, and the first call reports the missing file", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const neverCalled = new SikkerKey({ home });
      sk = new SikkerKey({ home });
      const error = (await sk.getFields("sk_api_keys").catch((e: unknown) => e)) as SikkerKeyError;
      expect(SikkerKeyError.isInstance(error)).toBe(true);
      expect([error.code, error.status, error.isRetryable]).toEqual(["IDENTITY_NOT_FOUND", 0, false]);
      // Time for the other client's preload (same missing file) to settle; vitest also fails the run on a late one.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await neverCalled.close();
      expect(unhandled).toEqual([]);
      expect(server.seen).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it.skipIf(process.platform === "win32")("refuses an identity file others can read", async () => {
    const path = await writeIdentityFile(await server.newIdentity(), home);
    await chmod(path, 0o644);
    sk = new SikkerKey({ home });
    const error = (await sk.whoami().catch((e: unknown) => e)) as SikkerKeyError;
    expect(error.code).toBe("IDENTITY_PERMISSIONS");
    expect(server.seen).toEqual([]);
  });
});
