import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import { createWorld, enrollMachine, signed } from "../../test-support/machine-client.js";
import { ROUTES } from "../openapi/routes.js";

describe("service endpoints", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("/healthz and /readyz answer ok", async () => {
    expect(await expectJson(await h.server.app.request("/healthz"), 200)).toEqual({ ok: true });
    expect(await expectJson(await h.server.app.request("/readyz"), 200)).toEqual({ ok: true });
  });

  it("/metrics counts requests by route pattern, signature failures and reads", async () => {
    const world = await createWorld(h);
    const m = await enrollMachine(h, world);
    await signed(h, `/v1/secrets/${world.secretId}`, { keyId: m.id, key: m.key });
    await h.server.app.request(`/v1/secrets/${world.secretId}`);
    const res = await h.server.app.request("/metrics");
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain(
      'sikkerkey_http_requests_total{method="GET",route="/v1/secrets/:id",status="200"} 1',
    );
    expect(text).toContain('sikkerkey_signature_failures_total{reason="unsigned"} 1');
    expect(text).toContain('sikkerkey_secret_reads_total{kind="structured",outcome="success"} 1');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^sikkerkey_read_cache_hits_total \d+/m);
    expect(text).toMatch(/^sikkerkey_read_cache_misses_total [1-9]\d*/m);
    expect(text).toMatch(/^sikkerkey_change_feed_live 1$/m);
    // Ids never become label values.
    expect(text).not.toContain(world.secretId);
  });

  it("/v1/openapi.json is OpenAPI 3.1 covering every route, with the protocol's schemas", async () => {
    const doc = await expectJson<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>(await h.server.app.request("/v1/openapi.json"), 200);
    expect(doc.openapi).toBe("3.1.0");
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method]).toBeDefined();
    expect(Object.keys(doc.components.schemas["SecretRead"]?.properties ?? {})).toEqual(
      expect.arrayContaining(["id", "kind", "fields", "lease"]),
    );
    expect(doc.components.schemas["Problem"]?.properties).toHaveProperty("code");
  });
});

describe("readiness when the store is gone", () => {
  it("/readyz answers 503 NOT_READY", async () => {
    const h = await createHarness();
    try {
      await h.store.close();
      const res = await h.server.app.request("/readyz");
      expect((await expectJson(res, 503))["code"]).toBe("NOT_READY");
    } finally {
      await h.close();
    }
  });
});
