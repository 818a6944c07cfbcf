import { parseDuration } from "@sikkerkey/protocol";
import { Hono } from "hono";
import { SikkerKeyError } from "../../errors.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { checkbox, list, text } from "../http/form.js";
import { TokenCreatedPage } from "../views/pages/token-created.js";
import { render } from "../views/render.js";
import { back, type Ctx, user, vaultPage } from "./common.js";

/** The address machines should enroll against: this request's, or the proxy's when trusted. */
function serverUrl(c: Ctx, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  const host = trustProxy ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const proto = trustProxy ? c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() : undefined;
  return host ? `${proto ?? "https"}://${host}` : url.origin;
}

export function enrollmentRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();

  app.post("/vaults/:vault/enrollment-tokens", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    const form = c.get("form");
    const ttlSeconds = parseDuration(text(form, "ttl") || "1d");
    const uses = Number(text(form, "uses") || "1");
    if (ttlSeconds === undefined || ttlSeconds < 60 || ttlSeconds > 31_536_000) {
      throw new SikkerKeyError(
        "VALIDATION_FAILED",
        "valid for: write a duration from 1m to 365d, e.g. 1h or 7d",
      );
    }
    if (!Number.isInteger(uses) || uses < 1 || uses > 10_000) {
      throw new SikkerKeyError("VALIDATION_FAILED", "uses: a whole number from 1 to 10000");
    }
    const created = await ctx.services.enrollmentTokens.create(c.get("actor"), {
      vault: v.vault.id,
      ttlSeconds,
      uses,
      autoApprove: checkbox(form, "autoApprove"),
      projects: list(form, "projects"),
    });
    const page = (
      <TokenCreatedPage
        user={user(c)}
        nav={v.nav}
        base={v.base}
        token={created.token}
        serverUrl={serverUrl(c, ctx.trustProxy)}
      />
    );
    return render(c, page, 201);
  });

  app.post("/vaults/:vault/enrollment-tokens/:id/revoke", async (c) => {
    const v = await vaultPage(c, ctx, "machines");
    const token = await ctx.services.enrollmentTokens.revoke(c.get("actor"), c.req.param("id"));
    if (token.vaultId !== v.vault.id) throw new SikkerKeyError("NOT_FOUND", "enrollment token not found");
    return back(c, `${v.base}/machines`, "token-revoked");
  });
  return app;
}
