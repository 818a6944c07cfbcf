// Mints for one target at once through the PostgreSQL provider alone (no server, no store),
// against a target reached through a proxy that holds every chunk for a while each way: a
// stand-in for a target across a network, which this host cannot make (no netem). For comparing
// two builds of the provider, e.g. the code before a change in a worktree:
//
//   tsx bench/src/tools/chained-mints.mts <checkout> <delay ms each way> <mints>
//
// with TARGET_URL=postgres://admin:password@host:port/database (the admin needs CREATEROLE, and
// the database a role `chained_reader`, which the mints are granted). It prints mints/s and drops
// the logins it made. A development tool, not part of `pnpm bench`.
import { randomUUID } from "node:crypto";
import net from "node:net";
import postgres from "postgres";

const [tree, delayArg, countArg] = process.argv.slice(2);
if (!tree || !process.env.TARGET_URL) {
  throw new Error("usage: TARGET_URL=… tsx chained-mints.mts <checkout> <delay ms> <mints>");
}
const delay = Number(delayArg ?? 0);
const count = Number(countArg ?? 100);
const url = new URL(process.env.TARGET_URL);
const provider = `${tree}/packages/server/src/providers/postgresql`;
const { createPostgresProvider } = await import(`${provider}/index.ts`);
const { scramVerifier } = await import(`${provider}/scram.ts`);

// Each direction keeps its order: every chunk leaves `delay` ms after it arrived.
const proxy = net.createServer((client) => {
  const upstream = net.connect(Number(url.port || 5432), url.hostname);
  for (const s of [client, upstream]) {
    s.setNoDelay(true); // Nagle's 40 ms waits would swamp what is measured
    s.on("error", () => {});
  }
  const relay = (from: net.Socket, to: net.Socket) =>
    from.on("data", (d) => (delay > 0 ? setTimeout(() => to.write(d), delay) : to.write(d)));
  relay(client, upstream);
  relay(upstream, client);
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => client.destroy());
});
await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
const target = {
  host: "127.0.0.1",
  port: (proxy.address() as net.AddressInfo).port,
  database: url.pathname.slice(1),
  adminUser: decodeURIComponent(url.username),
  adminPassword: decodeURIComponent(url.password),
  tlsMode: "disable",
};
const mints = createPostgresProvider();
// Verifiers made beforehand, so all the mints queue at once, as a burst's do in the server.
const specs = await Promise.all(
  Array.from({ length: count + 1 }, async (_, i) => {
    const password = randomUUID();
    return {
      login: `chained_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
      password,
      prepared: await scramVerifier(password),
      validUntil: null,
      grants: "GRANT chained_reader TO {{name}};",
      tag: { installId: "inst_chained", leaseId: `lease_${i}`, secretId: "sk_chained", machineId: `m${i}` },
    };
  }),
);
await mints.create(target, specs[0]); // opens the pool's connection
const start = performance.now();
await Promise.all(specs.slice(1).map((spec) => mints.create(target, spec)));
const ms = performance.now() - start;
console.log(
  `${tree}: ${count} mints, ${delay} ms each way: ${ms.toFixed(0)} ms, ${((count * 1000) / ms).toFixed(1)}/s`,
);
await mints.close();
proxy.close();
const admin = postgres(process.env.TARGET_URL, { max: 1, onnotice: () => {} });
for (const spec of specs) await admin`DROP ROLE IF EXISTS ${admin(spec.login)}`;
await admin.end();
