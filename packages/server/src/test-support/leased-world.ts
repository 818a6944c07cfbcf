import { FakeProvider } from "../services/leases/fake-provider.js";
import { createHarness, expectJson } from "./harness.js";
import { createWorld } from "./machine-client.js";

/** A server on a fake target database, with one leased secret in a fresh vault. */
export async function leasedWorld(secretId: string) {
  const provider = new FakeProvider();
  const h = await createHarness({ overrides: { provider } });
  const world = await createWorld(h);
  await expectJson(
    await h.admin("POST", "/v1/admin/secrets", {
      kind: "leased",
      id: secretId,
      vault: world.vault.name,
      project: "api",
      leased: {
        connection: { host: "db", database: "app", adminUser: "a", adminPassword: "p" },
        policy: { lifetimeSeconds: 300 },
      },
    }),
    201,
  );
  return { h, provider, world };
}
