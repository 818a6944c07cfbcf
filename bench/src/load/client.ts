// The load client: its own process, so the server's CPU and the client's are never the same
// core's time. Requests are signed before the clock starts; each carries a fresh nonce and a
// `created` within the server's skew window.
import { importSigningKey, type SigningKey, signRequest } from "@sikkerkey/signing";
import type { Collected, FromClient, RunResult, RunSpec, ToClient } from "./protocol.js";
import { RawHttpConnection, serializeGet } from "./raw-http.js";

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
  const origin = new URL(spec.baseUrl);
  const signStarted = performance.now();
  const signed = (await presign(spec)).map((list) =>
    list.map((headers) => serializeGet(origin, spec.path, headers)),
  );
  const signMs = performance.now() - signStarted;
  // One connection per worker, each opened and used once before the clock starts: the floor's
  // connections are open too.
  const connections = await openAll(origin, spec.workers.length);
  try {
    const health = serializeGet(origin, "/healthz", {});
    await Promise.all(connections.map((c) => c.send(health)));
    const latencies: number[][] = spec.workers.map(() => []);
    const statuses: Record<string, number> = {};
    const collected: Collected[] = [];
    const errors: string[] = [];
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await Promise.all(
      spec.workers.map(async (list, w) => {
        const connection = connections[w]!;
        for (let i = 0; i < list.length; i++) {
          const t0 = performance.now();
          const res = await connection.send(signed[w]![i]!);
          latencies[w]!.push(performance.now() - t0);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status !== 200 && errors.length < 5) errors.push(`${res.status} ${res.body.slice(0, 300)}`);
          if (spec.collect && res.status === 200)
            collected.push(read(spec.keys[list[i]!]!.machineId, res.body));
        }
      }),
    );
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const clientCpuMs = (cpu.user + cpu.system) / 1000;
    return { latencies: latencies.flat(), statuses, wallMs, signMs, clientCpuMs, collected, errors };
  } finally {
    for (const c of connections) c.close();
  }
}

/** Opens `count` connections, or none: one that fails closes those that opened. */
async function openAll(origin: URL, count: number): Promise<RawHttpConnection[]> {
  const opened = await Promise.allSettled(
    Array.from({ length: count }, () => RawHttpConnection.open(origin)),
  );
  const failed = opened.find((o) => o.status === "rejected");
  if (!failed) return opened.map((o) => (o as PromiseFulfilledResult<RawHttpConnection>).value);
  for (const o of opened) if (o.status === "fulfilled") o.value.close();
  throw failed.reason;
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
