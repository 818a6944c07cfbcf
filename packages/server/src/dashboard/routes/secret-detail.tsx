import type { Lease, Secret } from "@sikkerkey/protocol";
import { Hono } from "hono";
import { SikkerKeyError } from "../../errors.js";
import type { OperatorActor } from "../../services/actor.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { text } from "../http/form.js";
import { DeleteSecretPage } from "../views/pages/delete-secret.js";
import { SecretDetailPage } from "../views/pages/secret-detail.js";
import { render } from "../views/render.js";
import { back, type Ctx, enc, notice, user, vaultPage } from "./common.js";

const LIVE = ["active", "minting", "revoking"] as const;

/** The secret in the URL, which must belong to the vault in the URL (else: not found). */
export async function secretIn(
  ctx: DashboardContext,
  c: Ctx,
  vaultId: string,
  reveal = false,
): Promise<Secret> {
  const id = c.req.param("id") ?? "";
  const secret = await ctx.services.secrets.get(c.get("actor"), id, { reveal });
  if (secret.vaultId !== vaultId) throw new SikkerKeyError("SECRET_NOT_FOUND", `secret "${id}" not found`);
  return secret;
}

export async function liveLeases(
  ctx: DashboardContext,
  actor: OperatorActor,
  secret: string,
): Promise<Lease[]> {
  const pages = await Promise.all(LIVE.map((state) => ctx.leased.listLeases(actor, { secret, state })));
  return pages.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function secretDetailRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();

  async function detail(c: Ctx, reveal: boolean): Promise<Response> {
    const v = await vaultPage(c, ctx, "secrets");
    const secret = await secretIn(ctx, c, v.vault.id, reveal);
    const leases = secret.kind === "leased" ? await liveLeases(ctx, c.get("actor"), secret.id) : [];
    const props = { user: user(c), nav: v.nav, base: v.base, isAdmin: v.isAdmin, notice: notice(c) };
    return render(c, <SecretDetailPage {...props} secret={secret} leases={leases} />);
  }

  app.get("/vaults/:vault/secrets/:id", (c) => detail(c, false));
  // A POST, so a link or a prefetch can never reveal (and audit) anything by itself.
  app.post("/vaults/:vault/secrets/:id/reveal", (c) => detail(c, true));

  app.get("/vaults/:vault/secrets/:id/delete", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    const secret = await secretIn(ctx, c, v.vault.id);
    const live = secret.kind === "leased" ? (await liveLeases(ctx, c.get("actor"), secret.id)).length : 0;
    return render(
      c,
      <DeleteSecretPage user={user(c)} nav={v.nav} base={v.base} secret={secret} liveLogins={live} />,
    );
  });

  app.post("/vaults/:vault/secrets/:id/delete", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    const secret = await secretIn(ctx, c, v.vault.id);
    const result = await ctx.services.trash.remove(c.get("actor"), secret.id);
    return back(c, `${v.base}/secrets`, "trashed", result.revokedLeases);
  });

  app.post("/vaults/:vault/secrets/:id/revoke-leases", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    if (!v.isAdmin)
      throw new SikkerKeyError("FORBIDDEN", "revoking logins needs the admin role in this vault");
    const secret = await secretIn(ctx, c, v.vault.id);
    const result = await ctx.leased.revokeSecretLeases(c.get("actor"), secret.id);
    const self = `${v.base}/secrets/${enc(secret.id)}`;
    return result.revoking > 0
      ? back(c, self, "revoked-all-pending", result.revoking)
      : back(c, self, "revoked-all", result.revoked);
  });

  app.post("/vaults/:vault/leases/:lease/revoke", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    if (!v.isAdmin)
      throw new SikkerKeyError("FORBIDDEN", "revoking a lease needs the admin role in this vault");
    const secretId = text(c.get("form"), "secret");
    // The lease must be one of this vault's secret's leases, as this operator sees them.
    const secret = await ctx.services.secrets.get(c.get("actor"), secretId);
    const leaseId = c.req.param("lease");
    const visible = (await liveLeases(ctx, c.get("actor"), secret.id)).some((l) => l.id === leaseId);
    if (secret.vaultId !== v.vault.id || !visible)
      throw new SikkerKeyError("NOT_FOUND", "no such live lease");
    const force = text(c.get("form"), "force") === "on";
    const lease = await ctx.leased.revokeLease(c.get("actor"), leaseId, { force });
    const outcome =
      lease.state === "abandoned" ? "abandoned" : lease.state === "revoking" ? "revoke-pending" : "revoked";
    return back(c, `${v.base}/secrets/${enc(secret.id)}`, outcome);
  });
  return app;
}
