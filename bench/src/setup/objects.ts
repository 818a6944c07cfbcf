import type { AdminApi } from "./admin-api.js";
import { GRANTS_TEMPLATE, type Target } from "./target.js";

/** Reuses one login per machine; the renew window is far from the lifetime, so reads only reuse. */
export const SECRET = "sk_bench_db";
/** The renew window is one second short of the lifetime: any read a second after the last renews. */
export const SECRET_RENEW = "sk_bench_renew";
const LIFETIME_SECONDS = 3600;

export interface BenchObjects {
  vault: string;
  project: string;
}

export async function createObjects(api: AdminApi, target: Target): Promise<BenchObjects> {
  await api.post("/vaults", { name: "bench" });
  await api.post(`/vaults/bench/projects`, { name: "app" });
  const leased = (policy: Record<string, unknown>) => ({
    connection: {
      host: target.host,
      port: target.port,
      database: target.database,
      adminUser: target.admin.user,
      adminPassword: target.admin.password,
      tlsMode: "disable",
    },
    shape: { passwordLength: 32, charset: "alphanumeric", grants: GRANTS_TEMPLATE },
    policy: { lifetimeSeconds: LIFETIME_SECONDS, nativeExpiry: true, revokeOnDisable: true, ...policy },
  });
  const common = { kind: "leased", vault: "bench", project: "app" };
  await api.post("/secrets", {
    ...common,
    id: SECRET,
    leased: leased({ renewOnRead: true, renewWindowSeconds: 60 }),
  });
  await api.post("/secrets", {
    ...common,
    id: SECRET_RENEW,
    leased: leased({ renewOnRead: true, renewWindowSeconds: LIFETIME_SECONDS - 1 }),
  });
  return { vault: "bench", project: "app" };
}
