import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../store/index.js";
import type { TestBrowser } from "./testing/browser.js";
import { type DashboardWorld, dashboardWorld } from "./testing/world.js";

const XSS = "<script>alert(1)</script>";

describe("dashboard security", () => {
  let w: DashboardWorld;
  let b: TestBrowser;
  let vaultId: string;
  let tokenId: string;
  beforeAll(async () => {
    w = await dashboardWorld();
    const vault = await w.services.vaults.create(w.owner, "prod");
    vaultId = vault.id;
    const project = await w.services.projects.create(w.owner, vault.id, "api");
    await w.services.secrets.create(w.owner, {
      kind: "structured",
      id: "sk_api",
      vault: "prod",
      project: "api",
      fields: { KEY: "v4lue-that-stays-hidden" },
    });
    await w.services.secrets.create(w.owner, {
      kind: "leased",
      id: "sk_db",
      vault: "prod",
      project: "api",
      leased: {
        connection: {
          host: `<img src=x onerror=alert(2)>`,
          database: "app",
          adminUser: "adm",
          adminPassword: "adm-pw-hidden",
        },
        shape: { grants: `</textarea>${XSS}` },
        policy: { lifetimeSeconds: 300 },
      },
    });
    await w.machine(vault.id, "m1", "pending");
    await w.machine(vault.id, XSS, "enabled");
    tokenId = (
      await w.services.enrollmentTokens.create(w.owner, {
        vault: "prod",
        ttlSeconds: 3600,
        uses: 1,
        autoApprove: false,
        projects: [],
      })
    ).id;
    // A secret id the API would refuse, written straight to the store: escaping must not rely on validation.
    const now = new Date();
    await w.store.db.insert(schema.secrets).values({
      id: XSS,
      vaultId,
      projectId: project.id,
      kind: "structured",
      createdAt: now,
      updatedAt: now,
    });
    b = await w.signedIn();
  });
  afterAll(() => w.close());

  const PAGES = [
    "/",
    "/vaults/prod/secrets",
    "/vaults/prod/secrets/sk_api",
    "/vaults/prod/secrets/sk_db",
    "/vaults/prod/secrets/sk_db/delete",
    "/vaults/prod/secrets/new",
    "/vaults/prod/secrets/new/structured",
    "/vaults/prod/secrets/new/leased",
    "/vaults/prod/machines",
    "/vaults/prod/machines/m1",
    `/vaults/prod/machines/${encodeURIComponent(XSS)}`,
    "/vaults/prod/machines/m1/disable",
    "/vaults/prod/trash",
    "/vaults/prod/audit",
    "/audit",
  ];

  it("sends a strict CSP and the other protective headers on every page, error pages included", async () => {
    for (const path of [...PAGES, "/login", "/vaults/nope/secrets", "/no/such/page"]) {
      const res = await b.request("GET", path);
      expect(res.headers.get("content-security-policy"), path).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      );
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
  });

  it("has no inline script or style anywhere", async () => {
    for (const path of PAGES) {
      const { html } = await b.page(path);
      expect(html, path).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html, path).not.toMatch(/<style|<[a-z][^>]*\s(?:style|on[a-z]+)=/i);
    }
  });

  it("renders names as text: a secret, a machine and a URL named <script> stay inert", async () => {
    for (const path of [...PAGES, `/vaults/${encodeURIComponent(XSS)}/secrets`]) {
      const { html } = await b.page(path);
      expect(html, path).not.toContain(XSS);
      expect(html, path).not.toContain("<img src=x");
    }
    const machines = await b.page("/vaults/prod/machines");
    expect(machines.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const secrets = await b.page("/vaults/prod/secrets");
    expect(secrets.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const leased = await b.page("/vaults/prod/secrets/sk_db");
    expect(leased.html).toContain("&lt;img src=x onerror=alert(2)&gt;");
    expect(leased.html).toContain("&lt;/textarea&gt;&lt;script&gt;");
  });

  it("never renders a secret value or an admin password unless a field is revealed (audited)", async () => {
    for (const path of PAGES) {
      const { html } = await b.page(path);
      expect(html, path).not.toContain("v4lue-that-stays-hidden");
      expect(html, path).not.toContain("adm-pw-hidden");
    }
    const revealed = await b.post("/vaults/prod/secrets/sk_api/reveal", { _csrf: b.csrf() });
    expect(revealed.html).toContain("v4lue-that-stays-hidden");
    const [event] = (await w.services.audit.query({ action: "secret.read", limit: 1 })).items;
    expect(event).toMatchObject({ secretId: "sk_api", actor: { type: "operator", id: w.owner.operatorId } });
    expect(event?.detail).toMatchObject({ reveal: true });
    expect((await b.request("GET", "/vaults/prod/secrets/sk_api/reveal")).status).toBe(404);
  });

  it("refuses every POST form without the session's CSRF token (403), changing nothing", async () => {
    const forms = new Set<string>([
      "/logout",
      "/vaults",
      "/vaults/prod/projects",
      "/vaults/prod/secrets/new/structured",
      "/vaults/prod/secrets/sk_api/reveal",
      "/vaults/prod/secrets/sk_api/delete",
      "/vaults/prod/secrets/sk_db/edit",
      "/vaults/prod/leases/lease_x/revoke",
      "/vaults/prod/secrets/sk_db/revoke-leases",
      "/vaults/prod/wizard",
      "/vaults/prod/machines/m1/approve",
      "/vaults/prod/machines/m1/disable",
      "/vaults/prod/machines/m1/enable",
      "/vaults/prod/machines/m1/grants",
      "/vaults/prod/machines/m1/grants/api/remove",
      "/vaults/prod/enrollment-tokens",
      `/vaults/prod/enrollment-tokens/${tokenId}/revoke`,
      "/vaults/prod/trash/sk_api/restore",
      "/vaults/prod/trash/sk_api/purge",
    ]);
    // Every form the pages actually render is in the list (so a new form cannot skip this test).
    for (const path of PAGES) {
      const { html } = await b.page(path);
      for (const m of html.matchAll(/<form method="post" action="([^"]+)"/g))
        forms.add(m[1]!.replace(/&amp;/g, "&"));
    }
    const pending = (await w.services.machines.list(w.owner, { vault: "prod", status: "pending", limit: 10 }))
      .items;
    for (const path of forms) {
      for (const token of [undefined, "wrong-token"]) {
        const { res, html } = await b.post(path, {
          ...(token ? { _csrf: token } : {}),
          name: "evil",
          project: "api",
        });
        expect(res.status, `${path} with ${token ?? "no token"}`).toBe(403);
        expect(html).toContain("Form expired");
      }
    }
    expect((await w.services.secrets.get(w.owner, "sk_api")).deletedAt).toBeNull();
    expect(
      (await w.services.machines.list(w.owner, { vault: "prod", status: "pending", limit: 10 })).items,
    ).toEqual(pending);
    const [vault] = await w.store.db.select().from(schema.vaults).where(eq(schema.vaults.name, "evil"));
    expect(vault).toBeUndefined();
    // The session survived all of that: refusing is not signing out.
    expect((await b.page("/")).res.status).toBe(200);
  });

  it("answers API paths with the API's own behaviour, not the dashboard's", async () => {
    const res = await w.app.request("/v1/admin/vaults");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(res.status).not.toBe(303);
  });

  it("serves its stylesheet and script as files, cacheable for good", async () => {
    const { html } = await b.page("/");
    const css = /href="(\/assets\/dashboard\.[0-9a-f]{12}\.css)"/.exec(html)![1]!;
    const js = /src="(\/assets\/dashboard\.[0-9a-f]{12}\.js)"/.exec(html)![1]!;
    const cssRes = await w.app.request(css);
    expect(cssRes.headers.get("content-type")).toMatch(/^text\/css/);
    expect(cssRes.headers.get("cache-control")).toContain("immutable");
    expect((await w.app.request(js)).headers.get("content-type")).toMatch(/^text\/javascript/);
  });
});
