// A signed-request workbench shared by the sign/verify tests: two machines, a fixed clock, and a
// way to sign arbitrary (non-profile) inputs correctly, so that a rejection in a test is caused by
// the property under test and not by an incidental bad signature.
import { encodeBase64 } from "../base64.js";
import { contentDigest } from "../content-digest.js";
import type { Ed25519Impl, SigningKey, VerifyKey } from "../key-types.js";
import { generateKeyPair, importSigningKey, importVerifyKey } from "../keys.js";
import type { SignableRequest } from "../message.js";
import { MemoryNonceStore } from "../nonce-store.js";
import { type SignOptions, signRequest } from "../sign-request.js";
import { type SignatureParams, signatureBase, signatureParamsValue } from "../signature-base.js";
import { verifyRequest } from "../verify-request.js";
import type { VerifyOptions, VerifyResult } from "../verify-types.js";

export const NOW = 1_700_000_000;
export const NONCE = "n0nce-n0nce-n0nce-n0nce";
export const URL_WITH_QUERY = "https://sikkerkey.example:8443/v1/secrets/sk_db_prod?version=3&x=y";

export interface Fixture {
  signing: Record<"mach_a" | "mach_b", SigningKey>;
  publicKeyPem: Record<"mach_a" | "mach_b", string>;
  lookupKey(keyId: string): VerifyKey | undefined;
  sign(req: SignableRequest, opts?: Partial<SignOptions>): Promise<SignableRequest>;
  signCustom(
    req: SignableRequest,
    components: string[],
    params: SignatureParams,
    keyId?: "mach_a" | "mach_b",
  ): Promise<SignableRequest>;
  verify(req: SignableRequest, opts?: Partial<VerifyOptions>): Promise<VerifyResult>;
}

export async function makeFixture(impl?: Ed25519Impl): Promise<Fixture> {
  const a = await generateKeyPair(impl);
  const b = await generateKeyPair(impl);
  const signing = {
    mach_a: importSigningKey(a.privateKeyPem, impl),
    mach_b: importSigningKey(b.privateKeyPem, impl),
  };
  const verifying = new Map([
    ["mach_a", importVerifyKey(a.publicKeyPem, impl)],
    ["mach_b", importVerifyKey(b.publicKeyPem, impl)],
  ]);
  const lookupKey = (keyId: string) => verifying.get(keyId);
  return {
    signing,
    publicKeyPem: { mach_a: a.publicKeyPem, mach_b: b.publicKeyPem },
    lookupKey,
    async sign(req, opts = {}) {
      const added = await signRequest(req, {
        keyId: "mach_a",
        key: signing.mach_a,
        created: NOW,
        nonce: NONCE,
        ...opts,
      });
      return { ...req, headers: { ...(req.headers as Record<string, string>), ...added } };
    },
    async signCustom(req, components, params, keyId = "mach_a") {
      const headers: Record<string, string> = { ...(req.headers as Record<string, string>) };
      if (req.body) headers["content-digest"] ??= await contentDigest(req.body);
      const base = signatureBase({ ...req, headers }, components, params);
      const signature = await signing[keyId].sign(new TextEncoder().encode(base));
      headers["signature-input"] = `sk=${signatureParamsValue(components, params)}`;
      headers["signature"] = `sk=:${encodeBase64(signature)}:`;
      return { ...req, headers };
    },
    verify(req, opts = {}) {
      return verifyRequest(req, {
        lookupKey,
        nonces: new MemoryNonceStore({ now: () => NOW }),
        now: () => NOW,
        ...opts,
      });
    },
  };
}

/** The profile's parameters for `signCustom`, to be varied one at a time. */
export function profileParams(overrides: SignatureParams = {}): SignatureParams {
  return { created: NOW, nonce: NONCE, keyid: "mach_a", alg: "ed25519", tag: "sikkerkey", ...overrides };
}

export const GET: SignableRequest = {
  method: "GET",
  url: URL_WITH_QUERY,
  headers: { accept: "application/json" },
};
export const POST: SignableRequest = {
  method: "POST",
  url: "https://sikkerkey.example/v1/enroll",
  headers: { "content-type": "application/json" },
  body: '{"name":"web-1"}',
};
