import { LEASED_CONNECTION, type FuzzWorld } from "./world.js";

/**
 * A body to mutate. `miss`: the service refuses it as it stands (it names something that does
 * not exist), so every mutation must be refused too. `live`: it would succeed, so only mutations
 * the protocol schema (or the text rule) refuses are sent; the others are legitimate requests.
 */
export interface BodyBase {
  mode: "miss" | "live";
  body: unknown;
  /** Path parameters for this body, when they differ from the route's. */
  params?: Record<string, string>;
}

export interface RouteSpec {
  /** Path parameters naming real things, so a tricked one is looked up next to things that exist. */
  params: Record<string, string>;
  /** Refs each parameter rightly takes; every other real id or name is "an id of the wrong kind". */
  rightKind?: Record<string, string[]>;
  bodies?: BodyBase[];
  /** Machine routes: who signs. `fresh`: a new key, signing for itself (enrollment). */
  signer?: "enabled" | "fresh";
}

/**
 * One entry per route, keyed `METHOD /openapi/path`. The fuzz test fails for a route the server
 * serves or documents without an entry here, so a new route cannot go unfuzzed.
 */
export function routeSpecs(w: FuzzWorld, freshPem: string): Record<string, RouteSpec> {
  const V = [w.vault.id, w.vault.name];
  const P = [w.project.id, w.project.name];
  const { enabled, pending, disabled } = w.machines;
  const M = [enabled, pending, disabled].flatMap((m) => [m.id, m.name]);
  const vault = { vault: w.vault.name };
  const secret = (id: string) => ({
    params: { id },
    rightKind: { id: [w.secrets.structured, w.secrets.leased] },
  });
  const leased = {
    connection: { ...LEASED_CONNECTION, tlsMode: "disable" },
    shape: { passwordLength: 32, charset: "alphanumeric", grants: "" },
    policy: {
      lifetimeSeconds: 3600,
      renewOnRead: true,
      renewWindowSeconds: 60,
      hardMaxSeconds: 7200,
      maxLogins: 10,
    },
  };
  const structured = {
    kind: "structured",
    id: "sk_fz_new",
    project: w.project.name,
    fields: { API_KEY: "v" },
  };
  const leasedSecret = { kind: "leased", id: "sk_fz_new_db", project: w.project.name, leased };
  const enrollmentToken = { ttlSeconds: 3600, uses: 1, autoApprove: false, projects: [w.project.name] };
  const enroll = { token: "enr-not-a-token", name: "fz-new-machine", publicKeyPem: freshPem };
  const machine = (name: string) => ({ params: { machine: name }, rightKind: { machine: M } });

  return {
    "GET /healthz": { params: {} },
    "GET /readyz": { params: {} },
    "GET /metrics": { params: {} },
    "GET /v1/openapi.json": { params: {} },

    "POST /v1/enroll": {
      params: {},
      signer: "fresh",
      bodies: [
        { mode: "miss", body: enroll },
        { mode: "live", body: { ...enroll, token: w.enrollment.token } },
      ],
    },
    "GET /v1/machines/me": { params: {}, signer: "enabled" },
    "GET /v1/secrets/{id}": { ...secret(w.secrets.structured), signer: "enabled" },

    "GET /v1/admin/tokens": { params: {} },
    "POST /v1/admin/tokens": {
      params: {},
      bodies: [{ mode: "live", body: { name: "fz-new", expiresInSeconds: 3600 } }],
    },
    "DELETE /v1/admin/tokens/{id}": {
      params: { id: w.apiToken.id },
      rightKind: { id: [w.apiToken.id, w.h.owner.tokenId] },
    },

    "GET /v1/admin/vaults": { params: {} },
    "POST /v1/admin/vaults": { params: {}, bodies: [{ mode: "live", body: { name: "fz-new-vault" } }] },
    "GET /v1/admin/vaults/{vault}": { params: vault, rightKind: { vault: V } },
    "DELETE /v1/admin/vaults/{vault}": { params: vault, rightKind: { vault: V } },
    "GET /v1/admin/vaults/{vault}/members": { params: vault, rightKind: { vault: V } },
    "POST /v1/admin/vaults/{vault}/members": {
      params: vault,
      rightKind: { vault: V },
      bodies: [{ mode: "live", body: { email: "fz-new@example.com", role: "member" } }],
    },
    "GET /v1/admin/vaults/{vault}/projects": { params: vault, rightKind: { vault: V } },
    "POST /v1/admin/vaults/{vault}/projects": {
      params: vault,
      rightKind: { vault: V },
      bodies: [{ mode: "live", body: { name: "fz-new-proj" } }],
    },
    "DELETE /v1/admin/vaults/{vault}/projects/{project}": {
      params: { ...vault, project: w.project.name },
      rightKind: { vault: V, project: P },
    },

    "GET /v1/admin/secrets": { params: {} },
    "POST /v1/admin/secrets": {
      params: {},
      bodies: [
        { mode: "miss", body: { ...structured, vault: "no-such-vault" } },
        { mode: "miss", body: { ...leasedSecret, vault: "no-such-vault" } },
        { mode: "live", body: { ...structured, vault: w.vault.name } },
        { mode: "live", body: { ...leasedSecret, vault: w.vault.name } },
      ],
    },
    "GET /v1/admin/secrets/{id}": secret(w.secrets.structured),
    "PATCH /v1/admin/secrets/{id}": {
      ...secret(w.secrets.structured),
      bodies: [
        { mode: "miss", body: { fields: { API_KEY: "new" } }, params: { id: "sk_fz_nothing" } },
        { mode: "live", body: { fields: { API_KEY: "new", OTHER: "x" } } },
        {
          mode: "live",
          body: {
            leased: {
              connection: { host: "db2", port: 5433 },
              shape: { passwordLength: 40 },
              policy: { lifetimeSeconds: 600 },
            },
          },
          params: { id: w.secrets.leased },
        },
      ],
    },
    "DELETE /v1/admin/secrets/{id}": secret(w.secrets.structured),
    "POST /v1/admin/secrets/{id}/test-connection": {
      params: { id: w.secrets.leased },
      rightKind: { id: [w.secrets.leased] },
    },
    "POST /v1/admin/test-connection": { params: {}, bodies: [{ mode: "live", body: leased.connection }] },

    "GET /v1/admin/trash": { params: {} },
    "POST /v1/admin/trash/{id}/restore": {
      params: { id: w.secrets.trashed },
      rightKind: { id: [w.secrets.trashed] },
    },
    "DELETE /v1/admin/trash/{id}": {
      params: { id: w.secrets.trashed },
      rightKind: { id: [w.secrets.trashed] },
    },

    "GET /v1/admin/machines": { params: {} },
    "GET /v1/admin/machines/{machine}": machine(enabled.name),
    "POST /v1/admin/machines/{machine}/approve": machine(pending.name),
    "POST /v1/admin/machines/{machine}/disable": machine(enabled.name),
    "POST /v1/admin/machines/{machine}/enable": machine(disabled.name),
    "POST /v1/admin/machines/{machine}/grants": {
      ...machine(enabled.name),
      bodies: [{ mode: "miss", body: { project: "no-such-project" } }],
    },
    "DELETE /v1/admin/machines/{machine}/grants/{project}": {
      params: { machine: enabled.name, project: w.project.name },
      rightKind: { machine: M, project: P },
    },

    "GET /v1/admin/enrollment-tokens": { params: {} },
    "POST /v1/admin/enrollment-tokens": {
      params: {},
      bodies: [
        { mode: "miss", body: { ...enrollmentToken, vault: "no-such-vault" } },
        { mode: "live", body: { ...enrollmentToken, vault: w.vault.name } },
      ],
    },
    "DELETE /v1/admin/enrollment-tokens/{id}": {
      params: { id: w.enrollment.id },
      rightKind: { id: [w.enrollment.id] },
    },

    "GET /v1/admin/leases": { params: {} },
    "POST /v1/admin/leases/{id}/revoke": {
      params: { id: w.leaseId },
      rightKind: { id: [w.leaseId] },
      bodies: [{ mode: "live", body: { force: false } }],
    },
    "POST /v1/admin/secrets/{id}/revoke-leases": {
      params: { id: w.secrets.leased },
      rightKind: { id: [w.secrets.leased] },
      bodies: [{ mode: "live", body: { force: false } }],
    },

    "GET /v1/admin/audit": { params: {} },
    "GET /v1/admin/audit/verify": { params: {} },
    "GET /v1/admin/audit/export": { params: {} },
  };
}
