import { enroll, type Identity, SikkerKey } from "@sikkerkey/sdk";
import { importSigningKey, signRequest } from "@sikkerkey/signing";
import type { FaultServer } from "./fault-server.js";

/** One enrolled machine: its identity and an SDK client that never retries on its own. */
export interface Machine {
  name: string;
  identity: Identity;
  sdk: SikkerKey;
}

/** Runs `fn` over `items`, `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A vault and project, and an auto-approving token that grants the project to every machine it enrolls. */
export async function vaultWithProject(server: FaultServer, vault = "prod", project = "api") {
  await server.api("POST", "/v1/admin/vaults", { name: vault });
  await server.api("POST", `/v1/admin/vaults/${vault}/projects`, { name: project });
  return { vault, project };
}

/**
 * Enrolls `count` machines named `${prefix}-${i}` through the SDK (key pair made here, public key
 * posted with proof of possession), each with an SDK client with `retries: 0`, so a fault test
 * sees every failure the server gives and decides itself when to try again.
 */
export async function enrollMachines(
  server: FaultServer,
  opts: { vault: string; project: string; count: number; prefix?: string; timeoutMs?: number },
): Promise<Machine[]> {
  const { token } = await server.api<{ token: string }>("POST", "/v1/admin/enrollment-tokens", {
    vault: opts.vault,
    uses: opts.count,
    autoApprove: true,
    projects: [opts.project],
  });
  const names = Array.from({ length: opts.count }, (_, i) => `${opts.prefix ?? "m"}-${i}`);
  // Enrollment is not repeated on a lost answer (the token use may be spent): a generous deadline
  // and a few at a time, because a loaded 2-core machine answers slowly.
  return mapLimit(names, 8, async (name) => {
    const { identity, machine } = await enroll({ server: server.url, token, name, timeoutMs: 60_000 });
    if (machine.status !== "enabled") throw new Error(`${name} enrolled as ${machine.status}`);
    const sdk = new SikkerKey({ identity, retries: 0, timeoutMs: opts.timeoutMs ?? 30_000 });
    return { name, identity, sdk };
  });
}

/** What a raw machine request got back: status, content type, parsed body and how long it took. */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: Record<string, unknown> | undefined;
  ms: number;
}

/**
 * A signed machine GET without the SDK, so a test sees the exact status and content type
 * (the SDK turns both into an error object). Status 0 means no HTTP answer (refused, timed out).
 */
export async function signedGet(identity: Identity, url: string, timeoutMs = 15_000): Promise<RawAnswer> {
  const started = performance.now();
  const headers: Record<string, string> = { accept: "application/json" };
  Object.assign(
    headers,
    await signRequest(
      { method: "GET", url, headers, body: null },
      { keyId: identity.machineId, key: importSigningKey(identity.privateKeyPem) },
    ),
  );
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      body = { raw: text.slice(0, 200) };
    }
    return {
      status: res.status,
      contentType: res.headers.get("content-type") ?? "",
      body,
      ms: performance.now() - started,
    };
  } catch (error) {
    return {
      status: 0,
      contentType: "",
      body: { error: (error as Error).name, ...failureCause(error) },
      ms: performance.now() - started,
    };
  }
}

/** What a failed fetch says under its generic `TypeError: fetch failed`: the socket's own error. */
function failureCause(error: unknown): { cause?: string } {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const text =
    typeof cause?.code === "string"
      ? cause.code
      : typeof cause?.message === "string"
        ? cause.message
        : undefined;
  return text ? { cause: text } : {};
}
