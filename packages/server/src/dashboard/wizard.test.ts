import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestBrowser } from "./testing/browser.js";
import { ADMIN_PASSWORD, CONNECTION, POLICY, SHAPE, WizardDriver } from "./testing/wizard-driver.js";
import { type DashboardWorld, dashboardWorld } from "./testing/world.js";

describe("the Leased Secret wizard", () => {
  let w: DashboardWorld;
  let owner: TestBrowser;
  const base = "/vaults/prod";
  beforeAll(async () => {
    w = await dashboardWorld();
    const vault = await w.services.vaults.create(w.owner, "prod");
    await w.services.projects.create(w.owner, vault.id, "api");
    owner = await w.signedIn();
  });
  afterAll(() => w.close());

  it("offers + New Secret → Structured or Leased Secret", async () => {
    const list = await owner.page(`${base}/secrets`);
    expect(list.html).toContain("+ New Secret");
    const choice = await owner.page(`${base}/secrets/new`);
    expect(choice.html).toContain("Structured");
    expect(choice.html).toContain(`href="${base}/secrets/new/leased"`);
  });

  it("keeps every value when moving back and forth, and never renders the admin password", async () => {
    const d = new WizardDriver(owner, base);
    const first = await d.start();
    expect(first).toContain('value="5432"');
    await d.post("connection", "next", { ...CONNECTION, secretId: "sk_roundtrip" });
    const shape = await d.post("shape", "next", SHAPE);
    expect(shape.html).toContain("3. Lease Policy");
    const back1 = await d.post("policy", "back", { ...POLICY, lifetime: "15m" });
    expect(back1.html).toContain('value="40"');
    expect(back1.html).toContain("GRANT SELECT ON granted TO {{name}};");
    expect(back1.html).toMatch(/value="symbols"[^>]*checked|checked[^>]*value="symbols"/);
    const back2 = await d.post("shape", "back", SHAPE);
    expect(back2.html).toContain('value="db.internal"');
    expect(back2.html).toContain('value="sk_roundtrip"');
    expect(back2.html).toContain("A password is held for this wizard");
    // Forward again without retyping the password: the draft still has it.
    await d.post("connection", "next", { ...CONNECTION, secretId: "sk_roundtrip", adminPassword: "" });
    const policy = await d.post("shape", "next", SHAPE);
    expect(policy.html).toContain('value="15m"');
    const done = await d.post("policy", "create", { ...POLICY, lifetime: "15m" });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${base}/secrets/sk_roundtrip?notice=secret-created`);
    const detail = await owner.page(done.location!);
    d.pages.push(detail.html);
    expect(detail.html).toContain("db.internal");
    expect(detail.html).toContain("15m");
    for (const html of d.pages) expect(html).not.toContain(ADMIN_PASSWORD);
    const saved = await w.services.secrets.get(w.owner, "sk_roundtrip");
    expect(saved.leased?.policy).toMatchObject({
      lifetimeSeconds: 900,
      renewWindowSeconds: 120,
      hardMaxSeconds: 3600,
    });
  });

  it("runs Test connection and shows the exact problem with the statement that fixes it", async () => {
    const d = new WizardDriver(owner, base);
    await d.start();
    const tested = await d.post("connection", "test", CONNECTION);
    expect(tested.status).toBe(200);
    expect(tested.html).toContain("Cannot terminate sessions");
    expect(tested.html).toContain("GRANT pg_signal_backend TO &quot;admin&quot;;");
    expect(tested.html).not.toContain(ADMIN_PASSWORD);
    expect(w.tested.at(-1)).toMatchObject({ host: "db.internal", adminPassword: ADMIN_PASSWORD, port: 5432 });
    // The result stays with the draft when the operator comes back to step 1.
    await d.post("connection", "next", CONNECTION);
    const back = await d.post("shape", "back", SHAPE);
    expect(back.html).toContain("Cannot terminate sessions");
  });

  it("explains invalid policy combinations with the protocol's own messages", async () => {
    const d = new WizardDriver(owner, base);
    await d.start();
    await d.post("connection", "next", { ...CONNECTION, secretId: "sk_bad_policy" });
    await d.post("shape", "next", SHAPE);
    const bad = await d.post("policy", "create", {
      lifetime: "5m",
      renewWindow: "10m",
      hardMax: "1m",
      mintFresh: "on",
    });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("a renew window needs renew on read");
    expect(bad.html).toContain("the hard maximum cannot be shorter than the credential lifetime");
    const both = await d.post("policy", "create", { lifetime: "5m", renewOnRead: "on", mintFresh: "on" });
    expect(both.html).toContain("mint fresh on every read never reuses a login");
    const short = await d.post("policy", "next", { lifetime: "30s" });
    expect(short.html).toContain("credential lifetime must be at least 60 seconds");
    const garbage = await d.post("policy", "next", { lifetime: "soon" });
    expect(garbage.html).toContain("write a duration like 90s, 5m, 1h or 7d");
  });

  it("sends the operator back to the step with a problem, with field errors tied to their inputs", async () => {
    const d = new WizardDriver(owner, base);
    await d.start();
    const missing = await d.post("connection", "next", {
      ...CONNECTION,
      host: "",
      port: "x",
      adminPassword: "",
    });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('aria-invalid="true"');
    expect(missing.html).toContain("the port is a number");
    expect(missing.html).toContain("enter the admin password");
    expect(missing.html).toContain('href="#f-host"');
  });

  it("saves a wizard edit of a leased secret, keeping the sealed admin password when left blank", async () => {
    const d = new WizardDriver(owner, base);
    await d.complete({ connection: { secretId: "sk_edit" } });
    const edit = async () => {
      const { res } = await owner.post(`${base}/secrets/sk_edit/edit`, { _csrf: owner.csrf() });
      expect(res.status).toBe(303);
      const page = await owner.page(res.headers.get("location")!);
      expect(page.html).toContain("Leave blank to keep the saved password.");
      const e = new WizardDriver(owner, base);
      e.draft = /name="draft" value="([^"]+)"/.exec(page.html)![1]!;
      return { e, page };
    };
    const first = await edit();
    await first.e.post("connection", "next", { ...CONNECTION, adminPassword: "" });
    await first.e.post("shape", "next", SHAPE);
    const saved = await first.e.post("policy", "create", { ...POLICY, lifetime: "20m" });
    expect(saved.location).toBe(`${base}/secrets/sk_edit?notice=secret-updated`);
    expect((await w.services.secrets.get(w.owner, "sk_edit")).leased?.policy.lifetimeSeconds).toBe(1200);

    // Another host with the saved password would send it there: the password must come again.
    const second = await edit();
    await second.e.post("connection", "next", { ...CONNECTION, host: "db2.internal", adminPassword: "" });
    await second.e.post("shape", "next", SHAPE);
    const refused = await second.e.post("policy", "create", POLICY);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("give the admin password again to change the host");
    expect(refused.html).toMatch(/id="f-adminPassword"[^>]*aria-invalid="true"/);
    expect((await w.services.secrets.get(w.owner, "sk_edit")).leased?.connection.host).not.toBe(
      "db2.internal",
    );
    await second.e.post("connection", "next", { ...CONNECTION, host: "db2.internal" });
    await second.e.post("shape", "next", SHAPE);
    const moved = await second.e.post("policy", "create", POLICY);
    expect(moved.location).toBe(`${base}/secrets/sk_edit?notice=secret-updated`);
    expect((await w.services.secrets.get(w.owner, "sk_edit")).leased?.connection.host).toBe("db2.internal");
    for (const html of [...d.pages, ...first.e.pages, ...second.e.pages, first.page.html, second.page.html])
      expect(html).not.toContain(ADMIN_PASSWORD);
  });

  it("lets only the vault owner write the grants template; an admin sees it read-only", async () => {
    const email = await w.operator("prod", "admin");
    const admin = await w.signedIn(email);
    const d = new WizardDriver(admin, base);
    await d.start();
    await d.post("connection", "next", { ...CONNECTION, secretId: "sk_by_admin" });
    const shape = await d
      .post("shape", "back", SHAPE)
      .then(() => d.post("connection", "next", { ...CONNECTION, secretId: "sk_by_admin" }));
    expect(shape.html).toContain("Only a vault owner may set or change the grants template");
    expect(shape.html).toMatch(/<textarea id="f-grants" readonly/);
    expect(shape.html).not.toMatch(/name="grants"/);
    // A forged grants field is ignored, not trusted.
    await d.post("shape", "next", {
      ...SHAPE,
      grants: "GRANT ALL ON ALL TABLES IN SCHEMA public TO {{name}};",
    });
    const done = await d.post("policy", "create", POLICY);
    expect(done.status).toBe(303);
    expect((await w.services.secrets.get(w.owner, "sk_by_admin")).leased?.shape.grants).toBe("");
    const ownerShape = new WizardDriver(owner, base);
    await ownerShape.start();
    const editable = await ownerShape.post("connection", "next", { ...CONNECTION, secretId: "sk_by_owner" });
    expect(editable.html).toMatch(/<textarea id="f-grants" name="grants"/);
  });
});
