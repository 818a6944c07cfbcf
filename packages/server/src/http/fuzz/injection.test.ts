import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../log/index.js";
import { FakeProvider } from "../../services/leases/fake-provider.js";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import { newIdentity, signed } from "../../test-support/machine-client.js";
import { operatorWithRole } from "../../test-support/operators.js";
import { snapshot, storeChanges } from "./snapshot.js";
import { SQL_STRINGS } from "./values.js";

/**
 * Nothing a caller sends reaches SQL as text: values full of quotes and SQL metacharacters come
 * back byte for byte, and filters match exactly (no LIKE wildcards). PostgreSQL's own quoting of
 * identifiers and literals in minted logins is tested against a real server in
 * providers/postgresql (quote.test.ts, create.test.ts); this is the store side, over HTTP.
 */
const METACHARACTERS = `'"; -- \\ $1 % _ $$ /* */ E'\\x27' ${SQL_STRINGS.join(" ")}`;
const UNICODE = "\u202eevil\u202c e\u0301\u0302 🔑 \ufeff zero\u200bwidth \u2028 ｆｕｌｌ \u0430dmin";

describe("injection: values round-trip exactly", () => {
  let h: Harness;
  const errors: string[] = [];
  beforeAll(async () => {
    h = await createHarness({
      overrides: {
        provider: new FakeProvider(),
        logger: createLogger({ level: "error", write: (line) => errors.push(line) }),
      },
    });
  }, 120_000);
  afterAll(async () => {
    expect(errors).toEqual([]);
    await h.close();
  });

  it("names with '-', '_' and '--' and field values full of SQL metacharacters, create → read", async () => {
    const vault = await expectJson<{ id: string; name: string }>(
      await h.admin("POST", "/v1/admin/vaults", { name: "a--b-1" }),
      201,
    );
    expect(vault.name).toBe("a--b-1");
    await expectJson(await h.admin("POST", `/v1/admin/vaults/${vault.name}/projects`, { name: "p--q" }), 201);
    const fields = {
      SQL: METACHARACTERS,
      QUOTES_ONLY: "'".repeat(4096),
      BACKSLASHES: "\\".repeat(1024),
      UNICODE,
      LONG: `${METACHARACTERS}\n`.repeat(40),
      _: "%",
      constructor: "$1",
      toString: "'; --",
    };
    const id = "sk_-_--_x";
    const created = await expectJson<{ id: string; fieldNames: string[] }>(
      await h.admin("POST", "/v1/admin/secrets", {
        kind: "structured",
        id,
        vault: vault.name,
        project: "p--q",
        fields,
      }),
      201,
    );
    expect(created.id).toBe(id);
    expect([...created.fieldNames].sort()).toEqual(Object.keys(fields).sort());

    const revealed = await expectJson<{ fields: Record<string, string> }>(
      await h.admin("GET", `/v1/admin/secrets/${id}?reveal=true`),
      200,
    );
    expect(revealed.fields).toStrictEqual(fields);

    // The machine's read decrypts the same bytes.
    const { token } = await expectJson<{ token: string }>(
      await h.admin("POST", "/v1/admin/enrollment-tokens", {
        vault: vault.id,
        autoApprove: true,
        projects: ["p--q"],
      }),
      201,
    );
    const me = await newIdentity();
    const machineName = "m.-_--x";
    await expectJson(
      await signed(h, "/v1/enroll", {
        method: "POST",
        body: { token, name: machineName, publicKeyPem: me.publicKeyPem },
        keyId: me.thumbprint,
        key: me.key,
      }),
      201,
    );
    const machines = await expectJson<{ items: { id: string; name: string }[] }>(
      await h.admin("GET", `/v1/admin/machines?vault=${vault.name}`),
      200,
    );
    const machine = machines.items.find((m) => m.name === machineName);
    expect(machine).toBeDefined();
    const read = await expectJson<{ fields: Record<string, string> }>(
      await signed(h, `/v1/secrets/${id}`, { keyId: machine!.id, key: me.key }),
      200,
    );
    expect(read.fields).toStrictEqual(fields);
  });

  it("free-text names, emails and connection settings come back exactly as sent", async () => {
    const tokenName = `x'"; DROP TABLE api_tokens; -- \\ $1 %_ ${UNICODE}`.slice(0, 64);
    await expectJson(await h.admin("POST", "/v1/admin/tokens", { name: tokenName }), 201);
    const tokens = await expectJson<{ items: { name: string }[] }>(
      await h.admin("GET", "/v1/admin/tokens"),
      200,
    );
    expect(tokens.items.map((t) => t.name)).toContain(tokenName);

    const vault = await expectJson<{ id: string }>(
      await h.admin("POST", "/v1/admin/vaults", { name: "quoting" }),
      201,
    );
    await expectJson(await h.admin("POST", "/v1/admin/vaults/quoting/projects", { name: "db" }), 201);
    const email = "o'brien+_--x@example.com"; // zod's email rule allows ' + _ - and no other metacharacter
    await expectJson(
      await h.admin("POST", `/v1/admin/vaults/${vault.id}/members`, { email, role: "member" }),
      201,
    );
    const members = await expectJson<{ items: { email: string }[] }>(
      await h.admin("GET", `/v1/admin/vaults/${vault.id}/members`),
      200,
    );
    expect(members.items.map((m) => m.email)).toContain(email);

    const connection = {
      host: "db'\";--.internal",
      port: 5432,
      database: 'app"; DROP DATABASE app; --',
      adminUser: "o'neil$1%_\\",
      adminPassword: "p'w\"d;--\\$1",
      tlsMode: "disable",
    };
    const grants = `GRANT SELECT ON "weird ""table""" TO {{name}}; -- '$1' %_ \\\nDO $$ BEGIN RAISE NOTICE '%', 'x'; END $$;`;
    await expectJson(
      await h.admin("POST", "/v1/admin/secrets", {
        kind: "leased",
        id: "sk_quoted_db",
        vault: "quoting",
        project: "db",
        leased: { connection, shape: { grants }, policy: { lifetimeSeconds: 600 } },
      }),
      201,
    );
    const view = await expectJson<{
      leased: { connection: Record<string, unknown>; shape: { grants: string } };
    }>(await h.admin("GET", "/v1/admin/secrets/sk_quoted_db"), 200);
    const { adminPassword: _password, ...shown } = connection;
    expect(view.leased.connection).toMatchObject({ ...shown, hasCa: false });
    expect(view.leased.shape.grants).toBe(grants);
    expect(JSON.stringify(view)).not.toContain(connection.adminPassword);
  });

  it("filters match exactly: '%' and '_' are not wildcards, quotes are not syntax", async () => {
    for (const filter of ["%", "_", "%_%", "' OR '1'='1", "sk_%"]) {
      const q = new URLSearchParams({ secret: filter, login: filter }).toString();
      const audit = await h.admin("GET", `/v1/admin/audit?${q}`);
      if (audit.status === 200)
        expect((await audit.json()) as { items: unknown[] }).toMatchObject({ items: [] });
      else expect(audit.status).toBeLessThan(500);
      const leases = await h.admin("GET", `/v1/admin/leases?${new URLSearchParams({ secret: filter })}`);
      if (leases.status === 200)
        expect((await leases.json()) as { items: unknown[] }).toMatchObject({ items: [] });
      else expect(leases.status).toBeLessThan(500);
      for (const path of [
        `/v1/admin/secrets?${new URLSearchParams({ vault: filter })}`,
        `/v1/admin/vaults/${encodeURIComponent(filter)}`,
        `/v1/admin/secrets/${encodeURIComponent(filter)}`,
        `/v1/admin/machines/${encodeURIComponent(filter)}`,
      ]) {
        const res = await h.admin("GET", path);
        expect([400, 404], `${path} → ${res.status}`).toContain(res.status);
      }
    }
  });

  it("text the store cannot hold (U+0000, a lone surrogate) is refused, not stored or mangled", async () => {
    for (const name of ["a\u0000b", "a\ud800b", "\udfff"]) {
      const before = await snapshot(h.store);
      const res = await h.admin("POST", "/v1/admin/tokens", { name });
      const problem = await expectJson<{ code: string; errors: { path: string }[] }>(res, 400);
      expect(problem).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "name" }] });
      expect(storeChanges(before, await snapshot(h.store))).toEqual([]);
    }
    const bytes = new TextEncoder().encode('{"name":"x"}');
    const invalid = new Uint8Array([...bytes.slice(0, 9), 0xff, ...bytes.slice(9)]);
    const res = await h.server.app.request("/v1/admin/tokens", {
      method: "POST",
      headers: { authorization: `Bearer ${h.owner.token}`, "content-type": "application/json" },
      body: invalid,
    });
    expect((await expectJson(res, 400))["code"]).toBe("MALFORMED_JSON");

    // The same on enrollment, whose body is read as bytes for its signature: refused, not
    // decoded with U+FFFD in place of the bad byte.
    const identity = await newIdentity();
    const enroll = new TextEncoder().encode(
      JSON.stringify({ token: "x", name: "m-\u0001", publicKeyPem: identity.publicKeyPem }),
    );
    const at = enroll.indexOf(0x5c); // the backslash of \u0001: a byte that cannot start UTF-8 goes there
    const broken = new Uint8Array([...enroll.slice(0, at), 0xc0, 0x80, ...enroll.slice(at + 6)]);
    const before = await snapshot(h.store);
    const enrolled = await signed(h, "/v1/enroll", {
      method: "POST",
      rawBody: broken,
      keyId: identity.thumbprint,
      key: identity.key,
    });
    expect((await expectJson(enrolled, 400))["code"]).toBe("MALFORMED_JSON");
    expect(storeChanges(before, await snapshot(h.store)).filter((c) => !/audit|nonce/.test(c))).toEqual([]);
  });
  // Regression: zod dropped a `__proto__` field without an issue, so the secret lost it and the caller got 201.
  it("a field named __proto__ is refused, not silently dropped", async () => {
    await expectJson(await h.admin("POST", "/v1/admin/vaults", { name: "proto" }), 201);
    await expectJson(await h.admin("POST", "/v1/admin/vaults/proto/projects", { name: "p" }), 201);
    const before = await snapshot(h.store);
    const res = await h.admin(
      "POST",
      "/v1/admin/secrets",
      '{"kind":"structured","id":"sk_proto","vault":"proto","project":"p","fields":{"__proto__":"x","A":"b"}}',
    );
    const problem = await expectJson<{ code: string; errors: { path: string }[] }>(res, 400);
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors.map((e) => e.path)).toContain("fields.__proto__");
    expect(storeChanges(before, await snapshot(h.store))).toEqual([]);
  });
});

