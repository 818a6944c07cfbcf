// One test (at least) per VerifyFailure. Requests that break the profile are still signed
// correctly (signCustom), so each rejection is down to the property under test.
import { describe, expect, it } from "vitest";
import type { SignableRequest } from "./message.js";
import { GET, makeFixture, NOW, POST, profileParams } from "./testing/fixture.js";
import type { VerifyFailure } from "./verify-types.js";

const fx = await makeFixture();
const BASE4 = ["@method", "@authority", "@path", "@query"];
const WITH_DIGEST = [...BASE4, "content-digest"];
const signedGet = await fx.sign(GET);
const signedPost = await fx.sign(POST);

function withHeaders(req: SignableRequest, headers: Record<string, string | undefined>): SignableRequest {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(req.headers as Record<string, string>), ...headers })) {
    if (v !== undefined) merged[k] = v;
  }
  return { ...req, headers: merged };
}

async function expectReason(req: SignableRequest | Promise<SignableRequest>, reason: VerifyFailure) {
  const result = await fx.verify(await req);
  expect(result).toMatchObject({ ok: false, reason });
  if (!result.ok) expect(result.detail.length).toBeLessThan(120);
  return result;
}

const sigInput = (req: SignableRequest) => (req.headers as Record<string, string>)["signature-input"] ?? "";
const sig = (req: SignableRequest) => (req.headers as Record<string, string>)["signature"] ?? "";

describe("unsigned", () => {
  it("no signature headers at all", async () => {
    expect(await expectReason(GET, "unsigned")).not.toHaveProperty("keyId");
  });
});

describe("malformed", () => {
  it.each<[string, Record<string, string | undefined>]>([
    ["Signature without Signature-Input", { "signature-input": undefined }],
    ["Signature-Input without Signature", { signature: undefined }],
    ["unparsable Signature-Input", { "signature-input": "sk=(" }],
    ["two labels", { "signature-input": `${sigInput(signedGet)}, sk2=()` }],
    ["a label other than sk", { "signature-input": sigInput(signedGet).replace(/^sk=/, "sig=") }],
    ["a Signature label other than sk", { signature: sig(signedGet).replace(/^sk=/, "sig=") }],
    ["a Signature with two members", { signature: `${sig(signedGet)}, ${sig(signedGet)}` }],
    [
      "a Signature-Input with two members",
      { "signature-input": `${sigInput(signedGet)}, ${sigInput(signedGet)}` },
    ],
    ["a second Signature header beside the first", { Signature: sig(signedGet) }],
    ["non-ASCII", { "signature-input": sigInput(signedGet).replace("mach_a", "mäch_a") }],
    ["a Signature that is not a byte sequence", { signature: 'sk="abc"' }],
    ["a Signature with parameters", { signature: `${sig(signedGet)};x=1` }],
    ["a 63-byte signature", { signature: `sk=:${Buffer.alloc(63).toString("base64")}:` }],
    ["a Signature-Input that is an item", { "signature-input": 'sk="@method"' }],
    ["extra spaces inside Signature-Input", { "signature-input": sigInput(signedGet).replace(";", ";  ") }],
    ["a non-canonical base64 signature", { signature: sig(signedGet).replace(/(.)==:$/, "$1=:") }],
  ])("%s", async (_, headers) => {
    await expectReason(withHeaders(signedGet, headers), "malformed");
  });

  it("a Signature combined from two header lines by fetch Headers", async () => {
    const headers = new Headers(signedGet.headers as Record<string, string>);
    headers.append("signature", sig(signedGet));
    await expectReason({ ...signedGet, headers }, "malformed");
  });

  it("a method that is not an HTTP token", async () => {
    await expectReason({ ...signedGet, method: "GE T" }, "malformed");
  });
});

describe("wrong_profile", () => {
  it.each<[string, string[], Record<string, string | number | undefined>]>([
    ["an extra component", [...BASE4, "accept"], {}],
    ["components out of order", ["@authority", "@method", "@path", "@query"], {}],
    ["@target-uri instead of the parts", ["@method", "@target-uri", "@authority", "@path", "@query"], {}],
    ["an unknown parameter", BASE4, { extra: "x" }],
    ["alg other than ed25519", BASE4, { alg: "rsa-pss-sha512" }],
    ["no alg", BASE4, { alg: undefined }],
    ["tag other than sikkerkey", BASE4, { tag: "other" }],
    ["no tag", BASE4, { tag: undefined }],
    ["no nonce", BASE4, { nonce: undefined }],
    ["a short nonce", BASE4, { nonce: "abc" }],
    ["no keyid", BASE4, { keyid: undefined }],
    ["no created", BASE4, { created: undefined }],
    ["created as a string", BASE4, { created: String(NOW) }],
    ["expires not after created", BASE4, { expires: NOW }],
  ])("%s", async (_, components, overrides) => {
    await expectReason(fx.signCustom(GET, components, profileParams(overrides)), "wrong_profile");
  });

  it("a component with parameters", async () => {
    const req = withHeaders(signedGet, {
      "signature-input": sigInput(signedGet).replace('"@query"', '"@query";req'),
    });
    await expectReason(req, "wrong_profile");
  });

  it("a duplicated component", async () => {
    const req = withHeaders(signedGet, {
      "signature-input": sigInput(signedGet).replace('"@query"', '"@query" "@query"'),
    });
    await expectReason(req, "wrong_profile");
  });

  it("alg as a token instead of a string", async () => {
    const req = withHeaders(signedGet, {
      "signature-input": sigInput(signedGet).replace('alg="ed25519"', "alg=ed25519"),
    });
    expect(await expectReason(req, "wrong_profile")).toMatchObject({ keyId: "mach_a" });
  });
});

