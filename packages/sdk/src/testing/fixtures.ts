import type { SecretReadResponse, WhoamiResponse } from "@sikkerkey/protocol";

export const STRUCTURED: SecretReadResponse = {
  id: "sk_api_keys",
  kind: "structured",
  fields: { STRIPE_KEY: "sk_test_123" },
};

export const LEASED: SecretReadResponse = {
  id: "sk_db_prod",
  kind: "leased",
  fields: {
    host: "db.internal",
    port: 5432,
    database: "app",
    username: "sk_db_prod_m1_x7",
    password: "correct-horse-battery-staple",
  },
  lease: { id: "lease_1", expiresAt: "2030-01-01T00:00:00.000Z", renewable: true },
};

export const WHOAMI: WhoamiResponse = {
  machineId: "mach_test",
  name: "m1",
  vaultId: "vault_1",
  vaultName: "prod",
  status: "enabled",
  projects: [{ id: "proj_1", name: "api" }],
};

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": "req_test" },
  });
}
