import { FakeProvider } from "../services/leases/fake-provider.js";
import { createHarness, expectJson, type Harness } from "./harness.js";
import { createWorld } from "./machine-client.js";

/** A leased secret in `vault`'s project "api", minting in `database` on the fake host "db". */
export async function createLeasedSecret(
  h: Harness,
  vault: string,
  secretId: string,
  database = "app",
): Promise<void> {
  await expectJson(
    await h.admin("POST", "/v1/admin/secrets", {
      kind: "leased",
      id: secretId,
      vault,
      project: "api",
      leased: {
        connection: { host: "db", database, adminUser: "a", adminPassword: "p" },
        policy: { lifetimeSeconds: 300 },
      },
    }),
    201,
  );
}

/** A server on a fake target database, with one leased secret in a fresh vault. */
export async function leasedWorld(secretId: string) {
  const provider = new FakeProvider();
  const h = await createHarness({ overrides: { provider } });
  const world = await createWorld(h);
  await createLeasedSecret(h, world.vault.name, secretId);
  return { h, provider, world };
}
