import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresProvider } from "./index.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

// Regression guard: parallel GRANTs on one table fail with `tuple concurrently updated` (XX000)
// unless mints are serialized per target (and retried across replicas).
describe.each(adminKinds)("many mints at once ($kind admin)", ({ kind }) => {
  const providers = [createPostgresProvider(), createPostgresProvider()];
  const [provider, replica] = providers as [
    ReturnType<typeof createPostgresProvider>,
    ReturnType<typeof createPostgresProvider>,
  ];
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => Promise.all(providers.map((p) => p.close())));

  const grants = "GRANT SELECT ON granted TO {{name}}; GRANT SELECT, INSERT ON hidden TO {{name}};";

  it("20 parallel creates granting on the same tables all succeed, and each login works", async () => {
    const specs = Array.from({ length: 20 }, () => f.spec({ grants }));
    await Promise.all(specs.map((s) => provider.create(f.target, s)));
    const results = await Promise.all(
      specs.map((s) => f.tryAs(s.login, s.password, "SELECT x FROM granted")),
    );
    expect(results.every((r) => r.rows?.[0]?.x === 42)).toBe(true);
  });

  it("two providers (two server replicas, separate queues) minting 10 each at once all succeed", async () => {
    const specs = Array.from({ length: 20 }, () => f.spec({ grants }));
    await Promise.all(specs.map((s, i) => (i % 2 ? provider : replica).create(f.target, s)));
    const logins = await Promise.all(specs.map((s) => f.tryAs(s.login, s.password, "SELECT x FROM granted")));
    expect(logins).toEqual(specs.map(() => ({ rows: [{ x: 42 }] })));
  });

  it("parallel revokes alongside parallel mints all succeed", async () => {
    const old = Array.from({ length: 10 }, () => f.spec({ grants }));
    await Promise.all(old.map((s) => provider.create(f.target, s)));
    const fresh = Array.from({ length: 10 }, () => f.spec({ grants }));
    const [revoked] = await Promise.all([
      Promise.all(old.map((s, i) => (i % 2 ? provider : replica).revoke(f.target, s.login))),
      Promise.all(fresh.map((s) => provider.create(f.target, s))),
    ]);
    expect(revoked.map((r) => r.existed)).toEqual(old.map(() => true));
    const tryAll = (specs: typeof old) =>
      Promise.all(specs.map((s) => f.tryAs(s.login, s.password, "SELECT x FROM granted")));
    // The revoked logins are refused with their own passwords; the new ones log in.
    expect(await tryAll(old)).toEqual(old.map(() => ({ code: "28P01" })));
    expect(await tryAll(fresh)).toEqual(fresh.map(() => ({ rows: [{ x: 42 }] })));
    for (const s of old) expect(await f.roleExists(s.login)).toBe(false);
  });
});
