// The load client: its own process, so the server's CPU and the client's are never the same
// core's time. Requests are signed before the clock starts; each carries a fresh nonce and a
// `created` within the server's skew window.
import { importSigningKey, type SigningKey, signRequest } from "@sikkerkey/signing";
import { Pool } from "undici";
import type { Collected, FromClient, RunResult, RunSpec, ToClient } from "./protocol.js";

const keys = new Map<string, SigningKey>();

function signingKey(machineId: string, pem: string): SigningKey {
  let key = keys.get(machineId);
  if (!key) {
    key = importSigningKey(pem);
    keys.set(machineId, key);
  }
  return key;
}

async function presign(spec: RunSpec): Promise<Record<string, string>[][]> {
  const url = spec.baseUrl + spec.path;
  return Promise.all(
    spec.workers.map((list) =>
      Promise.all(
        list.map((k) => {
          const { machineId, privateKeyPem } = spec.keys[k]!;
          return signRequest(
            { method: "GET", url, headers: {} },
            { keyId: machineId, key: signingKey(machineId, privateKeyPem) },
          );
        }),
      ),
    ),
  );
}

async function run(spec: RunSpec): Promise<RunResult> {
  const signStarted = performance.now();
  const signed = await presign(spec);
  const signMs = performance.now() - signStarted;
  const pool = new Pool(spec.baseUrl, {
    connections: spec.workers.length,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  try {
    // Open every connection before the clock starts: the floor's connections are open too.
    await Promise.all(
      spec.workers.map(async () => {
        const res = await pool.request({ path: "/healthz", method: "GET" });
        await res.body.dump();
      }),
    );
    const latencies: number[][] = spec.workers.map(() => []);
    const statuses: Record<string, number> = {};
    const collected: Collected[] = [];
    const errors: string[] = [];
    const started = performance.now();
    await Promise.all(
      spec.workers.map(async (list, w) => {
        for (let i = 0; i < list.length; i++) {
          const t0 = performance.now();
          const res = await pool.request({ path: spec.path, method: "GET", headers: signed[w]![i]! });
          const body = await res.body.text();
          latencies[w]!.push(performance.now() - t0);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== 200 && errors.length < 5)
            errors.push(`${res.statusCode} ${body.slice(0, 300)}`);
          if (spec.collect && res.statusCode === 200)
            collected.push(read(spec.keys[list[i]!]!.machineId, body));
        }
      }),
    );
    const wallMs = performance.now() - started;
    return { latencies: latencies.flat(), statuses, wallMs, signMs, collected, errors };
  } finally {
    await pool.close();
  }
}

function read(machineId: string, body: string): Collected {
  const json = JSON.parse(body) as { fields?: { username?: string }; lease?: { expiresAt?: string } };
  return { machineId, username: json.fields?.username ?? null, expiresAt: json.lease?.expiresAt ?? null };
}

process.on("message", (message: ToClient) => {
  run(message.spec).then(
    (result) => process.send?.({ id: message.id, result } satisfies FromClient),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