describe("missing_component", () => {
  it.each(BASE4)("%s not covered", async (dropped) => {
    const components = BASE4.filter((c) => c !== dropped);
    await expectReason(fx.signCustom(GET, components, profileParams()), "missing_component");
  });

  it("content-digest not covered for a request with a body", async () => {
    await expectReason(fx.signCustom(POST, BASE4, profileParams()), "missing_component");
  });
});

describe("digest_mismatch", () => {
  it("no content-digest header with a body", async () => {
    await expectReason(withHeaders(signedPost, { "content-digest": undefined }), "digest_mismatch");
  });

  it("a body that does not match the digest", async () => {
    await expectReason({ ...signedPost, body: '{"name":"web-2"}' }, "digest_mismatch");
  });

  it("a body dropped in transit", async () => {
    await expectReason({ ...signedPost, body: null }, "digest_mismatch");
  });

  it("a digest header sent with an empty body, covered or not", async () => {
    const covered = await fx.signCustom(
      { ...GET, headers: { "content-digest": "sha-256=:AA==:" } },
      WITH_DIGEST,
      profileParams(),
    );
    await expectReason(covered, "digest_mismatch");
    await expectReason(withHeaders(signedGet, { "content-digest": "sha-256=:AA==:" }), "digest_mismatch");
  });

  it.each([
    [
      "sha-512",
      "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
    ],
    ["sha-256 alongside sha-512", "sha-256=:AA==:, sha-512=:AA==:"],
    ["an unparsable value", "sha-256=abc"],
  ])("%s (signed, so only the digest rule can refuse it)", async (_, digest) => {
    const req = {
      ...POST,
      headers: { ...(POST.headers as Record<string, string>), "content-digest": digest },
    };
    await expectReason(fx.signCustom(req, WITH_DIGEST, profileParams()), "digest_mismatch");
  });
});

describe("unknown_key", () => {
  it("a key id no machine has", async () => {
    const req = fx.signCustom(GET, BASE4, profileParams({ keyid: "mach_gone" }));
    expect(await expectReason(req, "unknown_key")).toMatchObject({ keyId: "mach_gone" });
  });
});

describe("stale", () => {
  it.each([NOW - 61, NOW + 61, NOW - 86_400])("created %i with the clock at NOW", async (created) => {
    await expectReason(fx.sign(GET, { created }), "stale");
  });

  it("an expires in the past", async () => {
    await expectReason(fx.sign(GET, { created: NOW - 30, expires: NOW - 1 }), "stale");
  });
});

describe("bad_signature", () => {
  it.each<[string, Partial<SignableRequest>]>([
    ["another method", { method: "DELETE" }],
    ["another authority", { url: "https://evil.example:8443/v1/secrets/sk_db_prod?version=3&x=y" }],
    ["another port", { url: "https://sikkerkey.example:8444/v1/secrets/sk_db_prod?version=3&x=y" }],
    ["another path", { url: "https://sikkerkey.example:8443/v1/secrets/sk_other?version=3&x=y" }],
    ["another query", { url: "https://sikkerkey.example:8443/v1/secrets/sk_db_prod?version=4&x=y" }],
    ["no query", { url: "https://sikkerkey.example:8443/v1/secrets/sk_db_prod" }],
  ])("%s", async (_, change) => {
    await expectReason({ ...signedGet, ...change }, "bad_signature");
  });

  it("a signature by another machine's key", async () => {
    await expectReason(fx.sign(GET, { key: fx.signing.mach_b }), "bad_signature");
  });

  it("a signature over different parameters", async () => {
    const other = await fx.sign(GET, { nonce: "another-nonce-value" });
    await expectReason(withHeaders(signedGet, { signature: sig(other) }), "bad_signature");
  });
});

describe("replayed", () => {
  it("the same request twice against one store", async () => {
    const { MemoryNonceStore } = await import("./nonce-store.js");
    const nonces = new MemoryNonceStore({ now: () => NOW });
    expect(await fx.verify(signedGet, { nonces })).toMatchObject({ ok: true });
    expect(await fx.verify(signedGet, { nonces })).toMatchObject({ ok: false, reason: "replayed" });
  });
});