describe("injection: the grants template is owner-only", () => {
  let h: Harness;
  let admin: { token: string };
  const grants = "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {{name}}";
  const leased = (extra: Record<string, unknown> = {}) => ({
    kind: "leased",
    id: "sk_owned_db",
    vault: "owned",
    project: "db",
    leased: {
      connection: { host: "db.internal", database: "app", adminUser: "sikkerkey", adminPassword: "pw" },
      policy: { lifetimeSeconds: 600 },
      ...extra,
    },
  });

  beforeAll(async () => {
    h = await createHarness({ overrides: { provider: new FakeProvider() } });
    await expectJson(await h.admin("POST", "/v1/admin/vaults", { name: "owned" }), 201);
    await expectJson(await h.admin("POST", "/v1/admin/vaults/owned/projects", { name: "db" }), 201);
    await expectJson(await h.admin("POST", "/v1/admin/secrets", leased({ shape: { grants } })), 201);
    admin = await operatorWithRole(h, "owned", "admin");
    // last_used_at is written once; the clock stands still, so later uses leave it alone.
    await h.admin("GET", "/v1/admin/vaults", undefined, { token: admin.token });
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  // secrets.test.ts covers an admin *creating* with a template; these are the changes, over HTTP.
  it.each([
    ["replace it", { shape: { grants: "GRANT ALL PRIVILEGES ON DATABASE app TO {{name}}" } }],
    ["clear it", { shape: { grants: "" } }],
    [
      "change it with other settings",
      {
        shape: { grants: `${grants}; ALTER ROLE {{name}} SUPERUSER`, passwordLength: 40 },
        policy: { lifetimeSeconds: 900 },
      },
    ],
  ])("an admin may not %s: 403 OWNER_ONLY problem+json, nothing changed", async (_what, patch) => {
    const before = await snapshot(h.store);
    const res = await h.admin(
      "PATCH",
      "/v1/admin/secrets/sk_owned_db",
      { leased: patch },
      { token: admin.token },
    );
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await expectJson(res, 403))["code"]).toBe("OWNER_ONLY");
    expect(storeChanges(before, await snapshot(h.store))).toEqual([]);
    const view = await expectJson<{ leased: { shape: { grants: string } } }>(
      await h.admin("GET", "/v1/admin/secrets/sk_owned_db"),
      200,
    );
    expect(view.leased.shape.grants).toBe(grants);
  });

  it("an admin creating a leased secret with a template changes nothing either", async () => {
    const before = await snapshot(h.store);
    const res = await h.admin(
      "POST",
      "/v1/admin/secrets",
      { ...leased({ shape: { grants } }), id: "sk_admin_db" },
      { token: admin.token },
    );
    expect((await expectJson(res, 403))["code"]).toBe("OWNER_ONLY");
    expect(storeChanges(before, await snapshot(h.store))).toEqual([]);
  });
});
