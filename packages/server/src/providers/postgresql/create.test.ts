import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../provider.js";
import { createPostgresProvider } from "./index.js";
import { adminKinds, type Fixture, fixture } from "./testing.js";

describe.each(adminKinds)("create ($kind admin)", ({ kind }) => {
  const provider = createPostgresProvider();
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => provider.close());

  it("a fresh provider's first mint does not hang (postgres.js reserve() on a cold pool)", async () => {
    const fresh = createPostgresProvider();
    try {
      await fresh.create(f.target, f.spec());
    } finally {
      await fresh.close();
    }
  }, 10_000);

  it("mints a login a real client connects with; a wrong password is refused (28P01)", async () => {
    const spec = f.spec();
    await provider.create(f.target, spec);
    expect((await f.tryAs(spec.login, spec.password)).rows).toEqual([{ who: spec.login }]);
    expect((await f.tryAs(spec.login, `${spec.password}x`)).code).toBe("28P01");
  });

  it("applies the grants: the granted table reads, the other is refused (42501)", async () => {
    const spec = f.spec();
    await provider.create(f.target, spec);
    expect((await f.tryAs(spec.login, spec.password, "SELECT x FROM granted")).rows).toEqual([{ x: 42 }]);
    expect((await f.tryAs(spec.login, spec.password, "SELECT x FROM hidden")).code).toBe("42501");
  });

  it("runs multi-statement templates and DO $$ … $$ bodies, {{name}} quoted each time", async () => {
    const spec = f.spec({
      grants: [
        "GRANT SELECT ON granted TO {{name}};",
        "-- a comment with a ; in it",
        "DO $$ BEGIN EXECUTE format('GRANT SELECT ON hidden TO %s', '{{ name }}'); END $$;",
        "COMMENT ON TABLE granted IS 'read by {{name}}; and others'",
      ].join("\n"),
    });
    await provider.create(f.target, spec);
    expect((await f.tryAs(spec.login, spec.password, "SELECT x FROM hidden")).rows).toEqual([]);
    const [comment] = await f.pg.query("SELECT obj_description('granted'::regclass) AS c", [], {
      database: f.database,
    });
    expect(comment!.c).toBe(`read by "${spec.login}"; and others`);
  });

  it("mints a login with no extra privileges when the template is blank", async () => {
    const spec = f.spec({ grants: "  \n" });
    await provider.create(f.target, spec);
    expect((await f.tryAs(spec.login, spec.password, "SELECT x FROM granted")).code).toBe("42501");
  });

  it("a template with a syntax error fails the mint, names the line, and leaves no role", async () => {
    const spec = f.spec({
      grants: "GRANT SELECT ON granted TO {{name}};\nGRNT SELECT ON hidden TO {{name}};",
    });
    const err = await provider.create(f.target, spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(
      /the grants template failed at line 2: syntax error at or near "GRNT"/,
    );
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as ProviderError).targetCode).toBe("42601");
    expect(await f.roleExists(spec.login)).toBe(false);
  });

  it("a template failing on its second statement rolls the role and the first grant back", async () => {
    const spec = f.spec({
      grants: "GRANT SELECT ON granted TO {{name}}; GRANT SELECT ON no_such_table TO {{name}};",
    });
    await expect(provider.create(f.target, spec)).rejects.toThrow(
      /grants template failed: relation "no_such_table" does not exist/,
    );
    expect(await f.roleExists(spec.login)).toBe(false);
    const acl = await f.pg.query("SELECT relacl::text AS acl FROM pg_class WHERE relname = 'granted'", [], {
      database: f.database,
    });
    expect(acl[0]!.acl).not.toContain(spec.login);
  });

  it("a template that COMMITs part-way is refused and its login taken back", async () => {
    const spec = f.spec({ grants: "GRANT SELECT ON granted TO {{name}}; COMMIT;" });
    await expect(provider.create(f.target, spec)).rejects.toThrow(/must not end the transaction/);
    expect(await f.roleExists(spec.login)).toBe(false);
  });

  it("session settings a template makes do not leak into the next mint on the pooled connection", async () => {
    await provider.create(f.target, f.spec({ grants: "SET search_path = pg_catalog; SET ROLE NONE;" }));
    const spec = f.spec(); // unqualified `granted` resolves only with the default search_path
    await provider.create(f.target, spec);
    expect((await f.tryAs(spec.login, spec.password, "SELECT x FROM granted")).rows).toEqual([{ x: 42 }]);
  });

  it("a retried create whose first try committed succeeds; another lease's role of that name does not", async () => {
    const spec = f.spec();
    await provider.create(f.target, spec);
    await expect(provider.create(f.target, spec)).resolves.toBeUndefined();
    const other = { ...spec, tag: { ...spec.tag, leaseId: "lease_other" } };
    await expect(provider.create(f.target, other)).rejects.toThrow(/already exists/);
    expect(await f.roleExists(spec.login)).toBe(true);
  });

  it("uses a verifier prepared ahead of time: that exact verifier is stored and the password works", async () => {
    const spec = f.spec();
    const prepared = await provider.prepare!(spec.password);
    await provider.create(f.target, { ...spec, prepared });
    const [row] = await f.pg.query<{ v: string }>(
      "SELECT rolpassword AS v FROM pg_authid WHERE rolname = $1",
      [spec.login],
    );
    expect(row?.v).toBe(prepared);
    expect((await f.tryAs(spec.login, spec.password)).rows).toEqual([{ who: spec.login }]);
  });

  it("refuses a prepared value that is not a SCRAM verifier (it would send it as the password)", async () => {
    const spec = f.spec();
    await expect(provider.create(f.target, { ...spec, prepared: spec.password })).rejects.toThrow(
      /not a SCRAM-SHA-256 verifier/,
    );
    expect(await f.roleExists(spec.login)).toBe(false);
  });

  it("refuses a login name it would never make (quoting aside, 63 bytes is a hard limit)", async () => {
    await expect(provider.create(f.target, f.spec({ login: "x".repeat(64) }))).rejects.toThrow(
      /not a login name/,
    );
    await expect(provider.create(f.target, f.spec({ login: 'Robert"); DROP' }))).rejects.toThrow(
      /not a login name/,
    );
  });

  it("sends only the SCRAM verifier: the plaintext password never reaches the server log", async () => {
    const spec = f.spec();
    await provider.create(f.target, spec);
    await f.tryAs(spec.login, spec.password);
    const log = readFileSync(f.pg.logPath, "utf8");
    const statement = log.split("\n").find((l) => l.includes(`CREATE ROLE "${spec.login}"`));
    expect(statement).toMatch(/PASSWORD 'SCRAM-SHA-256\$4096:[^']+'/);
    expect(log).not.toContain(spec.password);
    expect(log).not.toContain(f.target.adminPassword);
  });
});
