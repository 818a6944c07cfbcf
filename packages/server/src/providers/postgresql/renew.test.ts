import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../provider.js";
import { createPostgresProvider } from "./index.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

describe.each(adminKinds)("renew and listManaged ($kind admin)", ({ kind }) => {
  const provider = createPostgresProvider();
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => provider.close());

  it("a VALID UNTIL in the past refuses the login; renewing moves it and the login works again", async () => {
    const spec = f.spec({ validUntil: new Date(Date.now() - 60_000) });
    await provider.create(f.target, spec);
    expect((await f.tryAs(spec.login, spec.password)).code).toBe("28P01");

    const until = new Date(Date.now() + 3_600_000);
    await provider.renew(f.target, spec.login, until);
    expect((await f.tryAs(spec.login, spec.password)).rows).toEqual([{ who: spec.login }]);
    const [managed] = await provider.listManaged(f.target, spec.tag.installId);
    expect(managed?.validUntil?.getTime()).toBe(until.getTime());
  });

  it("renewing to null lifts the expiry ('infinity', listed as null)", async () => {
    const spec = f.spec({ validUntil: new Date(Date.now() + 60_000) });
    await provider.create(f.target, spec);
    await provider.renew(f.target, spec.login, null);
    const [row] = await f.pg.query("SELECT rolvaliduntil::text AS v FROM pg_roles WHERE rolname = $1", [
      spec.login,
    ]);
    expect(row!.v).toBe("infinity");
    expect((await provider.listManaged(f.target, spec.tag.installId))[0]?.validUntil).toBeNull();
  });

  it("renews a role whose name holds a dot or a quote as that one role", async () => {
    for (const name of [`sk.dotted_${kind}`, `sk"quoted_${kind}`]) {
      await f.pg.query(`CREATE ROLE "${name.replaceAll('"', '""')}" LOGIN`);
      const until = new Date(Date.now() + 600_000);
      await provider.renew(f.target, name, until);
      const [row] = await f.pg.query("SELECT rolvaliduntil AS v FROM pg_roles WHERE rolname = $1", [name]);
      expect((row!.v as Date).getTime()).toBe(until.getTime());
    }
  });

  it("renewing a login that is gone fails clearly, not retryably", async () => {
    const err = await provider.renew(f.target, "sk_gone__m__00000000", new Date()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(/the login does not exist/);
    expect((err as ProviderError).retryable).toBe(false);
  });

  it("listManaged finds exactly this install's logins, with lease, login flag and expiry", async () => {
    const installId = `inst_${kind}_${Date.now()}`;
    const mine = [f.spec(), f.spec()].map((s) => ({ ...s, tag: { ...s.tag, installId } }));
    const until = new Date(Date.now() + 600_000);
    mine[1]!.validUntil = until;
    // Another install whose id this one's is a prefix of, and one whose id differs only at an `_`.
    const others = [f.spec(), f.spec()];
    others[0]!.tag.installId = `${installId}0`;
    others[1]!.tag.installId = installId.replace("_", "x");
    for (const spec of [...mine, ...others]) await provider.create(f.target, spec);
    await provider.revoke(f.target, "nothing_here"); // no-op, keeps the listing honest

    const listed = await provider.listManaged(f.target, installId);
    expect(listed).toEqual(
      mine
        .map((s) => ({ login: s.login, leaseId: s.tag.leaseId, canLogin: true, validUntil: s.validUntil }))
        .sort((a, b) => a.login.localeCompare(b.login)),
    );
    await provider.revoke(f.target, mine[0]!.login);
    expect((await provider.listManaged(f.target, installId)).map((l) => l.login)).toEqual([mine[1]!.login]);
  });

  it("lists a login left NOLOGIN (a revocation that could not finish) with canLogin false", async () => {
    const spec = f.spec();
    await provider.create(f.target, spec);
    await f.pg.query(`ALTER ROLE "${spec.login}" NOLOGIN`);
    expect(await provider.listManaged(f.target, spec.tag.installId)).toMatchObject([
      { login: spec.login, canLogin: false },
    ]);
  });
});
