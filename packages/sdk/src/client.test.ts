import type { LeasedCredentialFields } from "@sikkerkey/protocol";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { SikkerKey } from "./client.js";
import { SikkerKeyError } from "./errors.js";
import { json, LEASED, STRUCTURED, WHOAMI } from "./testing/fixtures.js";
import { type MachineServer, startMachineServer } from "./testing/machine-server.js";

let server: MachineServer;
let sk: SikkerKey | undefined;

beforeEach(async () => {
  server = await startMachineServer();
  server.on("GET", "/v1/secrets/sk_api_keys", () => json(STRUCTURED));
  server.on("GET", "/v1/secrets/sk_db_prod", () => json(LEASED));
  server.on("GET", "/v1/machines/me", () => json(WHOAMI));
});

afterEach(async () => {
  await sk?.close();
  sk = undefined;
  await server.close();
});

describe("SikkerKey", () => {
  it("signs each request so the server's verifier accepts it", async () => {
    sk = new SikkerKey({ identity: await server.newIdentity() });
    await sk.get("sk_api_keys");
    await sk.whoami();

    expect(server.refused).toEqual([]);
    expect(server.seen.map((r) => [r.method, r.path, r.keyId])).toEqual([
      ["GET", "/v1/secrets/sk_api_keys", "mach_test"],
      ["GET", "/v1/machines/me", "mach_test"],
    ]);
    // A GET has no body, so its signature covers no digest.
    expect(server.seen[0]?.headers["content-digest"]).toBeUndefined();
    expect(server.seen[0]?.headers["signature-input"]).toContain('tag="sikkerkey"');
  });

  it("returns a leased secret's fields typed, with the port as a number", async () => {
    sk = new SikkerKey({ identity: await server.newIdentity() });
    const db = await sk.getFields<LeasedCredentialFields>("sk_db_prod");

    expectTypeOf(db.port).toEqualTypeOf<number>();
    expect(db).toEqual(LEASED.fields);
    expect(typeof db.port).toBe("number");
  });

  it("returns the whole response, lease included, from get()", async () => {
    sk = new SikkerKey({ identity: await server.newIdentity() });
    await expect(sk.get("sk_db_prod")).resolves.toEqual(LEASED);
    await expect(sk.getFields("sk_api_keys")).resolves.toEqual({ STRIPE_KEY: "sk_test_123" });
  });

  it("returns whoami", async () => {
    sk = new SikkerKey({ identity: await server.newIdentity() });
    await expect(sk.whoami()).resolves.toEqual(WHOAMI);
  });

  it("sends its version in User-Agent, with the caller's suffix", async () => {
    sk = new SikkerKey({ identity: await server.newIdentity(), userAgent: "billing/1.4" });
    await sk.whoami();
    expect(server.seen[0]?.headers["user-agent"]).toMatch(
      /^sikkerkey-sdk-node\/\d+\.\d+\.\d+\S* billing\/1\.4$/,
    );
  });

  it("lets options.server override the identity's server", async () => {
    const identity = { ...(await server.newIdentity()), server: "http://127.0.0.1:1" };
    sk = new SikkerKey({ identity, server: `${server.url}/` });
    await expect(sk.whoami()).resolves.toEqual(WHOAMI);
  });

  it("works through a caller-supplied fetch", async () => {
    sk = new SikkerKey({ identity: await server.newIdentity(), fetch: globalThis.fetch });
    await expect(sk.getFields("sk_api_keys")).resolves.toEqual({ STRIPE_KEY: "sk_test_123" });
    expect(server.refused).toEqual([]);
  });

  it("refuses a malformed secret id before sending anything", async () => {
    sk = new SikkerKey({ identity: await server.newIdentity() });
    const error = await sk.get("../admin").catch((e: unknown) => e);
    expect(SikkerKeyError.isInstance(error) && error.code).toBe("INVALID_ARGUMENT");
    expect(server.seen).toEqual([]);
  });

  it("refuses an identity whose key is not a key, without quoting it", async () => {
    const identity = { ...(await server.newIdentity()), privateKeyPem: "not-a-pem-but-could-be-secret" };
    sk = new SikkerKey({ identity });
    const error = (await sk.whoami().catch((e: unknown) => e)) as SikkerKeyError;
    expect(error.code).toBe("IDENTITY_INVALID");
    expect(error.message).not.toContain("could-be-secret");
  });
});
