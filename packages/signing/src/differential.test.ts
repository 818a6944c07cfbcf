// Differential test against an independent RFC 9421 implementation (http-message-signatures,
// which canonicalises with its own code and the structured-headers package). Requests signed by it
// with the profile's components and parameters must verify with ours, and the other way round.
import { createSigner, createVerifier, httpbis } from "http-message-signatures";
import { describe, expect, it } from "vitest";
import { contentDigest } from "./content-digest.js";
import type { SignableRequest } from "./message.js";
import { MemoryNonceStore } from "./nonce-store.js";
import { makeFixture } from "./testing/fixture.js";
import { verifyRequest } from "./verify-request.js";

const fx = await makeFixture();
const { generateKeyPairSync } = await import("node:crypto");
const theirs = generateKeyPairSync("ed25519");

const URLS = [
  "https://sikkerkey.example/v1/secrets/sk_db_prod",
  "https://sikkerkey.example:8443/v1/secrets/sk_db_prod?version=3&x=y",
  "http://127.0.0.1:8080/v1/machines/me?",
  "http://[::1]:3000/v1/secrets/a%2Fb?q=%C3%A6%20x",
  "https://EXAMPLE.com:443/v1/enroll",
  "http://localhost/",
];
const BODIES = [undefined, '{"name":"web-1"}', "x".repeat(5000), "æøå ✓"];

function cases(): SignableRequest[] {
  const out: SignableRequest[] = [];
  for (const url of URLS) {
    for (const body of BODIES) out.push({ method: body ? "POST" : "GET", url, headers: {}, body });
  }
  return out;
}

async function signedByThem(req: SignableRequest, keyId: string, created: number) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const fields = ["@method", "@authority", "@path", "@query"];
  if (req.body) {
    headers["content-digest"] = await contentDigest(req.body);
    fields.push("content-digest");
  }
  const message = await httpbis.signMessage(
    {
      key: createSigner(theirs.privateKey, "ed25519", keyId),
      name: "sk",
      fields,
      params: ["created", "nonce", "keyid", "alg", "tag"],
      paramValues: {
        created: new Date(created * 1000),
        nonce: `nonce-${crypto.randomUUID()}`,
        tag: "sikkerkey",
      },
    },
    { method: req.method, url: String(req.url), headers },
  );
  return { ...req, headers: message.headers as Record<string, string> };
}

async function verifiedByThem(req: SignableRequest): Promise<boolean | null> {
  return httpbis.verifyMessage(
    {
      keyLookup: async () => ({
        id: "mach_a",
        algs: ["ed25519"],
        verify: createVerifier(fx.publicKeyPem.mach_a, "ed25519"),
      }),
      requiredFields: ["@method", "@authority", "@path", "@query"],
      requiredParams: ["created", "nonce", "keyid", "alg", "tag"],
    },
    { method: req.method, url: String(req.url), headers: req.headers as Record<string, string> },
  );
}

describe("against http-message-signatures", () => {
  it.each(cases())("their signature verifies with ours: $method $url", async (req) => {
    const created = Math.floor(Date.now() / 1000);
    const signed = await signedByThem(req, "mach_theirs", created);
    const theirKey = (await import("./keys.js")).importVerifyKey(
      theirs.publicKey.export({ type: "spki", format: "pem" }).toString(),
    );
    const opts = { lookupKey: () => theirKey, nonces: new MemoryNonceStore() };
    expect(await verifyRequest(signed, opts)).toMatchObject({ ok: true, keyId: "mach_theirs", created });
    // And a change they would sign differently is refused by us too.
    expect(await verifyRequest({ ...signed, method: "PUT" }, opts)).toMatchObject({ ok: false });
  });

  it.each(cases())("our signature verifies with theirs: $method $url", async (req) => {
    const signed = await fx.sign(req, { created: Math.floor(Date.now() / 1000), nonce: undefined });
    expect(await verifiedByThem(signed)).toBe(true);
    const tampered = { ...signed, url: `${String(signed.url).replace(/\?.*$/, "")}?tampered` };
    expect(await verifiedByThem(tampered)).toBe(false);
  });
});
