import { describe, expect, it } from "vitest";
import { MemoryNonceStore } from "./nonce-store.js";
import { GET, makeFixture, NONCE, NOW, POST } from "./testing/fixture.js";
import { verifyRequest } from "./verify-request.js";

describe.each(["native", "noble"] as const)("verifyRequest with %s keys", (impl) => {
  it("accepts a signed GET and a signed POST", async () => {
    const fx = await makeFixture(impl);
    expect(await fx.verify(await fx.sign(GET))).toEqual({
      ok: true,
      keyId: "mach_a",
      created: NOW,
      nonce: NONCE,
    });
    expect(await fx.verify(await fx.sign(POST))).toMatchObject({ ok: true, keyId: "mach_a" });
  });
});

describe("verifyRequest", async () => {
  const fx = await makeFixture();

  it("accepts the body as bytes when it was signed as a string", async () => {
    const signed = await fx.sign(POST);
    const body = new TextEncoder().encode(String(POST.body));
    expect(await fx.verify({ ...signed, body })).toMatchObject({ ok: true });
  });

  it("accepts fetch Headers, header names in any case, and the method in any case", async () => {
    const signed = await fx.sign(POST);
    const headers = new Headers(signed.headers as Record<string, string>);
    expect(await fx.verify({ ...signed, headers })).toMatchObject({ ok: true });
    const upper = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(await fx.verify({ ...signed, method: "post", headers: upper })).toMatchObject({ ok: true });
  });

  it("accepts created anywhere within the skew window, and a future expires", async () => {
    for (const created of [NOW - 60, NOW + 60]) {
      expect(await fx.verify(await fx.sign(GET, { created }))).toMatchObject({ ok: true, created });
    }
    expect(await fx.verify(await fx.sign(GET, { created: NOW - 100 }), { skewSeconds: 100 })).toMatchObject({
      ok: true,
    });
    expect(await fx.verify(await fx.sign(GET, { created: NOW - 10, expires: NOW }))).toMatchObject({
      ok: true,
    });
  });

  it("accepts the Host header's view of the URL (default port dropped, host lower-cased)", async () => {
    const signed = await fx.sign({ ...GET, url: "https://sikkerkey.example/v1/x?" });
    expect(await fx.verify({ ...signed, url: "https://SIKKERKEY.example:443/v1/x" })).toMatchObject({
      ok: true,
    });
  });

  it("refuses a replay, and records the nonce until created + skew", async () => {
    const nonces = new MemoryNonceStore({ now: () => NOW });
    const remembered: number[] = [];
    const spy = {
      remember(keyId: string, nonce: string, until: number) {
        remembered.push(until);
        return nonces.remember(keyId, nonce, until);
      },
    };
    const signed = await fx.sign(GET, { created: NOW - 10 });
    expect(await fx.verify(signed, { nonces: spy })).toMatchObject({ ok: true });
    expect(await fx.verify(signed, { nonces: spy })).toMatchObject({
      ok: false,
      reason: "replayed",
      keyId: "mach_a",
    });
    expect(remembered).toEqual([NOW + 50, NOW + 50]);
    // The same nonce from another machine is that machine's own business.
    const other = await fx.sign(GET, { created: NOW - 10, keyId: "mach_b", key: fx.signing.mach_b });
    expect(await fx.verify(other, { nonces: spy })).toMatchObject({ ok: true, keyId: "mach_b" });
  });

  it("does not let a forged request burn a machine's nonce", async () => {
    const nonces = new MemoryNonceStore({ now: () => NOW });
    const forged = await fx.sign(GET, { key: fx.signing.mach_b }); // claims mach_a, signed by mach_b
    expect(await fx.verify(forged, { nonces })).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(nonces.size).toBe(0);
    expect(await fx.verify(await fx.sign(GET), { nonces })).toMatchObject({ ok: true });
  });

  it("reads the clock once per call and defaults to the real one", async () => {
    const created = Math.floor(Date.now() / 1000);
    const signed = await fx.sign(GET, { created });
    const result = await verifyRequest(signed, { lookupKey: fx.lookupKey, nonces: new MemoryNonceStore() });
    expect(result).toMatchObject({ ok: true, created });
  });

  it("accepts an async key lookup and an async nonce store", async () => {
    const result = await fx.verify(await fx.sign(POST), {
      lookupKey: async (id) => fx.lookupKey(id),
      nonces: { remember: async () => true },
    });
    expect(result).toMatchObject({ ok: true });
  });
});
