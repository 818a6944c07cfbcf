import { describe, expect, it } from "vitest";
import { decodeBase64 } from "./base64.js";
import { contentDigest } from "./content-digest.js";
import { importVerifyKey } from "./keys.js";
import { signRequest } from "./sign-request.js";
import { GET, makeFixture, NONCE, NOW, POST } from "./testing/fixture.js";

const fx = await makeFixture();
const key = fx.signing.mach_a;

async function verifies(signatureHeader: string, base: string): Promise<boolean> {
  const signature = decodeBase64(signatureHeader.replace(/^sk=:|:$/g, ""));
  if (!signature) return false;
  return importVerifyKey(fx.publicKeyPem.mach_a).verify(signature, new TextEncoder().encode(base));
}

describe("signRequest", () => {
  it("signs a GET with the four profile components and no digest", async () => {
    const headers = await signRequest(GET, { keyId: "mach_a", key, created: NOW, nonce: NONCE });
    expect(Object.keys(headers).sort()).toEqual(["signature", "signature-input"]);
    const params = `("@method" "@authority" "@path" "@query");created=${NOW};nonce="${NONCE}";keyid="mach_a";alg="ed25519";tag="sikkerkey"`;
    expect(headers["signature-input"]).toBe(`sk=${params}`);
    const base = [
      '"@method": GET',
      '"@authority": sikkerkey.example:8443',
      '"@path": /v1/secrets/sk_db_prod',
      '"@query": ?version=3&x=y',
      `"@signature-params": ${params}`,
    ].join("\n");
    expect(await verifies(headers["signature"] ?? "", base)).toBe(true);
  });

  it("covers content-digest, last, when there is a body", async () => {
    const headers = await signRequest(POST, {
      keyId: "mach_a",
      key,
      created: NOW,
      nonce: NONCE,
      expires: NOW + 30,
    });
    const digest = await contentDigest(POST.body ?? "");
    expect(headers["content-digest"]).toBe(digest);
    const params = `("@method" "@authority" "@path" "@query" "content-digest");created=${NOW};expires=${NOW + 30};nonce="${NONCE}";keyid="mach_a";alg="ed25519";tag="sikkerkey"`;
    expect(headers["signature-input"]).toBe(`sk=${params}`);
    const base = [
      '"@method": POST',
      '"@authority": sikkerkey.example',
      '"@path": /v1/enroll',
      '"@query": ?',
      `"content-digest": ${digest}`,
      `"@signature-params": ${params}`,
    ].join("\n");
    expect(await verifies(headers["signature"] ?? "", base)).toBe(true);
  });

  it("treats an empty body as none", async () => {
    for (const body of ["", new Uint8Array(), null]) {
      const headers = await signRequest({ ...POST, body }, { keyId: "mach_a", key });
      expect(headers["content-digest"]).toBeUndefined();
      expect(headers["signature-input"]).not.toContain("content-digest");
    }
  });

  it("upper-cases the method and accepts URL and Headers objects", async () => {
    const req = { method: "patch", url: new URL(GET.url), headers: new Headers() };
    const headers = await signRequest(req, { keyId: "mach_a", key, created: NOW, nonce: NONCE });
    const result = await fx.verify({ method: "PATCH", url: GET.url, headers });
    expect(result).toMatchObject({ ok: true });
  });

  it("defaults created to now and the nonce to 22 fresh base64url characters", async () => {
    const before = Math.floor(Date.now() / 1000);
    const one = await signRequest(GET, { keyId: "mach_a", key });
    const two = await signRequest(GET, { keyId: "mach_a", key });
    const nonceOf = (h: Record<string, string>) => /;nonce="([^"]*)"/.exec(h["signature-input"] ?? "")?.[1];
    expect(nonceOf(one)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(nonceOf(one)).not.toBe(nonceOf(two));
    const created = Number(/;created=(\d+)/.exec(one["signature-input"] ?? "")?.[1]);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it.each([
    ["an empty keyId", { keyId: "" }],
    ["a keyId with a quote", { keyId: 'a"b' }],
    ["a short nonce", { nonce: "short" }],
    ["a nonce with a space", { nonce: "sixteen chars ok!" }],
    ["a fractional created", { created: 1.5 }],
    ["expires before created", { created: NOW, expires: NOW }],
  ])("refuses %s", async (_, opts) => {
    await expect(signRequest(GET, { keyId: "mach_a", key, ...opts })).rejects.toThrow();
  });

  it("refuses a method that is not an HTTP token", async () => {
    await expect(signRequest({ ...GET, method: "G\u00c9T" }, { keyId: "mach_a", key })).rejects.toThrow();
  });
});
