// The read floor: a bare Hono route on @hono/node-server that does what no server can skip, one
// native Ed25519 verify of the request's RFC 9421 signature (key parsed once, as the server
// caches it), and answers with a body the size of a real read. No store, no nonce, no audit.
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

export interface VerifyFloorInit {
  keys: { machineId: string; publicKeyPem: string }[];
}

const ANSWER = {
  id: "sk_bench_db",
  kind: "leased",
  fields: {
    host: "127.0.0.1",
    port: 5432,
    database: "bench_target",
    username: "sk_bench_db__bench_0__abcdefgh",
    password: "x".repeat(32),
  },
  lease: { id: `lease_${"x".repeat(22)}`, expiresAt: new Date().toISOString(), renewable: true },
};

function app(keys: Map<string, KeyObject>): Hono {
  const hono = new Hono();
  hono.get("/healthz", (c) => c.json({ ok: true }));
  hono.get("/v1/secrets/:id", (c) => {
    const input = c.req.header("signature-input") ?? "";
    const signature = c.req.header("signature") ?? "";
    // "sk=" + the inner list; the signature is "sk=:<base64>:".
    const params = input.slice(3);
    const key = keys.get(/;keyid="([^"]*)"/.exec(params)?.[1] ?? "");
    const url = new URL(c.req.url);
    const base =
      `"@method": ${c.req.method}\n"@authority": ${c.req.header("host")}\n` +
      `"@path": ${url.pathname}\n"@query": ${url.search || "?"}\n"@signature-params": ${params}`;
    const ok = key && verify(null, Buffer.from(base), key, Buffer.from(signature.slice(4, -1), "base64"));
    return ok ? c.json(ANSWER) : c.json({ code: "BAD_SIGNATURE" }, 401);
  });
  return hono;
}

process.once("message", (init: VerifyFloorInit) => {
  const keys = new Map(init.keys.map((k) => [k.machineId, createPublicKey(k.publicKeyPem)]));
  const server = serve({ fetch: app(keys).fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) =>
    process.send?.({ port: info.port }),
  );
  process.once("disconnect", () => server.close(() => process.exit(0)));
});
