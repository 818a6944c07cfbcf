import type { Lease, Machine } from "@sikkerkey/protocol";
import { Hono } from "hono";
import { SikkerKeyError } from "../../errors.js";
import type { MachineRef } from "../../services/machines/machine-service.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { text } from "../http/form.js";
import { DisableMachinePage } from "../views/pages/disable-machine.js";
import { MachineDetailPage } from "../views/pages/machine-detail.js";
import { MachinesPage } from "../views/pages/machines.js";
import { render } from "../views/render.js";
import { back, type Ctx, enc, notice, user, type VaultPage, vaultPage } from "./common.js";

const LIVE = ["active", "minting", "revoking"] as const;

export function machineRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();
  const { machines, grants, projects, enrollmentTokens } = ctx.services;

  /** By name within the vault in the URL: names are unique per vault, ids are not tied to one. */
  const ref = (c: Ctx, v: VaultPage): MachineRef => ({
    machine: c.req.param("machine") ?? "",
    vault: v.vault.id,
  });

  async function machineIn(c: Ctx, v: VaultPage): Promise<Machine> {
    const machine = await machines.get(c.get("actor"), ref(c, v));
    if (machine.vaultId !== v.vault.id) throw new SikkerKeyError("NOT_FOUND", "machine not found");
    return machine;
  }

  async function liveLeases(c: Ctx, machine: Machine): Promise<Lease[]> {
    const lists = await Promise.all(
      LIVE.map((state) => ctx.leased.listLeases(c.get("actor"), { machine: machine.id, state })),
    );
    return lists.flat();
  }

  app.get("/vaults/:vault/machines", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    const actor = c.get("actor");
    const [list, tokens, projectList] = await Promise.all([
      machines.list(actor, { vault: v.vault.id, limit: 1000 }),
      enrollmentTokens.list(actor, { vault: v.vault.id }),
      projects.list(actor, v.vault.id),
    ]);
    const props = { user: user(c), nav: v.nav, base: v.base, isAdmin: v.isAdmin, notice: notice(c) };
    return render(
      c,
      <MachinesPage {...props} machines={list.items} tokens={tokens} projects={projectList} />,
    );
  });

  app.get("/vaults/:vault/machines/:machine", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    const machine = await machineIn(c, v);
    const [projectList, leases] = await Promise.all([
      projects.list(c.get("actor"), v.vault.id),
      liveLeases(c, machine),
    ]);
    const props = { user: user(c), nav: v.nav, base: v.base, isAdmin: v.isAdmin, notice: notice(c) };
    return render(
      c,
      <MachineDetailPage {...props} machine={machine} projects={projectList} leases={leases} />,
    );
  });

  /** Counts which logins go at once (their secret revokes on disable) and which stay until expiry. */
  app.get("/vaults/:vault/machines/:machine/disable", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    const machine = await machineIn(c, v);
    let revokedNow = 0;
    let keptUntilExpiry = 0;
    const policies = new Map<string, boolean>();
    for (const lease of await liveLeases(c, machine)) {
      if (!policies.has(lease.secretId)) {
        const secret = await ctx.services.secrets.get(c.get("actor"), lease.secretId).catch(() => undefined);
        policies.set(lease.secretId, secret?.leased?.policy.revokeOnDisable ?? true);
      }
      if (policies.get(lease.secretId)) revokedNow++;
      else keptUntilExpiry++;
    }
    const props = { user: user(c), nav: v.nav, base: v.base, machine };
    return render(
      c,
      <DisableMachinePage {...props} revokedNow={revokedNow} keptUntilExpiry={keptUntilExpiry} />,
    );
  });

  const self = (v: VaultPage, c: Ctx) => `${v.base}/machines/${enc(c.req.param("machine") ?? "")}`;

  app.post("/vaults/:vault/machines/:machine/approve", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    await machines.approve(c.get("actor"), ref(c, v));
    return back(c, `${v.base}/machines`, "approved");
  });
  app.post("/vaults/:vault/machines/:machine/disable", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    const result = await machines.disable(c.get("actor"), ref(c, v));
    return back(c, self(v, c), "disabled", result.revokedLeases);
  });
  app.post("/vaults/:vault/machines/:machine/enable", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    await machines.enable(c.get("actor"), ref(c, v));
    return back(c, self(v, c), "enabled");
  });
  app.post("/vaults/:vault/machines/:machine/grants", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    await grants.grant(c.get("actor"), ref(c, v), text(c.get("form"), "project"));
    return back(c, self(v, c), "granted");
  });
  app.post("/vaults/:vault/machines/:machine/grants/:project/remove", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    const result = await grants.revoke(c.get("actor"), ref(c, v), c.req.param("project"));
    return back(c, self(v, c), "ungranted", result.revokedLeases);
  });
  return app;
}
