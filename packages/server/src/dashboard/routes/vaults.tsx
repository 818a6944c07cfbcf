import { slugSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { text } from "../http/form.js";
import { VaultsPage } from "../views/pages/vaults.js";
import { render } from "../views/render.js";
import { back, enc, notice, user } from "./common.js";

export function vaultRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();
  const { vaults, projects } = ctx.services;

  app.get("/", async (c) => {
    const list = await vaults.list(c.get("actor"));
    return render(c, <VaultsPage user={user(c)} vaults={list} notice={notice(c)} />);
  });

  app.post("/vaults", async (c) => {
    const name = text(c.get("form"), "name").trim();
    const checked = slugSchema.safeParse(name);
    if (!checked.success) {
      const list = await vaults.list(c.get("actor"));
      const error = checked.error.issues[0]?.message;
      return render(c, <VaultsPage user={user(c)} vaults={list} name={name} error={error} />, 400);
    }
    const vault = await vaults.create(c.get("actor"), name);
    return back(c, `/vaults/${enc(vault.name)}/secrets`, "vault-created");
  });

  app.get("/vaults/:vault", (c) => c.redirect(`/vaults/${enc(c.req.param("vault"))}/secrets`, 303));

  app.post("/vaults/:vault/projects", async (c) => {
    const name = text(c.get("form"), "name").trim();
    const project = await projects.create(c.get("actor"), c.req.param("vault"), slugSchema.parse(name));
    return back(
      c,
      `/vaults/${enc(c.req.param("vault"))}/secrets?project=${enc(project.name)}`,
      "project-created",
    );
  });
  return app;
}
