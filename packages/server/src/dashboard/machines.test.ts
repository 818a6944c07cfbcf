import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestBrowser } from "./testing/browser.js";
import { type DashboardWorld, dashboardWorld } from "./testing/world.js";

describe("dashboard machines, enrollment tokens and audit", () => {
  let w: DashboardWorld;
  let b: TestBrowser;
  let vaultId: string;
  beforeAll(async () => {
    w = await dashboardWorld();
    vaultId = (await w.services.vaults.create(w.owner, "prod")).id;
    await w.services.projects.create(w.owner, vaultId, "api");
    await w.leasedSecret("sk_db");
    await w.machine(vaultId, "worker-1");
    b = await w.signedIn();
  });
  afterAll(() => w.close());

  it("approves pending machines, says what disabling does, disables, enables and grants access", async () => {
    await w.machine(vaultId, "pending-1", "pending");
    const list = await b.page("/vaults/prod/machines");
    expect(list.html).toContain("Waiting for approval (1)");
    const approved = await b.post("/vaults/prod/machines/pending-1/approve", { _csrf: b.csrf() });
    expect(approved.res.headers.get("location")).toBe("/vaults/prod/machines?notice=approved");
    const confirm = await b.page("/vaults/prod/machines/pending-1/disable");
    expect(confirm.html).toContain("It holds no live database logins.");
    const withLogins = await b.page("/vaults/prod/machines/worker-1/disable");
    expect(withLogins.html).toMatch(/0 logins will be revoked at once|It holds no live database logins/);
    const disabled = await b.post("/vaults/prod/machines/pending-1/disable", { _csrf: b.csrf() });
    expect(disabled.res.headers.get("location")).toBe("/vaults/prod/machines/pending-1?notice=disabled&n=0");
    await b.page("/vaults/prod/machines/pending-1");
    await b.post("/vaults/prod/machines/pending-1/enable", { _csrf: b.csrf() });
    await b.post("/vaults/prod/machines/pending-1/grants", { _csrf: b.csrf(), project: "api" });
    const detail = await b.page("/vaults/prod/machines/pending-1");
    expect(detail.html).toContain("Remove access to api");
    expect(detail.html).toContain("badge-enabled");
  });

  it("creates an enrollment token, shows it once with the enroll command, and revokes it", async () => {
    await b.page("/vaults/prod/machines");
    const created = await b.post("/vaults/prod/enrollment-tokens", {
      _csrf: b.csrf(),
      ttl: "1h",
      uses: "2",
      autoApprove: "on",
      projects: "api",
    });
    expect(created.res.status).toBe(201);
    const token = /id="enrollment-token" class="secret-token" readonly="" value="([^"]+)"/.exec(
      created.html,
    )?.[1];
    expect(token).toMatch(/^ske_/);
    expect(created.html).toContain(
      `sikkerkey enroll --server http://localhost --token ${token} --name &lt;machine-name&gt;`,
    );
    const list = await b.page("/vaults/prod/machines");
    expect(list.html).not.toContain(token!);
    const id = /Revoke (enr_[A-Za-z0-9]+)/.exec(list.html)![1]!;
    const revoked = await b.post(`/vaults/prod/enrollment-tokens/${id}/revoke`, { _csrf: b.csrf() });
    expect(revoked.res.headers.get("location")).toBe("/vaults/prod/machines?notice=token-revoked");
    const bad = await b.post("/vaults/prod/enrollment-tokens", { _csrf: b.csrf(), ttl: "soon" });
    expect(bad.res.status).toBe(400);
  });

  it("filters the audit timeline and shows the chain's verification to the installation owner", async () => {
    await w.services.audit.link();
    const all = await b.page("/vaults/prod/audit");
    expect(all.html).toMatch(/Hash chain verified: \d+ events intact/);
    expect(all.html).toContain("machine.approve");
    const filtered = await b.page("/vaults/prod/audit?action=machine.approve&machine=pending-1");
    expect(filtered.html).toContain("machine.approve");
    expect(filtered.html).not.toContain("<code>secret.create</code>");
    const bySecret = await b.page("/audit?secret=sk_db");
    expect(bySecret.html).toContain("<code>secret.create</code>");
    expect(bySecret.html).not.toContain("<code>machine.approve</code>");
  });

  it("shows a member what they may see, without the admin buttons or the whole audit log", async () => {
    const member = await w.signedIn(await w.operator("prod", "member"));
    const secrets = await member.page("/vaults/prod/secrets");
    expect(secrets.html).not.toContain("+ New Secret");
    const detail = await member.page("/vaults/prod/secrets/sk_db");
    expect(detail.html).not.toContain("Delete…");
    expect(detail.html).not.toContain('/revoke"');
    expect(detail.html).not.toContain("/revoke-leases");
    const revokeAll = await member.post("/vaults/prod/secrets/sk_db/revoke-leases", { _csrf: member.csrf() });
    expect(revokeAll.res.status).toBe(403);
    expect((await member.page("/audit")).res.status).toBe(403);
    const wizard = await member.page("/vaults/prod/secrets/new/leased");
    expect(wizard.res.status).toBe(403);
    expect((await member.page("/vaults/nope/secrets")).res.status).toBe(404);
  });
});
