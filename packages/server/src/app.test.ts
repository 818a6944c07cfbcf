import { generateKeyPair, importSigningKey, keyThumbprint, signRequest } from "@sikkerkey/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type SikkerKeyServer } from "./app.js";
import { parseConfig } from "./config.js";
import { createTestKeyring } from "./crypto/index.js";
import { silentLogger } from "./log/index.js";
import { openStore } from "./store/index.js";

/** The composition root over a real socket: what `sikkerkey-server start` runs. */
describe("createServer over HTTP", () => {
  let server: SikkerKeyServer;
  let url: string;
  beforeAll(async () => {
    server = await createServer(parseConfig({ flags: { listen: "127.0.0.1:0" } }), {
      store: await openStore({ memory: true }),
      keyring: createTestKeyring(),
      logger: silentLogger,
    });
    ({ url } = await server.start());
  });
  afterAll(async () => {
    await server.stop();
  });

  it("serves health and readiness", async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it("exposes the revocation backlog gauges with the lease counters", async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^sikkerkey_leases_revoking 0$/m);
    expect(text).toMatch(/^sikkerkey_leases_revoking_oldest_seconds 0$/m);
    expect(text).toMatch(/^sikkerkey_lease_abandoned_total 0$/m);
  });

  it("verifies a signed enrollment with @authority taken from the Host header", async () => {
    const owner = await server.services.init.initOwner("ops@example.com");
    const admin = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    await admin("/v1/admin/vaults", { name: "prod" });
    const token = (await (
      await admin("/v1/admin/enrollment-tokens", { vault: "prod", autoApprove: true })
    ).json()) as { token: string };

    const pair = await generateKeyPair();
    const body = JSON.stringify({ token: token.token, name: "m1", publicKeyPem: pair.publicKeyPem });
    const target = `${url}/v1/enroll`;
    const headers = await signRequest(
      { method: "POST", url: target, headers: {}, body },
      { keyId: keyThumbprint(pair.publicKeyPem), key: importSigningKey(pair.privateKeyPem) },
    );
    const res = await fetch(target, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: "m1", status: "enabled" });
  });

  it("links audit events in the background", async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await server.services.audit.verify()).unlinked).toBe(0);
  });
});
