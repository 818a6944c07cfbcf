import { type AuditAction, AUDIT_ACTIONS, type AuditVerify } from "@sikkerkey/protocol";
import { Hono } from "hono";
import { isSikkerKeyError } from "../../errors.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { type AuditFilters, AuditPage } from "../views/pages/audit.js";
import { render } from "../views/render.js";
import { type Ctx, user, vaultPage } from "./common.js";

function filters(c: Ctx): AuditFilters {
  const q = (name: string) => (c.req.query(name) ?? "").trim().slice(0, 128);
  return { actor: q("actor"), machine: q("machine"), secret: q("secret"), action: q("action") };
}

export function auditRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();
  const { auditAccess } = ctx.services;

  /** The installation owner verifies the chain; everyone else is told it is not theirs to run. */
  async function verify(c: Ctx): Promise<AuditVerify | "not-owner"> {
    try {
      return await auditAccess.verify(c.get("actor"));
    } catch (error) {
      if (isSikkerKeyError(error) && error.code === "FORBIDDEN") return "not-owner";
      throw error;
    }
  }

  async function timeline(c: Ctx, vault: string | undefined) {
    const f = filters(c);
    const action = (AUDIT_ACTIONS as readonly string[]).includes(f.action)
      ? (f.action as AuditAction)
      : undefined;
    return auditAccess.query(c.get("actor"), {
      limit: 100,
      ...(vault ? { vault } : {}),
      ...(f.actor ? { actor: f.actor } : {}),
      ...(f.machine ? { machine: f.machine } : {}),
      ...(f.secret ? { secret: f.secret } : {}),
      ...(action ? { action } : {}),
      ...(c.req.query("cursor") ? { cursor: c.req.query("cursor") } : {}),
    });
  }

  app.get("/audit", async (c) => {
    const [page, status] = await Promise.all([timeline(c, undefined), verify(c)]);
    const props = { user: user(c), path: "/audit", filters: filters(c), verify: status };
    return render(c, <AuditPage {...props} events={page.items} nextCursor={page.nextCursor} />);
  });

  app.get("/vaults/:vault/audit", async (c) => {
    const v = await vaultPage(c, ctx, "audit");
    const [page, status] = await Promise.all([timeline(c, v.vault.id), verify(c)]);
    const props = { user: user(c), nav: v.nav, path: `${v.base}/audit`, filters: filters(c), verify: status };
    return render(c, <AuditPage {...props} events={page.items} nextCursor={page.nextCursor} />);
  });
  return app;
}
