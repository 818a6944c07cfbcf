import { createLogger, type Logger } from "../../log/index.js";
import { FakeProvider } from "../../services/leases/fake-provider.js";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import { newIdentity, signed, type TestIdentity } from "../../test-support/machine-client.js";
import { operatorWithRole } from "../../test-support/operators.js";

export interface FuzzMachine extends TestIdentity {
  id: string;
  name: string;
}

/** One of everything, with real ids, so hostile input is looked up next to things that exist. */
export interface FuzzWorld {
  h: Harness;
  /** 5xx log lines, to show the cause of a failure. */
  errors: string[];
  vault: { id: string; name: string };
  project: { id: string; name: string };
  secrets: { structured: string; leased: string; trashed: string };
  machines: { enabled: FuzzMachine; pending: FuzzMachine; disabled: FuzzMachine };
  enrollment: { id: string; token: string };
  apiToken: { id: string };
  leaseId: string;
  admin: { token: string; operatorId: string };
}

export const LEASED_CONNECTION = {
  host: "db.internal",
  port: 5432,
  database: "app",
  adminUser: "sikkerkey",
  adminPassword: "admin-password",
};

export async function createFuzzWorld(): Promise<FuzzWorld> {
  const errors: string[] = [];
  const logger: Logger = createLogger({ level: "error", write: (line) => errors.push(line) });
  const h = await createHarness({ overrides: { provider: new FakeProvider(), logger } });
  const ok = async <T>(res: Promise<Response>, status = 200) => expectJson<T>(await res, status);

  const vault = await ok<{ id: string; name: string }>(
    h.admin("POST", "/v1/admin/vaults", { name: "fz-vault" }),
    201,
  );
  const project = await ok<{ id: string; name: string }>(
    h.admin("POST", `/v1/admin/vaults/${vault.id}/projects`, { name: "fz-proj" }),
    201,
  );
  const secret = (id: string, extra: Record<string, unknown>) =>
    ok(h.admin("POST", "/v1/admin/secrets", { id, vault: vault.id, project: project.id, ...extra }), 201);
  await secret("sk_fz_struct", { kind: "structured", fields: { API_KEY: "value" } });
  await secret("sk_fz_trashed", { kind: "structured", fields: { API_KEY: "old" } });
  await ok(h.admin("DELETE", "/v1/admin/secrets/sk_fz_trashed"));
  await secret("sk_fz_leased", {
    kind: "leased",
    leased: { connection: LEASED_CONNECTION, policy: { lifetimeSeconds: 3600 } },
  });

  const enroll = async (name: string, autoApprove: boolean): Promise<FuzzMachine> => {
    const { token } = await ok<{ token: string }>(
      h.admin("POST", "/v1/admin/enrollment-tokens", {
        vault: vault.id,
        autoApprove,
        projects: [project.id],
      }),
      201,
    );
    const identity = await newIdentity();
    const res = signed(h, "/v1/enroll", {
      method: "POST",
      body: { token, name, publicKeyPem: identity.publicKeyPem },
      keyId: identity.thumbprint,
      key: identity.key,
    });
    const { machineId } = await ok<{ machineId: string }>(res, 201);
    return { ...identity, id: machineId, name };
  };
  const enabled = await enroll("fz-machine", true);
  const pending = await enroll("fz-pending", false);
  const disabled = await enroll("fz-disabled", true);
  await ok(h.admin("POST", `/v1/admin/machines/${disabled.id}/disable`));

  const enrollment = await ok<{ id: string; token: string }>(
    h.admin("POST", "/v1/admin/enrollment-tokens", { vault: vault.id, uses: 5, projects: [project.id] }),
    201,
  );
  const apiToken = await ok<{ id: string }>(h.admin("POST", "/v1/admin/tokens", { name: "fz-token" }), 201);
  const admin = await operatorWithRole(h, vault.id, "admin", "fz-admin@example.com");

  // A live lease, and last_seen_at / last_used_at written once: the clock stands still from
  // here on, so later requests by the same callers leave those columns as they are.
  const read = await signed(h, "/v1/secrets/sk_fz_leased", { keyId: enabled.id, key: enabled.key });
  const { lease } = await expectJson<{ lease: { id: string } }>(read, 200);
  for (const m of [pending, disabled]) await signed(h, "/v1/machines/me", { keyId: m.id, key: m.key });
  await ok(h.admin("GET", "/v1/admin/vaults", undefined, { token: admin.token }));
  await h.server.engine.settle();

  return {
    h,
    errors,
    vault,
    project,
    secrets: { structured: "sk_fz_struct", leased: "sk_fz_leased", trashed: "sk_fz_trashed" },
    machines: { enabled, pending, disabled },
    enrollment,
    apiToken,
    leaseId: lease.id,
    admin,
  };
}

/** Every real id and name in the world, for "an id of the wrong kind". */
export function worldRefs(w: FuzzWorld): string[] {
  return [
    w.vault.id,
    w.vault.name,
    w.project.id,
    w.project.name,
    ...Object.values(w.secrets),
    ...Object.values(w.machines).flatMap((m) => [m.id, m.name, m.thumbprint]),
    w.enrollment.id,
    w.apiToken.id,
    w.h.owner.tokenId,
    w.h.owner.operatorId,
    w.admin.operatorId,
    w.leaseId,
  ];
}
