import { describe, expect, it } from "vitest";
import { encodeBase64 } from "./base64.js";
import type { Ed25519Impl } from "./key-types.js";
import { importSigningKey, importVerifyKey } from "./keys.js";
import { signatureBase, signatureParamsValue } from "./signature-base.js";
import { loadVectors, type Rfc9421Vector } from "./testing/vectors.js";

const vector = loadVectors<Rfc9421Vector>("rfc9421-b2.6-ed25519.json");
const COMPONENTS = ["date", "@method", "@path", "@authority", "content-type", "content-length"];
const PARAMS = { created: 1618884473, keyid: "test-key-ed25519" };

function vectorRequest() {
  const headers = Object.fromEntries(vector.request.headers);
  return {
    method: vector.request.method,
    url: `https://${headers["Host"]}${vector.request.target}`,
    headers,
  };
}

describe("RFC 9421 Appendix B.2.6 (ed25519)", () => {
  it("reproduces the signature base byte for byte", () => {
    expect(signatureBase(vectorRequest(), COMPONENTS, PARAMS)).toBe(vector.signature_base);
  });

  it("reproduces it from a fetch Headers too", () => {
    const request = { ...vectorRequest(), headers: new Headers(vector.request.headers) };
    expect(signatureBase(request, COMPONENTS, PARAMS)).toBe(vector.signature_base);
  });

  it("reproduces the Signature-Input value byte for byte", () => {
    expect(`sig-b26=${signatureParamsValue(COMPONENTS, PARAMS)}`).toBe(vector.signature_input);
  });

  it.each<Ed25519Impl>(["native", "noble"])("reproduces and verifies the signature with %s", async (impl) => {
    const base = new TextEncoder().encode(signatureBase(vectorRequest(), COMPONENTS, PARAMS));
    const signature = await importSigningKey(vector.key.private_pem, impl).sign(base);
    expect(`sig-b26=:${encodeBase64(signature)}:`).toBe(vector.signature);
    const key = importVerifyKey(vector.key.public_pem, impl);
    expect(await key.verify(signature, base)).toBe(true);
    expect(await key.verify(signature, base.slice(1))).toBe(false);
  });
});

describe("signatureBase", () => {
  const request = { method: "get", url: "https://Example.COM:443/a%20b/?x=1&y", headers: {} };

  it("derives the components the profile uses", () => {
    expect(signatureBase(request, ["@method", "@authority", "@path", "@query"], {})).toBe(
      '"@method": GET\n"@authority": example.com\n"@path": /a%20b/\n"@query": ?x=1&y\n"@signature-params": ("@method" "@authority" "@path" "@query")',
    );
  });

  it("keeps a non-default port and uses ? for an empty query (section 2.2.7)", () => {
    const base = signatureBase({ ...request, url: "http://h.example:8080/p?" }, ["@authority", "@query"], {});
    expect(base.split("\n").slice(0, 2)).toEqual(['"@authority": h.example:8080', '"@query": ?']);
  });

  it("combines repeated fields and trims them (section 2.1)", () => {
    const headers = { "X-A": " one ", "x-a": "two\t" };
    expect(signatureBase({ ...request, headers }, ["x-a"], {}).split("\n")[0]).toBe('"x-a": one, two');
  });

  it.each([
    ["a missing field", ["x-missing"]],
    ["a duplicate component", ["@method", "@method"]],
    ["an upper-case name", ["Date"]],
    ["an unsupported derived component", ["@status"]],
    ["@signature-params as a component", ["@signature-params"]],
  ])("refuses %s", (_, components) => {
    expect(() => signatureBase(request, components, {})).toThrow();
  });

  it("refuses a method that is not a token", () => {
    expect(() => signatureBase({ ...request, method: "GE T" }, ["@method"], {})).toThrow();
  });
});
