import { ERROR_STATUS, isErrorCode, problemType } from "@sikkerkey/protocol";
import { signRequest } from "@sikkerkey/signing";
import type { FuzzCase } from "./cases.js";
import type { Rng } from "./rng.js";
import type { FuzzMachine, FuzzWorld } from "./world.js";

/** Long enough for a loaded CI box; a request that takes longer is a hang. */
const ANSWER_WITHIN_MS = 20_000;
let sourceCounter = 0;
/**
 * Each case comes from its own address (IPv6 documentation range): forged credentials count
 * against their source, and one address collecting hundreds would be locked out (429), which
 * would stop every later case from reaching the route at all.
 */
const nextConnection = () => ({
  incoming: { socket: { remoteAddress: `2001:db8::${(++sourceCounter).toString(16)}` } },
});
const NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Sends one case in-process: operator cases with the owner's token, machine cases signed. */
export async function send(w: FuzzWorld, c: FuzzCase, rng: Rng, fresh: FuzzMachine): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.signer) {
    const signer =
      c.signer === "fresh"
        ? { keyId: fresh.thumbprint, key: fresh.key }
        : { keyId: w.machines.enabled.id, key: w.machines.enabled.key };
    let nonce = "";
    for (let i = 0; i < 22; i++) nonce += NONCE_ALPHABET[rng.int(NONCE_ALPHABET.length)];
    Object.assign(
      headers,
      await signRequest(
        { method: c.method, url: `http://localhost${c.path}`, headers: {}, body: c.body ?? null },
        { ...signer, created: Math.floor(w.h.clock.now().getTime() / 1000), nonce },
      ),
    );
    c.tamper?.(headers);
  } else if (c.path.startsWith("/v1/admin") && !("authorization" in headers)) {
    headers["authorization"] = `Bearer ${w.h.owner.token}`;
  }
  const request = w.h.server.app.request(
    c.path,
    { method: c.method, headers, ...(c.body !== undefined ? { body: c.body } : {}) },
    nextConnection(),
  );
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  });
  try {
    return await Promise.race([request, hang]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Answer {
  status: number;
  code?: string;
}

/** Why an answer breaks the contract for hostile input, or null when it keeps it. */
export async function judge(c: FuzzCase, res: Response): Promise<{ answer: Answer; problem: string | null }> {
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const answer: Answer = { status: res.status };
  if (res.status === 200 && c.readMayAnswer) {
    if (!type.startsWith("application/json")) return { answer, problem: `200 with content-type ${type}` };
    try {
      JSON.parse(text);
      return { answer, problem: null };
    } catch {
      return { answer, problem: "200 with a body that is not JSON" };
    }
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { answer, problem: `${res.status} ${type} not JSON: ${text.slice(0, 200)}` };
  }
  const code = body["code"];
  if (typeof code === "string") answer.code = code;
  if (res.status < 400 || res.status >= 500)
    return { answer, problem: `${res.status} ${text.slice(0, 300)}` };
  if (!type.startsWith("application/problem+json"))
    return { answer, problem: `${res.status} with content-type ${type}` };
  if (!isErrorCode(code)) return { answer, problem: `unknown code ${String(code)}` };
  if (
    ERROR_STATUS[code] !== res.status ||
    body["status"] !== res.status ||
    body["type"] !== problemType(code)
  ) {
    return { answer, problem: `${code} answered as ${res.status}: ${text.slice(0, 200)}` };
  }
  if (body["requestId"] !== res.headers.get("x-request-id"))
    return { answer, problem: "requestId differs from x-request-id" };
  if (c.codes && !c.codes.includes(code))
    return { answer, problem: `${code}, expected ${c.codes.join(" or ")}` };
  return { answer, problem: null };
}
