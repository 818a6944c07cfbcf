// A real HTTP server on 127.0.0.1 for the SDK's tests: it verifies every request with signing's
// verifier (as the SikkerKey server does) and answers whatever each test scripts. Test-only:
// tsup bundles from src/index.ts, so nothing here reaches dist.
import type { AddressInfo } from "node:net";
import { type HttpBindings, serve } from "@hono/node-server";
import { ERROR_STATUS, type ErrorCode, PROBLEM_CONTENT_TYPE, problemType } from "@sikkerkey/protocol";
import {
  generateKeyPair,
  type Identity,
  importVerifyKey,
  keyThumbprint,
  MemoryNonceStore,
  type VerifyKey,
  verifyRequest,
} from "@sikkerkey/signing";
import { type Context, Hono } from "hono";

/** What the server saw of one request whose signature verified. */
export interface SeenRequest {
  method: string;
  path: string;
  keyId: string;
  nonce: string;
  headers: Record<string, string>;
  body: string;
}

/** `attempt` counts verified requests to the same path, from 1. */
export type Handler = (
  c: Context<{ Bindings: HttpBindings }>,
  attempt: number,
) => Response | Promise<Response>;

export interface MachineServer {
  url: string;
  /** Verified requests, in arrival order. */
  seen: SeenRequest[];
  /** Reasons of refused signatures (a test expects none of these). */
  refused: string[];
  on(method: "GET" | "POST", path: string, handler: Handler): void;
  addMachine(machineId: string, publicKeyPem: string): void;
  /** A fresh key pair registered as an enabled machine, as identity.json would hold it. */
  newIdentity(machineId?: string): Promise<Identity>;
  close(): Promise<void>;
}

export function problem(code: ErrorCode, detail?: string, headers: Record<string, string> = {}): Response {
  const status = ERROR_STATUS[code];
  const body = { type: problemType(code), title: code, status, code, detail, requestId: "req_test" };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, "x-request-id": "req_test", ...headers },
  });
}

/** Drops the TCP connection without an answer, as a crashed proxy or server would. */
export function resetConnection(c: Context<{ Bindings: HttpBindings }>): Response {
  c.env.incoming.socket.resetAndDestroy();
  return new Response(null, { status: 599 });
}

export async function startMachineServer(): Promise<MachineServer> {
  const keys = new Map<string, VerifyKey>();
  const handlers = new Map<string, Handler>();
  const attempts = new Map<string, number>();
  const nonces = new MemoryNonceStore();
  const seen: SeenRequest[] = [];
  const refused: string[] = [];
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.all("*", async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const text = new TextDecoder().decode(body);
    const headers = Object.fromEntries(c.req.raw.headers);
    const path = new URL(c.req.url).pathname;
    const result = await verifyRequest(
      { method: c.req.method, url: c.req.url, headers, body: body.length > 0 ? body : null },
      { lookupKey: (keyId) => keys.get(keyId) ?? enrollKey(path, text, keyId), nonces },
    );
    if (!result.ok) {
      refused.push(result.reason);
      return problem("BAD_SIGNATURE", result.detail);
    }
    seen.push({ method: c.req.method, path, keyId: result.keyId, nonce: result.nonce, headers, body: text });
    const route = `${c.req.method} ${path}`;
    const attempt = (attempts.get(route) ?? 0) + 1;
    attempts.set(route, attempt);
    const handler = handlers.get(route);
    return handler ? handler(c, attempt) : problem("ROUTE_NOT_FOUND");
  });

  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    refused,
    on: (method, path, handler) => handlers.set(`${method} ${path}`, handler),
    addMachine: (machineId, publicKeyPem) => keys.set(machineId, importVerifyKey(publicKeyPem)),
    newIdentity: async (machineId = "mach_test") => {
      const { privateKeyPem, publicKeyPem } = await generateKeyPair();
      keys.set(machineId, importVerifyKey(publicKeyPem));
      return { server: `http://127.0.0.1:${port}`, machineId, privateKeyPem };
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Requests a timeout test left hanging would otherwise hold close() open.
        (server as import("node:http").Server).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Enrollment proves possession: the key is the one in the body, found by its thumbprint. */
function enrollKey(path: string, body: string, keyId: string): VerifyKey | undefined {
  if (path !== "/v1/enroll") return undefined;
  const { publicKeyPem } = JSON.parse(body) as { publicKeyPem: string };
  return keyThumbprint(publicKeyPem) === keyId ? importVerifyKey(publicKeyPem) : undefined;
}
