import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeProvider } from "../../../services/leases/fake-provider.js";
import { createHarness, expectJson, type Harness } from "../../../test-support/harness.js";
import { createWorld, enrollMachine, signed } from "../../../test-support/machine-client.js";
import { operatorWithRole } from "../../../test-support/operators.js";

// Regression: revoking a lease and testing a saved connection once skipped the vault role check.
describe("lease routes: only the vault's admins act on its leases", () => {
  let h: Harness;
  let leaseId: string;
  let vault: string;
  const connection = { host: "db", database: "app", adminUser: "a", adminPassword: "p" };
  beforeAll(async () => {
    h = await createHarness({ overrides: { provider: new FakeProvider() } });
    const world = await createWorld(h);
    vault = world.vault.id;
    await expectJson(
      await h.admin("POST", "/v1/admin/secrets", {
        kind: "leased",
        id: "sk_db_guarded",
        vault: world.vault.name,
        project: "api",
        leased: { connection, policy: { lifetimeSeconds: 300 } },
      }),
      201,
    );
    const machine = await enrollMachine(h, world);
    const read = await expectJson<{ lease: { id: string } }>(
      await signed(h, "/v1/secrets/sk_db_guarded", { keyId: machine.id, key: machine.key }),
      200,
    );
    leaseId = read.lease.id;
  });
  afterAll(async () => {
    await h.close();
  });

  it("an operator of another vault learns nothing", async () => {
    const other = await expectJson<{ id: string }>(
      await h.admin("POST", "/v1/admin/vaults", { name: "elsewhere" }),
      201,
    );
    const outsider = await operatorWithRole(h, other.id, "admin");
    const as = { token: outsider.token };
    expect(
      (await expectJson(await h.admin("POST", `/v1/admin/leases/${leaseId}/revoke`, undefined, as), 404))[
        "code"
      ],
    ).toBe("NOT_FOUND");
    expect(
      (
        await expectJson(
          await h.admin("POST", "/v1/admin/secrets/sk_db_guarded/test-connection", undefined, as),
          404,
        )
      )["code"],
    ).toBe("SECRET_NOT_FOUND");
  });

  it("a member of the vault may not revoke or test", async () => {
    const member = await operatorWithRole(h, vault, "member");
    const as = { token: member.token };
    expect(
      (await expectJson(await h.admin("POST", `/v1/admin/leases/${leaseId}/revoke`, undefined, as), 403))[
        "code"
      ],
    ).toBe("FORBIDDEN");
    expect(
      (await expectJson(await h.admin("POST", "/v1/admin/test-connection", connection, as), 403))["code"],
    ).toBe("FORBIDDEN");
  });

  it("the vault's admin revokes it", async () => {
    const admin = await operatorWithRole(h, vault, "admin");
    const lease = await expectJson<{ state: string }>(
      await h.admin("POST", `/v1/admin/leases/${leaseId}/revoke`, undefined, { token: admin.token }),
      200,
    );
    expect(lease.state).toBe("revoked");
  });
});
