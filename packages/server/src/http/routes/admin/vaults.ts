import { memberAddSchema, projectCreateSchema, vaultCreateSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readJson } from "../../middleware/body.js";

/** Vaults, and what hangs off one: members and projects. */
export function vaultRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { vaults, members, projects } = services;

  app.get("/", async (c) => c.json({ items: await vaults.list(c.get("operator")) }));
  app.post("/", async (c) => {
    const { data } = await readJson(c, vaultCreateSchema);
    return c.json(await vaults.create(c.get("operator"), data.name), 201);
  });
  app.get("/:vault", async (c) => c.json(await vaults.get(c.get("operator"), c.req.param("vault"))));
  app.delete("/:vault", async (c) => c.json(await vaults.remove(c.get("operator"), c.req.param("vault"))));

  app.get("/:vault/members", async (c) =>
    c.json({ items: await members.list(c.get("operator"), c.req.param("vault")) }),
  );
  app.post("/:vault/members", async (c) => {
    const { data } = await readJson(c, memberAddSchema);
    return c.json(await members.add(c.get("operator"), c.req.param("vault"), data), 201);
  });

  app.get("/:vault/projects", async (c) =>
    c.json({ items: await projects.list(c.get("operator"), c.req.param("vault")) }),
  );
  app.post("/:vault/projects", async (c) => {
    const { data } = await readJson(c, projectCreateSchema);
    return c.json(await projects.create(c.get("operator"), c.req.param("vault"), data.name), 201);
  });
  app.delete("/:vault/projects/:project", async (c) =>
    c.json(await projects.remove(c.get("operator"), c.req.param("vault"), c.req.param("project"))),
  );
  return app;
}
