import { Hono } from "hono";
import { SikkerKeyError } from "../../errors.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { TrashPage } from "../views/pages/trash.js";
import { render } from "../views/render.js";
import { back, type Ctx, notice, user, type VaultPage, vaultPage } from "./common.js";

export function trashRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();
  const { trash } = ctx.services;

  /** The item must be in this vault's trash: the URL's vault is not just decoration. */
  async function inTrash(c: Ctx, v: VaultPage): Promise<string> {
    const id = c.req.param("id") ?? "";
    const items = (await trash.list(c.get("actor"), { vault: v.vault.id, limit: 1000 })).items;
    if (!items.some((item) => item.id === id))
      throw new SikkerKeyError("NOT_FOUND", `"${id}" is not in this vault's trash`);
    return id;
  }

  app.get("/vaults/:vault/trash", async (c) => {
    const v = await vaultPage(c, ctx, "trash");
    const page = await trash.list(c.get("actor"), { vault: v.vault.id, limit: 1000 });
    const props = { user: user(c), nav: v.nav, base: v.base, isAdmin: v.isAdmin, notice: notice(c) };
    return render(c, <TrashPage {...props} items={page.items} />);
  });

  app.post("/vaults/:vault/trash/:id/restore", async (c) => {
    const v = await vaultPage(c, ctx, "trash");
    await trash.restore(c.get("actor"), await inTrash(c, v));
    return back(c, `${v.base}/trash`, "restored");
  });

  app.post("/vaults/:vault/trash/:id/purge", async (c) => {
    const v = await vaultPage(c, ctx, "trash");
    await trash.purge(c.get("actor"), await inTrash(c, v));
    return back(c, `${v.base}/trash`, "purged");
  });
  return app;
}
